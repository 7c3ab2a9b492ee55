/* motcua-protocol.c: the JSON of the sync protocol, read strictly.
 *
 * Both ends parse what the other sent with these functions, so a field the one writes
 * is a field the other expects. Reading is strict: a member missing or of the wrong
 * type is an error naming it, never a default, because a half-read event would be
 * hashed, chained and stored as something it is not.
 */

#include <glib/gi18n-lib.h>
#include <string.h>

#include "motcua-error.h"
#include "motcua-protocol.h"

void
motcua_push_result_free (MotcuaPushResult *result)
{
  if (result == NULL)
    return;
  g_free (result->op_id);
  g_free (result->reason);
  g_free (result->message);
  g_strfreev (result->blobs);
  g_free (result);
}

/* ---- events ----------------------------------------------------------------------- */

static void
add_string (JsonBuilder *builder, const char *name, const char *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

JsonNode *
motcua_protocol_event_to_json (const MotcuaEvent *event, gint64 server_seq)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();

  json_builder_begin_object (builder);
  add_string (builder, "op_id", event->op_id);
  add_string (builder, "dossier_uid", event->dossier_uid);
  json_builder_set_member_name (builder, "seq");
  json_builder_add_int_value (builder, event->seq);
  add_string (builder, "actor", event->actor);
  add_string (builder, "actor_role", event->actor_role);
  add_string (builder, "confirmed_at", event->confirmed_at);
  add_string (builder, "kind", event->kind);
  /* The payload travels as an object, parsed from the very text that was hashed; the
   * receiver turns it back into that text with the same serialiser. */
  json_builder_set_member_name (builder, "payload");
  if (event->payload != NULL && json_parser_load_from_data (parser, event->payload, -1, NULL))
    json_builder_add_value (builder, json_node_copy (json_parser_get_root (parser)));
  else
    json_builder_add_null_value (builder);
  add_string (builder, "prev_hash", event->prev_hash);
  add_string (builder, "hash", event->hash);
  json_builder_set_member_name (builder, "signature");
  if (event->signature != NULL && g_bytes_get_size (event->signature) > 0)
    {
      g_autofree char *base64 = g_base64_encode (g_bytes_get_data (event->signature, NULL),
                                                 g_bytes_get_size (event->signature));
      json_builder_add_string_value (builder, base64);
    }
  else
    json_builder_add_null_value (builder);
  if (server_seq > 0)
    {
      json_builder_set_member_name (builder, "server_seq");
      json_builder_add_int_value (builder, server_seq);
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static gboolean
missing_member (const char *name, const char *expected, GError **error)
{
  g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
               _("The member “%s” is missing or is not %s."), name, expected);
  return FALSE;
}

static gboolean
read_string (JsonObject *object, const char *name, char **out, GError **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING
      || *json_node_get_string (node) == '\0')
    return missing_member (name, "a text", error);
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
read_int (JsonObject *object, const char *name, gint64 *out, GError **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return missing_member (name, "a whole number", error);
  *out = json_node_get_int (node);
  return TRUE;
}

static gboolean
read_signature (JsonObject *object, GBytes **out, GError **error)
{
  JsonNode *node = json_object_get_member (object, "signature");
  const char *text;
  guchar *data;
  gsize length;

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return missing_member ("signature", "base64 text or null", error);
  text = json_node_get_string (node);
  data = g_base64_decode (text, &length);
  *out = g_bytes_new_take (data, length);
  return TRUE;
}

MotcuaEvent *
motcua_protocol_event_from_json (JsonNode *node, JsonObject **payload, GError **error)
{
  g_autoptr(MotcuaEvent) event = motcua_event_new ();
  JsonObject *object;
  JsonNode *payload_node;

  if (payload != NULL)
    *payload = NULL;
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT, _("An event is not a JSON object."));
      return NULL;
    }
  object = json_node_get_object (node);
  if (!read_string (object, "op_id", &event->op_id, error)
      || !read_string (object, "dossier_uid", &event->dossier_uid, error)
      || !read_int (object, "seq", &event->seq, error)
      || !read_string (object, "actor", &event->actor, error)
      || !read_string (object, "actor_role", &event->actor_role, error)
      || !read_string (object, "confirmed_at", &event->confirmed_at, error)
      || !read_string (object, "kind", &event->kind, error)
      || !read_string (object, "prev_hash", &event->prev_hash, error)
      || !read_string (object, "hash", &event->hash, error)
      || !read_signature (object, &event->signature, error))
    return NULL;
  if (event->seq < 1)
    {
      missing_member ("seq", "a number from 1", error);
      return NULL;
    }
  if (json_object_has_member (object, "server_seq")
      && !read_int (object, "server_seq", &event->server_seq, error))
    return NULL;

  payload_node = json_object_get_member (object, "payload");
  if (payload_node == NULL || !JSON_NODE_HOLDS_OBJECT (payload_node))
    {
      missing_member ("payload", "an object", error);
      return NULL;
    }
  event->payload = motcua_json_object_to_string (json_node_get_object (payload_node));
  if (payload != NULL)
    *payload = json_object_ref (json_node_get_object (payload_node));
  return g_steal_pointer (&event);
}

