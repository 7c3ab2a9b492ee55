/* test-ui-dashboard.c: the supervisors' dashboard, as a supervisor meets it.
 *
 * Opens the dashboard from the main window's menu action on a generated database under
 * Xvfb, checks that its cards and tables show the indicators the core counts for the
 * same choice, changes the period and the scope, refuses a wrong typed period with a
 * message, and exports a CSV and a PDF report (opened with poppler).
 */

#include <glib/gstdio.h>
#include <poppler.h>
#include <string.h>

#include "motcua-application.h"
#include "motcua-dashboard-window.h"
#include "motcua-test-util.h"
#include "motcua-time.h"
#include "motcua-window.h"
#include "ui-test-util.h"

#define NOW "2026-11-23T09:00:00+07:00"

typedef struct {
  char                  *dir;
  char                  *db;
  MotcuaStore           *store;
  MotcuaDashboardWindow *dashboard;
} Fixture;

static gboolean
is_loaded (gpointer data)
{
  return motcua_dashboard_window_is_loaded (data);
}

static void
wait_loaded (MotcuaDashboardWindow *dashboard)
{
  gint64 until = g_get_monotonic_time () + 20 * G_TIME_SPAN_SECOND;

  while (!is_loaded (dashboard) && g_get_monotonic_time () < until)
    ui_test_iterate (10);
  g_assert_true (is_loaded (dashboard));
  ui_test_iterate (50);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->store = ui_test_demo_office ("motcua-ui-dashboard-XXXXXX", "800", &f->dir, &f->db);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  if (f->dashboard != NULL)
    gtk_window_destroy (GTK_WINDOW (f->dashboard));
  ui_test_iterate (50);
  g_clear_object (&f->store);
  motcua_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->db);
}

static void
open_dashboard (Fixture *f)
{
  f->dashboard = motcua_dashboard_window_new (NULL, f->store);
  gtk_window_set_default_size (GTK_WINDOW (f->dashboard), 1280, 900);
  gtk_window_present (GTK_WINDOW (f->dashboard));
  wait_loaded (f->dashboard);
}

/* What the core counts for @from … @to and the given scope. */
static MotcuaStats *
core_stats (Fixture *f, const char *from, const char *to, const char *field)
{
  MotcuaStatsQuery query = { .field = field };
  g_autoptr(GError) error = NULL;
  MotcuaStats *stats;

  g_assert_true (motcua_stats_parse_date (from, &query.from));
  g_assert_true (motcua_stats_parse_date (to, &query.to));
  stats = motcua_stats_compute (motcua_store_get_db (f->store), &query, &error);
  g_assert_no_error (error);
  return stats;
}

static void
assert_card (Fixture *f, const char *key, char *expected)
{
  g_assert_cmpstr (motcua_dashboard_window_get_card_value (f->dashboard, key), ==, expected);
  g_free (expected);
}

/* The cards and the three tables say what the core counted. */
static void
assert_shows (Fixture *f, MotcuaStats *stats)
{
  assert_card (f, "received", motcua_stats_format_count (stats->received));
  assert_card (f, "finished", motcua_stats_format_count (stats->finished));
  assert_card (f, "overdue_now", motcua_stats_format_count (stats->overdue_now));
  assert_card (f, "on_time_rate", motcua_stats_format_rate (motcua_stats_on_time_rate (stats)));
  assert_card (f, "online_rate", motcua_stats_format_rate (motcua_stats_online_rate (stats)));
  assert_card (f, "satisfaction_rate", motcua_stats_format_rate (motcua_stats_satisfaction_rate (stats)));

  g_assert_cmpuint (motcua_dashboard_window_get_n_rows (f->dashboard, MOTCUA_CHART_RECEIVED), ==, stats->buckets->len);
  g_assert_cmpuint (motcua_dashboard_window_get_n_rows (f->dashboard, MOTCUA_CHART_ON_TIME), ==, stats->buckets->len);
  for (guint i = 0; i < stats->buckets->len; i++)
    {
      const MotcuaStatsBucket *b = &g_array_index (stats->buckets, MotcuaStatsBucket, i);
      g_autofree char *date = motcua_stats_format_date (&b->start);
      g_autofree char *online = motcua_stats_format_count (b->received[1]);
      g_autofree char *total = motcua_stats_format_count (b->received[0] + b->received[1] + b->received[2]);
      g_autofree char *finished = motcua_stats_format_count (b->finished);

      g_assert_cmpstr (motcua_dashboard_window_get_cell (f->dashboard, MOTCUA_CHART_RECEIVED, i, 0), ==, date);
      g_assert_cmpstr (motcua_dashboard_window_get_cell (f->dashboard, MOTCUA_CHART_RECEIVED, i, 2), ==, online);
      g_assert_cmpstr (motcua_dashboard_window_get_cell (f->dashboard, MOTCUA_CHART_RECEIVED, i, 4), ==, total);
      g_assert_cmpstr (motcua_dashboard_window_get_cell (f->dashboard, MOTCUA_CHART_ON_TIME, i, 1), ==, finished);
    }
  g_assert_cmpuint (motcua_dashboard_window_get_n_rows (f->dashboard, MOTCUA_CHART_OVERDUE), ==,
                    stats->overdue_by_procedure->len);
  for (guint i = 0; i < stats->overdue_by_procedure->len; i++)
    {
      const MotcuaStatsOverdue *o = g_ptr_array_index (stats->overdue_by_procedure, i);

      g_assert_cmpstr (motcua_dashboard_window_get_cell (f->dashboard, MOTCUA_CHART_OVERDUE, i, 0), ==,
                       o->procedure_code);
    }
}

