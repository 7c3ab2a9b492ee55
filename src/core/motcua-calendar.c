/* motcua-calendar.c: working time of one agency.
 *
 * Instants are handled as a local day (GDate julian day in the agency zone) and the
 * microseconds since its midnight, so walking the calendar is a loop over days with
 * at most two working intervals each; nothing loops minute by minute.
 */
#include "motcua-calendar.h"
#include "motcua-holidays.h"
#include "motcua-time.h"

#define MINUTE_US G_TIME_SPAN_MINUTE

struct _MotcuaCalendar
{
  GObject     parent_instance;

  GTimeZone  *tz;

  /* Working hours in minutes since midnight. */
  int         morning_start;
  int         morning_end;
  int         afternoon_start;
  int         afternoon_end;
  /* 0 means "the length of the working hours". */
  int         minutes_per_day;
  int         same_day_cutoff;

  /* julian day → owned name (may be NULL) */
  GHashTable *days_off;
  GHashTable *working_days;
  /* year → year: years whose days off come only from the server */
  GHashTable *official_years;
  /* year → year: years whose built-in holidays are in @builtin */
  GHashTable *builtin_years;
  /* julian day → static untranslated name */
  GHashTable *builtin;
};

G_DEFINE_FINAL_TYPE (MotcuaCalendar, motcua_calendar, G_TYPE_OBJECT)

/* A local instant: day and microseconds since its midnight. */
typedef struct {
  guint32 day;
  gint64  us;
} Instant;

static const char * const unit_names[] = {
  [MOTCUA_TIME_UNIT_WORKING_DAYS] = "working_days",
  [MOTCUA_TIME_UNIT_WORKING_HOURS] = "working_hours",
  [MOTCUA_TIME_UNIT_CALENDAR_DAYS] = "calendar_days",
  [MOTCUA_TIME_UNIT_SAME_DAY] = "same_day",
};

const char *
motcua_time_unit_to_string (MotcuaTimeUnit unit)
{
  g_return_val_if_fail ((guint) unit < G_N_ELEMENTS (unit_names), NULL);

  return unit_names[unit];
}

