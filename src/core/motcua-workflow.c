/* motcua-workflow.c: the transition table and the rules beside it. */

#include <glib/gi18n-lib.h>

#include "motcua-error.h"
#include "motcua-workflow.h"

#define S(x)          (1u << (x))
#define STEP(x)       (1u << (x))
#define ANY_STEP      0xffffffffu
#define WORK_STEPS    (STEP (MOTCUA_STEP_TRANSFERRED) | STEP (MOTCUA_STEP_EXAMINED))
#define CLERK         MOTCUA_ROLE_CLERK
#define SPECIALIST    MOTCUA_ROLE_SPECIALIST
#define SUPERVISOR    MOTCUA_ROLE_SUPERVISOR

/* Where an action leads. KEEP stays where it is; RESUME returns to the status and
 * step remembered when the clock was paused. */
#define KEEP   0
#define RESUME (-1)

typedef struct {
  MotcuaAction action;
  const char  *name;
  const char  *label;
  guint32      from_statuses;   /* bit per MotcuaStatus */
  guint32      from_steps;      /* bit per MotcuaStep, looked at only in status 4 */
  MotcuaRole   roles;
  int          to_status;       /* MotcuaStatus, KEEP or RESUME */
  MotcuaStep   to_step;
} Transition;

/* The table. Read it as: in these statuses (and steps of status 4), these roles may
 * take this action, and the dossier moves there. Extra conditions that depend on the
 * dossier's history (one supplement request, apology before the due date…) are in
 * check_conditions(). */
