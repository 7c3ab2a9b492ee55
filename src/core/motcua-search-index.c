/* motcua-search-index.c: accent-insensitive search over dossiers.
 *
 * Text is folded in C (SQLite's unicode61 does not map đ to d) and stored as words
 * separated by single spaces in an FTS5 table, tokenized with 'ascii' so FTS5 sees
 * exactly the words we cut. The table is keyed by the dossier id.
 *
 * Ranking every match is what makes a plain FTS5 search slow: a clerk's first letter
 * matches half the office. So a query only ever looks at bounded candidate sets, each
 * walked newest first (FTS5 iterates rowids in order and stops at the LIMIT):
 *
 *   1. the whole query, run together, as an exact code / ID number / phone key;
 *   2. every word as an exact word (several words only);
 *   3. every word as a prefix.
 *
 * The candidates are then scored in C from their stored words, best first, newer
 * first on ties. A broad query therefore ranks among the most recent matches, which
 * is what a clerk at the counter is looking for; a narrow one ranks all its matches.
 */
#include "motcua-search-index.h"

#include <stdlib.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "motcua-error.h"
#include "motcua-fold.h"

/* Candidates per tier, at least: about a millisecond each to read and score on a
 * workstation, and enough that the ranking, not the recency, decides the first
 * screen of results. */
#define PREFIX_CANDIDATES 400u
#define EXACT_CANDIDATES  100u

/* Per-word weights: the best field a word matches in counts. */
#define WEIGHT_KEY_EXACT      100000
#define WEIGHT_NAME_START       3000
#define WEIGHT_NAME_WHOLE       1000
#define WEIGHT_CODE_WORD_EXACT    50
#define WEIGHT_NAME_WORD_EXACT    40
#define WEIGHT_NAME_WORD_PREFIX   20
#define WEIGHT_CODE_WORD_PREFIX   10
#define WEIGHT_PROC_WORD_EXACT     6
#define WEIGHT_PROC_WORD_PREFIX    3

struct _MotcuaSearchIndex
{
  GObject       parent_instance;

  /* Borrowed */
  sqlite3      *db;

  /* Owned: prepared on first use, the tables may not exist before the migration */
  sqlite3_stmt *row_stmt;
  sqlite3_stmt *text_put_stmt;
  sqlite3_stmt *text_remove_stmt;
  sqlite3_stmt *index_put_stmt;
  sqlite3_stmt *forget_stmt;
  sqlite3_stmt *match_stmt;
};

G_DEFINE_FINAL_TYPE (MotcuaSearchIndex, motcua_search_index, G_TYPE_OBJECT)

typedef enum {
  WORD_MATCH_NONE,
  WORD_MATCH_PREFIX,
  WORD_MATCH_EXACT,
} WordMatch;

typedef struct {
  gint64 id;
  int    score;
} Candidate;

#define UNSCORED (-1)

typedef struct {
  char  **words;      /* folded words, in the order typed */
  char   *compact;    /* the words run together: a code, ID or phone typed any way */
  char   *key;        /* @compact as stored in the keys column */
  guint   n_words;
} Query;

