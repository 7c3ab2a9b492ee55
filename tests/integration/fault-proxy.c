/* fault-proxy.c: a loopback TCP proxy that shapes, cuts and fakes; see fault-proxy.h.
 *
 * One thread owns a main context with the listening GSocketService and every
 * connection. A connection is two pipes, client → server ("up") and server → client
 * ("down"). A pipe reads chunks, stamps each with the time it may be delivered (now +
 * latency), queues them, and writes them out paced by a token bucket per direction
 * shared by all connections, as one link is. Reading stops while a pipe holds more
 * than a link's worth of queue, so a slow link slows the sender instead of buffering
 * everything here.
 *
 * The up pipe reads HTTP/1.1 request by request (request line, headers, a body framed
 * by Content-Length or chunks) only to see where a request starts: that is where a
 * fault armed with fail_next can take the request's place. Bytes are forwarded as they
 * came, never rewritten. Responses are not parsed.
 */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#include <gio/gio.h>

#include "fault-proxy.h"

#define READ_SIZE          (64 * 1024)
#define UNTHROTTLED_WRITE  (256 * 1024)
#define UNTHROTTLED_QUEUE  (256 * 1024)
#define MAX_HEAD           (64 * 1024)
#define MAX_LINE           4096
/* What the truncated answer promises, well beyond what it sends. */
#define TRUNCATED_LENGTH   4096

typedef enum {
  DIRECTION_UP,
  DIRECTION_DOWN,
} Direction;

typedef enum {
  ITEM_DATA,
  ITEM_CLOSE,   /* everything before it delivered: close the connection */
} ItemKind;

typedef struct {
  ItemKind  kind;
  GBytes   *bytes;
  gsize     offset;
  gint64    due_us;
} Item;

typedef enum {
  HTTP_HEAD,
  HTTP_BODY,
  HTTP_CHUNK_SIZE,
  HTTP_CHUNK_DATA,
  HTTP_CHUNK_TRAILER,
  HTTP_RAW,           /* not HTTP as expected: forward the rest untouched */
} HttpState;

typedef struct {
  HttpState    state;
  GByteArray  *buffer;      /* the head, or the current chunk-size or trailer line */
  guint64      remaining;   /* body bytes, or chunk bytes with their CRLF */
  char        *target;
  guint        record;      /* index of the request in the proxy's requests */
  MotcuaFault  fault;       /* the request is swallowed and answered with this */
} HttpParser;

typedef struct _Connection Connection;

typedef struct {
  Connection    *conn;
  Direction      direction;
  GInputStream  *in;
  GOutputStream *out;          /* NULL until the upstream connection is made */
  GQueue         items;
  gsize          queued;       /* data bytes in @items */
  gsize          in_flight;    /* bytes of the write under way */
  gboolean       reading;
  gboolean       writing;
  gboolean       read_done;    /* end of stream seen, or cut: read no more */
  GSource       *timer;        /* waiting for a due time or for tokens */
  HttpParser     http;         /* up only */
} Pipe;

struct _Connection {
  gint               ref_count;
  MotcuaFaultProxy  *proxy;
  GSocketConnection *client;
  GSocket           *connecting;   /* to the server, until it is connected */
  GSocketConnection *server;
  GCancellable      *cancellable;
  Pipe               up;
  Pipe               down;
  gboolean           closed;
  gboolean           awaiting_answer;   /* a forwarded request has no answer yet */
  guint              awaiting_record;
};

typedef struct {
  char        *method;
  char        *path_prefix;
  MotcuaFault  fault;
} PendingFault;

typedef struct {
  char    *method;
  char    *target;
  gint64   seen_us;       /* when its head had arrived (monotonic) */
  gint64   answered_us;   /* when the server's answer began; 0 until then */
  guint64  bytes_up;      /* head and body, as forwarded */
} RequestRecord;

typedef struct {
  double tokens;
  gint64 last_us;
} Bucket;

struct _MotcuaFaultProxy {
  /* Shared with the test's threads, under @mutex */
  GMutex        mutex;
  GInetAddress *target_address;
  guint16       target_port;
  guint64       rate;
  guint         latency_ms;
  gboolean      cut_armed;
  gboolean      cut_then_down;
  guint64       cut_remaining;
  gboolean      down;           /* the link is down: every connection is closed */
  GQueue        faults;
  GPtrArray    *requests;       /* RequestRecord, every request seen */
  guint64       bytes[2];       /* by Direction */
  guint         n_connections;
  guint         faults_fired;

  /* Set before the thread serves, read-only after */
  char         *url;
  GMainContext *context;
  GMainLoop    *loop;
  GThread      *thread;
  GCond         ready_cond;
  gboolean      ready;
  GError       *start_error;

  /* The proxy thread's own */
  GSocketService *service;
  GList          *live;         /* open Connections */
  guint           n_alive;      /* Connections not yet freed */
  Bucket          buckets[2];
};

static void pipe_pump (Pipe *pipe);
static void pipe_read (Pipe *pipe);

/* ---- settings, read by the proxy thread ------------------------------------- */

static void
settings_get_throttle (MotcuaFaultProxy *proxy,
                       guint64          *rate,
                       guint            *latency_ms)
{
  g_mutex_lock (&proxy->mutex);
  *rate = proxy->rate;
  *latency_ms = proxy->latency_ms;
  g_mutex_unlock (&proxy->mutex);
}

/* How many of @size bytes may still go up before the armed cut; returns TRUE when the
 * cut falls within them (and disarms it), with *@then_down when the link goes down. */
static gboolean
settings_take_cut (MotcuaFaultProxy *proxy,
                   gsize             size,
                   gsize            *allowed,
                   gboolean         *then_down)
{
  gboolean cut = FALSE;

  g_mutex_lock (&proxy->mutex);
  *allowed = size;
  *then_down = FALSE;
  if (proxy->cut_armed)
    {
      if (proxy->cut_remaining <= size)
        {
          *allowed = proxy->cut_remaining;
          *then_down = proxy->cut_then_down;
          proxy->down = proxy->down || proxy->cut_then_down;
          proxy->cut_armed = FALSE;
          proxy->faults_fired++;
          cut = TRUE;
        }
      else
        proxy->cut_remaining -= size;
    }
  g_mutex_unlock (&proxy->mutex);
  return cut;
}

