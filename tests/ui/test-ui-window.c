/* test-ui-window.c: the whole window, as a clerk meets it.
 *
 * Opens MotcuaWindow on a generated database under Xvfb, receives a dossier through the
 * window's own action and the real receive dialog, attaches a multi-page PDF and a
 * damaged one through the editor and checks what the viewer pane shows, and checks that
 * a narrow window gives the viewer's room to the other panes.
 */

#include <glib/gstdio.h>

#include "motcua-application.h"
#include "motcua-dossier-editor.h"
#include "motcua-dossier-list.h"
#include "motcua-pdf-view.h"
#include "motcua-queue-pane.h"
#include "motcua-receive-dialog.h"
#include "motcua-test-util.h"
#include "motcua-window.h"
#include "ui-test-util.h"

#define NOW "2026-11-23T09:00:00+07:00"

typedef struct {
  char           *dir;
  char           *db;
  MotcuaStore    *store;
  GtkApplication *app;
  MotcuaWindow   *window;
  GPtrArray      *received;   /* codes announced by the dialog */
} Fixture;
static gboolean
wait_until (gboolean (*ready) (gpointer), gpointer data, guint timeout_ms)
{
  gint64 until = g_get_monotonic_time () + timeout_ms * 1000;

  while (!ready (data) && g_get_monotonic_time () < until)
    ui_test_iterate (10);
  return ready (data);
}
static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->store = ui_test_demo_office ("motcua-ui-window-XXXXXX", "400", &f->dir, &f->db);
  f->received = g_ptr_array_new_with_free_func (g_free);

  f->window = MOTCUA_WINDOW (ui_test_open_window (f->store, "io.github.motcua.Desk.TestWindow", &f->app));
  ui_test_iterate (100);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  ui_test_iterate (50);
  g_clear_object (&f->store);
  g_clear_object (&f->app);
  g_ptr_array_unref (f->received);
  motcua_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->db);
}

static GListModel *
queue_model (Fixture *f)
{
  GtkWidget *list = ui_test_find_by_id (motcua_window_get_queue_pane (f->window), "list_view");

  g_assert_true (GTK_IS_LIST_VIEW (list));
  return G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (list)));
}

static gboolean
queue_has_rows (gpointer data)
{
  return g_list_model_get_n_items (queue_model (data)) > 0;
}

static void
collect_mapped_labels (GtkWidget *widget, GPtrArray *texts)
{
  if (!gtk_widget_get_mapped (widget))
    return;
  if (GTK_IS_LABEL (widget))
    g_ptr_array_add (texts, g_strdup (gtk_label_get_text (GTK_LABEL (widget))));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    collect_mapped_labels (child, texts);
}

static void
test_opens_on_the_queue (Fixture *f, gconstpointer data)
{
  MotcuaDossierEditor *editor = MOTCUA_DOSSIER_EDITOR (motcua_window_get_editor (f->window));

  g_assert_true (gtk_widget_get_mapped (motcua_window_get_queue_pane (f->window)));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (editor)));
  g_assert_true (gtk_widget_get_mapped (motcua_window_get_pdf_view (f->window)));
  g_assert_true (wait_until (queue_has_rows, f, 5000));

  /* The keyboard's "next dossier" opens the first row in the editor. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.next-dossier", NULL);
  ui_test_iterate (200);
  g_assert_nonnull (motcua_dossier_editor_get_code (editor));

  /* Ctrl+P opens the dossier's slips menu. */
  {
    GtkWidget *slips = gtk_widget_get_first_child (ui_test_require_by_id (GTK_WIDGET (editor), "slip_button"));

    gtk_widget_activate_action (GTK_WIDGET (f->window), "win.print-slip", NULL);
    ui_test_iterate (50);
    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (slips)))));
    gtk_menu_button_popdown (GTK_MENU_BUTTON (slips));
  }

  /* A clerk (the demo's current user) is offered neither the supervisors' dashboard
   * nor the administrator's preferences and restore. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.dashboard", NULL);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.preferences", NULL);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.restore", NULL);
  ui_test_iterate (100);
  g_assert_cmpuint (g_list_model_get_n_items (gtk_window_get_toplevels ()), ==, 1);

  /* Nor does the main menu show them, greyed out or otherwise. */
  {
    GtkWidget *menu = ui_test_require_by_id (GTK_WIDGET (f->window), "menu_button");
    g_autoptr(GPtrArray) shown = g_ptr_array_new_with_free_func (g_free);

    gtk_menu_button_popup (GTK_MENU_BUTTON (menu));
    ui_test_iterate (100);
    collect_mapped_labels (GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (menu))), shown);
    gtk_menu_button_popdown (GTK_MENU_BUTTON (menu));
    g_assert_true (g_ptr_array_find_with_equal_func (shown, "Keyboard Shortcuts", g_str_equal, NULL));
    g_assert_true (g_ptr_array_find_with_equal_func (shown, "Back Up This Workstation…", g_str_equal, NULL));
    g_assert_false (g_ptr_array_find_with_equal_func (shown, "Dashboard", g_str_equal, NULL));
    g_assert_false (g_ptr_array_find_with_equal_func (shown, "Preferences", g_str_equal, NULL));
    g_assert_false (g_ptr_array_find_with_equal_func (shown, "Restore From Backup…", g_str_equal, NULL));
  }
}

