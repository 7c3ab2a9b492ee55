/* test-ui-sign-in.c: who is at the keyboard, as the window asks.
 *
 * A demo workstation whose users have the demo PIN opens on the sign-in page under
 * Xvfb: a wrong PIN is refused in Vietnamese, five lock the account for a minute, the
 * right one opens the panes as that user. Locking hides the dossiers until the same
 * user unlocks; switching user while work waits for the server asks first, says how
 * much, and loses none of it.
 */

#include <glib/gi18n.h>
#include <locale.h>

#include "motcua-application.h"
#include "motcua-demo.h"
#include "motcua-dossier-editor.h"
#include "motcua-receive-dialog.h"
#include "motcua-sign-in-page.h"
#include "motcua-store.h"
#include "motcua-test-util.h"
#include "motcua-window.h"
#include "ui-test-util.h"

typedef struct {
  char           *dir;
  char           *db;
  MotcuaStore    *store;
  GtkApplication *app;
  MotcuaWindow   *window;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaTestCliResult) init = NULL;
  g_autoptr(MotcuaTestCliResult) demo = NULL;

  f->dir = motcua_test_make_temp_dir ("motcua-ui-sign-in-XXXXXX");
  f->db = g_build_filename (f->dir, "office.db", NULL);
  init = motcua_test_run_cli (f->db, "init", "--demo", "--demo-pin", NULL);
  g_assert_true (motcua_test_expect_status (init, 0, "init --demo --demo-pin"));
  demo = motcua_test_run_cli (f->db, "demo-data", "--dossiers", "20", NULL);
  g_assert_true (motcua_test_expect_status (demo, 0, "demo-data"));

  f->store = motcua_store_open (f->db, &error);
  g_assert_no_error (error);
  f->window = MOTCUA_WINDOW (ui_test_open_window (f->store, "io.github.motcua.Desk.TestSignIn", &f->app));
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  ui_test_iterate (50);
  g_clear_object (&f->store);
  g_clear_object (&f->app);
  motcua_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->db);
}

static GtkWidget *
find (Fixture *f, const char *id)
{
  return ui_test_require_by_id (GTK_WIDGET (f->window), id);
}

static const char *
visible_page (Fixture *f)
{
  return gtk_stack_get_visible_child_name (GTK_STACK (find (f, "stack")));
}

static void
type_and_sign_in (Fixture *f, const char *password)
{
  gtk_editable_set_text (GTK_EDITABLE (find (f, "password_entry")), password);
  g_signal_emit_by_name (find (f, "sign_in_button"), "clicked");
  ui_test_iterate (100);
}

static const char *
error_shown (Fixture *f)
{
  GtkWidget *label = find (f, "error_label");

  return gtk_widget_get_visible (label) ? gtk_label_get_text (GTK_LABEL (label)) : NULL;
}

static void
choose_user (Fixture *f, const char *username)
{
  GtkWidget *row = ui_test_find_by_name (find (f, "users_list"), username);

  g_assert_nonnull (row);
  gtk_list_box_select_row (GTK_LIST_BOX (find (f, "users_list")), GTK_LIST_BOX_ROW (row));
  ui_test_iterate (20);
}

/* The reception dialog open over the window, visible or not; NULL when there is none. */
static GtkWindow *
receive_dialog (Fixture *f)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (MOTCUA_IS_RECEIVE_DIALOG (window))
        return window;
    }
  return NULL;
}

static char *
current_user (Fixture *f)
{
  return motcua_store_get_current_user (f->store, NULL);
}

