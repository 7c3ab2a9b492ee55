/* test-signatures.c: signed approvals and the tamper-evident journal, for real.
 *
 * tests/pki-setup.sh makes, in a temporary folder, a throwaway CA with certtool, a
 * supervisor certificate, an expired one and one not meant for signing, and a SoftHSM2
 * token (its own SOFTHSM2_CONF and token folder) holding their keys. Approvals are
 * signed on that token through GnuTLS's PKCS#11 support (and from .p12 files), verified
 * here, by `certtool --p7-verify`, and by a real motcua-server on 127.0.0.1; the
 * journal is then edited with the `sqlite3` program and `motcua verify` must name the
 * event.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "integration-util.h"
#include "motcua-approval.h"
#include "motcua-demo.h"
#include "motcua-error.h"
#include "motcua-journal-verify.h"
#include "motcua-protocol.h"
#include "motcua-store.h"
#include "motcua-sync.h"
#include "motcua-test-util.h"

#define TAM_TRU    "1.004194"
#define TOKEN_PIN  "123456"
#define P12_PASSWORD "matkhau"

static char *pki_dir;
static const char *module;

static char *
pki_path (const char *name)
{
  return g_build_filename (pki_dir, name, NULL);
}

static char *
token_uri (const char *label)
{
  return g_strdup_printf ("pkcs11:token=motcua-test;object=%s", label);
}

static MotcuaSigner *
open_token_signer (const char *label)
{
  g_autofree char *uri = token_uri (label);
  g_autoptr(GError) error = NULL;
  MotcuaSigner *signer = motcua_signer_open_pkcs11 (module, uri, TOKEN_PIN, &error);

  g_assert_no_error (error);
  return signer;
}

/* ---- a workstation ------------------------------------------------------------------- */

typedef struct {
  char        *dir;
  char        *db;
  MotcuaStore *store;
} Workstation;

static Workstation *
workstation_new (gboolean trusting)
{
  Workstation *ws = g_new0 (Workstation, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *ca = pki_path ("ca.pem");
  MotcuaAgency agency = { .code = (char *) MOTCUA_TEST_AGENCY, .name = (char *) MOTCUA_TEST_AGENCY_NAME };

  ws->dir = motcua_test_make_temp_dir ("motcua-sign-ws-XXXXXX");
  ws->db = g_build_filename (ws->dir, "motcua.db", NULL);
  ws->store = motcua_test_open_demo_office (ws->db, &agency);
  if (trusting)
    g_assert_true (motcua_approval_add_trust_file (ws->store, ca, NULL, &error));
  g_assert_no_error (error);
  return ws;
}

static void
workstation_close (Workstation *ws)
{
  g_clear_object (&ws->store);
}

static void
workstation_free (Workstation *ws)
{
  workstation_close (ws);
  motcua_test_remove_tree (ws->dir);
  g_free (ws->dir);
  g_free (ws->db);
  g_free (ws);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Workstation, workstation_free)

static MotcuaDossier *
act (Workstation *ws, const char *code, MotcuaAction action, const char *actor, MotcuaSigner *signer,
     GError **error)
{
  MotcuaActionRequest request = { .actor = actor, .signer = signer, .to = "Công an xã" };

  return motcua_store_act (ws->store, code, action, &request, error);
}

/* A dossier received, examined, drafted and submitted: it awaits approval. */
static char *
submitted_dossier (Workstation *ws, const char *applicant)
{
  static const struct { MotcuaAction action; const char *actor; } steps[] = {
    { MOTCUA_ACTION_TRANSFER, NULL },
    { MOTCUA_ACTION_EXAMINE, "specialist1" },
    { MOTCUA_ACTION_DRAFT, "specialist1" },
    { MOTCUA_ACTION_SUBMIT, "specialist1" },
  };
  MotcuaReceiveRequest request = { .procedure_code = TAM_TRU, .applicant_name = applicant };
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaDossier) dossier = motcua_store_receive (ws->store, &request, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autoptr(MotcuaDossier) after = act (ws, motcua_dossier_get_code (dossier), steps[i].action,
                                            steps[i].actor, NULL, &error);
      g_assert_no_error (error);
    }
  return g_strdup (motcua_dossier_get_code (dossier));
}

static void
approve_ok (Workstation *ws, const char *code, MotcuaSigner *signer)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaDossier) dossier = act (ws, code, MOTCUA_ACTION_APPROVE, "supervisor1", signer, &error);

  g_assert_no_error (error);
  g_assert_cmpint (motcua_dossier_get_step (dossier), ==, MOTCUA_STEP_APPROVED);
}

