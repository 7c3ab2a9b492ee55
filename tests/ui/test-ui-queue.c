/* test-ui-queue.c: the queue pane in a real window (Xvfb), on a demo office.
 *
 * The database is made by the motcua command line ($MOTCUA_CLI) with the clock pinned
 * to Monday 23 November 2026 09:00, then shown in a MotcuaQueuePane inside a GtkWindow.
 * Every number the pane shows is checked against SQL written here, on a connection
 * of the test's own.
 */
#include <glib/gi18n.h>
#include <adwaita.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <sqlite3.h>
#include <string.h>

#include "motcua-application.h"
#include "motcua-queue-pane.h"
#include "motcua-time.h"
#include "ui-test-util.h"
#include "motcua-test-util.h"
#include "queue-expectations.h"

#define NOW         "2026-11-23T09:00:00+07:00"
#define N_DOSSIERS  2000
#define PAGE        MOTCUA_DOSSIER_LIST_PAGE_SIZE

static char            *test_dir;
static char            *db_path;
static sqlite3         *db;             /* the test's own connection */
static MotcuaStore     *store;
static GtkWindow       *window;
static MotcuaQueuePane *pane;
static GPtrArray       *selected;       /* codes from "dossier-selected", in order */
static GPtrArray       *activated;      /* codes from "dossier-activated" */

/* ---- SQL of our own ------------------------------------------------------------- */


static gint64
sql_int (const char *sql)
{
  return motcua_test_sql_int (db, sql);
}

static gint64
expected_count (MotcuaQueueFilter filter)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM dossiers d WHERE %s", queue_expected_where[filter]);
  return sql_int (sql);
}

/* ---- helpers --------------------------------------------------------------------- */

static void
run_cli (const char *first, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) env = g_get_environ ();   /* MOTCUA_NOW: the test's clock */
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL, *err = NULL;
  const char *arg;
  int status = 0;
  va_list ap;

  g_assert_nonnull (g_getenv ("MOTCUA_CLI"));
  g_ptr_array_add (argv, (gpointer) g_getenv ("MOTCUA_CLI"));
  g_ptr_array_add (argv, (gpointer) "--db");
  g_ptr_array_add (argv, db_path);
  va_start (ap, first);
  for (arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, env, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("motcua %s failed: %s", first, err);
}

/* Runs the main loop until @done says so, failing after @seconds. */
static void
wait_until (gboolean (*done) (void), guint seconds, const char *what)
{
  gint64 until = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (!done ())
    {
      if (g_get_monotonic_time () > until)
        g_error ("Timed out waiting for %s", what);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static gboolean
populated (void)
{
  return motcua_queue_pane_is_populated (pane);
}

/* The counts of a reload come from a worker; until they arrive the pane shows the
 * previous ones, so a test waits for the number it expects. */
static gint64 expected_total;

static gboolean
counted_total (void)
{
  return motcua_queue_pane_get_filter_count (pane, MOTCUA_QUEUE_FILTER_ALL) == expected_total;
}

/* A few frames, so the list view binds what it shows. */
static void
settle (void)
{
  gint64 until = g_get_monotonic_time () + 150 * 1000;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
}

static GListModel *
model (void)
{
  return G_LIST_MODEL (motcua_queue_pane_get_model (pane));
}

static char *
code_at (guint position)
{
  g_autoptr(MotcuaDossier) dossier = g_list_model_get_item (model (), position);
  g_assert_nonnull (dossier);
  return g_strdup (motcua_dossier_get_code (dossier));
}

/* The first widget of @type below @widget with the style class @css_class (or any). */
static GtkWidget *
find_child (GtkWidget *widget, GType type, const char *css_class)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type) && (css_class == NULL || gtk_widget_has_css_class (widget, css_class)))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_child (child, type, css_class);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
on_selected (MotcuaQueuePane *p, const char *code, gpointer user_data)
{
  g_ptr_array_add (selected, g_strdup (code));
}

static void
on_activated (MotcuaQueuePane *p, const char *code, gpointer user_data)
{
  g_ptr_array_add (activated, g_strdup (code));
}

static const char *
last_selected (void)
{
  return selected->len ? g_ptr_array_index (selected, selected->len - 1) : NULL;
}

/* ---- tests ------------------------------------------------------------------------ */

