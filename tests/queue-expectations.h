/* queue-expectations.h: the queue's filters written as plain SQL, independently of the
 * list model, for the model's test and the queue pane's test to compare against.
 * The clock is pinned to MOTCUA_TEST_NOW (a working Monday morning). */
#pragma once

#include "motcua-dossier-list.h"
#include "motcua-test-util.h"

#define QUEUE_TEST_TODAY    "2026-11-23T00:00:00+07:00"
#define QUEUE_TEST_TOMORROW "2026-11-24T00:00:00+07:00"

/* A WHERE clause over "dossiers d" for each filter, as the clerk clerk1 sees it. */
static const char * const queue_expected_where[MOTCUA_QUEUE_N_FILTERS] = {
  [MOTCUA_QUEUE_FILTER_ALL] = "1",
  [MOTCUA_QUEUE_FILTER_MINE] =
    "status NOT IN (3, 7, 8, 10) AND (assignee IN ('clerk1', 'Nguyễn Thị Lan')"
    " OR (SELECT e.actor FROM events e WHERE e.dossier_uid = d.uid"
    "     AND e.seq = (SELECT max(seq) FROM events WHERE dossier_uid = d.uid)) = 'clerk1')",
  [MOTCUA_QUEUE_FILTER_DUE_TODAY] =
    "status IN (2, 4) AND due_at >= '" QUEUE_TEST_TODAY "' AND due_at < '" QUEUE_TEST_TOMORROW "'",
  [MOTCUA_QUEUE_FILTER_OVERDUE] = "status IN (2, 4) AND due_at < '" MOTCUA_TEST_NOW "'",
  [MOTCUA_QUEUE_FILTER_SUPPLEMENT] = "status = 5",
  [MOTCUA_QUEUE_FILTER_APPROVAL] = "status = 4 AND step = 4",
  [MOTCUA_QUEUE_FILTER_READY] = "status = 9",
  [MOTCUA_QUEUE_FILTER_ATTENTION] =
    "(status IN (2, 4) AND due_at < '" MOTCUA_TEST_NOW "' AND apology_count = 0)"
    " OR EXISTS (SELECT 1 FROM events e WHERE e.dossier_uid = d.uid AND e.sync_state = 2)"
    " OR EXISTS (SELECT 1 FROM set_aside_events s WHERE s.dossier_uid = d.uid AND s.dismissed = 0)",
};
