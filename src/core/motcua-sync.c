/* motcua-sync.c: the workstation's side of the sync protocol.
 *
 * Everything a round does is plain blocking code over a Round: the round's own store
 * connection and its own SoupSession (a libsoup session belongs to one thread), made
 * in the thread that runs the round. The MotcuaSync object only mirrors the outcome
 * for the window, on the main context it was created in.
 */

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "motcua-catalog.h"
#include "motcua-error.h"
#include "motcua-protocol.h"
#include "motcua-secret.h"
#include "motcua-sync.h"
#include "motcua-time.h"

/* Events per push: as many as the protocol allows, since on a 300 ms link every batch
 * is a round trip; a cut batch is simply pushed again (pushes are idempotent). */
#define PUSH_BATCH           MOTCUA_PROTOCOL_MAX_BATCH
#define CODE_BLOCK_SIZE      50
#define CODE_BLOCK_LOW       10
#define CODE_DAYS_AHEAD      5
#define HTTP_TIMEOUT         60
/* Automatic rounds: every few minutes while all is well; after a failure 30 s
 * doubling to 15 min; a Retry-After is honoured up to an hour. */
#define AUTO_INTERVAL        300
#define BACKOFF_FIRST        30
#define BACKOFF_LAST         900
#define RETRY_AFTER_LAST     3600
/* A local action is sent this soon when the server is reachable. */
#define AFTER_ACTION_DELAY   5
#define NETWORK_BACK_DELAY   2

struct _MotcuaSync
{
  GObject parent_instance;

  /* Owned */
  MotcuaStore      *store;          /* the main thread's connection: counts and state */
  char             *db_path;        /* rounds open their own connection on it */
  GMainContext     *context;        /* where properties change and timers run */
  char             *server_url;
  char             *last_success;
  char             *message;
  GCancellable     *cancellable;    /* automatic rounds; cancelled on dispose */
  GNetworkMonitor  *monitor;
  MotcuaSyncStatus  status;
  gint64            pending;
  gint64            attention;
  double            progress;

  /* Automatic rounds */
  gulong            network_changed_id;
  GSource          *timer;
  guint             failures;
  guint             retry_after;
  gboolean          auto_started;
  gboolean          running;
  gboolean          again;          /* local work came while a round ran */
  gboolean          requested;      /* "sync now" came while a round ran */
};

G_DEFINE_FINAL_TYPE (MotcuaSync, motcua_sync, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STORE,
  PROP_STATUS,
  PROP_PENDING,
  PROP_ATTENTION,
  PROP_LAST_SUCCESS,
  PROP_PROGRESS,
  PROP_MESSAGE,
  PROP_SERVER_URL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  JOURNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- status and report ---------------------------------------------------------- */

GType
motcua_sync_status_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    { MOTCUA_SYNC_STATUS_UNREGISTERED, "MOTCUA_SYNC_STATUS_UNREGISTERED", "unregistered" },
    { MOTCUA_SYNC_STATUS_IDLE, "MOTCUA_SYNC_STATUS_IDLE", "idle" },
    { MOTCUA_SYNC_STATUS_SYNCING, "MOTCUA_SYNC_STATUS_SYNCING", "syncing" },
    { MOTCUA_SYNC_STATUS_OFFLINE, "MOTCUA_SYNC_STATUS_OFFLINE", "offline" },
    { MOTCUA_SYNC_STATUS_AUTH_FAILED, "MOTCUA_SYNC_STATUS_AUTH_FAILED", "auth-failed" },
    { MOTCUA_SYNC_STATUS_SERVER_ERROR, "MOTCUA_SYNC_STATUS_SERVER_ERROR", "server-error" },
    { 0, NULL, NULL }
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static (g_intern_static_string ("MotcuaSyncStatus"), values));
  return type;
}

const char *
motcua_sync_status_to_string (MotcuaSyncStatus status)
{
  static const char * const names[] = {
    [MOTCUA_SYNC_STATUS_UNREGISTERED] = "unregistered",
    [MOTCUA_SYNC_STATUS_IDLE] = "idle",
    [MOTCUA_SYNC_STATUS_SYNCING] = "syncing",
    [MOTCUA_SYNC_STATUS_OFFLINE] = "offline",
    [MOTCUA_SYNC_STATUS_AUTH_FAILED] = "auth-failed",
    [MOTCUA_SYNC_STATUS_SERVER_ERROR] = "server-error",
  };

  return (guint) status < G_N_ELEMENTS (names) ? names[status] : "unknown";
}

const char *
motcua_sync_status_label (MotcuaSyncStatus status)
{
  switch (status)
    {
    case MOTCUA_SYNC_STATUS_UNREGISTERED:
      return _("Not connected to a server");
    case MOTCUA_SYNC_STATUS_IDLE:
      return _("Synchronised");
    case MOTCUA_SYNC_STATUS_SYNCING:
      return _("Synchronising…");
    case MOTCUA_SYNC_STATUS_OFFLINE:
      return _("Offline");
    case MOTCUA_SYNC_STATUS_AUTH_FAILED:
      return _("Registration refused by the server");
    case MOTCUA_SYNC_STATUS_SERVER_ERROR:
    default:
      return _("Server problem");
    }
}

void
motcua_sync_report_clear (MotcuaSyncReport *report)
{
  g_clear_pointer (&report->rejections, g_ptr_array_unref);
  memset (report, 0, sizeof *report);
}

const char *
motcua_sync_reason_label (const char *reason)
{
  static const struct { const char *reason; const char *label; } labels[] = {
    { "conflict", N_("another workstation acted on this dossier first") },
    { "chain", N_("it follows an event the server refused") },
    { "workflow", N_("the server's copy of the dossier does not allow this action") },
    { "invalid", N_("the server could not apply it to the dossier") },
    { "duplicate-code", N_("another dossier of the agency already has this code") },
    { "duplicate-dossier", N_("the server already has this dossier") },
    { "unknown-dossier", N_("the server does not know this dossier") },
    { "hash", N_("its content does not match its fingerprint") },
    { "op-id-reused", N_("its identifier was already used by another event") },
    { "wrong-agency", N_("the dossier belongs to another agency") },
    { "signature", N_("the approval's digital signature is missing or does not verify") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_strcmp0 (reason, labels[i].reason) == 0)
      return _(labels[i].label);
  return _("the server refused it");
}

/* ---- the object ----------------------------------------------------------------- */

static void stop_auto (MotcuaSync *self);

static void
motcua_sync_dispose (GObject *object)
{
  MotcuaSync *self = (MotcuaSync *) object;

  stop_auto (self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (motcua_sync_parent_class)->dispose (object);
}

static void
motcua_sync_finalize (GObject *object)
{
  MotcuaSync *self = (MotcuaSync *) object;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->db_path);
  g_free (self->server_url);
  g_free (self->last_success);
  g_free (self->message);

  G_OBJECT_CLASS (motcua_sync_parent_class)->finalize (object);
}

static void
motcua_sync_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  MotcuaSync *self = MOTCUA_SYNC (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_STATUS:
      g_value_set_enum (value, self->status);
      break;
    case PROP_PENDING:
      g_value_set_int64 (value, self->pending);
      break;
    case PROP_ATTENTION:
      g_value_set_int64 (value, self->attention);
      break;
    case PROP_LAST_SUCCESS:
      g_value_set_string (value, self->last_success);
      break;
    case PROP_PROGRESS:
      g_value_set_double (value, self->progress);
      break;
    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;
    case PROP_SERVER_URL:
      g_value_set_string (value, self->server_url);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
motcua_sync_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  MotcuaSync *self = MOTCUA_SYNC (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
motcua_sync_constructed (GObject *object)
{
  MotcuaSync *self = MOTCUA_SYNC (object);

  G_OBJECT_CLASS (motcua_sync_parent_class)->constructed (object);

  g_return_if_fail (self->store != NULL);
  self->db_path = g_strdup (motcua_store_get_path (self->store));
  self->server_url = motcua_store_get_state (self->store, "sync.server_url", NULL);
  self->last_success = motcua_store_get_state (self->store, "sync.last_success", NULL);
  self->message = motcua_store_get_state (self->store, "sync.last_error", NULL);
  self->status = self->server_url != NULL ? MOTCUA_SYNC_STATUS_IDLE : MOTCUA_SYNC_STATUS_UNREGISTERED;
  self->pending = MAX (motcua_store_count_pending (self->store, NULL), 0);
  self->attention = MAX (motcua_store_count_attention (self->store, NULL), 0);
}

static void
motcua_sync_class_init (MotcuaSyncClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = motcua_sync_constructed;
  object_class->dispose = motcua_sync_dispose;
  object_class->finalize = motcua_sync_finalize;
  object_class->get_property = motcua_sync_get_property;
  object_class->set_property = motcua_sync_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, MOTCUA_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL, MOTCUA_TYPE_SYNC_STATUS, MOTCUA_SYNC_STATUS_UNREGISTERED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PENDING] =
    g_param_spec_int64 ("pending", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ATTENTION] =
    g_param_spec_int64 ("attention", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_SUCCESS] =
    g_param_spec_string ("last-success", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL, -1.0, 1.0, -1.0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SERVER_URL] =
    g_param_spec_string ("server-url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Emitted on the object's context after a round that pulled, set aside, or had
   * accepted or refused events: what the window shows of the journal has changed. */
  signals[JOURNAL_CHANGED] =
    g_signal_new ("journal-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
motcua_sync_init (MotcuaSync *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->cancellable = g_cancellable_new ();
  self->progress = -1.0;
}

MotcuaSync *
motcua_sync_new (MotcuaStore *store)
{
  g_return_val_if_fail (MOTCUA_IS_STORE (store), NULL);

  return g_object_new (MOTCUA_TYPE_SYNC, "store", store, NULL);
}

MotcuaSyncStatus
motcua_sync_get_status (MotcuaSync *self)
{
  g_return_val_if_fail (MOTCUA_IS_SYNC (self), MOTCUA_SYNC_STATUS_UNREGISTERED);
  return self->status;
}

gint64
motcua_sync_get_pending (MotcuaSync *self)
{
  g_return_val_if_fail (MOTCUA_IS_SYNC (self), 0);
  return self->pending;
}

gint64
motcua_sync_get_attention (MotcuaSync *self)
{
  g_return_val_if_fail (MOTCUA_IS_SYNC (self), 0);
  return self->attention;
}

const char *
motcua_sync_get_last_success (MotcuaSync *self)
{
  g_return_val_if_fail (MOTCUA_IS_SYNC (self), NULL);
  return self->last_success;
}

double
motcua_sync_get_progress (MotcuaSync *self)
{
  g_return_val_if_fail (MOTCUA_IS_SYNC (self), -1.0);
  return self->progress;
}

const char *
motcua_sync_get_message (MotcuaSync *self)
{
  g_return_val_if_fail (MOTCUA_IS_SYNC (self), NULL);
  return self->message;
}

const char *
motcua_sync_get_server_url (MotcuaSync *self)
{
  g_return_val_if_fail (MOTCUA_IS_SYNC (self), NULL);
  return self->server_url;
}

/* ---- property changes, on the main context ------------------------------------------- */

enum {
  UPDATE_STATUS       = 1 << 0,
  UPDATE_MESSAGE      = 1 << 1,
  UPDATE_LAST_SUCCESS = 1 << 2,
  UPDATE_COUNTS       = 1 << 3,
  UPDATE_PROGRESS     = 1 << 4,
  UPDATE_SERVER_URL   = 1 << 5,
  UPDATE_CALENDAR     = 1 << 6,   /* the round changed the calendar */
  UPDATE_JOURNAL      = 1 << 7,   /* the round changed some dossier's journal */
};

/* A set of new values made in whatever thread runs a round, applied where the
 * object lives. */
typedef struct {
  MotcuaSync       *self;
  guint             fields;
  MotcuaSyncStatus  status;
  char             *message;
  char             *last_success;
  char             *server_url;
  gint64            pending;
  gint64            attention;
  double            progress;
} Update;

static void
update_free (gpointer data)
{
  Update *update = data;

  g_clear_object (&update->self);
  g_free (update->message);
  g_free (update->last_success);
  g_free (update->server_url);
  g_free (update);
}

static gboolean
set_string (char **field, const char *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

static gboolean
apply_update (gpointer data)
{
  Update *update = data;
  MotcuaSync *self = update->self;

  g_object_freeze_notify (G_OBJECT (self));
  if ((update->fields & UPDATE_STATUS) && self->status != update->status)
    {
      self->status = update->status;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
    }
  if ((update->fields & UPDATE_MESSAGE) && set_string (&self->message, update->message))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
  if ((update->fields & UPDATE_LAST_SUCCESS) && set_string (&self->last_success, update->last_success))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SUCCESS]);
  if ((update->fields & UPDATE_SERVER_URL) && set_string (&self->server_url, update->server_url))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER_URL]);
  if ((update->fields & UPDATE_COUNTS) && self->pending != update->pending)
    {
      self->pending = update->pending;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
    }
  if ((update->fields & UPDATE_COUNTS) && self->attention != update->attention)
    {
      self->attention = update->attention;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ATTENTION]);
    }
  /* The round wrote through its own connection; this one's calendar is cached. */
  if (update->fields & UPDATE_CALENDAR)
    motcua_store_reload_calendar (self->store);
  if ((update->fields & UPDATE_PROGRESS) && self->progress != update->progress)
    {
      self->progress = update->progress;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
    }
  g_object_thaw_notify (G_OBJECT (self));
  if (update->fields & UPDATE_JOURNAL)
    g_signal_emit (self, signals[JOURNAL_CHANGED], 0);
  return G_SOURCE_REMOVE;
}

