/* motcua-auth.c: salted PBKDF2 hashes of passwords and PINs, with GnuTLS. */

#include <glib/gi18n-lib.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <string.h>

#include "motcua-auth.h"
#include "motcua-error.h"

#define SCHEME      "pbkdf2-sha256"
#define SALT_BYTES  16
#define HASH_BYTES  32

static gboolean
derive (const char *password, const guchar *salt, gsize salt_len, guint iterations,
        guchar out[HASH_BYTES])
{
  gnutls_datum_t key = { (unsigned char *) password, (unsigned int) strlen (password) };
  gnutls_datum_t salt_datum = { (unsigned char *) salt, (unsigned int) salt_len };

  return gnutls_pbkdf2 (GNUTLS_MAC_SHA256, &key, &salt_datum, iterations, out, HASH_BYTES) == 0;
}

char *
motcua_auth_hash_password (const char *password, GError **error)
{
  guchar salt[SALT_BYTES];
  guchar hash[HASH_BYTES];
  g_autofree char *salt_text = NULL;
  g_autofree char *hash_text = NULL;

  g_return_val_if_fail (password != NULL, NULL);

  if (gnutls_rnd (GNUTLS_RND_RANDOM, salt, sizeof salt) != 0
      || !derive (password, salt, sizeof salt, MOTCUA_AUTH_ITERATIONS, hash))
    {
      g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_FAILED,
                           _("The password could not be protected: the cryptographic library failed."));
      return NULL;
    }
  salt_text = g_base64_encode (salt, sizeof salt);
  hash_text = g_base64_encode (hash, sizeof hash);
  return g_strdup_printf (SCHEME "$%u$%s$%s", MOTCUA_AUTH_ITERATIONS, salt_text, hash_text);
}

/* Splits an encoded hash; FALSE when it is not one this code wrote. */
static gboolean
parse (const char *encoded, guint *iterations, guchar **salt, gsize *salt_len, guchar **hash)
{
  g_auto(GStrv) parts = encoded ? g_strsplit (encoded, "$", -1) : NULL;
  guint64 count;
  gsize hash_len;

  if (parts == NULL || g_strv_length (parts) != 4 || !g_str_equal (parts[0], SCHEME)
      || !g_ascii_string_to_unsigned (parts[1], 10, 1, G_MAXUINT, &count, NULL))
    return FALSE;
  *iterations = (guint) count;
  *salt = g_base64_decode (parts[2], salt_len);
  *hash = g_base64_decode (parts[3], &hash_len);
  if (*salt_len == 0 || hash_len != HASH_BYTES)
    {
      g_clear_pointer (salt, g_free);
      g_clear_pointer (hash, g_free);
      return FALSE;
    }
  return TRUE;
}

gboolean
motcua_auth_verify_password (const char *encoded, const char *password)
{
  g_autofree guchar *salt = NULL;
  g_autofree guchar *expected = NULL;
  guchar actual[HASH_BYTES];
  gsize salt_len;
  guint iterations;

  if (password == NULL || !parse (encoded, &iterations, &salt, &salt_len, &expected))
    return FALSE;
  if (!derive (password, salt, salt_len, iterations, actual))
    return FALSE;
  /* Constant time: how much of the hash matched must not show in the timing. */
  return gnutls_memcmp (actual, expected, HASH_BYTES) == 0;
}

gboolean
motcua_auth_needs_rehash (const char *encoded)
{
  g_autofree guchar *salt = NULL;
  g_autofree guchar *hash = NULL;
  gsize salt_len;
  guint iterations;

  return !parse (encoded, &iterations, &salt, &salt_len, &hash) || iterations < MOTCUA_AUTH_ITERATIONS;
}

gboolean
motcua_auth_check_strength (const char *password, GError **error)
{
  if (password == NULL || g_utf8_strlen (password, -1) < MOTCUA_AUTH_MIN_LENGTH)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                   _("A password or PIN needs at least %d characters."), MOTCUA_AUTH_MIN_LENGTH);
      return FALSE;
    }
  return TRUE;
}

gboolean
motcua_auth_check_new_password (const char *password, const char *repeated, GError **error)
{
  if (!motcua_auth_check_strength (password, error))
    return FALSE;
  if (g_strcmp0 (password, repeated) != 0)
    {
      g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                           _("The two passwords differ: type the same one twice."));
      return FALSE;
    }
  return TRUE;
}

gboolean
motcua_auth_check_username (const char *username, GError **error)
{
  if (username == NULL || *username == '\0'
      || strspn (username, "abcdefghijklmnopqrstuvwxyz0123456789._-") != strlen (username))
    {
      g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                           _("A user name is made of lowercase letters without accents, digits, dots, dashes or "
                             "underscores, e.g. “admin” or “nguyen.lan”."));
      return FALSE;
    }
  return TRUE;
}
