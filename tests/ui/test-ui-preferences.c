/* test-ui-preferences.c: the preferences window, as an office's administrator uses it.
 *
 * Office details are checked before they are saved (a bad time, hours out of order)
 * and saved ones reach the database and the window's title; changing to another real
 * motcua-server while events wait asks first, keeps every event and registers with a
 * new enrolment code; lock, retention, language and printer settings land where the
 * rest of the application reads them, and the language applies when the program starts.
 * The Users page adds an account (refusing a weak password, a mistyped repeat and a
 * user name already taken), disables and enables it, and sets its password, and the
 * core's sign-in agrees after each step.
 */

#include <glib/gstdio.h>
#include <string.h>

#include "integration-util.h"
#include "motcua-application.h"
#include "motcua-preferences-window.h"
#include "motcua-store.h"
#include "motcua-store-users.h"
#include "motcua-test-util.h"
#include "motcua-window.h"
#include "ui-test-util.h"

typedef struct {
  MotcuaTestServer        *server;
  char                    *dir;
  char                    *db;
  MotcuaStore             *store;
  GtkApplication          *app;
  MotcuaWindow            *window;
  MotcuaPreferencesWindow *preferences;
} Fixture;

static char *config_home;

static void
run_cli_ok (Fixture *f, const char *what, const char * const *args)
{
  g_autoptr(MotcuaTestCliResult) result = motcua_test_run_cli_env (NULL, f->db, args);

  g_assert_true (motcua_test_expect_status (result, 0, what));
}

static MotcuaPreferencesWindow *
find_preferences (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* owned by GTK */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (MOTCUA_IS_PREFERENCES_WINDOW (window))
        return MOTCUA_PREFERENCES_WINDOW (window);
    }
  return NULL;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;

  f->server = motcua_test_server_new ();
  g_assert_true (motcua_test_server_start (f->server));
  f->dir = motcua_test_make_temp_dir ("motcua-ui-preferences-XXXXXX");
  f->db = g_build_filename (f->dir, "office.db", NULL);
  run_cli_ok (f, "init", (const char *[]) { "init", "--demo", "--agency-code", MOTCUA_TEST_AGENCY, NULL });
  run_cli_ok (f, "demo-data", (const char *[]) { "demo-data", "--dossiers", "20", NULL });
  code = motcua_test_server_enrolment_code (f->server, MOTCUA_TEST_AGENCY);
  g_assert_nonnull (code);
  run_cli_ok (f, "register", (const char *[]) { "register", "--server", motcua_test_server_get_url (f->server),
                                                "--code", code, NULL });
  /* The first server goes away, so the window's own rounds cannot send the demo
   * events: they stay pending, whatever the machine's speed. */
  motcua_test_server_stop (f->server);

  f->store = motcua_store_open (f->db, &error);
  g_assert_no_error (error);
  /* The office's settings are an administrator's. */
  g_assert_true (motcua_store_set_state (f->store, "current_user", "admin", &error));
  f->window = MOTCUA_WINDOW (ui_test_open_window (f->store, "io.github.motcua.Desk.TestPreferences", &f->app));

  /* As the menu and Ctrl+comma open it. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.preferences", NULL);
  ui_test_iterate (200);
  f->preferences = find_preferences ();
  g_assert_nonnull (f->preferences);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (f->preferences)) == GTK_WINDOW (f->window));
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  /* Dialogs and the preferences first, then the window. */
  while (g_list_model_get_n_items (toplevels) > 0)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, 0);

      gtk_window_destroy (window);
    }
  ui_test_iterate (50);
  g_clear_object (&f->store);
  g_clear_object (&f->app);
  motcua_test_server_free (f->server);
  motcua_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->db);
}

static GtkWidget *
child (Fixture *f, const char *id)
{
  GtkWidget *widget = ui_test_find_by_id (GTK_WIDGET (f->preferences), id);

  g_assert_nonnull (widget);
  return widget;
}

static void
set_text (Fixture *f, const char *id, const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (child (f, id)), text);
}

static void
click (Fixture *f, const char *id)
{
  g_signal_emit_by_name (child (f, id), "clicked");
  ui_test_iterate (50);
}

/* ---- office ------------------------------------------------------------------------------ */

