/* motcua-backup.c: backing up and restoring a whole profile.
 *
 * Layout of a backup file (all integers big-endian):
 *
 *   "MOTCUA-BACKUP\n"  format version (uint32)  manifest length (uint64)
 *   manifest (JSON: summary + members, each with name, size and sha256)
 *   the members' bytes, in the manifest's order: "database", then
 *   "attachments/ab/abcdef…" (named by the SHA-256 of their bytes)
 *   SHA-256 (32 raw bytes) of everything before it
 *
 * Only GLib and SQLite: no archive library to trust with a clerk's only copy.
 */

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "motcua-backup.h"
#include "motcua-protocol.h"
#include "motcua-error.h"
#include "motcua-time.h"

#define MAGIC            "MOTCUA-BACKUP\n"
#define MAGIC_LENGTH     (sizeof MAGIC - 1)
#define HEADER_LENGTH    (MAGIC_LENGTH + 4 + 8)
#define DIGEST_LENGTH    32
#define MAX_MANIFEST     (64 * 1024 * 1024)
#define DATABASE_MEMBER  "database"
#define BLOB_PREFIX      "attachments/"
#define APPLICATION_ID   0x4d435541   /* "MCUA", as motcua-store.c writes it */
#define BUFFER_SIZE      (64 * 1024)

typedef struct {
  char   *name;
  char   *source;     /* writing: the file the bytes come from */
  gint64  size;
  char   *sha256;
} Member;

static void
member_free (Member *member)
{
  g_free (member->name);
  g_free (member->source);
  g_free (member->sha256);
  g_free (member);
}

void
motcua_backup_info_clear (MotcuaBackupInfo *info)
{
  g_clear_pointer (&info->created_at, g_free);
  g_clear_pointer (&info->agency_code, g_free);
  g_clear_pointer (&info->agency_name, g_free);
  g_clear_pointer (&info->previous_profile, g_free);
  memset (info, 0, sizeof *info);
}

/* ---- small file chores --------------------------------------------------------- */

static void
set_io_error (GError **error, int saved_errno, const char *path)
{
  if (saved_errno == ENOSPC || saved_errno == EDQUOT)
    g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_DISK_FULL,
                 _("The disk is full: %s could not be written. Nothing was changed."), path);
  else
    g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_IO,
                 _("The file %s could not be read or written: %s"), path, g_strerror (saved_errno));
}

/* The SQLite database and the files SQLite keeps beside it. */
static void
remove_sqlite_files (const char *path)
{
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      g_unlink (file);
    }
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_unlink (path);
      return;
    }
  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      remove_tree (child);
    }
  g_rmdir (path);
}

/* A rename is durable only once its directory is synced. */
static void
sync_directory_of (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
}

/* Private to the user: a profile holds citizens' personal data. */
static FILE *
create_private (const char *path)
{
  int fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  FILE *file = fd >= 0 ? fdopen (fd, "wb") : NULL;

  if (file == NULL && fd >= 0)
    close (fd);
  return file;
}

static gboolean
finish_file (FILE *file, const char *path, GError **error)
{
  gboolean ok = fflush (file) == 0 && fsync (fileno (file)) == 0;
  int saved_errno = errno;

  if (fclose (file) != 0 && ok)
    {
      ok = FALSE;
      saved_errno = errno;
    }
  if (!ok)
    set_io_error (error, saved_errno, path);
  return ok;
}

/* Size and SHA-256 of a file, read in pieces (attachments may be large scans). */
static gboolean
hash_file (const char *path, gint64 *size, char **sha256, GCancellable *cancellable, GError **error)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *buffer = g_malloc (BUFFER_SIZE);
  FILE *file = g_fopen (path, "rb");
  size_t n;

  if (file == NULL)
    {
      set_io_error (error, errno, path);
      return FALSE;
    }
  *size = 0;
  while ((n = fread (buffer, 1, BUFFER_SIZE, file)) > 0)
    {
      g_checksum_update (checksum, buffer, n);
      *size += n;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          fclose (file);
          return FALSE;
        }
    }
  if (ferror (file))
    {
      set_io_error (error, errno, path);
      fclose (file);
      return FALSE;
    }
  fclose (file);
  *sha256 = g_strdup (g_checksum_get_string (checksum));
  return TRUE;
}

/* ---- what a profile holds ------------------------------------------------------------ */

