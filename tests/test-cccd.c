/* test-cccd.c: the QR code of the chip-based ID card, as a USB scanner types it. */

#include <string.h>

#include "motcua-cccd.h"
#include "motcua-error.h"
#include "motcua-test-util.h"

#define ADDRESS "Số 12, phố Hàng Bạc, phường Hoàn Kiếm, thành phố Hà Nội"
#define VALID_7 "001092012345|123456789|Nguyễn Văn An|01011992|Nam|" ADDRESS "|15082021"
#define VALID_6 "079304001234|Trần Thị Bích Ngọc|29022004|Nữ|Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh|10052022"

static void
assert_date (const GDate *date, int day, int month, int year)
{
  g_assert_true (g_date_valid (date));
  g_assert_cmpint (g_date_get_day (date), ==, day);
  g_assert_cmpint (g_date_get_month (date), ==, month);
  g_assert_cmpint (g_date_get_year (date), ==, year);
}

static void
test_seven_fields (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaCccd) cccd = motcua_cccd_parse (VALID_7, &error);

  g_assert_no_error (error);
  g_assert_nonnull (cccd);
  g_assert_cmpstr (cccd->id_number, ==, "001092012345");
  g_assert_cmpstr (cccd->old_id_number, ==, "123456789");
  g_assert_cmpstr (cccd->full_name, ==, "Nguyễn Văn An");
  assert_date (&cccd->birth_date, 1, 1, 1992);
  g_assert_false (cccd->female);
  g_assert_cmpstr (cccd->address, ==, ADDRESS);
  assert_date (&cccd->issue_date, 15, 8, 2021);
}

static void
test_six_fields (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaCccd) cccd = motcua_cccd_parse (VALID_6, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (cccd->id_number, ==, "079304001234");
  g_assert_null (cccd->old_id_number);
  g_assert_cmpstr (cccd->full_name, ==, "Trần Thị Bích Ngọc");
  assert_date (&cccd->birth_date, 29, 2, 2004);
  g_assert_true (cccd->female);
  g_assert_cmpstr (cccd->address, ==, "Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh");
  assert_date (&cccd->issue_date, 10, 5, 2022);
}

static void
test_empty_old_id (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaCccd) cccd =
    motcua_cccd_parse ("001092012345||Nguyễn Văn An|01011992|Nam|" ADDRESS "|15082021", &error);

  g_assert_no_error (error);
  g_assert_null (cccd->old_id_number);
  g_assert_cmpstr (cccd->full_name, ==, "Nguyễn Văn An");
}

/* What scanners add around the code, and what their keyboard emulation does to
 * Vietnamese letters, must not matter. */
static void
test_scanner_noise (void)
{
  const char *variants[] = {
    VALID_7 "\n",
    VALID_7 "\r\n",
    VALID_7 "\r",
    "  " VALID_7 " \t\n",
    "001092012345 | 123456789 | Nguyễn Văn An | 01011992 | Nam | " ADDRESS " | 15082021\n",
    "001092012345|123456789|Nguyễn Văn An|01011992|NAM|" ADDRESS "|15082021",
    "001092012345|123456789|Nguyễn Văn An|01011992|nam|" ADDRESS "|15082021",
  };

  for (guint i = 0; i < G_N_ELEMENTS (variants); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MotcuaCccd) cccd = motcua_cccd_parse (variants[i], &error);

      g_assert_no_error (error);
      g_assert_cmpstr (cccd->id_number, ==, "001092012345");
      g_assert_cmpstr (cccd->full_name, ==, "Nguyễn Văn An");
      g_assert_cmpstr (cccd->address, ==, ADDRESS);
      g_assert_false (cccd->female);
    }
}

