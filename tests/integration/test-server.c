/* test-server.c: motcua-server over real HTTP on 127.0.0.1, against docs/protocol.md.
 *
 * Every test gets a server of its own (a temporary data folder, an ephemeral port) and
 * one enrolled device of MOTCUA_TEST_AGENCY. Journals are real: a workstation database
 * made with the `motcua` CLI (clock pinned by motcua-test-util), read back with the
 * store and pushed as the protocol carries them.
 *
 * Assertions are non-fatal (see main()): a failing check marks its test failed and the
 * others still run. Helpers return NULL or FALSE after a failure; callers stop there.
 */

#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "motcua-protocol.h"
#include "motcua-store.h"
#include "motcua-test-util.h"
#include "integration-util.h"

#define TAM_TRU       "1.004194"        /* temporary residence, in the demo catalog */
#define OTHER_AGENCY  "000.00.99.H56"
#define TEST_DAY      "2026-11-23"      /* MOTCUA_TEST_NOW's day: the CLI's codes are of it */
#define CODE_PATTERN  "^[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}$"

typedef struct {
  MotcuaTestServer *server;
  char             *token;   /* a device of MOTCUA_TEST_AGENCY */
  char             *dir;     /* scratch: workstation databases, files */
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->server = motcua_test_server_new ();
  f->dir = motcua_test_make_temp_dir ("motcua-test-server-XXXXXX");
  if (!motcua_test_server_start (f->server))
    {
      g_test_fail_printf ("The server did not start; its log is %s", motcua_test_server_get_log_path (f->server));
      return;
    }
  f->token = motcua_test_server_enrol (f->server, NULL, "PC-MOTCUA-01");
  g_assert_nonnull (f->token);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->server, motcua_test_server_free);
  motcua_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->token);
}

/* ---- JSON --------------------------------------------------------------------- */

static JsonObject *
as_object (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static const char *
member_string (JsonObject *object, const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gint64
member_int (JsonObject *object, const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return G_MININT64;
  return json_node_get_int (node);
}

static JsonArray *
member_array (JsonObject *object, const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static JsonNode *
parse_bytes (GBytes *bytes)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (bytes == NULL || g_bytes_get_size (bytes) == 0
      || !json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL)
      || json_parser_get_root (parser) == NULL)
    return NULL;
  return json_node_copy (json_parser_get_root (parser));
}

static GBytes *
text_bytes (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

/* ---- talking to the server -------------------------------------------------------- */

typedef struct {
  guint               status;
  GBytes             *body;
  SoupMessageHeaders *headers;
  JsonNode           *json;     /* the body, when it is JSON */
} Answer;

static void
answer_clear (Answer *a)
{
  g_clear_pointer (&a->body, g_bytes_unref);
  g_clear_pointer (&a->headers, soup_message_headers_unref);
  g_clear_pointer (&a->json, json_node_unref);
  a->status = 0;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Answer, answer_clear)

static char *
server_url (Fixture *f, const char *path)
{
  return g_strconcat (motcua_test_server_get_url (f->server), path, NULL);
}

/* @path is relative to the server's URL ("v1/feed"); @headers are name/value pairs. */
static guint
request (Fixture            *f,
         Answer             *a,
         SoupSession        *session,
         const char         *method,
         const char         *path,
         const char         *token,
         GBytes             *body,
         const char * const *headers)
{
  g_autofree char *url = server_url (f, path);

  answer_clear (a);
  a->status = motcua_test_http_full (session, method, url, token, body, "application/json", headers,
                                     &a->body, &a->headers);
  a->json = parse_bytes (a->body);
  return a->status;
}

static guint
call (Fixture *f, Answer *a, const char *method, const char *path, const char *token, const char *json)
{
  g_autoptr(GBytes) body = json ? text_bytes (json) : NULL;

  return request (f, a, NULL, method, path, token, body, NULL);
}

static gboolean
expect_status (Answer *a, guint status, const char *what)
{
  g_autofree char *said = NULL;

  if (a->status == status)
    return TRUE;
  said = a->body ? g_strndup (g_bytes_get_data (a->body, NULL), MIN (g_bytes_get_size (a->body), 400)) : NULL;
  g_test_fail_printf ("%s: status %u, expected %u; body: %s", what, a->status, status, said ? said : "(none)");
  return FALSE;
}

static gboolean
expect_json (Answer *a, guint status, const char *what)
{
  if (!expect_status (a, status, what))
    return FALSE;
  g_assert_cmpstr (soup_message_headers_get_content_type (a->headers, NULL), ==, "application/json");
  g_assert_nonnull (as_object (a->json));
  return !g_test_failed ();
}

/* A JSON error body {"error": @reason, "message": …} with @status. */
static gboolean
expect_error (Answer *a, guint status, const char *reason, const char *what)
{
  JsonObject *object;

  if (!expect_json (a, status, what))
    return FALSE;
  object = as_object (a->json);
  g_assert_cmpstr (member_string (object, "error"), ==, reason);
  g_assert_nonnull (member_string (object, "message"));
  return !g_test_failed ();
}

/* ---- events ---------------------------------------------------------------------- */

static MotcuaEvent *
event_copy (const MotcuaEvent *event)
{
  MotcuaEvent *copy = motcua_event_new ();

  copy->op_id = g_strdup (event->op_id);
  copy->dossier_uid = g_strdup (event->dossier_uid);
  copy->seq = event->seq;
  copy->actor = g_strdup (event->actor);
  copy->actor_role = g_strdup (event->actor_role);
  copy->confirmed_at = g_strdup (event->confirmed_at);
  copy->kind = g_strdup (event->kind);
  copy->payload = g_strdup (event->payload);
  copy->prev_hash = g_strdup (event->prev_hash);
  copy->hash = g_strdup (event->hash);
  return copy;
}

static void
rehash (MotcuaEvent *event)
{
  g_free (event->hash);
  event->hash = motcua_event_compute_hash (event);
}

static char *
new_uuid (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return motcua_uuid_new (now);
}

/* An event chained on @previous, properly hashed: only the server's rules can refuse it. */
static MotcuaEvent *
forge_next (const MotcuaEvent *previous, const char *kind, const char *role, const char *payload)
{
  MotcuaEvent *event = motcua_event_new ();

  event->op_id = new_uuid ();
  event->dossier_uid = g_strdup (previous->dossier_uid);
  event->seq = previous->seq + 1;
  event->actor = g_strdup ("someone");
  event->actor_role = g_strdup (role);
  event->confirmed_at = g_strdup (MOTCUA_TEST_NOW);
  event->kind = g_strdup (kind);
  event->payload = g_strdup (payload);
  event->prev_hash = g_strdup (previous->hash);
  rehash (event);
  return event;
}

/* {"events": [...]} of the protocol. */
static GBytes *
events_body (GPtrArray *events)
{
  JsonArray *array = json_array_new ();
  JsonObject *object = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  for (guint i = 0; i < events->len; i++)
    json_array_add_element (array, motcua_protocol_event_to_json (g_ptr_array_index (events, i), 0));
  json_object_set_array_member (object, "events", array);
  json_node_take_object (node, object);
  return motcua_protocol_to_bytes (node);
}

/* A borrowed list of the given events (NULL-terminated). */
static GPtrArray *
batch_of (MotcuaEvent *first, ...)
{
  GPtrArray *batch = g_ptr_array_new ();
  va_list ap;

  va_start (ap, first);
  for (MotcuaEvent *event = first; event != NULL; event = va_arg (ap, MotcuaEvent *))
    g_ptr_array_add (batch, event);
  va_end (ap);
  return batch;
}

/* Pushes @events; the results array (inside @a), NULL when the push itself failed. */
static JsonArray *
push (Fixture *f, Answer *a, const char *token, GPtrArray *events)
{
  g_autoptr(GBytes) body = events_body (events);
  JsonArray *results;

  request (f, a, NULL, "POST", "v1/events", token, body, NULL);
  if (!expect_json (a, SOUP_STATUS_OK, "push"))
    return NULL;
  results = member_array (as_object (a->json), "results");
  g_assert_nonnull (results);
  if (results == NULL)
    return NULL;
  g_assert_cmpuint (json_array_get_length (results), ==, events->len);
  return json_array_get_length (results) == events->len ? results : NULL;
}

/* Checks result @i; returns its server_seq when accepted, 0 otherwise. */
static gint64
expect_result (JsonArray *results, guint i, const char *outcome, const char *reason)
{
  JsonObject *result = as_object (json_array_get_element (results, i));

  if (g_strcmp0 (member_string (result, "result"), outcome) != 0 || g_strcmp0 (member_string (result, "reason"), reason) != 0)
    {
      g_test_fail_printf ("result %u: %s/%s (%s), expected %s/%s", i, member_string (result, "result"),
                          member_string (result, "reason"), member_string (result, "message"), outcome, reason);
      return 0;
    }
  if (reason != NULL)
    g_assert_nonnull (member_string (result, "message"));
  return g_str_equal (outcome, "accepted") ? member_int (result, "server_seq") : 0;
}

/* Pushes @events and expects every one accepted; their server sequences, or NULL. */
static GArray *
push_accepted (Fixture *f, const char *token, GPtrArray *events)
{
  g_auto(Answer) a = { 0 };
  JsonArray *results = push (f, &a, token, events);
  g_autoptr(GArray) seqs = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (results == NULL)
    return NULL;
  for (guint i = 0; i < events->len; i++)
    {
      gint64 seq = expect_result (results, i, "accepted", NULL);

      g_assert_cmpint (seq, >, 0);
      g_array_append_val (seqs, seq);
    }
  return g_test_failed () ? NULL : g_steal_pointer (&seqs);
}

/* ---- workstations (the motcua CLI) -------------------------------------------------- */

/* A demo workstation database in the fixture's folder; its agency is MOTCUA_TEST_AGENCY. */
static char *
workstation (Fixture *f, const char *name)
{
  g_autofree char *db = g_build_filename (f->dir, name, NULL);
  g_autoptr(MotcuaTestCliResult) r = motcua_test_run_cli (db, "init", "--demo", NULL);

  if (!motcua_test_expect_status (r, 0, "init --demo"))
    return NULL;
  return g_steal_pointer (&db);
}

/* Receives a dossier at the counter (with @attach, a file, when not NULL); its code. */
static char *
receive (const char *db, const char *applicant, const char *attach)
{
  const char *args[] = { "--json", "receive", "--procedure", TAM_TRU, "--applicant-name", applicant,
                         attach ? "--attach" : NULL, attach, NULL };
  g_autoptr(MotcuaTestCliResult) r = motcua_test_run_cli_env (NULL, db, args);
  g_autoptr(JsonNode) node = NULL;

  if (!motcua_test_expect_status (r, 0, "receive"))
    return NULL;
  node = json_from_string (r->out, NULL);
  g_assert_nonnull (member_string (as_object (node), "code"));
  return g_strdup (member_string (as_object (node), "code"));
}

/* The processing steps after reception, as `motcua act CODE …` arguments. */
static const char * const processing_steps[][6] = {
  { "transfer", "--to", "specialist1", NULL },
  { "examine", "--as", "specialist1", NULL },
  { "draft", "--as", "specialist1", "--draft-type", "result", NULL },
  { "submit", "--as", "specialist1", NULL },
};

static gboolean
act (const char *db, const char *code, const char * const *step)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(MotcuaTestCliResult) r = NULL;
  g_autofree char *what = g_strdup_printf ("act %s", step[0]);

  g_ptr_array_add (args, (gpointer) "act");
  g_ptr_array_add (args, (gpointer) code);
  for (guint i = 0; step[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) step[i]);
  g_ptr_array_add (args, NULL);
  r = motcua_test_run_cli_env (NULL, db, (const char * const *) args->pdata);
  return motcua_test_expect_status (r, 0, what);
}

/* The dossier's journal as the workstation wrote it (MotcuaEvent*). */
static GPtrArray *
journal (const char *db, const char *code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaStore) store = motcua_store_open (db, &error);
  g_autoptr(MotcuaDossier) dossier = store ? motcua_store_get_dossier (store, code, &error) : NULL;
  GPtrArray *events = dossier ? motcua_store_get_events (store, motcua_dossier_get_uid (dossier), &error) : NULL;

  g_assert_no_error (error);
  return events;
}

