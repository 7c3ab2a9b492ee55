/* motcua-dashboard-window.c: the supervisors' dashboard. */

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "motcua-chart.h"
#include "motcua-dashboard-window.h"
#include "motcua-error.h"
#include "motcua-focus.h"
#include "motcua-slip-printer.h"
#include "motcua-stats-report.h"
#include "motcua-time.h"

#define N_TABLES 3

/* ---- one row of a table: its cells as text ------------------------------------------- */

#define MOTCUA_TYPE_TABLE_ROW (motcua_table_row_get_type ())
G_DECLARE_FINAL_TYPE (MotcuaTableRow, motcua_table_row, MOTCUA, TABLE_ROW, GObject)

struct _MotcuaTableRow
{
  GObject   parent_instance;
  GStrv     cells;
};

G_DEFINE_FINAL_TYPE (MotcuaTableRow, motcua_table_row, G_TYPE_OBJECT)

static void
motcua_table_row_finalize (GObject *object)
{
  g_strfreev (MOTCUA_TABLE_ROW (object)->cells);
  G_OBJECT_CLASS (motcua_table_row_parent_class)->finalize (object);
}

static void
motcua_table_row_class_init (MotcuaTableRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = motcua_table_row_finalize;
}

static void
motcua_table_row_init (MotcuaTableRow *self)
{
}

/* Takes the cells (NULL-terminated, owned). */
static MotcuaTableRow *
table_row_new (char **cells)
{
  MotcuaTableRow *row = g_object_new (MOTCUA_TYPE_TABLE_ROW, NULL);

  row->cells = cells;
  return row;
}

/* ---- the window ---------------------------------------------------------------------- */

/* The indicator cards, by the keys of motcua_stats_indicator_rows(). */
static const char * const card_keys[] = {
  "received", "online_rate", "finished", "on_time_rate",
  "overdue_now", "average_days", "supplement_requests", "satisfaction_rate",
};

struct _MotcuaDashboardWindow
{
  AdwWindow parent_instance;

  /* Template widgets */
  AdwToastOverlay *toast_overlay;
  AdwWindowTitle  *window_title;
  GtkSpinner      *spinner;
  GtkDropDown     *period_dropdown;
  GtkWidget       *custom_box;
  GtkEntry        *from_entry;
  GtkEntry        *to_entry;
  GtkButton       *apply_button;
  GtkDropDown     *field_dropdown;
  GtkDropDown     *procedure_dropdown;
  GtkDropDown     *staff_dropdown;
  GtkLabel        *message_label;
  GtkBox          *content_box;
  GtkLabel        *period_label;
  GtkFlowBox      *cards_box;

  GtkLabel        *card_values[G_N_ELEMENTS (card_keys)];
  GtkLabel        *card_captions[G_N_ELEMENTS (card_keys)];
  MotcuaChart     *charts[N_TABLES];
  GListStore      *tables[N_TABLES];
  GtkColumnViewColumn *period_columns[N_TABLES];   /* "Day" or "Week from" */

  /* Owned */
  MotcuaStore     *store;
  char            *db_path;
  GPtrArray       *field_values;        /* NULL first: "all" */
  GPtrArray       *procedure_values;
  GPtrArray       *staff_values;
  MotcuaStats     *stats;
  GCancellable    *cancellable;
  GDate            from, to;
  gboolean         started;
  gboolean         loaded;
  gboolean         populating;          /* filling the drop-downs: no counting yet */
};

G_DEFINE_FINAL_TYPE (MotcuaDashboardWindow, motcua_dashboard_window, ADW_TYPE_WINDOW)

enum { SIGNAL_LOADED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void recount (MotcuaDashboardWindow *self);

static GDate
today (void)
{
  g_autoptr(GDateTime) now = motcua_time_now (NULL);
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, g_date_time_get_day_of_month (now), g_date_time_get_month (now),
                  g_date_time_get_year (now));
  return date;
}

