/* test-ui-first-run.c: the first start of a workstation, through the assistant.
 *
 * A real motcua-server on 127.0.0.1 (started by the test) and an empty profile: the
 * assistant refuses a wrong enrolment code, an unreachable server and a missing
 * certificate authority file in Vietnamese, leaving nothing half-made; with a real
 * code it enrols, shows the server's agency, checks the administrator's password, and
 * ends in a connected, signed-in window whose first sync completes.
 */

#include <glib/gi18n.h>
#include <locale.h>

#include "integration-util.h"
#include "motcua-application.h"
#include "motcua-first-run.h"
#include "motcua-store-users.h"
#include "motcua-store.h"
#include "motcua-sync-indicator.h"
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

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->server = motcua_test_server_new ();
  g_assert_true (motcua_test_server_start (f->server));
  f->dir = motcua_test_make_temp_dir ("motcua-ui-first-run-XXXXXX");
  f->db = g_build_filename (f->dir, "office.db", NULL);
  f->store = motcua_store_open (f->db, &error);
  g_assert_no_error (error);
  f->window = MOTCUA_WINDOW (ui_test_open_window (f->store, "io.github.motcua.Desk.TestFirstRun", &f->app));
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

static GtkWidget *
find (Fixture *f, const char *id)
{
  return ui_test_require_by_id (GTK_WIDGET (f->window), id);
}

static void
set_text (Fixture *f, const char *id, const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (find (f, id)), text);
}

static void
click (Fixture *f, const char *id)
{
  g_signal_emit_by_name (find (f, id), "clicked");
  ui_test_iterate (50);
}

static const char *
shown_error (Fixture *f, const char *id)
{
  GtkWidget *label = find (f, id);

  return gtk_widget_get_visible (label) ? gtk_label_get_text (GTK_LABEL (label)) : NULL;
}

static gboolean
mode_settled (gpointer data)
{
  Fixture *f = data;

  return shown_error (f, "mode_error") != NULL
         || g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (find (f, "pages"))), "agency") == 0;
}

static gboolean
synced (gpointer data)
{
  Fixture *f = data;
  const char *summary = motcua_sync_indicator_get_summary (MOTCUA_SYNC_INDICATOR (find (f, "sync_indicator")));

  return summary != NULL && g_str_has_prefix (summary, _("Synced"));
}

static gboolean
wait_until (gboolean (*ready) (gpointer), gpointer data, guint timeout_ms)
{
  gint64 until = g_get_monotonic_time () + timeout_ms * 1000;

  while (!ready (data) && g_get_monotonic_time () < until)
    ui_test_iterate (20);
  return ready (data);
}

/* Step 1 with these entries; the error it shows, or NULL when it moved on. */
static const char *
try_connect (Fixture *f, const char *url, const char *code, const char *ca_file)
{
  set_text (f, "url_row", url);
  set_text (f, "code_row", code);
  set_text (f, "ca_row", ca_file);
  click (f, "mode_next");
  g_assert_true (wait_until (mode_settled, f, 20000));
  return shown_error (f, "mode_error");
}

static void
assert_nothing_made (Fixture *f)
{
  g_autofree char *server = motcua_store_get_state (f->store, "sync.server_url", NULL);

  g_assert_false (motcua_store_is_initialized (f->store));
  g_assert_null (server);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (find (f, "pages"))), ==, "mode");
}

