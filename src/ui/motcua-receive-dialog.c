/* motcua-receive-dialog.c: receiving a dossier at the counter (tiếp nhận).
 *
 * One window walks the clerk through the law's order: which procedure, which of its
 * documents were handed in, who applies, how it came in; then either the dossier is
 * received and its code issued, or, when the checklist is incomplete, the only two
 * outcomes the law allows: a supplement request (Form 02) or a refusal (Form 03).
 * Clerks receive hundreds of dossiers a month, so every step works from the keyboard
 * and an ID card's QR code fills the applicant in one scan.
 */

#include <glib/gi18n.h>
#include <string.h>

#include "motcua-cccd.h"
#include "motcua-focus.h"
#include "motcua-fold.h"
#include "motcua-receive-dialog.h"
#include "motcua-slip-printer.h"
#include "motcua-time.h"

typedef enum {
  STEP_PROCEDURE,
  STEP_DOCUMENTS,
  STEP_APPLICANT,
  STEP_CONFIRM,
  STEP_DONE,
} Step;

#define N_INPUT_STEPS 4

static const char * const step_names[] = { "procedure", "documents", "applicant", "confirm", "done" };

/* A scanner types a whole code in a fraction of a second and not every model ends it
 * with Enter: parse once the keystrokes have stopped for this long. */
#define SCAN_SETTLE_MS 300
/* The due date is counted from "now", which moves (and crosses 17:00) while the
 * applicant is at the counter. */
#define DUE_REFRESH_SECONDS 30
/* Rows a Page Up/Down in the search entry moves through the list. */
#define PAGE_ROWS 8

/* One procedure as the list shows it and the search matches it. */
typedef struct {
  MotcuaProcedure *procedure;
  char            *haystack;   /* folded code, name and field */
  char            *details;    /* "1.001193 · Hộ tịch · same day" */
} CatalogEntry;

struct _MotcuaReceiveDialog
{
  AdwWindow            parent_instance;

  /* Template widgets */
  AdwWindowTitle      *window_title;
  GtkStack            *stack;
  GtkSearchEntry      *procedure_search;
  GtkStack            *procedure_stack;
  GtkListView         *procedure_list;
  AdwStatusPage       *procedure_empty;
  GtkLabel            *procedure_title;
  GtkLabel            *procedure_details;
  AdwPreferencesGroup *required_group;
  AdwPreferencesGroup *optional_group;
  AdwEntryRow         *scan_row;
  AdwActionRow        *scan_result_row;
  GtkImage            *scan_result_icon;
  AdwEntryRow         *name_row;
  AdwEntryRow         *id_number_row;
  AdwActionRow        *birth_row;
  AdwActionRow        *sex_row;
  AdwEntryRow         *phone_row;
  AdwEntryRow         *email_row;
  AdwEntryRow         *address_row;
  AdwComboRow         *applicant_type_row;
  AdwComboRow         *channel_row;
  GtkSpinButton       *sets_spin;
  AdwActionRow        *due_row;
  AdwActionRow        *summary_procedure_row;
  AdwActionRow        *summary_applicant_row;
  AdwActionRow        *summary_documents_row;
  GtkWidget           *incomplete_box;
  AdwPreferencesGroup *missing_group;
  AdwEntryRow         *reason_row;
  AdwStatusPage       *done_page;
  GtkButton           *print_button;
  GtkLabel            *code_label;
  GtkButton           *open_button;
  GtkRevealer         *error_revealer;
  GtkLabel            *error_label;
  GtkWidget           *button_bar;
  GtkLabel            *step_label;
  GtkButton           *back_button;
  GtkButton           *next_button;
  GtkButton           *receive_button;
  GtkButton           *supplement_button;
  GtkButton           *refuse_button;

  /* Owned */
  MotcuaStore         *store;
  GHashTable          *catalog;          /* code → CatalogEntry */
  GtkCustomFilter     *filter;
  GtkSingleSelection  *selection;
  char               **search_words;     /* folded */
  GPtrArray           *document_rows;    /* AdwActionRow per document, catalog order */
  GPtrArray           *document_checks;  /* GtkCheckButton, parallel */
  GPtrArray           *missing_rows;     /* AdwActionRow per missing required document */
  char                *scanned_id;       /* the ID number the birth/sex rows belong to */
  char                *issued_code;
  char                *due_text;         /* the due line, plain */
  guint                scan_timeout;
  guint                due_timeout;

  /* Borrowed */
  MotcuaProcedure     *procedure;        /* the chosen one, owned by catalog */

  Step                 step;
  gboolean             received_emitted;
};

G_DEFINE_FINAL_TYPE (MotcuaReceiveDialog, motcua_receive_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

enum {
  RECEIVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void show_step          (MotcuaReceiveDialog *self,
                                Step                 step);
static void update_outcome     (MotcuaReceiveDialog *self);

/* ---- small helpers ------------------------------------------------------------ */

static const char *
weekday_name (int day_of_week)
{
  switch (day_of_week)
    {
    case 1: return _("Monday");
    case 2: return _("Tuesday");
    case 3: return _("Wednesday");
    case 4: return _("Thursday");
    case 5: return _("Friday");
    case 6: return _("Saturday");
    default: return _("Sunday");
    }
}

/* "17:00 Monday 24/11/2026": the order Vietnamese slips use, hour first. */
static char *
format_when (GDateTime *time)
{
  return g_strdup_printf ("%02d:%02d %s %02d/%02d/%04d",
                          g_date_time_get_hour (time), g_date_time_get_minute (time),
                          weekday_name (g_date_time_get_day_of_week (time)),
                          g_date_time_get_day_of_month (time), g_date_time_get_month (time),
                          g_date_time_get_year (time));
}

static char *
format_date (const GDate *date)
{
  return g_strdup_printf ("%02d/%02d/%04d", g_date_get_day (date), g_date_get_month (date),
                          g_date_get_year (date));
}

static char *
entry_text (gpointer editable)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (editable))));
}

/* Clerks type phone and ID numbers in groups ("0912 345 678", "001.092.012.345"). */
static char *
number_text (gpointer editable)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (editable));
  GString *digits = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    if (!strchr (" .-()", *p))
      g_string_append_c (digits, *p);
  return g_string_free (digits, FALSE);
}

static gboolean
is_number (const char *text, gsize min, gsize max, gboolean allow_plus)
{
  gsize length = strlen (text);

  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p) && !(allow_plus && p == text && *p == '+'))
      return FALSE;
  return length >= min && length <= max;
}

static void
set_row_error (GtkWidget *row, gboolean error)
{
  if (error)
    gtk_widget_add_css_class (row, "error");
  else
    gtk_widget_remove_css_class (row, "error");
}

static void
show_error (MotcuaReceiveDialog *self, const char *message)
{
  gtk_label_set_text (self->error_label, message);
  gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
}

static void
hide_error (MotcuaReceiveDialog *self)
{
  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
  gtk_label_set_text (self->error_label, "");
}

/* Refuses with a message and puts the cursor where the fix goes. */
static gboolean
reject_field (MotcuaReceiveDialog *self, gpointer row, const char *message)
{
  show_error (self, message);
  set_row_error (GTK_WIDGET (row), TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (row));
  return FALSE;
}

/* ---- the catalog and its search ------------------------------------------------- */

static void
catalog_entry_free (gpointer data)
{
  CatalogEntry *entry = data;

  motcua_procedure_free (entry->procedure);
  g_free (entry->haystack);
  g_free (entry->details);
  g_free (entry);
}

