/* test-workflow.c: the transition table, its history conditions and the names.
 *
 * The expectations below are written from the rules of DOMAIN.md ("Dossier
 * lifecycle") and the product brief, independently of the table in
 * motcua-workflow.c: if the two disagree, one of them is wrong and the test says
 * which state, action and role.
 */
#include <glib.h>

#include "motcua-error.h"
#include "motcua-test-util.h"
#include "motcua-time.h"
#include "motcua-workflow.h"

#define CLERK      MOTCUA_ROLE_CLERK
#define SPECIALIST MOTCUA_ROLE_SPECIALIST
#define SUPERVISOR MOTCUA_ROLE_SUPERVISOR
#define ADMIN      MOTCUA_ROLE_ADMIN

/* Marks a target that returns to the status and step remembered at the pause. */
#define TO_RESUME 0

static const MotcuaRole all_roles[] = { CLERK, SPECIALIST, SUPERVISOR, ADMIN };

/* What the rules say about one action in one state. */
typedef struct {
  gboolean     state_allows;   /* the status (and step) permits the action at all */
  MotcuaRole   roles;          /* who may take it there */
  MotcuaStatus to_status;      /* TO_RESUME, or where it leads */
  MotcuaStep   to_step;
  gboolean     keeps;          /* stays where it is (apology, satisfaction, attachment) */
} Expectation;

static gboolean
is_work_step (MotcuaStatus status,
              MotcuaStep   step)
{
  return status == MOTCUA_STATUS_PROCESSING
         && (step == MOTCUA_STEP_TRANSFERRED || step == MOTCUA_STEP_EXAMINED);
}

static gboolean
is_at_step (MotcuaStatus status,
            MotcuaStep   step,
            MotcuaStep   wanted)
{
  return status == MOTCUA_STATUS_PROCESSING && step == wanted;
}

static gboolean
status_in (MotcuaStatus status,
           const MotcuaStatus *statuses)
{
  for (guint i = 0; statuses[i] != 0; i++)
    if (statuses[i] == status)
      return TRUE;
  return FALSE;
}

static void
expect_move (Expectation  *e,
             gboolean      allowed,
             MotcuaRole    roles,
             MotcuaStatus  to_status,
             MotcuaStep    to_step)
{
  e->state_allows = allowed;
  e->roles = roles;
  e->to_status = to_status;
  e->to_step = to_step;
  e->keeps = FALSE;
}

static void
expect_stay (Expectation *e,
             gboolean     allowed,
             MotcuaRole   roles)
{
  expect_move (e, allowed, roles, 0, MOTCUA_STEP_NONE);
  e->keeps = TRUE;
}

