/* test-ui-restore.c: restoring a backup from the window.
 *
 * A profile (demo agency, demo dossiers, one dossier with two attachments) is backed up
 * from the window; a dossier received afterwards must be gone once the backup is
 * restored through the window, every original dossier, event and attachment byte for
 * byte as before, and the replaced profile kept aside with the new dossier in it. A
 * truncated or foreign file is refused with a message and the profile stays as it was.
 */
#include <glib/gstdio.h>
#include <string.h>

#include "motcua-application.h"
#include "motcua-test-util.h"
#include "motcua-window.h"
#include "ui-test-util.h"

#define NOW "2026-11-23T09:00:00+07:00"
#define TAM_TRU "1.004194"

typedef struct {
  char           *dir;
  char           *profile;   /* dir/profile */
  char           *db;        /* dir/profile/office.db */
  char           *backup;
  GtkApplication *app;
  MotcuaWindow   *window;
} Fixture;

static MotcuaTestCliResult *
cli (const char *db, const char * const *args)
{
  return motcua_test_run_cli_env (NULL, db, args);
}

static void
cli_ok (const char *db, const char * const *args, const char *what)
{
  g_autoptr(MotcuaTestCliResult) result = cli (db, args);

  g_assert_true (motcua_test_expect_status (result, 0, what));
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaStore) store = NULL;
  g_autofree char *pdf = NULL;
  g_autofree char *png = NULL;
  const char pdf_bytes[] = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";
  const guint8 png_bytes[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R', 0xff };

  f->dir = motcua_test_make_temp_dir ("motcua-ui-restore-XXXXXX");
  f->profile = g_build_filename (f->dir, "profile", NULL);
  f->db = g_build_filename (f->profile, "office.db", NULL);
  f->backup = g_build_filename (f->dir, "office.motcua-backup", NULL);
  pdf = g_build_filename (f->dir, "scan.pdf", NULL);
  png = g_build_filename (f->dir, "photo.png", NULL);
  motcua_test_write_file (pdf, pdf_bytes, sizeof pdf_bytes - 1);
  motcua_test_write_file (png, png_bytes, sizeof png_bytes);
  cli_ok (f->db, (const char *[]) { "init", "--demo", NULL }, "init --demo");
  cli_ok (f->db, (const char *[]) { "demo-data", "--dossiers", "120", NULL }, "demo-data");
  cli_ok (f->db, (const char *[]) { "receive", "--procedure", TAM_TRU, "--applicant-name", "Lê Thị Thu Trang",
                                    "--id-number", "001190054321", "--attach", pdf, "--attach", png, NULL },
          "receive --attach");

  /* The window holds the only references to the profile, as in the application. */
  store = motcua_store_open (f->db, &error);
  g_assert_no_error (error);
  f->window = MOTCUA_WINDOW (ui_test_open_window (store, "io.github.motcua.Desk.TestRestore", &f->app));
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  ui_test_iterate (50);
  g_clear_object (&f->app);
  motcua_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->profile);
  g_free (f->db);
  g_free (f->backup);
}

/* ---- what the profile holds ------------------------------------------------------------ */

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Name and SHA-256 of every attachment file. */
static void
hash_tree (const char *path, GString *out)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *child = g_build_filename (path, names->pdata[i], NULL);
      g_autofree char *bytes = NULL;
      gsize length = 0;

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        hash_tree (child, out);
      else if (g_file_get_contents (child, &bytes, &length, NULL))
        {
          g_autofree char *sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (guint8 *) bytes, length);

          g_string_append_printf (out, "%s %s %zu\n", (char *) names->pdata[i], sum, length);
        }
    }
}

/* Every dossier as `motcua --json list` shows it, the dossiers' and the journal's rows,
 * and every attachment's bytes. */
