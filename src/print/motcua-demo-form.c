/* motcua-demo-form.c: the demo's paper, an applicant's signed request form. */

#include <cairo-pdf.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <qrencode.h>

#include "motcua-demo-form.h"
#include "motcua-slip-data.h"
#include "motcua-slip-document.h"

#define PAGE_WIDTH   595.0   /* A4 in points */
#define PAGE_HEIGHT  842.0
#define LEFT         70.0
#define RIGHT        50.0
#define TEXT_WIDTH   (PAGE_WIDTH - LEFT - RIGHT)
#define FONT         "Liberation Serif"

/* Printed text is black on the scanner's slightly warm paper; what the applicant wrote
 * is in blue ballpoint. */
#define PAPER  0.985, 0.980, 0.960
#define PRINT  0.08, 0.08, 0.08
#define INK    0.10, 0.20, 0.58
#define INK_MARKUP "<span foreground=\"#1a3394\"><i>%s</i></span>"

typedef struct {
  cairo_t      *cr;
  PangoContext *context;
  double        y;
} Page;

/* Sets @markup at (@x, page->y) in @width points and moves down by its height plus
 * @space_after; @size in points. */
static void
write_markup (Page *page, const char *markup, double x, double width, PangoAlignment align, double size,
              double space_after)
{
  g_autoptr(PangoLayout) layout = pango_layout_new (page->context);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string (FONT);
  int height;

  pango_font_description_set_size (font, (int) (size * PANGO_SCALE));
  pango_layout_set_font_description (layout, font);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD);
  pango_layout_set_alignment (layout, align);
  pango_layout_set_markup (layout, markup, -1);
  cairo_move_to (page->cr, x, page->y);
  pango_cairo_show_layout (page->cr, layout);
  pango_layout_get_size (layout, NULL, &height);
  page->y += (double) height / PANGO_SCALE + space_after;
}

/* "Label: value", the value written by hand. */
static void
write_field (Page *page, const char *label, const char *value)
{
  g_autofree char *markup = g_markup_printf_escaped ("%s: " INK_MARKUP,
                                                     label, value ? value : "");
  write_markup (page, markup, LEFT, TEXT_WIDTH, PANGO_ALIGN_LEFT, 13, 7);
}

static void
write_centered (Page *page, const char *markup, double size, double space_after)
{
  write_markup (page, markup, LEFT, TEXT_WIDTH, PANGO_ALIGN_CENTER, size, space_after);
}

static void
write_motto (Page *page)
{
  write_centered (page, "<b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b>", 13, 1);
  write_centered (page, "<b>Độc lập - Tự do - Hạnh phúc</b>", 13, 2);
  cairo_set_line_width (page->cr, 0.6);
  cairo_move_to (page->cr, LEFT + TEXT_WIDTH / 2 - 80, page->y);
  cairo_line_to (page->cr, LEFT + TEXT_WIDTH / 2 + 80, page->y);
  cairo_stroke (page->cr);
  page->y += 26;
}

/* A signature in ballpoint: loops whose shape follows the signer's name, so no two
 * applicants sign alike. */
static void
draw_signature (cairo_t *cr, const char *name, double x, double y)
{
  guint hash = g_str_hash (name);

  cairo_save (cr);
  cairo_set_source_rgb (cr, INK);
  cairo_set_line_width (cr, 1.1);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_move_to (cr, x, y + 10);
  for (int i = 0; i < 4; i++)
    {
      double rise = 8 + (hash >> (i * 4) & 0xf);
      double step = 18 + (hash >> (i * 3 + 16) & 0x7);

      cairo_rel_curve_to (cr, step * 0.3, -rise, step * 0.9, -rise, step * 0.6, 0);
      cairo_rel_curve_to (cr, -step * 0.2, rise * 0.6, step * 0.3, rise * 0.5, step * 0.7, -2);
    }
  cairo_rel_curve_to (cr, 10, -6, 30, -4, 40, -12);
  cairo_stroke (cr);
  cairo_restore (cr);
}