/* ---- push results ------------------------------------------------------------------ */

static const char * const outcome_names[] = {
  [MOTCUA_PUSH_ACCEPTED] = "accepted",
  [MOTCUA_PUSH_REJECTED] = "rejected",
  [MOTCUA_PUSH_RETRY] = "retry",
};

JsonNode *
motcua_protocol_push_result_to_json (const MotcuaPushResult *result)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_string (builder, "op_id", result->op_id);
  add_string (builder, "result", outcome_names[result->outcome]);
  if (result->outcome == MOTCUA_PUSH_ACCEPTED)
    {
      json_builder_set_member_name (builder, "server_seq");
      json_builder_add_int_value (builder, result->server_seq);
    }
  else
    {
      add_string (builder, "reason", result->reason);
      add_string (builder, "message", result->message);
    }
  if (result->blobs != NULL && result->blobs[0] != NULL)
    {
      json_builder_set_member_name (builder, "blobs");
      json_builder_begin_array (builder);
      for (guint i = 0; result->blobs[i] != NULL; i++)
        json_builder_add_string_value (builder, result->blobs[i]);
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static GStrv
read_string_array (JsonObject *object, const char *name)
{
  g_autoptr(GStrvBuilder) strv = g_strv_builder_new ();
  JsonNode *node = json_object_get_member (object, name);
  JsonArray *array = node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
        g_strv_builder_add (strv, json_node_get_string (element));
    }
  return g_strv_builder_end (strv);
}

MotcuaPushResult *
motcua_protocol_push_result_from_json (JsonNode *node, GError **error)
{
  g_autoptr(MotcuaPushResult) result = g_new0 (MotcuaPushResult, 1);
  g_autofree char *outcome = NULL;
  JsonObject *object;
  guint i;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT, _("A push result is not a JSON object."));
      return NULL;
    }
  object = json_node_get_object (node);
  if (!read_string (object, "op_id", &result->op_id, error) || !read_string (object, "result", &outcome, error))
    return NULL;
  for (i = 0; i < G_N_ELEMENTS (outcome_names); i++)
    if (g_str_equal (outcome, outcome_names[i]))
      break;
  if (i == G_N_ELEMENTS (outcome_names))
    {
      missing_member ("result", "“accepted”, “rejected” or “retry”", error);
      return NULL;
    }
  result->outcome = i;
  if (result->outcome == MOTCUA_PUSH_ACCEPTED)
    {
      if (!read_int (object, "server_seq", &result->server_seq, error))
        return NULL;
    }
  else if (!read_string (object, "reason", &result->reason, error))
    return NULL;
  if (json_object_has_member (object, "message") && !json_object_get_null_member (object, "message"))
    result->message = g_strdup (json_object_get_string_member_with_default (object, "message", NULL));
  result->blobs = read_string_array (object, "blobs");
  return g_steal_pointer (&result);
}

