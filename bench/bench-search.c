/* bench-search.c: search latency over a realistic office's worth of dossiers.
 *
 * Builds a throw-away database of MOTCUA_BENCH_DOSSIERS (default 200,000) dossiers,
 * runs the query mix a clerk produces while typing through MotcuaSearchIndex, and in
 * the same run the floor: a plain ranked FTS5 query over the same folded data. Exits
 * 1 when the latency target is missed, so a regression shows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "motcua-fold.h"
#include "motcua-search-index.h"

#define TARGET_MEDIAN_MS 5.0
#define TARGET_P95_MS    16.0
#define RESULT_LIMIT     50
#define OUR_QUERIES      2000
/* The floor is slow on broad prefixes by design: a few rounds of the whole mix give
 * the same distribution without making the benchmark last minutes. */
#define FLOOR_ROUNDS_MAX 10
#define FLOOR_SECONDS    40

typedef struct {
  const char *name;
  guint       weight;
} Weighted;

/* Roughly the national frequencies of family names. */
static const Weighted family_names[] = {
  { "Nguyễn", 380 }, { "Trần", 110 }, { "Lê", 95 }, { "Phạm", 70 }, { "Hoàng", 50 },
  { "Huỳnh", 30 }, { "Phan", 45 }, { "Vũ", 30 }, { "Võ", 20 }, { "Đặng", 20 },
  { "Bùi", 20 }, { "Đỗ", 14 }, { "Hồ", 13 }, { "Ngô", 13 }, { "Dương", 10 },
  { "Lý", 5 }, { "Đinh", 6 }, { "Trương", 5 }, { "Lương", 4 }, { "Lò", 3 },
  { "Hà", 4 }, { "Triệu", 3 }, { "Thạch", 2 }, { "Sùng", 2 }, { "Mai", 3 },
};

static const char *male_middle[] = {
  "Văn", "Văn", "Văn", "Hữu", "Đức", "Minh", "Quốc", "Công", "Đình", "Xuân", "Thanh",
  "Ngọc", "Bá", "Quang", "Hoàng", "Tuấn", "Gia", "Trọng",
};
static const char *female_middle[] = {
  "Thị", "Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Minh", "Hồng", "Bảo",
  "Phương", "Mỹ", "Diệu", "Hoài", "Thùy",
};
static const char *male_given[] = {
  "An", "Anh", "Bình", "Cường", "Dũng", "Duy", "Đạt", "Giang", "Hải", "Hiếu", "Hòa",
  "Hùng", "Huy", "Khánh", "Khoa", "Long", "Minh", "Nam", "Nghĩa", "Phong", "Phúc",
  "Quân", "Quang", "Sơn", "Tâm", "Thắng", "Thành", "Toàn", "Trung", "Tú", "Tuấn",
  "Việt", "Vinh", "Lộc", "Đông", "Hưng", "Kiên", "Lâm", "Nhân", "Thịnh",
};
static const char *female_given[] = {
  "An", "Anh", "Châu", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Huyền",
  "Lan", "Linh", "Loan", "Mai", "Ngọc", "Nga", "Nhung", "Oanh", "Phương", "Quyên",
  "Thảo", "Thu", "Thủy", "Trang", "Tuyết", "Uyên", "Vân", "Yến", "Đào", "Ánh", "Ngân",
};
/* Minority names do not follow family + middle + given. */
static const char *minority_names[] = {
  "Y Bhăm Êban", "H'Nhi Niê", "Lò Văn Pọm", "Sùng A Páo", "Thạch Thị Sa Rươne",
  "Giàng Thị Mỷ", "Lường Văn Ún", "Kpă Y Blung", "Ma Thị Ngoan", "Hoàng Văn Sèng",
};

static const char *procedures[] = {
  "Đăng ký khai sinh",
  "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
  "Chứng thực chữ ký trong các giấy tờ, văn bản",
  "Đăng ký kết hôn",
  "Đăng ký thường trú",
  "Đăng ký tạm trú",
  "Đăng ký khai tử",
  "Cấp bản sao trích lục hộ tịch",
  "Xác nhận tình trạng hôn nhân",
  "Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch",
  "Cấp giấy chứng nhận quyền sử dụng đất",
  "Đăng ký biến động đất đai",
  "Cấp giấy phép xây dựng nhà ở riêng lẻ",
  "Đăng ký hộ kinh doanh",
  "Trợ cấp xã hội hằng tháng đối với người cao tuổi",
};
/* Procedures are far from equally common: copies and civil status dominate. */
static const guint procedure_weights[] = { 120, 300, 80, 60, 50, 40, 30, 60, 50, 20, 30, 30, 20, 25, 15 };

