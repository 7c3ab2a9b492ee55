/* test-backup.c: `motcua backup` and `motcua restore`, run as a separate program.
 *
 * One profile (demo agency, 200 demo dossiers and one dossier with two attachments)
 * is made once per test in its own folder. A profile's "fingerprint" is the name and
 * SHA-256 of every file under its folder: comparing fingerprints shows both that the
 * profile is byte for byte unchanged and that no temporary file was left beside it.
 */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "motcua-test-util.h"

#define TAM_TRU "1.004194"

typedef struct {
  char *dir;
  char *db;        /* dir/profile/motcua.db */
  char *backup;    /* dir/backup.mcb */
} Fixture;

static MotcuaTestCliResult *
run (const char *db, const char * const *args)
{
  return motcua_test_run_cli_env (NULL, db, args);
}

static gboolean
run_ok (const char *db, const char * const *args, const char *what)
{
  g_autoptr(MotcuaTestCliResult) r = run (db, args);

  return motcua_test_expect_status (r, 0, what);
}

static void
receive_with_attachments (Fixture *f)
{
  g_autofree char *pdf = g_build_filename (f->dir, "scan.pdf", NULL);
  g_autofree char *png = g_build_filename (f->dir, "photo.png", NULL);
  const char pdf_bytes[] = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";
  const guint8 png_bytes[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R', 0xff, 0x00 };

  motcua_test_write_file (pdf, pdf_bytes, sizeof pdf_bytes - 1);
  motcua_test_write_file (png, png_bytes, sizeof png_bytes);
  run_ok (f->db, (const char *[]) { "receive", "--procedure", TAM_TRU, "--applicant-name", "Trần Thị Bình",
                                    "--id-number", "001190012345", "--attach", pdf, "--attach", png, NULL },
          "receive --attach");
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autofree char *profile = NULL;

  f->dir = motcua_test_make_temp_dir ("motcua-backup-XXXXXX");
  profile = g_build_filename (f->dir, "profile", NULL);
  f->db = g_build_filename (profile, "motcua.db", NULL);
  f->backup = g_build_filename (f->dir, "backup.mcb", NULL);
  run_ok (f->db, (const char *[]) { "init", "--demo", NULL }, "init --demo");
  run_ok (f->db, (const char *[]) { "demo-data", "--dossiers", "200", NULL }, "demo-data");
  receive_with_attachments (f);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  motcua_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->db);
  g_free (f->backup);
}

/* ---- fingerprints --------------------------------------------------------------- */

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
fingerprint_tree (const char *root, const char *relative, GString *out)
{
  g_autofree char *path = g_build_filename (root, relative, NULL);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *child = g_build_filename (relative, names->pdata[i], NULL);
      g_autofree char *full = g_build_filename (root, child, NULL);
      g_autofree char *bytes = NULL;
      gsize length = 0;

      if (g_file_test (full, G_FILE_TEST_IS_DIR))
        {
          g_string_append_printf (out, "%s/\n", child);
          fingerprint_tree (root, child, out);
        }
      else if (g_file_get_contents (full, &bytes, &length, NULL))
        {
          g_autofree char *sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (guint8 *) bytes, length);
          g_string_append_printf (out, "%s %s\n", child, sum);
        }
    }
}

/* Every file under the profile's folder with its hash. */
static char *
fingerprint (Fixture *f)
{
  g_autofree char *profile = g_path_get_dirname (f->db);
  GString *out = g_string_new (NULL);

  fingerprint_tree (profile, "", out);
  return g_string_free (out, FALSE);
}

static char *
data_digest (const char *db)
{
  g_autofree char *dossiers = motcua_test_table_digest (db, "dossiers");
  g_autofree char *events = motcua_test_table_digest (db, "events");

  return g_strconcat (dossiers, " / ", events, NULL);
}

static gboolean
expect_contains (const char *text, const char *needle, const char *what)
{
  g_autofree char *flat = NULL;

  if (text != NULL && strstr (text, needle) != NULL)
    return TRUE;
  flat = motcua_test_one_line (text);
  g_test_fail_printf ("%s: “%s” not found in: %s", what, needle, flat);
  return FALSE;
}