static void
test_first_screen (void)
{
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (pane)));
  g_assert_cmpuint (g_list_model_get_n_items (model ()), ==, sql_int ("SELECT count(*) FROM dossiers"));
  g_assert_cmpuint (g_list_model_get_n_items (model ()), ==, N_DOSSIERS);
  g_assert_false (motcua_queue_pane_shows_empty_state (pane));
  /* The first window of rows the pane shows, not the office. */
  g_test_message ("rows read for the first screen: %" G_GUINT64_FORMAT,
                  motcua_dossier_list_get_n_loaded_rows (motcua_queue_pane_get_model (pane)));
  g_assert_cmpuint (motcua_dossier_list_get_n_loaded_rows (motcua_queue_pane_get_model (pane)), <=, 3 * PAGE);
  /* Nothing is selected until the clerk picks a dossier. */
  g_assert_null (motcua_queue_pane_get_selected_code (pane));
  g_assert_cmpuint (selected->len, ==, 0);
}

static gboolean
read_ahead (void)
{
  return motcua_queue_pane_get_search_read_ahead (pane) > 0;
}

/* A little after the first counts, the pane reads the whole search index once, so the
 * morning's first searches do not wait for the disk. */
static void
test_search_read_ahead (void)
{
  gint64 expected = motcua_test_search_index_bytes (db);

  wait_until (read_ahead, 30, "the search index to be read ahead");
  g_assert_cmpuint (motcua_queue_pane_get_search_read_ahead (pane), ==, expected);
}

/* The first label under @root showing @text, or NULL. */
static GtkWidget *
find_label (GtkWidget *root, const char *text)
{
  if (GTK_IS_LABEL (root) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (root)), text) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static const char *grouped_total;

static gboolean
total_shown_grouped (void)
{
  return find_label (ui_test_require_by_id (GTK_WIDGET (pane), "filter_box"), grouped_total) != NULL;
}

/* An office's desktop runs with Vietnamese regional formats (vi_VN.UTF-8, which
 * scripts/deps.sh generates): there the counts group thousands with a dot, as the
 * dashboard's reports always do. */
static void
test_counts_in_vietnamese_formats (void)
{
  GtkLabel *summary = GTK_LABEL (ui_test_require_by_id (GTK_WIDGET (pane), "summary_label"));
  g_autofree char *numeric = g_strdup (setlocale (LC_NUMERIC, NULL));
  g_autofree char *total = g_strdup_printf ("%u.%03u", N_DOSSIERS / 1000, N_DOSSIERS % 1000);
  g_autofree char *summary_text = g_strdup_printf ("%s dossiers", total);

  if (setlocale (LC_NUMERIC, "vi_VN.UTF-8") == NULL)
    {
      g_test_skip ("This machine has no vi_VN.UTF-8 locale (scripts/deps.sh generates it)");
      return;
    }
  motcua_queue_pane_reload (pane);
  g_assert_cmpstr (gtk_label_get_text (summary), ==, summary_text);
  /* The views' counts follow when the worker has counted again. */
  grouped_total = total;
  wait_until (total_shown_grouped, 30, "the grouped count of every dossier");

  setlocale (LC_NUMERIC, numeric);
  motcua_queue_pane_reload (pane);
  g_assert_cmpstr (gtk_label_get_text (summary), ==, "2000 dossiers");
}

static void
test_filter_counts (void)
{
  for (guint f = 0; f < MOTCUA_QUEUE_N_FILTERS; f++)
    {
      gint64 expected = expected_count (f);

      g_test_message ("%s: %" G_GINT64_FORMAT, motcua_queue_filter_to_string (f), expected);
      g_assert_cmpint (expected, >, 0);
      g_assert_cmpint (motcua_queue_pane_get_filter_count (pane, f), ==, expected);

      motcua_queue_pane_set_filter (pane, f);
      g_assert_cmpuint (motcua_queue_pane_get_filter (pane), ==, f);
      g_assert_cmpuint (g_list_model_get_n_items (model ()), ==, expected);
      g_assert_false (motcua_queue_pane_shows_empty_state (pane));
    }
  /* Alt+3 and friends go through this action. */
  gtk_widget_activate_action (GTK_WIDGET (pane), "queue.filter", "s", "due-today");
  g_assert_cmpuint (motcua_queue_pane_get_filter (pane), ==, MOTCUA_QUEUE_FILTER_DUE_TODAY);
  g_assert_cmpuint (g_list_model_get_n_items (model ()), ==, expected_count (MOTCUA_QUEUE_FILTER_DUE_TODAY));
  motcua_queue_pane_set_filter (pane, MOTCUA_QUEUE_FILTER_ALL);
  g_assert_cmpuint (g_list_model_get_n_items (model ()), ==, N_DOSSIERS);
}

