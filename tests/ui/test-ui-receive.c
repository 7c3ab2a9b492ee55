/* test-ui-receive.c: the receive dialog, driven the way a clerk drives it.
 *
 * A real window under Xvfb on a demo database, with the clock pinned to a working
 * Monday morning so due dates and codes are known in advance. The test types into
 * the real entries, ticks the real check buttons and activates the real buttons;
 * the dialog's small test functions are used only to read what is on screen.
 */

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <string.h>

#include "motcua-application.h"
#include "motcua-receive-dialog.h"
#include "ui-test-util.h"
#include "motcua-test-util.h"

#define TEST_NOW      "2026-11-23T09:00:00+07:00"
#define BIRTH_CODE    "1.001193"   /* Đăng ký khai sinh: 3 required documents, 1 optional */
#define CODE_PATTERN  "^000\\.17\\.22\\.H56-261123-[0-9]{4}$"
#define VALID_QR      "001092012345|123456789|Nguyễn Văn An|01011992|Nam|" \
                      "Số 12, phố Hàng Bạc, phường Hoàn Kiếm, thành phố Hà Nội|15082021\r\n"
#define FIVE_FIELD_QR "001092012345|123456789|Nguyễn Văn An|01011992|Nam"
#define BAD_DATE_QR   "001092012345|123456789|Nguyễn Văn An|31021992|Nam|Hà Nội|15082021"

typedef struct {
  char                *dir;
  MotcuaStore         *store;
  MotcuaReceiveDialog *dialog;
  GPtrArray           *codes;   /* from "received" */
} Fixture;

static GtkWidget *
widget (Fixture *f, const char *id)
{
  GtkWidget *found = ui_test_find_by_id (GTK_WIDGET (f->dialog), id);

  g_assert_nonnull (found);
  return found;
}

static void
type_into (Fixture *f, const char *id, const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (widget (f, id)), text);
  ui_test_iterate (10);
}

static const char *
text_of (Fixture *f, const char *id)
{
  return gtk_editable_get_text (GTK_EDITABLE (widget (f, id)));
}

/* Enter in an entry: its GtkText emits "activate", as its key binding does. */
static void
press_enter_in (Fixture *f, const char *id)
{
  GtkEditable *delegate = gtk_editable_get_delegate (GTK_EDITABLE (widget (f, id)));

  g_assert_true (GTK_IS_TEXT (delegate));
  g_signal_emit_by_name (delegate, "activate");
  ui_test_iterate (20);
}

/* A default button activated from the keyboard shows itself pressed for 250 ms
 * before it clicks, and a loaded machine takes longer still. */
static void
wait_for_step (Fixture *f, const char *step)
{
  for (int i = 0; i < 500 && g_strcmp0 (motcua_receive_dialog_get_step (f->dialog), step) != 0; i++)
    ui_test_iterate (10);
  g_assert_cmpstr (motcua_receive_dialog_get_step (f->dialog), ==, step);
}

/* The search entry runs its search after a typing delay. */
static guint
wait_for_matches (GListModel *model, gboolean (*done) (guint n, guint than), guint than)
{
  for (int i = 0; i < 500 && !done (g_list_model_get_n_items (model), than); i++)
    ui_test_iterate (10);
  return g_list_model_get_n_items (model);
}

static gboolean
fewer (guint n, guint than)
{
  return n < than;
}

static gboolean
none (guint n, guint than)
{
  return n == 0;
}

static gboolean
has_focus_within (Fixture *f, const char *id)
{
  GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (f->dialog));
  GtkWidget *target = widget (f, id);

  return focus != NULL && (focus == target || gtk_widget_is_ancestor (focus, target));
}

static gboolean
is_shown (GtkWidget *w)
{
  return gtk_widget_get_visible (w) && gtk_widget_is_sensitive (w) && gtk_widget_get_mapped (w);
}

static void
click (Fixture *f, const char *id)
{
  GtkWidget *button = widget (f, id);

  g_assert_true (is_shown (button));
  g_signal_emit_by_name (button, "clicked");
  ui_test_iterate (50);
}

