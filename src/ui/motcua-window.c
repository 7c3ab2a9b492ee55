/* motcua-window.c: the three panes and the window's actions. */

#include <glib/gi18n.h>
#include <string.h>

#include "motcua-backup.h"
#include "motcua-dashboard-window.h"
#include "motcua-demo.h"
#include "motcua-error.h"
#include "motcua-first-run.h"
#include "motcua-dossier-editor.h"
#include "motcua-focus.h"
#include "motcua-pdf-view.h"
#include "motcua-preferences-window.h"
#include "motcua-queue-pane.h"
#include "motcua-receive-dialog.h"
#include "motcua-restore-flow.h"
#include "motcua-application.h"
#include "motcua-sign-in-page.h"
#include "motcua-store-users.h"
#include "motcua-sync-indicator.h"
#include "motcua-window.h"

struct _MotcuaWindow
{
  AdwApplicationWindow parent_instance;

  /* Template widgets */
  AdwToastOverlay     *toast_overlay;
  AdwWindowTitle      *window_title;
  GtkStack            *stack;
  GtkPaned            *outer_paned;
  GtkPaned            *inner_paned;
  MotcuaQueuePane     *queue_pane;
  MotcuaDossierEditor *editor;
  MotcuaPdfView       *pdf_view;
  AdwStatusPage       *error_page;
  GtkLabel            *user_label;
  GtkWidget           *receive_button;
  GtkWidget           *search_button;
  GtkWidget           *user_button;
  MotcuaSyncIndicator *sync_indicator;
  MotcuaSignInPage    *sign_in_page;
  MotcuaFirstRun      *first_run;

  /* Owned */
  MotcuaStore         *store;
  MotcuaSync          *sync;
  GSettings           *settings;
  GCancellable        *cancellable;
  int                  viewer_min_width;

  /* Who is at the keyboard */
  gboolean             session_open;   /* panes shown at least once */
  gint64               last_activity;  /* monotonic µs of the last input */
  guint                idle_source;
  GPtrArray           *hidden_dialogs; /* GtkWindow: open over the panes when locked */
  char                *hidden_for;     /* the user they were open for */
};

G_DEFINE_FINAL_TYPE (MotcuaWindow, motcua_window, ADW_TYPE_APPLICATION_WINDOW)

void
motcua_window_show_toast (MotcuaWindow *self, const char *message)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

void
motcua_window_open_dossier (MotcuaWindow *self, const char *code)
{
  motcua_queue_pane_select_code (self->queue_pane, code);
  motcua_dossier_editor_show_dossier (self->editor, code);
}

GtkWidget *
motcua_window_get_queue_pane (MotcuaWindow *self)
{
  return GTK_WIDGET (self->queue_pane);
}

GtkWidget *
motcua_window_get_editor (MotcuaWindow *self)
{
  return GTK_WIDGET (self->editor);
}

GtkWidget *
motcua_window_get_pdf_view (MotcuaWindow *self)
{
  return GTK_WIDGET (self->pdf_view);
}

/* ---- who and where ---------------------------------------------------------- */

static void
update_identity (MotcuaWindow *self)
{
  g_autoptr(MotcuaAgency) agency = motcua_store_get_agency (self->store, NULL);
  g_autofree char *username = motcua_store_get_current_user (self->store, NULL);
  g_autoptr(MotcuaUser) user = username ? motcua_store_get_user (self->store, username, NULL) : NULL;

  adw_window_title_set_subtitle (self->window_title, agency ? agency->name : "");
  if (user != NULL)
    {
      g_autofree char *text = g_strdup_printf ("%s (%s)", user->full_name, motcua_role_label (user->role));
      gtk_label_set_text (self->user_label, text);
    }
  else
    gtk_label_set_text (self->user_label, _("No user is signed in"));
}

/* ---- sync ------------------------------------------------------------------------ */

/* A round brought other workstations' work (or moved ours): the queue and the open
 * dossier show it. Drafts in the editor survive a reload. */
static void
on_synced (MotcuaWindow *self)
{
  motcua_queue_pane_reload (self->queue_pane);
  if (motcua_dossier_editor_get_code (self->editor) != NULL)
    motcua_dossier_editor_show_dossier (self->editor, motcua_dossier_editor_get_code (self->editor));
}

static void
start_sync (MotcuaWindow *self)
{
  if (self->sync != NULL)
    return;
  self->sync = motcua_sync_new (self->store);
  motcua_sync_indicator_set_sync (self->sync_indicator, self->sync);
  g_signal_connect_object (self->sync, "journal-changed", G_CALLBACK (on_synced), self, G_CONNECT_SWAPPED);
  motcua_sync_start_auto (self->sync);
}

/* After the clerk saved something: count it as waiting, and send it soon. */
static void
local_change (MotcuaWindow *self)
{
  if (self->sync == NULL)
    return;
  motcua_sync_refresh_counts (self->sync);
  motcua_sync_request (self->sync);
}

static void
on_show_attention (MotcuaWindow *self)
{
  motcua_queue_pane_set_filter (self->queue_pane, MOTCUA_QUEUE_FILTER_ATTENTION);
}

