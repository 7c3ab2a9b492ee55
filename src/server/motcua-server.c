/* motcua-server.c: the handlers of the sync protocol (docs/protocol.md). */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "motcua-approval.h"
#include "motcua-catalog.h"
#include "motcua-dossier.h"
#include "motcua-holidays.h"
#include "motcua-protocol.h"
#include "motcua-time.h"
#include "motcua-trust.h"
#include "motcua-server.h"

#define BLOBS_PREFIX    "/v1/blobs/"
#define GZIP_THRESHOLD  1024
#define CATALOG_SETTING "catalog"
#define LISTEN_BACKLOG  1024
/* Feed pages are built off the main loop by this many threads: enough to keep both
 * CPUs busy, few enough that pushes on the main loop still get their share. */
#define FEED_THREADS    2
/* A feed page is compressed once and thrown away: level 1 is several times faster
 * than the default for a slightly larger body. */
#define FEED_GZIP_LEVEL 1

struct _MotcuaServer
{
  GObject              parent_instance;

  MotcuaServerStorage *storage;
  SoupServer          *soup;
  GTlsCertificate     *tls_certificate;
  char                *blob_dir;      /* complete blobs: blobs/ab/abcdef… */
  char                *upload_dir;    /* unfinished uploads: uploads/SHA.part */
  GBytes              *demo_catalog;  /* served until an administrator imports one */

  GMainContext        *context;       /* where the handlers run and replies are sent */
  GThreadPool         *feed_pool;     /* FeedJob*, read and built off the main loop */
  GCancellable        *stopping;      /* cancelled at dispose: queued pages are skipped */
  guint                n_feed_jobs;   /* handed to the pool and not yet answered */
};

G_DEFINE_FINAL_TYPE (MotcuaServer, motcua_server, G_TYPE_OBJECT)

/* ---- small tools -------------------------------------------------------------- */

static char *
sha256_hex (const char *text)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
}

/* From the kernel's generator: tokens and enrolment codes must not be guessable. */
static gboolean
random_bytes (guint8 *buffer, gsize length, GError **error)
{
  gsize done = 0;

  while (done < length)
    {
      ssize_t n = getrandom (buffer + done, length - done, 0);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       "No random numbers from the system: %s", g_strerror (saved_errno));
          return FALSE;
        }
      done += n;
    }
  return TRUE;
}

/* 32 random bytes in base64url without padding. */
static char *
new_token (GError **error)
{
  guint8 bytes[32];
  char *token;

  if (!random_bytes (bytes, sizeof bytes, error))
    return NULL;
  token = g_base64_encode (bytes, sizeof bytes);
  g_strdelimit (token, "+", '-');
  g_strdelimit (token, "/", '_');
  if (strchr (token, '=') != NULL)
    *strchr (token, '=') = '\0';
  return token;
}

/* Thirty characters a clerk cannot misread or mistype: no 0/O, 1/I/L, nor U (Crockford's
 * choice, which also keeps rude words out). */
static const char enrolment_alphabet[] = "23456789ABCDEFGHJKMNPQRSTVWXYZ";

/* "7KQ4-M2XD-9PRT": twelve characters drawn without bias (bytes past the last whole
 * multiple of the alphabet are skipped). */
static char *
random_enrolment_code (GError **error)
{
  const guint n = sizeof enrolment_alphabet - 1;
  g_autoptr(GString) code = g_string_new (NULL);
  guint8 bytes[32];

  while (code->len < 14)
    {
      if (!random_bytes (bytes, sizeof bytes, error))
        return NULL;
      for (guint i = 0; i < sizeof bytes && code->len < 14; i++)
        {
          if (bytes[i] >= 256 - 256 % n)
            continue;
          g_string_append_c (code, enrolment_alphabet[bytes[i] % n]);
          if (code->len == 4 || code->len == 9)
            g_string_append_c (code, '-');
        }
    }
  return g_string_free (g_steal_pointer (&code), FALSE);
}

char *
motcua_server_new_enrolment_code (MotcuaServerStorage *storage,
                                  const char          *agency_code,
                                  GError             **error)
{
  g_autoptr(MotcuaServerAgency) agency = NULL;
  g_autoptr(GDateTime) now = motcua_time_now (NULL);
  g_autoptr(GDateTime) expires = g_date_time_add_days (now, MOTCUA_SERVER_ENROLMENT_DAYS);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *code = NULL;
  g_autofree char *normal = NULL;
  g_autofree char *hash = NULL;

  agency = motcua_server_storage_get_agency (storage, agency_code, &local_error);
  if (agency == NULL)
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, MOTCUA_SERVER_STORAGE_ERROR, MOTCUA_SERVER_STORAGE_ERROR_NOT_FOUND,
                     "There is no agency %s; add it first with “admin agency-add”.", agency_code);
      return NULL;
    }
  if ((code = random_enrolment_code (error)) == NULL)
    return NULL;
  normal = motcua_protocol_normalize_enrolment_code (code);
  hash = sha256_hex (normal);
  if (!motcua_server_storage_add_enrolment_code (storage, agency_code, hash, expires, error))
    return NULL;
  return g_steal_pointer (&code);
}

static const char *
member_string (JsonObject *object, const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
member_int (JsonObject *object, const char *name, gint64 *value)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_int (node);
  return TRUE;
}

/* A node holding @object, which it takes. */
static JsonNode *
object_node (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

/* ---- logging ------------------------------------------------------------------- */

/* json-glib writes doubles with 17 digits ("3.1000000000000001"); a log wants "3.1". */
static void
append_member (GString *line, const char *name, JsonNode *value)
{
  g_autoptr(JsonNode) key = json_node_init_string (json_node_alloc (), name);
  g_autofree char *key_text = json_to_string (key, FALSE);
  g_autofree char *value_text = NULL;
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_DOUBLE)
    value_text = g_strdup (g_ascii_formatd (number, sizeof number, "%.1f", json_node_get_double (value)));
  else
    value_text = json_to_string (value, FALSE);
  g_string_append_printf (line, "%s%s:%s", line->len > 1 ? "," : "", key_text, value_text);
}

void
motcua_server_log (const char *level,
                   const char *event,
                   JsonObject *fields)
{
  g_autoptr(JsonObject) head = json_object_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *time = g_date_time_format_iso8601 (now);
  g_autoptr(GList) head_members = NULL;
  g_autoptr(GList) members = fields ? json_object_get_members (fields) : NULL;
  g_autoptr(GString) line = g_string_new ("{");

  json_object_set_string_member (head, "time", time);
  json_object_set_string_member (head, "level", level);
  json_object_set_string_member (head, "event", event);
  head_members = json_object_get_members (head);
  for (GList *l = head_members; l != NULL; l = l->next)
    append_member (line, l->data, json_object_get_member (head, l->data));
  for (GList *l = members; l != NULL; l = l->next)
    append_member (line, l->data, json_object_get_member (fields, l->data));
  g_string_append (line, "}\n");
  fputs (line->str, stderr);
  fflush (stderr);
}

static void
log_error (const char *event, const GError *error)
{
  g_autoptr(JsonObject) fields = json_object_new ();

  json_object_set_string_member (fields, "message", error->message);
  motcua_server_log ("error", event, fields);
}

/* ---- requests and replies --------------------------------------------------------- */

typedef struct {
  MotcuaServer       *self;
  SoupServerMessage  *msg;
  const char         *path;
  GHashTable         *query;
  MotcuaServerDevice *device;    /* once authenticated */
  gint64              started;   /* monotonic µs */
  gboolean            deferred;  /* answered later, off the main loop; not logged yet */
} Request;

static SoupMessageHeaders *
request_headers (Request *r)
{
  return soup_server_message_get_request_headers (r->msg);
}

static SoupMessageHeaders *
response_headers (Request *r)
{
  return soup_server_message_get_response_headers (r->msg);
}

static gboolean
accepts_gzip (Request *r)
{
  const char *accept = soup_message_headers_get_list (request_headers (r), "Accept-Encoding");
  GSList *acceptable;
  gboolean gzip = FALSE;

  if (accept == NULL)
    return FALSE;
  acceptable = soup_header_parse_quality_list (accept, NULL);
  for (GSList *l = acceptable; l != NULL && !gzip; l = l->next)
    gzip = g_ascii_strcasecmp (l->data, "gzip") == 0;
  soup_header_free_list (acceptable);
  return gzip;
}

/* JSON larger than 1 KiB is compressed for a client that accepts gzip; blobs never are
 * (scans are compressed already). */
static void
set_body (Request *r, guint status, const char *content_type, GBytes *body, gboolean gzipped)
{
  if (g_str_equal (content_type, "application/json"))
    soup_message_headers_append (response_headers (r), "Vary", "Accept-Encoding");
  if (gzipped)
    soup_message_headers_replace (response_headers (r), "Content-Encoding", "gzip");
  soup_server_message_set_status (r->msg, status, NULL);
  soup_message_headers_set_content_type (response_headers (r), content_type, NULL);
  soup_message_body_append_bytes (soup_server_message_get_response_body (r->msg), body);
}

static void
reply_bytes (Request *r, guint status, const char *content_type, GBytes *bytes)
{
  g_autoptr(GBytes) body = NULL;

  if (g_str_equal (content_type, "application/json") && g_bytes_get_size (bytes) > GZIP_THRESHOLD
      && accepts_gzip (r))
    body = motcua_protocol_gzip (bytes);
  set_body (r, status, content_type, body != NULL ? body : bytes, body != NULL);
}

