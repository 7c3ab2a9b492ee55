/* motcua-preferences-window.c: the workstation's preferences. */

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "motcua-focus.h"
#include "motcua-office-hours.h"
#include "motcua-preferences-window.h"
#include "motcua-print-settings.h"
#include "motcua-secret.h"
#include "motcua-sync.h"
#include "motcua-users-page.h"

struct _MotcuaPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  /* Template widgets */
  AdwActionRow   *code_row;
  AdwEntryRow    *name_row;
  AdwEntryRow    *address_row;
  AdwEntryRow    *phone_row;
  AdwEntryRow    *lookup_url_row;
  AdwEntryRow    *morning_start_row;
  AdwEntryRow    *morning_end_row;
  AdwEntryRow    *afternoon_start_row;
  AdwEntryRow    *afternoon_end_row;
  GtkSpinButton  *minutes_per_day_spin;
  AdwEntryRow    *cutoff_row;
  GtkWidget      *save_office_button;
  AdwActionRow   *keyring_row;
  AdwEntryRow    *server_url_row;
  AdwActionRow   *ca_file_row;
  AdwEntryRow    *enrolment_code_row;
  GtkWidget      *register_button;
  AdwActionRow   *pkcs11_row;
  AdwActionRow   *trust_anchors_row;
  AdwEntryRow    *printer_row;
  AdwActionRow   *page_setup_row;
  GtkSpinButton  *lock_spin;
  GtkSpinButton  *retention_spin;
  AdwComboRow    *language_row;

  /* Owned */
  MotcuaStore    *store;
  GSettings      *settings;
  GCancellable   *cancellable;
  char           *agency_code;
  char           *ca_file;
  gboolean        loading;
};

G_DEFINE_FINAL_TYPE (MotcuaPreferencesWindow, motcua_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  OFFICE_CHANGED,
  SERVER_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The settings' values of "language", in the order of the combo row. */
static const char *languages[] = { "", "vi", "en" };

static void
toast (MotcuaPreferencesWindow *self, const char *message)
{
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (message));
}

static void
mark_error (gpointer row, gboolean error)
{
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
}

static void
set_row_text (AdwEntryRow *row, const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text ? text : "");
}

