/* test-ui-pdf-view.c: the document pane in a real window under Xvfb.
 *
 * Every file is made here: text PDFs drawn with cairo, a PNG from gdk-pixbuf, broken files
 * cut or invented, and a password-protected PDF written by hand with the standard 40-bit
 * RC4 security handler (so the test needs no qpdf).
 */

#include <cairo-pdf.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <math.h>
#include <poppler.h>
#include <string.h>

#include <adwaita.h>

#include "motcua-application.h"
#include "motcua-pdf-view.h"

#define LARGE_PAGES     300
#define FIND_PAGE       212      /* 0-based page holding the word to find */
#define FIND_WORD       "zephyrine"
#define ACCENTED_PAGE   7

static char *files_dir;

/* Under valgrind everything takes tens of times longer: waits stretch, and the one
 * assertion on wall-clock time is reported instead of checked. */
static gboolean
under_valgrind (void)
{
  const char *preload = g_getenv ("LD_PRELOAD");

  return preload != NULL && strstr (preload, "valgrind") != NULL;
}

/* ---- files ------------------------------------------------------------------------ */

static char *
test_file (const char *name)
{
  return g_build_filename (files_dir, name, NULL);
}

static void
write_text_pdf (const char *path, int n_pages)
{
  cairo_surface_t *surface = cairo_pdf_surface_create (path, 595.276, 841.89);
  cairo_t *cr = cairo_create (surface);

  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  for (int page = 0; page < n_pages; page++)
    {
      g_autofree char *title = g_strdup_printf ("Page %d of %d", page + 1, n_pages);

      cairo_set_font_size (cr, 28);
      cairo_move_to (cr, 60, 90);
      cairo_show_text (cr, title);
      cairo_set_font_size (cr, 11);
      for (int line = 0; line < 40; line++)
        {
          cairo_move_to (cr, 60, 140 + line * 16);
          cairo_show_text (cr, "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod.");
        }
      if (page == FIND_PAGE)
        {
          cairo_move_to (cr, 300, 700);
          cairo_show_text (cr, "The word " FIND_WORD " appears on this page only.");
        }
      if (page == ACCENTED_PAGE)
        {
          cairo_move_to (cr, 60, 780);
          cairo_show_text (cr, "Bộ phận một cửa tiếp nhận hồ sơ.");
        }
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
}

static void
write_bytes (const char *path, const void *data, gsize length)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, length, &error);
  g_assert_no_error (error);
}

static void
write_random_file (const char *path)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261123);
  guint32 bytes[8192];

  for (guint i = 0; i < G_N_ELEMENTS (bytes); i++)
    bytes[i] = g_rand_int (rand);
  write_bytes (path, bytes, sizeof bytes);
}

static void
write_truncated_copy (const char *source, const char *path)
{
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (source, &contents, &length, NULL));
  write_bytes (path, contents, length / 2);
}

static void
write_png (const char *path)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 640, 480);
  g_autoptr(GError) error = NULL;

  gdk_pixbuf_fill (pixbuf, 0x3584e4ff);
  gdk_pixbuf_save (pixbuf, path, "png", &error, NULL);
  g_assert_no_error (error);
}

/* ---- a password-protected PDF, by the book (PDF 1.7, 7.6.3, revision 2) -------- */

static const guchar password_padding[32] = {
  0x28, 0xbf, 0x4e, 0x5e, 0x4e, 0x75, 0x8a, 0x41, 0x64, 0x00, 0x4e, 0x56, 0xff, 0xfa, 0x01, 0x08,
  0x2e, 0x2e, 0x00, 0xb6, 0xd0, 0x68, 0x3e, 0x80, 0x2f, 0x0c, 0xa9, 0xfe, 0x64, 0x53, 0x69, 0x7a,
};