gboolean
motcua_time_unit_from_string (const char     *text,
                              MotcuaTimeUnit *unit)
{
  static const struct {
    const char     *text;
    MotcuaTimeUnit  unit;
  } words[] = {
    { "working_days", MOTCUA_TIME_UNIT_WORKING_DAYS },
    { "working-days", MOTCUA_TIME_UNIT_WORKING_DAYS },
    { "days", MOTCUA_TIME_UNIT_WORKING_DAYS },
    { "working_hours", MOTCUA_TIME_UNIT_WORKING_HOURS },
    { "working-hours", MOTCUA_TIME_UNIT_WORKING_HOURS },
    { "hours", MOTCUA_TIME_UNIT_WORKING_HOURS },
    { "calendar_days", MOTCUA_TIME_UNIT_CALENDAR_DAYS },
    { "calendar-days", MOTCUA_TIME_UNIT_CALENDAR_DAYS },
    { "same_day", MOTCUA_TIME_UNIT_SAME_DAY },
    { "same-day", MOTCUA_TIME_UNIT_SAME_DAY },
  };

  if (text == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    {
      if (g_str_equal (text, words[i].text))
        {
          if (unit != NULL)
            *unit = words[i].unit;
          return TRUE;
        }
    }

  return FALSE;
}

static void
motcua_calendar_finalize (GObject *object)
{
  MotcuaCalendar *self = (MotcuaCalendar *)object;

  g_clear_pointer (&self->tz, g_time_zone_unref);
  g_clear_pointer (&self->days_off, g_hash_table_unref);
  g_clear_pointer (&self->working_days, g_hash_table_unref);
  g_clear_pointer (&self->official_years, g_hash_table_unref);
  g_clear_pointer (&self->builtin_years, g_hash_table_unref);
  g_clear_pointer (&self->builtin, g_hash_table_unref);

  G_OBJECT_CLASS (motcua_calendar_parent_class)->finalize (object);
}

static void
motcua_calendar_class_init (MotcuaCalendarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = motcua_calendar_finalize;
}

static void
motcua_calendar_init (MotcuaCalendar *self)
{
  self->morning_start = 7 * 60;
  self->morning_end = 11 * 60 + 30;
  self->afternoon_start = 13 * 60 + 30;
  self->afternoon_end = 17 * 60;
  self->minutes_per_day = 0;
  self->same_day_cutoff = 15 * 60;

  self->days_off = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->working_days = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->official_years = g_hash_table_new (NULL, NULL);
  self->builtin_years = g_hash_table_new (NULL, NULL);
  self->builtin = g_hash_table_new (NULL, NULL);
}

MotcuaCalendar *
motcua_calendar_new (GTimeZone *tz)
{
  MotcuaCalendar *self = g_object_new (MOTCUA_TYPE_CALENDAR, NULL);

  self->tz = tz != NULL ? g_time_zone_ref (tz) : motcua_time_zone_default ();
  return self;
}

GTimeZone *
motcua_calendar_get_time_zone (MotcuaCalendar *self)
{
  g_return_val_if_fail (MOTCUA_IS_CALENDAR (self), NULL);

  return self->tz;
}

gboolean
motcua_calendar_set_working_hours (MotcuaCalendar *self,
                                   int             morning_start,
                                   int             morning_end,
                                   int             afternoon_start,
                                   int             afternoon_end)
{
  g_return_val_if_fail (MOTCUA_IS_CALENDAR (self), FALSE);

  if (!(0 <= morning_start
        && morning_start < morning_end
        && morning_end <= afternoon_start
        && afternoon_start < afternoon_end
        && afternoon_end <= 24 * 60))
    return FALSE;

  self->morning_start = morning_start;
  self->morning_end = morning_end;
  self->afternoon_start = afternoon_start;
  self->afternoon_end = afternoon_end;
  return TRUE;
}

/* Until an agency sets it, a working day is as long as its working hours (480 minutes
 * with the default hours), so "1 working day" ends at the close of business even for
 * agencies that work 7.5 hours. A value <= 0 goes back to that. */
void
motcua_calendar_set_minutes_per_day (MotcuaCalendar *self,
                                     int             minutes)
{
  g_return_if_fail (MOTCUA_IS_CALENDAR (self));

  self->minutes_per_day = MAX (minutes, 0);
}

void
motcua_calendar_set_same_day_cutoff (MotcuaCalendar *self,
                                     int             minutes)
{
  g_return_if_fail (MOTCUA_IS_CALENDAR (self));

  self->same_day_cutoff = minutes < 0 ? -1 : minutes;
}

void
motcua_calendar_set_official_year (MotcuaCalendar *self,
                                   int             year)
{
  g_return_if_fail (MOTCUA_IS_CALENDAR (self));

  g_hash_table_add (self->official_years, GINT_TO_POINTER (year));
}

static gpointer
day_key (const GDate *date)
{
  return GUINT_TO_POINTER (g_date_get_julian (date));
}

/* A date is either a day off or a swapped working day, whichever was said last. */
void
motcua_calendar_add_day_off (MotcuaCalendar *self,
                             const GDate    *date,
                             const char     *name)
{
  g_return_if_fail (MOTCUA_IS_CALENDAR (self));
  g_return_if_fail (date != NULL && g_date_valid (date));

  g_hash_table_remove (self->working_days, day_key (date));
  g_hash_table_insert (self->days_off, day_key (date), g_strdup (name));
}

void
motcua_calendar_add_working_day (MotcuaCalendar *self,
                                 const GDate    *date,
                                 const char     *name)
{
  g_return_if_fail (MOTCUA_IS_CALENDAR (self));
  g_return_if_fail (date != NULL && g_date_valid (date));

  g_hash_table_remove (self->days_off, day_key (date));
  g_hash_table_insert (self->working_days, day_key (date), g_strdup (name));
}

static const char *
lookup_builtin (MotcuaCalendar *self,
                const GDate    *date,
                gboolean       *found)
{
  gpointer year = GINT_TO_POINTER ((int) g_date_get_year (date));
  gpointer name = NULL;

  *found = FALSE;
  if (g_hash_table_contains (self->official_years, year))
    return NULL;

  if (!g_hash_table_contains (self->builtin_years, year))
    {
      g_autoptr(GArray) holidays = motcua_holidays_builtin (GPOINTER_TO_INT (year));

      for (guint i = 0; i < holidays->len; i++)
        {
          MotcuaHoliday *holiday = &g_array_index (holidays, MotcuaHoliday, i);

          g_hash_table_insert (self->builtin, day_key (&holiday->date), (char *)holiday->name);
        }
      g_hash_table_add (self->builtin_years, year);
    }

  *found = g_hash_table_lookup_extended (self->builtin, day_key (date), NULL, &name);
  return name;
}

/* Whether @date is a day off other than an ordinary weekend; sets @name if it is. */
static gboolean
is_holiday (MotcuaCalendar *self,
            const GDate    *date,
            const char    **name)
{
  gpointer value = NULL;
  gboolean found;

  if (g_hash_table_contains (self->working_days, day_key (date)))
    return FALSE;

  if (g_hash_table_lookup_extended (self->days_off, day_key (date), NULL, &value))
    {
      *name = value;
      return TRUE;
    }

  *name = lookup_builtin (self, date, &found);
  return found;
}

gboolean
motcua_calendar_is_working_day (MotcuaCalendar *self,
                                const GDate    *date)
{
  const char *name;
  GDateWeekday weekday;

  g_return_val_if_fail (MOTCUA_IS_CALENDAR (self), FALSE);
  g_return_val_if_fail (date != NULL && g_date_valid (date), FALSE);

  if (is_holiday (self, date, &name))
    return FALSE;
  if (g_hash_table_contains (self->working_days, day_key (date)))
    return TRUE;

  weekday = g_date_get_weekday (date);
  return weekday != G_DATE_SATURDAY && weekday != G_DATE_SUNDAY;
}

const char *
motcua_calendar_get_day_off_name (MotcuaCalendar *self,
                                  const GDate    *date)
{
  const char *name = NULL;

  g_return_val_if_fail (MOTCUA_IS_CALENDAR (self), NULL);
  g_return_val_if_fail (date != NULL && g_date_valid (date), NULL);

  if (!is_holiday (self, date, &name))
    return NULL;
  return name;
}

static gboolean
is_working_julian (MotcuaCalendar *self,
                   guint32         day)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_julian (&date, day);
  return motcua_calendar_is_working_day (self, &date);
}