/* ---- payloads ---------------------------------------------------------------------- */

GStrv
motcua_protocol_payload_blobs (JsonObject *payload)
{
  g_autoptr(GStrvBuilder) strv = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  JsonNode *node = payload ? json_object_get_member (payload, "attachments") : NULL;
  JsonArray *array = node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      const char *sha256;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      sha256 = json_object_get_string_member_with_default (json_node_get_object (element), "sha256", NULL);
      if (sha256 != NULL && g_hash_table_add (seen, (gpointer) sha256))
        g_strv_builder_add (strv, sha256);
    }
  return g_strv_builder_end (strv);
}

JsonNode *
motcua_protocol_error_to_json (const char *reason, const char *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_string (builder, "error", reason);
  add_string (builder, "message", message);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* ---- calendars --------------------------------------------------------------------- */

gboolean
motcua_protocol_parse_date (const char *text, GDate *date)
{
  guint64 year, month, day;

  /* sscanf would also take "2026-1-5" or "2026-11-24xyz": two spellings of one day
   * would make two rows of calendar_days. */
  if (text == NULL || strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  for (guint i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      return FALSE;
  year = g_ascii_strtoull (text, NULL, 10);
  month = g_ascii_strtoull (text + 5, NULL, 10);
  day = g_ascii_strtoull (text + 8, NULL, 10);
  if (!g_date_valid_dmy (day, month, year))
    return FALSE;
  g_date_clear (date, 1);
  g_date_set_dmy (date, day, month, year);
  return TRUE;
}

static gboolean
is_boolean (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN;
}

/* Day @index (from 0) of a calendar of @year; @seen holds the dates before it. */
static gboolean
check_calendar_day (JsonNode *node, guint index, int year, GHashTable *seen, GError **error)
{
  JsonObject *day = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  const char *date_text = NULL, *name = NULL;
  JsonNode *member;
  GDate date;

  if (day != NULL && (member = json_object_get_member (day, "date")) != NULL
      && JSON_NODE_HOLDS_VALUE (member) && json_node_get_value_type (member) == G_TYPE_STRING)
    date_text = json_node_get_string (member);
  if (date_text == NULL)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                   _("Day %u of the calendar has no “date” (YYYY-MM-DD is expected)."), index + 1);
      return FALSE;
    }
  if (!motcua_protocol_parse_date (date_text, &date))
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                   _("Day %u of the calendar has the date “%s”, which is not a real day written YYYY-MM-DD."),
                   index + 1, date_text);
      return FALSE;
    }
  if (g_date_get_year (&date) != year)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                   _("Day %u of the calendar (%s) is not in the calendar's year %d."), index + 1, date_text, year);
      return FALSE;
    }
  if (!g_hash_table_add (seen, GUINT_TO_POINTER (g_date_get_julian (&date))))
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                   _("The date %s appears twice in the calendar."), date_text);
      return FALSE;
    }
  if (!is_boolean (json_object_get_member (day, "working")))
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                   _("Day %u of the calendar (%s) does not say whether it is “working”: true or false."),
                   index + 1, date_text);
      return FALSE;
    }
  if ((member = json_object_get_member (day, "name")) != NULL && JSON_NODE_HOLDS_VALUE (member)
      && json_node_get_value_type (member) == G_TYPE_STRING)
    name = json_node_get_string (member);
  if (name == NULL || *name == '\0' || !g_utf8_validate (name, -1, NULL))
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                   _("Day %u of the calendar (%s) has no “name”."), index + 1, date_text);
      return FALSE;
    }
  return TRUE;
}

