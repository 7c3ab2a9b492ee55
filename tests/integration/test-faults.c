/* test-faults.c: the sync under faults (DESIGN.md, "Tests and benchmarks").
 *
 * A real motcua-server on loopback, real workstations made with $MOTCUA_CLI, and a
 * userspace proxy between them where a test needs the link to misbehave (tc netem is
 * not available here). After each scenario the same invariants are checked:
 *
 *  - the server holds exactly the events the workstations created: none lost, none
 *    twice (op ids compared with the server's feed, read with the device's token);
 *    an event it does not hold is one the test expected to be set aside, and it is
 *    kept on its workstation with the hash it was created with;
 *  - every workstation holds every event of the server, with the same hash and
 *    server sequence, and nothing is left to send;
 *  - every attachment's bytes hash to its name on both sides.
 */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "motcua-protocol.h"
#include "motcua-store.h"
#include "motcua-sync.h"
#include "motcua-test-util.h"
#include "motcua-time.h"
#include "fault-proxy.h"
#include "integration-util.h"

#define TAM_TRU        "1.004194"   /* temporary residence, in the demo catalog */
#define MIB            (1024 * 1024)
#define N_KILLS        20
#define FEED_PAGE      1000

/* ---- workstations ---------------------------------------------------------------- */

typedef struct {
  char       *name;
  char       *db;
  GHashTable *created;         /* op_id → hash of every event made here */
  GHashTable *may_set_aside;   /* op ids the scenario expects the server to refuse */
} Workstation;

typedef struct {
  char             *dir;
  MotcuaTestServer *server;
  MotcuaFaultProxy *proxy;
  GPtrArray        *workstations;
} Fixture;

/* A failed assertion aborts the test program before any teardown: without this the
 * server it started would live on. Read in a signal handler, hence the plain type. */
static volatile sig_atomic_t running_server_pid;

static void
kill_server_and_die (int signum)
{
  if (running_server_pid > 0)
    kill ((pid_t) running_server_pid, SIGKILL);
  signal (signum, SIG_DFL);
  raise (signum);
}

static gboolean
start_server (Fixture *f)
{
  gboolean started = motcua_test_server_start (f->server);

  running_server_pid = started ? motcua_test_server_get_pid (f->server) : 0;
  return started;
}

static void
workstation_free (Workstation *ws)
{
  g_free (ws->name);
  g_free (ws->db);
  g_hash_table_unref (ws->created);
  g_hash_table_unref (ws->may_set_aside);
  g_free (ws);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data G_GNUC_UNUSED)
{
  f->dir = motcua_test_make_temp_dir ("motcua-faults-XXXXXX");
  f->server = motcua_test_server_new ();
  f->workstations = g_ptr_array_new_with_free_func ((GDestroyNotify) workstation_free);
  if (!start_server (f))
    g_error ("motcua-server did not start; its log is %s", motcua_test_server_get_log_path (f->server));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data G_GNUC_UNUSED)
{
  g_clear_pointer (&f->proxy, motcua_fault_proxy_free);
  g_clear_pointer (&f->server, motcua_test_server_free);
  running_server_pid = 0;
  g_clear_pointer (&f->workstations, g_ptr_array_unref);
  motcua_test_remove_tree (f->dir);
  g_free (f->dir);
}

static MotcuaFaultProxy *
fixture_proxy (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  if (f->proxy == NULL)
    {
      f->proxy = motcua_fault_proxy_new (motcua_test_server_get_url (f->server), &error);
      g_assert_no_error (error);
    }
  return f->proxy;
}

static MotcuaStore *
open_store (Workstation *ws)
{
  g_autoptr(GError) error = NULL;
  MotcuaStore *store = motcua_store_open (ws->db, &error);

  g_assert_no_error (error);
  return store;
}

/* Runs the command line on @ws's database; its output when it exits 0. */
static char *
cli_ok (Workstation *ws,
        ...) G_GNUC_NULL_TERMINATED;

static char *
cli_ok (Workstation *ws,
        ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(MotcuaTestCliResult) result = NULL;
  g_autofree char *what = NULL;
  const char *arg;
  va_list ap;

  va_start (ap, ws);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  result = motcua_test_run_cli_env (NULL, ws->db, (const char * const *) args->pdata);
  what = g_strjoinv (" ", (char **) args->pdata);
  if (!motcua_test_expect_status (result, 0, what))
    g_error ("motcua %s failed on %s: %s", what, ws->name, result->err);
  return g_steal_pointer (&result->out);
}

/* A demo workstation of the test agency, with @n_dossiers dossiers made before it
 * is registered (the only time a workstation numbers dossiers by itself). */
static Workstation *
workstation_new (Fixture    *f,
                 const char *name,
                 guint       n_dossiers)
{
  Workstation *ws = g_new0 (Workstation, 1);
  g_autofree char *init = NULL;

  ws->name = g_strdup (name);
  ws->db = g_strdup_printf ("%s/%s.db", f->dir, name);
  ws->created = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  ws->may_set_aside = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_ptr_array_add (f->workstations, ws);

  init = cli_ok (ws, "init", "--demo", "--agency-code", MOTCUA_TEST_AGENCY, NULL);
  if (n_dossiers > 0)
    {
      g_autofree char *count = g_strdup_printf ("%u", n_dossiers);
      g_autofree char *out = cli_ok (ws, "demo-data", "--dossiers", count, NULL);
    }
  return ws;
}

