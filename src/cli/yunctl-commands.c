/* yunctl-commands.c: regions, zones, images, instances
 *
 * SPDX-License-Identifier: MIT
 */

#define G_LOG_DOMAIN "yunctl"

#include "config.h"

#include <string.h>

#include "yunctl-output.h"
#include "yunctl.h"

static void
print_objects (YunctlContext *context,
               GPtrArray *objects,
               const char *list_name,
               const YunctlColumn *columns,
               guint n_columns)
{
  if (context->options->json)
    yunctl_print_json (objects, list_name);
  else
    yunctl_print_table (objects, columns, n_columns);
}

gboolean
yunctl_command_regions (YunctlContext *context, GError **error)
{
  static const YunctlColumn columns[] = {
    { "region", "REGION" },
    { "name", "NAME" },
    { "state", "STATE" },
  };
  g_autoptr (GPtrArray) regions = yun_client_describe_regions (context->client, NULL, error);

  if (regions == NULL)
    return FALSE;
  print_objects (context, regions, "Regions", columns, G_N_ELEMENTS (columns));
  return TRUE;
}

gboolean
yunctl_command_zones (YunctlContext *context, GError **error)
{
  static const YunctlColumn columns[] = {
    { "zone", "ZONE" },
    { "name", "NAME" },
    { "zone-id", "ZONE ID" },
    { "state", "STATE" },
  };
  g_autoptr (GPtrArray) zones
    = yun_client_describe_zones (context->client, context->region, NULL, error);

  if (zones == NULL)
    return FALSE;
  print_objects (context, zones, "Zones", columns, G_N_ELEMENTS (columns));
  return TRUE;
}

gboolean
yunctl_command_images (YunctlContext *context, GError **error)
{
  static const YunctlColumn columns[] = {
    { "image-id", "IMAGE ID" }, { "name", "NAME" },       { "platform", "PLATFORM" },
    { "os-name", "OS" },        { "image-type", "TYPE" }, { "architecture", "ARCH" },
    { "size", "SIZE (GiB)" },   { "state", "STATE" },
  };
  static const char *const types[][2] = {
    { "public", "PUBLIC_IMAGE" },
    { "private", "PRIVATE_IMAGE" },
    { "shared", "SHARED_IMAGE" },
  };
  g_autoptr (YunFilters) filters = yun_filters_new ();
  g_autoptr (GPtrArray) images = NULL;

  if (context->options->image_type != NULL)
    {
      const char *image_type = NULL;

      for (guint i = 0; i < G_N_ELEMENTS (types); i++)
        if (g_ascii_strcasecmp (context->options->image_type, types[i][0]) == 0)
          image_type = types[i][1];
      if (image_type == NULL)
        {
          g_set_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                       "--type must be public, private or shared, not “%s”",
                       context->options->image_type);
          return FALSE;
        }
      yun_filters_add (filters, "image-type", image_type, NULL);
    }

  images = yun_client_describe_images (context->client, context->region, filters, NULL, NULL, NULL,
                                       error);
  if (images == NULL)
    return FALSE;
  print_objects (context, images, "Images", columns, G_N_ELEMENTS (columns));
  return TRUE;
}

/* Every region's listing runs at once; the shared rate limiter keeps them within the
 * documented limits, and each finishes into this gathering point on the main loop. */
typedef struct
{
  GMainLoop *loop;
  guint pending;
  GPtrArray *instances;
  GError *first_error;
} RegionGathering;

static void
region_instances_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  RegionGathering *gathering = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) instances
    = yun_client_describe_instances_all_finish (YUN_CLIENT (source), result, &error);

  if (instances != NULL)
    g_ptr_array_extend_and_steal (gathering->instances, g_steal_pointer (&instances));
  else if (gathering->first_error == NULL)
    gathering->first_error = g_steal_pointer (&error);

  if (--gathering->pending == 0)
    g_main_loop_quit (gathering->loop);
}

