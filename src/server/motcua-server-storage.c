/* motcua-server-storage.c: the storage interface and its small record types. */

#include "motcua-server-storage.h"

G_DEFINE_QUARK (motcua-server-storage-error-quark, motcua_server_storage_error)

G_DEFINE_INTERFACE (MotcuaServerStorage, motcua_server_storage, G_TYPE_OBJECT)

static void
motcua_server_storage_default_init (MotcuaServerStorageInterface *iface)
{
}

/* ---- records --------------------------------------------------------------- */

MotcuaServerAgency *
motcua_server_agency_copy (const MotcuaServerAgency *agency)
{
  MotcuaServerAgency *copy = g_new0 (MotcuaServerAgency, 1);

  copy->code = g_strdup (agency->code);
  copy->name = g_strdup (agency->name);
  copy->address = g_strdup (agency->address);
  return copy;
}

void
motcua_server_agency_free (MotcuaServerAgency *agency)
{
  if (agency == NULL)
    return;
  g_free (agency->code);
  g_free (agency->name);
  g_free (agency->address);
  g_free (agency);
}

void
motcua_server_device_free (MotcuaServerDevice *device)
{
  if (device == NULL)
    return;
  g_free (device->id);
  g_free (device->name);
  g_free (device->agency_code);
  g_free (device);
}

void
motcua_server_head_free (MotcuaServerHead *head)
{
  if (head == NULL)
    return;
  g_free (head->dossier_uid);
  g_free (head->agency_code);
  g_free (head->code);
  g_free (head->hash);
  g_free (head);
}

void
motcua_server_op_free (MotcuaServerOp *op)
{
  if (op == NULL)
    return;
  g_free (op->op_id);
  g_free (op->hash);
  g_free (op->agency_code);
  g_free (op);
}

/* ---- dispatch -------------------------------------------------------------- */

#define IFACE(self) MOTCUA_SERVER_STORAGE_GET_IFACE (self)

gboolean
motcua_server_storage_add_agency (MotcuaServerStorage      *self,
                                  const MotcuaServerAgency *agency,
                                  gboolean                 *created,
                                  GError                  **error)
{
  g_return_val_if_fail (MOTCUA_IS_SERVER_STORAGE (self), FALSE);
  return IFACE (self)->add_agency (self, agency, created, error);
}

MotcuaServerAgency *
motcua_server_storage_get_agency (MotcuaServerStorage *self,
                                  const char          *code,
                                  GError             **error)
{
  g_return_val_if_fail (MOTCUA_IS_SERVER_STORAGE (self), NULL);
  return IFACE (self)->get_agency (self, code, error);
}

GPtrArray *
motcua_server_storage_list_agencies (MotcuaServerStorage *self,
                                     GError             **error)
{
  g_return_val_if_fail (MOTCUA_IS_SERVER_STORAGE (self), NULL);
  return IFACE (self)->list_agencies (self, error);
}

gboolean
motcua_server_storage_add_enrolment_code (MotcuaServerStorage *self,
                                          const char          *agency_code,
                                          const char          *code_hash,
                                          GDateTime           *expires_at,
                                          GError             **error)
{
  g_return_val_if_fail (MOTCUA_IS_SERVER_STORAGE (self), FALSE);
  return IFACE (self)->add_enrolment_code (self, agency_code, code_hash, expires_at, error);
}

MotcuaServerDevice *
motcua_server_storage_enrol_device (MotcuaServerStorage      *self,
                                    const char               *code_hash,
                                    const MotcuaServerDevice *device,
                                    const char               *token_hash,
                                    GDateTime                *now,
                                    GError                  **error)
{
  g_return_val_if_fail (MOTCUA_IS_SERVER_STORAGE (self), NULL);
  return IFACE (self)->enrol_device (self, code_hash, device, token_hash, now, error);
}

MotcuaServerDevice *
motcua_server_storage_get_device (MotcuaServerStorage *self,
                                  const char          *token_hash,
                                  GError             **error)
{
  g_return_val_if_fail (MOTCUA_IS_SERVER_STORAGE (self), NULL);
  return IFACE (self)->get_device (self, token_hash, error);
}

