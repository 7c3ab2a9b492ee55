/* bench-office.c: the demo office the window benchmarks measure. */

#include <glib/gstdio.h>
#include <stdio.h>

#include "bench-office.h"
#include "motcua-store.h"

char **
bench_office_environment (const char *now)
{
  char **env = g_get_environ ();

  env = g_environ_setenv (env, "MOTCUA_NOW", now, TRUE);
  env = g_environ_unsetenv (env, "MOTCUA_DB");
  return env;
}

void
bench_office_run_cli (const char *now, const char *db, const char *first, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) env = bench_office_environment (now);
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  const char *arg;
  int status = 0;
  va_list ap;

  g_ptr_array_add (argv, (gpointer) g_getenv ("MOTCUA_CLI"));
  g_ptr_array_add (argv, (gpointer) "--db");
  g_ptr_array_add (argv, (gpointer) db);
  va_start (ap, first);
  for (arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_sync (NULL, (char **) argv->pdata, env, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                     NULL, &err, &status, &error)
      || !g_spawn_check_wait_status (status, NULL))
    g_error ("motcua %s failed: %s", first, error ? error->message : err);
}

static gint64
count_dossiers (const char *db)
{
  g_autoptr(MotcuaStore) store = g_file_test (db, G_FILE_TEST_EXISTS) ? motcua_store_open (db, NULL) : NULL;
  MotcuaDossierQuery query = { 0, };

  return store ? motcua_store_count_dossiers (store, &query, NULL) : -1;
}

void
bench_office_remove_database (const char *db)
{
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (db, suffixes[i], NULL);
      g_unlink (file);
    }
}

void
bench_office_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        bench_office_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

void
bench_office_make (const char *now, const char *db, guint n_dossiers)
{
  g_autofree char *count = g_strdup_printf ("%u", n_dossiers);
  gint64 start;

  if (count_dossiers (db) == n_dossiers)
    {
      printf ("Reusing %s (%u dossiers)\n", db, n_dossiers);
      return;
    }
  bench_office_remove_database (db);
  printf ("Making a demo office of %u dossiers…\n", n_dossiers);
  fflush (stdout);
  start = g_get_monotonic_time ();
  bench_office_run_cli (now, db, "init", "--demo", NULL);
  bench_office_run_cli (now, db, "demo-data", "--dossiers", count, NULL);
  printf ("  done in %.1f s\n", (g_get_monotonic_time () - start) / 1e6);
}

char *
bench_office_prepare (const char *now, const char *name, guint n_dossiers, char **dir)
{
  const char *env_db = g_getenv ("MOTCUA_BENCH_DB");
  g_autofree char *template = g_strdup_printf ("motcua-bench-%s-XXXXXX", name);
  char *db;

  *dir = NULL;
  if (g_getenv ("MOTCUA_CLI") == NULL)
    {
      g_printerr ("MOTCUA_CLI must name the motcua command line\n");
      return NULL;
    }
  g_setenv ("MOTCUA_NOW", now, TRUE);
  if (env_db != NULL && *env_db != '\0')
    db = g_strdup (env_db);
  else
    {
      *dir = g_dir_make_tmp (template, NULL);
      db = g_build_filename (*dir, "office.db", NULL);
    }
  bench_office_make (now, db, n_dossiers);
  return db;
}