static void
tick (Fixture *f, guint index, gboolean active)
{
  g_autofree char *name = g_strdup_printf ("document-%u", index);
  GtkWidget *check = ui_test_find_by_name (GTK_WIDGET (f->dialog), name);

  g_assert_nonnull (check);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), active);
  ui_test_iterate (10);
}

static const char *
row_subtitle (Fixture *f, const char *id)
{
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (widget (f, id)));
}

static void
collect_missing (GtkWidget *root, GString *out)
{
  if (g_strcmp0 (gtk_widget_get_name (root), "missing-document") == 0 && gtk_widget_get_visible (root))
    g_string_append_printf (out, "%s\n", adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)));
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    collect_missing (child, out);
}

/* The missing documents as listed on the confirm step, one a line. */
static char *
missing_text (Fixture *f)
{
  GString *out = g_string_new (NULL);

  collect_missing (GTK_WIDGET (f->dialog), out);
  return g_string_free (out, FALSE);
}

static void
on_received (MotcuaReceiveDialog *dialog, const char *code, Fixture *f)
{
  g_ptr_array_add (f->codes, g_strdup (code));
}

static void
run_cli_init (const char *db)
{
  const char *cli = g_getenv ("MOTCUA_CLI");
  const char *argv[] = { cli, "--db", db, "init", "--demo", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_nonnull (cli);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("motcua init --demo failed: %s", err);
}

static void
open_dialog (Fixture *f)
{
  f->dialog = motcua_receive_dialog_new (NULL, f->store);
  g_object_add_weak_pointer (G_OBJECT (f->dialog), (gpointer *) &f->dialog);
  g_signal_connect (f->dialog, "received", G_CALLBACK (on_received), f);
  gtk_window_present (GTK_WINDOW (f->dialog));
  for (int i = 0; i < 200 && !gtk_widget_get_mapped (GTK_WIDGET (f->dialog)); i++)
    ui_test_iterate (10);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (f->dialog)));
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;

  f->dir = g_dir_make_tmp ("motcua-ui-receive-XXXXXX", &error);
  g_assert_no_error (error);
  db = g_build_filename (f->dir, "motcua.db", NULL);
  run_cli_init (db);
  f->store = motcua_store_open (db, &error);
  g_assert_no_error (error);
  f->codes = g_ptr_array_new_with_free_func (g_free);
  open_dialog (f);
}
static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  if (f->dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (f->dialog));
  ui_test_iterate (20);
  g_assert_null (f->dialog);
  g_clear_object (&f->store);
  g_ptr_array_unref (f->codes);
  motcua_test_remove_tree (f->dir);
  g_free (f->dir);
}

static gint64
count_dossiers (Fixture *f)
{
  MotcuaDossierQuery query = { 0 };

  return motcua_store_count_dossiers (f->store, &query, NULL);
}

static void
go_to_documents (Fixture *f)
{
  g_assert_true (motcua_receive_dialog_select_procedure (f->dialog, BIRTH_CODE));
  ui_test_iterate (20);
  g_assert_cmpstr (motcua_receive_dialog_get_step (f->dialog), ==, "documents");
}

static void
assert_code (const char *code)
{
  g_assert_nonnull (code);
  g_assert_true (g_regex_match_simple (CODE_PATTERN, code, 0, 0));
}

static MotcuaDossier *
stored (Fixture *f, const char *code)
{
  g_autoptr(GError) error = NULL;
  MotcuaDossier *dossier = motcua_store_get_dossier (f->store, code, &error);

  g_assert_no_error (error);
  g_assert_nonnull (dossier);
  return dossier;
}

/* ---- tests ------------------------------------------------------------------- */

