/* motcua-queue-pane.c: the queue a clerk works from all day.
 *
 * A search entry, the views (filters) with their live counts, the sort, and a
 * GtkListView over MotcuaDossierList, which reads only the pages on screen. The counts
 * are taken in a worker thread: at 200,000 dossiers "mine" alone reads every open
 * dossier's journal, and the window must not wait for it.
 */

#include <adwaita.h>
#include <glib/gi18n.h>
#include <string.h>

#include "motcua-focus.h"
#include "motcua-queue-pane.h"
#include "motcua-time.h"

/* How often the counts and the remaining times move on by themselves. */
#define TICK_SECONDS 60
/* GtkListView (4.8) keeps up to 200 rows, and a few at its edges. */
#define MAX_SPARE_ROWS 210
/* How long after the first counts the search index is read ahead. */
#define WARM_DELAY_SECONDS 2

/* ---- rows that stay put -------------------------------------------------------------
 *
 * GtkListView (GTK 4.8) keeps up to 200 rows alive, and builds every row's widgets
 * anew whenever the item at its position is a different object: with MotcuaDossierList
 * re-read on each keystroke, that was 200 rows destroyed and built per letter typed
 * (30 ms and more). So the view shows slots, one per position, which stay the same
 * objects across re-reads; a slot changes the dossier it holds, and its row follows
 * through notify::dossier. Only a change in length adds or removes rows, at the end.
 * It also keeps the view where it was after a reload.
 *
 * And 200 rows are what the view builds whatever the screen shows: a tenth of a
 * second on the first frame, and on every search that narrows or widens. So the slots
 * show a window of the list, WINDOW_STEP rows at first, which grows as the clerk
 * scrolls towards its end (or jumps to a dossier further down). The summary line says
 * how many dossiers the list really holds.
 */

/* About two screens of rows; a taller view grows the window until it is full. */
#define WINDOW_STEP 16

#define QUEUE_TYPE_SLOT (queue_slot_get_type ())
G_DECLARE_FINAL_TYPE (QueueSlot, queue_slot, QUEUE, SLOT, GObject)

struct _QueueSlot
{
  GObject        parent_instance;
  MotcuaDossier *dossier;
  guint          position;
};

G_DEFINE_FINAL_TYPE (QueueSlot, queue_slot, G_TYPE_OBJECT)

static GParamSpec *slot_dossier_pspec;

static void
queue_slot_finalize (GObject *object)
{
  g_clear_object (&QUEUE_SLOT (object)->dossier);
  G_OBJECT_CLASS (queue_slot_parent_class)->finalize (object);
}

static void
queue_slot_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  g_value_set_object (value, QUEUE_SLOT (object)->dossier);
}

static void
queue_slot_class_init (QueueSlotClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = queue_slot_finalize;
  G_OBJECT_CLASS (klass)->get_property = queue_slot_get_property;
  /* Read-only: the slots model changes it, and notifies. */
  slot_dossier_pspec = g_param_spec_object ("dossier", NULL, NULL, MOTCUA_TYPE_DOSSIER,
                                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_property (G_OBJECT_CLASS (klass), 1, slot_dossier_pspec);
}

static void
queue_slot_init (QueueSlot *self)
{
}

static void
queue_slot_set_dossier (QueueSlot *self, MotcuaDossier *dossier)
{
  if (g_set_object (&self->dossier, dossier))
    g_object_notify_by_pspec (G_OBJECT (self), slot_dossier_pspec);
}

#define QUEUE_TYPE_SLOTS (queue_slots_get_type ())
G_DECLARE_FINAL_TYPE (QueueSlots, queue_slots, QUEUE, SLOTS, GObject)

struct _QueueSlots
{
  GObject     parent_instance;
  GListModel *source;   /* MotcuaDossierList */
  GHashTable *live;     /* position → QueueSlot someone holds (not referenced) */
  guint       n_items;  /* what the view is shown: the source's, at most limit */
  guint       limit;
};

static void queue_slots_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (QueueSlots, queue_slots, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, queue_slots_model_init))

/* The slot is being finalized: its fields are still there to read. */
static void
slot_gone (gpointer data, GObject *where_the_slot_was)
{
  QueueSlots *self = data;
  gpointer key = GUINT_TO_POINTER (QUEUE_SLOT (where_the_slot_was)->position);

  if (g_hash_table_lookup (self->live, key) == (gpointer) where_the_slot_was)
    g_hash_table_remove (self->live, key);
}

static void
forget_slot (gpointer key, gpointer slot, gpointer self)
{
  g_object_weak_unref (slot, slot_gone, self);
}

static void
queue_slots_finalize (GObject *object)
{
  QueueSlots *self = QUEUE_SLOTS (object);

  g_hash_table_foreach (self->live, forget_slot, self);
  g_hash_table_unref (self->live);
  g_signal_handlers_disconnect_by_data (self->source, self);
  g_object_unref (self->source);
  G_OBJECT_CLASS (queue_slots_parent_class)->finalize (object);
}

static void
queue_slots_class_init (QueueSlotsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = queue_slots_finalize;
}

static void
queue_slots_init (QueueSlots *self)
{
  self->live = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->limit = WINDOW_STEP;
}

/* Shows the first MIN (source, limit) items; what was shown beyond goes. */
static void
queue_slots_update_length (QueueSlots *self)
{
  guint old_n = self->n_items;
  guint new_n = MIN (g_list_model_get_n_items (self->source), self->limit);

  self->n_items = new_n;
  if (old_n != new_n)
    g_list_model_items_changed (G_LIST_MODEL (self), MIN (old_n, new_n),
                                old_n > new_n ? old_n - new_n : 0, new_n > old_n ? new_n - old_n : 0);
}

static void
queue_slots_set_limit (QueueSlots *self, guint limit)
{
  self->limit = MAX (limit, WINDOW_STEP);
  queue_slots_update_length (self);
}

/* Back to the first window, without telling the view yet: the re-read that follows
 * refills only the slots inside it, then trims the rest. */
static void
queue_slots_restart (QueueSlots *self)
{
  self->limit = WINDOW_STEP;
}

/* Makes @position part of the window. */
static void
queue_slots_reveal (QueueSlots *self, guint position)
{
  if (position >= self->limit)
    queue_slots_set_limit (self, (position / WINDOW_STEP + 2) * WINDOW_STEP);
}

static gboolean
queue_slots_is_cut (QueueSlots *self)
{
  return self->n_items < g_list_model_get_n_items (self->source);
}

static GType
queue_slots_get_item_type (GListModel *model)
{
  return QUEUE_TYPE_SLOT;
}

static guint
queue_slots_get_n_items (GListModel *model)
{
  return QUEUE_SLOTS (model)->n_items;
}

