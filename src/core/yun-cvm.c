/* yun-cvm.c: typed CVM (2017-03-12) calls
 *
 * SPDX-License-Identifier: MIT
 *
 * Each call checks its inputs, builds the JSON parameters, sends them through
 * _yun_client_call() with the right retry flags and maps the answer to the public types.
 * The _async variants run the synchronous function on a worker thread through
 * _yun_client_run_async(); their inputs are copied first, so a caller may free its own.
 *
 * Retry flags: reads, InquiryPrice and RunInstances (which always carries a ClientToken) are
 * YUN_CALL_SAFE; the state changes are YUN_CALL_MUTATING.
 */

#define G_LOG_DOMAIN "yun-cvm"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "yun-api-private.h"
#include "yun-client-private.h"
#include "yun-cvm-private.h"

#define PAGE_LIMIT 100

static gpointer
parse_region (json_object *json, const char *region, GError **error)
{
  return _yun_region_new_from_json (json, error);
}

static gpointer
parse_zone (json_object *json, const char *region, GError **error)
{
  return _yun_zone_new_from_json (json, region, error);
}

static gpointer
parse_image (json_object *json, const char *region, GError **error)
{
  return _yun_image_new_from_json (json, region, error);
}

static gpointer
parse_instance (json_object *json, const char *region, GError **error)
{
  return _yun_instance_new_from_json (json, region, error);
}

static gpointer
parse_instance_status (json_object *json, const char *region, GError **error)
{
  return _yun_instance_status_new_from_json (json, error);
}

static gpointer
parse_quota (json_object *json, const char *region, GError **error)
{
  return _yun_instance_type_quota_new_from_json (json, region, error);
}