static const Transition transitions[MOTCUA_N_ACTIONS] = {
  { MOTCUA_ACTION_RECEIVE, "receive", N_("Receive"),
    S (MOTCUA_STATUS_SUBMITTED), ANY_STEP,
    CLERK, MOTCUA_STATUS_RECEIVED, MOTCUA_STEP_NONE },
  { MOTCUA_ACTION_TRANSFER, "transfer", N_("Transfer"),
    S (MOTCUA_STATUS_RECEIVED) | S (MOTCUA_STATUS_PROCESSING), WORK_STEPS,
    CLERK | SPECIALIST, MOTCUA_STATUS_PROCESSING, MOTCUA_STEP_TRANSFERRED },
  { MOTCUA_ACTION_EXAMINE, "examine", N_("Record examination"),
    S (MOTCUA_STATUS_PROCESSING), STEP (MOTCUA_STEP_TRANSFERRED),
    SPECIALIST, MOTCUA_STATUS_PROCESSING, MOTCUA_STEP_EXAMINED },
  { MOTCUA_ACTION_REQUEST_SUPPLEMENT, "request-supplement", N_("Request supplement"),
    S (MOTCUA_STATUS_RECEIVED) | S (MOTCUA_STATUS_PROCESSING), WORK_STEPS,
    CLERK | SPECIALIST, MOTCUA_STATUS_SUPPLEMENT, MOTCUA_STEP_NONE },
  { MOTCUA_ACTION_SUPPLEMENT_RECEIVED, "supplement-received", N_("Supplement received"),
    S (MOTCUA_STATUS_SUPPLEMENT), ANY_STEP,
    CLERK, RESUME, MOTCUA_STEP_NONE },
  { MOTCUA_ACTION_REQUEST_PAYMENT, "request-payment", N_("Request fee payment"),
    S (MOTCUA_STATUS_PROCESSING), WORK_STEPS,
    SPECIALIST, MOTCUA_STATUS_FINANCIAL, MOTCUA_STEP_NONE },
  { MOTCUA_ACTION_PAYMENT_RECEIVED, "payment-received", N_("Payment received"),
    S (MOTCUA_STATUS_FINANCIAL), ANY_STEP,
    CLERK | SPECIALIST, RESUME, MOTCUA_STEP_NONE },
  { MOTCUA_ACTION_REFUSE, "refuse", N_("Refuse"),
    S (MOTCUA_STATUS_SUBMITTED) | S (MOTCUA_STATUS_RECEIVED) | S (MOTCUA_STATUS_SUPPLEMENT), ANY_STEP,
    CLERK | SPECIALIST, MOTCUA_STATUS_REFUSED, MOTCUA_STEP_NONE },
  { MOTCUA_ACTION_WITHDRAW, "withdraw", N_("Withdraw at the citizen's request"),
    S (MOTCUA_STATUS_SUBMITTED) | S (MOTCUA_STATUS_RECEIVED) | S (MOTCUA_STATUS_PROCESSING)
    | S (MOTCUA_STATUS_SUPPLEMENT) | S (MOTCUA_STATUS_FINANCIAL), ANY_STEP,
    CLERK, MOTCUA_STATUS_WITHDRAWN, MOTCUA_STEP_NONE },
  { MOTCUA_ACTION_STOP, "stop", N_("Stop processing"),
    S (MOTCUA_STATUS_PROCESSING) | S (MOTCUA_STATUS_SUPPLEMENT) | S (MOTCUA_STATUS_FINANCIAL), ANY_STEP,
    SUPERVISOR, MOTCUA_STATUS_STOPPED, MOTCUA_STEP_NONE },
  { MOTCUA_ACTION_DRAFT, "draft", N_("Draft the result"),
    S (MOTCUA_STATUS_PROCESSING), WORK_STEPS,
    SPECIALIST, MOTCUA_STATUS_PROCESSING, MOTCUA_STEP_DRAFT_READY },
  { MOTCUA_ACTION_SUBMIT, "submit", N_("Submit for approval"),
    S (MOTCUA_STATUS_PROCESSING), STEP (MOTCUA_STEP_DRAFT_READY),
    SPECIALIST, MOTCUA_STATUS_PROCESSING, MOTCUA_STEP_AWAITING_APPROVAL },
  { MOTCUA_ACTION_APPROVE, "approve", N_("Approve"),
    S (MOTCUA_STATUS_PROCESSING), STEP (MOTCUA_STEP_AWAITING_APPROVAL),
    SUPERVISOR, MOTCUA_STATUS_PROCESSING, MOTCUA_STEP_APPROVED },
  { MOTCUA_ACTION_SEND_BACK, "send-back", N_("Send back"),
    S (MOTCUA_STATUS_PROCESSING), STEP (MOTCUA_STEP_AWAITING_APPROVAL),
    SUPERVISOR, MOTCUA_STATUS_PROCESSING, MOTCUA_STEP_EXAMINED },
  { MOTCUA_ACTION_ISSUE, "issue", N_("Number and issue"),
    S (MOTCUA_STATUS_PROCESSING), STEP (MOTCUA_STEP_APPROVED),
    CLERK | SPECIALIST, MOTCUA_STATUS_PROCESSING, MOTCUA_STEP_ISSUED },
  { MOTCUA_ACTION_RESULT_READY, "result-ready", N_("Mark result ready"),
    S (MOTCUA_STATUS_PROCESSING), STEP (MOTCUA_STEP_APPROVED) | STEP (MOTCUA_STEP_ISSUED),
    CLERK | SPECIALIST, MOTCUA_STATUS_RESULT_READY, MOTCUA_STEP_NONE },
  { MOTCUA_ACTION_APOLOGIZE, "apologize", N_("Apologize and set a new date"),
    S (MOTCUA_STATUS_RECEIVED) | S (MOTCUA_STATUS_PROCESSING)
    | S (MOTCUA_STATUS_SUPPLEMENT) | S (MOTCUA_STATUS_FINANCIAL), ANY_STEP,
    SPECIALIST | SUPERVISOR, KEEP, MOTCUA_STEP_NONE },
  { MOTCUA_ACTION_RETURN, "return", N_("Return the result"),
    S (MOTCUA_STATUS_RESULT_READY), ANY_STEP,
    CLERK, MOTCUA_STATUS_RETURNED, MOTCUA_STEP_NONE },
  { MOTCUA_ACTION_SATISFACTION, "satisfaction", N_("Record satisfaction"),
    S (MOTCUA_STATUS_RETURNED), ANY_STEP,
    CLERK, KEEP, MOTCUA_STEP_NONE },
  { MOTCUA_ACTION_ATTACH, "attach", N_("Add attachment"),
    S (MOTCUA_STATUS_SUBMITTED) | S (MOTCUA_STATUS_RECEIVED) | S (MOTCUA_STATUS_PROCESSING)
    | S (MOTCUA_STATUS_SUPPLEMENT) | S (MOTCUA_STATUS_FINANCIAL) | S (MOTCUA_STATUS_RESULT_READY), ANY_STEP,
    CLERK | SPECIALIST | SUPERVISOR, KEEP, MOTCUA_STEP_NONE },
};

