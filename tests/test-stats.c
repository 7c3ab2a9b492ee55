/* test-stats.c: the supervisors' indicators against the same figures counted here in
 * C, dossier by dossier, with the rules of DOMAIN.md (Decision 766) — not with the
 * SQL the dashboard uses.
 *
 * The office is a year of demo dossiers plus a few scripted with known times: two
 * supplement requests (late whatever the dates), a withdrawal (never judged) and a
 * dossier whose clock stopped before its due date (not late, not overdue).
 */

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "motcua-demo.h"
#include "motcua-error.h"
#include "motcua-event.h"
#include "motcua-stats.h"
#include "motcua-store.h"
#include "motcua-test-util.h"
#include "motcua-time.h"

#define AGENCY       "000.17.22.H56"
#define TESTER       "kiemthu"
#define PROCEDURE    "1.001193"
#define DEMO_DOSSIERS 1500

static char        *test_dir;
static char        *db_path;
static MotcuaStore *store;
static char        *twice_code;    /* two supplement requests, still open */

/* ---- the office ------------------------------------------------------------------- */

static GDateTime *
at (int month, int day, int hour)
{
  return motcua_test_vn_time (2026, month, day, hour, 0, 0);
}

static char *
receive_at (GDateTime *now)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaDossier) dossier = NULL;
  MotcuaReceiveRequest request = {
    .procedure_code = PROCEDURE,
    .applicant_name = "Đặng Văn Kiểm",
    .applicant_id_number = "038090001234",
    .actor = TESTER,
    .now = now,
  };

  dossier = motcua_store_receive (store, &request, &error);
  g_assert_no_error (error);
  return g_strdup (motcua_dossier_get_code (dossier));
}

static void
act_at (const char *code, MotcuaAction action, const char *actor, GDateTime *now)
{
  static const char * const missing[] = { "Giấy tờ tùy thân của người yêu cầu", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaDossier) dossier = NULL;
  MotcuaActionRequest request = {
    .reason = "Thiếu giấy tờ theo quy định.",
    .missing = missing,
    .to = "Công chức Tư pháp - Hộ tịch",
    .actor = actor,
    .now = now,
  };

  dossier = motcua_store_act (store, code, action, &request, &error);
  g_assert_no_error (error);
}

static void
journal_add (GPtrArray *events, GPtrArray *payloads, const char *uid, const char *kind, const char *actor,
             const char *role, const char *confirmed_at, JsonObject *payload)
{
  g_autoptr(GDateTime) time = motcua_time_parse (confirmed_at, NULL);
  MotcuaEvent *event = motcua_event_new ();

  event->op_id = motcua_uuid_new (time);
  event->dossier_uid = g_strdup (uid);
  event->actor = g_strdup (actor);
  event->actor_role = g_strdup (role);
  event->confirmed_at = g_strdup (confirmed_at);
  event->kind = g_strdup (kind);
  g_ptr_array_add (events, event);
  g_ptr_array_add (payloads, payload);
}

static JsonObject *
due_payload (const char *due_at)
{
  JsonObject *payload = json_object_new ();

  json_object_set_string_member (payload, "due_at", due_at);
  json_object_set_int_member (payload, "paused_working_minutes", 480);
  return payload;
}

static JsonObject *
supplement_payload (void)
{
  JsonObject *payload = json_object_new ();
  JsonArray *missing = json_array_new ();

  json_array_add_string_element (missing, "Giấy tờ tùy thân của người yêu cầu");
  json_object_set_array_member (payload, "missing", missing);
  json_object_set_string_member (payload, "reason", "Thiếu giấy tờ theo quy định.");
  return payload;
}

/* A second supplement request cannot be made here (the workflow refuses it), but
 * another workstation's journal can bring one: written as a synced journal would be. */