static void
reply_json (Request *r, guint status, JsonNode *node)
{
  g_autoptr(GBytes) bytes = motcua_protocol_to_bytes (node);

  reply_bytes (r, status, "application/json", bytes);
}

/* Replies with @object, which it consumes. */
static void
reply_object (Request *r, guint status, JsonObject *object)
{
  g_autoptr(JsonNode) node = object_node (object);

  reply_json (r, status, node);
}

static JsonObject *
error_object (const char *reason, const char *message)
{
  g_autoptr(JsonNode) node = motcua_protocol_error_to_json (reason, message);

  return json_object_ref (json_node_get_object (node));
}

static void reply_error (Request *r, guint status, const char *reason, const char *format, ...) G_GNUC_PRINTF (4, 5);

static void
reply_error (Request *r, guint status, const char *reason, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  reply_object (r, status, error_object (reason, message));
}

/* The storage or the disk failed: the details go to the log, not to the client. */
static void
reply_internal (Request *r, const GError *error)
{
  log_error ("internal", error);
  reply_error (r, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal", "The server failed; try again later.");
}

/* The request body, gunzipped when it says so; NULL (and a reply sent) when it
 * cannot be read. */
static GBytes *
request_body (Request *r, gsize max_size)
{
  g_autoptr(GBytes) bytes = soup_message_body_flatten (soup_server_message_get_request_body (r->msg));
  const char *encoding = soup_message_headers_get_one (request_headers (r), "Content-Encoding");
  g_autoptr(GError) error = NULL;
  GBytes *decoded;

  if (encoding == NULL || g_ascii_strcasecmp (encoding, "identity") == 0)
    return g_steal_pointer (&bytes);
  if (g_ascii_strcasecmp (encoding, "gzip") != 0)
    {
      reply_error (r, SOUP_STATUS_BAD_REQUEST, "bad-request",
                   "Content-Encoding “%s” is not supported; send gzip or nothing.", encoding);
      return NULL;
    }
  if ((decoded = motcua_protocol_gunzip (bytes, max_size, &error)) == NULL)
    reply_error (r, SOUP_STATUS_BAD_REQUEST, "bad-request", "%s", error->message);
  return decoded;
}

/* The request's JSON object; NULL (and a 400 sent) when it is not one. */
static JsonObject *
request_object (Request *r)
{
  g_autoptr(GBytes) body = request_body (r, MOTCUA_PROTOCOL_MAX_JSON_BODY);
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  if (body == NULL)
    return NULL;
  if ((object = motcua_protocol_parse_object (body, &error)) == NULL)
    reply_error (r, SOUP_STATUS_BAD_REQUEST, "bad-request", "The request body: %s", error->message);
  return object;
}

/* A whole number from the query string: @fallback when absent, FALSE (and a 400 sent)
 * when malformed or outside [@min, @max]. */
static gboolean
query_int (Request *r, const char *name, gint64 min, gint64 max, gint64 fallback, gint64 *value)
{
  const char *text = r->query ? g_hash_table_lookup (r->query, name) : NULL;

  *value = fallback;
  if (text == NULL || g_ascii_string_to_signed (text, 10, min, max, value, NULL))
    return TRUE;
  reply_error (r, SOUP_STATUS_BAD_REQUEST, "bad-request",
               "The parameter “%s” must be a whole number from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT ".",
               name, min, max);
  return FALSE;
}

static void
log_request (Request *r)
{
  g_autoptr(JsonObject) fields = json_object_new ();
  guint status = soup_server_message_get_status (r->msg);
  gint64 elapsed = g_get_monotonic_time () - r->started;

  json_object_set_string_member (fields, "method", soup_server_message_get_method (r->msg));
  json_object_set_string_member (fields, "path", r->path);
  json_object_set_int_member (fields, "status", status);
  /* Tenths of a millisecond are plenty, and keep the number short in the log. */
  json_object_set_double_member (fields, "ms", (double) (elapsed / 100) / 10.0);
  if (r->device != NULL)
    json_object_set_string_member (fields, "device", r->device->id);
  json_object_set_string_member (fields, "remote", soup_server_message_get_remote_host (r->msg));
  motcua_server_log (status >= 500 ? "error" : "info", "request", fields);
}

/* ---- authentication --------------------------------------------------------------- */

static gboolean
authenticate (Request *r)
{
  const char *header = soup_message_headers_get_one (request_headers (r), "Authorization");
  g_autoptr(GError) error = NULL;

  if (header != NULL && g_ascii_strncasecmp (header, "Bearer ", 7) == 0)
    {
      g_autofree char *token = g_strstrip (g_strdup (header + 7));
      g_autofree char *hash = sha256_hex (token);

      r->device = motcua_server_storage_get_device (r->self->storage, hash, &error);
    }
  if (r->device != NULL)
    return TRUE;
  if (error != NULL)
    {
      reply_internal (r, error);
      return FALSE;
    }
  soup_message_headers_replace (response_headers (r), "WWW-Authenticate", "Bearer");
  reply_error (r, SOUP_STATUS_UNAUTHORIZED, "unauthorized",
               header == NULL ? "No device token was given; enrol the workstation first."
                              : "The device token is unknown or revoked.");
  return FALSE;
}

/* ---- GET /v1/health ----------------------------------------------------------------- */

static void
handle_health (Request *r)
{
  JsonObject *object = json_object_new ();
  g_autoptr(GDateTime) now = motcua_time_now (NULL);
  g_autofree char *time = motcua_time_format (now);

  json_object_set_string_member (object, "server", "motcua-server");
  json_object_set_int_member (object, "protocol", MOTCUA_PROTOCOL_VERSION);
  json_object_set_string_member (object, "version", PACKAGE_VERSION);
  json_object_set_string_member (object, "time", time);
  reply_object (r, SOUP_STATUS_OK, object);
}

/* ---- POST /v1/enrol -------------------------------------------------------------- */

static JsonObject *
agency_object (const MotcuaServerAgency *agency)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "code", agency->code);
  json_object_set_string_member (object, "name", agency->name);
  if (agency->address != NULL)
    json_object_set_string_member (object, "address", agency->address);
  else
    json_object_set_null_member (object, "address");
  return object;
}

static void
log_enrolment (const MotcuaServerDevice *device)
{
  g_autoptr(JsonObject) fields = json_object_new ();

  json_object_set_string_member (fields, "device", device->id);
  json_object_set_string_member (fields, "device_name", device->name);
  json_object_set_string_member (fields, "agency", device->agency_code);
  motcua_server_log ("info", "enrolled", fields);
}

/* Trades a valid code for a new device and its token, or replies why not. */
static MotcuaServerDevice *
enrol (Request *r, const char *code, const char *device_name, char **token)
{
  g_autoptr(GDateTime) now = motcua_time_now (NULL);
  g_autofree char *normal = motcua_protocol_normalize_enrolment_code (code);
  g_autofree char *code_hash = sha256_hex (normal);
  g_autofree char *token_hash = NULL;
  g_autofree char *id = motcua_uuid_new (now);
  MotcuaServerDevice device = { .id = id, .name = (char *) device_name };
  g_autoptr(GError) error = NULL;
  MotcuaServerDevice *enrolled;

  if ((*token = new_token (&error)) == NULL)
    {
      reply_internal (r, error);
      return NULL;
    }
  token_hash = sha256_hex (*token);
  enrolled = motcua_server_storage_enrol_device (r->self->storage, code_hash, &device, token_hash, now, &error);
  if (enrolled == NULL && g_error_matches (error, MOTCUA_SERVER_STORAGE_ERROR, MOTCUA_SERVER_STORAGE_ERROR_NOT_FOUND))
    reply_error (r, SOUP_STATUS_FORBIDDEN, "enrolment-code-invalid",
                 "The enrolment code is unknown, already used or expired.");
  else if (enrolled == NULL)
    reply_internal (r, error);
  return enrolled;
}

static void
handle_enrol (Request *r)
{
  g_autoptr(JsonObject) request = request_object (r);
  g_autoptr(MotcuaServerDevice) device = NULL;
  g_autoptr(MotcuaServerAgency) agency = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  const char *code, *device_name;
  JsonObject *object;

  if (request == NULL)
    return;
  code = member_string (request, "code");
  device_name = member_string (request, "device_name");
  if (code == NULL || device_name == NULL || *device_name == '\0')
    {
      reply_error (r, SOUP_STATUS_BAD_REQUEST, "bad-request", "Enrolment needs “code” and “device_name”.");
      return;
    }
  if ((device = enrol (r, code, device_name, &token)) == NULL)
    return;
  if ((agency = motcua_server_storage_get_agency (r->self->storage, device->agency_code, &error)) == NULL)
    {
      if (error == NULL)
        g_set_error (&error, MOTCUA_SERVER_STORAGE_ERROR, MOTCUA_SERVER_STORAGE_ERROR_NOT_FOUND,
                     "Agency %s of a new device vanished.", device->agency_code);
      reply_internal (r, error);
      return;
    }
  r->device = g_steal_pointer (&device);
  log_enrolment (r->device);

  object = json_object_new ();
  json_object_set_string_member (object, "device_id", r->device->id);
  json_object_set_string_member (object, "token", token);
  json_object_set_object_member (object, "agency", agency_object (agency));
  reply_object (r, SOUP_STATUS_CREATED, object);
}

/* ---- POST /v1/events ------------------------------------------------------------------ */