static void
query_clear (Query *query)
{
  g_clear_pointer (&query->words, g_strfreev);
  g_clear_pointer (&query->compact, g_free);
  g_clear_pointer (&query->key, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Query, query_clear)

static void
motcua_search_index_finalize (GObject *object)
{
  MotcuaSearchIndex *self = (MotcuaSearchIndex *)object;

  g_clear_pointer (&self->row_stmt, sqlite3_finalize);
  g_clear_pointer (&self->text_put_stmt, sqlite3_finalize);
  g_clear_pointer (&self->text_remove_stmt, sqlite3_finalize);
  g_clear_pointer (&self->index_put_stmt, sqlite3_finalize);
  g_clear_pointer (&self->forget_stmt, sqlite3_finalize);
  g_clear_pointer (&self->match_stmt, sqlite3_finalize);

  G_OBJECT_CLASS (motcua_search_index_parent_class)->finalize (object);
}

static void
motcua_search_index_class_init (MotcuaSearchIndexClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = motcua_search_index_finalize;
}

static void
motcua_search_index_init (MotcuaSearchIndex *self)
{
}

const char *
motcua_search_index_schema (void)
{
  /* The words live in a plain table, so scoring reads a candidate with one B-tree
   * lookup (through FTS5 each lookup sets up a full-text cursor, ten times slower);
   * FTS5 indexes it as external content. No triggers keep the two in step: a
   * statement firing one opens a statement transaction, and FTS5 writes a new
   * segment at every such savepoint, which made a bulk load five times slower.
   * prefix 1..7: a folded Vietnamese syllable has at most seven letters, so every
   * word a clerk types is answered from a prefix index, walked lazily; a longer
   * prefix would make FTS5 merge every matching word's list in memory first.
   * detail=none: we never ask for phrases or positions, and rowid-only lists keep the
   * prefix indexes small. columnsize=0: no bm25 either. */
  return
    "CREATE TABLE dossier_search_text (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  code TEXT NOT NULL,\n"
    "  name TEXT NOT NULL,\n"
    "  ids TEXT NOT NULL,\n"
    "  procedure TEXT NOT NULL,\n"
    "  keys TEXT NOT NULL);\n"
    "CREATE VIRTUAL TABLE dossier_search USING fts5 (\n"
    "  code, name, ids, procedure, keys,\n"
    "  content = 'dossier_search_text', content_rowid = 'id',\n"
    "  tokenize = 'ascii', prefix = '1 2 3 4 5 6 7', detail = none, columnsize = 0);\n";
}

MotcuaSearchIndex *
motcua_search_index_new (sqlite3 *db)
{
  MotcuaSearchIndex *self;

  g_return_val_if_fail (db != NULL, NULL);

  self = g_object_new (MOTCUA_TYPE_SEARCH_INDEX, NULL);
  self->db = db;

  return self;
}

static void
set_database_error (GError     **error,
                    sqlite3     *db,
                    int          rc,
                    const char  *what)
{
  MotcuaError code;
  const char *detail;

  switch (rc & 0xff)
    {
    case SQLITE_FULL:
      code = MOTCUA_ERROR_DISK_FULL;
      detail = _("The disk is full.");
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      code = MOTCUA_ERROR_DATABASE_BUSY;
      detail = _("The database is busy; try again in a moment.");
      break;
    case SQLITE_READONLY:
      code = MOTCUA_ERROR_DATABASE_READ_ONLY;
      detail = _("The database is read-only.");
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      code = MOTCUA_ERROR_DATABASE_CORRUPT;
      detail = _("The database is damaged.");
      break;
    case SQLITE_IOERR:
      code = MOTCUA_ERROR_IO;
      detail = _("The database file could not be read or written.");
      break;
    default:
      code = MOTCUA_ERROR_FAILED;
      detail = sqlite3_errmsg (db);
      break;
    }

  /* TRANSLATORS: the first %s says what failed, the second why */
  g_set_error (error, MOTCUA_ERROR, code, _("%s: %s"), what, detail);
}

static sqlite3_stmt *
ensure_statement (MotcuaSearchIndex  *self,
                  sqlite3_stmt      **stmt,
                  const char         *sql,
                  GError            **error)
{
  int rc;

  if (*stmt != NULL)
    return *stmt;

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_database_error (error, self->db, rc, _("The search index is not available"));
      g_clear_pointer (stmt, sqlite3_finalize);
      return NULL;
    }

  return *stmt;
}

static gboolean
is_word_char (const char *p)
{
  if ((guchar) *p < 0x80)
    return g_ascii_isalnum (*p);
  return g_unichar_isalnum (g_utf8_get_char (p));
}

/* Folded words of @text: letters and digits, everything else separates. */
static char **
split_words (const char *text)
{
  g_autofree char *folded = motcua_fold_text (text);
  GPtrArray *words = g_ptr_array_new ();
  const char *p = folded;

  while (*p != '\0')
    {
      const char *start;

      while (*p != '\0' && !is_word_char (p))
        p = g_utf8_next_char (p);
      start = p;
      while (*p != '\0' && is_word_char (p))
        p = g_utf8_next_char (p);
      if (p > start)
        g_ptr_array_add (words, g_strndup (start, p - start));
    }
  g_ptr_array_add (words, NULL);

  return (char **) g_ptr_array_free (words, FALSE);
}

