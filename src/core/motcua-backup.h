/* motcua-backup.h: the whole profile (database and attachments) in one file.
 *
 * A backup is a small archive of our own: a magic line and a format version, a JSON
 * manifest naming every member with its size and SHA-256, the members' bytes (a
 * consistent snapshot of the database taken with SQLite's online backup, then every
 * attachment), and the SHA-256 of everything before it. Restoring verifies all of it
 * before the current profile is touched, and keeps the current profile aside.
 */
#pragma once

#include <gio/gio.h>

#include "motcua-store.h"

G_BEGIN_DECLS

#define MOTCUA_BACKUP_FORMAT_VERSION 1

typedef enum {
  MOTCUA_RESTORE_NONE          = 0,
  /* Restore even when the current profile holds events the server has not accepted:
   * they stay in the copy of the current profile that is kept aside. */
  MOTCUA_RESTORE_ALLOW_PENDING = 1 << 0,
} MotcuaRestoreFlags;

typedef struct {
  char   *created_at;        /* ISO 8601 */
  char   *agency_code;       /* NULL when the profile has no agency yet */
  char   *agency_name;
  gint64  dossiers;
  gint64  events;
  gint64  pending_events;    /* events of the backup not yet accepted by the server */
  gint64  attachments;
  gint64  attachment_bytes;
  gint64  database_bytes;
  gint64  file_bytes;        /* the backup file itself */
  int     schema_version;
  char   *previous_profile;  /* restore: where the replaced profile was kept, or NULL */
} MotcuaBackupInfo;

void     motcua_backup_info_clear (MotcuaBackupInfo   *info);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MotcuaBackupInfo, motcua_backup_info_clear)

/* Writes a backup of @store to @path (through @path.tmp, renamed once complete and
 * synced, so @path never holds half a backup). Other connections may keep writing. */
gboolean motcua_backup_write      (MotcuaStore        *store,
                                   const char         *path,
                                   GCancellable       *cancellable,
                                   MotcuaBackupInfo   *info_out,
                                   GError            **error);
/* Reads and verifies the whole backup (checksums included) without restoring it. */
gboolean motcua_backup_inspect    (const char         *backup_path,
                                   MotcuaBackupInfo   *info,
                                   GError            **error);
/* Replaces the profile at @profile_db_path with the backup, once the backup has been
 * verified completely. The current profile (if any) is renamed to
 * @profile_db_path.before-restore-YYYYmmdd-HHMMSS; it is never deleted. Refuses
 * (MOTCUA_ERROR_REFUSED) when the current profile has pending events, unless @flags
 * has MOTCUA_RESTORE_ALLOW_PENDING. On any failure the current profile is untouched. */
gboolean motcua_backup_restore    (const char         *backup_path,
                                   const char         *profile_db_path,
                                   MotcuaRestoreFlags  flags,
                                   MotcuaBackupInfo   *info_out,
                                   GError            **error);

G_END_DECLS
