/* motcua-signer.c: signing keys from PKCS#11 tokens and PKCS#12 files, with GnuTLS. */

#include <glib/gi18n-lib.h>
#include <gnutls/gnutls.h>
#include <gnutls/pkcs11.h>
#include <gnutls/pkcs12.h>
#include <gnutls/pkcs7.h>
#include <gnutls/abstract.h>
#include <string.h>

#include "motcua-error.h"
#include "motcua-signer.h"
#include "motcua-trust.h"

struct _MotcuaSigner
{
  gnutls_privkey_t   key;
  gnutls_x509_crt_t  certificate;
  char              *subject;
  char              *certificate_sha256;
  /* For the PIN callback, which may run again at signing time. */
  char              *pin;
  gboolean           pin_was_wrong;
  gboolean           final_try;
};

/* GnuTLS keeps one list of PKCS#11 modules for the process. */
G_LOCK_DEFINE_STATIC (modules);
static GHashTable *added_modules;

void
motcua_token_certificate_free (MotcuaTokenCertificate *certificate)
{
  if (certificate == NULL)
    return;
  g_free (certificate->uri);
  g_free (certificate->label);
  g_free (certificate->token);
  g_free (certificate->subject);
  g_free (certificate->common_name);
  g_free (certificate);
}

static gboolean
gnutls_failed (int rc, const char *what, GError **error)
{
  if (rc >= 0)
    return FALSE;
  /* TRANSLATORS: %s is what failed, %s GnuTLS's (English) reason. */
  g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_FAILED, _("%s: %s"), what, gnutls_strerror (rc));
  return TRUE;
}

gboolean
motcua_signer_add_module (const char *module, GError **error)
{
  gboolean ok = TRUE;
  int rc = 0;

  G_LOCK (modules);
  if (added_modules == NULL)
    {
      /* Manual: only the modules asked for, so that a test's SoftHSM token is the only
       * token, and a workstation's configured module is the one used. */
      rc = gnutls_pkcs11_init (module != NULL ? GNUTLS_PKCS11_FLAG_MANUAL : GNUTLS_PKCS11_FLAG_AUTO, NULL);
      added_modules = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    }
  if (rc == 0 && module != NULL && !g_hash_table_contains (added_modules, module))
    {
      rc = gnutls_pkcs11_add_provider (module, NULL);
      if (rc == 0)
        g_hash_table_add (added_modules, g_strdup (module));
    }
  G_UNLOCK (modules);

  if (rc < 0)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_FAILED,
                   _("The token module %s cannot be loaded: %s"), module ? module : "p11-kit", gnutls_strerror (rc));
      ok = FALSE;
    }
  return ok;
}

/* The URI without its "type=" attribute, so that it names the key and the certificate. */
static char *
uri_without_type (const char *uri)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(GStrvBuilder) kept = g_strv_builder_new ();
  g_auto(GStrv) kept_parts = NULL;
  g_autofree char *path = NULL;
  const char *query = strchr (uri, '?');

  path = query ? g_strndup (uri, query - uri) : g_strdup (uri);
  parts = g_strsplit (path + strlen ("pkcs11:"), ";", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (!g_str_has_prefix (parts[i], "type=") && parts[i][0] != '\0')
      g_strv_builder_add (kept, parts[i]);
  kept_parts = g_strv_builder_end (kept);
  {
    g_autofree char *joined = g_strjoinv (";", kept_parts);
    return g_strconcat ("pkcs11:", joined, NULL);
  }
}

static char *
object_info (gnutls_pkcs11_obj_t object, gnutls_pkcs11_obj_info_t which)
{
  char buffer[512];
  size_t size = sizeof buffer;

  if (gnutls_pkcs11_obj_get_info (object, which, buffer, &size) < 0)
    return g_strdup ("");
  return g_strndup (buffer, size);
}