static gboolean
backup (Fixture *f)
{
  return run_ok (f->db, (const char *[]) { "backup", f->backup, NULL }, "backup");
}

/* No FILE.tmp or snapshot beside the backup. */
static void
assert_no_backup_temp (Fixture *f)
{
  g_autofree char *tmp = g_strconcat (f->backup, ".tmp", NULL);
  g_autofree char *snapshot = g_strconcat (f->backup, ".tmp-database", NULL);

  g_assert_false (g_file_test (tmp, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (snapshot, G_FILE_TEST_EXISTS));
}

static void
remove_profile (Fixture *f)
{
  g_autofree char *profile = g_path_get_dirname (f->db);

  motcua_test_remove_tree (profile);
}

/* ---- tests ------------------------------------------------------------------------ */

static void
test_round_trip (Fixture *f, gconstpointer data)
{
  g_autofree char *digest = data_digest (f->db);
  g_autofree char *before = fingerprint (f);
  g_autoptr(MotcuaTestCliResult) r = NULL;
  g_autoptr(MotcuaTestCliResult) check = NULL;
  g_autofree char *after = NULL;
  g_autofree char *restored_digest = NULL;

  g_assert_true (strstr (before, ".attachments/") != NULL);
  if (!backup (f))
    return;
  assert_no_backup_temp (f);

  r = run (f->db, (const char *[]) { "backup", "--inspect", f->backup, NULL });
  motcua_test_expect_status (r, 0, "backup --inspect");
  expect_contains (r->out, "Dossiers:    201", "inspect");
  expect_contains (r->out, "Attachments: 2", "inspect");
  g_clear_pointer (&r, motcua_test_cli_result_free);

  remove_profile (f);
  r = run (f->db, (const char *[]) { "restore", f->backup, NULL });
  if (!motcua_test_expect_status (r, 0, "restore"))
    return;
  expect_contains (r->out, "There was no previous profile", "restore");

  restored_digest = data_digest (f->db);
  g_assert_cmpstr (restored_digest, ==, digest);
  /* The same files, the database aside (SQLite's header counters may differ). */
  after = fingerprint (f);
  {
    g_autofree char *before_blobs = g_strdup (strstr (before, "motcua.db.attachments/"));
    g_autofree char *after_blobs = g_strdup (strstr (after, "motcua.db.attachments/"));

    g_assert_cmpstr (after_blobs, ==, before_blobs);
  }
  g_assert_null (strstr (after, ".restore-"));
  check = run (f->db, (const char *[]) { "check", NULL });
  motcua_test_expect_status (check, 0, "check after restore");
}

static void
test_json (Fixture *f, gconstpointer data)
{
  g_autoptr(MotcuaTestCliResult) r = run (f->db, (const char *[]) { "--json", "backup", f->backup, NULL });

  motcua_test_expect_status (r, 0, "backup --json");
  expect_contains (r->out, "\"dossiers\" : 201", "backup --json");
  expect_contains (r->out, "\"attachments\" : 2", "backup --json");
  g_clear_pointer (&r, motcua_test_cli_result_free);
  r = run (f->db, (const char *[]) { "--json", "restore", f->backup, "--force-pending", NULL });
  motcua_test_expect_status (r, 0, "restore --json");
  expect_contains (r->out, "\"previous_profile\"", "restore --json");
}

/* Tries to restore @file over the profile and checks it is refused with @message and
 * the profile is exactly as it was, with nothing left beside it. */
static void
expect_refused (Fixture *f, const char *file, const char *message)
{
  g_autofree char *before = fingerprint (f);
  g_autofree char *after = NULL;
  g_autoptr(MotcuaTestCliResult) r = run (f->db, (const char *[]) { "restore", file, "--force-pending", NULL });

  if (motcua_test_expect_status (r, 1, message))
    expect_contains (r->err, message, file);
  after = fingerprint (f);
  g_assert_cmpstr (after, ==, before);
  g_clear_pointer (&r, motcua_test_cli_result_free);
  r = run (f->db, (const char *[]) { "backup", "--inspect", file, NULL });
  motcua_test_expect_status (r, 1, "inspect of a bad backup");
}

static char *
read_backup (Fixture *f, gsize *length)
{
  char *bytes = NULL;

  g_assert_true (g_file_get_contents (f->backup, &bytes, length, NULL));
  return bytes;
}

static char *
write_variant (Fixture *f, const char *name, const char *bytes, gsize length)
{
  char *path = g_build_filename (f->dir, name, NULL);

  motcua_test_write_file (path, bytes, length);
  return path;
}

/* Where the database member starts: after the header and the manifest. */
static gsize
database_offset (const guint8 *bytes)
{
  guint64 manifest_length = 0;

  for (int i = 0; i < 8; i++)
    manifest_length = (manifest_length << 8) | bytes[14 + 4 + i];
  return 14 + 4 + 8 + manifest_length;
}

static void
test_refuses_bad_backups (Fixture *f, gconstpointer data)
{
  gsize length;
  g_autofree char *bytes = NULL;
  g_autofree char *cut = NULL, *db_flip = NULL, *blob_flip = NULL, *random = NULL, *foreign = NULL;
  g_autofree char *newer = NULL, *random_bytes = NULL;

  if (!backup (f))
    return;
  bytes = read_backup (f, &length);

  cut = write_variant (f, "cut.mcb", bytes, length / 2);
  expect_refused (f, cut, "is incomplete");

  bytes[database_offset ((guint8 *) bytes) + 4000] ^= 0x01;
  db_flip = write_variant (f, "db-flip.mcb", bytes, length);
  expect_refused (f, db_flip, "is damaged");
  bytes[database_offset ((guint8 *) bytes) + 4000] ^= 0x01;

  /* The last attachment ends just before the 32-byte checksum. */
  bytes[length - 33] ^= 0x80;
  blob_flip = write_variant (f, "blob-flip.mcb", bytes, length);
  expect_refused (f, blob_flip, "is damaged");
  bytes[length - 33] ^= 0x80;

  random_bytes = g_malloc (64 * 1024);
  for (guint i = 0; i < 64 * 1024; i++)
    random_bytes[i] = g_random_int_range (0, 256);
  random = write_variant (f, "random.mcb", random_bytes, 64 * 1024);
  expect_refused (f, random, "is not a Motcua backup");

  foreign = g_build_filename (f->dir, "other-app.sqlite", NULL);
  g_assert_true (motcua_test_exec_sql_file (foreign, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);"
                                                     "INSERT INTO notes (body) VALUES ('hello');"));
  expect_refused (f, foreign, "is not a Motcua backup");

  /* A later format version, checksum and all: a newer Motcua made it. */
  bytes[14 + 3] = 2;
  {
    g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
    gsize digest_length = 32;

    g_checksum_update (checksum, (guint8 *) bytes, length - 32);
    g_checksum_get_digest (checksum, (guint8 *) bytes + length - 32, &digest_length);
  }
  newer = write_variant (f, "newer.mcb", bytes, length);
  expect_refused (f, newer, "newer version of Motcua");
}

