/* test-calendar.c: lunar calendar, built-in holidays and working time.
 *
 * Every expected date and time below was worked out by hand from the rules (and, for
 * lunar dates, from published Vietnamese calendars), never with the code under test.
 * Unless said otherwise the week of Mon 9 – Sun 15 March 2026 is used: no holiday
 * falls near it.
 */
#include "motcua-calendar.h"
#include "motcua-holidays.h"
#include "motcua-lunar.h"
#include "motcua-test-util.h"
#include "motcua-time.h"

static GDate
date (int year,
      int month,
      int day)
{
  GDate result;

  g_date_clear (&result, 1);
  g_date_set_dmy (&result, day, month, year);
  return result;
}

static void
assert_time (GDateTime  *time,
             const char *expected)
{
  g_autofree char *text = NULL;

  g_assert_nonnull (time);
  text = motcua_time_format (time);
  g_assert_cmpstr (text, ==, expected);
}

/* The check_* helpers take ownership of the times they are given. */
static void
check_clock_start (MotcuaCalendar *calendar,
                   GDateTime      *received,
                   const char     *expected)
{
  g_autoptr(GDateTime) owned = received;
  g_autoptr(GDateTime) start = motcua_calendar_clock_start (calendar, owned);

  assert_time (start, expected);
}

static void
check_due (MotcuaCalendar *calendar,
           GDateTime      *received,
           int             amount,
           MotcuaTimeUnit  unit,
           const char     *expected)
{
  g_autoptr(GDateTime) owned = received;
  g_autoptr(GDateTime) due = motcua_calendar_due (calendar, owned, amount, unit);

  assert_time (due, expected);
}

static void
check_between (MotcuaCalendar *calendar,
               GDateTime      *from,
               GDateTime      *to,
               gint64          expected)
{
  g_autoptr(GDateTime) owned_from = from;
  g_autoptr(GDateTime) owned_to = to;

  g_assert_cmpint (motcua_calendar_working_minutes_between (calendar, owned_from, owned_to),
                   ==, expected);
}

static void
assert_lunar_to_solar (int day,
                       int month,
                       int year,
                       gboolean leap,
                       int solar_year,
                       int solar_month,
                       int solar_day)
{
  GDate solar;
  GDate expected = date (solar_year, solar_month, solar_day);

  g_assert_true (motcua_lunar_to_solar (day, month, year, leap, &solar));
  g_assert_cmpint (g_date_compare (&solar, &expected), ==, 0);
}

static void
assert_solar_to_lunar (int solar_year,
                       int solar_month,
                       int solar_day,
                       int day,
                       int month,
                       int year,
                       gboolean leap)
{
  GDate solar = date (solar_year, solar_month, solar_day);
  int lunar_day, lunar_month, lunar_year;
  gboolean lunar_leap;

  motcua_lunar_from_solar (&solar, &lunar_day, &lunar_month, &lunar_year, &lunar_leap);
  g_assert_cmpint (lunar_day, ==, day);
  g_assert_cmpint (lunar_month, ==, month);
  g_assert_cmpint (lunar_year, ==, year);
  g_assert_cmpint (lunar_leap, ==, leap);
}

