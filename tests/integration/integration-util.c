/* integration-util.c: the motcua-server launcher of the integration tests; see
 * integration-util.h. */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "motcua-test-util.h"
#include "integration-util.h"

#define START_TIMEOUT_MS 15000
#define STOP_TIMEOUT_MS  10000

struct _MotcuaTestServer
{
  char  *root;        /* the temporary folder: data/ and server.log */
  char  *data_dir;
  char  *log_path;
  char  *url;
  char  *tls_cert;
  char  *tls_key;
  guint  port;        /* 0 until the first start */
  GPid   pid;         /* 0 when not running */
  int    stdout_fd;   /* kept open while running: the server may write more */
};

static const char *
server_binary (void)
{
  const char *binary = g_getenv ("MOTCUA_SERVER");

  if (binary == NULL || *binary == '\0')
    g_error ("MOTCUA_SERVER is not set: run the integration tests with `meson test`.");
  return binary;
}

/* ---- admin commands ------------------------------------------------------------ */

/* Runs `motcua-server --data DIR admin ARGS…`; its stdout in *@out when it exits 0. */
static gboolean
run_admin (MotcuaTestServer *server, GPtrArray *args, char **out)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;
  int wait_status = 0;

  g_ptr_array_add (argv, (gpointer) server_binary ());
  g_ptr_array_add (argv, (gpointer) "--data");
  g_ptr_array_add (argv, server->data_dir);
  g_ptr_array_add (argv, (gpointer) "admin");
  for (guint i = 0; i < args->len; i++)
    g_ptr_array_add (argv, args->pdata[i]);
  g_ptr_array_add (argv, NULL);

  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                     &stdout_text, &stderr_text, &wait_status, &error))
    {
      g_test_message ("Cannot run %s: %s", server_binary (), error->message);
      return FALSE;
    }
  if (!g_spawn_check_wait_status (wait_status, NULL))
    {
      g_autofree char *said = motcua_test_one_line (stderr_text);

      g_test_message ("motcua-server admin %s failed: %s", (const char *) args->pdata[0], said);
      return FALSE;
    }
  if (out != NULL)
    *out = g_steal_pointer (&stdout_text);
  return TRUE;
}

gboolean
motcua_test_server_admin (MotcuaTestServer *server,
                          const char       *first_arg,
                          ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  return run_admin (server, args, NULL);
}

char *
motcua_test_server_enrolment_code (MotcuaTestServer *server,
                                   const char       *agency)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  char *out = NULL;

  g_ptr_array_add (args, (gpointer) "enrolment-code");
  g_ptr_array_add (args, (gpointer) "--agency");
  g_ptr_array_add (args, (gpointer) agency);
  if (!run_admin (server, args, &out))
    return NULL;
  return g_strstrip (out);
}

/* ---- the process ------------------------------------------------------------------ */

MotcuaTestServer *
motcua_test_server_new (void)
{
  MotcuaTestServer *server = g_new0 (MotcuaTestServer, 1);

  server->root = motcua_test_make_temp_dir ("motcua-server-XXXXXX");
  server->data_dir = g_build_filename (server->root, "data", NULL);
  server->log_path = g_build_filename (server->root, "server.log", NULL);
  server->stdout_fd = -1;
  if (!motcua_test_server_admin (server, "agency-add", "--code", MOTCUA_TEST_AGENCY,
                                 "--name", MOTCUA_TEST_AGENCY_NAME, NULL))
    g_test_fail_printf ("The test server's agency %s could not be added.", MOTCUA_TEST_AGENCY);
  return server;
}

void
motcua_test_server_set_tls (MotcuaTestServer *server,
                            const char       *cert_file,
                            const char       *key_file)
{
  g_free (server->tls_cert);
  g_free (server->tls_key);
  server->tls_cert = g_strdup (cert_file);
  server->tls_key = g_strdup (key_file);
}

/* A test that fails an assertion aborts before its teardown: the server it started
 * must not outlive it (CI would find stray servers, and the next test their ports). */
