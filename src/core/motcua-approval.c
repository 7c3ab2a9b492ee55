/* motcua-approval.c: the approval payload, its CMS signature and the verdict on it. */

#include <glib/gi18n-lib.h>
#include <gnutls/gnutls.h>
#include <gnutls/pkcs7.h>

#include "motcua-approval.h"
#include "motcua-error.h"
#include "motcua-time.h"

/* Every usage that makes a signature an act of its signer. */
#define SIGNING_USAGES (GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_NON_REPUDIATION)

void
motcua_verdict_free (MotcuaVerdict *verdict)
{
  if (verdict == NULL)
    return;
  g_free (verdict->signer);
  g_free (verdict->signer_subject);
  g_free (verdict->issuer);
  g_free (verdict->signing_time);
  g_free (verdict->message);
  g_free (verdict);
}

const char *
motcua_verdict_status_to_string (MotcuaVerdictStatus status)
{
  static const char * const names[] = {
    "valid", "unsigned", "not-checked", "malformed", "bad-signature", "untrusted", "expired",
    "wrong-usage", "wrong-dossier", "wrong-signer",
  };

  return status < G_N_ELEMENTS (names) ? names[status] : "unknown";
}

gboolean
motcua_verdict_is_valid (const MotcuaVerdict *verdict)
{
  return verdict != NULL && verdict->status == MOTCUA_VERDICT_VALID;
}

static MotcuaVerdict *
verdict_set (MotcuaVerdict *verdict, MotcuaVerdictStatus status, const char *message)
{
  verdict->status = status;
  g_free (verdict->message);
  verdict->message = g_strdup (message);
  return verdict;
}

/* ---- the payload -------------------------------------------------------------------- */

char *
motcua_approval_find_result (GPtrArray *events)
{
  const char *drafter = motcua_role_to_string (MOTCUA_ROLE_SPECIALIST);
  char *result = NULL;

  for (guint i = 0; i < events->len; i++)
    {
      const MotcuaEvent *event = g_ptr_array_index (events, i);
      g_autoptr(JsonObject) payload = NULL;
      JsonArray *attachments;
      guint n;

      if (!g_str_equal (event->kind, "attach") || g_strcmp0 (event->actor_role, drafter) != 0
          || (payload = motcua_event_parse_payload (event, NULL)) == NULL
          || !json_object_has_member (payload, "attachments")
          || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (payload, "attachments"))
          || (n = json_array_get_length (attachments = json_object_get_array_member (payload, "attachments"))) == 0)
        continue;
      g_free (result);
      result = g_strdup (json_object_get_string_member_with_default (json_array_get_object_element (attachments, n - 1),
                                                                     "sha256", NULL));
    }
  return result;
}

JsonObject *
motcua_approval_new (MotcuaDossier *dossier, GDateTime *time, const char *result_sha256, MotcuaSigner *signer)
{
  JsonObject *approval = json_object_new ();
  GPtrArray *attachments = motcua_dossier_get_attachments (dossier);
  g_autofree char *time_text = motcua_time_format (time);
  JsonArray *hashes = json_array_new ();

  for (guint i = 0; i < attachments->len; i++)
    json_array_add_string_element (hashes, ((MotcuaAttachmentRef *) g_ptr_array_index (attachments, i))->sha256);
  /* The first four members are those of unsigned approvals made before signing existed. */
  json_object_set_string_member (approval, "dossier_code", motcua_dossier_get_code (dossier));
  json_object_set_string_member (approval, "decision", "approve");
  json_object_set_string_member (approval, "time", time_text);
  json_object_set_array_member (approval, "attachments_sha256", hashes);
  json_object_set_string_member (approval, "dossier_uid", motcua_dossier_get_uid (dossier));
  json_object_set_string_member (approval, "prev_hash", motcua_dossier_get_last_event_hash (dossier));
  if (result_sha256 != NULL)
    json_object_set_string_member (approval, "result_sha256", result_sha256);
  else
    json_object_set_null_member (approval, "result_sha256");
  /* Naming the certificate inside the hashed payload makes a removed signature show:
   * the signature itself is outside the event's hash. */
  if (signer != NULL)
    {
      JsonObject *signed_by = json_object_new ();

      json_object_set_string_member (signed_by, "subject", motcua_signer_get_subject (signer));
      json_object_set_string_member (signed_by, "certificate_sha256", motcua_signer_get_certificate_sha256 (signer));
      json_object_set_object_member (approval, "signer", signed_by);
    }
  return approval;
}

