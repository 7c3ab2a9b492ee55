/* motcua-dossier-editor.c: one dossier, its journal and the actions open to it.
 *
 * Everything shown is read back from the store after each change, so the editor never
 * shows a state the journal does not hold, and the actions offered are asked of the
 * same workflow table the store enforces. What the clerk types into an action form or
 * the notes is a draft kept in the store's state table: SQLite writes it atomically, so
 * it survives closing the window and crashes, and it is restored when the dossier is
 * shown again.
 */

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <adwaita.h>
#include <stdlib.h>
#include <string.h>

#include "motcua-approval.h"
#include "motcua-digitize.h"
#include "motcua-dossier-editor.h"
#include "motcua-focus.h"
#include "motcua-fold.h"
#include "motcua-error.h"
#include "motcua-sign-dialog.h"
#include "motcua-slip-button.h"
#include "motcua-store-users.h"
#include "motcua-sync.h"
#include "motcua-time.h"

/* Long enough not to write on every key press, short enough that a crash loses at
 * most the last word typed. */
#define DRAFT_SAVE_DELAY_MS 500
#define NO_ACTION ((int) MOTCUA_N_ACTIONS)

/* ---- what each action needs ------------------------------------------------------- */

typedef enum {
  NEEDS_REASON     = 1 << 0,
  NEEDS_MISSING    = 1 << 1,
  NEEDS_NEW_DUE    = 1 << 2,
  NEEDS_RETURN     = 1 << 3,
  NEEDS_TO         = 1 << 4,
  NEEDS_DRAFT_TYPE = 1 << 5,
  NEEDS_RATING     = 1 << 6,
  NEEDS_NUMBER     = 1 << 7,
} FormNeeds;

typedef struct {
  MotcuaAction action;
  FormNeeds    needs;
  gboolean     forward;       /* moves the dossier on: the first one allowed is suggested */
  gboolean     destructive;   /* ends the dossier's processing for good */
  const char  *hint;
  const char  *done;          /* the toast after it was saved */
} ActionForm;

/* In the order the buttons appear: the steps that move a dossier forward first (in
 * the order they happen), then the requests that pause it, then the ends. Attaching is
 * not here: the attachment buttons and drag and drop do it. */
static const ActionForm action_forms[] = {
  { MOTCUA_ACTION_RECEIVE, 0, TRUE, FALSE,
    N_("Accept the dossier submitted online; its processing time starts now."), N_("Received") },
  { MOTCUA_ACTION_SUPPLEMENT_RECEIVED, 0, TRUE, FALSE,
    N_("The applicant has handed in what was missing; the due date moves by the time they took."),
    N_("Supplement received") },
  { MOTCUA_ACTION_PAYMENT_RECEIVED, 0, TRUE, FALSE,
    N_("The fee or tax has been paid; the due date moves by the time it took."), N_("Payment recorded") },
  { MOTCUA_ACTION_EXAMINE, 0, TRUE, FALSE,
    N_("Record that the dossier has been examined."), N_("Examination recorded") },
  { MOTCUA_ACTION_DRAFT, NEEDS_DRAFT_TYPE, TRUE, FALSE,
    N_("Record the draft the leader will review."), N_("Draft recorded") },
  { MOTCUA_ACTION_SUBMIT, 0, TRUE, FALSE,
    N_("Send the draft to the leader for approval."), N_("Submitted for approval") },
  { MOTCUA_ACTION_APPROVE, 0, TRUE, FALSE,
    N_("Approve the draft result."), N_("Approved") },
  { MOTCUA_ACTION_ISSUE, NEEDS_NUMBER, TRUE, FALSE,
    N_("Number and issue the approved document."), N_("Issued") },
  { MOTCUA_ACTION_RESULT_READY, 0, TRUE, FALSE,
    N_("The result is ready to be returned to the applicant."), N_("Result ready") },
  { MOTCUA_ACTION_RETURN, NEEDS_RETURN, TRUE, FALSE,
    N_("Record how the result was handed over; the recipient signs the tracking register."),
    N_("Result returned") },
  { MOTCUA_ACTION_SATISFACTION, NEEDS_RATING, TRUE, FALSE,
    N_("Record what the citizen thought of the service."), N_("Satisfaction recorded") },
  { MOTCUA_ACTION_TRANSFER, NEEDS_TO, TRUE, FALSE,
    N_("Hand the dossier to the unit or person competent to process it."), N_("Transferred") },
  { MOTCUA_ACTION_REQUEST_SUPPLEMENT, NEEDS_MISSING | NEEDS_REASON, FALSE, FALSE,
    N_("Tell the applicant, once and in writing, everything that is missing (Form 02). "
       "The clock pauses until they supplement."), N_("Supplement requested") },
  { MOTCUA_ACTION_REQUEST_PAYMENT, NEEDS_REASON, FALSE, FALSE,
    N_("Ask the applicant to pay the fee or tax due; the clock pauses until they pay."),
    N_("Payment requested") },
  { MOTCUA_ACTION_APOLOGIZE, NEEDS_NEW_DUE | NEEDS_REASON, FALSE, FALSE,
    N_("Apologise for the delay and set a new return date (Form 04), before the dossier is late."),
    N_("Apology recorded with a new date") },
  { MOTCUA_ACTION_SEND_BACK, NEEDS_REASON, FALSE, FALSE,
    N_("Send the draft back to the specialist, saying why."), N_("Sent back") },
  { MOTCUA_ACTION_REFUSE, NEEDS_REASON, FALSE, TRUE,
    N_("Refuse the dossier with a specific reason (Form 03)."), N_("Refused") },
  { MOTCUA_ACTION_WITHDRAW, NEEDS_REASON, FALSE, TRUE,
    N_("The citizen asks to withdraw the dossier."), N_("Withdrawn") },
  { MOTCUA_ACTION_STOP, NEEDS_REASON, FALSE, TRUE,
    N_("Stop processing this dossier."), N_("Processing stopped") },
};

static const ActionForm *
action_form_for (MotcuaAction action)
{
  for (guint i = 0; i < G_N_ELEMENTS (action_forms); i++)
    if (action_forms[i].action == action)
      return &action_forms[i];
  return NULL;
}

/* Machine words of the journal, with the words a clerk reads. */
typedef struct {
  const char *id;
  const char *label;
} Choice;

static const Choice return_methods[] = {
  { "counter", N_("At the counter") },
  { "post", N_("By post") },
  { "electronic", N_("Electronically") },
  { NULL, NULL }
};

static const Choice draft_types[] = {
  { "result", N_("Result") },
  { "supplement", N_("Supplement request") },
  { "refusal-withdrawal", N_("Refusal or withdrawal") },
  { "apology", N_("Apology") },
  { NULL, NULL }
};

static const Choice ratings[] = {
  { "satisfied", N_("Satisfied") },
  { "acceptable", N_("Acceptable") },
  { "unsatisfied", N_("Unsatisfied") },
  { NULL, NULL }
};

static const char *
choice_label (const Choice *choices, const char *id)
{
  for (guint i = 0; choices[i].id != NULL; i++)
    if (g_strcmp0 (choices[i].id, id) == 0)
      return _(choices[i].label);
  return id;
}

/* ---- the widget ---------------------------------------------------------------------- */

struct _MotcuaDossierEditor
{
  GtkWidget            parent_instance;

  /* Template widgets */
  GtkStack            *stack;
  AdwStatusPage       *empty_page;
  GtkScrolledWindow   *scroller;
  GtkLabel            *code_label;
  GtkButton           *copy_code_button;
  MotcuaSlipButton    *slip_button;
  GtkLabel            *status_label;
  GtkLabel            *procedure_label;
  GtkLabel            *step_label;
  GtkLabel            *due_label;
  GtkLabel            *meta_label;
  GtkFlowBox          *actions_flow;
  GtkLabel            *no_actions_label;
  GtkRevealer         *form_revealer;
  GtkLabel            *form_title;
  GtkBox              *form_box;
  GtkLabel            *form_error;
  GtkButton           *confirm_button;
  AdwActionRow        *applicant_name_row;
  AdwActionRow        *applicant_id_row;
  AdwActionRow        *applicant_phone_row;
  AdwActionRow        *applicant_address_row;
  AdwPreferencesGroup *documents_group;
  GtkListBox          *documents_list;
  GtkListBox          *attachments_list;
  GtkLabel            *attachments_error;
  GtkSpinner          *digitize_spinner;
  GtkTextView         *notes_view;
  GtkListBox          *journal_list;

  /* Owned */
  MotcuaStore         *store;
  MotcuaDossier       *dossier;
  char                *result_sha256;  /* what an approval would sign, from the journal */
  char                *code;
  guint32              allowed;        /* motcua_workflow_allowed_actions() for the current user */
  int                  form_action;    /* MotcuaAction, or NO_ACTION */
  GHashTable          *fields;         /* payload name → borrowed widget of the open form */
  GPtrArray           *missing_checks; /* GtkCheckButton, each with its document's name */
  char                *saved_draft;    /* what the store holds, to skip identical writes */
  guint                save_source;
  gboolean             restoring;      /* filling widgets from a draft is not an edit */
  gboolean             focus_form;     /* the form's first field, once it is on screen */
  guint                digitizing;     /* jobs running */
  GtkNativeDialog     *chooser;
  GCancellable        *cancellable;
};

G_DEFINE_FINAL_TYPE (MotcuaDossierEditor, motcua_dossier_editor, GTK_TYPE_WIDGET)

enum {
  ATTACHMENT_ACTIVATED,
  FILES_ATTACHED,
  DOSSIER_CHANGED,
  TOAST,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void schedule_save (MotcuaDossierEditor *self);
static void confirm_form  (MotcuaDossierEditor *self);

/* ---- small helpers ----------------------------------------------------------------- */

static void
remove_all_children (GtkWidget *parent)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (parent)) != NULL)
    {
      if (GTK_IS_LIST_BOX (parent))
        gtk_list_box_remove (GTK_LIST_BOX (parent), child);
      else if (GTK_IS_FLOW_BOX (parent))
        gtk_flow_box_remove (GTK_FLOW_BOX (parent), child);
      else
        gtk_box_remove (GTK_BOX (parent), child);
    }
}

static void
set_one_class (GtkWidget *widget, const char * const *family, const char *css_class)
{
  for (guint i = 0; family[i] != NULL; i++)
    gtk_widget_remove_css_class (widget, family[i]);
  if (css_class != NULL)
    gtk_widget_add_css_class (widget, css_class);
}

static char *
format_time (const char *iso)
{
  g_autoptr(GDateTime) time = motcua_time_parse (iso, NULL);

  if (time == NULL)
    return g_strdup ("");
  /* Day first, the way the queue beside the editor writes dates. */
  return g_date_time_format (time, "%d/%m/%Y %H:%M");
}

static GDateTime *
now_in_agency_zone (MotcuaDossierEditor *self)
{
  return motcua_time_now (motcua_calendar_get_time_zone (motcua_store_get_calendar (self->store)));
}

