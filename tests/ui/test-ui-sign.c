/* test-ui-sign.c: a leader reviews and signs an approval in the real window, in Vietnamese.
 *
 * tests/pki-setup.sh makes a throwaway CA and a SoftHSM2 token; the profile trusts the
 * CA, so approving opens the signing dialog. The review queue ("Chờ lãnh đạo phê duyệt") shows
 * the dossier, its draft result opens in the viewer beside it, a wrong PIN is refused
 * with a clear message, the right one signs on the token (off the main thread), and
 * the journal shows the signer, the issuer and the verdict.
 */

#include <cairo-pdf.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "motcua-application.h"
#include "motcua-dossier-editor.h"
#include "motcua-dossier-list.h"
#include "motcua-pdf-view.h"
#include "motcua-queue-pane.h"
#include "motcua-sign-dialog.h"
#include "motcua-test-util.h"
#include "motcua-window.h"
#include "ui-test-util.h"

static char *pki_dir;

typedef struct {
  char           *dir;
  char           *db;
  char           *code;
  MotcuaStore    *store;
  GtkApplication *app;
  MotcuaWindow   *window;
} Fixture;

static void
cli_ok (Fixture *f, const char * const *args, char **out)
{
  g_autoptr(MotcuaTestCliResult) r = motcua_test_run_cli_env (NULL, f->db, args);

  if (!motcua_test_expect_status (r, 0, args[0]))
    g_error ("motcua %s failed: %s", args[0], r->err);
  if (out != NULL)
    *out = g_steal_pointer (&r->out);
}

static void
write_pdf (const char *path)
{
  cairo_surface_t *surface = cairo_pdf_surface_create (path, 595, 842);
  cairo_t *cr = cairo_create (surface);

  cairo_move_to (cr, 72, 100);
  cairo_show_text (cr, "Du thao ket qua");
  cairo_show_page (cr);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autofree char *ca = g_build_filename (pki_dir, "ca.pem", NULL);
  g_autofree char *draft = NULL;
  g_autofree char *json = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  f->dir = motcua_test_make_temp_dir ("motcua-ui-sign-XXXXXX");
  f->db = g_build_filename (f->dir, "office.db", NULL);
  draft = g_build_filename (f->dir, "du-thao.pdf", NULL);
  write_pdf (draft);
  cli_ok (f, (const char *[]) { "init", "--demo", NULL }, NULL);
  cli_ok (f, (const char *[]) { "trust", "add", ca, NULL }, NULL);
  cli_ok (f, (const char *[]) { "--json", "receive", "--procedure", "1.004194", "--applicant-name", "Đỗ Văn Hùng",
                                NULL }, &json);
  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  f->code = g_strdup (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "code"));
  cli_ok (f, (const char *[]) { "act", f->code, "transfer", "--to", "Công an xã", NULL }, NULL);
  cli_ok (f, (const char *[]) { "act", f->code, "examine", "--as", "specialist1", NULL }, NULL);
  cli_ok (f, (const char *[]) { "act", f->code, "draft", "--as", "specialist1", NULL }, NULL);
  cli_ok (f, (const char *[]) { "act", f->code, "attach", "--attach", draft, "--as", "specialist1", NULL }, NULL);
  cli_ok (f, (const char *[]) { "act", f->code, "submit", "--as", "specialist1", NULL }, NULL);

  /* The leader works at this workstation. */
  g_setenv ("MOTCUA_USER", "supervisor1", TRUE);
  f->store = motcua_store_open (f->db, &error);
  g_assert_no_error (error);
  f->window = MOTCUA_WINDOW (ui_test_open_window (f->store, "io.github.motcua.Desk.TestSign", &f->app));
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  ui_test_iterate (50);
  g_unsetenv ("MOTCUA_USER");
  g_clear_object (&f->store);
  g_clear_object (&f->app);
  motcua_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->db);
  g_free (f->code);
}

/* ---- what is on screen ---------------------------------------------------------------- */

static gboolean
has_label (GtkWidget *root, const char *text)
{
  if (!gtk_widget_get_mapped (root))
    return FALSE;
  if (GTK_IS_LABEL (root) && strstr (gtk_label_get_text (GTK_LABEL (root)), text) != NULL)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    if (has_label (child, text))
      return TRUE;
  return FALSE;
}

