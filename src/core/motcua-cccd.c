/* motcua-cccd.c: the QR code of the chip-based citizen ID card (CCCD).
 *
 * The text arrives as keystrokes from a USB scanner, or pasted, so anything can come
 * in: half a code, two codes, another QR code entirely. Every field is checked before
 * anything is returned, so a caller fills either every field or none.
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "motcua-cccd.h"
#include "motcua-error.h"
#include "motcua-time.h"

/* A real code is about 150 bytes; anything far longer is not one, and refusing it
 * early keeps a stuck scanner from making us normalise megabytes. */
#define MAX_TEXT_LENGTH 2048

#define ID_DIGITS     12
#define OLD_ID_DIGITS 9
#define DATE_DIGITS   8
#define FIRST_YEAR    1900

typedef struct {
  char **fields;
  guint  n_fields;
  guint  birth;   /* index of the birth date field */
  guint  issue;   /* index of the issue date field */
} Layout;

void
motcua_cccd_free (MotcuaCccd *cccd)
{
  if (cccd == NULL)
    return;
  g_free (cccd->id_number);
  g_free (cccd->old_id_number);
  g_free (cccd->full_name);
  g_free (cccd->address);
  g_free (cccd);
}

static gboolean
fail (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
fail (GError **error, const char *format, ...)
{
  va_list args;

  if (error == NULL)
    return FALSE;
  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT, format, args));
  va_end (args);
  return FALSE;
}

static gboolean
is_digits (const char *text, gsize length)
{
  if (strlen (text) != length)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isdigit (text[i]))
      return FALSE;
  return TRUE;
}

static gboolean
has_control_characters (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return TRUE;
  return FALSE;
}

/* Scanners add a trailing Enter, some a leading space; decomposed letters (NFD) come
 * from some keyboard-emulation modes and would defeat every comparison later on. */
static char *
clean_text (const char *text, GError **error)
{
  g_autofree char *copy = NULL;

  if (text == NULL || *g_strstrip (copy = g_strdup (text)) == '\0')
    {
      fail (error, _("The ID card code is empty."));
      return NULL;
    }
  if (strlen (copy) > MAX_TEXT_LENGTH)
    {
      fail (error, _("The text is too long to be the QR code of an ID card."));
      return NULL;
    }
  if (!g_utf8_validate (copy, -1, NULL))
    {
      fail (error, _("The ID card code is not readable text; scan it again."));
      return NULL;
    }
  return g_utf8_normalize (copy, -1, G_NORMALIZE_NFC);
}

static gboolean
split_fields (const char *text, Layout *layout, GError **error)
{
  if (strchr (text, '|') == NULL)
    return fail (error, _("This is not the QR code of a chip-based ID card: its fields are not separated by “|”."));

  layout->fields = g_strsplit (text, "|", -1);
  layout->n_fields = g_strv_length (layout->fields);
  if (layout->n_fields != 6 && layout->n_fields != 7)
    return fail (error,
                 g_dngettext (GETTEXT_PACKAGE,
                              "The ID card code has %u field; 6 or 7 were expected.",
                              "The ID card code has %u fields; 6 or 7 were expected.",
                              layout->n_fields),
                 layout->n_fields);

  for (guint i = 0; i < layout->n_fields; i++)
    {
      g_strstrip (layout->fields[i]);
      if (has_control_characters (layout->fields[i]))
        return fail (error, _("The ID card code contains control characters; scan it again."));
    }

  /* The old ID field is the optional one, so the dates sit at fixed distances from
   * the end: birth date, sex, address, issue date. */
  layout->issue = layout->n_fields - 1;
  layout->birth = layout->n_fields - 4;
  return TRUE;
}

static gboolean
check_id_number (const char *id, GError **error)
{
  if (*id == '\0')
    return fail (error, _("The ID number is missing from the ID card code."));
  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return fail (error, _("The ID number “%s” contains characters other than digits."), id);
  if (strlen (id) != ID_DIGITS)
    return fail (error, _("The ID number %s has %u digits; a citizen ID card number has 12."),
                 id, (guint) strlen (id));
  return TRUE;
}

