/* test-ui-print.c: printing slips from the dossier editor, in a real window.
 *
 * There is no printer here, so the print operation is run with its export action: the
 * same GtkPrintOperation, page setup and drawing the print dialog uses, written to a PDF
 * that poppler reads back. The print settings file is a real key file in a private
 * configuration directory.
 */

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <poppler.h>

#include "motcua-application.h"
#include "motcua-dossier-editor.h"
#include "motcua-print-settings.h"
#include "motcua-slip-button.h"
#include "motcua-test-util.h"
#include "ui-test-util.h"

#define TEST_NOW "2026-11-23T09:00:00+07:00"

typedef struct {
  char                *dir;
  char                *db;
  MotcuaStore         *store;
  GtkWindow           *window;
  MotcuaDossierEditor *editor;
  char                *code;
} Fixture;

static char *
run_cli_json_code (Fixture *f, const char * const *args)
{
  g_autoptr(MotcuaTestCliResult) result = motcua_test_run_cli_env (NULL, f->db, args);
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (motcua_test_expect_status (result, 0, args[1]));
  if (!json_parser_load_from_data (parser, result->out, -1, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  return g_strdup (json_object_get_string_member_with_default (json_node_get_object (json_parser_get_root (parser)),
                                                               "code", NULL));
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  const char *init[] = { "--json", "init", "--demo", NULL };
  const char *receive[] = { "--json", "receive", "--procedure", "1.004873",
                            "--applicant-name", "Phạm Thị Thu Trang", "--id-number", "038190001234",
                            "--phone", "0912345678", "--address", "Thôn Đông, xã Quảng Phú",
                            "--documents", "1,3", NULL };
  g_autoptr(GError) error = NULL;

  f->dir = motcua_test_make_temp_dir ("motcua-ui-print-XXXXXX");
  f->db = g_build_filename (f->dir, "motcua.db", NULL);
  g_free (run_cli_json_code (f, init));
  f->code = run_cli_json_code (f, receive);
  g_assert_nonnull (f->code);
  f->store = motcua_store_open (f->db, &error);
  g_assert_no_error (error);

  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 640, 740);
  f->editor = MOTCUA_DOSSIER_EDITOR (motcua_dossier_editor_new ());
  gtk_window_set_child (f->window, GTK_WIDGET (f->editor));
  motcua_dossier_editor_set_store (f->editor, f->store);
  gtk_window_present (f->window);
  motcua_dossier_editor_show_dossier (f->editor, f->code);
  ui_test_iterate (50);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (f->window);
  ui_test_iterate (20);
  g_clear_object (&f->store);
  motcua_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->db);
  g_free (f->code);
}

static MotcuaSlipButton *
slip_button (Fixture *f)
{
  GtkWidget *button = ui_test_find_by_id (GTK_WIDGET (f->window), "slip_button");

  g_assert_nonnull (button);
  g_assert_true (MOTCUA_IS_SLIP_BUTTON (button));
  return MOTCUA_SLIP_BUTTON (button);
}

/* Whether the menu offers @action with target @form. */
static gboolean
menu_offers (GMenuModel *model, const char *action, const char *form)
{
  for (int i = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (model, i, G_MENU_LINK_SECTION);
      g_autofree char *name = NULL;
      g_autoptr(GVariant) target = NULL;

      if (section != NULL && menu_offers (section, action, form))
        return TRUE;
      if (g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_ACTION, "s", &name)
          && g_str_equal (name, action)
          && (target = g_menu_model_get_item_attribute_value (model, i, G_MENU_ATTRIBUTE_TARGET,
                                                              G_VARIANT_TYPE_STRING)) != NULL
          && g_str_equal (g_variant_get_string (target, NULL), form))
        return TRUE;
    }
  return FALSE;
}

static GtkMenuButton *
menu_button (MotcuaSlipButton *button)
{
  GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (button));

  g_assert_true (GTK_IS_MENU_BUTTON (child));
  return GTK_MENU_BUTTON (child);
}

