/* motcua-dossier-list.c: the queue's list model, paged from SQLite.
 *
 * Two ways to read, chosen by what is asked:
 *
 * - Every dossier (the "all" filter, no search): the list can be the whole office, so
 *   nothing is held but the count and a few pages. Every order is read from an
 *   existing index (dossiers_status_due, dossiers_received, the code's unique index),
 *   so a page at any offset and the position of a code cost milliseconds at 200,000
 *   dossiers. "By due date" puts open work before finished dossiers; as one ORDER BY
 *   that would sort the whole table, so it is two segments with an indexed order each.
 * - Any other filter, or a search: the matches are few (open work, or a ranked search
 *   result), so their ids are read once, in order, and pages load rows by id. The
 *   "mine" filter looks up each open dossier's latest event, which no index answers;
 *   doing it once per read, not once per page, keeps scrolling it cheap.
 */
#include "motcua-dossier-list.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "motcua-dossier-private.h"
#include "motcua-error.h"
#include "motcua-fold.h"
#include "motcua-time.h"

/* Enough for the 200 rows GtkListView (4.8) can keep around what is on screen, and a
 * few more to scroll back to. */
#define MAX_CACHED_PAGES 8

/* ---- names --------------------------------------------------------------------- */

static const char * const filter_names[MOTCUA_QUEUE_N_FILTERS] = {
  "all", "mine", "due-today", "overdue", "supplement", "approval", "ready", "attention",
};

static const char * const sort_names[] = { "due", "received", "code" };

const char *
motcua_queue_filter_to_string (MotcuaQueueFilter filter)
{
  g_return_val_if_fail (filter < MOTCUA_QUEUE_N_FILTERS, NULL);
  return filter_names[filter];
}

gboolean
motcua_queue_filter_from_string (const char *text, MotcuaQueueFilter *filter)
{
  for (guint i = 0; i < G_N_ELEMENTS (filter_names); i++)
    if (g_strcmp0 (text, filter_names[i]) == 0)
      {
        *filter = i;
        return TRUE;
      }
  return FALSE;
}

const char *
motcua_queue_sort_to_string (MotcuaQueueSort sort)
{
  g_return_val_if_fail (sort < G_N_ELEMENTS (sort_names), NULL);
  return sort_names[sort];
}

gboolean
motcua_queue_sort_from_string (const char *text, MotcuaQueueSort *sort)
{
  for (guint i = 0; i < G_N_ELEMENTS (sort_names); i++)
    if (g_strcmp0 (text, sort_names[i]) == 0)
      {
        *sort = i;
        return TRUE;
      }
  return FALSE;
}

/* ---- the SQL of filters and orders ------------------------------------------------- */

/* Written exactly as the partial index dossiers_mine's condition, so that SQLite uses it. */
#define OPEN_STATUSES    "status IN (1, 2, 4, 5, 6, 9)"
#define CLOSED_STATUSES  "status IN (3, 7, 8, 10)"
/* Open dossiers whose clock runs, and those waiting on someone outside the office. */
#define RUNNING_STATUSES "status IN (2, 4)"
#define WAITING_STATUSES "status IN (1, 5, 6, 9)"
/* Written the way the store's own due filters are, so the queue and `motcua list
 * --due` agree. */
#define OVERDUE_SQL     "status IN (2, 4) AND due_at < :now"
/* "sync_state <> 1" (in the attention filter) lets SQLite use the partial index
 * events_outbox. */

/* NULL means no condition: a bare count(*) is SQLite's fastest count. Needing
 * attention is written as an id list so that SQLite reads its three parts from their
 * indexes (dossiers_status_due, events_outbox, set_aside_attention) whatever else the
 * query asks: overdue without an apology, an event the server rejected, an event set
 * aside by sync that nobody has looked at yet. */
static const char * const filter_sql[MOTCUA_QUEUE_N_FILTERS] = {
  [MOTCUA_QUEUE_FILTER_ALL] = NULL,
  [MOTCUA_QUEUE_FILTER_MINE] =
    OPEN_STATUSES " AND (assignee IN (:user, :user_name) OR last_actor = :user)",
  [MOTCUA_QUEUE_FILTER_DUE_TODAY] = "status IN (2, 4) AND due_at >= :today AND due_at < :tomorrow",
  [MOTCUA_QUEUE_FILTER_OVERDUE] = OVERDUE_SQL,
  [MOTCUA_QUEUE_FILTER_SUPPLEMENT] = "status = 5",
  [MOTCUA_QUEUE_FILTER_APPROVAL] = "status = 4 AND step = 4",
  [MOTCUA_QUEUE_FILTER_READY] = "status = 9",
  [MOTCUA_QUEUE_FILTER_ATTENTION] =
    "id IN (SELECT id FROM dossiers WHERE " OVERDUE_SQL " AND apology_count = 0"
    "       UNION ALL SELECT dossiers.id FROM events CROSS JOIN dossiers ON dossiers.uid = events.dossier_uid"
    "       WHERE events.sync_state = 2 AND events.sync_state <> 1"
    "       UNION ALL SELECT dossiers.id FROM set_aside_events CROSS JOIN dossiers"
    "       ON dossiers.uid = set_aside_events.dossier_uid WHERE set_aside_events.dismissed = 0)",
};

