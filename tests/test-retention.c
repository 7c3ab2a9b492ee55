/* test-retention.c: purging long-finished, synced dossiers from the workstation.
 *
 * Each test builds, through the store, a workstation holding dossiers closed long ago
 * and fully accepted by the server, closed long ago but still pending or rejected,
 * closed recently, and still open; the server's acceptance is simulated with SQL and
 * registration with the "sync.server_url" state. The CLI (MOTCUA_CLI) then runs on the
 * same file with the clock pinned to Monday 23 November 2026 09:00 in Vietnam.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <string.h>

#include "motcua-catalog.h"
#include "motcua-dossier.h"
#include "motcua-error.h"
#include "motcua-store.h"
#include "motcua-test-util.h"
#include "motcua-time.h"
#include "motcua-workflow.h"

#define AGENCY    "000.17.22.H56"
#define PROCEDURE "TEST.0005"
#define DOC_FORM  "Tờ khai theo mẫu"
#define DOC_ID    "Giấy tờ tùy thân của người yêu cầu"

typedef struct {
  char        *dir;
  char        *path;
  MotcuaStore *store;
  char        *shared_sha;     /* attached to a purged and to a kept dossier */
  char        *only_sha;       /* attached only to a purged dossier */
  char        *old_accepted;   /* withdrawn in March 2025, all accepted: purged */
  char        *old_refused;    /* refused at the counter in April 2025, accepted: purged */
  char        *old_returned;   /* returned in April 2025, accepted: purged */
  char        *old_pending;    /* withdrawn in March 2025, last event pending: kept */
  char        *old_rejected;   /* withdrawn in March 2025, one event rejected: kept */
  char        *old_ready;      /* result ready in March 2025 (not yet returned): kept */
  char        *recent;         /* withdrawn on 20 November 2026: kept */
  char        *open;           /* received in March 2025, still open: kept */
} Fixture;

static const char * const kept_names[] = {
  "Pending Người", "Rejected Người", "Ready Người", "Recent Người", "Open Người",
};

/* ---- set-up --------------------------------------------------------------- */

static char *
receive (Fixture            *f,
         const char         *applicant,
         GDateTime          *now,
         const char * const *attach)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaDossier) dossier = NULL;
  MotcuaReceiveRequest request = {
    .procedure_code = PROCEDURE,
    .applicant_name = applicant,
    .applicant_id_number = "038090001234",
    .applicant_phone = "0912345678",
    .applicant_address = "Thôn Đông, xã Thử Nghiệm",
    .attach_paths = attach,
    .actor = "clerk",
    .now = now,
  };

  dossier = motcua_store_receive (f->store, &request, &error);
  g_assert_no_error (error);
  return g_strdup (motcua_dossier_get_code (dossier));
}

static void
act (Fixture      *f,
     const char   *code,
     MotcuaAction  action,
     const char   *actor,
     GDateTime    *now)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaDossier) dossier = NULL;
  MotcuaActionRequest request = {
    .actor = actor, .now = now, .reason = "Theo yêu cầu", .to = "Tư pháp – Hộ tịch", .draft_type = "result",
    .document_number = "1/TP", .method = "counter", .recipient_name = "Recipient Người",
    .recipient_id_number = "038090009999", .authorization = "Giấy ủy quyền số 1/UQ",
  };

  dossier = motcua_store_act (f->store, code, action, &request, &error);
  g_assert_no_error (error);
}

static char *
withdrawn (Fixture            *f,
           const char         *applicant,
           GDateTime          *received,
           GDateTime          *closed,
           const char * const *attach)
{
  char *code = receive (f, applicant, received, attach);

  act (f, code, MOTCUA_ACTION_WITHDRAW, "clerk", closed);
  return code;
}