/* A dossier received on workstation @db and taken through @n events (1 to 5) of a real
 * processing; its journal. */
static GPtrArray *
real_journal (const char *db, const char *applicant, guint n)
{
  g_autofree char *code = receive (db, applicant, NULL);
  GPtrArray *events;

  g_assert_cmpuint (n, <=, G_N_ELEMENTS (processing_steps) + 1);
  if (code == NULL)
    return NULL;
  for (guint i = 0; i + 1 < n; i++)
    if (!act (db, code, processing_steps[i]))
      return NULL;
  events = journal (db, code);
  if (events != NULL)
    g_assert_cmpuint (events->len, ==, n);
  return events;
}

/* A fresh workstation's dossier with @n events. */
static GPtrArray *
new_journal (Fixture *f, const char *workstation_name, guint n)
{
  g_autofree char *db = workstation (f, workstation_name);

  return db ? real_journal (db, "Nguyễn Thị Đào", n) : NULL;
}

/* ---- feed ---------------------------------------------------------------------------- */

/* GET /v1/feed?since&limit (limit 0: the default); the events array inside @a. */
static JsonArray *
feed (Fixture *f, Answer *a, const char *token, gint64 since, guint limit, gint64 *next, gboolean *more)
{
  g_autofree char *path = limit ? g_strdup_printf ("v1/feed?since=%" G_GINT64_FORMAT "&limit=%u", since, limit)
                                : g_strdup_printf ("v1/feed?since=%" G_GINT64_FORMAT, since);
  JsonObject *object;
  JsonNode *more_node;

  call (f, a, "GET", path, token, NULL);
  if (!expect_json (a, SOUP_STATUS_OK, "feed"))
    return NULL;
  object = as_object (a->json);
  more_node = json_object_get_member (object, "more");
  g_assert_true (more_node != NULL && json_node_get_value_type (more_node) == G_TYPE_BOOLEAN);
  g_assert_nonnull (member_array (object, "events"));
  if (g_test_failed ())
    return NULL;
  *next = member_int (object, "next");
  *more = json_node_get_boolean (more_node);
  return member_array (object, "events");
}

/* ---- tests: basics ---------------------------------------------------------------------- */

static void
test_health (Fixture *f, gconstpointer data)
{
  g_auto(Answer) a = { 0 };
  g_autoptr(GDateTime) time = NULL;
  JsonObject *object;

  call (f, &a, "GET", "v1/health", NULL, NULL);
  if (!expect_json (&a, SOUP_STATUS_OK, "health"))
    return;
  object = as_object (a.json);
  g_assert_cmpstr (member_string (object, "server"), ==, "motcua-server");
  g_assert_cmpint (member_int (object, "protocol"), ==, MOTCUA_PROTOCOL_VERSION);
  time = g_date_time_new_from_iso8601 (member_string (object, "time"), NULL);
  g_assert_nonnull (time);
}

static void
test_enrolment (Fixture *f, gconstpointer data)
{
  g_autofree char *code = motcua_test_server_enrolment_code (f->server, MOTCUA_TEST_AGENCY);
  g_autofree char *messy = NULL;
  g_autofree char *request_text = NULL;
  g_auto(Answer) a = { 0 };
  JsonObject *object, *agency;
  const char *token;

  g_assert_nonnull (code);
  if (code == NULL)
    return;
  g_assert_true (g_regex_match_simple (CODE_PATTERN, code, 0, 0));

  /* Typed by a person: lower case, spaces instead of dashes. */
  messy = g_ascii_strdown (code, -1);
  g_strdelimit (messy, "-", ' ');
  request_text = g_strdup_printf ("{\"code\": \" %s \", \"device_name\": \"PC-MOTCUA-02\"}", messy);
  call (f, &a, "POST", "v1/enrol", NULL, request_text);
  if (!expect_json (&a, SOUP_STATUS_CREATED, "enrol"))
    return;
  object = as_object (a.json);
  token = member_string (object, "token");
  agency = as_object (json_object_get_member (object, "agency"));
  g_assert_nonnull (member_string (object, "device_id"));
  g_assert_cmpuint (strlen (token ? token : ""), ==, 43);   /* 32 bytes in base64url */
  g_assert_cmpstr (member_string (agency, "code"), ==, MOTCUA_TEST_AGENCY);
  g_assert_cmpstr (member_string (agency, "name"), ==, MOTCUA_TEST_AGENCY_NAME);
  {
    g_auto(Answer) b = { 0 };
    call (f, &b, "GET", "v1/feed", token, NULL);
    expect_json (&b, SOUP_STATUS_OK, "feed with the new token");
  }

  /* A code is good once. */
  call (f, &a, "POST", "v1/enrol", NULL, request_text);
  expect_error (&a, SOUP_STATUS_FORBIDDEN, "enrolment-code-invalid", "enrol twice");
  call (f, &a, "POST", "v1/enrol", NULL, "{\"code\": \"AAAA-BBBB-CCCC\", \"device_name\": \"PC\"}");
  expect_error (&a, SOUP_STATUS_FORBIDDEN, "enrolment-code-invalid", "enrol with garbage");
  call (f, &a, "POST", "v1/enrol", NULL, "{\"code\": \"AAAA-BBBB-CCCC\"}");
  expect_error (&a, SOUP_STATUS_BAD_REQUEST, "bad-request", "enrol without a device name");
  call (f, &a, "POST", "v1/enrol", NULL, "not json");
  expect_error (&a, SOUP_STATUS_BAD_REQUEST, "bad-request", "enrol with a body that is not JSON");

  /* An agency the server does not have gets no code. */
  g_assert_null (motcua_test_server_enrolment_code (f->server, OTHER_AGENCY));
}