/* Runs at once when called on the object's own context (the command line), else
 * queues the update there. Takes @update. */
static void
post_update (MotcuaSync *self, Update *update)
{
  if (self == NULL)
    {
      update_free (update);
      return;
    }
  update->self = g_object_ref (self);
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, apply_update, update, update_free);
}

static void
post_status (MotcuaSync *self, MotcuaSyncStatus status)
{
  Update *update = g_new0 (Update, 1);

  update->fields = UPDATE_STATUS;
  update->status = status;
  post_update (self, update);
}

/* ---- a round's connection and session ---------------------------------------------- */

typedef struct {
  MotcuaSync       *sync;          /* borrowed; NULL while registering */
  MotcuaStore      *store;         /* the round's own connection */
  SoupSession      *session;
  char             *base_url;      /* without a trailing slash */
  char             *token;
  char             *agency_code;
  GCancellable     *cancellable;   /* borrowed */
  MotcuaSyncReport *report;        /* borrowed */
  MotcuaSyncStatus  failure;       /* the status a failure leaves */
  guint             retry_after;   /* seconds, from a 503 */
  /* Attachments travelling, for the progress property. */
  guint64           transfer_total;
  guint64           transfer_done;
  int               progress_permille;
  gboolean          progress_by_count;   /* many downloads of unknown sizes */
} Round;

static void
round_clear (Round *round)
{
  g_clear_object (&round->store);
  g_clear_object (&round->session);
  g_clear_pointer (&round->base_url, g_free);
  g_clear_pointer (&round->token, g_free);
  g_clear_pointer (&round->agency_code, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Round, round_clear)

static void
round_progress (Round *round, double fraction)
{
  int permille = fraction < 0 ? -1 : (int) (CLAMP (fraction, 0.0, 1.0) * 1000);
  Update *update;

  /* A notification per chunk would flood the window's main loop. */
  if (permille == round->progress_permille || (permille >= 0 && round->progress_permille >= 0
                                               && ABS (permille - round->progress_permille) < 10
                                               && permille != 1000))
    return;
  round->progress_permille = permille;
  update = g_new0 (Update, 1);
  update->fields = UPDATE_PROGRESS;
  update->progress = permille < 0 ? -1.0 : permille / 1000.0;
  post_update (round->sync, update);
}

static void
round_transferred (Round *round, guint64 bytes)
{
  round->transfer_done += bytes;
  if (round->transfer_total > 0 && !round->progress_by_count)
    round_progress (round, (double) round->transfer_done / round->transfer_total);
}

static SoupSession *
make_session (const char *ca_file, GError **error)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", HTTP_TIMEOUT,
                                                                  "idle-timeout", HTTP_TIMEOUT,
                                                                  "user-agent", "motcua/" PACKAGE_VERSION,
                                                                  NULL);

  /* Verification stays on: a CA file only adds whom to trust. */
  if (ca_file != NULL && *ca_file != '\0')
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(GTlsDatabase) database = g_tls_file_database_new (ca_file, &local_error);

      if (database == NULL)
        {
          g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                       _("The certificate authority file %s cannot be used: %s"), ca_file, local_error->message);
          return NULL;
        }
      soup_session_set_tls_database (session, database);
    }
  return g_steal_pointer (&session);
}

static SoupMessage *
round_message (Round *round, const char *method, const char *path, gboolean authorized)
{
  g_autofree char *uri = g_strconcat (round->base_url, path, NULL);
  SoupMessage *message = soup_message_new (method, uri);

  if (message != NULL && authorized && round->token != NULL)
    {
      g_autofree char *bearer = g_strconcat ("Bearer ", round->token, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", bearer);
    }
  return message;
}

static gboolean
is_connection_error (const GError *error)
{
  static const GIOErrorEnum codes[] = {
    G_IO_ERROR_CONNECTION_REFUSED, G_IO_ERROR_HOST_UNREACHABLE, G_IO_ERROR_NETWORK_UNREACHABLE,
    G_IO_ERROR_TIMED_OUT, G_IO_ERROR_CONNECTION_CLOSED, G_IO_ERROR_BROKEN_PIPE, G_IO_ERROR_NOT_CONNECTED,
    G_IO_ERROR_HOST_NOT_FOUND, G_IO_ERROR_PROXY_FAILED,
  };

  if (error->domain == G_RESOLVER_ERROR)
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    if (g_error_matches (error, G_IO_ERROR, codes[i]))
      return TRUE;
  return FALSE;
}

/* A request that got no whole answer. */
static gboolean
transport_failed (Round *round, const GError *cause, GError **error)
{
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      round->failure = MOTCUA_SYNC_STATUS_IDLE;
      g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_FAILED,
                           _("Synchronisation was stopped. Nothing was lost."));
    }
  else if (cause->domain == G_TLS_ERROR)
    {
      round->failure = MOTCUA_SYNC_STATUS_SERVER_ERROR;
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_IO,
                   _("The server %s could not prove who it is (%s). Check its address and the "
                     "certificate authority file given when the workstation was registered."),
                   round->base_url, cause->message);
    }
  else if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT))
    {
      round->failure = MOTCUA_SYNC_STATUS_SERVER_ERROR;
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_IO,
                   _("The connection to the server %s was cut in the middle of an answer. Nothing of it "
                     "was saved and nothing was lost; the next attempt will continue."), round->base_url);
    }
  else
    {
      round->failure = is_connection_error (cause) ? MOTCUA_SYNC_STATUS_OFFLINE : MOTCUA_SYNC_STATUS_SERVER_ERROR;
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_IO,
                   _("Cannot reach the server %s (%s). The work stays on this computer and will be sent "
                     "when the connection returns."), round->base_url, cause->message);
    }
  return FALSE;
}

static GBytes *
round_send (Round *round, SoupMessage *message, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  GBytes *body;

  if (message == NULL)
    {
      round->failure = MOTCUA_SYNC_STATUS_SERVER_ERROR;
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                   _("The server address %s is not valid. Register the workstation again."), round->base_url);
      return NULL;
    }
  body = soup_session_send_and_read (round->session, message, round->cancellable, &local_error);
  if (body == NULL)
    transport_failed (round, local_error, error);
  return body;
}

static gboolean
malformed (Round *round, const char *what, GError **error)
{
  round->failure = MOTCUA_SYNC_STATUS_SERVER_ERROR;
  g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
               _("The server %s gave an answer that could not be understood (%s). Nothing of it was saved; "
                 "the next attempt will ask again."), round->base_url, what);
  return FALSE;
}

/* A 2xx the endpoint never gives. */
static gboolean
unexpected_status (Round *round, SoupMessage *message, GError **error)
{
  g_autofree char *what = g_strdup_printf (_("an unexpected status %u"), soup_message_get_status (message));

  return malformed (round, what, error);
}

/* The "error" word of an error answer, when it has one. */
static char *
error_reason (GBytes *body)
{
  g_autoptr(JsonObject) object = motcua_protocol_parse_object (body, NULL);

  if (object == NULL)
    return NULL;
  return g_strdup (json_object_get_string_member_with_default (object, "error", NULL));
}

/* The failures every endpoint shares; the ones an endpoint expects (404 of a HEAD,
 * 409 of a PUT…) are looked at before this. */