/* The rules, one action at a time, as the brief states them. */
static Expectation
expectation (MotcuaStatus s,
             MotcuaStep   step,
             MotcuaAction action)
{
  static const MotcuaStatus refuse_from[] = { 1, 2, 5, 0 };
  static const MotcuaStatus withdraw_from[] = { 1, 2, 4, 5, 6, 0 };
  static const MotcuaStatus stop_from[] = { 4, 5, 6, 0 };
  static const MotcuaStatus apologize_from[] = { 2, 4, 5, 6, 0 };
  static const MotcuaStatus attach_from[] = { 1, 2, 4, 5, 6, 9, 0 };
  gboolean work = is_work_step (s, step);
  Expectation e = { 0 };

  switch (action)
    {
    case MOTCUA_ACTION_RECEIVE:
      expect_move (&e, s == 1, CLERK, 2, MOTCUA_STEP_NONE);
      break;
    case MOTCUA_ACTION_TRANSFER:
      expect_move (&e, s == 2 || work, CLERK | SPECIALIST, 4, MOTCUA_STEP_TRANSFERRED);
      break;
    case MOTCUA_ACTION_EXAMINE:
      expect_move (&e, is_at_step (s, step, MOTCUA_STEP_TRANSFERRED), SPECIALIST, 4, MOTCUA_STEP_EXAMINED);
      break;
    case MOTCUA_ACTION_REQUEST_SUPPLEMENT:
      expect_move (&e, s == 2 || work, CLERK | SPECIALIST, 5, MOTCUA_STEP_NONE);
      break;
    case MOTCUA_ACTION_SUPPLEMENT_RECEIVED:
      expect_move (&e, s == 5, CLERK, TO_RESUME, MOTCUA_STEP_NONE);
      break;
    case MOTCUA_ACTION_REQUEST_PAYMENT:
      expect_move (&e, work, SPECIALIST, 6, MOTCUA_STEP_NONE);
      break;
    case MOTCUA_ACTION_PAYMENT_RECEIVED:
      expect_move (&e, s == 6, CLERK | SPECIALIST, TO_RESUME, MOTCUA_STEP_NONE);
      break;
    case MOTCUA_ACTION_REFUSE:
      expect_move (&e, status_in (s, refuse_from), CLERK | SPECIALIST, 3, MOTCUA_STEP_NONE);
      break;
    case MOTCUA_ACTION_WITHDRAW:
      expect_move (&e, status_in (s, withdraw_from), CLERK, 7, MOTCUA_STEP_NONE);
      break;
    case MOTCUA_ACTION_STOP:
      expect_move (&e, status_in (s, stop_from), SUPERVISOR, 8, MOTCUA_STEP_NONE);
      break;
    case MOTCUA_ACTION_DRAFT:
      expect_move (&e, work, SPECIALIST, 4, MOTCUA_STEP_DRAFT_READY);
      break;
    case MOTCUA_ACTION_SUBMIT:
      expect_move (&e, is_at_step (s, step, MOTCUA_STEP_DRAFT_READY), SPECIALIST,
                   4, MOTCUA_STEP_AWAITING_APPROVAL);
      break;
    case MOTCUA_ACTION_APPROVE:
      expect_move (&e, is_at_step (s, step, MOTCUA_STEP_AWAITING_APPROVAL), SUPERVISOR,
                   4, MOTCUA_STEP_APPROVED);
      break;
    case MOTCUA_ACTION_SEND_BACK:
      expect_move (&e, is_at_step (s, step, MOTCUA_STEP_AWAITING_APPROVAL), SUPERVISOR,
                   4, MOTCUA_STEP_EXAMINED);
      break;
    case MOTCUA_ACTION_ISSUE:
      expect_move (&e, is_at_step (s, step, MOTCUA_STEP_APPROVED), CLERK | SPECIALIST,
                   4, MOTCUA_STEP_ISSUED);
      break;
    case MOTCUA_ACTION_RESULT_READY:
      expect_move (&e, is_at_step (s, step, MOTCUA_STEP_APPROVED) || is_at_step (s, step, MOTCUA_STEP_ISSUED),
                   CLERK | SPECIALIST, 9, MOTCUA_STEP_NONE);
      break;
    case MOTCUA_ACTION_APOLOGIZE:
      expect_stay (&e, status_in (s, apologize_from), SPECIALIST | SUPERVISOR);
      break;
    case MOTCUA_ACTION_RETURN:
      expect_move (&e, s == 9, CLERK, 10, MOTCUA_STEP_NONE);
      break;
    case MOTCUA_ACTION_SATISFACTION:
      expect_stay (&e, s == 10, CLERK);
      break;
    case MOTCUA_ACTION_ATTACH:
      expect_stay (&e, status_in (s, attach_from), CLERK | SPECIALIST | SUPERVISOR);
      break;
    case MOTCUA_N_ACTIONS:
    default:
      g_assert_not_reached ();
    }
  return e;
}

/* A state in which no history condition stands in the way: received, due tomorrow,
 * no supplement requested yet, satisfaction not recorded. */
static MotcuaWorkflowState
plain_state (MotcuaStatus status,
             MotcuaStep   step,
             GDateTime   *due)
{
  MotcuaWorkflowState state = {
    .status = status,
    .step = step,
    .received = status != MOTCUA_STATUS_SUBMITTED,
    .supplement_count = 0,
    .satisfaction_recorded = FALSE,
    .due = status != MOTCUA_STATUS_SUBMITTED ? due : NULL,
  };

  return state;
}

static void
check_one (const MotcuaWorkflowState *state,
           MotcuaAction               action,
           MotcuaRole                 role,
           GDateTime                 *now,
           const Expectation         *e)
{
  g_autoptr(GError) error = NULL;
  gboolean allowed = motcua_workflow_check (state, action, role, now, &error);
  gboolean expected = e->state_allows && (e->roles & role) != 0;

  if (allowed != expected)
    g_error ("status %d step %s action %s role %s: expected %s, got %s (%s)",
             state->status, motcua_step_to_string (state->step), motcua_action_to_string (action),
             motcua_role_to_string (role), expected ? "allowed" : "refused",
             allowed ? "allowed" : "refused", error ? error->message : "no error");

  if (allowed)
    {
      g_assert_no_error (error);
      return;
    }
  g_assert_nonnull (error);
  g_assert_cmpuint (error->domain, ==, MOTCUA_ERROR);
  /* The state is judged first: a role question only arises where the state allows. */
  g_assert_cmpint (error->code, ==, e->state_allows ? MOTCUA_ERROR_PERMISSION : MOTCUA_ERROR_REFUSED);
  g_assert_nonnull (error->message);
  g_assert_cmpstr (error->message, !=, "");
}

