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
/* NULL shows the empty state. Showing the code already shown reloads it from the
 * store and keeps a form in progress. */
void        motcua_dossier_editor_show_dossier    (MotcuaDossierEditor *self,
                                                   const char          *code);
const char *motcua_dossier_editor_get_code        (MotcuaDossierEditor *self);
/* Opens the first (or selected) attachment in the viewer. */
void        motcua_dossier_editor_open_attachment (MotcuaDossierEditor *self);
/* Opens the shown dossier's "Print a slip" menu; FALSE when there is none to open. */
gboolean    motcua_dossier_editor_show_print_menu (MotcuaDossierEditor *self);
/* For review: a dossier awaiting approval opens its draft result (the document its
 * approval would sign) in the viewer beside it. FALSE when there is nothing to review. */
gboolean    motcua_dossier_editor_open_result     (MotcuaDossierEditor *self);
guint       motcua_dossier_editor_get_n_attachments (MotcuaDossierEditor *self);
/* Whether the user may attach files to the dossier shown, in its status. */
gboolean    motcua_dossier_editor_can_attach      (MotcuaDossierEditor *self);
/* Shows the dossier's attachment @index (counted from the end when negative: -1 is the
 * newest) when it is on this workstation; FALSE, and nothing shown, otherwise. */
gboolean    motcua_dossier_editor_preview_attachment (MotcuaDossierEditor *self,
                                                      int                  index);

/* Opens the form of @action, as its button does; FALSE when the workflow does not
 * offer @action to the current user in this status. */
gboolean    motcua_dossier_editor_begin_action    (MotcuaDossierEditor *self,
                                                   MotcuaAction         action);
/* The action whose form is open; FALSE when none is. */
gboolean    motcua_dossier_editor_get_open_action (MotcuaDossierEditor *self,
                                                   MotcuaAction        *action);
/* A field of the open form by its payload name ("reason", "to", "missing-other",
 * "new_due", "method", "tracking", "recipient_name", "recipient_id_number",
 * "draft_type", "rating", "document_number", "note"), or the "notes" text view;
 * NULL when the form has no such field. For tests and assistive tools. */
GtkWidget  *motcua_dossier_editor_get_field       (MotcuaDossierEditor *self,
                                                   const char          *name);
/* Attaches files to the shown dossier: the file chooser and drag and drop end here. */
void        motcua_dossier_editor_attach_files    (MotcuaDossierEditor *self,
                                                   const char * const  *paths);
/* Combines scanned pages (JPEG/PNG, in the order given) into one PDF attachment, in a
 * worker thread; "dossier-changed" (or an error under the attachments) follows. */
void        motcua_dossier_editor_digitize_files  (MotcuaDossierEditor *self,
                                                   const char * const  *image_paths);

G_END_DECLS
