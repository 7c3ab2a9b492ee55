/* test-catalog.c: the procedure catalog, its JSON form, and import/export.
 *
 * The parser is tested directly; import and export go through the store and, where
 * the issue asks for the command line, through `motcua catalog import|export`
 * (MOTCUA_CLI).
 *
 * Assertions are non-fatal (see main()), so a failing test does not hide the others.
 */
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "motcua-catalog.h"
#include "motcua-error.h"
#include "motcua-store.h"
#include "motcua-test-util.h"

/* ---- helpers ---------------------------------------------------------------- */

static MotcuaProcedure *
find_procedure (GPtrArray  *procedures,
                const char *code)
{
  for (guint i = 0; procedures != NULL && i < procedures->len; i++)
    {
      MotcuaProcedure *procedure = g_ptr_array_index (procedures, i);

      if (g_strcmp0 (procedure->code, code) == 0)
        return procedure;
    }
  return NULL;
}

static char *
procedure_json_text (MotcuaProcedure *procedure)
{
  g_autoptr(JsonNode) node = motcua_procedure_to_json (procedure);

  return json_to_string (node, TRUE);
}

/* Whether two catalogs hold the same procedures (in any order), compared through
 * their JSON; reports the first difference. */
static gboolean
same_procedures (GPtrArray  *a,
                 GPtrArray  *b,
                 const char *what)
{
  if (a->len != b->len)
    {
      g_test_fail_printf ("%s: %u procedures against %u", what, a->len, b->len);
      return FALSE;
    }
  for (guint i = 0; i < a->len; i++)
    {
      MotcuaProcedure *left = g_ptr_array_index (a, i);
      MotcuaProcedure *right = find_procedure (b, left->code);
      g_autoptr(JsonNode) left_json = motcua_procedure_to_json (left);
      g_autoptr(JsonNode) right_json = NULL;

      if (right == NULL)
        {
          g_test_fail_printf ("%s: procedure %s is missing", what, left->code);
          return FALSE;
        }
      right_json = motcua_procedure_to_json (right);
      if (!json_node_equal (left_json, right_json))
        {
          g_autofree char *l = procedure_json_text (left);
          g_autofree char *r = procedure_json_text (right);

          g_test_message ("%s: procedure %s differs:\n%s\n---\n%s", what, left->code, l, r);
          g_test_fail_printf ("%s: procedure %s differs (see above)", what, left->code);
          return FALSE;
        }
    }
  return TRUE;
}

static char *
read_text (const char *path)
{
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;
  return contents;
}

/* ---- the command line ----------------------------------------------------------- */

/* The CLI is built with the tests, but the catalog suite does not depend on it in
 * tests/meson.build: skip (rather than fail) when it is not there. */
static gboolean
have_cli (void)
{
  const char *cli = g_getenv ("MOTCUA_CLI");

  if (cli != NULL && g_file_test (cli, G_FILE_TEST_IS_EXECUTABLE))
    return TRUE;
  g_test_skip ("the motcua program (MOTCUA_CLI) is not built");
  return FALSE;
}

typedef struct {
  char *dir;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->dir = motcua_test_make_temp_dir ("motcua-catalog-XXXXXX");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  motcua_test_remove_tree (f->dir);
  g_free (f->dir);
}

static char *
in_dir (Fixture    *f,
        const char *name)
{
  return g_build_filename (f->dir, name, NULL);
}

/* ---- the demo catalog --------------------------------------------------------------- */

