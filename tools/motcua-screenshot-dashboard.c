/* motcua-screenshot-dashboard.c: renders the supervisors' dashboard to PNG for
 * data/screenshots/dashboard.png (and, with a third argument, writes its PDF report).
 *
 * Run by scripts/screenshots under xvfb-run on the same demo office as the main
 * window's screenshots: this year's figures, as a supervisor opens them.
 */

#include <glib/gi18n.h>
#include <locale.h>

#include "motcua-application.h"
#include "motcua-dashboard-window.h"

static void
wait_ms (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
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

static void
on_activate (GApplication *app, gpointer user_data)
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

  if (argc != 3 && argc != 4)
    {
      g_printerr ("usage: motcua-screenshot-dashboard DATABASE OUTPUT-DIR [REPORT.pdf]\n");
      return 2;
    }
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir && *localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  motcua_ui_register_resources ();
  app = adw_application_new ("io.github.motcua.Desk.DashboardScreenshot", G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "activate", G_CALLBACK (on_activate), argv + 1);
  return g_application_run (G_APPLICATION (app), 1, argv);
}
