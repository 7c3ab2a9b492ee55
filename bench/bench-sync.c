/* bench-sync.c: how fast and how lean the offline sync is, against real
 * motcua-server processes on loopback and the fault proxy of the integration tests.
 *
 * (a) One workstation pushes MOTCUA_BENCH_EVENTS events (default 10,000) and
 *     MOTCUA_BENCH_BLOBS attachments (200) of MOTCUA_BENCH_BLOB_BYTES in all (100 MB,
 *     random, incompressible) through an unshaped proxy that counts the bytes. The
 *     floor is what has to cross in any case: the gzip of the same events in batches
 *     of the protocol's largest size, plus the blobs' sizes, computed here with the
 *     same motcua_protocol_gzip(). Target: upload ≤ 1.25 × floor, pushes included.
 * (b) A smaller workstation (MOTCUA_BENCH_SLOW_EVENTS 2,000 events and
 *     MOTCUA_BENCH_SLOW_BLOBS 3 attachments of MOTCUA_BENCH_SLOW_BLOB_BYTES 200 KiB)
 *     through the proxy shaped to 256 kbit/s each way and a 300 ms round trip. The
 *     floor is the time the compressed bytes need at that bandwidth: up, the gzipped
 *     batches and the blobs; down, the gzipped push answers and the catalog and
 *     calendar a first round fetches (the feed leaves out a workstation's own events,
 *     so a lone workstation pulls nothing). Target: the round ≤ 1.25 × floor.
 * (c) MOTCUA_BENCH_WORKSTATIONS (100) workstations, each with its own database and
 *     device, each pushing about MOTCUA_BENCH_WS_EVENTS (50) events, all at once in
 *     as many threads. Push latency is timed by an unshaped proxy, from a push's
 *     arrival to the server's answer; the floor is the same push with the server to
 *     itself. Target: no errors.
 *
 * MOTCUA_BENCH_PARTS (default "abc") picks the parts; MOTCUA_BENCH_KEEP_DB keeps the
 * databases and the servers' logs. Exits 1 when a target is missed or anything fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "motcua-demo.h"
#include "motcua-protocol.h"
#include "motcua-store.h"
#include "motcua-sync.h"
#include "motcua-time.h"

#include "motcua-test-util.h"
#include "fault-proxy.h"
#include "integration-util.h"

#define TAM_TRU              "1.004194"   /* temporary residence, in the demo catalog */
#define SLOW_BYTES_PER_SEC   32000        /* 256 kbit/s */
#define SLOW_LATENCY_MS      150          /* each way: a 300 ms round trip */
#define TARGET_WIRE_RATIO    1.25
#define TARGET_SLOW_RATIO    1.25
#define MAX_ROUNDS           5

static gboolean all_pass = TRUE;

/* ---- settings ------------------------------------------------------------------ */

static guint64
env_number (const char *name,
            guint64     fallback)
{
  const char *value = g_getenv (name);
  guint64 n;

  if (value == NULL || *value == '\0')
    return fallback;
  if (!g_ascii_string_to_unsigned (value, 10, 0, G_MAXINT32, &n, NULL))
    {
      g_printerr ("%s must be a number, not “%s”\n", name, value);
      exit (2);
    }
  return n;
}

static gboolean
part_wanted (char part)
{
  const char *parts = g_getenv ("MOTCUA_BENCH_PARTS");

  return parts == NULL || *parts == '\0' || strchr (parts, part) != NULL;
}

static void
verdict (const char *what,
         gboolean    pass)
{
  printf ("%s: %s\n", what, pass ? "PASS" : "FAIL");
  all_pass = all_pass && pass;
}

static double
mb (guint64 bytes)
{
  return bytes / 1e6;
}

static double
seconds_since (gint64 start_us)
{
  return (g_get_monotonic_time () - start_us) / 1e6;
}

/* ---- data ------------------------------------------------------------------------- */

/* xorshift64*: fast, and its output does not compress, like a scanned PDF. */
static void
fill_random (guint8  *data,
             gsize    size,
             guint64 *state)
{
  for (gsize i = 0; i < size; i += 8)
    {
      guint64 x = *state;
      guint64 value;

      x ^= x >> 12;
      x ^= x << 25;
      x ^= x >> 27;
      *state = x;
      value = x * G_GUINT64_CONSTANT (0x2545F4914F6CDD1D);
      memcpy (data + i, &value, MIN (8, size - i));
    }
}