static gint64
query_int64 (sqlite3 *db, const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK && sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static gboolean
describe_store (MotcuaStore *store, MotcuaBackupInfo *info, GError **error)
{
  sqlite3 *db = motcua_store_get_db (store);
  g_autoptr(MotcuaAgency) agency = motcua_store_get_agency (store, NULL);

  info->dossiers = query_int64 (db, "SELECT count(*) FROM dossiers");
  info->events = query_int64 (db, "SELECT count(*) FROM events");
  info->schema_version = (int) query_int64 (db, "PRAGMA user_version");
  info->pending_events = motcua_store_count_pending (store, error);
  if (info->pending_events < 0)
    return FALSE;
  g_clear_pointer (&info->agency_code, g_free);
  g_clear_pointer (&info->agency_name, g_free);
  if (agency != NULL)
    {
      info->agency_code = g_strdup (agency->code);
      info->agency_name = g_strdup (agency->name);
    }
  return TRUE;
}

/* ---- writing ------------------------------------------------------------------------- */

/* One step with every page: the source stays in one read transaction throughout, which
 * in WAL mode is a consistent snapshot while other connections keep committing. */
static gboolean
snapshot_database (MotcuaStore *store, const char *snapshot, GError **error)
{
  sqlite3 *dest = NULL;
  sqlite3_backup *backup;
  int rc;

  remove_sqlite_files (snapshot);
  rc = sqlite3_open_v2 (snapshot, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc == SQLITE_OK)
    {
      backup = sqlite3_backup_init (dest, "main", motcua_store_get_db (store), "main");
      if (backup == NULL)
        rc = sqlite3_errcode (dest);
      else
        {
          for (int tries = 0; tries < 600; tries++)
            {
              rc = sqlite3_backup_step (backup, -1);
              if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
                break;
              sqlite3_sleep (50);
            }
          if (rc == SQLITE_DONE)
            rc = sqlite3_backup_finish (backup);
          else
            sqlite3_backup_finish (backup);
        }
    }
  sqlite3_close (dest);
  if (rc == SQLITE_OK)
    return TRUE;
  if ((rc & 0xff) == SQLITE_FULL)
    g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_DISK_FULL,
                 _("The disk is full: the backup could not be written. Nothing was changed."));
  else if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
    g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_DATABASE_BUSY,
                 _("The database is busy in another program. Try the backup again in a moment."));
  else
    g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_FAILED,
                 _("The database could not be copied for the backup: %s"), sqlite3_errstr (rc));
  return FALSE;
}

static gboolean
describe_snapshot (const char *snapshot, MotcuaBackupInfo *info, GError **error)
{
  g_autoptr(MotcuaStore) store = motcua_store_open (snapshot, error);

  return store != NULL && describe_store (store, info, error);
}

static gboolean
add_member (GPtrArray *members, const char *name, const char *source, GCancellable *cancellable,
            GError **error)
{
  Member *member = g_new0 (Member, 1);

  member->name = g_strdup (name);
  member->source = g_strdup (source);
  g_ptr_array_add (members, member);
  return hash_file (source, &member->size, &member->sha256, cancellable, error);
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Names in @path, sorted so that the same profile gives the same backup. */
static GPtrArray *
list_sorted (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_strings);
  return names;
}

/* Every attachment file of the store. Listed after the snapshot: blobs are stored
 * before the events citing them commit and are never removed, so every blob the
 * snapshot cites is already here. */
static gboolean
add_attachments (MotcuaStore *store, GPtrArray *members, MotcuaBackupInfo *info,
                 GCancellable *cancellable, GError **error)
{
  g_autofree char *blob_dir = motcua_store_get_blob_dir (store);
  g_autoptr(GPtrArray) prefixes = list_sorted (blob_dir);

  for (guint i = 0; i < prefixes->len; i++)
    {
      const char *prefix = prefixes->pdata[i];
      g_autofree char *sub = g_build_filename (blob_dir, prefix, NULL);
      g_autoptr(GPtrArray) names = list_sorted (sub);

      for (guint j = 0; j < names->len; j++)
        {
          const char *hash = names->pdata[j];
          g_autofree char *source = g_build_filename (sub, hash, NULL);
          g_autofree char *name = g_strconcat (BLOB_PREFIX, prefix, "/", hash, NULL);
          Member *member;

          if (!motcua_protocol_is_sha256 (hash) || strncmp (hash, prefix, 2) != 0
              || !g_file_test (source, G_FILE_TEST_IS_REGULAR))
            continue;
          if (!add_member (members, name, source, cancellable, error))
            return FALSE;
          member = g_ptr_array_index (members, members->len - 1);
          /* A backup holding it would be refused on restore: say so now. */
          if (!g_str_equal (member->sha256, hash))
            {
              g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_DATABASE_CORRUPT,
                           _("The attachment %s is damaged on this computer (its bytes no longer match "
                             "its name), so no backup was made."), source);
              return FALSE;
            }
          info->attachments++;
          info->attachment_bytes += member->size;
        }
    }
  return TRUE;
}

