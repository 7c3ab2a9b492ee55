/* motcua-slip-template.c: loading and checking a form set. */

#include <glib/gi18n-lib.h>
#include <gio/gio.h>
#include <pango/pango.h>

#include "motcua-error.h"
#include "motcua-print-resources.h"
#include "motcua-slip-data.h"
#include "motcua-slip-template.h"
#include "motcua-store.h"

#define RESOURCE_ROOT "/io/github/motcua/print/slips"
/* What an empty field prints: room to write it in by hand. */
#define WRITE_IN_LINE "………………"

struct _MotcuaSlipSet
{
  GObject     parent_instance;

  char       *id;
  char       *name;
  GStrv       form_ids;
  GHashTable *forms;     /* id → JsonObject */
  GHashTable *names;     /* id → name */
  JsonObject *labels;    /* group → {key → text} */
  JsonNode   *set_root;
  GPtrArray  *form_roots;
};

G_DEFINE_FINAL_TYPE (MotcuaSlipSet, motcua_slip_set, G_TYPE_OBJECT)

static void
motcua_slip_set_finalize (GObject *object)
{
  MotcuaSlipSet *self = MOTCUA_SLIP_SET (object);

  g_free (self->id);
  g_free (self->name);
  g_strfreev (self->form_ids);
  g_hash_table_unref (self->forms);
  g_hash_table_unref (self->names);
  g_clear_pointer (&self->set_root, json_node_unref);
  g_ptr_array_unref (self->form_roots);
  G_OBJECT_CLASS (motcua_slip_set_parent_class)->finalize (object);
}

static void
motcua_slip_set_class_init (MotcuaSlipSetClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = motcua_slip_set_finalize;
}

static void
motcua_slip_set_init (MotcuaSlipSet *self)
{
  self->forms = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->form_roots = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
}

char *
motcua_slip_set_default_dir (void)
{
  return g_build_filename (g_get_user_config_dir (), "motcua", "slips", NULL);
}

/* ---- expansion ----------------------------------------------------------------------- */

char *
motcua_slip_expand (const char *markup, MotcuaSlipLookup lookup, gpointer user_data, GError **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  const char *p = markup;

  while (*p != '\0')
    {
      const char *close;
      g_autofree char *name = NULL;
      gboolean optional;
      const char *value;

      if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}'))
        {
          g_string_append_c (out, p[0]);
          p += 2;
          continue;
        }
      if (*p != '{')
        {
          g_string_append_c (out, *p++);
          continue;
        }
      if ((close = strchr (p, '}')) == NULL)
        {
          g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                       _("a “{” is never closed in “%s”"), markup);
          return NULL;
        }
      name = g_strndup (p + 1, close - p - 1);
      optional = g_str_has_suffix (name, "?");
      if (optional)
        name[strlen (name) - 1] = '\0';
      if ((value = lookup (name, user_data)) == NULL)
        {
          g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                       _("there is no field “{%s}”"), name);
          return NULL;
        }
      if (*value == '\0' && !optional)
        value = WRITE_IN_LINE;
      {
        g_autofree char *escaped = g_markup_escape_text (value, -1);
        g_string_append (out, escaped);
      }
      p = close + 1;
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* ---- checking ------------------------------------------------------------------------ */

typedef struct {
  const char *file;
  guint       block;        /* 1-based; 0 outside blocks */
  const char *source;       /* the table whose row fields are in scope, or NULL */
} Where;

static void
set_problem (GError **error, const Where *where, const char *problem)
{
  if (where->block > 0)
    g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                 _("Slip template %s, block %u: %s."), where->file, where->block, problem);
  else
    g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                 _("Slip template %s: %s."), where->file, problem);
}

static const char *
check_lookup (const char *name, gpointer user_data)
{
  const Where *where = user_data;

  if (motcua_slip_field_is_known (NULL, name)
      || (where->source != NULL && motcua_slip_field_is_known (where->source, name)))
    return "x";
  return NULL;
}