static gboolean
check_filters_or_ids (YunFilters *filters, const char *const *ids, GError **error)
{
  if (!_yun_filters_check (filters, error))
    return FALSE;
  if (filters != NULL && yun_filters_get_n_filters (filters) > 0 && ids != NULL && ids[0] != NULL)
    {
      g_set_error_literal (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                           _ ("IDs and filters cannot be used together in one query"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_one_of (const char *value, const char *what, const char *const *allowed, GError **error)
{
  g_autofree char *list = NULL;

  if (value == NULL || g_strv_contains (allowed, value))
    return TRUE;

  list = g_strjoinv (", ", (char **) allowed);
  g_set_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
               /* Translators: the first placeholder is what was checked (“The charge type”, or
                * a parameter of the API such as StopType), the second a list of the values the
                * API accepts, such as “SOFT, HARD, SOFT_FIRST”. */
               _ ("%s must be one of %s"), what, list);
  return FALSE;
}

/* DescribeRegions */

/**
 * yun_client_describe_regions:
 * @self: a #YunClient
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Lists the regions of CVM (DescribeRegions, which takes no region).
 *
 * Returns: (transfer full) (element-type YunRegion): the regions, or %NULL on error
 */
GPtrArray *
yun_client_describe_regions (YunClient *self, GCancellable *cancellable, GError **error)
{
  g_autoptr (json_object) response = NULL;
  g_autoptr (GPtrArray) regions = NULL;

  g_return_val_if_fail (YUN_IS_CLIENT (self), NULL);

  response = _yun_client_call (self, YUN_SERVICE_CVM, "DescribeRegions", NULL, NULL, YUN_CALL_SAFE,
                               cancellable, error);
  if (response == NULL)
    return NULL;

  regions = g_ptr_array_new_with_free_func (g_object_unref);
  if (!_yun_parse_set (response, "RegionSet", TRUE, parse_region, NULL, regions, error))
    return NULL;
  return g_steal_pointer (&regions);
}

static gpointer
describe_regions_worker (YunClient *self, gpointer data, GCancellable *cancellable, GError **error)
{
  return yun_client_describe_regions (self, cancellable, error);
}

/**
 * yun_client_describe_regions_async:
 * @self: a #YunClient
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * The asynchronous form of yun_client_describe_regions().
 */
void
yun_client_describe_regions_async (YunClient *self,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  g_return_if_fail (YUN_IS_CLIENT (self));
  _yun_client_run_async (self, describe_regions_worker, NULL, NULL,
                         (GDestroyNotify) g_ptr_array_unref, yun_client_describe_regions_async,
                         cancellable, callback, user_data);
}

/**
 * yun_client_describe_regions_finish:
 * @self: a #YunClient
 * @result: the #GAsyncResult
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type YunRegion): the regions, or %NULL on error
 */
GPtrArray *
yun_client_describe_regions_finish (YunClient *self, GAsyncResult *result, GError **error)
{
  return _yun_client_run_finish (self, result, yun_client_describe_regions_async, error);
}

/* DescribeZones */

/**
 * yun_client_describe_zones:
 * @self: a #YunClient
 * @region: the region, such as `ap-guangzhou`
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type YunZone): the zones of @region, or %NULL on error
 */
GPtrArray *
yun_client_describe_zones (YunClient *self,
                           const char *region,
                           GCancellable *cancellable,
                           GError **error)
{
  g_autoptr (json_object) response = NULL;
  g_autoptr (GPtrArray) zones = NULL;

  g_return_val_if_fail (YUN_IS_CLIENT (self), NULL);

  if (!_yun_check_region (region, error))
    return NULL;

  response = _yun_client_call (self, YUN_SERVICE_CVM, "DescribeZones", region, NULL, YUN_CALL_SAFE,
                               cancellable, error);
  if (response == NULL)
    return NULL;

  zones = g_ptr_array_new_with_free_func (g_object_unref);
  if (!_yun_parse_set (response, "ZoneSet", TRUE, parse_zone, region, zones, error))
    return NULL;
  return g_steal_pointer (&zones);
}

static gpointer
describe_zones_worker (YunClient *self, gpointer data, GCancellable *cancellable, GError **error)
{
  YunCallInput *input = data;

  return yun_client_describe_zones (self, input->region, cancellable, error);
}

/**
 * yun_client_describe_zones_async:
 * @self: a #YunClient
 * @region: the region
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * The asynchronous form of yun_client_describe_zones().
 */
void
yun_client_describe_zones_async (YunClient *self,
                                 const char *region,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  g_return_if_fail (YUN_IS_CLIENT (self));
  _yun_client_run_async (self, describe_zones_worker, _yun_call_input_new (region),
                         _yun_call_input_free, (GDestroyNotify) g_ptr_array_unref,
                         yun_client_describe_zones_async, cancellable, callback, user_data);
}

/**
 * yun_client_describe_zones_finish:
 * @self: a #YunClient
 * @result: the #GAsyncResult
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type YunZone): the zones, or %NULL on error
 */
GPtrArray *
yun_client_describe_zones_finish (YunClient *self, GAsyncResult *result, GError **error)
{
  return _yun_client_run_finish (self, result, yun_client_describe_zones_async, error);
}

/* DescribeImages */

/**
 * yun_client_describe_images:
 * @self: a #YunClient
 * @region: the region
 * @filters: (nullable): filters such as `image-type` = `PUBLIC_IMAGE` or `platform`
 * @image_ids: (nullable) (array zero-terminated=1): image IDs; not with @filters
 * @instance_type: (nullable): keep only images that this instance type can run
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Lists images, every page of 100.
 *
 * Returns: (transfer full) (element-type YunImage): the images, or %NULL on error
 */
GPtrArray *
yun_client_describe_images (YunClient *self,
                            const char *region,
                            YunFilters *filters,
                            const char *const *image_ids,
                            const char *instance_type,
                            GCancellable *cancellable,
                            GError **error)
{
  g_autoptr (GPtrArray) images = NULL;
  guint offset = 0;

  g_return_val_if_fail (YUN_IS_CLIENT (self), NULL);

  images = g_ptr_array_new_with_free_func (g_object_unref);
  for (;;)
    {
      g_autoptr (GPtrArray) page = NULL;
      guint total = 0;
      gboolean last;

      page = yun_client_describe_images_page (self, region, filters, image_ids, instance_type,
                                              offset, &total, cancellable, error);
      if (page == NULL)
        return NULL;

      offset += page->len;
      last = page->len == 0 || offset >= total;
      g_ptr_array_extend_and_steal (images, g_steal_pointer (&page));
      if (last)
        break;
    }

  return g_steal_pointer (&images);
}

/**
 * yun_client_describe_images_page:
 * @self: a #YunClient
 * @region: the region
 * @filters: (nullable): filters
 * @image_ids: (nullable) (array zero-terminated=1): image IDs; not with @filters
 * @instance_type: (nullable): keep only images that this instance type can run
 * @offset: the first image of the page
 * @total_count: (out) (optional): the number of images there are
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Lists one page of 100 images, for callers that fetch pages in parallel.
 *
 * Returns: (transfer full) (element-type YunImage): the images, or %NULL on error
 */
GPtrArray *
yun_client_describe_images_page (YunClient *self,
                                 const char *region,
                                 YunFilters *filters,
                                 const char *const *image_ids,
                                 const char *instance_type,
                                 guint offset,
                                 guint *total_count,
                                 GCancellable *cancellable,
                                 GError **error)
{
  g_autoptr (GPtrArray) images = NULL;
  g_autoptr (json_object) params = json_object_new_object ();
  g_autoptr (json_object) response = NULL;
  json_object *filters_json;
  guint total = 0;

  g_return_val_if_fail (YUN_IS_CLIENT (self), NULL);

  if (!_yun_check_region (region, error) || !check_filters_or_ids (filters, image_ids, error))
    return NULL;
  if (offset > G_MAXINT)
    {
      g_set_error_literal (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                           _ ("The page offset is too large"));
      return NULL;
    }

  if (image_ids != NULL && image_ids[0] != NULL)
    json_object_object_add (params, "ImageIds", _yun_json_new_strv (image_ids));
  filters_json = _yun_filters_to_json (filters);
  if (filters_json != NULL)
    json_object_object_add (params, "Filters", filters_json);
  if (instance_type != NULL)
    json_object_object_add (params, "InstanceType", json_object_new_string (instance_type));
  json_object_object_add (params, "Offset", json_object_new_int ((int) offset));
  json_object_object_add (params, "Limit", json_object_new_int (PAGE_LIMIT));

  images = g_ptr_array_new_with_free_func (g_object_unref);
  response = _yun_client_call (self, YUN_SERVICE_CVM, "DescribeImages", region, params,
                               YUN_CALL_SAFE, cancellable, error);
  if (response == NULL
      || !_yun_parse_page (response, "ImageSet", offset, parse_image, region, images, &total,
                           error))
    return NULL;

  if (total_count != NULL)
    *total_count = total;
  return g_steal_pointer (&images);
}

static gpointer
describe_images_worker (YunClient *self, gpointer data, GCancellable *cancellable, GError **error)
{
  YunCallInput *input = data;

  return yun_client_describe_images (self, input->region, input->filters,
                                     (const char *const *) input->ids, input->a, cancellable,
                                     error);
}

/**
 * yun_client_describe_images_async:
 * @self: a #YunClient
 * @region: the region
 * @filters: (nullable): filters
 * @image_ids: (nullable) (array zero-terminated=1): image IDs
 * @instance_type: (nullable): an instance type the images must run on
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * The asynchronous form of yun_client_describe_images().
 */
void
yun_client_describe_images_async (YunClient *self,
                                  const char *region,
                                  YunFilters *filters,
                                  const char *const *image_ids,
                                  const char *instance_type,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  YunCallInput *input = _yun_call_input_new (region);

  g_return_if_fail (YUN_IS_CLIENT (self));

  input->filters = filters != NULL ? yun_filters_ref (filters) : NULL;
  input->ids = g_strdupv ((char **) image_ids);
  input->a = g_strdup (instance_type);
  _yun_client_run_async (self, describe_images_worker, input, _yun_call_input_free,
                         (GDestroyNotify) g_ptr_array_unref, yun_client_describe_images_async,
                         cancellable, callback, user_data);
}

/**
 * yun_client_describe_images_finish:
 * @self: a #YunClient
 * @result: the #GAsyncResult
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type YunImage): the images, or %NULL on error
 */
GPtrArray *
yun_client_describe_images_finish (YunClient *self, GAsyncResult *result, GError **error)
{
  return _yun_client_run_finish (self, result, yun_client_describe_images_async, error);
}

/* DescribeInstances */

static GPtrArray *
describe_instances_call (YunClient *self,
                         const char *region,
                         YunFilters *filters,
                         const char *const *ids,
                         guint offset,
                         guint limit,
                         guint *total_count,
                         GCancellable *cancellable,
                         GError **error)
{
  g_autoptr (json_object) params = json_object_new_object ();
  g_autoptr (json_object) response = NULL;
  g_autoptr (GPtrArray) instances = NULL;
  json_object *filters_json = _yun_filters_to_json (filters);
  guint total = 0;

  if (ids != NULL)
    json_object_object_add (params, "InstanceIds", _yun_json_new_strv (ids));
  if (filters_json != NULL)
    json_object_object_add (params, "Filters", filters_json);
  json_object_object_add (params, "Offset", json_object_new_int ((int) offset));
  json_object_object_add (params, "Limit", json_object_new_int ((int) limit));

  response = _yun_client_call (self, YUN_SERVICE_CVM, "DescribeInstances", region, params,
                               YUN_CALL_SAFE, cancellable, error);
  if (response == NULL)
    return NULL;

  instances = g_ptr_array_new_with_free_func (g_object_unref);
  if (!_yun_parse_page (response, "InstanceSet", offset, parse_instance, region, instances, &total,
                        error))
    return NULL;

  if (total_count != NULL)
    *total_count = total;
  return g_steal_pointer (&instances);
}

/**
 * yun_client_describe_instances_page:
 * @self: a #YunClient
 * @region: the region
 * @filters: (nullable): filters such as `instance-state`, `zone` or `tag:<key>`
 * @offset: the index of the first instance
 * @limit: how many instances, 1 to 100
 * @total_count: (out) (optional): the number of instances matching @filters
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * One page of DescribeInstances.
 *
 * Returns: (transfer full) (element-type YunInstance): the instances, or %NULL on error
 */
GPtrArray *
yun_client_describe_instances_page (YunClient *self,
                                    const char *region,
                                    YunFilters *filters,
                                    guint offset,
                                    guint limit,
                                    guint *total_count,
                                    GCancellable *cancellable,
                                    GError **error)
{
  g_return_val_if_fail (YUN_IS_CLIENT (self), NULL);

  if (!_yun_check_region (region, error) || !_yun_filters_check (filters, error))
    return NULL;
  if (limit < 1 || limit > PAGE_LIMIT)
    {
      g_set_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                   _ ("A page holds 1 to %u instances, not %u"), PAGE_LIMIT, limit);
      return NULL;
    }
  if (offset > G_MAXINT)
    {
      g_set_error_literal (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                           _ ("The page offset is too large"));
      return NULL;
    }

  return describe_instances_call (self, region, filters, NULL, offset, limit, total_count,
                                  cancellable, error);
}

static gpointer
describe_instances_page_worker (YunClient *self,
                                gpointer data,
                                GCancellable *cancellable,
                                GError **error)
{
  YunCallInput *input = data;
  YunPage *page = g_new0 (YunPage, 1);

  page->items
    = yun_client_describe_instances_page (self, input->region, input->filters, input->offset,
                                          input->limit, &page->total_count, cancellable, error);
  if (page->items == NULL)
    g_clear_pointer (&page, _yun_page_free);
  return page;
}

/**
 * yun_client_describe_instances_page_async:
 * @self: a #YunClient
 * @region: the region
 * @filters: (nullable): filters
 * @offset: the index of the first instance
 * @limit: how many instances, 1 to 100
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * The asynchronous form of yun_client_describe_instances_page().
 */
void
yun_client_describe_instances_page_async (YunClient *self,
                                          const char *region,
                                          YunFilters *filters,
                                          guint offset,
                                          guint limit,
                                          GCancellable *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer user_data)
{
  YunCallInput *input = _yun_call_input_new (region);

  g_return_if_fail (YUN_IS_CLIENT (self));

  input->filters = filters != NULL ? yun_filters_ref (filters) : NULL;
  input->offset = offset;
  input->limit = limit;
  _yun_client_run_async (self, describe_instances_page_worker, input, _yun_call_input_free,
                         _yun_page_free, yun_client_describe_instances_page_async, cancellable,
                         callback, user_data);
}

/**
 * yun_client_describe_instances_page_finish:
 * @self: a #YunClient
 * @result: the #GAsyncResult
 * @total_count: (out) (optional): the number of instances matching the filters
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type YunInstance): the instances, or %NULL on error
 */
GPtrArray *
yun_client_describe_instances_page_finish (YunClient *self,
                                           GAsyncResult *result,
                                           guint *total_count,
                                           GError **error)
{
  YunPage *page
    = _yun_client_run_finish (self, result, yun_client_describe_instances_page_async, error);
  GPtrArray *items;

  if (page == NULL)
    return NULL;
  if (total_count != NULL)
    *total_count = page->total_count;
  items = g_steal_pointer (&page->items);
  _yun_page_free (page);
  return items;
}

/**
 * yun_client_describe_instances_all:
 * @self: a #YunClient
 * @region: the region
 * @filters: (nullable): filters
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Every instance of @region matching @filters, in pages of 100.
 *
 * Returns: (transfer full) (element-type YunInstance): the instances, or %NULL on error
 */
GPtrArray *
yun_client_describe_instances_all (YunClient *self,
                                   const char *region,
                                   YunFilters *filters,
                                   GCancellable *cancellable,
                                   GError **error)
{
  g_autoptr (GPtrArray) all = NULL;
  guint offset = 0;

  g_return_val_if_fail (YUN_IS_CLIENT (self), NULL);

  all = g_ptr_array_new_with_free_func (g_object_unref);
  for (;;)
    {
      g_autoptr (GPtrArray) page = NULL;
      guint total = 0;
      guint n;

      page = yun_client_describe_instances_page (self, region, filters, offset, PAGE_LIMIT, &total,
                                                 cancellable, error);
      if (page == NULL)
        return NULL;

      n = page->len;
      offset += n;
      g_ptr_array_extend_and_steal (all, g_steal_pointer (&page));
      /* An empty page ends the walk even if the total says otherwise (instances can
       * disappear between two pages). */
      if (n == 0 || offset >= total)
        break;
    }

  return g_steal_pointer (&all);
}

static gpointer
describe_instances_all_worker (YunClient *self,
                               gpointer data,
                               GCancellable *cancellable,
                               GError **error)
{
  YunCallInput *input = data;

  return yun_client_describe_instances_all (self, input->region, input->filters, cancellable,
                                            error);
}

/**
 * yun_client_describe_instances_all_async:
 * @self: a #YunClient
 * @region: the region
 * @filters: (nullable): filters
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * The asynchronous form of yun_client_describe_instances_all().
 */
void
yun_client_describe_instances_all_async (YunClient *self,
                                         const char *region,
                                         YunFilters *filters,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data)
{
  YunCallInput *input = _yun_call_input_new (region);

  g_return_if_fail (YUN_IS_CLIENT (self));

  input->filters = filters != NULL ? yun_filters_ref (filters) : NULL;
  _yun_client_run_async (self, describe_instances_all_worker, input, _yun_call_input_free,
                         (GDestroyNotify) g_ptr_array_unref,
                         yun_client_describe_instances_all_async, cancellable, callback, user_data);
}

/**
 * yun_client_describe_instances_all_finish:
 * @self: a #YunClient
 * @result: the #GAsyncResult
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type YunInstance): the instances, or %NULL on error
 */
GPtrArray *
yun_client_describe_instances_all_finish (YunClient *self, GAsyncResult *result, GError **error)
{
  return _yun_client_run_finish (self, result, yun_client_describe_instances_all_async, error);
}

/**
 * yun_client_describe_instances_by_ids:
 * @self: a #YunClient
 * @region: the region
 * @instance_ids: (array zero-terminated=1): any number of instance IDs
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Describes the given instances, 100 per call. IDs that do not exist in @region are simply
 * absent from the result.
 *
 * Returns: (transfer full) (element-type YunInstance): the instances, or %NULL on error
 */
GPtrArray *
yun_client_describe_instances_by_ids (YunClient *self,
                                      const char *region,
                                      const char *const *instance_ids,
                                      GCancellable *cancellable,
                                      GError **error)
{
  g_autoptr (GPtrArray) all = NULL;
  guint n;

  g_return_val_if_fail (YUN_IS_CLIENT (self), NULL);

  if (!_yun_check_region (region, error)
      || !_yun_check_instance_ids (instance_ids, G_MAXUINT, FALSE, error))
    return NULL;

  all = g_ptr_array_new_with_free_func (g_object_unref);
  n = g_strv_length ((char **) instance_ids);
  for (guint start = 0; start < n; start += YUN_CVM_MAX_INSTANCE_IDS)
    {
      g_autofree const char **chunk = NULL;
      g_autoptr (GPtrArray) page = NULL;
      guint len = MIN (n - start, YUN_CVM_MAX_INSTANCE_IDS);

      chunk = g_new0 (const char *, len + 1);
      memcpy (chunk, instance_ids + start, len * sizeof (char *));
      page = describe_instances_call (self, region, NULL, chunk, 0, PAGE_LIMIT, NULL, cancellable,
                                      error);
      if (page == NULL)
        return NULL;
      g_ptr_array_extend_and_steal (all, g_steal_pointer (&page));
    }

  return g_steal_pointer (&all);
}

static gpointer
describe_instances_by_ids_worker (YunClient *self,
                                  gpointer data,
                                  GCancellable *cancellable,
                                  GError **error)
{
  YunCallInput *input = data;

  return yun_client_describe_instances_by_ids (
    self, input->region, (const char *const *) input->ids, cancellable, error);
}

/**
 * yun_client_describe_instances_by_ids_async:
 * @self: a #YunClient
 * @region: the region
 * @instance_ids: (array zero-terminated=1): instance IDs
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * The asynchronous form of yun_client_describe_instances_by_ids().
 */
void
yun_client_describe_instances_by_ids_async (YunClient *self,
                                            const char *region,
                                            const char *const *instance_ids,
                                            GCancellable *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer user_data)
{
  YunCallInput *input = _yun_call_input_new (region);

  g_return_if_fail (YUN_IS_CLIENT (self));

  input->ids = g_strdupv ((char **) instance_ids);
  _yun_client_run_async (self, describe_instances_by_ids_worker, input, _yun_call_input_free,
                         (GDestroyNotify) g_ptr_array_unref,
                         yun_client_describe_instances_by_ids_async, cancellable, callback,
                         user_data);
}

/**
 * yun_client_describe_instances_by_ids_finish:
 * @self: a #YunClient
 * @result: the #GAsyncResult
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type YunInstance): the instances, or %NULL on error
 */
GPtrArray *
yun_client_describe_instances_by_ids_finish (YunClient *self, GAsyncResult *result, GError **error)
{
  return _yun_client_run_finish (self, result, yun_client_describe_instances_by_ids_async, error);
}

/* DescribeInstancesStatus */

/**
 * yun_client_describe_instances_status:
 * @self: a #YunClient
 * @region: the region
 * @instance_ids: (nullable) (array zero-terminated=1): at most 100 instance IDs; %NULL for
 *   every instance of @region (in pages of 100)
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type YunInstanceStatus): the states, or %NULL on error
 */
GPtrArray *
yun_client_describe_instances_status (YunClient *self,
                                      const char *region,
                                      const char *const *instance_ids,
                                      GCancellable *cancellable,
                                      GError **error)
{
  g_autoptr (GPtrArray) all = NULL;
  guint offset = 0;

  g_return_val_if_fail (YUN_IS_CLIENT (self), NULL);

  if (!_yun_check_region (region, error)
      || (instance_ids != NULL
          && !_yun_check_instance_ids (instance_ids, YUN_CVM_MAX_INSTANCE_IDS, FALSE, error)))
    return NULL;

  all = g_ptr_array_new_with_free_func ((GDestroyNotify) yun_instance_status_free);
  for (;;)
    {
      g_autoptr (json_object) params = json_object_new_object ();
      g_autoptr (json_object) response = NULL;
      guint before = all->len;
      guint total = 0;

      if (instance_ids != NULL)
        json_object_object_add (params, "InstanceIds", _yun_json_new_strv (instance_ids));
      json_object_object_add (params, "Offset", json_object_new_int ((int) offset));
      json_object_object_add (params, "Limit", json_object_new_int (PAGE_LIMIT));

      response = _yun_client_call (self, YUN_SERVICE_CVM, "DescribeInstancesStatus", region, params,
                                   YUN_CALL_SAFE, cancellable, error);
      if (response == NULL
          || !_yun_parse_page (response, "InstanceStatusSet", offset, parse_instance_status, region,
                               all, &total, error))
        return NULL;

      offset += all->len - before;
      if (instance_ids != NULL || all->len == before || offset >= total)
        break;
    }

  return g_steal_pointer (&all);
}

static gpointer
describe_instances_status_worker (YunClient *self,
                                  gpointer data,
                                  GCancellable *cancellable,
                                  GError **error)
{
  YunCallInput *input = data;

  return yun_client_describe_instances_status (
    self, input->region, (const char *const *) input->ids, cancellable, error);
}

/**
 * yun_client_describe_instances_status_async:
 * @self: a #YunClient
 * @region: the region
 * @instance_ids: (nullable) (array zero-terminated=1): at most 100 instance IDs
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * The asynchronous form of yun_client_describe_instances_status().
 */
void
yun_client_describe_instances_status_async (YunClient *self,
                                            const char *region,
                                            const char *const *instance_ids,
                                            GCancellable *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer user_data)
{
  YunCallInput *input = _yun_call_input_new (region);

  g_return_if_fail (YUN_IS_CLIENT (self));

  input->ids = g_strdupv ((char **) instance_ids);
  _yun_client_run_async (self, describe_instances_status_worker, input, _yun_call_input_free,
                         (GDestroyNotify) g_ptr_array_unref,
                         yun_client_describe_instances_status_async, cancellable, callback,
                         user_data);
}

/**
 * yun_client_describe_instances_status_finish:
 * @self: a #YunClient
 * @result: the #GAsyncResult
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type YunInstanceStatus): the states, or %NULL on error
 */
GPtrArray *
yun_client_describe_instances_status_finish (YunClient *self, GAsyncResult *result, GError **error)
{
  return _yun_client_run_finish (self, result, yun_client_describe_instances_status_async, error);
}

/* DescribeZoneInstanceConfigInfos */

/**
 * yun_client_describe_zone_instance_config_infos:
 * @self: a #YunClient
 * @region: the region
 * @filters: (nullable): filters such as `zone`, `instance-family` or `instance-charge-type`
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * The instance types on sale, with stock and price.
 *
 * Returns: (transfer full) (element-type YunInstanceTypeQuota): the types, or %NULL on error
 */
GPtrArray *
yun_client_describe_zone_instance_config_infos (YunClient *self,
                                                const char *region,
                                                YunFilters *filters,
                                                GCancellable *cancellable,
                                                GError **error)
{
  g_autoptr (json_object) params = json_object_new_object ();
  g_autoptr (json_object) response = NULL;
  g_autoptr (GPtrArray) quotas = NULL;
  json_object *filters_json;

  g_return_val_if_fail (YUN_IS_CLIENT (self), NULL);

  if (!_yun_check_region (region, error) || !_yun_filters_check (filters, error))
    return NULL;

  filters_json = _yun_filters_to_json (filters);
  if (filters_json != NULL)
    json_object_object_add (params, "Filters", filters_json);

  response = _yun_client_call (self, YUN_SERVICE_CVM, "DescribeZoneInstanceConfigInfos", region,
                               params, YUN_CALL_SAFE, cancellable, error);
  if (response == NULL)
    return NULL;

  quotas = g_ptr_array_new_with_free_func (g_object_unref);
  if (!_yun_parse_set (response, "InstanceTypeQuotaSet", FALSE, parse_quota, region, quotas, error))
    return NULL;
  return g_steal_pointer (&quotas);
}

static gpointer
describe_zone_instance_config_infos_worker (YunClient *self,
                                            gpointer data,
                                            GCancellable *cancellable,
                                            GError **error)
{
  YunCallInput *input = data;

  return yun_client_describe_zone_instance_config_infos (self, input->region, input->filters,
                                                         cancellable, error);
}

/**
 * yun_client_describe_zone_instance_config_infos_async:
 * @self: a #YunClient
 * @region: the region
 * @filters: (nullable): filters
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * The asynchronous form of yun_client_describe_zone_instance_config_infos().
 */
void
yun_client_describe_zone_instance_config_infos_async (YunClient *self,
                                                      const char *region,
                                                      YunFilters *filters,
                                                      GCancellable *cancellable,
                                                      GAsyncReadyCallback callback,
                                                      gpointer user_data)
{
  YunCallInput *input = _yun_call_input_new (region);

  g_return_if_fail (YUN_IS_CLIENT (self));

  input->filters = filters != NULL ? yun_filters_ref (filters) : NULL;
  _yun_client_run_async (self, describe_zone_instance_config_infos_worker, input,
                         _yun_call_input_free, (GDestroyNotify) g_ptr_array_unref,
                         yun_client_describe_zone_instance_config_infos_async, cancellable,
                         callback, user_data);
}

/**
 * yun_client_describe_zone_instance_config_infos_finish:
 * @self: a #YunClient
 * @result: the #GAsyncResult
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type YunInstanceTypeQuota): the types, or %NULL on error
 */
GPtrArray *
yun_client_describe_zone_instance_config_infos_finish (YunClient *self,
                                                       GAsyncResult *result,
                                                       GError **error)
{
  return _yun_client_run_finish (self, result, yun_client_describe_zone_instance_config_infos_async,
                                 error);
}

/* RunInstances and InquiryPriceRunInstances */

static gboolean
check_run_request (YunRunInstancesRequest *request,
                   const char *region,
                   gboolean inquiry,
                   GError **error)
{
  static const char *const charge_types[]
    = { "PREPAID", "POSTPAID_BY_HOUR", "SPOTPAID", "CDHPAID", "CDCPAID", NULL };
  guint max_count = inquiry ? YUN_CVM_MAX_INQUIRY_INSTANCE_COUNT : YUN_CVM_MAX_INSTANCE_COUNT;

  if (request->zone == NULL || !g_str_has_prefix (request->zone, region)
      || request->zone[strlen (region)] != '-')
    {
      g_set_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                   _ ("Zone “%s” is not in region %s"), request->zone, region);
      return FALSE;
    }
  if (!g_str_has_prefix (request->image_id, "img-"))
    {
      g_set_error_literal (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                           _ ("An image ID starts with “img-”"));
      return FALSE;
    }
  if (request->count < 1 || request->count > max_count)
    {
      g_set_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                   _ ("The number of instances must be 1 to %u, not %u"), max_count,
                   request->count);
      return FALSE;
    }
  if (!check_one_of (request->charge_type,
                     /* Translators: in “The charge type must be one of PREPAID, POSTPAID_BY_HOUR,
                      * SPOTPAID”. */
                     _ ("The charge type"), charge_types, error))
    return FALSE;
  if (g_strcmp0 (request->charge_type, "PREPAID") == 0)
    {
      if (request->period == 0
          || (request->period > 12 && request->period != 24 && request->period != 36))
        {
          g_set_error_literal (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                               _ ("A prepaid period is 1 to 12, 24 or 36 months"));
          return FALSE;
        }
    }
  if (request->name != NULL && g_utf8_strlen (request->name, -1) > 128)
    {
      g_set_error_literal (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                           _ ("The instance name is longer than 128 characters"));
      return FALSE;
    }
  if (request->has_bandwidth && request->public_ip && request->bandwidth == 0)
    {
      g_set_error_literal (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                           _ ("A public IP needs a bandwidth above 0 Mbps"));
      return FALSE;
    }
  if (request->password != NULL && request->key_ids != NULL && request->key_ids[0] != NULL)
    {
      g_set_error_literal (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                           _ ("Give a password or SSH keys, not both"));
      return FALSE;
    }
  if (request->client_token != NULL)
    {
      gsize len = strlen (request->client_token);
      gboolean ascii = TRUE;

      for (gsize i = 0; i < len; i++)
        if (!g_ascii_isgraph (request->client_token[i]))
          ascii = FALSE;
      if (len == 0 || len > YUN_CVM_MAX_CLIENT_TOKEN_LENGTH || !ascii)
        {
          g_set_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                       _ ("A ClientToken is 1 to %u printable ASCII characters"),
                       YUN_CVM_MAX_CLIENT_TOKEN_LENGTH);
          return FALSE;
        }
    }
  if (!inquiry && request->password != NULL
      && !yun_password_check (request->password, request->os_family, YUN_PASSWORD_CONTEXT_CREATE,
                              NULL, error))
    return FALSE;

  return TRUE;
}

