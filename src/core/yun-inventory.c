/* yun-inventory.c: every instance of an account, in every region, cached and kept true
 *
 * SPDX-License-Identifier: MIT
 *
 * The inventory shows the cache at once (yun_inventory_load*()), then keeps it true: a full
 * sync of every region on demand and every #YunInventory:refresh-interval seconds, and a
 * poll by ID of the instances in transition every #YunInventory:poll-interval
 * milliseconds until they settle.
 *
 * Threading: the object, its models and its signals belong to the thread-default main
 * context it was created in. Syncs and polls run on worker threads; their events queue
 * here and one idle callback applies every event queued so far, so a sync of sixteen
 * regions costs the main loop a few short callbacks, not one per page.
 */

#define G_LOG_DOMAIN "yun-inventory"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "yun-api-private.h"
#include "yun-instance-list-private.h"
#include "yun-inventory-region-private.h"
#include "yun-source-private.h"
#include "yun-sync-private.h"

/* ---- YunInstanceChange ---- */

G_DEFINE_BOXED_TYPE (YunInstanceChange,
                     yun_instance_change,
                     yun_instance_change_copy,
                     yun_instance_change_free)

YunInstanceChange *
yun_instance_change_copy (const YunInstanceChange *self)
{
  YunInstanceChange *copy = g_new0 (YunInstanceChange, 1);

  copy->kind = self->kind;
  copy->instance_id = g_strdup (self->instance_id);
  copy->region = g_strdup (self->region);
  copy->name = g_strdup (self->name);
  copy->old_state = g_strdup (self->old_state);
  copy->new_state = g_strdup (self->new_state);
  copy->detected_at = self->detected_at;
  return copy;
}

void
yun_instance_change_free (YunInstanceChange *self)
{
  if (self == NULL)
    return;
  g_free (self->instance_id);
  g_free (self->region);
  g_free (self->name);
  g_free (self->old_state);
  g_free (self->new_state);
  g_free (self);
}

static const GEnumValue change_kind_values[] = {
  { YUN_INSTANCE_CHANGE_ADDED, "YUN_INSTANCE_CHANGE_ADDED", "added" },
  { YUN_INSTANCE_CHANGE_CHANGED, "YUN_INSTANCE_CHANGE_CHANGED", "changed" },
  { YUN_INSTANCE_CHANGE_VANISHED, "YUN_INSTANCE_CHANGE_VANISHED", "vanished" },
  { 0, NULL, NULL },
};

GType
yun_instance_change_kind_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("YunInstanceChangeKind", change_kind_values));
  return type;
}

/**
 * yun_instance_change_kind_to_string:
 * @kind: a #YunInstanceChangeKind
 *
 * Returns: `added`, `changed` or `vanished`
 */
const char *
yun_instance_change_kind_to_string (YunInstanceChangeKind kind)
{
  g_return_val_if_fail (kind <= YUN_INSTANCE_CHANGE_VANISHED, "changed");
  return change_kind_values[kind].value_nick;
}

/* ---- YunInventory ---- */

/* What a worker learnt, waiting for the main context. */
typedef struct
{
  gboolean from_poll; /* a poll's events are not a sync's progress */
  guint n_regions;
  gboolean regions_known;
  char *region;
  YunCacheDiff *diff;
  GError *error;
  GPtrArray *region_rows; /* YunCacheRegionRow: the regions as the cache now has them */
} QueuedEvent;

static void
queued_event_free (QueuedEvent *event)
{
  g_free (event->region);
  _yun_cache_diff_free (event->diff);
  g_clear_error (&event->error);
  g_clear_pointer (&event->region_rows, g_ptr_array_unref);
  g_free (event);
}

struct _YunInventory
{
  GObject parent_instance;

  YunCache *cache;
  char *account;
  YunClient *client;
  GMainContext *context;
  GCancellable *cancellable;

  YunInstanceList *instances;
  GListStore *regions;
  GHashTable *regions_by_name; /* region → YunInventoryRegion, borrowed from the store */

  gboolean loaded;
  guint n_syncs;
  guint regions_done;
  guint regions_total;

  guint refresh_interval;
  GSource *refresh_source;
  guint poll_interval;
  GSource *poll_source;
  gboolean polling;
  /* Instances to read on the next poll whatever their state (yun_inventory_watch()):
   * instance ID → region. */
  GHashTable *watched;

