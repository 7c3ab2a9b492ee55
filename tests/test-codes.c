/* test-codes.c: dossier codes (mã hồ sơ), {agency}-{yyMMdd}-{NNNN}.
 *
 * The format and parser on their own; then allocation through the store: daily
 * restart, blocks reserved from the server, and uniqueness when several `motcua`
 * processes receive dossiers into one database at the same moment.
 *
 * Assertions are non-fatal (see main()), so a failing test does not hide the others.
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "motcua-catalog.h"
#include "motcua-codes.h"
#include "motcua-store.h"
#include "motcua-test-util.h"

#define AGENCY   "000.17.22.H56"
#define TAM_TRU  "1.004194"   /* temporary residence, in the demo catalog */

/* ---- format and parse ------------------------------------------------------- */

static void
test_format (void)
{
  g_autoptr(GDateTime) day = motcua_test_vn_time (2021, 5, 31, 9, 15, 0);
  g_autofree char *first = motcua_code_format (AGENCY, day, 1);
  g_autofree char *big = motcua_code_format (AGENCY, day, 10000);
  g_autofree char *yymmdd = motcua_code_day (day);

  /* The example of Circular 01/2018. */
  g_assert_cmpstr (first, ==, "000.17.22.H56-210531-0001");
  g_assert_cmpstr (yymmdd, ==, "210531");
  /* Past 9999 the sequence simply grows a digit. */
  g_assert_cmpstr (big, ==, "000.17.22.H56-210531-10000");
}

static void
assert_round_trip (const char *agency,
                   int         year,
                   int         month,
                   int         day_of_month,
                   guint       sequence)
{
  g_autoptr(GDateTime) day = motcua_test_vn_time (year, month, day_of_month, 10, 0, 0);
  g_autofree char *code = motcua_code_format (agency, day, sequence);
  g_autofree char *parsed_agency = NULL;
  GDate parsed_day;
  guint parsed_sequence = 0;

  g_date_clear (&parsed_day, 1);
  if (!motcua_code_parse (code, &parsed_agency, &parsed_day, &parsed_sequence))
    {
      g_test_fail_printf ("%s was formatted but does not parse", code);
      return;
    }
  g_assert_cmpstr (parsed_agency, ==, agency);
  g_assert_cmpint (g_date_get_year (&parsed_day), ==, year);
  g_assert_cmpint (g_date_get_month (&parsed_day), ==, month);
  g_assert_cmpint (g_date_get_day (&parsed_day), ==, day_of_month);
  g_assert_cmpuint (parsed_sequence, ==, sequence);
}

static void
test_round_trip (void)
{
  const char *agencies[] = { AGENCY, "000.00.01.H29", "G01.001", "H56" };
  const int days[][3] = { { 2000, 1, 1 }, { 2021, 5, 31 }, { 2026, 2, 28 }, { 2028, 2, 29 }, { 2099, 12, 31 } };
  const guint sequences[] = { 1, 42, 999, 9999, 10000, 99999 };

  for (guint a = 0; a < G_N_ELEMENTS (agencies); a++)
    for (guint d = 0; d < G_N_ELEMENTS (days); d++)
      for (guint s = 0; s < G_N_ELEMENTS (sequences); s++)
        assert_round_trip (agencies[a], days[d][0], days[d][1], days[d][2], sequences[s]);
}

static void
test_parse_outputs_optional (void)
{
  guint sequence = 0;

  /* Every output may be NULL. */
  g_assert_true (motcua_code_parse ("000.17.22.H56-210531-0007", NULL, NULL, NULL));
  g_assert_true (motcua_code_parse ("000.17.22.H56-210531-0007", NULL, NULL, &sequence));
  g_assert_cmpuint (sequence, ==, 7);
}

