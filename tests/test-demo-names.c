/* test-demo-names.c: the invented demo people look like real applicants.
 *
 * The tables the generator uses are checked against independent copies here (codes,
 * prefixes, provinces), so a typo in one place shows up as a failure rather than as
 * a plausible-looking but impossible CCCD number in every demo database.
 */
#include <string.h>

#include <glib.h>

#include "motcua-demo-names.h"

#define N_PEOPLE 20000

/* Pre-2025 CCCD province codes, as printed on cards still in use. */
static const char *const province_codes[] = {
  "001", "002", "004", "006", "008", "010", "011", "012", "014", "015", "017", "019",
  "020", "022", "024", "025", "026", "027", "030", "031", "033", "034", "035", "036",
  "037", "038", "040", "042", "044", "045", "046", "048", "049", "051", "052", "054",
  "056", "058", "060", "062", "064", "066", "067", "068", "070", "072", "074", "075",
  "077", "079", "080", "082", "083", "084", "086", "087", "089", "091", "092", "093",
  "094", "095", "096",
};

static const char *const mobile_prefixes[] = {
  "086", "096", "097", "098", "032", "033", "034", "035", "036", "037", "038", "039",
  "088", "091", "094", "081", "082", "083", "084", "085",
  "089", "090", "093", "070", "076", "077", "078", "079",
  "092", "056", "058",
};

/* The 34 provincial units after 1 July 2025, as they end an address. */
static const char *const province_suffixes[] = {
  ", thành phố Hà Nội", ", thành phố Huế", ", thành phố Hải Phòng",
  ", thành phố Đà Nẵng", ", thành phố Hồ Chí Minh", ", thành phố Cần Thơ",
  ", tỉnh Lai Châu", ", tỉnh Điện Biên", ", tỉnh Sơn La", ", tỉnh Lạng Sơn",
  ", tỉnh Quảng Ninh", ", tỉnh Thanh Hóa", ", tỉnh Nghệ An", ", tỉnh Hà Tĩnh",
  ", tỉnh Cao Bằng", ", tỉnh Tuyên Quang", ", tỉnh Lào Cai", ", tỉnh Thái Nguyên",
  ", tỉnh Phú Thọ", ", tỉnh Bắc Ninh", ", tỉnh Hưng Yên", ", tỉnh Ninh Bình",
  ", tỉnh Quảng Trị", ", tỉnh Quảng Ngãi", ", tỉnh Gia Lai", ", tỉnh Khánh Hòa",
  ", tỉnh Lâm Đồng", ", tỉnh Đắk Lắk", ", tỉnh Đồng Nai", ", tỉnh Tây Ninh",
  ", tỉnh Vĩnh Long", ", tỉnh Đồng Tháp", ", tỉnh Cà Mau", ", tỉnh An Giang",
};

/* Family names no Kinh person carries, one or more per group. */
static const char *const minority_family_names[] = {
  "Giàng", "Sùng", "Thào", "Lầu", "Mùa",   /* H'Mông */
  "Lò", "Cầm", "Quàng", "Tòng",            /* Thái */
  "Nông", "Lục", "Bế",                     /* Tày, Nùng */
  "Bàn", "Tẩn", "Chảo",                    /* Dao */
  "Thạch", "Danh",                         /* Khmer */
  "Ksor", "Siu",                           /* Gia Rai */
};

static const char *const hmong_family_names[] = { "Giàng", "Sùng", "Thào", "Lầu", "Mùa" };
static const char *const hmong_home_provinces[] = {
  ", tỉnh Lào Cai", ", tỉnh Điện Biên", ", tỉnh Sơn La", ", tỉnh Tuyên Quang",
  ", tỉnh Lai Châu", ", tỉnh Nghệ An",
};
static const char *const khmer_home_provinces[] = {
  ", tỉnh Vĩnh Long", ", tỉnh An Giang", ", thành phố Cần Thơ", ", tỉnh Cà Mau",
};

