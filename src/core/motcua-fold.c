/* motcua-fold.c: Vietnamese text folded for search.
 *
 * Runs on every keystroke and on every row of a bulk load, so the common cases stay
 * cheap: pure ASCII is lowercased in one pass, and the Latin letters Vietnamese uses
 * are folded through a small table built once from Unicode's own decompositions.
 */
#include "motcua-fold.h"

#include <string.h>

/* Latin-1 Supplement, Latin Extended-A/B and Latin Extended Additional hold every
 * precomposed Vietnamese letter (ư ơ ă â ê ô đ and the 134 toned forms in U+1EA0..). */
#define TABLE_A_FIRST 0x00C0
#define TABLE_A_LAST  0x024F
#define TABLE_B_FIRST 0x1E00
#define TABLE_B_LAST  0x1EFF

#define TABLE_A_SIZE (TABLE_A_LAST - TABLE_A_FIRST + 1)
#define TABLE_B_SIZE (TABLE_B_LAST - TABLE_B_FIRST + 1)

/* 0 marks a character that does not fold to a single one (ß, æ…): the slow path
 * handles it. */
static gunichar fold_table[TABLE_A_SIZE + TABLE_B_SIZE];

static gboolean
is_d_with_stroke (gunichar ch)
{
  /* Đ has no decomposition. The look-alikes Ð (eth) and Ɖ (African D) turn up in
   * names typed on foreign keyboard layouts or pasted from old documents. */
  return ch == 0x0110 || ch == 0x0111 || ch == 0x00D0 || ch == 0x00F0 ||
         ch == 0x0189 || ch == 0x0256;
}

/* Writes the folded form of @ch into @out; returns how many characters it wrote
 * (0 when @ch is itself a combining mark). */
static gsize
fold_char_slow (gunichar  ch,
                gunichar  out[G_UNICHAR_MAX_DECOMPOSITION_LENGTH])
{
  gunichar decomposed[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
  gsize n_decomposed;
  gsize n_out = 0;

  if (is_d_with_stroke (ch))
    {
      out[0] = 'd';
      return 1;
    }

  n_decomposed = g_unichar_fully_decompose (g_unichar_tolower (ch), FALSE,
                                            decomposed, G_N_ELEMENTS (decomposed));
  for (gsize i = 0; i < n_decomposed; i++)
    {
      /* Only non-spacing marks are accents; spacing marks carry vowels in other
       * scripts and must stay. */
      if (g_unichar_type (decomposed[i]) == G_UNICODE_NON_SPACING_MARK)
        continue;
      out[n_out++] = g_unichar_tolower (decomposed[i]);
    }

  return n_out;
}

static gunichar
fold_table_compute (gunichar ch)
{
  gunichar folded[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];

  if (fold_char_slow (ch, folded) != 1)
    return 0;
  return folded[0];
}

static void
fold_table_ensure (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      for (gunichar ch = TABLE_A_FIRST; ch <= TABLE_A_LAST; ch++)
        fold_table[ch - TABLE_A_FIRST] = fold_table_compute (ch);
      for (gunichar ch = TABLE_B_FIRST; ch <= TABLE_B_LAST; ch++)
        fold_table[TABLE_A_SIZE + ch - TABLE_B_FIRST] = fold_table_compute (ch);
      g_once_init_leave (&initialized, 1);
    }
}

static gunichar
fold_table_lookup (gunichar ch)
{
  if (ch >= TABLE_A_FIRST && ch <= TABLE_A_LAST)
    return fold_table[ch - TABLE_A_FIRST];
  if (ch >= TABLE_B_FIRST && ch <= TABLE_B_LAST)
    return fold_table[TABLE_A_SIZE + ch - TABLE_B_FIRST];
  return 0;
}

static void
append_unichar (GString  *out,
                gunichar  ch)
{
  if (ch < 0x80)
    g_string_append_c (out, (char) ch);
  else
    g_string_append_unichar (out, ch);
}

/* Folds @text, whose first @start bytes are known to be ASCII. */
static char *
fold_text_slow (const char *text,
                gsize       length,
                gsize       start)
{
  g_autofree char *valid = NULL;
  GString *out;
  const char *p;
  const char *end;

  /* Input comes from forms, imports and the network: never trust it to be UTF-8. */
  if (!g_utf8_validate_len (text + start, length - start, NULL))
    {
      valid = g_utf8_make_valid (text, length);
      text = valid;
      length = strlen (valid);
    }

  fold_table_ensure ();

  out = g_string_sized_new (length + 1);
  for (gsize i = 0; i < start; i++)
    g_string_append_c (out, g_ascii_tolower (text[i]));

  end = text + length;
  for (p = text + start; p < end; p = g_utf8_next_char (p))
    {
      gunichar ch;
      gunichar folded;
      gunichar parts[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
      gsize n_parts;

      if ((guchar) *p < 0x80)
        {
          g_string_append_c (out, g_ascii_tolower (*p));
          continue;
        }

      ch = g_utf8_get_char (p);
      folded = fold_table_lookup (ch);
      if (folded != 0)
        {
          append_unichar (out, folded);
          continue;
        }

      n_parts = fold_char_slow (ch, parts);
      for (gsize i = 0; i < n_parts; i++)
        append_unichar (out, parts[i]);
    }

  return g_string_free (out, FALSE);
}

char *
motcua_fold_text (const char *text)
{
  gsize length;
  gsize i;
  char *folded;

  if (text == NULL)
    return g_strdup ("");

  /* Codes, ID numbers, phones and what a clerk types are plain ASCII: no decoding.
   * The first non-ASCII byte hands over to the slow path. */
  for (i = 0; text[i] != '\0'; i++)
    {
      if ((guchar) text[i] >= 0x80)
        return fold_text_slow (text, i + strlen (text + i), i);
    }

  length = i;
  folded = g_malloc (length + 1);
  for (i = 0; i < length; i++)
    folded[i] = g_ascii_tolower (text[i]);
  folded[length] = '\0';

  return folded;
}

gboolean
motcua_text_is_blank (const char *text)
{
  for (; text != NULL && *text != '\0'; text = g_utf8_next_char (text))
    if (!g_unichar_isspace (g_utf8_get_char (text)))
      return FALSE;
  return TRUE;
}
