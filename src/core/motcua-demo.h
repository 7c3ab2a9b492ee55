/* motcua-demo.h: a demo agency and realistic invented dossiers.
 *
 * Demo data goes through the same journal and fold as real work, so everything a
 * clerk sees in a demo is something the real workflow could have produced.
 */
#pragma once

#include "motcua-store.h"

G_BEGIN_DECLS

/* The demo catalog, demo staff (clerk1, clerk2, specialist1, supervisor1) and clerk1 as
 * the signed-in user. The agency must already be set. */
gboolean motcua_demo_setup    (MotcuaStore *store,
                               GError     **error);
/* The documented demo PIN (README, "Run"): with motcua_demo_set_passwords() every user
 * of a demo profile signs in with it. */
#define MOTCUA_DEMO_PIN "123456"
gboolean motcua_demo_set_passwords (MotcuaStore *store,
                                    GError     **error);
/* @n_dossiers dossiers received over the year before now, in every status, with a
 * realistic mix of channels, procedures, supplements, apologies and late ones. */
gboolean motcua_demo_generate (MotcuaStore *store,
                               guint        n_dossiers,
                               guint32      seed,
                               GError     **error);

G_END_DECLS
