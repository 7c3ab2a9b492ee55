/* test-ui-editor.c: the dossier editor in a real window, driven as a clerk drives it.
 *
 * Each test makes its own database with the command-line program (the same code path a
 * workstation uses), shows a dossier, presses the editor's own buttons and checks the
 * store afterwards. The clock is pinned (MOTCUA_NOW) so due dates are known.
 */

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "motcua-application.h"
#include "motcua-demo.h"
#include "motcua-digitize.h"
#include "motcua-dossier-editor.h"
#include "motcua-time.h"
#include "ui-test-util.h"
#include "motcua-test-util.h"

/* Monday 23 November 2026, 09:00 in Vietnam: a working morning. */
#define TEST_NOW "2026-11-23T09:00:00+07:00"

typedef struct {
  char                *dir;
  char                *db;
  MotcuaStore         *store;
  GtkWindow           *window;
  MotcuaDossierEditor *editor;
  char                *code;
  guint                n_changed;
  char                *changed_code;
  char                *toast;
  char                *activated_path;
  char                *activated_mime;
} Fixture;

/* ---- waiting for the main loop ------------------------------------------------------------ */

static gboolean
timeout_reached (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
wait_ms (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, timeout_reached, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

typedef gboolean (*Condition) (gpointer data);

static gboolean
wait_until (Condition condition, gpointer data, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return TRUE;
}

/* ---- finding widgets as a person sees them ------------------------------------------------ */

typedef gboolean (*WidgetMatch) (GtkWidget *widget, gconstpointer data);

static void
collect (GtkWidget *widget, WidgetMatch match, gconstpointer data, GPtrArray *found)
{
  if (!gtk_widget_get_mapped (widget))
    return;
  if (match (widget, data))
    g_ptr_array_add (found, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    collect (child, match, data, found);
}

static GtkWidget *
find (GtkWidget *root, WidgetMatch match, gconstpointer data)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  collect (root, match, data, found);
  return found->len > 0 ? g_ptr_array_index (found, 0) : NULL;
}

static gboolean
is_label_with_text (GtkWidget *widget, gconstpointer text)
{
  return GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0;
}

static gboolean
is_label_with_prefix (GtkWidget *widget, gconstpointer prefix)
{
  return GTK_IS_LABEL (widget) && g_str_has_prefix (gtk_label_get_text (GTK_LABEL (widget)), prefix);
}

static gboolean
is_row_with_title (GtkWidget *widget, gconstpointer title)
{
  return ADW_IS_PREFERENCES_ROW (widget)
         && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

static gboolean
is_button_with_action (GtkWidget *widget, gconstpointer action_name)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action_name) == 0;
}

static gboolean
is_error_label (GtkWidget *widget, gconstpointer data)
{
  gboolean error = GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, "error")
                   && *gtk_label_get_text (GTK_LABEL (widget)) != '\0';

  if (error)
    g_test_message ("error shown: %s", gtk_label_get_text (GTK_LABEL (widget)));
  return error;
}

static gboolean
is_status_page (GtkWidget *widget, gconstpointer data)
{
  return ADW_IS_STATUS_PAGE (widget);
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char **) a, *(char **) b);
}

static char *
join_sorted (GPtrArray *names)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_ptr_array_sort (names, compare_strings);
  for (guint i = 0; i < names->len; i++)
    g_string_append_printf (text, "%s%s", i ? " " : "", (char *) g_ptr_array_index (names, i));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* The machine names of the action buttons shown, sorted. */
static char *
shown_actions (Fixture *fixture)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  collect (GTK_WIDGET (fixture->editor), is_button_with_action, "editor.begin", buttons);
  for (guint i = 0; i < buttons->len; i++)
    {
      GVariant *target = gtk_actionable_get_action_target_value (g_ptr_array_index (buttons, i));
      g_ptr_array_add (names, (gpointer) g_variant_get_string (target, NULL));
    }
  return join_sorted (names);
}

/* What the workflow allows @role, as the buttons should show it: attaching has its own
 * buttons and drag and drop, so it is not among them. */
