/* yunctl-inventory.c: sync, and the instances of the cache with --offline
 *
 * SPDX-License-Identifier: MIT
 */

#define G_LOG_DOMAIN "yunctl"

#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include "yunctl-output.h"
#include "yunctl.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (json_object, json_object_put)

/**
 * yunctl_load_cached_instances:
 * @context: the command's context
 * @error: return location for a #GError
 *
 * The instances cached for the account, in --region (or every region with
 * --all-regions), filtered by --state and --search, sorted. No network.
 *
 * Returns: (transfer full): the instances, or %NULL on error
 */
GPtrArray *
yunctl_load_cached_instances (YunctlContext *context, GError **error)
{
  g_autoptr (YunInventory) inventory = yun_inventory_new (context->cache, context->account);
  g_autoptr (GPtrArray) instances = g_ptr_array_new_with_free_func (g_object_unref);
  GListModel *model;

  if (!yun_inventory_load (inventory, NULL, error))
    return NULL;

  model = yun_inventory_get_instances (inventory);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (YunInstance) instance = g_list_model_get_item (model, i);

      if ((context->options->all_regions
           || g_strcmp0 (yun_instance_get_region (instance), context->region) == 0)
          && yunctl_instance_wanted (context, instance))
        g_ptr_array_add (instances, g_steal_pointer (&instance));
    }
  yunctl_sort_instances (instances);
  return g_steal_pointer (&instances);
}

typedef struct
{
  GMainLoop *loop;
  gboolean ok;
  GError *error;
  GPtrArray *changes; /* YunInstanceChange */
  gboolean show_progress;
} SyncRun;

static void
sync_progress (YunInventory *inventory, guint done, guint total, SyncRun *run)
{
  if (run->show_progress && total > 0)
    fprintf (stderr, "\ryunctl: synced %u of %u regions", done, total);
}

static void
changes_detected (YunInventory *inventory, GPtrArray *changes, SyncRun *run)
{
  for (guint i = 0; i < changes->len; i++)
    g_ptr_array_add (run->changes, yun_instance_change_copy (g_ptr_array_index (changes, i)));
}

static void
sync_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SyncRun *run = user_data;

  run->ok = yun_inventory_refresh_finish (YUN_INVENTORY (source), result, &run->error);
  g_main_loop_quit (run->loop);
}

static json_object *
change_to_json (YunInstanceChange *change)
{
  json_object *object = json_object_new_object ();

  json_object_object_add (
    object, "kind", json_object_new_string (yun_instance_change_kind_to_string (change->kind)));
  json_object_object_add (object, "instance_id", json_object_new_string (change->instance_id));
  json_object_object_add (object, "region", json_object_new_string (change->region));
  json_object_object_add (object, "name",
                          change->name != NULL ? json_object_new_string (change->name) : NULL);
  json_object_object_add (object, "old_state",
                          change->old_state != NULL ? json_object_new_string (change->old_state)
                                                    : NULL);
  json_object_object_add (object, "new_state",
                          change->new_state != NULL ? json_object_new_string (change->new_state)
                                                    : NULL);
  return object;
}

static void
print_change (YunInstanceChange *change)
{
  const char *name = change->name != NULL ? change->name : "";

  switch (change->kind)
    {
    case YUN_INSTANCE_CHANGE_ADDED:
      printf ("+ %s  %s  %s  (%s)\n", change->instance_id, change->region, name, change->new_state);
      break;
    case YUN_INSTANCE_CHANGE_VANISHED:
      printf ("- %s  %s  %s  (was %s)\n", change->instance_id, change->region, name,
              change->old_state);
      break;
    case YUN_INSTANCE_CHANGE_CHANGED:
    default:
      if (g_strcmp0 (change->old_state, change->new_state) != 0)
        printf ("~ %s  %s  %s  %s → %s\n", change->instance_id, change->region, name,
                change->old_state, change->new_state);
      else
        printf ("~ %s  %s  %s  (details changed)\n", change->instance_id, change->region, name);
      break;
    }
}

static void
print_sync_report (YunctlContext *context, YunInventory *inventory, GPtrArray *changes)
{
  static const YunctlColumn columns[] = {
    { "region", "REGION" },    { "name", "NAME" },   { "instance-count", "INSTANCES" },
    { "synced-at", "SYNCED" }, { "stale", "STALE" }, { "error-code", "ERROR" },
  };
  GListModel *model = yun_inventory_get_regions (inventory);
  g_autoptr (GPtrArray) regions = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (YunInventoryRegion) region = g_list_model_get_item (model, i);

      if (context->options->all_regions
          || g_strcmp0 (yun_inventory_region_get_region (region), context->region) == 0)
        g_ptr_array_add (regions, g_steal_pointer (&region));
    }

  if (context->options->json)
    {
      g_autoptr (json_object) root = json_object_new_object ();
      json_object *regions_json = json_object_new_array ();
      json_object *changes_json = json_object_new_array ();

      for (guint i = 0; i < regions->len; i++)
        json_object_array_add (regions_json, yunctl_object_to_json (regions->pdata[i]));
      for (guint i = 0; i < changes->len; i++)
        json_object_array_add (changes_json, change_to_json (changes->pdata[i]));
      json_object_object_add (root, "Regions", regions_json);
      json_object_object_add (root, "Changes", changes_json);
      yunctl_print_json_object (root);
      return;
    }

  yunctl_print_table (regions, columns, G_N_ELEMENTS (columns));
  if (changes->len > 0)
    printf ("\n%u change%s found since the last sync:\n", changes->len,
            changes->len == 1 ? "" : "s");
  for (guint i = 0; i < changes->len; i++)
    print_change (changes->pdata[i]);
}

/**
 * yunctl_command_sync:
 * @context: the command's context
 * @error: return location for a #GError
 *
 * Reads --region, or every region with --all-regions, into the cache, then prints each
 * region's count and freshness and what changed since the last sync. Fails when a region
 * could not be read; the regions that could are written all the same.
 *
 * Returns: whether every region was read
 */
gboolean
yunctl_command_sync (YunctlContext *context, GError **error)
{
  g_autoptr (YunInventory) inventory = yun_inventory_new (context->cache, context->account);
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  const char *only[] = { context->region, NULL };
  SyncRun run = {
    .loop = loop,
    .changes = g_ptr_array_new_with_free_func ((GDestroyNotify) yun_instance_change_free),
    .show_progress = !context->options->json && isatty (fileno (stderr)),
  };

  if (context->client == NULL)
    {
      g_set_error_literal (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                           "sync needs the network: drop --offline");
      g_ptr_array_unref (run.changes);
      return FALSE;
    }

  /* One-shot: no periodic refresh, no polls. */
  yun_inventory_set_refresh_interval (inventory, 0);
  yun_inventory_set_poll_interval (inventory, 0);
  yun_inventory_set_client (inventory, context->client);
  g_signal_connect (inventory, "sync-progress", G_CALLBACK (sync_progress), &run);
  g_signal_connect (inventory, "changes-detected", G_CALLBACK (changes_detected), &run);

  yun_inventory_refresh_async (inventory, context->options->all_regions ? NULL : only, NULL,
                               sync_done, &run);
  g_main_loop_run (loop);
  if (run.show_progress)
    fputc ('\n', stderr);

  /* The regions model already shows the cache as it now is, failed regions with their
   * errors: each region's event carried its row. */
  print_sync_report (context, inventory, run.changes);
  g_ptr_array_unref (run.changes);

  if (!run.ok)
    g_propagate_error (error, run.error);
  return run.ok;
}