static gboolean
check_status (Round *round, SoupMessage *message, GBytes *body, GError **error)
{
  guint status = soup_message_get_status (message);
  g_autofree char *reason = NULL;

  if (status >= 200 && status < 300)
    return TRUE;
  if (status == SOUP_STATUS_UNAUTHORIZED)
    {
      round->failure = MOTCUA_SYNC_STATUS_AUTH_FAILED;
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_PERMISSION,
                   _("The server %s no longer accepts this workstation: its registration is unknown or was "
                     "revoked. Nothing was lost. Register it again with a new enrolment code."), round->base_url);
      return FALSE;
    }
  round->failure = MOTCUA_SYNC_STATUS_SERVER_ERROR;
  if (status == SOUP_STATUS_SERVICE_UNAVAILABLE)
    {
      const char *retry = soup_message_headers_get_one (soup_message_get_response_headers (message), "Retry-After");
      guint64 seconds = 0;

      if (retry != NULL && g_ascii_string_to_unsigned (retry, 10, 0, G_MAXUINT32, &seconds, NULL))
        round->retry_after = seconds;
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_FAILED,
                   _("The server %s is busy or in maintenance. Nothing was lost; synchronisation will try again later."),
                   round->base_url);
      return FALSE;
    }
  if (status >= 500)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_FAILED,
                   _("The server %s failed (HTTP %u). Nothing was lost; synchronisation will try again later."),
                   round->base_url, status);
      return FALSE;
    }
  reason = error_reason (body);
  g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_FAILED,
               _("The server %s refused a request (HTTP %u, %s). Nothing was lost; if this goes on, tell the "
                 "server's administrator."), round->base_url, status, reason ? reason : "?");
  return FALSE;
}

/* The JSON object of a 2xx answer: the right content type, whole, an object. */
static JsonObject *
read_json (Round *round, SoupMessage *message, GBytes *body, GError **error)
{
  const char *type = soup_message_headers_get_content_type (soup_message_get_response_headers (message), NULL);
  g_autoptr(GError) local_error = NULL;
  JsonObject *object;

  if (g_strcmp0 (type, "application/json") != 0)
    {
      g_autofree char *what = g_strdup_printf (_("its type is %s, not JSON"), type ? type : "?");
      malformed (round, what, error);
      return NULL;
    }
  object = motcua_protocol_parse_object (body, &local_error);
  if (object == NULL)
    malformed (round, local_error->message, error);
  return object;
}

/* Sends, checks the status, reads the JSON: the common case. */
static JsonObject *
round_exchange (Round *round, SoupMessage *message, GError **error)
{
  g_autoptr(GBytes) body = round_send (round, message, error);

  if (body == NULL || !check_status (round, message, body, error))
    return NULL;
  return read_json (round, message, body, error);
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

static const char *
member_string (JsonObject *object, const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

typedef struct {
  GBytes *body;
  char   *content_type;
} Body;

static void
body_free (gpointer data, GClosure *closure)
{
  Body *body = data;

  g_bytes_unref (body->body);
  g_free (body->content_type);
  g_free (body);
}

/* libsoup re-sends an idempotent request (a PUT) by itself when a kept-alive
 * connection turns out to be closed, but does not rewind its body: without this, the
 * second copy of a chunk would go out empty. */
static void
resend_body (SoupMessage *message, gpointer user_data)
{
  Body *body = user_data;

  soup_message_set_request_body_from_bytes (message, body->content_type, body->body);
}

static void
set_body (SoupMessage *message, const char *content_type, GBytes *bytes)
{
  Body *body = g_new0 (Body, 1);

  body->body = g_bytes_ref (bytes);
  body->content_type = g_strdup (content_type);
  soup_message_set_request_body_from_bytes (message, content_type, bytes);
  g_signal_connect_data (message, "restarted", G_CALLBACK (resend_body), body, body_free, 0);
}

static void
set_json_body (SoupMessage *message, JsonNode *root, gboolean compress)
{
  g_autoptr(GBytes) body = motcua_protocol_to_bytes (root);

  if (compress)
    {
      g_autoptr(GBytes) gzipped = motcua_protocol_gzip (body);

      soup_message_headers_replace (soup_message_get_request_headers (message), "Content-Encoding", "gzip");
      set_body (message, "application/json", gzipped);
    }
  else
    set_body (message, "application/json", body);
}

/* Opens the round's own connection and session from what registration stored. */
static gboolean
round_open (Round *round, const char *db_path, GError **error)
{
  g_autofree char *ca_file = NULL;
  g_autoptr(MotcuaAgency) agency = NULL;

  round->failure = MOTCUA_SYNC_STATUS_SERVER_ERROR;
  if ((round->store = motcua_store_open (db_path, error)) == NULL)
    return FALSE;
  round->base_url = motcua_store_get_state (round->store, "sync.server_url", NULL);
  if (round->base_url == NULL)
    {
      round->failure = MOTCUA_SYNC_STATUS_UNREGISTERED;
      g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_NOT_FOUND,
                           _("This workstation is not registered with a server yet. Register it with "
                             "“motcua register --server URL --code CODE”."));
      return FALSE;
    }
  round->token = motcua_secret_get_device_token (round->store, NULL, NULL, error);
  if (round->token == NULL && error != NULL && *error != NULL)
    return FALSE;
  if (round->token == NULL)
    {
      round->failure = MOTCUA_SYNC_STATUS_AUTH_FAILED;
      g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_PERMISSION,
                           _("This workstation has no device token. Register it again with a new enrolment code."));
      return FALSE;
    }
  if ((agency = motcua_store_get_agency (round->store, error)) == NULL)
    return FALSE;
  round->agency_code = g_strdup (agency->code);
  ca_file = motcua_store_get_state (round->store, "sync.ca_file", NULL);
  round->session = make_session (ca_file, error);
  return round->session != NULL;
}

/* ---- registration -------------------------------------------------------------------- */

static gboolean
is_loopback (const char *host)
{
  return host != NULL && (g_str_equal (host, "localhost") || g_str_has_prefix (host, "127.")
                          || g_str_equal (host, "::1") || g_str_equal (host, "[::1]"));
}

/* https://host[:port][/prefix] without a trailing slash; plain http only on this computer. */
static char *
normalize_server_url (const char *text, GError **error)
{
  g_autoptr(GUri) uri = text ? g_uri_parse (text, G_URI_FLAGS_NONE, NULL) : NULL;
  g_autofree char *normal = NULL;
  const char *scheme = uri ? g_uri_get_scheme (uri) : NULL;
  gsize length;

  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0'
      || !(g_str_equal (scheme, "https") || (g_str_equal (scheme, "http") && is_loopback (g_uri_get_host (uri))))
      || g_uri_get_query (uri) != NULL)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                   _("“%s” is not a server address this workstation can use: write it as https://name-of-server "
                     "(plain http:// only for a server on this computer)."), text ? text : "");
      return NULL;
    }
  normal = g_strdup (text);
  length = strlen (normal);
  while (length > 0 && normal[length - 1] == '/')
    normal[--length] = '\0';
  return g_steal_pointer (&normal);
}

/* The server's agency becomes the workstation's; a workstation of another agency
 * must not take a code meant for this one. */
static gboolean
adopt_agency (MotcuaStore *store, JsonObject *agency_object, GError **error)
{
  g_autoptr(MotcuaAgency) current = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *code = member_string (agency_object, "code");
  const char *name = member_string (agency_object, "name");
  MotcuaAgency agency = { 0 };

  current = motcua_store_get_agency (store, &local_error);
  if (current == NULL && !g_error_matches (local_error, MOTCUA_ERROR, MOTCUA_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (current != NULL)
    {
      if (g_strcmp0 (current->code, code) == 0)
        return TRUE;
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_REFUSED,
                   _("This workstation belongs to %s (%s), but the enrolment code is for %s (%s). Nothing was "
                     "changed; ask the server's administrator for a code of %s."),
                   current->name, current->code, name ? name : "?", code ? code : "?", current->code);
      return FALSE;
    }
  agency.code = (char *) code;
  agency.name = (char *) name;
  agency.address = (char *) member_string (agency_object, "address");
  return motcua_store_set_agency (store, &agency, error);
}

static gboolean
save_registration (MotcuaStore *store, const char *server_url, const char *device_id, const char *token,
                   const char *ca_file, JsonObject *agency, GError **error)
{
  g_autofree char *previous = motcua_store_get_state (store, "sync.server_url", NULL);
  gboolean new_server = g_strcmp0 (previous, server_url) != 0;

  if (!motcua_store_begin (store, error))
    return FALSE;
  /* Another server shares none of this one's sequence or blobs. */
  if (!adopt_agency (store, agency, error)
      || (new_server && (!motcua_store_set_state (store, "sync.cursor", "0", error)
                         || !motcua_store_set_state (store, "sync.catalog_etag", NULL, error)
                         || !motcua_store_forget_uploaded_blobs (store, error)))
      || !motcua_store_set_state (store, "sync.server_url", server_url, error)
      || !motcua_store_set_state (store, "sync.device_id", device_id, error)
      || !motcua_store_set_state (store, "sync.token", token, error)
      || !motcua_store_set_state (store, "sync.ca_file", ca_file, error)
      || !motcua_store_set_state (store, "sync.last_error", NULL, error)
      || !motcua_store_commit (store, error))
    {
      motcua_store_rollback (store);
      return FALSE;
    }
  /* Committed with the rest first, so a keyring failing halfway loses nothing; then
   * out of the database when a keyring takes it. */
  motcua_secret_secure_device_token (store, NULL, NULL);
  return TRUE;
}

gboolean
motcua_sync_register (MotcuaStore  *store,
                      const char   *server_url,
                      const char   *code,
                      const char   *device_name,
                      const char   *ca_file,
                      GCancellable *cancellable,
                      GError      **error)
{
  g_auto(Round) round = { 0 };
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) request = NULL;
  g_autofree char *ca_path = NULL;
  const char *device_id, *token;
  JsonNode *agency;

  g_return_val_if_fail (MOTCUA_IS_STORE (store), FALSE);

  if (code == NULL || *code == '\0')
    {
      g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                           _("Registering needs the enrolment code the server's administrator gave you."));
      return FALSE;
    }
  if ((round.base_url = normalize_server_url (server_url, error)) == NULL)
    return FALSE;
  if (ca_file != NULL && *ca_file != '\0')
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (ca_file);

      ca_path = g_file_get_path (file);
      if (ca_path == NULL || !g_file_test (ca_path, G_FILE_TEST_IS_REGULAR))
        {
          g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_NOT_FOUND,
                       _("There is no certificate authority file %s."), ca_file);
          return FALSE;
        }
    }
  if ((round.session = make_session (ca_path, error)) == NULL)
    return FALSE;
  round.store = g_object_ref (store);
  round.cancellable = cancellable;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "device_name");
  json_builder_add_string_value (builder, device_name && *device_name ? device_name : g_get_host_name ());
  json_builder_end_object (builder);
  request = json_builder_get_root (builder);

  message = round_message (&round, SOUP_METHOD_POST, "/v1/enrol", FALSE);
  if (message != NULL)
    set_json_body (message, request, FALSE);
  if ((body = round_send (&round, message, error)) == NULL)
    return FALSE;
  if (soup_message_get_status (message) == SOUP_STATUS_FORBIDDEN)
    {
      g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_PERMISSION,
                           _("The server did not accept the enrolment code: it is unknown, already used or older "
                             "than 7 days. Ask the server's administrator for a new one."));
      return FALSE;
    }
  if (!check_status (&round, message, body, error)
      || (answer = read_json (&round, message, body, error)) == NULL)
    return FALSE;

  device_id = member_string (answer, "device_id");
  token = member_string (answer, "token");
  agency = json_object_get_member (answer, "agency");
  if (device_id == NULL || token == NULL || agency == NULL || !JSON_NODE_HOLDS_OBJECT (agency)
      || member_string (json_node_get_object (agency), "code") == NULL)
    return malformed (&round, _("the enrolment answer lacks the device, its token or the agency"), error);
  return save_registration (store, round.base_url, device_id, token, ca_path, json_node_get_object (agency), error);
}

