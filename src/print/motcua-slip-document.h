/* motcua-slip-document.h: a filled-in slip, laid out on A4 pages.
 *
 * The template's blocks are laid out once, top to bottom, breaking pages where needed
 * (tables repeat their header row); every page can then be drawn on any cairo context:
 * a PDF file, a printer's page from GtkPrintOperation, a preview. Coordinates are in
 * points, the page's top left corner at 0,0. Text is set in Liberation Serif (metric
 * compatible with Times New Roman, the font of Vietnamese official documents) through
 * Pango, so Vietnamese stacked diacritics are shaped correctly and PDFs embed the font.
 */
#pragma once

#include <cairo.h>
#include <pango/pango.h>
#include <glib-object.h>

#include "motcua-slip-data.h"
#include "motcua-slip-template.h"

G_BEGIN_DECLS

#define MOTCUA_TYPE_SLIP_DOCUMENT (motcua_slip_document_get_type ())
G_DECLARE_FINAL_TYPE (MotcuaSlipDocument, motcua_slip_document, MOTCUA, SLIP_DOCUMENT, GObject)

/* Lays out @form of @set filled with @data. */
MotcuaSlipDocument *motcua_slip_document_new        (MotcuaSlipSet      *set,
                                                     const char         *form,
                                                     MotcuaSlipData     *data,
                                                     GError            **error);
guint               motcua_slip_document_get_n_pages (MotcuaSlipDocument *self);
/* A4 in points, turned for a landscape form. */
void                motcua_slip_document_get_page_size (MotcuaSlipDocument *self,
                                                     double             *width,
                                                     double             *height);
gboolean            motcua_slip_document_is_landscape (MotcuaSlipDocument *self);
void                motcua_slip_document_draw_page  (MotcuaSlipDocument *self,
                                                     cairo_t            *cr,
                                                     guint               page);
gboolean            motcua_slip_document_write_pdf  (MotcuaSlipDocument *self,
                                                     const char         *path,
                                                     GError            **error);

/* A Pango context for paper: unhinted metrics in points, so the same lines break alike
 * in PDF, on a printer and on screen. */
PangoContext       *motcua_print_pango_context_new  (void);
/* Finishes and destroys the PDF surface that writes @path; FALSE with a
 * MOTCUA_ERROR_IO that names the file when it could not be written. */
gboolean            motcua_print_close_pdf          (cairo_surface_t    *surface,
                                                     const char         *path,
                                                     GError            **error);

G_END_DECLS