static CatalogEntry *
catalog_entry_new (MotcuaProcedure *procedure)
{
  CatalogEntry *entry = g_new0 (CatalogEntry, 1);
  g_autofree char *time = motcua_processing_time_describe (procedure->time_amount, procedure->time_unit);
  g_autofree char *joined = g_strjoin (" ", procedure->code, procedure->name,
                                       procedure->field ? procedure->field : "", NULL);

  entry->procedure = procedure;
  entry->haystack = motcua_fold_text (joined);
  if (procedure->field != NULL && *procedure->field != '\0')
    entry->details = g_strdup_printf ("%s · %s · %s", procedure->code, procedure->field, time);
  else
    entry->details = g_strdup_printf ("%s · %s", procedure->code, time);
  return entry;
}

static CatalogEntry *
entry_for_item (MotcuaReceiveDialog *self, gpointer item)
{
  return g_hash_table_lookup (self->catalog, gtk_string_object_get_string (GTK_STRING_OBJECT (item)));
}

/* Every word must appear somewhere, so "khai sinh ho tich" finds birth registration
 * whatever order the clerk remembers the words in. */
static gboolean
procedure_matches (gpointer item, gpointer user_data)
{
  MotcuaReceiveDialog *self = user_data;
  CatalogEntry *entry = entry_for_item (self, item);

  if (entry == NULL)
    return FALSE;
  for (guint i = 0; self->search_words != NULL && self->search_words[i] != NULL; i++)
    if (strstr (entry->haystack, self->search_words[i]) == NULL)
      return FALSE;
  return TRUE;
}

/* How far back the counter's habits are counted when ordering the catalog: a season's
 * work, so this month's rush of certified copies shows and last year's does not. */
#define CATALOG_USE_DAYS 90

static void
load_catalog (MotcuaReceiveDialog *self, GtkStringList *codes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = motcua_time_now (motcua_calendar_get_time_zone (motcua_store_get_calendar (self->store)));
  g_autoptr(GDateTime) since = g_date_time_add_days (now, -CATALOG_USE_DAYS);
  g_autoptr(GPtrArray) procedures = motcua_store_list_procedures_by_use (self->store, since, &error);

  if (procedures == NULL)
    {
      show_error (self, error->message);
      return;
    }
  /* The entries take the procedures over. */
  g_ptr_array_set_free_func (procedures, NULL);
  for (guint i = 0; i < procedures->len; i++)
    {
      MotcuaProcedure *procedure = g_ptr_array_index (procedures, i);

      g_hash_table_replace (self->catalog, procedure->code, catalog_entry_new (procedure));
      gtk_string_list_append (codes, procedure->code);
    }
}

static void
setup_procedure_row (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *details = gtk_label_new (NULL);

  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (title), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (details), 0);
  gtk_label_set_ellipsize (GTK_LABEL (details), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (details, "dim-label");
  gtk_widget_add_css_class (details, "caption");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), details);
  gtk_list_item_set_child (item, box);
}

static void
bind_procedure_row (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  CatalogEntry *entry = entry_for_item (user_data, gtk_list_item_get_item (item));
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *title = gtk_widget_get_first_child (box);
  GtkWidget *details = gtk_widget_get_next_sibling (title);

  if (entry == NULL)
    return;
  gtk_label_set_text (GTK_LABEL (title), entry->procedure->name);
  gtk_label_set_text (GTK_LABEL (details), entry->details);
}

static guint
n_matches (MotcuaReceiveDialog *self)
{
  return g_list_model_get_n_items (G_LIST_MODEL (self->selection));
}

static void
select_match (MotcuaReceiveDialog *self, guint position)
{
  gtk_single_selection_set_selected (self->selection, position);
  if (position != GTK_INVALID_LIST_POSITION)
    gtk_widget_activate_action (GTK_WIDGET (self->procedure_list), "list.scroll-to-item", "u", position);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "receive.next",
                                 self->step != STEP_PROCEDURE || position != GTK_INVALID_LIST_POSITION);
}

/* Synchronous, so a test (or a barcode reader typing a code) does not wait for the
 * search entry's typing delay. */
static void
apply_search (MotcuaReceiveDialog *self, const char *text)
{
  g_autofree char *folded = motcua_fold_text (text);
  g_auto(GStrv) words = g_strsplit_set (g_strstrip (folded), " \t", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) kept = NULL;

  for (guint i = 0; words[i] != NULL; i++)
    if (*words[i] != '\0')
      g_strv_builder_add (builder, words[i]);
  kept = g_strv_builder_end (builder);
  if (self->search_words != NULL && g_strv_equal ((const char * const *) kept,
                                                  (const char * const *) self->search_words))
    return;

  g_strfreev (self->search_words);
  self->search_words = g_steal_pointer (&kept);
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);

  if (n_matches (self) == 0)
    {
      /* The status page reads markup; the clerk's text is not. */
      g_autofree char *description =
        g_markup_printf_escaped (_("Nothing in the catalog matches “%s”. Try fewer words, or the procedure's code."), text);

      adw_status_page_set_description (self->procedure_empty, description);
      gtk_stack_set_visible_child_name (self->procedure_stack, "empty");
      select_match (self, GTK_INVALID_LIST_POSITION);
    }
  else
    {
      gtk_stack_set_visible_child_name (self->procedure_stack, "list");
      select_match (self, 0);
    }
}

static void
on_search_changed (GtkSearchEntry *entry, MotcuaReceiveDialog *self)
{
  apply_search (self, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

/* Escape clears a search first, so one slip of the finger does not lose the dialog. */
static void
on_stop_search (GtkSearchEntry *entry, MotcuaReceiveDialog *self)
{
  if (*gtk_editable_get_text (GTK_EDITABLE (entry)) != '\0')
    gtk_editable_set_text (GTK_EDITABLE (entry), "");
  else
    gtk_widget_activate_action (GTK_WIDGET (self), "receive.cancel", NULL);
}

/* Up and Down move through the matches while the cursor stays in the search, the way
 * a clerk refines and picks without reaching for the mouse. */
static gboolean
on_search_key_pressed (GtkEventControllerKey *controller, guint keyval, guint keycode,
                       GdkModifierType state, MotcuaReceiveDialog *self)
{
  guint n, selected;
  int delta;

  switch (keyval)
    {
    case GDK_KEY_Down: case GDK_KEY_KP_Down:           delta = 1; break;
    case GDK_KEY_Up: case GDK_KEY_KP_Up:               delta = -1; break;
    case GDK_KEY_Page_Down: case GDK_KEY_KP_Page_Down: delta = PAGE_ROWS; break;
    case GDK_KEY_Page_Up: case GDK_KEY_KP_Page_Up:     delta = -PAGE_ROWS; break;
    default:                                           return FALSE;
    }
  /* Move within the matches for what is typed now, not before the typing delay. */
  apply_search (self, gtk_editable_get_text (GTK_EDITABLE (self->procedure_search)));
  n = n_matches (self);
  selected = gtk_single_selection_get_selected (self->selection);
  if (n == 0)
    return TRUE;
  if (selected == GTK_INVALID_LIST_POSITION)
    selected = 0;
  else
    selected = (guint) CLAMP ((int) selected + delta, 0, (int) n - 1);
  select_match (self, selected);
  return TRUE;
}

/* ---- the checklist ------------------------------------------------------------------ */

static void
clear_checklist (MotcuaReceiveDialog *self)
{
  for (guint i = 0; i < self->document_rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->document_rows, i);
      AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP));

      adw_preferences_group_remove (group, row);
    }
  g_ptr_array_set_size (self->document_rows, 0);
  g_ptr_array_set_size (self->document_checks, 0);
}