static json_object *
run_request_to_json (YunRunInstancesRequest *request, const char *client_token, gboolean inquiry)
{
  json_object *params = json_object_new_object ();
  json_object *placement = json_object_new_object ();

  if (request->charge_type != NULL)
    json_object_object_add (params, "InstanceChargeType",
                            json_object_new_string (request->charge_type));
  if (g_strcmp0 (request->charge_type, "PREPAID") == 0)
    {
      json_object *prepaid = json_object_new_object ();

      json_object_object_add (prepaid, "Period", json_object_new_int ((int) request->period));
      json_object_object_add (prepaid, "RenewFlag",
                              json_object_new_string (request->auto_renew
                                                        ? "NOTIFY_AND_AUTO_RENEW"
                                                        : "NOTIFY_AND_MANUAL_RENEW"));
      json_object_object_add (params, "InstanceChargePrepaid", prepaid);
    }

  json_object_object_add (placement, "Zone", json_object_new_string (request->zone));
  json_object_object_add (params, "Placement", placement);
  json_object_object_add (params, "ImageId", json_object_new_string (request->image_id));
  if (request->instance_type != NULL)
    json_object_object_add (params, "InstanceType",
                            json_object_new_string (request->instance_type));

  if (request->disk_type != NULL || request->disk_size > 0)
    {
      json_object *disk = json_object_new_object ();

      if (request->disk_type != NULL)
        json_object_object_add (disk, "DiskType", json_object_new_string (request->disk_type));
      if (request->disk_size > 0)
        json_object_object_add (disk, "DiskSize", json_object_new_int ((int) request->disk_size));
      json_object_object_add (params, "SystemDisk", disk);
    }

  if (request->vpc_id != NULL || request->subnet_id != NULL)
    {
      json_object *vpc = json_object_new_object ();

      if (request->vpc_id != NULL)
        json_object_object_add (vpc, "VpcId", json_object_new_string (request->vpc_id));
      if (request->subnet_id != NULL)
        json_object_object_add (vpc, "SubnetId", json_object_new_string (request->subnet_id));
      json_object_object_add (params, "VirtualPrivateCloud", vpc);
    }

  if (request->has_bandwidth)
    {
      json_object *internet = json_object_new_object ();

      if (request->internet_charge_type != NULL)
        json_object_object_add (internet, "InternetChargeType",
                                json_object_new_string (request->internet_charge_type));
      json_object_object_add (internet, "InternetMaxBandwidthOut",
                              json_object_new_int ((int) request->bandwidth));
      json_object_object_add (internet, "PublicIpAssigned",
                              json_object_new_boolean (request->public_ip));
      json_object_object_add (params, "InternetAccessible", internet);
    }

  json_object_object_add (params, "InstanceCount", json_object_new_int ((int) request->count));
  if (request->name != NULL)
    json_object_object_add (params, "InstanceName", json_object_new_string (request->name));
  if (request->host_name != NULL)
    json_object_object_add (params, "HostName", json_object_new_string (request->host_name));
  if (request->security_group_ids != NULL && request->security_group_ids[0] != NULL)
    json_object_object_add (params, "SecurityGroupIds",
                            _yun_json_new_strv ((const char *const *) request->security_group_ids));

  /* A price does not depend on the password: an inquiry does not carry it. */
  if (!inquiry && (request->password != NULL || request->key_ids != NULL))
    {
      json_object *login = json_object_new_object ();

      if (request->password != NULL)
        json_object_object_add (login, "Password", json_object_new_string (request->password));
      else
        json_object_object_add (login, "KeyIds",
                                _yun_json_new_strv ((const char *const *) request->key_ids));
      json_object_object_add (params, "LoginSettings", login);
    }

  if (request->tags->len > 0)
    {
      json_object *spec = json_object_new_object ();
      json_object *tags = json_object_new_array ();
      json_object *specs = json_object_new_array ();

      for (guint i = 0; i < request->tags->len; i++)
        {
          const char *tag = g_ptr_array_index (request->tags, i);
          const char *eq = strchr (tag, '=');
          json_object *pair = json_object_new_object ();

          json_object_object_add (pair, "Key", json_object_new_string_len (tag, (int) (eq - tag)));
          json_object_object_add (pair, "Value", json_object_new_string (eq + 1));
          json_object_array_add (tags, pair);
        }
      json_object_object_add (spec, "ResourceType", json_object_new_string ("instance"));
      json_object_object_add (spec, "Tags", tags);
      json_object_array_add (specs, spec);
      json_object_object_add (params, "TagSpecification", specs);
    }

  if (!inquiry)
    {
      json_object_object_add (params, "ClientToken", json_object_new_string (client_token));
      if (request->dry_run)
        json_object_object_add (params, "DryRun", json_object_new_boolean (TRUE));
      if (request->disable_api_termination)
        json_object_object_add (params, "DisableApiTermination", json_object_new_boolean (TRUE));
    }

  return params;
}