static void
show_message (MotcuaDashboardWindow *self, const char *message)
{
  gtk_label_set_text (self->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
}

/* ---- choices --------------------------------------------------------------------- */

static const char *
selected_value (GtkDropDown *dropdown, GPtrArray *values)
{
  guint i = gtk_drop_down_get_selected (dropdown);

  return i < values->len ? g_ptr_array_index (values, i) : NULL;
}

static char *
scope_text (MotcuaDashboardWindow *self)
{
  GString *text = g_string_new (NULL);
  GtkDropDown *dropdowns[] = { self->field_dropdown, self->procedure_dropdown, self->staff_dropdown };
  const char *names[] = { _("Field"), _("Procedure"), _("Staff") };

  for (guint i = 0; i < G_N_ELEMENTS (dropdowns); i++)
    {
      GtkStringObject *item = gtk_drop_down_get_selected_item (dropdowns[i]);

      if (gtk_drop_down_get_selected (dropdowns[i]) == 0 || item == NULL)
        continue;
      g_string_append_printf (text, "%s%s: %s", text->len ? " · " : "", names[i], gtk_string_object_get_string (item));
    }
  return text->len ? g_string_free (text, FALSE) : (g_string_free (text, TRUE), NULL);
}

/* dd/mm/yyyy as people type it, or the ISO form. */
static gboolean
parse_typed_date (const char *text, GDate *date)
{
  int d, m, y;
  char tail;

  if (motcua_stats_parse_date (text, date))
    return TRUE;
  if (sscanf (text, "%d/%d/%d%c", &d, &m, &y, &tail) != 3 || y < 1900 || !g_date_valid_dmy (d, m, y))
    return FALSE;
  g_date_clear (date, 1);
  g_date_set_dmy (date, d, m, y);
  return TRUE;
}

/* Reads the period from the choice; FALSE (and says why) when the typed one is wrong. */
static gboolean
read_period (MotcuaDashboardWindow *self)
{
  GDate now = today (), from, to;

  switch (gtk_drop_down_get_selected (self->period_dropdown))
    {
    case MOTCUA_DASHBOARD_THIS_MONTH:
      motcua_stats_month_of (&now, &from, &to);
      break;
    case MOTCUA_DASHBOARD_THIS_QUARTER:
      motcua_stats_quarter_of (&now, &from, &to);
      break;
    case MOTCUA_DASHBOARD_THIS_YEAR:
      motcua_stats_year_of (&now, &from, &to);
      break;
    default:
      if (!parse_typed_date (gtk_editable_get_text (GTK_EDITABLE (self->from_entry)), &from)
          || !parse_typed_date (gtk_editable_get_text (GTK_EDITABLE (self->to_entry)), &to))
        {
          show_message (self, _("Type the dates as dd/mm/yyyy, for example 31/01/2026."));
          return FALSE;
        }
      if (g_date_compare (&from, &to) > 0)
        {
          show_message (self, _("The period must end on or after the day it starts."));
          return FALSE;
        }
      break;
    }
  self->from = from;
  self->to = to;
  show_message (self, NULL);
  return TRUE;
}

/* ---- showing the figures --------------------------------------------------------- */

static char *
bucket_label (const MotcuaStats *stats, const MotcuaStatsBucket *bucket)
{
  return motcua_stats_format_date (&bucket->start);
}

static void
fill_tables (MotcuaDashboardWindow *self)
{
  const MotcuaStats *s = self->stats;

  for (guint t = 0; t < N_TABLES; t++)
    {
      g_list_store_remove_all (self->tables[t]);
      if (self->period_columns[t] != NULL)
        gtk_column_view_column_set_title (self->period_columns[t],
                                          s->bucket_size == MOTCUA_STATS_BY_WEEK ? _("Week from") : _("Day"));
    }
  for (guint i = 0; i < s->buckets->len; i++)
    {
      const MotcuaStatsBucket *b = &g_array_index (s->buckets, MotcuaStatsBucket, i);
      g_autoptr(MotcuaTableRow) received = NULL, on_time = NULL;
      char **cells = g_new0 (char *, 6);

      cells[0] = bucket_label (s, b);
      for (guint c = 0; c < 3; c++)
        cells[c + 1] = motcua_stats_format_count (b->received[c]);
      cells[4] = motcua_stats_format_count (b->received[0] + b->received[1] + b->received[2]);
      received = table_row_new (cells);
      g_list_store_append (self->tables[MOTCUA_CHART_RECEIVED], received);

      cells = g_new0 (char *, 5);
      cells[0] = bucket_label (s, b);
      cells[1] = motcua_stats_format_count (b->finished);
      cells[2] = motcua_stats_format_count (b->finished_on_time);
      cells[3] = motcua_stats_format_rate (b->finished > 0 ? (double) b->finished_on_time / b->finished : -1);
      on_time = table_row_new (cells);
      g_list_store_append (self->tables[MOTCUA_CHART_ON_TIME], on_time);
    }
  for (guint i = 0; i < s->overdue_by_procedure->len; i++)
    {
      const MotcuaStatsOverdue *o = g_ptr_array_index (s->overdue_by_procedure, i);
      g_autoptr(MotcuaTableRow) row = NULL;
      char **cells = g_new0 (char *, 4);

      cells[0] = g_strdup (o->procedure_code);
      cells[1] = g_strdup (o->procedure_name);
      cells[2] = motcua_stats_format_count (o->overdue);
      row = table_row_new (cells);
      g_list_store_append (self->tables[MOTCUA_CHART_OVERDUE], row);
    }
}

static void
fill_cards (MotcuaDashboardWindow *self)
{
  g_autoptr(GPtrArray) rows = motcua_stats_indicator_rows (self->stats);

  for (guint c = 0; c < G_N_ELEMENTS (card_keys); c++)
    for (guint i = 0; i < rows->len; i++)
      {
        MotcuaStatsRow *row = g_ptr_array_index (rows, i);

        if (!g_str_equal (row->key, card_keys[c]))
          continue;
        gtk_label_set_text (self->card_values[c], row->value);
        gtk_label_set_text (self->card_captions[c], row->label);
      }
}

static void
show_stats (MotcuaDashboardWindow *self, MotcuaStats *stats)
{
  g_autofree char *from = motcua_stats_format_date (&stats->from);
  g_autofree char *to = motcua_stats_format_date (&stats->to);
  g_autofree char *period = g_strdup_printf (_("From %s to %s"), from, to);
  g_autofree char *scope = scope_text (self);
  g_autofree char *heading = scope ? g_strdup_printf ("%s — %s", period, scope) : g_strdup (period);

  for (guint t = 0; t < N_TABLES; t++)
    motcua_chart_set_stats (self->charts[t], NULL);
  g_clear_pointer (&self->stats, motcua_stats_free);
  self->stats = stats;
  gtk_label_set_text (self->period_label, heading);
  adw_window_title_set_subtitle (self->window_title, period);
  fill_cards (self);
  fill_tables (self);
  for (guint t = 0; t < N_TABLES; t++)
    motcua_chart_set_stats (self->charts[t], stats);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dashboard.export-csv", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dashboard.export-pdf", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dashboard.print-register", TRUE);
}

static void
counted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(MotcuaDashboardWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  MotcuaStats *stats = motcua_stats_compute_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      || g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    {
      g_clear_pointer (&stats, motcua_stats_free);
      return;   /* a newer choice is being counted */
    }
  gtk_spinner_stop (self->spinner);
  if (stats == NULL)
    {
      show_message (self, error->message);
      return;
    }
  show_stats (self, stats);
  self->loaded = TRUE;
  g_signal_emit (self, signals[SIGNAL_LOADED], 0);
}

static void
recount (MotcuaDashboardWindow *self)
{
  MotcuaStatsQuery query = { 0 };

  if (self->populating || !self->started || !read_period (self))
    return;
  query.from = self->from;
  query.to = self->to;
  query.field = selected_value (self->field_dropdown, self->field_values);
  query.procedure_code = selected_value (self->procedure_dropdown, self->procedure_values);
  query.staff = selected_value (self->staff_dropdown, self->staff_values);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->loaded = FALSE;
  gtk_spinner_start (self->spinner);
  motcua_stats_compute_async (self->db_path, &query, self->cancellable, counted, g_object_ref (self));
}

static void
period_changed (MotcuaDashboardWindow *self)
{
  gboolean custom = gtk_drop_down_get_selected (self->period_dropdown) == MOTCUA_DASHBOARD_CUSTOM;

  gtk_widget_set_visible (self->custom_box, custom);
  if (custom)
    {
      /* Start from the period shown, so that the clerk only corrects it. */
      if (g_date_valid (&self->from) && *gtk_editable_get_text (GTK_EDITABLE (self->from_entry)) == '\0')
        {
          g_autofree char *from = motcua_stats_format_date (&self->from);
          g_autofree char *to = motcua_stats_format_date (&self->to);

          gtk_editable_set_text (GTK_EDITABLE (self->from_entry), from);
          gtk_editable_set_text (GTK_EDITABLE (self->to_entry), to);
        }
      gtk_widget_grab_focus (GTK_WIDGET (self->from_entry));
      return;
    }
  recount (self);
}

/* ---- building the window --------------------------------------------------------- */

/* A drop-down whose items are @labels ("all" first) and whose values are @values. */
static void
fill_dropdown (GtkDropDown *dropdown, const char *all, GPtrArray *labels)
{
  GtkStringList *model = gtk_string_list_new (NULL);

  gtk_string_list_append (model, all);
  for (guint i = 1; i < labels->len; i++)
    gtk_string_list_append (model, g_ptr_array_index (labels, i));
  gtk_drop_down_set_expression (dropdown, gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string"));
  gtk_drop_down_set_model (dropdown, G_LIST_MODEL (model));
  g_object_unref (model);
}

static void
setup_dropdown_item (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), GPOINTER_TO_INT (data));
  gtk_list_item_set_child (item, label);
}

