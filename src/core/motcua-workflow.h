/* motcua-workflow.h: what may happen to a dossier, and who may make it happen.
 *
 * One transition table decides, for every status (and every internal step of
 * "being processed"), which actions are allowed and which roles may take them. The
 * command line, the window and the server all ask it, so no face of the program can
 * bypass the rules of Decree 61/2018 and its successors.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The national portal's status codes (DOMAIN.md). */
typedef enum {
  MOTCUA_STATUS_SUBMITTED    = 1,   /* Mới đăng ký: submitted online, not yet received */
  MOTCUA_STATUS_RECEIVED     = 2,   /* Được tiếp nhận */
  MOTCUA_STATUS_REFUSED      = 3,   /* Không được tiếp nhận */
  MOTCUA_STATUS_PROCESSING   = 4,   /* Đang xử lý */
  MOTCUA_STATUS_SUPPLEMENT   = 5,   /* Yêu cầu bổ sung giấy tờ */
  MOTCUA_STATUS_FINANCIAL    = 6,   /* Yêu cầu thực hiện nghĩa vụ tài chính */
  MOTCUA_STATUS_WITHDRAWN    = 7,   /* Công dân yêu cầu rút hồ sơ */
  MOTCUA_STATUS_STOPPED      = 8,   /* Dừng xử lý */
  MOTCUA_STATUS_RESULT_READY = 9,   /* Đã xử lý xong */
  MOTCUA_STATUS_RETURNED     = 10,  /* Đã trả kết quả */
} MotcuaStatus;

#define MOTCUA_STATUS_FIRST MOTCUA_STATUS_SUBMITTED
#define MOTCUA_STATUS_LAST  MOTCUA_STATUS_RETURNED

/* The real steps inside "being processed" (status 4). */
typedef enum {
  MOTCUA_STEP_NONE,
  MOTCUA_STEP_TRANSFERRED,        /* handed to the competent unit */
  MOTCUA_STEP_EXAMINED,           /* a specialist has examined it */
  MOTCUA_STEP_DRAFT_READY,        /* the draft result is written */
  MOTCUA_STEP_AWAITING_APPROVAL,  /* submitted to the leader */
  MOTCUA_STEP_APPROVED,           /* approved (and, later, signed) */
  MOTCUA_STEP_ISSUED,             /* numbered and issued by the clerical office */
  MOTCUA_N_STEPS
} MotcuaStep;

typedef enum {
  MOTCUA_ROLE_NONE       = 0,
  MOTCUA_ROLE_CLERK      = 1 << 0,  /* cán bộ tiếp nhận và trả kết quả */
  MOTCUA_ROLE_SPECIALIST = 1 << 1,  /* chuyên viên */
  MOTCUA_ROLE_SUPERVISOR = 1 << 2,  /* lãnh đạo */
  MOTCUA_ROLE_ADMIN      = 1 << 3,  /* quản trị: users and catalog, not dossiers */
} MotcuaRole;

typedef enum {
  MOTCUA_ACTION_RECEIVE,              /* accept an online-submitted dossier (1 → 2) */
  MOTCUA_ACTION_TRANSFER,
  MOTCUA_ACTION_EXAMINE,
  MOTCUA_ACTION_REQUEST_SUPPLEMENT,
  MOTCUA_ACTION_SUPPLEMENT_RECEIVED,
  MOTCUA_ACTION_REQUEST_PAYMENT,
  MOTCUA_ACTION_PAYMENT_RECEIVED,
  MOTCUA_ACTION_REFUSE,
  MOTCUA_ACTION_WITHDRAW,
  MOTCUA_ACTION_STOP,
  MOTCUA_ACTION_DRAFT,
  MOTCUA_ACTION_SUBMIT,
  MOTCUA_ACTION_APPROVE,
  MOTCUA_ACTION_SEND_BACK,
  MOTCUA_ACTION_ISSUE,
  MOTCUA_ACTION_RESULT_READY,
  MOTCUA_ACTION_APOLOGIZE,
  MOTCUA_ACTION_RETURN,
  MOTCUA_ACTION_SATISFACTION,
  MOTCUA_ACTION_ATTACH,
  MOTCUA_N_ACTIONS
} MotcuaAction;