static guint
count_missing (MotcuaReceiveDialog *self)
{
  guint missing = 0;

  if (self->procedure == NULL)
    return 0;
  for (guint i = 0; i < self->document_checks->len; i++)
    {
      MotcuaProcedureDocument *doc = g_ptr_array_index (self->procedure->documents, i);

      if (doc->required && !gtk_check_button_get_active (g_ptr_array_index (self->document_checks, i)))
        missing++;
    }
  return missing;
}

static void
on_document_toggled (GtkCheckButton *check, MotcuaReceiveDialog *self)
{
  update_outcome (self);
}

static GtkWidget *
document_row_new (MotcuaReceiveDialog *self, MotcuaProcedureDocument *doc, guint index)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();
  g_autofree char *widget_name = g_strdup_printf ("document-%u", index);
  g_autofree char *subtitle = doc->required
    ? g_strdup_printf (_("%d × %s"), doc->quantity, motcua_document_kind_label (doc->kind))
    : g_strdup_printf (_("%d × %s, if applicable"), doc->quantity, motcua_document_kind_label (doc->kind));

  /* Catalog text is plain: an "&" in a document name must not break the row. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), doc->name);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  gtk_widget_set_name (check, widget_name);
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (check),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, doc->name,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, subtitle,
                                  -1);
  g_signal_connect_object (check, "toggled", G_CALLBACK (on_document_toggled), self, 0);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);

  g_ptr_array_add (self->document_rows, row);
  g_ptr_array_add (self->document_checks, check);
  return row;
}

static void
build_checklist (MotcuaReceiveDialog *self)
{
  MotcuaProcedure *procedure = self->procedure;
  g_autofree char *time = motcua_processing_time_describe (procedure->time_amount, procedure->time_unit);
  g_autofree char *details = NULL;
  gboolean any_required = FALSE, any_optional = FALSE;

  clear_checklist (self);
  for (guint i = 0; i < procedure->documents->len; i++)
    {
      MotcuaProcedureDocument *doc = g_ptr_array_index (procedure->documents, i);
      GtkWidget *row = document_row_new (self, doc, i);

      adw_preferences_group_add (doc->required ? self->required_group : self->optional_group, row);
      any_required |= doc->required;
      any_optional |= !doc->required;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->required_group), any_required);
  gtk_widget_set_visible (GTK_WIDGET (self->optional_group), any_optional);

  if (procedure->field != NULL && *procedure->field != '\0')
    details = g_strdup_printf (_("Code %s · %s · processing time: %s"), procedure->code, procedure->field, time);
  else
    details = g_strdup_printf (_("Code %s · processing time: %s"), procedure->code, time);
  gtk_label_set_text (self->procedure_title, procedure->name);
  gtk_label_set_text (self->procedure_details, details);
  adw_window_title_set_subtitle (self->window_title, procedure->name);
}

static void
choose_procedure (MotcuaReceiveDialog *self, CatalogEntry *entry)
{
  /* Going back and forth must not untick what the clerk already ticked. */
  if (self->procedure != entry->procedure)
    {
      self->procedure = entry->procedure;
      build_checklist (self);
    }
  show_step (self, STEP_DOCUMENTS);
}

static void
choose_selected_procedure (MotcuaReceiveDialog *self)
{
  gpointer item = gtk_single_selection_get_selected_item (self->selection);

  if (item == NULL)
    {
      show_error (self, _("Choose a procedure first: type part of its name or its code."));
      return;
    }
  choose_procedure (self, entry_for_item (self, item));
}

/* A fast typist presses Enter before the entry's typing delay has run the search:
 * run it now, or Enter would take a match for the text as it was. */
static void
on_search_activated (GtkSearchEntry *entry, MotcuaReceiveDialog *self)
{
  apply_search (self, gtk_editable_get_text (GTK_EDITABLE (entry)));
  choose_selected_procedure (self);
}

static void
on_procedure_activated (GtkListView *list, guint position, MotcuaReceiveDialog *self)
{
  select_match (self, position);
  choose_selected_procedure (self);
}

/* ---- the applicant and the ID card --------------------------------------------------- */

static void
show_scan_result (MotcuaReceiveDialog *self, gboolean ok, const char *message)
{
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->scan_result_row), message);
  gtk_image_set_from_icon_name (self->scan_result_icon, ok ? "emblem-ok-symbolic" : "dialog-error-symbolic");
  gtk_widget_remove_css_class (GTK_WIDGET (self->scan_result_icon), ok ? "error" : "success");
  gtk_widget_add_css_class (GTK_WIDGET (self->scan_result_icon), ok ? "success" : "error");
  set_row_error (GTK_WIDGET (self->scan_result_row), !ok);
  gtk_widget_set_visible (GTK_WIDGET (self->scan_result_row), TRUE);
}

static void
show_card_details (MotcuaReceiveDialog *self, const MotcuaCccd *cccd)
{
  g_autofree char *birth = format_date (&cccd->birth_date);

  adw_action_row_set_subtitle (self->birth_row, birth);
  adw_action_row_set_subtitle (self->sex_row, cccd->female ? _("Female") : _("Male"));
  gtk_widget_set_visible (GTK_WIDGET (self->birth_row), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->sex_row), TRUE);
  g_free (self->scanned_id);
  self->scanned_id = g_strdup (cccd->id_number);
}

static void
hide_card_details (MotcuaReceiveDialog *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->birth_row), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->sex_row), FALSE);
  g_clear_pointer (&self->scanned_id, g_free);
}

/* All or nothing: a half-read card must never leave half an applicant behind. */
static void
apply_scan (MotcuaReceiveDialog *self)
{
  g_autofree char *text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->scan_row)));
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaCccd) cccd = NULL;
  g_autofree char *message = NULL;

  g_clear_handle_id (&self->scan_timeout, g_source_remove);
  if (*g_strstrip (text) == '\0')
    return;

  cccd = motcua_cccd_parse (text, &error);
  if (cccd == NULL)
    {
      show_scan_result (self, FALSE, error->message);
      /* The next scan replaces the bad text instead of appending to it. */
      gtk_widget_grab_focus (GTK_WIDGET (self->scan_row));
      gtk_editable_select_region (GTK_EDITABLE (self->scan_row), 0, -1);
      return;
    }

  gtk_editable_set_text (GTK_EDITABLE (self->name_row), cccd->full_name);
  gtk_editable_set_text (GTK_EDITABLE (self->id_number_row), cccd->id_number);
  gtk_editable_set_text (GTK_EDITABLE (self->address_row), cccd->address);
  adw_combo_row_set_selected (self->applicant_type_row, 0);   /* a card means a citizen */
  show_card_details (self, cccd);

  /* The code is personal data: it has done its job and should not sit on screen. */
  gtk_editable_set_text (GTK_EDITABLE (self->scan_row), "");
  message = g_strdup_printf (_("Filled in from the ID card of %s."), cccd->full_name);
  show_scan_result (self, TRUE, message);
  gtk_widget_grab_focus (GTK_WIDGET (self->phone_row));
}

static gboolean
scan_settled (gpointer user_data)
{
  MotcuaReceiveDialog *self = user_data;

  self->scan_timeout = 0;
  apply_scan (self);
  return G_SOURCE_REMOVE;
}

static void
on_scan_changed (GtkEditable *editable, MotcuaReceiveDialog *self)
{
  const char *text = gtk_editable_get_text (editable);

  g_clear_handle_id (&self->scan_timeout, g_source_remove);
  if (strchr (text, '|') != NULL)
    self->scan_timeout = g_timeout_add (SCAN_SETTLE_MS, scan_settled, self);
  else if (*text == '\0')
    gtk_widget_set_visible (GTK_WIDGET (self->scan_result_row), FALSE);
}

