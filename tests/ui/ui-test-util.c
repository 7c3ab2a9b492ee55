/* ui-test-util.c: shared helpers of the window tests. */

#include <adwaita.h>
#include <cairo-pdf.h>

#include <glib/gi18n.h>
#include <locale.h>

#include "motcua-application.h"
#include "motcua-test-util.h"
#include "motcua-window.h"
#include "ui-test-util.h"

void
ui_test_iterate (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;

  do
    g_main_context_iteration (NULL, FALSE);
  while (g_get_monotonic_time () < until);
}

gboolean
ui_test_wait_until (gboolean (*ready) (gpointer data), gpointer data, guint timeout_ms)
{
  gint64 until = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;

  while (!ready (data) && g_get_monotonic_time () < until)
    ui_test_iterate (10);
  return ready (data);
}

static GtkWidget *
find (GtkWidget *root, gboolean (*matches) (GtkWidget *, const char *), const char *key)
{
  if (matches (root, key))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find (child, matches, key);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
has_id (GtkWidget *widget, const char *id)
{
  return GTK_IS_BUILDABLE (widget) && g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (widget)), id) == 0;
}

static gboolean
has_name (GtkWidget *widget, const char *name)
{
  return g_strcmp0 (gtk_widget_get_name (widget), name) == 0;
}

GtkWidget *
ui_test_find_by_id (GtkWidget *root, const char *id)
{
  return find (root, has_id, id);
}

GtkWidget *
ui_test_require_by_id (GtkWidget *root, const char *id)
{
  GtkWidget *widget = ui_test_find_by_id (root, id);

  if (widget == NULL)
    g_error ("No widget “%s” in the window", id);
  return widget;
}

GtkWidget *
ui_test_find_by_name (GtkWidget *root, const char *name)
{
  return find (root, has_name, name);
}

GtkWindow *
ui_test_find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* owned by GTK */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return GTK_WINDOW (window);
    }
  return NULL;
}

GtkWindow *
ui_test_find_message_dialog (void)
{
  return ui_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
}

void
ui_test_answer_message_dialog (const char *response)
{
  GtkWindow *dialog = ui_test_find_message_dialog ();

  g_assert_nonnull (dialog);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), response);
  gtk_window_destroy (dialog);
  ui_test_iterate (50);
}

void
ui_test_init_vietnamese (int *argc, char ***argv)
{
  const char *localedir = g_getenv ("MOTCUA_LOCALEDIR");

  g_setenv ("LANGUAGE", "vi", TRUE);
  g_setenv ("MOTCUA_NOW", "2026-11-23T09:00:00+07:00", TRUE);
  /* With the regional formats of an office too (scripts/deps.sh generates them). */
  if (setlocale (LC_ALL, "vi_VN.UTF-8") == NULL)
    setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir && *localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  gtk_test_init (argc, argv, NULL);
  adw_init ();
  motcua_ui_register_resources ();
}

GtkWidget *
ui_test_open_window (MotcuaStore *store, const char *app_id, GtkApplication **app)
{
  g_autoptr(GError) error = NULL;
  MotcuaWindow *window;

  *app = GTK_APPLICATION (adw_application_new (app_id, G_APPLICATION_NON_UNIQUE));
  g_application_register (G_APPLICATION (*app), NULL, &error);
  g_assert_no_error (error);
  window = motcua_window_new (*app, store, NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1366, 768);
  gtk_window_present (GTK_WINDOW (window));
  ui_test_iterate (300);
  return GTK_WIDGET (window);
}

MotcuaStore *
ui_test_demo_office (const char *dir_template, const char *dossiers, char **dir, char **db)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaTestCliResult) init = NULL;
  g_autoptr(MotcuaTestCliResult) demo = NULL;
  MotcuaStore *store;

  *dir = motcua_test_make_temp_dir (dir_template);
  *db = g_build_filename (*dir, "office.db", NULL);
  init = motcua_test_run_cli (*db, "init", "--demo", NULL);
  g_assert_true (motcua_test_expect_status (init, 0, "init --demo"));
  demo = motcua_test_run_cli (*db, "demo-data", "--dossiers", dossiers, NULL);
  g_assert_true (motcua_test_expect_status (demo, 0, "demo-data"));
  store = motcua_store_open (*db, &error);
  g_assert_no_error (error);
  return store;
}

void
ui_test_write_pdf (const char *path, int pages)
{
  cairo_surface_t *surface = cairo_pdf_surface_create (path, 595, 842);
  cairo_t *cr = cairo_create (surface);

  for (int i = 1; i <= pages; i++)
    {
      g_autofree char *text = g_strdup_printf ("Trang %d - Tờ khai", i);

      cairo_select_font_face (cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
      cairo_set_font_size (cr, 18);
      cairo_move_to (cr, 72, 100);
      cairo_show_text (cr, text);
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
}
