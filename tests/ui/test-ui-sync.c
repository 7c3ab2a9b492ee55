/* test-ui-sync.c: the header bar's sync indicator against a real motcua-server.
 *
 * A workstation made with the command line and enrolled with a server on 127.0.0.1
 * opens its window; the indicator must say it is synced once the first round is done,
 * offline with the count of waiting changes when the server is gone and the clerk
 * receives a citizen, and synced again — with nothing waiting — when the server is back. Everything
 * it shows is read back from the widgets, in Vietnamese.
 */

#include <glib/gi18n.h>
#include <locale.h>
#include <signal.h>

#include "integration-util.h"
#include "motcua-application.h"
#include "motcua-dossier-editor.h"
#include "motcua-protocol.h"
#include "motcua-queue-pane.h"
#include "motcua-store.h"
#include "motcua-sync-indicator.h"
#include "motcua-sync.h"
#include "motcua-test-util.h"
#include "motcua-window.h"
#include "ui-test-util.h"

typedef struct {
  MotcuaTestServer *server;
  char             *dir;
  char             *db;
  MotcuaStore      *store;
  GtkApplication   *app;
  MotcuaWindow     *window;
} Fixture;

static gboolean
wait_until (gboolean (*ready) (gpointer), gpointer data, guint timeout_ms)
{
  gint64 until = g_get_monotonic_time () + timeout_ms * 1000;

  while (!ready (data) && g_get_monotonic_time () < until)
    ui_test_iterate (20);
  return ready (data);
}

static void
run_cli_ok (Fixture *f, const char *what, const char * const *args)
{
  g_autoptr(MotcuaTestCliResult) result = motcua_test_run_cli_env (NULL, f->db, args);

  g_assert_true (motcua_test_expect_status (result, 0, what));
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;

  f->server = motcua_test_server_new ();
  g_assert_true (motcua_test_server_start (f->server));
  f->dir = motcua_test_make_temp_dir ("motcua-ui-sync-XXXXXX");
  f->db = g_build_filename (f->dir, "office.db", NULL);
  run_cli_ok (f, "init", (const char *[]) { "init", "--demo", "--agency-code", MOTCUA_TEST_AGENCY, NULL });
  run_cli_ok (f, "demo-data", (const char *[]) { "demo-data", "--dossiers", "30", NULL });
  code = motcua_test_server_enrolment_code (f->server, MOTCUA_TEST_AGENCY);
  g_assert_nonnull (code);
  run_cli_ok (f, "register", (const char *[]) { "register", "--server", motcua_test_server_get_url (f->server),
                                                "--code", code, NULL });

  f->store = motcua_store_open (f->db, &error);
  g_assert_no_error (error);
  f->window = MOTCUA_WINDOW (ui_test_open_window (f->store, "io.github.motcua.Desk.TestSync", &f->app));
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  ui_test_iterate (50);
  g_clear_object (&f->store);
  g_clear_object (&f->app);
  motcua_test_server_free (f->server);
  motcua_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->db);
}

static MotcuaSyncIndicator *
indicator (Fixture *f)
{
  GtkWidget *widget = ui_test_find_by_id (GTK_WIDGET (f->window), "sync_indicator");

  g_assert_true (MOTCUA_IS_SYNC_INDICATOR (widget));
  return MOTCUA_SYNC_INDICATOR (widget);
}

static const char *
summary (Fixture *f)
{
  return motcua_sync_indicator_get_summary (indicator (f));
}

/* The summary begins with the state's own words, in the language of the test. */
static gboolean
shows_synced (gpointer data)
{
  return g_str_has_prefix (summary (data), _("Synced")) && strstr (summary (data), "·") == NULL;
}

static gboolean
shows_offline_with_one_waiting (gpointer data)
{
  g_autofree char *waiting = g_strdup_printf (_(" · %'lld waiting"), 1LL);

  return g_str_has_prefix (summary (data), _("Offline")) && strstr (summary (data), waiting) != NULL;
}

static gint64
server_feed_size (Fixture *f)
{
  g_autoptr(MotcuaStore) store = motcua_store_open (f->db, NULL);
  g_autofree char *token = motcua_store_get_state (store, "sync.token", NULL);
  g_autofree char *url = g_strdup_printf ("%sv1/feed?since=0&limit=1000", motcua_test_server_get_url (f->server));
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonObject) object = NULL;

  g_assert_cmpuint (motcua_test_http ("GET", url, token, NULL, NULL, &body, NULL), ==, 200);
  object = motcua_protocol_parse_object (body, NULL);
  g_assert_nonnull (object);
  return json_array_get_length (json_object_get_array_member (object, "events"));
}