static MotcuaReceiveDialog *
find_receive_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (MOTCUA_IS_RECEIVE_DIALOG (window))
        return MOTCUA_RECEIVE_DIALOG (window);
    }
  return NULL;
}

static gboolean
dialog_shown (gpointer data)
{
  return find_receive_dialog () != NULL;
}

static void
type_into (GtkWidget *root, const char *id, const char *text)
{
  GtkWidget *entry = ui_test_find_by_id (root, id);

  g_assert_nonnull (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), text);
  ui_test_iterate (20);
}

static void
click (GtkWidget *root, const char *id)
{
  GtkWidget *button = ui_test_find_by_id (root, id);

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button) && gtk_widget_get_visible (button));
  g_signal_emit_by_name (button, "clicked");
  ui_test_iterate (100);
}

static gboolean
dialog_at_step (gpointer data)
{
  MotcuaReceiveDialog *dialog = find_receive_dialog ();
  return dialog != NULL && g_strcmp0 (motcua_receive_dialog_get_step (dialog), data) == 0;
}

static void
test_receive_through_the_window (Fixture *f, gconstpointer data)
{
  MotcuaDossierEditor *editor = MOTCUA_DOSSIER_EDITOR (motcua_window_get_editor (f->window));
  MotcuaReceiveDialog *dialog;
  GtkWidget *root;
  g_autoptr(MotcuaDossier) dossier = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;

  /* Ctrl+N and the Receive button both activate win.receive. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.receive", NULL);
  g_assert_true (wait_until (dialog_shown, NULL, 3000));
  dialog = find_receive_dialog ();
  root = GTK_WIDGET (dialog);

  g_assert_true (motcua_receive_dialog_select_procedure (dialog, "2.000815"));
  for (guint i = 0; i < 2; i++)
    motcua_receive_dialog_set_document_provided (dialog, i, TRUE);
  g_assert_cmpuint (motcua_receive_dialog_get_missing_count (dialog), ==, 0);
  click (root, "next_button");
  g_assert_true (wait_until (dialog_at_step, (gpointer) "applicant", 3000));

  type_into (root, "name_row", "Đinh Thị Mỹ Linh");
  type_into (root, "id_number_row", "038196004321");
  type_into (root, "phone_row", "0987654321");
  click (root, "next_button");
  g_assert_true (wait_until (dialog_at_step, (gpointer) "confirm", 3000));
  click (root, "receive_button");
  g_assert_true (wait_until (dialog_at_step, (gpointer) "done", 3000));
  code = g_strdup (motcua_receive_dialog_get_issued_code (dialog));
  g_assert_nonnull (code);
  g_assert_true (g_str_has_prefix (code, "000.17.22.H56-261123-"));
  click (root, "open_button");
  ui_test_iterate (300);

  /* The window opened it in the editor, and the store has it received. */
  g_assert_cmpstr (motcua_dossier_editor_get_code (editor), ==, code);
  dossier = motcua_store_get_dossier (f->store, code, &error);
  g_assert_no_error (error);
  g_assert_cmpint (motcua_dossier_get_status (dossier), ==, MOTCUA_STATUS_RECEIVED);
  g_assert_cmpstr (motcua_dossier_get_applicant_name (dossier), ==, "Đinh Thị Mỹ Linh");
}