static char *
expected_actions (Fixture *fixture, MotcuaRole role)
{
  g_autoptr(MotcuaDossier) dossier = motcua_store_get_dossier (fixture->store, fixture->code, NULL);
  g_autoptr(GDateTime) now = motcua_time_now (NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  MotcuaWorkflowState state;
  guint32 allowed;

  motcua_dossier_get_workflow_state (dossier, &state);
  allowed = motcua_workflow_allowed_actions (&state, role, now);
  for (guint a = 0; a < MOTCUA_N_ACTIONS; a++)
    if ((allowed & (1u << a)) && a != MOTCUA_ACTION_ATTACH)
      g_ptr_array_add (names, (gpointer) motcua_action_to_string (a));
  return join_sorted (names);
}

/* ---- the command-line program makes the data ------------------------------------------------- */

static char *
run_cli (Fixture *fixture, const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_ptr_array_add (argv, (gpointer) g_getenv ("MOTCUA_CLI"));
  g_ptr_array_add (argv, (gpointer) "--db");
  g_ptr_array_add (argv, fixture->db);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("motcua %s failed: %s", args[0], err);
  return g_steal_pointer (&out);
}

/* Receives a complete dossier (optional documents not handed in) and returns its code. */
static char *
receive_dossier (Fixture *fixture)
{
  const char *args[] = { "--json", "receive", "--procedure", "1.004873",
                         "--applicant-name", "Phạm Văn An", "--id-number", "038090001234",
                         "--phone", "0912345678", "--address", "Thôn Đông, xã Quảng Phú",
                         "--documents", "1,3", NULL };
  g_autofree char *json = run_cli (fixture, args);
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  return g_strdup (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "code"));
}

static MotcuaStatus
store_status (Fixture *fixture, guint *n_events)
{
  g_autoptr(MotcuaDossier) dossier = motcua_store_get_dossier (fixture->store, fixture->code, NULL);

  g_assert_nonnull (dossier);
  if (n_events != NULL)
    *n_events = motcua_dossier_get_event_count (dossier);
  return motcua_dossier_get_status (dossier);
}

/* The dossier's due time, in the agency's zone (the test clock's +07:00). */
static GDateTime *
due_of (Fixture *fixture)
{
  g_autoptr(MotcuaDossier) dossier = motcua_store_get_dossier (fixture->store, fixture->code, NULL);
  g_autoptr(GTimeZone) zone = g_time_zone_new_offset (7 * 3600);
  g_autoptr(GDateTime) due = NULL;

  g_assert_nonnull (dossier);
  due = motcua_time_parse (motcua_dossier_get_due_at (dossier), NULL);
  g_assert_nonnull (due);
  return g_date_time_to_timezone (due, zone);
}

/* ---- fixture ------------------------------------------------------------------------------ */

static void
on_changed (MotcuaDossierEditor *editor, const char *code, Fixture *fixture)
{
  fixture->n_changed++;
  g_free (fixture->changed_code);
  fixture->changed_code = g_strdup (code);
}

static void
on_toast (MotcuaDossierEditor *editor, const char *message, Fixture *fixture)
{
  g_free (fixture->toast);
  fixture->toast = g_strdup (message);
}

static void
on_attachment (MotcuaDossierEditor *editor, const char *path, const char *mime, const char *name, Fixture *fixture)
{
  g_free (fixture->activated_path);
  g_free (fixture->activated_mime);
  fixture->activated_path = g_strdup (path);
  fixture->activated_mime = g_strdup (mime);
}

static gboolean
editor_mapped (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (((Fixture *) data)->editor));
}

static void
open_editor (Fixture *fixture)
{
  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (fixture->window, 640, 740);
  fixture->editor = MOTCUA_DOSSIER_EDITOR (motcua_dossier_editor_new ());
  gtk_window_set_child (fixture->window, GTK_WIDGET (fixture->editor));
  g_signal_connect (fixture->editor, "dossier-changed", G_CALLBACK (on_changed), fixture);
  g_signal_connect (fixture->editor, "toast", G_CALLBACK (on_toast), fixture);
  g_signal_connect (fixture->editor, "attachment-activated", G_CALLBACK (on_attachment), fixture);
  motcua_dossier_editor_set_store (fixture->editor, fixture->store);
  gtk_window_present (fixture->window);
  g_assert_true (wait_until (editor_mapped, fixture, 5000));
}

static void
close_editor (Fixture *fixture)
{
  gtk_window_destroy (fixture->window);
  fixture->window = NULL;
  fixture->editor = NULL;
  wait_ms (20);
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  const char *init[] = { "init", "--demo", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  g_unsetenv ("MOTCUA_USER");
  fixture->dir = g_dir_make_tmp ("motcua-ui-editor-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->db = g_build_filename (fixture->dir, "motcua.db", NULL);
  out = run_cli (fixture, init);
  fixture->code = receive_dossier (fixture);
  fixture->store = motcua_store_open (fixture->db, &error);
  g_assert_no_error (error);
  open_editor (fixture);
}
static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  if (fixture->window != NULL)
    close_editor (fixture);
  g_clear_object (&fixture->store);
  g_unsetenv ("MOTCUA_USER");
  motcua_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->db);
  g_free (fixture->code);
  g_free (fixture->changed_code);
  g_free (fixture->toast);
  g_free (fixture->activated_path);
  g_free (fixture->activated_mime);
}

