/* test-sync.c: workstations syncing with a real motcua-server on 127.0.0.1.
 *
 * Every test starts its own server (a temporary folder, a port the system chose) and
 * its own workstations (a database each, set up like `motcua init --demo`), with the
 * clock pinned to Monday 23 November 2026 09:00 in Vietnam. The workstations run their
 * rounds in this process (motcua_sync_run_round on the main thread, as the command
 * line does); the command line itself is run as a program where its output matters.
 * What the server holds is checked over HTTP with a workstation's own token.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "integration-util.h"
#include "motcua-demo.h"
#include "motcua-dossier-list.h"
#include "motcua-error.h"
#include "motcua-protocol.h"
#include "motcua-store.h"
#include "motcua-sync.h"
#include "motcua-test-util.h"
#include "motcua-time.h"

#define TAM_TRU "1.004194"   /* temporary residence: 3 working days, in the demo catalog */

/* ---- workstations ---------------------------------------------------------------- */

typedef struct {
  char        *dir;
  char        *db;
  MotcuaStore *store;
  MotcuaSync  *sync;
} Workstation;

static Workstation *
workstation_new (void)
{
  Workstation *ws = g_new0 (Workstation, 1);
  g_autoptr(GError) error = NULL;
  MotcuaAgency agency = { .code = (char *) MOTCUA_TEST_AGENCY, .name = (char *) MOTCUA_TEST_AGENCY_NAME };

  ws->dir = motcua_test_make_temp_dir ("motcua-sync-ws-XXXXXX");
  ws->db = g_build_filename (ws->dir, "motcua.db", NULL);
  ws->store = motcua_test_open_demo_office (ws->db, &agency);
  g_assert_no_error (error);
  ws->sync = motcua_sync_new (ws->store);
  return ws;
}

static void
workstation_free (Workstation *ws)
{
  g_clear_object (&ws->sync);
  g_clear_object (&ws->store);
  motcua_test_remove_tree (ws->dir);
  g_free (ws->dir);
  g_free (ws->db);
  g_free (ws);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Workstation, workstation_free)

static void
workstation_register (Workstation *ws, MotcuaTestServer *server, const char *device_name)
{
  g_autofree char *code = motcua_test_server_enrolment_code (server, MOTCUA_TEST_AGENCY);
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (code);
  g_assert_true (motcua_sync_register (ws->store, motcua_test_server_get_url (server), code, device_name,
                                       NULL, NULL, &error));
  g_assert_no_error (error);
  motcua_sync_refresh_counts (ws->sync);
  g_assert_cmpint (motcua_sync_get_status (ws->sync), ==, MOTCUA_SYNC_STATUS_IDLE);
}

/* One round that must complete. */
static void
sync_ok (Workstation *ws, MotcuaSyncReport *report)
{
  g_autoptr(GError) error = NULL;

  motcua_sync_report_clear (report);
  if (!motcua_sync_run_round (ws->sync, NULL, report, &error))
    g_error ("A round failed: %s", error->message);
  g_assert_true (report->completed);
  g_assert_cmpint (motcua_sync_get_status (ws->sync), ==, MOTCUA_SYNC_STATUS_IDLE);
  g_assert_null (motcua_sync_get_message (ws->sync));
}

static MotcuaDossier *
receive (Workstation *ws, const char *name, const char *attach)
{
  g_autoptr(GError) error = NULL;
  const char *paths[] = { attach, NULL };
  MotcuaReceiveRequest request = {
    .procedure_code = TAM_TRU,
    .applicant_name = name,
    .applicant_phone = "0912345678",
    .attach_paths = attach ? paths : NULL,
  };
  MotcuaDossier *dossier = motcua_store_receive (ws->store, &request, &error);

  g_assert_no_error (error);
  g_assert_nonnull (dossier);
  motcua_sync_refresh_counts (ws->sync);
  return dossier;
}

static MotcuaDossier *
transfer (Workstation *ws, const char *code, const char *to)
{
  g_autoptr(GError) error = NULL;
  MotcuaActionRequest request = { .to = to };
  MotcuaDossier *dossier = motcua_store_act (ws->store, code, MOTCUA_ACTION_TRANSFER, &request, &error);

  g_assert_no_error (error);
  g_assert_nonnull (dossier);
  return dossier;
}

/* A scan to attach: @size bytes of a pattern unique to @seed. */
static char *
make_scan (Workstation *ws, const char *name, gsize size, guint seed)
{
  g_autofree char *path = g_build_filename (ws->dir, name, NULL);
  g_autofree guint8 *data = g_malloc (size);

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) ((i * 31 + seed * 7 + i / 997) & 0xff);
  motcua_test_write_file (path, data, size);
  return g_steal_pointer (&path);
}

static char *
file_sha256 (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
}

