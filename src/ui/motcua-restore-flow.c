/* motcua-restore-flow.c: restoring a backup from the window. */

#include <glib/gi18n.h>
#include <sqlite3.h>

#include "motcua-backup.h"
#include "motcua-error.h"
#include "motcua-restore-flow.h"
#include "motcua-time.h"

/* A sync round still running when the window lets go may need its HTTP timeout. */
#define RELEASE_TIMEOUT_S 60

typedef struct {
  GtkWindow          *parent;
  char               *profile_path;
  char               *backup_path;
  gint64              pending;
  MotcuaBackupInfo    info;        /* of the backup, then of the restore */
  MotcuaRestoreHooks  hooks;
  gpointer            user_data;
} RestoreFlow;

static void
restore_flow_free (RestoreFlow *flow)
{
  g_clear_object (&flow->parent);
  g_free (flow->profile_path);
  g_free (flow->backup_path);
  motcua_backup_info_clear (&flow->info);
  g_free (flow);
}

static void
show_message (RestoreFlow *flow, const char *heading, const char *body)
{
  GtkWidget *dialog = adw_message_dialog_new (flow->parent, heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- 3. restore, once the window let go ------------------------------------------------ */

/* No other connection holds the profile once it can leave WAL mode: SQLite needs every
 * other connection closed for that. Closing a connection after its files were renamed
 * would delete the restored profile's WAL by name, so this must hold before renaming.
 * The store sets WAL again when it opens the profile. */
static gboolean
wait_until_released (const char *path, GError **error)
{
  gint64 until = g_get_monotonic_time () + RELEASE_TIMEOUT_S * G_USEC_PER_SEC;

  while (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      sqlite3 *db = NULL;
      int rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL);

      if (rc == SQLITE_OK)
        rc = sqlite3_exec (db, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
      sqlite3_close (db);
      /* A damaged profile is what restoring is for: no need to wait on it. */
      if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
        return TRUE;
      if (g_get_monotonic_time () > until)
        {
          g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_REFUSED,
                               _("The profile is still in use (a synchronisation or another program). Nothing "
                                 "was changed; try again in a moment."));
          return FALSE;
        }
      g_usleep (G_USEC_PER_SEC / 5);
    }
  return TRUE;
}

static void
restore_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  RestoreFlow *flow = task_data;
  GError *error = NULL;
  MotcuaBackupInfo info = { 0 };

  if (wait_until_released (flow->profile_path, &error)
      && motcua_backup_restore (flow->backup_path, flow->profile_path, MOTCUA_RESTORE_ALLOW_PENDING,
                                &info, &error))
    {
      motcua_backup_info_clear (&flow->info);
      flow->info = info;
      g_task_return_boolean (task, TRUE);
    }
  else
    g_task_return_error (task, error);
}

static void
restored (GObject *source, GAsyncResult *result, gpointer user_data)
{
  RestoreFlow *flow = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);

  /* The window was closed meanwhile: the restore (or not) stands, there is no one to tell. */
  if (!gtk_widget_get_visible (GTK_WIDGET (flow->parent)))
    return;
  flow->hooks.reopen (flow->user_data, flow->profile_path);
  if (!ok)
    {
      body = g_strdup_printf (_("%s\n\nThe profile was not changed."), error->message);
      show_message (flow, _("The Backup Was Not Restored"), body);
      return;
    }
  if (flow->info.previous_profile != NULL)
    body = g_strdup_printf (ngettext ("%'lld dossier restored. The profile it replaced is kept as %s; nothing "
                                      "of it was deleted.",
                                      "%'lld dossiers restored. The profile they replaced is kept as %s; "
                                      "nothing of it was deleted.", flow->info.dossiers),
                            (long long) flow->info.dossiers, flow->info.previous_profile);
  else
    body = g_strdup_printf (ngettext ("%'lld dossier restored.", "%'lld dossiers restored.", flow->info.dossiers),
                            (long long) flow->info.dossiers);
  show_message (flow, _("Backup Restored"), body);
}