static void
sync_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  MotcuaWindow *self = MOTCUA_WINDOW (widget);

  if (self->sync != NULL)
    motcua_sync_request (self->sync);
}

static void
fetch_all_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;
  guint n_fetched = 0;

  if (motcua_sync_fetch_all_blobs (MOTCUA_SYNC (task_data), cancellable, &n_fetched, &error))
    g_task_return_int (task, n_fetched);
  else
    g_task_return_error (task, error);
}

static void
fetched_all (GObject *source, GAsyncResult *result, gpointer user_data)
{
  MotcuaWindow *self = MOTCUA_WINDOW (source);
  g_autoptr(GError) error = NULL;
  gssize n_fetched = g_task_propagate_int (G_TASK (result), &error);
  g_autofree char *message = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    message = g_strdup_printf (_("Could not download every attachment: %s"), error->message);
  else
    message = g_strdup_printf (ngettext ("%'lld attachment downloaded: every document is now available offline",
                                         "%'lld attachments downloaded: every document is now available offline",
                                         n_fetched), (long long) n_fetched);
  motcua_window_show_toast (self, message);
}

/* Before an offline trip: every attachment of every dossier onto this machine. */
static void
fetch_attachments_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  MotcuaWindow *self = MOTCUA_WINDOW (widget);
  g_autoptr(GTask) task = NULL;

  if (self->sync == NULL)
    return;
  motcua_window_show_toast (self, _("Downloading attachments for offline work…"));
  task = g_task_new (self, self->cancellable, fetched_all, NULL);
  g_task_set_source_tag (task, fetch_attachments_action);
  g_task_set_task_data (task, g_object_ref (self->sync), g_object_unref);
  g_task_run_in_thread (task, fetch_all_in_thread);
}

static void set_session_actions (MotcuaWindow *self, gboolean open);
static void restore_dialogs     (MotcuaWindow *self);

static void
show_panes (MotcuaWindow *self)
{
  if (!self->session_open)
    {
      motcua_queue_pane_set_store (self->queue_pane, self->store);
      motcua_dossier_editor_set_store (self->editor, self->store);
      self->session_open = TRUE;
    }
  else if (motcua_dossier_editor_get_code (self->editor) != NULL)
    /* Another user may take other actions: the open dossier offers theirs. */
    motcua_dossier_editor_show_dossier (self->editor, motcua_dossier_editor_get_code (self->editor));
  update_identity (self);
  gtk_stack_set_visible_child_name (self->stack, "panes");
  restore_dialogs (self);
  set_session_actions (self, TRUE);
  self->last_activity = g_get_monotonic_time ();
  start_sync (self);
}

/* ---- who is at the keyboard ---------------------------------------------------- */

/* The office's settings and a restore over the whole profile are an administrator's;
 * the indicators are for supervisors (and administrators). The menu only offers what
 * the signed-in user may do. */
static void
set_role_actions (MotcuaWindow *self)
{
  g_autofree char *username = motcua_store_get_current_user (self->store, NULL);
  g_autoptr(MotcuaUser) user = username ? motcua_store_get_user (self->store, username, NULL) : NULL;
  MotcuaRole role = user != NULL && !user->disabled ? user->role : MOTCUA_ROLE_NONE;
  gboolean admin = (role & MOTCUA_ROLE_ADMIN) != 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.preferences", admin);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.restore", admin);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.dashboard",
                                 admin || (role & MOTCUA_ROLE_SUPERVISOR) != 0);
}

static void
set_session_actions (MotcuaWindow *self, gboolean open)
{
  static const char * const actions[] = {
    "win.receive", "win.search", "win.next-dossier", "win.previous-dossier", "win.open-attachment", "win.print-slip",
    "win.backup", "win.fetch-attachments", "win.lock", "win.switch-user",
    "win.dashboard", "win.preferences", "win.restore",
  };

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), actions[i], open);
  /* Signed out, the header bar offers nothing to do but greyed buttons: it shows
   * only the office, its connection and the main menu. */
  gtk_widget_set_visible (self->receive_button, open);
  gtk_widget_set_visible (self->search_button, open);
  gtk_widget_set_visible (self->user_button, open);
  if (open)
    set_role_actions (self);
}

/* The signed-in user is the workstation's current user: every action of the editor,
 * the reception dialog and the command line is then theirs. */
static void
on_signed_in (MotcuaSignInPage *page, const char *username, MotcuaWindow *self)
{
  g_autoptr(GError) error = NULL;

  if (!motcua_store_set_state (self->store, "current_user", username, &error))
    {
      motcua_window_show_toast (self, error->message);
      return;
    }
  show_panes (self);
}

/* A reception dialog left open holds a citizen's data: it hides with the panes and
 * comes back, as it was, when the session goes on. */
static void
hide_dialogs (MotcuaWindow *self)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (gtk_window_get_transient_for (window) == GTK_WINDOW (self) && gtk_widget_get_visible (GTK_WIDGET (window)))
        g_ptr_array_add (self->hidden_dialogs, g_object_ref (window));
    }
  for (guint i = 0; i < self->hidden_dialogs->len; i++)
    gtk_widget_set_visible (g_ptr_array_index (self->hidden_dialogs, i), FALSE);
  if (self->hidden_for == NULL)
    self->hidden_for = motcua_store_get_current_user (self->store, NULL);
}