/* "2 working days 3 h": the units clerks count in; minutes only matter on the last day. */
static char *
describe_working_minutes (gint64 minutes, int minutes_per_day)
{
  g_autoptr(GString) text = g_string_new (NULL);
  gint64 days = minutes / minutes_per_day;
  int hours = (int) (minutes % minutes_per_day) / 60;
  int rest = (int) (minutes % 60);

  if (days > 0)
    g_string_append_printf (text, ngettext ("%d working day", "%d working days", (gulong) days), (int) days);
  if (hours > 0)
    {
      if (text->len > 0)
        g_string_append_c (text, ' ');
      g_string_append_printf (text, _("%d h"), hours);
    }
  if (rest > 0 && days == 0)
    {
      if (text->len > 0)
        g_string_append_c (text, ' ');
      g_string_append_printf (text, _("%d min"), rest);
    }
  if (text->len == 0)
    g_string_append (text, _("less than a minute"));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
set_row_text (AdwActionRow *row, const char *title, const char *subtitle)
{
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (row, subtitle ? subtitle : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, subtitle ? subtitle : "",
                                  -1);
}

/* ---- header ---------------------------------------------------------------------------- */

static const char *
status_color_class (MotcuaStatus status)
{
  switch (status)
    {
    case MOTCUA_STATUS_SUPPLEMENT:
    case MOTCUA_STATUS_FINANCIAL:
      return "warning";
    case MOTCUA_STATUS_REFUSED:
    case MOTCUA_STATUS_STOPPED:
      return "error";
    case MOTCUA_STATUS_RESULT_READY:
    case MOTCUA_STATUS_RETURNED:
      return "success";
    case MOTCUA_STATUS_WITHDRAWN:
      return "dim-label";
    case MOTCUA_STATUS_SUBMITTED:
    case MOTCUA_STATUS_RECEIVED:
    case MOTCUA_STATUS_PROCESSING:
    default:
      return "accent";
    }
}

static void
update_due (MotcuaDossierEditor *self, GDateTime *now, int minutes_per_day)
{
  static const char * const due_classes[] = { "due-overdue", "due-today", "due-ok", "dim-label", NULL };
  MotcuaCalendar *calendar = motcua_store_get_calendar (self->store);
  MotcuaStatus status = motcua_dossier_get_status (self->dossier);
  g_autoptr(GDateTime) due = motcua_time_parse (motcua_dossier_get_due_at (self->dossier), NULL);
  g_autofree char *due_text = format_time (motcua_dossier_get_due_at (self->dossier));
  g_autofree char *text = NULL;
  const char *css_class = "due-ok";

  if (due == NULL)
    {
      text = g_strdup (_("No due date: the dossier has not been received yet"));
      css_class = "dim-label";
    }
  else if (motcua_status_is_final (status))
    {
      g_autoptr(GDateTime) finished = motcua_time_parse (motcua_dossier_get_finished_at (self->dossier), NULL);
      g_autofree char *finished_text = format_time (motcua_dossier_get_finished_at (self->dossier));
      MotcuaTiming timing = finished ? motcua_timing_judge (finished, due) : MOTCUA_TIMING_ON_TIME;

      /* Translators: "Finished 12/11/2026 10:00 (on time); due 13/11/2026 17:00" */
      text = finished ? g_strdup_printf (_("Finished %s (%s); due %s"), finished_text,
                                         motcua_timing_label (timing), due_text)
                      : g_strdup_printf (_("Due %s"), due_text);
      css_class = timing == MOTCUA_TIMING_LATE ? "due-overdue" : "due-ok";
    }
  else if (!motcua_status_is_counting (status))
    {
      text = g_strdup_printf (_("Due %s — the clock is paused while the applicant acts"), due_text);
      css_class = "dim-label";
    }
  else if (g_date_time_compare (now, due) > 0)
    {
      gint64 late_minutes = motcua_calendar_working_minutes_between (calendar, due, now);
      g_autofree char *late = describe_working_minutes (late_minutes, minutes_per_day);

      /* Past a due time at the end of the working day, no working time has gone by
       * yet: "overdue by less than a minute" would read as nearly on time. */
      text = late_minutes > 0 ? g_strdup_printf (_("Due %s — overdue by %s"), due_text, late)
                              : g_strdup_printf (_("Due %s — overdue"), due_text);
      css_class = "due-overdue";
    }
  else
    {
      g_autoptr(GDateTime) due_here = g_date_time_to_timezone (due, g_date_time_get_timezone (now));
      g_autofree char *left = describe_working_minutes (motcua_calendar_working_minutes_between (calendar, now, due),
                                                        minutes_per_day);
      gboolean today = g_date_time_get_year (due_here) == g_date_time_get_year (now)
                       && g_date_time_get_day_of_year (due_here) == g_date_time_get_day_of_year (now);

      text = g_strdup_printf (_("Due %s — %s left"), due_text, left);
      css_class = today ? "due-today" : "due-ok";
    }
  gtk_label_set_text (self->due_label, text);
  set_one_class (GTK_WIDGET (self->due_label), due_classes, css_class);
}

static void
update_header (MotcuaDossierEditor *self, GDateTime *now, int minutes_per_day)
{
  static const char * const status_classes[] = { "accent", "warning", "error", "success", "dim-label", NULL };
  MotcuaDossier *dossier = self->dossier;
  MotcuaStatus status = motcua_dossier_get_status (dossier);
  const char *received_at = motcua_dossier_get_received_at (dossier);
  const char *channel = motcua_channel_label (motcua_dossier_get_channel (dossier));
  g_autofree char *meta = NULL;

  gtk_label_set_text (self->code_label, motcua_dossier_get_code (dossier));
  motcua_slip_button_set_dossier (self->slip_button, self->store, motcua_dossier_get_code (dossier));
  gtk_label_set_text (self->status_label, motcua_status_label (status));
  set_one_class (GTK_WIDGET (self->status_label), status_classes, status_color_class (status));
  gtk_label_set_text (self->procedure_label, motcua_dossier_get_procedure_name (dossier));

  /* The steps inside "being processed" are what a supervisor looks for. */
  gtk_widget_set_visible (GTK_WIDGET (self->step_label), status == MOTCUA_STATUS_PROCESSING);
  if (status == MOTCUA_STATUS_PROCESSING)
    gtk_label_set_text (self->step_label, motcua_step_label (motcua_dossier_get_step (dossier)));

  update_due (self, now, minutes_per_day);

  if (received_at != NULL)
    {
      g_autofree char *received = format_time (received_at);
      meta = g_strdup_printf (_("Received %s · %s"), received, channel);
    }
  else
    meta = g_strdup (channel);
  gtk_label_set_text (self->meta_label, meta);
}

/* ---- applicant and documents --------------------------------------------------------- */

/* The value is the title and what it is the subtitle, as GNOME Contacts shows a
 * person: the clerk reads the name and number, not the words "Full name". */
static void
set_applicant_row (AdwActionRow *row, const char *what, const char *value)
{
  gtk_widget_set_visible (GTK_WIDGET (row), !motcua_text_is_blank (value));
  if (!motcua_text_is_blank (value))
    set_row_text (row, value, what);
}

static void
update_applicant (MotcuaDossierEditor *self)
{
  set_applicant_row (self->applicant_name_row, _("Full name"), motcua_dossier_get_applicant_name (self->dossier));
  set_applicant_row (self->applicant_id_row, C_("applicant field", "ID number"), motcua_dossier_get_applicant_id_number (self->dossier));
  set_applicant_row (self->applicant_phone_row, _("Phone"), motcua_dossier_get_applicant_phone (self->dossier));
  set_applicant_row (self->applicant_address_row, _("Address"), motcua_dossier_get_applicant_address (self->dossier));
}

static GtkWidget *
document_row_new (const MotcuaDossierDocument *document)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon;
  g_autoptr(GString) subtitle = g_string_new (motcua_document_kind_label (document->kind));
  const char *state;

  g_string_append (subtitle, " · ");
  g_string_append_printf (subtitle, _("quantity %d"), MAX (document->quantity, 1));
  if (!document->required)
    g_string_append_printf (subtitle, " · %s", _("only when it applies"));

  if (document->provided)
    {
      icon = gtk_image_new_from_icon_name ("object-select-symbolic");
      gtk_widget_add_css_class (icon, "success");
      state = _("Provided");
    }
  else
    {
      icon = gtk_image_new_from_icon_name (document->required ? "dialog-warning-symbolic" : "window-close-symbolic");
      gtk_widget_add_css_class (icon, document->required ? "error" : "dim-label");
      state = document->required ? _("Missing") : _("Not handed in");
    }
  gtk_widget_set_tooltip_text (icon, state);
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, state, -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);

  g_string_prepend (subtitle, " · ");
  g_string_prepend (subtitle, state);
  set_row_text (ADW_ACTION_ROW (row), document->name, subtitle->str);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  return row;
}

static GtkWidget *
placeholder_row_new (const char *text)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_set_margin_top (label, 12);
  gtk_widget_set_margin_bottom (label, 12);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  return row;
}

static void
update_documents (MotcuaDossierEditor *self)
{
  GPtrArray *documents = motcua_dossier_get_documents (self->dossier);
  guint provided = 0, missing_required = 0;
  g_autofree char *summary = NULL;

  remove_all_children (GTK_WIDGET (self->documents_list));
  for (guint i = 0; documents != NULL && i < documents->len; i++)
    {
      const MotcuaDossierDocument *document = g_ptr_array_index (documents, i);

      provided += document->provided;
      missing_required += !document->provided && document->required;
      gtk_list_box_append (self->documents_list, document_row_new (document));
    }
  if (documents == NULL || documents->len == 0)
    gtk_list_box_append (self->documents_list, placeholder_row_new (_("The procedure lists no documents.")));

  summary = missing_required > 0
            ? g_strdup_printf (ngettext ("%u of %u provided; %u required document is missing",
                                         "%u of %u provided; %u required documents are missing",
                                         missing_required),
                               provided, documents->len, missing_required)
            : g_strdup_printf (_("%u of %u provided"), provided, documents ? documents->len : 0);
  adw_preferences_group_set_description (self->documents_group, summary);
}

/* ---- attachments -------------------------------------------------------------------------- */

static GtkWidget *
attachment_row_new (const MotcuaAttachmentRef *ref)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *size = g_format_size ((guint64) MAX (ref->size, 0));
  g_autofree char *content_type = g_content_type_from_mime_type (ref->mime_type);
  g_autofree char *description = content_type ? g_content_type_get_description (content_type) : NULL;
  g_autoptr(GIcon) gicon = content_type ? g_content_type_get_symbolic_icon (content_type) : NULL;
  g_autofree char *subtitle = g_strdup_printf ("%s · %s", size, description ? description : ref->mime_type);
  GtkWidget *open_icon = gtk_image_new_from_icon_name ("go-next-symbolic");

  set_row_text (ADW_ACTION_ROW (row), ref->name, subtitle);
  if (gicon != NULL)
    adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_gicon (gicon));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), open_icon);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_widget_set_tooltip_text (row, _("Show in the viewer"));

  g_object_set_data_full (G_OBJECT (row), "sha256", g_strdup (ref->sha256), g_free);
  g_object_set_data_full (G_OBJECT (row), "mime-type", g_strdup (ref->mime_type), g_free);
  g_object_set_data_full (G_OBJECT (row), "name", g_strdup (ref->name), g_free);
  return row;
}