/* The whole counter flow with a complete checklist: code issued, status 2. */
static void
test_receive_complete (Fixture *f, gconstpointer data)
{
  g_autoptr(MotcuaDossier) dossier = NULL;
  g_autofree char *due = NULL;
  const char *code;

  g_assert_cmpstr (motcua_receive_dialog_get_step (f->dialog), ==, "procedure");
  g_assert_true (has_focus_within (f, "procedure_search"));

  /* (a) typed without accents; Enter at once (before the entry's typing delay) takes
   * the match for what was typed. */
  gtk_editable_set_text (GTK_EDITABLE (widget (f, "procedure_search")), "dang ky khai sinh");
  press_enter_in (f, "procedure_search");
  g_assert_cmpstr (motcua_receive_dialog_get_step (f->dialog), ==, "documents");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (widget (f, "procedure_title"))), ==, "Đăng ký khai sinh");

  /* (b) three required documents, one "if applicable". */
  g_assert_cmpuint (motcua_receive_dialog_get_missing_count (f->dialog), ==, 3);
  tick (f, 0, TRUE);
  tick (f, 1, TRUE);
  g_assert_cmpuint (motcua_receive_dialog_get_missing_count (f->dialog), ==, 1);
  tick (f, 2, TRUE);
  g_assert_cmpuint (motcua_receive_dialog_get_missing_count (f->dialog), ==, 0);
  click (f, "next_button");
  g_assert_cmpstr (motcua_receive_dialog_get_step (f->dialog), ==, "applicant");

  /* (c) a malformed code fills nothing and says why; a good one fills everything. */
  type_into (f, "scan_row", FIVE_FIELD_QR);
  press_enter_in (f, "scan_row");
  g_assert_true (gtk_widget_get_visible (widget (f, "scan_result_row")));
  g_assert_nonnull (strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget (f, "scan_result_row"))), "5"));
  g_assert_cmpstr (text_of (f, "name_row"), ==, "");
  g_assert_cmpstr (text_of (f, "id_number_row"), ==, "");
  g_assert_cmpstr (text_of (f, "address_row"), ==, "");
  g_assert_false (gtk_widget_get_visible (widget (f, "birth_row")));

  type_into (f, "scan_row", BAD_DATE_QR);
  press_enter_in (f, "scan_row");
  g_assert_nonnull (strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget (f, "scan_result_row"))), "31021992"));
  g_assert_cmpstr (text_of (f, "name_row"), ==, "");

  type_into (f, "scan_row", VALID_QR);
  press_enter_in (f, "scan_row");
  g_assert_cmpstr (text_of (f, "name_row"), ==, "Nguyễn Văn An");
  g_assert_cmpstr (text_of (f, "id_number_row"), ==, "001092012345");
  g_assert_cmpstr (text_of (f, "address_row"), ==, "Số 12, phố Hàng Bạc, phường Hoàn Kiếm, thành phố Hà Nội");
  g_assert_true (gtk_widget_get_visible (widget (f, "birth_row")));
  g_assert_cmpstr (row_subtitle (f, "birth_row"), ==, "01/01/1992");
  g_assert_true (gtk_widget_get_visible (widget (f, "sex_row")));
  g_assert_cmpstr (text_of (f, "scan_row"), ==, "");   /* personal data does not linger */

  g_assert_true (has_focus_within (f, "phone_row"));   /* the next field to fill */
  type_into (f, "phone_row", "0912 345 678");
  type_into (f, "email_row", "an.nguyen@example.vn");
  press_enter_in (f, "email_row");   /* Enter moves on */
  wait_for_step (f, "confirm");

  /* (d) same-day procedure received at 09:00 on a working Monday: due 17:00 that day. */
  due = motcua_receive_dialog_get_due_text (f->dialog);
  g_test_message ("due line: %s", due);
  g_assert_nonnull (strstr (due, "17:00"));
  g_assert_nonnull (strstr (due, "23/11/2026"));
  g_assert_false (gtk_widget_get_visible (widget (f, "incomplete_box")));
  g_assert_false (gtk_widget_get_visible (widget (f, "supplement_button")));
  g_assert_false (gtk_widget_get_visible (widget (f, "refuse_button")));

  /* (e) receive: the code is issued, shown, and announced once. */
  click (f, "receive_button");
  g_assert_cmpstr (motcua_receive_dialog_get_step (f->dialog), ==, "done");
  code = motcua_receive_dialog_get_issued_code (f->dialog);
  assert_code (code);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (widget (f, "code_label"))), ==, code);
  g_assert_true (gtk_label_get_selectable (GTK_LABEL (widget (f, "code_label"))));
  /* The receipt (Form 01) is offered for printing right away. */
  g_assert_cmpstr (motcua_receive_dialog_get_slip_form (f->dialog), ==, "01");
  g_assert_true (gtk_widget_get_visible (widget (f, "print_button")));
  g_assert_nonnull (strstr (gtk_button_get_label (GTK_BUTTON (widget (f, "print_button"))), "01"));

  dossier = stored (f, code);
  g_assert_cmpint (motcua_dossier_get_status (dossier), ==, MOTCUA_STATUS_RECEIVED);
  g_assert_cmpstr (motcua_dossier_get_applicant_name (dossier), ==, "Nguyễn Văn An");
  g_assert_cmpstr (motcua_dossier_get_applicant_id_number (dossier), ==, "001092012345");
  g_assert_cmpstr (motcua_dossier_get_applicant_phone (dossier), ==, "0912345678");
  g_assert_cmpstr (motcua_dossier_get_due_at (dossier), ==, "2026-11-23T17:00:00+07:00");
  g_assert_cmpint (motcua_dossier_get_channel (dossier), ==, MOTCUA_CHANNEL_IN_PERSON);

  g_assert_cmpuint (f->codes->len, ==, 0);
  click (f, "open_button");
  g_assert_cmpuint (f->codes->len, ==, 1);
  g_assert_true (g_regex_match_simple (CODE_PATTERN, g_ptr_array_index (f->codes, 0), 0, 0));
  g_assert_null (f->dialog);   /* closed */
}