static const char *units[] = {
  "000.17.22.H56", "000.18.22.H56", "000.00.22.H56", "000.25.22.H56",
};

static const char *id_provinces[] = {
  "001", "079", "056", "031", "048", "038", "040", "036", "066", "092",
};
static const char *phone_prefixes[] = {
  "091", "090", "098", "097", "096", "094", "093", "086", "088", "089", "032", "033",
  "034", "035", "036", "037", "038", "039", "070", "076", "077", "078", "079", "081",
  "082", "083", "084", "085", "056", "058", "059",
};

typedef struct {
  char *code;
  char *name;
  char *id_number;
  char *phone;
  const char *procedure;
} Dossier;

static void
dossier_clear (Dossier *dossier)
{
  g_clear_pointer (&dossier->code, g_free);
  g_clear_pointer (&dossier->name, g_free);
  g_clear_pointer (&dossier->id_number, g_free);
  g_clear_pointer (&dossier->phone, g_free);
}

static const char *
pick (GRand       *rand,
      const char **items,
      guint        n_items)
{
  return items[g_rand_int_range (rand, 0, n_items)];
}

static guint
pick_weighted (GRand       *rand,
               const guint *weights,
               guint        n_weights)
{
  guint total = 0;
  guint roll;

  for (guint i = 0; i < n_weights; i++)
    total += weights[i];
  roll = g_rand_int_range (rand, 0, total);
  for (guint i = 0; i < n_weights; i++)
    {
      if (roll < weights[i])
        return i;
      roll -= weights[i];
    }
  return n_weights - 1;
}

static const char *
pick_family_name (GRand *rand)
{
  guint weights[G_N_ELEMENTS (family_names)];

  for (guint i = 0; i < G_N_ELEMENTS (family_names); i++)
    weights[i] = family_names[i].weight;
  return family_names[pick_weighted (rand, weights, G_N_ELEMENTS (weights))].name;
}

static char *
generate_name (GRand    *rand,
               gboolean  female)
{
  const char *given;
  const char *middle;

  if (g_rand_int_range (rand, 0, 100) < 3)
    return g_strdup (pick (rand, minority_names, G_N_ELEMENTS (minority_names)));

  middle = female ? pick (rand, female_middle, G_N_ELEMENTS (female_middle))
                  : pick (rand, male_middle, G_N_ELEMENTS (male_middle));
  given = female ? pick (rand, female_given, G_N_ELEMENTS (female_given))
                 : pick (rand, male_given, G_N_ELEMENTS (male_given));

  /* About one name in five has a second middle name: "Nguyễn Thị Hồng Nhung". */
  if (g_rand_int_range (rand, 0, 5) == 0)
    {
      const char *second = female ? pick (rand, female_middle + 4, G_N_ELEMENTS (female_middle) - 4)
                                  : pick (rand, male_middle + 3, G_N_ELEMENTS (male_middle) - 3);

      return g_strdup_printf ("%s %s %s %s", pick_family_name (rand), middle, second, given);
    }

  return g_strdup_printf ("%s %s %s", pick_family_name (rand), middle, given);
}

/* A 12-digit citizen ID: province, century and sex digit, year of birth, serial. */
static char *
generate_id_number (GRand    *rand,
                    gboolean  female)
{
  int year = g_rand_int_range (rand, 1940, 2008);
  int century_sex = (year >= 2000 ? 2 : 0) + (female ? 1 : 0);

  return g_strdup_printf ("%s%d%02d%06d",
                          pick (rand, id_provinces, G_N_ELEMENTS (id_provinces)),
                          century_sex, year % 100, g_rand_int_range (rand, 0, 1000000));
}

static char *
generate_phone (GRand *rand)
{
  return g_strdup_printf ("%s%07d",
                          pick (rand, phone_prefixes, G_N_ELEMENTS (phone_prefixes)),
                          g_rand_int_range (rand, 0, 10000000));
}

/* Dossier @index (0-based) of @n_dossiers, received in order over about three years:
 * the newest dossier has the highest id, as in the store. */
