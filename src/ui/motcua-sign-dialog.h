/* motcua-sign-dialog.h: the leader signs an approval (ký duyệt).
 *
 * Chooses a certificate on the office's token (PKCS#11) or a .p12 key file, asks for
 * the PIN, and approves the dossier with a signature (docs/signatures.md). Opening the
 * key and signing run off the main thread, on a connection of their own to the
 * profile's database; a wrong or locked PIN is said plainly and nothing is saved.
 */
#pragma once

#include <adwaita.h>

#include "motcua-store.h"

G_BEGIN_DECLS

#define MOTCUA_TYPE_SIGN_DIALOG (motcua_sign_dialog_get_type ())
G_DECLARE_FINAL_TYPE (MotcuaSignDialog, motcua_sign_dialog, MOTCUA, SIGN_DIALOG, AdwWindow)

/* Signal: "approved" (const char *code) once the signed approval is saved; the dialog
 * then closes. @note goes into the approval's journal entry. */
MotcuaSignDialog *motcua_sign_dialog_new           (GtkWindow        *parent,
                                                    MotcuaStore      *store,
                                                    const char       *code,
                                                    const char       *note);

/* What the leader would do with the keyboard and the file chooser, for tests. */
void              motcua_sign_dialog_set_key_file  (MotcuaSignDialog *self,
                                                    const char       *path);
void              motcua_sign_dialog_set_pin       (MotcuaSignDialog *self,
                                                    const char       *pin);
void              motcua_sign_dialog_sign          (MotcuaSignDialog *self);
/* The error shown, or NULL; whether signing is under way. */
const char       *motcua_sign_dialog_get_error     (MotcuaSignDialog *self);
gboolean          motcua_sign_dialog_is_busy       (MotcuaSignDialog *self);

G_END_DECLS