static guint32
next_working_day (MotcuaCalendar *self,
                  guint32         day)
{
  do
    day++;
  while (!is_working_julian (self, day));
  return day;
}

static Instant
instant_from_date_time (MotcuaCalendar *self,
                        GDateTime      *time)
{
  g_autoptr(GDateTime) local = g_date_time_to_timezone (time, self->tz);
  Instant instant;
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date,
                  g_date_time_get_day_of_month (local),
                  g_date_time_get_month (local),
                  g_date_time_get_year (local));
  instant.day = g_date_get_julian (&date);
  instant.us = (g_date_time_get_hour (local) * G_TIME_SPAN_HOUR
                + g_date_time_get_minute (local) * G_TIME_SPAN_MINUTE
                + g_date_time_get_second (local) * G_TIME_SPAN_SECOND
                + g_date_time_get_microsecond (local));
  return instant;
}

static GDateTime *
instant_to_date_time (MotcuaCalendar *self,
                      Instant         instant)
{
  g_autoptr(GDateTime) minute = NULL;
  GDate date;
  gint64 minutes;

  /* Working hours may end at midnight, which is 00:00 of the next day. */
  if (instant.us >= G_TIME_SPAN_DAY)
    {
      instant.day++;
      instant.us -= G_TIME_SPAN_DAY;
    }
  minutes = instant.us / MINUTE_US;

  g_date_clear (&date, 1);
  g_date_set_julian (&date, instant.day);

  /* Build the wall-clock minute, then add the seconds: passing them as a double
   * would round microseconds. */
  minute = g_date_time_new (self->tz,
                            g_date_get_year (&date),
                            g_date_get_month (&date),
                            g_date_get_day (&date),
                            minutes / 60, minutes % 60, 0);
  return g_date_time_add (minute, instant.us % MINUTE_US);
}