static void
check_state_all_actions (MotcuaStatus status,
                         MotcuaStep   step,
                         GDateTime   *now,
                         GDateTime   *due,
                         guint       *n_checked)
{
  MotcuaWorkflowState state = plain_state (status, step, due);

  for (guint a = 0; a < MOTCUA_N_ACTIONS; a++)
    {
      Expectation e = expectation (status, step, a);

      for (guint r = 0; r < G_N_ELEMENTS (all_roles); r++)
        {
          check_one (&state, a, all_roles[r], now, &e);
          (*n_checked)++;
        }
    }
}

static void
test_every_transition (void)
{
  g_autoptr(GDateTime) now = motcua_test_vn_time (2026, 11, 23, 9, 0, 0);
  g_autoptr(GDateTime) due = motcua_test_vn_time (2026, 11, 24, 16, 0, 0);
  guint n_checked = 0;

  for (MotcuaStatus s = MOTCUA_STATUS_FIRST; s <= MOTCUA_STATUS_LAST; s++)
    {
      if (s != MOTCUA_STATUS_PROCESSING)
        {
          check_state_all_actions (s, MOTCUA_STEP_NONE, now, due, &n_checked);
          continue;
        }
      /* Every step, MOTCUA_STEP_NONE included: "any step" must mean any. */
      for (MotcuaStep step = MOTCUA_STEP_NONE; step < MOTCUA_N_STEPS; step++)
        check_state_all_actions (s, step, now, due, &n_checked);
    }

  /* 9 statuses with one step, status 4 with 7 steps; 20 actions; 4 roles. */
  g_assert_cmpuint (n_checked, ==, (9 + MOTCUA_N_STEPS) * MOTCUA_N_ACTIONS * G_N_ELEMENTS (all_roles));
}

static void
test_admin_takes_no_action (void)
{
  g_autoptr(GDateTime) now = motcua_test_vn_time (2026, 11, 23, 9, 0, 0);
  g_autoptr(GDateTime) due = motcua_test_vn_time (2026, 11, 24, 16, 0, 0);

  for (MotcuaStatus s = MOTCUA_STATUS_FIRST; s <= MOTCUA_STATUS_LAST; s++)
    for (MotcuaStep step = MOTCUA_STEP_NONE; step < MOTCUA_N_STEPS; step++)
      {
        MotcuaWorkflowState state = plain_state (s, step, due);

        g_assert_cmpuint (motcua_workflow_allowed_actions (&state, ADMIN, now), ==, 0);
        g_assert_cmpuint (motcua_workflow_allowed_actions (&state, MOTCUA_ROLE_NONE, now), ==, 0);
      }
  for (guint a = 0; a < MOTCUA_N_ACTIONS; a++)
    g_assert_cmpuint (motcua_workflow_action_roles (a) & ADMIN, ==, 0);
}

static void
test_action_roles (void)
{
  /* The roles of an action are the same wherever the action is allowed. */
  for (guint a = 0; a < MOTCUA_N_ACTIONS; a++)
    {
      Expectation e = expectation (MOTCUA_STATUS_PROCESSING, MOTCUA_STEP_EXAMINED, a);

      g_assert_cmpuint (motcua_workflow_action_roles (a), ==, e.roles);
    }
}

static void
assert_refused (const MotcuaWorkflowState *state,
                MotcuaAction               action,
                MotcuaRole                 role,
                GDateTime                 *now)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (motcua_workflow_check (state, action, role, now, &error));
  g_assert_error (error, MOTCUA_ERROR, MOTCUA_ERROR_REFUSED);
  g_assert_cmpstr (error->message, !=, "");
}

static void
assert_allowed (const MotcuaWorkflowState *state,
                MotcuaAction               action,
                MotcuaRole                 role,
                GDateTime                 *now)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (motcua_workflow_check (state, action, role, now, &error));
  g_assert_no_error (error);
}