/* The dossier's event @seq, as stored. */
static MotcuaEvent *
stored_event (Workstation *ws, const char *code, gint64 seq)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaDossier) dossier = motcua_store_get_dossier (ws->store, code, &error);
  g_autoptr(GPtrArray) events = NULL;

  g_assert_no_error (error);
  events = motcua_store_get_events (ws->store, motcua_dossier_get_uid (dossier), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    {
      MotcuaEvent *event = g_ptr_array_index (events, i);

      if (event->seq == seq)
        return g_steal_pointer (&events->pdata[i]);
    }
  g_assert_not_reached ();
}

static MotcuaSyncState
stored_event_state (Workstation *ws, const char *code, gint64 seq)
{
  g_autoptr(MotcuaEvent) event = stored_event (ws, code, seq);

  return event->sync_state;
}

static MotcuaVerdict *
verify_stored (Workstation *ws, const char *code, gint64 seq)
{
  g_autoptr(MotcuaEvent) event = stored_event (ws, code, seq);
  g_autoptr(MotcuaTrust) trust = motcua_approval_load_trust (ws->store, NULL);

  return motcua_approval_verify_event (trust, event, code);
}

/* ---- signing and local verification -------------------------------------------------- */

static void
test_good_approval_verifies (void)
{
  g_autoptr(Workstation) ws = workstation_new (TRUE);
  g_autoptr(MotcuaSigner) signer = open_token_signer ("supervisor");
  g_autofree char *code = submitted_dossier (ws, "Hoàng Văn Bình");
  g_autoptr(MotcuaVerdict) verdict = NULL;
  g_autoptr(MotcuaJournalReport) report = NULL;
  g_autoptr(MotcuaEvent) event = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (motcua_signer_get_subject (signer), ==, "CN=Nguyễn Văn Lãnh (supervisor),O=UBND xã Thử Nghiệm,C=VN");
  approve_ok (ws, code, signer);

  verdict = verify_stored (ws, code, 6);
  g_assert_cmpint (verdict->status, ==, MOTCUA_VERDICT_VALID);
  g_assert_cmpstr (verdict->signer, ==, "Nguyễn Văn Lãnh (supervisor)");
  g_assert_cmpstr (verdict->issuer, ==, "CN=CA Thử nghiệm Một cửa,O=Ban Cơ yếu Thử nghiệm,C=VN");
  g_assert_true (g_str_has_prefix (verdict->signing_time, "20"));

  report = motcua_journal_verify (ws->store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->findings->len, ==, 0);
  g_assert_cmpuint (report->n_signed, ==, 1);
  g_assert_cmpuint (report->n_signatures_valid, ==, 1);

  /* GnuTLS's own tool agrees, knowing nothing of Motcua but the approval's text. */
  event = stored_event (ws, code, 6);
  {
    g_autoptr(JsonObject) payload = motcua_event_parse_payload (event, NULL);
    g_autofree char *text = motcua_approval_to_text (json_object_get_object_member (payload, "approval"));
    g_autofree char *data_path = g_build_filename (ws->dir, "approval.json", NULL);
    g_autofree char *signature_path = g_build_filename (ws->dir, "approval.p7s", NULL);
    g_autofree char *ca = pki_path ("ca.pem");
    g_autofree char *other_ca = pki_path ("other-ca.pem");
    const char *argv[] = { "certtool", "--p7-verify", "--inder", "--load-ca-certificate", ca, "--load-data",
                           data_path, "--infile", signature_path, NULL };
    int status = -1;

    motcua_test_write_file (data_path, text, -1);
    motcua_test_write_file (signature_path, g_bytes_get_data (event->signature, NULL), g_bytes_get_size (event->signature));
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL
                                 | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL));
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    argv[4] = other_ca;
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL
                                 | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL));
    g_assert_false (g_spawn_check_wait_status (status, NULL));
  }

  /* Another CA's workstation does not trust this signer. */
  {
    g_autoptr(MotcuaTrust) other = motcua_trust_new ();
    g_autofree char *other_ca = pki_path ("other-ca.pem");
    g_autoptr(MotcuaVerdict) untrusted = NULL;

    g_assert_true (motcua_trust_add_file (other, other_ca, &error));
    untrusted = motcua_approval_verify_event (other, event, code);
    g_assert_cmpint (untrusted->status, ==, MOTCUA_VERDICT_UNTRUSTED);
  }
}

static void
test_pkcs12_signer (void)
{
  g_autoptr(Workstation) ws = workstation_new (TRUE);
  g_autofree char *p12 = pki_path ("supervisor.p12");
  g_autofree char *code = submitted_dossier (ws, "Đặng Thị Mai");
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaSigner) wrong = motcua_signer_open_pkcs12 (p12, "sai-mat-khau", &error);
  g_autoptr(MotcuaSigner) signer = NULL;
  g_autoptr(MotcuaVerdict) verdict = NULL;

  g_assert_null (wrong);
  g_assert_error (error, MOTCUA_ERROR, MOTCUA_ERROR_WRONG_PIN);
  g_clear_error (&error);

  signer = motcua_signer_open (p12, NULL, P12_PASSWORD, &error);
  g_assert_no_error (error);
  approve_ok (ws, code, signer);
  verdict = verify_stored (ws, code, 6);
  g_assert_cmpint (verdict->status, ==, MOTCUA_VERDICT_VALID);
}