static void
test_sign_in_wrong_password_lockout (Fixture *f, gconstpointer data)
{
  g_autofree char *wrong = g_strdup_printf (_("Wrong password for %s."), "clerk1");
  g_autofree char *locked = g_strdup_printf (ngettext ("Too many wrong attempts: the account %s is locked for %lld more minute.",
                                                       "Too many wrong attempts: the account %s is locked for %lld more minutes.",
                                                       1), "specialist2", 1LL);
  g_autofree char *user = NULL;

  /* The demo's users have a PIN: the window asks who is there, the current user
   * (clerk1) already chosen, and shows no dossier. */
  g_assert_cmpstr (visible_page (f), ==, "sign-in");
  g_assert_false (gtk_widget_get_mapped (find (f, "queue_pane")));
  g_assert_cmpstr (motcua_sign_in_page_get_username (MOTCUA_SIGN_IN_PAGE (gtk_stack_get_child_by_name (GTK_STACK (find (f, "stack")), "sign-in"))), ==, "clerk1");
  /* Nothing to do in the header bar but the main menu. */
  g_assert_false (gtk_widget_get_mapped (find (f, "receive_button")));
  g_assert_false (gtk_widget_get_mapped (find (f, "search_button")));
  g_assert_false (gtk_widget_get_mapped (find (f, "user_button")));
  /* Not even the sync status: before anyone signs in there is none (it was a blank
   * button that Tab reached, opening an empty popover). */
  g_assert_false (gtk_widget_get_mapped (find (f, "sync_indicator")));
  g_assert_true (gtk_widget_get_mapped (find (f, "menu_button")));

  type_and_sign_in (f, "000000");
  g_assert_cmpstr (error_shown (f), ==, wrong);
  g_assert_cmpstr (visible_page (f), ==, "sign-in");

  /* Five wrong PINs in a row lock the account, and the page says for how long. */
  choose_user (f, "specialist2");
  g_assert_null (error_shown (f));
  for (int i = 0; i < 5; i++)
    type_and_sign_in (f, "999999");
  g_assert_cmpstr (error_shown (f), ==, locked);
  type_and_sign_in (f, MOTCUA_DEMO_PIN);
  g_assert_cmpstr (error_shown (f), ==, locked);
  g_assert_cmpstr (visible_page (f), ==, "sign-in");

  choose_user (f, "clerk1");
  type_and_sign_in (f, MOTCUA_DEMO_PIN);
  g_assert_cmpstr (visible_page (f), ==, "panes");
  g_assert_true (gtk_widget_get_mapped (find (f, "queue_pane")));
  g_assert_true (gtk_widget_is_sensitive (find (f, "receive_button")));
  g_assert_true (gtk_widget_get_mapped (find (f, "receive_button")));
  g_assert_true (gtk_widget_get_mapped (find (f, "search_button")));
  g_assert_true (gtk_widget_get_mapped (find (f, "user_button")));
  g_assert_true (gtk_widget_get_mapped (find (f, "sync_indicator")));
  user = current_user (f);
  g_assert_cmpstr (user, ==, "clerk1");
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (find (f, "user_label"))), "Nguyễn Thị Lan"));
}

