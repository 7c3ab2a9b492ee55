/* motcua-cli.c: commands of the `motcua` program. */

#include <glib/gi18n-lib.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "motcua-backup.h"
#include "motcua-catalog.h"
#include "motcua-demo-form.h"
#include "motcua-error.h"
#include "motcua-stats.h"
#include "motcua-store.h"
#include "motcua-store-users.h"
#include "motcua-sync.h"
#include "motcua-time.h"
#include "motcua-cli.h"

#include "motcua-cli-private.h"

/* ---- output --------------------------------------------------------------- */

void
motcua_cli_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_root (generator, node);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

/* {"key": value} for commands whose whole answer is one number or word. */
void
motcua_cli_print_json_member (const char *name, const char *text, gint64 number)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonObject) object = json_object_new ();

  if (text != NULL)
    json_object_set_string_member (object, name, text);
  else
    json_object_set_int_member (object, name, number);
  json_node_set_object (node, object);
  motcua_cli_print_json (node);
}

int
motcua_cli_report_error (Cli *cli, const GError *error)
{
  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;
      g_autoptr(JsonGenerator) generator = json_generator_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "error");
      json_builder_add_string_value (builder, error->message);
      json_builder_set_member_name (builder, "code");
      json_builder_add_int_value (builder, error->code);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      json_generator_set_root (generator, root);
      text = json_generator_to_data (generator, NULL);
      g_printerr ("%s\n", text);
    }
  else
    g_printerr (_("Error: %s\n"), error->message);
  return EXIT_FAILURE;
}

int
motcua_cli_usage_error (const char *message)
{
  g_printerr ("%s\n", message);
  g_printerr (_("Run “motcua --help” for the list of commands.\n"));
  return EXIT_USAGE;
}

/* Parses the options of one command; --help prints and exits 0 through GOption. */
gboolean
motcua_cli_parse_options (const char *command, const char *parameters, const char *summary,
               GOptionEntry *entries, int *argc, char ***argv, int *status)
{
  g_autoptr(GOptionContext) context = g_option_context_new (parameters);
  g_autoptr(GError) error = NULL;
  g_autofree char *title = g_strdup_printf ("motcua %s", command);

  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_set_prgname (title);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      *status = motcua_cli_usage_error (error->message);
      return FALSE;
    }
  return TRUE;
}

MotcuaStore *
motcua_cli_open_store (Cli *cli, GError **error)
{
  g_autofree char *path = cli->db_path ? g_strdup (cli->db_path) : motcua_store_default_path ();

  return motcua_store_open (path, error);
}

char *
motcua_cli_format_local (const char *iso)
{
  g_autoptr(GDateTime) time = motcua_time_parse (iso, NULL);

  if (time == NULL)
    return g_strdup ("—");
  return g_date_time_format (time, "%H:%M %d/%m/%Y");
}

/* printf pads bytes; Vietnamese needs padding by characters. */
void
motcua_cli_print_padded (const char *text, glong width)
{
  glong length = g_utf8_strlen (text ? text : "", -1);

  g_print ("%s%*s ", text ? text : "", (int) MAX (width - length, 0), "");
}

static void
print_dossier_line (MotcuaDossier *dossier)
{
  g_autofree char *due = motcua_cli_format_local (motcua_dossier_get_due_at (dossier));

  motcua_cli_print_padded (motcua_dossier_get_code (dossier), 26);
  motcua_cli_print_padded (motcua_dossier_get_applicant_name (dossier), 24);
  motcua_cli_print_padded (motcua_status_label (motcua_dossier_get_status (dossier)), 36);
  motcua_cli_print_padded (due, 16);
  g_print ("%s\n", motcua_dossier_get_procedure_name (dossier));
}

/* ---- init ----------------------------------------------------------------- */

static gboolean
ensure_user (MotcuaStore *store, const char *username, const char *full_name, MotcuaRole role, GError **error)
{
  g_autoptr(MotcuaUser) existing = motcua_store_get_user (store, username, NULL);

  return existing != NULL || motcua_store_add_user (store, username, full_name, role, error);
}

static int
command_init (Cli *cli, int argc, char **argv)
{
  g_autofree char *agency_code = NULL;
  g_autofree char *agency_name = NULL;
  gboolean demo = FALSE;
  gboolean demo_pin = FALSE;
  GOptionEntry entries[] = {
    { "agency-code", 0, 0, G_OPTION_ARG_STRING, &agency_code, N_("Agency identifier, e.g. 000.17.22.H56"), N_("CODE") },
    { "agency-name", 0, 0, G_OPTION_ARG_STRING, &agency_name, N_("Agency name"), N_("NAME") },
    { "demo", 0, 0, G_OPTION_ARG_NONE, &demo, N_("Demo agency, staff and procedure catalog"), NULL },
    { "demo-pin", 0, 0, G_OPTION_ARG_NONE, &demo_pin, N_("Give every user the demo PIN 123456"), NULL },
    { NULL }
  };
  g_autoptr(MotcuaStore) store = NULL;
  g_autoptr(GError) error = NULL;
  MotcuaAgency agency = { 0 };
  int status;

  if (!motcua_cli_parse_options ("init", "", _("Set up this workstation's database."), entries, &argc, &argv, &status))
    return status;
  if ((store = motcua_cli_open_store (cli, &error)) == NULL)
    return motcua_cli_report_error (cli, error);

  agency.code = agency_code ? agency_code : (char *) "000.17.22.H56";
  agency.name = agency_name ? agency_name : (char *) (demo ? "Ủy ban nhân dân xã Quảng Phú" : _("One-stop office"));
  agency.lookup_url = (char *) "https://dichvucong.example.vn/tra-cuu";
  /* The demo office's contact details, as its slips print them. */
  agency.address = demo ? (char *) "Thôn Trung Tâm, xã Quảng Phú, tỉnh Thanh Hóa" : NULL;
  agency.phone = demo ? (char *) "0237 3865 123" : NULL;
  if (!motcua_store_set_agency (store, &agency, &error)
      || !ensure_user (store, "admin", _("Administrator"), MOTCUA_ROLE_ADMIN, &error)
      || (demo && !motcua_demo_setup (store, &error))
      || (demo_pin && !motcua_demo_set_passwords (store, &error)))
    return motcua_cli_report_error (cli, error);
  if (!demo)
    {
      g_autofree char *current = motcua_store_get_state (store, "current_user", NULL);
      if (current == NULL && !motcua_store_set_state (store, "current_user", "admin", &error))
        return motcua_cli_report_error (cli, error);
    }

  if (cli->json)
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
      g_autoptr(JsonObject) object = json_object_new ();

      json_object_set_string_member (object, "database", motcua_store_get_path (store));
      json_object_set_string_member (object, "agency_code", agency.code);
      json_object_set_string_member (object, "agency_name", agency.name);
      json_node_set_object (node, object);
      motcua_cli_print_json (node);
    }
  else
    g_print (_("The database %s is ready for %s (%s).\n"), motcua_store_get_path (store), agency.name, agency.code);
  return EXIT_SUCCESS;
}

/* ---- catalog -------------------------------------------------------------- */

static int
catalog_import (Cli *cli, MotcuaStore *store, const char *file)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GPtrArray) procedures = NULL;
  gsize length;

  if (!g_file_get_contents (file, &contents, &length, &error))
    {
      g_autoptr(GError) wrapped = g_error_new (MOTCUA_ERROR, MOTCUA_ERROR_IO,
                                               _("Cannot read the catalog file %s."), file);
      return motcua_cli_report_error (cli, wrapped);
    }
  if ((procedures = motcua_catalog_parse (contents, length, &error)) == NULL
      || !motcua_store_import_catalog (store, procedures, &error))
    return motcua_cli_report_error (cli, error);
  if (cli->json)
    motcua_cli_print_json_member ("imported", NULL, procedures->len);
  else
    g_print (g_dngettext (GETTEXT_PACKAGE, "Imported %u procedure.\n", "Imported %u procedures.\n",
                          procedures->len), procedures->len);
  return EXIT_SUCCESS;
}