/* The two working intervals of a day, in microseconds since midnight. */
static void
get_intervals (MotcuaCalendar *self,
               gint64          starts[2],
               gint64          ends[2])
{
  starts[0] = self->morning_start * MINUTE_US;
  ends[0] = self->morning_end * MINUTE_US;
  starts[1] = self->afternoon_start * MINUTE_US;
  ends[1] = self->afternoon_end * MINUTE_US;
}

static gint64
working_day_minutes (MotcuaCalendar *self)
{
  if (self->minutes_per_day > 0)
    return self->minutes_per_day;
  return (self->morning_end - self->morning_start)
         + (self->afternoon_end - self->afternoon_start);
}

static Instant
clock_start (MotcuaCalendar *self,
             Instant         received)
{
  Instant start = received;

  if (!is_working_julian (self, received.day)
      || received.us >= self->afternoon_end * MINUTE_US)
    {
      start.day = next_working_day (self, received.day);
      start.us = self->morning_start * MINUTE_US;
    }
  else if (received.us < self->morning_start * MINUTE_US)
    {
      start.us = self->morning_start * MINUTE_US;
    }
  else if (received.us >= self->morning_end * MINUTE_US
           && received.us < self->afternoon_start * MINUTE_US)
    {
      start.us = self->afternoon_start * MINUTE_US;
    }

  return start;
}

GDateTime *
motcua_calendar_clock_start (MotcuaCalendar *self,
                             GDateTime      *received)
{
  g_return_val_if_fail (MOTCUA_IS_CALENDAR (self), NULL);
  g_return_val_if_fail (received != NULL, NULL);

  return instant_to_date_time (self, clock_start (self, instant_from_date_time (self, received)));
}

/* Working microseconds of one day between @from_us and @to_us. */
static gint64
working_us_in_day (MotcuaCalendar *self,
                   gint64          from_us,
                   gint64          to_us)
{
  gint64 starts[2], ends[2];
  gint64 total = 0;

  get_intervals (self, starts, ends);
  for (guint i = 0; i < 2; i++)
    {
      gint64 a = MAX (from_us, starts[i]);
      gint64 b = MIN (to_us, ends[i]);

      if (b > a)
        total += b - a;
    }
  return total;
}

static gint64
working_us_between (MotcuaCalendar *self,
                    Instant         from,
                    Instant         to)
{
  gint64 total = 0;

  for (guint32 day = from.day; day <= to.day; day++)
    {
      gint64 a = day == from.day ? from.us : 0;
      gint64 b = day == to.day ? to.us : G_TIME_SPAN_DAY;

      if (is_working_julian (self, day))
        total += working_us_in_day (self, a, b);
    }
  return total;
}

gint64
motcua_calendar_working_minutes_between (MotcuaCalendar *self,
                                         GDateTime      *from,
                                         GDateTime      *to)
{
  g_return_val_if_fail (MOTCUA_IS_CALENDAR (self), 0);
  g_return_val_if_fail (from != NULL && to != NULL, 0);

  if (g_date_time_compare (to, from) <= 0)
    return 0;

  /* A started minute does not count: minutes are whole. */
  return working_us_between (self,
                             instant_from_date_time (self, from),
                             instant_from_date_time (self, to)) / MINUTE_US;
}

