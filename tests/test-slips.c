/* test-slips.c: the standard slips (forms 01–06) as real PDFs.
 *
 * Dossiers are made through the store as a clerk would make them; every form is
 * rendered and read back with poppler: each field must be in the text, and where it
 * stands on the page must be where a Vietnamese office puts it (the national heading at
 * the top right, the agency at the top left, signatures at the bottom). The QR code of
 * the receipt is decoded with zbar. Broken templates must be refused with the file and
 * the problem named; the CLI commands are run as programs.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <math.h>
#include <poppler.h>
#include <zbar.h>

#include "motcua-cccd.h"
#include "motcua-demo-form.h"
#include "motcua-error.h"
#include "motcua-slip-data.h"
#include "motcua-slip-document.h"
#include "motcua-slip-template.h"
#include "motcua-test-util.h"
#include "motcua-time.h"

/* poppler-glib 22 declares no autoptr for its document. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerDocument, g_object_unref)

#define AGENCY "000.17.22.H56"
#define LOOKUP "https://dichvucong.thanhhoa.example.vn/tra-cuu"
#define COMPLETE_PROCEDURE "1.005461"     /* Đăng ký lại khai tử, 5 working days */
#define SHORT_PROCEDURE "DEMO.0001"       /* Đăng ký nhận cha, mẹ, con */

typedef struct {
  char          *dir;
  char          *db;
  MotcuaStore   *store;
  MotcuaSlipSet *set;
  char          *received;    /* full journal: received, handed over, apologised, returned */
  char          *supplement;  /* told at the counter what is missing (Form 02) */
  char          *refused;     /* refused at the counter (Form 03) */
} Fixture;

/* ---- making dossiers ----------------------------------------------------------------- */

static MotcuaDossier *
receive (Fixture *f, const char *procedure, const char *name, const char * const *provided, int outcome,
         const char *reason, GDateTime *now)
{
  g_autoptr(GError) error = NULL;
  MotcuaReceiveRequest request = {
    .procedure_code = procedure,
    .applicant_name = name,
    .applicant_id_number = "038190012345",
    .applicant_phone = "0912345678",
    .applicant_address = "Thôn Đông Hưng, xã Tân Lập, tỉnh Thanh Hóa",
    .applicant_email = "mai.huong@example.vn",
    .sets = 1,
    .documents_provided = provided,
    .on_incomplete = outcome,
    .reason = reason,
    .actor = "clerk",
    .now = now,
  };
  MotcuaDossier *dossier = motcua_store_receive (f->store, &request, &error);

  g_assert_no_error (error);
  return dossier;
}

static void
act (Fixture *f, const char *code, MotcuaAction action, MotcuaActionRequest *request, const char *actor,
     GDateTime *now)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaDossier) dossier = NULL;

  request->actor = actor;
  request->now = now;
  dossier = motcua_store_act (f->store, code, action, request, &error);
  g_assert_no_error (error);
}

static void
make_full_journal (Fixture *f)
{
  g_autoptr(GDateTime) t0 = motcua_test_vn_time (2026, 11, 16, 8, 30, 0);
  g_autoptr(GDateTime) t1 = motcua_test_vn_time (2026, 11, 16, 10, 5, 0);
  g_autoptr(GDateTime) t2 = motcua_test_vn_time (2026, 11, 17, 14, 0, 0);
  g_autoptr(GDateTime) t3 = motcua_test_vn_time (2026, 11, 20, 9, 0, 0);
  g_autoptr(GDateTime) t4 = motcua_test_vn_time (2026, 11, 26, 15, 0, 0);
  g_autoptr(MotcuaDossier) dossier = receive (f, COMPLETE_PROCEDURE, "Trần Thị Mai Hương", NULL, 0, NULL, t0);
  const char *code = motcua_dossier_get_code (dossier);
  MotcuaActionRequest transfer = { .to = "Công chức Tư pháp - Hộ tịch" };
  MotcuaActionRequest examine = { .note = "Hồ sơ hợp lệ" };
  MotcuaActionRequest apologize = { .reason = "Chờ xác minh thông tin hộ tịch tại xã khác",
                                    .new_due = "2026-11-27T16:00:00+07:00" };
  MotcuaActionRequest plain = { 0 };
  MotcuaActionRequest returned = { .method = "counter", .recipient_name = "Trần Thị Mai Hương",
                                   .recipient_id_number = "038190012345" };

  f->received = g_strdup (code);
  act (f, code, MOTCUA_ACTION_TRANSFER, &transfer, "clerk", t1);
  act (f, code, MOTCUA_ACTION_EXAMINE, &examine, "spec", t2);
  act (f, code, MOTCUA_ACTION_APOLOGIZE, &apologize, "spec", t3);
  act (f, code, MOTCUA_ACTION_DRAFT, &plain, "spec", t3);
  act (f, code, MOTCUA_ACTION_SUBMIT, &plain, "spec", t3);
  act (f, code, MOTCUA_ACTION_APPROVE, &plain, "boss", t3);
  act (f, code, MOTCUA_ACTION_RESULT_READY, &plain, "spec", t3);
  act (f, code, MOTCUA_ACTION_RETURN, &returned, "clerk", t4);
}

