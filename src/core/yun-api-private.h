/* yun-api-private.h: JSON readers, model constructors and input checks of the typed calls
 *
 * SPDX-License-Identifier: MIT
 *
 * Everything here runs on worker threads as well as on the main thread: the readers only
 * look at the json_object they are given, and the constructors return new, unshared,
 * immutable objects.
 */

#pragma once

#include "yun-core-private.h"

G_BEGIN_DECLS

/* Readers of one member of a JSON object. @where names the object in error messages
 * ("Instance"), @field is the member. A missing member is an error only when @required;
 * JSON null counts as missing. A member of the wrong type is always a YUN_ERROR_PROTOCOL
 * error naming "where.field". On success *out is set (to NULL/0 when missing), transfer
 * full except for _yun_json_get_object() and _yun_json_get_array(), which lend. */
gboolean _yun_json_get_string (json_object *object,
                               const char *where,
                               const char *field,
                               gboolean required,
                               char **out,
                               GError **error);
gboolean _yun_json_get_int64 (json_object *object,
                              const char *where,
                              const char *field,
                              gboolean required,
                              gint64 *out,
                              GError **error);
gboolean _yun_json_get_double (json_object *object,
                               const char *where,
                               const char *field,
                               gboolean required,
                               double *out,
                               GError **error);
gboolean _yun_json_get_boolean (json_object *object,
                                const char *where,
                                const char *field,
                                gboolean required,
                                gboolean *out,
                                GError **error);
gboolean _yun_json_get_strv (json_object *object,
                             const char *where,
                             const char *field,
                             gboolean required,
                             char ***out,
                             GError **error);
gboolean _yun_json_get_datetime (json_object *object,
                                 const char *where,
                                 const char *field,
                                 gboolean required,
                                 GDateTime **out,
                                 GError **error);
gboolean _yun_json_get_object (json_object *object,
                               const char *where,
                               const char *field,
                               gboolean required,
                               json_object **out,
                               GError **error);
gboolean _yun_json_get_array (json_object *object,
                              const char *where,
                              const char *field,
                              gboolean required,
                              json_object **out,
                              GError **error);

/* Checks that @json is an object before reading members of it. */
gboolean _yun_json_check_object (json_object *json, const char *where, GError **error);

/* Builds the array of strings the API expects, (transfer full). */
json_object *_yun_json_new_strv (const char *const *strv);

/* Equality of two nullable values, for the _equal() helpers of the models. */
gboolean _yun_strv_equal0 (const char *const *a, const char *const *b);
gboolean _yun_date_time_equal0 (GDateTime *a, GDateTime *b);

/* Input checks, made before anything is sent; they fail with YUN_ERROR_INVALID_PARAMETER.
 * Instance IDs are "ins-" followed by 8 lower-case letters or digits; TAT also accepts
 * Lighthouse IDs ("lhins-…") when @allow_lighthouse. Duplicates are refused. */
gboolean
_yun_check_instance_id (const char *instance_id, gboolean allow_lighthouse, GError **error);
gboolean _yun_check_instance_ids (const char *const *instance_ids,
                                  guint max,
                                  gboolean allow_lighthouse,
                                  GError **error);
gboolean _yun_check_region (const char *region, GError **error);

/* Model constructors. The ones taking @region keep it: the API objects carry none. */
YunRegion *_yun_region_new_from_json (json_object *json, GError **error);
YunZone *_yun_zone_new_from_json (json_object *json, const char *region, GError **error);
YunImage *_yun_image_new_from_json (json_object *json, const char *region, GError **error);
YunInstance *_yun_instance_new_from_json (json_object *json, const char *region, GError **error);
void _yun_instance_prepare_lookups (GPtrArray *instances);
YunInstanceTypeQuota *
_yun_instance_type_quota_new_from_json (json_object *json, const char *region, GError **error);
YunItemPrice *_yun_item_price_new_from_json (json_object *json, const char *where, GError **error);
YunInstanceStatus *_yun_instance_status_new_from_json (json_object *json, GError **error);
YunInvocation *
_yun_invocation_new_from_json (json_object *json, const char *region, GError **error);
YunInvocationTask *
_yun_invocation_task_new_from_json (json_object *json, const char *region, GError **error);
YunAgentStatus *_yun_agent_status_new_from_json (json_object *json, GError **error);

/* Filters as the API wants them, (transfer full); NULL when @filters is empty. */
json_object *_yun_filters_to_json (YunFilters *filters);
gboolean _yun_filters_check (YunFilters *filters, GError **error);

G_END_DECLS

G_BEGIN_DECLS

/* The inputs of an asynchronous typed call, copied so the worker owns them. Each call uses
 * the members it needs; @secret is wiped when freed. */
typedef struct
{
  char *region;
  char **ids;
  char *a;
  char *b;
  char *c;
  char *secret;
  YunFilters *filters;
  gpointer request;
  GDestroyNotify request_free;
  guint offset;
  guint limit;
  YunOsFamily os_family;
  gboolean flag;
} YunCallInput;

YunCallInput *_yun_call_input_new (const char *region);
void _yun_call_input_free (gpointer data);

/* A page of results and the total the service reported. */
typedef struct
{
  GPtrArray *items;
  guint total_count;
} YunPage;

void _yun_page_free (gpointer data);

/* Parses each element of the array @field of @response into @into with @parse; the array
 * may be missing or null when @required is FALSE. */
typedef gpointer (*YunItemParser) (json_object *json, const char *region, GError **error);
gboolean _yun_parse_set (json_object *response,
                         const char *field,
                         gboolean required,
                         YunItemParser parse,
                         const char *region,
                         GPtrArray *into,
                         GError **error);
gboolean _yun_parse_page (json_object *response,
                          const char *field,
                          guint offset,
                          YunItemParser parse,
                          const char *region,
                          GPtrArray *into,
                          guint *total_count,
                          GError **error);
char *_yun_dup_request_id (json_object *response);

G_END_DECLS