/* Back for the same user; another user does not inherit someone's half-filled form. */
static void
restore_dialogs (MotcuaWindow *self)
{
  g_autofree char *current = motcua_store_get_current_user (self->store, NULL);
  gboolean same_user = g_strcmp0 (current, self->hidden_for) == 0;

  for (guint i = 0; i < self->hidden_dialogs->len; i++)
    {
      GtkWindow *dialog = g_ptr_array_index (self->hidden_dialogs, i);

      if (same_user)
        gtk_window_present (dialog);
      else
        gtk_window_destroy (dialog);
    }
  g_ptr_array_set_size (self->hidden_dialogs, 0);
  g_clear_pointer (&self->hidden_for, g_free);
}

static void on_switch_user        (MotcuaSignInPage *page,
                                   MotcuaWindow     *self);
static void on_first_run_finished (MotcuaFirstRun   *first_run,
                                   const char       *username,
                                   MotcuaWindow     *self);

/* The sign-in page and the first-run assistant are made when first needed: most
 * windows open on a profile whose user needs no password, and building pages nobody
 * sees would only delay the first frame. */
static void
ensure_sign_in_page (MotcuaWindow *self)
{
  if (self->sign_in_page != NULL)
    return;
  self->sign_in_page = MOTCUA_SIGN_IN_PAGE (motcua_sign_in_page_new ());
  g_signal_connect_object (self->sign_in_page, "signed-in", G_CALLBACK (on_signed_in), self, 0);
  g_signal_connect_object (self->sign_in_page, "switch-user", G_CALLBACK (on_switch_user), self, 0);
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->sign_in_page), "sign-in");
}

static void
show_first_run (MotcuaWindow *self)
{
  if (self->first_run == NULL)
    {
      self->first_run = MOTCUA_FIRST_RUN (motcua_first_run_new ());
      g_signal_connect_object (self->first_run, "finished", G_CALLBACK (on_first_run_finished), self, 0);
      gtk_stack_add_named (self->stack, GTK_WIDGET (self->first_run), "setup");
    }
  motcua_first_run_start (self->first_run, self->store);
  gtk_stack_set_visible_child_name (self->stack, "setup");
}

static void
show_sign_in (MotcuaWindow *self, const char *locked_user)
{
  /* Nothing of the dossiers shows while the page is up; drafts stay in the editor. */
  if (self->session_open)
    hide_dialogs (self);
  ensure_sign_in_page (self);
  motcua_sign_in_page_set_store (self->sign_in_page, self->store);
  if (locked_user != NULL)
    motcua_sign_in_page_unlock (self->sign_in_page, locked_user);
  else
    {
      g_autofree char *current = motcua_store_get_current_user (self->store, NULL);
      motcua_sign_in_page_choose (self->sign_in_page, current);
    }
  set_session_actions (self, FALSE);
  gtk_stack_set_visible_child_name (self->stack, "sign-in");
  motcua_sign_in_page_focus (self->sign_in_page);
}

void
motcua_window_lock (MotcuaWindow *self)
{
  g_autofree char *current = NULL;

  g_return_if_fail (MOTCUA_IS_WINDOW (self));
  if (!self->session_open || g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "panes") != 0)
    return;
  current = motcua_store_get_current_user (self->store, NULL);
  show_sign_in (self, current);
}

gboolean
motcua_window_is_locked (MotcuaWindow *self)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "sign-in") == 0;
}

/* A profile made before passwords (or a demo without the demo PIN) has its current
 * user without one: it opens straight into the window, as it always did. Otherwise
 * someone signs in. */
static void
begin_session (MotcuaWindow *self)
{
  g_autofree char *current = motcua_store_get_current_user (self->store, NULL);
  g_autoptr(MotcuaUser) user = current ? motcua_store_get_user (self->store, current, NULL) : NULL;
  gboolean has_password = TRUE;

  if (user != NULL && !user->disabled
      && motcua_store_user_has_password (self->store, current, &has_password, NULL) && !has_password)
    show_panes (self);
  else
    show_sign_in (self, NULL);
}

static void
lock_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  motcua_window_lock (MOTCUA_WINDOW (widget));
}

static void
switch_confirmed (AdwMessageDialog *dialog, const char *response, MotcuaWindow *self)
{
  if (g_strcmp0 (response, "switch") == 0)
    show_sign_in (self, NULL);
}

/* Work not yet sent belongs to the workstation, not to the user: it stays, and goes
 * at the next sync whoever signs in. Asked first, so nobody fears losing it. */
static void
request_switch_user (MotcuaWindow *self)
{
  g_autofree char *server = motcua_store_get_state (self->store, "sync.server_url", NULL);
  /* Without a server everything stays here anyway: nothing is "not yet sent". */
  gint64 pending = server != NULL ? MAX (motcua_store_count_pending (self->store, NULL), 0) : 0;
  AdwMessageDialog *dialog;

  if (pending == 0)
    {
      show_sign_in (self, NULL);
      return;
    }
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Switch User?"), NULL));
  adw_message_dialog_format_body (dialog,
                                  ngettext ("%lld action is not yet sent to the server. It stays on this workstation "
                                            "and will be sent at the next sync, whoever signs in.",
                                            "%lld actions are not yet sent to the server. They stay on this "
                                            "workstation and will be sent at the next sync, whoever signs in.",
                                            (unsigned long) pending),
                                  (long long) pending);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "switch", _("_Switch User"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "switch", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "switch");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (switch_confirmed), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
switch_user_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  request_switch_user (MOTCUA_WINDOW (widget));
}

