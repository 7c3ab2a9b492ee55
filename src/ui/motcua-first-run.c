/* motcua-first-run.c: connect or demo, the agency, the first administrator. */

#include <glib/gi18n.h>
#include <string.h>

#include "motcua-auth.h"
#include "motcua-demo-form.h"
#include "motcua-first-run.h"
#include "motcua-focus.h"
#include "motcua-store-users.h"
#include "motcua-sync.h"

#define DEMO_AGENCY_CODE "000.17.22.H56"
#define DEMO_AGENCY_NAME "Ủy ban nhân dân xã Quảng Phú"
#define DEMO_DOSSIERS    300
#define DEMO_SCANNED     20      /* the last arrivals, with their request forms */

typedef enum {
  SETUP_CONNECT,      /* enrolled with the ministry server */
  SETUP_DEMO,         /* demo office, offline */
  SETUP_DEMO_SERVER,  /* demo office enrolled with the local reference server */
  SETUP_EXISTING,     /* the agency was already set: only the administrator is missing */
} SetupKind;

struct _MotcuaFirstRun
{
  AdwBin          parent_instance;

  /* Template widgets */
  GtkStack       *pages;
  GtkCheckButton *connect_check;
  GtkCheckButton *demo_check;
  GtkWidget      *connect_group;
  GtkWidget      *demo_group;
  AdwEntryRow    *url_row;
  AdwEntryRow    *code_row;
  AdwEntryRow    *ca_row;
  GtkButton      *ca_button;
  AdwEntryRow    *demo_code_row;
  GtkLabel       *mode_error;
  GtkSpinner     *spinner;
  GtkButton      *mode_next;
  GtkLabel       *agency_description;
  AdwEntryRow    *agency_name_row;
  AdwEntryRow    *agency_code_row;
  GtkLabel       *agency_error;
  GtkButton      *agency_back;
  GtkButton      *agency_next;
  AdwEntryRow    *username_row;
  AdwEntryRow    *full_name_row;
  AdwEntryRow    *password_row;
  AdwEntryRow    *confirm_row;
  GtkLabel       *admin_error;
  GtkButton      *admin_back;
  GtkButton      *finish_button;

  MotcuaStore    *store;
  GCancellable   *cancellable;
  SetupKind       kind;
};

G_DEFINE_FINAL_TYPE (MotcuaFirstRun, motcua_first_run, ADW_TYPE_BIN)

enum {
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
show_error (GtkLabel *label, const char *message)
{
  gtk_label_set_text (label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL);
}

static char *
row_text (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

static void
set_row (AdwEntryRow *row, const char *text, gboolean editable)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text ? text : "");
  gtk_editable_set_editable (GTK_EDITABLE (row), editable);
}

/* ---- step 2: the agency ------------------------------------------------------------ */

static void
show_agency_page (MotcuaFirstRun *self)
{
  g_autoptr(MotcuaAgency) agency = motcua_store_get_agency (self->store, NULL);
  gboolean chosen_here = self->kind == SETUP_DEMO;

  if (chosen_here)
    {
      set_row (self->agency_name_row, DEMO_AGENCY_NAME, TRUE);
      set_row (self->agency_code_row, DEMO_AGENCY_CODE, TRUE);
      gtk_label_set_text (self->agency_description,
                          _("Step 2 of 3: the demo office's agency. Change its name and code if you like."));
    }
  else
    {
      set_row (self->agency_name_row, agency ? agency->name : NULL, FALSE);
      set_row (self->agency_code_row, agency ? agency->code : NULL, FALSE);
      gtk_label_set_text (self->agency_description,
                          self->kind == SETUP_EXISTING
                          ? _("Step 2 of 3: this workstation already belongs to this agency.")
                          : _("Step 2 of 3: the server enrolled this workstation for this agency."));
    }
  /* Once enrolled, the one-time code is spent: there is no going back to step 1. */
  gtk_widget_set_visible (GTK_WIDGET (self->agency_back), chosen_here);
  show_error (self->agency_error, NULL);
  gtk_stack_set_visible_child_name (self->pages, "agency");
  gtk_widget_grab_focus (GTK_WIDGET (self->agency_next));
}

static void
agency_next (MotcuaFirstRun *self)
{
  g_autofree char *name = row_text (self->agency_name_row);
  g_autofree char *code = row_text (self->agency_code_row);

  if (*name == '\0' || *code == '\0')
    {
      show_error (self->agency_error, _("The agency needs a name and a code."));
      return;
    }
  show_error (self->admin_error, NULL);
  gtk_stack_set_visible_child_name (self->pages, "admin");
  gtk_widget_grab_focus (GTK_WIDGET (self->full_name_row));
}

static void
agency_back (MotcuaFirstRun *self)
{
  gtk_stack_set_visible_child_name (self->pages, "mode");
}