/* ---- enrolment in a worker thread ----------------------------------------------------- */

typedef struct {
  char *db_path;
  char *server_url;
  char *code;
  char *ca_file;
} Enrolment;

static void
enrolment_free (Enrolment *enrolment)
{
  g_free (enrolment->db_path);
  g_free (enrolment->server_url);
  g_free (enrolment->code);
  g_free (enrolment->ca_file);
  g_free (enrolment);
}

/* On a connection of its own: the caller's stays in its thread. */
static void
register_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Enrolment *enrolment = task_data;
  GError *error = NULL;
  g_autoptr(MotcuaStore) store = motcua_store_open (enrolment->db_path, &error);

  if (store != NULL
      && motcua_sync_register (store, enrolment->server_url, enrolment->code, NULL, enrolment->ca_file,
                               cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
motcua_sync_register_async (MotcuaStore         *store,
                            const char          *server_url,
                            const char          *code,
                            const char          *ca_file,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  Enrolment *enrolment = g_new0 (Enrolment, 1);

  g_return_if_fail (MOTCUA_IS_STORE (store));

  enrolment->db_path = g_strdup (motcua_store_get_path (store));
  enrolment->server_url = g_strdup (server_url);
  enrolment->code = g_strdup (code);
  enrolment->ca_file = ca_file && *ca_file ? g_strdup (ca_file) : NULL;
  g_task_set_source_tag (task, motcua_sync_register_async);
  g_task_set_task_data (task, enrolment, (GDestroyNotify) enrolment_free);
  g_task_run_in_thread (task, register_in_thread);
}

gboolean
motcua_sync_register_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == motcua_sync_register_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- step 1: is the server there? ------------------------------------------------------- */

static gboolean
round_probe (Round *round, GError **error)
{
  g_autoptr(SoupMessage) message = round_message (round, SOUP_METHOD_GET, "/v1/health", FALSE);
  g_autoptr(JsonObject) health = round_exchange (round, message, error);
  gint64 protocol = 0;

  if (health == NULL)
    return FALSE;
  if (!member_int (health, "protocol", &protocol))
    return malformed (round, _("the health answer does not say its protocol"), error);
  if (protocol != MOTCUA_PROTOCOL_VERSION)
    {
      round->failure = MOTCUA_SYNC_STATUS_SERVER_ERROR;
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_FAILED,
                   _("The server %s speaks version %d of the sync protocol, this workstation version %d. "
                     "Update whichever is older."), round->base_url, (int) protocol, MOTCUA_PROTOCOL_VERSION);
      return FALSE;
    }
  return TRUE;
}

/* ---- step 5: the catalog, when it changed ------------------------------------------------ */

static gboolean
round_catalog (Round *round, GError **error)
{
  g_autofree char *etag = motcua_store_get_state (round->store, "sync.catalog_etag", NULL);
  g_autoptr(SoupMessage) message = round_message (round, SOUP_METHOD_GET, "/v1/catalog", TRUE);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GPtrArray) procedures = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *new_etag;
  const char *type;
  guint status;

  if (message != NULL && etag != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (message), "If-None-Match", etag);
  if ((body = round_send (round, message, error)) == NULL)
    return FALSE;
  status = soup_message_get_status (message);
  /* A server without a catalog of its own leaves the workstation's as it is. */
  if (status == SOUP_STATUS_NOT_MODIFIED || status == SOUP_STATUS_NOT_FOUND)
    return TRUE;
  if (!check_status (round, message, body, error))
    return FALSE;
  type = soup_message_headers_get_content_type (soup_message_get_response_headers (message), NULL);
  if (g_strcmp0 (type, "application/json") != 0)
    return malformed (round, _("the catalog is not JSON"), error);
  procedures = motcua_catalog_parse (g_bytes_get_data (body, NULL), g_bytes_get_size (body), &local_error);
  if (procedures == NULL)
    return malformed (round, local_error->message, error);
  if (!motcua_store_import_catalog (round->store, procedures, error))
    return FALSE;
  new_etag = soup_message_headers_get_one (soup_message_get_response_headers (message), "ETag");
  return motcua_store_set_state (round->store, "sync.catalog_etag", new_etag, error);
}

/* ---- step 6: the official calendar, when it changed --------------------------------------- */

/* The days of a checked calendar answer, as the store takes them; the names belong to
 * @array. */
static GArray *
calendar_days (JsonArray *array)
{
  guint n = json_array_get_length (array);
  GArray *days = g_array_sized_new (FALSE, TRUE, sizeof (MotcuaCalendarDay), n);

  for (guint i = 0; i < n; i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);
      MotcuaCalendarDay day = { 0 };

      motcua_protocol_parse_date (json_object_get_string_member (object, "date"), &day.date);
      day.working = json_object_get_boolean_member (object, "working");
      day.name = json_object_get_string_member (object, "name");
      g_array_append_val (days, day);
    }
  return days;
}

/* Replaces the year's calendar with the server's official one and keeps its ETag, in
 * one transaction: a tag is never saved for days that were not. */
static gboolean
save_calendar (Round *round, int year, JsonArray *array, const char *etag, GError **error)
{
  g_autoptr(GArray) days = calendar_days (array);
  g_autofree char *key = g_strdup_printf ("sync.calendar_etag.%d", year);

  if (!motcua_store_begin (round->store, error))
    return FALSE;
  if (!motcua_store_replace_calendar_year (round->store, year, "server",
                                           (MotcuaCalendarDay *) days->data, days->len, error)
      || !motcua_store_set_state (round->store, key, etag, error)
      || !motcua_store_commit (round->store, error))
    {
      motcua_store_rollback (round->store);
      return FALSE;
    }
  return TRUE;
}

/* Whether the answer is an official calendar; a server without one answers with the
 * built-in holidays, which the workstation computes itself. */
static gboolean
is_official (Round *round, JsonObject *calendar, gboolean *official, GError **error)
{
  JsonNode *node = json_object_get_member (calendar, "official");

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return malformed (round, _("the calendar does not say whether it is official"), error);
  *official = json_node_get_boolean (node);
  return TRUE;
}

static gboolean
fetch_calendar (Round *round, int year, gboolean *changed, GError **error)
{
  g_autofree char *key = g_strdup_printf ("sync.calendar_etag.%d", year);
  g_autofree char *path = g_strdup_printf ("/v1/calendar?year=%d", year);
  g_autofree char *etag = motcua_store_get_state (round->store, key, NULL);
  g_autoptr(SoupMessage) message = round_message (round, SOUP_METHOD_GET, path, TRUE);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonObject) calendar = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonArray *days;
  gboolean official = FALSE;
  int answered_year = 0;
  guint status;

  if (message != NULL && etag != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (message), "If-None-Match", etag);
  if ((body = round_send (round, message, error)) == NULL)
    return FALSE;
  status = soup_message_get_status (message);
  /* Unchanged; or an older server, without calendars (404) or without this year (400):
   * the workstation keeps its own. */
  if (status == SOUP_STATUS_NOT_MODIFIED || status == SOUP_STATUS_NOT_FOUND || status == SOUP_STATUS_BAD_REQUEST)
    return TRUE;
  if (!check_status (round, message, body, error)
      || (calendar = read_json (round, message, body, error)) == NULL
      || !is_official (round, calendar, &official, error))
    return FALSE;
  if (!official)
    return TRUE;
  if ((days = motcua_protocol_calendar_days (calendar, &answered_year, &local_error)) == NULL)
    return malformed (round, local_error->message, error);
  if (answered_year != year)
    return malformed (round, _("the calendar is not of the year asked for"), error);
  if (!save_calendar (round, year, days,
                      soup_message_headers_get_one (soup_message_get_response_headers (message), "ETag"), error))
    return FALSE;
  *changed = TRUE;
  return TRUE;
}

/* This year's and next year's, so that due dates in the new year are right before it
 * comes; before the code blocks, which go by working days. */
static gboolean
round_calendar (Round *round, GError **error)
{
  GTimeZone *zone = motcua_calendar_get_time_zone (motcua_store_get_calendar (round->store));
  g_autoptr(GDateTime) now = motcua_time_now (zone);
  int year = g_date_time_get_year (now);
  gboolean changed = FALSE;
  gboolean ok = fetch_calendar (round, year, &changed, error)
                && fetch_calendar (round, year + 1, &changed, error);

  /* Even when next year failed, this year's may have changed. */
  if (changed)
    {
      Update *update = g_new0 (Update, 1);

      update->fields = UPDATE_CALENDAR;
      post_update (round->sync, update);
    }
  return ok;
}

/* ---- step 7: dossier numbers for offline days --------------------------------------------- */

/* Stores the blocks the server answered, checking each is for a day and the agency
 * asked for. */
static gboolean
store_blocks (Round *round, GPtrArray *days, JsonArray *blocks, GError **error)
{
  if (blocks == NULL || json_array_get_length (blocks) != days->len)
    return malformed (round, _("the reserved numbers are not for the days asked for"), error);
  for (guint i = 0; i < days->len; i++)
    {
      GDateTime *day = g_ptr_array_index (days, i);
      g_autofree char *date = g_date_time_format (day, "%Y-%m-%d");
      JsonNode *node = json_array_get_element (blocks, i);
      JsonObject *block = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      gint64 first = 0, last = 0;

      if (block == NULL || !member_int (block, "first", &first) || !member_int (block, "last", &last)
          || g_strcmp0 (member_string (block, "day"), date) != 0
          || g_strcmp0 (member_string (block, "agency"), round->agency_code) != 0)
        return malformed (round, _("the reserved numbers are not for the day or the agency asked for"), error);
      if (!motcua_store_add_code_block (round->store, round->agency_code, day, first, last, error))
        return FALSE;
    }
  return TRUE;
}