/* An incomplete checklist cannot be received: Form 02 lists what is missing. */
static void
test_request_supplement (Fixture *f, gconstpointer data)
{
  g_autoptr(MotcuaDossier) dossier = NULL;
  g_autofree char *due = NULL;
  g_autofree char *missing = NULL;

  go_to_documents (f);
  tick (f, 0, TRUE);
  tick (f, 3, TRUE);   /* the optional one does not make up for a required one */
  g_assert_cmpuint (motcua_receive_dialog_get_missing_count (f->dialog), ==, 2);
  click (f, "next_button");

  type_into (f, "name_row", "Lê Thị Hoa");
  type_into (f, "phone_row", "0987654321");
  click (f, "next_button");
  g_assert_cmpstr (motcua_receive_dialog_get_step (f->dialog), ==, "confirm");

  g_assert_false (gtk_widget_get_visible (widget (f, "receive_button")));
  g_assert_true (is_shown (widget (f, "supplement_button")));
  g_assert_true (is_shown (widget (f, "refuse_button")));
  g_assert_true (gtk_widget_get_visible (widget (f, "incomplete_box")));
  missing = missing_text (f);
  g_assert_nonnull (strstr (missing, "Giấy chứng sinh"));
  g_assert_nonnull (strstr (missing, "Hộ chiếu/CMND/thẻ CCCD"));
  g_assert_null (strstr (missing, "Tờ khai"));
  /* The clock does not start on an incomplete dossier. */
  due = motcua_receive_dialog_get_due_text (f->dialog);
  g_assert_null (strstr (due, "17:00"));

  /* Changing the checklist on the way back changes the outcome offered. */
  click (f, "back_button");
  click (f, "back_button");
  g_assert_cmpstr (motcua_receive_dialog_get_step (f->dialog), ==, "documents");
  tick (f, 1, TRUE);
  click (f, "next_button");
  g_assert_cmpstr (text_of (f, "name_row"), ==, "Lê Thị Hoa");   /* kept */
  click (f, "next_button");
  g_assert_cmpuint (motcua_receive_dialog_get_missing_count (f->dialog), ==, 1);
  g_free (missing);
  missing = missing_text (f);
  g_assert_null (strstr (missing, "Giấy chứng sinh"));
  g_assert_nonnull (strstr (missing, "Hộ chiếu/CMND/thẻ CCCD"));

  type_into (f, "reason_row", "Thiếu bản chính giấy tờ tùy thân");
  click (f, "supplement_button");
  g_assert_cmpstr (motcua_receive_dialog_get_step (f->dialog), ==, "done");
  assert_code (motcua_receive_dialog_get_issued_code (f->dialog));
  dossier = stored (f, motcua_receive_dialog_get_issued_code (f->dialog));
  g_assert_cmpint (motcua_dossier_get_status (dossier), ==, MOTCUA_STATUS_SUPPLEMENT);
  g_assert_null (motcua_dossier_get_due_at (dossier));
  g_assert_cmpstr (motcua_receive_dialog_get_slip_form (f->dialog), ==, "02");

  /* Closing another way still announces the dossier, so the queue shows it. */
  gtk_window_close (GTK_WINDOW (f->dialog));
  ui_test_iterate (20);
  g_assert_cmpuint (f->codes->len, ==, 1);
}