/* ---- step 1: connect or demo --------------------------------------------------------- */

static void
set_busy (MotcuaFirstRun *self, gboolean busy)
{
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->mode_next), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->connect_check), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->demo_check), !busy);
}

static void
enrolled (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(MotcuaFirstRun) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!motcua_sync_register_finish (result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_busy (self, FALSE);
      show_error (self->mode_error, error->message);
      return;
    }
  set_busy (self, FALSE);
  show_error (self->mode_error, NULL);
  show_agency_page (self);
}

static void
enrol (MotcuaFirstRun *self, const char *url, const char *code, const char *ca_file)
{
  set_busy (self, TRUE);
  show_error (self->mode_error, NULL);
  motcua_sync_register_async (self->store, url, code, ca_file, self->cancellable, enrolled, g_object_ref (self));
}

/* MOTCUA_DEMO_SERVER moves the local server elsewhere (tests use a free port). */
static const char *
demo_server_url (void)
{
  const char *url = g_getenv ("MOTCUA_DEMO_SERVER");

  return url && *url ? url : MOTCUA_FIRST_RUN_DEMO_SERVER;
}

static void
mode_next (MotcuaFirstRun *self)
{
  g_autofree char *url = row_text (self->url_row);
  g_autofree char *code = row_text (self->code_row);
  g_autofree char *ca_file = row_text (self->ca_row);
  g_autofree char *demo_code = row_text (self->demo_code_row);

  if (gtk_check_button_get_active (self->demo_check))
    {
      self->kind = *demo_code != '\0' ? SETUP_DEMO_SERVER : SETUP_DEMO;
      if (self->kind == SETUP_DEMO_SERVER)
        enrol (self, demo_server_url (), demo_code, NULL);
      else
        show_agency_page (self);
      return;
    }
  self->kind = SETUP_CONNECT;
  if (*url == '\0')
    show_error (self->mode_error, _("Type the server's address, e.g. https://motcua.example.gov.vn."));
  else if (*code == '\0')
    show_error (self->mode_error, _("Type the enrolment code the server's administrator gave you."));
  else
    enrol (self, url, code, ca_file);
}

static void
on_mode_toggled (MotcuaFirstRun *self)
{
  gboolean demo = gtk_check_button_get_active (self->demo_check);

  /* Focus leaves the group about to turn insensitive first. */
  gtk_widget_grab_focus (demo ? GTK_WIDGET (self->demo_check) : GTK_WIDGET (self->connect_check));
  gtk_widget_set_sensitive (self->connect_group, !demo);
  gtk_widget_set_sensitive (self->demo_group, demo);
  show_error (self->mode_error, NULL);
}

static void
ca_chosen (GtkNativeDialog *chooser, int response, MotcuaFirstRun *self)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_object_unref (chooser);
  if (file != NULL && (path = g_file_get_path (file)) != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->ca_row), path);
}

static void
choose_ca_file (MotcuaFirstRun *self)
{
  GtkWindow *window = GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self)));
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (_("Certificate Authority File"), window,
                                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"),
                                                               _("_Cancel"));

  g_signal_connect (chooser, "response", G_CALLBACK (ca_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ---- step 3: the first administrator ---------------------------------------------- */

static gboolean
check_admin_form (MotcuaFirstRun *self, const char *username, const char *full_name, const char *password,
                  GError **error)
{
  if (!motcua_auth_check_username (username, error))
    return FALSE;
  if (*full_name == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("Type the administrator's full name."));
      return FALSE;
    }
  return motcua_auth_check_new_password (password, gtk_editable_get_text (GTK_EDITABLE (self->confirm_row)), error);
}

/* The agency (for an offline demo), the demo's catalog and staff, and the
 * administrator: all in one transaction, so a refusal leaves nothing half-made. */
static gboolean
create_profile (MotcuaFirstRun *self, const char *username, const char *full_name, const char *password,
                GError **error)
{
  g_autofree char *agency_name = row_text (self->agency_name_row);
  g_autofree char *agency_code = row_text (self->agency_code_row);
  gboolean demo = self->kind == SETUP_DEMO || self->kind == SETUP_DEMO_SERVER;
  MotcuaAgency agency = {
    .code = agency_code,
    .name = agency_name,
    .lookup_url = (char *) "https://dichvucong.example.vn/tra-cuu",
  };

  if (!motcua_store_begin (self->store, error))
    return FALSE;
  if ((self->kind == SETUP_DEMO && !motcua_store_set_agency (self->store, &agency, error))
      || (demo && !motcua_demo_setup (self->store, error))
      || !motcua_store_add_user (self->store, username, full_name, MOTCUA_ROLE_ADMIN, error)
      || !motcua_store_set_password (self->store, username, password, error)
      || !motcua_store_set_state (self->store, "current_user", username, error)
      || !motcua_store_commit (self->store, error))
    {
      motcua_store_rollback (self->store);
      return FALSE;
    }
  return TRUE;
}

static void
finish (MotcuaFirstRun *self)
{
  g_autofree char *username = row_text (self->username_row);
  g_autofree char *full_name = row_text (self->full_name_row);
  g_autofree char *password = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->password_row)));
  g_autoptr(GError) error = NULL;

  if (!check_admin_form (self, username, full_name, password, &error)
      || !create_profile (self, username, full_name, password, &error))
    {
      show_error (self->admin_error, error->message);
      return;
    }
  /* The invented dossiers are a bonus of the offline demo: without them it still works.
   * Enrolled with the local server, dossier numbers come only from the blocks the
   * server reserves, so that demo starts from what the server holds. */
  if (self->kind == SETUP_DEMO
      && !motcua_demo_generate_scanned (self->store, DEMO_DOSSIERS, 1, DEMO_SCANNED, motcua_demo_form_write_pdf,
                                        NULL, &error))
    g_message ("The demo dossiers were not generated: %s", error->message);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->confirm_row), "");
  g_signal_emit (self, signals[FINISHED], 0, username);
}

