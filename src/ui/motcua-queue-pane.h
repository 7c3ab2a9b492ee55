/* motcua-queue-pane.h: the queue of dossiers, paged from SQLite. */
#pragma once

#include <gtk/gtk.h>

#include "motcua-dossier-list.h"
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

/* The selected dossier's code, or NULL. */
const char        *motcua_queue_pane_get_selected_code (MotcuaQueuePane   *self);
void               motcua_queue_pane_set_filter        (MotcuaQueuePane   *self,
                                                        MotcuaQueueFilter  filter);
MotcuaQueueFilter  motcua_queue_pane_get_filter        (MotcuaQueuePane   *self);
/* Puts @text in the search entry and applies it at once (what typing does after the
 * entry's short delay). */
void               motcua_queue_pane_set_search_text   (MotcuaQueuePane   *self,
                                                        const char        *text);
/* The count shown beside @filter; -1 until the first count has arrived. */
gint64             motcua_queue_pane_get_filter_count  (MotcuaQueuePane   *self,
                                                        MotcuaQueueFilter  filter);

/* For tests and benchmarks. */
MotcuaDossierList *motcua_queue_pane_get_model         (MotcuaQueuePane   *self);
gboolean           motcua_queue_pane_shows_empty_state (MotcuaQueuePane   *self);
/* TRUE once the counts are shown and the list has rows on screen (or shows its empty
 * state): what a clerk needs to start work. */
gboolean           motcua_queue_pane_is_populated      (MotcuaQueuePane   *self);
/* Bytes of the search index read ahead for this office; 0 until that is done. */
guint64            motcua_queue_pane_get_search_read_ahead (MotcuaQueuePane *self);

G_END_DECLS