static int
catalog_export (Cli *cli, MotcuaStore *store, const char *file)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) procedures = motcua_store_list_procedures (store, NULL, &error);
  g_autofree char *text = NULL;

  if (procedures == NULL)
    return motcua_cli_report_error (cli, error);
  text = motcua_catalog_to_json (procedures);
  if (!g_file_set_contents (file, text, -1, &error))
    {
      g_autoptr(GError) wrapped = g_error_new (MOTCUA_ERROR, MOTCUA_ERROR_IO,
                                               _("Cannot write the catalog to %s: %s"), file, error->message);
      return motcua_cli_report_error (cli, wrapped);
    }
  if (cli->json)
    motcua_cli_print_json_member ("exported", NULL, procedures->len);
  else
    g_print (g_dngettext (GETTEXT_PACKAGE, "Exported %u procedure to %s.\n", "Exported %u procedures to %s.\n",
                          procedures->len), procedures->len, file);
  return EXIT_SUCCESS;
}

static int
catalog_list (Cli *cli, MotcuaStore *store, const char *search)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) procedures = motcua_store_list_procedures (store, search, &error);

  if (procedures == NULL)
    return motcua_cli_report_error (cli, error);
  if (cli->json)
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
      g_autoptr(JsonArray) array = json_array_new ();

      for (guint i = 0; i < procedures->len; i++)
        json_array_add_element (array, motcua_procedure_to_json (g_ptr_array_index (procedures, i)));
      json_node_set_array (node, array);
      motcua_cli_print_json (node);
      return EXIT_SUCCESS;
    }
  for (guint i = 0; i < procedures->len; i++)
    {
      MotcuaProcedure *p = g_ptr_array_index (procedures, i);
      g_autofree char *time = motcua_processing_time_describe (p->time_amount, p->time_unit);

      g_print ("%-12s %s (%s)\n", p->code, p->name, time);
    }
  return EXIT_SUCCESS;
}

static int
command_catalog (Cli *cli, int argc, char **argv)
{
  g_autofree char *search = NULL;
  GOptionEntry entries[] = {
    { "search", 0, 0, G_OPTION_ARG_STRING, &search, N_("Only procedures whose name or code matches"), N_("TEXT") },
    { NULL }
  };
  g_autoptr(MotcuaStore) store = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (!motcua_cli_parse_options ("catalog", "import FILE | export FILE | list", _("Manage the procedure catalog."),
                      entries, &argc, &argv, &status))
    return status;
  if (argc < 2)
    return motcua_cli_usage_error (_("Say what to do with the catalog: import FILE, export FILE or list."));
  if ((store = motcua_cli_open_store (cli, &error)) == NULL)
    return motcua_cli_report_error (cli, error);

  if (g_str_equal (argv[1], "import") && argc == 3)
    return catalog_import (cli, store, argv[2]);
  if (g_str_equal (argv[1], "export") && argc == 3)
    return catalog_export (cli, store, argv[2]);
  if (g_str_equal (argv[1], "list") && argc == 2)
    return catalog_list (cli, store, search);
  return motcua_cli_usage_error (_("Say what to do with the catalog: import FILE, export FILE or list."));
}

/* ---- demo-data ------------------------------------------------------------- */

static int
command_demo_data (Cli *cli, int argc, char **argv)
{
  int n_dossiers = 500;
  int seed = 1;
  int n_scanned = 0;
  GOptionEntry entries[] = {
    { "dossiers", 0, 0, G_OPTION_ARG_INT, &n_dossiers, N_("How many dossiers to generate"), N_("N") },
    { "seed", 0, 0, G_OPTION_ARG_INT, &seed, N_("Random seed (the same seed gives the same data)"), N_("S") },
    { "scanned", 0, 0, G_OPTION_ARG_INT, &n_scanned,
      N_("Attach the scanned request form to the last N dossiers to arrive"), N_("N") },
    { NULL }
  };
  g_autoptr(MotcuaStore) store = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (!motcua_cli_parse_options ("demo-data", "", _("Generate realistic invented dossiers."), entries, &argc, &argv, &status))
    return status;
  if (n_dossiers < 0 || n_dossiers > 10000000)
    return motcua_cli_usage_error (_("The number of dossiers must be between 0 and 10,000,000."));
  if (n_scanned < 0 || n_scanned > n_dossiers)
    return motcua_cli_usage_error (_("The number of scanned dossiers must be between 0 and the number of dossiers."));
  if ((store = motcua_cli_open_store (cli, &error)) == NULL
      || !motcua_demo_generate_scanned (store, n_dossiers, seed, n_scanned, motcua_demo_form_write_pdf, NULL, &error))
    return motcua_cli_report_error (cli, error);
  if (cli->json)
    motcua_cli_print_json_member ("generated", NULL, n_dossiers);
  else
    g_print (g_dngettext (GETTEXT_PACKAGE, "Generated %d dossier.\n", "Generated %d dossiers.\n", n_dossiers),
             n_dossiers);
  return EXIT_SUCCESS;
}

/* ---- receive ------------------------------------------------------------------ */

static gboolean
all_numbers (char **items)
{
  for (guint i = 0; items[i] != NULL; i++)
    {
      const char *p = g_strstrip (items[i]);

      if (*p == '\0')
        return FALSE;
      for (; *p; p++)
        if (!g_ascii_isdigit (*p))
          return FALSE;
    }
  return TRUE;
}

/* --documents takes "all", item numbers of the checklist ("1,2,4"), or names separated
 * by ";" (or by "," when no name contains one). */
static char **
resolve_documents (MotcuaStore *store, const char *procedure_code, const char *documents, GError **error)
{
  g_autoptr(MotcuaProcedure) procedure = NULL;
  g_auto(GStrv) items = NULL;
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();

  if (documents == NULL || g_str_equal (documents, "all"))
    return NULL;
  if (*documents == '\0' || g_str_equal (documents, "none"))
    return g_new0 (char *, 1);

  items = g_strsplit (documents, strchr (documents, ';') ? ";" : ",", -1);
  if (!all_numbers (items))
    {
      for (guint i = 0; items[i] != NULL; i++)
        if (*g_strstrip (items[i]) != '\0')
          g_strv_builder_add (names, items[i]);
      return g_strv_builder_end (names);
    }

  if ((procedure = motcua_store_get_procedure (store, procedure_code, error)) == NULL)
    return NULL;
  for (guint i = 0; items[i] != NULL; i++)
    {
      guint64 n = g_ascii_strtoull (items[i], NULL, 10);

      if (n < 1 || n > procedure->documents->len)
        {
          g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                       _("Procedure %s has documents 1 to %u; there is no document %s."),
                       procedure->code, procedure->documents->len, items[i]);
          return NULL;
        }
      g_strv_builder_add (names, ((MotcuaProcedureDocument *) g_ptr_array_index (procedure->documents, n - 1))->name);
    }
  return g_strv_builder_end (names);
}

static void
print_dossier (Cli *cli, MotcuaDossier *dossier)
{
  if (cli->json)
    {
      g_autoptr(JsonNode) node = motcua_dossier_to_json (dossier);
      motcua_cli_print_json (node);
    }
  else
    {
      g_autofree char *due = motcua_cli_format_local (motcua_dossier_get_due_at (dossier));

      g_print (_("Dossier %s — %s\n"), motcua_dossier_get_code (dossier),
               motcua_status_label (motcua_dossier_get_status (dossier)));
      g_print (_("  Applicant: %s\n"), motcua_dossier_get_applicant_name (dossier));
      g_print (_("  Procedure: %s\n"), motcua_dossier_get_procedure_name (dossier));
      g_print (_("  Due: %s\n"), due);
    }
}