/* One pushed event on its way through the checks of protocol.md, in their order. */
typedef struct {
  MotcuaServer       *self;
  MotcuaServerDevice *device;
  GHashTable         *folds;      /* dossier uid → fold after this batch's accepted events */
  GHashTable         *waiting;    /* dossier uids with an event told to retry in this batch */
  MotcuaEvent        *event;
  JsonObject         *payload;
  gboolean            creates;
  MotcuaServerHead   *head;       /* the server's head of the dossier, NULL for a new one */
  MotcuaDossier      *dossier;    /* the server's fold, this event applied */
  MotcuaPushResult   *result;
  GError             *error;      /* the storage failed: the whole request fails */
} Push;

static gboolean settle (Push *p, MotcuaPushOutcome outcome, const char *reason, const char *format, ...) G_GNUC_PRINTF (4, 5);

/* Gives the event its answer; FALSE, so that a check can end with `return settle (…)`. */
static gboolean
settle (Push *p, MotcuaPushOutcome outcome, const char *reason, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  if (outcome == MOTCUA_PUSH_RETRY)
    g_hash_table_add (p->waiting, g_strdup (p->event->dossier_uid));
  p->result->outcome = outcome;
  p->result->reason = g_strdup (reason);
  p->result->message = g_strdup_vprintf (format, args);
  va_end (args);
  return FALSE;
}

static gboolean
accept_event (Push *p, gint64 server_seq)
{
  p->result->outcome = MOTCUA_PUSH_ACCEPTED;
  p->result->server_seq = server_seq;
  return FALSE;
}

/* How a message names the dossier: its code when known. */
static const char *
dossier_name (Push *p)
{
  const char *code = p->head ? p->head->code : member_string (p->payload, "code");

  return code ? code : p->event->dossier_uid;
}

static gboolean
check_idempotence (Push *p)
{
  g_autoptr(MotcuaServerOp) op = motcua_server_storage_get_op (p->self->storage, p->event->op_id, &p->error);

  if (op == NULL)
    return p->error == NULL;
  if (g_strcmp0 (op->agency_code, p->device->agency_code) != 0)
    return settle (p, MOTCUA_PUSH_REJECTED, "wrong-agency",
                   "Operation %s belongs to another agency.", p->event->op_id);
  if (g_strcmp0 (op->hash, p->event->hash) != 0)
    return settle (p, MOTCUA_PUSH_REJECTED, "op-id-reused",
                   "Operation %s was already stored with a different content.", p->event->op_id);
  return accept_event (p, op->server_seq);
}

static gboolean
check_integrity (Push *p)
{
  g_autofree char *hash = motcua_event_compute_hash (p->event);

  if (g_strcmp0 (hash, p->event->hash) == 0)
    return TRUE;
  return settle (p, MOTCUA_PUSH_REJECTED, "hash",
                 "Event %" G_GINT64_FORMAT " of dossier %s does not match its hash: it was altered.",
                 p->event->seq, dossier_name (p));
}

static gboolean
check_creation_chain (Push *p)
{
  if (p->head != NULL)
    return settle (p, MOTCUA_PUSH_REJECTED, "duplicate-dossier",
                   "Dossier %s already exists on the server.", dossier_name (p));
  if (p->event->seq != 1 || g_strcmp0 (p->event->prev_hash, MOTCUA_EVENT_GENESIS_HASH) != 0)
    return settle (p, MOTCUA_PUSH_REJECTED, "chain",
                   "The event creating dossier %s must be its first (seq 1, genesis prev_hash).",
                   dossier_name (p));
  return TRUE;
}

static gboolean
check_chain (Push *p)
{
  p->head = motcua_server_storage_get_head (p->self->storage, p->event->dossier_uid, &p->error);
  if (p->error != NULL)
    return FALSE;
  if (p->creates)
    return check_creation_chain (p);
  if (p->head == NULL)
    return settle (p, MOTCUA_PUSH_REJECTED, "unknown-dossier",
                   "Dossier %s is unknown to the server.", p->event->dossier_uid);
  /* Before anything that would tell another agency about the dossier. */
  if (g_strcmp0 (p->head->agency_code, p->device->agency_code) != 0)
    return settle (p, MOTCUA_PUSH_REJECTED, "wrong-agency",
                   "Dossier %s belongs to another agency.", p->event->dossier_uid);
  if (p->event->seq <= p->head->seq)
    return settle (p, MOTCUA_PUSH_REJECTED, "conflict",
                   "Dossier %s already has event %" G_GINT64_FORMAT " from another workstation.",
                   dossier_name (p), p->event->seq);
  if (p->event->seq != p->head->seq + 1 || g_strcmp0 (p->event->prev_hash, p->head->hash) != 0)
    return settle (p, MOTCUA_PUSH_REJECTED, "chain",
                   "Event %" G_GINT64_FORMAT " of dossier %s does not follow the server's event %" G_GINT64_FORMAT ".",
                   p->event->seq, dossier_name (p), p->head->seq);
  return TRUE;
}

/* The server's fold of the dossier before this event: the one this batch left, or a
 * fresh fold of the stored journal. NULL with p->error when the journal will not fold. */
static MotcuaDossier *
fold_stored (Push *p)
{
  MotcuaDossier *cached = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(MotcuaDossier) dossier = motcua_dossier_new ();

  if (p->creates)
    return g_steal_pointer (&dossier);
  if (g_hash_table_steal_extended (p->folds, p->event->dossier_uid, NULL, (gpointer *) &cached)
      && motcua_dossier_get_event_count (cached) == (guint) p->head->seq)
    return cached;
  g_clear_object (&cached);

  events = motcua_server_storage_get_dossier_events (p->self->storage, p->event->dossier_uid, &p->error);
  for (guint i = 0; events != NULL && i < events->len; i++)
    {
      MotcuaEvent *event = g_ptr_array_index (events, i);
      g_autoptr(JsonObject) payload = motcua_event_parse_payload (event, &p->error);

      if (payload == NULL || !motcua_dossier_apply (dossier, event, payload, &p->error))
        {
          g_prefix_error (&p->error, "The stored journal of dossier %s does not fold: ", dossier_name (p));
          return NULL;
        }
    }
  return events != NULL ? g_steal_pointer (&dossier) : NULL;
}

/* The action the transition table judges: a creation at the counter is a reception;
 * an online submission (by the portal) is judged by no one. */
static gboolean
event_action (Push *p, MotcuaAction *action, gboolean *judged)
{
  *judged = !g_str_equal (p->event->kind, "create-submitted");
  if (p->creates)
    {
      *action = MOTCUA_ACTION_RECEIVE;
      return TRUE;
    }
  return motcua_action_from_string (p->event->kind, action);
}

static gboolean
check_workflow (Push *p)
{
  g_autoptr(GDateTime) at = motcua_time_parse (p->event->confirmed_at, NULL);
  MotcuaWorkflowState state = { .status = MOTCUA_STATUS_SUBMITTED };
  g_autoptr(GError) refusal = NULL;
  MotcuaAction action;
  MotcuaRole role;
  gboolean judged;

  if (at == NULL)
    return settle (p, MOTCUA_PUSH_REJECTED, "invalid", "“%s” is not a time.", p->event->confirmed_at);
  if (!event_action (p, &action, &judged))
    return settle (p, MOTCUA_PUSH_REJECTED, "invalid", "“%s” is not a kind of event.", p->event->kind);
  if ((p->dossier = fold_stored (p)) == NULL)
    return FALSE;
  if (!p->creates)
    motcua_dossier_get_workflow_state (p->dossier, &state);
  if (judged && !motcua_role_from_string (p->event->actor_role, &role))
    return settle (p, MOTCUA_PUSH_REJECTED, "workflow", "“%s” is not a role.", p->event->actor_role);
  if (judged && !motcua_workflow_check (&state, action, role, at, &refusal))
    return settle (p, MOTCUA_PUSH_REJECTED, "workflow", "%s", refusal->message);
  if (!motcua_dossier_apply (p->dossier, p->event, p->payload, &refusal))
    return settle (p, MOTCUA_PUSH_REJECTED, "invalid", "%s", refusal->message);
  return TRUE;
}

/* An approval's signature must verify against the server's trust anchors (admin
 * trust-add); a server without anchors takes unsigned approvals (docs/signatures.md). */
static gboolean
check_signature (Push *p)
{
  g_autoptr(MotcuaTrust) trust = motcua_trust_new ();
  g_autoptr(MotcuaVerdict) verdict = NULL;
  g_autofree char *pem = NULL;

  if (!g_str_equal (p->event->kind, "approve"))
    return TRUE;
  pem = motcua_server_storage_get_setting (p->self->storage, MOTCUA_SERVER_TRUST_SETTING, &p->error);
  if (p->error != NULL)
    return FALSE;
  if (pem != NULL && !motcua_trust_add_pem (trust, pem, strlen (pem), &p->error))
    return FALSE;
  verdict = motcua_approval_verify_event (trust, p->event, motcua_dossier_get_code (p->dossier));
  if (verdict->status == MOTCUA_VERDICT_VALID
      || (motcua_trust_get_n_anchors (trust) == 0
          && (verdict->status == MOTCUA_VERDICT_UNSIGNED || verdict->status == MOTCUA_VERDICT_NOT_CHECKED)))
    return TRUE;
  if (verdict->status == MOTCUA_VERDICT_UNSIGNED)
    return settle (p, MOTCUA_PUSH_REJECTED, "signature",
                   "The approval of dossier %s is not signed; this server requires signed approvals.",
                   dossier_name (p));
  return settle (p, MOTCUA_PUSH_REJECTED, "signature", "The approval of dossier %s does not verify (%s): %s",
                 dossier_name (p), motcua_verdict_status_to_string (verdict->status), verdict->message);
}

