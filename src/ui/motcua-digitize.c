/* motcua-digitize.c: "digitise paper": the pages a clerk scanned or photographed become one
 * PDF attachment, one A4 page per image.
 *
 * JPEG scans keep their compressed bytes (cairo embeds them as they are), so a dossier of
 * phone photos stays the size of the photos instead of growing tenfold. The PDF is written
 * beside its destination and renamed into place only when complete: a failure, such as a
 * file that is not an image, leaves no partial PDF behind.
 */

#include <glib/gi18n-lib.h>
#include <cairo-pdf.h>
#include <errno.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <string.h>

#include "motcua-digitize.h"
#include "motcua-error.h"

/* ISO A4 in PostScript points, and a margin that printers do not crop (10 mm). */
#define A4_WIDTH   (210.0 / 25.4 * 72.0)
#define A4_HEIGHT  (297.0 / 25.4 * 72.0)
#define MARGIN     (10.0 / 25.4 * 72.0)

typedef struct {
  GdkPixbuf *pixbuf;       /* as stored, before EXIF orientation */
  GBytes    *jpeg;         /* the file's bytes when it is a JPEG cairo can embed */
  int        orientation;  /* EXIF 1–8 */
} ScannedImage;

static void
scanned_image_clear (ScannedImage *image)
{
  g_clear_object (&image->pixbuf);
  g_clear_pointer (&image->jpeg, g_bytes_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ScannedImage, scanned_image_clear)

static gboolean
is_jpeg (GBytes *bytes)
{
  gsize size;
  const guchar *data = g_bytes_get_data (bytes, &size);

  return size > 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff;
}

static gboolean
load_image (const char *path, ScannedImage *image, GError **error)
{
  g_autofree char *name = g_filename_display_basename (path);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkPixbufLoader) loader = NULL;
  GdkPixbufFormat *format;
  g_autofree char *format_name = NULL;
  const char *orientation;
  char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, MOTCUA_ERROR,
                   g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT)
                   ? MOTCUA_ERROR_NOT_FOUND : MOTCUA_ERROR_IO,
                   _("The scanned page “%s” could not be read: %s"), name, local_error->message);
      return FALSE;
    }
  bytes = g_bytes_new_take (contents, length);

  /* Loading from the bytes already read gives the format and the pixels in one pass. */
  loader = gdk_pixbuf_loader_new ();
  if (!gdk_pixbuf_loader_write_bytes (loader, bytes, &local_error) ||
      !gdk_pixbuf_loader_close (loader, &local_error) ||
      gdk_pixbuf_loader_get_pixbuf (loader) == NULL)
    {
      g_debug ("%s is not an image: %s", path, local_error != NULL ? local_error->message : "no pixels");
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                   _("“%s” is not a JPEG or PNG image, or it is damaged"), name);
      return FALSE;
    }

  format = gdk_pixbuf_loader_get_format (loader);
  format_name = format != NULL ? gdk_pixbuf_format_get_name (format) : NULL;
  if (g_strcmp0 (format_name, "jpeg") != 0 && g_strcmp0 (format_name, "png") != 0)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                   _("“%s” is not a JPEG or PNG image, or it is damaged"), name);
      return FALSE;
    }

  image->pixbuf = g_object_ref (gdk_pixbuf_loader_get_pixbuf (loader));
  orientation = gdk_pixbuf_get_option (image->pixbuf, "orientation");
  image->orientation = orientation != NULL ? (int) g_ascii_strtoll (orientation, NULL, 10) : 1;
  if (image->orientation < 1 || image->orientation > 8)
    image->orientation = 1;
  if (g_str_equal (format_name, "jpeg") && is_jpeg (bytes))
    image->jpeg = g_bytes_ref (bytes);
  return TRUE;
}

/* Cairo wants premultiplied native-endian ARGB; gdk-pixbuf gives straight RGB(A) bytes. */
static cairo_surface_t *
surface_from_pixbuf (GdkPixbuf *pixbuf)
{
  int width = gdk_pixbuf_get_width (pixbuf);
  int height = gdk_pixbuf_get_height (pixbuf);
  int channels = gdk_pixbuf_get_n_channels (pixbuf);
  int src_stride = gdk_pixbuf_get_rowstride (pixbuf);
  const guchar *src = gdk_pixbuf_read_pixels (pixbuf);
  gboolean alpha = gdk_pixbuf_get_has_alpha (pixbuf);
  cairo_surface_t *surface = cairo_image_surface_create (alpha ? CAIRO_FORMAT_ARGB32 : CAIRO_FORMAT_RGB24,
                                                         width, height);
  guchar *dest;
  int dest_stride;

  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    return surface;
  cairo_surface_flush (surface);
  dest = cairo_image_surface_get_data (surface);
  dest_stride = cairo_image_surface_get_stride (surface);
  for (int y = 0; y < height; y++)
    {
      const guchar *s = src + (gsize) y * src_stride;
      guint32 *d = (guint32 *) (gpointer) (dest + (gsize) y * dest_stride);

      for (int x = 0; x < width; x++, s += channels)
        {
          guint a = alpha ? s[3] : 0xff;

          d[x] = (a << 24) |
                 (((s[0] * a + 127) / 255) << 16) |
                 (((s[1] * a + 127) / 255) << 8) |
                 ((s[2] * a + 127) / 255);
        }
    }
  cairo_surface_mark_dirty (surface);
  return surface;
}