static void
on_switch_user (MotcuaSignInPage *page, MotcuaWindow *self)
{
  request_switch_user (self);
}

/* Typing or moving the pointer counts as presence (a click comes with a move); the
 * check below runs twice a minute. Plain observers: a legacy controller in the capture
 * phase would see everything but disturbs buttons' keyboard activation. */
static void
note_presence (MotcuaWindow *self)
{
  self->last_activity = g_get_monotonic_time ();
}

static gboolean
on_key_pressed (MotcuaWindow *self)
{
  note_presence (self);
  return GDK_EVENT_PROPAGATE;
}

static void
watch_presence (MotcuaWindow *self)
{
  GtkEventController *keys = gtk_event_controller_key_new ();
  GtkEventController *motion = gtk_event_controller_motion_new ();

  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (keys, "key-pressed", G_CALLBACK (on_key_pressed), self);
  g_signal_connect_swapped (motion, "motion", G_CALLBACK (note_presence), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
}

void
motcua_window_check_idle (MotcuaWindow *self, gint64 now)
{
  guint minutes = g_settings_get_uint (self->settings, "lock-after-minutes");

  if (minutes > 0 && now - self->last_activity >= (gint64) minutes * G_TIME_SPAN_MINUTE)
    motcua_window_lock (self);
}

static gboolean
check_idle (gpointer data)
{
  motcua_window_check_idle (data, g_get_monotonic_time ());
  return G_SOURCE_CONTINUE;
}

/* ---- signals from the panes ---------------------------------------------------- */

static void on_width_changed (MotcuaWindow *self);
static gboolean is_narrow (MotcuaWindow *self);

static void
on_dossier_selected (MotcuaQueuePane *pane, const char *code, MotcuaWindow *self)
{
  if (g_strcmp0 (code, motcua_dossier_editor_get_code (self->editor)) != 0)
    {
      motcua_dossier_editor_show_dossier (self->editor, code);
      /* The editor is at least as wide as the code it now shows. */
      on_width_changed (self);
      /* A dossier with nothing to show says so, and how to add its papers when the
       * user may. */
      if (motcua_dossier_editor_get_n_attachments (self->editor) > 0)
        motcua_pdf_view_clear (self->pdf_view);
      else if (motcua_dossier_editor_can_attach (self->editor))
        motcua_pdf_view_show_empty (self->pdf_view, _("No Attachments Yet"),
                                    _("Add the scanned papers with “Add File…” or “Digitise Paper…”, "
                                      "or drop files on the dossier"));
      else
        motcua_pdf_view_show_empty (self->pdf_view, _("No Attachments"), _("No files are attached to this dossier"));
      /* A leader reviewing a draft sees it beside the dossier at once; anyone else
       * the dossier's first document, the scan a clerk checks the form against, when
       * the viewer pane is there to show it (a narrow window would open a window). */
      if (!motcua_dossier_editor_open_result (self->editor) && !is_narrow (self))
        motcua_dossier_editor_preview_attachment (self->editor, 0);
    }
}

/* A scan just digitised or a file just added is shown, so the clerk sees at once
 * that it is the right one: beside the dossier, never in a window of its own. */
static void
on_files_attached (MotcuaWindow *self)
{
  if (!is_narrow (self))
    motcua_dossier_editor_preview_attachment (self->editor, -1);
}

/* Below the width the three panes need side by side, the viewer pane gives its room
 * to the queue and the editor, and documents open in a window of their own: squeezed
 * under its own minimum, the viewer would be cut off at the window's edge, its search
 * and rotate buttons out of reach. Never below this width, whatever the panes. */
#define NARROW_WIDTH 1000
/* The paned separators, and a pixel to spare. */
#define HANDLES_WIDTH 4

/* The viewer's minimum, remembered while it is shown: a hidden widget measures 0. */
static int
viewer_min_width (MotcuaWindow *self)
{
  if (gtk_widget_get_visible (GTK_WIDGET (self->pdf_view)))
    gtk_widget_measure (GTK_WIDGET (self->pdf_view), GTK_ORIENTATION_HORIZONTAL, -1,
                        &self->viewer_min_width, NULL, NULL, NULL);
  return self->viewer_min_width;
}

/* The queue as wide as the clerk made it, the editor and the viewer at their narrowest:
 * longer words (Vietnamese) or larger text need more. */
static int
three_panes_width (MotcuaWindow *self)
{
  int editor_min = 0;

  gtk_widget_measure (GTK_WIDGET (self->editor), GTK_ORIENTATION_HORIZONTAL, -1, &editor_min, NULL, NULL, NULL);
  return gtk_paned_get_position (self->outer_paned) + editor_min + viewer_min_width (self) + HANDLES_WIDTH;
}

static gboolean
is_narrow (MotcuaWindow *self)
{
  int width, height;

  /* The default size follows the user's resizing, and is already the new size when
   * "notify::default-width" arrives (the allocation is not yet). GTK 4.8 needs both
   * pointers. */
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  if (width <= 0 || gtk_window_is_maximized (GTK_WINDOW (self)))
    width = gtk_widget_get_width (GTK_WIDGET (self));
  return width > 0 && width < MAX (NARROW_WIDTH, three_panes_width (self));
}

static void
on_width_changed (MotcuaWindow *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->pdf_view), !is_narrow (self));
}