/* ---- driving the form ----------------------------------------------------------------------- */

/* What a click does, at once: gtk_widget_activate() on a button only clicks it after
 * showing it pressed for a quarter of a second. */
static void
click (GtkWidget *button)
{
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  wait_ms (20);
}

static GtkWidget *
action_button (Fixture *fixture, MotcuaAction action)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  collect (GTK_WIDGET (fixture->editor), is_button_with_action, "editor.begin", buttons);
  for (guint i = 0; i < buttons->len; i++)
    {
      GVariant *target = gtk_actionable_get_action_target_value (g_ptr_array_index (buttons, i));
      if (g_str_equal (g_variant_get_string (target, NULL), motcua_action_to_string (action)))
        return g_ptr_array_index (buttons, i);
    }
  return NULL;
}

static gboolean
confirm_shown (gpointer data)
{
  return find (GTK_WIDGET (((Fixture *) data)->editor), is_button_with_action, "editor.confirm") != NULL;
}

static gboolean
confirm_hidden (gpointer data)
{
  return !confirm_shown (data);
}

/* Presses the action's button and waits for its form. */
static void
press_action (Fixture *fixture, MotcuaAction action)
{
  GtkWidget *button = action_button (fixture, action);

  g_assert_nonnull (button);
  click (button);
  g_assert_true (wait_until (confirm_shown, fixture, 5000));
}

static void
press_confirm (Fixture *fixture)
{
  GtkWidget *button = find (GTK_WIDGET (fixture->editor), is_button_with_action, "editor.confirm");

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  click (button);
}

static void
type_into (Fixture *fixture, const char *field, const char *text)
{
  GtkWidget *widget = motcua_dossier_editor_get_field (fixture->editor, field);

  g_assert_nonnull (widget);
  if (GTK_IS_EDITABLE (widget))
    gtk_editable_set_text (GTK_EDITABLE (widget), text);
  else
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (widget)), text, -1);
}

static char *
field_text (Fixture *fixture, const char *field)
{
  GtkWidget *widget = motcua_dossier_editor_get_field (fixture->editor, field);
  GtkTextIter start, end;

  if (widget == NULL)
    return NULL;
  if (GTK_IS_EDITABLE (widget))
    return g_strdup (gtk_editable_get_text (GTK_EDITABLE (widget)));
  gtk_text_buffer_get_bounds (gtk_text_view_get_buffer (GTK_TEXT_VIEW (widget)), &start, &end);
  return gtk_text_buffer_get_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (widget)), &start, &end, FALSE);
}

/* ---- tests ----------------------------------------------------------------------------------- */

static void
test_empty_state (Fixture *fixture, gconstpointer data)
{
  g_assert_nonnull (find (GTK_WIDGET (fixture->editor), is_status_page, NULL));
  motcua_dossier_editor_show_dossier (fixture->editor, fixture->code);
  wait_ms (50);
  g_assert_null (find (GTK_WIDGET (fixture->editor), is_status_page, NULL));
  motcua_dossier_editor_show_dossier (fixture->editor, NULL);
  wait_ms (50);
  g_assert_nonnull (find (GTK_WIDGET (fixture->editor), is_status_page, NULL));
  g_assert_null (motcua_dossier_editor_get_code (fixture->editor));

  /* A code the store does not know is a message, not a crash. */
  motcua_dossier_editor_show_dossier (fixture->editor, "000.17.22.H56-261123-9999");
  wait_ms (50);
  g_assert_nonnull (find (GTK_WIDGET (fixture->editor), is_status_page, NULL));
}