/* One request for every day running low: on a slow link each request is a round trip. */
static gboolean
reserve_days (Round *round, GPtrArray *days, GError **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) request = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(JsonObject) answer = NULL;
  JsonNode *blocks;

  if (days->len == 0)
    return TRUE;
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "days");
  json_builder_begin_array (builder);
  for (guint i = 0; i < days->len; i++)
    {
      g_autofree char *date = g_date_time_format (g_ptr_array_index (days, i), "%Y-%m-%d");
      json_builder_add_string_value (builder, date);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "count");
  json_builder_add_int_value (builder, CODE_BLOCK_SIZE);
  json_builder_end_object (builder);
  request = json_builder_get_root (builder);
  message = round_message (round, SOUP_METHOD_POST, "/v1/code-blocks", TRUE);
  if (message != NULL)
    set_json_body (message, request, FALSE);
  if ((answer = round_exchange (round, message, error)) == NULL)
    return FALSE;
  blocks = json_object_get_member (answer, "blocks");
  return store_blocks (round, days, blocks && JSON_NODE_HOLDS_ARRAY (blocks) ? json_node_get_array (blocks) : NULL,
                       error);
}

/* Today and the next working days, so a day or a week offline still gets codes. */
static gboolean
round_reserve_codes (Round *round, GError **error)
{
  MotcuaCalendar *calendar = motcua_store_get_calendar (round->store);
  GTimeZone *zone = motcua_calendar_get_time_zone (calendar);
  g_autoptr(GDateTime) now = motcua_time_now (zone);
  g_autoptr(GDateTime) noon = g_date_time_new (zone, g_date_time_get_year (now), g_date_time_get_month (now),
                                               g_date_time_get_day_of_month (now), 12, 0, 0);
  g_autoptr(GPtrArray) low = g_ptr_array_new_with_free_func ((GDestroyNotify) g_date_time_unref);
  guint working_days = 0;

  for (int i = 0; i < 60 && working_days < CODE_DAYS_AHEAD; i++)
    {
      g_autoptr(GDateTime) day = g_date_time_add_days (noon, i);
      GDate date;
      gint64 left;

      g_date_clear (&date, 1);
      g_date_set_dmy (&date, g_date_time_get_day_of_month (day), g_date_time_get_month (day),
                      g_date_time_get_year (day));
      if (i > 0 && !motcua_calendar_is_working_day (calendar, &date))
        continue;
      if (i > 0)
        working_days++;
      if ((left = motcua_store_count_block_codes_left (round->store, round->agency_code, day, error)) < 0)
        return FALSE;
      if (left < CODE_BLOCK_LOW)
        g_ptr_array_add (low, g_steal_pointer (&day));
    }
  return reserve_days (round, low, error);
}

/* ---- step 2: attachments before the events that cite them ---------------------------------- */

static gboolean
blob_offset_answer (Round *round, SoupMessage *message, GBytes *body, gint64 *offset, GError **error)
{
  g_autoptr(JsonObject) object = read_json (round, message, body, error);

  if (object == NULL)
    return FALSE;
  if (!member_int (object, "offset", offset) || *offset < 0)
    return malformed (round, _("the upload answer does not say where to go on"), error);
  return TRUE;
}

/* Where the server's copy of @sha256 ends: -1 when it has the whole blob. */
static gboolean
blob_head (Round *round, const char *path, gint64 *offset, GError **error)
{
  g_autoptr(SoupMessage) message = round_message (round, SOUP_METHOD_HEAD, path, TRUE);
  g_autoptr(GBytes) body = round_send (round, message, error);
  const char *header;
  guint64 value = 0;

  if (body == NULL)
    return FALSE;
  if (soup_message_get_status (message) == SOUP_STATUS_OK)
    {
      *offset = -1;
      return TRUE;
    }
  if (soup_message_get_status (message) != SOUP_STATUS_NOT_FOUND)
    return check_status (round, message, body, error) && unexpected_status (round, message, error);
  header = soup_message_headers_get_one (soup_message_get_response_headers (message), "Upload-Offset");
  if (header != NULL && !g_ascii_string_to_unsigned (header, 10, 0, G_MAXINT64, &value, NULL))
    return malformed (round, _("the upload offset is not a number"), error);
  *offset = value;
  return TRUE;
}

/* HEAD, then PUT from where the server's copy ends, one chunk at a time, so that a
 * cut connection loses at most one chunk. */
static gboolean
upload_blob (Round *round, const char *sha256, GError **error)
{
  g_autofree char *file_path = motcua_store_get_blob_path (round->store, sha256);
  g_autofree char *path = g_strconcat ("/v1/blobs/", sha256, NULL);
  g_autoptr(GMappedFile) file = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *started_key = NULL;
  g_autofree char *started = NULL;
  gboolean restarted = FALSE;
  guint mismatches = 0;
  gint64 offset = 0, size;

  if ((file = g_mapped_file_new (file_path, FALSE, &local_error)) == NULL)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_IO,
                   _("The attachment %s cannot be read from this computer: %s"), sha256, local_error->message);
      return FALSE;
    }
  bytes = g_mapped_file_get_bytes (file);
  size = g_bytes_get_size (bytes);
  started_key = g_strconcat ("sync.upload_started.", sha256, NULL);
  started = motcua_store_get_state (round->store, started_key, NULL);
  /* Only an upload this workstation began before can have a partial copy to resume:
   * a new one goes straight to its first chunk, and a slow link saves a round trip per
   * attachment (the server still answers 409 with its offset, or 200 if it has it). */
  if (started != NULL && !blob_head (round, path, &offset, error))
    return FALSE;
  if (started == NULL && !motcua_store_set_state (round->store, started_key, "1", error))
    return FALSE;

  while (offset >= 0)
    {
      g_autoptr(SoupMessage) message = round_message (round, SOUP_METHOD_PUT, path, TRUE);
      g_autoptr(GBytes) chunk = NULL;
      g_autoptr(GBytes) body = NULL;
      gint64 end;
      guint status;

      if (offset > size)
        offset = 0;
      end = MIN (offset + MOTCUA_PROTOCOL_CHUNK_SIZE, size);
      chunk = g_bytes_new_from_bytes (bytes, offset, end - offset);
      if (message != NULL && size > 0)
        {
          g_autofree char *range = g_strdup_printf ("bytes %" G_GINT64_FORMAT "-%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
                                                    offset, end - 1, size);
          soup_message_headers_replace (soup_message_get_request_headers (message), "Content-Range", range);
        }
      if (message != NULL)
        set_body (message, "application/octet-stream", chunk);
      if ((body = round_send (round, message, error)) == NULL)
        return FALSE;

      status = soup_message_get_status (message);
      if (status == SOUP_STATUS_OK || status == SOUP_STATUS_CREATED)
        {
          round->report->blobs_uploaded += status == SOUP_STATUS_CREATED;
          round->report->bytes_uploaded += end - offset;
          round_transferred (round, end - offset);
          return motcua_store_set_blob_uploaded (round->store, sha256, TRUE, error)
                 && motcua_store_set_state (round->store, started_key, NULL, error);
        }
      if (status == SOUP_STATUS_ACCEPTED)
        {
          gint64 next;

          if (!blob_offset_answer (round, message, body, &next, error))
            return FALSE;
          if (next <= offset)
            return malformed (round, _("the upload does not move on"), error);
          round->report->bytes_uploaded += end - offset;
          round_transferred (round, end - offset);
          offset = next;
        }
      else if (status == SOUP_STATUS_CONFLICT)
        {
          /* Another attempt (or a cut one) got further or less far: go on from there. */
          if (++mismatches > 3 || !blob_offset_answer (round, message, body, &offset, error))
            return mismatches > 3 ? malformed (round, _("the upload offset keeps changing"), error) : FALSE;
        }
      else if (status == SOUP_STATUS_UNPROCESSABLE_ENTITY && !restarted)
        {
          restarted = TRUE;
          offset = 0;
        }
      else if (status == SOUP_STATUS_UNPROCESSABLE_ENTITY)
        {
          round->failure = MOTCUA_SYNC_STATUS_SERVER_ERROR;
          g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_DATABASE_CORRUPT,
                       _("The server found that the attachment %s does not match its fingerprint, even when sent "
                         "again: the file on this computer is damaged. Attach the document again."), sha256);
          return FALSE;
        }
      else
        return check_status (round, message, body, error) && unexpected_status (round, message, error);
    }
  return motcua_store_set_blob_uploaded (round->store, sha256, TRUE, error)
         && motcua_store_set_state (round->store, started_key, NULL, error);
}

static void
add_event_blobs (Round *round, MotcuaEvent *event, GHashTable *seen, GPtrArray *wanted)
{
  g_autoptr(JsonObject) payload = motcua_event_parse_payload (event, NULL);
  g_auto(GStrv) blobs = motcua_protocol_payload_blobs (payload);

  for (guint i = 0; blobs[i] != NULL; i++)
    {
      g_autofree char *path = NULL;

      if (!motcua_protocol_is_sha256 (blobs[i]) || g_hash_table_contains (seen, blobs[i]))
        continue;
      g_hash_table_add (seen, g_strdup (blobs[i]));
      if (motcua_store_is_blob_uploaded (round->store, blobs[i]))
        continue;
      /* A file missing here cannot be sent: the server will answer "retry" for its
       * event, which then waits in the outbox. */
      path = motcua_store_get_blob_path (round->store, blobs[i]);
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (wanted, g_strdup (blobs[i]));
    }
}

static guint64
file_size (const char *path)
{
  GStatBuf buf;

  return g_stat (path, &buf) == 0 ? (guint64) buf.st_size : 0;
}

static gboolean
upload_blobs (Round *round, GPtrArray *wanted, GError **error)
{
  round->transfer_total = round->transfer_done = 0;
  for (guint i = 0; i < wanted->len; i++)
    {
      g_autofree char *path = motcua_store_get_blob_path (round->store, g_ptr_array_index (wanted, i));
      round->transfer_total += file_size (path);
    }
  for (guint i = 0; i < wanted->len; i++)
    if (!upload_blob (round, g_ptr_array_index (wanted, i), error))
      return FALSE;
  round_progress (round, -1);
  return TRUE;
}

