/* motcua-sync-indicator.h: the header bar's view of the sync engine. */

#pragma once

#include <gtk/gtk.h>

#include "motcua-sync.h"

G_BEGIN_DECLS

#define MOTCUA_TYPE_SYNC_INDICATOR (motcua_sync_indicator_get_type ())

G_DECLARE_FINAL_TYPE (MotcuaSyncIndicator, motcua_sync_indicator, MOTCUA, SYNC_INDICATOR, GtkWidget)

GtkWidget  *motcua_sync_indicator_new        (void);
void        motcua_sync_indicator_set_sync   (MotcuaSyncIndicator *self,
                                              MotcuaSync          *sync);
/* The one-line state the button shows ("Offline · 3 waiting"), for tests. */
const char *motcua_sync_indicator_get_summary (MotcuaSyncIndicator *self);

G_END_DECLS