static void
test_clerk_refused (void)
{
  g_autoptr(Workstation) ws = workstation_new (TRUE);
  g_autoptr(MotcuaSigner) signer = open_token_signer ("supervisor");
  g_autofree char *code = submitted_dossier (ws, "Lý Văn Phúc");
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaDossier) refused = act (ws, code, MOTCUA_ACTION_APPROVE, "clerk1", signer, &error);
  g_autoptr(MotcuaDossier) dossier = NULL;

  g_assert_null (refused);
  g_assert_error (error, MOTCUA_ERROR, MOTCUA_ERROR_PERMISSION);
  dossier = motcua_store_get_dossier (ws->store, code, NULL);
  g_assert_cmpuint (motcua_dossier_get_event_count (dossier), ==, 5);
  g_assert_cmpint (motcua_dossier_get_step (dossier), ==, MOTCUA_STEP_AWAITING_APPROVAL);
}

static void
test_wrong_pin_does_not_lock (void)
{
  g_autofree char *uri = token_uri ("supervisor");
  g_autoptr(MotcuaSigner) signer = NULL;
  g_autoptr(GError) error = NULL;

  /* More wrong PINs than any token allows: each is tried once and refused. */
  for (guint i = 0; i < 12; i++)
    {
      g_autoptr(MotcuaSigner) wrong = motcua_signer_open_pkcs11 (module, uri, "000000", &error);

      g_assert_null (wrong);
      g_assert_error (error, MOTCUA_ERROR, MOTCUA_ERROR_WRONG_PIN);
      g_assert_nonnull (strstr (error->message, "PIN"));
      g_clear_error (&error);
    }
  signer = motcua_signer_open_pkcs11 (module, uri, TOKEN_PIN, &error);
  g_assert_no_error (error);
  g_assert_nonnull (signer);

  /* No PIN at all is asked for, not sent. */
  g_assert_null (motcua_signer_open_pkcs11 (module, uri, "", &error));
  g_assert_error (error, MOTCUA_ERROR, MOTCUA_ERROR_WRONG_PIN);
}

static void
refused_certificate (const char *label, MotcuaVerdictStatus expected)
{
  g_autoptr(Workstation) ws = workstation_new (TRUE);
  g_autoptr(MotcuaSigner) signer = open_token_signer (label);
  g_autofree char *code = submitted_dossier (ws, "Vũ Thị Hằng");
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaDossier) refused = act (ws, code, MOTCUA_ACTION_APPROVE, "supervisor1", signer, &error);
  g_autoptr(MotcuaDossier) dossier = motcua_store_get_dossier (ws->store, code, NULL);

  g_assert_null (refused);
  g_assert_error (error, MOTCUA_ERROR, MOTCUA_ERROR_SIGNATURE);
  g_assert_cmpuint (motcua_dossier_get_event_count (dossier), ==, 5);
  g_test_message ("%s: %s", label, error->message);
  g_clear_error (&error);

  /* The same signature checked directly gives the precise verdict. */
  {
    g_autoptr(MotcuaTrust) trust = motcua_approval_load_trust (ws->store, NULL);
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autoptr(JsonObject) approval = motcua_approval_new (dossier, now, NULL, signer);
    g_autofree char *text = motcua_approval_to_text (approval);
    g_autoptr(GBytes) signature = motcua_signer_sign (signer, text, strlen (text), &error);
    g_autoptr(MotcuaVerdict) verdict = motcua_approval_verify_signature (trust, approval, signature);

    g_assert_no_error (error);
    g_assert_cmpint (verdict->status, ==, expected);
  }
}

static void
test_expired_refused (void)
{
  refused_certificate ("expired", MOTCUA_VERDICT_EXPIRED);
}

static void
test_wrong_usage_refused (void)
{
  refused_certificate ("wrong-usage", MOTCUA_VERDICT_WRONG_USAGE);
}

static void
test_unsigned_policy (void)
{
  g_autoptr(Workstation) open_ws = workstation_new (FALSE);
  g_autoptr(Workstation) strict_ws = workstation_new (TRUE);
  g_autofree char *open_code = submitted_dossier (open_ws, "Phan Văn Khải");
  g_autofree char *strict_code = submitted_dossier (strict_ws, "Phan Thị Loan");
  g_autoptr(MotcuaSigner) signer = open_token_signer ("supervisor");
  g_autoptr(MotcuaDossier) refused = NULL;
  g_autoptr(MotcuaDossier) no_anchor = NULL;
  g_autoptr(GError) error = NULL;

  /* Without trust anchors, approvals may be unsigned (as before signing existed)… */
  approve_ok (open_ws, open_code, NULL);
  /* …but a signature that could not be checked is not made. */
  {
    g_autofree char *second = submitted_dossier (open_ws, "Phan Văn Minh");

    no_anchor = act (open_ws, second, MOTCUA_ACTION_APPROVE, "supervisor1", signer, &error);
    g_assert_null (no_anchor);
    g_assert_error (error, MOTCUA_ERROR, MOTCUA_ERROR_SIGNATURE);
    g_clear_error (&error);
  }
  /* With trust anchors, every approval is signed. */
  refused = act (strict_ws, strict_code, MOTCUA_ACTION_APPROVE, "supervisor1", NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, MOTCUA_ERROR, MOTCUA_ERROR_SIGNATURE);
}

