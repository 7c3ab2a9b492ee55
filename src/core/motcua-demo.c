/* motcua-demo.c: demo data that tells a year of a commune's one-stop office. */

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "motcua-demo.h"
#include "motcua-demo-names.h"
#include "motcua-dossier-private.h"
#include "motcua-error.h"
#include "motcua-store-users.h"
#include "motcua-time.h"

#define DOSSIERS_PER_TRANSACTION 5000

static const struct {
  const char *username;
  const char *full_name;
  MotcuaRole  role;
} demo_staff[] = {
  { "clerk1", "Nguyễn Thị Lan", MOTCUA_ROLE_CLERK },
  { "clerk2", "Lò Văn Thành", MOTCUA_ROLE_CLERK },
  { "specialist1", "Trần Minh Đức", MOTCUA_ROLE_SPECIALIST },
  { "specialist2", "Hoàng Thị Mai", MOTCUA_ROLE_SPECIALIST },
  { "supervisor1", "Lê Thị Thu Hà", MOTCUA_ROLE_SUPERVISOR },
};

gboolean
motcua_demo_setup (MotcuaStore *store, GError **error)
{
  g_autoptr(GPtrArray) catalog = motcua_catalog_load_demo (error);

  if (catalog == NULL || !motcua_store_import_catalog (store, catalog, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (demo_staff); i++)
    {
      g_autoptr(MotcuaUser) existing = motcua_store_get_user (store, demo_staff[i].username, NULL);

      if (existing == NULL
          && !motcua_store_add_user (store, demo_staff[i].username, demo_staff[i].full_name,
                                     demo_staff[i].role, error))
        return FALSE;
    }
  return motcua_store_set_state (store, "current_user", "clerk1", error);
}

/* Every user of the demo profile, the administrator too, gets the demo PIN. */
gboolean
motcua_demo_set_passwords (MotcuaStore *store, GError **error)
{
  g_autoptr(GPtrArray) users = motcua_store_list_users (store, error);

  for (guint i = 0; users != NULL && i < users->len; i++)
    {
      MotcuaUser *user = g_ptr_array_index (users, i);

      if (!motcua_store_set_password (store, user->username, MOTCUA_DEMO_PIN, error))
        return FALSE;
    }
  return users != NULL;
}

/* ---- one dossier's life ------------------------------------------------------- */

typedef struct {
  MotcuaStore     *store;
  MotcuaCalendar  *calendar;
  GRand           *rand;
  GDateTime       *now;
  GPtrArray       *procedures;     /* MotcuaProcedure, weighted by popularity */
  const char      *agency_code;
  const char      *agency_name;

  /* The papers of the last dossiers to arrive: request forms, drafts of results */
  MotcuaDemoScanner scanner;
  gpointer         scanner_data;
  char            *scan_dir;
  gboolean         scan_this;      /* the dossier being written comes with its papers */
  GPtrArray       *scanned;        /* their sha256, in the order they were attached */
  GError          *scan_error;     /* a paper could not be written: the demo stops */

  /* The dossier being written */
  char            *uid;
  GPtrArray       *events;         /* MotcuaEvent */
  GPtrArray       *payloads;       /* JsonObject */
  gboolean         stopped;        /* a planned step lies in the future */
  GDateTime       *last_step;      /* when the life's newest event happened */
} Demo;

static void
life_reset (Demo *demo, GDateTime *arrived)
{
  g_free (demo->uid);
  demo->uid = motcua_uuid_new (arrived);
  g_ptr_array_set_size (demo->events, 0);
  g_ptr_array_set_size (demo->payloads, 0);
  if (demo->scanned != NULL)
    g_ptr_array_set_size (demo->scanned, 0);
  demo->stopped = FALSE;
  g_clear_pointer (&demo->last_step, g_date_time_unref);
}

/* The steps of a life are drawn each on its own, as fractions of the working time
 * allowed: one drawn before the step it follows (an examination before the transfer
 * that brought the dossier) comes a quarter of an hour after it instead, without
 * drawing another random number. */
static GDateTime *
after_last_step (Demo *demo, GDateTime *at)
{
  if (demo->last_step == NULL || g_date_time_compare (at, demo->last_step) > 0)
    return g_date_time_ref (at);
  return motcua_calendar_add_working_minutes (demo->calendar, demo->last_step, 15);
}

/* Adds an event unless it lies after "now": a dossier's story stops at the present. */
static gboolean
life_add (Demo *demo, const char *kind, const char *actor, const char *role, GDateTime *drawn, JsonObject *payload)
{
  g_autoptr(GDateTime) at = after_last_step (demo, drawn);
  MotcuaEvent *event;

  if (demo->stopped || g_date_time_compare (at, demo->now) > 0)
    {
      demo->stopped = TRUE;
      json_object_unref (payload);
      return FALSE;
    }
  event = motcua_event_new ();
  event->op_id = motcua_uuid_new (at);
  event->dossier_uid = g_strdup (demo->uid);
  event->actor = g_strdup (actor);
  event->actor_role = g_strdup (role);
  event->confirmed_at = motcua_time_format (at);
  event->kind = g_strdup (kind);
  g_ptr_array_add (demo->events, event);
  g_ptr_array_add (demo->payloads, payload);
  g_clear_pointer (&demo->last_step, g_date_time_unref);
  demo->last_step = g_steal_pointer (&at);
  return TRUE;
}

static gboolean
chance (Demo *demo, double probability)
{
  return g_rand_double (demo->rand) < probability;
}

static const char *
pick_clerk (Demo *demo)
{
  return chance (demo, 0.6) ? "clerk1" : "clerk2";
}

static const char *
pick_specialist (Demo *demo)
{
  return chance (demo, 0.5) ? "specialist1" : "specialist2";
}

static void
set_time (JsonObject *payload, const char *member, GDateTime *time)
{
  g_autofree char *text = motcua_time_format (time);
  json_object_set_string_member (payload, member, text);
}

/* A moment @fraction of the way through the working time from @start to @due. */
static GDateTime *
working_fraction (Demo *demo, GDateTime *start, GDateTime *due, double fraction)
{
  gint64 span = motcua_calendar_working_minutes_between (demo->calendar, start, due);

  span = MAX (span, 30);
  return motcua_calendar_add_working_minutes (demo->calendar, start, (gint64) (span * fraction) + 1);
}

static GDateTime *
after_working_minutes (Demo *demo, GDateTime *from, int min, int max)
{
  return motcua_calendar_add_working_minutes (demo->calendar, from, g_rand_int_range (demo->rand, min, max + 1));
}

static JsonObject *
reason_payload (const char *reason)
{
  JsonObject *payload = json_object_new ();
  json_object_set_string_member (payload, "reason", reason);
  return payload;
}

static const char * const refusal_reasons[] = {
  "Hồ sơ không thuộc thẩm quyền giải quyết của UBND xã.",
  "Người yêu cầu không có quyền, lợi ích liên quan đến việc đăng ký.",
  "Giấy tờ xuất trình có dấu hiệu giả mạo.",
};

static const char * const supplement_reasons[] = {
  "Thiếu giấy tờ theo quy định của thủ tục.",
  "Bản sao không có chứng thực, đề nghị bổ sung bản sao có chứng thực.",
  "Tờ khai chưa ghi đầy đủ thông tin, đề nghị khai bổ sung.",
};

#define PICK(demo, array) (array[g_rand_int_range ((demo)->rand, 0, G_N_ELEMENTS (array))])

/* ---- the counter ------------------------------------------------------------------ */

/* A paper of the dossier, written by the scanner under the name a clerk sees in the
 * attachments list and stored like any file a clerk attaches. */
static GPtrArray *
scan_paper (Demo *demo, const MotcuaDemoForm *form, GError **error)
{
  const char *name = form->paper == MOTCUA_DEMO_DRAFT_RESULT ? "Dự thảo kết quả.pdf" : "Đơn đề nghị.pdf";
  g_autofree char *path = g_build_filename (demo->scan_dir, name, NULL);
  g_autoptr(GPtrArray) refs = g_ptr_array_new_with_free_func ((GDestroyNotify) motcua_attachment_ref_free);
  MotcuaAttachmentRef *ref = NULL;
  gboolean stored = demo->scanner (form, path, demo->scanner_data, error)
                    && (ref = motcua_store_add_blob (demo->store, path, error)) != NULL;

  /* The store keeps its own copy; the private directory must end empty either way. */
  g_unlink (path);
  if (!stored)
    return NULL;
  g_ptr_array_add (demo->scanned, g_strdup (ref->sha256));
  g_ptr_array_add (refs, ref);
  return g_steal_pointer (&refs);
}

/* The applicant's signed request form, scanned at the counter or uploaded with an
 * online submission. */
static GPtrArray *
scan_request_form (Demo *demo, MotcuaProcedure *procedure, const MotcuaDemoPerson *person,
                   GDateTime *signed_at, GError **error)
{
  MotcuaDemoForm form = { MOTCUA_DEMO_REQUEST_FORM, demo->agency_name, procedure->name, person, signed_at, NULL };

  return scan_paper (demo, &form, error);
}

/* The specialist attaches the draft of the result before recording the draft, so the
 * leader sees it, and an approval names it as the result (motcua_approval_find_result()). */
static gboolean
attach_draft (Demo *demo, const char *specialist, GDateTime *at)
{
  JsonObject *created = g_ptr_array_index (demo->payloads, 0);
  JsonObject *applicant = json_object_get_object_member (created, "applicant");
  JsonObject *procedure = json_object_get_object_member (created, "procedure");
  MotcuaDemoPerson person = {
    .full_name = (char *) json_object_get_string_member (applicant, "name"),
    .id_number = (char *) json_object_get_string_member_with_default (applicant, "id_number", ""),
    .address = (char *) json_object_get_string_member_with_default (applicant, "address", ""),
  };
  g_autoptr(MotcuaUser) drafter = motcua_store_get_user (demo->store, specialist, NULL);
  MotcuaDemoForm form = { MOTCUA_DEMO_DRAFT_RESULT, demo->agency_name,
                          json_object_get_string_member (procedure, "name"), &person, at,
                          drafter != NULL ? drafter->full_name : specialist };
  g_autoptr(GPtrArray) refs = NULL;
  JsonObject *payload;

  g_date_clear (&person.birth_date, 1);
  if ((refs = scan_paper (demo, &form, &demo->scan_error)) == NULL)
    {
      demo->stopped = TRUE;
      return FALSE;
    }
  payload = json_object_new ();
  json_object_set_array_member (payload, "attachments", motcua_store_attachments_json (refs));
  return life_add (demo, "attach", specialist, "specialist", at, payload);
}

/* What the approval covers: every attachment's hash, as motcua_approval_new() lists
 * them (none for a dossier without papers). */
static JsonArray *
scanned_hashes (Demo *demo)
{
  JsonArray *hashes = json_array_new ();

  for (guint i = 0; demo->scanned != NULL && i < demo->scanned->len; i++)
    json_array_add_string_element (hashes, g_ptr_array_index (demo->scanned, i));
  return hashes;
}

static JsonObject *
applicant_payload (Demo *demo, MotcuaProcedure *procedure, MotcuaChannel channel, gboolean complete,
                   GPtrArray *missing, GDateTime *arrived, GError **error)
{
  MotcuaDemoPerson person;
  MotcuaReceiveRequest request = { 0 };
  g_autofree gboolean *provided = g_new0 (gboolean, procedure->documents->len + 1);
  g_autoptr(GPtrArray) scans = NULL;
  JsonObject *payload;
  guint dropped = complete ? G_MAXUINT : (guint) g_rand_int_range (demo->rand, 0, MAX (procedure->documents->len, 1));

  motcua_demo_person_generate (demo->rand, &person);
  for (guint i = 0; i < procedure->documents->len; i++)
    {
      MotcuaProcedureDocument *doc = g_ptr_array_index (procedure->documents, i);

      /* Conditional documents are handed in only sometimes. */
      provided[i] = i != dropped && (doc->required || chance (demo, 0.3));
      if (i == dropped && missing != NULL)
        g_ptr_array_add (missing, doc->name);
    }
  request.applicant_name = person.full_name;
  request.applicant_id_number = person.id_number;
  request.applicant_phone = person.phone;
  request.applicant_address = person.address;
  request.applicant_email = person.email;
  request.channel = channel;
  request.sets = 1;
  if (demo->scan_this && (scans = scan_request_form (demo, procedure, &person, arrived, error)) == NULL)
    {
      motcua_demo_person_clear (&person);
      return NULL;
    }
  payload = motcua_store_creation_payload (&request, procedure, provided, scans, demo->agency_code);
  motcua_demo_person_clear (&person);
  return payload;
}

static gboolean
add_code (Demo *demo, JsonObject *payload, GDateTime *day, GError **error)
{
  g_autofree char *code = motcua_store_allocate_code (demo->store, demo->agency_code, day, error);

  if (code == NULL)
    return FALSE;
  json_object_set_string_member (payload, "code", code);
  return TRUE;
}

static MotcuaTimeUnit
procedure_unit (MotcuaProcedure *procedure)
{
  return procedure->time_unit;
}

/* Pauses the clock from @ask until the applicant comes back; moves *@due by the pause.
 * FALSE when the story ends there (in the future, or the applicant never returns). */
static gboolean
pause_for_applicant (Demo *demo, GDateTime *received, GDateTime **due, const char *ask,
                     const char *answer, JsonObject *ask_payload)
{
  g_autoptr(GDateTime) asked = working_fraction (demo, received, *due, 0.2);
  g_autoptr(GDateTime) back = after_working_minutes (demo, asked, 480, 480 * 6);
  gint64 paused = motcua_calendar_working_minutes_between (demo->calendar, asked, back);
  g_autoptr(GDateTime) moved = motcua_calendar_add_working_minutes (demo->calendar, *due, paused);
  JsonObject *payload;

  if (!life_add (demo, ask, pick_specialist (demo), "specialist", asked, ask_payload))
    return FALSE;
  if (chance (demo, 0.1))
    return FALSE;   /* the applicant never came back */
  payload = json_object_new ();
  set_time (payload, "due_at", moved);
  json_object_set_int_member (payload, "paused_working_minutes", paused);
  if (!life_add (demo, answer, pick_clerk (demo), "clerk", back, payload))
    return FALSE;
  g_date_time_unref (*due);
  *due = g_date_time_ref (moved);
  return TRUE;
}

/* The processing part of a life, from reception to the return of the result; it stops
 * at the first step that would lie in the future. */
static void
process (Demo *demo, GDateTime *received, GDateTime *due_at)
{
  g_autoptr(GDateTime) due = g_date_time_ref (due_at);
  g_autoptr(GDateTime) t = NULL;
  g_autoptr(GDateTime) finished = NULL;
  const char *specialist = pick_specialist (demo);
  gboolean late = chance (demo, 0.06);
  double finish = late ? 1.0 + g_rand_double_range (demo->rand, 0.05, 0.8)
                       : g_rand_double_range (demo->rand, 0.25, 0.97);
  JsonObject *payload;

  /* Handed on within a day and a half, and within the first sixth of the time allowed:
   * a same-day procedure cannot wait until tomorrow to start. */
  t = after_working_minutes (demo, received, 10, 720);
  {
    g_autoptr(GDateTime) latest = working_fraction (demo, received, due, MIN (finish, 1.0) / 6);

    if (g_date_time_compare (t, latest) > 0)
      {
        g_date_time_unref (t);
        t = g_steal_pointer (&latest);
      }
  }
  payload = json_object_new ();
  json_object_set_string_member (payload, "to", "Công chức Tư pháp - Hộ tịch");
  if (!life_add (demo, "transfer", pick_clerk (demo), "clerk", t, payload))
    return;

  /* A few dossiers wait for the applicant mid-way (a missing paper, a fee); the due
   * date moves by the pause. */
  if (chance (demo, 0.04))
    {
      JsonArray *missing = json_array_new ();

      payload = reason_payload (PICK (demo, supplement_reasons));
      json_array_add_string_element (missing, "Bản sao có chứng thực giấy tờ tùy thân");
      json_object_set_array_member (payload, "missing", missing);
      if (!pause_for_applicant (demo, received, &due, "request-supplement", "supplement-received", payload))
        return;
    }
  else if (chance (demo, 0.02))
    {
      payload = reason_payload ("Đề nghị nộp lệ phí theo quy định.");
      if (!pause_for_applicant (demo, received, &due, "request-payment", "payment-received", payload))
        return;
    }

  if (chance (demo, 0.015))
    {
      g_autoptr(GDateTime) when = working_fraction (demo, received, due, 0.5);
      life_add (demo, "withdraw", pick_clerk (demo), "clerk", when,
                reason_payload ("Công dân có đơn xin rút hồ sơ."));
      return;
    }

  t = working_fraction (demo, received, due, MIN (finish, 1.5) * 0.3);
  if (!life_add (demo, "examine", specialist, "specialist", t, json_object_new ()))
    return;

  /* Before going late, the honest office apologises and sets a new date. */
  if (late && chance (demo, 0.4))
    {
      g_autoptr(GDateTime) when = working_fraction (demo, received, due, 0.9);
      g_autoptr(GDateTime) new_due = working_fraction (demo, received, due, finish + 0.3);

      payload = reason_payload ("Cần xác minh thêm thông tin với cơ quan liên quan.");
      set_time (payload, "previous_due", due);
      set_time (payload, "new_due", new_due);
      if (!life_add (demo, "apologize", "supervisor1", "supervisor", when, payload))
        return;
    }

  if (chance (demo, 0.004))
    {
      g_autoptr(GDateTime) when = working_fraction (demo, received, due, 0.6);
      life_add (demo, "stop", "supervisor1", "supervisor", when,
                reason_payload ("Dừng xử lý theo yêu cầu của cơ quan có thẩm quyền."));
      return;
    }

  g_clear_pointer (&t, g_date_time_unref);
  t = working_fraction (demo, received, due, finish * 0.6);
  if (demo->scan_this && g_date_time_compare (t, demo->now) <= 0 && !attach_draft (demo, specialist, t))
    return;
  payload = json_object_new ();
  json_object_set_string_member (payload, "draft_type", "result");
  if (!life_add (demo, "draft", specialist, "specialist", t, payload))
    return;
  g_clear_pointer (&t, g_date_time_unref);
  t = working_fraction (demo, received, due, finish * 0.7);
  if (!life_add (demo, "submit", specialist, "specialist", t, json_object_new ()))
    return;
  g_clear_pointer (&t, g_date_time_unref);
  t = working_fraction (demo, received, due, finish * 0.85);
  payload = json_object_new ();
  {
    JsonObject *approval = json_object_new ();
    JsonObject *created = g_ptr_array_index (demo->payloads, 0);

    json_object_set_string_member (approval, "dossier_code", json_object_get_string_member (created, "code"));
    json_object_set_string_member (approval, "decision", "approve");
    set_time (approval, "time", t);
    json_object_set_array_member (approval, "attachments_sha256", scanned_hashes (demo));
    json_object_set_object_member (payload, "approval", approval);
  }
  if (!life_add (demo, "approve", "supervisor1", "supervisor", t, payload))
    return;

  finished = working_fraction (demo, received, due, finish);
  if (!life_add (demo, "result-ready", specialist, "specialist", finished, json_object_new ()))
    return;

  g_clear_pointer (&t, g_date_time_unref);
  t = after_working_minutes (demo, finished, 10, 480 * 3);
  payload = json_object_new ();
  if (chance (demo, 0.12))
    {
      json_object_set_string_member (payload, "method", "post");
      json_object_set_string_member (payload, "tracking", "EB123456789VN");
    }
  else
    {
      JsonObject *created = g_ptr_array_index (demo->payloads, 0);
      JsonObject *person = json_object_get_object_member (created, "applicant");

      json_object_set_string_member (payload, "method", "counter");
      json_object_set_string_member (payload, "recipient_name", json_object_get_string_member (person, "name"));
      if (json_object_has_member (person, "id_number"))
        json_object_set_string_member (payload, "recipient_id_number",
                                       json_object_get_string_member (person, "id_number"));
    }
  if (!life_add (demo, "return", pick_clerk (demo), "clerk", t, payload))
    return;

  if (chance (demo, 0.6))
    {
      static const char * const ratings[] = { "satisfied", "satisfied", "satisfied", "acceptable", "unsatisfied" };
      payload = json_object_new ();
      json_object_set_string_member (payload, "rating", PICK (demo, ratings));
      life_add (demo, "satisfaction", pick_clerk (demo), "clerk", t, payload);
    }
}

static void
set_reception (JsonObject *payload, GDateTime *received, GDateTime *due)
{
  set_time (payload, "received_at", received);
  set_time (payload, "due_at", due);
}

/* Writes one dossier's whole life; @arrived is when the applicant came or submitted. */
static gboolean
live_one (Demo *demo, GDateTime *arrived, GError **error)
{
  MotcuaProcedure *procedure = g_ptr_array_index (demo->procedures,
                                                  g_rand_int_range (demo->rand, 0, demo->procedures->len));
  double roll = g_rand_double (demo->rand);
  MotcuaChannel channel = roll < 0.66 ? MOTCUA_CHANNEL_ONLINE : roll < 0.96 ? MOTCUA_CHANNEL_IN_PERSON : MOTCUA_CHANNEL_POST;
  g_autoptr(GDateTime) due = NULL;
  g_autoptr(MotcuaDossier) dossier = NULL;
  g_autoptr(GPtrArray) missing = g_ptr_array_new ();
  gboolean counter_problem = channel != MOTCUA_CHANNEL_ONLINE && chance (demo, 0.05);
  g_autoptr(GDateTime) received = motcua_calendar_clock_start (demo->calendar, arrived);
  JsonObject *payload;

  life_reset (demo, arrived);
  if (g_date_time_compare (received, demo->now) > 0)
    {
      /* Came after closing today: the clerk is still at the counter. */
      g_date_time_unref (received);
      received = g_date_time_ref (demo->now);
    }
  payload = applicant_payload (demo, procedure, channel, !counter_problem, missing, arrived, error);
  if (payload == NULL)
    return FALSE;

  if (channel == MOTCUA_CHANNEL_ONLINE)
    {
      /* Submitted on the portal at any hour; a clerk receives it within a working day. */
      JsonObject *reception = json_object_new ();

      g_clear_pointer (&received, g_date_time_unref);
      received = after_working_minutes (demo, arrived, 5, 480);
      set_time (payload, "submitted_at", arrived);
      if (!add_code (demo, payload, arrived, error))
        {
          json_object_unref (payload);
          return FALSE;
        }
      life_add (demo, "create-submitted", "dvc-portal", MOTCUA_PORTAL_ROLE, arrived, payload);
      due = motcua_calendar_due (demo->calendar, received, procedure->time_amount, procedure_unit (procedure));
      set_reception (reception, received, due);
      if (life_add (demo, "receive", pick_clerk (demo), "clerk", received, reception))
        process (demo, received, due);
    }
  else if (counter_problem && missing->len > 0 && chance (demo, 0.5))
    {
      JsonArray *list = json_array_new ();

      for (guint i = 0; i < missing->len; i++)
        json_array_add_string_element (list, g_ptr_array_index (missing, i));
      json_object_set_array_member (payload, "missing", list);
      json_object_set_string_member (payload, "reason", PICK (demo, supplement_reasons));
      if (!add_code (demo, payload, received, error))
        {
          json_object_unref (payload);
          return FALSE;
        }
      life_add (demo, "create-supplement", pick_clerk (demo), "clerk", received, payload);
      if (chance (demo, 0.7))
        {
          g_autoptr(GDateTime) back = after_working_minutes (demo, received, 240, 480 * 5);
          JsonObject *reception = json_object_new ();

          due = motcua_calendar_due (demo->calendar, back, procedure->time_amount, procedure_unit (procedure));
          set_reception (reception, back, due);
          if (life_add (demo, "supplement-received", pick_clerk (demo), "clerk", back, reception))
            process (demo, back, due);
        }
    }
  else if (counter_problem)
    {
      json_object_set_string_member (payload, "reason", PICK (demo, refusal_reasons));
      if (!add_code (demo, payload, received, error))
        {
          json_object_unref (payload);
          return FALSE;
        }
      life_add (demo, "create-refused", pick_clerk (demo), "clerk", received, payload);
    }
  else
    {
      due = motcua_calendar_due (demo->calendar, received, procedure->time_amount, procedure_unit (procedure));
      set_reception (payload, received, due);
      if (!add_code (demo, payload, received, error))
        {
          json_object_unref (payload);
          return FALSE;
        }
      if (life_add (demo, "create-received", pick_clerk (demo), "clerk", received, payload))
        process (demo, received, due);
    }

  if (demo->scan_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&demo->scan_error));
      return FALSE;
    }
  if (demo->events->len == 0)
    return TRUE;
  dossier = motcua_store_append_new_dossier (demo->store, demo->events, demo->payloads, error);
  return dossier != NULL;
}