static void
test_unauthorized (Fixture *f, gconstpointer data)
{
  static const char * const requests[][2] = {
    { "POST", "v1/events" },
    { "GET", "v1/feed" },
    { "POST", "v1/code-blocks" },
    { "GET", "v1/catalog" },
    { "GET", "v1/calendar?year=2026" },
    { "GET", "v1/blobs/0000000000000000000000000000000000000000000000000000000000000000" },
    { "PUT", "v1/blobs/0000000000000000000000000000000000000000000000000000000000000000" },
  };
  g_auto(Answer) a = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    {
      g_autofree char *what = g_strdup_printf ("%s %s", requests[i][0], requests[i][1]);

      call (f, &a, requests[i][0], requests[i][1], NULL, g_str_equal (requests[i][0], "GET") ? NULL : "{}");
      expect_error (&a, SOUP_STATUS_UNAUTHORIZED, "unauthorized", what);
      call (f, &a, requests[i][0], requests[i][1], "not-a-token", g_str_equal (requests[i][0], "GET") ? NULL : "{}");
      expect_error (&a, SOUP_STATUS_UNAUTHORIZED, "unauthorized", what);
    }
  call (f, &a, "HEAD", "v1/blobs/0000000000000000000000000000000000000000000000000000000000000000", NULL, NULL);
  g_assert_cmpuint (a.status, ==, SOUP_STATUS_UNAUTHORIZED);

  call (f, &a, "GET", "v1/nowhere", f->token, NULL);
  expect_error (&a, SOUP_STATUS_NOT_FOUND, "not-found", "an unknown path");
}

/* ---- tests: pushing -------------------------------------------------------------------- */

static void
test_push_journal (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) events = new_journal (f, "ws.db", 3);
  g_autoptr(GArray) seqs = NULL;
  g_autoptr(GArray) again = NULL;
  g_auto(Answer) a = { 0 };
  JsonArray *page;
  gint64 next;
  gboolean more;

  if (events == NULL || (seqs = push_accepted (f, f->token, events)) == NULL)
    return;
  g_assert_cmpint (g_array_index (seqs, gint64, 0), <, g_array_index (seqs, gint64, 1));
  g_assert_cmpint (g_array_index (seqs, gint64, 1), <, g_array_index (seqs, gint64, 2));

  /* Idempotent: the same events again get the same sequence numbers. */
  if ((again = push_accepted (f, f->token, events)) == NULL)
    return;
  for (guint i = 0; i < events->len; i++)
    g_assert_cmpint (g_array_index (again, gint64, i), ==, g_array_index (seqs, gint64, i));

  /* The feed holds each once, exactly as pushed: same payload text, same hash. */
  if ((page = feed (f, &a, f->token, 0, 0, &next, &more)) == NULL)
    return;
  g_assert_cmpuint (json_array_get_length (page), ==, events->len);
  g_assert_cmpint (next, ==, g_array_index (seqs, gint64, 2));
  g_assert_false (more);
  for (guint i = 0; i < json_array_get_length (page) && i < events->len; i++)
    {
      MotcuaEvent *pushed = g_ptr_array_index (events, i);
      g_autoptr(GError) error = NULL;
      g_autoptr(MotcuaEvent) fed = motcua_protocol_event_from_json (json_array_get_element (page, i), NULL, &error);
      g_autofree char *hash = NULL;

      g_assert_no_error (error);
      if (fed == NULL)
        return;
      hash = motcua_event_compute_hash (fed);
      g_assert_cmpstr (fed->op_id, ==, pushed->op_id);
      g_assert_cmpstr (fed->payload, ==, pushed->payload);
      g_assert_cmpstr (fed->hash, ==, pushed->hash);
      g_assert_cmpstr (hash, ==, pushed->hash);
      g_assert_cmpint (fed->server_seq, ==, g_array_index (seqs, gint64, i));
    }
}

/* Every rejection reason of protocol.md that one agency's device can meet. */
static void
test_push_rejections (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) events = new_journal (f, "ws.db", 5);
  g_autoptr(GPtrArray) other = NULL;
  g_autoptr(GPtrArray) batch = NULL;
  g_autoptr(MotcuaEvent) tampered = NULL, rival = NULL, stranger = NULL, reused = NULL, twin = NULL;
  g_autoptr(MotcuaEvent) approve = NULL, nonsense = NULL, after_rejected = NULL;
  g_auto(Answer) a = { 0 };
  MotcuaEvent *e[5];
  JsonArray *results;

  if (events == NULL)
    return;
  for (guint i = 0; i < 5; i++)
    e[i] = g_ptr_array_index (events, i);

  /* A gap: event 3 after event 1. */
  batch = batch_of (e[0], e[2], NULL);
  if ((results = push (f, &a, f->token, batch)) == NULL)
    return;
  expect_result (results, 0, "accepted", NULL);
  expect_result (results, 1, "rejected", "chain");

  /* Altered after it was hashed. */
  tampered = event_copy (e[1]);
  g_free (tampered->payload);
  tampered->payload = g_strdup ("{\"to\":\"someone-else\"}");
  /* Someone else's event 2, chained and hashed correctly, but event 2 is taken. */
  rival = forge_next (e[0], "transfer", "clerk", "{\"to\":\"specialist2\"}");
  /* An event of a dossier the server never saw. */
  stranger = forge_next (e[0], "transfer", "clerk", "{\"to\":\"specialist1\"}");
  g_free (stranger->dossier_uid);
  stranger->dossier_uid = new_uuid ();
  rehash (stranger);
  /* An op id used again for other content. */
  reused = event_copy (e[0]);
  g_free (reused->actor);
  reused->actor = g_strdup ("clerk2");
  rehash (reused);
  /* The creation again under another op id. */
  twin = event_copy (e[0]);
  g_free (twin->op_id);
  twin->op_id = new_uuid ();
  rehash (twin);

  g_clear_pointer (&batch, g_ptr_array_unref);
  batch = batch_of (tampered, e[1], rival, stranger, reused, twin, NULL);
  if ((results = push (f, &a, f->token, batch)) == NULL)
    return;
  expect_result (results, 0, "rejected", "hash");
  expect_result (results, 1, "accepted", NULL);
  expect_result (results, 2, "rejected", "conflict");
  expect_result (results, 3, "rejected", "unknown-dossier");
  expect_result (results, 4, "rejected", "op-id-reused");
  expect_result (results, 5, "rejected", "duplicate-dossier");

  /* The workflow: a clerk may not approve; a kind nobody knows cannot be applied; an
   * event chained on a rejected one is out of the chain. */
  approve = forge_next (e[4], "approve", "clerk", "{}");
  nonsense = forge_next (e[4], "frobnicate", "specialist", "{}");
  after_rejected = forge_next (approve, "issue", "clerk", "{\"document_number\":\"12/QĐ\"}");
  g_clear_pointer (&batch, g_ptr_array_unref);
  batch = batch_of (e[2], e[3], e[4], approve, nonsense, after_rejected, NULL);
  if ((results = push (f, &a, f->token, batch)) == NULL)
    return;
  expect_result (results, 0, "accepted", NULL);
  expect_result (results, 1, "accepted", NULL);
  expect_result (results, 2, "accepted", NULL);
  expect_result (results, 3, "rejected", "workflow");
  expect_result (results, 4, "rejected", "invalid");
  expect_result (results, 5, "rejected", "chain");

  /* Another workstation of the agency, with no code blocks, made the same code. */
  if ((other = new_journal (f, "other.db", 1)) == NULL)
    return;
  if ((results = push (f, &a, f->token, other)) == NULL)
    return;
  expect_result (results, 0, "rejected", "duplicate-code");
}

static void
test_push_bad_requests (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) events = new_journal (f, "ws.db", 1);
  g_autoptr(GBytes) one = NULL;
  g_autoptr(GString) many = g_string_new ("{\"events\": [");
  g_autoptr(GBytes) many_bytes = NULL;
  g_auto(Answer) a = { 0 };
  g_autofree char *event_text = NULL;

  call (f, &a, "POST", "v1/events", f->token, "{\"events\": 3}");
  expect_error (&a, SOUP_STATUS_BAD_REQUEST, "bad-request", "events not an array");
  call (f, &a, "POST", "v1/events", f->token, "{\"events\": [{\"op_id\": 1}]}");
  expect_error (&a, SOUP_STATUS_BAD_REQUEST, "bad-request", "a malformed event");
  call (f, &a, "POST", "v1/events", f->token, "[1, 2]");
  expect_error (&a, SOUP_STATUS_BAD_REQUEST, "bad-request", "not an object");
  call (f, &a, "POST", "v1/events", f->token, "{\"events\": [");
  expect_error (&a, SOUP_STATUS_BAD_REQUEST, "bad-request", "cut short");
  call (f, &a, "GET", "v1/events", f->token, NULL);
  expect_error (&a, SOUP_STATUS_METHOD_NOT_ALLOWED, "bad-request", "GET of the push path");

  /* 501 events is one too many. */
  if (events == NULL)
    return;
  one = events_body (events);
  event_text = g_strndup ((const char *) g_bytes_get_data (one, NULL) + strlen ("{\"events\":["),
                          g_bytes_get_size (one) - strlen ("{\"events\":[") - 2);
  for (guint i = 0; i <= MOTCUA_PROTOCOL_MAX_BATCH; i++)
    g_string_append_printf (many, "%s%s", i ? "," : "", event_text);
  g_string_append (many, "]}");
  many_bytes = text_bytes (many->str);
  request (f, &a, NULL, "POST", "v1/events", f->token, many_bytes, NULL);
  expect_error (&a, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too-large", "501 events");
}