static void
fixture_set_up (Fixture *f, gconstpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaProcedure) procedure = NULL;
  g_autoptr(MotcuaDossier) supplement = NULL;
  g_autoptr(MotcuaDossier) refused = NULL;
  g_autoptr(GDateTime) t = motcua_test_vn_time (2026, 11, 18, 9, 45, 0);
  MotcuaAgency agency = {
    .code = (char *) AGENCY,
    .name = (char *) "Ủy ban nhân dân xã Tân Lập",
    .address = (char *) "Thôn Trung Tâm, xã Tân Lập, tỉnh Thanh Hóa",
    .phone = (char *) "0237 3851 234",
    .lookup_url = (char *) LOOKUP,
  };
  const char *first_only[2] = { NULL, NULL };

  f->dir = motcua_test_make_temp_dir ("motcua-test-slips-XXXXXX");
  f->db = g_build_filename (f->dir, "motcua.db", NULL);
  f->store = motcua_test_open_office (f->db, &agency);

  make_full_journal (f);
  procedure = motcua_store_get_procedure (f->store, SHORT_PROCEDURE, &error);
  g_assert_no_error (error);
  first_only[0] = ((MotcuaProcedureDocument *) g_ptr_array_index (procedure->documents, 0))->name;
  supplement = receive (f, SHORT_PROCEDURE, "Lò Văn Páo", first_only, MOTCUA_INCOMPLETE_REQUEST_SUPPLEMENT,
                        "Thiếu giấy tờ chứng minh quan hệ cha, mẹ, con", t);
  refused = receive (f, SHORT_PROCEDURE, "Hà Thị Nhung", first_only, MOTCUA_INCOMPLETE_REFUSE,
                     "Yêu cầu không thuộc thẩm quyền giải quyết của cấp xã", t);
  f->supplement = g_strdup (motcua_dossier_get_code (supplement));
  f->refused = g_strdup (motcua_dossier_get_code (refused));

  f->set = motcua_slip_set_load (MOTCUA_SLIP_SET_DEFAULT, NULL, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer user_data)
{
  g_clear_object (&f->set);
  g_clear_object (&f->store);
  motcua_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->db);
  g_free (f->received);
  g_free (f->supplement);
  g_free (f->refused);
}

/* ---- rendering and reading back ------------------------------------------------------ */

static PopplerDocument *
render (Fixture *f, MotcuaSlipSet *set, const char *form, MotcuaSlipData *data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaSlipDocument) document = motcua_slip_document_new (set, form, data, &error);
  g_autofree char *path = g_strdup_printf ("%s/form-%s.pdf", f->dir, form);
  g_autofree char *uri = NULL;
  PopplerDocument *pdf;

  g_assert_no_error (error);
  g_assert_true (motcua_slip_document_write_pdf (document, path, &error));
  g_assert_no_error (error);
  uri = g_filename_to_uri (path, NULL, NULL);
  pdf = poppler_document_new_from_file (uri, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (poppler_document_get_n_pages (pdf), ==, motcua_slip_document_get_n_pages (document));
  return pdf;
}

static PopplerDocument *
render_dossier_form (Fixture *f, const char *code, const char *form)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = motcua_test_parse_time (MOTCUA_TEST_NOW);
  g_autoptr(MotcuaSlipData) data = motcua_slip_data_new_for_dossier (f->store, f->set, code, now, &error);

  g_assert_no_error (error);
  return render (f, f->set, form, data);
}

static char *
page_text (PopplerDocument *pdf, int index)
{
  PopplerPage *page = poppler_document_get_page (pdf, index);
  char *text = poppler_page_get_text (page);

  g_object_unref (page);
  return text;
}

/* Where @text first stands on the page, with the origin at the top left. */
typedef struct {
  double left, top, right, bottom;
} Box;

static gboolean
find_box (PopplerDocument *pdf, int index, const char *text, Box *box)
{
  PopplerPage *page = poppler_document_get_page (pdf, index);
  GList *found = poppler_page_find_text_with_options (page, text, POPPLER_FIND_CASE_SENSITIVE);
  double width, height;
  gboolean ok = found != NULL;

  poppler_page_get_size (page, &width, &height);
  if (ok)
    {
      PopplerRectangle *rect = found->data;

      /* poppler-glib reports rectangles with the origin at the bottom left. */
      box->left = rect->x1;
      box->right = rect->x2;
      box->top = height - MAX (rect->y1, rect->y2);
      box->bottom = height - MIN (rect->y1, rect->y2);
    }
  g_list_free_full (found, (GDestroyNotify) poppler_rectangle_free);
  g_object_unref (page);
  return ok;
}

static Box
expect_box (PopplerDocument *pdf, int index, const char *text)
{
  Box box = { 0 };

  if (!find_box (pdf, index, text, &box))
    g_error ("“%s” is not on page %d", text, index + 1);
  return box;
}

/* Lines wrap where the page ends them, so the text is compared as one line. */
static void
assert_contains (const char *text, const char *needle)
{
  g_autofree char *flat = g_strdelimit (g_strdup (text), "\n", ' ');

  if (strstr (text, needle) == NULL && strstr (flat, needle) == NULL)
    g_error ("“%s” is missing from the slip:\n%s", needle, text);
}

/* Every slip: the agency at the top left, the national name and motto at the top right,
 * the motto under the name, the title centred below the heading. */