/* Walks a received dossier to "result ready" on @day. */
static void
to_result_ready (Fixture    *f,
                 const char *code,
                 GDateTime  *day)
{
  static const struct { MotcuaAction action; const char *actor; } steps[] = {
    { MOTCUA_ACTION_TRANSFER, "clerk" }, { MOTCUA_ACTION_EXAMINE, "spec" }, { MOTCUA_ACTION_DRAFT, "spec" },
    { MOTCUA_ACTION_SUBMIT, "spec" }, { MOTCUA_ACTION_APPROVE, "boss" }, { MOTCUA_ACTION_ISSUE, "clerk" },
    { MOTCUA_ACTION_RESULT_READY, "clerk" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autoptr(GDateTime) at = g_date_time_add_minutes (day, 10 * (int) i);

      act (f, code, steps[i].action, steps[i].actor, at);
    }
}

static void
exec_sql (Fixture    *f,
          const char *sql)
{
  g_assert_true (motcua_test_exec_sql (motcua_store_get_db (f->store), sql));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) procedures = g_ptr_array_new_with_free_func ((GDestroyNotify) motcua_procedure_free);
  g_autoptr(GDateTime) march_3 = motcua_test_vn_time (2025, 3, 3, 9, 0, 0);
  g_autoptr(GDateTime) march_4 = motcua_test_vn_time (2025, 3, 4, 9, 0, 0);
  g_autoptr(GDateTime) april_1 = motcua_test_vn_time (2025, 4, 1, 9, 0, 0);
  g_autoptr(GDateTime) nov_19 = motcua_test_vn_time (2026, 11, 19, 9, 0, 0);
  g_autoptr(GDateTime) nov_20 = motcua_test_vn_time (2026, 11, 20, 9, 0, 0);
  g_autofree char *shared_path = NULL;
  g_autofree char *only_path = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *sql2 = NULL;
  const char *both[3];
  const char *shared[2];
  const char *only_form[] = { DOC_FORM, NULL };
  MotcuaProcedure *procedure;
  MotcuaAgency agency = { .code = (char *) AGENCY, .name = (char *) "UBND xã Thử Nghiệm" };

  f->dir = motcua_test_make_temp_dir ("motcua-test-retention-XXXXXX");
  f->path = g_build_filename (f->dir, "motcua.db", NULL);
  f->store = motcua_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (motcua_store_set_agency (f->store, &agency, &error));
  g_assert_true (motcua_store_add_user (f->store, "clerk", "Nguyễn Thị Lan", MOTCUA_ROLE_CLERK, &error));
  g_assert_true (motcua_store_add_user (f->store, "spec", "Lê Văn Hùng", MOTCUA_ROLE_SPECIALIST, &error));
  g_assert_true (motcua_store_add_user (f->store, "boss", "Phạm Minh Đức", MOTCUA_ROLE_SUPERVISOR, &error));
  procedure = motcua_procedure_new ();
  procedure->code = g_strdup (PROCEDURE);
  procedure->name = g_strdup ("Thủ tục thử năm ngày");
  procedure->time_amount = 5;
  procedure->time_unit = MOTCUA_TIME_UNIT_WORKING_DAYS;
  motcua_procedure_add_document (procedure, DOC_FORM, "original", 1, TRUE);
  motcua_procedure_add_document (procedure, DOC_ID, "present_original", 1, TRUE);
  g_ptr_array_add (procedures, procedure);
  g_assert_true (motcua_store_import_catalog (f->store, procedures, &error));
  g_assert_no_error (error);

  shared_path = g_build_filename (f->dir, "shared.pdf", NULL);
  only_path = g_build_filename (f->dir, "only.pdf", NULL);
  motcua_test_write_file (shared_path, "%PDF-1.4 shared scan", -1);
  motcua_test_write_file (only_path, "%PDF-1.4 only this dossier", -1);
  f->shared_sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "%PDF-1.4 shared scan", -1);
  f->only_sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "%PDF-1.4 only this dossier", -1);
  both[0] = shared_path, both[1] = only_path, both[2] = NULL;
  shared[0] = shared_path, shared[1] = NULL;

  f->old_accepted = withdrawn (f, "Accepted Người", march_3, march_4, both);
  {
    g_autoptr(MotcuaDossier) refused = NULL;
    MotcuaReceiveRequest request = {
      .procedure_code = PROCEDURE, .applicant_name = "Refused Người", .applicant_id_number = "038090005678",
      .documents_provided = only_form, .on_incomplete = MOTCUA_INCOMPLETE_REFUSE,
      .reason = "Không thuộc thẩm quyền", .actor = "clerk", .now = april_1,
    };

    refused = motcua_store_receive (f->store, &request, &error);
    g_assert_no_error (error);
    g_assert_cmpint (motcua_dossier_get_status (refused), ==, MOTCUA_STATUS_REFUSED);
    f->old_refused = g_strdup (motcua_dossier_get_code (refused));
  }
  f->old_pending = withdrawn (f, kept_names[0], march_3, march_4, NULL);
  f->old_rejected = withdrawn (f, kept_names[1], march_3, march_4, NULL);
  f->old_returned = receive (f, "Returned Người", march_3, NULL);
  to_result_ready (f, f->old_returned, march_4);
  act (f, f->old_returned, MOTCUA_ACTION_RETURN, "clerk", april_1);
  f->old_ready = receive (f, kept_names[2], march_3, NULL);
  to_result_ready (f, f->old_ready, march_4);
  f->recent = withdrawn (f, kept_names[3], nov_19, nov_20, NULL);
  f->open = receive (f, kept_names[4], march_3, shared);

  /* The server has accepted everything but the pending dossier's last event and one
   * event of the rejected dossier. */
  exec_sql (f, "UPDATE events SET sync_state = 1, server_seq = id");
  sql = g_strdup_printf ("UPDATE events SET sync_state = 0, server_seq = NULL WHERE dossier_uid ="
                    " (SELECT uid FROM dossiers WHERE code = '%s') AND seq = 2", f->old_pending);
  exec_sql (f, sql);
  sql2 = g_strdup_printf ("UPDATE events SET sync_state = 2, server_seq = NULL, reject_reason = 'workflow'"
                     " WHERE dossier_uid = (SELECT uid FROM dossiers WHERE code = '%s') AND seq = 2",
                     f->old_rejected);
  exec_sql (f, sql2);
  g_assert_true (motcua_store_set_state (f->store, "sync.server_url", "https://motcua.example.gov.vn", &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->store);
  motcua_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
  g_free (f->shared_sha);
  g_free (f->only_sha);
  g_free (f->old_accepted);
  g_free (f->old_refused);
  g_free (f->old_returned);
  g_free (f->old_pending);
  g_free (f->old_rejected);
  g_free (f->old_ready);
  g_free (f->recent);
  g_free (f->open);
}

