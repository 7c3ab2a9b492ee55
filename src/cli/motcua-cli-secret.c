/* motcua-cli-secret.c: where the device token is, for `motcua sync --status`. */

#include <glib/gi18n-lib.h>

#include "motcua-cli-private.h"
#include "motcua-secret.h"

/* Unregistered profiles have no token to talk about. A keyring that does not answer
 * is reported, not fatal: the status is still worth printing. */
void
motcua_cli_describe_token (Cli *cli, MotcuaStore *store, JsonObject *object)
{
  g_autofree char *server_url = motcua_store_get_state (store, "sync.server_url", NULL);
  g_autofree char *token = NULL;
  g_autofree char *notice = NULL;
  g_autoptr(GError) error = NULL;
  MotcuaSecretPlace place = MOTCUA_SECRET_NOWHERE;

  if (server_url == NULL)
    return;
  token = motcua_secret_get_device_token (store, &place, &notice, &error);
  if (error != NULL)
    notice = g_strdup (error->message);
  if (object != NULL)
    {
      json_object_set_string_member (object, "token", motcua_secret_place_to_string (place));
      if (notice != NULL)
        json_object_set_string_member (object, "token_notice", notice);
      else
        json_object_set_null_member (object, "token_notice");
      return;
    }
  if (place == MOTCUA_SECRET_KEYRING)
    g_print (_("Device token: in the desktop keyring\n"));
  else if (place == MOTCUA_SECRET_PROFILE)
    g_print (_("Device token: in the profile's database. %s\n"), notice ? notice : "");
  else
    g_print (_("Device token: none. %s\n"),
             notice ? notice : _("Register this workstation again with a new enrolment code."));
}