static void
test_decomposed_letters (void)
{
  /* "Nữ" and the name typed as base letters followed by combining marks (NFD). */
  const char *nfd_female = "N" "u\xcc\x9b\xcc\x83";
  const char *nfd_name = "Tra\xcc\x82\xcc\x80n Thi\xcc\xa3 Bi\xcc\x81" "ch Ngo\xcc\xa3" "c";
  g_autofree char *text = g_strdup_printf ("079304001234|%s|29022004|%s|Quận 1|10052022\r\n",
                                           nfd_name, nfd_female);
  g_autofree char *upper = g_strdup_printf ("079304001234|%s|29022004|N\xe1\xbb\xae|Quận 1|10052022",
                                            nfd_name);
  g_autoptr(GError) error = NULL;
  g_autoptr(MotcuaCccd) cccd = motcua_cccd_parse (text, &error);
  g_autoptr(MotcuaCccd) cccd_upper = NULL;

  g_assert_no_error (error);
  g_assert_true (cccd->female);
  /* Stored composed, so it matches what the clerk types and what search folds. */
  g_assert_cmpstr (cccd->full_name, ==, "Trần Thị Bích Ngọc");

  cccd_upper = motcua_cccd_parse (upper, &error);   /* "NỮ" */
  g_assert_no_error (error);
  g_assert_true (cccd_upper->female);
}

typedef struct {
  const char *text;
  const char *message_part;   /* a piece of the English message */
} Malformed;

static const Malformed malformed[] = {
  { "", "empty" },
  { "   \r\n", "empty" },
  { "Nguyễn Văn An", "separated by" },
  { "https://dichvucong.gov.vn/p/home/dvc-tra-cuu-ho-so.html?ma=000.17.22.H56-261123-0001", "separated by" },
  { "001092012345|123456789|Nguyễn Văn An|01011992|Nam", "has 5 fields; 6 or 7 were expected" },
  { "001092012345|123456789|Nguyễn Văn An|01011992|Nam|" ADDRESS "|15082021|x", "has 8 fields" },
  { VALID_7 "|" VALID_7, "has 14 fields" },
  { "||||||", "ID number is missing" },
  { "00109201234|123456789|Nguyễn Văn An|01011992|Nam|" ADDRESS "|15082021", "has 11 digits" },
  { "0010920123456|123456789|Nguyễn Văn An|01011992|Nam|" ADDRESS "|15082021", "has 13 digits" },
  { "00109201234O|123456789|Nguyễn Văn An|01011992|Nam|" ADDRESS "|15082021", "other than digits" },
  { "001092012345|12345678|Nguyễn Văn An|01011992|Nam|" ADDRESS "|15082021", "old ID number" },
  { "001092012345|12345678X|Nguyễn Văn An|01011992|Nam|" ADDRESS "|15082021", "old ID number" },
  { "001092012345|123456789|Nguyễn Văn An|31021992|Nam|" ADDRESS "|15082021", "The birth date 31021992 is not a date" },
  { "001092012345|123456789|Nguyễn Văn An|29021991|Nam|" ADDRESS "|15082021", "The birth date 29021991 is not a date" },
  { "001092012345|123456789|Nguyễn Văn An|01131992|Nam|" ADDRESS "|15082021", "is not a date" },
  { "001092012345|123456789|Nguyễn Văn An|00001992|Nam|" ADDRESS "|15082021", "is not a date" },
  { "001092012345|123456789|Nguyễn Văn An|01011992|Nam|" ADDRESS "|32082021", "The issue date 32082021 is not a date" },
  { "001092012345|123456789|Nguyễn Văn An|1/1/1992|Nam|" ADDRESS "|15082021", "not in the form ddmmyyyy" },
  { "001092012345|123456789|Nguyễn Văn An|0101199|Nam|" ADDRESS "|15082021", "not in the form ddmmyyyy" },
  { "001092012345|123456789|Nguyễn Văn An||Nam|" ADDRESS "|15082021", "birth date is missing" },
  { "001092012345|123456789|Nguyễn Văn An|01011992|Nam|" ADDRESS "|", "issue date is missing" },
  { "001092012345|123456789|Nguyễn Văn An|01011992|Nam|" ADDRESS "|2021-08-15", "not in the form ddmmyyyy" },
  /* Shifted: the old ID missing but its separator too, and a field added elsewhere. */
  { "001092012345|Nguyễn Văn An|01011992|Nam|Hà Nội|" ADDRESS "|15082021", "expected order" },
  { "001025012345|123456789|Nguyễn Văn An|01012027|Nam|" ADDRESS "|15082021", "The birth date 01012027 is in the future" },
  { "001092012345|123456789|Nguyễn Văn An|01011992|Nam|" ADDRESS "|24112026", "The issue date 24112026 is in the future" },
  { "001092012345|123456789|Nguyễn Văn An|16082021|Nam|" ADDRESS "|15082021", "not before the issue date" },
  { "001092012345|123456789|Nguyễn Văn An|15082021|Nam|" ADDRESS "|15082021", "not before the issue date" },
  { "001092012345|123456789|Nguyễn Văn An|01011992|Male|" ADDRESS "|15082021", "neither “Nam” nor “Nữ”" },
  { "001092012345|123456789|Nguyễn Văn An|01011992|Nu|" ADDRESS "|15082021", "neither “Nam” nor “Nữ”" },
  { "001092012345|123456789|Nguyễn Văn An|01011992||" ADDRESS "|15082021", "sex is missing" },
  { "001092012345|123456789||01011992|Nam|" ADDRESS "|15082021", "name is missing" },
  { "001092012345|123456789|   |01011992|Nam|" ADDRESS "|15082021", "name is missing" },
  { "001092012345|123456789|Nguyen Van 4n|01011992|Nam|" ADDRESS "|15082021", "contains digits" },
  { "001092012345|123456789|-- .|01011992|Nam|" ADDRESS "|15082021", "not a person's name" },
  { "001092012345|123456789|Nguyễn Văn An|01011992|Nam||15082021", "address is missing" },
  { "001092012345|123456789|Nguyễn\tVăn An|01011992|Nam|" ADDRESS "|15082021", "control characters" },
  { "001092012345|123456789|Nguyễn Văn An\x1b[A|01011992|Nam|" ADDRESS "|15082021", "control characters" },
  { "001092012345|123456789|Nguy\xff\xfen|01011992|Nam|" ADDRESS "|15082021", "not readable text" },
  /* A scanner in keyboard mode that cannot type Vietnamese letters. */
  { "001092012345|123456789|Nguy?n V?n An|01011992|Nam|" ADDRESS "|15082021", "could not type some letters" },
  { "001092012345|123456789|Nguy\xef\xbf\xbdn V\xef\xbf\xbdn An|01011992|Nam|" ADDRESS "|15082021", "could not type" },
  { "001092012345|123456789|Nguyễn Văn An|01011992|Nam|S? 12, ph? H?ng B?c|15082021", "could not type" },
  /* The 4th to 6th digits encode century, sex and year of birth. */
  { "001192012345|123456789|Nguyễn Văn An|01011992|Nam|" ADDRESS "|15082021", "does not match" },
  { "001093012345|123456789|Nguyễn Văn An|01011992|Nam|" ADDRESS "|15082021", "does not match" },
  { "001292012345|123456789|Nguyễn Văn An|01011992|Nam|" ADDRESS "|15082021", "does not match" },
};

