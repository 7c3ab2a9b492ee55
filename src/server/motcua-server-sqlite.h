/* motcua-server-sqlite.h: the server's storage in one SQLite file.
 *
 * WAL (the server reads while an admin command writes), foreign keys, numbered
 * migrations in user_version, cached prepared statements, one transaction per write
 * and synchronous = FULL: what the server has answered "accepted" survives a crash.
 */
#pragma once

#include "motcua-server-storage.h"

G_BEGIN_DECLS

#define MOTCUA_SERVER_SQLITE_SCHEMA_VERSION 1

#define MOTCUA_TYPE_SERVER_SQLITE (motcua_server_sqlite_get_type ())
G_DECLARE_FINAL_TYPE (MotcuaServerSqlite, motcua_server_sqlite, MOTCUA, SERVER_SQLITE, GObject)

/* Opens @path, creating and migrating it when needed. */
MotcuaServerSqlite *motcua_server_sqlite_open (const char  *path,
                                               GError     **error);

G_END_DECLS
