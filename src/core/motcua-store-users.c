/* motcua-store-users.c: passwords, sign-in with a rate limit, and delegations. */

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>

#include "motcua-auth.h"
#include "motcua-error.h"
#include "motcua-sqlite.h"
#include "motcua-store-users.h"
#include "motcua-time.h"

void
motcua_delegation_free (MotcuaDelegation *delegation)
{
  if (delegation == NULL)
    return;
  g_free (delegation->delegator);
  g_free (delegation->delegator_name);
  g_free (delegation->deputy);
  g_free (delegation->deputy_name);
  g_strfreev (delegation->procedures);
  g_free (delegation->valid_from);
  g_free (delegation->valid_to);
  g_free (delegation->created_by);
  g_free (delegation->revoked_at);
  g_free (delegation);
}

/* ---- passwords ------------------------------------------------------------------ */

/* Exactly one row changed, or "no such user". */
static gboolean
update_user (MotcuaStore *self, sqlite3_stmt *stmt, const char *username, GError **error)
{
  if (!motcua_store_step_done (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (motcua_store_get_db (self)) == 0)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_NOT_FOUND,
                   _("There is no user named “%s” on this workstation."), username ? username : "");
      return FALSE;
    }
  return TRUE;
}

gboolean
motcua_store_set_password (MotcuaStore *self, const char *username, const char *password, GError **error)
{
  g_autofree char *hash = NULL;
  sqlite3_stmt *stmt;

  if (password != NULL
      && (!motcua_auth_check_strength (password, error)
          || (hash = motcua_auth_hash_password (password, error)) == NULL))
    return FALSE;
  /* A new password also lifts a lock: the administrator has just vouched for the user. */
  stmt = motcua_store_prepare (self, "UPDATE users SET password_hash = ?, failed_attempts = 0, locked_until = NULL"
                                     " WHERE username = ?", error);
  if (stmt == NULL)
    return FALSE;
  motcua_sqlite_bind_text (stmt, 1, hash);
  motcua_sqlite_bind_text (stmt, 2, username);
  return update_user (self, stmt, username, error);
}

typedef struct {
  MotcuaUser *user;
  char       *password_hash;
  int         failed_attempts;
  char       *locked_until;
} Credentials;

static void
credentials_clear (Credentials *credentials)
{
  g_clear_pointer (&credentials->user, motcua_user_free);
  g_clear_pointer (&credentials->password_hash, g_free);
  g_clear_pointer (&credentials->locked_until, g_free);
}

static gboolean
get_credentials (MotcuaStore *self, const char *username, Credentials *out, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if ((out->user = motcua_store_get_user (self, username, error)) == NULL)
    return FALSE;
  stmt = motcua_store_prepare (self, "SELECT password_hash, failed_attempts, locked_until FROM users"
                                     " WHERE username = ?", error);
  if (stmt == NULL)
    return FALSE;
  motcua_sqlite_bind_text (stmt, 1, username);
  if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      out->password_hash = motcua_sqlite_column_text (stmt, 0);
      out->failed_attempts = sqlite3_column_int (stmt, 1);
      out->locked_until = motcua_sqlite_column_text (stmt, 2);
      rc = sqlite3_step (stmt);
    }
  return motcua_store_rows_done (self, stmt, rc, error);
}

gboolean
motcua_store_user_has_password (MotcuaStore *self, const char *username, gboolean *has_password,
                                GError **error)
{
  Credentials credentials = { 0 };
  gboolean ok = get_credentials (self, username, &credentials, error);

  *has_password = ok && credentials.password_hash != NULL;
  credentials_clear (&credentials);
  return ok;
}

/* Minutes (rounded up) until @locked_until, or 0 when it has passed. */
static gint64
minutes_locked (const char *locked_until, GDateTime *now)
{
  g_autoptr(GDateTime) until = locked_until ? motcua_time_parse (locked_until, NULL) : NULL;
  GTimeSpan left;

  if (until == NULL || (left = g_date_time_difference (until, now)) <= 0)
    return 0;
  return (left + G_TIME_SPAN_MINUTE - 1) / G_TIME_SPAN_MINUTE;
}

/* How long the @failures-th wrong attempt in a row locks the account: nothing for the
 * first few, then one minute doubling up to an hour. */
static int
lock_minutes (int failures)
{
  if (failures < MOTCUA_SIGN_IN_FREE_ATTEMPTS)
    return 0;
  return MIN (1 << MIN (failures - MOTCUA_SIGN_IN_FREE_ATTEMPTS, 6), MOTCUA_SIGN_IN_MAX_LOCK_MINUTES);
}