/* ---- helpers ---------------------------------------------------------------- */

static GDateTime *
year_ago (void)
{
  g_autoptr(GDateTime) now = motcua_test_parse_time (MOTCUA_TEST_NOW);

  return g_date_time_add_days (now, -365);
}

static gboolean
has_dossier (Fixture    *f,
             const char *code)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM dossiers WHERE code = '%s'", code);

  return motcua_test_store_int (f->store, sql) == 1;
}

static guint
n_found (Fixture    *f,
         const char *search)
{
  g_autoptr(GError) error = NULL;
  MotcuaDossierQuery query = { .search = search };
  g_autoptr(GPtrArray) dossiers = motcua_store_list_dossiers (f->store, &query, &error);

  g_assert_no_error (error);
  return dossiers->len;
}

/* Row counts of every table a purge touches, as one comparable string. */
static char *
fingerprint (Fixture *f)
{
  const char *tables[] = {
    "dossiers", "dossier_documents", "dossier_attachments", "attachments", "events",
    "purged_dossiers", "dossier_search_text", "set_aside_events", "uploaded_blobs",
  };
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", tables[i]);

      g_string_append_printf (text, "%s=%" G_GINT64_FORMAT " ", tables[i], motcua_test_store_int (f->store, sql));
    }
  return g_string_free (text, FALSE);
}