static void
workstation_register (Fixture     *f,
                      Workstation *ws,
                      const char  *url)
{
  g_autofree char *code = motcua_test_server_enrolment_code (f->server, MOTCUA_TEST_AGENCY);
  g_autofree char *device = g_strdup_printf ("PC-%s", ws->name);
  g_autofree char *out = NULL;

  g_assert_nonnull (code);
  out = cli_ok (ws, "register", "--server", url, "--code", code, "--device-name", device, NULL);
}

/* Remembers every pending event as made here: what the server must end up holding. */
static void
workstation_note_created (Workstation *ws)
{
  g_autoptr(MotcuaStore) store = open_store (ws);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) outbox = motcua_store_get_outbox (store, 0, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < outbox->len; i++)
    {
      MotcuaEvent *event = g_ptr_array_index (outbox, i);

      g_hash_table_replace (ws->created, g_strdup (event->op_id), g_strdup (event->hash));
    }
}

static void
write_random_file (const char *path,
                   gsize       size)
{
  g_autofree guint32 *data = g_new (guint32, size / 4 + 1);

  for (gsize i = 0; i < size / 4 + 1; i++)
    data[i] = g_test_rand_int ();
  motcua_test_write_file (path, data, size);
}

/* Receives a temporary-residence dossier, with a random attachment of @attach_size
 * bytes unless 0; returns its code. */
static char *
workstation_receive (Fixture     *f,
                     Workstation *ws,
                     const char  *applicant,
                     gsize        attach_size)
{
  g_autofree char *scan = g_strdup_printf ("%s/scan-%s-%u.pdf", f->dir, ws->name, g_test_rand_int ());
  g_autofree char *out = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  if (attach_size > 0)
    {
      write_random_file (scan, attach_size);
      out = cli_ok (ws, "--json", "receive", "--procedure", TAM_TRU, "--applicant-name", applicant,
                    "--attach", scan, NULL);
      g_unlink (scan);
    }
  else
    out = cli_ok (ws, "--json", "receive", "--procedure", TAM_TRU, "--applicant-name", applicant, NULL);

  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  return g_strdup (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "code"));
}

static char *
workstation_state (Workstation *ws,
                   const char  *key)
{
  g_autoptr(MotcuaStore) store = open_store (ws);

  return motcua_store_get_state (store, key, NULL);
}

static gint64
workstation_count (Workstation *ws,
                   const char  *sql)
{
  g_autoptr(MotcuaStore) store = open_store (ws);

  return motcua_test_store_int (store, sql);
}

/* Dossier numbers reserved from the server and still unused for today. */
static gint64
workstation_codes_left (Workstation *ws)
{
  g_autoptr(MotcuaStore) store = open_store (ws);
  g_autoptr(GDateTime) today = motcua_time_now (NULL);

  return motcua_store_count_block_codes_left (store, MOTCUA_TEST_AGENCY, today, NULL);
}

/* One round in this process, through the core; the error's message when it failed. */
static gboolean
workstation_round (Workstation      *ws,
                   MotcuaSyncReport *report,
                   char            **message)
{
  g_autoptr(MotcuaStore) store = open_store (ws);
  g_autoptr(MotcuaSync) sync = motcua_sync_new (store);
  g_autoptr(GError) error = NULL;
  gboolean ok = motcua_sync_run_round (sync, NULL, report, &error);

  g_assert_true (ok == (error == NULL));
  if (message != NULL)
    *message = error != NULL ? g_strdup (error->message) : NULL;
  return ok;
}