static MotcuaTokenCertificate *
describe_token_object (gnutls_pkcs11_obj_t object)
{
  g_autoptr(MotcuaTokenCertificate) certificate = g_new0 (MotcuaTokenCertificate, 1);
  gnutls_x509_crt_t crt = NULL;
  char *url = NULL;

  if (gnutls_pkcs11_obj_export_url (object, GNUTLS_PKCS11_URL_GENERIC, &url) < 0)
    return NULL;
  certificate->uri = uri_without_type (url);
  gnutls_free (url);
  certificate->label = object_info (object, GNUTLS_PKCS11_OBJ_LABEL);
  certificate->token = object_info (object, GNUTLS_PKCS11_OBJ_TOKEN_LABEL);
  if (gnutls_x509_crt_init (&crt) == 0 && gnutls_x509_crt_import_pkcs11 (crt, object) == 0)
    {
      certificate->subject = motcua_certificate_get_subject (crt);
      certificate->common_name = motcua_certificate_get_common_name (crt);
    }
  if (crt != NULL)
    gnutls_x509_crt_deinit (crt);
  if (certificate->subject == NULL)
    {
      certificate->subject = g_strdup (certificate->label);
      certificate->common_name = g_strdup (certificate->label);
    }
  return g_steal_pointer (&certificate);
}

GPtrArray *
motcua_signer_list_token_certificates (const char *module, GError **error)
{
  g_autoptr(GPtrArray) certificates = g_ptr_array_new_with_free_func ((GDestroyNotify) motcua_token_certificate_free);
  gnutls_pkcs11_obj_t *objects = NULL;
  unsigned int n_objects = 0;
  int rc;

  if (!motcua_signer_add_module (module, error))
    return NULL;
  rc = gnutls_pkcs11_obj_list_import_url4 (&objects, &n_objects, "pkcs11:", GNUTLS_PKCS11_OBJ_FLAG_CRT);
  if (gnutls_failed (rc, _("The certificates on the token cannot be read"), error))
    return NULL;
  for (unsigned int i = 0; i < n_objects; i++)
    {
      MotcuaTokenCertificate *certificate = describe_token_object (objects[i]);

      if (certificate != NULL)
        g_ptr_array_add (certificates, certificate);
      gnutls_pkcs11_obj_deinit (objects[i]);
    }
  gnutls_free (objects);
  return g_steal_pointer (&certificates);
}

static int
pin_callback (void *user_data, int attempt, const char *token_url, const char *token_label,
              unsigned int flags, char *pin, size_t pin_max)
{
  MotcuaSigner *self = user_data;

  /* Never give the token the same wrong PIN twice: each try counts towards its lock. */
  if ((flags & GNUTLS_PIN_WRONG) != 0 || attempt > 0)
    {
      self->pin_was_wrong = TRUE;
      return GNUTLS_E_PKCS11_PIN_ERROR;
    }
  if ((flags & GNUTLS_PIN_FINAL_TRY) != 0)
    {
      self->final_try = TRUE;
      return GNUTLS_E_PKCS11_PIN_LOCKED;
    }
  if (self->pin == NULL || strlen (self->pin) + 1 > pin_max)
    return GNUTLS_E_PKCS11_PIN_ERROR;
  memcpy (pin, self->pin, strlen (self->pin) + 1);
  return 0;
}

/* The clerk's words for what the token said. */
static void
set_token_error (MotcuaSigner *self, int rc, GError **error)
{
  if (self->final_try)
    g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_PIN_LOCKED,
                         _("Only one PIN attempt is left before the token locks. Motcua will not try it: "
                           "check the PIN with the token's own software."));
  else if (rc == GNUTLS_E_PKCS11_PIN_LOCKED)
    g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_PIN_LOCKED,
                         _("The token's PIN is locked. Ask the certificate authority or the token's "
                           "administrator to unlock it."));
  else if (rc == GNUTLS_E_PKCS11_PIN_EXPIRED)
    g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_PIN_LOCKED,
                         _("The token's PIN has expired. Change it with the token's own software."));
  else if (self->pin_was_wrong || rc == GNUTLS_E_PKCS11_PIN_ERROR)
    g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_WRONG_PIN,
                         _("The PIN is wrong. Check it and try again; too many wrong PINs lock the token."));
  else if (rc == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE || rc == GNUTLS_E_PKCS11_REQUESTED_OBJECT_NOT_AVAILBLE)
    g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_NOT_FOUND,
                         _("The signing key or its certificate is not on the token. Is the right token plugged in?"));
  else
    g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_FAILED,
                 _("The token cannot sign: %s"), gnutls_strerror (rc));
}

