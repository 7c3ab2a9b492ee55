/* motcua-queue-pane.h: the queue of dossiers, paged from SQLite. */
#pragma once

#include <gtk/gtk.h>

#include "motcua-store.h"

G_BEGIN_DECLS

#define MOTCUA_TYPE_QUEUE_PANE (motcua_queue_pane_get_type ())
G_DECLARE_FINAL_TYPE (MotcuaQueuePane, motcua_queue_pane, MOTCUA, QUEUE_PANE, GtkWidget)

/* Signals: "dossier-selected" (const char *code) when the selection moves,
 *          "dossier-activated" (const char *code) on Enter / double click. */
GtkWidget *motcua_queue_pane_new           (void);
void       motcua_queue_pane_set_store     (MotcuaQueuePane *self,
                                            MotcuaStore     *store);
/* Re-reads counts and rows (after a receive or an action), keeping the selection. */
void       motcua_queue_pane_reload        (MotcuaQueuePane *self);
void       motcua_queue_pane_focus_search  (MotcuaQueuePane *self);
void       motcua_queue_pane_select_next   (MotcuaQueuePane *self);
void       motcua_queue_pane_select_previous (MotcuaQueuePane *self);
gboolean   motcua_queue_pane_select_code   (MotcuaQueuePane *self,
                                            const char      *code);

G_END_DECLS
