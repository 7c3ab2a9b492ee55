/* motcua-sign-dialog.c: choosing the key, the PIN, and signing off the main thread. */

#include <glib/gi18n.h>
#include <string.h>

#include "motcua-error.h"
#include "motcua-focus.h"
#include "motcua-sign-dialog.h"
#include "motcua-signer.h"

struct _MotcuaSignDialog
{
  AdwWindow       parent_instance;

  /* Template widgets */
  GtkLabel       *intro_label;
  AdwComboRow    *key_row;
  AdwActionRow   *file_row;
  GtkButton      *file_button;
  AdwEntryRow    *pin_row;
  GtkLabel       *error_label;
  GtkBox         *progress_box;
  GtkSpinner     *spinner;
  GtkButton      *sign_button;
  GtkButton      *cancel_button;

  /* Owned */
  MotcuaStore    *store;
  char           *code;
  char           *note;
  char           *module;         /* GSettings "pkcs11-module"; NULL: p11-kit's */
  GPtrArray      *uris;           /* one per key_row item; NULL for the key file item */
  char           *key_file;
  GtkNativeDialog *chooser;
  GCancellable   *cancellable;
  gboolean        busy;
};

G_DEFINE_FINAL_TYPE (MotcuaSignDialog, motcua_sign_dialog, ADW_TYPE_WINDOW)

enum {
  APPROVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- the choice of key ------------------------------------------------------------------ */

static gboolean
file_chosen (MotcuaSignDialog *self)
{
  guint selected = adw_combo_row_get_selected (self->key_row);

  return selected >= self->uris->len || g_ptr_array_index (self->uris, selected) == NULL;
}

static void
on_key_selected (MotcuaSignDialog *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->file_row), file_chosen (self));
}

/* The token certificates, then "a key file". */
static void
fill_keys (MotcuaSignDialog *self, GPtrArray *certificates)
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);

  g_ptr_array_set_size (self->uris, 0);
  for (guint i = 0; certificates != NULL && i < certificates->len; i++)
    {
      MotcuaTokenCertificate *certificate = g_ptr_array_index (certificates, i);
      g_autofree char *label = g_strdup_printf ("%s (%s)", certificate->common_name, certificate->token);

      gtk_string_list_append (labels, label);
      g_ptr_array_add (self->uris, g_strdup (certificate->uri));
    }
  gtk_string_list_append (labels, _("Key file (.p12)"));
  g_ptr_array_add (self->uris, NULL);
  adw_combo_row_set_model (self->key_row, G_LIST_MODEL (labels));
  /* A key file chosen while the tokens were being listed stays chosen. */
  adw_combo_row_set_selected (self->key_row, self->key_file != NULL ? self->uris->len - 1 : 0);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->key_row),
                               self->uris->len > 1 ? _("On the token") : _("No token found: choose a key file"));
  on_key_selected (self);
}

static void
list_in_thread (GTask *task, gpointer source, gpointer module, GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *certificates = motcua_signer_list_token_certificates (module, &error);

  if (certificates == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, certificates, (GDestroyNotify) g_ptr_array_unref);
}

static void
listed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GPtrArray) certificates = g_task_propagate_pointer (G_TASK (result), NULL);

  /* The dialog may be gone: the task holds it until now. */
  fill_keys (MOTCUA_SIGN_DIALOG (source), certificates);
}

static void
list_token_certificates (MotcuaSignDialog *self)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, listed, NULL);

  g_task_set_task_data (task, g_strdup (self->module), g_free);
  g_task_run_in_thread (task, list_in_thread);
}

void
motcua_sign_dialog_set_key_file (MotcuaSignDialog *self, const char *path)
{
  g_autofree char *name = NULL;

  g_return_if_fail (MOTCUA_IS_SIGN_DIALOG (self));
  g_free (self->key_file);
  self->key_file = g_strdup (path);
  name = path ? g_path_get_basename (path) : NULL;
  adw_action_row_set_subtitle (self->file_row, name ? name : _("No file chosen"));
  adw_combo_row_set_selected (self->key_row, self->uris->len > 0 ? self->uris->len - 1 : 0);
  on_key_selected (self);
}

static void
on_chooser_response (GtkNativeDialog *chooser, int response, MotcuaSignDialog *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;

      if (path != NULL)
        motcua_sign_dialog_set_key_file (self, path);
    }
  g_clear_object (&self->chooser);
  gtk_widget_grab_focus (GTK_WIDGET (self->pin_row));
}