static char *
build_manifest (GPtrArray *members, const MotcuaBackupInfo *info)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, "motcua-backup");
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, MOTCUA_BACKUP_FORMAT_VERSION);
  json_builder_set_member_name (builder, "created_at");
  json_builder_add_string_value (builder, info->created_at);
  json_builder_set_member_name (builder, "agency_code");
  json_builder_add_string_value (builder, info->agency_code);
  json_builder_set_member_name (builder, "agency_name");
  json_builder_add_string_value (builder, info->agency_name);
  json_builder_set_member_name (builder, "schema_version");
  json_builder_add_int_value (builder, info->schema_version);
  json_builder_set_member_name (builder, "dossiers");
  json_builder_add_int_value (builder, (long long) info->dossiers);
  json_builder_set_member_name (builder, "events");
  json_builder_add_int_value (builder, info->events);
  json_builder_set_member_name (builder, "pending_events");
  json_builder_add_int_value (builder, info->pending_events);
  json_builder_set_member_name (builder, "attachments");
  json_builder_add_int_value (builder, info->attachments);
  json_builder_set_member_name (builder, "attachment_bytes");
  json_builder_add_int_value (builder, info->attachment_bytes);
  json_builder_set_member_name (builder, "members");
  json_builder_begin_array (builder);
  for (guint i = 0; i < members->len; i++)
    {
      Member *member = members->pdata[i];

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, member->name);
      json_builder_set_member_name (builder, "size");
      json_builder_add_int_value (builder, member->size);
      json_builder_set_member_name (builder, "sha256");
      json_builder_add_string_value (builder, member->sha256);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

/* Writes and hashes at once; the whole-file checksum covers every byte written. */
static gboolean
write_hashed (FILE *out, GChecksum *whole, const void *data, size_t length)
{
  g_checksum_update (whole, data, length);
  return fwrite (data, 1, length, out) == length;
}

static void
put_be (guint8 *bytes, guint64 value, int n)
{
  for (int i = n - 1; i >= 0; i--, value >>= 8)
    bytes[i] = value & 0xff;
}

static guint64
get_be (const guint8 *bytes, int n)
{
  guint64 value = 0;

  for (int i = 0; i < n; i++)
    value = (value << 8) | bytes[i];
  return value;
}

/* Copies a member's bytes, checking they are still those the manifest announces. */
static gboolean
copy_member (FILE *out, GChecksum *whole, Member *member, const char *out_path,
             GCancellable *cancellable, GError **error)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *buffer = g_malloc (BUFFER_SIZE);
  FILE *in = g_fopen (member->source, "rb");
  gint64 total = 0;
  size_t n;

  if (in == NULL)
    {
      set_io_error (error, errno, member->source);
      return FALSE;
    }
  while ((n = fread (buffer, 1, BUFFER_SIZE, in)) > 0)
    {
      g_checksum_update (checksum, buffer, n);
      total += n;
      if (!write_hashed (out, whole, buffer, n))
        {
          set_io_error (error, errno, out_path);
          fclose (in);
          return FALSE;
        }
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          fclose (in);
          return FALSE;
        }
    }
  fclose (in);
  if (total != member->size || !g_str_equal (g_checksum_get_string (checksum), member->sha256))
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_IO,
                   _("The file %s changed while the backup was being written. Try again."), member->source);
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_archive (const char *tmp_path, GPtrArray *members, const MotcuaBackupInfo *info,
               GCancellable *cancellable, GError **error)
{
  g_autoptr(GChecksum) whole = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *manifest = build_manifest (members, info);
  size_t manifest_length = strlen (manifest);
  guint8 header[HEADER_LENGTH];
  guint8 digest[DIGEST_LENGTH];
  gsize digest_length = sizeof digest;
  FILE *out = create_private (tmp_path);

  if (out == NULL)
    {
      set_io_error (error, errno, tmp_path);
      return FALSE;
    }
  memcpy (header, MAGIC, MAGIC_LENGTH);
  put_be (header + MAGIC_LENGTH, MOTCUA_BACKUP_FORMAT_VERSION, 4);
  put_be (header + MAGIC_LENGTH + 4, manifest_length, 8);
  if (!write_hashed (out, whole, header, sizeof header) || !write_hashed (out, whole, manifest, manifest_length))
    goto io_failed;
  for (guint i = 0; i < members->len; i++)
    if (!copy_member (out, whole, members->pdata[i], tmp_path, cancellable, error))
      {
        fclose (out);
        return FALSE;
      }
  g_checksum_get_digest (whole, digest, &digest_length);
  if (fwrite (digest, 1, digest_length, out) != digest_length)
    goto io_failed;
  return finish_file (out, tmp_path, error);

io_failed:
  set_io_error (error, errno, tmp_path);
  fclose (out);
  return FALSE;
}

