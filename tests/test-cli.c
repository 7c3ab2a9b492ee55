/* test-cli.c: the `motcua` command line, run as a separate program.
 *
 * Every test runs the built CLI (MOTCUA_CLI) with an argv array against a database in
 * its own temporary folder, with the clock pinned (MOTCUA_NOW) to Monday 23 November
 * 2026 09:00 in Vietnam, so due dates and codes are known in advance.
 *
 * Assertions are non-fatal (see main()): a failing check marks its test failed and
 * the other tests still run, so one bug does not hide the next. Helpers therefore
 * return NULL on failure and callers stop there.
 *
 * The read-only and full-disk tests need a small filesystem of their own: as root
 * they mount a tmpfs. main() first moves the test into a private mount namespace, so
 * those mounts vanish with the process even when it is killed before a teardown runs;
 * the teardowns unmount them as well.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "motcua-test-util.h"

#define TAM_TRU       "1.004194"   /* temporary residence: 3 working days */
#define TAM_TRU_DUE   "2026-11-26T09:00:00+07:00"
#define CODE_PATTERN  "^000\\.17\\.22\\.H56-\\d{6}-\\d{4}$"
#define ISO_PATTERN   "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}[+-]\\d{2}:\\d{2}$"

/* ---- what the CLI printed -------------------------------------------------- */

static gboolean
expect_contains (const char *text,
                 const char *needle,
                 const char *what)
{
  g_autofree char *flat = NULL;

  if (text != NULL && strstr (text, needle) != NULL)
    return TRUE;
  flat = motcua_test_one_line (text);
  g_test_fail_printf ("%s: “%s” not found in: %s", what, needle, flat);
  return FALSE;
}

/* ---- JSON ------------------------------------------------------------------- */

static JsonNode *
parse_json (const char *text,
            const char *what)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  if (node == NULL)
    {
      g_autofree char *flat = motcua_test_one_line (text);
      g_test_fail_printf ("%s did not print JSON (%s): %s", what, error ? error->message : "empty", flat);
    }
  return node;
}

static JsonObject *
as_object (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
as_array (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gint64
member_int (JsonObject *object,
            const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return G_MININT64;
  return json_node_get_int (node);
}

static JsonArray *
member_array (JsonObject *object,
              const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return as_array (node);
}

/* ---- files ------------------------------------------------------------------ */

/* Size and SHA-256 of a file, to prove a refused command left it byte for byte. */
static char *
fingerprint (const char *path)
{
  g_autofree char *contents = NULL;
  g_autofree char *sha256 = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, &error))
    return g_strdup_printf ("unreadable: %s", error->message);
  sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
  return g_strdup_printf ("%" G_GSIZE_FORMAT " bytes, sha256 %s", length, sha256);
}

static void
assert_no_sidecars (const char *db)
{
  const char *suffixes[] = { "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (db, suffixes[i], NULL);

      if (g_file_test (path, G_FILE_TEST_EXISTS))
        g_test_fail_printf ("%s was left beside the refused database", path);
    }
}

/* An integer from a database file, opened as another program would open it. */
static gint64
sql_int (const char *path,
         const char *sql)
{
  sqlite3 *db = NULL;
  gint64 value = -1;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK)
    value = motcua_test_sql_int (db, sql);
  sqlite3_close (db);
  return value;
}

/* ---- fixture ---------------------------------------------------------------- */

typedef struct {
  char     *dir;
  char     *db;
  char     *mount_point;
  gboolean  mounted;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->dir = motcua_test_make_temp_dir ("motcua-cli-XXXXXX");
  f->db = g_build_filename (f->dir, "motcua.db", NULL);
}

static void
unmount (Fixture *f)
{
  if (!f->mounted)
    return;
  if (umount2 (f->mount_point, 0) != 0 && umount2 (f->mount_point, MNT_DETACH) != 0)
    g_test_message ("could not unmount %s: %s", f->mount_point, g_strerror (errno));
  f->mounted = FALSE;
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  unmount (f);
  motcua_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->db);
  g_free (f->mount_point);
}

/* Mounts a tmpfs in the fixture's folder and moves the database onto it. */
static gboolean
mount_tmpfs (Fixture    *f,
             const char *options)
{
  if (geteuid () != 0)
    {
      g_test_skip ("needs root to mount a small tmpfs (root ignores file permissions, "
                   "and only a filesystem of its own can be made read-only or full)");
      return FALSE;
    }
  f->mount_point = g_build_filename (f->dir, "mnt", NULL);
  g_mkdir (f->mount_point, 0700);
  if (mount ("tmpfs", f->mount_point, "tmpfs", MS_NOSUID | MS_NODEV, options) != 0)
    {
      g_autofree char *reason = g_strdup_printf ("cannot mount a tmpfs here: %s", g_strerror (errno));
      g_test_skip (reason);
      return FALSE;
    }
  f->mounted = TRUE;
  g_free (f->db);
  f->db = g_build_filename (f->mount_point, "motcua.db", NULL);
  return TRUE;
}

/* ---- shared steps ----------------------------------------------------------- */

static gboolean
init_demo (const char *db)
{
  g_autoptr(MotcuaTestCliResult) r = motcua_test_run_cli (db, "init", "--demo", NULL);

  return motcua_test_expect_status (r, 0, "init --demo");
}

/* Receives a temporary-residence dossier; returns its code, or NULL. */
static char *
receive (const char *db,
         const char *applicant)
{
  g_autoptr(MotcuaTestCliResult) r = motcua_test_run_cli (db, "--json", "receive", "--procedure", TAM_TRU,
                                                          "--applicant-name", applicant, NULL);
  g_autoptr(JsonNode) node = NULL;
  const char *code;

  if (!motcua_test_expect_status (r, 0, "receive") || (node = parse_json (r->out, "receive --json")) == NULL)
    return NULL;
  code = member_string (as_object (node), "code");
  g_assert_nonnull (code);
  return g_strdup (code);
}

static gboolean
act (const char *db,
     const char *code,
     ...) G_GNUC_NULL_TERMINATED;