static void
test_search_without_diacritics (void)
{
  guint n, named = 0;

  motcua_queue_pane_set_search_text (pane, "nguyen");
  settle ();
  n = g_list_model_get_n_items (model ());
  g_assert_cmpuint (n, >, 10);
  g_assert_false (motcua_queue_pane_shows_empty_state (pane));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MotcuaDossier) dossier = g_list_model_get_item (model (), i);
      named += strstr (motcua_dossier_get_applicant_name (dossier), "Nguyễn") != NULL;
    }
  g_test_message ("%u of %u matches are named Nguyễn", named, n);
  g_assert_cmpuint (named * 10, >=, n * 9);
  {
    /* The best match first. */
    g_autoptr(MotcuaDossier) first = g_list_model_get_item (model (), 0);
    g_assert_nonnull (strstr (motcua_dossier_get_applicant_name (first), "Nguyễn"));
  }

  /* A filter narrows the search. */
  motcua_queue_pane_set_filter (pane, MOTCUA_QUEUE_FILTER_READY);
  g_assert_cmpuint (g_list_model_get_n_items (model ()), <, n);
  for (guint i = 0; i < g_list_model_get_n_items (model ()); i++)
    {
      g_autoptr(MotcuaDossier) dossier = g_list_model_get_item (model (), i);
      g_assert_cmpint (motcua_dossier_get_status (dossier), ==, MOTCUA_STATUS_RESULT_READY);
    }
  motcua_queue_pane_set_filter (pane, MOTCUA_QUEUE_FILTER_ALL);
  motcua_queue_pane_set_search_text (pane, "");
  g_assert_cmpuint (g_list_model_get_n_items (model ()), ==, N_DOSSIERS);
}

static void
test_empty_state (void)
{
  motcua_queue_pane_set_search_text (pane, "zzqxj khong co ai");
  settle ();
  g_assert_cmpuint (g_list_model_get_n_items (model ()), ==, 0);
  g_assert_true (motcua_queue_pane_shows_empty_state (pane));
  g_assert_true (motcua_queue_pane_is_populated (pane));

  motcua_queue_pane_set_search_text (pane, "");
  settle ();
  g_assert_false (motcua_queue_pane_shows_empty_state (pane));
}

static void
test_next_and_previous (void)
{
  g_autofree char *first = code_at (0);
  g_autofree char *second = code_at (1);
  g_autofree char *third = code_at (2);

  g_ptr_array_set_size (selected, 0);
  motcua_queue_pane_select_next (pane);
  g_assert_cmpstr (last_selected (), ==, first);
  motcua_queue_pane_select_next (pane);
  g_assert_cmpstr (last_selected (), ==, second);
  motcua_queue_pane_select_next (pane);
  g_assert_cmpstr (last_selected (), ==, third);
  motcua_queue_pane_select_previous (pane);
  g_assert_cmpstr (last_selected (), ==, second);
  g_assert_cmpstr (motcua_queue_pane_get_selected_code (pane), ==, second);
  g_assert_cmpuint (selected->len, ==, 4);

  /* At the top, previous stays there and says nothing new. */
  motcua_queue_pane_select_previous (pane);
  motcua_queue_pane_select_previous (pane);
  g_assert_cmpstr (last_selected (), ==, first);
  g_assert_cmpuint (selected->len, ==, 5);
}