static void
test_office (Fixture *f, gconstpointer data)
{
  g_autoptr(MotcuaAgency) before = motcua_store_get_agency (f->store, NULL);
  g_autoptr(MotcuaAgency) unchanged = NULL;
  g_autoptr(MotcuaAgency) saved = NULL;
  GtkWidget *title = ui_test_find_by_id (GTK_WIDGET (f->window), "window_title");

  g_assert_nonnull (before);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (f, "name_row"))), ==, before->name);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (f, "morning_start_row"))), ==, "07:00");

  /* Not a time: the row shows it, nothing is saved. */
  set_text (f, "name_row", "Ủy ban nhân dân phường Bến Thành");
  set_text (f, "morning_end_row", "25:00");
  click (f, "save_office_button");
  g_assert_true (gtk_widget_has_css_class (child (f, "morning_end_row"), "error"));
  unchanged = motcua_store_get_agency (f->store, NULL);
  g_assert_cmpstr (unchanged->name, ==, before->name);
  g_clear_pointer (&unchanged, motcua_agency_free);

  /* A morning that ends before it starts. */
  set_text (f, "morning_end_row", "6:00");
  click (f, "save_office_button");
  g_assert_false (gtk_widget_has_css_class (child (f, "morning_end_row"), "error"));
  unchanged = motcua_store_get_agency (f->store, NULL);
  g_assert_cmpint (unchanged->morning_end, ==, before->morning_end);
  g_assert_cmpstr (unchanged->name, ==, before->name);

  /* A look-up address that is not one. */
  set_text (f, "morning_end_row", "11:30");
  set_text (f, "lookup_url_row", "tra cứu hồ sơ");
  click (f, "save_office_button");
  g_clear_pointer (&unchanged, motcua_agency_free);
  unchanged = motcua_store_get_agency (f->store, NULL);
  g_assert_cmpstr (unchanged->name, ==, before->name);

  set_text (f, "lookup_url_row", "https://dichvucong.benthanh.gov.vn/tra-cuu");
  set_text (f, "morning_start_row", "7:30");
  set_text (f, "afternoon_start_row", "13:00");
  set_text (f, "afternoon_end_row", "16:30");
  set_text (f, "cutoff_row", "");
  set_text (f, "phone_row", "028 3822 1234");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (child (f, "minutes_per_day_spin")), 450);
  click (f, "save_office_button");
  saved = motcua_store_get_agency (f->store, NULL);
  g_assert_cmpstr (saved->code, ==, before->code);
  g_assert_cmpstr (saved->name, ==, "Ủy ban nhân dân phường Bến Thành");
  g_assert_cmpstr (saved->phone, ==, "028 3822 1234");
  g_assert_cmpstr (saved->lookup_url, ==, "https://dichvucong.benthanh.gov.vn/tra-cuu");
  g_assert_cmpint (saved->morning_start, ==, 450);
  g_assert_cmpint (saved->morning_end, ==, 690);
  g_assert_cmpint (saved->afternoon_start, ==, 780);
  g_assert_cmpint (saved->afternoon_end, ==, 990);
  g_assert_cmpint (saved->minutes_per_day, ==, 450);
  g_assert_cmpint (saved->same_day_cutoff, <, 0);
  /* The window follows at once. */
  g_assert_cmpstr (adw_window_title_get_subtitle (ADW_WINDOW_TITLE (title)), ==, "Ủy ban nhân dân phường Bến Thành");
}

/* ---- server --------------------------------------------------------------------------------- */

static AdwMessageDialog *
message_dialog (void)
{
  return (AdwMessageDialog *) ui_test_find_message_dialog ();
}

static gboolean
has_dialog (gpointer data)
{
  return message_dialog () != NULL;
}

static gboolean
keyring_notice_shown (gpointer data)
{
  return gtk_widget_get_visible (child (data, "keyring_row"));
}

typedef struct {
  Fixture    *f;
  const char *url;
} ServerWait;