static int
command_receive (Cli *cli, int argc, char **argv)
{
  g_autofree char *procedure = NULL, *name = NULL, *id_number = NULL, *phone = NULL;
  g_autofree char *address = NULL, *email = NULL, *channel = NULL, *documents = NULL;
  g_autofree char *actor = NULL, *incomplete = NULL, *reason = NULL;
  g_auto(GStrv) attach = NULL;
  g_auto(GStrv) provided = NULL;
  int sets = 1;
  GOptionEntry entries[] = {
    { "procedure", 0, 0, G_OPTION_ARG_STRING, &procedure, N_("Procedure code from the catalog"), N_("CODE") },
    { "applicant-name", 0, 0, G_OPTION_ARG_STRING, &name, N_("Applicant's full name"), N_("NAME") },
    { "id-number", 0, 0, G_OPTION_ARG_STRING, &id_number, N_("Citizen ID (12 digits) or old ID (9 digits)"), N_("N") },
    { "phone", 0, 0, G_OPTION_ARG_STRING, &phone, N_("Phone number"), N_("P") },
    { "address", 0, 0, G_OPTION_ARG_STRING, &address, N_("Address"), N_("A") },
    { "email", 0, 0, G_OPTION_ARG_STRING, &email, N_("Email address"), N_("E") },
    { "channel", 0, 0, G_OPTION_ARG_STRING, &channel, N_("in-person, online or post"), N_("CHANNEL") },
    { "sets", 0, 0, G_OPTION_ARG_INT, &sets, N_("Number of sets of documents"), N_("N") },
    { "documents", 0, 0, G_OPTION_ARG_STRING, &documents,
      N_("Documents handed in: all, their numbers (1,2,4) or names separated by ;"), N_("LIST") },
    { "attach", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &attach, N_("Attach a scanned file (repeatable)"), N_("FILE") },
    { "incomplete", 0, 0, G_OPTION_ARG_STRING, &incomplete,
      N_("When documents are missing: request-supplement (Form 02) or refuse (Form 03)"), N_("OUTCOME") },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("Reason for a refusal or supplement request"), N_("TEXT") },
    { "as", 0, 0, G_OPTION_ARG_STRING, &actor, N_("Act as this user"), N_("USER") },
    { NULL }
  };
  g_autoptr(MotcuaStore) store = NULL;
  g_autoptr(MotcuaDossier) dossier = NULL;
  g_autoptr(GError) error = NULL;
  MotcuaReceiveRequest request = { 0 };
  int status;

  if (!motcua_cli_parse_options ("receive", "", _("Receive a dossier at the counter."), entries, &argc, &argv, &status))
    return status;
  if (procedure == NULL || name == NULL)
    return motcua_cli_usage_error (_("Receiving needs --procedure and --applicant-name."));
  if (channel != NULL && !motcua_channel_from_string (channel, &request.channel))
    return motcua_cli_usage_error (_("The channel must be in-person, online or post."));
  if (incomplete != NULL && g_str_equal (incomplete, "request-supplement"))
    request.on_incomplete = MOTCUA_INCOMPLETE_REQUEST_SUPPLEMENT;
  else if (incomplete != NULL && g_str_equal (incomplete, "refuse"))
    request.on_incomplete = MOTCUA_INCOMPLETE_REFUSE;
  else if (incomplete != NULL)
    return motcua_cli_usage_error (_("--incomplete must be request-supplement or refuse."));

  if ((store = motcua_cli_open_store (cli, &error)) == NULL)
    return motcua_cli_report_error (cli, error);
  provided = resolve_documents (store, procedure, documents, &error);
  if (error != NULL)
    return motcua_cli_report_error (cli, error);

  request.procedure_code = procedure;
  request.applicant_name = name;
  request.applicant_id_number = id_number;
  request.applicant_phone = phone;
  request.applicant_address = address;
  request.applicant_email = email;
  request.sets = sets;
  request.documents_provided = (const char * const *) provided;
  request.attach_paths = (const char * const *) attach;
  request.reason = reason;
  request.actor = actor;
  if ((dossier = motcua_store_receive (store, &request, &error)) == NULL)
    return motcua_cli_report_error (cli, error);
  print_dossier (cli, dossier);
  return EXIT_SUCCESS;
}

/* ---- list and show --------------------------------------------------------------- */

static int
command_list (Cli *cli, int argc, char **argv)
{
  g_autofree char *due = NULL, *search = NULL;
  int status_filter = 0, limit = 50;
  GOptionEntry entries[] = {
    { "status", 0, 0, G_OPTION_ARG_INT, &status_filter, N_("Only this status (1–10)"), N_("N") },
    { "due", 0, 0, G_OPTION_ARG_STRING, &due, N_("today or overdue"), N_("WHEN") },
    { "search", 0, 0, G_OPTION_ARG_STRING, &search, N_("Search code, name, ID, phone, procedure"), N_("TEXT") },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_("At most this many (default 50)"), N_("N") },
    { NULL }
  };
  g_autoptr(MotcuaStore) store = NULL;
  g_autoptr(GPtrArray) dossiers = NULL;
  g_autoptr(GError) error = NULL;
  MotcuaDossierQuery query = { 0 };
  int status;

  if (!motcua_cli_parse_options ("list", "", _("List dossiers, most urgent first."), entries, &argc, &argv, &status))
    return status;
  if (status_filter < 0 || status_filter > 10)
    return motcua_cli_usage_error (_("The status must be a number from 1 to 10."));
  if (limit < 1 || limit > 100000)
    return motcua_cli_usage_error (_("The limit must be between 1 and 100,000."));
  if (due != NULL && g_str_equal (due, "today"))
    query.due = MOTCUA_DUE_TODAY;
  else if (due != NULL && g_str_equal (due, "overdue"))
    query.due = MOTCUA_DUE_OVERDUE;
  else if (due != NULL)
    return motcua_cli_usage_error (_("--due must be today or overdue."));
  query.status = status_filter;
  query.search = search;
  query.limit = limit;

  if ((store = motcua_cli_open_store (cli, &error)) == NULL
      || (dossiers = motcua_store_list_dossiers (store, &query, &error)) == NULL)
    return motcua_cli_report_error (cli, error);

  if (cli->json)
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
      g_autoptr(JsonArray) array = json_array_new ();

      for (guint i = 0; i < dossiers->len; i++)
        json_array_add_element (array, motcua_dossier_to_json (g_ptr_array_index (dossiers, i)));
      json_node_set_array (node, array);
      motcua_cli_print_json (node);
      return EXIT_SUCCESS;
    }
  for (guint i = 0; i < dossiers->len; i++)
    print_dossier_line (g_ptr_array_index (dossiers, i));
  if (dossiers->len == 0)
    g_print (_("No dossier matches.\n"));
  return EXIT_SUCCESS;
}

static JsonNode *
handovers_to_json (GPtrArray *handovers)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  for (guint i = 0; i < handovers->len; i++)
    {
      MotcuaHandover *h = g_ptr_array_index (handovers, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "actor");
      json_builder_add_string_value (builder, h->actor);
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, h->kind);
      json_builder_set_member_name (builder, "at");
      json_builder_add_string_value (builder, h->at);
      json_builder_set_member_name (builder, "due_at");
      json_builder_add_string_value (builder, h->due_at);
      json_builder_set_member_name (builder, "timing");
      if (h->judged)
        json_builder_add_string_value (builder, motcua_timing_to_string (h->timing));
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  return json_builder_get_root (builder);
}

/* An approval under delegation names the supervisor it was made for. */
static void
print_on_behalf (MotcuaEvent *event)
{
  g_autoptr(JsonObject) payload = motcua_event_parse_payload (event, NULL);
  const char *delegator = motcua_payload_delegator_name (payload);

  if (delegator != NULL)
    g_print (_("  on behalf of %s"), delegator);
}

