/* motcua-demo-names.c: invented but realistic people and places for demo data.
 *
 * The bulk demo load calls motcua_demo_person_generate() 200,000 times, so everything
 * here is a static const table walked with the caller's GRand: no regex, no lookups
 * built at run time, and no allocation except the strings handed back. The same seed
 * always gives the same people, which keeps demo databases and tests reproducible.
 *
 * Frequencies are rough public figures (family names, ethnic shares, provincial
 * population after the 1 July 2025 merger), good enough that a screen full of demo
 * dossiers looks like a real commune's, never precise enough to matter.
 */
#include "motcua-demo-names.h"

#include <string.h>

/* ------------------------------------------------------------------------ */
/* Small helpers                                                             */

typedef struct {
  const char *text;   /* NULL in a middle-name table means "no middle name" */
  guint       weight;
} Weighted;

static const char *
pick_weighted (GRand          *rand,
               const Weighted *table,
               guint           n)
{
  guint total = 0;
  guint r;

  /* Summing on every call costs a few dozen additions: cheaper to keep than a
   * hand-maintained cumulative column that silently rots when a row is added. */
  for (guint i = 0; i < n; i++)
    total += table[i].weight;

  r = (guint) g_rand_int_range (rand, 0, (gint32) total);
  for (guint i = 0; i < n; i++)
    {
      if (r < table[i].weight)
        return table[i].text;
      r -= table[i].weight;
    }

  return table[n - 1].text;
}

#define PICK(rand, array) \
  ((array)[g_rand_int_range ((rand), 0, (gint32) G_N_ELEMENTS (array))])
#define PICK_WEIGHTED(rand, array) pick_weighted ((rand), (array), G_N_ELEMENTS (array))

static gboolean
chance (GRand *rand,
        guint  percent)
{
  return (guint) g_rand_int_range (rand, 0, 100) < percent;
}

/* A fixed buffer on the stack: every name and address fits comfortably, and it
 * keeps the hot path free of GString allocations. */
typedef struct {
  char  buf[320];
  gsize len;
} Builder;

static void
builder_append (Builder    *b,
                const char *text)
{
  gsize n = strlen (text);

  if (b->len + n >= sizeof b->buf)
    n = sizeof b->buf - 1 - b->len;
  memcpy (b->buf + b->len, text, n);
  b->len += n;
  b->buf[b->len] = '\0';
}

/* ------------------------------------------------------------------------ */
/* Names                                                                     */

/* A name as its words, so the e-mail address can be derived without re-parsing
 * the UTF-8 string. @glued has bit i set when word i is written straight onto
 * word i + 1, as in "H'Hen". */
#define MAX_WORDS 6

typedef struct {
  const char *words[MAX_WORDS];
  guint       n_words;
  guint       glued;
  guint       family_index;   /* Ê Đê names end with the family name */
  guint       given_index;
} NameParts;

static void
name_add (NameParts  *np,
          const char *word)
{
  if (word != NULL && np->n_words < MAX_WORDS)
    np->words[np->n_words++] = word;
}

/* Kinh family names, per mille of the Kinh population. Nguyễn is set so that,
 * with the minorities (who rarely carry it) mixed in, it lands near the ~38% usually
 * quoted for the whole country's family names. */
static const Weighted kinh_family[] = {
  { "Nguyễn", 420 }, { "Trần", 110 }, { "Lê", 95 }, { "Phạm", 70 },
  { "Hoàng", 30 }, { "Huỳnh", 22 }, { "Phan", 45 }, { "Vũ", 24 }, { "Võ", 22 },
  { "Đặng", 20 }, { "Bùi", 19 }, { "Đỗ", 14 }, { "Hồ", 13 }, { "Ngô", 13 },
  { "Dương", 10 }, { "Lý", 5 }, { "Đào", 6 }, { "Đoàn", 6 }, { "Trịnh", 5 },
  { "Trương", 6 }, { "Lâm", 4 }, { "Mai", 4 }, { "Đinh", 5 }, { "Hà", 5 },
  { "Cao", 4 }, { "Lương", 3 }, { "Tạ", 2 }, { "Châu", 2 }, { "Lưu", 2 },
  { "Tô", 2 }, { "Vương", 2 }, { "Kiều", 1 }, { "Thái", 2 }, { "Tăng", 1 },
  { "La", 1 }, { "Quách", 1 }, { "Từ", 1 }, { "Âu", 1 }, { "Chu", 2 },
  { "Triệu", 1 }, { "Thân", 1 }, { "Nghiêm", 1 }, { "Phùng", 2 }, { "Khúc", 1 },
  { "Lại", 1 }, { "Mạc", 1 }, { "Tống", 1 }, { "Doãn", 1 },
};

/* Middle names other than Văn/Thị, whose share depends on the birth year. */
static const char *const kinh_middle_male[] = {
  "Hữu", "Đức", "Minh", "Quang", "Công", "Thành", "Xuân", "Ngọc", "Trọng", "Duy",
  "Anh", "Gia", "Bảo", "Đình", "Quốc", "Thanh", "Hoàng", "Mạnh", "Tiến", "Viết",
  "Trung", "Hải", "Nhật", "Khánh", "Tuấn", "Huy", "Thế", "Chí", "Tấn", "Phước",
  "Thiện", "Minh", "Đức", "Quang", "Hữu", "Đăng", "Việt", "Sỹ", "Kim", "Phú",
};

static const char *const kinh_middle_female[] = {
  "Ngọc", "Thu", "Thanh", "Thùy", "Phương", "Minh", "Hồng", "Kim", "Bảo", "Mai",
  "Diệu", "Khánh", "Hoài", "Quỳnh", "Tuyết", "Mỹ", "Cẩm", "Hải", "Lan", "Thúy",
  "Ánh", "Xuân", "Bích", "Kiều", "Như", "Huyền", "Yến", "Tường", "Gia", "Tú",
  "Ngọc", "Thu", "Thanh", "Hồng", "Phương", "Lệ", "Hương", "Kim", "Diễm", "Vân",
};

static const char *const kinh_given_male[] = {
  "An", "Bình", "Cường", "Dũng", "Dương", "Đạt", "Đức", "Giang", "Hải", "Hiếu",
  "Hoàng", "Hùng", "Huy", "Hưng", "Khang", "Khoa", "Khôi", "Kiên", "Lâm", "Long",
  "Lộc", "Minh", "Nam", "Nghĩa", "Nhân", "Phát", "Phong", "Phúc", "Quân", "Quang",
  "Sơn", "Tài", "Tâm", "Thắng", "Thành", "Thịnh", "Toàn", "Trung", "Tú", "Tuấn",
  "Tùng", "Việt", "Vinh", "Vũ", "Bảo", "Chiến", "Công", "Duy", "Hậu", "Hiển",
  "Hòa", "Khải", "Lực", "Mạnh", "Nhật", "Quyết", "Sang", "Thái", "Thuận", "Tiến",
  "Trí", "Trọng", "Tường", "Đông", "Hào", "Hiệp", "Khánh", "Lợi", "Luân", "Nguyên",
  "Phú", "Quý", "Tân", "Thạch", "Thiện", "Thông", "Tín", "Vĩnh", "Xuân", "Sinh",
  "Bằng", "Cảnh", "Chính", "Đại", "Điệp", "Định", "Hạnh", "Hoan", "Kha", "Lãm",
};

static const char *const kinh_given_female[] = {
  "An", "Anh", "Ánh", "Bích", "Chi", "Diệp", "Dung", "Duyên", "Giang", "Hà",
  "Hạnh", "Hằng", "Hiền", "Hoa", "Hồng", "Huệ", "Hương", "Hường", "Huyền", "Lan",
  "Liên", "Linh", "Loan", "Ly", "Mai", "My", "Nga", "Ngân", "Ngọc", "Nguyệt",
  "Nhung", "Nhi", "Oanh", "Phương", "Quyên", "Quỳnh", "Tâm", "Thảo", "Thắm", "Thanh",
  "Thu", "Thúy", "Thủy", "Trang", "Trâm", "Tuyết", "Uyên", "Vân", "Vy", "Yến",
  "Xuân", "Hoài", "Lụa", "Tươi", "Vui", "Hậu", "Nhàn", "Đào", "Thơm", "Phượng",
  "Diễm", "Gấm", "Hải", "Khuê", "Lài", "Lệ", "Mơ", "Na", "Nhạn",
  "Nhiên", "Sen", "Thư", "Tiên", "Trinh", "Tú", "Vi", "Xoan", "Yên", "Châu",
};