static void
on_choose_file (MotcuaSignDialog *self)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;
  chooser = gtk_file_chooser_native_new (_("Choose the Key File"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("PKCS#12 key files"));
  gtk_file_filter_add_pattern (filter, "*.p12");
  gtk_file_filter_add_pattern (filter, "*.pfx");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  self->chooser = GTK_NATIVE_DIALOG (chooser);
  g_signal_connect (chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (self->chooser);
}

/* ---- signing --------------------------------------------------------------------------- */

typedef struct {
  char *db_path;
  char *code;
  char *note;
  char *signer;
  char *module;
  char *pin;
} SignJob;

static void
sign_job_free (SignJob *job)
{
  g_free (job->db_path);
  g_free (job->code);
  g_free (job->note);
  g_free (job->signer);
  g_free (job->module);
  if (job->pin != NULL)
    memset (job->pin, 0, strlen (job->pin));
  g_free (job->pin);
  g_free (job);
}

/* The token may take seconds: the key is opened, the approval signed and saved here, on
 * a connection of this thread's own (SQLite serialises it with the window's). */
static void
sign_in_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  SignJob *job = data;
  GError *error = NULL;
  g_autoptr(MotcuaSigner) signer = motcua_signer_open (job->signer, job->module, job->pin, &error);
  g_autoptr(MotcuaStore) store = NULL;
  g_autoptr(MotcuaDossier) dossier = NULL;
  MotcuaActionRequest request = { .note = job->note };

  if (signer == NULL || (store = motcua_store_open (job->db_path, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  request.signer = signer;
  dossier = motcua_store_act (store, job->code, MOTCUA_ACTION_APPROVE, &request, &error);
  if (dossier == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
set_busy (MotcuaSignDialog *self, gboolean busy)
{
  self->busy = busy;
  /* Focus leaves the fields first: a focused entry made insensitive never hears it left. */
  if (busy)
    gtk_window_set_focus (GTK_WINDOW (self), NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_box), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->sign_button), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->key_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->file_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->pin_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->cancel_button), !busy);
}

static void
show_error (MotcuaSignDialog *self, const char *message)
{
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
  if (message != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->pin_row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message, -1);
}

static void
signed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  MotcuaSignDialog *self = MOTCUA_SIGN_DIALOG (source);
  g_autoptr(GError) error = NULL;

  set_busy (self, FALSE);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      show_error (self, error->message);
      /* A refused PIN is typed again, not corrected: the field starts empty. */
      if (g_error_matches (error, MOTCUA_ERROR, MOTCUA_ERROR_WRONG_PIN))
        gtk_editable_set_text (GTK_EDITABLE (self->pin_row), "");
      gtk_widget_grab_focus (GTK_WIDGET (self->pin_row));
      return;
    }
  g_signal_emit (self, signals[APPROVED], 0, self->code);
  gtk_window_destroy (GTK_WINDOW (self));
}

void
motcua_sign_dialog_sign (MotcuaSignDialog *self)
{
  g_autoptr(GTask) task = NULL;
  SignJob *job;
  const char *signer;

  g_return_if_fail (MOTCUA_IS_SIGN_DIALOG (self));
  if (self->busy)
    return;
  signer = file_chosen (self) ? self->key_file : g_ptr_array_index (self->uris, adw_combo_row_get_selected (self->key_row));
  if (signer == NULL)
    {
      show_error (self, _("Choose the certificate on the token, or the key file."));
      return;
    }
  if (*gtk_editable_get_text (GTK_EDITABLE (self->pin_row)) == '\0')
    {
      show_error (self, _("Enter the token's PIN (or the key file's password)."));
      gtk_widget_grab_focus (GTK_WIDGET (self->pin_row));
      return;
    }

  job = g_new0 (SignJob, 1);
  job->db_path = g_strdup (motcua_store_get_path (self->store));
  job->code = g_strdup (self->code);
  job->note = g_strdup (self->note);
  job->signer = g_strdup (signer);
  job->module = g_strdup (self->module);
  job->pin = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->pin_row)));
  show_error (self, NULL);
  set_busy (self, TRUE);
  task = g_task_new (self, NULL, signed_cb, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) sign_job_free);
  g_task_run_in_thread (task, sign_in_thread);
}

static void
on_sign_clicked (MotcuaSignDialog *self)
{
  motcua_sign_dialog_sign (self);
}

void
motcua_sign_dialog_set_pin (MotcuaSignDialog *self, const char *pin)
{
  g_return_if_fail (MOTCUA_IS_SIGN_DIALOG (self));
  gtk_editable_set_text (GTK_EDITABLE (self->pin_row), pin ? pin : "");
}

const char *
motcua_sign_dialog_get_error (MotcuaSignDialog *self)
{
  g_return_val_if_fail (MOTCUA_IS_SIGN_DIALOG (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->error_label)) ? gtk_label_get_text (self->error_label) : NULL;
}