static void
rc4 (const guchar *key, gsize key_length, guchar *data, gsize length)
{
  guchar s[256];
  guint i, j = 0;

  for (i = 0; i < 256; i++)
    s[i] = i;
  for (i = 0; i < 256; i++)
    {
      guchar t = s[i];

      j = (j + s[i] + key[i % key_length]) & 0xff;
      s[i] = s[j];
      s[j] = t;
    }
  i = j = 0;
  for (gsize n = 0; n < length; n++)
    {
      guchar t;

      i = (i + 1) & 0xff;
      j = (j + s[i]) & 0xff;
      t = s[i];
      s[i] = s[j];
      s[j] = t;
      data[n] ^= s[(s[i] + s[j]) & 0xff];
    }
}

static void
md5 (const guchar *data, gsize length, guchar digest[16])
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_MD5);
  gsize digest_length = 16;

  g_checksum_update (checksum, data, length);
  g_checksum_get_digest (checksum, digest, &digest_length);
}

static void
pad_password (const char *password, guchar out[32])
{
  gsize length = MIN (strlen (password), 32);

  memcpy (out, password, length);
  memcpy (out + length, password_padding, 32 - length);
}

static char *
hex (const guchar *data, gsize length)
{
  GString *s = g_string_new ("<");

  for (gsize i = 0; i < length; i++)
    g_string_append_printf (s, "%02x", data[i]);
  g_string_append_c (s, '>');
  return g_string_free (s, FALSE);
}

static void
write_encrypted_pdf (const char *path, const char *user_password, const char *owner_password)
{
  static const guchar id[16] = "motcua-test-id!";
  const gint32 permissions = -44;
  guchar owner_padded[32], user_padded[32], digest[16], o[32], u[32], key[5];
  guchar object_key_input[10], object_key[16];
  g_autoptr(GByteArray) buffer = g_byte_array_new ();
  g_autoptr(GString) pdf = g_string_new (NULL);
  g_autofree char *content = g_strdup ("BT /F1 24 Tf 72 720 Td (Secret dossier) Tj ET");
  gsize content_length = strlen (content);
  gsize offsets[7];
  gsize xref;

  /* O: the padded user password, encrypted with a key made from the owner password. */
  pad_password (owner_password, owner_padded);
  md5 (owner_padded, 32, digest);
  pad_password (user_password, o);
  rc4 (digest, 5, o, 32);

  /* The file key, from the user password, O, the permissions and the file ID. */
  pad_password (user_password, user_padded);
  g_byte_array_append (buffer, user_padded, 32);
  g_byte_array_append (buffer, o, 32);
  g_byte_array_append (buffer, (const guint8 *) &(guint32) { GUINT32_TO_LE ((guint32) permissions) }, 4);
  g_byte_array_append (buffer, id, 16);
  md5 (buffer->data, buffer->len, digest);
  memcpy (key, digest, 5);

  /* U: the padding string encrypted with the file key. */
  memcpy (u, password_padding, 32);
  rc4 (key, 5, u, 32);

  /* The page's content stream is object 4, generation 0. */
  memcpy (object_key_input, key, 5);
  memcpy (object_key_input + 5, (const guchar[]) { 4, 0, 0, 0, 0 }, 5);
  md5 (object_key_input, 10, object_key);
  rc4 (object_key, 10, (guchar *) content, content_length);

  g_string_append (pdf, "%PDF-1.4\n");
  offsets[1] = pdf->len;
  g_string_append (pdf, "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n");
  offsets[2] = pdf->len;
  g_string_append (pdf, "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n");
  offsets[3] = pdf->len;
  g_string_append (pdf, "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
                        "/Resources << /Font << /F1 5 0 R >> >> >> endobj\n");
  offsets[4] = pdf->len;
  g_string_append_printf (pdf, "4 0 obj << /Length %" G_GSIZE_FORMAT " >> stream\n", content_length);
  g_string_append_len (pdf, content, content_length);
  g_string_append (pdf, "\nendstream endobj\n");
  offsets[5] = pdf->len;
  g_string_append (pdf, "5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\n");
  offsets[6] = pdf->len;
  {
    g_autofree char *o_hex = hex (o, 32);
    g_autofree char *u_hex = hex (u, 32);

    g_string_append_printf (pdf, "6 0 obj << /Filter /Standard /V 1 /R 2 /O %s /U %s /P %d >> endobj\n",
                            o_hex, u_hex, permissions);
  }
  xref = pdf->len;
  g_string_append (pdf, "xref\n0 7\n0000000000 65535 f \n");
  for (int i = 1; i <= 6; i++)
    g_string_append_printf (pdf, "%010" G_GSIZE_FORMAT " 00000 n \n", offsets[i]);
  {
    g_autofree char *id_hex = hex (id, 16);

    g_string_append_printf (pdf, "trailer << /Size 7 /Root 1 0 R /Encrypt 6 0 R /ID [%s %s] >>\n"
                                 "startxref\n%" G_GSIZE_FORMAT "\n%%%%EOF\n", id_hex, id_hex, xref);
  }
  write_bytes (path, pdf->str, pdf->len);
}