static void
request_record_free (RequestRecord *record)
{
  g_free (record->method);
  g_free (record->target);
  g_free (record);
}

static gboolean
request_record_matches (const RequestRecord *record,
                        const char          *method,
                        const char          *path_prefix)
{
  return (method == NULL || g_str_equal (record->method, method))
         && g_str_has_prefix (record->target, path_prefix != NULL ? path_prefix : "");
}

static void
pending_fault_free (PendingFault *pending)
{
  g_free (pending->method);
  g_free (pending->path_prefix);
  g_free (pending);
}

/* Logs the request (its index in @record) and takes the first armed fault that
 * matches it. */
static MotcuaFault
settings_take_fault (MotcuaFaultProxy *proxy,
                     const char       *method,
                     const char       *target,
                     guint            *record)
{
  MotcuaFault fault = MOTCUA_FAULT_NONE;
  RequestRecord *new_record = g_new0 (RequestRecord, 1);

  new_record->method = g_strdup (method);
  new_record->target = g_strdup (target);
  new_record->seen_us = g_get_monotonic_time ();
  g_mutex_lock (&proxy->mutex);
  *record = proxy->requests->len;
  g_ptr_array_add (proxy->requests, new_record);
  for (GList *l = proxy->faults.head; l != NULL; l = l->next)
    {
      PendingFault *pending = l->data;

      if ((pending->method == NULL || g_str_equal (pending->method, method))
          && g_str_has_prefix (target, pending->path_prefix))
        {
          fault = pending->fault;
          g_queue_delete_link (&proxy->faults, l);
          pending_fault_free (pending);
          proxy->faults_fired++;
          break;
        }
    }
  g_mutex_unlock (&proxy->mutex);
  return fault;
}

static void
settings_count_request_bytes (MotcuaFaultProxy *proxy,
                              guint             record,
                              gsize             n)
{
  g_mutex_lock (&proxy->mutex);
  ((RequestRecord *) g_ptr_array_index (proxy->requests, record))->bytes_up += n;
  g_mutex_unlock (&proxy->mutex);
}

static void
settings_note_answer (MotcuaFaultProxy *proxy,
                      guint             record)
{
  g_mutex_lock (&proxy->mutex);
  ((RequestRecord *) g_ptr_array_index (proxy->requests, record))->answered_us = g_get_monotonic_time ();
  g_mutex_unlock (&proxy->mutex);
}

static gboolean
settings_is_down (MotcuaFaultProxy *proxy)
{
  gboolean down;

  g_mutex_lock (&proxy->mutex);
  down = proxy->down;
  g_mutex_unlock (&proxy->mutex);
  return down;
}

static void
settings_count_bytes (MotcuaFaultProxy *proxy,
                      Direction         direction,
                      gsize             n)
{
  g_mutex_lock (&proxy->mutex);
  proxy->bytes[direction] += n;
  g_mutex_unlock (&proxy->mutex);
}

/* ---- pacing ------------------------------------------------------------------ */

/* Bytes per write when throttled: small enough that the rate is smooth at 32 kB/s,
 * large enough not to wake up a thousand times a second on a fast link. */
static gsize
throttle_quantum (guint64 rate)
{
  return CLAMP (rate / 20, 512, 64 * 1024);
}

/* How long to wait before writing; 0 when up to *@n bytes may go now, *@n lowered to
 * what the bucket allows. */
static gint64
bucket_take (MotcuaFaultProxy *proxy,
             Direction         direction,
             gsize            *n)
{
  Bucket *bucket = &proxy->buckets[direction];
  gint64 now = g_get_monotonic_time ();
  guint64 rate;
  guint latency_ms;
  gsize want;

  settings_get_throttle (proxy, &rate, &latency_ms);
  if (rate == 0)
    {
      *n = MIN (*n, UNTHROTTLED_WRITE);
      bucket->last_us = now;
      return 0;
    }

  /* A small burst only: the link must not save up while idle and then deliver a
   * second's worth at once. */
  bucket->tokens = MIN ((double) (2 * throttle_quantum (rate)),
                        bucket->tokens + rate * (now - bucket->last_us) / 1e6);
  bucket->last_us = now;
  want = MIN (*n, throttle_quantum (rate));
  if (bucket->tokens < want)
    return (gint64) ((want - bucket->tokens) * 1e6 / rate) + 1;
  bucket->tokens -= want;
  *n = want;
  return 0;
}

static void
bucket_refund (MotcuaFaultProxy *proxy,
               Direction         direction,
               gsize             n)
{
  guint64 rate;
  guint latency_ms;

  settings_get_throttle (proxy, &rate, &latency_ms);
  if (rate > 0)
    proxy->buckets[direction].tokens += n;
}

/* A link holds about a quarter second of its bandwidth in its queue. */
static gsize
queue_limit (MotcuaFaultProxy *proxy)
{
  guint64 rate;
  guint latency_ms;

  settings_get_throttle (proxy, &rate, &latency_ms);
  if (rate == 0)
    return UNTHROTTLED_QUEUE;
  return MAX (rate / 4, 4096);
}

/* ---- connections ---------------------------------------------------------------- */

static Connection *
connection_ref (Connection *conn)
{
  conn->ref_count++;
  return conn;
}

static void
item_free (Item *item)
{
  g_clear_pointer (&item->bytes, g_bytes_unref);
  g_free (item);
}

static void
pipe_clear (Pipe *pipe)
{
  g_queue_clear_full (&pipe->items, (GDestroyNotify) item_free);
  g_clear_pointer (&pipe->http.buffer, g_byte_array_unref);
  g_clear_pointer (&pipe->http.target, g_free);
}

