/* test-digitize.c: scanned images become one PDF, one A4 page each, upright, and a bad
 * input leaves nothing behind. The PDF is checked with poppler, independently of cairo
 * that wrote it. */

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <poppler.h>
#include <string.h>

#include "motcua-digitize.h"
#include "motcua-error.h"
#include "motcua-test-util.h"

#define A4_WIDTH  (210.0 / 25.4 * 72.0)
#define A4_HEIGHT (297.0 / 25.4 * 72.0)

typedef struct {
  char *dir;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->dir = motcua_test_make_temp_dir ("motcua-digitize-XXXXXX");
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  motcua_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

/* Left part dark, right part light: which way up it ends in the PDF is then visible. */
static GdkPixbuf *
make_picture (int width, int height, gboolean alpha)
{
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, alpha, 8, width, height);
  int channels = gdk_pixbuf_get_n_channels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  guchar *pixels = gdk_pixbuf_get_pixels (pixbuf);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guchar *p = pixels + y * stride + x * channels;
        guchar level = x < width / 2 ? 0 : 200;

        p[0] = p[1] = p[2] = level;
        if (alpha)
          p[3] = 255;
      }
  return pixbuf;
}

static char *
save_picture (Fixture *fixture, const char *name, GdkPixbuf *pixbuf, const char *type)
{
  char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  if (g_str_equal (type, "jpeg"))
    gdk_pixbuf_save (pixbuf, path, type, &error, "quality", "95", NULL);
  else
    gdk_pixbuf_save (pixbuf, path, type, &error, NULL);
  g_assert_no_error (error);
  return path;
}

/* gdk-pixbuf cannot write EXIF, so the orientation tag a phone would add is spliced in
 * after the JPEG's start marker by hand. */
static char *
save_jpeg_with_orientation (Fixture *fixture, const char *name, GdkPixbuf *pixbuf, int orientation)
{
  g_autofree char *plain = save_picture (fixture, "plain.jpg", pixbuf, "jpeg");
  char *path = g_build_filename (fixture->dir, name, NULL);
  const guchar app1[] = {
    0xff, 0xe1, 0x00, 34,
    'E', 'x', 'i', 'f', 0, 0,
    'M', 'M', 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08,     /* big-endian TIFF, IFD at 8 */
    0x00, 0x01,                                       /* one entry */
    0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01,   /* Orientation, SHORT, 1 value */
    0x00, (guchar) orientation, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00,                           /* no next IFD */
  };
  g_autofree char *contents = NULL;
  gsize length;
  g_autoptr(GByteArray) out = g_byte_array_new ();

  g_assert_true (g_file_get_contents (plain, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 2);
  g_byte_array_append (out, (const guint8 *) contents, 2);
  g_byte_array_append (out, app1, sizeof app1);
  g_byte_array_append (out, (const guint8 *) contents + 2, length - 2);
  motcua_test_write_file (path, out->data, out->len);
  g_unlink (plain);
  return path;
}

static PopplerDocument *
open_pdf (const char *path)
{
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
  g_autoptr(GError) error = NULL;
  PopplerDocument *document = poppler_document_new_from_file (uri, NULL, &error);

  g_assert_no_error (error);
  return document;
}

/* Grey level (0–255) of the page at (x, y) in points. */
static int
page_grey_at (PopplerDocument *document, int index, double x, double y)
{
  PopplerPage *page = poppler_document_get_page (document, index);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) A4_WIDTH, (int) A4_HEIGHT);
  cairo_t *cr = cairo_create (surface);
  guint32 pixel;

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  poppler_page_render (page, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  pixel = *(guint32 *) (gpointer) (cairo_image_surface_get_data (surface) +
                                   (int) y * cairo_image_surface_get_stride (surface) + (int) x * 4);
  cairo_surface_destroy (surface);
  g_object_unref (page);
  return (pixel >> 8) & 0xff;
}

/* PDFs hold NUL bytes, which stop the string functions. */
static gboolean
bytes_contain (const char *bytes, gsize length, const char *needle)
{
  gsize needle_length = strlen (needle);

  for (gsize i = 0; i + needle_length <= length; i++)
    if (memcmp (bytes + i, needle, needle_length) == 0)
      return TRUE;
  return FALSE;
}

static int
count_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  int n = 0;

  while (d != NULL && g_dir_read_name (d) != NULL)
    n++;
  return n;
}