static void
test_header (Fixture *fixture, gconstpointer data)
{
  GtkWidget *code_label;

  motcua_dossier_editor_show_dossier (fixture->editor, fixture->code);
  wait_ms (50);
  g_assert_cmpstr (motcua_dossier_editor_get_code (fixture->editor), ==, fixture->code);
  code_label = find (GTK_WIDGET (fixture->editor), is_label_with_text, fixture->code);
  g_assert_nonnull (code_label);
  g_assert_true (gtk_label_get_selectable (GTK_LABEL (code_label)));
  click (find (GTK_WIDGET (fixture->editor), is_button_with_action, "editor.copy-code"));
  g_assert_nonnull (fixture->toast);
  g_assert_nonnull (find (GTK_WIDGET (fixture->editor), is_label_with_text,
                          motcua_status_label (MOTCUA_STATUS_RECEIVED)));
  g_assert_nonnull (find (GTK_WIDGET (fixture->editor), is_label_with_text, "Cấp Giấy xác nhận tình trạng hôn nhân"));
  /* Applicant, documents and the journal's first event. */
  g_assert_nonnull (find (GTK_WIDGET (fixture->editor), is_row_with_title,
                          "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân theo mẫu"));
  g_assert_nonnull (find (GTK_WIDGET (fixture->editor), is_row_with_title,
                          motcua_event_kind_label ("create-received")));
}

/* The due line once time has passed the due date: a dossier due at the end of a working
 * day is overdue all evening, though no working time has gone by yet. */
static char *
due_line_at (Fixture *fixture, GDateTime *now)
{
  g_autofree char *pinned = g_date_time_format_iso8601 (now);
  GtkWidget *label;

  g_setenv ("MOTCUA_NOW", pinned, TRUE);
  motcua_dossier_editor_show_dossier (fixture->editor, fixture->code);
  wait_ms (50);
  label = find (GTK_WIDGET (fixture->editor), is_label_with_prefix, "Due ");
  g_assert_nonnull (label);
  g_assert_true (gtk_widget_has_css_class (label, "due-overdue") || g_date_time_compare (now, due_of (fixture)) <= 0);
  return g_strdup (gtk_label_get_text (GTK_LABEL (label)));
}

static void
test_due_line (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GDateTime) due = NULL;
  g_autoptr(GDateTime) evening = NULL;
  g_autoptr(GDateTime) next_morning = NULL;   /* 10:00 the next day */
  g_autofree char *due_text = NULL;
  g_autofree char *expected_evening = NULL;
  g_autofree char *at_evening = NULL;
  g_autofree char *at_next_morning = NULL;

  /* Received after the working day, counted from the next morning: due at the end of a
   * working day (DOMAIN.md, "Time rules"). */
  g_setenv ("MOTCUA_NOW", "2026-11-23T18:00:00+07:00", TRUE);
  g_free (fixture->code);
  fixture->code = receive_dossier (fixture);
  due = due_of (fixture);
  evening = g_date_time_add_hours (due, 5);
  next_morning = g_date_time_add_hours (due, 17);
  g_assert_cmpint (g_date_time_get_hour (due), ==, 17);
  g_assert_cmpint (g_date_time_get_day_of_week (due), <=, 4);   /* Monday-Thursday: tomorrow works */
  due_text = g_date_time_format (due, "%d/%m/%Y %H:%M");
  expected_evening = g_strdup_printf ("Due %s — overdue", due_text);
  at_evening = due_line_at (fixture, evening);
  g_assert_cmpstr (at_evening, ==, expected_evening);
  at_next_morning = due_line_at (fixture, next_morning);
  g_assert_true (g_str_has_prefix (at_next_morning, expected_evening));
  g_assert_true (g_str_has_prefix (at_next_morning + strlen (expected_evening), " by "));
  g_assert_null (strstr (at_next_morning, "less than"));
  g_setenv ("MOTCUA_NOW", TEST_NOW, TRUE);
}

static gboolean
is_row_with_subtitle_part (GtkWidget *widget, gconstpointer part)
{
  return ADW_IS_ACTION_ROW (widget) && strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (widget)), part) != NULL;
}

/* An online submission was made by the public service portal: the journal says so, not
 * "dvc-portal (portal)", the account and role the journal records. */
static void
test_portal_submission (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *row;

  g_assert_true (motcua_demo_generate (fixture->store, 40, 5, &error));
  g_assert_no_error (error);
  g_free (fixture->code);
  fixture->code = motcua_test_sql_text (motcua_store_get_db (fixture->store),
                                        "SELECT code FROM dossiers WHERE channel = 2 AND status <> 1 ORDER BY id LIMIT 1");
  motcua_dossier_editor_show_dossier (fixture->editor, fixture->code);
  wait_ms (50);
  row = find (GTK_WIDGET (fixture->editor), is_row_with_title, motcua_event_kind_label ("create-submitted"));
  g_assert_nonnull (row);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), motcua_portal_label ()));
  g_assert_null (find (GTK_WIDGET (fixture->editor), is_row_with_subtitle_part, "dvc-portal"));
  g_assert_null (find (GTK_WIDGET (fixture->editor), is_row_with_subtitle_part, "(portal)"));
}