static void
update_attachments (MotcuaDossierEditor *self)
{
  GPtrArray *attachments = motcua_dossier_get_attachments (self->dossier);

  remove_all_children (GTK_WIDGET (self->attachments_list));
  for (guint i = 0; attachments != NULL && i < attachments->len; i++)
    gtk_list_box_append (self->attachments_list, attachment_row_new (g_ptr_array_index (attachments, i)));
  if (attachments == NULL || attachments->len == 0)
    gtk_list_box_append (self->attachments_list,
                         placeholder_row_new (_("No attachments yet. Add scanned files, or drop them here.")));
}

static void
show_attachments_error (MotcuaDossierEditor *self, const char *message)
{
  gtk_label_set_text (self->attachments_error, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->attachments_error), message != NULL);
}

/* The file of @row when it is on this workstation, else NULL. */
static char *
local_attachment_path (MotcuaDossierEditor *self, GtkListBoxRow *row)
{
  const char *sha256 = g_object_get_data (G_OBJECT (row), "sha256");
  g_autofree char *path = NULL;

  if (sha256 == NULL || self->store == NULL)
    return NULL;
  path = motcua_store_get_blob_path (self->store, sha256);
  return path != NULL && g_file_test (path, G_FILE_TEST_IS_REGULAR) ? g_steal_pointer (&path) : NULL;
}

static void
show_attachment (MotcuaDossierEditor *self, GtkListBoxRow *row, const char *path)
{
  show_attachments_error (self, NULL);
  g_signal_emit (self, signals[ATTACHMENT_ACTIVATED], 0, path, g_object_get_data (G_OBJECT (row), "mime-type"),
                 g_object_get_data (G_OBJECT (row), "name"));
}

static void
emit_attachment (MotcuaDossierEditor *self, GtkListBoxRow *row)
{
  g_autofree char *path = local_attachment_path (self, row);

  if (path != NULL)
    show_attachment (self, row, path);
  else if (g_object_get_data (G_OBJECT (row), "sha256") != NULL && self->store != NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The file “%s” is not on this workstation yet; it "
                                                    "arrives with the next synchronisation."),
                                                  (const char *) g_object_get_data (G_OBJECT (row), "name"));
      show_attachments_error (self, message);
    }
}

static void
on_attachment_row_activated (GtkListBox *list, GtkListBoxRow *row, MotcuaDossierEditor *self)
{
  emit_attachment (self, row);
}

/* ---- journal ------------------------------------------------------------------------------ */

/* One "Label: value" line of an event's details; blank values are left out. */
static void
append_line (GString *text, const char *label, const char *value)
{
  if (motcua_text_is_blank (value))
    return;
  if (text->len > 0)
    g_string_append_c (text, '\n');
  g_string_append_printf (text, "%s: %s", label, value);
}

static const char *
payload_string (JsonObject *payload, const char *member)
{
  JsonNode *node = json_object_get_member (payload, member);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
         ? json_node_get_string (node) : NULL;
}

static char *
join_array (JsonObject *payload, const char *member, const char *object_member)
{
  JsonArray *array = json_object_get_array_member (payload, member);
  g_autoptr(GStrvBuilder) items = g_strv_builder_new ();
  g_auto(GStrv) strv = NULL;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (object_member != NULL && JSON_NODE_HOLDS_OBJECT (node))
        {
          const char *text = payload_string (json_node_get_object (node), object_member);
          if (text != NULL)
            g_strv_builder_add (items, text);
        }
      else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        g_strv_builder_add (items, json_node_get_string (node));
    }
  strv = g_strv_builder_end (items);
  return g_strjoinv ("; ", strv);
}

/* The details a reader of the journal needs, in words: reasons, whom, what changed. */
static char *
describe_payload (JsonObject *payload)
{
  g_autoptr(GString) text = g_string_new (NULL);

  append_line (text, _("To"), payload_string (payload, "to"));
  if (json_object_has_member (payload, "missing") && JSON_NODE_HOLDS_ARRAY (json_object_get_member (payload, "missing")))
    {
      g_autofree char *missing = join_array (payload, "missing", NULL);
      append_line (text, _("Missing"), missing);
    }
  append_line (text, _("Reason"), payload_string (payload, "reason"));
  if (payload_string (payload, "new_due") != NULL)
    {
      g_autofree char *new_due = format_time (payload_string (payload, "new_due"));
      append_line (text, _("New return date"), new_due);
    }
  else if (payload_string (payload, "due_at") != NULL)
    {
      g_autofree char *due = format_time (payload_string (payload, "due_at"));
      append_line (text, _("Due"), due);
    }
  if (payload_string (payload, "method") != NULL)
    append_line (text, _("Returned"), choice_label (return_methods, payload_string (payload, "method")));
  append_line (text, _("Tracking number"), payload_string (payload, "tracking"));
  append_line (text, _("Recipient"), payload_string (payload, "recipient_name"));
  append_line (text, _("Authorisation"), payload_string (payload, "authorization"));
  append_line (text, _("Posted to"), payload_string (payload, "postal_address"));
  append_line (text, _("Sent to"), payload_string (payload, "electronic_address"));
  if (payload_string (payload, "draft_type") != NULL)
    append_line (text, _("Draft"), choice_label (draft_types, payload_string (payload, "draft_type")));
  if (payload_string (payload, "rating") != NULL)
    append_line (text, _("Rating"), choice_label (ratings, payload_string (payload, "rating")));
  append_line (text, _("Document number"), payload_string (payload, "document_number"));
  if (json_object_has_member (payload, "attachments") && JSON_NODE_HOLDS_ARRAY (json_object_get_member (payload, "attachments")))
    {
      g_autofree char *files = join_array (payload, "attachments", "name");
      append_line (text, _("Files"), files);
    }
  append_line (text, _("Note"), payload_string (payload, "note"));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
describe_actor (GHashTable *users, const MotcuaEvent *event)
{
  const char *full_name = g_hash_table_lookup (users, event->actor);
  MotcuaRole role;
  const char *role_text = event->actor_role;

  /* "dvc-portal (portal)" would mean nothing to a clerk. */
  if (full_name == NULL && motcua_actor_is_portal (event->actor_role))
    return g_strdup (motcua_portal_label ());
  if (event->actor_role != NULL && motcua_role_from_string (event->actor_role, &role))
    role_text = motcua_role_label (role);
  if (role_text == NULL)
    return g_strdup (full_name ? full_name : event->actor);
  return g_strdup_printf ("%s (%s)", full_name ? full_name : event->actor, role_text);
}

/* An approval under delegation names the deputy and the supervisor they stood in for. */
static char *
describe_actor_on_behalf (GHashTable *users, const MotcuaEvent *event, JsonObject *payload)
{
  const char *delegator = motcua_payload_delegator_name (payload);
  const char *full_name = g_hash_table_lookup (users, event->actor);

  if (delegator == NULL)
    return describe_actor (users, event);
  return g_strdup_printf (_("%s, on behalf of %s"), full_name ? full_name : event->actor, delegator);
}

static GtkWidget *
timing_badge_new (const MotcuaHandover *handover)
{
  GtkWidget *label = gtk_label_new (motcua_timing_label (handover->timing));
  g_autofree char *due = format_time (handover->due_at);
  g_autofree char *tooltip = g_strdup_printf (_("Due date at the time: %s"), due);

  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (label, "status-badge");
  gtk_widget_add_css_class (label, handover->timing == MOTCUA_TIMING_LATE ? "due-overdue" : "due-ok");
  gtk_widget_set_tooltip_text (label, tooltip);
  return label;
}

static void add_sync_badge (AdwActionRow *row, const MotcuaEvent *event, gboolean registered);
static void finish_change  (MotcuaDossierEditor *self, const char *code, const char *message);
static GtkWidget *badge_new (const char *text, const char *css_class, const char *tooltip);

/* A signed approval says who signed, under which authority, when, and whether that
 * still holds; "verdict" names the badge for tests and assistive tools. */
static char *
describe_signature (AdwActionRow *row, const MotcuaVerdict *verdict, const char *details)
{
  g_autoptr(GString) text = g_string_new (details);
  g_autofree char *when = format_time (verdict->signing_time);
  gboolean valid = motcua_verdict_is_valid (verdict);
  GtkWidget *badge = badge_new (valid ? _("Valid signature") : _("Invalid signature"),
                                valid ? "due-ok" : "due-overdue", verdict->message);

  append_line (text, _("Signed by"), verdict->signer);
  append_line (text, _("Issuer"), verdict->issuer);
  append_line (text, _("Signing time"), when);
  append_line (text, _("Signature"), verdict->message);
  gtk_widget_set_name (badge, "verdict");
  adw_action_row_add_suffix (row, badge);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static GtkWidget *
event_row_new (const MotcuaEvent *event, GHashTable *users, const MotcuaHandover *handover, gboolean registered,
               const MotcuaVerdict *verdict)
{
  GtkWidget *row = adw_action_row_new ();
  g_autoptr(JsonObject) payload = motcua_event_parse_payload (event, NULL);
  g_autofree char *when = format_time (event->confirmed_at);
  g_autofree char *who = describe_actor_on_behalf (users, event, payload);
  g_autofree char *details = payload ? describe_payload (payload) : g_strdup ("");
  g_autofree char *subtitle = NULL;

  if (verdict != NULL && verdict->status != MOTCUA_VERDICT_UNSIGNED)
    {
      g_autofree char *signed_details = describe_signature (ADW_ACTION_ROW (row), verdict, details);
      g_free (details);
      details = g_steal_pointer (&signed_details);
    }
  subtitle = *details != '\0' ? g_strdup_printf ("%s · %s\n%s", when, who, details)
                              : g_strdup_printf ("%s · %s", when, who);
  set_row_text (ADW_ACTION_ROW (row), motcua_event_kind_label (event->kind), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  /* A citizen's online submission has no due date yet to be early or late for. */
  if (handover != NULL && handover->judged)
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), timing_badge_new (handover));
  add_sync_badge (ADW_ACTION_ROW (row), event, registered);
  return row;
}

/* ---- what the server made of the journal ------------------------------------------------ */

static GtkWidget *
badge_new (const char *text, const char *css_class, const char *tooltip)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (label, "status-badge");
  gtk_widget_add_css_class (label, css_class);
  gtk_widget_set_tooltip_text (label, tooltip);
  return label;
}

/* An event still on this workstation only, or one the server refused: the clerk sees
 * which of their actions have not reached the office's shared record, and why. */
static void
add_sync_badge (AdwActionRow *row, const MotcuaEvent *event, gboolean registered)
{
  g_autofree char *refused = NULL;

  /* A workstation with no server keeps everything here: nothing is "not sent yet". */
  if (event->sync_state == MOTCUA_SYNC_PENDING && registered)
    adw_action_row_add_suffix (row, badge_new (_("Not sent yet"), "dim-label",
                                               _("Saved on this workstation; it goes to the server at the next sync")));
  if (event->sync_state != MOTCUA_SYNC_REJECTED)
    return;
  refused = g_strdup_printf (_("The server refused this action: %s"), motcua_sync_reason_label (event->reject_reason));
  adw_action_row_add_suffix (row, badge_new (_("Refused by the server"), "due-overdue", refused));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, refused, -1);
}

/* An action of this workstation that the server did not keep (another workstation
 * acted first): kept here, whole, shown apart from the journal. */