static gboolean
check_old_id_number (const char *old_id, GError **error)
{
  /* Cards of people who never had a 9-digit ID leave the field empty. */
  if (*old_id == '\0' || is_digits (old_id, OLD_ID_DIGITS))
    return TRUE;
  return fail (error, _("The old ID number “%s” should have 9 digits."), old_id);
}

/* A field in the place of a date that is not shaped like one usually means the
 * fields are shifted (a missing or extra field), which is worth saying. */
static gboolean
dates_elsewhere (const Layout *layout)
{
  for (guint i = 1; i < layout->n_fields; i++)
    if (i != layout->birth && i != layout->issue && is_digits (layout->fields[i], DATE_DIGITS))
      return TRUE;
  return FALSE;
}

static gboolean
parse_date (const Layout *layout, guint index, GDate *date, GError **error)
{
  const char *text = layout->fields[index];
  gboolean birth = index == layout->birth;
  int day, month, year;

  if (!is_digits (text, DATE_DIGITS))
    {
      if (dates_elsewhere (layout))
        return fail (error, _("The fields of the ID card code are not in the expected order "
                              "(ID number, old ID number, name, birth date, sex, address, issue date)."));
      if (*text == '\0')
        return fail (error, birth ? _("The birth date is missing from the ID card code.")
                                  : _("The issue date is missing from the ID card code."));
      return fail (error, birth ? _("The birth date “%s” is not in the form ddmmyyyy.")
                                : _("The issue date “%s” is not in the form ddmmyyyy."), text);
    }

  day = (text[0] - '0') * 10 + (text[1] - '0');
  month = (text[2] - '0') * 10 + (text[3] - '0');
  year = 0;
  for (int i = 4; i < DATE_DIGITS; i++)
    year = year * 10 + (text[i] - '0');
  if (year < FIRST_YEAR || !g_date_valid_dmy (day, month, year))
    return fail (error, birth ? _("The birth date %s is not a date.")
                              : _("The issue date %s is not a date."), text);
  g_date_clear (date, 1);
  g_date_set_dmy (date, day, month, year);
  return TRUE;
}

/* A scanner in keyboard mode that cannot type a Vietnamese letter sends "?" or the
 * replacement character instead; filling in "Nguy?n" would put a wrong name on the
 * receipt slip. */
static gboolean
has_lost_letters (const char *text)
{
  return strchr (text, '?') != NULL || strstr (text, "\xef\xbf\xbd") != NULL;   /* U+FFFD */
}

static gboolean
check_lost_letters (const char *text, GError **error)
{
  if (!has_lost_letters (text))
    return TRUE;
  return fail (error, _("The scanner could not type some letters of “%s”: set it to send Unicode (UTF-8) text, "
                        "or type the applicant's details."), text);
}

static gboolean
check_name (const char *name, GError **error)
{
  gboolean has_letter = FALSE;

  if (*name == '\0')
    return fail (error, _("The name is missing from the ID card code."));
  if (!check_lost_letters (name, error))
    return FALSE;
  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar ch = g_utf8_get_char (p);

      if (g_unichar_isdigit (ch))
        return fail (error, _("“%s” is not a person's name: it contains digits."), name);
      has_letter |= g_unichar_isalpha (ch);
    }
  if (!has_letter)
    return fail (error, _("“%s” is not a person's name."), name);
  return TRUE;
}

/* The card prints "Nam" or "Nữ"; case varies between card batches and readers. */
static gboolean
parse_sex (const char *text, gboolean *female, GError **error)
{
  g_autofree char *folded = g_utf8_casefold (text, -1);
  g_autofree char *normal = g_utf8_normalize (folded, -1, G_NORMALIZE_NFC);

  if (*text == '\0')
    return fail (error, _("The sex is missing from the ID card code."));
  if (g_str_equal (normal, "nam"))
    *female = FALSE;
  else if (g_str_equal (normal, "n\xe1\xbb\xaf"))   /* nữ */
    *female = TRUE;
  else
    return fail (error, _("The sex “%s” is neither “Nam” nor “Nữ”."), text);
  return TRUE;
}

