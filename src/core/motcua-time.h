/* motcua-time.h: timestamps as the journal stores them.
 *
 * Every time in the database and in JSON is ISO 8601 with its UTC offset
 * ("2026-11-23T09:15:00+07:00"): readable in sqlite3, sortable within one agency,
 * and unambiguous when a server in another zone reads it.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The time zone of Vietnam (UTC+7, no daylight saving); used when an agency sets none. */
GTimeZone *motcua_time_zone_default (void);

char      *motcua_time_format (GDateTime *time);
/* Parses ISO 8601; a time without an offset is taken in the agency zone @tz (or UTC+7). */
GDateTime *motcua_time_parse (const char *text, GTimeZone *tz);
/* "now" for the journal; MOTCUA_NOW=ISO8601 pins it, so tests and demos are repeatable. */
GDateTime *motcua_time_now (GTimeZone *tz);

G_END_DECLS
