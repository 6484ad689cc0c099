/* yun-sidebar.c: the regions of the account, with counts and freshness
 *
 * SPDX-License-Identifier: MIT
 *
 * "All regions" first, then one row per region of the inventory: its name, how many
 * instances it has, when it was last synced, a spinner while it syncs, and a warning when
 * its last sync failed and the rows shown are the ones cached before.
 */

#define G_LOG_DOMAIN "yun-sidebar"

#include "config.h"

#include "yun-sidebar.h"

#include <glib/gi18n.h>

struct _YunSidebar
{
  AdwBin parent_instance;

  /* Template widgets */
  GtkListBox *list_box;

  /* Owned */
  YunInventory *inventory;
  GListStore *sections;
  char *selected_region;
  guint freshness_source;
};

G_DEFINE_FINAL_TYPE (YunSidebar, yun_sidebar, ADW_TYPE_BIN)

enum
{
  PROP_0,
  PROP_SELECTED_REGION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The widgets of a row, kept on the row for updates. */
typedef struct
{
  GtkLabel *title;
  GtkLabel *subtitle;
  GtkLabel *count;
  GtkSpinner *spinner;
  GtkImage *warning;
} RowWidgets;

static char *
describe_age (GDateTime *synced_at)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  GTimeSpan age;
  gint64 minutes;

  if (synced_at == NULL)
    return g_strdup (_ ("never synced"));
  age = g_date_time_difference (now, synced_at);
  minutes = age / G_TIME_SPAN_MINUTE;
  if (minutes < 1)
    return g_strdup (_ ("synced just now"));
  if (minutes < 60)
    return g_strdup_printf (
      g_dngettext (GETTEXT_PACKAGE, "synced %d minute ago", "synced %d minutes ago", minutes),
      (int) minutes);
  if (minutes < 48 * 60)
    return g_strdup_printf (
      g_dngettext (GETTEXT_PACKAGE, "synced %d hour ago", "synced %d hours ago", minutes / 60),
      (int) (minutes / 60));
  return g_strdup_printf (
    g_dngettext (GETTEXT_PACKAGE, "synced %d day ago", "synced %d days ago", minutes / (24 * 60)),
    (int) (minutes / (24 * 60)));
}

static void
update_region_row (GtkWidget *row)
{
  RowWidgets *widgets = g_object_get_data (G_OBJECT (row), "yun-row-widgets");
  YunInventoryRegion *region = g_object_get_data (G_OBJECT (row), "yun-region");
  const char *error_code = yun_inventory_region_get_error_code (region);
  gboolean syncing = yun_inventory_region_get_syncing (region);
  gboolean failed = error_code != NULL || yun_inventory_region_get_stale (region);
  g_autofree char *count = g_strdup_printf ("%u", yun_inventory_region_get_instance_count (region));
  g_autofree char *age = describe_age (yun_inventory_region_get_synced_at (region));
  g_autofree char *subtitle = NULL;

  gtk_label_set_label (widgets->title, yun_inventory_region_get_name (region));
  if (failed)
    /* Translators: "<region ID> · stale, synced 5 minutes ago" */
    subtitle
      = g_strdup_printf (_ ("%s · stale, %s"), yun_inventory_region_get_region (region), age);
  else
    subtitle = g_strdup_printf ("%s · %s", yun_inventory_region_get_region (region), age);
  gtk_label_set_label (widgets->subtitle, subtitle);
  gtk_label_set_label (widgets->count, count);
  gtk_spinner_set_spinning (widgets->spinner, syncing);
  gtk_widget_set_visible (GTK_WIDGET (widgets->spinner), syncing);
  gtk_widget_set_visible (GTK_WIDGET (widgets->warning), failed && !syncing);
  if (failed)
    {
      const char *message = yun_inventory_region_get_error_message (region);
      /* Translators: tooltip of a region whose last sync failed: code, then message */
      g_autofree char *tooltip = g_strdup_printf (
        _ ("The last sync failed (%s): %s\nThe instances shown are those cached before."),
        error_code != NULL ? error_code : "—", message != NULL ? message : "");

      gtk_widget_set_tooltip_text (GTK_WIDGET (widgets->warning), tooltip);
    }
}

