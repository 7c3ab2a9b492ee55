/* motcua-slip-printer.c: slips to a printer or a PDF file through GtkPrintOperation. */

#include <glib/gi18n.h>
#include <adwaita.h>

#include "motcua-error.h"
#include "motcua-print-settings.h"
#include "motcua-slip-data.h"
#include "motcua-slip-printer.h"
#include "motcua-slip-template.h"

void
motcua_slip_choice_free (MotcuaSlipChoice *choice)
{
  g_free (choice->id);
  g_free (choice->name);
  g_free (choice);
}

GPtrArray *
motcua_slip_printer_list_forms (MotcuaStore *store, const char *code, GError **error)
{
  g_autoptr(MotcuaSlipSet) set = motcua_slip_set_load_for_store (store, NULL, NULL, error);
  g_autoptr(MotcuaSlipData) data = NULL;
  g_autoptr(GPtrArray) choices = g_ptr_array_new_with_free_func ((GDestroyNotify) motcua_slip_choice_free);
  const char * const *forms;

  if (set == NULL || (data = motcua_slip_data_new_for_dossier (store, set, code, NULL, error)) == NULL)
    return NULL;
  forms = motcua_slip_set_get_forms (set);
  for (guint i = 0; forms[i] != NULL; i++)
    {
      JsonObject *form = motcua_slip_set_get_form (set, forms[i]);
      MotcuaSlipChoice *choice;

      if (!g_str_equal (motcua_slip_set_get_form_scope (set, forms[i]), "dossier")
          || !motcua_slip_data_applies (data, json_object_get_string_member_with_default (form, "applies", "always")))
        continue;
      choice = g_new0 (MotcuaSlipChoice, 1);
      choice->id = g_strdup (forms[i]);
      choice->name = g_strdup (motcua_slip_set_get_form_name (set, forms[i]));
      g_ptr_array_add (choices, choice);
    }
  return g_steal_pointer (&choices);
}

MotcuaSlipDocument *
motcua_slip_printer_prepare (MotcuaStore *store, const char *code, const char *form, GError **error)
{
  g_autoptr(MotcuaSlipSet) set = motcua_slip_set_load_for_store (store, NULL, NULL, error);
  g_autoptr(MotcuaSlipData) data = NULL;

  if (set == NULL || (data = motcua_slip_data_new_for_dossier (store, set, code, NULL, error)) == NULL)
    return NULL;
  return motcua_slip_document_new (set, form, data, error);
}

MotcuaSlipDocument *
motcua_slip_printer_prepare_register (MotcuaStore *store, GDate *from, GDate *to, GError **error)
{
  g_autoptr(MotcuaSlipSet) set = motcua_slip_set_load_for_store (store, NULL, NULL, error);
  g_autoptr(MotcuaSlipData) data = NULL;
  const char *form;

  if (set == NULL)
    return NULL;
  if ((form = motcua_slip_set_get_register_form (set)) == NULL)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_NOT_FOUND,
                   _("The form set %s has no tracking register."), motcua_slip_set_get_id (set));
      return NULL;
    }
  if ((data = motcua_slip_data_new_for_register (store, set, from, to, NULL, error)) == NULL)
    return NULL;
  return motcua_slip_document_new (set, form, data, error);
}

/* ---- the print operation ------------------------------------------------------------- */

static void
begin_print (GtkPrintOperation *operation, GtkPrintContext *context, MotcuaSlipDocument *document)
{
  gtk_print_operation_set_n_pages (operation, motcua_slip_document_get_n_pages (document));
}

/* A register (Form 06) is printed in landscape, every slip in portrait. */
static void
request_page_setup (GtkPrintOperation *operation, GtkPrintContext *context, int page, GtkPageSetup *setup,
                    MotcuaSlipDocument *document)
{
  gtk_page_setup_set_orientation (setup, motcua_slip_document_is_landscape (document)
                                         ? GTK_PAGE_ORIENTATION_LANDSCAPE : GTK_PAGE_ORIENTATION_PORTRAIT);
}

static void
draw_page (GtkPrintOperation *operation, GtkPrintContext *context, int page, MotcuaSlipDocument *document)
{
  motcua_slip_document_draw_page (document, gtk_print_context_get_cairo_context (context), page);
}

static void
show_print_error (GtkWindow *parent, const GError *error)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, _("The Slip Was Not Printed"),
                                                                         error->message));

  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The printer and options chosen are what the next slip starts from. */
static void
on_done (GtkPrintOperation *operation, GtkPrintOperationResult result, GtkWindow *parent)
{
  g_autoptr(GError) error = NULL;

  if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      gtk_print_operation_get_error (operation, &error);
      if (error != NULL && parent != NULL)
        show_print_error (parent, error);
      return;
    }
  if (result == GTK_PRINT_OPERATION_RESULT_APPLY
      && !motcua_print_settings_save (gtk_print_operation_get_print_settings (operation), &error))
    g_message ("The print settings were not saved: %s", error->message);
}

static GtkPrintOperation *
new_operation (MotcuaSlipDocument *document)
{
  GtkPrintOperation *operation = gtk_print_operation_new ();
  g_autoptr(GtkPrintSettings) settings = motcua_print_settings_load ();
  g_autoptr(GtkPageSetup) setup = motcua_print_settings_load_page_setup ();
  g_autoptr(GtkPaperSize) a4 = gtk_paper_size_new (GTK_PAPER_NAME_A4);

  /* The office's page setup (chosen in Preferences), on A4 whatever it says: the
   * slips are A4 forms. */
  gtk_page_setup_set_paper_size (setup, a4);
  gtk_print_operation_set_default_page_setup (operation, setup);
  gtk_print_operation_set_print_settings (operation, settings);
  /* The slip's own margins are those of Decree 30/2020, measured from the paper's edge. */
  gtk_print_operation_set_use_full_page (operation, TRUE);
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_embed_page_setup (operation, TRUE);
  g_object_set_data_full (G_OBJECT (operation), "document", g_object_ref (document), g_object_unref);
  g_signal_connect (operation, "begin-print", G_CALLBACK (begin_print), document);
  g_signal_connect (operation, "request-page-setup", G_CALLBACK (request_page_setup), document);
  g_signal_connect (operation, "draw-page", G_CALLBACK (draw_page), document);
  return operation;
}

gboolean
motcua_slip_printer_run (GtkWindow *parent, MotcuaSlipDocument *document, GtkPrintOperationAction action,
                         const char *export_filename, GError **error)
{
  g_autoptr(GtkPrintOperation) operation = new_operation (document);
  GtkPrintOperationResult result;

  if (action == GTK_PRINT_OPERATION_ACTION_EXPORT)
    gtk_print_operation_set_export_filename (operation, export_filename);
  else
    {
      gtk_print_operation_set_allow_async (operation, TRUE);
      g_signal_connect (operation, "done", G_CALLBACK (on_done), parent);
    }
  result = gtk_print_operation_run (operation, action, parent, error);
  return result != GTK_PRINT_OPERATION_RESULT_ERROR;
}
