/* motcua-application.c: opening the profile and wiring the application's actions. */

#include <glib/gi18n.h>

#include "motcua-application.h"
#include "motcua-ui-resources.h"
#include "motcua-window.h"

struct _MotcuaApplication
{
  AdwApplication parent_instance;

  /* Owned */
  char        *db_path;
  MotcuaStore *store;
};

G_DEFINE_FINAL_TYPE (MotcuaApplication, motcua_application, ADW_TYPE_APPLICATION)

void
motcua_ui_register_resources (void)
{
  static gsize registered;

  /* Registered by hand: the constructor of a resource inside a static library can be
   * dropped by the linker. */
  if (g_once_init_enter (&registered))
    {
      g_resources_register (motcua_ui_get_resource ());
      g_once_init_leave (&registered, 1);
    }
}

MotcuaApplication *
motcua_application_new (void)
{
  return g_object_new (MOTCUA_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_NON_UNIQUE,
                       "resource-base-path", "/io/github/motcua/Desk",
                       NULL);
}

static char *
choose_db_path (MotcuaApplication *self)
{
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *setting = NULL;

  if (self->db_path != NULL)
    return g_strdup (self->db_path);
  if (g_getenv ("MOTCUA_DB") != NULL && *g_getenv ("MOTCUA_DB") != '\0')
    return g_strdup (g_getenv ("MOTCUA_DB"));
  settings = g_settings_new (APPLICATION_ID);
  setting = g_settings_get_string (settings, "database");
  if (setting != NULL && *setting != '\0')
    return g_steal_pointer (&setting);
  return motcua_store_default_path ();
}

MotcuaStore *
motcua_application_get_store (MotcuaApplication *self)
{
  return self->store;
}

void
motcua_application_set_store (MotcuaApplication *self, MotcuaStore *store)
{
  g_return_if_fail (MOTCUA_IS_APPLICATION (self));

  g_set_object (&self->store, store);
}

static void
motcua_application_activate (GApplication *app)
{
  MotcuaApplication *self = MOTCUA_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_autoptr(GError) error = NULL;

  if (window == NULL)
    {
      g_autofree char *path = choose_db_path (self);

      if (self->store == NULL)
        self->store = motcua_store_open (path, &error);
      window = GTK_WINDOW (motcua_window_new (GTK_APPLICATION (self), self->store, error));
    }
  gtk_window_present (window);
}

static int
motcua_application_handle_local_options (GApplication *app, GVariantDict *options)
{
  MotcuaApplication *self = MOTCUA_APPLICATION (app);
  const char *db = NULL;

  if (g_variant_dict_lookup (options, "db", "^&ay", &db))
    self->db_path = g_strdup (db);
  return -1;
}

static void
quit_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
about_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  const char *developers[] = { "The Motcua Desk developers", NULL };

  adw_show_about_window (gtk_application_get_active_window (app),
                         "application-name", _("Motcua Desk"),
                         "application-icon", APPLICATION_ID,
                         "version", PACKAGE_VERSION,
                         "developers", developers,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "comments", _("Receive and process citizens' dossiers at a one-stop office"),
                         NULL);
}

/* Application accelerators (rather than only key bindings) so the shortcuts window
 * shows them. */
static void
set_window_accels (GtkApplication *app)
{
  static const struct {
    const char *action;
    const char *accels[3];
  } table[] = {
    { "win.receive", { "<Control>n", NULL } },
    { "win.search", { "<Control>f", NULL } },
    { "win.next-dossier", { "<Control>Page_Down", NULL } },
    { "win.previous-dossier", { "<Control>Page_Up", NULL } },
    { "win.open-attachment", { "<Control>o", NULL } },
    { "win.print-slip", { "<Control>p", NULL } },
    { "win.zoom-in", { "<Control>plus", "<Control>equal", NULL } },
    { "win.zoom-out", { "<Control>minus", NULL } },
    { "win.fit-width", { "<Control>0", NULL } },
    { "win.sync", { "<Control>r", NULL } },
    { "win.preferences", { "<Control>comma", NULL } },
    { "win.lock", { "<Control>l", NULL } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    gtk_application_set_accels_for_action (app, table[i].action, table[i].accels);
}

static void
motcua_application_startup (GApplication *app)
{
  static const GActionEntry entries[] = {
    { "quit", quit_activated },
    { "about", about_activated },
  };
  static const char *quit_accels[] = { "<Control>q", NULL };

  motcua_ui_register_resources ();
  G_APPLICATION_CLASS (motcua_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), entries, G_N_ELEMENTS (entries), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  set_window_accels (GTK_APPLICATION (app));
}

static void
motcua_application_finalize (GObject *object)
{
  MotcuaApplication *self = (MotcuaApplication *) object;

  g_clear_object (&self->store);
  g_free (self->db_path);
  G_OBJECT_CLASS (motcua_application_parent_class)->finalize (object);
}

static void
motcua_application_class_init (MotcuaApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = motcua_application_finalize;
  app_class->activate = motcua_application_activate;
  app_class->startup = motcua_application_startup;
  app_class->handle_local_options = motcua_application_handle_local_options;
}

static void
motcua_application_init (MotcuaApplication *self)
{
  static const GOptionEntry options[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("Open this database instead of the default profile"), N_("FILE") },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), options);
}
