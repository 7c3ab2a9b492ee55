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

/* What the clerk would do with the keyboard, for tests and scripted demos. */

/* Chooses the procedure with @code (as Enter on it in the list) and shows its
 * checklist; FALSE when the catalog has no such procedure. */
gboolean    motcua_receive_dialog_select_procedure      (MotcuaReceiveDialog *self,
                                                         const char          *code);
/* Ticks or unticks document @index of the chosen procedure (catalog order). */
void        motcua_receive_dialog_set_document_provided (MotcuaReceiveDialog *self,
                                                         guint                index,
                                                         gboolean             provided);
/* Required documents not ticked. */
guint       motcua_receive_dialog_get_missing_count     (MotcuaReceiveDialog *self);
/* The due line as shown ("Due: 17:00 Monday 23/11/2026 (same day)"), or NULL
 * before a procedure is chosen. */
char       *motcua_receive_dialog_get_due_text          (MotcuaReceiveDialog *self);
/* "procedure", "documents", "applicant", "confirm" or "done". */
const char *motcua_receive_dialog_get_step              (MotcuaReceiveDialog *self);
/* The code of the dossier this dialog created, or NULL. */
const char *motcua_receive_dialog_get_issued_code       (MotcuaReceiveDialog *self);
/* The slip its "Print" button prints ("01", "02" or "03"), or NULL before a dossier exists. */
const char *motcua_receive_dialog_get_slip_form         (MotcuaReceiveDialog *self);

G_END_DECLS
