/* motcua-dossier.c: folding events into a dossier. */

#include <glib/gi18n-lib.h>

#include "motcua-dossier-private.h"
#include "motcua-error.h"
#include "motcua-sqlite.h"
#include "motcua-time.h"

G_DEFINE_FINAL_TYPE (MotcuaDossier, motcua_dossier, G_TYPE_OBJECT)

MotcuaDossierDocument *
motcua_dossier_document_new (const char *name, const char *kind, int quantity, gboolean provided,
                             gboolean required)
{
  MotcuaDossierDocument *doc = g_new0 (MotcuaDossierDocument, 1);

  doc->name = g_strdup (name);
  doc->kind = g_strdup (kind ? kind : "original");
  doc->quantity = quantity > 0 ? quantity : 1;
  doc->provided = provided;
  doc->required = required;
  return doc;
}

void
motcua_dossier_document_free (MotcuaDossierDocument *doc)
{
  g_free (doc->name);
  g_free (doc->kind);
  g_free (doc);
}

MotcuaAttachmentRef *
motcua_attachment_ref_new (const char *sha256, const char *name, const char *mime_type, gint64 size)
{
  MotcuaAttachmentRef *ref = g_new0 (MotcuaAttachmentRef, 1);

  ref->sha256 = g_strdup (sha256);
  ref->name = g_strdup (name);
  ref->mime_type = g_strdup (mime_type);
  ref->size = size;
  return ref;
}

void
motcua_attachment_ref_free (MotcuaAttachmentRef *ref)
{
  g_free (ref->sha256);
  g_free (ref->name);
  g_free (ref->mime_type);
  g_free (ref);
}

static void
motcua_dossier_finalize (GObject *object)
{
  MotcuaDossier *self = (MotcuaDossier *) object;

  g_free (self->uid);
  g_free (self->code);
  g_free (self->agency_code);
  g_free (self->procedure_code);
  g_free (self->procedure_name);
  g_free (self->time_unit);
  g_free (self->applicant_name);
  g_free (self->applicant_id_number);
  g_free (self->applicant_phone);
  g_free (self->applicant_address);
  g_free (self->applicant_email);
  g_free (self->submitted_at);
  g_free (self->received_at);
  g_free (self->due_at);
  g_free (self->finished_at);
  g_free (self->returned_at);
  g_free (self->paused_at);
  g_free (self->assignee);
  g_free (self->return_method);
  g_free (self->return_tracking);
  g_free (self->recipient_name);
  g_free (self->recipient_id_number);
  g_free (self->satisfaction);
  g_free (self->last_reason);
  g_free (self->last_event_hash);
  g_free (self->updated_at);
  g_clear_pointer (&self->documents, g_ptr_array_unref);
  g_clear_pointer (&self->attachments, g_ptr_array_unref);
  g_clear_pointer (&self->due_cache, g_date_time_unref);

  G_OBJECT_CLASS (motcua_dossier_parent_class)->finalize (object);
}

static void
motcua_dossier_class_init (MotcuaDossierClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = motcua_dossier_finalize;
}

static void
motcua_dossier_init (MotcuaDossier *self)
{
  self->documents = g_ptr_array_new_with_free_func ((GDestroyNotify) motcua_dossier_document_free);
  self->attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) motcua_attachment_ref_free);
  self->applicant_type = 1;
  self->channel = MOTCUA_CHANNEL_IN_PERSON;
  self->sets = 1;
  self->last_event_hash = g_strdup (MOTCUA_EVENT_GENESIS_HASH);
}

MotcuaDossier *
motcua_dossier_new (void)
{
  return g_object_new (MOTCUA_TYPE_DOSSIER, NULL);
}

/* ---- reading payloads ------------------------------------------------------- */

