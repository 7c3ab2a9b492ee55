/* test-auth.c: who works at this workstation — passwords, sign-in with a rate limit,
 * disabled accounts, administration and delegation of signing authority.
 *
 * Real PBKDF2 from GnuTLS, a real SQLite file reopened between attempts, and the real
 * `motcua` command line (MOTCUA_CLI) with the clock pinned to Monday 23 November 2026
 * 09:00 in Vietnam.
 */
#include <glib.h>
#include <gnutls/crypto.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "motcua-auth.h"
#include "motcua-error.h"
#include "motcua-event.h"
#include "motcua-store.h"
#include "motcua-store-users.h"
#include "motcua-test-util.h"
#include "motcua-time.h"

#define TAM_TRU  "1.004194"   /* temporary residence, in the demo catalog */
#define OTHER    "1.001731"   /* funeral support, also in the demo catalog */
#define PASSWORD "Lan-2026-mk"

typedef struct {
  char *dir;
  char *db;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(MotcuaTestCliResult) init = NULL;

  f->dir = motcua_test_make_temp_dir ("motcua-auth-XXXXXX");
  f->db = g_build_filename (f->dir, "motcua.db", NULL);
  init = motcua_test_run_cli (f->db, "init", "--demo", NULL);
  g_assert_true (motcua_test_expect_status (init, 0, "init --demo"));
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  motcua_test_remove_tree (f->dir);
  g_free (f->db);
  g_free (f->dir);
}

static MotcuaStore *
open_store (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  MotcuaStore *store = motcua_store_open (f->db, &error);

  g_assert_no_error (error);
  return store;
}

/* Runs the CLI and checks its exit status and, when given, a piece of what it printed. */
static void
cli_expect (Fixture *f, int status, const char *expected_text, const char * const *args)
{
  g_autoptr(MotcuaTestCliResult) r = motcua_test_run_cli_env (NULL, f->db, args);
  g_autofree char *what = g_strjoinv (" ", (char **) args);

  g_assert_true (motcua_test_expect_status (r, status, what));
  if (expected_text != NULL && strstr (r->out, expected_text) == NULL && strstr (r->err, expected_text) == NULL)
    g_test_fail_printf ("“%s” did not say “%s”: %s%s", what, expected_text, r->out, r->err);
}

#define CLI(f, status, text, ...) cli_expect (f, status, text, (const char *[]) { __VA_ARGS__, NULL })

/* ---- hashing ------------------------------------------------------------------ */

static void
test_hash_format (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *first = motcua_auth_hash_password (PASSWORD, &error);
  g_autofree char *second = motcua_auth_hash_password (PASSWORD, &error);
  g_autofree char *prefix = g_strdup_printf ("pbkdf2-sha256$%d$", MOTCUA_AUTH_ITERATIONS);
  g_auto(GStrv) parts = NULL;

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (first, prefix));
  parts = g_strsplit (first, "$", -1);
  g_assert_cmpuint (g_strv_length (parts), ==, 4);
  g_assert_cmpint (MOTCUA_AUTH_ITERATIONS, >=, 100000);
  /* A fresh salt each time: the same password never gives the same string. */
  g_assert_cmpstr (first, !=, second);
  g_assert_null (strstr (first, PASSWORD));
  g_assert_true (motcua_auth_verify_password (first, PASSWORD));
  g_assert_true (motcua_auth_verify_password (second, PASSWORD));
  g_assert_false (motcua_auth_verify_password (first, "Lan-2026-mK"));
  g_assert_false (motcua_auth_verify_password (first, ""));
  g_assert_false (motcua_auth_needs_rehash (first));

  /* Damaged or foreign strings match nothing. */
  g_assert_false (motcua_auth_verify_password ("", PASSWORD));
  g_assert_false (motcua_auth_verify_password ("pbkdf2-sha256$0$AAAA$AAAA", PASSWORD));
  g_assert_false (motcua_auth_verify_password ("md5$1$x$y", PASSWORD));
  g_assert_false (motcua_auth_verify_password (NULL, PASSWORD));
  g_assert_true (motcua_auth_needs_rehash ("md5$1$x$y"));

  g_assert_false (motcua_auth_check_strength ("12345", &error));
  g_assert_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT);
  g_assert_true (motcua_auth_check_strength ("123456", NULL));
}