static void
bind_dropdown_item (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  GtkStringObject *object = gtk_list_item_get_item (item);
  const char *text = gtk_string_object_get_string (object);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), text);
  gtk_widget_set_tooltip_text (gtk_list_item_get_child (item), text);
}

/* Long procedure names are cut short on the button and in the list. */
static void
ellipsize_dropdown (GtkDropDown *dropdown, int button_chars, int list_chars)
{
  GtkListItemFactory *button = gtk_signal_list_item_factory_new ();
  GtkListItemFactory *list = gtk_signal_list_item_factory_new ();

  g_signal_connect (button, "setup", G_CALLBACK (setup_dropdown_item), GINT_TO_POINTER (button_chars));
  g_signal_connect (button, "bind", G_CALLBACK (bind_dropdown_item), NULL);
  g_signal_connect (list, "setup", G_CALLBACK (setup_dropdown_item), GINT_TO_POINTER (list_chars));
  g_signal_connect (list, "bind", G_CALLBACK (bind_dropdown_item), NULL);
  gtk_drop_down_set_factory (dropdown, button);
  gtk_drop_down_set_list_factory (dropdown, list);
  g_object_unref (button);
  g_object_unref (list);
}

static void
load_choices (MotcuaDashboardWindow *self)
{
  g_autoptr(GPtrArray) procedures = motcua_store_list_procedures (self->store, NULL, NULL);
  g_autoptr(GPtrArray) users = motcua_store_list_users (self->store, NULL);
  g_autoptr(GPtrArray) field_labels = g_ptr_array_new ();
  g_autoptr(GPtrArray) procedure_labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) staff_labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) fields = g_hash_table_new (g_str_hash, g_str_equal);

  self->field_values = g_ptr_array_new_with_free_func (g_free);
  self->procedure_values = g_ptr_array_new_with_free_func (g_free);
  self->staff_values = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->field_values, NULL);
  g_ptr_array_add (self->procedure_values, NULL);
  g_ptr_array_add (self->staff_values, NULL);
  g_ptr_array_add (field_labels, NULL);
  g_ptr_array_add (procedure_labels, NULL);
  g_ptr_array_add (staff_labels, NULL);

  for (guint i = 0; procedures != NULL && i < procedures->len; i++)
    {
      MotcuaProcedure *p = g_ptr_array_index (procedures, i);

      g_ptr_array_add (self->procedure_values, g_strdup (p->code));
      g_ptr_array_add (procedure_labels, g_strdup_printf ("%s — %s", p->code, p->name));
      if (p->field != NULL && g_hash_table_add (fields, p->field))
        {
          g_ptr_array_add (self->field_values, g_strdup (p->field));
          g_ptr_array_add (field_labels, p->field);
        }
    }
  for (guint i = 0; users != NULL && i < users->len; i++)
    {
      MotcuaUser *u = g_ptr_array_index (users, i);

      g_ptr_array_add (self->staff_values, g_strdup (u->username));
      g_ptr_array_add (staff_labels, g_strdup_printf ("%s (%s)", u->full_name, u->username));
    }
  fill_dropdown (self->field_dropdown, _("All fields"), field_labels);
  fill_dropdown (self->procedure_dropdown, _("All procedures"), procedure_labels);
  fill_dropdown (self->staff_dropdown, _("All staff"), staff_labels);
  ellipsize_dropdown (self->field_dropdown, 22, 40);
  ellipsize_dropdown (self->procedure_dropdown, 28, 70);
  ellipsize_dropdown (self->staff_dropdown, 22, 40);
}