/* ---- tests: blobs -------------------------------------------------------------------------- */

static GBytes *
random_bytes (gsize size, guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  guint8 *data = g_malloc (size);

  for (gsize i = 0; i < size; i++)
    data[i] = g_rand_int (rand);
  return g_bytes_new_take (data, size);
}

static char *
blob_path (const char *sha256)
{
  return g_strconcat ("v1/blobs/", sha256, NULL);
}

/* PUT of @data[@start, @end) as a chunk of a blob of @total bytes (@start < 0: whole). */
static guint
put_chunk (Fixture *f, Answer *a, const char *sha256, GBytes *data, gssize start, gsize end)
{
  g_autofree char *path = blob_path (sha256);
  g_autofree char *range = NULL;
  g_autoptr(GBytes) chunk = NULL;
  const char *headers[] = { "Content-Range", NULL, NULL };

  if (start < 0)
    {
      headers[0] = NULL;
      chunk = g_bytes_ref (data);
    }
  else
    {
      range = g_strdup_printf ("bytes %" G_GSSIZE_FORMAT "-%" G_GSIZE_FORMAT "/%" G_GSIZE_FORMAT,
                               start, end - 1, g_bytes_get_size (data));
      headers[1] = range;
      chunk = g_bytes_new_from_bytes (data, start, end - start);
    }
  return request (f, a, NULL, "PUT", path, f->token, chunk, headers);
}

/* HEAD: the status, and the Upload-Offset when the blob is incomplete. */
static guint
head_blob (Fixture *f, const char *sha256, gint64 *offset, gint64 *length)
{
  g_autofree char *path = blob_path (sha256);
  g_auto(Answer) a = { 0 };
  const char *header;

  request (f, &a, NULL, "HEAD", path, f->token, NULL, NULL);
  header = a.headers ? soup_message_headers_get_one (a.headers, "Upload-Offset") : NULL;
  *offset = header ? g_ascii_strtoll (header, NULL, 10) : -1;
  *length = a.headers ? soup_message_headers_get_content_length (a.headers) : -1;
  return a.status;
}

static void
test_blob_upload (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) blob = random_bytes (300 * 1024, 1);
  g_autofree char *sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, blob);
  g_autofree char *path = blob_path (sha256);
  const gsize total = g_bytes_get_size (blob), cut = 128 * 1024;
  g_auto(Answer) a = { 0 };
  gint64 offset, length;

  g_assert_cmpuint (head_blob (f, sha256, &offset, &length), ==, SOUP_STATUS_NOT_FOUND);
  g_assert_cmpint (offset, ==, 0);

  put_chunk (f, &a, sha256, blob, 0, cut);
  if (!expect_json (&a, SOUP_STATUS_ACCEPTED, "first chunk"))
    return;
  g_assert_cmpint (member_int (as_object (a.json), "offset"), ==, cut);
  g_assert_cmpuint (head_blob (f, sha256, &offset, &length), ==, SOUP_STATUS_NOT_FOUND);
  g_assert_cmpint (offset, ==, cut);

  /* A chunk that does not start where the server's copy ends. */
  put_chunk (f, &a, sha256, blob, 0, cut);
  if (expect_error (&a, SOUP_STATUS_CONFLICT, "range-mismatch", "chunk again"))
    g_assert_cmpint (member_int (as_object (a.json), "offset"), ==, cut);
  put_chunk (f, &a, sha256, blob, cut + 10, total);
  expect_error (&a, SOUP_STATUS_CONFLICT, "range-mismatch", "chunk too far");

  put_chunk (f, &a, sha256, blob, cut, total);
  if (!expect_json (&a, SOUP_STATUS_CREATED, "last chunk"))
    return;
  g_assert_cmpstr (member_string (as_object (a.json), "sha256"), ==, sha256);
  g_assert_cmpint (member_int (as_object (a.json), "size"), ==, total);
  g_assert_cmpuint (head_blob (f, sha256, &offset, &length), ==, SOUP_STATUS_OK);
  g_assert_cmpint (length, ==, total);

  /* Already there: 200 with its size. */
  put_chunk (f, &a, sha256, blob, -1, 0);
  if (expect_json (&a, SOUP_STATUS_OK, "PUT of a stored blob"))
    g_assert_cmpint (member_int (as_object (a.json), "size"), ==, total);

  /* The bytes back, whole and from an offset. */
  request (f, &a, NULL, "GET", path, f->token, NULL, NULL);
  if (expect_status (&a, SOUP_STATUS_OK, "GET blob"))
    g_assert_true (g_bytes_equal (a.body, blob));
  {
    const char *headers[] = { "Range", "bytes=1000-", NULL };
    g_autoptr(GBytes) tail = g_bytes_new_from_bytes (blob, 1000, total - 1000);
    goffset start, end, whole;

    request (f, &a, NULL, "GET", path, f->token, NULL, headers);
    if (expect_status (&a, SOUP_STATUS_PARTIAL_CONTENT, "GET with Range"))
      {
        g_assert_true (g_bytes_equal (a.body, tail));
        g_assert_true (soup_message_headers_get_content_range (a.headers, &start, &end, &whole));
        g_assert_cmpint (start, ==, 1000);
        g_assert_cmpint (end, ==, total - 1);
        g_assert_cmpint (whole, ==, total);
      }
  }
}

static void
test_blob_errors (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) blob = random_bytes (4000, 2);
  g_autoptr(GBytes) impostor = random_bytes (4000, 3);
  g_autofree char *sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, blob);
  g_autofree char *path = blob_path (sha256);
  g_auto(Answer) a = { 0 };
  gint64 offset, length;

  /* Bytes that do not hash to the name: refused, and nothing is kept. */
  put_chunk (f, &a, sha256, impostor, -1, 0);
  expect_error (&a, SOUP_STATUS_UNPROCESSABLE_ENTITY, "hash-mismatch", "whole impostor");
  put_chunk (f, &a, sha256, impostor, 0, 1000);
  expect_json (&a, SOUP_STATUS_ACCEPTED, "impostor's first chunk");
  put_chunk (f, &a, sha256, impostor, 1000, 4000);
  expect_error (&a, SOUP_STATUS_UNPROCESSABLE_ENTITY, "hash-mismatch", "impostor's last chunk");
  g_assert_cmpuint (head_blob (f, sha256, &offset, &length), ==, SOUP_STATUS_NOT_FOUND);
  g_assert_cmpint (offset, ==, 0);

  /* Not a blob name; not stored; a malformed Content-Range; a chunk over 8 MiB. */
  call (f, &a, "GET", "v1/blobs/not-a-hash", f->token, NULL);
  expect_error (&a, SOUP_STATUS_BAD_REQUEST, "bad-request", "bad blob name");
  request (f, &a, NULL, "GET", path, f->token, NULL, NULL);
  expect_error (&a, SOUP_STATUS_NOT_FOUND, "not-found", "GET of a missing blob");
  {
    const char *headers[] = { "Content-Range", "bytes 0-10/4000", NULL };

    request (f, &a, NULL, "PUT", path, f->token, blob, headers);
    expect_error (&a, SOUP_STATUS_BAD_REQUEST, "bad-request", "Content-Range not matching the body");
  }
  {
    g_autoptr(GBytes) huge = random_bytes (MOTCUA_PROTOCOL_MAX_CHUNK_SIZE + 1, 4);

    put_chunk (f, &a, sha256, huge, -1, 0);
    g_assert_cmpuint (a.status, ==, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE);
  }
  /* The server is still fine, and the right bytes go in. */
  put_chunk (f, &a, sha256, blob, -1, 0);
  expect_json (&a, SOUP_STATUS_CREATED, "whole blob");
}

/* An attachment must be on the server before the event that cites it. */
static void
test_push_missing_blob (Fixture *f, gconstpointer data)
{
  g_autofree char *db = workstation (f, "ws.db");
  g_autofree char *scan = g_build_filename (f->dir, "scan.pdf", NULL);
  static const char scan_text[] = "%PDF-1.4\n% a scanned household book\n";
  g_autofree char *sha256 = g_compute_checksum_for_string (G_CHECKSUM_SHA256, scan_text, -1);
  g_autofree char *code = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GBytes) bytes = text_bytes (scan_text);
  g_auto(Answer) a = { 0 };
  JsonArray *results, *blobs, *page;
  gint64 next;
  gboolean more;

  motcua_test_write_file (scan, scan_text, -1);
  if (db == NULL || (code = receive (db, "Phạm Văn Dũng", scan)) == NULL || (events = journal (db, code)) == NULL)
    return;

  if ((results = push (f, &a, f->token, events)) == NULL)
    return;
  expect_result (results, 0, "retry", "missing-blob");
  blobs = member_array (as_object (json_array_get_element (results, 0)), "blobs");
  g_assert_nonnull (blobs);
  if (blobs == NULL)
    return;
  g_assert_cmpuint (json_array_get_length (blobs), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (blobs, 0), ==, sha256);
  {
    g_auto(Answer) b = { 0 };

    if ((page = feed (f, &b, f->token, 0, 0, &next, &more)) != NULL)
      g_assert_cmpuint (json_array_get_length (page), ==, 0);
  }

  put_chunk (f, &a, sha256, bytes, -1, 0);
  if (!expect_json (&a, SOUP_STATUS_CREATED, "upload the scan"))
    return;
  if ((results = push (f, &a, f->token, events)) != NULL)
    expect_result (results, 0, "accepted", NULL);
}