static void
test_malformed (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (malformed); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MotcuaCccd) cccd = motcua_cccd_parse (malformed[i].text, &error);

      if (cccd != NULL || error == NULL || strstr (error->message, malformed[i].message_part) == NULL)
        g_test_message ("case %u: “%s” gave “%s”", i, malformed[i].text, error ? error->message : "success");
      g_assert_null (cccd);
      g_assert_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT);
      g_assert_nonnull (strstr (error->message, malformed[i].message_part));
    }
}

static void
test_null_and_long (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) huge = g_string_new (NULL);

  g_assert_null (motcua_cccd_parse (NULL, &error));
  g_assert_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  for (int i = 0; i < 1000; i++)
    g_string_append (huge, "||||");
  g_assert_null (motcua_cccd_parse (huge->str, &error));
  g_assert_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "too long"));
  g_clear_error (&error);

  /* Callers that only want yes or no pass no error. */
  g_assert_null (motcua_cccd_parse ("1|2|3", NULL));
}

/* ---- fuzz ------------------------------------------------------------------- */

static const char * const seeds[] = {
  VALID_7,
  VALID_6,
  "001092012345||Nguyễn Văn An|01011992|Nam|" ADDRESS "|15082021\r\n",
};

/* Bytes a mutation inserts: the separator, digits, scanner noise and pieces of UTF-8
 * sequences, which reach the decoding paths. */
static const char noise[] = "|0123456789 \r\n\t\x1b\xc3\xe1\xbb\xaf\xcc\x83\xff\x80Nn";