/* ---- the year -------------------------------------------------------------------- */

static gint
compare_times (gconstpointer a, gconstpointer b)
{
  return g_date_time_compare (*(GDateTime * const *) a, *(GDateTime * const *) b);
}

/* When applicants came over the past year, sorted so that codes run in order. Counter
 * visits fall in working hours; one dossier in twelve is from the last two weeks, so a
 * demo queue has open work in every status. */
static GPtrArray *
arrival_times (Demo *demo, guint n)
{
  GPtrArray *times = g_ptr_array_new_full (n, (GDestroyNotify) g_date_time_unref);

  for (guint i = 0; i < n; i++)
    {
      int days = chance (demo, 1.0 / 12) ? 14 : 365;
      gint64 minutes = g_rand_int_range (demo->rand, 30, days * 24 * 60);
      GDateTime *at = g_date_time_add_minutes (demo->now, -minutes);

      g_ptr_array_add (times, at);
    }
  g_ptr_array_sort (times, compare_times);
  return times;
}

/* Popular procedures appear several times, so that certified copies dominate as they do
 * at a real commune counter. */
static GPtrArray *
weighted_procedures (MotcuaStore *store, GError **error)
{
  g_autoptr(GPtrArray) all = motcua_store_list_procedures (store, NULL, error);
  GPtrArray *weighted;

  if (all == NULL)
    return NULL;
  if (all->len == 0)
    {
      g_set_error_literal (error, MOTCUA_ERROR, MOTCUA_ERROR_NOT_FOUND,
                           _("The procedure catalog is empty: run “motcua init --demo” or import a catalog first."));
      return NULL;
    }
  weighted = g_ptr_array_new_with_free_func ((GDestroyNotify) motcua_procedure_free);
  while (all->len > 0)
    {
      MotcuaProcedure *procedure = g_ptr_array_steal_index_fast (all, 0);
      guint weight = g_str_has_prefix (procedure->field ? procedure->field : "", "Chứng thực") ? 8
                     : g_str_has_prefix (procedure->field ? procedure->field : "", "Hộ tịch") ? 4 : 1;

      for (guint i = 1; i < weight; i++)
        g_ptr_array_add (weighted, procedure);
      g_ptr_array_add (weighted, procedure);
    }
  /* Entries repeat; only the last copy of each may own it. */
  g_ptr_array_set_free_func (weighted, NULL);
  return weighted;
}