static void
test_lock_and_switch_user (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaDossier) dossier = NULL;
  g_autofree char *user = NULL;
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog = NULL;
  g_autoptr(GSettings) settings = NULL;
  MotcuaReceiveRequest request = {
    .procedure_code = "1.004194",
    .applicant_name = "Quách Thị Yến",
    .applicant_phone = "0987654321",
  };
  gint64 pending;

  type_and_sign_in (f, MOTCUA_DEMO_PIN);
  g_assert_cmpstr (visible_page (f), ==, "panes");

  /* Inactivity: nothing happens within the setting's minutes, nor ever with 0; after
   * them the window locks. */
  settings = g_settings_new ("io.github.motcua.Desk");
  g_settings_set_uint (settings, "lock-after-minutes", 0);
  motcua_window_check_idle (f->window, g_get_monotonic_time () + 60 * G_TIME_SPAN_MINUTE);
  g_assert_false (motcua_window_is_locked (f->window));
  g_settings_set_uint (settings, "lock-after-minutes", 10);
  motcua_window_check_idle (f->window, g_get_monotonic_time () + 9 * G_TIME_SPAN_MINUTE);
  g_assert_false (motcua_window_is_locked (f->window));
  motcua_window_check_idle (f->window, g_get_monotonic_time () + 11 * G_TIME_SPAN_MINUTE);
  g_assert_true (motcua_window_is_locked (f->window));
  type_and_sign_in (f, MOTCUA_DEMO_PIN);
  g_assert_false (motcua_window_is_locked (f->window));

  /* Locked: the dossiers are hidden, and a reception form left open with them; only
   * the same user may unlock, and finds the form again. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.receive", NULL);
  ui_test_iterate (100);
  g_assert_nonnull (receive_dialog (f));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (receive_dialog (f))));
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.lock", NULL);
  ui_test_iterate (50);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (receive_dialog (f))));
  g_assert_true (motcua_window_is_locked (f->window));
  g_assert_false (gtk_widget_get_mapped (find (f, "queue_pane")));
  g_assert_false (gtk_widget_get_visible (find (f, "users_list")));
  g_assert_true (gtk_widget_get_visible (find (f, "switch_button")));
  type_and_sign_in (f, "111111");
  g_assert_true (motcua_window_is_locked (f->window));
  g_assert_nonnull (error_shown (f));
  type_and_sign_in (f, MOTCUA_DEMO_PIN);
  g_assert_false (motcua_window_is_locked (f->window));
  g_assert_true (gtk_widget_get_mapped (find (f, "queue_pane")));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (receive_dialog (f))));

  /* Work waiting for the server (which is away): switching asks first and says how
   * much waits. */
  dossier = motcua_store_receive (f->store, &request, &error);
  g_assert_no_error (error);
  g_assert_true (motcua_store_set_state (f->store, "sync.server_url", "http://127.0.0.1:9/", &error));
  pending = motcua_store_count_pending (f->store, NULL);
  g_assert_cmpint (pending, >, 0);

  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.switch-user", NULL);
  ui_test_iterate (100);
  for (GList *l = gtk_window_list_toplevels (); l != NULL; l = g_list_delete_link (l, l))
    if (ADW_IS_MESSAGE_DIALOG (l->data))
      dialog = l->data;
  g_assert_nonnull (dialog);
  body = g_strdup_printf (ngettext ("%lld action is not yet sent to the server. It stays on this workstation "
                                    "and will be sent at the next sync, whoever signs in.",
                                    "%lld actions are not yet sent to the server. They stay on this "
                                    "workstation and will be sent at the next sync, whoever signs in.",
                                    (unsigned long) pending), (long long) pending);
  g_assert_cmpstr (adw_message_dialog_get_body (dialog), ==, body);
  g_assert_cmpstr (visible_page (f), ==, "panes");
  adw_message_dialog_response (dialog, "switch");
  ui_test_iterate (100);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (receive_dialog (f))));

  g_assert_cmpstr (visible_page (f), ==, "sign-in");
  g_assert_true (gtk_widget_get_visible (find (f, "users_list")));
  choose_user (f, "supervisor1");
  type_and_sign_in (f, MOTCUA_DEMO_PIN);
  g_assert_cmpstr (visible_page (f), ==, "panes");
  user = current_user (f);
  g_assert_cmpstr (user, ==, "supervisor1");
  /* Another user does not inherit the clerk's half-filled form. */
  ui_test_iterate (50);
  g_assert_null (receive_dialog (f));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (find (f, "user_label"))), "Lê Thị Thu Hà"));
  /* Nothing was lost: the same work still waits, and is still the clerk's. */
  g_assert_cmpint (motcua_store_count_pending (f->store, NULL), ==, pending);
  g_assert_cmpint (motcua_test_store_int (f->store, "SELECT count(*) FROM events WHERE sync_state = 0"
                                                    " AND dossier_uid = (SELECT uid FROM dossiers"
                                                    "   WHERE applicant_name = 'Quách Thị Yến')"), >, 0);
}

static void
cli_ok (Fixture *f, const char * const *args)
{
  g_autoptr(MotcuaTestCliResult) r = motcua_test_run_cli_env (NULL, f->db, args);

  g_assert_true (motcua_test_expect_status (r, 0, args[0]));
}