static char *
profile_contents (Fixture *f)
{
  g_autoptr(MotcuaTestCliResult) list = cli (f->db, (const char *[]) { "--json", "list", "--limit", "100000", NULL });
  g_autofree char *dossiers = motcua_test_table_digest (f->db, "dossiers");
  g_autofree char *events = motcua_test_table_digest (f->db, "events");
  g_autofree char *blobs_dir = g_strconcat (f->db, ".attachments", NULL);
  GString *out = g_string_new (NULL);

  g_assert_true (motcua_test_expect_status (list, 0, "--json list"));
  g_string_append_printf (out, "%s\ndossiers: %s\nevents: %s\n", list->out, dossiers, events);
  hash_tree (blobs_dir, out);
  return g_string_free (out, FALSE);
}

static guint
count_blobs (Fixture *f)
{
  g_autofree char *contents = profile_contents (f);
  const char *lines = strstr (contents, "events: ");
  guint n = 0;

  for (const char *p = strchr (lines, '\n'); p != NULL && p[1] != '\0'; p = strchr (p + 1, '\n'))
    n++;
  return n;
}

/* Files beside the profile whose name contains @part. */
static char *
find_beside (Fixture *f, const char *part)
{
  g_autoptr(GDir) dir = g_dir_open (f->profile, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (strstr (name, part) != NULL && !g_str_has_suffix (name, "-wal") && !g_str_has_suffix (name, "-shm")
        && !g_str_has_suffix (name, ".attachments"))
      return g_build_filename (f->profile, name, NULL);
  return NULL;
}

/* ---- the window's dialogs ---------------------------------------------------------------- */

static AdwMessageDialog *
message_dialog (void)
{
  return (AdwMessageDialog *) ui_test_find_message_dialog ();
}

static gboolean
dialog_shown (gpointer heading)
{
  AdwMessageDialog *dialog = message_dialog ();

  return dialog != NULL && g_strcmp0 (adw_message_dialog_get_heading (dialog), heading) == 0;
}

/* Waits for the dialog with @heading, and returns its body. */
static char *
expect_dialog (const char *heading)
{
  AdwMessageDialog *dialog;

  if (!ui_test_wait_until (dialog_shown, (gpointer) heading, 60000))
    {
      dialog = message_dialog ();
      g_error ("No dialog “%s” (%s: %s)", heading, dialog ? adw_message_dialog_get_heading (dialog) : "none",
               dialog ? adw_message_dialog_get_body (dialog) : "");
    }
  return g_strdup (adw_message_dialog_get_body (message_dialog ()));
}

static gboolean
file_exists (gpointer path)
{
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static void
back_up_from_the_window (Fixture *f)
{
  motcua_window_back_up (f->window, f->backup);
  g_assert_true (ui_test_wait_until (file_exists, f->backup, 30000));
  ui_test_iterate (200);
}

static GListModel *
queue_model (Fixture *f)
{
  GtkWidget *list = ui_test_find_by_id (motcua_window_get_queue_pane (f->window), "list_view");
  GtkSelectionModel *model = gtk_list_view_get_model (GTK_LIST_VIEW (list));

  return model ? G_LIST_MODEL (model) : NULL;
}

static gboolean
queue_has_rows (gpointer data)
{
  GListModel *model = queue_model (data);

  return model != NULL && g_list_model_get_n_items (model) > 0;
}

/* ---- tests ---------------------------------------------------------------------------- */

static void
test_round_trip (Fixture *f, gconstpointer data)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *question = NULL;
  g_autofree char *outcome = NULL;
  g_autofree char *aside = NULL;
  g_autofree char *new_code = NULL;
  g_autoptr(MotcuaTestCliResult) received = NULL;
  g_autoptr(MotcuaTestCliResult) gone = NULL;
  g_autoptr(MotcuaTestCliResult) kept = NULL;

  back_up_from_the_window (f);
  before = profile_contents (f);
  g_assert_cmpuint (count_blobs (f), ==, 2);

  /* Work done after the backup, not yet sent to any server. */
  received = cli (f->db, (const char *[]) { "--json", "receive", "--procedure", TAM_TRU, "--applicant-name",
                                            "Đặng Văn Khoa", "--id-number", "001090011223", NULL });
  g_assert_true (motcua_test_expect_status (received, 0, "receive"));
  {
    g_autoptr(JsonParser) parser = json_parser_new ();

    g_assert_true (json_parser_load_from_data (parser, received->out, -1, NULL));
    new_code = g_strdup (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)),
                                                        "code"));
  }
  g_assert_nonnull (new_code);

  motcua_window_restore_from (f->window, f->backup);
  question = expect_dialog ("Restore This Backup?");
  g_assert_nonnull (strstr (question, "dossiers"));
  /* Nothing here was ever accepted by a server: the window says so before restoring. */
  g_assert_nonnull (strstr (question, "the server has not accepted yet"));
  ui_test_answer_message_dialog ("restore");
  outcome = expect_dialog ("Backup Restored");
  g_assert_nonnull (strstr (outcome, "is kept as"));
  ui_test_answer_message_dialog ("close");
  g_assert_true (ui_test_wait_until (queue_has_rows, f, 10000));
  g_assert_true (gtk_widget_get_sensitive (ui_test_find_by_id (GTK_WIDGET (f->window), "stack")));

  after = profile_contents (f);
  g_assert_cmpstr (after, ==, before);
  gone = cli (f->db, (const char *[]) { "show", new_code, NULL });
  g_assert_true (motcua_test_expect_status (gone, 1, "show of the dossier received after the backup"));

  /* The replaced profile is aside, with the new dossier in it. */
  aside = find_beside (f, ".before-restore-");
  g_assert_nonnull (aside);
  kept = cli (aside, (const char *[]) { "show", new_code, NULL });
  g_assert_true (motcua_test_expect_status (kept, 0, "show in the profile kept aside"));

  /* The window works on the restored profile: a backup of it again. */
  g_remove (f->backup);
  back_up_from_the_window (f);
}

