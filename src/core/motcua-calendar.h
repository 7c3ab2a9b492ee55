/* motcua-calendar.h: working time of one agency.
 *
 * Decides when the statutory processing time of a dossier ends: working hours
 * (default 07:00–11:30 and 13:30–17:00, 8 working hours = 1 working day), weekends,
 * public holidays and swapped working days, the after-hours and lunch rules, and the
 * same-day cut-off. Pure computation: the store fills it from the agency settings and
 * the calendar table, so it is testable without a database.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
  MOTCUA_TIME_UNIT_WORKING_DAYS,
  MOTCUA_TIME_UNIT_WORKING_HOURS,
  MOTCUA_TIME_UNIT_CALENDAR_DAYS,
  MOTCUA_TIME_UNIT_SAME_DAY,
} MotcuaTimeUnit;

/* "working_days", "working_hours", "calendar_days", "same_day" (the catalog's words). */
const char *motcua_time_unit_to_string   (MotcuaTimeUnit unit);
/* Also accepts the command line's "days", "hours", "calendar-days", "same-day". */
gboolean    motcua_time_unit_from_string (const char     *text,
                                          MotcuaTimeUnit *unit);

#define MOTCUA_TYPE_CALENDAR (motcua_calendar_get_type ())
G_DECLARE_FINAL_TYPE (MotcuaCalendar, motcua_calendar, MOTCUA, CALENDAR, GObject)

/* @tz: the agency's zone; NULL means UTC+7. */
MotcuaCalendar *motcua_calendar_new                 (GTimeZone      *tz);
GTimeZone      *motcua_calendar_get_time_zone       (MotcuaCalendar *self);

/* Minutes since midnight. Returns FALSE (and changes nothing) unless
 * morning_start < morning_end <= afternoon_start < afternoon_end. */
gboolean        motcua_calendar_set_working_hours   (MotcuaCalendar *self,
                                                     int             morning_start,
                                                     int             morning_end,
                                                     int             afternoon_start,
                                                     int             afternoon_end);
/* Length of one working day for day-based amounts; default 480 minutes (8 hours). */
void            motcua_calendar_set_minutes_per_day (MotcuaCalendar *self,
                                                     int             minutes);
/* Same-day procedures received at or after this time return the next working day;
 * default 15:00 (900). A negative value disables the rule. */
void            motcua_calendar_set_same_day_cutoff (MotcuaCalendar *self,
                                                     int             minutes);

/* An official calendar (from the server) for @year replaces the built-in holidays of
 * that year: only days added with add_day_off/add_working_day count for it. */
void            motcua_calendar_set_official_year   (MotcuaCalendar *self,
                                                     int             year);
void            motcua_calendar_add_day_off         (MotcuaCalendar *self,
                                                     const GDate    *date,
                                                     const char     *name);
/* A swapped working day: a Saturday or Sunday that is worked. */
void            motcua_calendar_add_working_day     (MotcuaCalendar *self,
                                                     const GDate    *date,
                                                     const char     *name);

gboolean        motcua_calendar_is_working_day      (MotcuaCalendar *self,
                                                     const GDate    *date);
/* Name of the holiday on @date, or NULL. */
const char     *motcua_calendar_get_day_off_name    (MotcuaCalendar *self,
                                                     const GDate    *date);

/* When the clock of a dossier received at @received starts: itself inside working
 * hours; 13:30 at lunch; the next working morning after hours or on a day off. */
GDateTime      *motcua_calendar_clock_start         (MotcuaCalendar *self,
                                                     GDateTime      *received);
/* Due date of a dossier received at @received with a processing time of @amount @unit.
 * Calendar-day procedures end at the end of a working day, never on a day off. */
GDateTime      *motcua_calendar_due                 (MotcuaCalendar *self,
                                                     GDateTime      *received,
                                                     int             amount,
                                                     MotcuaTimeUnit  unit);
/* Working minutes in [@from, @to); 0 if @to <= @from. */
gint64          motcua_calendar_working_minutes_between (MotcuaCalendar *self,
                                                         GDateTime      *from,
                                                         GDateTime      *to);
/* The instant @minutes working minutes after @from (minutes >= 0). */
GDateTime      *motcua_calendar_add_working_minutes (MotcuaCalendar *self,
                                                     GDateTime      *from,
                                                     gint64          minutes);

G_END_DECLS
