/* motcua-slip-data.c: a slip's fields, from the dossier, its journal and the agency. */

#include <glib/gi18n-lib.h>

#include "motcua-error.h"
#include "motcua-slip-data.h"
#include "motcua-time.h"

struct _MotcuaSlipData
{
  MotcuaSlipSet *set;
  GHashTable    *values;      /* field → text */
  GHashTable    *tables;      /* source → GPtrArray of GHashTable */
  GHashTable    *users;       /* username → full name */
  GHashTable    *conditions;  /* condition → itself, when it holds */
};

static const char * const slip_fields[] = {
  "agency_name", "agency_name_upper", "agency_code", "agency_address", "agency_phone", "lookup_url",
  "lookup_link", "governing_body_upper", "place", "today_day", "today_month", "today_year", "today_date",
  "code", "procedure_name", "procedure_code", "legal_basis", "applicant_name", "applicant_id_number",
  "applicant_phone", "applicant_address", "applicant_email", "sets", "processing_time", "received_time",
  "received_date", "due_time", "due_date", "status", "receiver_name", "register_book", "register_entry",
  "return_place", "supplement_reason", "supplement_date", "supplement_officer", "refusal_reason",
  "refusal_officer", "officer_phone", "apology_number", "apology_reason", "previous_due", "new_due",
  "apology_date", "returned_time", "return_method", "recipient_name", "recipient_id_number",
  "recipient_authorization", "postal_address", "tracking", "electronic_address", "satisfaction",
  "satisfaction_comment", "handling_unit", "period_from", "period_to", "dossier_count", NULL
};

static const struct {
  const char        *source;
  const char * const fields[16];
} row_fields[] = {
  { "documents", { "index", "name", "kind", "quantity", NULL } },
  { "missing", { "index", "name", NULL } },
  { "handovers", { "index", "from", "to", "time", "timing", "action", "note", NULL } },
  { "register", { "index", "code", "procedure_name", "applicant_name", "applicant_address", "applicant_phone",
                  "sets", "received", "due", "returned", "status", "recipient", NULL } },
};

static const char * const conditions[] = { "always", "received", "supplement", "refused", "apology", NULL };

gboolean
motcua_slip_source_is_known (const char *source)
{
  for (guint i = 0; i < G_N_ELEMENTS (row_fields); i++)
    if (g_strcmp0 (row_fields[i].source, source) == 0)
      return TRUE;
  return FALSE;
}

gboolean
motcua_slip_field_is_known (const char *source, const char *name)
{
  if (source == NULL)
    return g_strv_contains (slip_fields, name);
  for (guint i = 0; i < G_N_ELEMENTS (row_fields); i++)
    if (g_str_equal (row_fields[i].source, source))
      return g_strv_contains (row_fields[i].fields, name);
  return FALSE;
}

gboolean
motcua_slip_condition_is_known (const char *condition)
{
  return g_strv_contains (conditions, condition);
}

static MotcuaSlipData *
slip_data_new (MotcuaSlipSet *set)
{
  MotcuaSlipData *data = g_new0 (MotcuaSlipData, 1);

  data->set = g_object_ref (set);
  data->values = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  data->tables = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_ptr_array_unref);
  data->users = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  data->conditions = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < G_N_ELEMENTS (row_fields); i++)
    g_hash_table_insert (data->tables, (gpointer) row_fields[i].source,
                         g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref));
  g_hash_table_add (data->conditions, (gpointer) "always");
  return data;
}

void
motcua_slip_data_free (MotcuaSlipData *data)
{
  if (data == NULL)
    return;
  g_object_unref (data->set);
  g_hash_table_unref (data->values);
  g_hash_table_unref (data->tables);
  g_hash_table_unref (data->users);
  g_hash_table_unref (data->conditions);
  g_free (data);
}

const char *
motcua_slip_data_get (MotcuaSlipData *data, const char *name)
{
  const char *value = g_hash_table_lookup (data->values, name);

  if (value != NULL)
    return value;
  return motcua_slip_field_is_known (NULL, name) ? "" : NULL;
}