/* A hash written with fewer iterations (as an older version might have) still works,
 * and is replaced by today's count at the next sign-in. */
static void
test_old_hash_rehashed (Fixture *f, gconstpointer data)
{
  g_autoptr(MotcuaStore) store = open_store (f);
  g_autoptr(MotcuaUser) user = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *salt_text = NULL, *hash_text = NULL, *old = NULL, *sql = NULL, *now_hash = NULL;
  guchar salt[16] = "motcua-test-salt";
  guchar hash[32];
  gnutls_datum_t key = { (unsigned char *) PASSWORD, strlen (PASSWORD) };
  gnutls_datum_t salt_datum = { salt, sizeof salt };
  sqlite3_stmt *stmt;

  g_assert_cmpint (gnutls_pbkdf2 (GNUTLS_MAC_SHA256, &key, &salt_datum, 1000, hash, sizeof hash), ==, 0);
  salt_text = g_base64_encode (salt, sizeof salt);
  hash_text = g_base64_encode (hash, sizeof hash);
  old = g_strdup_printf ("pbkdf2-sha256$1000$%s$%s", salt_text, hash_text);
  sql = g_strdup_printf ("UPDATE users SET password_hash = '%s' WHERE username = 'clerk2'", old);
  g_assert_true (motcua_test_exec_sql (motcua_store_get_db (store), sql));
  g_assert_true (motcua_auth_needs_rehash (old));

  user = motcua_store_authenticate (store, "clerk2", PASSWORD, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (user->username, ==, "clerk2");

  sqlite3_prepare_v2 (motcua_store_get_db (store), "SELECT password_hash FROM users WHERE username = 'clerk2'",
                      -1, &stmt, NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  now_hash = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  g_assert_false (motcua_auth_needs_rehash (now_hash));
  g_assert_true (motcua_auth_verify_password (now_hash, PASSWORD));
}

/* ---- signing in --------------------------------------------------------------- */

static void
assert_sign_in_fails (MotcuaStore *store, const char *password, GDateTime *now, const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaUser) user = motcua_store_authenticate (store, "clerk1", password, now, &error);

  g_assert_null (user);
  g_assert_error (error, MOTCUA_ERROR, MOTCUA_ERROR_PERMISSION);
  if (strstr (error->message, expected) == NULL)
    g_test_fail_printf ("“%s” does not say “%s”", error->message, expected);
}

static void
test_wrong_password_and_rate_limit (Fixture *f, gconstpointer data)
{
  g_autoptr(GDateTime) now = motcua_test_vn_time (2026, 11, 23, 9, 0, 0);
  g_autoptr(GDateTime) soon = g_date_time_add_seconds (now, 30);
  g_autoptr(GDateTime) later = g_date_time_add_minutes (now, 2);
  g_autoptr(GDateTime) much_later = g_date_time_add_minutes (now, 10);
  g_autoptr(MotcuaStore) store = open_store (f);
  g_autoptr(MotcuaUser) user = NULL;
  g_autoptr(GError) error = NULL;
  gboolean has_password = TRUE;

  g_assert_true (motcua_store_user_has_password (store, "clerk1", &has_password, &error));
  g_assert_false (has_password);
  g_assert_true (motcua_store_set_password (store, "clerk1", PASSWORD, &error));
  g_assert_no_error (error);
  g_assert_true (motcua_store_user_has_password (store, "clerk1", &has_password, &error));
  g_assert_true (has_password);

  for (int i = 1; i < MOTCUA_SIGN_IN_FREE_ATTEMPTS; i++)
    assert_sign_in_fails (store, "sai-mat-khau", now, "Wrong password");
  assert_sign_in_fails (store, "sai-mat-khau", now, "locked for 1 more minute");

  /* Closing and reopening (restarting the program) does not reset the count. */
  g_clear_object (&store);
  store = open_store (f);
  assert_sign_in_fails (store, PASSWORD, soon, "locked for 1 more minute");

  /* After the wait one more wrong attempt locks for twice as long. */
  assert_sign_in_fails (store, "sai-mat-khau", later, "locked for 2 more minutes");
  g_clear_object (&store);
  store = open_store (f);
  assert_sign_in_fails (store, PASSWORD, later, "locked for 2 more minutes");

  user = motcua_store_authenticate (store, "clerk1", PASSWORD, much_later, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (user->full_name, ==, "Nguyễn Thị Lan");
  g_assert_cmpint (motcua_test_store_int (store, "SELECT failed_attempts FROM users WHERE username = 'clerk1'"), ==, 0);
  /* The count starts again from zero. */
  assert_sign_in_fails (store, "sai-mat-khau", much_later, "Wrong password");
}

static void
test_disabled_and_passwordless (Fixture *f, gconstpointer data)
{
  g_autoptr(MotcuaStore) store = open_store (f);
  g_autoptr(MotcuaUser) user = NULL;
  g_autoptr(GError) error = NULL;

  /* A profile older than passwords: its users sign in with an empty one, only. */
  user = motcua_store_authenticate (store, "clerk1", "", NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&user, motcua_user_free);
  assert_sign_in_fails (store, "anything", NULL, "Wrong password");

  g_assert_true (motcua_store_set_password (store, "clerk1", PASSWORD, &error));
  assert_sign_in_fails (store, "", NULL, "Wrong password");
  g_assert_true (motcua_store_set_user_disabled (store, "clerk1", TRUE, &error));
  assert_sign_in_fails (store, PASSWORD, NULL, "disabled");
  g_assert_true (motcua_store_set_user_disabled (store, "clerk1", FALSE, &error));
  user = motcua_store_authenticate (store, "clerk1", PASSWORD, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (user);

  g_assert_false (motcua_store_set_password (store, "clerk1", "123", &error));
  g_assert_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_null (motcua_store_authenticate (store, "nobody", PASSWORD, NULL, &error));
  g_assert_error (error, MOTCUA_ERROR, MOTCUA_ERROR_NOT_FOUND);
}

/* ---- administration on the command line ---------------------------------------- */

static void
test_cli_user_admin (Fixture *f, gconstpointer data)
{
  g_autofree char *password_file = g_build_filename (f->dir, "password", NULL);
  g_autofree char *short_file = g_build_filename (f->dir, "short", NULL);
  g_autoptr(MotcuaStore) store = NULL;
  g_autoptr(MotcuaUser) user = NULL;
  g_autoptr(GError) error = NULL;

  motcua_test_write_file (password_file, "Em-2026-an-toan\n", -1);
  motcua_test_write_file (short_file, "12\n", -1);

  /* The current user of the demo is a clerk: administration is refused. */
  CLI (f, 1, "Only an administrator", "user", "add", "clerk3", "--role", "clerk", "--name", "Hà Văn Em");
  CLI (f, 1, "Only an administrator", "user", "disable", "clerk2", "--as", "supervisor1");
  CLI (f, 2, NULL, "user", "add", "clerk3", "--role", "boss", "--as", "admin");
  CLI (f, 1, "at least 6", "user", "add", "clerk3", "--role", "clerk", "--as", "admin",
       "--password-file", short_file);
  CLI (f, 1, "lowercase letters", "user", "add", "Hà.Em", "--role", "clerk", "--as", "admin",
       "--password-file", password_file);
  CLI (f, 0, "clerk3", "user", "add", "clerk3", "--role", "clerk", "--name", "Hà Văn Em", "--as", "admin",
       "--password-file", password_file);
  CLI (f, 1, "at least 6", "user", "passwd", "clerk2", "--as", "admin", "--password-file", short_file);
  CLI (f, 1, "no user", "user", "passwd", "nobody", "--as", "admin", "--password-file", password_file);
  CLI (f, 0, NULL, "user", "passwd", "clerk2", "--as", "admin", "--password-file", password_file);
  CLI (f, 1, "own account", "user", "disable", "admin", "--as", "admin");
  CLI (f, 0, NULL, "user", "disable", "clerk2", "--as", "admin");
  CLI (f, 0, "(disabled)", "user", "list");
  CLI (f, 1, "disabled", "receive", "--procedure", TAM_TRU, "--applicant-name", "Đinh Văn Phú", "--as", "clerk2");
  CLI (f, 0, NULL, "user", "enable", "clerk2", "--as", "admin");
  CLI (f, 2, NULL, "user", "frobnicate", "clerk2");

  store = open_store (f);
  user = motcua_store_authenticate (store, "clerk3", "Em-2026-an-toan", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (user->role, ==, MOTCUA_ROLE_CLERK);
  g_clear_pointer (&user, motcua_user_free);
  user = motcua_store_authenticate (store, "clerk2", "Em-2026-an-toan", NULL, &error);
  g_assert_no_error (error);
  g_assert_false (user->disabled);
}

/* ---- delegation ------------------------------------------------------------------ */

/* Receives a temporary-residence dossier and takes it to the supervisor's desk. */
static char *
awaiting_approval (Fixture *f, const char *applicant, const char *procedure)
{
  g_autoptr(MotcuaTestCliResult) r = motcua_test_run_cli (f->db, "--json", "receive", "--procedure", procedure,
                                                          "--applicant-name", applicant, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *code = NULL;
  const char *steps[][4] = {
    { "transfer", "--to", "Công an xã", NULL },
    { "examine", "--as", "specialist1", NULL },
    { "draft", "--as", "specialist1", NULL },
    { "submit", "--as", "specialist1", NULL },
  };

  g_assert_true (motcua_test_expect_status (r, 0, "receive"));
  g_assert_true (json_parser_load_from_data (parser, r->out, -1, NULL));
  code = g_strdup (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "code"));
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autoptr(MotcuaTestCliResult) step = NULL;
      const char *args[6] = { "act", code, NULL };

      for (guint j = 0; j < 3 && steps[i][j] != NULL; j++)
        args[2 + j] = steps[i][j];
      step = motcua_test_run_cli_env (NULL, f->db, args);
      g_assert_true (motcua_test_expect_status (step, 0, steps[i][0]));
    }
  return g_steal_pointer (&code);
}

static MotcuaEvent *
last_event (Fixture *f, const char *code, JsonObject **payload)
{
  g_autoptr(MotcuaStore) store = open_store (f);
  g_autoptr(MotcuaDossier) dossier = motcua_store_get_dossier (store, code, NULL);
  g_autoptr(GPtrArray) events = motcua_store_get_events (store, motcua_dossier_get_uid (dossier), NULL);
  MotcuaEvent *event = g_ptr_array_steal_index (events, events->len - 1);

  *payload = motcua_event_parse_payload (event, NULL);
  return event;
}

static void
test_delegation (Fixture *f, gconstpointer data)
{
  g_autofree char *code = awaiting_approval (f, "Vũ Thị Hằng", TAM_TRU);
  g_autofree char *other = awaiting_approval (f, "Phan Văn Khoa", OTHER);
  g_autoptr(MotcuaEvent) event = NULL;
  g_autoptr(JsonObject) payload = NULL;

  /* Without a delegation neither a clerk nor a specialist may approve. */
  CLI (f, 1, NULL, "act", code, "approve", "--as", "clerk1");
  CLI (f, 1, NULL, "act", code, "approve", "--as", "specialist2");

  /* Who may delegate, to whom, and with what dates. */
  CLI (f, 1, "Only supervisor1 or an administrator", "delegate", "add", "--from", "supervisor1", "--to",
       "specialist2", "--procedures", TAM_TRU, "--from-date", "2026-11-01", "--to-date", "2026-11-30");
  CLI (f, 1, "Only a supervisor", "delegate", "add", "--from", "specialist1", "--to", "specialist2",
       "--procedures", TAM_TRU, "--from-date", "2026-11-01", "--to-date", "2026-11-30", "--as", "admin");
  CLI (f, 1, "cannot be a deputy", "delegate", "add", "--from", "supervisor1", "--to", "admin",
       "--procedures", TAM_TRU, "--from-date", "2026-11-01", "--to-date", "2026-11-30", "--as", "supervisor1");
  CLI (f, 1, "not a date", "delegate", "add", "--from", "supervisor1", "--to", "specialist2",
       "--procedures", TAM_TRU, "--from-date", "2026-02-30", "--to-date", "2026-11-30", "--as", "supervisor1");
  CLI (f, 1, "before it begins", "delegate", "add", "--from", "supervisor1", "--to", "specialist2",
       "--procedures", TAM_TRU, "--from-date", "2026-11-30", "--to-date", "2026-11-01", "--as", "supervisor1");
  CLI (f, 2, NULL, "delegate", "add", "--from", "supervisor1", "--to", "specialist2");

  /* One for another procedure does not cover this dossier. */
  CLI (f, 0, NULL, "delegate", "add", "--from", "supervisor1", "--to", "specialist2", "--procedures", OTHER,
       "--from-date", "2026-11-20", "--to-date", "2026-11-27", "--as", "admin");
  CLI (f, 1, "covers only", "act", code, "approve", "--as", "specialist2");
  /* An expired one for this procedure delegation no longer works, and says so. */
  CLI (f, 0, NULL, "delegate", "add", "--from", "supervisor1", "--to", "specialist2", "--procedures", TAM_TRU,
       "--from-date", "2026-11-01", "--to-date", "2026-11-20", "--as", "supervisor1");
  CLI (f, 1, "ended on 2026-11-20", "act", code, "approve", "--as", "specialist2");

  /* The one in force for this procedure and today does. */
  CLI (f, 0, NULL, "delegate", "add", "--from", "supervisor1", "--to", "specialist2",
       "--procedures", "2.000815," TAM_TRU, "--from-date", "2026-11-23", "--to-date", "2026-11-23",
       "--as", "supervisor1");
  CLI (f, 0, NULL, "act", code, "approve", "--as", "specialist2");
  CLI (f, 0, "on behalf of Lê Thị Thu Hà", "show", code);
  event = last_event (f, code, &payload);
  g_assert_cmpstr (event->kind, ==, "approve");
  g_assert_cmpstr (event->actor, ==, "specialist2");
  g_assert_cmpstr (event->actor_role, ==, "supervisor");
  g_assert_cmpstr (motcua_payload_delegator_name (payload), ==, "Lê Thị Thu Hà");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (payload, "delegation"),
                                                  "delegator"), ==, "supervisor1");

  /* The delegation for the other procedure (id 1) covers the other dossier; revoked,
   * it no longer does. Only the delegator or an administrator may revoke. */
  CLI (f, 0, "\"revoked\" : false", "--json", "delegate", "list");
  CLI (f, 1, "no delegation 1", "delegate", "revoke", "1", "--as", "clerk1");
  CLI (f, 0, NULL, "delegate", "revoke", "1", "--as", "supervisor1");
  CLI (f, 1, "revoked", "act", other, "approve", "--as", "specialist2");
  CLI (f, 1, "no delegation 1", "delegate", "revoke", "1", "--as", "admin");
  CLI (f, 2, NULL, "delegate", "revoke", "two");
  /* The supervisor still approves in their own right, with no delegation recorded. */
  CLI (f, 0, NULL, "act", other, "approve", "--as", "supervisor1");
  g_clear_pointer (&event, motcua_event_free);
  g_clear_pointer (&payload, json_object_unref);
  event = last_event (f, other, &payload);
  g_assert_cmpstr (event->actor_role, ==, "supervisor");
  g_assert_null (motcua_payload_delegator_name (payload));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_set_nonfatal_assertions ();

#define ADD(path, func) \
  g_test_add ("/auth/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  g_test_add_func ("/auth/hash-format", test_hash_format);
  ADD ("old-hash-rehashed", test_old_hash_rehashed);
  ADD ("wrong-password-and-rate-limit", test_wrong_password_and_rate_limit);
  ADD ("disabled-and-passwordless", test_disabled_and_passwordless);
  ADD ("cli-user-admin", test_cli_user_admin);
  ADD ("delegation", test_delegation);

#undef ADD
  return g_test_run ();
}
