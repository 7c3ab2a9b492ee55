/* test-dossier-list.c: the queue's paged list model against plain SQL.
 *
 * One demo office of 3,000 dossiers (generated in-process, clock pinned to Monday
 * 23 November 2026 09:00) is shared by every test. Each expectation is a single
 * SELECT written here independently of the model: the whole order in one ORDER BY,
 * each filter as its own WHERE, so a mistake in the model's segments, offsets or
 * page cache shows up as a different code at some position.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "motcua-demo.h"
#include "motcua-dossier-list.h"
#include "motcua-error.h"
#include "motcua-fold.h"
#include "motcua-search-index.h"
#include "motcua-store.h"
#include "motcua-test-util.h"
#include "queue-expectations.h"

#define N_DOSSIERS 3000

static char        *test_dir;
static MotcuaStore *store;

/* ---- the expectations, in plain SQL ------------------------------------------------- */


/* By due date: clock running first, soonest due first (no due date last); then the
 * other open ones the same way; then finished ones, by status from the highest and
 * latest due first. One ORDER BY, however slow. */
#define CLOSED "(status IN (3, 7, 8, 10))"
static const char * const expected_order[] = {
  [MOTCUA_QUEUE_SORT_DUE] =
    "status NOT IN (2, 4), " CLOSED ", CASE WHEN " CLOSED " THEN -status END,"
    " CASE WHEN NOT " CLOSED " THEN due_at IS NULL END,"
    " CASE WHEN NOT " CLOSED " THEN due_at END,"
    " CASE WHEN " CLOSED " THEN due_at END DESC,"
    " CASE WHEN " CLOSED " THEN -id ELSE id END",
  [MOTCUA_QUEUE_SORT_RECEIVED] = "received_at DESC, id DESC",
  [MOTCUA_QUEUE_SORT_CODE] = "code DESC",
};

static GPtrArray *
expected_codes (MotcuaQueueFilter filter, MotcuaQueueSort sort)
{
  g_autofree char *sql = g_strdup_printf ("SELECT code FROM dossiers d WHERE %s ORDER BY %s",
                                          queue_expected_where[filter], expected_order[sort]);
  GPtrArray *codes = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (motcua_store_get_db (store), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (codes, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);
  return codes;
}

static gint64
expected_count (MotcuaQueueFilter filter)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM dossiers d WHERE %s", queue_expected_where[filter]);

  return motcua_test_store_int (store, sql);
}

static const char *
code_at (GListModel *model, guint position)
{
  g_autoptr(MotcuaDossier) dossier = g_list_model_get_item (model, position);

  g_assert_nonnull (dossier);
  /* The cached page keeps the dossier alive after this reference goes. */
  return motcua_dossier_get_code (dossier);
}

/* ---- tests ---------------------------------------------------------------------- */

static void
test_demo_has_every_filter (void)
{
  /* Without rows in a filter the paging tests below would prove nothing about it. */
  for (guint f = 0; f < MOTCUA_QUEUE_N_FILTERS; f++)
    {
      g_test_message ("%s: %" G_GINT64_FORMAT, motcua_queue_filter_to_string (f), expected_count (f));
      g_assert_cmpint (expected_count (f), >, 0);
    }
  g_assert_cmpint (expected_count (MOTCUA_QUEUE_FILTER_ALL), ==, N_DOSSIERS);
}

static void
test_paging_every_filter_and_sort (void)
{
  g_autoptr(MotcuaDossierList) list = motcua_dossier_list_new (store);
  GListModel *model = G_LIST_MODEL (list);

  for (guint sort = MOTCUA_QUEUE_SORT_DUE; sort <= MOTCUA_QUEUE_SORT_CODE; sort++)
    for (guint f = 0; f < MOTCUA_QUEUE_N_FILTERS; f++)
      {
        g_autoptr(GPtrArray) codes = expected_codes (f, sort);

        g_test_message ("%s by %s: %u", motcua_queue_filter_to_string (f), motcua_queue_sort_to_string (sort),
                        codes->len);
        motcua_dossier_list_set_query (list, f, sort, NULL);
        g_assert_cmpuint (g_list_model_get_n_items (model), ==, codes->len);
        for (guint i = 0; i < codes->len; i++)
          g_assert_cmpstr (code_at (model, i), ==, g_ptr_array_index (codes, i));
        g_assert_null (g_list_model_get_item (model, codes->len));
        g_assert_cmpuint (motcua_dossier_list_get_n_cached_rows (list), <=, 8 * MOTCUA_DOSSIER_LIST_PAGE_SIZE);
      }
}