static void
test_parse_rejects (void)
{
  g_autoptr(GString) accepted = g_string_new (NULL);
  const char *bad[] = {
    "",
    "000.17.22.H56",                    /* agency only */
    "000.17.22.H56-210531",             /* no sequence */
    "000.17.22.H56-210531-",            /* empty sequence */
    "000.17.22.H56--0001",              /* no day */
    "210531-0001",                      /* no agency */
    "-210531-0001",                     /* empty agency */
    "000.17.22.H56-260230-0001",        /* 30 February */
    "000.17.22.H56-211301-0001",        /* month 13 */
    "000.17.22.H56-210500-0001",        /* day 0 */
    "000.17.22.H56-21053-0001",         /* five-digit day */
    "000.17.22.H56-2105310-0001",       /* seven-digit day */
    "000.17.22.H56-21O531-0001",        /* letter O in the day */
    "000.17.22.H56-210531-00A1",        /* letter in the sequence */
    "000.17.22.H56-210531-001",         /* three-digit sequence */
    "000.17.22.H56-210531-+001",        /* sign in the sequence */
    "000.17.22.H56-210531- 001",        /* space in the sequence */
    "000.17.22.H56-210531-0001 ",       /* trailing space */
    "000.17_22.H56-210531-0001",        /* underscore in the agency */
    "000.17.22.H56 -210531-0001",       /* space in the agency */
    "000/17/22/H56-210531-0001",        /* slashes in the agency */
    "000.17.22.Đ56-210531-0001",        /* non-ASCII letter in the agency */
    "000.17.22-H56-210531-0001",        /* dash in the agency */
    "000.17.22.H56-21-05-31-0001",      /* dashes in the day */
  };

  g_assert_false (motcua_code_parse (NULL, NULL, NULL, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    if (motcua_code_parse (bad[i], NULL, NULL, NULL))
      g_string_append_printf (accepted, " [%s]", bad[i]);
  if (accepted->len > 0)
    g_test_fail_printf ("malformed codes accepted:%s", accepted->str);
}

/* A code names one dossier: a string the formatter would write differently must not
 * parse as that dossier's code (0001 and 00001 would be two spellings of one code,
 * and 4294967297 would wrap round to 1). */
static void
test_parse_only_canonical (void)
{
  const char *codes[] = {
    "000.17.22.H56-210531-00001",
    "000.17.22.H56-210531-010000",
    "000.17.22.H56-210531-4294967297",
    "000.17.22.H56-210531-99999999999999999999",
  };
  g_autoptr(GString) failures = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      g_autofree char *agency = NULL;
      GDate day;
      guint sequence = 0;

      g_date_clear (&day, 1);
      if (motcua_code_parse (codes[i], &agency, &day, &sequence))
        {
          g_autoptr(GDateTime) time = motcua_test_vn_time (g_date_get_year (&day), g_date_get_month (&day),
                                                           g_date_get_day (&day), 0, 0, 0);
          g_autofree char *again = motcua_code_format (agency, time, sequence);

          if (g_strcmp0 (again, codes[i]) != 0)
            g_string_append_printf (failures, " [%s parses as sequence %u, written %s]", codes[i], sequence, again);
        }
    }
  if (failures->len > 0)
    g_test_fail_printf ("non-canonical codes accepted:%s", failures->str);
}

static void
test_agency_code_valid (void)
{
  g_autofree char *long_code = g_strnfill (41, '1');

  g_assert_true (motcua_agency_code_is_valid (AGENCY));
  g_assert_true (motcua_agency_code_is_valid ("G01.001"));
  g_assert_false (motcua_agency_code_is_valid (NULL));
  g_assert_false (motcua_agency_code_is_valid (""));
  g_assert_false (motcua_agency_code_is_valid ("000.17.22.H56-1"));
  g_assert_false (motcua_agency_code_is_valid ("000 17"));
  g_assert_false (motcua_agency_code_is_valid ("Đ56"));
  g_assert_false (motcua_agency_code_is_valid (long_code));
}

/* ---- allocation through the store --------------------------------------------- */

typedef struct {
  char        *dir;
  char        *db;
  MotcuaStore *store;
} StoreFixture;

/* A database with the demo agency, the demo catalog and one clerk. */
static void
store_setup (StoreFixture  *f,
             gconstpointer  data)
{
  MotcuaAgency agency = { .code = (char *) AGENCY, .name = (char *) "Ủy ban nhân dân xã Quảng Phú" };
  g_autoptr(GPtrArray) catalog = NULL;
  g_autoptr(GError) error = NULL;

  f->dir = motcua_test_make_temp_dir ("motcua-codes-XXXXXX");
  f->db = g_build_filename (f->dir, "motcua.db", NULL);
  f->store = motcua_store_open (f->db, &error);
  if (f->store == NULL
      || !motcua_store_set_agency (f->store, &agency, &error)
      || (catalog = motcua_catalog_load_demo (&error)) == NULL
      || !motcua_store_import_catalog (f->store, catalog, &error)
      || !motcua_store_add_user (f->store, "clerk1", "Nguyễn Thị Lan", MOTCUA_ROLE_CLERK, &error)
      || !motcua_store_set_state (f->store, "current_user", "clerk1", &error))
    g_error ("Cannot set up a test database: %s", error->message);
}

static void
store_teardown (StoreFixture  *f,
                gconstpointer  data)
{
  g_clear_object (&f->store);
  motcua_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->db);
}