static void
test_three_images (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GdkPixbuf) landscape = make_picture (400, 300, FALSE);
  g_autoptr(GdkPixbuf) portrait = make_picture (300, 500, FALSE);
  g_autoptr(GdkPixbuf) with_alpha = make_picture (200, 200, TRUE);
  g_autofree char *png = save_picture (fixture, "one.png", landscape, "png");
  g_autofree char *jpeg = save_picture (fixture, "two.jpg", portrait, "jpeg");
  g_autofree char *png_alpha = save_picture (fixture, "three.png", with_alpha, "png");
  g_autofree char *pdf = g_build_filename (fixture->dir, "scan.pdf", NULL);
  const char *images[] = { png, jpeg, png_alpha, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;
  PopplerDocument *document;

  g_assert_true (motcua_digitize_images (images, pdf, &error));
  g_assert_no_error (error);

  document = open_pdf (pdf);
  g_assert_cmpint (poppler_document_get_n_pages (document), ==, 3);
  for (int i = 0; i < 3; i++)
    {
      PopplerPage *page = poppler_document_get_page (document, i);
      double width, height;

      poppler_page_get_size (page, &width, &height);
      g_assert_cmpfloat_with_epsilon (width, A4_WIDTH, 0.5);
      g_assert_cmpfloat_with_epsilon (height, A4_HEIGHT, 0.5);
      g_object_unref (page);
    }
  /* The margin is paper; the picture's dark half is where it belongs. */
  g_assert_cmpint (page_grey_at (document, 0, 10, 10), >, 240);
  g_assert_cmpint (page_grey_at (document, 0, 100, A4_HEIGHT / 2), <, 30);
  g_assert_cmpint (page_grey_at (document, 0, A4_WIDTH - 100, A4_HEIGHT / 2), >, 170);
  g_object_unref (document);

  /* The JPEG went in as it was, not re-encoded as a much larger bitmap. */
  g_assert_true (g_file_get_contents (pdf, &contents, &length, NULL));
  g_assert_true (bytes_contain (contents, length, "/DCTDecode"));
  /* And nothing was left beside it. */
  g_assert_cmpint (count_files (fixture->dir), ==, 4);
}

static void
test_exif_orientation (Fixture *fixture, gconstpointer data)
{
  /* Stored sideways (wide), to be turned a quarter clockwise: the dark left half ends up
   * at the top of an upright, tall picture. */
  g_autoptr(GdkPixbuf) sideways = make_picture (200, 100, FALSE);
  g_autofree char *jpeg = save_jpeg_with_orientation (fixture, "phone.jpg", sideways, 6);
  g_autofree char *pdf = g_build_filename (fixture->dir, "phone.pdf", NULL);
  const char *images[] = { jpeg, NULL };
  g_autoptr(GError) error = NULL;
  PopplerDocument *document;

  g_assert_true (motcua_digitize_images (images, pdf, &error));
  g_assert_no_error (error);
  document = open_pdf (pdf);
  g_assert_cmpint (poppler_document_get_n_pages (document), ==, 1);
  g_assert_cmpint (page_grey_at (document, 0, A4_WIDTH / 2, 100), <, 30);
  g_assert_cmpint (page_grey_at (document, 0, A4_WIDTH / 2, A4_HEIGHT - 100), >, 170);
  /* Upright it is narrower than the page, so the sides are paper. */
  g_assert_cmpint (page_grey_at (document, 0, 40, A4_HEIGHT / 2), >, 240);
  g_object_unref (document);
}

static void
test_not_an_image (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GdkPixbuf) picture = make_picture (100, 100, FALSE);
  g_autofree char *png = save_picture (fixture, "one.png", picture, "png");
  g_autofree char *text = g_build_filename (fixture->dir, "notes.jpg", NULL);
  g_autofree char *pdf = g_build_filename (fixture->dir, "scan.pdf", NULL);
  const char *images[] = { png, text, png, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  motcua_test_write_file (text, "Biên bản họp, not a picture", -1);
  /* A previous PDF at the destination must survive the failure untouched. */
  motcua_test_write_file (pdf, "previous", -1);

  g_assert_false (motcua_digitize_images (images, pdf, &error));
  g_assert_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "notes.jpg"));
  g_assert_true (g_file_get_contents (pdf, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "previous");
  g_assert_cmpint (count_files (fixture->dir), ==, 3);
}

static void
test_missing_and_empty (Fixture *fixture, gconstpointer data)
{
  g_autofree char *missing = g_build_filename (fixture->dir, "gone.png", NULL);
  g_autofree char *pdf = g_build_filename (fixture->dir, "scan.pdf", NULL);
  const char *images[] = { missing, NULL };
  const char *none[] = { NULL };
  g_autoptr(GError) error = NULL;

  g_assert_false (motcua_digitize_images (images, pdf, &error));
  g_assert_error (error, MOTCUA_ERROR, MOTCUA_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_false (motcua_digitize_images (none, pdf, &error));
  g_assert_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT);
  g_assert_false (g_file_test (pdf, G_FILE_TEST_EXISTS));
  g_assert_cmpint (count_files (fixture->dir), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/digitize/three-images", Fixture, NULL, fixture_set_up, test_three_images, fixture_tear_down);
  g_test_add ("/digitize/exif-orientation", Fixture, NULL, fixture_set_up, test_exif_orientation, fixture_tear_down);
  g_test_add ("/digitize/not-an-image", Fixture, NULL, fixture_set_up, test_not_an_image, fixture_tear_down);
  g_test_add ("/digitize/missing-and-empty", Fixture, NULL, fixture_set_up, test_missing_and_empty, fixture_tear_down);

  return g_test_run ();
}