/* Every field must exist and the result must be valid Pango markup. */
static gboolean
check_markup (const char *markup, const Where *where, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autofree char *expanded = motcua_slip_expand (markup, check_lookup, (gpointer) where, &local);

  if (expanded == NULL
      || !pango_parse_markup (expanded, -1, 0, NULL, NULL, NULL, &local))
    {
      set_problem (error, where, local->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_string_member (JsonObject *object, const char *member, gboolean required, gboolean markup,
                     const Where *where, GError **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL)
    {
      g_autofree char *problem = g_strdup_printf (_("“%s” is missing"), member);
      if (!required)
        return TRUE;
      set_problem (error, where, problem);
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_autofree char *problem = g_strdup_printf (_("“%s” must be text"), member);
      set_problem (error, where, problem);
      return FALSE;
    }
  return !markup || check_markup (json_node_get_string (node), where, error);
}

static gboolean
check_number_member (JsonObject *object, const char *member, double min, double max,
                     const Where *where, GError **error)
{
  JsonNode *node = json_object_get_member (object, member);
  double value;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node)
      || (json_node_get_value_type (node) != G_TYPE_INT64 && json_node_get_value_type (node) != G_TYPE_DOUBLE))
    {
      g_autofree char *problem = g_strdup_printf (_("“%s” must be a number"), member);
      set_problem (error, where, problem);
      return FALSE;
    }
  value = json_node_get_double (node);
  if (value < min || value > max)
    {
      g_autofree char *problem = g_strdup_printf (_("“%s” must be between %g and %g"), member, min, max);
      set_problem (error, where, problem);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_choice_member (JsonObject *object, const char *member, const char * const *choices,
                     const Where *where, GError **error)
{
  const char *value;

  if (!check_string_member (object, member, FALSE, FALSE, where, error))
    return FALSE;
  if (!json_object_has_member (object, member))
    return TRUE;
  value = json_object_get_string_member (object, member);
  if (!g_strv_contains (choices, value))
    {
      g_autofree char *list = g_strjoinv (", ", (GStrv) choices);
      g_autofree char *problem = g_strdup_printf (_("“%s” must be one of %s, not “%s”"), member, list, value);
      set_problem (error, where, problem);
      return FALSE;
    }
  return TRUE;
}

/* An array of markup lines (the heading's columns). */
static gboolean
check_markup_lines (JsonObject *object, const char *member, gboolean required, const Where *where,
                    GError **error)
{
  JsonNode *node = json_object_get_member (object, member);
  JsonArray *array;

  if (node == NULL && !required)
    return TRUE;
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      g_autofree char *problem = g_strdup_printf (_("“%s” must be a list of lines"), member);
      set_problem (error, where, problem);
      return FALSE;
    }
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *line = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (line) || json_node_get_value_type (line) != G_TYPE_STRING)
        {
          g_autofree char *problem = g_strdup_printf (_("every line of “%s” must be text"), member);
          set_problem (error, where, problem);
          return FALSE;
        }
      if (!check_markup (json_node_get_string (line), where, error))
        return FALSE;
    }
  return TRUE;
}

static JsonArray *
object_array_member (JsonObject *object, const char *member, const Where *where, GError **error)
{
  JsonNode *node = json_object_get_member (object, member);
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (json_node_get_array (node)) == 0)
    {
      g_autofree char *problem = g_strdup_printf (_("“%s” must be a non-empty list"), member);
      set_problem (error, where, problem);
      return NULL;
    }
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    if (!JSON_NODE_HOLDS_OBJECT (json_array_get_element (array, i)))
      {
        g_autofree char *problem = g_strdup_printf (_("every entry of “%s” must be an object"), member);
        set_problem (error, where, problem);
        return NULL;
      }
  return array;
}

static gboolean
check_source (JsonObject *block, Where *where, GError **error)
{
  const char *source;

  if (!check_string_member (block, "rows", TRUE, FALSE, where, error))
    return FALSE;
  source = json_object_get_string_member (block, "rows");
  if (!motcua_slip_source_is_known (source))
    {
      g_autofree char *problem = g_strdup_printf (_("there is no table “%s” (documents, missing, handovers, register)"),
                                                  source);
      set_problem (error, where, problem);
      return FALSE;
    }
  where->source = source;
  return TRUE;
}

