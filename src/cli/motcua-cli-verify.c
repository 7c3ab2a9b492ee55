/* motcua-cli-verify.c: `motcua verify`, `motcua trust`, and opening a signer for
 * `motcua act CODE approve --signer URI`. See docs/signatures.md. */

#include <glib/gi18n-lib.h>
#include <string.h>

#include "motcua-approval.h"
#include "motcua-cli-private.h"
#include "motcua-error.h"
#include "motcua-journal-verify.h"

/* ---- signing options of `act` ------------------------------------------------------- */

MotcuaSigner *
motcua_cli_open_signer (const char *signer, const char *pin_file, const char *module, GError **error)
{
  g_autofree char *pin = NULL;

  if (pin_file != NULL && (pin = motcua_signer_read_pin_file (pin_file, error)) == NULL)
    return NULL;
  if (pin == NULL && g_getenv ("MOTCUA_PIN") != NULL)
    pin = g_strdup (g_getenv ("MOTCUA_PIN"));
  if (module == NULL)
    module = g_getenv ("MOTCUA_PKCS11_MODULE");
  return motcua_signer_open (signer, module, pin, error);
}

/* ---- verify ------------------------------------------------------------------------- */

static void
print_report_json (MotcuaJournalReport *report)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "dossiers");
  json_builder_add_int_value (builder, report->n_dossiers);
  json_builder_set_member_name (builder, "events");
  json_builder_add_int_value (builder, report->n_events);
  json_builder_set_member_name (builder, "signed_approvals");
  json_builder_add_int_value (builder, report->n_signed);
  json_builder_set_member_name (builder, "valid_signatures");
  json_builder_add_int_value (builder, report->n_signatures_valid);
  json_builder_set_member_name (builder, "findings");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->findings->len; i++)
    {
      MotcuaJournalFinding *finding = g_ptr_array_index (report->findings, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "problem");
      json_builder_add_string_value (builder, motcua_finding_kind_to_string (finding->kind));
      json_builder_set_member_name (builder, "code");
      json_builder_add_string_value (builder, finding->dossier_code);
      json_builder_set_member_name (builder, "dossier_uid");
      json_builder_add_string_value (builder, finding->dossier_uid);
      json_builder_set_member_name (builder, "seq");
      json_builder_add_int_value (builder, finding->seq);
      json_builder_set_member_name (builder, "op_id");
      json_builder_add_string_value (builder, finding->op_id);
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, finding->event_kind);
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, finding->message);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  motcua_cli_print_json (root);
}

int
motcua_cli_command_verify (Cli *cli, int argc, char **argv)
{
  gboolean all = FALSE;
  GOptionEntry entries[] = {
    { "all", 0, 0, G_OPTION_ARG_NONE, &all, N_("Check every dossier"), NULL },
    { NULL }
  };
  g_autoptr(MotcuaStore) store = NULL;
  g_autoptr(MotcuaJournalReport) report = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (!motcua_cli_parse_options ("verify", "CODE | --all",
                                 _("Re-check the journal: every event's hash and link, and every signed approval. "
                                   "Names each event that was altered, removed or reordered; exits 1 if any."),
                                 entries, &argc, &argv, &status))
    return status;
  if ((all && argc != 1) || (!all && argc != 2))
    return motcua_cli_usage_error (_("Name one dossier, or --all."));
  if ((store = motcua_cli_open_store (cli, &error)) == NULL
      || (report = motcua_journal_verify (store, all ? NULL : argv[1], &error)) == NULL)
    return motcua_cli_report_error (cli, error);

  if (cli->json)
    print_report_json (report);
  else
    {
      for (guint i = 0; i < report->findings->len; i++)
        g_print ("%s\n", ((MotcuaJournalFinding *) g_ptr_array_index (report->findings, i))->message);
      if (report->findings->len == 0)
        g_print (_("The journal is intact: %u dossiers, %u events, %u signed approvals (%u verified).\n"),
                 report->n_dossiers, report->n_events, report->n_signed, report->n_signatures_valid);
      else
        g_print (_("The journal was tampered with: %u findings.\n"), report->findings->len);
    }
  return report->findings->len == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* ---- trust -------------------------------------------------------------------------- */

static int
trust_list (Cli *cli, MotcuaStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaTrust) trust = motcua_approval_load_trust (store, &error);
  g_autoptr(GPtrArray) subjects = NULL;

  if (trust == NULL)
    return motcua_cli_report_error (cli, error);
  subjects = motcua_trust_list_subjects (trust);
  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < subjects->len; i++)
        json_builder_add_string_value (builder, g_ptr_array_index (subjects, i));
      json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      motcua_cli_print_json (root);
    }
  else if (subjects->len == 0)
    g_print (_("No trust anchors: approvals may be unsigned.\n"));
  else
    for (guint i = 0; i < subjects->len; i++)
      g_print ("%s\n", (const char *) g_ptr_array_index (subjects, i));
  return EXIT_SUCCESS;
}