static char *
row_text (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

/* ---- office ---------------------------------------------------------------------------- */

static void
set_clock_row (AdwEntryRow *row, int minutes)
{
  g_autofree char *text = minutes >= 0 ? motcua_clock_format (minutes) : NULL;

  set_row_text (row, text);
}

static void
load_office (MotcuaPreferencesWindow *self)
{
  g_autoptr(MotcuaAgency) agency = motcua_store_get_agency (self->store, NULL);

  if (agency == NULL)
    {
      adw_action_row_set_subtitle (self->code_row, _("Set up this workstation first"));
      gtk_widget_set_sensitive (self->save_office_button, FALSE);
      return;
    }
  self->agency_code = g_strdup (agency->code);
  adw_action_row_set_subtitle (self->code_row, agency->code);
  set_row_text (self->name_row, agency->name);
  set_row_text (self->address_row, agency->address);
  set_row_text (self->phone_row, agency->phone);
  set_row_text (self->lookup_url_row, agency->lookup_url);
  set_clock_row (self->morning_start_row, agency->morning_start);
  set_clock_row (self->morning_end_row, agency->morning_end);
  set_clock_row (self->afternoon_start_row, agency->afternoon_start);
  set_clock_row (self->afternoon_end_row, agency->afternoon_end);
  gtk_spin_button_set_value (self->minutes_per_day_spin, agency->minutes_per_day);
  set_clock_row (self->cutoff_row, agency->same_day_cutoff);
}

/* Reads one clock row; on a bad time marks the row and keeps the first message. */
static int
read_clock (AdwEntryRow *row, gboolean optional, GError **error)
{
  g_autofree char *text = row_text (row);
  g_autoptr(GError) local_error = NULL;
  int minutes = -1;

  if (optional && *text == '\0')
    {
      mark_error (row, FALSE);
      return -1;
    }
  if (!motcua_clock_parse (text, &minutes, &local_error))
    {
      mark_error (row, TRUE);
      if (error != NULL && *error == NULL)
        *error = g_steal_pointer (&local_error);
      return -1;
    }
  mark_error (row, FALSE);
  return minutes;
}

static void
on_save_office (MotcuaPreferencesWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = row_text (self->name_row);
  g_autofree char *address = row_text (self->address_row);
  g_autofree char *phone = row_text (self->phone_row);
  g_autofree char *lookup_url = row_text (self->lookup_url_row);
  MotcuaAgency agency = {
    .code = self->agency_code,
    .name = name,
    .address = *address ? address : NULL,
    .phone = *phone ? phone : NULL,
    .lookup_url = *lookup_url ? lookup_url : NULL,
  };

  agency.morning_start = read_clock (self->morning_start_row, FALSE, &error);
  agency.morning_end = read_clock (self->morning_end_row, FALSE, &error);
  agency.afternoon_start = read_clock (self->afternoon_start_row, FALSE, &error);
  agency.afternoon_end = read_clock (self->afternoon_end_row, FALSE, &error);
  agency.same_day_cutoff = read_clock (self->cutoff_row, TRUE, &error);
  agency.minutes_per_day = gtk_spin_button_get_value_as_int (self->minutes_per_day_spin);
  if (error == NULL && motcua_office_hours_check (&agency, &error)
      && motcua_store_set_agency (self->store, &agency, &error))
    {
      /* The deadlines of what is received from now on follow the new hours. */
      motcua_store_reload_calendar (self->store);
      toast (self, _("Office details saved"));
      g_signal_emit (self, signals[OFFICE_CHANGED], 0);
      return;
    }
  toast (self, error->message);
}

/* ---- server ---------------------------------------------------------------------------- */

/* Worker tasks hold the window weakly: a window kept alive by a task after it and its
 * parent were closed would be disposed pointing at a parent that is gone. */
static GWeakRef *
weak_self (MotcuaPreferencesWindow *self)
{
  GWeakRef *ref = g_new0 (GWeakRef, 1);

  g_weak_ref_init (ref, self);
  return ref;
}

static MotcuaPreferencesWindow *
take_weak_self (GWeakRef *ref)
{
  MotcuaPreferencesWindow *self = g_weak_ref_get (ref);

  g_weak_ref_clear (ref);
  g_free (ref);
  return self;
}

static void
show_ca_file (MotcuaPreferencesWindow *self)
{
  adw_action_row_set_subtitle (self->ca_file_row, self->ca_file ? self->ca_file
                                                                : _("The system's certificate authorities"));
}

static void
keyring_probed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autofree char *notice = g_task_propagate_pointer (G_TASK (result), NULL);
  g_autoptr(MotcuaPreferencesWindow) self = take_weak_self (user_data);

  if (self == NULL || g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->keyring_row), notice != NULL);
  if (notice != NULL)
    adw_action_row_set_subtitle (self->keyring_row, notice);
}

static void
probe_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  char *notice = NULL;

  if (motcua_secret_keyring_available (&notice))
    g_clear_pointer (&notice, g_free);
  g_task_return_pointer (task, notice, g_free);
}

/* D-Bus may take its time (or wait for a keyring to start): never on the main loop. */
static void
probe_keyring (MotcuaPreferencesWindow *self)
{
  g_autoptr(GTask) task = g_task_new (NULL, self->cancellable, keyring_probed, weak_self (self));

  g_task_set_source_tag (task, probe_keyring);
  g_task_run_in_thread (task, probe_in_thread);
}

static void
load_server (MotcuaPreferencesWindow *self)
{
  g_autofree char *server_url = motcua_store_get_state (self->store, "sync.server_url", NULL);

  set_row_text (self->server_url_row, server_url);
  self->ca_file = motcua_store_get_state (self->store, "sync.ca_file", NULL);
  show_ca_file (self);
  probe_keyring (self);
}

static void
registered (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(MotcuaPreferencesWindow) self = take_weak_self (user_data);
  g_autoptr(GError) error = NULL;
  g_autofree char *server_url = NULL;
  g_autofree char *message = NULL;

  if (self == NULL)
    return;
  if (!motcua_sync_register_finish (result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          gtk_widget_set_sensitive (self->register_button, TRUE);
          toast (self, error->message);
        }
      return;
    }
  gtk_widget_set_sensitive (self->register_button, TRUE);
  set_row_text (self->enrolment_code_row, NULL);
  server_url = motcua_store_get_state (self->store, "sync.server_url", NULL);
  set_row_text (self->server_url_row, server_url);
  message = g_strdup_printf (_("This workstation is registered with %s"), server_url);
  toast (self, message);
  probe_keyring (self);
  g_signal_emit (self, signals[SERVER_CHANGED], 0);
}

static void
start_registration (MotcuaPreferencesWindow *self)
{
  g_autofree char *server_url = row_text (self->server_url_row);
  g_autofree char *code = row_text (self->enrolment_code_row);

  gtk_widget_set_sensitive (self->register_button, FALSE);
  toast (self, _("Registering with the server…"));
  motcua_sync_register_async (self->store, server_url, code, self->ca_file, self->cancellable, registered,
                              weak_self (self));
}

