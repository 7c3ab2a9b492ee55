/* test-search.c: folding and the search index, on a real SQLite file. */
#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "motcua-error.h"
#include "motcua-fold.h"
#include "motcua-search-index.h"
#include "motcua-test-util.h"

/* ---- Folding ---- */

static void
assert_folds_to (const char *text,
                 const char *expected)
{
  g_autofree char *folded = motcua_fold_text (text);

  g_assert_cmpstr (folded, ==, expected);
}

static void
test_fold_examples (void)
{
  assert_folds_to ("Nguyễn Thị Đào", "nguyen thi dao");
  assert_folds_to ("ĐẶNG", "dang");
  assert_folds_to ("Ưng Hoàng Phúc", "ung hoang phuc");
  assert_folds_to ("Y Bhăm Êban", "y bham eban");
  assert_folds_to ("H'Nhi Niê", "h'nhi nie");
  assert_folds_to ("Thạch Thị Sa Rươne", "thach thi sa ruone");
  assert_folds_to ("Chứng thực bản sao từ bản chính giấy tờ, văn bản",
                   "chung thuc ban sao tu ban chinh giay to, van ban");
  assert_folds_to ("000.17.22.H56-210531-0001", "000.17.22.h56-210531-0001");
  assert_folds_to ("", "");
  assert_folds_to (NULL, "");
}

static void
test_fold_every_vowel_and_tone (void)
{
  /* Each row: the bare vowel, then huyền, sắc, hỏi, ngã, nặng. */
  static const struct {
    const char *forms;
    char        base;
  } vowels[] = {
    { "aàáảãạ", 'a' }, { "ăằắẳẵặ", 'a' }, { "âầấẩẫậ", 'a' },
    { "eèéẻẽẹ", 'e' }, { "êềếểễệ", 'e' },
    { "iìíỉĩị", 'i' },
    { "oòóỏõọ", 'o' }, { "ôồốổỗộ", 'o' }, { "ơờớởỡợ", 'o' },
    { "uùúủũụ", 'u' }, { "ưừứửữự", 'u' },
    { "yỳýỷỹỵ", 'y' },
  };

  for (guint i = 0; i < G_N_ELEMENTS (vowels); i++)
    {
      g_autofree char *upper = g_utf8_strup (vowels[i].forms, -1);
      g_autofree char *decomposed = g_utf8_normalize (vowels[i].forms, -1, G_NORMALIZE_NFD);
      g_autofree char *upper_decomposed = g_utf8_normalize (upper, -1, G_NORMALIZE_NFD);
      const char *variants[] = { vowels[i].forms, upper, decomposed, upper_decomposed };
      char expected[7];

      g_assert_cmpint (g_utf8_strlen (vowels[i].forms, -1), ==, 6);
      memset (expected, vowels[i].base, 6);
      expected[6] = '\0';

      for (guint v = 0; v < G_N_ELEMENTS (variants); v++)
        assert_folds_to (variants[v], expected);
    }

  assert_folds_to ("đĐ", "dd");
  /* Look-alikes of Đ typed on foreign keyboard layouts. */
  assert_folds_to ("Ðào", "dao");
}

static void
test_fold_keeps_other_text (void)
{
  g_autofree char *invalid = NULL;

  assert_folds_to ("ABC xyz 0123456789 -./", "abc xyz 0123456789 -./");
  assert_folds_to ("Straße", "straße");
  assert_folds_to ("Ça va, Müller", "ca va, muller");
  assert_folds_to ("東京", "東京");

  /* Broken UTF-8 from an import must not crash nor leak invalid bytes. */
  invalid = motcua_fold_text ("Nguy\xff\xfen");
  g_assert_true (g_utf8_validate (invalid, -1, NULL));
  g_assert_true (g_str_has_prefix (invalid, "nguy"));
}

/* ---- The index ---- */

typedef struct {
  char              *dir;
  char              *path;
  sqlite3           *db;
  MotcuaSearchIndex *index;
} Fixture;

typedef struct {
  gint64      id;
  const char *code;
  const char *name;
  const char *id_number;
  const char *phone;
  const char *procedure;
} Dossier;

