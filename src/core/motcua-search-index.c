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

#include <string.h>
#include <stdlib.h>
#include <glib/gi18n-lib.h>

#include "motcua-error.h"
#include "motcua-fold.h"

/* Prefix-tier candidates. Scoring 400 rows costs well under a millisecond; reading
 * more from FTS5 is what costs. */
#define PREFIX_CANDIDATES (g_getenv ("KP") ? atoi (g_getenv ("KP")) : 400)
/* Exact-word-tier candidates: these already outrank most prefix matches. */
#define EXACT_CANDIDATES  (g_getenv ("KE") ? atoi (g_getenv ("KE")) : 200)

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

  /* Owned: prepared on first use, the table may not exist before the migration */
  sqlite3_stmt *put_stmt;
  sqlite3_stmt *remove_stmt;
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

typedef struct {
  char  **words;      /* folded words, in the order typed */
  char   *compact;    /* the words run together: a code, ID or phone typed any way */
  guint   n_words;
} Query;

static void
query_clear (Query *query)
{
  g_clear_pointer (&query->words, g_strfreev);
  g_clear_pointer (&query->compact, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Query, query_clear)

static void
motcua_search_index_finalize (GObject *object)
{
  MotcuaSearchIndex *self = (MotcuaSearchIndex *)object;

  g_clear_pointer (&self->put_stmt, sqlite3_finalize);
  g_clear_pointer (&self->remove_stmt, sqlite3_finalize);
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
  /* detail=none: we never ask FTS5 for phrases or positions, and rowid-only doclists
   * keep the prefix indexes small and fast to walk. columnsize=0: no bm25 either. */
  return
    "CREATE VIRTUAL TABLE dossier_search USING fts5 (\n"
    "  code, name, ids, procedure, keys,\n"
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

/* Keys are what a clerk copies from a slip or a phone screen: the code run together
 * and every tail of it starting at a separator, the ID number and the phone. */
static char *
keys_text (const MotcuaSearchFields *fields)
{
  g_auto(GStrv) code = split_words (fields->code);
  g_auto(GStrv) id_number = split_words (fields->id_number);
  g_auto(GStrv) phone = split_words (fields->phone);
  g_autoptr(GString) keys = g_string_new (NULL);

  for (guint i = 0; code[i] != NULL; i++)
    {
      if (keys->len > 0)
        g_string_append_c (keys, ' ');
      for (guint j = i; code[j] != NULL; j++)
        g_string_append (keys, code[j]);
    }

  for (guint k = 0; k < 2; k++)
    {
      char **words = k == 0 ? id_number : phone;

      if (words[0] == NULL)
        continue;
      if (keys->len > 0)
        g_string_append_c (keys, ' ');
      for (guint j = 0; words[j] != NULL; j++)
        g_string_append (keys, words[j]);
    }

  return g_string_free (g_steal_pointer (&keys), FALSE);
}

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           char         *text)
{
  sqlite3_bind_text (stmt, index, text, -1, g_free);
}

gboolean
motcua_search_index_put (MotcuaSearchIndex         *self,
                         gint64                     dossier_id,
                         const MotcuaSearchFields  *fields,
                         GError                   **error)
{
  sqlite3_stmt *stmt;
  g_autofree char *ids = NULL;
  g_autofree char *id_number = NULL;
  g_autofree char *phone = NULL;
  int rc;

  g_return_val_if_fail (MOTCUA_IS_SEARCH_INDEX (self), FALSE);
  g_return_val_if_fail (fields != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* FTS5 honours OR REPLACE on the rowid, which saves a DELETE round trip. */
  stmt = ensure_statement (self, &self->put_stmt,
                           "INSERT OR REPLACE INTO dossier_search "
                           "(rowid, code, name, ids, procedure, keys) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                           error);
  if (stmt == NULL)
    return FALSE;

  id_number = column_text (fields->id_number);
  phone = column_text (fields->phone);
  ids = g_strjoin (" ", id_number, phone, NULL);
  g_strstrip (ids);

  sqlite3_bind_int64 (stmt, 1, dossier_id);
  bind_text (stmt, 2, column_text (fields->code));
  bind_text (stmt, 3, column_text (fields->applicant_name));
  bind_text (stmt, 4, g_steal_pointer (&ids));
  bind_text (stmt, 5, column_text (fields->procedure_name));
  bind_text (stmt, 6, keys_text (fields));

  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);

  if (rc != SQLITE_DONE)
    {
      set_database_error (error, self->db, rc, _("The dossier could not be added to the search index"));
      return FALSE;
    }

  return TRUE;
}

gboolean
motcua_search_index_remove (MotcuaSearchIndex  *self,
                            gint64              dossier_id,
                            GError            **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (MOTCUA_IS_SEARCH_INDEX (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  stmt = ensure_statement (self, &self->remove_stmt,
                           "DELETE FROM dossier_search WHERE rowid = ?1",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, dossier_id);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      set_database_error (error, self->db, rc, _("The dossier could not be removed from the search index"));
      return FALSE;
    }

  return TRUE;
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
score_word (const char *word,
            const char *code,
            const char *name,
            const char *ids,
            const char *procedure,
            const char *keys)
{
  gsize word_len = strlen (word);
  WordMatch code_match = MAX (MAX (match_word (code, word, word_len),
                                   match_word (ids, word, word_len)),
                              match_word (keys, word, word_len));
  WordMatch name_match;
  WordMatch procedure_match;

  if (code_match == WORD_MATCH_EXACT)
    return WEIGHT_CODE_WORD_EXACT;

  name_match = match_word (name, word, word_len);
  if (name_match == WORD_MATCH_EXACT)
    return WEIGHT_NAME_WORD_EXACT;
  if (name_match == WORD_MATCH_PREFIX)
    return WEIGHT_NAME_WORD_PREFIX;
  if (code_match == WORD_MATCH_PREFIX)
    return WEIGHT_CODE_WORD_PREFIX;

  procedure_match = match_word (procedure, word, word_len);
  if (procedure_match == WORD_MATCH_EXACT)
    return WEIGHT_PROC_WORD_EXACT;
  if (procedure_match == WORD_MATCH_PREFIX)
    return WEIGHT_PROC_WORD_PREFIX;

  return 0;
}

static int
score_row (const Query  *query,
           sqlite3_stmt *stmt)
{
  const char *code = (const char *) sqlite3_column_text (stmt, 1);
  const char *name = (const char *) sqlite3_column_text (stmt, 2);
  const char *ids = (const char *) sqlite3_column_text (stmt, 3);
  const char *procedure = (const char *) sqlite3_column_text (stmt, 4);
  const char *keys = (const char *) sqlite3_column_text (stmt, 5);
  int score = 0;

  if (match_word (keys, query->compact, strlen (query->compact)) == WORD_MATCH_EXACT)
    score += WEIGHT_KEY_EXACT;

  score += score_name_start (query, name);

  for (guint i = 0; i < query->n_words; i++)
    score += score_word (query->words[i], code, name, ids, procedure, keys);

  return score;
}

/* Runs one candidate tier: @expression is an FTS5 query built from folded words only,
 * each quoted, so nothing the clerk typed is ever read as FTS5 syntax. */
static gboolean
collect_candidates (MotcuaSearchIndex  *self,
                    const Query        *query,
                    const char         *expression,
                    guint               max_rows,
                    GArray             *candidates,
                    GError            **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = ensure_statement (self, &self->match_stmt,
                           "SELECT rowid, code, name, ids, procedure, keys "
                           "FROM dossier_search WHERE dossier_search MATCH ?1 "
                           "ORDER BY rowid DESC LIMIT ?2",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, expression, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, max_rows);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Candidate candidate;

      candidate.id = sqlite3_column_int64 (stmt, 0);
      candidate.score = score_row (query, stmt);
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

static char *
build_expression (const Query *query,
                  gboolean     prefix)
{
  GString *expression = g_string_new (NULL);

  for (guint i = 0; i < query->n_words; i++)
    {
      if (i > 0)
        g_string_append (expression, " AND ");
      /* Words hold letters and digits only, so they never contain a quote. */
      g_string_append_printf (expression, "\"%s\"%s", query->words[i], prefix ? "*" : "");
    }

  return g_string_free (expression, FALSE);
}

static int
compare_by_id_then_score (gconstpointer a,
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
  if (ca->id != cb->id)
    return ca->id < cb->id ? 1 : -1;
  return 0;
}

static GArray *
rank_candidates (GArray *candidates,
                 guint   limit)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint kept = 0;

  /* The tiers overlap: keep one entry per dossier. */
  g_array_sort (candidates, compare_by_id_then_score);
  for (guint i = 0; i < candidates->len; i++)
    {
      Candidate *candidate = &g_array_index (candidates, Candidate, i);

      if (kept > 0 && g_array_index (candidates, Candidate, kept - 1).id == candidate->id)
        continue;
      g_array_index (candidates, Candidate, kept++) = *candidate;
    }
  g_array_set_size (candidates, kept);

  g_array_sort (candidates, compare_by_rank);
  for (guint i = 0; i < candidates->len && i < limit; i++)
    g_array_append_val (ids, g_array_index (candidates, Candidate, i).id);

  return ids;
}

GArray *
motcua_search_index_query (MotcuaSearchIndex  *self,
                           const char         *text,
                           guint               limit,
                           GError            **error)
{
  g_auto(Query) query = { NULL, };
  g_autoptr(GArray) candidates = NULL;
  g_autofree char *key_expression = NULL;
  g_autofree char *prefix_expression = NULL;

  g_return_val_if_fail (MOTCUA_IS_SEARCH_INDEX (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  query.words = split_words (text);
  query.n_words = g_strv_length (query.words);
  if (query.n_words == 0 || limit == 0)
    return g_array_new (FALSE, FALSE, sizeof (gint64));
  query.compact = g_strjoinv ("", query.words);

  candidates = g_array_new (FALSE, FALSE, sizeof (Candidate));

  /* For one word this tier is also the exact-word tier. */
  key_expression = g_strdup_printf ("\"%s\"", query.compact);
  if (!collect_candidates (self, &query, key_expression, MAX (limit, EXACT_CANDIDATES), candidates, error))
    return NULL;

  if (query.n_words > 1)
    {
      g_autofree char *exact_expression = build_expression (&query, FALSE);

      if (!collect_candidates (self, &query, exact_expression, EXACT_CANDIDATES, candidates, error))
        return NULL;
    }

  prefix_expression = build_expression (&query, TRUE);
  if (!collect_candidates (self, &query, prefix_expression, MAX (limit, PREFIX_CANDIDATES), candidates, error))
    return NULL;

  return rank_candidates (candidates, limit);
}