static char *
journal_twice_asked (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) motcua_event_free);
  g_autoptr(GPtrArray) payloads = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(MotcuaProcedure) procedure = motcua_store_get_procedure (store, PROCEDURE, &error);
  g_autoptr(GDateTime) day = at (11, 2, 8);
  g_autoptr(MotcuaDossier) dossier = NULL;
  g_autofree char *uid = motcua_uuid_new (day);
  g_autofree char *code = NULL;
  MotcuaReceiveRequest request = { .applicant_name = "Đặng Văn Hai", .channel = MOTCUA_CHANNEL_IN_PERSON };
  g_autofree gboolean *provided = NULL;
  JsonObject *created;

  g_assert_nonnull (procedure);
  provided = g_new0 (gboolean, procedure->documents->len + 1);
  for (guint i = 0; i < procedure->documents->len; i++)
    provided[i] = TRUE;
  g_assert_true (motcua_store_begin (store, &error));
  code = motcua_store_allocate_code (store, AGENCY, day, &error);
  g_assert_no_error (error);
  created = motcua_store_creation_payload (&request, procedure, provided, NULL, AGENCY);
  json_object_set_string_member (created, "code", code);
  json_object_set_string_member (created, "received_at", "2026-11-02T08:00:00+07:00");
  json_object_set_string_member (created, "due_at", "2026-11-06T17:00:00+07:00");
  journal_add (events, payloads, uid, "create-received", TESTER, "clerk", "2026-11-02T08:00:00+07:00", created);
  journal_add (events, payloads, uid, "request-supplement", "specialist1", "specialist",
               "2026-11-03T09:00:00+07:00", supplement_payload ());
  journal_add (events, payloads, uid, "supplement-received", TESTER, "clerk", "2026-11-04T09:00:00+07:00",
               due_payload ("2026-11-09T17:00:00+07:00"));
  journal_add (events, payloads, uid, "request-supplement", "specialist2", "specialist",
               "2026-11-05T09:00:00+07:00", supplement_payload ());
  journal_add (events, payloads, uid, "supplement-received", TESTER, "clerk", "2026-11-06T09:00:00+07:00",
               due_payload ("2026-11-11T17:00:00+07:00"));
  dossier = motcua_store_append_new_dossier (store, events, payloads, &error);
  g_assert_no_error (error);
  g_assert_true (motcua_store_commit (store, &error));
  g_assert_cmpuint (motcua_dossier_get_supplement_count (dossier), ==, 2);
  return g_steal_pointer (&code);
}

static void
script_dossiers (void)
{
  g_autoptr(GDateTime) t1 = at (11, 2, 8);
  g_autoptr(GDateTime) t2 = at (11, 2, 9);
  g_autoptr(GDateTime) t3 = at (11, 3, 9);
  g_autofree char *withdrawn = NULL, *paused = NULL;

  twice_code = journal_twice_asked ();

  withdrawn = receive_at (t1);
  act_at (withdrawn, MOTCUA_ACTION_WITHDRAW, TESTER, t3);

  /* Asked to supplement at once; the applicant never came back. */
  paused = receive_at (t1);
  act_at (paused, MOTCUA_ACTION_REQUEST_SUPPLEMENT, TESTER, t2);
}

static void
make_office (void)
{
  g_autoptr(GError) error = NULL;
  MotcuaAgency agency = { .code = (char *) AGENCY, .name = (char *) "UBND xã Thử Nghiệm" };

  test_dir = motcua_test_make_temp_dir ("motcua-stats-XXXXXX");
  db_path = g_build_filename (test_dir, "motcua.db", NULL);
  store = motcua_test_open_demo_office (db_path, &agency);
  g_assert_true (motcua_store_add_user (store, TESTER, "Đặng Thị Kiểm", MOTCUA_ROLE_CLERK, &error));
  g_assert_true (motcua_demo_generate (store, DEMO_DOSSIERS, 766, &error));
  g_assert_no_error (error);
  script_dossiers ();
}

/* ---- the same figures, counted one dossier at a time ------------------------------- */

typedef struct {
  char      *uid;
  char      *procedure_code;
  char      *procedure_name;
  char      *agency_code;
  char      *field;
  int        channel;
  int        status;
  int        supplement_count;
  GDateTime *received, *due, *finished, *returned, *paused;
  char      *satisfaction;
} Row;

static GPtrArray *rows;          /* Row */
static GHashTable *acted;        /* "actor\nuid" */

static void
row_free (Row *row)
{
  g_free (row->uid);
  g_free (row->procedure_code);
  g_free (row->procedure_name);
  g_free (row->agency_code);
  g_free (row->field);
  g_clear_pointer (&row->received, g_date_time_unref);
  g_clear_pointer (&row->due, g_date_time_unref);
  g_clear_pointer (&row->finished, g_date_time_unref);
  g_clear_pointer (&row->returned, g_date_time_unref);
  g_clear_pointer (&row->paused, g_date_time_unref);
  g_free (row->satisfaction);
  g_free (row);
}

static GDateTime *
column_time (sqlite3_stmt *stmt, int column)
{
  return motcua_time_parse ((const char *) sqlite3_column_text (stmt, column), NULL);
}

static char *
column_text (sqlite3_stmt *stmt, int column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

static void
load_rows (void)
{
  sqlite3 *db = motcua_store_get_db (store);
  sqlite3_stmt *stmt = NULL;

  rows = g_ptr_array_new_with_free_func ((GDestroyNotify) row_free);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
    "SELECT d.uid, d.procedure_code, d.procedure_name, d.agency_code, p.field, d.channel, d.status,"
    " d.supplement_count, d.received_at, d.due_at, d.finished_at, d.returned_at, d.paused_at, d.satisfaction"
    " FROM dossiers d LEFT JOIN procedures p ON p.code = d.procedure_code", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      Row *row = g_new0 (Row, 1);

      row->uid = column_text (stmt, 0);
      row->procedure_code = column_text (stmt, 1);
      row->procedure_name = column_text (stmt, 2);
      row->agency_code = column_text (stmt, 3);
      row->field = column_text (stmt, 4);
      row->channel = sqlite3_column_int (stmt, 5);
      row->status = sqlite3_column_int (stmt, 6);
      row->supplement_count = sqlite3_column_int (stmt, 7);
      row->received = column_time (stmt, 8);
      row->due = column_time (stmt, 9);
      row->finished = column_time (stmt, 10);
      row->returned = column_time (stmt, 11);
      row->paused = column_time (stmt, 12);
      row->satisfaction = column_text (stmt, 13);
      g_ptr_array_add (rows, row);
    }
  sqlite3_finalize (stmt);

  acted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT actor, dossier_uid FROM events", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_hash_table_add (acted, g_strdup_printf ("%s\n%s", sqlite3_column_text (stmt, 0), sqlite3_column_text (stmt, 1)));
  sqlite3_finalize (stmt);
}

