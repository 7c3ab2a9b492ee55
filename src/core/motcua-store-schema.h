/* motcua-store-schema.h: the numbered migrations of the workstation database.
 *
 * Migration N brings a database from user_version N-1 to N. Never edit a migration
 * that has shipped: add the next one.
 */
#pragma once

/* What one dossier row adds to (SIGN 1) or takes from (SIGN -1) the per-day sums of
 * migration 6, inside a trigger on `dossiers` (ROW is NEW or OLD). */
#define STATS_DAYS_ADD(ROW, SIGN) \
  "  INSERT INTO stats_received_days" \
  "    SELECT substr (" #ROW ".received_at, 1, 10), COALESCE (" #ROW ".agency_code, ''), " #ROW ".procedure_code," \
  "           " #ROW ".channel, " #SIGN ", " #SIGN " * (" #ROW ".supplement_count > 0)," \
  "           " #SIGN " * " #ROW ".supplement_count" \
  "    WHERE " #ROW ".received_at IS NOT NULL" \
  "    ON CONFLICT DO UPDATE SET n = n + excluded.n," \
  "      supplement_dossiers = supplement_dossiers + excluded.supplement_dossiers," \
  "      supplement_requests = supplement_requests + excluded.supplement_requests;" \
  "  INSERT INTO stats_finished_days" \
  "    SELECT substr (COALESCE (" #ROW ".finished_at, " #ROW ".returned_at), 1, 10)," \
  "           COALESCE (" #ROW ".agency_code, ''), " #ROW ".procedure_code, " #SIGN "," \
  "           " #SIGN " * (" #ROW ".supplement_count > 1" \
  "                        OR COALESCE (COALESCE (" #ROW ".finished_at, " #ROW ".returned_at) > " #ROW ".due_at, 0))," \
  "           " #SIGN " * (julianday (COALESCE (" #ROW ".finished_at, " #ROW ".returned_at))" \
  "                        - julianday (" #ROW ".received_at))," \
  "           " #SIGN " * (" #ROW ".satisfaction IS 'satisfied'), " #SIGN " * (" #ROW ".satisfaction IS 'acceptable')," \
  "           " #SIGN " * (" #ROW ".satisfaction IS 'unsatisfied')" \
  "    WHERE " #ROW ".received_at IS NOT NULL AND " #ROW ".status <> 7" \
  "      AND COALESCE (" #ROW ".finished_at, " #ROW ".returned_at) IS NOT NULL" \
  "    ON CONFLICT DO UPDATE SET n = n + excluded.n, late = late + excluded.late," \
  "      processing_days = processing_days + excluded.processing_days," \
  "      satisfied = satisfied + excluded.satisfied, acceptable = acceptable + excluded.acceptable," \
  "      unsatisfied = unsatisfied + excluded.unsatisfied;"

/* Migration 7: the dossier of the event ROW (NEW or OLD) takes the actor of its
 * journal's newest event, inside a trigger on `events`. */
#define LAST_ACTOR_OF(ROW) \
  "(SELECT actor FROM events WHERE dossier_uid = " #ROW ".dossier_uid ORDER BY seq DESC LIMIT 1)"
#define LAST_ACTOR_FOLLOWS(ROW) \
  "  UPDATE dossiers SET last_actor = " LAST_ACTOR_OF (ROW) \
  "    WHERE uid = " #ROW ".dossier_uid AND last_actor IS NOT " LAST_ACTOR_OF (ROW) ";"