char *
motcua_approval_to_text (JsonObject *approval)
{
  return motcua_json_object_to_string (approval);
}

/* ---- verification ------------------------------------------------------------------- */

/* The certificate of the CMS that signed it (issuer and serial number match). */
static gnutls_x509_crt_t
find_signer_certificate (gnutls_pkcs7_t pkcs7, const gnutls_pkcs7_signature_info_st *info)
{
  int n = gnutls_pkcs7_get_crt_count (pkcs7);

  for (int i = 0; i < n; i++)
    {
      gnutls_datum_t raw = { 0 };
      gnutls_x509_crt_t crt = NULL;
      gnutls_datum_t issuer = { 0 };
      unsigned char serial[64];
      size_t serial_size = sizeof serial;
      gboolean match;

      if (gnutls_pkcs7_get_crt_raw2 (pkcs7, i, &raw) < 0)
        continue;
      gnutls_x509_crt_init (&crt);
      match = gnutls_x509_crt_import (crt, &raw, GNUTLS_X509_FMT_DER) == 0
              && gnutls_x509_crt_get_raw_issuer_dn (crt, &issuer) == 0
              && gnutls_x509_crt_get_serial (crt, serial, &serial_size) == 0
              && issuer.size == info->issuer_dn.size
              && memcmp (issuer.data, info->issuer_dn.data, issuer.size) == 0
              && serial_size == info->signer_serial.size
              && memcmp (serial, info->signer_serial.data, serial_size) == 0;
      gnutls_free (raw.data);
      gnutls_free (issuer.data);
      if (match)
        return crt;
      gnutls_x509_crt_deinit (crt);
    }
  return NULL;
}

static void
describe_certificate (MotcuaVerdict *verdict, gnutls_x509_crt_t crt, time_t signing_time)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (signing_time);

  verdict->signer = motcua_certificate_get_common_name (crt);
  verdict->signer_subject = motcua_certificate_get_subject (crt);
  verdict->issuer = motcua_certificate_get_issuer (crt);
  verdict->signing_time = when ? motcua_time_format (when) : NULL;
}

/* The checks on the certificate itself, at the time it signed. */
static gboolean
check_certificate (MotcuaVerdict *verdict, gnutls_x509_crt_t crt, time_t signing_time, JsonObject *approval)
{
  JsonObject *signed_by = json_object_get_object_member (approval, "signer");
  const char *named = signed_by ? json_object_get_string_member_with_default (signed_by, "certificate_sha256", NULL) : NULL;
  g_autofree char *fingerprint = motcua_certificate_get_sha256 (crt);
  unsigned int usage = 0;

  if (signing_time < gnutls_x509_crt_get_activation_time (crt)
      || signing_time > gnutls_x509_crt_get_expiration_time (crt))
    {
      verdict_set (verdict, MOTCUA_VERDICT_EXPIRED,
                   _("Not valid: the signer's certificate was not valid at the signing time (expired or not yet in force)."));
      return FALSE;
    }
  if (gnutls_x509_crt_get_key_usage (crt, &usage, NULL) < 0 || (usage & SIGNING_USAGES) == 0)
    {
      verdict_set (verdict, MOTCUA_VERDICT_WRONG_USAGE,
                   _("Not valid: the signer's certificate is not meant for signing (key usage)."));
      return FALSE;
    }
  if (named == NULL || g_strcmp0 (named, fingerprint) != 0)
    {
      verdict_set (verdict, MOTCUA_VERDICT_WRONG_SIGNER,
                   _("Not valid: the signature was not made with the certificate the approval names."));
      return FALSE;
    }
  return TRUE;
}

/* The signature over the text, then the chain. Time checks are ours (at the signing
 * time, not today): a valid approval stays valid after its certificate expires. */
