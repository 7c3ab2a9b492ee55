/* motcua-first-run.h: the assistant of a workstation's first start.
 *
 * Three steps, nothing to edit by hand: connect to the ministry server (address,
 * enrolment code, optional certificate authority file) or start a demo office; the
 * agency (the server's, or the demo's chosen name and code); the first administrator.
 * A failed step leaves nothing half-made and can be retried; a workstation enrolled
 * but left before its administrator existed resumes at step 2.
 */
#pragma once

#include <adwaita.h>

#include "motcua-store.h"

G_BEGIN_DECLS

/* Where the demo looks for the local reference server (scripts/run starts it there);
 * MOTCUA_DEMO_SERVER overrides it. */
#define MOTCUA_FIRST_RUN_DEMO_SERVER "http://127.0.0.1:8470/"

#define MOTCUA_TYPE_FIRST_RUN (motcua_first_run_get_type ())

G_DECLARE_FINAL_TYPE (MotcuaFirstRun, motcua_first_run, MOTCUA, FIRST_RUN, AdwBin)

GtkWidget *motcua_first_run_new       (void);
/* Whether @store still needs the assistant: no agency, or nobody to sign in. */
gboolean   motcua_first_run_is_needed (MotcuaStore    *store);
/* Starts (or resumes) the assistant on @store. "finished" (user name) is emitted once
 * the administrator exists and is the workstation's current user. */
void       motcua_first_run_start     (MotcuaFirstRun *self,
                                       MotcuaStore    *store);

G_END_DECLS