static const Transition *
transition_for (MotcuaAction action)
{
  g_return_val_if_fail (action < MOTCUA_N_ACTIONS, NULL);
  g_assert (transitions[action].action == action);
  return &transitions[action];
}

static const char *
roles_sentence (MotcuaRole roles)
{
  switch ((int) roles)
    {
    case MOTCUA_ROLE_CLERK:
      return _("Only a reception clerk may do this.");
    case MOTCUA_ROLE_SPECIALIST:
      return _("Only a specialist may do this.");
    case MOTCUA_ROLE_SUPERVISOR:
      return _("Only a supervisor may do this.");
    case MOTCUA_ROLE_CLERK | MOTCUA_ROLE_SPECIALIST:
      return _("Only a reception clerk or a specialist may do this.");
    case MOTCUA_ROLE_SPECIALIST | MOTCUA_ROLE_SUPERVISOR:
      return _("Only a specialist or a supervisor may do this.");
    default:
      return _("Only staff handling dossiers may do this.");
    }
}

static gboolean
check_conditions (const MotcuaWorkflowState *state,
                  MotcuaAction               action,
                  GDateTime                 *now,
                  GError                   **error)
{
  switch (action)
    {
    case MOTCUA_ACTION_REQUEST_SUPPLEMENT:
      if (state->supplement_count > 0)
        {
          g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_REFUSED,
                               _("A supplement was already requested for this dossier. The applicant "
                                 "must be told everything that is missing once, in writing."));
          return FALSE;
        }
      return TRUE;

    case MOTCUA_ACTION_APOLOGIZE:
      if (state->due == NULL || !state->received)
        {
          g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_REFUSED,
                               _("This dossier has no due date yet, so there is nothing to apologize for."));
          return FALSE;
        }
      if (g_date_time_compare (now, state->due) > 0)
        {
          g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_REFUSED,
                               _("The due date has already passed. An apology with a new date must be "
                                 "issued before the dossier becomes late."));
          return FALSE;
        }
      return TRUE;

    case MOTCUA_ACTION_SATISFACTION:
      if (state->satisfaction_recorded)
        {
          g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_REFUSED,
                               _("The citizen's satisfaction has already been recorded."));
          return FALSE;
        }
      return TRUE;

    default:
      return TRUE;
    }
}

static gboolean
state_matches (const Transition *t, const MotcuaWorkflowState *state)
{
  if ((t->from_statuses & S (state->status)) == 0)
    return FALSE;
  if (state->status == MOTCUA_STATUS_PROCESSING && (t->from_steps & STEP (state->step)) == 0)
    return FALSE;
  return TRUE;
}

gboolean
motcua_workflow_check (const MotcuaWorkflowState *state,
                       MotcuaAction               action,
                       MotcuaRole                 role,
                       GDateTime                 *now,
                       GError                   **error)
{
  const Transition *t = transition_for (action);

  g_return_val_if_fail (state != NULL, FALSE);
  if (t == NULL)
    return FALSE;

  if (!state_matches (t, state))
    {
      if (state->status == MOTCUA_STATUS_PROCESSING)
        g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_REFUSED,
                     _("“%s” is not allowed while the dossier is at the step “%s”."),
                     _(t->label), motcua_step_label (state->step));
      else
        g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_REFUSED,
                     _("“%s” is not allowed for a dossier whose status is “%s”."),
                     _(t->label), motcua_status_label (state->status));
      return FALSE;
    }

  if ((t->roles & role) == 0)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_PERMISSION,
                   _("You may not “%s”: your role is %s. %s"),
                   _(t->label), motcua_role_label (role), roles_sentence (t->roles));
      return FALSE;
    }

  return check_conditions (state, action, now, error);
}

guint32
motcua_workflow_allowed_actions (const MotcuaWorkflowState *state,
                                 MotcuaRole                 role,
                                 GDateTime                 *now)
{
  guint32 allowed = 0;

  for (guint i = 0; i < MOTCUA_N_ACTIONS; i++)
    if (motcua_workflow_check (state, i, role, now, NULL))
      allowed |= 1u << i;
  return allowed;
}

