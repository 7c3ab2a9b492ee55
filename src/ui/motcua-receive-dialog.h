/* motcua-receive-dialog.h: receiving a dossier at the counter (tiếp nhận). */
#pragma once

#include <adwaita.h>

#include "motcua-store.h"

G_BEGIN_DECLS

#define MOTCUA_TYPE_RECEIVE_DIALOG (motcua_receive_dialog_get_type ())
G_DECLARE_FINAL_TYPE (MotcuaReceiveDialog, motcua_receive_dialog, MOTCUA, RECEIVE_DIALOG, AdwWindow)

/* Signal: "received" (const char *code) once a dossier was created (received, or
 * refused / supplement requested at the counter). */
MotcuaReceiveDialog *motcua_receive_dialog_new (GtkWindow   *parent,
                                                MotcuaStore *store);

G_END_DECLS