GPtrArray *
motcua_slip_data_get_rows (MotcuaSlipData *data, const char *source)
{
  return g_hash_table_lookup (data->tables, source);
}

gboolean
motcua_slip_data_applies (MotcuaSlipData *data, const char *condition)
{
  return g_hash_table_contains (data->conditions, condition);
}

/* ---- helpers ------------------------------------------------------------------------- */

/* Only slip fields are set here, so the key can be the static name from slip_fields. */
static void
set_value (MotcuaSlipData *data, const char *name, const char *value)
{
  for (guint i = 0; slip_fields[i] != NULL; i++)
    if (g_str_equal (slip_fields[i], name))
      {
        g_hash_table_replace (data->values, (gpointer) slip_fields[i], g_strdup (value ? value : ""));
        return;
      }
  g_return_if_reached ();
}

static void
take_value (MotcuaSlipData *data, const char *name, char *value)
{
  set_value (data, name, value);
  g_free (value);
}

static const char *
label (MotcuaSlipData *data, const char *group, const char *key)
{
  const char *text = motcua_slip_set_get_label (data->set, group, key);

  return text ? text : (key ? key : "");
}

/* @iso in the set's wording of @format ("datetime", "date"), "" when unknown. */
static char *
format_time (MotcuaSlipData *data, const char *iso, const char *format)
{
  g_autoptr(GDateTime) time = iso ? motcua_time_parse (iso, NULL) : NULL;
  const char *pattern = motcua_slip_set_get_label (data->set, "format", format);

  if (time == NULL)
    return g_strdup ("");
  if (pattern == NULL)
    pattern = g_str_equal (format, "date") ? "%d/%m/%Y" : "%H:%M %d/%m/%Y";
  return g_date_time_format (time, pattern);
}

static const char *
user_name (MotcuaSlipData *data, MotcuaStore *store, const char *username)
{
  const char *known;
  g_autoptr(MotcuaUser) user = NULL;

  if (username == NULL)
    return "";
  if ((known = g_hash_table_lookup (data->users, username)) != NULL)
    return known;
  user = motcua_store_get_user (store, username, NULL);
  g_hash_table_insert (data->users, g_strdup (username),
                       g_strdup (user && user->full_name && *user->full_name ? user->full_name : username));
  return g_hash_table_lookup (data->users, username);
}

/* Who handed the dossier over: an office user by name; the public service portal,
 * which makes online submissions and is no user here, in the set's words. */
static const char *
handover_giver (MotcuaSlipData *data, MotcuaStore *store, MotcuaHandover *handover)
{
  const char *name = user_name (data, store, handover->actor);

  if (g_strcmp0 (name, handover->actor) == 0 && motcua_actor_is_portal (handover->actor_role))
    return label (data, "actor_role", handover->actor_role);
  return name;
}

static const char *
member (JsonObject *object, const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
         ? json_node_get_string (node) : NULL;
}

/* A reason is printed inside the template's own sentence ("lý do: …."), so its final
 * full stop would be doubled. */
static void
set_reason (MotcuaSlipData *data, const char *name, const char *reason)
{
  g_autofree char *text = g_strstrip (g_strdup (reason ? reason : ""));
  gsize length = strlen (text);

  while (length > 0 && text[length - 1] == '.')
    text[--length] = '\0';
  set_value (data, name, text);
}

static GHashTable *
new_row (MotcuaSlipData *data, const char *source, guint index)
{
  GHashTable *row = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  g_hash_table_insert (row, (gpointer) "index", g_strdup_printf ("%u", index));
  g_ptr_array_add (motcua_slip_data_get_rows (data, source), row);
  return row;
}

static void
row_set (GHashTable *row, const char *source, const char *name, const char *value)
{
  for (guint i = 0; i < G_N_ELEMENTS (row_fields); i++)
    if (g_str_equal (row_fields[i].source, source))
      for (guint j = 0; row_fields[i].fields[j] != NULL; j++)
        if (g_str_equal (row_fields[i].fields[j], name))
          {
            g_hash_table_replace (row, (gpointer) row_fields[i].fields[j], g_strdup (value ? value : ""));
            return;
          }
  g_return_if_reached ();
}