static void
on_scan_activated (AdwEntryRow *row, MotcuaReceiveDialog *self)
{
  apply_scan (self);
}

/* Birth date and sex come only from a card; once the ID number is typed over they
 * describe someone else. */
static void
on_id_number_changed (GtkEditable *editable, MotcuaReceiveDialog *self)
{
  g_autofree char *id = number_text (editable);

  if (self->scanned_id != NULL && g_strcmp0 (id, self->scanned_id) != 0)
    hide_card_details (self);
}

static void
on_field_changed (GtkEditable *editable, MotcuaReceiveDialog *self)
{
  set_row_error (GTK_WIDGET (editable), FALSE);
}

/* Where an ID card code starts in @text: the 12 digits before a "|", the way every
 * code begins; NULL when there is none. */
static const char *
find_scan_start (const char *text)
{
  for (const char *bar = strchr (text, '|'); bar != NULL; bar = strchr (bar + 1, '|'))
    {
      gsize offset = bar - text;
      gboolean digits = offset >= 12;

      for (gsize i = offset - 12; digits && i < offset; i++)
        digits = g_ascii_isdigit (text[i]);
      /* A digit just before is the end of what the clerk typed ("Xóm 3"). */
      if (digits)
        return bar - 12;
    }
  return NULL;
}

/* A clerk scans whenever the card is at hand, wherever the cursor is: a code typed
 * into a field moves to the scan field, and the rest of it follows the focus there. */
static void
redirect_scan (MotcuaReceiveDialog *self, GtkEditable *editable)
{
  const char *text = gtk_editable_get_text (editable);
  const char *start = find_scan_start (text);
  g_autofree char *before = NULL;
  g_autofree char *code = NULL;

  if (start == NULL)
    return;
  before = g_strndup (text, start - text);
  code = g_strdup (start);
  gtk_editable_set_text (editable, before);
  gtk_editable_set_text (GTK_EDITABLE (self->scan_row), code);
  gtk_widget_grab_focus (GTK_WIDGET (self->scan_row));
  gtk_editable_set_position (GTK_EDITABLE (self->scan_row), -1);
}

static void
on_applicant_changed (GtkEditable *editable, MotcuaReceiveDialog *self)
{
  set_row_error (GTK_WIDGET (editable), FALSE);
  if (strchr (gtk_editable_get_text (editable), '|') != NULL)
    redirect_scan (self, editable);
}

static gboolean
check_applicant (MotcuaReceiveDialog *self)
{
  g_autofree char *name = entry_text (self->name_row);
  g_autofree char *id = number_text (self->id_number_row);
  g_autofree char *phone = number_text (self->phone_row);
  g_autofree char *email = entry_text (self->email_row);

  if (*name == '\0')
    return reject_field (self, self->name_row, _("Enter the applicant's full name, or scan their ID card."));
  if (*id != '\0' && !is_number (id, 12, 12, FALSE) && !is_number (id, 9, 9, FALSE))
    return reject_field (self, self->id_number_row,
                         _("An ID number has 12 digits (citizen ID card) or 9 digits (old ID card)."));
  if (*phone != '\0' && !is_number (phone, 9, 12, TRUE))
    return reject_field (self, self->phone_row, _("A phone number has 9 to 12 digits."));
  if (*email != '\0' && (strchr (email, '@') == NULL || strchr (email, ' ') != NULL))
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not an email address."), email);
      return reject_field (self, self->email_row, message);
    }
  return TRUE;
}

/* ---- due date and outcome -------------------------------------------------------------- */

static char *
describe_due (MotcuaReceiveDialog *self)
{
  MotcuaProcedure *procedure = self->procedure;
  MotcuaCalendar *calendar;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) due = NULL;
  g_autofree char *when = NULL;
  g_autofree char *time = NULL;

  if (procedure == NULL)
    return NULL;
  if (procedure->time_amount < 0 && procedure->time_unit != MOTCUA_TIME_UNIT_SAME_DAY)
    return g_strdup (_("Due: not set in the catalog"));

  calendar = motcua_store_get_calendar (self->store);
  now = motcua_time_now (motcua_calendar_get_time_zone (calendar));
  due = motcua_calendar_due (calendar, now, procedure->time_amount, procedure->time_unit);
  when = format_when (due);
  time = motcua_processing_time_describe (procedure->time_amount, procedure->time_unit);
  return g_strdup_printf (_("Due: %s (%s)"), when, time);
}

/* The row shows the line in bold (markup); tests and the done page read it plain. */
static void
set_due_line (MotcuaReceiveDialog *self, const char *line, const char *explanation)
{
  g_autofree char *markup = g_markup_printf_escaped ("<b>%s</b>", line);
  g_autofree char *escaped = g_markup_escape_text (explanation, -1);

  g_free (self->due_text);
  self->due_text = g_strdup (line);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->due_row), markup);
  adw_action_row_set_subtitle (self->due_row, escaped);
}

static void
update_due (MotcuaReceiveDialog *self)
{
  g_autofree char *due = NULL;

  if (self->procedure == NULL)
    return;
  if (count_missing (self) > 0)
    {
      set_due_line (self, _("No due date yet"),
                    _("The clock starts only when every required document is handed in."));
      return;
    }
  due = describe_due (self);
  set_due_line (self, due, _("Counted from now on the office's working-time calendar"));
}

/* The due date may depend on how the dossier came in (online time limits). */
static void
on_submission_changed (GObject *object, GParamSpec *pspec, MotcuaReceiveDialog *self)
{
  update_due (self);
}

static gboolean
refresh_due (gpointer user_data)
{
  update_due (user_data);
  return G_SOURCE_CONTINUE;
}

static void
clear_missing_rows (MotcuaReceiveDialog *self)
{
  for (guint i = 0; i < self->missing_rows->len; i++)
    adw_preferences_group_remove (self->missing_group, g_ptr_array_index (self->missing_rows, i));
  g_ptr_array_set_size (self->missing_rows, 0);
}

static GtkWidget *
missing_row_new (MotcuaProcedureDocument *doc)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = g_object_new (GTK_TYPE_IMAGE,
                                  "icon-name", "dialog-warning-symbolic",
                                  "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                                  NULL);
  g_autofree char *subtitle = g_strdup_printf (_("%d × %s"), doc->quantity, motcua_document_kind_label (doc->kind));

  gtk_widget_add_css_class (icon, "warning");
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), doc->name);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_name (row, "missing-document");
  return row;
}

/* Form 02 must list everything missing at once, so each missing document is shown
 * as plainly as the checklist showed it. */
static guint
update_missing_rows (MotcuaReceiveDialog *self)
{
  clear_missing_rows (self);
  for (guint i = 0; self->procedure != NULL && i < self->document_checks->len; i++)
    {
      MotcuaProcedureDocument *doc = g_ptr_array_index (self->procedure->documents, i);
      GtkWidget *row;

      if (!doc->required || gtk_check_button_get_active (g_ptr_array_index (self->document_checks, i)))
        continue;
      row = missing_row_new (doc);
      adw_preferences_group_add (self->missing_group, row);
      g_ptr_array_add (self->missing_rows, row);
    }
  return self->missing_rows->len;
}