typedef enum {
  ETHNIC_KINH,
  ETHNIC_TAY_NUNG,
  ETHNIC_THAI,
  ETHNIC_MUONG,
  ETHNIC_HMONG,
  ETHNIC_DAO,
  ETHNIC_KHMER,
  ETHNIC_EDE,
  ETHNIC_GIARAI,
  ETHNIC_CHAM,
  N_ETHNIC
} Ethnic;

/* Per mille of applicants: about 85% Kinh, as in the census. */
static const guint ethnic_weight[N_ETHNIC] = {
  [ETHNIC_KINH] = 850,
  [ETHNIC_TAY_NUNG] = 46,
  [ETHNIC_THAI] = 22,
  [ETHNIC_MUONG] = 18,
  [ETHNIC_HMONG] = 18,
  [ETHNIC_DAO] = 11,
  [ETHNIC_KHMER] = 17,
  [ETHNIC_EDE] = 8,
  [ETHNIC_GIARAI] = 7,
  [ETHNIC_CHAM] = 3,
};

/* Tày and Nùng share most family names and mostly use Vietnamese given names. */
static const Weighted tay_family[] = {
  { "Hoàng", 30 }, { "Nông", 25 }, { "Lục", 10 }, { "Lường", 6 }, { "Ma", 10 },
  { "Hà", 10 }, { "Đàm", 6 }, { "Bế", 8 }, { "Lương", 6 }, { "Chu", 5 },
  { "Lâm", 4 }, { "Hứa", 4 }, { "Mông", 3 }, { "Vi", 5 }, { "Lăng", 3 },
  { "Sầm", 2 }, { "La", 3 }, { "Triệu", 4 }, { "Linh", 2 }, { "Ngôn", 2 },
};
static const Weighted tay_middle_male[] = {
  { "Văn", 80 }, { "Đức", 6 }, { "Quang", 5 }, { "Minh", 5 }, { "Đình", 4 },
};
static const Weighted tay_middle_female[] = {
  { "Thị", 85 }, { "Ngọc", 5 }, { "Thu", 5 }, { "Hồng", 5 },
};
static const char *const tay_given_male[] = {
  "Dền", "Đàn", "Thụ", "Khiêm", "Chí", "Tuyên", "Khải", "Quyết", "Pản", "Nghiêm",
  "Thượng", "Kim", "Luận", "Chung", "Hậu", "Sình",
};
static const char *const tay_given_female[] = {
  "Nhâm", "Hảo", "Mây", "Dịu", "Thơm", "Hiên", "Nhất", "Chiên", "Luyến", "Hằng",
};

static const Weighted thai_family[] = {
  { "Lò", 25 }, { "Cầm", 15 }, { "Lường", 15 }, { "Quàng", 12 }, { "Vi", 10 },
  { "Lộc", 5 }, { "Tòng", 10 }, { "Hà", 10 }, { "Lù", 5 }, { "Điêu", 4 },
  { "Sầm", 3 }, { "Mè", 4 }, { "Lự", 3 }, { "Bạc", 3 }, { "Hoàng", 4 },
};
static const Weighted thai_middle_male[] = { { "Văn", 95 }, { "Minh", 5 } };
static const Weighted thai_middle_female[] = { { "Thị", 95 }, { "Ngọc", 5 } };
static const char *const thai_given_male[] = {
  "Pấng", "Khăm", "Phăn", "Xiêng", "Chăn", "Hặc", "Inh", "Hom", "Tiến", "Duấn",
  "Đôi", "Pọm", "Thoản", "Panh", "Ban", "Ương", "Sương", "Chung", "Khằm", "Tiên",
};
static const char *const thai_given_female[] = {
  "Ún", "Ín", "Bua", "Lả", "Khay", "Pín", "Ỏn", "Xuân", "Hương", "Thoa",
  "Hoa", "Ánh", "Pọn", "Xim",
};

static const Weighted muong_family[] = {
  { "Bùi", 40 }, { "Đinh", 25 }, { "Quách", 12 }, { "Hà", 10 }, { "Xa", 5 },
  { "Cao", 4 }, { "Bạch", 4 },
};
static const Weighted muong_middle_male[] = {
  { "Văn", 80 }, { "Công", 12 }, { "Xuân", 4 }, { "Đức", 4 },
};
static const Weighted muong_middle_female[] = {
  { "Thị", 90 }, { "Thu", 5 }, { "Hồng", 5 },
};

/* H'Mông: clan name, then A / Seo / Mí for men and Thị / Mí for women. */
static const Weighted hmong_family[] = {
  { "Giàng", 20 }, { "Sùng", 18 }, { "Thào", 18 }, { "Vàng", 18 }, { "Lầu", 10 },
  { "Mùa", 10 }, { "Hờ", 5 }, { "Lý", 8 }, { "Ly", 4 }, { "Hạng", 5 },
  { "Tráng", 4 }, { "Vừ", 6 }, { "Cứ", 3 }, { "Sình", 3 }, { "Chá", 2 },
};
static const Weighted hmong_middle_male[] = {
  { "A", 60 }, { "Seo", 25 }, { "Mí", 10 }, { "Văn", 5 },
};
static const Weighted hmong_middle_female[] = { { "Thị", 85 }, { "Mí", 15 } };
static const char *const hmong_given_male[] = {
  "Páo", "Lử", "Chứ", "Sử", "Dế", "Pó", "Chống", "Sính", "Cáng", "Dìa",
  "Tủa", "Vư", "Chơ", "Súa", "Lềnh", "Thề", "Nù", "Sàng", "Pao", "Chúa",
};
static const char *const hmong_given_female[] = {
  "Mỷ", "Dợ", "Sú", "Pà", "Dua", "Máy", "Chía", "Cở", "Sua", "Xá",
  "Mua", "Dở", "Say", "Lan",
};

static const Weighted dao_family[] = {
  { "Triệu", 30 }, { "Bàn", 30 }, { "Lý", 15 }, { "Đặng", 12 }, { "Phùng", 5 },
  { "Chảo", 5 }, { "Tẩn", 5 },
};
static const Weighted dao_middle_male[] = {
  { "Tài", 25 }, { "Văn", 40 }, { "Phúc", 10 }, { "Kim", 10 }, { "Láo", 8 },
  { "Quầy", 7 },
};
static const Weighted dao_middle_female[] = { { "Thị", 90 }, { "Mùi", 10 } };
static const char *const dao_given_male[] = {
  "Vần", "Phấy", "Chòi", "Sinh", "Kiềm", "Quý", "Làu", "Chàn", "Lở", "Dìn",
  "Phin", "Siều", "Sành", "Chẳn",
};
static const char *const dao_given_female[] = {
  "Mẩy", "Nhất", "Chang", "Dua", "Liều", "Mai", "Kiều", "Nhàn", "Phây", "Sọi",
};

/* Khmer: a clan-like family name given at registration (Thạch, Sơn, Kim, Danh,
 * Châu…), no middle name for most men, Thị for most women, and a given name of one
 * or two syllables written as separate capitalised words. */
static const Weighted khmer_family[] = {
  { "Thạch", 30 }, { "Sơn", 20 }, { "Kim", 15 }, { "Danh", 12 }, { "Lâm", 8 },
  { "Châu", 7 }, { "Lý", 5 }, { "Kiên", 3 },
};
static const Weighted khmer_middle_male[] = { { NULL, 90 }, { "Văn", 10 } };
static const Weighted khmer_middle_female[] = { { "Thị", 90 }, { NULL, 10 } };
static const char *const khmer_given_male[] = {
  "Sô Phanh", "Sa Rinh", "Sóc", "Sà Rết", "Thol", "Khanh", "Vi Sal", "Sa Vanh",
  "Chanh Đa", "Pho", "Khol", "Chênh", "Sà Cu", "Ny", "Sóc Khonl", "Sa Ruôn",
  "Kim Sang", "Pha Ra",
};
static const char *const khmer_given_female[] = {
  "Sa Ry", "Sà Rươl", "Sô Phi", "Ma Ri", "Chanh Ny", "Sóc Phol", "Sa Vy", "Ra Ny",
  "Sây", "Sa Mây", "Sa Phia", "Thi Da", "Sà Ly", "Chanh Thi", "Kim Sa", "Ry Na",
};