/* Receives one dossier at @now; returns its code or NULL. */
static char *
receive_at (MotcuaStore *store,
            GDateTime   *now,
            const char  *applicant)
{
  MotcuaReceiveRequest request = {
    .procedure_code = TAM_TRU,
    .applicant_name = applicant,
    .actor = "clerk1",
    .now = now,
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaDossier) dossier = motcua_store_receive (store, &request, &error);

  if (dossier == NULL)
    {
      /* Also as a comment: only one failure message per test reaches the TAP line. */
      g_test_message ("receiving for %s failed: %s", applicant, error->message);
      g_test_fail_printf ("receiving for %s failed: %s", applicant, error->message);
      return NULL;
    }
  return g_strdup (motcua_dossier_get_code (dossier));
}

static void
expect_code (MotcuaStore *store,
             GDateTime   *now,
             const char  *applicant,
             const char  *expected)
{
  g_autofree char *code = receive_at (store, now, applicant);

  g_assert_cmpstr (code, ==, expected);
}

static void
test_daily_restart (StoreFixture  *f,
                    gconstpointer  data)
{
  g_autoptr(GDateTime) monday = motcua_test_vn_time (2026, 11, 23, 9, 0, 0);
  g_autoptr(GDateTime) monday_evening = motcua_test_vn_time (2026, 11, 23, 16, 59, 0);
  g_autoptr(GDateTime) tuesday = motcua_test_vn_time (2026, 11, 24, 7, 30, 0);

  expect_code (f->store, monday, "Nguyễn Văn An", AGENCY "-261123-0001");
  expect_code (f->store, monday, "Trần Thị Bình", AGENCY "-261123-0002");
  expect_code (f->store, monday_evening, "Lê Văn Cường", AGENCY "-261123-0003");
  /* A new day starts again at 0001. */
  expect_code (f->store, tuesday, "Phạm Thị Dung", AGENCY "-261124-0001");
  expect_code (f->store, tuesday, "Hoàng Văn Em", AGENCY "-261124-0002");
  /* A dossier dated Monday after Tuesday's (entered late) continues Monday's counter. */
  expect_code (f->store, monday_evening, "Vũ Thị Giang", AGENCY "-261123-0004");
}

/* The code carries the agency's receipt day (Vietnam time), whatever zone the caller
 * gave the time in: 20:00 UTC on the 23rd is 03:00 on the 24th in Vietnam. */
static void
test_day_is_agency_local (StoreFixture  *f,
                          gconstpointer  data)
{
  g_autoptr(GDateTime) utc = g_date_time_new_utc (2026, 11, 23, 20, 0, 0);

  expect_code (f->store, utc, "Đặng Văn Hải", AGENCY "-261124-0001");
}

/* A block reserved from the server covers the day: its numbers come first, then the
 * local counter takes over. Blocks of other days are left alone. */
static void
test_reserved_block (StoreFixture  *f,
                     gconstpointer  data)
{
  g_autoptr(GDateTime) monday = motcua_test_vn_time (2026, 11, 23, 9, 0, 0);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *expected[] = {
    AGENCY "-261123-0500", AGENCY "-261123-0501", AGENCY "-261123-0502", AGENCY "-261123-0001",
  };

  if (!motcua_test_exec_sql (motcua_store_get_db (f->store),
                             "INSERT INTO code_blocks (agency_code, day, first_seq, last_seq, next_seq)"
                             " VALUES ('" AGENCY "', '261123', 500, 502, 500),"
                             "        ('" AGENCY "', '261124', 700, 709, 700)"))
    return;
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autofree char *name = g_strdup_printf ("Người nộp %u", i + 1);
      char *code = receive_at (f->store, monday, name);

      g_assert_cmpstr (code, ==, expected[i]);
      if (code != NULL && !g_hash_table_add (seen, code))
        g_test_fail_printf ("%s was issued twice", code);
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, G_N_ELEMENTS (expected));
}