static MotcuaSigner *
signer_new (void)
{
  MotcuaSigner *self = g_new0 (MotcuaSigner, 1);

  gnutls_privkey_init (&self->key);
  gnutls_x509_crt_init (&self->certificate);
  return self;
}

static void
describe_signer (MotcuaSigner *self)
{
  self->subject = motcua_certificate_get_subject (self->certificate);
  self->certificate_sha256 = motcua_certificate_get_sha256 (self->certificate);
}

MotcuaSigner *
motcua_signer_open_pkcs11 (const char *module, const char *uri, const char *pin, GError **error)
{
  g_autoptr(MotcuaSigner) self = NULL;
  g_autofree char *base = NULL, *key_uri = NULL, *certificate_uri = NULL;
  int rc;

  if (uri == NULL || !g_str_has_prefix (uri, "pkcs11:"))
    {
      g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                           _("A token key is named by a PKCS#11 URI starting with “pkcs11:”."));
      return NULL;
    }
  if (pin == NULL || *pin == '\0')
    {
      g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_WRONG_PIN, _("Enter the token's PIN."));
      return NULL;
    }
  if (!motcua_signer_add_module (module, error))
    return NULL;

  self = signer_new ();
  self->pin = g_strdup (pin);
  base = uri_without_type (uri);
  key_uri = g_strconcat (base, ";type=private", NULL);
  certificate_uri = g_strconcat (base, ";type=cert", NULL);

  rc = gnutls_x509_crt_import_url (self->certificate, certificate_uri, 0);
  if (rc < 0)
    {
      set_token_error (self, rc, error);
      return NULL;
    }
  gnutls_privkey_set_pin_function (self->key, pin_callback, self);
  rc = gnutls_privkey_import_url (self->key, key_uri, 0);
  if (rc < 0)
    {
      set_token_error (self, rc, error);
      return NULL;
    }
  describe_signer (self);
  return g_steal_pointer (&self);
}

static gboolean
read_file_datum (const char *path, gnutls_datum_t *datum, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_IO, _("Cannot read %s: %s"), path, local_error->message);
      return FALSE;
    }
  datum->data = (unsigned char *) contents;
  datum->size = length;
  return TRUE;
}