/**
 * yun_client_inquiry_price_run_instances:
 * @self: a #YunClient
 * @region: the region
 * @request: what would be created (at most 100 instances)
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Returns: (transfer full): the price, or %NULL on error
 */
YunPrice *
yun_client_inquiry_price_run_instances (YunClient *self,
                                        const char *region,
                                        YunRunInstancesRequest *request,
                                        GCancellable *cancellable,
                                        GError **error)
{
  g_autoptr (json_object) params = NULL;
  g_autoptr (json_object) response = NULL;
  g_autoptr (YunPrice) price = NULL;
  json_object *price_json = NULL;
  json_object *item = NULL;

  g_return_val_if_fail (YUN_IS_CLIENT (self), NULL);
  g_return_val_if_fail (request != NULL, NULL);

  if (!_yun_check_region (region, error) || !check_run_request (request, region, TRUE, error))
    return NULL;

  params = run_request_to_json (request, NULL, TRUE);
  response = _yun_client_call (self, YUN_SERVICE_CVM, "InquiryPriceRunInstances", region, params,
                               YUN_CALL_SAFE, cancellable, error);
  if (response == NULL
      || !_yun_json_get_object (response, "Response", "Price", TRUE, &price_json, error))
    return NULL;

  price = g_new0 (YunPrice, 1);
  price->request_id = _yun_dup_request_id (response);
  if (!_yun_json_get_object (price_json, "Price", "InstancePrice", FALSE, &item, error))
    return NULL;
  if (item != NULL
      && (price->instance_price
          = _yun_item_price_new_from_json (item, "Price.InstancePrice", error))
           == NULL)
    return NULL;
  if (!_yun_json_get_object (price_json, "Price", "BandwidthPrice", FALSE, &item, error))
    return NULL;
  if (item != NULL
      && (price->bandwidth_price
          = _yun_item_price_new_from_json (item, "Price.BandwidthPrice", error))
           == NULL)
    return NULL;

  return g_steal_pointer (&price);
}

