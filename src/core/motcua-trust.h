/* motcua-trust.h: the certificates an approval's signer must chain to.
 *
 * A workstation keeps its trust anchors (PEM) in the state key "signing.trust_anchors"
 * (`motcua trust add FILE`); the window may add those of the GSettings key
 * "trust-anchors"; the server keeps its own (`motcua-server admin trust-add FILE`).
 */
#pragma once

#include <glib.h>
#include <gnutls/x509.h>

G_BEGIN_DECLS

#define MOTCUA_TRUST_STATE_KEY "signing.trust_anchors"

typedef struct _MotcuaTrust MotcuaTrust;

MotcuaTrust      *motcua_trust_new               (void);
void              motcua_trust_free              (MotcuaTrust  *self);
/* One or more PEM certificates; FALSE with a clear error when there are none. */
gboolean          motcua_trust_add_pem           (MotcuaTrust  *self,
                                                  const char   *pem,
                                                  gsize         length,
                                                  GError      **error);
gboolean          motcua_trust_add_file          (MotcuaTrust  *self,
                                                  const char   *path,
                                                  GError      **error);
guint             motcua_trust_get_n_anchors     (MotcuaTrust  *self);
/* The anchors' subjects, in the order added. */
GPtrArray        *motcua_trust_list_subjects     (MotcuaTrust  *self);
/* All the anchors as PEM text, to store. */
char             *motcua_trust_to_pem            (MotcuaTrust  *self);
gnutls_x509_trust_list_t motcua_trust_get_list   (MotcuaTrust  *self);

/* Certificate facts, in one place for the signer and the verifier. */
char             *motcua_certificate_get_subject     (gnutls_x509_crt_t certificate);
char             *motcua_certificate_get_issuer      (gnutls_x509_crt_t certificate);
char             *motcua_certificate_get_common_name (gnutls_x509_crt_t certificate);
char             *motcua_certificate_get_sha256      (gnutls_x509_crt_t certificate);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MotcuaTrust, motcua_trust_free)

G_END_DECLS
