/* motcua-slip-template.h: the standard slips (forms 01–06) as data.
 *
 * A form set is a directory: set.json (its id, name, forms and the Vietnamese labels of
 * the codes the forms print) and one JSON file per form describing its blocks top to
 * bottom (docs/slips.md). The sets shipped with Motcua are built in; a province puts a
 * directory of the same layout under the override directory to change wording or
 * layout, or to add a newer circular's set, without recompiling. Everything is checked
 * when the set is loaded, so a bad template is reported with its file and problem
 * before anything is printed.
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Circular 01/2018/TT-VPCP, the forms of Decree 61/2018. */
#define MOTCUA_SLIP_SET_DEFAULT "tt01-2018"

#define MOTCUA_TYPE_SLIP_SET (motcua_slip_set_get_type ())
G_DECLARE_FINAL_TYPE (MotcuaSlipSet, motcua_slip_set, MOTCUA, SLIP_SET, GObject)

/* $XDG_CONFIG_HOME/motcua/slips: where a province's own sets live. */
char          *motcua_slip_set_default_dir    (void);
/* Loads set @id: each file from @override_dir/@id/ when it is there (@override_dir may be
 * NULL), else the built-in one. A malformed file gives MOTCUA_ERROR_INVALID_INPUT naming
 * the file and the problem. */
MotcuaSlipSet *motcua_slip_set_load           (const char     *id,
                                               const char     *override_dir,
                                               GError        **error);
/* The set a workstation prints with: @id, else the state key "slips.set", else the
 * default; overridden from @override_dir, else the state key "slips.dir", else
 * motcua_slip_set_default_dir(). */
MotcuaSlipSet *motcua_slip_set_load_for_store (struct _MotcuaStore *store,
                                               const char     *id,
                                               const char     *override_dir,
                                               GError        **error);
const char    *motcua_slip_set_get_id         (MotcuaSlipSet  *self);
const char    *motcua_slip_set_get_name       (MotcuaSlipSet  *self);
/* The ids of the set's forms ("01", …), in order; borrowed. */
const char * const *motcua_slip_set_get_forms (MotcuaSlipSet  *self);
/* The validated form description, or NULL when the set has no such form. */
JsonObject    *motcua_slip_set_get_form       (MotcuaSlipSet  *self,
                                               const char     *form);
/* The form's title, for menus ("Giấy tiếp nhận hồ sơ…"). */
const char    *motcua_slip_set_get_form_name  (MotcuaSlipSet  *self,
                                               const char     *form);
/* "dossier" or "register". */
const char    *motcua_slip_set_get_form_scope (MotcuaSlipSet  *self,
                                               const char     *form);
/* The set's register form ("06"), or NULL when it has none. */
const char    *motcua_slip_set_get_register_form (MotcuaSlipSet *self);
/* The set's wording for a code: group "document_kind", key "certified_copy" → "Bản
 * sao chứng thực". NULL when the set has none. */
const char    *motcua_slip_set_get_label      (MotcuaSlipSet  *self,
                                               const char     *group,
                                               const char     *key);

/* Looks a field up; returns NULL for a field that does not exist, "" for an empty one. */
typedef const char *(*MotcuaSlipLookup) (const char *name,
                                         gpointer    user_data);

/* Replaces each {name} of @markup by the Pango-markup-escaped value of the field; an
 * empty value becomes a dotted line to write on, except for {name?}, which stays empty.
 * {{ and }} are literal braces. An unknown field or an unclosed brace is an error. */
char          *motcua_slip_expand             (const char     *markup,
                                               MotcuaSlipLookup lookup,
                                               gpointer        user_data,
                                               GError        **error);

G_END_DECLS
