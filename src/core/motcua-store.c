/* motcua-store.c: the offline database. */

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "motcua-approval.h"
#include "motcua-codes.h"
#include "motcua-dossier-private.h"
#include "motcua-error.h"
#include "motcua-fold.h"
#include "motcua-sqlite.h"
#include "motcua-store.h"
#include "motcua-store-users.h"
#include "motcua-store-schema.h"
#include "motcua-time.h"

struct _MotcuaStore
{
  GObject parent_instance;

  /* Owned */
  sqlite3           *db;
  char              *path;
  GHashTable        *statements;   /* SQL literal → sqlite3_stmt*, prepared once */
  MotcuaSearchIndex *search;
  MotcuaCalendar    *calendar;     /* built on first use, dropped when settings change */
  guint              transaction_depth;
  /* Bulk loads index new dossiers just before COMMIT (see motcua_store_set_bulk_load). */
  gboolean           bulk_load;
  GArray            *unindexed;     /* dossier ids */
};

G_DEFINE_FINAL_TYPE (MotcuaStore, motcua_store, G_TYPE_OBJECT)

void
motcua_agency_free (MotcuaAgency *agency)
{
  if (agency == NULL)
    return;
  g_free (agency->code);
  g_free (agency->name);
  g_free (agency->address);
  g_free (agency->phone);
  g_free (agency->lookup_url);
  g_free (agency);
}

void
motcua_user_free (MotcuaUser *user)
{
  if (user == NULL)
    return;
  g_free (user->username);
  g_free (user->full_name);
  g_free (user);
}

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
motcua_store_finalize (GObject *object)
{
  MotcuaStore *self = (MotcuaStore *) object;

  g_clear_object (&self->search);
  g_clear_object (&self->calendar);
  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_clear_pointer (&self->unindexed, g_array_unref);
  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  g_free (self->path);

  G_OBJECT_CLASS (motcua_store_parent_class)->finalize (object);
}

static void
motcua_store_class_init (MotcuaStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = motcua_store_finalize;
}

static void
motcua_store_init (MotcuaStore *self)
{
  self->unindexed = g_array_new (FALSE, FALSE, sizeof (gint64));
  /* Keyed by the address of the SQL literal: every call site passes its own constant,
   * and hashing the text of long statements on every call showed in profiles. */
  self->statements = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                            finalize_statement);
}

/* ---- errors ---------------------------------------------------------------- */

/* Maps SQLite's result codes to messages a clerk can act on. */
static void
set_sqlite_error (sqlite3 *db, int rc, const char *path, GError **error)
{
  int primary = rc & 0xff;
  const char *detail = db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  /* A full disk often shows up as an I/O error (growing the -shm or -wal file);
   * the operating system's own error says what really happened. */
  if (db != NULL && (primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN))
    {
      int system_errno = sqlite3_system_errno (db);

      if (system_errno == ENOSPC || system_errno == EDQUOT)
        primary = SQLITE_FULL;
      else if (system_errno == EROFS)
        primary = SQLITE_READONLY;
    }

  switch (primary)
    {
    case SQLITE_FULL:
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_DISK_FULL,
                   _("The disk holding the database is full, so nothing was saved. "
                     "Free some space and try again. (%s)"), path);
      break;
    case SQLITE_READONLY:
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_DATABASE_READ_ONLY,
                   _("The database %s is read-only, so nothing can be saved. "
                     "Check the file's permissions or the disk it is on."), path);
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_DATABASE_CORRUPT,
                   _("The file %s is damaged or is not a Motcua database. It was left untouched; "
                     "restore it from a backup."), path);
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_DATABASE_BUSY,
                   _("The database %s is busy in another program. Try again in a moment."), path);
      break;
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_PERM:
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_IO,
                   _("The database %s could not be read or written (%s)."), path, detail);
      break;
    default:
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_FAILED,
                   _("The database %s reported an error: %s"), path, detail);
      break;
    }
}

static gboolean
fail (MotcuaStore *self, int rc, GError **error)
{
  set_sqlite_error (self->db, rc, self->path, error);
  return FALSE;
}

/* ---- statements ------------------------------------------------------------ */

/* Returns the cached statement for @sql, reset and with its bindings cleared. */
static sqlite3_stmt *
prepare (MotcuaStore *self, const char *sql, GError **error)
{
  int rc;
  sqlite3_stmt *stmt = motcua_sqlite_prepare_cached (self->db, self->statements, sql, &rc);

  if (stmt == NULL)
    fail (self, rc, error);
  return stmt;
}

/* Runs a statement that returns no rows. */
static gboolean
step_done (MotcuaStore *self, sqlite3_stmt *stmt, GError **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return fail (self, rc, error);
  return TRUE;
}

/* After a `while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)` loop: a damaged page
 * ends the loop too, and must not pass for "no more rows". */
static gboolean
rows_done (MotcuaStore *self, sqlite3_stmt *stmt, int rc, GError **error)
{
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return fail (self, rc, error);
  return TRUE;
}

static gboolean
exec (MotcuaStore *self, const char *sql, GError **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return fail (self, rc, error);
  return TRUE;
}

/* For the store's companion files (motcua-store-users.c): the same cached statements
 * and the same words for SQLite's errors. */
sqlite3_stmt *
motcua_store_prepare (MotcuaStore *self, const char *sql, GError **error)
{
  return prepare (self, sql, error);
}

gboolean
motcua_store_step_done (MotcuaStore *self, sqlite3_stmt *stmt, GError **error)
{
  return step_done (self, stmt, error);
}

gboolean
motcua_store_rows_done (MotcuaStore *self, sqlite3_stmt *stmt, int rc, GError **error)
{
  return rows_done (self, stmt, rc, error);
}

/* ---- transactions ---------------------------------------------------------- */

gboolean
motcua_store_begin (MotcuaStore *self, GError **error)
{
  if (self->transaction_depth++ > 0)
    return TRUE;
  /* A bulk load writes a dossier's events before its row (SQLite turns the pragma off
   * again at COMMIT or ROLLBACK). */
  if (!exec (self, "BEGIN IMMEDIATE", error)
      || (self->bulk_load && !exec (self, "PRAGMA defer_foreign_keys = ON", error)))
    {
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      self->transaction_depth = 0;
      return FALSE;
    }
  return TRUE;
}

static gboolean index_unindexed (MotcuaStore *self, GError **error);

gboolean
motcua_store_commit (MotcuaStore *self, GError **error)
{
  g_return_val_if_fail (self->transaction_depth > 0, FALSE);
  if (self->transaction_depth > 1)
    {
      self->transaction_depth--;
      return TRUE;
    }
  if (!index_unindexed (self, error) || !exec (self, "COMMIT", error))
    {
      motcua_store_rollback (self);
      return FALSE;
    }
  self->transaction_depth = 0;
  return TRUE;
}

void
motcua_store_rollback (MotcuaStore *self)
{
  if (self->transaction_depth == 0)
    return;
  self->transaction_depth = 0;
  g_array_set_size (self->unindexed, 0);
  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  /* Settings read inside the transaction may be gone. */
  g_clear_object (&self->calendar);
}

/* ---- opening --------------------------------------------------------------- */

char *
motcua_store_default_path (void)
{
  const char *env = g_getenv ("MOTCUA_DB");

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  return g_build_filename (g_get_user_data_dir (), "motcua", "motcua.db", NULL);
}

static gboolean
read_user_version (MotcuaStore *self, int *version, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db, "PRAGMA user_version", -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW)
    return fail (self, rc, error);
  return TRUE;
}

/* "MCUA" in the file header; the migration writes the same number in decimal. */
#define MOTCUA_APPLICATION_ID 0x4d435541
G_STATIC_ASSERT (MOTCUA_APPLICATION_ID == 1296258369);

static gint64
query_int (MotcuaStore *self, const char *sql, int *rc_out)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value = 0;
  int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      value = sqlite3_column_int64 (stmt, 0);
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  *rc_out = rc;
  return value;
}

/* Another program's SQLite file must never gain Motcua's tables: a file is ours if it
 * carries our application id, or is brand new (no schema at all). */
static gboolean
check_application (MotcuaStore *self, int version, GError **error)
{
  int rc;
  gint64 id = query_int (self, "PRAGMA application_id", &rc);
  gint64 objects;

  if (rc != SQLITE_OK)
    return fail (self, rc, error);
  if (id == MOTCUA_APPLICATION_ID)
    return TRUE;
  objects = query_int (self, "SELECT count(*) FROM sqlite_schema", &rc);
  if (rc != SQLITE_OK)
    return fail (self, rc, error);
  if (id == 0 && version == 0 && objects == 0)
    return TRUE;
  g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
               _("The file %s is a database of another program, not of Motcua. It was left untouched."),
               self->path);
  return FALSE;
}

static gboolean
migrate (MotcuaStore *self, int from, GError **error)
{
  for (int version = from; version < MOTCUA_STORE_SCHEMA_VERSION; version++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", version + 1);

      if (!motcua_store_begin (self, error))
        return FALSE;
      if (!exec (self, motcua_store_migrations[version], error)
          || (version == 0 && !exec (self, motcua_search_index_schema (), error))
          || (version == 0 && !exec (self, "PRAGMA application_id = 1296258369", error))
          || !exec (self, bump, error)
          || !motcua_store_commit (self, error))
        {
          motcua_store_rollback (self);
          return FALSE;
        }
    }
  return TRUE;
}

/* Called only once the file has passed the checks: switching to WAL writes to it. */
static gboolean
configure_connection (MotcuaStore *self, GError **error)
{
  return exec (self, "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL", error);
}

/* Removes what a failed first open created, so a failure leaves no half-made file. */
static void
remove_new_files (const char *path)
{
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      g_unlink (file);
    }
}

static gboolean
open_database (MotcuaStore *self, gboolean is_new, GError **error)
{
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (is_new ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2 (self->path, &self->db, flags, NULL);
  int version = 0;

  if (rc != SQLITE_OK)
    return fail (self, rc, error);
  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, 15000);

  /* Read before writing anything: a newer, foreign or damaged file must stay as it is. */
  if (sqlite3_db_readonly (self->db, "main") == 1)
    return fail (self, SQLITE_READONLY, error);
  if (!read_user_version (self, &version, error) || !check_application (self, version, error))
    return FALSE;
  if (version > MOTCUA_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_DATABASE_NEWER,
                   _("The database %s was written by a newer version of Motcua (schema %d; this "
                     "version knows %d). Update the application; the file was left untouched."),
                   self->path, version, MOTCUA_STORE_SCHEMA_VERSION);
      return FALSE;
    }
  if (!configure_connection (self, error))
    return FALSE;
  return migrate (self, version, error);
}

MotcuaStore *
motcua_store_open (const char *path, GError **error)
{
  g_autoptr(MotcuaStore) self = g_object_new (MOTCUA_TYPE_STORE, NULL);
  g_autofree char *dir = NULL;
  gboolean is_new;

  g_return_val_if_fail (path != NULL, NULL);

  self->path = g_strdup (path);
  is_new = !g_file_test (path, G_FILE_TEST_EXISTS);
  dir = g_path_get_dirname (path);
  if (is_new && g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_IO,
                   _("Cannot create the folder %s for the database: %s"), dir, g_strerror (saved_errno));
      return NULL;
    }

  if (!open_database (self, is_new, error))
    {
      g_hash_table_remove_all (self->statements);
      sqlite3_close_v2 (self->db);
      self->db = NULL;
      if (is_new)
        remove_new_files (path);
      return NULL;
    }

  self->search = motcua_search_index_new (self->db);
  return g_steal_pointer (&self);
}

const char *
motcua_store_get_path (MotcuaStore *self)
{
  return self->path;
}

sqlite3 *
motcua_store_get_db (MotcuaStore *self)
{
  return self->db;
}

char *
motcua_store_get_blob_dir (MotcuaStore *self)
{
  return g_strconcat (self->path, ".attachments", NULL);
}

/* ---- state ----------------------------------------------------------------- */

char *
motcua_store_get_state (MotcuaStore *self, const char *key, GError **error)
{
  sqlite3_stmt *stmt = prepare (self, "SELECT value FROM state WHERE key = ?", error);
  char *value = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  motcua_sqlite_bind_text (stmt, 1, key);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    value = motcua_sqlite_column_text (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    fail (self, rc, error);
  return value;
}

gboolean
motcua_store_set_state (MotcuaStore *self, const char *key, const char *value, GError **error)
{
  sqlite3_stmt *stmt;

  if (value == NULL)
    stmt = prepare (self, "DELETE FROM state WHERE key = ?", error);
  else
    stmt = prepare (self,
                    "INSERT INTO state (key, value) VALUES (?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value", error);
  if (stmt == NULL)
    return FALSE;
  motcua_sqlite_bind_text (stmt, 1, key);
  if (value != NULL)
    motcua_sqlite_bind_text (stmt, 2, value);
  return step_done (self, stmt, error);
}

gboolean
motcua_store_is_initialized (MotcuaStore *self)
{
  g_autofree char *agency = motcua_store_get_state (self, "agency_code", NULL);
  return agency != NULL;
}

char *
motcua_store_get_current_user (MotcuaStore *self, GError **error)
{
  const char *env = g_getenv ("MOTCUA_USER");

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  return motcua_store_get_state (self, "current_user", error);
}

/* ---- agency and calendar ---------------------------------------------------- */

gboolean
motcua_store_set_agency (MotcuaStore *self, const MotcuaAgency *agency, GError **error)
{
  sqlite3_stmt *stmt;

  if (!motcua_agency_code_is_valid (agency->code) || agency->name == NULL || *agency->name == '\0')
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                   _("“%s” is not a valid agency identifier: use letters, digits and dots, "
                     "as in 000.17.22.H56."), agency->code ? agency->code : "");
      return FALSE;
    }

  if (!motcua_store_begin (self, error))
    return FALSE;
  stmt = prepare (self,
                  "INSERT INTO agencies (code, name, address, phone, lookup_url, morning_start, morning_end,"
                  " afternoon_start, afternoon_end, minutes_per_day, same_day_cutoff)"
                  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                  " ON CONFLICT (code) DO UPDATE SET name = excluded.name, address = excluded.address,"
                  " phone = excluded.phone, lookup_url = excluded.lookup_url,"
                  " morning_start = excluded.morning_start, morning_end = excluded.morning_end,"
                  " afternoon_start = excluded.afternoon_start, afternoon_end = excluded.afternoon_end,"
                  " minutes_per_day = excluded.minutes_per_day, same_day_cutoff = excluded.same_day_cutoff",
                  error);
  if (stmt == NULL)
    goto failed;
  motcua_sqlite_bind_text (stmt, 1, agency->code);
  motcua_sqlite_bind_text (stmt, 2, agency->name);
  motcua_sqlite_bind_text (stmt, 3, agency->address);
  motcua_sqlite_bind_text (stmt, 4, agency->phone);
  motcua_sqlite_bind_text (stmt, 5, agency->lookup_url);
  sqlite3_bind_int (stmt, 6, agency->morning_start ? agency->morning_start : 420);
  sqlite3_bind_int (stmt, 7, agency->morning_end ? agency->morning_end : 690);
  sqlite3_bind_int (stmt, 8, agency->afternoon_start ? agency->afternoon_start : 810);
  sqlite3_bind_int (stmt, 9, agency->afternoon_end ? agency->afternoon_end : 1020);
  sqlite3_bind_int (stmt, 10, agency->minutes_per_day ? agency->minutes_per_day : 480);
  sqlite3_bind_int (stmt, 11, agency->same_day_cutoff ? agency->same_day_cutoff : 900);
  if (!step_done (self, stmt, error)
      || !motcua_store_set_state (self, "agency_code", agency->code, error)
      || !motcua_store_commit (self, error))
    goto failed;
  g_clear_object (&self->calendar);
  return TRUE;

failed:
  motcua_store_rollback (self);
  return FALSE;
}

MotcuaAgency *
motcua_store_get_agency (MotcuaStore *self, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *code = motcua_store_get_state (self, "agency_code", &local_error);
  g_autoptr(MotcuaAgency) agency = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (code == NULL)
    {
      g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_NOT_FOUND,
                           _("This workstation is not set up yet: run “motcua init” first."));
      return NULL;
    }
  stmt = prepare (self,
                  "SELECT code, name, address, phone, lookup_url, morning_start, morning_end,"
                  " afternoon_start, afternoon_end, minutes_per_day, same_day_cutoff"
                  " FROM agencies WHERE code = ?", error);
  if (stmt == NULL)
    return NULL;
  motcua_sqlite_bind_text (stmt, 1, code);
  if ((rc = sqlite3_step (stmt)) != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        fail (self, rc, error);
      else
        g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_NOT_FOUND, _("The agency %s is not in the database."), code);
      return NULL;
    }
  agency = g_new0 (MotcuaAgency, 1);
  agency->code = motcua_sqlite_column_text (stmt, 0);
  agency->name = motcua_sqlite_column_text (stmt, 1);
  agency->address = motcua_sqlite_column_text (stmt, 2);
  agency->phone = motcua_sqlite_column_text (stmt, 3);
  agency->lookup_url = motcua_sqlite_column_text (stmt, 4);
  agency->morning_start = sqlite3_column_int (stmt, 5);
  agency->morning_end = sqlite3_column_int (stmt, 6);
  agency->afternoon_start = sqlite3_column_int (stmt, 7);
  agency->afternoon_end = sqlite3_column_int (stmt, 8);
  agency->minutes_per_day = sqlite3_column_int (stmt, 9);
  agency->same_day_cutoff = sqlite3_column_int (stmt, 10);
  sqlite3_reset (stmt);
  return g_steal_pointer (&agency);
}

