/* yun-instance-selection.c: the instances shown, as rows that keep their place, and which
 * of them are selected
 *
 * SPDX-License-Identifier: MIT
 *
 * The instance list's selection model. Its items are YunInstanceRows, one per position:
 * when the instances shown change (a filter keystroke, a sort, a sync), the rows on
 * screen are given their new instances and GTK sees only the list grow or shrink at its
 * end. GTK 4.8 builds new widgets for every item it has not seen before; with the
 * instances themselves as items, each keystroke built a screenful of rows, 14 cells each,
 * 80 to 200 ms of the main thread.
 *
 * Only the rows on screen (yun_instance_selection_set_shown_range()) follow at once; GTK 4.8
 * keeps some 200 rows alive, and the others are brought up to date when they scroll into
 * view, when GTK asks for them, or some a frame once the changes pause.
 *
 * Progressive (yun_instance_selection_set_progressive()), it also gives GTK a long list a
 * screenful first, then some rows a frame (yun_instance_selection_catch_up()) until GTK
 * has built all the rows it keeps, and the rest at once: 200 rows of 14 cells take GTK
 * about 250 ms to build, too long for one frame.
 *
 * And when a progressive list shrinks, the rows GTK has built for the positions that went
 * stay, blank, until the changes pause, and then go some a frame: GTK 4.8 destroys a row
 * whose item leaves the list, 20 to 40 ms for a keystroke that narrows a long list to a few
 * rows, and builds it again when the next keystroke widens the list. Those that fill the
 * view without making it scroll stay for good (yun_instance_selection_set_n_fitting()).
 *
 * The selection is a set of instance IDs, so that an instance stays selected when a sync
 * replaces it with a newer copy or the sort moves it, and always a part of what is shown:
 * an instance the filter hides, or that leaves the account, leaves the selection.
 */

#define G_LOG_DOMAIN "yun-instance-selection"

#include "config.h"

#include "yun-instance-selection.h"

#include <string.h>

#include "yun-instance-row.h"

/* Rows GTK 4.8 builds around what it shows (GTK_LIST_VIEW_MAX_LIST_ITEMS, and a few): a list
 * longer than that costs no more rows. */
#define GTK_BUILT_ROWS 210
/* A screenful of any window, until the view says how many rows it shows. */
#define DEFAULT_SCREENFUL 40
/* Then this many more a frame; and as many blank rows go a frame. */
#define ROWS_PER_FRAME 8
/* Rows off screen brought up to date a frame: GTK 4.8 draws every row it has, and a row's
 * new texts are shaped when it is drawn, on screen or not. */
#define REFRESH_ROWS_PER_FRAME 4
/* What waits for a pause in the changes (rows off screen, blank rows) waits this long: a
 * pause in typing. Until then no frame is spent on it, so that a keystroke is drawn at once. */
#define PAUSE_MS 1000

typedef struct _LiveRow LiveRow;

struct _YunInstanceSelection
{
  GObject parent_instance;

  GListModel *model;    /* (nullable): YunInstance, in the order shown */
  GPtrArray *instances; /* the model's items, a reference each once asked for, or NULL */
  guint n_exposed;      /* how many positions GTK has been told of; past the instances, blank */
  gboolean progressive;
  guint screenful;       /* rows given at once when the list grows from (nearly) nothing */
  guint n_fitting;       /* rows the view shows without scrolling: blank ones may stay */
  GHashTable *live_rows; /* position → LiveRow: the rows handed out and still alive */
  GHashTable *selected;  /* instance ID → itself: the selected instances */

  /* The positions on screen, whose rows follow a change at once */
  guint shown_first;
  guint shown_n;
  gboolean rows_behind; /* whether live rows off screen show what was there before */
  guint pause_source;   /* until the changes pause */
};

struct _LiveRow
{
  YunInstanceSelection *self;
  YunInstanceRow *row; /* (unowned): a weak reference */
  guint position;
};

static void yun_instance_selection_list_model_init (GListModelInterface *iface);
static void yun_instance_selection_selection_model_init (GtkSelectionModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (
  YunInstanceSelection,
  yun_instance_selection,
  G_TYPE_OBJECT,
  G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, yun_instance_selection_list_model_init)
    G_IMPLEMENT_INTERFACE (GTK_TYPE_SELECTION_MODEL, yun_instance_selection_selection_model_init))