/* Scrolling jumps (the scroll bar dragged, End pressed): pages evicted and read
 * again must give the same rows. */
static void
test_random_access (void)
{
  g_autoptr(MotcuaDossierList) list = motcua_dossier_list_new (store);
  g_autoptr(GPtrArray) codes = expected_codes (MOTCUA_QUEUE_FILTER_ALL, MOTCUA_QUEUE_SORT_DUE);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);

  for (guint i = 0; i < 2000; i++)
    {
      guint position = g_rand_int_range (rand, 0, codes->len);
      g_assert_cmpstr (code_at (G_LIST_MODEL (list), position), ==, g_ptr_array_index (codes, position));
    }
  g_assert_cmpuint (motcua_dossier_list_get_n_cached_rows (list), <=, 8 * MOTCUA_DOSSIER_LIST_PAGE_SIZE);
}

static void
test_reads_only_what_is_asked (void)
{
  g_autoptr(MotcuaDossierList) list = motcua_dossier_list_new (store);
  g_autoptr(MotcuaDossier) first = NULL;
  g_autoptr(MotcuaDossier) last = NULL;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (list));

  g_assert_cmpuint (n, ==, N_DOSSIERS);
  g_assert_cmpuint (motcua_dossier_list_get_n_loaded_rows (list), ==, 0);
  first = g_list_model_get_item (G_LIST_MODEL (list), 0);
  g_assert_cmpuint (motcua_dossier_list_get_n_loaded_rows (list), ==, MOTCUA_DOSSIER_LIST_PAGE_SIZE);
  g_clear_object (&first);
  first = g_list_model_get_item (G_LIST_MODEL (list), MOTCUA_DOSSIER_LIST_PAGE_SIZE - 1);
  g_assert_cmpuint (motcua_dossier_list_get_n_loaded_rows (list), ==, MOTCUA_DOSSIER_LIST_PAGE_SIZE);
  last = g_list_model_get_item (G_LIST_MODEL (list), n - 1);
  g_assert_cmpuint (motcua_dossier_list_get_n_loaded_rows (list), ==,
                    MOTCUA_DOSSIER_LIST_PAGE_SIZE + (n - 1) % MOTCUA_DOSSIER_LIST_PAGE_SIZE + 1);
  /* The row's own columns are all there; documents are not read. */
  g_assert_nonnull (motcua_dossier_get_uid (last));
  g_assert_nonnull (motcua_dossier_get_applicant_name (last));
  g_assert_nonnull (motcua_dossier_get_procedure_name (last));
  g_assert_cmpuint (motcua_dossier_get_event_count (last), >, 0);
}

static void
test_counts (void)
{
  g_autoptr(MotcuaDossierList) list = motcua_dossier_list_new (store);
  gint64 counts[MOTCUA_QUEUE_N_FILTERS];
  g_autoptr(GError) error = NULL;

  g_assert_true (motcua_dossier_list_count_filters (list, NULL, counts, &error));
  g_assert_no_error (error);
  for (guint f = 0; f < MOTCUA_QUEUE_N_FILTERS; f++)
    {
      g_assert_cmpint (counts[f], ==, expected_count (f));
      motcua_dossier_list_set_filter (list, f);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, counts[f]);
    }
}

static void
counted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  gint64 *counts = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (motcua_dossier_list_count_filters_finish (MOTCUA_DOSSIER_LIST (source), result, counts, &error));
  g_assert_no_error (error);
}

static void
test_counts_async (void)
{
  g_autoptr(MotcuaDossierList) list = motcua_dossier_list_new (store);
  gint64 counts[MOTCUA_QUEUE_N_FILTERS] = { -1, -1, -1, -1, -1, -1, -1, -1 };

  motcua_dossier_list_count_filters_async (list, NULL, NULL, counted, counts);
  while (counts[0] == -1)
    g_main_context_iteration (NULL, TRUE);
  for (guint f = 0; f < MOTCUA_QUEUE_N_FILTERS; f++)
    g_assert_cmpint (counts[f], ==, expected_count (f));
}

