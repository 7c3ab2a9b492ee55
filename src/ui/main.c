/* main.c: motcua-desk, the workstation window. */

#include <glib/gi18n.h>
#include <locale.h>

#include "motcua-application.h"

/* The "language" preference chooses the translation at start, before gettext reads
 * LANGUAGE; empty follows the system. Looked up softly: a missing schema is no reason
 * not to start. */
static void
apply_language_preference (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = source ? g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE) : NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *language = NULL;

  if (schema == NULL || !g_settings_schema_has_key (schema, "language"))
    return;
  settings = g_settings_new_full (schema, NULL, NULL);
  language = g_settings_get_string (settings, "language");
  if (language != NULL && *language != '\0')
    g_setenv ("LANGUAGE", language, TRUE);
}

int
main (int argc, char **argv)
{
  g_autoptr(MotcuaApplication) app = NULL;
  const char *localedir = g_getenv ("MOTCUA_LOCALEDIR");

  apply_language_preference ();
  /* In the window, whoever signed in acts: the command line's MOTCUA_USER must not
   * speak for them. */
  g_unsetenv ("MOTCUA_USER");
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir && *localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = motcua_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