/* A real PDF, written with cairo: @pages pages with their number on each. */
static gboolean
viewer_settled (gpointer data)
{
  MotcuaPdfView *view = data;
  return motcua_pdf_view_get_loaded (view) || motcua_pdf_view_get_error_message (view) != NULL;
}

static gboolean
viewer_shows_twelve_pages (gpointer data)
{
  return motcua_pdf_view_get_loaded (data) && motcua_pdf_view_get_n_pages (data) == 12;
}

/* Attaches @path to the dossier shown, as "Add Files…" does: the viewer shows it
 * without being asked, when it is beside the editor. */
static void
attach_file (Fixture *f, const char *path)
{
  MotcuaDossierEditor *editor = MOTCUA_DOSSIER_EDITOR (motcua_window_get_editor (f->window));
  const char *paths[] = { path, NULL };
  GPtrArray *attachments;
  g_autoptr(MotcuaDossier) dossier = NULL;

  motcua_dossier_editor_attach_files (editor, paths);
  ui_test_iterate (300);
  dossier = motcua_store_get_dossier (f->store, motcua_dossier_editor_get_code (editor), NULL);
  attachments = motcua_dossier_get_attachments (dossier);
  g_assert_cmpuint (attachments->len, >, 0);
}

static void
test_documents_in_the_viewer (Fixture *f, gconstpointer data)
{
  MotcuaPdfView *view = MOTCUA_PDF_VIEW (motcua_window_get_pdf_view (f->window));
  g_autofree char *pdf = g_build_filename (f->dir, "ho-so-12-trang.pdf", NULL);
  g_autofree char *broken = g_build_filename (f->dir, "hong.pdf", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *half = NULL;
  gsize length;
  guint n_windows;
  int queue_width;

  /* The window's default size: the viewer's tools fit in the room it had while empty,
   * so a document does not squeeze the queue. */
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1280, 760);
  g_assert_true (wait_until (queue_has_rows, f, 5000));
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.next-dossier", NULL);
  ui_test_iterate (300);
  queue_width = gtk_widget_get_width (motcua_window_get_queue_pane (f->window));

  ui_test_write_pdf (pdf, 12);
  attach_file (f, pdf);
  g_assert_true (wait_until (viewer_settled, view, 10000));
  g_assert_null (motcua_pdf_view_get_error_message (view));
  g_assert_cmpint (motcua_pdf_view_get_n_pages (view), ==, 12);
  ui_test_iterate (200);
  g_assert_cmpint (gtk_widget_get_width (motcua_window_get_queue_pane (f->window)), ==, queue_width);

  /* Control+F finds in the document while the clerk reads it, in the queue otherwise. */
  gtk_widget_grab_focus (ui_test_require_by_id (GTK_WIDGET (view), "canvas"));
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.search", NULL);
  ui_test_iterate (50);
  g_assert_true (gtk_search_bar_get_search_mode (GTK_SEARCH_BAR (ui_test_require_by_id (GTK_WIDGET (view), "search_bar"))));
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (f->window)),
                                         ui_test_require_by_id (GTK_WIDGET (view), "search_entry")));
  g_assert_true (gtk_widget_grab_focus (ui_test_require_by_id (motcua_window_get_editor (f->window), "copy_code_button")));
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.search", NULL);
  ui_test_iterate (50);
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (f->window)),
                                         motcua_window_get_queue_pane (f->window)));

  /* The second half of a PDF is missing: the pane says so, and the window goes on. */
  g_file_get_contents (pdf, &half, &length, &error);
  g_assert_no_error (error);
  g_file_set_contents (broken, half, length / 2, &error);
  g_assert_no_error (error);
  /* On the next dossier, so the damaged file is its only attachment. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.next-dossier", NULL);
  ui_test_iterate (200);
  attach_file (f, broken);
  g_assert_true (wait_until (viewer_settled, view, 10000));
  g_assert_nonnull (motcua_pdf_view_get_error_message (view));
  g_assert_true (gtk_widget_get_mapped (motcua_window_get_queue_pane (f->window)));

  /* Back on the first dossier, its document is beside it at once: nobody opened it. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.previous-dossier", NULL);
  g_assert_true (wait_until (viewer_shows_twelve_pages, view, 10000));
  g_assert_null (motcua_pdf_view_get_error_message (view));
  /* The editor marks which of the dossier's files the viewer shows. */
  {
    GtkWidget *files = ui_test_require_by_id (motcua_window_get_editor (f->window), "attachments_list");
    GtkListBoxRow *shown = gtk_list_box_get_selected_row (GTK_LIST_BOX (files));

    g_assert_nonnull (shown);
    g_assert_cmpint (gtk_list_box_row_get_index (shown), ==, 0);
  }

  /* A dossier without attachments leaves the viewer empty, not showing another's. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.next-dossier", NULL);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.next-dossier", NULL);
  ui_test_iterate (300);
  g_assert_false (motcua_pdf_view_get_loaded (view));
  g_assert_null (motcua_pdf_view_get_error_message (view));
  /* …and says how to add its papers. */
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (ui_test_require_by_id (GTK_WIDGET (view), "empty_page"))),
                   ==, "No Attachments Yet");

  /* With the viewer hidden, moving through the queue opens no window of its own. */
  gtk_window_set_default_size (GTK_WINDOW (f->window), 820, 700);
  ui_test_iterate (300);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (view)));
  n_windows = g_list_model_get_n_items (gtk_window_get_toplevels ());
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.previous-dossier", NULL);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.previous-dossier", NULL);
  ui_test_iterate (300);
  g_assert_cmpuint (g_list_model_get_n_items (gtk_window_get_toplevels ()), ==, n_windows);
  /* Nor does a file just attached. */
  attach_file (f, pdf);
  g_assert_cmpuint (g_list_model_get_n_items (gtk_window_get_toplevels ()), ==, n_windows);

  /* A file not on this workstation (another's, not yet fetched) is neither shown nor
   * reported missing while the clerk moves through the queue. */
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1366, 768);
  ui_test_iterate (300);
  {
    MotcuaDossierEditor *editor = MOTCUA_DOSSIER_EDITOR (motcua_window_get_editor (f->window));
    g_autoptr(MotcuaDossier) first = motcua_store_get_dossier (f->store, motcua_dossier_editor_get_code (editor), NULL);
    MotcuaAttachmentRef *ref = g_ptr_array_index (motcua_dossier_get_attachments (first), 0);
    g_autofree char *blob = motcua_store_get_blob_path (f->store, ref->sha256);

    g_assert_cmpint (g_remove (blob), ==, 0);
    gtk_widget_activate_action (GTK_WIDGET (f->window), "win.next-dossier", NULL);
    ui_test_iterate (200);
    gtk_widget_activate_action (GTK_WIDGET (f->window), "win.previous-dossier", NULL);
    ui_test_iterate (300);
    g_assert_cmpstr (motcua_dossier_editor_get_code (editor), ==, motcua_dossier_get_code (first));
    g_assert_false (motcua_pdf_view_get_loaded (view));
    g_assert_null (motcua_pdf_view_get_error_message (view));
    g_assert_false (gtk_widget_get_visible (ui_test_require_by_id (GTK_WIDGET (editor), "attachments_error")));
    /* It has attachments, to be opened from the list. */
    g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (ui_test_require_by_id (GTK_WIDGET (view), "empty_page"))),
                     ==, "No Document Selected");
  }

  /* A returned dossier takes no more files: the viewer does not say to add some. */
  {
    g_autofree char *returned = motcua_test_sql_text (motcua_store_get_db (f->store),
                                                      "SELECT code FROM dossiers WHERE status = 10 AND id NOT IN"
                                                      " (SELECT dossier_id FROM dossier_attachments) LIMIT 1");

    motcua_window_open_dossier (f->window, returned);
    ui_test_iterate (300);
    g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (ui_test_require_by_id (GTK_WIDGET (view), "empty_page"))),
                     ==, "No Attachments");
  }
}

