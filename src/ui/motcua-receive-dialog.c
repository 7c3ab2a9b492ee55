/* STUB: being written by a helper; replaced wholesale. */
#include "motcua-receive-dialog.h"
struct _MotcuaReceiveDialog { AdwWindow parent_instance; MotcuaStore *store; };
G_DEFINE_FINAL_TYPE (MotcuaReceiveDialog, motcua_receive_dialog, ADW_TYPE_WINDOW)
static void motcua_receive_dialog_dispose (GObject *o) { MotcuaReceiveDialog *self = (MotcuaReceiveDialog *) o; g_clear_object (&self->store); G_OBJECT_CLASS (motcua_receive_dialog_parent_class)->dispose (o); }
static void motcua_receive_dialog_class_init (MotcuaReceiveDialogClass *klass) { G_OBJECT_CLASS (klass)->dispose = motcua_receive_dialog_dispose; g_signal_new ("received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING); }
static void motcua_receive_dialog_init (MotcuaReceiveDialog *self) {}
MotcuaReceiveDialog *motcua_receive_dialog_new (GtkWindow *parent, MotcuaStore *store) { MotcuaReceiveDialog *d = g_object_new (MOTCUA_TYPE_RECEIVE_DIALOG, "transient-for", parent, "modal", TRUE, NULL); d->store = g_object_ref (store); return d; }