static void
assert_heading (PopplerDocument *pdf, const char *title)
{
  PopplerPage *page = poppler_document_get_page (pdf, 0);
  double width, height;
  Box nation, motto, agency, heading_title;

  poppler_page_get_size (page, &width, &height);
  g_object_unref (page);
  nation = expect_box (pdf, 0, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
  motto = expect_box (pdf, 0, "Độc lập - Tự do - Hạnh phúc");
  agency = expect_box (pdf, 0, "XÃ TÂN LẬP");
  heading_title = expect_box (pdf, 0, title);

  g_assert_cmpfloat (nation.bottom, <, height * 0.2);
  g_assert_cmpfloat (nation.left, >, width * 0.4);
  g_assert_cmpfloat (motto.top, >=, nation.bottom - 1);
  g_assert_cmpfloat (fabs ((motto.left + motto.right) / 2 - (nation.left + nation.right) / 2), <, 4);
  g_assert_cmpfloat (agency.right, <, width * 0.5);
  g_assert_cmpfloat (agency.bottom, <, height * 0.2);
  g_assert_cmpfloat (heading_title.top, >, motto.bottom);
  g_assert_cmpfloat (fabs ((heading_title.left + heading_title.right) / 2 - width / 2), <, width * 0.05);
}

/* Signature titles side by side, below @above, with the signer's name under each. */
static void
assert_signatures (PopplerDocument *pdf, int page, const char *above, const char *left_title,
                   const char *right_title, const char *right_name)
{
  Box last = expect_box (pdf, page, above);
  Box right = expect_box (pdf, page, right_title);

  g_assert_cmpfloat (right.top, >, last.bottom);
  if (left_title != NULL)
    {
      Box left = expect_box (pdf, page, left_title);

      g_assert_cmpfloat (left.top, >, last.bottom);
      g_assert_cmpfloat (fabs (left.top - right.top), <, 2);
      g_assert_cmpfloat (left.right, <, right.left);
    }
  else
    g_assert_cmpfloat (right.left, >, 250);   /* alone, on the right */
  if (right_name != NULL)
    {
      Box name = { 0 };

      /* The name may also appear higher up: the one under the title is the signer's. */
      PopplerPage *p = poppler_document_get_page (pdf, page);
      GList *found = poppler_page_find_text_with_options (p, right_name, POPPLER_FIND_CASE_SENSITIVE);
      double width, height;
      gboolean under = FALSE;

      poppler_page_get_size (p, &width, &height);
      for (GList *l = found; l != NULL; l = l->next)
        {
          PopplerRectangle *rect = l->data;

          name.top = height - MAX (rect->y1, rect->y2);
          name.left = rect->x1;
          if (name.top > right.bottom + 30 && name.left >= right.left - 40)
            under = TRUE;
        }
      g_list_free_full (found, (GDestroyNotify) poppler_rectangle_free);
      g_object_unref (p);
      g_assert_true (under);
    }
}

/* ---- the forms ----------------------------------------------------------------------- */

static void
test_form_01 (Fixture *f, gconstpointer user_data)
{
  g_autoptr(PopplerDocument) pdf = render_dossier_form (f, f->received, "01");
  g_autofree char *text = page_text (pdf, 0);
  g_autoptr(MotcuaProcedure) procedure = motcua_store_get_procedure (f->store, COMPLETE_PROCEDURE, NULL);
  Box table_header, first_doc, submitter;

  assert_heading (pdf, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ");
  assert_contains (text, "Tân Lập, ngày 23 tháng 11 năm 2026");
  assert_contains (text, f->received);
  assert_contains (text, "Trần Thị Mai Hương");
  assert_contains (text, "038190012345");
  assert_contains (text, "Thôn Đông Hưng, xã Tân Lập, tỉnh Thanh Hóa");
  assert_contains (text, "0912345678");
  assert_contains (text, "mai.huong@example.vn");
  assert_contains (text, "Đăng ký lại khai tử");
  assert_contains (text, "Số lượng hồ sơ: 1 (bộ)");
  assert_contains (text, "5 ngày làm việc");
  assert_contains (text, "08 giờ 30 phút, ngày 16 tháng 11 năm 2026");
  assert_contains (text, "Quyển số: 2026");
  assert_contains (text, g_strrstr (f->received, "-") + 1);
  assert_contains (text, "Nguyễn Thị Lan");
  assert_contains (text, LOOKUP);
  /* Every document handed in is a row of the table, with its form and quantity. */
  for (guint i = 0; i < procedure->documents->len; i++)
    {
      MotcuaProcedureDocument *doc = g_ptr_array_index (procedure->documents, i);
      g_autofree char *start = g_utf8_substring (doc->name, 0, 12);

      if (doc->required)
        assert_contains (text, start);
    }
  assert_contains (text, "Bản chính");
  table_header = expect_box (pdf, 0, "Tên loại giấy tờ");
  first_doc = expect_box (pdf, 0, "Mã hồ sơ:");
  g_assert_cmpfloat (first_doc.top, <, table_header.top);
  assert_signatures (pdf, 0, "Vào Sổ theo dõi hồ sơ", "NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ", "Nguyễn Thị Lan");
  submitter = expect_box (pdf, 0, "NGƯỜI NỘP HỒ SƠ");
  g_assert_cmpfloat (submitter.top, >, table_header.bottom);
}

static void
test_form_02 (Fixture *f, gconstpointer user_data)
{
  g_autoptr(PopplerDocument) pdf = render_dossier_form (f, f->supplement, "02");
  g_autofree char *text = page_text (pdf, 0);
  g_autoptr(MotcuaProcedure) procedure = motcua_store_get_procedure (f->store, SHORT_PROCEDURE, NULL);
  Box request, first_missing;

  assert_heading (pdf, "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ");
  assert_contains (text, f->supplement);
  assert_contains (text, "Lò Văn Páo");
  assert_contains (text, "Đăng ký nhận cha, mẹ, con");
  assert_contains (text, "Thiếu giấy tờ chứng minh quan hệ cha, mẹ, con");
  assert_contains (text, "Nguyễn Thị Lan");
  assert_contains (text, "0237 3851 234");
  assert_contains (text, LOOKUP);
  /* Everything missing is listed, numbered, below the request; what was handed in is not. */
  request = expect_box (pdf, 0, "Sau khi xem xét thành phần hồ sơ");
  for (guint i = 1; i < procedure->documents->len; i++)
    {
      MotcuaProcedureDocument *doc = g_ptr_array_index (procedure->documents, i);
      g_autofree char *numbered = g_strdup_printf ("%u. ", i);
      g_autofree char *start = g_utf8_substring (doc->name, 0, 10);

      assert_contains (text, numbered);
      assert_contains (text, start);
    }
  first_missing = expect_box (pdf, 0, "1. ");
  g_assert_cmpfloat (first_missing.top, >, request.top);
  assert_signatures (pdf, 0, "Xin trân trọng!", NULL, "NGƯỜI HƯỚNG DẪN", "Nguyễn Thị Lan");
}

static void
test_form_03 (Fixture *f, gconstpointer user_data)
{
  g_autoptr(PopplerDocument) pdf = render_dossier_form (f, f->refused, "03");
  g_autofree char *text = page_text (pdf, 0);

  assert_heading (pdf, "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ");
  assert_contains (text, f->refused);
  assert_contains (text, "Hà Thị Nhung");
  assert_contains (text, "Đăng ký nhận cha, mẹ, con");
  assert_contains (text, "Yêu cầu không thuộc thẩm quyền giải quyết của cấp xã");
  assert_contains (text, "0237 3851 234");
  assert_signatures (pdf, 0, "được biết và thực hiện", "NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ", "Nguyễn Thị Lan");
}

static void
test_form_04 (Fixture *f, gconstpointer user_data)
{
  g_autoptr(PopplerDocument) pdf = render_dossier_form (f, f->received, "04");
  g_autofree char *text = page_text (pdf, 0);
  Box number, agency;

  assert_heading (pdf, "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ");
  assert_contains (text, "Số: 01/PXL");
  assert_contains (text, "Kính gửi: Ông/Bà Trần Thị Mai Hương");
  assert_contains (text, "16/11/2026");
  assert_contains (text, f->received);
  /* The original due date (5 working days from Monday 16, 08:30) and the new one. */
  assert_contains (text, "ngày 23 tháng 11 năm 2026");
  assert_contains (text, "16 giờ 00 phút, ngày 27 tháng 11 năm 2026");
  assert_contains (text, "Chờ xác minh thông tin hộ tịch tại xã khác");
  /* "Số:" sits under the agency, in the left column. */
  number = expect_box (pdf, 0, "Số: 01/PXL");
  agency = expect_box (pdf, 0, "XÃ TÂN LẬP");
  g_assert_cmpfloat (number.top, >, agency.bottom);
  g_assert_cmpfloat (number.right, <, 300);
  assert_signatures (pdf, 0, "Xin trân trọng!", "Nơi nhận:", "THỦ TRƯỞNG CƠ QUAN", NULL);
}

static void
test_form_05 (Fixture *f, gconstpointer user_data)
{
  g_autoptr(PopplerDocument) pdf = render_dossier_form (f, f->received, "05");
  g_autofree char *text = page_text (pdf, 0);
  Box header, transfer, examine, returned;

  assert_heading (pdf, "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ");
  assert_contains (text, f->received);
  assert_contains (text, "Trần Thị Mai Hương");
  /* One row per hand-over: who gave it, who took it, when, and whether in time. */
  assert_contains (text, "Công chức Tư pháp - Hộ tịch");
  assert_contains (text, "Lê Văn Hùng");
  assert_contains (text, "Phạm Minh Đức");
  assert_contains (text, "10:05 16/11/2026");
  assert_contains (text, "Trước hạn");
  assert_contains (text, "Hồ sơ hợp lệ");
  header = expect_box (pdf, 0, "Bên giao");
  transfer = expect_box (pdf, 0, "Chuyển hồ sơ");
  examine = expect_box (pdf, 0, "Thẩm định");
  returned = expect_box (pdf, 0, "Trả kết quả");
  g_assert_cmpfloat (transfer.top, >, header.bottom);
  g_assert_cmpfloat (examine.top, >, transfer.bottom);
  g_assert_cmpfloat (returned.top, >, examine.bottom);
}

static void
test_form_06 (Fixture *f, gconstpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = motcua_test_parse_time (MOTCUA_TEST_NOW);
  GDate from, to;
  g_autoptr(MotcuaSlipData) data = NULL;
  g_autoptr(PopplerDocument) pdf = NULL;
  g_autofree char *text = NULL;
  PopplerPage *page;
  double width, height;

  g_date_set_dmy (&from, 1, 11, 2026);
  g_date_set_dmy (&to, 30, 11, 2026);
  data = motcua_slip_data_new_for_register (f->store, f->set, &from, &to, now, &error);
  g_assert_no_error (error);
  pdf = render (f, f->set, "06", data);
  text = page_text (pdf, 0);
  page = poppler_document_get_page (pdf, 0);
  poppler_page_get_size (page, &width, &height);
  g_object_unref (page);

  g_assert_cmpfloat (width, >, height);   /* a register is kept in landscape */
  assert_heading (pdf, "SỔ THEO DÕI HỒ SƠ");
  assert_contains (text, "Từ ngày 01/11/2026 đến ngày 30/11/2026");
  assert_contains (text, f->received);
  assert_contains (text, "Trần Thị Mai Hương");
  assert_contains (text, "Đã trả kết quả");
  assert_contains (text, "16/11/2026");
  /* Dossiers never received (told what is missing, refused) are not in the register. */
  g_assert_null (strstr (text, f->refused));

  /* An empty period prints the table with one blank row; a reversed one is refused. */
  g_date_set_dmy (&from, 1, 10, 2026);
  g_date_set_dmy (&to, 31, 10, 2026);
  {
    g_autoptr(MotcuaSlipData) empty = motcua_slip_data_new_for_register (f->store, f->set, &from, &to, now, &error);
    g_autoptr(PopplerDocument) empty_pdf = NULL;
    g_autofree char *empty_text = NULL;

    g_assert_no_error (error);
    empty_pdf = render (f, f->set, "06", empty);
    empty_text = page_text (empty_pdf, 0);
    assert_contains (empty_text, "0 hồ sơ");
    g_assert_null (strstr (empty_text, f->received));
  }
  g_assert_null (motcua_slip_data_new_for_register (f->store, f->set, &to, &from, now, &error));
  g_assert_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT);
}

/* A register longer than a page: every page repeats the header row and is numbered. */
static void
test_register_pages (Fixture *f, gconstpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = motcua_test_parse_time (MOTCUA_TEST_NOW);
  g_autoptr(MotcuaSlipData) data = NULL;
  g_autoptr(PopplerDocument) pdf = NULL;
  GDate from, to;
  int n_pages;

  for (int i = 0; i < 24; i++)
    {
      g_autoptr(GDateTime) t = motcua_test_vn_time (2026, 11, 19, 7 + i / 6, (i % 6) * 9, 0);
      g_autofree char *name = g_strdup_printf ("Nguyễn Văn Thử %d", i + 1);
      g_autoptr(MotcuaDossier) dossier = receive (f, COMPLETE_PROCEDURE, name, NULL, 0, NULL, t);
    }
  g_date_set_dmy (&from, 19, 11, 2026);
  g_date_set_dmy (&to, 19, 11, 2026);
  data = motcua_slip_data_new_for_register (f->store, f->set, &from, &to, now, &error);
  g_assert_no_error (error);
  pdf = render (f, f->set, "06", data);
  n_pages = poppler_document_get_n_pages (pdf);
  g_assert_cmpint (n_pages, >=, 2);
  for (int i = 0; i < n_pages; i++)
    {
      g_autofree char *text = page_text (pdf, i);
      g_autofree char *number = g_strdup_printf ("Trang %d/%d", i + 1, n_pages);
      Box header = expect_box (pdf, i, "Tên thủ tục hành chính");
      Box footer = expect_box (pdf, i, number);

      g_assert_cmpfloat (header.bottom, <, footer.top);
      assert_contains (text, "Thử");
    }
  {
    g_autoptr(GString) all = g_string_new (NULL);

    for (int i = 0; i < n_pages; i++)
      {
        g_autofree char *text = page_text (pdf, i);
        g_string_append (all, text);
      }
    assert_contains (all->str, "H56-261119-0001");
    assert_contains (all->str, "H56-261119-0024");
  }
}

/* Liberation Serif, embedded, and nothing else needed to show the slip. */
static void
test_fonts_embedded (Fixture *f, gconstpointer user_data)
{
  g_autoptr(PopplerDocument) pdf = render_dossier_form (f, f->received, "01");
  PopplerFontInfo *info = poppler_font_info_new (pdf);
  PopplerFontsIter *iter = NULL;
  gboolean liberation = FALSE;
  guint n = 0;

  g_assert_true (poppler_font_info_scan (info, poppler_document_get_n_pages (pdf), &iter));
  do
    {
      const char *name = poppler_fonts_iter_get_name (iter);

      n++;
      g_assert_true (poppler_fonts_iter_is_embedded (iter));
      if (name != NULL && strstr (name, "LiberationSerif") != NULL)
        liberation = TRUE;
    }
  while (poppler_fonts_iter_next (iter));
  g_assert_cmpuint (n, >, 0);
  g_assert_true (liberation);
  poppler_fonts_iter_free (iter);
  g_object_unref (info);
}

/* An online submission comes before any due date: its row of Form 05 says so with a
 * dash, where an empty field would print dots to fill in by hand. */
static void
test_form_05_online (Fixture *f, gconstpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = motcua_test_parse_time (MOTCUA_TEST_NOW);
  g_autoptr(MotcuaSlipData) data = NULL;
  g_autofree char *code = NULL;
  GPtrArray *rows;

  g_assert_true (motcua_demo_generate (f->store, 40, 5, &error));
  g_assert_no_error (error);
  code = motcua_test_sql_text (motcua_store_get_db (f->store),
                               "SELECT code FROM dossiers WHERE channel = 2 AND status <> 1 ORDER BY id LIMIT 1");
  data = motcua_slip_data_new_for_dossier (f->store, f->set, code, now, &error);
  g_assert_no_error (error);
  rows = motcua_slip_data_get_rows (data, "handovers");
  g_assert_cmpuint (rows->len, >=, 2);
  g_assert_cmpstr (g_hash_table_lookup (g_ptr_array_index (rows, 0), "action"), ==, "Nộp hồ sơ trực tuyến");
  g_assert_cmpstr (g_hash_table_lookup (g_ptr_array_index (rows, 0), "timing"), ==, "—");
  /* The portal, in the slip's words, not its account name. */
  g_assert_cmpstr (g_hash_table_lookup (g_ptr_array_index (rows, 0), "from"), ==, "Cổng dịch vụ công");
  g_assert_cmpstr (g_hash_table_lookup (g_ptr_array_index (rows, 1), "action"), ==, "Tiếp nhận hồ sơ");
  g_assert_cmpstr (g_hash_table_lookup (g_ptr_array_index (rows, 1), "timing"), !=, "—");
  g_assert_cmpstr (g_hash_table_lookup (g_ptr_array_index (rows, 1), "timing"), !=, "");
}

/* ---- the QR code --------------------------------------------------------------------- */

/* The QR code on page @index, as the bytes it holds: zbar would otherwise guess a
 * charset for UTF-8 text without an ECI marker, and may guess Shift JIS. */
static char *
decode_qr (PopplerDocument *pdf, int index)
{
  PopplerPage *page = poppler_document_get_page (pdf, index);
  double width, height, scale = 200.0 / 72.0;
  cairo_surface_t *surface;
  cairo_t *cr;
  int w, h, stride;
  const guint8 *pixels;
  guint8 *gray;
  zbar_image_scanner_t *scanner;
  zbar_image_t *image;
  const zbar_symbol_t *symbol;
  char *result = NULL;

  poppler_page_get_size (page, &width, &height);
  w = (int) (width * scale);
  h = (int) (height * scale);
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, scale, scale);
  poppler_page_render_for_printing (page, cr);
  cairo_destroy (cr);
  g_object_unref (page);
  cairo_surface_flush (surface);

  /* zbar reads 8-bit grey ("Y800"). */
  pixels = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  gray = g_malloc (w * h);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      gray[y * w + x] = pixels[y * stride + x * 4 + 1];
  cairo_surface_destroy (surface);

  scanner = zbar_image_scanner_create ();
  zbar_image_scanner_set_config (scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 1);
  zbar_image_scanner_set_config (scanner, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);
  image = zbar_image_create ();
  zbar_image_set_format (image, zbar_fourcc ('Y', '8', '0', '0'));
  zbar_image_set_size (image, w, h);
  zbar_image_set_data (image, gray, w * h, NULL);
  if (zbar_scan_image (scanner, image) > 0)
    for (symbol = zbar_image_first_symbol (image); symbol != NULL; symbol = zbar_symbol_next (symbol))
      if (zbar_symbol_get_type (symbol) == ZBAR_QRCODE)
        result = g_strdup (zbar_symbol_get_data (symbol));
  zbar_image_destroy (image);
  zbar_image_scanner_destroy (scanner);
  g_free (gray);
  return result;
}

