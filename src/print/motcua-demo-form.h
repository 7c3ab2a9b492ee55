/* motcua-demo-form.h: the demo's paper, an applicant's signed request form.
 *
 * What a demo dossier carries as its attachments, so that the viewer pane, its search
 * and its thumbnails have something to show: a request form filled in by hand and
 * signed, with a photocopy of the applicant's citizen ID card, and, once drafted, the
 * draft of the result a leader approves. Every person in it
 * is invented by the demo (motcua-demo-names.h). Like the slips, the paper is Vietnamese
 * whatever the interface's language, so its words are not translated.
 */
#pragma once

#include "motcua-demo.h"

G_BEGIN_DECLS

/* Writes @form as an A4 PDF at @path: a request form on two pages (the form, the ID
 * card's copy), a draft result on one. A MotcuaDemoScanner: @user_data is unused. */
gboolean motcua_demo_form_write_pdf (const MotcuaDemoForm *form,
                                     const char           *path,
                                     gpointer              user_data,
                                     GError              **error);

G_END_DECLS