enum
{
  PROP_0,
  PROP_MODEL,
  PROP_N_SELECTED,
  PROP_CATCHING_UP,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* (nullable): what the row at @position shows; nothing past the instances. An instance is
 * asked of the model the first time it is needed: a keystroke that widens the list to ten
 * thousand instances needs a few hundred, and a GtkFilterListModel finds its nth item by
 * counting. */
static YunInstance *
instance_at (YunInstanceSelection *self, guint position)
{
  if (position >= self->instances->len)
    return NULL;
  if (self->instances->pdata[position] == NULL)
    self->instances->pdata[position] = g_list_model_get_item (self->model, position);
  return self->instances->pdata[position];
}

static const char *
id_at (YunInstanceSelection *self, guint position)
{
  return yun_instance_get_instance_id (instance_at (self, position));
}

/* ---- Rows ---- */

static void
live_row_finalized (gpointer data, GObject *where_the_row_was)
{
  LiveRow *live = data;

  g_hash_table_remove (live->self->live_rows, GUINT_TO_POINTER (live->position));
}

static gboolean
is_shown (YunInstanceSelection *self, guint position)
{
  return position >= self->shown_first && position - self->shown_first < self->shown_n;
}

/* Live rows from @from on, only those on screen if @shown_only and no more than @limit,
 * show what is there now: an instance, or nothing past the instances. Returns whether it
 * left any behind. */
static gboolean
update_live_rows (YunInstanceSelection *self, guint from, gboolean shown_only, guint limit)
{
  gboolean left_behind = FALSE;
  GHashTableIter iter;
  LiveRow *live;

  g_hash_table_iter_init (&iter, self->live_rows);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &live))
    {
      YunInstance *instance;

      if (live->position < from)
        continue;
      /* Perhaps behind: only to look would ask the model for its instance. */
      if ((shown_only && !is_shown (self, live->position)) || limit == 0)
        {
          left_behind = TRUE;
          continue;
        }
      instance = instance_at (self, live->position);
      if (yun_instance_row_get_instance (live->row) == instance)
        continue;
      yun_instance_row_set_instance (live->row, instance);
      limit--;
    }
  return left_behind;
}

/* ---- Catching up, a frame at a time ---- */

/* How many positions GTK keeps once blank rows have gone: those the view shows without
 * scrolling stay. */
static guint
n_exposed_trimmed (YunInstanceSelection *self)
{
  return MAX (self->instances->len, self->n_fitting);
}

/* Whether GTK's list has work for the frames to come: growing; once the changes pause,
 * blank rows to lose and rows off screen to bring up to date. */
static gboolean
get_catching_up (YunInstanceSelection *self)
{
  return self->n_exposed < self->instances->len
         || (self->pause_source == 0
             && (self->rows_behind || self->n_exposed > n_exposed_trimmed (self)));
}

static void
notify_catching_up (YunInstanceSelection *self, gboolean was_catching_up)
{
  if (get_catching_up (self) != was_catching_up)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CATCHING_UP]);
}

static gboolean
end_pause_wait (gpointer data)
{
  YunInstanceSelection *self = data;
  gboolean was_catching_up = get_catching_up (self);

  self->pause_source = 0;
  notify_catching_up (self, was_catching_up);
  return G_SOURCE_REMOVE;
}

/* A change: what waits for a pause waits longer. */
static void
wait_for_pause (YunInstanceSelection *self)
{
  g_clear_handle_id (&self->pause_source, g_source_remove);
  if (self->rows_behind || self->n_exposed > n_exposed_trimmed (self))
    self->pause_source = g_timeout_add (PAUSE_MS, end_pause_wait, self);
}

/* ---- Following the model ---- */

/* The model's items at [@position, @position + @removed) were replaced by @added new ones:
 * the same in self->instances, the new ones not asked for yet. Returns the instances that
 * went and had been asked for, a reference each: an instance never asked for was never
 * selected. */