static MotcuaStore *
workstation_new (const char *dir,
                 const char *name)
{
  g_autofree char *path = g_strdup_printf ("%s/%s.db", dir, name);
  g_autoptr(MotcuaStore) store = NULL;
  g_autoptr(GError) error = NULL;
  MotcuaAgency agency = { 0 };

  agency.code = (char *) MOTCUA_TEST_AGENCY;
  agency.name = (char *) "UBND xã Thử Nghiệm";
  if ((store = motcua_store_open (path, &error)) == NULL
      || !motcua_store_set_agency (store, &agency, &error)
      || !motcua_demo_setup (store, &error))
    g_error ("workstation %s: %s", name, error->message);
  return g_steal_pointer (&store);
}

static gint64
count_events (MotcuaStore *store)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  if (sqlite3_prepare_v2 (motcua_store_get_db (store), "SELECT count(*) FROM events", -1, &stmt, NULL) == SQLITE_OK
      && sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

/* Demo dossiers until the journal holds about @n_events events: the mix of actions a
 * real office produces, in every status. A first few dossiers tell how many events a
 * dossier makes on average; the rest is generated at that rate. */
static void
add_demo_events (MotcuaStore *store,
                 guint        n_events)
{
  gint64 base = count_events (store);
  gint64 have = base;
  guint n_made = 0;
  guint32 seed = 1;

  while (have < (gint64) n_events)
    {
      g_autoptr(GError) error = NULL;
      guint n_dossiers;

      if (n_made == 0)
        n_dossiers = CLAMP (n_events / 50, 1, 100);
      else
        n_dossiers = MAX (1, (guint) ((n_events - have) / ((double) (have - base) / n_made)));
      if (!motcua_demo_generate (store, n_dossiers, seed++, &error))
        g_error ("demo data: %s", error->message);
      n_made += n_dossiers;
      have = count_events (store);
    }
}

/* @n dossiers received at the counter, each with one attachment of @size random bytes. */
static void
add_attachments (MotcuaStore *store,
                 const char  *dir,
                 guint        n,
                 gsize        size,
                 guint64      seed)
{
  g_autofree guint8 *data = g_malloc (MAX (size, 1));
  g_autofree char *path = g_build_filename (dir, "scan.pdf", NULL);
  guint64 state = seed | 1;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MotcuaDossier) dossier = NULL;
      g_autofree char *applicant = g_strdup_printf ("Người nộp %u", i + 1);
      const char *attach[] = { path, NULL };
      MotcuaReceiveRequest request = { 0 };

      fill_random (data, size, &state);
      if (!g_file_set_contents (path, (const char *) data, size, &error))
        g_error ("%s: %s", path, error->message);
      request.procedure_code = TAM_TRU;
      request.applicant_name = applicant;
      request.attach_paths = attach;
      if ((dossier = motcua_store_receive (store, &request, &error)) == NULL)
        g_error ("receive with attachment: %s", error->message);
    }
  g_unlink (path);
}

/* ---- the floor ------------------------------------------------------------------------ */

typedef struct {
  guint   n_events;
  guint64 push_json;     /* batches as JSON */
  guint64 push_gzip;     /* the same, gzipped: the floor of the push */
  guint64 answer_gzip;   /* the server's answers to them ("accepted"), gzipped */
  guint64 feed_gzip;     /* the feed pages a lone workstation must pull: none */
  guint   n_blobs;
  guint64 blob_bytes;
} Floor;

static guint64
gzip_size (JsonNode *node,
           guint64  *json_size)
{
  g_autoptr(GBytes) json = motcua_protocol_to_bytes (node);
  g_autoptr(GBytes) gz = motcua_protocol_gzip (json);

  if (json_size != NULL)
    *json_size += g_bytes_get_size (json);
  return g_bytes_get_size (gz);
}

/* One push batch of events [@from, @to). */
static JsonNode *
events_document (GPtrArray *events,
                 guint      from,
                 guint      to)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  JsonObject *object = json_object_new ();
  JsonArray *array = json_array_new ();

  for (guint i = from; i < to; i++)
    json_array_add_element (array, motcua_protocol_event_to_json (g_ptr_array_index (events, i), 0));
  json_object_set_array_member (object, "events", array);
  json_node_take_object (node, object);
  return node;
}

