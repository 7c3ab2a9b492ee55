/* motcua-office-hours.c: checking what the preferences change about the office. */

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

#include "motcua-error.h"
#include "motcua-fold.h"
#include "motcua-office-hours.h"

gboolean
motcua_clock_parse (const char *text, int *minutes, GError **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text ? text : ""));
  int hours = -1, mins = -1;
  char *end = NULL;

  if (g_ascii_isdigit (trimmed[0]))
    hours = (int) strtol (trimmed, &end, 10);
  if (end != NULL && (*end == ':' || *end == 'h') && g_ascii_isdigit (end[1]) && g_ascii_isdigit (end[2])
      && end[3] == '\0' && end - trimmed <= 2)
    mins = (int) strtol (end + 1, NULL, 10);
  if (hours < 0 || hours > 23 || mins < 0 || mins > 59)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                   _("“%s” is not a time of day: write it as 7:30 or 17:00."), trimmed);
      return FALSE;
    }
  *minutes = hours * 60 + mins;
  return TRUE;
}

char *
motcua_clock_format (int minutes)
{
  return g_strdup_printf ("%02d:%02d", minutes / 60, minutes % 60);
}

static gboolean
fail (GError **error, const char *message)
{
  g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT, message);
  return FALSE;
}

static gboolean
lookup_url_ok (const char *url)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;

  if (url == NULL || *url == '\0')
    return TRUE;
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    return FALSE;
  scheme = g_uri_get_scheme (uri);
  return g_str_equal (scheme, "https") || g_str_equal (scheme, "http");
}

gboolean
motcua_office_hours_check (const MotcuaAgency *agency, GError **error)
{
  int sessions;

  g_return_val_if_fail (agency != NULL, FALSE);

  if (motcua_text_is_blank (agency->name))
    return fail (error, _("The agency needs a name, as it appears on receipts."));
  if (agency->morning_start >= agency->morning_end)
    return fail (error, _("The morning session must end after it starts."));
  if (agency->afternoon_start >= agency->afternoon_end)
    return fail (error, _("The afternoon session must end after it starts."));
  if (agency->morning_end > agency->afternoon_start)
    return fail (error, _("The afternoon session must start after the morning session ends."));
  sessions = (agency->morning_end - agency->morning_start) + (agency->afternoon_end - agency->afternoon_start);
  if (agency->minutes_per_day < 60 || agency->minutes_per_day > sessions)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT,
                   _("A working day counts from 60 minutes up to the %d minutes of its two sessions."), sessions);
      return FALSE;
    }
  if (agency->same_day_cutoff >= 0
      && (agency->same_day_cutoff <= agency->morning_start || agency->same_day_cutoff > agency->afternoon_end))
    return fail (error, _("The same-day cut-off must fall within the working day."));
  if (!lookup_url_ok (agency->lookup_url))
    return fail (error, _("The status look-up address must be a web address such as https://dichvucong.example.gov.vn/tra-cuu."));
  return TRUE;
}