static void
test_indicator_follows_the_server (Fixture *f, gconstpointer data)
{
  MotcuaQueuePane *queue = MOTCUA_QUEUE_PANE (motcua_window_get_queue_pane (f->window));
  gint64 local_events;

  /* The window's first round sends the whole office. */
  g_assert_true (wait_until (shows_synced, f, 60000));
  local_events = motcua_test_store_int (f->store, "SELECT count(*) FROM events");
  g_assert_cmpint (server_feed_size (f), ==, local_events);

  /* The server goes away; the clerk receives a citizen all the same, with a number
   * from the block the first round reserved: it waits, visibly. */
  motcua_test_server_kill (f->server, SIGKILL);
  {
    g_autoptr(MotcuaTestCliResult) receive =
      motcua_test_run_cli (f->db, "receive", "--procedure", "1.001193", "--applicant-name", "Lò Thị Mai",
                           "--id-number", "011190001234", "--documents", "all", NULL);
    g_assert_true (motcua_test_expect_status (receive, 0, "receive offline"));
  }
  motcua_queue_pane_reload (queue);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.sync", NULL);
  g_assert_true (wait_until (shows_offline_with_one_waiting, f, 30000));

  /* Back online, the user asks again: everything goes through. */
  g_assert_true (motcua_test_server_start (f->server));
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.sync", NULL);
  g_assert_true (wait_until (shows_synced, f, 30000));
  g_assert_cmpint (server_feed_size (f), ==, local_events + 1);
  g_assert_cmpint (motcua_test_store_int (f->store, "SELECT count(*) FROM events"), ==, local_events + 1);
  g_assert_cmpint (motcua_test_store_int (f->store, "SELECT count(*) FROM events WHERE sync_state = 0"), ==, 0);
}

static void
run_cli_on (const char *db, const char *what, const char * const *args)
{
  g_autoptr(MotcuaTestCliResult) result = motcua_test_run_cli_env (NULL, db, args);

  g_assert_true (motcua_test_expect_status (result, 0, what));
}

static char *
received_code (const char *db)
{
  g_autoptr(MotcuaTestCliResult) result =
    motcua_test_run_cli (db, "--json", "receive", "--procedure", "1.001193", "--applicant-name", "Hà Văn Thử",
                         "--id-number", "011190004321", "--documents", "all", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (motcua_test_expect_status (result, 0, "receive"));
  g_assert_true (json_parser_load_from_data (parser, result->out, -1, NULL));
  return g_strdup (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "code"));
}

static gboolean
attention_shown (gpointer data)
{
  Fixture *f = data;

  return motcua_queue_pane_get_filter_count (MOTCUA_QUEUE_PANE (motcua_window_get_queue_pane (f->window)),
                                             MOTCUA_QUEUE_FILTER_ATTENTION) >= 1
         && strstr (summary (f), "·") != NULL;
}

static GtkWidget *
find_button_labelled (GtkWidget *root, const char *label)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_BUTTON (child) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (child)), label) == 0)
        return child;
      if ((found = find_button_labelled (child, label)) != NULL)
        return found;
    }
  return NULL;
}

static gboolean
all_dismissed (gpointer data)
{
  Fixture *f = data;

  return motcua_test_store_int (f->store, "SELECT count(*) FROM set_aside_events WHERE dismissed = 0") == 0;
}

/* Two workstations hand the same dossier on while the server is down. The one that
 * syncs second loses: its window must say so in Vietnamese, keep its action visible,
 * and let the clerk mark it as seen. */
static void
test_conflict_is_shown (Fixture *f, gconstpointer data)
{
  g_autofree char *other = g_build_filename (f->dir, "other.db", NULL);
  g_autofree char *enrolment = NULL;
  g_autofree char *code = NULL;
  MotcuaDossierEditor *editor = MOTCUA_DOSSIER_EDITOR (motcua_window_get_editor (f->window));
  GtkWidget *dismiss;

  g_assert_true (wait_until (shows_synced, f, 60000));
  code = received_code (f->db);
  run_cli_on (f->db, "sync", (const char *[]) { "sync", NULL });

  /* The other workstation of the office gets the dossier. */
  run_cli_on (other, "init", (const char *[]) { "init", "--demo", "--agency-code", MOTCUA_TEST_AGENCY, NULL });
  enrolment = motcua_test_server_enrolment_code (f->server, MOTCUA_TEST_AGENCY);
  run_cli_on (other, "register", (const char *[]) { "register", "--server", motcua_test_server_get_url (f->server),
                                                    "--code", enrolment, NULL });
  run_cli_on (other, "sync", (const char *[]) { "sync", NULL });

  /* Offline, both hand it on; the other one reaches the server first. */
  motcua_test_server_kill (f->server, SIGKILL);
  run_cli_on (other, "transfer", (const char *[]) { "act", code, "transfer", "--to", "chuyenvien1", NULL });
  run_cli_on (f->db, "transfer", (const char *[]) { "act", code, "transfer", "--to", "chuyenvien2", NULL });
  g_assert_true (motcua_test_server_start (f->server));
  run_cli_on (other, "sync", (const char *[]) { "sync", NULL });

  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.sync", NULL);
  g_assert_true (wait_until (attention_shown, f, 30000));

  /* The dossier shows the action that was not kept, and the way out. */
  motcua_window_open_dossier (f->window, code);
  ui_test_iterate (300);
  g_assert_nonnull (ui_test_find_by_name (GTK_WIDGET (editor), "set-aside-0"));
  dismiss = find_button_labelled (GTK_WIDGET (editor), _("_Mark as Seen"));
  g_assert_nonnull (dismiss);
  g_assert_cmpint (motcua_test_store_int (f->store, "SELECT count(*) FROM set_aside_events"), ==, 1);
  /* At once: gtk_widget_activate() clicks only after 250 ms, and a sync round that
   * reloads the editor meanwhile would take the button away. */
  g_signal_emit_by_name (dismiss, "clicked");
  g_assert_true (wait_until (all_dismissed, f, 10000));
  g_assert_cmpint (motcua_test_store_int (f->store, "SELECT count(*) FROM set_aside_events"), ==, 1);
  g_assert_null (find_button_labelled (GTK_WIDGET (editor), _("_Mark as Seen")));
}