static gpointer
inquiry_price_worker (YunClient *self, gpointer data, GCancellable *cancellable, GError **error)
{
  YunCallInput *input = data;

  return yun_client_inquiry_price_run_instances (self, input->region, input->request, cancellable,
                                                 error);
}

/**
 * yun_client_inquiry_price_run_instances_async:
 * @self: a #YunClient
 * @region: the region
 * @request: what would be created; not to be changed until the call completes
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * The asynchronous form of yun_client_inquiry_price_run_instances().
 */
void
yun_client_inquiry_price_run_instances_async (YunClient *self,
                                              const char *region,
                                              YunRunInstancesRequest *request,
                                              GCancellable *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer user_data)
{
  YunCallInput *input = _yun_call_input_new (region);

  g_return_if_fail (YUN_IS_CLIENT (self));
  g_return_if_fail (request != NULL);

  input->request = yun_run_instances_request_ref (request);
  input->request_free = (GDestroyNotify) yun_run_instances_request_unref;
  _yun_client_run_async (
    self, inquiry_price_worker, input, _yun_call_input_free, (GDestroyNotify) yun_price_free,
    yun_client_inquiry_price_run_instances_async, cancellable, callback, user_data);
}

/**
 * yun_client_inquiry_price_run_instances_finish:
 * @self: a #YunClient
 * @result: the #GAsyncResult
 * @error: return location for an error
 *
 * Returns: (transfer full): the price, or %NULL on error
 */
