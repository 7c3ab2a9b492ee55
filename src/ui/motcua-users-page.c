/* motcua-users-page.c: the administrator's list of the workstation's accounts. */

#include <glib/gi18n.h>

#include "motcua-auth.h"
#include "motcua-store-users.h"
#include "motcua-users-page.h"

struct _MotcuaUsersPage
{
  AdwPreferencesPage parent_instance;

  /* Template widgets */
  AdwPreferencesGroup *users_group;

  /* Owned */
  MotcuaStore         *store;
  GPtrArray           *rows;       /* the group's user rows, to remove on reload */
  gboolean             reverting;  /* a switch put back after a refusal */
};

G_DEFINE_FINAL_TYPE (MotcuaUsersPage, motcua_users_page, ADW_TYPE_PREFERENCES_PAGE)

/* The roles the add dialog offers, in its order, with their names there (capitalised,
 * where motcua_role_label() runs inside a sentence). */
static const struct {
  MotcuaRole  role;
  const char *title;
} offered_roles[] = {
  { MOTCUA_ROLE_CLERK, NC_("role", "Reception clerk") },
  { MOTCUA_ROLE_SPECIALIST, NC_("role", "Specialist") },
  { MOTCUA_ROLE_SUPERVISOR, NC_("role", "Supervisor") },
  { MOTCUA_ROLE_ADMIN, NC_("role", "Administrator") },
};

static void
toast (MotcuaUsersPage *self, const char *message)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (ADW_IS_PREFERENCES_WINDOW (root))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (root), adw_toast_new (message));
  else
    g_message ("%s", message);
}

/* Every change is checked again here: the signed-in user may have changed since the
 * preferences opened (locked and switched), and the core is what decides. */
static gboolean
allowed (MotcuaUsersPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaUser) admin = motcua_store_require_admin (self->store, NULL, &error);

  if (admin == NULL)
    toast (self, error->message);
  return admin != NULL;
}

static char *
describe_user (const MotcuaUser *user)
{
  /* Translators: a user's user name and role, as "clerk1 · reception clerk" */
  g_autofree char *who = g_strdup_printf (_("%s · %s"), user->username, motcua_role_label (user->role));

  /* Translators: added after a disabled user's name and role */
  return user->disabled ? g_strdup_printf (_("%s · disabled"), who) : g_steal_pointer (&who);
}

/* ---- disabling and enabling ------------------------------------------------------- */

static gboolean
put_switch_back (gpointer data)
{
  GtkSwitch *button = data;
  MotcuaUsersPage *self = MOTCUA_USERS_PAGE (gtk_widget_get_ancestor (GTK_WIDGET (button), MOTCUA_TYPE_USERS_PAGE));

  if (self != NULL)
    {
      self->reverting = TRUE;
      gtk_switch_set_active (button, !gtk_switch_get_active (button));
      self->reverting = FALSE;
    }
  return G_SOURCE_REMOVE;
}

static void
on_enabled_changed (GtkSwitch *button, GParamSpec *pspec, MotcuaUsersPage *self)
{
  const char *username = g_object_get_data (G_OBJECT (button), "motcua-username");
  gboolean enabled = gtk_switch_get_active (button);
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaUser) user = NULL;
  g_autofree char *message = NULL;

  if (self->reverting)
    return;
  if (!allowed (self) || !motcua_store_set_user_disabled (self->store, username, !enabled, &error))
    {
      if (error != NULL)
        toast (self, error->message);
      /* Not from inside the switch's own notification: GtkSwitch 4.8 then goes on
       * setting the value it started with, and the two undo each other for ever. */
      g_idle_add_full (G_PRIORITY_DEFAULT, put_switch_back, g_object_ref (button), g_object_unref);
      return;
    }
  if ((user = motcua_store_get_user (self->store, username, NULL)) != NULL)
    {
      g_autofree char *subtitle = describe_user (user);
      GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (button), ADW_TYPE_ACTION_ROW);

      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
    }
  message = g_strdup_printf (enabled ? _("%s can sign in again") : _("%s can no longer sign in"), username);
  toast (self, message);
}

/* ---- passwords ---------------------------------------------------------------------- */

typedef struct {
  MotcuaUsersPage *page;
  GtkEditable     *password;
  GtkEditable     *again;
  GtkLabel        *problem;
  char            *username;   /* NULL in the add dialog, which has its own fields */
  GtkEditable     *new_username;
  GtkEditable     *full_name;
  AdwComboRow     *role;
} Form;

static void
form_free (Form *form)
{
  g_object_unref (form->page);
  g_free (form->username);
  g_free (form);
}

static GtkWidget *
form_entry (GtkWidget *list, GType type, const char *name, const char *title)
{
  GtkWidget *row = g_object_new (type, "title", title, NULL);

  gtk_widget_set_name (row, name);
  gtk_list_box_append (GTK_LIST_BOX (list), row);
  return row;
}