static void
add_cards (MotcuaDashboardWindow *self)
{
  for (guint c = 0; c < G_N_ELEMENTS (card_keys); c++)
    {
      GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
      GtkWidget *value = gtk_label_new ("—");
      GtkWidget *caption = gtk_label_new ("");

      gtk_widget_add_css_class (card, "card");
      gtk_widget_add_css_class (card, "dashboard-card");
      gtk_widget_add_css_class (value, "title-1");
      gtk_widget_add_css_class (caption, "dim-label");
      gtk_label_set_wrap (GTK_LABEL (caption), TRUE);
      gtk_label_set_justify (GTK_LABEL (caption), GTK_JUSTIFY_CENTER);
      gtk_widget_set_margin_top (value, 12);
      gtk_widget_set_margin_bottom (caption, 12);
      gtk_widget_set_margin_start (caption, 8);
      gtk_widget_set_margin_end (caption, 8);
      gtk_box_append (GTK_BOX (card), value);
      gtk_box_append (GTK_BOX (card), caption);
      gtk_flow_box_append (self->cards_box, card);
      self->card_values[c] = GTK_LABEL (value);
      self->card_captions[c] = GTK_LABEL (caption);
    }
}

static void
setup_cell (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  gboolean text = (GPOINTER_TO_UINT (data) >> 8) != 0;
  GtkWidget *label = gtk_label_new (NULL);

  /* Numbers line up on the right, names on the left. */
  gtk_label_set_xalign (GTK_LABEL (label), text ? 0 : 1);
  if (text)
    gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  else
    gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  MotcuaTableRow *row = gtk_list_item_get_item (item);
  guint column = GPOINTER_TO_UINT (data) & 0xff;

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), row->cells[column]);
}