/* The server's answer to a batch [@from, @to) that it accepted whole. */
static JsonNode *
answer_document (GPtrArray *events,
                 guint      from,
                 guint      to)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  JsonObject *object = json_object_new ();
  JsonArray *array = json_array_new ();

  for (guint i = from; i < to; i++)
    {
      MotcuaPushResult result = { 0, };

      result.op_id = ((MotcuaEvent *) g_ptr_array_index (events, i))->op_id;
      result.outcome = MOTCUA_PUSH_ACCEPTED;
      result.server_seq = i + 1;
      json_array_add_element (array, motcua_protocol_push_result_to_json (&result));
    }
  json_object_set_array_member (object, "results", array);
  json_node_take_object (node, object);
  return node;
}

static Floor
floor_measure (MotcuaStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) outbox = motcua_store_get_outbox (store, 0, &error);
  sqlite3_stmt *stmt = NULL;
  Floor floor = { 0, };

  if (outbox == NULL)
    g_error ("outbox: %s", error->message);
  floor.n_events = outbox->len;
  for (guint from = 0; from < outbox->len; from += MOTCUA_PROTOCOL_MAX_BATCH)
    {
      guint to = MIN (outbox->len, from + MOTCUA_PROTOCOL_MAX_BATCH);
      g_autoptr(JsonNode) batch = events_document (outbox, from, to);
      g_autoptr(JsonNode) answer = answer_document (outbox, from, to);

      floor.push_gzip += gzip_size (batch, &floor.push_json);
      floor.answer_gzip += gzip_size (answer, NULL);
      /* No feed: the workstation asks for the others' events only (others=true). */
    }

  if (sqlite3_prepare_v2 (motcua_store_get_db (store), "SELECT count(*), coalesce(sum(size), 0) FROM attachments",
                          -1, &stmt, NULL) != SQLITE_OK
      || sqlite3_step (stmt) != SQLITE_ROW)
    g_error ("attachments: %s", sqlite3_errmsg (motcua_store_get_db (store)));
  floor.n_blobs = sqlite3_column_int (stmt, 0);
  floor.blob_bytes = sqlite3_column_int64 (stmt, 1);
  sqlite3_finalize (stmt);
  return floor;
}

/* The gzipped size of a GET answer the first round also fetches (catalog, calendar). */
static guint64
fetched_gzip_size (const char *base_url,
                   const char *path,
                   const char *token)
{
  g_autofree char *url = g_strconcat (base_url, path + 1, NULL);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) gz = NULL;

  if (motcua_test_http ("GET", url, token, NULL, NULL, &body, NULL) != SOUP_STATUS_OK)
    return 0;
  gz = motcua_protocol_gzip (body);
  return g_bytes_get_size (gz);
}

/* The server's log goes with its folder; kept beside the databases when asked. */
static void
keep_server_log (MotcuaTestServer *server,
                 const char       *dir,
                 const char       *name)
{
  g_autofree char *contents = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);
  gsize length;

  if (g_getenv ("MOTCUA_BENCH_KEEP_DB") == NULL
      || !g_file_get_contents (motcua_test_server_get_log_path (server), &contents, &length, NULL))
    return;
  if (g_file_set_contents (path, contents, length, NULL))
    printf ("    server log kept: %s\n", path);
}

/* How the requests a proxy saw split by endpoint: where round trips go. */
static void
print_requests (MotcuaFaultProxy *proxy)
{
  const char *prefixes[] = { "/v1/enrol", "/v1/health", "/v1/code-blocks", "/v1/catalog", "/v1/calendar",
                             "/v1/blobs/", "/v1/events", "/v1/feed" };
  guint total = motcua_fault_proxy_count_requests (proxy, NULL, NULL);
  guint known = 0;

  printf ("    requests:");
  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    {
      guint n = motcua_fault_proxy_count_requests (proxy, NULL, prefixes[i]);

      known += n;
      if (n > 0)
        printf (" %s %u,", prefixes[i] + strlen ("/v1/"), n);
    }
  printf (" other %u\n", total - known);
}

/* ---- rounds ---------------------------------------------------------------------------- */

static MotcuaTestServer *
start_server (void)
{
  MotcuaTestServer *server = motcua_test_server_new ();

  if (!motcua_test_server_start (server))
    g_error ("motcua-server did not start; its log is %s", motcua_test_server_get_log_path (server));
  return server;
}

static void
register_or_die (MotcuaStore      *store,
                 MotcuaTestServer *server,
                 const char       *url,
                 const char       *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *code = motcua_test_server_enrolment_code (server, MOTCUA_TEST_AGENCY);

  if (code == NULL)
    g_error ("no enrolment code for %s", name);
  if (!motcua_sync_register (store, url, code, name, NULL, NULL, &error))
    g_error ("register %s: %s", name, error->message);
}