/* The generated file must be a real encrypted PDF, not merely one poppler rejects. */
static void
check_encrypted_pdf (const char *path)
{
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
  g_autoptr(GError) error = NULL;
  PopplerDocument *document = poppler_document_new_from_file (uri, NULL, &error);

  g_assert_null (document);
  g_assert_error (error, POPPLER_ERROR, POPPLER_ERROR_ENCRYPTED);
  g_clear_error (&error);
  document = poppler_document_new_from_file (uri, "motcua", &error);
  g_assert_no_error (error);
  g_assert_cmpint (poppler_document_get_n_pages (document), ==, 1);
  g_object_unref (document);
}

/* ---- a window and the main loop ---------------------------------------------------- */

typedef struct {
  GtkWindow     *window;
  MotcuaPdfView *view;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->window = GTK_WINDOW (gtk_window_new ());
  fixture->view = MOTCUA_PDF_VIEW (motcua_pdf_view_new ());
  gtk_window_set_default_size (fixture->window, 900, 700);
  gtk_window_set_child (fixture->window, GTK_WIDGET (fixture->view));
  gtk_window_present (fixture->window);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  gtk_window_destroy (fixture->window);
  /* Let the worker's last results and the window's teardown run. */
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
}

typedef gboolean (*Condition) (MotcuaPdfView *view, gconstpointer data);

static gboolean
wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static gboolean
iterate_until (MotcuaPdfView *view, Condition condition, gconstpointer data, double seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (seconds * (under_valgrind () ? 50 : 1) * G_USEC_PER_SEC);
  guint tick = g_timeout_add (10, wake_up, NULL);
  gboolean met;

  while (!(met = condition (view, data)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  return met;
}

static void
iterate_for (double seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (seconds * (under_valgrind () ? 20 : 1) * G_USEC_PER_SEC);
  guint tick = g_timeout_add (10, wake_up, NULL);

  while (g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
}

static gboolean
is_settled (MotcuaPdfView *view, gconstpointer data)
{
  return motcua_pdf_view_get_loaded (view) || motcua_pdf_view_get_error_message (view) != NULL;
}

static gboolean
has_error (MotcuaPdfView *view, gconstpointer data)
{
  return motcua_pdf_view_get_error_message (view) != NULL;
}

static gboolean
is_on_page (MotcuaPdfView *view, gconstpointer data)
{
  return motcua_pdf_view_get_current_page (view) == GPOINTER_TO_INT (data);
}

static gboolean
zoom_differs (MotcuaPdfView *view, gconstpointer data)
{
  return fabs (motcua_pdf_view_get_zoom (view) - *(const double *) data) > 0.001;
}

static gboolean
match_on_page (MotcuaPdfView *view, gconstpointer data)
{
  return motcua_pdf_view_get_n_matches (view) > 0 &&
         motcua_pdf_view_get_match_page (view) == GPOINTER_TO_INT (data);
}

static gboolean
has_thumbnails (MotcuaPdfView *view, gconstpointer data)
{
  return motcua_pdf_view_get_n_thumbnails_rendered (view) >= GPOINTER_TO_INT (data);
}

static void
load_and_wait (Fixture *fixture, const char *name, const char *mime_type)
{
  g_autofree char *path = test_file (name);

  motcua_pdf_view_load_file (fixture->view, path, mime_type);
  g_assert_true (iterate_until (fixture->view, is_settled, NULL, 10));
}

static void
activate (Fixture *fixture, const char *action)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->view), action, NULL));
}