static void
test_connect_to_signed_in_window (Fixture *f, gconstpointer data)
{
  g_autofree char *code = motcua_test_server_enrolment_code (f->server, MOTCUA_TEST_AGENCY);
  g_autofree char *missing_ca = g_build_filename (f->dir, "khong-co.pem", NULL);
  g_autofree char *no_ca = g_strdup_printf (_("There is no certificate authority file %s."), missing_ca);
  g_autofree char *too_short = g_strdup_printf (_("A password or PIN needs at least %d characters."), 6);
  const char *url = motcua_test_server_get_url (f->server);
  g_autofree char *server = NULL, *user = NULL;
  g_autoptr(MotcuaUser) admin = NULL;
  g_autoptr(GError) error = NULL;
  const char *message;

  g_assert_nonnull (code);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (find (f, "stack"))), ==, "setup");

  /* Nothing typed: told what is missing. */
  click (f, "mode_next");
  g_assert_cmpstr (shown_error (f, "mode_error"), ==,
                   _("Type the server's address, e.g. https://motcua.example.gov.vn."));

  /* A wrong code, a server that is not there, a missing CA file: each said in
   * Vietnamese, and nothing is left half-made. */
  message = try_connect (f, url, "SAI0-MA00-DANG-KY0", "");
  g_assert_cmpstr (message, ==, _("The server did not accept the enrolment code: it is unknown, already used or "
                                  "older than 7 days. Ask the server's administrator for a new one."));
  assert_nothing_made (f);
  message = try_connect (f, "http://127.0.0.1:9/", code, "");
  g_assert_nonnull (message);
  g_assert_cmpstr (message, !=, "");
  assert_nothing_made (f);
  message = try_connect (f, url, code, missing_ca);
  g_assert_cmpstr (message, ==, no_ca);
  assert_nothing_made (f);

  /* The real code: enrolled, and the agency is the server's. */
  message = try_connect (f, url, code, "");
  g_assert_null (message);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find (f, "agency_name_row"))), ==, MOTCUA_TEST_AGENCY_NAME);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find (f, "agency_code_row"))), ==, MOTCUA_TEST_AGENCY);
  g_assert_false (gtk_editable_get_editable (GTK_EDITABLE (find (f, "agency_name_row"))));
  click (f, "agency_next");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (find (f, "pages"))), ==, "admin");

  /* The administrator: the password is checked before anything is written. */
  set_text (f, "username_row", "quantri");
  set_text (f, "full_name_row", "Đặng Văn Quản");
  set_text (f, "password_row", "12345");
  set_text (f, "confirm_row", "12345");
  click (f, "finish_button");
  g_assert_cmpstr (shown_error (f, "admin_error"), ==, too_short);
  set_text (f, "password_row", "Quan-tri-2026");
  set_text (f, "confirm_row", "Quan-tri-2025");
  click (f, "finish_button");
  g_assert_cmpstr (shown_error (f, "admin_error"), ==, _("The two passwords differ: type the same one twice."));
  set_text (f, "username_row", "Quản Trị");
  set_text (f, "confirm_row", "Quan-tri-2026");
  click (f, "finish_button");
  g_assert_nonnull (shown_error (f, "admin_error"));
  g_assert_false (motcua_store_is_initialized (f->store) && motcua_store_get_user (f->store, "Quản Trị", NULL));

  set_text (f, "username_row", "quantri");
  click (f, "finish_button");

  /* Signed in as the new administrator, in the window, connected. */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (find (f, "stack"))), ==, "panes");
  user = motcua_store_get_current_user (f->store, NULL);
  g_assert_cmpstr (user, ==, "quantri");
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (find (f, "user_label"))), "Đặng Văn Quản"));
  admin = motcua_store_authenticate (f->store, "quantri", "Quan-tri-2026", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (admin->role, ==, MOTCUA_ROLE_ADMIN);
  server = motcua_store_get_state (f->store, "sync.server_url", NULL);
  /* The address as registered, without its trailing slash. */
  g_assert_nonnull (server);
  g_assert_true (g_str_has_prefix (url, server) && strlen (url) == strlen (server) + 1);
  g_assert_true (wait_until (synced, f, 20000));

  /* Started again, the profile needs no assistant: the administrator signs in. */
  g_assert_false (motcua_first_run_is_needed (f->store));
}

/* The demo office, offline: the agency chosen in the assistant, the demo's staff and
 * dossiers, and the administrator signed in. A user name already taken by the demo
 * staff is refused, and refusing left nothing behind: the retry succeeds. */