static void
check_signature (MotcuaVerdict *verdict, MotcuaTrust *trust, gnutls_pkcs7_t pkcs7, gnutls_x509_crt_t crt,
                 const gnutls_datum_t *data)
{
  unsigned int flags = GNUTLS_VERIFY_DISABLE_TIME_CHECKS | GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS;
  unsigned int status = 0;

  if (gnutls_pkcs7_verify_direct (pkcs7, crt, 0, data, flags) < 0)
    {
      verdict_set (verdict, MOTCUA_VERDICT_BAD_SIGNATURE,
                   _("Not valid: the signature does not match the approval: the approval or the signature was altered."));
      return;
    }
  if (trust == NULL || motcua_trust_get_n_anchors (trust) == 0)
    {
      verdict_set (verdict, MOTCUA_VERDICT_NOT_CHECKED,
                   _("Not checked: the signature matches, but no trust anchors are configured to check the signer."));
      return;
    }
  if (gnutls_x509_trust_list_verify_crt2 (motcua_trust_get_list (trust), &crt, 1, NULL, 0, flags, &status, NULL) < 0
      || status != 0)
    {
      verdict_set (verdict, MOTCUA_VERDICT_UNTRUSTED,
                   _("Not valid: the signer's certificate was not issued by a trusted certificate authority."));
      return;
    }
  verdict_set (verdict, MOTCUA_VERDICT_VALID, _("Valid signature"));
}

MotcuaVerdict *
motcua_approval_verify_signature (MotcuaTrust *trust, JsonObject *approval, GBytes *signature)
{
  MotcuaVerdict *verdict = g_new0 (MotcuaVerdict, 1);
  g_autofree char *text = motcua_approval_to_text (approval);
  gnutls_datum_t data = { (unsigned char *) text, strlen (text) };
  gnutls_datum_t der = { 0 };
  gnutls_pkcs7_t pkcs7 = NULL;
  gnutls_pkcs7_signature_info_st info = { 0 };
  gnutls_x509_crt_t crt = NULL;
  gboolean have_info = FALSE;

  if (signature == NULL || g_bytes_get_size (signature) == 0)
    return verdict_set (verdict, MOTCUA_VERDICT_UNSIGNED, _("Not signed"));

  der.data = (unsigned char *) g_bytes_get_data (signature, NULL);
  der.size = g_bytes_get_size (signature);
  gnutls_pkcs7_init (&pkcs7);
  if (gnutls_pkcs7_import (pkcs7, &der, GNUTLS_X509_FMT_DER) < 0
      || !(have_info = gnutls_pkcs7_get_signature_info (pkcs7, 0, &info) == 0)
      || info.signing_time == (time_t) -1
      || (crt = find_signer_certificate (pkcs7, &info)) == NULL)
    verdict_set (verdict, MOTCUA_VERDICT_MALFORMED,
                 _("Not valid: the signature is damaged or lacks its certificate or signing time."));
  else
    {
      describe_certificate (verdict, crt, info.signing_time);
      if (check_certificate (verdict, crt, info.signing_time, approval))
        check_signature (verdict, trust, pkcs7, crt, &data);
    }
  if (crt != NULL)
    gnutls_x509_crt_deinit (crt);
  if (have_info)
    gnutls_pkcs7_signature_info_deinit (&info);
  gnutls_pkcs7_deinit (pkcs7);
  return verdict;
}

