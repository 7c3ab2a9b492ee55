/* motcua-dashboard-window.h: the supervisors' dashboard (Bảng số liệu).
 *
 * A period and a scope chosen at the top; the Decision 766 indicators as cards; three
 * charts, each with its table beneath; CSV and PDF exports. Counting runs in a worker
 * thread on its own read-only connection, so the window never waits on a year of
 * dossiers.
 */
#pragma once

#include <adwaita.h>

#include "motcua-chart.h"
#include "motcua-stats.h"
#include "motcua-store.h"

G_BEGIN_DECLS

typedef enum {
  MOTCUA_DASHBOARD_THIS_MONTH,
  MOTCUA_DASHBOARD_THIS_QUARTER,
  MOTCUA_DASHBOARD_THIS_YEAR,
  MOTCUA_DASHBOARD_CUSTOM,
} MotcuaDashboardPeriod;

#define MOTCUA_TYPE_DASHBOARD_WINDOW (motcua_dashboard_window_get_type ())
G_DECLARE_FINAL_TYPE (MotcuaDashboardWindow, motcua_dashboard_window, MOTCUA, DASHBOARD_WINDOW, AdwWindow)

/* Counting starts when the window is first shown; choose the period before that to
 * count only once. */
MotcuaDashboardWindow *motcua_dashboard_window_new          (GtkWindow              *parent,
                                                             MotcuaStore            *store);
void                   motcua_dashboard_window_set_period   (MotcuaDashboardWindow  *self,
                                                             MotcuaDashboardPeriod   period);
/* Dates as a person types them (dd/mm/yyyy or yyyy-mm-dd); FALSE, with the reason
 * shown in the window, when they are not a period. */
gboolean               motcua_dashboard_window_set_custom_period (MotcuaDashboardWindow *self,
                                                             const char             *from,
                                                             const char             *to);
/* Selects a field, procedure code or staff username (NULL = all). */
void                   motcua_dashboard_window_set_scope    (MotcuaDashboardWindow  *self,
                                                             const char             *field,
                                                             const char             *procedure_code,
                                                             const char             *staff);

/* Whether the figures shown are those of the current choice ("loaded" is emitted
 * each time they arrive). */
gboolean               motcua_dashboard_window_is_loaded    (MotcuaDashboardWindow  *self);
const MotcuaStats     *motcua_dashboard_window_get_stats    (MotcuaDashboardWindow  *self);
/* The text of an indicator card (keys of motcua_stats_indicator_rows()), NULL if none. */
const char            *motcua_dashboard_window_get_card_value (MotcuaDashboardWindow *self,
                                                             const char             *key);
/* The table beneath a chart. */
guint                  motcua_dashboard_window_get_n_rows   (MotcuaDashboardWindow  *self,
                                                             MotcuaChartKind         table);
const char            *motcua_dashboard_window_get_cell     (MotcuaDashboardWindow  *self,
                                                             MotcuaChartKind         table,
                                                             guint                   row,
                                                             guint                   column);

gboolean               motcua_dashboard_window_export_csv   (MotcuaDashboardWindow  *self,
                                                             const char             *path,
                                                             GError                **error);
gboolean               motcua_dashboard_window_export_pdf   (MotcuaDashboardWindow  *self,
                                                             const char             *path,
                                                             GError                **error);
/* Form 06 of the period shown: PRINT_DIALOG asks, EXPORT writes @export_filename. */
gboolean               motcua_dashboard_window_print_register (MotcuaDashboardWindow   *self,
                                                             GtkPrintOperationAction  action,
                                                             const char              *export_filename,
                                                             GError                 **error);

G_END_DECLS