static GtkWidget *
set_aside_row_new (const MotcuaEvent *event, GHashTable *users)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *when = format_time (event->confirmed_at);
  g_autofree char *who = describe_actor (users, event);
  g_autofree char *title = g_strdup_printf (_("Not kept: %s"), motcua_event_kind_label (event->kind));
  g_autofree char *subtitle = g_strdup_printf (_("%s · %s\n%s. The server keeps another workstation's action instead; "
                                                 "this one is kept on this workstation, unchanged."),
                                               when, who, motcua_sync_reason_label (event->reject_reason));

  set_row_text (ADW_ACTION_ROW (row), title, subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge_new (_("Set aside"), "due-overdue", NULL));
  return row;
}

static void
dismiss_attention (MotcuaDossierEditor *self)
{
  g_autoptr(GError) error = NULL;

  if (!motcua_store_dismiss_attention (self->store, motcua_dossier_get_uid (self->dossier), &error))
    {
      g_signal_emit (self, signals[TOAST], 0, error->message);
      return;
    }
  finish_change (self, self->code, _("Marked as seen: the dossier shows what the server holds"));
}

static GtkWidget *
dismiss_row_new (MotcuaDossierEditor *self)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Mark as Seen"));

  set_row_text (ADW_ACTION_ROW (row), _("This dossier needs your attention"),
                _("Read the refused or set-aside actions above, redo what is still needed, then mark them "
                  "as seen: the dossier then follows what the server holds."));
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_signal_connect_swapped (button, "clicked", G_CALLBACK (dismiss_attention), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  return row;
}

static void
append_sync_rows (MotcuaDossierEditor *self, GHashTable *users)
{
  g_autoptr(GPtrArray) set_aside = motcua_store_get_set_aside_events (self->store,
                                                                      motcua_dossier_get_uid (self->dossier), NULL);

  for (guint i = 0; set_aside != NULL && i < set_aside->len; i++)
    {
      GtkWidget *row = set_aside_row_new (g_ptr_array_index (set_aside, i), users);
      g_autofree char *name = g_strdup_printf ("set-aside-%u", i);

      gtk_widget_set_name (row, name);
      gtk_list_box_append (self->journal_list, row);
    }
  if (motcua_store_dossier_needs_attention (self->store, motcua_dossier_get_uid (self->dossier)))
    gtk_list_box_append (self->journal_list, dismiss_row_new (self));
}

static GHashTable *
load_user_names (MotcuaStore *store)
{
  GHashTable *names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) users = motcua_store_list_users (store, NULL);

  for (guint i = 0; users != NULL && i < users->len; i++)
    {
      MotcuaUser *user = g_ptr_array_index (users, i);
      g_hash_table_insert (names, g_strdup (user->username), g_strdup (user->full_name));
    }
  return names;
}

/* The profile's trust anchors, and the office's PEM file when GSettings names one. */
static MotcuaTrust *
load_trust (MotcuaDossierEditor *self)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autofree char *file = g_settings_get_string (settings, "trust-anchors");
  MotcuaTrust *trust = motcua_approval_load_trust (self->store, NULL);

  if (trust == NULL)
    trust = motcua_trust_new ();
  if (*file != '\0')
    motcua_trust_add_file (trust, file, NULL);
  return trust;
}

static void
update_journal (MotcuaDossierEditor *self)
{
  g_autoptr(GPtrArray) events = motcua_store_get_events (self->store, motcua_dossier_get_uid (self->dossier), NULL);
  g_autoptr(GPtrArray) handovers = motcua_store_get_handovers (self->store, self->dossier, NULL);
  g_autoptr(GHashTable) users = load_user_names (self->store);
  g_autofree char *server = motcua_store_get_state (self->store, "sync.server_url", NULL);
  g_autoptr(MotcuaTrust) trust = load_trust (self);
  guint next_handover = 0;

  g_clear_pointer (&self->result_sha256, g_free);
  if (events != NULL)
    self->result_sha256 = motcua_approval_find_result (events);
  remove_all_children (GTK_WIDGET (self->journal_list));
  for (guint i = 0; events != NULL && i < events->len; i++)
    {
      const MotcuaEvent *event = g_ptr_array_index (events, i);
      const MotcuaHandover *handover = NULL;

      /* Hand-overs come in journal order, one per event that passes the dossier on. */
      if (handovers != NULL && next_handover < handovers->len)
        {
          const MotcuaHandover *candidate = g_ptr_array_index (handovers, next_handover);
          if (g_strcmp0 (candidate->kind, event->kind) == 0 && g_strcmp0 (candidate->at, event->confirmed_at) == 0)
            {
              handover = candidate;
              next_handover++;
            }
        }
      g_autoptr(MotcuaVerdict) verdict = NULL;

      if (g_strcmp0 (event->kind, "approve") == 0)
        verdict = motcua_approval_verify_event (trust, event, self->code);
      gtk_list_box_append (self->journal_list, event_row_new (event, users, handover, server != NULL, verdict));
    }
  if (events == NULL || events->len == 0)
    gtk_list_box_append (self->journal_list, placeholder_row_new (_("The journal of this dossier is empty.")));
  append_sync_rows (self, users);
}

/* ---- actions ---------------------------------------------------------------------------- */

static MotcuaRole
current_role (MotcuaDossierEditor *self, gboolean *signed_in)
{
  g_autofree char *username = motcua_store_get_current_user (self->store, NULL);
  g_autoptr(MotcuaUser) user = username ? motcua_store_get_user (self->store, username, NULL) : NULL;

  *signed_in = user != NULL && !user->disabled;
  return *signed_in ? user->role : MOTCUA_ROLE_NONE;
}

/* A deputy may approve this dossier under a supervisor's delegation in force. */
static guint32
delegated_approval (MotcuaDossierEditor *self, const MotcuaWorkflowState *state, GDateTime *now)
{
  g_autofree char *username = motcua_store_get_current_user (self->store, NULL);
  g_autoptr(MotcuaUser) user = username ? motcua_store_get_user (self->store, username, NULL) : NULL;
  g_autoptr(MotcuaDelegation) delegation = NULL;
  MotcuaRole role;

  if (user == NULL || user->disabled
      || !motcua_store_effective_role (self->store, user, MOTCUA_ACTION_APPROVE,
                                       motcua_dossier_get_procedure_code (self->dossier), now, &role, &delegation,
                                       NULL)
      || delegation == NULL)
    return 0;
  return motcua_workflow_allowed_actions (state, role, now) & (1u << MOTCUA_ACTION_APPROVE);
}

static GtkWidget *
action_button_new (const ActionForm *form, gboolean suggested)
{
  GtkWidget *button = gtk_button_new_with_label (motcua_action_label (form->action));

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "editor.begin");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button),
                                          g_variant_new_string (motcua_action_to_string (form->action)));
  gtk_widget_set_tooltip_text (button, _(form->hint));
  if (suggested)
    gtk_widget_add_css_class (button, "suggested-action");
  return button;
}

static void
update_actions (MotcuaDossierEditor *self, GDateTime *now)
{
  MotcuaWorkflowState state;
  gboolean signed_in, suggested_done = FALSE;
  MotcuaRole role = current_role (self, &signed_in);
  guint shown = 0;

  motcua_dossier_get_workflow_state (self->dossier, &state);
  self->allowed = motcua_workflow_allowed_actions (&state, role, now);
  self->allowed |= delegated_approval (self, &state, now);

  remove_all_children (GTK_WIDGET (self->actions_flow));
  for (guint i = 0; i < G_N_ELEMENTS (action_forms); i++)
    {
      const ActionForm *form = &action_forms[i];
      GtkWidget *button;

      if ((self->allowed & (1u << form->action)) == 0)
        continue;
      button = action_button_new (form, form->forward && !suggested_done);
      suggested_done |= form->forward;
      gtk_flow_box_append (self->actions_flow, button);
      /* Tab should land on the buttons, not on the flow box's wrappers around them. */
      gtk_widget_set_focusable (gtk_widget_get_parent (button), FALSE);
      shown++;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->actions_flow), shown > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->no_actions_label), shown == 0);
  gtk_label_set_text (self->no_actions_label,
                      signed_in ? _("Nothing here is for your role while the dossier is in this status.")
                                : _("No user is signed in on this workstation, so no action is offered."));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.add-files",
                                 (self->allowed & (1u << MOTCUA_ACTION_ATTACH)) != 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.digitize",
                                 (self->allowed & (1u << MOTCUA_ACTION_ATTACH)) != 0 && self->digitizing == 0);
}

/* ---- the form of one action --------------------------------------------------------------- */

static void
form_field_changed (MotcuaDossierEditor *self)
{
  schedule_save (self);
}

static void
register_field (MotcuaDossierEditor *self, const char *name, GtkWidget *widget)
{
  g_hash_table_replace (self->fields, g_strdup (name), widget);
}

static AdwPreferencesGroup *
add_form_group (MotcuaDossierEditor *self, const char *title, const char *description)
{
  GtkWidget *group = adw_preferences_group_new ();

  if (title != NULL)
    adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  if (description != NULL)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
  gtk_box_append (self->form_box, group);
  return ADW_PREFERENCES_GROUP (group);
}

static void
on_entry_activated (AdwEntryRow *row, MotcuaDossierEditor *self)
{
  confirm_form (self);
}

static GtkWidget *
add_entry (MotcuaDossierEditor *self, AdwPreferencesGroup *group, const char *name,
           const char *title, const char *initial)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (initial != NULL)
    gtk_editable_set_text (GTK_EDITABLE (row), initial);
  motcua_focus_name_entry_rows (row);
  g_signal_connect_swapped (row, "changed", G_CALLBACK (form_field_changed), self);
  g_signal_connect (row, "entry-activated", G_CALLBACK (on_entry_activated), self);
  adw_preferences_group_add (group, row);
  register_field (self, name, row);
  return row;
}

static GtkWidget *
add_combo (MotcuaDossierEditor *self, AdwPreferencesGroup *group, const char *name,
           const char *title, const Choice *choices)
{
  GtkWidget *row = adw_combo_row_new ();
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);

  for (guint i = 0; choices[i].id != NULL; i++)
    gtk_string_list_append (labels, _(choices[i].label));
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (labels));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  g_object_set_data (G_OBJECT (row), "choices", (gpointer) choices);
  g_signal_connect_swapped (row, "notify::selected", G_CALLBACK (form_field_changed), self);
  adw_preferences_group_add (group, row);
  register_field (self, name, row);
  return row;
}

/* Every document the applicant has not handed in, the required ones ticked: the law
 * wants one complete list, so the form starts from the most likely one. */
static void
add_missing_documents (MotcuaDossierEditor *self)
{
  GPtrArray *documents = motcua_dossier_get_documents (self->dossier);
  AdwPreferencesGroup *group = add_form_group (self, _("Missing documents"),
                                               _("Everything still needed must be asked for in this one request."));
  AdwPreferencesGroup *other_group;
  GtkWidget *frame, *view;

  for (guint i = 0; documents != NULL && i < documents->len; i++)
    {
      const MotcuaDossierDocument *document = g_ptr_array_index (documents, i);
      GtkWidget *row, *check;

      if (document->provided)
        continue;
      row = adw_action_row_new ();
      check = gtk_check_button_new ();
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), document->required);
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, document->name, -1);
      g_object_set_data_full (G_OBJECT (check), "document", g_strdup (document->name), g_free);
      g_signal_connect_swapped (check, "toggled", G_CALLBACK (form_field_changed), self);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      set_row_text (ADW_ACTION_ROW (row), document->name, motcua_document_kind_label (document->kind));
      adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
      adw_preferences_group_add (group, row);
      g_ptr_array_add (self->missing_checks, check);
    }
  if (self->missing_checks->len == 0)
    adw_preferences_group_set_description (group, _("Every listed document was handed in; name what else is needed below."));

  other_group = add_form_group (self, NULL, NULL);
  view = gtk_text_view_new ();
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 10);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 10);
  gtk_widget_set_size_request (view, -1, 56);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Other missing documents, one per line"), -1);
  g_signal_connect_swapped (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), "changed",
                            G_CALLBACK (form_field_changed), self);
  frame = gtk_frame_new (NULL);
  gtk_frame_set_child (GTK_FRAME (frame), view);
  adw_preferences_group_set_title (other_group, _("Other missing documents"));
  adw_preferences_group_set_description (other_group, _("One per line."));
  adw_preferences_group_add (other_group, frame);
  register_field (self, "missing-other", view);
}