/* Every op_id of the workstation's journal, sorted, one per line. */
static char *
journal_op_ids (Workstation *ws)
{
  sqlite3_stmt *stmt = NULL;
  GString *ids = g_string_new (NULL);

  g_assert_cmpint (sqlite3_prepare_v2 (motcua_store_get_db (ws->store),
                                       "SELECT op_id FROM events ORDER BY op_id", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (ids, "%s\n", sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return g_string_free (ids, FALSE);
}

/* Every dossier code of the workstation, sorted. */
static GPtrArray *
dossier_codes (Workstation *ws)
{
  sqlite3_stmt *stmt = NULL;
  GPtrArray *codes = g_ptr_array_new_with_free_func (g_free);

  g_assert_cmpint (sqlite3_prepare_v2 (motcua_store_get_db (ws->store),
                                       "SELECT code FROM dossiers ORDER BY code", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (codes, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);
  return codes;
}

static char *
state (Workstation *ws, const char *key)
{
  return motcua_store_get_state (ws->store, key, NULL);
}

/* ---- what the server holds ------------------------------------------------------------ */

/* The whole feed of the agency, as the workstation's device sees it. */
static JsonArray *
server_feed (MotcuaTestServer *server, Workstation *ws)
{
  g_autofree char *token = state (ws, "sync.token");
  g_autofree char *url = g_strconcat (motcua_test_server_get_url (server), "v1/feed?since=0&limit=1000", NULL);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonObject) page = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *events;

  g_assert_cmpuint (motcua_test_http ("GET", url, token, NULL, NULL, &body, NULL), ==, 200);
  page = motcua_protocol_parse_object (body, &error);
  g_assert_no_error (error);
  g_assert_false (json_object_get_boolean_member (page, "more"));
  events = json_object_get_array_member (page, "events");
  return json_array_ref (events);
}

static guint
count_op_id (JsonArray *feed, const char *op_id)
{
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (feed); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (feed, i), "op_id"), op_id) == 0)
      n++;
  return n;
}

/* The journal's events, each exactly once on the server, with the same hash and the
 * server sequence the workstation recorded. */
static void
assert_on_server_once (JsonArray *feed, GPtrArray *events)
{
  for (guint i = 0; i < events->len; i++)
    {
      MotcuaEvent *event = g_ptr_array_index (events, i);

      g_assert_cmpuint (count_op_id (feed, event->op_id), ==, 1);
      g_assert_cmpint (event->sync_state, ==, MOTCUA_SYNC_ACCEPTED);
      g_assert_cmpint (event->server_seq, >, 0);
      for (guint j = 0; j < json_array_get_length (feed); j++)
        {
          JsonObject *remote = json_array_get_object_element (feed, j);

          if (g_strcmp0 (json_object_get_string_member (remote, "op_id"), event->op_id) != 0)
            continue;
          g_assert_cmpstr (json_object_get_string_member (remote, "hash"), ==, event->hash);
          g_assert_cmpint (json_object_get_int_member (remote, "server_seq"), ==, event->server_seq);
        }
    }
}

static GBytes *
server_blob (MotcuaTestServer *server, Workstation *ws, const char *sha256)
{
  g_autofree char *token = state (ws, "sync.token");
  g_autofree char *url = g_strconcat (motcua_test_server_get_url (server), "v1/blobs/", sha256, NULL);
  GBytes *body = NULL;

  g_assert_cmpuint (motcua_test_http ("GET", url, token, NULL, NULL, &body, NULL), ==, 200);
  return body;
}

static MotcuaTestServer *
start_server (void)
{
  MotcuaTestServer *server = motcua_test_server_new ();

  g_assert_nonnull (server);
  g_assert_true (motcua_test_server_start (server));
  return server;
}

/* ---- first sync -------------------------------------------------------------------------- */

static void
test_first_sync (void)
{
  g_autoptr(MotcuaTestServer) server = start_server ();
  g_autoptr(Workstation) a = workstation_new ();
  g_autofree char *scan = make_scan (a, "scan.pdf", 600 * 1024, 1);   /* three chunks */
  g_autofree char *scan_sha = file_sha256 (scan);
  g_autoptr(MotcuaDossier) d1 = receive (a, "Nguyễn Văn An", scan);
  g_autoptr(MotcuaDossier) d2 = receive (a, "Trần Thị Bình", NULL);
  g_autoptr(MotcuaDossier) d3 = receive (a, "Lê Văn Cường", NULL);
  g_autoptr(JsonArray) feed = NULL;
  g_autoptr(GBytes) blob = NULL;
  g_autoptr(GDateTime) today = motcua_test_vn_time (2026, 11, 23, 12, 0, 0);
  g_autofree char *blob_sha = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *last_success = NULL;
  MotcuaSyncReport report = { 0 };
  gint64 server_seq_max = 0;

  /* Received before registering: three events waiting. */
  g_assert_cmpint (motcua_sync_get_status (a->sync), ==, MOTCUA_SYNC_STATUS_UNREGISTERED);
  g_assert_cmpint (motcua_sync_get_pending (a->sync), ==, 3);
  workstation_register (a, server, "PC-MOTCUA-01");

  sync_ok (a, &report);
  g_assert_cmpuint (report.pushed, ==, 3);
  g_assert_cmpuint (report.accepted, ==, 3);
  g_assert_cmpuint (report.rejected, ==, 0);
  g_assert_cmpuint (report.retried, ==, 0);
  g_assert_cmpuint (report.rejections->len, ==, 0);
  g_assert_cmpuint (report.pulled, ==, 0);   /* its own events come back only as acknowledgements */
  g_assert_cmpuint (report.set_aside, ==, 0);
  g_assert_cmpuint (report.blobs_uploaded, ==, 1);
  g_assert_cmpuint (report.bytes_uploaded, ==, 600 * 1024);
  g_assert_cmpint (report.pending, ==, 0);
  g_assert_cmpint (report.attention, ==, 0);
  g_assert_cmpint (motcua_sync_get_pending (a->sync), ==, 0);
  g_assert_cmpfloat (motcua_sync_get_progress (a->sync), ==, -1.0);
  last_success = g_strdup (motcua_sync_get_last_success (a->sync));
  g_assert_cmpstr (last_success, ==, MOTCUA_TEST_NOW);

  /* The server holds exactly those events, once each, and the scan, byte for byte. */
  feed = server_feed (server, a);
  g_assert_cmpuint (json_array_get_length (feed), ==, 3);
  {
    MotcuaDossier *dossiers[] = { d1, d2, d3 };

    for (guint i = 0; i < G_N_ELEMENTS (dossiers); i++)
      {
        g_autoptr(GPtrArray) events = motcua_store_get_events (a->store, motcua_dossier_get_uid (dossiers[i]), NULL);

        g_assert_cmpuint (events->len, ==, 1);
        assert_on_server_once (feed, events);
        server_seq_max = MAX (server_seq_max, ((MotcuaEvent *) g_ptr_array_index (events, 0))->server_seq);
      }
  }
  blob = server_blob (server, a, scan_sha);
  blob_sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, blob);
  g_assert_cmpstr (blob_sha, ==, scan_sha);
  g_assert_cmpstr (((MotcuaAttachmentRef *) g_ptr_array_index (motcua_dossier_get_attachments (d1), 0))->sha256,
                   ==, scan_sha);

  /* The cursor moved with the feed, and numbers were reserved for offline days. */
  cursor = state (a, "sync.cursor");
  g_assert_cmpint (g_ascii_strtoll (cursor, NULL, 10), ==, server_seq_max);
  g_assert_cmpint (motcua_store_count_block_codes_left (a->store, MOTCUA_TEST_AGENCY, today, NULL), >=, 10);

  /* Nothing new either way: the second round sends and receives nothing. */
  sync_ok (a, &report);
  g_assert_cmpuint (report.pushed, ==, 0);
  g_assert_cmpuint (report.pulled, ==, 0);
  g_assert_cmpuint (report.blobs_uploaded, ==, 0);
  g_assert_cmpuint (report.bytes_uploaded, ==, 0);
  g_clear_pointer (&feed, json_array_unref);
  feed = server_feed (server, a);
  g_assert_cmpuint (json_array_get_length (feed), ==, 3);
  g_assert_true (motcua_store_verify_folds (a->store, NULL, NULL));
  motcua_sync_report_clear (&report);
}

