#pragma once
#include "motcua-store.h"
G_BEGIN_DECLS
gboolean motcua_demo_setup (MotcuaStore *store, GError **error);
gboolean motcua_demo_generate (MotcuaStore *store, guint n_dossiers, guint32 seed, GError **error);
G_END_DECLS