/* The matrix that turns the stored picture (@width × @height) upright, for each EXIF
 * orientation, and the upright size. Done as a transform rather than by rotating pixels
 * so the JPEG bytes can still be embedded unchanged. */
static void
orientation_matrix (int orientation, double width, double height,
                    cairo_matrix_t *matrix, double *upright_width, double *upright_height)
{
  gboolean sideways = orientation >= 5;

  *upright_width = sideways ? height : width;
  *upright_height = sideways ? width : height;
  switch (orientation)
    {
    case 2: cairo_matrix_init (matrix, -1, 0, 0, 1, width, 0); break;
    case 3: cairo_matrix_init (matrix, -1, 0, 0, -1, width, height); break;
    case 4: cairo_matrix_init (matrix, 1, 0, 0, -1, 0, height); break;
    case 5: cairo_matrix_init (matrix, 0, 1, 1, 0, 0, 0); break;
    case 6: cairo_matrix_init (matrix, 0, 1, -1, 0, height, 0); break;
    case 7: cairo_matrix_init (matrix, 0, -1, -1, 0, height, width); break;
    case 8: cairo_matrix_init (matrix, 0, -1, 1, 0, 0, width); break;
    default: cairo_matrix_init_identity (matrix); break;
    }
}

static gboolean
draw_page (cairo_t *cr, ScannedImage *image, GError **error)
{
  double width = gdk_pixbuf_get_width (image->pixbuf);
  double height = gdk_pixbuf_get_height (image->pixbuf);
  double upright_width, upright_height, scale;
  cairo_matrix_t orient;
  cairo_surface_t *surface = surface_from_pixbuf (image->pixbuf);

  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (surface);
      g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                           _("A scanned page is too large to be put into a PDF"));
      return FALSE;
    }
  if (image->jpeg != NULL)
    cairo_surface_set_mime_data (surface, CAIRO_MIME_TYPE_JPEG,
                                 g_bytes_get_data (image->jpeg, NULL), g_bytes_get_size (image->jpeg),
                                 (cairo_destroy_func_t) g_bytes_unref, g_bytes_ref (image->jpeg));

  orientation_matrix (image->orientation, width, height, &orient, &upright_width, &upright_height);
  /* Fit inside the margins, centred, whatever the resolution the scanner used. */
  scale = MIN ((A4_WIDTH - 2 * MARGIN) / upright_width, (A4_HEIGHT - 2 * MARGIN) / upright_height);

  cairo_save (cr);
  cairo_translate (cr, (A4_WIDTH - upright_width * scale) / 2, (A4_HEIGHT - upright_height * scale) / 2);
  cairo_scale (cr, scale, scale);
  cairo_transform (cr, &orient);
  cairo_set_source_surface (cr, surface, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);
  cairo_restore (cr);
  cairo_surface_destroy (surface);
  cairo_show_page (cr);
  return TRUE;
}

static gboolean
write_pdf (const char * const *image_paths, const char *tmp_path, GError **error)
{
  cairo_surface_t *pdf = cairo_pdf_surface_create (tmp_path, A4_WIDTH, A4_HEIGHT);
  cairo_t *cr = cairo_create (pdf);
  gboolean ok = TRUE;
  cairo_status_t status;

  cairo_pdf_surface_set_metadata (pdf, CAIRO_PDF_METADATA_CREATOR, "Motcua Desk");
  /* One image in memory at a time: a dossier may have dozens of 12-megapixel photos. */
  for (gsize i = 0; ok && image_paths[i] != NULL; i++)
    {
      g_auto(ScannedImage) image = { NULL, NULL, 1 };

      ok = load_image (image_paths[i], &image, error) && draw_page (cr, &image, error);
    }

  cairo_destroy (cr);
  cairo_surface_finish (pdf);
  status = cairo_surface_status (pdf);
  cairo_surface_destroy (pdf);
  if (ok && status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, MOTCUA_ERROR,
                   status == CAIRO_STATUS_WRITE_ERROR ? MOTCUA_ERROR_DISK_FULL : MOTCUA_ERROR_IO,
                   _("The PDF could not be written: %s"), cairo_status_to_string (status));
      ok = FALSE;
    }
  return ok;
}

gboolean
motcua_digitize_images (const char * const *image_paths, const char *pdf_path, GError **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *tmp_path = NULL;
  g_autofree char *base = NULL;
  int fd;

  g_return_val_if_fail (pdf_path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (image_paths == NULL || image_paths[0] == NULL)
    {
      g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                           _("Choose at least one scanned page"));
      return FALSE;
    }

  /* Beside the destination, so the final rename stays on one file system and is atomic. */
  dir = g_path_get_dirname (pdf_path);
  base = g_path_get_basename (pdf_path);
  tmp_path = g_strdup_printf ("%s%c.%s.XXXXXX", dir, G_DIR_SEPARATOR, base);
  fd = g_mkstemp (tmp_path);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_IO,
                   _("The PDF could not be created: %s"), g_strerror (saved_errno));
      return FALSE;
    }
  g_close (fd, NULL);

  if (!write_pdf (image_paths, tmp_path, error))
    {
      g_unlink (tmp_path);
      return FALSE;
    }
  if (g_rename (tmp_path, pdf_path) != 0)
    {
      int saved_errno = errno;

      g_unlink (tmp_path);
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_IO,
                   _("The PDF could not be saved: %s"), g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}
