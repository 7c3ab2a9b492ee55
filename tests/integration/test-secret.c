/* test-secret.c: the device token in a real desktop keyring, and the fallback where
 * none answers.
 *
 * The keyring is a real gnome-keyring-daemon on a private session bus (GTestDBus),
 * with its files in a temporary home; the server is a real motcua-server on 127.0.0.1.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <libsecret/secret.h>

#include "integration-util.h"
#include "motcua-demo.h"
#include "motcua-secret.h"
#include "motcua-store.h"
#include "motcua-sync.h"
#include "motcua-test-util.h"

static char *home;

typedef struct {
  char        *dir;
  char        *db;
  MotcuaStore *store;
} Profile;

static Profile *
profile_new (void)
{
  Profile *profile = g_new0 (Profile, 1);
  g_autoptr(GError) error = NULL;
  MotcuaAgency agency = { .code = (char *) MOTCUA_TEST_AGENCY, .name = (char *) MOTCUA_TEST_AGENCY_NAME };

  profile->dir = motcua_test_make_temp_dir ("motcua-secret-ws-XXXXXX");
  profile->db = g_build_filename (profile->dir, "motcua.db", NULL);
  profile->store = motcua_test_open_demo_office (profile->db, &agency);
  return profile;
}

static void
profile_free (Profile *profile)
{
  g_clear_object (&profile->store);
  motcua_test_remove_tree (profile->dir);
  g_free (profile->dir);
  g_free (profile->db);
  g_free (profile);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Profile, profile_free)

static MotcuaTestServer *
start_server (void)
{
  MotcuaTestServer *server = motcua_test_server_new ();

  g_assert_nonnull (server);
  g_assert_true (motcua_test_server_start (server));
  return server;
}

static void
register_profile (Profile *profile, MotcuaTestServer *server)
{
  g_autofree char *code = motcua_test_server_enrolment_code (server, MOTCUA_TEST_AGENCY);
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (code);
  g_assert_true (motcua_sync_register (profile->store, motcua_test_server_get_url (server), code, "Quầy 1",
                                       NULL, NULL, &error));
  g_assert_no_error (error);
}

/* A dossier received here reaches the server: the token, wherever it is, works. */
static void
assert_sync_works (Profile *profile)
{
  g_autoptr(MotcuaSync) sync = motcua_sync_new (profile->store);
  g_autoptr(MotcuaDossier) dossier = NULL;
  g_autoptr(GError) error = NULL;
  MotcuaSyncReport report = { 0 };
  MotcuaReceiveRequest request = {
    .procedure_code = "1.004194",
    .applicant_name = "Trịnh Thị Mai Hương",
    .applicant_phone = "0912345678",
  };

  /* The first round reserves dossier numbers; the second sends the new dossier. */
  if (!motcua_sync_run_round (sync, NULL, &report, &error))
    g_error ("A round failed: %s", error->message);
  motcua_sync_report_clear (&report);
  dossier = motcua_store_receive (profile->store, &request, &error);
  g_assert_no_error (error);
  if (!motcua_sync_run_round (sync, NULL, &report, &error))
    g_error ("A round failed: %s", error->message);
  g_assert_true (report.completed);
  g_assert_cmpuint (report.accepted, >=, 1);
  g_assert_cmpint (report.pending, ==, 0);
  motcua_sync_report_clear (&report);
}

static char *
state_token (Profile *profile)
{
  return motcua_store_get_state (profile->store, "sync.token", NULL);
}

static char *
keyring_token (Profile *profile, const char *server_url)
{
  static const SecretSchema schema = {
    "io.github.motcua.Desk.DeviceToken", SECRET_SCHEMA_NONE,
    { { "profile", SECRET_SCHEMA_ATTRIBUTE_STRING }, { "server", SECRET_SCHEMA_ATTRIBUTE_STRING }, { NULL, 0 } },
  };
  g_autoptr(GError) error = NULL;
  char *token = secret_password_lookup_sync (&schema, NULL, &error, "profile", profile->db,
                                             "server", server_url, NULL);

  g_assert_no_error (error);
  return token;
}

