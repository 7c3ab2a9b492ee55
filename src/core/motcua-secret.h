/* motcua-secret.h: the device token in the desktop keyring.
 *
 * The token the server gave at enrolment lets anyone who holds it write into the
 * agency's journal, so it belongs in the keyring (the Secret Service, through
 * libsecret), not in the profile's database where every backup copies it. Where no
 * keyring answers (no D-Bus session, no keyring daemon: a bare server, CI), it stays
 * in the profile's state ("sync.token") and callers say so; it moves to the keyring as
 * soon as one answers. Every function here may block on D-Bus: call them from a worker
 * thread (as sync rounds are) or the command line, never from the window's main loop.
 */
#pragma once

#include <gio/gio.h>

#include "motcua-store.h"

G_BEGIN_DECLS

typedef enum {
  MOTCUA_SECRET_NOWHERE,    /* no token at all: register again */
  MOTCUA_SECRET_KEYRING,    /* in the desktop keyring */
  MOTCUA_SECRET_PROFILE,    /* fallback: in the profile's database */
} MotcuaSecretPlace;

/* "nowhere", "keyring", "profile" (machine-readable, for --json). */
const char        *motcua_secret_place_to_string        (MotcuaSecretPlace   place);

/* The device token of @store's profile for the server it is registered with, or NULL
 * (with @place NOWHERE) when there is none. A token still in the profile's state moves
 * to the keyring first when one answers. @notice (nullable): a translated sentence
 * saying why the token is in the profile's database, NULL when it is not. */
char              *motcua_secret_get_device_token       (MotcuaStore        *store,
                                                         MotcuaSecretPlace  *place,
                                                         char              **notice,
                                                         GError            **error);

/* Moves a token that registration left in the profile's state to the keyring (dropping
 * other servers' tokens of this profile there). Nothing to do is success. Returns
 * where the token is now; @notice as above. */
MotcuaSecretPlace  motcua_secret_secure_device_token    (MotcuaStore        *store,
                                                         char              **notice,
                                                         GError            **error);

/* Removes this profile's tokens from the keyring and the profile's state. */
gboolean           motcua_secret_forget_device_token    (MotcuaStore        *store,
                                                         GError            **error);

/* Whether a Secret Service answers on the session bus; @notice (nullable) as above when
 * not. Blocking, store-less: what the preferences show. */
gboolean           motcua_secret_keyring_available      (char              **notice);

G_END_DECLS