static const char *
member_string (JsonObject *object, const char *name)
{
  JsonNode *node;

  if (object == NULL || (node = json_object_get_member (object, name)) == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gint64
member_int (JsonObject *object, const char *name, gint64 fallback)
{
  JsonNode *node;

  if (object == NULL || (node = json_object_get_member (object, name)) == NULL
      || !JSON_NODE_HOLDS_VALUE (node))
    return fallback;
  return json_node_get_int (node);
}

static JsonObject *
member_object (JsonObject *object, const char *name)
{
  JsonNode *node;

  if (object == NULL || (node = json_object_get_member (object, name)) == NULL
      || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_node_get_object (node);
}

static JsonArray *
member_array (JsonObject *object, const char *name)
{
  JsonNode *node;

  if (object == NULL || (node = json_object_get_member (object, name)) == NULL
      || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  return json_node_get_array (node);
}

static void
set_string (char **field, const char *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
}

static void
set_due (MotcuaDossier *self, const char *due_at)
{
  set_string (&self->due_at, due_at);
  g_clear_pointer (&self->due_cache, g_date_time_unref);
  if (due_at != NULL)
    self->due_cache = motcua_time_parse (due_at, NULL);
}

static void
add_attachments (MotcuaDossier *self, JsonArray *attachments)
{
  for (guint i = 0; attachments != NULL && i < json_array_get_length (attachments); i++)
    {
      JsonObject *a = json_array_get_object_element (attachments, i);

      if (a == NULL || member_string (a, "sha256") == NULL)
        continue;
      g_ptr_array_add (self->attachments,
                       motcua_attachment_ref_new (member_string (a, "sha256"),
                                                  member_string (a, "name"),
                                                  member_string (a, "mime_type"),
                                                  member_int (a, "size", 0)));
    }
}

/* The payload of every creating event carries the whole dossier as received. */
static gboolean
apply_creation (MotcuaDossier *self, JsonObject *payload, GError **error)
{
  JsonObject *procedure = member_object (payload, "procedure");
  JsonObject *applicant = member_object (payload, "applicant");
  JsonArray *documents = member_array (payload, "documents");

  if (member_string (payload, "code") == NULL || procedure == NULL || applicant == NULL
      || member_string (applicant, "name") == NULL)
    {
      g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                           _("A dossier was created without its code, procedure or applicant."));
      return FALSE;
    }

  set_string (&self->code, member_string (payload, "code"));
  set_string (&self->agency_code, member_string (payload, "agency_code"));
  set_string (&self->procedure_code, member_string (procedure, "code"));
  set_string (&self->procedure_name, member_string (procedure, "name"));
  set_string (&self->time_unit, member_string (procedure, "time_unit"));
  self->time_amount = member_int (procedure, "time_amount", 0);
  set_string (&self->applicant_name, member_string (applicant, "name"));
  set_string (&self->applicant_id_number, member_string (applicant, "id_number"));
  set_string (&self->applicant_phone, member_string (applicant, "phone"));
  set_string (&self->applicant_address, member_string (applicant, "address"));
  set_string (&self->applicant_email, member_string (applicant, "email"));
  self->applicant_type = member_int (applicant, "type", 1);
  self->channel = member_int (payload, "channel", MOTCUA_CHANNEL_IN_PERSON);
  self->sets = member_int (payload, "sets", 1);
  set_string (&self->submitted_at, member_string (payload, "submitted_at"));

  g_ptr_array_set_size (self->documents, 0);
  for (guint i = 0; documents != NULL && i < json_array_get_length (documents); i++)
    {
      JsonObject *d = json_array_get_object_element (documents, i);
      JsonNode *provided = d ? json_object_get_member (d, "provided") : NULL;
      JsonNode *required = d ? json_object_get_member (d, "required") : NULL;

      if (d == NULL || member_string (d, "name") == NULL)
        continue;
      g_ptr_array_add (self->documents,
                       motcua_dossier_document_new (member_string (d, "name"),
                                                    member_string (d, "kind"),
                                                    member_int (d, "quantity", 1),
                                                    provided == NULL || json_node_get_boolean (provided),
                                                    required == NULL || json_node_get_boolean (required)));
    }
  add_attachments (self, member_array (payload, "attachments"));
  return TRUE;
}

static gboolean
is_creation (const char *kind)
{
  return g_str_equal (kind, "create-received") || g_str_equal (kind, "create-submitted")
         || g_str_equal (kind, "create-refused") || g_str_equal (kind, "create-supplement");
}

static void
apply_creation_status (MotcuaDossier *self, const MotcuaEvent *event, JsonObject *payload)
{
  if (g_str_equal (event->kind, "create-received"))
    {
      self->status = MOTCUA_STATUS_RECEIVED;
      set_string (&self->received_at, member_string (payload, "received_at"));
      set_due (self, member_string (payload, "due_at"));
    }
  else if (g_str_equal (event->kind, "create-submitted"))
    self->status = MOTCUA_STATUS_SUBMITTED;
  else if (g_str_equal (event->kind, "create-refused"))
    {
      self->status = MOTCUA_STATUS_REFUSED;
      set_string (&self->finished_at, event->confirmed_at);
    }
  else
    {
      /* Told at the counter what is missing: not received, so no clock runs yet. */
      self->status = MOTCUA_STATUS_SUPPLEMENT;
      self->resume_status = 0;
      self->supplement_count = 1;
      set_string (&self->paused_at, event->confirmed_at);
    }
  self->step = MOTCUA_STEP_NONE;
}

static void
apply_action_effects (MotcuaDossier *self, MotcuaAction action, const MotcuaEvent *event,
                      JsonObject *payload)
{
  const char *when = event->confirmed_at;

  switch (action)
    {
    case MOTCUA_ACTION_RECEIVE:
      set_string (&self->received_at, member_string (payload, "received_at"));
      set_due (self, member_string (payload, "due_at"));
      break;
    case MOTCUA_ACTION_TRANSFER:
      set_string (&self->assignee, member_string (payload, "to"));
      break;
    case MOTCUA_ACTION_REQUEST_SUPPLEMENT:
    case MOTCUA_ACTION_REQUEST_PAYMENT:
      self->resume_status = self->status;
      self->resume_step = self->step;
      set_string (&self->paused_at, when);
      if (action == MOTCUA_ACTION_REQUEST_SUPPLEMENT)
        self->supplement_count++;
      break;
    case MOTCUA_ACTION_SUPPLEMENT_RECEIVED:
    case MOTCUA_ACTION_PAYMENT_RECEIVED:
      if (self->received_at == NULL)
        set_string (&self->received_at, member_string (payload, "received_at"));
      set_due (self, member_string (payload, "due_at"));
      g_clear_pointer (&self->paused_at, g_free);
      self->resume_status = 0;
      self->resume_step = MOTCUA_STEP_NONE;
      break;
    case MOTCUA_ACTION_REFUSE:
    case MOTCUA_ACTION_WITHDRAW:
    case MOTCUA_ACTION_STOP:
    case MOTCUA_ACTION_RESULT_READY:
      set_string (&self->finished_at, when);
      break;
    case MOTCUA_ACTION_APOLOGIZE:
      set_due (self, member_string (payload, "new_due"));
      self->apology_count++;
      break;
    case MOTCUA_ACTION_RETURN:
      set_string (&self->returned_at, when);
      set_string (&self->return_method, member_string (payload, "method"));
      set_string (&self->return_tracking, member_string (payload, "tracking"));
      set_string (&self->recipient_name, member_string (payload, "recipient_name"));
      set_string (&self->recipient_id_number, member_string (payload, "recipient_id_number"));
      break;
    case MOTCUA_ACTION_SATISFACTION:
      set_string (&self->satisfaction, member_string (payload, "rating"));
      break;
    case MOTCUA_ACTION_ATTACH:
      add_attachments (self, member_array (payload, "attachments"));
      break;
    case MOTCUA_ACTION_EXAMINE:
    case MOTCUA_ACTION_DRAFT:
    case MOTCUA_ACTION_SUBMIT:
    case MOTCUA_ACTION_APPROVE:
    case MOTCUA_ACTION_SEND_BACK:
    case MOTCUA_ACTION_ISSUE:
    case MOTCUA_N_ACTIONS:
    default:
      break;
    }
}

static void
apply_action (MotcuaDossier *self, MotcuaAction action, const MotcuaEvent *event, JsonObject *payload)
{
  MotcuaWorkflowState state;
  MotcuaStatus status;
  MotcuaStep step;

  motcua_dossier_get_workflow_state (self, &state);
  motcua_workflow_target (&state, action, self->resume_status, self->resume_step, &status, &step);
  apply_action_effects (self, action, event, payload);
  self->status = status;
  self->step = step;
}

gboolean
motcua_dossier_apply (MotcuaDossier     *self,
                      const MotcuaEvent *event,
                      JsonObject        *payload,
                      GError           **error)
{
  MotcuaAction action;

  g_return_val_if_fail (MOTCUA_IS_DOSSIER (self), FALSE);

  if (event->seq != (gint64) self->event_count + 1
      || g_strcmp0 (event->prev_hash, self->last_event_hash) != 0)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_DATABASE_CORRUPT,
                   _("Event %u of dossier %s is out of order: the journal was altered."),
                   (guint) event->seq, self->code ? self->code : event->dossier_uid);
      return FALSE;
    }

  if (is_creation (event->kind))
    {
      if (self->event_count != 0 || !apply_creation (self, payload, error))
        {
          if (error != NULL && *error == NULL)
            g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_DATABASE_CORRUPT,
                                 _("A dossier was created twice in the journal."));
          return FALSE;
        }
      set_string (&self->uid, event->dossier_uid);
      apply_creation_status (self, event, payload);
    }
  else if (motcua_action_from_string (event->kind, &action) && self->event_count > 0)
    apply_action (self, action, event, payload);
  else
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                   _("The journal holds an event of an unknown kind “%s”."), event->kind);
      return FALSE;
    }

  if (member_string (payload, "reason") != NULL)
    set_string (&self->last_reason, member_string (payload, "reason"));
  self->event_count++;
  set_string (&self->last_event_hash, event->hash);
  set_string (&self->updated_at, event->confirmed_at);
  return TRUE;
}