static gboolean
record_failure (MotcuaStore *self, const char *username, int failures, GDateTime *now, GError **error)
{
  g_autofree char *until_text = NULL;
  sqlite3_stmt *stmt;

  if (lock_minutes (failures) > 0)
    {
      g_autoptr(GDateTime) until = g_date_time_add_minutes (now, lock_minutes (failures));

      until_text = motcua_time_format (until);
    }
  stmt = motcua_store_prepare (self, "UPDATE users SET failed_attempts = ?, locked_until = ? WHERE username = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int (stmt, 1, failures);
  motcua_sqlite_bind_text (stmt, 2, until_text);
  motcua_sqlite_bind_text (stmt, 3, username);
  return motcua_store_step_done (self, stmt, error);
}

static gboolean
record_success (MotcuaStore *self, const char *username, const char *password, gboolean rehash, GError **error)
{
  sqlite3_stmt *stmt;

  /* A hash made with fewer iterations than today's is replaced while the password
   * is at hand: the only moment it can be. */
  if (rehash)
    return motcua_store_set_password (self, username, password, error);
  stmt = motcua_store_prepare (self, "UPDATE users SET failed_attempts = 0, locked_until = NULL"
                                     " WHERE username = ? AND failed_attempts > 0", error);
  if (stmt == NULL)
    return FALSE;
  motcua_sqlite_bind_text (stmt, 1, username);
  return motcua_store_step_done (self, stmt, error);
}

static void
set_locked_error (GError **error, const char *username, gint64 minutes)
{
  g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_PERMISSION,
               g_dngettext (GETTEXT_PACKAGE,
                            "Too many wrong attempts: the account %s is locked for %lld more minute.",
                            "Too many wrong attempts: the account %s is locked for %lld more minutes.",
                            (unsigned long) minutes),
               username, (long long) minutes);
}

MotcuaUser *
motcua_store_authenticate (MotcuaStore *self, const char *username, const char *password, GDateTime *now,
                           GError **error)
{
  g_autoptr(GDateTime) local_now = now ? g_date_time_ref (now) : motcua_time_now (NULL);
  Credentials credentials = { 0 };
  MotcuaUser *user = NULL;
  gboolean right;
  gint64 minutes;

  if (!get_credentials (self, username, &credentials, error))
    goto out;
  if (credentials.user->disabled)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_PERMISSION,
                   _("The account %s is disabled. Ask an administrator to enable it."), username);
      goto out;
    }
  if ((minutes = minutes_locked (credentials.locked_until, local_now)) > 0)
    {
      set_locked_error (error, username, minutes);
      goto out;
    }

  right = credentials.password_hash == NULL
          ? (password == NULL || *password == '\0')
          : motcua_auth_verify_password (credentials.password_hash, password);
  if (!right)
    {
      int failures = credentials.failed_attempts + 1;

      if (!record_failure (self, username, failures, local_now, error))
        goto out;
      if (lock_minutes (failures) > 0)
        set_locked_error (error, username, lock_minutes (failures));
      else
        g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_PERMISSION,
                     _("Wrong password for %s."), username);
      goto out;
    }
  if (!record_success (self, username, password,
                       credentials.password_hash != NULL && motcua_auth_needs_rehash (credentials.password_hash),
                       error))
    goto out;
  user = g_steal_pointer (&credentials.user);

out:
  credentials_clear (&credentials);
  return user;
}

gboolean
motcua_store_create_user (MotcuaStore *self, const char *username, const char *full_name, MotcuaRole role,
                          const char *password, GError **error)
{
  g_return_val_if_fail (MOTCUA_IS_STORE (self), FALSE);

  /* The name and password are judged first, so a refused one adds no user. */
  if (!motcua_auth_check_username (username, error)
      || (password != NULL && !motcua_auth_check_strength (password, error)))
    return FALSE;
  if (!motcua_store_begin (self, error))
    return FALSE;
  if (!motcua_store_add_user (self, username, full_name, role, error)
      || (password != NULL && !motcua_store_set_password (self, username, password, error))
      || !motcua_store_commit (self, error))
    {
      motcua_store_rollback (self);
      return FALSE;
    }
  return TRUE;
}