/* Words of @text joined by single spaces, as the ascii tokenizer will cut them. */
static char *
column_text (const char *text)
{
  g_auto(GStrv) words = split_words (text);

  return g_strjoinv (" ", words);
}

/* Keys are what a clerk copies from a slip or a phone screen, typed without its
 * separators: the whole code and its last two parts ("210531-0001" as "2105310001"),
 * and an ID number or phone written in groups ("0912 345 678"). A single-word ID or
 * phone is a word of the ids column already.
 *
 * Each key starts with KEY_MARK: FTS5's ascii tokenizer keeps it inside the token,
 * and no query word can contain it (it is not a letter or digit), so a key is only
 * ever matched whole by the key tier. Without it "0001" would prefix-match the key
 * "0001722h56…" of every dossier of unit 000.17. */
#define KEY_MARK "\u00a7"

static void
append_key (GString  *keys,
            char    **words,
            guint     first)
{
  if (words[first] == NULL || words[first + 1] == NULL)
    return;
  if (keys->len > 0)
    g_string_append_c (keys, ' ');
  g_string_append (keys, KEY_MARK);
  for (guint i = first; words[i] != NULL; i++)
    g_string_append (keys, words[i]);
}

static char *
keys_text (const MotcuaSearchFields *fields)
{
  g_auto(GStrv) code = split_words (fields->code);
  g_auto(GStrv) id_number = split_words (fields->id_number);
  g_auto(GStrv) phone = split_words (fields->phone);
  guint n_code = g_strv_length (code);
  GString *keys = g_string_new (NULL);

  append_key (keys, code, 0);
  if (n_code > 2)
    append_key (keys, code, n_code - 2);
  append_key (keys, id_number, 0);
  append_key (keys, phone, 0);

  return g_string_free (keys, FALSE);
}

/* The indexed columns, in the order of the schema. */
enum {
  COLUMN_CODE,
  COLUMN_NAME,
  COLUMN_IDS,
  COLUMN_PROCEDURE,
  COLUMN_KEYS,
  N_COLUMNS
};

typedef struct {
  char *columns[N_COLUMNS];
} Row;

static void
row_clear (Row *row)
{
  for (guint i = 0; i < N_COLUMNS; i++)
    g_clear_pointer (&row->columns[i], g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Row, row_clear)

static void
row_init_from_fields (Row                      *row,
                      const MotcuaSearchFields *fields)
{
  g_autofree char *id_number = column_text (fields->id_number);
  g_autofree char *phone = column_text (fields->phone);

  row->columns[COLUMN_CODE] = column_text (fields->code);
  row->columns[COLUMN_NAME] = column_text (fields->applicant_name);
  row->columns[COLUMN_IDS] = g_strstrip (g_strjoin (" ", id_number, phone, NULL));
  row->columns[COLUMN_PROCEDURE] = column_text (fields->procedure_name);
  row->columns[COLUMN_KEYS] = keys_text (fields);
}

static gboolean
row_equal (const Row *a,
           const Row *b)
{
  for (guint i = 0; i < N_COLUMNS; i++)
    {
      if (g_strcmp0 (a->columns[i], b->columns[i]) != 0)
        return FALSE;
    }
  return TRUE;
}

/* Binds @row's columns from parameter @first on; @row must outlive the step. */
static void
bind_row (sqlite3_stmt *stmt,
          int           first,
          const Row    *row)
{
  for (guint i = 0; i < N_COLUMNS; i++)
    sqlite3_bind_text (stmt, first + i, row->columns[i], -1, SQLITE_STATIC);
}

/* Steps a bound statement that returns no row, and leaves it ready for reuse. */
static gboolean
step_done (MotcuaSearchIndex  *self,
           sqlite3_stmt       *stmt,
           const char         *what,
           GError            **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);

  if (rc != SQLITE_DONE)
    {
      set_database_error (error, self->db, rc, what);
      return FALSE;
    }

  return TRUE;
}