static void
update_all_row (YunSidebar *self, GtkWidget *row)
{
  RowWidgets *widgets = g_object_get_data (G_OBJECT (row), "yun-row-widgets");
  GListModel *instances = yun_inventory_get_instances (self->inventory);
  GListModel *regions = yun_inventory_get_regions (self->inventory);
  g_autofree char *count = g_strdup_printf ("%u", g_list_model_get_n_items (instances));
  g_autofree char *subtitle = g_strdup_printf (
    g_dngettext (GETTEXT_PACKAGE, "%u region", "%u regions", g_list_model_get_n_items (regions)),
    g_list_model_get_n_items (regions));

  gtk_label_set_label (widgets->count, count);
  gtk_label_set_label (widgets->subtitle, subtitle);
  gtk_spinner_set_spinning (widgets->spinner, yun_inventory_get_syncing (self->inventory));
  gtk_widget_set_visible (GTK_WIDGET (widgets->spinner),
                          yun_inventory_get_syncing (self->inventory));
}

static GtkWidget *
create_row_widgets (RowWidgets **widgets_out)
{
  RowWidgets *widgets = g_new0 (RowWidgets, 1);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  widgets->title = GTK_LABEL (gtk_label_new (NULL));
  widgets->subtitle = GTK_LABEL (gtk_label_new (NULL));
  widgets->count = GTK_LABEL (gtk_label_new (NULL));
  widgets->spinner = GTK_SPINNER (gtk_spinner_new ());
  widgets->warning = GTK_IMAGE (gtk_image_new_from_icon_name ("dialog-warning-symbolic"));

  gtk_label_set_xalign (widgets->title, 0);
  gtk_label_set_ellipsize (widgets->title, PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (widgets->subtitle, 0);
  gtk_label_set_ellipsize (widgets->subtitle, PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (GTK_WIDGET (widgets->subtitle), "caption");
  gtk_widget_add_css_class (GTK_WIDGET (widgets->subtitle), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (widgets->count), "numeric");
  gtk_widget_add_css_class (GTK_WIDGET (widgets->count), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (widgets->warning), "warning");
  gtk_widget_set_hexpand (labels, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (widgets->spinner), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (widgets->warning), FALSE);

  gtk_box_append (GTK_BOX (labels), GTK_WIDGET (widgets->title));
  gtk_box_append (GTK_BOX (labels), GTK_WIDGET (widgets->subtitle));
  gtk_box_append (GTK_BOX (box), labels);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (widgets->spinner));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (widgets->warning));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (widgets->count));
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data_full (G_OBJECT (row), "yun-row-widgets", widgets, g_free);
  *widgets_out = widgets;
  return row;
}

static GtkWidget *
create_row (gpointer item, gpointer user_data)
{
  YunSidebar *self = user_data;
  RowWidgets *widgets = NULL;
  GtkWidget *row = create_row_widgets (&widgets);

  if (YUN_IS_INVENTORY_REGION (item))
    {
      g_object_set_data_full (G_OBJECT (row), "yun-region", g_object_ref (item), g_object_unref);
      g_signal_connect_object (item, "notify", G_CALLBACK (update_region_row), row,
                               G_CONNECT_SWAPPED);
      update_region_row (row);
    }
  else
    {
      gtk_label_set_label (widgets->title, _ ("All Regions"));
      update_all_row (self, row);
    }
  return row;
}

static void
update_all_rows (YunSidebar *self)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->list_box)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      if (g_object_get_data (G_OBJECT (row), "yun-region") != NULL)
        update_region_row (row);
      else if (g_object_get_data (G_OBJECT (row), "yun-row-widgets") != NULL)
        update_all_row (self, row);
    }
}

/* "synced 3 minutes ago" ages even when nothing syncs. */
static gboolean
refresh_freshness (gpointer user_data)
{
  update_all_rows (YUN_SIDEBAR (user_data));
  return G_SOURCE_CONTINUE;
}

static void
select_row_of_region (YunSidebar *self)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->list_box)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      YunInventoryRegion *region = g_object_get_data (G_OBJECT (row), "yun-region");

      if (!GTK_IS_LIST_BOX_ROW (row))
        continue;
      if ((region == NULL && self->selected_region == NULL)
          || (region != NULL
              && g_strcmp0 (yun_inventory_region_get_region (region), self->selected_region) == 0))
        {
          gtk_list_box_select_row (self->list_box, GTK_LIST_BOX_ROW (row));
          return;
        }
    }
}

