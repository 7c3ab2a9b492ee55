/* motcua-demo.h: a demo agency and realistic invented dossiers.
 *
 * Demo data goes through the same journal and fold as real work, so everything a
 * clerk sees in a demo is something the real workflow could have produced.
 */
#pragma once

#include "motcua-demo-names.h"
#include "motcua-store.h"

G_BEGIN_DECLS

/* The demo catalog, demo staff (clerk1, clerk2, specialist1, supervisor1) and clerk1 as
 * the signed-in user. The agency must already be set. */
gboolean motcua_demo_setup    (MotcuaStore *store,
                               GError     **error);
/* The documented demo PIN (README, "Run"): with motcua_demo_set_passwords() every user
 * of a demo profile signs in with it. */
#define MOTCUA_DEMO_PIN "123456"
gboolean motcua_demo_set_passwords (MotcuaStore *store,
                                    GError     **error);
/* @n_dossiers dossiers received over the year before now, in every status, with a
 * realistic mix of channels, procedures, supplements, apologies and late ones. */
gboolean motcua_demo_generate (MotcuaStore *store,
                               guint        n_dossiers,
                               guint32      seed,
                               GError     **error);

typedef enum {
  MOTCUA_DEMO_REQUEST_FORM,   /* the applicant's signed request, with a copy of their ID card */
  MOTCUA_DEMO_DRAFT_RESULT,   /* the specialist's draft of the result, for the leader's approval */
} MotcuaDemoPaper;

/* A paper of a demo dossier: the request form an applicant hands in or uploads, or
 * the result a specialist drafts. A draft knows the applicant's name, ID number and
 * address only, as the dossier does. */
typedef struct {
  MotcuaDemoPaper         paper;
  const char             *agency_name;
  const char             *procedure_name;
  const MotcuaDemoPerson *applicant;
  GDateTime              *signed_at;      /* when it was signed or drafted */
  const char             *drafter;        /* a draft: the specialist's full name */
} MotcuaDemoForm;

/* Writes @form, scanned, as a document at @path (the demo names it). */
typedef gboolean (*MotcuaDemoScanner) (const MotcuaDemoForm *form,
                                       const char           *path,
                                       gpointer              user_data,
                                       GError              **error);

/* The same, and the last @n_scanned dossiers to arrive carry their request form as an
 * attachment, and once drafted the draft of their result, written by @scanner: core
 * has no means of drawing a page. The dossiers themselves are the same as without
 * scans (same seed, same office). */
gboolean motcua_demo_generate_scanned (MotcuaStore       *store,
                                       guint              n_dossiers,
                                       guint32            seed,
                                       guint              n_scanned,
                                       MotcuaDemoScanner  scanner,
                                       gpointer           user_data,
                                       GError           **error);

G_END_DECLS