static void
print_show_text (MotcuaDossier *dossier, GPtrArray *events, GPtrArray *handovers)
{
  GPtrArray *documents = motcua_dossier_get_documents (dossier);
  GPtrArray *attachments = motcua_dossier_get_attachments (dossier);
  g_autofree char *received = motcua_cli_format_local (motcua_dossier_get_received_at (dossier));
  g_autofree char *due = motcua_cli_format_local (motcua_dossier_get_due_at (dossier));

  if (motcua_dossier_get_step (dossier) != MOTCUA_STEP_NONE)
    g_print (_("Dossier %s — %s: %s\n"), motcua_dossier_get_code (dossier),
             motcua_status_label (motcua_dossier_get_status (dossier)),
             motcua_step_label (motcua_dossier_get_step (dossier)));
  else
    g_print (_("Dossier %s — %s\n"), motcua_dossier_get_code (dossier),
             motcua_status_label (motcua_dossier_get_status (dossier)));
  g_print (_("  Applicant: %s  ID: %s  Phone: %s\n"), motcua_dossier_get_applicant_name (dossier),
           motcua_dossier_get_applicant_id_number (dossier) ?: "—",
           motcua_dossier_get_applicant_phone (dossier) ?: "—");
  g_print (_("  Address: %s\n"), motcua_dossier_get_applicant_address (dossier) ?: "—");
  g_print (_("  Procedure: %s (%s)\n"), motcua_dossier_get_procedure_name (dossier),
           motcua_dossier_get_procedure_code (dossier));
  g_print (_("  Channel: %s  Received: %s  Due: %s\n"),
           motcua_channel_label (motcua_dossier_get_channel (dossier)), received, due);
  g_print (_("  Documents:\n"));
  for (guint i = 0; i < documents->len; i++)
    {
      MotcuaDossierDocument *doc = g_ptr_array_index (documents, i);
      g_print ("    [%s] %u. %s (%d, %s)\n", doc->provided ? "x" : " ", i + 1, doc->name, doc->quantity,
               motcua_document_kind_label (doc->kind));
    }
  if (attachments->len > 0)
    g_print (_("  Attachments:\n"));
  for (guint i = 0; i < attachments->len; i++)
    {
      MotcuaAttachmentRef *ref = g_ptr_array_index (attachments, i);
      g_print ("    %s  %s (%" G_GINT64_FORMAT " B)\n", ref->sha256, ref->name, ref->size);
    }
  g_print (_("  Journal:\n"));
  for (guint i = 0, h = 0; i < events->len; i++)
    {
      MotcuaEvent *event = g_ptr_array_index (events, i);
      g_autofree char *at = motcua_cli_format_local (event->confirmed_at);
      MotcuaHandover *handover = h < handovers->len ? g_ptr_array_index (handovers, h) : NULL;
      const char *timing = "";

      if (handover != NULL && g_strcmp0 (handover->at, event->confirmed_at) == 0
          && g_strcmp0 (handover->kind, event->kind) == 0)
        {
          timing = handover->judged ? motcua_timing_label (handover->timing) : "";
          h++;
        }
      g_print ("    %2" G_GINT64_FORMAT ". %s  ", event->seq, at);
      motcua_cli_print_padded (motcua_event_kind_label (event->kind), 34);
      motcua_cli_print_padded (event->actor, 12);
      g_print ("%s", timing);
      print_on_behalf (event);
      g_print ("\n");
    }
}

/* A dossier forgotten under the retention rule: only its journal summary is left. */
static int
show_purged (Cli *cli, MotcuaPurgedDossier *purged)
{
  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      const struct { const char *name; const char *value; } texts[] = {
        { "uid", purged->uid }, { "code", purged->code }, { "agency_code", purged->agency_code },
        { "procedure_code", purged->procedure_code }, { "procedure_name", purged->procedure_name },
        { "received_at", purged->received_at }, { "due_at", purged->due_at },
        { "finished_at", purged->finished_at }, { "last_event_hash", purged->last_event_hash },
        { "purged_at", purged->purged_at },
      };

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "purged");
      json_builder_add_boolean_value (builder, TRUE);
      for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
        {
          json_builder_set_member_name (builder, texts[i].name);
          if (texts[i].value != NULL)
            json_builder_add_string_value (builder, texts[i].value);
          else
            json_builder_add_null_value (builder);
        }
      json_builder_set_member_name (builder, "channel");
      json_builder_add_int_value (builder, purged->channel);
      json_builder_set_member_name (builder, "status");
      json_builder_add_int_value (builder, purged->status);
      json_builder_set_member_name (builder, "event_count");
      json_builder_add_int_value (builder, purged->event_count);
      json_builder_set_member_name (builder, "last_server_seq");
      json_builder_add_int_value (builder, purged->last_server_seq);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      motcua_cli_print_json (root);
      return EXIT_SUCCESS;
    }

  {
    g_autofree char *purged_at = motcua_cli_format_local (purged->purged_at);
    g_autofree char *received = motcua_cli_format_local (purged->received_at);
    g_autofree char *due = motcua_cli_format_local (purged->due_at);
    g_autofree char *finished = motcua_cli_format_local (purged->finished_at);

    g_print (_("Dossier %s was removed from this workstation on %s after its retention period; "
               "the server keeps its journal.\n"), purged->code, purged_at);
    g_print (_("Procedure:  %s %s\n"), purged->procedure_code ? purged->procedure_code : "—",
             purged->procedure_name ? purged->procedure_name : "");
    g_print (_("Agency:     %s\n"), purged->agency_code ? purged->agency_code : "—");
    g_print (_("Channel:    %s\n"), motcua_channel_label (purged->channel));
    g_print (_("Status:     %d %s\n"), purged->status, motcua_status_label (purged->status));
    g_print (_("Received:   %s\n"), received);
    g_print (_("Due:        %s\n"), due);
    g_print (_("Finished:   %s\n"), finished);
    g_print (_("Events:     %u (last server sequence %u)\n"),
             (guint) purged->event_count, (guint) purged->last_server_seq);
    g_print (_("Last hash:  %s\n"), purged->last_event_hash ? purged->last_event_hash : "—");
  }
  return EXIT_SUCCESS;
}

static int
command_show (Cli *cli, int argc, char **argv)
{
  GOptionEntry entries[] = { { NULL } };
  g_autoptr(MotcuaStore) store = NULL;
  g_autoptr(MotcuaDossier) dossier = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GPtrArray) handovers = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (!motcua_cli_parse_options ("show", "CODE", _("Show a dossier with its documents and journal."), entries, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return motcua_cli_usage_error (_("Name the dossier to show by its code."));
  if ((store = motcua_cli_open_store (cli, &error)) == NULL)
    return motcua_cli_report_error (cli, error);
  if ((dossier = motcua_store_get_dossier (store, argv[1], &error)) == NULL
      && g_error_matches (error, MOTCUA_ERROR, MOTCUA_ERROR_NOT_FOUND))
    {
      g_autoptr(GError) purged_error = NULL;
      g_autoptr(MotcuaPurgedDossier) purged = motcua_store_get_purged_dossier (store, argv[1], &purged_error);

      if (purged != NULL)
        return show_purged (cli, purged);
      if (purged_error != NULL)
        return motcua_cli_report_error (cli, purged_error);
    }
  if (dossier == NULL
      || (events = motcua_store_get_events (store, motcua_dossier_get_uid (dossier), &error)) == NULL
      || (handovers = motcua_store_get_handovers (store, dossier, &error)) == NULL)
    return motcua_cli_report_error (cli, error);

  if (cli->json)
    {
      g_autoptr(JsonNode) node = motcua_dossier_to_json (dossier);
      JsonObject *object = json_node_get_object (node);
      JsonArray *array = json_array_new ();

      for (guint i = 0; i < events->len; i++)
        json_array_add_element (array, motcua_event_to_json (g_ptr_array_index (events, i)));
      json_object_set_array_member (object, "events", array);
      json_object_set_member (object, "handovers", handovers_to_json (handovers));
      motcua_cli_print_json (node);
    }
  else
    print_show_text (dossier, events, handovers);
  return EXIT_SUCCESS;
}

/* ---- act -------------------------------------------------------------------------- */

static int
command_act (Cli *cli, int argc, char **argv)
{
  g_autofree char *reason = NULL, *new_due = NULL, *method = NULL, *tracking = NULL;
  g_autofree char *recipient = NULL, *recipient_id = NULL, *to = NULL, *draft_type = NULL;
  g_autofree char *rating = NULL, *note = NULL, *number = NULL, *actor = NULL;
  g_autofree char *signer_name = NULL, *pin_file = NULL, *module = NULL;
  g_autoptr(MotcuaSigner) signer = NULL;
  g_autofree char *authorization = NULL, *postal_address = NULL, *electronic_address = NULL;
  g_auto(GStrv) missing = NULL;
  g_auto(GStrv) attach = NULL;
  GOptionEntry entries[] = {
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("Reason (refusal, supplement, apology, send back…)"), N_("TEXT") },
    { "missing", 0, 0, G_OPTION_ARG_STRING_ARRAY, &missing, N_("A missing document (repeat for each)"), N_("NAME") },
    { "new-due", 0, 0, G_OPTION_ARG_STRING, &new_due, N_("New return date of an apology"), N_("DATETIME") },
    { "method", 0, 0, G_OPTION_ARG_STRING, &method, N_("How the result is returned: counter, post or electronic"), N_("METHOD") },
    { "tracking", 0, 0, G_OPTION_ARG_STRING, &tracking, N_("Postal tracking number"), N_("NO") },
    { "recipient", 0, 0, G_OPTION_ARG_STRING, &recipient, N_("Name of who collects the result"), N_("NAME") },
    { "recipient-id", 0, 0, G_OPTION_ARG_STRING, &recipient_id, N_("ID number of who collects the result"), N_("N") },
    { "authorization", 0, 0, G_OPTION_ARG_STRING, &authorization, N_("When someone else collects the result: their authorisation"), N_("TEXT") },
    { "postal-address", 0, 0, G_OPTION_ARG_STRING, &postal_address, N_("Address the result is posted to (default: the applicant's)"), N_("ADDRESS") },
    { "electronic-address", 0, 0, G_OPTION_ARG_STRING, &electronic_address, N_("E-mail or portal account the result is sent to (default: the applicant's e-mail)"), N_("ADDRESS") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, N_("Unit or person the dossier is transferred to"), N_("WHO") },
    { "draft-type", 0, 0, G_OPTION_ARG_STRING, &draft_type, N_("result, supplement, refusal-withdrawal or apology"), N_("TYPE") },
    { "rating", 0, 0, G_OPTION_ARG_STRING, &rating, N_("satisfied, acceptable or unsatisfied"), N_("RATING") },
    { "note", 0, 0, G_OPTION_ARG_STRING, &note, N_("A note kept in the journal"), N_("TEXT") },
    { "number", 0, 0, G_OPTION_ARG_STRING, &number, N_("Number of the issued document"), N_("NO") },
    { "attach", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &attach, N_("Attach a file (repeatable)"), N_("FILE") },
    { "as", 0, 0, G_OPTION_ARG_STRING, &actor, N_("Act as this user"), N_("USER") },
    { "signer", 0, 0, G_OPTION_ARG_FILENAME, &signer_name, N_("Sign an approval with this key: a PKCS#11 URI or a .p12 file"), N_("URI") },
    { "pin-file", 0, 0, G_OPTION_ARG_FILENAME, &pin_file, N_("Read the token's PIN (or the .p12 password) from this file"), N_("FILE") },
    { "pkcs11-module", 0, 0, G_OPTION_ARG_FILENAME, &module, N_("The token's PKCS#11 module"), N_("FILE") },
    { NULL }
  };
  g_autoptr(MotcuaStore) store = NULL;
  g_autoptr(MotcuaDossier) dossier = NULL;
  g_autoptr(GError) error = NULL;
  MotcuaActionRequest request = { 0 };
  MotcuaAction action;
  int status;

  if (!motcua_cli_parse_options ("act", "CODE ACTION",
                      _("Take an action on a dossier. ACTION is one of: receive, transfer, examine, "
                        "request-supplement, supplement-received, request-payment, payment-received, refuse, "
                        "withdraw, stop, draft, submit, approve, send-back, issue, result-ready, apologize, "
                        "return, satisfaction, attach."),
                      entries, &argc, &argv, &status))
    return status;
  if (argc != 3)
    return motcua_cli_usage_error (_("Name the dossier and the action, e.g. “motcua act CODE transfer”."));
  if (!motcua_action_from_string (argv[2], &action))
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not an action."), argv[2]);
      return motcua_cli_usage_error (message);
    }

  request.reason = reason;
  request.missing = (const char * const *) missing;
  request.new_due = new_due;
  request.method = method;
  request.tracking = tracking;
  request.recipient_name = recipient;
  request.recipient_id_number = recipient_id;
  request.authorization = authorization;
  request.postal_address = postal_address;
  request.electronic_address = electronic_address;
  request.to = to;
  request.draft_type = draft_type;
  request.rating = rating;
  request.note = note;
  request.document_number = number;
  request.attach_paths = (const char * const *) attach;
  request.actor = actor;
  if (signer_name != NULL && (signer = motcua_cli_open_signer (signer_name, pin_file, module, &error)) == NULL)
    return motcua_cli_report_error (cli, error);
  request.signer = signer;

  if ((store = motcua_cli_open_store (cli, &error)) == NULL
      || (dossier = motcua_store_act (store, argv[1], action, &request, &error)) == NULL)
    return motcua_cli_report_error (cli, error);
  print_dossier (cli, dossier);
  return EXIT_SUCCESS;
}