/* A suggestion one working day after the current due date, in the form the core reads. */
static char *
suggest_new_due (MotcuaDossierEditor *self, int minutes_per_day)
{
  g_autoptr(GDateTime) due = motcua_time_parse (motcua_dossier_get_due_at (self->dossier), NULL);
  g_autoptr(GDateTime) later = NULL;

  if (due == NULL)
    return NULL;
  later = motcua_calendar_add_working_minutes (motcua_store_get_calendar (self->store), due, minutes_per_day);
  return later ? g_date_time_format (later, "%Y-%m-%d %H:%M") : NULL;
}

static const char *
combo_id (GtkWidget *widget)
{
  const Choice *choices = g_object_get_data (G_OBJECT (widget), "choices");
  guint selected = adw_combo_row_get_selected (ADW_COMBO_ROW (widget));

  for (guint i = 0; choices != NULL && choices[i].id != NULL; i++)
    if (i == selected)
      return choices[i].id;
  return NULL;
}

/* Counter returns need who collected it; postal ones the tracking number. */
static void
update_return_rows (MotcuaDossierEditor *self)
{
  GtkWidget *method = g_hash_table_lookup (self->fields, "method");
  const char *id = method ? combo_id (method) : NULL;
  GtkWidget *widget;

  if (method == NULL)
    return;
  if ((widget = g_hash_table_lookup (self->fields, "recipient_name")) != NULL)
    gtk_widget_set_visible (widget, g_strcmp0 (id, "counter") == 0);
  if ((widget = g_hash_table_lookup (self->fields, "recipient_id_number")) != NULL)
    gtk_widget_set_visible (widget, g_strcmp0 (id, "counter") == 0);
  if ((widget = g_hash_table_lookup (self->fields, "tracking")) != NULL)
    gtk_widget_set_visible (widget, g_strcmp0 (id, "post") == 0);
  if ((widget = g_hash_table_lookup (self->fields, "authorization")) != NULL)
    gtk_widget_set_visible (widget, g_strcmp0 (id, "counter") == 0);
  if ((widget = g_hash_table_lookup (self->fields, "postal_address")) != NULL)
    gtk_widget_set_visible (widget, g_strcmp0 (id, "post") == 0);
  if ((widget = g_hash_table_lookup (self->fields, "electronic_address")) != NULL)
    gtk_widget_set_visible (widget, g_strcmp0 (id, "electronic") == 0);
}

static void
add_return_fields (MotcuaDossierEditor *self, AdwPreferencesGroup *group)
{
  GtkWidget *method = add_combo (self, group, "method", _("How it is returned"), return_methods);

  /* Usually the applicant collects the result in person. */
  add_entry (self, group, "recipient_name", _("Recipient's name"), motcua_dossier_get_applicant_name (self->dossier));
  add_entry (self, group, "recipient_id_number", _("Recipient's ID number"),
             motcua_dossier_get_applicant_id_number (self->dossier));
  /* Someone else may collect the result with the applicant's authorisation. */
  add_entry (self, group, "authorization", _("Authorisation (when someone else collects it)"), NULL);
  add_entry (self, group, "tracking", _("Postal tracking number"), NULL);
  add_entry (self, group, "postal_address", _("Posted to"), motcua_dossier_get_applicant_address (self->dossier));
  add_entry (self, group, "electronic_address", _("Sent to (e-mail or portal account, optional)"), NULL);
  g_signal_connect_swapped (method, "notify::selected", G_CALLBACK (update_return_rows), self);
}

static void
build_form_fields (MotcuaDossierEditor *self, const ActionForm *form, int minutes_per_day)
{
  AdwPreferencesGroup *group;
  GtkWidget *hint = gtk_label_new (_(form->hint));

  gtk_label_set_wrap (GTK_LABEL (hint), TRUE);
  gtk_label_set_xalign (GTK_LABEL (hint), 0);
  gtk_widget_add_css_class (hint, "dim-label");
  gtk_box_append (self->form_box, hint);

  if (form->needs & NEEDS_MISSING)
    add_missing_documents (self);
  group = add_form_group (self, NULL, NULL);
  if (form->needs & NEEDS_TO)
    add_entry (self, group, "to", _("Transfer to (unit or person)"), NULL);
  if (form->needs & NEEDS_NEW_DUE)
    {
      g_autofree char *suggestion = suggest_new_due (self, minutes_per_day);
      add_entry (self, group, "new_due", _("New return date (YYYY-MM-DD HH:MM)"), suggestion);
    }
  if (form->needs & NEEDS_RETURN)
    add_return_fields (self, group);
  if (form->needs & NEEDS_DRAFT_TYPE)
    add_combo (self, group, "draft_type", _("Kind of draft"), draft_types);
  if (form->needs & NEEDS_RATING)
    add_combo (self, group, "rating", _("The citizen was"), ratings);
  if (form->needs & NEEDS_NUMBER)
    add_entry (self, group, "document_number", _("Document number"), NULL);
  if (form->needs & NEEDS_REASON)
    add_entry (self, group, "reason", _("Reason"), NULL);
  /* The journal accepts a note on every action. */
  add_entry (self, group, "note", _("Note for the journal (optional)"), NULL);
}

static void
set_field_value (GtkWidget *widget, const char *value)
{
  if (ADW_IS_COMBO_ROW (widget))
    {
      const Choice *choices = g_object_get_data (G_OBJECT (widget), "choices");
      for (guint i = 0; choices != NULL && choices[i].id != NULL; i++)
        if (g_strcmp0 (choices[i].id, value) == 0)
          adw_combo_row_set_selected (ADW_COMBO_ROW (widget), i);
    }
  else if (GTK_IS_EDITABLE (widget))
    gtk_editable_set_text (GTK_EDITABLE (widget), value ? value : "");
  else if (GTK_IS_TEXT_VIEW (widget))
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (widget)), value ? value : "", -1);
}

static char *
get_field_value (GtkWidget *widget)
{
  if (ADW_IS_COMBO_ROW (widget))
    return g_strdup (combo_id (widget));
  if (GTK_IS_EDITABLE (widget))
    return g_strdup (gtk_editable_get_text (GTK_EDITABLE (widget)));
  if (GTK_IS_TEXT_VIEW (widget))
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (widget));
      GtkTextIter start, end;

      gtk_text_buffer_get_bounds (buffer, &start, &end);
      return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    }
  return NULL;
}

static void
restore_fields (MotcuaDossierEditor *self, JsonObject *fields, JsonArray *missing)
{
  GHashTableIter iter;
  gpointer name, widget;

  g_hash_table_iter_init (&iter, self->fields);
  while (g_hash_table_iter_next (&iter, &name, &widget))
    if (fields != NULL && json_object_has_member (fields, name))
      set_field_value (widget, payload_string (fields, name));

  if (missing == NULL)
    return;
  for (guint i = 0; i < self->missing_checks->len; i++)
    {
      GtkCheckButton *check = g_ptr_array_index (self->missing_checks, i);
      const char *document = g_object_get_data (G_OBJECT (check), "document");
      gboolean checked = FALSE;

      for (guint j = 0; j < json_array_get_length (missing); j++)
        checked |= g_strcmp0 (json_array_get_string_element (missing, j), document) == 0;
      gtk_check_button_set_active (check, checked);
    }
}

static void
clear_form_widgets (MotcuaDossierEditor *self)
{
  g_hash_table_remove_all (self->fields);
  g_ptr_array_set_size (self->missing_checks, 0);
  remove_all_children (GTK_WIDGET (self->form_box));
}

static void
show_form_error (MotcuaDossierEditor *self, const char *message)
{
  gtk_label_set_text (self->form_error, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->form_error), message != NULL);
}

static void
close_form (MotcuaDossierEditor *self)
{
  self->form_action = NO_ACTION;
  /* The widgets go once the revealer has slid shut (on_form_revealed), not before, so
   * the card does not collapse under the animation. */
  g_hash_table_remove_all (self->fields);
  g_ptr_array_set_size (self->missing_checks, 0);
  show_form_error (self, NULL);
  self->focus_form = FALSE;
  gtk_revealer_set_reveal_child (self->form_revealer, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.confirm", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.cancel", FALSE);
}

static void
focus_first_field_now (MotcuaDossierEditor *self)
{
  self->focus_form = FALSE;
  if (!motcua_focus_first_in (GTK_WIDGET (self->form_box)))
    gtk_widget_grab_focus (GTK_WIDGET (self->confirm_button));
}

/* The clerk types into the form at once. A form just opened is not on screen until
 * its revealer has slid open, and its fields cannot take the focus before: the
 * focus stayed on the button that opened it, and Tab went past the form. */
static void
focus_first_field (MotcuaDossierEditor *self)
{
  if (gtk_revealer_get_child_revealed (self->form_revealer))
    focus_first_field_now (self);
  else
    self->focus_form = TRUE;
}

static void
on_form_revealed (GtkRevealer *revealer, GParamSpec *pspec, MotcuaDossierEditor *self)
{
  if (!gtk_revealer_get_child_revealed (revealer) && self->form_action == NO_ACTION)
    remove_all_children (GTK_WIDGET (self->form_box));
  else if (gtk_revealer_get_child_revealed (revealer) && self->focus_form)
    focus_first_field_now (self);
}

static int
agency_minutes_per_day (MotcuaDossierEditor *self)
{
  g_autoptr(MotcuaAgency) agency = motcua_store_get_agency (self->store, NULL);

  return agency != NULL && agency->minutes_per_day > 0 ? agency->minutes_per_day : 480;
}

/* Opens the form of @action, filled from a draft's @fields and @missing when given. */
static void
open_form (MotcuaDossierEditor *self, const ActionForm *form, JsonObject *fields, JsonArray *missing)
{
  static const char * const confirm_classes[] = { "suggested-action", "destructive-action", NULL };
  gboolean was_restoring = self->restoring;

  self->restoring = TRUE;
  clear_form_widgets (self);
  self->form_action = form->action;
  gtk_label_set_text (self->form_title, motcua_action_label (form->action));
  build_form_fields (self, form, agency_minutes_per_day (self));
  restore_fields (self, fields, missing);
  update_return_rows (self);
  show_form_error (self, NULL);

  gtk_button_set_label (self->confirm_button, motcua_action_label (form->action));
  set_one_class (GTK_WIDGET (self->confirm_button), confirm_classes,
                 form->destructive ? "destructive-action" : "suggested-action");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.confirm", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.cancel", TRUE);
  gtk_revealer_set_reveal_child (self->form_revealer, TRUE);
  self->restoring = was_restoring;
}

