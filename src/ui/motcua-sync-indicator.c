/* motcua-sync-indicator.c: online or offline, what waits to be sent, when the last
 * sync succeeded, what needs attention — always in sight in the header bar, with the
 * details and "Sync Now" one click away.
 *
 * It only reflects MotcuaSync's properties; the engine decides when to sync.
 */

#include <glib/gi18n.h>

#include "motcua-sync-indicator.h"

struct _MotcuaSyncIndicator
{
  GtkWidget       parent_instance;

  /* Template widgets */
  GtkMenuButton  *button;
  GtkStack       *icon_stack;
  GtkImage       *status_icon;
  GtkSpinner     *spinner;
  GtkLabel       *short_label;
  GtkLabel       *title_label;
  GtkLabel       *message_label;
  GtkLabel       *server_label;
  GtkLabel       *last_label;
  GtkLabel       *pending_label;
  GtkProgressBar *progress_bar;
  GtkButton      *attention_button;
  GtkButton      *fetch_button;

  /* Owned */
  MotcuaSync     *sync;
};

enum {
  SHOW_ATTENTION,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MotcuaSyncIndicator, motcua_sync_indicator, GTK_TYPE_WIDGET)

/* ---- words ------------------------------------------------------------------------- */

static const char *
status_icon_name (MotcuaSyncStatus status)
{
  switch (status)
    {
    case MOTCUA_SYNC_STATUS_IDLE:
      return "emblem-ok-symbolic";
    case MOTCUA_SYNC_STATUS_AUTH_FAILED:
    case MOTCUA_SYNC_STATUS_SERVER_ERROR:
      return "dialog-warning-symbolic";
    case MOTCUA_SYNC_STATUS_SYNCING:
    case MOTCUA_SYNC_STATUS_UNREGISTERED:
    case MOTCUA_SYNC_STATUS_OFFLINE:
    default:
      return "network-offline-symbolic";
    }
}

static const char *
status_short_text (MotcuaSyncStatus status)
{
  switch (status)
    {
    case MOTCUA_SYNC_STATUS_UNREGISTERED:
      return _("Not connected");
    case MOTCUA_SYNC_STATUS_IDLE:
      return _("Synced");
    case MOTCUA_SYNC_STATUS_SYNCING:
      return _("Syncing…");
    case MOTCUA_SYNC_STATUS_OFFLINE:
      return _("Offline");
    case MOTCUA_SYNC_STATUS_AUTH_FAILED:
      return _("Server refused this workstation");
    case MOTCUA_SYNC_STATUS_SERVER_ERROR:
    default:
      return _("Server problem");
    }
}

static const char *
status_title (MotcuaSyncStatus status)
{
  switch (status)
    {
    case MOTCUA_SYNC_STATUS_UNREGISTERED:
      return _("This workstation is not connected to a ministry server");
    case MOTCUA_SYNC_STATUS_IDLE:
      return _("Connected to the ministry server");
    case MOTCUA_SYNC_STATUS_SYNCING:
      return _("Synchronising with the ministry server…");
    case MOTCUA_SYNC_STATUS_OFFLINE:
      return _("Working offline: changes are kept here and sent when the server can be reached");
    case MOTCUA_SYNC_STATUS_AUTH_FAILED:
      return _("The server no longer accepts this workstation: ask its administrator for a new enrolment code");
    case MOTCUA_SYNC_STATUS_SERVER_ERROR:
    default:
      return _("The server answered with an error: the next attempt is scheduled and nothing is lost");
    }
}

static char *
describe_last_success (const char *iso)
{
  g_autoptr(GDateTime) moment = iso ? g_date_time_new_from_iso8601 (iso, NULL) : NULL;
  g_autofree char *when = NULL;

  if (moment == NULL)
    return g_strdup (_("Never synchronised yet"));
  /* Translators: %s is a time and date such as 09:12, 23/11/2026 */
  when = g_date_time_format (moment, "%H:%M, %d/%m/%Y");
  return g_strdup_printf (_("Last successful sync: %s"), when);
}

static char *
describe_pending (gint64 pending)
{
  if (pending <= 0)
    return g_strdup (_("Everything has been sent"));
  return g_strdup_printf (ngettext ("%'lld change waiting to be sent", "%'lld changes waiting to be sent", pending),
                          (long long) pending);
}

/* ---- updating ---------------------------------------------------------------------- */

static char *
short_text (MotcuaSync *sync)
{
  MotcuaSyncStatus status = motcua_sync_get_status (sync);
  gint64 pending = motcua_sync_get_pending (sync);
  gint64 attention = motcua_sync_get_attention (sync);
  GString *text = g_string_new (status_short_text (status));

  if (pending > 0 && status != MOTCUA_SYNC_STATUS_SYNCING)
    /* Translators: appended to the sync state, e.g. "Offline · 3 waiting" */
    g_string_append_printf (text, _(" · %'lld waiting"), (long long) pending);
  if (attention > 0)
    /* Translators: appended to the sync state, e.g. "Synced · 1 to check" */
    g_string_append_printf (text, _(" · %'lld to check"), (long long) attention);
  return g_string_free (text, FALSE);
}

static void
update_progress (MotcuaSyncIndicator *self)
{
  double progress = motcua_sync_get_progress (self->sync);

  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), progress >= 0);
  if (progress >= 0)
    gtk_progress_bar_set_fraction (self->progress_bar, CLAMP (progress, 0, 1));
}

