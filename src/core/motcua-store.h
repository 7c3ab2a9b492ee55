/* motcua-store.h: the workstation's offline database.
 *
 * One SQLite file per profile (WAL, foreign keys, numbered migrations), attachments as
 * content-addressed files beside it. Every operation is one transaction: either all
 * of an action is saved (event, folded dossier, search entry) or none of it.
 */
#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

#include "motcua-calendar.h"
#include "motcua-catalog.h"
#include "motcua-dossier.h"
#include "motcua-protocol.h"
#include "motcua-search-index.h"

G_BEGIN_DECLS

#define MOTCUA_STORE_SCHEMA_VERSION 7

typedef struct {
  char   *code;
  char   *name;
  char   *address;
  char   *phone;
  char   *lookup_url;          /* status look-up address printed as a QR code on slip 01 */
  int     morning_start, morning_end, afternoon_start, afternoon_end;   /* minutes */
  int     minutes_per_day;
  int     same_day_cutoff;     /* minutes; negative disables */
} MotcuaAgency;

void motcua_agency_free (MotcuaAgency *agency);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MotcuaAgency, motcua_agency_free)

typedef struct {
  char       *username;
  char       *full_name;
  MotcuaRole  role;
  gboolean    disabled;
} MotcuaUser;

void motcua_user_free (MotcuaUser *user);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MotcuaUser, motcua_user_free)

/* What the clerk fills in at the counter. */
typedef struct {
  const char    *procedure_code;
  const char    *applicant_name;
  const char    *applicant_id_number;
  const char    *applicant_phone;
  const char    *applicant_address;
  const char    *applicant_email;
  int            applicant_type;     /* 1 citizen … 4 other organisation; 0 = 1 */
  MotcuaChannel  channel;            /* 0 = in person */
  int            sets;               /* 0 = 1 */
  /* Names of the documents handed in; NULL means all of the procedure's. */
  const char * const *documents_provided;
  /* Files to attach (paths). */
  const char * const *attach_paths;
  /* When the checklist is incomplete the law allows only these two outcomes. */
  enum {
    MOTCUA_INCOMPLETE_REFUSE_TO_RECEIVE,   /* default: refuse the action itself */
    MOTCUA_INCOMPLETE_REQUEST_SUPPLEMENT,  /* Form 02 at the counter */
    MOTCUA_INCOMPLETE_REFUSE,              /* Form 03 at the counter */
  } on_incomplete;
  const char    *reason;
  const char    *actor;              /* username; NULL = the workstation's current user */
  GDateTime     *now;                /* NULL = motcua_time_now() */
} MotcuaReceiveRequest;

/* The details an action may need; which are required depends on the action. */
typedef struct {
  const char         *reason;
  const char * const *missing;        /* request-supplement: every missing document */
  const char         *new_due;        /* apologize: ISO 8601 */
  const char         *method;         /* return: counter | post | electronic */
  const char         *tracking;       /* return by post */
  const char         *recipient_name;
  const char         *recipient_id_number;
  const char         *authorization;  /* return at the counter to someone else: their authorisation */
  const char         *postal_address; /* return by post; the applicant's address when unset */
  const char         *electronic_address; /* return electronically; the applicant's e-mail when unset */
  const char         *to;             /* transfer: unit or person */
  const char         *draft_type;     /* draft: result | supplement | refusal-withdrawal | apology */
  const char         *rating;         /* satisfaction: satisfied | acceptable | unsatisfied */
  const char         *note;
  const char         *document_number;
  const char * const *attach_paths;   /* attach */
  const char         *actor;
  GDateTime          *now;
  /* approve: the supervisor's opened key (motcua-signer.h); required once the store has
   * trust anchors, see docs/signatures.md. */
  struct _MotcuaSigner *signer;
} MotcuaActionRequest;

typedef enum {
  MOTCUA_DUE_ANY,
  MOTCUA_DUE_TODAY,
  MOTCUA_DUE_OVERDUE,
} MotcuaDueFilter;

typedef struct {
  int             status;          /* 0 = any */
  MotcuaDueFilter due;
  const char     *search;
  guint           limit;           /* 0 = 100 */
  guint           offset;
  GDateTime      *now;
} MotcuaDossierQuery;