static void
open_document_window (MotcuaWindow *self, const char *path, const char *mime_type, const char *name)
{
  GtkWidget *window = adw_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *viewer = motcua_pdf_view_new ();

  gtk_window_set_title (GTK_WINDOW (window), name);
  gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (self));
  motcua_focus_install (GTK_WINDOW (window));
  gtk_window_set_default_size (GTK_WINDOW (window), 720, 820);
  gtk_widget_set_vexpand (viewer, TRUE);
  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), viewer);
  adw_window_set_content (ADW_WINDOW (window), box);
  motcua_pdf_view_load_file (MOTCUA_PDF_VIEW (viewer), path, mime_type);
  gtk_window_present (GTK_WINDOW (window));
}

static void
show_document (MotcuaWindow *self, const char *path, const char *mime_type, const char *name)
{
  if (is_narrow (self))
    open_document_window (self, path, mime_type, name);
  else
    motcua_pdf_view_load_file (self->pdf_view, path, mime_type);
}

typedef struct {
  char *path;
  char *mime_type;
  char *name;
} PendingDocument;

static void
pending_document_free (PendingDocument *document)
{
  g_free (document->path);
  g_free (document->mime_type);
  g_free (document->name);
  g_free (document);
}

static void
blob_fetched (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  MotcuaWindow *self = g_task_get_source_object (task);
  PendingDocument *document = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (motcua_sync_fetch_blob_finish (MOTCUA_SYNC (source), result, &error))
    {
      show_document (self, document->path, document->mime_type, document->name);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  message = g_strdup_printf (_("“%s” is not on this workstation yet and could not be downloaded: %s"),
                             document->name, error->message);
  motcua_window_show_toast (self, message);
}

/* Another workstation's attachment: its bytes come from the server on first use. */
static void
on_attachment_activated (MotcuaDossierEditor *editor, const char *path, const char *mime_type,
                         const char *name, MotcuaWindow *self)
{
  g_autofree char *sha256 = NULL;
  PendingDocument *document;
  GTask *task;

  if (g_file_test (path, G_FILE_TEST_EXISTS) || self->sync == NULL)
    {
      show_document (self, path, mime_type, name);
      return;
    }
  sha256 = g_path_get_basename (path);
  document = g_new0 (PendingDocument, 1);
  document->path = g_strdup (path);
  document->mime_type = g_strdup (mime_type);
  document->name = g_strdup (name);
  task = g_task_new (self, self->cancellable, NULL, NULL);
  g_task_set_source_tag (task, on_attachment_activated);
  g_task_set_task_data (task, document, (GDestroyNotify) pending_document_free);
  motcua_sync_fetch_blob_async (self->sync, sha256, self->cancellable, blob_fetched, task);
}

static void
on_dossier_changed (MotcuaDossierEditor *editor, const char *code, MotcuaWindow *self)
{
  motcua_queue_pane_reload (self->queue_pane);
  local_change (self);
}

static void
on_editor_toast (MotcuaDossierEditor *editor, const char *message, MotcuaWindow *self)
{
  motcua_window_show_toast (self, message);
}

static void
on_received (MotcuaReceiveDialog *dialog, const char *code, MotcuaWindow *self)
{
  g_autofree char *message = g_strdup_printf (_("Dossier %s received"), code);

  motcua_queue_pane_reload (self->queue_pane);
  motcua_window_open_dossier (self, code);
  motcua_window_show_toast (self, message);
  local_change (self);
}

/* ---- actions ---------------------------------------------------------------- */

static gboolean
panes_shown (MotcuaWindow *self)
{
  /* No store while a backup is being restored. */
  return self->store != NULL && g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "panes") == 0;
}

static void
receive_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  MotcuaWindow *self = MOTCUA_WINDOW (widget);
  MotcuaReceiveDialog *dialog;

  if (!panes_shown (self))
    return;
  dialog = motcua_receive_dialog_new (GTK_WINDOW (self), self->store);
  g_signal_connect_object (dialog, "received", G_CALLBACK (on_received), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Control+F searches where the clerk is reading: the document, while focus is in the
 * viewer. GTK handles the application's accelerators before any widget's own keys,
 * so the viewer never sees Control+F itself. */
static void
search_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  MotcuaWindow *self = MOTCUA_WINDOW (widget);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  GtkWidget *viewer = GTK_WIDGET (self->pdf_view);

  if (focus != NULL && (focus == viewer || gtk_widget_is_ancestor (focus, viewer))
      && motcua_pdf_view_begin_find (self->pdf_view))
    return;
  motcua_queue_pane_focus_search (self->queue_pane);
}