static void
free_weighted (GPtrArray *weighted)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < weighted->len; i++)
    if (g_hash_table_add (seen, g_ptr_array_index (weighted, i)))
      motcua_procedure_free (g_ptr_array_index (weighted, i));
  g_ptr_array_unref (weighted);
}

/* A bulk load frees and regrows large buffers (FTS5 keeps pending terms in a hash
 * that is flushed each transaction); without these glibc hands the memory back to
 * the kernel every time, which tripled the load time. A larger page cache keeps the
 * random-UUID indexes out of the disk. Each statement that fires triggers inside the
 * long transaction keeps a statement journal: in a file under /var/tmp that was 270
 * bytes written per byte of data (530 MB for 2,000 dossiers), in memory it is not. */
static void
prepare_bulk_load (MotcuaStore *store)
{
#ifdef __GLIBC__
  mallopt (M_TRIM_THRESHOLD, 256 * 1024 * 1024);
  mallopt (M_TOP_PAD, 64 * 1024 * 1024);
#endif
  sqlite3_exec (motcua_store_get_db (store), "PRAGMA cache_size = -131072; PRAGMA temp_store = MEMORY", NULL, NULL, NULL);
  motcua_store_set_bulk_load (store, TRUE);
}

static gboolean
generate_all (Demo *demo, GPtrArray *times, guint n_scanned, GError **error)
{
  for (guint i = 0; i < times->len; i++)
    {
      demo->scan_this = demo->scanner != NULL && i + n_scanned >= times->len;
      if (i % DOSSIERS_PER_TRANSACTION == 0)
        {
          if (i > 0 && !motcua_store_commit (demo->store, error))
            return FALSE;
          if (!motcua_store_begin (demo->store, error))
            return FALSE;
        }
      if (!live_one (demo, g_ptr_array_index (times, i), error))
        {
          motcua_store_rollback (demo->store);
          return FALSE;
        }
    }
  return times->len == 0 || motcua_store_commit (demo->store, error);
}