static void
test_pending_events (Fixture *f, gconstpointer data)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *digest = NULL;
  g_autoptr(MotcuaTestCliResult) r = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autofree char *aside = NULL;
  g_autofree char *profile = g_path_get_dirname (f->db);
  const char *name;

  if (!backup (f))
    return;
  /* One more dossier after the backup: work the restore would set aside. */
  run_ok (f->db, (const char *[]) { "receive", "--procedure", TAM_TRU, "--applicant-name", "Lê Văn Cường",
                                    "--id-number", "001090054321", NULL }, "receive after backup");
  digest = data_digest (f->db);
  before = fingerprint (f);

  r = run (f->db, (const char *[]) { "restore", f->backup, NULL });
  if (motcua_test_expect_status (r, 1, "restore with pending events"))
    {
      expect_contains (r->err, "events the server has not yet accepted", "pending refusal");
      expect_contains (r->err, "--force-pending", "pending refusal");
    }
  after = fingerprint (f);
  g_assert_cmpstr (after, ==, before);
  g_clear_pointer (&r, motcua_test_cli_result_free);

  r = run (f->db, (const char *[]) { "restore", f->backup, "--force-pending", NULL });
  if (!motcua_test_expect_status (r, 0, "restore --force-pending"))
    return;
  expect_contains (r->out, "The previous profile was kept as", "restore --force-pending");

  dir = g_dir_open (profile, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_assert_null (strstr (name, ".restore-"));
      if (g_str_has_prefix (name, "motcua.db.before-restore-") && !g_str_has_suffix (name, ".attachments")
          && !g_str_has_suffix (name, "-wal") && !g_str_has_suffix (name, "-shm"))
        aside = g_build_filename (profile, name, NULL);
    }
  g_assert_nonnull (aside);
  if (aside == NULL)
    return;
  /* The set-aside copy is a whole profile that still holds the pending work. */
  {
    g_autofree char *aside_digest = data_digest (aside);
    g_autoptr(MotcuaTestCliResult) list = run (aside, (const char *[]) { "list", "--search", "Lê Văn Cường", NULL });
    g_autoptr(MotcuaTestCliResult) restored = run (f->db, (const char *[]) { "list", "--search", "Lê Văn Cường", NULL });

    g_assert_cmpstr (aside_digest, ==, digest);
    expect_contains (list->out, "Lê Văn Cường", "set-aside profile");
    g_assert_null (strstr (restored->out, "Lê Văn Cường"));
  }
}

