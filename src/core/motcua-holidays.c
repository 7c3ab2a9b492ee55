/* motcua-holidays.c: the Labour Code's public holidays as an offline default.
 *
 * Each year the government announces the real days off (often bridging Tết to a
 * weekend and swapping a Saturday); this is only the legal minimum, used until the
 * server sends the year's official calendar.
 */
#include "motcua-holidays.h"
#include "motcua-lunar.h"

#include <glib/gi18n-lib.h>

static void
add_day (GArray      *days,
         const GDate *date,
         const char  *name)
{
  MotcuaHoliday holiday = { 0 };

  /* Two holidays on one date (Hùng Kings' day can fall on 30 April) give one day. */
  for (guint i = 0; i < days->len; i++)
    {
      if (g_date_compare (&g_array_index (days, MotcuaHoliday, i).date, date) == 0)
        return;
    }

  holiday.date = *date;
  holiday.name = name;
  g_array_append_val (days, holiday);
}

static void
add_dmy (GArray     *days,
         int         day,
         int         month,
         int         year,
         const char *name)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, day, month, year);
  add_day (days, &date, name);
}

static void
add_lunar_new_year (GArray *days,
                    int     year)
{
  GDate date;

  if (!motcua_lunar_to_solar (1, 1, year, FALSE, &date))
    return;

  /* New Year's Eve (the 29th or 30th of the 12th month) and the first four days. */
  g_date_subtract_days (&date, 1);
  add_day (days, &date, N_("Lunar New Year's Eve"));
  for (int i = 0; i < 4; i++)
    {
      g_date_add_days (&date, 1);
      add_day (days, &date, N_("Lunar New Year"));
    }
}

static void
add_hung_kings (GArray *days,
                int     year)
{
  GDate date;

  if (motcua_lunar_to_solar (10, 3, year, FALSE, &date))
    add_day (days, &date, N_("Hùng Kings' Commemoration Day"));
}

/* The law only says "one adjacent day". The government has picked the day that joins
 * the holiday to a weekend: Mon 1 Sep when 2 Sep is a Tuesday (2025), Thu 1 Sep when it
 * is a Friday (2022), Fri 1 Sep when it is a Saturday (2023), and 3 Sep otherwise (Fri
 * 3 Sep 2021, Tue 3 Sep 2024). The official calendar overrides this default. */
static void
add_national_day (GArray *days,
                  int     year)
{
  GDate date;
  GDateWeekday weekday;
  gboolean day_before;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, 2, G_DATE_SEPTEMBER, year);
  weekday = g_date_get_weekday (&date);
  day_before = (weekday == G_DATE_TUESDAY
                || weekday == G_DATE_FRIDAY
                || weekday == G_DATE_SATURDAY);

  add_day (days, &date, N_("National Day"));
  add_dmy (days, day_before ? 1 : 3, G_DATE_SEPTEMBER, year, N_("National Day holiday"));
}

static gint
compare_holidays (gconstpointer a,
                  gconstpointer b)
{
  const MotcuaHoliday *ha = a;
  const MotcuaHoliday *hb = b;

  return g_date_compare (&ha->date, &hb->date);
}

static gboolean
is_weekend (const GDate *date)
{
  GDateWeekday weekday = g_date_get_weekday (date);

  return weekday == G_DATE_SATURDAY || weekday == G_DATE_SUNDAY;
}

static gboolean
contains_date (GArray      *days,
               const GDate *date)
{
  for (guint i = 0; i < days->len; i++)
    {
      if (g_date_compare (&g_array_index (days, MotcuaHoliday, i).date, date) == 0)
        return TRUE;
    }
  return FALSE;
}

/* Labour Code art. 112(3): a holiday on a weekly day off is made up on the next
 * working day. Going in date order and counting the days already given keeps two
 * weekend holidays (Tết over Saturday and Sunday) from landing on the same day. */
static void
add_compensations (GArray *days)
{
  guint n_holidays = days->len;

  for (guint i = 0; i < n_holidays; i++)
    {
      GDate date = g_array_index (days, MotcuaHoliday, i).date;

      if (!is_weekend (&date))
        continue;

      do
        g_date_add_days (&date, 1);
      while (is_weekend (&date) || contains_date (days, &date));

      add_day (days, &date, N_("Compensatory day off"));
    }
}

GArray *
motcua_holidays_builtin (int year)
{
  GArray *days = g_array_new (FALSE, TRUE, sizeof (MotcuaHoliday));

  g_return_val_if_fail (year > 1 && year < 9999, days);

  add_dmy (days, 1, G_DATE_JANUARY, year, N_("New Year's Day"));
  add_lunar_new_year (days, year);
  add_hung_kings (days, year);
  add_dmy (days, 30, G_DATE_APRIL, year, N_("Reunification Day"));
  add_dmy (days, 1, G_DATE_MAY, year, N_("International Workers' Day"));
  add_national_day (days, year);

  g_array_sort (days, compare_holidays);
  add_compensations (days);
  g_array_sort (days, compare_holidays);

  return days;
}