/* A received dossier offers its receipt and its process-control slip, nothing else. */
static void
test_menu (Fixture *f, gconstpointer data)
{
  MotcuaSlipButton *button = slip_button (f);
  g_auto(GStrv) forms = motcua_slip_button_get_forms (button);
  GMenuModel *model = gtk_menu_button_get_menu_model (menu_button (button));
  const char *label = NULL;

  g_assert_true (g_strv_contains ((const char * const *) forms, "01"));
  g_assert_true (g_strv_contains ((const char * const *) forms, "05"));
  g_assert_false (g_strv_contains ((const char * const *) forms, "02"));
  g_assert_false (g_strv_contains ((const char * const *) forms, "03"));
  g_assert_false (g_strv_contains ((const char * const *) forms, "06"));
  g_assert_true (menu_offers (model, "slip.print", "01"));
  g_assert_true (menu_offers (model, "slip.save", "01"));
  g_assert_true (menu_offers (model, "slip.print", "05"));
  g_assert_false (menu_offers (model, "slip.print", "03"));
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (menu_button (button))));
  /* The button has a name for screen readers. */
  label = gtk_widget_get_tooltip_text (GTK_WIDGET (menu_button (button)));
  g_assert_cmpstr (label, ==, "Print a slip");

  /* Ctrl+P's way in: the menu opens, for the arrow keys to choose. */
  g_assert_true (motcua_dossier_editor_show_print_menu (f->editor));
  ui_test_iterate (50);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (gtk_menu_button_get_popover (menu_button (button)))));
  gtk_menu_button_popdown (menu_button (button));
  ui_test_iterate (20);

  /* No dossier, nothing to print. */
  motcua_slip_button_set_dossier (button, f->store, NULL);
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (menu_button (button))));
  g_assert_false (motcua_dossier_editor_show_print_menu (f->editor));
}

static char *
pdf_text (const char *path, double *width, double *height, int *n_pages)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
  PopplerDocument *document = poppler_document_new_from_file (uri, NULL, &error);
  PopplerPage *page;
  char *text;

  g_assert_no_error (error);
  *n_pages = poppler_document_get_n_pages (document);
  page = poppler_document_get_page (document, 0);
  poppler_page_get_size (page, width, height);
  text = poppler_page_get_text (page);
  g_object_unref (page);
  g_object_unref (document);
  return text;
}

