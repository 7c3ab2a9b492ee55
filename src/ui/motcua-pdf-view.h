/* motcua-pdf-view.h: scanned documents beside the dossier: PDF through poppler (one
 * worker thread owns the document and renders pages lazily), and images. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define MOTCUA_TYPE_PDF_VIEW (motcua_pdf_view_get_type ())
G_DECLARE_FINAL_TYPE (MotcuaPdfView, motcua_pdf_view, MOTCUA, PDF_VIEW, GtkWidget)

/* Actions installed on the widget: pdf.zoom-in, pdf.zoom-out, pdf.fit-width, pdf.fit-page,
 * pdf.rotate, pdf.next-page, pdf.previous-page, pdf.find.
 * Also pdf.set-zoom (double), pdf.rotate-left, pdf.find-next, pdf.find-previous and
 * pdf.show-thumbnails (stateful).
 * Properties: "n-pages" (int), "current-page" (int, 0-based), "error-message" (string, NULL
 * when the document opened), "loaded" (boolean, TRUE once the first page is painted).
 * Also "zoom" (double, 1.0 = 100 %, whatever the zoom mode), "rotation" (int, degrees
 * clockwise) and "show-thumbnails" (boolean). */
GtkWidget  *motcua_pdf_view_new               (void);
/* Opens a PDF or image file; errors show in the pane, never as a crash. */
void        motcua_pdf_view_load_file         (MotcuaPdfView *self,
                                               const char    *path,
                                               const char    *mime_type);
void        motcua_pdf_view_clear             (MotcuaPdfView *self);
/* Cleared, with its own words in the empty pane (NULL: "No Document Selected"). */
void        motcua_pdf_view_show_empty        (MotcuaPdfView *self,
                                               const char    *title,
                                               const char    *description);
int         motcua_pdf_view_get_n_pages       (MotcuaPdfView *self);
const char *motcua_pdf_view_get_error_message (MotcuaPdfView *self);

gboolean    motcua_pdf_view_get_loaded        (MotcuaPdfView *self);
int         motcua_pdf_view_get_current_page  (MotcuaPdfView *self);
void        motcua_pdf_view_set_current_page  (MotcuaPdfView *self,
                                               int            page);
double      motcua_pdf_view_get_zoom          (MotcuaPdfView *self);
/* A fixed zoom (1.0 = 100 %, 96 pixels per inch); the fit actions undo it. */
void        motcua_pdf_view_set_zoom          (MotcuaPdfView *self,
                                               double         zoom);
int         motcua_pdf_view_get_rotation      (MotcuaPdfView *self);
gboolean    motcua_pdf_view_get_show_thumbnails (MotcuaPdfView *self);
void        motcua_pdf_view_set_show_thumbnails (MotcuaPdfView *self,
                                                 gboolean       show);

/* Opens the find bar, empty, with focus in it; FALSE (and nothing done) when the view
 * holds no document with text to find: nothing loaded, or an image. */
gboolean    motcua_pdf_view_begin_find        (MotcuaPdfView *self);
/* Opens the find bar with @text and searches every page from the current one; the first
 * match is selected and scrolled to as soon as it is found. */
void        motcua_pdf_view_find              (MotcuaPdfView *self,
                                               const char    *text);
/* Matches found so far, and the page of the selected one (-1 when none). */
int         motcua_pdf_view_get_n_matches     (MotcuaPdfView *self);
int         motcua_pdf_view_get_match_page    (MotcuaPdfView *self);

/* For tests and benchmarks: pages (and thumbnails) the worker rendered since the file was
 * opened, which shows that pages out of view are left alone. */
int         motcua_pdf_view_get_n_rendered    (MotcuaPdfView *self);
int         motcua_pdf_view_get_n_thumbnails_rendered (MotcuaPdfView *self);

G_END_DECLS