/* ---- tests ------------------------------------------------------------------------ */

static void
test_empty_state (Fixture *fixture, gconstpointer data)
{
  g_assert_cmpint (motcua_pdf_view_get_n_pages (fixture->view), ==, 0);
  g_assert_null (motcua_pdf_view_get_error_message (fixture->view));
  g_assert_false (motcua_pdf_view_get_loaded (fixture->view));
  /* Actions on nothing do nothing, and do not crash. */
  activate (fixture, "pdf.zoom-in");
  activate (fixture, "pdf.next-page");
  iterate_for (0.05);
  g_assert_cmpint (motcua_pdf_view_get_current_page (fixture->view), ==, 0);
}

static int
min_width (Fixture *fixture)
{
  int width = 0;

  gtk_widget_measure (GTK_WIDGET (fixture->view), GTK_ORIENTATION_HORIZONTAL, -1, &width, NULL, NULL, NULL);
  return width;
}

static void
test_large_opens_at_once (Fixture *fixture, gconstpointer data)
{
  g_autofree char *path = test_file ("large.pdf");
  gint64 start;
  double elapsed;
  int rendered;
  int empty_width = min_width (fixture);

  g_test_message ("the viewer's narrowest width: %d px", empty_width);

  iterate_for (0.2);
  start = g_get_monotonic_time ();
  motcua_pdf_view_load_file (fixture->view, path, "application/pdf");
  g_assert_true (iterate_until (fixture->view, is_settled, NULL, 10));
  elapsed = (g_get_monotonic_time () - start) / 1e6;
  g_test_message ("300 pages: first page painted after %.1f ms", elapsed * 1000);

  g_assert_null (motcua_pdf_view_get_error_message (fixture->view));
  g_assert_true (motcua_pdf_view_get_loaded (fixture->view));
  g_assert_cmpint (motcua_pdf_view_get_n_pages (fixture->view), ==, LARGE_PAGES);
  if (!under_valgrind ())
    g_assert_cmpfloat (elapsed, <, 1.5);

  /* Let everything queued settle: still only the pages in view and their neighbours. */
  iterate_for (0.5);
  rendered = motcua_pdf_view_get_n_rendered (fixture->view);
  g_test_message ("pages rendered after opening: %d", rendered);
  g_assert_cmpint (rendered, >=, 1);
  g_assert_cmpint (rendered, <=, 6);
  g_assert_cmpint (motcua_pdf_view_get_n_thumbnails_rendered (fixture->view), ==, 0);

  /* "/ 300" and "400%" fit in the room the toolbar kept while empty: opening or zooming
   * a document never takes width from the window's other panes. */
  g_assert_cmpint (min_width (fixture), ==, empty_width);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->view), "pdf.set-zoom", "d", 4.0));
  iterate_for (0.1);
  g_assert_cmpint (min_width (fixture), ==, empty_width);
}

static void
test_navigation (Fixture *fixture, gconstpointer data)
{
  int rendered;

  load_and_wait (fixture, "large.pdf", "application/pdf");
  g_assert_cmpint (motcua_pdf_view_get_current_page (fixture->view), ==, 0);

  activate (fixture, "pdf.next-page");
  g_assert_true (iterate_until (fixture->view, is_on_page, GINT_TO_POINTER (1), 2));
  activate (fixture, "pdf.previous-page");
  g_assert_true (iterate_until (fixture->view, is_on_page, GINT_TO_POINTER (0), 2));

  g_object_set (fixture->view, "current-page", 149, NULL);
  iterate_for (0.3);
  g_assert_cmpint (motcua_pdf_view_get_current_page (fixture->view), ==, 149);
  activate (fixture, "pdf.next-page");
  iterate_for (0.3);
  g_assert_cmpint (motcua_pdf_view_get_current_page (fixture->view), ==, 150);

  /* The last page is current once navigated to, though it cannot scroll to the top. */
  motcua_pdf_view_set_current_page (fixture->view, LARGE_PAGES - 1);
  iterate_for (0.3);
  g_assert_cmpint (motcua_pdf_view_get_current_page (fixture->view), ==, LARGE_PAGES - 1);
  activate (fixture, "pdf.previous-page");
  iterate_for (0.3);
  g_assert_cmpint (motcua_pdf_view_get_current_page (fixture->view), ==, LARGE_PAGES - 2);

  /* Jumping around renders where the clerk looked, not everything in between. */
  rendered = motcua_pdf_view_get_n_rendered (fixture->view);
  g_test_message ("pages rendered after navigating: %d", rendered);
  g_assert_cmpint (rendered, <=, 20);
}