static void
test_qr_code (Fixture *f, gconstpointer user_data)
{
  g_autoptr(PopplerDocument) pdf = render_dossier_form (f, f->received, "01");
  g_autofree char *decoded = decode_qr (pdf, 0);
  g_autofree char *expected = g_strdup_printf (LOOKUP "?ma_ho_so=%s", f->received);

  g_assert_nonnull (decoded);
  g_assert_cmpstr (decoded, ==, expected);
  g_assert_true (g_str_has_prefix (decoded, LOOKUP));
  g_assert_nonnull (strstr (decoded, f->received));
}

/* ---- the demo's scanned request form --------------------------------------------------- */

static gboolean
page_has_text (PopplerDocument *pdf, int index, const char *text)
{
  g_autofree char *all = page_text (pdf, index);
  gboolean found = strstr (all, text) != NULL;

  if (!found)
    g_test_message ("page %d lacks “%s”:\n%s", index + 1, text, all);
  return found;
}

/* The demo's attachment: the applicant's request form, filled in and signed, and a copy
 * of their ID card whose QR code the receive flow's parser reads back. */
static void
test_demo_request_form (Fixture *f, gconstpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) signed_at = motcua_test_vn_time (2026, 11, 20, 9, 30, 0);
  g_autofree char *path = g_build_filename (f->dir, "Đơn đề nghị.pdf", NULL);
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
  g_autofree char *bad_path = g_build_filename (f->dir, "no-such-dir", "form.pdf", NULL);
  g_autofree char *decoded = NULL;
  g_autoptr(MotcuaCccd) card = NULL;
  g_autoptr(PopplerDocument) pdf = NULL;
  MotcuaDemoPerson person = {
    .full_name = (char *) "Đặng Thị Hồng Nhung",
    .female = TRUE,
    .id_number = (char *) "036190001234",
    .phone = (char *) "0912345678",
    .address = (char *) "Thôn Đông Thành, xã Tân Lập, tỉnh Thanh Hóa",
  };
  MotcuaDemoForm form = { MOTCUA_DEMO_REQUEST_FORM, "Ủy ban nhân dân xã Tân Lập", "Đăng ký khai sinh", &person,
                          signed_at, NULL };

  g_date_clear (&person.birth_date, 1);
  g_date_set_dmy (&person.birth_date, 5, G_DATE_MARCH, 1990);
  g_assert_true (motcua_demo_form_write_pdf (&form, path, NULL, &error));
  g_assert_no_error (error);
  pdf = poppler_document_new_from_file (uri, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (poppler_document_get_n_pages (pdf), ==, 2);

  g_assert_true (page_has_text (pdf, 0, "ĐƠN ĐỀ NGHỊ"));
  g_assert_true (page_has_text (pdf, 0, "Kính gửi: Ủy ban nhân dân xã Tân Lập"));
  g_assert_true (page_has_text (pdf, 0, "Về việc: Đăng ký khai sinh"));
  g_assert_true (page_has_text (pdf, 0, "Đặng Thị Hồng Nhung"));
  g_assert_true (page_has_text (pdf, 0, "05/03/1990"));
  g_assert_true (page_has_text (pdf, 0, "036190001234"));
  g_assert_true (page_has_text (pdf, 0, "Tân Lập, ngày 20 tháng 11 năm 2026"));
  g_assert_true (page_has_text (pdf, 1, "CĂN CƯỚC CÔNG DÂN"));
  g_assert_true (page_has_text (pdf, 1, "ĐẶNG THỊ HỒNG NHUNG"));
  /* Renewed at 40, on the birthday. */
  g_assert_true (page_has_text (pdf, 1, "Có giá trị đến: 05/03/2030"));

  decoded = decode_qr (pdf, 1);
  g_assert_nonnull (decoded);
  card = motcua_cccd_parse (decoded, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (card->id_number, ==, person.id_number);
  g_assert_cmpstr (card->full_name, ==, person.full_name);
  g_assert_cmpstr (card->address, ==, person.address);
  g_assert_true (card->female);
  g_assert_cmpint (g_date_compare (&card->birth_date, &person.birth_date), ==, 0);

  /* Nowhere to write it: a message, not a crash. */
  g_assert_false (motcua_demo_form_write_pdf (&form, bad_path, NULL, &error));
  g_assert_error (error, MOTCUA_ERROR, MOTCUA_ERROR_IO);
  g_clear_error (&error);

  /* The specialist's draft of the result: one page, for the leader's approval. */
  g_clear_object (&pdf);
  form.paper = MOTCUA_DEMO_DRAFT_RESULT;
  form.drafter = "Trần Minh Đức";
  g_assert_true (motcua_demo_form_write_pdf (&form, path, NULL, &error));
  g_assert_no_error (error);
  pdf = poppler_document_new_from_file (uri, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (poppler_document_get_n_pages (pdf), ==, 1);
  /* The watermark runs across the page, where text extraction reads it letter by letter. */
  {
    g_autofree char *title = poppler_document_get_title (pdf);
    g_assert_cmpstr (title, ==, "Dự thảo kết quả");
  }
  g_assert_true (page_has_text (pdf, 0, "KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"));
  g_assert_true (page_has_text (pdf, 0, "Về việc: Đăng ký khai sinh"));
  g_assert_true (page_has_text (pdf, 0, "Đặng Thị Hồng Nhung"));
  g_assert_true (page_has_text (pdf, 0, "Người dự thảo: Trần Minh Đức, ngày 20/11/2026"));
}

/* ---- templates as data --------------------------------------------------------------- */

static char *
copy_builtin_set (Fixture *f, const char *root)
{
  g_autofree char *dir = g_build_filename (root, MOTCUA_SLIP_SET_DEFAULT, NULL);
  static const char * const files[] = { "set.json", "01.json", "02.json", "03.json", "04.json", "05.json",
                                        "06.json" };

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *resource = g_strdup_printf ("/io/github/motcua/print/slips/%s/%s", MOTCUA_SLIP_SET_DEFAULT,
                                                   files[i]);
      g_autoptr(GBytes) bytes = g_resources_lookup_data (resource, 0, NULL);
      g_autofree char *path = g_build_filename (dir, files[i], NULL);

      g_assert_nonnull (bytes);
      motcua_test_write_file (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
    }
  return g_steal_pointer (&dir);
}

static void
expect_template_error (const char *root, const char *file, const char *contents, const char *problem)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (root, MOTCUA_SLIP_SET_DEFAULT, file, NULL);
  g_autoptr(MotcuaSlipSet) set = NULL;

  motcua_test_write_file (path, contents, -1);
  set = motcua_slip_set_load (MOTCUA_SLIP_SET_DEFAULT, root, &error);
  g_assert_null (set);
  g_assert_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT);
  if (strstr (error->message, path) == NULL || strstr (error->message, problem) == NULL)
    g_error ("the error “%s” should name %s and “%s”", error->message, path, problem);
}