#define CLI_OK(f, ...) cli_ok (f, (const char *[]) { __VA_ARGS__, NULL })

static gboolean
offers_action (GtkWidget *root, const char *action)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_ACTIONABLE (child)
          && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (child)), "editor.begin") == 0
          && g_strcmp0 (g_variant_get_string (gtk_actionable_get_action_target_value (GTK_ACTIONABLE (child)), NULL),
                        action) == 0)
        return TRUE;
      if (offers_action (child, action))
        return TRUE;
    }
  return FALSE;
}

static gboolean
has_row_saying (GtkWidget *root, const char *text)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      if (ADW_IS_ACTION_ROW (child) && adw_action_row_get_subtitle (ADW_ACTION_ROW (child)) != NULL
          && strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (child)), text) != NULL)
        return TRUE;
      if (has_row_saying (child, text))
        return TRUE;
    }
  return FALSE;
}

/* A specialist signed in under a supervisor's delegation is offered "Approve", and the
 * journal says on whose behalf the approval was made. */
static void
test_delegated_approval (Fixture *f, gconstpointer data)
{
  g_autoptr(MotcuaTestCliResult) r = motcua_test_run_cli (f->db, "--json", "receive", "--procedure", "1.004194",
                                                          "--applicant-name", "Mạc Văn Tùng", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(MotcuaDossier) approved = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  g_autofree char *on_behalf = g_strdup_printf (_("%s, on behalf of %s"), "Hoàng Thị Mai", "Lê Thị Thu Hà");
  GtkWidget *editor = motcua_window_get_editor (f->window);

  g_assert_true (motcua_test_expect_status (r, 0, "receive"));
  g_assert_true (json_parser_load_from_data (parser, r->out, -1, NULL));
  code = g_strdup (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "code"));
  CLI_OK (f, "act", code, "transfer", "--to", "specialist1");
  CLI_OK (f, "act", code, "examine", "--as", "specialist1");
  CLI_OK (f, "act", code, "draft", "--as", "specialist1");
  CLI_OK (f, "act", code, "submit", "--as", "specialist1");

  /* Without a delegation the specialist is not offered the approval. */
  choose_user (f, "specialist2");
  type_and_sign_in (f, MOTCUA_DEMO_PIN);
  g_assert_cmpstr (visible_page (f), ==, "panes");
  motcua_window_open_dossier (f->window, code);
  ui_test_iterate (200);
  g_assert_false (offers_action (editor, "approve"));

  CLI_OK (f, "delegate", "add", "--from", "supervisor1", "--to", "specialist2", "--procedures", "1.004194",
          "--from-date", "2026-11-23", "--to-date", "2026-11-27", "--as", "supervisor1");
  motcua_dossier_editor_show_dossier (MOTCUA_DOSSIER_EDITOR (editor), code);
  ui_test_iterate (200);
  g_assert_true (offers_action (editor, "approve"));

  /* The window's user acts: the approval is the deputy's, on the supervisor's behalf. */
  approved = motcua_store_act (f->store, code, MOTCUA_ACTION_APPROVE, NULL, &error);
  g_assert_no_error (error);
  motcua_dossier_editor_show_dossier (MOTCUA_DOSSIER_EDITOR (editor), code);
  ui_test_iterate (200);
  g_assert_true (has_row_saying (editor, on_behalf));
}

int
main (int argc, char **argv)
{
  ui_test_init_vietnamese (&argc, &argv);

  g_test_add ("/ui/sign-in/wrong-password-and-lockout", Fixture, NULL, fixture_set_up,
              test_sign_in_wrong_password_lockout, fixture_tear_down);
  g_test_add ("/ui/sign-in/lock-and-switch-user", Fixture, NULL, fixture_set_up,
              test_lock_and_switch_user, fixture_tear_down);
  g_test_add ("/ui/sign-in/delegated-approval", Fixture, NULL, fixture_set_up,
              test_delegated_approval, fixture_tear_down);
  return g_test_run ();
}
