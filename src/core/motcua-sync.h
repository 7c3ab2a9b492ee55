/* motcua-sync.h: the workstation's side of the sync protocol (docs/protocol.md).
 *
 * A round is blocking code on its own database connection and its own HTTP session,
 * run in the caller's thread (the command line) or in a worker thread (the window),
 * while the window keeps working on its connection: SQLite's WAL lets both. The
 * MotcuaSync object itself lives on the main context that created it and only holds
 * what the window shows (status, pending, needs attention, last success, progress);
 * rounds report to it there. After a round that changed some journal (pulled, set
 * aside, accepted or refused events) it emits "journal-changed" there, so the window
 * reloads only when there is something new to show.
 */
#pragma once

#include <gio/gio.h>

#include "motcua-store.h"

G_BEGIN_DECLS

typedef enum {
  MOTCUA_SYNC_STATUS_UNREGISTERED,   /* no server yet: `motcua register` */
  MOTCUA_SYNC_STATUS_IDLE,           /* the last round completed */
  MOTCUA_SYNC_STATUS_SYNCING,
  MOTCUA_SYNC_STATUS_OFFLINE,        /* the server could not be reached */
  MOTCUA_SYNC_STATUS_AUTH_FAILED,    /* the server refused the device token: register again */
  MOTCUA_SYNC_STATUS_SERVER_ERROR,   /* the server failed or answered what it should not */
} MotcuaSyncStatus;

#define MOTCUA_TYPE_SYNC_STATUS (motcua_sync_status_get_type ())
GType        motcua_sync_status_get_type  (void);
/* "unregistered", "idle", "syncing", "offline", "auth-failed", "server-error" */
const char  *motcua_sync_status_to_string (MotcuaSyncStatus status);
/* Translated, for people: "Offline", "Synchronised"… */
const char  *motcua_sync_status_label     (MotcuaSyncStatus status);

/* What one of the server's machine-readable refusal reasons ("conflict", "chain",
 * "workflow"…) means, translated, for the clerk. */
const char  *motcua_sync_reason_label     (const char       *reason);

typedef struct {
  guint      pushed, accepted, rejected, retried, pulled, set_aside, blobs_uploaded, blobs_downloaded;
  guint64    bytes_uploaded, bytes_downloaded;
  gint64     pending, attention;   /* after the round */
  gboolean   completed;
  GPtrArray *rejections;           /* char* "CODE: reason" lines, translated */
} MotcuaSyncReport;

void         motcua_sync_report_clear     (MotcuaSyncReport *report);

#define MOTCUA_TYPE_SYNC (motcua_sync_get_type ())
G_DECLARE_FINAL_TYPE (MotcuaSync, motcua_sync, MOTCUA, SYNC, GObject)

MotcuaSync      *motcua_sync_new               (MotcuaStore         *store);

/* Enrolment: POST /v1/enrol with a one-time code, then stores the server's address,
 * the device token and id, and adopts the server's agency (refused when the
 * workstation already belongs to another one). Blocking. */
gboolean         motcua_sync_register          (MotcuaStore         *store,
                                                const char          *server_url,
                                                const char          *code,
                                                const char          *device_name,
                                                const char          *ca_file,
                                                GCancellable        *cancellable,
                                                GError             **error);
/* The same in a worker thread, on a connection of its own to @store's file, so that
 * a window's connection stays in the main thread while the request is under way. A
 * blank @ca_file means the system's trust. */
void             motcua_sync_register_async    (MotcuaStore         *store,
                                                const char          *server_url,
                                                const char          *code,
                                                const char          *ca_file,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean         motcua_sync_register_finish   (GAsyncResult        *result,
                                                GError             **error);

/* One round (protocol.md, "A round, as the workstation runs it") in the calling
 * thread, on its own connection. FALSE with @error when the round stopped early
 * (offline, refused token, server error, malformed answer): everything it did until
 * then is committed, and report->completed is FALSE. */
gboolean         motcua_sync_run_round         (MotcuaSync          *self,
                                                GCancellable        *cancellable,
                                                MotcuaSyncReport    *report,
                                                GError             **error);
void             motcua_sync_run_async         (MotcuaSync          *self,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean         motcua_sync_run_finish        (MotcuaSync          *self,
                                                GAsyncResult        *result,
                                                MotcuaSyncReport    *report,
                                                GError             **error);

/* Automatic rounds: when the network comes back (GNetworkMonitor, then the round's
 * own probe of the server), on a timer (every few minutes; after a failure 30 s
 * doubling to 15 min with ±20 % jitter, or the server's Retry-After), and on
 * motcua_sync_request(). Calling it again does nothing; dispose stops it. */
void             motcua_sync_start_auto        (MotcuaSync          *self);
/* "Sync now": a round at once, or right after the one running. */
void             motcua_sync_request           (MotcuaSync          *self);
/* After a local action: re-reads pending and needs-attention (and, when automatic
 * rounds run, sends the new work soon). */
void             motcua_sync_refresh_counts    (MotcuaSync          *self);

/* An attachment of another workstation's dossier: GET /v1/blobs/SHA into the blob
 * store, resumed where a cut download stopped, kept only when its bytes hash to its
 * name. TRUE at once when the file is already there. */
gboolean         motcua_sync_fetch_blob        (MotcuaSync          *self,
                                                const char          *sha256,
                                                GCancellable        *cancellable,
                                                GError             **error);
void             motcua_sync_fetch_blob_async  (MotcuaSync          *self,
                                                const char          *sha256,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean         motcua_sync_fetch_blob_finish (MotcuaSync          *self,
                                                GAsyncResult        *result,
                                                GError             **error);
/* Every attachment of every dossier that is not on this computer yet (before going
 * offline for a while). @n_fetched: how many were downloaded. */
gboolean         motcua_sync_fetch_all_blobs   (MotcuaSync          *self,
                                                GCancellable        *cancellable,
                                                guint               *n_fetched,
                                                GError             **error);

MotcuaSyncStatus motcua_sync_get_status        (MotcuaSync          *self);
gint64           motcua_sync_get_pending       (MotcuaSync          *self);
gint64           motcua_sync_get_attention     (MotcuaSync          *self);
/* ISO 8601, or NULL before the first completed round. */
const char      *motcua_sync_get_last_success  (MotcuaSync          *self);
/* 0..1 while attachments travel, -1 otherwise. */
double           motcua_sync_get_progress      (MotcuaSync          *self);
/* Translated reason of the last failure, NULL after a completed round. */
const char      *motcua_sync_get_message       (MotcuaSync          *self);
const char      *motcua_sync_get_server_url    (MotcuaSync          *self);

G_END_DECLS