static gboolean
act (const char *db,
     const char *code,
     ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(MotcuaTestCliResult) r = NULL;
  g_autofree char *what = NULL;
  const char *arg;
  va_list ap;

  g_ptr_array_add (args, (gpointer) "act");
  g_ptr_array_add (args, (gpointer) code);
  va_start (ap, code);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  r = motcua_test_run_cli_env (NULL, db, (const char * const *) args->pdata);
  what = g_strdup_printf ("act %s", (const char *) args->pdata[2]);
  return motcua_test_expect_status (r, 0, what);
}

static char *
show_json (const char *db,
           const char *code)
{
  g_autoptr(MotcuaTestCliResult) r = motcua_test_run_cli (db, "--json", "show", code, NULL);

  if (!motcua_test_expect_status (r, 0, "show --json"))
    return NULL;
  return g_steal_pointer (&r->out);
}

static JsonArray *
list_json (const char *db,
           JsonNode  **holder,
           ...) G_GNUC_NULL_TERMINATED;

/* `list --json` with extra arguments; *@holder keeps the parsed document alive. */
static JsonArray *
list_json (const char *db,
           JsonNode  **holder,
           ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(MotcuaTestCliResult) r = NULL;
  const char *arg;
  va_list ap;

  g_ptr_array_add (args, (gpointer) "--json");
  g_ptr_array_add (args, (gpointer) "list");
  va_start (ap, holder);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  r = motcua_test_run_cli_env (NULL, db, (const char * const *) args->pdata);
  if (!motcua_test_expect_status (r, 0, "list --json"))
    return NULL;
  *holder = parse_json (r->out, "list --json");
  return as_array (*holder);
}

static gboolean
array_has_code (JsonArray  *array,
                const char *code)
{
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    if (g_strcmp0 (member_string (as_object (json_array_get_element (array, i)), "code"), code) == 0)
      return TRUE;
  return FALSE;
}

/* ---- the happy path ----------------------------------------------------------- */

static void
test_init_and_catalog (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(MotcuaTestCliResult) init = motcua_test_run_cli (f->db, "--json", "init", "--demo", NULL);
  g_autoptr(MotcuaTestCliResult) list = NULL;
  g_autoptr(JsonNode) init_node = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonArray *procedures;

  if (!motcua_test_expect_status (init, 0, "init --demo"))
    return;
  init_node = parse_json (init->out, "init --json");
  g_assert_cmpstr (member_string (as_object (init_node), "agency_code"), ==, "000.17.22.H56");

  list = motcua_test_run_cli (f->db, "--json", "catalog", "list", NULL);
  if (!motcua_test_expect_status (list, 0, "catalog list"))
    return;
  node = parse_json (list->out, "catalog list --json");
  procedures = as_array (node);
  g_assert_nonnull (procedures);
  if (procedures == NULL)
    return;
  g_assert_cmpuint (json_array_get_length (procedures), >=, 28);
  for (guint i = 0; i < json_array_get_length (procedures); i++)
    {
      JsonObject *procedure = as_object (json_array_get_element (procedures, i));

      g_assert_nonnull (member_string (procedure, "code"));
      g_assert_nonnull (member_string (procedure, "name"));
    }
}

static void
test_receive_json (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(MotcuaTestCliResult) r = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *dossier;
  const char *code, *received, *due;

  if (!init_demo (f->db))
    return;
  r = motcua_test_run_cli (f->db, "--json", "receive", "--procedure", TAM_TRU,
                           "--applicant-name", "Nguyễn Thị Đào",
                           "--id-number", "038190012345", "--phone", "0912345678", NULL);
  if (!motcua_test_expect_status (r, 0, "receive --json"))
    return;
  node = parse_json (r->out, "receive --json");
  dossier = as_object (node);
  g_assert_nonnull (dossier);
  if (dossier == NULL)
    return;

  code = member_string (dossier, "code");
  received = member_string (dossier, "received_at");
  due = member_string (dossier, "due_at");
  g_assert_nonnull (code);
  g_assert_nonnull (received);
  g_assert_nonnull (due);
  if (code == NULL || received == NULL || due == NULL)
    return;
  g_assert_true (g_regex_match_simple (CODE_PATTERN, code, 0, 0));
  g_assert_cmpstr (code, ==, "000.17.22.H56-261123-0001");
  g_assert_cmpint (member_int (dossier, "status"), ==, 2);
  g_assert_true (g_regex_match_simple (ISO_PATTERN, received, 0, 0));
  g_assert_true (g_regex_match_simple (ISO_PATTERN, due, 0, 0));
  g_assert_cmpstr (received, ==, MOTCUA_TEST_NOW);
  g_assert_cmpstr (due, ==, TAM_TRU_DUE);
  g_assert_cmpstr (r->err, ==, "");
}

static void
test_list (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *dao = NULL, *other = NULL, *third = NULL;
  g_autoptr(JsonNode) all_node = NULL, received_node = NULL, processing_node = NULL, search_node = NULL;
  g_autoptr(MotcuaTestCliResult) text = NULL;
  JsonArray *all, *received, *processing, *found;

  if (!init_demo (f->db)
      || (dao = receive (f->db, "Nguyễn Thị Đào")) == NULL
      || (other = receive (f->db, "Lò Văn Thành")) == NULL
      || (third = receive (f->db, "Trần Minh Đức")) == NULL
      || !act (f->db, third, "transfer", "--to", "Công an xã", NULL))
    return;

  all = list_json (f->db, &all_node, NULL);
  g_assert_nonnull (all);
  if (all != NULL)
    g_assert_cmpuint (json_array_get_length (all), ==, 3);

  received = list_json (f->db, &received_node, "--status", "2", NULL);
  g_assert_nonnull (received);
  if (received != NULL)
    {
      g_assert_cmpuint (json_array_get_length (received), ==, 2);
      for (guint i = 0; i < json_array_get_length (received); i++)
        g_assert_cmpint (member_int (as_object (json_array_get_element (received, i)), "status"), ==, 2);
      g_assert_false (array_has_code (received, third));
    }

  processing = list_json (f->db, &processing_node, "--status", "4", NULL);
  g_assert_nonnull (processing);
  if (processing != NULL)
    {
      g_assert_cmpuint (json_array_get_length (processing), ==, 1);
      g_assert_true (array_has_code (processing, third));
    }

  /* The text form lists the same dossiers. */
  text = motcua_test_run_cli (f->db, "list", NULL);
  if (motcua_test_expect_status (text, 0, "list"))
    expect_contains (text->out, dao, "list");

  /* Clerks type without diacritics. */
  found = list_json (f->db, &search_node, "--search", "nguyen thi dao", NULL);
  g_assert_nonnull (found);
  if (found != NULL && json_array_get_length (found) == 0)
    {
      g_test_incomplete ("list --search found nothing: the search module may not be finished");
      return;
    }
  g_assert_true (array_has_code (found, dao));
  g_assert_false (array_has_code (found, other));
}