static gboolean
blob_exists (Fixture    *f,
             const char *sha256)
{
  g_autofree char *path = motcua_store_get_blob_path (f->store, sha256);

  return g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

static void
purge_ok (Fixture  *f,
          gboolean  dry_run,
          guint     expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) limit = year_ago ();
  guint n = G_MAXUINT;

  g_assert_true (motcua_store_purge_finished (f->store, limit, dry_run, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, expected);
}

/* ---- store ------------------------------------------------------------------ */

static void
test_purge_only_old_synced (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint checked = 0;

  g_assert_true (motcua_store_verify_folds (f->store, &checked, &error));
  g_assert_cmpuint (checked, ==, 8);
  g_assert_cmpuint (n_found (f, "Accepted"), ==, 1);

  purge_ok (f, FALSE, 3);
  g_assert_false (has_dossier (f, f->old_accepted));
  g_assert_false (has_dossier (f, f->old_refused));
  g_assert_false (has_dossier (f, f->old_returned));
  g_assert_true (has_dossier (f, f->old_pending));
  g_assert_true (has_dossier (f, f->old_rejected));
  g_assert_true (has_dossier (f, f->old_ready));
  g_assert_true (has_dossier (f, f->recent));
  g_assert_true (has_dossier (f, f->open));

  /* Nothing of theirs is left but the summary. */
  g_assert_cmpint (motcua_test_store_int (f->store,
                     "SELECT count(*) FROM events WHERE dossier_uid IN (SELECT uid FROM purged_dossiers)"), ==, 0);
  g_assert_cmpint (motcua_test_store_int (f->store,
                     "SELECT count(*) FROM dossier_documents WHERE dossier_id NOT IN (SELECT id FROM dossiers)"), ==, 0);
  g_assert_cmpint (motcua_test_store_int (f->store,
                     "SELECT count(*) FROM dossier_attachments WHERE dossier_id NOT IN (SELECT id FROM dossiers)"), ==, 0);
  g_assert_cmpint (motcua_test_store_int (f->store, "SELECT count(*) FROM dossier_search_text"), ==, 5);
  g_assert_cmpuint (n_found (f, "Accepted"), ==, 0);
  g_assert_cmpuint (n_found (f, "Refused"), ==, 0);
  g_assert_cmpuint (n_found (f, "Returned"), ==, 0);
  g_assert_cmpuint (n_found (f, "Recipient"), ==, 0);
  g_assert_cmpuint (n_found (f, f->old_accepted), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (kept_names); i++)
    g_assert_cmpuint (n_found (f, kept_names[i]), ==, 1);

  /* The tally and every kept dossier still match their journals. */
  g_assert_true (motcua_store_verify_folds (f->store, &checked, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (checked, ==, 5);

  /* Running again finds nothing more. */
  purge_ok (f, FALSE, 0);
}

static void
test_summary_without_personal_data (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaDossier) before = motcua_store_get_dossier (f->store, f->old_accepted, &error);
  g_autoptr(MotcuaPurgedDossier) purged = NULL;
  g_autoptr(MotcuaPurgedDossier) none = NULL;
  g_autofree char *uid = g_strdup (motcua_dossier_get_uid (before));
  g_autofree char *sql = g_strdup_printf ("SELECT max (server_seq) FROM events WHERE dossier_uid = '%s'", uid);
  g_autofree char *sql_aside = NULL;
  gint64 last_server_seq = motcua_test_store_int (f->store, sql);
  sqlite3_stmt *stmt = NULL;
  const char *personal[] = { "applicant", "recipient", "phone", "address", "email", "payload", "id_number", "name" };

  g_assert_no_error (error);
  /* A losing copy of one of its events, seen and dismissed long ago. */
  sql_aside = g_strdup_printf ("INSERT INTO set_aside_events (op_id, dossier_uid, seq, actor, actor_role,"
                               " confirmed_at, kind, payload, prev_hash, hash, set_aside_at, reason, dismissed)"
                               " VALUES ('aside-1', '%s', 2, 'clerk', 'clerk', '2025-03-04T09:00:00+07:00',"
                               " 'withdraw', '{\"note\":\"Accepted Người\"}', 'x', 'y',"
                               " '2025-03-05T09:00:00+07:00', 'conflict', 1)", uid);
  exec_sql (f, sql_aside);
  purge_ok (f, FALSE, 3);
  g_assert_cmpint (motcua_test_store_int (f->store, "SELECT count(*) FROM set_aside_events"), ==, 0);

  /* The table has no column that could hold personal data (procedure_name aside). */
  g_assert_cmpint (sqlite3_prepare_v2 (motcua_store_get_db (f->store), "PRAGMA table_info (purged_dossiers)",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *column = (const char *) sqlite3_column_text (stmt, 1);

      if (g_str_equal (column, "procedure_name"))
        continue;
      for (guint i = 0; i < G_N_ELEMENTS (personal); i++)
        if (strstr (column, personal[i]) != NULL)
          g_error ("purged_dossiers has a personal column %s", column);
    }
  sqlite3_finalize (stmt);
  g_assert_cmpint (motcua_test_store_int (f->store,
                     "SELECT count(*) FROM purged_dossiers WHERE"
                     " instr (coalesce (procedure_name, '') || code || coalesce (received_at, ''), 'Người') > 0"), ==, 0);

  purged = motcua_store_get_purged_dossier (f->store, f->old_accepted, &error);
  g_assert_no_error (error);
  g_assert_nonnull (purged);
  g_assert_cmpstr (purged->uid, ==, uid);
  g_assert_cmpstr (purged->code, ==, f->old_accepted);
  g_assert_cmpstr (purged->agency_code, ==, motcua_dossier_get_agency_code (before));
  g_assert_cmpstr (purged->procedure_code, ==, PROCEDURE);
  g_assert_cmpstr (purged->procedure_name, ==, "Thủ tục thử năm ngày");
  g_assert_cmpint (purged->channel, ==, motcua_dossier_get_channel (before));
  g_assert_cmpint (purged->status, ==, MOTCUA_STATUS_WITHDRAWN);
  g_assert_cmpstr (purged->received_at, ==, motcua_dossier_get_received_at (before));
  g_assert_cmpstr (purged->due_at, ==, motcua_dossier_get_due_at (before));
  g_assert_cmpstr (purged->finished_at, ==, "2025-03-04T09:00:00+07:00");
  g_assert_cmpint (purged->event_count, ==, motcua_dossier_get_event_count (before));
  g_assert_cmpstr (purged->last_event_hash, ==, motcua_dossier_get_last_event_hash (before));
  g_assert_cmpint (purged->last_server_seq, ==, last_server_seq);
  g_assert_nonnull (purged->purged_at);

  none = motcua_store_get_purged_dossier (f->store, f->open, &error);
  g_assert_no_error (error);
  g_assert_null (none);
}

/* A later event of the server's for a purged dossier (a rating given elsewhere) is
 * followed in the summary; it neither brings the dossier back nor stops the feed. */
static MotcuaEvent *
follow_up_event (const MotcuaPurgedDossier *purged,
                 gint64                     seq,
                 const char                *prev_hash,
                 gint64                     server_seq)
{
  g_autoptr(GDateTime) now = motcua_test_vn_time (2026, 11, 20, 10, 0, 0);
  MotcuaEvent *event = motcua_event_new ();

  event->op_id = motcua_uuid_new (now);
  event->dossier_uid = g_strdup (purged->uid);
  event->seq = seq;
  event->actor = g_strdup ("clerk.other");
  event->actor_role = g_strdup ("clerk");
  event->confirmed_at = motcua_time_format (now);
  event->kind = g_strdup ("satisfaction");
  event->payload = g_strdup ("{\"rating\":\"satisfied\"}");
  event->prev_hash = g_strdup (prev_hash);
  event->hash = motcua_event_compute_hash (event);
  event->sync_state = MOTCUA_SYNC_ACCEPTED;
  event->server_seq = server_seq;
  return event;
}

static void
test_feed_follows_purged (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaPurgedDossier) before = NULL;
  g_autoptr(MotcuaPurgedDossier) after = NULL;
  g_autoptr(MotcuaPurgedDossier) again = NULL;
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) motcua_event_free);
  g_autoptr(GPtrArray) stale = g_ptr_array_new_with_free_func ((GDestroyNotify) motcua_event_free);
  g_autofree char *cursor = NULL;
  MotcuaEvent *next;
  guint applied = 0;

  purge_ok (f, FALSE, 3);
  before = motcua_store_get_purged_dossier (f->store, f->old_accepted, &error);
  g_assert_no_error (error);
  g_assert_nonnull (before);

  next = follow_up_event (before, before->event_count + 1, before->last_event_hash, before->last_server_seq + 50);
  g_ptr_array_add (page, next);
  g_assert_true (motcua_store_apply_feed_page (f->store, page, before->last_server_seq + 50, &applied, &error));
  g_assert_no_error (error);

  g_assert_false (has_dossier (f, f->old_accepted));
  g_assert_cmpint (motcua_test_store_int (f->store, "SELECT count(*) FROM events WHERE kind = 'satisfaction'"
                                          " AND actor = 'clerk.other'"), ==, 0);
  after = motcua_store_get_purged_dossier (f->store, f->old_accepted, &error);
  g_assert_no_error (error);
  g_assert_cmpint (after->event_count, ==, before->event_count + 1);
  g_assert_cmpstr (after->last_event_hash, ==, next->hash);
  g_assert_cmpint (after->last_server_seq, ==, before->last_server_seq + 50);
  cursor = motcua_store_get_state (f->store, "sync.cursor", &error);
  g_assert_cmpint (g_ascii_strtoll (cursor, NULL, 10), ==, before->last_server_seq + 50);

  /* The same place delivered again (a replayed page) does not roll the summary back. */
  g_ptr_array_add (stale, follow_up_event (before, before->event_count, before->last_event_hash,
                                           before->last_server_seq + 60));
  g_assert_true (motcua_store_apply_feed_page (f->store, stale, before->last_server_seq + 60, &applied, &error));
  g_assert_no_error (error);
  again = motcua_store_get_purged_dossier (f->store, f->old_accepted, &error);
  g_assert_cmpint (again->event_count, ==, before->event_count + 1);
  g_assert_cmpstr (again->last_event_hash, ==, next->hash);
  g_assert_false (has_dossier (f, f->old_accepted));
}