/* ---- one dossier's signature on another ----------------------------------------------- */

static void
test_signature_bound_to_dossier (void)
{
  g_autoptr(Workstation) ws = workstation_new (TRUE);
  g_autoptr(MotcuaSigner) signer = open_token_signer ("supervisor");
  g_autofree char *first = submitted_dossier (ws, "Trịnh Văn Nam");
  g_autofree char *second = submitted_dossier (ws, "Trịnh Thị Oanh");
  g_autoptr(MotcuaEvent) first_event = NULL;
  g_autoptr(MotcuaEvent) second_event = NULL;
  g_autoptr(MotcuaTrust) trust = NULL;
  g_autoptr(MotcuaVerdict) swapped = NULL;
  g_autoptr(MotcuaVerdict) moved = NULL;

  approve_ok (ws, first, signer);
  approve_ok (ws, second, signer);
  first_event = stored_event (ws, first, 6);
  second_event = stored_event (ws, second, 6);
  trust = motcua_approval_load_trust (ws->store, NULL);

  /* The first signature on the second approval: the signed text differs. */
  g_bytes_unref (second_event->signature);
  second_event->signature = g_bytes_ref (first_event->signature);
  swapped = motcua_approval_verify_event (trust, second_event, second);
  g_assert_cmpint (swapped->status, ==, MOTCUA_VERDICT_BAD_SIGNATURE);

  /* The first approval, signature and all, moved onto the second dossier. */
  g_free (second_event->payload);
  second_event->payload = g_strdup (first_event->payload);
  moved = motcua_approval_verify_event (trust, second_event, second);
  g_assert_cmpint (moved->status, ==, MOTCUA_VERDICT_WRONG_DOSSIER);
}

/* ---- the journal edited with sqlite3 ---------------------------------------------------- */

typedef struct {
  const char *sql;          /* @UID@: the dossier's uid */
  const char *problem;      /* what verify must call it */
  gint64      seq;          /* and where */
  gint64      second_seq;   /* a second finding, or 0 */
} Tampering;

static const Tampering tamperings[] = {
  { "UPDATE events SET payload = replace(payload, 'Công an xã', 'Công an huyện') WHERE dossier_uid = '@UID@' AND seq = 2", "altered", 2, 0 },
  { "UPDATE events SET actor = 'supervisor2' WHERE dossier_uid = '@UID@' AND seq = 4", "altered", 4, 0 },
  { "UPDATE events SET confirmed_at = '2026-11-22T09:00:00+07:00' WHERE dossier_uid = '@UID@' AND seq = 1", "altered", 1, 0 },
  { "UPDATE events SET actor_role = 'admin' WHERE dossier_uid = '@UID@' AND seq = 5", "altered", 5, 0 },
  { "UPDATE events SET kind = 'refuse' WHERE dossier_uid = '@UID@' AND seq = 3", "altered", 3, 0 },
  { "UPDATE events SET prev_hash = hash WHERE dossier_uid = '@UID@' AND seq = 3", "altered", 3, 0 },
  { "UPDATE events SET hash = lower(hex(randomblob(32))) WHERE dossier_uid = '@UID@' AND seq = 6", "altered", 6, 0 },
  { "UPDATE events SET signature = substr(signature, 1, length(signature) - 1) || x'00' WHERE dossier_uid = '@UID@' AND seq = 6", "signature", 6, 0 },
  { "UPDATE events SET signature = NULL WHERE dossier_uid = '@UID@' AND seq = 6", "signature", 6, 0 },
  { "DELETE FROM events WHERE dossier_uid = '@UID@' AND seq = 3", "removed", 3, 0 },
  { "DELETE FROM events WHERE dossier_uid = '@UID@' AND seq = 6", "removed", 6, 0 },
  { "UPDATE events SET seq = 60 WHERE dossier_uid = '@UID@' AND seq = 6", "reordered", 60, 0 },
  { "UPDATE events SET seq = 100 WHERE dossier_uid = '@UID@' AND seq = 2;"
    " UPDATE events SET seq = 2 WHERE dossier_uid = '@UID@' AND seq = 3;"
    " UPDATE events SET seq = 3 WHERE dossier_uid = '@UID@' AND seq = 100", "reordered", 2, 3 },
};