static void
test_show_events (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *code = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *dossier;
  JsonArray *events;

  if (!init_demo (f->db)
      || (code = receive (f->db, "Hoàng Văn Nam")) == NULL
      || !act (f->db, code, "transfer", NULL)
      || (text = show_json (f->db, code)) == NULL)
    return;
  node = parse_json (text, "show --json");
  dossier = as_object (node);
  g_assert_cmpstr (member_string (dossier, "code"), ==, code);
  events = member_array (dossier, "events");
  g_assert_nonnull (events);
  if (events == NULL)
    return;
  g_assert_cmpuint (json_array_get_length (events), ==, 2);

  /* Each event is hashed and chained to the one before it. */
  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonObject *event = as_object (json_array_get_element (events, i));
      const char *hash = member_string (event, "hash");

      g_assert_nonnull (hash);
      g_assert_true (hash != NULL && g_regex_match_simple ("^[0-9a-f]{64}$", hash, 0, 0));
      g_assert_cmpint (member_int (event, "seq"), ==, i + 1);
      if (i > 0)
        g_assert_cmpstr (member_string (event, "prev_hash"), ==,
                         member_string (as_object (json_array_get_element (events, i - 1)), "hash"));
    }
  g_assert_cmpstr (member_string (dossier, "last_event_hash"), ==,
                   member_string (as_object (json_array_get_element (events, 1)), "hash"));
}

static void
test_act_transfer (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *code = NULL;
  g_autofree char *shown = NULL;
  g_autoptr(MotcuaTestCliResult) r = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) shown_node = NULL;

  if (!init_demo (f->db) || (code = receive (f->db, "Phạm Thị Hoa")) == NULL)
    return;
  r = motcua_test_run_cli (f->db, "--json", "act", code, "transfer",
                           "--to", "Công chức tư pháp - hộ tịch", NULL);
  if (!motcua_test_expect_status (r, 0, "act transfer"))
    return;
  node = parse_json (r->out, "act --json");
  g_assert_cmpint (member_int (as_object (node), "status"), ==, 4);
  g_assert_cmpstr (member_string (as_object (node), "step"), ==, "transferred");

  if ((shown = show_json (f->db, code)) == NULL)
    return;
  shown_node = parse_json (shown, "show --json");
  g_assert_cmpint (member_int (as_object (shown_node), "status"), ==, 4);
}

/* A refused action exits 1 with a message and changes nothing. */
static void
assert_refused (const char         *db,
                const char         *code,
                const char * const *args)
{
  g_autofree char *before = show_json (db, code);
  g_autofree char *file_before = fingerprint (db);
  g_autoptr(MotcuaTestCliResult) r = motcua_test_run_cli_env (NULL, db, args);
  g_autofree char *after = show_json (db, code);
  g_autofree char *file_after = fingerprint (db);

  motcua_test_expect_status (r, 1, args[2]);
  g_assert_cmpstr (r->out, ==, "");
  g_assert_cmpuint (strlen (r->err), >, 10);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpstr (file_after, ==, file_before);
}

static void
test_refused_action (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *code = NULL;
  g_autoptr(MotcuaTestCliResult) json_refusal = NULL;
  g_autoptr(JsonNode) error_node = NULL;

  if (!init_demo (f->db) || (code = receive (f->db, "Vũ Đức Anh")) == NULL)
    return;

  /* clerk1, the workstation's user, may not approve (and nothing awaits approval). */
  assert_refused (f->db, code, (const char *[]) { "act", code, "approve", NULL });
  /* A supervisor may not transfer: a question of role, not of state. */
  assert_refused (f->db, code, (const char *[]) { "act", code, "transfer", "--as", "supervisor1", NULL });
  /* A refusal needs a reason. */
  assert_refused (f->db, code, (const char *[]) { "act", code, "refuse", NULL });

  /* With --json the error is JSON too. */
  json_refusal = motcua_test_run_cli (f->db, "--json", "act", code, "approve", NULL);
  motcua_test_expect_status (json_refusal, 1, "--json act approve");
  error_node = parse_json (json_refusal->err, "--json refusal on stderr");
  g_assert_nonnull (member_string (as_object (error_node), "error"));
}

static void
test_usage_errors (Fixture       *f,
                   gconstpointer  data)
{
  const char * const cases[][8] = {
    { NULL },
    { "no-such-command", NULL },
    { "--no-such-option", "list", NULL },
    { "receive", "--applicant-name", "Thiếu thủ tục", NULL },
    { "receive", "--procedure", TAM_TRU, NULL },
    { "list", "--status", "11", NULL },
    { "list", "--limit", "0", NULL },
    { "list", "--due", "tomorrow", NULL },
    { "act", "000.17.22.H56-261123-0001", NULL },
    { "act", "000.17.22.H56-261123-0001", "fly-away", NULL },
    { "catalog", NULL },
    { "catalog", "frobnicate", NULL },
    { "calendar", "due", "--amount", "1", NULL },
    { "show", NULL },
    { "demo-data", "--dossiers", "5", "--scanned", "6", NULL },
    { "demo-data", "--scanned", "-1", NULL },
  };
  g_autofree char *before = NULL;

  if (!init_demo (f->db))
    return;
  before = fingerprint (f->db);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(MotcuaTestCliResult) r = motcua_test_run_cli_env (NULL, f->db, cases[i]);
      g_autofree char *what = g_strjoinv (" ", (char **) cases[i]);
      g_autofree char *after = fingerprint (f->db);

      motcua_test_expect_status (r, 2, what);
      /* Without a command the help on stdout is the message. */
      if (strlen (r->err) == 0 && (i > 0 || strlen (r->out) == 0))
        g_test_fail_printf ("“motcua %s” printed no message", what);
      g_assert_cmpstr (after, ==, before);
    }
}

