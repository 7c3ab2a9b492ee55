/* test-returns.c: returning results and recording the citizen's satisfaction.
 *
 * At the counter (someone other than the applicant only with an authorisation), by
 * public postal service (tracking number and address) or electronically (to the portal
 * account, and the e-mail when known); then satisfied / acceptable / not satisfied with an optional comment. A
 * refused return changes nothing; every accepted detail is in the journal.
 */
#include <glib.h>

#include "motcua-error.h"
#include "motcua-test-util.h"
#include "motcua-time.h"

#define AGENCY "000.17.22.H56"
#define PROCEDURE "1.005461"

typedef struct {
  char        *dir;
  char        *db;
  MotcuaStore *store;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer user_data)
{
  g_autoptr(GError) error = NULL;
  MotcuaAgency agency = { .code = (char *) AGENCY, .name = (char *) "Ủy ban nhân dân xã Tân Lập" };

  f->dir = motcua_test_make_temp_dir ("motcua-test-returns-XXXXXX");
  f->db = g_build_filename (f->dir, "motcua.db", NULL);
  f->store = motcua_test_open_office (f->db, &agency);
  g_assert_true (motcua_store_set_state (f->store, "current_user", "clerk", &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer user_data)
{
  g_clear_object (&f->store);
  motcua_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->db);
}

/* A dossier whose result is ready at the counter; @email may be NULL. */
static char *
ready_dossier (Fixture *f, const char *email)
{
  g_autoptr(GError) error = NULL;
  MotcuaReceiveRequest receive = {
    .procedure_code = PROCEDURE,
    .applicant_name = "Vàng Thị Dính",
    .applicant_id_number = "011190004567",
    .applicant_phone = "0981234567",
    .applicant_address = "Bản Tả Phìn, xã Tân Lập, tỉnh Lào Cai",
    .applicant_email = email,
    .actor = "clerk",
  };
  static const struct {
    MotcuaAction action;
    const char  *actor;
  } steps[] = {
    { MOTCUA_ACTION_TRANSFER, "clerk" }, { MOTCUA_ACTION_EXAMINE, "spec" }, { MOTCUA_ACTION_DRAFT, "spec" },
    { MOTCUA_ACTION_SUBMIT, "spec" }, { MOTCUA_ACTION_APPROVE, "boss" }, { MOTCUA_ACTION_RESULT_READY, "spec" },
  };
  g_autoptr(MotcuaDossier) dossier = motcua_store_receive (f->store, &receive, &error);
  char *code;

  g_assert_no_error (error);
  code = g_strdup (motcua_dossier_get_code (dossier));
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      MotcuaActionRequest request = { .actor = steps[i].actor, .to = "Công chức Tư pháp - Hộ tịch" };
      g_autoptr(MotcuaDossier) next = motcua_store_act (f->store, code, steps[i].action, &request, &error);

      g_assert_no_error (error);
    }
  return code;
}

/* The payload of the dossier's last event. */
static JsonObject *
last_payload (Fixture *f, const char *code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaDossier) dossier = motcua_store_get_dossier (f->store, code, &error);
  g_autoptr(GPtrArray) events = motcua_store_get_events (f->store, motcua_dossier_get_uid (dossier), &error);
  JsonObject *payload;

  g_assert_no_error (error);
  payload = motcua_event_parse_payload (g_ptr_array_index (events, events->len - 1), &error);
  g_assert_no_error (error);
  return payload;
}

static void
expect_refused (Fixture *f, const char *code, MotcuaActionRequest *request, const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaDossier) before = motcua_store_get_dossier (f->store, code, NULL);
  g_autoptr(MotcuaDossier) result = NULL;
  g_autoptr(MotcuaDossier) after = NULL;

  request->actor = "clerk";
  result = motcua_store_act (f->store, code, MOTCUA_ACTION_RETURN, request, &error);
  g_assert_null (result);
  g_assert_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT);
  g_assert_cmpstr (error->message, ==, message);
  after = motcua_store_get_dossier (f->store, code, NULL);
  g_assert_cmpint (motcua_dossier_get_status (after), ==, MOTCUA_STATUS_RESULT_READY);
  g_assert_cmpuint (motcua_dossier_get_event_count (after), ==, motcua_dossier_get_event_count (before));
}