/* Walks forward from @from; an amount that exactly fills an interval ends at its
 * close (11:30, 17:00) rather than at the next opening, as a due time should. */
static Instant
add_working_us (MotcuaCalendar *self,
                Instant         from,
                gint64          remaining)
{
  gint64 starts[2], ends[2];
  Instant at = from;

  if (remaining <= 0)
    return from;

  get_intervals (self, starts, ends);
  for (;;)
    {
      if (is_working_julian (self, at.day))
        {
          for (guint i = 0; i < 2; i++)
            {
              gint64 start = MAX (at.us, starts[i]);
              gint64 available = ends[i] - start;

              if (available <= 0)
                continue;
              if (remaining <= available)
                {
                  at.us = start + remaining;
                  return at;
                }
              remaining -= available;
            }
        }
      at.day++;
      at.us = 0;
    }
}

GDateTime *
motcua_calendar_add_working_minutes (MotcuaCalendar *self,
                                     GDateTime      *from,
                                     gint64          minutes)
{
  Instant at;

  g_return_val_if_fail (MOTCUA_IS_CALENDAR (self), NULL);
  g_return_val_if_fail (from != NULL, NULL);
  g_return_val_if_fail (minutes >= 0, NULL);

  at = add_working_us (self, instant_from_date_time (self, from), minutes * MINUTE_US);
  return instant_to_date_time (self, at);
}

static Instant
close_of_day (MotcuaCalendar *self,
              guint32         day)
{
  Instant close = { day, self->afternoon_end * MINUTE_US };

  return close;
}

static Instant
calendar_days_due (MotcuaCalendar *self,
                   Instant         start,
                   int             amount)
{
  guint32 day = start.day + amount;

  if (!is_working_julian (self, day))
    day = next_working_day (self, day);
  return close_of_day (self, day);
}

/* Received on a working day before the cut-off: that day's close. Otherwise the close
 * of the next working day. A cut-off later than the close of business, or none at
 * all, still sends dossiers received after hours to the next day. */
static Instant
same_day_due (MotcuaCalendar *self,
              Instant         received)
{
  int cutoff = self->afternoon_end;

  if (self->same_day_cutoff >= 0)
    cutoff = MIN (self->same_day_cutoff, cutoff);

  if (is_working_julian (self, received.day) && received.us < cutoff * MINUTE_US)
    return close_of_day (self, received.day);
  return close_of_day (self, next_working_day (self, received.day));
}

GDateTime *
motcua_calendar_due (MotcuaCalendar *self,
                     GDateTime      *received,
                     int             amount,
                     MotcuaTimeUnit  unit)
{
  Instant at, start, due;

  g_return_val_if_fail (MOTCUA_IS_CALENDAR (self), NULL);
  g_return_val_if_fail (received != NULL, NULL);
  g_return_val_if_fail (amount >= 0 || unit == MOTCUA_TIME_UNIT_SAME_DAY, NULL);

  at = instant_from_date_time (self, received);
  start = clock_start (self, at);

  switch (unit)
    {
    case MOTCUA_TIME_UNIT_WORKING_DAYS:
      due = add_working_us (self, start, amount * working_day_minutes (self) * MINUTE_US);
      break;

    case MOTCUA_TIME_UNIT_WORKING_HOURS:
      due = add_working_us (self, start, amount * G_TIME_SPAN_HOUR);
      break;

    case MOTCUA_TIME_UNIT_CALENDAR_DAYS:
      due = calendar_days_due (self, start, amount);
      break;

    case MOTCUA_TIME_UNIT_SAME_DAY:
      due = same_day_due (self, at);
      break;

    default:
      g_return_val_if_reached (NULL);
    }

  return instant_to_date_time (self, due);
}