static void
test_unknown_dossier (Fixture       *f,
                      gconstpointer  data)
{
  const char *code = "000.17.22.H56-261123-9999";
  g_autoptr(MotcuaTestCliResult) show = NULL;
  g_autoptr(MotcuaTestCliResult) act_r = NULL;

  if (!init_demo (f->db))
    return;
  show = motcua_test_run_cli (f->db, "show", code, NULL);
  motcua_test_expect_status (show, 1, "show of an unknown code");
  expect_contains (show->err, code, "show of an unknown code");
  act_r = motcua_test_run_cli (f->db, "act", code, "transfer", NULL);
  motcua_test_expect_status (act_r, 1, "act on an unknown code");
  expect_contains (act_r->err, code, "act on an unknown code");
}

/* ---- Vietnamese ----------------------------------------------------------------- */

static char *
po_unquote (const char *line)
{
  const char *start = strchr (line, '"');
  const char *end = strrchr (line, '"');
  g_autofree char *inner = NULL;

  if (start == NULL || end <= start)
    return g_strdup ("");
  inner = g_strndup (start + 1, end - start - 1);
  return g_strcompress (inner);
}

/* Whether po/vi.po translates @msgid (a non-fuzzy entry with a msgstr). */
static gboolean
po_translates (const char *msgid)
{
  g_autofree char *data_dir = g_path_get_dirname (g_getenv ("MOTCUA_TEST_DATA"));
  g_autofree char *source_dir = g_path_get_dirname (data_dir);
  g_autofree char *po = g_build_filename (source_dir, "po", "vi.po", NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GString) id = g_string_new (NULL);
  g_autoptr(GString) str = g_string_new (NULL);
  GString *current = NULL;
  gboolean fuzzy = FALSE, entry_fuzzy = FALSE;

  if (!g_file_get_contents (po, &contents, NULL, NULL))
    return FALSE;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; ; i++)
    {
      const char *line = lines[i];

      /* An entry ends at a blank line, a new comment block or the end of the file. */
      if (line == NULL || *line == '\0' || (line[0] == '#' && current == str))
        {
          if (!entry_fuzzy && g_str_equal (id->str, msgid) && str->len > 0)
            return TRUE;
          g_string_truncate (id, 0);
          g_string_truncate (str, 0);
          current = NULL;
          entry_fuzzy = FALSE;
          if (line == NULL)
            return FALSE;
        }
      if (g_str_has_prefix (line, "#,"))
        fuzzy = strstr (line, "fuzzy") != NULL;
      else if (g_str_has_prefix (line, "msgid "))
        {
          g_autofree char *text = po_unquote (line);
          entry_fuzzy = fuzzy;
          fuzzy = FALSE;
          current = id;
          g_string_append (id, text);
        }
      else if (g_str_has_prefix (line, "msgid_plural"))
        current = NULL;
      else if (g_str_has_prefix (line, "msgstr"))
        {
          g_autofree char *text = po_unquote (line);
          current = str;
          g_string_append (str, text);
        }
      else if (line[0] == '"' && current != NULL)
        {
          g_autofree char *text = po_unquote (line);
          g_string_append (current, text);
        }
    }
}

static void
test_vietnamese (Fixture       *f,
                 gconstpointer  data)
{
  const char *msgid = "“%s” is not allowed for a dossier whose status is “%s”.";
  const char * const vietnamese[] = { "LANG", "C.UTF-8", "LANGUAGE", "vi", NULL };
  g_autofree char *code = NULL;
  g_autoptr(MotcuaTestCliResult) english = NULL;
  g_autoptr(MotcuaTestCliResult) vi = NULL;

  if (!init_demo (f->db) || (code = receive (f->db, "Đinh Thị Mai")) == NULL)
    return;
  english = motcua_test_run_cli (f->db, "act", code, "approve", NULL);
  vi = motcua_test_run_cli_env (vietnamese, f->db, (const char *[]) { "act", code, "approve", NULL });
  motcua_test_expect_status (english, 1, "approve as a clerk, in English");
  motcua_test_expect_status (vi, 1, "approve as a clerk, in Vietnamese");
  g_assert_cmpuint (strlen (vi->err), >, 10);

  if (!po_translates (msgid))
    {
      g_test_incomplete ("po/vi.po has no translation yet for the refusal message "
                         "(“%s” is not allowed for a dossier whose status is “%s”.)");
      return;
    }
  g_assert_cmpstr (vi->err, !=, english->err);
}

/* ---- calendar --------------------------------------------------------------------- */

static char *
due_at (const char *db,
        const char *from,
        const char *amount,
        const char *unit)
{
  g_autoptr(MotcuaTestCliResult) r = motcua_test_run_cli (db, "--json", "calendar", "due", "--from", from,
                                                          "--amount", amount, "--unit", unit, NULL);
  g_autoptr(JsonNode) node = NULL;

  if (!motcua_test_expect_status (r, 0, "calendar due") || (node = parse_json (r->out, "calendar due --json")) == NULL)
    return NULL;
  return g_strdup (member_string (as_object (node), "due_at"));
}

static void
test_calendar (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *monday = NULL, *friday = NULL, *weekend = NULL;
  g_autoptr(MotcuaTestCliResult) bad = NULL;
  g_autoptr(MotcuaTestCliResult) bad_unit = NULL;

  if (!init_demo (f->db))
    return;
  monday = due_at (f->db, "2026-11-23 09:00", "1", "days");
  g_assert_cmpstr (monday, ==, "2026-11-24T09:00:00+07:00");
  /* Friday 27 November 16:00 + 1 working day skips the weekend. */
  friday = due_at (f->db, "2026-11-27 16:00", "1", "days");
  g_assert_cmpstr (friday, ==, "2026-11-30T16:00:00+07:00");
  /* Monday + 5 calendar days is Saturday 28: moved to the end of Monday 30. */
  weekend = due_at (f->db, "2026-11-23 09:00", "5", "calendar-days");
  g_assert_cmpstr (weekend, ==, "2026-11-30T17:00:00+07:00");

  bad = motcua_test_run_cli (f->db, "calendar", "due", "--from", "2026-02-30 09:00", "--amount", "1", NULL);
  motcua_test_expect_status (bad, 2, "calendar due with 30 February");
  g_assert_cmpuint (strlen (bad->err), >, 0);
  bad_unit = motcua_test_run_cli (f->db, "calendar", "due", "--from", "2026-11-23 09:00", "--amount", "1",
                                  "--unit", "fortnights", NULL);
  motcua_test_expect_status (bad_unit, 2, "calendar due with an unknown unit");
}