static gpointer
queue_slots_get_item (GListModel *model, guint position)
{
  QueueSlots *self = QUEUE_SLOTS (model);
  QueueSlot *slot;

  if (position >= self->n_items)
    return NULL;
  slot = g_hash_table_lookup (self->live, GUINT_TO_POINTER (position));
  if (slot != NULL)
    return g_object_ref (slot);
  slot = g_object_new (QUEUE_TYPE_SLOT, NULL);
  slot->position = position;
  slot->dossier = g_list_model_get_item (self->source, position);
  g_object_weak_ref (G_OBJECT (slot), slot_gone, self);
  g_hash_table_insert (self->live, GUINT_TO_POINTER (position), slot);
  return slot;
}

static void
queue_slots_model_init (GListModelInterface *iface)
{
  iface->get_item_type = queue_slots_get_item_type;
  iface->get_n_items = queue_slots_get_n_items;
  iface->get_item = queue_slots_get_item;
}

/* The source re-read (it only ever reports everything as changed): every slot in
 * use takes the dossier now at its position; the tail grows or shrinks. */
static void
source_changed (GListModel *source, guint position, guint removed, guint added, QueueSlots *self)
{
  guint new_n = MIN (g_list_model_get_n_items (source), self->limit);
  g_autoptr(GPtrArray) kept = g_ptr_array_new_with_free_func (g_object_unref);
  gpointer key, value;
  GHashTableIter iter;

  g_hash_table_iter_init (&iter, self->live);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (GPOINTER_TO_UINT (key) < new_n)
      g_ptr_array_add (kept, g_object_ref (value));
    else
      {
        g_object_weak_unref (value, slot_gone, self);
        g_hash_table_iter_remove (&iter);
      }
  /* Outside the iteration: a row redrawn on notify may ask for more slots. */
  for (guint i = 0; i < kept->len; i++)
    {
      QueueSlot *slot = g_ptr_array_index (kept, i);
      g_autoptr(MotcuaDossier) dossier = g_list_model_get_item (source, slot->position);
      queue_slot_set_dossier (slot, dossier);
    }
  queue_slots_update_length (self);
}

static QueueSlots *
queue_slots_new (GListModel *source)
{
  QueueSlots *self = g_object_new (QUEUE_TYPE_SLOTS, NULL);

  self->source = g_object_ref (source);
  self->n_items = MIN (g_list_model_get_n_items (source), self->limit);
  g_signal_connect (source, "items-changed", G_CALLBACK (source_changed), self);
  return self;
}

typedef struct {
  const char *label;
  const char *tooltip;
  const char *alert_class;   /* for the count when it is not zero */
} FilterInfo;

/* A label that does not fit its column ends in "…"; the tooltip and the accessible
 * label still say it whole. The labels have a context of their own, so that a view
 * can be named more briefly than the status it lists ("Awaiting approval"). */
static const FilterInfo filter_info[MOTCUA_QUEUE_N_FILTERS] = {
  { NC_("queue view", "All"), N_("Every dossier, open work first"), NULL },
  { NC_("queue view", "Mine"), N_("Open dossiers assigned to you or last handled by you"), NULL },
  { NC_("queue view", "Due today"), N_("Being processed and due before the end of today"), "warning" },
  { NC_("queue view", "Overdue"), N_("Being processed and past the due date"), "error" },
  { NC_("queue view", "Awaiting supplement"), N_("Waiting for the applicant's missing documents"), NULL },
  { NC_("queue view", "Awaiting approval"), N_("Drafts waiting for a leader's approval"), NULL },
  { NC_("queue view", "Ready to return"), N_("Results ready to hand back to the applicant"), NULL },
  { NC_("queue view", "Needs attention"), N_("Rejected by the ministry server, or overdue without an apology letter"), "error" },
};

static const char *
filter_label (MotcuaQueueFilter filter)
{
  return g_dpgettext2 (NULL, "queue view", filter_info[filter].label);
}

/* The widgets of one row, kept on the row's grid. */
typedef struct {
  QueueSlot   *slot;      /* while bound */
  gulong       notify_id;
  MotcuaStatus status;    /* the badge's */
  const char  *due_class; /* static string */
  GtkWidget   *name;
  GtkWidget   *badge;
  GtkWidget   *procedure;
  GtkWidget   *code;
  GtkWidget   *due;
} Row;

struct _MotcuaQueuePane
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkWidget          *box;
  GtkSearchEntry     *search_entry;
  GtkFlowBox         *filter_box;
  GtkLabel           *summary_label;
  GtkMenuButton      *sort_button;
  GtkStack           *stack;
  GtkListView        *list_view;
  GtkSingleSelection *selection;
  AdwStatusPage      *empty_page;

  /* Owned */
  MotcuaStore        *store;
  MotcuaDossierList  *list;
  QueueSlots         *slots;
  GSettings          *settings;
  GCancellable       *counting;
  GCancellable       *warming;
  guint64             read_ahead;      /* bytes, once the index has been read ahead */
  GDateTime          *now;
  char               *selected_code;
  GPtrArray          *bound_rows;      /* GtkWidget (rows), not referenced */
  GPtrArray          *spare_rows;      /* GtkWidget (rows) set aside by teardown */
  GtkWidget          *filter_counts[MOTCUA_QUEUE_N_FILTERS];
  gint64              counts[MOTCUA_QUEUE_N_FILTERS];
  gboolean            counts_known;
  guint               tick_id;
  guint               grow_id;
  guint               warm_id;
  int                 minutes_per_day;
  /* Set while the pane itself moves the selection back after a re-read: the
   * dossier did not change, so nobody is told. */
  gboolean            restoring;
};

G_DEFINE_FINAL_TYPE (MotcuaQueuePane, motcua_queue_pane, GTK_TYPE_WIDGET)