static void
mutate (GString *text)
{
  guint pos = text->len ? (guint) g_test_rand_int_range (0, (gint32) text->len) : 0;

  switch (g_test_rand_int_range (0, 7))
    {
    case 0:   /* delete a run */
      {
        gsize run = (gsize) g_test_rand_int_range (1, 12);
        g_string_erase (text, pos, MIN (run, text->len - pos));
      }
      break;
    case 1:   /* insert a noise byte */
      g_string_insert_c (text, pos, noise[g_test_rand_int_range (0, sizeof noise - 1)]);
      break;
    case 2:   /* overwrite a byte, possibly in the middle of a UTF-8 sequence */
      if (text->len)
        text->str[pos] = (char) g_test_rand_int_range (1, 256);
      break;
    case 3:   /* truncate, as a scanner cut short */
      g_string_truncate (text, pos);
      break;
    case 4:   /* duplicate a slice, as a scanner that stutters */
      {
        g_autofree char *slice = g_strndup (text->str + pos, g_test_rand_int_range (1, 40));
        g_string_insert (text, pos, slice);
      }
      break;
    case 5:   /* a digit in a different place */
      g_string_insert_c (text, pos, (char) ('0' + g_test_rand_int_range (0, 10)));
      break;
    default:  /* a separator */
      g_string_insert_c (text, pos, '|');
      break;
    }
}

static void
assert_sane (const MotcuaCccd *cccd)
{
  g_assert_cmpuint (strlen (cccd->id_number), ==, 12);
  g_assert_true (cccd->old_id_number == NULL || strlen (cccd->old_id_number) == 9);
  g_assert_true (g_utf8_validate (cccd->full_name, -1, NULL));
  g_assert_cmpstr (cccd->full_name, !=, "");
  g_assert_cmpstr (cccd->address, !=, "");
  g_assert_true (g_date_valid (&cccd->birth_date));
  g_assert_true (g_date_valid (&cccd->issue_date));
  g_assert_cmpint (g_date_compare (&cccd->birth_date, &cccd->issue_date), <, 0);
}

static void
test_fuzz (void)
{
  guint accepted = 0;

  for (guint i = 0; i < 10000; i++)
    {
      g_autoptr(GString) text = g_string_new (seeds[i % G_N_ELEMENTS (seeds)]);
      g_autoptr(GError) error = NULL;
      g_autoptr(MotcuaCccd) cccd = NULL;
      int rounds = g_test_rand_int_range (1, 6);

      for (int r = 0; r < rounds; r++)
        mutate (text);
      /* Some strings are pure garbage rather than a mutated code. */
      if (i % 10 == 9)
        {
          g_string_truncate (text, 0);
          for (int n = g_test_rand_int_range (0, 300); n > 0; n--)
            g_string_append_c (text, (char) g_test_rand_int_range (1, 256));
        }

      cccd = motcua_cccd_parse (text->str, &error);
      if (cccd != NULL)
        {
          g_assert_no_error (error);
          assert_sane (cccd);
          accepted++;
        }
      else
        {
          g_assert_error (error, MOTCUA_ERROR, MOTCUA_ERROR_INVALID_INPUT);
          g_assert_true (g_utf8_validate (error->message, -1, NULL));
          g_assert_cmpstr (error->message, !=, "");
        }
    }
  /* Mutations that only touch whitespace or the address still parse; if none did,
   * the mutator would have stopped exercising the success path. */
  g_test_message ("%u of 10000 mutated codes were accepted", accepted);
  g_assert_cmpuint (accepted, >, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* "In the future" is judged against the pinned clock. */
  g_setenv ("MOTCUA_NOW", MOTCUA_TEST_NOW, TRUE);

  g_test_add_func ("/cccd/seven-fields", test_seven_fields);
  g_test_add_func ("/cccd/six-fields", test_six_fields);
  g_test_add_func ("/cccd/empty-old-id", test_empty_old_id);
  g_test_add_func ("/cccd/scanner-noise", test_scanner_noise);
  g_test_add_func ("/cccd/decomposed", test_decomposed_letters);
  g_test_add_func ("/cccd/malformed", test_malformed);
  g_test_add_func ("/cccd/null-and-long", test_null_and_long);
  g_test_add_func ("/cccd/fuzz", test_fuzz);
  return g_test_run ();
}