/* Ê Đê: Y (men) or H' (women), the given name, then the family name at the end. */
static const Weighted ede_family[] = {
  { "Niê", 25 }, { "Êban", 12 }, { "Byă", 8 }, { "Mlô", 8 }, { "Ayŭn", 6 },
  { "Êya", 6 }, { "Knul", 5 }, { "Adrơng", 5 }, { "Hwing", 4 }, { "Kbuôr", 4 },
  { "Niê Kdăm", 6 }, { "Buôn Yă", 4 }, { "Ksơr", 4 }, { "Mlô Duôn Du", 3 },
};
static const char *const ede_given_male[] = {
  "Bhăm", "Khu", "Tlam", "Ngông", "Bih", "Jút", "Kim", "Blô", "Mô", "Thuôn",
  "Hiăng", "Sơn", "Duy", "Wang", "Lơ", "Krông", "Phi", "Tuyn",
};
static const char *const ede_given_female[] = {
  "Hen", "Nga", "Blan", "Ni", "Năm", "Bia", "Ơn", "Diăm", "Dung", "Mai",
  "Lin", "Nhi", "Yim", "Zuin", "Jă", "Hra",
};

/* Gia Rai: family name first, usually a single given name; women often H'. */
static const Weighted giarai_family[] = {
  { "Ksor", 25 }, { "Rơ Châm", 12 }, { "Siu", 20 }, { "Rah Lan", 10 },
  { "Rơ Mah", 12 }, { "Kpă", 10 }, { "Nay", 6 }, { "Puih", 5 },
};
static const Weighted no_middle[] = { { NULL, 1 } };
static const char *const giarai_given_male[] = {
  "Thuyên", "Tuân", "Hlim", "Đen", "Phin", "Ler", "Bơn", "Jut", "Nghe", "Hyưh",
  "Thương", "Blơi",
};
static const char *const giarai_given_female[] = {
  "H'Bia", "H'Lan", "H'Yơn", "Hương", "Nhơn", "H'Nen", "Blin", "H'Ly", "Hlơn",
};

/* Chăm (mostly the old Ninh Thuận, now Khánh Hòa). */
static const Weighted cham_family[] = {
  { "Đàng", 25 }, { "Thập", 15 }, { "Quảng", 15 }, { "Lưu", 10 }, { "Báo", 8 },
  { "Thiên", 8 }, { "Trượng", 7 }, { "Hán", 6 }, { "Phú", 6 },
};
static const Weighted cham_middle_male[] = {
  { "Năng", 30 }, { "Văn", 40 }, { "Đại", 20 }, { "Thành", 10 },
};
static const Weighted cham_middle_female[] = { { "Thị", 95 }, { "Ngọc", 5 } };

typedef struct {
  const Weighted     *family;
  guint               n_family;
  const Weighted     *middle[2];       /* [male, female] */
  guint               n_middle[2];
  const char *const  *given[2];
  guint               n_given[2];
  guint               kinh_given_percent;  /* how often a Vietnamese given name is used */
} Naming;

#define NAMING(fam, mm, mf, gm, gf, pct) \
  { fam, G_N_ELEMENTS (fam), { mm, mf }, { G_N_ELEMENTS (mm), G_N_ELEMENTS (mf) }, \
    { gm, gf }, { G_N_ELEMENTS (gm), G_N_ELEMENTS (gf) }, pct }

static const Naming namings[N_ETHNIC] = {
  [ETHNIC_TAY_NUNG] = NAMING (tay_family, tay_middle_male, tay_middle_female,
                              tay_given_male, tay_given_female, 65),
  [ETHNIC_THAI] = NAMING (thai_family, thai_middle_male, thai_middle_female,
                          thai_given_male, thai_given_female, 30),
  /* Mường and Chăm given names are Vietnamese ones. */
  [ETHNIC_MUONG] = NAMING (muong_family, muong_middle_male, muong_middle_female,
                           kinh_given_male, kinh_given_female, 100),
  [ETHNIC_HMONG] = NAMING (hmong_family, hmong_middle_male, hmong_middle_female,
                           hmong_given_male, hmong_given_female, 5),
  [ETHNIC_DAO] = NAMING (dao_family, dao_middle_male, dao_middle_female,
                         dao_given_male, dao_given_female, 15),
  [ETHNIC_KHMER] = NAMING (khmer_family, khmer_middle_male, khmer_middle_female,
                           khmer_given_male, khmer_given_female, 15),
  [ETHNIC_GIARAI] = NAMING (giarai_family, no_middle, no_middle,
                            giarai_given_male, giarai_given_female, 10),
  [ETHNIC_CHAM] = NAMING (cham_family, cham_middle_male, cham_middle_female,
                          kinh_given_male, kinh_given_female, 100),
};

static const char *
pick_kinh_given (GRand    *rand,
                 gboolean  female)
{
  return female ? PICK (rand, kinh_given_female) : PICK (rand, kinh_given_male);
}

static void
name_kinh (GRand     *rand,
           gboolean   female,
           int        year,
           NameParts *np)
{
  const char *middle1;
  const char *middle2 = NULL;
  const char *given;
  guint plain_percent;

  name_add (np, PICK_WEIGHTED (rand, kinh_family));

  /* Văn and Thị were near universal for people born before reunification and have
   * been falling out of fashion since; younger applicants get more varied middles. */
  if (year < 1970)
    plain_percent = female ? 80 : 60;
  else if (year < 1985)
    plain_percent = female ? 65 : 45;
  else if (year < 1995)
    plain_percent = female ? 45 : 30;
  else
    plain_percent = female ? 30 : 20;

  if (chance (rand, plain_percent))
    {
      middle1 = female ? "Thị" : "Văn";
      /* "Nguyễn Thị Hồng Nhung": a second middle name is common after Thị. */
      if (chance (rand, female ? 25 : 6))
        middle2 = female ? PICK (rand, kinh_middle_female) : PICK (rand, kinh_middle_male);
    }
  else
    {
      middle1 = female ? PICK (rand, kinh_middle_female) : PICK (rand, kinh_middle_male);
      if (chance (rand, 10))
        {
          middle2 = female ? PICK (rand, kinh_middle_female) : PICK (rand, kinh_middle_male);
          if (middle2 == middle1 || strcmp (middle2, middle1) == 0)
            middle2 = NULL;
        }
    }

  /* "Minh Minh" does not happen; a few redraws settle it deterministically. */
  given = pick_kinh_given (rand, female);
  for (int i = 0; i < 4; i++)
    {
      if (strcmp (given, middle1) != 0 && (middle2 == NULL || strcmp (given, middle2) != 0))
        break;
      given = pick_kinh_given (rand, female);
    }

  name_add (np, middle1);
  name_add (np, middle2);
  np->given_index = np->n_words;
  name_add (np, given);
}

static void
name_ede (GRand     *rand,
          gboolean   female,
          NameParts *np)
{
  if (female)
    {
      /* Cards show both "H'Hen" and "H' Hen". */
      if (chance (rand, 75))
        np->glued |= 1u << np->n_words;
      name_add (np, "H'");
      np->given_index = np->n_words;
      name_add (np, PICK (rand, ede_given_female));
    }
  else
    {
      name_add (np, "Y");
      np->given_index = np->n_words;
      name_add (np, PICK (rand, ede_given_male));
    }
  np->family_index = np->n_words;
  name_add (np, PICK_WEIGHTED (rand, ede_family));
}

static void
name_generic (GRand        *rand,
              const Naming *naming,
              gboolean      female,
              NameParts    *np)
{
  guint s = female ? 1 : 0;
  const char *given;

  name_add (np, pick_weighted (rand, naming->family, naming->n_family));
  name_add (np, pick_weighted (rand, naming->middle[s], naming->n_middle[s]));

  if (chance (rand, naming->kinh_given_percent))
    given = pick_kinh_given (rand, female);
  else
    given = naming->given[s][g_rand_int_range (rand, 0, (gint32) naming->n_given[s])];
  np->given_index = np->n_words;
  name_add (np, given);
}

static void
name_generate (GRand     *rand,
               Ethnic     ethnic,
               gboolean   female,
               int        year,
               NameParts *np)
{
  memset (np, 0, sizeof *np);

  switch (ethnic)
    {
    case ETHNIC_KINH:
      name_kinh (rand, female, year, np);
      break;
    case ETHNIC_EDE:
      name_ede (rand, female, np);
      break;
    default:
      /* Tày, Nùng, Thái, Mường, H'Mông, Dao, Khmer, Gia Rai, Chăm: family first. */
      name_generic (rand, &namings[ethnic], female, np);
      break;
    }
}

