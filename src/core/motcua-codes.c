/* motcua-codes.c: formatting and parsing dossier codes. */

#include <stdlib.h>
#include <string.h>

#include "motcua-codes.h"

char *
motcua_code_day (GDateTime *day)
{
  return g_date_time_format (day, "%y%m%d");
}

char *
motcua_code_format (const char *agency_code, GDateTime *day, guint sequence)
{
  g_autofree char *yymmdd = motcua_code_day (day);

  return g_strdup_printf ("%s-%s-%04u", agency_code, yymmdd, sequence);
}

gboolean
motcua_agency_code_is_valid (const char *agency_code)
{
  if (agency_code == NULL || *agency_code == '\0' || strlen (agency_code) > 40)
    return FALSE;
  for (const char *p = agency_code; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '.')
      return FALSE;
  return TRUE;
}

static gboolean
all_digits (const char *text, gsize length)
{
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isdigit (text[i]))
      return FALSE;
  return TRUE;
}

gboolean
motcua_code_parse (const char *code, char **agency_code, GDate *day, guint *sequence)
{
  const char *seq_dash, *day_dash;
  gsize seq_length;
  guint yy, mm, dd;

  if (code == NULL || (seq_dash = strrchr (code, '-')) == NULL || seq_dash == code)
    return FALSE;
  day_dash = seq_dash - 1;
  while (day_dash > code && *day_dash != '-')
    day_dash--;
  /* Only the canonical spelling: four digits, or more without a leading zero, and no
   * more than a day could ever need. */
  seq_length = strlen (seq_dash + 1);
  if (*day_dash != '-' || seq_dash - day_dash != 7 || !all_digits (day_dash + 1, 6)
      || seq_length < 4 || seq_length > 6 || !all_digits (seq_dash + 1, seq_length)
      || (seq_length > 4 && seq_dash[1] == '0'))
    return FALSE;

  yy = (day_dash[1] - '0') * 10 + (day_dash[2] - '0');
  mm = (day_dash[3] - '0') * 10 + (day_dash[4] - '0');
  dd = (day_dash[5] - '0') * 10 + (day_dash[6] - '0');
  if (!g_date_valid_dmy (dd, mm, 2000 + yy))
    return FALSE;

  {
    g_autofree char *agency = g_strndup (code, day_dash - code);

    if (!motcua_agency_code_is_valid (agency))
      return FALSE;
    if (agency_code != NULL)
      *agency_code = g_steal_pointer (&agency);
  }
  if (day != NULL)
    g_date_set_dmy (day, dd, mm, 2000 + yy);
  if (sequence != NULL)
    *sequence = strtoul (seq_dash + 1, NULL, 10);
  return TRUE;
}
