/* test-office-hours.c: what the preferences accept about the office. */
#include <glib.h>

#include "motcua-error.h"
#include "motcua-office-hours.h"

static void
test_clock (void)
{
  const struct { const char *text; int minutes; } good[] = {
    { "7:30", 450 }, { "07:30", 450 }, { " 17:00 ", 1020 }, { "0:00", 0 }, { "23:59", 1439 }, { "11h30", 690 },
  };
  const char *bad[] = { "", "7", "7:3", "24:00", "12:60", "-1:00", "7:30 sáng", "123:00", "ab:cd", NULL };
  g_autofree char *formatted = motcua_clock_format (450);

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      int minutes = -1;

      g_assert_true (motcua_clock_parse (good[i].text, &minutes, &error));
      g_assert_no_error (error);
      g_assert_cmpint (minutes, ==, good[i].minutes);
    }
  for (guint i = 0; bad[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      int minutes = -1;

      g_assert_false (motcua_clock_parse (bad[i], &minutes, &error));
      g_assert_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT);
      g_assert_cmpint (minutes, ==, -1);
    }
  g_assert_cmpstr (formatted, ==, "07:30");
}

static MotcuaAgency
office (void)
{
  MotcuaAgency agency = {
    .code = (char *) "000.17.22.H56",
    .name = (char *) "Ủy ban nhân dân xã Quảng Phú",
    .lookup_url = (char *) "https://dichvucong.quangphu.gov.vn/tra-cuu",
    .morning_start = 420, .morning_end = 690, .afternoon_start = 810, .afternoon_end = 1020,
    .minutes_per_day = 480, .same_day_cutoff = 900,
  };

  return agency;
}

static void
expect_refused (const MotcuaAgency *agency, const char *what)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (motcua_office_hours_check (agency, &error));
  g_assert_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT);
  g_assert_nonnull (g_strstr_len (error->message, -1, what));
}

static void
test_office (void)
{
  g_autoptr(GError) error = NULL;
  MotcuaAgency agency = office ();

  g_assert_true (motcua_office_hours_check (&agency, &error));
  g_assert_no_error (error);
  agency.same_day_cutoff = -1;
  agency.lookup_url = NULL;
  g_assert_true (motcua_office_hours_check (&agency, &error));

  agency = office (); agency.name = (char *) "  ";
  expect_refused (&agency, "name");
  agency = office (); agency.morning_end = 400;
  expect_refused (&agency, "morning session must end");
  agency = office (); agency.afternoon_end = 800;
  expect_refused (&agency, "afternoon session must end");
  agency = office (); agency.afternoon_start = 600;
  expect_refused (&agency, "after the morning session ends");
  agency = office (); agency.minutes_per_day = 600;
  expect_refused (&agency, "480 minutes");
  agency = office (); agency.minutes_per_day = 30;
  expect_refused (&agency, "60 minutes");
  agency = office (); agency.same_day_cutoff = 1100;
  expect_refused (&agency, "cut-off");
  agency = office (); agency.lookup_url = (char *) "dichvucong.gov.vn";
  expect_refused (&agency, "web address");
  agency = office (); agency.lookup_url = (char *) "ftp://dichvucong.gov.vn/";
  expect_refused (&agency, "web address");
}

int
main (int argc, char **argv)
{
  g_setenv ("LANGUAGE", "en", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/office-hours/clock", test_clock);
  g_test_add_func ("/office-hours/office", test_office);
  return g_test_run ();
}
