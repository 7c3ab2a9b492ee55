/* motcua-sqlite.c: see motcua-sqlite.h. */

#include "motcua-sqlite.h"

sqlite3_stmt *
motcua_sqlite_prepare_cached (sqlite3 *db, GHashTable *cache, const char *sql, int *rc)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (cache, sql);

  *rc = SQLITE_OK;
  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }
  /* Persistent: these statements live as long as the connection. */
  *rc = sqlite3_prepare_v3 (db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (*rc != SQLITE_OK)
    return NULL;
  g_hash_table_insert (cache, (gpointer) sql, stmt);
  return stmt;
}

void
motcua_sqlite_bind_text (sqlite3_stmt *stmt, int index, const char *value)
{
  if (value != NULL)
    sqlite3_bind_text (stmt, index, value, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

char *
motcua_sqlite_column_text (sqlite3_stmt *stmt, int index)
{
  const unsigned char *text = sqlite3_column_text (stmt, index);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}