static void
test_malformed_templates (Fixture *f, gconstpointer user_data)
{
  g_autofree char *root = g_build_filename (f->dir, "slips", NULL);
  g_autofree char *dir = copy_builtin_set (f, root);
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaSlipSet) copy = motcua_slip_set_load (MOTCUA_SLIP_SET_DEFAULT, root, &error);

  g_assert_no_error (error);
  g_assert_nonnull (copy);

  expect_template_error (root, "03.json", "{ \"form\": \"03\", ", "not valid JSON");
  expect_template_error (root, "03.json",
                         "{\"form\":\"03\",\"name\":\"x\",\"blocks\":[{\"type\":\"text\",\"markup\":\"{no_such_field}\"}]}",
                         "no_such_field");
  expect_template_error (root, "03.json",
                         "{\"form\":\"03\",\"name\":\"x\",\"blocks\":[{\"type\":\"text\",\"markup\":\"<b>{code}\"}]}",
                         "block 1");
  expect_template_error (root, "03.json",
                         "{\"form\":\"03\",\"name\":\"x\",\"blocks\":[{\"type\":\"text\",\"markup\":\"ok\"},"
                         "{\"type\":\"picture\"}]}",
                         "picture");
  expect_template_error (root, "03.json",
                         "{\"form\":\"03\",\"name\":\"x\",\"blocks\":[{\"type\":\"table\",\"rows\":\"documents\","
                         "\"columns\":[{\"title\":\"a\",\"markup\":\"{quantity}\",\"width\":-1}]}]}",
                         "width");
  expect_template_error (root, "03.json", "{\"form\":\"02\",\"name\":\"x\",\"blocks\":[{\"type\":\"spacer\"}]}",
                         "form “02”");
  expect_template_error (root, "set.json", "{\"format\":\"motcua-slips\",\"version\":1,\"id\":\"other\","
                         "\"name\":\"x\",\"forms\":[]}", "other");
}

