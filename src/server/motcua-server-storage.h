/* motcua-server-storage.h: everything the ministry server keeps, behind one interface.
 *
 * The server's handlers talk only to this interface, so that a PostgreSQL backend can
 * take the place of the SQLite one without touching them. Every write is one
 * transaction in the backend: either all of it is kept or none of it.
 *
 * Look-ups return NULL *without* an error when there is nothing to find; an error
 * always means the storage itself failed.
 */
#pragma once

#include <gio/gio.h>

#include "motcua-event.h"

G_BEGIN_DECLS

#define MOTCUA_SERVER_STORAGE_ERROR (motcua_server_storage_error_quark ())

typedef enum {
  MOTCUA_SERVER_STORAGE_ERROR_FAILED,
  MOTCUA_SERVER_STORAGE_ERROR_EXISTS,     /* another row already holds this key */
  MOTCUA_SERVER_STORAGE_ERROR_NOT_FOUND,  /* e.g. an unknown, used or expired enrolment code */
  MOTCUA_SERVER_STORAGE_ERROR_NEWER,      /* the database was written by a newer server */
} MotcuaServerStorageError;

GQuark motcua_server_storage_error_quark (void);

typedef struct {
  char *code;
  char *name;
  char *address;    /* may be NULL */
} MotcuaServerAgency;

typedef struct {
  char *id;
  char *name;
  char *agency_code;
} MotcuaServerDevice;

/* The server's last event of a dossier: what the next one must chain on. */
typedef struct {
  char   *dossier_uid;
  char   *agency_code;
  char   *code;
  gint64  seq;
  char   *hash;
} MotcuaServerHead;

/* What the server remembers of an operation it accepted. */
typedef struct {
  char   *op_id;
  char   *hash;
  char   *agency_code;
  gint64  server_seq;
} MotcuaServerOp;

MotcuaServerAgency *motcua_server_agency_copy (const MotcuaServerAgency *agency);
void                motcua_server_agency_free (MotcuaServerAgency *agency);
void                motcua_server_device_free (MotcuaServerDevice *device);
void                motcua_server_head_free   (MotcuaServerHead   *head);
void                motcua_server_op_free     (MotcuaServerOp     *op);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MotcuaServerAgency, motcua_server_agency_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MotcuaServerDevice, motcua_server_device_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MotcuaServerHead, motcua_server_head_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MotcuaServerOp, motcua_server_op_free)

#define MOTCUA_TYPE_SERVER_STORAGE (motcua_server_storage_get_type ())
G_DECLARE_INTERFACE (MotcuaServerStorage, motcua_server_storage, MOTCUA, SERVER_STORAGE, GObject)

struct _MotcuaServerStorageInterface
{
  GTypeInterface parent_iface;

  /* agencies */
  gboolean             (*add_agency)          (MotcuaServerStorage       *self,
                                               const MotcuaServerAgency  *agency,
                                               gboolean                  *created,
                                               GError                   **error);
  MotcuaServerAgency  *(*get_agency)          (MotcuaServerStorage       *self,
                                               const char                *code,
                                               GError                   **error);
  GPtrArray           *(*list_agencies)       (MotcuaServerStorage       *self,
                                               GError                   **error);

  /* enrolment and devices */
  gboolean             (*add_enrolment_code)  (MotcuaServerStorage       *self,
                                               const char                *agency_code,
                                               const char                *code_hash,
                                               GDateTime                 *expires_at,
                                               GError                   **error);
  MotcuaServerDevice  *(*enrol_device)        (MotcuaServerStorage       *self,
                                               const char                *code_hash,
                                               const MotcuaServerDevice  *device,
                                               const char                *token_hash,
                                               GDateTime                 *now,
                                               GError                   **error);
  MotcuaServerDevice  *(*get_device)          (MotcuaServerStorage       *self,
                                               const char                *token_hash,
                                               GError                   **error);

  /* the journal */
  MotcuaServerOp      *(*get_op)              (MotcuaServerStorage       *self,
                                               const char                *op_id,
                                               GError                   **error);
  MotcuaServerHead    *(*get_head)            (MotcuaServerStorage       *self,
                                               const char                *dossier_uid,
                                               GError                   **error);
  GPtrArray           *(*get_dossier_events)  (MotcuaServerStorage       *self,
                                               const char                *dossier_uid,
                                               GError                   **error);
  gboolean             (*code_taken)          (MotcuaServerStorage       *self,
                                               const char                *agency_code,
                                               const char                *code,
                                               gboolean                  *taken,
                                               GError                   **error);
  gint64               (*append_event)        (MotcuaServerStorage       *self,
                                               const MotcuaServerHead    *head,
                                               const MotcuaEvent         *event,
                                               const char                *device_id,
                                               GError                   **error);
  /* any thread: see motcua_server_storage_read_feed() */
  GPtrArray           *(*read_feed)           (MotcuaServerStorage       *self,
                                               const char                *agency_code,
                                               gint64                     since,
                                               guint                      limit,
                                               const char                *exclude_device,
                                               gint64                    *read_to,
                                               GError                   **error);

  /* dossier numbers */
  gboolean             (*reserve_codes)       (MotcuaServerStorage       *self,
                                               const char                *agency_code,
                                               const char                *day,
                                               guint                      count,
                                               const char                *device_id,
                                               gint64                    *first,
                                               GError                   **error);

  /* blobs: the bytes are files; the storage knows which are complete */
  gboolean             (*get_blob)            (MotcuaServerStorage       *self,
                                               const char                *sha256,
                                               gint64                    *size,
                                               gboolean                  *found,
                                               GError                   **error);
  gboolean             (*add_blob)            (MotcuaServerStorage       *self,
                                               const char                *sha256,
                                               gint64                     size,
                                               GError                   **error);

