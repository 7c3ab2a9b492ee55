/* motcua-cli-user.c: `motcua user` and `motcua delegate`, the administration of who
 * works at this workstation.
 *
 * The command line trusts the operating-system account it runs under (whoever can run
 * it can read the database file anyway), so it takes --as without a password; the
 * password protects the shared window. Administration still needs an administrator:
 * the same rule as in the window, enforced by the core. */

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "motcua-auth.h"
#include "motcua-error.h"
#include "motcua-store-users.h"

#include "motcua-cli-private.h"

/* ---- passwords ------------------------------------------------------------------ */

/* One line of @stream without its line ending; NULL at end of file. */
static char *
read_line (FILE *stream)
{
  char buffer[1024];
  size_t length;

  if (fgets (buffer, sizeof buffer, stream) == NULL)
    return NULL;
  length = strcspn (buffer, "\r\n");
  buffer[length] = '\0';
  return g_strdup (buffer);
}

/* From @path's first line, else typed (not echoed) on a terminal, else stdin's first line. */
static char *
read_password (const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  struct termios saved, quiet;
  gboolean terminal = isatty (STDIN_FILENO) && tcgetattr (STDIN_FILENO, &saved) == 0;
  char *line;

  if (path != NULL)
    {
      if (!g_file_get_contents (path, &contents, NULL, error))
        return NULL;
      contents[strcspn (contents, "\r\n")] = '\0';
      return g_steal_pointer (&contents);
    }
  if (terminal)
    {
      g_printerr (_("Password or PIN: "));
      quiet = saved;
      quiet.c_lflag &= ~(tcflag_t) ECHO;
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
    }
  line = read_line (stdin);
  if (terminal)
    {
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
      g_printerr ("\n");
    }
  if (line == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                         _("No password was given: use --password-file FILE or type it."));
  return line;
}

/* ---- motcua user ---------------------------------------------------------------- */

static void
print_users_json (GPtrArray *users)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; i < users->len; i++)
    {
      MotcuaUser *user = g_ptr_array_index (users, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "username");
      json_builder_add_string_value (builder, user->username);
      json_builder_set_member_name (builder, "full_name");
      json_builder_add_string_value (builder, user->full_name);
      json_builder_set_member_name (builder, "role");
      json_builder_add_string_value (builder, motcua_role_to_string (user->role));
      json_builder_set_member_name (builder, "disabled");
      json_builder_add_boolean_value (builder, user->disabled);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  motcua_cli_print_json (root);
}

static int
user_list (Cli *cli, MotcuaStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) users = motcua_store_list_users (store, &error);

  if (users == NULL)
    return motcua_cli_report_error (cli, error);
  if (cli->json)
    {
      print_users_json (users);
      return EXIT_SUCCESS;
    }
  for (guint i = 0; i < users->len; i++)
    {
      MotcuaUser *user = g_ptr_array_index (users, i);
      motcua_cli_print_padded (user->username, 16);
      motcua_cli_print_padded (motcua_role_label (user->role), 20);
      g_print ("%s%s\n", user->full_name, user->disabled ? _(" (disabled)") : "");
    }
  return EXIT_SUCCESS;
}

static gboolean
user_add (MotcuaStore *store, const char *username, const char *full_name, MotcuaRole role,
          const char *password_file, GError **error)
{
  g_autofree char *password = NULL;

  if (password_file != NULL && (password = read_password (password_file, error)) == NULL)
    return FALSE;
  return motcua_store_create_user (store, username, full_name, role, password, error);
}

/* The sentence each administrative change prints when done. */
static void
report_done (Cli *cli, const char *verb, const char *username, const char *message)
{
  if (cli->json)
    motcua_cli_print_json_member (verb, username, 0);
  else
    g_print ("%s\n", message);
}

