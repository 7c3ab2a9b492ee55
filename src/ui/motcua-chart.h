/* motcua-chart.h: the dashboard's charts, drawn by one plain function on cairo.
 *
 * The widget and the PDF report call the same motcua_chart_draw(), so what a
 * supervisor sees on screen is exactly what prints: white ground, axes, gridlines, a
 * legend, Vietnamese labels and colours that stay apart in grey.
 */
#pragma once

#include <cairo.h>
#include <gtk/gtk.h>

#include "motcua-stats.h"

G_BEGIN_DECLS

typedef enum {
  MOTCUA_CHART_RECEIVED,     /* received per day or week, stacked by channel */
  MOTCUA_CHART_ON_TIME,      /* on-time rate of the dossiers finished each day or week */
  MOTCUA_CHART_OVERDUE,      /* overdue now, by procedure (horizontal bars) */
} MotcuaChartKind;

/* Translated title of a chart. */
const char *motcua_chart_title (MotcuaChartKind    kind);
/* Draws @kind of @stats (NULL: an empty frame) into 0,0 … @width,@height of @cr. */
void        motcua_chart_draw  (cairo_t           *cr,
                                MotcuaChartKind    kind,
                                const MotcuaStats *stats,
                                double             width,
                                double             height);

#define MOTCUA_TYPE_CHART (motcua_chart_get_type ())
G_DECLARE_FINAL_TYPE (MotcuaChart, motcua_chart, MOTCUA, CHART, GtkWidget)

GtkWidget *motcua_chart_new       (MotcuaChartKind    kind);
/* @stats is borrowed: the owner sets NULL before freeing it. */
void       motcua_chart_set_stats (MotcuaChart       *self,
                                   const MotcuaStats *stats);

G_END_DECLS