static void
test_select_code (void)
{
  guint far = N_DOSSIERS - 7;
  g_autofree char *code = NULL;
  guint64 loaded_before = motcua_dossier_list_get_n_loaded_rows (motcua_queue_pane_get_model (pane));

  /* A code the list has not read yet, near the end. */
  code = code_at (far);
  g_assert_true (motcua_queue_pane_select_code (pane, code));
  g_assert_cmpstr (last_selected (), ==, code);
  g_assert_cmpstr (motcua_queue_pane_get_selected_code (pane), ==, code);
  settle ();
  g_assert_cmpstr (motcua_queue_pane_get_selected_code (pane), ==, code);
  /* The page of the code, and the rows the view builds on its way there (GtkListView
   * keeps up to 200): a few pages, not the list. */
  g_test_message ("rows read to jump to position %u: %" G_GUINT64_FORMAT, far,
                  motcua_dossier_list_get_n_loaded_rows (motcua_queue_pane_get_model (pane)) - loaded_before);
  g_assert_cmpuint (motcua_dossier_list_get_n_loaded_rows (motcua_queue_pane_get_model (pane)) - loaded_before,
                    <=, 10 * PAGE);

  g_assert_false (motcua_queue_pane_select_code (pane, "000.17.22.H56-990101-9999"));
  g_assert_cmpstr (motcua_queue_pane_get_selected_code (pane), ==, code);
}

static void
test_keyboard (void)
{
  GtkWidget *entry = find_child (GTK_WIDGET (pane), GTK_TYPE_SEARCH_ENTRY, NULL);
  /* Not the sort menu's list: the queue's. */
  GtkWidget *list_view = find_child (GTK_WIDGET (pane), GTK_TYPE_LIST_VIEW, "navigation-sidebar");
  GtkWidget *focus;
  const char *code;

  g_assert_nonnull (entry);
  motcua_queue_pane_focus_search (pane);
  settle ();
  focus = gtk_window_get_focus (window);
  g_assert_nonnull (focus);
  g_assert_true (focus == entry || gtk_widget_is_ancestor (focus, entry));

  /* Enter in the search entry opens the selected dossier. */
  code = motcua_queue_pane_get_selected_code (pane);
  g_assert_nonnull (code);
  g_ptr_array_set_size (activated, 0);
  g_signal_emit_by_name (entry, "activate");
  g_assert_cmpuint (activated->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (activated, 0), ==, code);

  /* Enter on a row of the list does too. */
  g_assert_nonnull (list_view);
  g_assert_true (gtk_widget_activate_action (list_view, "list.activate-item", "u", 1));
  g_assert_cmpuint (activated->len, ==, 2);
  {
    g_autofree char *second = code_at (1);
    g_assert_cmpstr (g_ptr_array_index (activated, 1), ==, second);
  }
}

static void
test_reload_keeps_selection (void)
{
  g_autofree char *code = code_at (5);
  guint n_signals;

  g_assert_true (motcua_queue_pane_select_code (pane, code));
  n_signals = selected->len;
  run_cli ("receive", "--procedure", "1.001193", "--applicant-name", "Nguyễn Văn Kiểm Thử",
           "--id-number", "036099001234", "--phone", "0912345678", "--address", "Thôn Đông", NULL);
  motcua_queue_pane_reload (pane);
  expected_total = N_DOSSIERS + 1;
  wait_until (counted_total, 20, "the counts after a reload");
  settle ();
  g_assert_cmpuint (g_list_model_get_n_items (model ()), ==, N_DOSSIERS + 1);
  g_assert_cmpstr (motcua_queue_pane_get_selected_code (pane), ==, code);
  g_assert_cmpuint (selected->len, ==, n_signals);
  wait_until (populated, 20, "the queue after a reload");
  g_assert_cmpint (motcua_queue_pane_get_filter_count (pane, MOTCUA_QUEUE_FILTER_ALL), ==, N_DOSSIERS + 1);

  /* And the new dossier is there to find. */
  motcua_queue_pane_set_search_text (pane, "kiem thu");
  g_assert_cmpuint (g_list_model_get_n_items (model ()), >=, 1);
  motcua_queue_pane_set_search_text (pane, "");
}

static GListModel *shown_rows;

/* The first screen is bound over a few frames; a loaded machine needs more of them. */
static gboolean
first_screen_shown (void)
{
  return g_list_model_get_n_items (shown_rows) >= 20;
}

