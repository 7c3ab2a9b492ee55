/* motcua-print-settings.c: print settings kept between sessions. */

#include <glib/gstdio.h>

#include "motcua-print-settings.h"

char *
motcua_print_settings_get_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "motcua", "print-settings.ini", NULL);
}

GtkPrintSettings *
motcua_print_settings_load (void)
{
  g_autofree char *path = motcua_print_settings_get_path ();
  g_autoptr(GError) error = NULL;
  GtkPrintSettings *settings;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return gtk_print_settings_new ();
  settings = gtk_print_settings_new_from_file (path, &error);
  if (settings == NULL)
    {
      /* A damaged file must not stop printing: the dialog asks again. */
      g_message ("Ignoring the print settings in %s: %s", path, error->message);
      return gtk_print_settings_new ();
    }
  return settings;
}

gboolean
motcua_print_settings_save (GtkPrintSettings *settings, GError **error)
{
  g_autofree char *path = motcua_print_settings_get_path ();
  g_autofree char *dir = g_path_get_dirname (path);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno), "%s: %s", dir, g_strerror (saved_errno));
      return FALSE;
    }
  return gtk_print_settings_to_file (settings, path, error);
}
