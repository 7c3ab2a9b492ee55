/* motcua-store-users.h: who works at this workstation.
 *
 * Passwords (hashed, see motcua-auth.h), signing in with a rate limit kept in the
 * database, disabling accounts, and the delegation of a supervisor's signing
 * authority to a deputy for chosen procedures and days. The core enforces all of it,
 * so the command line and the window obey the same rules.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "motcua-store.h"

G_BEGIN_DECLS

/* Wrong attempts allowed before the account is locked; each further one doubles the
 * wait, from one minute up to an hour. */
#define MOTCUA_SIGN_IN_FREE_ATTEMPTS 5
#define MOTCUA_SIGN_IN_MAX_LOCK_MINUTES 60

typedef struct {
  gint64   id;
  char    *delegator;
  char    *delegator_name;
  char    *deputy;
  char    *deputy_name;
  char   **procedures;     /* procedure codes */
  char    *valid_from;     /* YYYY-MM-DD, inclusive, the agency's dates */
  char    *valid_to;
  char    *created_by;
  char    *revoked_at;     /* NULL while in force */
} MotcuaDelegation;

void motcua_delegation_free (MotcuaDelegation *delegation);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MotcuaDelegation, motcua_delegation_free)

/* Sets (or, with NULL, removes) the password or PIN of @username. */
gboolean    motcua_store_set_password        (MotcuaStore       *self,
                                              const char        *username,
                                              const char        *password,
                                              GError           **error);
gboolean    motcua_store_user_has_password   (MotcuaStore       *self,
                                              const char        *username,
                                              gboolean          *has_password,
                                              GError           **error);
/* The user, when @password is right, the account enabled and not locked; otherwise
 * NULL and @error says which in words ("wrong password", "locked for N minutes",
 * "disabled"). A user without a password (a profile older than passwords) signs in
 * with an empty one. @now NULL means now. */
MotcuaUser *motcua_store_authenticate        (MotcuaStore       *self,
                                              const char        *username,
                                              const char        *password,
                                              GDateTime         *now,
                                              GError           **error);
/* Adds @username with @role and, when not NULL, its password, all or nothing: a
 * user name not made as motcua_auth_check_username() says, or a password too weak
 * to accept, adds no user. */
gboolean    motcua_store_create_user         (MotcuaStore       *self,
                                              const char        *username,
                                              const char        *full_name,
                                              MotcuaRole         role,
                                              const char        *password,
                                              GError           **error);
gboolean    motcua_store_set_user_disabled   (MotcuaStore       *self,
                                              const char        *username,
                                              gboolean           disabled,
                                              GError           **error);
/* The user named @actor (NULL: the workstation's current user) when an administrator;
 * otherwise NULL and a refusal in @error. */
MotcuaUser *motcua_store_require_admin       (MotcuaStore       *self,
                                              const char        *actor,
                                              GError           **error);

/* Delegations. @actor must be the delegator or an administrator. */
gint64      motcua_store_add_delegation      (MotcuaStore       *self,
                                              const char        *actor,
                                              const char        *delegator,
                                              const char        *deputy,
                                              const char * const *procedures,
                                              const char        *valid_from,
                                              const char        *valid_to,
                                              GError           **error);
GPtrArray  *motcua_store_list_delegations    (MotcuaStore       *self,
                                              GError           **error);
gboolean    motcua_store_revoke_delegation   (MotcuaStore       *self,
                                              const char        *actor,
                                              gint64             id,
                                              GError           **error);

/* The authority @actor exercises taking @action on a dossier of @procedure_code at
 * @now: their own role, or, to approve, a supervisor's lent by a delegation in force
 * (returned in @delegation). FALSE with a reason naming why a delegation does not
 * apply (ended, not begun, another procedure, revoked); TRUE with the own role when
 * there is no delegation to speak of, so that the workflow gives its usual refusal. */
gboolean    motcua_store_effective_role      (MotcuaStore       *self,
                                              MotcuaUser        *actor,
                                              MotcuaAction       action,
                                              const char        *procedure_code,
                                              GDateTime         *now,
                                              MotcuaRole        *role,
                                              MotcuaDelegation **delegation,
                                              GError           **error);
/* Records in an approval's payload on whose behalf it was made. */
void        motcua_delegation_add_to_payload (MotcuaDelegation  *delegation,
                                              JsonObject        *payload);
/* "delegation" of an event payload: the delegator's name, or NULL. */
const char *motcua_payload_delegator_name    (JsonObject        *payload);

G_END_DECLS