static void
expect_refused (Fixture *f, const char *file)
{
  g_autofree char *before = profile_contents (f);
  g_autofree char *after = NULL;
  g_autofree char *body = NULL;
  g_autofree char *aside = NULL;
  g_autofree char *staged = NULL;

  motcua_window_restore_from (f->window, file);
  body = expect_dialog ("This File Cannot Be Restored");
  g_assert_nonnull (strstr (body, "The current profile was not touched."));
  ui_test_answer_message_dialog ("close");
  after = profile_contents (f);
  g_assert_cmpstr (after, ==, before);
  aside = find_beside (f, ".before-restore-");
  staged = find_beside (f, ".restore-");
  g_assert_null (aside);
  g_assert_null (staged);
  g_assert_true (queue_has_rows (f));
}

static void
test_refuses_bad_files (Fixture *f, gconstpointer data)
{
  g_autofree char *bytes = NULL;
  g_autofree char *truncated = g_build_filename (f->dir, "truncated.motcua-backup", NULL);
  g_autofree char *foreign = g_build_filename (f->dir, "photo.png", NULL);
  gsize length = 0;

  back_up_from_the_window (f);
  g_assert_true (g_file_get_contents (f->backup, &bytes, &length, NULL));
  motcua_test_write_file (truncated, bytes, length * 2 / 3);

  expect_refused (f, truncated);
  expect_refused (f, foreign);
}

int
main (int argc, char **argv)
{
  g_setenv ("MOTCUA_NOW", NOW, TRUE);
  g_setenv ("LANGUAGE", "en", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  motcua_ui_register_resources ();

  g_test_add ("/restore/round-trip", Fixture, NULL, fixture_set_up, test_round_trip, fixture_tear_down);
  g_test_add ("/restore/refuses-bad-files", Fixture, NULL, fixture_set_up, test_refuses_bad_files, fixture_tear_down);
  return g_test_run ();
}
