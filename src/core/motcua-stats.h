/* motcua-stats.h: the supervisors' indicators (Decision 766/QĐ-TTg) for a period.
 *
 * Every figure is an SQL aggregate over per-day sums kept by triggers on the folded
 * dossier rows (and over the few open dossiers), so a year of a province's dossiers is
 * counted in milliseconds. The rules (what counts as finished, on time, overdue) are
 * written out in docs/indicators.md.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* What to count: the days @from … @to (both included, in the agency's zone) and,
 * optionally, one agency, one field of procedures, one procedure or the dossiers one
 * staff member acted on (NULL = all). @now (NULL = motcua_time_now()) is when
 * "overdue now" is judged, and where a period reaching into the future stops. */
typedef struct {
  GDate       from;
  GDate       to;
  const char *agency_code;
  const char *field;
  const char *procedure_code;
  const char *staff;
  GDateTime  *now;
} MotcuaStatsQuery;

typedef enum {
  MOTCUA_STATS_BY_DAY,
  MOTCUA_STATS_BY_WEEK,    /* periods longer than 62 days; weeks start on Monday */
} MotcuaStatsBucketSize;

/* One day or week of the charts. */
typedef struct {
  GDate  start;
  gint64 received[3];      /* by channel: in person, online, post */
  gint64 finished;
  gint64 finished_on_time;
} MotcuaStatsBucket;

typedef struct {
  char  *procedure_code;
  char  *procedure_name;
  gint64 overdue;
} MotcuaStatsOverdue;

typedef struct {
  GDate                 from, to;
  MotcuaStatsBucketSize bucket_size;

  gint64  received;                    /* received in the period */
  gint64  received_by_channel[3];      /* in person, online, post */
  gint64  finished;                    /* finished in the period */
  gint64  finished_on_time;
  gint64  open_at_end;                 /* still being processed when the period ended */
  gint64  open_late;
  gint64  judged;                      /* finished + open_at_end */
  gint64  on_time;                     /* finished_on_time + open ones not yet late */
  gint64  overdue_now;
  gint64  supplement_dossiers;         /* received in the period, with ≥ 1 request */
  gint64  supplement_requests;
  gint64  rated, satisfied, acceptable, unsatisfied;
  double  processing_days_total;       /* over the dossiers finished in the period */

  GArray    *buckets;                  /* MotcuaStatsBucket, every day/week of the period */
  GPtrArray *overdue_by_procedure;     /* MotcuaStatsOverdue, most overdue first */
} MotcuaStats;

void         motcua_stats_free                (MotcuaStats *stats);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MotcuaStats, motcua_stats_free)

/* Rates as fractions 0…1, or a negative number when nothing was there to count. */
double       motcua_stats_on_time_rate        (const MotcuaStats *stats);
double       motcua_stats_online_rate         (const MotcuaStats *stats);
double       motcua_stats_satisfaction_rate   (const MotcuaStats *stats);
double       motcua_stats_average_days        (const MotcuaStats *stats);

/* "YYYY-MM-DD" only; FALSE for anything else or an impossible date. */
gboolean     motcua_stats_parse_date          (const char  *text,
                                               GDate       *date);
/* The period that contains @today: this month, quarter or year. */
void         motcua_stats_month_of            (const GDate *today,
                                               GDate       *from,
                                               GDate       *to);
void         motcua_stats_quarter_of          (const GDate *today,
                                               GDate       *from,
                                               GDate       *to);
void         motcua_stats_year_of             (const GDate *today,
                                               GDate       *from,
                                               GDate       *to);

/* Counts on @db (a store's connection, or one of its own). A period ending before it
 * starts is MOTCUA_ERROR_INVALID_INPUT. */
MotcuaStats *motcua_stats_compute             (sqlite3                *db,
                                               const MotcuaStatsQuery *query,
                                               GError                **error);
/* The same in a worker thread on its own read-only connection to @db_path, so the
 * window stays responsive while a year is counted. */
void         motcua_stats_compute_async       (const char             *db_path,
                                               const MotcuaStatsQuery *query,
                                               GCancellable           *cancellable,
                                               GAsyncReadyCallback     callback,
                                               gpointer                user_data);
MotcuaStats *motcua_stats_compute_finish      (GAsyncResult           *result,
                                               GError                **error);

/* Whether the per-day sums the triggers keep match a count of the dossier rows (for
 * `motcua check`); MOTCUA_ERROR_DATABASE_CORRUPT when they do not. */
gboolean     motcua_stats_verify_sums         (sqlite3                *db,
                                               GError                **error);

/* One line of the indicator table, shared by the command line, the dashboard's cards,
 * the CSV and the PDF report. */
typedef struct {
  const char *key;       /* stable, for JSON and CSV */
  const char *label;     /* translated */
  char       *value;     /* formatted for people: "98,5%", "1.234", "3,2 ngày" */
} MotcuaStatsRow;

/* Every indicator, in the order people read them (MotcuaStatsRow, owned). */
GPtrArray   *motcua_stats_indicator_rows      (const MotcuaStats *stats);
/* "%" with one decimal, "—" for a negative rate; numbers with thousands separators. */
char        *motcua_stats_format_rate         (double             rate);
char        *motcua_stats_format_count        (gint64             count);
/* "dd/mm/yyyy". */
char        *motcua_stats_format_date         (const GDate       *date);
/* Translated channel names, 0 in person, 1 online, 2 post. */
const char  *motcua_stats_channel_label       (guint              index);

JsonNode    *motcua_stats_to_json             (const MotcuaStats *stats);
/* Sections separated by an empty line: the indicators, then each chart's table. */
char        *motcua_stats_to_csv              (const MotcuaStats *stats);

G_END_DECLS