static gboolean
in_scope (const Row *row, const MotcuaStatsQuery *q)
{
  g_autofree char *key = NULL;

  if (q->agency_code != NULL && g_strcmp0 (row->agency_code, q->agency_code) != 0)
    return FALSE;
  if (q->procedure_code != NULL && g_strcmp0 (row->procedure_code, q->procedure_code) != 0)
    return FALSE;
  if (q->field != NULL && g_strcmp0 (row->field, q->field) != 0)
    return FALSE;
  if (q->staff == NULL)
    return TRUE;
  key = g_strdup_printf ("%s\n%s", q->staff, row->uid);
  return g_hash_table_contains (acted, key);
}

static gboolean
before (GDateTime *a, GDateTime *b)
{
  return g_date_time_compare (a, b) < 0;
}

/* The clock stopped (waiting for the applicant) before the due date. */
static gboolean
paused_before_due (const Row *row)
{
  return row->paused != NULL && row->due != NULL && g_date_time_compare (row->paused, row->due) <= 0;
}

static GDateTime *
midnight (const GDate *date)
{
  return motcua_test_vn_time (g_date_get_year (date), g_date_get_month (date), g_date_get_day (date), 0, 0, 0);
}

/* Which chart bar a time belongs to: days, or weeks from the Monday on or before the
 * period's first day when the period is longer than 62 days. */
static MotcuaStatsBucket *
expected_bucket (MotcuaStats *s, GDateTime *time)
{
  GDate day, first = s->from;
  int offset;

  g_date_clear (&day, 1);
  g_date_set_dmy (&day, g_date_time_get_day_of_month (time), g_date_time_get_month (time), g_date_time_get_year (time));
  if (g_date_days_between (&s->from, &s->to) >= 62)
    {
      while (g_date_get_weekday (&first) != G_DATE_MONDAY)
        g_date_subtract_days (&first, 1);
      offset = g_date_days_between (&first, &day) / 7;
    }
  else
    offset = g_date_days_between (&first, &day);
  g_assert_cmpint (offset, <, (int) s->buckets->len);
  return &g_array_index (s->buckets, MotcuaStatsBucket, offset);
}

static void
expect_overdue (MotcuaStats *s, const Row *row)
{
  MotcuaStatsOverdue *found = NULL;

  for (guint i = 0; i < s->overdue_by_procedure->len && found == NULL; i++)
    {
      MotcuaStatsOverdue *o = g_ptr_array_index (s->overdue_by_procedure, i);
      if (g_str_equal (o->procedure_code, row->procedure_code))
        found = o;
    }
  if (found == NULL)
    {
      found = g_new0 (MotcuaStatsOverdue, 1);
      found->procedure_code = g_strdup (row->procedure_code);
      found->procedure_name = g_strdup (row->procedure_name);
      g_ptr_array_add (s->overdue_by_procedure, found);
    }
  found->overdue++;
  s->overdue_now++;
}

/* The rules, one dossier at a time: received and finished count by the day they
 * happened in the period; a dossier still open when the period ended is judged then (or
 * now, for a period not over yet). */
static void
count_one (MotcuaStats *s, const Row *row, GDateTime *start, GDateTime *end, GDateTime *judge, GDateTime *now)
{
  GDateTime *fin = row->finished ? row->finished : row->returned;
  gboolean late;

  if (row->received != NULL && !before (row->received, start) && before (row->received, end))
    {
      s->received++;
      s->received_by_channel[row->channel - 1]++;
      expected_bucket (s, row->received)->received[row->channel - 1]++;
      s->supplement_dossiers += row->supplement_count > 0;
      s->supplement_requests += row->supplement_count;
    }

  if ((row->status == 2 || row->status == 4 || row->status == 5 || row->status == 6) && row->received != NULL
      && row->finished == NULL && row->due != NULL && before (row->due, now) && !paused_before_due (row))
    expect_overdue (s, row);

  if (row->received == NULL || !before (row->received, end) || row->status == 7)
    return;
  if (fin != NULL && before (fin, end))
    {
      MotcuaStatsBucket *bucket;

      if (before (fin, start))
        return;
      late = row->supplement_count > 1 || (row->due != NULL && g_date_time_compare (fin, row->due) > 0);
      s->finished++;
      s->finished_on_time += !late;
      s->processing_days_total += g_date_time_difference (fin, row->received) / (double) G_TIME_SPAN_DAY;
      s->satisfied += g_strcmp0 (row->satisfaction, "satisfied") == 0;
      s->acceptable += g_strcmp0 (row->satisfaction, "acceptable") == 0;
      s->unsatisfied += g_strcmp0 (row->satisfaction, "unsatisfied") == 0;
      bucket = expected_bucket (s, fin);
      bucket->finished++;
      bucket->finished_on_time += !late;
    }
  else
    {
      late = row->supplement_count > 1 || (row->due != NULL && before (row->due, judge) && !paused_before_due (row));
      s->open_at_end++;
      s->open_late += late;
    }
  s->judged++;
  s->on_time += !late;
}