/* What stops the form from being accepted, in words; NULL when nothing does. */
static char *
form_problem (Form *form)
{
  const char *password = gtk_editable_get_text (form->password);
  g_autoptr(GError) error = NULL;

  if (form->new_username != NULL)
    {
      const char *username = gtk_editable_get_text (form->new_username);
      g_autoptr(MotcuaUser) existing = NULL;

      if (*username == '\0' || *gtk_editable_get_text (form->full_name) == '\0')
        return g_strdup (_("Give a user name and the person’s full name."));
      if (!motcua_auth_check_username (username, &error))
        return g_strdup (error->message);
      if ((existing = motcua_store_get_user (form->page->store, username, NULL)) != NULL)
        return g_strdup_printf (_("A user named %s already exists."), username);
    }
  if (!motcua_auth_check_new_password (password, gtk_editable_get_text (form->again), &error))
    return g_strdup (error->message);
  return NULL;
}

static gboolean
form_is_ready (Form *form)
{
  g_autofree char *problem = form_problem (form);

  return problem == NULL;
}

static void
form_changed (Form *form)
{
  g_autofree char *problem = form_problem (form);
  GtkWidget *dialog = gtk_widget_get_ancestor (GTK_WIDGET (form->password), ADW_TYPE_MESSAGE_DIALOG);

  gtk_label_set_text (form->problem, problem ? problem : "");
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "accept", problem == NULL);
}

/* libadwaita 1.2's password row, still focused when its dialog is destroyed, is
 * notified on memory already freed: focus leaves the fields before the dialog goes. */
static void
release_focus (AdwMessageDialog *dialog)
{
  gtk_window_set_focus (GTK_WINDOW (dialog), NULL);
}

/* A dialog with a boxed list of fields, the passwords last, and a line saying what is
 * still missing; "accept" is enabled only when nothing is. */
static AdwMessageDialog *
form_dialog (MotcuaUsersPage *self, Form *form, const char *heading, const char *body, const char *accept)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), heading, body);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *list = gtk_list_box_new ();

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  if (form->username == NULL)
    {
      g_autoptr(GtkStringList) roles = gtk_string_list_new (NULL);

      form->new_username = GTK_EDITABLE (form_entry (list, ADW_TYPE_ENTRY_ROW, "new-username", _("User name")));
      form->full_name = GTK_EDITABLE (form_entry (list, ADW_TYPE_ENTRY_ROW, "new-full-name", _("Full name")));
      form->role = ADW_COMBO_ROW (form_entry (list, ADW_TYPE_COMBO_ROW, "new-role", _("Role")));
      for (guint i = 0; i < G_N_ELEMENTS (offered_roles); i++)
        gtk_string_list_append (roles, g_dpgettext2 (NULL, "role", offered_roles[i].title));
      adw_combo_row_set_model (form->role, G_LIST_MODEL (roles));
      g_signal_connect_swapped (form->new_username, "changed", G_CALLBACK (form_changed), form);
      g_signal_connect_swapped (form->full_name, "changed", G_CALLBACK (form_changed), form);
    }
  form->password = GTK_EDITABLE (form_entry (list, ADW_TYPE_PASSWORD_ENTRY_ROW, "password", _("Password or PIN")));
  form->again = GTK_EDITABLE (form_entry (list, ADW_TYPE_PASSWORD_ENTRY_ROW, "password-again", _("Repeat it")));
  g_signal_connect_swapped (form->password, "changed", G_CALLBACK (form_changed), form);
  g_signal_connect_swapped (form->again, "changed", G_CALLBACK (form_changed), form);

  form->problem = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (form->problem, TRUE);
  gtk_label_set_xalign (form->problem, 0);
  gtk_widget_add_css_class (GTK_WIDGET (form->problem), "dim-label");
  gtk_widget_set_name (GTK_WIDGET (form->problem), "problem");
  gtk_box_append (GTK_BOX (box), list);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (form->problem));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "accept", accept, NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "accept", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "accept");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "motcua-form", form, (GDestroyNotify) form_free);
  g_signal_connect (dialog, "response", G_CALLBACK (release_focus), NULL);
  form_changed (form);
  return ADW_MESSAGE_DIALOG (dialog);
}

static void
on_password_response (AdwMessageDialog *dialog, const char *response, Form *form)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (g_strcmp0 (response, "accept") != 0 || !form_is_ready (form) || !allowed (form->page))
    return;
  if (!motcua_store_set_password (form->page->store, form->username, gtk_editable_get_text (form->password), &error))
    {
      toast (form->page, error->message);
      return;
    }
  message = g_strdup_printf (_("New password set for %s"), form->username);
  toast (form->page, message);
}