static void
update_attention (MotcuaSyncIndicator *self)
{
  gint64 attention = motcua_sync_get_attention (self->sync);
  g_autofree char *text = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->attention_button), attention > 0);
  if (attention <= 0)
    return;
  text = g_strdup_printf (ngettext ("Show the %'lld dossier that needs attention",
                                    "Show the %'lld dossiers that need attention", attention),
                          (long long) attention);
  gtk_button_set_label (self->attention_button, text);
}

static void
update (MotcuaSyncIndicator *self)
{
  MotcuaSyncStatus status;
  const char *message;
  const char *server;
  g_autofree char *summary = NULL;
  g_autofree char *last = NULL;
  g_autofree char *pending = NULL;

  if (self->sync == NULL)
    return;
  status = motcua_sync_get_status (self->sync);
  message = motcua_sync_get_message (self->sync);
  server = motcua_sync_get_server_url (self->sync);
  summary = short_text (self->sync);

  gtk_stack_set_visible_child_name (self->icon_stack, status == MOTCUA_SYNC_STATUS_SYNCING ? "spinner" : "icon");
  gtk_spinner_set_spinning (self->spinner, status == MOTCUA_SYNC_STATUS_SYNCING);
  gtk_image_set_from_icon_name (self->status_icon, status_icon_name (status));
  gtk_label_set_text (self->short_label, summary);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, summary, -1);

  gtk_label_set_text (self->title_label, status_title (status));
  gtk_label_set_text (self->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL && status != MOTCUA_SYNC_STATUS_IDLE);
  gtk_label_set_text (self->server_label, server ? server : _("No server"));
  last = describe_last_success (motcua_sync_get_last_success (self->sync));
  gtk_label_set_text (self->last_label, last);
  pending = describe_pending (motcua_sync_get_pending (self->sync));
  gtk_label_set_text (self->pending_label, pending);
  gtk_widget_set_sensitive (GTK_WIDGET (self->fetch_button), status != MOTCUA_SYNC_STATUS_UNREGISTERED);
  update_progress (self);
  update_attention (self);
}

static void
on_attention_clicked (MotcuaSyncIndicator *self)
{
  gtk_popover_popdown (gtk_menu_button_get_popover (self->button));
  g_signal_emit (self, signals[SHOW_ATTENTION], 0);
}

/* ---- object ------------------------------------------------------------------------ */

static void
motcua_sync_indicator_dispose (GObject *object)
{
  MotcuaSyncIndicator *self = (MotcuaSyncIndicator *) object;

  if (self->sync != NULL)
    g_signal_handlers_disconnect_by_data (self->sync, self);
  g_clear_object (&self->sync);
  gtk_widget_dispose_template (GTK_WIDGET (self), MOTCUA_TYPE_SYNC_INDICATOR);
  G_OBJECT_CLASS (motcua_sync_indicator_parent_class)->dispose (object);
}

static void
motcua_sync_indicator_class_init (MotcuaSyncIndicatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = motcua_sync_indicator_dispose;

  /* The window answers by showing the queue's "needs attention" view. */
  signals[SHOW_ATTENTION] = g_signal_new ("show-attention", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/motcua/Desk/motcua-sync-indicator.ui");
  gtk_widget_class_bind_template_child (widget_class, MotcuaSyncIndicator, button);
  gtk_widget_class_bind_template_child (widget_class, MotcuaSyncIndicator, icon_stack);
  gtk_widget_class_bind_template_child (widget_class, MotcuaSyncIndicator, status_icon);
  gtk_widget_class_bind_template_child (widget_class, MotcuaSyncIndicator, spinner);
  gtk_widget_class_bind_template_child (widget_class, MotcuaSyncIndicator, short_label);
  gtk_widget_class_bind_template_child (widget_class, MotcuaSyncIndicator, title_label);
  gtk_widget_class_bind_template_child (widget_class, MotcuaSyncIndicator, message_label);
  gtk_widget_class_bind_template_child (widget_class, MotcuaSyncIndicator, server_label);
  gtk_widget_class_bind_template_child (widget_class, MotcuaSyncIndicator, last_label);
  gtk_widget_class_bind_template_child (widget_class, MotcuaSyncIndicator, pending_label);
  gtk_widget_class_bind_template_child (widget_class, MotcuaSyncIndicator, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, MotcuaSyncIndicator, attention_button);
  gtk_widget_class_bind_template_child (widget_class, MotcuaSyncIndicator, fetch_button);
  gtk_widget_class_bind_template_callback (widget_class, on_attention_clicked);
}

static void
motcua_sync_indicator_init (MotcuaSyncIndicator *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Shown once there is a sync to speak for (motcua_sync_indicator_set_sync()). */
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

GtkWidget *
motcua_sync_indicator_new (void)
{
  return g_object_new (MOTCUA_TYPE_SYNC_INDICATOR, NULL);
}

void
motcua_sync_indicator_set_sync (MotcuaSyncIndicator *self, MotcuaSync *sync)
{
  g_return_if_fail (MOTCUA_IS_SYNC_INDICATOR (self));

  if (self->sync != NULL)
    g_signal_handlers_disconnect_by_data (self->sync, self);
  if (!g_set_object (&self->sync, sync))
    return;
  /* Before anyone signs in there is no status: no blank button for Tab to reach. */
  gtk_widget_set_visible (GTK_WIDGET (self), sync != NULL);
  if (sync == NULL)
    return;
  /* Every property feeds the same few labels: redrawing them all is simplest. */
  g_signal_connect_swapped (sync, "notify", G_CALLBACK (update), self);
  update (self);
}

const char *
motcua_sync_indicator_get_summary (MotcuaSyncIndicator *self)
{
  g_return_val_if_fail (MOTCUA_IS_SYNC_INDICATOR (self), NULL);
  return gtk_label_get_text (self->short_label);
}