static gboolean
parse_iso_date (const char *text, GDate *date)
{
  int y, m, d;

  if (text == NULL || sscanf (text, "%4d-%2d-%2d", &y, &m, &d) != 3 || !g_date_valid_dmy (d, m, y))
    return FALSE;
  g_date_set_dmy (date, d, m, y);
  return TRUE;
}

static void
load_calendar_days (MotcuaStore *self, MotcuaCalendar *calendar)
{
  sqlite3_stmt *stmt = prepare (self, "SELECT year FROM calendar_years", NULL);

  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    motcua_calendar_set_official_year (calendar, sqlite3_column_int (stmt, 0));
  if (stmt != NULL)
    sqlite3_reset (stmt);

  stmt = prepare (self, "SELECT date, working, name FROM calendar_days", NULL);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      GDate date;

      if (!parse_iso_date ((const char *) sqlite3_column_text (stmt, 0), &date))
        continue;
      if (sqlite3_column_int (stmt, 1))
        motcua_calendar_add_working_day (calendar, &date, (const char *) sqlite3_column_text (stmt, 2));
      else
        motcua_calendar_add_day_off (calendar, &date, (const char *) sqlite3_column_text (stmt, 2));
    }
  if (stmt != NULL)
    sqlite3_reset (stmt);
}

MotcuaCalendar *
motcua_store_get_calendar (MotcuaStore *self)
{
  g_autoptr(MotcuaAgency) agency = NULL;

  if (self->calendar != NULL)
    return self->calendar;

  self->calendar = motcua_calendar_new (NULL);
  agency = motcua_store_get_agency (self, NULL);
  if (agency != NULL)
    {
      motcua_calendar_set_working_hours (self->calendar, agency->morning_start, agency->morning_end,
                                         agency->afternoon_start, agency->afternoon_end);
      motcua_calendar_set_minutes_per_day (self->calendar, agency->minutes_per_day);
      motcua_calendar_set_same_day_cutoff (self->calendar, agency->same_day_cutoff);
    }
  load_calendar_days (self, self->calendar);
  return self->calendar;
}

gboolean
motcua_store_set_calendar_day (MotcuaStore *self, const GDate *date, gboolean working,
                               const char *name, GError **error)
{
  char text[16];
  sqlite3_stmt *stmt;

  g_snprintf (text, sizeof text, "%04d-%02d-%02d",
              g_date_get_year (date), g_date_get_month (date), g_date_get_day (date));
  stmt = prepare (self, "INSERT INTO calendar_days (date, working, name) VALUES (?, ?, ?)"
                        " ON CONFLICT (date) DO UPDATE SET working = excluded.working, name = excluded.name",
                  error);
  if (stmt == NULL)
    return FALSE;
  motcua_sqlite_bind_text (stmt, 1, text);
  sqlite3_bind_int (stmt, 2, working);
  motcua_sqlite_bind_text (stmt, 3, name);
  if (!step_done (self, stmt, error))
    return FALSE;
  g_clear_object (&self->calendar);
  return TRUE;
}

static gboolean
check_calendar_days (int year, const MotcuaCalendarDay *days, guint n_days, GError **error)
{
  for (guint i = 0; i < n_days; i++)
    if (!g_date_valid (&days[i].date) || g_date_get_year (&days[i].date) != year)
      {
        g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                     _("The calendar of %d lists a day of another year."), year);
        return FALSE;
      }
  return TRUE;
}

static gboolean
delete_calendar_year (MotcuaStore *self, int year, GError **error)
{
  sqlite3_stmt *stmt = prepare (self, "DELETE FROM calendar_days WHERE date BETWEEN ? AND ?", error);
  char first[16], last[16];

  if (stmt == NULL)
    return FALSE;
  g_snprintf (first, sizeof first, "%04d-01-01", year);
  g_snprintf (last, sizeof last, "%04d-12-31", year);
  motcua_sqlite_bind_text (stmt, 1, first);
  motcua_sqlite_bind_text (stmt, 2, last);
  return step_done (self, stmt, error);
}

static gboolean
set_calendar_year (MotcuaStore *self, int year, const char *source, GError **error)
{
  sqlite3_stmt *stmt = prepare (self, "INSERT INTO calendar_years (year, source) VALUES (?, ?)"
                                      " ON CONFLICT (year) DO UPDATE SET source = excluded.source",
                                error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int (stmt, 1, year);
  motcua_sqlite_bind_text (stmt, 2, source);
  return step_done (self, stmt, error);
}

gboolean
motcua_store_replace_calendar_year (MotcuaStore *self, int year, const char *source,
                                    const MotcuaCalendarDay *days, guint n_days, GError **error)
{
  g_return_val_if_fail (MOTCUA_IS_STORE (self), FALSE);
  g_return_val_if_fail (days != NULL || n_days == 0, FALSE);

  if (!check_calendar_days (year, days, n_days, error) || !motcua_store_begin (self, error))
    return FALSE;
  if (!delete_calendar_year (self, year, error))
    goto failed;
  for (guint i = 0; i < n_days; i++)
    if (!motcua_store_set_calendar_day (self, &days[i].date, days[i].working, days[i].name, error))
      goto failed;
  if (!set_calendar_year (self, year, source, error) || !motcua_store_commit (self, error))
    goto failed;
  g_clear_object (&self->calendar);
  return TRUE;

failed:
  motcua_store_rollback (self);
  return FALSE;
}

void
motcua_store_reload_calendar (MotcuaStore *self)
{
  g_return_if_fail (MOTCUA_IS_STORE (self));

  g_clear_object (&self->calendar);
}

/* ---- users ----------------------------------------------------------------- */

gboolean
motcua_store_add_user (MotcuaStore *self, const char *username, const char *full_name,
                       MotcuaRole role, GError **error)
{
  g_autoptr(GDateTime) now = motcua_time_now (NULL);
  g_autofree char *created = motcua_time_format (now);
  sqlite3_stmt *stmt;
  int rc;

  if (username == NULL || *username == '\0' || full_name == NULL || *full_name == '\0')
    {
      g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                           _("A user needs a user name and a full name."));
      return FALSE;
    }
  stmt = prepare (self, "INSERT INTO users (username, full_name, role, created_at) VALUES (?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  motcua_sqlite_bind_text (stmt, 1, username);
  motcua_sqlite_bind_text (stmt, 2, full_name);
  motcua_sqlite_bind_text (stmt, 3, motcua_role_to_string (role));
  motcua_sqlite_bind_text (stmt, 4, created);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if ((rc & 0xff) == SQLITE_CONSTRAINT)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                   _("A user named %s already exists."), username);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    return fail (self, rc, error);
  return TRUE;
}

static MotcuaUser *
user_from_row (sqlite3_stmt *stmt)
{
  MotcuaUser *user = g_new0 (MotcuaUser, 1);

  user->username = motcua_sqlite_column_text (stmt, 0);
  user->full_name = motcua_sqlite_column_text (stmt, 1);
  if (!motcua_role_from_string ((const char *) sqlite3_column_text (stmt, 2), &user->role))
    user->role = MOTCUA_ROLE_NONE;
  user->disabled = sqlite3_column_int (stmt, 3);
  return user;
}

MotcuaUser *
motcua_store_get_user (MotcuaStore *self, const char *username, GError **error)
{
  sqlite3_stmt *stmt = prepare (self, "SELECT username, full_name, role, disabled FROM users WHERE username = ?", error);
  MotcuaUser *user = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  motcua_sqlite_bind_text (stmt, 1, username);
  if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    user = user_from_row (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    fail (self, rc, error);
  else if (user == NULL)
    g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_NOT_FOUND,
                 _("There is no user named “%s” on this workstation."), username ? username : "");
  return user;
}

