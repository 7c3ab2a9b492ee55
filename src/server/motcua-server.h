/* motcua-server.h: the ministry sync server (docs/protocol.md) over HTTP.
 *
 * Everything runs in the main loop: each request is answered by one short handler,
 * so no two handlers ever interleave and a push is checked and stored as one step.
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "motcua-server-storage.h"

G_BEGIN_DECLS

#define MOTCUA_TYPE_SERVER (motcua_server_get_type ())
G_DECLARE_FINAL_TYPE (MotcuaServer, motcua_server, MOTCUA, SERVER, GObject)

/* Enrolment codes last this long. */
#define MOTCUA_SERVER_ENROLMENT_DAYS 7

/* @data_dir holds blobs/ (complete blobs) and uploads/ (unfinished ones); they are
 * created when missing. */
MotcuaServer *motcua_server_new          (MotcuaServerStorage  *storage,
                                          const char           *data_dir,
                                          GError              **error);
/* Serves HTTPS with this certificate and key (PEM files); call before listening. */
gboolean      motcua_server_set_tls      (MotcuaServer         *self,
                                          const char           *cert_file,
                                          const char           *key_file,
                                          GError              **error);
/* @address is an IP address; @port 0 lets the system choose. */
gboolean      motcua_server_listen       (MotcuaServer         *self,
                                          const char           *address,
                                          guint                 port,
                                          GError              **error);
/* "http://127.0.0.1:8470/" once listening. */
char         *motcua_server_get_url      (MotcuaServer         *self);
void          motcua_server_disconnect   (MotcuaServer         *self);

/* A new one-time code for @agency_code ("7KQ4-M2XD-9PRT"); only its hash is stored. */
char         *motcua_server_new_enrolment_code (MotcuaServerStorage *storage,
                                                const char          *agency_code,
                                                GError             **error);

/* Checks @calendar strictly (motcua_protocol_calendar_days) and keeps it as the official
 * calendar of its year: GET /v1/calendar serves it from then on, with an ETag, instead
 * of the built-in holidays. A year imported again is replaced. */
gboolean      motcua_server_import_calendar    (MotcuaServerStorage *storage,
                                                JsonObject          *calendar,
                                                int                 *year,
                                                guint               *n_days,
                                                GError             **error);

/* The certificate authorities approval signatures must chain to (PEM), in the settings.
 * With any, a pushed approval must carry a valid signature (reason "signature"). */
#define MOTCUA_SERVER_TRUST_SETTING "trust_anchors"

/* Adds the PEM certificates of @path to the trust anchors. */
gboolean      motcua_server_add_trust_anchors  (MotcuaServerStorage *storage,
                                                const char          *path,
                                                guint               *n_added,
                                                GError             **error);

/* One JSON object per line on stderr: {"time", "level", "event", …@fields}. */
void          motcua_server_log          (const char           *level,
                                          const char           *event,
                                          JsonObject           *fields);

G_END_DECLS