/* Form 03 needs its reason: without one nothing is created. */
static void
test_refuse (Fixture *f, gconstpointer data)
{
  g_autoptr(MotcuaDossier) dossier = NULL;
  gint64 before = count_dossiers (f);
  const char *error_text;

  go_to_documents (f);
  click (f, "next_button");
  type_into (f, "name_row", "Phạm Minh Tuấn");
  click (f, "next_button");
  g_assert_cmpuint (motcua_receive_dialog_get_missing_count (f->dialog), ==, 3);

  click (f, "refuse_button");
  g_assert_cmpstr (motcua_receive_dialog_get_step (f->dialog), ==, "confirm");
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (widget (f, "error_revealer"))));
  error_text = gtk_label_get_text (GTK_LABEL (widget (f, "error_label")));
  g_assert_cmpstr (error_text, !=, "");
  g_assert_null (motcua_receive_dialog_get_issued_code (f->dialog));
  g_assert_cmpint (count_dossiers (f), ==, before);
  g_assert_cmpuint (f->codes->len, ==, 0);

  type_into (f, "reason_row", "   ");   /* blank is no reason either */
  click (f, "refuse_button");
  g_assert_cmpint (count_dossiers (f), ==, before);

  type_into (f, "reason_row", "Hồ sơ không thuộc thẩm quyền giải quyết của UBND xã");
  click (f, "refuse_button");
  g_assert_cmpstr (motcua_receive_dialog_get_step (f->dialog), ==, "done");
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (widget (f, "error_revealer"))));
  dossier = stored (f, motcua_receive_dialog_get_issued_code (f->dialog));
  g_assert_cmpint (motcua_dossier_get_status (dossier), ==, MOTCUA_STATUS_REFUSED);
  g_assert_cmpint (count_dossiers (f), ==, before + 1);
  g_assert_cmpstr (motcua_receive_dialog_get_slip_form (f->dialog), ==, "03");
  g_assert_nonnull (strstr (gtk_button_get_label (GTK_BUTTON (widget (f, "print_button"))), "03"));

  /* "Receive Another" announces this one and starts over for the next applicant. */
  click (f, "another_button");
  g_assert_cmpuint (f->codes->len, ==, 1);
  g_assert_cmpstr (motcua_receive_dialog_get_step (f->dialog), ==, "procedure");
  g_assert_cmpstr (text_of (f, "name_row"), ==, "");
  g_assert_cmpstr (text_of (f, "reason_row"), ==, "");
  g_assert_null (motcua_receive_dialog_get_issued_code (f->dialog));
}

/* A scan typed into whichever field has the cursor still fills the applicant, and
 * what the clerk had typed before it stays. */
static void
test_scan_into_any_field (Fixture *f, gconstpointer data)
{
  go_to_documents (f);
  click (f, "next_button");
  g_assert_true (has_focus_within (f, "name_row"));

  type_into (f, "email_row", "an@example.vn");
  /* Keystroke by keystroke, as a scanner types: the ID, then the separator… */
  type_into (f, "address_row", "Xóm 3");
  type_into (f, "address_row", "Xóm 3001092012345");
  g_assert_cmpstr (text_of (f, "scan_row"), ==, "");
  type_into (f, "address_row", "Xóm 3001092012345|");
  /* …moves the code to the scan field, and the rest of it follows the focus. */
  g_assert_cmpstr (text_of (f, "scan_row"), ==, "001092012345|");
  g_assert_true (has_focus_within (f, "scan_row"));
  gtk_editable_set_text (GTK_EDITABLE (widget (f, "scan_row")), VALID_QR);
  /* No Enter: the scanner stops typing and the code is read. */
  for (int i = 0; i < 300 && *text_of (f, "name_row") == '\0'; i++)
    ui_test_iterate (10);
  g_assert_cmpstr (text_of (f, "name_row"), ==, "Nguyễn Văn An");
  g_assert_cmpstr (text_of (f, "address_row"), ==, "Số 12, phố Hàng Bạc, phường Hoàn Kiếm, thành phố Hà Nội");
  g_assert_cmpstr (text_of (f, "email_row"), ==, "an@example.vn");

  /* Typing over the ID number makes the card's birth date and sex someone else's. */
  g_assert_true (gtk_widget_get_visible (widget (f, "birth_row")));
  type_into (f, "id_number_row", "001092012346");
  g_assert_false (gtk_widget_get_visible (widget (f, "birth_row")));
  g_assert_false (gtk_widget_get_visible (widget (f, "sex_row")));
}