typedef struct {
  guint  rounds;
  guint  pushed;
  guint  accepted;
  guint  rejected;
  guint  pulled;
  gint64 pending;
  gboolean completed;
  char  *error;
} Outcome;

static void
outcome_clear (Outcome *outcome)
{
  g_clear_pointer (&outcome->error, g_free);
}

/* Rounds until one completes with nothing pending (a round may stop on purpose after
 * a batch of blobs; a real workstation would simply run the next one). */
static Outcome
sync_until_done (MotcuaSync *sync)
{
  Outcome outcome = { 0, };

  while (outcome.rounds < MAX_ROUNDS)
    {
      MotcuaSyncReport report = { 0, };
      g_autoptr(GError) error = NULL;
      gboolean ok = motcua_sync_run_round (sync, NULL, &report, &error);

      outcome.rounds++;
      outcome.pushed += report.pushed;
      outcome.accepted += report.accepted;
      outcome.rejected += report.rejected;
      outcome.pulled += report.pulled;
      outcome.pending = report.pending;
      outcome.completed = ok && report.completed;
      motcua_sync_report_clear (&report);
      if (!ok)
        {
          outcome.error = g_strdup (error->message);
          break;
        }
      if (outcome.completed && outcome.pending == 0)
        break;
    }
  return outcome;
}

static gboolean
outcome_ok (const Outcome *outcome,
            guint          n_events)
{
  if (outcome->error != NULL)
    printf ("    error: %s\n", outcome->error);
  return outcome->error == NULL && outcome->completed && outcome->pending == 0
         && outcome->rejected == 0 && outcome->accepted >= n_events;
}

static char *
get_token (MotcuaStore *store)
{
  g_autoptr(GError) error = NULL;
  char *token = motcua_store_get_state (store, "sync.token", &error);

  if (token == NULL)
    g_error ("no device token after registering: %s", error ? error->message : "unset");
  return token;
}

/* ---- (a) bulk push ------------------------------------------------------------------------ */