/* `motcua sync` must complete with nothing left to send. */
static void
workstation_sync (Workstation *ws)
{
  g_autofree char *out = cli_ok (ws, "--json", "sync", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *report;

  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  report = json_node_get_object (json_parser_get_root (parser));
  g_assert_true (json_object_get_boolean_member (report, "completed"));
  g_assert_cmpint (json_object_get_int_member (report, "pending"), ==, 0);
}

/* ---- the invariants ----------------------------------------------------------------- */

typedef struct {
  GHashTable *events;   /* op_id → MotcuaEvent, as the server's feed gives them */
  GPtrArray  *order;    /* the same, in server order */
  GHashTable *blobs;    /* sha256 cited by any event → NULL */
} Feed;

static void
feed_clear (Feed *feed)
{
  g_clear_pointer (&feed->events, g_hash_table_unref);
  g_clear_pointer (&feed->order, g_ptr_array_unref);
  g_clear_pointer (&feed->blobs, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Feed, feed_clear)

static JsonObject *
get_json (const char *url,
          const char *token,
          JsonNode  **keep)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  guint status = motcua_test_http ("GET", url, token, NULL, NULL, &body, NULL);

  g_assert_cmpuint (status, ==, 200);
  json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
  g_assert_no_error (error);
  *keep = json_node_copy (json_parser_get_root (parser));
  return json_node_get_object (*keep);
}

/* The agency's whole feed. An op id twice, or two events at one place of a dossier's
 * chain, is a duplicate the server must never hold. */
static Feed
fetch_feed (Fixture    *f,
            const char *token)
{
  Feed feed = { 0, };
  g_autoptr(GHashTable) places = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gint64 since = 0;
  gint64 last_seq = 0;
  gboolean more = TRUE;

  feed.events = g_hash_table_new (g_str_hash, g_str_equal);
  feed.order = g_ptr_array_new_with_free_func ((GDestroyNotify) motcua_event_free);
  feed.blobs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  while (more)
    {
      g_autofree char *url = g_strdup_printf ("%sv1/feed?since=%" G_GINT64_FORMAT "&limit=%d",
                                              motcua_test_server_get_url (f->server), since, FEED_PAGE);
      g_autoptr(JsonNode) root = NULL;
      JsonObject *page = get_json (url, token, &root);
      JsonArray *events = json_object_get_array_member (page, "events");

      for (guint i = 0; i < json_array_get_length (events); i++)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(JsonObject) payload = NULL;
          g_auto(GStrv) blobs = NULL;
          g_autofree char *hash = NULL;
          MotcuaEvent *event = motcua_protocol_event_from_json (json_array_get_element (events, i), &payload, &error);
          char *place;

          g_assert_no_error (error);
          hash = motcua_event_compute_hash (event);
          g_assert_cmpstr (hash, ==, event->hash);
          g_assert_cmpint (event->server_seq, >, last_seq);
          last_seq = event->server_seq;
          g_assert_false (g_hash_table_contains (feed.events, event->op_id));
          place = g_strdup_printf ("%s#%" G_GINT64_FORMAT, event->dossier_uid, event->seq);
          g_assert_false (g_hash_table_contains (places, place));
          g_hash_table_add (places, place);

          blobs = motcua_protocol_payload_blobs (payload);
          for (guint j = 0; blobs[j] != NULL; j++)
            g_hash_table_add (feed.blobs, g_strdup (blobs[j]));
          g_hash_table_insert (feed.events, event->op_id, event);
          g_ptr_array_add (feed.order, event);
        }
      since = json_object_get_int_member (page, "next");
      more = json_object_get_boolean_member (page, "more");
    }
  return feed;
}

static char *
sha256_of_file (const char *path)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) input = g_file_read (file, NULL, NULL);
  guint8 buffer[64 * 1024];
  gssize n;

  if (input == NULL)
    return NULL;
  while ((n = g_input_stream_read (G_INPUT_STREAM (input), buffer, sizeof buffer, NULL, NULL)) > 0)
    g_checksum_update (checksum, buffer, n);
  return g_strdup (g_checksum_get_string (checksum));
}

static void
assert_server_blob (Fixture    *f,
                    const char *token,
                    const char *sha256)
{
  g_autofree char *url = g_strdup_printf ("%sv1/blobs/%s", motcua_test_server_get_url (f->server), sha256);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint status = motcua_test_http ("GET", url, token, NULL, NULL, &body, NULL);

  g_assert_cmpuint (status, ==, 200);
  g_checksum_update (checksum, g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  g_assert_cmpstr (g_checksum_get_string (checksum), ==, sha256);
}

/* The workstation's journal against the feed: the same events, hashes and server
 * sequences, nothing pending; blobs it holds hash to their names. */
static void
assert_workstation_matches (Workstation *ws,
                            Feed        *feed)
{
  g_autoptr(MotcuaStore) store = open_store (ws);
  sqlite3 *db = motcua_store_get_db (store);
  sqlite3_stmt *stmt = NULL;
  guint n_local = 0;

  g_assert_cmpint (motcua_store_count_pending (store, NULL), ==, 0);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT op_id, hash, sync_state, server_seq FROM events",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *op_id = (const char *) sqlite3_column_text (stmt, 0);
      MotcuaEvent *held = g_hash_table_lookup (feed->events, op_id);

      if (held == NULL)
        g_error ("%s holds event %s that the server does not", ws->name, op_id);
      g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 1), ==, held->hash);
      g_assert_cmpint (sqlite3_column_int (stmt, 2), ==, MOTCUA_SYNC_ACCEPTED);
      g_assert_cmpint (sqlite3_column_int64 (stmt, 3), ==, held->server_seq);
      n_local++;
    }
  sqlite3_finalize (stmt);
  /* Every local event is on the server and no op id repeats locally (UNIQUE): equal
   * counts mean the workstation holds every server event. */
  g_assert_cmpuint (n_local, ==, feed->order->len);

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT sha256 FROM attachments", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *sha256 = (const char *) sqlite3_column_text (stmt, 0);
      g_autofree char *path = motcua_store_get_blob_path (store, sha256);
      g_autofree char *actual = NULL;

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        continue;   /* another workstation's attachment, not fetched: allowed */
      actual = sha256_of_file (path);
      g_assert_cmpstr (actual, ==, sha256);
    }
  sqlite3_finalize (stmt);
}

/* What each workstation made is on the server, or set aside as the scenario expects
 * and kept with its hash; what the server holds was made by one of them. */
