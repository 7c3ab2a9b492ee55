/* motcua-server-sqlite.c: MotcuaServerStorage in SQLite. */

#include <errno.h>
#include <sqlite3.h>

#include "motcua-codes.h"
#include "motcua-time.h"
#include "motcua-server-sqlite.h"
#include "motcua-sqlite.h"

struct _MotcuaServerSqlite
{
  GObject     parent_instance;

  char       *path;
  sqlite3    *db;
  GHashTable *statements;   /* SQL text (static) → sqlite3_stmt */

  /* read_feed's connections, for any thread; they outnumber the threads that ever
   * read at once only briefly, since each goes back here after one read. */
  GMutex      readers_lock;
  GPtrArray  *idle_readers; /* Reader* */
};

/* A read-only connection of its own and its statements, used by one thread at a time. */
typedef struct {
  sqlite3    *db;
  GHashTable *statements;
} Reader;

static void storage_iface_init (MotcuaServerStorageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MotcuaServerSqlite, motcua_server_sqlite, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (MOTCUA_TYPE_SERVER_STORAGE, storage_iface_init))

/* "MCSV": a workstation's database (or another program's) is never taken for ours. */
#define SERVER_APPLICATION_ID 0x4d435356

/* Migration N brings the file from user_version N-1 to N. Never edit one that has
 * shipped: add the next. */
static const char * const migrations[] = {
  /* 1: the first schema */
  "CREATE TABLE settings ("
  "  key TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL);"

  "CREATE TABLE agencies ("
  "  code TEXT PRIMARY KEY,"
  "  name TEXT NOT NULL,"
  "  address TEXT,"
  "  created_at TEXT NOT NULL);"

  "CREATE TABLE enrolment_codes ("
  "  code_hash TEXT PRIMARY KEY,"
  "  agency_code TEXT NOT NULL REFERENCES agencies (code),"
  "  expires_at INTEGER NOT NULL,"   /* Unix time, so that expiry is one comparison */
  "  used_at TEXT,"
  "  device_id TEXT);"

  "CREATE TABLE devices ("
  "  id TEXT PRIMARY KEY,"
  "  name TEXT NOT NULL,"
  "  agency_code TEXT NOT NULL REFERENCES agencies (code),"
  "  token_hash TEXT NOT NULL UNIQUE,"
  "  enrolled_at TEXT NOT NULL,"
  "  revoked_at TEXT);"

  /* One row per dossier: its head, so that checking a pushed event is two look-ups. */
  "CREATE TABLE dossiers ("
  "  uid TEXT PRIMARY KEY,"
  "  agency_code TEXT NOT NULL REFERENCES agencies (code),"
  "  code TEXT NOT NULL,"
  "  last_seq INTEGER NOT NULL,"
  "  last_hash TEXT NOT NULL,"
  "  UNIQUE (agency_code, code));"

  /* AUTOINCREMENT: a server sequence is never given twice, even after a deletion. */
  "CREATE TABLE events ("
  "  server_seq INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  agency_code TEXT NOT NULL REFERENCES agencies (code),"
  "  op_id TEXT NOT NULL UNIQUE,"
  "  dossier_uid TEXT NOT NULL REFERENCES dossiers (uid),"
  "  seq INTEGER NOT NULL,"
  "  actor TEXT NOT NULL,"
  "  actor_role TEXT NOT NULL,"
  "  confirmed_at TEXT NOT NULL,"
  "  kind TEXT NOT NULL,"
  "  payload TEXT NOT NULL,"
  "  prev_hash TEXT NOT NULL,"
  "  hash TEXT NOT NULL,"
  "  signature BLOB,"
  "  device_id TEXT REFERENCES devices (id),"
  "  stored_at TEXT NOT NULL,"
  "  UNIQUE (dossier_uid, seq));"
  "CREATE INDEX events_feed ON events (agency_code, server_seq);"

  "CREATE TABLE code_counters ("
  "  agency_code TEXT NOT NULL REFERENCES agencies (code),"
  "  day TEXT NOT NULL,"
  "  last_seq INTEGER NOT NULL,"
  "  PRIMARY KEY (agency_code, day));"

  "CREATE TABLE code_blocks ("
  "  id INTEGER PRIMARY KEY,"
  "  agency_code TEXT NOT NULL REFERENCES agencies (code),"
  "  day TEXT NOT NULL,"
  "  first_seq INTEGER NOT NULL,"
  "  last_seq INTEGER NOT NULL,"
  "  device_id TEXT REFERENCES devices (id),"
  "  reserved_at TEXT NOT NULL);"

  "CREATE TABLE blobs ("
  "  sha256 TEXT PRIMARY KEY,"
  "  size INTEGER NOT NULL,"
  "  stored_at TEXT NOT NULL);",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == MOTCUA_SERVER_SQLITE_SCHEMA_VERSION);

/* ---- SQLite plumbing ------------------------------------------------------- */

/* @db is the connection that failed: the main one or a reader. */
static gboolean
fail_on (const char *path, sqlite3 *db, int rc, GError **error)
{
  int code = (rc & 0xff) == SQLITE_CONSTRAINT ? MOTCUA_SERVER_STORAGE_ERROR_EXISTS
                                              : MOTCUA_SERVER_STORAGE_ERROR_FAILED;
  const char *detail = db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  g_set_error (error, MOTCUA_SERVER_STORAGE_ERROR, code, "Database %s: %s", path, detail);
  return FALSE;
}