GPtrArray *
motcua_store_list_users (MotcuaStore *self, GError **error)
{
  sqlite3_stmt *stmt = prepare (self, "SELECT username, full_name, role, disabled FROM users ORDER BY username", error);
  GPtrArray *users;
  int rc;

  if (stmt == NULL)
    return NULL;
  users = g_ptr_array_new_with_free_func ((GDestroyNotify) motcua_user_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (users, user_from_row (stmt));
  if (!rows_done (self, stmt, rc, error))
    g_clear_pointer (&users, g_ptr_array_unref);
  return users;
}

/* ---- catalog ---------------------------------------------------------------- */

static gboolean
insert_procedure (MotcuaStore *self, MotcuaProcedure *procedure, GError **error)
{
  g_autofree char *folded = motcua_fold_text (procedure->name);
  sqlite3_stmt *stmt;

  stmt = prepare (self, "DELETE FROM procedure_documents WHERE procedure_code = ?", error);
  if (stmt == NULL)
    return FALSE;
  motcua_sqlite_bind_text (stmt, 1, procedure->code);
  if (!step_done (self, stmt, error))
    return FALSE;

  stmt = prepare (self,
                  "INSERT INTO procedures (code, name, name_folded, field, level, time_amount, time_unit,"
                  " fee, fee_amount, legal_basis) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                  " ON CONFLICT (code) DO UPDATE SET name = excluded.name, name_folded = excluded.name_folded,"
                  " field = excluded.field, level = excluded.level, time_amount = excluded.time_amount,"
                  " time_unit = excluded.time_unit, fee = excluded.fee, fee_amount = excluded.fee_amount,"
                  " legal_basis = excluded.legal_basis, active = 1", error);
  if (stmt == NULL)
    return FALSE;
  motcua_sqlite_bind_text (stmt, 1, procedure->code);
  motcua_sqlite_bind_text (stmt, 2, procedure->name);
  motcua_sqlite_bind_text (stmt, 3, folded);
  motcua_sqlite_bind_text (stmt, 4, procedure->field);
  motcua_sqlite_bind_text (stmt, 5, procedure->level);
  sqlite3_bind_int (stmt, 6, procedure->time_amount);
  motcua_sqlite_bind_text (stmt, 7, motcua_time_unit_to_string (procedure->time_unit));
  motcua_sqlite_bind_text (stmt, 8, procedure->fee);
  if (procedure->fee_amount >= 0)
    sqlite3_bind_int64 (stmt, 9, procedure->fee_amount);
  motcua_sqlite_bind_text (stmt, 10, procedure->legal_basis);
  if (!step_done (self, stmt, error))
    return FALSE;

  for (guint i = 0; i < procedure->documents->len; i++)
    {
      MotcuaProcedureDocument *doc = g_ptr_array_index (procedure->documents, i);

      stmt = prepare (self, "INSERT INTO procedure_documents (procedure_code, position, name, kind, quantity, required)"
                            " VALUES (?, ?, ?, ?, ?, ?)", error);
      if (stmt == NULL)
        return FALSE;
      motcua_sqlite_bind_text (stmt, 1, procedure->code);
      sqlite3_bind_int (stmt, 2, i + 1);
      motcua_sqlite_bind_text (stmt, 3, doc->name);
      motcua_sqlite_bind_text (stmt, 4, doc->kind);
      sqlite3_bind_int (stmt, 5, doc->quantity);
      sqlite3_bind_int (stmt, 6, doc->required);
      if (!step_done (self, stmt, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
motcua_store_import_catalog (MotcuaStore *self, GPtrArray *procedures, GError **error)
{
  if (!motcua_store_begin (self, error))
    return FALSE;
  for (guint i = 0; i < procedures->len; i++)
    if (!insert_procedure (self, g_ptr_array_index (procedures, i), error))
      {
        motcua_store_rollback (self);
        return FALSE;
      }
  return motcua_store_commit (self, error);
}

static MotcuaProcedure *
procedure_from_row (MotcuaStore *self, sqlite3_stmt *row, GError **error)
{
  g_autoptr(MotcuaProcedure) procedure = motcua_procedure_new ();
  sqlite3_stmt *docs;
  int rc;

  procedure->code = motcua_sqlite_column_text (row, 0);
  procedure->name = motcua_sqlite_column_text (row, 1);
  procedure->field = motcua_sqlite_column_text (row, 2);
  procedure->level = motcua_sqlite_column_text (row, 3);
  procedure->time_amount = sqlite3_column_int (row, 4);
  motcua_time_unit_from_string ((const char *) sqlite3_column_text (row, 5), &procedure->time_unit);
  procedure->fee = motcua_sqlite_column_text (row, 6);
  procedure->fee_amount = sqlite3_column_type (row, 7) == SQLITE_NULL ? -1 : sqlite3_column_int64 (row, 7);
  procedure->legal_basis = motcua_sqlite_column_text (row, 8);

  docs = prepare (self, "SELECT name, kind, quantity, required FROM procedure_documents"
                        " WHERE procedure_code = ? ORDER BY position", error);
  if (docs == NULL)
    return NULL;
  motcua_sqlite_bind_text (docs, 1, procedure->code);
  while ((rc = sqlite3_step (docs)) == SQLITE_ROW)
    motcua_procedure_add_document (procedure, (const char *) sqlite3_column_text (docs, 0),
                                   (const char *) sqlite3_column_text (docs, 1),
                                   sqlite3_column_int (docs, 2), sqlite3_column_int (docs, 3));
  if (!rows_done (self, docs, rc, error))
    return NULL;
  return g_steal_pointer (&procedure);
}

#define PROCEDURE_COLUMNS "code, name, field, level, time_amount, time_unit, fee, fee_amount, legal_basis"

/* The procedures whose codes @stmt yields, in its order. */
static GPtrArray *
procedures_from_codes (MotcuaStore *self, sqlite3_stmt *stmt, GError **error)
{
  g_autoptr(GPtrArray) procedures = g_ptr_array_new_with_free_func ((GDestroyNotify) motcua_procedure_free);
  g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);
  int rc;

  /* Collect codes first: building each procedure uses another statement. */
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (codes, motcua_sqlite_column_text (stmt, 0));
  if (!rows_done (self, stmt, rc, error))
    return NULL;

  for (guint i = 0; i < codes->len; i++)
    {
      MotcuaProcedure *procedure = motcua_store_get_procedure (self, g_ptr_array_index (codes, i), error);
      if (procedure == NULL)
        return NULL;
      g_ptr_array_add (procedures, procedure);
    }
  return g_steal_pointer (&procedures);
}

GPtrArray *
motcua_store_list_procedures (MotcuaStore *self, const char *search, GError **error)
{
  g_autofree char *folded = motcua_fold_text (search);
  g_autofree char *pattern = g_strdup_printf ("%%%s%%", folded);
  sqlite3_stmt *stmt;

  stmt = prepare (self, "SELECT code FROM procedures"
                        " WHERE active AND (name_folded LIKE ?1 OR code LIKE ?1) ORDER BY field, name", error);
  if (stmt == NULL)
    return NULL;
  motcua_sqlite_bind_text (stmt, 1, pattern);
  return procedures_from_codes (self, stmt, error);
}

GPtrArray *
motcua_store_list_procedures_by_use (MotcuaStore *self, GDateTime *since, GError **error)
{
  g_autofree char *day = g_date_time_format (since, "%Y-%m-%d");
  sqlite3_stmt *stmt;

  /* The daily sums the indicators keep: a few rows a day, whatever the office's size. */
  stmt = prepare (self, "SELECT p.code FROM procedures p"
                        " LEFT JOIN (SELECT procedure_code, sum (n) AS n FROM stats_received_days"
                        "            WHERE day >= ?1 GROUP BY procedure_code) used"
                        "   ON used.procedure_code = p.code"
                        " WHERE p.active ORDER BY COALESCE (used.n, 0) DESC, p.field, p.name", error);
  if (stmt == NULL)
    return NULL;
  motcua_sqlite_bind_text (stmt, 1, day);
  return procedures_from_codes (self, stmt, error);
}

MotcuaProcedure *
motcua_store_get_procedure (MotcuaStore *self, const char *code, GError **error)
{
  sqlite3_stmt *stmt = prepare (self, "SELECT " PROCEDURE_COLUMNS " FROM procedures WHERE code = ?", error);
  MotcuaProcedure *procedure = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  motcua_sqlite_bind_text (stmt, 1, code);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    procedure = procedure_from_row (self, stmt, error);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    fail (self, rc, error);
  else if (rc == SQLITE_DONE)
    g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_NOT_FOUND,
                 _("There is no procedure with the code %s in the catalog."), code ? code : "");
  return procedure;
}

/* ---- dossier codes ---------------------------------------------------------- */

/* Looks before it writes: a write statement opens a statement journal (costly in a
 * long transaction), and most days have no reserved block at all. */
static gboolean
code_from_block (MotcuaStore *self, const char *agency_code, const char *day, gint64 *seq, GError **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT id, next_seq FROM code_blocks WHERE agency_code = ? AND day = ?"
                                " AND next_seq <= last_seq ORDER BY first_seq LIMIT 1", error);
  gint64 block = 0;
  int rc;

  *seq = 0;
  if (stmt == NULL)
    return FALSE;
  motcua_sqlite_bind_text (stmt, 1, agency_code);
  motcua_sqlite_bind_text (stmt, 2, day);
  if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      block = sqlite3_column_int64 (stmt, 0);
      *seq = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return fail (self, rc, error);
  if (block == 0)
    return TRUE;

  stmt = prepare (self, "UPDATE code_blocks SET next_seq = next_seq + 1 WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, block);
  return step_done (self, stmt, error);
}

static gboolean
code_from_sequence (MotcuaStore *self, const char *agency_code, const char *day, gint64 *seq, GError **error)
{
  sqlite3_stmt *stmt = prepare (self, "SELECT next_seq FROM code_sequences WHERE agency_code = ? AND day = ?", error);
  gboolean exists;
  int rc;

  if (stmt == NULL)
    return FALSE;
  motcua_sqlite_bind_text (stmt, 1, agency_code);
  motcua_sqlite_bind_text (stmt, 2, day);
  rc = sqlite3_step (stmt);
  exists = rc == SQLITE_ROW;
  *seq = exists ? sqlite3_column_int64 (stmt, 0) : 1;
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return fail (self, rc, error);

  /* The caller holds a write transaction, so nobody can take the same number between
   * this read and this write. */
  stmt = prepare (self, exists ? "UPDATE code_sequences SET next_seq = ?3 WHERE agency_code = ?1 AND day = ?2"
                               : "INSERT INTO code_sequences (agency_code, day, next_seq) VALUES (?1, ?2, ?3)", error);
  if (stmt == NULL)
    return FALSE;
  motcua_sqlite_bind_text (stmt, 1, agency_code);
  motcua_sqlite_bind_text (stmt, 2, day);
  sqlite3_bind_int64 (stmt, 3, *seq + 1);
  return step_done (self, stmt, error);
}

/* Whether @seq is inside a block reserved for the day or already names a dossier. */
static gboolean
sequence_taken (MotcuaStore *self, const char *agency_code, const char *day, const char *code,
                gint64 seq, gboolean *taken, GError **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT EXISTS (SELECT 1 FROM code_blocks WHERE agency_code = ?1 AND day = ?2"
                                "               AND ?3 BETWEEN first_seq AND last_seq)"
                                "    OR EXISTS (SELECT 1 FROM dossiers WHERE code = ?4)", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  motcua_sqlite_bind_text (stmt, 1, agency_code);
  motcua_sqlite_bind_text (stmt, 2, day);
  sqlite3_bind_int64 (stmt, 3, seq);
  motcua_sqlite_bind_text (stmt, 4, code);
  rc = sqlite3_step (stmt);
  *taken = rc == SQLITE_ROW && sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    return fail (self, rc, error);
  return TRUE;
}

static gboolean
code_exists (MotcuaStore *self, const char *code, gboolean *exists, GError **error)
{
  sqlite3_stmt *stmt = prepare (self, "SELECT EXISTS (SELECT 1 FROM dossiers WHERE code = ?)", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  motcua_sqlite_bind_text (stmt, 1, code);
  rc = sqlite3_step (stmt);
  *exists = rc == SQLITE_ROW && sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    return fail (self, rc, error);
  return TRUE;
}

static gboolean
check_may_count_locally (MotcuaStore *self, GDateTime *day, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *server = motcua_store_get_state (self, "sync.server_url", &local_error);
  g_autofree char *day_text = NULL;

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (server == NULL)
    return TRUE;
  day_text = g_date_time_format (day, "%d/%m/%Y");
  g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_REFUSED,
               _("No reserved dossier numbers are left for %s. Connect to the server once to reserve more."),
               day_text);
  return FALSE;
}

char *
motcua_store_allocate_code (MotcuaStore *self, const char *agency_code, GDateTime *day, GError **error)
{
  g_autofree char *yymmdd = motcua_code_day (day);
  gint64 seq = 0;
  gboolean taken = TRUE;

  g_return_val_if_fail (self->transaction_depth > 0, NULL);

  /* A block reserved from the server keeps codes unique across the agency's
   * workstations; without one, the local counter steps over every number a block
   * already gave out or a dossier already bears. */
  for (;;)
    {
      g_autofree char *code = NULL;

      if (!code_from_block (self, agency_code, yymmdd, &seq, error))
        return NULL;
      if (seq == 0)
        break;
      code = motcua_code_format (agency_code, day, seq);
      /* A dossier made before the workstation was registered may bear a number the
       * server gives out later: skip it rather than fail on it forever. */
      if (!code_exists (self, code, &taken, error))
        return NULL;
      if (!taken)
        return g_steal_pointer (&code);
    }

  /* Once registered, the server is the only source of numbers: the local counter
   * would make the same codes as another workstation of the agency. */
  if (!check_may_count_locally (self, day, error))
    return NULL;

  taken = TRUE;
  while (taken)
    {
      g_autofree char *code = NULL;

      if (!code_from_sequence (self, agency_code, yymmdd, &seq, error))
        return NULL;
      code = motcua_code_format (agency_code, day, seq);
      if (!sequence_taken (self, agency_code, yymmdd, code, seq, &taken, error))
        return NULL;
      if (!taken)
        return g_steal_pointer (&code);
    }
  g_assert_not_reached ();
}

gboolean
motcua_store_add_code_block (MotcuaStore *self, const char *agency_code, GDateTime *day,
                             gint64 first, gint64 last, GError **error)
{
  g_autofree char *yymmdd = motcua_code_day (day);
  sqlite3_stmt *stmt;

  /* Four digits in a code: a block beyond them would make codes of another shape. */
  if (first < 1 || last < first || last > 9999)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                   _("The server reserved the numbers %lld to %lld, which cannot be dossier numbers."),
                   (long long) first, (long long) last);
      return FALSE;
    }
  stmt = prepare (self, "INSERT INTO code_blocks (agency_code, day, first_seq, last_seq, next_seq)"
                        " VALUES (?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  motcua_sqlite_bind_text (stmt, 1, agency_code);
  motcua_sqlite_bind_text (stmt, 2, yymmdd);
  sqlite3_bind_int64 (stmt, 3, first);
  sqlite3_bind_int64 (stmt, 4, last);
  sqlite3_bind_int64 (stmt, 5, first);
  return step_done (self, stmt, error);
}

gint64
motcua_store_count_block_codes_left (MotcuaStore *self, const char *agency_code, GDateTime *day, GError **error)
{
  g_autofree char *yymmdd = motcua_code_day (day);
  sqlite3_stmt *stmt = prepare (self, "SELECT COALESCE (sum (last_seq - next_seq + 1), 0) FROM code_blocks"
                                      " WHERE agency_code = ? AND day = ? AND next_seq <= last_seq", error);
  gint64 left = -1;
  int rc;

  if (stmt == NULL)
    return -1;
  motcua_sqlite_bind_text (stmt, 1, agency_code);
  motcua_sqlite_bind_text (stmt, 2, yymmdd);
  if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    left = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    fail (self, rc, error);
  return left;
}

/* ---- attachments ------------------------------------------------------------ */

char *
motcua_store_get_blob_path (MotcuaStore *self, const char *sha256)
{
  g_autofree char *dir = motcua_store_get_blob_dir (self);
  char prefix[3] = { sha256[0], sha256[1], '\0' };

  return g_build_filename (dir, prefix, sha256, NULL);
}

/* Copies @path into a temporary file beside the blob store while hashing it, then
 * renames it into place: a crash never leaves a blob whose name lies about its bytes. */
static char *
copy_and_hash (MotcuaStore *self, const char *path, gint64 *size, GError **error)
{
  g_autofree char *dir = motcua_store_get_blob_dir (self);
  g_autoptr(GFile) source = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) input = NULL;
  g_autoptr(GFileIOStream) tmp_stream = NULL;
  g_autoptr(GFile) tmp = NULL;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *final_path = NULL;
  g_autofree char *final_dir = NULL;
  guint8 buffer[64 * 1024];
  GOutputStream *output;
  gssize n;

  *size = 0;
  if (g_mkdir_with_parents (dir, 0700) != 0
      || (input = g_file_read (source, NULL, &local_error)) == NULL
      || (tmp = g_file_new_tmp ("incoming-XXXXXX", &tmp_stream, &local_error)) == NULL)
    goto failed;
  output = g_io_stream_get_output_stream (G_IO_STREAM (tmp_stream));
  while ((n = g_input_stream_read (G_INPUT_STREAM (input), buffer, sizeof buffer, NULL, &local_error)) > 0)
    {
      g_checksum_update (checksum, buffer, n);
      *size += n;
      if (!g_output_stream_write_all (output, buffer, n, NULL, NULL, &local_error))
        goto failed;
    }
  if (n < 0 || !g_io_stream_close (G_IO_STREAM (tmp_stream), NULL, &local_error))
    goto failed;

  final_path = motcua_store_get_blob_path (self, g_checksum_get_string (checksum));
  final_dir = g_path_get_dirname (final_path);
  g_mkdir_with_parents (final_dir, 0700);
  {
    g_autoptr(GFile) target = g_file_new_for_path (final_path);

    /* Different filesystems: move copies; the same bytes already there are fine. */
    if (!g_file_test (final_path, G_FILE_TEST_EXISTS)
        && !g_file_move (tmp, target, G_FILE_COPY_NONE, NULL, NULL, NULL, &local_error))
      goto failed;
    g_file_delete (tmp, NULL, NULL);
  }
  return g_strdup (g_checksum_get_string (checksum));

failed:
  if (tmp != NULL)
    g_file_delete (tmp, NULL, NULL);
  if (local_error != NULL && g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NO_SPACE))
    g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_DISK_FULL,
                 _("The disk is full: the file %s could not be stored. Nothing was saved."), path);
  else
    g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_IO, _("The file %s could not be attached: %s"),
                 path, local_error ? local_error->message : g_strerror (errno));
  return NULL;
}

MotcuaAttachmentRef *
motcua_store_add_blob (MotcuaStore *self, const char *path, GError **error)
{
  g_autofree char *sha256 = NULL;
  g_autofree char *basename = g_path_get_basename (path);
  g_autofree char *content_type = g_content_type_guess (path, NULL, 0, NULL);
  g_autofree char *mime = g_content_type_get_mime_type (content_type);
  gint64 size;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_NOT_FOUND, _("There is no file %s to attach."), path);
      return NULL;
    }
  sha256 = copy_and_hash (self, path, &size, error);
  if (sha256 == NULL)
    return NULL;
  return motcua_attachment_ref_new (sha256, basename, mime ? mime : "application/octet-stream", size);
}

static GPtrArray *
add_blobs (MotcuaStore *self, const char * const *paths, GError **error)
{
  g_autoptr(GPtrArray) refs = g_ptr_array_new_with_free_func ((GDestroyNotify) motcua_attachment_ref_free);

  for (guint i = 0; paths != NULL && paths[i] != NULL; i++)
    {
      MotcuaAttachmentRef *ref = motcua_store_add_blob (self, paths[i], error);
      if (ref == NULL)
        return NULL;
      g_ptr_array_add (refs, ref);
    }
  return g_steal_pointer (&refs);
}

/* ---- dossier rows ------------------------------------------------------------ */


static void
bind_dossier (sqlite3_stmt *stmt, MotcuaDossier *d)
{
  int i = 1;

  /* Column 0 (id) is bound last, at position 38, for the UPDATE's WHERE. */
  motcua_sqlite_bind_text (stmt, i++, d->uid);
  motcua_sqlite_bind_text (stmt, i++, d->code);
  motcua_sqlite_bind_text (stmt, i++, d->agency_code);
  motcua_sqlite_bind_text (stmt, i++, d->procedure_code);
  motcua_sqlite_bind_text (stmt, i++, d->procedure_name);
  sqlite3_bind_int (stmt, i++, d->time_amount);
  motcua_sqlite_bind_text (stmt, i++, d->time_unit);
  motcua_sqlite_bind_text (stmt, i++, d->applicant_name);
  motcua_sqlite_bind_text (stmt, i++, d->applicant_id_number);
  motcua_sqlite_bind_text (stmt, i++, d->applicant_phone);
  motcua_sqlite_bind_text (stmt, i++, d->applicant_address);
  motcua_sqlite_bind_text (stmt, i++, d->applicant_email);
  sqlite3_bind_int (stmt, i++, d->applicant_type);
  sqlite3_bind_int (stmt, i++, d->channel);
  sqlite3_bind_int (stmt, i++, d->status);
  sqlite3_bind_int (stmt, i++, d->step);
  sqlite3_bind_int (stmt, i++, d->sets);
  motcua_sqlite_bind_text (stmt, i++, d->submitted_at);
  motcua_sqlite_bind_text (stmt, i++, d->received_at);
  motcua_sqlite_bind_text (stmt, i++, d->due_at);
  motcua_sqlite_bind_text (stmt, i++, d->finished_at);
  motcua_sqlite_bind_text (stmt, i++, d->returned_at);
  motcua_sqlite_bind_text (stmt, i++, d->paused_at);
  sqlite3_bind_int (stmt, i++, d->resume_status);
  sqlite3_bind_int (stmt, i++, d->resume_step);
  sqlite3_bind_int (stmt, i++, d->supplement_count);
  sqlite3_bind_int (stmt, i++, d->apology_count);
  motcua_sqlite_bind_text (stmt, i++, d->assignee);
  motcua_sqlite_bind_text (stmt, i++, d->return_method);
  motcua_sqlite_bind_text (stmt, i++, d->return_tracking);
  motcua_sqlite_bind_text (stmt, i++, d->recipient_name);
  motcua_sqlite_bind_text (stmt, i++, d->recipient_id_number);
  motcua_sqlite_bind_text (stmt, i++, d->satisfaction);
  motcua_sqlite_bind_text (stmt, i++, d->last_reason);
  sqlite3_bind_int (stmt, i++, d->event_count);
  motcua_sqlite_bind_text (stmt, i++, d->last_event_hash);
  motcua_sqlite_bind_text (stmt, i++, d->updated_at);
  g_assert (i == 38);
  if (d->id != 0)
    sqlite3_bind_int64 (stmt, 38, d->id);
}


static gboolean
load_dossier_children (MotcuaStore *self, MotcuaDossier *d, GError **error)
{
  sqlite3_stmt *stmt = prepare (self, "SELECT name, kind, quantity, provided, required FROM dossier_documents"
                                      " WHERE dossier_id = ? ORDER BY position", error);
  int rc;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, d->id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (d->documents,
                     motcua_dossier_document_new ((const char *) sqlite3_column_text (stmt, 0),
                                                  (const char *) sqlite3_column_text (stmt, 1),
                                                  sqlite3_column_int (stmt, 2),
                                                  sqlite3_column_int (stmt, 3),
                                                  sqlite3_column_int (stmt, 4)));
  if (!rows_done (self, stmt, rc, error))
    return FALSE;

  stmt = prepare (self, "SELECT da.sha256, da.name, da.mime_type, a.size FROM dossier_attachments da"
                        " JOIN attachments a USING (sha256) WHERE da.dossier_id = ? ORDER BY da.position", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, d->id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (d->attachments,
                     motcua_attachment_ref_new ((const char *) sqlite3_column_text (stmt, 0),
                                                (const char *) sqlite3_column_text (stmt, 1),
                                                (const char *) sqlite3_column_text (stmt, 2),
                                                sqlite3_column_int64 (stmt, 3)));
  return rows_done (self, stmt, rc, error);
}

static MotcuaDossier *
load_dossier_where (MotcuaStore *self, const char *sql, const char *key, gint64 id, GError **error)
{
  g_autoptr(MotcuaDossier) dossier = NULL;
  sqlite3_stmt *stmt = prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;
  if (key != NULL)
    motcua_sqlite_bind_text (stmt, 1, key);
  else
    sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      dossier = motcua_dossier_new ();
      motcua_dossier_read_row (dossier, stmt);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      fail (self, rc, error);
      return NULL;
    }
  if (dossier == NULL)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_NOT_FOUND,
                   _("There is no dossier with the code %s."), key ? key : "?");
      return NULL;
    }
  if (!load_dossier_children (self, dossier, error))
    return NULL;
  return g_steal_pointer (&dossier);
}