/* The view shows a window of the list that grows as the clerk scrolls down. */
static void
test_scrolling_grows_the_window (void)
{
  GtkWidget *list_view = find_child (GTK_WIDGET (pane), GTK_TYPE_LIST_VIEW, "navigation-sidebar");
  GListModel *shown = G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (list_view)));
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (list_view));
  guint before;

  motcua_queue_pane_set_search_text (pane, "");
  motcua_queue_pane_set_filter (pane, MOTCUA_QUEUE_FILTER_ALL);
  shown_rows = shown;
  wait_until (first_screen_shown, 20, "the first screen of rows");
  settle ();
  before = g_list_model_get_n_items (shown);
  g_assert_cmpuint (before, <, N_DOSSIERS);
  for (guint i = 0; i < 3; i++)
    {
      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
      settle ();
    }
  g_test_message ("rows shown: %u, then %u", before, g_list_model_get_n_items (shown));
  g_assert_cmpuint (g_list_model_get_n_items (shown), >, before);
  g_assert_cmpuint (g_list_model_get_n_items (model ()), ==, sql_int ("SELECT count(*) FROM dossiers"));
  {
    /* The rows shown are the list's, in order. */
    guint last = g_list_model_get_n_items (shown) - 1;
    g_autoptr(GObject) slot = g_list_model_get_item (shown, last);
    g_autoptr(MotcuaDossier) shown_dossier = NULL;
    g_autofree char *expected = code_at (last);

    g_object_get (slot, "dossier", &shown_dossier, NULL);
    g_assert_cmpstr (motcua_dossier_get_code (shown_dossier), ==, expected);
  }
}

/* The sort menu acts on the setting, as the clerk's choice: the label says it, the
 * list follows it, and the menu itself is only made when first opened. */
static void
test_sort_menu (void)
{
  GtkWidget *button = find_child (GTK_WIDGET (pane), GTK_TYPE_MENU_BUTTON, "flat");
  g_autofree char *first = NULL;
  g_autofree char *highest = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_nonnull (button);
  g_assert_null (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button)));
  motcua_queue_pane_set_search_text (pane, "");
  motcua_queue_pane_set_filter (pane, MOTCUA_QUEUE_FILTER_ALL);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (pane), "queue.queue-sort", "s", "code"));
  settle ();
  g_assert_cmpstr (gtk_menu_button_get_label (GTK_MENU_BUTTON (button)), ==, _("Code"));
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT code FROM dossiers ORDER BY code DESC LIMIT 1", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  highest = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  first = code_at (0);
  g_assert_cmpstr (first, ==, highest);

  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  settle ();
  g_assert_true (GTK_IS_POPOVER_MENU (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button))));
  gtk_menu_button_popdown (GTK_MENU_BUTTON (button));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (pane), "queue.queue-sort", "s", "due"));
  settle ();
  g_assert_cmpstr (gtk_menu_button_get_label (GTK_MENU_BUTTON (button)), ==, _("Due date"));
}

static void
test_never_loads_everything (void)
{
  MotcuaDossierList *list = motcua_queue_pane_get_model (pane);

  g_test_message ("rows read in the whole session: %" G_GUINT64_FORMAT ", held now: %u",
                  motcua_dossier_list_get_n_loaded_rows (list), motcua_dossier_list_get_n_cached_rows (list));
  /* Eight pages at most, whatever was asked before. */
  g_assert_cmpuint (motcua_dossier_list_get_n_cached_rows (list), <=, 8 * PAGE);
}

static gboolean
one_match (void)
{
  return g_list_model_get_n_items (model ()) == 1;
}

/* A dossier due at the end of a working day is late all evening, though no working
 * time has passed: its row says "overdue" in the same words as the counted cases. */