static char *
format_birth_date (const GDate *date)
{
  if (!g_date_valid (date))
    return g_strdup ("");
  return g_strdup_printf ("%02d/%02d/%04d", g_date_get_day (date), g_date_get_month (date), g_date_get_year (date));
}

static void
draw_request_form (Page *page, const MotcuaDemoForm *form)
{
  const MotcuaDemoPerson *person = form->applicant;
  g_autofree char *place = motcua_slip_place_from_agency_name (form->agency_name);
  g_autofree char *subject = g_markup_printf_escaped ("<i>Về việc: %s</i>", form->procedure_name);
  g_autofree char *to = g_markup_printf_escaped ("Kính gửi: <b>%s</b>", form->agency_name);
  g_autofree char *born = format_birth_date (&person->birth_date);
  g_autofree char *request = g_markup_printf_escaped (
    "Đề nghị %s xem xét, giải quyết thủ tục <i>“%s”</i> cho tôi theo quy định. Kèm theo đơn này là "
    "các giấy tờ theo thành phần hồ sơ của thủ tục.", form->agency_name, form->procedure_name);
  g_autofree char *dated = g_markup_printf_escaped ("<i>%s, ngày %d tháng %d năm %d</i>", place,
                                                    g_date_time_get_day_of_month (form->signed_at),
                                                    g_date_time_get_month (form->signed_at),
                                                    g_date_time_get_year (form->signed_at));
  g_autofree char *signer = g_markup_printf_escaped (INK_MARKUP, person->full_name);
  double column = LEFT + TEXT_WIDTH / 2;
  double signature_y;

  cairo_set_source_rgb (page->cr, PRINT);
  page->y = 60;
  write_motto (page);
  write_centered (page, "<b>ĐƠN ĐỀ NGHỊ</b>", 15, 3);
  write_centered (page, subject, 13, 20);
  write_centered (page, to, 13, 18);

  write_field (page, "Họ, chữ đệm, tên người yêu cầu", person->full_name);
  write_field (page, "Ngày, tháng, năm sinh", born);
  write_field (page, "Giới tính", person->female ? "Nữ" : "Nam");
  write_field (page, "Số định danh cá nhân", person->id_number);
  write_field (page, "Nơi cư trú", person->address);
  write_field (page, "Số điện thoại liên hệ", person->phone);
  if (person->email != NULL)
    write_field (page, "Thư điện tử", person->email);
  page->y += 6;
  write_markup (page, request, LEFT, TEXT_WIDTH, PANGO_ALIGN_LEFT, 13, 7);
  write_markup (page, "Tôi cam đoan những nội dung khai trên đây là đúng sự thật và chịu trách nhiệm "
                "trước pháp luật về cam đoan của mình.", LEFT, TEXT_WIDTH, PANGO_ALIGN_LEFT, 13, 24);

  write_markup (page, dated, column, TEXT_WIDTH / 2, PANGO_ALIGN_CENTER, 13, 2);
  write_markup (page, "<b>NGƯỜI YÊU CẦU</b>", column, TEXT_WIDTH / 2, PANGO_ALIGN_CENTER, 13, 0);
  write_markup (page, "<i>(Ký, ghi rõ họ, chữ đệm, tên)</i>", column, TEXT_WIDTH / 2, PANGO_ALIGN_CENTER, 12, 8);
  signature_y = page->y;
  draw_signature (page->cr, person->full_name, column + TEXT_WIDTH / 4 - 60, signature_y);
  page->y += 44;
  write_markup (page, signer, column, TEXT_WIDTH / 2, PANGO_ALIGN_CENTER, 13, 0);
}