static sqlite3_stmt *
ensure_row_statement (MotcuaSearchIndex  *self,
                      GError            **error)
{
  return ensure_statement (self, &self->row_stmt,
                           "SELECT code, name, ids, procedure, keys "
                           "FROM dossier_search_text WHERE id = ?1",
                           error);
}

/* The stored words of @dossier_id; @row stays empty when there are none. */
static gboolean
read_row (MotcuaSearchIndex  *self,
          gint64              dossier_id,
          Row                *row,
          GError            **error)
{
  sqlite3_stmt *stmt = ensure_row_statement (self, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, dossier_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      for (guint i = 0; i < N_COLUMNS; i++)
        row->columns[i] = g_strdup ((const char *) sqlite3_column_text (stmt, i));
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      set_database_error (error, self->db, rc, _("The search index could not be read"));
      return FALSE;
    }

  return TRUE;
}

/* External-content FTS5 forgets a row only when told its old words. */
static gboolean
forget_row (MotcuaSearchIndex  *self,
            gint64              dossier_id,
            const Row          *old_row,
            GError            **error)
{
  sqlite3_stmt *stmt;

  stmt = ensure_statement (self, &self->forget_stmt,
                           "INSERT INTO dossier_search "
                           "(dossier_search, rowid, code, name, ids, procedure, keys) "
                           "VALUES ('delete', ?1, ?2, ?3, ?4, ?5, ?6)",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, dossier_id);
  bind_row (stmt, 2, old_row);
  return step_done (self, stmt, _("The dossier could not be removed from the search index"), error);
}

