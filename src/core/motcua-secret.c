/* motcua-secret.c: the device token in the desktop keyring, or else in the profile. */

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "motcua-error.h"
#include "motcua-secret.h"

#define TOKEN_STATE "sync.token"

/* One item per profile (its database's absolute path: two profiles on one account are
 * two workstations) and server. */
static const SecretSchema *
device_token_schema (void)
{
  static const SecretSchema schema = {
    "io.github.motcua.Desk.DeviceToken", SECRET_SCHEMA_NONE,
    {
      { "profile", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };

  return &schema;
}

const char *
motcua_secret_place_to_string (MotcuaSecretPlace place)
{
  switch (place)
    {
    case MOTCUA_SECRET_KEYRING:
      return "keyring";
    case MOTCUA_SECRET_PROFILE:
      return "profile";
    case MOTCUA_SECRET_NOWHERE:
    default:
      return "nowhere";
    }
}

static char *
profile_attribute (MotcuaStore *store)
{
  return g_canonicalize_filename (motcua_store_get_path (store), NULL);
}

static void
set_fallback_notice (char **notice, const GError *keyring_error)
{
  if (notice == NULL)
    return;
  /* D-Bus's own reason ("Failed to execute child process “dbus-launch”"…) means
   * nothing to a clerk: it goes to the log, the notice says what it means for them. */
  g_debug ("No Secret Service: %s", keyring_error ? keyring_error->message : "none answered");
  g_free (*notice);
  *notice = g_strdup (_("No desktop keyring answered, so the device token is kept in the profile's "
                        "database: protect that file and its backups."));
}

/* In the keyring, replacing this profile's tokens of other servers. */
static gboolean
keyring_store (const char *profile, const char *server_url, const char *token, GError **error)
{
  g_autofree char *label = g_strdup_printf (_("Motcua Desk device token for %s"), server_url);

  if (!secret_password_clear_sync (device_token_schema (), NULL, error, "profile", profile, NULL)
      && error != NULL && *error != NULL)
    return FALSE;
  return secret_password_store_sync (device_token_schema (), SECRET_COLLECTION_DEFAULT, label, token, NULL, error,
                                     "profile", profile, "server", server_url, NULL);
}

MotcuaSecretPlace
motcua_secret_secure_device_token (MotcuaStore *store, char **notice, GError **error)
{
  g_autofree char *token = NULL;
  g_autofree char *server_url = NULL;
  g_autofree char *profile = NULL;
  g_autoptr(GError) keyring_error = NULL;

  g_return_val_if_fail (MOTCUA_IS_STORE (store), MOTCUA_SECRET_NOWHERE);

  token = motcua_store_get_state (store, TOKEN_STATE, NULL);
  server_url = motcua_store_get_state (store, "sync.server_url", NULL);
  if (token == NULL || server_url == NULL)
    return token ? MOTCUA_SECRET_PROFILE : MOTCUA_SECRET_NOWHERE;
  profile = profile_attribute (store);
  if (!keyring_store (profile, server_url, token, &keyring_error))
    {
      g_debug ("Keyring unavailable: %s", keyring_error->message);
      set_fallback_notice (notice, keyring_error);
      return MOTCUA_SECRET_PROFILE;
    }
  /* Only once the keyring holds it: a failure here leaves the token in both places,
   * and the next call tries again. */
  if (!motcua_store_set_state (store, TOKEN_STATE, NULL, error))
    return MOTCUA_SECRET_PROFILE;
  return MOTCUA_SECRET_KEYRING;
}

char *
motcua_secret_get_device_token (MotcuaStore *store, MotcuaSecretPlace *place, char **notice, GError **error)
{
  g_autofree char *server_url = NULL;
  g_autofree char *profile = NULL;
  g_autoptr(GError) keyring_error = NULL;
  char *token;   /* libsecret's lookup returns an ordinary string, freed with g_free */
  MotcuaSecretPlace where;

  g_return_val_if_fail (MOTCUA_IS_STORE (store), NULL);

  where = motcua_secret_secure_device_token (store, notice, error);
  if (place != NULL)
    *place = where;
  if (where == MOTCUA_SECRET_PROFILE)
    return motcua_store_get_state (store, TOKEN_STATE, NULL);
  server_url = motcua_store_get_state (store, "sync.server_url", NULL);
  if (server_url == NULL)
    return NULL;
  profile = profile_attribute (store);
  token = secret_password_lookup_sync (device_token_schema (), NULL, &keyring_error,
                                       "profile", profile, "server", server_url, NULL);
  if (keyring_error != NULL)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_PERMISSION,
                   _("The device token is not in the profile and the desktop keyring, where it would be, does "
                     "not answer: %s"), keyring_error->message);
      return NULL;
    }
  if (place != NULL)
    *place = token ? MOTCUA_SECRET_KEYRING : MOTCUA_SECRET_NOWHERE;
  return token;
}

gboolean
motcua_secret_forget_device_token (MotcuaStore *store, GError **error)
{
  g_autofree char *profile = NULL;
  g_autoptr(GError) keyring_error = NULL;

  g_return_val_if_fail (MOTCUA_IS_STORE (store), FALSE);

  profile = profile_attribute (store);
  if (!secret_password_clear_sync (device_token_schema (), NULL, &keyring_error, "profile", profile, NULL)
      && keyring_error != NULL)
    g_debug ("Keyring unavailable: %s", keyring_error->message);
  return motcua_store_set_state (store, TOKEN_STATE, NULL, error);
}

gboolean
motcua_secret_keyring_available (char **notice)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretService) service = secret_service_get_sync (SECRET_SERVICE_OPEN_SESSION, NULL, &error);

  if (service == NULL)
    {
      set_fallback_notice (notice, error);
      return FALSE;
    }
  return TRUE;
}