static void
test_demo_catalog (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) procedures = motcua_catalog_load_demo (&error);
  g_autoptr(GHashTable) codes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  const struct {
    const char *code;
    const char *name_part;
  } required[] = {
    { "1.001193", "khai sinh" },        /* birth registration */
    { "1.000894", "kết hôn" },          /* marriage */
    { "1.000656", "khai tử" },          /* death */
    { "2.000815", "Chứng thực bản sao" }, /* certified copy from the original */
  };

  g_assert_no_error (error);
  g_assert_nonnull (procedures);
  if (procedures == NULL)
    return;
  g_assert_cmpuint (procedures->len, >=, 28);

  for (guint i = 0; i < procedures->len; i++)
    {
      MotcuaProcedure *p = g_ptr_array_index (procedures, i);
      MotcuaTimeUnit unit;

      g_assert_nonnull (p->code);
      g_assert_nonnull (p->name);
      if (p->code == NULL || p->name == NULL)
        continue;
      g_assert_cmpuint (strlen (p->code), >, 0);
      g_assert_cmpuint (strlen (p->name), >, 0);
      g_hash_table_add (codes, p->code);
      g_hash_table_add (names, p->name);

      /* The unit survives its own round trip through the catalog's words. */
      g_assert_true (motcua_time_unit_from_string (motcua_time_unit_to_string (p->time_unit), &unit));
      g_assert_cmpint (unit, ==, p->time_unit);
      g_assert_cmpint (p->time_amount, >=, 0);

      if (p->documents->len == 0)
        g_test_fail_printf ("procedure %s has no documents", p->code);
      for (guint d = 0; d < p->documents->len; d++)
        {
          MotcuaProcedureDocument *doc = g_ptr_array_index (p->documents, d);

          g_assert_nonnull (doc->name);
          if (!motcua_document_kind_is_valid (doc->kind))
            g_test_fail_printf ("procedure %s, document %u: kind “%s”", p->code, d + 1, doc->kind);
          g_assert_cmpint (doc->quantity, >=, 1);
        }
    }
  g_assert_cmpuint (g_hash_table_size (codes), ==, procedures->len);
  g_assert_cmpuint (g_hash_table_size (codes), >=, 25);
  g_assert_cmpuint (g_hash_table_size (names), >=, 25);

  for (guint i = 0; i < G_N_ELEMENTS (required); i++)
    {
      MotcuaProcedure *p = find_procedure (procedures, required[i].code);

      if (p == NULL)
        g_test_fail_printf ("the demo catalog lacks %s", required[i].code);
      else
        g_assert_nonnull (strstr (p->name, required[i].name_part));
    }
}

/* ---- parse errors ---------------------------------------------------------------------- */

/* A small valid catalog; the bad ones below each break one thing of it. */
#define GOOD_CATALOG \
  "{\"format\": \"motcua-catalog\", \"version\": 1, \"procedures\": [" \
  " {\"code\": \"T.0001\", \"name\": \"Đăng ký khai sinh\", \"field\": \"Hộ tịch\", \"level\": \"xã\"," \
  "  \"processing_time\": {\"amount\": 1, \"unit\": \"same_day\"}, \"fee\": \"Miễn lệ phí\", \"fee_amount\": 0," \
  "  \"documents\": [{\"name\": \"Tờ khai\", \"kind\": \"original\", \"quantity\": 1, \"required\": true}," \
  "                 {\"name\": \"Giấy chứng sinh\", \"kind\": \"original\"}]}," \
  " {\"code\": \"T.0002\", \"name\": \"Đăng ký tạm trú\", \"field\": \"Cư trú\"," \
  "  \"processing_time\": {\"amount\": 3, \"unit\": \"working_days\"}," \
  "  \"documents\": [{\"name\": \"Tờ khai thay đổi thông tin cư trú\", \"kind\": \"original\"}]}," \
  " {\"code\": \"T.0003\", \"name\": \"Hòa giải tranh chấp đất đai\"," \
  "  \"processing_time\": {\"amount\": 30, \"unit\": \"calendar_days\"}," \
  "  \"documents\": [{\"name\": \"Đơn yêu cầu hòa giải\", \"kind\": \"original\", \"quantity\": 2}]}]}"

/* One valid procedure followed by @bad, so a partial import would show. */
#define CATALOG_WITH(bad) \
  "{\"format\": \"motcua-catalog\", \"version\": 1, \"procedures\": [" \
  " {\"code\": \"T.0001\", \"name\": \"Đăng ký khai sinh (đổi tên)\"," \
  "  \"processing_time\": {\"amount\": 5, \"unit\": \"working_days\"}, \"documents\": []}, " bad "]}"

typedef struct {
  const char *what;
  const char *json;
  const char *keyword;   /* the message must mention it */
  gboolean    cli_only;  /* crashes json-glib's getters (a critical): only tried in a child process */
} BadCatalog;