static void
generate_dossier (GRand   *rand,
                  guint    index,
                  guint    n_dossiers,
                  guint   *sequences,
                  GDate   *day,
                  guint   *day_of_index,
                  Dossier *dossier)
{
  gboolean female = g_rand_boolean (rand);
  guint per_day = MAX (1, n_dossiers / 750);
  guint unit = g_rand_int_range (rand, 0, G_N_ELEMENTS (units));

  if (index / per_day != *day_of_index)
    {
      *day_of_index = index / per_day;
      do
        g_date_add_days (day, 1);
      while (g_date_get_weekday (day) == G_DATE_SUNDAY);
      memset (sequences, 0, sizeof (guint) * G_N_ELEMENTS (units));
    }

  dossier->code = g_strdup_printf ("%s-%02d%02d%02d-%04u", units[unit],
                                   g_date_get_year (day) % 100, g_date_get_month (day),
                                   g_date_get_day (day), ++sequences[unit]);
  dossier->name = generate_name (rand, female);
  dossier->id_number = generate_id_number (rand, female);
  dossier->phone = generate_phone (rand);
  dossier->procedure = procedures[pick_weighted (rand, procedure_weights, G_N_ELEMENTS (procedure_weights))];
}

static void
exec_or_die (sqlite3    *db,
             const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static sqlite3_stmt *
prepare_or_die (sqlite3    *db,
                const char *sql)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  return stmt;
}

typedef struct {
  char *full_id;
  char *phone_prefix;
  char *full_code;
  char *code_tail;
  char *name_fragment;
} Samples;

static void
load (sqlite3           *db,
      MotcuaSearchIndex *index,
      guint              n_dossiers,
      Samples           *samples)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20250701);
  sqlite3_stmt *floor_insert;
  guint sequences[G_N_ELEMENTS (units)] = { 0, };
  GDate day;
  guint day_of_index = 0;
  gint64 ours_us = 0;
  gint64 floor_us = 0;
  gint64 start;

  g_date_set_dmy (&day, 2, G_DATE_JANUARY, 2023);
  floor_insert = prepare_or_die (db, "INSERT INTO floor_search (rowid, code, name, id_number, phone, procedure) "
                                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");

  exec_or_die (db, "BEGIN");
  for (guint i = 0; i < n_dossiers; i++)
    {
      Dossier dossier = { NULL, };
      MotcuaSearchFields fields;
      g_autoptr(GError) error = NULL;
      gint64 id = i + 1;

      generate_dossier (rand, i, n_dossiers, sequences, &day, &day_of_index, &dossier);
      fields.code = dossier.code;
      fields.applicant_name = dossier.name;
      fields.id_number = dossier.id_number;
      fields.phone = dossier.phone;
      fields.procedure_name = dossier.procedure;

      start = g_get_monotonic_time ();
      if (!motcua_search_index_put (index, id, &fields, &error))
        g_error ("put: %s", error->message);
      ours_us += g_get_monotonic_time () - start;

      start = g_get_monotonic_time ();
      sqlite3_bind_int64 (floor_insert, 1, id);
      sqlite3_bind_text (floor_insert, 2, motcua_fold_text (dossier.code), -1, g_free);
      sqlite3_bind_text (floor_insert, 3, motcua_fold_text (dossier.name), -1, g_free);
      sqlite3_bind_text (floor_insert, 4, motcua_fold_text (dossier.id_number), -1, g_free);
      sqlite3_bind_text (floor_insert, 5, motcua_fold_text (dossier.phone), -1, g_free);
      sqlite3_bind_text (floor_insert, 6, motcua_fold_text (dossier.procedure), -1, g_free);
      if (sqlite3_step (floor_insert) != SQLITE_DONE)
        g_error ("floor insert: %s", sqlite3_errmsg (db));
      sqlite3_reset (floor_insert);
      floor_us += g_get_monotonic_time () - start;

      /* Samples from a dossier a third of the way back: neither the newest nor lost. */
      if (i == n_dossiers - n_dossiers / 3 - 1)
        {
          const char *tail = strchr (dossier.code, '-');

          samples->full_id = g_strdup (dossier.id_number);
          samples->phone_prefix = g_strndup (dossier.phone, 6);
          samples->full_code = g_strdup (dossier.code);
          samples->code_tail = g_strdup (tail != NULL ? tail + 1 : dossier.code);
        }
      if (i == n_dossiers / 2)
        {
          g_auto(GStrv) parts = g_strsplit (dossier.name, " ", -1);
          guint n_parts = g_strv_length (parts);

          /* Middle and given name, as a clerk remembers "Thị Hồng" without the family. */
          samples->name_fragment = n_parts >= 2 ? g_strjoin (" ", parts[n_parts - 2], parts[n_parts - 1], NULL)
                                                : g_strdup (dossier.name);
        }

      dossier_clear (&dossier);
    }
  exec_or_die (db, "COMMIT");
  sqlite3_finalize (floor_insert);

  printf ("loaded %u dossiers: index %.1f s (%.0f rows/s), floor table %.1f s\n",
           n_dossiers, ours_us / 1e6, n_dossiers / (ours_us / 1e6), floor_us / 1e6);
}

