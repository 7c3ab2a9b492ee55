/* motcua-stats-report.c: an A4 report of the indicators, on a cairo PDF surface. */

#include <glib/gi18n.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include "motcua-chart.h"
#include "motcua-error.h"
#include "motcua-stats-report.h"
#include "motcua-time.h"

#define PAGE_WIDTH  595.28   /* A4 in points */
#define PAGE_HEIGHT 841.89
#define MARGIN      42.0
#define ROW_HEIGHT  17.0

/* Draws @text at x, y (its top) in @font; returns its height. */
static double
show_text (cairo_t *cr, const char *font_name, const char *text, double x, double y, double width,
           PangoAlignment alignment)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_from_string (font_name);
  int h;

  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_alignment (layout, alignment);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
  pango_layout_get_pixel_size (layout, NULL, &h);
  pango_font_description_free (font);
  g_object_unref (layout);
  return h;
}

static double
draw_heading (cairo_t *cr, const MotcuaStats *stats, const char *scope, double y)
{
  double width = PAGE_WIDTH - 2 * MARGIN;
  g_autofree char *from = motcua_stats_format_date (&stats->from);
  g_autofree char *to = motcua_stats_format_date (&stats->to);
  g_autofree char *period = g_strdup_printf (_("From %s to %s"), from, to);
  g_autoptr(GDateTime) now = motcua_time_now (NULL);
  g_autofree char *stamp = g_date_time_format (now, "%H:%M %d/%m/%Y");
  g_autofree char *made = g_strdup_printf (_("Made at %s"), stamp);

  cairo_set_source_rgb (cr, 0, 0, 0);
  y += show_text (cr, "Sans Bold 15", _("Report on the handling of administrative procedures"), MARGIN, y, width,
                  PANGO_ALIGN_CENTER) + 6;
  y += show_text (cr, "Sans 10", period, MARGIN, y, width, PANGO_ALIGN_CENTER) + 2;
  y += show_text (cr, "Sans 10", scope ? scope : _("All dossiers of this workstation"), MARGIN, y, width,
                  PANGO_ALIGN_CENTER) + 2;
  cairo_set_source_rgb (cr, 0.35, 0.35, 0.35);
  y += show_text (cr, "Sans 8", made, MARGIN, y, width, PANGO_ALIGN_CENTER);
  return y + 16;
}

static double
draw_indicator_table (cairo_t *cr, const MotcuaStats *stats, double y)
{
  g_autoptr(GPtrArray) rows = motcua_stats_indicator_rows (stats);
  double width = PAGE_WIDTH - 2 * MARGIN;

  cairo_set_source_rgb (cr, 0.88, 0.91, 0.95);
  cairo_rectangle (cr, MARGIN, y, width, ROW_HEIGHT + 2);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  show_text (cr, "Sans Bold 9", _("Indicator"), MARGIN + 6, y + 3, width * 0.6, PANGO_ALIGN_LEFT);
  show_text (cr, "Sans Bold 9", _("Value"), MARGIN + width * 0.6, y + 3, width * 0.4 - 6, PANGO_ALIGN_RIGHT);
  y += ROW_HEIGHT + 2;
  for (guint i = 0; i < rows->len; i++)
    {
      MotcuaStatsRow *row = g_ptr_array_index (rows, i);

      if (i % 2 == 1)
        {
          cairo_set_source_rgb (cr, 0.96, 0.96, 0.96);
          cairo_rectangle (cr, MARGIN, y, width, ROW_HEIGHT);
          cairo_fill (cr);
        }
      cairo_set_source_rgb (cr, 0, 0, 0);
      show_text (cr, "Sans 9", row->label, MARGIN + 6, y + 2, width * 0.6, PANGO_ALIGN_LEFT);
      show_text (cr, "Sans 9", row->value, MARGIN + width * 0.6, y + 2, width * 0.4 - 6, PANGO_ALIGN_RIGHT);
      y += ROW_HEIGHT;
    }
  cairo_set_source_rgb (cr, 0.6, 0.6, 0.6);
  cairo_set_line_width (cr, 0.5);
  cairo_rectangle (cr, MARGIN, y - rows->len * ROW_HEIGHT - ROW_HEIGHT - 2, width, rows->len * ROW_HEIGHT + ROW_HEIGHT + 2);
  cairo_stroke (cr);
  return y + 20;
}

/* A chart's title, then the chart itself, exactly as on screen. */
static double
draw_chart (cairo_t *cr, MotcuaChartKind kind, const MotcuaStats *stats, double y, double height)
{
  double width = PAGE_WIDTH - 2 * MARGIN;

  cairo_set_source_rgb (cr, 0, 0, 0);
  y += show_text (cr, "Sans Bold 11", motcua_chart_title (kind), MARGIN, y, width, PANGO_ALIGN_LEFT) + 4;
  cairo_save (cr);
  cairo_translate (cr, MARGIN, y);
  motcua_chart_draw (cr, kind, stats, width, height);
  cairo_restore (cr);
  return y + height + 22;
}

gboolean
motcua_stats_report_write_pdf (const MotcuaStats *stats, const char *scope, const char *path, GError **error)
{
  cairo_surface_t *surface = cairo_pdf_surface_create (path, PAGE_WIDTH, PAGE_HEIGHT);
  cairo_t *cr = cairo_create (surface);
  cairo_status_t status;
  double y;

  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE,
                                  _("Report on the handling of administrative procedures"));
  y = draw_heading (cr, stats, scope, MARGIN);
  y = draw_indicator_table (cr, stats, y);
  draw_chart (cr, MOTCUA_CHART_RECEIVED, stats, y, PAGE_HEIGHT - MARGIN - y - 20);
  cairo_show_page (cr);

  y = draw_chart (cr, MOTCUA_CHART_ON_TIME, stats, MARGIN, 280);
  draw_chart (cr, MOTCUA_CHART_OVERDUE, stats, y, 300);
  cairo_show_page (cr);

  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_IO, _("Could not write the report to %s: %s"), path,
                   cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}