static GtkWidget *
make_table (GListStore *store, const char * const *titles, guint n_columns, guint text_mask, const char *label,
            GtkColumnViewColumn **first_column)
{
  GtkColumnView *view = GTK_COLUMN_VIEW (gtk_column_view_new (GTK_SELECTION_MODEL (
                                           gtk_no_selection_new (G_LIST_MODEL (g_object_ref (store))))));
  GtkWidget *scroller = gtk_scrolled_window_new ();

  for (guint c = 0; c < n_columns; c++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      gboolean text = (text_mask >> c) & 1;
      gpointer data = GUINT_TO_POINTER (c | (text ? 0x100 : 0));
      GtkColumnViewColumn *column;

      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), data);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), data);
      column = gtk_column_view_column_new (titles[c], factory);
      /* A long name takes the room when there is one; otherwise columns share it. */
      gtk_column_view_column_set_expand (column, (text_mask >> 1) == 0 || (text && c > 0));
      gtk_column_view_append_column (view, column);
      if (c == 0)
        *first_column = column;
      g_object_unref (column);
    }
  gtk_column_view_set_show_row_separators (view, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (view), "data-table");
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  motcua_focus_tab_leaves (GTK_WIDGET (view));   /* one stop; arrows read the rows */
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (view));
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scroller), 160);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 240);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_widget_add_css_class (scroller, "card");
  return scroller;
}

static void
add_section (MotcuaDashboardWindow *self, MotcuaChartKind kind, const char * const *titles, guint n_columns,
             guint text_mask)
{
  GtkWidget *heading = gtk_label_new (motcua_chart_title (kind));
  GtkWidget *chart = motcua_chart_new (kind);
  GtkWidget *frame = gtk_frame_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "title-3");
  gtk_widget_set_margin_top (heading, 6);
  gtk_frame_set_child (GTK_FRAME (frame), chart);
  gtk_widget_set_size_request (chart, -1, kind == MOTCUA_CHART_OVERDUE ? 300 : 280);
  self->charts[kind] = MOTCUA_CHART (chart);
  self->tables[kind] = g_list_store_new (MOTCUA_TYPE_TABLE_ROW);
  gtk_box_append (self->content_box, heading);
  gtk_box_append (self->content_box, frame);
  gtk_box_append (self->content_box, make_table (self->tables[kind], titles, n_columns, text_mask,
                                                 motcua_chart_title (kind), &self->period_columns[kind]));
  if (kind == MOTCUA_CHART_OVERDUE)
    self->period_columns[kind] = NULL;   /* its first column is the procedure code */
}