static void
bench_bulk (const char *dir)
{
  guint n_events = env_number ("MOTCUA_BENCH_EVENTS", 10000);
  guint n_blobs = env_number ("MOTCUA_BENCH_BLOBS", 200);
  guint64 blob_total = env_number ("MOTCUA_BENCH_BLOB_BYTES", 100 * 1000 * 1000);
  g_autoptr(MotcuaTestServer) server = NULL;
  g_autoptr(MotcuaFaultProxy) proxy = NULL;
  g_autoptr(MotcuaStore) store = NULL;
  g_autoptr(MotcuaSync) sync = NULL;
  g_autoptr(GError) error = NULL;
  Outcome outcome;
  Floor floor;
  guint64 up0, down0, up, down, push_wire, blob_wire;
  double elapsed, ratio, push_ratio;
  gint64 start, blobs_at, push_at, pull_at;

  printf ("\n(a) bulk push to a loopback server\n");
  server = start_server ();
  if ((proxy = motcua_fault_proxy_new (motcua_test_server_get_url (server), &error)) == NULL)
    g_error ("proxy: %s", error->message);

  start = g_get_monotonic_time ();
  store = workstation_new (dir, "bulk");
  add_demo_events (store, n_events > n_blobs ? n_events - n_blobs : 0);
  add_attachments (store, dir, n_blobs, n_blobs > 0 ? blob_total / n_blobs : 0, 20261123);
  floor = floor_measure (store);
  printf ("    data: %u events, %u attachments (%.1f MB), generated in %.1f s\n",
          floor.n_events, floor.n_blobs, mb (floor.blob_bytes), seconds_since (start));

  register_or_die (store, server, motcua_fault_proxy_get_url (proxy), "BENCH-BULK");
  sync = motcua_sync_new (store);
  up0 = motcua_fault_proxy_get_bytes_up (proxy);
  down0 = motcua_fault_proxy_get_bytes_down (proxy);

  start = g_get_monotonic_time ();
  outcome = sync_until_done (sync);
  elapsed = seconds_since (start);

  up = motcua_fault_proxy_get_bytes_up (proxy) - up0;
  down = motcua_fault_proxy_get_bytes_down (proxy) - down0;
  push_wire = motcua_fault_proxy_get_request_bytes (proxy, "POST", "/v1/events");
  blob_wire = motcua_fault_proxy_get_request_bytes (proxy, NULL, "/v1/blobs/");
  ratio = (double) up / (floor.push_gzip + floor.blob_bytes);
  push_ratio = floor.push_gzip > 0 ? (double) push_wire / floor.push_gzip : 0;

  printf ("    %u round(s) in %.1f s: %u pushed, %u accepted, %u rejected, %u pulled\n",
          outcome.rounds, elapsed, outcome.pushed, outcome.accepted, outcome.rejected, outcome.pulled);
  /* The round's phases, from when the proxy saw each begin. */
  blobs_at = motcua_fault_proxy_get_first_request_time (proxy, NULL, "/v1/blobs/");
  push_at = motcua_fault_proxy_get_first_request_time (proxy, "POST", "/v1/events");
  pull_at = motcua_fault_proxy_get_first_request_time (proxy, "GET", "/v1/feed");
  if (blobs_at > 0 && push_at > blobs_at)
    printf ("    attachments: %.1f MB in %.1f s (%.1f MB/s)\n", mb (floor.blob_bytes),
            (push_at - blobs_at) / 1e6, mb (floor.blob_bytes) / ((push_at - blobs_at) / 1e6));
  if (push_at > 0 && pull_at > push_at)
    printf ("    pushes: %u events in %.1f s: %.0f events per second\n", floor.n_events,
            (pull_at - push_at) / 1e6, floor.n_events / ((pull_at - push_at) / 1e6));
  printf ("    the whole round: %.0f events per second, attachments and pull included\n", floor.n_events / elapsed);
  print_requests (proxy);
  printf ("    %-28s %10s %10s %8s\n", "", "wire MB", "floor MB", "ratio");
  printf ("    %-28s %10.2f %10.2f %7.3fx\n", "upload (all requests)", mb (up),
          mb (floor.push_gzip + floor.blob_bytes), ratio);
  printf ("    %-28s %10.2f %10.2f %7.3fx   (JSON without gzip: %.2f MB)\n", "  pushes (POST /v1/events)",
          mb (push_wire), mb (floor.push_gzip), push_ratio, mb (floor.push_json));
  printf ("    %-28s %10.2f %10.2f %7.3fx\n", "  blobs (HEAD/PUT)", mb (blob_wire), mb (floor.blob_bytes),
          floor.blob_bytes > 0 ? (double) blob_wire / floor.blob_bytes : 0);
  printf ("    %-28s %10.2f %10.2f %7.3fx\n", "download (answers and feed)", mb (down),
          mb (floor.answer_gzip + floor.feed_gzip),
          (double) down / MAX (floor.answer_gzip + floor.feed_gzip, 1));

  keep_server_log (server, dir, "server-a.log");
  verdict ("(a) every event and attachment accepted", outcome_ok (&outcome, floor.n_events));
  printf ("(a) target: upload ≤ %.2f × floor and pushes ≤ %.2f × their gzip\n", TARGET_WIRE_RATIO, TARGET_WIRE_RATIO);
  verdict ("(a) bytes on the wire", ratio <= TARGET_WIRE_RATIO && push_ratio <= TARGET_WIRE_RATIO);
  outcome_clear (&outcome);
  g_clear_object (&sync);
  g_clear_pointer (&proxy, motcua_fault_proxy_free);
}

/* ---- (b) slow link ------------------------------------------------------------------------- */