enum {
  DOSSIER_SELECTED,
  DOSSIER_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void start_counting (MotcuaQueuePane *self);

/* ---- words for due dates -------------------------------------------------------- */

static char *
format_moment (GDateTime *moment, GDateTime *now)
{
  if (g_date_time_get_year (moment) == g_date_time_get_year (now))
    return g_date_time_format (moment, "%d/%m %H:%M");
  return g_date_time_format (moment, "%d/%m/%Y");
}

static char *
format_stored_time (const char *text, GDateTime *now)
{
  g_autoptr(GDateTime) moment = motcua_time_parse (text, g_date_time_get_timezone (now));
  g_autoptr(GDateTime) local = moment ? g_date_time_to_timezone (moment, g_date_time_get_timezone (now)) : NULL;

  return local ? format_moment (local, now) : g_strdup ("");
}

/* Working time in the largest unit that is at least one: what a clerk says aloud. */
static char *
remaining_words (gint64 minutes, int minutes_per_day)
{
  if (minutes >= minutes_per_day)
    {
      int days = minutes / minutes_per_day;
      return g_strdup_printf (ngettext ("%d working day left", "%d working days left", days), days);
    }
  if (minutes >= 60)
    {
      int hours = minutes / 60;
      return g_strdup_printf (ngettext ("%d working hour left", "%d working hours left", hours), hours);
    }
  minutes = MAX (minutes, 1);
  return g_strdup_printf (ngettext ("%d minute left", "%d minutes left", (int) minutes), (int) minutes);
}

static char *
overdue_words (gint64 minutes, int minutes_per_day)
{
  if (minutes >= minutes_per_day)
    {
      int days = minutes / minutes_per_day;
      return g_strdup_printf (ngettext ("%d working day overdue", "%d working days overdue", days), days);
    }
  if (minutes >= 60)
    {
      int hours = minutes / 60;
      return g_strdup_printf (ngettext ("%d hour overdue", "%d hours overdue", hours), hours);
    }
  if (minutes > 0)
    return g_strdup_printf (ngettext ("%d minute overdue", "%d minutes overdue", (int) minutes), (int) minutes);
  /* Due after the last working minute: late, but no working time has passed yet.
   * Lower case, as it follows the due time like the counted forms above. */
  return g_strdup (C_("due", "overdue"));
}

/* The due line of a dossier whose clock is running, and its colour class. */
static char *
describe_running_clock (MotcuaQueuePane *self, MotcuaDossier *dossier, const char **css_class)
{
  MotcuaCalendar *calendar = motcua_store_get_calendar (self->store);
  g_autoptr(GDateTime) stored = motcua_time_parse (motcua_dossier_get_due_at (dossier), NULL);
  g_autoptr(GDateTime) due = g_date_time_to_timezone (stored, g_date_time_get_timezone (self->now));
  g_autofree char *when = format_moment (due, self->now);
  g_autofree char *words = NULL;

  if (g_date_time_compare (due, self->now) <= 0)
    {
      words = overdue_words (motcua_calendar_working_minutes_between (calendar, due, self->now),
                             self->minutes_per_day);
      *css_class = "due-overdue";
    }
  else
    {
      words = remaining_words (motcua_calendar_working_minutes_between (calendar, self->now, due),
                               self->minutes_per_day);
      *css_class = g_date_time_get_day_of_year (due) == g_date_time_get_day_of_year (self->now)
                   && g_date_time_get_year (due) == g_date_time_get_year (self->now)
                   ? "due-today" : "due-ok";
    }
  /* Translators: due date and remaining working time, e.g. "25/11 17:00 · 2 working days left" */
  return g_strdup_printf (C_("due", "%s · %s"), when, words);
}

/* What the second line of a row says about time, for every status. */
static char *
describe_due (MotcuaQueuePane *self, MotcuaDossier *dossier, const char **css_class)
{
  MotcuaStatus status = motcua_dossier_get_status (dossier);
  g_autofree char *when = NULL;

  *css_class = NULL;
  if (motcua_status_is_counting (status) && motcua_dossier_get_due_at (dossier) != NULL)
    return describe_running_clock (self, dossier, css_class);

  switch (status)
    {
    case MOTCUA_STATUS_SUBMITTED:
      when = format_stored_time (motcua_dossier_get_received_at (dossier), self->now);
      return *when ? g_strdup_printf (_("Submitted online %s"), when) : g_strdup (_("Submitted online"));
    case MOTCUA_STATUS_SUPPLEMENT:
    case MOTCUA_STATUS_FINANCIAL:
      /* The clock stops while the applicant owes something. */
      return g_strdup (_("Clock paused"));
    case MOTCUA_STATUS_RESULT_READY:
      when = format_stored_time (motcua_dossier_get_finished_at (dossier), self->now);
      return g_strdup_printf (_("Ready since %s"), when);
    case MOTCUA_STATUS_RETURNED:
    case MOTCUA_STATUS_REFUSED:
    case MOTCUA_STATUS_WITHDRAWN:
    case MOTCUA_STATUS_STOPPED:
    default:
      when = format_stored_time (motcua_dossier_get_finished_at (dossier), self->now);
      return g_strdup_printf (_("Closed %s"), when);
    }
}

/* Adwaita's colour classes, so a status reads at a glance; status-N lets the style
 * sheet tint each badge. */
static const char *
status_colour (MotcuaStatus status)
{
  switch (status)
    {
    case MOTCUA_STATUS_SUBMITTED:
    case MOTCUA_STATUS_RECEIVED:
    case MOTCUA_STATUS_PROCESSING:
      return "accent";
    case MOTCUA_STATUS_SUPPLEMENT:
    case MOTCUA_STATUS_FINANCIAL:
      return "warning";
    case MOTCUA_STATUS_RESULT_READY:
      return "success";
    case MOTCUA_STATUS_REFUSED:
    case MOTCUA_STATUS_WITHDRAWN:
    case MOTCUA_STATUS_STOPPED:
    case MOTCUA_STATUS_RETURNED:
    default:
      return "dim-label";
    }
}

/* Short words for the badge, so a narrow pane keeps room for the applicant's name;
 * the screen reader gets the portal's full status name. */
static const char *
status_badge_label (MotcuaStatus status)
{
  switch (status)
    {
    case MOTCUA_STATUS_SUBMITTED:    return C_("status badge", "Submitted");
    case MOTCUA_STATUS_RECEIVED:     return C_("status badge", "Received");
    case MOTCUA_STATUS_REFUSED:      return C_("status badge", "Refused");
    case MOTCUA_STATUS_PROCESSING:   return C_("status badge", "Processing");
    case MOTCUA_STATUS_SUPPLEMENT:   return C_("status badge", "Supplement");
    case MOTCUA_STATUS_FINANCIAL:    return C_("status badge", "Fees due");
    case MOTCUA_STATUS_WITHDRAWN:    return C_("status badge", "Withdrawn");
    case MOTCUA_STATUS_STOPPED:      return C_("status badge", "Stopped");
    case MOTCUA_STATUS_RESULT_READY: return C_("status badge", "Ready");
    case MOTCUA_STATUS_RETURNED:     return C_("status badge", "Returned");
    default:                         return "";
    }
}

static char *
status_description (MotcuaDossier *dossier)
{
  MotcuaStatus status = motcua_dossier_get_status (dossier);
  MotcuaStep step = motcua_dossier_get_step (dossier);

  if (status == MOTCUA_STATUS_PROCESSING && step != MOTCUA_STEP_NONE)
    return g_strdup_printf ("%s: %s", motcua_status_label (status), motcua_step_label (step));
  return g_strdup (motcua_status_label (status));
}

/* ---- rows ------------------------------------------------------------------------ */

static GtkWidget *
row_label (const char *first_class, const char *second_class, PangoEllipsizeMode ellipsize)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), ellipsize);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  if (first_class != NULL)
    gtk_widget_add_css_class (label, first_class);
  if (second_class != NULL)
    gtk_widget_add_css_class (label, second_class);
  return label;
}