gboolean
motcua_store_set_user_disabled (MotcuaStore *self, const char *username, gboolean disabled, GError **error)
{
  sqlite3_stmt *stmt = motcua_store_prepare (self, "UPDATE users SET disabled = ? WHERE username = ?", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int (stmt, 1, disabled ? 1 : 0);
  motcua_sqlite_bind_text (stmt, 2, username);
  return update_user (self, stmt, username, error);
}

/* @actor, or the current user when NULL; enabled. */
static MotcuaUser *
get_actor (MotcuaStore *self, const char *actor, GError **error)
{
  g_autofree char *current = actor ? NULL : motcua_store_get_current_user (self, NULL);
  const char *username = actor ? actor : current;
  MotcuaUser *user;

  if (username == NULL)
    {
      g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_PERMISSION,
                           _("No user is signed in on this workstation. Name one with --as."));
      return NULL;
    }
  if ((user = motcua_store_get_user (self, username, error)) != NULL && user->disabled)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_PERMISSION, _("The account %s is disabled."), username);
      g_clear_pointer (&user, motcua_user_free);
    }
  return user;
}

MotcuaUser *
motcua_store_require_admin (MotcuaStore *self, const char *actor, GError **error)
{
  MotcuaUser *user = get_actor (self, actor, error);

  if (user != NULL && !(user->role & MOTCUA_ROLE_ADMIN))
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_PERMISSION,
                   _("Only an administrator may manage users; %s is a %s."),
                   user->username, motcua_role_label (user->role));
      g_clear_pointer (&user, motcua_user_free);
    }
  return user;
}

/* ---- delegations ------------------------------------------------------------------ */

/* "YYYY-MM-DD" naming a real day. */
static gboolean
parse_day (const char *text, GError **error)
{
  int year, month, day;
  char end;

  if (text != NULL && sscanf (text, "%4d-%2d-%2d%c", &year, &month, &day, &end) == 3
      && strlen (text) == 10 && g_date_valid_dmy (day, month, year))
    return TRUE;
  g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
               _("“%s” is not a date; write it as YYYY-MM-DD."), text ? text : "");
  return FALSE;
}

static gboolean
check_delegation (MotcuaStore *self, MotcuaUser *actor, MotcuaUser *delegator, MotcuaUser *deputy,
                  const char * const *procedures, const char *valid_from, const char *valid_to, GError **error)
{
  if (!(actor->role & MOTCUA_ROLE_ADMIN) && g_strcmp0 (actor->username, delegator->username) != 0)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_PERMISSION,
                   _("Only %s or an administrator may delegate %s’s authority."),
                   delegator->username, delegator->username);
      return FALSE;
    }
  if (!(delegator->role & MOTCUA_ROLE_SUPERVISOR))
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_PERMISSION,
                   _("Only a supervisor’s signing authority can be delegated; %s is a %s."),
                   delegator->username, motcua_role_label (delegator->role));
      return FALSE;
    }
  if (g_str_equal (delegator->username, deputy->username) || (deputy->role & MOTCUA_ROLE_ADMIN) || deputy->disabled)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                   _("%s cannot be a deputy: a deputy is another enabled member of staff, not an administrator."),
                   deputy->username);
      return FALSE;
    }
  if (procedures == NULL || procedures[0] == NULL)
    {
      g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                           _("Name the procedures the delegation covers."));
      return FALSE;
    }
  for (guint i = 0; procedures[i] != NULL; i++)
    {
      g_autoptr(MotcuaProcedure) procedure = motcua_store_get_procedure (self, procedures[i], error);

      if (procedure == NULL)
        return FALSE;
    }
  if (!parse_day (valid_from, error) || !parse_day (valid_to, error))
    return FALSE;
  if (strcmp (valid_from, valid_to) > 0)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                   _("The delegation would end (%s) before it begins (%s)."), valid_to, valid_from);
      return FALSE;
    }
  return TRUE;
}