/* When the local counter takes over from a block, it must not issue again a number the
 * block already gave out (here 0001 and 0002). */
static void
test_reserved_block_no_reuse (StoreFixture  *f,
                              gconstpointer  data)
{
  g_autoptr(GDateTime) monday = motcua_test_vn_time (2026, 11, 23, 9, 0, 0);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (!motcua_test_exec_sql (motcua_store_get_db (f->store),
                             "INSERT INTO code_blocks (agency_code, day, first_seq, last_seq, next_seq)"
                             " VALUES ('" AGENCY "', '261123', 1, 2, 1)"))
    return;
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("Người nộp %u", i + 1);
      char *code = receive_at (f->store, monday, name);

      if (code != NULL && !g_hash_table_add (seen, code))
        g_test_fail_printf ("%s was issued twice", code);
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, 5);
}

/* ---- concurrent processes --------------------------------------------------------- */

#define N_WORKERS    8
#define PER_WORKER  15

/* One worker: PER_WORKER receives in a row, each one's JSON in its own file, and the
 * exit status of each on a line of its own. The script is fixed; the paths come in as
 * arguments. */
static const char worker_script[] =
  "cli=$1 db=$2 worker=$3 out=$4\n"
  "i=1\n"
  "while [ \"$i\" -le " G_STRINGIFY (PER_WORKER) " ]; do\n"
  "  \"$cli\" --db \"$db\" --json receive --procedure " TAM_TRU " \\\n"
  "      --applicant-name \"Worker $worker no $i\" > \"$out/$worker-$i.json\" 2> \"$out/$worker-$i.err\"\n"
  "  echo \"$i $?\"\n"
  "  i=$((i + 1))\n"
  "done\n";

/* Starts the workers in the environment motcua_test_run_cli() gives the CLI: the
 * clock pinned to one day, so the whole run shares one counter. */
static GSubprocessLauncher *
worker_launcher (void)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_auto(GStrv) env = motcua_test_cli_environment (NULL);

  g_subprocess_launcher_set_environ (launcher, env);
  return launcher;
}

