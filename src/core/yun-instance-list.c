/* yun-instance-list.c: the inventory's list of instances, indexed by ID
 *
 * SPDX-License-Identifier: MIT
 *
 * A GListModel of YunInstance whose items are found by instance ID in constant time, so a
 * sync that changes a few hundred of ten thousand instances costs a few hundred small
 * items-changed signals, not a rebuild. The order is the order of arrival: views sort.
 * A removed item's place is taken by the last one, which keeps every removal O(1).
 * Main thread only.
 */

#define G_LOG_DOMAIN "yun-instance-list"

#include "config.h"

#include "yun-instance-list-private.h"

struct _YunInstanceList
{
  GObject parent_instance;

  GPtrArray *items;      /* YunInstance */
  GHashTable *positions; /* instance ID (borrowed from the item) → position + 1 */
};

static void yun_instance_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (YunInstanceList,
                               yun_instance_list,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      yun_instance_list_model_init))

static GType
yun_instance_list_get_item_type (GListModel *model)
{
  return YUN_TYPE_INSTANCE;
}

static guint
yun_instance_list_get_n_items (GListModel *model)
{
  return YUN_INSTANCE_LIST (model)->items->len;
}

static gpointer
yun_instance_list_get_item (GListModel *model, guint position)
{
  YunInstanceList *self = YUN_INSTANCE_LIST (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
yun_instance_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = yun_instance_list_get_item_type;
  iface->get_n_items = yun_instance_list_get_n_items;
  iface->get_item = yun_instance_list_get_item;
}

static void
yun_instance_list_finalize (GObject *object)
{
  YunInstanceList *self = (YunInstanceList *) object;

  g_hash_table_unref (self->positions);
  g_ptr_array_unref (self->items);

  G_OBJECT_CLASS (yun_instance_list_parent_class)->finalize (object);
}

static void
yun_instance_list_class_init (YunInstanceListClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = yun_instance_list_finalize;
}

static void
yun_instance_list_init (YunInstanceList *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->positions = g_hash_table_new (g_str_hash, g_str_equal);
}

YunInstanceList *
_yun_instance_list_new (void)
{
  return g_object_new (YUN_TYPE_INSTANCE_LIST, NULL);
}

static void
index_item (YunInstanceList *self, guint position)
{
  YunInstance *instance = g_ptr_array_index (self->items, position);

  g_hash_table_replace (self->positions, (gpointer) yun_instance_get_instance_id (instance),
                        GUINT_TO_POINTER (position + 1));
}

static gboolean
find (YunInstanceList *self, const char *instance_id, guint *position)
{
  gpointer value = g_hash_table_lookup (self->positions, instance_id);

  if (value == NULL)
    return FALSE;
  *position = GPOINTER_TO_UINT (value) - 1;
  return TRUE;
}

YunInstance *
_yun_instance_list_lookup (YunInstanceList *self, const char *instance_id)
{
  guint position;

  g_return_val_if_fail (YUN_IS_INSTANCE_LIST (self), NULL);

  return find (self, instance_id, &position) ? g_ptr_array_index (self->items, position) : NULL;
}

void
_yun_instance_list_reset (YunInstanceList *self, GPtrArray *instances)
{
  guint removed = self->items->len;

  g_return_if_fail (YUN_IS_INSTANCE_LIST (self));

  g_hash_table_remove_all (self->positions);
  g_ptr_array_set_size (self->items, 0);
  for (guint i = 0; i < instances->len; i++)
    {
      YunInstance *instance = g_ptr_array_index (instances, i);
      guint ignored;

      /* A list never holds an ID twice, whatever it is given. */
      if (find (self, yun_instance_get_instance_id (instance), &ignored))
        continue;
      g_ptr_array_add (self->items, g_object_ref (instance));
      index_item (self, self->items->len - 1);
    }
  g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, self->items->len);
}

/* Two steps, each leaving the model as its signal says: the last item leaves the end, then
 * takes the removed item's place. */
static void
remove_at (YunInstanceList *self, guint position)
{
  guint last = self->items->len - 1;
  g_autoptr (YunInstance) moved = NULL;
  g_autoptr (YunInstance) removed = NULL;

  if (position == last)
    {
      g_hash_table_remove (self->positions,
                           yun_instance_get_instance_id (g_ptr_array_index (self->items, last)));
      g_ptr_array_remove_index (self->items, last);
      g_list_model_items_changed (G_LIST_MODEL (self), last, 1, 0);
      return;
    }

  moved = g_ptr_array_steal_index (self->items, last);
  g_list_model_items_changed (G_LIST_MODEL (self), last, 1, 0);

  removed = g_ptr_array_index (self->items, position);
  g_hash_table_remove (self->positions, yun_instance_get_instance_id (removed));
  g_ptr_array_index (self->items, position) = g_steal_pointer (&moved);
  index_item (self, position);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 1);
}

void
_yun_instance_list_apply (YunInstanceList *self, YunCacheDiff *diff)
{
  guint appended_at;
  guint position;

  g_return_if_fail (YUN_IS_INSTANCE_LIST (self));

  for (guint i = 0; i < diff->vanished->len; i++)
    if (find (self, g_ptr_array_index (diff->vanished, i), &position))
      remove_at (self, position);

  appended_at = self->items->len;
  for (guint pass = 0; pass < 2; pass++)
    {
      GPtrArray *instances = pass == 0 ? diff->changed : diff->added;

      for (guint i = 0; i < instances->len; i++)
        {
          YunInstance *instance = g_ptr_array_index (instances, i);

          /* A change to an instance this list never had (a first sync without a load) is
           * an addition here, and an addition of a known one a replacement. */
          if (find (self, yun_instance_get_instance_id (instance), &position))
            {
              g_autoptr (YunInstance) old = g_ptr_array_index (self->items, position);

              /* The index borrows the ID of the item: re-key it before the old one goes. */
              g_ptr_array_index (self->items, position) = g_object_ref (instance);
              index_item (self, position);
              if (position < appended_at)
                g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 1);
            }
          else
            {
              g_ptr_array_add (self->items, g_object_ref (instance));
              index_item (self, self->items->len - 1);
            }
        }
    }
  if (self->items->len > appended_at)
    g_list_model_items_changed (G_LIST_MODEL (self), appended_at, 0,
                                self->items->len - appended_at);
}