MotcuaDossier *
motcua_store_get_dossier (MotcuaStore *self, const char *code, GError **error)
{
  return load_dossier_where (self, "SELECT " MOTCUA_DOSSIER_COLUMNS " FROM dossiers WHERE code = ?", code, 0, error);
}

static MotcuaDossier *
get_dossier_by_id (MotcuaStore *self, gint64 id, GError **error)
{
  return load_dossier_where (self, "SELECT " MOTCUA_DOSSIER_COLUMNS " FROM dossiers WHERE id = ?", NULL, id, error);
}

/* Documents are fixed at creation; attachments only grow. */
static gboolean
save_children (MotcuaStore *self, MotcuaDossier *d, gboolean is_new, GError **error)
{
  sqlite3_stmt *stmt;

  if (is_new)
    for (guint i = 0; i < d->documents->len; i++)
      {
        MotcuaDossierDocument *doc = g_ptr_array_index (d->documents, i);

        stmt = prepare (self, "INSERT INTO dossier_documents (dossier_id, position, name, kind, quantity, provided, required)"
                              " VALUES (?, ?, ?, ?, ?, ?, ?)", error);
        if (stmt == NULL)
          return FALSE;
        sqlite3_bind_int64 (stmt, 1, d->id);
        sqlite3_bind_int (stmt, 2, i + 1);
        motcua_sqlite_bind_text (stmt, 3, doc->name);
        motcua_sqlite_bind_text (stmt, 4, doc->kind);
        sqlite3_bind_int (stmt, 5, doc->quantity);
        sqlite3_bind_int (stmt, 6, doc->provided);
        sqlite3_bind_int (stmt, 7, doc->required);
        if (!step_done (self, stmt, error))
          return FALSE;
      }

  for (guint i = 0; i < d->attachments->len; i++)
    {
      MotcuaAttachmentRef *ref = g_ptr_array_index (d->attachments, i);

      stmt = prepare (self, "INSERT OR IGNORE INTO attachments (sha256, size, mime_type, created_at)"
                            " VALUES (?, ?, ?, ?)", error);
      if (stmt == NULL)
        return FALSE;
      motcua_sqlite_bind_text (stmt, 1, ref->sha256);
      sqlite3_bind_int64 (stmt, 2, ref->size);
      motcua_sqlite_bind_text (stmt, 3, ref->mime_type);
      motcua_sqlite_bind_text (stmt, 4, d->updated_at);
      if (!step_done (self, stmt, error))
        return FALSE;

      stmt = prepare (self, "INSERT OR IGNORE INTO dossier_attachments (dossier_id, position, sha256, name, mime_type)"
                            " VALUES (?, ?, ?, ?, ?)", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, d->id);
      sqlite3_bind_int (stmt, 2, i + 1);
      motcua_sqlite_bind_text (stmt, 3, ref->sha256);
      motcua_sqlite_bind_text (stmt, 4, ref->name);
      motcua_sqlite_bind_text (stmt, 5, ref->mime_type);
      if (!step_done (self, stmt, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
save_dossier (MotcuaStore *self, MotcuaDossier *d, GError **error)
{
  gboolean is_new = d->id == 0;
  sqlite3_stmt *stmt;
  int rc;

  if (is_new)
    stmt = prepare (self, "INSERT INTO dossiers (" MOTCUA_DOSSIER_COLUMNS ") VALUES (NULL,"
                          " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                          " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  else
    stmt = prepare (self, "UPDATE dossiers SET uid = ?1, code = ?2, agency_code = ?3, procedure_code = ?4,"
                          " procedure_name = ?5, time_amount = ?6, time_unit = ?7, applicant_name = ?8,"
                          " applicant_id_number = ?9, applicant_phone = ?10, applicant_address = ?11,"
                          " applicant_email = ?12, applicant_type = ?13, channel = ?14, status = ?15, step = ?16,"
                          " sets = ?17, submitted_at = ?18, received_at = ?19, due_at = ?20, finished_at = ?21,"
                          " returned_at = ?22, paused_at = ?23, resume_status = ?24, resume_step = ?25,"
                          " supplement_count = ?26, apology_count = ?27, assignee = ?28, return_method = ?29,"
                          " return_tracking = ?30, recipient_name = ?31, recipient_id_number = ?32,"
                          " satisfaction = ?33, last_reason = ?34, event_count = ?35, last_event_hash = ?36,"
                          " updated_at = ?37 WHERE id = ?38", error);
  if (stmt == NULL)
    return FALSE;
  bind_dossier (stmt, d);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if ((rc & 0xff) == SQLITE_CONSTRAINT)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                   _("A dossier with the code %s already exists."), d->code);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    return fail (self, rc, error);
  if (is_new)
    d->id = sqlite3_last_insert_rowid (self->db);
  return save_children (self, d, is_new, error);
}

static gboolean
insert_event (MotcuaStore *self, MotcuaEvent *event, GError **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "INSERT INTO events (op_id, dossier_uid, seq, actor, actor_role, confirmed_at, kind,"
                                " payload, prev_hash, hash, signature, sync_state, server_seq, reject_reason)"
                                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  motcua_sqlite_bind_text (stmt, 1, event->op_id);
  motcua_sqlite_bind_text (stmt, 2, event->dossier_uid);
  sqlite3_bind_int64 (stmt, 3, event->seq);
  motcua_sqlite_bind_text (stmt, 4, event->actor);
  motcua_sqlite_bind_text (stmt, 5, event->actor_role);
  motcua_sqlite_bind_text (stmt, 6, event->confirmed_at);
  motcua_sqlite_bind_text (stmt, 7, event->kind);
  motcua_sqlite_bind_text (stmt, 8, event->payload);
  motcua_sqlite_bind_text (stmt, 9, event->prev_hash);
  motcua_sqlite_bind_text (stmt, 10, event->hash);
  if (event->signature != NULL)
    sqlite3_bind_blob (stmt, 11, g_bytes_get_data (event->signature, NULL),
                       g_bytes_get_size (event->signature), SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 12, event->sync_state);
  if (event->server_seq != 0)
    sqlite3_bind_int64 (stmt, 13, event->server_seq);
  motcua_sqlite_bind_text (stmt, 14, event->reject_reason);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if ((rc & 0xff) == SQLITE_CONSTRAINT)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                   _("The journal already holds event %s."), event->op_id);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    return fail (self, rc, error);
  event->id = sqlite3_last_insert_rowid (self->db);
  return TRUE;
}

/* FTS5 writes its pending terms out as a new segment whenever a later statement of
 * the transaction opens a statement journal, so interleaving index entries with the
 * journal's inserts made a bulk load write one segment per dossier. Bulk loads index
 * everything at the end instead, in one run of consecutive puts. */
void
motcua_store_set_bulk_load (MotcuaStore *self, gboolean bulk_load)
{
  self->bulk_load = bulk_load;
}

static gboolean
index_unindexed (MotcuaStore *self, GError **error)
{
  sqlite3_stmt *stmt;

  for (guint i = 0; i < self->unindexed->len; i++)
    {
      MotcuaSearchFields fields;
      int rc;

      stmt = prepare (self, "SELECT code, applicant_name, applicant_id_number, applicant_phone, procedure_name"
                            " FROM dossiers WHERE id = ?", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, g_array_index (self->unindexed, gint64, i));
      if ((rc = sqlite3_step (stmt)) != SQLITE_ROW)
        {
          sqlite3_reset (stmt);
          return fail (self, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc, error);
        }
      fields.code = (const char *) sqlite3_column_text (stmt, 0);
      fields.applicant_name = (const char *) sqlite3_column_text (stmt, 1);
      fields.id_number = (const char *) sqlite3_column_text (stmt, 2);
      fields.phone = (const char *) sqlite3_column_text (stmt, 3);
      fields.procedure_name = (const char *) sqlite3_column_text (stmt, 4);
      if (!motcua_search_index_put (self->search, g_array_index (self->unindexed, gint64, i), &fields, error))
        {
          sqlite3_reset (stmt);
          return FALSE;
        }
      sqlite3_reset (stmt);
    }
  g_array_set_size (self->unindexed, 0);
  return TRUE;
}

static gboolean
index_dossier (MotcuaStore *self, MotcuaDossier *d, GError **error)
{
  MotcuaSearchFields fields = {
    .code = d->code,
    .applicant_name = d->applicant_name,
    .id_number = d->applicant_id_number,
    .phone = d->applicant_phone,
    .procedure_name = d->procedure_name,
  };

  if (self->bulk_load)
    {
      g_array_append_val (self->unindexed, d->id);
      return TRUE;
    }
  return motcua_search_index_put (self->search, d->id, &fields, error);
}

MotcuaDossier *
motcua_store_append_event (MotcuaStore  *self,
                           MotcuaDossier *dossier,
                           MotcuaEvent   *event,
                           JsonObject    *payload,
                           GError       **error)
{
  g_autoptr(MotcuaDossier) target = dossier ? g_object_ref (dossier) : motcua_dossier_new ();

  g_return_val_if_fail (self->transaction_depth > 0, NULL);

  if (event->payload == NULL)
    event->payload = motcua_json_object_to_string (payload);
  if (event->hash == NULL)
    {
      event->seq = target->event_count + 1;
      g_free (event->prev_hash);
      event->prev_hash = g_strdup (target->last_event_hash);
      event->hash = motcua_event_compute_hash (event);
    }

  if (!motcua_dossier_apply (target, event, payload, error)
      || !save_dossier (self, target, error)
      || !insert_event (self, event, error))
    return NULL;
  if (target->event_count == 1 && !index_dossier (self, target, error))
    return NULL;
  return g_steal_pointer (&target);
}

static gboolean
insert_events (MotcuaStore *self, GPtrArray *events, GError **error)
{
  for (guint i = 0; i < events->len; i++)
    if (!insert_event (self, g_ptr_array_index (events, i), error))
      return FALSE;
  return TRUE;
}

static gboolean
set_last_actor (MotcuaStore *self, MotcuaDossier *d, const char *actor, GError **error)
{
  sqlite3_stmt *stmt = prepare (self, "UPDATE dossiers SET last_actor = ? WHERE id = ?", error);

  if (stmt == NULL)
    return FALSE;
  motcua_sqlite_bind_text (stmt, 1, actor);
  sqlite3_bind_int64 (stmt, 2, d->id);
  return step_done (self, stmt, error);
}

MotcuaDossier *
motcua_store_append_new_dossier (MotcuaStore *self,
                                 GPtrArray   *events,
                                 GPtrArray   *payloads,
                                 GError     **error)
{
  g_autoptr(MotcuaDossier) dossier = motcua_dossier_new ();

  g_return_val_if_fail (self->transaction_depth > 0, NULL);
  g_return_val_if_fail (events->len == payloads->len && events->len > 0, NULL);

  for (guint i = 0; i < events->len; i++)
    {
      MotcuaEvent *event = g_ptr_array_index (events, i);
      JsonObject *payload = g_ptr_array_index (payloads, i);

      if (event->payload == NULL)
        event->payload = motcua_json_object_to_string (payload);
      if (event->hash == NULL)
        {
          event->seq = dossier->event_count + 1;
          g_free (event->prev_hash);
          event->prev_hash = g_strdup (dossier->last_event_hash);
          event->hash = motcua_event_compute_hash (event);
        }
      if (!motcua_dossier_apply (dossier, event, payload, error))
        return NULL;
    }

  if (self->bulk_load)
    {
      /* The journal first, then the row: each event's last-actor trigger then finds no
       * row to rewrite, and the row is written with its last actor once. The foreign
       * key to the dossier waits for COMMIT (motcua_store_begin). Twice as fast. */
      if (!insert_events (self, events, error) || !save_dossier (self, dossier, error)
          || !set_last_actor (self, dossier, ((MotcuaEvent *) g_ptr_array_index (events, events->len - 1))->actor, error))
        return NULL;
    }
  else if (!save_dossier (self, dossier, error) || !insert_events (self, events, error))
    return NULL;
  if (!index_dossier (self, dossier, error))
    return NULL;
  return g_steal_pointer (&dossier);
}

/* ---- acting ---------------------------------------------------------------- */

static MotcuaUser *
resolve_actor (MotcuaStore *self, const char *requested, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *current = requested ? NULL : motcua_store_get_current_user (self, &local_error);
  const char *username = requested ? requested : current;
  MotcuaUser *user;

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (username == NULL)
    {
      g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_PERMISSION,
                           _("No user is signed in on this workstation. Name one with --as."));
      return NULL;
    }
  user = motcua_store_get_user (self, username, error);
  if (user != NULL && user->disabled)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_PERMISSION,
                   _("The account %s is disabled."), username);
      g_clear_pointer (&user, motcua_user_free);
    }
  return user;
}

static MotcuaEvent *
new_event (const char *dossier_uid, MotcuaUser *actor, GDateTime *now, const char *kind)
{
  MotcuaEvent *event = motcua_event_new ();

  event->op_id = motcua_uuid_new (now);
  event->dossier_uid = g_strdup (dossier_uid);
  event->actor = g_strdup (actor->username);
  event->actor_role = g_strdup (motcua_role_to_string (actor->role));
  event->confirmed_at = motcua_time_format (now);
  event->kind = g_strdup (kind);
  return event;
}

/* The moment of an action, in the agency's zone: codes, "today" and every stored
 * time are the agency's local ones, whatever zone the caller's clock was in. */
static GDateTime *
now_or (MotcuaStore *self, GDateTime *given)
{
  GTimeZone *zone = motcua_calendar_get_time_zone (motcua_store_get_calendar (self));

  return given ? g_date_time_to_timezone (given, zone) : motcua_time_now (zone);
}

static gboolean
is_blank (const char *text)
{
  if (text == NULL)
    return TRUE;
  for (; *text; text++)
    if (!g_ascii_isspace (*text))
      return FALSE;
  return TRUE;
}

static gboolean
check_digits (const char *text, const char *what, guint min, guint max, GError **error)
{
  gsize length;

  if (text == NULL || *text == '\0')
    return TRUE;
  length = strlen (text);
  for (const char *p = text; *p; p++)
    if (!g_ascii_isdigit (*p) && !(p == text && *p == '+'))
      length = 0;
  if (length < min || length > max)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                   _("“%s” is not a valid %s."), text, what);
      return FALSE;
    }
  return TRUE;
}

static gboolean
validate_applicant (const MotcuaReceiveRequest *request, GError **error)
{
  if (is_blank (request->applicant_name))
    {
      g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                           _("The applicant's name is required."));
      return FALSE;
    }
  if (request->applicant_id_number != NULL && *request->applicant_id_number != '\0'
      && strlen (request->applicant_id_number) != 12 && strlen (request->applicant_id_number) != 9)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                   _("“%s” is not a valid ID number: a citizen ID card has 12 digits, an old ID card 9."),
                   request->applicant_id_number);
      return FALSE;
    }
  return check_digits (request->applicant_id_number, _("ID number"), 9, 12, error)
         && check_digits (request->applicant_phone, _("phone number"), 9, 12, error);
}

/* Which of the procedure's documents were handed in; unknown names are an error so a
 * typo never silently drops a document from the checklist. */
static gboolean
resolve_checklist (MotcuaProcedure *procedure, const char * const *provided,
                   gboolean *provided_flags, GPtrArray *missing, GError **error)
{
  for (guint i = 0; i < procedure->documents->len; i++)
    provided_flags[i] = provided == NULL;

  for (guint j = 0; provided != NULL && provided[j] != NULL; j++)
    {
      g_autofree char *wanted = motcua_fold_text (provided[j]);
      gboolean found = FALSE;

      for (guint i = 0; i < procedure->documents->len && !found; i++)
        {
          MotcuaProcedureDocument *doc = g_ptr_array_index (procedure->documents, i);
          g_autofree char *name = motcua_fold_text (doc->name);

          if (g_str_equal (name, wanted))
            provided_flags[i] = found = TRUE;
        }
      if (!found)
        {
          g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                       _("“%s” is not one of the documents of procedure %s."), provided[j], procedure->code);
          return FALSE;
        }
    }

  for (guint i = 0; i < procedure->documents->len; i++)
    if (!provided_flags[i] && ((MotcuaProcedureDocument *) g_ptr_array_index (procedure->documents, i))->required)
      g_ptr_array_add (missing, ((MotcuaProcedureDocument *) g_ptr_array_index (procedure->documents, i))->name);
  return TRUE;
}

static void
add_member_string (JsonObject *object, const char *name, const char *value)
{
  if (value != NULL && *value != '\0')
    json_object_set_string_member (object, name, value);
}

static JsonArray *
string_array (const char * const *strings, GPtrArray *more)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; strings != NULL && strings[i] != NULL; i++)
    json_array_add_string_element (array, strings[i]);
  for (guint i = 0; more != NULL && i < more->len; i++)
    json_array_add_string_element (array, g_ptr_array_index (more, i));
  return array;
}