static gboolean
fail (MotcuaServerSqlite *self, int rc, GError **error)
{
  return fail_on (self->path, self->db, rc, error);
}

/* The cached statement for @sql (a string literal) on @db, reset, bindings cleared. */
static sqlite3_stmt *
prepare_on (const char *path, sqlite3 *db, GHashTable *statements, const char *sql, GError **error)
{
  int rc;
  sqlite3_stmt *stmt = motcua_sqlite_prepare_cached (db, statements, sql, &rc);

  if (stmt == NULL)
    fail_on (path, db, rc, error);
  return stmt;
}

static sqlite3_stmt *
prepare (MotcuaServerSqlite *self, const char *sql, GError **error)
{
  return prepare_on (self->path, self->db, self->statements, sql, error);
}

/* Steps a statement expected to give at most one row: SQLITE_ROW (leave it to the
 * caller to read and reset), SQLITE_DONE, or 0 with @error set. */
static int
step_one (MotcuaServerSqlite *self, sqlite3_stmt *stmt, GError **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return rc;
  sqlite3_reset (stmt);
  fail (self, rc, error);
  return 0;
}

static gboolean
step_done (MotcuaServerSqlite *self, sqlite3_stmt *stmt, GError **error)
{
  int rc = step_one (self, stmt, error);

  sqlite3_reset (stmt);
  return rc != 0;
}

static gboolean
exec (MotcuaServerSqlite *self, const char *sql, GError **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  return rc == SQLITE_OK || fail (self, rc, error);
}

/* IMMEDIATE: an admin command writing at the same time queues instead of failing. */
static gboolean
begin (MotcuaServerSqlite *self, GError **error)
{
  return exec (self, "BEGIN IMMEDIATE", error);
}