/* ---- two workstations ------------------------------------------------------------------ */

typedef struct {
  gboolean  done;
  gboolean  ok;
  GError   *error;
} Fetch;

static void
fetched (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Fetch *fetch = user_data;

  fetch->ok = motcua_sync_fetch_blob_finish (MOTCUA_SYNC (source), result, &fetch->error);
  fetch->done = TRUE;
}

static void
count_call (guint *calls)
{
  (*calls)++;
}

static void
test_two_workstations (void)
{
  g_autoptr(MotcuaTestServer) server = start_server ();
  g_autoptr(Workstation) a = workstation_new ();
  g_autoptr(Workstation) b = workstation_new ();
  g_autofree char *scan = make_scan (a, "cccd.jpg", 100 * 1024, 2);
  g_autofree char *scan_sha = file_sha256 (scan);
  g_autoptr(MotcuaDossier) a1 = NULL;
  g_autoptr(MotcuaDossier) a2 = NULL;
  g_autoptr(MotcuaDossier) pulled = NULL;
  g_autoptr(GPtrArray) codes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) feed = NULL;
  g_autofree char *a_ids = NULL;
  g_autofree char *b_ids = NULL;
  g_autofree char *blob_path = NULL;
  g_autofree char *blob_sha = NULL;
  MotcuaSyncReport report = { 0 };
  Fetch fetch = { 0 };
  guint journal_changes = 0;

  workstation_register (a, server, "PC-A");
  workstation_register (b, server, "PC-B");
  sync_ok (a, &report);
  sync_ok (b, &report);

  a1 = receive (a, "Phạm Thị Dung", scan);
  a2 = receive (a, "Hoàng Văn Em", NULL);
  sync_ok (a, &report);
  g_assert_cmpuint (report.accepted, ==, 2);

  /* B receives A's dossiers, whole, without their scans until asked. The window
   * reloads on "journal-changed": once for this round, not for one with nothing new. */
  g_signal_connect_swapped (b->sync, "journal-changed", G_CALLBACK (count_call), &journal_changes);
  sync_ok (b, &report);
  g_assert_cmpuint (report.pulled, ==, 2);
  g_assert_cmpuint (report.pushed, ==, 0);
  g_assert_cmpuint (journal_changes, ==, 1);
  sync_ok (b, &report);
  g_assert_cmpuint (report.pulled, ==, 0);
  g_assert_cmpuint (journal_changes, ==, 1);
  pulled = motcua_store_get_dossier (b->store, motcua_dossier_get_code (a1), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (motcua_dossier_get_uid (pulled), ==, motcua_dossier_get_uid (a1));
  g_assert_cmpstr (motcua_dossier_get_last_event_hash (pulled), ==, motcua_dossier_get_last_event_hash (a1));
  g_assert_cmpstr (motcua_dossier_get_applicant_name (pulled), ==, "Phạm Thị Dung");
  g_assert_cmpint (motcua_dossier_get_status (pulled), ==, motcua_dossier_get_status (a1));
  blob_path = motcua_store_get_blob_path (b->store, scan_sha);
  g_assert_false (g_file_test (blob_path, G_FILE_TEST_EXISTS));

  /* Opened in the window: fetched in a worker thread, kept only with the right bytes. */
  motcua_sync_fetch_blob_async (b->sync, scan_sha, NULL, fetched, &fetch);
  while (!fetch.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (fetch.error);
  g_assert_true (fetch.ok);
  blob_sha = file_sha256 (blob_path);
  g_assert_cmpstr (blob_sha, ==, scan_sha);
  g_assert_true (motcua_store_verify_folds (b->store, NULL, NULL));

  /* The server goes away; both keep receiving on the same day from their blocks. */
  motcua_test_server_stop (server);
  g_clear_object (&a1);
  g_clear_object (&a2);
  a1 = receive (a, "Vũ Thị Giang", NULL);
  a2 = receive (a, "Đặng Văn Hải", NULL);
  g_clear_object (&pulled);
  pulled = receive (b, "Bùi Thị Hoa", NULL);
  g_clear_object (&pulled);
  pulled = receive (b, "Ngô Văn Khoa", NULL);

  /* Offline: the round stops at the probe, and nothing is lost. */
  motcua_sync_report_clear (&report);
  g_assert_false (motcua_sync_run_round (a->sync, NULL, &report, &error));
  g_assert_error (error, MOTCUA_ERROR, MOTCUA_ERROR_IO);
  g_assert_false (report.completed);
  g_assert_cmpint (report.pending, ==, 2);
  g_assert_cmpint (motcua_sync_get_status (a->sync), ==, MOTCUA_SYNC_STATUS_OFFLINE);
  g_assert_nonnull (motcua_sync_get_message (a->sync));
  g_assert_nonnull (strstr (motcua_sync_get_message (a->sync), "Cannot reach the server"));
  g_assert_cmpint (motcua_sync_get_pending (a->sync), ==, 2);
  g_clear_error (&error);

  /* Back, on the same port: B first, then A, then B again. */
  g_assert_true (motcua_test_server_start (server));
  sync_ok (b, &report);
  g_assert_cmpuint (report.accepted, ==, 2);
  sync_ok (a, &report);
  g_assert_cmpuint (report.accepted, ==, 2);
  g_assert_cmpuint (report.rejected, ==, 0);
  g_assert_cmpuint (report.pulled, ==, 2);
  sync_ok (b, &report);
  g_assert_cmpuint (report.pulled, ==, 2);
  g_assert_cmpuint (report.pushed, ==, 0);

  /* Six dossiers, six distinct codes, the same journal on both and on the server. */
  codes = dossier_codes (a);
  g_assert_cmpuint (codes->len, ==, 6);
  for (guint i = 1; i < codes->len; i++)
    g_assert_cmpstr (g_ptr_array_index (codes, i - 1), !=, g_ptr_array_index (codes, i));
  a_ids = journal_op_ids (a);
  b_ids = journal_op_ids (b);
  g_assert_cmpstr (a_ids, ==, b_ids);
  feed = server_feed (server, a);
  g_assert_cmpuint (json_array_get_length (feed), ==, 6);
  g_assert_cmpint (motcua_store_count_pending (a->store, NULL), ==, 0);
  g_assert_cmpint (motcua_store_count_pending (b->store, NULL), ==, 0);
  g_assert_true (motcua_store_verify_folds (a->store, NULL, NULL));
  g_assert_true (motcua_store_verify_folds (b->store, NULL, NULL));
  motcua_sync_report_clear (&report);
}

static MotcuaTestCliResult *cli (Workstation *ws, ...) G_GNUC_NULL_TERMINATED;
static void expect_contains (const char *text, const char *needle);

/* ---- conflict ---------------------------------------------------------------------------- */

static gint64
attention_in_queue (Workstation *ws)
{
  g_autoptr(MotcuaDossierList) list = motcua_dossier_list_new (ws->store);

  motcua_dossier_list_set_filter (list, MOTCUA_QUEUE_FILTER_ATTENTION);
  return g_list_model_get_n_items (G_LIST_MODEL (list));
}

static void
test_conflict (void)
{
  g_autoptr(MotcuaTestServer) server = start_server ();
  g_autoptr(Workstation) a = workstation_new ();
  g_autoptr(Workstation) b = workstation_new ();
  g_autoptr(MotcuaDossier) d = NULL;
  g_autoptr(MotcuaDossier) after_a = NULL;
  g_autoptr(MotcuaDossier) after_b = NULL;
  g_autoptr(MotcuaDossier) refolded = NULL;
  g_autoptr(GPtrArray) a_events = NULL;
  g_autoptr(GPtrArray) b_events = NULL;
  g_autoptr(GPtrArray) set_aside = NULL;
  g_autoptr(GPtrArray) attention = NULL;
  g_autoptr(JsonArray) feed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *loser_op_id = NULL;
  g_autofree char *loser_hash = NULL;
  g_autofree char *winner_op_id = NULL;
  MotcuaSyncReport report = { 0 };
  MotcuaEvent *event;

  workstation_register (a, server, "PC-A");
  workstation_register (b, server, "PC-B");
  sync_ok (a, &report);
  d = receive (a, "Đỗ Thị Lan", NULL);
  sync_ok (a, &report);
  sync_ok (b, &report);
  g_assert_cmpuint (report.pulled, ==, 1);

  /* Both act on the same dossier while the server is down. */
  motcua_test_server_stop (server);
  after_a = transfer (a, motcua_dossier_get_code (d), "Phòng Tư pháp");
  after_b = transfer (b, motcua_dossier_get_code (d), "Công an xã");
  a_events = motcua_store_get_events (a->store, motcua_dossier_get_uid (d), NULL);
  b_events = motcua_store_get_events (b->store, motcua_dossier_get_uid (d), NULL);
  winner_op_id = g_strdup (((MotcuaEvent *) g_ptr_array_index (a_events, 1))->op_id);
  loser_op_id = g_strdup (((MotcuaEvent *) g_ptr_array_index (b_events, 1))->op_id);
  loser_hash = g_strdup (((MotcuaEvent *) g_ptr_array_index (b_events, 1))->hash);
  g_clear_pointer (&b_events, g_ptr_array_unref);
  g_assert_true (motcua_test_server_start (server));

  /* A syncs first and wins. */
  sync_ok (a, &report);
  g_assert_cmpuint (report.accepted, ==, 1);

  /* B's event is refused (conflict); the pull brings A's; B's is set aside, whole. */
  sync_ok (b, &report);
  g_assert_cmpuint (report.pushed, ==, 1);
  g_assert_cmpuint (report.rejected, ==, 1);
  g_assert_cmpuint (report.accepted, ==, 0);
  g_assert_cmpuint (report.rejections->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (report.rejections, 0), motcua_dossier_get_code (d)));
  g_assert_nonnull (strstr (g_ptr_array_index (report.rejections, 0), "conflict"));
  g_assert_cmpuint (report.pulled, ==, 1);
  g_assert_cmpuint (report.set_aside, ==, 1);
  g_assert_cmpint (report.pending, ==, 0);
  g_assert_cmpint (report.attention, ==, 1);
  g_assert_cmpint (motcua_sync_get_attention (b->sync), ==, 1);

  g_assert_cmpint (motcua_store_count_set_aside (b->store, NULL), ==, 1);
  set_aside = motcua_store_get_set_aside_events (b->store, motcua_dossier_get_uid (d), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (set_aside->len, ==, 1);
  event = g_ptr_array_index (set_aside, 0);
  g_assert_cmpstr (event->op_id, ==, loser_op_id);
  g_assert_cmpstr (event->hash, ==, loser_hash);
  g_assert_cmpint (event->seq, ==, 2);
  g_assert_cmpstr (event->reject_reason, ==, "conflict");
  {
    g_autofree char *recomputed = motcua_event_compute_hash (event);
    g_assert_cmpstr (recomputed, ==, loser_hash);
  }

  /* B's dossier now follows the server: A's transfer at seq 2. */
  b_events = motcua_store_get_events (b->store, motcua_dossier_get_uid (d), NULL);
  g_assert_cmpuint (b_events->len, ==, 2);
  g_assert_cmpstr (((MotcuaEvent *) g_ptr_array_index (b_events, 1))->op_id, ==, winner_op_id);
  refolded = motcua_store_get_dossier (b->store, motcua_dossier_get_code (d), NULL);
  g_assert_cmpstr (motcua_dossier_get_last_event_hash (refolded), ==, motcua_dossier_get_last_event_hash (after_a));
  g_assert_true (motcua_store_verify_folds (b->store, NULL, NULL));

  /* "Needs attention": counted, listed and in the queue's filter. */
  g_assert_cmpint (motcua_store_count_attention (b->store, NULL), ==, 1);
  g_assert_cmpint (attention_in_queue (b), ==, 1);
  attention = motcua_store_list_attention (b->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (attention->len, ==, 1);
  g_assert_cmpstr (((MotcuaAttentionItem *) g_ptr_array_index (attention, 0))->code, ==, motcua_dossier_get_code (d));
  g_assert_cmpstr (((MotcuaAttentionItem *) g_ptr_array_index (attention, 0))->state, ==, "set-aside");
  g_assert_cmpstr (((MotcuaAttentionItem *) g_ptr_array_index (attention, 0))->reason, ==, "conflict");
  g_assert_cmpint (motcua_store_count_attention (a->store, NULL), ==, 0);
  g_assert_cmpint (attention_in_queue (a), ==, 0);

  /* Nothing dropped: the server has A's event once and never B's; A learns nothing new. */
  feed = server_feed (server, a);
  g_assert_cmpuint (count_op_id (feed, winner_op_id), ==, 1);
  g_assert_cmpuint (count_op_id (feed, loser_op_id), ==, 0);
  sync_ok (a, &report);
  g_assert_cmpuint (report.pulled, ==, 0);
  g_assert_cmpuint (report.set_aside, ==, 0);

  /* The command line lists it, and takes it as seen: out of the queue, still kept. */
  {
    g_autoptr(MotcuaTestCliResult) result = cli (b, "sync", "--status", NULL);

    g_assert_cmpint (result->status, ==, 0);
    expect_contains (result->out, "Needs attention: 1 dossier\n");
    expect_contains (result->out, motcua_dossier_get_code (d));
    expect_contains (result->out, "set aside: another workstation acted on this dossier first (conflict)");
    g_clear_pointer (&result, motcua_test_cli_result_free);
    result = cli (b, "sync", "--dismiss", motcua_dossier_get_code (d), NULL);
    g_assert_cmpint (result->status, ==, 0);
  }
  g_assert_cmpint (motcua_store_count_attention (b->store, NULL), ==, 0);
  g_assert_cmpint (attention_in_queue (b), ==, 0);
  g_assert_cmpint (motcua_store_count_set_aside (b->store, NULL), ==, 1);
  motcua_sync_report_clear (&report);
}

/* ---- a refused event among good ones -------------------------------------------------------- */

/* An event the local workflow would never have made (a clerk marking a dossier that
 * was just received "result ready"), written straight into the journal, as a bug or
 * an older version might have. */
static char *
append_bad_event (Workstation *ws, const char *code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaDossier) dossier = motcua_store_get_dossier (ws->store, code, &error);
  g_autoptr(MotcuaDossier) result = NULL;
  g_autoptr(MotcuaEvent) event = motcua_event_new ();
  g_autoptr(JsonObject) payload = json_object_new ();
  g_autoptr(GDateTime) now = motcua_time_now (NULL);

  g_assert_no_error (error);
  event->op_id = motcua_uuid_new (now);
  event->dossier_uid = g_strdup (motcua_dossier_get_uid (dossier));
  event->actor = g_strdup ("clerk1");
  event->actor_role = g_strdup ("clerk");
  event->confirmed_at = motcua_time_format (now);
  event->kind = g_strdup ("result-ready");
  g_assert_true (motcua_store_begin (ws->store, &error));
  result = motcua_store_append_event (ws->store, dossier, event, payload, &error);
  g_assert_no_error (error);
  g_assert_true (motcua_store_commit (ws->store, &error));
  return g_strdup (event->op_id);
}

static MotcuaSyncState
sync_state_of (Workstation *ws, const char *op_id, char **reason)
{
  sqlite3_stmt *stmt = NULL;
  MotcuaSyncState sync_state;

  g_assert_cmpint (sqlite3_prepare_v2 (motcua_store_get_db (ws->store),
                                       "SELECT sync_state, reject_reason FROM events WHERE op_id = ?", -1, &stmt,
                                       NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, op_id, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  sync_state = sqlite3_column_int (stmt, 0);
  if (reason != NULL)
    *reason = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  sqlite3_finalize (stmt);
  return sync_state;
}

static void
test_rejection_does_not_block (void)
{
  g_autoptr(MotcuaTestServer) server = start_server ();
  g_autoptr(Workstation) a = workstation_new ();
  g_autoptr(MotcuaDossier) d1 = NULL;
  g_autoptr(MotcuaDossier) d2 = NULL;
  g_autoptr(MotcuaDossier) d3 = NULL;
  g_autoptr(MotcuaDossier) moved = NULL;
  g_autoptr(GPtrArray) d2_events = NULL;
  g_autofree char *bad = NULL;
  g_autofree char *reason = NULL;
  g_autoptr(JsonArray) feed = NULL;
  MotcuaSyncReport report = { 0 };

  workstation_register (a, server, "PC-A");
  sync_ok (a, &report);
  d1 = receive (a, "Mai Văn Long", NULL);
  d2 = receive (a, "Lý Thị Mận", NULL);
  sync_ok (a, &report);

  /* One batch: the refused event first, then a good event of another dossier, then a
   * new dossier. */
  bad = append_bad_event (a, motcua_dossier_get_code (d1));
  moved = transfer (a, motcua_dossier_get_code (d2), "Phòng Tư pháp");
  d3 = receive (a, "Tạ Văn Nam", NULL);
  g_assert_cmpint (motcua_store_count_pending (a->store, NULL), ==, 3);

  sync_ok (a, &report);
  g_assert_cmpuint (report.pushed, ==, 3);
  g_assert_cmpuint (report.rejected, ==, 1);
  g_assert_cmpuint (report.accepted, ==, 2);
  g_assert_cmpuint (report.rejections->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (report.rejections, 0), motcua_dossier_get_code (d1)));
  g_assert_nonnull (strstr (g_ptr_array_index (report.rejections, 0), "workflow"));
  g_assert_cmpint (report.pending, ==, 0);
  g_assert_cmpint (report.attention, ==, 1);

  /* The refused event stays in its dossier, marked; the others are on the server. */
  g_assert_cmpint (sync_state_of (a, bad, &reason), ==, MOTCUA_SYNC_REJECTED);
  g_assert_cmpstr (reason, ==, "workflow");
  d2_events = motcua_store_get_events (a->store, motcua_dossier_get_uid (d2), NULL);
  feed = server_feed (server, a);
  assert_on_server_once (feed, d2_events);
  g_assert_cmpuint (count_op_id (feed, bad), ==, 0);
  g_assert_cmpuint (json_array_get_length (feed), ==, 4);
  g_assert_cmpint (attention_in_queue (a), ==, 1);

  /* The next round does not send it again. */
  sync_ok (a, &report);
  g_assert_cmpuint (report.pushed, ==, 0);

  /* Dismissed: the dossier goes back to what the server holds; the event is kept. */
  g_assert_true (motcua_store_dismiss_attention (a->store, motcua_dossier_get_uid (d1), NULL));
  g_assert_cmpint (motcua_store_count_attention (a->store, NULL), ==, 0);
  g_assert_cmpint (motcua_store_count_set_aside (a->store, NULL), ==, 1);
  {
    g_autoptr(MotcuaDossier) back = motcua_store_get_dossier (a->store, motcua_dossier_get_code (d1), NULL);

    g_assert_cmpuint (motcua_dossier_get_event_count (back), ==, 1);
    g_assert_cmpint (motcua_dossier_get_status (back), ==, motcua_dossier_get_status (d1));
  }
  g_assert_true (motcua_store_verify_folds (a->store, NULL, NULL));
  motcua_sync_report_clear (&report);
}

/* ---- codes, agency and the command line --------------------------------------------------- */

static MotcuaTestCliResult *
cli (Workstation *ws, ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  const char *arg;
  va_list ap;

  va_start (ap, ws);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  return motcua_test_run_cli_env (NULL, ws->db, (const char * const *) args->pdata);
}

static void
expect_contains (const char *text, const char *needle)
{
  g_autofree char *flat = NULL;

  if (text != NULL && strstr (text, needle) != NULL)
    return;
  flat = motcua_test_one_line (text);
  g_error ("“%s” not found in: %s", needle, flat);
}

static void
test_cli_and_codes (void)
{
  g_autoptr(MotcuaTestServer) server = start_server ();
  g_autoptr(Workstation) a = workstation_new ();
  g_autoptr(Workstation) other = workstation_new ();
  g_autofree char *enrolment = motcua_test_server_enrolment_code (server, MOTCUA_TEST_AGENCY);
  g_autofree char *second = motcua_test_server_enrolment_code (server, MOTCUA_TEST_AGENCY);
  g_autoptr(MotcuaTestCliResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) later = motcua_test_vn_time (2027, 3, 1, 9, 0, 0);
  g_autoptr(JsonNode) json = NULL;
  g_autofree char *code = NULL;
  JsonObject *object;

  /* A workstation of another agency does not take this agency's code. */
  {
    g_autofree char *path = g_build_filename (other->dir, "other.db", NULL);
    g_autoptr(MotcuaStore) foreign = motcua_store_open (path, &error);
    MotcuaAgency agency = { .code = (char *) "000.00.99.X01", .name = (char *) "UBND xã Khác" };

    g_assert_no_error (error);
    g_assert_true (motcua_store_set_agency (foreign, &agency, &error));
    g_assert_false (motcua_sync_register (foreign, motcua_test_server_get_url (server), second, "PC-X",
                                          NULL, NULL, &error));
    g_assert_error (error, MOTCUA_ERROR, MOTCUA_ERROR_REFUSED);
    g_clear_error (&error);
    g_assert_null (motcua_store_get_state (foreign, "sync.server_url", NULL));
  }

  /* A fresh database adopts the server's agency when it registers. */
  {
    g_autofree char *path = g_build_filename (other->dir, "fresh.db", NULL);
    g_autoptr(MotcuaStore) fresh = motcua_store_open (path, &error);
    g_autofree char *third = motcua_test_server_enrolment_code (server, MOTCUA_TEST_AGENCY);
    g_autoptr(MotcuaAgency) adopted = NULL;

    g_assert_no_error (error);
    g_assert_true (motcua_sync_register (fresh, motcua_test_server_get_url (server), third, "PC-NEW",
                                         NULL, NULL, &error));
    g_assert_no_error (error);
    adopted = motcua_store_get_agency (fresh, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (adopted->code, ==, MOTCUA_TEST_AGENCY);
    g_assert_cmpstr (adopted->name, ==, MOTCUA_TEST_AGENCY_NAME);
  }

  /* Registered with the command line, then nothing can be received before a round has
   * reserved numbers: a clear refusal, no code from the local counter. */
  g_clear_object (&a->sync);
  result = cli (a, "register", "--server", motcua_test_server_get_url (server), "--code", enrolment,
                "--device-name", "PC-CLI", NULL);
  g_assert_cmpint (result->status, ==, 0);
  expect_contains (result->out, "registered with");
  expect_contains (result->out, MOTCUA_TEST_AGENCY);
  g_clear_pointer (&result, motcua_test_cli_result_free);
  a->sync = motcua_sync_new (a->store);

  result = cli (a, "receive", "--procedure", TAM_TRU, "--applicant-name", "Kim Văn Phúc", NULL);
  g_assert_cmpint (result->status, ==, 1);
  expect_contains (result->err, "No reserved dossier numbers are left for 23/11/2026");
  g_clear_pointer (&result, motcua_test_cli_result_free);
  g_assert_cmpint (motcua_test_store_int (a->store, "SELECT count(*) FROM dossiers"), ==, 0);

  g_assert_true (motcua_store_begin (a->store, &error));
  code = motcua_store_allocate_code (a->store, MOTCUA_TEST_AGENCY, later, &error);
  motcua_store_rollback (a->store);
  g_assert_null (code);
  g_assert_error (error, MOTCUA_ERROR, MOTCUA_ERROR_REFUSED);
  g_clear_error (&error);

  /* `motcua sync`: one round, then the numbers are there. */
  result = cli (a, "sync", NULL);
  g_assert_cmpint (result->status, ==, 0);
  expect_contains (result->out, "Sent 0 events");
  expect_contains (result->out, "Still to send: 0 events");
  g_clear_pointer (&result, motcua_test_cli_result_free);

  result = cli (a, "receive", "--procedure", TAM_TRU, "--applicant-name", "Kim Văn Phúc", NULL);
  g_assert_cmpint (result->status, ==, 0);
  expect_contains (result->out, MOTCUA_TEST_AGENCY "-261123-0001");
  g_clear_pointer (&result, motcua_test_cli_result_free);

  result = cli (a, "sync", "--status", NULL);
  g_assert_cmpint (result->status, ==, 0);
  {
    /* The address as registered, without its trailing slash. */
    g_autofree char *url = g_strdup (motcua_test_server_get_url (server));
    g_autofree char *line = NULL;

    if (g_str_has_suffix (url, "/"))
      url[strlen (url) - 1] = '\0';
    line = g_strdup_printf ("Server: %s\n", url);
    expect_contains (result->out, line);
  }
  expect_contains (result->out, "Waiting to be sent: 1 event");
  expect_contains (result->out, "Needs attention: 0 dossiers");
  g_clear_pointer (&result, motcua_test_cli_result_free);

  result = cli (a, "sync", NULL);
  g_assert_cmpint (result->status, ==, 0);
  expect_contains (result->out, "Sent 1 event: 1 accepted, 0 rejected");
  g_clear_pointer (&result, motcua_test_cli_result_free);

  result = cli (a, "--json", "sync", "--status", NULL);
  g_assert_cmpint (result->status, ==, 0);
  json = json_from_string (result->out, &error);
  g_assert_no_error (error);
  object = json_node_get_object (json);
  g_assert_true (json_object_get_boolean_member (object, "registered"));
  g_assert_cmpint (json_object_get_int_member (object, "pending"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (object, "attention"), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (object, "last_success"), ==, MOTCUA_TEST_NOW);
  g_clear_pointer (&result, motcua_test_cli_result_free);

  /* With the server gone, `motcua sync` says so and fails; the work stays. */
  motcua_test_server_stop (server);
  result = cli (a, "receive", "--procedure", TAM_TRU, "--applicant-name", "Kim Thị Quế", NULL);
  g_assert_cmpint (result->status, ==, 0);
  g_clear_pointer (&result, motcua_test_cli_result_free);
  result = cli (a, "sync", NULL);
  g_assert_cmpint (result->status, ==, 1);
  expect_contains (result->err, "Cannot reach the server");
  g_clear_pointer (&result, motcua_test_cli_result_free);
  result = cli (a, "--json", "sync", NULL);
  g_assert_cmpint (result->status, ==, 1);
  g_clear_pointer (&json, json_node_unref);
  json = json_from_string (result->out, &error);
  g_assert_no_error (error);
  object = json_node_get_object (json);
  g_assert_false (json_object_get_boolean_member (object, "completed"));
  g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "offline");
  g_assert_cmpint (json_object_get_int_member (object, "pending"), ==, 1);
  g_clear_pointer (&result, motcua_test_cli_result_free);
  result = cli (a, "sync", "--status", NULL);
  g_assert_cmpint (result->status, ==, 0);
  expect_contains (result->out, "Last problem: Cannot reach the server");
  expect_contains (result->out, "Waiting to be sent: 1 event");
}

/* ---- a refused token ---------------------------------------------------------------------- */

static void
test_auth_failure (void)
{
  g_autoptr(MotcuaTestServer) server = start_server ();
  g_autoptr(Workstation) a = workstation_new ();
  g_autoptr(MotcuaDossier) d = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *cursor_after = NULL;
  g_autofree char *ids = NULL;
  g_autofree char *ids_after = NULL;
  g_autofree char *last_success = NULL;
  g_autofree char *last_success_after = NULL;
  MotcuaSyncReport report = { 0 };

  workstation_register (a, server, "PC-A");
  sync_ok (a, &report);
  d = receive (a, "Quách Văn Sơn", NULL);
  g_assert_true (motcua_store_set_state (a->store, "sync.token", "not-a-token", &error));
  cursor = state (a, "sync.cursor");
  last_success = state (a, "sync.last_success");
  ids = journal_op_ids (a);

  motcua_sync_report_clear (&report);
  g_assert_false (motcua_sync_run_round (a->sync, NULL, &report, &error));
  g_assert_error (error, MOTCUA_ERROR, MOTCUA_ERROR_PERMISSION);
  g_assert_false (report.completed);
  g_assert_cmpint (motcua_sync_get_status (a->sync), ==, MOTCUA_SYNC_STATUS_AUTH_FAILED);
  g_assert_nonnull (strstr (motcua_sync_get_message (a->sync), "Register it again"));

  /* Nothing changed locally: still pending, same cursor, same journal. */
  g_assert_cmpint (report.pending, ==, 1);
  g_assert_cmpint (motcua_store_count_pending (a->store, NULL), ==, 1);
  cursor_after = state (a, "sync.cursor");
  last_success_after = state (a, "sync.last_success");
  ids_after = journal_op_ids (a);
  g_assert_cmpstr (cursor_after, ==, cursor);
  g_assert_cmpstr (last_success_after, ==, last_success);
  g_assert_cmpstr (ids_after, ==, ids);
  motcua_sync_report_clear (&report);
}

/* ---- automatic rounds, in a worker thread ------------------------------------------------ */

static void
count_notify (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  guint *notifications = user_data;

  /* Properties change on the main thread only, where the object lives. */
  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  (*notifications)++;
}

/* Iterates the main context until @condition holds, at most @seconds. */
#define WAIT_UNTIL(condition, seconds) \
  G_STMT_START { \
    gint64 deadline = g_get_monotonic_time () + (seconds) * G_TIME_SPAN_SECOND; \
    while (!(condition) && g_get_monotonic_time () < deadline) \
      g_main_context_iteration (NULL, FALSE) || (g_usleep (10000), TRUE); \
    g_assert_true (condition); \
  } G_STMT_END

static void
test_automatic (void)
{
  g_autoptr(MotcuaTestServer) server = start_server ();
  g_autoptr(Workstation) a = workstation_new ();
  g_autoptr(MotcuaDossier) d = NULL;
  guint notifications = 0;

  workstation_register (a, server, "PC-AUTO");
  g_signal_connect (a->sync, "notify", G_CALLBACK (count_notify), &notifications);
  g_assert_null (motcua_sync_get_last_success (a->sync));

  /* Started: a first round at once, off the main thread. */
  motcua_sync_start_auto (a->sync);
  motcua_sync_start_auto (a->sync);
  WAIT_UNTIL (motcua_sync_get_last_success (a->sync) != NULL
              && motcua_sync_get_status (a->sync) == MOTCUA_SYNC_STATUS_IDLE, 30);
  g_assert_cmpuint (notifications, >, 0);

  /* New work goes out by itself a few seconds after the action. */
  motcua_test_server_stop (server);
  g_assert_true (motcua_test_server_start (server));
  d = receive (a, "Trương Văn Tự", NULL);
  g_assert_cmpint (motcua_sync_get_pending (a->sync), ==, 1);
  WAIT_UNTIL (motcua_sync_get_pending (a->sync) == 0, 30);
  g_assert_cmpint (motcua_store_count_pending (a->store, NULL), ==, 0);

  /* Once the round is over too (its result delivered), by the short timer. */
  {
    gint64 settle = g_get_monotonic_time () + G_TIME_SPAN_SECOND;

    while (g_get_monotonic_time () < settle)
      g_main_context_iteration (NULL, FALSE) || (g_usleep (10000), TRUE);
  }
  g_clear_object (&d);
  d = receive (a, "Trương Thị Vân", NULL);
  g_assert_cmpint (motcua_sync_get_pending (a->sync), ==, 1);
  WAIT_UNTIL (motcua_sync_get_pending (a->sync) == 0, 30);

  /* "Sync now" with the server gone: offline, with a message for the clerk. */
  motcua_test_server_stop (server);
  motcua_sync_request (a->sync);
  WAIT_UNTIL (motcua_sync_get_status (a->sync) == MOTCUA_SYNC_STATUS_OFFLINE, 30);
  g_assert_nonnull (motcua_sync_get_message (a->sync));

  /* And back: the next request completes. */
  g_assert_true (motcua_test_server_start (server));
  motcua_sync_request (a->sync);
  WAIT_UNTIL (motcua_sync_get_status (a->sync) == MOTCUA_SYNC_STATUS_IDLE, 30);
  g_assert_null (motcua_sync_get_message (a->sync));
  g_signal_handlers_disconnect_by_func (a->sync, count_notify, &notifications);
}

/* ---- the official calendar ----------------------------------------------------------------- */

/* Tuesday 24 November 2026, a working day in the Labour Code, off in the server's calendar. */
#define TEST_DAY_OFF      "Ngày nghỉ thử nghiệm"
#define TEST_CALENDAR_2026 \
  "{ \"year\": 2026, \"days\": [" \
  " { \"date\": \"2026-01-01\", \"working\": false, \"name\": \"Tết Dương lịch\" }," \
  " { \"date\": \"2026-11-24\", \"working\": false, \"name\": \"" TEST_DAY_OFF "\" }," \
  " { \"date\": \"2026-11-28\", \"working\": true, \"name\": \"Làm bù\" } ] }"

/* Lines of the server's log about GET /v1/calendar answered with @status. */
static guint
calendar_requests (MotcuaTestServer *server, guint status)
{
  g_autofree char *log = NULL;
  g_autofree char *status_text = g_strdup_printf ("\"status\":%u,", status);
  g_auto(GStrv) lines = NULL;
  guint n = 0;

  g_assert_true (g_file_get_contents (motcua_test_server_get_log_path (server), &log, NULL, NULL));
  lines = g_strsplit (log, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], "\"path\":\"/v1/calendar\"") != NULL && strstr (lines[i], status_text) != NULL)
      n++;
  return n;
}

static gboolean
is_working_day (Workstation *ws, int year, int month, int day)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, day, month, year);
  return motcua_calendar_is_working_day (motcua_store_get_calendar (ws->store), &date);
}