/* ---- journal check after a mix of actions ------------------------------------------ */

static void
test_check_after_mix (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *full = NULL, *supplement = NULL, *refused = NULL;
  g_autoptr(MotcuaTestCliResult) counter_supplement = NULL;
  g_autoptr(MotcuaTestCliResult) check = NULL;

  if (!init_demo (f->db)
      || (full = receive (f->db, "Trần Văn An")) == NULL
      || (supplement = receive (f->db, "Bùi Thị Bích")) == NULL
      || (refused = receive (f->db, "Ngô Văn Cường")) == NULL)
    return;

  /* The whole life of one dossier, each step by the role that takes it. */
  if (!act (f->db, full, "transfer", "--to", "Công an xã", NULL)
      || !act (f->db, full, "examine", "--as", "specialist1", NULL)
      || !act (f->db, full, "draft", "--as", "specialist1", NULL)
      || !act (f->db, full, "submit", "--as", "specialist1", NULL)
      || !act (f->db, full, "approve", "--as", "supervisor1", NULL)
      || !act (f->db, full, "issue", "--number", "125/XN", NULL)
      || !act (f->db, full, "result-ready", NULL)
      || !act (f->db, full, "return", "--method", "counter", "--recipient", "Trần Văn An",
               "--recipient-id", "038190012345", NULL)
      || !act (f->db, full, "satisfaction", "--rating", "satisfied", NULL))
    return;
  if (!act (f->db, supplement, "request-supplement", "--missing", "Tờ khai thay đổi thông tin cư trú",
            "--reason", "Thiếu tờ khai", NULL)
      || !act (f->db, supplement, "supplement-received", NULL)
      || !act (f->db, supplement, "withdraw", "--reason", "Công dân xin rút", NULL)
      || !act (f->db, refused, "refuse", "--reason", "Không thuộc thẩm quyền", NULL))
    return;
  counter_supplement = motcua_test_run_cli (f->db, "receive", "--procedure", TAM_TRU,
                                            "--applicant-name", "Lý Thị Duyên",
                                            "--documents", "1", "--incomplete", "request-supplement",
                                            "--reason", "Thiếu giấy tờ", NULL);
  motcua_test_expect_status (counter_supplement, 0, "receive with a supplement request at the counter");

  check = motcua_test_run_cli (f->db, "check", NULL);
  if (motcua_test_expect_status (check, 0, "check"))
    expect_contains (check->out, "All 4 dossiers", "check");
}

/* Whether a command succeeded and printed JSON; @failures collects the ones that did not. */
static void
check_prints_json (const char         *db,
                   const char * const *args,
                   GString            *failures)
{
  g_autoptr(MotcuaTestCliResult) r = motcua_test_run_cli_env (NULL, db, args);
  g_autofree char *what = g_strjoinv (" ", (char **) args);
  g_autoptr(JsonNode) node = NULL;

  if (r->status != 0)
    {
      g_autofree char *err = motcua_test_one_line (r->err);
      g_string_append_printf (failures, " [%s: exit %d, %s]", what, r->status, err);
      return;
    }
  node = json_from_string (r->out, NULL);
  if (node == NULL)
    {
      g_autofree char *out = motcua_test_one_line (r->out);
      g_string_append_printf (failures, " [%s printed: %s]", what, *out ? out : "nothing");
    }
}

/* With --json every command prints JSON. */
static void
test_json_everywhere (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *export_path = g_build_filename (f->dir, "catalog.json", NULL);
  g_autoptr(GString) failures = g_string_new (NULL);
  g_autofree char *code = NULL;

  check_prints_json (f->db, (const char *[]) { "--json", "init", "--demo", NULL }, failures);
  check_prints_json (f->db, (const char *[]) { "--json", "catalog", "list", NULL }, failures);
  check_prints_json (f->db, (const char *[]) { "--json", "catalog", "export", export_path, NULL }, failures);
  check_prints_json (f->db, (const char *[]) { "--json", "catalog", "import", export_path, NULL }, failures);
  check_prints_json (f->db, (const char *[]) { "--json", "demo-data", "--dossiers", "3", NULL }, failures);
  check_prints_json (f->db, (const char *[]) { "--json", "list", NULL }, failures);
  check_prints_json (f->db, (const char *[]) { "--json", "calendar", "due", "--from", "2026-11-23 09:00",
                                               "--amount", "2", NULL }, failures);
  check_prints_json (f->db, (const char *[]) { "--json", "user", "add", "clerk3", "--role", "clerk", "--as", "admin",
                                               "--full-name", "Hà Văn Em", NULL }, failures);
  check_prints_json (f->db, (const char *[]) { "--json", "user", "list", NULL }, failures);
  check_prints_json (f->db, (const char *[]) { "--json", "check", NULL }, failures);
  if ((code = receive (f->db, "Kiều Thị Giang")) != NULL)
    {
      check_prints_json (f->db, (const char *[]) { "--json", "show", code, NULL }, failures);
      check_prints_json (f->db, (const char *[]) { "--json", "act", code, "transfer", NULL }, failures);
    }
  if (failures->len > 0)
    g_test_fail_printf ("with --json these did not print JSON:%s", failures->str);
}

/* ---- bad files ---------------------------------------------------------------------- */

/* Every kind of command against a file that must be refused: each exits 1, says
 * @keyword, and leaves the file (and the folder) exactly as they were. */
static void
assert_all_refused (const char *db,
                    const char *keyword)
{
  const char * const commands[][10] = {
    { "list", NULL },
    { "--json", "list", NULL },
    { "show", "000.17.22.H56-261123-0001", NULL },
    { "receive", "--procedure", TAM_TRU, "--applicant-name", "Nguyễn Văn Hùng", NULL },
    { "act", "000.17.22.H56-261123-0001", "transfer", NULL },
    { "check", NULL },
    { "init", "--demo", NULL },
    { "demo-data", "--dossiers", "5", NULL },
    { "calendar", "due", "--from", "2026-11-23 09:00", "--amount", "1", NULL },
  };
  g_autofree char *before = fingerprint (db);

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autoptr(MotcuaTestCliResult) r = motcua_test_run_cli_env (NULL, db, commands[i]);
      g_autofree char *what = g_strjoinv (" ", (char **) commands[i]);
      g_autofree char *after = fingerprint (db);

      if (motcua_test_expect_status (r, 1, what))
        expect_contains (r->err, keyword, what);
      if (g_strcmp0 (after, before) != 0)
        g_test_fail_printf ("“motcua %s” changed the file: %s, was %s", what, after, before);
      assert_no_sidecars (db);
    }
}

