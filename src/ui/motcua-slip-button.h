/* motcua-slip-button.h: the "Print slip" menu of a dossier.
 *
 * Offers the standard slips the dossier's history calls for (the receipt once it was
 * received, the supplement request, the refusal, the apology, the process-control slip),
 * each to print (print dialog with preview and printer choice) or to save as PDF. */
#pragma once

#include <gtk/gtk.h>

#include "motcua-store.h"

G_BEGIN_DECLS

#define MOTCUA_TYPE_SLIP_BUTTON (motcua_slip_button_get_type ())
G_DECLARE_FINAL_TYPE (MotcuaSlipButton, motcua_slip_button, MOTCUA, SLIP_BUTTON, GtkWidget)

GtkWidget  *motcua_slip_button_new         (void);
/* The dossier whose slips are offered; @code NULL offers none. */
void        motcua_slip_button_set_dossier (MotcuaSlipButton  *self,
                                            MotcuaStore       *store,
                                            const char        *code);
/* Opens the menu, as a click does (the window's Ctrl+P); FALSE when it offers nothing. */
gboolean    motcua_slip_button_popup       (MotcuaSlipButton  *self);
/* The ids of the forms offered now ("01", …); for tests and assistive tools. */
GStrv       motcua_slip_button_get_forms   (MotcuaSlipButton  *self);
/* What "Save as PDF…" does once a file is chosen. */
gboolean    motcua_slip_button_export      (MotcuaSlipButton  *self,
                                            const char        *form,
                                            const char        *path,
                                            GError           **error);

G_END_DECLS
