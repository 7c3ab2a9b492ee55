/* test-demo.c: demo data is realistic and goes through the real journal. */

#include <gio/gio.h>
#include <string.h>

#include "motcua-codes.h"
#include "motcua-demo.h"
#include "motcua-error.h"
#include "motcua-test-util.h"

#define NOW "2026-11-23T10:00:00+07:00"

typedef struct {
  char        *dir;
  MotcuaStore *store;
} Fixture;

static MotcuaStore *
open_demo_agency (const char *dir, const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);
  MotcuaStore *store = motcua_store_open (path, &error);
  MotcuaAgency agency = { .code = (char *) "000.17.22.H56", .name = (char *) "UBND xã Quảng Phú" };

  g_assert_no_error (error);
  g_assert_true (motcua_store_set_agency (store, &agency, &error));
  g_assert_true (motcua_demo_setup (store, &error));
  g_assert_no_error (error);
  return store;
}

static MotcuaStore *
make_demo_store (const char *dir, const char *name, guint n, guint32 seed)
{
  g_autoptr(GError) error = NULL;
  MotcuaStore *store = open_demo_agency (dir, name);

  g_assert_true (motcua_demo_generate (store, n, seed, &error));
  g_assert_no_error (error);
  return store;
}

static void
fixture_setup (Fixture *fixture, gconstpointer data)
{
  fixture->dir = motcua_test_make_temp_dir ("motcua-demo-XXXXXX");
  fixture->store = make_demo_store (fixture->dir, "demo.db", 1500, 42);
}