/* ---- drafts -------------------------------------------------------------------------------- */

static char *
draft_key (const char *code)
{
  return g_strconcat ("draft:", code, NULL);
}

static char *
notes_text (MotcuaDossierEditor *self)
{
  return get_field_value (GTK_WIDGET (self->notes_view));
}

/* The draft as JSON: {"notes", "action", "fields": {name: text}, "missing": [names]};
 * "" when there is nothing worth keeping. */
static char *
draft_to_json (MotcuaDossierEditor *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *notes = notes_text (self);
  gboolean empty = TRUE;

  json_builder_begin_object (builder);
  if (!motcua_text_is_blank (notes))
    {
      json_builder_set_member_name (builder, "notes");
      json_builder_add_string_value (builder, notes);
      empty = FALSE;
    }
  if (self->form_action != NO_ACTION)
    {
      GHashTableIter iter;
      gpointer name, widget;

      json_builder_set_member_name (builder, "action");
      json_builder_add_string_value (builder, motcua_action_to_string (self->form_action));
      json_builder_set_member_name (builder, "fields");
      json_builder_begin_object (builder);
      g_hash_table_iter_init (&iter, self->fields);
      while (g_hash_table_iter_next (&iter, &name, &widget))
        {
          g_autofree char *value = get_field_value (widget);
          json_builder_set_member_name (builder, name);
          json_builder_add_string_value (builder, value ? value : "");
        }
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "missing");
      json_builder_begin_array (builder);
      for (guint i = 0; i < self->missing_checks->len; i++)
        {
          GtkCheckButton *check = g_ptr_array_index (self->missing_checks, i);
          if (gtk_check_button_get_active (check))
            json_builder_add_string_value (builder, g_object_get_data (G_OBJECT (check), "document"));
        }
      json_builder_end_array (builder);
      empty = FALSE;
    }
  json_builder_end_object (builder);

  if (empty)
    return g_strdup ("");
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static void
save_draft_now (MotcuaDossierEditor *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *key = NULL;

  g_clear_handle_id (&self->save_source, g_source_remove);
  if (self->store == NULL || self->code == NULL)
    return;
  json = draft_to_json (self);
  if (g_strcmp0 (json, self->saved_draft ? self->saved_draft : "") == 0)
    return;
  key = draft_key (self->code);
  if (!motcua_store_set_state (self->store, key, json, &error))
    {
      /* Keep editing possible; the next change tries again. */
      g_warning ("Could not save the draft of %s: %s", self->code, error->message);
      return;
    }
  g_free (self->saved_draft);
  self->saved_draft = g_steal_pointer (&json);
}

static gboolean
save_draft_timeout (gpointer user_data)
{
  MotcuaDossierEditor *self = user_data;

  self->save_source = 0;
  save_draft_now (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_save (MotcuaDossierEditor *self)
{
  if (self->restoring || self->code == NULL)
    return;
  g_clear_handle_id (&self->save_source, g_source_remove);
  self->save_source = g_timeout_add (DRAFT_SAVE_DELAY_MS, save_draft_timeout, self);
}

static void
flush_draft (MotcuaDossierEditor *self)
{
  if (self->save_source != 0)
    save_draft_now (self);
}

/* Restores notes, and the form in progress when its action is still allowed. */
static void
restore_draft (MotcuaDossierEditor *self)
{
  g_autofree char *key = draft_key (self->code);
  g_autofree char *json = motcua_store_get_state (self->store, key, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *draft = NULL;
  const char *action_name;
  MotcuaAction action;

  g_free (self->saved_draft);
  self->saved_draft = g_strdup (json);
  self->restoring = TRUE;
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->notes_view), "", -1);

  if (!motcua_text_is_blank (json) && json_parser_load_from_data (parser, json, -1, NULL)
      && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    draft = json_node_get_object (json_parser_get_root (parser));
  if (draft != NULL && payload_string (draft, "notes") != NULL)
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->notes_view), payload_string (draft, "notes"), -1);

  action_name = draft ? payload_string (draft, "action") : NULL;
  if (action_name != NULL && motcua_action_from_string (action_name, &action)
      && (self->allowed & (1u << action)) != 0 && action_form_for (action) != NULL)
    {
      JsonNode *fields = json_object_get_member (draft, "fields");
      JsonNode *missing = json_object_get_member (draft, "missing");

      open_form (self, action_form_for (action),
                 fields && JSON_NODE_HOLDS_OBJECT (fields) ? json_node_get_object (fields) : NULL,
                 missing && JSON_NODE_HOLDS_ARRAY (missing) ? json_node_get_array (missing) : NULL);
    }
  self->restoring = FALSE;
}

static void
on_notes_changed (GtkTextBuffer *buffer, MotcuaDossierEditor *self)
{
  schedule_save (self);
}

/* ---- loading --------------------------------------------------------------------------- */

static void
show_empty (MotcuaDossierEditor *self, const char *icon_name, const char *title, const char *description)
{
  adw_status_page_set_icon_name (self->empty_page, icon_name);
  adw_status_page_set_title (self->empty_page, title);
  adw_status_page_set_description (self->empty_page, description);
  gtk_stack_set_visible_child_name (self->stack, "empty");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.add-files", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.digitize", FALSE);
}

static void
show_no_dossier (MotcuaDossierEditor *self)
{
  show_empty (self, "folder-documents-symbolic", _("No Dossier Selected"), _("Choose a dossier in the queue, or receive a new one with Ctrl+N."));
}

/* Reads the dossier back from the store and redraws everything but the notes and an
 * open form, which belong to the person typing. */
static gboolean
reload (MotcuaDossierEditor *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = NULL;
  MotcuaDossier *dossier;
  int minutes_per_day;

  dossier = motcua_store_get_dossier (self->store, self->code, &error);
  if (dossier == NULL)
    {
      g_clear_object (&self->dossier);
      self->allowed = 0;
      close_form (self);
      show_empty (self, "dialog-warning-symbolic", _("This Dossier Cannot Be Shown"), error ? error->message : NULL);
      return FALSE;
    }
  g_set_object (&self->dossier, dossier);
  g_object_unref (dossier);

  now = now_in_agency_zone (self);
  minutes_per_day = agency_minutes_per_day (self);
  update_header (self, now, minutes_per_day);
  update_actions (self, now);
  update_applicant (self);
  update_documents (self);
  update_attachments (self);
  update_journal (self);

  /* Someone else may have moved the dossier on since the form was opened. */
  if (self->form_action != NO_ACTION && (self->allowed & (1u << self->form_action)) == 0)
    {
      close_form (self);
      schedule_save (self);
    }
  gtk_stack_set_visible_child_name (self->stack, "dossier");
  return TRUE;
}

/* ---- confirming ------------------------------------------------------------------------- */

/* The text of a field the form shows, NULL when blank, hidden or absent, so the core
 * sees exactly what the clerk could see. */
static char *
field_text (MotcuaDossierEditor *self, const char *name)
{
  GtkWidget *widget = g_hash_table_lookup (self->fields, name);
  g_autofree char *value = NULL;

  if (widget == NULL || !gtk_widget_get_visible (widget))
    return NULL;
  value = get_field_value (widget);
  if (motcua_text_is_blank (value))
    return NULL;
  return g_strdup (g_strstrip (value));
}

/* Ticked documents, then each non-empty line of the free text. */
static GPtrArray *
collect_missing (MotcuaDossierEditor *self)
{
  GPtrArray *missing = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *other = field_text (self, "missing-other");

  for (guint i = 0; i < self->missing_checks->len; i++)
    {
      GtkCheckButton *check = g_ptr_array_index (self->missing_checks, i);
      if (gtk_check_button_get_active (check))
        g_ptr_array_add (missing, g_strdup (g_object_get_data (G_OBJECT (check), "document")));
    }
  if (other != NULL)
    {
      g_auto(GStrv) lines = g_strsplit (other, "\n", -1);
      for (guint i = 0; lines[i] != NULL; i++)
        if (!motcua_text_is_blank (lines[i]))
          g_ptr_array_add (missing, g_strdup (g_strstrip (lines[i])));
    }
  g_ptr_array_add (missing, NULL);
  return missing;
}

/* After a form closes its buttons are gone; the keyboard continues from the next step. */
static void
focus_actions (MotcuaDossierEditor *self)
{
  GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->actions_flow));

  if (child == NULL || !gtk_widget_get_visible (GTK_WIDGET (self->actions_flow))
      || !gtk_widget_child_focus (child, GTK_DIR_TAB_FORWARD))
    gtk_widget_grab_focus (GTK_WIDGET (self->copy_code_button));
}

static void
finish_change (MotcuaDossierEditor *self, const char *code, const char *message)
{
  g_autofree char *changed = g_strdup (code);

  if (g_strcmp0 (code, self->code) == 0)
    reload (self);
  g_signal_emit (self, signals[DOSSIER_CHANGED], 0, changed);
  g_signal_emit (self, signals[TOAST], 0, message);
}

/* Once the profile has trust anchors every approval is signed (docs/signatures.md). */
static gboolean
approval_needs_signature (MotcuaDossierEditor *self)
{
  g_autoptr(MotcuaTrust) trust = motcua_approval_load_trust (self->store, NULL);

  return trust != NULL && motcua_trust_get_n_anchors (trust) > 0;
}

static void
on_signed_approval (MotcuaDossierEditor *self, const char *code)
{
  if (g_strcmp0 (code, self->code) == 0)
    {
      close_form (self);
      save_draft_now (self);
    }
  finish_change (self, code, _("Approved and signed"));
  focus_actions (self);
}

static void
open_sign_dialog (MotcuaDossierEditor *self, const char *note)
{
  MotcuaSignDialog *dialog = motcua_sign_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                                     self->store, self->code, note);

  g_signal_connect_object (dialog, "approved", G_CALLBACK (on_signed_approval), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
confirm_form (MotcuaDossierEditor *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaDossier) result = NULL;
  g_autoptr(GPtrArray) missing = NULL;
  g_autofree char *reason = field_text (self, "reason");
  g_autofree char *new_due = field_text (self, "new_due");
  g_autofree char *method = field_text (self, "method");
  g_autofree char *tracking = field_text (self, "tracking");
  g_autofree char *recipient_name = field_text (self, "recipient_name");
  g_autofree char *recipient_id = field_text (self, "recipient_id_number");
  g_autofree char *authorization = field_text (self, "authorization");
  g_autofree char *postal_address = field_text (self, "postal_address");
  g_autofree char *electronic_address = field_text (self, "electronic_address");
  g_autofree char *to = field_text (self, "to");
  g_autofree char *draft_type = field_text (self, "draft_type");
  g_autofree char *rating = field_text (self, "rating");
  g_autofree char *note = field_text (self, "note");
  g_autofree char *document_number = field_text (self, "document_number");
  MotcuaActionRequest request = { 0 };
  const ActionForm *form;

  if (self->form_action == NO_ACTION || self->dossier == NULL)
    return;
  form = action_form_for (self->form_action);
  missing = collect_missing (self);
  request.reason = reason;
  request.missing = (form->needs & NEEDS_MISSING) && missing->len > 1 ? (const char * const *) missing->pdata : NULL;
  request.new_due = new_due;
  request.method = method;
  request.tracking = tracking;
  request.recipient_name = recipient_name;
  request.recipient_id_number = recipient_id;
  request.authorization = authorization;
  request.postal_address = postal_address;
  request.electronic_address = electronic_address;
  request.to = to;
  request.draft_type = draft_type;
  request.rating = rating;
  request.note = note;
  request.document_number = document_number;

  if (form->action == MOTCUA_ACTION_APPROVE && approval_needs_signature (self))
    {
      open_sign_dialog (self, note);
      return;
    }

  result = motcua_store_act (self->store, self->code, form->action, &request, &error);
  if (result == NULL)
    {
      /* The core's messages are written for the clerk; the form stays as typed. */
      show_form_error (self, error ? error->message : _("The action could not be saved."));
      return;
    }

  close_form (self);
  save_draft_now (self);
  finish_change (self, self->code, _(form->done));
  focus_actions (self);
}