gboolean
motcua_sign_dialog_is_busy (MotcuaSignDialog *self)
{
  g_return_val_if_fail (MOTCUA_IS_SIGN_DIALOG (self), FALSE);
  return self->busy;
}

/* ---- the object ------------------------------------------------------------------------- */

/* The approval may already be on its way to the database: the dialog waits for it. */
static gboolean
motcua_sign_dialog_close_request (GtkWindow *window)
{
  return MOTCUA_SIGN_DIALOG (window)->busy;
}

static void
motcua_sign_dialog_dispose (GObject *object)
{
  MotcuaSignDialog *self = MOTCUA_SIGN_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), MOTCUA_TYPE_SIGN_DIALOG);
  G_OBJECT_CLASS (motcua_sign_dialog_parent_class)->dispose (object);
}

static void
motcua_sign_dialog_finalize (GObject *object)
{
  MotcuaSignDialog *self = MOTCUA_SIGN_DIALOG (object);

  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->uris, g_ptr_array_unref);
  g_free (self->code);
  g_free (self->note);
  g_free (self->module);
  g_free (self->key_file);
  G_OBJECT_CLASS (motcua_sign_dialog_parent_class)->finalize (object);
}

static void
motcua_sign_dialog_class_init (MotcuaSignDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = motcua_sign_dialog_dispose;
  object_class->finalize = motcua_sign_dialog_finalize;
  GTK_WINDOW_CLASS (klass)->close_request = motcua_sign_dialog_close_request;

  signals[APPROVED] = g_signal_new ("approved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/motcua/Desk/motcua-sign-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, MotcuaSignDialog, intro_label);
  gtk_widget_class_bind_template_child (widget_class, MotcuaSignDialog, key_row);
  gtk_widget_class_bind_template_child (widget_class, MotcuaSignDialog, file_row);
  gtk_widget_class_bind_template_child (widget_class, MotcuaSignDialog, file_button);
  gtk_widget_class_bind_template_child (widget_class, MotcuaSignDialog, pin_row);
  gtk_widget_class_bind_template_child (widget_class, MotcuaSignDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, MotcuaSignDialog, progress_box);
  gtk_widget_class_bind_template_child (widget_class, MotcuaSignDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, MotcuaSignDialog, sign_button);
  gtk_widget_class_bind_template_child (widget_class, MotcuaSignDialog, cancel_button);
  gtk_widget_class_bind_template_callback (widget_class, on_sign_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_key_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_file);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
motcua_sign_dialog_init (MotcuaSignDialog *self)
{
  motcua_focus_install (GTK_WINDOW (self));
  self->uris = g_ptr_array_new_with_free_func (g_free);
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  motcua_focus_name_entry_rows (GTK_WIDGET (self));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->file_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Choose the key file"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->pin_row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("PIN or password"), -1);
  fill_keys (self, NULL);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->key_row), _("Looking for tokens…"));
}

/* Names the document signed as the result, so that a leader sees before signing
 * whether the specialist attached a draft at all. */
static char *
describe_what_is_signed (MotcuaStore *store, const char *code)
{
  g_autoptr(MotcuaDossier) dossier = motcua_store_get_dossier (store, code, NULL);
  g_autofree char *result = NULL;
  int index;

  if (dossier == NULL || !motcua_store_find_result_document (store, dossier, &result, NULL))
    return g_strdup_printf (_("Approving dossier %s. The signature covers the draft result and every attachment, "
                              "and is checked before anything is saved."), code);
  if ((index = motcua_dossier_find_attachment (dossier, result)) >= 0)
    {
      MotcuaAttachmentRef *ref = g_ptr_array_index (motcua_dossier_get_attachments (dossier), index);

      return g_strdup_printf (_("Approving dossier %s. The signature covers the draft result, “%s”, and every "
                                "attachment, and is checked before anything is saved."), code, ref->name);
    }
  return g_strdup_printf (_("Approving dossier %s. No draft result is attached: the signature covers the "
                            "dossier's attachments, and is checked before anything is saved."), code);
}

MotcuaSignDialog *
motcua_sign_dialog_new (GtkWindow *parent, MotcuaStore *store, const char *code, const char *note)
{
  MotcuaSignDialog *self = g_object_new (MOTCUA_TYPE_SIGN_DIALOG, "transient-for", parent, NULL);
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autofree char *module = g_settings_get_string (settings, "pkcs11-module");
  g_autofree char *intro = describe_what_is_signed (store, code);

  self->store = g_object_ref (store);
  self->code = g_strdup (code);
  self->note = g_strdup (note);
  self->module = *module != '\0' ? g_steal_pointer (&module) : NULL;
  gtk_label_set_text (self->intro_label, intro);
  list_token_certificates (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->pin_row));
  return self;
}
