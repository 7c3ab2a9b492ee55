/* motcua-error.h: the one error domain every part of the core reports in.
 *
 * Messages carried by these errors are already translated and meant for a clerk:
 * callers show error->message as it is, never the code.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MOTCUA_ERROR (motcua_error_quark ())

typedef enum {
  MOTCUA_ERROR_FAILED,
  MOTCUA_ERROR_INVALID_INPUT,       /* bad argument, malformed file or payload */
  MOTCUA_ERROR_NOT_FOUND,
  MOTCUA_ERROR_REFUSED,             /* the workflow does not allow this action */
  MOTCUA_ERROR_PERMISSION,          /* the actor's role may not take this action */
  MOTCUA_ERROR_DATABASE_NEWER,      /* written by a newer version of Motcua */
  MOTCUA_ERROR_DATABASE_CORRUPT,
  MOTCUA_ERROR_DATABASE_READ_ONLY,
  MOTCUA_ERROR_DISK_FULL,
  MOTCUA_ERROR_DATABASE_BUSY,
  MOTCUA_ERROR_IO,
  MOTCUA_ERROR_WRONG_PIN,           /* the token or PKCS#12 file refused the PIN / password */
  MOTCUA_ERROR_PIN_LOCKED,          /* the token's PIN is locked (or one try from it) */
  MOTCUA_ERROR_SIGNATURE,           /* a signature is missing, invalid or untrusted */
} MotcuaError;

GQuark motcua_error_quark (void);

G_END_DECLS