static char *
name_join (const NameParts *np)
{
  Builder b = { .len = 0 };

  b.buf[0] = '\0';
  for (guint i = 0; i < np->n_words; i++)
    {
      if (i > 0 && !(np->glued & (1u << (i - 1))))
        builder_append (&b, " ");
      builder_append (&b, np->words[i]);
    }

  return g_strndup (b.buf, b.len);
}

/* ------------------------------------------------------------------------ */
/* Places                                                                    */

typedef enum {
  REGION_NORTH,      /* Red River delta and north-central coast: thôn, xóm */
  REGION_MOUNTAIN,   /* northern uplands: thôn, bản */
  REGION_CENTRAL,    /* central coast: thôn */
  REGION_HIGHLAND,   /* Central Highlands: numbered thôn */
  REGION_SOUTH,      /* south-east and Mekong delta: ấp, khu phố */
} Region;

typedef enum {
  P_HA_NOI, P_HUE, P_HAI_PHONG, P_DA_NANG, P_HCM, P_CAN_THO, P_LAI_CHAU, P_DIEN_BIEN,
  P_SON_LA, P_LANG_SON, P_QUANG_NINH, P_THANH_HOA, P_NGHE_AN, P_HA_TINH, P_CAO_BANG,
  P_TUYEN_QUANG, P_LAO_CAI, P_THAI_NGUYEN, P_PHU_THO, P_BAC_NINH, P_HUNG_YEN,
  P_NINH_BINH, P_QUANG_TRI, P_QUANG_NGAI, P_GIA_LAI, P_KHANH_HOA, P_LAM_DONG,
  P_DAK_LAK, P_DONG_NAI, P_TAY_NINH, P_VINH_LONG, P_DONG_THAP, P_CA_MAU, P_AN_GIANG,
  N_PROVINCES
} ProvinceId;

typedef struct {
  const char *name;
  gboolean    city;           /* "thành phố" (centrally run city) rather than "tỉnh" */
  Region      region;
  guint       weight;         /* population, in hundred thousands (2025, rounded) */
  /* CCCD province codes of the pre-2025 provinces merged into this one: cards keep
   * the code of the old province of birth registration. */
  const char *codes[4];
  /* Each with its unit word so wards and communes need no separate flag. */
  const char *communes[12];
} Province;

