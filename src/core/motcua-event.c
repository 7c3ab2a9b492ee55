/* motcua-event.c: journal entries and their hashes. */

#include <glib/gi18n-lib.h>

#include "motcua-error.h"
#include "motcua-event.h"
#include "motcua-workflow.h"

#include <string.h>

char *
motcua_uuid_new (GDateTime *time)
{
  guint64 ms = (guint64) g_date_time_to_unix (time) * 1000 + g_date_time_get_microsecond (time) / 1000;
  guint8 b[16];

  for (guint i = 0; i < 6; i++)
    b[i] = ms >> (8 * (5 - i));
  for (guint i = 6; i < 16; i += 2)
    {
      guint32 r = g_random_int ();
      b[i] = r;
      b[i + 1] = r >> 8;
    }
  b[6] = 0x70 | (b[6] & 0x0f);   /* version 7 */
  b[8] = 0x80 | (b[8] & 0x3f);   /* RFC 9562 variant */
  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                          b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
                          b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

MotcuaEvent *
motcua_event_new (void)
{
  return g_new0 (MotcuaEvent, 1);
}

void
motcua_event_free (MotcuaEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->op_id);
  g_free (event->dossier_uid);
  g_free (event->actor);
  g_free (event->actor_role);
  g_free (event->confirmed_at);
  g_free (event->kind);
  g_free (event->payload);
  g_free (event->prev_hash);
  g_free (event->hash);
  g_clear_pointer (&event->signature, g_bytes_unref);
  g_free (event->reject_reason);
  g_free (event);
}

/* Decimal digits of @value followed by @suffix; printf is too slow for a bulk load. */
static gsize
format_decimal (char *buffer, guint64 value, char suffix)
{
  char digits[24];
  gsize n = 0, length = 0;

  do
    digits[n++] = '0' + value % 10;
  while ((value /= 10) > 0);
  while (n > 0)
    buffer[length++] = digits[--n];
  if (suffix != '\0')
    buffer[length++] = suffix;
  buffer[length] = '\0';
  return length;
}

char *
motcua_event_compute_hash (const MotcuaEvent *event)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  char seq[24];
  const char *fields[] = {
    "motcua-event-v1", event->op_id, event->dossier_uid, seq, event->actor,
    event->actor_role, event->confirmed_at, event->kind, event->payload, event->prev_hash,
  };

  format_decimal (seq, event->seq, '\0');
  /* Each field is length-prefixed so that no two different events can be made to
   * produce the same byte stream by moving text from one field to the next. */
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      const char *field = fields[i] != NULL ? fields[i] : "";
      gsize field_length = strlen (field);
      char length[24];

      g_checksum_update (checksum, (const guchar *) length, format_decimal (length, field_length, ':'));
      g_checksum_update (checksum, (const guchar *) field, field_length);
    }
  return g_strdup (g_checksum_get_string (checksum));
}

JsonObject *
motcua_event_parse_payload (const MotcuaEvent *event, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;

  if (!json_parser_load_from_data (parser, event->payload ? event->payload : "", -1, NULL)
      || (root = json_parser_get_root (parser)) == NULL
      || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                   _("Event %s of the journal has an unreadable content."),
                   event->op_id ? event->op_id : "?");
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

JsonNode *
motcua_event_to_json (const MotcuaEvent *event)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonObject) payload = motcua_event_parse_payload (event, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "op_id");
  json_builder_add_string_value (builder, event->op_id);
  json_builder_set_member_name (builder, "dossier_uid");
  json_builder_add_string_value (builder, event->dossier_uid);
  json_builder_set_member_name (builder, "seq");
  json_builder_add_int_value (builder, event->seq);
  json_builder_set_member_name (builder, "actor");
  json_builder_add_string_value (builder, event->actor);
  json_builder_set_member_name (builder, "actor_role");
  json_builder_add_string_value (builder, event->actor_role);
  json_builder_set_member_name (builder, "confirmed_at");
  json_builder_add_string_value (builder, event->confirmed_at);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, event->kind);
  json_builder_set_member_name (builder, "payload");
  if (payload != NULL)
    {
      JsonNode *node = json_node_new (JSON_NODE_OBJECT);
      json_node_set_object (node, payload);
      json_builder_add_value (builder, node);
    }
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "prev_hash");
  json_builder_add_string_value (builder, event->prev_hash);
  json_builder_set_member_name (builder, "hash");
  json_builder_add_string_value (builder, event->hash);
  json_builder_set_member_name (builder, "sync_state");
  json_builder_add_string_value (builder,
                                 event->sync_state == MOTCUA_SYNC_ACCEPTED ? "accepted"
                                 : event->sync_state == MOTCUA_SYNC_REJECTED ? "rejected"
                                 : "pending");
  if (event->reject_reason != NULL)
    {
      json_builder_set_member_name (builder, "reject_reason");
      json_builder_add_string_value (builder, event->reject_reason);
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

char *
motcua_json_object_to_string (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_node_set_object (node, object);
  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

/* The journal says what happened, not what to do. */
static const char *
past_tense_label (MotcuaAction action)
{
  switch (action)
    {
    case MOTCUA_ACTION_RECEIVE:             return _("Received");
    case MOTCUA_ACTION_TRANSFER:            return _("Transferred");
    case MOTCUA_ACTION_EXAMINE:             return _("Examined");
    case MOTCUA_ACTION_REQUEST_SUPPLEMENT:  return _("Supplement requested");
    case MOTCUA_ACTION_SUPPLEMENT_RECEIVED: return _("Supplement received");
    case MOTCUA_ACTION_REQUEST_PAYMENT:     return _("Fee payment requested");
    case MOTCUA_ACTION_PAYMENT_RECEIVED:    return _("Fee paid");
    case MOTCUA_ACTION_REFUSE:              return _("Refused");
    case MOTCUA_ACTION_WITHDRAW:            return _("Withdrawn at the citizen's request");
    case MOTCUA_ACTION_STOP:                return _("Processing stopped");
    case MOTCUA_ACTION_DRAFT:               return _("Result drafted");
    case MOTCUA_ACTION_SUBMIT:              return _("Submitted for approval");
    case MOTCUA_ACTION_APPROVE:             return _("Approved");
    case MOTCUA_ACTION_SEND_BACK:           return _("Sent back");
    case MOTCUA_ACTION_ISSUE:               return _("Numbered and issued");
    case MOTCUA_ACTION_RESULT_READY:        return _("Result ready");
    case MOTCUA_ACTION_APOLOGIZE:           return _("Apology and new date issued");
    case MOTCUA_ACTION_RETURN:              return _("Result returned");
    case MOTCUA_ACTION_SATISFACTION:        return _("Satisfaction recorded");
    case MOTCUA_ACTION_ATTACH:              return _("Attachment added");
    case MOTCUA_N_ACTIONS:
    default:                                return "";
    }
}

const char *
motcua_event_kind_label (const char *kind)
{
  MotcuaAction action;

  if (g_strcmp0 (kind, "create-received") == 0)
    return _("Received at the counter");
  if (g_strcmp0 (kind, "create-submitted") == 0)
    return _("Submitted online");
  if (g_strcmp0 (kind, "create-refused") == 0)
    return _("Refused at the counter");
  if (g_strcmp0 (kind, "create-supplement") == 0)
    return _("Supplement requested at the counter");
  if (motcua_action_from_string (kind, &action))
    return past_tense_label (action);
  return kind;
}