static void
test_zoom_and_rotate (Fixture *fixture, gconstpointer data)
{
  double before, fit_width;

  load_and_wait (fixture, "small.pdf", "application/pdf");
  iterate_for (0.1);
  fit_width = before = motcua_pdf_view_get_zoom (fixture->view);

  activate (fixture, "pdf.zoom-in");
  g_assert_true (iterate_until (fixture->view, zoom_differs, &before, 2));
  g_assert_cmpfloat (motcua_pdf_view_get_zoom (fixture->view), >, before);

  before = motcua_pdf_view_get_zoom (fixture->view);
  activate (fixture, "pdf.zoom-out");
  g_assert_true (iterate_until (fixture->view, zoom_differs, &before, 2));
  g_assert_cmpfloat (motcua_pdf_view_get_zoom (fixture->view), <, before);

  /* The pane is wider than a page is tall at its width, so a whole page is smaller. */
  before = motcua_pdf_view_get_zoom (fixture->view);
  activate (fixture, "pdf.fit-page");
  g_assert_true (iterate_until (fixture->view, zoom_differs, &before, 2));
  g_assert_cmpfloat (motcua_pdf_view_get_zoom (fixture->view), <, fit_width);

  before = motcua_pdf_view_get_zoom (fixture->view);
  activate (fixture, "pdf.fit-width");
  g_assert_true (iterate_until (fixture->view, zoom_differs, &before, 2));
  g_assert_cmpfloat_with_epsilon (motcua_pdf_view_get_zoom (fixture->view), fit_width, 0.001);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->view), "pdf.set-zoom", "d", 2.0));
  iterate_for (0.1);
  g_assert_cmpfloat_with_epsilon (motcua_pdf_view_get_zoom (fixture->view), 2.0, 0.001);

  activate (fixture, "pdf.rotate");
  g_assert_cmpint (motcua_pdf_view_get_rotation (fixture->view), ==, 90);
  activate (fixture, "pdf.rotate-left");
  activate (fixture, "pdf.rotate-left");
  g_assert_cmpint (motcua_pdf_view_get_rotation (fixture->view), ==, 270);
  iterate_for (0.2);
  g_assert_null (motcua_pdf_view_get_error_message (fixture->view));
}

static void
test_small_document (Fixture *fixture, gconstpointer data)
{
  load_and_wait (fixture, "small.pdf", NULL);
  g_assert_cmpint (motcua_pdf_view_get_n_pages (fixture->view), ==, 3);

  activate (fixture, "pdf.next-page");
  activate (fixture, "pdf.next-page");
  iterate_for (0.2);
  g_assert_cmpint (motcua_pdf_view_get_current_page (fixture->view), ==, 2);
  /* Past the end the action is off, and the page stays. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->view), "pdf.next-page", NULL);
  iterate_for (0.1);
  g_assert_cmpint (motcua_pdf_view_get_current_page (fixture->view), ==, 2);
}

static void
test_find (Fixture *fixture, gconstpointer data)
{
  load_and_wait (fixture, "large.pdf", "application/pdf");

  motcua_pdf_view_find (fixture->view, FIND_WORD);
  g_assert_true (iterate_until (fixture->view, match_on_page, GINT_TO_POINTER (FIND_PAGE), 20));
  g_assert_true (iterate_until (fixture->view, is_on_page, GINT_TO_POINTER (FIND_PAGE), 2));
  iterate_for (0.3);
  g_assert_cmpint (motcua_pdf_view_get_n_matches (fixture->view), ==, 1);

  /* Clerks type Vietnamese without accents. */
  motcua_pdf_view_find (fixture->view, "ho so");
  g_assert_true (iterate_until (fixture->view, match_on_page, GINT_TO_POINTER (ACCENTED_PAGE), 20));

  /* A word that is nowhere leaves no highlight and the page where it was. */
  motcua_pdf_view_find (fixture->view, "nowhere-to-be-found");
  iterate_for (1.0);
  g_assert_cmpint (motcua_pdf_view_get_n_matches (fixture->view), ==, 0);
  g_assert_cmpint (motcua_pdf_view_get_match_page (fixture->view), ==, -1);
}