/* Feed pages are written out by hand, off the main loop: they must stay byte for byte
 * what motcua_protocol_event_to_json() and a JsonGenerator give. */
static void
test_feed_bytes (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) events = new_journal (f, "ws.db", 4);
  g_autoptr(GArray) seqs = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GBytes) expected = NULL;
  g_auto(Answer) a = { 0 };
  JsonArray *page, *rebuilt;
  JsonObject *object;
  gint64 next;
  gboolean more;

  if (events == NULL || (seqs = push_accepted (f, f->token, events)) == NULL)
    return;
  if ((page = feed (f, &a, f->token, 0, 3, &next, &more)) == NULL)
    return;
  rebuilt = json_array_new ();
  for (guint i = 0; i < json_array_get_length (page); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MotcuaEvent) fed = motcua_protocol_event_from_json (json_array_get_element (page, i), NULL, &error);

      g_assert_no_error (error);
      if (fed == NULL)
        return;
      json_array_add_element (rebuilt, motcua_protocol_event_to_json (fed, fed->server_seq));
    }
  object = json_object_new ();
  json_object_set_array_member (object, "events", rebuilt);
  json_object_set_int_member (object, "next", next);
  json_object_set_boolean_member (object, "more", more);
  root = json_node_init_object (json_node_alloc (), object);
  json_object_unref (object);
  expected = motcua_protocol_to_bytes (root);
  g_assert_true (more);
  g_assert_cmpuint (json_array_get_length (page), ==, 3);
  g_assert_cmpmem (g_bytes_get_data (a.body, NULL), g_bytes_get_size (a.body),
                   g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));
}

/* ---- tests: feed and agencies ---------------------------------------------------------------- */

static void
test_feed_paging (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) events = new_journal (f, "ws.db", 5);
  g_autoptr(GArray) seqs = NULL;
  g_auto(Answer) a = { 0 };
  gint64 since = 0, next;
  gboolean more;
  const guint expected_sizes[] = { 2, 2, 1 };

  if (events == NULL || (seqs = push_accepted (f, f->token, events)) == NULL)
    return;
  for (guint page_index = 0, seen = 0; page_index < G_N_ELEMENTS (expected_sizes); page_index++)
    {
      JsonArray *page = feed (f, &a, f->token, since, 2, &next, &more);

      if (page == NULL)
        return;
      g_assert_cmpuint (json_array_get_length (page), ==, expected_sizes[page_index]);
      for (guint i = 0; i < json_array_get_length (page); i++, seen++)
        {
          JsonObject *event = as_object (json_array_get_element (page, i));

          g_assert_cmpint (member_int (event, "server_seq"), ==, g_array_index (seqs, gint64, seen));
          g_assert_cmpstr (member_string (event, "op_id"), ==, ((MotcuaEvent *) g_ptr_array_index (events, seen))->op_id);
        }
      g_assert_cmpint (next, ==, g_array_index (seqs, gint64, seen - 1));
      g_assert_true (more == (page_index + 1 < G_N_ELEMENTS (expected_sizes)));
      since = next;
    }

  /* After the end: nothing, the cursor stays. */
  if (feed (f, &a, f->token, since, 0, &next, &more) != NULL)
    {
      g_assert_cmpuint (json_array_get_length (member_array (as_object (a.json), "events")), ==, 0);
      g_assert_cmpint (next, ==, since);
      g_assert_false (more);
    }
  call (f, &a, "GET", "v1/feed?limit=0", f->token, NULL);
  expect_error (&a, SOUP_STATUS_BAD_REQUEST, "bad-request", "limit 0");
  call (f, &a, "GET", "v1/feed?since=-1", f->token, NULL);
  expect_error (&a, SOUP_STATUS_BAD_REQUEST, "bad-request", "since -1");
  call (f, &a, "GET", "v1/feed?limit=lots", f->token, NULL);
  expect_error (&a, SOUP_STATUS_BAD_REQUEST, "bad-request", "limit not a number");
  call (f, &a, "GET", "v1/feed?limit=5000", f->token, NULL);
  expect_json (&a, SOUP_STATUS_OK, "limit over the cap");
}

static void
test_agency_isolation (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) events = new_journal (f, "ws.db", 2);
  g_autoptr(GPtrArray) fresh = NULL;
  g_autofree char *other_token = NULL;
  g_auto(Answer) a = { 0 };
  JsonArray *results, *page;
  gint64 next;
  gboolean more;

  g_assert_true (motcua_test_server_admin (f->server, "agency-add", "--code", OTHER_AGENCY,
                                           "--name", "UBND phường Khác", "--address", "Số 1 đường Khác", NULL));
  other_token = motcua_test_server_enrol (f->server, OTHER_AGENCY, "PC-KHAC-01");
  g_assert_nonnull (other_token);
  if (events == NULL || other_token == NULL || push_accepted (f, f->token, events) == NULL)
    return;

  /* The other agency sees nothing of the first… */
  if ((page = feed (f, &a, other_token, 0, 0, &next, &more)) == NULL)
    return;
  g_assert_cmpuint (json_array_get_length (page), ==, 0);
  g_assert_cmpint (next, ==, 0);
  g_assert_false (more);

  /* …and can neither replay its events nor create its dossiers. */
  if ((results = push (f, &a, other_token, events)) != NULL)
    {
      expect_result (results, 0, "rejected", "wrong-agency");
      expect_result (results, 1, "rejected", "wrong-agency");
    }
  if ((fresh = new_journal (f, "fresh.db", 1)) == NULL)
    return;
  if ((results = push (f, &a, other_token, fresh)) != NULL)
    expect_result (results, 0, "rejected", "wrong-agency");

  if ((page = feed (f, &a, f->token, 0, 0, &next, &more)) != NULL)
    g_assert_cmpuint (json_array_get_length (page), ==, 2);
}

/* ---- tests: code blocks, catalog, calendar, gzip ------------------------------------------------ */

/* Reserves @count numbers of @day; FALSE when refused. */
static gboolean
reserve (Fixture *f, const char *token, const char *day, gint64 count, gint64 *first, gint64 *last)
{
  g_autofree char *body = g_strdup_printf ("{\"day\": \"%s\", \"count\": %" G_GINT64_FORMAT "}", day, count);
  g_auto(Answer) a = { 0 };
  JsonObject *object;

  call (f, &a, "POST", "v1/code-blocks", token, body);
  if (!expect_json (&a, SOUP_STATUS_CREATED, "code block"))
    return FALSE;
  object = as_object (a.json);
  g_assert_cmpstr (member_string (object, "day"), ==, day);
  g_assert_nonnull (member_string (object, "agency"));
  *first = member_int (object, "first");
  *last = member_int (object, "last");
  g_assert_cmpint (*last - *first + 1, ==, count);
  return !g_test_failed ();
}

static void
test_code_blocks (Fixture *f, gconstpointer data)
{
  static const char * const bad[] = {
    "{\"day\": \"" TEST_DAY "\", \"count\": 0}",
    "{\"day\": \"" TEST_DAY "\", \"count\": 501}",
    "{\"day\": \"" TEST_DAY "\", \"count\": \"5\"}",
    "{\"day\": \"2026-13-01\", \"count\": 5}",
    "{\"day\": \"23/11/2026\", \"count\": 5}",
    "{\"count\": 5}",
  };
  g_autofree char *second = motcua_test_server_enrol (f->server, NULL, "PC-MOTCUA-02");
  g_autofree char *other = NULL;
  g_autoptr(GPtrArray) events = new_journal (f, "ws.db", 1);
  g_auto(Answer) a = { 0 };
  gint64 previous_last, first, last;

  /* A dossier the server already has (code …-0001 of the day) is never handed out. */
  if (second == NULL || events == NULL || push_accepted (f, f->token, events) == NULL)
    return;
  previous_last = 1;
  for (guint i = 0; i < 12; i++)
    {
      if (!reserve (f, i % 2 ? second : f->token, TEST_DAY, 1 + (i * 37) % 50, &first, &last))
        return;
      /* Two devices in turn: each block starts right after the last one. */
      g_assert_cmpint (first, ==, previous_last + 1);
      previous_last = last;
    }
  if (reserve (f, second, "2026-11-24", 50, &first, &last))
    g_assert_cmpint (first, ==, 1);

  /* Another agency counts on its own. */
  g_assert_true (motcua_test_server_admin (f->server, "agency-add", "--code", OTHER_AGENCY, "--name", "Khác", NULL));
  other = motcua_test_server_enrol (f->server, OTHER_AGENCY, "PC-KHAC-01");
  if (other != NULL && reserve (f, other, TEST_DAY, 5, &first, &last))
    g_assert_cmpint (first, ==, 1);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      call (f, &a, "POST", "v1/code-blocks", f->token, bad[i]);
      expect_error (&a, SOUP_STATUS_BAD_REQUEST, "bad-request", bad[i]);
    }

  /* Several days in one request: one block each, in the order asked, continuing each
   * day's own count. */
  call (f, &a, "POST", "v1/code-blocks", f->token,
        "{\"days\": [\"2026-11-24\", \"2026-11-25\"], \"count\": 10}");
  g_assert_cmpuint (a.status, ==, SOUP_STATUS_CREATED);
  {
    JsonArray *blocks = json_object_get_array_member (json_node_get_object (a.json), "blocks");
    JsonObject *tuesday = json_array_get_object_element (blocks, 0);
    JsonObject *wednesday = json_array_get_object_element (blocks, 1);

    g_assert_cmpuint (json_array_get_length (blocks), ==, 2);
    g_assert_cmpstr (json_object_get_string_member (tuesday, "day"), ==, "2026-11-24");
    g_assert_cmpint (json_object_get_int_member (tuesday, "first"), ==, 51);
    g_assert_cmpint (json_object_get_int_member (tuesday, "last"), ==, 60);
    g_assert_cmpstr (json_object_get_string_member (wednesday, "day"), ==, "2026-11-25");
    g_assert_cmpint (json_object_get_int_member (wednesday, "first"), ==, 1);
  }
  answer_clear (&a);
  call (f, &a, "POST", "v1/code-blocks", f->token, "{\"days\": [\"2026-11-24\", \"soon\"], \"count\": 10}");
  expect_error (&a, SOUP_STATUS_BAD_REQUEST, "bad-request", "a bad day among several");
}