int
motcua_cli_command_trust (Cli *cli, int argc, char **argv)
{
  GOptionEntry entries[] = { { NULL } };
  g_autoptr(MotcuaStore) store = NULL;
  g_autoptr(GError) error = NULL;
  guint n_added = 0;
  int status;

  if (!motcua_cli_parse_options ("trust", "add FILE | list",
                                 _("The certificate authorities approval signatures must chain to. Once there is "
                                   "one, every approval must be signed."),
                                 entries, &argc, &argv, &status))
    return status;
  if (!((argc == 3 && g_str_equal (argv[1], "add")) || (argc == 2 && g_str_equal (argv[1], "list"))))
    return motcua_cli_usage_error (_("Say “trust add FILE” or “trust list”."));
  if ((store = motcua_cli_open_store (cli, &error)) == NULL)
    return motcua_cli_report_error (cli, error);
  if (g_str_equal (argv[1], "list"))
    return trust_list (cli, store);
  if (!motcua_approval_add_trust_file (store, argv[2], &n_added, &error))
    return motcua_cli_report_error (cli, error);
  if (cli->json)
    motcua_cli_print_json_member ("added", NULL, n_added);
  else
    g_print (_("%u trust anchors added.\n"), n_added);
  return EXIT_SUCCESS;
}

/* ---- token -------------------------------------------------------------------------- */

int
motcua_cli_command_token (Cli *cli, int argc, char **argv)
{
  g_autofree char *module = NULL;
  GOptionEntry entries[] = {
    { "pkcs11-module", 0, 0, G_OPTION_ARG_FILENAME, &module, N_("The token's PKCS#11 module"), N_("FILE") },
    { NULL }
  };
  g_autoptr(GPtrArray) certificates = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (!motcua_cli_parse_options ("token", "list",
                                 _("List the certificates on the signing tokens, with the URI “act --signer” takes."),
                                 entries, &argc, &argv, &status))
    return status;
  if (argc != 2 || !g_str_equal (argv[1], "list"))
    return motcua_cli_usage_error (_("Say “token list”."));
  if (module == NULL && g_getenv ("MOTCUA_PKCS11_MODULE") != NULL)
    module = g_strdup (g_getenv ("MOTCUA_PKCS11_MODULE"));
  if ((certificates = motcua_signer_list_token_certificates (module, &error)) == NULL)
    return motcua_cli_report_error (cli, error);
  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < certificates->len; i++)
        {
          MotcuaTokenCertificate *certificate = g_ptr_array_index (certificates, i);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "uri");
          json_builder_add_string_value (builder, certificate->uri);
          json_builder_set_member_name (builder, "token");
          json_builder_add_string_value (builder, certificate->token);
          json_builder_set_member_name (builder, "label");
          json_builder_add_string_value (builder, certificate->label);
          json_builder_set_member_name (builder, "subject");
          json_builder_add_string_value (builder, certificate->subject);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      motcua_cli_print_json (root);
    }
  else if (certificates->len == 0)
    g_print (_("No certificate was found on any token.\n"));
  else
    for (guint i = 0; i < certificates->len; i++)
      {
        MotcuaTokenCertificate *certificate = g_ptr_array_index (certificates, i);

        g_print ("%s\n  %s\n", certificate->subject, certificate->uri);
      }
  return EXIT_SUCCESS;
}