/* The applicant step stops on what the core would refuse, at the field to fix. */
static void
test_applicant_checks (Fixture *f, gconstpointer data)
{
  go_to_documents (f);
  click (f, "next_button");

  click (f, "next_button");   /* no name */
  g_assert_cmpstr (motcua_receive_dialog_get_step (f->dialog), ==, "applicant");
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (widget (f, "error_revealer"))));
  g_assert_true (gtk_widget_has_css_class (widget (f, "name_row"), "error"));

  type_into (f, "name_row", "Đỗ Văn Bình");
  g_assert_false (gtk_widget_has_css_class (widget (f, "name_row"), "error"));
  type_into (f, "id_number_row", "12345");
  click (f, "next_button");
  g_assert_cmpstr (motcua_receive_dialog_get_step (f->dialog), ==, "applicant");
  g_assert_true (gtk_widget_has_css_class (widget (f, "id_number_row"), "error"));

  type_into (f, "id_number_row", "038 092 012 345");   /* grouped as it is read out */
  type_into (f, "phone_row", "09x");
  click (f, "next_button");
  g_assert_true (gtk_widget_has_css_class (widget (f, "phone_row"), "error"));

  type_into (f, "phone_row", "");
  click (f, "next_button");
  g_assert_cmpstr (motcua_receive_dialog_get_step (f->dialog), ==, "confirm");
}

/* Accent-insensitive search over name, code and field; nothing found says so. */
static void
test_search (Fixture *f, gconstpointer data)
{
  GtkWidget *list = widget (f, "procedure_list");
  GtkSelectionModel *model = gtk_list_view_get_model (GTK_LIST_VIEW (list));
  guint all = g_list_model_get_n_items (G_LIST_MODEL (model));
  guint some;

  g_assert_cmpuint (all, >, 10);
  type_into (f, "procedure_search", "CHUNG THUC");
  some = wait_for_matches (G_LIST_MODEL (model), fewer, all);
  g_assert_cmpuint (some, >, 0);
  g_assert_cmpuint (some, <, all);

  type_into (f, "procedure_search", "ho tich khai tu");   /* field and name words */
  g_assert_cmpuint (wait_for_matches (G_LIST_MODEL (model), fewer, all), >=, 1);

  type_into (f, "procedure_search", "khong co thu tuc nay");
  g_assert_cmpuint (wait_for_matches (G_LIST_MODEL (model), none, 0), ==, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (widget (f, "procedure_stack"))), ==, "empty");
  press_enter_in (f, "procedure_search");   /* nothing to take: stays */
  g_assert_cmpstr (motcua_receive_dialog_get_step (f->dialog), ==, "procedure");

  g_assert_false (motcua_receive_dialog_select_procedure (f->dialog, "9.999999"));
  g_assert_true (motcua_receive_dialog_select_procedure (f->dialog, BIRTH_CODE));
}

static const char *
procedure_at (Fixture *f, guint position)
{
  GtkSelectionModel *model = gtk_list_view_get_model (GTK_LIST_VIEW (widget (f, "procedure_list")));
  g_autoptr(GtkStringObject) item = g_list_model_get_item (G_LIST_MODEL (model), position);

  g_assert_nonnull (item);
  return gtk_string_object_get_string (item);
}