static const Province provinces[N_PROVINCES] = {
  [P_HA_NOI] = { "Hà Nội", TRUE, REGION_NORTH, 87, { "001" },
    { "phường Hoàn Kiếm", "phường Ba Đình", "phường Cầu Giấy", "phường Hà Đông",
      "phường Long Biên", "xã Sóc Sơn", "xã Ba Vì", "xã Mê Linh", "xã Đông Anh",
      "xã Thạch Thất", "xã Ứng Hòa", "xã Phúc Thọ" } },
  [P_HUE] = { "Huế", TRUE, REGION_CENTRAL, 14, { "046" },
    { "phường Thuận Hóa", "phường Phú Xuân", "phường Kim Long", "phường Hương Thủy",
      "xã Phú Vang", "xã Quảng Điền", "xã A Lưới 2", "xã Phong Điền", "xã Phú Lộc" } },
  [P_HAI_PHONG] = { "Hải Phòng", TRUE, REGION_NORTH, 47, { "031", "030" },
    { "phường Hồng Bàng", "phường Lê Chân", "phường Hải Dương", "phường Thủy Nguyên",
      "phường Chí Linh", "xã Tiên Lãng", "xã Vĩnh Bảo", "xã An Lão", "xã Thanh Hà",
      "xã Ninh Giang" } },
  [P_DA_NANG] = { "Đà Nẵng", TRUE, REGION_CENTRAL, 31, { "048", "049" },
    { "phường Hải Châu", "phường Sơn Trà", "phường Hội An", "phường Tam Kỳ",
      "xã Hòa Vang", "xã Thăng Bình", "xã Duy Xuyên", "xã Nam Trà My", "xã Đại Lộc" } },
  /* Written "thành phố Hồ Chí Minh" in an address, like "thành phố Hà Nội". */
  [P_HCM] = { "Hồ Chí Minh", TRUE, REGION_SOUTH, 140, { "079", "074", "077" },
    { "phường Sài Gòn", "phường Bến Thành", "phường Thủ Đức", "phường Gò Vấp",
      "phường Thủ Dầu Một", "phường Vũng Tàu", "phường Dĩ An", "xã Củ Chi",
      "xã Cần Giờ", "xã Bình Chánh", "xã Long Hải", "xã Dầu Tiếng" } },
  [P_CAN_THO] = { "Cần Thơ", TRUE, REGION_SOUTH, 42, { "092", "094", "093" },
    { "phường Ninh Kiều", "phường Cái Răng", "phường Sóc Trăng", "phường Vị Thanh",
      "xã Phong Điền", "xã Kế Sách", "xã Trần Đề", "xã Mỹ Xuyên", "xã Thạnh Trị",
      "xã Lịch Hội Thượng" } },
  [P_LAI_CHAU] = { "Lai Châu", FALSE, REGION_MOUNTAIN, 5, { "012" },
    { "phường Tân Phong", "xã Sìn Hồ", "xã Phong Thổ", "xã Mường Tè", "xã Tam Đường",
      "xã Than Uyên", "xã Bum Nưa", "xã Dào San" } },
  [P_DIEN_BIEN] = { "Điện Biên", FALSE, REGION_MOUNTAIN, 7, { "011" },
    { "phường Điện Biên Phủ", "phường Mường Lay", "xã Mường Nhé", "xã Tủa Chùa",
      "xã Mường Ảng", "xã Nà Tấu", "xã Thanh Nưa", "xã Sín Thầu", "xã Tuần Giáo" } },
  [P_SON_LA] = { "Sơn La", FALSE, REGION_MOUNTAIN, 13, { "014" },
    { "phường Tô Hiệu", "phường Chiềng An", "phường Mộc Sơn", "xã Thuận Châu",
      "xã Mường La", "xã Sốp Cộp", "xã Bắc Yên", "xã Chiềng Mai", "xã Phù Yên",
      "xã Sông Mã" } },
  [P_LANG_SON] = { "Lạng Sơn", FALSE, REGION_MOUNTAIN, 8, { "020" },
    { "phường Lương Văn Tri", "phường Đông Kinh", "xã Cao Lộc", "xã Bắc Sơn",
      "xã Văn Quan", "xã Đình Lập", "xã Tràng Định", "xã Lộc Bình" } },
  [P_QUANG_NINH] = { "Quảng Ninh", FALSE, REGION_NORTH, 14, { "022" },
    { "phường Hạ Long", "phường Bãi Cháy", "phường Móng Cái 1", "phường Uông Bí",
      "xã Bình Liêu", "xã Ba Chẽ", "xã Đầm Hà", "xã Tiên Yên", "xã Hải Hòa" } },
  [P_THANH_HOA] = { "Thanh Hóa", FALSE, REGION_NORTH, 37, { "038" },
    { "phường Hạc Thành", "phường Sầm Sơn", "phường Bỉm Sơn", "xã Bá Thước",
      "xã Quan Hóa", "xã Mường Lát", "xã Ngọc Lặc", "xã Thọ Xuân", "xã Hoằng Hóa",
      "xã Thường Xuân" } },
  [P_NGHE_AN] = { "Nghệ An", FALSE, REGION_NORTH, 38, { "040" },
    { "phường Vinh Phú", "phường Trường Vinh", "phường Cửa Lò", "xã Kỳ Sơn",
      "xã Con Cuông", "xã Tương Dương", "xã Quỳ Châu", "xã Diễn Châu", "xã Nghi Lộc",
      "xã Quế Phong" } },
  [P_HA_TINH] = { "Hà Tĩnh", FALSE, REGION_NORTH, 13, { "042" },
    { "phường Thành Sen", "phường Trần Phú", "phường Hồng Lĩnh", "xã Hương Khê",
      "xã Cẩm Xuyên", "xã Kỳ Anh", "xã Đức Thọ", "xã Can Lộc" } },
  [P_CAO_BANG] = { "Cao Bằng", FALSE, REGION_MOUNTAIN, 6, { "004" },
    { "phường Thục Phán", "phường Nùng Trí Cao", "xã Bảo Lạc", "xã Trùng Khánh",
      "xã Quảng Uyên", "xã Hòa An", "xã Nguyên Bình", "xã Hà Quảng" } },
  [P_TUYEN_QUANG] = { "Tuyên Quang", FALSE, REGION_MOUNTAIN, 19, { "008", "002" },
    { "phường Minh Xuân", "phường Hà Giang 1", "xã Đồng Văn", "xã Mèo Vạc",
      "xã Yên Minh", "xã Na Hang", "xã Lâm Bình", "xã Hoàng Su Phì", "xã Sơn Dương",
      "xã Lũng Cú" } },
  [P_LAO_CAI] = { "Lào Cai", FALSE, REGION_MOUNTAIN, 18, { "010", "015" },
    { "phường Lào Cai", "phường Cam Đường", "phường Sa Pa", "phường Yên Bái",
      "xã Bắc Hà", "xã Mường Khương", "xã Bản Lầu", "xã Si Ma Cai", "xã Mù Cang Chải",
      "xã Bát Xát", "xã Tả Van", "xã Văn Chấn" } },
  [P_THAI_NGUYEN] = { "Thái Nguyên", FALSE, REGION_NORTH, 18, { "019", "006" },
    { "phường Phan Đình Phùng", "phường Bắc Kạn", "phường Phổ Yên", "xã Định Hóa",
      "xã Đại Từ", "xã Ba Bể", "xã Chợ Đồn", "xã Võ Nhai", "xã Na Rì" } },
  [P_PHU_THO] = { "Phú Thọ", FALSE, REGION_NORTH, 40, { "025", "026", "017" },
    { "phường Việt Trì", "phường Vĩnh Phúc", "phường Hòa Bình", "xã Mai Châu",
      "xã Tân Sơn", "xã Lạc Sơn", "xã Thanh Sơn", "xã Cao Phong", "xã Tam Đảo",
      "xã Đà Bắc" } },
  [P_BAC_NINH] = { "Bắc Ninh", FALSE, REGION_NORTH, 36, { "027", "024" },
    { "phường Kinh Bắc", "phường Bắc Giang", "phường Từ Sơn", "xã Lục Ngạn",
      "xã Sơn Động", "xã Yên Thế", "xã Gia Bình", "xã Lạng Giang" } },
  [P_HUNG_YEN] = { "Hưng Yên", FALSE, REGION_NORTH, 36, { "033", "034" },
    { "phường Phố Hiến", "phường Thái Bình", "phường Mỹ Hào", "xã Tiên Lữ",
      "xã Kiến Xương", "xã Văn Giang", "xã Quỳnh Phụ", "xã Hưng Hà" } },
  [P_NINH_BINH] = { "Ninh Bình", FALSE, REGION_NORTH, 44, { "037", "035", "036" },
    { "phường Hoa Lư", "phường Nam Định", "phường Phủ Lý", "phường Tam Điệp",
      "xã Kim Sơn", "xã Nho Quan", "xã Hải Hậu", "xã Giao Thủy", "xã Lý Nhân" } },
  [P_QUANG_TRI] = { "Quảng Trị", FALSE, REGION_CENTRAL, 19, { "045", "044" },
    { "phường Đông Hà", "phường Đồng Hới", "xã Khe Sanh", "xã Lệ Thủy", "xã Vĩnh Linh",
      "xã Gio Linh", "xã Minh Hóa", "xã Bố Trạch" } },
  [P_QUANG_NGAI] = { "Quảng Ngãi", FALSE, REGION_CENTRAL, 22, { "051", "062" },
    { "phường Cẩm Thành", "phường Kon Tum", "xã Sơn Hà", "xã Ba Tơ", "xã Đăk Tô",
      "xã Sa Thầy", "xã Bình Sơn", "xã Mộ Đức" } },
  [P_GIA_LAI] = { "Gia Lai", FALSE, REGION_HIGHLAND, 36, { "064", "052" },
    { "phường Pleiku", "phường Quy Nhơn", "phường An Khê", "xã Chư Păh", "xã Ia Grai",
      "xã Chư Sê", "xã Đức Cơ", "xã Phù Cát", "xã Ia Hrú", "xã Kông Chro" } },
  [P_KHANH_HOA] = { "Khánh Hòa", FALSE, REGION_CENTRAL, 22, { "056", "058" },
    { "phường Nha Trang", "phường Cam Ranh", "phường Phan Rang", "xã Khánh Vĩnh",
      "xã Diên Khánh", "xã Ninh Phước", "xã Vạn Ninh", "xã Phước Hữu" } },
  [P_LAM_DONG] = { "Lâm Đồng", FALSE, REGION_HIGHLAND, 39, { "068", "067", "060" },
    { "phường Bảo Lộc 1", "phường Phan Thiết", "phường Gia Nghĩa", "xã Lạc Dương",
      "xã Di Linh", "xã Đức Trọng", "xã Tuy Phong", "xã Krông Nô", "xã Đam Rông 1" } },
  [P_DAK_LAK] = { "Đắk Lắk", FALSE, REGION_HIGHLAND, 33, { "066", "054" },
    { "phường Buôn Ma Thuột", "phường Tuy Hòa", "phường Tân Lập", "xã Ea Súp",
      "xã Krông Pắc", "xã Buôn Đôn", "xã Ea Kar", "xã Dliê Ya", "xã Krông Bông",
      "xã Lắk" } },
  [P_DONG_NAI] = { "Đồng Nai", FALSE, REGION_SOUTH, 45, { "075", "070" },
    { "phường Trấn Biên", "phường Biên Hòa", "phường Bình Phước", "phường Long Khánh",
      "xã Định Quán", "xã Tân Phú", "xã Bù Đăng", "xã Xuân Lộc" } },
  [P_TAY_NINH] = { "Tây Ninh", FALSE, REGION_SOUTH, 33, { "072", "080" },
    { "phường Tân Ninh", "phường Long An", "phường Hòa Thành", "xã Châu Thành",
      "xã Tân Biên", "xã Đức Hòa", "xã Cần Giuộc", "xã Thạnh Hóa" } },
  [P_VINH_LONG] = { "Vĩnh Long", FALSE, REGION_SOUTH, 43, { "086", "083", "084" },
    { "phường Thanh Đức", "phường Bến Tre", "phường Trà Vinh", "xã Cầu Ngang",
      "xã Trà Cú", "xã Tiểu Cần", "xã Mỏ Cày", "xã Châu Thành", "xã Long Hồ" } },
  [P_DONG_THAP] = { "Đồng Tháp", FALSE, REGION_SOUTH, 44, { "087", "082" },
    { "phường Cao Lãnh", "phường Mỹ Tho", "phường Sa Đéc", "phường Gò Công",
      "xã Tháp Mười", "xã Cái Bè", "xã Tam Nông", "xã Lấp Vò" } },
  [P_CA_MAU] = { "Cà Mau", FALSE, REGION_SOUTH, 26, { "096", "095" },
    { "phường An Xuyên", "phường Bạc Liêu", "phường Giá Rai", "xã Năm Căn", "xã U Minh",
      "xã Đầm Dơi", "xã Vĩnh Lợi", "xã Hồng Dân" } },
  [P_AN_GIANG] = { "An Giang", FALSE, REGION_SOUTH, 49, { "089", "091" },
    { "phường Long Xuyên", "phường Rạch Giá", "phường Châu Đốc", "phường Tịnh Biên",
      "xã Tri Tôn", "xã Ba Chúc", "xã Gò Quao", "xã Châu Phong", "xã Hòn Đất" } },
};

/* All 63 pre-2025 codes, for people registered somewhere other than where they
 * live now. */
static const char *const all_codes[] = {
  "001", "002", "004", "006", "008", "010", "011", "012", "014", "015", "017", "019",
  "020", "022", "024", "025", "026", "027", "030", "031", "033", "034", "035", "036",
  "037", "038", "040", "042", "044", "045", "046", "048", "049", "051", "052", "054",
  "056", "058", "060", "062", "064", "066", "067", "068", "070", "072", "074", "075",
  "077", "079", "080", "082", "083", "084", "086", "087", "089", "091", "092", "093",
  "094", "095", "096",
};

typedef struct {
  ProvinceId province;
  guint      weight;
} Home;