static void
bench_slow_link (const char *dir)
{
  guint n_events = env_number ("MOTCUA_BENCH_SLOW_EVENTS", 2000);
  guint n_blobs = env_number ("MOTCUA_BENCH_SLOW_BLOBS", 3);
  guint64 blob_size = env_number ("MOTCUA_BENCH_SLOW_BLOB_BYTES", 200 * 1024);
  g_autoptr(MotcuaTestServer) server = NULL;
  g_autoptr(MotcuaFaultProxy) proxy = NULL;
  g_autoptr(MotcuaStore) store = NULL;
  g_autoptr(MotcuaSync) sync = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autoptr(GDateTime) now = motcua_time_now (NULL);
  guint n_calendars;
  Outcome outcome;
  Floor floor;
  guint64 extra_down, up_bytes, down_bytes;
  guint n_requests;
  double floor_s, elapsed;
  gint64 start;

  printf ("\n(b) %u kbit/s each way, %u ms round trip\n", SLOW_BYTES_PER_SEC * 8 / 1000, 2 * SLOW_LATENCY_MS);
  server = start_server ();
  if ((proxy = motcua_fault_proxy_new (motcua_test_server_get_url (server), &error)) == NULL)
    g_error ("proxy: %s", error->message);

  store = workstation_new (dir, "slow");
  add_demo_events (store, n_events > n_blobs ? n_events - n_blobs : 0);
  add_attachments (store, dir, n_blobs, blob_size, 20261124);
  floor = floor_measure (store);
  register_or_die (store, server, motcua_fault_proxy_get_url (proxy), "BENCH-SLOW");
  printf ("    data: %u events, %u attachments (%.0f KiB)\n", floor.n_events, floor.n_blobs,
          floor.blob_bytes / 1024.0);

  sync = motcua_sync_new (store);
  n_requests = motcua_fault_proxy_count_requests (proxy, NULL, NULL);
  motcua_fault_proxy_set_throttle (proxy, SLOW_BYTES_PER_SEC, SLOW_LATENCY_MS);
  start = g_get_monotonic_time ();
  outcome = sync_until_done (sync);
  elapsed = seconds_since (start);
  motcua_fault_proxy_set_throttle (proxy, 0, 0);
  n_requests = motcua_fault_proxy_count_requests (proxy, NULL, NULL) - n_requests;

  /* What the round downloaded besides the feed (a first round fetches the catalog
   * and the calendars of this year and the next), at its smallest. */
  token = get_token (store);
  extra_down = 0;
  if (motcua_fault_proxy_count_requests (proxy, "GET", "/v1/catalog") > 0)
    extra_down += fetched_gzip_size (motcua_test_server_get_url (server), "/v1/catalog", token);
  n_calendars = motcua_fault_proxy_count_requests (proxy, "GET", "/v1/calendar");
  for (guint i = 0; i < MIN (n_calendars, 2); i++)
    {
      g_autofree char *calendar = g_strdup_printf ("/v1/calendar?year=%d", g_date_time_get_year (now) + i);

      extra_down += fetched_gzip_size (motcua_test_server_get_url (server), calendar, token);
    }
  up_bytes = floor.push_gzip + floor.blob_bytes;
  down_bytes = floor.answer_gzip + floor.feed_gzip + extra_down;
  floor_s = (double) (up_bytes + down_bytes) / SLOW_BYTES_PER_SEC;
  printf ("    compressed: up %.0f KiB (pushes %.0f + blobs %.0f), down %.0f KiB (push answers %.0f + feed %.0f"
          " + catalog, calendar %.0f)\n",
          up_bytes / 1024.0, floor.push_gzip / 1024.0, floor.blob_bytes / 1024.0, down_bytes / 1024.0,
          floor.answer_gzip / 1024.0, floor.feed_gzip / 1024.0, extra_down / 1024.0);
  printf ("    on the wire: up %.0f KiB, down %.0f KiB\n", motcua_fault_proxy_get_bytes_up (proxy) / 1024.0,
          motcua_fault_proxy_get_bytes_down (proxy) / 1024.0);

  printf ("    %u round(s): %u pushed, %u accepted, %u pulled\n",
          outcome.rounds, outcome.pushed, outcome.accepted, outcome.pulled);
  print_requests (proxy);
  printf ("    %u requests in the round, one after the other: their round trips alone take %.1f s\n",
          n_requests, n_requests * 2 * SLOW_LATENCY_MS / 1000.0);
  printf ("    total time %.1f s, floor (compressed bytes ÷ bandwidth) %.1f s, ratio %.3fx\n",
          elapsed, floor_s, elapsed / floor_s);
  keep_server_log (server, dir, "server-b.log");
  verdict ("(b) every event and attachment accepted", outcome_ok (&outcome, floor.n_events));
  printf ("(b) target: total time ≤ %.2f × floor\n", TARGET_SLOW_RATIO);
  verdict ("(b) slow link", elapsed <= TARGET_SLOW_RATIO * floor_s);
  outcome_clear (&outcome);
  g_clear_object (&sync);
  g_clear_pointer (&proxy, motcua_fault_proxy_free);
}

/* ---- (c) many workstations at once ------------------------------------------------------------ */

typedef struct {
  MotcuaStore *store;
  MotcuaSync  *sync;
  guint        n_events;
  double       seconds;
  Outcome      outcome;
} Workstation;

typedef struct {
  GMutex    mutex;
  GCond     cond;
  gboolean  go;
} StartLine;

typedef struct {
  Workstation *workstation;
  StartLine   *start_line;
} Runner;