static void
test_bad_newer_schema (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *code = NULL;

  if (!init_demo (f->db) || (code = receive (f->db, "Lê Văn Khoa")) == NULL
      || !motcua_test_exec_sql_file (f->db, "PRAGMA user_version = 999"))
    return;
  assert_all_refused (f->db, "newer version");
}

static void
test_bad_random_bytes (Fixture       *f,
                       gconstpointer  data)
{
  guint8 noise[8192];
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261123);

  for (guint i = 0; i < sizeof noise; i++)
    noise[i] = g_rand_int_range (rand, 0, 256);
  motcua_test_write_file (f->db, noise, sizeof noise);
  assert_all_refused (f->db, "damaged");
}

static void
test_bad_truncated (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *real = g_build_filename (f->dir, "real.db", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *a = NULL, *b = NULL, *c = NULL;
  gsize length;

  if (!init_demo (real) || (a = receive (real, "An")) == NULL || (b = receive (real, "Bình")) == NULL
      || (c = receive (real, "Chi")) == NULL)
    return;
  g_assert_true (g_file_get_contents (real, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 1500);
  motcua_test_write_file (f->db, contents, 1500);
  assert_all_refused (f->db, "damaged");
}

/* The root page of a table or index, found the way any SQLite tool would. */
static gint64
root_page (const char *db,
           const char *sql)
{
  gint64 page = sql_int (db, sql);

  g_assert_cmpint (page, >, 1);
  return page;
}

/* Overwrites one page with 0xff bytes: no b-tree page starts with that type byte, so
 * SQLite finds the page malformed whenever it reads it. */
static void
smash_page (const char *db,
            gint64      page)
{
  gint64 page_size = sql_int (db, "PRAGMA page_size");
  g_autofree guint8 *garbage = g_malloc (page_size);
  int fd = g_open (db, O_WRONLY, 0);

  g_assert_cmpint (fd, >=, 0);
  memset (garbage, 0xff, page_size);
  g_assert_cmpint (pwrite (fd, garbage, page_size, (page - 1) * page_size), ==, page_size);
  g_close (fd, NULL);
}

/* A damaged page must be reported as damage, never as a missing user or agency. */
static void
test_bad_damaged_state_page (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *code = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(MotcuaTestCliResult) r = NULL;

  if (!init_demo (f->db) || (code = receive (f->db, "Mạc Văn Long")) == NULL)
    return;
  smash_page (f->db, root_page (f->db, "SELECT rootpage FROM sqlite_master WHERE name = 'state'"));
  before = fingerprint (f->db);
  r = motcua_test_run_cli (f->db, "receive", "--procedure", TAM_TRU, "--applicant-name", "Tạ Thị Mơ", NULL);
  after = fingerprint (f->db);
  if (motcua_test_expect_status (r, 1, "receive on a database whose state table is damaged"))
    expect_contains (r->err, "damaged", "receive on a database whose state table is damaged");
  g_assert_cmpstr (after, ==, before);
}

/* `check` is what a clerk runs when in doubt: it must not call a damaged file sound. */
static void
test_bad_damaged_index_page (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *code = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(MotcuaTestCliResult) show = NULL;
  g_autoptr(MotcuaTestCliResult) check = NULL;

  if (!init_demo (f->db) || (code = receive (f->db, "Đỗ Văn Nghĩa")) == NULL)
    return;
  smash_page (f->db, root_page (f->db, "SELECT m.rootpage FROM sqlite_master m, pragma_index_info (m.name) i"
                                       " WHERE m.type = 'index' AND m.tbl_name = 'dossiers' AND i.name = 'code'"));
  before = fingerprint (f->db);
  show = motcua_test_run_cli (f->db, "show", code, NULL);
  if (motcua_test_expect_status (show, 1, "show through a damaged index"))
    expect_contains (show->err, "damaged", "show through a damaged index");
  check = motcua_test_run_cli (f->db, "check", NULL);
  if (motcua_test_expect_status (check, 1, "check of a database with a damaged index"))
    expect_contains (check->err, "damaged", "check of a database with a damaged index");
  after = fingerprint (f->db);
  g_assert_cmpstr (after, ==, before);
}

/* SQLite treats a 0-byte file as an empty database: Motcua may set it up, or refuse it
 * clearly and leave it empty. Either way the result must be a working database or an
 * untouched file. */
static void
test_bad_empty_file (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(MotcuaTestCliResult) list = NULL;
  g_autofree char *code = NULL;
  g_autoptr(MotcuaTestCliResult) check = NULL;

  motcua_test_write_file (f->db, "", 0);
  list = motcua_test_run_cli (f->db, "list", NULL);
  if (list->status != 0)
    {
      gsize length = G_MAXSIZE;
      g_autofree char *contents = NULL;

      motcua_test_expect_status (list, 1, "list on a 0-byte file");
      g_assert_cmpuint (strlen (list->err), >, 10);
      g_assert_true (g_file_get_contents (f->db, &contents, &length, NULL));
      g_assert_cmpuint (length, ==, 0);
      return;
    }
  g_test_message ("A 0-byte file is set up as a new, empty database.");
  if (!init_demo (f->db) || (code = receive (f->db, "Ninh Văn Phúc")) == NULL)
    return;
  check = motcua_test_run_cli (f->db, "check", NULL);
  motcua_test_expect_status (check, 0, "check after setting up a 0-byte file");
}

static char *
journal_mode (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *mode = NULL;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK
      && sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &stmt, NULL) == SQLITE_OK
      && sqlite3_step (stmt) == SQLITE_ROW)
    mode = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return mode;
}

/* Every database is in WAL mode (motcua-store.h), whether it started as no file or as
 * an empty one. */