static void
test_actions_by_role (Fixture *fixture, gconstpointer data)
{
  const char *transfer[] = { "act", NULL, "transfer", "--to", "Tư pháp", NULL };
  g_autofree char *shown = NULL;
  g_autofree char *expected = NULL;

  motcua_dossier_editor_show_dossier (fixture->editor, fixture->code);
  wait_ms (50);
  shown = shown_actions (fixture);
  expected = expected_actions (fixture, MOTCUA_ROLE_CLERK);
  g_assert_cmpstr (expected, !=, "");
  g_assert_cmpstr (shown, ==, expected);

  g_setenv ("MOTCUA_USER", "supervisor1", TRUE);
  motcua_dossier_editor_show_dossier (fixture->editor, fixture->code);
  wait_ms (50);
  g_free (shown);
  g_free (expected);
  shown = shown_actions (fixture);
  expected = expected_actions (fixture, MOTCUA_ROLE_SUPERVISOR);
  g_assert_cmpstr (shown, ==, expected);
  g_assert_null (action_button (fixture, MOTCUA_ACTION_TRANSFER));

  /* Being processed, the specialist sees the examination step. */
  g_unsetenv ("MOTCUA_USER");
  transfer[1] = fixture->code;
  g_free (run_cli (fixture, transfer));
  g_setenv ("MOTCUA_USER", "specialist1", TRUE);
  motcua_dossier_editor_show_dossier (fixture->editor, fixture->code);
  wait_ms (50);
  g_free (shown);
  g_free (expected);
  shown = shown_actions (fixture);
  expected = expected_actions (fixture, MOTCUA_ROLE_SPECIALIST);
  g_assert_cmpstr (shown, ==, expected);
  g_assert_nonnull (action_button (fixture, MOTCUA_ACTION_EXAMINE));
  g_assert_true (gtk_widget_has_css_class (action_button (fixture, MOTCUA_ACTION_EXAMINE), "suggested-action"));
}

static void
test_transfer (Fixture *fixture, gconstpointer data)
{
  motcua_dossier_editor_show_dossier (fixture->editor, fixture->code);
  wait_ms (50);
  press_action (fixture, MOTCUA_ACTION_TRANSFER);
  type_into (fixture, "to", "Bộ phận Tư pháp - Hộ tịch");
  press_confirm (fixture);

  g_assert_null (find (GTK_WIDGET (fixture->editor), is_error_label, NULL));
  g_assert_cmpint (store_status (fixture, NULL), ==, MOTCUA_STATUS_PROCESSING);
  g_assert_cmpuint (fixture->n_changed, ==, 1);
  g_assert_cmpstr (fixture->changed_code, ==, fixture->code);
  g_assert_nonnull (fixture->toast);
  g_assert_true (wait_until (confirm_hidden, fixture, 5000));
  /* The header and the journal follow, with the hand-over judged against the due date. */
  g_assert_nonnull (find (GTK_WIDGET (fixture->editor), is_label_with_text,
                          motcua_status_label (MOTCUA_STATUS_PROCESSING)));
  g_assert_nonnull (find (GTK_WIDGET (fixture->editor), is_row_with_title, motcua_event_kind_label ("transfer")));
  g_assert_nonnull (find (GTK_WIDGET (fixture->editor), is_label_with_text, motcua_timing_label (MOTCUA_TIMING_EARLY)));
}

static void
test_refusal_shown (Fixture *fixture, gconstpointer data)
{
  GtkWidget *error_label;
  guint events_before, events_after;

  motcua_dossier_editor_show_dossier (fixture->editor, fixture->code);
  wait_ms (50);
  store_status (fixture, &events_before);
  press_action (fixture, MOTCUA_ACTION_REFUSE);
  press_confirm (fixture);

  error_label = find (GTK_WIDGET (fixture->editor), is_error_label, NULL);
  g_assert_nonnull (error_label);
  g_test_message ("shown: %s", gtk_label_get_text (GTK_LABEL (error_label)));
  g_assert_cmpint (store_status (fixture, &events_after), ==, MOTCUA_STATUS_RECEIVED);
  g_assert_cmpuint (events_after, ==, events_before);
  g_assert_cmpuint (fixture->n_changed, ==, 0);
  /* The form stays open as typed, so the clerk can fix it. */
  g_assert_true (confirm_shown (fixture));
}