static MotcuaSignDialog *
find_sign_dialog (void)
{
  g_autoptr(GList) windows = gtk_window_list_toplevels ();

  for (GList *l = windows; l != NULL; l = l->next)
    if (MOTCUA_IS_SIGN_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

static gboolean
sign_dialog_shown (gpointer data)
{
  return find_sign_dialog () != NULL;
}

static gboolean
sign_dialog_gone (gpointer data)
{
  return find_sign_dialog () == NULL;
}

/* The certificates on the token, as the certificate row lists them. */
static gboolean
token_listed (gpointer dialog)
{
  AdwComboRow *row = ADW_COMBO_ROW (ui_test_find_by_id (dialog, "key_row"));
  GListModel *items = adw_combo_row_get_model (row);

  for (guint i = 0; items != NULL && i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (items, i);

      if (g_str_has_prefix (gtk_string_object_get_string (item), "Nguyễn Văn Lãnh (supervisor)"))
        return adw_combo_row_get_selected (row) == i
               || (adw_combo_row_set_selected (row, i), TRUE);
    }
  return FALSE;
}

static gboolean
not_busy (gpointer dialog)
{
  return !motcua_sign_dialog_is_busy (dialog);
}

static gboolean
queue_ready (gpointer pane)
{
  return motcua_queue_pane_is_populated (pane);
}

static gboolean
pdf_loaded (gpointer view)
{
  return motcua_pdf_view_get_loaded (view);
}

static gboolean
verdict_shown (gpointer editor)
{
  return has_label (editor, "Chữ ký hợp lệ");
}

static void
test_review_and_sign (Fixture *f, gconstpointer data)
{
  MotcuaQueuePane *queue = MOTCUA_QUEUE_PANE (motcua_window_get_queue_pane (f->window));
  GtkWidget *editor = motcua_window_get_editor (f->window);
  GtkWidget *viewer = motcua_window_get_pdf_view (f->window);
  MotcuaSignDialog *dialog;
  g_autoptr(MotcuaDossier) dossier = NULL;

  /* The review queue: what awaits the leader's approval, in Vietnamese. */
  motcua_queue_pane_set_filter (queue, MOTCUA_QUEUE_FILTER_APPROVAL);
  g_assert_true (ui_test_wait_until (queue_ready, queue, 5000));
  g_assert_true (has_label (GTK_WIDGET (queue), "Chờ phê duyệt"));
  g_assert_cmpint (motcua_queue_pane_get_filter_count (queue, MOTCUA_QUEUE_FILTER_APPROVAL), ==, 1);
  g_assert_true (motcua_queue_pane_select_code (queue, f->code));
  ui_test_iterate (100);

  /* The draft result opens beside the dossier. */
  g_assert_cmpstr (motcua_dossier_editor_get_code (MOTCUA_DOSSIER_EDITOR (editor)), ==, f->code);
  g_assert_true (ui_test_wait_until (pdf_loaded, viewer, 5000));
  g_assert_cmpint (motcua_pdf_view_get_n_pages (MOTCUA_PDF_VIEW (viewer)), ==, 1);

  /* Approving asks for the signature. */
  g_assert_true (motcua_dossier_editor_begin_action (MOTCUA_DOSSIER_EDITOR (editor), MOTCUA_ACTION_APPROVE));
  ui_test_iterate (50);
  gtk_widget_activate_action (editor, "editor.confirm", NULL);
  g_assert_true (ui_test_wait_until (sign_dialog_shown, NULL, 3000));
  dialog = find_sign_dialog ();
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (dialog)), ==, "Ký duyệt");
  /* It names the document signed as the result. */
  g_assert_true (has_label (GTK_WIDGET (dialog), "dự thảo kết quả “du-thao.pdf”"));
  g_assert_true (ui_test_wait_until (token_listed, dialog, 10000));

  /* A wrong PIN: refused, said plainly, nothing saved. */
  motcua_sign_dialog_set_pin (dialog, "000000");
  motcua_sign_dialog_sign (dialog);
  g_assert_true (motcua_sign_dialog_is_busy (dialog));
  g_assert_true (ui_test_wait_until (not_busy, dialog, 10000));
  g_assert_nonnull (motcua_sign_dialog_get_error (dialog));
  g_test_message ("wrong PIN: %s", motcua_sign_dialog_get_error (dialog));
  g_assert_nonnull (strstr (motcua_sign_dialog_get_error (dialog), "Mã PIN không đúng"));
  dossier = motcua_store_get_dossier (f->store, f->code, NULL);
  g_assert_cmpuint (motcua_dossier_get_event_count (dossier), ==, 6);
  g_clear_object (&dossier);

  /* The right PIN signs on the token; the dialog closes. */
  motcua_sign_dialog_set_pin (dialog, "123456");
  motcua_sign_dialog_sign (dialog);
  g_assert_true (ui_test_wait_until (sign_dialog_gone, NULL, 10000));
  dossier = motcua_store_get_dossier (f->store, f->code, NULL);
  g_assert_cmpuint (motcua_dossier_get_event_count (dossier), ==, 7);
  g_assert_cmpint (motcua_dossier_get_step (dossier), ==, MOTCUA_STEP_APPROVED);

  /* The journal: signer, issuer, time and the verdict. */
  g_assert_true (ui_test_wait_until (verdict_shown, editor, 3000));
  g_assert_true (has_label (editor, "Người ký: Nguyễn Văn Lãnh (supervisor)"));
  g_assert_true (has_label (editor, "Tổ chức cấp: CN=CA Thử nghiệm Một cửa"));
  g_assert_true (has_label (editor, "Thời điểm ký: "));
}

