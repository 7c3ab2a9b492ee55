/* motcua-dossier.h: a dossier (hồ sơ), folded from its journal.
 *
 * The dossier never changes except by applying an event to it; folding the same
 * events always gives the same dossier, which is how the store proves its cache right.
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "motcua-event.h"
#include "motcua-workflow.h"

G_BEGIN_DECLS

#define MOTCUA_TYPE_DOSSIER (motcua_dossier_get_type ())
G_DECLARE_FINAL_TYPE (MotcuaDossier, motcua_dossier, MOTCUA, DOSSIER, GObject)

typedef struct {
  char    *name;
  char    *kind;       /* original | certified_copy | copy | original_or_certified_copy | present_original */
  int      quantity;
  gboolean provided;
  gboolean required;   /* FALSE for conditional documents */
} MotcuaDossierDocument;

typedef struct {
  char   *sha256;
  char   *name;
  char   *mime_type;
  gint64  size;
} MotcuaAttachmentRef;

MotcuaDossier *motcua_dossier_new                 (void);

/* Applies one event; the event kinds and payloads are described in docs/journal.md. */
gboolean       motcua_dossier_apply               (MotcuaDossier     *self,
                                                   const MotcuaEvent *event,
                                                   JsonObject        *payload,
                                                   GError           **error);
/* The facts the workflow rules look at (borrowed pointers, valid while @self lives). */
void           motcua_dossier_get_workflow_state  (MotcuaDossier       *self,
                                                   MotcuaWorkflowState *state);

gint64         motcua_dossier_get_id              (MotcuaDossier *self);
const char    *motcua_dossier_get_uid             (MotcuaDossier *self);
const char    *motcua_dossier_get_code            (MotcuaDossier *self);
const char    *motcua_dossier_get_agency_code     (MotcuaDossier *self);
const char    *motcua_dossier_get_procedure_code  (MotcuaDossier *self);
const char    *motcua_dossier_get_procedure_name  (MotcuaDossier *self);
const char    *motcua_dossier_get_applicant_name  (MotcuaDossier *self);
const char    *motcua_dossier_get_applicant_id_number (MotcuaDossier *self);
const char    *motcua_dossier_get_applicant_phone (MotcuaDossier *self);
const char    *motcua_dossier_get_applicant_address (MotcuaDossier *self);
MotcuaStatus   motcua_dossier_get_status          (MotcuaDossier *self);
MotcuaStep     motcua_dossier_get_step            (MotcuaDossier *self);
MotcuaChannel  motcua_dossier_get_channel         (MotcuaDossier *self);
/* ISO 8601 text, NULL when not (yet) known. */
const char    *motcua_dossier_get_received_at     (MotcuaDossier *self);
const char    *motcua_dossier_get_due_at          (MotcuaDossier *self);
const char    *motcua_dossier_get_finished_at     (MotcuaDossier *self);
const char    *motcua_dossier_get_last_event_hash (MotcuaDossier *self);
guint          motcua_dossier_get_event_count     (MotcuaDossier *self);
guint          motcua_dossier_get_supplement_count (MotcuaDossier *self);
/* Borrowed arrays of MotcuaDossierDocument* and MotcuaAttachmentRef*. */
GPtrArray     *motcua_dossier_get_documents       (MotcuaDossier *self);
GPtrArray     *motcua_dossier_get_attachments     (MotcuaDossier *self);
/* The position of the newest attachment with these bytes, or -1. */
int            motcua_dossier_find_attachment     (MotcuaDossier *self,
                                                   const char    *sha256);

/* Every folded field, for output and for comparing a cache with a fresh fold. */
JsonNode      *motcua_dossier_to_json             (MotcuaDossier *self);
gboolean       motcua_dossier_equal               (MotcuaDossier *a,
                                                   MotcuaDossier *b);

G_END_DECLS