static GPtrArray *
splice_instances (YunInstanceSelection *self, guint position, guint removed, guint added)
{
  GPtrArray *gone = g_ptr_array_new_with_free_func (g_object_unref);
  guint old_n = self->instances->len;
  guint tail = old_n - position - removed;
  gpointer *data;

  for (guint i = 0; i < removed; i++)
    if (self->instances->pdata[position + i] != NULL)
      g_ptr_array_add (gone, self->instances->pdata[position + i]);
  if (added > removed)
    g_ptr_array_set_size (self->instances, old_n + added - removed);
  data = self->instances->pdata;
  /* An empty array may have no storage at all. */
  if (tail > 0 && added != removed)
    memmove (data + position + added, data + position + removed, tail * sizeof (gpointer));
  if (added < removed)
    g_ptr_array_set_size (self->instances, old_n + added - removed);
  for (guint i = 0; i < added; i++)
    self->instances->pdata[position + i] = NULL;
  return gone;
}

/* Selected instances in @gone that are not among the @added at @position have left what is
 * shown, and the selection. Returns whether any did. */
static gboolean
unselect_gone (YunInstanceSelection *self, GPtrArray *gone, guint position, guint added)
{
  g_autoptr (GHashTable) arrived = NULL;
  gboolean unselected = FALSE;

  for (guint i = 0; i < gone->len && g_hash_table_size (self->selected) > 0; i++)
    {
      const char *id = yun_instance_get_instance_id (g_ptr_array_index (gone, i));

      if (!g_hash_table_contains (self->selected, id))
        continue;
      if (arrived == NULL)
        {
          arrived = g_hash_table_new (g_str_hash, g_str_equal);
          for (guint j = 0; j < added; j++)
            g_hash_table_add (arrived, (gpointer) id_at (self, position + j));
        }
      if (!g_hash_table_contains (arrived, id))
        {
          g_hash_table_remove (self->selected, id);
          unselected = TRUE;
        }
    }
  return unselected;
}

/* How many instances GTK may be told of in a frame: all, or for a progressive list that
 * grows while GTK builds rows for it, a screenful or some more. */
static guint
n_exposable (YunInstanceSelection *self)
{
  guint n = self->instances->len;

  if (!self->progressive || n <= self->n_exposed || self->n_exposed >= GTK_BUILT_ROWS)
    return n;
  return MIN (n, self->n_exposed < self->screenful ? self->screenful
                                                   : self->n_exposed + ROWS_PER_FRAME);
}

/* One past the last position with a live row: GTK has built no row after it. */
static guint
live_rows_end (YunInstanceSelection *self)
{
  GHashTableIter iter;
  LiveRow *live;
  guint end = 0;

  g_hash_table_iter_init (&iter, self->live_rows);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &live))
    end = MAX (end, live->position + 1);
  return end;
}

/* How many positions GTK is told of right after the instances changed. A progressive list
 * that grows gains no more rows than fill the screen; the frames after add the rest. One
 * that shrinks keeps the rows GTK has built, blank, unless the view shows only positions
 * that are gone. */
static guint
n_exposed_after_change (YunInstanceSelection *self)
{
  guint n = self->instances->len;

  if (!self->progressive)
    return n;
  if (n >= self->n_exposed)
    return self->n_exposed >= GTK_BUILT_ROWS ? n : MIN (n, MAX (self->n_exposed, self->screenful));
  if (self->shown_first >= MAX (n, 1))
    return n;
  return MIN (self->n_exposed, MAX (n, live_rows_end (self)));
}

/* Blank rows from the end, with no more than a frame's worth of live ones among them. */
static guint
n_exposed_after_trimming (YunInstanceSelection *self)
{
  guint end = self->n_exposed;
  guint n_live = 0;

  while (end > n_exposed_trimmed (self))
    {
      if (g_hash_table_contains (self->live_rows, GUINT_TO_POINTER (end - 1)))
        {
          if (n_live == ROWS_PER_FRAME)
            break;
          n_live++;
        }
      end--;
    }
  return end;
}

