/* motcua-cli-stats.c: `motcua stats`, the supervisors' indicators for a period. */

#include <glib/gi18n-lib.h>
#include <stdlib.h>

#include "motcua-cli-private.h"
#include "motcua-stats.h"

static void
print_text (const MotcuaStats *stats)
{
  g_autoptr(GPtrArray) rows = motcua_stats_indicator_rows (stats);
  g_autofree char *from = motcua_stats_format_date (&stats->from);
  g_autofree char *to = motcua_stats_format_date (&stats->to);
  glong width = 0;

  g_print (_("Indicators from %s to %s\n\n"), from, to);
  for (guint i = 0; i < rows->len; i++)
    width = MAX (width, g_utf8_strlen (((MotcuaStatsRow *) g_ptr_array_index (rows, i))->label, -1));
  for (guint i = 0; i < rows->len; i++)
    {
      MotcuaStatsRow *row = g_ptr_array_index (rows, i);

      g_print ("  ");
      motcua_cli_print_padded (row->label, width);
      g_print (" %s\n", row->value);
    }
  if (stats->overdue_by_procedure->len > 0)
    g_print (_("\nOverdue now, by procedure:\n"));
  for (guint i = 0; i < stats->overdue_by_procedure->len; i++)
    {
      const MotcuaStatsOverdue *o = g_ptr_array_index (stats->overdue_by_procedure, i);

      g_print ("  %6lld  %s\n", (long long) o->overdue, o->procedure_name);
    }
}

int
motcua_cli_command_stats (Cli *cli, int argc, char **argv)
{
  g_autofree char *from_text = NULL, *to_text = NULL;
  g_autofree char *procedure = NULL, *field = NULL, *staff = NULL, *agency = NULL;
  gboolean json = FALSE, csv = FALSE;
  GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, &from_text, N_("First day of the period"), N_("YYYY-MM-DD") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to_text, N_("Last day of the period"), N_("YYYY-MM-DD") },
    { "agency", 0, 0, G_OPTION_ARG_STRING, &agency, N_("Only this agency's dossiers"), N_("CODE") },
    { "field", 0, 0, G_OPTION_ARG_STRING, &field, N_("Only procedures of this field"), N_("NAME") },
    { "procedure", 0, 0, G_OPTION_ARG_STRING, &procedure, N_("Only this procedure"), N_("CODE") },
    { "staff", 0, 0, G_OPTION_ARG_STRING, &staff, N_("Only dossiers this staff member acted on"), N_("USER") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { "csv", 0, 0, G_OPTION_ARG_NONE, &csv, N_("Print CSV"), NULL },
    { NULL }
  };
  MotcuaStatsQuery query = { 0 };
  g_autoptr(MotcuaStore) store = NULL;
  g_autoptr(MotcuaStats) stats = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (!motcua_cli_parse_options ("stats", "",
                                 _("Count the Decision 766 indicators (received, finished, on-time rate, "
                                   "online rate, overdue, processing time, supplements, satisfaction) for a period."),
                                 entries, &argc, &argv, &status))
    return status;
  if (argc != 1)
    return motcua_cli_usage_error (_("“motcua stats” takes no arguments."));
  if (from_text == NULL || to_text == NULL)
    return motcua_cli_usage_error (_("Give the period with --from and --to."));
  if (!motcua_stats_parse_date (from_text, &query.from) || !motcua_stats_parse_date (to_text, &query.to))
    return motcua_cli_usage_error (_("Dates are written YYYY-MM-DD, for example 2026-01-31."));
  if (g_date_compare (&query.from, &query.to) > 0)
    return motcua_cli_usage_error (_("The period must end on or after the day it starts."));
  if (json && csv)
    return motcua_cli_usage_error (_("Use either --json or --csv."));
  cli->json = cli->json || json;
  if (cli->json && csv)
    return motcua_cli_usage_error (_("Use either --json or --csv."));

  query.agency_code = agency;
  query.field = field;
  query.procedure_code = procedure;
  query.staff = staff;
  if ((store = motcua_cli_open_store (cli, &error)) == NULL
      || (stats = motcua_stats_compute (motcua_store_get_db (store), &query, &error)) == NULL)
    return motcua_cli_report_error (cli, error);

  if (cli->json)
    {
      g_autoptr(JsonNode) node = motcua_stats_to_json (stats);
      motcua_cli_print_json (node);
    }
  else if (csv)
    {
      g_autofree char *text = motcua_stats_to_csv (stats);
      g_print ("%s", text);
    }
  else
    print_text (stats);
  return EXIT_SUCCESS;
}