/* The code in one receive's JSON output, or NULL. */
static char *
code_from_output (const char *dir,
                  int         worker,
                  int         i)
{
  g_autofree char *name = g_strdup_printf ("%d-%d.json", worker, i);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (!json_parser_load_from_file (parser, path, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return g_strdup (json_object_get_string_member_with_default (json_node_get_object (root), "code", NULL));
}

static char *
error_output (const char *dir,
              int         worker,
              int         i)
{
  g_autofree char *name = g_strdup_printf ("%d-%d.err", worker, i);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return g_strdup ("(no output)");
  return g_strdelimit (g_strstrip (contents), "\n", ' ');
}

static void
test_concurrent_processes (StoreFixture  *f,
                           gconstpointer  data)
{
  GSubprocess *workers[N_WORKERS] = { NULL };
  g_autoptr(GHashTable) codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree gboolean *issued = g_new0 (gboolean, N_WORKERS * PER_WORKER + 1);
  g_autoptr(MotcuaTestCliResult) init = NULL;
  g_autoptr(MotcuaTestCliResult) check = NULL;
  g_autofree char *out_dir = g_build_filename (f->dir, "out", NULL);
  g_autofree char *cli_db = g_build_filename (f->dir, "cli.db", NULL);
  guint failures = 0;

  /* A database of the CLI's own making, as the clerks' workstations have. */
  init = motcua_test_run_cli (cli_db, "init", "--demo", NULL);
  if (!motcua_test_expect_status (init, 0, "init --demo"))
    return;
  g_mkdir (out_dir, 0700);

  /* Every worker is started before any is waited for. */
  for (int w = 0; w < N_WORKERS; w++)
    {
      g_autoptr(GSubprocessLauncher) launcher = worker_launcher ();
      g_autoptr(GError) error = NULL;
      g_autofree char *worker = g_strdup_printf ("%d", w);

      workers[w] = g_subprocess_launcher_spawn (launcher, &error, "/bin/sh", "-c", worker_script, "worker",
                                                g_getenv ("MOTCUA_CLI"), cli_db, worker, out_dir, NULL);
      if (workers[w] == NULL)
        g_error ("Cannot start worker %d: %s", w, error->message);
    }

  for (int w = 0; w < N_WORKERS; w++)
    {
      g_autofree char *out = NULL;
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) lines = NULL;

      if (!g_subprocess_communicate_utf8 (workers[w], NULL, NULL, &out, NULL, &error))
        g_error ("Worker %d: %s", w, error->message);
      g_clear_object (&workers[w]);
      lines = g_strsplit (g_strstrip (out), "\n", -1);
      g_assert_cmpuint (g_strv_length (lines), ==, PER_WORKER);
      for (guint l = 0; lines[l] != NULL; l++)
        {
          int i = 0, status = -1;

          if (sscanf (lines[l], "%d %d", &i, &status) != 2 || status != 0)
            {
              g_autofree char *err = error_output (out_dir, w, i);
              if (failures++ < 5)
                g_test_message ("worker %d receive %d: exit %d: %s", w, i, status, err);
              continue;
            }
          {
            char *code = code_from_output (out_dir, w, i);
            guint sequence = 0;
            g_autofree char *agency = NULL;

            if (code == NULL || !motcua_code_parse (code, &agency, NULL, &sequence))
              {
                g_test_fail_printf ("worker %d receive %d printed no valid code", w, i);
                g_free (code);
                continue;
              }
            g_assert_cmpstr (agency, ==, AGENCY);
            g_assert_true (g_str_has_prefix (code, AGENCY "-261123-"));
            if (!g_hash_table_add (codes, code))
              g_test_fail_printf ("%s was issued twice", code);
            if (sequence >= 1 && sequence <= N_WORKERS * PER_WORKER)
              {
                if (issued[sequence])
                  g_test_fail_printf ("sequence %u was issued twice", sequence);
                issued[sequence] = TRUE;
              }
            else
              g_test_fail_printf ("sequence %u is outside 1..%d", sequence, N_WORKERS * PER_WORKER);
          }
        }
    }

  if (failures > 0)
    g_test_fail_printf ("%u of %d concurrent receives failed (see the messages above)",
                        failures, N_WORKERS * PER_WORKER);
  g_assert_cmpuint (g_hash_table_size (codes), ==, N_WORKERS * PER_WORKER - failures);
  /* No gaps: a failed attempt must not use up a number either. */
  for (guint s = 1; s <= g_hash_table_size (codes); s++)
    if (!issued[s])
      {
        g_test_fail_printf ("sequence %u was never issued (a gap)", s);
        break;
      }

  check = motcua_test_run_cli (cli_db, "check", NULL);
  if (motcua_test_expect_status (check, 0, "check after the concurrent run"))
    {
      g_autofree char *expected = g_strdup_printf ("All %u dossiers", g_hash_table_size (codes));
      g_assert_nonnull (strstr (check->out, expected));
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_set_nonfatal_assertions ();

  g_test_add_func ("/codes/format", test_format);
  g_test_add_func ("/codes/round-trip", test_round_trip);
  g_test_add_func ("/codes/parse-outputs-optional", test_parse_outputs_optional);
  g_test_add_func ("/codes/parse-rejects", test_parse_rejects);
  g_test_add_func ("/codes/parse-only-canonical", test_parse_only_canonical);
  g_test_add_func ("/codes/agency-code-valid", test_agency_code_valid);
  g_test_add ("/codes/store/daily-restart", StoreFixture, NULL, store_setup, test_daily_restart, store_teardown);
  g_test_add ("/codes/store/day-is-agency-local", StoreFixture, NULL, store_setup, test_day_is_agency_local,
              store_teardown);
  g_test_add ("/codes/store/reserved-block", StoreFixture, NULL, store_setup, test_reserved_block, store_teardown);
  g_test_add ("/codes/store/reserved-block-no-reuse", StoreFixture, NULL, store_setup, test_reserved_block_no_reuse,
              store_teardown);
  g_test_add ("/codes/concurrent-processes", StoreFixture, NULL, store_setup, test_concurrent_processes,
              store_teardown);

  return g_test_run ();
}