/* One indexed order. @keys is the same order as a tuple that row values can compare
 * (NULLs made comparable the way SQLite orders them), to count the rows before a
 * given one. */
typedef struct {
  const char *where;
  const char *order;
  const char *keys;
  guint       n_keys;
  gboolean    descending;
} Ordering;

static const Ordering running_by_due = {
  RUNNING_STATUSES, "due_at IS NULL, due_at, id", "due_at IS NULL, IFNULL(due_at, ''), id", 3, FALSE,
};
static const Ordering waiting_by_due = {
  WAITING_STATUSES, "due_at IS NULL, due_at, id", "due_at IS NULL, IFNULL(due_at, ''), id", 3, FALSE,
};
static const Ordering closed_by_due = {
  CLOSED_STATUSES, "status DESC, due_at DESC, id DESC", "status, IFNULL(due_at, ''), id", 3, TRUE,
};
static const Ordering by_received = {
  NULL, "received_at DESC, id DESC", "IFNULL(received_at, ''), id", 2, TRUE,
};
static const Ordering by_code = {
  NULL, "code DESC", "code", 1, TRUE,
};

/* The same orders for a filtered few, as single ORDER BY clauses. */
#define CLOSED "(" CLOSED_STATUSES ")"
static const char * const filtered_order[] = {
  [MOTCUA_QUEUE_SORT_DUE] =
    "CASE WHEN " RUNNING_STATUSES " THEN 0 WHEN " CLOSED " THEN 2 ELSE 1 END,"
    " CASE WHEN " CLOSED " THEN -status END, due_at IS NULL,"
    " CASE WHEN NOT " CLOSED " THEN due_at END, CASE WHEN " CLOSED " THEN due_at END DESC,"
    " CASE WHEN " CLOSED " THEN -id ELSE id END",
  [MOTCUA_QUEUE_SORT_RECEIVED] = "received_at DESC, id DESC",
  [MOTCUA_QUEUE_SORT_CODE] = "code DESC",
};


/* ---- the model ------------------------------------------------------------------- */

/* What the filters compare with; fixed for one read of the list. */
typedef struct {
  char *now;
  char *today;
  char *tomorrow;
  char *user;
  char *user_name;
} Params;

typedef struct {
  const Ordering *ordering;
  guint           count;
} Segment;

typedef struct {
  guint      index;
  GPtrArray *rows;   /* MotcuaDossier */
} Page;

typedef struct {
  gboolean valid;
  gint64   data_version;
  gint64   changes;
  gint64   total, running, waiting;
} CountCache;

struct _MotcuaDossierList
{
  GObject parent_instance;

  /* Owned */
  MotcuaStore       *store;
  MotcuaSearchIndex *search_index;
  GHashTable        *statements;   /* SQL → sqlite3_stmt */
  char              *search;
  GArray            *ids;          /* gint64, in order; NULL when paging by offset */
  Params             params;
  GQueue             pages;        /* Page, most recently used first */

  MotcuaQueueFilter  filter;
  MotcuaQueueSort    sort;
  Segment            segments[3];
  guint              n_segments;
  guint              n_items;
  guint64            n_loaded_rows;
  CountCache         counts;       /* of every dossier */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MotcuaDossierList, motcua_dossier_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static void
params_clear (Params *params)
{
  g_clear_pointer (&params->now, g_free);
  g_clear_pointer (&params->today, g_free);
  g_clear_pointer (&params->tomorrow, g_free);
  g_clear_pointer (&params->user, g_free);
  g_clear_pointer (&params->user_name, g_free);
}

static void
page_free (Page *page)
{
  g_ptr_array_unref (page->rows);
  g_free (page);
}

static void
drop_pages (MotcuaDossierList *self)
{
  g_queue_clear_full (&self->pages, (GDestroyNotify) page_free);
}

static void
motcua_dossier_list_finalize (GObject *object)
{
  MotcuaDossierList *self = (MotcuaDossierList *) object;

  drop_pages (self);
  /* Statements go before the store, whose connection they belong to. */
  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_clear_object (&self->search_index);
  g_clear_pointer (&self->ids, g_array_unref);
  g_clear_pointer (&self->search, g_free);
  params_clear (&self->params);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (motcua_dossier_list_parent_class)->finalize (object);
}

static void
motcua_dossier_list_class_init (MotcuaDossierListClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = motcua_dossier_list_finalize;
}

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
motcua_dossier_list_init (MotcuaDossierList *self)
{
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, finalize_statement);
  g_queue_init (&self->pages);
}

