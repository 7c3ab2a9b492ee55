/* motcua-digitize.h: "digitise paper": scanned images combined into one PDF.
 *
 * Lives beside the window rather than in the core: it decodes images with gdk-pixbuf,
 * and the core stays free of the GTK stack. */
#pragma once
#include <glib.h>
G_BEGIN_DECLS
/* Writes one A4 page per image (JPEG/PNG) of @image_paths into @pdf_path, scaled to fit.
 * A file that is not an image gives a clear MOTCUA_ERROR_INVALID_INPUT and no PDF. */
gboolean motcua_digitize_images (const char * const *image_paths, const char *pdf_path, GError **error);
G_END_DECLS
