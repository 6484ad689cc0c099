/* yun-cvm-types.c: the small results and the RunInstances request of the CVM calls
 *
 * SPDX-License-Identifier: MIT
 */

#define G_LOG_DOMAIN "yun-cvm"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "yun-api-private.h"
#include "yun-cvm-private.h"

G_DEFINE_BOXED_TYPE (YunItemPrice, yun_item_price, yun_item_price_copy, yun_item_price_free)
G_DEFINE_BOXED_TYPE (YunPrice, yun_price, yun_price_copy, yun_price_free)
G_DEFINE_BOXED_TYPE (YunInstanceStatus,
                     yun_instance_status,
                     yun_instance_status_copy,
                     yun_instance_status_free)
G_DEFINE_BOXED_TYPE (YunRunInstancesResult,
                     yun_run_instances_result,
                     yun_run_instances_result_copy,
                     yun_run_instances_result_free)
G_DEFINE_BOXED_TYPE (YunVncUrl, yun_vnc_url, yun_vnc_url_copy, yun_vnc_url_free)
G_DEFINE_BOXED_TYPE (YunRunInstancesRequest,
                     yun_run_instances_request,
                     yun_run_instances_request_ref,
                     yun_run_instances_request_unref)

/**
 * yun_item_price_copy:
 * @self: a #YunItemPrice
 *
 * Returns: (transfer full): a copy of @self
 */
YunItemPrice *
yun_item_price_copy (const YunItemPrice *self)
{
  YunItemPrice *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->charge_unit = g_strdup (self->charge_unit);
  return copy;
}

/**
 * yun_item_price_free:
 * @self: (nullable): a #YunItemPrice
 */
void
yun_item_price_free (YunItemPrice *self)
{
  if (self == NULL)
    return;
  g_free (self->charge_unit);
  g_free (self);
}

YunItemPrice *
_yun_item_price_new_from_json (json_object *json, const char *where, GError **error)
{
  g_autoptr (YunItemPrice) self = g_new0 (YunItemPrice, 1);
  json_object *unused;

  if (!_yun_json_get_double (json, where, "UnitPrice", FALSE, &self->unit_price, error)
      || !_yun_json_get_double (json, where, "UnitPriceDiscount", FALSE, &self->unit_price_discount,
                                error)
      || !_yun_json_get_string (json, where, "ChargeUnit", FALSE, &self->charge_unit, error)
      || !_yun_json_get_double (json, where, "OriginalPrice", FALSE, &self->original_price, error)
      || !_yun_json_get_double (json, where, "DiscountPrice", FALSE, &self->discount_price, error)
      || !_yun_json_get_double (json, where, "Discount", FALSE, &self->discount, error))
    return NULL;

  self->is_postpaid
    = (json_object_object_get_ex (json, "UnitPrice", &unused) && unused != NULL)
      || (json_object_object_get_ex (json, "UnitPriceDiscount", &unused) && unused != NULL);
  self->is_prepaid
    = (json_object_object_get_ex (json, "OriginalPrice", &unused) && unused != NULL)
      || (json_object_object_get_ex (json, "DiscountPrice", &unused) && unused != NULL);
  return g_steal_pointer (&self);
}

/**
 * yun_price_copy:
 * @self: a #YunPrice
 *
 * Returns: (transfer full): a copy of @self
 */
YunPrice *
yun_price_copy (const YunPrice *self)
{
  YunPrice *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (YunPrice, 1);
  copy->instance_price
    = self->instance_price != NULL ? yun_item_price_copy (self->instance_price) : NULL;
  copy->bandwidth_price
    = self->bandwidth_price != NULL ? yun_item_price_copy (self->bandwidth_price) : NULL;
  copy->request_id = g_strdup (self->request_id);
  return copy;
}

/**
 * yun_price_free:
 * @self: (nullable): a #YunPrice
 */
void
yun_price_free (YunPrice *self)
{
  if (self == NULL)
    return;
  yun_item_price_free (self->instance_price);
  yun_item_price_free (self->bandwidth_price);
  g_free (self->request_id);
  g_free (self);
}

/**
 * yun_instance_status_copy:
 * @self: a #YunInstanceStatus
 *
 * Returns: (transfer full): a copy of @self
 */
YunInstanceStatus *
yun_instance_status_copy (const YunInstanceStatus *self)
{
  YunInstanceStatus *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (YunInstanceStatus, 1);
  copy->instance_id = g_strdup (self->instance_id);
  copy->state = g_strdup (self->state);
  return copy;
}