static gboolean
check_code (Push *p)
{
  const char *agency = motcua_dossier_get_agency_code (p->dossier);
  const char *code = motcua_dossier_get_code (p->dossier);
  gboolean taken = FALSE;

  if (!p->creates)
    return TRUE;
  if (g_strcmp0 (agency, p->device->agency_code) != 0)
    return settle (p, MOTCUA_PUSH_REJECTED, "wrong-agency",
                   "Dossier %s belongs to agency %s, not to this device's %s.",
                   dossier_name (p), agency ? agency : "(none)", p->device->agency_code);
  if (code == NULL || *code == '\0')
    return settle (p, MOTCUA_PUSH_REJECTED, "invalid", "The event creating dossier %s has no code.",
                   p->event->dossier_uid);
  if (!motcua_server_storage_code_taken (p->self->storage, agency, code, &taken, &p->error))
    return FALSE;
  if (taken)
    return settle (p, MOTCUA_PUSH_REJECTED, "duplicate-code",
                   "Another dossier of the agency already has the code %s.", code);
  return TRUE;
}

static gboolean
check_blobs (Push *p)
{
  g_auto(GStrv) cited = motcua_protocol_payload_blobs (p->payload);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) missing = NULL;

  for (guint i = 0; cited[i] != NULL; i++)
    {
      gboolean found = FALSE;
      gint64 size;

      if (!motcua_protocol_is_sha256 (cited[i]))
        return settle (p, MOTCUA_PUSH_REJECTED, "invalid", "“%s” is not the SHA-256 of an attachment.", cited[i]);
      if (!motcua_server_storage_get_blob (p->self->storage, cited[i], &size, &found, &p->error))
        return FALSE;
      if (!found)
        g_strv_builder_add (builder, cited[i]);
    }
  missing = g_strv_builder_end (builder);
  if (missing[0] == NULL)
    return TRUE;
  settle (p, MOTCUA_PUSH_RETRY, "missing-blob", "Attachment %s%s has not been uploaded.",
          missing[0], missing[1] ? " (and others)" : "");
  p->result->blobs = g_steal_pointer (&missing);
  return FALSE;
}

static gboolean
store_event (Push *p)
{
  MotcuaServerHead head = {
    .dossier_uid = p->event->dossier_uid,
    .agency_code = p->creates ? p->device->agency_code : p->head->agency_code,
    .code = (char *) motcua_dossier_get_code (p->dossier),
    .seq = p->event->seq,
    .hash = p->event->hash,
  };
  gint64 server_seq = motcua_server_storage_append_event (p->self->storage, &head, p->event, p->device->id, &p->error);

  if (server_seq == 0)
    return FALSE;
  /* The fold now matches the stored journal: the batch's next event of it starts here. */
  g_hash_table_replace (p->folds, g_strdup (p->event->dossier_uid), g_steal_pointer (&p->dossier));
  return accept_event (p, server_seq);
}

/* A later event of a dossier whose earlier one must wait cannot chain yet; it waits
 * too, rather than being refused for a gap that is not its fault. */
static gboolean
check_not_waiting (Push *p)
{
  if (!g_hash_table_contains (p->waiting, p->event->dossier_uid))
    return TRUE;
  return settle (p, MOTCUA_PUSH_RETRY, "waiting", "An earlier event of dossier %s waits for its attachments.",
                 dossier_name (p));
}

typedef gboolean (*PushCheck) (Push *p);

static const PushCheck push_checks[] = {
  check_idempotence, check_not_waiting, check_integrity, check_chain, check_workflow, check_signature,
  check_code, check_blobs,
  store_event,
};

/* Runs the checks until one settles the event; NULL when the storage failed. */
static MotcuaPushResult *
push_one (Push *p, MotcuaEvent *event, JsonObject *payload, GError **error)
{
  p->event = event;
  p->payload = payload;
  p->creates = g_str_has_prefix (event->kind, "create-");
  p->result = g_new0 (MotcuaPushResult, 1);
  p->result->op_id = g_strdup (event->op_id);

  for (guint i = 0; i < G_N_ELEMENTS (push_checks) && push_checks[i] (p); i++)
    ;
  g_clear_pointer (&p->head, motcua_server_head_free);
  g_clear_object (&p->dossier);
  if (p->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&p->error));
      g_clear_pointer (&p->result, motcua_push_result_free);
    }
  return g_steal_pointer (&p->result);
}

/* The events of a push request, each with its payload object; NULL (and a reply
 * sent) when the request is not what protocol.md describes. */
static gboolean
read_events (Request *r, GPtrArray *events, GPtrArray *payloads)
{
  g_autoptr(JsonObject) request = request_object (r);
  JsonNode *node = request ? json_object_get_member (request, "events") : NULL;
  JsonArray *array;

  if (request == NULL)
    return FALSE;
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      reply_error (r, SOUP_STATUS_BAD_REQUEST, "bad-request", "A push needs an array “events”.");
      return FALSE;
    }
  array = json_node_get_array (node);
  if (json_array_get_length (array) > MOTCUA_PROTOCOL_MAX_BATCH)
    {
      reply_error (r, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too-large",
                   "A push holds at most %d events, not %u.", MOTCUA_PROTOCOL_MAX_BATCH, json_array_get_length (array));
      return FALSE;
    }
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autoptr(GError) error = NULL;
      JsonObject *payload = NULL;
      MotcuaEvent *event = motcua_protocol_event_from_json (json_array_get_element (array, i), &payload, &error);

      if (event == NULL)
        {
          reply_error (r, SOUP_STATUS_BAD_REQUEST, "bad-request", "Event %u: %s", i, error->message);
          return FALSE;
        }
      g_ptr_array_add (events, event);
      g_ptr_array_add (payloads, payload);
    }
  return TRUE;
}

static void
log_push (Request *r, guint n_events, const guint *counts, GPtrArray *results)
{
  g_autoptr(JsonObject) fields = json_object_new ();

  for (guint i = 0; i < results->len; i++)
    {
      MotcuaPushResult *result = g_ptr_array_index (results, i);
      g_autoptr(JsonObject) rejection = NULL;

      if (result->outcome == MOTCUA_PUSH_ACCEPTED)
        continue;
      rejection = json_object_new ();
      json_object_set_string_member (rejection, "device", r->device->id);
      json_object_set_string_member (rejection, "op_id", result->op_id);
      json_object_set_string_member (rejection, "reason", result->reason);
      json_object_set_string_member (rejection, "message", result->message);
      motcua_server_log ("warning", result->outcome == MOTCUA_PUSH_RETRY ? "retry" : "rejected", rejection);
    }
  json_object_set_string_member (fields, "device", r->device->id);
  json_object_set_string_member (fields, "agency", r->device->agency_code);
  json_object_set_int_member (fields, "events", n_events);
  json_object_set_int_member (fields, "accepted", counts[MOTCUA_PUSH_ACCEPTED]);
  json_object_set_int_member (fields, "rejected", counts[MOTCUA_PUSH_REJECTED]);
  json_object_set_int_member (fields, "retry", counts[MOTCUA_PUSH_RETRY]);
  motcua_server_log ("info", "push", fields);
}

static void
handle_push (Request *r)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) motcua_event_free);
  g_autoptr(GPtrArray) payloads = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) motcua_push_result_free);
  g_autoptr(GHashTable) folds = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  g_autoptr(GHashTable) waiting = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  Push push = { .self = r->self, .device = r->device, .folds = folds, .waiting = waiting };
  JsonArray *array;
  JsonObject *object;
  guint counts[3] = { 0 };

  if (!read_events (r, events, payloads))
    return;
  for (guint i = 0; i < events->len; i++)
    {
      g_autoptr(GError) error = NULL;
      MotcuaPushResult *result = push_one (&push, g_ptr_array_index (events, i), g_ptr_array_index (payloads, i), &error);

      /* What was stored stays stored; the client repeats the request and gets the same
       * answers for it (pushes are idempotent). */
      if (result == NULL)
        {
          reply_internal (r, error);
          return;
        }
      counts[result->outcome]++;
      g_ptr_array_add (results, result);
    }
  log_push (r, events->len, counts, results);

  array = json_array_sized_new (results->len);
  for (guint i = 0; i < results->len; i++)
    json_array_add_element (array, motcua_protocol_push_result_to_json (g_ptr_array_index (results, i)));
  object = json_object_new ();
  json_object_set_array_member (object, "results", array);
  reply_object (r, SOUP_STATUS_OK, object);
}

/* ---- GET /v1/feed --------------------------------------------------------------------- */

/* A page of a thousand events takes tens of milliseconds to read and write out; on the
 * main loop, every push waited behind every page. So pages are read (through the
 * storage's read_feed, which any thread may call) and written out on FEED_THREADS
 * threads while the message waits paused, and answered back on the main loop. */
typedef struct {
  MotcuaServer        *self;          /* no reference: dispose waits for every job */
  MotcuaServerStorage *storage;
  SoupServerMessage   *msg;
  char                *path;
  MotcuaServerDevice  *device;
  gint64               started;
  gint64               since;
  gint64               limit;
  gboolean             others;
  gboolean             gzip;          /* the client accepts it */
  gulong               disconnected_id;
  gboolean             disconnected;  /* the client left: there is no one to answer */

  /* the worker's answer: a body, or an error */
  GBytes              *body;
  gboolean             gzipped;
  GError              *error;
} FeedJob;