static void
connection_unref (Connection *conn)
{
  MotcuaFaultProxy *proxy = conn->proxy;

  if (--conn->ref_count > 0)
    return;

  /* No operation is pending any more: the streams may be closed. */
  if (conn->client != NULL)
    g_io_stream_close (G_IO_STREAM (conn->client), NULL, NULL);
  if (conn->server != NULL)
    g_io_stream_close (G_IO_STREAM (conn->server), NULL, NULL);
  if (conn->server == NULL && conn->connecting != NULL)
    g_socket_close (conn->connecting, NULL);
  g_clear_object (&conn->client);
  g_clear_object (&conn->server);
  g_clear_object (&conn->connecting);
  g_clear_object (&conn->cancellable);
  pipe_clear (&conn->up);
  pipe_clear (&conn->down);
  g_free (conn);
  proxy->n_alive--;
}

static void
shutdown_socket (GSocketConnection *connection)
{
  if (connection != NULL)
    g_socket_shutdown (g_socket_connection_get_socket (connection), TRUE, TRUE, NULL);
}

static void
pipe_stop_timer (Pipe *pipe)
{
  if (pipe->timer != NULL)
    {
      GSource *timer = g_steal_pointer (&pipe->timer);

      g_source_destroy (timer);
      g_source_unref (timer);
    }
}

/* Both peers see the connection end at once; the memory goes when the last pending
 * operation has returned. */
static void
connection_close (Connection *conn)
{
  MotcuaFaultProxy *proxy = conn->proxy;

  if (conn->closed)
    return;
  conn->closed = TRUE;
  connection_ref (conn);
  g_cancellable_cancel (conn->cancellable);
  pipe_stop_timer (&conn->up);
  pipe_stop_timer (&conn->down);
  shutdown_socket (conn->client);
  shutdown_socket (conn->server);
  proxy->live = g_list_remove (proxy->live, conn);
  connection_unref (conn);   /* the list's */
  connection_unref (conn);
}

/* Every connection but @except (which closes itself once its last bytes are out). */
static void
close_all_connections (MotcuaFaultProxy *proxy,
                       Connection       *except)
{
  g_autoptr(GList) open = g_list_copy (proxy->live);

  for (GList *l = open; l != NULL; l = l->next)
    if (l->data != except)
      connection_close (l->data);
}

/* ---- pipes ------------------------------------------------------------------------- */

static void
pipe_push_item (Pipe     *pipe,
                ItemKind  kind,
                GBytes   *bytes)
{
  Item *item = g_new0 (Item, 1);
  guint64 rate;
  guint latency_ms;

  settings_get_throttle (pipe->conn->proxy, &rate, &latency_ms);
  item->kind = kind;
  item->bytes = bytes;
  item->due_us = g_get_monotonic_time () + latency_ms * G_GINT64_CONSTANT (1000);
  g_queue_push_tail (&pipe->items, item);
  if (bytes != NULL)
    pipe->queued += g_bytes_get_size (bytes);
}

/* Queues @bytes (taken) for delivery; on the up pipe an armed cut may end the
 * connection within them. */
static void
pipe_push (Pipe   *pipe,
           GBytes *bytes)
{
  gsize size = g_bytes_get_size (bytes);
  gboolean then_down;
  gsize allowed;

  if (pipe->conn->closed || size == 0 || (pipe->direction == DIRECTION_UP && pipe->read_done))
    {
      g_bytes_unref (bytes);
      return;
    }

  if (pipe->direction == DIRECTION_UP
      && settings_take_cut (pipe->conn->proxy, size, &allowed, &then_down))
    {
      if (allowed > 0)
        pipe_push_item (pipe, ITEM_DATA, g_bytes_new_from_bytes (bytes, 0, allowed));
      g_bytes_unref (bytes);
      pipe_push_item (pipe, ITEM_CLOSE, NULL);
      pipe->read_done = TRUE;
      g_debug ("fault proxy: connection cut as armed%s", then_down ? ", and the link is down" : "");
      /* No idle kept-alive connection may carry a client's retry either. */
      if (then_down)
        close_all_connections (pipe->conn->proxy, pipe->conn);
      return;
    }

  pipe_push_item (pipe, ITEM_DATA, bytes);
}

static gboolean
pipe_timer_cb (gpointer data)
{
  Pipe *pipe = data;

  g_clear_pointer (&pipe->timer, g_source_unref);
  pipe_pump (pipe);
  return G_SOURCE_REMOVE;
}

static void
pipe_timer_destroyed (gpointer data)
{
  Pipe *pipe = data;

  connection_unref (pipe->conn);
}

static void
pipe_wait (Pipe   *pipe,
           gint64  wait_us)
{
  guint ms = (guint) MIN ((wait_us + 999) / 1000, G_MAXUINT);

  pipe->timer = g_timeout_source_new (MAX (ms, 1));
  connection_ref (pipe->conn);
  g_source_set_callback (pipe->timer, pipe_timer_cb, pipe, pipe_timer_destroyed);
  g_source_attach (pipe->timer, pipe->conn->proxy->context);
}

static void
pipe_written_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  Pipe *pipe = data;
  Connection *conn = pipe->conn;
  g_autoptr(GError) error = NULL;
  gssize written = g_output_stream_write_finish (G_OUTPUT_STREAM (source), result, &error);
  Item *item;

  pipe->writing = FALSE;
  if (written < 0)
    {
      if (!conn->closed)
        g_debug ("fault proxy: writing to the %s: %s",
                 pipe->direction == DIRECTION_UP ? "server" : "client", error->message);
      connection_close (conn);
      connection_unref (conn);
      return;
    }

  bucket_refund (conn->proxy, pipe->direction, pipe->in_flight - written);
  settings_count_bytes (conn->proxy, pipe->direction, written);
  item = g_queue_peek_head (&pipe->items);
  item->offset += written;
  pipe->queued -= written;
  if (item->offset == g_bytes_get_size (item->bytes))
    item_free (g_queue_pop_head (&pipe->items));

  pipe_pump (pipe);
  pipe_read (pipe);
  connection_unref (conn);
}

