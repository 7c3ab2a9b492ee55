/* motcua-cccd.h: the QR code of the chip-based citizen ID card (CCCD).
 *
 * The card's QR code holds unlabelled fields separated by "|":
 *   ID12|oldID9|Full name|ddmmyyyy birth|Nam or Nữ|permanent address|ddmmyyyy issue
 * Some cards leave out the old ID field (6 fields). A USB QR scanner types the text
 * as keystrokes, often with a trailing Enter, so the parser tolerates surrounding
 * whitespace and decomposed Vietnamese letters, and rejects everything else with a
 * message a clerk can act on.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  char    *id_number;      /* 12 digits */
  char    *old_id_number;  /* 9 digits, or NULL */
  char    *full_name;      /* NFC */
  GDate    birth_date;
  gboolean female;
  char    *address;        /* NFC */
  GDate    issue_date;
} MotcuaCccd;

/* Parses the text a USB QR scanner types; NULL with a clear MOTCUA_ERROR_INVALID_INPUT
 * for anything else. Dates in the future are judged against motcua_time_now(). */
MotcuaCccd *motcua_cccd_parse (const char *text,
                               GError    **error);
void        motcua_cccd_free  (MotcuaCccd *cccd);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MotcuaCccd, motcua_cccd_free)

G_END_DECLS