static void
update_summary (MotcuaReceiveDialog *self)
{
  g_autofree char *name = entry_text (self->name_row);
  g_autofree char *id = number_text (self->id_number_row);
  g_autofree char *procedure = NULL;
  g_autofree char *documents = NULL;
  g_autofree char *applicant = NULL;
  guint required = 0, ticked = 0, missing = count_missing (self);

  if (self->procedure == NULL)
    return;
  for (guint i = 0; i < self->document_checks->len; i++)
    {
      MotcuaProcedureDocument *doc = g_ptr_array_index (self->procedure->documents, i);

      required += doc->required;
      ticked += gtk_check_button_get_active (g_ptr_array_index (self->document_checks, i));
    }
  procedure = g_strdup_printf ("%s (%s)", self->procedure->name, self->procedure->code);
  applicant = *id ? g_strdup_printf (_("%s, ID number %s"), name, id) : g_strdup (name);
  documents = g_strdup_printf (_("%u of %u required documents handed in; %u ticked in all"),
                               required - missing, required, ticked);
  adw_action_row_set_subtitle (self->summary_procedure_row, procedure);
  adw_action_row_set_subtitle (self->summary_applicant_row, applicant);
  adw_action_row_set_subtitle (self->summary_documents_row, documents);
}

/* Receive, or (incomplete) supplement request / refusal: the buttons follow the
 * checklist, so the clerk can never receive an incomplete dossier. */
static void
update_buttons (MotcuaReceiveDialog *self)
{
  gboolean confirm = self->step == STEP_CONFIRM;
  gboolean complete = count_missing (self) == 0;
  GtkWidget *default_widget = NULL;

  gtk_widget_set_visible (self->button_bar, self->step != STEP_DONE);
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), self->step > STEP_PROCEDURE && self->step < STEP_DONE);
  gtk_widget_set_visible (GTK_WIDGET (self->next_button), self->step < STEP_CONFIRM);
  gtk_widget_set_visible (GTK_WIDGET (self->receive_button), confirm && complete);
  gtk_widget_set_visible (GTK_WIDGET (self->supplement_button), confirm && !complete);
  gtk_widget_set_visible (GTK_WIDGET (self->refuse_button), confirm && !complete);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "receive.back", self->step > STEP_PROCEDURE && self->step < STEP_DONE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "receive.next",
                                 self->step < STEP_CONFIRM
                                 && (self->step != STEP_PROCEDURE
                                     || gtk_single_selection_get_selected_item (self->selection) != NULL));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "receive.confirm", confirm && complete);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "receive.request-supplement", confirm && !complete);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "receive.refuse", confirm && !complete);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "receive.tick-all", self->step == STEP_DOCUMENTS);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "receive.open-dossier", self->step == STEP_DONE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "receive.another", self->step == STEP_DONE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "receive.copy-code", self->step == STEP_DONE);

  /* Enter must never pick between supplement and refusal: that choice is made on
   * purpose, with its mnemonic or a click. */
  if (self->step < STEP_CONFIRM)
    default_widget = GTK_WIDGET (self->next_button);
  else if (confirm && complete)
    default_widget = GTK_WIDGET (self->receive_button);
  else if (self->step == STEP_DONE)
    default_widget = GTK_WIDGET (self->open_button);
  gtk_window_set_default_widget (GTK_WINDOW (self), default_widget);
}

static void
update_outcome (MotcuaReceiveDialog *self)
{
  gtk_widget_set_visible (self->incomplete_box, update_missing_rows (self) > 0);
  update_due (self);
  update_summary (self);
  update_buttons (self);
}

/* ---- steps ------------------------------------------------------------------------------ */

static void
focus_step (MotcuaReceiveDialog *self)
{
  switch (self->step)
    {
    case STEP_PROCEDURE:
      gtk_widget_grab_focus (GTK_WIDGET (self->procedure_search));
      break;
    case STEP_DOCUMENTS:
      /* Straight to the first document still to tick. */
      for (guint i = 0; i < self->document_rows->len; i++)
        if (!gtk_check_button_get_active (g_ptr_array_index (self->document_checks, i)))
          {
            gtk_widget_grab_focus (g_ptr_array_index (self->document_rows, i));
            return;
          }
      gtk_widget_grab_focus (GTK_WIDGET (self->next_button));
      break;
    case STEP_APPLICANT:
      /* Typing works for everyone; a scan finds its way from any field. */
      gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
      break;
    case STEP_CONFIRM:
      if (count_missing (self) > 0)
        gtk_widget_grab_focus (GTK_WIDGET (self->reason_row));
      else
        gtk_widget_grab_focus (GTK_WIDGET (self->receive_button));
      break;
    case STEP_DONE:
    default:
      gtk_widget_grab_focus (GTK_WIDGET (self->open_button));
      /* The hidden confirm button handed the focus to the code on its way, and a
       * selectable label selects all it gets; the code reads better plain. */
      gtk_label_select_region (self->code_label, 0, 0);
      break;
    }
}

static void
show_step (MotcuaReceiveDialog *self, Step step)
{
  GtkStackPage *page;

  self->step = step;
  gtk_stack_set_visible_child_name (self->stack, step_names[step]);
  hide_error (self);

  page = gtk_stack_get_page (self->stack, gtk_stack_get_visible_child (self->stack));
  if (step < STEP_DONE)
    {
      g_autofree char *text = g_strdup_printf (_("Step %d of %d: %s"), step + 1, N_INPUT_STEPS,
                                               gtk_stack_page_get_title (page));
      gtk_label_set_text (self->step_label, text);
    }
  if (step == STEP_PROCEDURE)
    adw_window_title_set_subtitle (self->window_title, NULL);

  update_outcome (self);
  focus_step (self);
}

static void
back_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  MotcuaReceiveDialog *self = MOTCUA_RECEIVE_DIALOG (widget);

  if (self->step > STEP_PROCEDURE && self->step < STEP_DONE)
    show_step (self, self->step - 1);
}

static void
next_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  MotcuaReceiveDialog *self = MOTCUA_RECEIVE_DIALOG (widget);

  switch (self->step)
    {
    case STEP_PROCEDURE:
      choose_selected_procedure (self);
      break;
    case STEP_DOCUMENTS:
      show_step (self, STEP_APPLICANT);
      break;
    case STEP_APPLICANT:
      if (check_applicant (self))
        show_step (self, STEP_CONFIRM);
      break;
    case STEP_CONFIRM:
    case STEP_DONE:
    default:
      break;
    }
}

static void
tick_all_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  MotcuaReceiveDialog *self = MOTCUA_RECEIVE_DIALOG (widget);

  for (guint i = 0; i < self->document_checks->len; i++)
    if (((MotcuaProcedureDocument *) g_ptr_array_index (self->procedure->documents, i))->required)
      gtk_check_button_set_active (g_ptr_array_index (self->document_checks, i), TRUE);
}

/* ---- creating the dossier ---------------------------------------------------------------- */

static void
emit_received (MotcuaReceiveDialog *self)
{
  if (self->issued_code == NULL || self->received_emitted)
    return;
  self->received_emitted = TRUE;
  g_signal_emit (self, signals[RECEIVED], 0, self->issued_code);
}