/* ---- calendar --------------------------------------------------------------------- */

static int
command_calendar (Cli *cli, int argc, char **argv)
{
  g_autofree char *from = NULL, *unit_text = NULL;
  int amount = -1;
  GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, N_("When the dossier is received"), N_("DATETIME") },
    { "amount", 0, 0, G_OPTION_ARG_INT, &amount, N_("Processing time"), N_("N") },
    { "unit", 0, 0, G_OPTION_ARG_STRING, &unit_text, N_("days (working), hours (working), calendar-days or same-day"), N_("UNIT") },
    { NULL }
  };
  g_autoptr(MotcuaStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) received = NULL;
  g_autoptr(GDateTime) due = NULL;
  g_autofree char *due_text = NULL;
  MotcuaTimeUnit unit = MOTCUA_TIME_UNIT_WORKING_DAYS;
  int status;

  if (!motcua_cli_parse_options ("calendar", "due", _("Working-time calendar."), entries, &argc, &argv, &status))
    return status;
  if (argc != 2 || !g_str_equal (argv[1], "due"))
    return motcua_cli_usage_error (_("Use “motcua calendar due --from DATETIME --amount N”."));
  if (from == NULL || amount < 0)
    return motcua_cli_usage_error (_("Give --from and a non-negative --amount."));
  if (unit_text != NULL && !motcua_time_unit_from_string (unit_text, &unit))
    return motcua_cli_usage_error (_("The unit must be days, hours, calendar-days or same-day."));
  if ((received = motcua_time_parse (from, NULL)) == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not a date and time (use 2026-11-23 09:15)."), from);
      return motcua_cli_usage_error (message);
    }

  if ((store = motcua_cli_open_store (cli, &error)) == NULL)
    return motcua_cli_report_error (cli, error);
  due = motcua_calendar_due (motcua_store_get_calendar (store), received, amount, unit);
  due_text = motcua_time_format (due);
  if (cli->json)
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
      g_autoptr(JsonObject) object = json_object_new ();
      g_autofree char *from_text = motcua_time_format (received);

      json_object_set_string_member (object, "from", from_text);
      json_object_set_int_member (object, "amount", amount);
      json_object_set_string_member (object, "unit", motcua_time_unit_to_string (unit));
      json_object_set_string_member (object, "due_at", due_text);
      json_node_set_object (node, object);
      motcua_cli_print_json (node);
    }
  else
    g_print ("%s\n", due_text);
  return EXIT_SUCCESS;
}

/* ---- users and checks --------------------------------------------------------------- */

static int
command_check (Cli *cli, int argc, char **argv)
{
  GOptionEntry entries[] = { { NULL } };
  g_autoptr(MotcuaStore) store = NULL;
  g_autoptr(GError) error = NULL;
  guint checked = 0;
  int status;

  if (!motcua_cli_parse_options ("check", "", _("Rebuild every dossier from its journal and compare."), entries, &argc, &argv, &status))
    return status;
  if ((store = motcua_cli_open_store (cli, &error)) == NULL || !motcua_store_verify_folds (store, &checked, &error)
      || !motcua_stats_verify_sums (motcua_store_get_db (store), &error))
    return motcua_cli_report_error (cli, error);
  if (cli->json)
    {
      motcua_cli_print_json_member ("checked", NULL, checked);
      return EXIT_SUCCESS;
    }
  g_print (g_dngettext (GETTEXT_PACKAGE, "%u dossier matches its journal.\n", "All %u dossiers match their journals.\n",
                        checked), checked);
  return EXIT_SUCCESS;
}

/* ---- retention ------------------------------------------------------------------------ */

static gboolean
parse_days (const char *text, gint64 *days)
{
  guint64 value;

  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT, &value, NULL))
    return FALSE;
  *days = (gint64) value;
  return TRUE;
}

