/* motcua-protocol.h: the JSON of the sync protocol (docs/protocol.md), shared by the
 * workstation's sync engine and motcua-server, so that both read and write exactly the
 * same documents.
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "motcua-event.h"

G_BEGIN_DECLS

#define MOTCUA_PROTOCOL_VERSION         1
#define MOTCUA_PROTOCOL_MAX_BATCH       500
#define MOTCUA_PROTOCOL_FEED_LIMIT      500
#define MOTCUA_PROTOCOL_MAX_FEED_LIMIT  1000
#define MOTCUA_PROTOCOL_CHUNK_SIZE      (256 * 1024)
#define MOTCUA_PROTOCOL_MAX_CHUNK_SIZE  (8 * 1024 * 1024)
/* Bodies larger than this are refused before parsing (a batch of 500 events is far less). */
#define MOTCUA_PROTOCOL_MAX_JSON_BODY   (64 * 1024 * 1024)

typedef enum {
  MOTCUA_PUSH_ACCEPTED,
  MOTCUA_PUSH_REJECTED,   /* final: the event is set aside, with the reason */
  MOTCUA_PUSH_RETRY,      /* not final: stays in the outbox (e.g. a blob is missing) */
} MotcuaPushOutcome;

/* The server's answer about one pushed event. */
typedef struct {
  char              *op_id;
  MotcuaPushOutcome  outcome;
  gint64             server_seq;   /* when accepted */
  char              *reason;       /* machine-readable, when rejected or retry */
  char              *message;      /* English, for logs; clients show their own words */
  GStrv              blobs;        /* missing blobs, for "missing-blob"; may be NULL */
} MotcuaPushResult;

void              motcua_push_result_free              (MotcuaPushResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MotcuaPushResult, motcua_push_result_free)

/* An event as the protocol carries it: the journal row's frozen fields, the payload as
 * an object, the signature in base64, and the server sequence when @server_seq > 0. */
JsonNode         *motcua_protocol_event_to_json        (const MotcuaEvent *event,
                                                        gint64             server_seq);
/* Reads one event, checking every field's presence and type. The payload is stored
 * back as compact text (motcua_json_object_to_string), as the journal hashes it; its
 * parsed object is returned in @payload when that is not NULL. "server_seq", when
 * present, goes to event->server_seq. The hash is NOT checked here. */
MotcuaEvent      *motcua_protocol_event_from_json      (JsonNode          *node,
                                                        JsonObject       **payload,
                                                        GError           **error);

JsonNode         *motcua_protocol_push_result_to_json  (const MotcuaPushResult *result);
MotcuaPushResult *motcua_protocol_push_result_from_json (JsonNode         *node,
                                                         GError          **error);

/* The hex SHA-256 of every attachment a payload cites (its "attachments" array), in
 * order, without repeats; an empty vector when it cites none. */
GStrv             motcua_protocol_payload_blobs        (JsonObject        *payload);

/* {"error": @reason, "message": @message} */
JsonNode         *motcua_protocol_error_to_json        (const char        *reason,
                                                        const char        *message);

/* Strict parse of a response or request body: it must be one JSON object. Errors are
 * MOTCUA_ERROR_INVALID_INPUT and say what was wrong (empty, cut short, not an object). */
JsonObject       *motcua_protocol_parse_object         (GBytes            *body,
                                                        GError           **error);
/* Compact JSON text of @node as bytes. */
GBytes           *motcua_protocol_to_bytes             (JsonNode          *node);

/* gzip for request and response bodies. motcua_protocol_gunzip refuses output larger
 * than @max_size (a zip bomb) and input that is not whole gzip data. */
GBytes           *motcua_protocol_gzip                 (GBytes            *data);
GBytes           *motcua_protocol_gunzip               (GBytes            *data,
                                                        gsize              max_size,
                                                        GError           **error);

/* Official calendars (GET /v1/calendar, `motcua-server admin calendar-import`) cover
 * one year in this range. */
#define MOTCUA_PROTOCOL_CALENDAR_FIRST_YEAR 2000
#define MOTCUA_PROTOCOL_CALENDAR_LAST_YEAR  2199

/* "2026-11-24", exactly so (four-digit year, two-digit month and day), and a real day. */
gboolean          motcua_protocol_parse_date           (const char        *text,
                                                        GDate             *date);
/* The "days" of a calendar, {"year": 2027, "days": [{"date": "2027-02-05", "working":
 * false, "name": "Tết Nguyên đán"}, …]}, checked strictly: a year in the range above,
 * each day a real date of that year listed once, "working" true or false and a name
 * that is not empty. Other members are ignored. The array belongs to @calendar. Errors
 * are MOTCUA_ERROR_INVALID_INPUT and say which day is wrong. */
JsonArray        *motcua_protocol_calendar_days        (JsonObject        *calendar,
                                                        int               *year,
                                                        GError           **error);

/* Whether @text is 64 lower-case hex digits. */
gboolean          motcua_protocol_is_sha256            (const char        *text);

/* Enrolment codes are compared ignoring case, spaces and dashes: "7kq4 m2xd-9prt" is
 * "7KQ4M2XD9PRT". */
char             *motcua_protocol_normalize_enrolment_code (const char    *code);

G_END_DECLS