static void
run_sqlite3 (const char *db, const char *sql)
{
  const char *argv[] = { "sqlite3", db, sql, NULL };
  g_autofree char *err = NULL;
  int status = -1;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                               NULL, NULL, NULL, &err, &status, NULL));
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("sqlite3 failed on “%s”: %s", sql, err);
}

/* `motcua --json verify --all` on @db: its findings, and it must exit 1. */
static JsonArray *
verify_findings (const char *db, int expected_status)
{
  g_autoptr(MotcuaTestCliResult) r = motcua_test_run_cli (db, "--json", "verify", "--all", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *findings;

  motcua_test_expect_status (r, expected_status, "verify --all");
  g_assert_true (json_parser_load_from_data (parser, r->out, -1, NULL));
  findings = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "findings");
  return json_array_ref (findings);
}

static void
assert_finding (JsonArray *findings, const char *code, const char *problem, gint64 seq)
{
  for (guint i = 0; i < json_array_get_length (findings); i++)
    {
      JsonObject *finding = json_array_get_object_element (findings, i);

      if (g_str_equal (json_object_get_string_member (finding, "code"), code)
          && g_str_equal (json_object_get_string_member (finding, "problem"), problem)
          && json_object_get_int_member (finding, "seq") == seq)
        return;
    }
  g_error ("No “%s” finding for event %" G_GINT64_FORMAT " of %s", problem, seq, code);
}

static void
test_tampering_named (void)
{
  g_autoptr(Workstation) ws = workstation_new (TRUE);
  g_autoptr(MotcuaSigner) signer = open_token_signer ("supervisor");
  g_autofree char *intact = submitted_dossier (ws, "Cao Văn Quý");
  g_autofree char *target = submitted_dossier (ws, "Cao Thị Rạng");
  g_autoptr(MotcuaDossier) dossier = NULL;
  g_autoptr(JsonArray) clean = NULL;
  g_autofree char *uid = NULL;

  approve_ok (ws, intact, signer);
  approve_ok (ws, target, signer);
  dossier = motcua_store_get_dossier (ws->store, target, NULL);
  uid = g_strdup (motcua_dossier_get_uid (dossier));
  workstation_close (ws);

  clean = verify_findings (ws->db, 0);
  g_assert_cmpuint (json_array_get_length (clean), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (tamperings); i++)
    {
      g_autofree char *copy = g_strdup_printf ("%s.%u", ws->db, i);
      g_autofree char *contents = NULL;
      GString *statement = g_string_new (tamperings[i].sql);
      g_autofree char *sql = (g_string_replace (statement, "@UID@", uid, 0), g_string_free (statement, FALSE));
      g_autoptr(JsonArray) findings = NULL;
      gsize length;

      g_test_message ("tampering: %s", sql);
      g_assert_true (g_file_get_contents (ws->db, &contents, &length, NULL));
      motcua_test_write_file (copy, contents, length);
      run_sqlite3 (copy, sql);
      findings = verify_findings (copy, 1);
      assert_finding (findings, target, tamperings[i].problem, tamperings[i].seq);
      if (tamperings[i].second_seq != 0)
        assert_finding (findings, target, tamperings[i].problem, tamperings[i].second_seq);
      /* Only the dossier that was touched is named, and only what was done to it. */
      for (guint j = 0; j < json_array_get_length (findings); j++)
        g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (findings, j), "code"), ==, target);
      g_assert_cmpuint (json_array_get_length (findings), ==, tamperings[i].second_seq != 0 ? 2 : 1);
    }

  /* The dossier's row deleted, its journal left behind. */
  {
    g_autofree char *copy = g_strdup_printf ("%s.orphan", ws->db);
    g_autofree char *contents = NULL;
    g_autofree char *sql = g_strdup_printf ("DELETE FROM dossiers WHERE uid = '%s'", uid);
    g_autoptr(JsonArray) findings = NULL;
    gsize length;

    g_assert_true (g_file_get_contents (ws->db, &contents, &length, NULL));
    motcua_test_write_file (copy, contents, length);
    run_sqlite3 (copy, sql);
    findings = verify_findings (copy, 1);
    assert_finding (findings, uid, "removed", 0);
  }
}

static void
test_rewritten_hash_named (void)
{
  g_autoptr(Workstation) ws = workstation_new (FALSE);
  g_autofree char *code = submitted_dossier (ws, "Mai Văn Sơn");
  g_autoptr(MotcuaEvent) event = stored_event (ws, code, 2);
  g_autofree char *hash = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(JsonArray) findings = NULL;

  /* A careful forger changes the event and gives it the hash of what they wrote. */
  g_free (event->actor);
  event->actor = g_strdup ("clerk2");
  hash = motcua_event_compute_hash (event);
  workstation_close (ws);
  sql = g_strdup_printf ("UPDATE events SET actor = 'clerk2', hash = '%s' WHERE op_id = '%s'", hash, event->op_id);
  run_sqlite3 (ws->db, sql);
  findings = verify_findings (ws->db, 1);
  assert_finding (findings, code, "altered", 2);
}