static void
on_change_server_response (AdwMessageDialog *dialog, const char *response, MotcuaPreferencesWindow *self)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

  if (g_strcmp0 (response, "change") == 0)
    start_registration (self);
  else if (g_strcmp0 (response, "backup") == 0 && parent != NULL)
    gtk_widget_activate_action (GTK_WIDGET (parent), "win.backup", NULL);
}

static gboolean
same_server (const char *a, const char *b)
{
  g_autofree char *x = g_strdup (a ? a : "");
  g_autofree char *y = g_strdup (b ? b : "");
  gsize lx = strlen (x), ly = strlen (y);

  while (lx > 0 && x[lx - 1] == '/')
    x[--lx] = '\0';
  while (ly > 0 && y[ly - 1] == '/')
    y[--ly] = '\0';
  return g_ascii_strcasecmp (x, y) == 0;
}

/* Another server while events wait: ask first, and offer a backup. The events stay in
 * the journal either way and go to the new server. */
static void
on_register (MotcuaPreferencesWindow *self)
{
  g_autofree char *current = motcua_store_get_state (self->store, "sync.server_url", NULL);
  g_autofree char *wanted = row_text (self->server_url_row);
  gint64 pending = motcua_store_count_pending (self->store, NULL);
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (current == NULL || same_server (current, wanted) || pending <= 0)
    {
      start_registration (self);
      return;
    }
  body = g_strdup_printf (ngettext ("%'lld event of this workstation has not been accepted by %s yet. It is not "
                                    "deleted: it stays on this workstation and is sent to the new server. Back "
                                    "up first to keep a copy as it is now.",
                                    "%'lld events of this workstation have not been accepted by %s yet. They are "
                                    "not deleted: they stay on this workstation and are sent to the new server. "
                                    "Back up first to keep a copy as it is now.", pending),
                          (long long) pending, current);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Change the Server?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "backup", _("_Back Up First…"),
                                    "change", _("C_hange Server"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "change", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_change_server_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- files: certificate authority, PKCS#11 module, trust anchors ---------------------------- */

typedef void (*FileChosen) (MotcuaPreferencesWindow *self, const char *path);

static void
file_chosen (GtkNativeDialog *chooser, int response, MotcuaPreferencesWindow *self)
{
  FileChosen chosen = g_object_get_data (G_OBJECT (chooser), "chosen");
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_object_unref (chooser);
  if (file != NULL && (path = g_file_get_path (file)) != NULL)
    chosen (self, path);
}

static void
choose_file (MotcuaPreferencesWindow *self, const char *title, const char *filter_name,
             const char * const *patterns, FileChosen chosen)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self),
                                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"),
                                                               _("_Cancel"));
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, filter_name);
  for (guint i = 0; patterns[i] != NULL; i++)
    gtk_file_filter_add_pattern (filter, patterns[i]);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_object_set_data (G_OBJECT (chooser), "chosen", chosen);
  g_signal_connect (chooser, "response", G_CALLBACK (file_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* PEM certificates GIO can read, else a message. */
static gboolean
check_certificates (MotcuaPreferencesWindow *self, const char *path)
{
  g_autoptr(GError) error = NULL;
  GList *certificates = g_tls_certificate_list_new_from_file (path, &error);
  g_autofree char *message = NULL;

  if (certificates != NULL)
    {
      g_list_free_full (certificates, g_object_unref);
      return TRUE;
    }
  message = g_strdup_printf (_("%s holds no certificate this workstation can read (PEM): %s"), path,
                             error ? error->message : _("the file is empty"));
  toast (self, message);
  return FALSE;
}

/* Used from the next synchronisation round on; registering again keeps it. */
static void
set_ca_file (MotcuaPreferencesWindow *self, const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *server_url = motcua_store_get_state (self->store, "sync.server_url", NULL);

  if (path != NULL && !check_certificates (self, path))
    return;
  if (server_url != NULL && !motcua_store_set_state (self->store, "sync.ca_file", path, &error))
    {
      toast (self, error->message);
      return;
    }
  g_free (self->ca_file);
  self->ca_file = g_strdup (path);
  show_ca_file (self);
}

static void
on_ca_file_choose (MotcuaPreferencesWindow *self)
{
  static const char *patterns[] = { "*.pem", "*.crt", "*.cer", NULL };

  choose_file (self, _("Certificate Authority of the Server"), _("Certificates (PEM)"), patterns, set_ca_file);
}

static void
on_ca_file_clear (MotcuaPreferencesWindow *self)
{
  set_ca_file (self, NULL);
}

static void
show_signing (MotcuaPreferencesWindow *self)
{
  g_autofree char *module = g_settings_get_string (self->settings, "pkcs11-module");
  g_autofree char *anchors = g_settings_get_string (self->settings, "trust-anchors");

  adw_action_row_set_subtitle (self->pkcs11_row, *module ? module : _("The modules the system knows (p11-kit)"));
  adw_action_row_set_subtitle (self->trust_anchors_row,
                               *anchors ? anchors : _("The certificates stored in the profile"));
}

static void
set_pkcs11_module (MotcuaPreferencesWindow *self, const char *path)
{
  g_settings_set_string (self->settings, "pkcs11-module", path ? path : "");
  show_signing (self);
}

static void
on_pkcs11_choose (MotcuaPreferencesWindow *self)
{
  static const char *patterns[] = { "*.so", "*.so.*", NULL };

  choose_file (self, _("PKCS#11 Module"), _("PKCS#11 modules"), patterns, set_pkcs11_module);
}

static void
on_pkcs11_clear (MotcuaPreferencesWindow *self)
{
  set_pkcs11_module (self, NULL);
}

static void
set_trust_anchors (MotcuaPreferencesWindow *self, const char *path)
{
  if (path != NULL && !check_certificates (self, path))
    return;
  g_settings_set_string (self->settings, "trust-anchors", path ? path : "");
  show_signing (self);
}

static void
on_trust_anchors_choose (MotcuaPreferencesWindow *self)
{
  static const char *patterns[] = { "*.pem", "*.crt", "*.cer", NULL };

  choose_file (self, _("Trusted Root Certificates"), _("Certificates (PEM)"), patterns, set_trust_anchors);
}

static void
on_trust_anchors_clear (MotcuaPreferencesWindow *self)
{
  set_trust_anchors (self, NULL);
}

/* ---- printing ------------------------------------------------------------------------------ */

char *
motcua_preferences_print_settings_path (void)
{
  /* The slips' file: what is set here is what the next print dialog starts from. */
  return motcua_print_settings_get_path ();
}

static void
show_printing (MotcuaPreferencesWindow *self)
{
  g_autoptr(GtkPrintSettings) settings = motcua_print_settings_load ();
  g_autoptr(GtkPageSetup) page_setup = motcua_print_settings_load_page_setup ();
  g_autofree char *paper = NULL;

  set_row_text (self->printer_row, gtk_print_settings_get_printer (settings));
  paper = g_strdup_printf ("%s, %s", gtk_paper_size_get_display_name (gtk_page_setup_get_paper_size (page_setup)),
                           gtk_page_setup_get_orientation (page_setup) == GTK_PAGE_ORIENTATION_LANDSCAPE
                           ? _("landscape") : _("portrait"));
  adw_action_row_set_subtitle (self->page_setup_row, paper);
}

static void
on_printer_apply (MotcuaPreferencesWindow *self)
{
  g_autoptr(GtkPrintSettings) settings = motcua_print_settings_load ();
  /* Written out too, so that the file holds the paper this page shows. */
  g_autoptr(GtkPageSetup) page_setup = motcua_print_settings_load_page_setup ();
  g_autoptr(GError) error = NULL;
  g_autofree char *printer = row_text (self->printer_row);

  gtk_print_settings_set_printer (settings, *printer ? printer : NULL);
  if (!motcua_print_settings_save_full (settings, page_setup, &error))
    toast (self, error->message);
  else
    toast (self, *printer ? _("Printer saved") : _("Slips go to the system's default printer"));
}

static void
page_setup_done (GtkPageSetup *page_setup, gpointer user_data)
{
  g_autoptr(MotcuaPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (page_setup == NULL)
    return;
  if (!motcua_print_settings_save_page_setup (page_setup, &error))
    toast (self, error->message);
  show_printing (self);
}

static void
on_page_setup (MotcuaPreferencesWindow *self)
{
  g_autoptr(GtkPrintSettings) settings = motcua_print_settings_load ();
  g_autoptr(GtkPageSetup) page_setup = motcua_print_settings_load_page_setup ();

  gtk_print_run_page_setup_dialog_async (GTK_WINDOW (self), page_setup, settings, page_setup_done,
                                         g_object_ref (self));
}

/* ---- security and data ------------------------------------------------------------------- */

static void
load_security (MotcuaPreferencesWindow *self)
{
  g_autofree char *language = g_settings_get_string (self->settings, "language");
  gint64 days = motcua_store_get_retention_days (self->store, NULL);

  g_settings_bind (self->settings, "lock-after-minutes", gtk_spin_button_get_adjustment (self->lock_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  if (days > 0)
    gtk_spin_button_set_value (self->retention_spin, (double) days);
  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    if (g_str_equal (language, languages[i]))
      adw_combo_row_set_selected (self->language_row, i);
}

static void
on_retention_changed (MotcuaPreferencesWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (self->loading)
    return;
  text = g_strdup_printf ("%d", gtk_spin_button_get_value_as_int (self->retention_spin));
  if (!motcua_store_set_state (self->store, "retention.days", text, &error))
    toast (self, error->message);
}

static void
on_language_selected (MotcuaPreferencesWindow *self)
{
  guint selected = adw_combo_row_get_selected (self->language_row);

  if (self->loading || selected >= G_N_ELEMENTS (languages))
    return;
  g_settings_set_string (self->settings, "language", languages[selected]);
  toast (self, _("The language changes when Motcua Desk starts again"));
}

/* ---- the window ------------------------------------------------------------------------------ */

static void
motcua_preferences_window_dispose (GObject *object)
{
  MotcuaPreferencesWindow *self = MOTCUA_PREFERENCES_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), MOTCUA_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->agency_code, g_free);
  g_clear_pointer (&self->ca_file, g_free);
  G_OBJECT_CLASS (motcua_preferences_window_parent_class)->dispose (object);
}

static void
motcua_preferences_window_class_init (MotcuaPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = motcua_preferences_window_dispose;

  signals[OFFICE_CHANGED] = g_signal_new ("office-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SERVER_CHANGED] = g_signal_new ("server-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/motcua/Desk/motcua-preferences-window.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, MotcuaPreferencesWindow, name)
  BIND (code_row);
  BIND (name_row);
  BIND (address_row);
  BIND (phone_row);
  BIND (lookup_url_row);
  BIND (morning_start_row);
  BIND (morning_end_row);
  BIND (afternoon_start_row);
  BIND (afternoon_end_row);
  BIND (minutes_per_day_spin);
  BIND (cutoff_row);
  BIND (save_office_button);
  BIND (keyring_row);
  BIND (server_url_row);
  BIND (ca_file_row);
  BIND (enrolment_code_row);
  BIND (register_button);
  BIND (pkcs11_row);
  BIND (trust_anchors_row);
  BIND (printer_row);
  BIND (page_setup_row);
  BIND (lock_spin);
  BIND (retention_spin);
  BIND (language_row);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, on_save_office);
  gtk_widget_class_bind_template_callback (widget_class, on_register);
  gtk_widget_class_bind_template_callback (widget_class, on_ca_file_choose);
  gtk_widget_class_bind_template_callback (widget_class, on_ca_file_clear);
  gtk_widget_class_bind_template_callback (widget_class, on_pkcs11_choose);
  gtk_widget_class_bind_template_callback (widget_class, on_pkcs11_clear);
  gtk_widget_class_bind_template_callback (widget_class, on_trust_anchors_choose);
  gtk_widget_class_bind_template_callback (widget_class, on_trust_anchors_clear);
  gtk_widget_class_bind_template_callback (widget_class, on_printer_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_page_setup);
  gtk_widget_class_bind_template_callback (widget_class, on_retention_changed);
}

static void
motcua_preferences_window_init (MotcuaPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  motcua_focus_install (GTK_WINDOW (self));
  motcua_focus_name_entry_rows (GTK_WIDGET (self));
  self->settings = g_settings_new (APPLICATION_ID);
  self->cancellable = g_cancellable_new ();
}

MotcuaPreferencesWindow *
motcua_preferences_window_new (GtkWindow *parent, MotcuaStore *store)
{
  MotcuaPreferencesWindow *self;

  g_return_val_if_fail (MOTCUA_IS_STORE (store), NULL);

  self = g_object_new (MOTCUA_TYPE_PREFERENCES_WINDOW, "transient-for", parent, NULL);
  self->store = g_object_ref (store);
  self->loading = TRUE;
  load_office (self);
  load_server (self);
  show_signing (self);
  show_printing (self);
  load_security (self);
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), ADW_PREFERENCES_PAGE (motcua_users_page_new (store)));
  self->loading = FALSE;
  g_signal_connect_swapped (self->language_row, "notify::selected", G_CALLBACK (on_language_selected), self);
  return self;
}