/* Delivers the head of the queue when it is due and the link allows. */
static void
pipe_pump (Pipe *pipe)
{
  Connection *conn = pipe->conn;
  Item *item;
  gint64 now;
  gint64 wait_us;
  gsize n;

  if (conn->closed || pipe->writing || pipe->timer != NULL || pipe->out == NULL)
    return;
  item = g_queue_peek_head (&pipe->items);
  if (item == NULL)
    return;
  if (item->kind == ITEM_CLOSE)
    {
      connection_close (conn);
      return;
    }

  now = g_get_monotonic_time ();
  if (item->due_us > now)
    {
      pipe_wait (pipe, item->due_us - now);
      return;
    }

  n = g_bytes_get_size (item->bytes) - item->offset;
  wait_us = bucket_take (conn->proxy, pipe->direction, &n);
  if (wait_us > 0)
    {
      pipe_wait (pipe, wait_us);
      return;
    }

  pipe->writing = TRUE;
  pipe->in_flight = n;
  connection_ref (conn);   /* dropped by the callback */
  g_output_stream_write_async (pipe->out,
                               (const guint8 *) g_bytes_get_data (item->bytes, NULL) + item->offset, n,
                               G_PRIORITY_DEFAULT, conn->cancellable, pipe_written_cb, pipe);
}

/* ---- HTTP requests, up only ------------------------------------------------------ */

static GBytes *
fault_response (MotcuaFault  fault,
                 const char  *target,
                 gboolean    *close_after)
{
  const char *status = "200 OK";
  const char *content_type = "application/json";
  const char *extra = "";
  const char *body;
  gsize promised;
  gsize length;
  g_autofree char *head = NULL;

  *close_after = FALSE;
  switch (fault)
    {
    case MOTCUA_FAULT_500:
      status = "500 Internal Server Error";
      body = "{\"error\": \"internal\", \"message\": \"Failure injected by the fault proxy.\"}";
      break;
    case MOTCUA_FAULT_503:
      status = "503 Service Unavailable";
      extra = "Retry-After: 1\r\n";
      body = "{\"error\": \"unavailable\", \"message\": \"Unavailability injected by the fault proxy.\"}";
      break;
    case MOTCUA_FAULT_MALFORMED_JSON:
      /* Parses as neither a push answer nor a feed page, nor anything else. */
      body = "{\"results\": [{\"op_id\": \"0\", \"result\": accepted}], \"events\": [}";
      break;
    case MOTCUA_FAULT_TRUNCATED:
      body = "{\"results\": [], \"events\": [], \"next\": 0, \"more\": fal";
      *close_after = TRUE;
      break;
    case MOTCUA_FAULT_WRONG_CONTENT_TYPE:
      content_type = "text/html";
      /* Valid JSON a careless client would apply: a feed cursor far ahead. */
      if (g_str_has_prefix (target, "/v1/feed"))
        body = "{\"events\": [], \"next\": 1000000, \"more\": false}";
      else
        body = "{\"results\": []}";
      break;
    case MOTCUA_FAULT_CLOSE:
      *close_after = TRUE;
      return NULL;
    case MOTCUA_FAULT_NONE:
    default:
      g_assert_not_reached ();
    }

  promised = fault == MOTCUA_FAULT_TRUNCATED ? TRUNCATED_LENGTH : strlen (body);
  head = g_strdup_printf ("HTTP/1.1 %s\r\n"
                          "Server: motcua-fault-proxy\r\n"
                          "Content-Type: %s\r\n"
                          "Content-Length: %" G_GSIZE_FORMAT "\r\n"
                          "%s"
                          "\r\n"
                          "%s",
                          status, content_type, promised, extra, body);
  length = strlen (head);
  return g_bytes_new_take (g_steal_pointer (&head), length);
}

/* The swallowed request is whole: the proxy answers in the server's place, with the
 * same delay and bandwidth as a real answer. */
static void
http_answer_fault (Pipe *pipe)
{
  Connection *conn = pipe->conn;
  gboolean close_after;
  GBytes *response = fault_response (pipe->http.fault, pipe->http.target, &close_after);

  if (response != NULL)
    pipe_push (&conn->down, response);
  if (close_after)
    {
      pipe_push_item (&conn->down, ITEM_CLOSE, NULL);
      pipe->read_done = TRUE;
    }
  pipe_pump (&conn->down);
}

static void
http_request_done (Pipe *pipe)
{
  HttpParser *http = &pipe->http;

  if (http->fault != MOTCUA_FAULT_NONE)
    http_answer_fault (pipe);
  http->fault = MOTCUA_FAULT_NONE;
  g_clear_pointer (&http->target, g_free);
  http->state = HTTP_HEAD;
}

/* Forwards @n bytes of @bytes from @offset, unless the request is being swallowed. */
static void
http_forward (Pipe   *pipe,
              GBytes *bytes,
              gsize   offset,
              gsize   n)
{
  if (pipe->http.fault == MOTCUA_FAULT_NONE && n > 0)
    {
      if (pipe->http.state != HTTP_RAW)
        settings_count_request_bytes (pipe->conn->proxy, pipe->http.record, n);
      pipe_push (pipe, g_bytes_new_from_bytes (bytes, offset, n));
    }
}

static void
http_forward_buffer (Pipe *pipe)
{
  GByteArray *buffer = pipe->http.buffer;

  if (pipe->http.fault == MOTCUA_FAULT_NONE && buffer->len > 0)
    {
      if (pipe->http.state != HTTP_RAW)
        settings_count_request_bytes (pipe->conn->proxy, pipe->http.record, buffer->len);
      pipe_push (pipe, g_bytes_new (buffer->data, buffer->len));
    }
  g_byte_array_set_size (buffer, 0);
}

/* Reads the framing of the body from the head's header lines. */
static void
http_parse_framing (char     **lines,
                    guint64   *content_length,
                    gboolean  *chunked)
{
  *content_length = 0;
  *chunked = FALSE;
  for (guint i = 1; lines[i] != NULL; i++)
    {
      char *colon = strchr (lines[i], ':');
      g_autofree char *name = NULL;

      if (colon == NULL)
        continue;
      name = g_ascii_strdown (lines[i], colon - lines[i]);
      if (g_str_equal (g_strstrip (name), "content-length"))
        *content_length = g_ascii_strtoull (colon + 1, NULL, 10);
      else if (g_str_equal (name, "transfer-encoding"))
        {
          g_autofree char *value = g_ascii_strdown (colon + 1, -1);

          *chunked = strstr (value, "chunked") != NULL;
        }
    }
}