static void
expect_returned (Fixture *f, const char *code, MotcuaActionRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaDossier) result = NULL;

  request->actor = "clerk";
  result = motcua_store_act (f->store, code, MOTCUA_ACTION_RETURN, request, &error);
  g_assert_no_error (error);
  g_assert_cmpint (motcua_dossier_get_status (result), ==, MOTCUA_STATUS_RETURNED);
}

static void
test_counter_applicant (Fixture *f, gconstpointer user_data)
{
  g_autofree char *code = ready_dossier (f, NULL);
  MotcuaActionRequest request = { .method = "counter", .recipient_name = "  vàng thị dính ",
                                  .recipient_id_number = "011190004567" };
  g_autoptr(JsonObject) payload = NULL;

  /* The applicant, however the clerk typed the name, needs no authorisation. */
  expect_returned (f, code, &request);
  payload = last_payload (f, code);
  g_assert_cmpstr (json_object_get_string_member (payload, "method"), ==, "counter");
  g_assert_false (json_object_has_member (payload, "authorization"));
}

static void
test_counter_someone_else (Fixture *f, gconstpointer user_data)
{
  g_autofree char *code = ready_dossier (f, NULL);
  MotcuaActionRequest request = { .method = "counter", .recipient_name = "Giàng A Sử",
                                  .recipient_id_number = "011088001234" };
  g_autoptr(JsonObject) payload = NULL;

  expect_refused (f, code, &request,
                  "The recipient is not the applicant: note their authorisation (e.g. the power of attorney).");
  request.authorization = "Giấy ủy quyền số 15/UQ ngày 20/11/2026, UBND xã Tân Lập chứng thực";
  expect_returned (f, code, &request);
  payload = last_payload (f, code);
  g_assert_cmpstr (json_object_get_string_member (payload, "recipient_name"), ==, "Giàng A Sử");
  g_assert_cmpstr (json_object_get_string_member (payload, "authorization"), ==, request.authorization);
}

static void
test_counter_needs_recipient (Fixture *f, gconstpointer user_data)
{
  g_autofree char *code = ready_dossier (f, NULL);
  MotcuaActionRequest no_name = { .method = "counter", .recipient_id_number = "011190004567" };
  MotcuaActionRequest no_id = { .method = "counter", .recipient_name = "Vàng Thị Dính" };
  MotcuaActionRequest no_method = { 0 };

  expect_refused (f, code, &no_name, "Returning at the counter needs the recipient's name.");
  expect_refused (f, code, &no_id, "Returning at the counter needs the recipient's ID number.");
  expect_refused (f, code, &no_method, "Say how the result is returned: at the counter, by post or electronically.");
}

static void
test_post (Fixture *f, gconstpointer user_data)
{
  g_autofree char *code = ready_dossier (f, NULL);
  g_autofree char *other = ready_dossier (f, NULL);
  MotcuaActionRequest no_tracking = { .method = "post" };
  MotcuaActionRequest post = { .method = "post", .tracking = "EB123456789VN" };
  MotcuaActionRequest elsewhere = { .method = "post", .tracking = "EB987654321VN",
                                    .postal_address = "Số 5 phố Hàng Bông, phường Hoàn Kiếm, Hà Nội" };
  g_autoptr(JsonObject) payload = NULL;
  g_autoptr(JsonObject) other_payload = NULL;

  expect_refused (f, code, &no_tracking, "Returning by post needs the postal tracking number.");
  /* Without an address the result goes to the applicant's. */
  expect_returned (f, code, &post);
  payload = last_payload (f, code);
  g_assert_cmpstr (json_object_get_string_member (payload, "tracking"), ==, "EB123456789VN");
  g_assert_cmpstr (json_object_get_string_member (payload, "postal_address"), ==, "Bản Tả Phìn, xã Tân Lập, tỉnh Lào Cai");
  expect_returned (f, other, &elsewhere);
  other_payload = last_payload (f, other);
  g_assert_cmpstr (json_object_get_string_member (other_payload, "postal_address"), ==, elsewhere.postal_address);
}