gboolean
motcua_backup_write (MotcuaStore *store, const char *path, GCancellable *cancellable,
                     MotcuaBackupInfo *info_out, GError **error)
{
  g_autofree char *tmp_path = g_strconcat (path, ".tmp", NULL);
  g_autofree char *snapshot = g_strconcat (path, ".tmp-database", NULL);
  g_autoptr(GPtrArray) members = g_ptr_array_new_with_free_func ((GDestroyNotify) member_free);
  g_autoptr(GDateTime) now = motcua_time_now (NULL);
  MotcuaBackupInfo info = { 0 };
  GStatBuf st;
  gboolean ok;

  g_return_val_if_fail (MOTCUA_IS_STORE (store), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  info.created_at = motcua_time_format (now);
  ok = snapshot_database (store, snapshot, error)
       && describe_snapshot (snapshot, &info, error)
       && add_member (members, DATABASE_MEMBER, snapshot, cancellable, error)
       && add_attachments (store, members, &info, cancellable, error)
       && write_archive (tmp_path, members, &info, cancellable, error);
  if (ok && g_rename (tmp_path, path) != 0)
    {
      set_io_error (error, errno, path);
      ok = FALSE;
    }
  remove_sqlite_files (snapshot);
  g_unlink (tmp_path);
  if (ok)
    {
      sync_directory_of (path);
      info.database_bytes = ((Member *) members->pdata[0])->size;
      info.file_bytes = g_stat (path, &st) == 0 ? st.st_size : 0;
    }
  if (ok && info_out != NULL)
    *info_out = info;
  else
    motcua_backup_info_clear (&info);
  return ok;
}

/* ---- reading ------------------------------------------------------------------------- */

static void
set_damaged (GError **error, const char *backup_path)
{
  g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_DATABASE_CORRUPT,
               _("The backup %s is damaged: its contents do not match its checksum. "
                 "It cannot be restored; nothing was changed."), backup_path);
}

static void
set_truncated (GError **error, const char *backup_path)
{
  g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_DATABASE_CORRUPT,
               _("The backup %s is incomplete: the file was cut short (perhaps while it was copied). "
                 "It cannot be restored; nothing was changed."), backup_path);
}

static void
set_foreign (GError **error, const char *backup_path)
{
  g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
               _("The file %s is not a Motcua backup. Nothing was changed."), backup_path);
}

/* Magic, format version and manifest length. */
static gboolean
read_header (FILE *in, const char *backup_path, guint64 *manifest_length, GError **error)
{
  guint8 header[HEADER_LENGTH];
  size_t n = fread (header, 1, sizeof header, in);
  guint32 version;

  if (n < MAGIC_LENGTH || memcmp (header, MAGIC, MAGIC_LENGTH) != 0)
    {
      set_foreign (error, backup_path);
      return FALSE;
    }
  if (n < sizeof header)
    {
      set_truncated (error, backup_path);
      return FALSE;
    }
  version = get_be (header + MAGIC_LENGTH, 4);
  if (version > MOTCUA_BACKUP_FORMAT_VERSION)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_DATABASE_NEWER,
                   _("The backup %s was made by a newer version of Motcua (backup format %u; this "
                     "version reads %u). Update the application; nothing was changed."),
                   backup_path, version, MOTCUA_BACKUP_FORMAT_VERSION);
      return FALSE;
    }
  if (version == 0)
    {
      set_foreign (error, backup_path);
      return FALSE;
    }
  *manifest_length = get_be (header + MAGIC_LENGTH + 4, 8);
  return TRUE;
}