static void
test_attachment_files (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *sql = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) limit = year_ago ();
  guint n = 0, freed = 0;

  g_assert_true (blob_exists (f, f->shared_sha));
  g_assert_true (blob_exists (f, f->only_sha));

  g_assert_true (motcua_store_purge_finished_full (f->store, limit, FALSE, &n, &freed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpuint (freed, ==, 1);

  /* The file only the purged dossier cited is gone; the one the open dossier shares stays. */
  g_assert_false (blob_exists (f, f->only_sha));
  g_assert_true (blob_exists (f, f->shared_sha));
  sql = g_strdup_printf ("SELECT count(*) FROM attachments WHERE sha256 = '%s'", f->only_sha);
  g_assert_cmpint (motcua_test_store_int (f->store, sql), ==, 0);
  g_free (sql);
  sql = g_strdup_printf ("SELECT count(*) FROM attachments WHERE sha256 = '%s'", f->shared_sha);
  g_assert_cmpint (motcua_test_store_int (f->store, sql), ==, 1);
}

static void
test_dry_run (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *before = fingerprint (f);
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) limit = year_ago ();
  guint n = 0, freed = 0;

  g_assert_true (motcua_store_purge_finished_full (f->store, limit, TRUE, &n, &freed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpuint (freed, ==, 1);
  after = fingerprint (f);
  g_assert_cmpstr (after, ==, before);
  g_assert_true (blob_exists (f, f->only_sha));
  g_assert_true (has_dossier (f, f->old_accepted));
  g_assert_cmpuint (n_found (f, "Accepted"), ==, 1);
}

static void
test_unregistered_refuses (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) limit = year_ago ();
  guint n = 99;

  g_assert_true (motcua_store_set_state (f->store, "sync.server_url", NULL, &error));
  before = fingerprint (f);
  g_assert_false (motcua_store_purge_finished (f->store, limit, FALSE, &n, &error));
  g_assert_error (error, MOTCUA_ERROR, MOTCUA_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "server keeps the journal"));
  g_assert_cmpuint (n, ==, 0);
  g_clear_error (&error);
  g_assert_false (motcua_store_purge_finished (f->store, limit, TRUE, &n, &error));
  g_assert_error (error, MOTCUA_ERROR, MOTCUA_ERROR_REFUSED);
  after = fingerprint (f);
  g_assert_cmpstr (after, ==, before);
}