static void
test_request_supplement (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(JsonObject) payload = NULL;
  g_autoptr(MotcuaDossier) dossier = NULL;
  GtkWidget *row;
  JsonArray *missing;

  motcua_dossier_editor_show_dossier (fixture->editor, fixture->code);
  wait_ms (50);
  press_action (fixture, MOTCUA_ACTION_REQUEST_SUPPLEMENT);
  /* The documents not handed in are offered; tick one and name another. */
  row = find (GTK_WIDGET (fixture->editor), is_row_with_title, "Văn bản ủy quyền (nếu ủy quyền)");
  g_assert_nonnull (row);
  gtk_widget_activate (row);
  type_into (fixture, "missing-other", "Sổ hộ khẩu\n\n");
  type_into (fixture, "reason", "Thiếu văn bản ủy quyền");
  press_confirm (fixture);

  g_assert_null (find (GTK_WIDGET (fixture->editor), is_error_label, NULL));
  g_assert_cmpint (store_status (fixture, NULL), ==, MOTCUA_STATUS_SUPPLEMENT);
  dossier = motcua_store_get_dossier (fixture->store, fixture->code, NULL);
  events = motcua_store_get_events (fixture->store, motcua_dossier_get_uid (dossier), NULL);
  payload = motcua_event_parse_payload (g_ptr_array_index (events, events->len - 1), NULL);
  missing = json_object_get_array_member (payload, "missing");
  g_assert_cmpuint (json_array_get_length (missing), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (missing, 0), ==, "Văn bản ủy quyền (nếu ủy quyền)");
  g_assert_cmpstr (json_array_get_string_element (missing, 1), ==, "Sổ hộ khẩu");
}

static char *
sha256_of_file (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
}

static void
test_attach (Fixture *fixture, gconstpointer data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "to-khai.pdf", NULL);
  g_autofree char *expected_sha = NULL;
  g_autofree char *activated_sha = NULL;
  g_autofree char *contents = g_strdup_printf ("%%PDF-1.4\n%% test %u\n", g_random_int ());
  const char *paths[] = { path, NULL };
  GtkWidget *row;

  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  expected_sha = sha256_of_file (path);
  motcua_dossier_editor_show_dossier (fixture->editor, fixture->code);
  wait_ms (50);
  g_assert_true (gtk_widget_is_sensitive (find (GTK_WIDGET (fixture->editor), is_button_with_action, "editor.add-files")));

  motcua_dossier_editor_attach_files (fixture->editor, paths);
  wait_ms (50);
  g_assert_cmpuint (fixture->n_changed, ==, 1);
  row = find (GTK_WIDGET (fixture->editor), is_row_with_title, "to-khai.pdf");
  g_assert_nonnull (row);

  gtk_widget_activate (row);
  wait_ms (20);
  g_assert_nonnull (fixture->activated_path);
  g_assert_cmpstr (fixture->activated_mime, ==, "application/pdf");
  activated_sha = sha256_of_file (fixture->activated_path);
  g_assert_cmpstr (activated_sha, ==, expected_sha);

  /* Ctrl+O in the window opens the selected (here: the only) attachment. */
  g_clear_pointer (&fixture->activated_path, g_free);
  motcua_dossier_editor_open_attachment (fixture->editor);
  g_assert_nonnull (fixture->activated_path);

  /* A file that is not there is a message under the attachments. */
  {
    const char *missing[] = { "/nonexistent/scan.pdf", NULL };
    motcua_dossier_editor_attach_files (fixture->editor, missing);
    wait_ms (20);
    g_assert_nonnull (find (GTK_WIDGET (fixture->editor), is_error_label, NULL));
    g_assert_cmpuint (fixture->n_changed, ==, 1);
  }
}

static gboolean
changed_or_failed (gpointer data)
{
  Fixture *fixture = data;

  return fixture->n_changed > 0 || find (GTK_WIDGET (fixture->editor), is_error_label, NULL) != NULL;
}