static void
feed_job_free (FeedJob *job)
{
  g_clear_signal_handler (&job->disconnected_id, job->msg);
  g_object_unref (job->msg);
  g_object_unref (job->storage);
  g_free (job->path);
  motcua_server_device_free (job->device);
  g_clear_pointer (&job->body, g_bytes_unref);
  g_clear_error (&job->error);
  g_free (job);
}

/* @value as json-glib writes it, so that the page is byte for byte what a JsonGenerator
 * gave before: plain ASCII is copied, anything else goes through json-glib itself. */
static void
append_json_string (GString *out, const char *value)
{
  const guchar *p;

  if (value == NULL)
    {
      g_string_append (out, "null");
      return;
    }
  for (p = (const guchar *) value; *p != '\0'; p++)
    if (*p < 0x20 || *p > 0x7e || *p == '"' || *p == '\\' || *p == '/')
      break;
  if (*p == '\0')
    {
      g_string_append_c (out, '"');
      g_string_append (out, value);
      g_string_append_c (out, '"');
    }
  else
    {
      g_autoptr(JsonNode) node = json_node_init_string (json_node_alloc (), value);
      g_autofree char *text = json_to_string (node, FALSE);

      g_string_append (out, text);
    }
}

static void
append_string_member (GString *out, const char *name, const char *value)
{
  g_string_append_printf (out, ",\"%s\":", name);
  append_json_string (out, value);
}

/* What motcua_protocol_event_to_json() and a JsonGenerator give, members in the same
 * order, without parsing the payload again: it is stored as json-glib wrote it when it
 * was pushed, the very text the hash covers, which parsing and writing it out again
 * would only give back. */
static void
append_event (GString *out, const MotcuaEvent *event)
{
  g_string_append (out, "{\"op_id\":");
  append_json_string (out, event->op_id);
  append_string_member (out, "dossier_uid", event->dossier_uid);
  g_string_append_printf (out, ",\"seq\":%" G_GINT64_FORMAT, event->seq);
  append_string_member (out, "actor", event->actor);
  append_string_member (out, "actor_role", event->actor_role);
  append_string_member (out, "confirmed_at", event->confirmed_at);
  append_string_member (out, "kind", event->kind);
  g_string_append_printf (out, ",\"payload\":%s", event->payload != NULL ? event->payload : "null");
  append_string_member (out, "prev_hash", event->prev_hash);
  append_string_member (out, "hash", event->hash);
  if (event->signature != NULL && g_bytes_get_size (event->signature) > 0)
    {
      g_autofree char *base64 = g_base64_encode (g_bytes_get_data (event->signature, NULL),
                                                 g_bytes_get_size (event->signature));

      append_string_member (out, "signature", base64);
    }
  else
    g_string_append (out, ",\"signature\":null");
  if (event->server_seq > 0)
    g_string_append_printf (out, ",\"server_seq\":%" G_GINT64_FORMAT, event->server_seq);
  g_string_append_c (out, '}');
}

static GBytes *
feed_page_text (GPtrArray *events, gint64 next, gboolean more)
{
  GString *out = g_string_sized_new (64 + events->len * 768);

  g_string_append (out, "{\"events\":[");
  for (guint i = 0; i < events->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      append_event (out, g_ptr_array_index (events, i));
    }
  g_string_append_printf (out, "],\"next\":%" G_GINT64_FORMAT ",\"more\":%s}", next, more ? "true" : "false");
  return g_string_free_to_bytes (out);
}

/* gzip at FEED_GZIP_LEVEL; NULL (send it as it is) should the compressor fail. */
static GBytes *
gzip_fast (GBytes *data)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, FEED_GZIP_LEVEL);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) out = g_converter_output_stream_new (memory, G_CONVERTER (compressor));

  if (!g_output_stream_write_all (out, g_bytes_get_data (data, NULL), g_bytes_get_size (data), NULL, NULL, NULL)
      || !g_output_stream_close (out, NULL, NULL))
    return NULL;
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

/* On a worker thread: only the job, the storage's read_feed and thread-safe tools. */
static void
build_feed_page (FeedJob *job)
{
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GBytes) compressed = NULL;
  gint64 read_to = 0;
  gint64 next = job->since;
  gboolean more;

  /* One more than asked says whether there is more without a second query. */
  events = motcua_server_storage_read_feed (job->storage, job->device->agency_code, job->since, job->limit + 1,
                                            job->others ? job->device->id : NULL, &read_to, &job->error);
  if (events == NULL)
    return;
  more = events->len > job->limit;
  if (more)
    g_ptr_array_set_size (events, job->limit);
  if (events->len > 0)
    next = ((MotcuaEvent *) g_ptr_array_index (events, events->len - 1))->server_seq;
  /* The last page moves the cursor past the asker's own events left out at its end. */
  if (!more)
    next = MAX (next, read_to);
  job->body = feed_page_text (events, next, more);
  if (job->gzip && g_bytes_get_size (job->body) > GZIP_THRESHOLD && (compressed = gzip_fast (job->body)) != NULL)
    {
      g_bytes_unref (job->body);
      job->body = g_steal_pointer (&compressed);
      job->gzipped = TRUE;
    }
}

/* Back on the main loop: answers, lets the message go on, and logs it. */
static gboolean
finish_feed_job (gpointer data)
{
  FeedJob *job = data;
  Request r = {
    .self = job->self, .msg = job->msg, .path = job->path, .device = job->device, .started = job->started,
  };

  if (!job->disconnected)
    {
      if (job->body != NULL)
        set_body (&r, SOUP_STATUS_OK, "application/json", job->body, job->gzipped);
      else
        reply_internal (&r, job->error);
      soup_server_message_unpause (job->msg);
      log_request (&r);
    }
  job->self->n_feed_jobs--;
  feed_job_free (job);
  return G_SOURCE_REMOVE;
}

static void
run_feed_job (gpointer data, gpointer user_data)
{
  FeedJob *job = data;
  MotcuaServer *self = user_data;

  /* A page still queued when the server stops is not worth reading. */
  if (!g_cancellable_set_error_if_cancelled (self->stopping, &job->error))
    build_feed_page (job);
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, finish_feed_job, job, NULL);
}

static void
on_feed_disconnected (SoupServerMessage *msg, FeedJob *job)
{
  job->disconnected = TRUE;
}

/* Lets the pages being built finish and answers them (their clients are gone with the
 * server's connections, so that is only freeing them): no thread outlives the server. */
static void
stop_feed_pool (MotcuaServer *self)
{
  if (self->feed_pool == NULL)
    return;
  g_cancellable_cancel (self->stopping);
  g_thread_pool_free (g_steal_pointer (&self->feed_pool), FALSE, TRUE);
  /* Every answer is waiting in the main context now; the loop is not running. */
  while (self->n_feed_jobs > 0)
    g_main_context_iteration (self->context, FALSE);
}

static void
handle_feed (Request *r)
{
  FeedJob *job;
  gint64 since, limit;

  if (!query_int (r, "since", 0, G_MAXINT64, 0, &since)
      || !query_int (r, "limit", 1, G_MAXINT32, MOTCUA_PROTOCOL_FEED_LIMIT, &limit))
    return;
  job = g_new0 (FeedJob, 1);
  job->self = r->self;
  job->storage = g_object_ref (r->self->storage);
  job->msg = g_object_ref (r->msg);
  job->path = g_strdup (r->path);
  job->device = g_steal_pointer (&r->device);
  job->started = r->started;
  job->since = since;
  job->limit = MIN (limit, MOTCUA_PROTOCOL_MAX_FEED_LIMIT);
  /* "others=true": a workstation learnt its own events' sequence numbers from the push
   * answers; on a slow link it need not download them again. */
  job->others = r->query != NULL && g_strcmp0 (g_hash_table_lookup (r->query, "others"), "true") == 0;
  job->gzip = accepts_gzip (r);
  job->disconnected_id = g_signal_connect (r->msg, "disconnected", G_CALLBACK (on_feed_disconnected), job);

  soup_server_message_pause (r->msg);
  r->deferred = TRUE;
  r->self->n_feed_jobs++;
  g_thread_pool_push (r->self->feed_pool, job, NULL);
}

/* ---- blobs ------------------------------------------------------------------------------- */

static char *
blob_path (MotcuaServer *self, const char *sha256)
{
  g_autofree char *fan = g_strndup (sha256, 2);

  return g_build_filename (self->blob_dir, fan, sha256, NULL);
}

static char *
upload_path (MotcuaServer *self, const char *sha256)
{
  g_autofree char *name = g_strconcat (sha256, ".part", NULL);

  return g_build_filename (self->upload_dir, name, NULL);
}

/* Bytes already received of an unfinished upload. */
static gint64
upload_offset (MotcuaServer *self, const char *sha256)
{
  g_autofree char *path = upload_path (self, sha256);
  GStatBuf info;

  return g_stat (path, &info) == 0 ? (gint64) info.st_size : 0;
}

/* The SHA-256 the path names; NULL (and a 400 sent) when it is not one. */
static const char *
blob_name (Request *r)
{
  const char *sha256 = r->path + strlen (BLOBS_PREFIX);

  if (motcua_protocol_is_sha256 (sha256))
    return sha256;
  reply_error (r, SOUP_STATUS_BAD_REQUEST, "bad-request",
               "“%s” is not a blob name (64 lower-case hexadecimal digits).", sha256);
  return NULL;
}

/* Whether the whole blob is stored; FALSE (and a 500 sent) when the storage failed. */
static gboolean
lookup_blob (Request *r, const char *sha256, gboolean *found, gint64 *size)
{
  g_autoptr(GError) error = NULL;

  if (motcua_server_storage_get_blob (r->self->storage, sha256, size, found, &error))
    return TRUE;
  reply_internal (r, error);
  return FALSE;
}