/* Whether the SHA-256 of all but the last 32 bytes is those 32 bytes (@matches);
 * FALSE only when the file cannot be read. */
static gboolean
whole_file_matches (FILE *in, gint64 file_size, gboolean *matches, const char *backup_path,
                    GError **error)
{
  g_autoptr(GChecksum) whole = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *buffer = g_malloc (BUFFER_SIZE);
  guint8 digest[DIGEST_LENGTH], stored[DIGEST_LENGTH];
  gsize digest_length = sizeof digest;
  gint64 left = file_size - DIGEST_LENGTH;

  rewind (in);
  while (left > 0)
    {
      size_t n = fread (buffer, 1, MIN (left, BUFFER_SIZE), in);

      if (n == 0)
        {
          set_io_error (error, ferror (in) ? errno : EIO, backup_path);
          return FALSE;
        }
      g_checksum_update (whole, buffer, n);
      left -= n;
    }
  if (fread (stored, 1, sizeof stored, in) != sizeof stored)
    {
      set_io_error (error, EIO, backup_path);
      return FALSE;
    }
  g_checksum_get_digest (whole, digest, &digest_length);
  *matches = memcmp (digest, stored, sizeof digest) == 0;
  return TRUE;
}

static gboolean
member_name_valid (const char *name, const char *sha256, gboolean first)
{
  const char *hash;

  if (first)
    return g_str_equal (name, DATABASE_MEMBER);
  if (!g_str_has_prefix (name, BLOB_PREFIX))
    return FALSE;
  name += strlen (BLOB_PREFIX);
  hash = name + 3;
  /* "ab/abcdef…": named by its own hash, so no name can escape the folder. */
  return strlen (name) == 3 + 64 && name[2] == '/' && motcua_protocol_is_sha256 (hash)
         && strncmp (name, hash, 2) == 0 && g_str_equal (hash, sha256);
}

/* The manifest's members, checked for shape; NULL when it is not a valid manifest. */
static GPtrArray *
parse_members (JsonObject *manifest, gint64 *total)
{
  g_autoptr(GPtrArray) members = g_ptr_array_new_with_free_func ((GDestroyNotify) member_free);
  JsonNode *node = json_object_get_member (manifest, "members");
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  array = json_node_get_array (node);
  *total = 0;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);
      Member *member;

      if (object == NULL)
        return NULL;
      member = g_new0 (Member, 1);
      g_ptr_array_add (members, member);
      member->name = g_strdup (json_object_get_string_member_with_default (object, "name", ""));
      member->sha256 = g_strdup (json_object_get_string_member_with_default (object, "sha256", ""));
      member->size = json_object_get_int_member_with_default (object, "size", -1);
      if (member->size < 0 || !motcua_protocol_is_sha256 (member->sha256) || !member_name_valid (member->name, member->sha256, i == 0))
        return NULL;
      *total += member->size;
    }
  if (members->len == 0)
    return NULL;
  return g_steal_pointer (&members);
}

static void
info_from_manifest (JsonObject *manifest, MotcuaBackupInfo *info)
{
  info->created_at = g_strdup (json_object_get_string_member_with_default (manifest, "created_at", NULL));
  info->agency_code = g_strdup (json_object_get_string_member_with_default (manifest, "agency_code", NULL));
  info->agency_name = g_strdup (json_object_get_string_member_with_default (manifest, "agency_name", NULL));
  info->schema_version = json_object_get_int_member_with_default (manifest, "schema_version", 0);
  info->dossiers = json_object_get_int_member_with_default (manifest, "dossiers", 0);
  info->events = json_object_get_int_member_with_default (manifest, "events", 0);
  info->pending_events = json_object_get_int_member_with_default (manifest, "pending_events", 0);
  info->attachments = json_object_get_int_member_with_default (manifest, "attachments", 0);
  info->attachment_bytes = json_object_get_int_member_with_default (manifest, "attachment_bytes", 0);
}