/* ---- the agency ---------------------------------------------------------------------- */

/* "Ủy ban nhân dân xã Quảng Phú" is dated from "Quảng Phú": the place is the agency's
 * locality unless the state key "slips.place" says otherwise. */
char *
motcua_slip_place_from_agency_name (const char *name)
{
  static const char * const prefixes[] = {
    "Ủy ban nhân dân ", "Uỷ ban nhân dân ", "UBND ", "xã ", "phường ", "thị trấn ", "đặc khu ",
    "tỉnh ", "thành phố ", "huyện ", "quận ", "thị xã ", NULL
  };
  const char *p = name ? name : "";
  gboolean stripped = TRUE;

  while (stripped)
    {
      stripped = FALSE;
      for (guint i = 0; prefixes[i] != NULL; i++)
        if (g_ascii_strncasecmp (p, prefixes[i], strlen (prefixes[i])) == 0)
          {
            p += strlen (prefixes[i]);
            stripped = TRUE;
          }
    }
  return g_strdup (p);
}

/* The agency's name as the heading sets it: in capitals, and "ỦY BAN NHÂN DÂN" on a line
 * of its own above the locality, as every commune's documents do. */
static char *
heading_name (const char *name)
{
  g_autofree char *upper = g_utf8_strup (name ? name : "", -1);
  static const char * const councils[] = { "ỦY BAN NHÂN DÂN ", "UỶ BAN NHÂN DÂN ", NULL };

  for (guint i = 0; councils[i] != NULL; i++)
    if (g_str_has_prefix (upper, councils[i]))
      return g_strdup_printf ("%.*s\n%s", (int) strlen (councils[i]) - 1, upper, upper + strlen (councils[i]));
  return g_steal_pointer (&upper);
}

static char *
lookup_link (const char *url, const char *code)
{
  g_autofree char *escaped = NULL;

  if (url == NULL || *url == '\0')
    return g_strdup (code ? code : "");
  if (code == NULL)
    return g_strdup (url);
  escaped = g_uri_escape_string (code, NULL, FALSE);
  return g_strdup_printf ("%s%sma_ho_so=%s", url, strchr (url, '?') ? "&" : "?", escaped);
}

static gboolean
add_agency (MotcuaSlipData *data, MotcuaStore *store, GDateTime *now, GError **error)
{
  g_autoptr(MotcuaAgency) agency = motcua_store_get_agency (store, error);
  g_autofree char *place = NULL;
  g_autofree char *governing = NULL;

  if (agency == NULL)
    return FALSE;
  set_value (data, "agency_name", agency->name);
  take_value (data, "agency_name_upper", heading_name (agency->name));
  set_value (data, "agency_code", agency->code);
  set_value (data, "agency_address", agency->address);
  set_value (data, "agency_phone", agency->phone);
  set_value (data, "officer_phone", agency->phone);
  set_value (data, "lookup_url", agency->lookup_url);
  set_value (data, "handling_unit", agency->name);
  governing = motcua_store_get_state (store, "slips.governing_body", NULL);
  take_value (data, "governing_body_upper", g_utf8_strup (governing ? governing : "", -1));
  place = motcua_store_get_state (store, "slips.place", NULL);
  take_value (data, "place", place && *place ? g_steal_pointer (&place) : motcua_slip_place_from_agency_name (agency->name));
  take_value (data, "today_day", g_date_time_format (now, "%d"));
  take_value (data, "today_month", g_date_time_format (now, "%m"));
  take_value (data, "today_year", g_date_time_format (now, "%Y"));
  take_value (data, "today_date", g_date_time_format (now, "%d/%m/%Y"));
  return TRUE;
}

/* A slip field for each of an object's members. */
typedef struct {
  const char *field;
  const char *member;
} FieldMember;