static MotcuaStats *
expected_stats (const MotcuaStatsQuery *q, MotcuaStats *computed)
{
  MotcuaStats *s = g_new0 (MotcuaStats, 1);
  GDate after = q->to;
  g_autoptr(GDateTime) start = midnight (&q->from);
  g_autoptr(GDateTime) end = NULL;
  GDateTime *judge;

  g_date_add_days (&after, 1);
  end = midnight (&after);
  judge = before (q->now, end) ? q->now : end;
  s->from = q->from;
  s->to = q->to;
  /* The bars' start days come from the code; their contents are counted here. */
  s->buckets = g_array_copy (computed->buckets);
  for (guint i = 0; i < s->buckets->len; i++)
    {
      MotcuaStatsBucket *b = &g_array_index (s->buckets, MotcuaStatsBucket, i);
      GDate start_day = b->start;

      memset (b, 0, sizeof *b);
      b->start = start_day;
    }
  s->overdue_by_procedure = g_ptr_array_new ();
  for (guint i = 0; i < rows->len; i++)
    if (in_scope (g_ptr_array_index (rows, i), q))
      count_one (s, g_ptr_array_index (rows, i), start, end, judge, q->now);
  s->rated = s->satisfied + s->acceptable + s->unsatisfied;
  return s;
}

static void
expected_free (MotcuaStats *s)
{
  for (guint i = 0; i < s->overdue_by_procedure->len; i++)
    {
      MotcuaStatsOverdue *o = g_ptr_array_index (s->overdue_by_procedure, i);
      g_free (o->procedure_code);
      g_free (o->procedure_name);
      g_free (o);
    }
  g_ptr_array_unref (s->overdue_by_procedure);
  g_array_unref (s->buckets);
  g_free (s);
}

static void
check_buckets (MotcuaStats *expected, MotcuaStats *s)
{
  GDate first = s->from;

  /* Every day of the period has its bar, weeks from the Monday on or before it. */
  if (g_date_days_between (&s->from, &s->to) >= 62)
    {
      g_assert_cmpint (s->bucket_size, ==, MOTCUA_STATS_BY_WEEK);
      while (g_date_get_weekday (&first) != G_DATE_MONDAY)
        g_date_subtract_days (&first, 1);
    }
  else
    g_assert_cmpint (s->bucket_size, ==, MOTCUA_STATS_BY_DAY);
  g_assert_cmpint (g_date_compare (&g_array_index (s->buckets, MotcuaStatsBucket, 0).start, &first), ==, 0);

  for (guint i = 0; i < s->buckets->len; i++)
    {
      MotcuaStatsBucket *e = &g_array_index (expected->buckets, MotcuaStatsBucket, i);
      MotcuaStatsBucket *b = &g_array_index (s->buckets, MotcuaStatsBucket, i);

      if (i > 0)
        g_assert_cmpint (g_date_days_between (&g_array_index (s->buckets, MotcuaStatsBucket, i - 1).start, &b->start),
                         ==, s->bucket_size == MOTCUA_STATS_BY_WEEK ? 7 : 1);
      for (guint c = 0; c < 3; c++)
        g_assert_cmpint (b->received[c], ==, e->received[c]);
      g_assert_cmpint (b->finished, ==, e->finished);
      g_assert_cmpint (b->finished_on_time, ==, e->finished_on_time);
    }
  g_assert_cmpint (g_date_compare (&g_array_index (s->buckets, MotcuaStatsBucket, s->buckets->len - 1).start, &s->to),
                   <=, 0);
}

static void
check_overdue (MotcuaStats *expected, MotcuaStats *s)
{
  gint64 previous = G_MAXINT64;

  g_assert_cmpint (s->overdue_now, ==, expected->overdue_now);
  g_assert_cmpuint (s->overdue_by_procedure->len, ==, expected->overdue_by_procedure->len);
  for (guint i = 0; i < s->overdue_by_procedure->len; i++)
    {
      MotcuaStatsOverdue *o = g_ptr_array_index (s->overdue_by_procedure, i);
      gboolean found = FALSE;

      g_assert_cmpint (o->overdue, <=, previous);   /* most overdue first */
      previous = o->overdue;
      for (guint j = 0; j < expected->overdue_by_procedure->len; j++)
        {
          MotcuaStatsOverdue *e = g_ptr_array_index (expected->overdue_by_procedure, j);

          if (g_str_equal (e->procedure_code, o->procedure_code))
            {
              g_assert_cmpint (o->overdue, ==, e->overdue);
              g_assert_cmpstr (o->procedure_name, ==, e->procedure_name);
              found = TRUE;
            }
        }
      g_assert_true (found);
    }
}