  /* settings (the imported catalog…) */
  char                *(*get_setting)         (MotcuaServerStorage       *self,
                                               const char                *key,
                                               GError                   **error);
  gboolean             (*set_setting)         (MotcuaServerStorage       *self,
                                               const char                *key,
                                               const char                *value,
                                               GError                   **error);
};

/* Adds @agency; adding the same agency again is fine (*@created is then FALSE), adding
 * a different one under an existing code is MOTCUA_SERVER_STORAGE_ERROR_EXISTS. */
gboolean            motcua_server_storage_add_agency         (MotcuaServerStorage      *self,
                                                              const MotcuaServerAgency *agency,
                                                              gboolean                 *created,
                                                              GError                  **error);
MotcuaServerAgency *motcua_server_storage_get_agency         (MotcuaServerStorage      *self,
                                                              const char               *code,
                                                              GError                  **error);
/* MotcuaServerAgency*, by code. */
GPtrArray          *motcua_server_storage_list_agencies      (MotcuaServerStorage      *self,
                                                              GError                  **error);

/* Only the hash of a code is kept, as for tokens. */
gboolean            motcua_server_storage_add_enrolment_code (MotcuaServerStorage      *self,
                                                              const char               *agency_code,
                                                              const char               *code_hash,
                                                              GDateTime                *expires_at,
                                                              GError                  **error);
/* Uses up the code and records @device with @token_hash, at once; the device returned
 * carries the code's agency. An unknown, used or expired code is
 * MOTCUA_SERVER_STORAGE_ERROR_NOT_FOUND. */
MotcuaServerDevice *motcua_server_storage_enrol_device       (MotcuaServerStorage      *self,
                                                              const char               *code_hash,
                                                              const MotcuaServerDevice *device,
                                                              const char               *token_hash,
                                                              GDateTime                *now,
                                                              GError                  **error);
/* The device holding the token of hash @token_hash; NULL if unknown or revoked. */
MotcuaServerDevice *motcua_server_storage_get_device         (MotcuaServerStorage      *self,
                                                              const char               *token_hash,
                                                              GError                  **error);

MotcuaServerOp     *motcua_server_storage_get_op             (MotcuaServerStorage      *self,
                                                              const char               *op_id,
                                                              GError                  **error);
MotcuaServerHead   *motcua_server_storage_get_head           (MotcuaServerStorage      *self,
                                                              const char               *dossier_uid,
                                                              GError                  **error);
/* The dossier's events in seq order (MotcuaEvent*, server_seq set). */
GPtrArray          *motcua_server_storage_get_dossier_events (MotcuaServerStorage      *self,
                                                              const char               *dossier_uid,
                                                              GError                  **error);
gboolean            motcua_server_storage_code_taken         (MotcuaServerStorage      *self,
                                                              const char               *agency_code,
                                                              const char               *code,
                                                              gboolean                 *taken,
                                                              GError                  **error);
/* Stores @event, already checked, and moves the dossier's head to @head (which names
 * the dossier, its agency and code, and this event's seq and hash). Returns the
 * event's server sequence, or 0 on error; a clash with a stored op id or seq is
 * MOTCUA_SERVER_STORAGE_ERROR_EXISTS. */
gint64              motcua_server_storage_append_event       (MotcuaServerStorage      *self,
                                                              const MotcuaServerHead   *head,
                                                              const MotcuaEvent        *event,
                                                              const char               *device_id,
                                                              GError                  **error);
/* At most @limit events of the agency after @since, in server order (MotcuaEvent*).
 * @exclude_device (or NULL): leave out the events that device pushed itself. @read_to
 * is the server sequence the feed was read up to: the last event returned, or, when
 * fewer than @limit came back, the agency's latest event, so that a cursor moves past
 * events left out at the end.
 *
 * Callable from any thread, by several threads at once, while the main thread goes on
 * writing: the server reads feed pages off its main loop so that pushes need not wait
 * behind them.
 *
 * Every other function is for the thread that opened the storage only. So a backend
 * must not use its main connection here: SQLite keeps a small pool of read-only
 * connections, PostgreSQL would take one from its connection pool. The events and
 * @read_to must come from one snapshot (one read transaction), or a push committed in
 * between could move @read_to past an event the page does not hold. */
GPtrArray          *motcua_server_storage_read_feed          (MotcuaServerStorage      *self,
                                                              const char               *agency_code,
                                                              gint64                    since,
                                                              guint                     limit,
                                                              const char               *exclude_device,
                                                              gint64                   *read_to,
                                                              GError                  **error);

/* Reserves @count numbers of @day ("2026-11-23") for the agency; *@first is the first
 * of them. No number is ever given twice. */
gboolean            motcua_server_storage_reserve_codes      (MotcuaServerStorage      *self,
                                                              const char               *agency_code,
                                                              const char               *day,
                                                              guint                     count,
                                                              const char               *device_id,
                                                              gint64                   *first,
                                                              GError                  **error);

gboolean            motcua_server_storage_get_blob           (MotcuaServerStorage      *self,
                                                              const char               *sha256,
                                                              gint64                   *size,
                                                              gboolean                 *found,
                                                              GError                  **error);
/* Records a complete blob whose file is in place. */
gboolean            motcua_server_storage_add_blob           (MotcuaServerStorage      *self,
                                                              const char               *sha256,
                                                              gint64                    size,
                                                              GError                  **error);

char               *motcua_server_storage_get_setting        (MotcuaServerStorage      *self,
                                                              const char               *key,
                                                              GError                  **error);
gboolean            motcua_server_storage_set_setting        (MotcuaServerStorage      *self,
                                                              const char               *key,
                                                              const char               *value,
                                                              GError                  **error);

G_END_DECLS