/* ---- the command line ------------------------------------------------------------------- */

static MotcuaTestCliResult *
cli_approve (const char *db, const char *code, const char *actor, const char *pin_file)
{
  g_autofree char *uri = token_uri ("supervisor");
  const char *env[] = { "LANGUAGE", "vi", NULL };
  const char *args[] = { "act", code, "approve", "--as", actor, "--signer", uri, "--pin-file", pin_file,
                         "--pkcs11-module", module, NULL };

  return motcua_test_run_cli_env (env, db, args);
}

static void
test_cli_approve_and_verify (void)
{
  g_autoptr(Workstation) ws = workstation_new (TRUE);
  g_autofree char *code = submitted_dossier (ws, "Lương Văn Thắng");
  g_autofree char *wrong_pin = g_build_filename (ws->dir, "wrong.pin", NULL);
  g_autofree char *right_pin = g_build_filename (ws->dir, "right.pin", NULL);
  g_autoptr(MotcuaTestCliResult) listed = NULL;
  g_autoptr(MotcuaTestCliResult) wrong = NULL;
  g_autoptr(MotcuaTestCliResult) clerk = NULL;
  g_autoptr(MotcuaTestCliResult) right = NULL;
  g_autoptr(MotcuaTestCliResult) intact = NULL;
  g_autoptr(MotcuaTestCliResult) tampered = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *expected = NULL;

  workstation_close (ws);
  /* The URI to sign with, as the leader finds it. */
  listed = motcua_test_run_cli (ws->db, "token", "list", "--pkcs11-module", module, NULL);
  motcua_test_expect_status (listed, 0, "token list");
  g_assert_nonnull (strstr (listed->out, "CN=Nguyễn Văn Lãnh (supervisor)"));
  g_assert_nonnull (strstr (listed->out, ";object=supervisor"));
  g_assert_null (strstr (listed->out, "type="));
  motcua_test_write_file (wrong_pin, "999999\n", -1);
  motcua_test_write_file (right_pin, TOKEN_PIN "\n", -1);

  wrong = cli_approve (ws->db, code, "supervisor1", wrong_pin);
  motcua_test_expect_status (wrong, 1, "approve with a wrong PIN");
  g_assert_nonnull (strstr (wrong->err, "Mã PIN không đúng"));
  clerk = cli_approve (ws->db, code, "clerk1", right_pin);
  motcua_test_expect_status (clerk, 1, "approve as a clerk");
  right = cli_approve (ws->db, code, "supervisor1", right_pin);
  motcua_test_expect_status (right, 0, "approve with the right PIN");

  {
    g_autofree char *ca = pki_path ("ca.pem");
    g_autoptr(MotcuaTestCliResult) again = motcua_test_run_cli (ws->db, "--json", "trust", "add", ca, NULL);
    g_autoptr(MotcuaTestCliResult) list = motcua_test_run_cli (ws->db, "trust", "list", NULL);

    /* The CA is trusted already: adding it again adds nothing. */
    motcua_test_expect_status (again, 0, "trust add again");
    g_assert_nonnull (strstr (again->out, "\"added\" : 0"));
    motcua_test_expect_status (list, 0, "trust list");
    g_assert_cmpstr (list->out, ==, "CN=CA Thử nghiệm Một cửa,O=Ban Cơ yếu Thử nghiệm,C=VN\n");
  }
  intact = motcua_test_run_cli (ws->db, "verify", code, NULL);
  motcua_test_expect_status (intact, 0, "verify");
  g_assert_nonnull (strstr (intact->out, "1 signed approvals (1 verified)"));

  sql = g_strdup_printf ("UPDATE events SET confirmed_at = '2026-11-20T08:00:00+07:00' WHERE seq = 4"
                         " AND dossier_uid = (SELECT uid FROM dossiers WHERE code = '%s')", code);
  run_sqlite3 (ws->db, sql);
  tampered = motcua_test_run_cli (ws->db, "verify", code, NULL);
  motcua_test_expect_status (tampered, 1, "verify after an edit");
  expected = g_strdup_printf ("Dossier %s, event 4 (", code);
  g_assert_nonnull (strstr (tampered->out, expected));
  g_assert_nonnull (strstr (tampered->out, "draft): altered"));
}

/* ---- the server ------------------------------------------------------------------------- */