static gboolean
round_upload_blobs (Round *round, GError **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) wanted = g_ptr_array_new_with_free_func (g_free);
  gint64 after = 0;

  for (;;)
    {
      g_autoptr(GPtrArray) page = motcua_store_get_outbox_after (round->store, after, 500, error);

      if (page == NULL)
        return FALSE;
      if (page->len == 0)
        break;
      for (guint i = 0; i < page->len; i++)
        add_event_blobs (round, g_ptr_array_index (page, i), seen, wanted);
      after = ((MotcuaEvent *) g_ptr_array_index (page, page->len - 1))->id;
    }
  return upload_blobs (round, wanted, error);
}

/* ---- step 3: the outbox -------------------------------------------------------------------- */

static MotcuaEvent *
event_copy (const MotcuaEvent *event)
{
  MotcuaEvent *copy = motcua_event_new ();

  copy->id = event->id;
  copy->op_id = g_strdup (event->op_id);
  copy->dossier_uid = g_strdup (event->dossier_uid);
  copy->seq = event->seq;
  copy->actor = g_strdup (event->actor);
  copy->actor_role = g_strdup (event->actor_role);
  copy->confirmed_at = g_strdup (event->confirmed_at);
  copy->kind = g_strdup (event->kind);
  copy->payload = g_strdup (event->payload);
  copy->prev_hash = g_strdup (event->prev_hash);
  copy->hash = g_strdup (event->hash);
  copy->signature = event->signature ? g_bytes_ref (event->signature) : NULL;
  copy->sync_state = event->sync_state;
  copy->server_seq = event->server_seq;
  copy->reject_reason = g_strdup (event->reject_reason);
  return copy;
}

/* What one push must remember across batches. */
typedef struct {
  GHashTable *held;      /* dossier uids with an event waiting ("retry") */
  GPtrArray  *retry;     /* MotcuaEvent copies still pending, outbox order */
  GHashTable *missing;   /* blobs the server asked for */
} PushState;

static void
push_state_init (PushState *state)
{
  state->held = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  state->retry = g_ptr_array_new_with_free_func ((GDestroyNotify) motcua_event_free);
  state->missing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static void
push_state_clear (PushState *state)
{
  g_clear_pointer (&state->held, g_hash_table_unref);
  g_clear_pointer (&state->retry, g_ptr_array_unref);
  g_clear_pointer (&state->missing, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PushState, push_state_clear)

static void
hold (PushState *state, MotcuaEvent *event, GStrv blobs)
{
  g_hash_table_add (state->held, g_strdup (event->dossier_uid));
  g_ptr_array_add (state->retry, event_copy (event));
  for (guint i = 0; blobs != NULL && blobs[i] != NULL; i++)
    if (motcua_protocol_is_sha256 (blobs[i]))
      g_hash_table_add (state->missing, g_strdup (blobs[i]));
}

static void
add_rejection (Round *round, MotcuaEvent *event, const char *reason)
{
  g_autoptr(MotcuaDossier) dossier = motcua_store_get_dossier_by_uid (round->store, event->dossier_uid, NULL);
  const char *code = dossier ? motcua_dossier_get_code (dossier) : event->dossier_uid;

  g_ptr_array_add (round->report->rejections,
                   g_strdup_printf (_("%s: %s (%s)"), code, motcua_sync_reason_label (reason), reason ? reason : "?"));
}

/* The server's answers, read whole before any is applied: a malformed answer
 * changes nothing. */
static GPtrArray *
read_push_results (Round *round, JsonObject *answer, GPtrArray *batch, GError **error)
{
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) motcua_push_result_free);
  JsonNode *node = json_object_get_member (answer, "results");
  JsonArray *array = node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

  if (array == NULL || json_array_get_length (array) != batch->len)
    {
      malformed (round, _("the push answer does not have one result per event"), error);
      return NULL;
    }
  for (guint i = 0; i < batch->len; i++)
    {
      g_autoptr(GError) local_error = NULL;
      MotcuaPushResult *result = motcua_protocol_push_result_from_json (json_array_get_element (array, i),
                                                                        &local_error);
      if (result == NULL)
        {
          malformed (round, local_error->message, error);
          return NULL;
        }
      g_ptr_array_add (results, result);
      if (g_strcmp0 (result->op_id, ((MotcuaEvent *) g_ptr_array_index (batch, i))->op_id) != 0)
        {
          malformed (round, _("the push answer is not in the order of the events"), error);
          return NULL;
        }
    }
  return g_steal_pointer (&results);
}

static gboolean
apply_push_results (Round *round, GPtrArray *batch, GPtrArray *results, PushState *state, GError **error)
{
  if (!motcua_store_begin (round->store, error))
    return FALSE;
  for (guint i = 0; i < batch->len; i++)
    {
      MotcuaEvent *event = g_ptr_array_index (batch, i);
      MotcuaPushResult *result = g_ptr_array_index (results, i);
      MotcuaPushOutcome outcome = result->outcome;

      /* An event after one that must wait breaks the server's chain only because of
       * the wait: it waits too, rather than being refused for good. */
      if (outcome == MOTCUA_PUSH_REJECTED && g_strcmp0 (result->reason, "chain") == 0
          && g_hash_table_contains (state->held, event->dossier_uid))
        outcome = MOTCUA_PUSH_RETRY;

      if (outcome == MOTCUA_PUSH_RETRY)
        {
          hold (state, event, result->blobs);
          continue;
        }
      if (!motcua_store_mark_pushed (round->store, event->op_id, outcome, result->server_seq, result->reason, error))
        {
          motcua_store_rollback (round->store);
          return FALSE;
        }
      if (outcome == MOTCUA_PUSH_ACCEPTED)
        round->report->accepted++;
      else
        {
          round->report->rejected++;
          add_rejection (round, event, result->reason);
        }
    }
  return motcua_store_commit (round->store, error);
}

static gboolean
push_batch (Round *round, GPtrArray *batch, PushState *state, GError **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) request = NULL;
  g_autoptr(SoupMessage) message = round_message (round, SOUP_METHOD_POST, "/v1/events", TRUE);
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(GPtrArray) results = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "events");
  json_builder_begin_array (builder);
  for (guint i = 0; i < batch->len; i++)
    json_builder_add_value (builder, motcua_protocol_event_to_json (g_ptr_array_index (batch, i), 0));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  request = json_builder_get_root (builder);
  if (message != NULL)
    set_json_body (message, request, TRUE);

  if ((answer = round_exchange (round, message, error)) == NULL
      || (results = read_push_results (round, answer, batch, error)) == NULL)
    return FALSE;
  return apply_push_results (round, batch, results, state, error);
}

/* Sends @events (in outbox order) in batches; an event of a dossier that already has
 * one waiting is not sent at all: the server would refuse it for the gap. */
static gboolean
push_events (Round *round, GPtrArray *events, PushState *state, GError **error)
{
  g_autoptr(GPtrArray) batch = g_ptr_array_new ();

  for (guint i = 0; i <= events->len; i++)
    {
      MotcuaEvent *event = i < events->len ? g_ptr_array_index (events, i) : NULL;

      if (event != NULL && g_hash_table_contains (state->held, event->dossier_uid))
        {
          hold (state, event, NULL);
          continue;
        }
      if (event != NULL)
        g_ptr_array_add (batch, event);
      if (batch->len == PUSH_BATCH || (event == NULL && batch->len > 0))
        {
          if (g_cancellable_set_error_if_cancelled (round->cancellable, error)
              || !push_batch (round, batch, state, error))
            return FALSE;
          g_ptr_array_set_size (batch, 0);
        }
    }
  return TRUE;
}

static gboolean
round_push (Round *round, GError **error)
{
  g_auto(PushState) state = { 0 };
  gint64 after = 0;

  push_state_init (&state);
  for (;;)
    {
      g_autoptr(GPtrArray) page = motcua_store_get_outbox_after (round->store, after, PUSH_BATCH, error);

      if (page == NULL)
        return FALSE;
      if (page->len == 0)
        break;
      after = ((MotcuaEvent *) g_ptr_array_index (page, page->len - 1))->id;
      if (!push_events (round, page, &state, error))
        return FALSE;
    }

  /* The server lost (or never got) attachments this workstation thought it had sent:
   * send them now and the events that waited for them once more. */
  if (state.retry->len > 0 && g_hash_table_size (state.missing) > 0)
    {
      g_autoptr(GPtrArray) wanted = g_ptr_array_new_with_free_func (g_free);
      g_auto(PushState) again = { 0 };
      GHashTableIter iter;
      gpointer sha256;

      g_hash_table_iter_init (&iter, state.missing);
      while (g_hash_table_iter_next (&iter, &sha256, NULL))
        {
          g_autofree char *path = motcua_store_get_blob_path (round->store, sha256);

          if (!motcua_store_set_blob_uploaded (round->store, sha256, FALSE, error))
            return FALSE;
          if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
            g_ptr_array_add (wanted, g_strdup (sha256));
        }
      push_state_init (&again);
      if (!upload_blobs (round, wanted, error) || !push_events (round, state.retry, &again, error))
        return FALSE;
      round->report->retried += again.retry->len;
    }
  else
    round->report->retried += state.retry->len;
  return TRUE;
}

/* ---- step 4: the agency's feed ------------------------------------------------------------- */

static GPtrArray *
read_feed_events (Round *round, JsonObject *page, gint64 since, gint64 next, GError **error)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) motcua_event_free);
  JsonNode *node = json_object_get_member (page, "events");
  JsonArray *array = node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

  if (array == NULL)
    {
      malformed (round, _("the feed has no list of events"), error);
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autoptr(GError) local_error = NULL;
      MotcuaEvent *event = motcua_protocol_event_from_json (json_array_get_element (array, i), NULL, &local_error);

      if (event == NULL)
        {
          malformed (round, local_error->message, error);
          return NULL;
        }
      g_ptr_array_add (events, event);
      if (event->server_seq <= since || event->server_seq > next)
        {
          malformed (round, _("the feed's events are not after the cursor"), error);
          return NULL;
        }
    }
  return g_steal_pointer (&events);
}

