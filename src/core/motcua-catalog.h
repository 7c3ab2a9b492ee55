/* motcua-catalog.h: the procedure catalog (thủ tục hành chính) and its JSON form.
 *
 * The JSON shape is the one the ministry server serves and `motcua catalog import`
 * reads: {"format": "motcua-catalog", "version": 1, "procedures": [...]}. Parsing
 * validates everything before anything is stored, so a bad file changes nothing.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "motcua-calendar.h"

G_BEGIN_DECLS

typedef struct {
  char *name;
  char *kind;       /* original | certified_copy | copy | original_or_certified_copy | present_original */
  int   quantity;
  gboolean required;   /* FALSE for conditional documents ("only when…", "if any") */
} MotcuaProcedureDocument;

typedef struct {
  char          *code;
  char          *name;
  char          *field;
  char          *level;
  int            time_amount;
  MotcuaTimeUnit time_unit;
  char          *fee;
  gint64         fee_amount;     /* VND; -1 when unknown */
  char          *legal_basis;
  GPtrArray     *documents;      /* MotcuaProcedureDocument */
} MotcuaProcedure;

MotcuaProcedure *motcua_procedure_new   (void);
void             motcua_procedure_free  (MotcuaProcedure *procedure);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MotcuaProcedure, motcua_procedure_free)

void             motcua_procedure_add_document (MotcuaProcedure *procedure,
                                                const char      *name,
                                                const char      *kind,
                                                int              quantity,
                                                gboolean         required);
gboolean         motcua_document_kind_is_valid (const char      *kind);
/* Translated: "original", "certified copy"… */
const char      *motcua_document_kind_label    (const char      *kind);

/* "5 working days", "same day"…, translated. */
char            *motcua_processing_time_describe (int            amount,
                                                  MotcuaTimeUnit unit);

/* Parses a catalog document; every procedure is validated. Returns MotcuaProcedure*. */
GPtrArray       *motcua_catalog_parse          (const char      *json_text,
                                                gsize            length,
                                                GError         **error);
/* The built-in demo catalog (real commune-level procedures). */
GPtrArray       *motcua_catalog_load_demo      (GError         **error);
char            *motcua_catalog_to_json        (GPtrArray       *procedures);
JsonNode        *motcua_procedure_to_json      (MotcuaProcedure *procedure);

G_END_DECLS
