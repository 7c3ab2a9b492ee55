/* STUB: being written by a helper; replaced wholesale. */
#include "motcua-queue-pane.h"
struct _MotcuaQueuePane { GtkWidget parent_instance; GtkWidget *label; };
G_DEFINE_FINAL_TYPE (MotcuaQueuePane, motcua_queue_pane, GTK_TYPE_WIDGET)
static void motcua_queue_pane_dispose (GObject *o) { MotcuaQueuePane *self = (MotcuaQueuePane *) o; g_clear_pointer (&self->label, gtk_widget_unparent); G_OBJECT_CLASS (motcua_queue_pane_parent_class)->dispose (o); }
static void motcua_queue_pane_class_init (MotcuaQueuePaneClass *klass) { G_OBJECT_CLASS (klass)->dispose = motcua_queue_pane_dispose; gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT); g_signal_new ("dossier-selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING); g_signal_new ("dossier-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING); }
static void motcua_queue_pane_init (MotcuaQueuePane *self) { self->label = gtk_label_new ("queue"); gtk_widget_set_parent (self->label, GTK_WIDGET (self)); }
GtkWidget *motcua_queue_pane_new (void) { return g_object_new (MOTCUA_TYPE_QUEUE_PANE, NULL); }
void motcua_queue_pane_set_store (MotcuaQueuePane *self, MotcuaStore *store) {}
void motcua_queue_pane_reload (MotcuaQueuePane *self) {}
void motcua_queue_pane_focus_search (MotcuaQueuePane *self) {}
void motcua_queue_pane_select_next (MotcuaQueuePane *self) {}
void motcua_queue_pane_select_previous (MotcuaQueuePane *self) {}
gboolean motcua_queue_pane_select_code (MotcuaQueuePane *self, const char *code) { return FALSE; }