static void
assert_created_accounted (Workstation *ws,
                          Feed        *feed,
                          GHashTable  *made_anywhere)
{
  g_autoptr(MotcuaStore) store = open_store (ws);
  GHashTableIter iter;
  gpointer op_id, hash;

  g_hash_table_iter_init (&iter, ws->created);
  while (g_hash_table_iter_next (&iter, &op_id, &hash))
    {
      MotcuaEvent *held = g_hash_table_lookup (feed->events, op_id);

      g_hash_table_add (made_anywhere, op_id);
      if (held != NULL)
        {
          g_assert_cmpstr (held->hash, ==, hash);
          continue;
        }
      if (!g_hash_table_contains (ws->may_set_aside, op_id))
        g_error ("event %s made on %s was lost: the server does not hold it", (char *) op_id, ws->name);
      else
        {
          g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM set_aside_events "
                                                  "WHERE op_id = '%s' AND hash = '%s'", (char *) op_id, (char *) hash);

          g_assert_cmpint (motcua_test_store_int (store, sql), ==, 1);
        }
    }
}

/* A well-behaved client never sends the server a request it must refuse as malformed
 * (400), and the server itself never fails (5xx): the 5xx of these tests come from the
 * proxy. Its log has one JSON object per line. */
static void
assert_server_log_clean (Fixture *f)
{
  g_autofree char *log = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GString) bad = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  guint n_requests = 0;

  g_file_get_contents (motcua_test_server_get_log_path (f->server), &log, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (log, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *entry;
      gint64 status;

      if (*lines[i] != '{' || !json_parser_load_from_data (parser, lines[i], -1, NULL)
          || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        continue;
      entry = json_node_get_object (json_parser_get_root (parser));
      if (g_strcmp0 (json_object_get_string_member_with_default (entry, "event", ""), "request") != 0)
        continue;
      n_requests++;
      status = json_object_get_int_member_with_default (entry, "status", 0);
      if (status == 400 || status >= 500)
        g_string_append_printf (bad, "%s%s", bad->len > 0 ? " | " : " ", lines[i]);
    }
  g_test_message ("the server answered %u requests", n_requests);
  if (bad->len > 0)
    g_test_fail_printf ("the server refused malformed requests or failed:%s", bad->str);
}

static void
assert_invariants (Fixture *f)
{
  Workstation *first = g_ptr_array_index (f->workstations, 0);
  g_autofree char *token = workstation_state (first, "sync.token");
  g_autoptr(GHashTable) made_anywhere = g_hash_table_new (g_str_hash, g_str_equal);
  g_auto(Feed) feed = { 0, };
  GHashTableIter iter;
  gpointer sha256;

  g_assert_nonnull (token);
  feed = fetch_feed (f, token);
  for (guint i = 0; i < f->workstations->len; i++)
    {
      Workstation *ws = g_ptr_array_index (f->workstations, i);

      g_autofree char *check = NULL;

      assert_workstation_matches (ws, &feed);
      assert_created_accounted (ws, &feed, made_anywhere);
      /* Every dossier still folds from its journal, whatever the rounds went through. */
      check = cli_ok (ws, "check", NULL);
    }
  for (guint i = 0; i < feed.order->len; i++)
    {
      MotcuaEvent *event = g_ptr_array_index (feed.order, i);

      if (!g_hash_table_contains (made_anywhere, event->op_id))
        g_error ("the server holds event %s that no workstation made", event->op_id);
    }

  g_hash_table_iter_init (&iter, feed.blobs);
  while (g_hash_table_iter_next (&iter, &sha256, NULL))
    assert_server_blob (f, token, sha256);
  g_test_message ("invariants hold: %u events, %u attachments, %u workstations",
                  feed.order->len, g_hash_table_size (feed.blobs), f->workstations->len);
  assert_server_log_clean (f);
}

/* ---- the client killed during sync ------------------------------------------------- */

static GPid
spawn_sync (Workstation *ws)
{
  g_auto(GStrv) env = motcua_test_cli_environment (NULL);
  const char *argv[] = { g_getenv ("MOTCUA_CLI"), "--db", ws->db, "sync", NULL };
  g_autoptr(GError) error = NULL;
  GPid pid = 0;

  g_spawn_async (NULL, (char **) argv, env,
                 G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                 NULL, NULL, &pid, &error);
  g_assert_no_error (error);
  return pid;
}

/* Whether the child had to be killed (FALSE when it had already exited). */
static gboolean
kill_and_reap (GPid pid)
{
  int status = 0;

  kill (pid, SIGKILL);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);
  return WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL;
}