/* Commits when @ok, rolls back otherwise; returns whether everything was kept. */
static gboolean
finish (MotcuaServerSqlite *self, gboolean ok, GError **error)
{
  if (ok && exec (self, "COMMIT", error))
    return TRUE;
  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

static char *
now_text (void)
{
  g_autoptr(GDateTime) now = motcua_time_now (NULL);

  return motcua_time_format (now);
}

/* ---- agencies ---------------------------------------------------------------- */

/* A row of "SELECT code, name, address FROM agencies". */
static MotcuaServerAgency *
agency_from_row (sqlite3_stmt *stmt)
{
  MotcuaServerAgency *agency = g_new0 (MotcuaServerAgency, 1);

  agency->code = motcua_sqlite_column_text (stmt, 0);
  agency->name = motcua_sqlite_column_text (stmt, 1);
  agency->address = motcua_sqlite_column_text (stmt, 2);
  return agency;
}

static MotcuaServerAgency *
sqlite_get_agency (MotcuaServerStorage *storage, const char *code, GError **error)
{
  MotcuaServerSqlite *self = MOTCUA_SERVER_SQLITE (storage);
  sqlite3_stmt *stmt = prepare (self, "SELECT code, name, address FROM agencies WHERE code = ?", error);
  MotcuaServerAgency *agency = NULL;

  if (stmt == NULL)
    return NULL;
  motcua_sqlite_bind_text (stmt, 1, code);
  if (step_one (self, stmt, error) == SQLITE_ROW)
    agency = agency_from_row (stmt);
  sqlite3_reset (stmt);
  return agency;
}

static gboolean
sqlite_add_agency (MotcuaServerStorage      *storage,
                   const MotcuaServerAgency *agency,
                   gboolean                 *created,
                   GError                  **error)
{
  MotcuaServerSqlite *self = MOTCUA_SERVER_SQLITE (storage);
  g_autoptr(MotcuaServerAgency) existing = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *now = now_text ();
  sqlite3_stmt *stmt;

  *created = FALSE;
  if (!begin (self, error))
    return FALSE;
  existing = sqlite_get_agency (storage, agency->code, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return finish (self, FALSE, NULL);
    }
  if (existing != NULL)
    {
      finish (self, FALSE, NULL);
      if (g_strcmp0 (existing->name, agency->name) == 0 && g_strcmp0 (existing->address, agency->address) == 0)
        return TRUE;
      g_set_error (error, MOTCUA_SERVER_STORAGE_ERROR, MOTCUA_SERVER_STORAGE_ERROR_EXISTS,
                   "Agency %s already exists as “%s”%s%s.", existing->code, existing->name,
                   existing->address ? ", " : "", existing->address ? existing->address : "");
      return FALSE;
    }
  stmt = prepare (self, "INSERT INTO agencies (code, name, address, created_at) VALUES (?, ?, ?, ?)", error);
  if (stmt != NULL)
    {
      motcua_sqlite_bind_text (stmt, 1, agency->code);
      motcua_sqlite_bind_text (stmt, 2, agency->name);
      motcua_sqlite_bind_text (stmt, 3, agency->address);
      motcua_sqlite_bind_text (stmt, 4, now);
    }
  *created = stmt != NULL && step_done (self, stmt, error);
  return finish (self, *created, error);
}

static GPtrArray *
sqlite_list_agencies (MotcuaServerStorage *storage, GError **error)
{
  MotcuaServerSqlite *self = MOTCUA_SERVER_SQLITE (storage);
  sqlite3_stmt *stmt = prepare (self, "SELECT code, name, address FROM agencies ORDER BY code", error);
  g_autoptr(GPtrArray) agencies = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  agencies = g_ptr_array_new_with_free_func ((GDestroyNotify) motcua_server_agency_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_ptr_array_add (agencies, agency_from_row (stmt));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      fail (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&agencies);
}

/* ---- enrolment and devices ------------------------------------------------------ */

static gboolean
sqlite_add_enrolment_code (MotcuaServerStorage *storage,
                           const char          *agency_code,
                           const char          *code_hash,
                           GDateTime           *expires_at,
                           GError             **error)
{
  MotcuaServerSqlite *self = MOTCUA_SERVER_SQLITE (storage);
  sqlite3_stmt *stmt = prepare (self,
                                "INSERT INTO enrolment_codes (code_hash, agency_code, expires_at) VALUES (?, ?, ?)",
                                error);

  if (stmt == NULL)
    return FALSE;
  motcua_sqlite_bind_text (stmt, 1, code_hash);
  motcua_sqlite_bind_text (stmt, 2, agency_code);
  sqlite3_bind_int64 (stmt, 3, g_date_time_to_unix (expires_at));
  return step_done (self, stmt, error);
}

/* Marks the code used, if it is still good; *@agency_code is then its agency. */
static gboolean
use_enrolment_code (MotcuaServerSqlite *self,
                    const char         *code_hash,
                    const char         *device_id,
                    GDateTime          *now,
                    char              **agency_code,
                    GError            **error)
{
  g_autofree char *now_iso = motcua_time_format (now);
  sqlite3_stmt *stmt = prepare (self,
                                "UPDATE enrolment_codes SET used_at = ?1, device_id = ?2"
                                " WHERE code_hash = ?3 AND used_at IS NULL AND expires_at > ?4"
                                " RETURNING agency_code", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  motcua_sqlite_bind_text (stmt, 1, now_iso);
  motcua_sqlite_bind_text (stmt, 2, device_id);
  motcua_sqlite_bind_text (stmt, 3, code_hash);
  sqlite3_bind_int64 (stmt, 4, g_date_time_to_unix (now));
  rc = step_one (self, stmt, error);
  if (rc == SQLITE_ROW)
    *agency_code = motcua_sqlite_column_text (stmt, 0);
  else if (rc == SQLITE_DONE)
    g_set_error_literal (error, MOTCUA_SERVER_STORAGE_ERROR, MOTCUA_SERVER_STORAGE_ERROR_NOT_FOUND,
                         "The enrolment code is unknown, already used or expired.");
  /* Run the statement to its end: RETURNING applies the update only then. */
  if (rc == SQLITE_ROW && (rc = sqlite3_step (stmt)) != SQLITE_DONE)
    fail (self, rc, error);
  sqlite3_reset (stmt);
  return rc == SQLITE_DONE && *agency_code != NULL;
}

static gboolean
insert_device (MotcuaServerSqlite       *self,
               const MotcuaServerDevice *device,
               const char               *agency_code,
               const char               *token_hash,
               GDateTime                *now,
               GError                  **error)
{
  g_autofree char *now_iso = motcua_time_format (now);
  sqlite3_stmt *stmt = prepare (self,
                                "INSERT INTO devices (id, name, agency_code, token_hash, enrolled_at)"
                                " VALUES (?, ?, ?, ?, ?)", error);

  if (stmt == NULL)
    return FALSE;
  motcua_sqlite_bind_text (stmt, 1, device->id);
  motcua_sqlite_bind_text (stmt, 2, device->name);
  motcua_sqlite_bind_text (stmt, 3, agency_code);
  motcua_sqlite_bind_text (stmt, 4, token_hash);
  motcua_sqlite_bind_text (stmt, 5, now_iso);
  return step_done (self, stmt, error);
}

static MotcuaServerDevice *
sqlite_enrol_device (MotcuaServerStorage      *storage,
                     const char               *code_hash,
                     const MotcuaServerDevice *device,
                     const char               *token_hash,
                     GDateTime                *now,
                     GError                  **error)
{
  MotcuaServerSqlite *self = MOTCUA_SERVER_SQLITE (storage);
  g_autofree char *agency_code = NULL;
  MotcuaServerDevice *enrolled;

  if (!begin (self, error))
    return NULL;
  if (!finish (self,
               use_enrolment_code (self, code_hash, device->id, now, &agency_code, error)
               && insert_device (self, device, agency_code, token_hash, now, error),
               error))
    return NULL;
  enrolled = g_new0 (MotcuaServerDevice, 1);
  enrolled->id = g_strdup (device->id);
  enrolled->name = g_strdup (device->name);
  enrolled->agency_code = g_steal_pointer (&agency_code);
  return enrolled;
}

static MotcuaServerDevice *
sqlite_get_device (MotcuaServerStorage *storage, const char *token_hash, GError **error)
{
  MotcuaServerSqlite *self = MOTCUA_SERVER_SQLITE (storage);
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT id, name, agency_code FROM devices"
                                " WHERE token_hash = ? AND revoked_at IS NULL", error);
  MotcuaServerDevice *device = NULL;

  if (stmt == NULL)
    return NULL;
  motcua_sqlite_bind_text (stmt, 1, token_hash);
  if (step_one (self, stmt, error) == SQLITE_ROW)
    {
      device = g_new0 (MotcuaServerDevice, 1);
      device->id = motcua_sqlite_column_text (stmt, 0);
      device->name = motcua_sqlite_column_text (stmt, 1);
      device->agency_code = motcua_sqlite_column_text (stmt, 2);
    }
  sqlite3_reset (stmt);
  return device;
}

/* ---- the journal --------------------------------------------------------------- */

static MotcuaServerOp *
sqlite_get_op (MotcuaServerStorage *storage, const char *op_id, GError **error)
{
  MotcuaServerSqlite *self = MOTCUA_SERVER_SQLITE (storage);
  sqlite3_stmt *stmt = prepare (self, "SELECT hash, agency_code, server_seq FROM events WHERE op_id = ?", error);
  MotcuaServerOp *op = NULL;

  if (stmt == NULL)
    return NULL;
  motcua_sqlite_bind_text (stmt, 1, op_id);
  if (step_one (self, stmt, error) == SQLITE_ROW)
    {
      op = g_new0 (MotcuaServerOp, 1);
      op->op_id = g_strdup (op_id);
      op->hash = motcua_sqlite_column_text (stmt, 0);
      op->agency_code = motcua_sqlite_column_text (stmt, 1);
      op->server_seq = sqlite3_column_int64 (stmt, 2);
    }
  sqlite3_reset (stmt);
  return op;
}

static MotcuaServerHead *
sqlite_get_head (MotcuaServerStorage *storage, const char *dossier_uid, GError **error)
{
  MotcuaServerSqlite *self = MOTCUA_SERVER_SQLITE (storage);
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT agency_code, code, last_seq, last_hash FROM dossiers WHERE uid = ?", error);
  MotcuaServerHead *head = NULL;

  if (stmt == NULL)
    return NULL;
  motcua_sqlite_bind_text (stmt, 1, dossier_uid);
  if (step_one (self, stmt, error) == SQLITE_ROW)
    {
      head = g_new0 (MotcuaServerHead, 1);
      head->dossier_uid = g_strdup (dossier_uid);
      head->agency_code = motcua_sqlite_column_text (stmt, 0);
      head->code = motcua_sqlite_column_text (stmt, 1);
      head->seq = sqlite3_column_int64 (stmt, 2);
      head->hash = motcua_sqlite_column_text (stmt, 3);
    }
  sqlite3_reset (stmt);
  return head;
}

#define EVENT_COLUMNS "server_seq, op_id, dossier_uid, seq, actor, actor_role, confirmed_at, kind," \
                      " payload, prev_hash, hash, signature"

static MotcuaEvent *
event_from_row (sqlite3_stmt *stmt)
{
  MotcuaEvent *event = motcua_event_new ();
  const void *signature = sqlite3_column_blob (stmt, 11);

  event->server_seq = sqlite3_column_int64 (stmt, 0);
  event->op_id = motcua_sqlite_column_text (stmt, 1);
  event->dossier_uid = motcua_sqlite_column_text (stmt, 2);
  event->seq = sqlite3_column_int64 (stmt, 3);
  event->actor = motcua_sqlite_column_text (stmt, 4);
  event->actor_role = motcua_sqlite_column_text (stmt, 5);
  event->confirmed_at = motcua_sqlite_column_text (stmt, 6);
  event->kind = motcua_sqlite_column_text (stmt, 7);
  event->payload = motcua_sqlite_column_text (stmt, 8);
  event->prev_hash = motcua_sqlite_column_text (stmt, 9);
  event->hash = motcua_sqlite_column_text (stmt, 10);
  if (signature != NULL)
    event->signature = g_bytes_new (signature, sqlite3_column_bytes (stmt, 11));
  event->sync_state = MOTCUA_SYNC_ACCEPTED;
  return event;
}

/* Every row of a bound statement as events. */
static GPtrArray *
collect_events_on (const char *path, sqlite3 *db, sqlite3_stmt *stmt, GError **error)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) motcua_event_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (events, event_from_row (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      fail_on (path, db, rc, error);
      return NULL;
    }
  return g_steal_pointer (&events);
}

static GPtrArray *
collect_events (MotcuaServerSqlite *self, sqlite3_stmt *stmt, GError **error)
{
  return collect_events_on (self->path, self->db, stmt, error);
}

static GPtrArray *
sqlite_get_dossier_events (MotcuaServerStorage *storage, const char *dossier_uid, GError **error)
{
  MotcuaServerSqlite *self = MOTCUA_SERVER_SQLITE (storage);
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT " EVENT_COLUMNS " FROM events WHERE dossier_uid = ? ORDER BY seq", error);

  if (stmt == NULL)
    return NULL;
  motcua_sqlite_bind_text (stmt, 1, dossier_uid);
  return collect_events (self, stmt, error);
}

/* The agency's latest server sequence, when it is past *@seq. */
static gboolean
latest_seq (const char *path, sqlite3 *db, GHashTable *statements, const char *agency_code, gint64 *seq,
            GError **error)
{
  sqlite3_stmt *stmt = prepare_on (path, db, statements, "SELECT max(server_seq) FROM events WHERE agency_code = ?",
                                   error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  motcua_sqlite_bind_text (stmt, 1, agency_code);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    *seq = MAX (*seq, sqlite3_column_int64 (stmt, 0));
  sqlite3_reset (stmt);
  return rc == SQLITE_ROW || rc == SQLITE_DONE || fail_on (path, db, rc, error);
}

/* get_feed on any connection: the main one, or a reader. */
static GPtrArray *
query_feed (const char  *path,
            sqlite3     *db,
            GHashTable  *statements,
            const char  *agency_code,
            gint64       since,
            guint        limit,
            const char  *exclude_device,
            gint64      *read_to,
            GError     **error)
{
  /* "IS NOT": events with no device (imports) are never anyone's own. */
  sqlite3_stmt *stmt = prepare_on (path, db, statements,
                                   "SELECT " EVENT_COLUMNS " FROM events WHERE agency_code = ? AND server_seq > ?"
                                   " AND (?4 IS NULL OR device_id IS NOT ?4)"
                                   " ORDER BY server_seq LIMIT ?3", error);
  GPtrArray *events;

  if (stmt == NULL)
    return NULL;
  motcua_sqlite_bind_text (stmt, 1, agency_code);
  sqlite3_bind_int64 (stmt, 2, since);
  sqlite3_bind_int64 (stmt, 3, limit);
  motcua_sqlite_bind_text (stmt, 4, exclude_device);
  events = collect_events_on (path, db, stmt, error);
  if (events == NULL)
    return NULL;
  *read_to = since;
  if (events->len > 0)
    *read_to = ((MotcuaEvent *) g_ptr_array_index (events, events->len - 1))->server_seq;
  if (events->len < limit && !latest_seq (path, db, statements, agency_code, read_to, error))
    g_clear_pointer (&events, g_ptr_array_unref);
  return events;
}

/* ---- reading from other threads ------------------------------------------------------- */

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
reader_free (Reader *reader)
{
  /* Statements first: sqlite3_close refuses a connection with statements alive. */
  g_hash_table_unref (reader->statements);
  sqlite3_close (reader->db);
  g_free (reader);
}

/* NOMUTEX: a reader is only ever used by one thread at a time, the pool sees to it. */
static Reader *
reader_open (MotcuaServerSqlite *self, GError **error)
{
  int flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX;
  sqlite3 *db = NULL;
  int rc = sqlite3_open_v2 (self->path, &db, flags, NULL);
  Reader *reader;

  if (rc != SQLITE_OK)
    {
      fail_on (self->path, db, rc, error);
      sqlite3_close (db);
      return NULL;
    }
  sqlite3_extended_result_codes (db, 1);
  /* WAL readers do not wait for the writer; this covers a checkpoint or recovery. */
  sqlite3_busy_timeout (db, 10000);
  reader = g_new0 (Reader, 1);
  reader->db = db;
  reader->statements = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, finalize_statement);
  return reader;
}

static Reader *
take_reader (MotcuaServerSqlite *self, GError **error)
{
  Reader *reader = NULL;

  g_mutex_lock (&self->readers_lock);
  if (self->idle_readers->len > 0)
    reader = g_ptr_array_steal_index_fast (self->idle_readers, self->idle_readers->len - 1);
  g_mutex_unlock (&self->readers_lock);
  return reader != NULL ? reader : reader_open (self, error);
}

static void
give_back_reader (MotcuaServerSqlite *self, Reader *reader)
{
  g_mutex_lock (&self->readers_lock);
  g_ptr_array_add (self->idle_readers, reader);
  g_mutex_unlock (&self->readers_lock);
}

/* One read transaction: the page and @read_to come from the same snapshot. */
static GPtrArray *
sqlite_read_feed (MotcuaServerStorage *storage,
                  const char          *agency_code,
                  gint64               since,
                  guint                limit,
                  const char          *exclude_device,
                  gint64              *read_to,
                  GError             **error)
{
  MotcuaServerSqlite *self = MOTCUA_SERVER_SQLITE (storage);
  Reader *reader = take_reader (self, error);
  GPtrArray *events = NULL;
  int rc;

  if (reader == NULL)
    return NULL;
  if ((rc = sqlite3_exec (reader->db, "BEGIN", NULL, NULL, NULL)) != SQLITE_OK)
    fail_on (self->path, reader->db, rc, error);
  else
    events = query_feed (self->path, reader->db, reader->statements, agency_code, since, limit, exclude_device,
                         read_to, error);
  /* Nothing was written: ending the transaction cannot lose anything. */
  sqlite3_exec (reader->db, "ROLLBACK", NULL, NULL, NULL);
  give_back_reader (self, reader);
  return events;
}

static gboolean
sqlite_code_taken (MotcuaServerStorage *storage,
                   const char          *agency_code,
                   const char          *code,
                   gboolean            *taken,
                   GError             **error)
{
  MotcuaServerSqlite *self = MOTCUA_SERVER_SQLITE (storage);
  sqlite3_stmt *stmt = prepare (self, "SELECT 1 FROM dossiers WHERE agency_code = ? AND code = ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  motcua_sqlite_bind_text (stmt, 1, agency_code);
  motcua_sqlite_bind_text (stmt, 2, code);
  rc = step_one (self, stmt, error);
  sqlite3_reset (stmt);
  *taken = rc == SQLITE_ROW;
  return rc != 0;
}

/* Raises the day's counter to at least @seq: a number a workstation used before it had
 * blocks from this server is never handed out in a block afterwards. */
static gboolean
raise_code_counter (MotcuaServerSqlite *self, const char *agency_code, const char *code, GError **error)
{
  g_autofree char *day = NULL;
  sqlite3_stmt *stmt;
  guint seq;
  GDate date;

  if (!motcua_code_parse (code, NULL, &date, &seq))
    return TRUE;
  day = g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (&date), g_date_get_month (&date), g_date_get_day (&date));
  stmt = prepare (self,
                  "INSERT INTO code_counters (agency_code, day, last_seq) VALUES (?1, ?2, ?3)"
                  " ON CONFLICT (agency_code, day) DO UPDATE SET last_seq = max (last_seq, ?3)", error);
  if (stmt == NULL)
    return FALSE;
  motcua_sqlite_bind_text (stmt, 1, agency_code);
  motcua_sqlite_bind_text (stmt, 2, day);
  sqlite3_bind_int64 (stmt, 3, seq);
  return step_done (self, stmt, error);
}

/* Creates the dossier's row, or moves its head on from the event before this one; a
 * head that moved meanwhile is a clash (EXISTS), not a silent overwrite. */
static gboolean
move_head (MotcuaServerSqlite *self, const MotcuaServerHead *head, GError **error)
{
  sqlite3_stmt *stmt;

  if (head->seq == 1)
    stmt = prepare (self,
                    "INSERT INTO dossiers (uid, agency_code, code, last_seq, last_hash) VALUES (?1, ?2, ?3, ?4, ?5)",
                    error);
  else
    stmt = prepare (self,
                    "UPDATE dossiers SET last_seq = ?4, last_hash = ?5"
                    " WHERE uid = ?1 AND agency_code = ?2 AND last_seq = ?4 - 1", error);
  if (stmt == NULL)
    return FALSE;
  motcua_sqlite_bind_text (stmt, 1, head->dossier_uid);
  motcua_sqlite_bind_text (stmt, 2, head->agency_code);
  motcua_sqlite_bind_text (stmt, 3, head->code);
  sqlite3_bind_int64 (stmt, 4, head->seq);
  motcua_sqlite_bind_text (stmt, 5, head->hash);
  if (!step_done (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (self->db) == 1)
    return TRUE;
  g_set_error (error, MOTCUA_SERVER_STORAGE_ERROR, MOTCUA_SERVER_STORAGE_ERROR_EXISTS,
               "Dossier %s moved on while event %" G_GINT64_FORMAT " was stored.", head->dossier_uid, head->seq);
  return FALSE;
}

static gboolean
insert_event (MotcuaServerSqlite *self,
              const char         *agency_code,
              const MotcuaEvent  *event,
              const char         *device_id,
              GError            **error)
{
  g_autofree char *now = now_text ();
  sqlite3_stmt *stmt = prepare (self,
                                "INSERT INTO events (agency_code, op_id, dossier_uid, seq, actor, actor_role,"
                                " confirmed_at, kind, payload, prev_hash, hash, signature, device_id, stored_at)"
                                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);

  if (stmt == NULL)
    return FALSE;
  motcua_sqlite_bind_text (stmt, 1, agency_code);
  motcua_sqlite_bind_text (stmt, 2, event->op_id);
  motcua_sqlite_bind_text (stmt, 3, event->dossier_uid);
  sqlite3_bind_int64 (stmt, 4, event->seq);
  motcua_sqlite_bind_text (stmt, 5, event->actor);
  motcua_sqlite_bind_text (stmt, 6, event->actor_role);
  motcua_sqlite_bind_text (stmt, 7, event->confirmed_at);
  motcua_sqlite_bind_text (stmt, 8, event->kind);
  motcua_sqlite_bind_text (stmt, 9, event->payload);
  motcua_sqlite_bind_text (stmt, 10, event->prev_hash);
  motcua_sqlite_bind_text (stmt, 11, event->hash);
  if (event->signature != NULL)
    sqlite3_bind_blob (stmt, 12, g_bytes_get_data (event->signature, NULL),
                       g_bytes_get_size (event->signature), SQLITE_TRANSIENT);
  motcua_sqlite_bind_text (stmt, 13, device_id);
  motcua_sqlite_bind_text (stmt, 14, now);
  return step_done (self, stmt, error);
}

static gint64
sqlite_append_event (MotcuaServerStorage    *storage,
                     const MotcuaServerHead *head,
                     const MotcuaEvent      *event,
                     const char             *device_id,
                     GError                **error)
{
  MotcuaServerSqlite *self = MOTCUA_SERVER_SQLITE (storage);
  gint64 server_seq;

  if (!begin (self, error))
    return 0;
  /* The dossier row first: the event's foreign key points at it. */
  if (!move_head (self, head, error)
      || (head->seq == 1 && !raise_code_counter (self, head->agency_code, head->code, error))
      || !insert_event (self, head->agency_code, event, device_id, error))
    {
      finish (self, FALSE, NULL);
      return 0;
    }
  server_seq = sqlite3_last_insert_rowid (self->db);
  return finish (self, TRUE, error) ? server_seq : 0;
}

/* ---- dossier numbers --------------------------------------------------------------- */

static gboolean
record_block (MotcuaServerSqlite *self,
              const char         *agency_code,
              const char         *day,
              gint64              first,
              gint64              last,
              const char         *device_id,
              GError            **error)
{
  g_autofree char *now = now_text ();
  sqlite3_stmt *stmt = prepare (self,
                                "INSERT INTO code_blocks (agency_code, day, first_seq, last_seq, device_id, reserved_at)"
                                " VALUES (?, ?, ?, ?, ?, ?)", error);

  if (stmt == NULL)
    return FALSE;
  motcua_sqlite_bind_text (stmt, 1, agency_code);
  motcua_sqlite_bind_text (stmt, 2, day);
  sqlite3_bind_int64 (stmt, 3, first);
  sqlite3_bind_int64 (stmt, 4, last);
  motcua_sqlite_bind_text (stmt, 5, device_id);
  motcua_sqlite_bind_text (stmt, 6, now);
  return step_done (self, stmt, error);
}

static gboolean
advance_counter (MotcuaServerSqlite *self,
                 const char         *agency_code,
                 const char         *day,
                 guint               count,
                 gint64             *last,
                 GError            **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "INSERT INTO code_counters (agency_code, day, last_seq) VALUES (?1, ?2, ?3)"
                                " ON CONFLICT (agency_code, day) DO UPDATE SET last_seq = last_seq + ?3"
                                " RETURNING last_seq", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  motcua_sqlite_bind_text (stmt, 1, agency_code);
  motcua_sqlite_bind_text (stmt, 2, day);
  sqlite3_bind_int64 (stmt, 3, count);
  rc = step_one (self, stmt, error);
  if (rc == SQLITE_ROW)
    {
      *last = sqlite3_column_int64 (stmt, 0);
      if ((rc = sqlite3_step (stmt)) != SQLITE_DONE)
        fail (self, rc, error);
    }
  sqlite3_reset (stmt);
  return rc == SQLITE_DONE;
}

static gboolean
sqlite_reserve_codes (MotcuaServerStorage *storage,
                      const char          *agency_code,
                      const char          *day,
                      guint                count,
                      const char          *device_id,
                      gint64              *first,
                      GError             **error)
{
  MotcuaServerSqlite *self = MOTCUA_SERVER_SQLITE (storage);
  gint64 last = 0;

  if (!begin (self, error))
    return FALSE;
  if (!advance_counter (self, agency_code, day, count, &last, error))
    return finish (self, FALSE, NULL);
  *first = last - count + 1;
  return finish (self, record_block (self, agency_code, day, *first, last, device_id, error), error);
}

/* ---- blobs and settings ------------------------------------------------------------- */

static gboolean
sqlite_get_blob (MotcuaServerStorage *storage,
                 const char          *sha256,
                 gint64              *size,
                 gboolean            *found,
                 GError             **error)
{
  MotcuaServerSqlite *self = MOTCUA_SERVER_SQLITE (storage);
  sqlite3_stmt *stmt = prepare (self, "SELECT size FROM blobs WHERE sha256 = ?", error);
  int rc;

  *found = FALSE;
  if (stmt == NULL)
    return FALSE;
  motcua_sqlite_bind_text (stmt, 1, sha256);
  rc = step_one (self, stmt, error);
  if (rc == SQLITE_ROW)
    {
      *found = TRUE;
      *size = sqlite3_column_int64 (stmt, 0);
    }
  sqlite3_reset (stmt);
  return rc != 0;
}

static gboolean
sqlite_add_blob (MotcuaServerStorage *storage, const char *sha256, gint64 size, GError **error)
{
  MotcuaServerSqlite *self = MOTCUA_SERVER_SQLITE (storage);
  g_autofree char *now = now_text ();
  sqlite3_stmt *stmt = prepare (self,
                                "INSERT INTO blobs (sha256, size, stored_at) VALUES (?, ?, ?)"
                                " ON CONFLICT (sha256) DO NOTHING", error);

  if (stmt == NULL)
    return FALSE;
  motcua_sqlite_bind_text (stmt, 1, sha256);
  sqlite3_bind_int64 (stmt, 2, size);
  motcua_sqlite_bind_text (stmt, 3, now);
  return step_done (self, stmt, error);
}

static char *
sqlite_get_setting (MotcuaServerStorage *storage, const char *key, GError **error)
{
  MotcuaServerSqlite *self = MOTCUA_SERVER_SQLITE (storage);
  sqlite3_stmt *stmt = prepare (self, "SELECT value FROM settings WHERE key = ?", error);
  char *value = NULL;

  if (stmt == NULL)
    return NULL;
  motcua_sqlite_bind_text (stmt, 1, key);
  if (step_one (self, stmt, error) == SQLITE_ROW)
    value = motcua_sqlite_column_text (stmt, 0);
  sqlite3_reset (stmt);
  return value;
}

static gboolean
sqlite_set_setting (MotcuaServerStorage *storage, const char *key, const char *value, GError **error)
{
  MotcuaServerSqlite *self = MOTCUA_SERVER_SQLITE (storage);
  sqlite3_stmt *stmt = prepare (self,
                                "INSERT INTO settings (key, value) VALUES (?1, ?2)"
                                " ON CONFLICT (key) DO UPDATE SET value = ?2", error);

  if (stmt == NULL)
    return FALSE;
  motcua_sqlite_bind_text (stmt, 1, key);
  motcua_sqlite_bind_text (stmt, 2, value);
  return step_done (self, stmt, error);
}

static void
storage_iface_init (MotcuaServerStorageInterface *iface)
{
  iface->add_agency = sqlite_add_agency;
  iface->get_agency = sqlite_get_agency;
  iface->list_agencies = sqlite_list_agencies;
  iface->add_enrolment_code = sqlite_add_enrolment_code;
  iface->enrol_device = sqlite_enrol_device;
  iface->get_device = sqlite_get_device;
  iface->get_op = sqlite_get_op;
  iface->get_head = sqlite_get_head;
  iface->get_dossier_events = sqlite_get_dossier_events;
  iface->code_taken = sqlite_code_taken;
  iface->append_event = sqlite_append_event;
  iface->read_feed = sqlite_read_feed;
  iface->reserve_codes = sqlite_reserve_codes;
  iface->get_blob = sqlite_get_blob;
  iface->add_blob = sqlite_add_blob;
  iface->get_setting = sqlite_get_setting;
  iface->set_setting = sqlite_set_setting;
}

/* ---- opening --------------------------------------------------------------------- */

static gint64
query_int (MotcuaServerSqlite *self, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;
  int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  if (value < 0)
    fail (self, rc, error);
  return value;
}

/* A file is ours when it has our application id, or nothing in it at all. */
static gboolean
check_file (MotcuaServerSqlite *self, gint64 version, GError **error)
{
  gint64 id = query_int (self, "PRAGMA application_id", error);
  gint64 objects;

  if (id < 0 || (objects = query_int (self, "SELECT count(*) FROM sqlite_schema", error)) < 0)
    return FALSE;
  if (id != SERVER_APPLICATION_ID && !(id == 0 && version == 0 && objects == 0))
    {
      g_set_error (error, MOTCUA_SERVER_STORAGE_ERROR, MOTCUA_SERVER_STORAGE_ERROR_FAILED,
                   "%s is not a motcua-server database; it was left untouched.", self->path);
      return FALSE;
    }
  if (version > MOTCUA_SERVER_SQLITE_SCHEMA_VERSION)
    {
      g_set_error (error, MOTCUA_SERVER_STORAGE_ERROR, MOTCUA_SERVER_STORAGE_ERROR_NEWER,
                   "%s has schema %" G_GINT64_FORMAT ", written by a newer motcua-server (this one knows %d).",
                   self->path, version, MOTCUA_SERVER_SQLITE_SCHEMA_VERSION);
      return FALSE;
    }
  return TRUE;
}

static gboolean
migrate (MotcuaServerSqlite *self, gint64 from, GError **error)
{
  for (gint64 version = from; version < MOTCUA_SERVER_SQLITE_SCHEMA_VERSION; version++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %" G_GINT64_FORMAT "; "
                                               "PRAGMA application_id = %d",
                                               version + 1, SERVER_APPLICATION_ID);

      if (!begin (self, error)
          || !finish (self, exec (self, migrations[version], error) && exec (self, bump, error), error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
open_database (MotcuaServerSqlite *self, GError **error)
{
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2 (self->path, &self->db, flags, NULL);
  gint64 version;

  if (rc != SQLITE_OK)
    return fail (self, rc, error);
  sqlite3_extended_result_codes (self->db, 1);
  /* Admin commands and the server share the file; a writer waits for the other. */
  sqlite3_busy_timeout (self->db, 10000);
  version = query_int (self, "PRAGMA user_version", error);
  return version >= 0
         && check_file (self, version, error)
         && exec (self, "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL", error)
         && migrate (self, version, error);
}

MotcuaServerSqlite *
motcua_server_sqlite_open (const char *path, GError **error)
{
  g_autoptr(MotcuaServerSqlite) self = g_object_new (MOTCUA_TYPE_SERVER_SQLITE, NULL);

  self->path = g_strdup (path);
  if (!open_database (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

/* ---- object ------------------------------------------------------------------------ */

static void
motcua_server_sqlite_finalize (GObject *object)
{
  MotcuaServerSqlite *self = MOTCUA_SERVER_SQLITE (object);

  /* Every reader is back: a thread reading holds a reference to the storage. */
  g_ptr_array_unref (self->idle_readers);
  g_mutex_clear (&self->readers_lock);
  /* Statements first: sqlite3_close refuses a connection with statements alive. */
  g_hash_table_remove_all (self->statements);
  g_hash_table_unref (self->statements);
  if (self->db != NULL)
    sqlite3_close (self->db);
  g_free (self->path);
  G_OBJECT_CLASS (motcua_server_sqlite_parent_class)->finalize (object);
}

static void
motcua_server_sqlite_class_init (MotcuaServerSqliteClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = motcua_server_sqlite_finalize;
}

static void
motcua_server_sqlite_init (MotcuaServerSqlite *self)
{
  self->statements = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, finalize_statement);
  g_mutex_init (&self->readers_lock);
  self->idle_readers = g_ptr_array_new_with_free_func ((GDestroyNotify) reader_free);
}