/* Computes @q with the code and here, and compares every indicator and series. */
static MotcuaStats *
check_query (MotcuaStatsQuery *q)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = motcua_time_now (NULL);
  MotcuaStats *s;
  MotcuaStats *e;

  q->now = now;
  s = motcua_stats_compute (motcua_store_get_db (store), q, &error);
  g_assert_no_error (error);
  e = expected_stats (q, s);

  g_assert_cmpint (s->received, ==, e->received);
  for (guint c = 0; c < 3; c++)
    g_assert_cmpint (s->received_by_channel[c], ==, e->received_by_channel[c]);
  g_assert_cmpint (s->finished, ==, e->finished);
  g_assert_cmpint (s->finished_on_time, ==, e->finished_on_time);
  g_assert_cmpint (s->open_at_end, ==, e->open_at_end);
  g_assert_cmpint (s->open_late, ==, e->open_late);
  g_assert_cmpint (s->judged, ==, e->judged);
  g_assert_cmpint (s->on_time, ==, e->on_time);
  g_assert_cmpint (s->supplement_dossiers, ==, e->supplement_dossiers);
  g_assert_cmpint (s->supplement_requests, ==, e->supplement_requests);
  g_assert_cmpint (s->satisfied, ==, e->satisfied);
  g_assert_cmpint (s->acceptable, ==, e->acceptable);
  g_assert_cmpint (s->unsatisfied, ==, e->unsatisfied);
  g_assert_cmpint (s->rated, ==, e->rated);
  g_assert_cmpfloat_with_epsilon (s->processing_days_total, e->processing_days_total, 1e-3);
  if (e->judged > 0)
    g_assert_cmpfloat_with_epsilon (motcua_stats_on_time_rate (s), (double) e->on_time / e->judged, 1e-12);
  else
    g_assert_cmpfloat (motcua_stats_on_time_rate (s), <, 0);
  if (e->received > 0)
    g_assert_cmpfloat_with_epsilon (motcua_stats_online_rate (s), (double) e->received_by_channel[1] / e->received,
                                    1e-12);
  check_buckets (e, s);
  check_overdue (e, s);
  expected_free (e);
  q->now = NULL;
  return s;
}

static void
set_period (MotcuaStatsQuery *q, const char *from, const char *to)
{
  g_assert_true (motcua_stats_parse_date (from, &q->from));
  g_assert_true (motcua_stats_parse_date (to, &q->to));
}

/* ---- tests ------------------------------------------------------------------------ */

static void
test_year (void)
{
  MotcuaStatsQuery q = { 0 };
  g_autoptr(MotcuaStats) s = NULL;

  set_period (&q, "2025-11-24", "2026-11-23");
  s = check_query (&q);
  /* The generated year is really there, with every kind of figure. */
  g_assert_cmpint (s->received, >, DEMO_DOSSIERS * 8 / 10);
  g_assert_cmpint (s->received_by_channel[0], >, 0);
  g_assert_cmpint (s->received_by_channel[1], >, s->received_by_channel[0]);
  g_assert_cmpint (s->received_by_channel[2], >, 0);
  g_assert_cmpint (s->finished_on_time, <, s->finished);
  g_assert_cmpint (s->open_at_end, >, 0);
  g_assert_cmpint (s->overdue_now, >, 0);
  g_assert_cmpint (s->rated, >, 0);
  g_assert_cmpint (s->unsatisfied, >, 0);
  g_assert_cmpint (s->supplement_requests, >, s->supplement_dossiers);
  g_assert_cmpuint (s->buckets->len, ==, 53);
}

static void
test_month_into_future (void)
{
  MotcuaStatsQuery q = { 0 };
  g_autoptr(MotcuaStats) s = NULL;

  /* November 2026 is judged as it stands on the 23rd. */
  set_period (&q, "2026-11-01", "2026-11-30");
  s = check_query (&q);
  g_assert_cmpuint (s->buckets->len, ==, 30);
  g_assert_cmpint (s->open_at_end, >, 0);
}

static void
test_past_month (void)
{
  MotcuaStatsQuery q = { 0 };
  g_autoptr(MotcuaStats) s = NULL;

  set_period (&q, "2026-10-01", "2026-10-31");
  s = check_query (&q);
  g_assert_cmpint (s->finished, >, 0);
}