/* Tells GTK of the first @n_exposed instances. */
static void
expose (YunInstanceSelection *self, guint n_exposed)
{
  guint old_n = self->n_exposed;

  self->n_exposed = n_exposed;
  if (n_exposed < old_n)
    g_list_model_items_changed (G_LIST_MODEL (self), n_exposed, old_n - n_exposed, 0);
  else if (n_exposed > old_n)
    g_list_model_items_changed (G_LIST_MODEL (self), old_n, 0, n_exposed - old_n);
}

static void
on_items_changed (
  GListModel *model, guint position, guint removed, guint added, YunInstanceSelection *self)
{
  gboolean was_catching_up = get_catching_up (self);
  g_autoptr (GPtrArray) gone = splice_instances (self, position, removed, added);
  gboolean unselected = unselect_gone (self, gone, position, added);

  /* First, so that the rows GTK destroys are not brought up to date. */
  expose (self, n_exposed_after_change (self));
  /* The rows off screen once the changes pause (typing, a sync's updates), so that their
   * frames draw only the rows on screen; scrolling brings rows up to date before then. */
  if (update_live_rows (self, position, TRUE, G_MAXUINT))
    self->rows_behind = TRUE;
  wait_for_pause (self);
  /* The rows from @position on may show other instances, selected or not. */
  if ((unselected || g_hash_table_size (self->selected) > 0) && self->n_exposed > position)
    gtk_selection_model_selection_changed (GTK_SELECTION_MODEL (self), position,
                                           self->n_exposed - position);
  if (unselected)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SELECTED]);
  notify_catching_up (self, was_catching_up);
}

/* ---- GListModel ---- */

static GType
get_item_type (GListModel *list)
{
  return YUN_TYPE_INSTANCE_ROW;
}

static guint
get_n_items (GListModel *list)
{
  return YUN_INSTANCE_SELECTION (list)->n_exposed;
}

static gpointer
get_item (GListModel *list, guint position)
{
  YunInstanceSelection *self = YUN_INSTANCE_SELECTION (list);
  YunInstance *instance;
  LiveRow *live;

  if (position >= self->n_exposed)
    return NULL;
  instance = instance_at (self, position);
  live = g_hash_table_lookup (self->live_rows, GUINT_TO_POINTER (position));
  if (live != NULL)
    {
      yun_instance_row_set_instance (live->row, instance);
      return g_object_ref (live->row);
    }
  live = g_new0 (LiveRow, 1);
  live->self = self;
  live->row = yun_instance_row_new (instance);
  live->position = position;
  g_object_weak_ref (G_OBJECT (live->row), live_row_finalized, live);
  g_hash_table_insert (self->live_rows, GUINT_TO_POINTER (position), live);
  return live->row;
}

static void
yun_instance_selection_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

/* ---- GtkSelectionModel ---- */

static gboolean
is_selected (GtkSelectionModel *model, guint position)
{
  YunInstanceSelection *self = YUN_INSTANCE_SELECTION (model);

  return position < MIN (self->n_exposed, self->instances->len)
         && g_hash_table_size (self->selected) > 0
         && g_hash_table_contains (self->selected, id_at (self, position));
}

static GtkBitset *
get_selection_in_range (GtkSelectionModel *model, guint position, guint n_items)
{
  YunInstanceSelection *self = YUN_INSTANCE_SELECTION (model);
  GtkBitset *bitset = gtk_bitset_new_empty ();
  guint end = MIN (MIN (position + n_items, self->n_exposed), self->instances->len);

  for (guint i = position; i < end && g_hash_table_size (self->selected) > 0; i++)
    if (g_hash_table_contains (self->selected, id_at (self, i)))
      gtk_bitset_add (bitset, i);
  return bitset;
}

/* Every other way of selecting (one item, a range, all, none) comes through here, by
 * GtkSelectionModel's default implementations. A click on a blank row selects nothing and
 * unselects nothing. */
