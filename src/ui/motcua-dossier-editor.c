/* STUB: being written by a helper; replaced wholesale. */
#include "motcua-dossier-editor.h"
struct _MotcuaDossierEditor { GtkWidget parent_instance; GtkWidget *label; char *code; };
G_DEFINE_FINAL_TYPE (MotcuaDossierEditor, motcua_dossier_editor, GTK_TYPE_WIDGET)
static void motcua_dossier_editor_dispose (GObject *o) { MotcuaDossierEditor *self = (MotcuaDossierEditor *) o; g_clear_pointer (&self->label, gtk_widget_unparent); g_clear_pointer (&self->code, g_free); G_OBJECT_CLASS (motcua_dossier_editor_parent_class)->dispose (o); }
static void motcua_dossier_editor_class_init (MotcuaDossierEditorClass *klass) { G_OBJECT_CLASS (klass)->dispose = motcua_dossier_editor_dispose; gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT); g_signal_new ("attachment-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING); g_signal_new ("dossier-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING); g_signal_new ("toast", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING); }
static void motcua_dossier_editor_init (MotcuaDossierEditor *self) { self->label = gtk_label_new ("editor"); gtk_widget_set_parent (self->label, GTK_WIDGET (self)); }
GtkWidget *motcua_dossier_editor_new (void) { return g_object_new (MOTCUA_TYPE_DOSSIER_EDITOR, NULL); }
void motcua_dossier_editor_set_store (MotcuaDossierEditor *self, MotcuaStore *store) {}
void motcua_dossier_editor_show_dossier (MotcuaDossierEditor *self, const char *code) { g_free (self->code); self->code = g_strdup (code); gtk_label_set_text (GTK_LABEL (self->label), code ? code : "editor"); }
const char *motcua_dossier_editor_get_code (MotcuaDossierEditor *self) { return self->code; }
void motcua_dossier_editor_open_attachment (MotcuaDossierEditor *self) {}