static int
min_width (GtkWidget *widget)
{
  int minimum = 0;

  gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
  return minimum;
}

/* Whatever the width: no pane under its minimum, the viewer (when shown) all inside
 * the window, and the dossier's code on one line. */
static void
check_layout (Fixture *f, int width)
{
  GtkWidget *viewer = motcua_window_get_pdf_view (f->window);
  GtkWidget *editor = motcua_window_get_editor (f->window);
  GtkLabel *code = GTK_LABEL (ui_test_require_by_id (editor, "code_label"));
  graphene_rect_t bounds;

  gtk_window_set_default_size (GTK_WINDOW (f->window), width, 768);
  ui_test_iterate (300);
  g_test_message ("%d px: viewer %s, %d px; editor %d px", width,
                  gtk_widget_get_visible (viewer) ? "shown" : "hidden",
                  gtk_widget_get_width (viewer), gtk_widget_get_width (editor));
  g_assert_cmpint (gtk_widget_get_width (editor), >=, min_width (editor));
  g_assert_cmpint (pango_layout_get_line_count (gtk_label_get_layout (code)), ==, 1);
  if (!gtk_widget_get_visible (viewer))
    return;
  g_assert_cmpint (gtk_widget_get_width (viewer), >=, min_width (viewer));
  g_assert_true (gtk_widget_compute_bounds (viewer, GTK_WIDGET (f->window), &bounds));
  g_assert_cmpfloat (bounds.origin.x + bounds.size.width, <=, gtk_widget_get_width (GTK_WIDGET (f->window)));
}