static void
test_bad_empty_file_wal (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *fresh = g_build_filename (f->dir, "fresh.db", NULL);
  g_autofree char *fresh_mode = NULL;
  g_autofree char *empty_mode = NULL;

  motcua_test_write_file (f->db, "", 0);
  if (!init_demo (f->db) || !init_demo (fresh))
    return;
  fresh_mode = journal_mode (fresh);
  empty_mode = journal_mode (f->db);
  g_assert_cmpstr (fresh_mode, ==, "wal");
  g_assert_cmpstr (empty_mode, ==, "wal");
}

/* Another program's SQLite file (a mistyped --db) must not receive Motcua's tables. */
static void
test_bad_foreign_sqlite (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(MotcuaTestCliResult) r = NULL;

  if (!motcua_test_exec_sql_file (f->db, "PRAGMA journal_mode = DELETE;"
                                         "CREATE TABLE contacts (name TEXT, phone TEXT);"
                                         "INSERT INTO contacts VALUES ('Nguyễn Văn A', '0912345678');"))
    return;
  before = fingerprint (f->db);
  r = motcua_test_run_cli (f->db, "list", NULL);
  after = fingerprint (f->db);
  motcua_test_expect_status (r, 1, "list on another program's SQLite database");
  if (g_strcmp0 (after, before) != 0)
    g_test_fail_printf ("list changed another program's database: %s, was %s", after, before);
}

/* ---- read-only and full disks ------------------------------------------------------- */

static gboolean
remount_read_only (Fixture *f)
{
  if (mount ("tmpfs", f->mount_point, "tmpfs", MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) == 0)
    return TRUE;
  g_test_fail_printf ("cannot remount %s read-only: %s", f->mount_point, g_strerror (errno));
  return FALSE;
}

static char *
setup_read_only (Fixture *f)
{
  g_autofree char *code = NULL;

  if (!mount_tmpfs (f, "size=4m,mode=0755") || !init_demo (f->db)
      || (code = receive (f->db, "Quách Thị Quyên")) == NULL || !remount_read_only (f))
    return NULL;
  return g_steal_pointer (&code);
}

static void
test_read_only_write (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *code = setup_read_only (f);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(MotcuaTestCliResult) r = NULL;

  if (code == NULL)
    return;
  before = fingerprint (f->db);
  r = motcua_test_run_cli (f->db, "receive", "--procedure", TAM_TRU, "--applicant-name", "Sầm Văn Sơn", NULL);
  after = fingerprint (f->db);
  if (motcua_test_expect_status (r, 1, "receive on a read-only disk"))
    expect_contains (r->err, "read-only", "receive on a read-only disk");
  g_assert_cmpstr (after, ==, before);
}

/* Reading from a read-only disk either works or says why it cannot. */
static void
test_read_only_read (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *code = setup_read_only (f);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(MotcuaTestCliResult) r = NULL;

  if (code == NULL)
    return;
  before = fingerprint (f->db);
  r = motcua_test_run_cli (f->db, "list", NULL);
  after = fingerprint (f->db);
  g_test_message ("list on a read-only disk: exit %d, stdout: %s, stderr: %s", r->status, r->out, r->err);
  if (r->status == 0)
    expect_contains (r->out, code, "list on a read-only disk");
  else if (motcua_test_expect_status (r, 1, "list on a read-only disk"))
    expect_contains (r->err, "read-only", "list on a read-only disk");
  g_assert_cmpstr (after, ==, before);
}

/* Without root, file permissions make the file read-only (root ignores them, which is
 * why the tests above use a read-only mount instead). */
static void
test_read_only_file_mode (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *code = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(MotcuaTestCliResult) write = NULL;
  g_autoptr(MotcuaTestCliResult) read = NULL;

  if (geteuid () == 0)
    {
      g_test_skip ("root ignores file permissions; /cli/read-only/write covers this with a read-only mount");
      return;
    }
  if (!init_demo (f->db) || (code = receive (f->db, "Quách Thị Quyên")) == NULL)
    return;
  g_chmod (f->db, 0444);
  g_chmod (f->dir, 0555);
  before = fingerprint (f->db);
  write = motcua_test_run_cli (f->db, "receive", "--procedure", TAM_TRU, "--applicant-name", "Sầm Văn Sơn", NULL);
  read = motcua_test_run_cli (f->db, "list", NULL);
  after = fingerprint (f->db);
  /* Give the teardown its folder back. */
  g_chmod (f->dir, 0700);

  if (motcua_test_expect_status (write, 1, "receive into a read-only file"))
    expect_contains (write->err, "read-only", "receive into a read-only file");
  if (read->status == 0)
    expect_contains (read->out, code, "list of a read-only file");
  else if (motcua_test_expect_status (read, 1, "list of a read-only file"))
    expect_contains (read->err, "read-only", "list of a read-only file");
  g_assert_cmpstr (after, ==, before);
}

/* Writes zeros until the filesystem is full; returns the filler's path. */
static char *
fill_disk (Fixture *f)
{
  g_autofree char *path = g_build_filename (f->mount_point, "filler", NULL);
  static const guint8 zeros[4096];
  int fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

  g_assert_cmpint (fd, >=, 0);
  for (;;)
    {
      ssize_t n = write (fd, zeros, sizeof zeros);

      if (n < 0 && errno == ENOSPC)
        break;
      if (n < 0 && errno != EINTR)
        g_error ("filling %s: %s", path, g_strerror (errno));
    }
  g_close (fd, NULL);
  return g_steal_pointer (&path);
}

/* Frees @bytes at the end of the filler. */
static void
free_space (const char *filler,
            goffset     bytes)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (filler, &st), ==, 0);
  g_assert_cmpint (truncate (filler, st.st_size - bytes), ==, 0);
}

/* Three dossiers on a 1 MiB tmpfs. */
static GPtrArray *
setup_small_disk (Fixture *f)
{
  g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);
  const char *names[] = { "Trịnh Văn Tâm", "Cao Thị Uyên", "Lương Văn Việt" };

  if (!mount_tmpfs (f, "size=1m,mode=0755") || !init_demo (f->db))
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      char *code = receive (f->db, names[i]);
      if (code == NULL)
        return NULL;
      g_ptr_array_add (codes, code);
    }
  return g_steal_pointer (&codes);
}