YunPrice *
yun_client_inquiry_price_run_instances_finish (YunClient *self,
                                               GAsyncResult *result,
                                               GError **error)
{
  return _yun_client_run_finish (self, result, yun_client_inquiry_price_run_instances_async, error);
}

/**
 * yun_client_run_instances:
 * @self: a #YunClient
 * @region: the region
 * @request: what to create
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Creates instances. The call always carries a ClientToken (the request's, or a new UUID
 * reported in the result), so it is retried safely after a lost answer. With a dry run,
 * a passing check (`DryRunOperation`) is a success with no instance IDs.
 *
 * Returns: (transfer full): the IDs, the ClientToken and the RequestId, or %NULL on error
 */
YunRunInstancesResult *
yun_client_run_instances (YunClient *self,
                          const char *region,
                          YunRunInstancesRequest *request,
                          GCancellable *cancellable,
                          GError **error)
{
  g_autoptr (json_object) params = NULL;
  g_autoptr (json_object) response = NULL;
  g_autoptr (YunRunInstancesResult) result = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *token = NULL;

  g_return_val_if_fail (YUN_IS_CLIENT (self), NULL);
  g_return_val_if_fail (request != NULL, NULL);

  if (!_yun_check_region (region, error) || !check_run_request (request, region, FALSE, error))
    return NULL;

  token
    = request->client_token != NULL ? g_strdup (request->client_token) : g_uuid_string_random ();
  params = run_request_to_json (request, token, FALSE);
  response = _yun_client_call (self, YUN_SERVICE_CVM, "RunInstances", region, params, YUN_CALL_SAFE,
                               cancellable, &local_error);

  result = g_new0 (YunRunInstancesResult, 1);
  result->client_token = g_steal_pointer (&token);
  result->dry_run = request->dry_run;

  if (response == NULL)
    {
      if (request->dry_run && g_strcmp0 (yun_error_get_code (local_error), "DryRunOperation") == 0)
        {
          result->request_id = g_strdup (yun_error_get_request_id (local_error));
          result->instance_ids = g_new0 (char *, 1);
          return g_steal_pointer (&result);
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  result->request_id = _yun_dup_request_id (response);
  if (!_yun_json_get_strv (response, "Response", "InstanceIdSet", !request->dry_run,
                           &result->instance_ids, error))
    return NULL;
  if (result->instance_ids == NULL)
    result->instance_ids = g_new0 (char *, 1);

  return g_steal_pointer (&result);
}

static gpointer
run_instances_worker (YunClient *self, gpointer data, GCancellable *cancellable, GError **error)
{
  YunCallInput *input = data;

  return yun_client_run_instances (self, input->region, input->request, cancellable, error);
}

/**
 * yun_client_run_instances_async:
 * @self: a #YunClient
 * @region: the region
 * @request: what to create; not to be changed until the call completes
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * The asynchronous form of yun_client_run_instances().
 */
void
yun_client_run_instances_async (YunClient *self,
                                const char *region,
                                YunRunInstancesRequest *request,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  YunCallInput *input = _yun_call_input_new (region);

  g_return_if_fail (YUN_IS_CLIENT (self));
  g_return_if_fail (request != NULL);

  input->request = yun_run_instances_request_ref (request);
  input->request_free = (GDestroyNotify) yun_run_instances_request_unref;
  _yun_client_run_async (self, run_instances_worker, input, _yun_call_input_free,
                         (GDestroyNotify) yun_run_instances_result_free,
                         yun_client_run_instances_async, cancellable, callback, user_data);
}

/**
 * yun_client_run_instances_finish:
 * @self: a #YunClient
 * @result: the #GAsyncResult
 * @error: return location for an error
 *
 * Returns: (transfer full): the result, or %NULL on error
 */
YunRunInstancesResult *
yun_client_run_instances_finish (YunClient *self, GAsyncResult *result, GError **error)
{
  return _yun_client_run_finish (self, result, yun_client_run_instances_async, error);
}

/* Start, Stop, Reboot, Terminate, ResetInstancesPassword */

static char *
state_change (YunClient *self,
              const char *action,
              const char *region,
              const char *const *instance_ids,
              json_object *params,
              GCancellable *cancellable,
              GError **error)
{
  g_autoptr (json_object) owned_params = params;
  g_autoptr (json_object) response = NULL;

  json_object_object_add (owned_params, "InstanceIds", _yun_json_new_strv (instance_ids));
  response = _yun_client_call (self, YUN_SERVICE_CVM, action, region, owned_params,
                               YUN_CALL_MUTATING, cancellable, error);
  if (response == NULL)
    return NULL;
  return _yun_dup_request_id (response);
}

static const char *const stop_types[] = { "SOFT", "HARD", "SOFT_FIRST", NULL };
static const char *const stopped_modes[] = { "KEEP_CHARGING", "STOP_CHARGING", NULL };

/**
 * yun_client_start_instances:
 * @self: a #YunClient
 * @region: the region
 * @instance_ids: (array zero-terminated=1): 1 to 100 STOPPED instances
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Returns: (transfer full): the RequestId (as LatestOperationRequestId will show it), or
 *   %NULL on error
 */
char *
yun_client_start_instances (YunClient *self,
                            const char *region,
                            const char *const *instance_ids,
                            GCancellable *cancellable,
                            GError **error)
{
  g_return_val_if_fail (YUN_IS_CLIENT (self), NULL);

  if (!_yun_check_region (region, error)
      || !_yun_check_instance_ids (instance_ids, YUN_CVM_MAX_INSTANCE_IDS, FALSE, error))
    return NULL;
  return state_change (self, "StartInstances", region, instance_ids, json_object_new_object (),
                       cancellable, error);
}

/**
 * yun_client_stop_instances:
 * @self: a #YunClient
 * @region: the region
 * @instance_ids: (array zero-terminated=1): 1 to 100 RUNNING instances
 * @stop_type: (nullable): `SOFT` (the default), `HARD` or `SOFT_FIRST`
 * @stopped_mode: (nullable): `KEEP_CHARGING` (the default) or `STOP_CHARGING`
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Returns: (transfer full): the RequestId, or %NULL on error
 */
char *
yun_client_stop_instances (YunClient *self,
                           const char *region,
                           const char *const *instance_ids,
                           const char *stop_type,
                           const char *stopped_mode,
                           GCancellable *cancellable,
                           GError **error)
{
  json_object *params;

  g_return_val_if_fail (YUN_IS_CLIENT (self), NULL);

  if (!_yun_check_region (region, error)
      || !_yun_check_instance_ids (instance_ids, YUN_CVM_MAX_INSTANCE_IDS, FALSE, error)
      || !check_one_of (stop_type, "StopType", stop_types, error)
      || !check_one_of (stopped_mode, "StoppedMode", stopped_modes, error))
    return NULL;

  params = json_object_new_object ();
  if (stop_type != NULL)
    json_object_object_add (params, "StopType", json_object_new_string (stop_type));
  if (stopped_mode != NULL)
    json_object_object_add (params, "StoppedMode", json_object_new_string (stopped_mode));
  return state_change (self, "StopInstances", region, instance_ids, params, cancellable, error);
}

/**
 * yun_client_reboot_instances:
 * @self: a #YunClient
 * @region: the region
 * @instance_ids: (array zero-terminated=1): 1 to 100 RUNNING instances
 * @stop_type: (nullable): `SOFT` (the default), `HARD` or `SOFT_FIRST`
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Returns: (transfer full): the RequestId, or %NULL on error
 */
char *
yun_client_reboot_instances (YunClient *self,
                             const char *region,
                             const char *const *instance_ids,
                             const char *stop_type,
                             GCancellable *cancellable,
                             GError **error)
{
  json_object *params;

  g_return_val_if_fail (YUN_IS_CLIENT (self), NULL);

  if (!_yun_check_region (region, error)
      || !_yun_check_instance_ids (instance_ids, YUN_CVM_MAX_INSTANCE_IDS, FALSE, error)
      || !check_one_of (stop_type, "StopType", stop_types, error))
    return NULL;

  params = json_object_new_object ();
  if (stop_type != NULL)
    json_object_object_add (params, "StopType", json_object_new_string (stop_type));
  return state_change (self, "RebootInstances", region, instance_ids, params, cancellable, error);
}

/**
 * yun_client_terminate_instances:
 * @self: a #YunClient
 * @region: the region
 * @instance_ids: (array zero-terminated=1): 1 to 100 instances of one charge type
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Destroys pay-as-you-go instances; moves prepaid ones to the recycle bin.
 *
 * Returns: (transfer full): the RequestId, or %NULL on error
 */
char *
yun_client_terminate_instances (YunClient *self,
                                const char *region,
                                const char *const *instance_ids,
                                GCancellable *cancellable,
                                GError **error)
{
  g_return_val_if_fail (YUN_IS_CLIENT (self), NULL);

  if (!_yun_check_region (region, error)
      || !_yun_check_instance_ids (instance_ids, YUN_CVM_MAX_INSTANCE_IDS, FALSE, error))
    return NULL;
  return state_change (self, "TerminateInstances", region, instance_ids, json_object_new_object (),
                       cancellable, error);
}

/**
 * yun_client_reset_instances_password:
 * @self: a #YunClient
 * @region: the region
 * @instance_ids: (array zero-terminated=1): 1 to 100 instances
 * @password: the new password, checked with yun_password_check() first; never logged
 * @username: (nullable): the account, at most 64 characters; %NULL for the image's
 *   administrator (root, ubuntu or Administrator)
 * @os_family: the OS of the instances; %YUN_OS_FAMILY_WINDOWS for a mixed batch
 * @force_stop: allow RUNNING instances, which are stopped first (forcibly if needed)
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Returns: (transfer full): the RequestId, or %NULL on error
 */
char *
yun_client_reset_instances_password (YunClient *self,
                                     const char *region,
                                     const char *const *instance_ids,
                                     const char *password,
                                     const char *username,
                                     YunOsFamily os_family,
                                     gboolean force_stop,
                                     GCancellable *cancellable,
                                     GError **error)
{
  json_object *params;

  g_return_val_if_fail (YUN_IS_CLIENT (self), NULL);

  if (!_yun_check_region (region, error)
      || !_yun_check_instance_ids (instance_ids, YUN_CVM_MAX_INSTANCE_IDS, FALSE, error))
    return NULL;
  if (username != NULL && (*username == '\0' || g_utf8_strlen (username, -1) > 64))
    {
      g_set_error_literal (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                           _ ("A user name is 1 to 64 characters long"));
      return NULL;
    }
  if (!yun_password_check (password, os_family, YUN_PASSWORD_CONTEXT_RESET, username, error))
    return NULL;

  params = json_object_new_object ();
  json_object_object_add (params, "Password", json_object_new_string (password));
  if (username != NULL)
    json_object_object_add (params, "UserName", json_object_new_string (username));
  if (force_stop)
    json_object_object_add (params, "ForceStop", json_object_new_boolean (TRUE));
  return state_change (self, "ResetInstancesPassword", region, instance_ids, params, cancellable,
                       error);
}

static gpointer
state_change_worker (YunClient *self, gpointer data, GCancellable *cancellable, GError **error)
{
  YunCallInput *input = data;
  const char *const *ids = (const char *const *) input->ids;

  /* input->a names the action; b and c carry its options. */
  if (g_str_equal (input->a, "StartInstances"))
    return yun_client_start_instances (self, input->region, ids, cancellable, error);
  if (g_str_equal (input->a, "StopInstances"))
    return yun_client_stop_instances (self, input->region, ids, input->b, input->c, cancellable,
                                      error);
  if (g_str_equal (input->a, "RebootInstances"))
    return yun_client_reboot_instances (self, input->region, ids, input->b, cancellable, error);
  if (g_str_equal (input->a, "TerminateInstances"))
    return yun_client_terminate_instances (self, input->region, ids, cancellable, error);
  if (g_str_equal (input->a, "ResetInstancesPassword"))
    return yun_client_reset_instances_password (self, input->region, ids, input->secret, input->b,
                                                input->os_family, input->flag, cancellable, error);
  g_assert_not_reached ();
}

static void
state_change_async (YunClient *self,
                    YunCallInput *input,
                    const char *action,
                    gpointer source_tag,
                    GCancellable *cancellable,
                    GAsyncReadyCallback callback,
                    gpointer user_data)
{
  input->a = g_strdup (action);
  _yun_client_run_async (self, state_change_worker, input, _yun_call_input_free, g_free, source_tag,
                         cancellable, callback, user_data);
}

static YunCallInput *
ids_input (const char *region, const char *const *instance_ids)
{
  YunCallInput *input = _yun_call_input_new (region);

  input->ids = g_strdupv ((char **) instance_ids);
  return input;
}

/**
 * yun_client_start_instances_async:
 * @self: a #YunClient
 * @region: the region
 * @instance_ids: (array zero-terminated=1): 1 to 100 instances
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * The asynchronous form of yun_client_start_instances().
 */
void
yun_client_start_instances_async (YunClient *self,
                                  const char *region,
                                  const char *const *instance_ids,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  g_return_if_fail (YUN_IS_CLIENT (self));
  state_change_async (self, ids_input (region, instance_ids), "StartInstances",
                      yun_client_start_instances_async, cancellable, callback, user_data);
}

/**
 * yun_client_start_instances_finish:
 * @self: a #YunClient
 * @result: the #GAsyncResult
 * @error: return location for an error
 *
 * Returns: (transfer full): the RequestId, or %NULL on error
 */
char *
yun_client_start_instances_finish (YunClient *self, GAsyncResult *result, GError **error)
{
  return _yun_client_run_finish (self, result, yun_client_start_instances_async, error);
}

/**
 * yun_client_stop_instances_async:
 * @self: a #YunClient
 * @region: the region
 * @instance_ids: (array zero-terminated=1): 1 to 100 instances
 * @stop_type: (nullable): `SOFT`, `HARD` or `SOFT_FIRST`
 * @stopped_mode: (nullable): `KEEP_CHARGING` or `STOP_CHARGING`
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * The asynchronous form of yun_client_stop_instances().
 */
void
yun_client_stop_instances_async (YunClient *self,
                                 const char *region,
                                 const char *const *instance_ids,
                                 const char *stop_type,
                                 const char *stopped_mode,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  YunCallInput *input;

  g_return_if_fail (YUN_IS_CLIENT (self));

  input = ids_input (region, instance_ids);
  input->b = g_strdup (stop_type);
  input->c = g_strdup (stopped_mode);
  state_change_async (self, input, "StopInstances", yun_client_stop_instances_async, cancellable,
                      callback, user_data);
}

/**
 * yun_client_stop_instances_finish:
 * @self: a #YunClient
 * @result: the #GAsyncResult
 * @error: return location for an error
 *
 * Returns: (transfer full): the RequestId, or %NULL on error
 */
char *
yun_client_stop_instances_finish (YunClient *self, GAsyncResult *result, GError **error)
{
  return _yun_client_run_finish (self, result, yun_client_stop_instances_async, error);
}

/**
 * yun_client_reboot_instances_async:
 * @self: a #YunClient
 * @region: the region
 * @instance_ids: (array zero-terminated=1): 1 to 100 instances
 * @stop_type: (nullable): `SOFT`, `HARD` or `SOFT_FIRST`
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * The asynchronous form of yun_client_reboot_instances().
 */
void
yun_client_reboot_instances_async (YunClient *self,
                                   const char *region,
                                   const char *const *instance_ids,
                                   const char *stop_type,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  YunCallInput *input;

  g_return_if_fail (YUN_IS_CLIENT (self));

  input = ids_input (region, instance_ids);
  input->b = g_strdup (stop_type);
  state_change_async (self, input, "RebootInstances", yun_client_reboot_instances_async,
                      cancellable, callback, user_data);
}

/**
 * yun_client_reboot_instances_finish:
 * @self: a #YunClient
 * @result: the #GAsyncResult
 * @error: return location for an error
 *
 * Returns: (transfer full): the RequestId, or %NULL on error
 */
char *
yun_client_reboot_instances_finish (YunClient *self, GAsyncResult *result, GError **error)
{
  return _yun_client_run_finish (self, result, yun_client_reboot_instances_async, error);
}

/**
 * yun_client_terminate_instances_async:
 * @self: a #YunClient
 * @region: the region
 * @instance_ids: (array zero-terminated=1): 1 to 100 instances
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * The asynchronous form of yun_client_terminate_instances().
 */
void
yun_client_terminate_instances_async (YunClient *self,
                                      const char *region,
                                      const char *const *instance_ids,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data)
{
  g_return_if_fail (YUN_IS_CLIENT (self));
  state_change_async (self, ids_input (region, instance_ids), "TerminateInstances",
                      yun_client_terminate_instances_async, cancellable, callback, user_data);
}

/**
 * yun_client_terminate_instances_finish:
 * @self: a #YunClient
 * @result: the #GAsyncResult
 * @error: return location for an error
 *
 * Returns: (transfer full): the RequestId, or %NULL on error
 */
char *
yun_client_terminate_instances_finish (YunClient *self, GAsyncResult *result, GError **error)
{
  return _yun_client_run_finish (self, result, yun_client_terminate_instances_async, error);
}

/**
 * yun_client_reset_instances_password_async:
 * @self: a #YunClient
 * @region: the region
 * @instance_ids: (array zero-terminated=1): 1 to 100 instances
 * @password: the new password (copied, and wiped when the call completes)
 * @username: (nullable): the account
 * @os_family: the OS of the instances
 * @force_stop: allow RUNNING instances
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * The asynchronous form of yun_client_reset_instances_password().
 */
void
yun_client_reset_instances_password_async (YunClient *self,
                                           const char *region,
                                           const char *const *instance_ids,
                                           const char *password,
                                           const char *username,
                                           YunOsFamily os_family,
                                           gboolean force_stop,
                                           GCancellable *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer user_data)
{
  YunCallInput *input;

  g_return_if_fail (YUN_IS_CLIENT (self));

  input = ids_input (region, instance_ids);
  input->secret = g_strdup (password);
  input->b = g_strdup (username);
  input->os_family = os_family;
  input->flag = force_stop;
  state_change_async (self, input, "ResetInstancesPassword",
                      yun_client_reset_instances_password_async, cancellable, callback, user_data);
}

/**
 * yun_client_reset_instances_password_finish:
 * @self: a #YunClient
 * @result: the #GAsyncResult
 * @error: return location for an error
 *
 * Returns: (transfer full): the RequestId, or %NULL on error
 */
char *
yun_client_reset_instances_password_finish (YunClient *self, GAsyncResult *result, GError **error)
{
  return _yun_client_run_finish (self, result, yun_client_reset_instances_password_async, error);
}

/* DescribeInstanceVncUrl */

/**
 * yun_client_describe_instance_vnc_url:
 * @self: a #YunClient
 * @region: the region
 * @instance_id: an instance that is not STOPPED
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * The URL is valid for 15 seconds and opens once.
 *
 * Returns: (transfer full): the page to open and the raw VNC URL, or %NULL on error
 */
YunVncUrl *
yun_client_describe_instance_vnc_url (YunClient *self,
                                      const char *region,
                                      const char *instance_id,
                                      GCancellable *cancellable,
                                      GError **error)
{
  g_autoptr (json_object) params = json_object_new_object ();
  g_autoptr (json_object) response = NULL;
  g_autoptr (YunVncUrl) vnc = NULL;

  g_return_val_if_fail (YUN_IS_CLIENT (self), NULL);

  if (!_yun_check_region (region, error) || !_yun_check_instance_id (instance_id, FALSE, error))
    return NULL;

  json_object_object_add (params, "InstanceId", json_object_new_string (instance_id));
  response = _yun_client_call (self, YUN_SERVICE_CVM, "DescribeInstanceVncUrl", region, params,
                               YUN_CALL_SAFE, cancellable, error);
  if (response == NULL)
    return NULL;

  vnc = g_new0 (YunVncUrl, 1);
  if (!_yun_json_get_string (response, "Response", "InstanceVncUrl", TRUE, &vnc->instance_vnc_url,
                             error))
    return NULL;

  /* The service sends the wss URL already percent-encoded; encode it only if it is not. */
  if (strstr (vnc->instance_vnc_url, "://") != NULL)
    {
      g_autofree char *escaped = g_uri_escape_string (vnc->instance_vnc_url, NULL, FALSE);
      vnc->url = g_strconcat (YUN_VNC_PAGE_URL "?InstanceVncUrl=", escaped, NULL);
    }
  else
    vnc->url = g_strconcat (YUN_VNC_PAGE_URL "?InstanceVncUrl=", vnc->instance_vnc_url, NULL);

  return g_steal_pointer (&vnc);
}

static gpointer
describe_instance_vnc_url_worker (YunClient *self,
                                  gpointer data,
                                  GCancellable *cancellable,
                                  GError **error)
{
  YunCallInput *input = data;

  return yun_client_describe_instance_vnc_url (self, input->region, input->a, cancellable, error);
}

/**
 * yun_client_describe_instance_vnc_url_async:
 * @self: a #YunClient
 * @region: the region
 * @instance_id: the instance
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * The asynchronous form of yun_client_describe_instance_vnc_url().
 */
void
yun_client_describe_instance_vnc_url_async (YunClient *self,
                                            const char *region,
                                            const char *instance_id,
                                            GCancellable *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer user_data)
{
  YunCallInput *input = _yun_call_input_new (region);

  g_return_if_fail (YUN_IS_CLIENT (self));

  input->a = g_strdup (instance_id);
  _yun_client_run_async (self, describe_instance_vnc_url_worker, input, _yun_call_input_free,
                         (GDestroyNotify) yun_vnc_url_free,
                         yun_client_describe_instance_vnc_url_async, cancellable, callback,
                         user_data);
}

/**
 * yun_client_describe_instance_vnc_url_finish:
 * @self: a #YunClient
 * @result: the #GAsyncResult
 * @error: return location for an error
 *
 * Returns: (transfer full): the VNC URL, or %NULL on error
 */
YunVncUrl *
yun_client_describe_instance_vnc_url_finish (YunClient *self, GAsyncResult *result, GError **error)
{
  return _yun_client_run_finish (self, result, yun_client_describe_instance_vnc_url_async, error);
}