/**
 * yun_instance_status_free:
 * @self: (nullable): a #YunInstanceStatus
 */
void
yun_instance_status_free (YunInstanceStatus *self)
{
  if (self == NULL)
    return;
  g_free (self->instance_id);
  g_free (self->state);
  g_free (self);
}

YunInstanceStatus *
_yun_instance_status_new_from_json (json_object *json, GError **error)
{
  g_autoptr (YunInstanceStatus) self = g_new0 (YunInstanceStatus, 1);

  if (!_yun_json_get_string (json, "InstanceStatus", "InstanceId", TRUE, &self->instance_id, error)
      || !_yun_json_get_string (json, "InstanceStatus", "InstanceState", TRUE, &self->state, error))
    return NULL;
  return g_steal_pointer (&self);
}

/**
 * yun_run_instances_result_copy:
 * @self: a #YunRunInstancesResult
 *
 * Returns: (transfer full): a copy of @self
 */
YunRunInstancesResult *
yun_run_instances_result_copy (const YunRunInstancesResult *self)
{
  YunRunInstancesResult *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (YunRunInstancesResult, 1);
  copy->instance_ids = g_strdupv (self->instance_ids);
  copy->client_token = g_strdup (self->client_token);
  copy->request_id = g_strdup (self->request_id);
  copy->dry_run = self->dry_run;
  return copy;
}

/**
 * yun_run_instances_result_free:
 * @self: (nullable): a #YunRunInstancesResult
 */
void
yun_run_instances_result_free (YunRunInstancesResult *self)
{
  if (self == NULL)
    return;
  g_strfreev (self->instance_ids);
  g_free (self->client_token);
  g_free (self->request_id);
  g_free (self);
}

/**
 * yun_vnc_url_copy:
 * @self: a #YunVncUrl
 *
 * Returns: (transfer full): a copy of @self
 */
YunVncUrl *
yun_vnc_url_copy (const YunVncUrl *self)
{
  YunVncUrl *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (YunVncUrl, 1);
  copy->url = g_strdup (self->url);
  copy->instance_vnc_url = g_strdup (self->instance_vnc_url);
  return copy;
}

/**
 * yun_vnc_url_free:
 * @self: (nullable): a #YunVncUrl
 */
void
yun_vnc_url_free (YunVncUrl *self)
{
  if (self == NULL)
    return;
  g_free (self->url);
  g_free (self->instance_vnc_url);
  g_free (self);
}

/* RunInstances request */

/**
 * yun_run_instances_request_new:
 * @zone: the zone, such as `ap-guangzhou-3`; it must be in the region of the call
 * @image_id: the image, such as `img-eb30mz89`
 *
 * Starts a request for one pay-as-you-go instance of the type the service picks, with the
 * image's login settings. Setters change the rest.
 *
 * Returns: (transfer full): a new request
 */