static gboolean
check_table (JsonObject *block, Where *where, GError **error)
{
  static const char * const aligns[] = { "left", "center", "right", NULL };
  JsonArray *columns;

  if (!check_source (block, where, error)
      || (columns = object_array_member (block, "columns", where, error)) == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (columns); i++)
    {
      JsonObject *column = json_array_get_object_element (columns, i);

      if (!check_string_member (column, "title", TRUE, TRUE, where, error)
          || !check_string_member (column, "markup", TRUE, TRUE, where, error)
          || !check_number_member (column, "width", 0.1, 100, where, error)
          || !check_choice_member (column, "align", aligns, where, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_signatures (JsonObject *block, const Where *where, GError **error)
{
  static const char * const aligns[] = { "left", "center", "right", NULL };
  JsonArray *columns = object_array_member (block, "columns", where, error);

  if (columns == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (columns); i++)
    {
      JsonObject *column = json_array_get_object_element (columns, i);

      if (!check_string_member (column, "title", TRUE, TRUE, where, error)
          || !check_string_member (column, "note", FALSE, TRUE, where, error)
          || !check_string_member (column, "name", FALSE, TRUE, where, error)
          || !check_choice_member (column, "align", aligns, where, error))
        return FALSE;
    }
  return check_number_member (block, "gap", 0, 80, where, error);
}

static gboolean
check_block (JsonObject *block, Where *where, GError **error)
{
  static const char * const aligns[] = { "left", "center", "right", "justify", NULL };
  const char *type;

  where->source = NULL;
  if (!check_string_member (block, "type", TRUE, FALSE, where, error)
      || !check_number_member (block, "size", 6, 30, where, error)
      || !check_number_member (block, "space_before", 0, 200, where, error)
      || !check_number_member (block, "indent", 0, 100, where, error))
    return FALSE;
  type = json_object_get_string_member (block, "type");
  if (g_str_equal (type, "text"))
    return check_string_member (block, "markup", TRUE, TRUE, where, error)
           && check_choice_member (block, "align", aligns, where, error);
  if (g_str_equal (type, "heading"))
    return check_markup_lines (block, "left", TRUE, where, error)
           && check_markup_lines (block, "right", TRUE, where, error)
           && check_markup_lines (block, "left_after", FALSE, where, error)
           && check_markup_lines (block, "right_after", FALSE, where, error);
  if (g_str_equal (type, "table"))
    return check_table (block, where, error);
  if (g_str_equal (type, "list"))
    return check_source (block, where, error)
           && check_string_member (block, "markup", TRUE, TRUE, where, error);
  if (g_str_equal (type, "qr"))
    return check_string_member (block, "data", TRUE, FALSE, where, error)
           && check_markup (json_object_get_string_member (block, "data"), where, error)
           && check_string_member (block, "caption", FALSE, TRUE, where, error)
           && check_number_member (block, "width", 10, 80, where, error);
  if (g_str_equal (type, "signatures"))
    return check_signatures (block, where, error);
  if (g_str_equal (type, "spacer"))
    return check_number_member (block, "height", 0, 200, where, error);

  {
    g_autofree char *problem = g_strdup_printf (_("“%s” is not a kind of block (text, heading, table, list, qr, "
                                                  "signatures, spacer)"), type);
    set_problem (error, where, problem);
  }
  return FALSE;
}

static gboolean
check_form (JsonObject *form, const char *id, const char *file, GError **error)
{
  static const char * const scopes[] = { "dossier", "register", NULL };
  static const char * const orientations[] = { "portrait", "landscape", NULL };
  Where where = { file, 0, NULL };
  JsonArray *blocks;
  const char *applies;

  if (!check_string_member (form, "form", TRUE, FALSE, &where, error)
      || !check_string_member (form, "name", TRUE, FALSE, &where, error)
      || !check_choice_member (form, "scope", scopes, &where, error)
      || !check_choice_member (form, "orientation", orientations, &where, error)
      || !check_string_member (form, "font", FALSE, FALSE, &where, error)
      || !check_number_member (form, "size", 6, 30, &where, error)
      || !check_string_member (form, "applies", FALSE, FALSE, &where, error))
    return FALSE;
  if (!g_str_equal (json_object_get_string_member (form, "form"), id))
    {
      g_autofree char *problem = g_strdup_printf (_("it describes form “%s”, but set.json lists it as form “%s”"),
                                                  json_object_get_string_member (form, "form"), id);
      set_problem (error, &where, problem);
      return FALSE;
    }
  applies = json_object_get_string_member_with_default (form, "applies", "always");
  if (!motcua_slip_condition_is_known (applies))
    {
      g_autofree char *problem = g_strdup_printf (_("“applies” must be received, supplement, refused, apology or "
                                                    "always, not “%s”"), applies);
      set_problem (error, &where, problem);
      return FALSE;
    }
  if ((blocks = object_array_member (form, "blocks", &where, error)) == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (blocks); i++)
    {
      where.block = i + 1;
      if (!check_block (json_array_get_object_element (blocks, i), &where, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_labels (JsonObject *labels, const Where *where, GError **error)
{
  g_autoptr(GList) groups = json_object_get_members (labels);

  for (GList *l = groups; l != NULL; l = l->next)
    {
      JsonNode *group = json_object_get_member (labels, l->data);
      g_autoptr(GList) keys = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (group))
        {
          g_autofree char *problem = g_strdup_printf (_("the labels “%s” must be an object"), (char *) l->data);
          set_problem (error, where, problem);
          return FALSE;
        }
      keys = json_object_get_members (json_node_get_object (group));
      for (GList *k = keys; k != NULL; k = k->next)
        if (!check_string_member (json_node_get_object (group), k->data, TRUE, FALSE, where, error))
          return FALSE;
    }
  return TRUE;
}

/* ---- loading ------------------------------------------------------------------------- */

/* The file's text from the override directory when it has it, else built in. @shown is
 * the name errors use. */
static char *
read_set_file (const char *id, const char *override_dir, const char *file, char **shown, GError **error)
{
  g_autofree char *path = override_dir ? g_build_filename (override_dir, id, file, NULL) : NULL;
  g_autofree char *resource = g_build_path ("/", RESOURCE_ROOT, id, file, NULL);
  g_autoptr(GBytes) bytes = NULL;
  char *contents = NULL;

  if (path != NULL && g_file_test (path, G_FILE_TEST_EXISTS))
    {
      *shown = g_strdup (path);
      if (!g_file_get_contents (path, &contents, NULL, error))
        return NULL;
      return contents;
    }
  *shown = g_build_filename ("slips", id, file, NULL);
  /* Asked of the resource itself: a static library's constructor that would register
   * it is dropped by the linker when nothing references the resource. */
  bytes = g_resource_lookup_data (motcua_print_get_resource (), resource, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  if (bytes == NULL)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_NOT_FOUND,
                   _("There is no slip template %s (no form set “%s” with that file)."), *shown, id);
      return NULL;
    }
  return g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

static JsonNode *
parse_object_file (const char *id, const char *override_dir, const char *file, char **shown, GError **error)
{
  g_autofree char *text = read_set_file (id, override_dir, file, shown, error);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local = NULL;
  JsonNode *root;

  if (text == NULL)
    return NULL;
  if (!json_parser_load_from_data (parser, text, -1, &local))
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                   _("Slip template %s is not valid JSON: %s."), *shown, local->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                   _("Slip template %s must hold a JSON object."), *shown);
      return NULL;
    }
  return json_node_copy (root);
}

static gboolean
check_set_header (JsonObject *set, const char *id, const Where *where, GError **error)
{
  if (!check_string_member (set, "format", TRUE, FALSE, where, error)
      || !check_string_member (set, "id", TRUE, FALSE, where, error)
      || !check_string_member (set, "name", TRUE, FALSE, where, error)
      || !check_number_member (set, "version", 1, 1, where, error))
    return FALSE;
  if (!g_str_equal (json_object_get_string_member (set, "format"), "motcua-slips"))
    {
      set_problem (error, where, _("“format” must be “motcua-slips”"));
      return FALSE;
    }
  if (!g_str_equal (json_object_get_string_member (set, "id"), id))
    {
      g_autofree char *problem = g_strdup_printf (_("its id “%s” differs from its directory “%s”"),
                                                  json_object_get_string_member (set, "id"), id);
      set_problem (error, where, problem);
      return FALSE;
    }
  if (json_object_has_member (set, "labels")
      && (!JSON_NODE_HOLDS_OBJECT (json_object_get_member (set, "labels"))
          || !check_labels (json_object_get_object_member (set, "labels"), where, error)))
    {
      if (error != NULL && *error == NULL)
        set_problem (error, where, _("“labels” must be an object"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
load_forms (MotcuaSlipSet *self, JsonArray *forms, const char *override_dir, const Where *where, GError **error)
{
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();

  for (guint i = 0; i < json_array_get_length (forms); i++)
    {
      JsonObject *entry = json_array_get_object_element (forms, i);
      g_autofree char *shown = NULL;
      JsonNode *root;
      const char *id, *file;

      if (!check_string_member (entry, "id", TRUE, FALSE, where, error)
          || !check_string_member (entry, "file", TRUE, FALSE, where, error))
        return FALSE;
      id = json_object_get_string_member (entry, "id");
      file = json_object_get_string_member (entry, "file");
      if (strchr (file, '/') != NULL || g_str_has_prefix (file, "."))
        {
          g_autofree char *problem = g_strdup_printf (_("the form file “%s” must be a plain file name"), file);
          set_problem (error, where, problem);
          return FALSE;
        }
      if ((root = parse_object_file (self->id, override_dir, file, &shown, error)) == NULL)
        return FALSE;
      g_ptr_array_add (self->form_roots, root);
      if (!check_form (json_node_get_object (root), id, shown, error))
        return FALSE;
      g_hash_table_insert (self->forms, g_strdup (id), json_node_get_object (root));
      g_hash_table_insert (self->names, g_strdup (id),
                           (gpointer) json_object_get_string_member (json_node_get_object (root), "name"));
      g_strv_builder_add (ids, id);
    }
  self->form_ids = g_strv_builder_end (ids);
  return TRUE;
}

MotcuaSlipSet *
motcua_slip_set_load (const char *id, const char *override_dir, GError **error)
{
  g_autoptr(MotcuaSlipSet) self = NULL;
  g_autofree char *shown = NULL;
  JsonObject *set;
  JsonArray *forms;
  Where where = { NULL, 0, NULL };

  if (id == NULL || *id == '\0' || strchr (id, '/') != NULL || g_str_has_prefix (id, "."))
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                   _("“%s” is not the name of a form set."), id ? id : "");
      return NULL;
    }
  self = g_object_new (MOTCUA_TYPE_SLIP_SET, NULL);
  self->id = g_strdup (id);
  if ((self->set_root = parse_object_file (id, override_dir, "set.json", &shown, error)) == NULL)
    return NULL;
  set = json_node_get_object (self->set_root);
  where.file = shown;
  if (!check_set_header (set, id, &where, error)
      || (forms = object_array_member (set, "forms", &where, error)) == NULL
      || !load_forms (self, forms, override_dir, &where, error))
    return NULL;
  self->name = g_strdup (json_object_get_string_member (set, "name"));
  if (json_object_has_member (set, "labels"))
    self->labels = json_object_get_object_member (set, "labels");
  return g_steal_pointer (&self);
}

MotcuaSlipSet *
motcua_slip_set_load_for_store (MotcuaStore *store, const char *id, const char *override_dir, GError **error)
{
  g_autofree char *state_id = motcua_store_get_state (store, "slips.set", NULL);
  g_autofree char *state_dir = motcua_store_get_state (store, "slips.dir", NULL);
  g_autofree char *default_dir = motcua_slip_set_default_dir ();

  if (id == NULL)
    id = state_id && *state_id ? state_id : MOTCUA_SLIP_SET_DEFAULT;
  if (override_dir == NULL)
    override_dir = state_dir && *state_dir ? state_dir : default_dir;
  return motcua_slip_set_load (id, override_dir, error);
}

const char *
motcua_slip_set_get_id (MotcuaSlipSet *self)
{
  return self->id;
}

const char *
motcua_slip_set_get_name (MotcuaSlipSet *self)
{
  return self->name;
}

const char * const *
motcua_slip_set_get_forms (MotcuaSlipSet *self)
{
  return (const char * const *) self->form_ids;
}

JsonObject *
motcua_slip_set_get_form (MotcuaSlipSet *self, const char *form)
{
  return form ? g_hash_table_lookup (self->forms, form) : NULL;
}

const char *
motcua_slip_set_get_form_name (MotcuaSlipSet *self, const char *form)
{
  return form ? g_hash_table_lookup (self->names, form) : NULL;
}

const char *
motcua_slip_set_get_form_scope (MotcuaSlipSet *self, const char *form)
{
  JsonObject *object = motcua_slip_set_get_form (self, form);

  return object ? json_object_get_string_member_with_default (object, "scope", "dossier") : NULL;
}

const char *
motcua_slip_set_get_label (MotcuaSlipSet *self, const char *group, const char *key)
{
  JsonObject *labels;

  if (self->labels == NULL || key == NULL || !json_object_has_member (self->labels, group))
    return NULL;
  labels = json_object_get_object_member (self->labels, group);
  return json_object_get_string_member_with_default (labels, key, NULL);
}

const char *
motcua_slip_set_get_register_form (MotcuaSlipSet *self)
{
  const char * const *forms = motcua_slip_set_get_forms (self);

  for (guint i = 0; forms[i] != NULL; i++)
    if (g_str_equal (motcua_slip_set_get_form_scope (self, forms[i]), "register"))
      return forms[i];
  return NULL;
}
