/* motcua-dossier-editor.h: one dossier: header, applicant, documents, attachments,
 * journal, and the actions the workflow allows. */
#pragma once

#include <gtk/gtk.h>

#include "motcua-store.h"

G_BEGIN_DECLS

#define MOTCUA_TYPE_DOSSIER_EDITOR (motcua_dossier_editor_get_type ())
G_DECLARE_FINAL_TYPE (MotcuaDossierEditor, motcua_dossier_editor, MOTCUA, DOSSIER_EDITOR, GtkWidget)

/* Signals: "attachment-activated" (const char *path, const char *mime_type, const char *name),
 *          "dossier-changed" (const char *code) after an action was saved,
 *          "toast" (const char *message) for outcomes the window shows. */
GtkWidget  *motcua_dossier_editor_new             (void);
void        motcua_dossier_editor_set_store       (MotcuaDossierEditor *self,
                                                   MotcuaStore         *store);
/* NULL shows the empty state. */
void        motcua_dossier_editor_show_dossier    (MotcuaDossierEditor *self,
                                                   const char          *code);
const char *motcua_dossier_editor_get_code        (MotcuaDossierEditor *self);
/* Opens the first (or selected) attachment in the viewer. */
void        motcua_dossier_editor_open_attachment (MotcuaDossierEditor *self);

G_END_DECLS