static void
test_thumbnails_are_lazy (Fixture *fixture, gconstpointer data)
{
  int thumbnails;

  load_and_wait (fixture, "large.pdf", "application/pdf");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->view), "pdf.show-thumbnails", NULL));
  g_assert_true (motcua_pdf_view_get_show_thumbnails (fixture->view));
  g_assert_true (iterate_until (fixture->view, has_thumbnails, GINT_TO_POINTER (3), 5));
  iterate_for (0.5);
  thumbnails = motcua_pdf_view_get_n_thumbnails_rendered (fixture->view);
  g_test_message ("thumbnails rendered: %d", thumbnails);
  g_assert_cmpint (thumbnails, <, 40);
}

typedef struct {
  const char *name;
  const char *mime_type;
  const char *expected;   /* part of the message */
} BadFile;

static const BadFile bad_files[] = {
  { "corrupt.pdf", "application/pdf", "not a PDF document" },
  { "truncated.pdf", "application/pdf", "incomplete" },
  { "empty.pdf", "application/pdf", "empty" },
  { "protected.pdf", "application/pdf", "This PDF is protected by a password and cannot be shown" },
  { "missing.pdf", "application/pdf", "could not be found" },
  { "corrupt.png", "image/png", "image is damaged" },
};

static void
test_bad_files (Fixture *fixture, gconstpointer data)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_files); i++)
    {
      g_autofree char *path = test_file (bad_files[i].name);
      const char *message;

      motcua_pdf_view_load_file (fixture->view, path, bad_files[i].mime_type);
      g_assert_true (iterate_until (fixture->view, has_error, NULL, 10));
      message = motcua_pdf_view_get_error_message (fixture->view);
      g_test_message ("%s: %s", bad_files[i].name, message);
      g_assert_nonnull (strstr (message, bad_files[i].expected));
      g_assert_cmpint (motcua_pdf_view_get_n_pages (fixture->view), ==, 0);
      g_assert_false (motcua_pdf_view_get_loaded (fixture->view));
      activate (fixture, "pdf.zoom-in");

      /* The pane goes on: the next good file shows. */
      load_and_wait (fixture, "small.pdf", "application/pdf");
      g_assert_null (motcua_pdf_view_get_error_message (fixture->view));
      g_assert_cmpint (motcua_pdf_view_get_n_pages (fixture->view), ==, 3);
    }
}

static void
test_image (Fixture *fixture, gconstpointer data)
{
  double before;

  load_and_wait (fixture, "scan.png", "image/png");
  g_assert_null (motcua_pdf_view_get_error_message (fixture->view));
  g_assert_true (motcua_pdf_view_get_loaded (fixture->view));
  g_assert_cmpint (motcua_pdf_view_get_n_pages (fixture->view), ==, 1);

  before = motcua_pdf_view_get_zoom (fixture->view);
  activate (fixture, "pdf.zoom-in");
  g_assert_true (iterate_until (fixture->view, zoom_differs, &before, 2));
  activate (fixture, "pdf.rotate");
  iterate_for (0.2);
  g_assert_cmpint (motcua_pdf_view_get_rotation (fixture->view), ==, 90);

  /* A mislabelled file is told by its bytes. */
  load_and_wait (fixture, "scan.png", "application/pdf");
  g_assert_null (motcua_pdf_view_get_error_message (fixture->view));
  g_assert_cmpint (motcua_pdf_view_get_n_pages (fixture->view), ==, 1);
  g_assert_cmpint (motcua_pdf_view_get_rotation (fixture->view), ==, 0);
}