static void
test_narrow_window (Fixture *f, gconstpointer data)
{
  GtkWidget *viewer = motcua_window_get_pdf_view (f->window);
  MotcuaQueuePane *queue = MOTCUA_QUEUE_PANE (motcua_window_get_queue_pane (f->window));
  const int widths[] = { 1180, 1250, 1280, 1366 };
  gboolean shown_before_any_dossier;

  /* The editor is as wide as a dossier's code before one is shown: whether the
   * viewer fits does not change at the first dossier. */
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1250, 768);
  ui_test_iterate (300);
  shown_before_any_dossier = gtk_widget_get_visible (viewer);
  motcua_queue_pane_select_next (queue);
  ui_test_iterate (300);
  g_assert_cmpint (gtk_widget_get_visible (viewer), ==, shown_before_any_dossier);
  g_assert_nonnull (motcua_dossier_editor_get_code (MOTCUA_DOSSIER_EDITOR (motcua_window_get_editor (f->window))));

  gtk_window_set_default_size (GTK_WINDOW (f->window), 820, 700);
  ui_test_iterate (300);
  g_assert_false (gtk_widget_get_visible (viewer));

  /* Wider than that, but still short of what the three panes need at their narrowest
   * (1024 px, an old office screen): the viewer does not come back cut off. */
  check_layout (f, 1024);
  g_assert_false (gtk_widget_get_visible (viewer));
  for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
    check_layout (f, widths[i]);
  /* The usual office screen has room for all three. */
  g_assert_true (gtk_widget_get_visible (viewer));
}

static gboolean
file_exists (gpointer path)
{
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/* The menu's backup, once a file is chosen: written while the window stays open and
 * readable by the command line's inspection. */
static void
test_backup_from_the_window (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "office.motcua-backup", NULL);
  g_autoptr(MotcuaTestCliResult) inspect = NULL;
  g_autofree char *expected = NULL;

  motcua_window_back_up (f->window, path);
  g_assert_true (wait_until (file_exists, path, 30000));
  ui_test_iterate (200);
  inspect = motcua_test_run_cli (f->db, "--json", "backup", "--inspect", path, NULL);
  g_assert_true (motcua_test_expect_status (inspect, 0, "backup --inspect"));
  expected = g_strdup_printf ("\"dossiers\" : %" G_GINT64_FORMAT,
                              motcua_test_store_int (f->store, "SELECT count(*) FROM dossiers"));
  g_assert_nonnull (strstr (inspect->out, expected));
}