/* ---- SQL helpers ------------------------------------------------------------------ */

static void
set_db_error (sqlite3 *db, int rc, const char *path, GError **error)
{
  int primary = rc & 0xff;

  if (primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN || primary == SQLITE_PERM)
    g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_IO,
                 _("The database %s could not be read or written (%s)."),
                 path, db ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
  else
    g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_FAILED,
                 _("The database %s reported an error: %s"),
                 path, db ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
}

static void
bind_named (sqlite3_stmt *stmt, const char *name, const char *value)
{
  int index = sqlite3_bind_parameter_index (stmt, name);

  if (index == 0)
    return;
  if (value != NULL)
    sqlite3_bind_text (stmt, index, value, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

static void
bind_named_int (sqlite3_stmt *stmt, const char *name, gint64 value)
{
  int index = sqlite3_bind_parameter_index (stmt, name);

  if (index != 0)
    sqlite3_bind_int64 (stmt, index, value);
}

static void
bind_params (sqlite3_stmt *stmt, const Params *params)
{
  bind_named (stmt, ":now", params->now);
  bind_named (stmt, ":today", params->today);
  bind_named (stmt, ":tomorrow", params->tomorrow);
  bind_named (stmt, ":user", params->user);
  bind_named (stmt, ":user_name", params->user_name);
}

/* " WHERE (a) AND (b)" for the conditions that exist. */
static char *
where_clause (const char *a, const char *b)
{
  if (a != NULL && b != NULL)
    return g_strdup_printf (" WHERE (%s) AND (%s)", a, b);
  if (a != NULL || b != NULL)
    return g_strdup_printf (" WHERE (%s)", a ? a : b);
  return g_strdup ("");
}

/* The cached statement for @sql (taken), reset, its parameters bound. */
static sqlite3_stmt *
prepare (MotcuaDossierList *self, char *sql, GError **error)
{
  sqlite3 *db = motcua_store_get_db (self->store);
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);
  int rc;

  if (stmt != NULL)
    {
      g_free (sql);
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
    }
  else
    {
      rc = sqlite3_prepare_v3 (db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
      if (rc != SQLITE_OK)
        {
          set_db_error (db, rc, motcua_store_get_path (self->store), error);
          g_free (sql);
          return NULL;
        }
      g_hash_table_insert (self->statements, sql, stmt);
    }
  bind_params (stmt, &self->params);
  return stmt;
}

static gboolean
step_failed (MotcuaDossierList *self, int rc, GError **error)
{
  set_db_error (motcua_store_get_db (self->store), rc, motcua_store_get_path (self->store), error);
  return FALSE;
}

/* Runs a statement returning one integer. */
static gboolean
query_int (MotcuaDossierList *self, sqlite3_stmt *stmt, gint64 *value, GError **error)
{
  int rc = sqlite3_step (stmt);

  *value = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return step_failed (self, rc, error);
  return TRUE;
}

/* The row as a dossier without its documents and attachments: the store reads those
 * with two more queries per dossier, and the queue shows neither. */
static MotcuaDossier *
read_row (sqlite3_stmt *stmt)
{
  MotcuaDossier *d = motcua_dossier_new ();

  motcua_dossier_read_row (d, stmt);
  return d;
}

/* ---- "now" and the current user ------------------------------------------------------ */

static char *
day_bound (GDateTime *now, int offset_days)
{
  g_autoptr(GDateTime) midnight = g_date_time_new (g_date_time_get_timezone (now),
                                                   g_date_time_get_year (now),
                                                   g_date_time_get_month (now),
                                                   g_date_time_get_day_of_month (now), 0, 0, 0);
  g_autoptr(GDateTime) day = g_date_time_add_days (midnight, offset_days);

  return motcua_time_format (day);
}

/* Times compare as text in the agency's zone, as the store writes them. */
static void
params_fill (Params *params, MotcuaStore *store, GDateTime *given_now)
{
  GTimeZone *zone = motcua_calendar_get_time_zone (motcua_store_get_calendar (store));
  g_autoptr(GDateTime) now = given_now ? g_date_time_to_timezone (given_now, zone)
                                       : motcua_time_now (zone);
  g_autoptr(MotcuaUser) user = NULL;

  params_clear (params);
  params->now = motcua_time_format (now);
  params->today = day_bound (now, 0);
  params->tomorrow = day_bound (now, 1);
  params->user = motcua_store_get_current_user (store, NULL);
  user = params->user ? motcua_store_get_user (store, params->user, NULL) : NULL;
  params->user_name = user ? g_strdup (user->full_name) : NULL;
}

/* ---- reading the list --------------------------------------------------------------- */

/* The number of dossiers meeting a condition on status alone, from the per-status
 * tally the store's triggers keep: a few rows instead of a whole index. */
static gboolean
tally_where (MotcuaDossierList *self, const char *condition, gint64 *count, GError **error)
{
  g_autofree char *where = where_clause (condition, NULL);
  sqlite3_stmt *stmt = prepare (self, g_strconcat ("SELECT coalesce(sum(n), 0) FROM dossier_tally", where, NULL), error);

  return stmt != NULL && query_int (self, stmt, count, error);
}

/* What moves when the database changes: another connection's commit moves
 * data_version, this connection's own writes total_changes. */
static gboolean
read_stamp (MotcuaDossierList *self, gint64 *data_version, gint64 *changes, GError **error)
{
  sqlite3_stmt *stmt = prepare (self, g_strdup ("PRAGMA data_version"), error);

  *changes = sqlite3_total_changes64 (motcua_store_get_db (self->store));
  return stmt != NULL && query_int (self, stmt, data_version, error);
}

/* Whether the counts of every dossier still hold. */
static gboolean
counts_still_valid (MotcuaDossierList *self)
{
  gint64 data_version, changes;

  return self->counts.valid && read_stamp (self, &data_version, &changes, NULL)
         && self->counts.data_version == data_version && self->counts.changes == changes;
}

/* Every dossier: the count, split between the segments of the order. Counting
 * 200,000 rows takes milliseconds a clerk feels when clearing a search, so the
 * numbers are kept until the database changes. */
static gboolean
count_everything (MotcuaDossierList *self, GError **error)
{
  gint64 total, running, waiting;

  if (!counts_still_valid (self))
    {
      CountCache counts = { TRUE, };

      if (!read_stamp (self, &counts.data_version, &counts.changes, error)
          || !tally_where (self, NULL, &counts.total, error)
          || !tally_where (self, RUNNING_STATUSES, &counts.running, error)
          || !tally_where (self, WAITING_STATUSES, &counts.waiting, error))
        return FALSE;
      self->counts = counts;
    }
  total = self->counts.total;
  running = self->counts.running;
  waiting = self->counts.waiting;
  self->n_segments = 1;
  self->segments[0].count = total;
  if (self->sort == MOTCUA_QUEUE_SORT_RECEIVED)
    self->segments[0].ordering = &by_received;
  else if (self->sort == MOTCUA_QUEUE_SORT_CODE)
    self->segments[0].ordering = &by_code;
  else
    {
      /* Open work is counted from the status index; the finished rest is the
       * difference, as a bare count(*) reads far less than counting their statuses. */
      self->n_segments = 3;
      self->segments[0].ordering = &running_by_due;
      self->segments[0].count = running;
      self->segments[1].ordering = &waiting_by_due;
      self->segments[1].count = waiting;
      self->segments[2].ordering = &closed_by_due;
      self->segments[2].count = total - running - waiting;
    }
  self->n_items = total;
  return TRUE;
}

static gboolean
read_ids (MotcuaDossierList *self, sqlite3_stmt *stmt, GError **error)
{
  int rc;

  g_array_set_size (self->ids, 0);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (self->ids, id);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return step_failed (self, rc, error);
  self->n_items = self->ids->len;
  return TRUE;
}

static gboolean
read_filtered_ids (MotcuaDossierList *self, GError **error)
{
  g_autofree char *where = where_clause (filter_sql[self->filter], NULL);
  sqlite3_stmt *stmt = prepare (self, g_strdup_printf ("SELECT id FROM dossiers%s ORDER BY %s",
                                                       where, filtered_order[self->sort]), error);

  return stmt != NULL && read_ids (self, stmt, error);
}

static gboolean
read_search_ids (MotcuaDossierList *self, GError **error)
{
  g_autoptr(GArray) ranked = motcua_search_index_query (self->search_index, self->search,
                                                        MOTCUA_DOSSIER_LIST_SEARCH_LIMIT, error);
  g_autoptr(GString) json = g_string_new ("[");
  g_autofree char *where = NULL;
  sqlite3_stmt *stmt;

  if (ranked == NULL)
    return FALSE;
  for (guint i = 0; i < ranked->len; i++)
    g_string_append_printf (json, "%s%" G_GINT64_FORMAT, i ? "," : "", g_array_index (ranked, gint64, i));
  g_string_append_c (json, ']');

  /* The filter keeps the ranking's order: json_each's key is the rank. */
  where = where_clause (filter_sql[self->filter], NULL);
  stmt = prepare (self, g_strconcat ("SELECT dossiers.id FROM json_each(:ids) AS j"
                                     " CROSS JOIN dossiers ON dossiers.id = j.value",
                                     where, " ORDER BY j.key", NULL), error);
  if (stmt == NULL)
    return FALSE;
  bind_named (stmt, ":ids", json->str);
  return read_ids (self, stmt, error);
}

static gboolean
read_list (MotcuaDossierList *self, GError **error)
{
  gboolean searching = !motcua_text_is_blank (self->search);

  params_fill (&self->params, self->store, NULL);
  drop_pages (self);
  self->n_items = 0;
  self->n_segments = 0;
  if (!searching && self->filter == MOTCUA_QUEUE_FILTER_ALL)
    {
      g_clear_pointer (&self->ids, g_array_unref);
      return count_everything (self, error);
    }
  if (self->ids == NULL)
    self->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  return searching ? read_search_ids (self, error) : read_filtered_ids (self, error);
}

gboolean
motcua_dossier_list_reload (MotcuaDossierList *self, GError **error)
{
  guint old_n_items;
  gboolean success;

  g_return_val_if_fail (MOTCUA_IS_DOSSIER_LIST (self), FALSE);

  old_n_items = self->n_items;
  success = read_list (self, error);
  if (!success)
    self->n_items = 0;
  if (old_n_items != 0 || self->n_items != 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n_items, self->n_items);
  return success;
}

/* Logged rather than returned: a list model has no way to report errors. */
static void
reload_or_warn (MotcuaDossierList *self)
{
  g_autoptr(GError) error = NULL;

  if (!motcua_dossier_list_reload (self, &error))
    g_warning ("Cannot read the queue: %s", error->message);
}

/* ---- pages ------------------------------------------------------------------------- */

static gboolean
load_rows_by_id (MotcuaDossierList *self, guint first, guint n, GPtrArray *rows, GError **error)
{
  for (guint i = first; i < first + n; i++)
    {
      sqlite3_stmt *stmt = prepare (self, g_strdup ("SELECT " MOTCUA_DOSSIER_COLUMNS " FROM dossiers WHERE id = :id"), error);
      int rc;

      if (stmt == NULL)
        return FALSE;
      bind_named_int (stmt, ":id", g_array_index (self->ids, gint64, i));
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        g_ptr_array_add (rows, read_row (stmt));
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return step_failed (self, rc, error);
    }
  return TRUE;
}

/* The ids come from a covering index (cheap to skip over at a large offset); only the
 * page's own rows are read from the table. */
static gboolean
load_segment_rows (MotcuaDossierList *self, const Ordering *ordering, guint offset, guint n,
                   GPtrArray *rows, GError **error)
{
  g_autofree char *where = where_clause (ordering->where, NULL);
  sqlite3_stmt *stmt = prepare (self, g_strdup_printf ("SELECT " MOTCUA_DOSSIER_COLUMNS " FROM dossiers WHERE id IN"
                                                       " (SELECT id FROM dossiers%s ORDER BY %s"
                                                       "  LIMIT :limit OFFSET :offset) ORDER BY %s",
                                                       where, ordering->order, ordering->order), error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  bind_named_int (stmt, ":limit", n);
  bind_named_int (stmt, ":offset", offset);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (rows, read_row (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return step_failed (self, rc, error);
  return TRUE;
}

static gboolean
load_rows (MotcuaDossierList *self, guint first, guint n, GPtrArray *rows, GError **error)
{
  guint segment_start = 0;

  if (self->ids != NULL)
    return load_rows_by_id (self, first, n, rows, error);

  for (guint s = 0; s < self->n_segments; s++)
    {
      guint segment_end = segment_start + self->segments[s].count;
      guint from = MAX (first, segment_start), to = MIN (first + n, segment_end);

      if (from < to && !load_segment_rows (self, self->segments[s].ordering,
                                           from - segment_start, to - from, rows, error))
        return FALSE;
      segment_start = segment_end;
    }
  return TRUE;
}

static Page *
find_page (MotcuaDossierList *self, guint index)
{
  for (GList *l = self->pages.head; l != NULL; l = l->next)
    {
      Page *page = l->data;

      if (page->index == index)
        {
          g_queue_unlink (&self->pages, l);
          g_queue_push_head_link (&self->pages, l);
          return page;
        }
    }
  return NULL;
}

static Page *
load_page (MotcuaDossierList *self, guint index)
{
  g_autoptr(GError) error = NULL;
  Page *page = g_new0 (Page, 1);
  guint first = index * MOTCUA_DOSSIER_LIST_PAGE_SIZE;
  guint n = MIN (MOTCUA_DOSSIER_LIST_PAGE_SIZE, self->n_items - first);

  page->index = index;
  page->rows = g_ptr_array_new_full (n, g_object_unref);
  if (!load_rows (self, first, n, page->rows, &error))
    g_warning ("Cannot read the queue: %s", error->message);
  self->n_loaded_rows += page->rows->len;
  /* Rows deleted by another process since the count: keep the positions the view was
   * promised; the next reload tidies up. */
  while (page->rows->len < n)
    g_ptr_array_add (page->rows, motcua_dossier_new ());

  g_queue_push_head (&self->pages, page);
  while (self->pages.length > MAX_CACHED_PAGES)
    page_free (g_queue_pop_tail (&self->pages));
  return page;
}

/* ---- GListModel ----------------------------------------------------------------------- */

static GType
get_item_type (GListModel *model)
{
  return MOTCUA_TYPE_DOSSIER;
}

static guint
get_n_items (GListModel *model)
{
  return MOTCUA_DOSSIER_LIST (model)->n_items;
}

static gpointer
get_item (GListModel *model, guint position)
{
  MotcuaDossierList *self = MOTCUA_DOSSIER_LIST (model);
  guint index = position / MOTCUA_DOSSIER_LIST_PAGE_SIZE;
  Page *page;

  if (position >= self->n_items)
    return NULL;
  page = find_page (self, index);
  if (page == NULL)
    page = load_page (self, index);
  return g_object_ref (g_ptr_array_index (page->rows, position % MOTCUA_DOSSIER_LIST_PAGE_SIZE));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

/* ---- public API --------------------------------------------------------------------- */

MotcuaDossierList *
motcua_dossier_list_new (MotcuaStore *store)
{
  MotcuaDossierList *self;

  g_return_val_if_fail (MOTCUA_IS_STORE (store), NULL);

  self = g_object_new (MOTCUA_TYPE_DOSSIER_LIST, NULL);
  self->store = g_object_ref (store);
  /* The search index keeps no state but its statements; its own instance over the
   * store's connection lets the list rank ids without loading dossiers. */
  self->search_index = motcua_search_index_new (motcua_store_get_db (store));
  reload_or_warn (self);
  return self;
}

MotcuaStore *
motcua_dossier_list_get_store (MotcuaDossierList *self)
{
  g_return_val_if_fail (MOTCUA_IS_DOSSIER_LIST (self), NULL);
  return self->store;
}

void
motcua_dossier_list_set_query (MotcuaDossierList *self,
                               MotcuaQueueFilter  filter,
                               MotcuaQueueSort    sort,
                               const char        *search)
{
  char *copy;

  g_return_if_fail (MOTCUA_IS_DOSSIER_LIST (self));
  g_return_if_fail (filter < MOTCUA_QUEUE_N_FILTERS);
  g_return_if_fail (sort <= MOTCUA_QUEUE_SORT_CODE);

  /* Blank is no search: "" from an empty entry must not re-read a list made with NULL. */
  if (motcua_text_is_blank (search))
    search = NULL;
  if (filter == self->filter && sort == self->sort && g_strcmp0 (search, self->search) == 0)
    return;
  self->filter = filter;
  self->sort = sort;
  /* Copied before the old one goes: @search may be it (from get_search). */
  copy = g_strdup (search);
  g_free (self->search);
  self->search = copy;
  reload_or_warn (self);
}

void
motcua_dossier_list_set_filter (MotcuaDossierList *self, MotcuaQueueFilter filter)
{
  g_return_if_fail (MOTCUA_IS_DOSSIER_LIST (self));
  motcua_dossier_list_set_query (self, filter, self->sort, self->search);
}

MotcuaQueueFilter
motcua_dossier_list_get_filter (MotcuaDossierList *self)
{
  g_return_val_if_fail (MOTCUA_IS_DOSSIER_LIST (self), MOTCUA_QUEUE_FILTER_ALL);
  return self->filter;
}

void
motcua_dossier_list_set_sort (MotcuaDossierList *self, MotcuaQueueSort sort)
{
  g_return_if_fail (MOTCUA_IS_DOSSIER_LIST (self));
  motcua_dossier_list_set_query (self, self->filter, sort, self->search);
}

MotcuaQueueSort
motcua_dossier_list_get_sort (MotcuaDossierList *self)
{
  g_return_val_if_fail (MOTCUA_IS_DOSSIER_LIST (self), MOTCUA_QUEUE_SORT_DUE);
  return self->sort;
}

void
motcua_dossier_list_set_search (MotcuaDossierList *self, const char *search)
{
  g_return_if_fail (MOTCUA_IS_DOSSIER_LIST (self));
  motcua_dossier_list_set_query (self, self->filter, self->sort, search);
}

const char *
motcua_dossier_list_get_search (MotcuaDossierList *self)
{
  g_return_val_if_fail (MOTCUA_IS_DOSSIER_LIST (self), NULL);
  return self->search;
}

/* ---- finding a code ------------------------------------------------------------------ */

static guint
find_code_in_pages (MotcuaDossierList *self, const char *code)
{
  for (GList *l = self->pages.head; l != NULL; l = l->next)
    {
      Page *page = l->data;

      for (guint i = 0; i < page->rows->len; i++)
        if (g_strcmp0 (motcua_dossier_get_code (g_ptr_array_index (page->rows, i)), code) == 0)
          return page->index * MOTCUA_DOSSIER_LIST_PAGE_SIZE + i;
    }
  return G_MAXUINT;
}

static guint
find_code_in_ids (MotcuaDossierList *self, const char *code)
{
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt = prepare (self, g_strdup ("SELECT id FROM dossiers WHERE code = :code"), &error);
  gint64 id;

  if (stmt == NULL)
    return G_MAXUINT;
  bind_named (stmt, ":code", code);
  if (!query_int (self, stmt, &id, &error) || id == 0)
    return G_MAXUINT;
  for (guint i = 0; i < self->ids->len; i++)
    if (g_array_index (self->ids, gint64, i) == id)
      return i;
  return G_MAXUINT;
}

/* The position inside one segment: the rows whose sort keys come before the code's. */
static gboolean
rank_in_segment (MotcuaDossierList *self, const Ordering *ordering, const char *code, guint *rank)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *where = where_clause (ordering->where, NULL);
  g_autofree char *sql = NULL;
  const char *names[] = { ":k1", ":k2", ":k3" };
  sqlite3_stmt *keys, *before;
  gint64 count;
  int rc;

  keys = prepare (self, g_strdup_printf ("SELECT %s FROM dossiers%s%scode = :code", ordering->keys,
                                         where, *where ? " AND " : " WHERE "), &error);
  if (keys == NULL)
    return FALSE;
  bind_named (keys, ":code", code);
  if ((rc = sqlite3_step (keys)) != SQLITE_ROW)
    {
      sqlite3_reset (keys);
      return FALSE;
    }

  sql = g_strdup_printf ("SELECT count(*) FROM dossiers%s%s(%s) %c (%s)", where, *where ? " AND " : " WHERE ",
                         ordering->keys, ordering->descending ? '>' : '<',
                         ordering->n_keys == 3 ? ":k1, :k2, :k3" : ordering->n_keys == 2 ? ":k1, :k2" : ":k1");
  before = prepare (self, g_steal_pointer (&sql), &error);
  if (before == NULL)
    {
      sqlite3_reset (keys);
      return FALSE;
    }
  for (guint k = 0; k < ordering->n_keys; k++)
    sqlite3_bind_value (before, sqlite3_bind_parameter_index (before, names[k]),
                        sqlite3_column_value (keys, k));
  sqlite3_reset (keys);
  if (!query_int (self, before, &count, &error))
    return FALSE;
  *rank = count;
  return TRUE;
}

guint
motcua_dossier_list_find_code (MotcuaDossierList *self, const char *code)
{
  guint position, segment_start = 0;

  g_return_val_if_fail (MOTCUA_IS_DOSSIER_LIST (self), G_MAXUINT);

  if (code == NULL)
    return G_MAXUINT;
  if ((position = find_code_in_pages (self, code)) != G_MAXUINT)
    return position;
  if (self->ids != NULL)
    return find_code_in_ids (self, code);

  for (guint s = 0; s < self->n_segments; s++)
    {
      guint rank;

      if (rank_in_segment (self, self->segments[s].ordering, code, &rank))
        return rank < self->segments[s].count ? segment_start + rank : G_MAXUINT;
      segment_start += self->segments[s].count;
    }
  return G_MAXUINT;
}

/* ---- counts --------------------------------------------------------------------------- */

/* Shared by the main thread (on the store's connection) and the worker (on its own).
 * A count already in @counts (not negative) is kept. */
static gboolean
count_filters_on (sqlite3 *db, const char *path, const Params *params, gint64 *counts,
                  GCancellable *cancellable, GError **error)
{
  for (guint i = 0; i < MOTCUA_QUEUE_N_FILTERS; i++)
    {
      g_autofree char *where = where_clause (filter_sql[i], NULL);
      g_autofree char *sql = g_strconcat ("SELECT count(*) FROM dossiers", where, NULL);
      sqlite3_stmt *stmt = NULL;
      int rc;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (counts[i] >= 0)
        continue;
      rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
      if (rc == SQLITE_OK)
        {
          bind_params (stmt, params);
          rc = sqlite3_step (stmt);
          counts[i] = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
        }
      sqlite3_finalize (stmt);
      if (rc != SQLITE_ROW)
        {
          set_db_error (db, rc, path, error);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
motcua_dossier_list_count_filters (MotcuaDossierList *self, GDateTime *now, gint64 *counts,
                                   GError **error)
{
  Params params = { NULL, };
  gboolean success;

  g_return_val_if_fail (MOTCUA_IS_DOSSIER_LIST (self), FALSE);
  g_return_val_if_fail (counts != NULL, FALSE);

  params_fill (&params, self->store, now);
  for (guint i = 0; i < MOTCUA_QUEUE_N_FILTERS; i++)
    counts[i] = -1;
  success = count_filters_on (motcua_store_get_db (self->store), motcua_store_get_path (self->store),
                              &params, counts, NULL, error);
  params_clear (&params);
  return success;
}

typedef struct {
  char   *path;
  Params  params;
  gint64  total;   /* every dossier, when the list knows it already; else -1 */
} CountData;

static void
count_data_free (CountData *data)
{
  g_free (data->path);
  params_clear (&data->params);
  g_free (data);
}

/* A worker thread's own connection. Read-only and WAL: it never waits for the
 * window's writes, nor they for it. */
static gboolean
open_reader (const char *path, sqlite3 **db, GError **error)
{
  int rc = sqlite3_open_v2 (path, db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);

  if (rc == SQLITE_OK)
    sqlite3_busy_timeout (*db, 5000);
  else
    set_db_error (*db, rc, path, error);
  return rc == SQLITE_OK;
}

static void
count_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  CountData *data = task_data;
  g_autofree gint64 *counts = g_new0 (gint64, MOTCUA_QUEUE_N_FILTERS);
  GError *error = NULL;
  sqlite3 *db = NULL;

  for (guint i = 0; i < MOTCUA_QUEUE_N_FILTERS; i++)
    counts[i] = -1;
  /* A fresh connection reads the whole index to count everything: the list has just
   * done that on its own. */
  counts[MOTCUA_QUEUE_FILTER_ALL] = data->total;

  if (open_reader (data->path, &db, &error))
    count_filters_on (db, data->path, &data->params, counts, cancellable, &error);
  sqlite3_close_v2 (db);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&counts), g_free);
}

void
motcua_dossier_list_count_filters_async (MotcuaDossierList   *self,
                                         GDateTime           *now,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CountData *data;

  g_return_if_fail (MOTCUA_IS_DOSSIER_LIST (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, motcua_dossier_list_count_filters_async);
  data = g_new0 (CountData, 1);
  data->path = g_strdup (motcua_store_get_path (self->store));
  params_fill (&data->params, self->store, now);
  data->total = counts_still_valid (self) ? self->counts.total : -1;
  g_task_set_task_data (task, data, (GDestroyNotify) count_data_free);
  g_task_run_in_thread (task, count_in_thread);
}

gboolean
motcua_dossier_list_count_filters_finish (MotcuaDossierList *self,
                                          GAsyncResult      *result,
                                          gint64            *counts,
                                          GError           **error)
{
  g_autofree gint64 *values = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == motcua_dossier_list_count_filters_async, FALSE);

  values = g_task_propagate_pointer (G_TASK (result), error);
  if (values == NULL)
    return FALSE;
  memcpy (counts, values, sizeof (gint64) * MOTCUA_QUEUE_N_FILTERS);
  return TRUE;
}

/* ---- warming the search index ------------------------------------------------------ */

static void
warm_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  const char *path = task_data;
  GError *error = NULL;
  sqlite3 *db = NULL;
  guint64 bytes = 0;

  if (open_reader (path, &db, &error))
    motcua_search_index_warm (db, cancellable, &bytes, &error);
  sqlite3_close_v2 (db);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, (gssize) MIN (bytes, G_MAXSSIZE));
}

void
motcua_dossier_list_warm_search_async (MotcuaDossierList   *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MOTCUA_IS_DOSSIER_LIST (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, motcua_dossier_list_warm_search_async);
  g_task_set_task_data (task, g_strdup (motcua_store_get_path (self->store)), g_free);
  g_task_run_in_thread (task, warm_in_thread);
}

gboolean
motcua_dossier_list_warm_search_finish (MotcuaDossierList *self,
                                        GAsyncResult      *result,
                                        guint64           *bytes_read,
                                        GError           **error)
{
  gssize bytes;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == motcua_dossier_list_warm_search_async, FALSE);

  bytes = g_task_propagate_int (G_TASK (result), error);
  if (bytes < 0)
    return FALSE;
  if (bytes_read != NULL)
    *bytes_read = bytes;
  return TRUE;
}

guint64
motcua_dossier_list_get_n_loaded_rows (MotcuaDossierList *self)
{
  g_return_val_if_fail (MOTCUA_IS_DOSSIER_LIST (self), 0);
  return self->n_loaded_rows;
}

guint
motcua_dossier_list_get_n_cached_rows (MotcuaDossierList *self)
{
  guint n = 0;

  g_return_val_if_fail (MOTCUA_IS_DOSSIER_LIST (self), 0);
  for (GList *l = self->pages.head; l != NULL; l = l->next)
    n += ((Page *) l->data)->rows->len;
  return n;
}