static int
command_purge (Cli *cli, int argc, char **argv)
{
  g_autofree char *older_than = NULL, *set_default = NULL;
  gboolean dry_run = FALSE;
  GOptionEntry entries[] = {
    { "older-than", 0, 0, G_OPTION_ARG_STRING, &older_than,
      N_("Purge dossiers finished more than this many days ago (default: the stored retention period)"), N_("DAYS") },
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run, N_("Only count what would be purged"), NULL },
    { "set-default", 0, 0, G_OPTION_ARG_STRING, &set_default,
      N_("Store the retention period of this workstation and exit"), N_("DAYS") },
    { NULL }
  };
  g_autoptr(MotcuaStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) limit = NULL;
  gint64 days = 0;
  guint n_purged = 0, n_blobs = 0;
  int status;

  if (!motcua_cli_parse_options ("purge", "",
                      _("Remove dossiers returned and synced longer than the retention period from this workstation. "
                        "The server keeps their journals; a summary without personal data stays here."),
                      entries, &argc, &argv, &status))
    return status;
  if (argc != 1)
    return motcua_cli_usage_error (_("“motcua purge” takes no arguments."));
  if ((older_than != NULL && !parse_days (older_than, &days))
      || (set_default != NULL && !parse_days (set_default, &days)))
    return motcua_cli_usage_error (_("The retention period is a whole number of days, at least 1."));
  if (older_than != NULL && set_default != NULL)
    return motcua_cli_usage_error (_("Use either --older-than or --set-default."));
  if ((store = motcua_cli_open_store (cli, &error)) == NULL)
    return motcua_cli_report_error (cli, error);

  if (set_default != NULL)
    {
      g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, days);

      if (!motcua_store_set_state (store, "retention.days", text, &error))
        return motcua_cli_report_error (cli, error);
      if (cli->json)
        motcua_cli_print_json_member ("retention_days", NULL, days);
      else
        g_print (_("Dossiers will be kept %d days after they are finished.\n"), (int) days);
      return EXIT_SUCCESS;
    }

  if (older_than == NULL && (days = motcua_store_get_retention_days (store, &error)) < 0)
    return motcua_cli_report_error (cli, error);
  now = motcua_time_now (NULL);
  limit = g_date_time_add_days (now, (int) -days);
  if (!motcua_store_purge_finished_full (store, limit, dry_run, &n_purged, &n_blobs, &error))
    return motcua_cli_report_error (cli, error);

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "dry_run");
      json_builder_add_boolean_value (builder, dry_run);
      json_builder_set_member_name (builder, "older_than_days");
      json_builder_add_int_value (builder, days);
      json_builder_set_member_name (builder, "purged");
      json_builder_add_int_value (builder, n_purged);
      json_builder_set_member_name (builder, "attachments_freed");
      json_builder_add_int_value (builder, n_blobs);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      motcua_cli_print_json (root);
      return EXIT_SUCCESS;
    }
  if (dry_run)
    g_print (_("%u dossiers finished more than %d days ago would be purged; "
               "%u attachment files would be freed.\n"), n_purged, (int) days, n_blobs);
  else
    g_print (_("%u dossiers finished more than %d days ago were purged; "
               "%u attachment files were freed.\n"), n_purged, (int) days, n_blobs);
  return EXIT_SUCCESS;
}

/* ---- register and sync ------------------------------------------------------------------- */

static int
command_register (Cli *cli, int argc, char **argv)
{
  g_autofree char *server = NULL, *code = NULL, *device_name = NULL, *ca_file = NULL;
  GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, &server, N_("Address of the server, e.g. https://motcua.example.gov.vn"), N_("URL") },
    { "code", 0, 0, G_OPTION_ARG_STRING, &code, N_("One-time enrolment code from the server's administrator"), N_("CODE") },
    { "device-name", 0, 0, G_OPTION_ARG_STRING, &device_name, N_("Name of this workstation (default: the computer's name)"), N_("NAME") },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ca_file, N_("Certificate authority file to trust for this server"), N_("FILE") },
    { NULL }
  };
  g_autoptr(MotcuaStore) store = NULL;
  g_autoptr(MotcuaAgency) agency = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *server_url = NULL;
  g_autofree char *device_id = NULL;
  int status;

  if (!motcua_cli_parse_options ("register", "", _("Register this workstation with the ministry server."),
                      entries, &argc, &argv, &status))
    return status;
  if (server == NULL || code == NULL)
    return motcua_cli_usage_error (_("Registering needs --server and --code."));
  if ((store = motcua_cli_open_store (cli, &error)) == NULL
      || !motcua_sync_register (store, server, code, device_name, ca_file, NULL, &error)
      || (agency = motcua_store_get_agency (store, &error)) == NULL)
    return motcua_cli_report_error (cli, error);
  server_url = motcua_store_get_state (store, "sync.server_url", NULL);
  device_id = motcua_store_get_state (store, "sync.device_id", NULL);

  if (cli->json)
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
      g_autoptr(JsonObject) object = json_object_new ();

      json_object_set_string_member (object, "server_url", server_url);
      json_object_set_string_member (object, "device_id", device_id);
      json_object_set_string_member (object, "agency_code", agency->code);
      json_object_set_string_member (object, "agency_name", agency->name);
      json_node_set_object (node, object);
      motcua_cli_print_json (node);
    }
  else
    g_print (_("This workstation is registered with %s for %s (%s). Run “motcua sync” to synchronise.\n"),
             server_url, agency->name, agency->code);
  return EXIT_SUCCESS;
}

static JsonNode *
sync_report_to_json (MotcuaSync *sync, const MotcuaSyncReport *report, const GError *error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  struct { const char *name; guint64 value; } counts[] = {
    { "pushed", report->pushed }, { "accepted", report->accepted }, { "rejected", report->rejected },
    { "retried", report->retried }, { "pulled", report->pulled }, { "set_aside", report->set_aside },
    { "blobs_uploaded", report->blobs_uploaded }, { "blobs_downloaded", report->blobs_downloaded },
    { "bytes_uploaded", report->bytes_uploaded }, { "bytes_downloaded", report->bytes_downloaded },
    { "pending", report->pending }, { "attention", report->attention },
  };

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "completed");
  json_builder_add_boolean_value (builder, report->completed);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, motcua_sync_status_to_string (motcua_sync_get_status (sync)));
  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      json_builder_set_member_name (builder, counts[i].name);
      json_builder_add_int_value (builder, counts[i].value);
    }
  json_builder_set_member_name (builder, "rejections");
  json_builder_begin_array (builder);
  for (guint i = 0; report->rejections != NULL && i < report->rejections->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (report->rejections, i));
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "error");
  if (error != NULL)
    json_builder_add_string_value (builder, error->message);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
print_sync_report (const MotcuaSyncReport *report)
{
  g_print (g_dngettext (GETTEXT_PACKAGE, "Sent %u event: ", "Sent %u events: ", report->pushed), report->pushed);
  g_print (_("%u accepted, %u rejected, %u to send again.\n"), report->accepted, report->rejected, report->retried);
  for (guint i = 0; report->rejections != NULL && i < report->rejections->len; i++)
    g_print ("  %s\n", (const char *) g_ptr_array_index (report->rejections, i));
  g_print (g_dngettext (GETTEXT_PACKAGE, "Received %u event from other workstations.\n",
                        "Received %u events from other workstations.\n", report->pulled), report->pulled);
  if (report->set_aside > 0)
    g_print (g_dngettext (GETTEXT_PACKAGE,
                          "%u event of this workstation was set aside: the server kept another one instead.\n",
                          "%u events of this workstation were set aside: the server kept others instead.\n",
                          report->set_aside), report->set_aside);
  g_print (_("Attachments: %u uploaded, %u downloaded.\n"), report->blobs_uploaded, report->blobs_downloaded);
  g_print (g_dngettext (GETTEXT_PACKAGE, "Still to send: %lld event. ",
                        "Still to send: %lld events. ", report->pending), (long long) report->pending);
  g_print (g_dngettext (GETTEXT_PACKAGE, "Needs attention: %lld dossier.\n",
                        "Needs attention: %lld dossiers.\n", report->attention), (long long) report->attention);
  if (report->attention > 0)
    g_print (_("See them with “motcua sync --status”.\n"));
}

static JsonNode *
attention_to_json (GPtrArray *items)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  for (guint i = 0; i < items->len; i++)
    {
      MotcuaAttentionItem *item = g_ptr_array_index (items, i);
      const char *names[] = { "code", "dossier_uid", "state", "kind", "reason", "time", "set_aside_at", "op_id", "hash" };
      const char *values[] = { item->code, item->dossier_uid, item->state, item->kind, item->reason, item->time,
                               item->set_aside_at, item->op_id, item->hash };

      json_builder_begin_object (builder);
      for (guint j = 0; j < G_N_ELEMENTS (names); j++)
        {
          json_builder_set_member_name (builder, names[j]);
          if (values[j] != NULL)
            json_builder_add_string_value (builder, values[j]);
          else
            json_builder_add_null_value (builder);
        }
      json_builder_set_member_name (builder, "seq");
      json_builder_add_int_value (builder, item->seq);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  return json_builder_get_root (builder);
}