static void
warmed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_for_warming (MotcuaDossierList *list, GCancellable *cancellable)
{
  GAsyncResult *result = NULL;

  motcua_dossier_list_warm_search_async (list, cancellable, warmed, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return result;
}

/* Every byte of the search tables is read: counted here in SQL, column by column. */
static void
test_warm_search (void)
{
  g_autoptr(MotcuaDossierList) list = motcua_dossier_list_new (store);
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db = motcua_store_get_db (store);
  gint64 expected = motcua_test_search_index_bytes (db);
  guint64 bytes = 0;

  g_assert_cmpint (expected, >, N_DOSSIERS * 40);
  result = wait_for_warming (list, NULL);
  g_assert_true (motcua_dossier_list_warm_search_finish (list, result, &bytes, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (bytes, ==, expected);

  /* Closing the window stops it. */
  g_clear_object (&result);
  g_cancellable_cancel (cancelled);
  result = wait_for_warming (list, cancelled);
  g_assert_false (motcua_dossier_list_warm_search_finish (list, result, &bytes, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* A database without the index says so, in words. */
static void
test_warm_search_without_index (void)
{
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;
  guint64 bytes = 1;

  g_assert_cmpint (sqlite3_open (":memory:", &db), ==, SQLITE_OK);
  g_assert_false (motcua_search_index_warm (db, NULL, &bytes, &error));
  g_assert_error (error, MOTCUA_ERROR, MOTCUA_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "dossier_search_data"));
  g_assert_cmpuint (bytes, ==, 0);
  sqlite3_close (db);
}

static gboolean
folded_contains_word_prefix (MotcuaDossier *dossier, const char *prefix)
{
  const char *fields[] = {
    motcua_dossier_get_code (dossier), motcua_dossier_get_applicant_name (dossier),
    motcua_dossier_get_applicant_id_number (dossier), motcua_dossier_get_applicant_phone (dossier),
    motcua_dossier_get_procedure_name (dossier),
  };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autofree char *folded = motcua_fold_text (fields[i]);
      g_autofree char *spaced = g_strconcat (" ", folded, NULL);
      g_autofree char *word = g_strconcat (" ", prefix, NULL);

      if (strstr (spaced, word) != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
test_search (void)
{
  g_autoptr(MotcuaDossierList) list = motcua_dossier_list_new (store);
  GListModel *model = G_LIST_MODEL (list);
  guint n, n_named = 0;

  motcua_dossier_list_set_search (list, "nguyen");
  n = g_list_model_get_n_items (model);
  g_assert_cmpuint (n, >, 0);
  g_assert_cmpuint (n, <=, MOTCUA_DOSSIER_LIST_SEARCH_LIMIT);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MotcuaDossier) dossier = g_list_model_get_item (model, i);

      g_assert_true (folded_contains_word_prefix (dossier, "nguyen"));
      n_named += strstr (motcua_dossier_get_applicant_name (dossier), "Nguyễn") != NULL;
    }
  g_assert_cmpuint (n_named, >, n / 2);

  /* The filter applies to the matches, in the same ranking. */
  motcua_dossier_list_set_filter (list, MOTCUA_QUEUE_FILTER_READY);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(MotcuaDossier) dossier = g_list_model_get_item (model, i);
      g_assert_cmpint (motcua_dossier_get_status (dossier), ==, MOTCUA_STATUS_RESULT_READY);
    }
  g_assert_cmpuint (g_list_model_get_n_items (model), <, n);

  /* A whole code finds exactly its dossier. */
  {
    g_autoptr(GPtrArray) codes = expected_codes (MOTCUA_QUEUE_FILTER_ALL, MOTCUA_QUEUE_SORT_CODE);

    motcua_dossier_list_set_query (list, MOTCUA_QUEUE_FILTER_ALL, MOTCUA_QUEUE_SORT_DUE, g_ptr_array_index (codes, 17));
    g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
    g_assert_cmpstr (code_at (model, 0), ==, g_ptr_array_index (codes, 17));
  }

  motcua_dossier_list_set_search (list, "zzqxw");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);
  motcua_dossier_list_set_search (list, "  ");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, N_DOSSIERS);
}

static void
test_find_code (void)
{
  g_autoptr(MotcuaDossierList) list = motcua_dossier_list_new (store);
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);

  for (guint sort = MOTCUA_QUEUE_SORT_DUE; sort <= MOTCUA_QUEUE_SORT_CODE; sort++)
    for (guint f = 0; f < MOTCUA_QUEUE_N_FILTERS; f++)
      {
        g_autoptr(GPtrArray) codes = expected_codes (f, sort);
        g_autoptr(GPtrArray) all = expected_codes (MOTCUA_QUEUE_FILTER_ALL, sort);
        g_autoptr(GHashTable) listed = g_hash_table_new (g_str_hash, g_str_equal);

        for (guint i = 0; i < codes->len; i++)
          g_hash_table_add (listed, g_ptr_array_index (codes, i));
        for (guint k = 0; k < 20; k++)
          {
            guint position = g_rand_int_range (rand, 0, codes->len);

            /* A fresh read each time, so the page cache cannot answer. */
            motcua_dossier_list_set_query (list, f, sort, NULL);
            motcua_dossier_list_reload (list, NULL);
            g_assert_cmpuint (motcua_dossier_list_find_code (list, g_ptr_array_index (codes, position)), ==, position);
          }
        for (guint k = 0; k < 20; k++)
          {
            const char *code = g_ptr_array_index (all, g_rand_int_range (rand, 0, all->len));
            if (!g_hash_table_contains (listed, code))
              g_assert_cmpuint (motcua_dossier_list_find_code (list, code), ==, G_MAXUINT);
          }
      }
  g_assert_cmpuint (motcua_dossier_list_find_code (list, "no-such-code"), ==, G_MAXUINT);
}

typedef struct {
  guint calls;
  guint position, removed, added;
} Changes;

static void
items_changed (GListModel *model, guint position, guint removed, guint added, Changes *changes)
{
  changes->calls++;
  changes->position = position;
  changes->removed = removed;
  changes->added = added;
}

static void
test_items_changed_on_reload (void)
{
  g_autoptr(MotcuaDossierList) list = motcua_dossier_list_new (store);
  g_autoptr(MotcuaDossier) received = NULL;
  g_autoptr(GError) error = NULL;
  Changes changes = { 0, };
  guint before = g_list_model_get_n_items (G_LIST_MODEL (list));
  MotcuaReceiveRequest request = {
    .procedure_code = "1.001193",
    .applicant_name = "Nguyễn Văn Kiểm Thử",
    .applicant_id_number = "036099001234",
    .applicant_phone = "0912345678",
    .applicant_address = "Thôn Đông, xã Quảng Phú",
  };

  g_signal_connect (list, "items-changed", G_CALLBACK (items_changed), &changes);

  motcua_dossier_list_set_filter (list, MOTCUA_QUEUE_FILTER_READY);
  g_assert_cmpuint (changes.calls, ==, 1);
  g_assert_cmpuint (changes.position, ==, 0);
  g_assert_cmpuint (changes.removed, ==, before);
  g_assert_cmpuint (changes.added, ==, expected_count (MOTCUA_QUEUE_FILTER_READY));

  /* Setting the same query again reads nothing. */
  motcua_dossier_list_set_filter (list, MOTCUA_QUEUE_FILTER_READY);
  g_assert_cmpuint (changes.calls, ==, 1);

  motcua_dossier_list_set_filter (list, MOTCUA_QUEUE_FILTER_ALL);
  received = motcua_store_receive (store, &request, &error);
  g_assert_no_error (error);
  g_assert_true (motcua_dossier_list_reload (list, &error));
  g_assert_cmpuint (changes.calls, ==, 3);
  g_assert_cmpuint (changes.removed, ==, before);
  g_assert_cmpuint (changes.added, ==, before + 1);
  g_assert_cmpuint (motcua_dossier_list_find_code (list, motcua_dossier_get_code (received)), !=, G_MAXUINT);

  /* Another workstation process receives one: a reload sees it. */
  {
    g_autoptr(MotcuaStore) other = motcua_store_open (motcua_store_get_path (store), &error);
    g_autoptr(MotcuaDossier) elsewhere = NULL;

    g_assert_no_error (error);
    request.applicant_name = "Trần Thị Nơi Khác";
    request.applicant_id_number = "036199004321";
    elsewhere = motcua_store_receive (other, &request, &error);
    g_assert_no_error (error);
    g_assert_true (motcua_dossier_list_reload (list, &error));
    g_assert_cmpuint (changes.added, ==, before + 2);
    g_assert_cmpuint (motcua_dossier_list_find_code (list, motcua_dossier_get_code (elsewhere)), !=, G_MAXUINT);
  }

  /* The new dossier is found by search at once. */
  motcua_dossier_list_set_search (list, "kiem thu");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), >=, 1);
  g_assert_cmpstr (code_at (G_LIST_MODEL (list), 0), ==, motcua_dossier_get_code (received));
}