void
motcua_dossier_get_workflow_state (MotcuaDossier *self, MotcuaWorkflowState *state)
{
  state->status = self->status;
  state->step = self->step;
  state->received = self->received_at != NULL;
  state->supplement_count = self->supplement_count;
  state->satisfaction_recorded = self->satisfaction != NULL;
  state->due = self->due_cache;
}

/* ---- the cached row ------------------------------------------------------------ */

void
motcua_dossier_read_row (MotcuaDossier *d, sqlite3_stmt *stmt)
{
  int i = 0;

  d->id = sqlite3_column_int64 (stmt, i++);
  d->uid = motcua_sqlite_column_text (stmt, i++);
  d->code = motcua_sqlite_column_text (stmt, i++);
  d->agency_code = motcua_sqlite_column_text (stmt, i++);
  d->procedure_code = motcua_sqlite_column_text (stmt, i++);
  d->procedure_name = motcua_sqlite_column_text (stmt, i++);
  d->time_amount = sqlite3_column_int (stmt, i++);
  d->time_unit = motcua_sqlite_column_text (stmt, i++);
  d->applicant_name = motcua_sqlite_column_text (stmt, i++);
  d->applicant_id_number = motcua_sqlite_column_text (stmt, i++);
  d->applicant_phone = motcua_sqlite_column_text (stmt, i++);
  d->applicant_address = motcua_sqlite_column_text (stmt, i++);
  d->applicant_email = motcua_sqlite_column_text (stmt, i++);
  d->applicant_type = sqlite3_column_int (stmt, i++);
  d->channel = sqlite3_column_int (stmt, i++);
  d->status = sqlite3_column_int (stmt, i++);
  d->step = sqlite3_column_int (stmt, i++);
  d->sets = sqlite3_column_int (stmt, i++);
  d->submitted_at = motcua_sqlite_column_text (stmt, i++);
  d->received_at = motcua_sqlite_column_text (stmt, i++);
  d->due_at = motcua_sqlite_column_text (stmt, i++);
  d->finished_at = motcua_sqlite_column_text (stmt, i++);
  d->returned_at = motcua_sqlite_column_text (stmt, i++);
  d->paused_at = motcua_sqlite_column_text (stmt, i++);
  d->resume_status = sqlite3_column_int (stmt, i++);
  d->resume_step = sqlite3_column_int (stmt, i++);
  d->supplement_count = sqlite3_column_int (stmt, i++);
  d->apology_count = sqlite3_column_int (stmt, i++);
  d->assignee = motcua_sqlite_column_text (stmt, i++);
  d->return_method = motcua_sqlite_column_text (stmt, i++);
  d->return_tracking = motcua_sqlite_column_text (stmt, i++);
  d->recipient_name = motcua_sqlite_column_text (stmt, i++);
  d->recipient_id_number = motcua_sqlite_column_text (stmt, i++);
  d->satisfaction = motcua_sqlite_column_text (stmt, i++);
  d->last_reason = motcua_sqlite_column_text (stmt, i++);
  d->event_count = sqlite3_column_int (stmt, i++);
  g_free (d->last_event_hash);
  d->last_event_hash = motcua_sqlite_column_text (stmt, i++);
  d->updated_at = motcua_sqlite_column_text (stmt, i++);
  if (d->due_at != NULL)
    d->due_cache = motcua_time_parse (d->due_at, NULL);
}