#define MOTCUA_TYPE_STORE (motcua_store_get_type ())
G_DECLARE_FINAL_TYPE (MotcuaStore, motcua_store, MOTCUA, STORE, GObject)

/* --db FILE, else MOTCUA_DB, else $XDG_DATA_HOME/motcua/motcua.db. */
char           *motcua_store_default_path      (void);
/* Opens (creating and migrating when needed). A newer, corrupt or read-only file, or a
 * full disk, gives a clear error and leaves the file exactly as it was. */
MotcuaStore    *motcua_store_open              (const char        *path,
                                                GError           **error);
const char     *motcua_store_get_path          (MotcuaStore       *self);
sqlite3        *motcua_store_get_db            (MotcuaStore       *self);
char           *motcua_store_get_blob_dir      (MotcuaStore       *self);
/* Whether the store has been initialised with an agency. */
gboolean        motcua_store_is_initialized    (MotcuaStore       *self);

/* While loading many dossiers in few transactions (demo data, imports), index them
 * for search when each transaction commits rather than one by one: much faster. */
void            motcua_store_set_bulk_load     (MotcuaStore       *self,
                                                gboolean           bulk_load);

/* Transactions for callers that group several operations (BEGIN IMMEDIATE, so
 * concurrent workstations' processes queue instead of failing). */
gboolean        motcua_store_begin             (MotcuaStore       *self,
                                                GError           **error);
gboolean        motcua_store_commit            (MotcuaStore       *self,
                                                GError           **error);
void            motcua_store_rollback          (MotcuaStore       *self);

/* Key-value state; setting NULL removes the key. */
char           *motcua_store_get_state         (MotcuaStore       *self,
                                                const char        *key,
                                                GError           **error);
gboolean        motcua_store_set_state         (MotcuaStore       *self,
                                                const char        *key,
                                                const char        *value,
                                                GError           **error);

/* The agency this workstation belongs to. */
gboolean        motcua_store_set_agency        (MotcuaStore       *self,
                                                const MotcuaAgency *agency,
                                                GError           **error);
MotcuaAgency   *motcua_store_get_agency        (MotcuaStore       *self,
                                                GError           **error);
/* The agency's working-time calendar (settings + calendar table + built-in holidays). */
MotcuaCalendar *motcua_store_get_calendar      (MotcuaStore       *self);
gboolean        motcua_store_set_calendar_day  (MotcuaStore       *self,
                                                const GDate       *date,
                                                gboolean           working,
                                                const char        *name,
                                                GError           **error);

/* One day of a year's official calendar: a day off, or a swapped working day. */
typedef struct {
  GDate       date;
  gboolean    working;
  const char *name;
} MotcuaCalendarDay;

/* Makes @days the whole official calendar of @year (no built-in holidays count for it
 * any more), recording where it came from (@source: "server", …). One transaction, or
 * part of the caller's. Every day must be in @year. */
gboolean        motcua_store_replace_calendar_year (MotcuaStore             *self,
                                                    int                      year,
                                                    const char              *source,
                                                    const MotcuaCalendarDay *days,
                                                    guint                    n_days,
                                                    GError                 **error);
/* Forgets the cached calendar so that motcua_store_get_calendar() reads it again: for
 * when another connection (a sync round) changed it. */
void            motcua_store_reload_calendar   (MotcuaStore       *self);

/* Users and roles. */
gboolean        motcua_store_add_user          (MotcuaStore       *self,
                                                const char        *username,
                                                const char        *full_name,
                                                MotcuaRole         role,
                                                GError           **error);
MotcuaUser     *motcua_store_get_user          (MotcuaStore       *self,
                                                const char        *username,
                                                GError           **error);
GPtrArray      *motcua_store_list_users        (MotcuaStore       *self,
                                                GError           **error);

/* Catalog: import replaces procedures with the same code, in one transaction. */
gboolean        motcua_store_import_catalog    (MotcuaStore       *self,
                                                GPtrArray         *procedures,
                                                GError           **error);
GPtrArray      *motcua_store_list_procedures   (MotcuaStore       *self,
                                                const char        *search,
                                                GError           **error);
/* The active procedures, those this workstation received most often since @since (a
 * date in the agency's zone) first, then by field and name: the counter's daily work
 * at the top of the catalog. */
GPtrArray      *motcua_store_list_procedures_by_use (MotcuaStore  *self,
                                                GDateTime         *since,
                                                GError           **error);