static GPtrArray *
list_instances (YunctlContext *context,
                const char *const *regions,
                YunFilters *filters,
                GError **error)
{
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  RegionGathering gathering = {
    .loop = loop,
    .instances = g_ptr_array_new_with_free_func (g_object_unref),
  };

  for (guint i = 0; regions[i] != NULL; i++)
    {
      gathering.pending++;
      yun_client_describe_instances_all_async (context->client, regions[i], filters, NULL,
                                               region_instances_done, &gathering);
    }
  if (gathering.pending > 0)
    g_main_loop_run (loop);

  if (gathering.first_error != NULL)
    {
      g_propagate_error (error, gathering.first_error);
      g_ptr_array_unref (gathering.instances);
      return NULL;
    }
  return gathering.instances;
}

/**
 * yunctl_instance_wanted:
 * @context: the command's context
 * @instance: an instance
 *
 * Returns: whether @instance passes --state and --search (--region is applied where the
 *   instances are read)
 */
gboolean
yunctl_instance_wanted (YunctlContext *context, YunInstance *instance)
{
  g_autofree char *folded = NULL;

  if (context->options->state != NULL
      && g_ascii_strcasecmp (context->options->state, yun_instance_get_state (instance)) != 0)
    return FALSE;
  if (context->options->search == NULL)
    return TRUE;
  folded = g_utf8_casefold (context->options->search, -1);
  return yun_instance_matches_search (instance, folded);
}

static int
compare_instances (gconstpointer a, gconstpointer b)
{
  YunInstance *left = *(YunInstance **) a;
  YunInstance *right = *(YunInstance **) b;
  int order = g_strcmp0 (yun_instance_get_region (left), yun_instance_get_region (right));

  if (order == 0)
    order = g_utf8_collate (yun_instance_get_name (left), yun_instance_get_name (right));
  if (order == 0)
    order = g_strcmp0 (yun_instance_get_instance_id (left), yun_instance_get_instance_id (right));
  return order;
}

void
yunctl_sort_instances (GPtrArray *instances)
{
  g_ptr_array_sort (instances, compare_instances);
}

GPtrArray *
yunctl_list_instances (YunctlContext *context, GError **error)
{
  g_autoptr (YunFilters) filters = yun_filters_new ();
  g_autoptr (GPtrArray) instances = NULL;
  g_auto (GStrv) regions = NULL;

  if (context->options->state != NULL)
    {
      g_autofree char *state = g_ascii_strup (context->options->state, -1);
      yun_filters_add (filters, "instance-state", state, NULL);
    }

  if (context->options->all_regions)
    {
      g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
      g_autoptr (GPtrArray) region_list
        = yun_client_describe_regions (context->client, NULL, error);

      if (region_list == NULL)
        return NULL;
      for (guint i = 0; i < region_list->len; i++)
        if (yun_region_get_available (region_list->pdata[i]))
          g_strv_builder_add (builder, yun_region_get_region (region_list->pdata[i]));
      regions = g_strv_builder_end (builder);
    }
  else
    {
      regions = g_new0 (char *, 2);
      regions[0] = g_strdup (context->region);
    }

  instances = list_instances (context, (const char *const *) regions, filters, error);
  if (instances == NULL)
    return NULL;

  for (guint i = instances->len; i > 0; i--)
    if (!yunctl_instance_wanted (context, instances->pdata[i - 1]))
      g_ptr_array_remove_index (instances, i - 1);

  yunctl_sort_instances (instances);
  return g_steal_pointer (&instances);
}

gboolean
yunctl_command_instances (YunctlContext *context, GError **error)
{
  static const YunctlColumn columns[] = {
    { "instance-id", "INSTANCE ID" },
    { "name", "NAME" },
    { "state", "STATE" },
    { "zone", "ZONE" },
    { "instance-type", "TYPE" },
    { "cpu", "CPU" },
    { "memory", "MEM (GiB)" },
    { "os-name", "OS" },
    { "public-ips", "PUBLIC IP" },
    { "private-ips", "PRIVATE IP" },
  };
  g_autoptr (GPtrArray) instances = context->options->offline
                                      ? yunctl_load_cached_instances (context, error)
                                      : yunctl_list_instances (context, error);

  if (instances == NULL)
    return FALSE;
  print_objects (context, instances, "Instances", columns, G_N_ELEMENTS (columns));
  return TRUE;
}