static void
http_head_done (Pipe *pipe)
{
  HttpParser *http = &pipe->http;
  g_autofree char *text = g_strndup ((const char *) http->buffer->data, http->buffer->len);
  g_auto(GStrv) lines = g_strsplit (text, "\r\n", -1);
  g_auto(GStrv) request_line = g_strsplit (lines[0], " ", 3);
  guint64 content_length;
  gboolean chunked;

  if (g_strv_length (request_line) != 3 || !g_str_has_prefix (request_line[2], "HTTP/1."))
    {
      /* Not a request this proxy understands: it only forwards from now on. */
      http->state = HTTP_RAW;
      http_forward_buffer (pipe);
      return;
    }

  http->target = g_strdup (request_line[1]);
  http->fault = settings_take_fault (pipe->conn->proxy, request_line[0], request_line[1], &http->record);
  if (http->fault != MOTCUA_FAULT_NONE)
    g_debug ("fault proxy: %s %s answered with %s", request_line[0], request_line[1],
             motcua_fault_name (http->fault));
  else
    {
      /* HTTP/1.1 clients here do not pipeline: the next bytes from the server answer
       * this request. */
      pipe->conn->awaiting_answer = TRUE;
      pipe->conn->awaiting_record = http->record;
    }
  http_forward_buffer (pipe);

  http_parse_framing (lines, &content_length, &chunked);
  if (chunked)
    http->state = HTTP_CHUNK_SIZE;
  else if (content_length > 0)
    {
      http->state = HTTP_BODY;
      http->remaining = content_length;
    }
  else
    http_request_done (pipe);
}

/* Takes bytes of the head until its blank line; returns how many it took. */
static gsize
http_feed_head (Pipe         *pipe,
                const guint8 *data,
                gsize         size)
{
  GByteArray *buffer = pipe->http.buffer;
  gsize old_len = buffer->len;
  gsize search_from = old_len > 3 ? old_len - 3 : 0;

  g_byte_array_append (buffer, data, size);
  for (gsize i = search_from; i + 4 <= buffer->len; i++)
    {
      if (memcmp (buffer->data + i, "\r\n\r\n", 4) == 0)
        {
          gsize head_len = i + 4;

          g_byte_array_set_size (buffer, head_len);
          http_head_done (pipe);
          return head_len - old_len;
        }
    }

  if (buffer->len > MAX_HEAD)
    {
      pipe->http.state = HTTP_RAW;
      http_forward_buffer (pipe);
    }
  return size;
}

/* A chunk-size or trailer line is whole in the buffer. */
static void
http_line_done (Pipe *pipe)
{
  HttpParser *http = &pipe->http;
  g_autofree char *line = g_strndup ((const char *) http->buffer->data, http->buffer->len);

  g_byte_array_set_size (http->buffer, 0);
  if (http->state == HTTP_CHUNK_SIZE)
    {
      guint64 size = g_ascii_strtoull (line, NULL, 16);

      if (size == 0)
        http->state = HTTP_CHUNK_TRAILER;
      else
        {
          http->state = HTTP_CHUNK_DATA;
          http->remaining = size + 2;
        }
    }
  else if (g_str_equal (line, "\r\n") || g_str_equal (line, "\n"))
    http_request_done (pipe);
}

/* Takes bytes of a line (forwarding them as they come); returns how many it took. */
static gsize
http_feed_line (Pipe         *pipe,
                GBytes       *bytes,
                gsize         offset,
                gsize         size)
{
  const guint8 *data = (const guint8 *) g_bytes_get_data (bytes, NULL) + offset;
  const guint8 *newline = memchr (data, '\n', size);
  gsize n = newline != NULL ? (gsize) (newline - data) + 1 : size;

  http_forward (pipe, bytes, offset, n);
  g_byte_array_append (pipe->http.buffer, data, n);
  if (newline != NULL)
    http_line_done (pipe);
  else if (pipe->http.buffer->len > MAX_LINE)
    pipe->http.state = HTTP_RAW;
  return n;
}

static void
http_feed (Pipe   *pipe,
           GBytes *bytes)
{
  HttpParser *http = &pipe->http;
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  gsize pos = 0;

  while (pos < size && !pipe->read_done && !pipe->conn->closed)
    {
      gsize n;

      switch (http->state)
        {
        case HTTP_HEAD:
          pos += http_feed_head (pipe, data + pos, size - pos);
          break;

        case HTTP_BODY:
        case HTTP_CHUNK_DATA:
          n = (gsize) MIN (http->remaining, (guint64) (size - pos));
          http_forward (pipe, bytes, pos, n);
          pos += n;
          http->remaining -= n;
          if (http->remaining == 0)
            {
              if (http->state == HTTP_BODY)
                http_request_done (pipe);
              else
                http->state = HTTP_CHUNK_SIZE;
            }
          break;

        case HTTP_CHUNK_SIZE:
        case HTTP_CHUNK_TRAILER:
          pos += http_feed_line (pipe, bytes, pos, size - pos);
          break;

        case HTTP_RAW:
        default:
          http_forward (pipe, bytes, pos, size - pos);
          pos = size;
          break;
        }
    }
}

/* ---- reading ------------------------------------------------------------------------ */

static void
pipe_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Pipe *pipe = data;
  Connection *conn = pipe->conn;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);

  pipe->reading = FALSE;
  if (bytes == NULL)
    {
      if (!conn->closed)
        g_debug ("fault proxy: reading from the %s: %s",
                 pipe->direction == DIRECTION_UP ? "client" : "server", error->message);
      connection_close (conn);
    }
  else if (conn->closed)
    ;
  else if (g_bytes_get_size (bytes) == 0)
    {
      if (pipe->direction == DIRECTION_DOWN && conn->awaiting_answer)
        g_debug ("fault proxy: the server closed the connection without answering");
      else if (pipe->direction == DIRECTION_DOWN)
        g_debug ("fault proxy: the server closed an idle connection");
      /* Whoever closed first ends the exchange, once what they sent is delivered. */
      pipe->read_done = TRUE;
      pipe_push_item (pipe, ITEM_CLOSE, NULL);
    }
  else if (pipe->direction == DIRECTION_UP)
    http_feed (pipe, bytes);
  else
    {
      if (conn->awaiting_answer)
        {
          settings_note_answer (conn->proxy, conn->awaiting_record);
          conn->awaiting_answer = FALSE;
        }
      pipe_push (pipe, g_bytes_ref (bytes));
    }

  pipe_pump (pipe);
  pipe_read (pipe);
  connection_unref (conn);
}