MotcuaProcedure *motcua_store_get_procedure    (MotcuaStore       *self,
                                                const char        *code,
                                                GError           **error);

/* Dossier codes: the one place sequence numbers come from. Must be called inside a
 * transaction; uses a block reserved from the server when one covers @day. A
 * workstation registered with a server ("sync.server_url" set) never falls back to its
 * own counter: without a block it fails with MOTCUA_ERROR_REFUSED. */
char           *motcua_store_allocate_code     (MotcuaStore       *self,
                                                const char        *agency_code,
                                                GDateTime         *day,
                                                GError           **error);

/* Blocks of sequence numbers reserved from the server for @day (its yyMMdd). A
 * workstation registered with a server issues codes only from them. */
gboolean        motcua_store_add_code_block    (MotcuaStore       *self,
                                                const char        *agency_code,
                                                GDateTime         *day,
                                                gint64             first,
                                                gint64             last,
                                                GError           **error);
/* How many reserved numbers are still unused for @day; -1 on error. */
gint64          motcua_store_count_block_codes_left (MotcuaStore  *self,
                                                const char        *agency_code,
                                                GDateTime         *day,
                                                GError           **error);

/* Workflow. */
MotcuaDossier  *motcua_store_receive           (MotcuaStore                *self,
                                                const MotcuaReceiveRequest *request,
                                                GError                    **error);
MotcuaDossier  *motcua_store_act               (MotcuaStore                *self,
                                                const char                 *code,
                                                MotcuaAction                action,
                                                const MotcuaActionRequest  *request,
                                                GError                    **error);
/* Appends @event (already hashed and chained) to the journal and folds it into its
 * dossier (created when @event creates one). The caller holds a transaction. */
MotcuaDossier  *motcua_store_append_event      (MotcuaStore       *self,
                                                MotcuaDossier     *dossier,
                                                MotcuaEvent       *event,
                                                JsonObject        *payload,
                                                GError           **error);

/* Appends the whole journal of a new dossier at once (demo data, imports): folds every
 * event, then writes the dossier row once. Events without a hash are chained here.
 * The caller holds a transaction. @payloads holds one JsonObject per event. */
MotcuaDossier  *motcua_store_append_new_dossier (MotcuaStore      *self,
                                                 GPtrArray        *events,
                                                 GPtrArray        *payloads,
                                                 GError          **error);
/* The payload of an event creating a dossier from @request (shared by the counter,
 * demo data and the server, so a dossier looks the same wherever it was made). */
/* The "attachments" member of an event's payload, for the MotcuaAttachmentRef in @refs. */
JsonArray      *motcua_store_attachments_json  (GPtrArray                  *refs);
JsonObject     *motcua_store_creation_payload  (const MotcuaReceiveRequest *request,
                                                MotcuaProcedure            *procedure,
                                                const gboolean             *provided,
                                                GPtrArray                  *attachments,
                                                const char                 *agency_code);

MotcuaDossier  *motcua_store_get_dossier       (MotcuaStore       *self,
                                                const char        *code,
                                                GError           **error);
GPtrArray      *motcua_store_list_dossiers     (MotcuaStore              *self,
                                                const MotcuaDossierQuery *query,
                                                GError                  **error);
gint64          motcua_store_count_dossiers    (MotcuaStore              *self,
                                                const MotcuaDossierQuery *query,
                                                GError                  **error);
GPtrArray      *motcua_store_get_events        (MotcuaStore       *self,
                                                const char        *dossier_uid,
                                                GError           **error);
/* The user the workstation acts as when none is named. */
char           *motcua_store_get_current_user  (MotcuaStore       *self,
                                                GError           **error);

/* Attachments: copies @path into the content-addressed store. */
MotcuaAttachmentRef *motcua_store_add_blob     (MotcuaStore       *self,
                                                const char        *path,
                                                GError           **error);
char           *motcua_store_get_blob_path     (MotcuaStore       *self,
                                                const char        *sha256);

/* ---- sync (see docs/protocol.md and docs/journal.md) ---------------------------------- */

/* The outbox: pending events (sync_state 0) with their payload text, oldest first
 * (by row id, so each dossier's in seq order). @limit 0 means all of them.
 * _after continues after the event whose row id is @after_id. */
GPtrArray      *motcua_store_get_outbox        (MotcuaStore       *self,
                                                guint              limit,
                                                GError           **error);