static void
test_catalog_and_calendar (Fixture *f, gconstpointer data)
{
  g_autofree char *db = workstation (f, "ws.db");
  g_autofree char *exported = g_build_filename (f->dir, "catalog.json", NULL);
  g_autofree char *broken = g_build_filename (f->dir, "broken.json", NULL);
  g_autofree char *etag = NULL;
  g_auto(Answer) a = { 0 };
  JsonArray *procedures, *days;
  gboolean found = FALSE, new_year = FALSE;

  call (f, &a, "GET", "v1/catalog", f->token, NULL);
  if (!expect_json (&a, SOUP_STATUS_OK, "catalog"))
    return;
  g_assert_cmpstr (member_string (as_object (a.json), "format"), ==, "motcua-catalog");
  procedures = member_array (as_object (a.json), "procedures");
  for (guint i = 0; procedures != NULL && i < json_array_get_length (procedures); i++)
    found |= g_strcmp0 (member_string (as_object (json_array_get_element (procedures, i)), "code"), TAM_TRU) == 0;
  g_assert_true (found);
  etag = g_strdup (soup_message_headers_get_one (a.headers, "ETag"));
  g_assert_nonnull (etag);
  {
    const char *headers[] = { "If-None-Match", etag, NULL };

    request (f, &a, NULL, "GET", "v1/catalog", f->token, NULL, headers);
    g_assert_cmpuint (a.status, ==, SOUP_STATUS_NOT_MODIFIED);
  }

  /* An administrator's catalog (here the demo one, through `motcua catalog export`). */
  if (db != NULL)
    {
      g_autoptr(MotcuaTestCliResult) r = motcua_test_run_cli (db, "catalog", "export", exported, NULL);

      motcua_test_expect_status (r, 0, "catalog export");
      g_assert_true (motcua_test_server_admin (f->server, "catalog-import", exported, NULL));
      motcua_test_write_file (broken, "{\"format\": \"motcua-catalog\", \"procedures\": [{}]}", -1);
      g_assert_false (motcua_test_server_admin (f->server, "catalog-import", broken, NULL));
      call (f, &a, "GET", "v1/catalog", f->token, NULL);
      if (expect_json (&a, SOUP_STATUS_OK, "imported catalog"))
        g_assert_cmpuint (json_array_get_length (member_array (as_object (a.json), "procedures")), >, 0);
    }

  call (f, &a, "GET", "v1/calendar?year=2026", f->token, NULL);
  if (!expect_json (&a, SOUP_STATUS_OK, "calendar"))
    return;
  g_assert_cmpint (member_int (as_object (a.json), "year"), ==, 2026);
  /* Nothing imported: the built-in holidays, which the workstation computes itself. */
  g_assert_false (json_object_get_boolean_member_with_default (as_object (a.json), "official", TRUE));
  days = member_array (as_object (a.json), "days");
  for (guint i = 0; days != NULL && i < json_array_get_length (days); i++)
    {
      JsonObject *day = as_object (json_array_get_element (days, i));

      g_assert_nonnull (member_string (day, "name"));
      if (g_strcmp0 (member_string (day, "date"), "2026-01-01") == 0)
        new_year = !json_object_get_boolean_member_with_default (day, "working", TRUE);
    }
  g_assert_true (new_year);
  call (f, &a, "GET", "v1/calendar", f->token, NULL);
  expect_error (&a, SOUP_STATUS_BAD_REQUEST, "bad-request", "calendar without a year");
  call (f, &a, "GET", "v1/calendar?year=next", f->token, NULL);
  expect_error (&a, SOUP_STATUS_BAD_REQUEST, "bad-request", "calendar of a year that is not one");
}

/* `motcua-server --data DIR admin calendar-import` of @json (written to a file of the
 * fixture; NULL: a file that does not exist): its exit status, -1 when it did not run.
 * A refusal must say why on stderr. */
static int
import_calendar (Fixture *f, const char *json)
{
  g_autofree char *path = g_build_filename (f->dir, json ? "calendar.json" : "no-such-calendar.json", NULL);
  const char *argv[] = { g_getenv ("MOTCUA_SERVER"), "--data", motcua_test_server_get_data_dir (f->server),
                         "admin", "calendar-import", path, NULL };
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int wait_status = 0;

  if (json != NULL)
    motcua_test_write_file (path, json, -1);
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err,
                     &wait_status, &error))
    {
      g_test_fail_printf ("Cannot run motcua-server: %s", error->message);
      return -1;
    }
  if (!WIFEXITED (wait_status))
    return -1;
  if (WEXITSTATUS (wait_status) != 0)
    g_assert_true (g_str_has_prefix (err, "motcua-server: ") && strlen (err) > 20);
  return WEXITSTATUS (wait_status);
}

static void
test_calendar_import (Fixture *f, gconstpointer data)
{
  static const char * const invalid[] = {
    "{\"year\": 1999, \"days\": []}",
    "{\"year\": \"2027\", \"days\": []}",
    "{\"year\": 2027}",
    "{\"year\": 2027, \"days\": [{\"date\": \"2027-02-30\", \"working\": false, \"name\": \"Tết\"}]}",
    "{\"year\": 2027, \"days\": [{\"date\": \"2027-2-5\", \"working\": false, \"name\": \"Tết\"}]}",
    "{\"year\": 2027, \"days\": [{\"date\": \"2026-12-31\", \"working\": false, \"name\": \"Tết\"}]}",
    "{\"year\": 2027, \"days\": [{\"date\": \"2027-02-05\", \"working\": \"no\", \"name\": \"Tết\"}]}",
    "{\"year\": 2027, \"days\": [{\"date\": \"2027-02-05\", \"working\": false, \"name\": \"\"}]}",
    "{\"year\": 2027, \"days\": [{\"date\": \"2027-02-05\", \"working\": false, \"name\": \"Tết\"},"
    " {\"date\": \"2027-02-05\", \"working\": true, \"name\": \"Làm bù\"}]}",
    "{\"year\": 2027, \"days\": [",
  };
  g_autofree char *etag = NULL;
  g_auto(Answer) a = { 0 };
  JsonObject *calendar, *day;
  JsonArray *days;

  /* Listed out of order, with a member the protocol does not know. */
  g_assert_cmpint (import_calendar (f, "{ \"year\": 2027, \"note\": \"Quyết định số 1/2026\", \"days\": ["
                                     " { \"date\": \"2027-02-20\", \"working\": true, \"name\": \"Làm bù\" },"
                                     " { \"date\": \"2027-02-05\", \"working\": false, \"name\": \"Tết Nguyên đán\" } ] }"), ==, 0);
  call (f, &a, "GET", "v1/calendar?year=2027", f->token, NULL);
  if (!expect_json (&a, SOUP_STATUS_OK, "imported calendar"))
    return;
  calendar = as_object (a.json);
  g_assert_cmpint (member_int (calendar, "year"), ==, 2027);
  g_assert_true (json_object_get_boolean_member_with_default (calendar, "official", FALSE));
  g_assert_false (json_object_has_member (calendar, "note"));
  days = member_array (calendar, "days");
  g_assert_nonnull (days);
  if (days == NULL || json_array_get_length (days) != 2)
    {
      g_test_fail_printf ("The imported calendar has %u days, not 2", days ? json_array_get_length (days) : 0);
      return;
    }
  day = as_object (json_array_get_element (days, 0));
  g_assert_cmpstr (member_string (day, "date"), ==, "2027-02-05");
  g_assert_false (json_object_get_boolean_member_with_default (day, "working", TRUE));
  g_assert_cmpstr (member_string (day, "name"), ==, "Tết Nguyên đán");
  day = as_object (json_array_get_element (days, 1));
  g_assert_cmpstr (member_string (day, "date"), ==, "2027-02-20");
  g_assert_true (json_object_get_boolean_member_with_default (day, "working", FALSE));
  g_assert_cmpstr (member_string (day, "name"), ==, "Làm bù");

  /* Tagged like the catalog: the first 32 hex digits of the body's SHA-256. */
  etag = g_strdup (soup_message_headers_get_one (a.headers, "ETag"));
  g_assert_nonnull (etag);
  {
    g_autofree char *hash = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, a.body);
    g_autofree char *expected = g_strdup_printf ("\"%.32s\"", hash);
    const char *headers[] = { "If-None-Match", etag, NULL };

    g_assert_cmpstr (etag, ==, expected);
    request (f, &a, NULL, "GET", "v1/calendar?year=2027", f->token, NULL, headers);
    g_assert_cmpuint (a.status, ==, SOUP_STATUS_NOT_MODIFIED);
  }

  /* Another year stays the built-in holidays, not official. */
  call (f, &a, "GET", "v1/calendar?year=2028", f->token, NULL);
  if (expect_json (&a, SOUP_STATUS_OK, "calendar not imported"))
    {
      g_assert_cmpint (member_int (as_object (a.json), "year"), ==, 2028);
      g_assert_false (json_object_get_boolean_member_with_default (as_object (a.json), "official", TRUE));
    }

  /* A wrong file is refused (exit status 1) and leaves the imported calendar as it was. */
  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      int status = import_calendar (f, invalid[i]);

      if (status != 1)
        g_test_fail_printf ("calendar-import of %s: exit status %d, expected 1", invalid[i], status);
    }
  g_assert_cmpint (import_calendar (f, NULL), ==, 1);
  {
    const char *headers[] = { "If-None-Match", etag, NULL };

    request (f, &a, NULL, "GET", "v1/calendar?year=2027", f->token, NULL, headers);
    g_assert_cmpuint (a.status, ==, SOUP_STATUS_NOT_MODIFIED);
  }
}