/* ---- getters -------------------------------------------------------------- */

gint64        motcua_dossier_get_id (MotcuaDossier *self) { return self->id; }
const char   *motcua_dossier_get_uid (MotcuaDossier *self) { return self->uid; }
const char   *motcua_dossier_get_code (MotcuaDossier *self) { return self->code; }
const char   *motcua_dossier_get_agency_code (MotcuaDossier *self) { return self->agency_code; }
const char   *motcua_dossier_get_procedure_code (MotcuaDossier *self) { return self->procedure_code; }
const char   *motcua_dossier_get_procedure_name (MotcuaDossier *self) { return self->procedure_name; }
const char   *motcua_dossier_get_applicant_name (MotcuaDossier *self) { return self->applicant_name; }
const char   *motcua_dossier_get_applicant_id_number (MotcuaDossier *self) { return self->applicant_id_number; }
const char   *motcua_dossier_get_applicant_phone (MotcuaDossier *self) { return self->applicant_phone; }
const char   *motcua_dossier_get_applicant_address (MotcuaDossier *self) { return self->applicant_address; }
MotcuaStatus  motcua_dossier_get_status (MotcuaDossier *self) { return self->status; }
MotcuaStep    motcua_dossier_get_step (MotcuaDossier *self) { return self->step; }
MotcuaChannel motcua_dossier_get_channel (MotcuaDossier *self) { return self->channel; }
const char   *motcua_dossier_get_received_at (MotcuaDossier *self) { return self->received_at; }
const char   *motcua_dossier_get_due_at (MotcuaDossier *self) { return self->due_at; }
const char   *motcua_dossier_get_finished_at (MotcuaDossier *self) { return self->finished_at; }
const char   *motcua_dossier_get_last_event_hash (MotcuaDossier *self) { return self->last_event_hash; }
guint         motcua_dossier_get_event_count (MotcuaDossier *self) { return self->event_count; }
guint         motcua_dossier_get_supplement_count (MotcuaDossier *self) { return self->supplement_count; }
GPtrArray    *motcua_dossier_get_documents (MotcuaDossier *self) { return self->documents; }
GPtrArray    *motcua_dossier_get_attachments (MotcuaDossier *self) { return self->attachments; }