static void
test_names (void)
{
  for (guint f = 0; f < MOTCUA_QUEUE_N_FILTERS; f++)
    {
      MotcuaQueueFilter back;
      g_assert_true (motcua_queue_filter_from_string (motcua_queue_filter_to_string (f), &back));
      g_assert_cmpuint (back, ==, f);
    }
  for (guint s = MOTCUA_QUEUE_SORT_DUE; s <= MOTCUA_QUEUE_SORT_CODE; s++)
    {
      MotcuaQueueSort back;
      g_assert_true (motcua_queue_sort_from_string (motcua_queue_sort_to_string (s), &back));
      g_assert_cmpuint (back, ==, s);
    }
}

/* ---- the shared office ------------------------------------------------------------- */

static void
make_office (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  MotcuaAgency agency = { .code = (char *) "000.17.22.H56", .name = (char *) "Ủy ban nhân dân xã Quảng Phú" };

  test_dir = motcua_test_make_temp_dir ("motcua-dossier-list-XXXXXX");
  path = g_build_filename (test_dir, "office.db", NULL);
  store = motcua_test_open_demo_office (path, &agency);
  g_assert_true (motcua_demo_generate (store, N_DOSSIERS, 1, &error));
  g_assert_no_error (error);
  /* The demo never syncs; a few rejected events give "needs attention" its second half. */
  g_assert_true (motcua_test_exec_sql (motcua_store_get_db (store),
                                       "UPDATE events SET sync_state = 2, reject_reason = 'test'"
                                       " WHERE id IN (SELECT id FROM events WHERE seq = 1 AND id % 97 = 0)"));
  /* …and copies of a few events, as sync sets them aside, its third (one dismissed,
   * which no longer counts). */
  g_assert_true (motcua_test_exec_sql (motcua_store_get_db (store),
                                       "INSERT INTO set_aside_events (op_id, dossier_uid, seq, actor, actor_role,"
                                       "  confirmed_at, kind, payload, prev_hash, hash, set_aside_at, reason, dismissed)"
                                       " SELECT op_id || '-aside', dossier_uid, seq + 100, actor, actor_role, confirmed_at,"
                                       "  kind, payload, prev_hash, hash, confirmed_at, 'conflict', id % 2"
                                       " FROM events WHERE seq = 2 AND id % 89 = 0"));
}