gboolean
motcua_demo_generate (MotcuaStore *store, guint n_dossiers, guint32 seed, GError **error)
{
  return motcua_demo_generate_scanned (store, n_dossiers, seed, 0, NULL, NULL, error);
}

/* The scanner writes each form to one path in a private directory; the store copies
 * it into its blobs before the next is written. */
static gboolean
prepare_scans (Demo *demo, guint n_scanned, MotcuaDemoScanner scanner, gpointer user_data, GError **error)
{
  g_autoptr(GError) local_error = NULL;

  if (n_scanned == 0 || scanner == NULL)
    return TRUE;
  demo->scan_dir = g_dir_make_tmp ("motcua-demo-XXXXXX", &local_error);
  if (demo->scan_dir == NULL)
    {
      g_set_error (error, MOTCUA_ERROR, MOTCUA_ERROR_IO,
                   _("The demo's scanned forms could not be written: %s"), local_error->message);
      return FALSE;
    }
  demo->scanned = g_ptr_array_new_with_free_func (g_free);
  demo->scanner = scanner;
  demo->scanner_data = user_data;
  return TRUE;
}

static void
finish_scans (Demo *demo)
{
  if (demo->scan_dir == NULL)
    return;
  g_rmdir (demo->scan_dir);
  g_free (demo->scan_dir);
  g_clear_pointer (&demo->scanned, g_ptr_array_unref);
  g_clear_error (&demo->scan_error);
}

