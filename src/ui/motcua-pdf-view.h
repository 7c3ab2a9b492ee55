/* motcua-pdf-view.h: scanned documents beside the dossier: PDF through poppler (one
 * worker thread owns the document and renders pages lazily), and images. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define MOTCUA_TYPE_PDF_VIEW (motcua_pdf_view_get_type ())
G_DECLARE_FINAL_TYPE (MotcuaPdfView, motcua_pdf_view, MOTCUA, PDF_VIEW, GtkWidget)

/* Actions installed on the widget: pdf.zoom-in, pdf.zoom-out, pdf.fit-width, pdf.fit-page,
 * pdf.rotate, pdf.next-page, pdf.previous-page, pdf.find.
 * Properties: "n-pages" (int), "current-page" (int, 0-based), "error-message" (string, NULL
 * when the document opened), "loaded" (boolean, TRUE once the first page is painted). */
GtkWidget  *motcua_pdf_view_new               (void);
/* Opens a PDF or image file; errors show in the pane, never as a crash. */
void        motcua_pdf_view_load_file         (MotcuaPdfView *self,
                                               const char    *path,
                                               const char    *mime_type);
void        motcua_pdf_view_clear             (MotcuaPdfView *self);
int         motcua_pdf_view_get_n_pages       (MotcuaPdfView *self);
const char *motcua_pdf_view_get_error_message (MotcuaPdfView *self);

G_END_DECLS
