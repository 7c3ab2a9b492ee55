/* motcua-journal-verify.c: naming exactly which event of which dossier was tampered with. */

#include <glib/gi18n-lib.h>

#include "motcua-error.h"
#include "motcua-journal-verify.h"
#include "motcua-sqlite.h"

typedef struct {
  char   *uid;
  char   *code;
  gint64  event_count;      /* what the dossier row records of its journal's head */
  char   *last_event_hash;
} Head;

/* One dossier's journal under examination. */
typedef struct {
  const Head *head;
  GPtrArray  *events;      /* by seq */
  gboolean   *damaged;     /* per event: already named */
  GHashTable *moved_from;  /* seqs a reordered event was written at: not gaps */
  gint64      last_seq;    /* the highest seq the journal should have */
} Journal;

static void
head_free (Head *head)
{
  g_free (head->uid);
  g_free (head->code);
  g_free (head->last_event_hash);
  g_free (head);
}

static void
finding_free (MotcuaJournalFinding *finding)
{
  g_free (finding->dossier_code);
  g_free (finding->dossier_uid);
  g_free (finding->op_id);
  g_free (finding->event_kind);
  g_free (finding->message);
  g_free (finding);
}

void
motcua_journal_report_free (MotcuaJournalReport *report)
{
  if (report == NULL)
    return;
  g_ptr_array_unref (report->findings);
  g_free (report);
}

const char *
motcua_finding_kind_to_string (MotcuaFindingKind kind)
{
  switch (kind)
    {
    case MOTCUA_FINDING_ALTERED:   return "altered";
    case MOTCUA_FINDING_REMOVED:   return "removed";
    case MOTCUA_FINDING_REORDERED: return "reordered";
    case MOTCUA_FINDING_SIGNATURE: return "signature";
    default:                       return "unknown";
    }
}

static void add_finding (MotcuaJournalReport *report, const Head *head, MotcuaFindingKind kind, gint64 seq,
                         const MotcuaEvent *event, const char *format, ...) G_GNUC_PRINTF (6, 7);

/* @format's text follows "Dossier CODE, event SEQ (op, kind): ". */
static void
add_finding (MotcuaJournalReport *report, const Head *head, MotcuaFindingKind kind, gint64 seq,
             const MotcuaEvent *event, const char *format, ...)
{
  MotcuaJournalFinding *finding = g_new0 (MotcuaJournalFinding, 1);
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  finding->kind = kind;
  finding->dossier_code = g_strdup (head->code);
  finding->dossier_uid = g_strdup (head->uid);
  finding->seq = seq;
  if (event != NULL)
    {
      finding->op_id = g_strdup (event->op_id);
      finding->event_kind = g_strdup (event->kind);
      finding->message = g_strdup_printf (_("Dossier %s, event %lld (%s, %s): %s"), head->code, (long long) seq,
                                          event->op_id, event->kind, what);
    }
  else
    finding->message = g_strdup_printf (_("Dossier %s, event %lld: %s"), head->code, (long long) seq, what);
  g_ptr_array_add (report->findings, finding);
}

static GPtrArray *
read_heads (MotcuaStore *store, const char *code, GError **error)
{
  g_autoptr(GPtrArray) heads = g_ptr_array_new_with_free_func ((GDestroyNotify) head_free);
  sqlite3 *db = motcua_store_get_db (store);
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, "SELECT uid, code, event_count, last_event_hash FROM dossiers"
                               " WHERE ?1 IS NULL OR code = ?1 ORDER BY code", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      motcua_sqlite_bind_text (stmt, 1, code);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          Head *head = g_new0 (Head, 1);

          head->uid = motcua_sqlite_column_text (stmt, 0);
          head->code = motcua_sqlite_column_text (stmt, 1);
          head->event_count = sqlite3_column_int64 (stmt, 2);
          head->last_event_hash = motcua_sqlite_column_text (stmt, 3);
          g_ptr_array_add (heads, head);
        }
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_DATABASE_CORRUPT,
                   _("The journal cannot be read: %s"), sqlite3_errmsg (db));
      return NULL;
    }
  if (code != NULL && heads->len == 0)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_NOT_FOUND, _("There is no dossier %s."), code);
      return NULL;
    }
  return g_steal_pointer (&heads);
}