gboolean
motcua_demo_generate_scanned (MotcuaStore       *store,
                              guint              n_dossiers,
                              guint32            seed,
                              guint              n_scanned,
                              MotcuaDemoScanner  scanner,
                              gpointer           user_data,
                              GError           **error)
{
  g_autoptr(MotcuaAgency) agency = motcua_store_get_agency (store, error);
  g_autoptr(GPtrArray) times = NULL;
  Demo demo = { 0 };
  gboolean ok;

  if (agency == NULL)
    return FALSE;
  {
    g_autoptr(MotcuaUser) clerk = motcua_store_get_user (store, "clerk1", NULL);
    if (clerk == NULL && !motcua_demo_setup (store, error))
      return FALSE;
  }

  demo.store = store;
  demo.calendar = motcua_store_get_calendar (store);
  demo.rand = g_rand_new_with_seed (seed);
  demo.now = motcua_time_now (NULL);
  demo.agency_code = agency->code;
  demo.agency_name = agency->name;
  demo.events = g_ptr_array_new_with_free_func ((GDestroyNotify) motcua_event_free);
  demo.payloads = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  demo.procedures = weighted_procedures (store, error);

  ok = demo.procedures != NULL && prepare_scans (&demo, n_scanned, scanner, user_data, error);
  if (ok)
    {
      times = arrival_times (&demo, n_dossiers);
      prepare_bulk_load (store);
      ok = generate_all (&demo, times, n_scanned, error);
    }
  finish_scans (&demo);

  motcua_store_set_bulk_load (store, FALSE);
  if (demo.procedures != NULL)
    free_weighted (demo.procedures);
  g_ptr_array_unref (demo.events);
  g_ptr_array_unref (demo.payloads);
  g_date_time_unref (demo.now);
  g_rand_free (demo.rand);
  g_free (demo.uid);
  g_clear_pointer (&demo.last_step, g_date_time_unref);
  return ok;
}
