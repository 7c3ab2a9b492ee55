/* motcua-print-settings.c: print settings kept between sessions. */

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "motcua-print-settings.h"

char *
motcua_print_settings_get_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "motcua", "print-settings.ini", NULL);
}

/* The file as it is, or an empty key file when there is none or it is unreadable: a
 * damaged file must not stop printing, the dialog asks again. */
static GKeyFile *
load_key_file (void)
{
  g_autofree char *path = motcua_print_settings_get_path ();
  g_autoptr(GError) error = NULL;
  GKeyFile *key_file = g_key_file_new ();

  if (!g_key_file_load_from_file (key_file, path, G_KEY_FILE_KEEP_COMMENTS, &error)
      && !g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    {
      g_message ("Ignoring the print settings in %s: %s", path, error->message);
      g_key_file_free (key_file);
      key_file = g_key_file_new ();
    }
  return key_file;
}

static gboolean
save_key_file (GKeyFile *key_file, GError **error)
{
  g_autofree char *path = motcua_print_settings_get_path ();
  g_autofree char *dir = g_path_get_dirname (path);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno), _("Could not create %s"), dir);
      return FALSE;
    }
  return g_key_file_save_to_file (key_file, path, error);
}

GtkPrintSettings *
motcua_print_settings_load (void)
{
  g_autoptr(GKeyFile) key_file = load_key_file ();
  GtkPrintSettings *settings = gtk_print_settings_new_from_key_file (key_file, NULL, NULL);

  return settings != NULL ? settings : gtk_print_settings_new ();
}

gboolean
motcua_print_settings_save_full (GtkPrintSettings *settings, GtkPageSetup *page_setup, GError **error)
{
  g_autoptr(GKeyFile) key_file = load_key_file ();

  if (settings != NULL)
    gtk_print_settings_to_key_file (settings, key_file, NULL);
  if (page_setup != NULL)
    gtk_page_setup_to_key_file (page_setup, key_file, NULL);
  return save_key_file (key_file, error);
}

gboolean
motcua_print_settings_save (GtkPrintSettings *settings, GError **error)
{
  return motcua_print_settings_save_full (settings, NULL, error);
}

GtkPageSetup *
motcua_print_settings_load_page_setup (void)
{
  g_autoptr(GKeyFile) key_file = load_key_file ();
  GtkPageSetup *page_setup = gtk_page_setup_new_from_key_file (key_file, NULL, NULL);

  if (page_setup == NULL)
    {
      g_autoptr(GtkPaperSize) a4 = gtk_paper_size_new (GTK_PAPER_NAME_A4);

      page_setup = gtk_page_setup_new ();
      gtk_page_setup_set_paper_size_and_default_margins (page_setup, a4);
    }
  return page_setup;
}

gboolean
motcua_print_settings_save_page_setup (GtkPageSetup *page_setup, GError **error)
{
  return motcua_print_settings_save_full (NULL, page_setup, error);
}
