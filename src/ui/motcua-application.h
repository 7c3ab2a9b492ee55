/* motcua-application.h: the application: one store, one main window. */
#pragma once

#include <adwaita.h>

#include "motcua-store.h"

G_BEGIN_DECLS

#define MOTCUA_TYPE_APPLICATION (motcua_application_get_type ())
G_DECLARE_FINAL_TYPE (MotcuaApplication, motcua_application, MOTCUA, APPLICATION, AdwApplication)

MotcuaApplication *motcua_application_new       (void);
/* The database given with --db, $MOTCUA_DB, the "database" setting, or the default. */
MotcuaStore       *motcua_application_get_store (MotcuaApplication *self);
/* The window lets go of the profile (NULL) to restore a backup, then opens it again. */
void               motcua_application_set_store (MotcuaApplication *self,
                                                 MotcuaStore       *store);
/* Registers the UI resources; tests that build widgets without the app call it. */
void               motcua_ui_register_resources (void);

G_END_DECLS
