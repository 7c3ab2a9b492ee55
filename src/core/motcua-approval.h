/* motcua-approval.h: the signed approval of a dossier's result.
 *
 * The approval is a small JSON object inside the `approve` event's payload (so the
 * journal's hash covers it); the CMS detached signature over its compact text goes in
 * the event's `signature`. See docs/signatures.md for the payload and the policy.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "motcua-dossier.h"
#include "motcua-event.h"
#include "motcua-signer.h"
#include "motcua-store.h"
#include "motcua-trust.h"

G_BEGIN_DECLS

typedef enum {
  MOTCUA_VERDICT_VALID,
  MOTCUA_VERDICT_UNSIGNED,        /* no signature and the approval claims none */
  MOTCUA_VERDICT_NOT_CHECKED,     /* the signature matches, but there are no trust anchors */
  MOTCUA_VERDICT_MALFORMED,       /* not a CMS signature with a certificate and a signing time */
  MOTCUA_VERDICT_BAD_SIGNATURE,   /* does not match the approval, or was removed */
  MOTCUA_VERDICT_UNTRUSTED,       /* the certificate does not chain to a trust anchor */
  MOTCUA_VERDICT_EXPIRED,         /* the certificate was not valid at the signing time */
  MOTCUA_VERDICT_WRONG_USAGE,     /* the certificate is not for signing */
  MOTCUA_VERDICT_WRONG_DOSSIER,   /* the approval is about another dossier or place */
  MOTCUA_VERDICT_WRONG_SIGNER,    /* not made with the certificate the approval names */
} MotcuaVerdictStatus;

typedef struct {
  MotcuaVerdictStatus  status;
  char                *signer;          /* the certificate's CN */
  char                *signer_subject;
  char                *issuer;
  char                *signing_time;    /* ISO 8601, in the local time zone */
  char                *message;         /* translated: the verdict and, if not valid, why */
} MotcuaVerdict;

void           motcua_verdict_free          (MotcuaVerdict *verdict);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MotcuaVerdict, motcua_verdict_free)
/* "valid", "unsigned", "bad-signature", … for --json and the server's log. */
const char    *motcua_verdict_status_to_string (MotcuaVerdictStatus status);
gboolean       motcua_verdict_is_valid      (const MotcuaVerdict *verdict);

/* The drafted result an approval signs, from @dossier's journal (@events, oldest
 * first): the newest attachment a specialist added, as specialists draft. NULL when no
 * specialist attached one: the counter's scans and supplements are the citizen's
 * papers, never the result. */
char          *motcua_approval_find_result  (GPtrArray     *events);
/* The approval of @dossier's current draft at @time: dossier code and uid, decision,
 * time, the previous event's hash, the SHA-256 of the result document
 * (@result_sha256, from motcua_approval_find_result(); NULL when there is none) and of
 * every attachment, and @signer's certificate when signing. */
JsonObject    *motcua_approval_new          (MotcuaDossier *dossier,
                                             GDateTime     *time,
                                             const char    *result_sha256,
                                             MotcuaSigner  *signer);
/* The exact bytes a signature covers. */
char          *motcua_approval_to_text      (JsonObject    *approval);

/* The signature's own checks: CMS structure, the signed text, the certificate's
 * validity at the signing time and key usage, the chain to @trust's anchors. */
MotcuaVerdict *motcua_approval_verify_signature (MotcuaTrust *trust,
                                                 JsonObject  *approval,
                                                 GBytes      *signature);
/* All of the above for an `approve` event, and that its approval is about this event's
 * dossier (@dossier_code, its uid) at this place in its chain (prev_hash). */
MotcuaVerdict *motcua_approval_verify_event (MotcuaTrust       *trust,
                                             const MotcuaEvent *event,
                                             const char        *dossier_code);

/* The store's policy for an approval being written (payload already built): with
 * @signer, signs it and checks the signature against the store's trust anchors
 * (there must be some); without, allowed only while the store has no trust anchors.
 * *@signature is NULL for an unsigned approval. */
gboolean       motcua_approval_seal         (MotcuaStore   *store,
                                             MotcuaSigner  *signer,
                                             JsonObject    *payload,
                                             GBytes       **signature,
                                             GError       **error);

/* The store's trust anchors (state key MOTCUA_TRUST_STATE_KEY); possibly none. */
MotcuaTrust   *motcua_approval_load_trust   (MotcuaStore   *store,
                                             GError       **error);
/* Adds the PEM certificates of @path to the store's anchors; @n_added may be NULL. */
gboolean       motcua_approval_add_trust_file (MotcuaStore *store,
                                             const char    *path,
                                             guint         *n_added,
                                             GError       **error);

G_END_DECLS
