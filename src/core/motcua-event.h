/* motcua-event.h: one entry of the journal.
 *
 * The journal is the truth: every action on a dossier is an event, frozen once
 * written, hash-chained to the dossier's previous event. The dossier row is only a
 * cache folded from its events; the outbox is the events the server has not yet
 * acknowledged.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum {
  MOTCUA_SYNC_PENDING  = 0,   /* in the outbox */
  MOTCUA_SYNC_ACCEPTED = 1,   /* acknowledged by the server */
  MOTCUA_SYNC_REJECTED = 2,   /* refused by the server: kept, shown, needs attention */
} MotcuaSyncState;

typedef struct {
  gint64           id;             /* local row id; 0 until saved */
  char            *op_id;          /* UUID made where the action was confirmed */
  char            *dossier_uid;
  gint64           seq;            /* 1, 2, … within the dossier */
  char            *actor;          /* username */
  char            *actor_role;     /* "clerk", "specialist", … at the time */
  char            *confirmed_at;   /* ISO 8601 */
  char            *kind;           /* "receive", "transfer", … */
  char            *payload;        /* JSON object text, frozen */
  char            *prev_hash;      /* hex SHA-256 of the previous event, or 64 zeros */
  char            *hash;           /* hex SHA-256 of this event's canonical form */
  GBytes          *signature;      /* detached signature, when the action is signed */
  MotcuaSyncState  sync_state;
  gint64           server_seq;
  char            *reject_reason;
} MotcuaEvent;

#define MOTCUA_EVENT_GENESIS_HASH "0000000000000000000000000000000000000000000000000000000000000000"

/* A time-ordered UUID (version 7, RFC 9562) for op ids and dossier uids: unique without
 * coordination like any random UUID, but made in time order, so the journal's indexes
 * grow at their end instead of everywhere at once. */
char        *motcua_uuid_new            (GDateTime         *time);

MotcuaEvent *motcua_event_new          (void);
void         motcua_event_free         (MotcuaEvent       *event);
/* The hash over the event's frozen fields (everything but its id, hash, signature and
 * sync state). Recomputing it and comparing is how tampering is detected. */
char        *motcua_event_compute_hash (const MotcuaEvent *event);
/* Parses the payload; NULL with @error if it is not a JSON object. */
JsonObject  *motcua_event_parse_payload (const MotcuaEvent *event,
                                         GError           **error);
JsonNode    *motcua_event_to_json       (const MotcuaEvent *event);

/* Translated, for the journal's readers: "Received at the counter", "Transfer"… */
const char  *motcua_event_kind_label    (const char        *kind);

/* A compact, stable JSON text of @object (members in insertion order). */
char        *motcua_json_object_to_string (JsonObject *object);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MotcuaEvent, motcua_event_free)

G_END_DECLS