static void
test_opens_from_the_menu (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GtkApplication) app = GTK_APPLICATION (adw_application_new ("io.github.motcua.Desk.TestDashboard",
                                                                        G_APPLICATION_NON_UNIQUE));
  g_autoptr(MotcuaStats) month = core_stats (f, "2026-11-01", "2026-11-30", NULL);
  MotcuaWindow *window;
  GListModel *toplevels = gtk_window_get_toplevels ();

  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  /* The dashboard is a supervisor's. */
  g_assert_true (motcua_store_set_state (f->store, "current_user", "supervisor1", &error));
  window = motcua_window_new (app, f->store, NULL);
  gtk_window_present (GTK_WINDOW (window));
  ui_test_iterate (300);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.dashboard", NULL);
  ui_test_iterate (50);
  for (guint i = 0; i < g_list_model_get_n_items (toplevels) && f->dashboard == NULL; i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (MOTCUA_IS_DASHBOARD_WINDOW (toplevel))
        f->dashboard = MOTCUA_DASHBOARD_WINDOW (toplevel);
    }
  g_assert_nonnull (f->dashboard);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (f->dashboard)) == GTK_WINDOW (window));
  wait_loaded (f->dashboard);

  /* This month, by day, as the core counts it. */
  g_assert_cmpint (motcua_dashboard_window_get_stats (f->dashboard)->bucket_size, ==, MOTCUA_STATS_BY_DAY);
  g_assert_cmpint (month->received, >, 0);
  assert_shows (f, month);

  gtk_window_destroy (GTK_WINDOW (f->dashboard));
  f->dashboard = NULL;
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_iterate (50);
}

static void
test_year_and_scope (Fixture *f, gconstpointer data)
{
  g_autoptr(MotcuaStats) year = core_stats (f, "2026-01-01", "2026-12-31", NULL);
  g_autoptr(MotcuaStats) copies = core_stats (f, "2026-01-01", "2026-12-31", "Chứng thực");

  open_dashboard (f);
  motcua_dashboard_window_set_period (f->dashboard, MOTCUA_DASHBOARD_THIS_YEAR);
  g_assert_false (motcua_dashboard_window_is_loaded (f->dashboard));
  wait_loaded (f->dashboard);
  g_assert_cmpint (motcua_dashboard_window_get_stats (f->dashboard)->bucket_size, ==, MOTCUA_STATS_BY_WEEK);
  assert_shows (f, year);

  motcua_dashboard_window_set_scope (f->dashboard, "Chứng thực", NULL, NULL);
  wait_loaded (f->dashboard);
  g_assert_cmpint (copies->received, <, year->received);
  assert_shows (f, copies);

  /* F5 counts again: a dossier received meanwhile shows. */
  {
    g_autoptr(MotcuaTestCliResult) receive = motcua_test_run_cli (f->db, "receive", "--procedure", "2.000815",
                                                                  "--applicant-name", "Vũ Thị Lành", NULL);
    g_autoptr(MotcuaStats) after = core_stats (f, "2026-01-01", "2026-12-31", "Chứng thực");

    g_assert_true (motcua_test_expect_status (receive, 0, "receive"));
    g_assert_cmpint (after->received, ==, copies->received + 1);
    gtk_widget_activate_action (GTK_WIDGET (f->dashboard), "dashboard.refresh", NULL);
    g_assert_false (motcua_dashboard_window_is_loaded (f->dashboard));
    wait_loaded (f->dashboard);
    assert_shows (f, after);
  }
}

static void
test_typed_period (Fixture *f, gconstpointer data)
{
  g_autoptr(MotcuaStats) october = core_stats (f, "2026-10-01", "2026-10-31", NULL);
  GtkWidget *message;
  gint64 received_before;

  open_dashboard (f);
  message = ui_test_find_by_id (GTK_WIDGET (f->dashboard), "message_label");
  g_assert_nonnull (message);

  g_assert_true (motcua_dashboard_window_set_custom_period (f->dashboard, "01/10/2026", "2026-10-31"));
  wait_loaded (f->dashboard);
  assert_shows (f, october);
  g_assert_false (gtk_widget_get_visible (message));
  received_before = motcua_dashboard_window_get_stats (f->dashboard)->received;

  /* A date that does not exist, and a period ending before it starts: said, not counted. */
  g_assert_false (motcua_dashboard_window_set_custom_period (f->dashboard, "31/02/2026", "01/03/2026"));
  g_assert_true (gtk_widget_get_visible (message));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (message)), !=, "");
  g_assert_true (motcua_dashboard_window_is_loaded (f->dashboard));
  g_assert_cmpint (motcua_dashboard_window_get_stats (f->dashboard)->received, ==, received_before);
  g_assert_false (motcua_dashboard_window_set_custom_period (f->dashboard, "31/10/2026", "01/10/2026"));
  g_assert_true (gtk_widget_get_visible (message));
  g_assert_false (motcua_dashboard_window_set_custom_period (f->dashboard, "hôm qua", ""));
}