/* The seq at which @event's hash holds, when it was moved from there; 0 if none. */
static gint64
original_seq (const MotcuaEvent *event, gint64 last_seq)
{
  MotcuaEvent moved = *event;

  for (gint64 seq = 1; seq <= last_seq + 1; seq++)
    {
      g_autofree char *hash = NULL;

      if (seq == event->seq)
        continue;
      moved.seq = seq;
      hash = motcua_event_compute_hash (&moved);
      if (g_strcmp0 (hash, event->hash) == 0)
        return seq;
    }
  return 0;
}

/* Each event against its own hash; j->damaged marks the ones named. */
static void
check_hashes (MotcuaJournalReport *report, Journal *j)
{
  for (guint i = 0; i < j->events->len; i++)
    {
      MotcuaEvent *event = g_ptr_array_index (j->events, i);
      g_autofree char *hash = motcua_event_compute_hash (event);
      gint64 was;

      if (g_strcmp0 (hash, event->hash) == 0)
        continue;
      j->damaged[i] = TRUE;
      if ((was = original_seq (event, j->last_seq)) != 0)
        {
          g_hash_table_add (j->moved_from, g_memdup2 (&was, sizeof was));
          add_finding (report, j->head, MOTCUA_FINDING_REORDERED, event->seq, event,
                       _("reordered: it was written as event %lld."), (long long) was);
        }
      else
        add_finding (report, j->head, MOTCUA_FINDING_ALTERED, event->seq, event,
                     _("altered: its content no longer matches its hash."));
    }
}

/* The missing seqs from @from to @to, but those a reordered event stands for, and none
 * past where the journal should end (an event moved far away is named already). */
static void
report_gap (MotcuaJournalReport *report, Journal *j, gint64 from, gint64 to)
{
  for (gint64 seq = from; seq <= MIN (to, j->last_seq); seq++)
    if (!g_hash_table_contains (j->moved_from, &seq))
      add_finding (report, j->head, MOTCUA_FINDING_REMOVED, seq, NULL, _("removed from the journal."));
}

/* The links: seq continuity and each prev_hash; then the end against the dossier row. */
static void
check_chain (MotcuaJournalReport *report, Journal *j)
{
  const Head *head = j->head;
  GPtrArray *events = j->events;
  gboolean *damaged = j->damaged;
  gint64 expected = 1;

  for (guint i = 0; i < events->len; i++)
    {
      MotcuaEvent *event = g_ptr_array_index (events, i);
      MotcuaEvent *previous = i > 0 ? g_ptr_array_index (events, i - 1) : NULL;
      const char *link = previous ? previous->hash : MOTCUA_EVENT_GENESIS_HASH;

      if (event->seq > expected)
        report_gap (report, j, expected, event->seq - 1);
      else if (!damaged[i] && (previous == NULL || !damaged[i - 1]) && event->seq == expected
               && g_strcmp0 (event->prev_hash, link) != 0)
        {
          /* This event is intact, so the one it chains to was changed, hash and all. */
          if (previous != NULL)
            {
              damaged[i - 1] = TRUE;
              add_finding (report, head, MOTCUA_FINDING_ALTERED, previous->seq, previous,
                           _("altered and its hash rewritten: the next event chains to another version of it."));
            }
          else
            add_finding (report, head, MOTCUA_FINDING_ALTERED, event->seq, event,
                         _("altered: the first event does not start the chain."));
        }
      expected = event->seq + 1;
    }

  if (head->event_count >= expected)
    report_gap (report, j, expected, head->event_count);
  else if (events->len > 0 && !damaged[events->len - 1]
           && g_strcmp0 (head->last_event_hash, ((MotcuaEvent *) g_ptr_array_index (events, events->len - 1))->hash) != 0)
    {
      MotcuaEvent *last = g_ptr_array_index (events, events->len - 1);

      add_finding (report, head, MOTCUA_FINDING_ALTERED, last->seq, last,
                   _("altered and its hash rewritten: the dossier records another last event."));
    }
}

