/* motcua-print-settings.h: the printer, paper and copies the clerk chose last.
 *
 * Kept as a GtkPrintSettings key file at $XDG_CONFIG_HOME/motcua/print-settings.ini, so
 * the next slip goes to the same printer without asking twice; the Preferences window
 * edits the same file. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

char             *motcua_print_settings_get_path (void);
/* The saved settings, or fresh ones when there are none or the file is unreadable. */
GtkPrintSettings *motcua_print_settings_load     (void);
gboolean          motcua_print_settings_save     (GtkPrintSettings  *settings,
                                                  GError           **error);

G_END_DECLS