void
motcua_workflow_target (const MotcuaWorkflowState *state,
                        MotcuaAction               action,
                        MotcuaStatus               resume_status,
                        MotcuaStep                 resume_step,
                        MotcuaStatus              *status,
                        MotcuaStep                *step)
{
  const Transition *t = transition_for (action);

  if (t->to_status == KEEP)
    {
      *status = state->status;
      *step = state->step;
    }
  else if (t->to_status == RESUME)
    {
      /* A counter supplement was never received: handing in what was missing is
       * what receives it. */
      *status = resume_status != 0 ? resume_status : MOTCUA_STATUS_RECEIVED;
      *step = resume_status == MOTCUA_STATUS_PROCESSING ? resume_step : MOTCUA_STEP_NONE;
    }
  else
    {
      *status = t->to_status;
      *step = t->to_step;
    }
}

MotcuaRole
motcua_workflow_action_roles (MotcuaAction action)
{
  return transition_for (action)->roles;
}

gboolean
motcua_status_is_counting (MotcuaStatus status)
{
  return status == MOTCUA_STATUS_RECEIVED || status == MOTCUA_STATUS_PROCESSING;
}

gboolean
motcua_status_is_final (MotcuaStatus status)
{
  switch (status)
    {
    case MOTCUA_STATUS_REFUSED:
    case MOTCUA_STATUS_WITHDRAWN:
    case MOTCUA_STATUS_STOPPED:
    case MOTCUA_STATUS_RESULT_READY:
    case MOTCUA_STATUS_RETURNED:
      return TRUE;
    default:
      return FALSE;
    }
}

const char *
motcua_action_to_string (MotcuaAction action)
{
  return action < MOTCUA_N_ACTIONS ? transitions[action].name : NULL;
}

gboolean
motcua_action_from_string (const char *text, MotcuaAction *action)
{
  for (guint i = 0; text != NULL && i < MOTCUA_N_ACTIONS; i++)
    if (g_str_equal (text, transitions[i].name))
      {
        *action = i;
        return TRUE;
      }
  return FALSE;
}

const char *
motcua_action_label (MotcuaAction action)
{
  return action < MOTCUA_N_ACTIONS ? _(transitions[action].label) : "";
}

const char *
motcua_status_label (MotcuaStatus status)
{
  switch (status)
    {
    case MOTCUA_STATUS_SUBMITTED:    return _("Newly submitted");
    case MOTCUA_STATUS_RECEIVED:     return _("Received");
    case MOTCUA_STATUS_REFUSED:      return _("Not received");
    case MOTCUA_STATUS_PROCESSING:   return _("Being processed");
    case MOTCUA_STATUS_SUPPLEMENT:   return _("Supplement requested");
    case MOTCUA_STATUS_FINANCIAL:    return _("Fee or tax due");
    case MOTCUA_STATUS_WITHDRAWN:    return _("Withdrawn by the citizen");
    case MOTCUA_STATUS_STOPPED:      return _("Processing stopped");
    case MOTCUA_STATUS_RESULT_READY: return _("Result ready");
    case MOTCUA_STATUS_RETURNED:     return _("Result returned");
    default:                         return _("Unknown status");
    }
}

static const char * const step_names[MOTCUA_N_STEPS] = {
  "none", "transferred", "examined", "draft-ready", "awaiting-approval", "approved", "issued",
};

const char *
motcua_step_to_string (MotcuaStep step)
{
  return step < MOTCUA_N_STEPS ? step_names[step] : "none";
}

const char *
motcua_step_label (MotcuaStep step)
{
  switch (step)
    {
    case MOTCUA_STEP_TRANSFERRED:       return _("Transferred to the competent unit");
    case MOTCUA_STEP_EXAMINED:          return _("Examined");
    case MOTCUA_STEP_DRAFT_READY:       return _("Draft result ready");
    case MOTCUA_STEP_AWAITING_APPROVAL: return _("Awaiting approval");
    case MOTCUA_STEP_APPROVED:          return _("Approved");
    case MOTCUA_STEP_ISSUED:            return _("Issued");
    case MOTCUA_STEP_NONE:
    case MOTCUA_N_STEPS:
    default:                            return "";
    }
}