static void
fixture_teardown (Fixture *fixture, gconstpointer data)
{
  g_clear_object (&fixture->store);
  motcua_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static void
test_every_status (Fixture *fixture, gconstpointer data)
{
  g_assert_cmpint (motcua_test_store_int (fixture->store, "SELECT count(*) FROM dossiers"), ==, 1500);
  /* Every status of the national portal appears in a year of an office's work. */
  for (int status = 1; status <= 10; status++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM dossiers WHERE status = %d", status);
      if (motcua_test_store_int (fixture->store, sql) == 0)
        g_error ("no demo dossier has status %d", status);
    }
  /* Most of a year's dossiers are finished and returned. */
  g_assert_cmpint (motcua_test_store_int (fixture->store, "SELECT count(*) FROM dossiers WHERE status = 10"),
                   >, 1000);
}

static void
test_channel_mix (Fixture *fixture, gconstpointer data)
{
  gint64 online = motcua_test_store_int (fixture->store, "SELECT count(*) FROM dossiers WHERE channel = 2");
  gint64 post = motcua_test_store_int (fixture->store, "SELECT count(*) FROM dossiers WHERE channel = 3");

  /* Commune offices report 60–86 % online (DOMAIN.md). */
  g_assert_cmpint (online, >=, 1500 * 55 / 100);
  g_assert_cmpint (online, <=, 1500 * 80 / 100);
  g_assert_cmpint (post, >, 0);
}

static void
test_timeliness_mix (Fixture *fixture, gconstpointer data)
{
  gint64 finished = motcua_test_store_int (fixture->store, "SELECT count(*) FROM dossiers"
                                                           " WHERE finished_at IS NOT NULL AND due_at IS NOT NULL");
  gint64 late = motcua_test_store_int (fixture->store, "SELECT count(*) FROM dossiers WHERE finished_at > due_at");
  gint64 supplements = motcua_test_store_int (fixture->store,
                                              "SELECT count(*) FROM dossiers WHERE supplement_count > 0");
  gint64 apologies = motcua_test_store_int (fixture->store, "SELECT count(*) FROM dossiers WHERE apology_count > 0");

  /* Mostly on time, but not all: a supervisor's indicators need both. */
  g_assert_cmpint (late, >, 0);
  g_assert_cmpint (late * 100 / finished, <, 15);
  g_assert_cmpint (supplements, >, 0);
  g_assert_cmpint (apologies, >, 0);
}

static void
test_journal_folds (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  guint checked = 0;

  g_assert_true (motcua_store_verify_folds (fixture->store, &checked, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (checked, ==, 1500);
  /* No event lies in the future of the demo's "now". */
  g_assert_cmpint (motcua_test_store_int (fixture->store,
                                          "SELECT count(*) FROM events WHERE confirmed_at > '" NOW "'"), ==, 0);
  /* Each step comes after the one before it: no examination before the transfer. */
  g_assert_cmpint (motcua_test_store_int (fixture->store,
                                          "SELECT count(*) FROM events a JOIN events b"
                                          " ON b.dossier_uid = a.dossier_uid AND b.seq = a.seq + 1"
                                          " WHERE b.confirmed_at <= a.confirmed_at"), ==, 0);
}

static void
test_codes_run_daily (Fixture *fixture, gconstpointer data)
{
  sqlite3_stmt *stmt = NULL;
  g_autofree char *last_day = NULL;
  guint expected = 0;

  /* Per agency and day, the sequence numbers are exactly 1..n. */
  g_assert_cmpint (sqlite3_prepare_v2 (motcua_store_get_db (fixture->store),
                                       "SELECT code FROM dossiers ORDER BY substr(code, 15, 6), substr(code, 22)",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *code = (const char *) sqlite3_column_text (stmt, 0);
      g_autofree char *agency = NULL;
      g_autofree char *day = g_strndup (code + 14, 6);
      guint sequence;

      g_assert_true (motcua_code_parse (code, &agency, NULL, &sequence));
      g_assert_cmpstr (agency, ==, "000.17.22.H56");
      if (g_strcmp0 (day, last_day) != 0)
        {
          g_free (last_day);
          last_day = g_strdup (day);
          expected = 0;
        }
      g_assert_cmpuint (sequence, ==, ++expected);
    }
  sqlite3_finalize (stmt);
}

static void
test_people_look_vietnamese (Fixture *fixture, gconstpointer data)
{
  sqlite3_stmt *stmt = NULL;
  guint with_diacritics = 0, total = 0;

  g_assert_cmpint (sqlite3_prepare_v2 (motcua_store_get_db (fixture->store),
                                       "SELECT applicant_name, applicant_address FROM dossiers", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (stmt, 0);
      const char *address = (const char *) sqlite3_column_text (stmt, 1);

      g_assert_true (g_utf8_validate (name, -1, NULL));
      g_assert_true (strstr (address, "xã ") != NULL || strstr (address, "phường ") != NULL);
      total++;
      for (const char *p = name; *p; p++)
        if ((guchar) *p >= 0x80)
          {
            with_diacritics++;
            break;
          }
    }
  sqlite3_finalize (stmt);
  g_assert_cmpuint (with_diacritics * 100 / total, >, 80);
}

static char *
fingerprint (MotcuaStore *store)
{
  sqlite3_stmt *stmt = NULL;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);

  g_assert_cmpint (sqlite3_prepare_v2 (motcua_store_get_db (store),
                                       "SELECT code, applicant_name, status, due_at FROM dossiers ORDER BY code",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    for (int i = 0; i < 4; i++)
      {
        const unsigned char *text = sqlite3_column_text (stmt, i);
        g_checksum_update (checksum, text ? text : (const guchar *) "-", -1);
      }
  sqlite3_finalize (stmt);
  return g_strdup (g_checksum_get_string (checksum));
}

static void
test_same_seed_same_office (Fixture *fixture, gconstpointer data)
{
  g_autoptr(MotcuaStore) again = make_demo_store (fixture->dir, "again.db", 1500, 42);
  g_autoptr(MotcuaStore) other = make_demo_store (fixture->dir, "other.db", 1500, 43);
  g_autofree char *first = fingerprint (fixture->store);
  g_autofree char *second = fingerprint (again);
  g_autofree char *third = fingerprint (other);

  g_assert_cmpstr (first, ==, second);
  g_assert_cmpstr (first, !=, third);
}

/* ---- scanned request forms ------------------------------------------------------ */

typedef struct {
  guint  calls;
  guint  drafts;
  guint  fail_at;      /* the call that fails as a full disk would; 0 never */
  char  *last_path;
} Scanner;

/* Writes what the paper says, one field a line, where a real scanner writes a PDF. */
static gboolean
write_form_fields (const MotcuaDemoForm *form, const char *path, gpointer user_data, GError **error)
{
  Scanner *scanner = user_data;
  gboolean draft = form->paper == MOTCUA_DEMO_DRAFT_RESULT;
  g_autofree char *text = g_strdup_printf ("%s\n%s\n%s\n%s\n%s\n", draft ? "draft" : "request", form->agency_name,
                                           form->procedure_name, form->applicant->full_name,
                                           form->applicant->id_number);

  scanner->calls++;
  scanner->drafts += draft;
  /* A draft is signed by a person, not a user name. */
  if (draft)
    g_assert_nonnull (strchr (form->drafter, ' '));
  g_free (scanner->last_path);
  scanner->last_path = g_strdup (path);
  if (scanner->calls == scanner->fail_at)
    {
      g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_DISK_FULL, "The disk is full.");
      return FALSE;
    }
  return g_file_set_contents (path, text, -1, error);
}

/* Enough of the newest dossiers that some have reached the draft. */
#define N_SCANNED 80
#define SCANNED " d.id > (SELECT max(id) - 80 FROM dossiers)"

/* Every attachment is its own dossier's paper: the request first, the draft last. */
static void
check_papers (MotcuaStore *store)
{
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (motcua_store_get_db (store),
                                       "SELECT da.sha256, da.name, da.mime_type, d.procedure_name, d.applicant_name,"
                                       " COALESCE (d.applicant_id_number, ''), da.position,"
                                       " (SELECT max (position) FROM dossier_attachments WHERE dossier_id = d.id)"
                                       " FROM dossier_attachments da JOIN dossiers d ON d.id = da.dossier_id",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autofree char *blob = motcua_store_get_blob_path (store, (const char *) sqlite3_column_text (stmt, 0));
      const char *name = (const char *) sqlite3_column_text (stmt, 1);
      gboolean draft = g_str_equal (name, "Dự thảo kết quả.pdf");
      g_autofree char *contents = NULL;
      g_autofree char *expected = g_strdup_printf ("%s\nUBND xã Quảng Phú\n%s\n%s\n%s\n", draft ? "draft" : "request",
                                                   sqlite3_column_text (stmt, 3), sqlite3_column_text (stmt, 4),
                                                   sqlite3_column_text (stmt, 5));

      g_assert_true (draft || g_str_equal (name, "Đơn đề nghị.pdf"));
      /* Positions count from 1: the request first, a draft after it, last. */
      g_assert_cmpint (sqlite3_column_int (stmt, 6), ==, draft ? 2 : 1);
      if (draft)
        g_assert_cmpint (sqlite3_column_int (stmt, 6), ==, sqlite3_column_int (stmt, 7));
      g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 2), ==, "application/pdf");
      g_assert_true (g_file_get_contents (blob, &contents, NULL, NULL));
      g_assert_cmpstr (contents, ==, expected);
    }
  sqlite3_finalize (stmt);
}

/* The last dossiers to arrive carry their applicant's own form, and once drafted the
 * draft of their result, which their approval names; the office is the one the same
 * seed makes without scans. */
static void
test_scanned_forms (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaStore) store = open_demo_agency (fixture->dir, "scanned.db");
  g_autofree char *with_scans = NULL;
  g_autofree char *without = fingerprint (fixture->store);
  g_autofree char *scan_dir = NULL;
  Scanner scanner = { 0 };
  gint64 approvals;

  g_assert_true (motcua_demo_generate_scanned (store, 1500, 42, N_SCANNED, write_form_fields, &scanner, &error));
  g_assert_no_error (error);
  with_scans = fingerprint (store);
  g_assert_cmpstr (with_scans, ==, without);
  /* The scanner's pages went into the store; its private directory is gone. */
  scan_dir = g_path_get_dirname (scanner.last_path);
  g_assert_false (g_file_test (scan_dir, G_FILE_TEST_EXISTS));

  g_test_message ("%u papers, %u of them drafts", scanner.calls, scanner.drafts);
  g_assert_cmpuint (scanner.drafts, >, 0);
  g_assert_cmpuint (scanner.calls - scanner.drafts, ==, N_SCANNED);
  g_assert_cmpint (motcua_test_store_int (store, "SELECT count(*) FROM dossier_attachments"), ==, scanner.calls);
  g_assert_cmpint (motcua_test_store_int (store, "SELECT count(*) FROM dossier_attachments da"
                                                 " JOIN dossiers d ON d.id = da.dossier_id WHERE" SCANNED), ==, scanner.calls);
  /* Every scanned dossier that reached the draft has one, attached just before it. */
  g_assert_cmpint (motcua_test_store_int (store, "SELECT count(*) FROM events e JOIN dossiers d ON d.uid = e.dossier_uid"
                                                 " WHERE e.kind = 'draft' AND" SCANNED
                                                 " AND (SELECT kind FROM events p WHERE p.dossier_uid = e.dossier_uid"
                                                 "      AND p.seq = e.seq - 1) = 'attach'"), ==, scanner.drafts);
  check_papers (store);
  /* Each approval lists the dossier's papers, the draft last. */
  approvals = motcua_test_store_int (store, "SELECT count(*) FROM events e JOIN dossiers d ON d.uid = e.dossier_uid"
                                            " WHERE e.kind = 'approve' AND" SCANNED);
  g_test_message ("%" G_GINT64_FORMAT " of them approved", approvals);
  g_assert_cmpint (approvals, >, 0);
  g_assert_cmpint (motcua_test_store_int (store,
                     "SELECT count(*) FROM events e JOIN dossiers d ON d.uid = e.dossier_uid"
                     " WHERE e.kind = 'approve' AND" SCANNED
                     " AND json_extract (e.payload, '$.approval.attachments_sha256') ="
                     "     (SELECT json_group_array (sha256) FROM (SELECT sha256 FROM dossier_attachments"
                     "      WHERE dossier_id = d.id ORDER BY position))"), ==, approvals);
  g_assert_true (motcua_store_verify_folds (store, NULL, &error));
  g_assert_no_error (error);
  g_free (scanner.last_path);
}

/* A scanner that fails stops the demo with its message, and leaves no half-made office. */
static void
test_scanner_fails (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaStore) store = open_demo_agency (fixture->dir, "full-disk.db");
  g_autofree char *scan_dir = NULL;
  Scanner scanner = { .fail_at = 3 };

  g_assert_false (motcua_demo_generate_scanned (store, 200, 7, 10, write_form_fields, &scanner, &error));
  g_assert_error (error, MOTCUA_ERROR, MOTCUA_ERROR_DISK_FULL);
  g_assert_cmpuint (scanner.calls, ==, 3);
  scan_dir = g_path_get_dirname (scanner.last_path);
  g_assert_false (g_file_test (scan_dir, G_FILE_TEST_EXISTS));
  g_assert_cmpint (motcua_test_store_int (store, "SELECT count(*) FROM dossiers"), ==, 0);
  g_assert_cmpint (motcua_test_store_int (store, "SELECT count(*) FROM events"), ==, 0);
  g_free (scanner.last_path);
}

static void
test_needs_agency (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = motcua_test_make_temp_dir ("motcua-demo-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "empty.db", NULL);
  g_autoptr(MotcuaStore) store = motcua_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_false (motcua_demo_generate (store, 10, 1, &error));
  g_assert_error (error, MOTCUA_ERROR, MOTCUA_ERROR_NOT_FOUND);
  g_clear_object (&store);
  motcua_test_remove_tree (dir);
}

int
main (int argc, char **argv)
{
  g_setenv ("MOTCUA_NOW", NOW, TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/demo/every-status", Fixture, NULL, fixture_setup, test_every_status, fixture_teardown);
  g_test_add ("/demo/channel-mix", Fixture, NULL, fixture_setup, test_channel_mix, fixture_teardown);
  g_test_add ("/demo/timeliness-mix", Fixture, NULL, fixture_setup, test_timeliness_mix, fixture_teardown);
  g_test_add ("/demo/journal-folds", Fixture, NULL, fixture_setup, test_journal_folds, fixture_teardown);
  g_test_add ("/demo/codes-run-daily", Fixture, NULL, fixture_setup, test_codes_run_daily, fixture_teardown);
  g_test_add ("/demo/people", Fixture, NULL, fixture_setup, test_people_look_vietnamese, fixture_teardown);
  g_test_add ("/demo/deterministic", Fixture, NULL, fixture_setup, test_same_seed_same_office, fixture_teardown);
  g_test_add ("/demo/scanned-forms", Fixture, NULL, fixture_setup, test_scanned_forms, fixture_teardown);
  g_test_add ("/demo/scanner-fails", Fixture, NULL, fixture_setup, test_scanner_fails, fixture_teardown);
  g_test_add_func ("/demo/needs-agency", test_needs_agency);
  return g_test_run ();
}