MotcuaServerOp *
motcua_server_storage_get_op (MotcuaServerStorage *self,
                              const char          *op_id,
                              GError             **error)
{
  g_return_val_if_fail (MOTCUA_IS_SERVER_STORAGE (self), NULL);
  return IFACE (self)->get_op (self, op_id, error);
}

MotcuaServerHead *
motcua_server_storage_get_head (MotcuaServerStorage *self,
                                const char          *dossier_uid,
                                GError             **error)
{
  g_return_val_if_fail (MOTCUA_IS_SERVER_STORAGE (self), NULL);
  return IFACE (self)->get_head (self, dossier_uid, error);
}

GPtrArray *
motcua_server_storage_get_dossier_events (MotcuaServerStorage *self,
                                          const char          *dossier_uid,
                                          GError             **error)
{
  g_return_val_if_fail (MOTCUA_IS_SERVER_STORAGE (self), NULL);
  return IFACE (self)->get_dossier_events (self, dossier_uid, error);
}

gboolean
motcua_server_storage_code_taken (MotcuaServerStorage *self,
                                  const char          *agency_code,
                                  const char          *code,
                                  gboolean            *taken,
                                  GError             **error)
{
  g_return_val_if_fail (MOTCUA_IS_SERVER_STORAGE (self), FALSE);
  return IFACE (self)->code_taken (self, agency_code, code, taken, error);
}

gint64
motcua_server_storage_append_event (MotcuaServerStorage    *self,
                                    const MotcuaServerHead *head,
                                    const MotcuaEvent      *event,
                                    const char             *device_id,
                                    GError                **error)
{
  g_return_val_if_fail (MOTCUA_IS_SERVER_STORAGE (self), 0);
  return IFACE (self)->append_event (self, head, event, device_id, error);
}

GPtrArray *
motcua_server_storage_read_feed (MotcuaServerStorage *self,
                                 const char          *agency_code,
                                 gint64               since,
                                 guint                limit,
                                 const char          *exclude_device,
                                 gint64              *read_to,
                                 GError             **error)
{
  g_return_val_if_fail (MOTCUA_IS_SERVER_STORAGE (self), NULL);
  g_return_val_if_fail (read_to != NULL, NULL);
  return IFACE (self)->read_feed (self, agency_code, since, limit, exclude_device, read_to, error);
}

gboolean
motcua_server_storage_reserve_codes (MotcuaServerStorage *self,
                                     const char          *agency_code,
                                     const char          *day,
                                     guint                count,
                                     const char          *device_id,
                                     gint64              *first,
                                     GError             **error)
{
  g_return_val_if_fail (MOTCUA_IS_SERVER_STORAGE (self), FALSE);
  return IFACE (self)->reserve_codes (self, agency_code, day, count, device_id, first, error);
}

gboolean
motcua_server_storage_get_blob (MotcuaServerStorage *self,
                                const char          *sha256,
                                gint64              *size,
                                gboolean            *found,
                                GError             **error)
{
  g_return_val_if_fail (MOTCUA_IS_SERVER_STORAGE (self), FALSE);
  return IFACE (self)->get_blob (self, sha256, size, found, error);
}

gboolean
motcua_server_storage_add_blob (MotcuaServerStorage *self,
                                const char          *sha256,
                                gint64               size,
                                GError             **error)
{
  g_return_val_if_fail (MOTCUA_IS_SERVER_STORAGE (self), FALSE);
  return IFACE (self)->add_blob (self, sha256, size, error);
}

char *
motcua_server_storage_get_setting (MotcuaServerStorage *self,
                                   const char          *key,
                                   GError             **error)
{
  g_return_val_if_fail (MOTCUA_IS_SERVER_STORAGE (self), NULL);
  return IFACE (self)->get_setting (self, key, error);
}

gboolean
motcua_server_storage_set_setting (MotcuaServerStorage *self,
                                   const char          *key,
                                   const char          *value,
                                   GError             **error)
{
  g_return_val_if_fail (MOTCUA_IS_SERVER_STORAGE (self), FALSE);
  return IFACE (self)->set_setting (self, key, value, error);
}