static gboolean
check_dates (const Layout *layout, const GDate *birth, const GDate *issue, GError **error)
{
  g_autoptr(GDateTime) now = motcua_time_now (NULL);
  GDate today;

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, g_date_time_get_day_of_month (now),
                  g_date_time_get_month (now), g_date_time_get_year (now));

  if (g_date_compare (birth, &today) > 0)
    return fail (error, _("The birth date %s is in the future."), layout->fields[layout->birth]);
  if (g_date_compare (issue, &today) > 0)
    return fail (error, _("The issue date %s is in the future."), layout->fields[layout->issue]);
  if (g_date_compare (birth, issue) >= 0)
    return fail (error, _("The birth date %s is not before the issue date %s."),
                 layout->fields[layout->birth], layout->fields[layout->issue]);
  return TRUE;
}

/* The 4th digit of a 12-digit ID number encodes the century of birth and the sex
 * (0/1: 1900s male/female, 2/3: 2000s…), the 5th and 6th the year of birth (Circular
 * 07/2016/TT-BCA, art. 7). A mismatch means a misread or a forged code. */
static gboolean
check_id_matches_person (const char *id, const GDate *birth, gboolean female, GError **error)
{
  int year = g_date_get_year (birth);
  int century_code = ((year / 100) - 19) * 2 + (female ? 1 : 0);
  int code = id[3] - '0';
  int year_digits = (id[4] - '0') * 10 + (id[5] - '0');

  if (century_code == code && year % 100 == year_digits)
    return TRUE;
  return fail (error, _("The ID number %s does not match the birth year and sex on the card; scan it again."), id);
}

MotcuaCccd *
motcua_cccd_parse (const char *text, GError **error)
{
  g_autofree char *clean = NULL;
  g_autoptr(MotcuaCccd) cccd = NULL;
  g_auto(GStrv) fields = NULL;
  Layout layout = { NULL, 0, 0, 0 };
  gboolean ok;

  if ((clean = clean_text (text, error)) == NULL)
    return NULL;
  ok = split_fields (clean, &layout, error);
  fields = layout.fields;
  if (!ok)
    return NULL;

  cccd = g_new0 (MotcuaCccd, 1);
  /* Dates before the old ID: a shifted layout shows first in the dates, and saying
   * so helps more than complaining about whichever field moved into the old ID's place. */
  if (!check_id_number (fields[0], error)
      || !parse_date (&layout, layout.birth, &cccd->birth_date, error)
      || !parse_date (&layout, layout.issue, &cccd->issue_date, error)
      || (layout.n_fields == 7 && !check_old_id_number (fields[1], error))
      || !check_name (fields[layout.birth - 1], error)
      || !parse_sex (fields[layout.birth + 1], &cccd->female, error))
    return NULL;
  if (*fields[layout.birth + 2] == '\0')
    {
      fail (error, _("The address is missing from the ID card code."));
      return NULL;
    }
  if (!check_lost_letters (fields[layout.birth + 2], error))
    return NULL;
  if (!check_dates (&layout, &cccd->birth_date, &cccd->issue_date, error)
      || !check_id_matches_person (fields[0], &cccd->birth_date, cccd->female, error))
    return NULL;

  cccd->id_number = g_strdup (fields[0]);
  if (layout.n_fields == 7 && *fields[1] != '\0')
    cccd->old_id_number = g_strdup (fields[1]);
  cccd->full_name = g_strdup (fields[layout.birth - 1]);
  cccd->address = g_strdup (fields[layout.birth + 2]);
  return g_steal_pointer (&cccd);
}