static void
test_scopes (void)
{
  MotcuaStatsQuery q = { 0 };

  set_period (&q, "2025-11-24", "2026-11-23");
  q.procedure_code = "2.000815";
  motcua_stats_free (check_query (&q));
  q.procedure_code = NULL;
  q.field = "Chứng thực";
  motcua_stats_free (check_query (&q));
  q.field = NULL;
  q.agency_code = AGENCY;
  motcua_stats_free (check_query (&q));
  q.agency_code = "000.00.00.X99";
  {
    g_autoptr(MotcuaStats) none = check_query (&q);
    g_assert_cmpint (none->received, ==, 0);
  }
  q.agency_code = NULL;
  q.staff = "clerk2";
  motcua_stats_free (check_query (&q));
  /* One staff member over a month and a quarter (each dossier looked up in the
   * actor's index) and just beyond (the staff member's events gathered once). */
  set_period (&q, "2026-11-01", "2026-11-30");
  motcua_stats_free (check_query (&q));
  set_period (&q, "2026-08-24", "2026-11-23");   /* 92 days */
  motcua_stats_free (check_query (&q));
  set_period (&q, "2026-08-23", "2026-11-23");   /* 93 days */
  motcua_stats_free (check_query (&q));
}

/* The scripted dossiers, counted by hand. */
static void
test_rules_by_hand (void)
{
  MotcuaStatsQuery q = { 0 };
  g_autoptr(MotcuaStats) s = NULL;
  g_autoptr(MotcuaDossier) twice = NULL;
  g_autoptr(GDateTime) now = motcua_time_now (NULL);
  g_autoptr(GDateTime) due = NULL;

  set_period (&q, "2026-11-01", "2026-11-30");
  q.staff = TESTER;
  s = check_query (&q);
  g_assert_cmpint (s->received, ==, 3);
  g_assert_cmpint (s->received_by_channel[0], ==, 3);
  g_assert_cmpint (s->supplement_requests, ==, 3);
  g_assert_cmpint (s->supplement_dossiers, ==, 2);
  /* The withdrawal is not judged; two supplement requests are late, the paused one is not. */
  g_assert_cmpint (s->judged, ==, 2);
  g_assert_cmpint (s->open_at_end, ==, 2);
  g_assert_cmpint (s->on_time, ==, 1);
  g_assert_cmpint (s->finished, ==, 0);
  g_assert_cmpfloat (motcua_stats_on_time_rate (s), ==, 0.5);
  g_assert_cmpfloat (motcua_stats_average_days (s), <, 0);

  twice = motcua_store_get_dossier (store, twice_code, NULL);
  g_assert_nonnull (twice);
  due = motcua_time_parse (motcua_dossier_get_due_at (twice), NULL);
  g_assert_cmpint (s->overdue_now, ==, g_date_time_compare (due, now) < 0 ? 1 : 0);
}

static void
test_empty_and_bad_period (void)
{
  MotcuaStatsQuery q = { 0 };
  g_autoptr(MotcuaStats) s = NULL;
  g_autoptr(GError) error = NULL;
  GDate date;

  set_period (&q, "2020-02-01", "2020-02-29");
  s = check_query (&q);
  g_assert_cmpint (s->received, ==, 0);
  g_assert_cmpint (s->judged, ==, 0);
  g_assert_cmpfloat (motcua_stats_on_time_rate (s), <, 0);
  g_assert_cmpfloat (motcua_stats_online_rate (s), <, 0);
  g_assert_cmpuint (s->buckets->len, ==, 29);

  set_period (&q, "2026-11-02", "2026-11-01");
  g_assert_null (motcua_stats_compute (motcua_store_get_db (store), &q, &error));
  g_assert_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT);

  g_assert_false (motcua_stats_parse_date ("2026-02-30", &date));
  g_assert_false (motcua_stats_parse_date ("2026-1-01", &date));
  g_assert_false (motcua_stats_parse_date ("01/02/2026", &date));
  g_assert_false (motcua_stats_parse_date ("", &date));
  g_assert_true (motcua_stats_parse_date ("2024-02-29", &date));
}

static void
test_periods (void)
{
  GDate today, from, to;

  g_assert_true (motcua_stats_parse_date ("2026-11-23", &today));
  motcua_stats_month_of (&today, &from, &to);
  g_assert_cmpint (g_date_get_day (&from), ==, 1);
  g_assert_cmpint (g_date_get_day (&to), ==, 30);
  motcua_stats_quarter_of (&today, &from, &to);
  g_assert_cmpint (g_date_get_month (&from), ==, 10);
  g_assert_cmpint (g_date_get_month (&to), ==, 12);
  g_assert_cmpint (g_date_get_day (&to), ==, 31);
  motcua_stats_year_of (&today, &from, &to);
  g_assert_cmpint (g_date_get_month (&from), ==, 1);
  g_assert_cmpint (g_date_get_day_of_year (&to), ==, 365);
}

static void
on_computed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  MotcuaStats **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = motcua_stats_compute_finish (result, &error);
  g_assert_no_error (error);
}