/* ---- attaching ----------------------------------------------------------------------------- */

static gboolean
attach_paths_to (MotcuaDossierEditor *self, const char *code, const char * const *paths)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaDossier) result = NULL;
  g_autofree char *message = NULL;
  MotcuaActionRequest request = { 0 };
  guint n = g_strv_length ((char **) paths);

  request.attach_paths = paths;
  result = motcua_store_act (self->store, code, MOTCUA_ACTION_ATTACH, &request, &error);
  if (result == NULL)
    {
      if (g_strcmp0 (code, self->code) == 0)
        show_attachments_error (self, error ? error->message : _("The files could not be attached."));
      return FALSE;
    }
  show_attachments_error (self, NULL);
  message = g_strdup_printf (ngettext ("%u file attached", "%u files attached", n), n);
  finish_change (self, code, message);
  if (g_strcmp0 (code, self->code) == 0)
    g_signal_emit (self, signals[FILES_ATTACHED], 0);
  return TRUE;
}

void
motcua_dossier_editor_attach_files (MotcuaDossierEditor *self, const char * const *paths)
{
  g_return_if_fail (MOTCUA_IS_DOSSIER_EDITOR (self));

  if (self->store == NULL || self->code == NULL || paths == NULL || paths[0] == NULL)
    return;
  attach_paths_to (self, self->code, paths);
}

static char **
paths_of_files (GListModel *files)
{
  g_autoptr(GStrvBuilder) paths = g_strv_builder_new ();

  for (guint i = 0; i < g_list_model_get_n_items (files); i++)
    {
      g_autoptr(GFile) file = g_list_model_get_item (files, i);
      g_autofree char *path = g_file_get_path (file);

      if (path != NULL)
        g_strv_builder_add (paths, path);
    }
  return g_strv_builder_end (paths);
}

static gboolean
on_drop (GtkDropTarget *target, const GValue *value, double x, double y, MotcuaDossierEditor *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) paths = NULL;
  GSList *files;

  if (!motcua_dossier_editor_can_attach (self))
    {
      if (self->dossier != NULL)
        show_attachments_error (self, _("Files cannot be attached to a dossier in this status."));
      return FALSE;
    }
  files = gdk_file_list_get_files (g_value_get_boxed (value));
  for (GSList *l = files; l != NULL; l = l->next)
    {
      g_autofree char *path = g_file_get_path (l->data);
      if (path != NULL)
        g_strv_builder_add (builder, path);
    }
  g_slist_free (files);
  paths = g_strv_builder_end (builder);
  if (paths[0] == NULL)
    return FALSE;
  motcua_dossier_editor_attach_files (self, (const char * const *) paths);
  return TRUE;
}

/* ---- digitising paper ----------------------------------------------------------------------- */

typedef struct {
  char **images;
  char  *dir;
  char  *pdf;
  char  *code;
} DigitizeJob;

static void
digitize_job_free (DigitizeJob *job)
{
  if (job->pdf != NULL)
    g_unlink (job->pdf);
  if (job->dir != NULL)
    g_rmdir (job->dir);
  g_strfreev (job->images);
  g_free (job->dir);
  g_free (job->pdf);
  g_free (job->code);
  g_free (job);
}

static void
digitize_worker (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  DigitizeJob *job = task_data;
  GError *error = NULL;

  if (!motcua_digitize_images ((const char * const *) job->images, job->pdf, &error))
    {
      if (error == NULL)
        error = g_error_new_literal (MOTCUA_ERROR, MOTCUA_ERROR_FAILED,
                                     _("The scanned pages could not be combined into a PDF."));
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
set_digitizing (MotcuaDossierEditor *self, gboolean busy)
{
  self->digitizing += busy ? 1 : -1;
  gtk_widget_set_visible (GTK_WIDGET (self->digitize_spinner), self->digitizing > 0);
  gtk_spinner_set_spinning (self->digitize_spinner, self->digitizing > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.digitize",
                                 self->digitizing == 0 && (self->allowed & (1u << MOTCUA_ACTION_ATTACH)) != 0);
}

static void
digitize_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  MotcuaDossierEditor *self = MOTCUA_DOSSIER_EDITOR (source);
  DigitizeJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  const char *paths[] = { job->pdf, NULL };

  if (g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))) || self->store == NULL)
    return;
  set_digitizing (self, FALSE);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_strcmp0 (job->code, self->code) == 0)
        show_attachments_error (self, error->message);
      return;
    }
  /* The pages belong to the dossier they were scanned for, even if another is shown now. */
  attach_paths_to (self, job->code, paths);
}

static char *
scan_file_name (void)
{
  g_autoptr(GDateTime) now = motcua_time_now (NULL);
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");

  /* Translators: the start of the file name of a digitised paper dossier. */
  return g_strdup_printf ("%s %s.pdf", _("Scanned paper"), stamp);
}

void
motcua_dossier_editor_digitize_files (MotcuaDossierEditor *self, const char * const *image_paths)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  DigitizeJob *job;

  g_return_if_fail (MOTCUA_IS_DOSSIER_EDITOR (self));
  if (self->store == NULL || self->code == NULL || image_paths == NULL || image_paths[0] == NULL)
    return;

  job = g_new0 (DigitizeJob, 1);
  job->images = g_strdupv ((char **) image_paths);
  job->code = g_strdup (self->code);
  job->dir = g_dir_make_tmp ("motcua-scan-XXXXXX", &error);
  if (job->dir == NULL)
    {
      show_attachments_error (self, error->message);
      digitize_job_free (job);
      return;
    }
  name = scan_file_name ();
  job->pdf = g_build_filename (job->dir, name, NULL);

  show_attachments_error (self, NULL);
  set_digitizing (self, TRUE);
  task = g_task_new (self, self->cancellable, digitize_done, NULL);
  g_task_set_source_tag (task, motcua_dossier_editor_digitize_files);
  g_task_set_task_data (task, job, (GDestroyNotify) digitize_job_free);
  g_task_run_in_thread (task, digitize_worker);
}

/* Scanners number their pages, so the pages go in file-name order whatever order the
 * chooser returns them in. */
static int
compare_file_names (gconstpointer a, gconstpointer b)
{
  g_autofree char *key_a = g_utf8_collate_key_for_filename (*(char **) a, -1);
  g_autofree char *key_b = g_utf8_collate_key_for_filename (*(char **) b, -1);

  return strcmp (key_a, key_b);
}

/* ---- file choosers ---------------------------------------------------------------------------- */

static void
on_chooser_response (GtkNativeDialog *chooser, int response, MotcuaDossierEditor *self)
{
  gboolean digitize = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (chooser), "digitize"));

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));
      g_auto(GStrv) paths = paths_of_files (files);

      if (digitize)
        {
          qsort (paths, g_strv_length (paths), sizeof (char *), compare_file_names);
          motcua_dossier_editor_digitize_files (self, (const char * const *) paths);
        }
      else
        motcua_dossier_editor_attach_files (self, (const char * const *) paths);
    }
  gtk_native_dialog_destroy (chooser);
  if (self->chooser == chooser)
    g_clear_object (&self->chooser);
}

static void
open_chooser (MotcuaDossierEditor *self, gboolean digitize)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *chooser;

  if (self->chooser != NULL)
    {
      gtk_native_dialog_destroy (self->chooser);
      g_clear_object (&self->chooser);
    }
  chooser = gtk_file_chooser_native_new (digitize ? _("Choose the Scanned Pages") : _("Attach Files"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_OPEN,
                                         digitize ? _("_Digitise") : _("_Attach"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  if (digitize)
    {
      g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

      gtk_file_filter_set_name (filter, _("Scanned images (JPEG, PNG)"));
      gtk_file_filter_add_mime_type (filter, "image/jpeg");
      gtk_file_filter_add_mime_type (filter, "image/png");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
    }
  g_object_set_data (G_OBJECT (chooser), "digitize", GINT_TO_POINTER (digitize));
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_chooser_response), self, 0);
  self->chooser = GTK_NATIVE_DIALOG (chooser);
  gtk_native_dialog_show (self->chooser);
}

/* ---- widget actions ----------------------------------------------------------------------------- */

static void
begin_action_cb (GtkWidget *widget, const char *name, GVariant *parameter)
{
  MotcuaAction action;

  if (motcua_action_from_string (g_variant_get_string (parameter, NULL), &action))
    motcua_dossier_editor_begin_action (MOTCUA_DOSSIER_EDITOR (widget), action);
}

static void
confirm_cb (GtkWidget *widget, const char *name, GVariant *parameter)
{
  confirm_form (MOTCUA_DOSSIER_EDITOR (widget));
}

static void
cancel_cb (GtkWidget *widget, const char *name, GVariant *parameter)
{
  MotcuaDossierEditor *self = MOTCUA_DOSSIER_EDITOR (widget);

  /* Cancelling is a decision, unlike closing the window: the form's draft goes too. */
  close_form (self);
  save_draft_now (self);
  focus_actions (self);
}

static void
add_files_cb (GtkWidget *widget, const char *name, GVariant *parameter)
{
  open_chooser (MOTCUA_DOSSIER_EDITOR (widget), FALSE);
}

static void
digitize_cb (GtkWidget *widget, const char *name, GVariant *parameter)
{
  open_chooser (MOTCUA_DOSSIER_EDITOR (widget), TRUE);
}

static void
copy_code_cb (GtkWidget *widget, const char *name, GVariant *parameter)
{
  MotcuaDossierEditor *self = MOTCUA_DOSSIER_EDITOR (widget);

  if (self->code == NULL)
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->code);
  g_signal_emit (self, signals[TOAST], 0, _("Dossier code copied"));
}

/* ---- public API ------------------------------------------------------------------------------- */

GtkWidget *
motcua_dossier_editor_new (void)
{
  return g_object_new (MOTCUA_TYPE_DOSSIER_EDITOR, NULL);
}

void
motcua_dossier_editor_set_store (MotcuaDossierEditor *self, MotcuaStore *store)
{
  g_return_if_fail (MOTCUA_IS_DOSSIER_EDITOR (self));

  if (self->store == store)
    return;
  motcua_dossier_editor_show_dossier (self, NULL);
  g_set_object (&self->store, store);
}