static void
test_digitize (Fixture *fixture, gconstpointer data)
{
  g_autofree char *page1 = g_build_filename (fixture->dir, "scan-01.png", NULL);
  g_autofree char *page2 = g_build_filename (fixture->dir, "scan-02.png", NULL);
  const char *pages[] = { page1, page2, NULL };
  g_autoptr(MotcuaDossier) dossier = NULL;
  GtkWidget *error_label;
  GPtrArray *attachments;

  for (guint i = 0; pages[i] != NULL; i++)
    {
      g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 620, 877);
      g_autoptr(GError) error = NULL;

      gdk_pixbuf_fill (pixbuf, i ? 0xf0f0e0ff : 0xffffffff);
      gdk_pixbuf_save (pixbuf, pages[i], "png", &error, NULL);
      g_assert_no_error (error);
    }

  /* This tests the editor's path (chooser → worker → attach), not the PDF writer,
   * which has its own tests: where the core cannot write PDFs there is nothing to see. */
  {
    g_autofree char *probe = g_build_filename (fixture->dir, "probe.pdf", NULL);
    g_autoptr(GError) error = NULL;

    if (!motcua_digitize_images (pages, probe, &error))
      {
        g_test_skip_printf ("the core cannot digitise here: %s", error ? error->message : "no reason given");
        return;
      }
  }
  motcua_dossier_editor_show_dossier (fixture->editor, fixture->code);
  wait_ms (50);
  motcua_dossier_editor_digitize_files (fixture->editor, pages);
  g_assert_true (wait_until (changed_or_failed, fixture, 30000));
  error_label = find (GTK_WIDGET (fixture->editor), is_error_label, NULL);
  if (error_label != NULL)
    g_error ("digitising failed: %s", gtk_label_get_text (GTK_LABEL (error_label)));

  dossier = motcua_store_get_dossier (fixture->store, fixture->code, NULL);
  attachments = motcua_dossier_get_attachments (dossier);
  g_assert_cmpuint (attachments->len, ==, 1);
  g_assert_cmpstr (((MotcuaAttachmentRef *) g_ptr_array_index (attachments, 0))->mime_type, ==, "application/pdf");
  g_assert_nonnull (find (GTK_WIDGET (fixture->editor), is_row_with_title,
                          ((MotcuaAttachmentRef *) g_ptr_array_index (attachments, 0))->name));
}

static gboolean
draft_saved (gpointer data)
{
  Fixture *fixture = data;
  g_autofree char *key = g_strconcat ("draft:", fixture->code, NULL);
  g_autofree char *draft = motcua_store_get_state (fixture->store, key, NULL);

  return draft != NULL && strstr (draft, "Hồ sơ giả mạo") != NULL;
}

static void
assert_refuse_form_restored (Fixture *fixture, const char *reason, const char *notes)
{
  MotcuaAction action;
  g_autofree char *restored_reason = NULL;
  g_autofree char *restored_notes = NULL;

  g_assert_true (motcua_dossier_editor_get_open_action (fixture->editor, &action));
  g_assert_cmpint (action, ==, MOTCUA_ACTION_REFUSE);
  g_assert_true (wait_until (confirm_shown, fixture, 5000));
  restored_reason = field_text (fixture, "reason");
  restored_notes = field_text (fixture, "notes");
  g_assert_cmpstr (restored_reason, ==, reason);
  g_assert_cmpstr (restored_notes, ==, notes);
}

static void
test_draft_survives (Fixture *fixture, gconstpointer data)
{
  g_autofree char *key = g_strconcat ("draft:", fixture->code, NULL);
  g_autofree char *after = NULL;

  motcua_dossier_editor_show_dossier (fixture->editor, fixture->code);
  wait_ms (50);
  press_action (fixture, MOTCUA_ACTION_REFUSE);
  type_into (fixture, "reason", "Hồ sơ giả mạo");
  type_into (fixture, "notes", "Gọi lại cho công dân chiều nay");

  /* After the debounce the draft is in the database, as a crash would leave it. */
  g_assert_true (wait_until (draft_saved, fixture, 3000));
  close_editor (fixture);
  open_editor (fixture);
  motcua_dossier_editor_show_dossier (fixture->editor, fixture->code);
  wait_ms (50);
  assert_refuse_form_restored (fixture, "Hồ sơ giả mạo", "Gọi lại cho công dân chiều nay");

  /* Closing inside the debounce loses nothing either. */
  type_into (fixture, "reason", "Hồ sơ giả mạo, giấy tờ tẩy xóa");
  close_editor (fixture);
  open_editor (fixture);
  motcua_dossier_editor_show_dossier (fixture->editor, fixture->code);
  wait_ms (50);
  assert_refuse_form_restored (fixture, "Hồ sơ giả mạo, giấy tờ tẩy xóa", "Gọi lại cho công dân chiều nay");

  /* Switching dossiers and back restores it too. */
  motcua_dossier_editor_show_dossier (fixture->editor, NULL);
  motcua_dossier_editor_show_dossier (fixture->editor, fixture->code);
  assert_refuse_form_restored (fixture, "Hồ sơ giả mạo, giấy tờ tẩy xóa", "Gọi lại cho công dân chiều nay");

  /* Confirming clears the form's draft; the notes stay (they are not in the journal yet). */
  press_confirm (fixture);
  g_assert_cmpint (store_status (fixture, NULL), ==, MOTCUA_STATUS_REFUSED);
  after = motcua_store_get_state (fixture->store, key, NULL);
  g_assert_nonnull (after);
  g_assert_null (strstr (after, "\"action\""));
  g_assert_nonnull (strstr (after, "Gọi lại cho công dân chiều nay"));
}

