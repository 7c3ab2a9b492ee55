/* motcua-office-hours.h: checking what the preferences change about the office.
 *
 * The agency's identity and working hours feed every deadline (the working-time
 * calendar) and every slip, so the preferences check them before the store gets them:
 * clock times as the clerk writes them ("7:30", "17:00"), the order of the day's two
 * sessions, the length of a working day, the same-day cut-off, the status look-up
 * address printed on slips.
 */
#pragma once

#include <glib.h>

#include "motcua-store.h"

G_BEGIN_DECLS

/* "H:MM" or "HH:MM" (24-hour) → minutes after midnight. */
gboolean  motcua_clock_parse             (const char         *text,
                                          int                *minutes,
                                          GError            **error);
/* Minutes after midnight → "HH:MM". */
char     *motcua_clock_format            (int                 minutes);

/* Every field the preferences edit, with one translated sentence for the first
 * problem: a name, times in order (morning before afternoon, each ending after it
 * starts), a working day no longer than the two sessions, a cut-off inside the working
 * day (or negative: none), an http(s) look-up address with a host (or none). */
gboolean  motcua_office_hours_check      (const MotcuaAgency *agency,
                                          GError            **error);

G_END_DECLS