  GMutex events_lock;
  GPtrArray *events; /* QueuedEvent */
  GSource *events_source;
};

G_DEFINE_FINAL_TYPE (YunInventory, yun_inventory, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_CACHE,
  PROP_ACCOUNT,
  PROP_CLIENT,
  PROP_REFRESH_INTERVAL,
  PROP_POLL_INTERVAL,
  PROP_LOADED,
  PROP_SYNCING,
  N_PROPS
};

enum
{
  SIGNAL_SYNC_PROGRESS,
  SIGNAL_CHANGES_DETECTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void schedule_poll (YunInventory *self);
static gboolean poll_cb (gpointer user_data);

/* How soon a watched instance is read: enough to gather a job's chunk in one poll. */
#define WATCH_DELAY_MS 300
static void reset_refresh_timer (YunInventory *self);

static void
yun_inventory_dispose (GObject *object)
{
  YunInventory *self = (YunInventory *) object;

  g_cancellable_cancel (self->cancellable);
  _yun_source_clear (&self->refresh_source);
  _yun_source_clear (&self->poll_source);
  _yun_source_clear (&self->events_source);

  G_OBJECT_CLASS (yun_inventory_parent_class)->dispose (object);
}

static void
yun_inventory_finalize (GObject *object)
{
  YunInventory *self = (YunInventory *) object;

  g_clear_object (&self->cache);
  g_free (self->account);
  g_clear_object (&self->client);
  g_main_context_unref (self->context);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->instances);
  g_clear_object (&self->regions);
  g_clear_pointer (&self->regions_by_name, g_hash_table_unref);
  g_clear_pointer (&self->watched, g_hash_table_unref);
  g_clear_pointer (&self->events, g_ptr_array_unref);
  g_mutex_clear (&self->events_lock);

  G_OBJECT_CLASS (yun_inventory_parent_class)->finalize (object);
}