/* A province rewords a form in its own directory, and adds a newer circular's set. */
static void
test_override_and_new_set (Fixture *f, gconstpointer user_data)
{
  g_autofree char *root = g_build_filename (f->dir, "slips", NULL);
  g_autofree char *dir = copy_builtin_set (f, root);
  g_autofree char *form_03 = g_build_filename (dir, "03.json", NULL);
  g_autofree char *new_dir = g_build_filename (root, "tt03-2025", NULL);
  g_autofree char *new_set = g_build_filename (new_dir, "set.json", NULL);
  g_autofree char *new_form = g_build_filename (new_dir, "07.json", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaSlipSet) set = NULL;
  g_autoptr(MotcuaSlipSet) newer = NULL;
  g_autoptr(GString) reworded = NULL;

  g_assert_true (g_file_get_contents (form_03, &contents, NULL, &error));
  reworded = g_string_new (contents);
  g_string_replace (reworded, "Xin thông báo để Ông/Bà được biết và thực hiện./.",
                    "UBND tỉnh Thanh Hóa trân trọng thông báo để Ông/Bà được biết./.", 0);
  motcua_test_write_file (form_03, reworded->str, -1);
  set = motcua_slip_set_load (MOTCUA_SLIP_SET_DEFAULT, root, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GDateTime) now = motcua_test_parse_time (MOTCUA_TEST_NOW);
    g_autoptr(MotcuaSlipData) data = motcua_slip_data_new_for_dossier (f->store, set, f->refused, now, &error);
    g_autoptr(PopplerDocument) pdf = render (f, set, "03", data);
    g_autofree char *text = page_text (pdf, 0);

    assert_contains (text, "UBND tỉnh Thanh Hóa trân trọng thông báo");
  }

  g_assert_cmpint (g_mkdir_with_parents (new_dir, 0700), ==, 0);
  motcua_test_write_file (new_set,
                          "{\"format\":\"motcua-slips\",\"version\":1,\"id\":\"tt03-2025\",\"name\":\"Thông tư 03/2025\","
                          "\"forms\":[{\"id\":\"07\",\"file\":\"07.json\"}]}", -1);
  motcua_test_write_file (new_form,
                          "{\"form\":\"07\",\"name\":\"Phiếu tạm dừng giải quyết hồ sơ\",\"applies\":\"received\","
                          "\"blocks\":[{\"type\":\"text\",\"markup\":\"<b>PHIẾU TẠM DỪNG GIẢI QUYẾT HỒ SƠ</b>\"},"
                          "{\"type\":\"text\",\"markup\":\"Mã hồ sơ: {code}\"}]}", -1);
  newer = motcua_slip_set_load ("tt03-2025", root, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (motcua_slip_set_get_forms (newer)[0], ==, "07");
  {
    g_autoptr(GDateTime) now = motcua_test_parse_time (MOTCUA_TEST_NOW);
    g_autoptr(MotcuaSlipData) data = motcua_slip_data_new_for_dossier (f->store, newer, f->received, now, &error);
    g_autoptr(PopplerDocument) pdf = render (f, newer, "07", data);
    g_autofree char *text = page_text (pdf, 0);

    assert_contains (text, "PHIẾU TẠM DỪNG GIẢI QUYẾT HỒ SƠ");
    assert_contains (text, f->received);
  }
  g_assert_null (motcua_slip_set_load ("no-such-set", root, &error) ? (gpointer) 1 : NULL);
}