static gboolean
pull_page (Round *round, gint64 *since, gboolean *more, GError **error)
{
  /* The largest pages and only the others' events: each page costs a round trip on a
   * slow link, and this workstation's own events are known already. */
  g_autofree char *path = g_strdup_printf ("/v1/feed?since=%" G_GINT64_FORMAT "&limit=%d&others=true",
                                           *since, MOTCUA_PROTOCOL_MAX_FEED_LIMIT);
  g_autoptr(SoupMessage) message = round_message (round, SOUP_METHOD_GET, path, TRUE);
  g_autoptr(JsonObject) page = round_exchange (round, message, error);
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *more_node;
  gint64 next = 0;
  guint applied = 0;

  if (page == NULL)
    return FALSE;
  more_node = json_object_get_member (page, "more");
  if (!member_int (page, "next", &next) || next < *since || more_node == NULL
      || !JSON_NODE_HOLDS_VALUE (more_node) || json_node_get_value_type (more_node) != G_TYPE_BOOLEAN)
    return malformed (round, _("the feed does not say where it goes on"), error);
  *more = json_node_get_boolean (more_node);
  if (*more && next == *since)
    return malformed (round, _("the feed does not move on"), error);
  if ((events = read_feed_events (round, page, *since, next, error)) == NULL)
    return FALSE;

  /* A page that does not fit the local journal is not the workstation's to fix. */
  if (!motcua_store_apply_feed_page (round->store, events, next, &applied, &local_error))
    {
      round->failure = MOTCUA_SYNC_STATUS_SERVER_ERROR;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  round->report->pulled += applied;
  *since = next;
  return TRUE;
}

static gboolean
round_pull (Round *round, GError **error)
{
  g_autofree char *cursor = motcua_store_get_state (round->store, "sync.cursor", NULL);
  gint64 since = cursor ? g_ascii_strtoll (cursor, NULL, 10) : 0;
  gint64 set_aside_before = motcua_store_count_set_aside (round->store, error);
  gint64 set_aside_after;
  gboolean more = TRUE;

  if (set_aside_before < 0)
    return FALSE;
  while (more)
    if (g_cancellable_set_error_if_cancelled (round->cancellable, error)
        || !pull_page (round, &since, &more, error))
      return FALSE;
  if ((set_aside_after = motcua_store_count_set_aside (round->store, error)) < 0)
    return FALSE;
  round->report->set_aside += set_aside_after - set_aside_before;
  return TRUE;
}

/* ---- a round --------------------------------------------------------------------------- */

static gboolean
round_succeeded (Round *round, GError **error)
{
  GTimeZone *zone = motcua_calendar_get_time_zone (motcua_store_get_calendar (round->store));
  g_autoptr(GDateTime) now = motcua_time_now (zone);
  g_autofree char *now_text = motcua_time_format (now);

  if (!motcua_store_begin (round->store, error))
    return FALSE;
  if (!motcua_store_set_state (round->store, "sync.last_success", now_text, error)
      || !motcua_store_set_state (round->store, "sync.last_error", NULL, error)
      || !motcua_store_commit (round->store, error))
    {
      motcua_store_rollback (round->store);
      return FALSE;
    }
  return TRUE;
}

/* Whatever happened, the window learns the new counts, status and message. */
static void
round_ended (Round *round, MotcuaSync *self, gboolean ok, const GError *error)
{
  Update *update = g_new0 (Update, 1);

  update->fields = UPDATE_STATUS | UPDATE_MESSAGE | UPDATE_PROGRESS;
  update->status = ok ? MOTCUA_SYNC_STATUS_IDLE : round->failure;
  update->progress = -1.0;
  if (!ok)
    update->message = g_strdup (error->message);
  if (round->store != NULL)
    {
      round->report->pending = MAX (motcua_store_count_pending (round->store, NULL), 0);
      round->report->attention = MAX (motcua_store_count_attention (round->store, NULL), 0);
      if (!ok && round->failure != MOTCUA_SYNC_STATUS_UNREGISTERED)
        motcua_store_set_state (round->store, "sync.last_error", error->message, NULL);
      update->fields |= UPDATE_COUNTS | UPDATE_LAST_SUCCESS | UPDATE_SERVER_URL;
      update->pending = round->report->pending;
      update->attention = round->report->attention;
      update->last_success = motcua_store_get_state (round->store, "sync.last_success", NULL);
      update->server_url = motcua_store_get_state (round->store, "sync.server_url", NULL);
    }
  /* Accepted and refused events change their marks in the journal, pulled and set-aside
   * ones the dossiers themselves; a round that did none of these changed nothing shown. */
  if (round->report->pulled + round->report->set_aside + round->report->accepted + round->report->rejected > 0)
    update->fields |= UPDATE_JOURNAL;
  post_update (self, update);
}

static gboolean
run_round (MotcuaSync *self, GCancellable *cancellable, MotcuaSyncReport *report, guint *retry_after,
           GError **error)
{
  g_auto(Round) round = { 0 };
  g_autoptr(GError) local_error = NULL;
  gboolean ok;

  motcua_sync_report_clear (report);
  report->rejections = g_ptr_array_new_with_free_func (g_free);
  round.sync = self;
  round.report = report;
  round.cancellable = cancellable;
  round.progress_permille = -1;

  post_status (self, MOTCUA_SYNC_STATUS_SYNCING);
  /* The journal first: a server that sends a broken catalog or calendar must not keep
   * the clerks' work from leaving. Code blocks come last, so that the working days
   * they are reserved for follow the calendar just received. */
  ok = round_open (&round, self->db_path, &local_error)
       && round_probe (&round, &local_error)
       && round_upload_blobs (&round, &local_error)
       && round_push (&round, &local_error)
       && round_pull (&round, &local_error)
       && round_catalog (&round, &local_error)
       && round_calendar (&round, &local_error)
       && round_reserve_codes (&round, &local_error)
       && round_succeeded (&round, &local_error);
  /* Cancelled between two requests: said the same way as during one. */
  if (!ok && g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autoptr(GError) cancelled = g_steal_pointer (&local_error);
      transport_failed (&round, cancelled, &local_error);
    }
  /* Counted even when the round stopped in the middle of the outbox. */
  report->pushed = report->accepted + report->rejected + report->retried;
  report->completed = ok;
  round_ended (&round, self, ok, local_error);
  if (retry_after != NULL)
    *retry_after = round.retry_after;
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return ok;
}

gboolean
motcua_sync_run_round (MotcuaSync       *self,
                       GCancellable     *cancellable,
                       MotcuaSyncReport *report,
                       GError          **error)
{
  MotcuaSyncReport local_report = { 0 };
  gboolean ok;

  g_return_val_if_fail (MOTCUA_IS_SYNC (self), FALSE);

  ok = run_round (self, cancellable, report ? report : &local_report, NULL, error);
  motcua_sync_report_clear (&local_report);
  return ok;
}

typedef struct {
  MotcuaSyncReport report;
  guint            retry_after;
} RoundTask;

static void
round_task_free (gpointer data)
{
  RoundTask *task_data = data;

  motcua_sync_report_clear (&task_data->report);
  g_free (task_data);
}

static void
run_round_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  RoundTask *data = task_data;
  GError *error = NULL;

  if (run_round (source_object, cancellable, &data->report, &data->retry_after, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
motcua_sync_run_async (MotcuaSync          *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MOTCUA_IS_SYNC (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, motcua_sync_run_async);
  g_task_set_task_data (task, g_new0 (RoundTask, 1), round_task_free);
  /* The report and the error are the outcome; a cancelled round still reports. */
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, run_round_thread);
}

gboolean
motcua_sync_run_finish (MotcuaSync        *self,
                        GAsyncResult      *result,
                        MotcuaSyncReport  *report,
                        GError           **error)
{
  RoundTask *data;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == motcua_sync_run_async, FALSE);

  data = g_task_get_task_data (G_TASK (result));
  self->retry_after = data->retry_after;
  if (report != NULL)
    {
      motcua_sync_report_clear (report);
      *report = data->report;
      memset (&data->report, 0, sizeof data->report);
    }
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- attachments of other workstations' dossiers ------------------------------------------ */

static gboolean
hash_file_prefix (const char *path, GChecksum *checksum, GError **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) input = g_file_read (file, NULL, error);
  guint8 buffer[64 * 1024];
  gssize n;

  if (input == NULL)
    return FALSE;
  while ((n = g_input_stream_read (G_INPUT_STREAM (input), buffer, sizeof buffer, NULL, error)) > 0)
    g_checksum_update (checksum, buffer, n);
  return n == 0;
}

static gboolean
local_io_failed (const char *sha256, GError *cause, GError **error)
{
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_NO_SPACE))
    g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_DISK_FULL,
                 _("The disk is full: the attachment %s could not be saved."), sha256);
  else
    g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_IO,
                 _("The attachment %s could not be saved on this computer: %s"), sha256, cause->message);
  return FALSE;
}

/* Copies the answer's body into @part while hashing it. A read that fails leaves
 * what arrived in @part, to resume from. */
static gboolean
receive_body (Round *round, const char *sha256, GInputStream *input, GOutputStream *output,
              GChecksum *checksum, GError **error)
{
  guint8 buffer[64 * 1024];

  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      gssize n = g_input_stream_read (input, buffer, sizeof buffer, round->cancellable, &local_error);

      if (n < 0)
        return transport_failed (round, local_error, error);
      if (n == 0)
        return TRUE;
      g_checksum_update (checksum, buffer, n);
      if (!g_output_stream_write_all (output, buffer, n, NULL, round->cancellable, &local_error))
        return local_io_failed (sha256, local_error, error);
      if (round->report != NULL)
        round->report->bytes_downloaded += n;
      round_transferred (round, n);
    }
}

