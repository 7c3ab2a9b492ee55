/* motcua-users-page.h: the administrator's list of the workstation's accounts.
 *
 * A page of the preferences: every user with their role, a switch that disables or
 * enables the account, a way to set a new password, and a dialog that adds a user.
 * The core checks every change (an administrator only, strong passwords), so the
 * page does what `motcua user` does, under the same rules.
 */
#pragma once

#include <adwaita.h>

#include "motcua-store.h"

G_BEGIN_DECLS

#define MOTCUA_TYPE_USERS_PAGE (motcua_users_page_get_type ())
G_DECLARE_FINAL_TYPE (MotcuaUsersPage, motcua_users_page, MOTCUA, USERS_PAGE, AdwPreferencesPage)

GtkWidget *motcua_users_page_new    (MotcuaStore     *store);
/* Reads the users again, as another program (the command line) may have changed them. */
void       motcua_users_page_reload (MotcuaUsersPage *self);

G_END_DECLS
