/* motcua-catalog.c: procedures and their JSON form. */

#include <glib/gi18n-lib.h>
#include <gio/gio.h>

#include "motcua-catalog.h"
#include "motcua-core-resources.h"
#include "motcua-error.h"

static void procedure_document_free (gpointer data);

static const char * const document_kinds[] = {
  "original", "certified_copy", "copy", "original_or_certified_copy", "present_original",
};

MotcuaProcedure *
motcua_procedure_new (void)
{
  MotcuaProcedure *procedure = g_new0 (MotcuaProcedure, 1);

  procedure->fee_amount = -1;
  procedure->documents = g_ptr_array_new_with_free_func (procedure_document_free);
  return procedure;
}

static void
procedure_document_free (gpointer data)
{
  MotcuaProcedureDocument *doc = data;

  g_free (doc->name);
  g_free (doc->kind);
  g_free (doc);
}

void
motcua_procedure_free (MotcuaProcedure *procedure)
{
  if (procedure == NULL)
    return;
  g_free (procedure->code);
  g_free (procedure->name);
  g_free (procedure->field);
  g_free (procedure->level);
  g_free (procedure->fee);
  g_free (procedure->legal_basis);
  g_ptr_array_unref (procedure->documents);
  g_free (procedure);
}

void
motcua_procedure_add_document (MotcuaProcedure *procedure, const char *name, const char *kind, int quantity,
                               gboolean required)
{
  MotcuaProcedureDocument *doc = g_new0 (MotcuaProcedureDocument, 1);

  doc->name = g_strdup (name);
  doc->kind = g_strdup (kind);
  doc->quantity = quantity > 0 ? quantity : 1;
  doc->required = required;
  g_ptr_array_add (procedure->documents, doc);
}

gboolean
motcua_document_kind_is_valid (const char *kind)
{
  for (guint i = 0; kind != NULL && i < G_N_ELEMENTS (document_kinds); i++)
    if (g_str_equal (kind, document_kinds[i]))
      return TRUE;
  return FALSE;
}

const char *
motcua_document_kind_label (const char *kind)
{
  if (g_strcmp0 (kind, "certified_copy") == 0)
    return _("certified copy");
  if (g_strcmp0 (kind, "copy") == 0)
    return _("photocopy");
  if (g_strcmp0 (kind, "original_or_certified_copy") == 0)
    return _("original or certified copy");
  if (g_strcmp0 (kind, "present_original") == 0)
    return _("original shown for checking");
  return _("original");
}

char *
motcua_processing_time_describe (int amount, MotcuaTimeUnit unit)
{
  switch (unit)
    {
    case MOTCUA_TIME_UNIT_SAME_DAY:
      return g_strdup (_("same day"));
    case MOTCUA_TIME_UNIT_WORKING_HOURS:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d working hour", "%d working hours", amount), amount);
    case MOTCUA_TIME_UNIT_CALENDAR_DAYS:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d day", "%d days", amount), amount);
    case MOTCUA_TIME_UNIT_WORKING_DAYS:
    default:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d working day", "%d working days", amount), amount);
    }
}

/* ---- parsing --------------------------------------------------------------- */

static const char *
string_member (JsonObject *object, const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* An integer member, or @fallback when absent or null; FALSE when it holds anything
 * else ("3" as a string, an object…), so a typo never becomes zero days. */
static gboolean
int_member (JsonObject *object, const char *name, gint64 fallback, gint64 *value)
{
  JsonNode *node = json_object_get_member (object, name);

  *value = fallback;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_int (node);
  return TRUE;
}

static gboolean
bool_member (JsonObject *object, const char *name, gboolean fallback, gboolean *value)
{
  JsonNode *node = json_object_get_member (object, name);

  *value = fallback;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return FALSE;
  *value = json_node_get_boolean (node);
  return TRUE;
}

static gboolean
parse_documents (MotcuaProcedure *procedure, JsonObject *object, guint index, GError **error)
{
  JsonNode *node = json_object_get_member (object, "documents");
  JsonArray *documents;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    goto bad;
  documents = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (documents); i++)
    {
      JsonNode *element = json_array_get_element (documents, i);
      JsonObject *doc;
      const char *kind;
      gint64 quantity;
      gboolean required;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        goto bad;
      doc = json_node_get_object (element);
      kind = string_member (doc, "kind");
      if (string_member (doc, "name") == NULL || !motcua_document_kind_is_valid (kind)
          || !int_member (doc, "quantity", 1, &quantity) || quantity < 1 || quantity > 1000
          || !bool_member (doc, "required", TRUE, &required))
        goto bad;
      motcua_procedure_add_document (procedure, string_member (doc, "name"), kind, quantity, required);
    }
  return TRUE;

bad:
  g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
               _("Procedure %u of the catalog (%s) has an invalid list of documents."),
               index + 1, procedure->code);
  return FALSE;
}