static void
show_done (MotcuaReceiveDialog *self, MotcuaDossier *dossier)
{
  MotcuaStatus status = motcua_dossier_get_status (dossier);
  g_autoptr(GDateTime) due = motcua_time_parse (motcua_dossier_get_due_at (dossier), NULL);
  g_autofree char *description = NULL;

  g_free (self->issued_code);
  self->issued_code = g_strdup (motcua_dossier_get_code (dossier));
  self->received_emitted = FALSE;
  gtk_label_set_text (self->code_label, self->issued_code);

  switch (status)
    {
    case MOTCUA_STATUS_SUPPLEMENT:
      adw_status_page_set_icon_name (self->done_page, "document-edit-symbolic");
      adw_status_page_set_title (self->done_page, _("Supplement Requested"));
      description = g_strdup (_("Give the applicant the supplement request (Form 02) listing every missing document. "
                                "The clock starts when they hand them in."));
      break;
    case MOTCUA_STATUS_REFUSED:
      adw_status_page_set_icon_name (self->done_page, "action-unavailable-symbolic");
      adw_status_page_set_title (self->done_page, _("Dossier Refused"));
      description = g_strdup (_("Give the applicant the refusal (Form 03) with the reason."));
      break;
    default:
      {
        g_autofree char *when = due ? format_when (due) : NULL;

        adw_status_page_set_icon_name (self->done_page, "emblem-ok-symbolic");
        adw_status_page_set_title (self->done_page, _("Dossier Received"));
        description = when ? g_strdup_printf (_("Give the applicant the receipt slip (Form 01) with this code. Due: %s."), when)
                           : g_strdup (_("Give the applicant the receipt slip (Form 01) with this code."));
      }
      break;
    }
  adw_status_page_set_description (self->done_page, description);
  gtk_button_set_label (self->print_button, status == MOTCUA_STATUS_SUPPLEMENT ? _("_Print Supplement Request (Form 02)")
                                            : status == MOTCUA_STATUS_REFUSED ? _("_Print Refusal (Form 03)")
                                            : _("_Print Receipt (Form 01)"));
  adw_window_title_set_subtitle (self->window_title, self->issued_code);
  show_step (self, STEP_DONE);
}

static void
submit (MotcuaReceiveDialog *self, int on_incomplete)
{
  g_autofree char *name = entry_text (self->name_row);
  g_autofree char *id = number_text (self->id_number_row);
  g_autofree char *phone = number_text (self->phone_row);
  g_autofree char *email = entry_text (self->email_row);
  g_autofree char *address = entry_text (self->address_row);
  g_autofree char *reason = entry_text (self->reason_row);
  g_autoptr(GPtrArray) provided = g_ptr_array_new ();
  g_autoptr(MotcuaDossier) dossier = NULL;
  g_autoptr(GError) error = NULL;
  MotcuaReceiveRequest request = { 0 };

  for (guint i = 0; i < self->document_checks->len; i++)
    if (gtk_check_button_get_active (g_ptr_array_index (self->document_checks, i)))
      g_ptr_array_add (provided, ((MotcuaProcedureDocument *) g_ptr_array_index (self->procedure->documents, i))->name);
  g_ptr_array_add (provided, NULL);

  request.procedure_code = self->procedure->code;
  request.applicant_name = name;
  request.applicant_id_number = id;
  request.applicant_phone = phone;
  request.applicant_email = email;
  request.applicant_address = address;
  request.applicant_type = (int) adw_combo_row_get_selected (self->applicant_type_row) + 1;
  request.channel = (MotcuaChannel) (adw_combo_row_get_selected (self->channel_row) + MOTCUA_CHANNEL_IN_PERSON);
  request.sets = gtk_spin_button_get_value_as_int (self->sets_spin);
  request.documents_provided = (const char * const *) provided->pdata;
  request.on_incomplete = on_incomplete;
  request.reason = *reason ? reason : NULL;

  dossier = motcua_store_receive (self->store, &request, &error);
  if (dossier == NULL)
    {
      show_error (self, error->message);
      return;
    }
  show_done (self, dossier);
}

static void
confirm_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  MotcuaReceiveDialog *self = MOTCUA_RECEIVE_DIALOG (widget);

  if (self->step == STEP_CONFIRM && count_missing (self) == 0)
    submit (self, MOTCUA_INCOMPLETE_REFUSE_TO_RECEIVE);
}

static void
request_supplement_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  MotcuaReceiveDialog *self = MOTCUA_RECEIVE_DIALOG (widget);

  if (self->step == STEP_CONFIRM && count_missing (self) > 0)
    submit (self, MOTCUA_INCOMPLETE_REQUEST_SUPPLEMENT);
}

static void
refuse_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  MotcuaReceiveDialog *self = MOTCUA_RECEIVE_DIALOG (widget);
  g_autofree char *reason = entry_text (self->reason_row);

  if (self->step != STEP_CONFIRM || count_missing (self) == 0)
    return;
  /* Form 03 must state the specific reason; say so before the core refuses. */
  if (*reason == '\0')
    {
      reject_field (self, self->reason_row, _("A refusal (Form 03) must give the applicant the specific reason: type it in Reason."));
      return;
    }
  submit (self, MOTCUA_INCOMPLETE_REFUSE);
}

/* Advancing with Ctrl+Enter works from any field, even one that keeps Enter. */
static void
advance_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  MotcuaReceiveDialog *self = MOTCUA_RECEIVE_DIALOG (widget);

  if (self->step < STEP_CONFIRM)
    next_action (widget, name, parameter);
  else if (self->step == STEP_CONFIRM)
    confirm_action (widget, name, parameter);
}

/* ---- after the dossier exists --------------------------------------------------------------- */

static void
reset (MotcuaReceiveDialog *self)
{
  AdwEntryRow *entries[] = { self->scan_row, self->name_row, self->id_number_row, self->phone_row,
                             self->email_row, self->address_row, self->reason_row };

  clear_checklist (self);
  self->procedure = NULL;
  g_clear_pointer (&self->issued_code, g_free);
  self->received_emitted = FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    {
      gtk_editable_set_text (GTK_EDITABLE (entries[i]), "");
      set_row_error (GTK_WIDGET (entries[i]), FALSE);
    }
  hide_card_details (self);
  gtk_widget_set_visible (GTK_WIDGET (self->scan_result_row), FALSE);
  adw_combo_row_set_selected (self->applicant_type_row, 0);
  adw_combo_row_set_selected (self->channel_row, 0);
  gtk_spin_button_set_value (self->sets_spin, 1);
  gtk_editable_set_text (GTK_EDITABLE (self->procedure_search), "");
  apply_search (self, "");
}

static void
open_dossier_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  MotcuaReceiveDialog *self = MOTCUA_RECEIVE_DIALOG (widget);

  emit_received (self);
  gtk_window_close (GTK_WINDOW (self));
}

/* The next applicant is usually already waiting. */
static void
another_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  MotcuaReceiveDialog *self = MOTCUA_RECEIVE_DIALOG (widget);

  emit_received (self);
  reset (self);
  show_step (self, STEP_PROCEDURE);
}

static void
copy_code_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  MotcuaReceiveDialog *self = MOTCUA_RECEIVE_DIALOG (widget);

  if (self->issued_code != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->issued_code);
}

/* The slip the counter's outcome calls for: the receipt, the supplement request or the
 * refusal, printed while the applicant is still at the counter. */
const char *
motcua_receive_dialog_get_slip_form (MotcuaReceiveDialog *self)
{
  g_autoptr(MotcuaDossier) dossier = NULL;

  if (self->issued_code == NULL
      || (dossier = motcua_store_get_dossier (self->store, self->issued_code, NULL)) == NULL)
    return NULL;
  switch (motcua_dossier_get_status (dossier))
    {
    case MOTCUA_STATUS_SUPPLEMENT: return "02";
    case MOTCUA_STATUS_REFUSED:    return "03";
    default:                       return "01";
    }
}