/* The floor's FTS5 expression: the same folded words, each a prefix, all required. */
static char *
floor_expression (const char *text)
{
  g_autofree char *folded = motcua_fold_text (text);
  GString *expression = g_string_new (NULL);
  const char *p = folded;

  while (*p != '\0')
    {
      const char *start;

      while (*p != '\0' && !g_ascii_isalnum (*p))
        p++;
      start = p;
      while (g_ascii_isalnum (*p))
        p++;
      if (p > start)
        g_string_append_printf (expression, "%s\"%.*s\"*",
                                expression->len > 0 ? " AND " : "", (int) (p - start), start);
    }

  return g_string_free (expression, FALSE);
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double da = *(const double *) a;
  double db = *(const double *) b;

  return da < db ? -1 : da > db ? 1 : 0;
}

typedef struct {
  double median;
  double p95;
  double max;
} Summary;

static Summary
summarize (GArray *samples_ms)
{
  Summary summary = { 0, };
  guint n = samples_ms->len;

  if (n == 0)
    return summary;
  g_array_sort (samples_ms, compare_double);
  summary.median = g_array_index (samples_ms, double, n / 2);
  summary.p95 = g_array_index (samples_ms, double, MIN (n - 1, (guint) (n * 0.95)));
  summary.max = g_array_index (samples_ms, double, n - 1);
  return summary;
}

static double
time_ours (MotcuaSearchIndex *index,
           const char        *text,
           guint              limit,
           guint             *n_results)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;
  gint64 start = g_get_monotonic_time ();

  ids = motcua_search_index_query (index, text, limit, &error);
  if (ids == NULL)
    g_error ("query %s: %s", text, error->message);
  *n_results = ids->len;
  return (g_get_monotonic_time () - start) / 1000.0;
}

static double
time_floor (sqlite3_stmt *stmt,
            const char   *expression,
            guint        *n_results)
{
  gint64 start = g_get_monotonic_time ();
  int rc;

  *n_results = 0;
  sqlite3_bind_text (stmt, 1, expression, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    (*n_results)++;
  if (rc != SQLITE_DONE)
    g_error ("floor query %s: %s", expression, sqlite3_errmsg (sqlite3_db_handle (stmt)));
  sqlite3_reset (stmt);
  return (g_get_monotonic_time () - start) / 1000.0;
}

typedef struct {
  GArray *ms;          /* every timed query */
  double *worst;       /* per query of the mix */
  guint  *n_results;   /* per query of the mix */
  guint   rounds;
} Run;

static void
run_init (Run   *run,
          guint  n_mix)
{
  run->ms = g_array_new (FALSE, FALSE, sizeof (double));
  run->worst = g_new0 (double, n_mix);
  run->n_results = g_new0 (guint, n_mix);
  run->rounds = 0;
}

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->ms, g_array_unref);
  g_clear_pointer (&run->worst, g_free);
  g_clear_pointer (&run->n_results, g_free);
}

static void
run_record (Run    *run,
            guint   query,
            double  ms,
            guint   n_results)
{
  g_array_append_val (run->ms, ms);
  run->worst[query] = MAX (run->worst[query], ms);
  run->n_results[query] = n_results;
}

/* @n_queries queries, the mix over and over, after one round to warm the cache as on
 * a workstation that has been searching all day. */
static void
run_ours (MotcuaSearchIndex *index,
          GPtrArray         *mix,
          guint              n_queries,
          guint              limit,
          Run               *run)
{
  guint n;

  for (guint i = 0; i < mix->len; i++)
    time_ours (index, g_ptr_array_index (mix, i), limit, &n);

  for (guint q = 0; q < n_queries; q++)
    {
      double ms = time_ours (index, g_ptr_array_index (mix, q % mix->len), limit, &n);

      run_record (run, q % mix->len, ms, n);
    }
  run->rounds = n_queries / mix->len;
}