const char *
motcua_role_to_string (MotcuaRole role)
{
  switch ((int) role)
    {
    case MOTCUA_ROLE_CLERK:      return "clerk";
    case MOTCUA_ROLE_SPECIALIST: return "specialist";
    case MOTCUA_ROLE_SUPERVISOR: return "supervisor";
    case MOTCUA_ROLE_ADMIN:      return "admin";
    default:                     return "none";
    }
}

gboolean
motcua_role_from_string (const char *text, MotcuaRole *role)
{
  static const MotcuaRole roles[] = {
    MOTCUA_ROLE_CLERK, MOTCUA_ROLE_SPECIALIST, MOTCUA_ROLE_SUPERVISOR, MOTCUA_ROLE_ADMIN,
  };

  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (roles); i++)
    if (g_str_equal (text, motcua_role_to_string (roles[i])))
      {
        *role = roles[i];
        return TRUE;
      }
  return FALSE;
}

const char *
motcua_role_label (MotcuaRole role)
{
  switch ((int) role)
    {
    case MOTCUA_ROLE_CLERK:      return _("reception clerk");
    case MOTCUA_ROLE_SPECIALIST: return _("specialist");
    case MOTCUA_ROLE_SUPERVISOR: return _("supervisor");
    case MOTCUA_ROLE_ADMIN:      return _("administrator");
    default:                     return _("no role");
    }
}

gboolean
motcua_actor_is_portal (const char *actor_role)
{
  return g_strcmp0 (actor_role, MOTCUA_PORTAL_ROLE) == 0;
}

const char *
motcua_portal_label (void)
{
  return _("Public service portal");
}

const char *
motcua_channel_to_string (MotcuaChannel channel)
{
  switch (channel)
    {
    case MOTCUA_CHANNEL_ONLINE: return "online";
    case MOTCUA_CHANNEL_POST:   return "post";
    case MOTCUA_CHANNEL_IN_PERSON:
    default:                    return "in-person";
    }
}

gboolean
motcua_channel_from_string (const char *text, MotcuaChannel *channel)
{
  if (g_strcmp0 (text, "in-person") == 0 || g_strcmp0 (text, "1") == 0)
    *channel = MOTCUA_CHANNEL_IN_PERSON;
  else if (g_strcmp0 (text, "online") == 0 || g_strcmp0 (text, "2") == 0)
    *channel = MOTCUA_CHANNEL_ONLINE;
  else if (g_strcmp0 (text, "post") == 0 || g_strcmp0 (text, "3") == 0)
    *channel = MOTCUA_CHANNEL_POST;
  else
    return FALSE;
  return TRUE;
}

const char *
motcua_channel_label (MotcuaChannel channel)
{
  switch (channel)
    {
    case MOTCUA_CHANNEL_ONLINE: return _("Online");
    case MOTCUA_CHANNEL_POST:   return _("Public postal service");
    case MOTCUA_CHANNEL_IN_PERSON:
    default:                    return _("In person");
    }
}

const char *
motcua_timing_to_string (MotcuaTiming timing)
{
  switch (timing)
    {
    case MOTCUA_TIMING_EARLY: return "early";
    case MOTCUA_TIMING_LATE:  return "late";
    case MOTCUA_TIMING_ON_TIME:
    default:                  return "on-time";
    }
}

const char *
motcua_timing_label (MotcuaTiming timing)
{
  switch (timing)
    {
    case MOTCUA_TIMING_EARLY: return _("Early");
    case MOTCUA_TIMING_LATE:  return _("Late");
    case MOTCUA_TIMING_ON_TIME:
    default:                  return _("On time");
    }
}

MotcuaTiming
motcua_timing_judge (GDateTime *done, GDateTime *due)
{
  g_autoptr(GDateTime) done_local = NULL;

  if (done == NULL || due == NULL)
    return MOTCUA_TIMING_ON_TIME;
  if (g_date_time_compare (done, due) > 0)
    return MOTCUA_TIMING_LATE;

  done_local = g_date_time_to_timezone (done, g_date_time_get_timezone (due));
  if (g_date_time_get_year (done_local) == g_date_time_get_year (due)
      && g_date_time_get_day_of_year (done_local) == g_date_time_get_day_of_year (due))
    return MOTCUA_TIMING_ON_TIME;
  return MOTCUA_TIMING_EARLY;
}
