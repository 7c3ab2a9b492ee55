/* motcua-sqlite.h: the few SQLite chores every database of the project repeats — the
 * workstation's store and the server's storage alike — written once. */

#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* The statement for @sql from @cache (keys are the SQL string literals themselves,
 * borrowed), reset with its bindings cleared; prepared and cached on first use. NULL
 * with the SQLite result code in @rc when it cannot be prepared. */
sqlite3_stmt *motcua_sqlite_prepare_cached (sqlite3      *db,
                                            GHashTable   *cache,
                                            const char   *sql,
                                            int          *rc);
/* NULL binds SQL NULL. */
void          motcua_sqlite_bind_text      (sqlite3_stmt *stmt,
                                            int           index,
                                            const char   *value);
/* A copy of the column's text, or NULL for SQL NULL. */
char         *motcua_sqlite_column_text    (sqlite3_stmt *stmt,
                                            int           index);

G_END_DECLS