/* Ids grow with time, as in the store: higher is newer. */
static const Dossier dossiers[] = {
  { 1, "000.17.22.H56-210531-0001", "Nguyễn Thị Đào", "001190012345", "0912345678",
    "Đăng ký khai sinh" },
  { 2, "000.17.22.H56-210531-0002", "An Thị Mai", "001090000111", "0987654321",
    "Chứng thực bản sao từ bản chính giấy tờ, văn bản" },
  { 3, "000.17.22.H56-210601-0001", "Trần Thị Bình", "079185000222", "0355000111",
    "Đăng ký kết hôn" },
  { 4, "000.17.22.H56-210601-0002", "Ưng Hoàng Phúc", "031200000333", "0912000444",
    "Đăng ký thường trú" },
  { 5, "000.17.22.H56-210602-0001", "Y Bhăm Êban", "066080000555", "0868000666",
    "Đăng ký khai sinh" },
  { 6, "000.17.22.H56-210602-0002", "Đặng Văn An", "038090000777", "0868000777",
    "Đăng ký khai tử" },
  { 7, "000.17.22.H56-210603-0001", "Nguyễn Văn Anh", "001085000888", "0977000888",
    "Đăng ký thường trú" },
  { 8, "000.17.22.H56-210603-0002", "Nguyễn Văn An", "001085000999", "0977000999",
    "Chứng thực chữ ký" },
  /* An older CMND-style number that merely starts with dossier 1's ID. */
  { 9, "000.17.22.H56-210604-0001", "Lê Văn Cường", "0011900123459", "0388000123",
    "Đăng ký tạm trú" },
};