static const char * const motcua_store_migrations[] = {
  /* 1: the first schema */
  "CREATE TABLE state ("
  "  key TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL);"

  "CREATE TABLE agencies ("
  "  code TEXT PRIMARY KEY,"
  "  name TEXT NOT NULL,"
  "  address TEXT, phone TEXT, lookup_url TEXT,"
  "  morning_start INTEGER NOT NULL DEFAULT 420,"
  "  morning_end INTEGER NOT NULL DEFAULT 690,"
  "  afternoon_start INTEGER NOT NULL DEFAULT 810,"
  "  afternoon_end INTEGER NOT NULL DEFAULT 1020,"
  "  minutes_per_day INTEGER NOT NULL DEFAULT 480,"
  "  same_day_cutoff INTEGER NOT NULL DEFAULT 900);"

  "CREATE TABLE procedures ("
  "  code TEXT PRIMARY KEY,"
  "  name TEXT NOT NULL,"
  "  name_folded TEXT NOT NULL,"
  "  field TEXT, level TEXT,"
  "  time_amount INTEGER NOT NULL,"
  "  time_unit TEXT NOT NULL CHECK (time_unit IN ('working_days','working_hours','calendar_days','same_day')),"
  "  fee TEXT, fee_amount INTEGER, legal_basis TEXT,"
  "  active INTEGER NOT NULL DEFAULT 1);"

  "CREATE TABLE procedure_documents ("
  "  procedure_code TEXT NOT NULL REFERENCES procedures(code) ON DELETE CASCADE,"
  "  position INTEGER NOT NULL,"
  "  name TEXT NOT NULL,"
  "  kind TEXT NOT NULL,"
  "  quantity INTEGER NOT NULL DEFAULT 1,"
  "  required INTEGER NOT NULL DEFAULT 1,"
  "  PRIMARY KEY (procedure_code, position));"

  "CREATE TABLE users ("
  "  username TEXT PRIMARY KEY,"
  "  full_name TEXT NOT NULL,"
  "  role TEXT NOT NULL CHECK (role IN ('clerk','specialist','supervisor','admin')),"
  "  password_hash TEXT,"
  "  disabled INTEGER NOT NULL DEFAULT 0,"
  "  created_at TEXT NOT NULL);"

  /* Days that differ from the weekly pattern; a year listed in calendar_years has an
   * official calendar and no built-in holidays. */
  "CREATE TABLE calendar_days ("
  "  date TEXT PRIMARY KEY,"
  "  working INTEGER NOT NULL,"
  "  name TEXT);"
  "CREATE TABLE calendar_years ("
  "  year INTEGER PRIMARY KEY,"
  "  source TEXT);"

  "CREATE TABLE dossiers ("
  "  id INTEGER PRIMARY KEY,"
  "  uid TEXT NOT NULL UNIQUE,"
  "  code TEXT NOT NULL UNIQUE,"
  "  agency_code TEXT,"
  "  procedure_code TEXT NOT NULL,"
  "  procedure_name TEXT NOT NULL,"
  "  time_amount INTEGER NOT NULL DEFAULT 0,"
  "  time_unit TEXT,"
  "  applicant_name TEXT NOT NULL,"
  "  applicant_id_number TEXT, applicant_phone TEXT, applicant_address TEXT, applicant_email TEXT,"
  "  applicant_type INTEGER NOT NULL DEFAULT 1,"
  "  channel INTEGER NOT NULL,"
  "  status INTEGER NOT NULL CHECK (status BETWEEN 1 AND 10),"
  "  step INTEGER NOT NULL DEFAULT 0,"
  "  sets INTEGER NOT NULL DEFAULT 1,"
  "  submitted_at TEXT, received_at TEXT, due_at TEXT, finished_at TEXT, returned_at TEXT,"
  "  paused_at TEXT, resume_status INTEGER NOT NULL DEFAULT 0, resume_step INTEGER NOT NULL DEFAULT 0,"
  "  supplement_count INTEGER NOT NULL DEFAULT 0,"
  "  apology_count INTEGER NOT NULL DEFAULT 0,"
  "  assignee TEXT, return_method TEXT, return_tracking TEXT,"
  "  recipient_name TEXT, recipient_id_number TEXT, satisfaction TEXT, last_reason TEXT,"
  "  event_count INTEGER NOT NULL,"
  "  last_event_hash TEXT NOT NULL,"
  "  updated_at TEXT NOT NULL);"
  "CREATE INDEX dossiers_status_due ON dossiers (status, due_at);"
  "CREATE INDEX dossiers_due ON dossiers (due_at);"
  "CREATE INDEX dossiers_received ON dossiers (received_at);"

  "CREATE TABLE dossier_documents ("
  "  dossier_id INTEGER NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,"
  "  position INTEGER NOT NULL,"
  "  name TEXT NOT NULL,"
  "  kind TEXT NOT NULL,"
  "  quantity INTEGER NOT NULL DEFAULT 1,"
  "  provided INTEGER NOT NULL,"
  "  required INTEGER NOT NULL DEFAULT 1,"
  "  PRIMARY KEY (dossier_id, position));"

  "CREATE TABLE attachments ("
  "  sha256 TEXT PRIMARY KEY,"
  "  size INTEGER NOT NULL,"
  "  mime_type TEXT,"
  "  created_at TEXT NOT NULL,"
  "  uploaded INTEGER NOT NULL DEFAULT 0);"
  "CREATE TABLE dossier_attachments ("
  "  dossier_id INTEGER NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,"
  "  position INTEGER NOT NULL,"
  "  sha256 TEXT NOT NULL REFERENCES attachments(sha256),"
  "  name TEXT NOT NULL,"
  "  mime_type TEXT,"
  "  PRIMARY KEY (dossier_id, position));"

  /* The journal. sync_state: 0 pending (the outbox), 1 accepted, 2 rejected. */
  "CREATE TABLE events ("
  "  id INTEGER PRIMARY KEY,"
  "  op_id TEXT NOT NULL UNIQUE,"
  "  dossier_uid TEXT NOT NULL REFERENCES dossiers(uid),"
  "  seq INTEGER NOT NULL,"
  "  actor TEXT NOT NULL,"
  "  actor_role TEXT NOT NULL,"
  "  confirmed_at TEXT NOT NULL,"
  "  kind TEXT NOT NULL,"
  "  payload TEXT NOT NULL,"
  "  prev_hash TEXT NOT NULL,"
  "  hash TEXT NOT NULL,"
  "  signature BLOB,"
  "  sync_state INTEGER NOT NULL DEFAULT 0,"
  "  server_seq INTEGER,"
  "  reject_reason TEXT,"
  "  UNIQUE (dossier_uid, seq));"
  "CREATE INDEX events_outbox ON events (sync_state) WHERE sync_state <> 1;"

  /* Dossier-code sequences per agency and receipt day; blocks reserved from the
   * server (for offline work) are used first when one covers the day. */
  "CREATE TABLE code_sequences ("
  "  agency_code TEXT NOT NULL,"
  "  day TEXT NOT NULL,"
  "  next_seq INTEGER NOT NULL,"
  "  PRIMARY KEY (agency_code, day));"
  "CREATE TABLE code_blocks ("
  "  id INTEGER PRIMARY KEY,"
  "  agency_code TEXT NOT NULL,"
  "  day TEXT NOT NULL,"
  "  first_seq INTEGER NOT NULL,"
  "  last_seq INTEGER NOT NULL,"
  "  next_seq INTEGER NOT NULL);",

  /* 2: how many dossiers each status holds, kept by triggers. The queue needs the
   * number of every dossier before it can show its first row, and counting 200,000
   * rows reads a whole index; these few rows answer at once. `motcua check`
   * compares them with a real count. */
  "CREATE TABLE dossier_tally ("
  "  status INTEGER PRIMARY KEY,"
  "  n INTEGER NOT NULL);"
  "INSERT INTO dossier_tally (status, n) SELECT status, count(*) FROM dossiers GROUP BY status;"
  "CREATE TRIGGER dossiers_tally_insert AFTER INSERT ON dossiers BEGIN"
  "  INSERT INTO dossier_tally (status, n) VALUES (NEW.status, 1)"
  "    ON CONFLICT (status) DO UPDATE SET n = n + 1;"
  "END;"
  "CREATE TRIGGER dossiers_tally_delete AFTER DELETE ON dossiers BEGIN"
  "  UPDATE dossier_tally SET n = n - 1 WHERE status = OLD.status;"
  "END;"
  "CREATE TRIGGER dossiers_tally_status AFTER UPDATE OF status ON dossiers"
  "  WHEN OLD.status IS NOT NEW.status BEGIN"
  "  UPDATE dossier_tally SET n = n - 1 WHERE status = OLD.status;"
  "  INSERT INTO dossier_tally (status, n) VALUES (NEW.status, 1)"
  "    ON CONFLICT (status) DO UPDATE SET n = n + 1;"
  "END;",

  /* 3: sync. An event the server will never take (rejected, or beaten by another
   * workstation's event at the same place in the dossier's chain) leaves the chain but
   * is never deleted: it moves here whole, hash and all, with why and when, and stays
   * "needs attention" until someone has looked at it (dismissed). Blobs the server has
   * acknowledged are remembered so that a round does not ask about them again. */
  "CREATE TABLE set_aside_events ("
  "  id INTEGER PRIMARY KEY,"
  "  op_id TEXT NOT NULL UNIQUE,"
  "  dossier_uid TEXT NOT NULL,"
  "  seq INTEGER NOT NULL,"
  "  actor TEXT NOT NULL,"
  "  actor_role TEXT NOT NULL,"
  "  confirmed_at TEXT NOT NULL,"
  "  kind TEXT NOT NULL,"
  "  payload TEXT NOT NULL,"
  "  prev_hash TEXT NOT NULL,"
  "  hash TEXT NOT NULL,"
  "  signature BLOB,"
  "  sync_state INTEGER NOT NULL DEFAULT 0,"
  "  server_seq INTEGER,"
  "  reject_reason TEXT,"
  "  set_aside_at TEXT NOT NULL,"
  "  reason TEXT NOT NULL,"
  "  dismissed INTEGER NOT NULL DEFAULT 0);"
  "CREATE INDEX set_aside_dossier ON set_aside_events (dossier_uid, seq);"
  "CREATE INDEX set_aside_attention ON set_aside_events (dossier_uid) WHERE dismissed = 0;"

  "CREATE TABLE uploaded_blobs ("
  "  sha256 TEXT PRIMARY KEY) WITHOUT ROWID;",

  /* 4: retention. A dossier returned (or refused, withdrawn, stopped) long ago whose
   * every event the server has accepted may leave the workstation; the server keeps
   * its journal. What stays is this summary, without personal data: no applicant,
   * recipient or payload. */
  "CREATE TABLE purged_dossiers ("
  "  uid TEXT PRIMARY KEY,"
  "  code TEXT NOT NULL,"
  "  agency_code TEXT,"
  "  procedure_code TEXT,"
  "  procedure_name TEXT,"
  "  channel INTEGER,"
  "  status INTEGER,"
  "  received_at TEXT,"
  "  due_at TEXT,"
  "  finished_at TEXT,"
  "  event_count INTEGER,"
  "  last_event_hash TEXT,"
  "  last_server_seq INTEGER,"
  "  purged_at TEXT NOT NULL);"
  "CREATE INDEX purged_dossiers_code ON purged_dossiers (code);",

  /* 5: users. Failed sign-ins are counted here, so that restarting the program does
   * not reset the rate limit; a supervisor's signing authority lent to a deputy for
   * some procedures (codes joined by commas) and days (inclusive, agency's dates). */
  "ALTER TABLE users ADD COLUMN failed_attempts INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE users ADD COLUMN locked_until TEXT;"
  "CREATE TABLE delegations ("
  "  id INTEGER PRIMARY KEY,"
  "  delegator TEXT NOT NULL REFERENCES users (username),"
  "  deputy TEXT NOT NULL REFERENCES users (username),"
  "  procedures TEXT NOT NULL,"
  "  valid_from TEXT NOT NULL,"
  "  valid_to TEXT NOT NULL,"
  "  created_by TEXT NOT NULL,"
  "  created_at TEXT NOT NULL,"
  "  revoked_at TEXT);"
  "CREATE INDEX delegations_deputy ON delegations (deputy);",
  /* 6: statistics. The supervisors' dashboard must show a year of a province (half a
   * million dossiers) at once, so per-day sums are kept by triggers, as dossier_tally
   * keeps the queue's counts: dossiers received per day, agency, procedure and channel,
   * and dossiers finished per day, agency and procedure (withdrawn ones are never
   * judged). docs/indicators.md gives the rules. The open dossiers a period's end
   * finds are few and read from the rows (by status, or by the finishing time for
   * past periods); the staff scope finds a member's dossiers by their events. */
  "CREATE TABLE IF NOT EXISTS stats_received_days ("
  "  day TEXT NOT NULL,"
  "  agency_code TEXT NOT NULL,"
  "  procedure_code TEXT NOT NULL,"
  "  channel INTEGER NOT NULL,"
  "  n INTEGER NOT NULL,"
  "  supplement_dossiers INTEGER NOT NULL,"
  "  supplement_requests INTEGER NOT NULL,"
  "  PRIMARY KEY (day, agency_code, procedure_code, channel)) WITHOUT ROWID;"
  "CREATE TABLE IF NOT EXISTS stats_finished_days ("
  "  day TEXT NOT NULL,"
  "  agency_code TEXT NOT NULL,"
  "  procedure_code TEXT NOT NULL,"
  "  n INTEGER NOT NULL,"
  "  late INTEGER NOT NULL,"
  "  processing_days REAL NOT NULL,"
  "  satisfied INTEGER NOT NULL,"
  "  acceptable INTEGER NOT NULL,"
  "  unsatisfied INTEGER NOT NULL,"
  "  PRIMARY KEY (day, agency_code, procedure_code)) WITHOUT ROWID;"
  "CREATE INDEX IF NOT EXISTS dossiers_finished ON dossiers (COALESCE (finished_at, returned_at), received_at);"
  "CREATE INDEX IF NOT EXISTS events_actor ON events (actor, dossier_uid);"
  /* The open dossiers (a few thousand), with all the indicators read of them. */
  "CREATE INDEX IF NOT EXISTS dossiers_open ON dossiers (status, due_at, received_at, finished_at, returned_at,"
  "  paused_at, supplement_count, procedure_code, agency_code, procedure_name) WHERE status IN (2, 4, 5, 6);"
  /* Written so that it can run again (a database told it is older than it is). */
  "DELETE FROM stats_received_days;"
  "DELETE FROM stats_finished_days;"
  "INSERT INTO stats_received_days"
  "  SELECT substr (received_at, 1, 10), COALESCE (agency_code, ''), procedure_code, channel,"
  "         count(*), sum (supplement_count > 0), sum (supplement_count)"
  "  FROM dossiers WHERE received_at IS NOT NULL GROUP BY 1, 2, 3, 4;"
  "INSERT INTO stats_finished_days"
  "  SELECT substr (COALESCE (finished_at, returned_at), 1, 10), COALESCE (agency_code, ''), procedure_code,"
  "         count(*), sum (supplement_count > 1 OR COALESCE (COALESCE (finished_at, returned_at) > due_at, 0)),"
  "         total (julianday (COALESCE (finished_at, returned_at)) - julianday (received_at)),"
  "         sum (satisfaction IS 'satisfied'), sum (satisfaction IS 'acceptable'), sum (satisfaction IS 'unsatisfied')"
  "  FROM dossiers WHERE received_at IS NOT NULL AND status <> 7 AND COALESCE (finished_at, returned_at) IS NOT NULL"
  "  GROUP BY 1, 2, 3;"
  "CREATE TRIGGER IF NOT EXISTS dossiers_stats_insert AFTER INSERT ON dossiers BEGIN"
  STATS_DAYS_ADD (NEW, 1)
  "END;"
  "CREATE TRIGGER IF NOT EXISTS dossiers_stats_delete AFTER DELETE ON dossiers BEGIN"
  STATS_DAYS_ADD (OLD, -1)
  "END;"
  "CREATE TRIGGER IF NOT EXISTS dossiers_stats_update AFTER UPDATE ON dossiers WHEN"
  "  OLD.received_at IS NOT NEW.received_at OR OLD.channel IS NOT NEW.channel OR OLD.status IS NOT NEW.status"
  "  OR OLD.finished_at IS NOT NEW.finished_at OR OLD.returned_at IS NOT NEW.returned_at"
  "  OR OLD.due_at IS NOT NEW.due_at OR OLD.supplement_count IS NOT NEW.supplement_count"
  "  OR OLD.satisfaction IS NOT NEW.satisfaction OR OLD.procedure_code IS NOT NEW.procedure_code"
  "  OR OLD.agency_code IS NOT NEW.agency_code BEGIN"
  STATS_DAYS_ADD (OLD, -1)
  STATS_DAYS_ADD (NEW, 1)
  "END;",

  /* 7: who acted last on each dossier. The queue's "mine" view holds the open dossiers
   * assigned to the clerk or last acted on by them; read from the journal, that was an
   * index search per open dossier, a tenth of a second at 200,000 dossiers on every
   * first frame. The triggers keep it as the journal's newest event says, whoever
   * writes the events (the workflow, a sync round, a set-aside, a purge), and only
   * write the row when it changes. The partial index answers the view's count alone. */
  "ALTER TABLE dossiers ADD COLUMN last_actor TEXT;"
  "UPDATE dossiers SET last_actor = (SELECT actor FROM events WHERE events.dossier_uid = dossiers.uid"
  "                                  ORDER BY seq DESC LIMIT 1);"
  "CREATE INDEX dossiers_mine ON dossiers (status, assignee, last_actor) WHERE status IN (1, 2, 4, 5, 6, 9);"
  "CREATE TRIGGER events_last_actor_insert AFTER INSERT ON events BEGIN"
  LAST_ACTOR_FOLLOWS (NEW)
  "END;"
  "CREATE TRIGGER events_last_actor_delete AFTER DELETE ON events BEGIN"
  LAST_ACTOR_FOLLOWS (OLD)
  "END;",
};
