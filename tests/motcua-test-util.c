/* motcua-test-util.c: helpers the unit tests share; see motcua-test-util.h. */
#include <sys/wait.h>

#include <glib/gstdio.h>

#include "motcua-test-util.h"
#include "motcua-demo.h"
#include "motcua-time.h"

/* ---- files ------------------------------------------------------------------ */

/* A fresh folder for one test; without it no test can run, hence g_error(). */
char *
motcua_test_make_temp_dir (const char *tmpl)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp (tmpl, &error);

  if (dir == NULL)
    g_error ("Cannot make a temporary folder: %s", error->message);
  return dir;
}

/* Removes @path and everything below it. Symbolic links are removed, never followed,
 * so a link a test made cannot lead outside its folder. */
void
motcua_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_remove (path);
      return;
    }
  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      motcua_test_remove_tree (child);
    }
  g_rmdir (path);
}

/* Writes @length bytes of @data (-1: a NUL-terminated string) to @path. */
void
motcua_test_write_file (const char *path,
                        const void *data,
                        gssize      length)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, length, &error);
  g_assert_no_error (error);
}

/* ---- SQL -------------------------------------------------------------------- */

/* Runs @sql on an open database; reports and returns FALSE when SQLite refuses it. */
gboolean
motcua_test_exec_sql (sqlite3    *db,
                      const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) == SQLITE_OK)
    return TRUE;
  /* Also as a comment: a caller that asserts on the result aborts before the failure
   * message reaches the TAP line. */
  g_test_message ("%s: %s", sql, message);
  g_test_fail_printf ("%s: %s", sql, message);
  sqlite3_free (message);
  return FALSE;
}

/* Runs @sql on a database file directly, as another program (or a newer Motcua)
 * would. */
gboolean
motcua_test_exec_sql_file (const char *path,
                           const char *sql)
{
  sqlite3 *db = NULL;
  int rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  gboolean ok = FALSE;

  if (rc == SQLITE_OK)
    ok = motcua_test_exec_sql (db, sql);
  else
    g_test_fail_printf ("sqlite3 on %s: %s", path, db ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
  sqlite3_close (db);
  return ok;
}

/* The integer in the first column of the first row; the query must give a row.
 * -1 when it does not (reached only when assertions are non-fatal). */
gint64
motcua_test_sql_int (sqlite3    *db,
                     const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;
  int rc;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  rc = sqlite3_step (stmt);
  g_assert_cmpint (rc, ==, SQLITE_ROW);
  if (rc == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

char *
motcua_test_sql_text (sqlite3    *db,
                      const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return value;
}

gint64
motcua_test_store_int (MotcuaStore *store,
                       const char  *sql)
{
  return motcua_test_sql_int (motcua_store_get_db (store), sql);
}

gint64
motcua_test_search_index_bytes (sqlite3 *db)
{
  return motcua_test_sql_int (db, "SELECT sum(length(CAST(block AS BLOB))) FROM dossier_search_data")
         + motcua_test_sql_int (db, "SELECT sum(length(CAST(term AS BLOB))) FROM dossier_search_idx")
         + motcua_test_sql_int (db, "SELECT sum(length(CAST(code AS BLOB)) + length(CAST(name AS BLOB))"
                                    " + length(CAST(ids AS BLOB)) + length(CAST(procedure AS BLOB))"
                                    " + length(CAST(keys AS BLOB))) FROM dossier_search_text");
}

MotcuaStore *
motcua_test_open_office (const char         *path,
                         const MotcuaAgency *agency)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) catalog = motcua_catalog_load_demo (&error);
  MotcuaStore *store = motcua_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_true (motcua_store_set_agency (store, agency, &error));
  g_assert_true (motcua_store_add_user (store, "clerk", "Nguyễn Thị Lan", MOTCUA_ROLE_CLERK, &error));
  g_assert_true (motcua_store_add_user (store, "spec", "Lê Văn Hùng", MOTCUA_ROLE_SPECIALIST, &error));
  g_assert_true (motcua_store_add_user (store, "boss", "Phạm Minh Đức", MOTCUA_ROLE_SUPERVISOR, &error));
  g_assert_true (motcua_store_import_catalog (store, catalog, &error));
  g_assert_no_error (error);
  return store;
}

MotcuaStore *
motcua_test_open_demo_office (const char         *path,
                              const MotcuaAgency *agency)
{
  g_autoptr(GError) error = NULL;
  MotcuaStore *store = motcua_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_true (motcua_store_set_agency (store, agency, &error));
  g_assert_true (motcua_demo_setup (store, &error));
  g_assert_no_error (error);
  return store;
}

/* ---- time ------------------------------------------------------------------- */

/* A wall-clock time in Vietnam (the agency's zone). */
GDateTime *
motcua_test_vn_time (int year,
                     int month,
                     int day,
                     int hour,
                     int minute,
                     int second)
{
  g_autoptr(GTimeZone) tz = motcua_time_zone_default ();

  return g_date_time_new (tz, year, month, day, hour, minute, second);
}

/* An ISO 8601 time written in a test; one that does not parse is a mistake in the test. */
GDateTime *
motcua_test_parse_time (const char *iso8601)
{
  GDateTime *time = g_date_time_new_from_iso8601 (iso8601, NULL);

  g_assert_nonnull (time);
  return time;
}

/* ---- the motcua command line (MOTCUA_CLI) ----------------------------------- */

void
motcua_test_cli_result_free (MotcuaTestCliResult *result)
{
  g_free (result->out);
  g_free (result->err);
  g_free (result);
}

/* A known environment: English, the pinned clock, no database or user from outside.
 * @extra holds name/value pairs, applied last. */
char **
motcua_test_cli_environment (const char * const *extra)
{
  char **env = g_get_environ ();

  env = g_environ_unsetenv (env, "MOTCUA_DB");
  env = g_environ_unsetenv (env, "MOTCUA_USER");
  env = g_environ_unsetenv (env, "LC_ALL");
  env = g_environ_unsetenv (env, "LC_MESSAGES");
  env = g_environ_unsetenv (env, "LANGUAGE");
  env = g_environ_setenv (env, "LANG", "C.UTF-8", TRUE);
  env = g_environ_setenv (env, "MOTCUA_NOW", MOTCUA_TEST_NOW, TRUE);
  for (guint i = 0; extra != NULL && extra[i] != NULL && extra[i + 1] != NULL; i += 2)
    env = g_environ_setenv (env, extra[i], extra[i + 1], TRUE);
  return env;
}

/* Runs `$MOTCUA_CLI --db @db @args…` in motcua_test_cli_environment (@extra_env) and
 * collects what it printed and its exit status. */
MotcuaTestCliResult *
motcua_test_run_cli_env (const char * const *extra_env,
                         const char         *db,
                         const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) env = motcua_test_cli_environment (extra_env);
  g_autoptr(GError) error = NULL;
  MotcuaTestCliResult *result = g_new0 (MotcuaTestCliResult, 1);
  int wait_status = 0;

  g_ptr_array_add (argv, (gpointer) g_getenv ("MOTCUA_CLI"));
  g_ptr_array_add (argv, (gpointer) "--db");
  g_ptr_array_add (argv, (gpointer) db);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  if (!g_spawn_sync (NULL, (char **) argv->pdata, env, G_SPAWN_DEFAULT, NULL, NULL,
                     &result->out, &result->err, &wait_status, &error))
    g_error ("Cannot run %s: %s", g_getenv ("MOTCUA_CLI"), error->message);
  result->status = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1;
  return result;
}