static void
test_retention_days (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (motcua_store_get_retention_days (f->store, &error), ==, MOTCUA_RETENTION_DEFAULT_DAYS);
  g_assert_true (motcua_store_set_state (f->store, "retention.days", "30", &error));
  g_assert_cmpint (motcua_store_get_retention_days (f->store, &error), ==, 30);
  g_assert_no_error (error);
  g_assert_true (motcua_store_set_state (f->store, "retention.days", "soon", &error));
  g_assert_cmpint (motcua_store_get_retention_days (f->store, &error), ==, -1);
  g_assert_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT);
}

/* A version-3 workstation gains the summary table when it is opened, its dossiers
 * untouched. */
static void
test_migration (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 dossiers = motcua_test_store_int (f->store, "SELECT count(*) FROM dossiers");

  exec_sql (f, "DROP TABLE purged_dossiers; PRAGMA user_version = 3;"
              /* and what later migrations added */
              "ALTER TABLE users DROP COLUMN failed_attempts; ALTER TABLE users DROP COLUMN locked_until;"
              "DROP TABLE delegations;"
              MOTCUA_TEST_UNDO_MIGRATION_7);
  g_clear_object (&f->store);
  f->store = motcua_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (motcua_test_store_int (f->store, "PRAGMA user_version"), ==, MOTCUA_STORE_SCHEMA_VERSION);
  g_assert_cmpint (motcua_test_store_int (f->store, "SELECT count(*) FROM purged_dossiers"), ==, 0);
  g_assert_cmpint (motcua_test_store_int (f->store, "SELECT count(*) FROM dossiers"), ==, dossiers);
  purge_ok (f, FALSE, 3);
}