static void
copy_members (MotcuaSlipData *data, JsonObject *object, const FieldMember *pairs, guint n_pairs)
{
  for (guint i = 0; i < n_pairs; i++)
    set_value (data, pairs[i].field, member (object, pairs[i].member));
}

/* ---- one dossier --------------------------------------------------------------------- */

static void
add_applicant (MotcuaSlipData *data, JsonObject *dossier)
{
  static const FieldMember dossier_fields[] = {
    { "code", "code" }, { "procedure_name", "procedure_name" }, { "procedure_code", "procedure_code" },
  };
  static const FieldMember applicant_fields[] = {
    { "applicant_name", "name" }, { "applicant_id_number", "id_number" }, { "applicant_phone", "phone" },
    { "applicant_address", "address" }, { "applicant_email", "email" },
  };
  JsonObject *applicant = json_object_get_object_member (dossier, "applicant");
  g_autofree char *status = g_strdup_printf ("%lld", (long long) json_object_get_int_member (dossier, "status"));
  const char *code = member (dossier, "code");

  copy_members (data, dossier, dossier_fields, G_N_ELEMENTS (dossier_fields));
  copy_members (data, applicant, applicant_fields, G_N_ELEMENTS (applicant_fields));
  take_value (data, "sets", g_strdup_printf ("%lld", (long long) json_object_get_int_member (dossier, "sets")));
  set_value (data, "status", label (data, "status", status));
  take_value (data, "lookup_link", lookup_link (motcua_slip_data_get (data, "lookup_url"), code));
  set_value (data, "return_place", label (data, "return_place", member (dossier, "channel")));
  if (member (dossier, "assignee") != NULL)
    set_value (data, "handling_unit", member (dossier, "assignee"));
  /* The register book is the year's; its entry number is the code's daily sequence. */
  if (code != NULL && strrchr (code, '-') != NULL)
    set_value (data, "register_entry", strrchr (code, '-') + 1);
}

static void
add_times (MotcuaSlipData *data, JsonObject *dossier)
{
  g_autofree char *amount = g_strdup_printf ("%lld", (long long) json_object_get_int_member (dossier, "time_amount"));
  const char *unit = label (data, "time_unit", member (dossier, "time_unit"));
  g_autoptr(GString) processing = g_string_new (unit);
  const char *received = member (dossier, "received_at");

  g_string_replace (processing, "{n}", amount, 0);
  set_value (data, "processing_time", processing->str);
  take_value (data, "received_time", format_time (data, received, "datetime"));
  take_value (data, "received_date", format_time (data, received, "date"));
  take_value (data, "due_time", format_time (data, member (dossier, "due_at"), "datetime"));
  take_value (data, "due_date", format_time (data, member (dossier, "due_at"), "date"));
  take_value (data, "returned_time", format_time (data, member (dossier, "returned_at"), "datetime"));
  if (received != NULL && strlen (received) >= 4)
    take_value (data, "register_book", g_strndup (received, 4));
  set_value (data, "satisfaction", member (dossier, "satisfaction")
                                   ? label (data, "satisfaction", member (dossier, "satisfaction")) : "");
}

static void
add_documents (MotcuaSlipData *data, JsonObject *dossier)
{
  JsonArray *documents = json_object_get_array_member (dossier, "documents");
  guint index = 0;

  for (guint i = 0; i < json_array_get_length (documents); i++)
    {
      JsonObject *doc = json_array_get_object_element (documents, i);
      g_autofree char *quantity = NULL;
      GHashTable *row;

      /* The receipt lists what was handed in. */
      if (!json_object_get_boolean_member_with_default (doc, "provided", TRUE))
        continue;
      row = new_row (data, "documents", ++index);
      quantity = g_strdup_printf ("%lld", (long long) json_object_get_int_member_with_default (doc, "quantity", 1));
      row_set (row, "documents", "name", member (doc, "name"));
      row_set (row, "documents", "kind", label (data, "document_kind", member (doc, "kind")));
      row_set (row, "documents", "quantity", quantity);
    }
}