void
motcua_dossier_editor_show_dossier (MotcuaDossierEditor *self, const char *code)
{
  g_return_if_fail (MOTCUA_IS_DOSSIER_EDITOR (self));

  if (g_strcmp0 (code, self->code) == 0)
    {
      if (code != NULL && self->store != NULL)
        reload (self);
      return;
    }

  /* The draft of the dossier being left is saved before anything of it changes. */
  flush_draft (self);
  close_form (self);
  clear_form_widgets (self);
  show_attachments_error (self, NULL);
  g_clear_pointer (&self->saved_draft, g_free);
  g_clear_object (&self->dossier);
  g_free (self->code);
  self->code = g_strdup (code);
  self->allowed = 0;

  self->restoring = TRUE;
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->notes_view), "", -1);
  self->restoring = FALSE;

  if (self->code == NULL || self->store == NULL)
    {
      show_no_dossier (self);
      return;
    }
  if (!reload (self))
    return;
  restore_draft (self);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
}

const char *
motcua_dossier_editor_get_code (MotcuaDossierEditor *self)
{
  g_return_val_if_fail (MOTCUA_IS_DOSSIER_EDITOR (self), NULL);
  return self->code;
}

void
motcua_dossier_editor_open_attachment (MotcuaDossierEditor *self)
{
  GtkListBoxRow *row;

  g_return_if_fail (MOTCUA_IS_DOSSIER_EDITOR (self));
  if (self->dossier == NULL)
    return;
  row = gtk_list_box_get_selected_row (self->attachments_list);
  if (row == NULL)
    row = gtk_list_box_get_row_at_index (self->attachments_list, 0);
  if (row != NULL)
    emit_attachment (self, row);
}

gboolean
motcua_dossier_editor_show_print_menu (MotcuaDossierEditor *self)
{
  g_return_val_if_fail (MOTCUA_IS_DOSSIER_EDITOR (self), FALSE);
  return self->dossier != NULL && motcua_slip_button_popup (self->slip_button);
}

guint
motcua_dossier_editor_get_n_attachments (MotcuaDossierEditor *self)
{
  g_return_val_if_fail (MOTCUA_IS_DOSSIER_EDITOR (self), 0);

  return self->dossier != NULL ? motcua_dossier_get_attachments (self->dossier)->len : 0;
}

gboolean
motcua_dossier_editor_can_attach (MotcuaDossierEditor *self)
{
  g_return_val_if_fail (MOTCUA_IS_DOSSIER_EDITOR (self), FALSE);

  return self->dossier != NULL && (self->allowed & (1u << MOTCUA_ACTION_ATTACH)) != 0;
}

gboolean
motcua_dossier_editor_preview_attachment (MotcuaDossierEditor *self, int index)
{
  GtkListBoxRow *row;
  g_autofree char *path = NULL;

  g_return_val_if_fail (MOTCUA_IS_DOSSIER_EDITOR (self), FALSE);
  if (self->dossier == NULL)
    return FALSE;
  if (index < 0)
    index += (int) motcua_dossier_get_attachments (self->dossier)->len;
  /* Moving through the queue must not start downloads, nor say a file is missing: a
   * file from another workstation waits until the clerk opens it. */
  if (index < 0 || (row = gtk_list_box_get_row_at_index (self->attachments_list, index)) == NULL
      || (path = local_attachment_path (self, row)) == NULL)
    return FALSE;
  gtk_list_box_select_row (self->attachments_list, row);
  show_attachment (self, row, path);
  return TRUE;
}

gboolean
motcua_dossier_editor_open_result (MotcuaDossierEditor *self)
{
  GtkListBoxRow *row;
  int index;

  g_return_val_if_fail (MOTCUA_IS_DOSSIER_EDITOR (self), FALSE);
  if (self->dossier == NULL || motcua_dossier_get_step (self->dossier) != MOTCUA_STEP_AWAITING_APPROVAL)
    return FALSE;
  /* The document the approval would sign as the result (its result_sha256, found when
   * the journal was read); the list shows the dossier's attachments in their order. */
  if ((index = motcua_dossier_find_attachment (self->dossier, self->result_sha256)) < 0
      || (row = gtk_list_box_get_row_at_index (self->attachments_list, index)) == NULL)
    return FALSE;
  gtk_list_box_select_row (self->attachments_list, row);
  emit_attachment (self, row);
  return TRUE;
}

gboolean
motcua_dossier_editor_begin_action (MotcuaDossierEditor *self, MotcuaAction action)
{
  const ActionForm *form;

  g_return_val_if_fail (MOTCUA_IS_DOSSIER_EDITOR (self), FALSE);
  form = action < MOTCUA_N_ACTIONS ? action_form_for (action) : NULL;
  if (self->dossier == NULL || form == NULL || (self->allowed & (1u << action)) == 0)
    return FALSE;
  if (self->form_action != (int) action)
    {
      open_form (self, form, NULL, NULL);
      /* An open form is itself worth keeping: it is what the clerk was about to do. */
      schedule_save (self);
    }
  focus_first_field (self);
  return TRUE;
}

gboolean
motcua_dossier_editor_get_open_action (MotcuaDossierEditor *self, MotcuaAction *action)
{
  g_return_val_if_fail (MOTCUA_IS_DOSSIER_EDITOR (self), FALSE);
  if (self->form_action == NO_ACTION)
    return FALSE;
  if (action != NULL)
    *action = self->form_action;
  return TRUE;
}

GtkWidget *
motcua_dossier_editor_get_field (MotcuaDossierEditor *self, const char *name)
{
  g_return_val_if_fail (MOTCUA_IS_DOSSIER_EDITOR (self), NULL);
  if (g_strcmp0 (name, "notes") == 0)
    return GTK_WIDGET (self->notes_view);
  return g_hash_table_lookup (self->fields, name);
}

/* ---- type ---------------------------------------------------------------------------------------- */

static void
motcua_dossier_editor_dispose (GObject *object)
{
  MotcuaDossierEditor *self = (MotcuaDossierEditor *) object;

  /* Closing the window must not lose what was typed in the last half second. */
  flush_draft (self);
  g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  g_hash_table_remove_all (self->fields);
  g_ptr_array_set_size (self->missing_checks, 0);

  gtk_widget_dispose_template (GTK_WIDGET (self), MOTCUA_TYPE_DOSSIER_EDITOR);

  g_clear_object (&self->dossier);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (motcua_dossier_editor_parent_class)->dispose (object);
}

static void
motcua_dossier_editor_finalize (GObject *object)
{
  MotcuaDossierEditor *self = (MotcuaDossierEditor *) object;

  g_clear_pointer (&self->fields, g_hash_table_unref);
  g_clear_pointer (&self->missing_checks, g_ptr_array_unref);
  g_clear_object (&self->cancellable);
  g_free (self->code);
  g_free (self->saved_draft);
  g_free (self->result_sha256);
  G_OBJECT_CLASS (motcua_dossier_editor_parent_class)->finalize (object);
}

static void
motcua_dossier_editor_class_init (MotcuaDossierEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = motcua_dossier_editor_dispose;
  object_class->finalize = motcua_dossier_editor_finalize;

  signals[ATTACHMENT_ACTIVATED] =
    g_signal_new ("attachment-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
  /* Files were just attached to the dossier shown, the newest last. */
  signals[FILES_ATTACHED] =
    g_signal_new ("files-attached", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  signals[DOSSIER_CHANGED] =
    g_signal_new ("dossier-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[TOAST] =
    g_signal_new ("toast", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "dossiereditor");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);

  g_type_ensure (MOTCUA_TYPE_SLIP_BUTTON);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/motcua/Desk/motcua-dossier-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, MotcuaDossierEditor, stack);
  gtk_widget_class_bind_template_child (widget_class, MotcuaDossierEditor, empty_page);
  gtk_widget_class_bind_template_child (widget_class, MotcuaDossierEditor, scroller);
  gtk_widget_class_bind_template_child (widget_class, MotcuaDossierEditor, code_label);
  gtk_widget_class_bind_template_child (widget_class, MotcuaDossierEditor, copy_code_button);
  gtk_widget_class_bind_template_child (widget_class, MotcuaDossierEditor, slip_button);
  gtk_widget_class_bind_template_child (widget_class, MotcuaDossierEditor, status_label);
  gtk_widget_class_bind_template_child (widget_class, MotcuaDossierEditor, procedure_label);
  gtk_widget_class_bind_template_child (widget_class, MotcuaDossierEditor, step_label);
  gtk_widget_class_bind_template_child (widget_class, MotcuaDossierEditor, due_label);
  gtk_widget_class_bind_template_child (widget_class, MotcuaDossierEditor, meta_label);
  gtk_widget_class_bind_template_child (widget_class, MotcuaDossierEditor, actions_flow);
  gtk_widget_class_bind_template_child (widget_class, MotcuaDossierEditor, no_actions_label);
  gtk_widget_class_bind_template_child (widget_class, MotcuaDossierEditor, form_revealer);
  gtk_widget_class_bind_template_child (widget_class, MotcuaDossierEditor, form_title);
  gtk_widget_class_bind_template_child (widget_class, MotcuaDossierEditor, form_box);
  gtk_widget_class_bind_template_child (widget_class, MotcuaDossierEditor, form_error);
  gtk_widget_class_bind_template_child (widget_class, MotcuaDossierEditor, confirm_button);
  gtk_widget_class_bind_template_child (widget_class, MotcuaDossierEditor, applicant_name_row);
  gtk_widget_class_bind_template_child (widget_class, MotcuaDossierEditor, applicant_id_row);
  gtk_widget_class_bind_template_child (widget_class, MotcuaDossierEditor, applicant_phone_row);
  gtk_widget_class_bind_template_child (widget_class, MotcuaDossierEditor, applicant_address_row);
  gtk_widget_class_bind_template_child (widget_class, MotcuaDossierEditor, documents_group);
  gtk_widget_class_bind_template_child (widget_class, MotcuaDossierEditor, documents_list);
  gtk_widget_class_bind_template_child (widget_class, MotcuaDossierEditor, attachments_list);
  gtk_widget_class_bind_template_child (widget_class, MotcuaDossierEditor, attachments_error);
  gtk_widget_class_bind_template_child (widget_class, MotcuaDossierEditor, digitize_spinner);
  gtk_widget_class_bind_template_child (widget_class, MotcuaDossierEditor, notes_view);
  gtk_widget_class_bind_template_child (widget_class, MotcuaDossierEditor, journal_list);
  gtk_widget_class_bind_template_callback (widget_class, on_attachment_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_form_revealed);

  gtk_widget_class_install_action (widget_class, "editor.begin", "s", begin_action_cb);
  gtk_widget_class_install_action (widget_class, "editor.copy-code", NULL, copy_code_cb);
  gtk_widget_class_install_action (widget_class, "editor.confirm", NULL, confirm_cb);
  gtk_widget_class_install_action (widget_class, "editor.cancel", NULL, cancel_cb);
  gtk_widget_class_install_action (widget_class, "editor.add-files", NULL, add_files_cb);
  gtk_widget_class_install_action (widget_class, "editor.digitize", NULL, digitize_cb);
}

static void
motcua_dossier_editor_init (MotcuaDossierEditor *self)
{
  GtkDropTarget *drop;

  self->form_action = NO_ACTION;
  self->fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->missing_checks = g_ptr_array_new ();
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect (gtk_text_view_get_buffer (self->notes_view), "changed", G_CALLBACK (on_notes_changed), self);

  /* Files dropped anywhere on the dossier are attached to it. */
  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.confirm", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.cancel", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.add-files", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.digitize", FALSE);
}
