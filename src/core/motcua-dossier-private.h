/* motcua-dossier-private.h: the dossier's fields, for the store that caches them and
 * the fold that computes them. Everyone else reads through the getters. */
#pragma once

#include <sqlite3.h>

#include "motcua-dossier.h"

G_BEGIN_DECLS

/* Every column of a dossiers row, in the order motcua_dossier_read_row() reads them. */
#define MOTCUA_DOSSIER_COLUMNS \
  "id, uid, code, agency_code, procedure_code, procedure_name, time_amount, time_unit," \
  " applicant_name, applicant_id_number, applicant_phone, applicant_address, applicant_email," \
  " applicant_type, channel, status, step, sets, submitted_at, received_at, due_at, finished_at," \
  " returned_at, paused_at, resume_status, resume_step, supplement_count, apology_count, assignee," \
  " return_method, return_tracking, recipient_name, recipient_id_number, satisfaction, last_reason," \
  " event_count, last_event_hash, updated_at"

struct _MotcuaDossier
{
  GObject parent_instance;

  gint64        id;
  char         *uid;
  char         *code;
  char         *agency_code;
  char         *procedure_code;
  char         *procedure_name;
  char         *time_unit;
  int           time_amount;
  char         *applicant_name;
  char         *applicant_id_number;
  char         *applicant_phone;
  char         *applicant_address;
  char         *applicant_email;
  int           applicant_type;
  MotcuaChannel channel;
  MotcuaStatus  status;
  MotcuaStep    step;
  int           sets;
  char         *submitted_at;
  char         *received_at;
  char         *due_at;
  char         *finished_at;
  char         *returned_at;
  char         *paused_at;
  MotcuaStatus  resume_status;
  MotcuaStep    resume_step;
  guint         supplement_count;
  guint         apology_count;
  char         *assignee;
  char         *return_method;
  char         *return_tracking;
  char         *recipient_name;
  char         *recipient_id_number;
  char         *satisfaction;
  char         *last_reason;
  guint         event_count;
  char         *last_event_hash;
  char         *updated_at;

  GPtrArray    *documents;     /* MotcuaDossierDocument */
  GPtrArray    *attachments;   /* MotcuaAttachmentRef */

  /* Parsed due date for the workflow state; rebuilt when due_at changes. */
  GDateTime    *due_cache;
};

MotcuaDossierDocument *motcua_dossier_document_new  (const char *name,
                                                     const char *kind,
                                                     int         quantity,
                                                     gboolean    provided,
                                                     gboolean    required);
void                   motcua_dossier_document_free (MotcuaDossierDocument *doc);
MotcuaAttachmentRef   *motcua_attachment_ref_new    (const char *sha256,
                                                     const char *name,
                                                     const char *mime_type,
                                                     gint64      size);
void                   motcua_attachment_ref_free   (MotcuaAttachmentRef *ref);

/* Fills the cached fields of @d from a row of SELECT MOTCUA_DOSSIER_COLUMNS (documents
 * and attachments are separate tables and are not read). */
void                   motcua_dossier_read_row      (MotcuaDossier       *d,
                                                     sqlite3_stmt        *stmt);

G_END_DECLS
