/* motcua-lunar.c: the Vietnamese lunisolar calendar.
 *
 * This is Hồ Ngọc Đức's published algorithm: new moons and the sun's longitude from
 * Meeus' "Astronomical Algorithms" approximations, the 11th lunar month as the one
 * holding the winter solstice, and the leap month as the first month of a 13-month
 * year without a major solar term. Everything is reckoned at UTC+7, which is what
 * makes Vietnamese dates differ from Chinese ones in some years (Tết 1985, 2007).
 */
#include "motcua-lunar.h"

#include <math.h>

#define TIME_ZONE 7.0

/* Astronomical julian day number of 1 January of year 1 (proleptic Gregorian) minus
 * one: GDate counts days from 1 so that 1 January 1 is day 1. */
#define GDATE_JULIAN_OFFSET 1721425

/* Julian day of the new moon of 1 January 1900 (in Meeus' lunation numbering)
 * and the mean synodic month; the pair is used to find lunation numbers. */
#define NEW_MOON_1900 2415021.076998695
#define SYNODIC_MONTH 29.530588853

/* The algorithm is valid for a few centuries around 2000; GDate needs year >= 1. */
#define FIRST_YEAR 1800
#define LAST_YEAR  2199

static inline double
radians (double degrees)
{
  return degrees * G_PI / 180.0;
}

static int
jd_from_gdate (const GDate *date)
{
  return (int) g_date_get_julian (date) + GDATE_JULIAN_OFFSET;
}

static int
jd_from_dmy (int day,
             int month,
             int year)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, day, month, year);
  return jd_from_gdate (&date);
}

/* Julian day (fractional, UT) of the @k-th new moon after 1 January 1900. */
static double
new_moon (int k)
{
  double t = k / 1236.85;
  double t2 = t * t;
  double t3 = t2 * t;
  double jd1, m, mpr, f, c1, delta_t;

  jd1 = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3;
  jd1 += 0.00033 * sin (radians (166.56 + 132.87 * t - 0.009173 * t2));

  /* Sun's and moon's mean anomalies and the moon's argument of latitude. */
  m = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3;
  mpr = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3;
  f = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3;

  c1 = (0.1734 - 0.000393 * t) * sin (radians (m)) + 0.0021 * sin (radians (2 * m));
  c1 = c1 - 0.4068 * sin (radians (mpr)) + 0.0161 * sin (radians (2 * mpr));
  c1 = c1 - 0.0004 * sin (radians (3 * mpr));
  c1 = c1 + 0.0104 * sin (radians (2 * f)) - 0.0051 * sin (radians (m + mpr));
  c1 = c1 - 0.0074 * sin (radians (m - mpr)) + 0.0004 * sin (radians (2 * f + m));
  c1 = c1 - 0.0004 * sin (radians (2 * f - m)) - 0.0006 * sin (radians (2 * f + mpr));
  c1 = c1 + 0.0010 * sin (radians (2 * f - mpr)) + 0.0005 * sin (radians (2 * mpr + m));

  if (t < -11)
    delta_t = 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3
              - 0.000000081 * t * t3;
  else
    delta_t = -0.000278 + 0.000265 * t + 0.000262 * t2;

  return jd1 + c1 - delta_t;
}

/* Julian day number of the local day holding the @k-th new moon. */
static int
new_moon_day (int k)
{
  return (int) floor (new_moon (k) + 0.5 + TIME_ZONE / 24.0);
}

/* The sun's apparent longitude in radians, in [0, 2π), at julian day @jd (UT). */
static double
sun_longitude (double jd)
{
  double t = (jd - 2451545.0) / 36525;
  double t2 = t * t;
  double m, l0, dl, l;

  m = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2;
  l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2;
  dl = (1.914600 - 0.004817 * t - 0.000014 * t2) * sin (radians (m));
  dl += (0.019993 - 0.000101 * t) * sin (radians (2 * m)) + 0.000290 * sin (radians (3 * m));

  l = radians (l0 + dl);
  return l - 2 * G_PI * floor (l / (2 * G_PI));
}

/* Which of the twelve 30° sectors (major solar terms) the sun is in at the start of
 * local day @day_number. */
static int
sun_sector (int day_number)
{
  double jd = day_number - 0.5 - TIME_ZONE / 24.0;

  return (int) floor (sun_longitude (jd) / G_PI * 6);
}