/* Where each minority mostly lives; anyone may also have moved for work. */
static const Home homes_tay_nung[] = {
  { P_CAO_BANG, 25 }, { P_LANG_SON, 30 }, { P_TUYEN_QUANG, 15 }, { P_THAI_NGUYEN, 15 },
  { P_LAO_CAI, 8 }, { P_QUANG_NINH, 7 },
};
static const Home homes_thai[] = {
  { P_SON_LA, 40 }, { P_DIEN_BIEN, 15 }, { P_LAI_CHAU, 10 }, { P_THANH_HOA, 15 },
  { P_NGHE_AN, 15 }, { P_LAO_CAI, 5 },
};
static const Home homes_muong[] = {
  { P_PHU_THO, 55 }, { P_THANH_HOA, 30 }, { P_NINH_BINH, 10 }, { P_SON_LA, 5 },
};
static const Home homes_hmong[] = {
  { P_TUYEN_QUANG, 30 }, { P_LAO_CAI, 25 }, { P_DIEN_BIEN, 15 }, { P_SON_LA, 15 },
  { P_LAI_CHAU, 10 }, { P_NGHE_AN, 5 },
};
static const Home homes_dao[] = {
  { P_LAO_CAI, 25 }, { P_TUYEN_QUANG, 30 }, { P_CAO_BANG, 10 }, { P_QUANG_NINH, 10 },
  { P_THAI_NGUYEN, 10 }, { P_LAI_CHAU, 10 }, { P_LANG_SON, 5 },
};
static const Home homes_khmer[] = {
  { P_CAN_THO, 35 }, { P_VINH_LONG, 30 }, { P_AN_GIANG, 25 }, { P_CA_MAU, 10 },
};
static const Home homes_ede[] = { { P_DAK_LAK, 1 } };
static const Home homes_giarai[] = { { P_GIA_LAI, 1 } };
static const Home homes_cham[] = { { P_KHANH_HOA, 75 }, { P_AN_GIANG, 25 } };

typedef struct {
  const Home *homes;
  guint       n_homes;
} HomeSet;

#define HOMES(h) { h, G_N_ELEMENTS (h) }

static const HomeSet home_sets[N_ETHNIC] = {
  [ETHNIC_KINH] = { NULL, 0 },
  [ETHNIC_TAY_NUNG] = HOMES (homes_tay_nung),
  [ETHNIC_THAI] = HOMES (homes_thai),
  [ETHNIC_MUONG] = HOMES (homes_muong),
  [ETHNIC_HMONG] = HOMES (homes_hmong),
  [ETHNIC_DAO] = HOMES (homes_dao),
  [ETHNIC_KHMER] = HOMES (homes_khmer),
  [ETHNIC_EDE] = HOMES (homes_ede),
  [ETHNIC_GIARAI] = HOMES (homes_giarai),
  [ETHNIC_CHAM] = HOMES (homes_cham),
};

/* Village names, with the unit word each region uses. */
static const char *const villages_north[] = {
  "Thôn Đông", "Thôn Đoài", "Thôn Thượng", "Thôn Trung", "Thôn Hạ", "Thôn Yên Phú",
  "Thôn An Lạc", "Thôn Phú Mỹ", "Thôn Tân Lập", "Thôn Đồng Tâm", "Thôn Liên Hợp",
  "Thôn Thống Nhất", "Thôn Đại Đồng", "Thôn Phù Lưu", "Thôn Kim Lũ", "Xóm Mới",
  "Xóm Chùa", "Thôn Cao Xá", "Thôn Hòa Bình", "Thôn Văn Giáp", "Thôn Phượng Dực",
  "Xóm Đình", "Thôn Bắc", "Thôn Nam",
};
static const char *const villages_central[] = {
  "Thôn Phước Lộc", "Thôn An Thạnh", "Thôn Mỹ Lợi", "Thôn Tân Hiệp", "Thôn Vĩnh An",
  "Thôn Phú Hòa", "Thôn Đông Phước", "Thôn Thủy Tú", "Thôn Hà Thanh", "Thôn Trung Sơn",
  "Thôn Xuân Hòa", "Thôn La Chữ", "Thôn Phú Thạnh", "Thôn Tây An", "Thôn Hòa Mỹ",
};
static const char *const villages_south[] = {
  "Ấp Bình Hòa", "Ấp Tân Thạnh", "Ấp Mỹ Lợi", "Ấp Long Hưng", "Ấp Phú Thạnh",
  "Ấp An Phú", "Ấp Thạnh Lộc", "Ấp Tân Quy", "Ấp Vĩnh Thuận", "Ấp Bình Thạnh",
  "Ấp Hòa Lợi", "Ấp Cây Da", "Ấp Rạch Gốc", "Ấp Kinh Xáng", "Ấp Bàu Sen",
  "Ấp Phước Hưng", "Ấp Long Thạnh", "Ấp Mỹ Phú",
};
/* Northern uplands, mostly Tày and Nùng place names. */
static const char *const villages_mountain[] = {
  "Thôn Nà Cạn", "Thôn Khuổi Bốc", "Thôn Pác Ngòi", "Thôn Nà Pồng", "Thôn Bản Chang",
  "Thôn Phiêng Luông", "Thôn Cốc Phát", "Thôn Nà Mò", "Thôn Lũng Vài", "Bản Nà Làng",
  "Thôn Nà Rạo", "Thôn Khau Vai", "Thôn Pác Bó", "Bản Cốc Lầu", "Thôn Nà Hu",
};
static const char *const villages_thai[] = {
  "Bản Pá Khoang", "Bản Hua Pù", "Bản Mòng", "Bản Co Muông", "Bản Huổi Lóng",
  "Bản Nậm Cang", "Bản Pắc Ngà", "Bản Lác", "Bản Phiêng Ban", "Bản Chiềng Đi",
  "Bản Hát Lay", "Bản Ít Ong", "Bản Nà Sản", "Bản Tông Lạnh", "Bản Noong Bua",
};
static const char *const villages_hmong[] = {
  "Bản Lùng Phìn", "Thôn Sảng Tủng", "Bản Sín Chải", "Bản Háng Chơ", "Bản Tả Phìn",
  "Bản Xà Phìn", "Bản Lao Chải", "Thôn Lũng Cú", "Bản Phìn Hồ", "Bản Páo Sì",
  "Thôn Mã Pì Lèng", "Bản Háng Tày", "Bản Sủng Là", "Bản Chế Cu Nha", "Thôn Lũng Táo",
};
static const char *const villages_dao[] = {
  "Thôn Nặm Đăm", "Thôn Khe Nà", "Thôn Tả Phìn", "Bản Nậm Cang", "Thôn Phìn Ngan",
  "Thôn Khuổi Hẻo", "Thôn Bản Khoang", "Thôn Lùng Tao", "Thôn Khe Mạ", "Bản Tả Van Dao",
};
static const char *const villages_muong[] = {
  "Xóm Mỗi", "Xóm Lũy", "Xóm Bưng", "Xóm Vó", "Xóm Trang", "Xóm Đồi", "Xóm Khả",
  "Xóm Ải", "Xóm Giang Mỗ", "Xóm Bận", "Xóm Chiềng", "Xóm Cọi",
};
/* Khmer villages keep the Khmer words phum and sóc inside the official "ấp" name. */
static const char *const villages_khmer[] = {
  "Ấp Sóc Xoài", "Ấp Sóc Tre", "Ấp Ô Chúc", "Ấp Tha La", "Ấp Bưng Cốc", "Ấp Chông Nô",
  "Ấp Phum Pô", "Ấp Sóc Ruộng", "Ấp Ba Sóc", "Ấp Kom Pong", "Phum Sóc Mới", "Sóc Ven",
  "Ấp Sóc Vồ", "Ấp Phum Ta Pạ",
};
static const char *const villages_ede[] = {
  "Buôn Ko Tam", "Buôn Trí A", "Buôn Ea Bông", "Buôn Tơng Jú", "Buôn Cuôr Đăng",
  "Buôn Jun", "Buôn Akŏ Dhông", "Buôn Đôn", "Buôn Kmrơng Prông", "Buôn Ea Sut",
  "Buôn Ko Sier", "Buôn Kniêt",
};
static const char *const villages_giarai[] = {
  "Làng Plei Ơi", "Làng Ia Nueng", "Làng Kép", "Làng Đê Gơl", "Làng Ốp", "Làng Plei Fun",
  "Làng Chư Kó", "Làng Plei Thơ Ga", "Làng Bông Phun",
};
static const char *const villages_cham[] = {
  "Thôn Bàu Trúc", "Thôn Phước Nhơn", "Thôn Chất Thường", "Thôn Hữu Đức", "Thôn Văn Lâm",
  "Thôn Mỹ Nghiệp", "Thôn Hiếu Thiện", "Thôn Như Bình",
};
/* The Muslim Chăm of the Mekong delta live in "ấp", like their neighbours. */
static const char *const villages_cham_south[] = {
  "Ấp Châu Giang", "Ấp Phũm Soài", "Ấp Đa Phước", "Ấp Khánh Hòa",
};