/* The procedures this counter receives most often come first, without a search. */
static void
test_most_received_first (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  MotcuaReceiveRequest request = { .procedure_code = "1.004873", .applicant_name = "Vàng Thị Dợ" };

  g_assert_cmpstr (procedure_at (f, 0), !=, "1.004873");
  gtk_window_destroy (GTK_WINDOW (f->dialog));
  ui_test_iterate (20);
  for (int i = 0; i < 2; i++)
    {
      g_autoptr(MotcuaDossier) dossier = motcua_store_receive (f->store, &request, &error);
      g_assert_no_error (error);
    }
  open_dialog (f);
  g_assert_cmpstr (procedure_at (f, 0), ==, "1.004873");
  /* Enter in the search takes it, as the clerk sees it at the top. */
  press_enter_in (f, "procedure_search");
  wait_for_step (f, "documents");
}

/* Escape on an untouched dialog closes it; with typed details it asks first. */
/* Borrowed: GTK's list of toplevels owns it, and an extra reference would outlive
 * the window it is transient for. */
static AdwMessageDialog *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  AdwMessageDialog *found = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels) && found == NULL; i++)
    {
      GObject *window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window))
        found = ADW_MESSAGE_DIALOG (window);
      g_object_unref (window);
    }
  return found;
}

static GtkWidget *
find_button (GtkWidget *root, const char *label)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), label) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The test runs untranslated, so the labels are the source strings. */
static void
press_button_labelled (GtkWidget *root, const char *label)
{
  GtkWidget *button = find_button (root, label);

  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
}

static void
test_cancel (Fixture *f, gconstpointer data)
{
  AdwMessageDialog *question;

  go_to_documents (f);
  click (f, "next_button");
  type_into (f, "name_row", "Vũ Thị Lan");
  gtk_widget_activate_action (GTK_WIDGET (f->dialog), "receive.cancel", NULL);
  ui_test_iterate (50);
  g_assert_nonnull (f->dialog);   /* a question is asked instead */

  question = find_message_dialog ();
  g_assert_nonnull (question);
  press_button_labelled (GTK_WIDGET (question), "_Keep Editing");
  ui_test_iterate (50);
  g_assert_nonnull (f->dialog);
  g_assert_null (find_message_dialog ());

  gtk_widget_activate_action (GTK_WIDGET (f->dialog), "receive.cancel", NULL);
  ui_test_iterate (50);
  question = find_message_dialog ();
  g_assert_nonnull (question);
  press_button_labelled (GTK_WIDGET (question), "_Discard");
  ui_test_iterate (50);
  g_assert_null (f->dialog);
  g_assert_cmpuint (f->codes->len, ==, 0);

  open_dialog (f);
  gtk_widget_activate_action (GTK_WIDGET (f->dialog), "receive.cancel", NULL);
  ui_test_iterate (50);
  g_assert_null (f->dialog);
}

int
main (int argc, char **argv)
{
  /* Before anything reads the clock: codes and due dates depend on it. */
  g_setenv ("MOTCUA_NOW", TEST_NOW, TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  motcua_ui_register_resources ();
  /* Stacks and revealers finish at once, so the checks need not wait for animations. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  g_test_add ("/receive/complete", Fixture, NULL, fixture_set_up, test_receive_complete, fixture_tear_down);
  g_test_add ("/receive/request-supplement", Fixture, NULL, fixture_set_up, test_request_supplement, fixture_tear_down);
  g_test_add ("/receive/refuse", Fixture, NULL, fixture_set_up, test_refuse, fixture_tear_down);
  g_test_add ("/receive/scan-into-any-field", Fixture, NULL, fixture_set_up, test_scan_into_any_field, fixture_tear_down);
  g_test_add ("/receive/applicant-checks", Fixture, NULL, fixture_set_up, test_applicant_checks, fixture_tear_down);
  g_test_add ("/receive/search", Fixture, NULL, fixture_set_up, test_search, fixture_tear_down);
  g_test_add ("/receive/most-received-first", Fixture, NULL, fixture_set_up, test_most_received_first,
              fixture_tear_down);
  g_test_add ("/receive/cancel", Fixture, NULL, fixture_set_up, test_cancel, fixture_tear_down);
  return g_test_run ();
}