static void
run_floor (sqlite3   *db,
           GPtrArray *mix,
           Run       *run)
{
  g_auto(GStrv) expressions = g_new0 (char *, mix->len + 1);
  gint64 deadline = g_get_monotonic_time () + FLOOR_SECONDS * G_USEC_PER_SEC;
  sqlite3_stmt *stmt;

  stmt = prepare_or_die (db, "SELECT rowid FROM floor_search WHERE floor_search MATCH ?1 "
                             "ORDER BY rank LIMIT " G_STRINGIFY (RESULT_LIMIT));
  for (guint i = 0; i < mix->len; i++)
    expressions[i] = floor_expression (g_ptr_array_index (mix, i));

  /* Round 0 warms the cache; then whole rounds until enough or the time is up. */
  for (guint round = 0; round <= FLOOR_ROUNDS_MAX; round++)
    {
      for (guint i = 0; i < mix->len; i++)
        {
          guint n;
          double ms = time_floor (stmt, expressions[i], &n);

          if (round > 0)
            run_record (run, i, ms, n);
        }
      if (round > 0)
        run->rounds++;
      if (round > 0 && g_get_monotonic_time () > deadline)
        break;
    }

  sqlite3_finalize (stmt);
}

/* printf pads by bytes; Vietnamese needs padding by characters. */
static void
print_padded (const char *text,
              int         width)
{
  int length = (int) g_utf8_strlen (text, -1);

  fputs (text, stdout);
  for (int i = length; i < width; i++)
    putchar (' ');
}

static void
print_queries (GPtrArray *mix,
               const Run *ours,
               const Run *floor)
{
  printf ("\n");
  print_padded ("query", 30);
  printf (" %12s %12s %7s %7s\n", "ours worst", "floor worst", "ours n", "floor n");
  for (guint i = 0; i < mix->len; i++)
    {
      print_padded (g_ptr_array_index (mix, i), 30);
      printf (" %10.2fms %10.2fms %7u %7u\n", ours->worst[i], floor->worst[i],
              ours->n_results[i], floor->n_results[i]);
    }
}

static void
print_summary_line (const char *label,
                    const Run  *run,
                    Summary     summary)
{
  print_padded (label, 30);
  printf (" %8u %8.2fms %8.2fms %8.2fms\n", run->ms->len, summary.median, summary.p95, summary.max);
}

/* Megabytes held by the tables whose names start with @prefix; -1 when this SQLite
 * was built without the dbstat table. */
static double
tables_size_mb (sqlite3    *db,
                const char *prefix)
{
  sqlite3_stmt *stmt = NULL;
  double size = -1;

  if (sqlite3_prepare_v2 (db, "SELECT sum(pgsize) FROM dbstat WHERE name LIKE ?1 || '%'",
                          -1, &stmt, NULL) != SQLITE_OK)
    return -1;
  sqlite3_bind_text (stmt, 1, prefix, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    size = sqlite3_column_double (stmt, 0) / 1e6;
  sqlite3_finalize (stmt);
  return size;
}

static guint
env_dossiers (void)
{
  const char *value = g_getenv ("MOTCUA_BENCH_DOSSIERS");
  guint64 n;

  if (value == NULL || *value == '\0')
    return 200000;
  if (!g_ascii_string_to_unsigned (value, 10, 1, G_MAXINT32, &n, NULL))
    {
      g_printerr ("MOTCUA_BENCH_DOSSIERS must be a positive number, not “%s”\n", value);
      exit (2);
    }
  return (guint) n;
}

static void
remove_database (const char *dir)
{
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/bench.db%s", dir, suffixes[i]);

      g_unlink (path);
    }
  g_rmdir (dir);
}

static GPtrArray *
query_mix (const Samples *samples)
{
  /* What a clerk types: first letters, names without diacritics (and a few with),
   * fragments, procedure words, and numbers read off a citizen's card or slip. */
  const char *fixed[] = {
    "n", "ng", "ngu", "t", "th", "tr", "l", "h", "0", "09",
    "nguyen", "nguyen van an", "tran thi", "Nguyễn Thị", "le thi hoa", "pham van",
    "hoang minh", "phuc", "thu trang", "dang", "khai sinh", "chung thuc", "dang ky ket hon",
    "thuong tru",
  };
  GPtrArray *mix = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < G_N_ELEMENTS (fixed); i++)
    g_ptr_array_add (mix, g_strdup (fixed[i]));
  g_ptr_array_add (mix, g_strdup (samples->name_fragment));
  g_ptr_array_add (mix, g_strdup (samples->full_id));
  g_ptr_array_add (mix, g_strdup (samples->phone_prefix));
  g_ptr_array_add (mix, g_strdup (samples->full_code));
  g_ptr_array_add (mix, g_strdup (samples->code_tail));

  return mix;
}

