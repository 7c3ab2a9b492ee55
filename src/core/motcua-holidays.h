/* motcua-holidays.h: Vietnam's public holidays as the Labour Code 2019 (art. 112)
 * lays them out, used until the server provides the year's official calendar.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  GDate       date;
  const char *name;   /* untranslated English; translate with _() for display */
} MotcuaHoliday;

/* Days off of @year, in date order: 1 January; Lunar New Year (the last day of the old
 * lunar year and the first four of the new); Hùng Kings' day (10th of the 3rd lunar
 * month); 30 April; 1 May; 2 September and one adjacent day; and a compensating
 * working day off for each holiday that falls on a weekend. */
GArray *motcua_holidays_builtin (int year);

G_END_DECLS
