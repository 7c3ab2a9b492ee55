/* motcua-codes.h: dossier codes (mã hồ sơ), {agency}-{yyMMdd}-{NNNN}.
 *
 * Allocation of the sequence number lives in the store (it must be atomic across
 * processes and, later, come from blocks reserved from the server); this is the
 * format itself.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* "000.17.22.H56" + 31 May 2021 + 1 → "000.17.22.H56-210531-0001". */
char     *motcua_code_format           (const char *agency_code,
                                        GDateTime  *day,
                                        guint       sequence);
/* The receipt day as the code writes it ("210531"). */
char     *motcua_code_day              (GDateTime  *day);
gboolean  motcua_code_parse            (const char *code,
                                        char      **agency_code,
                                        GDate      *day,
                                        guint      *sequence);
/* Agency identifiers are QCVN 102:2016 style: letters, digits and dots. */
gboolean  motcua_agency_code_is_valid  (const char *agency_code);

G_END_DECLS
