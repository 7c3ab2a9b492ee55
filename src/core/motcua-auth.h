/* motcua-auth.h: passwords and PINs of the workstation's users.
 *
 * Only a slow, salted hash is stored (PBKDF2-HMAC-SHA-256 from GnuTLS), as one
 * self-describing string "pbkdf2-sha256$ITERATIONS$SALT$HASH" (salt and hash in
 * base64), so the number of iterations can rise later without breaking old hashes.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What new hashes use; older hashes keep their own count until the next sign-in. */
#define MOTCUA_AUTH_ITERATIONS 120000
/* Shortest password or PIN accepted (a PIN is a password of digits). */
#define MOTCUA_AUTH_MIN_LENGTH 6

/* The encoded hash of @password with a fresh random salt; NULL with @error when the
 * random generator or the hash fails. */
char     *motcua_auth_hash_password    (const char  *password,
                                        GError     **error);
/* Whether @password matches @encoded (constant-time comparison). A malformed
 * @encoded matches nothing. */
gboolean  motcua_auth_verify_password  (const char  *encoded,
                                        const char  *password);
/* Whether @encoded was made with fewer iterations than new hashes use. */
gboolean  motcua_auth_needs_rehash     (const char  *encoded);
/* Refuses passwords too short to protect anything, with a message saying why. */
gboolean  motcua_auth_check_strength   (const char  *password,
                                        GError     **error);
/* A new password as typed twice: strong enough, and the same both times. */
gboolean  motcua_auth_check_new_password (const char *password,
                                          const char *repeated,
                                          GError    **error);
/* User names are lowercase ASCII letters, digits, dots, dashes and underscores: they
 * are typed at sign-in on any keyboard and printed in the journal. */
gboolean  motcua_auth_check_username   (const char  *username,
                                        GError     **error);

G_END_DECLS