static const BadCatalog bad_catalogs[] = {
  { "not JSON", "{\"format\": \"motcua-catalog\", \"procedures\": [", "JSON" },
  { "empty file", "", "catalog" },
  { "JSON array at the top", "[{\"code\": \"T.0001\"}]", "catalog" },
  { "wrong format", "{\"format\": \"something-else\", \"version\": 1, \"procedures\": []}", "motcua-catalog" },
  { "no procedures", "{\"format\": \"motcua-catalog\", \"version\": 1}", "catalog" },
  { "version 2", "{\"format\": \"motcua-catalog\", \"version\": 2, \"procedures\": []}", "newer" },
  { "procedure without code",
    CATALOG_WITH ("{\"name\": \"Không mã\", \"processing_time\": {\"amount\": 1, \"unit\": \"working_days\"}}"),
    "code" },
  { "procedure with an empty code",
    CATALOG_WITH ("{\"code\": \"\", \"name\": \"Mã rỗng\", \"processing_time\": {\"amount\": 1, \"unit\": \"working_days\"}}"),
    "code" },
  { "duplicate code",
    CATALOG_WITH ("{\"code\": \"T.0001\", \"name\": \"Trùng mã\", \"processing_time\": {\"amount\": 1, \"unit\": \"working_days\"}}"),
    "T.0001" },
  { "bad time unit",
    CATALOG_WITH ("{\"code\": \"T.0009\", \"name\": \"Đơn vị sai\", \"processing_time\": {\"amount\": 1, \"unit\": \"fortnights\"}}"),
    "T.0009" },
  { "no processing time", CATALOG_WITH ("{\"code\": \"T.0009\", \"name\": \"Không thời hạn\"}"), "T.0009" },
  { "bad document kind",
    CATALOG_WITH ("{\"code\": \"T.0009\", \"name\": \"Loại giấy sai\", \"processing_time\": {\"amount\": 1, \"unit\": \"working_days\"},"
                  " \"documents\": [{\"name\": \"Tờ khai\", \"kind\": \"photocopy-ish\"}]}"),
    "T.0009" },
  { "document without a name",
    CATALOG_WITH ("{\"code\": \"T.0009\", \"name\": \"Giấy không tên\", \"processing_time\": {\"amount\": 1, \"unit\": \"working_days\"},"
                  " \"documents\": [{\"kind\": \"original\"}]}"),
    "T.0009" },
  /* A procedure known by its code is named by it, as for a bad time unit. */
  { "negative amount",
    CATALOG_WITH ("{\"code\": \"T.0009\", \"name\": \"Âm\", \"processing_time\": {\"amount\": -3, \"unit\": \"working_days\"}}"),
    "T.0009" },
  /* Read as 0 days, a typo would make a three-day procedure due at once. */
  { "amount as text",
    CATALOG_WITH ("{\"code\": \"T.0009\", \"name\": \"Chữ\", \"processing_time\": {\"amount\": \"3\", \"unit\": \"working_days\"}}"),
    "T.0009" },
  { "amount as an object",
    CATALOG_WITH ("{\"code\": \"T.0009\", \"name\": \"Đối tượng\", \"processing_time\": {\"amount\": {\"n\": 3}, \"unit\": \"working_days\"}}"),
    "T.0009", TRUE },
};

static void
test_parse_errors (gconstpointer data)
{
  const BadCatalog *bad = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) procedures = NULL;

  if (bad->cli_only)
    {
      g_test_skip ("json-glib emits a critical on this input (fatal here); "
                   "/catalog/cli/import-bad-changes-nothing tries it in the motcua program");
      return;
    }
  procedures = motcua_catalog_parse (bad->json, strlen (bad->json), &error);
  g_assert_null (procedures);
  g_assert_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT);
  if (error == NULL)
    return;
  g_test_message ("%s: %s", bad->what, error->message);
  g_assert_cmpuint (strlen (error->message), >, 20);
  if (strstr (error->message, bad->keyword) == NULL)
    g_test_fail_printf ("%s: the message does not mention “%s”: %s", bad->what, bad->keyword, error->message);
}

