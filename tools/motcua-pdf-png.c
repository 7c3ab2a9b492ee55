/* motcua-pdf-png: renders each page of a PDF to PREFIX-N.png with poppler, for
 * scripts/render-slips (no poppler-utils needed). */

#include <poppler.h>
#include <cairo.h>
#include <stdlib.h>

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  PopplerDocument *document;
  double dpi;

  if (argc != 4)
    {
      g_printerr ("Usage: motcua-pdf-png FILE.pdf PREFIX DPI\n");
      return 2;
    }
  dpi = g_ascii_strtod (argv[3], NULL);
  file = g_file_new_for_commandline_arg (argv[1]);
  if ((document = poppler_document_new_from_gfile (file, NULL, NULL, &error)) == NULL)
    {
      g_printerr ("%s: %s\n", argv[1], error->message);
      return 1;
    }
  for (int i = 0; i < poppler_document_get_n_pages (document); i++)
    {
      PopplerPage *page = poppler_document_get_page (document, i);
      g_autofree char *path = g_strdup_printf ("%s-%d.png", argv[2], i + 1);
      double width, height, scale = dpi / 72.0;
      cairo_surface_t *surface;
      cairo_t *cr;

      poppler_page_get_size (page, &width, &height);
      surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) (width * scale), (int) (height * scale));
      cr = cairo_create (surface);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_paint (cr);
      cairo_scale (cr, scale, scale);
      poppler_page_render_for_printing (page, cr);
      cairo_destroy (cr);
      g_object_unref (page);
      if (cairo_surface_write_to_png (surface, path) != CAIRO_STATUS_SUCCESS)
        {
          g_printerr ("Could not write %s\n", path);
          return 1;
        }
      cairo_surface_destroy (surface);
      g_print ("%s\n", path);
    }
  g_object_unref (document);
  return 0;
}