static void
pipe_read (Pipe *pipe)
{
  Connection *conn = pipe->conn;

  if (conn->closed || pipe->reading || pipe->read_done || pipe->in == NULL
      || pipe->queued >= queue_limit (conn->proxy))
    return;
  pipe->reading = TRUE;
  connection_ref (conn);   /* dropped by the callback */
  g_input_stream_read_bytes_async (pipe->in, READ_SIZE, G_PRIORITY_DEFAULT, conn->cancellable,
                                   pipe_read_cb, pipe);
}

/* ---- accepting ---------------------------------------------------------------------- */

static void
upstream_ready (Connection *conn)
{
  g_socket_set_option (conn->connecting, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  conn->server = g_socket_connection_factory_create_connection (conn->connecting);
  conn->up.out = g_io_stream_get_output_stream (G_IO_STREAM (conn->server));
  conn->down.in = g_io_stream_get_input_stream (G_IO_STREAM (conn->server));
  pipe_pump (&conn->up);
  pipe_read (&conn->down);
}

static gboolean
upstream_connect_cb (GSocket      *socket,
                     GIOCondition  condition G_GNUC_UNUSED,
                     gpointer      data)
{
  Connection *conn = data;

  if (conn->closed)
    return G_SOURCE_REMOVE;
  if (g_socket_check_connect_result (socket, NULL))
    upstream_ready (conn);
  else
    connection_close (conn);
  return G_SOURCE_REMOVE;
}

/* A plain non-blocking connect: the target is an address on this machine, and
 * GSocketClient's resolving, proxies and debug chatter have no use here. When the
 * server is down the client sees its connection closed, as a refused one would be. */
static void
upstream_connect (Connection   *conn,
                  GInetAddress *address,
                  guint16       port)
{
  g_autoptr(GSocketAddress) target = g_inet_socket_address_new (address, port);
  g_autoptr(GError) error = NULL;
  GSource *source;

  conn->connecting = g_socket_new (g_inet_address_get_family (address), G_SOCKET_TYPE_STREAM,
                                   G_SOCKET_PROTOCOL_TCP, NULL);
  if (conn->connecting == NULL)
    {
      connection_close (conn);
      return;
    }
  g_socket_set_blocking (conn->connecting, FALSE);
  if (g_socket_connect (conn->connecting, target, NULL, &error))
    {
      upstream_ready (conn);
      return;
    }
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PENDING))
    {
      connection_close (conn);
      return;
    }
  source = g_socket_create_source (conn->connecting, G_IO_OUT, conn->cancellable);
  g_source_set_callback (source, G_SOURCE_FUNC (upstream_connect_cb), connection_ref (conn),
                         (GDestroyNotify) connection_unref);
  g_source_attach (source, conn->proxy->context);
  g_source_unref (source);
}

static void
pipe_init (Pipe       *pipe,
           Connection *conn,
           Direction   direction)
{
  pipe->conn = conn;
  pipe->direction = direction;
  g_queue_init (&pipe->items);
  pipe->http.state = HTTP_HEAD;
  pipe->http.buffer = g_byte_array_new ();
}

static gboolean
on_incoming (GSocketService    *service G_GNUC_UNUSED,
             GSocketConnection *client,
             GObject           *source_object G_GNUC_UNUSED,
             gpointer           data)
{
  MotcuaFaultProxy *proxy = data;
  g_autoptr(GInetAddress) address = NULL;
  Connection *conn;
  gboolean down;
  guint16 port;

  g_mutex_lock (&proxy->mutex);
  proxy->n_connections++;
  address = g_object_ref (proxy->target_address);
  port = proxy->target_port;
  down = proxy->down;
  g_mutex_unlock (&proxy->mutex);

  if (down)
    {
      /* A link that is down: the client sees its connection closed at once. */
      g_io_stream_close (G_IO_STREAM (client), NULL, NULL);
      return TRUE;
    }

  conn = g_new0 (Connection, 1);
  conn->ref_count = 1;   /* the live list's */
  conn->proxy = proxy;
  conn->client = g_object_ref (client);
  conn->cancellable = g_cancellable_new ();
  pipe_init (&conn->up, conn, DIRECTION_UP);
  pipe_init (&conn->down, conn, DIRECTION_DOWN);
  conn->up.in = g_io_stream_get_input_stream (G_IO_STREAM (client));
  conn->down.out = g_io_stream_get_output_stream (G_IO_STREAM (client));
  proxy->live = g_list_prepend (proxy->live, conn);
  proxy->n_alive++;

  /* Small writes (a paced quantum, a request head) must leave at once. */
  g_socket_set_option (g_socket_connection_get_socket (client), IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  /* A connect refused at once closes the connection: hold it until done here. */
  connection_ref (conn);
  upstream_connect (conn, address, port);
  pipe_read (&conn->up);
  connection_unref (conn);
  return TRUE;
}

/* ---- the thread ----------------------------------------------------------------------- */

static gboolean
proxy_listen (MotcuaFaultProxy *proxy,
              const char       *target_path,
              GError          **error)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;

  proxy->service = g_socket_service_new ();
  /* A hundred workstations connect at once in the benchmark: GLib's backlog of 10
   * would drop most of them (the client then sees its connection reset). */
  g_socket_listener_set_backlog (G_SOCKET_LISTENER (proxy->service), 1024);
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (proxy->service), address,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                      &effective, error))
    return FALSE;
  proxy->url = g_strdup_printf ("http://127.0.0.1:%u%s",
                                g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective)),
                                target_path);
  g_signal_connect (proxy->service, "incoming", G_CALLBACK (on_incoming), proxy);
  g_socket_service_start (proxy->service);
  return TRUE;
}