JsonArray *
motcua_store_attachments_json (GPtrArray *refs)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; refs != NULL && i < refs->len; i++)
    {
      MotcuaAttachmentRef *ref = g_ptr_array_index (refs, i);
      JsonObject *object = json_object_new ();

      json_object_set_string_member (object, "sha256", ref->sha256);
      json_object_set_string_member (object, "name", ref->name);
      json_object_set_string_member (object, "mime_type", ref->mime_type);
      json_object_set_int_member (object, "size", ref->size);
      json_array_add_object_element (array, object);
    }
  return array;
}

JsonObject *
motcua_store_creation_payload (const MotcuaReceiveRequest *request,
                               MotcuaProcedure            *procedure,
                               const gboolean             *provided_flags,
                               GPtrArray                  *attachments,
                               const char                 *agency_code)
{
  JsonObject *payload = json_object_new ();
  JsonObject *proc = json_object_new ();
  JsonObject *applicant = json_object_new ();
  JsonArray *documents = json_array_new ();

  json_object_set_string_member (proc, "code", procedure->code);
  json_object_set_string_member (proc, "name", procedure->name);
  json_object_set_int_member (proc, "time_amount", procedure->time_amount);
  json_object_set_string_member (proc, "time_unit", motcua_time_unit_to_string (procedure->time_unit));

  {
    g_autofree char *name = g_strstrip (g_strdup (request->applicant_name));
    json_object_set_string_member (applicant, "name", name);
  }
  add_member_string (applicant, "id_number", request->applicant_id_number);
  add_member_string (applicant, "phone", request->applicant_phone);
  add_member_string (applicant, "address", request->applicant_address);
  add_member_string (applicant, "email", request->applicant_email);
  json_object_set_int_member (applicant, "type", request->applicant_type ? request->applicant_type : 1);

  for (guint i = 0; i < procedure->documents->len; i++)
    {
      MotcuaProcedureDocument *doc = g_ptr_array_index (procedure->documents, i);
      JsonObject *object = json_object_new ();

      json_object_set_string_member (object, "name", doc->name);
      json_object_set_string_member (object, "kind", doc->kind);
      json_object_set_int_member (object, "quantity", doc->quantity);
      json_object_set_boolean_member (object, "provided", provided_flags[i]);
      json_object_set_boolean_member (object, "required", doc->required);
      json_array_add_object_element (documents, object);
    }

  json_object_set_string_member (payload, "agency_code", agency_code);
  json_object_set_object_member (payload, "procedure", proc);
  json_object_set_object_member (payload, "applicant", applicant);
  json_object_set_int_member (payload, "channel", request->channel ? request->channel : MOTCUA_CHANNEL_IN_PERSON);
  json_object_set_int_member (payload, "sets", request->sets > 0 ? request->sets : 1);
  json_object_set_array_member (payload, "documents", documents);
  json_object_set_array_member (payload, "attachments", motcua_store_attachments_json (attachments));
  return payload;
}

static gboolean
check_creation_role (MotcuaUser *actor, GError **error)
{
  MotcuaWorkflowState state = { .status = MOTCUA_STATUS_SUBMITTED };
  g_autoptr(GDateTime) now = motcua_time_now (NULL);

  /* Receiving at the counter is the same act as receiving an online dossier. */
  return motcua_workflow_check (&state, MOTCUA_ACTION_RECEIVE, actor->role, now, error);
}

static const char *
incomplete_outcome (const MotcuaReceiveRequest *request, GPtrArray *missing, GError **error)
{
  g_autoptr(GString) list = g_string_new (NULL);

  if (missing->len == 0)
    {
      if (request->on_incomplete == MOTCUA_INCOMPLETE_REQUEST_SUPPLEMENT)
        {
          g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                               _("Every required document was handed in: receive the dossier instead of requesting a supplement."));
          return NULL;
        }
      if (request->on_incomplete == MOTCUA_INCOMPLETE_REFUSE)
        return is_blank (request->reason) ? NULL : "create-refused";
      return "create-received";
    }

  switch (request->on_incomplete)
    {
    case MOTCUA_INCOMPLETE_REQUEST_SUPPLEMENT:
      return "create-supplement";
    case MOTCUA_INCOMPLETE_REFUSE:
      return is_blank (request->reason) ? NULL : "create-refused";
    case MOTCUA_INCOMPLETE_REFUSE_TO_RECEIVE:
    default:
      for (guint i = 0; i < missing->len; i++)
        g_string_append_printf (list, "\n  – %s", (const char *) g_ptr_array_index (missing, i));
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_REFUSED,
                   _("The dossier is incomplete, so it cannot be received. Missing:%s\n"
                     "Issue a supplement request (Form 02) listing everything missing, or a refusal (Form 03) with the reason."),
                   list->str);
      return NULL;
    }
}

MotcuaDossier *
motcua_store_receive (MotcuaStore *self, const MotcuaReceiveRequest *request, GError **error)
{
  g_autoptr(MotcuaUser) actor = NULL;
  g_autoptr(MotcuaAgency) agency = NULL;
  g_autoptr(MotcuaProcedure) procedure = NULL;
  g_autoptr(GPtrArray) missing = g_ptr_array_new ();
  g_autoptr(GPtrArray) attachments = NULL;
  g_autoptr(GDateTime) now = now_or (self, request->now);
  g_autoptr(JsonObject) payload = NULL;
  g_autoptr(MotcuaEvent) event = NULL;
  g_autoptr(GError) outcome_error = NULL;
  g_autofree gboolean *provided = NULL;
  g_autofree char *uid = NULL;
  MotcuaDossier *dossier;
  const char *kind;

  if ((actor = resolve_actor (self, request->actor, error)) == NULL
      || !check_creation_role (actor, error)
      || (agency = motcua_store_get_agency (self, error)) == NULL
      || !validate_applicant (request, error)
      || (procedure = motcua_store_get_procedure (self, request->procedure_code, error)) == NULL)
    return NULL;

  provided = g_new0 (gboolean, procedure->documents->len + 1);
  if (!resolve_checklist (procedure, request->documents_provided, provided, missing, error))
    return NULL;
  kind = incomplete_outcome (request, missing, &outcome_error);
  if (kind == NULL)
    {
      if (outcome_error == NULL)
        g_set_error_literal (&outcome_error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                             _("A refusal needs a reason."));
      g_propagate_error (error, g_steal_pointer (&outcome_error));
      return NULL;
    }

  /* Files are copied before the transaction: a long copy must not hold the lock. */
  if ((attachments = add_blobs (self, request->attach_paths, error)) == NULL)
    return NULL;

  payload = motcua_store_creation_payload (request, procedure, provided, attachments, agency->code);
  if (g_str_equal (kind, "create-received"))
    {
      g_autoptr(GDateTime) due = motcua_calendar_due (motcua_store_get_calendar (self), now,
                                                      procedure->time_amount, procedure->time_unit);
      g_autofree char *received_at = motcua_time_format (now);
      g_autofree char *due_at = motcua_time_format (due);

      json_object_set_string_member (payload, "received_at", received_at);
      json_object_set_string_member (payload, "due_at", due_at);
    }
  else
    {
      json_object_set_array_member (payload, "missing", string_array (NULL, missing));
      add_member_string (payload, "reason", request->reason);
    }

  if (!motcua_store_begin (self, error))
    return NULL;
  {
    g_autofree char *code = motcua_store_allocate_code (self, agency->code, now, error);

    if (code == NULL)
      goto failed;
    json_object_set_string_member (payload, "code", code);
  }
  uid = motcua_uuid_new (now);
  event = new_event (uid, actor, now, kind);
  dossier = motcua_store_append_event (self, NULL, event, payload, error);
  if (dossier == NULL)
    goto failed;
  if (!motcua_store_commit (self, error))
    {
      g_object_unref (dossier);
      goto failed;
    }
  return dossier;

failed:
  motcua_store_rollback (self);
  return NULL;
}

static gboolean
require (const char *value, const char *message, GError **error)
{
  if (!is_blank (value))
    return TRUE;
  g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT, message);
  return FALSE;
}

static gboolean
one_of (const char *value, const char * const *allowed)
{
  return value != NULL && g_strv_contains (allowed, value);
}

/* When the clock restarts after a pause, the due date moves by the working time the
 * applicant took (DOMAIN.md); a dossier never received starts its clock now. */
static gboolean
resume_payload (MotcuaStore *self, MotcuaDossier *dossier, GDateTime *now, JsonObject *payload, GError **error)
{
  MotcuaCalendar *calendar = motcua_store_get_calendar (self);
  g_autoptr(GDateTime) due = NULL;
  g_autofree char *due_text = NULL;

  if (dossier->received_at == NULL)
    {
      g_autoptr(GDateTime) clock_start = motcua_calendar_clock_start (calendar, now);
      g_autofree char *received = motcua_time_format (now);
      MotcuaTimeUnit unit = MOTCUA_TIME_UNIT_WORKING_DAYS;

      motcua_time_unit_from_string (dossier->time_unit, &unit);
      due = motcua_calendar_due (calendar, now, dossier->time_amount, unit);
      json_object_set_string_member (payload, "received_at", received);
    }
  else
    {
      g_autoptr(GDateTime) paused = motcua_time_parse (dossier->paused_at, NULL);
      gint64 minutes = paused ? motcua_calendar_working_minutes_between (calendar, paused, now) : 0;

      if (dossier->due_cache == NULL)
        {
          g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_DATABASE_CORRUPT,
                               _("This dossier has lost its due date; rebuild it from the journal."));
          return FALSE;
        }
      due = motcua_calendar_add_working_minutes (calendar, dossier->due_cache, minutes);
      json_object_set_int_member (payload, "paused_working_minutes", minutes);
    }
  due_text = motcua_time_format (due);
  json_object_set_string_member (payload, "due_at", due_text);
  return TRUE;
}

static gboolean
apology_payload (MotcuaDossier *dossier, const MotcuaActionRequest *request, JsonObject *payload, GError **error)
{
  g_autoptr(GDateTime) new_due = NULL;
  g_autofree char *new_due_text = NULL;

  if (!require (request->reason, _("An apology needs the reason for the delay."), error)
      || !require (request->new_due, _("An apology needs the new return date."), error))
    return FALSE;
  new_due = motcua_time_parse (request->new_due, NULL);
  if (new_due == NULL)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                   _("“%s” is not a date and time (use 2026-11-30 16:00)."), request->new_due);
      return FALSE;
    }
  if (g_date_time_compare (new_due, dossier->due_cache) <= 0)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                   _("The new return date must be later than the current due date %s."), dossier->due_at);
      return FALSE;
    }
  new_due_text = motcua_time_format (new_due);
  add_member_string (payload, "reason", request->reason);
  json_object_set_string_member (payload, "previous_due", dossier->due_at);
  json_object_set_string_member (payload, "new_due", new_due_text);
  return TRUE;
}

/* Whether the person collecting the result is the applicant (names compared without
 * regard to case or surrounding spaces). */
static gboolean
is_applicant (MotcuaDossier *dossier, const char *name)
{
  g_autofree char *a = g_utf8_casefold (dossier->applicant_name ? dossier->applicant_name : "", -1);
  g_autofree char *b = g_utf8_casefold (name, -1);

  return g_str_equal (g_strstrip (a), g_strstrip (b));
}

static gboolean
return_payload (MotcuaDossier *dossier, const MotcuaActionRequest *request, JsonObject *payload, GError **error)
{
  static const char * const methods[] = { "counter", "post", "electronic", NULL };
  const char *postal_address = request->postal_address;
  const char *electronic_address = request->electronic_address;

  if (!one_of (request->method, methods))
    {
      g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                           _("Say how the result is returned: at the counter, by post or electronically."));
      return FALSE;
    }
  if (g_str_equal (request->method, "counter"))
    {
      if (!require (request->recipient_name, _("Returning at the counter needs the recipient's name."), error)
          || !require (request->recipient_id_number, _("Returning at the counter needs the recipient's ID number."), error))
        return FALSE;
      /* Someone else may collect the result only with the applicant's authorisation. */
      if (!is_applicant (dossier, request->recipient_name)
          && !require (request->authorization,
                       _("The recipient is not the applicant: note their authorisation (e.g. the power of attorney)."),
                       error))
        return FALSE;
    }
  if (g_str_equal (request->method, "post"))
    {
      if (!require (request->tracking, _("Returning by post needs the postal tracking number."), error))
        return FALSE;
      if (is_blank (postal_address))
        postal_address = dossier->applicant_address;
      if (!require (postal_address, _("Returning by post needs the address the result is sent to."), error))
        return FALSE;
    }
  /* An electronic result goes to the applicant's portal account; the e-mail it was also
   * sent to is recorded when known. */
  if (g_str_equal (request->method, "electronic") && is_blank (electronic_address))
    electronic_address = dossier->applicant_email;
  add_member_string (payload, "method", request->method);
  add_member_string (payload, "tracking", request->tracking);
  add_member_string (payload, "recipient_name", request->recipient_name);
  add_member_string (payload, "recipient_id_number", request->recipient_id_number);
  if (g_str_equal (request->method, "counter"))
    add_member_string (payload, "authorization", request->authorization);
  if (g_str_equal (request->method, "post"))
    add_member_string (payload, "postal_address", postal_address);
  if (g_str_equal (request->method, "electronic"))
    add_member_string (payload, "electronic_address", electronic_address);
  return TRUE;
}

static gboolean
build_action_payload (MotcuaStore *self, MotcuaDossier *dossier, MotcuaAction action,
                      const MotcuaActionRequest *request, GDateTime *now, JsonObject *payload,
                      GError **error)
{
  static const char * const draft_types[] = { "result", "supplement", "refusal-withdrawal", "apology", NULL };
  static const char * const ratings[] = { "satisfied", "acceptable", "unsatisfied", NULL };
  g_autoptr(GPtrArray) refs = NULL;

  add_member_string (payload, "note", request->note);
  switch (action)
    {
    case MOTCUA_ACTION_RECEIVE:
    case MOTCUA_ACTION_SUPPLEMENT_RECEIVED:
    case MOTCUA_ACTION_PAYMENT_RECEIVED:
      if (action == MOTCUA_ACTION_RECEIVE)
        {
          MotcuaTimeUnit unit = MOTCUA_TIME_UNIT_WORKING_DAYS;
          g_autoptr(GDateTime) due = NULL;
          g_autofree char *received = motcua_time_format (now);
          g_autofree char *due_text = NULL;

          motcua_time_unit_from_string (dossier->time_unit, &unit);
          due = motcua_calendar_due (motcua_store_get_calendar (self), now, dossier->time_amount, unit);
          due_text = motcua_time_format (due);
          json_object_set_string_member (payload, "received_at", received);
          json_object_set_string_member (payload, "due_at", due_text);
          return TRUE;
        }
      return resume_payload (self, dossier, now, payload, error);
    case MOTCUA_ACTION_TRANSFER:
      add_member_string (payload, "to", request->to);
      return TRUE;
    case MOTCUA_ACTION_REQUEST_SUPPLEMENT:
      if (request->missing == NULL || request->missing[0] == NULL)
        {
          g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                               _("A supplement request must list every missing document."));
          return FALSE;
        }
      if (!require (request->reason, _("A supplement request needs a reason."), error))
        return FALSE;
      json_object_set_array_member (payload, "missing", string_array (request->missing, NULL));
      add_member_string (payload, "reason", request->reason);
      return TRUE;
    case MOTCUA_ACTION_REQUEST_PAYMENT:
    case MOTCUA_ACTION_REFUSE:
    case MOTCUA_ACTION_WITHDRAW:
    case MOTCUA_ACTION_STOP:
    case MOTCUA_ACTION_SEND_BACK:
      if (!require (request->reason, _("This action needs a reason."), error))
        return FALSE;
      add_member_string (payload, "reason", request->reason);
      return TRUE;
    case MOTCUA_ACTION_DRAFT:
      if (request->draft_type != NULL && !one_of (request->draft_type, draft_types))
        {
          g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                       _("“%s” is not a kind of draft (result, supplement, refusal-withdrawal or apology)."),
                       request->draft_type);
          return FALSE;
        }
      json_object_set_string_member (payload, "draft_type", request->draft_type ? request->draft_type : "result");
      return TRUE;
    case MOTCUA_ACTION_APPROVE:
      {
        g_autofree char *result = NULL;

        if (!motcua_store_find_result_document (self, dossier, &result, error))
          return FALSE;
        /* The canonical payload the signature covers (docs/signatures.md). */
        json_object_set_object_member (payload, "approval", motcua_approval_new (dossier, now, result, request->signer));
        return TRUE;
      }
    case MOTCUA_ACTION_ISSUE:
      add_member_string (payload, "document_number", request->document_number);
      return TRUE;
    case MOTCUA_ACTION_APOLOGIZE:
      return apology_payload (dossier, request, payload, error);
    case MOTCUA_ACTION_RETURN:
      return return_payload (dossier, request, payload, error);
    case MOTCUA_ACTION_SATISFACTION:
      if (!one_of (request->rating, ratings))
        {
          g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                               _("Record the citizen's satisfaction as satisfied, acceptable or unsatisfied."));
          return FALSE;
        }
      add_member_string (payload, "rating", request->rating);
      return TRUE;
    case MOTCUA_ACTION_ATTACH:
      if (request->attach_paths == NULL || request->attach_paths[0] == NULL)
        {
          g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT, _("Name the files to attach."));
          return FALSE;
        }
      if ((refs = add_blobs (self, request->attach_paths, error)) == NULL)
        return FALSE;
      json_object_set_array_member (payload, "attachments", motcua_store_attachments_json (refs));
      return TRUE;
    case MOTCUA_ACTION_EXAMINE:
    case MOTCUA_ACTION_SUBMIT:
    case MOTCUA_ACTION_RESULT_READY:
    case MOTCUA_N_ACTIONS:
    default:
      return TRUE;
    }
}