static gboolean
write_row (MotcuaSearchIndex  *self,
           gint64              dossier_id,
           const Row          *row,
           GError            **error)
{
  sqlite3_stmt *text_stmt;
  sqlite3_stmt *index_stmt;

  text_stmt = ensure_statement (self, &self->text_put_stmt,
                                "INSERT OR REPLACE INTO dossier_search_text "
                                "(id, code, name, ids, procedure, keys) "
                                "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                error);
  if (text_stmt == NULL)
    return FALSE;
  index_stmt = ensure_statement (self, &self->index_put_stmt,
                                 "INSERT INTO dossier_search "
                                 "(rowid, code, name, ids, procedure, keys) "
                                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                 error);
  if (index_stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (text_stmt, 1, dossier_id);
  bind_row (text_stmt, 2, row);
  if (!step_done (self, text_stmt, _("The dossier could not be added to the search index"), error))
    return FALSE;

  sqlite3_bind_int64 (index_stmt, 1, dossier_id);
  bind_row (index_stmt, 2, row);
  return step_done (self, index_stmt, _("The dossier could not be added to the search index"), error);
}

/* A put or remove spans several statements: when the caller has no transaction
 * open, a savepoint keeps them all or none. A query needs one as much: outside a
 * transaction every statement takes and drops the WAL read lock on its own, a few
 * hundred system calls per query. */
static gboolean
begin_if_needed (MotcuaSearchIndex  *self,
                 gboolean           *opened,
                 GError            **error)
{
  int rc;

  *opened = FALSE;
  if (!sqlite3_get_autocommit (self->db))
    return TRUE;

  rc = sqlite3_exec (self->db, "SAVEPOINT motcua_search_index", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      set_database_error (error, self->db, rc, _("The search index is not available"));
      return FALSE;
    }

  *opened = TRUE;
  return TRUE;
}

static gboolean
end_if_opened (MotcuaSearchIndex  *self,
               gboolean            opened,
               gboolean            success,
               GError            **error)
{
  int rc;

  if (!opened)
    return success;

  if (!success)
    {
      sqlite3_exec (self->db, "ROLLBACK TO motcua_search_index; RELEASE motcua_search_index",
                    NULL, NULL, NULL);
      return FALSE;
    }

  rc = sqlite3_exec (self->db, "RELEASE motcua_search_index", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      set_database_error (error, self->db, rc, _("The search index could not be saved"));
      sqlite3_exec (self->db, "ROLLBACK TO motcua_search_index; RELEASE motcua_search_index",
                    NULL, NULL, NULL);
      return FALSE;
    }

  return TRUE;
}

static gboolean
put_row (MotcuaSearchIndex  *self,
         gint64              dossier_id,
         const Row          *row,
         GError            **error)
{
  g_auto(Row) old_row = { { NULL, } };

  if (!read_row (self, dossier_id, &old_row, error))
    return FALSE;

  /* The store puts a dossier after every action on it, and most actions change none
   * of these fields: an unchanged row spares FTS5 a delete and an insert. */
  if (old_row.columns[0] != NULL && row_equal (&old_row, row))
    return TRUE;

  if (old_row.columns[0] != NULL && !forget_row (self, dossier_id, &old_row, error))
    return FALSE;

  return write_row (self, dossier_id, row, error);
}

gboolean
motcua_search_index_put (MotcuaSearchIndex         *self,
                         gint64                     dossier_id,
                         const MotcuaSearchFields  *fields,
                         GError                   **error)
{
  g_auto(Row) row = { { NULL, } };
  gboolean opened;
  gboolean success;

  g_return_val_if_fail (MOTCUA_IS_SEARCH_INDEX (self), FALSE);
  g_return_val_if_fail (fields != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  row_init_from_fields (&row, fields);

  if (!begin_if_needed (self, &opened, error))
    return FALSE;
  success = put_row (self, dossier_id, &row, error);
  return end_if_opened (self, opened, success, error);
}

static gboolean
remove_row (MotcuaSearchIndex  *self,
            gint64              dossier_id,
            GError            **error)
{
  g_auto(Row) old_row = { { NULL, } };
  sqlite3_stmt *stmt;

  if (!read_row (self, dossier_id, &old_row, error))
    return FALSE;
  if (old_row.columns[0] == NULL)
    return TRUE;

  if (!forget_row (self, dossier_id, &old_row, error))
    return FALSE;

  stmt = ensure_statement (self, &self->text_remove_stmt,
                           "DELETE FROM dossier_search_text WHERE id = ?1",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, dossier_id);
  return step_done (self, stmt, _("The dossier could not be removed from the search index"), error);
}

gboolean
motcua_search_index_remove (MotcuaSearchIndex  *self,
                            gint64              dossier_id,
                            GError            **error)
{
  gboolean opened;
  gboolean success;

  g_return_val_if_fail (MOTCUA_IS_SEARCH_INDEX (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!begin_if_needed (self, &opened, error))
    return FALSE;
  success = remove_row (self, dossier_id, error);
  return end_if_opened (self, opened, success, error);
}

/* How well @word matches the best of the space-separated @tokens. */
static WordMatch
match_word (const char *tokens,
            const char *word,
            gsize       word_len)
{
  WordMatch best = WORD_MATCH_NONE;
  const char *p = tokens;

  if (tokens == NULL)
    return WORD_MATCH_NONE;

  while (*p != '\0')
    {
      const char *end = strchr (p, ' ');
      gsize len = end != NULL ? (gsize) (end - p) : strlen (p);

      if (len >= word_len && memcmp (p, word, word_len) == 0)
        {
          if (len == word_len)
            return WORD_MATCH_EXACT;
          best = WORD_MATCH_PREFIX;
        }

      if (end == NULL)
        break;
      p = end + 1;
    }

  return best;
}

/* Scores the name starting with the query: every word but the last typed in full,
 * the last one at least begun. */
static int
score_name_start (const Query *query,
                  const char  *name)
{
  const char *p = name;

  if (name == NULL)
    return 0;

  for (guint i = 0; i < query->n_words; i++)
    {
      const char *word = query->words[i];
      gsize word_len = strlen (word);
      const char *end = strchr (p, ' ');
      gsize len = end != NULL ? (gsize) (end - p) : strlen (p);
      gboolean last = i + 1 == query->n_words;

      if (len < word_len || memcmp (p, word, word_len) != 0)
        return 0;
      if (!last && len != word_len)
        return 0;
      if (last)
        {
          if (len == word_len && end == NULL)
            return WEIGHT_NAME_START + WEIGHT_NAME_WHOLE;
          return WEIGHT_NAME_START;
        }
      if (end == NULL)
        return 0;
      p = end + 1;
    }

  return 0;
}

static int
weigh (WordMatch match,
       gsize     word_len,
       int       exact_weight,
       int       prefix_weight)
{
  /* A one-letter word is a clerk starting to type, not an initial: "h" should list
   * Hoàng and Huỳnh, not only H'Nhi. */
  if (match == WORD_MATCH_EXACT && word_len > 1)
    return exact_weight;
  if (match != WORD_MATCH_NONE)
    return prefix_weight;
  return 0;
}

/* A word scores by the best field it matches in. */
static int
score_word (const char *word,
            const char *code,
            const char *name,
            const char *ids,
            const char *procedure)
{
  gsize word_len = strlen (word);
  WordMatch code_match = MAX (match_word (code, word, word_len),
                              match_word (ids, word, word_len));
  WordMatch name_match = match_word (name, word, word_len);
  WordMatch procedure_match = match_word (procedure, word, word_len);
  int score;

  score = weigh (code_match, word_len, WEIGHT_CODE_WORD_EXACT, WEIGHT_CODE_WORD_PREFIX);
  score = MAX (score, weigh (name_match, word_len, WEIGHT_NAME_WORD_EXACT, WEIGHT_NAME_WORD_PREFIX));
  score = MAX (score, weigh (procedure_match, word_len, WEIGHT_PROC_WORD_EXACT, WEIGHT_PROC_WORD_PREFIX));

  return score;
}

/* Whether @words, once its separating spaces are dropped, is @compact. */
static gboolean
equals_without_spaces (const char *words,
                       const char *compact)
{
  if (words == NULL)
    return FALSE;

  for (; *words != '\0'; words++)
    {
      if (*words == ' ')
        continue;
      if (*words != *compact)
        return FALSE;
      compact++;
    }

  return *compact == '\0';
}

static int
score_row (const Query  *query,
           sqlite3_stmt *stmt)
{
  const char *code = (const char *) sqlite3_column_text (stmt, 0);
  const char *name = (const char *) sqlite3_column_text (stmt, 1);
  const char *ids = (const char *) sqlite3_column_text (stmt, 2);
  const char *procedure = (const char *) sqlite3_column_text (stmt, 3);
  const char *keys = (const char *) sqlite3_column_text (stmt, 4);
  int score = 0;

  if (equals_without_spaces (code, query->compact) ||
      match_word (keys, query->key, strlen (query->key)) == WORD_MATCH_EXACT ||
      match_word (ids, query->compact, strlen (query->compact)) == WORD_MATCH_EXACT)
    score += WEIGHT_KEY_EXACT;

  score += score_name_start (query, name);

  for (guint i = 0; i < query->n_words; i++)
    score += score_word (query->words[i], code, name, ids, procedure);

  return score;
}

/* Runs one candidate tier, newest first. Only rowids: FTS5 answers them from its
 * index alone, and the stored words are read once per distinct candidate later.
 * @expression is built from folded words only, each quoted, so nothing the clerk
 * typed is ever read as FTS5 syntax. */
static gboolean
collect_ids (MotcuaSearchIndex  *self,
             const char         *expression,
             guint               max_rows,
             GArray             *candidates,
             GError            **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = ensure_statement (self, &self->match_stmt,
                           "SELECT rowid FROM dossier_search "
                           "WHERE dossier_search MATCH ?1 "
                           "ORDER BY rowid DESC LIMIT ?2",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, expression, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, max_rows);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Candidate candidate = { sqlite3_column_int64 (stmt, 0), UNSCORED };

      g_array_append_val (candidates, candidate);
    }

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);

  if (rc != SQLITE_DONE)
    {
      set_database_error (error, self->db, rc, _("The search could not be completed"));
      return FALSE;
    }

  return TRUE;
}

/* Scores the candidates not scored yet. */
static gboolean
score_candidates (MotcuaSearchIndex  *self,
                  const Query        *query,
                  GArray             *candidates,
                  GError            **error)
{
  sqlite3_stmt *stmt;

  stmt = ensure_row_statement (self, error);
  if (stmt == NULL)
    return FALSE;

  for (guint i = 0; i < candidates->len; i++)
    {
      Candidate *candidate = &g_array_index (candidates, Candidate, i);
      int rc;

      if (candidate->score != UNSCORED)
        continue;

      sqlite3_bind_int64 (stmt, 1, candidate->id);
      rc = sqlite3_step (stmt);
      /* A row gone since the tier ran is no match. */
      candidate->score = rc == SQLITE_ROW ? score_row (query, stmt) : 0;
      sqlite3_reset (stmt);

      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        {
          set_database_error (error, self->db, rc, _("The search could not be completed"));
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
has_key_match (GArray *candidates)
{
  for (guint i = 0; i < candidates->len; i++)
    {
      if (g_array_index (candidates, Candidate, i).score >= WEIGHT_KEY_EXACT)
        return TRUE;
    }
  return FALSE;
}

static int
compare_by_length_desc (gconstpointer a,
                        gconstpointer b)
{
  return (int) strlen (*(char * const *) b) - (int) strlen (*(char * const *) a);
}

/* Longer words first: FTS5 drives an AND from its first term, and a long word is
 * usually the rare one ("210531" rather than "000"). */
static char *
build_expression (const Query *query,
                  gboolean     prefix)
{
  g_autofree char **sorted = g_memdup2 (query->words, sizeof (char *) * query->n_words);
  GString *expression = g_string_new (NULL);

  qsort (sorted, query->n_words, sizeof (char *), compare_by_length_desc);

  for (guint i = 0; i < query->n_words; i++)
    {
      if (i > 0)
        g_string_append (expression, " AND ");
      /* Words hold letters and digits only, so they never contain a quote. */
      g_string_append_printf (expression, "\"%s\"%s", sorted[i], prefix ? "*" : "");
    }

  return g_string_free (expression, FALSE);
}

static int
compare_by_id_desc (gconstpointer a,
                    gconstpointer b)
{
  const Candidate *ca = a;
  const Candidate *cb = b;

  if (ca->id != cb->id)
    return ca->id < cb->id ? 1 : -1;
  return 0;
}

/* Newest first, and of one dossier's entries the scored one first. */
static int
compare_for_deduplication (gconstpointer a,
                           gconstpointer b)
{
  const Candidate *ca = a;
  const Candidate *cb = b;

  if (ca->id != cb->id)
    return ca->id < cb->id ? 1 : -1;
  return cb->score - ca->score;
}

static int
compare_by_rank (gconstpointer a,
                 gconstpointer b)
{
  const Candidate *ca = a;
  const Candidate *cb = b;

  if (ca->score != cb->score)
    return cb->score - ca->score;
  return compare_by_id_desc (a, b);
}

/* The tiers overlap: keep one entry per dossier. Newest first also reads the stored
 * words in the order they lie on disk. */
static void
deduplicate (GArray *candidates)
{
  guint kept = 0;

  g_array_sort (candidates, compare_for_deduplication);
  for (guint i = 0; i < candidates->len; i++)
    {
      Candidate *candidate = &g_array_index (candidates, Candidate, i);

      if (kept > 0 && g_array_index (candidates, Candidate, kept - 1).id == candidate->id)
        continue;
      g_array_index (candidates, Candidate, kept++) = *candidate;
    }
  g_array_set_size (candidates, kept);
}

static GArray *
best_ids (GArray *candidates,
          guint   limit)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_array_sort (candidates, compare_by_rank);
  for (guint i = 0; i < candidates->len && i < limit; i++)
    g_array_append_val (ids, g_array_index (candidates, Candidate, i).id);

  return ids;
}

/* Candidates from every tier, scored; the caller holds a read transaction so that
 * the few hundred lookups share one snapshot and one set of locks. */
static gboolean
find_candidates (MotcuaSearchIndex  *self,
                 const Query        *query,
                 guint               limit,
                 GArray             *candidates,
                 GError            **error)
{
  g_autofree char *key_expression = NULL;
  g_autofree char *prefix_expression = NULL;

  /* For one word this tier is also the exact-word tier. */
  key_expression = g_strdup_printf ("\"%s\" OR \"%s\"", query->key, query->compact);
  if (!collect_ids (self, key_expression, MAX (limit, EXACT_CANDIDATES), candidates, error) ||
      !score_candidates (self, query, candidates, error))
    return FALSE;

  /* A whole code, ID number or phone names its dossiers: what the prefix tier would
   * add ("0001" also begins "00010") is noise, and a code's words ("000", "h56")
   * are in every row, which makes that tier the costliest of all. */
  if (has_key_match (candidates))
    return TRUE;

  if (query->n_words > 1)
    {
      g_autofree char *exact_expression = build_expression (query, FALSE);

      if (!collect_ids (self, exact_expression, MAX (limit, EXACT_CANDIDATES), candidates, error))
        return FALSE;
    }

  prefix_expression = build_expression (query, TRUE);
  if (!collect_ids (self, prefix_expression, MAX (limit, PREFIX_CANDIDATES), candidates, error))
    return FALSE;

  deduplicate (candidates);
  return score_candidates (self, query, candidates, error);
}

GArray *
motcua_search_index_query (MotcuaSearchIndex  *self,
                           const char         *text,
                           guint               limit,
                           GError            **error)
{
  g_auto(Query) query = { NULL, };
  g_autoptr(GArray) candidates = NULL;
  gboolean opened;
  gboolean success;

  g_return_val_if_fail (MOTCUA_IS_SEARCH_INDEX (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  query.words = split_words (text);
  query.n_words = g_strv_length (query.words);
  if (query.n_words == 0 || limit == 0)
    return g_array_new (FALSE, FALSE, sizeof (gint64));
  query.compact = g_strjoinv ("", query.words);
  query.key = g_strconcat (KEY_MARK, query.compact, NULL);

  candidates = g_array_new (FALSE, FALSE, sizeof (Candidate));

  if (!begin_if_needed (self, &opened, error))
    return NULL;
  success = find_candidates (self, &query, limit, candidates, error);
  if (!end_if_opened (self, opened, success, error))
    return NULL;

  return best_ids (candidates, limit);
}

/* ---- warming ------------------------------------------------------------------------ */

/* The tables a query reads, whole: the FTS5 segments and their index, and the words
 * that candidates are scored from. Each column is fetched in full (a blob's length
 * alone would skip its overflow pages). */
static const char *const warm_queries[] = {
  "SELECT block FROM dossier_search_data",
  "SELECT term FROM dossier_search_idx",
  "SELECT code, name, ids, procedure, keys FROM dossier_search_text",
};

static gboolean
warm_table (sqlite3 *db, const char *sql, GCancellable *cancellable, guint64 *bytes, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  guint rows = 0;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        for (int i = 0; i < sqlite3_column_count (stmt); i++)
          *bytes += sqlite3_column_bytes (stmt, i);
        if (++rows % 256 == 0 && g_cancellable_is_cancelled (cancellable))
          break;
      }
  sqlite3_finalize (stmt);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (rc != SQLITE_DONE)
    {
      set_database_error (error, db, rc, _("The search index could not be read"));
      return FALSE;
    }
  return TRUE;
}

/* A clerk's first searches after the PC starts would otherwise wait for the disk:
 * at 200,000 dossiers a keystroke read up to 35 ms from a cold cache here, against
 * 7 ms warm, and a spinning disk is slower by far. Some 70 MB at that size, read in
 * order, once. */
gboolean
motcua_search_index_warm (sqlite3       *db,
                          GCancellable  *cancellable,
                          guint64       *bytes_read,
                          GError       **error)
{
  guint64 bytes = 0;
  gboolean success = TRUE;

  g_return_val_if_fail (db != NULL, FALSE);

  for (guint i = 0; success && i < G_N_ELEMENTS (warm_queries); i++)
    success = warm_table (db, warm_queries[i], cancellable, &bytes, error);
  if (bytes_read != NULL)
    *bytes_read = bytes;
  return success;
}