/* First day of the lunar month holding the winter solstice of solar @year. */
static int
lunar_month_11 (int year)
{
  int off = jd_from_dmy (31, 12, year) - 2415021;
  int k = (int) floor (off / SYNODIC_MONTH);
  int nm = new_moon_day (k);

  /* Past the solstice sector (270°) means this moon starts after the solstice. */
  if (sun_sector (nm) >= 9)
    nm = new_moon_day (k - 1);
  return nm;
}

/* In a 13-month year starting at month 11 on day @a11, how many months after it the
 * leap month comes: the first month whose start lies in the same sector as the next. */
static int
leap_month_offset (int a11)
{
  int k = (int) floor ((a11 - NEW_MOON_1900) / SYNODIC_MONTH + 0.5);
  int i = 1;
  int arc = sun_sector (new_moon_day (k + i));
  int last;

  do
    {
      last = arc;
      i++;
      arc = sun_sector (new_moon_day (k + i));
    }
  while (arc != last && i < 14);

  return i - 1;
}

gboolean
motcua_lunar_to_solar (int      day,
                       int      month,
                       int      year,
                       gboolean leap,
                       GDate   *solar)
{
  int a11, b11, k, off, month_start, next_start;

  g_return_val_if_fail (solar != NULL, FALSE);

  if (day < 1 || day > 30 || month < 1 || month > 12
      || year < FIRST_YEAR || year > LAST_YEAR)
    return FALSE;

  if (month < 11)
    {
      a11 = lunar_month_11 (year - 1);
      b11 = lunar_month_11 (year);
    }
  else
    {
      a11 = lunar_month_11 (year);
      b11 = lunar_month_11 (year + 1);
    }

  k = (int) floor (0.5 + (a11 - NEW_MOON_1900) / SYNODIC_MONTH);
  off = month - 11;
  if (off < 0)
    off += 12;

  if (b11 - a11 > 365)
    {
      int leap_off = leap_month_offset (a11);
      int leap_month = leap_off - 2;

      if (leap_month <= 0)
        leap_month += 12;
      if (leap && month != leap_month)
        return FALSE;
      if (leap || off >= leap_off)
        off += 1;
    }
  else if (leap)
    {
      return FALSE;
    }

  month_start = new_moon_day (k + off);
  next_start = new_moon_day (k + off + 1);
  if (month_start + day - 1 >= next_start)
    return FALSE;

  g_date_clear (solar, 1);
  g_date_set_julian (solar, month_start + day - 1 - GDATE_JULIAN_OFFSET);
  return TRUE;
}

void
motcua_lunar_from_solar (const GDate *solar,
                         int         *day,
                         int         *month,
                         int         *year,
                         gboolean    *leap)
{
  int solar_year, day_number, k, month_start, a11, b11, diff;
  int lunar_day, lunar_month, lunar_year;
  gboolean lunar_leap = FALSE;

  g_return_if_fail (solar != NULL && g_date_valid (solar));

  solar_year = g_date_get_year (solar);
  day_number = jd_from_gdate (solar);

  /* The mean month only estimates the lunation, and the true new moon can be far
   * enough from it that the published version gives day 0 (7 May 2054, 9 April
   * 2062): step until the month really holds the day. */
  k = (int) floor ((day_number - NEW_MOON_1900) / SYNODIC_MONTH) + 1;
  while (new_moon_day (k) > day_number)
    k--;
  while (new_moon_day (k + 1) <= day_number)
    k++;
  month_start = new_moon_day (k);

  a11 = lunar_month_11 (solar_year);
  b11 = a11;
  if (a11 >= month_start)
    {
      lunar_year = solar_year;
      a11 = lunar_month_11 (solar_year - 1);
    }
  else
    {
      lunar_year = solar_year + 1;
      b11 = lunar_month_11 (solar_year + 1);
    }

  lunar_day = day_number - month_start + 1;
  diff = (month_start - a11) / 29;
  lunar_month = diff + 11;

  if (b11 - a11 > 365)
    {
      int leap_diff = leap_month_offset (a11);

      if (diff >= leap_diff)
        {
          lunar_month = diff + 10;
          lunar_leap = (diff == leap_diff);
        }
    }

  if (lunar_month > 12)
    lunar_month -= 12;
  if (lunar_month >= 11 && diff < 4)
    lunar_year -= 1;

  if (day != NULL)
    *day = lunar_day;
  if (month != NULL)
    *month = lunar_month;
  if (year != NULL)
    *year = lunar_year;
  if (leap != NULL)
    *leap = lunar_leap;
}