/* Events moved out of the chain are kept whole, hash included: they must still match. */
static gboolean
check_set_aside (MotcuaJournalReport *report, MotcuaStore *store, const Head *head, GError **error)
{
  g_autoptr(GPtrArray) events = motcua_store_get_set_aside_events (store, head->uid, error);

  if (events == NULL)
    return FALSE;
  for (guint i = 0; i < events->len; i++)
    {
      MotcuaEvent *event = g_ptr_array_index (events, i);
      g_autofree char *hash = motcua_event_compute_hash (event);

      if (g_strcmp0 (hash, event->hash) != 0)
        add_finding (report, head, MOTCUA_FINDING_ALTERED, event->seq, event,
                     _("set aside, and altered since: its content no longer matches its hash."));
    }
  return TRUE;
}

static void
check_signatures (MotcuaJournalReport *report, const Head *head, GPtrArray *events, MotcuaTrust *trust)
{
  for (guint i = 0; i < events->len; i++)
    {
      MotcuaEvent *event = g_ptr_array_index (events, i);
      g_autoptr(MotcuaVerdict) verdict = NULL;

      if (g_strcmp0 (event->kind, "approve") != 0)
        continue;
      verdict = motcua_approval_verify_event (trust, event, head->code);
      if (verdict->status == MOTCUA_VERDICT_UNSIGNED)
        continue;
      report->n_signed++;
      if (verdict->status == MOTCUA_VERDICT_VALID || verdict->status == MOTCUA_VERDICT_NOT_CHECKED)
        report->n_signatures_valid += verdict->status == MOTCUA_VERDICT_VALID;
      else
        add_finding (report, head, MOTCUA_FINDING_SIGNATURE, event->seq, event, "%s", verdict->message);
    }
}

/* Events whose dossier row is gone: the row was deleted, the journal was not. */
static gboolean
check_orphans (MotcuaJournalReport *report, MotcuaStore *store, GError **error)
{
  sqlite3 *db = motcua_store_get_db (store);
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, "SELECT DISTINCT dossier_uid FROM events"
                               " WHERE dossier_uid NOT IN (SELECT uid FROM dossiers) ORDER BY dossier_uid",
                           -1, &stmt, NULL);
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Head orphan = { .uid = (char *) sqlite3_column_text (stmt, 0), .code = orphan.uid };

      add_finding (report, &orphan, MOTCUA_FINDING_REMOVED, 0, NULL,
                   _("the dossier's record was removed; its journal remains."));
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_DATABASE_CORRUPT,
                   _("The journal cannot be read: %s"), sqlite3_errmsg (db));
      return FALSE;
    }
  return TRUE;
}

MotcuaJournalReport *
motcua_journal_verify (MotcuaStore *store, const char *code, GError **error)
{
  g_autoptr(MotcuaJournalReport) report = g_new0 (MotcuaJournalReport, 1);
  g_autoptr(GPtrArray) heads = NULL;
  g_autoptr(MotcuaTrust) trust = NULL;

  report->findings = g_ptr_array_new_with_free_func ((GDestroyNotify) finding_free);
  if ((heads = read_heads (store, code, error)) == NULL
      || (trust = motcua_approval_load_trust (store, error)) == NULL)
    return NULL;

  for (guint i = 0; i < heads->len; i++)
    {
      Head *head = g_ptr_array_index (heads, i);
      g_autoptr(GPtrArray) events = motcua_store_get_events (store, head->uid, error);
      g_autoptr(GHashTable) moved_from = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
      g_autofree gboolean *damaged = NULL;
      Journal journal;

      if (events == NULL)
        return NULL;
      damaged = g_new0 (gboolean, events->len + 1);
      journal = (Journal) {
        .head = head, .events = events, .damaged = damaged, .moved_from = moved_from,
        .last_seq = MAX (head->event_count, (gint64) events->len),
      };
      report->n_dossiers++;
      report->n_events += events->len;
      check_hashes (report, &journal);
      check_chain (report, &journal);
      check_signatures (report, head, events, trust);
      if (!check_set_aside (report, store, head, error))
        return NULL;
    }
  if (code == NULL && !check_orphans (report, store, error))
    return NULL;
  return g_steal_pointer (&report);
}