/* Half new dossiers, half a hand-over of each: the day's work between two rounds. */
static guint
add_day_of_work (MotcuaStore *store,
                 guint        n_events)
{
  guint n_dossiers = MAX (1, n_events / 2);
  guint made = 0;

  for (guint i = 0; i < n_dossiers; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MotcuaDossier) dossier = NULL;
      g_autoptr(MotcuaDossier) transferred = NULL;
      g_autofree char *applicant = g_strdup_printf ("Công dân %u", i + 1);
      MotcuaReceiveRequest request = { 0 };
      MotcuaActionRequest transfer = { 0 };

      request.procedure_code = TAM_TRU;
      request.applicant_name = applicant;
      if ((dossier = motcua_store_receive (store, &request, &error)) == NULL)
        g_error ("receive: %s", error->message);
      made++;
      if (made == n_events)
        break;
      transfer.to = "specialist1";
      if ((transferred = motcua_store_act (store, motcua_dossier_get_code (dossier), MOTCUA_ACTION_TRANSFER,
                                           &transfer, &error)) == NULL)
        g_error ("transfer: %s", error->message);
      made++;
    }
  return made;
}

static gpointer
runner_thread (gpointer data)
{
  Runner *runner = data;
  Workstation *workstation = runner->workstation;
  gint64 start;

  g_mutex_lock (&runner->start_line->mutex);
  while (!runner->start_line->go)
    g_cond_wait (&runner->start_line->cond, &runner->start_line->mutex);
  g_mutex_unlock (&runner->start_line->mutex);

  start = g_get_monotonic_time ();
  workstation->outcome = sync_until_done (workstation->sync);
  workstation->seconds = seconds_since (start);
  g_free (runner);
  return NULL;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double da = *(const double *) a;
  double db = *(const double *) b;

  return da < db ? -1 : da > db ? 1 : 0;
}

static double
percentile (GArray *sorted,
            double  p)
{
  guint index = (guint) (sorted->len * p);

  return g_array_index (sorted, double, MIN (index, sorted->len - 1));
}

/* Registered, with the code blocks a first round reserves, and a day's work pending. */
static void
workstation_prepare (Workstation      *workstation,
                     MotcuaTestServer *server,
                     const char       *url,
                     const char       *dir,
                     guint             index,
                     guint             n_events)
{
  g_autofree char *name = g_strdup_printf ("ws%03u", index);
  g_autofree char *device = g_strdup_printf ("BENCH-%03u", index);
  Outcome first;

  workstation->store = workstation_new (dir, name);
  register_or_die (workstation->store, server, url, device);
  workstation->sync = motcua_sync_new (workstation->store);
  first = sync_until_done (workstation->sync);
  if (first.error != NULL)
    g_error ("first round of %s: %s", name, first.error);
  outcome_clear (&first);
  workstation->n_events = add_day_of_work (workstation->store, n_events);
}

static void
workstation_clear (Workstation *workstation)
{
  outcome_clear (&workstation->outcome);
  g_clear_object (&workstation->sync);
  g_clear_object (&workstation->store);
}

typedef struct {
  double median;
  double p95;
  double max;
} Summary;

static Summary
summarize (GArray *seconds)
{
  Summary summary = { 0, };

  if (seconds->len == 0)
    return summary;
  g_array_sort (seconds, compare_double);
  summary.median = percentile (seconds, 0.50);
  summary.p95 = percentile (seconds, 0.95);
  summary.max = g_array_index (seconds, double, seconds->len - 1);
  return summary;
}

/* All the runners wait at the line, then go at once. */
static double
run_crowd (Workstation *crowd,
           guint        n_workstations)
{
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();
  StartLine start_line = { 0, };
  gint64 start;

  g_mutex_init (&start_line.mutex);
  g_cond_init (&start_line.cond);
  for (guint i = 0; i < n_workstations; i++)
    {
      Runner *runner = g_new0 (Runner, 1);

      runner->workstation = &crowd[i];
      runner->start_line = &start_line;
      g_ptr_array_add (threads, g_thread_new ("workstation", runner_thread, runner));
    }
  start = g_get_monotonic_time ();
  g_mutex_lock (&start_line.mutex);
  start_line.go = TRUE;
  g_cond_broadcast (&start_line.cond);
  g_mutex_unlock (&start_line.mutex);
  for (guint i = 0; i < threads->len; i++)
    g_thread_join (g_ptr_array_index (threads, i));
  g_mutex_clear (&start_line.mutex);
  g_cond_clear (&start_line.cond);
  return seconds_since (start);
}