static void
set_upload_offset (Request *r, gint64 offset)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, offset);

  soup_message_headers_replace (response_headers (r), "Upload-Offset", text);
}

static void
handle_blob_head (Request *r)
{
  const char *sha256 = blob_name (r);
  gboolean found = FALSE;
  gint64 size = 0;

  if (sha256 == NULL || !lookup_blob (r, sha256, &found, &size))
    return;
  if (found)
    {
      soup_server_message_set_status (r->msg, SOUP_STATUS_OK, NULL);
      soup_message_headers_set_content_length (response_headers (r), size);
      soup_message_headers_replace (response_headers (r), "Accept-Ranges", "bytes");
      return;
    }
  set_upload_offset (r, upload_offset (r->self, sha256));
  soup_server_message_set_status (r->msg, SOUP_STATUS_NOT_FOUND, NULL);
}

static gboolean
set_errno_error (GError **error, const char *what, const char *path)
{
  int saved_errno = errno;

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "Cannot %s %s: %s",
               what, path, g_strerror (saved_errno));
  return FALSE;
}

static gboolean
write_all (int fd, const guint8 *data, gsize length)
{
  while (length > 0)
    {
      ssize_t n = write (fd, data, length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return FALSE;
      data += n;
      length -= n;
    }
  return TRUE;
}

/* Appends @chunk to the unfinished upload and syncs it: a chunk answered is a chunk kept. */
static gboolean
append_chunk (const char *path, GBytes *chunk, GError **error)
{
  int fd = g_open (path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  gsize length;
  const guint8 *data = g_bytes_get_data (chunk, &length);
  gboolean ok;

  if (fd < 0)
    return set_errno_error (error, "open", path);
  ok = write_all (fd, data, length) && fsync (fd) == 0;
  if (!ok)
    set_errno_error (error, "write", path);
  close (fd);
  return ok;
}

static char *
hash_file (const char *path, GError **error)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *buffer = g_malloc (256 * 1024);
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  ssize_t n;

  if (fd < 0)
    {
      set_errno_error (error, "open", path);
      return NULL;
    }
  while ((n = read (fd, buffer, 256 * 1024)) > 0 || (n < 0 && errno == EINTR))
    if (n > 0)
      g_checksum_update (checksum, buffer, n);
  if (n < 0)
    set_errno_error (error, "read", path);
  close (fd);
  return n == 0 ? g_strdup (g_checksum_get_string (checksum)) : NULL;
}

static gboolean
sync_directory (const char *path, GError **error)
{
  int fd = g_open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  gboolean ok;

  if (fd < 0)
    return set_errno_error (error, "open", path);
  ok = fsync (fd) == 0 || set_errno_error (error, "sync", path);
  close (fd);
  return ok;
}

/* Moves a checked upload to its place among the complete blobs, durably, then tells
 * the storage: a blob it knows is always a whole file. */
static gboolean
install_blob (MotcuaServer *self, const char *sha256, const char *part, gint64 size, GError **error)
{
  g_autofree char *path = blob_path (self, sha256);
  g_autofree char *dir = g_path_get_dirname (path);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    return set_errno_error (error, "create", dir);
  if (g_rename (part, path) != 0)
    return set_errno_error (error, "move the upload to", path);
  return sync_directory (dir, error)
         && motcua_server_storage_add_blob (self->storage, sha256, size, error);
}

static void
reply_blob_stored (Request *r, guint status, const char *sha256, gint64 size)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "sha256", sha256);
  json_object_set_int_member (object, "size", size);
  reply_object (r, status, object);
}

static void
log_blob (Request *r, const char *sha256, gint64 size)
{
  g_autoptr(JsonObject) fields = json_object_new ();

  json_object_set_string_member (fields, "device", r->device->id);
  json_object_set_string_member (fields, "sha256", sha256);
  json_object_set_int_member (fields, "size", size);
  motcua_server_log ("info", "blob", fields);
}

/* The last byte is in: keep the blob if its bytes hash to its name, else drop them. */
static void
complete_upload (Request *r, const char *sha256, gint64 total)
{
  g_autofree char *part = upload_path (r->self, sha256);
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = hash_file (part, &error);

  if (hash == NULL)
    reply_internal (r, error);
  else if (!g_str_equal (hash, sha256))
    {
      g_unlink (part);
      reply_error (r, SOUP_STATUS_UNPROCESSABLE_ENTITY, "hash-mismatch",
                   "The bytes received hash to %s, not to %s; upload the blob again from 0.", hash, sha256);
    }
  else if (!install_blob (r->self, sha256, part, total, &error))
    reply_internal (r, error);
  else
    {
      log_blob (r, sha256, total);
      reply_blob_stored (r, SOUP_STATUS_CREATED, sha256, total);
    }
}

/* Where the chunk goes: "bytes START-END/TOTAL", or the whole blob without the header.
 * FALSE (and a 400 sent) when the header is malformed or does not fit the body. */
static gboolean
chunk_range (Request *r, gsize length, gint64 *start, gint64 *total, gboolean *whole)
{
  SoupMessageHeaders *headers = request_headers (r);
  goffset range_start, range_end, range_total;

  *whole = soup_message_headers_get_one (headers, "Content-Range") == NULL;
  if (*whole)
    {
      *start = 0;
      *total = length;
      return TRUE;
    }
  if (soup_message_headers_get_content_range (headers, &range_start, &range_end, &range_total)
      && range_total >= 0 && range_start <= range_end && range_end < range_total
      && (gsize) (range_end - range_start + 1) == length)
    {
      *start = range_start;
      *total = range_total;
      return TRUE;
    }
  reply_error (r, SOUP_STATUS_BAD_REQUEST, "bad-request",
               "Content-Range must be “bytes START-END/TOTAL” and match the %" G_GSIZE_FORMAT " bytes sent.", length);
  return FALSE;
}

static void
reply_range_mismatch (Request *r, gint64 offset)
{
  JsonObject *object = error_object ("range-mismatch", "The chunk does not start where the server's copy ends.");

  json_object_set_int_member (object, "offset", offset);
  set_upload_offset (r, offset);
  reply_object (r, SOUP_STATUS_CONFLICT, object);
}

static void
handle_blob_put (Request *r)
{
  const char *sha256 = blob_name (r);
  g_autofree char *part = NULL;
  g_autoptr(GBytes) chunk = NULL;
  g_autoptr(GError) error = NULL;
  gboolean found = FALSE, whole;
  gint64 size = 0, start, total, offset;

  if (sha256 == NULL || !lookup_blob (r, sha256, &found, &size))
    return;
  if (found)
    {
      reply_blob_stored (r, SOUP_STATUS_OK, sha256, size);
      return;
    }
  if ((chunk = request_body (r, MOTCUA_PROTOCOL_MAX_CHUNK_SIZE + 1)) == NULL)
    return;
  if (g_bytes_get_size (chunk) > MOTCUA_PROTOCOL_MAX_CHUNK_SIZE)
    {
      reply_error (r, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too-large", "A chunk holds at most 8 MiB.");
      return;
    }
  if (!chunk_range (r, g_bytes_get_size (chunk), &start, &total, &whole))
    return;

  part = upload_path (r->self, sha256);
  /* A whole blob replaces whatever an earlier upload left: it carries every byte. */
  if (whole)
    g_unlink (part);
  offset = whole ? 0 : upload_offset (r->self, sha256);
  if (start != offset)
    reply_range_mismatch (r, offset);
  else if (!append_chunk (part, chunk, &error))
    reply_internal (r, error);
  else if (start + (gint64) g_bytes_get_size (chunk) < total)
    {
      JsonObject *object = json_object_new ();

      json_object_set_int_member (object, "offset", start + g_bytes_get_size (chunk));
      reply_object (r, SOUP_STATUS_ACCEPTED, object);
    }
  else
    complete_upload (r, sha256, total);
}

/* Applies a "Range: bytes=N-" (or any single range) to @bytes; FALSE (and a 416 sent)
 * when it cannot be satisfied. */
static gboolean
apply_range (Request *r, GBytes **bytes, guint *status)
{
  gsize total = g_bytes_get_size (*bytes);
  SoupRange *ranges = NULL;
  int n_ranges = 0;

  *status = SOUP_STATUS_OK;
  if (soup_message_headers_get_one (request_headers (r), "Range") == NULL)
    return TRUE;
  if (!soup_message_headers_get_ranges (request_headers (r), total, &ranges, &n_ranges))
    {
      g_autofree char *unsatisfied = g_strdup_printf ("bytes */%" G_GSIZE_FORMAT, total);

      soup_message_headers_replace (response_headers (r), "Content-Range", unsatisfied);
      reply_error (r, SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE, "bad-request",
                   "The range asked for is outside the blob's %" G_GSIZE_FORMAT " bytes.", total);
      return FALSE;
    }
  /* Several ranges are allowed to be answered with the whole blob. */
  if (n_ranges == 1)
    {
      GBytes *part = g_bytes_new_from_bytes (*bytes, ranges[0].start, ranges[0].end - ranges[0].start + 1);

      soup_message_headers_set_content_range (response_headers (r), ranges[0].start, ranges[0].end, total);
      g_bytes_unref (*bytes);
      *bytes = part;
      *status = SOUP_STATUS_PARTIAL_CONTENT;
    }
  soup_message_headers_free_ranges (request_headers (r), ranges);
  return TRUE;
}

static void
handle_blob_get (Request *r)
{
  const char *sha256 = blob_name (r);
  g_autofree char *path = NULL;
  g_autoptr(GMappedFile) file = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  gboolean found = FALSE;
  gint64 size = 0;
  guint status;

  if (sha256 == NULL || !lookup_blob (r, sha256, &found, &size))
    return;
  if (!found)
    {
      reply_error (r, SOUP_STATUS_NOT_FOUND, "not-found", "The server has no blob %s.", sha256);
      return;
    }
  path = blob_path (r->self, sha256);
  if ((file = g_mapped_file_new (path, FALSE, &error)) == NULL)
    {
      reply_internal (r, error);
      return;
    }
  bytes = g_mapped_file_get_bytes (file);
  if (!apply_range (r, &bytes, &status))
    return;
  soup_message_headers_replace (response_headers (r), "Accept-Ranges", "bytes");
  reply_bytes (r, status, "application/octet-stream", bytes);
}

/* ---- POST /v1/code-blocks ------------------------------------------------------------ */

/* "2026-11-23", strictly, in the years a yyMMdd code can name. */
static gboolean
is_day (const char *text)
{
  GDate date;

  return motcua_protocol_parse_date (text, &date) && g_date_get_year (&date) >= 2000
         && g_date_get_year (&date) <= 2099;
}

#define MAX_BLOCK_DAYS 31

/* The days a code-block request names: "day", or up to 31 in "days". */
static GPtrArray *
block_days (JsonObject *request)
{
  g_autoptr(GPtrArray) days = g_ptr_array_new ();
  JsonNode *node = json_object_get_member (request, "days");
  JsonArray *array = node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

  if (node == NULL)
    g_ptr_array_add (days, (gpointer) member_string (request, "day"));
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      g_ptr_array_add (days, JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING
                             ? (gpointer) json_node_get_string (element) : NULL);
    }
  if ((node != NULL && array == NULL) || days->len == 0 || days->len > MAX_BLOCK_DAYS)
    return NULL;
  for (guint i = 0; i < days->len; i++)
    if (!is_day (g_ptr_array_index (days, i)))
      return NULL;
  return g_steal_pointer (&days);
}