static void
test_overdue_after_hours (void)
{
  g_autofree char *code = NULL;
  g_autofree char *due_at = NULL;
  g_autoptr(GDateTime) due = NULL;
  g_autoptr(GDateTime) evening = NULL;
  g_autofree char *pinned = NULL;
  g_autofree char *expected = NULL;
  GtkWidget *due_label;

  /* Received after hours, so counted from the next morning to the end of a day. */
  g_setenv ("MOTCUA_NOW", "2026-11-23T18:00:00+07:00", TRUE);
  run_cli ("receive", "--procedure", "1.004873", "--applicant-name", "Hà Thị Ngát",
           "--id-number", "038190004321", "--phone", "0912000111", "--address", "Thôn Nam, xã Quảng Phú",
           "--documents", "1,3", NULL);
  code = motcua_test_sql_text (db, "SELECT code FROM dossiers ORDER BY id DESC LIMIT 1");
  due_at = motcua_test_sql_text (db, "SELECT due_at FROM dossiers ORDER BY id DESC LIMIT 1");
  due = motcua_time_parse (due_at, NULL);
  g_assert_nonnull (due);
  g_assert_cmpint (g_date_time_get_hour (due), ==, 17);

  evening = g_date_time_add_hours (due, 3);
  pinned = g_date_time_format_iso8601 (evening);
  g_setenv ("MOTCUA_NOW", pinned, TRUE);
  motcua_queue_pane_set_search_text (pane, code);
  motcua_queue_pane_reload (pane);
  wait_until (one_match, 10, "the new dossier alone in the queue");
  settle ();
  due_label = find_child (GTK_WIDGET (pane), GTK_TYPE_LABEL, "due-overdue");
  g_assert_nonnull (due_label);
  expected = g_date_time_format (due, "%d/%m %H:%M · overdue");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (due_label)), ==, expected);

  g_setenv ("MOTCUA_NOW", NOW, TRUE);
  motcua_queue_pane_set_search_text (pane, "");
  motcua_queue_pane_reload (pane);
}

/* ---- the office and the window ------------------------------------------------------- */

static void
make_office (void)
{
  g_autoptr(GError) error = NULL;

  test_dir = g_dir_make_tmp ("motcua-ui-queue-XXXXXX", &error);
  g_assert_no_error (error);
  db_path = g_build_filename (test_dir, "office.db", NULL);
  run_cli ("init", "--demo", NULL);
  run_cli ("demo-data", "--dossiers", G_STRINGIFY (N_DOSSIERS), NULL);

  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  /* The demo never syncs: a few rejected events give "needs attention" its other half. */
  g_assert_cmpint (sqlite3_exec (db, "UPDATE events SET sync_state = 2 WHERE seq = 1 AND id % 97 = 0",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  store = motcua_store_open (db_path, &error);
  g_assert_no_error (error);
}

static void
open_window (void)
{
  window = GTK_WINDOW (gtk_window_new ());
  pane = MOTCUA_QUEUE_PANE (motcua_queue_pane_new ());
  selected = g_ptr_array_new_with_free_func (g_free);
  activated = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (pane, "dossier-selected", G_CALLBACK (on_selected), NULL);
  g_signal_connect (pane, "dossier-activated", G_CALLBACK (on_activated), NULL);
  gtk_window_set_child (window, GTK_WIDGET (pane));
  gtk_window_set_default_size (window, 420, 740);
  motcua_queue_pane_set_store (pane, store);
  gtk_window_present (window);
  wait_until (populated, 30, "the queue's first screen");
}
int
main (int argc, char **argv)
{
  int status;

  g_setenv ("MOTCUA_NOW", NOW, TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  motcua_ui_register_resources ();
  make_office ();
  open_window ();

  g_test_add_func ("/queue/first-screen", test_first_screen);
  g_test_add_func ("/queue/search-read-ahead", test_search_read_ahead);
  g_test_add_func ("/queue/filter-counts", test_filter_counts);
  g_test_add_func ("/queue/counts-in-vietnamese-formats", test_counts_in_vietnamese_formats);
  g_test_add_func ("/queue/search-without-diacritics", test_search_without_diacritics);
  g_test_add_func ("/queue/empty-state", test_empty_state);
  g_test_add_func ("/queue/next-and-previous", test_next_and_previous);
  g_test_add_func ("/queue/select-code", test_select_code);
  g_test_add_func ("/queue/keyboard", test_keyboard);
  g_test_add_func ("/queue/reload-keeps-selection", test_reload_keeps_selection);
  g_test_add_func ("/queue/scrolling-grows-the-window", test_scrolling_grows_the_window);
  g_test_add_func ("/queue/sort-menu", test_sort_menu);
  g_test_add_func ("/queue/never-loads-everything", test_never_loads_everything);
  /* Last: it adds a dossier to the office. */
  g_test_add_func ("/queue/overdue-after-hours", test_overdue_after_hours);
  status = g_test_run ();

  gtk_window_destroy (window);
  g_clear_object (&store);
  sqlite3_close (db);
  motcua_test_remove_tree (test_dir);
  g_free (test_dir);
  g_free (db_path);
  g_clear_pointer (&selected, g_ptr_array_unref);
  g_clear_pointer (&activated, g_ptr_array_unref);
  return status;
}