static void
test_parse_good (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) procedures = motcua_catalog_parse (GOOD_CATALOG, strlen (GOOD_CATALOG), &error);
  MotcuaProcedure *birth, *land;

  g_assert_no_error (error);
  g_assert_nonnull (procedures);
  if (procedures == NULL)
    return;
  g_assert_cmpuint (procedures->len, ==, 3);
  birth = find_procedure (procedures, "T.0001");
  land = find_procedure (procedures, "T.0003");
  g_assert_nonnull (birth);
  g_assert_nonnull (land);
  if (birth == NULL || land == NULL)
    return;
  g_assert_cmpstr (birth->name, ==, "Đăng ký khai sinh");
  g_assert_cmpint (birth->time_unit, ==, MOTCUA_TIME_UNIT_SAME_DAY);
  g_assert_cmpint (birth->fee_amount, ==, 0);
  g_assert_cmpuint (birth->documents->len, ==, 2);
  /* Quantity and required default to 1 and true. */
  g_assert_cmpint (((MotcuaProcedureDocument *) g_ptr_array_index (birth->documents, 1))->quantity, ==, 1);
  g_assert_true (((MotcuaProcedureDocument *) g_ptr_array_index (birth->documents, 1))->required);
  g_assert_cmpint (land->time_unit, ==, MOTCUA_TIME_UNIT_CALENDAR_DAYS);
  g_assert_cmpint (land->time_amount, ==, 30);
  g_assert_cmpint (land->fee_amount, ==, -1);
}

/* A database holding GOOD_CATALOG, and its export; NULL when setting it up failed. */
static char *
database_with_good_catalog (Fixture    *f,
                            const char *db,
                            const char *export_path)
{
  g_autofree char *good = in_dir (f, "good.json");
  g_autoptr(MotcuaTestCliResult) init = NULL;
  g_autoptr(MotcuaTestCliResult) import = NULL;
  g_autoptr(MotcuaTestCliResult) export = NULL;

  motcua_test_write_file (good, GOOD_CATALOG, -1);
  init = motcua_test_run_cli (db, "init", NULL);
  import = motcua_test_run_cli (db, "catalog", "import", good, NULL);
  export = motcua_test_run_cli (db, "catalog", "export", export_path, NULL);
  if (!motcua_test_expect_status (init, 0, "init")
      || !motcua_test_expect_status (import, 0, "catalog import")
      || !motcua_test_expect_status (export, 0, "catalog export"))
    return NULL;
  return read_text (export_path);
}

/* A bad file imported through the CLI changes nothing, even when its first procedures
 * are valid. Each bad file gets a database of its own, so one wrongly accepted file
 * does not make the next ones look guilty. */
static void
test_cli_import_bad_changes_nothing (Fixture       *f,
                                     gconstpointer  data)
{
  g_autofree char *bad = in_dir (f, "bad.json");
  g_autofree char *before_path = in_dir (f, "before.json");
  g_autofree char *after_path = in_dir (f, "after.json");
  g_autoptr(GString) failures = g_string_new (NULL);

  if (!have_cli ())
    return;
  for (guint i = 0; i < G_N_ELEMENTS (bad_catalogs); i++)
    {
      g_autofree char *name = g_strdup_printf ("case-%u.db", i + 1);
      g_autofree char *db = in_dir (f, name);
      g_autofree char *before_text = database_with_good_catalog (f, db, before_path);
      g_autoptr(MotcuaTestCliResult) refused = NULL;
      g_autoptr(MotcuaTestCliResult) after = NULL;
      g_autofree char *after_text = NULL;

      if (before_text == NULL)
        return;
      motcua_test_write_file (bad, bad_catalogs[i].json, -1);
      refused = motcua_test_run_cli (db, "catalog", "import", bad, NULL);
      if (refused->status != 1)
        {
          g_test_message ("importing a catalog with %s: exit %d, stderr: %s", bad_catalogs[i].what,
                          refused->status, refused->err);
          g_string_append_printf (failures, " [%s: exit %d]", bad_catalogs[i].what, refused->status);
        }
      else if (strstr (refused->err, bad_catalogs[i].keyword) == NULL)
        g_string_append_printf (failures, " [%s: message without “%s”]", bad_catalogs[i].what,
                                bad_catalogs[i].keyword);

      after = motcua_test_run_cli (db, "catalog", "export", after_path, NULL);
      if (!motcua_test_expect_status (after, 0, "catalog export"))
        return;
      after_text = read_text (after_path);
      if (g_strcmp0 (after_text, before_text) != 0)
        g_string_append_printf (failures, " [%s: the catalog changed]", bad_catalogs[i].what);
    }
  if (failures->len > 0)
    g_test_fail_printf ("bad catalogs through “motcua catalog import”:%s", failures->str);
}

