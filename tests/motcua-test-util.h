/* motcua-test-util.h: helpers the unit tests share, so each exists once.
 *
 * Checks in these helpers follow the calling suite: in a suite with non-fatal
 * assertions a failed check marks the test failed and the helper returns what it
 * documents for failure, so callers can stop there.
 */
#pragma once

#include <glib.h>
#include <sqlite3.h>

#include "motcua-store.h"

G_BEGIN_DECLS

/* The clock the CLI runs on in the tests: Monday 23 November 2026 09:00 in Vietnam,
 * so due dates and codes are known in advance. */
#define MOTCUA_TEST_NOW "2026-11-23T09:00:00+07:00"

/* ---- files ------------------------------------------------------------------ */

char                *motcua_test_make_temp_dir   (const char          *tmpl);
void                 motcua_test_remove_tree     (const char          *path);
void                 motcua_test_write_file      (const char          *path,
                                                  const void          *data,
                                                  gssize               length);

/* ---- SQL -------------------------------------------------------------------- */

gboolean             motcua_test_exec_sql        (sqlite3             *db,
                                                  const char          *sql);
gboolean             motcua_test_exec_sql_file   (const char          *path,
                                                  const char          *sql);
gint64               motcua_test_sql_int         (sqlite3             *db,
                                                  const char          *sql);
/* The first column of the first row as text (NULL for SQL NULL). */
char                *motcua_test_sql_text        (sqlite3             *db,
                                                  const char          *sql);
/* "N rows SHA256" over every row of @table of the database at @db_path, column by
 * column (type and bytes), in id order: equal digests, equal rows. */
char                *motcua_test_table_digest    (const char          *db_path,
                                                  const char          *table);
gint64               motcua_test_store_int       (MotcuaStore         *store,
                                                  const char          *sql);
/* Every byte stored in the search index's tables, counted in SQL: what reading it
 * ahead must read. */
gint64               motcua_test_search_index_bytes (sqlite3          *db);

/* What migration 7 (the dossiers' last actor) added, for the tests that make a
 * database older than it is: SQL to run before lowering PRAGMA user_version. */
#define MOTCUA_TEST_UNDO_MIGRATION_7 \
  "DROP TRIGGER events_last_actor_insert; DROP TRIGGER events_last_actor_delete;" \
  "DROP INDEX dossiers_mine; ALTER TABLE dossiers DROP COLUMN last_actor;"

/* A new store at @path for @agency with three staff (clerk "Nguyễn Thị Lan",
 * spec "Lê Văn Hùng", boss "Phạm Minh Đức") and the demo catalog. */
MotcuaStore         *motcua_test_open_office     (const char          *path,
                                                  const MotcuaAgency  *agency);
/* A new store at @path for @agency set up as `motcua init --demo` does: the demo
 * catalog, staff and their PINs. */
MotcuaStore         *motcua_test_open_demo_office (const char         *path,
                                                   const MotcuaAgency *agency);

/* ---- time ------------------------------------------------------------------- */

GDateTime           *motcua_test_vn_time         (int                  year,
                                                  int                  month,
                                                  int                  day,
                                                  int                  hour,
                                                  int                  minute,
                                                  int                  second);
GDateTime           *motcua_test_parse_time      (const char          *iso8601);

/* ---- the motcua command line (MOTCUA_CLI) ----------------------------------- */

typedef struct {
  int   status;   /* exit status; -1 when killed by a signal */
  char *out;
  char *err;
} MotcuaTestCliResult;

void                 motcua_test_cli_result_free (MotcuaTestCliResult *result);
char               **motcua_test_cli_environment (const char * const  *extra);
MotcuaTestCliResult *motcua_test_run_cli_env     (const char * const  *extra_env,
                                                  const char          *db,
                                                  const char * const  *args);
MotcuaTestCliResult *motcua_test_run_cli         (const char          *db,
                                                  ...) G_GNUC_NULL_TERMINATED;
char                *motcua_test_one_line        (const char          *text);
gboolean             motcua_test_expect_status   (MotcuaTestCliResult *result,
                                                  int                  expected,
                                                  const char          *what);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MotcuaTestCliResult, motcua_test_cli_result_free)

/* ---- signing -------------------------------------------------------------------- */

/* Runs $MOTCUA_PKI_SETUP (tests/pki-setup.sh) in a new temporary folder: a throwaway CA,
 * certificates and a SoftHSM2 token, whose SOFTHSM2_CONF it then sets. Call before
 * threads start (it sets the environment). Returns the folder. */
char                *motcua_test_pki_setup       (void);
/* $SOFTHSM2_MODULE, else Debian's /usr/lib/softhsm/libsofthsm2.so. */
const char          *motcua_test_softhsm_module  (void);

G_END_DECLS
