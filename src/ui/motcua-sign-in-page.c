/* motcua-sign-in-page.c: choosing a user and checking their password or PIN. */

#include <glib/gi18n.h>

#include "motcua-sign-in-page.h"
#include "motcua-store-users.h"

struct _MotcuaSignInPage
{
  AdwBin            parent_instance;

  /* Template widgets */
  GtkLabel         *title_label;
  GtkLabel         *description_label;
  GtkListBox       *users_list;
  GtkPasswordEntry *password_entry;
  GtkLabel         *error_label;
  GtkButton        *sign_in_button;
  GtkButton        *switch_button;

  MotcuaStore      *store;
  char             *username;     /* whose password is asked for */
  gboolean          unlocking;
};

G_DEFINE_FINAL_TYPE (MotcuaSignInPage, motcua_sign_in_page, ADW_TYPE_BIN)

enum {
  SIGNED_IN,
  SWITCH_USER,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
show_error (MotcuaSignInPage *self, const char *message)
{
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
  /* A screen reader hears why signing in failed, not only that the field emptied. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->password_entry), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  message ? message : "", -1);
}

static void
set_username (MotcuaSignInPage *self, const char *username)
{
  g_free (self->username);
  self->username = g_strdup (username);
  gtk_widget_set_sensitive (GTK_WIDGET (self->sign_in_button), username != NULL);
}

static void
clear_password (MotcuaSignInPage *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->password_entry), "");
}

static void
sign_in (MotcuaSignInPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaUser) user = NULL;
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_entry));

  if (self->username == NULL || self->store == NULL)
    {
      show_error (self, _("Choose who is signing in."));
      return;
    }
  user = motcua_store_authenticate (self->store, self->username, password, NULL, &error);
  clear_password (self);
  if (user == NULL)
    {
      show_error (self, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->password_entry));
      return;
    }
  show_error (self, NULL);
  g_signal_emit (self, signals[SIGNED_IN], 0, user->username);
}

static void
on_row_selected (MotcuaSignInPage *self, GtkListBoxRow *row)
{
  if (self->unlocking)
    return;
  set_username (self, row ? gtk_widget_get_name (GTK_WIDGET (row)) : NULL);
  show_error (self, NULL);
}

static void
on_row_activated (MotcuaSignInPage *self, GtkListBoxRow *row)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->password_entry));
}

static void
on_switch_clicked (MotcuaSignInPage *self)
{
  g_signal_emit (self, signals[SWITCH_USER], 0);
}

static GtkWidget *
user_row_new (MotcuaUser *user)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name ("avatar-default-symbolic");

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), user->full_name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), motcua_role_label (user->role));
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  /* Rows are found again (and by the tests) by user name. */
  gtk_widget_set_name (row, user->username);
  return row;
}

static void
remove_rows (MotcuaSignInPage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->users_list))) != NULL)
    gtk_list_box_remove (self->users_list, child);
}

void
motcua_sign_in_page_choose (MotcuaSignInPage *self, const char *preferred)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) users = NULL;
  GtkListBoxRow *selected = NULL;

  g_return_if_fail (MOTCUA_IS_SIGN_IN_PAGE (self));

  self->unlocking = FALSE;
  remove_rows (self);
  set_username (self, NULL);
  clear_password (self);
  show_error (self, NULL);
  gtk_label_set_text (self->title_label, _("Who Is Signing In?"));
  gtk_label_set_text (self->description_label, _("Choose your name and type your password or PIN."));
  gtk_widget_set_visible (GTK_WIDGET (self->users_list), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->switch_button), FALSE);
  gtk_button_set_label (self->sign_in_button, _("_Sign In"));

  if (self->store == NULL || (users = motcua_store_list_users (self->store, &error)) == NULL)
    {
      show_error (self, error ? error->message : NULL);
      return;
    }
  for (guint i = 0; i < users->len; i++)
    {
      MotcuaUser *user = g_ptr_array_index (users, i);
      GtkWidget *row;

      if (user->disabled)
        continue;
      row = user_row_new (user);
      gtk_list_box_append (self->users_list, row);
      if (selected == NULL || g_strcmp0 (user->username, preferred) == 0)
        selected = GTK_LIST_BOX_ROW (row);
    }
  if (selected != NULL)
    gtk_list_box_select_row (self->users_list, selected);
}