/* One grid of five labels: fewer widgets per row is what makes 200 rows cheap. */
static GtkWidget *
build_row (void)
{
  GtkWidget *grid = gtk_grid_new ();
  Row *row = g_new0 (Row, 1);

  row->name = row_label ("heading", NULL, PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (row->name, TRUE);
  row->badge = row_label ("status-badge", NULL, PANGO_ELLIPSIZE_NONE);
  gtk_widget_set_valign (row->badge, GTK_ALIGN_CENTER);
  gtk_widget_set_halign (row->badge, GTK_ALIGN_END);
  row->procedure = row_label (NULL, NULL, PANGO_ELLIPSIZE_END);
  gtk_widget_set_opacity (row->procedure, 0.75);
  /* Tabular digits rather than a monospace face: one font fewer to load before the
   * first frame, and the dates and numbers still line up. The agency prefix is the
   * same on every row; the date and number at the end are what a clerk reads, so a
   * narrow pane cuts the start. */
  row->code = row_label ("numeric", "caption", PANGO_ELLIPSIZE_START);
  gtk_widget_add_css_class (row->code, "dim-label");
  gtk_widget_set_hexpand (row->code, TRUE);
  /* The time left matters more than the code: it keeps its whole width. */
  row->due = row_label ("caption", "numeric", PANGO_ELLIPSIZE_NONE);
  gtk_label_set_xalign (GTK_LABEL (row->due), 1);

  /* Three columns, so that the name gives way only to the badge and the code only to
   * the due date, whichever of the two is wider. */
  gtk_grid_attach (GTK_GRID (grid), row->name, 0, 0, 2, 1);
  gtk_grid_attach (GTK_GRID (grid), row->badge, 2, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), row->procedure, 0, 1, 3, 1);
  gtk_grid_attach (GTK_GRID (grid), row->code, 0, 2, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), row->due, 1, 2, 2, 1);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 2);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_widget_set_margin_top (grid, 8);
  gtk_widget_set_margin_bottom (grid, 8);
  gtk_widget_set_margin_start (grid, 4);
  gtk_widget_set_margin_end (grid, 4);
  g_object_set_data_full (G_OBJECT (grid), "motcua-row", row, g_free);
  return grid;
}

/* GTK 4.8 destroys the rows past the end when a search narrows and makes them again
 * when it widens; the pane keeps their contents for the next time. */
static void
setup_row (GtkSignalListItemFactory *factory, GtkListItem *item, MotcuaQueuePane *self)
{
  GtkWidget *row = self->spare_rows->len > 0 ? g_ptr_array_steal_index_fast (self->spare_rows, self->spare_rows->len - 1)
                                             : g_object_ref_sink (build_row ());

  gtk_list_item_set_child (item, row);
  g_object_unref (row);
}

static void
teardown_row (GtkSignalListItemFactory *factory, GtkListItem *item, MotcuaQueuePane *self)
{
  GtkWidget *row = gtk_list_item_get_child (item);

  if (row == NULL || self->spare_rows == NULL || self->spare_rows->len >= MAX_SPARE_ROWS)
    return;
  g_ptr_array_add (self->spare_rows, g_object_ref (row));
  gtk_list_item_set_child (item, NULL);
}

static void
update_row_due (MotcuaQueuePane *self, GtkWidget *box)
{
  Row *row = g_object_get_data (G_OBJECT (box), "motcua-row");
  MotcuaDossier *dossier = row->slot ? row->slot->dossier : NULL;
  const char *due_class = NULL;
  g_autofree char *due = NULL;
  g_autofree char *status = NULL;
  g_autofree char *accessible = NULL;

  if (dossier == NULL || self->store == NULL)
    return;
  due = describe_due (self, dossier, &due_class);
  due_class = due_class ? due_class : "dim-label";
  gtk_label_set_text (GTK_LABEL (row->due), due);
  if (row->due_class != due_class)
    {
      if (row->due_class != NULL)
        gtk_widget_remove_css_class (row->due, row->due_class);
      gtk_widget_add_css_class (row->due, due_class);
      row->due_class = due_class;
    }

  /* A screen reader hears the row as one sentence, in reading order. */
  status = status_description (dossier);
  accessible = g_strdup_printf ("%s, %s, %s, %s, %s",
                                motcua_dossier_get_applicant_name (dossier), status,
                                motcua_dossier_get_procedure_name (dossier),
                                motcua_dossier_get_code (dossier), due);
  gtk_accessible_update_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
}

/* Fills the row from its slot's dossier: when bound, and when the slot takes another. */
static void
fill_row (GtkWidget *box)
{
  Row *row = g_object_get_data (G_OBJECT (box), "motcua-row");
  MotcuaQueuePane *self = g_object_get_data (G_OBJECT (box), "motcua-pane");
  MotcuaDossier *dossier = row->slot->dossier;
  MotcuaStatus status = dossier ? motcua_dossier_get_status (dossier) : 0;
  g_autofree char *status_class = g_strdup_printf ("status-%d", status);
  const char *badge_classes[] = { "status-badge", status_colour (status), status_class, NULL };

  if (dossier == NULL)
    return;
  /* No tooltips on rows: setting one costs a round trip to the X server per row (GTK
   * asks where the pointer is), and the full texts are in the accessible label. */
  gtk_label_set_text (GTK_LABEL (row->name), motcua_dossier_get_applicant_name (dossier));
  gtk_label_set_text (GTK_LABEL (row->procedure), motcua_dossier_get_procedure_name (dossier));
  gtk_label_set_text (GTK_LABEL (row->code), motcua_dossier_get_code (dossier));
  gtk_label_set_text (GTK_LABEL (row->badge), status_badge_label (status));
  /* Restyling is the dear part of refilling a row; most keep their status. */
  if (row->status != status)
    gtk_widget_set_css_classes (row->badge, badge_classes);
  row->status = status;
  update_row_due (self, box);
}

static void
bind_row (GtkSignalListItemFactory *factory, GtkListItem *item, MotcuaQueuePane *self)
{
  GtkWidget *box = gtk_list_item_get_child (item);
  Row *row = g_object_get_data (G_OBJECT (box), "motcua-row");

  row->slot = gtk_list_item_get_item (item);
  row->notify_id = g_signal_connect_swapped (row->slot, "notify::dossier", G_CALLBACK (fill_row), box);
  g_object_set_data (G_OBJECT (box), "motcua-pane", self);
  fill_row (box);
  g_ptr_array_add (self->bound_rows, box);
}

static void
unbind_row (GtkSignalListItemFactory *factory, GtkListItem *item, MotcuaQueuePane *self)
{
  GtkWidget *box = gtk_list_item_get_child (item);
  Row *row = g_object_get_data (G_OBJECT (box), "motcua-row");

  g_clear_signal_handler (&row->notify_id, row->slot);
  row->slot = NULL;
  g_ptr_array_remove_fast (self->bound_rows, box);
}

/* ---- counts ------------------------------------------------------------------------ */

static void
show_counts (MotcuaQueuePane *self)
{
  for (guint f = 0; f < MOTCUA_QUEUE_N_FILTERS; f++)
    {
      GtkWidget *label = self->filter_counts[f];
      GtkWidget *child = gtk_widget_get_ancestor (label, GTK_TYPE_FLOW_BOX_CHILD);
      g_autofree char *text = NULL;
      g_autofree char *accessible = NULL;

      if (!self->counts_known)
        {
          gtk_label_set_text (GTK_LABEL (label), "…");
          continue;
        }
      text = g_strdup_printf ("%'" G_GINT64_FORMAT, self->counts[f]);
      gtk_label_set_text (GTK_LABEL (label), text);
      if (filter_info[f].alert_class != NULL)
        {
          if (self->counts[f] > 0)
            gtk_widget_add_css_class (label, filter_info[f].alert_class);
          else
            gtk_widget_remove_css_class (label, filter_info[f].alert_class);
        }
      /* Translators: a view of the queue and how many dossiers it holds */
      accessible = g_strdup_printf (ngettext ("%s: %s dossier", "%s: %s dossiers", self->counts[f]),
                                    filter_label (f), text);
      gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
    }
}