static gboolean
registered_with (gpointer data)
{
  ServerWait *wait = data;
  g_autofree char *url = motcua_store_get_state (wait->f->store, "sync.server_url", NULL);
  g_autofree char *wanted = g_strndup (wait->url, strlen (wait->url) - 1);   /* without the final slash */

  /* The state first (the worker commits it), then the window's answer. */
  return g_strcmp0 (url, wanted) == 0
         && *gtk_editable_get_text (GTK_EDITABLE (child (wait->f, "enrolment_code_row"))) == '\0';
}

static void
test_change_server (Fixture *f, gconstpointer data)
{
  g_autoptr(MotcuaTestServer) other = motcua_test_server_new ();
  g_autofree char *code = NULL;
  g_autofree char *first_url = motcua_store_get_state (f->store, "sync.server_url", NULL);
  g_autofree char *expected = NULL;
  gint64 events = motcua_test_store_int (f->store, "SELECT count(*) FROM events");
  gint64 pending = motcua_store_count_pending (f->store, NULL);
  AdwMessageDialog *dialog;
  ServerWait wait = { f, NULL };

  g_assert_cmpint (pending, >, 0);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (f, "server_url_row"))), ==, first_url);
  /* No session bus here: the token stays in the profile, and the window says so. */
  g_assert_true (ui_test_wait_until (keyring_notice_shown, f, 10000));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (child (f, "keyring_row"))),
                            "No desktop keyring answered"));

  g_assert_true (motcua_test_server_start (other));
  code = motcua_test_server_enrolment_code (other, MOTCUA_TEST_AGENCY);
  set_text (f, "server_url_row", motcua_test_server_get_url (other));
  set_text (f, "enrolment_code_row", code);

  /* Asked first, with the count of what waits; cancelling changes nothing. */
  click (f, "register_button");
  g_assert_true (ui_test_wait_until (has_dialog, NULL, 5000));
  dialog = message_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Change the Server?");
  expected = g_strdup_printf ("%'lld events of this workstation have not been accepted by %s yet",
                              (long long) pending, first_url);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), expected));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "not deleted"));
  ui_test_answer_message_dialog ("cancel");
  ui_test_iterate (300);
  {
    g_autofree char *url = motcua_store_get_state (f->store, "sync.server_url", NULL);

    g_assert_cmpstr (url, ==, first_url);
  }

  click (f, "register_button");
  g_assert_true (ui_test_wait_until (has_dialog, NULL, 5000));
  ui_test_answer_message_dialog ("change");
  wait.url = motcua_test_server_get_url (other);
  g_assert_true (ui_test_wait_until (registered_with, &wait, 30000));
  /* Nothing of the journal went; the enrolment code was used up and cleared. */
  g_assert_cmpint (motcua_test_store_int (f->store, "SELECT count(*) FROM events"), >=, events);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (f, "enrolment_code_row"))), ==, "");
  {
    g_autofree char *token = motcua_store_get_state (f->store, "sync.token", NULL);

    g_assert_nonnull (token);
  }
}

/* ---- security, data, printing, language ------------------------------------------------------ */

static void
test_settings (Fixture *f, gconstpointer data)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.motcua.Desk");
  g_autofree char *retention = NULL;
  g_autofree char *path = motcua_preferences_print_settings_path ();
  g_autofree char *contents = NULL;

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (child (f, "lock_spin")), 15);
  g_assert_cmpuint (g_settings_get_uint (settings, "lock-after-minutes"), ==, 15);

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (child (f, "retention_spin")), 90);
  retention = motcua_store_get_state (f->store, "retention.days", NULL);
  g_assert_cmpstr (retention, ==, "90");
  g_assert_cmpint (motcua_store_get_retention_days (f->store, NULL), ==, 90);

  adw_combo_row_set_selected (ADW_COMBO_ROW (child (f, "language_row")), 1);
  g_assert_cmpstr (g_settings_get_string (settings, "language"), ==, "vi");
  adw_combo_row_set_selected (ADW_COMBO_ROW (child (f, "language_row")), 0);
  g_assert_cmpstr (g_settings_get_string (settings, "language"), ==, "");

  g_assert_true (g_str_has_prefix (path, config_home));
  set_text (f, "printer_row", "Máy in quầy 1");
  g_signal_emit_by_name (child (f, "printer_row"), "apply");
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "printer=Máy in quầy 1"));
  g_assert_nonnull (strstr (contents, "[Page Setup]"));
}

