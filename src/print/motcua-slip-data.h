/* motcua-slip-data.h: what a slip prints, gathered from the store.
 *
 * The values of a slip's fields ({code}, {applicant_name}, …) and the rows of its
 * tables (documents, missing, handovers, register), as Vietnamese text ready to be put
 * into a template. Codes (document kinds, timings, return methods…) are worded by the
 * form set's labels, so a slip reads the same whatever the clerk's interface language.
 */
#pragma once

#include <glib.h>

#include "motcua-store.h"
#include "motcua-slip-template.h"

G_BEGIN_DECLS

typedef struct _MotcuaSlipData MotcuaSlipData;

/* The fields of one dossier's slips, printed at @now (NULL = now). */
MotcuaSlipData *motcua_slip_data_new_for_dossier (MotcuaStore    *store,
                                                  MotcuaSlipSet  *set,
                                                  const char     *code,
                                                  GDateTime      *now,
                                                  GError        **error);
/* The tracking register (Form 06) of the dossiers received from @from to @to inclusive. */
MotcuaSlipData *motcua_slip_data_new_for_register (MotcuaStore   *store,
                                                   MotcuaSlipSet *set,
                                                   GDate         *from,
                                                   GDate         *to,
                                                   GDateTime     *now,
                                                   GError       **error);
void            motcua_slip_data_free            (MotcuaSlipData *data);

/* "" for an empty field, NULL for one that does not exist. */
const char     *motcua_slip_data_get             (MotcuaSlipData *data,
                                                  const char     *name);
/* Rows (GHashTable of field → text) of a table: "documents", "missing", "handovers",
 * "register". Borrowed; an empty array for a table the data has no rows for. */
GPtrArray      *motcua_slip_data_get_rows        (MotcuaSlipData *data,
                                                  const char     *source);
/* Whether the dossier's history calls for the form: "received", "supplement",
 * "refused", "apology", "always". */
gboolean        motcua_slip_data_applies         (MotcuaSlipData *data,
                                                  const char     *condition);

/* Whether templates may use the field (@source NULL: a slip field; else a row field of
 * that table, which also sees the slip's fields). */
gboolean        motcua_slip_field_is_known       (const char     *source,
                                                  const char     *name);
gboolean        motcua_slip_source_is_known      (const char     *source);
gboolean        motcua_slip_condition_is_known   (const char     *condition);

/* The locality a document of the agency is dated from: "Quảng Phú" for "Ủy ban nhân
 * dân xã Quảng Phú". */
char           *motcua_slip_place_from_agency_name (const char *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MotcuaSlipData, motcua_slip_data_free)

G_END_DECLS