static void
collect_shortcut_actions (GtkWidget *widget, GPtrArray *actions)
{
  if (GTK_IS_SHORTCUTS_SHORTCUT (widget))
    {
      g_autofree char *action = NULL;

      g_object_get (widget, "action-name", &action, NULL);
      if (action != NULL)
        g_ptr_array_add (actions, g_steal_pointer (&action));
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    collect_shortcut_actions (child, actions);
}

/* The keys of shortcuts listed without an action: the viewer's own, the views'. */
static void
collect_shortcut_keys (GtkWidget *widget, GPtrArray *keys)
{
  if (GTK_IS_SHORTCUTS_SHORTCUT (widget))
    {
      g_autofree char *action = NULL;
      g_autofree char *accelerator = NULL;

      g_object_get (widget, "action-name", &action, "accelerator", &accelerator, NULL);
      if (action == NULL && accelerator != NULL)
        {
          g_auto(GStrv) each = g_strsplit (accelerator, " ", -1);

          for (guint i = 0; each[i] != NULL; i++)
            {
              /* A range ("<alt>1...<alt>8"): its two ends. */
              g_auto(GStrv) ends = g_strsplit (each[i], "...", 2);

              for (guint j = 0; ends[j] != NULL; j++)
                g_ptr_array_add (keys, g_strdup (ends[j]));
            }
        }
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    collect_shortcut_keys (child, keys);
}

/* The shortcuts window (Ctrl+?), as the desk's resources make it: every shortcut a
 * clerk relies on, under the desk's own title rather than GTK's untranslated one. */
static void
test_shortcuts_window (Fixture *f, gconstpointer data)
{
  /* The desk's application, with its accelerators. */
  g_autoptr(GtkApplication) app = GTK_APPLICATION (motcua_application_new ());
  g_autoptr(GPtrArray) actions = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  const char *expected[] = { "win.receive", "win.search", "win.next-dossier", "win.open-attachment",
                             "win.print-slip", "win.lock", "win.sync" };
  g_autoptr(GError) error = NULL;
  MotcuaWindow *window;
  GtkShortcutsWindow *overlay;
  GtkWidget *titles;

  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  window = motcua_window_new (app, f->store, NULL);
  overlay = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window));
  g_assert_nonnull (overlay);
  titles = gtk_header_bar_get_title_widget (GTK_HEADER_BAR (gtk_window_get_titlebar (GTK_WINDOW (overlay))));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gtk_stack_get_child_by_name (GTK_STACK (titles), "title"))), ==,
                   "Keyboard Shortcuts");
  collect_shortcut_actions (GTK_WIDGET (overlay), actions);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    if (!g_ptr_array_find_with_equal_func (actions, expected[i], g_str_equal, NULL))
      g_test_fail_printf ("the shortcuts window does not list %s", expected[i]);

  /* The viewer's keys are no application accelerators: GTK gives those to the window
   * before any widget, and the viewer would never see them (Control+R rotated nothing;
   * it syncs). Control+F is shared on purpose: the window's search looks where the
   * focus is. */
  collect_shortcut_keys (GTK_WIDGET (overlay), keys);
  g_assert_cmpuint (keys->len, >=, 4);
  for (guint i = 0; i < keys->len; i++)
    {
      g_auto(GStrv) taken = gtk_application_get_actions_for_accel (app, g_ptr_array_index (keys, i));

      if (taken[0] != NULL && g_strcmp0 (taken[0], "win.search") != 0)
        g_test_fail_printf ("%s, listed for the viewer, is the accelerator of %s",
                            (char *) g_ptr_array_index (keys, i), taken[0]);
    }
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_iterate (20);
}

int
main (int argc, char **argv)
{
  g_setenv ("MOTCUA_NOW", NOW, TRUE);
  g_setenv ("LANGUAGE", "en", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  motcua_ui_register_resources ();

  g_test_add ("/window/opens-on-the-queue", Fixture, NULL, fixture_set_up, test_opens_on_the_queue, fixture_tear_down);
  g_test_add ("/window/receive", Fixture, NULL, fixture_set_up, test_receive_through_the_window, fixture_tear_down);
  g_test_add ("/window/documents", Fixture, NULL, fixture_set_up, test_documents_in_the_viewer, fixture_tear_down);
  g_test_add ("/window/narrow", Fixture, NULL, fixture_set_up, test_narrow_window, fixture_tear_down);
  g_test_add ("/window/backup", Fixture, NULL, fixture_set_up, test_backup_from_the_window, fixture_tear_down);
  g_test_add ("/window/shortcuts-window", Fixture, NULL, fixture_set_up, test_shortcuts_window, fixture_tear_down);
  return g_test_run ();
}