static void
test_one_supplement_request (void)
{
  g_autoptr(GDateTime) now = motcua_test_vn_time (2026, 11, 23, 9, 0, 0);
  g_autoptr(GDateTime) due = motcua_test_vn_time (2026, 11, 30, 9, 0, 0);
  MotcuaWorkflowState received = plain_state (MOTCUA_STATUS_RECEIVED, MOTCUA_STEP_NONE, due);
  MotcuaWorkflowState examined = plain_state (MOTCUA_STATUS_PROCESSING, MOTCUA_STEP_EXAMINED, due);

  assert_allowed (&received, MOTCUA_ACTION_REQUEST_SUPPLEMENT, CLERK, now);
  assert_allowed (&examined, MOTCUA_ACTION_REQUEST_SUPPLEMENT, SPECIALIST, now);

  /* The applicant is told everything missing once, in writing. */
  received.supplement_count = 1;
  examined.supplement_count = 1;
  assert_refused (&received, MOTCUA_ACTION_REQUEST_SUPPLEMENT, CLERK, now);
  assert_refused (&examined, MOTCUA_ACTION_REQUEST_SUPPLEMENT, SPECIALIST, now);

  /* The condition is about supplements only: other actions go on. */
  assert_allowed (&examined, MOTCUA_ACTION_DRAFT, SPECIALIST, now);
  assert_allowed (&examined, MOTCUA_ACTION_REQUEST_PAYMENT, SPECIALIST, now);
}

static void
test_apology_before_due (void)
{
  g_autoptr(GDateTime) due = motcua_test_vn_time (2026, 11, 30, 9, 0, 0);
  g_autoptr(GDateTime) before = motcua_test_vn_time (2026, 11, 30, 8, 59, 59);
  g_autoptr(GDateTime) after = motcua_test_vn_time (2026, 11, 30, 9, 0, 1);
  g_autoptr(GDateTime) long_after = motcua_test_vn_time (2026, 12, 7, 9, 0, 0);
  MotcuaStatus statuses[] = { MOTCUA_STATUS_RECEIVED, MOTCUA_STATUS_PROCESSING,
                              MOTCUA_STATUS_SUPPLEMENT, MOTCUA_STATUS_FINANCIAL };

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      MotcuaStep step = statuses[i] == MOTCUA_STATUS_PROCESSING ? MOTCUA_STEP_EXAMINED : MOTCUA_STEP_NONE;
      MotcuaWorkflowState state = plain_state (statuses[i], step, due);

      assert_allowed (&state, MOTCUA_ACTION_APOLOGIZE, SPECIALIST, before);
      assert_allowed (&state, MOTCUA_ACTION_APOLOGIZE, SUPERVISOR, before);
      /* At the due time itself the dossier is not late yet. */
      assert_allowed (&state, MOTCUA_ACTION_APOLOGIZE, SUPERVISOR, due);
      assert_refused (&state, MOTCUA_ACTION_APOLOGIZE, SPECIALIST, after);
      assert_refused (&state, MOTCUA_ACTION_APOLOGIZE, SUPERVISOR, long_after);
    }
}

static void
test_apology_needs_reception (void)
{
  g_autoptr(GDateTime) now = motcua_test_vn_time (2026, 11, 23, 9, 0, 0);
  g_autoptr(GDateTime) due = motcua_test_vn_time (2026, 11, 30, 9, 0, 0);
  MotcuaWorkflowState counter_supplement = {
    .status = MOTCUA_STATUS_SUPPLEMENT,
    .received = FALSE,
    .supplement_count = 1,
    .due = NULL,
  };
  MotcuaWorkflowState no_due = plain_state (MOTCUA_STATUS_RECEIVED, MOTCUA_STEP_NONE, NULL);
  MotcuaWorkflowState due_not_received = plain_state (MOTCUA_STATUS_SUPPLEMENT, MOTCUA_STEP_NONE, due);

  /* A supplement requested at the counter: never received, no clock, no apology. */
  assert_refused (&counter_supplement, MOTCUA_ACTION_APOLOGIZE, SPECIALIST, now);
  assert_refused (&no_due, MOTCUA_ACTION_APOLOGIZE, SPECIALIST, now);
  due_not_received.received = FALSE;
  assert_refused (&due_not_received, MOTCUA_ACTION_APOLOGIZE, SUPERVISOR, now);
}

static void
test_satisfaction_once (void)
{
  g_autoptr(GDateTime) now = motcua_test_vn_time (2026, 11, 23, 9, 0, 0);
  g_autoptr(GDateTime) due = motcua_test_vn_time (2026, 11, 24, 9, 0, 0);
  MotcuaWorkflowState state = plain_state (MOTCUA_STATUS_RETURNED, MOTCUA_STEP_NONE, due);

  assert_allowed (&state, MOTCUA_ACTION_SATISFACTION, CLERK, now);
  state.satisfaction_recorded = TRUE;
  assert_refused (&state, MOTCUA_ACTION_SATISFACTION, CLERK, now);
}