static void
test_lunar_new_year (void)
{
  static const struct {
    int year, month, day;
  } tet[] = {
    /* 1985 and 2007 are the years where reckoning at UTC+7 puts Tết a day (1985:
     * a month) before the Chinese New Year. */
    { 1985, 1, 21 },
    { 2007, 2, 17 },
    { 2020, 1, 25 },
    { 2021, 2, 12 },
    { 2022, 2, 1 },
    { 2023, 1, 22 },
    { 2024, 2, 10 },
    { 2025, 1, 29 },
    { 2026, 2, 17 },
    { 2027, 2, 6 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (tet); i++)
    {
      assert_lunar_to_solar (1, 1, tet[i].year, FALSE, tet[i].year, tet[i].month, tet[i].day);
      assert_solar_to_lunar (tet[i].year, tet[i].month, tet[i].day, 1, 1, tet[i].year, FALSE);
    }

  /* The eve belongs to the old year. The twelfth months before Tết 2025 and 2026 have
   * 29 days (new moons on 31 Dec 2024, 29 Jan 2025, 19 Jan and 17 Feb 2026 at UTC+7);
   * the one before Tết 2024 (11 Jan – 9 Feb 2024) has 30. */
  assert_solar_to_lunar (2025, 1, 28, 29, 12, 2024, FALSE);
  g_assert_false (motcua_lunar_to_solar (30, 12, 2024, FALSE, &(GDate) { 0 }));
  assert_solar_to_lunar (2026, 2, 16, 29, 12, 2025, FALSE);
  g_assert_false (motcua_lunar_to_solar (30, 12, 2025, FALSE, &(GDate) { 0 }));
  assert_solar_to_lunar (2024, 2, 9, 30, 12, 2023, FALSE);
  assert_lunar_to_solar (30, 12, 2023, FALSE, 2024, 2, 9);
}

static void
test_lunar_known_days (void)
{
  /* Hùng Kings' day (10/3). */
  assert_lunar_to_solar (10, 3, 2024, FALSE, 2024, 4, 18);
  assert_lunar_to_solar (10, 3, 2025, FALSE, 2025, 4, 7);
  assert_lunar_to_solar (10, 3, 2026, FALSE, 2026, 4, 26);
  /* Mid-Autumn 2024 (15/8). */
  assert_solar_to_lunar (2024, 9, 17, 15, 8, 2024, FALSE);

  /* Outside the calendar. */
  g_assert_false (motcua_lunar_to_solar (0, 1, 2026, FALSE, &(GDate) { 0 }));
  g_assert_false (motcua_lunar_to_solar (31, 1, 2026, FALSE, &(GDate) { 0 }));
  g_assert_false (motcua_lunar_to_solar (1, 13, 2026, FALSE, &(GDate) { 0 }));
}

static void
test_lunar_leap_month (void)
{
  GDate solar;

  /* 2023 (Quý Mão): month 2 is repeated; the leap month begins with the new moon of
   * 00:23 on 22 March at UTC+7 and has 29 days, Hùng Kings' day then was 29 April. */
  assert_lunar_to_solar (1, 2, 2023, FALSE, 2023, 2, 20);
  assert_lunar_to_solar (1, 2, 2023, TRUE, 2023, 3, 22);
  assert_lunar_to_solar (1, 3, 2023, FALSE, 2023, 4, 20);
  assert_lunar_to_solar (10, 3, 2023, FALSE, 2023, 4, 29);
  assert_solar_to_lunar (2023, 3, 21, 30, 2, 2023, FALSE);
  assert_solar_to_lunar (2023, 3, 22, 1, 2, 2023, TRUE);
  assert_solar_to_lunar (2023, 4, 19, 29, 2, 2023, TRUE);
  g_assert_false (motcua_lunar_to_solar (30, 2, 2023, TRUE, &solar));
  g_assert_false (motcua_lunar_to_solar (1, 3, 2023, TRUE, &solar));

  /* 2025 (Ất Tỵ): month 6 is repeated, 25 June, 25 July, then month 7 on 23 August. */
  assert_lunar_to_solar (1, 6, 2025, FALSE, 2025, 6, 25);
  assert_lunar_to_solar (1, 6, 2025, TRUE, 2025, 7, 25);
  assert_lunar_to_solar (1, 7, 2025, FALSE, 2025, 8, 23);
  assert_solar_to_lunar (2025, 7, 25, 1, 6, 2025, TRUE);
  assert_solar_to_lunar (2025, 8, 22, 29, 6, 2025, TRUE);

  /* 2026 has no leap month. */
  for (int month = 1; month <= 12; month++)
    g_assert_false (motcua_lunar_to_solar (1, month, 2026, TRUE, &solar));
}

static void
test_lunar_round_trip (void)
{
  GDate day = date (1901, 1, 1);
  GDate end = date (2100, 12, 31);
  int previous_day = 0;

  for (; g_date_compare (&day, &end) <= 0; g_date_add_days (&day, 1))
    {
      int lunar_day, lunar_month, lunar_year;
      gboolean leap;
      GDate back;

      motcua_lunar_from_solar (&day, &lunar_day, &lunar_month, &lunar_year, &leap);
      g_assert_cmpint (lunar_day, >=, 1);
      g_assert_cmpint (lunar_day, <=, 30);
      g_assert_cmpint (lunar_month, >=, 1);
      g_assert_cmpint (lunar_month, <=, 12);
      if (previous_day != 0 && lunar_day != 1)
        g_assert_cmpint (lunar_day, ==, previous_day + 1);
      if (previous_day != 0 && lunar_day == 1)
        g_assert_cmpint (previous_day, >=, 29);

      g_assert_true (motcua_lunar_to_solar (lunar_day, lunar_month, lunar_year, leap, &back));
      g_assert_cmpint (g_date_compare (&back, &day), ==, 0);
      previous_day = lunar_day;
    }
}

static gboolean
holidays_contain (GArray     *holidays,
                  GDate       day,
                  const char *name)
{
  for (guint i = 0; i < holidays->len; i++)
    {
      MotcuaHoliday *holiday = &g_array_index (holidays, MotcuaHoliday, i);

      if (g_date_compare (&holiday->date, &day) == 0)
        return g_strcmp0 (holiday->name, name) == 0;
    }
  return FALSE;
}

static void
test_holidays_2026 (void)
{
  g_autoptr(GArray) holidays = motcua_holidays_builtin (2026);
  static const int expected[][2] = {
    { 1, 1 },
    { 2, 16 }, { 2, 17 }, { 2, 18 }, { 2, 19 }, { 2, 20 },
    { 4, 26 }, { 4, 27 },
    { 4, 30 }, { 5, 1 },
    { 9, 2 }, { 9, 3 },
  };

  g_assert_cmpuint (holidays->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      MotcuaHoliday *holiday = &g_array_index (holidays, MotcuaHoliday, i);
      GDate day = date (2026, expected[i][0], expected[i][1]);

      g_assert_cmpint (g_date_compare (&holiday->date, &day), ==, 0);
      g_assert_nonnull (holiday->name);
    }

  g_assert_true (holidays_contain (holidays, date (2026, 2, 16), "Lunar New Year's Eve"));
  g_assert_true (holidays_contain (holidays, date (2026, 2, 17), "Lunar New Year"));
  g_assert_true (holidays_contain (holidays, date (2026, 4, 26), "Hùng Kings' Commemoration Day"));
  g_assert_true (holidays_contain (holidays, date (2026, 4, 27), "Compensatory day off"));
}

static void
test_holidays_compensation (void)
{
  g_autoptr(GArray) y2023 = motcua_holidays_builtin (2023);
  g_autoptr(GArray) y2024 = motcua_holidays_builtin (2024);
  g_autoptr(GArray) y2025 = motcua_holidays_builtin (2025);

  /* 2023: 1 January on a Sunday; Tết eve Sat 21 and Tết Sun 22 January give Thu 26
   * and Fri 27 (Mon 23 – Wed 25 are Tết itself); Hùng Kings' day Sat 29 April and
   * Sun 30 April give Tue 2 and Wed 3 May (Mon 1 May is a holiday); 2 September on a
   * Saturday is joined by Fri 1 September and made up on Mon 4. */
  g_assert_true (holidays_contain (y2023, date (2023, 1, 2), "Compensatory day off"));
  g_assert_true (holidays_contain (y2023, date (2023, 1, 26), "Compensatory day off"));
  g_assert_true (holidays_contain (y2023, date (2023, 1, 27), "Compensatory day off"));
  g_assert_true (holidays_contain (y2023, date (2023, 4, 29), "Hùng Kings' Commemoration Day"));
  g_assert_true (holidays_contain (y2023, date (2023, 5, 2), "Compensatory day off"));
  g_assert_true (holidays_contain (y2023, date (2023, 5, 3), "Compensatory day off"));
  g_assert_true (holidays_contain (y2023, date (2023, 9, 1), "National Day holiday"));
  g_assert_true (holidays_contain (y2023, date (2023, 9, 4), "Compensatory day off"));
  g_assert_cmpuint (y2023->len, ==, 17);

  /* 2024: Tết Sat 10 and Sun 11 February → Wed 14 and Thu 15; 2 September a Monday
   * → Tue 3 September. */
  g_assert_true (holidays_contain (y2024, date (2024, 2, 14), "Compensatory day off"));
  g_assert_true (holidays_contain (y2024, date (2024, 2, 15), "Compensatory day off"));
  g_assert_true (holidays_contain (y2024, date (2024, 9, 3), "National Day holiday"));
  g_assert_cmpuint (y2024->len, ==, 13);

  /* 2025: the fourth day of Tết is Sat 1 February → Mon 3 February; 2 September a
   * Tuesday → Mon 1 September. */
  g_assert_true (holidays_contain (y2025, date (2025, 2, 3), "Compensatory day off"));
  g_assert_true (holidays_contain (y2025, date (2025, 9, 1), "National Day holiday"));
  g_assert_false (holidays_contain (y2025, date (2025, 9, 3), "National Day holiday"));
  g_assert_cmpuint (y2025->len, ==, 12);
}

static void
test_working_days_2026 (void)
{
  g_autoptr(MotcuaCalendar) calendar = motcua_calendar_new (NULL);
  GDate day;

  /* The announced 2026 calendar: Mon 16 – Fri 20 February off for Tết. */
  day = date (2026, 2, 13);
  g_assert_true (motcua_calendar_is_working_day (calendar, &day));
  for (int d = 14; d <= 22; d++)
    {
      day = date (2026, 2, d);
      g_assert_false (motcua_calendar_is_working_day (calendar, &day));
    }
  day = date (2026, 2, 23);
  g_assert_true (motcua_calendar_is_working_day (calendar, &day));

  /* Mon 27 April in lieu of Hùng Kings' day on Sunday 26 April. */
  day = date (2026, 4, 27);
  g_assert_false (motcua_calendar_is_working_day (calendar, &day));
  g_assert_cmpstr (motcua_calendar_get_day_off_name (calendar, &day), ==, "Compensatory day off");
  day = date (2026, 4, 28);
  g_assert_true (motcua_calendar_is_working_day (calendar, &day));

  day = date (2026, 2, 17);
  g_assert_cmpstr (motcua_calendar_get_day_off_name (calendar, &day), ==, "Lunar New Year");
  /* An ordinary weekend is not a holiday. */
  day = date (2026, 3, 14);
  g_assert_false (motcua_calendar_is_working_day (calendar, &day));
  g_assert_null (motcua_calendar_get_day_off_name (calendar, &day));
  day = date (2026, 3, 9);
  g_assert_true (motcua_calendar_is_working_day (calendar, &day));
  g_assert_null (motcua_calendar_get_day_off_name (calendar, &day));
}

static void
test_clock_start (void)
{
  g_autoptr(MotcuaCalendar) calendar = motcua_calendar_new (NULL);

  check_clock_start (calendar, motcua_test_vn_time (2026, 3, 9, 6, 15, 0), "2026-03-09T07:00:00+07:00");
  check_clock_start (calendar, motcua_test_vn_time (2026, 3, 9, 7, 0, 0), "2026-03-09T07:00:00+07:00");
  check_clock_start (calendar, motcua_test_vn_time (2026, 3, 9, 11, 29, 0), "2026-03-09T11:29:00+07:00");
  check_clock_start (calendar, motcua_test_vn_time (2026, 3, 9, 11, 30, 0), "2026-03-09T13:30:00+07:00");
  check_clock_start (calendar, motcua_test_vn_time (2026, 3, 9, 12, 10, 0), "2026-03-09T13:30:00+07:00");
  check_clock_start (calendar, motcua_test_vn_time (2026, 3, 9, 16, 59, 0), "2026-03-09T16:59:00+07:00");
  check_clock_start (calendar, motcua_test_vn_time (2026, 3, 9, 17, 0, 0), "2026-03-10T07:00:00+07:00");
  check_clock_start (calendar, motcua_test_vn_time (2026, 3, 9, 21, 45, 0), "2026-03-10T07:00:00+07:00");
  /* Friday evening and the weekend start on Monday. */
  check_clock_start (calendar, motcua_test_vn_time (2026, 3, 13, 17, 30, 0), "2026-03-16T07:00:00+07:00");
  check_clock_start (calendar, motcua_test_vn_time (2026, 3, 14, 10, 0, 0), "2026-03-16T07:00:00+07:00");
  check_clock_start (calendar, motcua_test_vn_time (2026, 3, 15, 23, 59, 0), "2026-03-16T07:00:00+07:00");
  /* Tết 2026: nothing is worked from Sat 14 to Sun 22 February. */
  check_clock_start (calendar, motcua_test_vn_time (2026, 2, 13, 18, 0, 0), "2026-02-23T07:00:00+07:00");
  check_clock_start (calendar, motcua_test_vn_time (2026, 2, 17, 9, 0, 0), "2026-02-23T07:00:00+07:00");
}

static void
test_clock_start_keeps_seconds_and_zone (void)
{
  g_autoptr(MotcuaCalendar) calendar = motcua_calendar_new (NULL);
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();

  check_clock_start (calendar, motcua_test_vn_time (2026, 3, 9, 9, 15, 42),
                     "2026-03-09T09:15:42+07:00");
  /* 02:00 UTC is 09:00 in Vietnam; the answer is in the calendar's zone. */
  check_clock_start (calendar, g_date_time_new (utc, 2026, 3, 9, 2, 0, 0),
                     "2026-03-09T09:00:00+07:00");
  /* 23:00 UTC on Sunday is 06:00 on Monday in Vietnam. */
  check_clock_start (calendar, g_date_time_new (utc, 2026, 3, 8, 23, 0, 0),
                     "2026-03-09T07:00:00+07:00");
}

static void
test_due_working_days (void)
{
  g_autoptr(MotcuaCalendar) calendar = motcua_calendar_new (NULL);
  const MotcuaTimeUnit days = MOTCUA_TIME_UNIT_WORKING_DAYS;

  /* A full day ends at the close of the same day, not the next morning. */
  check_due (calendar, motcua_test_vn_time (2026, 3, 9, 7, 0, 0), 1, days, "2026-03-09T17:00:00+07:00");
  check_due (calendar, motcua_test_vn_time (2026, 3, 9, 9, 0, 0), 1, days, "2026-03-10T09:00:00+07:00");
  check_due (calendar, motcua_test_vn_time (2026, 3, 9, 6, 0, 0), 1, days, "2026-03-09T17:00:00+07:00");
  /* From 13:30: 210 minutes on Monday, and Tuesday's whole morning ends it. */
  check_due (calendar, motcua_test_vn_time (2026, 3, 9, 12, 0, 0), 1, days, "2026-03-10T11:30:00+07:00");
  check_due (calendar, motcua_test_vn_time (2026, 3, 9, 7, 0, 0), 5, days, "2026-03-13T17:00:00+07:00");
  /* Across a weekend: Thu → Fri (1) → Mon (2) → Tue (3). */
  check_due (calendar, motcua_test_vn_time (2026, 3, 12, 14, 0, 0), 3, days, "2026-03-17T14:00:00+07:00");
  check_due (calendar, motcua_test_vn_time (2026, 3, 13, 18, 0, 0), 1, days, "2026-03-16T17:00:00+07:00");
  /* Across Tết: Thu 12 → Fri 13 February (1) → Mon 23 February (2). */
  check_due (calendar, motcua_test_vn_time (2026, 2, 12, 10, 0, 0), 2, days, "2026-02-23T10:00:00+07:00");
  /* Across Mon 27 April (in lieu), 30 April, 1 May and the weekend. */
  check_due (calendar, motcua_test_vn_time (2026, 4, 24, 8, 0, 0), 3, days, "2026-05-04T08:00:00+07:00");
  /* 25 working days from Mon 2 March: five whole weeks. */
  check_due (calendar, motcua_test_vn_time (2026, 3, 2, 7, 0, 0), 25, days, "2026-04-03T17:00:00+07:00");
}

static void
test_due_working_hours (void)
{
  g_autoptr(MotcuaCalendar) calendar = motcua_calendar_new (NULL);
  const MotcuaTimeUnit hours = MOTCUA_TIME_UNIT_WORKING_HOURS;

  /* 10:00–11:30 is 90 minutes, the other 150 run from 13:30 to 16:00. */
  check_due (calendar, motcua_test_vn_time (2026, 3, 9, 10, 0, 0), 4, hours, "2026-03-09T16:00:00+07:00");
  /* Filling the morning exactly ends at 11:30. */
  check_due (calendar, motcua_test_vn_time (2026, 3, 9, 9, 30, 0), 2, hours, "2026-03-09T11:30:00+07:00");
  /* 120 minutes on Monday, 270 on Tuesday morning, 90 in the afternoon. */
  check_due (calendar, motcua_test_vn_time (2026, 3, 9, 15, 0, 0), 8, hours, "2026-03-10T15:00:00+07:00");
  check_due (calendar, motcua_test_vn_time (2026, 3, 13, 16, 0, 0), 2, hours, "2026-03-16T08:00:00+07:00");
}

static void
test_due_calendar_days (void)
{
  g_autoptr(MotcuaCalendar) calendar = motcua_calendar_new (NULL);
  const MotcuaTimeUnit days = MOTCUA_TIME_UNIT_CALENDAR_DAYS;

  check_due (calendar, motcua_test_vn_time (2026, 3, 9, 10, 0, 0), 4, days, "2026-03-13T17:00:00+07:00");
  /* Landing on Saturday or Sunday moves to Monday. */
  check_due (calendar, motcua_test_vn_time (2026, 3, 9, 10, 0, 0), 5, days, "2026-03-16T17:00:00+07:00");
  check_due (calendar, motcua_test_vn_time (2026, 3, 9, 10, 0, 0), 6, days, "2026-03-16T17:00:00+07:00");
  /* Landing on Tết (Mon 16 February) moves past it to Mon 23 February. */
  check_due (calendar, motcua_test_vn_time (2026, 2, 9, 9, 0, 0), 7, days, "2026-02-23T17:00:00+07:00");
  /* The clock starts on Monday for a dossier received on Friday evening. */
  check_due (calendar, motcua_test_vn_time (2026, 3, 13, 18, 0, 0), 1, days, "2026-03-17T17:00:00+07:00");
}

static void
test_due_same_day (void)
{
  g_autoptr(MotcuaCalendar) calendar = motcua_calendar_new (NULL);
  const MotcuaTimeUnit same_day = MOTCUA_TIME_UNIT_SAME_DAY;

  check_due (calendar, motcua_test_vn_time (2026, 3, 9, 10, 0, 0), 0, same_day, "2026-03-09T17:00:00+07:00");
  check_due (calendar, motcua_test_vn_time (2026, 3, 9, 14, 59, 0), 0, same_day, "2026-03-09T17:00:00+07:00");
  check_due (calendar, motcua_test_vn_time (2026, 3, 9, 12, 0, 0), 0, same_day, "2026-03-09T17:00:00+07:00");
  check_due (calendar, motcua_test_vn_time (2026, 3, 9, 15, 0, 0), 0, same_day, "2026-03-10T17:00:00+07:00");
  check_due (calendar, motcua_test_vn_time (2026, 3, 13, 10, 0, 0), 0, same_day, "2026-03-13T17:00:00+07:00");
  check_due (calendar, motcua_test_vn_time (2026, 3, 13, 16, 0, 0), 0, same_day, "2026-03-16T17:00:00+07:00");
  check_due (calendar, motcua_test_vn_time (2026, 3, 14, 9, 0, 0), 0, same_day, "2026-03-16T17:00:00+07:00");
  check_due (calendar, motcua_test_vn_time (2026, 2, 13, 15, 30, 0), 0, same_day, "2026-02-23T17:00:00+07:00");

  motcua_calendar_set_same_day_cutoff (calendar, 16 * 60);
  check_due (calendar, motcua_test_vn_time (2026, 3, 9, 15, 30, 0), 0, same_day, "2026-03-09T17:00:00+07:00");
  check_due (calendar, motcua_test_vn_time (2026, 3, 9, 16, 0, 0), 0, same_day, "2026-03-10T17:00:00+07:00");

  /* Without the rule a dossier is still next-day once the office has closed. */
  motcua_calendar_set_same_day_cutoff (calendar, -1);
  check_due (calendar, motcua_test_vn_time (2026, 3, 9, 16, 30, 0), 0, same_day, "2026-03-09T17:00:00+07:00");
  check_due (calendar, motcua_test_vn_time (2026, 3, 9, 17, 30, 0), 0, same_day, "2026-03-10T17:00:00+07:00");
}

static void
test_official_year (void)
{
  g_autoptr(MotcuaCalendar) calendar = motcua_calendar_new (NULL);
  GDate day;

  motcua_calendar_set_official_year (calendar, 2026);
  day = date (2026, 2, 17);
  motcua_calendar_add_day_off (calendar, &day, "Tết Nguyên Đán");

  g_assert_false (motcua_calendar_is_working_day (calendar, &day));
  g_assert_cmpstr (motcua_calendar_get_day_off_name (calendar, &day), ==, "Tết Nguyên Đán");
  day = date (2026, 2, 16);
  g_assert_true (motcua_calendar_is_working_day (calendar, &day));
  g_assert_null (motcua_calendar_get_day_off_name (calendar, &day));
  day = date (2026, 2, 18);
  g_assert_true (motcua_calendar_is_working_day (calendar, &day));
  day = date (2026, 4, 27);
  g_assert_true (motcua_calendar_is_working_day (calendar, &day));
  day = date (2026, 1, 1);
  g_assert_true (motcua_calendar_is_working_day (calendar, &day));

  /* Other years keep the built-in holidays. */
  day = date (2025, 1, 29);
  g_assert_false (motcua_calendar_is_working_day (calendar, &day));
  day = date (2027, 1, 1);
  g_assert_false (motcua_calendar_is_working_day (calendar, &day));

  /* Fri 13 February + 1 day: Mon 16 is worked now. */
  check_due (calendar, motcua_test_vn_time (2026, 2, 13, 9, 0, 0), 1, MOTCUA_TIME_UNIT_WORKING_DAYS,
             "2026-02-16T09:00:00+07:00");
  check_due (calendar, motcua_test_vn_time (2026, 2, 16, 9, 0, 0), 1, MOTCUA_TIME_UNIT_WORKING_DAYS,
             "2026-02-18T09:00:00+07:00");
}

static void
test_extra_day_off (void)
{
  g_autoptr(MotcuaCalendar) calendar = motcua_calendar_new (NULL);
  GDate day = date (2026, 3, 10);

  /* A day off added to a year without an official calendar adds to the built-ins. */
  motcua_calendar_add_day_off (calendar, &day, NULL);
  g_assert_false (motcua_calendar_is_working_day (calendar, &day));
  g_assert_null (motcua_calendar_get_day_off_name (calendar, &day));
  check_due (calendar, motcua_test_vn_time (2026, 3, 9, 9, 0, 0), 1, MOTCUA_TIME_UNIT_WORKING_DAYS,
             "2026-03-11T09:00:00+07:00");
  day = date (2026, 2, 17);
  g_assert_false (motcua_calendar_is_working_day (calendar, &day));
}

static void
test_swapped_working_day (void)
{
  g_autoptr(MotcuaCalendar) calendar = motcua_calendar_new (NULL);
  GDate day = date (2026, 3, 14);

  motcua_calendar_add_working_day (calendar, &day, "Worked in exchange");
  g_assert_true (motcua_calendar_is_working_day (calendar, &day));
  g_assert_null (motcua_calendar_get_day_off_name (calendar, &day));
  day = date (2026, 3, 15);
  g_assert_false (motcua_calendar_is_working_day (calendar, &day));

  check_clock_start (calendar, motcua_test_vn_time (2026, 3, 13, 17, 30, 0), "2026-03-14T07:00:00+07:00");
  check_due (calendar, motcua_test_vn_time (2026, 3, 13, 9, 0, 0), 1, MOTCUA_TIME_UNIT_WORKING_DAYS,
             "2026-03-14T09:00:00+07:00");
  check_due (calendar, motcua_test_vn_time (2026, 3, 13, 15, 30, 0), 0, MOTCUA_TIME_UNIT_SAME_DAY,
             "2026-03-14T17:00:00+07:00");

  /* Saying it is a day off after all wins, as the last word does. */
  day = date (2026, 3, 14);
  motcua_calendar_add_day_off (calendar, &day, "Changed");
  g_assert_false (motcua_calendar_is_working_day (calendar, &day));

  /* A built-in holiday can be worked too. */
  day = date (2026, 4, 27);
  motcua_calendar_add_working_day (calendar, &day, NULL);
  g_assert_true (motcua_calendar_is_working_day (calendar, &day));
  g_assert_null (motcua_calendar_get_day_off_name (calendar, &day));
}

static void
test_custom_working_hours (void)
{
  g_autoptr(MotcuaCalendar) calendar = motcua_calendar_new (NULL);

  /* 07:30–11:30 and 13:00–17:00: still eight hours. */
  g_assert_true (motcua_calendar_set_working_hours (calendar, 7 * 60 + 30, 11 * 60 + 30,
                                                    13 * 60, 17 * 60));
  check_clock_start (calendar, motcua_test_vn_time (2026, 3, 9, 7, 10, 0), "2026-03-09T07:30:00+07:00");
  check_clock_start (calendar, motcua_test_vn_time (2026, 3, 9, 12, 0, 0), "2026-03-09T13:00:00+07:00");
  check_clock_start (calendar, motcua_test_vn_time (2026, 3, 9, 13, 15, 0), "2026-03-09T13:15:00+07:00");
  check_due (calendar, motcua_test_vn_time (2026, 3, 9, 7, 0, 0), 1, MOTCUA_TIME_UNIT_WORKING_DAYS,
             "2026-03-09T17:00:00+07:00");
  check_due (calendar, motcua_test_vn_time (2026, 3, 9, 10, 30, 0), 1, MOTCUA_TIME_UNIT_WORKING_DAYS,
             "2026-03-10T10:30:00+07:00");

  /* 07:30–11:30 and 13:30–17:00 is 450 minutes: a working day still ends at 17:00
   * unless the agency says a day is 480 minutes. */
  g_assert_true (motcua_calendar_set_working_hours (calendar, 7 * 60 + 30, 11 * 60 + 30,
                                                    13 * 60 + 30, 17 * 60));
  check_due (calendar, motcua_test_vn_time (2026, 3, 9, 7, 30, 0), 1, MOTCUA_TIME_UNIT_WORKING_DAYS,
             "2026-03-09T17:00:00+07:00");
  motcua_calendar_set_minutes_per_day (calendar, 480);
  check_due (calendar, motcua_test_vn_time (2026, 3, 9, 7, 30, 0), 1, MOTCUA_TIME_UNIT_WORKING_DAYS,
             "2026-03-10T08:00:00+07:00");
  check_due (calendar, motcua_test_vn_time (2026, 3, 9, 7, 30, 0), 2, MOTCUA_TIME_UNIT_WORKING_DAYS,
             "2026-03-11T08:30:00+07:00");
}

static void
test_invalid_working_hours (void)
{
  g_autoptr(MotcuaCalendar) calendar = motcua_calendar_new (NULL);

  g_assert_false (motcua_calendar_set_working_hours (calendar, 690, 420, 810, 1020));
  g_assert_false (motcua_calendar_set_working_hours (calendar, 420, 420, 810, 1020));
  g_assert_false (motcua_calendar_set_working_hours (calendar, 420, 840, 810, 1020));
  g_assert_false (motcua_calendar_set_working_hours (calendar, 420, 690, 1020, 1020));
  g_assert_false (motcua_calendar_set_working_hours (calendar, -30, 690, 810, 1020));
  g_assert_false (motcua_calendar_set_working_hours (calendar, 420, 690, 810, 1500));

  /* Nothing changed. */
  check_clock_start (calendar, motcua_test_vn_time (2026, 3, 9, 6, 0, 0), "2026-03-09T07:00:00+07:00");
  check_clock_start (calendar, motcua_test_vn_time (2026, 3, 9, 12, 0, 0), "2026-03-09T13:30:00+07:00");
  check_due (calendar, motcua_test_vn_time (2026, 3, 9, 7, 0, 0), 1, MOTCUA_TIME_UNIT_WORKING_DAYS,
             "2026-03-09T17:00:00+07:00");

  /* No lunch break is allowed. */
  g_assert_true (motcua_calendar_set_working_hours (calendar, 420, 720, 720, 900));
  check_clock_start (calendar, motcua_test_vn_time (2026, 3, 9, 12, 0, 0), "2026-03-09T12:00:00+07:00");
  check_due (calendar, motcua_test_vn_time (2026, 3, 9, 7, 0, 0), 1, MOTCUA_TIME_UNIT_WORKING_DAYS,
             "2026-03-09T15:00:00+07:00");
}

static void
test_working_minutes_between (void)
{
  g_autoptr(MotcuaCalendar) calendar = motcua_calendar_new (NULL);

  check_between (calendar, motcua_test_vn_time (2026, 3, 9, 7, 0, 0),
                 motcua_test_vn_time (2026, 3, 9, 17, 0, 0), 480);
  check_between (calendar, motcua_test_vn_time (2026, 3, 9, 10, 0, 0),
                 motcua_test_vn_time (2026, 3, 10, 10, 0, 0), 480);
  check_between (calendar, motcua_test_vn_time (2026, 3, 9, 11, 0, 0),
                 motcua_test_vn_time (2026, 3, 9, 14, 0, 0), 60);
  check_between (calendar, motcua_test_vn_time (2026, 3, 9, 12, 0, 0),
                 motcua_test_vn_time (2026, 3, 9, 13, 0, 0), 0);
  check_between (calendar, motcua_test_vn_time (2026, 3, 13, 16, 0, 0),
                 motcua_test_vn_time (2026, 3, 16, 8, 0, 0), 120);
  check_between (calendar, motcua_test_vn_time (2026, 3, 14, 8, 0, 0),
                 motcua_test_vn_time (2026, 3, 15, 16, 0, 0), 0);
  check_between (calendar, motcua_test_vn_time (2026, 3, 10, 8, 0, 0),
                 motcua_test_vn_time (2026, 3, 9, 8, 0, 0), 0);
  check_between (calendar, motcua_test_vn_time (2026, 3, 9, 8, 0, 0),
                 motcua_test_vn_time (2026, 3, 9, 8, 0, 0), 0);
  /* Mon 9 – Fri 13 February; Tết takes the following week. */
  check_between (calendar, motcua_test_vn_time (2026, 2, 9, 7, 0, 0),
                 motcua_test_vn_time (2026, 2, 23, 7, 0, 0), 5 * 480);
  /* A minute that has only begun does not count. */
  check_between (calendar, motcua_test_vn_time (2026, 3, 9, 9, 0, 30),
                 motcua_test_vn_time (2026, 3, 9, 9, 2, 0), 1);
  /* 2026: 365 days, 104 of them weekend days (it starts on a Thursday), and 11
   * holidays on weekdays (1 Jan, 16–20 Feb, 27 Apr, 30 Apr, 1 May, 2–3 Sep):
   * 250 working days. */
  check_between (calendar, motcua_test_vn_time (2026, 1, 1, 0, 0, 0),
                 motcua_test_vn_time (2027, 1, 1, 0, 0, 0), 250 * 480);
}

/* Whether @time is in (start, end] of a working interval: there adding the minutes
 * counted up to it must land exactly on it. */
static gboolean
ends_working_minute (MotcuaCalendar *calendar,
                     GDateTime      *time)
{
  int minute = g_date_time_get_hour (time) * 60 + g_date_time_get_minute (time);
  GDate day = date (g_date_time_get_year (time),
                    g_date_time_get_month (time),
                    g_date_time_get_day_of_month (time));

  if (!motcua_calendar_is_working_day (calendar, &day))
    return FALSE;
  return (minute > 7 * 60 && minute <= 11 * 60 + 30)
         || (minute > 13 * 60 + 30 && minute <= 17 * 60);
}

static GDateTime *
random_instant (void)
{
  g_autoptr(GDateTime) base = motcua_test_vn_time (2025, 1, 1, 0, 0, 0);

  return g_date_time_add_minutes (base, g_test_rand_int_range (0, 3 * 365 * 24 * 60));
}

static void
test_round_trip (void)
{
  g_autoptr(MotcuaCalendar) calendar = motcua_calendar_new (NULL);
  guint checked_to = 0;

  for (guint i = 0; i < 5000; i++)
    {
      g_autoptr(GDateTime) from = random_instant ();
      g_autoptr(GDateTime) to = random_instant ();
      gint64 minutes = g_test_rand_int_range (0, 40 * 480);
      g_autoptr(GDateTime) later = motcua_calendar_add_working_minutes (calendar, from, minutes);

      g_assert_cmpint (motcua_calendar_working_minutes_between (calendar, from, later), ==, minutes);
      g_assert_cmpint (g_date_time_compare (later, from), >=, 0);

      if (g_date_time_compare (to, from) > 0 && ends_working_minute (calendar, to))
        {
          gint64 between = motcua_calendar_working_minutes_between (calendar, from, to);
          g_autoptr(GDateTime) back = motcua_calendar_add_working_minutes (calendar, from, between);

          g_assert_true (g_date_time_equal (back, to));
          checked_to++;
        }
    }

  /* About a quarter of the random pairs qualify; make sure the branch ran. */
  g_assert_cmpuint (checked_to, >, 100);
}

static void
test_add_working_minutes (void)
{
  g_autoptr(MotcuaCalendar) calendar = motcua_calendar_new (NULL);
  g_autoptr(GTimeZone) tz = motcua_time_zone_default ();
  g_autoptr(GDateTime) saturday = motcua_test_vn_time (2026, 3, 14, 10, 0, 0);
  g_autoptr(GDateTime) same = motcua_calendar_add_working_minutes (calendar, saturday, 0);
  g_autoptr(GDateTime) monday = motcua_calendar_add_working_minutes (calendar, saturday, 1);
  g_autoptr(GDateTime) with_seconds = g_date_time_new (tz, 2026, 3, 9, 11, 29, 15.5);
  g_autoptr(GDateTime) after_lunch = motcua_calendar_add_working_minutes (calendar, with_seconds, 1);

  assert_time (same, "2026-03-14T10:00:00+07:00");
  assert_time (monday, "2026-03-16T07:01:00+07:00");
  /* 44.5 seconds before lunch, 15.5 after it. */
  assert_time (after_lunch, "2026-03-09T13:30:15+07:00");
  g_assert_cmpint (g_date_time_get_microsecond (after_lunch), ==, 500000);
}

static void
test_long_spans_are_fast (void)
{
  g_autoptr(MotcuaCalendar) calendar = motcua_calendar_new (NULL);
  g_autoptr(GDateTime) from = motcua_test_vn_time (2020, 1, 1, 0, 0, 0);
  g_autoptr(GDateTime) to = motcua_test_vn_time (2028, 1, 1, 0, 0, 0);
  gint64 started, minutes = 0;

  /* Warm the holiday cache so only the walk itself is timed. */
  minutes = motcua_calendar_working_minutes_between (calendar, from, to);

  started = g_get_monotonic_time ();
  for (guint i = 0; i < 100; i++)
    {
      g_autoptr(GDateTime) back = motcua_calendar_add_working_minutes (calendar, from, minutes);

      g_assert_cmpint (motcua_calendar_working_minutes_between (calendar, from, to), ==, minutes);
      g_assert_true (g_date_time_compare (back, to) <= 0);
    }
  g_test_message ("8-year span: %" G_GINT64_FORMAT " us per between + add",
                  (g_get_monotonic_time () - started) / 100);
  /* Generous, so a loaded machine or valgrind does not fail it; minute-by-minute
   * walking would take far longer. */
  g_assert_cmpint (g_get_monotonic_time () - started, <, 5 * G_TIME_SPAN_SECOND);
}

static void
test_time_units (void)
{
  static const struct {
    const char     *text;
    MotcuaTimeUnit  unit;
  } words[] = {
    { "working_days", MOTCUA_TIME_UNIT_WORKING_DAYS },
    { "days", MOTCUA_TIME_UNIT_WORKING_DAYS },
    { "working-days", MOTCUA_TIME_UNIT_WORKING_DAYS },
    { "working_hours", MOTCUA_TIME_UNIT_WORKING_HOURS },
    { "hours", MOTCUA_TIME_UNIT_WORKING_HOURS },
    { "working-hours", MOTCUA_TIME_UNIT_WORKING_HOURS },
    { "calendar_days", MOTCUA_TIME_UNIT_CALENDAR_DAYS },
    { "calendar-days", MOTCUA_TIME_UNIT_CALENDAR_DAYS },
    { "same_day", MOTCUA_TIME_UNIT_SAME_DAY },
    { "same-day", MOTCUA_TIME_UNIT_SAME_DAY },
  };
  MotcuaTimeUnit unit = MOTCUA_TIME_UNIT_SAME_DAY;

  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    {
      g_assert_true (motcua_time_unit_from_string (words[i].text, &unit));
      g_assert_cmpint (unit, ==, words[i].unit);
    }

  unit = MOTCUA_TIME_UNIT_CALENDAR_DAYS;
  g_assert_false (motcua_time_unit_from_string ("weeks", &unit));
  g_assert_false (motcua_time_unit_from_string ("", &unit));
  g_assert_false (motcua_time_unit_from_string ("Days", &unit));
  g_assert_false (motcua_time_unit_from_string (NULL, &unit));
  g_assert_cmpint (unit, ==, MOTCUA_TIME_UNIT_CALENDAR_DAYS);

  g_assert_cmpstr (motcua_time_unit_to_string (MOTCUA_TIME_UNIT_WORKING_DAYS), ==, "working_days");
  g_assert_cmpstr (motcua_time_unit_to_string (MOTCUA_TIME_UNIT_WORKING_HOURS), ==, "working_hours");
  g_assert_cmpstr (motcua_time_unit_to_string (MOTCUA_TIME_UNIT_CALENDAR_DAYS), ==, "calendar_days");
  g_assert_cmpstr (motcua_time_unit_to_string (MOTCUA_TIME_UNIT_SAME_DAY), ==, "same_day");
}

static void
test_time_zone (void)
{
  g_autoptr(MotcuaCalendar) calendar = motcua_calendar_new (NULL);
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(MotcuaCalendar) utc_calendar = motcua_calendar_new (utc);

  g_assert_cmpint (g_time_zone_get_offset (motcua_calendar_get_time_zone (calendar), 0),
                   ==, 7 * 3600);
  g_assert_true (motcua_calendar_get_time_zone (utc_calendar) == utc);
  /* 09:00 at UTC+7 is 02:00 UTC, before that office opens. */
  check_clock_start (utc_calendar, motcua_test_vn_time (2026, 3, 9, 9, 0, 0), "2026-03-09T07:00:00+00:00");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lunar/new-year", test_lunar_new_year);
  g_test_add_func ("/lunar/known-days", test_lunar_known_days);
  g_test_add_func ("/lunar/leap-month", test_lunar_leap_month);
  g_test_add_func ("/lunar/round-trip", test_lunar_round_trip);
  g_test_add_func ("/holidays/2026", test_holidays_2026);
  g_test_add_func ("/holidays/compensation", test_holidays_compensation);
  g_test_add_func ("/calendar/working-days-2026", test_working_days_2026);
  g_test_add_func ("/calendar/clock-start", test_clock_start);
  g_test_add_func ("/calendar/clock-start-seconds-zone", test_clock_start_keeps_seconds_and_zone);
  g_test_add_func ("/calendar/due/working-days", test_due_working_days);
  g_test_add_func ("/calendar/due/working-hours", test_due_working_hours);
  g_test_add_func ("/calendar/due/calendar-days", test_due_calendar_days);
  g_test_add_func ("/calendar/due/same-day", test_due_same_day);
  g_test_add_func ("/calendar/official-year", test_official_year);
  g_test_add_func ("/calendar/extra-day-off", test_extra_day_off);
  g_test_add_func ("/calendar/swapped-working-day", test_swapped_working_day);
  g_test_add_func ("/calendar/custom-working-hours", test_custom_working_hours);
  g_test_add_func ("/calendar/invalid-working-hours", test_invalid_working_hours);
  g_test_add_func ("/calendar/minutes-between", test_working_minutes_between);
  g_test_add_func ("/calendar/add-minutes", test_add_working_minutes);
  g_test_add_func ("/calendar/round-trip", test_round_trip);
  g_test_add_func ("/calendar/long-spans", test_long_spans_are_fast);
  g_test_add_func ("/calendar/time-units", test_time_units);
  g_test_add_func ("/calendar/time-zone", test_time_zone);

  return g_test_run ();
}