static JsonObject *
block_object (const char *agency, const char *day, gint64 first, gint64 count)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "agency", agency);
  json_object_set_string_member (object, "day", day);
  json_object_set_int_member (object, "first", first);
  json_object_set_int_member (object, "last", first + count - 1);
  return object;
}

/* One day answers with its block; several (a workstation going offline for a week asks
 * in one round trip) with "blocks", in the order asked. */
static void
handle_code_blocks (Request *r)
{
  g_autoptr(JsonObject) request = request_object (r);
  g_autoptr(GPtrArray) days = NULL;
  g_autoptr(JsonArray) blocks = json_array_new ();
  gint64 count = 0;
  JsonObject *object;

  if (request == NULL)
    return;
  days = block_days (request);
  if (days == NULL || !member_int (request, "count", &count) || count < 1 || count > 500)
    {
      reply_error (r, SOUP_STATUS_BAD_REQUEST, "bad-request",
                   "A code block needs a “day” or up to 31 “days” (YYYY-MM-DD, 2000 to 2099) and a “count” "
                   "from 1 to 500.");
      return;
    }
  for (guint i = 0; i < days->len; i++)
    {
      g_autoptr(GError) error = NULL;
      const char *day = g_ptr_array_index (days, i);
      gint64 first = 0;

      if (!motcua_server_storage_reserve_codes (r->self->storage, r->device->agency_code, day, count,
                                                r->device->id, &first, &error))
        {
          reply_internal (r, error);
          return;
        }
      json_array_add_object_element (blocks, block_object (r->device->agency_code, day, first, count));
    }
  if (json_object_has_member (request, "days"))
    {
      object = json_object_new ();
      json_object_set_string_member (object, "agency", r->device->agency_code);
      json_object_set_array_member (object, "blocks", json_array_ref (blocks));
    }
  else
    object = json_object_ref (json_array_get_object_element (blocks, 0));
  reply_object (r, SOUP_STATUS_CREATED, object);
}

/* ---- GET /v1/catalog and /v1/calendar ---------------------------------------------------- */

/* The imported catalog, else the built-in demo one. */
static GBytes *
catalog_bytes (MotcuaServer *self, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  char *text = motcua_server_storage_get_setting (self->storage, CATALOG_SETTING, &local_error);
  g_autoptr(GPtrArray) procedures = NULL;

  if (text != NULL)
    return g_bytes_new_take (text, strlen (text));
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (self->demo_catalog == NULL)
    {
      if ((procedures = motcua_catalog_load_demo (error)) == NULL)
        return NULL;
      text = motcua_catalog_to_json (procedures);
      self->demo_catalog = g_bytes_new_take (text, strlen (text));
    }
  return g_bytes_ref (self->demo_catalog);
}

static gboolean
etag_matches (Request *r, const char *etag)
{
  const char *wanted = soup_message_headers_get_list (request_headers (r), "If-None-Match");
  GSList *tags;
  gboolean match = FALSE;

  if (wanted == NULL)
    return FALSE;
  tags = soup_header_parse_list (wanted);
  for (GSList *l = tags; l != NULL && !match; l = l->next)
    match = g_str_equal (l->data, etag) || g_str_equal (l->data, "*")
            || (g_str_has_prefix (l->data, "W/") && g_str_equal ((char *) l->data + 2, etag));
  soup_header_free_list (tags);
  return match;
}

/* The JSON @bytes, tagged with their hash: a client that holds them already gets 304. */
static void
reply_tagged (Request *r, GBytes *bytes)
{
  g_autofree char *hash = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  g_autofree char *etag = g_strdup_printf ("\"%.32s\"", hash);

  soup_message_headers_replace (response_headers (r), "ETag", etag);
  if (etag_matches (r, etag))
    soup_server_message_set_status (r->msg, SOUP_STATUS_NOT_MODIFIED, NULL);
  else
    reply_bytes (r, SOUP_STATUS_OK, "application/json", bytes);
}

static void
handle_catalog (Request *r)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = catalog_bytes (r->self, &error);

  if (bytes == NULL)
    reply_internal (r, error);
  else
    reply_tagged (r, bytes);
}

static JsonObject *
holiday_object (const MotcuaHoliday *holiday)
{
  JsonObject *object = json_object_new ();
  char date[16];

  g_date_strftime (date, sizeof date, "%Y-%m-%d", &holiday->date);
  json_object_set_string_member (object, "date", date);
  json_object_set_boolean_member (object, "working", FALSE);
  json_object_set_string_member (object, "name", holiday->name);
  return object;
}

/* The Labour Code's holidays of the year (motcua-holidays.c), unofficial: a workstation
 * computes the same ones itself and keeps them. */
static void
reply_builtin_calendar (Request *r, int year)
{
  g_autoptr(GArray) holidays = motcua_holidays_builtin (year);
  JsonArray *days = json_array_sized_new (holidays->len);
  JsonObject *object;

  for (guint i = 0; i < holidays->len; i++)
    json_array_add_object_element (days, holiday_object (&g_array_index (holidays, MotcuaHoliday, i)));
  object = json_object_new ();
  json_object_set_int_member (object, "year", year);
  json_object_set_boolean_member (object, "official", FALSE);
  json_object_set_array_member (object, "days", days);
  reply_object (r, SOUP_STATUS_OK, object);
}

static char *
calendar_setting (int year)
{
  return g_strdup_printf ("calendar:%d", year);
}

/* The calendar an administrator imported for the year, else the built-in holidays. */
static void
handle_calendar (Request *r)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  g_autofree char *text = NULL;
  gint64 year;

  if (r->query == NULL || g_hash_table_lookup (r->query, "year") == NULL)
    {
      reply_error (r, SOUP_STATUS_BAD_REQUEST, "bad-request", "Say which year: /v1/calendar?year=2026.");
      return;
    }
  if (!query_int (r, "year", 1900, 2199, 0, &year))
    return;
  key = calendar_setting (year);
  text = motcua_server_storage_get_setting (r->self->storage, key, &error);
  if (text != NULL)
    {
      gsize length = strlen (text);
      g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&text), length);

      reply_tagged (r, bytes);
    }
  else if (error != NULL)
    reply_internal (r, error);
  else
    reply_builtin_calendar (r, year);
}

static int
compare_calendar_days (gconstpointer a, gconstpointer b)
{
  JsonObject *day_a = *(JsonObject * const *) a;
  JsonObject *day_b = *(JsonObject * const *) b;

  /* Checked dates are YYYY-MM-DD: as text, they sort as days. */
  return strcmp (json_object_get_string_member (day_a, "date"), json_object_get_string_member (day_b, "date"));
}

/* The document GET /v1/calendar serves for @days of @year: only the members the
 * protocol knows, in date order, so that its ETag changes only with the days. */
static char *
official_calendar_text (int year, JsonArray *days)
{
  g_autoptr(GPtrArray) sorted = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  for (guint i = 0; i < json_array_get_length (days); i++)
    g_ptr_array_add (sorted, json_object_ref (json_array_get_object_element (days, i)));
  g_ptr_array_sort (sorted, compare_calendar_days);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "year");
  json_builder_add_int_value (builder, year);
  json_builder_set_member_name (builder, "official");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "days");
  json_builder_begin_array (builder);
  for (guint i = 0; i < sorted->len; i++)
    {
      JsonObject *day = g_ptr_array_index (sorted, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "date");
      json_builder_add_string_value (builder, json_object_get_string_member (day, "date"));
      json_builder_set_member_name (builder, "working");
      json_builder_add_boolean_value (builder, json_object_get_boolean_member (day, "working"));
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, json_object_get_string_member (day, "name"));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