static void
print_attention_item (MotcuaAttentionItem *item)
{
  g_autofree char *at = motcua_cli_format_local (item->time);

  motcua_cli_print_padded (item->code, 26);
  g_print (_("event %lld (%s, %s) "), (long long) item->seq, motcua_event_kind_label (item->kind), at);
  if (g_strcmp0 (item->state, "set-aside") == 0)
    g_print (_("set aside: %s (%s)\n"), motcua_sync_reason_label (item->reason), item->reason ? item->reason : "?");
  else
    g_print (_("refused by the server: %s (%s)\n"), motcua_sync_reason_label (item->reason),
             item->reason ? item->reason : "?");
}

static int
sync_status (Cli *cli, MotcuaStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = motcua_store_list_attention (store, &error);
  g_autofree char *server_url = motcua_store_get_state (store, "sync.server_url", NULL);
  g_autofree char *last_success = motcua_store_get_state (store, "sync.last_success", NULL);
  g_autofree char *last_error = motcua_store_get_state (store, "sync.last_error", NULL);
  gint64 pending = motcua_store_count_pending (store, &error);
  gint64 attention = motcua_store_count_attention (store, &error);

  if (items == NULL || pending < 0 || attention < 0)
    return motcua_cli_report_error (cli, error);
  if (cli->json)
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
      g_autoptr(JsonObject) object = json_object_new ();

      json_object_set_boolean_member (object, "registered", server_url != NULL);
      if (server_url != NULL)
        json_object_set_string_member (object, "server_url", server_url);
      else
        json_object_set_null_member (object, "server_url");
      if (last_success != NULL)
        json_object_set_string_member (object, "last_success", last_success);
      else
        json_object_set_null_member (object, "last_success");
      if (last_error != NULL)
        json_object_set_string_member (object, "last_error", last_error);
      else
        json_object_set_null_member (object, "last_error");
      json_object_set_int_member (object, "pending", pending);
      json_object_set_int_member (object, "attention", attention);
      json_object_set_member (object, "items", attention_to_json (items));
      motcua_cli_describe_token (cli, store, object);
      json_node_set_object (node, object);
      motcua_cli_print_json (node);
      return EXIT_SUCCESS;
    }

  if (server_url != NULL)
    g_print (_("Server: %s\n"), server_url);
  else
    g_print (_("This workstation is not registered with a server (motcua register).\n"));
  motcua_cli_describe_token (cli, store, NULL);
  if (last_success != NULL)
    {
      g_autofree char *when = motcua_cli_format_local (last_success);
      g_print (_("Last successful synchronisation: %s\n"), when);
    }
  else
    g_print (_("Last successful synchronisation: never\n"));
  if (last_error != NULL)
    g_print (_("Last problem: %s\n"), last_error);
  g_print (g_dngettext (GETTEXT_PACKAGE, "Waiting to be sent: %lld event\n",
                        "Waiting to be sent: %lld events\n", pending), (long long) pending);
  g_print (g_dngettext (GETTEXT_PACKAGE, "Needs attention: %lld dossier\n",
                        "Needs attention: %lld dossiers\n", attention), (long long) attention);
  for (guint i = 0; i < items->len; i++)
    {
      g_print ("  ");
      print_attention_item (g_ptr_array_index (items, i));
    }
  return EXIT_SUCCESS;
}

static int
sync_fetch_all (Cli *cli, MotcuaSync *sync)
{
  g_autoptr(GError) error = NULL;
  guint fetched = 0;
  gboolean ok = motcua_sync_fetch_all_blobs (sync, NULL, &fetched, &error);

  if (cli->json)
    motcua_cli_print_json_member ("downloaded", NULL, fetched);
  else
    g_print (g_dngettext (GETTEXT_PACKAGE, "Downloaded %u attachment.\n", "Downloaded %u attachments.\n", fetched),
             fetched);
  return ok ? EXIT_SUCCESS : motcua_cli_report_error (cli, error);
}

static int
sync_dismiss (Cli *cli, MotcuaStore *store, const char *code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = motcua_store_list_attention (store, &error);
  g_autoptr(GHashTable) dismissed = g_hash_table_new (g_str_hash, g_str_equal);

  if (items == NULL)
    return motcua_cli_report_error (cli, error);
  /* By the items rather than by the dossier row: a dossier set aside whole for the
   * server's one of the same code has no row of its own any more. */
  for (guint i = 0; i < items->len; i++)
    {
      MotcuaAttentionItem *item = g_ptr_array_index (items, i);

      if (g_strcmp0 (item->code, code) != 0 || !g_hash_table_add (dismissed, item->dossier_uid))
        continue;
      if (!motcua_store_dismiss_attention (store, item->dossier_uid, &error))
        return motcua_cli_report_error (cli, error);
    }
  if (g_hash_table_size (dismissed) == 0)
    {
      g_set_error (&error, MOTCUA_ERROR, MOTCUA_ERROR_NOT_FOUND, _("No dossier %s needs attention."), code);
      return motcua_cli_report_error (cli, error);
    }
  if (cli->json)
    motcua_cli_print_json_member ("dismissed", code, 0);
  else
    g_print (_("Dossier %s no longer needs attention; its set-aside events are kept.\n"), code);
  return EXIT_SUCCESS;
}

static int
command_sync (Cli *cli, int argc, char **argv)
{
  gboolean status_only = FALSE, fetch_all = FALSE;
  g_autofree char *dismiss = NULL;
  GOptionEntry entries[] = {
    { "status", 0, 0, G_OPTION_ARG_NONE, &status_only, N_("Show the server, the last synchronisation and what needs attention"), NULL },
    { "fetch-all", 0, 0, G_OPTION_ARG_NONE, &fetch_all, N_("Download every attachment not yet on this computer"), NULL },
    { "dismiss", 0, 0, G_OPTION_ARG_STRING, &dismiss, N_("Mark a dossier's set-aside or refused events as seen"), N_("CODE") },
    { NULL }
  };
  g_autoptr(MotcuaStore) store = NULL;
  g_autoptr(MotcuaSync) sync = NULL;
  g_autoptr(GError) error = NULL;
  MotcuaSyncReport report = { 0 };
  gboolean ok;
  int status;

  if (!motcua_cli_parse_options ("sync", "", _("Send this workstation's work to the server and receive the others'."),
                      entries, &argc, &argv, &status))
    return status;
  if (argc != 1 || status_only + fetch_all + (dismiss != NULL) > 1)
    return motcua_cli_usage_error (_("Use “motcua sync”, “motcua sync --status”, “motcua sync --fetch-all” or "
                          "“motcua sync --dismiss CODE”."));
  if ((store = motcua_cli_open_store (cli, &error)) == NULL)
    return motcua_cli_report_error (cli, error);
  if (status_only)
    return sync_status (cli, store);
  if (dismiss != NULL)
    return sync_dismiss (cli, store, dismiss);
  sync = motcua_sync_new (store);
  if (fetch_all)
    return sync_fetch_all (cli, sync);

  ok = motcua_sync_run_round (sync, NULL, &report, &error);
  if (cli->json)
    {
      g_autoptr(JsonNode) node = sync_report_to_json (sync, &report, error);
      motcua_cli_print_json (node);
    }
  else if (ok || report.pushed > 0 || report.pulled > 0)
    print_sync_report (&report);
  motcua_sync_report_clear (&report);
  if (!ok)
    {
      /* Whatever stopped the round, the work is safe in the outbox. */
      if (!cli->json)
        g_printerr (_("Synchronisation stopped early: %s\n"), error->message);
      return EXIT_FAILURE;
    }
  return EXIT_SUCCESS;
}

/* ---- backup and restore --------------------------------------------------------------- */

static void
print_backup_json (const char *file, const MotcuaBackupInfo *info)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonObject) object = json_object_new ();

  json_object_set_string_member (object, "file", file);
  json_object_set_string_member (object, "created_at", info->created_at);
  json_object_set_string_member (object, "agency_code", info->agency_code);
  json_object_set_string_member (object, "agency_name", info->agency_name);
  json_object_set_int_member (object, "schema_version", info->schema_version);
  json_object_set_int_member (object, "dossiers", (long long) info->dossiers);
  json_object_set_int_member (object, "events", info->events);
  json_object_set_int_member (object, "pending_events", info->pending_events);
  json_object_set_int_member (object, "attachments", info->attachments);
  json_object_set_int_member (object, "attachment_bytes", info->attachment_bytes);
  json_object_set_int_member (object, "database_bytes", info->database_bytes);
  json_object_set_int_member (object, "file_bytes", info->file_bytes);
  if (info->previous_profile != NULL)
    json_object_set_string_member (object, "previous_profile", info->previous_profile);
  json_node_set_object (node, object);
  motcua_cli_print_json (node);
}