int
motcua_cli_command_user (Cli *cli, int argc, char **argv)
{
  g_autofree char *full_name = NULL, *role_text = NULL, *password_file = NULL, *actor = NULL;
  GOptionEntry entries[] = {
    { "full-name", 0, 0, G_OPTION_ARG_STRING, &full_name, N_("Full name"), N_("NAME") },
    { "name", 0, 0, G_OPTION_ARG_STRING, &full_name, N_("Full name"), N_("NAME") },
    { "role", 0, 0, G_OPTION_ARG_STRING, &role_text, N_("clerk, specialist, supervisor or admin"), N_("ROLE") },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file,
      N_("Read the password or PIN from the first line of FILE"), N_("FILE") },
    { "as", 0, 0, G_OPTION_ARG_STRING, &actor, N_("The administrator doing this"), N_("USER") },
    { NULL }
  };
  g_autoptr(MotcuaStore) store = NULL;
  g_autoptr(MotcuaUser) admin = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *done = NULL;
  const char *verb;
  MotcuaRole role;
  int status;

  if (!motcua_cli_parse_options ("user", "add USERNAME | list | passwd USERNAME | disable USERNAME | enable USERNAME",
                                 _("Manage the workstation's users."), entries, &argc, &argv, &status))
    return status;
  verb = argc > 1 ? argv[1] : "";
  if ((store = motcua_cli_open_store (cli, &error)) == NULL)
    return motcua_cli_report_error (cli, error);

  if (argc == 2 && g_str_equal (verb, "list"))
    return user_list (cli, store);
  if (argc != 3 || !g_strv_contains ((const char *[]) { "add", "passwd", "disable", "enable", NULL }, verb))
    return motcua_cli_usage_error (_("Use “motcua user add USERNAME --role ROLE”, “list”, “passwd USERNAME”, "
                                     "“disable USERNAME” or “enable USERNAME”."));
  if (g_str_equal (verb, "add") && !motcua_role_from_string (role_text, &role))
    return motcua_cli_usage_error (_("The role must be clerk, specialist, supervisor or admin."));
  if ((admin = motcua_store_require_admin (store, actor, &error)) == NULL)
    return motcua_cli_report_error (cli, error);

  if (g_str_equal (verb, "add"))
    {
      if (!user_add (store, argv[2], full_name ? full_name : argv[2], role, password_file, &error))
        return motcua_cli_report_error (cli, error);
      done = g_strdup_printf (_("User %s (%s) added."), argv[2], motcua_role_label (role));
      report_done (cli, "added", argv[2], done);
    }
  else if (g_str_equal (verb, "passwd"))
    {
      g_autofree char *password = read_password (password_file, &error);

      if (password == NULL || !motcua_store_set_password (store, argv[2], password, &error))
        return motcua_cli_report_error (cli, error);
      done = g_strdup_printf (_("The password of %s was changed."), argv[2]);
      report_done (cli, "password_changed", argv[2], done);
    }
  else
    {
      gboolean disable = g_str_equal (verb, "disable");

      if (disable && g_str_equal (argv[2], admin->username))
        {
          g_set_error_literal (&error, MOTCUA_ERROR, MOTCUA_ERROR_REFUSED,
                               _("An administrator cannot disable their own account."));
          return motcua_cli_report_error (cli, error);
        }
      if (!motcua_store_set_user_disabled (store, argv[2], disable, &error))
        return motcua_cli_report_error (cli, error);
      done = g_strdup_printf (disable ? _("The account %s is disabled.") : _("The account %s is enabled."), argv[2]);
      report_done (cli, disable ? "disabled" : "enabled", argv[2], done);
    }
  return EXIT_SUCCESS;
}

/* ---- motcua delegate ------------------------------------------------------------ */

static void
print_delegation (MotcuaDelegation *delegation)
{
  g_autofree char *codes = g_strjoinv (", ", delegation->procedures);

  g_print ("%-4lld ", (long long) delegation->id);
  motcua_cli_print_padded (delegation->delegator, 14);
  motcua_cli_print_padded (delegation->deputy, 14);
  g_print ("%s → %s  %s%s\n", delegation->valid_from, delegation->valid_to, codes,
           delegation->revoked_at ? _(" (revoked)") : "");
}

static JsonNode *
delegations_to_json (GPtrArray *delegations)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  for (guint i = 0; i < delegations->len; i++)
    {
      MotcuaDelegation *delegation = g_ptr_array_index (delegations, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, delegation->id);
      json_builder_set_member_name (builder, "from");
      json_builder_add_string_value (builder, delegation->delegator);
      json_builder_set_member_name (builder, "to");
      json_builder_add_string_value (builder, delegation->deputy);
      json_builder_set_member_name (builder, "procedures");
      json_builder_begin_array (builder);
      for (guint j = 0; delegation->procedures[j] != NULL; j++)
        json_builder_add_string_value (builder, delegation->procedures[j]);
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "from_date");
      json_builder_add_string_value (builder, delegation->valid_from);
      json_builder_set_member_name (builder, "to_date");
      json_builder_add_string_value (builder, delegation->valid_to);
      json_builder_set_member_name (builder, "revoked");
      json_builder_add_boolean_value (builder, delegation->revoked_at != NULL);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  return json_builder_get_root (builder);
}