static ProvinceId
pick_province_by_population (GRand *rand)
{
  guint total = 0;
  guint r;

  for (guint i = 0; i < N_PROVINCES; i++)
    total += provinces[i].weight;

  r = (guint) g_rand_int_range (rand, 0, (gint32) total);
  for (guint i = 0; i < N_PROVINCES; i++)
    {
      if (r < provinces[i].weight)
        return (ProvinceId) i;
      r -= provinces[i].weight;
    }

  return P_HA_NOI;
}

static ProvinceId
pick_home (GRand  *rand,
           Ethnic  ethnic)
{
  const HomeSet *set = &home_sets[ethnic];
  guint total = 0;
  guint r;

  /* One in ten has moved away, typically to the industrial south-east or a city. */
  if (set->n_homes == 0 || chance (rand, 10))
    return pick_province_by_population (rand);

  for (guint i = 0; i < set->n_homes; i++)
    total += set->homes[i].weight;
  r = (guint) g_rand_int_range (rand, 0, (gint32) total);
  for (guint i = 0; i < set->n_homes; i++)
    {
      if (r < set->homes[i].weight)
        return set->homes[i].province;
      r -= set->homes[i].weight;
    }

  return set->homes[0].province;
}

static guint
count_strings (const char *const *strv,
               guint              max)
{
  guint n = 0;

  while (n < max && strv[n] != NULL)
    n++;
  return n;
}

static const char *
pick_commune (GRand          *rand,
              const Province *province,
              gboolean        rural_preferred)
{
  guint n = count_strings (province->communes, G_N_ELEMENTS (province->communes));
  const char *commune = province->communes[g_rand_int_range (rand, 0, (gint32) n)];

  /* Minorities mostly live in rural communes; a couple of redraws is enough to make
   * wards rare without looping. */
  for (int i = 0; rural_preferred && i < 3 && commune[0] != 'x'; i++)
    commune = province->communes[g_rand_int_range (rand, 0, (gint32) n)];

  return commune;
}

static const char *const *
ethnic_villages (Ethnic      ethnic,
                 ProvinceId  province_id,
                 guint      *n)
{
#define RETURN_VILLAGES(v) G_STMT_START { *n = G_N_ELEMENTS (v); return v; } G_STMT_END
  switch (ethnic)
    {
    case ETHNIC_TAY_NUNG: RETURN_VILLAGES (villages_mountain);
    case ETHNIC_THAI: RETURN_VILLAGES (villages_thai);
    case ETHNIC_MUONG: RETURN_VILLAGES (villages_muong);
    case ETHNIC_HMONG: RETURN_VILLAGES (villages_hmong);
    case ETHNIC_DAO: RETURN_VILLAGES (villages_dao);
    case ETHNIC_KHMER: RETURN_VILLAGES (villages_khmer);
    case ETHNIC_EDE: RETURN_VILLAGES (villages_ede);
    case ETHNIC_GIARAI: RETURN_VILLAGES (villages_giarai);
    case ETHNIC_CHAM:
      if (province_id == P_AN_GIANG)
        RETURN_VILLAGES (villages_cham_south);
      RETURN_VILLAGES (villages_cham);
    case ETHNIC_KINH:
    case N_ETHNIC:
    default:
      *n = 0;
      return NULL;
    }
#undef RETURN_VILLAGES
}

/* Writes the first part of the address ("Thôn Nà Pồng", "Tổ dân phố 7") into @out. */
static void
pick_village (GRand          *rand,
              Ethnic          ethnic,
              ProvinceId      province_id,
              const Province *province,
              gboolean        ward,
              char           *out,
              gsize           out_size)
{
  const char *const *villages = NULL;
  guint n = 0;
  const char *unit;
  guint numbered_percent;

  if (ward)
    {
      /* Urban wards are divided into numbered residential groups. */
      unit = province->region == REGION_SOUTH ? "Khu phố" : "Tổ dân phố";
      g_snprintf (out, out_size, "%s %d", unit, g_rand_int_range (rand, 1, 25));
      return;
    }

  /* A minority family living outside its home provinces lives in an ordinary
   * village of the province it moved to. */
  if (ethnic != ETHNIC_KINH)
    {
      const HomeSet *set = &home_sets[ethnic];

      for (guint i = 0; i < set->n_homes; i++)
        if (set->homes[i].province == province_id)
          villages = ethnic_villages (ethnic, province_id, &n);
    }

  if (villages != NULL)
    {
      g_strlcpy (out, villages[g_rand_int_range (rand, 0, (gint32) n)], out_size);
      return;
    }

  switch (province->region)
    {
    case REGION_NORTH:
      villages = villages_north;
      n = G_N_ELEMENTS (villages_north);
      unit = chance (rand, 70) ? "Thôn" : "Xóm";
      numbered_percent = 35;
      break;
    case REGION_MOUNTAIN:
      villages = villages_mountain;
      n = G_N_ELEMENTS (villages_mountain);
      unit = "Thôn";
      numbered_percent = 35;
      break;
    case REGION_CENTRAL:
      villages = villages_central;
      n = G_N_ELEMENTS (villages_central);
      unit = "Thôn";
      numbered_percent = 35;
      break;
    case REGION_HIGHLAND:
      /* Highland settlements founded in the 1980s–90s are mostly just numbered. */
      villages = villages_central;
      n = G_N_ELEMENTS (villages_central);
      unit = "Thôn";
      numbered_percent = 70;
      break;
    case REGION_SOUTH:
    default:
      villages = villages_south;
      n = G_N_ELEMENTS (villages_south);
      unit = "Ấp";
      numbered_percent = 35;
      break;
    }

  if (chance (rand, numbered_percent))
    g_snprintf (out, out_size, "%s %d", unit, g_rand_int_range (rand, 1, 16));
  else
    g_strlcpy (out, villages[g_rand_int_range (rand, 0, (gint32) n)], out_size);
}

static char *
address_generate (GRand       *rand,
                  Ethnic       ethnic,
                  ProvinceId  *province_id_out)
{
  ProvinceId province_id = ethnic == ETHNIC_KINH ? pick_province_by_population (rand)
                                                 : pick_home (rand, ethnic);
  const Province *province = &provinces[province_id];
  const char *commune = pick_commune (rand, province, ethnic != ETHNIC_KINH);
  char village[96];

  pick_village (rand, ethnic, province_id, province, commune[0] == 'p',
                village, sizeof village);
  *province_id_out = province_id;

  return g_strconcat (village, ", ", commune, ", ",
                      province->city ? "thành phố " : "tỉnh ",
                      province->name, NULL);
}

/* ------------------------------------------------------------------------ */
/* Numbers and e-mail                                                        */

/* Mobile prefixes by network, roughly weighted by market share. */
static const Weighted phone_prefixes[] = {
  /* Viettel */
  { "086", 3 }, { "096", 6 }, { "097", 6 }, { "098", 6 }, { "032", 3 }, { "033", 3 },
  { "034", 3 }, { "035", 3 }, { "036", 3 }, { "037", 3 }, { "038", 3 }, { "039", 3 },
  /* VinaPhone */
  { "088", 2 }, { "091", 6 }, { "094", 5 }, { "081", 2 }, { "082", 2 }, { "083", 2 },
  { "084", 2 }, { "085", 2 },
  /* MobiFone */
  { "089", 2 }, { "090", 6 }, { "093", 5 }, { "070", 2 }, { "076", 1 }, { "077", 2 },
  { "078", 1 }, { "079", 2 },
  /* Vietnamobile */
  { "092", 2 }, { "056", 1 }, { "058", 1 },
};

/* Reserved-looking domains only: demo data must never mail a real person. */
static const char *const email_domains[] = {
  "example.vn", "example.vn", "example.com", "example.org", "example.net",
};

