/* motcua-print-settings.h: the printer, paper and copies the clerk chose last.
 *
 * Kept as a key file at $XDG_CONFIG_HOME/motcua/print-settings.ini with GTK's "Print
 * Settings" and "Page Setup" groups, so the next slip goes to the same printer without
 * asking twice. The print dialog saves the first group, the Preferences window either;
 * each save keeps the other group as it was. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

char             *motcua_print_settings_get_path        (void);
/* The saved settings, or fresh ones when there are none or the file is unreadable. */
GtkPrintSettings *motcua_print_settings_load            (void);
gboolean          motcua_print_settings_save            (GtkPrintSettings  *settings,
                                                         GError           **error);
/* The saved page setup, or A4 portrait with the paper's default margins. */
GtkPageSetup     *motcua_print_settings_load_page_setup (void);
gboolean          motcua_print_settings_save_page_setup (GtkPageSetup      *page_setup,
                                                         GError           **error);
/* Both groups at once; a NULL one stays as it was saved. */
gboolean          motcua_print_settings_save_full       (GtkPrintSettings  *settings,
                                                         GtkPageSetup      *page_setup,
                                                         GError           **error);

G_END_DECLS