/* motcua_test_run_cli_env() with no extra environment and the arguments listed. */
MotcuaTestCliResult *
motcua_test_run_cli (const char *db,
                     ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  const char *arg;
  va_list ap;

  va_start (ap, db);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  return motcua_test_run_cli_env (NULL, db, (const char * const *) args->pdata);
}

/* The program's output on one line: a failure message ends up on a TAP line. */
char *
motcua_test_one_line (const char *text)
{
  char *copy = g_strdup (text ? text : "(null)");

  return g_strdelimit (g_strstrip (copy), "\r\n", ' ');
}

/* Checks the exit status, showing what the program said when it is not the expected one. */
gboolean
motcua_test_expect_status (MotcuaTestCliResult *result,
                           int                  expected,
                           const char          *what)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  if (result->status == expected)
    return TRUE;
  out = motcua_test_one_line (result->out);
  err = motcua_test_one_line (result->err);
  g_test_fail_printf ("%s: exit status %d, expected %d; stdout: %s; stderr: %s",
                      what, result->status, expected, out, err);
  return FALSE;
}

/* ---- signing -------------------------------------------------------------------- */

char *
motcua_test_pki_setup (void)
{
  const char *setup = g_getenv ("MOTCUA_PKI_SETUP");
  char *dir = motcua_test_make_temp_dir ("motcua-pki-XXXXXX");
  const char *argv[] = { "sh", setup, dir, NULL };
  g_autofree char *err = NULL;
  g_autofree char *conf = NULL;
  int status = -1;

  g_assert_nonnull (setup);
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, &err, &status, NULL)
      || !g_spawn_check_wait_status (status, NULL))
    g_error ("pki-setup.sh failed: %s", err ? err : "");
  /* The token folder is the test's own: the module reads this when it loads. */
  conf = g_build_filename (dir, "softhsm2.conf", NULL);
  g_setenv ("SOFTHSM2_CONF", conf, TRUE);
  return dir;
}

const char *
motcua_test_softhsm_module (void)
{
  const char *module = g_getenv ("SOFTHSM2_MODULE");

  return module != NULL && *module != '\0' ? module : "/usr/lib/softhsm/libsofthsm2.so";
}

char *
motcua_test_table_digest (const char *db_path, const char *table)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *sql = g_strdup_printf ("SELECT * FROM %s ORDER BY id", table);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 rows = 0;

  /* Read-write, so that closing removes the -wal and -shm a read-only reader would leave. */
  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      for (int c = 0; c < sqlite3_column_count (stmt); c++)
        {
          int type = sqlite3_column_type (stmt, c);
          const void *bytes = sqlite3_column_blob (stmt, c);

          g_checksum_update (checksum, (guint8 *) &type, sizeof type);
          if (bytes != NULL)
            g_checksum_update (checksum, bytes, sqlite3_column_bytes (stmt, c));
          g_checksum_update (checksum, (guint8 *) "\x1f", 1);
        }
      rows++;
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return g_strdup_printf ("%" G_GINT64_FORMAT " rows %s", rows, g_checksum_get_string (checksum));
}