static void
put_dossier (Fixture       *fixture,
             const Dossier *dossier)
{
  g_autoptr(GError) error = NULL;
  MotcuaSearchFields fields = {
    .code = dossier->code,
    .applicant_name = dossier->name,
    .id_number = dossier->id_number,
    .phone = dossier->phone,
    .procedure_name = dossier->procedure,
  };

  g_assert_true (motcua_search_index_put (fixture->index, dossier->id, &fields, &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  fixture->dir = motcua_test_make_temp_dir ("motcua-test-search-XXXXXX");
  fixture->path = g_build_filename (fixture->dir, "test.db", NULL);

  g_assert_cmpint (sqlite3_open (fixture->path, &fixture->db), ==, SQLITE_OK);
  g_assert_true (motcua_test_exec_sql (fixture->db, "PRAGMA journal_mode = WAL"));
  /* The store runs the schema inside its migration transaction. */
  g_assert_true (motcua_test_exec_sql (fixture->db, "BEGIN"));
  g_assert_true (motcua_test_exec_sql (fixture->db, motcua_search_index_schema ()));
  g_assert_true (motcua_test_exec_sql (fixture->db, "COMMIT"));

  fixture->index = motcua_search_index_new (fixture->db);

  if (user_data != NULL)
    {
      g_assert_true (motcua_test_exec_sql (fixture->db, "BEGIN"));
      for (guint i = 0; i < G_N_ELEMENTS (dossiers); i++)
        put_dossier (fixture, &dossiers[i]);
      g_assert_true (motcua_test_exec_sql (fixture->db, "COMMIT"));
    }
}

static void
remove_database_files (const char *path)
{
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      g_unlink (file);
    }
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_object (&fixture->index);
  g_assert_cmpint (sqlite3_close (fixture->db), ==, SQLITE_OK);
  remove_database_files (fixture->path);
  g_assert_cmpint (g_rmdir (fixture->dir), ==, 0);
  g_free (fixture->path);
  g_free (fixture->dir);
}

static GArray *
search (Fixture    *fixture,
        const char *text,
        guint       limit)
{
  g_autoptr(GError) error = NULL;
  GArray *ids = motcua_search_index_query (fixture->index, text, limit, &error);

  g_assert_no_error (error);
  g_assert_nonnull (ids);
  return ids;
}

static gboolean
contains (GArray *ids,
          gint64  id)
{
  for (guint i = 0; i < ids->len; i++)
    {
      if (g_array_index (ids, gint64, i) == id)
        return TRUE;
    }
  return FALSE;
}

static int
position_of (GArray *ids,
             gint64  id)
{
  for (guint i = 0; i < ids->len; i++)
    {
      if (g_array_index (ids, gint64, i) == id)
        return i;
    }
  return -1;
}

/* @text finds exactly the dossiers in the 0-terminated list, in any order. */
static void
assert_finds (Fixture    *fixture,
              const char *text,
              ...)
{
  g_autoptr(GArray) ids = search (fixture, text, 50);
  guint n_expected = 0;
  va_list args;
  gint64 id;

  va_start (args, text);
  while ((id = va_arg (args, gint64)) != 0)
    {
      if (!contains (ids, id))
        g_error ("“%s” should find dossier %" G_GINT64_FORMAT, text, id);
      n_expected++;
    }
  va_end (args);

  if (ids->len != n_expected)
    g_error ("“%s” found %u dossiers, expected %u", text, ids->len, n_expected);
}

#define FINDS(fixture, text, ...) assert_finds (fixture, text, __VA_ARGS__, (gint64) 0)
#define FINDS_NOTHING(fixture, text) assert_finds (fixture, text, (gint64) 0)

static void
test_search_names (Fixture       *fixture,
                   gconstpointer  user_data)
{
  FINDS (fixture, "Nguyễn Thị Đào", (gint64) 1);
  FINDS (fixture, "nguyen thi dao", (gint64) 1);
  FINDS (fixture, "NGUYEN THI DAO", (gint64) 1);
  FINDS (fixture, "NGUYỄN thị ĐÀO", (gint64) 1);
  FINDS (fixture, "dao", (gint64) 1);
  FINDS (fixture, "đào", (gint64) 1);
  /* Prefixes reach every field: "Đăng ký thường trú" holds "dang" for dossier 7. */
  FINDS (fixture, "dang van an", (gint64) 6, (gint64) 7);
  FINDS (fixture, "Ưng", (gint64) 4);
  FINDS (fixture, "ung hoang phuc", (gint64) 4);
  FINDS (fixture, "bham eban", (gint64) 5);
  FINDS (fixture, "Êban", (gint64) 5);
  FINDS_NOTHING (fixture, "nguyen thi binh");
  FINDS_NOTHING (fixture, "zzz");
}

static void
test_search_prefixes (Fixture       *fixture,
                      gconstpointer  user_data)
{
  FINDS (fixture, "ngu", (gint64) 1, (gint64) 7, (gint64) 8);
  FINDS (fixture, "nguy thi", (gint64) 1);
  FINDS (fixture, "ng th da", (gint64) 1, (gint64) 7);
  FINDS (fixture, "tr th bi", (gint64) 3);
  /* Word order does not matter, every word must match. */
  FINDS (fixture, "dao nguyen", (gint64) 1);
  FINDS (fixture, "van a", (gint64) 2, (gint64) 6, (gint64) 7, (gint64) 8);
  FINDS (fixture, "cuong", (gint64) 9);
}

static void
test_search_codes_ids_phones (Fixture       *fixture,
                              gconstpointer  user_data)
{
  g_autoptr(GArray) full = NULL;

  /* A typed code matches word by word, as prefixes: "0001" also starts "00010". */
  full = search (fixture, "000.17.22.H56-210531-0001", 50);
  g_assert_cmpuint (full->len, ==, 1);
  g_assert_cmpint (g_array_index (full, gint64, 0), ==, 1);
  FINDS (fixture, "210531-0001", (gint64) 1);
  FINDS (fixture, "210531", (gint64) 1, (gint64) 2);
  FINDS (fixture, "H56-210601", (gint64) 3, (gint64) 4);
  FINDS (fixture, "h56 210602 0002", (gint64) 6);
  /* Copied without its separators. */
  FINDS (fixture, "2105310001", (gint64) 1);
  FINDS (fixture, "0001722H562105310001", (gint64) 1);

  FINDS (fixture, "079185000222", (gint64) 3);
  FINDS (fixture, "0791", (gint64) 3);
  FINDS (fixture, "0912", (gint64) 1, (gint64) 4);
  FINDS (fixture, "0912345678", (gint64) 1);
  FINDS (fixture, "0912 345 678", (gint64) 1);
  FINDS (fixture, "0868000", (gint64) 5, (gint64) 6);
}

static void
test_search_procedures (Fixture       *fixture,
                        gconstpointer  user_data)
{
  FINDS (fixture, "khai sinh", (gint64) 1, (gint64) 5);
  FINDS (fixture, "Đăng ký khai sinh", (gint64) 1, (gint64) 5);
  FINDS (fixture, "chung thuc", (gint64) 2, (gint64) 8);
  FINDS (fixture, "chứng thực bản sao", (gint64) 2);
  FINDS (fixture, "ket hon", (gint64) 3);
  FINDS (fixture, "thuong tru", (gint64) 4, (gint64) 7);
  FINDS (fixture, "khai sinh dao", (gint64) 1);
}

static void
test_search_ranking (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GArray) by_id = search (fixture, "001190012345", 50);
  g_autoptr(GArray) by_id_prefix = search (fixture, "0011900123", 50);
  g_autoptr(GArray) by_name = search (fixture, "an", 50);
  g_autoptr(GArray) by_full_name = search (fixture, "nguyen van an", 50);
  g_autoptr(GArray) by_phone = search (fixture, "0912345678", 50);
  g_autoptr(GArray) by_letter = search (fixture, "d", 50);

  /* A whole ID names its dossier: the newer number that merely starts with it is
   * left out, though a shorter prefix finds both, newest first. */
  g_assert_cmpuint (by_id->len, ==, 1);
  g_assert_cmpint (g_array_index (by_id, gint64, 0), ==, 1);
  g_assert_cmpuint (by_id_prefix->len, ==, 2);
  g_assert_cmpint (g_array_index (by_id_prefix, gint64, 0), ==, 9);
  g_assert_cmpint (g_array_index (by_id_prefix, gint64, 1), ==, 1);

  g_assert_cmpint (g_array_index (by_phone, gint64, 0), ==, 1);

  /* "An Thị Mai" starts with the query; "Đặng Văn An" and "Nguyễn Văn An" only hold
   * it as a later word, although they are newer. Then exact words before "Anh". */
  g_assert_cmpint (g_array_index (by_name, gint64, 0), ==, 2);
  g_assert_cmpint (position_of (by_name, 8), <, position_of (by_name, 7));
  g_assert_cmpint (position_of (by_name, 6), <, position_of (by_name, 7));

  /* The whole name before a longer one it begins. */
  g_assert_cmpuint (by_full_name->len, ==, 2);
  g_assert_cmpint (g_array_index (by_full_name, gint64, 0), ==, 8);
  g_assert_cmpint (g_array_index (by_full_name, gint64, 1), ==, 7);

  /* A name starting with the letter first, then a later word of a name starting
   * with it, then the procedures ("Đăng ký…"). */
  g_assert_cmpint (g_array_index (by_letter, gint64, 0), ==, 6);
  g_assert_cmpint (g_array_index (by_letter, gint64, 1), ==, 1);
}