static void
yun_inventory_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  YunInventory *self = YUN_INVENTORY (object);

  switch (prop_id)
    {
    case PROP_CACHE:
      g_value_set_object (value, self->cache);
      break;
    case PROP_ACCOUNT:
      g_value_set_string (value, self->account);
      break;
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case PROP_REFRESH_INTERVAL:
      g_value_set_uint (value, self->refresh_interval);
      break;
    case PROP_POLL_INTERVAL:
      g_value_set_uint (value, self->poll_interval);
      break;
    case PROP_LOADED:
      g_value_set_boolean (value, self->loaded);
      break;
    case PROP_SYNCING:
      g_value_set_boolean (value, self->n_syncs > 0);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yun_inventory_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  YunInventory *self = YUN_INVENTORY (object);

  switch (prop_id)
    {
    case PROP_CACHE:
      self->cache = g_value_dup_object (value);
      break;
    case PROP_ACCOUNT:
      self->account = g_value_dup_string (value);
      break;
    case PROP_CLIENT:
      yun_inventory_set_client (self, g_value_get_object (value));
      break;
    case PROP_REFRESH_INTERVAL:
      yun_inventory_set_refresh_interval (self, g_value_get_uint (value));
      break;
    case PROP_POLL_INTERVAL:
      yun_inventory_set_poll_interval (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yun_inventory_class_init (YunInventoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = yun_inventory_dispose;
  object_class->finalize = yun_inventory_finalize;
  object_class->get_property = yun_inventory_get_property;
  object_class->set_property = yun_inventory_set_property;

  /** YunInventory:cache: the database the inventory reads and writes */
  properties[PROP_CACHE]
    = g_param_spec_object ("cache", NULL, NULL, YUN_TYPE_CACHE,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /** YunInventory:account: the profile name the cached rows belong to */
  properties[PROP_ACCOUNT]
    = g_param_spec_string ("account", NULL, NULL, NULL,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /** YunInventory:client: the client syncs use; %NULL while offline */
  properties[PROP_CLIENT]
    = g_param_spec_object ("client", NULL, NULL, YUN_TYPE_CLIENT,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /** YunInventory:refresh-interval: seconds between full syncs, 0 for none */
  properties[PROP_REFRESH_INTERVAL] = g_param_spec_uint (
    "refresh-interval", NULL, NULL, 0, G_MAXUINT, YUN_INVENTORY_DEFAULT_REFRESH_INTERVAL,
    G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /** YunInventory:poll-interval: milliseconds between polls of instances in transition */
  properties[PROP_POLL_INTERVAL] = g_param_spec_uint (
    "poll-interval", NULL, NULL, 0, G_MAXUINT, YUN_INVENTORY_DEFAULT_POLL_INTERVAL_MS,
    G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /** YunInventory:loaded: the cached inventory has been read */
  properties[PROP_LOADED]
    = g_param_spec_boolean ("loaded", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /** YunInventory:syncing: a full sync is under way */
  properties[PROP_SYNCING]
    = g_param_spec_boolean ("syncing", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * YunInventory::sync-progress:
   * @self: the inventory
   * @regions_done: regions written or failed so far
   * @regions_total: regions in this sync
   *
   * A full sync advanced. Emitted at most once per main-loop iteration.
   */
  signals[SIGNAL_SYNC_PROGRESS]
    = g_signal_new ("sync-progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);

  /**
   * YunInventory::changes-detected:
   * @self: the inventory
   * @changes: (element-type YunInstanceChange): what a sync or a poll found changed
   *
   * Instances were added, changed or removed outside this inventory: in the console, by
   * another tool, or by the end of a transition. The same changes are logged in the cache.
   */
  signals[SIGNAL_CHANGES_DETECTED]
    = g_signal_new ("changes-detected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 1, G_TYPE_PTR_ARRAY);
}

static void
yun_inventory_init (YunInventory *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->cancellable = g_cancellable_new ();
  self->instances = _yun_instance_list_new ();
  self->regions = g_list_store_new (YUN_TYPE_INVENTORY_REGION);
  self->regions_by_name = g_hash_table_new (g_str_hash, g_str_equal);
  self->watched = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->refresh_interval = YUN_INVENTORY_DEFAULT_REFRESH_INTERVAL;
  self->poll_interval = YUN_INVENTORY_DEFAULT_POLL_INTERVAL_MS;
  self->events = g_ptr_array_new_with_free_func ((GDestroyNotify) queued_event_free);
  g_mutex_init (&self->events_lock);
}

/**
 * yun_inventory_new:
 * @cache: the database
 * @account: the account (profile name) whose rows to show
 *
 * Returns: (transfer full): an empty inventory; load it with yun_inventory_load_async()
 */
YunInventory *
yun_inventory_new (YunCache *cache, const char *account)
{
  g_return_val_if_fail (YUN_IS_CACHE (cache), NULL);
  g_return_val_if_fail (account != NULL && *account != '\0', NULL);

  return g_object_new (YUN_TYPE_INVENTORY, "cache", cache, "account", account, NULL);
}

YunCache *
yun_inventory_get_cache (YunInventory *self)
{
  g_return_val_if_fail (YUN_IS_INVENTORY (self), NULL);
  return self->cache;
}

const char *
yun_inventory_get_account (YunInventory *self)
{
  g_return_val_if_fail (YUN_IS_INVENTORY (self), NULL);
  return self->account;
}

YunClient *
yun_inventory_get_client (YunInventory *self)
{
  g_return_val_if_fail (YUN_IS_INVENTORY (self), NULL);
  return self->client;
}

/**
 * yun_inventory_set_client:
 * @self: a #YunInventory
 * @client: (nullable): the client to sync with, or %NULL to stay offline
 *
 * With a client, the periodic refresh and the polls of instances in transition start.
 */
void
yun_inventory_set_client (YunInventory *self, YunClient *client)
{
  g_return_if_fail (YUN_IS_INVENTORY (self));
  g_return_if_fail (client == NULL || YUN_IS_CLIENT (client));

  if (!g_set_object (&self->client, client))
    return;
  reset_refresh_timer (self);
  schedule_poll (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT]);
}

guint
yun_inventory_get_refresh_interval (YunInventory *self)
{
  g_return_val_if_fail (YUN_IS_INVENTORY (self), 0);
  return self->refresh_interval;
}

void
yun_inventory_set_refresh_interval (YunInventory *self, guint seconds)
{
  g_return_if_fail (YUN_IS_INVENTORY (self));

  if (self->refresh_interval == seconds)
    return;
  self->refresh_interval = seconds;
  reset_refresh_timer (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REFRESH_INTERVAL]);
}

guint
yun_inventory_get_poll_interval (YunInventory *self)
{
  g_return_val_if_fail (YUN_IS_INVENTORY (self), 0);
  return self->poll_interval;
}

void
yun_inventory_set_poll_interval (YunInventory *self, guint milliseconds)
{
  g_return_if_fail (YUN_IS_INVENTORY (self));

  if (self->poll_interval == milliseconds)
    return;
  self->poll_interval = milliseconds;
  _yun_source_clear (&self->poll_source);
  schedule_poll (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POLL_INTERVAL]);
}

gboolean
yun_inventory_get_loaded (YunInventory *self)
{
  g_return_val_if_fail (YUN_IS_INVENTORY (self), FALSE);
  return self->loaded;
}

gboolean
yun_inventory_get_syncing (YunInventory *self)
{
  g_return_val_if_fail (YUN_IS_INVENTORY (self), FALSE);
  return self->n_syncs > 0;
}

/**
 * yun_inventory_get_regions:
 * @self: a #YunInventory
 *
 * Returns: (transfer none): a #GListModel of #YunInventoryRegion, by region name
 */
GListModel *
yun_inventory_get_regions (YunInventory *self)
{
  g_return_val_if_fail (YUN_IS_INVENTORY (self), NULL);
  return G_LIST_MODEL (self->regions);
}

/**
 * yun_inventory_get_instances:
 * @self: a #YunInventory
 *
 * Every instance of every region, in no particular order (views sort). Items are
 * immutable: a changed instance is a new item at the same position.
 *
 * Returns: (transfer none): a #GListModel of #YunInstance
 */
GListModel *
yun_inventory_get_instances (YunInventory *self)
{
  g_return_val_if_fail (YUN_IS_INVENTORY (self), NULL);
  return G_LIST_MODEL (self->instances);
}

/**
 * yun_inventory_lookup:
 * @self: a #YunInventory
 * @instance_id: an instance ID
 *
 * Returns: (transfer none) (nullable): the instance, if the inventory holds it
 */
YunInstance *
yun_inventory_lookup (YunInventory *self, const char *instance_id)
{
  g_return_val_if_fail (YUN_IS_INVENTORY (self), NULL);
  g_return_val_if_fail (instance_id != NULL, NULL);
  return _yun_instance_list_lookup (self->instances, instance_id);
}

/* ---- Regions ---- */

static gint
compare_regions (gconstpointer a, gconstpointer b, gpointer user_data)
{
  return g_strcmp0 (yun_inventory_region_get_region ((YunInventoryRegion *) a),
                    yun_inventory_region_get_region ((YunInventoryRegion *) b));
}

static YunInventoryRegion *
ensure_region (YunInventory *self, const char *name)
{
  YunInventoryRegion *region = g_hash_table_lookup (self->regions_by_name, name);

  if (region == NULL)
    {
      g_autoptr (YunInventoryRegion) created = _yun_inventory_region_new (name);

      g_list_store_insert_sorted (self->regions, created, compare_regions, NULL);
      g_hash_table_insert (self->regions_by_name,
                           (gpointer) yun_inventory_region_get_region (created), created);
      region = created;
    }
  return region;
}

/* The regions as the cache has them: new ones appear, forgotten ones go. */
static void
update_regions (YunInventory *self, GPtrArray *rows)
{
  g_autoptr (GHashTable) listed = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < rows->len; i++)
    {
      YunCacheRegionRow *row = g_ptr_array_index (rows, i);

      _yun_inventory_region_update_from_row (ensure_region (self, row->region), row);
      g_hash_table_add (listed, row->region);
    }

  for (guint i = g_list_model_get_n_items (G_LIST_MODEL (self->regions)); i > 0; i--)
    {
      g_autoptr (YunInventoryRegion) region
        = g_list_model_get_item (G_LIST_MODEL (self->regions), i - 1);
      const char *name = yun_inventory_region_get_region (region);

      if (!g_hash_table_contains (listed, name))
        {
          g_hash_table_remove (self->regions_by_name, name);
          g_list_store_remove (self->regions, i - 1);
        }
    }
}

static void
set_regions_syncing (YunInventory *self, const char *const *only, gboolean syncing)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->regions_by_name);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (only == NULL || g_strv_contains (only, key))
      _yun_inventory_region_set_syncing (value, syncing);
}

/* ---- Events from the workers ---- */

static void
deliver_events (YunInventory *self)
{
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GPtrArray) changes
    = g_ptr_array_new_with_free_func ((GDestroyNotify) yun_instance_change_free);
  GPtrArray *latest_rows = NULL;
  gboolean progressed = FALSE;

  /* Disposed: the workers still finishing have nobody left to tell. */
  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  g_mutex_lock (&self->events_lock);
  events = g_steal_pointer (&self->events);
  self->events = g_ptr_array_new_with_free_func ((GDestroyNotify) queued_event_free);
  _yun_source_clear (&self->events_source);
  g_mutex_unlock (&self->events_lock);

  for (guint i = 0; i < events->len; i++)
    {
      QueuedEvent *event = g_ptr_array_index (events, i);

      if (event->region_rows != NULL)
        latest_rows = event->region_rows;
      if (event->regions_known)
        {
          self->regions_total = event->n_regions;
          progressed = TRUE;
          continue;
        }
      if (event->diff != NULL)
        {
          _yun_instance_list_apply (self->instances, event->diff);
          g_ptr_array_extend_and_steal (changes, g_steal_pointer (&event->diff->changes));
          event->diff->changes = g_ptr_array_new ();
        }
      if (!event->from_poll)
        {
          self->regions_done++;
          progressed = TRUE;
        }
      if (event->region != NULL)
        _yun_inventory_region_set_syncing (ensure_region (self, event->region), FALSE);
    }

  if (latest_rows != NULL)
    update_regions (self, latest_rows);
  if (progressed)
    g_signal_emit (self, signals[SIGNAL_SYNC_PROGRESS], 0, self->regions_done, self->regions_total);
  if (changes->len > 0)
    g_signal_emit (self, signals[SIGNAL_CHANGES_DETECTED], 0, changes);
  schedule_poll (self);
}

static gboolean
deliver_events_cb (gpointer user_data)
{
  deliver_events (user_data);
  return G_SOURCE_REMOVE;
}

/* Worker thread, holding the events lock. */
static void
queue_event_locked (YunInventory *self, QueuedEvent *event)
{
  g_ptr_array_add (self->events, event);
  if (self->events_source == NULL)
    self->events_source
      = _yun_idle_add_for_object (self->context, deliver_events_cb, self, "[yun-inventory] events");
}

/* Worker thread. */
static void
queue_sync_event (YunInventory *self, const YunSyncEvent *sync_event, gboolean from_poll)
{
  QueuedEvent *event = g_new0 (QueuedEvent, 1);
  g_autoptr (GError) error = NULL;

  event->from_poll = from_poll;
  event->n_regions = sync_event->n_regions;
  event->regions_known = sync_event->region == NULL;
  event->region = g_strdup (sync_event->region);
  event->diff = sync_event->diff;
  event->error = sync_event->error != NULL ? g_error_copy (sync_event->error) : NULL;
  /* Built here rather than by the list's next search or sort, on the main thread. */
  if (event->diff != NULL)
    {
      _yun_instance_prepare_lookups (event->diff->added);
      _yun_instance_prepare_lookups (event->diff->changed);
    }
  /* Read here, off the main thread: names, counts, freshness and errors. Read and queued
   * under the events lock, so the last event queued carries the newest rows. */
  g_mutex_lock (&self->events_lock);
  event->region_rows = _yun_cache_load_region_rows (self->cache, self->account, &error);
  if (event->region_rows == NULL)
    g_warning ("%s", error->message);
  queue_event_locked (self, event);
  g_mutex_unlock (&self->events_lock);
}

/* Worker thread: the YunSyncEventFunc of full syncs. */
static void
on_sync_event (const YunSyncEvent *sync_event, gpointer user_data)
{
  queue_sync_event (user_data, sync_event, FALSE);
}

/* Worker thread: the YunSyncEventFunc of polls. */
static void
on_poll_event (const YunSyncEvent *sync_event, gpointer user_data)
{
  queue_sync_event (user_data, sync_event, TRUE);
}

/* ---- Load ---- */

typedef struct
{
  GPtrArray *instances;
  GPtrArray *region_rows;
} LoadResult;

static void
load_result_free (LoadResult *result)
{
  g_clear_pointer (&result->instances, g_ptr_array_unref);
  g_clear_pointer (&result->region_rows, g_ptr_array_unref);
  g_free (result);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LoadResult, load_result_free)

static LoadResult *
read_cache (YunCache *cache, const char *account, GError **error)
{
  g_autoptr (LoadResult) result = g_new0 (LoadResult, 1);

  result->instances = _yun_cache_load_instances (cache, account, NULL, error);
  if (result->instances == NULL)
    return NULL;
  result->region_rows = _yun_cache_load_region_rows (cache, account, error);
  if (result->region_rows == NULL)
    return NULL;
  return g_steal_pointer (&result);
}

static void
show_loaded (YunInventory *self, LoadResult *result)
{
  _yun_instance_list_reset (self->instances, result->instances);
  update_regions (self, result->region_rows);
  if (!self->loaded)
    {
      self->loaded = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
    }
  schedule_poll (self);
}

/**
 * yun_inventory_load:
 * @self: a #YunInventory
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Reads the cached inventory into the models, on the calling thread: for the command line.
 *
 * Returns: whether the cache could be read
 */
gboolean
yun_inventory_load (YunInventory *self, GCancellable *cancellable, GError **error)
{
  g_autoptr (LoadResult) result = NULL;

  g_return_val_if_fail (YUN_IS_INVENTORY (self), FALSE);

  result = read_cache (self->cache, self->account, error);
  if (result == NULL)
    return FALSE;
  show_loaded (self, result);
  return TRUE;
}

static void
load_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  YunInventory *self = source;
  GError *error = NULL;
  LoadResult *result = read_cache (self->cache, self->account, &error);
  g_autoptr (GPtrArray) instances = NULL;

  if (result == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  instances = g_ptr_array_new_full (result->instances->len, g_object_unref);
  for (guint i = 0; i < result->instances->len; i++)
    g_ptr_array_add (instances, g_object_ref (g_ptr_array_index (result->instances, i)));
  g_task_return_pointer (task, result, (GDestroyNotify) load_result_free);
  /* While the window shows them: the first search or sort of the list would build these. */
  _yun_instance_prepare_lookups (instances);
}

/**
 * yun_inventory_load_async:
 * @self: a #YunInventory
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the models hold the cache
 * @user_data: data for @callback
 *
 * Reads the cached inventory on a worker thread and shows it in the models at once.
 */
void
yun_inventory_load_async (YunInventory *self,
                          GCancellable *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (YUN_IS_INVENTORY (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, yun_inventory_load_async);
  g_task_run_in_thread (task, load_thread);
}

gboolean
yun_inventory_load_finish (YunInventory *self, GAsyncResult *result, GError **error)
{
  g_autoptr (LoadResult) loaded = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  loaded = g_task_propagate_pointer (G_TASK (result), error);
  if (loaded == NULL)
    return FALSE;
  show_loaded (self, loaded);
  return TRUE;
}

/* ---- Full sync ---- */

typedef struct
{
  YunClient *client;
  GStrv regions;
} RefreshData;

static void
refresh_data_free (RefreshData *data)
{
  g_clear_object (&data->client);
  g_strfreev (data->regions);
  g_free (data);
}

static void
refresh_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  YunInventory *self = source;
  RefreshData *data = task_data;
  GError *error = NULL;

  if (_yun_sync_regions (data->client, self->cache, self->account,
                         (const char *const *) data->regions, on_sync_event, self, cancellable,
                         &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
refresh_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  YunInventory *self = YUN_INVENTORY (source);
  g_autoptr (GTask) outer = user_data;
  RefreshData *data = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;

  /* Everything the sync wrote is in the models before the caller hears it ended. */
  deliver_events (self);
  set_regions_syncing (self, (const char *const *) data->regions, FALSE);
  if (--self->n_syncs == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNCING]);

  if (g_task_propagate_boolean (G_TASK (result), &error))
    g_task_return_boolean (outer, TRUE);
  else
    g_task_return_error (outer, error);
}

static void
cancel_inner (GCancellable *outer, GCancellable *inner)
{
  g_cancellable_cancel (inner);
}

/**
 * yun_inventory_refresh_async:
 * @self: a #YunInventory
 * @regions: (nullable) (array zero-terminated=1): the regions to read, or %NULL for every
 *   available region
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when every region has been written or has failed
 * @user_data: data for @callback
 *
 * Reads the regions from Tencent Cloud, in parallel within the rate limits, and writes
 * each into the cache and the models as soon as it is complete. A region that fails keeps
 * its cached instances, marked stale with the error.
 */
void
yun_inventory_refresh_async (YunInventory *self,
                             const char *const *regions,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data)
{
  g_autoptr (GTask) outer = NULL;
  g_autoptr (GTask) inner = NULL;
  g_autoptr (GCancellable) inner_cancellable = NULL;
  RefreshData *data;

  g_return_if_fail (YUN_IS_INVENTORY (self));

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, yun_inventory_refresh_async);
  if (self->client == NULL)
    {
      g_task_return_new_error (outer, YUN_ERROR, YUN_ERROR_NETWORK,
                               _ ("Working offline: there is no account to sync with"));
      return;
    }

  /* Disposing of the inventory cancels its syncs too. */
  inner_cancellable = g_cancellable_new ();
  g_signal_connect_object (self->cancellable, "cancelled", G_CALLBACK (cancel_inner),
                           inner_cancellable, 0);
  if (cancellable != NULL)
    g_signal_connect_object (cancellable, "cancelled", G_CALLBACK (cancel_inner), inner_cancellable,
                             0);

  data = g_new0 (RefreshData, 1);
  data->client = g_object_ref (self->client);
  data->regions = g_strdupv ((char **) regions);

  self->regions_done = 0;
  self->regions_total = regions != NULL ? g_strv_length ((char **) regions) : 0;
  set_regions_syncing (self, regions, TRUE);
  if (self->n_syncs++ == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNCING]);
  reset_refresh_timer (self);

  inner = g_task_new (self, inner_cancellable, refresh_done, g_steal_pointer (&outer));
  g_task_set_source_tag (inner, refresh_thread);
  g_task_set_task_data (inner, data, (GDestroyNotify) refresh_data_free);
  g_task_set_return_on_cancel (inner, FALSE);
  g_task_run_in_thread (inner, refresh_thread);
}

/**
 * yun_inventory_refresh_finish:
 * @self: a #YunInventory
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: %TRUE when every region was read; otherwise %FALSE with an error naming the
 *   regions that failed (each #YunInventoryRegion tells its own error)
 */
gboolean
yun_inventory_refresh_finish (YunInventory *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
periodic_refresh_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  /* Each failed region shows its own error in the regions model. */
  if (!yun_inventory_refresh_finish (YUN_INVENTORY (source), result, &error))
    g_debug ("Periodic refresh: %s", error->message);
}

static gboolean
periodic_refresh_cb (gpointer user_data)
{
  YunInventory *self = user_data;

  g_clear_pointer (&self->refresh_source, g_source_unref);
  if (self->n_syncs == 0)
    yun_inventory_refresh_async (self, NULL, NULL, periodic_refresh_done, NULL);
  else
    reset_refresh_timer (self);
  return G_SOURCE_REMOVE;
}

/* The next periodic refresh is one interval after the latest sync started. */
static void
reset_refresh_timer (YunInventory *self)
{
  _yun_source_clear (&self->refresh_source);
  if (self->client == NULL || self->refresh_interval == 0)
    return;
  self->refresh_source = g_timeout_source_new_seconds (self->refresh_interval);
  g_source_set_callback (self->refresh_source, periodic_refresh_cb, self, NULL);
  g_source_set_static_name (self->refresh_source, "[yun-inventory] refresh");
  g_source_attach (self->refresh_source, self->context);
}

/* ---- Polls of instances in transition ---- */

static void
add_id_by_region (GHashTable *ids_by_region, const char *region, const char *instance_id)
{
  GPtrArray *ids = g_hash_table_lookup (ids_by_region, region);

  if (ids == NULL)
    {
      ids = g_ptr_array_new_with_free_func (g_free);
      g_hash_table_insert (ids_by_region, g_strdup (region), ids);
    }
  g_ptr_array_add (ids, g_strdup (instance_id));
}

static GHashTable *
collect_transitional (YunInventory *self)
{
  g_autoptr (GHashTable) ids_by_region
    = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  GListModel *model = G_LIST_MODEL (self->instances);
  GHashTableIter iter;
  gpointer instance_id, region;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (YunInstance) instance = g_list_model_get_item (model, i);

      if (yun_instance_is_transitional (instance)
          && !g_hash_table_contains (self->watched, yun_instance_get_instance_id (instance)))
        add_id_by_region (ids_by_region, yun_instance_get_region (instance),
                          yun_instance_get_instance_id (instance));
    }
  g_hash_table_iter_init (&iter, self->watched);
  while (g_hash_table_iter_next (&iter, &instance_id, &region))
    add_id_by_region (ids_by_region, region, instance_id);
  g_hash_table_remove_all (self->watched);
  return g_hash_table_size (ids_by_region) > 0 ? g_steal_pointer (&ids_by_region) : NULL;
}

typedef struct
{
  YunClient *client;
  GHashTable *ids_by_region;
} PollData;

static void
poll_data_free (PollData *data)
{
  g_clear_object (&data->client);
  g_clear_pointer (&data->ids_by_region, g_hash_table_unref);
  g_free (data);
}

static void
poll_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  YunInventory *self = source;
  PollData *data = task_data;
  GError *error = NULL;

  if (_yun_sync_instances (data->client, self->cache, self->account, data->ids_by_region,
                           on_poll_event, self, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
poll_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  YunInventory *self = YUN_INVENTORY (source);
  g_autoptr (GError) error = NULL;

  self->polling = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      /* The next poll, or the next full sync, tries again. */
      g_debug ("Poll of instances in transition: %s", error->message);
      if (g_error_matches (error, YUN_ERROR, YUN_ERROR_CANCELLED))
        return;
    }
  deliver_events (self);
}

static gboolean
poll_cb (gpointer user_data)
{
  YunInventory *self = user_data;
  g_autoptr (GTask) task = NULL;
  PollData *data;

  g_clear_pointer (&self->poll_source, g_source_unref);

  /* A full sync reads these instances anyway; poll after it. */
  if (self->n_syncs > 0 || self->client == NULL)
    return G_SOURCE_REMOVE;

  data = g_new0 (PollData, 1);
  data->ids_by_region = collect_transitional (self);
  if (data->ids_by_region == NULL)
    {
      poll_data_free (data);
      return G_SOURCE_REMOVE;
    }
  data->client = g_object_ref (self->client);

  self->polling = TRUE;
  task = g_task_new (self, self->cancellable, poll_done, NULL);
  g_task_set_source_tag (task, poll_cb);
  g_task_set_task_data (task, data, (GDestroyNotify) poll_data_free);
  g_task_run_in_thread (task, poll_thread);
  return G_SOURCE_REMOVE;
}

static gboolean
has_transitional (YunInventory *self)
{
  GListModel *model = G_LIST_MODEL (self->instances);

  if (g_hash_table_size (self->watched) > 0)
    return TRUE;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (YunInstance) instance = g_list_model_get_item (model, i);

      if (yun_instance_is_transitional (instance))
        return TRUE;
    }
  return FALSE;
}

static void
schedule_poll (YunInventory *self)
{
  if (self->poll_source != NULL || self->polling || self->client == NULL || self->poll_interval == 0
      || g_cancellable_is_cancelled (self->cancellable) || !has_transitional (self))
    return;

  self->poll_source = g_timeout_source_new (self->poll_interval);
  g_source_set_callback (self->poll_source, poll_cb, self, NULL);
  g_source_set_static_name (self->poll_source, "[yun-inventory] poll");
  g_source_attach (self->poll_source, self->context);
}

/**
 * yun_inventory_watch:
 * @self: a #YunInventory
 * @instance_id: an instance ID
 * @region: its region
 *
 * Reads @instance_id on the next poll, in a moment, whatever the state the inventory knows
 * it in; then, while it is in transition, on every poll until it settles. For a change
 * made from here (a job's call), which the inventory cannot see coming. Calls in the same
 * main-loop iteration share one poll.
 */
void
yun_inventory_watch (YunInventory *self, const char *instance_id, const char *region)
{
  g_return_if_fail (YUN_IS_INVENTORY (self));
  g_return_if_fail (instance_id != NULL && region != NULL);

  g_hash_table_replace (self->watched, g_strdup (instance_id), g_strdup (region));
  if (self->polling || self->client == NULL)
    return;
  _yun_source_clear (&self->poll_source);
  self->poll_source = g_timeout_source_new (WATCH_DELAY_MS);
  g_source_set_callback (self->poll_source, poll_cb, self, NULL);
  g_source_set_static_name (self->poll_source, "[yun-inventory] poll");
  g_source_attach (self->poll_source, self->context);
}