static void
die_with_the_test (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* Reads the URL line the server prints once it listens; NULL after @timeout_ms or EOF. */
static char *
read_url_line (int fd, int timeout_ms)
{
  g_autoptr(GString) line = g_string_new (NULL);
  gint64 deadline = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;

  for (;;)
    {
      struct pollfd pfd = { .fd = fd, .events = POLLIN };
      int left = (int) ((deadline - g_get_monotonic_time ()) / G_TIME_SPAN_MILLISECOND);
      char c;
      ssize_t n;

      if (left <= 0 || poll (&pfd, 1, left) <= 0)
        return NULL;
      n = read (fd, &c, 1);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return NULL;
      if (c == '\n')
        return g_string_free (g_steal_pointer (&line), FALSE);
      g_string_append_c (line, c);
    }
}

static gboolean
spawn_server (MotcuaTestServer *server, GError **error)
{
  g_autofree char *port = g_strdup_printf ("%u", server->port);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  int log_fd = g_open (server->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  gboolean ok;

  g_ptr_array_add (argv, (gpointer) server_binary ());
  g_ptr_array_add (argv, (gpointer) "--data");
  g_ptr_array_add (argv, server->data_dir);
  g_ptr_array_add (argv, (gpointer) "--port");
  g_ptr_array_add (argv, port);
  if (server->tls_cert != NULL)
    {
      g_ptr_array_add (argv, (gpointer) "--tls-cert");
      g_ptr_array_add (argv, server->tls_cert);
      g_ptr_array_add (argv, (gpointer) "--tls-key");
      g_ptr_array_add (argv, server->tls_key);
    }
  g_ptr_array_add (argv, NULL);

  ok = g_spawn_async_with_pipes_and_fds (NULL, (const char * const *) argv->pdata, NULL,
                                         G_SPAWN_DO_NOT_REAP_CHILD, die_with_the_test, NULL,
                                         -1, -1, log_fd, NULL, NULL, 0,
                                         &server->pid, NULL, &server->stdout_fd, NULL, error);
  if (log_fd >= 0)
    close (log_fd);
  return ok;
}

/* Whether the process is still alive (reaping it when it is not). */
static gboolean
server_alive (MotcuaTestServer *server)
{
  int status;

  if (server->pid == 0)
    return FALSE;
  if (waitpid (server->pid, &status, WNOHANG) != server->pid)
    return TRUE;
  g_test_message ("motcua-server exited early (wait status %d); its log is %s", status, server->log_path);
  g_spawn_close_pid (server->pid);
  server->pid = 0;
  return FALSE;
}

static gboolean
wait_until_healthy (MotcuaTestServer *server)
{
  g_autoptr(SoupSession) session = motcua_test_server_new_session (server);
  g_autofree char *health = g_strconcat (server->url, "v1/health", NULL);
  gint64 deadline = g_get_monotonic_time () + START_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < deadline && server_alive (server))
    {
      if (motcua_test_http_full (session, "GET", health, NULL, NULL, NULL, NULL, NULL, NULL) == SOUP_STATUS_OK)
        return TRUE;
      g_usleep (20 * G_TIME_SPAN_MILLISECOND);
    }
  g_test_message ("motcua-server at %s never answered GET /v1/health", server->url);
  return FALSE;
}

gboolean
motcua_test_server_start (MotcuaTestServer *server)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autoptr(GUri) uri = NULL;

  g_return_val_if_fail (server->pid == 0, FALSE);
  if (!spawn_server (server, &error))
    {
      g_test_message ("Cannot start %s: %s", server_binary (), error->message);
      return FALSE;
    }
  line = read_url_line (server->stdout_fd, START_TIMEOUT_MS);
  if (line == NULL || (uri = g_uri_parse (line, G_URI_FLAGS_NONE, NULL)) == NULL || g_uri_get_port (uri) <= 0)
    {
      g_test_message ("motcua-server printed no URL (got “%s”); its log is %s", line ? line : "", server->log_path);
      motcua_test_server_kill (server, SIGKILL);
      return FALSE;
    }
  server->port = g_uri_get_port (uri);
  g_free (server->url);
  server->url = g_steal_pointer (&line);
  if (!wait_until_healthy (server))
    {
      motcua_test_server_kill (server, SIGKILL);
      return FALSE;
    }
  return TRUE;
}

const char *
motcua_test_server_get_url (MotcuaTestServer *server)
{
  return server->url;
}

const char *
motcua_test_server_get_data_dir (MotcuaTestServer *server)
{
  return server->data_dir;
}

const char *
motcua_test_server_get_log_path (MotcuaTestServer *server)
{
  return server->log_path;
}

GPid
motcua_test_server_get_pid (MotcuaTestServer *server)
{
  return server->pid;
}

int
motcua_test_server_kill_status (MotcuaTestServer *server,
                                int               signum)
{
  gint64 deadline = g_get_monotonic_time () + STOP_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;
  int status = -1;

  if (server->pid == 0)
    return -1;
  kill (server->pid, signum);
  while (waitpid (server->pid, &status, WNOHANG) == 0)
    {
      if (g_get_monotonic_time () > deadline)
        {
          g_test_message ("motcua-server did not stop on signal %d; killing it", signum);
          kill (server->pid, SIGKILL);
          waitpid (server->pid, &status, 0);
          break;
        }
      g_usleep (10 * G_TIME_SPAN_MILLISECOND);
    }
  g_spawn_close_pid (server->pid);
  server->pid = 0;
  if (server->stdout_fd >= 0)
    close (server->stdout_fd);
  server->stdout_fd = -1;
  return status;
}