static void
test_server_verifies (void)
{
  g_autoptr(MotcuaTestServer) server = motcua_test_server_new ();
  g_autoptr(Workstation) ws = workstation_new (TRUE);
  g_autoptr(MotcuaSigner) signer = open_token_signer ("supervisor");
  g_autoptr(MotcuaSync) sync = NULL;
  g_autofree char *ca = pki_path ("ca.pem");
  g_autofree char *enrolment = NULL;
  g_autofree char *good = NULL, *forged = NULL, *clerk = NULL;
  g_autoptr(MotcuaEvent) good_event = NULL;
  g_autoptr(MotcuaEvent) forged_event = NULL;
  MotcuaSyncReport report = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_true (motcua_test_server_admin (server, "trust-add", ca, NULL));
  /* Twice is the same as once. */
  g_assert_true (motcua_test_server_admin (server, "trust-add", ca, NULL));
  g_assert_true (motcua_test_server_start (server));
  enrolment = motcua_test_server_enrolment_code (server, MOTCUA_TEST_AGENCY);
  g_assert_true (motcua_sync_register (ws->store, motcua_test_server_get_url (server), enrolment, "Máy ký",
                                       NULL, NULL, &error));
  g_assert_no_error (error);
  sync = motcua_sync_new (ws->store);
  /* The first round reserves dossier numbers. */
  g_assert_true (motcua_sync_run_round (sync, NULL, &report, &error));
  g_assert_no_error (error);

  motcua_sync_report_clear (&report);
  good = submitted_dossier (ws, "Tô Văn Tài");
  forged = submitted_dossier (ws, "Tô Thị Uyên");
  clerk = submitted_dossier (ws, "Tô Văn Việt");
  g_assert_true (motcua_sync_run_round (sync, NULL, &report, &error));
  g_assert_no_error (error);

  approve_ok (ws, good, signer);
  approve_ok (ws, forged, signer);
  /* The first approval's signature pasted onto the second one with sqlite3. */
  good_event = stored_event (ws, good, 6);
  forged_event = stored_event (ws, forged, 6);
  {
    g_autofree char *sql = g_strdup_printf ("UPDATE events SET signature = (SELECT signature FROM events WHERE op_id = '%s')"
                                            " WHERE op_id = '%s'", good_event->op_id, forged_event->op_id);
    g_assert_true (motcua_test_exec_sql (motcua_store_get_db (ws->store), sql));
  }

  motcua_sync_report_clear (&report);
  g_assert_true (motcua_sync_run_round (sync, NULL, &report, &error));
  g_assert_no_error (error);
  g_clear_pointer (&good_event, motcua_event_free);
  g_clear_pointer (&forged_event, motcua_event_free);
  good_event = stored_event (ws, good, 6);
  forged_event = stored_event (ws, forged, 6);
  g_assert_cmpint (good_event->sync_state, ==, MOTCUA_SYNC_ACCEPTED);
  g_assert_cmpint (forged_event->sync_state, ==, MOTCUA_SYNC_REJECTED);
  g_assert_cmpstr (forged_event->reject_reason, ==, "signature");

  /* The clerk reads the refusal and dismisses it: the forged approval is set aside, whole,
   * and an edit of it there is still named. */
  {
    g_autoptr(MotcuaDossier) dossier = motcua_store_get_dossier (ws->store, forged, NULL);
    g_autoptr(MotcuaJournalReport) before = NULL;
    g_autoptr(MotcuaJournalReport) after = NULL;
    g_autofree char *sql = NULL;
    MotcuaJournalFinding *finding;

    g_assert_true (motcua_store_dismiss_attention (ws->store, motcua_dossier_get_uid (dossier), &error));
    g_assert_no_error (error);
    before = motcua_journal_verify (ws->store, forged, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (before->findings->len, ==, 0);
    sql = g_strdup_printf ("UPDATE set_aside_events SET actor = 'supervisor2' WHERE op_id = '%s'", forged_event->op_id);
    g_assert_true (motcua_test_exec_sql (motcua_store_get_db (ws->store), sql));
    after = motcua_journal_verify (ws->store, forged, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (after->findings->len, ==, 1);
    finding = g_ptr_array_index (after->findings, 0);
    g_assert_cmpint (finding->kind, ==, MOTCUA_FINDING_ALTERED);
    g_assert_cmpint (finding->seq, ==, 6);
    g_assert_cmpstr (finding->op_id, ==, forged_event->op_id);
  }

  /* A clerk's approval, signed with the supervisor's key and hashed correctly, pushed by
   * hand: the server refuses it. */
  {
    g_autoptr(MotcuaDossier) dossier = motcua_store_get_dossier (ws->store, clerk, NULL);
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autoptr(JsonObject) approval = motcua_approval_new (dossier, now, NULL, signer);
    g_autoptr(JsonObject) payload = json_object_new ();
    g_autoptr(MotcuaEvent) event = motcua_event_new ();
    g_autofree char *text = NULL;
    g_autofree char *token = motcua_store_get_state (ws->store, "sync.token", NULL);
    g_autofree char *url = g_strconcat (motcua_test_server_get_url (server), "v1/events", NULL);
    g_autoptr(JsonObject) request = json_object_new ();
    JsonArray *events = json_array_new ();
    g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
    g_autoptr(GBytes) body = NULL;
    g_autoptr(GBytes) answer = NULL;
    g_autoptr(JsonObject) reply = NULL;
    JsonObject *result;

    text = motcua_approval_to_text (approval);
    event->signature = motcua_signer_sign (signer, text, strlen (text), &error);
    g_assert_no_error (error);
    json_object_set_object_member (payload, "approval", json_object_ref (approval));
    event->op_id = motcua_uuid_new (now);
    event->dossier_uid = g_strdup (motcua_dossier_get_uid (dossier));
    event->seq = 6;
    event->actor = g_strdup ("clerk1");
    event->actor_role = g_strdup ("clerk");
    event->confirmed_at = g_strdup (MOTCUA_TEST_NOW);
    event->kind = g_strdup ("approve");
    event->payload = motcua_json_object_to_string (payload);
    event->prev_hash = g_strdup (motcua_dossier_get_last_event_hash (dossier));
    event->hash = motcua_event_compute_hash (event);
    json_array_add_element (events, motcua_protocol_event_to_json (event, 0));
    json_object_set_array_member (request, "events", events);
    json_node_set_object (root, request);
    body = motcua_protocol_to_bytes (root);
    g_assert_cmpuint (motcua_test_http ("POST", url, token, body, "application/json", &answer, NULL), ==, 200);
    reply = motcua_protocol_parse_object (answer, &error);
    g_assert_no_error (error);
    result = json_array_get_object_element (json_object_get_array_member (reply, "results"), 0);
    g_assert_cmpstr (json_object_get_string_member (result, "result"), ==, "rejected");
    g_assert_cmpstr (json_object_get_string_member (result, "reason"), ==, "workflow");
  }
  motcua_sync_report_clear (&report);

  /* A workstation that does not require signatures approves unsigned: this server does. */
  {
    g_autoptr(Workstation) lax = workstation_new (FALSE);
    g_autoptr(MotcuaSync) lax_sync = motcua_sync_new (lax->store);
    g_autofree char *lax_code = NULL;
    g_autofree char *lax_enrolment = motcua_test_server_enrolment_code (server, MOTCUA_TEST_AGENCY);
    g_autoptr(MotcuaEvent) unsigned_event = NULL;

    g_assert_true (motcua_sync_register (lax->store, motcua_test_server_get_url (server), lax_enrolment, "Máy khác",
                                         NULL, NULL, &error));
    g_assert_true (motcua_sync_run_round (lax_sync, NULL, &report, &error));
    g_assert_no_error (error);
    lax_code = submitted_dossier (lax, "Tô Thị Xuân");
    approve_ok (lax, lax_code, NULL);
    motcua_sync_report_clear (&report);
    g_assert_true (motcua_sync_run_round (lax_sync, NULL, &report, &error));
    g_assert_no_error (error);
    unsigned_event = stored_event (lax, lax_code, 6);
    g_assert_cmpint (unsigned_event->sync_state, ==, MOTCUA_SYNC_REJECTED);
    g_assert_cmpstr (unsigned_event->reject_reason, ==, "signature");
    g_assert_cmpint (stored_event_state (lax, lax_code, 5), ==, MOTCUA_SYNC_ACCEPTED);
    motcua_sync_report_clear (&report);
  }
}

int
main (int argc, char **argv)
{
  int result;

  g_setenv ("MOTCUA_NOW", MOTCUA_TEST_NOW, TRUE);
  g_unsetenv ("MOTCUA_USER");
  g_unsetenv ("MOTCUA_DB");
  g_test_init (&argc, &argv, NULL);
  module = motcua_test_softhsm_module ();
  pki_dir = motcua_test_pki_setup ();

  g_test_add_func ("/signatures/good-approval", test_good_approval_verifies);
  g_test_add_func ("/signatures/pkcs12", test_pkcs12_signer);
  g_test_add_func ("/signatures/clerk-refused", test_clerk_refused);
  g_test_add_func ("/signatures/wrong-pin", test_wrong_pin_does_not_lock);
  g_test_add_func ("/signatures/expired", test_expired_refused);
  g_test_add_func ("/signatures/wrong-usage", test_wrong_usage_refused);
  g_test_add_func ("/signatures/unsigned-policy", test_unsigned_policy);
  g_test_add_func ("/signatures/bound-to-dossier", test_signature_bound_to_dossier);
  g_test_add_func ("/signatures/tampering", test_tampering_named);
  g_test_add_func ("/signatures/rewritten-hash", test_rewritten_hash_named);
  g_test_add_func ("/signatures/cli", test_cli_approve_and_verify);
  g_test_add_func ("/signatures/server", test_server_verifies);
  result = g_test_run ();
  motcua_test_remove_tree (pki_dir);
  return result;
}
