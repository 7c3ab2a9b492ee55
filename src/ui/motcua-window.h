/* motcua-window.h: the main window: queue | dossier editor | PDF viewer. */
#pragma once

#include <adwaita.h>

#include "motcua-application.h"
#include "motcua-store.h"

G_BEGIN_DECLS

#define MOTCUA_TYPE_WINDOW (motcua_window_get_type ())
G_DECLARE_FINAL_TYPE (MotcuaWindow, motcua_window, MOTCUA, WINDOW, AdwApplicationWindow)

/* @store may be NULL when it could not be opened; @open_error then says why, and the
 * window shows it instead of the panes. */
MotcuaWindow *motcua_window_new              (GtkApplication    *app,
                                              MotcuaStore       *store,
                                              const GError      *open_error);
/* Opens @code in the editor (and selects it in the queue when it is listed). */
void          motcua_window_open_dossier     (MotcuaWindow      *self,
                                              const char        *code);
void          motcua_window_show_toast       (MotcuaWindow      *self,
                                              const char        *message);
/* Writes a backup of the profile to @path in a worker thread, as "Back Up This
 * Workstation…" does once a file is chosen; a toast tells the outcome. */
void          motcua_window_back_up          (MotcuaWindow      *self,
                                              const char        *path);
/* The menu's restore, once a file is chosen: inspects it, asks, then restores. */
void          motcua_window_restore_from     (MotcuaWindow      *self,
                                              const char        *path);
/* Hides the dossiers behind the unlock page of the signed-in user, as inactivity
 * (the lock-after-minutes setting) and "Lock" do. */
void          motcua_window_lock             (MotcuaWindow      *self);
gboolean      motcua_window_is_locked        (MotcuaWindow      *self);
/* The inactivity check the window runs twice a minute, as if it were @now (monotonic
 * µs): locks when the last input is lock-after-minutes old (0 never locks). */
void          motcua_window_check_idle       (MotcuaWindow      *self,
                                              gint64             now);

/* The panes, for tests and the screenshot tool. */
GtkWidget    *motcua_window_get_queue_pane   (MotcuaWindow      *self);
GtkWidget    *motcua_window_get_editor       (MotcuaWindow      *self);
GtkWidget    *motcua_window_get_pdf_view     (MotcuaWindow      *self);

G_END_DECLS