static void
test_cli_import_missing_file (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *db = in_dir (f, "motcua.db");
  g_autofree char *missing = in_dir (f, "no-such-file.json");
  g_autoptr(MotcuaTestCliResult) init = NULL;
  g_autoptr(MotcuaTestCliResult) refused = NULL;

  if (!have_cli ())
    return;
  init = motcua_test_run_cli (db, "init", NULL);
  if (!motcua_test_expect_status (init, 0, "init"))
    return;
  refused = motcua_test_run_cli (db, "catalog", "import", missing, NULL);
  g_assert_cmpint (refused->status, ==, 1);
  g_assert_nonnull (strstr (refused->err, "no-such-file.json"));
}

/* ---- round trip ------------------------------------------------------------------------- */

/* export → parse gives the demo catalog back; importing that export into a fresh
 * database and exporting again gives the same bytes. */
static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *demo_db = in_dir (f, "demo.db");
  g_autofree char *fresh_db = in_dir (f, "fresh.db");
  g_autofree char *first = in_dir (f, "first.json");
  g_autofree char *second = in_dir (f, "second.json");
  g_autofree char *first_text = NULL;
  g_autofree char *second_text = NULL;
  g_autoptr(GPtrArray) demo = motcua_catalog_load_demo (NULL);
  g_autoptr(GPtrArray) exported = NULL;
  g_autoptr(GError) error = NULL;

  if (!have_cli ())
    return;
  {
    g_autoptr(MotcuaTestCliResult) init = motcua_test_run_cli (demo_db, "init", "--demo", NULL);
    g_autoptr(MotcuaTestCliResult) export = motcua_test_run_cli (demo_db, "catalog", "export", first, NULL);

    if (!motcua_test_expect_status (init, 0, "init --demo")
        || !motcua_test_expect_status (export, 0, "catalog export"))
      return;
  }
  first_text = read_text (first);
  g_assert_nonnull (first_text);
  if (first_text == NULL)
    return;
  exported = motcua_catalog_parse (first_text, strlen (first_text), &error);
  g_assert_no_error (error);
  if (exported == NULL || demo == NULL)
    return;
  same_procedures (demo, exported, "demo catalog against its export");

  {
    g_autoptr(MotcuaTestCliResult) init = motcua_test_run_cli (fresh_db, "init", NULL);
    g_autoptr(MotcuaTestCliResult) import = motcua_test_run_cli (fresh_db, "catalog", "import", first, NULL);
    g_autoptr(MotcuaTestCliResult) export = motcua_test_run_cli (fresh_db, "catalog", "export", second, NULL);

    if (!motcua_test_expect_status (init, 0, "init")
        || !motcua_test_expect_status (import, 0, "catalog import")
        || !motcua_test_expect_status (export, 0, "catalog export"))
      return;
  }
  second_text = read_text (second);
  g_assert_cmpstr (second_text, ==, first_text);
}

/* motcua_catalog_to_json → motcua_catalog_parse, without the CLI or a database. */
static void
test_to_json_round_trip (void)
{
  g_autoptr(GPtrArray) demo = motcua_catalog_load_demo (NULL);
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_assert_nonnull (demo);
  if (demo == NULL)
    return;
  text = motcua_catalog_to_json (demo);
  again = motcua_catalog_parse (text, strlen (text), &error);
  g_assert_no_error (error);
  if (again != NULL)
    same_procedures (demo, again, "to_json then parse");
}

/* ---- the store ----------------------------------------------------------------------- */

static MotcuaStore *
open_store (Fixture *f)
{
  g_autofree char *db = in_dir (f, "store.db");
  g_autoptr(GError) error = NULL;
  MotcuaStore *store = motcua_store_open (db, &error);

  if (store == NULL)
    g_error ("Cannot open %s: %s", db, error->message);
  return store;
}

