/* motcua-trust.c: trust anchors for approval signatures. */

#include <glib/gi18n-lib.h>
#include <gnutls/gnutls.h>

#include "motcua-error.h"
#include "motcua-trust.h"

struct _MotcuaTrust
{
  gnutls_x509_trust_list_t list;
  GPtrArray               *anchors;   /* gnutls_x509_crt_t, owned by @list once added */
};

MotcuaTrust *
motcua_trust_new (void)
{
  MotcuaTrust *self = g_new0 (MotcuaTrust, 1);

  gnutls_x509_trust_list_init (&self->list, 0);
  self->anchors = g_ptr_array_new ();
  return self;
}

void
motcua_trust_free (MotcuaTrust *self)
{
  if (self == NULL)
    return;
  /* The list owns the certificates (deinit with all = 1). */
  gnutls_x509_trust_list_deinit (self->list, 1);
  g_ptr_array_unref (self->anchors);
  g_free (self);
}

static gboolean
has_anchor (MotcuaTrust *self, gnutls_x509_crt_t certificate)
{
  g_autofree char *fingerprint = motcua_certificate_get_sha256 (certificate);

  for (guint i = 0; i < self->anchors->len; i++)
    {
      g_autofree char *other = motcua_certificate_get_sha256 (g_ptr_array_index (self->anchors, i));

      if (g_str_equal (fingerprint, other))
        return TRUE;
    }
  return FALSE;
}

gboolean
motcua_trust_add_pem (MotcuaTrust *self, const char *pem, gsize length, GError **error)
{
  gnutls_datum_t datum = { (unsigned char *) pem, length };
  gnutls_x509_crt_t *certificates = NULL;
  unsigned int n = 0;
  int rc;

  rc = gnutls_x509_crt_list_import2 (&certificates, &n, &datum, GNUTLS_X509_FMT_PEM, 0);
  if (rc < 0 || n == 0)
    {
      g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                           _("No certificate in PEM form was found (“-----BEGIN CERTIFICATE-----”)."));
      return FALSE;
    }
  for (unsigned int i = 0; i < n; i++)
    {
      /* The same authority added twice is one anchor. */
      if (has_anchor (self, certificates[i]))
        {
          gnutls_x509_crt_deinit (certificates[i]);
          continue;
        }
      g_ptr_array_add (self->anchors, certificates[i]);
      gnutls_x509_trust_list_add_cas (self->list, &certificates[i], 1, 0);
    }
  gnutls_free (certificates);
  return TRUE;
}

gboolean
motcua_trust_add_file (MotcuaTrust *self, const char *path, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_IO, _("Cannot read %s: %s"), path, local_error->message);
      return FALSE;
    }
  if (!motcua_trust_add_pem (self, contents, length, error))
    {
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }
  return TRUE;
}

guint
motcua_trust_get_n_anchors (MotcuaTrust *self)
{
  return self->anchors->len;
}

GPtrArray *
motcua_trust_list_subjects (MotcuaTrust *self)
{
  GPtrArray *subjects = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < self->anchors->len; i++)
    g_ptr_array_add (subjects, motcua_certificate_get_subject (g_ptr_array_index (self->anchors, i)));
  return subjects;
}

char *
motcua_trust_to_pem (MotcuaTrust *self)
{
  GString *pem = g_string_new (NULL);

  for (guint i = 0; i < self->anchors->len; i++)
    {
      gnutls_datum_t out = { 0 };

      if (gnutls_x509_crt_export2 (g_ptr_array_index (self->anchors, i), GNUTLS_X509_FMT_PEM, &out) == 0)
        g_string_append_len (pem, (const char *) out.data, out.size);
      gnutls_free (out.data);
    }
  return g_string_free (pem, FALSE);
}

gnutls_x509_trust_list_t
motcua_trust_get_list (MotcuaTrust *self)
{
  return self->list;
}

static char *
datum_to_string (gnutls_datum_t *datum)
{
  char *text = g_strndup ((const char *) datum->data, datum->size);

  gnutls_free (datum->data);
  return text;
}

char *
motcua_certificate_get_subject (gnutls_x509_crt_t certificate)
{
  gnutls_datum_t dn = { 0 };

  if (gnutls_x509_crt_get_dn3 (certificate, &dn, 0) < 0)
    return g_strdup ("");
  return datum_to_string (&dn);
}

char *
motcua_certificate_get_issuer (gnutls_x509_crt_t certificate)
{
  gnutls_datum_t dn = { 0 };

  if (gnutls_x509_crt_get_issuer_dn3 (certificate, &dn, 0) < 0)
    return g_strdup ("");
  return datum_to_string (&dn);
}

char *
motcua_certificate_get_common_name (gnutls_x509_crt_t certificate)
{
  char buffer[512];
  size_t size = sizeof buffer;

  if (gnutls_x509_crt_get_dn_by_oid (certificate, GNUTLS_OID_X520_COMMON_NAME, 0, 0, buffer, &size) < 0)
    return motcua_certificate_get_subject (certificate);
  return g_strndup (buffer, size);
}

char *
motcua_certificate_get_sha256 (gnutls_x509_crt_t certificate)
{
  gnutls_datum_t der = { 0 };
  char *hex;

  if (gnutls_x509_crt_export2 (certificate, GNUTLS_X509_FMT_DER, &der) < 0)
    return g_strdup ("");
  hex = g_compute_checksum_for_data (G_CHECKSUM_SHA256, der.data, der.size);
  gnutls_free (der.data);
  return hex;
}