typedef struct {
  MotcuaStore *store;
  const char  *sha256;
} BlobWait;

static gboolean
blob_is_known (gpointer data)
{
  BlobWait *wait = data;
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM attachments WHERE sha256 = '%s'", wait->sha256);

  return motcua_test_store_int (wait->store, sql) == 1;
}

static gboolean
blob_is_local (gpointer data)
{
  BlobWait *wait = data;
  g_autofree char *path = motcua_store_get_blob_path (wait->store, wait->sha256);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/* Before an offline trip: another workstation's scan, known only by its hash after a
 * sync, is on this machine once the menu's "download all attachments" has run. */
static void
test_fetch_attachments_for_offline_work (Fixture *f, gconstpointer data)
{
  g_autofree char *other = g_build_filename (f->dir, "other.db", NULL);
  g_autofree char *scan = g_build_filename (f->dir, "scan.pdf", NULL);
  g_autofree char *enrolment = NULL;
  g_autofree char *sha256 = NULL;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  static const char bytes[] = "%PDF-1.4 ban chup CCCD cua nguoi nop ho so";
  BlobWait wait = { f->store, NULL };

  g_assert_true (wait_until (shows_synced, f, 60000));
  motcua_test_write_file (scan, bytes, sizeof bytes - 1);
  g_checksum_update (checksum, (const guchar *) bytes, sizeof bytes - 1);
  sha256 = g_strdup (g_checksum_get_string (checksum));
  wait.sha256 = sha256;

  run_cli_on (other, "init", (const char *[]) { "init", "--demo", "--agency-code", MOTCUA_TEST_AGENCY, NULL });
  enrolment = motcua_test_server_enrolment_code (f->server, MOTCUA_TEST_AGENCY);
  run_cli_on (other, "register", (const char *[]) { "register", "--server", motcua_test_server_get_url (f->server),
                                                    "--code", enrolment, NULL });
  run_cli_on (other, "sync", (const char *[]) { "sync", NULL });
  run_cli_on (other, "receive", (const char *[]) { "receive", "--procedure", "1.001193", "--applicant-name",
                                                   "Vàng Thị Dợ", "--documents", "all", "--attach", scan, NULL });
  run_cli_on (other, "sync", (const char *[]) { "sync", NULL });

  /* The window pulls the dossier: its attachment is known, its bytes are not here. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.sync", NULL);
  g_assert_true (wait_until (blob_is_known, &wait, 30000));
  g_assert_true (wait_until (shows_synced, f, 30000));
  g_assert_false (blob_is_local (&wait));

  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.fetch-attachments", NULL);
  g_assert_true (wait_until (blob_is_local, &wait, 30000));
  {
    g_autofree char *path = motcua_store_get_blob_path (f->store, sha256);
    g_autofree char *contents = NULL;
    gsize length = 0;

    g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
    g_assert_cmpmem (contents, length, bytes, sizeof bytes - 1);
  }
}

int
main (int argc, char **argv)
{
  /* In Vietnamese, as a clerk sees it: the expected words go through the same catalog. */
  ui_test_init_vietnamese (&argc, &argv);

  g_test_add ("/ui/sync/indicator-follows-the-server", Fixture, NULL, fixture_set_up,
              test_indicator_follows_the_server, fixture_tear_down);
  g_test_add ("/ui/sync/conflict-is-shown", Fixture, NULL, fixture_set_up,
              test_conflict_is_shown, fixture_tear_down);
  g_test_add ("/ui/sync/fetch-attachments-for-offline-work", Fixture, NULL, fixture_set_up,
              test_fetch_attachments_for_offline_work, fixture_tear_down);
  return g_test_run ();
}
