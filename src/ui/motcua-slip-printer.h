/* motcua-slip-printer.h: printing a slip through GtkPrintOperation.
 *
 * The same pages the CLI writes to PDF (motcua-slip-document.h), sent to a printer
 * through the print dialog (printer choice, copies, preview) or exported to a PDF file.
 * The settings the clerk chose are kept for next time (motcua-print-settings.h). */
#pragma once

#include <gtk/gtk.h>

#include "motcua-slip-document.h"
#include "motcua-store.h"

G_BEGIN_DECLS

typedef struct {
  char *id;     /* "01" */
  char *name;   /* "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" */
} MotcuaSlipChoice;

void                motcua_slip_choice_free        (MotcuaSlipChoice *choice);

/* The forms of the workstation's set that the dossier's history calls for, in the
 * set's order (MotcuaSlipChoice). */
GPtrArray          *motcua_slip_printer_list_forms (MotcuaStore             *store,
                                                    const char              *code,
                                                    GError                 **error);
/* Form @form of the dossier @code, laid out. */
MotcuaSlipDocument *motcua_slip_printer_prepare    (MotcuaStore             *store,
                                                    const char              *code,
                                                    const char              *form,
                                                    GError                 **error);
/* The tracking register (Form 06) of the dossiers received from @from to @to. */
MotcuaSlipDocument *motcua_slip_printer_prepare_register (MotcuaStore       *store,
                                                    GDate                   *from,
                                                    GDate                   *to,
                                                    GError                 **error);
/* PRINT_DIALOG shows the dialog and returns at once (errors then go to a dialog on
 * @parent); EXPORT writes @export_filename and returns when it is written. */
gboolean            motcua_slip_printer_run        (GtkWindow               *parent,
                                                    MotcuaSlipDocument      *document,
                                                    GtkPrintOperationAction  action,
                                                    const char              *export_filename,
                                                    GError                 **error);

G_END_DECLS