/* ---- the search index, read ahead ----------------------------------------------------- */

static void
warmed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(MotcuaQueuePane) self = user_data;
  g_autoptr(GError) error = NULL;
  guint64 bytes = 0;

  if (motcua_dossier_list_warm_search_finish (MOTCUA_DOSSIER_LIST (source), result, &bytes, &error))
    {
      /* Not for a list the pane has since let go of. */
      if (self->list == MOTCUA_DOSSIER_LIST (source))
        self->read_ahead = bytes;
      g_debug ("Search index read ahead: %" G_GUINT64_FORMAT " bytes", bytes);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message ("Cannot read the search index ahead: %s", error->message);
}

static gboolean
start_warming (gpointer user_data)
{
  MotcuaQueuePane *self = user_data;

  self->warm_id = 0;
  if (self->list == NULL)
    return G_SOURCE_REMOVE;
  self->warming = g_cancellable_new ();
  motcua_dossier_list_warm_search_async (self->list, self->warming, warmed, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

/* Once per office opened, after the first counts, and a little later still: the
 * first frame and the counts keep both cores busy, and nobody has typed yet. */
static void
schedule_warming (MotcuaQueuePane *self)
{
  if (self->warming != NULL || self->warm_id != 0)
    return;
  self->warm_id = g_timeout_add_seconds_full (G_PRIORITY_LOW, WARM_DELAY_SECONDS, start_warming, self, NULL);
}

static void
stop_warming (MotcuaQueuePane *self)
{
  g_clear_handle_id (&self->warm_id, g_source_remove);
  g_cancellable_cancel (self->warming);
  g_clear_object (&self->warming);
  self->read_ahead = 0;
}

static void
counted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(MotcuaQueuePane) self = user_data;
  gint64 counts[MOTCUA_QUEUE_N_FILTERS];
  g_autoptr(GError) error = NULL;

  if (!motcua_dossier_list_count_filters_finish (MOTCUA_DOSSIER_LIST (source), result, counts, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_message ("Cannot count the queue's views: %s", error->message);
      return;
    }
  memcpy (self->counts, counts, sizeof counts);
  self->counts_known = TRUE;
  show_counts (self);
  schedule_warming (self);
}

static void
start_counting (MotcuaQueuePane *self)
{
  if (self->list == NULL)
    return;
  g_cancellable_cancel (self->counting);
  g_clear_object (&self->counting);
  self->counting = g_cancellable_new ();
  motcua_dossier_list_count_filters_async (self->list, NULL, self->counting, counted, g_object_ref (self));
}

/* ---- the list's state ------------------------------------------------------------- */

static void
update_now (MotcuaQueuePane *self)
{
  GTimeZone *zone = motcua_calendar_get_time_zone (motcua_store_get_calendar (self->store));

  g_clear_pointer (&self->now, g_date_time_unref);
  self->now = motcua_time_now (zone);
}

static gboolean
is_searching (MotcuaQueuePane *self)
{
  const char *search = motcua_dossier_list_get_search (self->list);

  for (; search != NULL && *search != '\0'; search = g_utf8_next_char (search))
    if (!g_unichar_isspace (g_utf8_get_char (search)))
      return TRUE;
  return FALSE;
}

static void
update_summary (MotcuaQueuePane *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->list));
  g_autofree char *text = NULL;

  if (!is_searching (self))
    text = g_strdup_printf (ngettext ("%'u dossier", "%'u dossiers", n), n);
  else if (n >= MOTCUA_DOSSIER_LIST_SEARCH_LIMIT)
    /* The index ranks the most recent matches only: say so, so the clerk types more. */
    text = g_strdup_printf (_("Best %u matches; type more to narrow"), n);
  else
    text = g_strdup_printf (ngettext ("%u match", "%u matches", n), n);
  gtk_label_set_text (self->summary_label, text);
}

/* Most offices never see an empty queue: its page, icon and all, is built the first
 * time a view comes up empty rather than with every window. */
static AdwStatusPage *
ensure_empty_page (MotcuaQueuePane *self)
{
  if (self->empty_page == NULL)
    {
      self->empty_page = ADW_STATUS_PAGE (adw_status_page_new ());
      adw_status_page_set_icon_name (self->empty_page, "edit-find-symbolic");
      gtk_widget_add_css_class (GTK_WIDGET (self->empty_page), "compact");
      gtk_stack_add_named (self->stack, GTK_WIDGET (self->empty_page), "empty");
    }
  return self->empty_page;
}

static void
update_empty_state (MotcuaQueuePane *self)
{
  gboolean empty = g_list_model_get_n_items (G_LIST_MODEL (self->list)) == 0;

  if (empty)
    ensure_empty_page (self);

  if (empty && is_searching (self))
    {
      g_autofree char *description =
        g_strdup_printf (_("Nothing matches “%s” in this view. Check the spelling, or search by code, ID number or phone."),
                         motcua_dossier_list_get_search (self->list));
      adw_status_page_set_title (self->empty_page, _("No Dossiers Match"));
      adw_status_page_set_description (self->empty_page, description);
    }
  else if (empty && motcua_dossier_list_get_filter (self->list) == MOTCUA_QUEUE_FILTER_ALL)
    {
      adw_status_page_set_title (self->empty_page, _("No Dossiers Yet"));
      adw_status_page_set_description (self->empty_page, _("Dossiers you receive (Ctrl+N) appear here."));
    }
  else if (empty)
    {
      adw_status_page_set_title (self->empty_page, _("No Dossiers Match"));
      adw_status_page_set_description (self->empty_page, _("No dossier is in this view right now."));
    }
  gtk_stack_set_visible_child_name (self->stack, empty ? "empty" : "list");
  update_summary (self);
}

static void
scroll_to (MotcuaQueuePane *self, guint position)
{
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", position);
}

/* Selects @position without telling anyone: the selected dossier stays the same. */
static void
restore_position (MotcuaQueuePane *self, guint position)
{
  if (position != GTK_INVALID_LIST_POSITION)
    queue_slots_reveal (self->slots, position);
  self->restoring = TRUE;
  gtk_single_selection_set_selected (self->selection, position);
  self->restoring = FALSE;
  if (position != GTK_INVALID_LIST_POSITION)
    scroll_to (self, position);
}

/* After the model was re-read: the dossier that was selected stays selected if the
 * list still holds it; a new question starts at the top. */
