/* main.c: the motcua-server command line: serving, and the administrator's commands.
 *
 *   motcua-server --data DIR [--port N] [--listen ADDR] [--tls-cert F --tls-key F]
 *   motcua-server --data DIR admin COMMAND [OPTIONS…]
 *
 * Exit status: 0 done, 1 failed (the reason on stderr), 2 wrong usage.
 */

#include <glib-unix.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include "motcua-catalog.h"
#include "motcua-codes.h"
#include "motcua-server-sqlite.h"
#include "motcua-server.h"

#define EXIT_USAGE    2
#define DEFAULT_PORT  8470

typedef struct {
  char *data_dir;
  char *listen;
  char *tls_cert;
  char *tls_key;
  int   port;
} Options;

static int
usage_error (const char *message)
{
  g_printerr ("motcua-server: %s\nRun “motcua-server --help” for the usage.\n", message);
  return EXIT_USAGE;
}

static int
failure (const GError *error)
{
  g_printerr ("motcua-server: %s\n", error->message);
  return EXIT_FAILURE;
}

/* Text options are read as bytes (G_OPTION_ARG_FILENAME) and checked as UTF-8 here:
 * an agency's Vietnamese name must not depend on the locale the command runs in. */
static gboolean
is_text (const char *value)
{
  return value == NULL || g_utf8_validate (value, -1, NULL);
}

static MotcuaServerStorage *
open_storage (const char *data_dir, GError **error)
{
  g_autofree char *path = g_build_filename (data_dir, "server.db", NULL);

  if (g_mkdir_with_parents (data_dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot create the data folder %s: %s", data_dir, g_strerror (saved_errno));
      return NULL;
    }
  return MOTCUA_SERVER_STORAGE (motcua_server_sqlite_open (path, error));
}

/* Parses a command's own options; FALSE with *@status set when it should stop. */
static gboolean
parse_command (const char *parameters, const char *summary, GOptionEntry *entries,
               int *argc, char ***argv, int *status)
{
  g_autoptr(GOptionContext) context = g_option_context_new (parameters);
  g_autoptr(GError) error = NULL;

  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, NULL);
  if (g_option_context_parse (context, argc, argv, &error))
    return TRUE;
  *status = usage_error (error->message);
  return FALSE;
}

/* ---- admin commands ----------------------------------------------------------- */