typedef enum {
  MOTCUA_CHANNEL_IN_PERSON = 1,
  MOTCUA_CHANNEL_ONLINE    = 2,
  MOTCUA_CHANNEL_POST      = 3,
} MotcuaChannel;

/* Early / on time / late, as the process-control slip (Form 05) reports a hand-over. */
typedef enum {
  MOTCUA_TIMING_EARLY,
  MOTCUA_TIMING_ON_TIME,
  MOTCUA_TIMING_LATE,
} MotcuaTiming;

/* The facts the rules look at; the dossier provides them (see motcua-dossier.h). */
typedef struct {
  MotcuaStatus status;
  MotcuaStep   step;
  gboolean     received;           /* FALSE until the clock started (counter supplement) */
  guint        supplement_count;
  gboolean     satisfaction_recorded;
  GDateTime   *due;                /* may be NULL before reception */
} MotcuaWorkflowState;

/* Whether @role may take @action on a dossier in @state at @now. On refusal, @error
 * (MOTCUA_ERROR_REFUSED or MOTCUA_ERROR_PERMISSION) names the reason in words. */
gboolean      motcua_workflow_check            (const MotcuaWorkflowState *state,
                                                MotcuaAction               action,
                                                MotcuaRole                 role,
                                                GDateTime                 *now,
                                                GError                   **error);
/* Every action motcua_workflow_check() would allow, as a bit mask (1 << action). */
guint32       motcua_workflow_allowed_actions  (const MotcuaWorkflowState *state,
                                                MotcuaRole                 role,
                                                GDateTime                 *now);
/* Where @action leads from @state (for actions that return to a remembered state, the
 * caller passes it in @resume_status/@resume_step). */
void          motcua_workflow_target           (const MotcuaWorkflowState *state,
                                                MotcuaAction               action,
                                                MotcuaStatus               resume_status,
                                                MotcuaStep                 resume_step,
                                                MotcuaStatus              *status,
                                                MotcuaStep                *step);
/* Roles that may take @action (bit mask of MotcuaRole). */
MotcuaRole    motcua_workflow_action_roles     (MotcuaAction               action);

/* Whether the clock is running: received, not paused for the applicant, not finished. */
gboolean      motcua_status_is_counting        (MotcuaStatus status);
/* Finished for the indicators: result ready, returned, refused, withdrawn or stopped. */
gboolean      motcua_status_is_final           (MotcuaStatus status);

/* Stable machine names ("request-supplement") used by the CLI, JSON and the journal. */
const char   *motcua_action_to_string          (MotcuaAction   action);
gboolean      motcua_action_from_string        (const char    *text,
                                                MotcuaAction  *action);
/* Translated, for people. */
const char   *motcua_action_label              (MotcuaAction   action);
const char   *motcua_status_label              (MotcuaStatus   status);
const char   *motcua_step_label                (MotcuaStep     step);
const char   *motcua_step_to_string            (MotcuaStep     step);
const char   *motcua_role_to_string            (MotcuaRole     role);
gboolean      motcua_role_from_string          (const char    *text,
                                                MotcuaRole    *role);
const char   *motcua_role_label                (MotcuaRole     role);
/* The journal's role for the public service portal, which makes online submissions
 * (create-submitted) and is no user of the office, so it has no MotcuaRole. */
#define MOTCUA_PORTAL_ROLE "portal"
gboolean      motcua_actor_is_portal           (const char    *actor_role);
/* What a person reads for it, in place of its account name. */
const char   *motcua_portal_label              (void);
const char   *motcua_channel_to_string         (MotcuaChannel  channel);
gboolean      motcua_channel_from_string       (const char    *text,
                                                MotcuaChannel *channel);
const char   *motcua_channel_label             (MotcuaChannel  channel);
const char   *motcua_timing_to_string          (MotcuaTiming   timing);
const char   *motcua_timing_label              (MotcuaTiming   timing);
/* Early if done before the due date's day, on time on that day up to the due time,
 * late after it. */
MotcuaTiming  motcua_timing_judge              (GDateTime     *done,
                                                GDateTime     *due);

G_END_DECLS
