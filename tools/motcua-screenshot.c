/* motcua-screenshot.c: renders the real windows to PNG for data/screenshots/.
 *
 * Run by scripts/screenshots under xvfb-run: opens the main window on a demo database,
 * selects a dossier, then one whose scanned form the viewer shows, then the receive dialog,
 * and saves each window as the renderer drew it. With --dashboard it renders the
 * supervisors' dashboard for this year instead (and, given a path, writes its report).
 */

#include <glib/gi18n.h>
#include <locale.h>
#include <sqlite3.h>

#include "motcua-application.h"
#include "motcua-dashboard-window.h"
#include "motcua-dossier-editor.h"
#include "motcua-pdf-view.h"
#include "motcua-queue-pane.h"
#include "motcua-window.h"

static void
wait_ms (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
}

/* The first dossier in the queue's order that carries a scanned form (demo-data
 * --scanned), so the viewer shows it beside the dossier. */
static char *
scanned_dossier_code (MotcuaStore *store)
{
  sqlite3_stmt *stmt = NULL;
  char *code = NULL;

  if (sqlite3_prepare_v2 (motcua_store_get_db (store),
                          "SELECT d.code FROM dossiers d JOIN dossier_attachments da ON da.dossier_id = d.id"
                          " WHERE d.status IN (2, 4) ORDER BY d.due_at LIMIT 1", -1, &stmt, NULL) == SQLITE_OK
      && sqlite3_step (stmt) == SQLITE_ROW)
    code = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return code;
}

static void
save_window (GtkWindow *window, const char *path)
{
  GtkWidget *widget = GTK_WIDGET (window);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, path))
    g_error ("cannot write %s", path);
  g_print ("%s (%d×%d)\n", path, width, height);
}

static GtkWindow *
find_other_window (GtkWindow *main_window)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (window != main_window && gtk_widget_get_mapped (GTK_WIDGET (window)))
        return window;
    }
  return NULL;
}

static void
on_activate (GApplication *app, gpointer user_data)
{
  const char * const *args = user_data;   /* db, out dir */
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaStore) store = motcua_store_open (args[0], &error);
  MotcuaWindow *window;
  GtkWindow *dialog;
  g_autofree char *main_png = g_build_filename (args[1], "main-window.png", NULL);
  g_autofree char *pdf_png = g_build_filename (args[1], "pdf-pane.png", NULL);
  g_autofree char *receive_png = g_build_filename (args[1], "receive-dialog.png", NULL);
  g_autofree char *scanned = NULL;

  if (store == NULL)
    g_error ("%s", error->message);
  if ((scanned = scanned_dossier_code (store)) == NULL)
    g_error ("no open dossier of %s carries a scanned form: make it with demo-data --scanned", args[0]);
  window = motcua_window_new (GTK_APPLICATION (app), store, NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1360, 760);
  gtk_window_present (GTK_WINDOW (window));
  wait_ms (1500);

  motcua_queue_pane_select_next (MOTCUA_QUEUE_PANE (motcua_window_get_queue_pane (window)));
  wait_ms (800);
  save_window (GTK_WINDOW (window), main_png);

  /* Selecting it shows its scanned request form in the viewer. */
  motcua_queue_pane_select_code (MOTCUA_QUEUE_PANE (motcua_window_get_queue_pane (window)), scanned);
  wait_ms (1500);
  save_window (GTK_WINDOW (window), pdf_png);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.receive", NULL);
  wait_ms (1200);
  dialog = find_other_window (GTK_WINDOW (window));
  if (dialog != NULL)
    save_window (dialog, receive_png);
  g_application_quit (app);
}

/* The supervisors' dashboard as a supervisor opens it: this year's figures. */
static void
on_activate_dashboard (GApplication *app, gpointer user_data)
{
  char **args = user_data;   /* db, out dir, [report.pdf] */
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaStore) store = motcua_store_open (args[0], &error);
  g_autofree char *png = g_build_filename (args[1], "dashboard.png", NULL);
  MotcuaDashboardWindow *dashboard;

  if (store == NULL)
    g_error ("%s", error->message);
  dashboard = motcua_dashboard_window_new (NULL, store);
  gtk_window_set_application (GTK_WINDOW (dashboard), GTK_APPLICATION (app));
  gtk_window_set_default_size (GTK_WINDOW (dashboard), 1360, 980);
  motcua_dashboard_window_set_period (dashboard, MOTCUA_DASHBOARD_THIS_YEAR);
  gtk_window_present (GTK_WINDOW (dashboard));
  while (!motcua_dashboard_window_is_loaded (dashboard))
    g_main_context_iteration (NULL, TRUE);
  wait_ms (800);
  save_window (GTK_WINDOW (dashboard), png);
  if (args[2] != NULL && !motcua_dashboard_window_export_pdf (dashboard, args[2], &error))
    g_error ("%s", error->message);
  gtk_window_destroy (GTK_WINDOW (dashboard));
  g_application_quit (app);
}

int
main (int argc, char **argv)
{
  g_autoptr(AdwApplication) app = NULL;
  const char *localedir = g_getenv ("MOTCUA_LOCALEDIR");
  gboolean dashboard = argc >= 2 && g_str_equal (argv[1], "--dashboard");

  if (dashboard ? argc != 4 && argc != 5 : argc != 3)
    {
      g_printerr ("usage: motcua-screenshot DATABASE OUTPUT-DIR\n"
                  "       motcua-screenshot --dashboard DATABASE OUTPUT-DIR [REPORT.pdf]\n");
      return 2;
    }
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir && *localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  motcua_ui_register_resources ();
  /* The desk's resources, so its style sheet (status badges, due colours) loads. */
  app = g_object_new (ADW_TYPE_APPLICATION, "application-id", "io.github.motcua.Desk.Screenshots",
                      "flags", G_APPLICATION_NON_UNIQUE, "resource-base-path", "/io/github/motcua/Desk", NULL);
  if (dashboard)
    g_signal_connect (app, "activate", G_CALLBACK (on_activate_dashboard), argv + 2);
  else
    g_signal_connect (app, "activate", G_CALLBACK (on_activate), argv + 1);
  return g_application_run (G_APPLICATION (app), 1, argv);
}