static void
test_store_import_replaces (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(MotcuaStore) store = open_store (f);
  g_autoptr(GPtrArray) demo = motcua_catalog_load_demo (NULL);
  g_autoptr(GPtrArray) update = g_ptr_array_new_with_free_func ((GDestroyNotify) motcua_procedure_free);
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(MotcuaProcedure) birth = NULL;
  g_autoptr(MotcuaProcedure) marriage = NULL;
  g_autoptr(GError) error = NULL;
  MotcuaProcedure *changed = motcua_procedure_new ();

  g_assert_nonnull (demo);
  if (demo == NULL)
    return;
  g_assert_true (motcua_store_import_catalog (store, demo, &error));
  g_assert_no_error (error);

  /* The ministry renames birth registration and gives it two working days and one document. */
  changed->code = g_strdup ("1.001193");
  changed->name = g_strdup ("Đăng ký khai sinh (quy trình mới)");
  changed->field = g_strdup ("Hộ tịch");
  changed->time_amount = 2;
  changed->time_unit = MOTCUA_TIME_UNIT_WORKING_DAYS;
  motcua_procedure_add_document (changed, "Tờ khai đăng ký khai sinh điện tử", "original", 1, TRUE);
  g_ptr_array_add (update, changed);
  g_assert_true (motcua_store_import_catalog (store, update, &error));
  g_assert_no_error (error);

  birth = motcua_store_get_procedure (store, "1.001193", &error);
  g_assert_no_error (error);
  g_assert_nonnull (birth);
  if (birth != NULL)
    {
      g_autoptr(JsonNode) stored = motcua_procedure_to_json (birth);
      g_autoptr(JsonNode) expected = motcua_procedure_to_json (changed);

      g_assert_cmpstr (birth->name, ==, "Đăng ký khai sinh (quy trình mới)");
      g_assert_cmpint (birth->time_amount, ==, 2);
      g_assert_cmpint (birth->time_unit, ==, MOTCUA_TIME_UNIT_WORKING_DAYS);
      /* The documents are replaced, not added to. */
      g_assert_cmpuint (birth->documents->len, ==, 1);
      g_assert_true (json_node_equal (stored, expected));
    }

  /* The others are kept as they were. */
  listed = motcua_store_list_procedures (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (listed);
  if (listed != NULL)
    g_assert_cmpuint (listed->len, ==, demo->len);
  marriage = motcua_store_get_procedure (store, "1.000894", &error);
  g_assert_no_error (error);
  if (marriage != NULL)
    {
      g_autoptr(JsonNode) stored = motcua_procedure_to_json (marriage);
      g_autoptr(JsonNode) original = motcua_procedure_to_json (find_procedure (demo, "1.000894"));

      g_assert_true (json_node_equal (stored, original));
    }
}

static gboolean
has_code (GPtrArray  *procedures,
          const char *code)
{
  return find_procedure (procedures, code) != NULL;
}

static void
test_store_search (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(MotcuaStore) store = open_store (f);
  g_autoptr(GPtrArray) demo = motcua_catalog_load_demo (NULL);
  g_autoptr(GError) error = NULL;
  const char *queries[] = { "khai sinh", "dang ky khai sinh", "ĐĂNG KÝ KHAI SINH", "Đăng ký khai sinh", "1.001193" };

  g_assert_nonnull (demo);
  if (demo == NULL || !motcua_store_import_catalog (store, demo, &error))
    {
      g_test_fail_printf ("import failed: %s", error ? error->message : "no catalog");
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autoptr(GPtrArray) found = motcua_store_list_procedures (store, queries[i], &error);

      g_assert_no_error (error);
      if (found == NULL)
        return;
      if (!has_code (found, "1.001193"))
        g_test_fail_printf ("searching “%s” did not find Đăng ký khai sinh", queries[i]);
      /* Marriage registration has nothing to do with it. */
      if (has_code (found, "1.000894"))
        g_test_fail_printf ("searching “%s” found Đăng ký kết hôn", queries[i]);
    }

  {
    g_autoptr(GPtrArray) death = motcua_store_list_procedures (store, "khai tu", &error);

    g_assert_no_error (error);
    g_assert_true (has_code (death, "1.000656"));
    g_assert_false (has_code (death, "1.001193"));
  }
}

static void
receive_at (MotcuaStore *store, const char *procedure, GDateTime *at)
{
  g_autoptr(GError) error = NULL;
  MotcuaReceiveRequest request = {
    .procedure_code = procedure, .applicant_name = "Vi Thị Hằng", .actor = "clerk", .now = at,
  };
  g_autoptr(MotcuaDossier) dossier = motcua_store_receive (store, &request, &error);

  g_assert_no_error (error);
  g_assert_nonnull (dossier);
}

static guint
position_of (GPtrArray *procedures, const char *code)
{
  for (guint i = 0; i < procedures->len; i++)
    if (g_str_equal (((MotcuaProcedure *) g_ptr_array_index (procedures, i))->code, code))
      return i;
  g_error ("%s is not in the list", code);
}

/* The counter's usual procedures head the catalog: the most received since a date
 * first, then the rest as the catalog orders it; older work does not count. */
static void
test_store_by_use (Fixture       *f,
                   gconstpointer  data)
{
  MotcuaAgency agency = { .code = (char *) "000.17.22.H56", .name = (char *) "Ủy ban nhân dân xã Quảng Phú" };
  g_autofree char *path = in_dir (f, "office.db");
  g_autoptr(MotcuaStore) store = motcua_test_open_office (path, &agency);
  g_autoptr(GDateTime) today = motcua_test_vn_time (2026, 11, 23, 9, 0, 0);
  g_autoptr(GDateTime) last_week = motcua_test_vn_time (2026, 11, 16, 9, 0, 0);
  g_autoptr(GDateTime) spring = motcua_test_vn_time (2026, 4, 6, 9, 0, 0);
  g_autoptr(GDateTime) since = motcua_test_vn_time (2026, 8, 25, 0, 0, 0);
  g_autoptr(GPtrArray) alphabetical = NULL;
  g_autoptr(GPtrArray) by_use = NULL;
  g_autoptr(GError) error = NULL;

  receive_at (store, "1.004873", today);       /* marital status: twice */
  receive_at (store, "1.004873", last_week);
  receive_at (store, "1.001193", today);       /* birth: once */
  for (int i = 0; i < 3; i++)                  /* death: three times, but in the spring */
    receive_at (store, "1.000656", spring);

  alphabetical = motcua_store_list_procedures (store, NULL, &error);
  by_use = motcua_store_list_procedures_by_use (store, since, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (by_use->len, ==, alphabetical->len);
  g_assert_cmpstr (((MotcuaProcedure *) g_ptr_array_index (by_use, 0))->code, ==, "1.004873");
  g_assert_cmpstr (((MotcuaProcedure *) g_ptr_array_index (by_use, 1))->code, ==, "1.001193");
  /* The rest keep the catalog's order, spring's work among them. */
  g_assert_cmpuint (position_of (by_use, "1.000656"), >, 1);
  for (guint i = 2, j = 0; i < by_use->len; i++, j++)
    {
      const char *code = ((MotcuaProcedure *) g_ptr_array_index (by_use, i))->code;

      while (g_str_equal (((MotcuaProcedure *) g_ptr_array_index (alphabetical, j))->code, "1.004873")
             || g_str_equal (((MotcuaProcedure *) g_ptr_array_index (alphabetical, j))->code, "1.001193"))
        j++;
      g_assert_cmpstr (code, ==, ((MotcuaProcedure *) g_ptr_array_index (alphabetical, j))->code);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_set_nonfatal_assertions ();

  g_test_add_func ("/catalog/demo", test_demo_catalog);
  g_test_add_func ("/catalog/parse/good", test_parse_good);
  for (guint i = 0; i < G_N_ELEMENTS (bad_catalogs); i++)
    {
      g_autofree char *name = g_strdelimit (g_strdup (bad_catalogs[i].what), " ", '-');
      g_autofree char *path = g_strdup_printf ("/catalog/parse/error/%s", name);

      g_test_add_data_func (path, &bad_catalogs[i], test_parse_errors);
    }
  g_test_add_func ("/catalog/to-json-round-trip", test_to_json_round_trip);
  g_test_add ("/catalog/cli/import-bad-changes-nothing", Fixture, NULL, fixture_setup,
              test_cli_import_bad_changes_nothing, fixture_teardown);
  g_test_add ("/catalog/cli/import-missing-file", Fixture, NULL, fixture_setup, test_cli_import_missing_file,
              fixture_teardown);
  g_test_add ("/catalog/cli/round-trip", Fixture, NULL, fixture_setup, test_round_trip, fixture_teardown);
  g_test_add ("/catalog/store/import-replaces", Fixture, NULL, fixture_setup, test_store_import_replaces,
              fixture_teardown);
  g_test_add ("/catalog/store/search", Fixture, NULL, fixture_setup, test_store_search, fixture_teardown);
  g_test_add ("/catalog/store/by-use", Fixture, NULL, fixture_setup, test_store_by_use, fixture_teardown);

  return g_test_run ();
}