int
motcua_dossier_find_attachment (MotcuaDossier *self, const char *sha256)
{
  for (guint i = self->attachments->len; sha256 != NULL && i > 0; i--)
    if (g_str_equal (((MotcuaAttachmentRef *) g_ptr_array_index (self->attachments, i - 1))->sha256, sha256))
      return (int) i - 1;
  return -1;
}

/* ---- output and comparison ------------------------------------------------- */

static void
add_string (JsonBuilder *builder, const char *name, const char *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_int (JsonBuilder *builder, const char *name, gint64 value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
add_documents (JsonBuilder *builder, MotcuaDossier *self)
{
  json_builder_set_member_name (builder, "documents");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->documents->len; i++)
    {
      MotcuaDossierDocument *doc = g_ptr_array_index (self->documents, i);

      json_builder_begin_object (builder);
      add_string (builder, "name", doc->name);
      add_string (builder, "kind", doc->kind);
      add_int (builder, "quantity", doc->quantity);
      json_builder_set_member_name (builder, "provided");
      json_builder_add_boolean_value (builder, doc->provided);
      json_builder_set_member_name (builder, "required");
      json_builder_add_boolean_value (builder, doc->required);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "attachments");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->attachments->len; i++)
    {
      MotcuaAttachmentRef *ref = g_ptr_array_index (self->attachments, i);

      json_builder_begin_object (builder);
      add_string (builder, "sha256", ref->sha256);
      add_string (builder, "name", ref->name);
      add_string (builder, "mime_type", ref->mime_type);
      add_int (builder, "size", ref->size);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

JsonNode *
motcua_dossier_to_json (MotcuaDossier *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_string (builder, "code", self->code);
  add_string (builder, "uid", self->uid);
  add_string (builder, "agency_code", self->agency_code);
  add_int (builder, "status", self->status);
  add_string (builder, "status_label", motcua_status_label (self->status));
  add_string (builder, "step", motcua_step_to_string (self->step));
  add_string (builder, "procedure_code", self->procedure_code);
  add_string (builder, "procedure_name", self->procedure_name);
  add_int (builder, "time_amount", self->time_amount);
  add_string (builder, "time_unit", self->time_unit);
  json_builder_set_member_name (builder, "applicant");
  json_builder_begin_object (builder);
  add_string (builder, "name", self->applicant_name);
  add_string (builder, "id_number", self->applicant_id_number);
  add_string (builder, "phone", self->applicant_phone);
  add_string (builder, "address", self->applicant_address);
  add_string (builder, "email", self->applicant_email);
  add_int (builder, "type", self->applicant_type);
  json_builder_end_object (builder);
  add_string (builder, "channel", motcua_channel_to_string (self->channel));
  add_int (builder, "sets", self->sets);
  add_string (builder, "submitted_at", self->submitted_at);
  add_string (builder, "received_at", self->received_at);
  add_string (builder, "due_at", self->due_at);
  add_string (builder, "finished_at", self->finished_at);
  add_string (builder, "returned_at", self->returned_at);
  add_string (builder, "paused_at", self->paused_at);
  add_int (builder, "resume_status", self->resume_status);
  add_string (builder, "resume_step", motcua_step_to_string (self->resume_step));
  add_int (builder, "supplement_count", self->supplement_count);
  add_int (builder, "apology_count", self->apology_count);
  add_string (builder, "assignee", self->assignee);
  add_string (builder, "return_method", self->return_method);
  add_string (builder, "return_tracking", self->return_tracking);
  add_string (builder, "recipient_name", self->recipient_name);
  add_string (builder, "recipient_id_number", self->recipient_id_number);
  add_string (builder, "satisfaction", self->satisfaction);
  add_string (builder, "last_reason", self->last_reason);
  add_int (builder, "event_count", self->event_count);
  add_string (builder, "last_event_hash", self->last_event_hash);
  add_string (builder, "updated_at", self->updated_at);
  add_documents (builder, self);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

gboolean
motcua_dossier_equal (MotcuaDossier *a, MotcuaDossier *b)
{
  g_autoptr(JsonNode) ja = motcua_dossier_to_json (a);
  g_autoptr(JsonNode) jb = motcua_dossier_to_json (b);

  return json_node_equal (ja, jb);
}