static void
add_sections (MotcuaDashboardWindow *self)
{
  const char *received[] = { _("Day or week from"), motcua_stats_channel_label (0), motcua_stats_channel_label (1),
                             motcua_stats_channel_label (2), _("Total") };
  const char *on_time[] = { _("Day or week from"), _("Finished"), _("Finished on time"), _("On-time rate") };
  const char *overdue[] = { _("Procedure code"), _("Procedure"), _("Overdue now") };

  add_section (self, MOTCUA_CHART_RECEIVED, received, G_N_ELEMENTS (received), 1);
  add_section (self, MOTCUA_CHART_ON_TIME, on_time, G_N_ELEMENTS (on_time), 1);
  add_section (self, MOTCUA_CHART_OVERDUE, overdue, G_N_ELEMENTS (overdue), 1 | 1 << 1);
}

/* ---- exports --------------------------------------------------------------------- */

gboolean
motcua_dashboard_window_export_csv (MotcuaDashboardWindow *self, const char *path, GError **error)
{
  g_autofree char *csv = NULL;
  g_autofree char *with_bom = NULL;

  if (self->stats == NULL)
    {
      g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_FAILED, _("The figures are still being counted."));
      return FALSE;
    }
  csv = motcua_stats_to_csv (self->stats);
  /* The byte-order mark makes spreadsheets read the Vietnamese as UTF-8. */
  with_bom = g_strconcat ("\xEF\xBB\xBF", csv, NULL);
  if (!g_file_set_contents (path, with_bom, -1, NULL))
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_IO, _("Could not save %s."), path);
      return FALSE;
    }
  return TRUE;
}

gboolean
motcua_dashboard_window_export_pdf (MotcuaDashboardWindow *self, const char *path, GError **error)
{
  g_autofree char *scope = NULL;

  if (self->stats == NULL)
    {
      g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_FAILED, _("The figures are still being counted."));
      return FALSE;
    }
  scope = scope_text (self);
  return motcua_stats_report_write_pdf (self->stats, scope, path, error);
}

static void
export_chosen (GtkNativeDialog *chooser, int response, MotcuaDashboardWindow *self)
{
  gboolean pdf = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (chooser), "pdf"));
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      path = g_file_get_path (file);
      if (pdf ? motcua_dashboard_window_export_pdf (self, path, &error)
              : motcua_dashboard_window_export_csv (self, path, &error))
        {
          g_autofree char *name = g_path_get_basename (path);
          g_autofree char *message = g_strdup_printf (_("Saved %s."), name);

          adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
        }
      else
        adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
    }
  g_object_unref (chooser);
}

static void
export_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  MotcuaDashboardWindow *self = MOTCUA_DASHBOARD_WINDOW (widget);
  gboolean pdf = g_str_equal (name, "dashboard.export-pdf");
  GtkFileChooserNative *chooser;
  g_autofree char *suggested = NULL;

  if (self->stats == NULL)
    return;
  suggested = g_strdup_printf ("so-lieu-%04d%02d%02d-%04d%02d%02d.%s", g_date_get_year (&self->stats->from),
                               g_date_get_month (&self->stats->from), g_date_get_day (&self->stats->from),
                               g_date_get_year (&self->stats->to), g_date_get_month (&self->stats->to),
                               g_date_get_day (&self->stats->to), pdf ? "pdf" : "csv");
  chooser = gtk_file_chooser_native_new (pdf ? _("Export PDF Report") : _("Export CSV"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), suggested);
  g_object_set_data (G_OBJECT (chooser), "pdf", GINT_TO_POINTER (pdf));
  g_signal_connect (chooser, "response", G_CALLBACK (export_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* The tracking register (Form 06) of the dossiers received in the period shown: the
 * print dialog offers the printers and "Print to File" for a PDF. */
gboolean
motcua_dashboard_window_print_register (MotcuaDashboardWindow   *self,
                                        GtkPrintOperationAction  action,
                                        const char              *export_filename,
                                        GError                 **error)
{
  g_autoptr(MotcuaSlipDocument) document = NULL;

  if (self->stats == NULL)
    {
      g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_FAILED, _("The figures are still being counted."));
      return FALSE;
    }
  document = motcua_slip_printer_prepare_register (self->store, &self->stats->from, &self->stats->to, error);
  return document != NULL
         && motcua_slip_printer_run (GTK_WINDOW (self), document, action, export_filename, error);
}

static void
print_register_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  MotcuaDashboardWindow *self = MOTCUA_DASHBOARD_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  if (!motcua_dashboard_window_print_register (self, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG, NULL, &error))
    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
}