GPtrArray      *motcua_store_get_outbox_after  (MotcuaStore       *self,
                                                gint64             after_id,
                                                guint              limit,
                                                GError           **error);
/* Records the server's answer about one pushed event: accepted (sync_state 1 with
 * @server_seq) or rejected (sync_state 2 with @reason; the event stays in its dossier
 * and the dossier needs attention). Retry changes nothing. An event already accepted
 * is never marked rejected. */
gboolean        motcua_store_mark_pushed       (MotcuaStore       *self,
                                                const char        *op_id,
                                                MotcuaPushOutcome  outcome,
                                                gint64             server_seq,
                                                const char        *reason,
                                                GError           **error);
/* Applies one page of the server's feed (MotcuaEvent with server_seq) and saves
 * "sync.cursor" = @next_cursor, all in one transaction. The workstation's own events
 * are only marked accepted; other workstations' events are appended. Where the
 * server holds a different event at a place a local, unaccepted event occupies, the
 * server wins: the local events of that dossier from there on are set aside (never
 * dropped), the dossier is re-folded and the server's event appended. An event that
 * does not hash to its hash, or does not fit the dossier's chain, fails the page and
 * nothing of it is applied. @n_applied: events added to the local journal. */
gboolean        motcua_store_apply_feed_page   (MotcuaStore       *self,
                                                GPtrArray         *events,
                                                gint64             next_cursor,
                                                guint             *n_applied,
                                                GError           **error);

/* -1 on error. */
gint64          motcua_store_count_pending     (MotcuaStore       *self,
                                                GError           **error);
/* Dossiers with a rejected event or an undismissed set-aside event. */
gint64          motcua_store_count_attention   (MotcuaStore       *self,
                                                GError           **error);
/* Whether this one dossier has a rejected or an undismissed set-aside event (the
 * editor asks for each dossier it shows; counting every dossier would be wasted). */
gboolean        motcua_store_dossier_needs_attention (MotcuaStore *self,
                                                      const char  *dossier_uid);
/* Every set-aside event, dismissed or not (for reports and checks). */
gint64          motcua_store_count_set_aside   (MotcuaStore       *self,
                                                GError           **error);

typedef struct {
  char   *dossier_uid;
  char   *code;           /* the dossier's code */
  char   *state;          /* "rejected" (still in the dossier) or "set-aside" */
  char   *kind;           /* the event's kind: "transfer", … */
  gint64  seq;
  char   *reason;         /* machine-readable: conflict, chain, workflow, … */
  char   *time;           /* when the event was confirmed (ISO 8601) */
  char   *set_aside_at;   /* when it left the chain; NULL for "rejected" */
  char   *op_id;
  char   *hash;
} MotcuaAttentionItem;

void            motcua_attention_item_free     (MotcuaAttentionItem *item);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MotcuaAttentionItem, motcua_attention_item_free)

/* One item per rejected or undismissed set-aside event, by code then seq. */
GPtrArray      *motcua_store_list_attention    (MotcuaStore       *self,
                                                GError           **error);
/* "I have seen it": the dossier's rejected events (and the pending ones chained on
 * them, which the server would refuse too) are set aside, the dossier is re-folded
 * from what the server holds, and its set-aside events are marked dismissed. They
 * stay in set_aside_events. */
gboolean        motcua_store_dismiss_attention (MotcuaStore       *self,
                                                const char        *dossier_uid,
                                                GError           **error);
/* The dossier's set-aside events, in seq order; reject_reason holds the reason. */
GPtrArray      *motcua_store_get_set_aside_events (MotcuaStore    *self,
                                                const char        *dossier_uid,
                                                GError           **error);
MotcuaDossier  *motcua_store_get_dossier_by_uid (MotcuaStore      *self,
                                                const char        *uid,
                                                GError           **error);

/* Blobs the server has acknowledged (HEAD 200, PUT 200/201, or a download). */
gboolean        motcua_store_is_blob_uploaded  (MotcuaStore       *self,
                                                const char        *sha256);
gboolean        motcua_store_set_blob_uploaded (MotcuaStore       *self,
                                                const char        *sha256,
                                                gboolean           uploaded,
                                                GError           **error);
/* After registering with another server: it has none of them. */
gboolean        motcua_store_forget_uploaded_blobs (MotcuaStore   *self,
                                                GError           **error);