static void
list_changed (MotcuaQueuePane *self, gboolean new_query)
{
  guint position = motcua_dossier_list_find_code (self->list, self->selected_code);

  restore_position (self, position == G_MAXUINT ? GTK_INVALID_LIST_POSITION : position);
  if (position == G_MAXUINT && new_query && g_list_model_get_n_items (G_LIST_MODEL (self->slots)) > 0)
    scroll_to (self, 0);
  update_empty_state (self);
}

static void
apply_query (MotcuaQueuePane *self, MotcuaQueueFilter filter, MotcuaQueueSort sort, const char *search)
{
  if (self->list == NULL)
    return;
  update_now (self);
  self->restoring = TRUE;
  queue_slots_restart (self->slots);
  motcua_dossier_list_set_query (self->list, filter, sort, search);
  queue_slots_update_length (self->slots);
  self->restoring = FALSE;
  list_changed (self, TRUE);
}

static gboolean
grow_window (gpointer user_data)
{
  MotcuaQueuePane *self = user_data;

  self->grow_id = 0;
  if (self->slots != NULL && queue_slots_is_cut (self->slots))
    queue_slots_set_limit (self->slots, self->slots->limit + WINDOW_STEP);
  return G_SOURCE_REMOVE;
}

/* Within a screen of the window's end: more rows before the clerk gets there. Not
 * from inside the view's own layout (where the adjustment changes): from an idle. */
static void
on_scrolled (MotcuaQueuePane *self)
{
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->list_view));
  double left = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_value (adjustment)
                - gtk_adjustment_get_page_size (adjustment);

  if (self->slots != NULL && self->grow_id == 0 && queue_slots_is_cut (self->slots)
      && left < gtk_adjustment_get_page_size (adjustment))
    self->grow_id = g_idle_add (grow_window, self);
}

static MotcuaQueueSort
selected_sort (MotcuaQueuePane *self)
{
  g_autofree char *name = g_settings_get_string (self->settings, "queue-sort");
  MotcuaQueueSort sort = MOTCUA_QUEUE_SORT_DUE;

  motcua_queue_sort_from_string (name, &sort);
  return sort;
}

/* ---- signal handlers -------------------------------------------------------------- */

static void
on_search_changed (MotcuaQueuePane *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  /* Already applied when the text was set from code (motcua_queue_pane_set_search_text). */
  if (self->list == NULL || g_strcmp0 (text, motcua_dossier_list_get_search (self->list)) == 0)
    return;
  apply_query (self, motcua_dossier_list_get_filter (self->list), selected_sort (self), text);
}

static void
activate_position (MotcuaQueuePane *self, guint position)
{
  g_autoptr(MotcuaDossier) dossier = NULL;

  if (self->list == NULL)
    return;
  dossier = g_list_model_get_item (G_LIST_MODEL (self->list), position);
  if (dossier != NULL)
    g_signal_emit (self, signals[DOSSIER_ACTIVATED], 0, motcua_dossier_get_code (dossier));
}

/* Enter in the search entry opens the selected match, or the best one. */
static void
on_search_activate (MotcuaQueuePane *self)
{
  guint position = gtk_single_selection_get_selected (self->selection);

  if (self->list == NULL || g_list_model_get_n_items (G_LIST_MODEL (self->list)) == 0)
    return;
  if (position == GTK_INVALID_LIST_POSITION)
    {
      position = 0;
      gtk_single_selection_set_selected (self->selection, position);
    }
  activate_position (self, position);
}

static void
on_stop_search (MotcuaQueuePane *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
}

/* Down from the search entry goes into the list, as in GNOME's own search panes. */
static gboolean
on_search_key_pressed (GtkEventControllerKey *controller, guint keyval, guint keycode,
                       GdkModifierType state, MotcuaQueuePane *self)
{
  if ((keyval != GDK_KEY_Down && keyval != GDK_KEY_KP_Down) || self->list == NULL
      || g_list_model_get_n_items (G_LIST_MODEL (self->list)) == 0)
    return GDK_EVENT_PROPAGATE;
  if (gtk_single_selection_get_selected (self->selection) == GTK_INVALID_LIST_POSITION)
    gtk_single_selection_set_selected (self->selection, 0);
  gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
  return GDK_EVENT_STOP;
}

static void
on_filter_selected (MotcuaQueuePane *self)
{
  g_autoptr(GList) selected = gtk_flow_box_get_selected_children (self->filter_box);

  if (selected == NULL || self->list == NULL)
    return;
  apply_query (self, gtk_flow_box_child_get_index (selected->data), selected_sort (self),
               motcua_dossier_list_get_search (self->list));
}

static const char * const sort_labels[] = {
  [MOTCUA_QUEUE_SORT_DUE] = N_("Due date"),
  [MOTCUA_QUEUE_SORT_RECEIVED] = N_("Received date"),
  [MOTCUA_QUEUE_SORT_CODE] = N_("Code"),
};

static void
on_sort_changed (MotcuaQueuePane *self)
{
  gtk_menu_button_set_label (self->sort_button, _(sort_labels[selected_sort (self)]));
  if (self->list != NULL)
    apply_query (self, motcua_dossier_list_get_filter (self->list), selected_sort (self),
                 motcua_dossier_list_get_search (self->list));
}

/* The sort menu is made the first time it opens: most windows never open it. Its
 * radio items act on the "queue-sort" setting itself (g_settings_create_action). */
static void
create_sort_menu (GtkMenuButton *button, gpointer user_data)
{
  g_autoptr(GMenu) menu = g_menu_new ();

  for (guint i = 0; i < G_N_ELEMENTS (sort_labels); i++)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (_(sort_labels[i]), NULL);

      g_menu_item_set_action_and_target (item, "queue.queue-sort", "s", motcua_queue_sort_to_string (i));
      g_menu_append_item (menu, item);
    }
  gtk_menu_button_set_popover (button, gtk_popover_menu_new_from_model (G_MENU_MODEL (menu)));
}

static void
on_selection_changed (MotcuaQueuePane *self)
{
  QueueSlot *slot = gtk_single_selection_get_selected_item (self->selection);
  const char *code = slot && slot->dossier ? motcua_dossier_get_code (slot->dossier) : NULL;

  if (self->restoring || code == NULL || g_strcmp0 (code, self->selected_code) == 0)
    return;
  g_free (self->selected_code);
  self->selected_code = g_strdup (code);
  g_signal_emit (self, signals[DOSSIER_SELECTED], 0, code);
}

static void
on_row_activated (MotcuaQueuePane *self, guint position)
{
  activate_position (self, position);
}

/* Time moves dossiers into "overdue" and "due today" with nobody touching them. */
static gboolean
tick (gpointer user_data)
{
  MotcuaQueuePane *self = user_data;

  if (self->store == NULL)
    return G_SOURCE_CONTINUE;
  update_now (self);
  for (guint i = 0; i < self->bound_rows->len; i++)
    update_row_due (self, g_ptr_array_index (self->bound_rows, i));
  start_counting (self);
  return G_SOURCE_CONTINUE;
}

/* ---- actions ----------------------------------------------------------------------- */