int
main (int argc, char **argv)
{
  int status;

  g_setenv ("MOTCUA_NOW", MOTCUA_TEST_NOW, TRUE);
  g_test_init (&argc, &argv, NULL);
  make_office ();

  g_test_add_func ("/dossier-list/names", test_names);
  g_test_add_func ("/dossier-list/demo-has-every-filter", test_demo_has_every_filter);
  g_test_add_func ("/dossier-list/paging", test_paging_every_filter_and_sort);
  g_test_add_func ("/dossier-list/random-access", test_random_access);
  g_test_add_func ("/dossier-list/reads-only-what-is-asked", test_reads_only_what_is_asked);
  g_test_add_func ("/dossier-list/counts", test_counts);
  g_test_add_func ("/dossier-list/counts-async", test_counts_async);
  g_test_add_func ("/dossier-list/search", test_search);
  g_test_add_func ("/dossier-list/warm-search", test_warm_search);
  g_test_add_func ("/dossier-list/warm-search-without-index", test_warm_search_without_index);
  g_test_add_func ("/dossier-list/find-code", test_find_code);
  g_test_add_func ("/dossier-list/items-changed-on-reload", test_items_changed_on_reload);
  status = g_test_run ();

  g_clear_object (&store);
  motcua_test_remove_tree (test_dir);
  g_free (test_dir);
  return status;
}
