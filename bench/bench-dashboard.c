/* bench-dashboard.c: the supervisors' dashboard on a year of a province (500,000
 * dossiers).
 *
 * a) In this process, as a supervisor opens it from the running application (a plain
 *    window has been shown first): from creating the dashboard window for the
 *    generated year until the frame clock has painted the first frame that shows its
 *    figures. Several rounds (the first on a cold connection); PASS when every round
 *    is under 1 s.
 * b) `motcua stats --from --to --json` for the same year (whole processes), beside the
 *    floor measured in the same run: the raw SQL aggregate (one GROUP BY over the same
 *    rows: the year's dossiers by channel) on its own connection, and, for information,
 *    the indicators counted in this process. Medians; the ratio is printed.
 *
 * The office is made with the command line ($MOTCUA_CLI init --demo, demo-data) once
 * per run; MOTCUA_BENCH_DOSSIERS makes it smaller, MOTCUA_BENCH_DB keeps it between
 * runs. The clock is pinned (MOTCUA_NOW) so every run sees the same office.
 */

#include <adwaita.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench-office.h"
#include "motcua-application.h"
#include "motcua-dashboard-window.h"

#define NOW              "2026-11-23T09:00:00+07:00"
#define FROM             "2025-11-24"
#define TO               "2026-11-23"
#define DEFAULT_DOSSIERS 500000
#define DEFAULT_ROUNDS   5
#define TARGET_MS        1000.0

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (GArray *samples)
{
  g_array_sort (samples, compare_doubles);
  return g_array_index (samples, double, samples->len / 2);
}

/* ---- a) the window ------------------------------------------------------------------ */

typedef struct {
  MotcuaDashboardWindow *window;
  gint64                 t0;
  double                 ms;
} Round;

/* MOTCUA_BENCH_TRACE=1 tells where the time goes. */
static void
trace (Round *round, const char *what)
{
  if (g_getenv ("MOTCUA_BENCH_TRACE") != NULL)
    printf ("     %7.1f ms  %s\n", (g_get_monotonic_time () - round->t0) / 1000.0, what);
}

static void
on_loaded (MotcuaDashboardWindow *window, Round *round)
{
  trace (round, "figures counted and shown");
}

/* State changes only between frames: a frame painted while the figures are loaded is
 * the first one that showed them. */
static void
after_paint (GdkFrameClock *clock, Round *round)
{
  if (round->ms < 0 && motcua_dashboard_window_is_loaded (round->window))
    round->ms = (g_get_monotonic_time () - round->t0) / 1000.0;
}

static double
open_dashboard_once (MotcuaStore *store)
{
  Round round = { .ms = -1 };
  GdkFrameClock *clock;
  gulong handler;

  round.t0 = g_get_monotonic_time ();
  round.window = motcua_dashboard_window_new (NULL, store);
  trace (&round, "window made");
  g_signal_connect (round.window, "loaded", G_CALLBACK (on_loaded), &round);
  gtk_window_set_default_size (GTK_WINDOW (round.window), 1280, 900);
  if (!motcua_dashboard_window_set_custom_period (round.window, FROM, TO))
    g_error ("the benchmark's period is refused");
  gtk_window_present (GTK_WINDOW (round.window));
  trace (&round, "presented");
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (round.window));
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint), &round);
  while (round.ms < 0)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (clock, handler);
  if (motcua_dashboard_window_get_stats (round.window)->received == 0)
    g_error ("the dashboard shows no dossiers");
  gtk_window_destroy (GTK_WINDOW (round.window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  return round.ms;
}

static void
painted (GdkFrameClock *clock, gboolean *done)
{
  *done = TRUE;
}

/* A supervisor opens the dashboard from the running application: GTK, its fonts and
 * its renderer are already up. One plain window brings this process there. */
static void
warm_up (void)
{
  GtkWidget *window = adw_window_new ();
  gboolean done = FALSE;
  gulong handler;
  GdkFrameClock *clock;

  adw_window_set_content (ADW_WINDOW (window), gtk_label_new ("Bảng số liệu"));
  gtk_window_present (GTK_WINDOW (window));
  clock = gtk_widget_get_frame_clock (window);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (painted), &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (clock, handler);
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
bench_window (const char *db, guint rounds)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaStore) store = motcua_store_open (db, &error);
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (double));
  double worst = 0;

  if (store == NULL)
    g_error ("%s", error->message);
  warm_up ();
  printf ("a) Opening the dashboard for %s … %s, to its first frame with figures:\n", FROM, TO);
  for (guint i = 0; i < rounds; i++)
    {
      double ms = open_dashboard_once (store);

      printf ("   round %u: %.1f ms\n", i + 1, ms);
      g_array_append_val (samples, ms);
      worst = MAX (worst, ms);
    }
  printf ("   median %.1f ms, worst %.1f ms (target < %.0f ms): %s\n", median (samples), worst, TARGET_MS,
          worst < TARGET_MS ? "PASS" : "FAIL");
  return worst < TARGET_MS;
}

