/* motcua-dossier-list.h: a GListModel of dossiers that pages rows from SQLite on
 * demand, never loading them all (the queue).
 *
 * The number of items comes from a COUNT with the current filter; an item is read
 * with the page of rows around it, and only a few pages are kept. A search replaces
 * the SQL order by the search index's ranking and holds at most a few hundred ids.
 *
 * Items are MotcuaDossier objects with every column of the dossier row but without
 * their documents and attachments (the queue shows neither); motcua_store_get_dossier()
 * gives the whole dossier.
 */
#pragma once

#include <gio/gio.h>

#include "motcua-store.h"

G_BEGIN_DECLS

/* What the queue shows. "Open" below means not finished: statuses 1, 2, 4, 5, 6, 9. */
typedef enum {
  MOTCUA_QUEUE_FILTER_ALL,         /* every dossier */
  /* Open dossiers in the current user's hands: assigned to them (by username or full
   * name) or whose latest journal event is theirs. The last actor is used because
   * transfers assign units ("Công chức Tư pháp - Hộ tịch"), not people. */
  MOTCUA_QUEUE_FILTER_MINE,
  MOTCUA_QUEUE_FILTER_DUE_TODAY,   /* clock running (2, 4), due before midnight today */
  MOTCUA_QUEUE_FILTER_OVERDUE,     /* clock running (2, 4), due before now */
  MOTCUA_QUEUE_FILTER_SUPPLEMENT,  /* status 5: waiting for the applicant's documents */
  MOTCUA_QUEUE_FILTER_APPROVAL,    /* status 4 at the step awaiting approval */
  MOTCUA_QUEUE_FILTER_READY,       /* status 9: result ready to return */
  /* A journal event the server rejected, or overdue with no apology slip (Form 04)
   * issued: both need someone to act before the indicators suffer. */
  MOTCUA_QUEUE_FILTER_ATTENTION,
  MOTCUA_QUEUE_N_FILTERS
} MotcuaQueueFilter;

typedef enum {
  /* Open work first: dossiers whose clock runs (2, 4), soonest due first, so the
   * overdue ones lead; then those waiting on the applicant or the portal (1, 5, 6, 9),
   * by due date; then finished dossiers, grouped by status (returned first) and
   * latest due first. Each part is read from an index. */
  MOTCUA_QUEUE_SORT_DUE,
  MOTCUA_QUEUE_SORT_RECEIVED,      /* newest received first */
  MOTCUA_QUEUE_SORT_CODE,          /* highest code (newest) first */
} MotcuaQueueSort;

/* Stable names for settings and the command line: "all", "mine", "due-today",
 * "overdue", "supplement", "approval", "ready", "attention"; "due", "received", "code". */
const char *motcua_queue_filter_to_string   (MotcuaQueueFilter  filter);
gboolean    motcua_queue_filter_from_string (const char        *text,
                                             MotcuaQueueFilter *filter);
const char *motcua_queue_sort_to_string     (MotcuaQueueSort    sort);
gboolean    motcua_queue_sort_from_string   (const char        *text,
                                             MotcuaQueueSort   *sort);

#define MOTCUA_TYPE_DOSSIER_LIST (motcua_dossier_list_get_type ())
G_DECLARE_FINAL_TYPE (MotcuaDossierList, motcua_dossier_list, MOTCUA, DOSSIER_LIST, GObject)

/* All dossiers, by due date, until told otherwise. */
MotcuaDossierList *motcua_dossier_list_new          (MotcuaStore        *store);
MotcuaStore       *motcua_dossier_list_get_store    (MotcuaDossierList  *self);

/* Each setter re-reads the list (one items-changed over everything) when the value
 * changes. set_query changes all three with a single re-read. */
void               motcua_dossier_list_set_query    (MotcuaDossierList  *self,
                                                     MotcuaQueueFilter   filter,
                                                     MotcuaQueueSort     sort,
                                                     const char         *search);
void               motcua_dossier_list_set_filter   (MotcuaDossierList  *self,
                                                     MotcuaQueueFilter   filter);
MotcuaQueueFilter  motcua_dossier_list_get_filter   (MotcuaDossierList  *self);
void               motcua_dossier_list_set_sort     (MotcuaDossierList  *self,
                                                     MotcuaQueueSort     sort);
MotcuaQueueSort    motcua_dossier_list_get_sort     (MotcuaDossierList  *self);
/* Accent-insensitive (the store's search index); blank text lists by filter and sort
 * again. Results come best first, filtered, at most MOTCUA_DOSSIER_LIST_SEARCH_LIMIT. */
void               motcua_dossier_list_set_search   (MotcuaDossierList  *self,
                                                     const char         *search);
const char        *motcua_dossier_list_get_search   (MotcuaDossierList  *self);

#define MOTCUA_DOSSIER_LIST_SEARCH_LIMIT 200
#define MOTCUA_DOSSIER_LIST_PAGE_SIZE    50

/* Re-reads the count and drops every cached page (after a receive or an action, and
 * to move "now" on). Emits items-changed (0, old, new). */
gboolean           motcua_dossier_list_reload       (MotcuaDossierList  *self,
                                                     GError            **error);

/* Position of @code in the list, or G_MAXUINT when the filter or search excludes it. */
guint              motcua_dossier_list_find_code    (MotcuaDossierList  *self,
                                                     const char         *code);

/* The number of dossiers each filter lists (ignoring the search), at @now (NULL: the
 * store's clock). @counts has MOTCUA_QUEUE_N_FILTERS entries. */
gboolean           motcua_dossier_list_count_filters (MotcuaDossierList *self,
                                                      GDateTime         *now,
                                                      gint64            *counts,
                                                      GError           **error);
/* The same in a worker thread on its own read-only connection, so the counts of a
 * large office never hold up the window. */
void               motcua_dossier_list_count_filters_async  (MotcuaDossierList   *self,
                                                             GDateTime           *now,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
gboolean           motcua_dossier_list_count_filters_finish (MotcuaDossierList   *self,
                                                             GAsyncResult        *result,
                                                             gint64              *counts,
                                                             GError             **error);

/* Reads the search index through once in a worker thread, on its own read-only
 * connection, so that the first searches after the computer starts do not wait for
 * the disk (motcua_search_index_warm). @bytes_read may be NULL. */
void               motcua_dossier_list_warm_search_async  (MotcuaDossierList   *self,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
gboolean           motcua_dossier_list_warm_search_finish (MotcuaDossierList   *self,
                                                           GAsyncResult        *result,
                                                           guint64             *bytes_read,
                                                           GError             **error);

/* For tests and benchmarks: rows read from SQL since the list was made, and rows
 * held in cached pages now. */
guint64            motcua_dossier_list_get_n_loaded_rows (MotcuaDossierList *self);
guint              motcua_dossier_list_get_n_cached_rows (MotcuaDossierList *self);

G_END_DECLS