MotcuaDossier *
motcua_store_act (MotcuaStore               *self,
                  const char                *code,
                  MotcuaAction               action,
                  const MotcuaActionRequest *request,
                  GError                   **error)
{
  static const MotcuaActionRequest empty = { 0 };
  g_autoptr(MotcuaUser) actor = NULL;
  g_autoptr(MotcuaDossier) dossier = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(JsonObject) payload = json_object_new ();
  g_autoptr(MotcuaEvent) event = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(MotcuaDelegation) delegation = NULL;
  MotcuaWorkflowState state;
  MotcuaDossier *result;
  MotcuaRole role;

  if (request == NULL)
    request = &empty;
  now = now_or (self, request->now);
  if ((actor = resolve_actor (self, request->actor, error)) == NULL)
    return NULL;

  /* Read and decide inside the write transaction, so two workstations' processes
   * acting at once on one dossier are judged one after the other. */
  if (!motcua_store_begin (self, error))
    return NULL;
  if ((dossier = motcua_store_get_dossier (self, code, error)) == NULL)
    goto failed;
  motcua_dossier_get_workflow_state (dossier, &state);
  if (!motcua_store_effective_role (self, actor, action, motcua_dossier_get_procedure_code (dossier), now,
                                    &role, &delegation, error)
      || !motcua_workflow_check (&state, action, role, now, error)
      || !build_action_payload (self, dossier, action, request, now, payload, error))
    goto failed;
  /* Under delegation the event carries the authority exercised (a supervisor's, which
   * the server's table accepts) and, in its payload, on whose behalf. */
  actor->role = role;
  if (delegation != NULL)
    motcua_delegation_add_to_payload (delegation, payload);

  if (action == MOTCUA_ACTION_APPROVE && !motcua_approval_seal (self, request->signer, payload, &signature, error))
    goto failed;

  event = new_event (dossier->uid, actor, now, motcua_action_to_string (action));
  event->signature = g_steal_pointer (&signature);
  result = motcua_store_append_event (self, dossier, event, payload, error);
  if (result == NULL)
    goto failed;
  if (!motcua_store_commit (self, error))
    {
      g_object_unref (result);
      goto failed;
    }
  return result;

failed:
  motcua_store_rollback (self);
  return NULL;
}

/* ---- queries ----------------------------------------------------------------- */

static char *
day_bound (GDateTime *now, int offset_days)
{
  g_autoptr(GDateTime) midnight = g_date_time_new (g_date_time_get_timezone (now),
                                                   g_date_time_get_year (now), g_date_time_get_month (now),
                                                   g_date_time_get_day_of_month (now), 0, 0, 0);
  g_autoptr(GDateTime) day = g_date_time_add_days (midnight, offset_days);

  return motcua_time_format (day);
}

/* The WHERE clause shared by listing and counting; the parameters are always the same
 * five, so one prepared statement serves every filter combination. */
#define DOSSIER_FILTER \
  " WHERE (?1 = 0 OR status = ?1)" \
  "   AND (?2 = 0 OR (status IN (2, 4) AND due_at >= ?3 AND due_at < ?4))" \
  "   AND (?5 = 0 OR (status IN (2, 4) AND due_at < ?6))"

static void
bind_filter (sqlite3_stmt *stmt, const MotcuaDossierQuery *query, GDateTime *now)
{
  g_autofree char *today = day_bound (now, 0);
  g_autofree char *tomorrow = day_bound (now, 1);
  g_autofree char *now_text = motcua_time_format (now);

  sqlite3_bind_int (stmt, 1, query->status);
  sqlite3_bind_int (stmt, 2, query->due == MOTCUA_DUE_TODAY);
  motcua_sqlite_bind_text (stmt, 3, today);
  motcua_sqlite_bind_text (stmt, 4, tomorrow);
  sqlite3_bind_int (stmt, 5, query->due == MOTCUA_DUE_OVERDUE);
  motcua_sqlite_bind_text (stmt, 6, now_text);
}

static GPtrArray *
list_by_search (MotcuaStore *self, const MotcuaDossierQuery *query, GDateTime *now, guint limit, GError **error)
{
  g_autoptr(GPtrArray) dossiers = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) ids = NULL;
  sqlite3_stmt *stmt;

  /* Search ranks first; the filters then keep the matching ones in that order. */
  ids = motcua_search_index_query (self->search, query->search, MAX (limit + query->offset, 200), error);
  if (ids == NULL)
    return NULL;
  stmt = prepare (self, "SELECT id FROM dossiers" DOSSIER_FILTER " AND id = ?7", error);
  if (stmt == NULL)
    return NULL;
  for (guint i = 0, skipped = 0; i < ids->len && dossiers->len < limit; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);
      gboolean keep;

      sqlite3_reset (stmt);
      bind_filter (stmt, query, now);
      sqlite3_bind_int64 (stmt, 7, id);
      keep = sqlite3_step (stmt) == SQLITE_ROW;
      sqlite3_reset (stmt);
      if (keep && skipped++ >= query->offset)
        {
          MotcuaDossier *dossier = get_dossier_by_id (self, id, error);
          if (dossier == NULL)
            return NULL;
          g_ptr_array_add (dossiers, dossier);
        }
    }
  return g_steal_pointer (&dossiers);
}

GPtrArray *
motcua_store_list_dossiers (MotcuaStore *self, const MotcuaDossierQuery *query, GError **error)
{
  g_autoptr(GDateTime) now = now_or (self, query->now);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) dossiers = g_ptr_array_new_with_free_func (g_object_unref);
  guint limit = query->limit ? query->limit : 100;
  sqlite3_stmt *stmt;
  int rc;

  if (!is_blank (query->search))
    return list_by_search (self, query, now, limit, error);

  /* Open work first, most urgent first; closed dossiers after it, newest first. */
  stmt = prepare (self, "SELECT id FROM dossiers" DOSSIER_FILTER
                        " ORDER BY status IN (3, 7, 8, 10),"
                        " CASE WHEN status IN (3, 7, 8, 10) THEN NULL ELSE due_at IS NULL END,"
                        " CASE WHEN status IN (3, 7, 8, 10) THEN NULL ELSE due_at END,"
                        " updated_at DESC, code LIMIT ?7 OFFSET ?8", error);
  if (stmt == NULL)
    return NULL;
  bind_filter (stmt, query, now);
  sqlite3_bind_int (stmt, 7, limit);
  sqlite3_bind_int (stmt, 8, query->offset);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  if (!rows_done (self, stmt, rc, error))
    return NULL;

  for (guint i = 0; i < ids->len; i++)
    {
      MotcuaDossier *dossier = get_dossier_by_id (self, g_array_index (ids, gint64, i), error);
      if (dossier == NULL)
        return NULL;
      g_ptr_array_add (dossiers, dossier);
    }
  return g_steal_pointer (&dossiers);
}

gint64
motcua_store_count_dossiers (MotcuaStore *self, const MotcuaDossierQuery *query, GError **error)
{
  g_autoptr(GDateTime) now = now_or (self, query->now);
  sqlite3_stmt *stmt = prepare (self, "SELECT count(*) FROM dossiers" DOSSIER_FILTER, error);
  gint64 count = -1;

  if (stmt == NULL)
    return -1;
  bind_filter (stmt, query, now);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    count = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return count;
}

static MotcuaEvent *
event_from_row (sqlite3_stmt *stmt)
{
  MotcuaEvent *event = motcua_event_new ();
  const void *signature;

  event->id = sqlite3_column_int64 (stmt, 0);
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
  signature = sqlite3_column_blob (stmt, 11);
  if (signature != NULL)
    event->signature = g_bytes_new (signature, sqlite3_column_bytes (stmt, 11));
  event->sync_state = sqlite3_column_int (stmt, 12);
  event->server_seq = sqlite3_column_int64 (stmt, 13);
  event->reject_reason = motcua_sqlite_column_text (stmt, 14);
  return event;
}

GPtrArray *
motcua_store_get_events (MotcuaStore *self, const char *dossier_uid, GError **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT id, op_id, dossier_uid, seq, actor, actor_role, confirmed_at, kind, payload,"
                                " prev_hash, hash, signature, sync_state, server_seq, reject_reason"
                                " FROM events WHERE dossier_uid = ? ORDER BY seq", error);
  GPtrArray *events;
  int rc;

  if (stmt == NULL)
    return NULL;
  events = g_ptr_array_new_with_free_func ((GDestroyNotify) motcua_event_free);
  motcua_sqlite_bind_text (stmt, 1, dossier_uid);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (events, event_from_row (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      g_ptr_array_unref (events);
      fail (self, rc, error);
      return NULL;
    }
  return events;
}

/* ---- journal checks ------------------------------------------------------------ */

/* Folds @events into a fresh dossier, checking first that each event is what was
 * hashed when it was written: an edited field the fold never reads is still caught. */
static MotcuaDossier *
fold_events (GPtrArray *events, const char *code, GError **error)
{
  g_autoptr(MotcuaDossier) dossier = motcua_dossier_new ();

  for (guint i = 0; i < events->len; i++)
    {
      MotcuaEvent *event = g_ptr_array_index (events, i);
      g_autoptr(JsonObject) payload = NULL;
      g_autofree char *hash = motcua_event_compute_hash (event);

      if (g_strcmp0 (hash, event->hash) != 0)
        {
          g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_DATABASE_CORRUPT,
                       _("Event %u of dossier %s was altered after it was written."),
                       (guint) event->seq, code);
          return NULL;
        }
      payload = motcua_event_parse_payload (event, error);

      if (payload == NULL || !motcua_dossier_apply (dossier, event, payload, error))
        return NULL;
    }
  return g_steal_pointer (&dossier);
}

/* SQLite's own check of every page and index: a damaged index can hide rows from a
 * fold that reads through it. */
static gboolean
quick_check (MotcuaStore *self, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok;
  int rc = sqlite3_prepare_v2 (self->db, "PRAGMA quick_check", -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  ok = rc == SQLITE_ROW && g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") == 0;
  sqlite3_finalize (stmt);
  if (!ok)
    set_sqlite_error (self->db, rc == SQLITE_ROW ? SQLITE_CORRUPT : rc, self->path, error);
  return ok;
}

/* The per-status tally the triggers keep (the queue's counts) must match a real
 * count, both ways round. */
static gboolean
verify_tally (MotcuaStore *self, GError **error)
{
  sqlite3_stmt *stmt = prepare (self,
    "SELECT count(*) FROM ("
    "  SELECT * FROM (SELECT status, count(*) FROM dossiers GROUP BY status"
    "                 EXCEPT SELECT status, n FROM dossier_tally WHERE n <> 0)"
    "  UNION ALL"
    "  SELECT * FROM (SELECT status, n FROM dossier_tally WHERE n <> 0"
    "                 EXCEPT SELECT status, count(*) FROM dossiers GROUP BY status))", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return fail (self, rc, error);
  if (sqlite3_column_int64 (stmt, 0) != 0)
    {
      sqlite3_reset (stmt);
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_DATABASE_CORRUPT,
                   _("The count of dossiers per status does not match the dossiers."));
      return FALSE;
    }
  sqlite3_reset (stmt);
  return TRUE;
}

/* The last actor the triggers keep (the queue's "mine") must be the journal's. */
static gboolean
verify_last_actors (MotcuaStore *self, GError **error)
{
  sqlite3_stmt *stmt = prepare (self,
    "SELECT code FROM dossiers WHERE last_actor IS NOT"
    " (SELECT actor FROM events WHERE events.dossier_uid = dossiers.uid ORDER BY seq DESC LIMIT 1) LIMIT 1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_DATABASE_CORRUPT,
                   _("Dossier %s does not name the last person who acted on it as its journal does."),
                   (const char *) sqlite3_column_text (stmt, 0));
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);
  return rc == SQLITE_DONE || fail (self, rc, error);
}

gboolean
motcua_store_verify_folds (MotcuaStore *self, guint *n_checked, GError **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt = prepare (self, "SELECT id FROM dossiers ORDER BY id", error);
  int rc;

  if (n_checked != NULL)
    *n_checked = 0;
  if (stmt == NULL || !quick_check (self, error) || !verify_tally (self, error)
      || !verify_last_actors (self, error))
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  if (!rows_done (self, stmt, rc, error))
    return FALSE;

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(MotcuaDossier) cached = get_dossier_by_id (self, g_array_index (ids, gint64, i), error);
      g_autoptr(GPtrArray) events = NULL;
      g_autoptr(MotcuaDossier) folded = NULL;

      if (cached == NULL || (events = motcua_store_get_events (self, cached->uid, error)) == NULL
          || (folded = fold_events (events, cached->code, error)) == NULL)
        return FALSE;
      if (!motcua_dossier_equal (cached, folded))
        {
          g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_DATABASE_CORRUPT,
                       _("Dossier %s does not match its journal."), cached->code);
          return FALSE;
        }
      if (n_checked != NULL)
        (*n_checked)++;
    }
  return TRUE;
}

gboolean
motcua_store_find_result_document (MotcuaStore *self, MotcuaDossier *dossier, char **sha256, GError **error)
{
  g_autoptr(GPtrArray) events = motcua_store_get_events (self, motcua_dossier_get_uid (dossier), error);

  if (events == NULL)
    return FALSE;
  *sha256 = motcua_approval_find_result (events);
  return TRUE;
}

static void
handover_free (MotcuaHandover *handover)
{
  g_free (handover->actor);
  g_free (handover->actor_role);
  g_free (handover->kind);
  g_free (handover->at);
  g_free (handover->due_at);
  g_free (handover);
}

/* Everything but attachments, apologies and satisfaction passes the dossier on. */
static gboolean
is_handover (const char *kind)
{
  return !g_str_equal (kind, "attach") && !g_str_equal (kind, "apologize")
         && !g_str_equal (kind, "satisfaction");
}

GPtrArray *
motcua_store_get_handovers (MotcuaStore *self, MotcuaDossier *dossier, GError **error)
{
  g_autoptr(GPtrArray) events = motcua_store_get_events (self, dossier->uid, error);
  g_autoptr(MotcuaDossier) replay = motcua_dossier_new ();
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) handover_free);

  if (events == NULL)
    return NULL;
  for (guint i = 0; i < events->len; i++)
    {
      MotcuaEvent *event = g_ptr_array_index (events, i);
      g_autoptr(JsonObject) payload = motcua_event_parse_payload (event, error);
      g_autofree char *due_before = NULL;
      MotcuaHandover *row;

      if (payload == NULL)
        return NULL;
      /* Judged against the due date in force when the dossier was handed over. */
      due_before = g_strdup (replay->due_at);
      if (!motcua_dossier_apply (replay, event, payload, error))
        return NULL;
      if (!is_handover (event->kind))
        continue;
      row = g_new0 (MotcuaHandover, 1);
      row->actor = g_strdup (event->actor);
      row->actor_role = g_strdup (event->actor_role);
      row->kind = g_strdup (event->kind);
      row->at = g_strdup (event->confirmed_at);
      row->due_at = g_strdup (due_before ? due_before : replay->due_at);
      {
        g_autoptr(GDateTime) at = motcua_time_parse (row->at, NULL);
        g_autoptr(GDateTime) due = motcua_time_parse (row->due_at, NULL);
        row->timing = motcua_timing_judge (at, due);
        row->judged = due != NULL;
      }
      g_ptr_array_add (rows, row);
    }
  return g_steal_pointer (&rows);
}

/* ---- sync ------------------------------------------------------------------------ */

#define EVENT_COLUMNS \
  "id, op_id, dossier_uid, seq, actor, actor_role, confirmed_at, kind, payload," \
  " prev_hash, hash, signature, sync_state, server_seq, reject_reason"

static GPtrArray *
collect_events (MotcuaStore *self, sqlite3_stmt *stmt, GError **error)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) motcua_event_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (events, event_from_row (stmt));
  if (!rows_done (self, stmt, rc, error))
    return NULL;
  return g_steal_pointer (&events);
}