void
motcua_sign_in_page_unlock (MotcuaSignInPage *self, const char *username)
{
  g_autoptr(MotcuaUser) user = NULL;
  g_autofree char *description = NULL;

  g_return_if_fail (MOTCUA_IS_SIGN_IN_PAGE (self));

  user = self->store ? motcua_store_get_user (self->store, username, NULL) : NULL;
  self->unlocking = TRUE;
  remove_rows (self);
  set_username (self, username);
  clear_password (self);
  show_error (self, NULL);
  description = g_strdup_printf (_("Signed in as %s. Type the password or PIN to go on, or switch user."),
                                 user ? user->full_name : username);
  gtk_label_set_text (self->title_label, _("This Workstation Is Locked"));
  gtk_label_set_text (self->description_label, description);
  gtk_widget_set_visible (GTK_WIDGET (self->users_list), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->switch_button), TRUE);
  gtk_button_set_label (self->sign_in_button, _("_Unlock"));
}

const char *
motcua_sign_in_page_get_username (MotcuaSignInPage *self)
{
  g_return_val_if_fail (MOTCUA_IS_SIGN_IN_PAGE (self), NULL);
  return self->username;
}

void
motcua_sign_in_page_focus (MotcuaSignInPage *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->password_entry));
}

void
motcua_sign_in_page_set_store (MotcuaSignInPage *self, MotcuaStore *store)
{
  g_return_if_fail (MOTCUA_IS_SIGN_IN_PAGE (self));
  g_set_object (&self->store, store);
}

static void
motcua_sign_in_page_dispose (GObject *object)
{
  MotcuaSignInPage *self = MOTCUA_SIGN_IN_PAGE (object);

  /* The list unselects its rows as it goes: not a choice of user any more. */
  if (self->users_list != NULL)
    g_signal_handlers_disconnect_by_data (self->users_list, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), MOTCUA_TYPE_SIGN_IN_PAGE);
  g_clear_object (&self->store);
  g_clear_pointer (&self->username, g_free);
  G_OBJECT_CLASS (motcua_sign_in_page_parent_class)->dispose (object);
}

static void
motcua_sign_in_page_class_init (MotcuaSignInPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = motcua_sign_in_page_dispose;

  /* The user name of whoever signed in or unlocked. */
  signals[SIGNED_IN] = g_signal_new ("signed-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                     NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* "Switch User" on the lock page. */
  signals[SWITCH_USER] = g_signal_new ("switch-user", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                       NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/motcua/Desk/motcua-sign-in-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MotcuaSignInPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, MotcuaSignInPage, description_label);
  gtk_widget_class_bind_template_child (widget_class, MotcuaSignInPage, users_list);
  gtk_widget_class_bind_template_child (widget_class, MotcuaSignInPage, password_entry);
  gtk_widget_class_bind_template_child (widget_class, MotcuaSignInPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, MotcuaSignInPage, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, MotcuaSignInPage, switch_button);
}

static void
motcua_sign_in_page_init (MotcuaSignInPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self->sign_in_button, "clicked", G_CALLBACK (sign_in), self);
  g_signal_connect_swapped (self->password_entry, "activate", G_CALLBACK (sign_in), self);
  g_signal_connect_swapped (self->switch_button, "clicked", G_CALLBACK (on_switch_clicked), self);
  g_signal_connect_swapped (self->users_list, "row-selected", G_CALLBACK (on_row_selected), self);
  g_signal_connect_swapped (self->users_list, "row-activated", G_CALLBACK (on_row_activated), self);
}

GtkWidget *
motcua_sign_in_page_new (void)
{
  return g_object_new (MOTCUA_TYPE_SIGN_IN_PAGE, NULL);
}