MotcuaVerdict *
motcua_approval_verify_event (MotcuaTrust *trust, const MotcuaEvent *event, const char *dossier_code)
{
  g_autoptr(JsonObject) payload = motcua_event_parse_payload (event, NULL);
  JsonObject *approval = NULL;
  gboolean claims_signer;

  if (payload != NULL && json_object_has_member (payload, "approval")
      && JSON_NODE_HOLDS_OBJECT (json_object_get_member (payload, "approval")))
    approval = json_object_get_object_member (payload, "approval");
  if (approval == NULL)
    return verdict_set (g_new0 (MotcuaVerdict, 1), MOTCUA_VERDICT_MALFORMED,
                        _("Not valid: the approval event holds no approval."));

  claims_signer = json_object_has_member (approval, "signer");
  if (event->signature == NULL || g_bytes_get_size (event->signature) == 0)
    return verdict_set (g_new0 (MotcuaVerdict, 1),
                        claims_signer ? MOTCUA_VERDICT_BAD_SIGNATURE : MOTCUA_VERDICT_UNSIGNED,
                        claims_signer ? _("Not valid: the approval was signed, but its signature is gone.")
                                      : _("Not signed"));
  /* A signed approval must say which dossier, and where in its chain, it approves. */
  if (g_strcmp0 (json_object_get_string_member_with_default (approval, "dossier_code", NULL), dossier_code) != 0
      || g_strcmp0 (json_object_get_string_member_with_default (approval, "dossier_uid", NULL), event->dossier_uid) != 0
      || g_strcmp0 (json_object_get_string_member_with_default (approval, "prev_hash", NULL), event->prev_hash) != 0)
    {
      MotcuaVerdict *verdict = motcua_approval_verify_signature (trust, approval, event->signature);

      return verdict_set (verdict, MOTCUA_VERDICT_WRONG_DOSSIER,
                          _("Not valid: the signed approval is about another dossier or another step of it."));
    }
  return motcua_approval_verify_signature (trust, approval, event->signature);
}

/* ---- the store's policy ------------------------------------------------------------- */

MotcuaTrust *
motcua_approval_load_trust (MotcuaStore *store, GError **error)
{
  g_autoptr(MotcuaTrust) trust = motcua_trust_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *pem = motcua_store_get_state (store, MOTCUA_TRUST_STATE_KEY, &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (pem != NULL && *pem != '\0' && !motcua_trust_add_pem (trust, pem, strlen (pem), error))
    return NULL;
  return g_steal_pointer (&trust);
}

gboolean
motcua_approval_add_trust_file (MotcuaStore *store, const char *path, guint *n_added, GError **error)
{
  g_autoptr(MotcuaTrust) trust = motcua_approval_load_trust (store, error);
  g_autofree char *pem = NULL;
  guint before;

  if (trust == NULL)
    return FALSE;
  before = motcua_trust_get_n_anchors (trust);
  if (!motcua_trust_add_file (trust, path, error))
    return FALSE;
  if (n_added != NULL)
    *n_added = motcua_trust_get_n_anchors (trust) - before;
  pem = motcua_trust_to_pem (trust);
  return motcua_store_set_state (store, MOTCUA_TRUST_STATE_KEY, pem, error);
}

gboolean
motcua_approval_seal (MotcuaStore *store, MotcuaSigner *signer, JsonObject *payload, GBytes **signature,
                      GError **error)
{
  g_autoptr(MotcuaTrust) trust = motcua_approval_load_trust (store, error);
  JsonObject *approval = json_object_get_object_member (payload, "approval");
  g_autoptr(GBytes) made = NULL;
  g_autoptr(MotcuaVerdict) verdict = NULL;
  g_autofree char *text = NULL;

  *signature = NULL;
  if (trust == NULL)
    return FALSE;
  if (signer == NULL)
    {
      if (motcua_trust_get_n_anchors (trust) == 0)
        return TRUE;
      g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_SIGNATURE,
                           _("An approval must be signed on this workstation: choose the signing key."));
      return FALSE;
    }
  if (motcua_trust_get_n_anchors (trust) == 0)
    {
      g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_SIGNATURE,
                           _("No trust anchors are configured, so a signature could not be checked. "
                             "Add the certificate authority first (motcua trust add FILE)."));
      return FALSE;
    }
  text = motcua_approval_to_text (approval);
  if ((made = motcua_signer_sign (signer, text, strlen (text), error)) == NULL)
    return FALSE;
  /* What this workstation writes, every reader must be able to verify. */
  verdict = motcua_approval_verify_signature (trust, approval, made);
  if (!motcua_verdict_is_valid (verdict))
    {
      g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_SIGNATURE, verdict->message);
      return FALSE;
    }
  *signature = g_steal_pointer (&made);
  return TRUE;
}
