/* motcua-journal-verify.h: re-checking the tamper-evident journal.
 *
 * Every event's hash is recomputed, every link to the previous event followed, the seq
 * numbers counted, the dossier row's recorded head (event count and last hash) compared
 * with the journal's end, and every signed approval verified. Each finding names the
 * dossier, the event (seq, op id, kind) and what happened to it. What can and cannot be
 * detected with the file alone is in docs/signatures.md.
 */
#pragma once

#include "motcua-approval.h"
#include "motcua-store.h"

G_BEGIN_DECLS

typedef enum {
  MOTCUA_FINDING_ALTERED,     /* the event's content no longer matches its hash, or its hash was rewritten */
  MOTCUA_FINDING_REMOVED,     /* an event is missing (a gap, or the end of the journal) */
  MOTCUA_FINDING_REORDERED,   /* the event is intact but stands at another seq */
  MOTCUA_FINDING_SIGNATURE,   /* a signed approval does not verify */
} MotcuaFindingKind;

typedef struct {
  MotcuaFindingKind  kind;
  char              *dossier_code;
  char              *dossier_uid;
  gint64             seq;        /* where the event stands (or should stand, when removed) */
  char              *op_id;      /* NULL for a removed event */
  char              *event_kind; /* NULL for a removed event */
  char              *message;    /* translated, names all of the above */
} MotcuaJournalFinding;

typedef struct {
  guint      n_dossiers;
  guint      n_events;
  guint      n_signed;          /* approvals with a signature */
  guint      n_signatures_valid;
  GPtrArray *findings;          /* MotcuaJournalFinding* */
} MotcuaJournalReport;

void                 motcua_journal_report_free (MotcuaJournalReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MotcuaJournalReport, motcua_journal_report_free)

const char          *motcua_finding_kind_to_string (MotcuaFindingKind kind);

/* @code: one dossier; NULL: every dossier. NULL with @error only when the check could
 * not run (an unknown code, an unreadable database). */
MotcuaJournalReport *motcua_journal_verify      (MotcuaStore  *store,
                                                 const char   *code,
                                                 GError      **error);

G_END_DECLS