/* The window's way: a worker thread on its own read-only connection. */
static void
test_async (void)
{
  MotcuaStatsQuery q = { 0 };
  g_autoptr(MotcuaStats) sync = NULL;
  g_autoptr(MotcuaStats) async = NULL;
  g_autoptr(JsonNode) a = NULL, b = NULL;

  set_period (&q, "2026-01-01", "2026-12-31");
  q.staff = "clerk1";   /* gathered in a temporary table, which a read-only connection allows */
  sync = check_query (&q);
  motcua_stats_compute_async (db_path, &q, NULL, on_computed, &async);
  while (async == NULL)
    g_main_context_iteration (NULL, TRUE);
  a = motcua_stats_to_json (sync);
  b = motcua_stats_to_json (async);
  g_assert_true (json_node_equal (a, b));
}

/* The per-day sums the triggers kept are the ones the migration computes from the rows
 * (it runs again on a database that says it is older). */
static void
test_sums_match_rows (void)
{
  MotcuaStatsQuery q = { 0 };
  g_autoptr(MotcuaStats) kept = NULL;
  g_autoptr(MotcuaStats) rebuilt = NULL;
  g_autoptr(MotcuaStore) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) a = NULL, b = NULL;
  /* Back to before migration 6 (statistics), undoing the later ones. */
  const char *set_version = MOTCUA_TEST_UNDO_MIGRATION_7
                            "PRAGMA user_version = 5";

  set_period (&q, "2025-11-24", "2026-11-23");
  kept = check_query (&q);
  g_assert_true (motcua_stats_verify_sums (motcua_store_get_db (store), &error));
  g_assert_no_error (error);
  g_assert_cmpint (motcua_test_store_int (store, "SELECT count(*) FROM stats_received_days WHERE n < 0"), ==, 0);
  g_assert_true (motcua_test_exec_sql (motcua_store_get_db (store), set_version));
  again = motcua_store_open (db_path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (motcua_test_store_int (again, "PRAGMA user_version"), ==, MOTCUA_STORE_SCHEMA_VERSION);
  rebuilt = check_query (&q);
  /* Sums of real numbers in another order may differ in the last bits. */
  g_assert_cmpfloat_with_epsilon (kept->processing_days_total, rebuilt->processing_days_total, 1e-6);
  rebuilt->processing_days_total = kept->processing_days_total;
  a = motcua_stats_to_json (kept);
  b = motcua_stats_to_json (rebuilt);
  g_assert_true (json_node_equal (a, b));
}

/* `motcua check` finds sums that drifted from the rows. */
static void
test_check_finds_drift (void)
{
  g_autofree char *copy = g_build_filename (test_dir, "drift.db", NULL);
  g_autofree char *vacuum = g_strdup_printf ("VACUUM INTO '%s'", copy);
  g_autoptr(MotcuaTestCliResult) good = NULL;
  g_autoptr(MotcuaTestCliResult) bad = NULL;
  g_autoptr(MotcuaTestCliResult) bad_days = NULL;

  g_assert_true (motcua_test_exec_sql (motcua_store_get_db (store), vacuum));
  good = motcua_test_run_cli (copy, "check", NULL);
  g_assert_true (motcua_test_expect_status (good, 0, "check"));

  g_assert_true (motcua_test_exec_sql_file (copy, "UPDATE stats_received_days SET n = n + 1"
                                                  " WHERE day = (SELECT max (day) FROM stats_received_days)"));
  bad = motcua_test_run_cli (copy, "check", NULL);
  g_assert_true (motcua_test_expect_status (bad, 1, "check with a drifted sum"));
  g_assert_nonnull (strstr (bad->err, "daily sums"));

  g_assert_true (motcua_test_exec_sql_file (copy, "UPDATE stats_received_days SET n = n - 1"
                                                  " WHERE day = (SELECT max (day) FROM stats_received_days);"
                                                  "UPDATE stats_finished_days SET processing_days = processing_days + 0.5"
                                                  " WHERE day = (SELECT min (day) FROM stats_finished_days)"));
  bad_days = motcua_test_run_cli (copy, "check", NULL);
  g_assert_true (motcua_test_expect_status (bad_days, 1, "check with drifted processing days"));
}

static void
test_formats (void)
{
  g_autofree char *big = motcua_stats_format_count (1234567);
  g_autofree char *small = motcua_stats_format_count (12);
  g_autofree char *rate = motcua_stats_format_rate (0.9851);
  g_autofree char *none = motcua_stats_format_rate (-1);

  g_assert_cmpstr (big, ==, "1.234.567");
  g_assert_cmpstr (small, ==, "12");
  g_assert_cmpstr (rate, ==, "98,5%");
  g_assert_cmpstr (none, ==, "—");
}