MotcuaSigner *
motcua_signer_open_pkcs12 (const char *path, const char *password, GError **error)
{
  g_autoptr(MotcuaSigner) self = signer_new ();
  gnutls_datum_t datum = { 0 };
  gnutls_pkcs12_t pkcs12 = NULL;
  gnutls_x509_privkey_t key = NULL;
  gnutls_x509_crt_t *chain = NULL;
  unsigned int chain_length = 0;
  int rc;

  if (!read_file_datum (path, &datum, error))
    return NULL;
  gnutls_pkcs12_init (&pkcs12);
  rc = gnutls_pkcs12_import (pkcs12, &datum, GNUTLS_X509_FMT_DER, 0);
  if (rc < 0)
    rc = gnutls_pkcs12_import (pkcs12, &datum, GNUTLS_X509_FMT_PEM, 0);
  g_free (datum.data);
  if (rc < 0)
    {
      gnutls_pkcs12_deinit (pkcs12);
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                   _("%s is not a PKCS#12 (.p12) file."), path);
      return NULL;
    }
  /* The MAC first: decrypting with a wrong password only sometimes fails as such; as
   * often the garbage it makes fails as ASN.1, which would read as a damaged file. */
  rc = gnutls_pkcs12_verify_mac (pkcs12, password ? password : "");
  if (rc >= 0 || rc == GNUTLS_E_UNKNOWN_HASH_ALGORITHM || rc == GNUTLS_E_INVALID_REQUEST)
    rc = gnutls_pkcs12_simple_parse (pkcs12, password ? password : "", &key, &chain, &chain_length,
                                     NULL, NULL, NULL, 0);
  gnutls_pkcs12_deinit (pkcs12);
  if (rc < 0)
    {
      if (rc == GNUTLS_E_MAC_VERIFY_FAILED || rc == GNUTLS_E_DECRYPTION_FAILED)
        g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_WRONG_PIN,
                             _("The password of the key file is wrong."));
      else
        g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                     _("%s holds no usable key and certificate: %s"), path, gnutls_strerror (rc));
      return NULL;
    }
  /* The first certificate of the chain is the key's own. */
  gnutls_x509_crt_deinit (self->certificate);
  self->certificate = chain[0];
  for (unsigned int i = 1; i < chain_length; i++)
    gnutls_x509_crt_deinit (chain[i]);
  gnutls_free (chain);
  rc = gnutls_privkey_import_x509 (self->key, key, GNUTLS_PRIVKEY_IMPORT_AUTO_RELEASE);
  if (gnutls_failed (rc, _("The key of the file cannot be used"), error))
    {
      gnutls_x509_privkey_deinit (key);
      return NULL;
    }
  describe_signer (self);
  return g_steal_pointer (&self);
}

MotcuaSigner *
motcua_signer_open (const char *signer, const char *module, const char *pin, GError **error)
{
  if (signer != NULL && g_str_has_prefix (signer, "pkcs11:"))
    return motcua_signer_open_pkcs11 (module, signer, pin, error);
  if (signer == NULL || *signer == '\0')
    {
      g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                           _("Name the signing key: a PKCS#11 URI or a .p12 file."));
      return NULL;
    }
  return motcua_signer_open_pkcs12 (signer, pin, error);
}

void
motcua_signer_free (MotcuaSigner *self)
{
  if (self == NULL)
    return;
  if (self->key != NULL)
    gnutls_privkey_deinit (self->key);
  if (self->certificate != NULL)
    gnutls_x509_crt_deinit (self->certificate);
  g_free (self->subject);
  g_free (self->certificate_sha256);
  if (self->pin != NULL)
    memset (self->pin, 0, strlen (self->pin));
  g_free (self->pin);
  g_free (self);
}

char *
motcua_signer_read_pin_file (const char *path, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, &local_error))
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_IO, _("Cannot read the PIN file %s: %s"), path,
                   local_error->message);
      return NULL;
    }
  contents[strcspn (contents, "\r\n")] = '\0';
  return g_strdup (contents);
}

const char *
motcua_signer_get_subject (MotcuaSigner *self)
{
  return self->subject;
}

const char *
motcua_signer_get_certificate_sha256 (MotcuaSigner *self)
{
  return self->certificate_sha256;
}

GBytes *
motcua_signer_sign (MotcuaSigner *self, const char *data, gsize length, GError **error)
{
  gnutls_pkcs7_t pkcs7 = NULL;
  gnutls_datum_t content = { (unsigned char *) data, length };
  gnutls_datum_t out = { 0 };
  GBytes *signature;
  int rc;

  self->pin_was_wrong = FALSE;
  gnutls_pkcs7_init (&pkcs7);
  rc = gnutls_pkcs7_sign (pkcs7, self->certificate, self->key, &content, NULL, NULL, GNUTLS_DIG_SHA256,
                          GNUTLS_PKCS7_INCLUDE_TIME | GNUTLS_PKCS7_INCLUDE_CERT);
  if (rc == 0)
    rc = gnutls_pkcs7_export2 (pkcs7, GNUTLS_X509_FMT_DER, &out);
  gnutls_pkcs7_deinit (pkcs7);
  if (rc < 0)
    {
      set_token_error (self, rc, error);
      return NULL;
    }
  signature = g_bytes_new (out.data, out.size);
  gnutls_free (out.data);
  return signature;
}