/* ---- command line ----------------------------------------------------------- */

static JsonObject *
json_object_of (const char *text,
                JsonNode  **node)
{
  g_autoptr(GError) error = NULL;

  *node = json_from_string (text, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (*node));
  return json_node_get_object (*node);
}

static void
test_cli (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(MotcuaTestCliResult) dry = NULL;
  g_autoptr(MotcuaTestCliResult) purge = NULL;
  g_autoptr(MotcuaTestCliResult) again = NULL;
  g_autoptr(MotcuaTestCliResult) check = NULL;
  g_autoptr(MotcuaTestCliResult) show = NULL;
  g_autoptr(MotcuaTestCliResult) show_json = NULL;
  g_autoptr(MotcuaTestCliResult) show_open = NULL;
  g_autoptr(MotcuaTestCliResult) set_default = NULL;
  g_autoptr(MotcuaTestCliResult) bad = NULL;
  g_autoptr(MotcuaTestCliResult) short_period = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) show_node = NULL;
  JsonObject *object;
  g_autofree char *headline = NULL;

  g_clear_object (&f->store);

  dry = motcua_test_run_cli (f->path, "purge", "--dry-run", NULL);
  g_assert_true (motcua_test_expect_status (dry, 0, "purge --dry-run"));
  g_assert_nonnull (strstr (dry->out, "3 dossiers finished more than 365 days ago would be purged; "
                                      "1 attachment files would be freed."));

  purge = motcua_test_run_cli (f->path, "--json", "purge", "--older-than", "365", NULL);
  g_assert_true (motcua_test_expect_status (purge, 0, "purge --json"));
  object = json_object_of (purge->out, &node);
  g_assert_cmpint (json_object_get_int_member (object, "purged"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (object, "attachments_freed"), ==, 1);
  g_assert_false (json_object_get_boolean_member (object, "dry_run"));

  check = motcua_test_run_cli (f->path, "check", NULL);
  g_assert_true (motcua_test_expect_status (check, 0, "check after purge"));
  g_assert_nonnull (strstr (check->out, "All 5 dossiers match their journals."));

  show = motcua_test_run_cli (f->path, "show", f->old_accepted, NULL);
  g_assert_true (motcua_test_expect_status (show, 0, "show a purged dossier"));
  headline = g_strdup_printf ("Dossier %s was removed from this workstation on ", f->old_accepted);
  g_assert_nonnull (strstr (show->out, headline));
  g_assert_nonnull (strstr (show->out, "after its retention period; the server keeps its journal."));
  g_assert_nonnull (strstr (show->out, PROCEDURE));
  g_assert_null (strstr (show->out, "Accepted Người"));

  show_json = motcua_test_run_cli (f->path, "--json", "show", f->old_refused, NULL);
  g_assert_true (motcua_test_expect_status (show_json, 0, "show --json a purged dossier"));
  object = json_object_of (show_json->out, &show_node);
  g_assert_true (json_object_get_boolean_member (object, "purged"));
  g_assert_cmpint (json_object_get_int_member (object, "status"), ==, MOTCUA_STATUS_REFUSED);
  g_assert_false (json_object_has_member (object, "applicant_name"));

  show_open = motcua_test_run_cli (f->path, "show", f->open, NULL);
  g_assert_true (motcua_test_expect_status (show_open, 0, "show a kept dossier"));
  g_assert_nonnull (strstr (show_open->out, "Open Người"));

  /* A shorter stored period reaches the recently withdrawn dossier too (closed 20
   * November 2026, 3 days before the pinned clock). */
  set_default = motcua_test_run_cli (f->path, "purge", "--set-default", "2", NULL);
  g_assert_true (motcua_test_expect_status (set_default, 0, "purge --set-default"));
  short_period = motcua_test_run_cli (f->path, "purge", NULL);
  g_assert_true (motcua_test_expect_status (short_period, 0, "purge with the stored period"));
  g_assert_nonnull (strstr (short_period->out, "1 dossiers finished more than 2 days ago were purged"));

  again = motcua_test_run_cli (f->path, "check", NULL);
  g_assert_true (motcua_test_expect_status (again, 0, "check after the second purge"));

  bad = motcua_test_run_cli (f->path, "purge", "--older-than", "soon", NULL);
  g_assert_true (motcua_test_expect_status (bad, 2, "purge --older-than soon"));
}

