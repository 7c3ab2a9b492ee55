/* motcua-fold.h: Vietnamese text folded for search.
 *
 * Clerks type without diacritics; folding lowercases, strips the tone and vowel marks
 * and maps đ to d, so "Nguyễn Thị Đào" and "nguyen thi dao" meet.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Folded copy of @text: lowercase ASCII letters and digits for Vietnamese input, other
 * characters kept (folded where Unicode can decompose them). NULL gives "". */
char *motcua_fold_text (const char *text);

/* Whether @text (NULL included) has nothing but white space: an empty field. */
gboolean motcua_text_is_blank (const char *text);

G_END_DECLS