static void
samples_clear (Samples *samples)
{
  g_clear_pointer (&samples->full_id, g_free);
  g_clear_pointer (&samples->phone_prefix, g_free);
  g_clear_pointer (&samples->full_code, g_free);
  g_clear_pointer (&samples->code_tail, g_free);
  g_clear_pointer (&samples->name_fragment, g_free);
}

int
main (int    argc,
      char **argv)
{
  guint n_dossiers = env_dossiers ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(MotcuaSearchIndex) index = NULL;
  g_autoptr(GPtrArray) mix = NULL;
  Samples samples = { NULL, };
  sqlite3 *db = NULL;
  Run ours;
  Run ours_store;
  Run floor;
  Summary ours_summary;
  Summary store_summary;
  Summary floor_summary;
  gboolean pass;

  dir = g_dir_make_tmp ("motcua-bench-search-XXXXXX", &error);
  if (dir == NULL)
    g_error ("%s", error->message);
  path = g_build_filename (dir, "bench.db", NULL);

  if (sqlite3_open (path, &db) != SQLITE_OK)
    g_error ("%s: %s", path, sqlite3_errmsg (db));
  /* As the store opens its database; its page cache is SQLite's default too. */
  exec_or_die (db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON");
  exec_or_die (db, "BEGIN");
  exec_or_die (db, motcua_search_index_schema ());
  exec_or_die (db, "COMMIT");
  exec_or_die (db, "CREATE VIRTUAL TABLE floor_search USING fts5 (code, name, id_number, phone, procedure)");

  index = motcua_search_index_new (db);
  load (db, index, n_dossiers, &samples);
  mix = query_mix (&samples);

  run_init (&ours, mix->len);
  run_init (&ours_store, mix->len);
  run_init (&floor, mix->len);

  run_ours (index, mix, OUR_QUERIES, RESULT_LIMIT, &ours);
  /* The store asks for 200 to filter them further: not the target, but worth seeing. */
  run_ours (index, mix, mix->len * FLOOR_ROUNDS_MAX, 200, &ours_store);
  run_floor (db, mix, &floor);

  print_queries (mix, &ours, &floor);

  ours_summary = summarize (ours.ms);
  store_summary = summarize (ours_store.ms);
  floor_summary = summarize (floor.ms);
  pass = ours_summary.median < TARGET_MEDIAN_MS && ours_summary.p95 < TARGET_P95_MS;

  printf ("\nsearch over %u dossiers, %u distinct queries\n", n_dossiers, mix->len);
  print_padded ("", 30);
  printf (" %8s %10s %10s %10s\n", "queries", "median", "p95", "max");
  print_summary_line ("ours, limit 50", &ours, ours_summary);
  print_summary_line ("floor: FTS5 ORDER BY rank 50", &floor, floor_summary);
  print_padded ("ratio ours/floor", 30);
  printf (" %8s %9.3fx %9.3fx %9.3fx\n", "", ours_summary.median / floor_summary.median,
          ours_summary.p95 / floor_summary.p95, ours_summary.max / floor_summary.max);
  print_summary_line ("ours, limit 200 (the store)", &ours_store, store_summary);
  printf ("size: ours %.1f MB, floor %.1f MB\n",
          tables_size_mb (db, "dossier_search"), tables_size_mb (db, "floor_search"));
  printf ("target (ours, limit 50): median < %.0f ms, p95 < %.0f ms: %s\n",
          TARGET_MEDIAN_MS, TARGET_P95_MS, pass ? "PASS" : "FAIL");

  run_clear (&ours);
  run_clear (&ours_store);
  run_clear (&floor);
  samples_clear (&samples);
  g_clear_object (&index);
  sqlite3_close (db);
  /* Kept on request, to look into a slow query with the sqlite3 shell. */
  if (g_getenv ("MOTCUA_BENCH_KEEP_DB") != NULL)
    printf ("database kept: %s\n", path);
  else
    remove_database (dir);

  return pass ? 0 : 1;
}