static void
print_slip_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  MotcuaReceiveDialog *self = MOTCUA_RECEIVE_DIALOG (widget);
  const char *form = motcua_receive_dialog_get_slip_form (self);
  g_autoptr(MotcuaSlipDocument) document = NULL;
  g_autoptr(GError) error = NULL;

  if (form == NULL)
    return;
  document = motcua_slip_printer_prepare (self->store, self->issued_code, form, &error);
  if (document == NULL
      || !motcua_slip_printer_run (GTK_WINDOW (self), document, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG, NULL, &error))
    show_error (self, error->message);
}

/* ---- cancelling ------------------------------------------------------------------------------ */

static gboolean
has_input (MotcuaReceiveDialog *self)
{
  AdwEntryRow *entries[] = { self->name_row, self->id_number_row, self->phone_row,
                             self->email_row, self->address_row, self->reason_row };

  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    if (*gtk_editable_get_text (GTK_EDITABLE (entries[i])) != '\0')
      return TRUE;
  return FALSE;
}

static gboolean
close_when_idle (gpointer user_data)
{
  gtk_window_close (GTK_WINDOW (user_data));
  return G_SOURCE_REMOVE;
}

/* The question closes itself after this returns; closing its parent first would
 * leave it transient for a finalized window. */
static void
on_discard_response (AdwMessageDialog *dialog, const char *response, MotcuaReceiveDialog *self)
{
  if (g_str_equal (response, "discard"))
    g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, close_when_idle, g_object_ref (self), g_object_unref);
}

/* Escape cancels; but an applicant's details typed at the counter are worth one
 * question before they are thrown away. */
static void
cancel_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  MotcuaReceiveDialog *self = MOTCUA_RECEIVE_DIALOG (widget);
  AdwMessageDialog *dialog;

  if (self->step == STEP_DONE || !has_input (self))
    {
      gtk_window_close (GTK_WINDOW (self));
      return;
    }
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Discard This Dossier?"),
                                                       _("The applicant's details you typed will be lost.")));
  adw_message_dialog_add_responses (dialog, "keep", _("_Keep Editing"), "discard", _("_Discard"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "discard", ADW_RESPONSE_DESTRUCTIVE);
  /* Escape twice keeps editing; Escape then Enter confirms what Escape meant. */
  adw_message_dialog_set_default_response (dialog, "discard");
  adw_message_dialog_set_close_response (dialog, "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_discard_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* However the dialog closes, a dossier it created is announced, so the queue shows it. */
static gboolean
motcua_receive_dialog_close_request (GtkWindow *window)
{
  emit_received (MOTCUA_RECEIVE_DIALOG (window));
  return GTK_WINDOW_CLASS (motcua_receive_dialog_parent_class)->close_request (window);
}

/* ---- GObject ------------------------------------------------------------------------------- */

static void
motcua_receive_dialog_constructed (GObject *object)
{
  MotcuaReceiveDialog *self = MOTCUA_RECEIVE_DIALOG (object);
  GtkStringList *codes = gtk_string_list_new (NULL);
  GtkFilterListModel *filtered;

  G_OBJECT_CLASS (motcua_receive_dialog_parent_class)->constructed (object);

  if (self->store != NULL)
    load_catalog (self, codes);
  self->filter = gtk_custom_filter_new (procedure_matches, self, NULL);
  filtered = gtk_filter_list_model_new (G_LIST_MODEL (codes), GTK_FILTER (g_object_ref (self->filter)));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (filtered));
  gtk_single_selection_set_can_unselect (self->selection, FALSE);
  gtk_list_view_set_model (self->procedure_list, GTK_SELECTION_MODEL (self->selection));

  apply_search (self, "");
  show_step (self, STEP_PROCEDURE);
}

static void
motcua_receive_dialog_dispose (GObject *object)
{
  MotcuaReceiveDialog *self = MOTCUA_RECEIVE_DIALOG (object);

  g_clear_handle_id (&self->scan_timeout, g_source_remove);
  g_clear_handle_id (&self->due_timeout, g_source_remove);
  if (self->filter != NULL)
    gtk_custom_filter_set_filter_func (self->filter, NULL, NULL, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), MOTCUA_TYPE_RECEIVE_DIALOG);

  self->procedure = NULL;
  g_clear_object (&self->selection);
  g_clear_object (&self->filter);
  g_clear_pointer (&self->catalog, g_hash_table_unref);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (motcua_receive_dialog_parent_class)->dispose (object);
}

static void
motcua_receive_dialog_finalize (GObject *object)
{
  MotcuaReceiveDialog *self = MOTCUA_RECEIVE_DIALOG (object);

  g_strfreev (self->search_words);
  g_ptr_array_unref (self->document_rows);
  g_ptr_array_unref (self->document_checks);
  g_ptr_array_unref (self->missing_rows);
  g_free (self->scanned_id);
  g_free (self->issued_code);
  g_free (self->due_text);

  G_OBJECT_CLASS (motcua_receive_dialog_parent_class)->finalize (object);
}