static void
admin_back (MotcuaFirstRun *self)
{
  gtk_stack_set_visible_child_name (self->pages, "agency");
}

/* ---- the assistant ------------------------------------------------------------------ */

gboolean
motcua_first_run_is_needed (MotcuaStore *store)
{
  g_autoptr(GPtrArray) users = NULL;

  if (!motcua_store_is_initialized (store))
    return TRUE;
  users = motcua_store_list_users (store, NULL);
  return users != NULL && users->len == 0;
}

void
motcua_first_run_start (MotcuaFirstRun *self, MotcuaStore *store)
{
  g_return_if_fail (MOTCUA_IS_FIRST_RUN (self));

  g_set_object (&self->store, store);
  if (motcua_store_is_initialized (store))
    {
      g_autofree char *server = motcua_store_get_state (store, "sync.server_url", NULL);

      self->kind = server != NULL ? SETUP_CONNECT : SETUP_EXISTING;
      show_agency_page (self);
      return;
    }
  gtk_stack_set_visible_child_name (self->pages, "mode");
  gtk_widget_grab_focus (GTK_WIDGET (self->url_row));
}

static void
motcua_first_run_dispose (GObject *object)
{
  MotcuaFirstRun *self = MOTCUA_FIRST_RUN (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), MOTCUA_TYPE_FIRST_RUN);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (motcua_first_run_parent_class)->dispose (object);
}

static void
motcua_first_run_class_init (MotcuaFirstRunClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = motcua_first_run_dispose;

  /* The administrator's user name, now signed in. */
  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/motcua/Desk/motcua-first-run.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, MotcuaFirstRun, name)
  BIND (pages);
  BIND (connect_check);
  BIND (demo_check);
  BIND (connect_group);
  BIND (demo_group);
  BIND (url_row);
  BIND (code_row);
  BIND (ca_row);
  BIND (ca_button);
  BIND (demo_code_row);
  BIND (mode_error);
  BIND (spinner);
  BIND (mode_next);
  BIND (agency_description);
  BIND (agency_name_row);
  BIND (agency_code_row);
  BIND (agency_error);
  BIND (agency_back);
  BIND (agency_next);
  BIND (username_row);
  BIND (full_name_row);
  BIND (password_row);
  BIND (confirm_row);
  BIND (admin_error);
  BIND (admin_back);
  BIND (finish_button);
#undef BIND
}

static void
motcua_first_run_init (MotcuaFirstRun *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  motcua_focus_name_entry_rows (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();

  g_signal_connect_swapped (self->demo_check, "toggled", G_CALLBACK (on_mode_toggled), self);
  g_signal_connect_swapped (self->ca_button, "clicked", G_CALLBACK (choose_ca_file), self);
  g_signal_connect_swapped (self->mode_next, "clicked", G_CALLBACK (mode_next), self);
  g_signal_connect_swapped (self->code_row, "entry-activated", G_CALLBACK (mode_next), self);
  g_signal_connect_swapped (self->demo_code_row, "entry-activated", G_CALLBACK (mode_next), self);
  g_signal_connect_swapped (self->agency_next, "clicked", G_CALLBACK (agency_next), self);
  g_signal_connect_swapped (self->agency_back, "clicked", G_CALLBACK (agency_back), self);
  g_signal_connect_swapped (self->finish_button, "clicked", G_CALLBACK (finish), self);
  g_signal_connect_swapped (self->confirm_row, "entry-activated", G_CALLBACK (finish), self);
  g_signal_connect_swapped (self->admin_back, "clicked", G_CALLBACK (admin_back), self);
}

GtkWidget *
motcua_first_run_new (void)
{
  return g_object_new (MOTCUA_TYPE_FIRST_RUN, NULL);
}