static void
add_missing (MotcuaSlipData *data, JsonObject *payload)
{
  JsonArray *missing = json_object_has_member (payload, "missing")
                       ? json_object_get_array_member (payload, "missing") : NULL;
  GPtrArray *rows = motcua_slip_data_get_rows (data, "missing");

  /* The latest request lists everything still missing. */
  g_ptr_array_set_size (rows, 0);
  for (guint i = 0; missing != NULL && i < json_array_get_length (missing); i++)
    row_set (new_row (data, "missing", i + 1), "missing", "name", json_array_get_string_element (missing, i));
}

/* What each kind of event tells the slips. */
static void
add_event (MotcuaSlipData *data, MotcuaStore *store, MotcuaEvent *event, JsonObject *payload)
{
  const char *kind = event->kind;
  const char *actor = user_name (data, store, event->actor);

  if (g_str_equal (kind, "create-received") || g_str_equal (kind, "receive")
      || g_str_equal (kind, "supplement-received"))
    {
      if (*motcua_slip_data_get (data, "receiver_name") == '\0' || g_str_equal (kind, "receive"))
        set_value (data, "receiver_name", actor);
      g_hash_table_add (data->conditions, (gpointer) "received");
    }
  else if (g_str_equal (kind, "create-supplement") || g_str_equal (kind, "request-supplement"))
    {
      add_missing (data, payload);
      set_reason (data, "supplement_reason", member (payload, "reason"));
      set_value (data, "supplement_officer", actor);
      take_value (data, "supplement_date", format_time (data, event->confirmed_at, "date"));
      g_hash_table_add (data->conditions, (gpointer) "supplement");
    }
  else if (g_str_equal (kind, "create-refused") || g_str_equal (kind, "refuse"))
    {
      set_reason (data, "refusal_reason", member (payload, "reason"));
      set_value (data, "refusal_officer", actor);
      g_hash_table_add (data->conditions, (gpointer) "refused");
    }
  else if (g_str_equal (kind, "apologize"))
    {
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (data->conditions, "apology-count")) + 1;

      g_hash_table_insert (data->conditions, (gpointer) "apology-count", GUINT_TO_POINTER (n));
      g_hash_table_add (data->conditions, (gpointer) "apology");
      take_value (data, "apology_number", g_strdup_printf ("%02u", n));
      set_reason (data, "apology_reason", member (payload, "reason"));
      take_value (data, "previous_due", format_time (data, member (payload, "previous_due"), "datetime"));
      take_value (data, "new_due", format_time (data, member (payload, "new_due"), "datetime"));
      take_value (data, "apology_date", format_time (data, event->confirmed_at, "date"));
    }
  else if (g_str_equal (kind, "return"))
    {
      static const FieldMember return_fields[] = {
        { "recipient_name", "recipient_name" }, { "recipient_id_number", "recipient_id_number" },
        { "recipient_authorization", "authorization" }, { "postal_address", "postal_address" },
        { "tracking", "tracking" }, { "electronic_address", "electronic_address" },
      };

      set_value (data, "return_method", label (data, "return_method", member (payload, "method")));
      copy_members (data, payload, return_fields, G_N_ELEMENTS (return_fields));
    }
  else if (g_str_equal (kind, "satisfaction"))
    set_value (data, "satisfaction_comment", member (payload, "note"));
}

static gboolean
add_events (MotcuaSlipData *data, MotcuaStore *store, GPtrArray *events, GPtrArray *payloads, GError **error)
{
  for (guint i = 0; i < events->len; i++)
    {
      MotcuaEvent *event = g_ptr_array_index (events, i);
      JsonObject *payload = motcua_event_parse_payload (event, error);

      if (payload == NULL)
        return FALSE;
      g_ptr_array_add (payloads, payload);
      add_event (data, store, event, payload);
    }
  return TRUE;
}