/* Labelled lines rather than one sentence: each number gets its own plural-free label. */
static void
print_backup_text (const MotcuaBackupInfo *info)
{
  g_autofree char *made = motcua_cli_format_local (info->created_at);
  g_autofree char *attachment_size = g_format_size (info->attachment_bytes);

  if (info->agency_code != NULL)
    g_print (_("  Agency:      %s (%s)\n"), info->agency_name, info->agency_code);
  g_print (_("  Made:        %s\n"), made);
  g_print (_("  Dossiers:    %lld\n"), (long long) info->dossiers);
  g_print (_("  Events:      %lld (%lld not yet accepted by the server)\n"),
           (long long) info->events, (long long) info->pending_events);
  g_print (_("  Attachments: %lld (%s)\n"), (long long) info->attachments, attachment_size);
}

static int
command_backup (Cli *cli, int argc, char **argv)
{
  gboolean inspect = FALSE;
  GOptionEntry entries[] = {
    { "inspect", 0, 0, G_OPTION_ARG_NONE, &inspect, N_("Check a backup file and show what it holds"), NULL },
    { NULL }
  };
  g_autoptr(MotcuaStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(MotcuaBackupInfo) info = { 0 };
  g_autofree char *size = NULL;
  int status;

  if (!motcua_cli_parse_options ("backup", _("FILE"), _("Save the whole profile (database and attachments) to one file."),
                      entries, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return motcua_cli_usage_error (_("Name the backup file: “motcua backup FILE” or “motcua backup --inspect FILE”."));
  if (inspect)
    {
      if (!motcua_backup_inspect (argv[1], &info, &error))
        return motcua_cli_report_error (cli, error);
    }
  else if ((store = motcua_cli_open_store (cli, &error)) == NULL
           || !motcua_backup_write (store, argv[1], NULL, &info, &error))
    return motcua_cli_report_error (cli, error);

  if (cli->json)
    {
      print_backup_json (argv[1], &info);
      return EXIT_SUCCESS;
    }
  size = g_format_size (info.file_bytes);
  if (inspect)
    g_print (_("The backup %s (%s) is complete and undamaged. It holds:\n"), argv[1], size);
  else
    g_print (_("Backup saved to %s (%s):\n"), argv[1], size);
  print_backup_text (&info);
  return EXIT_SUCCESS;
}

static int
command_restore (Cli *cli, int argc, char **argv)
{
  gboolean force_pending = FALSE;
  GOptionEntry entries[] = {
    { "force-pending", 0, 0, G_OPTION_ARG_NONE, &force_pending,
      N_("Restore even if events are not yet accepted by the server (they stay in the copy kept aside)"), NULL },
    { NULL }
  };
  g_autofree char *profile = cli->db_path ? g_strdup (cli->db_path) : motcua_store_default_path ();
  g_autoptr(GError) error = NULL;
  g_auto(MotcuaBackupInfo) info = { 0 };
  int status;

  if (!motcua_cli_parse_options ("restore", _("FILE"),
                      _("Replace the profile with a backup, once the backup is verified. The current profile is kept aside."),
                      entries, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return motcua_cli_usage_error (_("Name the backup file: “motcua restore FILE”."));
  if (!motcua_backup_restore (argv[1], profile,
                              force_pending ? MOTCUA_RESTORE_ALLOW_PENDING : MOTCUA_RESTORE_NONE,
                              &info, &error))
    {
      status = motcua_cli_report_error (cli, error);
      if (!cli->json && g_error_matches (error, MOTCUA_ERROR, MOTCUA_ERROR_REFUSED))
        g_printerr (_("Run “motcua sync” first, or “motcua restore %s --force-pending” to restore anyway.\n"),
                    argv[1]);
      return status;
    }
  if (cli->json)
    {
      print_backup_json (argv[1], &info);
      return EXIT_SUCCESS;
    }
  g_print (_("Restored the backup %s into %s:\n"), argv[1], profile);
  print_backup_text (&info);
  if (info.previous_profile != NULL)
    g_print (_("The previous profile was kept as %s.\n"), info.previous_profile);
  else
    g_print (_("There was no previous profile to keep.\n"));
  return EXIT_SUCCESS;
}

/* ---- dispatch -------------------------------------------------------------------------- */

static const struct {
  const char  *name;
  CommandFunc  func;
  const char  *summary;
} commands[] = {
  { "init", command_init, N_("Set up this workstation's database") },
  { "catalog", command_catalog, N_("Import, export or list the procedure catalog") },
  { "demo-data", command_demo_data, N_("Generate realistic invented dossiers") },
  { "receive", command_receive, N_("Receive a dossier at the counter") },
  { "list", command_list, N_("List dossiers") },
  { "show", command_show, N_("Show a dossier and its journal") },
  { "act", command_act, N_("Take an action on a dossier") },
  { "calendar", command_calendar, N_("Compute a due date with the working-time calendar") },
  { "user", motcua_cli_command_user, N_("Add, list, disable users and set their passwords") },
  { "delegate", motcua_cli_command_delegate, N_("Delegate a supervisor's signing authority") },
  { "check", command_check, N_("Check every dossier against its journal") },
  { "purge", command_purge, N_("Remove long-finished, synced dossiers from this workstation") },
  { "register", command_register, N_("Register this workstation with the server") },
  { "sync", command_sync, N_("Synchronise with the server") },
  { "backup", command_backup, N_("Save the whole profile to one file") },
  { "restore", command_restore, N_("Replace the profile with a verified backup") },
  { "stats", motcua_cli_command_stats, N_("Count the supervisors' indicators for a period") },
  { "verify", motcua_cli_command_verify, N_("Re-check every journal chain and signature") },
  { "trust", motcua_cli_command_trust, N_("Manage the trust anchors of approval signatures") },
  { "token", motcua_cli_command_token, N_("List the certificates on the signing tokens") },
  { "slip", motcua_cli_command_slip, N_("Print a dossier's slip (Forms 01–05) to PDF") },
  { "register-book", motcua_cli_command_register_book, N_("Print the tracking register (Form 06) of a period to PDF") },
};

static void
print_help (void)
{
  g_print (_("Usage: motcua [--db FILE] [--json] COMMAND [OPTIONS…]\n\n"
             "Motcua Desk for one-stop offices, on the command line.\n\nCommands:\n"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_print ("  %-10s %s\n", commands[i].name, _(commands[i].summary));
  g_print (_("\nThe database is --db FILE, else $MOTCUA_DB, else $XDG_DATA_HOME/motcua/motcua.db.\n"
             "“motcua COMMAND --help” describes each command.\n"));
}

static void
setup_locale (void)
{
  const char *localedir = g_getenv ("MOTCUA_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir && *localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

int
motcua_cli_run (int argc, char **argv)
{
  Cli cli = { 0 };
  int i = 1;
  int status = EXIT_USAGE;

  setup_locale ();

  /* Global options come before the command. */
  for (; i < argc && argv[i][0] == '-'; i++)
    {
      if (g_str_equal (argv[i], "--json"))
        cli.json = TRUE;
      else if (g_str_equal (argv[i], "--db") && i + 1 < argc)
        cli.db_path = argv[++i];
      else if (g_str_has_prefix (argv[i], "--db="))
        cli.db_path = argv[i] + strlen ("--db=");
      else if (g_str_equal (argv[i], "--help") || g_str_equal (argv[i], "-h"))
        {
          print_help ();
          return EXIT_SUCCESS;
        }
      else if (g_str_equal (argv[i], "--version"))
        {
          g_print ("motcua %s\n", PACKAGE_VERSION);
          return EXIT_SUCCESS;
        }
      else
        {
          g_autofree char *message = g_strdup_printf (_("Unknown option %s."), argv[i]);
          return motcua_cli_usage_error (message);
        }
    }
  if (i >= argc)
    {
      print_help ();
      return EXIT_USAGE;
    }

  for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
    if (g_str_equal (argv[i], commands[c].name))
      {
        status = commands[c].func (&cli, argc - i, argv + i);
        return status;
      }

  {
    g_autofree char *message = g_strdup_printf (_("Unknown command “%s”."), argv[i]);
    return motcua_cli_usage_error (message);
  }
}