void
motcua_test_server_kill (MotcuaTestServer *server,
                         int               signum)
{
  motcua_test_server_kill_status (server, signum);
}

void
motcua_test_server_stop (MotcuaTestServer *server)
{
  motcua_test_server_kill_status (server, SIGTERM);
}

void
motcua_test_server_free (MotcuaTestServer *server)
{
  if (server == NULL)
    return;
  motcua_test_server_stop (server);
  motcua_test_remove_tree (server->root);
  g_free (server->root);
  g_free (server->data_dir);
  g_free (server->log_path);
  g_free (server->url);
  g_free (server->tls_cert);
  g_free (server->tls_key);
  g_free (server);
}

/* ---- HTTP ------------------------------------------------------------------------- */

SoupSession *
motcua_test_server_new_session (MotcuaTestServer *server)
{
  SoupSession *session = soup_session_new_with_options ("timeout", 60, NULL);

  if (server != NULL && server->tls_cert != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GTlsDatabase) database = g_tls_file_database_new (server->tls_cert, &error);

      if (database == NULL)
        g_test_message ("Cannot trust %s: %s", server->tls_cert, error->message);
      soup_session_set_tls_database (session, database);
    }
  return session;
}

guint
motcua_test_http_full (SoupSession         *session,
                       const char          *method,
                       const char          *url,
                       const char          *token,
                       GBytes              *body,
                       const char          *content_type,
                       const char * const  *headers,
                       GBytes             **response,
                       SoupMessageHeaders **response_headers)
{
  static SoupSession *shared;
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *request_headers;

  if (msg == NULL)
    {
      g_test_message ("“%s” is not a URL", url);
      return 0;
    }
  if (session == NULL)
    session = shared ? shared : (shared = motcua_test_server_new_session (NULL));
  request_headers = soup_message_get_request_headers (msg);
  if (token != NULL)
    {
      g_autofree char *authorization = g_strdup_printf ("Bearer %s", token);
      soup_message_headers_replace (request_headers, "Authorization", authorization);
    }
  for (guint i = 0; headers != NULL && headers[i] != NULL && headers[i + 1] != NULL; i += 2)
    soup_message_headers_replace (request_headers, headers[i], headers[i + 1]);
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, content_type ? content_type : "application/json", body);

  if ((bytes = soup_session_send_and_read (session, msg, NULL, &error)) == NULL)
    {
      g_test_message ("%s %s: %s", method, url, error->message);
      return 0;
    }
  if (response != NULL)
    *response = g_steal_pointer (&bytes);
  if (response_headers != NULL)
    *response_headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  return soup_message_get_status (msg);
}

guint
motcua_test_http (const char          *method,
                  const char          *url,
                  const char          *token,
                  GBytes              *body,
                  const char          *content_type,
                  GBytes             **response,
                  SoupMessageHeaders **response_headers)
{
  return motcua_test_http_full (NULL, method, url, token, body, content_type, NULL, response, response_headers);
}

char *
motcua_test_server_enrol (MotcuaTestServer *server,
                          const char       *agency,
                          const char       *device_name)
{
  g_autofree char *code = motcua_test_server_enrolment_code (server, agency ? agency : MOTCUA_TEST_AGENCY);
  g_autofree char *url = g_strconcat (server->url, "v1/enrol", NULL);
  g_autofree char *request = NULL;
  g_autoptr(SoupSession) session = motcua_test_server_new_session (server);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) response = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  guint status;

  if (code == NULL)
    return NULL;
  request = g_strdup_printf ("{\"code\": \"%s\", \"device_name\": \"%s\"}", code, device_name);
  body = g_bytes_new_take (request, strlen (request));
  request = NULL;
  status = motcua_test_http_full (session, "POST", url, NULL, body, "application/json", NULL, &response, NULL);
  if (status != SOUP_STATUS_CREATED
      || !json_parser_load_from_data (parser, g_bytes_get_data (response, NULL), g_bytes_get_size (response), NULL)
      || (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_test_message ("Enrolment at %s failed with status %u", url, status);
      return NULL;
    }
  return g_strdup (json_object_get_string_member_with_default (json_node_get_object (root), "token", NULL));
}