static gboolean
set_selection (GtkSelectionModel *model, GtkBitset *selected, GtkBitset *mask)
{
  YunInstanceSelection *self = YUN_INSTANCE_SELECTION (model);
  guint n = MIN (self->n_exposed, self->instances->len);
  guint first = G_MAXUINT, last = 0;
  GtkBitsetIter iter;
  guint position;

  if (!gtk_bitset_is_empty (selected) && gtk_bitset_get_minimum (selected) >= n)
    return FALSE;
  for (gboolean more = gtk_bitset_iter_init_first (&iter, mask, &position); more && position < n;
       more = gtk_bitset_iter_next (&iter, &position))
    {
      const char *id = id_at (self, position);
      gboolean changed;

      if (gtk_bitset_contains (selected, position))
        changed = !g_hash_table_contains (self->selected, id)
                  && g_hash_table_add (self->selected, g_strdup (id));
      else
        changed = g_hash_table_remove (self->selected, id);
      if (changed)
        {
          first = MIN (first, position);
          last = MAX (last, position);
        }
    }
  if (first <= last)
    {
      gtk_selection_model_selection_changed (model, first, last - first + 1);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SELECTED]);
    }
  return TRUE;
}

/* All the instances, those GTK has not been told of yet too. */
static gboolean
select_all (GtkSelectionModel *model)
{
  YunInstanceSelection *self = YUN_INSTANCE_SELECTION (model);

  for (guint i = 0; i < self->instances->len; i++)
    if (!g_hash_table_contains (self->selected, id_at (self, i)))
      g_hash_table_add (self->selected, g_strdup (id_at (self, i)));
  /* GTK has no rows to redraw in an empty list (and warns if told of none). */
  if (self->n_exposed > 0)
    gtk_selection_model_selection_changed (model, 0, self->n_exposed);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SELECTED]);
  return TRUE;
}

static gboolean
unselect_all (GtkSelectionModel *model)
{
  YunInstanceSelection *self = YUN_INSTANCE_SELECTION (model);

  g_hash_table_remove_all (self->selected);
  if (self->n_exposed > 0)
    gtk_selection_model_selection_changed (model, 0, self->n_exposed);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SELECTED]);
  return TRUE;
}

static void
yun_instance_selection_selection_model_init (GtkSelectionModelInterface *iface)
{
  iface->is_selected = is_selected;
  iface->get_selection_in_range = get_selection_in_range;
  iface->set_selection = set_selection;
  iface->select_all = select_all;
  iface->unselect_all = unselect_all;
}

/* ---- GObject ---- */

static void
yun_instance_selection_dispose (GObject *object)
{
  YunInstanceSelection *self = YUN_INSTANCE_SELECTION (object);
  GHashTableIter iter;
  LiveRow *live;

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, on_items_changed, self);
  g_clear_object (&self->model);
  g_clear_handle_id (&self->pause_source, g_source_remove);
  g_hash_table_iter_init (&iter, self->live_rows);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &live))
    g_object_weak_unref (G_OBJECT (live->row), live_row_finalized, live);
  g_hash_table_remove_all (self->live_rows);
  for (guint i = 0; i < self->instances->len; i++)
    g_clear_object ((YunInstance **) &self->instances->pdata[i]);
  g_ptr_array_set_size (self->instances, 0);

  G_OBJECT_CLASS (yun_instance_selection_parent_class)->dispose (object);
}

static void
yun_instance_selection_finalize (GObject *object)
{
  YunInstanceSelection *self = YUN_INSTANCE_SELECTION (object);

  g_ptr_array_unref (self->instances);
  g_hash_table_unref (self->live_rows);
  g_hash_table_unref (self->selected);

  G_OBJECT_CLASS (yun_instance_selection_parent_class)->finalize (object);
}

