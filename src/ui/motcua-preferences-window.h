/* motcua-preferences-window.h: the workstation's preferences.
 *
 * Office (the agency's identity and working hours, in the database), server (address,
 * certificate authority, re-enrolment; where the device token is kept), signing
 * (PKCS#11 module, trust anchors), printing (printer and paper, in
 * $XDG_CONFIG_HOME/motcua/print-settings.ini, which the slips read), security and data
 * (inactivity lock, retention, language). Blocking work (registration, the keyring's
 * D-Bus) runs in worker threads.
 */
#pragma once

#include <adwaita.h>

#include "motcua-store.h"

G_BEGIN_DECLS

#define MOTCUA_TYPE_PREFERENCES_WINDOW (motcua_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (MotcuaPreferencesWindow, motcua_preferences_window, MOTCUA, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

/* Signals: "office-changed" (the agency or its hours were saved), "server-changed"
 * (registered with a server), both without arguments. */
MotcuaPreferencesWindow *motcua_preferences_window_new         (GtkWindow               *parent,
                                                                MotcuaStore             *store);
/* $XDG_CONFIG_HOME/motcua/print-settings.ini: a GtkPrintSettings and a GtkPageSetup
 * key file (groups "Print Settings" and "Page Setup"). */
char                    *motcua_preferences_print_settings_path (void);

G_END_DECLS
