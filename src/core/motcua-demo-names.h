/* motcua-demo-names.h: invented but realistic people and places for demo data.
 *
 * Names of the Kinh majority and of ethnic minorities (Tày, Thái, Mường, H'Mông,
 * Dao, Khmer, Ê Đê…) with correct diacritics; addresses in the real naming of
 * provinces and communes after the 2025 two-level reform. Never real persons.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  char    *full_name;      /* "Nguyễn Thị Hồng Nhung" */
  gboolean female;
  GDate    birth_date;
  char    *id_number;      /* 12-digit CCCD: province code, century/sex digit, year, serial */
  char    *phone;          /* a Vietnamese mobile number, 10 digits */
  char    *email;          /* may be NULL: most citizens give none */
  char    *address;        /* "Thôn Nà Pồng, xã Bản Lầu, tỉnh Lào Cai" */
} MotcuaDemoPerson;

/* Fills @person from @rand; equal seeds give equal people. */
void motcua_demo_person_generate (GRand            *rand,
                                  MotcuaDemoPerson *person);
void motcua_demo_person_clear    (MotcuaDemoPerson *person);

G_END_DECLS