static void
on_password_clicked (GtkButton *button, MotcuaUsersPage *self)
{
  Form *form = g_new0 (Form, 1);
  g_autofree char *heading = NULL;
  AdwMessageDialog *dialog;

  form->page = g_object_ref (self);
  form->username = g_strdup (g_object_get_data (G_OBJECT (button), "motcua-username"));
  heading = g_strdup_printf (_("New Password for %s"), form->username);
  dialog = form_dialog (self, form, heading, _("The old password stops working at once."), _("_Set Password"));
  g_signal_connect (dialog, "response", G_CALLBACK (on_password_response), form);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- adding ------------------------------------------------------------------------- */

static void
on_add_response (AdwMessageDialog *dialog, const char *response, Form *form)
{
  const char *username = gtk_editable_get_text (form->new_username);
  guint role = adw_combo_row_get_selected (form->role);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (g_strcmp0 (response, "accept") != 0 || !form_is_ready (form) || !allowed (form->page))
    return;
  if (!motcua_store_create_user (form->page->store, username, gtk_editable_get_text (form->full_name),
                                 offered_roles[MIN (role, G_N_ELEMENTS (offered_roles) - 1)].role,
                                 gtk_editable_get_text (form->password), &error))
    {
      toast (form->page, error->message);
      return;
    }
  motcua_users_page_reload (form->page);
  message = g_strdup_printf (_("%s can now sign in"), username);
  toast (form->page, message);
}

static void
on_add_clicked (MotcuaUsersPage *self)
{
  Form *form = g_new0 (Form, 1);
  AdwMessageDialog *dialog;

  form->page = g_object_ref (self);
  dialog = form_dialog (self, form, _("Add User"),
                        _("They sign in with this user name and password; the role decides what they may do."),
                        _("_Add"));
  g_signal_connect (dialog, "response", G_CALLBACK (on_add_response), form);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- the list ----------------------------------------------------------------------- */

static GtkWidget *
user_row (MotcuaUsersPage *self, const MotcuaUser *user, const char *current)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *password = gtk_button_new_with_label (_("Set Password…"));
  GtkWidget *enabled = gtk_switch_new ();
  g_autofree char *subtitle = describe_user (user);
  g_autofree char *name = g_strdup_printf ("user-%s", user->username);
  g_autofree char *switch_label = g_strdup_printf (_("Account of %s enabled"), user->full_name);
  g_autofree char *password_label = g_strdup_printf (_("Set a new password for %s"), user->full_name);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), user->full_name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_name (row, name);

  gtk_widget_set_valign (password, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (password, "flat");
  gtk_widget_set_name (password, "set-password");
  gtk_accessible_update_property (GTK_ACCESSIBLE (password), GTK_ACCESSIBLE_PROPERTY_LABEL, password_label, -1);
  g_object_set_data_full (G_OBJECT (password), "motcua-username", g_strdup (user->username), g_free);
  g_signal_connect (password, "clicked", G_CALLBACK (on_password_clicked), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), password);

  gtk_widget_set_valign (enabled, GTK_ALIGN_CENTER);
  gtk_widget_set_name (enabled, "enabled");
  gtk_switch_set_active (GTK_SWITCH (enabled), !user->disabled);
  gtk_accessible_update_property (GTK_ACCESSIBLE (enabled), GTK_ACCESSIBLE_PROPERTY_LABEL, switch_label, -1);
  /* Nobody locks themselves out: another administrator can disable this account. */
  if (g_strcmp0 (user->username, current) == 0)
    {
      gtk_widget_set_sensitive (enabled, FALSE);
      gtk_widget_set_tooltip_text (enabled, _("You are signed in with this account"));
    }
  else
    gtk_widget_set_tooltip_text (enabled, _("Off: the account can no longer sign in; its name stays in the journals"));
  g_object_set_data_full (G_OBJECT (enabled), "motcua-username", g_strdup (user->username), g_free);
  g_signal_connect (enabled, "notify::active", G_CALLBACK (on_enabled_changed), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), enabled);
  return row;
}

void
motcua_users_page_reload (MotcuaUsersPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) users = NULL;
  g_autofree char *current = NULL;

  g_return_if_fail (MOTCUA_IS_USERS_PAGE (self));

  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (self->users_group, g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);
  if ((users = motcua_store_list_users (self->store, &error)) == NULL)
    {
      toast (self, error->message);
      return;
    }
  current = motcua_store_get_current_user (self->store, NULL);
  for (guint i = 0; i < users->len; i++)
    {
      GtkWidget *row = user_row (self, g_ptr_array_index (users, i), current);

      adw_preferences_group_add (self->users_group, row);
      g_ptr_array_add (self->rows, row);
    }
}

/* ---- the page ----------------------------------------------------------------------- */

static void
motcua_users_page_dispose (GObject *object)
{
  MotcuaUsersPage *self = MOTCUA_USERS_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), MOTCUA_TYPE_USERS_PAGE);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (motcua_users_page_parent_class)->dispose (object);
}

static void
motcua_users_page_class_init (MotcuaUsersPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = motcua_users_page_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/motcua/Desk/motcua-users-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MotcuaUsersPage, users_group);
  gtk_widget_class_bind_template_callback (widget_class, on_add_clicked);
}

static void
motcua_users_page_init (MotcuaUsersPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_ptr_array_new ();
}

GtkWidget *
motcua_users_page_new (MotcuaStore *store)
{
  MotcuaUsersPage *self;

  g_return_val_if_fail (MOTCUA_IS_STORE (store), NULL);

  self = g_object_new (MOTCUA_TYPE_USERS_PAGE, NULL);
  self->store = g_object_ref (store);
  motcua_users_page_reload (self);
  return GTK_WIDGET (self);
}