static gboolean
download_blob (Round *round, const char *sha256, GError **error)
{
  g_autofree char *final_path = NULL;
  g_autofree char *part_path = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) part = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GInputStream) input = NULL;
  g_autoptr(GFileOutputStream) output = NULL;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GError) local_error = NULL;
  guint64 offset;
  guint status;

  if (!motcua_protocol_is_sha256 (sha256))
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT, _("“%s” does not name an attachment."), sha256);
      return FALSE;
    }
  final_path = motcua_store_get_blob_path (round->store, sha256);
  if (g_file_test (final_path, G_FILE_TEST_IS_REGULAR))
    return TRUE;
  dir = g_path_get_dirname (final_path);
  g_mkdir_with_parents (dir, 0700);
  part_path = g_strconcat (final_path, ".part", NULL);
  part = g_file_new_for_path (part_path);

  /* A download cut short resumes where it stopped. */
  offset = file_size (part_path);
  if (offset > 0 && !hash_file_prefix (part_path, checksum, NULL))
    {
      g_checksum_reset (checksum);
      offset = 0;
    }
  path = g_strconcat ("/v1/blobs/", sha256, NULL);
  /* An address that makes no message is reported by round_send(). */
  if ((message = round_message (round, SOUP_METHOD_GET, path, TRUE)) == NULL)
    {
      g_autoptr(GBytes) none = round_send (round, NULL, error);
      return FALSE;
    }
  if (offset > 0)
    {
      g_autofree char *range = g_strdup_printf ("bytes=%" G_GUINT64_FORMAT "-", offset);
      soup_message_headers_replace (soup_message_get_request_headers (message), "Range", range);
    }
  input = soup_session_send (round->session, message, round->cancellable, &local_error);
  if (input == NULL)
    return transport_failed (round, local_error, error);

  status = soup_message_get_status (message);
  if (status == SOUP_STATUS_NOT_FOUND)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_NOT_FOUND,
                   _("The server does not have the attachment %s yet: the workstation that added it has not "
                     "sent it. Try again after that workstation has synchronised."), sha256);
      return FALSE;
    }
  if (status == SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE)
    {
      /* The partial copy is longer than the blob: it is wrong, start again. */
      g_file_delete (part, NULL, NULL);
      return download_blob (round, sha256, error);
    }
  if (status != SOUP_STATUS_OK && status != SOUP_STATUS_PARTIAL_CONTENT)
    {
      g_autoptr(GBytes) body = g_input_stream_read_bytes (input, 64 * 1024, NULL, NULL);
      return check_status (round, message, body, error) && unexpected_status (round, message, error);
    }

  if (status == SOUP_STATUS_OK)
    {
      g_checksum_reset (checksum);
      offset = 0;
      output = g_file_replace (part, NULL, FALSE, G_FILE_CREATE_PRIVATE, NULL, &local_error);
    }
  else
    output = g_file_append_to (part, G_FILE_CREATE_PRIVATE, NULL, &local_error);
  if (output == NULL)
    return local_io_failed (sha256, local_error, error);
  round->transfer_total = offset + MAX (soup_message_headers_get_content_length (
                                          soup_message_get_response_headers (message)), 0);
  round->transfer_done = offset;

  if (!receive_body (round, sha256, input, G_OUTPUT_STREAM (output), checksum, error))
    {
      g_output_stream_close (G_OUTPUT_STREAM (output), NULL, NULL);
      return FALSE;
    }
  if (!g_output_stream_close (G_OUTPUT_STREAM (output), NULL, &local_error))
    return local_io_failed (sha256, local_error, error);

  /* Kept only when the bytes are the ones the name promises. */
  if (!g_str_equal (g_checksum_get_string (checksum), sha256))
    {
      g_file_delete (part, NULL, NULL);
      round->failure = MOTCUA_SYNC_STATUS_SERVER_ERROR;
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                   _("The attachment %s that came from the server is not the file it names; it was discarded."),
                   sha256);
      return FALSE;
    }
  if (g_rename (part_path, final_path) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_IO, _("The attachment %s could not be saved on this computer: %s"),
                   sha256, g_strerror (saved_errno));
      return FALSE;
    }
  if (round->report != NULL)
    round->report->blobs_downloaded++;
  return motcua_store_set_blob_uploaded (round->store, sha256, TRUE, error);
}

gboolean
motcua_sync_fetch_blob (MotcuaSync   *self,
                        const char   *sha256,
                        GCancellable *cancellable,
                        GError      **error)
{
  g_auto(Round) round = { 0 };
  gboolean ok;

  g_return_val_if_fail (MOTCUA_IS_SYNC (self), FALSE);

  round.sync = self;
  round.cancellable = cancellable;
  round.progress_permille = -1;
  ok = round_open (&round, self->db_path, error) && download_blob (&round, sha256, error);
  round_progress (&round, -1);
  return ok;
}

static void
fetch_blob_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;

  if (motcua_sync_fetch_blob (source_object, task_data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
motcua_sync_fetch_blob_async (MotcuaSync          *self,
                              const char          *sha256,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MOTCUA_IS_SYNC (self));
  g_return_if_fail (sha256 != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, motcua_sync_fetch_blob_async);
  g_task_set_task_data (task, g_strdup (sha256), g_free);
  g_task_run_in_thread (task, fetch_blob_thread);
}

gboolean
motcua_sync_fetch_blob_finish (MotcuaSync    *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == motcua_sync_fetch_blob_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
motcua_sync_fetch_all_blobs (MotcuaSync   *self,
                             GCancellable *cancellable,
                             guint        *n_fetched,
                             GError      **error)
{
  g_auto(Round) round = { 0 };
  g_autoptr(GPtrArray) wanted = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) hashes = NULL;
  MotcuaSyncReport report = { 0 };
  gboolean ok = TRUE;

  g_return_val_if_fail (MOTCUA_IS_SYNC (self), FALSE);

  if (n_fetched != NULL)
    *n_fetched = 0;
  round.sync = self;
  round.cancellable = cancellable;
  round.report = &report;
  round.progress_permille = -1;
  round.progress_by_count = TRUE;
  if (!round_open (&round, self->db_path, error)
      || (hashes = motcua_store_list_blob_hashes (round.store, error)) == NULL)
    return FALSE;
  for (guint i = 0; hashes[i] != NULL; i++)
    {
      g_autofree char *path = motcua_store_get_blob_path (round.store, hashes[i]);

      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (wanted, g_strdup (hashes[i]));
    }
  /* Progress counts attachments: their sizes are known only as they arrive. */
  for (guint i = 0; ok && i < wanted->len; i++)
    {
      round_progress (&round, (double) i / wanted->len);
      ok = download_blob (&round, g_ptr_array_index (wanted, i), error);
    }
  round_progress (&round, -1);
  if (n_fetched != NULL)
    *n_fetched = report.blobs_downloaded;
  motcua_sync_report_clear (&report);
  return ok;
}

/* ---- automatic rounds --------------------------------------------------------------------- */

static void schedule (MotcuaSync *self, guint seconds);
static void start_round (MotcuaSync *self);

static void
auto_round_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  MotcuaSync *self = MOTCUA_SYNC (source);
  g_autoptr(GError) error = NULL;
  gboolean ok = motcua_sync_run_finish (self, result, NULL, &error);

  self->running = FALSE;
  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  if (!self->auto_started)
    {
      /* Without automatic rounds only an explicit request starts one. */
      self->again = FALSE;
      if (self->requested)
        {
          self->requested = FALSE;
          start_round (self);
        }
      return;
    }
  /* "Sync now" while a round ran is honoured whatever that round's fate; work that
   * came meanwhile goes now, unless the server just failed. */
  if (self->requested || (ok && self->again))
    {
      self->requested = self->again = FALSE;
      schedule (self, 0);
    }
  else if (ok)
    {
      self->failures = 0;
      schedule (self, AUTO_INTERVAL);
    }
  else if (self->status == MOTCUA_SYNC_STATUS_AUTH_FAILED || self->status == MOTCUA_SYNC_STATUS_UNREGISTERED)
    {
      /* Only a new registration helps; motcua_sync_request() tries again. */
    }
  else
    {
      guint delay;

      self->again = FALSE;
      self->failures++;
      if (self->retry_after > 0)
        delay = MIN (self->retry_after, RETRY_AFTER_LAST);
      else
        {
          guint base = BACKOFF_FIRST << MIN (self->failures - 1, 5);
          delay = (guint) (MIN (base, BACKOFF_LAST) * g_random_double_range (0.8, 1.2));
        }
      self->retry_after = 0;
      schedule (self, delay);
    }
}

static void
start_round (MotcuaSync *self)
{
  if (self->running)
    {
      self->again = TRUE;
      return;
    }
  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
  self->running = TRUE;
  motcua_sync_run_async (self, self->cancellable, auto_round_done, NULL);
}

static gboolean
on_timer (gpointer user_data)
{
  MotcuaSync *self = user_data;

  g_clear_pointer (&self->timer, g_source_unref);
  start_round (self);
  return G_SOURCE_REMOVE;
}

static void
schedule (MotcuaSync *self, guint seconds)
{
  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
  self->timer = seconds > 0 ? g_timeout_source_new_seconds (seconds) : g_idle_source_new ();
  g_source_set_callback (self->timer, on_timer, self, NULL);
  g_source_set_static_name (self->timer, "[motcua] sync timer");
  g_source_attach (self->timer, self->context);
}

static void
on_network_changed (GNetworkMonitor *monitor, gboolean available, gpointer user_data)
{
  MotcuaSync *self = user_data;

  /* An interface coming up says nothing about the server: the round's probe decides. */
  if (available && !self->running && self->status != MOTCUA_SYNC_STATUS_IDLE
      && self->status != MOTCUA_SYNC_STATUS_AUTH_FAILED && self->status != MOTCUA_SYNC_STATUS_UNREGISTERED)
    schedule (self, NETWORK_BACK_DELAY);
}

static void
stop_auto (MotcuaSync *self)
{
  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
  if (self->monitor != NULL)
    g_clear_signal_handler (&self->network_changed_id, self->monitor);
  g_clear_object (&self->monitor);
  self->auto_started = FALSE;
}

void
motcua_sync_start_auto (MotcuaSync *self)
{
  g_return_if_fail (MOTCUA_IS_SYNC (self));

  if (self->auto_started)
    return;
  self->auto_started = TRUE;
  self->monitor = g_object_ref (g_network_monitor_get_default ());
  self->network_changed_id = g_signal_connect (self->monitor, "network-changed",
                                               G_CALLBACK (on_network_changed), self);
  if (self->status != MOTCUA_SYNC_STATUS_UNREGISTERED)
    schedule (self, 0);
}

void
motcua_sync_request (MotcuaSync *self)
{
  g_return_if_fail (MOTCUA_IS_SYNC (self));

  self->failures = 0;
  if (self->running)
    self->requested = TRUE;
  else
    start_round (self);
}

void
motcua_sync_refresh_counts (MotcuaSync *self)
{
  Update *update = g_new0 (Update, 1);
  g_autofree char *server_url = NULL;

  g_return_if_fail (MOTCUA_IS_SYNC (self));

  server_url = motcua_store_get_state (self->store, "sync.server_url", NULL);
  update->fields = UPDATE_COUNTS | UPDATE_SERVER_URL;
  update->pending = MAX (motcua_store_count_pending (self->store, NULL), 0);
  update->attention = MAX (motcua_store_count_attention (self->store, NULL), 0);
  update->server_url = g_strdup (server_url);
  /* Registered since (or unregistered): the status follows. */
  if ((server_url == NULL) != (self->status == MOTCUA_SYNC_STATUS_UNREGISTERED))
    {
      update->fields |= UPDATE_STATUS;
      update->status = server_url != NULL ? MOTCUA_SYNC_STATUS_IDLE : MOTCUA_SYNC_STATUS_UNREGISTERED;
    }
  post_update (self, update);

  /* New work goes out soon while the server is known to be there (right after the
   * round that runs, which may have missed it); when it is not, the backoff timer
   * stays as it is. */
  if (!self->auto_started || server_url == NULL || self->pending == 0)
    return;
  if (self->running)
    self->again = TRUE;
  else if (self->status == MOTCUA_SYNC_STATUS_IDLE)
    schedule (self, AFTER_ACTION_DELAY);
}