/* Tone and vowel marks stripped, for ASCII e-mail local parts. U+1EA0..U+1EF9 is the
 * Vietnamese block of Latin Extended Additional, in a fixed vowel order. */
static const char fold_1ea0[] =
  "aaaaaaaaaaaaaaaaaaaaaaaa" "eeeeeeeeeeeeeeee" "iiii"
  "oooooooooooooooooooooooo" "uuuuuuuuuuuuuu" "yyyyyyyy";
static const char fold_00c0[] =
  "aaaaaa-ceeeeiiiidnooooo-ouuuuy--" "aaaaaa-ceeeeiiiidnooooo-ouuuuy-y";

static char
fold_ascii (gunichar ch)
{
  if (ch < 0x80)
    return g_ascii_isalnum ((char) ch) ? g_ascii_tolower ((char) ch) : 0;
  if (ch >= 0x1EA0 && ch <= 0x1EF9)
    return fold_1ea0[ch - 0x1EA0];
  if (ch >= 0xC0 && ch <= 0xFF)
    return fold_00c0[ch - 0xC0] == '-' ? 0 : fold_00c0[ch - 0xC0];

  switch (ch)
    {
    case 0x0102: case 0x0103: return 'a';   /* Ă ă */
    case 0x0110: case 0x0111: return 'd';   /* Đ đ */
    case 0x0114: case 0x0115: return 'e';   /* Ĕ ĕ */
    case 0x0128: case 0x0129: return 'i';   /* Ĩ ĩ */
    case 0x014E: case 0x014F: return 'o';   /* Ŏ ŏ (Ê Đê) */
    case 0x0168: case 0x0169: return 'u';   /* Ũ ũ */
    case 0x016C: case 0x016D: return 'u';   /* Ŭ ŭ (Ê Đê) */
    case 0x01A0: case 0x01A1: return 'o';   /* Ơ ơ */
    case 0x01AF: case 0x01B0: return 'u';   /* Ư ư */
    default: return 0;
    }
}

static void
append_folded (Builder    *b,
               const char *utf8)
{
  for (const char *p = utf8; *p != '\0'; p = g_utf8_next_char (p))
    {
      char c = fold_ascii (g_utf8_get_char (p));

      if (c != 0 && b->len + 1 < sizeof b->buf)
        {
          b->buf[b->len++] = c;
          b->buf[b->len] = '\0';
        }
    }
}

static void
append_initial (Builder    *b,
                const char *utf8)
{
  Builder tmp = { .len = 0 };

  tmp.buf[0] = '\0';
  append_folded (&tmp, utf8);
  if (tmp.len > 0)
    {
      char initial[2] = { tmp.buf[0], '\0' };
      builder_append (b, initial);
    }
}

static char *
email_generate (GRand           *rand,
                const NameParts *np,
                int              year)
{
  Builder b = { .len = 0 };
  const char *family = np->words[np->family_index];
  const char *given = np->words[np->given_index];
  char digits[8];

  b.buf[0] = '\0';
  switch (g_rand_int_range (rand, 0, 4))
    {
    case 0:
      /* nguyenvanan84 */
      for (guint i = 0; i < np->n_words; i++)
        append_folded (&b, np->words[i]);
      g_snprintf (digits, sizeof digits, "%02d", year % 100);
      builder_append (&b, digits);
      break;
    case 1:
      /* an.nguyen1984 */
      append_folded (&b, given);
      builder_append (&b, ".");
      append_folded (&b, family);
      g_snprintf (digits, sizeof digits, "%d", year);
      builder_append (&b, digits);
      break;
    case 2:
      /* annv, then a few digits to tell namesakes apart */
      append_folded (&b, given);
      for (guint i = 0; i < np->n_words; i++)
        if (i != np->given_index)
          append_initial (&b, np->words[i]);
      g_snprintf (digits, sizeof digits, "%d", g_rand_int_range (rand, 1, 1000));
      builder_append (&b, digits);
      break;
    default:
      /* nguyen.an */
      append_folded (&b, family);
      builder_append (&b, ".");
      append_folded (&b, given);
      if (chance (rand, 50))
        {
          g_snprintf (digits, sizeof digits, "%02d", g_rand_int_range (rand, 0, 100));
          builder_append (&b, digits);
        }
      break;
    }

  builder_append (&b, "@");
  builder_append (&b, PICK (rand, email_domains));

  return g_strndup (b.buf, b.len);
}

/* Birth years by decade band: applicants are adults, most of working age. */
static const struct {
  int   first;
  int   last;
  guint weight;
} birth_bands[] = {
  { 1940, 1949, 4 }, { 1950, 1959, 9 }, { 1960, 1969, 15 }, { 1970, 1979, 19 },
  { 1980, 1989, 22 }, { 1990, 1999, 20 }, { 2000, 2008, 11 },
};

static int
pick_birth_year (GRand *rand)
{
  guint total = 0;
  guint r;

  for (guint i = 0; i < G_N_ELEMENTS (birth_bands); i++)
    total += birth_bands[i].weight;
  r = (guint) g_rand_int_range (rand, 0, (gint32) total);
  for (guint i = 0; i < G_N_ELEMENTS (birth_bands); i++)
    {
      if (r < birth_bands[i].weight)
        return g_rand_int_range (rand, birth_bands[i].first, birth_bands[i].last + 1);
      r -= birth_bands[i].weight;
    }

  return 1980;
}

static Ethnic
pick_ethnic (GRand *rand)
{
  guint total = 0;
  guint r;

  for (guint i = 0; i < N_ETHNIC; i++)
    total += ethnic_weight[i];
  r = (guint) g_rand_int_range (rand, 0, (gint32) total);
  for (guint i = 0; i < N_ETHNIC; i++)
    {
      if (r < ethnic_weight[i])
        return (Ethnic) i;
      r -= ethnic_weight[i];
    }

  return ETHNIC_KINH;
}

/* ------------------------------------------------------------------------ */
/* Public API                                                                */

void
motcua_demo_person_generate (GRand            *rand,
                             MotcuaDemoPerson *person)
{
  Ethnic ethnic;
  int year;
  NameParts np;
  ProvinceId province_id;
  const char *code;
  int century_sex;

  g_return_if_fail (rand != NULL);
  g_return_if_fail (person != NULL);

  memset (person, 0, sizeof *person);

  /* Draw order is part of the output: changing it changes every demo database
   * generated from a given seed. */
  ethnic = pick_ethnic (rand);
  person->female = g_rand_boolean (rand);

  year = pick_birth_year (rand);
  g_date_clear (&person->birth_date, 1);
  g_date_set_dmy (&person->birth_date, 1, G_DATE_JANUARY, (GDateYear) year);
  g_date_add_days (&person->birth_date,
                   (guint) g_rand_int_range (rand, 0,
                                             g_date_is_leap_year ((GDateYear) year) ? 366 : 365));

  name_generate (rand, ethnic, person->female, year, &np);
  person->full_name = name_join (&np);

  person->address = address_generate (rand, ethnic, &province_id);

  /* The CCCD code is the province where the birth was registered: usually where the
   * person still lives, sometimes anywhere else. */
  if (chance (rand, 80))
    {
      const Province *province = &provinces[province_id];
      guint n = count_strings (province->codes, G_N_ELEMENTS (province->codes));

      code = province->codes[g_rand_int_range (rand, 0, (gint32) n)];
    }
  else
    {
      code = PICK (rand, all_codes);
    }
  /* 0/1 for men/women born 1900–1999, 2/3 for 2000–2099. */
  century_sex = (year >= 2000 ? 2 : 0) + (person->female ? 1 : 0);
  person->id_number = g_strdup_printf ("%s%d%02d%06d", code, century_sex, year % 100,
                                       g_rand_int_range (rand, 0, 1000000));

  person->phone = g_strdup_printf ("%s%07d", PICK_WEIGHTED (rand, phone_prefixes),
                                   g_rand_int_range (rand, 0, 10000000));

  /* Most citizens leave the e-mail field of the form empty. */
  if (chance (rand, 20))
    person->email = email_generate (rand, &np, year);
}

void
motcua_demo_person_clear (MotcuaDemoPerson *person)
{
  g_return_if_fail (person != NULL);

  g_free (person->full_name);
  g_free (person->id_number);
  g_free (person->phone);
  g_free (person->email);
  g_free (person->address);
  memset (person, 0, sizeof *person);
}