static void
test_switch_and_clear (Fixture *fixture, gconstpointer data)
{
  g_autofree char *large = test_file ("large.pdf");
  g_autofree char *small = test_file ("small.pdf");

  /* A clerk clicking through attachments: only the last one counts. */
  for (int i = 0; i < 5; i++)
    {
      motcua_pdf_view_load_file (fixture->view, large, "application/pdf");
      motcua_pdf_view_find (fixture->view, "Lorem");
      g_main_context_iteration (NULL, FALSE);
      motcua_pdf_view_load_file (fixture->view, small, "application/pdf");
    }
  g_assert_true (iterate_until (fixture->view, is_settled, NULL, 10));
  iterate_for (0.3);
  g_assert_cmpint (motcua_pdf_view_get_n_pages (fixture->view), ==, 3);
  g_assert_cmpint (motcua_pdf_view_get_n_matches (fixture->view), ==, 0);

  motcua_pdf_view_clear (fixture->view);
  g_assert_cmpint (motcua_pdf_view_get_n_pages (fixture->view), ==, 0);
  g_assert_false (motcua_pdf_view_get_loaded (fixture->view));
  g_assert_null (motcua_pdf_view_get_error_message (fixture->view));
  iterate_for (0.2);
  g_assert_false (motcua_pdf_view_get_loaded (fixture->view));
}

static void
make_files (void)
{
  g_autofree char *large = test_file ("large.pdf");
  g_autofree char *small = test_file ("small.pdf");
  g_autofree char *corrupt = test_file ("corrupt.pdf");
  g_autofree char *corrupt_png = test_file ("corrupt.png");
  g_autofree char *truncated = test_file ("truncated.pdf");
  g_autofree char *empty = test_file ("empty.pdf");
  g_autofree char *protected = test_file ("protected.pdf");
  g_autofree char *png = test_file ("scan.png");
  g_autofree char *png_contents = NULL;
  gsize png_length;

  write_text_pdf (large, LARGE_PAGES);
  write_text_pdf (small, 3);
  write_random_file (corrupt);
  write_truncated_copy (large, truncated);
  write_bytes (empty, "", 0);
  write_encrypted_pdf (protected, "motcua", "owner-secret");
  check_encrypted_pdf (protected);
  write_png (png);
  /* A PNG cut short after its header: an image, damaged. */
  g_assert_true (g_file_get_contents (png, &png_contents, &png_length, NULL));
  write_bytes (corrupt_png, png_contents, MIN (png_length, 64));
}

static void
remove_files (void)
{
  g_autoptr(GDir) dir = g_dir_open (files_dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = test_file (name);

      g_unlink (path);
    }
  g_rmdir (files_dir);
}

int
main (int argc, char **argv)
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  motcua_ui_register_resources ();

  files_dir = g_dir_make_tmp ("motcua-pdf-view-XXXXXX", NULL);
  g_assert_nonnull (files_dir);
  make_files ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/pdf-view/empty-state", test_empty_state);
  ADD ("/pdf-view/large-opens-at-once", test_large_opens_at_once);
  ADD ("/pdf-view/navigation", test_navigation);
  ADD ("/pdf-view/zoom-and-rotate", test_zoom_and_rotate);
  ADD ("/pdf-view/small-document", test_small_document);
  ADD ("/pdf-view/find", test_find);
  ADD ("/pdf-view/thumbnails-are-lazy", test_thumbnails_are_lazy);
  ADD ("/pdf-view/bad-files", test_bad_files);
  ADD ("/pdf-view/image", test_image);
  ADD ("/pdf-view/switch-and-clear", test_switch_and_clear);
#undef ADD

  status = g_test_run ();
  remove_files ();
  g_free (files_dir);
  return status;
}