GPtrArray *
motcua_store_get_outbox_after (MotcuaStore *self, gint64 after_id, guint limit, GError **error)
{
  /* "sync_state <> 1" lets SQLite read the partial index events_outbox. */
  sqlite3_stmt *stmt = prepare (self, "SELECT " EVENT_COLUMNS " FROM events"
                                      " WHERE sync_state = 0 AND sync_state <> 1 AND id > ? ORDER BY id LIMIT ?",
                                error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, after_id);
  sqlite3_bind_int64 (stmt, 2, limit > 0 ? (gint64) limit : -1);
  return collect_events (self, stmt, error);
}

GPtrArray *
motcua_store_get_outbox (MotcuaStore *self, guint limit, GError **error)
{
  return motcua_store_get_outbox_after (self, 0, limit, error);
}

gboolean
motcua_store_mark_pushed (MotcuaStore *self, const char *op_id, MotcuaPushOutcome outcome,
                          gint64 server_seq, const char *reason, GError **error)
{
  sqlite3_stmt *stmt;

  switch (outcome)
    {
    case MOTCUA_PUSH_ACCEPTED:
      stmt = prepare (self, "UPDATE events SET sync_state = 1, server_seq = ?2, reject_reason = NULL"
                            " WHERE op_id = ?1", error);
      break;
    case MOTCUA_PUSH_REJECTED:
      /* A late answer must not undo what a feed page already confirmed. */
      stmt = prepare (self, "UPDATE events SET sync_state = 2, reject_reason = ?3"
                            " WHERE op_id = ?1 AND sync_state <> 1", error);
      break;
    case MOTCUA_PUSH_RETRY:
    default:
      return TRUE;
    }
  if (stmt == NULL)
    return FALSE;
  motcua_sqlite_bind_text (stmt, 1, op_id);
  if (outcome == MOTCUA_PUSH_ACCEPTED)
    sqlite3_bind_int64 (stmt, 2, server_seq);
  else
    motcua_sqlite_bind_text (stmt, 3, reason ? reason : "rejected");
  if (!motcua_store_begin (self, error))
    return FALSE;
  if (!step_done (self, stmt, error) || !motcua_store_commit (self, error))
    {
      motcua_store_rollback (self);
      return FALSE;
    }
  return TRUE;
}

/* Looks a dossier up by uid; a missing one is not an error (@dossier stays NULL). */
static gboolean
find_dossier_by_uid (MotcuaStore *self, const char *uid, MotcuaDossier **dossier, GError **error)
{
  g_autoptr(GError) local_error = NULL;

  *dossier = load_dossier_where (self, "SELECT " MOTCUA_DOSSIER_COLUMNS " FROM dossiers WHERE uid = ?",
                                 uid, 0, &local_error);
  if (*dossier == NULL && !g_error_matches (local_error, MOTCUA_ERROR, MOTCUA_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

MotcuaDossier *
motcua_store_get_dossier_by_uid (MotcuaStore *self, const char *uid, GError **error)
{
  return load_dossier_where (self, "SELECT " MOTCUA_DOSSIER_COLUMNS " FROM dossiers WHERE uid = ?",
                             uid, 0, error);
}

typedef struct {
  char            *op_id;
  char            *hash;
  MotcuaSyncState  sync_state;
} LocalEvent;

static void
local_event_clear (LocalEvent *local)
{
  g_clear_pointer (&local->op_id, g_free);
  g_clear_pointer (&local->hash, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (LocalEvent, local_event_clear)

/* The local event with @op_id, or (when @op_id is NULL) the one at @seq of @uid. */
static gboolean
find_local_event (MotcuaStore *self, const char *op_id, const char *uid, gint64 seq,
                  LocalEvent *local, gboolean *found, GError **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (op_id != NULL)
    stmt = prepare (self, "SELECT op_id, hash, sync_state FROM events WHERE op_id = ?", error);
  else
    stmt = prepare (self, "SELECT op_id, hash, sync_state FROM events WHERE dossier_uid = ? AND seq = ?", error);
  if (stmt == NULL)
    return FALSE;
  motcua_sqlite_bind_text (stmt, 1, op_id ? op_id : uid);
  if (op_id == NULL)
    sqlite3_bind_int64 (stmt, 2, seq);
  rc = sqlite3_step (stmt);
  *found = rc == SQLITE_ROW;
  if (*found)
    {
      local->op_id = motcua_sqlite_column_text (stmt, 0);
      local->hash = motcua_sqlite_column_text (stmt, 1);
      local->sync_state = sqlite3_column_int (stmt, 2);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return fail (self, rc, error);
  return TRUE;
}

/* Moves the events of @uid from @seq on out of the chain into set_aside_events, whole.
 * Only events the server never accepted may move: an accepted one is shared history. */
static gboolean
set_aside_from (MotcuaStore *self, const char *uid, gint64 seq, const char *reason,
                gboolean dismissed, GError **error)
{
  g_autoptr(GDateTime) now = now_or (self, NULL);
  g_autofree char *now_text = motcua_time_format (now);
  sqlite3_stmt *stmt;
  gboolean accepted;
  int rc;

  stmt = prepare (self, "SELECT EXISTS (SELECT 1 FROM events WHERE dossier_uid = ? AND seq >= ? AND sync_state = 1)",
                  error);
  if (stmt == NULL)
    return FALSE;
  motcua_sqlite_bind_text (stmt, 1, uid);
  sqlite3_bind_int64 (stmt, 2, seq);
  rc = sqlite3_step (stmt);
  accepted = rc == SQLITE_ROW && sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    return fail (self, rc, error);
  if (accepted)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                   _("The server's copy of a dossier contradicts events it had already accepted "
                     "(event %u of dossier %s). Nothing was changed; tell the server's administrator."),
                   (guint) seq, uid);
      return FALSE;
    }

  stmt = prepare (self,
                  "INSERT INTO set_aside_events (op_id, dossier_uid, seq, actor, actor_role, confirmed_at, kind,"
                  " payload, prev_hash, hash, signature, sync_state, server_seq, reject_reason,"
                  " set_aside_at, reason, dismissed)"
                  " SELECT op_id, dossier_uid, seq, actor, actor_role, confirmed_at, kind, payload, prev_hash, hash,"
                  " signature, sync_state, server_seq, reject_reason, ?3, COALESCE (reject_reason, ?4), ?5"
                  " FROM events WHERE dossier_uid = ?1 AND seq >= ?2 ORDER BY seq", error);
  if (stmt == NULL)
    return FALSE;
  motcua_sqlite_bind_text (stmt, 1, uid);
  sqlite3_bind_int64 (stmt, 2, seq);
  motcua_sqlite_bind_text (stmt, 3, now_text);
  motcua_sqlite_bind_text (stmt, 4, reason);
  sqlite3_bind_int (stmt, 5, dismissed);
  if (!step_done (self, stmt, error))
    return FALSE;

  stmt = prepare (self, "DELETE FROM events WHERE dossier_uid = ? AND seq >= ?", error);
  if (stmt == NULL)
    return FALSE;
  motcua_sqlite_bind_text (stmt, 1, uid);
  sqlite3_bind_int64 (stmt, 2, seq);
  return step_done (self, stmt, error);
}

/* A dossier whose every event was set aside was never the server's: only its
 * set-aside events remain to tell of it. */
static gboolean
delete_dossier (MotcuaStore *self, MotcuaDossier *dossier, GError **error)
{
  sqlite3_stmt *stmt = prepare (self, "DELETE FROM dossiers WHERE id = ?", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, dossier->id);
  return step_done (self, stmt, error)
         && motcua_search_index_remove (self->search, dossier->id, error);
}

/* Rebuilds the cached row of @uid from the events left in its chain. */
static gboolean
refold_dossier (MotcuaStore *self, const char *uid, GError **error)
{
  g_autoptr(MotcuaDossier) cached = NULL;
  g_autoptr(MotcuaDossier) folded = NULL;
  g_autoptr(GPtrArray) events = NULL;
  sqlite3_stmt *stmt;

  if (!find_dossier_by_uid (self, uid, &cached, error))
    return FALSE;
  if (cached == NULL)
    return TRUE;
  if ((events = motcua_store_get_events (self, uid, error)) == NULL)
    return FALSE;
  if (events->len == 0)
    return delete_dossier (self, cached, error);
  if ((folded = fold_events (events, cached->code, error)) == NULL)
    return FALSE;
  folded->id = cached->id;

  /* Attachments an event that left the chain had added must go with it. */
  stmt = prepare (self, "DELETE FROM dossier_attachments WHERE dossier_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, cached->id);
  return step_done (self, stmt, error) && save_dossier (self, folded, error);
}

static gboolean
feed_mismatch (MotcuaEvent *event, GError **error)
{
  g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
               _("The server sent event %u of dossier %s, which does not follow this workstation's copy "
                 "of the dossier. Nothing of that answer was saved."),
               (guint) event->seq, event->dossier_uid);
  return FALSE;
}

/* A dossier another workstation created under a code one of this workstation's
 * dossiers bears (numbered before registering, or refused as a duplicate): the
 * server's dossier keeps the code, ours leaves the queue whole into set_aside_events.
 * One the server accepted under that code would be the server contradicting itself. */
static gboolean
yield_code (MotcuaStore *self, MotcuaEvent *event, JsonObject *payload, GError **error)
{
  const char *code = json_object_get_string_member_with_default (payload, "code", NULL);
  sqlite3_stmt *stmt;
  g_autofree char *uid = NULL;
  int rc;

  if (code == NULL)
    return TRUE;
  stmt = prepare (self, "SELECT uid FROM dossiers WHERE code = ?", error);
  if (stmt == NULL)
    return FALSE;
  motcua_sqlite_bind_text (stmt, 1, code);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    uid = motcua_sqlite_column_text (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return fail (self, rc, error);
  if (uid == NULL || g_str_equal (uid, event->dossier_uid))
    return TRUE;
  return set_aside_from (self, uid, 1, "duplicate-code", FALSE, error)
         && refold_dossier (self, uid, error);
}

/* A dossier purged under the retention rule is not brought back by a later event of
 * the server's (a rating, a correction): its summary only follows the chain. */
static gboolean
follow_purged_dossier (MotcuaStore *self, MotcuaEvent *event, gboolean *purged, GError **error)
{
  sqlite3_stmt *stmt = prepare (self,
    "UPDATE purged_dossiers SET event_count = ?2, last_event_hash = ?3, last_server_seq = ?4"
    " WHERE uid = ?1 AND event_count < ?2", error);
  sqlite3_stmt *exists;
  int rc;

  *purged = FALSE;
  if (stmt == NULL)
    return FALSE;
  motcua_sqlite_bind_text (stmt, 1, event->dossier_uid);
  sqlite3_bind_int64 (stmt, 2, event->seq);
  motcua_sqlite_bind_text (stmt, 3, event->hash);
  sqlite3_bind_int64 (stmt, 4, event->server_seq);
  if (!step_done (self, stmt, error))
    return FALSE;
  if ((exists = prepare (self, "SELECT 1 FROM purged_dossiers WHERE uid = ?", error)) == NULL)
    return FALSE;
  motcua_sqlite_bind_text (exists, 1, event->dossier_uid);
  rc = sqlite3_step (exists);
  sqlite3_reset (exists);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return fail (self, rc, error);
  *purged = rc == SQLITE_ROW;
  return TRUE;
}

static gboolean
apply_feed_event (MotcuaStore *self, MotcuaEvent *event, guint *n_applied, GError **error)
{
  g_autofree char *hash = motcua_event_compute_hash (event);
  g_autoptr(MotcuaDossier) dossier = NULL;
  g_autoptr(MotcuaDossier) appended = NULL;
  g_autoptr(JsonObject) payload = NULL;
  g_auto(LocalEvent) local = { 0 };
  gboolean found;

  if (g_strcmp0 (hash, event->hash) != 0)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                   _("The server sent event %u of dossier %s whose content does not match its hash. "
                     "Nothing of that answer was saved."),
                   (guint) event->seq, event->dossier_uid);
      return FALSE;
    }

  /* Our own event coming back: only its acknowledgement is news. */
  if (!find_local_event (self, event->op_id, NULL, 0, &local, &found, error))
    return FALSE;
  if (found)
    {
      if (g_strcmp0 (local.hash, event->hash) != 0)
        return feed_mismatch (event, error);
      return motcua_store_mark_pushed (self, event->op_id, MOTCUA_PUSH_ACCEPTED, event->server_seq, NULL, error);
    }

  if (!find_dossier_by_uid (self, event->dossier_uid, &dossier, error))
    return FALSE;
  if (dossier == NULL)
    {
      gboolean purged;

      if (!follow_purged_dossier (self, event, &purged, error))
        return FALSE;
      if (purged)
        return TRUE;
    }
  if (dossier != NULL && event->seq <= (gint64) dossier->event_count)
    {
      /* Another workstation's event took a place one of ours holds: the server wins. */
      g_auto(LocalEvent) here = { 0 };

      if (!find_local_event (self, NULL, event->dossier_uid, event->seq, &here, &found, error))
        return FALSE;
      if (!found)
        return feed_mismatch (event, error);
      if (!set_aside_from (self, event->dossier_uid, event->seq, "conflict", FALSE, error)
          || !refold_dossier (self, event->dossier_uid, error))
        return FALSE;
      g_clear_object (&dossier);
      if (!find_dossier_by_uid (self, event->dossier_uid, &dossier, error))
        return FALSE;
    }

  if (dossier != NULL ? (event->seq != (gint64) dossier->event_count + 1
                         || g_strcmp0 (event->prev_hash, dossier->last_event_hash) != 0)
                      : event->seq != 1)
    return feed_mismatch (event, error);

  if ((payload = motcua_event_parse_payload (event, error)) == NULL
      || (dossier == NULL && !yield_code (self, event, payload, error)))
    return FALSE;
  event->sync_state = MOTCUA_SYNC_ACCEPTED;
  g_clear_pointer (&event->reject_reason, g_free);
  if ((appended = motcua_store_append_event (self, dossier, event, payload, error)) == NULL)
    return FALSE;
  (*n_applied)++;
  return TRUE;
}

gboolean
motcua_store_apply_feed_page (MotcuaStore *self, GPtrArray *events, gint64 next_cursor,
                              guint *n_applied, GError **error)
{
  char cursor[32];
  guint applied = 0;

  if (n_applied != NULL)
    *n_applied = 0;
  g_snprintf (cursor, sizeof cursor, "%" G_GINT64_FORMAT, next_cursor);
  if (!motcua_store_begin (self, error))
    return FALSE;
  for (guint i = 0; i < events->len; i++)
    if (!apply_feed_event (self, g_ptr_array_index (events, i), &applied, error))
      goto failed;
  if (!motcua_store_set_state (self, "sync.cursor", cursor, error)
      || !motcua_store_commit (self, error))
    goto failed;
  if (n_applied != NULL)
    *n_applied = applied;
  return TRUE;

failed:
  motcua_store_rollback (self);
  return FALSE;
}

static gint64
count_query (MotcuaStore *self, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = prepare (self, sql, error);
  gint64 count = -1;
  int rc;

  if (stmt == NULL)
    return -1;
  if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    count = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    fail (self, rc, error);
  return count;
}

gint64
motcua_store_count_pending (MotcuaStore *self, GError **error)
{
  return count_query (self, "SELECT count(*) FROM events WHERE sync_state = 0 AND sync_state <> 1", error);
}

gint64
motcua_store_count_attention (MotcuaStore *self, GError **error)
{
  return count_query (self, "SELECT count(*) FROM ("
                            "  SELECT dossier_uid FROM events WHERE sync_state = 2 AND sync_state <> 1"
                            "  UNION SELECT dossier_uid FROM set_aside_events WHERE dismissed = 0)", error);
}

gboolean
motcua_store_dossier_needs_attention (MotcuaStore *self, const char *dossier_uid)
{
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT EXISTS (SELECT 1 FROM events WHERE dossier_uid = ?1 AND sync_state = 2)"
                                "    OR EXISTS (SELECT 1 FROM set_aside_events WHERE dossier_uid = ?1 AND dismissed = 0)",
                                NULL);
  gboolean needs = FALSE;

  if (stmt == NULL)
    return FALSE;
  motcua_sqlite_bind_text (stmt, 1, dossier_uid);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    needs = sqlite3_column_int (stmt, 0) != 0;
  sqlite3_reset (stmt);
  return needs;
}

gint64
motcua_store_count_set_aside (MotcuaStore *self, GError **error)
{
  return count_query (self, "SELECT count(*) FROM set_aside_events", error);
}

void
motcua_attention_item_free (MotcuaAttentionItem *item)
{
  if (item == NULL)
    return;
  g_free (item->dossier_uid);
  g_free (item->code);
  g_free (item->state);
  g_free (item->kind);
  g_free (item->reason);
  g_free (item->time);
  g_free (item->set_aside_at);
  g_free (item->op_id);
  g_free (item->hash);
  g_free (item);
}

GPtrArray *
motcua_store_list_attention (MotcuaStore *self, GError **error)
{
  /* A dossier whose creation was set aside has no row left: its code is in the
   * creating event's payload. */
  sqlite3_stmt *stmt = prepare (self,
    "SELECT e.dossier_uid, d.code, 'rejected', e.kind, e.seq, e.reject_reason, e.confirmed_at, NULL,"
    "       e.op_id, e.hash"
    "  FROM events e LEFT JOIN dossiers d ON d.uid = e.dossier_uid"
    " WHERE e.sync_state = 2 AND e.sync_state <> 1"
    " UNION ALL "
    "SELECT s.dossier_uid, COALESCE (d.code, json_extract (s.payload, '$.code'), s.dossier_uid), 'set-aside',"
    "       s.kind, s.seq, s.reason, s.confirmed_at, s.set_aside_at, s.op_id, s.hash"
    "  FROM set_aside_events s LEFT JOIN dossiers d ON d.uid = s.dossier_uid"
    " WHERE s.dismissed = 0"
    " ORDER BY 2, 5", error);
  g_autoptr(GPtrArray) items = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  items = g_ptr_array_new_with_free_func ((GDestroyNotify) motcua_attention_item_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      MotcuaAttentionItem *item = g_new0 (MotcuaAttentionItem, 1);

      item->dossier_uid = motcua_sqlite_column_text (stmt, 0);
      item->code = motcua_sqlite_column_text (stmt, 1);
      item->state = motcua_sqlite_column_text (stmt, 2);
      item->kind = motcua_sqlite_column_text (stmt, 3);
      item->seq = sqlite3_column_int64 (stmt, 4);
      item->reason = motcua_sqlite_column_text (stmt, 5);
      item->time = motcua_sqlite_column_text (stmt, 6);
      item->set_aside_at = motcua_sqlite_column_text (stmt, 7);
      item->op_id = motcua_sqlite_column_text (stmt, 8);
      item->hash = motcua_sqlite_column_text (stmt, 9);
      g_ptr_array_add (items, item);
    }
  if (!rows_done (self, stmt, rc, error))
    return NULL;
  return g_steal_pointer (&items);
}

gboolean
motcua_store_dismiss_attention (MotcuaStore *self, const char *dossier_uid, GError **error)
{
  sqlite3_stmt *stmt;
  gint64 first_rejected = 0;
  int rc;

  if (!motcua_store_begin (self, error))
    return FALSE;
  stmt = prepare (self, "SELECT min(seq) FROM events WHERE dossier_uid = ? AND sync_state = 2 AND sync_state <> 1",
                  error);
  if (stmt == NULL)
    goto failed;
  motcua_sqlite_bind_text (stmt, 1, dossier_uid);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    first_rejected = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      fail (self, rc, error);
      goto failed;
    }

  /* Pending events after a rejected one chain on it: the server would refuse them
   * too ("chain"), so they leave with it. */
  if (first_rejected > 0
      && (!set_aside_from (self, dossier_uid, first_rejected, "chain", TRUE, error)
          || !refold_dossier (self, dossier_uid, error)))
    goto failed;

  stmt = prepare (self, "UPDATE set_aside_events SET dismissed = 1 WHERE dossier_uid = ? AND dismissed = 0", error);
  if (stmt == NULL)
    goto failed;
  motcua_sqlite_bind_text (stmt, 1, dossier_uid);
  if (!step_done (self, stmt, error) || !motcua_store_commit (self, error))
    goto failed;
  return TRUE;

failed:
  motcua_store_rollback (self);
  return FALSE;
}

GPtrArray *
motcua_store_get_set_aside_events (MotcuaStore *self, const char *dossier_uid, GError **error)
{
  /* The reason takes the place of reject_reason: it is why the event left the chain. */
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT id, op_id, dossier_uid, seq, actor, actor_role, confirmed_at, kind, payload,"
                                " prev_hash, hash, signature, sync_state, server_seq, reason"
                                " FROM set_aside_events WHERE dossier_uid = ? ORDER BY seq, id", error);

  if (stmt == NULL)
    return NULL;
  motcua_sqlite_bind_text (stmt, 1, dossier_uid);
  return collect_events (self, stmt, error);
}

