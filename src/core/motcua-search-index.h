/* motcua-search-index.h: accent-insensitive search over dossiers.
 *
 * Owns its own tables inside the store's database (the store runs
 * motcua_search_index_schema() in a migration and calls put/remove inside its own
 * transactions). Searches code, applicant name, ID number, phone and procedure name,
 * with prefix matching; results come ranked, best first.
 */
#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

G_BEGIN_DECLS

typedef struct {
  const char *code;
  const char *applicant_name;
  const char *id_number;
  const char *phone;
  const char *procedure_name;
} MotcuaSearchFields;

#define MOTCUA_TYPE_SEARCH_INDEX (motcua_search_index_get_type ())
G_DECLARE_FINAL_TYPE (MotcuaSearchIndex, motcua_search_index, MOTCUA, SEARCH_INDEX, GObject)

/* SQL creating the index tables (run once, in a migration). */
const char        *motcua_search_index_schema (void);

/* @db is borrowed and must outlive the index. */
MotcuaSearchIndex *motcua_search_index_new    (sqlite3                  *db);
/* Adds or replaces the entry of @dossier_id. Inside the caller's transaction it
 * commits or rolls back with it; called outside one, it is atomic on its own. */
gboolean           motcua_search_index_put    (MotcuaSearchIndex        *self,
                                               gint64                    dossier_id,
                                               const MotcuaSearchFields *fields,
                                               GError                  **error);
gboolean           motcua_search_index_remove (MotcuaSearchIndex        *self,
                                               gint64                    dossier_id,
                                               GError                  **error);
/* Dossier ids (gint64) matching every word of @text, best first, at most @limit.
 * Empty text gives an empty array. A whole code, ID number or phone (punctuation and
 * spaces ignored) gives only the dossiers it names. A broad query ranks among its
 * most recent matches (a few hundred, newest first), not all of them. */
GArray            *motcua_search_index_query  (MotcuaSearchIndex        *self,
                                               const char               *text,
                                               guint                     limit,
                                               GError                  **error);
/* Reads every page of the index once, on @db (a connection of the caller's thread),
 * so that the operating system holds them when the clerk starts typing. Checks
 * @cancellable between rows; @bytes_read (may be NULL) is what was read. */
gboolean           motcua_search_index_warm   (sqlite3                  *db,
                                               GCancellable             *cancellable,
                                               guint64                  *bytes_read,
                                               GError                  **error);

G_END_DECLS