static void
test_cli_unregistered (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaTestCliResult) r = NULL;
  g_autoptr(MotcuaTestCliResult) dry = NULL;

  g_assert_true (motcua_store_set_state (f->store, "sync.server_url", NULL, &error));
  g_clear_object (&f->store);
  r = motcua_test_run_cli (f->path, "purge", NULL);
  g_assert_true (motcua_test_expect_status (r, 1, "purge unregistered"));
  g_assert_nonnull (strstr (r->err, "server keeps the journal"));
  dry = motcua_test_run_cli (f->path, "purge", "--dry-run", NULL);
  g_assert_true (motcua_test_expect_status (dry, 1, "purge --dry-run unregistered"));
}

int
main (int    argc,
      char **argv)
{
  g_setenv ("MOTCUA_NOW", MOTCUA_TEST_NOW, TRUE);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/retention/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("purge-only-old-synced", test_purge_only_old_synced);
  ADD ("summary-without-personal-data", test_summary_without_personal_data);
  ADD ("feed-follows-purged", test_feed_follows_purged);
  ADD ("attachment-files", test_attachment_files);
  ADD ("dry-run", test_dry_run);
  ADD ("unregistered-refuses", test_unregistered_refuses);
  ADD ("retention-days", test_retention_days);
  ADD ("migration", test_migration);
  ADD ("cli", test_cli);
  ADD ("cli-unregistered", test_cli_unregistered);

#undef ADD
  return g_test_run ();
}