static char *
pdf_text (const char *path, int *n_pages)
{
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
  g_autoptr(GError) error = NULL;
  PopplerDocument *document = poppler_document_new_from_file (uri, NULL, &error);
  GString *text = g_string_new (NULL);

  g_assert_no_error (error);
  *n_pages = poppler_document_get_n_pages (document);
  for (int i = 0; i < *n_pages; i++)
    {
      PopplerPage *page = poppler_document_get_page (document, i);
      g_autofree char *page_text = poppler_page_get_text (page);

      g_string_append (text, page_text);
      g_object_unref (page);
    }
  g_object_unref (document);
  return g_string_free (text, FALSE);
}

static void
test_exports (Fixture *f, gconstpointer data)
{
  g_autofree char *csv_path = g_build_filename (f->dir, "so-lieu.csv", NULL);
  g_autofree char *pdf_path = g_build_filename (f->dir, "bao-cao.pdf", NULL);
  g_autofree char *csv = NULL;
  g_autofree char *text = NULL;
  g_autofree char *received_line = NULL;
  g_autofree char *received = NULL;
  g_autoptr(GError) error = NULL;
  const MotcuaStats *stats;
  int n_pages = 0;

  open_dashboard (f);
  stats = motcua_dashboard_window_get_stats (f->dashboard);

  g_assert_true (motcua_dashboard_window_export_csv (f->dashboard, csv_path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  g_assert_true (g_str_has_prefix (csv, "\xEF\xBB\xBFkey,"));
  received_line = g_strdup_printf ("\r\nreceived,Dossiers received,%lld\r\n", (long long) stats->received);
  g_assert_nonnull (strstr (csv, received_line));

  g_assert_true (motcua_dashboard_window_export_pdf (f->dashboard, pdf_path, &error));
  g_assert_no_error (error);
  text = pdf_text (pdf_path, &n_pages);
  g_assert_cmpint (n_pages, ==, 2);
  g_assert_nonnull (strstr (text, "Report on the handling"));   /* the title wraps */
  g_assert_nonnull (strstr (text, "Dossiers received, by channel"));
  g_assert_nonnull (strstr (text, "Overdue now, by procedure"));
  received = motcua_stats_format_count (stats->received);
  g_assert_nonnull (strstr (text, received));

  /* The period's tracking register (Form 06), through the print operation. */
  {
    g_autofree char *register_path = g_build_filename (f->dir, "so-theo-doi.pdf", NULL);
    g_autofree char *register_text = NULL;
    int register_pages = 0;

    g_assert_cmpint (stats->received, >, 0);
    g_assert_true (motcua_dashboard_window_print_register (f->dashboard, GTK_PRINT_OPERATION_ACTION_EXPORT,
                                                           register_path, &error));
    g_assert_no_error (error);
    register_text = pdf_text (register_path, &register_pages);
    g_assert_cmpint (register_pages, >=, 1);
    g_assert_nonnull (strstr (register_text, "SỔ THEO DÕI HỒ SƠ"));
    g_assert_nonnull (strstr (register_text, "Mã hồ sơ"));
  }

  /* Nowhere to write: a clear error, nothing else. */
  g_assert_false (motcua_dashboard_window_export_pdf (f->dashboard, "/nonexistent/motcua/bao-cao.pdf", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (motcua_dashboard_window_export_csv (f->dashboard, "/nonexistent/motcua/so-lieu.csv", &error));
  g_assert_nonnull (error);
}

int
main (int argc, char **argv)
{
  g_setenv ("MOTCUA_NOW", NOW, TRUE);
  g_setenv ("LANGUAGE", "en", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  motcua_ui_register_resources ();

  g_test_add ("/dashboard/opens-from-the-menu", Fixture, NULL, fixture_set_up, test_opens_from_the_menu,
              fixture_tear_down);
  g_test_add ("/dashboard/year-and-scope", Fixture, NULL, fixture_set_up, test_year_and_scope, fixture_tear_down);
  g_test_add ("/dashboard/typed-period", Fixture, NULL, fixture_set_up, test_typed_period, fixture_tear_down);
  g_test_add ("/dashboard/exports", Fixture, NULL, fixture_set_up, test_exports, fixture_tear_down);
  return g_test_run ();
}
