/* motcua-cli-slip.c: `motcua slip` and `motcua register-book`, the standard slips as PDF. */

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <stdlib.h>

#include "motcua-cli-private.h"
#include "motcua-slip-data.h"
#include "motcua-slip-document.h"
#include "motcua-slip-template.h"
#include "motcua-time.h"

/* What both commands take besides their own options. */
typedef struct {
  char *output;
  char *set_id;
  char *templates;
} SlipOptions;

#define SLIP_OPTION_ENTRIES(o) \
  { "output", 'o', 0, G_OPTION_ARG_FILENAME, &(o).output, N_("PDF file to write"), N_("FILE") }, \
  { "set", 0, 0, G_OPTION_ARG_STRING, &(o).set_id, N_("Form set (default: the workstation's, else tt01-2018)"), N_("ID") }, \
  { "templates", 0, 0, G_OPTION_ARG_FILENAME, &(o).templates, N_("Directory of form sets overriding the built-in ones"), N_("DIR") }

static void
slip_options_clear (SlipOptions *options)
{
  g_free (options->output);
  g_free (options->set_id);
  g_free (options->templates);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SlipOptions, slip_options_clear)

/* The store and the form set it prints with. */
static gboolean
open_set (Cli *cli, SlipOptions *options, MotcuaStore **store, MotcuaSlipSet **set, GError **error)
{
  return (*store = motcua_cli_open_store (cli, error)) != NULL
         && (*set = motcua_slip_set_load_for_store (*store, options->set_id, options->templates, error)) != NULL;
}

static int
report_written (Cli *cli, const char *file, MotcuaSlipDocument *document)
{
  guint pages = motcua_slip_document_get_n_pages (document);

  if (cli->json)
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
      g_autoptr(JsonObject) object = json_object_new ();

      json_object_set_string_member (object, "file", file);
      json_object_set_int_member (object, "pages", pages);
      json_node_set_object (node, object);
      motcua_cli_print_json (node);
    }
  else
    g_print (g_dngettext (GETTEXT_PACKAGE, "Wrote %s (%u page).\n", "Wrote %s (%u pages).\n", pages), file, pages);
  return EXIT_SUCCESS;
}

static int
write_document (Cli *cli, MotcuaSlipSet *set, const char *form, MotcuaSlipData *data, const char *output)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaSlipDocument) document = motcua_slip_document_new (set, form, data, &error);

  if (document == NULL || !motcua_slip_document_write_pdf (document, output, &error))
    return motcua_cli_report_error (cli, error);
  return report_written (cli, output, document);
}

int
motcua_cli_command_slip (Cli *cli, int argc, char **argv)
{
  g_autofree char *form = NULL;
  g_auto(SlipOptions) options = { 0 };
  GOptionEntry entries[] = {
    { "form", 0, 0, G_OPTION_ARG_STRING, &form, N_("Form number: 01 receipt, 02 supplement, 03 refusal, 04 apology, 05 process control"), N_("NN") },
    SLIP_OPTION_ENTRIES (options),
    { NULL }
  };
  g_autoptr(MotcuaStore) store = NULL;
  g_autoptr(MotcuaSlipSet) set = NULL;
  g_autoptr(MotcuaSlipData) data = NULL;
  g_autoptr(GError) error = NULL;
  const char *scope;
  int status;

  if (!motcua_cli_parse_options ("slip", "CODE", _("Print one of a dossier's standard slips to a PDF file."),
                                 entries, &argc, &argv, &status))
    return status;
  if (argc != 2 || form == NULL || options.output == NULL)
    return motcua_cli_usage_error (_("Use “motcua slip CODE --form 01 -o FILE.pdf”."));

  if (!open_set (cli, &options, &store, &set, &error))
    return motcua_cli_report_error (cli, error);
  if ((scope = motcua_slip_set_get_form_scope (set, form)) == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The form set “%s” has no form “%s”."),
                                                  motcua_slip_set_get_id (set), form);
      return motcua_cli_usage_error (message);
    }
  if (g_str_equal (scope, "register"))
    return motcua_cli_usage_error (_("This form is the tracking register of a period, not of one dossier: "
                                     "use “motcua register-book --from DATE --to DATE -o FILE.pdf”."));
  if ((data = motcua_slip_data_new_for_dossier (store, set, argv[1], NULL, &error)) == NULL)
    return motcua_cli_report_error (cli, error);
  return write_document (cli, set, form, data, options.output);
}

/* 2026-11-23 or 23/11/2026. */
static gboolean
parse_date (const char *text, GDate *date)
{
  unsigned a, b, c;
  char tail;

  g_date_clear (date, 1);
  if (text == NULL)
    return FALSE;
  if (sscanf (text, "%4u-%2u-%2u%c", &a, &b, &c, &tail) == 3 && g_date_valid_dmy (c, b, a))
    g_date_set_dmy (date, c, b, a);
  else if (sscanf (text, "%2u/%2u/%4u%c", &a, &b, &c, &tail) == 3 && g_date_valid_dmy (a, b, c))
    g_date_set_dmy (date, a, b, c);
  return g_date_valid (date);
}

/* The form of the set that is the register (scope "register"). */
int
motcua_cli_command_register_book (Cli *cli, int argc, char **argv)
{
  g_autofree char *from_text = NULL, *to_text = NULL;
  g_auto(SlipOptions) options = { 0 };
  GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, &from_text, N_("First day of the period"), N_("DATE") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to_text, N_("Last day of the period"), N_("DATE") },
    SLIP_OPTION_ENTRIES (options),
    { NULL }
  };
  g_autoptr(MotcuaStore) store = NULL;
  g_autoptr(MotcuaSlipSet) set = NULL;
  g_autoptr(MotcuaSlipData) data = NULL;
  g_autoptr(GError) error = NULL;
  GDate from, to;
  const char *form;
  int status;

  if (!motcua_cli_parse_options ("register-book", "",
                                 _("Print the tracking register (Form 06) of the dossiers received in a period."),
                                 entries, &argc, &argv, &status))
    return status;
  if (argc != 1 || options.output == NULL)
    return motcua_cli_usage_error (_("Use “motcua register-book --from DATE --to DATE -o FILE.pdf”."));
  if (!parse_date (from_text, &from) || !parse_date (to_text, &to))
    return motcua_cli_usage_error (_("Give --from and --to as dates, e.g. 2026-11-01 or 01/11/2026."));

  if (!open_set (cli, &options, &store, &set, &error))
    return motcua_cli_report_error (cli, error);
  if ((form = motcua_slip_set_get_register_form (set)) == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The form set “%s” has no tracking register."),
                                                  motcua_slip_set_get_id (set));
      return motcua_cli_usage_error (message);
    }
  if ((data = motcua_slip_data_new_for_register (store, set, &from, &to, NULL, &error)) == NULL)
    return motcua_cli_report_error (cli, error);
  return write_document (cli, set, form, data, options.output);
}