/* The manifest as an object; NULL when it cannot be read or parsed. */
static JsonObject *
read_manifest (FILE *in, guint64 length)
{
  g_autofree char *text = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (fseek (in, HEADER_LENGTH, SEEK_SET) != 0)
    return NULL;
  text = g_malloc (length + 1);
  if (fread (text, 1, length, in) != length)
    return NULL;
  text[length] = '\0';
  if (!json_parser_load_from_data (parser, text, length, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return json_object_ref (json_node_get_object (root));
}

/* Copies one member out of the backup into @path, checking its hash on the way. */
static gboolean
extract_member (FILE *in, Member *member, const char *path, const char *backup_path, GError **error)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *buffer = g_malloc (BUFFER_SIZE);
  g_autofree char *dir = g_path_get_dirname (path);
  gint64 left = member->size;
  FILE *out;

  if (g_mkdir_with_parents (dir, 0700) != 0 || (out = create_private (path)) == NULL)
    {
      set_io_error (error, errno, path);
      return FALSE;
    }
  while (left > 0)
    {
      size_t n = fread (buffer, 1, MIN (left, BUFFER_SIZE), in);

      if (n == 0)
        {
          set_truncated (error, backup_path);
          fclose (out);
          return FALSE;
        }
      g_checksum_update (checksum, buffer, n);
      if (fwrite (buffer, 1, n, out) != n)
        {
          set_io_error (error, errno, path);
          fclose (out);
          return FALSE;
        }
      left -= n;
    }
  if (!finish_file (out, path, error))
    return FALSE;
  if (!g_str_equal (g_checksum_get_string (checksum), member->sha256))
    {
      set_damaged (error, backup_path);
      return FALSE;
    }
  return TRUE;
}

static char *
member_path (const char *staged_db, Member *member)
{
  if (g_str_equal (member->name, DATABASE_MEMBER))
    return g_strdup (staged_db);
  return g_strconcat (staged_db, ".attachments/", member->name + strlen (BLOB_PREFIX), NULL);
}

/* Tells a cut file from a changed one once the checksum failed. */
static void
set_checksum_error (FILE *in, guint64 manifest_length, gint64 file_size, const char *backup_path,
                    GError **error)
{
  g_autoptr(JsonObject) manifest = NULL;
  g_autoptr(GPtrArray) members = NULL;
  gint64 total = 0;

  if (HEADER_LENGTH + manifest_length + DIGEST_LENGTH > (guint64) file_size)
    {
      set_truncated (error, backup_path);
      return;
    }
  manifest = read_manifest (in, manifest_length);
  if (manifest != NULL && (members = parse_members (manifest, &total)) != NULL
      && (gint64) (HEADER_LENGTH + manifest_length + DIGEST_LENGTH) + total > file_size)
    set_truncated (error, backup_path);
  else
    set_damaged (error, backup_path);
}

static gboolean
read_open_backup (FILE *in, gint64 file_size, const char *backup_path, const char *staged_db,
                  MotcuaBackupInfo *info, GError **error)
{
  g_autoptr(JsonObject) manifest = NULL;
  g_autoptr(GPtrArray) members = NULL;
  guint64 manifest_length = 0;
  gint64 total = 0;
  gboolean matches = FALSE;

  if (!read_header (in, backup_path, &manifest_length, error))
    return FALSE;
  if (file_size < (gint64) (HEADER_LENGTH + DIGEST_LENGTH) || manifest_length > MAX_MANIFEST)
    {
      set_truncated (error, backup_path);
      return FALSE;
    }
  if (!whole_file_matches (in, file_size, &matches, backup_path, error))
    return FALSE;
  if (!matches)
    {
      set_checksum_error (in, manifest_length, file_size, backup_path, error);
      return FALSE;
    }
  if ((manifest = read_manifest (in, manifest_length)) == NULL
      || (members = parse_members (manifest, &total)) == NULL
      || (gint64) (HEADER_LENGTH + manifest_length + DIGEST_LENGTH) + total != file_size)
    {
      set_damaged (error, backup_path);
      return FALSE;
    }
  info_from_manifest (manifest, info);
  info->file_bytes = file_size;
  info->database_bytes = ((Member *) members->pdata[0])->size;
  for (guint i = 0; staged_db != NULL && i < members->len; i++)
    {
      g_autofree char *path = member_path (staged_db, members->pdata[i]);

      if (!extract_member (in, members->pdata[i], path, backup_path, error))
        return FALSE;
    }
  return TRUE;
}

/* Verifies the whole backup and, with @staged_db, extracts it there (the database at
 * @staged_db, the attachments in @staged_db.attachments). */
static gboolean
read_backup (const char *backup_path, const char *staged_db, MotcuaBackupInfo *info, GError **error)
{
  GStatBuf st;
  FILE *in;
  gboolean ok;

  if (g_stat (backup_path, &st) != 0 || (in = g_fopen (backup_path, "rb")) == NULL)
    {
      set_io_error (error, errno, backup_path);
      return FALSE;
    }
  ok = read_open_backup (in, st.st_size, backup_path, staged_db, info, error);
  fclose (in);
  return ok;
}

gboolean
motcua_backup_inspect (const char *backup_path, MotcuaBackupInfo *info, GError **error)
{
  MotcuaBackupInfo local = { 0 };

  g_return_val_if_fail (backup_path != NULL, FALSE);

  if (!read_backup (backup_path, NULL, &local, error))
    {
      motcua_backup_info_clear (&local);
      return FALSE;
    }
  if (info != NULL)
    *info = local;
  else
    motcua_backup_info_clear (&local);
  return TRUE;
}

/* ---- restoring ----------------------------------------------------------------------- */

/* Ours, not newer, and whole — checked on a plain connection before the store opens
 * it, since motcua_store_open() would happily give an empty file Motcua's tables. */
static gboolean
check_staged_database (const char *staged_db, const char *backup_path, GError **error)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 id, version;
  g_autofree char *integrity = NULL;
  gboolean ok = FALSE;

  if (sqlite3_open_v2 (staged_db, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK
      || (id = query_int64 (db, "PRAGMA application_id")) < 0
      || (version = query_int64 (db, "PRAGMA user_version")) < 0)
    g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_DATABASE_CORRUPT,
                 _("The database in the backup %s is damaged and cannot be restored. Nothing was changed."),
                 backup_path);
  else if (id != APPLICATION_ID || version < 1)
    g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                 _("The backup %s holds a database of another program, not of Motcua. Nothing was changed."),
                 backup_path);
  else if (version > MOTCUA_STORE_SCHEMA_VERSION)
    g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_DATABASE_NEWER,
                 _("The backup %s was made by a newer version of Motcua (schema %d; this version knows %d). "
                   "Update the application; nothing was changed."),
                 backup_path, (int) version, MOTCUA_STORE_SCHEMA_VERSION);
  else
    {
      if (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL) == SQLITE_OK
          && sqlite3_step (stmt) == SQLITE_ROW)
        integrity = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      sqlite3_finalize (stmt);
      ok = g_strcmp0 (integrity, "ok") == 0;
      if (!ok)
        g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_DATABASE_CORRUPT,
                     _("The database in the backup %s is damaged (%s) and cannot be restored. "
                       "Nothing was changed."), backup_path, integrity ? integrity : sqlite3_errmsg (db));
    }
  sqlite3_close (db);
  return ok;
}