static gboolean
in_list (const char        *needle,
         gsize              len,
         const char *const *list,
         gsize              n)
{
  for (gsize i = 0; i < n; i++)
    if (strlen (list[i]) == len && strncmp (needle, list[i], len) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
all_digits (const char *s)
{
  if (*s == '\0')
    return FALSE;
  for (; *s != '\0'; s++)
    if (!g_ascii_isdigit (*s))
      return FALSE;
  return TRUE;
}

static gboolean
is_nfc (const char *s)
{
  g_autofree char *nfc = g_utf8_normalize (s, -1, G_NORMALIZE_NFC);

  return nfc != NULL && strcmp (nfc, s) == 0;
}

static gboolean
has_word (char      **words,
          const char *word)
{
  for (guint i = 0; words[i] != NULL; i++)
    if (strcmp (words[i], word) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
ends_with_any (const char        *s,
               const char *const *suffixes,
               gsize              n)
{
  for (gsize i = 0; i < n; i++)
    if (g_str_has_suffix (s, suffixes[i]))
      return TRUE;
  return FALSE;
}

static void
check_name (const MotcuaDemoPerson *p)
{
  g_auto(GStrv) words = NULL;
  guint n_words;

  g_assert_true (g_utf8_validate (p->full_name, -1, NULL));
  g_assert_true (is_nfc (p->full_name));
  g_assert_false (g_str_has_prefix (p->full_name, " "));
  g_assert_false (g_str_has_suffix (p->full_name, " "));
  g_assert_null (strstr (p->full_name, "  "));

  words = g_strsplit (p->full_name, " ", -1);
  n_words = g_strv_length (words);
  if (n_words < 2 || n_words > 5)
    g_error ("%s: %u words", p->full_name, n_words);

  for (guint i = 0; i < n_words; i++)
    {
      gunichar first = g_utf8_get_char (words[i]);

      if (!g_unichar_isupper (first))
        g_error ("%s: word \"%s\" is not capitalised", p->full_name, words[i]);
    }

  /* Sex drives the middle name: Thị is only for women, Văn only for men, and the
   * Ê Đê prefixes Y / H' likewise. */
  if (has_word (words, "Thị") || g_str_has_prefix (p->full_name, "H'"))
    g_assert_true (p->female);
  if (has_word (words, "Văn") || g_str_has_prefix (p->full_name, "Y "))
    g_assert_false (p->female);
}

static void
check_id_number (const MotcuaDemoPerson *p)
{
  int year = g_date_get_year (&p->birth_date);
  int expected_digit = (year >= 2000 ? 2 : 0) + (p->female ? 1 : 0);

  g_assert_cmpuint (strlen (p->id_number), ==, 12);
  g_assert_true (all_digits (p->id_number));
  if (!in_list (p->id_number, 3, province_codes, G_N_ELEMENTS (province_codes)))
    g_error ("%s: unknown province code", p->id_number);
  g_assert_cmpint (p->id_number[3] - '0', ==, expected_digit);
  g_assert_cmpint ((p->id_number[4] - '0') * 10 + (p->id_number[5] - '0'), ==, year % 100);
}

static void
check_phone (const MotcuaDemoPerson *p)
{
  g_assert_cmpuint (strlen (p->phone), ==, 10);
  g_assert_true (all_digits (p->phone));
  if (!in_list (p->phone, 3, mobile_prefixes, G_N_ELEMENTS (mobile_prefixes)))
    g_error ("%s: not a mobile prefix", p->phone);
}

static void
check_birth_date (const MotcuaDemoPerson *p)
{
  GDate first, last;

  g_date_clear (&first, 1);
  g_date_clear (&last, 1);
  g_date_set_dmy (&first, 1, G_DATE_JANUARY, 1940);
  g_date_set_dmy (&last, 31, G_DATE_DECEMBER, 2008);

  g_assert_true (g_date_valid (&p->birth_date));
  g_assert_cmpint (g_date_compare (&p->birth_date, &first), >=, 0);
  g_assert_cmpint (g_date_compare (&p->birth_date, &last), <=, 0);
}

static void
check_address (const MotcuaDemoPerson *p)
{
  g_assert_true (g_utf8_validate (p->address, -1, NULL));
  g_assert_true (is_nfc (p->address));
  if (strstr (p->address, ", xã ") == NULL && strstr (p->address, ", phường ") == NULL)
    g_error ("%s: no commune or ward", p->address);
  if (!ends_with_any (p->address, province_suffixes, G_N_ELEMENTS (province_suffixes)))
    g_error ("%s: no known province", p->address);
  /* Three parts: village or residential group, commune, province. */
  g_assert_cmpint (g_unichar_isupper (g_utf8_get_char (p->address)), ==, TRUE);
}

static void
check_email (const MotcuaDemoPerson *p)
{
  const char *at;

  if (p->email == NULL)
    return;

  for (const char *c = p->email; *c != '\0'; c++)
    g_assert_cmpint ((guchar) *c, <, 0x80);
  at = strchr (p->email, '@');
  g_assert_nonnull (at);
  g_assert_true (at > p->email);
  g_assert_null (strchr (at + 1, '@'));
  g_assert_nonnull (strstr (at, "example."));
}

static void
test_people_look_real (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20250701);
  guint n_nguyen = 0;
  guint n_minority = 0;
  guint n_female = 0;
  guint n_email = 0;
  guint n_hmong = 0, n_hmong_home = 0;
  guint n_thach = 0, n_thach_home = 0;
  guint n_ede = 0, n_ede_home = 0;
  g_autoptr(GHashTable) minority_seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < N_PEOPLE; i++)
    {
      MotcuaDemoPerson p;

      motcua_demo_person_generate (rand, &p);

      check_name (&p);
      check_id_number (&p);
      check_phone (&p);
      check_birth_date (&p);
      check_address (&p);
      check_email (&p);

      if (g_str_has_prefix (p.full_name, "Nguyễn "))
        n_nguyen++;
      if (p.female)
        n_female++;
      if (p.email != NULL)
        n_email++;

      for (gsize j = 0; j < G_N_ELEMENTS (minority_family_names); j++)
        {
          g_autofree char *prefix = g_strconcat (minority_family_names[j], " ", NULL);

          if (g_str_has_prefix (p.full_name, prefix))
            {
              n_minority++;
              g_hash_table_add (minority_seen, (gpointer) minority_family_names[j]);
            }
        }

      for (gsize j = 0; j < G_N_ELEMENTS (hmong_family_names); j++)
        {
          g_autofree char *prefix = g_strconcat (hmong_family_names[j], " ", NULL);

          if (g_str_has_prefix (p.full_name, prefix))
            {
              n_hmong++;
              if (ends_with_any (p.address, hmong_home_provinces,
                                 G_N_ELEMENTS (hmong_home_provinces)))
                n_hmong_home++;
            }
        }

      if (g_str_has_prefix (p.full_name, "Thạch "))
        {
          n_thach++;
          if (ends_with_any (p.address, khmer_home_provinces,
                             G_N_ELEMENTS (khmer_home_provinces)))
            n_thach_home++;
        }

      if (g_str_has_prefix (p.full_name, "Y ") || g_str_has_prefix (p.full_name, "H'"))
        {
          n_ede++;
          if (g_str_has_suffix (p.address, ", tỉnh Đắk Lắk"))
            n_ede_home++;
        }

      motcua_demo_person_clear (&p);
    }

  g_test_message ("Nguyen %u, minority family names %u (%u distinct), female %u, "
                  "e-mail %u of %u",
                  n_nguyen, n_minority, g_hash_table_size (minority_seen), n_female,
                  n_email, N_PEOPLE);

  g_assert_cmpuint (n_nguyen, >=, N_PEOPLE * 30 / 100);
  g_assert_cmpuint (n_nguyen, <=, N_PEOPLE * 45 / 100);

  /* The minorities are ~15%; the family names above are only the unambiguous ones
   * (Tày, Mường and others share Hoàng, Hà, Bùi… with the Kinh), so about a third. */
  g_assert_cmpuint (n_minority, >=, N_PEOPLE * 3 / 100);
  g_assert_cmpuint (n_minority, <=, N_PEOPLE * 20 / 100);
  g_assert_cmpuint (g_hash_table_size (minority_seen), >=, 12);

  g_assert_cmpuint (n_female, >=, N_PEOPLE * 45 / 100);
  g_assert_cmpuint (n_female, <=, N_PEOPLE * 55 / 100);
  g_assert_cmpuint (n_email, >=, N_PEOPLE * 12 / 100);
  g_assert_cmpuint (n_email, <=, N_PEOPLE * 28 / 100);

  /* Minorities mostly live where their communities are. */
  g_assert_cmpuint (n_hmong, >, 50);
  g_assert_cmpuint (n_hmong_home, >=, n_hmong * 8 / 10);
  g_assert_cmpuint (n_thach, >, 50);
  g_assert_cmpuint (n_thach_home, >=, n_thach * 8 / 10);
  g_assert_cmpuint (n_ede, >, 50);
  g_assert_cmpuint (n_ede_home, >=, n_ede * 8 / 10);
}

static void
test_ethnic_examples (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  gboolean seen_hmong_a = FALSE;     /* "Giàng A Páo" */
  gboolean seen_khmer_thi = FALSE;   /* "Sơn Thị Sa Ry" */
  gboolean seen_ede_buon = FALSE;    /* "Buôn …, xã …, tỉnh Đắk Lắk" */
  gboolean seen_ban = FALSE;         /* "Bản …" */
  gboolean seen_ap = FALSE;          /* "Ấp …" */

  for (guint i = 0; i < N_PEOPLE; i++)
    {
      MotcuaDemoPerson p;
      g_auto(GStrv) words = NULL;

      motcua_demo_person_generate (rand, &p);
      words = g_strsplit (p.full_name, " ", -1);

      if (g_strv_length (words) == 3 && strcmp (words[1], "A") == 0)
        seen_hmong_a = TRUE;
      if (g_strv_length (words) == 4 && strcmp (words[1], "Thị") == 0 &&
          (strcmp (words[0], "Thạch") == 0 || strcmp (words[0], "Sơn") == 0 ||
           strcmp (words[0], "Kim") == 0))
        seen_khmer_thi = TRUE;
      if (g_str_has_prefix (p.address, "Buôn ") &&
          g_str_has_suffix (p.address, ", tỉnh Đắk Lắk"))
        seen_ede_buon = TRUE;
      if (g_str_has_prefix (p.address, "Bản "))
        seen_ban = TRUE;
      if (g_str_has_prefix (p.address, "Ấp "))
        seen_ap = TRUE;

      motcua_demo_person_clear (&p);
    }

  g_assert_true (seen_hmong_a);
  g_assert_true (seen_khmer_thi);
  g_assert_true (seen_ede_buon);
  g_assert_true (seen_ban);
  g_assert_true (seen_ap);
}

static gboolean
person_equal (const MotcuaDemoPerson *a,
              const MotcuaDemoPerson *b)
{
  return g_strcmp0 (a->full_name, b->full_name) == 0 &&
         a->female == b->female &&
         g_date_compare (&a->birth_date, &b->birth_date) == 0 &&
         g_strcmp0 (a->id_number, b->id_number) == 0 &&
         g_strcmp0 (a->phone, b->phone) == 0 &&
         g_strcmp0 (a->email, b->email) == 0 &&
         g_strcmp0 (a->address, b->address) == 0;
}

static void
test_deterministic (void)
{
  g_autoptr(GRand) rand_a = g_rand_new_with_seed (12345);
  g_autoptr(GRand) rand_b = g_rand_new_with_seed (12345);
  g_autoptr(GRand) rand_c = g_rand_new_with_seed (54321);
  guint n_same_as_other_seed = 0;

  for (guint i = 0; i < 1000; i++)
    {
      MotcuaDemoPerson a, b, c;

      motcua_demo_person_generate (rand_a, &a);
      motcua_demo_person_generate (rand_b, &b);
      motcua_demo_person_generate (rand_c, &c);

      g_assert_true (person_equal (&a, &b));
      if (person_equal (&a, &c))
        n_same_as_other_seed++;

      motcua_demo_person_clear (&a);
      motcua_demo_person_clear (&b);
      motcua_demo_person_clear (&c);
    }

  g_assert_cmpuint (n_same_as_other_seed, ==, 0);
}

static void
test_unique_ids (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (1);
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < 1000; i++)
    {
      MotcuaDemoPerson p;

      motcua_demo_person_generate (rand, &p);
      if (!g_hash_table_add (ids, g_strdup (p.id_number)))
        g_error ("duplicate id_number %s", p.id_number);
      motcua_demo_person_clear (&p);
    }

  g_assert_cmpuint (g_hash_table_size (ids), ==, 1000);
}

static void
test_clear (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (99);
  MotcuaDemoPerson p;
  MotcuaDemoPerson zero;

  memset (&zero, 0, sizeof zero);

  motcua_demo_person_generate (rand, &p);
  g_assert_nonnull (p.full_name);
  g_assert_nonnull (p.id_number);
  g_assert_nonnull (p.phone);
  g_assert_nonnull (p.address);

  motcua_demo_person_clear (&p);
  g_assert_cmpmem (&p, sizeof p, &zero, sizeof zero);

  /* Clearing twice is harmless. */
  motcua_demo_person_clear (&p);
  g_assert_cmpmem (&p, sizeof p, &zero, sizeof zero);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/demo-names/people-look-real", test_people_look_real);
  g_test_add_func ("/demo-names/ethnic-examples", test_ethnic_examples);
  g_test_add_func ("/demo-names/deterministic", test_deterministic);
  g_test_add_func ("/demo-names/unique-ids", test_unique_ids);
  g_test_add_func ("/demo-names/clear", test_clear);

  return g_test_run ();
}