static void
test_demo_office (Fixture *f, gconstpointer data)
{
  g_autofree char *user = NULL;
  g_autoptr(MotcuaAgency) agency = NULL;

  gtk_check_button_set_active (GTK_CHECK_BUTTON (find (f, "demo_check")), TRUE);
  click (f, "mode_next");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (find (f, "pages"))), ==, "agency");
  g_assert_true (gtk_editable_get_editable (GTK_EDITABLE (find (f, "agency_name_row"))));
  set_text (f, "agency_name_row", "Ủy ban nhân dân xã Thử Nghiệm");
  click (f, "agency_next");

  set_text (f, "username_row", "clerk1");
  set_text (f, "full_name_row", "Phùng Văn Thái");
  set_text (f, "password_row", "Thai-2026-qt");
  set_text (f, "confirm_row", "Thai-2026-qt");
  click (f, "finish_button");
  g_assert_nonnull (shown_error (f, "admin_error"));
  g_assert_false (motcua_store_is_initialized (f->store));

  set_text (f, "username_row", "thai.pv");
  click (f, "finish_button");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (find (f, "stack"))), ==, "panes");
  user = motcua_store_get_current_user (f->store, NULL);
  g_assert_cmpstr (user, ==, "thai.pv");
  agency = motcua_store_get_agency (f->store, NULL);
  g_assert_cmpstr (agency->name, ==, "Ủy ban nhân dân xã Thử Nghiệm");
  g_assert_cmpint (motcua_test_store_int (f->store, "SELECT count(*) FROM users"), ==, 6);
  g_assert_cmpint (motcua_test_store_int (f->store, "SELECT count(*) FROM dossiers"), >, 0);
  /* The newest dossiers carry their scanned request forms, for the viewer pane. */
  g_assert_cmpint (motcua_test_store_int (f->store, "SELECT count(*) FROM dossier_attachments"
                                                    " WHERE name = 'Đơn đề nghị.pdf' AND mime_type = 'application/pdf'"), ==, 20);
}

/* The demo office on the local reference server: enrolled with its code, the server's
 * agency, the demo's staff and catalog, and the administrator signed in, synced. */
static void
test_demo_on_local_server (Fixture *f, gconstpointer data)
{
  g_autofree char *code = motcua_test_server_enrolment_code (f->server, MOTCUA_TEST_AGENCY);
  g_autofree char *server = NULL;
  g_autoptr(MotcuaAgency) agency = NULL;

  g_setenv ("MOTCUA_DEMO_SERVER", motcua_test_server_get_url (f->server), TRUE);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (find (f, "demo_check")), TRUE);
  set_text (f, "demo_code_row", "SAI0-MA00-DANG-KY0");
  click (f, "mode_next");
  g_assert_true (wait_until (mode_settled, f, 20000));
  g_assert_nonnull (shown_error (f, "mode_error"));
  assert_nothing_made (f);

  set_text (f, "demo_code_row", code);
  click (f, "mode_next");
  g_assert_true (wait_until (mode_settled, f, 20000));
  g_assert_null (shown_error (f, "mode_error"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find (f, "agency_name_row"))), ==, MOTCUA_TEST_AGENCY_NAME);
  click (f, "agency_next");
  set_text (f, "full_name_row", "Đặng Văn Quản");
  set_text (f, "password_row", "Quan-tri-2026");
  set_text (f, "confirm_row", "Quan-tri-2026");
  click (f, "finish_button");
  g_unsetenv ("MOTCUA_DEMO_SERVER");

  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (find (f, "stack"))), ==, "panes");
  server = motcua_store_get_state (f->store, "sync.server_url", NULL);
  g_assert_nonnull (server);
  agency = motcua_store_get_agency (f->store, NULL);
  g_assert_cmpstr (agency->code, ==, MOTCUA_TEST_AGENCY);
  g_assert_cmpint (motcua_test_store_int (f->store, "SELECT count(*) FROM users"), ==, 6);
  g_assert_cmpint (motcua_test_store_int (f->store, "SELECT count(*) FROM procedures"), >, 0);
  g_assert_true (wait_until (synced, f, 20000));
}

int
main (int argc, char **argv)
{
  ui_test_init_vietnamese (&argc, &argv);

  g_test_add ("/ui/first-run/connect-to-signed-in-window", Fixture, NULL, fixture_set_up,
              test_connect_to_signed_in_window, fixture_tear_down);
  g_test_add ("/ui/first-run/demo-office", Fixture, NULL, fixture_set_up, test_demo_office, fixture_tear_down);
  g_test_add ("/ui/first-run/demo-on-local-server", Fixture, NULL, fixture_set_up, test_demo_on_local_server,
              fixture_tear_down);
  return g_test_run ();
}