/* Which forms a dossier's history calls for. */
static void
test_applies (Fixture *f, gconstpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaSlipData) full = motcua_slip_data_new_for_dossier (f->store, f->set, f->received, NULL, &error);
  g_autoptr(MotcuaSlipData) supplement = motcua_slip_data_new_for_dossier (f->store, f->set, f->supplement, NULL, &error);
  g_autoptr(MotcuaSlipData) refused = motcua_slip_data_new_for_dossier (f->store, f->set, f->refused, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (motcua_slip_data_applies (full, "received"));
  g_assert_true (motcua_slip_data_applies (full, "apology"));
  g_assert_false (motcua_slip_data_applies (full, "refused"));
  g_assert_true (motcua_slip_data_applies (supplement, "supplement"));
  g_assert_false (motcua_slip_data_applies (supplement, "received"));
  g_assert_true (motcua_slip_data_applies (refused, "refused"));
  g_assert_false (motcua_slip_data_applies (refused, "apology"));
}

/* ---- the command line ---------------------------------------------------------------- */

static void
test_cli (Fixture *f, gconstpointer user_data)
{
  g_autofree char *out = g_build_filename (f->dir, "cli-01.pdf", NULL);
  g_autofree char *book = g_build_filename (f->dir, "cli-06.pdf", NULL);
  g_autoptr(MotcuaTestCliResult) ok = NULL;
  g_autoptr(MotcuaTestCliResult) register_ok = NULL;
  g_autoptr(MotcuaTestCliResult) per_dossier_register = NULL;
  g_autoptr(MotcuaTestCliResult) unknown = NULL;
  g_autoptr(MotcuaTestCliResult) no_output = NULL;
  g_autoptr(MotcuaTestCliResult) bad_date = NULL;
  g_autoptr(MotcuaTestCliResult) no_form = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  /* The CLI opens the database itself. */
  g_clear_object (&f->store);

  ok = motcua_test_run_cli (f->db, "--json", "slip", f->received, "--form", "01", "-o", out, NULL);
  g_assert_true (motcua_test_expect_status (ok, 0, "slip"));
  g_assert_true (json_parser_load_from_data (parser, ok->out, -1, &error));
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (object, "file"), ==, out);
  g_assert_cmpint (json_object_get_int_member (object, "pages"), ==, 1);
  g_assert_true (g_file_test (out, G_FILE_TEST_IS_REGULAR));

  register_ok = motcua_test_run_cli (f->db, "register-book", "--from", "2026-11-01", "--to", "30/11/2026", "-o", book,
                                     NULL);
  g_assert_true (motcua_test_expect_status (register_ok, 0, "register-book"));
  g_assert_true (g_file_test (book, G_FILE_TEST_IS_REGULAR));

  per_dossier_register = motcua_test_run_cli (f->db, "slip", f->received, "--form", "06", "-o", out, NULL);
  g_assert_true (motcua_test_expect_status (per_dossier_register, 2, "slip --form 06"));
  g_assert_nonnull (strstr (per_dossier_register->err, "register-book"));
  unknown = motcua_test_run_cli (f->db, "slip", "000.17.22.H56-261231-9999", "--form", "01", "-o", out, NULL);
  g_assert_true (motcua_test_expect_status (unknown, 1, "slip of an unknown dossier"));
  no_output = motcua_test_run_cli (f->db, "slip", f->received, "--form", "01", NULL);
  g_assert_true (motcua_test_expect_status (no_output, 2, "slip without -o"));
  no_form = motcua_test_run_cli (f->db, "slip", f->received, "--form", "09", "-o", out, NULL);
  g_assert_true (motcua_test_expect_status (no_form, 2, "slip --form 09"));
  bad_date = motcua_test_run_cli (f->db, "register-book", "--from", "31/02/2026", "--to", "2026-11-30", "-o", book, NULL);
  g_assert_true (motcua_test_expect_status (bad_date, 2, "register-book with a bad date"));

  /* A province's broken template: refused with the file named, and no PDF. */
  {
    g_autofree char *root = g_build_filename (f->dir, "province", NULL);
    g_autofree char *dir = copy_builtin_set (f, root);
    g_autofree char *broken = g_build_filename (dir, "01.json", NULL);
    g_autofree char *fresh = g_build_filename (f->dir, "never.pdf", NULL);
    g_autoptr(MotcuaTestCliResult) refused = NULL;
    g_autoptr(MotcuaTestCliResult) no_set = NULL;

    motcua_test_write_file (broken, "{\"form\":\"01\",\"name\":\"x\",\"blocks\":[{\"type\":\"text\","
                            "\"markup\":\"{ten_nguoi_nop}\"}]}", -1);
    refused = motcua_test_run_cli (f->db, "slip", f->received, "--form", "01", "-o", fresh, "--templates", root, NULL);
    g_assert_true (motcua_test_expect_status (refused, 1, "slip with a broken template"));
    g_assert_nonnull (strstr (refused->err, broken));
    g_assert_nonnull (strstr (refused->err, "ten_nguoi_nop"));
    g_assert_false (g_file_test (fresh, G_FILE_TEST_EXISTS));
    no_set = motcua_test_run_cli (f->db, "slip", f->received, "--form", "01", "-o", fresh, "--set", "tt99-2030", NULL);
    g_assert_true (motcua_test_expect_status (no_set, 1, "slip with an unknown form set"));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  setlocale (LC_ALL, "C.UTF-8");

#define ADD(name, func) g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/slips/form-01", test_form_01);
  ADD ("/slips/form-02", test_form_02);
  ADD ("/slips/form-03", test_form_03);
  ADD ("/slips/form-04", test_form_04);
  ADD ("/slips/form-05", test_form_05);
  ADD ("/slips/form-05-online", test_form_05_online);
  ADD ("/slips/form-06", test_form_06);
  ADD ("/slips/register-pages", test_register_pages);
  ADD ("/slips/fonts-embedded", test_fonts_embedded);
  ADD ("/slips/qr-code", test_qr_code);
  ADD ("/slips/demo-request-form", test_demo_request_form);
  ADD ("/slips/malformed-templates", test_malformed_templates);
  ADD ("/slips/override-and-new-set", test_override_and_new_set);
  ADD ("/slips/applies", test_applies);
  ADD ("/slips/cli", test_cli);
#undef ADD
  return g_test_run ();
}