gboolean
motcua_store_is_blob_uploaded (MotcuaStore *self, const char *sha256)
{
  sqlite3_stmt *stmt = prepare (self, "SELECT 1 FROM uploaded_blobs WHERE sha256 = ?", NULL);
  gboolean uploaded;

  if (stmt == NULL)
    return FALSE;
  motcua_sqlite_bind_text (stmt, 1, sha256);
  uploaded = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);
  return uploaded;
}

gboolean
motcua_store_set_blob_uploaded (MotcuaStore *self, const char *sha256, gboolean uploaded, GError **error)
{
  sqlite3_stmt *stmt = prepare (self, uploaded ? "INSERT OR IGNORE INTO uploaded_blobs (sha256) VALUES (?)"
                                               : "DELETE FROM uploaded_blobs WHERE sha256 = ?", error);

  if (stmt == NULL)
    return FALSE;
  motcua_sqlite_bind_text (stmt, 1, sha256);
  return step_done (self, stmt, error);
}

gboolean
motcua_store_forget_uploaded_blobs (MotcuaStore *self, GError **error)
{
  return exec (self, "DELETE FROM uploaded_blobs", error);
}

GStrv
motcua_store_list_blob_hashes (MotcuaStore *self, GError **error)
{
  sqlite3_stmt *stmt = prepare (self, "SELECT sha256 FROM attachments ORDER BY created_at, sha256", error);
  g_autoptr(GStrvBuilder) hashes = g_strv_builder_new ();
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_strv_builder_add (hashes, (const char *) sqlite3_column_text (stmt, 0));
  if (!rows_done (self, stmt, rc, error))
    return NULL;
  return g_strv_builder_end (hashes);
}

/* ---- retention -------------------------------------------------------------------- */

void
motcua_purged_dossier_free (MotcuaPurgedDossier *purged)
{
  if (purged == NULL)
    return;
  g_free (purged->uid);
  g_free (purged->code);
  g_free (purged->agency_code);
  g_free (purged->procedure_code);
  g_free (purged->procedure_name);
  g_free (purged->received_at);
  g_free (purged->due_at);
  g_free (purged->finished_at);
  g_free (purged->last_event_hash);
  g_free (purged->purged_at);
  g_free (purged);
}

gint64
motcua_store_get_retention_days (MotcuaStore *self, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *text = motcua_store_get_state (self, "retention.days", &local_error);
  guint64 days;

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return -1;
    }
  if (text == NULL)
    return MOTCUA_RETENTION_DEFAULT_DAYS;
  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT, &days, NULL))
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                   _("The retention period “%s” is not a number of days."), text);
      return -1;
    }
  return (gint64) days;
}

typedef struct {
  gint64  id;
  char   *uid;
} PurgeCandidate;

static void
purge_candidate_clear (gpointer data)
{
  PurgeCandidate *candidate = data;

  g_free (candidate->uid);
}

/* Dossiers closed for the citizen (returned, refused, withdrawn, stopped) whose every
 * event the server holds and that need no attention, closed before @older_than.
 * "Result ready" is not enough: the citizen has not collected the result yet. */
static gboolean
find_purge_candidates (MotcuaStore *self, GDateTime *older_than, GArray *candidates, GError **error)
{
  sqlite3_stmt *stmt = prepare (self,
    "SELECT d.id, d.uid, COALESCE (d.returned_at, d.finished_at) FROM dossiers d"
    " WHERE d.status IN (3, 7, 8, 10) AND d.finished_at IS NOT NULL"
    "   AND NOT EXISTS (SELECT 1 FROM events e WHERE e.dossier_uid = d.uid AND e.sync_state <> 1)"
    "   AND NOT EXISTS (SELECT 1 FROM set_aside_events s WHERE s.dossier_uid = d.uid AND s.dismissed = 0)"
    " ORDER BY d.id", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *closed_text = (const char *) sqlite3_column_text (stmt, 2);
      g_autoptr(GDateTime) closed = closed_text ? motcua_time_parse (closed_text, NULL) : NULL;
      PurgeCandidate candidate;

      /* A time that does not parse is kept: forgetting is the one thing not undone. */
      if (closed == NULL || g_date_time_compare (closed, older_than) >= 0)
        continue;
      candidate.id = sqlite3_column_int64 (stmt, 0);
      candidate.uid = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      g_array_append_val (candidates, candidate);
    }
  return rows_done (self, stmt, rc, error);
}

static gboolean
run_with_id (MotcuaStore *self, const char *sql, gint64 id, GError **error)
{
  sqlite3_stmt *stmt = prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  return step_done (self, stmt, error);
}

static gboolean
run_with_text (MotcuaStore *self, const char *sql, const char *text, GError **error)
{
  sqlite3_stmt *stmt = prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  motcua_sqlite_bind_text (stmt, 1, text);
  return step_done (self, stmt, error);
}

static gboolean
purge_dossier (MotcuaStore *self, PurgeCandidate *candidate, const char *purged_at,
               GHashTable *hashes, GError **error)
{
  sqlite3_stmt *stmt = prepare (self,
    "INSERT INTO purged_dossiers (uid, code, agency_code, procedure_code, procedure_name, channel,"
    " status, received_at, due_at, finished_at, event_count, last_event_hash, last_server_seq, purged_at)"
    " SELECT uid, code, agency_code, procedure_code, procedure_name, channel, status, received_at,"
    " due_at, finished_at, event_count, last_event_hash,"
    " (SELECT max (server_seq) FROM events WHERE dossier_uid = d.uid), ?2"
    " FROM dossiers d WHERE id = ?1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, candidate->id);
  motcua_sqlite_bind_text (stmt, 2, purged_at);
  if (!step_done (self, stmt, error))
    return FALSE;

  if ((stmt = prepare (self, "SELECT sha256 FROM dossier_attachments WHERE dossier_id = ?", error)) == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, candidate->id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_hash_table_add (hashes, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  if (!rows_done (self, stmt, rc, error))
    return FALSE;

  /* Events first: they refer to the dossier's uid. The tally triggers see the delete.
   * Set-aside copies go too: only dismissed ones can be left (an undismissed one keeps
   * the dossier from purging), and they hold the same personal data as the journal. */
  return run_with_text (self, "DELETE FROM events WHERE dossier_uid = ?", candidate->uid, error)
         && run_with_text (self, "DELETE FROM set_aside_events WHERE dossier_uid = ?", candidate->uid, error)
         && run_with_id (self, "DELETE FROM dossier_documents WHERE dossier_id = ?", candidate->id, error)
         && run_with_id (self, "DELETE FROM dossier_attachments WHERE dossier_id = ?", candidate->id, error)
         && run_with_id (self, "DELETE FROM dossiers WHERE id = ?", candidate->id, error)
         && motcua_search_index_remove (self->search, candidate->id, error);
}

/* Forgets the rows of the attachments among @hashes no remaining dossier cites; they
 * stay in @freed, whose files go once the transaction has committed. */
static gboolean
forget_unreferenced_blobs (MotcuaStore *self, GHashTable *hashes, GPtrArray *freed, GError **error)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, hashes);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      sqlite3_stmt *stmt = prepare (self, "SELECT EXISTS (SELECT 1 FROM dossier_attachments WHERE sha256 = ?)", error);
      gboolean cited;
      int rc;

      if (stmt == NULL)
        return FALSE;
      motcua_sqlite_bind_text (stmt, 1, key);
      rc = sqlite3_step (stmt);
      cited = rc == SQLITE_ROW && sqlite3_column_int (stmt, 0) != 0;
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW)
        return fail (self, rc, error);
      if (cited)
        continue;
      if (!run_with_text (self, "DELETE FROM attachments WHERE sha256 = ?", key, error)
          || !run_with_text (self, "DELETE FROM uploaded_blobs WHERE sha256 = ?", key, error))
        return FALSE;
      g_ptr_array_add (freed, g_strdup (key));
    }
  return TRUE;
}

static void
delete_blob_files (MotcuaStore *self, GPtrArray *freed)
{
  for (guint i = 0; i < freed->len; i++)
    {
      const char *sha256 = g_ptr_array_index (freed, i);
      sqlite3_stmt *stmt = prepare (self, "SELECT 1 FROM attachments WHERE sha256 = ?", NULL);
      g_autofree char *path = NULL;
      gboolean cited;

      /* Another process may have attached the same file again meanwhile. */
      if (stmt == NULL)
        continue;
      motcua_sqlite_bind_text (stmt, 1, sha256);
      cited = sqlite3_step (stmt) != SQLITE_DONE;
      sqlite3_reset (stmt);
      if (cited)
        continue;
      path = motcua_store_get_blob_path (self, sha256);
      if (g_unlink (path) != 0 && errno != ENOENT)
        g_warning ("Could not delete the attachment file %s: %s", path, g_strerror (errno));
    }
}

gboolean
motcua_store_purge_finished_full (MotcuaStore *self, GDateTime *older_than, gboolean dry_run,
                                  guint *n_purged, guint *n_blobs_freed, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *server = NULL;
  g_autofree char *purged_at = NULL;
  g_autoptr(GArray) candidates = g_array_new (FALSE, FALSE, sizeof (PurgeCandidate));
  g_autoptr(GHashTable) hashes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) freed = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDateTime) now = NULL;

  g_return_val_if_fail (MOTCUA_IS_STORE (self), FALSE);
  g_return_val_if_fail (older_than != NULL, FALSE);
  g_return_val_if_fail (self->transaction_depth == 0, FALSE);

  if (n_purged != NULL)
    *n_purged = 0;
  if (n_blobs_freed != NULL)
    *n_blobs_freed = 0;
  g_array_set_clear_func (candidates, purge_candidate_clear);

  server = motcua_store_get_state (self, "sync.server_url", &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (server == NULL)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_REFUSED,
                   _("This workstation is not registered with a server. Purging is only for workstations "
                     "whose server keeps the journal: here the workstation's copy is the only one."));
      return FALSE;
    }

  now = motcua_time_now (NULL);
  purged_at = motcua_time_format (now);
  if (!motcua_store_begin (self, error))
    return FALSE;
  if (!find_purge_candidates (self, older_than, candidates, error))
    goto failed;
  for (guint i = 0; i < candidates->len; i++)
    if (!purge_dossier (self, &g_array_index (candidates, PurgeCandidate, i), purged_at, hashes, error))
      goto failed;
  if (!forget_unreferenced_blobs (self, hashes, freed, error))
    goto failed;

  if (dry_run)
    motcua_store_rollback (self);
  else if (!motcua_store_commit (self, error))
    return FALSE;
  else
    delete_blob_files (self, freed);   /* after the commit: at worst an orphan file */

  if (n_purged != NULL)
    *n_purged = candidates->len;
  if (n_blobs_freed != NULL)
    *n_blobs_freed = freed->len;
  return TRUE;

failed:
  motcua_store_rollback (self);
  return FALSE;
}

gboolean
motcua_store_purge_finished (MotcuaStore *self, GDateTime *older_than, gboolean dry_run,
                             guint *n_purged, GError **error)
{
  return motcua_store_purge_finished_full (self, older_than, dry_run, n_purged, NULL, error);
}

MotcuaPurgedDossier *
motcua_store_get_purged_dossier (MotcuaStore *self, const char *code, GError **error)
{
  sqlite3_stmt *stmt = prepare (self,
    "SELECT uid, code, agency_code, procedure_code, procedure_name, channel, status, received_at,"
    " due_at, finished_at, event_count, last_event_hash, last_server_seq, purged_at"
    " FROM purged_dossiers WHERE code = ? ORDER BY purged_at DESC LIMIT 1", error);
  g_autoptr(MotcuaPurgedDossier) purged = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  motcua_sqlite_bind_text (stmt, 1, code);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      purged = g_new0 (MotcuaPurgedDossier, 1);
      purged->uid = motcua_sqlite_column_text (stmt, 0);
      purged->code = motcua_sqlite_column_text (stmt, 1);
      purged->agency_code = motcua_sqlite_column_text (stmt, 2);
      purged->procedure_code = motcua_sqlite_column_text (stmt, 3);
      purged->procedure_name = motcua_sqlite_column_text (stmt, 4);
      purged->channel = sqlite3_column_int (stmt, 5);
      purged->status = sqlite3_column_int (stmt, 6);
      purged->received_at = motcua_sqlite_column_text (stmt, 7);
      purged->due_at = motcua_sqlite_column_text (stmt, 8);
      purged->finished_at = motcua_sqlite_column_text (stmt, 9);
      purged->event_count = sqlite3_column_int64 (stmt, 10);
      purged->last_event_hash = motcua_sqlite_column_text (stmt, 11);
      purged->last_server_seq = sqlite3_column_int64 (stmt, 12);
      purged->purged_at = motcua_sqlite_column_text (stmt, 13);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      fail (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&purged);
}