static void
test_client_killed (Fixture       *f,
                    gconstpointer  data G_GNUC_UNUSED)
{
  Workstation *ws = workstation_new (f, "killed", 300);
  g_autofree char *first = workstation_receive (f, ws, "Nguyễn Văn Tệp", 1 * MIB);
  g_autofree char *second = workstation_receive (f, ws, "Trần Thị Ảnh", 2 * MIB);
  guint killed = 0;
  gint64 pending;

  workstation_register (f, ws, motcua_test_server_get_url (f->server));
  workstation_note_created (ws);
  pending = workstation_count (ws, "SELECT count(*) FROM events WHERE sync_state = 0");

  for (guint i = 0; i < N_KILLS; i++)
    {
      guint delay_ms = g_test_rand_int_range (5, 401);
      g_autofree char *applicant = g_strdup_printf ("Người nộp %u", i + 1);
      g_autofree char *code = NULL;
      GPid pid;

      /* New work at the counter between attempts, so that every sync that gets far
       * enough has something to send, now and then an attachment; possible once a
       * round has reserved dossier numbers. */
      if (workstation_codes_left (ws) > 0)
        {
          code = workstation_receive (f, ws, applicant, i % 4 == 3 ? 300 * 1024 : 0);
          workstation_note_created (ws);
        }
      pid = spawn_sync (ws);

      g_usleep (delay_ms * G_TIME_SPAN_MILLISECOND);
      if (kill_and_reap (pid))
        killed++;
    }
  g_test_message ("%u of %u syncs killed with SIGKILL, the others had finished; "
                  "%" G_GINT64_FORMAT " events were pending before, %" G_GINT64_FORMAT " after",
                  killed, N_KILLS, pending, workstation_count (ws, "SELECT count(*) FROM events WHERE sync_state = 0"));
  g_assert_cmpuint (killed, >, 0);

  workstation_sync (ws);
  assert_invariants (f);
}

/* ---- the server killed mid-push ------------------------------------------------------ */

static void
test_server_killed (Fixture       *f,
                    gconstpointer  data G_GNUC_UNUSED)
{
  Workstation *ws = workstation_new (f, "pusher", 300);
  MotcuaFaultProxy *proxy = fixture_proxy (f);
  gint64 deadline;
  int status = 0;
  GPid pid;

  workstation_register (f, ws, motcua_fault_proxy_get_url (proxy));
  workstation_note_created (ws);

  /* A slow uplink stretches each push over a good fraction of a second, so that the
   * kill lands inside one. */
  motcua_fault_proxy_set_throttle (proxy, 100 * 1000, 0);
  pid = spawn_sync (ws);
  deadline = g_get_monotonic_time () + 60 * G_TIME_SPAN_SECOND;
  while (motcua_fault_proxy_count_requests (proxy, "POST", "/v1/events") < 2
         && g_get_monotonic_time () < deadline)
    g_usleep (5 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpuint (motcua_fault_proxy_count_requests (proxy, "POST", "/v1/events"), >=, 2);
  g_usleep (g_test_rand_int_range (0, 300) * G_TIME_SPAN_MILLISECOND);
  motcua_test_server_kill (f->server, SIGKILL);

  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), !=, 0);
  g_assert_cmpint (workstation_count (ws, "SELECT count(*) FROM events WHERE sync_state = 0"), >, 0);

  g_assert_true (start_server (f));
  motcua_fault_proxy_set_throttle (proxy, 0, 0);
  workstation_sync (ws);
  assert_invariants (f);
}

/* ---- a connection cut in the middle of a blob upload ---------------------------------- */