gboolean
motcua_server_import_calendar (MotcuaServerStorage  *storage,
                               JsonObject           *calendar,
                               int                  *year,
                               guint                *n_days,
                               GError              **error)
{
  g_autofree char *key = NULL;
  g_autofree char *text = NULL;
  JsonArray *days;
  int days_year = 0;

  if ((days = motcua_protocol_calendar_days (calendar, &days_year, error)) == NULL)
    return FALSE;
  /* Stored as it is served, so that serving it is only reading it. */
  text = official_calendar_text (days_year, days);
  key = calendar_setting (days_year);
  if (!motcua_server_storage_set_setting (storage, key, text, error))
    return FALSE;
  if (year != NULL)
    *year = days_year;
  if (n_days != NULL)
    *n_days = json_array_get_length (days);
  return TRUE;
}

/* ---- routing --------------------------------------------------------------------------- */

typedef void (*Handler) (Request *r);

typedef struct {
  const char *method;
  const char *path;     /* a prefix when it ends with '/' */
  gboolean    auth;
  Handler     handler;
} Route;

static const Route routes[] = {
  { "GET",  "/v1/health",      FALSE, handle_health },
  { "POST", "/v1/enrol",       FALSE, handle_enrol },
  { "POST", "/v1/events",      TRUE,  handle_push },
  { "GET",  "/v1/feed",        TRUE,  handle_feed },
  { "HEAD", BLOBS_PREFIX,      TRUE,  handle_blob_head },
  { "PUT",  BLOBS_PREFIX,      TRUE,  handle_blob_put },
  { "GET",  BLOBS_PREFIX,      TRUE,  handle_blob_get },
  { "POST", "/v1/code-blocks", TRUE,  handle_code_blocks },
  { "GET",  "/v1/catalog",     TRUE,  handle_catalog },
  { "GET",  "/v1/calendar",    TRUE,  handle_calendar },
};

static gboolean
route_matches_path (const Route *route, const char *path)
{
  if (g_str_has_suffix (route->path, "/"))
    return g_str_has_prefix (path, route->path) && path[strlen (route->path)] != '\0';
  return g_str_equal (path, route->path);
}

/* The route for @path and @method; *@path_known says whether another method would do. */
static const Route *
find_route (const char *path, const char *method, gboolean *path_known)
{
  *path_known = FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      if (!route_matches_path (&routes[i], path))
        continue;
      *path_known = TRUE;
      if (g_str_equal (routes[i].method, method))
        return &routes[i];
    }
  return NULL;
}

static void
on_request (SoupServer        *soup,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  Request r = {
    .self = user_data, .msg = msg, .path = path, .query = query, .started = g_get_monotonic_time (),
  };
  const char *method = soup_server_message_get_method (msg);
  gboolean path_known;
  const Route *route = find_route (path, method, &path_known);

  if (route == NULL && path_known)
    reply_error (&r, SOUP_STATUS_METHOD_NOT_ALLOWED, "bad-request", "%s does not take %s.", path, method);
  else if (route == NULL)
    reply_error (&r, SOUP_STATUS_NOT_FOUND, "not-found", "There is no %s here.", path);
  else if (!route->auth || authenticate (&r))
    route->handler (&r);
  if (!r.deferred)
    log_request (&r);
  g_clear_pointer (&r.device, motcua_server_device_free);
}

/* Refuses an oversized body from its headers, before it is read into memory. */
static void
on_early_request (SoupServer        *soup,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  Request r = { .self = user_data, .msg = msg, .path = path, .started = g_get_monotonic_time () };
  goffset length = soup_message_headers_get_content_length (request_headers (&r));
  goffset limit = g_str_has_prefix (path, BLOBS_PREFIX) ? MOTCUA_PROTOCOL_MAX_CHUNK_SIZE
                                                        : MOTCUA_PROTOCOL_MAX_JSON_BODY;

  if (length <= limit)
    return;
  soup_message_headers_replace (response_headers (&r), "Connection", "close");
  reply_error (&r, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too-large",
               "The request body of %" G_GOFFSET_FORMAT " bytes is over the limit of %" G_GOFFSET_FORMAT ".",
               length, limit);
  log_request (&r);
}

/* ---- the object ---------------------------------------------------------------------- */

static void
motcua_server_dispose (GObject *object)
{
  MotcuaServer *self = MOTCUA_SERVER (object);

  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  stop_feed_pool (self);
  g_clear_object (&self->soup);
  g_clear_object (&self->storage);
  g_clear_object (&self->tls_certificate);
  G_OBJECT_CLASS (motcua_server_parent_class)->dispose (object);
}

static void
motcua_server_finalize (GObject *object)
{
  MotcuaServer *self = MOTCUA_SERVER (object);

  g_free (self->blob_dir);
  g_free (self->upload_dir);
  g_clear_pointer (&self->demo_catalog, g_bytes_unref);
  g_clear_object (&self->stopping);
  g_main_context_unref (self->context);
  G_OBJECT_CLASS (motcua_server_parent_class)->finalize (object);
}

static void
motcua_server_class_init (MotcuaServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = motcua_server_dispose;
  object_class->finalize = motcua_server_finalize;
}

static void
motcua_server_init (MotcuaServer *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->stopping = g_cancellable_new ();
  /* Exclusive: the pool's own threads, which end when it is freed. */
  self->feed_pool = g_thread_pool_new (run_feed_job, self, FEED_THREADS, TRUE, NULL);
}

MotcuaServer *
motcua_server_new (MotcuaServerStorage *storage, const char *data_dir, GError **error)
{
  g_autoptr(MotcuaServer) self = g_object_new (MOTCUA_TYPE_SERVER, NULL);

  self->storage = g_object_ref (storage);
  self->blob_dir = g_build_filename (data_dir, "blobs", NULL);
  self->upload_dir = g_build_filename (data_dir, "uploads", NULL);
  if (g_mkdir_with_parents (self->blob_dir, 0700) != 0)
    {
      set_errno_error (error, "create", self->blob_dir);
      return NULL;
    }
  if (g_mkdir_with_parents (self->upload_dir, 0700) != 0)
    {
      set_errno_error (error, "create", self->upload_dir);
      return NULL;
    }
  return g_steal_pointer (&self);
}

gboolean
motcua_server_set_tls (MotcuaServer *self, const char *cert_file, const char *key_file, GError **error)
{
  GTlsCertificate *certificate = g_tls_certificate_new_from_files (cert_file, key_file, error);

  if (certificate == NULL)
    return FALSE;
  g_clear_object (&self->tls_certificate);
  self->tls_certificate = certificate;
  return TRUE;
}

/* Bound and listening with a deep queue: GLib's default backlog of 10 makes the
 * kernel reset connections when a hundred workstations connect at the same moment. */
static GSocket *
listening_socket (GInetAddress *inet, guint port, GError **error)
{
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (inet, port);
  g_autoptr(GSocket) listener = g_socket_new (g_inet_address_get_family (inet), G_SOCKET_TYPE_STREAM,
                                              G_SOCKET_PROTOCOL_TCP, error);

  if (listener == NULL)
    return NULL;
  g_socket_set_listen_backlog (listener, LISTEN_BACKLOG);
  if (!g_socket_bind (listener, address, TRUE, error) || !g_socket_listen (listener, error))
    return NULL;
  return g_steal_pointer (&listener);
}

gboolean
motcua_server_listen (MotcuaServer *self, const char *address, guint port, GError **error)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);
  g_autoptr(GSocket) listener = NULL;
  SoupServerListenOptions options = self->tls_certificate ? SOUP_SERVER_LISTEN_HTTPS : 0;

  g_return_val_if_fail (self->soup == NULL, FALSE);
  if (inet == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "“%s” is not an IP address.", address);
      return FALSE;
    }
  if ((listener = listening_socket (inet, port, error)) == NULL)
    return FALSE;
  self->soup = soup_server_new ("server-header", "motcua-server/" PACKAGE_VERSION " ",
                                "tls-certificate", self->tls_certificate,
                                NULL);
  soup_server_add_early_handler (self->soup, NULL, on_early_request, self, NULL);
  soup_server_add_handler (self->soup, NULL, on_request, self, NULL);
  return soup_server_listen_socket (self->soup, listener, options, error);
}

char *
motcua_server_get_url (MotcuaServer *self)
{
  GSList *uris = self->soup ? soup_server_get_uris (self->soup) : NULL;
  char *url = uris ? g_uri_to_string (uris->data) : NULL;

  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return url;
}

void
motcua_server_disconnect (MotcuaServer *self)
{
  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
}

gboolean
motcua_server_add_trust_anchors (MotcuaServerStorage *storage, const char *path, guint *n_added, GError **error)
{
  g_autoptr(MotcuaTrust) trust = motcua_trust_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *pem = motcua_server_storage_get_setting (storage, MOTCUA_SERVER_TRUST_SETTING, &local_error);
  g_autofree char *all = NULL;
  guint before;

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (pem != NULL && !motcua_trust_add_pem (trust, pem, strlen (pem), error))
    return FALSE;
  before = motcua_trust_get_n_anchors (trust);
  if (!motcua_trust_add_file (trust, path, error))
    return FALSE;
  *n_added = motcua_trust_get_n_anchors (trust) - before;
  all = motcua_trust_to_pem (trust);
  return motcua_server_storage_set_setting (storage, MOTCUA_SERVER_TRUST_SETTING, all, error);
}