static void
test_gzip (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) events = new_journal (f, "ws.db", 2);
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(GBytes) zipped = NULL;
  g_autoptr(SoupSession) raw = motcua_test_server_new_session (f->server);
  const char *gzip_body[] = { "Content-Encoding", "gzip", NULL };
  const char *accept_gzip[] = { "Accept-Encoding", "gzip", NULL };
  g_auto(Answer) a = { 0 };
  JsonArray *results;

  if (events == NULL)
    return;
  /* A compressed request body. */
  plain = events_body (events);
  zipped = motcua_protocol_gzip (plain);
  request (f, &a, NULL, "POST", "v1/events", f->token, zipped, gzip_body);
  if (expect_json (&a, SOUP_STATUS_OK, "gzipped push")
      && (results = member_array (as_object (a.json), "results")) != NULL)
    {
      expect_result (results, 0, "accepted", NULL);
      expect_result (results, 1, "accepted", NULL);
    }
  request (f, &a, NULL, "POST", "v1/events", f->token, plain, gzip_body);
  expect_error (&a, SOUP_STATUS_BAD_REQUEST, "bad-request", "a body that says gzip but is not");

  /* A compressed answer, seen raw (no content decoder on this session)… */
  soup_session_remove_feature_by_type (raw, SOUP_TYPE_CONTENT_DECODER);
  request (f, &a, raw, "GET", "v1/catalog", f->token, NULL, accept_gzip);
  if (expect_status (&a, SOUP_STATUS_OK, "catalog, raw"))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) unzipped = NULL;
      g_autoptr(JsonNode) node = NULL;

      g_assert_cmpstr (soup_message_headers_get_one (a.headers, "Content-Encoding"), ==, "gzip");
      unzipped = motcua_protocol_gunzip (a.body, MOTCUA_PROTOCOL_MAX_JSON_BODY, &error);
      g_assert_no_error (error);
      node = parse_bytes (unzipped);
      g_assert_nonnull (member_array (as_object (node), "procedures"));
    }
  /* …not for a small one… */
  request (f, &a, raw, "GET", "v1/health", NULL, NULL, accept_gzip);
  if (expect_json (&a, SOUP_STATUS_OK, "health, raw"))
    g_assert_null (soup_message_headers_get_one (a.headers, "Content-Encoding"));
  /* …and decoded by a normal session. */
  call (f, &a, "GET", "v1/catalog", f->token, NULL);
  if (expect_status (&a, SOUP_STATUS_OK, "catalog"))
    g_assert_nonnull (member_array (as_object (a.json), "procedures"));
}

/* ---- tests: the process ----------------------------------------------------------------------- */

static gboolean
log_is_json_lines (const char *path)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  guint n = 0;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  lines = g_strsplit (contents ? contents : "", "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonNode) node = NULL;
      JsonObject *object;

      if (*lines[i] == '\0')
        continue;
      node = json_from_string (lines[i], NULL);
      object = as_object (node);
      if (object == NULL || member_string (object, "time") == NULL || member_string (object, "level") == NULL
          || member_string (object, "event") == NULL)
        {
          g_test_fail_printf ("Not a log line: %s", lines[i]);
          return FALSE;
        }
      n++;
    }
  g_assert_cmpuint (n, >, 0);
  return n > 0;
}

static void
test_kill_and_restart (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) events = new_journal (f, "ws.db", 3);
  g_autoptr(GBytes) blob = random_bytes (100000, 5);
  g_autofree char *sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, blob);
  g_autofree char *url = NULL;
  g_autoptr(GArray) seqs = NULL;
  g_autoptr(GArray) again = NULL;
  g_autofree char *log = NULL;
  g_auto(Answer) a = { 0 };
  JsonArray *page;
  gint64 next, offset, length;
  gboolean more;
  int status;

  if (events == NULL || (seqs = push_accepted (f, f->token, events)) == NULL)
    return;
  put_chunk (f, &a, sha256, blob, 0, 40000);
  expect_json (&a, SOUP_STATUS_ACCEPTED, "first chunk");

  /* No chance to clean up: what was answered must have been on disk. */
  url = g_strdup (motcua_test_server_get_url (f->server));
  motcua_test_server_kill (f->server, SIGKILL);
  if (!motcua_test_server_start (f->server))
    {
      g_test_fail_printf ("The server did not start again after SIGKILL");
      return;
    }
  g_assert_cmpstr (motcua_test_server_get_url (f->server), ==, url);

  if ((page = feed (f, &a, f->token, 0, 0, &next, &more)) != NULL)
    {
      g_assert_cmpuint (json_array_get_length (page), ==, 3);
      g_assert_cmpint (next, ==, g_array_index (seqs, gint64, 2));
    }
  if ((again = push_accepted (f, f->token, events)) != NULL)
    g_assert_cmpint (g_array_index (again, gint64, 2), ==, g_array_index (seqs, gint64, 2));
  g_assert_cmpuint (head_blob (f, sha256, &offset, &length), ==, SOUP_STATUS_NOT_FOUND);
  g_assert_cmpint (offset, ==, 40000);
  put_chunk (f, &a, sha256, blob, 40000, 100000);
  expect_json (&a, SOUP_STATUS_CREATED, "the rest after the restart");

  /* SIGTERM: a clean stop. */
  status = motcua_test_server_kill_status (f->server, SIGTERM);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_assert_true (log_is_json_lines (motcua_test_server_get_log_path (f->server)));
  g_assert_true (g_file_get_contents (motcua_test_server_get_log_path (f->server), &log, NULL, NULL));
  g_assert_nonnull (strstr (log ? log : "", "\"event\":\"stopped\""));
  g_assert_nonnull (strstr (log ? log : "", "\"event\":\"push\""));
}

/* Runs @program with @args; FALSE when it cannot run or fails. */
static gboolean
run (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int wait_status;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                     NULL, &err, &wait_status, &error)
      || !g_spawn_check_wait_status (wait_status, &error))
    {
      g_test_message ("%s: %s %s", argv[0], error->message, err ? err : "");
      return FALSE;
    }
  return TRUE;
}

static void
test_tls (Fixture *f, gconstpointer data)
{
  g_autofree char *certtool = g_find_program_in_path ("certtool");
  g_autofree char *key = g_build_filename (f->dir, "key.pem", NULL);
  g_autofree char *cert = g_build_filename (f->dir, "cert.pem", NULL);
  g_autofree char *template = g_build_filename (f->dir, "cert.cfg", NULL);
  g_autoptr(MotcuaTestServer) server = NULL;
  g_autoptr(SoupSession) trusting = NULL;
  g_autoptr(SoupSession) plain = NULL;
  g_autofree char *health = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonNode) node = NULL;

  if (certtool == NULL)
    {
      g_test_skip ("certtool (gnutls-bin) is not installed");
      return;
    }
  motcua_test_write_file (template, "cn = \"127.0.0.1\"\nip_address = \"127.0.0.1\"\ndns_name = \"localhost\"\n"
                                    "expiration_days = 2\nca\ntls_www_server\nsigning_key\nencryption_key\n"
                                    "cert_signing_key\n", -1);
  {
    const char *make_key[] = { certtool, "--generate-privkey", "--key-type", "ecdsa", "--outfile", key, NULL };
    const char *make_cert[] = { certtool, "--generate-self-signed", "--load-privkey", key, "--template", template,
                                "--outfile", cert, NULL };

    if (!run (make_key) || !run (make_cert))
      {
        g_test_fail_printf ("certtool could not make a certificate");
        return;
      }
  }

  server = motcua_test_server_new ();
  motcua_test_server_set_tls (server, cert, key);
  if (!motcua_test_server_start (server))
    {
      g_test_fail_printf ("The HTTPS server did not start; its log is %s", motcua_test_server_get_log_path (server));
      return;
    }
  g_assert_true (g_str_has_prefix (motcua_test_server_get_url (server), "https://127.0.0.1:"));
  health = g_strconcat (motcua_test_server_get_url (server), "v1/health", NULL);

  trusting = motcua_test_server_new_session (server);
  g_assert_cmpuint (motcua_test_http_full (trusting, "GET", health, NULL, NULL, NULL, NULL, &body, NULL), ==, SOUP_STATUS_OK);
  node = parse_bytes (body);
  g_assert_cmpstr (member_string (as_object (node), "server"), ==, "motcua-server");

  /* Verification is on: a session that does not trust the certificate gets nothing. */
  plain = motcua_test_server_new_session (NULL);
  g_assert_cmpuint (motcua_test_http_full (plain, "GET", health, NULL, NULL, NULL, NULL, NULL, NULL), ==, 0);
}