/* `motcua sync --status --json`: where the CLI says the token is. */
static JsonObject *
cli_status (Profile *profile)
{
  const char *args[] = { "--json", "sync", "--status", NULL };
  g_autoptr(MotcuaTestCliResult) result = motcua_test_run_cli_env (NULL, profile->db, args);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (motcua_test_expect_status (result, 0, "sync --status"));
  g_assert_true (json_parser_load_from_data (parser, result->out, -1, &error));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* ---- no session bus at all ------------------------------------------------------------ */

static void
test_no_bus_fallback (void)
{
  g_autoptr(MotcuaTestServer) server = start_server ();
  g_autoptr(Profile) profile = profile_new ();
  g_autoptr(JsonObject) status = NULL;
  g_autofree char *token = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *notice = NULL;
  g_autoptr(GError) error = NULL;
  MotcuaSecretPlace place = MOTCUA_SECRET_NOWHERE;
  const char *text_args[] = { "sync", "--status", NULL };
  g_autoptr(MotcuaTestCliResult) text = NULL;

  register_profile (profile, server);
  stored = state_token (profile);
  g_assert_nonnull (stored);
  token = motcua_secret_get_device_token (profile->store, &place, &notice, &error);
  g_assert_no_error (error);
  g_assert_cmpint (place, ==, MOTCUA_SECRET_PROFILE);
  g_assert_cmpstr (token, ==, stored);
  g_assert_nonnull (notice);
  g_assert_false (motcua_secret_keyring_available (NULL));
  assert_sync_works (profile);

  status = cli_status (profile);
  g_assert_cmpstr (json_object_get_string_member (status, "token"), ==, "profile");
  g_assert_nonnull (json_object_get_string_member (status, "token_notice"));
  text = motcua_test_run_cli_env (NULL, profile->db, text_args);
  g_assert_true (motcua_test_expect_status (text, 0, "sync --status"));
  g_assert_nonnull (strstr (text->out, "Device token: in the profile's database. No desktop keyring answered"));
}

/* ---- a real keyring ------------------------------------------------------------------- */

static GSubprocess *
start_keyring (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) password = g_bytes_new_static ("mật-khẩu-thử", strlen ("mật-khẩu-thử"));
  GSubprocess *daemon = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE,
                                          &error, "gnome-keyring-daemon", "--foreground", "--unlock",
                                          "--components=secrets", NULL);
  GOutputStream *stdin_pipe;

  if (daemon == NULL)
    {
      g_test_message ("gnome-keyring-daemon could not start: %s", error->message);
      return NULL;
    }
  /* --unlock reads the login keyring's password up to the end of its input. */
  stdin_pipe = g_subprocess_get_stdin_pipe (daemon);
  g_assert_true (g_output_stream_write_all (stdin_pipe, g_bytes_get_data (password, NULL),
                                            g_bytes_get_size (password), NULL, NULL, &error));
  g_assert_true (g_output_stream_close (stdin_pipe, NULL, &error));
  for (int i = 0; i < 100; i++)
    {
      if (motcua_secret_keyring_available (NULL))
        return daemon;
      g_usleep (100 * 1000);
    }
  g_test_message ("gnome-keyring-daemon did not answer on the private bus within 10 s");
  g_subprocess_force_exit (daemon);
  g_clear_object (&daemon);
  return NULL;
}

/* Without waiting for the bus connection to go: libsecret keeps it for the process's
 * life, and GTestDBus's own teardown would wait 30 s for it and warn. */
static void
stop_bus (GTestDBus *bus)
{
  g_autoptr(GDBusConnection) connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);

  if (connection != NULL)
    g_dbus_connection_set_exit_on_close (connection, FALSE);
  g_test_dbus_stop (bus);
  /* @bus itself is left: its dispose would run that same teardown. */
}