/* A leader without a token signs with a .p12 file; a wrong password is said plainly. */
static void
test_key_file (Fixture *f, gconstpointer data)
{
  GtkWidget *editor = motcua_window_get_editor (f->window);
  g_autofree char *p12 = g_build_filename (pki_dir, "supervisor.p12", NULL);
  g_autoptr(MotcuaDossier) dossier = NULL;
  MotcuaSignDialog *dialog;

  motcua_window_open_dossier (f->window, f->code);
  ui_test_iterate (100);
  g_assert_true (motcua_dossier_editor_begin_action (MOTCUA_DOSSIER_EDITOR (editor), MOTCUA_ACTION_APPROVE));
  ui_test_iterate (50);
  gtk_widget_activate_action (editor, "editor.confirm", NULL);
  g_assert_true (ui_test_wait_until (sign_dialog_shown, NULL, 3000));
  dialog = find_sign_dialog ();
  motcua_sign_dialog_set_key_file (dialog, p12);

  motcua_sign_dialog_set_pin (dialog, "sai-mat-khau");
  motcua_sign_dialog_sign (dialog);
  g_assert_true (ui_test_wait_until (not_busy, dialog, 10000));
  g_assert_cmpstr (motcua_sign_dialog_get_error (dialog), ==, "Mật khẩu của tệp khóa không đúng.");

  motcua_sign_dialog_set_pin (dialog, "matkhau");
  motcua_sign_dialog_sign (dialog);
  g_assert_true (ui_test_wait_until (sign_dialog_gone, NULL, 10000));
  dossier = motcua_store_get_dossier (f->store, f->code, NULL);
  g_assert_cmpint (motcua_dossier_get_step (dossier), ==, MOTCUA_STEP_APPROVED);
  g_assert_true (ui_test_wait_until (verdict_shown, editor, 3000));
}

/* A dossier submitted without a drafted document: no draft opens, and the leader is told
 * before signing that no draft result is attached. */
static void
test_no_draft_said (Fixture *f, gconstpointer data)
{
  GtkWidget *editor = motcua_window_get_editor (f->window);
  g_autofree char *json = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *scan = g_build_filename (f->dir, "don-de-nghi.pdf", NULL);
  const char *code;
  MotcuaSignDialog *dialog;

  /* The citizen's request form, scanned at the counter: the dossier's only attachment. */
  write_pdf (scan);
  cli_ok (f, (const char *[]) { "--json", "receive", "--procedure", "1.004194", "--applicant-name", "Lường Thị Xuân",
                                "--attach", scan, NULL }, &json);
  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  code = json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "code");
  cli_ok (f, (const char *[]) { "act", code, "transfer", "--to", "Công an xã", NULL }, NULL);
  cli_ok (f, (const char *[]) { "act", code, "examine", "--as", "specialist1", NULL }, NULL);
  cli_ok (f, (const char *[]) { "act", code, "draft", "--as", "specialist1", NULL }, NULL);
  cli_ok (f, (const char *[]) { "act", code, "submit", "--as", "specialist1", NULL }, NULL);

  motcua_window_open_dossier (f->window, code);
  ui_test_iterate (200);
  g_assert_cmpstr (motcua_dossier_editor_get_code (MOTCUA_DOSSIER_EDITOR (editor)), ==, code);
  /* The viewer may show the scan, as it does for any dossier, but not as the draft:
   * the scan is not selected for the leader as the thing to approve. */
  g_assert_false (motcua_dossier_editor_open_result (MOTCUA_DOSSIER_EDITOR (editor)));
  g_assert_true (motcua_dossier_editor_begin_action (MOTCUA_DOSSIER_EDITOR (editor), MOTCUA_ACTION_APPROVE));
  ui_test_iterate (50);
  gtk_widget_activate_action (editor, "editor.confirm", NULL);
  g_assert_true (ui_test_wait_until (sign_dialog_shown, NULL, 3000));
  dialog = find_sign_dialog ();
  g_assert_true (has_label (GTK_WIDGET (dialog), "Chưa có dự thảo kết quả nào được đính kèm"));
  gtk_window_destroy (GTK_WINDOW (dialog));
  ui_test_iterate (50);
}

int
main (int argc, char **argv)
{
  g_autoptr(GSettings) settings = NULL;
  int result;

  ui_test_init_vietnamese (&argc, &argv);
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  pki_dir = motcua_test_pki_setup ();
  /* The office's token module, as the administrator sets it. */
  settings = g_settings_new ("io.github.motcua.Desk");
  g_settings_set_string (settings, "pkcs11-module", motcua_test_softhsm_module ());

  g_test_add ("/ui/sign/review-and-sign", Fixture, NULL, fixture_set_up, test_review_and_sign, fixture_tear_down);
  g_test_add ("/ui/sign/key-file", Fixture, NULL, fixture_set_up, test_key_file, fixture_tear_down);
  g_test_add ("/ui/sign/no-draft-said", Fixture, NULL, fixture_set_up, test_no_draft_said, fixture_tear_down);
  result = g_test_run ();
  motcua_test_remove_tree (pki_dir);
  return result;
}
