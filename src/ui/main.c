/* main.c: motcua-desk, the workstation window. */

#include <glib/gi18n.h>
#include <locale.h>

#include "motcua-application.h"

int
main (int argc, char **argv)
{
  g_autoptr(MotcuaApplication) app = NULL;
  const char *localedir = g_getenv ("MOTCUA_LOCALEDIR");

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