static void
proxy_shutdown (MotcuaFaultProxy *proxy)
{
  if (proxy->service != NULL)
    {
      g_socket_service_stop (proxy->service);
      g_socket_listener_close (G_SOCKET_LISTENER (proxy->service));
    }
  while (proxy->live != NULL)
    connection_close (proxy->live->data);
  /* Cancelled operations report back through this context before the memory goes. */
  while (proxy->n_alive > 0)
    g_main_context_iteration (proxy->context, TRUE);
  while (g_main_context_iteration (proxy->context, FALSE))
    ;
  g_clear_object (&proxy->service);
}

typedef struct {
  MotcuaFaultProxy *proxy;
  char             *target_path;
} ThreadStart;

static gpointer
proxy_thread (gpointer data)
{
  ThreadStart *start = data;
  MotcuaFaultProxy *proxy = start->proxy;
  GError *error = NULL;
  gboolean listening;

  g_main_context_push_thread_default (proxy->context);
  listening = proxy_listen (proxy, start->target_path, &error);

  g_mutex_lock (&proxy->mutex);
  proxy->start_error = error;
  proxy->ready = TRUE;
  g_cond_signal (&proxy->ready_cond);
  g_mutex_unlock (&proxy->mutex);

  if (listening)
    g_main_loop_run (proxy->loop);
  proxy_shutdown (proxy);
  g_main_context_pop_thread_default (proxy->context);
  g_free (start->target_path);
  g_free (start);
  return NULL;
}

/* ---- API ------------------------------------------------------------------------------- */

static gboolean
parse_target (const char    *target_url,
              GInetAddress **address,
              guint16       *port,
              char         **path,
              GError       **error)
{
  g_autoptr(GUri) uri = g_uri_parse (target_url, G_URI_FLAGS_NONE, error);
  int uri_port;

  if (uri == NULL)
    return FALSE;
  uri_port = g_uri_get_port (uri);
  if (g_uri_get_host (uri) == NULL || uri_port <= 0
      || (*address = g_inet_address_new_from_string (g_uri_get_host (uri))) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "The proxy needs a target with an IP address and a port, not %s", target_url);
      return FALSE;
    }
  *port = (guint16) uri_port;
  if (path != NULL)
    *path = g_strdup (g_uri_get_path (uri));
  return TRUE;
}

MotcuaFaultProxy *
motcua_fault_proxy_new (const char  *target_url,
                        GError     **error)
{
  MotcuaFaultProxy *proxy = g_new0 (MotcuaFaultProxy, 1);
  ThreadStart *start = g_new0 (ThreadStart, 1);

  g_mutex_init (&proxy->mutex);
  g_cond_init (&proxy->ready_cond);
  g_queue_init (&proxy->faults);
  proxy->requests = g_ptr_array_new_with_free_func ((GDestroyNotify) request_record_free);
  if (!parse_target (target_url, &proxy->target_address, &proxy->target_port, &start->target_path, error))
    {
      g_free (start);
      motcua_fault_proxy_free (proxy);
      return NULL;
    }

  proxy->context = g_main_context_new ();
  proxy->loop = g_main_loop_new (proxy->context, FALSE);
  start->proxy = proxy;
  proxy->thread = g_thread_new ("fault-proxy", proxy_thread, start);

  g_mutex_lock (&proxy->mutex);
  while (!proxy->ready)
    g_cond_wait (&proxy->ready_cond, &proxy->mutex);
  g_mutex_unlock (&proxy->mutex);

  if (proxy->start_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&proxy->start_error));
      motcua_fault_proxy_free (proxy);
      return NULL;
    }
  return proxy;
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
motcua_fault_proxy_free (MotcuaFaultProxy *proxy)
{
  if (proxy == NULL)
    return;
  if (proxy->thread != NULL)
    {
      g_main_context_invoke (proxy->context, quit_cb, proxy->loop);
      g_thread_join (proxy->thread);
    }
  g_clear_pointer (&proxy->loop, g_main_loop_unref);
  g_clear_pointer (&proxy->context, g_main_context_unref);
  g_queue_clear_full (&proxy->faults, (GDestroyNotify) pending_fault_free);
  g_clear_pointer (&proxy->requests, g_ptr_array_unref);
  g_clear_error (&proxy->start_error);
  g_clear_object (&proxy->target_address);
  g_free (proxy->url);
  g_cond_clear (&proxy->ready_cond);
  g_mutex_clear (&proxy->mutex);
  g_free (proxy);
}

const char *
motcua_fault_proxy_get_url (MotcuaFaultProxy *proxy)
{
  return proxy->url;
}

void
motcua_fault_proxy_set_target (MotcuaFaultProxy *proxy,
                               const char       *target_url)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) address = NULL;
  guint16 port;

  if (!parse_target (target_url, &address, &port, NULL, &error))
    g_error ("motcua_fault_proxy_set_target: %s", error->message);
  g_mutex_lock (&proxy->mutex);
  g_clear_object (&proxy->target_address);
  proxy->target_address = g_steal_pointer (&address);
  proxy->target_port = port;
  g_mutex_unlock (&proxy->mutex);
}

void
motcua_fault_proxy_set_throttle (MotcuaFaultProxy *proxy,
                                 guint64           bytes_per_second,
                                 guint             latency_ms)
{
  g_mutex_lock (&proxy->mutex);
  proxy->rate = bytes_per_second;
  proxy->latency_ms = latency_ms;
  g_mutex_unlock (&proxy->mutex);
}

static void
arm_cut (MotcuaFaultProxy *proxy,
         guint64           bytes,
         gboolean          then_down)
{
  g_mutex_lock (&proxy->mutex);
  proxy->cut_armed = TRUE;
  proxy->cut_then_down = then_down;
  proxy->cut_remaining = bytes;
  g_mutex_unlock (&proxy->mutex);
}