static void
bench_crowd (const char *dir)
{
  guint n_workstations = env_number ("MOTCUA_BENCH_WORKSTATIONS", 100);
  guint n_events = env_number ("MOTCUA_BENCH_WS_EVENTS", 50);
  g_autoptr(MotcuaTestServer) server = NULL;
  g_autoptr(MotcuaFaultProxy) proxy = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) rounds = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) pushes = NULL;
  Workstation alone = { 0, };
  Workstation *crowd = g_new0 (Workstation, n_workstations);
  guint n_failed = 0;
  guint n_before;
  guint64 accepted = 0;
  gboolean alone_ok;
  double alone_push, wall;
  Summary push, round;
  gint64 start;

  printf ("\n(c) %u workstations syncing at once, %u events each\n", n_workstations, n_events);
  server = start_server ();
  /* Unshaped: it only times each push from its arrival to the server's answer. */
  if ((proxy = motcua_fault_proxy_new (motcua_test_server_get_url (server), &error)) == NULL)
    g_error ("proxy: %s", error->message);

  start = g_get_monotonic_time ();
  workstation_prepare (&alone, server, motcua_fault_proxy_get_url (proxy), dir, n_workstations, n_events);
  for (guint i = 0; i < n_workstations; i++)
    workstation_prepare (&crowd[i], server, motcua_fault_proxy_get_url (proxy), dir, i, n_events);
  printf ("    %u workstations registered and loaded in %.1f s\n", n_workstations + 1, seconds_since (start));

  /* The floor: the same round with the server to itself. */
  start = g_get_monotonic_time ();
  alone.outcome = sync_until_done (alone.sync);
  alone.seconds = seconds_since (start);
  alone_ok = outcome_ok (&alone.outcome, alone.n_events);
  pushes = motcua_fault_proxy_get_latencies (proxy, "POST", "/v1/events");
  alone_push = pushes->len > 0 ? g_array_index (pushes, double, pushes->len - 1) : 0;
  n_before = pushes->len;
  g_clear_pointer (&pushes, g_array_unref);

  wall = run_crowd (crowd, n_workstations);

  for (guint i = 0; i < n_workstations; i++)
    {
      g_array_append_val (rounds, crowd[i].seconds);
      accepted += crowd[i].outcome.accepted;
      if (!outcome_ok (&crowd[i].outcome, crowd[i].n_events))
        n_failed++;
    }
  pushes = motcua_fault_proxy_get_latencies (proxy, "POST", "/v1/events");
  g_array_remove_range (pushes, 0, n_before);
  push = summarize (pushes);
  round = summarize (rounds);

  printf ("    %" G_GUINT64_FORMAT " events accepted from %u workstations in %.1f s (%.0f events/s)\n",
          accepted, n_workstations, wall, accepted / wall);
  printf ("    push latency (POST /v1/events to its answer, %u pushes): median %.3f s, p95 %.3f s, max %.3f s\n",
          pushes->len, push.median, push.p95, push.max);
  printf ("    floor (the same push alone): %.3f s; p95 / floor %.1fx\n", alone_push,
          alone_push > 0 ? push.p95 / alone_push : 0);
  printf ("    whole round (code blocks, push, pull of the others' events): median %.2f s, p95 %.2f s, max %.2f s; "
          "alone %.3f s\n", round.median, round.p95, round.max, alone.seconds);
  printf ("    workstations with an error, a rejection or events left: %u\n", n_failed);
  keep_server_log (server, dir, "server-c.log");
  verdict ("(c) one workstation alone", alone_ok);
  verdict ("(c) no errors with all at once", n_failed == 0);

  workstation_clear (&alone);
  for (guint i = 0; i < n_workstations; i++)
    workstation_clear (&crowd[i]);
  g_free (crowd);
}

int
main (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(GError) error = NULL;

  dir = g_dir_make_tmp ("motcua-bench-sync-XXXXXX", &error);
  if (dir == NULL)
    g_error ("%s", error->message);

  if (part_wanted ('a'))
    bench_bulk (dir);
  if (part_wanted ('b'))
    bench_slow_link (dir);
  if (part_wanted ('c'))
    bench_crowd (dir);

  if (g_getenv ("MOTCUA_BENCH_KEEP_DB") != NULL)
    printf ("\ndatabases kept in %s\n", dir);
  else
    motcua_test_remove_tree (dir);
  printf ("\nsync benchmark: %s\n", all_pass ? "PASS" : "FAIL");
  return all_pass ? 0 : 1;
}