/* ---- b) the command line beside the raw SQL ------------------------------------------ */

static double
time_cli (const char *db)
{
  gint64 start = g_get_monotonic_time ();

  bench_office_run_cli (NOW, db, "stats", "--from", FROM, "--to", TO, "--json", NULL);
  return (g_get_monotonic_time () - start) / 1000.0;
}

/* The floor: one GROUP BY over the same rows (the year's received dossiers by
 * channel), on a fresh connection as the command line has. */
static double
time_raw_sql (const char *db, gint64 *received)
{
  sqlite3 *conn = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 start = g_get_monotonic_time ();
  double ms;

  *received = 0;
  if (sqlite3_open_v2 (db, &conn, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK
      || sqlite3_prepare_v2 (conn, "SELECT channel, count(*) FROM dossiers"
                             " WHERE received_at >= ?1 AND received_at < ?2 GROUP BY channel", -1, &stmt, NULL) != SQLITE_OK)
    g_error ("raw SQL: %s", sqlite3_errmsg (conn));
  sqlite3_bind_text (stmt, 1, FROM "T00:00:00", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, "2026-11-24T00:00:00", -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    *received += sqlite3_column_int64 (stmt, 1);
  sqlite3_finalize (stmt);
  sqlite3_close (conn);
  ms = (g_get_monotonic_time () - start) / 1000.0;
  return ms;
}

static double
time_in_process (const char *db, gint64 *received)
{
  sqlite3 *conn = NULL;
  MotcuaStatsQuery query = { 0 };
  g_autoptr(MotcuaStats) stats = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  motcua_stats_parse_date (FROM, &query.from);
  motcua_stats_parse_date (TO, &query.to);
  if (sqlite3_open_v2 (db, &conn, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    g_error ("%s", sqlite3_errmsg (conn));
  stats = motcua_stats_compute (conn, &query, &error);
  sqlite3_close (conn);
  if (stats == NULL)
    g_error ("%s", error->message);
  *received = stats->received;
  return (g_get_monotonic_time () - start) / 1000.0;
}

static void
bench_cli (const char *db, guint rounds)
{
  g_autoptr(GArray) cli = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) raw = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) core = g_array_new (FALSE, FALSE, sizeof (double));
  gint64 raw_received = 0, core_received = 0;

  printf ("b) Indicators for %s … %s (medians of %u, alternating):\n", FROM, TO, rounds);
  for (guint i = 0; i < rounds; i++)
    {
      double ms = time_cli (db);
      g_array_append_val (cli, ms);
      ms = time_raw_sql (db, &raw_received);
      g_array_append_val (raw, ms);
      ms = time_in_process (db, &core_received);
      g_array_append_val (core, ms);
    }
  printf ("   motcua stats (whole process):      %8.1f ms\n", median (cli));
  printf ("   raw SQL GROUP BY channel (floor):   %8.1f ms  (%lld dossiers received)\n", median (raw),
          (long long) raw_received);
  printf ("   motcua_stats_compute in-process:    %8.1f ms  (%lld dossiers received)\n", median (core),
          (long long) core_received);
  printf ("   ratio motcua stats / raw SQL: %.2f×\n", median (cli) / MAX (median (raw), 0.001));
  if (raw_received != core_received)
    printf ("   WARNING: the raw SQL and the indicators count %lld and %lld received dossiers\n",
            (long long) raw_received, (long long) core_received);
}

int
main (int argc, char **argv)
{
  const char *env_dossiers = g_getenv ("MOTCUA_BENCH_DOSSIERS");
  const char *env_rounds = g_getenv ("MOTCUA_BENCH_ROUNDS");
  guint n_dossiers = env_dossiers ? atoi (env_dossiers) : DEFAULT_DOSSIERS;
  guint rounds = MAX (env_rounds ? atoi (env_rounds) : DEFAULT_ROUNDS, 1);
  g_autofree char *dir = NULL;
  g_autofree char *db = NULL;
  gboolean ok;

  setlocale (LC_ALL, "");
  if ((db = bench_office_prepare (NOW, "dashboard", n_dossiers, &dir)) == NULL)
    return 1;

  printf ("Dashboard benchmarks at %u dossiers\n", n_dossiers);
  fflush (stdout);
  gtk_init ();
  adw_init ();
  motcua_ui_register_resources ();
  ok = bench_window (db, rounds);
  bench_cli (db, rounds);

  if (dir != NULL)
    bench_office_remove_tree (dir);
  printf ("%s\n", ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}