static void
own_process_group (gpointer data)
{
  setpgid (0, 0);
}

/* A child process receiving dossiers in a loop while backups are taken. */
static GPid
start_writer (Fixture *f)
{
  g_auto(GStrv) env = motcua_test_cli_environment (NULL);
  g_autofree char *script = g_strdup_printf (
      "while :; do \"$MOTCUA_CLI\" --db '%s' receive --procedure %s --applicant-name 'Phạm Thị Dung' "
      "--id-number 001190099999 >/dev/null 2>&1; done", f->db, TAM_TRU);
  const char *argv[] = { "/bin/sh", "-c", script, NULL };
  g_autoptr(GError) error = NULL;
  GPid pid = 0;

  if (!g_spawn_async (NULL, (char **) argv, env, G_SPAWN_DO_NOT_REAP_CHILD, own_process_group,
                      NULL, &pid, &error))
    g_error ("Cannot start the writer: %s", error->message);
  return pid;
}

static void
test_backup_while_writing (Fixture *f, gconstpointer data)
{
  GPid writer = start_writer (f);
  int status;

  g_usleep (300 * 1000);
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("live-%d.mcb", i);
      g_autofree char *file = g_build_filename (f->dir, name, NULL);
      g_autofree char *target = g_strdup_printf ("%s/restored-%d/motcua.db", f->dir, i);
      g_autoptr(MotcuaTestCliResult) r = NULL;

      if (!run_ok (f->db, (const char *[]) { "backup", file, NULL }, "backup while writing"))
        break;
      r = run (target, (const char *[]) { "restore", file, NULL });
      if (!motcua_test_expect_status (r, 0, "restore of a live backup"))
        break;
      g_clear_pointer (&r, motcua_test_cli_result_free);
      r = run (target, (const char *[]) { "check", NULL });
      motcua_test_expect_status (r, 0, "check of a live backup");
    }
  /* The shell and its current motcua are in their own process group. */
  kill (-writer, SIGTERM);
  waitpid (writer, &status, 0);
  g_spawn_close_pid (writer);
}

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_set_nonfatal_assertions ();

  if (g_getenv ("MOTCUA_CLI") == NULL)
    g_error ("Run through meson test: MOTCUA_CLI is not set");

  ADD ("/backup/round-trip", test_round_trip);
  ADD ("/backup/json", test_json);
  ADD ("/backup/refuses-bad-backups", test_refuses_bad_backups);
  ADD ("/backup/pending-events", test_pending_events);
  ADD ("/backup/while-writing", test_backup_while_writing);

  return g_test_run ();
}