static void
test_keyring (void)
{
  GTestDBus *bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_autoptr(MotcuaTestServer) server = start_server ();
  g_autoptr(MotcuaTestServer) other_server = NULL;
  g_autoptr(Profile) profile = profile_new ();
  g_autoptr(GSubprocess) keyring = NULL;
  g_autoptr(JsonObject) status = NULL;
  g_autofree char *before = NULL;
  g_autofree char *in_keyring = NULL;
  g_autofree char *first_url = NULL;
  g_autofree char *token = NULL;
  g_autofree char *notice = NULL;
  g_autoptr(GError) error = NULL;
  MotcuaSecretPlace place = MOTCUA_SECRET_NOWHERE;

  g_test_dbus_up (bus);

  /* A bus, but no keyring on it yet: registration falls back to the profile. */
  register_profile (profile, server);
  before = state_token (profile);
  g_assert_nonnull (before);
  g_assert_cmpint (motcua_secret_secure_device_token (profile->store, &notice, &error), ==, MOTCUA_SECRET_PROFILE);
  g_assert_nonnull (notice);
  g_clear_pointer (&notice, g_free);

  keyring = start_keyring ();
  if (keyring == NULL)
    {
      stop_bus (bus);
      g_test_skip ("no gnome-keyring-daemon could run here (see the messages above)");
      return;
    }

  /* The keyring came: the token moves there on first use, and out of the database. */
  token = motcua_secret_get_device_token (profile->store, &place, &notice, &error);
  g_assert_no_error (error);
  g_assert_cmpint (place, ==, MOTCUA_SECRET_KEYRING);
  g_assert_null (notice);
  g_assert_cmpstr (token, ==, before);
  g_assert_null (state_token (profile));
  /* As registration normalised it (no trailing slash). */
  first_url = motcua_store_get_state (profile->store, "sync.server_url", NULL);
  in_keyring = keyring_token (profile, first_url);
  g_assert_cmpstr (in_keyring, ==, before);
  assert_sync_works (profile);
  status = cli_status (profile);
  g_assert_cmpstr (json_object_get_string_member (status, "token"), ==, "keyring");
  g_assert_true (json_object_get_null_member (status, "token_notice"));

  /* Registering with another server: its token straight into the keyring, never into
   * the database, and the first server's token gone. */
  other_server = start_server ();
  g_clear_pointer (&token, g_free);
  {
    g_autofree char *code = motcua_test_server_enrolment_code (other_server, MOTCUA_TEST_AGENCY);
    g_autofree char *url = NULL;
    g_autofree char *old_token = NULL;

    g_assert_true (motcua_sync_register (profile->store, motcua_test_server_get_url (other_server), code,
                                         "Quầy 1", NULL, NULL, &error));
    g_assert_no_error (error);
    g_assert_null (state_token (profile));
    url = motcua_store_get_state (profile->store, "sync.server_url", NULL);
    token = keyring_token (profile, url);
    g_assert_nonnull (token);
    g_assert_cmpstr (token, !=, before);
    old_token = keyring_token (profile, first_url);
    g_assert_null (old_token);
  }
  assert_sync_works (profile);

  g_assert_true (motcua_secret_forget_device_token (profile->store, &error));
  {
    g_autofree char *url = motcua_store_get_state (profile->store, "sync.server_url", NULL);
    g_autofree char *gone = keyring_token (profile, url);

    g_assert_null (gone);
  }

  g_subprocess_send_signal (keyring, SIGTERM);
  g_subprocess_wait (keyring, NULL, NULL);
  stop_bus (bus);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  /* A home of our own: the keyring's files, and nothing of the developer's keyring. */
  home = motcua_test_make_temp_dir ("motcua-secret-home-XXXXXX");
  g_setenv ("HOME", home, TRUE);
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", home, TRUE);
  g_setenv ("XDG_CACHE_HOME", home, TRUE);
  g_setenv ("XDG_RUNTIME_DIR", home, TRUE);
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/motcua-no-bus", TRUE);
  g_unsetenv ("DISPLAY");

  g_test_add_func ("/secret/no-bus-fallback", test_no_bus_fallback);
  g_test_add_func ("/secret/keyring", test_keyring);
  status = g_test_run ();
  motcua_test_remove_tree (home);
  g_free (home);
  return status;
}