/* ---- users -------------------------------------------------------------------------------- */

static GtkWidget *
named (GtkWidget *root, const char *name)
{
  GtkWidget *widget = ui_test_find_by_name (root, name);

  g_assert_nonnull (widget);
  return widget;
}

static AdwMessageDialog *
open_form (GtkWidget *button)
{
  GtkWindow *dialog;

  g_signal_emit_by_name (button, "clicked");
  ui_test_iterate (50);
  dialog = ui_test_find_message_dialog ();
  g_assert_nonnull (dialog);
  return ADW_MESSAGE_DIALOG (dialog);
}

static void
fill (AdwMessageDialog *dialog, const char *name, const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (named (GTK_WIDGET (dialog), name)), text);
}

/* The password and its repeat, as typed. */
static void
fill_passwords (AdwMessageDialog *dialog, const char *password, const char *again)
{
  fill (dialog, "password", password);
  fill (dialog, "password-again", again);
}

static const char *
problem (AdwMessageDialog *dialog)
{
  return gtk_label_get_text (GTK_LABEL (named (GTK_WIDGET (dialog), "problem")));
}

static void
assert_signs_in (Fixture *f, const char *username, const char *password, gboolean expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaUser) user = motcua_store_authenticate (f->store, username, password, NULL, &error);

  g_assert_true ((user != NULL) == expected);
}

static void
test_users (Fixture *f, gconstpointer data)
{
  GtkWidget *prefs = GTK_WIDGET (f->preferences);
  AdwMessageDialog *dialog;
  GtkWidget *row, *enabled;
  g_autoptr(MotcuaUser) added = NULL;
  g_autoptr(MotcuaUser) disabled = NULL;

  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (f->preferences), "users");
  ui_test_iterate (50);
  /* The administrator signed in cannot disable their own account. */
  g_assert_false (gtk_widget_get_sensitive (named (named (prefs, "user-admin"), "enabled")));

  dialog = open_form (child (f, "add_button"));
  /* The user name rule is the core's, as at first run and on the command line. */
  fill (dialog, "new-username", "Lò.Mai");
  fill (dialog, "new-full-name", "Lò Thị Mai");
  fill_passwords (dialog, "maimai2026", "maimai2026");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "accept"));
  g_assert_nonnull (strstr (problem (dialog), "lowercase letters"));
  fill (dialog, "new-username", "clerk3");
  adw_combo_row_set_selected (ADW_COMBO_ROW (named (GTK_WIDGET (dialog), "new-role")), 0);
  fill_passwords (dialog, "mai1", "mai1");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "accept"));
  g_assert_cmpstr (problem (dialog), ==, "A password or PIN needs at least 6 characters.");
  fill_passwords (dialog, "maimai2026", "maimai2025");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "accept"));
  g_assert_cmpstr (problem (dialog), ==, "The two passwords differ: type the same one twice.");
  /* A disabled "accept" answered anyway adds nobody. */
  adw_message_dialog_response (dialog, "accept");
  g_assert_null (motcua_store_get_user (f->store, "clerk3", NULL));
  fill (dialog, "password-again", "maimai2026");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "accept"));
  g_assert_cmpstr (problem (dialog), ==, "");
  ui_test_answer_message_dialog ("accept");

  added = motcua_store_get_user (f->store, "clerk3", NULL);
  g_assert_nonnull (added);
  g_assert_cmpstr (added->full_name, ==, "Lò Thị Mai");
  g_assert_cmpint (added->role, ==, MOTCUA_ROLE_CLERK);
  assert_signs_in (f, "clerk3", "maimai2026", TRUE);
  row = named (prefs, "user-clerk3");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "clerk3 · reception clerk");

  /* The same user name again is refused before anything is written. */
  dialog = open_form (child (f, "add_button"));
  fill (dialog, "new-username", "clerk3");
  fill (dialog, "new-full-name", "Người khác");
  fill_passwords (dialog, "khac123456", "khac123456");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "accept"));
  g_assert_cmpstr (problem (dialog), ==, "A user named clerk3 already exists.");
  ui_test_answer_message_dialog ("cancel");

  enabled = named (row, "enabled");
  gtk_switch_set_active (GTK_SWITCH (enabled), FALSE);
  disabled = motcua_store_get_user (f->store, "clerk3", NULL);
  g_assert_true (disabled->disabled);
  assert_signs_in (f, "clerk3", "maimai2026", FALSE);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "clerk3 · reception clerk · disabled");
  gtk_switch_set_active (GTK_SWITCH (enabled), TRUE);
  assert_signs_in (f, "clerk3", "maimai2026", TRUE);

  /* Someone else signed in meanwhile (locked and switched): the core refuses, the
   * switch goes back and nothing changes. */
  g_assert_true (motcua_store_set_state (f->store, "current_user", "clerk1", NULL));
  gtk_switch_set_active (GTK_SWITCH (enabled), FALSE);
  ui_test_iterate (50);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (enabled)));
  assert_signs_in (f, "clerk3", "maimai2026", TRUE);
  g_assert_true (motcua_store_set_state (f->store, "current_user", "admin", NULL));

  dialog = open_form (named (row, "set-password"));
  g_assert_null (ui_test_find_by_name (GTK_WIDGET (dialog), "new-username"));
  fill_passwords (dialog, "mai-moi-2027", "mai-moi-2027");
  ui_test_answer_message_dialog ("accept");
  assert_signs_in (f, "clerk3", "mai-moi-2027", TRUE);
  assert_signs_in (f, "clerk3", "maimai2026", FALSE);
}

