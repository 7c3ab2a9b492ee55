/* motcua-signer.h: a supervisor's signing key and certificate.
 *
 * Leaders sign with USB tokens reached through a PKCS#11 module, or with a PKCS#12 file.
 * A signer is opened once (the PIN is given then: the login is the slow, failing part)
 * and then makes CMS (PKCS#7) detached signatures with SHA-256, the signer's
 * certificate and the signing time included. See docs/signatures.md.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _MotcuaSigner MotcuaSigner;

/* A certificate found on a token, for a UI to choose from. */
typedef struct {
  char *uri;           /* PKCS#11 URI of the certificate and its key (no type=) */
  char *label;         /* the object's label */
  char *token;         /* the token's label */
  char *subject;       /* the certificate's subject (RFC 4514) */
  char *common_name;   /* its CN, or the subject when it has none */
} MotcuaTokenCertificate;

void           motcua_token_certificate_free   (MotcuaTokenCertificate *certificate);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MotcuaTokenCertificate, motcua_token_certificate_free)

/* Makes @module (a PKCS#11 module's path) available; NULL uses the modules p11-kit is
 * configured with. Adding a module twice changes nothing. */
gboolean       motcua_signer_add_module         (const char   *module,
                                                 GError      **error);
/* Every certificate on every token of @module (NULL: p11-kit's). */
GPtrArray     *motcua_signer_list_token_certificates (const char *module,
                                                 GError      **error);

/* @uri is a PKCS#11 URI ("pkcs11:token=…;object=…") naming the key and its certificate
 * (same label or id). A wrong PIN fails with MOTCUA_ERROR_WRONG_PIN after one try (the
 * token is never asked again with the same PIN, so it cannot lock because of us), a
 * locked one with MOTCUA_ERROR_PIN_LOCKED. On the token's final try the PIN is not
 * sent at all (MOTCUA_ERROR_PIN_LOCKED): unlocking is for the token's own tool. */
MotcuaSigner  *motcua_signer_open_pkcs11        (const char   *module,
                                                 const char   *uri,
                                                 const char   *pin,
                                                 GError      **error);
/* A PKCS#12 (.p12, .pfx) file and its password. */
MotcuaSigner  *motcua_signer_open_pkcs12        (const char   *path,
                                                 const char   *password,
                                                 GError      **error);
/* A "pkcs11:" URI or the path of a PKCS#12 file. */
MotcuaSigner  *motcua_signer_open               (const char   *signer,
                                                 const char   *module,
                                                 const char   *pin,
                                                 GError      **error);
void           motcua_signer_free               (MotcuaSigner *self);

/* The first line of @path, without its line end (for --pin-file). */
char          *motcua_signer_read_pin_file      (const char   *path,
                                                 GError      **error);

const char    *motcua_signer_get_subject        (MotcuaSigner *self);
/* Hex SHA-256 of the certificate's DER form. */
const char    *motcua_signer_get_certificate_sha256 (MotcuaSigner *self);
/* The CMS SignedData (DER) over @data, which it does not contain. */
GBytes        *motcua_signer_sign               (MotcuaSigner *self,
                                                 const char   *data,
                                                 gsize         length,
                                                 GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MotcuaSigner, motcua_signer_free)

G_END_DECLS