static void
assert_target (const MotcuaWorkflowState *state,
               MotcuaAction               action,
               MotcuaStatus               resume_status,
               MotcuaStep                 resume_step,
               MotcuaStatus               expected_status,
               MotcuaStep                 expected_step)
{
  MotcuaStatus status = 0;
  MotcuaStep step = MOTCUA_N_STEPS;

  motcua_workflow_target (state, action, resume_status, resume_step, &status, &step);
  if (status != expected_status || step != expected_step)
    g_error ("%s from status %d step %s: expected %d/%s, got %d/%s",
             motcua_action_to_string (action), state->status, motcua_step_to_string (state->step),
             expected_status, motcua_step_to_string (expected_step),
             status, motcua_step_to_string (step));
}

/* Where every allowed action leads, from every state that allows it. */
static void
test_targets (void)
{
  g_autoptr(GDateTime) due = motcua_test_vn_time (2026, 11, 24, 16, 0, 0);
  guint n_checked = 0;

  for (MotcuaStatus s = MOTCUA_STATUS_FIRST; s <= MOTCUA_STATUS_LAST; s++)
    for (MotcuaStep step = MOTCUA_STEP_NONE; step < MOTCUA_N_STEPS; step++)
      {
        MotcuaWorkflowState state = plain_state (s, step, due);

        if (s != MOTCUA_STATUS_PROCESSING && step != MOTCUA_STEP_NONE)
          continue;
        for (guint a = 0; a < MOTCUA_N_ACTIONS; a++)
          {
            Expectation e = expectation (s, step, a);

            if (!e.state_allows)
              continue;
            n_checked++;
            if (e.keeps)
              assert_target (&state, a, 0, MOTCUA_STEP_NONE, s, step);
            else if (e.to_status == TO_RESUME)
              assert_target (&state, a, MOTCUA_STATUS_PROCESSING, MOTCUA_STEP_EXAMINED,
                             MOTCUA_STATUS_PROCESSING, MOTCUA_STEP_EXAMINED);
            else
              assert_target (&state, a, 0, MOTCUA_STEP_NONE, e.to_status, e.to_step);
          }
      }
  g_assert_cmpuint (n_checked, >, MOTCUA_N_ACTIONS);
}

static void
test_resume_targets (void)
{
  g_autoptr(GDateTime) due = motcua_test_vn_time (2026, 11, 24, 16, 0, 0);
  MotcuaWorkflowState supplement = plain_state (MOTCUA_STATUS_SUPPLEMENT, MOTCUA_STEP_NONE, due);
  MotcuaWorkflowState financial = plain_state (MOTCUA_STATUS_FINANCIAL, MOTCUA_STEP_NONE, due);

  /* Back to the remembered step of "being processed". */
  for (MotcuaStep step = MOTCUA_STEP_TRANSFERRED; step < MOTCUA_N_STEPS; step++)
    {
      assert_target (&supplement, MOTCUA_ACTION_SUPPLEMENT_RECEIVED, MOTCUA_STATUS_PROCESSING, step,
                     MOTCUA_STATUS_PROCESSING, step);
      assert_target (&financial, MOTCUA_ACTION_PAYMENT_RECEIVED, MOTCUA_STATUS_PROCESSING, step,
                     MOTCUA_STATUS_PROCESSING, step);
    }
  /* Paused while merely received: back to received, no step. */
  assert_target (&supplement, MOTCUA_ACTION_SUPPLEMENT_RECEIVED, MOTCUA_STATUS_RECEIVED, MOTCUA_STEP_NONE,
                 MOTCUA_STATUS_RECEIVED, MOTCUA_STEP_NONE);
  /* A step remembered outside status 4 means nothing. */
  assert_target (&supplement, MOTCUA_ACTION_SUPPLEMENT_RECEIVED, MOTCUA_STATUS_RECEIVED, MOTCUA_STEP_EXAMINED,
                 MOTCUA_STATUS_RECEIVED, MOTCUA_STEP_NONE);
  /* A supplement requested at the counter was never received: handing in what was
   * missing is what receives it. */
  assert_target (&supplement, MOTCUA_ACTION_SUPPLEMENT_RECEIVED, 0, MOTCUA_STEP_NONE,
                 MOTCUA_STATUS_RECEIVED, MOTCUA_STEP_NONE);
  assert_target (&financial, MOTCUA_ACTION_PAYMENT_RECEIVED, 0, MOTCUA_STEP_NONE,
                 MOTCUA_STATUS_RECEIVED, MOTCUA_STEP_NONE);
}