/* ---- tests: many workstations at once ------------------------------------------------------------- */

typedef struct {
  SoupMessage *msg;
  GBytes      *body;
  GError      *error;
  guint       *pending;
} Slot;

static void
slot_clear (Slot *slot)
{
  g_clear_object (&slot->msg);
  g_clear_pointer (&slot->body, g_bytes_unref);
  g_clear_error (&slot->error);
}

static void
on_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Slot *slot = user_data;

  slot->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &slot->error);
  (*slot->pending)--;
}

/* Sends every slot's message at once and waits for all the answers. */
static void
send_all (SoupSession *session, Slot *slots, guint n)
{
  guint pending = n;

  for (guint i = 0; i < n; i++)
    {
      slots[i].pending = &pending;
      soup_session_send_and_read_async (session, slots[i].msg, G_PRIORITY_DEFAULT, NULL, on_sent, &slots[i]);
    }
  while (pending > 0)
    g_main_context_iteration (NULL, TRUE);
}

static SoupMessage *
new_message (Fixture *f, const char *method, const char *path, const char *token, GBytes *body)
{
  g_autofree char *url = server_url (f, path);
  g_autofree char *authorization = g_strdup_printf ("Bearer %s", token);
  SoupMessage *msg = soup_message_new (method, url);

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", authorization);
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, "application/json", body);
  return msg;
}

/* The slot's answer as a JSON object, checking its status; NULL when wrong. */
static JsonNode *
slot_answer (Slot *slot, guint status)
{
  g_assert_no_error (slot->error);
  if (slot->error != NULL)
    return NULL;
  g_assert_cmpuint (soup_message_get_status (slot->msg), ==, status);
  return parse_bytes (slot->body);
}

static gint
compare_int64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

#define N_CLIENTS 100

static void
test_concurrency (Fixture *f, gconstpointer data)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("max-conns", 2 * N_CLIENTS,
                                                                  "max-conns-per-host", 2 * N_CLIENTS,
                                                                  "timeout", 120, NULL);
  g_autoptr(GPtrArray) events = new_journal (f, "ws.db", 3);
  g_autoptr(GBytes) reservation = text_bytes ("{\"day\": \"" TEST_DAY "\", \"count\": 3}");
  g_autoptr(GBytes) batch = NULL;
  g_autoptr(GArray) firsts = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) seqs = NULL;
  Slot slots[N_CLIENTS] = { { 0 } };

  if (events == NULL)
    return;

  /* A hundred workstations reserve numbers at the same moment: no number twice. */
  for (guint i = 0; i < N_CLIENTS; i++)
    slots[i].msg = new_message (f, "POST", "v1/code-blocks", f->token, reservation);
  send_all (session, slots, N_CLIENTS);
  for (guint i = 0; i < N_CLIENTS; i++)
    {
      g_autoptr(JsonNode) node = slot_answer (&slots[i], SOUP_STATUS_CREATED);
      gint64 first = member_int (as_object (node), "first");

      g_assert_cmpint (member_int (as_object (node), "last"), ==, first + 2);
      g_array_append_val (firsts, first);
      slot_clear (&slots[i]);
    }
  g_array_sort (firsts, compare_int64);
  for (guint i = 0; i < firsts->len; i++)
    g_assert_cmpint (g_array_index (firsts, gint64, i), ==, 1 + 3 * i);

  /* A hundred push the same journal at once: stored once, the same answer for all. */
  batch = events_body (events);
  for (guint i = 0; i < N_CLIENTS; i++)
    slots[i].msg = new_message (f, "POST", "v1/events", f->token, batch);
  send_all (session, slots, N_CLIENTS);
  for (guint i = 0; i < N_CLIENTS; i++)
    {
      g_autoptr(JsonNode) node = slot_answer (&slots[i], SOUP_STATUS_OK);
      JsonArray *results = member_array (as_object (node), "results");

      g_assert_nonnull (results);
      for (guint j = 0; results != NULL && j < json_array_get_length (results); j++)
        {
          gint64 seq = expect_result (results, j, "accepted", NULL);

          if (seqs == NULL || seqs->len <= j)
            {
              if (seqs == NULL)
                seqs = g_array_new (FALSE, FALSE, sizeof (gint64));
              g_array_append_val (seqs, seq);
            }
          g_assert_cmpint (seq, ==, g_array_index (seqs, gint64, j));
        }
      slot_clear (&slots[i]);
    }
}

/* Every dossier of a generated demo year, each journal its own request, all at once:
 * the server's rules accept whatever the workstation's rules produced. */
static void
test_demo_journals (Fixture *f, gconstpointer data)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("max-conns", 256, "max-conns-per-host", 256,
                                                                  "timeout", 120, NULL);
  g_autofree char *db = workstation (f, "demo.db");
  g_autoptr(MotcuaTestCliResult) r = NULL;
  g_autoptr(MotcuaStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) journals = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GArray) slots = NULL;
  sqlite3_stmt *stmt = NULL;
  guint n_events = 0, n_accepted = 0;

  if (db == NULL)
    return;
  r = motcua_test_run_cli (db, "demo-data", "--dossiers", "60", "--seed", "7", NULL);
  if (!motcua_test_expect_status (r, 0, "demo-data"))
    return;
  store = motcua_store_open (db, &error);
  g_assert_no_error (error);
  if (store == NULL)
    return;
  g_assert_cmpint (sqlite3_prepare_v2 (motcua_store_get_db (store), "SELECT uid FROM dossiers", -1, &stmt, NULL), ==, SQLITE_OK);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      GPtrArray *events = motcua_store_get_events (store, (const char *) sqlite3_column_text (stmt, 0), &error);

      g_assert_no_error (error);
      if (events == NULL)
        break;
      n_events += events->len;
      g_ptr_array_add (journals, events);
    }
  sqlite3_finalize (stmt);
  g_assert_cmpuint (journals->len, ==, 60);

  slots = g_array_sized_new (FALSE, TRUE, sizeof (Slot), journals->len);
  g_array_set_size (slots, journals->len);
  for (guint i = 0; i < journals->len; i++)
    {
      g_autoptr(GBytes) body = events_body (g_ptr_array_index (journals, i));

      g_array_index (slots, Slot, i).msg = new_message (f, "POST", "v1/events", f->token, body);
    }
  send_all (session, (Slot *) slots->data, slots->len);
  for (guint i = 0; i < slots->len; i++)
    {
      Slot *slot = &g_array_index (slots, Slot, i);
      g_autoptr(JsonNode) node = slot_answer (slot, SOUP_STATUS_OK);
      JsonArray *results = member_array (as_object (node), "results");

      for (guint j = 0; results != NULL && j < json_array_get_length (results); j++)
        if (expect_result (results, j, "accepted", NULL) > 0)
          n_accepted++;
      slot_clear (slot);
    }
  g_assert_cmpuint (n_accepted, ==, n_events);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_set_nonfatal_assertions ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/server/health", test_health);
  ADD ("/server/enrolment", test_enrolment);
  ADD ("/server/unauthorized", test_unauthorized);
  ADD ("/server/push/journal", test_push_journal);
  ADD ("/server/push/rejections", test_push_rejections);
  ADD ("/server/push/bad-requests", test_push_bad_requests);
  ADD ("/server/push/missing-blob", test_push_missing_blob);
  ADD ("/server/blobs/upload", test_blob_upload);
  ADD ("/server/blobs/errors", test_blob_errors);
  ADD ("/server/feed/paging", test_feed_paging);
  ADD ("/server/feed/bytes", test_feed_bytes);
  ADD ("/server/feed/agency-isolation", test_agency_isolation);
  ADD ("/server/code-blocks", test_code_blocks);
  ADD ("/server/catalog-and-calendar", test_catalog_and_calendar);
  ADD ("/server/calendar-import", test_calendar_import);
  ADD ("/server/gzip", test_gzip);
  ADD ("/server/kill-and-restart", test_kill_and_restart);
  ADD ("/server/tls", test_tls);
  ADD ("/server/concurrency", test_concurrency);
  ADD ("/server/demo-journals", test_demo_journals);
#undef ADD
  return g_test_run ();
}