static void
test_cancel_discards (Fixture *fixture, gconstpointer data)
{
  g_autofree char *key = g_strconcat ("draft:", fixture->code, NULL);
  g_autofree char *after = NULL;
  MotcuaAction action;

  motcua_dossier_editor_show_dossier (fixture->editor, fixture->code);
  wait_ms (50);
  press_action (fixture, MOTCUA_ACTION_WITHDRAW);
  type_into (fixture, "reason", "Công dân đổi ý");
  click (find (GTK_WIDGET (fixture->editor), is_button_with_action, "editor.cancel"));
  g_assert_false (motcua_dossier_editor_get_open_action (fixture->editor, &action));
  g_assert_true (wait_until (confirm_hidden, fixture, 5000));
  after = motcua_store_get_state (fixture->store, key, NULL);
  g_assert_true (after == NULL || strstr (after, "\"action\"") == NULL);
  g_assert_cmpint (store_status (fixture, NULL), ==, MOTCUA_STATUS_RECEIVED);
}

/* Tab from the top reaches every kind of control a clerk uses, with no mouse. */
static void
test_keyboard (Fixture *fixture, gconstpointer data)
{
  gboolean action_button = FALSE, attach_button = FALSE, attachment_row = FALSE, notes = FALSE;
  g_autofree char *path = g_build_filename (fixture->dir, "scan.pdf", NULL);
  const char *paths[] = { path, NULL };

  g_assert_true (g_file_set_contents (path, "%PDF-1.4\n", -1, NULL));
  motcua_dossier_editor_show_dossier (fixture->editor, fixture->code);
  motcua_dossier_editor_attach_files (fixture->editor, paths);
  wait_ms (50);
  gtk_widget_grab_focus (find (GTK_WIDGET (fixture->editor), is_button_with_action, "editor.copy-code"));

  for (guint i = 0; i < 60; i++)
    {
      GtkWidget *focus;

      gtk_widget_child_focus (GTK_WIDGET (fixture->window), GTK_DIR_TAB_FORWARD);
      focus = gtk_root_get_focus (GTK_ROOT (fixture->window));
      if (focus == NULL)
        continue;
      action_button |= is_button_with_action (focus, "editor.begin");
      attach_button |= is_button_with_action (focus, "editor.add-files");
      attachment_row |= is_row_with_title (focus, "scan.pdf");
      notes |= GTK_IS_TEXT_VIEW (focus);
    }
  g_assert_true (action_button);
  g_assert_true (attach_button);
  g_assert_true (attachment_row);
  g_assert_true (notes);

  /* Opening a form puts the cursor in its first field; Enter there confirms. */
  press_action (fixture, MOTCUA_ACTION_TRANSFER);
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (fixture->window)),
                                         motcua_dossier_editor_get_field (fixture->editor, "to")));
  type_into (fixture, "to", "Tư pháp");
  g_signal_emit_by_name (motcua_dossier_editor_get_field (fixture->editor, "to"), "entry-activated");
  g_assert_cmpint (store_status (fixture, NULL), ==, MOTCUA_STATUS_PROCESSING);
  /* …and the keyboard carries on from the next action. */
  g_assert_true (is_button_with_action (gtk_root_get_focus (GTK_ROOT (fixture->window)), "editor.begin"));
}

int
main (int argc, char **argv)
{
  g_setenv ("MOTCUA_NOW", TEST_NOW, TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  motcua_ui_register_resources ();
  /* Revealers and stacks finish at once, so the tests need not wait for animations. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

#define ADD(path, func) g_test_add ("/editor/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("empty-state", test_empty_state);
  ADD ("header", test_header);
  ADD ("due-line", test_due_line);
  ADD ("portal-submission", test_portal_submission);
  ADD ("actions-by-role", test_actions_by_role);
  ADD ("transfer", test_transfer);
  ADD ("refusal-shown", test_refusal_shown);
  ADD ("request-supplement", test_request_supplement);
  ADD ("attach", test_attach);
  ADD ("digitize", test_digitize);
  ADD ("draft-survives", test_draft_survives);
  ADD ("cancel-discards", test_cancel_discards);
  ADD ("keyboard", test_keyboard);
#undef ADD
  return g_test_run ();
}