/* The event a hand-over row was made from: the next one of that kind at that time. */
static guint
find_event (GPtrArray *events, guint from, MotcuaHandover *handover)
{
  for (guint i = from; i < events->len; i++)
    {
      MotcuaEvent *event = g_ptr_array_index (events, i);

      if (g_str_equal (event->kind, handover->kind) && g_strcmp0 (event->confirmed_at, handover->at) == 0)
        return i;
    }
  return events->len;
}

/* Form 05: who handed the dossier to whom, when, and whether in time. The receiver is
 * the unit named by a transfer, else whoever acted next; the last hand-over of a
 * returned dossier goes to its recipient. */
static gboolean
add_handovers (MotcuaSlipData *data, MotcuaStore *store, MotcuaDossier *dossier, GPtrArray *events,
               GPtrArray *payloads, GError **error)
{
  g_autoptr(GPtrArray) handovers = motcua_store_get_handovers (store, dossier, error);
  guint at = 0;

  if (handovers == NULL)
    return FALSE;
  for (guint i = 0; i < handovers->len; i++)
    {
      MotcuaHandover *handover = g_ptr_array_index (handovers, i);
      MotcuaHandover *next = i + 1 < handovers->len ? g_ptr_array_index (handovers, i + 1) : NULL;
      GHashTable *row = new_row (data, "handovers", i + 1);
      JsonObject *payload = NULL;
      g_autofree char *time = format_time (data, handover->at, "short");
      const char *to = NULL;
      const char *note;

      at = find_event (events, at, handover);
      if (at < events->len)
        payload = g_ptr_array_index (payloads, at++);
      if (payload != NULL)
        to = member (payload, "to");
      if (to == NULL && next != NULL)
        to = user_name (data, store, next->actor);
      /* The last hand-over of all is to the citizen (or whoever collected for them). */
      if (to == NULL && g_str_equal (handover->kind, "return"))
        to = member (payload, "recipient_name") ? member (payload, "recipient_name")
                                                 : motcua_slip_data_get (data, "applicant_name");
      note = member (payload, "note") ? member (payload, "note") : member (payload, "reason");
      row_set (row, "handovers", "from", handover_giver (data, store, handover));
      row_set (row, "handovers", "to", to);
      row_set (row, "handovers", "time", time);
      /* A dash, not the dots of a field left to fill in: an online submission comes
       * before any due date, so there is nothing to judge. */
      row_set (row, "handovers", "timing", handover->judged
               ? label (data, "timing", motcua_timing_to_string (handover->timing)) : "—");
      row_set (row, "handovers", "action", label (data, "event_kind", handover->kind));
      row_set (row, "handovers", "note", note);
    }
  return TRUE;
}

MotcuaSlipData *
motcua_slip_data_new_for_dossier (MotcuaStore *store, MotcuaSlipSet *set, const char *code, GDateTime *now,
                                  GError **error)
{
  g_autoptr(MotcuaSlipData) data = slip_data_new (set);
  g_autoptr(MotcuaDossier) dossier = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GPtrArray) payloads = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(GDateTime) local_now = now ? g_date_time_ref (now) : motcua_time_now (NULL);
  g_autoptr(MotcuaProcedure) procedure = NULL;
  JsonObject *object;

  if ((dossier = motcua_store_get_dossier (store, code, error)) == NULL
      || !add_agency (data, store, local_now, error)
      || (events = motcua_store_get_events (store, motcua_dossier_get_uid (dossier), error)) == NULL)
    return NULL;
  json = motcua_dossier_to_json (dossier);
  object = json_node_get_object (json);
  add_applicant (data, object);
  add_times (data, object);
  add_documents (data, object);
  /* The legal basis is where the applicant can read the rules (Form 02). */
  procedure = motcua_store_get_procedure (store, motcua_dossier_get_procedure_code (dossier), NULL);
  if (procedure != NULL)
    set_value (data, "legal_basis", procedure->legal_basis);
  if (!add_events (data, store, events, payloads, error)
      || !add_handovers (data, store, dossier, events, payloads, error))
    return NULL;
  return g_steal_pointer (&data);
}

/* ---- the register -------------------------------------------------------------------- */