YunRunInstancesRequest *
yun_run_instances_request_new (const char *zone, const char *image_id)
{
  YunRunInstancesRequest *self;

  g_return_val_if_fail (zone != NULL, NULL);
  g_return_val_if_fail (image_id != NULL, NULL);

  self = g_new0 (YunRunInstancesRequest, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->zone = g_strdup (zone);
  self->image_id = g_strdup (image_id);
  self->count = 1;
  self->tags = g_ptr_array_new_null_terminated (0, g_free, TRUE);
  return self;
}

/**
 * yun_run_instances_request_ref:
 * @self: a #YunRunInstancesRequest
 *
 * Returns: (transfer full): @self
 */
YunRunInstancesRequest *
yun_run_instances_request_ref (YunRunInstancesRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * yun_run_instances_request_unref:
 * @self: (transfer full): a #YunRunInstancesRequest
 *
 * Drops a reference; the last one wipes the password from memory.
 */
void
yun_run_instances_request_unref (YunRunInstancesRequest *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  if (self->password != NULL)
    explicit_bzero (self->password, strlen (self->password));
  g_free (self->password);
  g_free (self->zone);
  g_free (self->image_id);
  g_free (self->instance_type);
  g_free (self->charge_type);
  g_free (self->name);
  g_free (self->host_name);
  g_strfreev (self->key_ids);
  g_free (self->disk_type);
  g_free (self->internet_charge_type);
  g_free (self->vpc_id);
  g_free (self->subnet_id);
  g_strfreev (self->security_group_ids);
  g_free (self->client_token);
  g_ptr_array_unref (self->tags);
  g_free (self);
}

#define SET_STRING(field, value)                                                                   \
  G_STMT_START                                                                                     \
  {                                                                                                \
    g_return_if_fail (self != NULL);                                                               \
    g_free (self->field);                                                                          \
    self->field = g_strdup (value);                                                                \
  }                                                                                                \
  G_STMT_END

/**
 * yun_run_instances_request_set_instance_type:
 * @self: a #YunRunInstancesRequest
 * @instance_type: (nullable): such as `S5.MEDIUM4`; %NULL lets the service pick one in stock
 */
void
yun_run_instances_request_set_instance_type (YunRunInstancesRequest *self,
                                             const char *instance_type)
{
  SET_STRING (instance_type, instance_type);
}

/**
 * yun_run_instances_request_set_charge_type:
 * @self: a #YunRunInstancesRequest
 * @charge_type: (nullable): `POSTPAID_BY_HOUR` (the default), `PREPAID`, `SPOTPAID`,
 *   `CDHPAID` or `CDCPAID`
 */
void
yun_run_instances_request_set_charge_type (YunRunInstancesRequest *self, const char *charge_type)
{
  SET_STRING (charge_type, charge_type);
}

/**
 * yun_run_instances_request_set_prepaid_period:
 * @self: a #YunRunInstancesRequest
 * @months: 1 to 12, 24 or 36
 * @auto_renew: whether to renew automatically at the end of the period
 *
 * The period of a `PREPAID` instance.
 */
void
yun_run_instances_request_set_prepaid_period (YunRunInstancesRequest *self,
                                              guint months,
                                              gboolean auto_renew)
{
  g_return_if_fail (self != NULL);
  self->period = months;
  self->auto_renew = !!auto_renew;
}

/**
 * yun_run_instances_request_set_count:
 * @self: a #YunRunInstancesRequest
 * @count: how many instances, 1 to %YUN_CVM_MAX_INSTANCE_COUNT (100 for a price inquiry)
 */
void
yun_run_instances_request_set_count (YunRunInstancesRequest *self, guint count)
{
  g_return_if_fail (self != NULL);
  self->count = count;
}

/**
 * yun_run_instances_request_set_name:
 * @self: a #YunRunInstancesRequest
 * @name: (nullable): the instance name, which may hold a `{R:x}` sequence pattern
 */
void
yun_run_instances_request_set_name (YunRunInstancesRequest *self, const char *name)
{
  SET_STRING (name, name);
}

/**
 * yun_run_instances_request_set_host_name:
 * @self: a #YunRunInstancesRequest
 * @host_name: (nullable): the host name inside the system
 */
void
yun_run_instances_request_set_host_name (YunRunInstancesRequest *self, const char *host_name)
{
  SET_STRING (host_name, host_name);
}

/**
 * yun_run_instances_request_set_password:
 * @self: a #YunRunInstancesRequest
 * @password: (nullable): the login password; it is checked against the RunInstances rules
 *   for the OS given with yun_run_instances_request_set_os_family() when the call is made,
 *   and never logged
 */
void
yun_run_instances_request_set_password (YunRunInstancesRequest *self, const char *password)
{
  g_return_if_fail (self != NULL);

  if (self->password != NULL)
    explicit_bzero (self->password, strlen (self->password));
  g_free (self->password);
  self->password = g_strdup (password);
}

/**
 * yun_run_instances_request_set_key_ids:
 * @self: a #YunRunInstancesRequest
 * @key_ids: (nullable) (array zero-terminated=1): SSH key IDs (Linux only); not with a
 *   password
 */
void
yun_run_instances_request_set_key_ids (YunRunInstancesRequest *self, const char *const *key_ids)
{
  g_return_if_fail (self != NULL);
  g_strfreev (self->key_ids);
  self->key_ids = g_strdupv ((char **) key_ids);
}

/**
 * yun_run_instances_request_set_os_family:
 * @self: a #YunRunInstancesRequest
 * @os_family: the OS of the image, which decides the password rule (unknown: the strictest)
 */
void
yun_run_instances_request_set_os_family (YunRunInstancesRequest *self, YunOsFamily os_family)
{
  g_return_if_fail (self != NULL);
  self->os_family = os_family;
}

/**
 * yun_run_instances_request_set_system_disk:
 * @self: a #YunRunInstancesRequest
 * @disk_type: (nullable): such as `CLOUD_PREMIUM` or `CLOUD_SSD`; %NULL for one in stock
 * @size_gib: the size in GiB, 0 for the default (50)
 */
void
yun_run_instances_request_set_system_disk (YunRunInstancesRequest *self,
                                           const char *disk_type,
                                           guint size_gib)
{
  SET_STRING (disk_type, disk_type);
  self->disk_size = size_gib;
}

/**
 * yun_run_instances_request_set_bandwidth:
 * @self: a #YunRunInstancesRequest
 * @internet_charge_type: (nullable): such as `TRAFFIC_POSTPAID_BY_HOUR`
 * @max_bandwidth_out_mbps: the public bandwidth; 0 means no public IP
 * @public_ip: whether to assign a public IP (needs a bandwidth above 0)
 */
void
yun_run_instances_request_set_bandwidth (YunRunInstancesRequest *self,
                                         const char *internet_charge_type,
                                         guint max_bandwidth_out_mbps,
                                         gboolean public_ip)
{
  SET_STRING (internet_charge_type, internet_charge_type);
  self->bandwidth = max_bandwidth_out_mbps;
  self->public_ip = !!public_ip;
  self->has_bandwidth = TRUE;
}

/**
 * yun_run_instances_request_set_vpc:
 * @self: a #YunRunInstancesRequest
 * @vpc_id: (nullable): the VPC, such as `vpc-…`
 * @subnet_id: (nullable): its subnet, such as `subnet-…`
 */
void
yun_run_instances_request_set_vpc (YunRunInstancesRequest *self,
                                   const char *vpc_id,
                                   const char *subnet_id)
{
  SET_STRING (vpc_id, vpc_id);
  SET_STRING (subnet_id, subnet_id);
}

/**
 * yun_run_instances_request_set_security_group_ids:
 * @self: a #YunRunInstancesRequest
 * @security_group_ids: (nullable) (array zero-terminated=1): security groups (`sg-…`)
 */
void
yun_run_instances_request_set_security_group_ids (YunRunInstancesRequest *self,
                                                  const char *const *security_group_ids)
{
  g_return_if_fail (self != NULL);
  g_strfreev (self->security_group_ids);
  self->security_group_ids = g_strdupv ((char **) security_group_ids);
}

/**
 * yun_run_instances_request_set_client_token:
 * @self: a #YunRunInstancesRequest
 * @client_token: (nullable): the idempotency token, at most 64 ASCII characters; the same
 *   token never creates instances twice. %NULL: one is generated for each call.
 */
void
yun_run_instances_request_set_client_token (YunRunInstancesRequest *self, const char *client_token)
{
  SET_STRING (client_token, client_token);
}

/**
 * yun_run_instances_request_get_client_token:
 * @self: a #YunRunInstancesRequest
 *
 * Returns: (transfer none) (nullable): the ClientToken set, if any
 */
const char *
yun_run_instances_request_get_client_token (YunRunInstancesRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->client_token;
}

/**
 * yun_run_instances_request_ensure_client_token:
 * @self: a #YunRunInstancesRequest
 *
 * Sets a new random ClientToken (a UUID) unless one is set, so that a job journal can store
 * it before the first call and resend the request after a crash without creating the
 * instances twice.
 *
 * Returns: (transfer none): the ClientToken
 */
const char *
yun_run_instances_request_ensure_client_token (YunRunInstancesRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  if (self->client_token == NULL)
    self->client_token = g_uuid_string_random ();
  return self->client_token;
}

/**
 * yun_run_instances_request_set_dry_run:
 * @self: a #YunRunInstancesRequest
 * @dry_run: only check parameters, quota and stock; create nothing
 */
void
yun_run_instances_request_set_dry_run (YunRunInstancesRequest *self, gboolean dry_run)
{
  g_return_if_fail (self != NULL);
  self->dry_run = !!dry_run;
}

/**
 * yun_run_instances_request_set_disable_api_termination:
 * @self: a #YunRunInstancesRequest
 * @disable_api_termination: turn termination protection on
 */
void
yun_run_instances_request_set_disable_api_termination (YunRunInstancesRequest *self,
                                                       gboolean disable_api_termination)
{
  g_return_if_fail (self != NULL);
  self->disable_api_termination = !!disable_api_termination;
}

/**
 * yun_run_instances_request_add_tag:
 * @self: a #YunRunInstancesRequest
 * @key: the tag key
 * @value: the tag value
 *
 * Tags the new instances.
 */
void
yun_run_instances_request_add_tag (YunRunInstancesRequest *self, const char *key, const char *value)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (key != NULL && *key != '\0' && strchr (key, '=') == NULL);
  g_ptr_array_add (self->tags, g_strdup_printf ("%s=%s", key, value != NULL ? value : ""));
}

/* Every field of a request but the secret (the password) and the per-call ones (the
 * ClientToken, DryRun): what a create job journals so that a restarted YunDesk sends the
 * same request again. */
#define RUN_REQUEST_FOREACH_FIELD(STR, STRV, NUM, BOOL)                                            \
  STR (zone)                                                                                       \
  STR (image_id)                                                                                   \
  STR (instance_type)                                                                              \
  STR (charge_type)                                                                                \
  NUM (period)                                                                                     \
  BOOL (auto_renew)                                                                                \
  NUM (count)                                                                                      \
  STR (name)                                                                                       \
  STR (host_name)                                                                                  \
  STRV (key_ids)                                                                                   \
  NUM (os_family)                                                                                  \
  STR (disk_type)                                                                                  \
  NUM (disk_size)                                                                                  \
  BOOL (has_bandwidth)                                                                             \
  STR (internet_charge_type)                                                                       \
  NUM (bandwidth)                                                                                  \
  BOOL (public_ip)                                                                                 \
  STR (vpc_id)                                                                                     \
  STR (subnet_id)                                                                                  \
  STRV (security_group_ids)                                                                        \
  BOOL (disable_api_termination)

/**
 * _yun_run_instances_request_to_json:
 * @request: a request
 *
 * Returns: (transfer full): @request as journal JSON, without its password, ClientToken
 *   or DryRun
 */
json_object *
_yun_run_instances_request_to_json (YunRunInstancesRequest *request)
{
  json_object *json = json_object_new_object ();
  json_object *tags = json_object_new_array ();

#define STR(f)                                                                                     \
  if (request->f != NULL)                                                                          \
    json_object_object_add (json, #f, json_object_new_string (request->f));
#define STRV(f)                                                                                    \
  if (request->f != NULL)                                                                          \
    json_object_object_add (json, #f, _yun_json_new_strv ((const char *const *) request->f));
#define NUM(f) json_object_object_add (json, #f, json_object_new_int64 ((gint64) request->f));
#define BOOL(f) json_object_object_add (json, #f, json_object_new_boolean (request->f));
  RUN_REQUEST_FOREACH_FIELD (STR, STRV, NUM, BOOL)
#undef STR
#undef STRV
#undef NUM
#undef BOOL
  for (guint i = 0; i < request->tags->len && request->tags->pdata[i] != NULL; i++)
    json_object_array_add (tags, json_object_new_string (request->tags->pdata[i]));
  json_object_object_add (json, "tags", tags);
  return json;
}

/**
 * _yun_run_instances_request_new_from_json:
 * @json: what _yun_run_instances_request_to_json() wrote
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the request, without a password, or %NULL if @json is not one
 */
YunRunInstancesRequest *
_yun_run_instances_request_new_from_json (json_object *json, GError **error)
{
  g_autoptr (YunRunInstancesRequest) request = NULL;
  json_object *tags = NULL;
  const char *W = "CreateRequest";

  if (!_yun_json_check_object (json, W, error))
    return NULL;

  request = g_new0 (YunRunInstancesRequest, 1);
  g_atomic_ref_count_init (&request->ref_count);
  request->tags = g_ptr_array_new_null_terminated (0, g_free, TRUE);

#define STR(f)                                                                                     \
  if (!_yun_json_get_string (json, W, #f, FALSE, &request->f, error))                              \
    return NULL;
#define STRV(f)                                                                                    \
  if (!_yun_json_get_strv (json, W, #f, FALSE, &request->f, error))                                \
    return NULL;
#define NUM(f)                                                                                     \
  {                                                                                                \
    gint64 value = 0;                                                                              \
    if (!_yun_json_get_int64 (json, W, #f, FALSE, &value, error))                                  \
      return NULL;                                                                                 \
    request->f = value;                                                                            \
  }
#define BOOL(f)                                                                                    \
  if (!_yun_json_get_boolean (json, W, #f, FALSE, &request->f, error))                             \
    return NULL;
  RUN_REQUEST_FOREACH_FIELD (STR, STRV, NUM, BOOL)
#undef STR
#undef STRV
#undef NUM
#undef BOOL

  if (request->zone == NULL || request->image_id == NULL)
    {
      g_set_error_literal (error, YUN_ERROR, YUN_ERROR_PROTOCOL,
                           _ ("A journaled create request has no zone or image"));
      return NULL;
    }
  if (!_yun_json_get_array (json, W, "tags", FALSE, &tags, error))
    return NULL;
  for (gsize i = 0; tags != NULL && i < json_object_array_length (tags); i++)
    g_ptr_array_add (request->tags,
                     g_strdup (json_object_get_string (json_object_array_get_idx (tags, i))));
  return g_steal_pointer (&request);
}