gint64
motcua_store_add_delegation (MotcuaStore *self, const char *actor, const char *delegator, const char *deputy,
                             const char * const *procedures, const char *valid_from, const char *valid_to,
                             GError **error)
{
  g_autoptr(MotcuaUser) acting = NULL;
  g_autoptr(MotcuaUser) from = NULL;
  g_autoptr(MotcuaUser) to = NULL;
  g_autoptr(GDateTime) now = motcua_time_now (NULL);
  g_autofree char *now_text = motcua_time_format (now);
  g_autofree char *codes = NULL;
  sqlite3_stmt *stmt;

  if ((acting = get_actor (self, actor, error)) == NULL
      || (from = motcua_store_get_user (self, delegator, error)) == NULL
      || (to = motcua_store_get_user (self, deputy, error)) == NULL
      || !check_delegation (self, acting, from, to, procedures, valid_from, valid_to, error))
    return 0;

  codes = g_strjoinv (",", (char **) procedures);
  stmt = motcua_store_prepare (self, "INSERT INTO delegations (delegator, deputy, procedures, valid_from, valid_to,"
                                     " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return 0;
  motcua_sqlite_bind_text (stmt, 1, delegator);
  motcua_sqlite_bind_text (stmt, 2, deputy);
  motcua_sqlite_bind_text (stmt, 3, codes);
  motcua_sqlite_bind_text (stmt, 4, valid_from);
  motcua_sqlite_bind_text (stmt, 5, valid_to);
  motcua_sqlite_bind_text (stmt, 6, acting->username);
  motcua_sqlite_bind_text (stmt, 7, now_text);
  if (!motcua_store_step_done (self, stmt, error))
    return 0;
  return sqlite3_last_insert_rowid (motcua_store_get_db (self));
}

#define DELEGATION_COLUMNS \
  "SELECT d.id, d.delegator, a.full_name, d.deputy, b.full_name, d.procedures, d.valid_from, d.valid_to," \
  " d.created_by, d.revoked_at FROM delegations d" \
  " JOIN users a ON a.username = d.delegator JOIN users b ON b.username = d.deputy"

static MotcuaDelegation *
delegation_from_row (sqlite3_stmt *stmt)
{
  MotcuaDelegation *delegation = g_new0 (MotcuaDelegation, 1);
  g_autofree char *codes = motcua_sqlite_column_text (stmt, 5);

  delegation->id = sqlite3_column_int64 (stmt, 0);
  delegation->delegator = motcua_sqlite_column_text (stmt, 1);
  delegation->delegator_name = motcua_sqlite_column_text (stmt, 2);
  delegation->deputy = motcua_sqlite_column_text (stmt, 3);
  delegation->deputy_name = motcua_sqlite_column_text (stmt, 4);
  delegation->procedures = g_strsplit (codes ? codes : "", ",", -1);
  delegation->valid_from = motcua_sqlite_column_text (stmt, 6);
  delegation->valid_to = motcua_sqlite_column_text (stmt, 7);
  delegation->created_by = motcua_sqlite_column_text (stmt, 8);
  delegation->revoked_at = motcua_sqlite_column_text (stmt, 9);
  return delegation;
}

/* Delegations of @deputy (NULL: everyone's), newest first. */
static GPtrArray *
query_delegations (MotcuaStore *self, const char *deputy, GError **error)
{
  sqlite3_stmt *stmt = motcua_store_prepare (self, DELEGATION_COLUMNS
                                             " WHERE ?1 IS NULL OR d.deputy = ?1 ORDER BY d.id DESC", error);
  g_autoptr(GPtrArray) delegations = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  motcua_sqlite_bind_text (stmt, 1, deputy);
  delegations = g_ptr_array_new_with_free_func ((GDestroyNotify) motcua_delegation_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (delegations, delegation_from_row (stmt));
  if (!motcua_store_rows_done (self, stmt, rc, error))
    return NULL;
  return g_steal_pointer (&delegations);
}

GPtrArray *
motcua_store_list_delegations (MotcuaStore *self, GError **error)
{
  return query_delegations (self, NULL, error);
}

gboolean
motcua_store_revoke_delegation (MotcuaStore *self, const char *actor, gint64 id, GError **error)
{
  g_autoptr(MotcuaUser) acting = get_actor (self, actor, error);
  g_autoptr(GDateTime) now = motcua_time_now (NULL);
  g_autofree char *now_text = motcua_time_format (now);
  sqlite3_stmt *stmt;

  if (acting == NULL)
    return FALSE;
  /* The delegator or an administrator; a delegation already revoked stays as it was. */
  stmt = motcua_store_prepare (self, "UPDATE delegations SET revoked_at = ?1 WHERE id = ?2 AND revoked_at IS NULL"
                                     " AND (delegator = ?3 OR ?4)", error);
  if (stmt == NULL)
    return FALSE;
  motcua_sqlite_bind_text (stmt, 1, now_text);
  sqlite3_bind_int64 (stmt, 2, id);
  motcua_sqlite_bind_text (stmt, 3, acting->username);
  sqlite3_bind_int (stmt, 4, (acting->role & MOTCUA_ROLE_ADMIN) != 0);
  if (!motcua_store_step_done (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (motcua_store_get_db (self)) == 0)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_NOT_FOUND,
                   _("There is no delegation %lld in force that %s may revoke."), (long long) id, acting->username);
      return FALSE;
    }
  return TRUE;
}

static gboolean
covers (MotcuaDelegation *delegation, const char *procedure_code)
{
  return procedure_code != NULL && g_strv_contains ((const char * const *) delegation->procedures, procedure_code);
}

/* Why @delegation does not let its deputy approve a dossier of @procedure_code on
 * @today; NULL when it does. */
static char *
delegation_refusal (MotcuaStore *self, MotcuaDelegation *delegation, const char *procedure_code, const char *today)
{
  g_autoptr(MotcuaUser) delegator = motcua_store_get_user (self, delegation->delegator, NULL);

  if (delegation->revoked_at != NULL)
    return g_strdup_printf (_("The delegation from %s was revoked."), delegation->delegator_name);
  if (delegator == NULL || delegator->disabled || !(delegator->role & MOTCUA_ROLE_SUPERVISOR))
    return g_strdup_printf (_("%s no longer holds the authority delegated."), delegation->delegator_name);
  if (strcmp (today, delegation->valid_to) > 0)
    return g_strdup_printf (_("The delegation from %s ended on %s."), delegation->delegator_name, delegation->valid_to);
  if (strcmp (today, delegation->valid_from) < 0)
    return g_strdup_printf (_("The delegation from %s begins on %s."), delegation->delegator_name,
                            delegation->valid_from);
  if (!covers (delegation, procedure_code))
    {
      g_autofree char *codes = g_strjoinv (", ", delegation->procedures);

      return g_strdup_printf (_("The delegation from %s covers only the procedures %s, not %s."),
                              delegation->delegator_name, codes, procedure_code ? procedure_code : "—");
    }
  return NULL;
}

gboolean
motcua_store_effective_role (MotcuaStore *self, MotcuaUser *actor, MotcuaAction action, const char *procedure_code,
                             GDateTime *now, MotcuaRole *role, MotcuaDelegation **delegation, GError **error)
{
  g_autoptr(GPtrArray) delegations = NULL;
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *first_refusal = NULL;
  gboolean refusal_covers = FALSE;

  *role = actor->role;
  *delegation = NULL;
  if (action != MOTCUA_ACTION_APPROVE || (actor->role & MOTCUA_ROLE_SUPERVISOR))
    return TRUE;
  if ((delegations = query_delegations (self, actor->username, error)) == NULL)
    return FALSE;
  for (guint i = 0; i < delegations->len; i++)
    {
      MotcuaDelegation *candidate = g_ptr_array_index (delegations, i);
      g_autofree char *refusal = delegation_refusal (self, candidate, procedure_code, today);

      if (refusal == NULL)
        {
          *role = MOTCUA_ROLE_SUPERVISOR;
          *delegation = g_ptr_array_steal_index (delegations, i);
          return TRUE;
        }
      /* The reason worth telling is that of a delegation for this very procedure
       * (ended, revoked…), before that of one for other procedures. */
      if (first_refusal == NULL
          || (!refusal_covers && covers (candidate, procedure_code)))
        {
          g_free (first_refusal);
          first_refusal = g_steal_pointer (&refusal);
          refusal_covers = covers (candidate, procedure_code);
        }
    }
  if (first_refusal != NULL)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_PERMISSION,
                   _("%s may not approve on behalf of a supervisor: %s"), actor->username, first_refusal);
      return FALSE;
    }
  return TRUE;
}

void
motcua_delegation_add_to_payload (MotcuaDelegation *delegation, JsonObject *payload)
{
  JsonObject *on_behalf = json_object_new ();

  json_object_set_int_member (on_behalf, "id", delegation->id);
  json_object_set_string_member (on_behalf, "delegator", delegation->delegator);
  json_object_set_string_member (on_behalf, "delegator_name", delegation->delegator_name);
  json_object_set_string_member (on_behalf, "deputy", delegation->deputy);
  json_object_set_string_member (on_behalf, "valid_from", delegation->valid_from);
  json_object_set_string_member (on_behalf, "valid_to", delegation->valid_to);
  json_object_set_object_member (payload, "delegation", on_behalf);
}

const char *
motcua_payload_delegator_name (JsonObject *payload)
{
  JsonObject *on_behalf;

  if (payload == NULL || !json_object_has_member (payload, "delegation")
      || (on_behalf = json_object_get_object_member (payload, "delegation")) == NULL)
    return NULL;
  return json_object_get_string_member_with_default (on_behalf, "delegator_name", NULL);
}