static void
test_search_limit (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GArray) one = search (fixture, "h56", 1);
  g_autoptr(GArray) three = search (fixture, "h56", 3);
  g_autoptr(GArray) none = search (fixture, "h56", 0);
  g_autoptr(GArray) all = search (fixture, "h56", 100);

  g_assert_cmpuint (one->len, ==, 1);
  g_assert_cmpuint (three->len, ==, 3);
  g_assert_cmpuint (none->len, ==, 0);
  g_assert_cmpuint (all->len, ==, G_N_ELEMENTS (dossiers));
  /* Equal scores: newest first. */
  g_assert_cmpint (g_array_index (three, gint64, 0), ==, 9);
  g_assert_cmpint (g_array_index (three, gint64, 1), ==, 8);
  g_assert_cmpint (g_array_index (three, gint64, 2), ==, 7);
}

static void
test_remove_and_replace (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  Dossier renamed = dossiers[0];
  g_autoptr(GArray) after = NULL;

  g_assert_true (motcua_search_index_remove (fixture->index, 3, &error));
  g_assert_no_error (error);
  FINDS_NOTHING (fixture, "tran thi binh");
  FINDS_NOTHING (fixture, "079185000222");
  FINDS_NOTHING (fixture, "ket hon");

  /* Removing what is not there is no error. */
  g_assert_true (motcua_search_index_remove (fixture->index, 3, &error));
  g_assert_true (motcua_search_index_remove (fixture->index, 12345, &error));
  g_assert_no_error (error);

  /* A put replaces: the old words are forgotten, the row is not duplicated. */
  renamed.name = "Phạm Minh Châu";
  renamed.phone = "0333111222";
  put_dossier (fixture, &renamed);
  FINDS_NOTHING (fixture, "dao");
  FINDS_NOTHING (fixture, "0912345678");
  FINDS (fixture, "pham minh chau", (gint64) 1);
  FINDS (fixture, "0333", (gint64) 1);
  FINDS (fixture, "210531-0001", (gint64) 1);

  /* The same fields again change nothing. */
  put_dossier (fixture, &renamed);
  FINDS (fixture, "chau", (gint64) 1);

  /* Back in, after removal. */
  put_dossier (fixture, &dossiers[2]);
  FINDS (fixture, "tran thi binh", (gint64) 3);

  after = search (fixture, "h56", 100);
  g_assert_cmpuint (after->len, ==, G_N_ELEMENTS (dossiers));

  g_assert_cmpint (sqlite3_exec (fixture->db,
                                 "INSERT INTO dossier_search (dossier_search) VALUES ('integrity-check')",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
}

static void
test_put_follows_caller_transaction (Fixture       *fixture,
                                     gconstpointer  user_data)
{
  /* Outside a transaction, a put is atomic on its own. */
  put_dossier (fixture, &dossiers[0]);
  FINDS (fixture, "dao", (gint64) 1);

  /* Inside one, it commits and rolls back with the caller's work. */
  g_assert_true (motcua_test_exec_sql (fixture->db, "BEGIN"));
  put_dossier (fixture, &dossiers[1]);
  FINDS (fixture, "mai", (gint64) 2);
  g_assert_true (motcua_test_exec_sql (fixture->db, "ROLLBACK"));
  FINDS_NOTHING (fixture, "mai");

  g_assert_true (motcua_test_exec_sql (fixture->db, "BEGIN"));
  put_dossier (fixture, &dossiers[1]);
  g_assert_true (motcua_search_index_remove (fixture->index, 1, NULL));
  g_assert_true (motcua_test_exec_sql (fixture->db, "COMMIT"));
  FINDS (fixture, "mai", (gint64) 2);
  FINDS_NOTHING (fixture, "dao");

  g_assert_cmpint (sqlite3_exec (fixture->db,
                                 "INSERT INTO dossier_search (dossier_search) VALUES ('integrity-check')",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
}

static void
test_search_survives_reopen (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_clear_object (&fixture->index);
  g_assert_cmpint (sqlite3_close (fixture->db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_open (fixture->path, &fixture->db), ==, SQLITE_OK);
  fixture->index = motcua_search_index_new (fixture->db);

  FINDS (fixture, "nguyen thi dao", (gint64) 1);
}

static void
test_search_blank_queries (Fixture       *fixture,
                           gconstpointer  user_data)
{
  const char *blank[] = { "", " ", "   \t\n ", ".", "-", "...---...", ",;:!?", "\"\"", "()",
                          "“”", "–—", "*" };

  for (guint i = 0; i < G_N_ELEMENTS (blank); i++)
    FINDS_NOTHING (fixture, blank[i]);
  FINDS_NOTHING (fixture, NULL);
}

static void
test_search_special_characters (Fixture       *fixture,
                                gconstpointer  user_data)
{
  const char *hostile[] = {
    "\"", "'", "*", "\"nguyen", "nguyen\"", "nguyen*", "*nguyen", "AND", "OR", "NOT",
    "nguyen AND", "AND nguyen", "nguyen OR tran", "NOT tran", "NEAR(", "NEAR(nguyen tran)",
    "NEAR(nguyen tran, 2)", "(", ")", "(nguyen", "nguyen)", "-", "-nguyen", "nguyen -tran",
    "name:nguyen", "{name code}: nguyen", "^nguyen", "nguyen^", "+", "a+b", "'; DROP TABLE dossier_search_text; --",
    "' OR 1=1 --", "%", "_", "\\", "\\\"", "\x01\x02", "nguy\xff\xfe",
    "000.17.22.H56-210531-0001\"*)", "0912*345", "đ*ào", "h'nhi",
  };

  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      g_autoptr(GArray) ids = search (fixture, hostile[i], 50);

      g_assert_cmpuint (ids->len, <=, G_N_ELEMENTS (dossiers));
    }

  /* The operators are plain words to a clerk, and punctuation only separates. */
  FINDS (fixture, "nguyen*", (gint64) 1, (gint64) 7, (gint64) 8);
  FINDS (fixture, "\"nguyen thi\"", (gint64) 1);
  FINDS (fixture, "(dao)", (gint64) 1);
  FINDS (fixture, "nguyen -dao", (gint64) 1);
  FINDS_NOTHING (fixture, "nguyen AND tran");
  FINDS_NOTHING (fixture, "NEAR(nguyen tran)");

  /* And the tables are still there. */
  FINDS (fixture, "nguyen thi dao", (gint64) 1);
}

static void
test_search_without_schema (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaSearchIndex) index = NULL;
  g_autoptr(GArray) ids = NULL;
  MotcuaSearchFields fields = { "C-1", "Nguyễn An", NULL, NULL, NULL };
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (":memory:", &db), ==, SQLITE_OK);
  index = motcua_search_index_new (db);

  ids = motcua_search_index_query (index, "an", 10, &error);
  g_assert_null (ids);
  g_assert_error (error, MOTCUA_ERROR, MOTCUA_ERROR_FAILED);
  g_assert_true (strlen (error->message) > 0);
  g_clear_error (&error);

  g_assert_false (motcua_search_index_put (index, 1, &fields, &error));
  g_assert_error (error, MOTCUA_ERROR, MOTCUA_ERROR_FAILED);
  g_clear_error (&error);

  /* Still usable once the migration has run. */
  g_assert_true (motcua_test_exec_sql (db, motcua_search_index_schema ()));
  g_assert_true (motcua_search_index_put (index, 1, &fields, &error));
  g_assert_no_error (error);
  g_clear_pointer (&ids, g_array_unref);
  ids = motcua_search_index_query (index, "an", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, ==, 1);

  g_clear_object (&index);
  sqlite3_close (db);
}

#define ADD_TEST(path, func, populated) \
  g_test_add (path, Fixture, (populated) ? "populated" : NULL, fixture_set_up, func, fixture_tear_down)

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fold/examples", test_fold_examples);
  g_test_add_func ("/fold/every-vowel-and-tone", test_fold_every_vowel_and_tone);
  g_test_add_func ("/fold/other-text", test_fold_keeps_other_text);

  ADD_TEST ("/search/names", test_search_names, TRUE);
  ADD_TEST ("/search/prefixes", test_search_prefixes, TRUE);
  ADD_TEST ("/search/codes-ids-phones", test_search_codes_ids_phones, TRUE);
  ADD_TEST ("/search/procedures", test_search_procedures, TRUE);
  ADD_TEST ("/search/ranking", test_search_ranking, TRUE);
  ADD_TEST ("/search/limit", test_search_limit, TRUE);
  ADD_TEST ("/search/remove-and-replace", test_remove_and_replace, TRUE);
  ADD_TEST ("/search/caller-transaction", test_put_follows_caller_transaction, FALSE);
  ADD_TEST ("/search/reopen", test_search_survives_reopen, TRUE);
  ADD_TEST ("/search/blank-queries", test_search_blank_queries, TRUE);
  ADD_TEST ("/search/special-characters", test_search_special_characters, TRUE);
  g_test_add_func ("/search/without-schema", test_search_without_schema);

  return g_test_run ();
}