/* `motcua-desk --help` in a fresh process: its options come translated when the
 * setting says Vietnamese, in English when it follows a C system. */
static char *
desk_help (const char *language)
{
  g_autofree char *home = motcua_test_make_temp_dir ("motcua-ui-language-XXXXXX");
  g_autofree char *settings_dir = g_build_filename (home, "glib-2.0", "settings", NULL);
  g_autofree char *keyfile = g_build_filename (settings_dir, "keyfile", NULL);
  g_autofree char *contents = g_strdup_printf ("[io/github/motcua/Desk]\nlanguage='%s'\n", language);
  g_auto(GStrv) env = g_get_environ ();
  const char *argv[] = { g_getenv ("MOTCUA_DESK"), "--help", NULL };
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status = -1;

  g_assert_cmpint (g_mkdir_with_parents (settings_dir, 0700), ==, 0);
  motcua_test_write_file (keyfile, contents, strlen (contents));
  env = g_environ_setenv (env, "GSETTINGS_BACKEND", "keyfile", TRUE);
  env = g_environ_setenv (env, "XDG_CONFIG_HOME", home, TRUE);
  env = g_environ_setenv (env, "LANG", "C.UTF-8", TRUE);
  env = g_environ_unsetenv (env, "LANGUAGE");
  env = g_environ_unsetenv (env, "LC_ALL");
  env = g_environ_unsetenv (env, "LC_MESSAGES");
  g_assert_true (g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, &error));
  g_assert_no_error (error);
  motcua_test_remove_tree (home);
  return out;
}

static void
test_language_at_start (void)
{
  g_autofree char *vietnamese = desk_help ("vi");
  g_autofree char *system = desk_help ("");

  g_assert_nonnull (strstr (vietnamese, "Mở cơ sở dữ liệu này"));
  g_assert_nonnull (strstr (system, "Open this database instead of the default profile"));
}

int
main (int argc, char **argv)
{
  int status;

  config_home = motcua_test_make_temp_dir ("motcua-ui-preferences-config-XXXXXX");
  g_setenv ("XDG_CONFIG_HOME", config_home, TRUE);
  g_setenv ("LANGUAGE", "en", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  motcua_ui_register_resources ();

  g_test_add ("/preferences/office", Fixture, NULL, fixture_set_up, test_office, fixture_tear_down);
  g_test_add ("/preferences/change-server", Fixture, NULL, fixture_set_up, test_change_server, fixture_tear_down);
  g_test_add ("/preferences/settings", Fixture, NULL, fixture_set_up, test_settings, fixture_tear_down);
  g_test_add ("/preferences/users", Fixture, NULL, fixture_set_up, test_users, fixture_tear_down);
  g_test_add_func ("/preferences/language-at-start", test_language_at_start);
  status = g_test_run ();
  motcua_test_remove_tree (config_home);
  g_free (config_home);
  return status;
}