void
motcua_fault_proxy_cut_after (MotcuaFaultProxy *proxy,
                              guint64           bytes)
{
  arm_cut (proxy, bytes, FALSE);
}

void
motcua_fault_proxy_cut_after_then_down (MotcuaFaultProxy *proxy,
                                        guint64           bytes)
{
  arm_cut (proxy, bytes, TRUE);
}

static gboolean
close_all_cb (gpointer data)
{
  close_all_connections (data, NULL);
  return G_SOURCE_REMOVE;
}

void
motcua_fault_proxy_set_down (MotcuaFaultProxy *proxy,
                             gboolean          down)
{
  g_mutex_lock (&proxy->mutex);
  proxy->down = down;
  g_mutex_unlock (&proxy->mutex);
  if (down)
    g_main_context_invoke (proxy->context, close_all_cb, proxy);
}

gboolean
motcua_fault_proxy_is_down (MotcuaFaultProxy *proxy)
{
  return settings_is_down (proxy);
}

void
motcua_fault_proxy_fail_next (MotcuaFaultProxy *proxy,
                              const char       *method,
                              const char       *path_prefix,
                              MotcuaFault       fault)
{
  PendingFault *pending = g_new0 (PendingFault, 1);

  g_return_if_fail (fault != MOTCUA_FAULT_NONE);
  pending->method = g_strdup (method);
  pending->path_prefix = g_strdup (path_prefix != NULL ? path_prefix : "");
  pending->fault = fault;
  g_mutex_lock (&proxy->mutex);
  g_queue_push_tail (&proxy->faults, pending);
  g_mutex_unlock (&proxy->mutex);
}

void
motcua_fault_proxy_clear_faults (MotcuaFaultProxy *proxy)
{
  g_mutex_lock (&proxy->mutex);
  g_queue_clear_full (&proxy->faults, (GDestroyNotify) pending_fault_free);
  proxy->cut_armed = FALSE;
  g_mutex_unlock (&proxy->mutex);
}

static guint64
locked_read (MotcuaFaultProxy *proxy,
             const guint64    *value)
{
  guint64 copy;

  g_mutex_lock (&proxy->mutex);
  copy = *value;
  g_mutex_unlock (&proxy->mutex);
  return copy;
}

guint64
motcua_fault_proxy_get_bytes_up (MotcuaFaultProxy *proxy)
{
  return locked_read (proxy, &proxy->bytes[DIRECTION_UP]);
}

guint64
motcua_fault_proxy_get_bytes_down (MotcuaFaultProxy *proxy)
{
  return locked_read (proxy, &proxy->bytes[DIRECTION_DOWN]);
}

guint
motcua_fault_proxy_get_connections (MotcuaFaultProxy *proxy)
{
  guint n;

  g_mutex_lock (&proxy->mutex);
  n = proxy->n_connections;
  g_mutex_unlock (&proxy->mutex);
  return n;
}

guint
motcua_fault_proxy_get_faults_fired (MotcuaFaultProxy *proxy)
{
  guint n;

  g_mutex_lock (&proxy->mutex);
  n = proxy->faults_fired;
  g_mutex_unlock (&proxy->mutex);
  return n;
}

guint
motcua_fault_proxy_count_requests (MotcuaFaultProxy *proxy,
                                   const char       *method,
                                   const char       *path_prefix)
{
  guint n = 0;

  g_mutex_lock (&proxy->mutex);
  for (guint i = 0; i < proxy->requests->len; i++)
    if (request_record_matches (g_ptr_array_index (proxy->requests, i), method, path_prefix))
      n++;
  g_mutex_unlock (&proxy->mutex);
  return n;
}

guint64
motcua_fault_proxy_get_request_bytes (MotcuaFaultProxy *proxy,
                                      const char       *method,
                                      const char       *path_prefix)
{
  guint64 n = 0;

  g_mutex_lock (&proxy->mutex);
  for (guint i = 0; i < proxy->requests->len; i++)
    {
      const RequestRecord *record = g_ptr_array_index (proxy->requests, i);

      if (request_record_matches (record, method, path_prefix))
        n += record->bytes_up;
    }
  g_mutex_unlock (&proxy->mutex);
  return n;
}

GArray *
motcua_fault_proxy_get_latencies (MotcuaFaultProxy *proxy,
                                  const char       *method,
                                  const char       *path_prefix)
{
  GArray *seconds = g_array_new (FALSE, FALSE, sizeof (double));

  g_mutex_lock (&proxy->mutex);
  for (guint i = 0; i < proxy->requests->len; i++)
    {
      const RequestRecord *record = g_ptr_array_index (proxy->requests, i);

      if (record->answered_us > 0 && request_record_matches (record, method, path_prefix))
        {
          double value = (record->answered_us - record->seen_us) / 1e6;

          g_array_append_val (seconds, value);
        }
    }
  g_mutex_unlock (&proxy->mutex);
  return seconds;
}

gint64
motcua_fault_proxy_get_first_request_time (MotcuaFaultProxy *proxy,
                                           const char       *method,
                                           const char       *path_prefix)
{
  gint64 seen_us = -1;

  g_mutex_lock (&proxy->mutex);
  for (guint i = 0; i < proxy->requests->len && seen_us < 0; i++)
    {
      const RequestRecord *record = g_ptr_array_index (proxy->requests, i);

      if (request_record_matches (record, method, path_prefix))
        seen_us = record->seen_us;
    }
  g_mutex_unlock (&proxy->mutex);
  return seen_us;
}

const char *
motcua_fault_name (MotcuaFault fault)
{
  switch (fault)
    {
    case MOTCUA_FAULT_NONE: return "none";
    case MOTCUA_FAULT_500: return "500";
    case MOTCUA_FAULT_503: return "503-retry-after";
    case MOTCUA_FAULT_MALFORMED_JSON: return "malformed-json";
    case MOTCUA_FAULT_TRUNCATED: return "truncated-body";
    case MOTCUA_FAULT_WRONG_CONTENT_TYPE: return "wrong-content-type";
    case MOTCUA_FAULT_CLOSE: return "close";
    default: return "?";
    }
}