static void
filter_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  MotcuaQueueFilter filter;

  if (motcua_queue_filter_from_string (g_variant_get_string (parameter, NULL), &filter))
    motcua_queue_pane_set_filter (MOTCUA_QUEUE_PANE (widget), filter);
}

/* ---- construction ------------------------------------------------------------------ */

static void
add_filter_rows (MotcuaQueuePane *self)
{
  for (guint f = 0; f < MOTCUA_QUEUE_N_FILTERS; f++)
    {
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      GtkWidget *label = gtk_label_new (filter_label (f));
      GtkWidget *count = gtk_label_new ("…");
      g_autofree char *tooltip = g_strdup_printf ("%s (Alt+%u)", _(filter_info[f].tooltip), f + 1);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_widget_set_hexpand (label, TRUE);
      gtk_widget_add_css_class (count, "numeric");
      gtk_widget_add_css_class (count, "caption-heading");
      gtk_box_append (GTK_BOX (box), label);
      gtk_box_append (GTK_BOX (box), count);
      gtk_widget_set_margin_start (box, 6);
      gtk_widget_set_margin_end (box, 6);
      gtk_widget_set_margin_top (box, 4);
      gtk_widget_set_margin_bottom (box, 4);
      gtk_widget_set_tooltip_text (box, tooltip);
      gtk_flow_box_append (self->filter_box, box);
      gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_parent (box)),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, filter_label (f), -1);
      self->filter_counts[f] = count;
    }
  gtk_flow_box_select_child (self->filter_box, gtk_flow_box_get_child_at_index (self->filter_box, 0));
}

static void
motcua_queue_pane_dispose (GObject *object)
{
  MotcuaQueuePane *self = (MotcuaQueuePane *) object;

  g_cancellable_cancel (self->counting);
  g_clear_object (&self->counting);
  stop_warming (self);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_handle_id (&self->grow_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), MOTCUA_TYPE_QUEUE_PANE);
  g_clear_pointer (&self->spare_rows, g_ptr_array_unref);
  g_clear_object (&self->slots);
  g_clear_object (&self->list);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (motcua_queue_pane_parent_class)->dispose (object);
}

static void
motcua_queue_pane_finalize (GObject *object)
{
  MotcuaQueuePane *self = (MotcuaQueuePane *) object;

  g_clear_pointer (&self->now, g_date_time_unref);
  g_clear_pointer (&self->bound_rows, g_ptr_array_unref);
  g_free (self->selected_code);
  G_OBJECT_CLASS (motcua_queue_pane_parent_class)->finalize (object);
}

/* Alt+1…Alt+8 pick a view wherever the focus is in the window (the editor, the
 * viewer), as the shortcuts window promises; a binding of the pane's own answered
 * only while the focus was in the queue. */
static void
add_view_keys (MotcuaQueuePane *self)
{
  GtkEventController *views = gtk_shortcut_controller_new ();

  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (views), GTK_SHORTCUT_SCOPE_GLOBAL);
  for (guint f = 0; f < MOTCUA_QUEUE_N_FILTERS; f++)
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (views),
      gtk_shortcut_new_with_arguments (gtk_keyval_trigger_new (GDK_KEY_1 + f, GDK_ALT_MASK),
                                       gtk_named_action_new ("queue.filter"),
                                       "s", motcua_queue_filter_to_string (f)));
  gtk_widget_add_controller (GTK_WIDGET (self), views);
}

static void
motcua_queue_pane_class_init (MotcuaQueuePaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = motcua_queue_pane_dispose;
  object_class->finalize = motcua_queue_pane_finalize;

  signals[DOSSIER_SELECTED] = g_signal_new ("dossier-selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                            0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[DOSSIER_ACTIVATED] = g_signal_new ("dossier-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                             0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/motcua/Desk/motcua-queue-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, MotcuaQueuePane, box);
  gtk_widget_class_bind_template_child (widget_class, MotcuaQueuePane, search_entry);
  gtk_widget_class_bind_template_child (widget_class, MotcuaQueuePane, filter_box);
  gtk_widget_class_bind_template_child (widget_class, MotcuaQueuePane, summary_label);
  gtk_widget_class_bind_template_child (widget_class, MotcuaQueuePane, sort_button);
  gtk_widget_class_bind_template_child (widget_class, MotcuaQueuePane, stack);
  gtk_widget_class_bind_template_child (widget_class, MotcuaQueuePane, list_view);
  gtk_widget_class_bind_template_child (widget_class, MotcuaQueuePane, selection);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_stop_search);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_selection_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, setup_row);
  gtk_widget_class_bind_template_callback (widget_class, bind_row);
  gtk_widget_class_bind_template_callback (widget_class, unbind_row);
  gtk_widget_class_bind_template_callback (widget_class, teardown_row);

  gtk_widget_class_install_action (widget_class, "queue.filter", "s", filter_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
motcua_queue_pane_init (MotcuaQueuePane *self)
{
  GtkEventController *keys = gtk_event_controller_key_new ();
  g_autoptr(GSimpleActionGroup) actions = NULL;
  g_autoptr(GAction) sort_action = NULL;
  GtkAdjustment *adjustment;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->bound_rows = g_ptr_array_new ();
  self->spare_rows = g_ptr_array_new_with_free_func (g_object_unref);
  self->minutes_per_day = 480;
  add_filter_rows (self);

  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_search_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->search_entry), keys);
  /* The views are one stop for Tab, as a group of radio buttons is (arrows move
   * between them): the flow box would take the focus through each view, and its
   * selection, the view listed, with it. The list is one stop too. */
  motcua_focus_tab_leaves (GTK_WIDGET (self->filter_box));
  motcua_focus_tab_leaves (GTK_WIDGET (self->list_view));
  add_view_keys (self);
  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->list_view));
  g_signal_connect_object (adjustment, "value-changed", G_CALLBACK (on_scrolled), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (adjustment, "changed", G_CALLBACK (on_scrolled), self, G_CONNECT_SWAPPED);
  /* Typing while the list has focus searches, as in Files. */
  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self->list_view));

  self->settings = g_settings_new (APPLICATION_ID);
  actions = g_simple_action_group_new ();
  sort_action = g_settings_create_action (self->settings, "queue-sort");
  g_action_map_add_action (G_ACTION_MAP (actions), sort_action);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "queue", G_ACTION_GROUP (actions));
  g_signal_connect_object (self->settings, "changed::queue-sort", G_CALLBACK (on_sort_changed), self,
                           G_CONNECT_SWAPPED);
  gtk_menu_button_set_create_popup_func (self->sort_button, create_sort_menu, NULL, NULL);
  gtk_menu_button_set_label (self->sort_button, _(sort_labels[selected_sort (self)]));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Queue"), -1);
}

/* ---- public API --------------------------------------------------------------------- */

GtkWidget *
motcua_queue_pane_new (void)
{
  return g_object_new (MOTCUA_TYPE_QUEUE_PANE, NULL);
}