static char *
date_bound (GDate *date, int days_after)
{
  GDate copy = *date;

  g_date_add_days (&copy, days_after);
  return g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (&copy), g_date_get_month (&copy),
                          g_date_get_day (&copy));
}

static GPtrArray *
list_codes (MotcuaStore *store, GDate *from, GDate *to, GError **error)
{
  g_autofree char *low = date_bound (from, 0);
  g_autofree char *high = date_bound (to, 1);
  g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = NULL;
  int rc;

  /* received_at is ISO 8601 in the agency's zone, so its text sorts by time. */
  rc = sqlite3_prepare_v2 (motcua_store_get_db (store),
                           "SELECT code FROM dossiers WHERE received_at >= ?1 AND received_at < ?2"
                           " ORDER BY received_at, code", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, low, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, high, -1, SQLITE_STATIC);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        g_ptr_array_add (codes, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_FAILED, _("Could not read the register: %s"),
                   sqlite3_errmsg (motcua_store_get_db (store)));
      return NULL;
    }
  return g_steal_pointer (&codes);
}

static void
add_register_row (MotcuaSlipData *data, MotcuaDossier *dossier, guint index)
{
  g_autoptr(JsonNode) json = motcua_dossier_to_json (dossier);
  JsonObject *object = json_node_get_object (json);
  JsonObject *applicant = json_object_get_object_member (object, "applicant");
  GHashTable *row = new_row (data, "register", index);
  g_autofree char *sets = g_strdup_printf ("%lld", (long long) json_object_get_int_member (object, "sets"));
  g_autofree char *status = g_strdup_printf ("%lld", (long long) json_object_get_int_member (object, "status"));
  g_autofree char *received = format_time (data, member (object, "received_at"), "short");
  g_autofree char *due = format_time (data, member (object, "due_at"), "short");
  g_autofree char *returned = format_time (data, member (object, "returned_at"), "short");

  row_set (row, "register", "code", member (object, "code"));
  row_set (row, "register", "procedure_name", member (object, "procedure_name"));
  row_set (row, "register", "applicant_name", member (applicant, "name"));
  row_set (row, "register", "applicant_address", member (applicant, "address"));
  row_set (row, "register", "applicant_phone", member (applicant, "phone"));
  row_set (row, "register", "sets", sets);
  row_set (row, "register", "received", received);
  row_set (row, "register", "due", due);
  row_set (row, "register", "returned", returned);
  row_set (row, "register", "status", label (data, "status", status));
  row_set (row, "register", "recipient", member (object, "recipient_name"));
}

MotcuaSlipData *
motcua_slip_data_new_for_register (MotcuaStore *store, MotcuaSlipSet *set, GDate *from, GDate *to,
                                   GDateTime *now, GError **error)
{
  g_autoptr(MotcuaSlipData) data = slip_data_new (set);
  g_autoptr(GDateTime) local_now = now ? g_date_time_ref (now) : motcua_time_now (NULL);
  g_autoptr(GPtrArray) codes = NULL;
  char text[32];

  if (g_date_compare (from, to) > 0)
    {
      g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                           _("The register's period ends before it starts."));
      return NULL;
    }
  if (!add_agency (data, store, local_now, error)
      || (codes = list_codes (store, from, to, error)) == NULL)
    return NULL;
  for (guint i = 0; i < codes->len; i++)
    {
      g_autoptr(MotcuaDossier) dossier = motcua_store_get_dossier (store, g_ptr_array_index (codes, i), error);

      if (dossier == NULL)
        return NULL;
      add_register_row (data, dossier, i + 1);
    }
  g_date_strftime (text, sizeof text, "%d/%m/%Y", from);
  set_value (data, "period_from", text);
  g_date_strftime (text, sizeof text, "%d/%m/%Y", to);
  set_value (data, "period_to", text);
  take_value (data, "dossier_count", g_strdup_printf ("%u", codes->len));
  g_hash_table_add (data->conditions, (gpointer) "register");
  return g_steal_pointer (&data);
}