static void
test_electronic (Fixture *f, gconstpointer user_data)
{
  g_autofree char *without_email = ready_dossier (f, NULL);
  g_autofree char *with_email = ready_dossier (f, "vang.dinh@example.vn");
  MotcuaActionRequest electronic = { .method = "electronic" };
  g_autoptr(JsonObject) payload = NULL;
  g_autoptr(JsonObject) other = NULL;

  expect_returned (f, with_email, &electronic);
  payload = last_payload (f, with_email);
  g_assert_cmpstr (json_object_get_string_member (payload, "electronic_address"), ==, "vang.dinh@example.vn");
  /* Without an e-mail the result is in the applicant's portal account: nothing to add. */
  expect_returned (f, without_email, &electronic);
  other = last_payload (f, without_email);
  g_assert_false (json_object_has_member (other, "electronic_address"));
}

static void
test_satisfaction (Fixture *f, gconstpointer user_data)
{
  g_autofree char *code = ready_dossier (f, NULL);
  MotcuaActionRequest returned = { .method = "counter", .recipient_name = "Vàng Thị Dính",
                                   .recipient_id_number = "011190004567" };
  MotcuaActionRequest bad = { .rating = "so-so", .actor = "clerk" };
  MotcuaActionRequest rating = { .rating = "acceptable", .note = "Phải chờ lâu ở quầy", .actor = "clerk" };
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaDossier) refused = NULL;
  g_autoptr(MotcuaDossier) rated = NULL;
  g_autoptr(JsonObject) payload = NULL;
  g_autoptr(JsonNode) json = NULL;

  expect_returned (f, code, &returned);
  refused = motcua_store_act (f->store, code, MOTCUA_ACTION_SATISFACTION, &bad, &error);
  g_assert_null (refused);
  g_assert_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  rated = motcua_store_act (f->store, code, MOTCUA_ACTION_SATISFACTION, &rating, &error);
  g_assert_no_error (error);
  json = motcua_dossier_to_json (rated);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (json), "satisfaction"), ==, "acceptable");
  payload = last_payload (f, code);
  g_assert_cmpstr (json_object_get_string_member (payload, "note"), ==, "Phải chờ lâu ở quầy");
}

static void
test_cli (Fixture *f, gconstpointer user_data)
{
  g_autofree char *code = ready_dossier (f, NULL);
  g_autoptr(MotcuaTestCliResult) refused = NULL;
  g_autoptr(MotcuaTestCliResult) returned = NULL;
  g_autoptr(MotcuaTestCliResult) rated = NULL;

  g_clear_object (&f->store);
  refused = motcua_test_run_cli (f->db, "act", code, "return", "--method", "counter", "--recipient", "Giàng A Sử",
                                 "--recipient-id", "011088001234", NULL);
  g_assert_true (motcua_test_expect_status (refused, 1, "return to someone else without authorisation"));
  returned = motcua_test_run_cli (f->db, "--json", "act", code, "return", "--method", "counter",
                                  "--recipient", "Giàng A Sử", "--recipient-id", "011088001234",
                                  "--authorization", "Giấy ủy quyền số 15/UQ", NULL);
  g_assert_true (motcua_test_expect_status (returned, 0, "return with authorisation"));
  rated = motcua_test_run_cli (f->db, "act", code, "satisfaction", "--rating", "satisfied", "--note", "Cán bộ nhiệt tình",
                               NULL);
  g_assert_true (motcua_test_expect_status (rated, 0, "satisfaction"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/returns/counter-applicant", test_counter_applicant);
  ADD ("/returns/counter-someone-else", test_counter_someone_else);
  ADD ("/returns/counter-needs-recipient", test_counter_needs_recipient);
  ADD ("/returns/post", test_post);
  ADD ("/returns/electronic", test_electronic);
  ADD ("/returns/satisfaction", test_satisfaction);
  ADD ("/returns/cli", test_cli);
#undef ADD
  return g_test_run ();
}