static void
assert_disk_full_refusal (const char *db,
                          const char *what,
                          const char * const *args)
{
  g_autofree char *before = fingerprint (db);
  g_autoptr(MotcuaTestCliResult) r = motcua_test_run_cli_env (NULL, db, args);
  g_autofree char *after = fingerprint (db);

  if (motcua_test_expect_status (r, 1, what))
    expect_contains (r->err, "full", what);
  g_assert_cmpstr (after, ==, before);
}

/* Not a byte left: receiving says the disk is full. */
static void
test_full_disk_message (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GPtrArray) codes = setup_small_disk (f);
  g_autofree char *filler = NULL;

  if (codes == NULL)
    return;
  filler = fill_disk (f);
  assert_disk_full_refusal (f->db, "receive on a full disk",
                            (const char *[]) { "receive", "--procedure", TAM_TRU, "--applicant-name", "Xa Văn Xuân", NULL });
}

/* Room for SQLite's shared-memory index but not for the journal: the write itself fails. */
static void
test_full_disk_nearly (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) codes = setup_small_disk (f);
  g_autofree char *filler = NULL;

  if (codes == NULL)
    return;
  filler = fill_disk (f);
  free_space (filler, 40 * 1024);
  assert_disk_full_refusal (f->db, "receive on a nearly full disk",
                            (const char *[]) { "receive", "--procedure", TAM_TRU, "--applicant-name", "Yên Thị Yến", NULL });
}

/* After a failed write on a full disk nothing is lost and work resumes once space is freed. */
static void
test_full_disk_recovers (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GPtrArray) codes = setup_small_disk (f);
  g_autoptr(JsonNode) list_node = NULL;
  g_autoptr(MotcuaTestCliResult) check = NULL;
  g_autoptr(MotcuaTestCliResult) demo = NULL;
  g_autofree char *filler = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *next = NULL;
  JsonArray *listed;

  if (codes == NULL)
    return;
  filler = fill_disk (f);
  before = fingerprint (f->db);
  {
    g_autoptr(MotcuaTestCliResult) r = motcua_test_run_cli (f->db, "receive", "--procedure", TAM_TRU,
                                                            "--applicant-name", "Âu Văn Ân", NULL);
    motcua_test_expect_status (r, 1, "receive on a full disk");
  }
  /* With scanned forms, whose files go beside the database too. */
  demo = motcua_test_run_cli (f->db, "demo-data", "--dossiers", "200", "--scanned", "20", NULL);
  after = fingerprint (f->db);
  g_assert_cmpstr (after, ==, before);
  g_remove (filler);

  listed = list_json (f->db, &list_node, NULL);
  g_assert_nonnull (listed);
  if (listed != NULL)
    g_assert_cmpuint (json_array_get_length (listed), ==, codes->len);
  for (guint i = 0; i < codes->len; i++)
    {
      g_autofree char *shown = show_json (f->db, g_ptr_array_index (codes, i));
      g_assert_nonnull (shown);
    }
  check = motcua_test_run_cli (f->db, "check", NULL);
  motcua_test_expect_status (check, 0, "check after freeing the disk");

  /* The failed attempts used up no sequence number. */
  next = receive (f->db, "Ông Văn Ơn");
  g_assert_cmpstr (next, ==, "000.17.22.H56-261123-0004");

  if (demo->status == 0)
    g_test_incomplete ("demo-data exited 0 on a full disk without writing anything: "
                       "motcua_demo_generate() is still a stub");
  else
    {
      motcua_test_expect_status (demo, 1, "demo-data on a full disk");
      expect_contains (demo->err, "full", "demo-data on a full disk");
    }
}

/* ---- main ----------------------------------------------------------------------- */

/* Puts this process in a mount namespace of its own, where a tmpfs mounted by a test
 * disappears with the process even if an assertion kills it before its teardown. */
static void
isolate_mounts (void)
{
  if (geteuid () != 0)
    return;
  if (unshare (CLONE_NEWNS) != 0 || mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
    g_printerr ("# no private mount namespace (%s): tests unmount in their teardown only\n",
                g_strerror (errno));
}

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main (int    argc,
      char **argv)
{
  /* Before any thread exists: unshare(CLONE_NEWNS) refuses multithreaded callers. */
  isolate_mounts ();
  g_test_init (&argc, &argv, NULL);
  g_test_set_nonfatal_assertions ();

  if (g_getenv ("MOTCUA_CLI") == NULL || g_getenv ("MOTCUA_TEST_DATA") == NULL)
    g_error ("Run through meson test: MOTCUA_CLI and MOTCUA_TEST_DATA are not set");

  ADD ("/cli/init-and-catalog", test_init_and_catalog);
  ADD ("/cli/receive-json", test_receive_json);
  ADD ("/cli/list", test_list);
  ADD ("/cli/show-events", test_show_events);
  ADD ("/cli/act-transfer", test_act_transfer);
  ADD ("/cli/refused-action", test_refused_action);
  ADD ("/cli/usage-errors", test_usage_errors);
  ADD ("/cli/unknown-dossier", test_unknown_dossier);
  ADD ("/cli/vietnamese", test_vietnamese);
  ADD ("/cli/calendar", test_calendar);
  ADD ("/cli/check-after-mix", test_check_after_mix);
  ADD ("/cli/json-everywhere", test_json_everywhere);
  ADD ("/cli/bad-file/newer-schema", test_bad_newer_schema);
  ADD ("/cli/bad-file/random-bytes", test_bad_random_bytes);
  ADD ("/cli/bad-file/truncated", test_bad_truncated);
  ADD ("/cli/bad-file/damaged-state-page", test_bad_damaged_state_page);
  ADD ("/cli/bad-file/damaged-index-page", test_bad_damaged_index_page);
  ADD ("/cli/bad-file/empty", test_bad_empty_file);
  ADD ("/cli/bad-file/empty-gets-wal", test_bad_empty_file_wal);
  ADD ("/cli/bad-file/foreign-sqlite", test_bad_foreign_sqlite);
  ADD ("/cli/read-only/write", test_read_only_write);
  ADD ("/cli/read-only/read", test_read_only_read);
  ADD ("/cli/read-only/file-mode", test_read_only_file_mode);
  ADD ("/cli/full-disk/message", test_full_disk_message);
  ADD ("/cli/full-disk/nearly-full", test_full_disk_nearly);
  ADD ("/cli/full-disk/recovers", test_full_disk_recovers);

  return g_test_run ();
}