static int
admin_agency_add (MotcuaServerStorage *storage, int argc, char **argv)
{
  g_autofree char *code = NULL, *name = NULL, *address = NULL;
  GOptionEntry entries[] = {
    { "code", 0, 0, G_OPTION_ARG_FILENAME, &code, "Agency identifier, e.g. 000.00.12.H56", "CODE" },
    { "name", 0, 0, G_OPTION_ARG_FILENAME, &name, "Agency name", "NAME" },
    { "address", 0, 0, G_OPTION_ARG_FILENAME, &address, "Agency address", "ADDRESS" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  MotcuaServerAgency agency;
  gboolean created;
  int status;

  if (!parse_command ("", "Add an agency (the same one again changes nothing).", entries, &argc, &argv, &status))
    return status;
  if (code == NULL || name == NULL || *name == '\0')
    return usage_error ("agency-add needs --code and --name.");
  if (!motcua_agency_code_is_valid (code))
    return usage_error ("The agency code must be letters, digits and dots, e.g. 000.00.12.H56.");
  if (!is_text (name) || !is_text (address))
    return usage_error ("The name and address must be UTF-8 text.");

  agency = (MotcuaServerAgency) { .code = code, .name = name, .address = address };
  if (!motcua_server_storage_add_agency (storage, &agency, &created, &error))
    return failure (error);
  g_print (created ? "Agency %s added.\n" : "Agency %s is already there.\n", code);
  return EXIT_SUCCESS;
}

static int
admin_agency_list (MotcuaServerStorage *storage, int argc, char **argv)
{
  GOptionEntry entries[] = { { NULL } };
  g_autoptr(GPtrArray) agencies = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (!parse_command ("", "List the agencies, tab-separated: code, name, address.", entries, &argc, &argv, &status))
    return status;
  if ((agencies = motcua_server_storage_list_agencies (storage, &error)) == NULL)
    return failure (error);
  for (guint i = 0; i < agencies->len; i++)
    {
      MotcuaServerAgency *agency = g_ptr_array_index (agencies, i);

      g_print ("%s\t%s\t%s\n", agency->code, agency->name, agency->address ? agency->address : "");
    }
  return EXIT_SUCCESS;
}

static int
admin_enrolment_code (MotcuaServerStorage *storage, int argc, char **argv)
{
  g_autofree char *agency = NULL;
  GOptionEntry entries[] = {
    { "agency", 0, 0, G_OPTION_ARG_FILENAME, &agency, "The agency the workstation will belong to", "CODE" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  int status;

  if (!parse_command ("", "Make a one-time code a workstation trades for its device token (valid 7 days).",
                      entries, &argc, &argv, &status))
    return status;
  if (agency == NULL)
    return usage_error ("enrolment-code needs --agency.");
  if ((code = motcua_server_new_enrolment_code (storage, agency, &error)) == NULL)
    return failure (error);
  g_print ("%s\n", code);
  return EXIT_SUCCESS;
}

static int
admin_catalog_import (MotcuaServerStorage *storage, int argc, char **argv)
{
  GOptionEntry entries[] = { { NULL } };
  g_autoptr(GPtrArray) procedures = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *text = NULL;
  gsize length;
  int status;

  if (!parse_command ("FILE", "Serve this catalog (the format of “motcua catalog export”) instead of the demo one.",
                      entries, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return usage_error ("catalog-import needs the catalog file.");
  if (!g_file_get_contents (argv[1], &contents, &length, &error)
      || (procedures = motcua_catalog_parse (contents, length, &error)) == NULL)
    return failure (error);
  /* Stored as this server writes it, so that its ETag changes only with its content. */
  text = motcua_catalog_to_json (procedures);
  if (!motcua_server_storage_set_setting (storage, "catalog", text, &error))
    return failure (error);
  g_print ("Imported %u procedures; workstations receive them at their next sync.\n", procedures->len);
  return EXIT_SUCCESS;
}

/* The file's JSON object; the messages name the file, since the protocol's own speak of
 * an answer. */
static JsonObject *
read_json_file (const char *path, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  if (!json_parser_load_from_mapped_file (parser, path, &local_error))
    {
      if (local_error->domain == JSON_PARSER_ERROR)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s is not valid JSON: %s", path, local_error->message);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s is not a JSON object.", path);
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

static int
admin_calendar_import (MotcuaServerStorage *storage, int argc, char **argv)
{
  GOptionEntry entries[] = { { NULL } };
  g_autoptr(JsonObject) calendar = NULL;
  g_autoptr(GError) error = NULL;
  guint n_days = 0;
  int year = 0;
  int status;

  if (!parse_command ("FILE",
                      "Serve this official calendar of one year instead of the built-in holidays:\n"
                      "{ \"year\": 2027, \"days\": [ { \"date\": \"2027-02-05\", \"working\": false, "
                      "\"name\": \"Tết Nguyên đán\" }, … ] },\n"
                      "every day off and every swapped working day the government announced.",
                      entries, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return usage_error ("calendar-import needs the calendar file.");
  if ((calendar = read_json_file (argv[1], &error)) == NULL
      || !motcua_server_import_calendar (storage, calendar, &year, &n_days, &error))
    return failure (error);
  g_print ("Imported the official calendar of %d (%u days); workstations receive it at their next sync.\n",
           year, n_days);
  return EXIT_SUCCESS;
}

static int
admin_trust_add (MotcuaServerStorage *storage, int argc, char **argv)
{
  GOptionEntry entries[] = { { NULL } };
  g_autoptr(GError) error = NULL;
  guint n_added = 0;
  int status;

  if (!parse_command ("FILE", "Trust this certificate authority (PEM) for approval signatures: from then on "
                      "every pushed approval must be signed by a certificate it issued.",
                      entries, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return usage_error ("trust-add needs the certificate file.");
  if (!motcua_server_add_trust_anchors (storage, argv[1], &n_added, &error))
    return failure (error);
  g_print ("%u trust anchors added.\n", n_added);
  return EXIT_SUCCESS;
}

static const struct {
  const char *name;
  int       (*run) (MotcuaServerStorage *storage, int argc, char **argv);
} admin_commands[] = {
  { "agency-add", admin_agency_add },
  { "agency-list", admin_agency_list },
  { "enrolment-code", admin_enrolment_code },
  { "catalog-import", admin_catalog_import },
  { "calendar-import", admin_calendar_import },
  { "trust-add", admin_trust_add },
};

/* @argv is "admin COMMAND [OPTIONS…]". */
static int
run_admin (const Options *options, int argc, char **argv)
{
  g_autoptr(MotcuaServerStorage) storage = NULL;
  g_autoptr(GError) error = NULL;

  if (argc < 2)
    return usage_error ("Say which admin command: agency-add, agency-list, enrolment-code, catalog-import, "
                        "calendar-import or trust-add.");
  for (guint i = 0; i < G_N_ELEMENTS (admin_commands); i++)
    {
      if (!g_str_equal (argv[1], admin_commands[i].name))
        continue;
      if ((storage = open_storage (options->data_dir, &error)) == NULL)
        return failure (error);
      return admin_commands[i].run (storage, argc - 1, argv + 1);
    }
  {
    g_autofree char *message = g_strdup_printf ("Unknown admin command “%s”.", argv[1]);
    return usage_error (message);
  }
}

/* ---- serving -------------------------------------------------------------------- */

static gboolean
on_stop_signal (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

static void
log_started (const char *url, const Options *options)
{
  g_autoptr(JsonObject) fields = json_object_new ();

  json_object_set_string_member (fields, "url", url);
  json_object_set_string_member (fields, "data", options->data_dir);
  json_object_set_int_member (fields, "pid", getpid ());
  motcua_server_log ("info", "started", fields);
}

static MotcuaServer *
start_server (MotcuaServerStorage *storage, const Options *options, GError **error)
{
  g_autoptr(MotcuaServer) server = motcua_server_new (storage, options->data_dir, error);

  if (server == NULL
      || (options->tls_cert != NULL && !motcua_server_set_tls (server, options->tls_cert, options->tls_key, error))
      || !motcua_server_listen (server, options->listen, options->port, error))
    return NULL;
  return g_steal_pointer (&server);
}

static int
serve (const Options *options)
{
  g_autoptr(MotcuaServerStorage) storage = NULL;
  g_autoptr(MotcuaServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  if (options->port < 0 || options->port > 65535)
    return usage_error ("The port must be from 0 to 65535.");
  if ((options->tls_cert == NULL) != (options->tls_key == NULL))
    return usage_error ("HTTPS needs both --tls-cert and --tls-key.");
  if ((storage = open_storage (options->data_dir, &error)) == NULL
      || (server = start_server (storage, options, &error)) == NULL)
    return failure (error);

  /* The one line on stdout: whoever started the server learns where it listens. */
  url = motcua_server_get_url (server);
  g_print ("%s\n", url);
  fflush (stdout);
  log_started (url, options);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, on_stop_signal, loop);
  g_unix_signal_add (SIGINT, on_stop_signal, loop);
  g_main_loop_run (loop);

  motcua_server_disconnect (server);
  g_clear_object (&server);
  g_clear_object (&storage);
  motcua_server_log ("info", "stopped", NULL);
  return EXIT_SUCCESS;
}

int
main (int argc, char **argv)
{
  Options options = { .port = DEFAULT_PORT };
  g_autofree char *listen = NULL;
  GOptionEntry entries[] = {
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &options.data_dir, "Folder of the database and blobs (created if missing)", "DIR" },
    { "port", 0, 0, G_OPTION_ARG_INT, &options.port, "Port to listen on (default 8470; 0: any free port)", "N" },
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen, "IP address to listen on (default 127.0.0.1)", "ADDR" },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &options.tls_cert, "Serve HTTPS with this certificate (PEM)", "FILE" },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &options.tls_key, "The certificate's private key (PEM)", "FILE" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("[admin COMMAND [OPTIONS…]]");
  g_autoptr(GError) error = NULL;
  int status;

  setlocale (LC_ALL, "");
  g_option_context_set_summary (context,
                                "The Motcua Desk sync server (docs/protocol.md).\n\n"
                                "Admin commands (run “motcua-server --data DIR admin COMMAND --help”):\n"
                                "  agency-add --code CODE --name NAME [--address ADDRESS]\n"
                                "  agency-list\n"
                                "  enrolment-code --agency CODE\n"
                                "  catalog-import FILE\n"
                                "  calendar-import FILE\n"
                                "  trust-add FILE");
  g_option_context_add_main_entries (context, entries, NULL);
  /* Stop at "admin": the command's options are its own. */
  g_option_context_set_strict_posix (context, TRUE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (error->message);
  if (options.data_dir == NULL)
    return usage_error ("Say where the server keeps its data: --data DIR.");
  options.listen = listen ? listen : (char *) "127.0.0.1";

  if (argc > 1 && g_str_equal (argv[1], "admin"))
    status = run_admin (&options, argc - 1, argv + 1);
  else if (argc > 1)
    {
      g_autofree char *message = g_strdup_printf ("Unexpected argument “%s”.", argv[1]);
      status = usage_error (message);
    }
  else
    status = serve (&options);

  g_free (options.data_dir);
  g_free (options.tls_cert);
  g_free (options.tls_key);
  return status;
}