/* The attachment of the workstation's one pending dossier. */
static char *
only_attachment (Workstation *ws)
{
  g_autoptr(MotcuaStore) store = open_store (ws);
  sqlite3_stmt *stmt = NULL;
  char *sha256 = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (motcua_store_get_db (store), "SELECT sha256 FROM attachments",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    sha256 = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  g_assert_nonnull (sha256);
  return sha256;
}

/* A cut the client cannot get around in the same round: the link stays down. */
static void
test_cut_blob_upload (Fixture       *f,
                      gconstpointer  data G_GNUC_UNUSED)
{
  Workstation *ws = workstation_new (f, "uploader", 0);
  MotcuaFaultProxy *proxy = fixture_proxy (f);
  const gsize size = 3 * MIB;
  const guint64 cut_at = 1200 * 1024;
  g_autofree char *code = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *head_url = NULL;
  g_autofree char *message = NULL;
  g_autofree char *token = NULL;
  g_autoptr(SoupMessageHeaders) headers = NULL;
  MotcuaSyncReport report = { 0, };
  guint64 offset, up_before, sent;
  guint fired;

  workstation_register (f, ws, motcua_fault_proxy_get_url (proxy));
  workstation_sync (ws);
  code = workstation_receive (f, ws, "Lê Văn Bản Quét", size);
  workstation_note_created (ws);
  sha256 = only_attachment (ws);

  fired = motcua_fault_proxy_get_faults_fired (proxy);
  motcua_fault_proxy_cut_after_then_down (proxy, cut_at);
  g_assert_false (workstation_round (ws, &report, &message));
  g_test_message ("round cut after %" G_GUINT64_FORMAT " bytes, link down: %s", cut_at, message);
  g_assert_cmpuint (motcua_fault_proxy_get_faults_fired (proxy), ==, fired + 1);
  g_assert_false (report.completed);
  motcua_sync_report_clear (&report);
  g_assert_cmpint (workstation_count (ws, "SELECT count(*) FROM events WHERE sync_state = 0"), ==, 1);
  motcua_fault_proxy_set_down (proxy, FALSE);

  /* What the server kept of the upload: where the next round must resume. */
  token = workstation_state (ws, "sync.token");
  head_url = g_strdup_printf ("%sv1/blobs/%s", motcua_test_server_get_url (f->server), sha256);
  g_assert_cmpuint (motcua_test_http ("HEAD", head_url, token, NULL, NULL, NULL, &headers), ==, 404);
  offset = g_ascii_strtoull (soup_message_headers_get_one (headers, "Upload-Offset"), NULL, 10);
  g_test_message ("the server holds %" G_GUINT64_FORMAT " of %" G_GSIZE_FORMAT " bytes", offset, size);
  g_assert_cmpuint (offset, >, 0);
  g_assert_cmpuint (offset, <=, cut_at);

  up_before = motcua_fault_proxy_get_bytes_up (proxy);
  g_assert_true (workstation_round (ws, &report, NULL));
  g_assert_true (report.completed);
  g_assert_cmpint (report.pending, ==, 0);
  motcua_sync_report_clear (&report);
  sent = motcua_fault_proxy_get_bytes_up (proxy) - up_before;
  g_test_message ("the resumed round sent %" G_GUINT64_FORMAT " bytes for the %" G_GUINT64_FORMAT " missing",
                  sent, size - offset);
  /* The rest of the blob, requests and the push: far from the whole blob again. */
  g_assert_cmpuint (sent, <, size - offset + 128 * 1024);
  g_assert_cmpuint (sent, <, size * 3 / 4);

  assert_invariants (f);
}

/* A cut on a kept-alive connection that the client gets around by itself: libsoup
 * re-sends the chunk on a new connection, whole (it once went out empty, and the
 * server refused it). The round completes, having sent the cut chunk twice at most. */
static void
test_cut_blob_upload_healed (Fixture       *f,
                             gconstpointer  data G_GNUC_UNUSED)
{
  Workstation *ws = workstation_new (f, "uploader", 0);
  MotcuaFaultProxy *proxy = fixture_proxy (f);
  const gsize size = 3 * MIB;
  const guint64 cut_at = 1200 * 1024;
  g_autofree char *code = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *message = NULL;
  MotcuaSyncReport report = { 0, };
  guint64 up_before, sent;
  guint fired;

  workstation_register (f, ws, motcua_fault_proxy_get_url (proxy));
  workstation_sync (ws);
  code = workstation_receive (f, ws, "Hồ Thị Gửi Lại", size);
  workstation_note_created (ws);
  sha256 = only_attachment (ws);

  fired = motcua_fault_proxy_get_faults_fired (proxy);
  up_before = motcua_fault_proxy_get_bytes_up (proxy);
  motcua_fault_proxy_cut_after (proxy, cut_at);
  if (!workstation_round (ws, &report, &message))
    {
      g_test_fail_printf ("a cut on a kept-alive connection stopped the round: %s", message);
      motcua_sync_report_clear (&report);
      return;
    }
  g_assert_cmpuint (motcua_fault_proxy_get_faults_fired (proxy), ==, fired + 1);
  g_assert_true (report.completed);
  g_assert_cmpint (report.pending, ==, 0);
  motcua_sync_report_clear (&report);
  sent = motcua_fault_proxy_get_bytes_up (proxy) - up_before;
  g_test_message ("the round sent %" G_GUINT64_FORMAT " bytes for a %" G_GSIZE_FORMAT "-byte attachment",
                  sent, size);
  g_assert_cmpuint (sent, <, size + 2 * MOTCUA_PROTOCOL_CHUNK_SIZE);

  assert_invariants (f);
}

/* ---- HTTP faults, each for the push and for the pull ------------------------------------- */

typedef struct {
  MotcuaFault  fault;
  const char  *method;
  const char  *path;
} HttpFaultCase;

static const HttpFaultCase http_fault_cases[] = {
  { MOTCUA_FAULT_500, "POST", "/v1/events" },
  { MOTCUA_FAULT_503, "POST", "/v1/events" },
  { MOTCUA_FAULT_MALFORMED_JSON, "POST", "/v1/events" },
  { MOTCUA_FAULT_TRUNCATED, "POST", "/v1/events" },
  { MOTCUA_FAULT_WRONG_CONTENT_TYPE, "POST", "/v1/events" },
  { MOTCUA_FAULT_500, "GET", "/v1/feed" },
  { MOTCUA_FAULT_503, "GET", "/v1/feed" },
  { MOTCUA_FAULT_MALFORMED_JSON, "GET", "/v1/feed" },
  { MOTCUA_FAULT_TRUNCATED, "GET", "/v1/feed" },
  { MOTCUA_FAULT_WRONG_CONTENT_TYPE, "GET", "/v1/feed" },
};

static void
test_http_fault (Fixture       *f,
                 gconstpointer  data)
{
  const HttpFaultCase *c = data;
  gboolean push_fault = g_str_equal (c->path, "/v1/events");
  Workstation *a = workstation_new (f, "faulty-link", 0);
  Workstation *b = workstation_new (f, "other", 0);
  MotcuaFaultProxy *proxy = fixture_proxy (f);
  g_autofree char *a_code = NULL;
  g_autofree char *b_code = NULL;
  g_autofree char *cursor_before = NULL;
  g_autofree char *cursor_after = NULL;
  g_autofree char *cursor_final = NULL;
  g_autofree char *message = NULL;
  MotcuaSyncReport report = { 0, };
  gint64 pending_before, events_before;
  guint fired;

  workstation_register (f, a, motcua_fault_proxy_get_url (proxy));
  workstation_register (f, b, motcua_test_server_get_url (f->server));
  workstation_sync (a);
  workstation_sync (b);

  /* Something to push, and something of another workstation's to pull. */
  b_code = workstation_receive (f, b, "Phạm Thị Kéo", 0);
  workstation_note_created (b);
  workstation_sync (b);
  a_code = workstation_receive (f, a, "Đỗ Văn Đẩy", 0);
  workstation_note_created (a);

  pending_before = workstation_count (a, "SELECT count(*) FROM events WHERE sync_state = 0");
  events_before = workstation_count (a, "SELECT count(*) FROM events");
  cursor_before = workstation_state (a, "sync.cursor");
  g_assert_cmpint (pending_before, >, 0);

  fired = motcua_fault_proxy_get_faults_fired (proxy);
  motcua_fault_proxy_fail_next (proxy, c->method, c->path, c->fault);
  g_assert_false (workstation_round (a, &report, &message));
  g_test_message ("%s on %s %s: %s", motcua_fault_name (c->fault), c->method, c->path, message);
  g_assert_cmpuint (motcua_fault_proxy_get_faults_fired (proxy), ==, fired + 1);
  g_assert_false (report.completed);
  g_assert_nonnull (message);
  g_assert_cmpuint (strlen (message), >, 0);
  motcua_sync_report_clear (&report);

  /* Nothing of the failed answer applied. */
  cursor_after = workstation_state (a, "sync.cursor");
  g_assert_cmpstr (cursor_after, ==, cursor_before);
  if (push_fault)
    {
      g_assert_cmpint (workstation_count (a, "SELECT count(*) FROM events WHERE sync_state = 0"), ==, pending_before);
      g_assert_cmpint (workstation_count (a, "SELECT count(*) FROM events"), ==, events_before);
    }
  else
    {
      /* The push went through before the pull failed; the other's events did not come. */
      g_assert_cmpint (workstation_count (a, "SELECT count(*) FROM events"), ==, events_before);
    }

  /* The server asked for a second's patience. */
  if (c->fault == MOTCUA_FAULT_503)
    g_usleep (1100 * G_TIME_SPAN_MILLISECOND);

  g_assert_true (workstation_round (a, &report, &message));
  g_assert_null (message);
  g_assert_true (report.completed);
  g_assert_cmpint (report.pending, ==, 0);
  g_assert_cmpuint (report.pulled, >, 0);
  motcua_sync_report_clear (&report);
  cursor_final = workstation_state (a, "sync.cursor");
  g_assert_cmpstr (cursor_final, !=, cursor_before);

  workstation_sync (b);
  assert_invariants (f);
}

/* ---- two workstations offline ---------------------------------------------------------------- */

/* Registered and synchronised once, so each holds code blocks for the days ahead. */
static void
two_workstations (Fixture      *f,
                  Workstation **a,
                  Workstation **b)
{
  *a = workstation_new (f, "A", 0);
  *b = workstation_new (f, "B", 0);
  workstation_register (f, *a, motcua_test_server_get_url (f->server));
  workstation_register (f, *b, motcua_test_server_get_url (f->server));
  workstation_sync (*a);
  workstation_sync (*b);
}

static void
assert_sync_fails_offline (Workstation *ws)
{
  MotcuaSyncReport report = { 0, };
  g_autofree char *message = NULL;

  g_assert_false (workstation_round (ws, &report, &message));
  g_test_message ("%s offline: %s", ws->name, message);
  motcua_sync_report_clear (&report);
}

static void
test_offline_pair (Fixture       *f,
                   gconstpointer  data)
{
  gboolean b_first = GPOINTER_TO_INT (data);
  Workstation *a, *b;
  g_autoptr(GPtrArray) a_codes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) b_codes = g_ptr_array_new_with_free_func (g_free);
  Workstation *first_ws, *second_ws;

  two_workstations (f, &a, &b);

  /* The link is down for both: they work on their own dossiers. */
  motcua_test_server_stop (f->server);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *a_name = g_strdup_printf ("Công dân A%u", i);
      g_autofree char *b_name = g_strdup_printf ("Công dân B%u", i);

      g_ptr_array_add (a_codes, workstation_receive (f, a, a_name, i == 0 ? 300 * 1024 : 0));
      g_ptr_array_add (b_codes, workstation_receive (f, b, b_name, i == 1 ? 200 * 1024 : 0));
    }
  g_free (cli_ok (a, "act", g_ptr_array_index (a_codes, 1), "transfer", NULL));
  g_free (cli_ok (b, "act", g_ptr_array_index (b_codes, 2), "transfer", NULL));
  assert_sync_fails_offline (a);
  assert_sync_fails_offline (b);
  workstation_note_created (a);
  workstation_note_created (b);

  for (guint i = 0; i < a_codes->len; i++)
    for (guint j = 0; j < b_codes->len; j++)
      g_assert_cmpstr (g_ptr_array_index (a_codes, i), !=, g_ptr_array_index (b_codes, j));

  g_assert_true (start_server (f));
  first_ws = b_first ? b : a;
  second_ws = b_first ? a : b;
  workstation_sync (first_ws);
  workstation_sync (second_ws);
  workstation_sync (first_ws);

  g_assert_cmpint (workstation_count (a, "SELECT count(*) FROM dossiers"), ==, 6);
  g_assert_cmpint (workstation_count (b, "SELECT count(*) FROM dossiers"), ==, 6);
  g_assert_cmpint (workstation_count (a, "SELECT count(DISTINCT code) FROM dossiers"), ==, 6);
  g_assert_cmpint (workstation_count (a, "SELECT count(*) FROM set_aside_events"), ==, 0);
  g_assert_cmpint (workstation_count (b, "SELECT count(*) FROM set_aside_events"), ==, 0);
  assert_invariants (f);
}