static MotcuaProcedure *
parse_procedure (JsonNode *node, guint index, GError **error)
{
  g_autoptr(MotcuaProcedure) procedure = motcua_procedure_new ();
  JsonObject *object, *time;
  gint64 amount;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    goto bad;
  object = json_node_get_object (node);
  procedure->code = g_strdup (string_member (object, "code"));
  procedure->name = g_strdup (string_member (object, "name"));
  if (procedure->code == NULL || *procedure->code == '\0' || procedure->name == NULL)
    goto bad;
  procedure->field = g_strdup (string_member (object, "field"));
  procedure->level = g_strdup (string_member (object, "level"));
  procedure->fee = g_strdup (string_member (object, "fee"));
  procedure->legal_basis = g_strdup (string_member (object, "legal_basis"));
  if (!int_member (object, "fee_amount", -1, &procedure->fee_amount) || procedure->fee_amount < -1)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                   _("Procedure %s of the catalog has an invalid fee amount (a whole number of đồng is expected)."),
                   procedure->code);
      return NULL;
    }

  time = json_object_has_member (object, "processing_time")
         && JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "processing_time"))
         ? json_object_get_object_member (object, "processing_time") : NULL;
  if (time == NULL
      || !motcua_time_unit_from_string (string_member (time, "unit"), &procedure->time_unit))
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                   _("Procedure %s of the catalog has no valid processing time."), procedure->code);
      return NULL;
    }
  if (!int_member (time, "amount", 0, &amount) || amount < 0 || amount > 3650)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                   _("Procedure %s of the catalog has an invalid processing time (a whole number from 0 to 3650 is expected)."),
                   procedure->code);
      return NULL;
    }
  procedure->time_amount = amount;

  if (!parse_documents (procedure, object, index, error))
    return NULL;
  return g_steal_pointer (&procedure);

bad:
  g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
               _("Procedure %u of the catalog is missing its code, name or a valid field."), index + 1);
  return NULL;
}

GPtrArray *
motcua_catalog_parse (const char *json_text, gsize length, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GPtrArray) procedures = g_ptr_array_new_with_free_func ((GDestroyNotify) motcua_procedure_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) local_error = NULL;
  JsonNode *root, *list;
  JsonArray *array;

  if (!json_parser_load_from_data (parser, json_text, length, &local_error))
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                   _("The catalog file is not valid JSON: %s"), local_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)
      || g_strcmp0 (string_member (json_node_get_object (root), "format"), "motcua-catalog") != 0
      || (list = json_object_get_member (json_node_get_object (root), "procedures")) == NULL
      || !JSON_NODE_HOLDS_ARRAY (list))
    {
      g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                           _("This file is not a procedure catalog (expected “format”: “motcua-catalog” and a list of procedures)."));
      return NULL;
    }
  if (json_object_get_int_member_with_default (json_node_get_object (root), "version", 1) > 1)
    {
      g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                           _("This catalog was written by a newer version of Motcua. Update the application first."));
      return NULL;
    }

  array = json_node_get_array (list);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      MotcuaProcedure *procedure = parse_procedure (json_array_get_element (array, i), i, error);

      if (procedure == NULL)
        return NULL;
      g_ptr_array_add (procedures, procedure);
      if (!g_hash_table_add (seen, procedure->code))
        {
          g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                       _("The procedure code %s appears twice in the catalog."), procedure->code);
          return NULL;
        }
    }
  return g_steal_pointer (&procedures);
}

GPtrArray *
motcua_catalog_load_demo (GError **error)
{
  /* Asked of the resource itself: a static library's constructor that registers it
   * may be dropped by the linker. */
  g_autoptr(GBytes) bytes = g_resource_lookup_data (motcua_core_get_resource (),
                                                    "/io/github/motcua/core/catalog/demo-catalog.json",
                                                    G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  gsize length;
  const char *data;

  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &length);
  return motcua_catalog_parse (data, length, error);
}

/* ---- writing --------------------------------------------------------------- */

static void
add_optional_string (JsonBuilder *builder, const char *name, const char *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

JsonNode *
motcua_procedure_to_json (MotcuaProcedure *procedure)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_optional_string (builder, "code", procedure->code);
  add_optional_string (builder, "name", procedure->name);
  add_optional_string (builder, "field", procedure->field);
  add_optional_string (builder, "level", procedure->level);
  json_builder_set_member_name (builder, "processing_time");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "amount");
  json_builder_add_int_value (builder, procedure->time_amount);
  json_builder_set_member_name (builder, "unit");
  json_builder_add_string_value (builder, motcua_time_unit_to_string (procedure->time_unit));
  json_builder_end_object (builder);
  add_optional_string (builder, "fee", procedure->fee);
  json_builder_set_member_name (builder, "fee_amount");
  if (procedure->fee_amount >= 0)
    json_builder_add_int_value (builder, procedure->fee_amount);
  else
    json_builder_add_null_value (builder);
  add_optional_string (builder, "legal_basis", procedure->legal_basis);
  json_builder_set_member_name (builder, "documents");
  json_builder_begin_array (builder);
  for (guint i = 0; i < procedure->documents->len; i++)
    {
      MotcuaProcedureDocument *doc = g_ptr_array_index (procedure->documents, i);

      json_builder_begin_object (builder);
      add_optional_string (builder, "name", doc->name);
      add_optional_string (builder, "kind", doc->kind);
      json_builder_set_member_name (builder, "quantity");
      json_builder_add_int_value (builder, doc->quantity);
      json_builder_set_member_name (builder, "required");
      json_builder_add_boolean_value (builder, doc->required);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

char *
motcua_catalog_to_json (GPtrArray *procedures)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, "motcua-catalog");
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "procedures");
  json_builder_begin_array (builder);
  for (guint i = 0; i < procedures->len; i++)
    json_builder_add_value (builder, motcua_procedure_to_json (g_ptr_array_index (procedures, i)));
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  return json_generator_to_data (generator, NULL);
}