/* "Save as PDF" runs the print operation with its export file. */
static void
test_export (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "phieu-01.pdf", NULL);
  g_autofree char *control = g_build_filename (f->dir, "phieu-05.pdf", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *control_text = NULL;
  double width, height;
  int n_pages;

  g_assert_true (motcua_slip_button_export (slip_button (f), "01", path, &error));
  g_assert_no_error (error);
  text = pdf_text (path, &width, &height, &n_pages);
  g_assert_cmpint (n_pages, ==, 1);
  /* A4 portrait, in points. */
  g_assert_cmpfloat (fabs (width - 595.3), <, 1.5);
  g_assert_cmpfloat (fabs (height - 841.9), <, 1.5);
  g_assert_nonnull (strstr (text, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"));
  g_assert_nonnull (strstr (text, f->code));
  g_assert_nonnull (strstr (text, "Phạm Thị Thu Trang"));
  g_assert_nonnull (strstr (text, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));

  g_assert_true (motcua_slip_button_export (slip_button (f), "05", control, &error));
  g_assert_no_error (error);
  control_text = pdf_text (control, &width, &height, &n_pages);
  g_assert_nonnull (strstr (control_text, "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"));

  /* A form the set does not have is refused with a message, and nothing is written. */
  g_assert_false (motcua_slip_button_export (slip_button (f), "09", path, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "09"));
}

/* The settings the print dialog saves are read back next time; a damaged file is ignored. */
static void
test_print_settings (Fixture *f, gconstpointer data)
{
  g_autofree char *path = motcua_print_settings_get_path ();
  g_autofree char *expected = g_build_filename (g_get_user_config_dir (), "motcua", "print-settings.ini", NULL);
  g_autoptr(GtkPrintSettings) settings = gtk_print_settings_new ();
  g_autoptr(GtkPrintSettings) loaded = NULL;
  g_autoptr(GtkPrintSettings) fresh = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (path, ==, expected);
  gtk_print_settings_set_printer (settings, "Máy in Bộ phận Một cửa");
  gtk_print_settings_set_n_copies (settings, 2);
  g_assert_true (motcua_print_settings_save (settings, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  loaded = motcua_print_settings_load ();
  g_assert_cmpstr (gtk_print_settings_get_printer (loaded), ==, "Máy in Bộ phận Một cửa");
  g_assert_cmpint (gtk_print_settings_get_n_copies (loaded), ==, 2);

  motcua_test_write_file (path, "[Print Settings\nprinter=", -1);
  fresh = motcua_print_settings_load ();
  g_assert_nonnull (fresh);
  g_assert_null (gtk_print_settings_get_printer (fresh));
  g_assert_cmpint (g_unlink (path), ==, 0);
}

static void
act_cli (Fixture *f, const char *action, const char *as)
{
  const char *args[] = { "act", f->code, action, "--to", "Công chức Tư pháp - Hộ tịch", "--as", as, NULL };
  g_autoptr(MotcuaTestCliResult) result = motcua_test_run_cli_env (NULL, f->db, args);

  g_assert_true (motcua_test_expect_status (result, 0, action));
}

static void
set_field (Fixture *f, const char *name, const char *text)
{
  GtkWidget *widget = motcua_dossier_editor_get_field (f->editor, name);

  g_assert_nonnull (widget);
  gtk_editable_set_text (GTK_EDITABLE (widget), text);
}

/* The return form: someone other than the applicant needs an authorisation, kept in the
 * journal; a refusal leaves the dossier as it was and says why. */
static void
test_return_form (Fixture *f, gconstpointer data)
{
  g_autoptr(MotcuaDossier) dossier = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(JsonObject) payload = NULL;
  GtkWidget *error_label;

  act_cli (f, "transfer", "clerk1");
  act_cli (f, "examine", "specialist1");
  act_cli (f, "draft", "specialist1");
  act_cli (f, "submit", "specialist1");
  act_cli (f, "approve", "supervisor1");
  act_cli (f, "result-ready", "specialist1");
  motcua_dossier_editor_show_dossier (f->editor, f->code);
  ui_test_iterate (50);

  g_assert_true (motcua_dossier_editor_begin_action (f->editor, MOTCUA_ACTION_RETURN));
  ui_test_iterate (50);
  g_assert_nonnull (motcua_dossier_editor_get_field (f->editor, "authorization"));
  g_assert_nonnull (motcua_dossier_editor_get_field (f->editor, "postal_address"));
  g_assert_nonnull (motcua_dossier_editor_get_field (f->editor, "electronic_address"));
  set_field (f, "recipient_name", "Giàng Thị Mỷ");
  set_field (f, "recipient_id_number", "011190009876");
  gtk_widget_activate_action (GTK_WIDGET (f->editor), "editor.confirm", NULL);
  ui_test_iterate (50);
  error_label = ui_test_find_by_id (GTK_WIDGET (f->window), "form_error");
  g_assert_nonnull (error_label);
  g_assert_true (gtk_widget_get_visible (error_label));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (error_label)), "authorisation"));
  dossier = motcua_store_get_dossier (f->store, f->code, NULL);
  g_assert_cmpint (motcua_dossier_get_status (dossier), ==, MOTCUA_STATUS_RESULT_READY);
  g_clear_object (&dossier);

  set_field (f, "authorization", "Giấy ủy quyền số 21/UQ");
  gtk_widget_activate_action (GTK_WIDGET (f->editor), "editor.confirm", NULL);
  ui_test_iterate (50);
  dossier = motcua_store_get_dossier (f->store, f->code, NULL);
  g_assert_cmpint (motcua_dossier_get_status (dossier), ==, MOTCUA_STATUS_RETURNED);
  events = motcua_store_get_events (f->store, motcua_dossier_get_uid (dossier), NULL);
  payload = motcua_event_parse_payload (g_ptr_array_index (events, events->len - 1), NULL);
  g_assert_cmpstr (json_object_get_string_member (payload, "authorization"), ==, "Giấy ủy quyền số 21/UQ");
  g_assert_cmpstr (json_object_get_string_member (payload, "recipient_name"), ==, "Giàng Thị Mỷ");
}

int
main (int argc, char **argv)
{
  g_autofree char *config = motcua_test_make_temp_dir ("motcua-ui-print-config-XXXXXX");
  int status;

  /* The print settings file goes to a private configuration directory. */
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("MOTCUA_NOW", TEST_NOW, TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  motcua_ui_register_resources ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

#define ADD(path, func) g_test_add ("/print/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("menu", test_menu);
  ADD ("export", test_export);
  ADD ("print-settings", test_print_settings);
  ADD ("return-form", test_return_form);
#undef ADD
  status = g_test_run ();
  motcua_test_remove_tree (config);
  return status;
}