void
motcua_queue_pane_set_store (MotcuaQueuePane *self, MotcuaStore *store)
{
  g_autoptr(MotcuaAgency) agency = NULL;

  g_return_if_fail (MOTCUA_IS_QUEUE_PANE (self));
  g_return_if_fail (store == NULL || MOTCUA_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;
  gtk_single_selection_set_model (self->selection, NULL);
  stop_warming (self);
  g_clear_object (&self->slots);
  g_clear_object (&self->list);
  g_clear_pointer (&self->selected_code, g_free);
  self->counts_known = FALSE;
  show_counts (self);
  if (store == NULL)
    return;

  agency = motcua_store_get_agency (store, NULL);
  self->minutes_per_day = agency && agency->minutes_per_day > 0 ? agency->minutes_per_day : 480;
  update_now (self);
  self->list = motcua_dossier_list_new (store);
  motcua_dossier_list_set_query (self->list, motcua_queue_pane_get_filter (self), selected_sort (self),
                                 gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  self->slots = queue_slots_new (G_LIST_MODEL (self->list));
  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (self->slots));
  /* The worker counts while the window is realised and the rows are built, which takes
   * far longer than counting. It starts once the first page is read: two connections
   * reading the same file at once make that read, on this thread, twice as slow. */
  start_counting (self);
  update_empty_state (self);
  if (self->tick_id == 0)
    self->tick_id = g_timeout_add_seconds (TICK_SECONDS, tick, self);
}

void
motcua_queue_pane_reload (MotcuaQueuePane *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (MOTCUA_IS_QUEUE_PANE (self));

  if (self->list == NULL)
    return;
  update_now (self);
  self->restoring = TRUE;
  if (!motcua_dossier_list_reload (self->list, &error))
    g_warning ("Cannot read the queue: %s", error->message);
  self->restoring = FALSE;
  list_changed (self, FALSE);
  start_counting (self);
}

void
motcua_queue_pane_focus_search (MotcuaQueuePane *self)
{
  g_return_if_fail (MOTCUA_IS_QUEUE_PANE (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  gtk_editable_select_region (GTK_EDITABLE (self->search_entry), 0, -1);
}

static void
select_position (MotcuaQueuePane *self, guint position)
{
  queue_slots_reveal (self->slots, position);
  gtk_single_selection_set_selected (self->selection, position);
  scroll_to (self, position);
}

void
motcua_queue_pane_select_next (MotcuaQueuePane *self)
{
  guint n, position;

  g_return_if_fail (MOTCUA_IS_QUEUE_PANE (self));

  if (self->list == NULL || (n = g_list_model_get_n_items (G_LIST_MODEL (self->list))) == 0)
    return;
  position = gtk_single_selection_get_selected (self->selection);
  select_position (self, position == GTK_INVALID_LIST_POSITION ? 0 : MIN (position + 1, n - 1));
}

void
motcua_queue_pane_select_previous (MotcuaQueuePane *self)
{
  guint n, position;

  g_return_if_fail (MOTCUA_IS_QUEUE_PANE (self));

  if (self->list == NULL || (n = g_list_model_get_n_items (G_LIST_MODEL (self->list))) == 0)
    return;
  position = gtk_single_selection_get_selected (self->selection);
  select_position (self, position == GTK_INVALID_LIST_POSITION || position == 0 ? 0 : position - 1);
}

gboolean
motcua_queue_pane_select_code (MotcuaQueuePane *self, const char *code)
{
  guint position;

  g_return_val_if_fail (MOTCUA_IS_QUEUE_PANE (self), FALSE);

  if (self->list == NULL || code == NULL)
    return FALSE;
  position = motcua_dossier_list_find_code (self->list, code);
  if (position == G_MAXUINT)
    return FALSE;
  select_position (self, position);
  return TRUE;
}

const char *
motcua_queue_pane_get_selected_code (MotcuaQueuePane *self)
{
  g_return_val_if_fail (MOTCUA_IS_QUEUE_PANE (self), NULL);

  if (gtk_single_selection_get_selected (self->selection) == GTK_INVALID_LIST_POSITION)
    return NULL;
  return self->selected_code;
}

void
motcua_queue_pane_set_filter (MotcuaQueuePane *self, MotcuaQueueFilter filter)
{
  g_return_if_fail (MOTCUA_IS_QUEUE_PANE (self));
  g_return_if_fail (filter < MOTCUA_QUEUE_N_FILTERS);

  /* Through the flow box, so what is highlighted is what is listed. */
  gtk_flow_box_select_child (self->filter_box, gtk_flow_box_get_child_at_index (self->filter_box, filter));
}

MotcuaQueueFilter
motcua_queue_pane_get_filter (MotcuaQueuePane *self)
{
  g_autoptr(GList) selected = NULL;

  g_return_val_if_fail (MOTCUA_IS_QUEUE_PANE (self), MOTCUA_QUEUE_FILTER_ALL);

  selected = gtk_flow_box_get_selected_children (self->filter_box);
  return selected ? gtk_flow_box_child_get_index (selected->data) : MOTCUA_QUEUE_FILTER_ALL;
}

void
motcua_queue_pane_set_search_text (MotcuaQueuePane *self, const char *text)
{
  g_return_if_fail (MOTCUA_IS_QUEUE_PANE (self));

  /* The entry reports a change after its delay (at once when cleared); the list
   * follows now, and the report then finds nothing to do. */
  g_signal_handlers_block_by_func (self->search_entry, on_search_changed, self);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text ? text : "");
  g_signal_handlers_unblock_by_func (self->search_entry, on_search_changed, self);
  if (self->list != NULL)
    apply_query (self, motcua_dossier_list_get_filter (self->list), selected_sort (self), text ? text : "");
}

gint64
motcua_queue_pane_get_filter_count (MotcuaQueuePane *self, MotcuaQueueFilter filter)
{
  g_return_val_if_fail (MOTCUA_IS_QUEUE_PANE (self), -1);
  g_return_val_if_fail (filter < MOTCUA_QUEUE_N_FILTERS, -1);

  return self->counts_known ? self->counts[filter] : -1;
}

MotcuaDossierList *
motcua_queue_pane_get_model (MotcuaQueuePane *self)
{
  g_return_val_if_fail (MOTCUA_IS_QUEUE_PANE (self), NULL);
  return self->list;
}

gboolean
motcua_queue_pane_shows_empty_state (MotcuaQueuePane *self)
{
  g_return_val_if_fail (MOTCUA_IS_QUEUE_PANE (self), FALSE);
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "empty") == 0;
}

guint64
motcua_queue_pane_get_search_read_ahead (MotcuaQueuePane *self)
{
  g_return_val_if_fail (MOTCUA_IS_QUEUE_PANE (self), 0);
  return self->read_ahead;
}

gboolean
motcua_queue_pane_is_populated (MotcuaQueuePane *self)
{
  g_return_val_if_fail (MOTCUA_IS_QUEUE_PANE (self), FALSE);
  return self->list != NULL && self->counts_known
         && (self->bound_rows->len > 0 || motcua_queue_pane_shows_empty_state (self));
}