JsonArray *
motcua_protocol_calendar_days (JsonObject *calendar, int *year, GError **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_direct_hash, g_direct_equal);
  JsonNode *node = json_object_get_member (calendar, "year");
  JsonArray *days;
  gint64 number;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64
      || (number = json_node_get_int (node)) < MOTCUA_PROTOCOL_CALENDAR_FIRST_YEAR
      || number > MOTCUA_PROTOCOL_CALENDAR_LAST_YEAR)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                   _("The calendar has no valid “year” (a whole number from %d to %d is expected)."),
                   MOTCUA_PROTOCOL_CALENDAR_FIRST_YEAR, MOTCUA_PROTOCOL_CALENDAR_LAST_YEAR);
      return NULL;
    }
  node = json_object_get_member (calendar, "days");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT, _("The calendar has no list of “days”."));
      return NULL;
    }
  days = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (days); i++)
    if (!check_calendar_day (json_array_get_element (days, i), i, number, seen, error))
      return NULL;
  *year = number;
  return days;
}

/* ---- bodies ------------------------------------------------------------------------ */

JsonObject *
motcua_protocol_parse_object (GBytes *body, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) parse_error = NULL;
  gsize size = body ? g_bytes_get_size (body) : 0;
  JsonNode *root;

  if (size == 0)
    {
      g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT, _("The answer is empty."));
      return NULL;
    }
  if (size > MOTCUA_PROTOCOL_MAX_JSON_BODY)
    {
      g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT, _("The answer is too large."));
      return NULL;
    }
  if (!json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), size, &parse_error))
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                   _("The answer is not valid JSON (it may have been cut short): %s"), parse_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT, _("The answer is not a JSON object."));
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

GBytes *
motcua_protocol_to_bytes (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  gsize length;
  char *text;

  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, &length);
  return g_bytes_new_take (text, length);
}

/* Runs @data through @converter to the end; more than @max_size bytes out is an error. */
static GBytes *
convert_all (GConverter *converter, GBytes *data, gsize max_size, GError **error)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  const guint8 *in = g_bytes_get_data (data, NULL);
  gsize in_left = g_bytes_get_size (data);
  guint8 buffer[64 * 1024];

  for (;;)
    {
      gsize read = 0, written = 0;
      GConverterResult result = g_converter_convert (converter, in, in_left, buffer, sizeof buffer,
                                                     G_CONVERTER_INPUT_AT_END, &read, &written, error);

      if (result == G_CONVERTER_ERROR)
        return NULL;
      in += read;
      in_left -= read;
      g_byte_array_append (out, buffer, written);
      if (out->len > max_size)
        {
          g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT, _("The compressed body is too large."));
          return NULL;
        }
      if (result == G_CONVERTER_FINISHED)
        return g_byte_array_free_to_bytes (g_steal_pointer (&out));
    }
}

GBytes *
motcua_protocol_gzip (GBytes *data)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 6);

  return convert_all (G_CONVERTER (compressor), data, G_MAXSIZE, NULL);
}

GBytes *
motcua_protocol_gunzip (GBytes *data, gsize max_size, GError **error)
{
  g_autoptr(GZlibDecompressor) decompressor = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  g_autoptr(GError) local_error = NULL;
  GBytes *result = convert_all (G_CONVERTER (decompressor), data, max_size, &local_error);

  if (result == NULL)
    {
      if (local_error->domain == MOTCUA_ERROR)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                     _("The compressed body is damaged or cut short: %s"), local_error->message);
    }
  return result;
}

gboolean
motcua_protocol_is_sha256 (const char *text)
{
  if (text == NULL || strlen (text) != 64)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p) && !(*p >= 'a' && *p <= 'f'))
      return FALSE;
  return TRUE;
}

char *
motcua_protocol_normalize_enrolment_code (const char *code)
{
  GString *normal = g_string_new (NULL);

  for (const char *p = code ? code : ""; *p != '\0'; p++)
    if (*p != '-' && !g_ascii_isspace (*p))
      g_string_append_c (normal, g_ascii_toupper (*p));
  return g_string_free (normal, FALSE);
}