static void
on_row_selected (YunSidebar *self, GtkListBoxRow *row)
{
  YunInventoryRegion *region;
  const char *region_id;

  /* Rows are rebuilt when the regions change; keep the choice across. */
  if (row == NULL)
    return;
  region = g_object_get_data (G_OBJECT (row), "yun-region");
  region_id = region != NULL ? yun_inventory_region_get_region (region) : NULL;
  if (g_strcmp0 (region_id, self->selected_region) == 0)
    return;
  g_free (self->selected_region);
  self->selected_region = g_strdup (region_id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_REGION]);
}

static void
on_regions_changed (YunSidebar *self)
{
  select_row_of_region (self);
}

static void
yun_sidebar_dispose (GObject *object)
{
  YunSidebar *self = YUN_SIDEBAR (object);

  g_clear_handle_id (&self->freshness_source, g_source_remove);
  if (self->inventory != NULL)
    g_signal_handlers_disconnect_by_data (self->inventory, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), YUN_TYPE_SIDEBAR);
  g_clear_object (&self->inventory);
  g_clear_object (&self->sections);

  G_OBJECT_CLASS (yun_sidebar_parent_class)->dispose (object);
}

static void
yun_sidebar_finalize (GObject *object)
{
  YunSidebar *self = YUN_SIDEBAR (object);

  g_free (self->selected_region);

  G_OBJECT_CLASS (yun_sidebar_parent_class)->finalize (object);
}

static void
yun_sidebar_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  YunSidebar *self = YUN_SIDEBAR (object);

  switch (prop_id)
    {
    case PROP_SELECTED_REGION:
      g_value_set_string (value, self->selected_region);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yun_sidebar_class_init (YunSidebarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = yun_sidebar_dispose;
  object_class->finalize = yun_sidebar_finalize;
  object_class->get_property = yun_sidebar_get_property;

  /* The region chosen, or %NULL for all of them. */
  properties[PROP_SELECTED_REGION]
    = g_param_spec_string ("selected-region", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/yundesk/YunDesk/yun-sidebar.ui");
  gtk_widget_class_bind_template_child (widget_class, YunSidebar, list_box);
  gtk_widget_class_bind_template_callback (widget_class, on_row_selected);
}

static void
yun_sidebar_init (YunSidebar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->freshness_source = g_timeout_add_seconds (30, refresh_freshness, self);
}

void
yun_sidebar_set_inventory (YunSidebar *self, YunInventory *inventory)
{
  g_autoptr (GListStore) all = NULL;
  g_autoptr (GtkStringObject) all_regions = NULL;
  g_autoptr (GtkFlattenListModel) rows = NULL;

  g_return_if_fail (YUN_IS_SIDEBAR (self));
  g_return_if_fail (inventory == NULL || YUN_IS_INVENTORY (inventory));

  if (self->inventory != NULL)
    g_signal_handlers_disconnect_by_data (self->inventory, self);
  g_set_object (&self->inventory, inventory);
  g_clear_object (&self->sections);
  if (inventory == NULL)
    {
      gtk_list_box_bind_model (self->list_box, NULL, NULL, NULL, NULL);
      return;
    }

  all = g_list_store_new (GTK_TYPE_STRING_OBJECT);
  all_regions = gtk_string_object_new ("all");
  g_list_store_append (all, all_regions);
  self->sections = g_list_store_new (G_TYPE_LIST_MODEL);
  g_list_store_append (self->sections, all);
  g_list_store_append (self->sections, yun_inventory_get_regions (inventory));
  rows = gtk_flatten_list_model_new (G_LIST_MODEL (g_object_ref (self->sections)));
  gtk_list_box_bind_model (self->list_box, G_LIST_MODEL (rows), create_row, self, NULL);

  g_signal_connect_object (yun_inventory_get_instances (inventory), "items-changed",
                           G_CALLBACK (update_all_rows), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (inventory, "notify::syncing", G_CALLBACK (update_all_rows), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (yun_inventory_get_regions (inventory), "items-changed",
                           G_CALLBACK (on_regions_changed), self,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  select_row_of_region (self);
}

const char *
yun_sidebar_get_selected_region (YunSidebar *self)
{
  g_return_val_if_fail (YUN_IS_SIDEBAR (self), NULL);
  return self->selected_region;
}

/* @region: (nullable): a region ID, or %NULL for "All regions" */
void
yun_sidebar_select_region (YunSidebar *self, const char *region)
{
  g_return_if_fail (YUN_IS_SIDEBAR (self));

  g_free (self->selected_region);
  self->selected_region = g_strdup (region);
  select_row_of_region (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_REGION]);
}
