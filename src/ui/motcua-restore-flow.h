/* motcua-restore-flow.h: restoring a backup from the window.
 *
 * Inspects the chosen file (off the main thread) and shows what it holds, asks before
 * replacing the profile (saying how many events the server has not accepted yet, which
 * then stay only in the copy kept aside), has the window let go of the profile, waits
 * until no connection holds it, restores, and has the window open the profile again,
 * whether the restore succeeded or not. A damaged or foreign file is refused with the
 * reason, and the profile is never touched.
 */
#pragma once

#include <adwaita.h>

#include "motcua-store.h"

G_BEGIN_DECLS

typedef struct {
  /* Drop every reference to the profile's store, stop syncing. */
  void (*release) (gpointer user_data);
  /* Open the profile at @path again (restored or not). */
  void (*reopen)  (gpointer user_data,
                   const char *path);
} MotcuaRestoreHooks;

/* @store: the current profile (for its path and its pending events); not kept.
 * @user_data must outlive the flow (the window does: the flow's dialogs are modal
 * to it). */
void motcua_restore_flow_start (GtkWindow                *parent,
                                MotcuaStore              *store,
                                const char               *backup_path,
                                const MotcuaRestoreHooks *hooks,
                                gpointer                  user_data);

G_END_DECLS