/* The figures as the database holds them now (work goes on while the window is open). */
static void
refresh_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  recount (MOTCUA_DASHBOARD_WINDOW (widget));
}

/* ---- public ------------------------------------------------------------------------ */

void
motcua_dashboard_window_set_period (MotcuaDashboardWindow *self, MotcuaDashboardPeriod period)
{
  g_return_if_fail (MOTCUA_IS_DASHBOARD_WINDOW (self));

  if (gtk_drop_down_get_selected (self->period_dropdown) == (guint) period)
    recount (self);
  else
    gtk_drop_down_set_selected (self->period_dropdown, period);
}

gboolean
motcua_dashboard_window_set_custom_period (MotcuaDashboardWindow *self, const char *from, const char *to)
{
  g_return_val_if_fail (MOTCUA_IS_DASHBOARD_WINDOW (self), FALSE);

  gtk_editable_set_text (GTK_EDITABLE (self->from_entry), from);
  gtk_editable_set_text (GTK_EDITABLE (self->to_entry), to);
  self->populating = TRUE;
  gtk_drop_down_set_selected (self->period_dropdown, MOTCUA_DASHBOARD_CUSTOM);
  self->populating = FALSE;
  if (!read_period (self))
    return FALSE;
  recount (self);
  return TRUE;
}

static void
select_value (GtkDropDown *dropdown, GPtrArray *values, const char *value)
{
  for (guint i = 1; i < values->len; i++)
    if (g_strcmp0 (g_ptr_array_index (values, i), value) == 0)
      {
        gtk_drop_down_set_selected (dropdown, i);
        return;
      }
  gtk_drop_down_set_selected (dropdown, 0);
}

void
motcua_dashboard_window_set_scope (MotcuaDashboardWindow *self, const char *field, const char *procedure_code,
                                   const char *staff)
{
  g_return_if_fail (MOTCUA_IS_DASHBOARD_WINDOW (self));

  self->populating = TRUE;
  select_value (self->field_dropdown, self->field_values, field);
  select_value (self->procedure_dropdown, self->procedure_values, procedure_code);
  select_value (self->staff_dropdown, self->staff_values, staff);
  self->populating = FALSE;
  recount (self);
}

gboolean
motcua_dashboard_window_is_loaded (MotcuaDashboardWindow *self)
{
  return self->loaded;
}

const MotcuaStats *
motcua_dashboard_window_get_stats (MotcuaDashboardWindow *self)
{
  return self->stats;
}

const char *
motcua_dashboard_window_get_card_value (MotcuaDashboardWindow *self, const char *key)
{
  for (guint c = 0; c < G_N_ELEMENTS (card_keys); c++)
    if (g_str_equal (card_keys[c], key))
      return gtk_label_get_text (self->card_values[c]);
  return NULL;
}

guint
motcua_dashboard_window_get_n_rows (MotcuaDashboardWindow *self, MotcuaChartKind table)
{
  g_return_val_if_fail (table < N_TABLES, 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->tables[table]));
}

const char *
motcua_dashboard_window_get_cell (MotcuaDashboardWindow *self, MotcuaChartKind table, guint row, guint column)
{
  g_autoptr(MotcuaTableRow) item = NULL;

  g_return_val_if_fail (table < N_TABLES, NULL);
  item = g_list_model_get_item (G_LIST_MODEL (self->tables[table]), row);
  if (item == NULL || column >= g_strv_length (item->cells))
    return NULL;
  return item->cells[column];   /* the store keeps the row alive */
}

/* ---- life ------------------------------------------------------------------------ */

static void
motcua_dashboard_window_map (GtkWidget *widget)
{
  MotcuaDashboardWindow *self = MOTCUA_DASHBOARD_WINDOW (widget);

  GTK_WIDGET_CLASS (motcua_dashboard_window_parent_class)->map (widget);
  if (!self->started)
    {
      self->started = TRUE;
      recount (self);
    }
}