static void
next_dossier_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  MotcuaWindow *self = MOTCUA_WINDOW (widget);

  if (g_str_equal (name, "win.next-dossier"))
    motcua_queue_pane_select_next (self->queue_pane);
  else
    motcua_queue_pane_select_previous (self->queue_pane);
}

static void
open_attachment_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  motcua_dossier_editor_open_attachment (MOTCUA_WINDOW (widget)->editor);
}

/* The slips of the shown dossier, chosen with the arrow keys: the receipt the
 * applicant takes away, without reaching for the mouse. */
static void
print_slip_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  motcua_dossier_editor_show_print_menu (MOTCUA_WINDOW (widget)->editor);
}

/* win.zoom-in → pdf.zoom-in on the viewer, so the shortcuts work wherever focus is. */
static void
viewer_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  MotcuaWindow *self = MOTCUA_WINDOW (widget);
  g_autofree char *viewer_name = g_strconcat ("pdf.", name + strlen ("win."), NULL);

  gtk_widget_activate_action (GTK_WIDGET (self->pdf_view), viewer_name, NULL);
}

/* The assistant made the profile and its administrator, now the current user. */
static void
on_first_run_finished (MotcuaFirstRun *first_run, const char *username, MotcuaWindow *self)
{
  show_panes (self);
}

/* ---- backup ----------------------------------------------------------------------- */

/* On a connection of its own: the window goes on reading and writing meanwhile, and
 * SQLite's online backup still takes one consistent picture. */
static void
backup_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  const char * const *paths = task_data;
  g_auto(MotcuaBackupInfo) info = { 0 };
  GError *error = NULL;
  g_autoptr(MotcuaStore) store = motcua_store_open (paths[0], &error);

  if (store != NULL && motcua_backup_write (store, paths[1], cancellable, &info, &error))
    g_task_return_int (task, info.dossiers);
  else
    g_task_return_error (task, error);
}

static void
backed_up (GObject *source, GAsyncResult *result, gpointer user_data)
{
  MotcuaWindow *self = MOTCUA_WINDOW (source);
  g_autoptr(GError) error = NULL;
  gssize dossiers = g_task_propagate_int (G_TASK (result), &error);
  g_autofree char *message = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    message = g_strdup_printf (_("The backup was not made: %s"), error->message);
  else
    message = g_strdup_printf (ngettext ("Backup saved: %'lld dossier, its journal and attachments",
                                         "Backup saved: %'lld dossiers, their journal and attachments", dossiers),
                               (long long) dossiers);
  motcua_window_show_toast (self, message);
}

/* The local file a native chooser's "response" chose, or NULL; the chooser goes. */
static char *
take_chosen_path (GtkNativeDialog *chooser, int response)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_object_unref (chooser);
  return file != NULL ? g_file_get_path (file) : NULL;
}

static void
backup_chosen (GtkNativeDialog *chooser, int response, MotcuaWindow *self)
{
  g_autofree char *path = take_chosen_path (chooser, response);

  if (path != NULL)
    motcua_window_back_up (self, path);
}

void
motcua_window_back_up (MotcuaWindow *self, const char *path)
{
  g_autoptr(GTask) task = NULL;
  char **paths;

  g_return_if_fail (MOTCUA_IS_WINDOW (self));
  g_return_if_fail (self->store != NULL);

  paths = g_new0 (char *, 3);
  paths[0] = g_strdup (motcua_store_get_path (self->store));
  paths[1] = g_strdup (path);
  motcua_window_show_toast (self, _("Backing up this workstation…"));
  task = g_task_new (self, self->cancellable, backed_up, NULL);
  g_task_set_source_tag (task, motcua_window_back_up);
  g_task_set_task_data (task, paths, (GDestroyNotify) g_strfreev);
  g_task_run_in_thread (task, backup_in_thread);
}

