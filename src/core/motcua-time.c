#include "motcua-time.h"

#include <string.h>

GTimeZone *
motcua_time_zone_default (void)
{
  return g_time_zone_new_offset (7 * 3600);
}

char *
motcua_time_format (GDateTime *time)
{
  g_return_val_if_fail (time != NULL, NULL);
  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%S%:z");
}

GDateTime *
motcua_time_parse (const char *text, GTimeZone *tz)
{
  g_autoptr(GTimeZone) fallback = NULL;
  g_autofree char *with_seconds = NULL;
  GDateTime *parsed;

  if (text == NULL || *text == '\0')
    return NULL;
  if (tz == NULL)
    tz = fallback = motcua_time_zone_default ();

  parsed = g_date_time_new_from_iso8601 (text, tz);
  if (parsed != NULL)
    return parsed;

  /* Clerks type "2026-11-23 09:15" or just "2026-11-23"; accept both. */
  if (strlen (text) == 10)
    with_seconds = g_strdup_printf ("%sT00:00:00", text);
  else if (strlen (text) == 16)
    with_seconds = g_strdup_printf ("%s:00", text);
  else
    with_seconds = g_strdup (text);
  if (strlen (with_seconds) > 10 && with_seconds[10] == ' ')
    with_seconds[10] = 'T';
  return g_date_time_new_from_iso8601 (with_seconds, tz);
}

GDateTime *
motcua_time_now (GTimeZone *tz)
{
  g_autoptr(GTimeZone) fallback = NULL;
  const char *pinned = g_getenv ("MOTCUA_NOW");

  if (tz == NULL)
    tz = fallback = motcua_time_zone_default ();
  if (pinned != NULL && *pinned != '\0')
    {
      GDateTime *parsed = motcua_time_parse (pinned, tz);
      if (parsed != NULL)
        {
          GDateTime *local = g_date_time_to_timezone (parsed, tz);
          g_date_time_unref (parsed);
          return local;
        }
    }
  return g_date_time_new_now (tz);
}