/* ---- the command line ------------------------------------------------------------- */

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
test_cli_json_csv (void)
{
  MotcuaStatsQuery q = { 0 };
  g_autoptr(MotcuaStats) s = NULL;
  g_autoptr(MotcuaTestCliResult) json = NULL;
  g_autoptr(MotcuaTestCliResult) csv = NULL;
  g_autoptr(MotcuaTestCliResult) text = NULL;
  g_autoptr(JsonObject) object = NULL;

  set_period (&q, "2026-01-01", "2026-06-30");
  q.field = "Hộ tịch";
  s = check_query (&q);

  json = motcua_test_run_cli (db_path, "stats", "--from", "2026-01-01", "--to", "2026-06-30",
                              "--field", "Hộ tịch", "--json", NULL);
  g_assert_true (motcua_test_expect_status (json, 0, "stats --json"));
  object = parse_object (json->out);
  g_assert_cmpint (json_object_get_int_member (object, "received"), ==, s->received);
  g_assert_cmpint (json_object_get_int_member (object, "received_online"), ==, s->received_by_channel[1]);
  g_assert_cmpint (json_object_get_int_member (object, "judged"), ==, s->judged);
  g_assert_cmpint (json_object_get_int_member (object, "overdue_now"), ==, s->overdue_now);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (object, "on_time_rate"),
                                  motcua_stats_on_time_rate (s), 1e-12);
  g_assert_cmpstr (json_object_get_string_member (object, "bucket"), ==, "week");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "series")), ==, s->buckets->len);

  csv = motcua_test_run_cli (db_path, "stats", "--from", "2026-01-01", "--to", "2026-06-30",
                             "--field", "Hộ tịch", "--csv", NULL);
  g_assert_true (motcua_test_expect_status (csv, 0, "stats --csv"));
  g_assert_true (g_str_has_prefix (csv->out, "key,"));
  {
    /* "received,<label>,<n>": the number is the last field of its line. */
    const char *start = strstr (csv->out, "\r\nreceived,");
    g_autofree char *first = NULL;
    g_autofree char *expected = g_strdup_printf (",%lld", (long long) s->received);

    g_assert_nonnull (start);
    first = g_strndup (start + 2, strstr (start + 2, "\r\n") - (start + 2));
    g_assert_true (g_str_has_suffix (first, expected));
  }
  g_assert_nonnull (strstr (csv->out, "\r\n\r\n"));

  text = motcua_test_run_cli (db_path, "stats", "--from", "2026-01-01", "--to", "2026-06-30", NULL);
  g_assert_true (motcua_test_expect_status (text, 0, "stats"));
  g_assert_nonnull (strstr (text->out, "01/01/2026"));
}

static void
test_cli_usage (void)
{
  static const char * const bad[][6] = {
    { "stats", "--from", "2026-13-01", "--to", "2026-12-31", NULL },
    { "stats", "--from", "01/01/2026", "--to", "2026-12-31", NULL },
    { "stats", "--from", "2026-01-01", NULL },
    { "stats", "--from", "2026-02-01", "--to", "2026-01-31", NULL },
    { "stats", "--from", "2026-01-01", "--to", "2026-01-31", "extra" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(MotcuaTestCliResult) result = motcua_test_run_cli_env (NULL, db_path, bad[i]);

      g_assert_true (motcua_test_expect_status (result, 2, bad[i][2]));
      g_assert_cmpstr (result->err, !=, "");
    }
  {
    g_autoptr(MotcuaTestCliResult) both = motcua_test_run_cli (db_path, "stats", "--from", "2026-01-01",
                                                               "--to", "2026-01-31", "--json", "--csv", NULL);
    g_assert_true (motcua_test_expect_status (both, 2, "--json --csv"));
  }
}

int
main (int argc, char **argv)
{
  int status;

  g_setenv ("MOTCUA_NOW", MOTCUA_TEST_NOW, TRUE);
  g_test_init (&argc, &argv, NULL);
  make_office ();
  load_rows ();

  g_test_add_func ("/stats/year", test_year);
  g_test_add_func ("/stats/month-into-future", test_month_into_future);
  g_test_add_func ("/stats/past-month", test_past_month);
  g_test_add_func ("/stats/scopes", test_scopes);
  g_test_add_func ("/stats/rules-by-hand", test_rules_by_hand);
  g_test_add_func ("/stats/empty-and-bad-period", test_empty_and_bad_period);
  g_test_add_func ("/stats/periods", test_periods);
  g_test_add_func ("/stats/async", test_async);
  g_test_add_func ("/stats/sums-match-rows", test_sums_match_rows);
  g_test_add_func ("/stats/check-finds-drift", test_check_finds_drift);
  g_test_add_func ("/stats/formats", test_formats);
  g_test_add_func ("/stats/cli-json-csv", test_cli_json_csv);
  g_test_add_func ("/stats/cli-usage", test_cli_usage);
  status = g_test_run ();

  g_ptr_array_unref (rows);
  g_hash_table_unref (acted);
  g_clear_object (&store);
  motcua_test_remove_tree (test_dir);
  g_free (test_dir);
  g_free (db_path);
  g_free (twice_code);
  return status;
}
