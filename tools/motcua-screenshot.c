/* motcua-screenshot.c: renders the real windows to PNG for data/screenshots/.
 *
 * Run by scripts/screenshots under xvfb-run: opens the main window on a demo database,
 * selects a dossier, opens a scanned document in the viewer, then the receive dialog,
 * and saves each window as the renderer drew it. With --dashboard it renders the
 * supervisors' dashboard for this year instead (and, given a path, writes its report).
 */

#include <cairo-pdf.h>
#include <glib/gi18n.h>
#include <locale.h>

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

/* A three-page stand-in for a scanned application form, written with cairo. */
static void
write_sample_pdf (const char *path)
{
  cairo_surface_t *surface = cairo_pdf_surface_create (path, 595, 842);
  cairo_t *cr = cairo_create (surface);
  const char *lines[] = {
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "",
    "TỜ KHAI ĐĂNG KÝ KHAI SINH",
    "",
    "Kính gửi: Ủy ban nhân dân xã Quảng Phú",
    "Họ, chữ đệm, tên người yêu cầu: Phạm Thị Hồng Nhung",
    "Nơi cư trú: Thôn Đông, xã Quảng Phú, tỉnh Thanh Hóa",
    "Giấy tờ tùy thân: CCCD số 036195001234",
    "Quan hệ với người được khai sinh: Mẹ",
    "Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:",
    "Họ, chữ đệm, tên: Lê Minh Khang     Giới tính: Nam",
    "Ngày, tháng, năm sinh: 02/11/2026",
    "Nơi sinh: Trạm Y tế xã Quảng Phú",
  };

  for (int page = 1; page <= 3; page++)
    {
      cairo_set_source_rgb (cr, 0.98, 0.97, 0.94);
      cairo_paint (cr);
      cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
      cairo_select_font_face (cr, "DejaVu Serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
      for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
        {
          cairo_set_font_size (cr, i < 4 ? 15 : 12);
          cairo_move_to (cr, i < 4 ? 150 : 60, 80 + 28 * i);
          cairo_show_text (cr, lines[i]);
        }
      {
        g_autofree char *footer = g_strdup_printf ("Trang %d/3", page);
        cairo_move_to (cr, 270, 800);
        cairo_show_text (cr, footer);
      }
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
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
  const char * const *args = user_data;   /* db, pdf, out dir */
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaStore) store = motcua_store_open (args[0], &error);
  MotcuaWindow *window;
  GtkWindow *dialog;
  g_autofree char *main_png = g_build_filename (args[2], "main-window.png", NULL);
  g_autofree char *pdf_png = g_build_filename (args[2], "pdf-pane.png", NULL);
  g_autofree char *receive_png = g_build_filename (args[2], "receive-dialog.png", NULL);

  if (store == NULL)
    g_error ("%s", error->message);
  if (!g_file_test (args[1], G_FILE_TEST_EXISTS))
    write_sample_pdf (args[1]);
  window = motcua_window_new (GTK_APPLICATION (app), store, NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1360, 760);
  gtk_window_present (GTK_WINDOW (window));
  wait_ms (1500);

  motcua_queue_pane_select_next (MOTCUA_QUEUE_PANE (motcua_window_get_queue_pane (window)));
  wait_ms (800);
  save_window (GTK_WINDOW (window), main_png);

  motcua_pdf_view_load_file (MOTCUA_PDF_VIEW (motcua_window_get_pdf_view (window)), args[1], "application/pdf");
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

  if (dashboard ? argc != 4 && argc != 5 : argc != 4)
    {
      g_printerr ("usage: motcua-screenshot DATABASE DOCUMENT.pdf OUTPUT-DIR\n"
                  "       motcua-screenshot --dashboard DATABASE OUTPUT-DIR [REPORT.pdf]\n");
      return 2;
    }
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir && *localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  motcua_ui_register_resources ();
  app = adw_application_new ("io.github.motcua.Desk.Screenshots", G_APPLICATION_NON_UNIQUE);
  if (dashboard)
    g_signal_connect (app, "activate", G_CALLBACK (on_activate_dashboard), argv + 2);
  else
    g_signal_connect (app, "activate", G_CALLBACK (on_activate), argv + 1);
  return g_application_run (G_APPLICATION (app), 1, argv);
}
