/* motcua-stats-report.h: the supervisors' indicators as a printable A4 PDF report.
 *
 * The indicator table, then the dashboard's three charts drawn by the very function
 * that draws them on screen (motcua_chart_draw), on a cairo PDF surface.
 */
#pragma once

#include <glib.h>

#include "motcua-stats.h"

G_BEGIN_DECLS

/* Writes the report of @stats to @path; @scope describes the chosen scope in words
 * ("Lĩnh vực: Hộ tịch"), or NULL for everything. */
gboolean motcua_stats_report_write_pdf (const MotcuaStats *stats,
                                        const char        *scope,
                                        const char        *path,
                                        GError           **error);

G_END_DECLS