static gboolean
verify_staged (const char *staged_db, const char *backup_path, MotcuaBackupInfo *info, GError **error)
{
  g_autoptr(MotcuaStore) store = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!check_staged_database (staged_db, backup_path, error))
    return FALSE;
  /* Opening also brings an older backup up to this version's schema. */
  store = motcua_store_open (staged_db, &local_error);
  if (store == NULL)
    {
      g_set_error (error, MOTCUA_ERROR, local_error->code,
                   _("The backup %s cannot be restored: %s"), backup_path, local_error->message);
      return FALSE;
    }
  return describe_store (store, info, error);
}

/* Unsynced work is never wiped without asking: it would survive only in the copy kept
 * aside. A profile that cannot be opened is what a restore is for; it is kept aside too. */
static gboolean
check_pending (const char *profile, MotcuaRestoreFlags flags, GError **error)
{
  g_autoptr(MotcuaStore) store = NULL;
  gint64 pending;

  if ((flags & MOTCUA_RESTORE_ALLOW_PENDING) || !g_file_test (profile, G_FILE_TEST_EXISTS))
    return TRUE;
  store = motcua_store_open (profile, NULL);
  if (store == NULL || (pending = motcua_store_count_pending (store, NULL)) <= 0)
    return TRUE;
  g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_REFUSED,
               g_dngettext (GETTEXT_PACKAGE,
                            "The current profile has %lld event the server has not yet accepted. "
                            "Restoring would set it aside: it would stay recoverable in the copy of the current "
                            "profile kept as %s.before-restore-…, but not in the restored profile. Synchronise "
                            "first, or confirm the restore. Nothing was changed.",
                            "The current profile has %lld events the server has not yet accepted. "
                            "Restoring would set them aside: they would stay recoverable in the copy of the "
                            "current profile kept as %s.before-restore-…, but not in the restored profile. "
                            "Synchronise first, or confirm the restore. Nothing was changed.",
                            (gulong) pending),
               (long long) pending, profile);
  return FALSE;
}