static guint32
expected_mask (const MotcuaWorkflowState *state,
               MotcuaRole                 role)
{
  guint32 mask = 0;

  for (guint a = 0; a < MOTCUA_N_ACTIONS; a++)
    {
      Expectation e = expectation (state->status, state->step, a);

      if (e.state_allows && (e.roles & role) != 0)
        mask |= 1u << a;
    }
  return mask;
}

static void
test_allowed_actions (void)
{
  g_autoptr(GDateTime) now = motcua_test_vn_time (2026, 11, 23, 9, 0, 0);
  g_autoptr(GDateTime) due = motcua_test_vn_time (2026, 11, 24, 16, 0, 0);
  g_autoptr(GDateTime) late = motcua_test_vn_time (2026, 11, 25, 9, 0, 0);
  struct { MotcuaStatus status; MotcuaStep step; } states[] = {
    { MOTCUA_STATUS_SUBMITTED, MOTCUA_STEP_NONE },
    { MOTCUA_STATUS_RECEIVED, MOTCUA_STEP_NONE },
    { MOTCUA_STATUS_PROCESSING, MOTCUA_STEP_TRANSFERRED },
    { MOTCUA_STATUS_PROCESSING, MOTCUA_STEP_AWAITING_APPROVAL },
    { MOTCUA_STATUS_PROCESSING, MOTCUA_STEP_APPROVED },
    { MOTCUA_STATUS_SUPPLEMENT, MOTCUA_STEP_NONE },
    { MOTCUA_STATUS_RESULT_READY, MOTCUA_STEP_NONE },
    { MOTCUA_STATUS_RETURNED, MOTCUA_STEP_NONE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    for (guint r = 0; r < G_N_ELEMENTS (all_roles); r++)
      {
        MotcuaWorkflowState state = plain_state (states[i].status, states[i].step, due);
        guint32 mask = motcua_workflow_allowed_actions (&state, all_roles[r], now);
        guint32 from_check = 0;

        for (guint a = 0; a < MOTCUA_N_ACTIONS; a++)
          if (motcua_workflow_check (&state, a, all_roles[r], now, NULL))
            from_check |= 1u << a;
        g_assert_cmphex (mask, ==, from_check);
        g_assert_cmphex (mask, ==, expected_mask (&state, all_roles[r]));
      }

  /* The history conditions are part of what is offered. */
  {
    MotcuaWorkflowState state = plain_state (MOTCUA_STATUS_PROCESSING, MOTCUA_STEP_EXAMINED, due);
    guint32 before = motcua_workflow_allowed_actions (&state, SPECIALIST, now);
    guint32 after;

    g_assert_true (before & (1u << MOTCUA_ACTION_REQUEST_SUPPLEMENT));
    g_assert_true (before & (1u << MOTCUA_ACTION_APOLOGIZE));
    state.supplement_count = 1;
    after = motcua_workflow_allowed_actions (&state, SPECIALIST, late);
    g_assert_cmphex (after, ==, before & ~((1u << MOTCUA_ACTION_REQUEST_SUPPLEMENT)
                                           | (1u << MOTCUA_ACTION_APOLOGIZE)));
  }
  {
    MotcuaWorkflowState state = plain_state (MOTCUA_STATUS_RETURNED, MOTCUA_STEP_NONE, due);

    state.satisfaction_recorded = TRUE;
    g_assert_cmphex (motcua_workflow_allowed_actions (&state, CLERK, now), ==, 0);
  }
}

static void
test_action_names (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  MotcuaAction parsed = MOTCUA_N_ACTIONS;

  for (guint a = 0; a < MOTCUA_N_ACTIONS; a++)
    {
      const char *name = motcua_action_to_string (a);

      g_assert_nonnull (name);
      g_assert_cmpstr (name, !=, "");
      g_assert_true (g_hash_table_add (seen, (gpointer) name));
      g_assert_true (motcua_action_from_string (name, &parsed));
      g_assert_cmpint (parsed, ==, a);
      g_assert_nonnull (motcua_action_label (a));
      g_assert_cmpstr (motcua_action_label (a), !=, "");
    }
  /* The journal and the CLI depend on these exact words. */
  g_assert_cmpstr (motcua_action_to_string (MOTCUA_ACTION_REQUEST_SUPPLEMENT), ==, "request-supplement");
  g_assert_cmpstr (motcua_action_to_string (MOTCUA_ACTION_SUPPLEMENT_RECEIVED), ==, "supplement-received");
  g_assert_cmpstr (motcua_action_to_string (MOTCUA_ACTION_RESULT_READY), ==, "result-ready");
  g_assert_cmpstr (motcua_action_to_string (MOTCUA_ACTION_SEND_BACK), ==, "send-back");
  g_assert_false (motcua_action_from_string ("request_supplement", &parsed));
  g_assert_false (motcua_action_from_string ("", &parsed));
  g_assert_false (motcua_action_from_string (NULL, &parsed));
  g_assert_null (motcua_action_to_string (MOTCUA_N_ACTIONS));
}

static void
test_role_names (void)
{
  static const struct { MotcuaRole role; const char *name; } roles[] = {
    { CLERK, "clerk" }, { SPECIALIST, "specialist" }, { SUPERVISOR, "supervisor" }, { ADMIN, "admin" },
  };
  MotcuaRole parsed = MOTCUA_ROLE_NONE;

  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    {
      g_assert_cmpstr (motcua_role_to_string (roles[i].role), ==, roles[i].name);
      g_assert_true (motcua_role_from_string (roles[i].name, &parsed));
      g_assert_cmpint (parsed, ==, roles[i].role);
      g_assert_cmpstr (motcua_role_label (roles[i].role), !=, "");
    }
  g_assert_false (motcua_role_from_string ("none", &parsed));
  g_assert_false (motcua_role_from_string ("Clerk", &parsed));
  g_assert_false (motcua_role_from_string (NULL, &parsed));
}

static void
test_channel_names (void)
{
  static const struct { MotcuaChannel channel; const char *name; const char *code; } channels[] = {
    { MOTCUA_CHANNEL_IN_PERSON, "in-person", "1" },
    { MOTCUA_CHANNEL_ONLINE, "online", "2" },
    { MOTCUA_CHANNEL_POST, "post", "3" },
  };
  MotcuaChannel parsed = 0;

  for (guint i = 0; i < G_N_ELEMENTS (channels); i++)
    {
      g_assert_cmpstr (motcua_channel_to_string (channels[i].channel), ==, channels[i].name);
      g_assert_true (motcua_channel_from_string (channels[i].name, &parsed));
      g_assert_cmpint (parsed, ==, channels[i].channel);
      /* The national portal's KenhThucHien numbers. */
      g_assert_true (motcua_channel_from_string (channels[i].code, &parsed));
      g_assert_cmpint (parsed, ==, channels[i].channel);
      g_assert_cmpstr (motcua_channel_label (channels[i].channel), !=, "");
    }
  g_assert_false (motcua_channel_from_string ("4", &parsed));
  g_assert_false (motcua_channel_from_string ("fax", &parsed));
  g_assert_false (motcua_channel_from_string (NULL, &parsed));
}

static void
test_status_and_step_names (void)
{
  g_autoptr(GHashTable) labels = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) steps = g_hash_table_new (g_str_hash, g_str_equal);

  for (MotcuaStatus s = MOTCUA_STATUS_FIRST; s <= MOTCUA_STATUS_LAST; s++)
    {
      const char *label = motcua_status_label (s);

      g_assert_cmpstr (label, !=, "");
      g_assert_true (g_hash_table_add (labels, (gpointer) label));
    }
  for (MotcuaStep step = MOTCUA_STEP_NONE; step < MOTCUA_N_STEPS; step++)
    {
      g_assert_true (g_hash_table_add (steps, (gpointer) motcua_step_to_string (step)));
      if (step != MOTCUA_STEP_NONE)
        g_assert_cmpstr (motcua_step_label (step), !=, "");
    }
  g_assert_cmpstr (motcua_step_to_string (MOTCUA_STEP_AWAITING_APPROVAL), ==, "awaiting-approval");
  g_assert_cmpstr (motcua_step_to_string (MOTCUA_STEP_DRAFT_READY), ==, "draft-ready");

  g_assert_cmpstr (motcua_timing_to_string (MOTCUA_TIMING_EARLY), ==, "early");
  g_assert_cmpstr (motcua_timing_to_string (MOTCUA_TIMING_ON_TIME), ==, "on-time");
  g_assert_cmpstr (motcua_timing_to_string (MOTCUA_TIMING_LATE), ==, "late");
  g_assert_cmpstr (motcua_timing_label (MOTCUA_TIMING_EARLY), !=, "");
  g_assert_cmpstr (motcua_timing_label (MOTCUA_TIMING_ON_TIME), !=, "");
  g_assert_cmpstr (motcua_timing_label (MOTCUA_TIMING_LATE), !=, "");
}

static void
test_status_classes (void)
{
  for (MotcuaStatus s = MOTCUA_STATUS_FIRST; s <= MOTCUA_STATUS_LAST; s++)
    {
      gboolean counting = s == MOTCUA_STATUS_RECEIVED || s == MOTCUA_STATUS_PROCESSING;
      gboolean final = s == MOTCUA_STATUS_REFUSED || s == MOTCUA_STATUS_WITHDRAWN
                       || s == MOTCUA_STATUS_STOPPED || s == MOTCUA_STATUS_RESULT_READY
                       || s == MOTCUA_STATUS_RETURNED;

      g_assert_cmpint (motcua_status_is_counting (s), ==, counting);
      g_assert_cmpint (motcua_status_is_final (s), ==, final);
    }
}

static void
assert_timing (const char   *done,
               const char   *due,
               MotcuaTiming  expected)
{
  g_autoptr(GDateTime) done_time = motcua_test_parse_time (done);
  g_autoptr(GDateTime) due_time = motcua_test_parse_time (due);
  MotcuaTiming timing = motcua_timing_judge (done_time, due_time);

  if (timing != expected)
    g_error ("done %s, due %s: expected %s, got %s", done, due,
             motcua_timing_to_string (expected), motcua_timing_to_string (timing));
}

static void
test_timing_judge (void)
{
  const char *due = "2026-11-24T16:00:00+07:00";

  assert_timing ("2026-11-23T16:00:00+07:00", due, MOTCUA_TIMING_EARLY);
  assert_timing ("2026-11-23T23:59:59+07:00", due, MOTCUA_TIMING_EARLY);
  assert_timing ("2026-11-24T00:00:00+07:00", due, MOTCUA_TIMING_ON_TIME);
  assert_timing ("2026-11-24T09:00:00+07:00", due, MOTCUA_TIMING_ON_TIME);
  assert_timing ("2026-11-24T16:00:00+07:00", due, MOTCUA_TIMING_ON_TIME);
  assert_timing ("2026-11-24T16:00:01+07:00", due, MOTCUA_TIMING_LATE);
  assert_timing ("2026-11-26T08:00:00+07:00", due, MOTCUA_TIMING_LATE);

  /* The same instants written in other offsets: the day is the agency's day (the
   * due date's zone), not the day wherever the event was recorded. 18:00Z on the
   * 23rd is already 01:00 on the 24th in Vietnam. */
  assert_timing ("2026-11-23T18:00:00Z", due, MOTCUA_TIMING_ON_TIME);
  assert_timing ("2026-11-23T16:30:00Z", due, MOTCUA_TIMING_EARLY);
  assert_timing ("2026-11-24T09:00:00Z", due, MOTCUA_TIMING_ON_TIME);
  assert_timing ("2026-11-24T09:00:01Z", due, MOTCUA_TIMING_LATE);
  assert_timing ("2026-11-24T04:00:01-05:00", due, MOTCUA_TIMING_LATE);
  assert_timing ("2026-11-23T12:30:00-05:00", due, MOTCUA_TIMING_ON_TIME);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/workflow/transitions/every", test_every_transition);
  g_test_add_func ("/workflow/transitions/admin", test_admin_takes_no_action);
  g_test_add_func ("/workflow/transitions/roles", test_action_roles);
  g_test_add_func ("/workflow/conditions/one-supplement", test_one_supplement_request);
  g_test_add_func ("/workflow/conditions/apology-before-due", test_apology_before_due);
  g_test_add_func ("/workflow/conditions/apology-needs-reception", test_apology_needs_reception);
  g_test_add_func ("/workflow/conditions/satisfaction-once", test_satisfaction_once);
  g_test_add_func ("/workflow/target/every", test_targets);
  g_test_add_func ("/workflow/target/resume", test_resume_targets);
  g_test_add_func ("/workflow/allowed-actions", test_allowed_actions);
  g_test_add_func ("/workflow/names/actions", test_action_names);
  g_test_add_func ("/workflow/names/roles", test_role_names);
  g_test_add_func ("/workflow/names/channels", test_channel_names);
  g_test_add_func ("/workflow/names/statuses-steps-timings", test_status_and_step_names);
  g_test_add_func ("/workflow/status-classes", test_status_classes);
  g_test_add_func ("/workflow/timing-judge", test_timing_judge);

  return g_test_run ();
}
