/* bench-demo-data.c: `motcua demo-data --dossiers 200000` in under 60 s.
 *
 * Runs the real command line on a fresh database and reports its time beside a floor
 * measured in the same run: SQLite writing the very same data (VACUUM INTO a new file,
 * which rebuilds every table and index), so the ratio says how much the journal, the
 * fold, the hashing and the search index cost on top of storing the bytes.
 */

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <locale.h>
#include <stdlib.h>

#define TARGET_SECONDS 60.0

static double
run_cli (const char *cli, const char *db, const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  gint64 start;

  g_ptr_array_add (argv, (gpointer) cli);
  g_ptr_array_add (argv, (gpointer) "--db");
  g_ptr_array_add (argv, (gpointer) db);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  start = g_get_monotonic_time ();
  process = g_subprocess_newv ((const char * const *) argv->pdata, G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error);
  if (process == NULL || !g_subprocess_wait_check (process, NULL, &error))
    g_error ("%s failed: %s", args[0], error->message);
  return (g_get_monotonic_time () - start) / 1e6;
}

static double
vacuum_into (const char *db, const char *copy)
{
  sqlite3 *handle = NULL;
  g_autofree char *sql = g_strdup_printf ("VACUUM INTO '%s'", copy);
  gint64 start;

  if (sqlite3_open (db, &handle) != SQLITE_OK)
    g_error ("cannot open %s", db);
  start = g_get_monotonic_time ();
  if (sqlite3_exec (handle, sql, NULL, NULL, NULL) != SQLITE_OK)
    g_error ("VACUUM INTO failed: %s", sqlite3_errmsg (handle));
  sqlite3_close (handle);
  return (g_get_monotonic_time () - start) / 1e6;
}

int
main (void)
{
  const char *cli = g_getenv ("MOTCUA_CLI");
  const char *wanted = g_getenv ("MOTCUA_BENCH_DOSSIERS");
  guint n = wanted ? (guint) atoi (wanted) : 200000;
  g_autofree char *dir = g_dir_make_tmp ("motcua-bench-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "demo.db", NULL);
  g_autofree char *copy = g_build_filename (dir, "copy.db", NULL);
  g_autofree char *count = g_strdup_printf ("%u", n);
  const char * const init[] = { "init", "--demo", NULL };
  const char * const generate[] = { "demo-data", "--dossiers", count, "--seed", "7", NULL };
  double seconds, floor;
  GStatBuf st;

  setlocale (LC_ALL, "");
  if (cli == NULL)
    g_error ("MOTCUA_CLI is not set (run through meson test --benchmark)");

  run_cli (cli, db, init);
  seconds = run_cli (cli, db, generate);
  floor = vacuum_into (db, copy);
  g_stat (db, &st);

  g_print ("demo-data: %u dossiers in %.1f s (%.0f dossiers/s), database %.0f MiB\n",
           n, seconds, n / seconds, st.st_size / 1048576.0);
  g_print ("floor (SQLite rewriting the same data, VACUUM INTO): %.1f s; ratio %.2f\n", floor, seconds / floor);
  g_print ("target: %u dossiers under %.0f s → %s\n", n, TARGET_SECONDS * n / 200000,
           seconds <= TARGET_SECONDS * n / 200000 ? "PASS" : "FAIL");

  g_unlink (copy);
  g_unlink (db);
  {
    g_autofree char *wal = g_strconcat (db, "-wal", NULL);
    g_autofree char *shm = g_strconcat (db, "-shm", NULL);
    g_unlink (wal);
    g_unlink (shm);
  }
  g_rmdir (dir);
  return seconds <= TARGET_SECONDS * n / 200000 ? EXIT_SUCCESS : EXIT_FAILURE;
}
