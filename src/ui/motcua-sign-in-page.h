/* motcua-sign-in-page.h: who is at the keyboard.
 *
 * Two faces: choosing a user of the workstation and typing their password or PIN
 * (signing in, switching user), or unlocking a locked window for the user already
 * signed in (with a way to switch user instead). The store judges the password and
 * keeps the count of wrong attempts.
 */
#pragma once

#include <adwaita.h>

#include "motcua-store.h"

G_BEGIN_DECLS

#define MOTCUA_TYPE_SIGN_IN_PAGE (motcua_sign_in_page_get_type ())

G_DECLARE_FINAL_TYPE (MotcuaSignInPage, motcua_sign_in_page, MOTCUA, SIGN_IN_PAGE, AdwBin)

GtkWidget  *motcua_sign_in_page_new        (void);
void        motcua_sign_in_page_set_store  (MotcuaSignInPage *self,
                                            MotcuaStore      *store);
/* Lists the enabled users, @preferred (may be NULL) selected. */
void        motcua_sign_in_page_choose     (MotcuaSignInPage *self,
                                            const char       *preferred);
/* Only @username may unlock; "Switch User" offered. */
void        motcua_sign_in_page_unlock     (MotcuaSignInPage *self,
                                            const char       *username);
/* The user whose password the page asks for; NULL when none is chosen. */
const char *motcua_sign_in_page_get_username (MotcuaSignInPage *self);
/* Puts the keyboard focus in the password field. */
void        motcua_sign_in_page_focus      (MotcuaSignInPage *self);

G_END_DECLS