static const char *profile_suffixes[] = { "", "-wal", "-shm", "-journal", ".attachments" };

static char *
aside_name (const char *profile)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  char *name = g_strdup_printf ("%s.before-restore-%s", profile, stamp);

  /* Two restores in one second must not collide. */
  for (int i = 2; g_file_test (name, G_FILE_TEST_EXISTS); i++)
    {
      g_free (name);
      name = g_strdup_printf ("%s.before-restore-%s-%d", profile, stamp, i);
    }
  return name;
}

/* Renames every part of the profile @from that exists to @to; on failure puts back
 * what was moved. */
static gboolean
move_profile (const char *from, const char *to, gboolean *moved_any, GError **error)
{
  guint done = 0;

  *moved_any = FALSE;
  for (; done < G_N_ELEMENTS (profile_suffixes); done++)
    {
      g_autofree char *source = g_strconcat (from, profile_suffixes[done], NULL);
      g_autofree char *target = g_strconcat (to, profile_suffixes[done], NULL);

      if (!g_file_test (source, G_FILE_TEST_EXISTS))
        continue;
      if (g_rename (source, target) != 0)
        {
          set_io_error (error, errno, source);
          break;
        }
      *moved_any = TRUE;
    }
  if (done == G_N_ELEMENTS (profile_suffixes))
    return TRUE;
  while (done-- > 0)
    {
      g_autofree char *source = g_strconcat (from, profile_suffixes[done], NULL);
      g_autofree char *target = g_strconcat (to, profile_suffixes[done], NULL);

      if (g_file_test (target, G_FILE_TEST_EXISTS))
        g_rename (target, source);
    }
  return FALSE;
}

/* The staged profile and the current one are in the same folder, so each step is a
 * rename: the current profile is aside as a whole before the new one comes in. */
static gboolean
swap_in (const char *staged_db, const char *profile, char **previous, GError **error)
{
  g_autofree char *aside = aside_name (profile);
  gboolean moved_aside, moved_in;

  if (!move_profile (profile, aside, &moved_aside, error))
    return FALSE;
  if (!move_profile (staged_db, profile, &moved_in, error))
    {
      gboolean ignored;

      move_profile (aside, profile, &ignored, NULL);
      return FALSE;
    }
  sync_directory_of (profile);
  *previous = moved_aside ? g_steal_pointer (&aside) : NULL;
  return TRUE;
}

gboolean
motcua_backup_restore (const char *backup_path, const char *profile_db_path, MotcuaRestoreFlags flags,
                       MotcuaBackupInfo *info_out, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (profile_db_path);
  g_autofree char *base = g_path_get_basename (profile_db_path);
  g_autofree char *tmpl = g_strconcat (profile_db_path, ".restore-XXXXXX", NULL);
  g_autofree char *staged_db = NULL;
  MotcuaBackupInfo info = { 0 };
  gboolean ok;

  g_return_val_if_fail (backup_path != NULL && profile_db_path != NULL, FALSE);

  /* Beside the profile: the same filesystem, so moving it in is a rename. */
  if (g_mkdir_with_parents (dir, 0700) != 0 || g_mkdtemp_full (tmpl, 0700) == NULL)
    {
      set_io_error (error, errno, dir);
      return FALSE;
    }
  staged_db = g_build_filename (tmpl, base, NULL);
  ok = read_backup (backup_path, staged_db, &info, error)
       && verify_staged (staged_db, backup_path, &info, error)
       && check_pending (profile_db_path, flags, error)
       && swap_in (staged_db, profile_db_path, &info.previous_profile, error);
  remove_tree (tmpl);
  if (ok && info_out != NULL)
    *info_out = info;
  else
    motcua_backup_info_clear (&info);
  return ok;
}