static void
backup_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  MotcuaWindow *self = MOTCUA_WINDOW (widget);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M");
  g_autofree char *suggested = g_strdup_printf ("motcua-%s.motcua-backup", stamp);
  GtkFileChooserNative *chooser;

  if (self->store == NULL || !panes_shown (self))
    return;
  chooser = gtk_file_chooser_native_new (_("Back Up This Workstation"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), suggested);
  g_signal_connect (chooser, "response", G_CALLBACK (backup_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
dashboard_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  MotcuaWindow *self = MOTCUA_WINDOW (widget);

  if (self->store != NULL && panes_shown (self))
    gtk_window_present (GTK_WINDOW (motcua_dashboard_window_new (GTK_WINDOW (self), self->store)));
}

/* ---- preferences ------------------------------------------------------------------ */

static void
preferences_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  MotcuaWindow *self = MOTCUA_WINDOW (widget);
  MotcuaPreferencesWindow *preferences;

  if (self->store == NULL)
    return;
  preferences = motcua_preferences_window_new (GTK_WINDOW (self), self->store);
  g_signal_connect_object (preferences, "office-changed", G_CALLBACK (update_identity), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (preferences, "server-changed", G_CALLBACK (local_change), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (preferences));
}

/* ---- restore ---------------------------------------------------------------------- */

/* Every reference to the profile goes, so that its connections close before the
 * restore renames its files; the window waits, insensitive. */
static void
release_profile (gpointer user_data)
{
  MotcuaWindow *self = user_data;
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  gtk_widget_set_sensitive (GTK_WIDGET (self->stack), FALSE);
  g_cancellable_cancel (self->cancellable);
  g_set_object (&self->cancellable, g_cancellable_new ());
  motcua_sync_indicator_set_sync (self->sync_indicator, NULL);
  g_clear_object (&self->sync);
  motcua_queue_pane_set_store (self->queue_pane, NULL);
  motcua_dossier_editor_set_store (self->editor, NULL);
  self->session_open = FALSE;
  motcua_pdf_view_clear (self->pdf_view);
  if (MOTCUA_IS_APPLICATION (app))
    motcua_application_set_store (MOTCUA_APPLICATION (app), NULL);
  g_clear_object (&self->store);
}

static void
reopen_profile (gpointer user_data, const char *path)
{
  MotcuaWindow *self = user_data;
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  g_autoptr(GError) error = NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->stack), TRUE);
  self->store = motcua_store_open (path, &error);
  if (self->store == NULL)
    {
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }
  if (MOTCUA_IS_APPLICATION (app))
    motcua_application_set_store (MOTCUA_APPLICATION (app), self->store);
  /* The restored profile has its own users: whoever works on must sign in to it. */
  if (motcua_first_run_is_needed (self->store))
    show_first_run (self);
  else
    begin_session (self);
}

void
motcua_window_restore_from (MotcuaWindow *self, const char *path)
{
  static const MotcuaRestoreHooks hooks = { release_profile, reopen_profile };

  g_return_if_fail (MOTCUA_IS_WINDOW (self));
  g_return_if_fail (path != NULL);

  if (panes_shown (self))
    motcua_restore_flow_start (GTK_WINDOW (self), self->store, path, &hooks, self);
}

static void
restore_chosen (GtkNativeDialog *chooser, int response, MotcuaWindow *self)
{
  g_autofree char *path = take_chosen_path (chooser, response);

  if (path != NULL)
    motcua_window_restore_from (self, path);
}