/* The hash of every attachment any dossier cites. */
GStrv           motcua_store_list_blob_hashes  (MotcuaStore       *self,
                                                GError           **error);

/* ---- retention (see docs/journal.md) ------------------------------------------------- */

/* Days a finished dossier stays on the workstation when "retention.days" is unset. */
#define MOTCUA_RETENTION_DEFAULT_DAYS 365

/* What a purged dossier leaves behind: its journal summary, no personal data. */
typedef struct {
  char   *uid;
  char   *code;
  char   *agency_code;
  char   *procedure_code;
  char   *procedure_name;
  int     channel;
  int     status;
  char   *received_at;
  char   *due_at;
  char   *finished_at;
  gint64  event_count;
  char   *last_event_hash;
  gint64  last_server_seq;
  char   *purged_at;
} MotcuaPurgedDossier;

void            motcua_purged_dossier_free     (MotcuaPurgedDossier *purged);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MotcuaPurgedDossier, motcua_purged_dossier_free)

/* "retention.days", else MOTCUA_RETENTION_DEFAULT_DAYS; -1 on error. */
gint64          motcua_store_get_retention_days (MotcuaStore      *self,
                                                GError           **error);
/* Forgets, in one transaction, every dossier returned to the citizen (or refused,
 * withdrawn, stopped) before @older_than whose events the server has all accepted
 * and which has no undismissed set-aside event: its summary goes to purged_dossiers,
 * its row, documents, attachments, events and search entry go. Attachment files no
 * remaining dossier cites are deleted after the commit. Only for a workstation
 * registered with a server (which keeps the journal): otherwise MOTCUA_ERROR_REFUSED.
 * @dry_run counts and changes nothing. Must not be called inside a transaction. */
gboolean        motcua_store_purge_finished    (MotcuaStore       *self,
                                                GDateTime         *older_than,
                                                gboolean           dry_run,
                                                guint             *n_purged,
                                                GError           **error);
/* The same, also telling how many attachment files were (or would be) freed. */
gboolean        motcua_store_purge_finished_full (MotcuaStore     *self,
                                                GDateTime         *older_than,
                                                gboolean           dry_run,
                                                guint             *n_purged,
                                                guint             *n_blobs_freed,
                                                GError           **error);
/* The summary of a purged dossier by code; NULL without error when there is none. */
MotcuaPurgedDossier *motcua_store_get_purged_dossier (MotcuaStore *self,
                                                const char        *code,
                                                GError           **error);

/* Re-folds every dossier from the journal and compares with the cached rows; the
 * first difference is reported in @error. */
gboolean        motcua_store_verify_folds      (MotcuaStore       *self,
                                                guint             *n_checked,
                                                GError           **error);

/* The drafted result an approval of @dossier would sign (motcua_approval_find_result()
 * over its journal): @sha256 is set to its hash, or to NULL when no specialist attached
 * one. FALSE only when the journal cannot be read. */
gboolean        motcua_store_find_result_document (MotcuaStore    *self,
                                                   MotcuaDossier  *dossier,
                                                   char          **sha256,
                                                   GError        **error);

/* One row per hand-over of the dossier, judged early / on time / late. */
typedef struct {
  char         *actor;
  char         *actor_role;
  char         *kind;
  char         *at;
  char         *due_at;         /* NULL before any due date: an online submission */
  MotcuaTiming  timing;
  gboolean      judged;         /* FALSE with no due date to be early or late against */
} MotcuaHandover;

GPtrArray      *motcua_store_get_handovers     (MotcuaStore       *self,
                                                MotcuaDossier     *dossier,
                                                GError           **error);

/* For the store's companion files: a cached statement (reset, bindings cleared), a
 * statement run to its end, and the end of a row loop, each reporting SQLite's
 * errors the way the store does. */
sqlite3_stmt   *motcua_store_prepare           (MotcuaStore       *self,
                                                const char        *sql,
                                                GError           **error);
gboolean        motcua_store_step_done         (MotcuaStore       *self,
                                                sqlite3_stmt      *stmt,
                                                GError           **error);
gboolean        motcua_store_rows_done         (MotcuaStore       *self,
                                                sqlite3_stmt      *stmt,
                                                int                rc,
                                                GError           **error);

G_END_DECLS