static void
yun_instance_selection_get_property (GObject *object,
                                     guint prop_id,
                                     GValue *value,
                                     GParamSpec *pspec)
{
  YunInstanceSelection *self = YUN_INSTANCE_SELECTION (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;
    case PROP_N_SELECTED:
      g_value_set_uint (value, yun_instance_selection_get_n_selected (self));
      break;
    case PROP_CATCHING_UP:
      g_value_set_boolean (value, get_catching_up (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yun_instance_selection_set_property (GObject *object,
                                     guint prop_id,
                                     const GValue *value,
                                     GParamSpec *pspec)
{
  YunInstanceSelection *self = YUN_INSTANCE_SELECTION (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      yun_instance_selection_set_model (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yun_instance_selection_class_init (YunInstanceSelectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = yun_instance_selection_dispose;
  object_class->finalize = yun_instance_selection_finalize;
  object_class->get_property = yun_instance_selection_get_property;
  object_class->set_property = yun_instance_selection_set_property;

  properties[PROP_MODEL]
    = g_param_spec_object ("model", NULL, NULL, G_TYPE_LIST_MODEL,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_SELECTED] = g_param_spec_uint ("n-selected", NULL, NULL, 0, G_MAXUINT, 0,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /* Whether yun_instance_selection_catch_up() has work for the frames to come. */
  properties[PROP_CATCHING_UP] = g_param_spec_boolean ("catching-up", NULL, NULL, FALSE,
                                                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
yun_instance_selection_init (YunInstanceSelection *self)
{
  self->instances = g_ptr_array_new ();
  self->live_rows = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->selected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->shown_n = G_MAXUINT;
  self->screenful = DEFAULT_SCREENFUL;
}

/* ---- Public API ---- */

/* @instances: (nullable) (transfer none): a #GListModel of #YunInstance */
YunInstanceSelection *
yun_instance_selection_new (GListModel *instances)
{
  return g_object_new (YUN_TYPE_INSTANCE_SELECTION, "model", instances, NULL);
}

/* Returns: (nullable) (transfer none): the instances shown, in their order */
GListModel *
yun_instance_selection_get_model (YunInstanceSelection *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE_SELECTION (self), NULL);
  return self->model;
}

void
yun_instance_selection_set_model (YunInstanceSelection *self, GListModel *instances)
{
  g_return_if_fail (YUN_IS_INSTANCE_SELECTION (self));
  g_return_if_fail (instances == NULL || G_IS_LIST_MODEL (instances));

  if (self->model == instances)
    return;
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, on_items_changed, self);
  g_set_object (&self->model, instances);
  if (instances != NULL)
    g_signal_connect (instances, "items-changed", G_CALLBACK (on_items_changed), self);
  /* Everything was replaced: the old instances go, the new ones come. */
  on_items_changed (instances, 0, self->instances->len,
                    instances != NULL ? g_list_model_get_n_items (instances) : 0, self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

/**
 * yun_instance_selection_set_shown_range:
 * @self: a #YunInstanceSelection
 * @first: the first position on screen
 * @n_shown: how many from there, or %G_MAXUINT for all
 *
 * The rows at these positions show a change at once; the others a moment later.
 */
void
yun_instance_selection_set_shown_range (YunInstanceSelection *self, guint first, guint n_shown)
{
  g_return_if_fail (YUN_IS_INSTANCE_SELECTION (self));

  self->shown_first = first;
  self->shown_n = n_shown;
  if (self->rows_behind)
    update_live_rows (self, 0, TRUE, G_MAXUINT);
}

guint
yun_instance_selection_get_n_selected (YunInstanceSelection *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE_SELECTION (self), 0);
  return g_hash_table_size (self->selected);
}

/**
 * yun_instance_selection_dup_selected:
 * @self: a #YunInstanceSelection
 *
 * Returns: (transfer full) (element-type YunInstance): the selected instances, in the order
 *   shown
 */
GPtrArray *
yun_instance_selection_dup_selected (YunInstanceSelection *self)
{
  GPtrArray *instances = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (YUN_IS_INSTANCE_SELECTION (self), instances);

  for (guint i = 0; i < self->instances->len && instances->len < g_hash_table_size (self->selected);
       i++)
    if (g_hash_table_contains (self->selected, id_at (self, i)))
      g_ptr_array_add (instances, g_object_ref (instance_at (self, i)));
  return instances;
}

/* Adds the instance @instance_id to the selection if it is shown; returns whether it is. */
gboolean
yun_instance_selection_select_id (YunInstanceSelection *self, const char *instance_id)
{
  g_return_val_if_fail (YUN_IS_INSTANCE_SELECTION (self), FALSE);
  g_return_val_if_fail (instance_id != NULL, FALSE);

  for (guint i = 0; i < self->instances->len; i++)
    if (g_str_equal (id_at (self, i), instance_id))
      {
        if (g_hash_table_add (self->selected, g_strdup (instance_id)))
          {
            if (i < self->n_exposed)
              gtk_selection_model_selection_changed (GTK_SELECTION_MODEL (self), i, 1);
            g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SELECTED]);
          }
        return TRUE;
      }
  return FALSE;
}

/**
 * yun_instance_selection_set_screenful:
 * @self: a #YunInstanceSelection
 * @n_rows: how many rows fill the view
 *
 * A progressive list that grows from (nearly) nothing gives GTK this many rows at once:
 * each row GTK builds for the first frame delays it.
 */
void
yun_instance_selection_set_screenful (YunInstanceSelection *self, guint n_rows)
{
  g_return_if_fail (YUN_IS_INSTANCE_SELECTION (self));
  g_return_if_fail (n_rows > 0);

  self->screenful = n_rows;
}

/**
 * yun_instance_selection_postpone:
 * @self: a #YunInstanceSelection
 *
 * The user is changing what is shown (typing a search, say), whether or not the instances
 * shown change: what waits for a pause in the changes waits for another.
 */
void
yun_instance_selection_postpone (YunInstanceSelection *self)
{
  gboolean was_catching_up;

  g_return_if_fail (YUN_IS_INSTANCE_SELECTION (self));

  was_catching_up = get_catching_up (self);
  wait_for_pause (self);
  notify_catching_up (self, was_catching_up);
}

/**
 * yun_instance_selection_set_n_fitting:
 * @self: a #YunInstanceSelection
 * @n_rows: how many rows the view shows without scrolling
 *
 * A progressive list shorter than that keeps that many rows, blank past its end, once the
 * changes pause: they look like the empty space below the list, and the next change that
 * lengthens the list finds them built.
 */
void
yun_instance_selection_set_n_fitting (YunInstanceSelection *self, guint n_rows)
{
  gboolean was_catching_up;

  g_return_if_fail (YUN_IS_INSTANCE_SELECTION (self));

  was_catching_up = get_catching_up (self);
  self->n_fitting = n_rows;
  notify_catching_up (self, was_catching_up);
}

/**
 * yun_instance_selection_set_progressive:
 * @self: a #YunInstanceSelection
 * @progressive: whether a list that grows is given to GTK a screenful first, then some rows
 *   a frame, and one that shrinks keeps its blank rows a while, by
 *   yun_instance_selection_catch_up()
 *
 * For a list view: GTK 4.8 builds some 200 rows at once for a long list.
 */
void
yun_instance_selection_set_progressive (YunInstanceSelection *self, gboolean progressive)
{
  gboolean was_catching_up;

  g_return_if_fail (YUN_IS_INSTANCE_SELECTION (self));

  was_catching_up = get_catching_up (self);

  self->progressive = progressive;
  if (!progressive)
    {
      g_clear_handle_id (&self->pause_source, g_source_remove);
      expose (self, self->instances->len);
    }
  notify_catching_up (self, was_catching_up);
}

gboolean
yun_instance_selection_get_catching_up (YunInstanceSelection *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE_SELECTION (self), FALSE);
  return get_catching_up (self);
}

/* Once a frame while catching up: tells GTK of some more instances, or of some fewer blank
 * rows, or brings some rows off screen up to date. Returns whether it is still catching up. */
gboolean
yun_instance_selection_catch_up (YunInstanceSelection *self)
{
  gboolean was_catching_up;

  g_return_val_if_fail (YUN_IS_INSTANCE_SELECTION (self), FALSE);

  was_catching_up = get_catching_up (self);
  /* Blank rows go before rows off screen are brought up to date: some are the same. */
  if (self->n_exposed < self->instances->len)
    expose (self, n_exposable (self));
  else if (self->pause_source == 0 && self->n_exposed > n_exposed_trimmed (self))
    expose (self, n_exposed_after_trimming (self));
  else if (self->pause_source == 0 && self->rows_behind)
    self->rows_behind = update_live_rows (self, 0, FALSE, REFRESH_ROWS_PER_FRAME);
  notify_catching_up (self, was_catching_up);
  return get_catching_up (self);
}