static void
rounded_rectangle (cairo_t *cr, double x, double y, double width, double height, double radius)
{
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + width - radius, y + radius, radius, -G_PI / 2, 0);
  cairo_arc (cr, x + width - radius, y + height - radius, radius, 0, G_PI / 2);
  cairo_arc (cr, x + radius, y + height - radius, radius, G_PI / 2, G_PI);
  cairo_arc (cr, x + radius, y + radius, radius, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

/* The photo on a photocopied card: a grey head and shoulders. */
static void
draw_photo (cairo_t *cr, double x, double y, double width, double height)
{
  cairo_save (cr);
  cairo_set_source_rgb (cr, 0.78, 0.78, 0.78);
  cairo_rectangle (cr, x, y, width, height);
  cairo_fill_preserve (cr);
  cairo_clip (cr);
  cairo_set_source_rgb (cr, 0.55, 0.55, 0.55);
  cairo_arc (cr, x + width / 2, y + height * 0.38, width * 0.22, 0, 2 * G_PI);
  cairo_fill (cr);
  cairo_arc (cr, x + width / 2, y + height * 1.02, width * 0.42, G_PI, 2 * G_PI);
  cairo_fill (cr);
  cairo_restore (cr);
}

/* A citizen ID card is renewed at 25, 40 and 60; after 60 it never expires. */
static char *
format_expiry (const GDate *birth, GDateTime *issued_before)
{
  static const int renewal_ages[] = { 25, 40, 60 };

  if (!g_date_valid (birth))
    return g_strdup ("");
  for (guint i = 0; i < G_N_ELEMENTS (renewal_ages); i++)
    {
      int year = g_date_get_year (birth) + renewal_ages[i];

      if (year > g_date_time_get_year (issued_before))
        return g_strdup_printf ("%02d/%02d/%04d", g_date_get_day (birth), g_date_get_month (birth), year);
    }
  return g_strdup ("Không thời hạn");
}

/* The card's QR code, in the layout motcua-cccd.h reads: what a clerk's USB scanner
 * types into the receive flow. Chip cards were first issued in 2021. */
static char *
card_qr_text (const MotcuaDemoPerson *person)
{
  const GDate *born = &person->birth_date;
  GDate issued;

  g_date_clear (&issued, 1);
  g_date_set_dmy (&issued, 15, G_DATE_APRIL, 2021);
  g_date_add_days (&issued, g_str_hash (person->id_number) % 700);
  return g_strdup_printf ("%s||%s|%02d%02d%04d|%s|%s|%02d%02d%04d", person->id_number, person->full_name,
                          g_date_get_day (born), g_date_get_month (born), g_date_get_year (born),
                          person->female ? "Nữ" : "Nam", person->address, g_date_get_day (&issued),
                          g_date_get_month (&issued), g_date_get_year (&issued));
}

static void
draw_qr_code (cairo_t *cr, const char *text, double x, double y, double size)
{
  QRcode *code = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  double module;

  if (code == NULL)
    return;
  module = size / code->width;
  for (int row = 0; row < code->width; row++)
    for (int col = 0; col < code->width; col++)
      if (code->data[row * code->width + col] & 1)
        cairo_rectangle (cr, x + col * module, y + row * module, module, module);
  cairo_fill (cr);
  QRcode_free (code);
}

/* A photocopy of the front of the applicant's citizen ID card (căn cước công dân),
 * twice its size, as offices copy it for the file. */
static void
draw_id_card_copy (Page *page, const MotcuaDemoForm *form)
{
  const MotcuaDemoPerson *person = form->applicant;
  const double width = 2 * 243, height = 2 * 153, x = (PAGE_WIDTH - width) / 2, top = 120;
  const double text_x = x + 130, text_width = width - 145;
  g_autofree char *born = format_birth_date (&person->birth_date);
  g_autofree char *upper_name = g_utf8_strup (person->full_name, -1);
  g_autofree char *number = g_markup_printf_escaped ("Số / No.: <b>%s</b>", person->id_number);
  g_autofree char *name = g_markup_printf_escaped ("Họ và tên / Full name:\n<b>%s</b>", upper_name);
  g_autofree char *birth = g_markup_printf_escaped ("Ngày sinh / Date of birth: %s", born);
  g_autofree char *sex = g_markup_printf_escaped ("Giới tính / Sex: %s      Quốc tịch / Nationality: Việt Nam",
                                                  person->female ? "Nữ" : "Nam");
  g_autofree char *home = g_markup_printf_escaped ("Nơi thường trú / Place of residence:\n%s", person->address);
  g_autofree char *expiry_date = format_expiry (&person->birth_date, form->signed_at);
  g_autofree char *expiry = g_markup_printf_escaped ("<i>Có giá trị đến: %s</i>", expiry_date);

  cairo_set_source_rgb (page->cr, PRINT);
  page->y = 70;
  write_centered (page, "<b>BẢN SAO CĂN CƯỚC CÔNG DÂN</b>", 13, 0);

  cairo_set_source_rgb (page->cr, 0.90, 0.90, 0.89);
  rounded_rectangle (page->cr, x, top, width, height, 14);
  cairo_fill_preserve (page->cr);
  cairo_set_source_rgb (page->cr, 0.35, 0.35, 0.35);
  cairo_set_line_width (page->cr, 1);
  cairo_stroke (page->cr);
  draw_photo (page->cr, x + 20, top + 80, 95, 125);

  cairo_set_source_rgb (page->cr, 0.15, 0.15, 0.15);
  page->y = top + 14;
  write_markup (page, "<b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b>\nĐộc lập - Tự do - Hạnh phúc",
                text_x, text_width, PANGO_ALIGN_CENTER, 10, 6);
  write_markup (page, "<b>CĂN CƯỚC CÔNG DÂN</b>", text_x, text_width, PANGO_ALIGN_CENTER, 15, 10);
  write_markup (page, number, text_x, text_width, PANGO_ALIGN_LEFT, 11, 5);
  write_markup (page, name, text_x, text_width, PANGO_ALIGN_LEFT, 11, 5);
  write_markup (page, birth, text_x, text_width, PANGO_ALIGN_LEFT, 11, 5);
  write_markup (page, sex, text_x, text_width, PANGO_ALIGN_LEFT, 11, 5);
  write_markup (page, home, text_x, text_width, PANGO_ALIGN_LEFT, 11, 0);
  page->y = top + 214;
  write_markup (page, expiry, x + 20, 120, PANGO_ALIGN_LEFT, 8, 0);
  {
    g_autofree char *qr = card_qr_text (person);
    draw_qr_code (page->cr, qr, x + width - 100, top + height - 100, 84);
  }
}

/* "DỰ THẢO" across the page, light enough to read through. */
static void
draw_watermark (Page *page)
{
  cairo_save (page->cr);
  cairo_translate (page->cr, PAGE_WIDTH / 2, PAGE_HEIGHT / 2);
  cairo_rotate (page->cr, -G_PI / 5);
  cairo_set_source_rgb (page->cr, 0.88, 0.88, 0.88);
  page->y = -50;
  write_markup (page, "<b>DỰ THẢO</b>", -PAGE_WIDTH / 2, PAGE_WIDTH, PANGO_ALIGN_CENTER, 80, 0);
  cairo_restore (page->cr);
}

/* The specialist's draft of the result, as the leader reads it before approving: a
 * document of the agency, not yet signed. */
static void
draw_draft_result (Page *page, const MotcuaDemoForm *form)
{
  const MotcuaDemoPerson *person = form->applicant;
  g_autofree char *agency_upper = g_utf8_strup (form->agency_name, -1);
  g_autofree char *agency = g_markup_printf_escaped ("<b>%s</b>", agency_upper);
  g_autofree char *place = motcua_slip_place_from_agency_name (form->agency_name);
  g_autofree char *dated = g_markup_printf_escaped ("<i>%s, ngày     tháng %d năm %d</i>", place,
                                                    g_date_time_get_month (form->signed_at),
                                                    g_date_time_get_year (form->signed_at));
  g_autofree char *subject = g_markup_printf_escaped ("<i>Về việc: %s</i>", form->procedure_name);
  g_autofree char *grounds = g_markup_printf_escaped (
    "Căn cứ hồ sơ đề nghị của ông/bà <b>%s</b>, số định danh cá nhân %s, nơi cư trú: %s;",
    person->full_name, person->id_number, person->address);
  g_autofree char *decision = g_markup_printf_escaped (
    "%s giải quyết yêu cầu <i>“%s”</i> của ông/bà %s theo đúng quy định. Văn bản này có hiệu lực kể từ "
    "ngày ký.", form->agency_name, form->procedure_name, person->full_name);
  g_autofree char *drafted = g_markup_printf_escaped ("<i>Người dự thảo: %s, ngày %02d/%02d/%04d</i>",
                                                      form->drafter ? form->drafter : "",
                                                      g_date_time_get_day_of_month (form->signed_at),
                                                      g_date_time_get_month (form->signed_at),
                                                      g_date_time_get_year (form->signed_at));
  double column = LEFT + TEXT_WIDTH / 2;
  double top = 60;

  draw_watermark (page);
  cairo_set_source_rgb (page->cr, PRINT);
  page->y = top;
  write_markup (page, agency, LEFT - 20, TEXT_WIDTH / 2, PANGO_ALIGN_CENTER, 12, 0);
  page->y = top;
  write_markup (page, "<b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b>\n<b>Độc lập - Tự do - Hạnh phúc</b>",
                column - 10, TEXT_WIDTH / 2 + 30, PANGO_ALIGN_CENTER, 11.5, 8);
  write_markup (page, dated, column - 10, TEXT_WIDTH / 2 + 30, PANGO_ALIGN_CENTER, 12, 30);

  write_centered (page, "<b>KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH</b>", 14, 3);
  write_centered (page, subject, 13, 24);
  write_markup (page, grounds, LEFT, TEXT_WIDTH, PANGO_ALIGN_LEFT, 13, 7);
  write_markup (page, "Căn cứ kết quả thẩm định hồ sơ của công chức chuyên môn;", LEFT, TEXT_WIDTH,
                PANGO_ALIGN_LEFT, 13, 7);
  write_markup (page, decision, LEFT, TEXT_WIDTH, PANGO_ALIGN_LEFT, 13, 30);

  write_markup (page, "<b>TM. ỦY BAN NHÂN DÂN</b>\n<b>CHỦ TỊCH</b>", column, TEXT_WIDTH / 2, PANGO_ALIGN_CENTER,
                13, 40);
  write_markup (page, "<i>(Chờ lãnh đạo phê duyệt, ký số)</i>", column, TEXT_WIDTH / 2, PANGO_ALIGN_CENTER, 12, 0);
  page->y = PAGE_HEIGHT - 70;
  write_markup (page, drafted, LEFT, TEXT_WIDTH, PANGO_ALIGN_LEFT, 10, 0);
}

gboolean
motcua_demo_form_write_pdf (const MotcuaDemoForm *form, const char *path, gpointer user_data, GError **error)
{
  static void (* const request[]) (Page *, const MotcuaDemoForm *) = { draw_request_form, draw_id_card_copy, NULL };
  static void (* const draft[]) (Page *, const MotcuaDemoForm *) = { draw_draft_result, NULL };
  gboolean is_draft = form->paper == MOTCUA_DEMO_DRAFT_RESULT;
  void (* const *sheets) (Page *, const MotcuaDemoForm *) = is_draft ? draft : request;
  cairo_surface_t *surface = cairo_pdf_surface_create (path, PAGE_WIDTH, PAGE_HEIGHT);
  cairo_t *cr = cairo_create (surface);
  PangoContext *context = motcua_print_pango_context_new ();
  Page page = { cr, context, 0 };

  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, is_draft ? "Dự thảo kết quả" : "Đơn đề nghị");
  for (guint i = 0; sheets[i] != NULL; i++)
    {
      /* A draft comes from the office's printer, a request through its scanner. */
      if (is_draft)
        cairo_set_source_rgb (cr, 1, 1, 1);
      else
        cairo_set_source_rgb (cr, PAPER);
      cairo_paint (cr);
      sheets[i] (&page, form);
      cairo_show_page (cr);
    }
  g_object_unref (context);
  cairo_destroy (cr);
  return motcua_print_close_pdf (surface, path, error);
}
