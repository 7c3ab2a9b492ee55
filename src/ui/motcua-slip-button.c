/* motcua-slip-button.c: a dossier's "Print slip" menu. */

#include <glib/gi18n.h>

#include "motcua-slip-button.h"
#include "motcua-slip-printer.h"

struct _MotcuaSlipButton
{
  GtkWidget            parent_instance;

  GtkMenuButton       *button;
  MotcuaStore         *store;
  char                *code;
  GPtrArray           *choices;     /* MotcuaSlipChoice */
  GtkFileChooserNative *chooser;
};

G_DEFINE_FINAL_TYPE (MotcuaSlipButton, motcua_slip_button, GTK_TYPE_WIDGET)

static void
rebuild_menu (MotcuaSlipButton *self)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) print = g_menu_new ();
  g_autoptr(GMenu) save = g_menu_new ();

  for (guint i = 0; self->choices != NULL && i < self->choices->len; i++)
    {
      MotcuaSlipChoice *choice = g_ptr_array_index (self->choices, i);
      /* Translators: "Form 01 – Giấy tiếp nhận hồ sơ…"; the form's name is Vietnamese. */
      g_autofree char *label = g_strdup_printf (_("Form %s – %s"), choice->id, choice->name);
      g_autofree char *save_label = g_strdup_printf (_("Form %s as PDF…"), choice->id);
      g_autofree char *print_action = g_strdup_printf ("slip.print('%s')", choice->id);
      g_autofree char *save_action = g_strdup_printf ("slip.save('%s')", choice->id);

      g_menu_append (print, label, print_action);
      g_menu_append (save, save_label, save_action);
    }
  g_menu_append_section (menu, _("Print"), G_MENU_MODEL (print));
  g_menu_append_section (menu, _("Save as PDF"), G_MENU_MODEL (save));
  gtk_menu_button_set_menu_model (self->button, G_MENU_MODEL (menu));
  gtk_widget_set_sensitive (GTK_WIDGET (self->button), self->choices != NULL && self->choices->len > 0);
}

void
motcua_slip_button_set_dossier (MotcuaSlipButton *self, MotcuaStore *store, const char *code)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (MOTCUA_IS_SLIP_BUTTON (self));

  g_set_object (&self->store, store);
  g_free (self->code);
  self->code = g_strdup (code);
  g_clear_pointer (&self->choices, g_ptr_array_unref);
  if (store != NULL && code != NULL)
    {
      self->choices = motcua_slip_printer_list_forms (store, code, &error);
      /* A broken template set is the province's to fix: say it where it matters. */
      if (self->choices == NULL)
        gtk_widget_set_tooltip_text (GTK_WIDGET (self->button), error->message);
      else
        gtk_widget_set_tooltip_text (GTK_WIDGET (self->button), _("Print a slip"));
    }
  rebuild_menu (self);
}

GStrv
motcua_slip_button_get_forms (MotcuaSlipButton *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; self->choices != NULL && i < self->choices->len; i++)
    g_strv_builder_add (builder, ((MotcuaSlipChoice *) g_ptr_array_index (self->choices, i))->id);
  return g_strv_builder_end (builder);
}

static GtkWindow *
parent_window (MotcuaSlipButton *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static gboolean
run (MotcuaSlipButton *self, const char *form, GtkPrintOperationAction action, const char *path, GError **error)
{
  g_autoptr(MotcuaSlipDocument) document = NULL;

  if (self->store == NULL || self->code == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("No dossier is shown."));
      return FALSE;
    }
  document = motcua_slip_printer_prepare (self->store, self->code, form, error);
  return document != NULL && motcua_slip_printer_run (parent_window (self), document, action, path, error);
}

gboolean
motcua_slip_button_export (MotcuaSlipButton *self, const char *form, const char *path, GError **error)
{
  return run (self, form, GTK_PRINT_OPERATION_ACTION_EXPORT, path, error);
}

static void
report (MotcuaSlipButton *self, const GError *error)
{
  g_autofree char *message = g_strdup_printf (_("The slip could not be made: %s"), error->message);

  /* The editor shows outcomes as toasts; the tooltip keeps it for a later look. */
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->button), message);
  g_message ("%s", message);
}

static void
print_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  MotcuaSlipButton *self = MOTCUA_SLIP_BUTTON (widget);
  g_autoptr(GError) error = NULL;

  if (!run (self, g_variant_get_string (parameter, NULL), GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG, NULL, &error))
    report (self, error);
}

static void
on_save_response (GtkNativeDialog *dialog, int response, MotcuaSlipButton *self)
{
  g_autofree char *form = g_strdup (g_object_get_data (G_OBJECT (dialog), "form"));
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      path = file ? g_file_get_path (file) : NULL;
    }
  g_clear_object (&self->chooser);
  if (path != NULL && !motcua_slip_button_export (self, form, path, &error))
    report (self, error);
}

static void
save_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  MotcuaSlipButton *self = MOTCUA_SLIP_BUTTON (widget);
  const char *form = g_variant_get_string (parameter, NULL);
  g_autofree char *suggested = g_strdup_printf ("%s-mau-%s.pdf", self->code ? self->code : "phieu", form);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Save the Slip as PDF"), parent_window (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("PDF documents"));
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), suggested);
  g_object_set_data_full (G_OBJECT (self->chooser), "form", g_strdup (form), g_free);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_save_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
motcua_slip_button_dispose (GObject *object)
{
  MotcuaSlipButton *self = MOTCUA_SLIP_BUTTON (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  if (self->button != NULL)
    {
      gtk_widget_unparent (GTK_WIDGET (self->button));
      self->button = NULL;
    }
  g_clear_object (&self->store);
  g_clear_pointer (&self->code, g_free);
  g_clear_pointer (&self->choices, g_ptr_array_unref);
  G_OBJECT_CLASS (motcua_slip_button_parent_class)->dispose (object);
}

static void
motcua_slip_button_class_init (MotcuaSlipButtonClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = motcua_slip_button_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_install_action (widget_class, "slip.print", "s", print_action);
  gtk_widget_class_install_action (widget_class, "slip.save", "s", save_action);
}

static void
motcua_slip_button_init (MotcuaSlipButton *self)
{
  self->button = GTK_MENU_BUTTON (gtk_menu_button_new ());
  gtk_menu_button_set_icon_name (self->button, "document-print-symbolic");
  gtk_widget_set_valign (GTK_WIDGET (self->button), GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (GTK_WIDGET (self->button), "flat");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->button), _("Print a slip"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Print a slip"), -1);
  gtk_widget_set_parent (GTK_WIDGET (self->button), GTK_WIDGET (self));
  rebuild_menu (self);
}

GtkWidget *
motcua_slip_button_new (void)
{
  return g_object_new (MOTCUA_TYPE_SLIP_BUTTON, NULL);
}

gboolean
motcua_slip_button_popup (MotcuaSlipButton *self)
{
  g_return_val_if_fail (MOTCUA_IS_SLIP_BUTTON (self), FALSE);
  if (!gtk_widget_is_sensitive (GTK_WIDGET (self->button)) || !gtk_widget_get_mapped (GTK_WIDGET (self->button)))
    return FALSE;
  gtk_menu_button_popup (self->button);
  return TRUE;
}
