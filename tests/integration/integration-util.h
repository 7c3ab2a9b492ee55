/* integration-util.h: real motcua-server processes for the integration tests.
 *
 * Each server gets a temporary folder of its own (the data folder, and its log
 * beside it), the agency MOTCUA_TEST_AGENCY, and a port the system chose; a restarted
 * server keeps its port, so clients keep their URL. Failures are reported with
 * g_test_message / g_test_fail and the documented failure value, so a test can stop.
 */
#pragma once

#include <glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct _MotcuaTestServer MotcuaTestServer;

/* The agency of every test server: the one `motcua init --demo` sets up, so that a
 * demo workstation's dossiers belong to it. */
#define MOTCUA_TEST_AGENCY      "000.17.22.H56"
#define MOTCUA_TEST_AGENCY_NAME "UBND xã Thử Nghiệm"

/* A temporary data folder with MOTCUA_TEST_AGENCY added; the binary is $MOTCUA_SERVER. */
MotcuaTestServer *motcua_test_server_new            (void);
/* Serve HTTPS with these PEM files (before starting); the helpers below then trust
 * @cert_file. */
void              motcua_test_server_set_tls        (MotcuaTestServer *server,
                                                     const char       *cert_file,
                                                     const char       *key_file);
/* Spawns the server (--port 0 the first time, the same port after), reads its URL
 * line and waits until GET /v1/health answers. FALSE (and a message) on failure. */
gboolean          motcua_test_server_start          (MotcuaTestServer *server);
/* "http://127.0.0.1:PORT/" */
const char       *motcua_test_server_get_url        (MotcuaTestServer *server);
const char       *motcua_test_server_get_data_dir   (MotcuaTestServer *server);
/* The server's stderr (its JSON log) is appended to this file. */
const char       *motcua_test_server_get_log_path   (MotcuaTestServer *server);
GPid              motcua_test_server_get_pid        (MotcuaTestServer *server);
/* Runs `admin enrolment-code --agency @agency`; NULL on failure. */
char             *motcua_test_server_enrolment_code (MotcuaTestServer *server,
                                                     const char       *agency);
/* Runs `motcua-server --data DIR admin @first_arg …`; TRUE when it exits 0. */
gboolean          motcua_test_server_admin          (MotcuaTestServer *server,
                                                     const char       *first_arg,
                                                     ...) G_GNUC_NULL_TERMINATED;
/* Enrols a device of @agency (NULL: MOTCUA_TEST_AGENCY) and returns its token. */
char             *motcua_test_server_enrol          (MotcuaTestServer *server,
                                                     const char       *agency,
                                                     const char       *device_name);
/* Sends @signum and reaps the process; nothing when it is not running. Returns the
 * wait status (-1 when there was no process). */
int               motcua_test_server_kill_status    (MotcuaTestServer *server,
                                                     int               signum);
void              motcua_test_server_kill           (MotcuaTestServer *server,
                                                     int               signum);
/* SIGTERM and wait (SIGKILL after 10 s). */
void              motcua_test_server_stop           (MotcuaTestServer *server);
/* Stops the server and removes its folder. */
void              motcua_test_server_free           (MotcuaTestServer *server);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MotcuaTestServer, motcua_test_server_free)

/* A new session for talking to @server (trusting its certificate when it serves TLS);
 * NULL @server gives a plain session. Sessions decode gzip answers by themselves. */
SoupSession      *motcua_test_server_new_session    (MotcuaTestServer *server);

/* A blocking request for tests: @token as a bearer token, @body (may be NULL) with
 * @content_type. Returns the status (0 when no answer came), and the answer's body and
 * headers when asked for. */
guint             motcua_test_http                  (const char          *method,
                                                     const char          *url,
                                                     const char          *token,
                                                     GBytes              *body,
                                                     const char          *content_type,
                                                     GBytes             **response,
                                                     SoupMessageHeaders **response_headers);
/* The same on @session (NULL: a shared plain one), with extra request headers given
 * as NULL-terminated name/value pairs. */
guint             motcua_test_http_full             (SoupSession         *session,
                                                     const char          *method,
                                                     const char          *url,
                                                     const char          *token,
                                                     GBytes              *body,
                                                     const char          *content_type,
                                                     const char * const  *headers,
                                                     GBytes             **response,
                                                     SoupMessageHeaders **response_headers);

G_END_DECLS
