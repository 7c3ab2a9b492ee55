/* test-delegation-sync.c: an approval made under delegation reaches the server.
 *
 * The server re-checks every pushed event with the same transition table as the
 * workstation; an approval by a deputy carries the supervisor's authority and, in its
 * payload, the delegation. A real motcua-server on 127.0.0.1 and the real `motcua`
 * command line, with the clock pinned to Monday 23 November 2026 09:00 in Vietnam.
 */
#include <glib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "integration-util.h"
#include "motcua-store.h"
#include "motcua-test-util.h"

#define TAM_TRU "1.004194"

static void
cli_ok (const char *db, const char * const *args)
{
  g_autoptr(MotcuaTestCliResult) r = motcua_test_run_cli_env (NULL, db, args);
  g_autofree char *what = g_strjoinv (" ", (char **) args);

  g_assert_true (motcua_test_expect_status (r, 0, what));
}

#define CLI_OK(db, ...) cli_ok (db, (const char *[]) { __VA_ARGS__, NULL })

static char *
receive (const char *db)
{
  g_autoptr(MotcuaTestCliResult) r = motcua_test_run_cli (db, "--json", "receive", "--procedure", TAM_TRU,
                                                          "--applicant-name", "Tạ Thị Ngọc", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (motcua_test_expect_status (r, 0, "receive"));
  g_assert_true (json_parser_load_from_data (parser, r->out, -1, NULL));
  return g_strdup (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "code"));
}

static void
test_delegated_approval_syncs (void)
{
  g_autoptr(MotcuaTestServer) server = motcua_test_server_new ();
  g_autofree char *dir = motcua_test_make_temp_dir ("motcua-delegation-XXXXXX");
  g_autofree char *db = g_build_filename (dir, "motcua.db", NULL);
  g_autofree char *enrolment = NULL;
  g_autofree char *code = NULL;
  g_autoptr(MotcuaStore) store = NULL;
  g_autoptr(GError) error = NULL;

  if (!motcua_test_server_start (server))
    return;
  enrolment = motcua_test_server_enrolment_code (server, MOTCUA_TEST_AGENCY);
  g_assert_nonnull (enrolment);
  CLI_OK (db, "init", "--demo");
  CLI_OK (db, "register", "--server", motcua_test_server_get_url (server), "--code", enrolment,
          "--device-name", "PC-UY-QUYEN");
  /* Codes come from the blocks the server reserves: one round first. */
  CLI_OK (db, "sync");

  code = receive (db);
  CLI_OK (db, "act", code, "transfer", "--to", "specialist1");
  CLI_OK (db, "act", code, "examine", "--as", "specialist1");
  CLI_OK (db, "act", code, "draft", "--as", "specialist1", "--draft-type", "result");
  CLI_OK (db, "act", code, "submit", "--as", "specialist1");
  CLI_OK (db, "delegate", "add", "--from", "supervisor1", "--to", "specialist2", "--procedures", TAM_TRU,
          "--from-date", "2026-11-23", "--to-date", "2026-11-27", "--as", "supervisor1");
  CLI_OK (db, "act", code, "approve", "--as", "specialist2");
  CLI_OK (db, "sync");

  /* Every event, the delegated approval too, accepted; nothing set aside. */
  store = motcua_store_open (db, &error);
  g_assert_no_error (error);
  g_assert_cmpint (motcua_test_store_int (store, "SELECT count(*) FROM events WHERE kind = 'approve'"
                                                 " AND actor = 'specialist2' AND actor_role = 'supervisor'"
                                                 " AND json_extract (payload, '$.delegation.delegator') = 'supervisor1'"
                                                 " AND sync_state = 1"), ==, 1);
  g_assert_cmpint (motcua_test_store_int (store, "SELECT count(*) FROM events WHERE sync_state <> 1"), ==, 0);
  g_assert_cmpint (motcua_test_store_int (store, "SELECT count(*) FROM set_aside_events"), ==, 0);
  g_clear_object (&store);
  motcua_test_remove_tree (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/delegation-sync/approval-accepted", test_delegated_approval_syncs);
  return g_test_run ();
}