static void
motcua_receive_dialog_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  MotcuaReceiveDialog *self = MOTCUA_RECEIVE_DIALOG (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
motcua_receive_dialog_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  MotcuaReceiveDialog *self = MOTCUA_RECEIVE_DIALOG (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
motcua_receive_dialog_class_init (MotcuaReceiveDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = motcua_receive_dialog_constructed;
  object_class->dispose = motcua_receive_dialog_dispose;
  object_class->finalize = motcua_receive_dialog_finalize;
  object_class->get_property = motcua_receive_dialog_get_property;
  object_class->set_property = motcua_receive_dialog_set_property;
  window_class->close_request = motcua_receive_dialog_close_request;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, MOTCUA_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[RECEIVED] =
    g_signal_new ("received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/motcua/Desk/motcua-receive-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, MotcuaReceiveDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, MotcuaReceiveDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, MotcuaReceiveDialog, procedure_search);
  gtk_widget_class_bind_template_child (widget_class, MotcuaReceiveDialog, procedure_stack);
  gtk_widget_class_bind_template_child (widget_class, MotcuaReceiveDialog, procedure_list);
  gtk_widget_class_bind_template_child (widget_class, MotcuaReceiveDialog, procedure_empty);
  gtk_widget_class_bind_template_child (widget_class, MotcuaReceiveDialog, procedure_title);
  gtk_widget_class_bind_template_child (widget_class, MotcuaReceiveDialog, procedure_details);
  gtk_widget_class_bind_template_child (widget_class, MotcuaReceiveDialog, required_group);
  gtk_widget_class_bind_template_child (widget_class, MotcuaReceiveDialog, optional_group);
  gtk_widget_class_bind_template_child (widget_class, MotcuaReceiveDialog, scan_row);
  gtk_widget_class_bind_template_child (widget_class, MotcuaReceiveDialog, scan_result_row);
  gtk_widget_class_bind_template_child (widget_class, MotcuaReceiveDialog, scan_result_icon);
  gtk_widget_class_bind_template_child (widget_class, MotcuaReceiveDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, MotcuaReceiveDialog, id_number_row);
  gtk_widget_class_bind_template_child (widget_class, MotcuaReceiveDialog, birth_row);
  gtk_widget_class_bind_template_child (widget_class, MotcuaReceiveDialog, sex_row);
  gtk_widget_class_bind_template_child (widget_class, MotcuaReceiveDialog, phone_row);
  gtk_widget_class_bind_template_child (widget_class, MotcuaReceiveDialog, email_row);
  gtk_widget_class_bind_template_child (widget_class, MotcuaReceiveDialog, address_row);
  gtk_widget_class_bind_template_child (widget_class, MotcuaReceiveDialog, applicant_type_row);
  gtk_widget_class_bind_template_child (widget_class, MotcuaReceiveDialog, channel_row);
  gtk_widget_class_bind_template_child (widget_class, MotcuaReceiveDialog, sets_spin);
  gtk_widget_class_bind_template_child (widget_class, MotcuaReceiveDialog, due_row);
  gtk_widget_class_bind_template_child (widget_class, MotcuaReceiveDialog, summary_procedure_row);
  gtk_widget_class_bind_template_child (widget_class, MotcuaReceiveDialog, summary_applicant_row);
  gtk_widget_class_bind_template_child (widget_class, MotcuaReceiveDialog, summary_documents_row);
  gtk_widget_class_bind_template_child (widget_class, MotcuaReceiveDialog, incomplete_box);
  gtk_widget_class_bind_template_child (widget_class, MotcuaReceiveDialog, missing_group);
  gtk_widget_class_bind_template_child (widget_class, MotcuaReceiveDialog, reason_row);
  gtk_widget_class_bind_template_child (widget_class, MotcuaReceiveDialog, done_page);
  gtk_widget_class_bind_template_child (widget_class, MotcuaReceiveDialog, print_button);
  gtk_widget_class_bind_template_child (widget_class, MotcuaReceiveDialog, code_label);
  gtk_widget_class_bind_template_child (widget_class, MotcuaReceiveDialog, open_button);
  gtk_widget_class_bind_template_child (widget_class, MotcuaReceiveDialog, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, MotcuaReceiveDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, MotcuaReceiveDialog, button_bar);
  gtk_widget_class_bind_template_child (widget_class, MotcuaReceiveDialog, step_label);
  gtk_widget_class_bind_template_child (widget_class, MotcuaReceiveDialog, back_button);
  gtk_widget_class_bind_template_child (widget_class, MotcuaReceiveDialog, next_button);
  gtk_widget_class_bind_template_child (widget_class, MotcuaReceiveDialog, receive_button);
  gtk_widget_class_bind_template_child (widget_class, MotcuaReceiveDialog, supplement_button);
  gtk_widget_class_bind_template_child (widget_class, MotcuaReceiveDialog, refuse_button);

  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_stop_search);
  gtk_widget_class_bind_template_callback (widget_class, on_procedure_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_scan_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_scan_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_id_number_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_applicant_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_submission_changed);

  gtk_widget_class_install_action (widget_class, "receive.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "receive.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "receive.advance", NULL, advance_action);
  gtk_widget_class_install_action (widget_class, "receive.tick-all", NULL, tick_all_action);
  gtk_widget_class_install_action (widget_class, "receive.confirm", NULL, confirm_action);
  gtk_widget_class_install_action (widget_class, "receive.request-supplement", NULL, request_supplement_action);
  gtk_widget_class_install_action (widget_class, "receive.refuse", NULL, refuse_action);
  gtk_widget_class_install_action (widget_class, "receive.open-dossier", NULL, open_dossier_action);
  gtk_widget_class_install_action (widget_class, "receive.another", NULL, another_action);
  gtk_widget_class_install_action (widget_class, "receive.copy-code", NULL, copy_code_action);
  gtk_widget_class_install_action (widget_class, "receive.print-slip", NULL, print_slip_action);
  gtk_widget_class_install_action (widget_class, "receive.cancel", NULL, cancel_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "receive.cancel", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "receive.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "receive.advance", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "receive.advance", NULL);
}

static void
motcua_receive_dialog_init (MotcuaReceiveDialog *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkEventController *keys = gtk_event_controller_key_new ();
  GtkEventController *shortcuts;

  gtk_widget_init_template (GTK_WIDGET (self));
  motcua_focus_install (GTK_WINDOW (self));
  motcua_focus_name_entry_rows (GTK_WIDGET (self));

  self->catalog = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, catalog_entry_free);
  self->document_rows = g_ptr_array_new ();
  self->document_checks = g_ptr_array_new ();
  self->missing_rows = g_ptr_array_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (setup_procedure_row), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_procedure_row), self);
  gtk_list_view_set_factory (self->procedure_list, factory);
  motcua_focus_tab_leaves (GTK_WIDGET (self->procedure_list));   /* a catalog of hundreds */
  g_object_unref (factory);

  /* A scanner types the code as keystrokes: a Vietnamese input method (Telex, VNI)
   * would rewrite them, VNI even the digits of the dates ("a1" becomes "á"). */
  g_object_set (gtk_editable_get_delegate (GTK_EDITABLE (self->scan_row)),
                "im-module", "gtk-im-context-simple", NULL);
  adw_entry_row_set_input_hints (self->scan_row, GTK_INPUT_HINT_NO_SPELLCHECK | GTK_INPUT_HINT_NO_EMOJI);

  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_search_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->procedure_search), keys);
  gtk_search_entry_set_key_capture_widget (self->procedure_search, GTK_WIDGET (self->procedure_list));

  /* Ctrl+A before the checklist's own list box sees it (which would take it as
   * "select all rows"); while the action is off, entries keep it for their text. */
  shortcuts = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_a, GDK_CONTROL_MASK),
                                                          gtk_named_action_new ("receive.tick-all")));
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);

  self->due_timeout = g_timeout_add_seconds (DUE_REFRESH_SECONDS, refresh_due, self);
}

/* ---- public ---------------------------------------------------------------------------------- */

MotcuaReceiveDialog *
motcua_receive_dialog_new (GtkWindow *parent, MotcuaStore *store)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (MOTCUA_IS_STORE (store), NULL);

  return g_object_new (MOTCUA_TYPE_RECEIVE_DIALOG,
                       "transient-for", parent,
                       "store", store,
                       NULL);
}

gboolean
motcua_receive_dialog_select_procedure (MotcuaReceiveDialog *self, const char *code)
{
  g_return_val_if_fail (MOTCUA_IS_RECEIVE_DIALOG (self), FALSE);
  g_return_val_if_fail (code != NULL, FALSE);

  /* As a clerk would: type the code, take the match. */
  gtk_editable_set_text (GTK_EDITABLE (self->procedure_search), code);
  apply_search (self, code);
  for (guint i = 0; i < n_matches (self); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (self->selection), i);

      if (g_str_equal (gtk_string_object_get_string (GTK_STRING_OBJECT (item)), code))
        {
          select_match (self, i);
          choose_selected_procedure (self);
          return TRUE;
        }
    }
  return FALSE;
}

void
motcua_receive_dialog_set_document_provided (MotcuaReceiveDialog *self, guint index, gboolean provided)
{
  g_return_if_fail (MOTCUA_IS_RECEIVE_DIALOG (self));
  g_return_if_fail (index < self->document_checks->len);

  gtk_check_button_set_active (g_ptr_array_index (self->document_checks, index), provided);
}

guint
motcua_receive_dialog_get_missing_count (MotcuaReceiveDialog *self)
{
  g_return_val_if_fail (MOTCUA_IS_RECEIVE_DIALOG (self), 0);

  return count_missing (self);
}

char *
motcua_receive_dialog_get_due_text (MotcuaReceiveDialog *self)
{
  g_return_val_if_fail (MOTCUA_IS_RECEIVE_DIALOG (self), NULL);

  if (self->procedure == NULL)
    return NULL;
  return g_strdup (self->due_text);
}

const char *
motcua_receive_dialog_get_step (MotcuaReceiveDialog *self)
{
  g_return_val_if_fail (MOTCUA_IS_RECEIVE_DIALOG (self), NULL);

  return step_names[self->step];
}

const char *
motcua_receive_dialog_get_issued_code (MotcuaReceiveDialog *self)
{
  g_return_val_if_fail (MOTCUA_IS_RECEIVE_DIALOG (self), NULL);

  return self->issued_code;
}