static int
delegate_list (Cli *cli, MotcuaStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) delegations = motcua_store_list_delegations (store, &error);

  if (delegations == NULL)
    return motcua_cli_report_error (cli, error);
  if (cli->json)
    {
      g_autoptr(JsonNode) root = delegations_to_json (delegations);
      motcua_cli_print_json (root);
      return EXIT_SUCCESS;
    }
  for (guint i = 0; i < delegations->len; i++)
    print_delegation (g_ptr_array_index (delegations, i));
  return EXIT_SUCCESS;
}

int
motcua_cli_command_delegate (Cli *cli, int argc, char **argv)
{
  g_autofree char *from = NULL, *to = NULL, *codes = NULL, *from_date = NULL, *to_date = NULL, *actor = NULL;
  GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, N_("The supervisor lending their signing authority"), N_("USER") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, N_("The deputy"), N_("USER") },
    { "procedures", 0, 0, G_OPTION_ARG_STRING, &codes, N_("Procedure codes, separated by commas"), N_("CODES") },
    { "from-date", 0, 0, G_OPTION_ARG_STRING, &from_date, N_("First day (YYYY-MM-DD)"), N_("DATE") },
    { "to-date", 0, 0, G_OPTION_ARG_STRING, &to_date, N_("Last day (YYYY-MM-DD)"), N_("DATE") },
    { "as", 0, 0, G_OPTION_ARG_STRING, &actor, N_("Who does this: the supervisor or an administrator"), N_("USER") },
    { NULL }
  };
  g_autoptr(MotcuaStore) store = NULL;
  g_autoptr(GError) error = NULL;
  const char *verb;
  int status;

  if (!motcua_cli_parse_options ("delegate", "add | list | revoke ID",
                                 _("Lend a supervisor's signing authority to a deputy for some procedures and days."),
                                 entries, &argc, &argv, &status))
    return status;
  verb = argc > 1 ? argv[1] : "";
  if ((store = motcua_cli_open_store (cli, &error)) == NULL)
    return motcua_cli_report_error (cli, error);

  if (argc == 2 && g_str_equal (verb, "list"))
    return delegate_list (cli, store);
  if (argc == 2 && g_str_equal (verb, "add"))
    {
      g_auto(GStrv) procedures = NULL;
      gint64 id;

      if (from == NULL || to == NULL || codes == NULL || from_date == NULL || to_date == NULL)
        return motcua_cli_usage_error (_("“delegate add” needs --from, --to, --procedures, --from-date and --to-date."));
      procedures = g_strsplit (codes, ",", -1);
      for (guint i = 0; procedures[i] != NULL; i++)
        g_strstrip (procedures[i]);
      id = motcua_store_add_delegation (store, actor, from, to, (const char * const *) procedures,
                                        from_date, to_date, &error);
      if (id == 0)
        return motcua_cli_report_error (cli, error);
      if (cli->json)
        motcua_cli_print_json_member ("id", NULL, id);
      else
        g_print (_("Delegation %lld: %s signs for %s from %s to %s.\n"), (long long) id, to, from, from_date, to_date);
      return EXIT_SUCCESS;
    }
  if (argc == 3 && g_str_equal (verb, "revoke"))
    {
      guint64 id;

      if (!g_ascii_string_to_unsigned (argv[2], 10, 1, G_MAXINT64, &id, NULL))
        return motcua_cli_usage_error (_("The delegation to revoke is named by its number (see “delegate list”)."));
      if (!motcua_store_revoke_delegation (store, actor, (gint64) id, &error))
        return motcua_cli_report_error (cli, error);
      if (cli->json)
        motcua_cli_print_json_member ("revoked", NULL, (gint64) id);
      else
        g_print (_("Delegation %lld revoked.\n"), (long long) id);
      return EXIT_SUCCESS;
    }
  return motcua_cli_usage_error (_("Use “motcua delegate add …”, “delegate list” or “delegate revoke ID”."));
}