/* Both act on the same dossier while offline: the second to sync loses, and shows it. */
static void
test_conflict (Fixture       *f,
               gconstpointer  data G_GNUC_UNUSED)
{
  Workstation *a, *b;
  g_autofree char *code = NULL;
  g_autofree char *status = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(MotcuaStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *losing_op = NULL;
  g_autofree char *losing_hash = NULL;
  MotcuaAttentionItem *item;
  JsonObject *status_object;

  two_workstations (f, &a, &b);
  code = workstation_receive (f, a, "Vũ Thị Tranh Chấp", 0);
  workstation_note_created (a);
  workstation_sync (a);
  workstation_sync (b);

  g_free (cli_ok (a, "act", code, "transfer", "--to", "Công an xã", NULL));
  g_free (cli_ok (b, "act", code, "transfer", "--to", "Phòng Tư pháp", NULL));
  workstation_note_created (a);
  workstation_note_created (b);

  store = open_store (b);
  outbox = motcua_store_get_outbox (store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outbox->len, ==, 1);
  losing_op = g_strdup (((MotcuaEvent *) g_ptr_array_index (outbox, 0))->op_id);
  losing_hash = g_strdup (((MotcuaEvent *) g_ptr_array_index (outbox, 0))->hash);
  g_hash_table_add (b->may_set_aside, g_strdup (losing_op));
  g_clear_object (&store);

  workstation_sync (a);
  workstation_sync (b);
  workstation_sync (a);

  /* The losing side shows it, with the event kept whole. */
  store = open_store (b);
  g_assert_cmpint (motcua_store_count_attention (store, NULL), ==, 1);
  items = motcua_store_list_attention (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 1);
  item = g_ptr_array_index (items, 0);
  g_assert_cmpstr (item->code, ==, code);
  g_assert_cmpstr (item->op_id, ==, losing_op);
  g_assert_cmpstr (item->hash, ==, losing_hash);
  g_test_message ("set aside on B: %s event %" G_GINT64_FORMAT " (%s): %s",
                  item->code, item->seq, item->kind, item->reason);
  g_clear_object (&store);
  g_assert_cmpint (workstation_count (a, "SELECT count(*) FROM set_aside_events"), ==, 0);
  store = open_store (a);
  g_assert_cmpint (motcua_store_count_attention (store, NULL), ==, 0);
  g_clear_object (&store);

  status = cli_ok (b, "--json", "sync", "--status", NULL);
  json_parser_load_from_data (parser, status, -1, &error);
  g_assert_no_error (error);
  status_object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (status_object, "attention"), ==, 1);

  assert_invariants (f);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  signal (SIGABRT, kill_server_and_die);
  signal (SIGTRAP, kill_server_and_die);
  /* The clock of the command line, for the events made in this process too. */
  g_setenv ("MOTCUA_NOW", MOTCUA_TEST_NOW, TRUE);

  g_test_add ("/faults/client-killed", Fixture, NULL, fixture_setup, test_client_killed, fixture_teardown);
  g_test_add ("/faults/server-killed", Fixture, NULL, fixture_setup, test_server_killed, fixture_teardown);
  g_test_add ("/faults/cut-blob-upload", Fixture, NULL, fixture_setup, test_cut_blob_upload, fixture_teardown);
  g_test_add ("/faults/cut-blob-upload-healed", Fixture, NULL, fixture_setup, test_cut_blob_upload_healed,
              fixture_teardown);
  for (guint i = 0; i < G_N_ELEMENTS (http_fault_cases); i++)
    {
      const HttpFaultCase *c = &http_fault_cases[i];
      g_autofree char *path = g_strdup_printf ("/faults/http/%s/%s", g_str_equal (c->path, "/v1/events") ? "push" : "pull",
                                               motcua_fault_name (c->fault));

      g_test_add (path, Fixture, c, fixture_setup, test_http_fault, fixture_teardown);
    }
  g_test_add ("/faults/offline/a-then-b", Fixture, GINT_TO_POINTER (FALSE), fixture_setup, test_offline_pair,
              fixture_teardown);
  g_test_add ("/faults/offline/b-then-a", Fixture, GINT_TO_POINTER (TRUE), fixture_setup, test_offline_pair,
              fixture_teardown);
  g_test_add ("/faults/conflict", Fixture, NULL, fixture_setup, test_conflict, fixture_teardown);

  return g_test_run ();
}