static void
run_restore (RestoreFlow *flow)
{
  GTask *task = g_task_new (NULL, NULL, restored, NULL);

  g_task_set_source_tag (task, run_restore);
  g_task_set_task_data (task, flow, (GDestroyNotify) restore_flow_free);
  flow->hooks.release (flow->user_data);
  g_task_run_in_thread (task, restore_in_thread);
  g_object_unref (task);
}

/* ---- 2. what the backup holds, and asking ------------------------------------------------ */

static void
on_confirm_response (AdwMessageDialog *dialog, const char *response, RestoreFlow *flow)
{
  if (g_strcmp0 (response, "restore") == 0)
    run_restore (flow);
  else
    restore_flow_free (flow);
}

static char *
describe_backup (const MotcuaBackupInfo *info)
{
  g_autoptr(GDateTime) made = motcua_time_parse (info->created_at, NULL);
  g_autofree char *when = made ? g_date_time_format (made, "%H:%M %d/%m/%Y") : g_strdup ("—");
  g_autofree char *who = info->agency_name
                         ? g_strdup_printf ("%s (%s)", info->agency_name, info->agency_code)
                         : g_strdup (_("a workstation not yet set up"));

  return g_strdup_printf (_("Made at %s on %s: %'lld dossiers, %'lld journal events, %'lld attachments."),
                          when, who, (long long) info->dossiers, (long long) info->events,
                          (long long) info->attachments);
}

static void
ask (RestoreFlow *flow)
{
  g_autofree char *held = describe_backup (&flow->info);
  GString *body = g_string_new (held);
  GtkWidget *dialog;

  g_string_append (body, "\n\n");
  g_string_append (body, _("The current profile is replaced by the backup. It is kept aside, not deleted."));
  if (flow->pending > 0)
    {
      g_string_append (body, "\n\n");
      g_string_append_printf (body,
                              ngettext ("This workstation has %'lld event the server has not accepted yet. It "
                                        "will not be in the restored profile, but stays recoverable in the copy "
                                        "kept aside. Synchronise first if you can.",
                                        "This workstation has %'lld events the server has not accepted yet. They "
                                        "will not be in the restored profile, but stay recoverable in the copy "
                                        "kept aside. Synchronise first if you can.", flow->pending),
                              (long long) flow->pending);
    }
  dialog = adw_message_dialog_new (flow->parent, _("Restore This Backup?"), body->str);
  g_string_free (body, TRUE);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "restore", _("_Restore"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "restore", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (on_confirm_response), flow);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- 1. reading the whole backup first --------------------------------------------------- */

static void
inspect_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  RestoreFlow *flow = task_data;
  GError *error = NULL;

  if (motcua_backup_inspect (flow->backup_path, &flow->info, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
inspected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  RestoreFlow *flow = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;

  if (g_task_propagate_boolean (G_TASK (result), &error))
    {
      ask (flow);
      return;
    }
  body = g_strdup_printf (_("%s\n\nThe current profile was not touched."), error->message);
  show_message (flow, _("This File Cannot Be Restored"), body);
  restore_flow_free (flow);
}

void
motcua_restore_flow_start (GtkWindow                *parent,
                           MotcuaStore              *store,
                           const char               *backup_path,
                           const MotcuaRestoreHooks *hooks,
                           gpointer                  user_data)
{
  RestoreFlow *flow;
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (GTK_IS_WINDOW (parent));
  g_return_if_fail (MOTCUA_IS_STORE (store));
  g_return_if_fail (backup_path != NULL && hooks != NULL);

  flow = g_new0 (RestoreFlow, 1);
  flow->parent = g_object_ref (parent);
  flow->profile_path = g_strdup (motcua_store_get_path (store));
  flow->backup_path = g_strdup (backup_path);
  flow->pending = MAX (motcua_store_count_pending (store, NULL), 0);
  flow->hooks = *hooks;
  flow->user_data = user_data;

  /* The flow is freed by whichever step ends it, not with the task. */
  task = g_task_new (NULL, NULL, inspected, flow);
  g_task_set_source_tag (task, motcua_restore_flow_start);
  g_task_set_task_data (task, flow, NULL);
  g_task_run_in_thread (task, inspect_in_thread);
}