/* The due date of a 1-working-day dossier received Monday 23 November 2026 at 16:00. */
static char *
due_of_one_day (Workstation *ws)
{
  g_autoptr(GDateTime) received = motcua_test_vn_time (2026, 11, 23, 16, 0, 0);
  g_autoptr(GDateTime) due = motcua_calendar_due (motcua_store_get_calendar (ws->store), received, 1,
                                                  MOTCUA_TIME_UNIT_WORKING_DAYS);

  return motcua_time_format (due);
}

static void
test_official_calendar (void)
{
  g_autoptr(MotcuaTestServer) server = start_server ();
  g_autoptr(Workstation) a = workstation_new ();
  g_autofree char *file = g_build_filename (a->dir, "calendar-2026.json", NULL);
  g_autoptr(GDateTime) tuesday = motcua_test_vn_time (2026, 11, 24, 12, 0, 0);
  g_autoptr(GDateTime) saturday = motcua_test_vn_time (2026, 11, 28, 12, 0, 0);
  g_autoptr(MotcuaTestCliResult) result = NULL;
  g_autofree char *due = NULL;
  g_autofree char *etag = NULL;
  g_autofree char *etag_again = NULL;
  MotcuaSyncReport report = { 0 };
  GDate date;

  /* The built-in calendar until the server's official one comes. */
  g_assert_true (is_working_day (a, 2026, 11, 24));
  due = due_of_one_day (a);
  g_assert_cmpstr (due, ==, "2026-11-24T16:00:00+07:00");
  g_clear_pointer (&due, g_free);

  motcua_test_write_file (file, TEST_CALENDAR_2026, -1);
  g_assert_true (motcua_test_server_admin (server, "calendar-import", file, NULL));
  workstation_register (a, server, "PC-A");
  sync_ok (a, &report);

  /* The window's own connection sees the round's calendar at once. */
  g_assert_false (is_working_day (a, 2026, 11, 24));
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, 24, 11, 2026);
  g_assert_cmpstr (motcua_calendar_get_day_off_name (motcua_store_get_calendar (a->store), &date), ==, TEST_DAY_OFF);
  g_assert_true (is_working_day (a, 2026, 11, 28));   /* a Saturday worked */
  g_assert_false (is_working_day (a, 2027, 1, 1));    /* next year keeps its built-in holidays */
  due = due_of_one_day (a);
  g_assert_cmpstr (due, ==, "2026-11-25T16:00:00+07:00");
  g_assert_cmpint (motcua_test_store_int (a->store, "SELECT count(*) FROM calendar_years"), ==, 1);
  g_assert_cmpint (motcua_test_store_int (a->store, "SELECT count(*) FROM calendar_years"
                                                    " WHERE year = 2026 AND source = 'server'"), ==, 1);
  etag = state (a, "sync.calendar_etag.2026");
  g_assert_nonnull (etag);
  g_assert_null (state (a, "sync.calendar_etag.2027"));

  /* Saved for good: the command line computes the same due date. */
  result = cli (a, "calendar", "due", "--from", "2026-11-23T16:00:00+07:00", "--amount", "1", NULL);
  g_assert_cmpint (result->status, ==, 0);
  expect_contains (result->out, "2026-11-25T16:00:00+07:00");

  /* Numbers were reserved by the new calendar: none for the day off, some for the
   * Saturday worked. */
  g_assert_cmpint (motcua_store_count_block_codes_left (a->store, MOTCUA_TEST_AGENCY, tuesday, NULL), ==, 0);
  g_assert_cmpint (motcua_store_count_block_codes_left (a->store, MOTCUA_TEST_AGENCY, saturday, NULL), >=, 10);

  /* Unchanged on the server: the next round is answered 304 and changes nothing. */
  g_assert_cmpuint (calendar_requests (server, 304), ==, 0);
  sync_ok (a, &report);
  g_assert_cmpuint (calendar_requests (server, 304), ==, 1);
  etag_again = state (a, "sync.calendar_etag.2026");
  g_assert_cmpstr (etag_again, ==, etag);
  g_assert_false (is_working_day (a, 2026, 11, 24));
  g_assert_cmpint (motcua_test_store_int (a->store, "SELECT count(*) FROM calendar_days"), ==, 3);
  motcua_sync_report_clear (&report);
}

int
main (int argc, char **argv)
{
  g_setenv ("MOTCUA_NOW", MOTCUA_TEST_NOW, TRUE);
  g_unsetenv ("MOTCUA_USER");
  g_unsetenv ("MOTCUA_DB");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sync/first-sync", test_first_sync);
  g_test_add_func ("/sync/two-workstations", test_two_workstations);
  g_test_add_func ("/sync/conflict", test_conflict);
  g_test_add_func ("/sync/rejection-does-not-block", test_rejection_does_not_block);
  g_test_add_func ("/sync/cli-and-codes", test_cli_and_codes);
  g_test_add_func ("/sync/auth-failure", test_auth_failure);
  g_test_add_func ("/sync/automatic", test_automatic);
  g_test_add_func ("/sync/official-calendar", test_official_calendar);
  return g_test_run ();
}