static void
motcua_dashboard_window_dispose (GObject *object)
{
  MotcuaDashboardWindow *self = MOTCUA_DASHBOARD_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  for (guint t = 0; t < N_TABLES; t++)
    if (self->charts[t] != NULL)
      motcua_chart_set_stats (self->charts[t], NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), MOTCUA_TYPE_DASHBOARD_WINDOW);
  for (guint t = 0; t < N_TABLES; t++)
    g_clear_object (&self->tables[t]);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_pointer (&self->stats, motcua_stats_free);
  G_OBJECT_CLASS (motcua_dashboard_window_parent_class)->dispose (object);
}

static void
motcua_dashboard_window_finalize (GObject *object)
{
  MotcuaDashboardWindow *self = MOTCUA_DASHBOARD_WINDOW (object);

  g_free (self->db_path);
  g_clear_pointer (&self->field_values, g_ptr_array_unref);
  g_clear_pointer (&self->procedure_values, g_ptr_array_unref);
  g_clear_pointer (&self->staff_values, g_ptr_array_unref);
  G_OBJECT_CLASS (motcua_dashboard_window_parent_class)->finalize (object);
}

static void
motcua_dashboard_window_class_init (MotcuaDashboardWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = motcua_dashboard_window_dispose;
  object_class->finalize = motcua_dashboard_window_finalize;
  widget_class->map = motcua_dashboard_window_map;

  signals[SIGNAL_LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/motcua/Desk/motcua-dashboard-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MotcuaDashboardWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, MotcuaDashboardWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, MotcuaDashboardWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, MotcuaDashboardWindow, period_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MotcuaDashboardWindow, custom_box);
  gtk_widget_class_bind_template_child (widget_class, MotcuaDashboardWindow, from_entry);
  gtk_widget_class_bind_template_child (widget_class, MotcuaDashboardWindow, to_entry);
  gtk_widget_class_bind_template_child (widget_class, MotcuaDashboardWindow, apply_button);
  gtk_widget_class_bind_template_child (widget_class, MotcuaDashboardWindow, field_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MotcuaDashboardWindow, procedure_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MotcuaDashboardWindow, staff_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MotcuaDashboardWindow, message_label);
  gtk_widget_class_bind_template_child (widget_class, MotcuaDashboardWindow, content_box);
  gtk_widget_class_bind_template_child (widget_class, MotcuaDashboardWindow, period_label);
  gtk_widget_class_bind_template_child (widget_class, MotcuaDashboardWindow, cards_box);

  gtk_widget_class_install_action (widget_class, "dashboard.export-csv", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "dashboard.export-pdf", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "dashboard.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "dashboard.print-register", NULL, print_register_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "dashboard.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
motcua_dashboard_window_init (MotcuaDashboardWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  motcua_focus_install (GTK_WINDOW (self));
  g_date_clear (&self->from, 1);
  g_date_clear (&self->to, 1);
  add_cards (self);
  add_sections (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dashboard.export-csv", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dashboard.export-pdf", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dashboard.print-register", FALSE);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->from_entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("First day"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->to_entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Last day"), -1);
  g_signal_connect_swapped (self->period_dropdown, "notify::selected", G_CALLBACK (period_changed), self);
  g_signal_connect_swapped (self->apply_button, "clicked", G_CALLBACK (recount), self);
  g_signal_connect_swapped (self->from_entry, "activate", G_CALLBACK (recount), self);
  g_signal_connect_swapped (self->to_entry, "activate", G_CALLBACK (recount), self);
}

MotcuaDashboardWindow *
motcua_dashboard_window_new (GtkWindow *parent, MotcuaStore *store)
{
  MotcuaDashboardWindow *self = g_object_new (MOTCUA_TYPE_DASHBOARD_WINDOW,
                                              "transient-for", parent,
                                              NULL);

  self->store = g_object_ref (store);
  self->db_path = g_strdup (motcua_store_get_path (store));
  self->populating = TRUE;
  load_choices (self);
  self->populating = FALSE;
  g_signal_connect_swapped (self->field_dropdown, "notify::selected", G_CALLBACK (recount), self);
  g_signal_connect_swapped (self->procedure_dropdown, "notify::selected", G_CALLBACK (recount), self);
  g_signal_connect_swapped (self->staff_dropdown, "notify::selected", G_CALLBACK (recount), self);
  return self;
}