static void
restore_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  MotcuaWindow *self = MOTCUA_WINDOW (widget);
  GtkFileChooserNative *chooser;

  if (!panes_shown (self))
    return;
  chooser = gtk_file_chooser_native_new (_("Restore From Backup"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  g_signal_connect (chooser, "response", G_CALLBACK (restore_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ---- window state -------------------------------------------------------------- */

static void
motcua_window_dispose (GObject *object)
{
  MotcuaWindow *self = (MotcuaWindow *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->idle_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), MOTCUA_TYPE_WINDOW);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->sync);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->hidden_dialogs, g_ptr_array_unref);
  g_clear_pointer (&self->hidden_for, g_free);
  G_OBJECT_CLASS (motcua_window_parent_class)->dispose (object);
}

static gboolean
motcua_window_close_request (GtkWindow *window)
{
  MotcuaWindow *self = MOTCUA_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  g_settings_set_int (self->settings, "queue-width", gtk_paned_get_position (self->outer_paned));
  g_settings_set_int (self->settings, "editor-width", gtk_paned_get_position (self->inner_paned));
  return GTK_WINDOW_CLASS (motcua_window_parent_class)->close_request (window);
}

static void
restore_state (MotcuaWindow *self)
{
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  gtk_paned_set_position (self->outer_paned, g_settings_get_int (self->settings, "queue-width"));
  gtk_paned_set_position (self->inner_paned, g_settings_get_int (self->settings, "editor-width"));
}

static void
motcua_window_class_init (MotcuaWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = motcua_window_dispose;
  window_class->close_request = motcua_window_close_request;

  g_type_ensure (MOTCUA_TYPE_QUEUE_PANE);
  g_type_ensure (MOTCUA_TYPE_DOSSIER_EDITOR);
  g_type_ensure (MOTCUA_TYPE_PDF_VIEW);
  g_type_ensure (MOTCUA_TYPE_SYNC_INDICATOR);
  g_type_ensure (MOTCUA_TYPE_SIGN_IN_PAGE);
  g_type_ensure (MOTCUA_TYPE_FIRST_RUN);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/motcua/Desk/motcua-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MotcuaWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, MotcuaWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, MotcuaWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, MotcuaWindow, outer_paned);
  gtk_widget_class_bind_template_child (widget_class, MotcuaWindow, inner_paned);
  gtk_widget_class_bind_template_child (widget_class, MotcuaWindow, queue_pane);
  gtk_widget_class_bind_template_child (widget_class, MotcuaWindow, editor);
  gtk_widget_class_bind_template_child (widget_class, MotcuaWindow, pdf_view);
  gtk_widget_class_bind_template_child (widget_class, MotcuaWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, MotcuaWindow, user_label);
  gtk_widget_class_bind_template_child (widget_class, MotcuaWindow, receive_button);
  gtk_widget_class_bind_template_child (widget_class, MotcuaWindow, search_button);
  gtk_widget_class_bind_template_child (widget_class, MotcuaWindow, user_button);
  gtk_widget_class_bind_template_child (widget_class, MotcuaWindow, sync_indicator);
  gtk_widget_class_bind_template_callback (widget_class, on_show_attention);

  gtk_widget_class_install_action (widget_class, "win.receive", NULL, receive_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.next-dossier", NULL, next_dossier_action);
  gtk_widget_class_install_action (widget_class, "win.previous-dossier", NULL, next_dossier_action);
  gtk_widget_class_install_action (widget_class, "win.open-attachment", NULL, open_attachment_action);
  gtk_widget_class_install_action (widget_class, "win.print-slip", NULL, print_slip_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-in", NULL, viewer_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-out", NULL, viewer_action);
  gtk_widget_class_install_action (widget_class, "win.fit-width", NULL, viewer_action);
  gtk_widget_class_install_action (widget_class, "win.fit-page", NULL, viewer_action);
  gtk_widget_class_install_action (widget_class, "win.sync", NULL, sync_action);
  gtk_widget_class_install_action (widget_class, "win.fetch-attachments", NULL, fetch_attachments_action);
  gtk_widget_class_install_action (widget_class, "win.backup", NULL, backup_action);
  gtk_widget_class_install_action (widget_class, "win.dashboard", NULL, dashboard_action);
  gtk_widget_class_install_action (widget_class, "win.restore", NULL, restore_action);
  gtk_widget_class_install_action (widget_class, "win.preferences", NULL, preferences_action);
  gtk_widget_class_install_action (widget_class, "win.lock", NULL, lock_action);
  gtk_widget_class_install_action (widget_class, "win.switch-user", NULL, switch_user_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.receive", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Down, GDK_CONTROL_MASK, "win.next-dossier", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Up, GDK_CONTROL_MASK, "win.previous-dossier", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open-attachment", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "win.print-slip", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK, "win.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK, "win.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK, "win.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK, "win.fit-width", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.sync", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_comma, GDK_CONTROL_MASK, "win.preferences", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK, "win.lock", NULL);
}

static void
motcua_window_init (MotcuaWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  motcua_focus_install (GTK_WINDOW (self));
  self->settings = g_settings_new (APPLICATION_ID);
  self->cancellable = g_cancellable_new ();
  self->hidden_dialogs = g_ptr_array_new_with_free_func (g_object_unref);
  restore_state (self);

  g_signal_connect_object (self->queue_pane, "dossier-selected", G_CALLBACK (on_dossier_selected), self, 0);
  g_signal_connect_object (self->queue_pane, "dossier-activated", G_CALLBACK (on_dossier_selected), self, 0);
  g_signal_connect_object (self->editor, "attachment-activated", G_CALLBACK (on_attachment_activated), self, 0);
  g_signal_connect_object (self->editor, "dossier-changed", G_CALLBACK (on_dossier_changed), self, 0);
  g_signal_connect_object (self->editor, "files-attached", G_CALLBACK (on_files_attached), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->editor, "toast", G_CALLBACK (on_editor_toast), self, 0);
  g_signal_connect (self, "notify::default-width", G_CALLBACK (on_width_changed), NULL);
  on_width_changed (self);

  watch_presence (self);
  self->last_activity = g_get_monotonic_time ();
  self->idle_source = g_timeout_add_seconds (30, check_idle, self);
  set_session_actions (self, FALSE);
}

/* GTK 4.8 titles the shortcuts window with its own "Shortcuts" and "Search Results",
 * which its Vietnamese catalog lacks: the window's title label and the search's are
 * the two labels of its header bar's title stack. */
static void
translate_shortcuts_window (MotcuaWindow *self)
{
  GtkShortcutsWindow *overlay = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (self));
  GtkWidget *header = overlay ? gtk_window_get_titlebar (GTK_WINDOW (overlay)) : NULL;
  GtkWidget *titles = GTK_IS_HEADER_BAR (header) ? gtk_header_bar_get_title_widget (GTK_HEADER_BAR (header)) : NULL;
  GtkWidget *title = GTK_IS_STACK (titles) ? gtk_stack_get_child_by_name (GTK_STACK (titles), "title") : NULL;
  GtkWidget *search = GTK_IS_STACK (titles) ? gtk_stack_get_child_by_name (GTK_STACK (titles), "search") : NULL;

  if (GTK_IS_LABEL (title))
    gtk_label_set_text (GTK_LABEL (title), _("Keyboard Shortcuts"));
  if (GTK_IS_LABEL (search))
    gtk_label_set_text (GTK_LABEL (search), _("Search Results"));
}

MotcuaWindow *
motcua_window_new (GtkApplication *app, MotcuaStore *store, const GError *open_error)
{
  MotcuaWindow *self = g_object_new (MOTCUA_TYPE_WINDOW, "application", app, NULL);

  translate_shortcuts_window (self);

  if (store == NULL)
    {
      adw_status_page_set_description (self->error_page, open_error ? open_error->message : NULL);
      gtk_stack_set_visible_child_name (self->stack, "error");
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.receive", FALSE);
      return self;
    }

  self->store = g_object_ref (store);
  if (motcua_first_run_is_needed (store))
    show_first_run (self);
  else
    begin_session (self);
  return self;
}
