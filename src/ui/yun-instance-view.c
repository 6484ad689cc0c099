/* yun-instance-view.c: the instance list: columns, sorting, filtering, multi-selection
 *
 * SPDX-License-Identifier: MIT
 *
 * The core's instance model goes through a sort model whose sorter is the column view's, a
 * filter (region, state, search text) and a YunInstanceSelection, whose rows keep their
 * place and their widgets when the instances they show change. The filter comes after the
 * sort, so that a keystroke in the search filters a sorted list and sorts nothing. Rows
 * are bound, not built, so ten thousand instances cost only the rows on screen. The first
 * column is a check box that mirrors the row's selection, for people who select with the
 * mouse; click, Ctrl+click, Shift+click and Ctrl+A work as everywhere in GTK.
 */

#define G_LOG_DOMAIN "yun-instance-view"

#include "config.h"

#include "yun-instance-view.h"

#include <arpa/inet.h>
#include <glib/gi18n.h>

#include "yun-instance-cell.h"
#include "yun-instance-row.h"
#include "yun-instance-selection.h"

/* How long a revealed password stays on screen. */
#define PASSWORD_SHOWN_SECONDS 30

struct _YunInstanceView
{
  AdwBin parent_instance;

  /* Template widgets */
  GtkColumnView *column_view;
  YunInstanceSelection *selection;
  GtkSortListModel *sort_model;
  GtkFilterListModel *filter_model;
  GtkCustomFilter *filter;
  GMenuModel *context_menu;
  GtkWidget *context_popover;
  GtkColumnViewColumn *column_name;
  GtkColumnViewColumn *column_instance_id;
  GtkColumnViewColumn *column_state;
  GtkColumnViewColumn *column_region;
  GtkColumnViewColumn *column_type;
  GtkColumnViewColumn *column_cpu;
  GtkColumnViewColumn *column_memory;
  GtkColumnViewColumn *column_os;
  GtkColumnViewColumn *column_public_ip;
  GtkColumnViewColumn *column_private_ip;
  GtkColumnViewColumn *column_charge_type;
  GtkColumnViewColumn *column_created;
  GtkColumnViewColumn *column_password;

  /* Owned */
  GSettings *settings;
  char *region;
  char *state_filter;
  char *search_text;
  /* The search text, case-folded once for every row it is compared with. */
  char *folded_search;
  guint n_selected;
  GtkWidget *no_match_page; /* (nullable): built a while after the view is first shown */
  guint prebuild_source;    /* until then */
  guint catch_up_tick;      /* while the selection changes GTK's list a frame at a time */
  gboolean catch_up_tick_waits;

  /* Instance IDs whose password the user chose to remember (the keyring holds them). */
  GHashTable *remembered;
  /* Instance ID → a password on screen, for PASSWORD_SHOWN_SECONDS. */
  GHashTable *shown_passwords;
  guint hide_passwords_source;
  /* The password column's bound rows → their GtkListItems, to show a change at once. */
  GHashTable *password_items;
};

G_DEFINE_FINAL_TYPE (YunInstanceView, yun_instance_view, ADW_TYPE_BIN)

enum
{
  PROP_0,
  PROP_REGION,
  PROP_STATE_FILTER,
  PROP_SEARCH_TEXT,
  PROP_N_VISIBLE,
  PROP_N_SELECTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SELECTION_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- Filtering ---- */

static gboolean
instance_is_visible (gpointer item, gpointer user_data)
{
  YunInstanceView *self = user_data;
  YunInstance *instance = item;

  if (self->region != NULL && g_strcmp0 (yun_instance_get_region (instance), self->region) != 0)
    return FALSE;
  if (self->state_filter != NULL
      && g_strcmp0 (yun_instance_get_state (instance), self->state_filter) != 0)
    return FALSE;
  return self->folded_search == NULL || yun_instance_matches_search (instance, self->folded_search);
}

#define NO_MATCH_ICON "edit-find-symbolic"

/* Over the list when a search or a state filter leaves no instance to show. */
static void
build_no_match_page (YunInstanceView *self)
{
  self->no_match_page = adw_status_page_new ();
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (self->no_match_page), NO_MATCH_ICON);
  adw_status_page_set_title (ADW_STATUS_PAGE (self->no_match_page), _ ("No Matching Instances"));
  adw_status_page_set_description (ADW_STATUS_PAGE (self->no_match_page),
                                   _ ("Try another search or state."));
  gtk_widget_set_visible (self->no_match_page, FALSE);
  /* Clicks go through to the column headers beneath. */
  gtk_widget_set_can_target (self->no_match_page, FALSE);
  /* The bin's child, not a template child: the bin unparents it. */
  gtk_overlay_add_overlay (GTK_OVERLAY (adw_bin_get_child (ADW_BIN (self))), self->no_match_page);
}

/* A status page is a dozen widgets: not for the first frame to wait for, nor the first
 * keystroke that matches nothing. */
static gboolean
prebuild_no_match_page (gpointer data)
{
  YunInstanceView *self = data;
  GtkWidget *widget = GTK_WIDGET (self);

  self->prebuild_source = 0;
  if (self->no_match_page == NULL)
    build_no_match_page (self);
  /* Its icon, read and drawn on a worker now; the icon theme keeps it. 128 px is the size
   * libadwaita's style gives a status page's icon. */
  g_object_unref (
    gtk_icon_theme_lookup_icon (gtk_icon_theme_get_for_display (gtk_widget_get_display (widget)),
                                NO_MATCH_ICON, NULL, 128, gtk_widget_get_scale_factor (widget),
                                gtk_widget_get_direction (widget), GTK_ICON_LOOKUP_PRELOAD));
  return G_SOURCE_REMOVE;
}

static void
update_no_match_page (YunInstanceView *self)
{
  gboolean no_match = (self->search_text != NULL || self->state_filter != NULL)
                      && yun_instance_view_get_n_visible (self) == 0;

  if (self->no_match_page == NULL && !no_match)
    return;
  if (self->no_match_page == NULL)
    build_no_match_page (self);
  gtk_widget_set_visible (self->no_match_page, no_match);
}

/* @change says how the filter moved, so that typing one more letter filters only the rows
 * still shown. */
static void
refilter (YunInstanceView *self, GtkFilterChange change)
{
  yun_instance_selection_postpone (self->selection);
  gtk_filter_changed (GTK_FILTER (self->filter), change);
  update_no_match_page (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_VISIBLE]);
}

/* ---- The check box column ---- */

static void
on_check_toggled (GtkCheckButton *check, GtkListItem *list_item)
{
  GtkWidget *widget = GTK_WIDGET (check);
  YunInstanceView *self
    = YUN_INSTANCE_VIEW (gtk_widget_get_ancestor (widget, YUN_TYPE_INSTANCE_VIEW));
  guint position = gtk_list_item_get_position (list_item);
  gboolean active = gtk_check_button_get_active (check);

  if (self == NULL || position == GTK_INVALID_LIST_POSITION
      || active == gtk_list_item_get_selected (list_item))
    return;
  if (active)
    gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), position, FALSE);
  else
    gtk_selection_model_unselect_item (GTK_SELECTION_MODEL (self->selection), position);
  /* A blank row's is not selected. */
  gtk_check_button_set_active (check, gtk_list_item_get_selected (list_item));
}

static void
sync_check (GtkListItem *list_item, GParamSpec *pspec, GtkCheckButton *check)
{
  gtk_check_button_set_active (check, gtk_list_item_get_selected (list_item));
}

/* A blank row shows nothing and takes no pointer: no hover highlight, and a click falls
 * through to the list. Nothing that resizes (hiding the check button, or making it
 * unfocusable): a row may become blank while the list is allocated (it scrolled into view),
 * and a widget resized then is drawn without a size; and every blank row would be measured
 * again. The row widget is the parent of the check button's cell. */
static void
sync_blank_row (GtkListItem *list_item)
{
  YunInstanceRow *row = gtk_list_item_get_item (list_item);
  GtkWidget *check = gtk_list_item_get_child (list_item);
  GtkWidget *cell = gtk_widget_get_parent (check);
  gboolean blank = yun_instance_row_get_instance (row) == NULL;

  gtk_widget_set_opacity (check, blank ? 0 : 1);
  if (cell != NULL && gtk_widget_get_parent (cell) != NULL)
    {
      GtkWidget *row_widget = gtk_widget_get_parent (cell);

      gtk_widget_set_can_target (row_widget, !blank);
      /* Under a pointer at rest, the row would keep its hover band until the pointer
       * moves: GTK 4.8 looks for what is under the pointer again only then. */
      if (blank)
        gtk_widget_unset_state_flags (row_widget, GTK_STATE_FLAG_PRELIGHT);
    }
}

static void
on_check_setup (GtkSignalListItemFactory *factory, GtkListItem *list_item)
{
  GtkWidget *check = gtk_check_button_new ();

  gtk_widget_set_halign (check, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Select"), -1);
  g_signal_connect (check, "toggled", G_CALLBACK (on_check_toggled), list_item);
  gtk_list_item_set_child (list_item, check);
}

static void
on_check_bind (GtkSignalListItemFactory *factory, GtkListItem *list_item)
{
  GtkCheckButton *check = GTK_CHECK_BUTTON (gtk_list_item_get_child (list_item));

  sync_check (list_item, NULL, check);
  g_signal_connect_object (list_item, "notify::selected", G_CALLBACK (sync_check), check, 0);
  sync_blank_row (list_item);
  g_signal_connect_swapped (gtk_list_item_get_item (list_item), "notify::instance",
                            G_CALLBACK (sync_blank_row), list_item);
}

static void
on_check_unbind (GtkSignalListItemFactory *factory, GtkListItem *list_item)
{
  g_signal_handlers_disconnect_by_func (list_item, sync_check, gtk_list_item_get_child (list_item));
  g_signal_handlers_disconnect_by_func (gtk_list_item_get_item (list_item), sync_blank_row,
                                        list_item);
}

/* ---- Selection ---- */

static void
count_selected (YunInstanceView *self)
{
  guint n_selected = yun_instance_selection_get_n_selected (self->selection);

  if (n_selected == self->n_selected)
    return;
  self->n_selected = n_selected;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SELECTED]);
}

static void
on_selection_changed (YunInstanceView *self)
{
  count_selected (self);
  g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

/* ---- The password column: remembered passwords, hidden until asked for ---- */

#define PASSWORD_MASK "••••••••"

static GtkWidget *
new_flat_button (const char *icon_name, const char *tooltip)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  return button;
}

/* Built only for rows that have a password: a column's cells exist in every row, even
 * while the column is hidden, and a filter keystroke makes a screenful of new rows. */
static GtkWidget *
new_password_box (void)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 2);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (label, "monospace");
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), new_flat_button ("view-reveal-symbolic", NULL));
  gtk_box_append (GTK_BOX (box), new_flat_button ("edit-copy-symbolic", _ ("Copy Password")));
  return box;
}

static void
update_password_cell (YunInstanceView *self, GtkListItem *list_item)
{
  YunInstanceRow *row = gtk_list_item_get_item (list_item);
  YunInstance *instance = row != NULL ? yun_instance_row_get_instance (row) : NULL;
  const char *id = instance != NULL ? yun_instance_get_instance_id (instance) : NULL;
  gboolean remembered = id != NULL && g_hash_table_contains (self->remembered, id);
  const char *shown = id != NULL ? g_hash_table_lookup (self->shown_passwords, id) : NULL;
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GtkWidget *label, *reveal, *copy;

  if (box == NULL && !remembered)
    return;
  if (box == NULL)
    {
      box = new_password_box ();
      gtk_list_item_set_child (list_item, box);
    }
  gtk_widget_set_visible (box, remembered);
  if (!remembered)
    return;
  label = gtk_widget_get_first_child (box);
  reveal = gtk_widget_get_next_sibling (label);
  copy = gtk_widget_get_next_sibling (reveal);
  gtk_label_set_label (GTK_LABEL (label), shown != NULL ? shown : PASSWORD_MASK);
  gtk_label_set_selectable (GTK_LABEL (label), shown != NULL);
  gtk_button_set_icon_name (GTK_BUTTON (reveal),
                            shown != NULL ? "view-conceal-symbolic" : "view-reveal-symbolic");
  gtk_widget_set_tooltip_text (reveal, shown != NULL ? _ ("Hide Password") : _ ("Show Password"));
  /* The target before the action: a button with the action and no target yet would be an
   * action call without its instance. */
  gtk_actionable_set_action_target (GTK_ACTIONABLE (reveal), "s", id);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (reveal), "win.reveal-password");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (copy), "s", id);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (copy), "win.copy-password");
}

/* A row off screen is given its instance some time after a change, or as it scrolls into
 * view: its password cell must then offer that instance's password, not the last one's. */
static void
on_password_row_changed (YunInstanceRow *row, GParamSpec *pspec, YunInstanceView *self)
{
  update_password_cell (self, g_hash_table_lookup (self->password_items, row));
}

static void
on_password_bind (GtkSignalListItemFactory *factory, GtkListItem *list_item, YunInstanceView *self)
{
  YunInstanceRow *row = gtk_list_item_get_item (list_item);

  g_hash_table_insert (self->password_items, row, list_item);
  g_signal_connect_object (row, "notify::instance", G_CALLBACK (on_password_row_changed), self, 0);
  update_password_cell (self, list_item);
}

static void
on_password_unbind (GtkSignalListItemFactory *factory,
                    GtkListItem *list_item,
                    YunInstanceView *self)
{
  YunInstanceRow *row = gtk_list_item_get_item (list_item);

  g_signal_handlers_disconnect_by_func (row, on_password_row_changed, self);
  if (self->password_items != NULL)
    g_hash_table_remove (self->password_items, row);
}

static void
update_password_cells (YunInstanceView *self)
{
  GHashTableIter iter;
  gpointer list_item;

  g_hash_table_iter_init (&iter, self->password_items);
  while (g_hash_table_iter_next (&iter, NULL, &list_item))
    update_password_cell (self, list_item);
}

static gboolean
hide_passwords (gpointer data)
{
  YunInstanceView *self = data;

  self->hide_passwords_source = 0;
  g_hash_table_remove_all (self->shown_passwords);
  update_password_cells (self);
  return G_SOURCE_REMOVE;
}

/* ---- What is shown ---- */

static gboolean
catch_up (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  YunInstanceView *self = data;

  if (self->catch_up_tick_waits)
    {
      self->catch_up_tick_waits = FALSE;
      return G_SOURCE_CONTINUE;
    }
  if (yun_instance_selection_catch_up (self->selection))
    return G_SOURCE_CONTINUE;
  self->catch_up_tick = 0;
  return G_SOURCE_REMOVE;
}

static void
on_catching_up (YunInstanceView *self)
{
  if (yun_instance_selection_get_catching_up (self->selection) && self->catch_up_tick == 0)
    {
      self->catch_up_tick
        = gtk_widget_add_tick_callback (GTK_WIDGET (self->column_view), catch_up, self, NULL);
    }
}

/* Rows that leave the view (filtered out, or gone from the account) leave the selection
 * too; and an instance that changes state changes which actions apply to the selection.
 * Connected after the selection's own handler, which has updated the rows by then. */
static void
on_visible_items_changed (YunInstanceView *self)
{
  /* The frame that shows the change draws it alone. */
  self->catch_up_tick_waits = TRUE;
  update_no_match_page (self);
  count_selected (self);
  g_signal_emit (self, signals[SELECTION_CHANGED], 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_VISIBLE]);
}

/* The lowest row the theme draws (a check button and its margins): enough of them fill
 * the list before any row is measured. */
#define MIN_ROW_HEIGHT 32

/* The height the list will have, before it is allocated one: the window's, or the tallest
 * monitor's when the window opens maximized. */
static int
expected_height (YunInstanceView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GListModel *monitors;
  int height = gtk_widget_get_height (GTK_WIDGET (self));

  if (height > 0 || !GTK_IS_WINDOW (root))
    return height;
  if (!gtk_window_is_maximized (GTK_WINDOW (root)) && !gtk_window_is_fullscreen (GTK_WINDOW (root)))
    {
      int width;

      gtk_window_get_default_size (GTK_WINDOW (root), &width, &height);
      return height;
    }
  monitors = gdk_display_get_monitors (gtk_widget_get_display (GTK_WIDGET (self)));
  for (guint i = 0; i < g_list_model_get_n_items (monitors); i++)
    {
      g_autoptr (GdkMonitor) monitor = g_list_model_get_item (monitors, i);
      GdkRectangle geometry;

      gdk_monitor_get_geometry (monitor, &geometry);
      height = MAX (height, geometry.height);
    }
  return height;
}

/* Tells the selection which positions are on screen, from the scroll position: the rows
 * are all of one height. A row more on each side absorbs a rounding error; no more, since
 * GTK 4.8 draws the rows off screen too, and a row given new texts costs their shaping. */
static void
update_shown_range (YunInstanceView *self)
{
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->column_view));
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
  const guint margin = 1;
  double row_height;
  guint first;

  if (adjustment == NULL || n_items == 0 || gtk_adjustment_get_upper (adjustment) <= 0)
    {
      yun_instance_selection_set_shown_range (self->selection, 0, G_MAXUINT);
      return;
    }
  row_height = gtk_adjustment_get_upper (adjustment) / n_items;
  if (gtk_adjustment_get_page_size (adjustment) > 0)
    {
      guint n_fitting = (guint) (gtk_adjustment_get_page_size (adjustment) / row_height);

      yun_instance_selection_set_screenful (self->selection, n_fitting + 2);
      yun_instance_selection_set_n_fitting (self->selection, n_fitting);
    }
  first = (guint) (gtk_adjustment_get_value (adjustment) / row_height);
  yun_instance_selection_set_shown_range (
    self->selection, first > margin ? first - margin : 0,
    (guint) (gtk_adjustment_get_page_size (adjustment) / row_height) + 2 * margin + 1);
}

/* ---- Context menu ---- */

static void
on_secondary_click (YunInstanceView *self, int n_press, double x, double y)
{
  /* Built at the first use: a popover menu is many widgets, which the first frame would
   * wait for. */
  if (self->context_popover == NULL)
    {
      self->context_popover = gtk_popover_menu_new_from_model (self->context_menu);
      gtk_popover_set_has_arrow (GTK_POPOVER (self->context_popover), FALSE);
      gtk_widget_set_halign (self->context_popover, GTK_ALIGN_START);
      gtk_widget_set_parent (self->context_popover, GTK_WIDGET (self));
    }
  gtk_popover_set_pointing_to (GTK_POPOVER (self->context_popover),
                               &(GdkRectangle){ (int) x, (int) y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->context_popover));
}

/* ---- Column widths ---- */

/* The key of a column in the settings. */
static const char *
column_id (YunInstanceView *self, GtkColumnViewColumn *column)
{
  const struct
  {
    GtkColumnViewColumn *column;
    const char *id;
  } columns[] = {
    { self->column_name, "name" },
    { self->column_instance_id, "instance-id" },
    { self->column_state, "state" },
    { self->column_region, "region" },
    { self->column_type, "type" },
    { self->column_cpu, "cpu" },
    { self->column_memory, "memory" },
    { self->column_os, "os" },
    { self->column_public_ip, "public-ip" },
    { self->column_private_ip, "private-ip" },
    { self->column_charge_type, "charge-type" },
    { self->column_created, "created" },
    { self->column_password, "password" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    if (columns[i].column == column)
      return columns[i].id;
  return NULL;
}

static void
save_column_widths (YunInstanceView *self)
{
  GListModel *columns = gtk_column_view_get_columns (self->column_view);
  g_auto (GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a{si}"));
  guint n_columns = g_list_model_get_n_items (columns);

  if (self->settings == NULL)
    return;
  for (guint i = 0; i < n_columns; i++)
    {
      g_autoptr (GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      const char *id = column_id (self, column);

      if (id != NULL)
        g_variant_builder_add (&builder, "{si}", id,
                               gtk_column_view_column_get_fixed_width (column));
    }
  g_settings_set_value (self->settings, "column-widths", g_variant_builder_end (&builder));
}

static void
restore_column_widths (YunInstanceView *self)
{
  g_autoptr (GVariant) widths = g_settings_get_value (self->settings, "column-widths");
  GListModel *columns = gtk_column_view_get_columns (self->column_view);
  guint n_columns = g_list_model_get_n_items (columns);

  for (guint i = 0; i < n_columns; i++)
    {
      g_autoptr (GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      const char *id = column_id (self, column);
      int width = 0;

      if (id != NULL && g_variant_lookup (widths, id, "i", &width) && width > 0)
        gtk_column_view_column_set_fixed_width (column, width);
      g_signal_connect_object (column, "notify::fixed-width", G_CALLBACK (save_column_widths), self,
                               G_CONNECT_SWAPPED);
    }
}

/* ---- Which columns show ---- */

static void
save_visible_columns (YunInstanceView *self)
{
  GListModel *columns = gtk_column_view_get_columns (self->column_view);
  g_autoptr (GStrvBuilder) visible = g_strv_builder_new ();
  g_auto (GStrv) ids = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr (GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      const char *id = column_id (self, column);

      /* The password column shows by itself, when there are passwords to show. */
      if (id != NULL && column != self->column_password
          && gtk_column_view_column_get_visible (column))
        g_strv_builder_add (visible, id);
    }
  ids = g_strv_builder_end (visible);
  g_settings_set_strv (self->settings, "visible-columns", (const char *const *) ids);
}

/* Every column but the name and the password has a switch in the columns' header menu,
 * and shows as the settings say. */
static void
setup_column_choice (YunInstanceView *self)
{
  g_autoptr (GSimpleActionGroup) group = g_simple_action_group_new ();
  g_autoptr (GMenu) menu = g_menu_new ();
  g_autoptr (GMenu) section = g_menu_new ();
  g_auto (GStrv) visible = g_settings_get_strv (self->settings, "visible-columns");
  GListModel *columns = gtk_column_view_get_columns (self->column_view);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr (GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      const char *id = column_id (self, column);
      g_autoptr (GPropertyAction) action = NULL;
      g_autofree char *detailed = NULL;

      if (id == NULL || column == self->column_password)
        continue;
      gtk_column_view_column_set_header_menu (column, G_MENU_MODEL (menu));
      if (column == self->column_name)
        continue;
      gtk_column_view_column_set_visible (column,
                                          g_strv_contains ((const char *const *) visible, id));
      action = g_property_action_new (id, column, "visible");
      g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (action));
      detailed = g_strconcat ("columns.", id, NULL);
      g_menu_append (section, gtk_column_view_column_get_title (column), detailed);
      g_signal_connect_object (column, "notify::visible", G_CALLBACK (save_visible_columns), self,
                               G_CONNECT_SWAPPED);
    }
  g_menu_append_section (menu, _ ("Columns"), G_MENU_MODEL (section));
  gtk_widget_insert_action_group (GTK_WIDGET (self), "columns", G_ACTION_GROUP (group));
}

/* ---- Sorting ----
 *
 * A sort of ten thousand instances makes over a hundred thousand comparisons, and the
 * column view's sorter asks for each one (in GTK 4.8 it gives the sort model no keys). So
 * a comparison reads fields: it evaluates no expression and builds no collation key, as
 * GtkStringSorter would (140 ms for the first sort by name, where this takes a tenth). */

#define DEFINE_COMPARE(name, getter, compare)                                                      \
  static int name (gconstpointer a, gconstpointer b, gpointer unused)                              \
  {                                                                                                \
    return compare (getter ((YunInstance *) a), getter ((YunInstance *) b));                       \
  }

static int
compare_numbers (guint a, guint b)
{
  return (a > b) - (a < b);
}

static int
compare_names (gconstpointer a, gconstpointer b, gpointer unused)
{
  return yun_instance_collate_names ((YunInstance *) a, (YunInstance *) b);
}

static int
compare_os_names (gconstpointer a, gconstpointer b, gpointer unused)
{
  return yun_instance_collate_os_names ((YunInstance *) a, (YunInstance *) b);
}

/* IDs and codes: ASCII, in the order of their bytes. */
DEFINE_COMPARE (compare_instance_ids, yun_instance_get_instance_id, g_strcmp0)
DEFINE_COMPARE (compare_states, yun_instance_get_state, g_strcmp0)
DEFINE_COMPARE (compare_zones, yun_instance_get_zone, g_strcmp0)
DEFINE_COMPARE (compare_types, yun_instance_get_instance_type, g_strcmp0)
DEFINE_COMPARE (compare_charge_types, yun_instance_get_charge_type, g_strcmp0)
DEFINE_COMPARE (compare_cpus, yun_instance_get_cpu, compare_numbers)
DEFINE_COMPARE (compare_memory, yun_instance_get_memory, compare_numbers)

static int
compare_created (gconstpointer a, gconstpointer b, gpointer unused)
{
  GDateTime *created_a = yun_instance_get_created_time ((YunInstance *) a);
  GDateTime *created_b = yun_instance_get_created_time ((YunInstance *) b);

  if (created_a == NULL || created_b == NULL)
    return (created_a == NULL) - (created_b == NULL);
  return g_date_time_compare (created_a, created_b);
}

/* Numerically, so 10.0.0.9 comes before 10.0.0.10; instances without an IPv4 address
 * first. */
static int
compare_first_address (const char *const *a, const char *const *b)
{
  struct in_addr address_a, address_b;
  gboolean has_a = a != NULL && a[0] != NULL && inet_pton (AF_INET, a[0], &address_a) == 1;
  gboolean has_b = b != NULL && b[0] != NULL && inet_pton (AF_INET, b[0], &address_b) == 1;

  if (!has_a || !has_b)
    return has_a - has_b;
  return compare_numbers (GUINT32_FROM_BE (address_a.s_addr), GUINT32_FROM_BE (address_b.s_addr));
}

DEFINE_COMPARE (compare_public_ips, yun_instance_get_public_ips, compare_first_address)
DEFINE_COMPARE (compare_private_ips, yun_instance_get_private_ips, compare_first_address)

static void
set_sorters (YunInstanceView *self)
{
  const struct
  {
    GtkColumnViewColumn *column;
    GCompareDataFunc compare;
  } sorters[] = {
    { self->column_name, compare_names },
    { self->column_instance_id, compare_instance_ids },
    { self->column_state, compare_states },
    { self->column_region, compare_zones },
    { self->column_type, compare_types },
    { self->column_cpu, compare_cpus },
    { self->column_memory, compare_memory },
    { self->column_os, compare_os_names },
    { self->column_public_ip, compare_public_ips },
    { self->column_private_ip, compare_private_ips },
    { self->column_charge_type, compare_charge_types },
    { self->column_created, compare_created },
  };

  for (guint i = 0; i < G_N_ELEMENTS (sorters); i++)
    {
      g_autoptr (GtkCustomSorter) sorter = gtk_custom_sorter_new (sorters[i].compare, NULL, NULL);

      gtk_column_view_column_set_sorter (sorters[i].column, GTK_SORTER (sorter));
    }
}

static void
set_cell_factories (YunInstanceView *self)
{
  const struct
  {
    GtkColumnViewColumn *column;
    YunInstanceCell cell;
  } cells[] = {
    { self->column_name, YUN_INSTANCE_CELL_NAME },
    { self->column_instance_id, YUN_INSTANCE_CELL_INSTANCE_ID },
    { self->column_state, YUN_INSTANCE_CELL_STATE },
    { self->column_region, YUN_INSTANCE_CELL_ZONE },
    { self->column_type, YUN_INSTANCE_CELL_TYPE },
    { self->column_cpu, YUN_INSTANCE_CELL_CPU },
    { self->column_memory, YUN_INSTANCE_CELL_MEMORY },
    { self->column_os, YUN_INSTANCE_CELL_OS },
    { self->column_public_ip, YUN_INSTANCE_CELL_PUBLIC_IP },
    { self->column_private_ip, YUN_INSTANCE_CELL_PRIVATE_IP },
    { self->column_charge_type, YUN_INSTANCE_CELL_CHARGE_TYPE },
    { self->column_created, YUN_INSTANCE_CELL_CREATED },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cells); i++)
    {
      g_autoptr (GtkListItemFactory) factory = yun_instance_cell_factory_new (cells[i].cell);

      gtk_column_view_column_set_factory (cells[i].column, factory);
    }
}

/* ---- GObject ---- */

static void
yun_instance_view_dispose (GObject *object)
{
  YunInstanceView *self = YUN_INSTANCE_VIEW (object);

  if (self->catch_up_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->column_view), self->catch_up_tick);
  self->catch_up_tick = 0;
  g_clear_pointer (&self->context_popover, gtk_widget_unparent);
  g_clear_handle_id (&self->prebuild_source, g_source_remove);
  g_clear_handle_id (&self->hide_passwords_source, g_source_remove);
  g_clear_pointer (&self->shown_passwords, g_hash_table_unref);
  g_clear_pointer (&self->password_items, g_hash_table_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), YUN_TYPE_INSTANCE_VIEW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (yun_instance_view_parent_class)->dispose (object);
}

static void
yun_instance_view_finalize (GObject *object)
{
  YunInstanceView *self = YUN_INSTANCE_VIEW (object);

  g_free (self->region);
  g_free (self->state_filter);
  g_free (self->search_text);
  g_free (self->folded_search);
  g_clear_pointer (&self->remembered, g_hash_table_unref);

  G_OBJECT_CLASS (yun_instance_view_parent_class)->finalize (object);
}

static void
yun_instance_view_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  YunInstanceView *self = YUN_INSTANCE_VIEW (object);

  switch (prop_id)
    {
    case PROP_REGION:
      g_value_set_string (value, self->region);
      break;
    case PROP_STATE_FILTER:
      g_value_set_string (value, self->state_filter);
      break;
    case PROP_SEARCH_TEXT:
      g_value_set_string (value, self->search_text);
      break;
    case PROP_N_VISIBLE:
      g_value_set_uint (value, yun_instance_view_get_n_visible (self));
      break;
    case PROP_N_SELECTED:
      g_value_set_uint (value, self->n_selected);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yun_instance_view_set_property (GObject *object,
                                guint prop_id,
                                const GValue *value,
                                GParamSpec *pspec)
{
  YunInstanceView *self = YUN_INSTANCE_VIEW (object);

  switch (prop_id)
    {
    case PROP_REGION:
      yun_instance_view_set_region (self, g_value_get_string (value));
      break;
    case PROP_STATE_FILTER:
      yun_instance_view_set_state_filter (self, g_value_get_string (value));
      break;
    case PROP_SEARCH_TEXT:
      yun_instance_view_set_search_text (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yun_instance_view_map (GtkWidget *widget)
{
  YunInstanceView *self = YUN_INSTANCE_VIEW (widget);

  GTK_WIDGET_CLASS (yun_instance_view_parent_class)->map (widget);
  if (self->no_match_page == NULL && self->prebuild_source == 0)
    self->prebuild_source
      = g_timeout_add_full (G_PRIORITY_LOW, 1000, prebuild_no_match_page, self, NULL);
}

static void
yun_instance_view_class_init (YunInstanceViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = yun_instance_view_dispose;
  widget_class->map = yun_instance_view_map;
  object_class->finalize = yun_instance_view_finalize;
  object_class->get_property = yun_instance_view_get_property;
  object_class->set_property = yun_instance_view_set_property;

  properties[PROP_REGION]
    = g_param_spec_string ("region", NULL, NULL, NULL,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE_FILTER]
    = g_param_spec_string ("state-filter", NULL, NULL, NULL,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SEARCH_TEXT]
    = g_param_spec_string ("search-text", NULL, NULL, NULL,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_VISIBLE] = g_param_spec_uint ("n-visible", NULL, NULL, 0, G_MAXUINT, 0,
                                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_SELECTED] = g_param_spec_uint ("n-selected", NULL, NULL, 0, G_MAXUINT, 0,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The selection, or the state of a selected instance, changed. */
  signals[SELECTION_CHANGED]
    = g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                    NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (YUN_TYPE_INSTANCE);
  g_type_ensure (YUN_TYPE_INSTANCE_SELECTION);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/yundesk/YunDesk/yun-instance-view.ui");
  gtk_widget_class_bind_template_child (widget_class, YunInstanceView, column_view);
  gtk_widget_class_bind_template_child (widget_class, YunInstanceView, selection);
  gtk_widget_class_bind_template_child (widget_class, YunInstanceView, sort_model);
  gtk_widget_class_bind_template_child (widget_class, YunInstanceView, filter_model);
  gtk_widget_class_bind_template_child (widget_class, YunInstanceView, filter);
  gtk_widget_class_bind_template_child (widget_class, YunInstanceView, context_menu);
  gtk_widget_class_bind_template_child (widget_class, YunInstanceView, column_name);
  gtk_widget_class_bind_template_child (widget_class, YunInstanceView, column_instance_id);
  gtk_widget_class_bind_template_child (widget_class, YunInstanceView, column_state);
  gtk_widget_class_bind_template_child (widget_class, YunInstanceView, column_region);
  gtk_widget_class_bind_template_child (widget_class, YunInstanceView, column_type);
  gtk_widget_class_bind_template_child (widget_class, YunInstanceView, column_cpu);
  gtk_widget_class_bind_template_child (widget_class, YunInstanceView, column_memory);
  gtk_widget_class_bind_template_child (widget_class, YunInstanceView, column_os);
  gtk_widget_class_bind_template_child (widget_class, YunInstanceView, column_public_ip);
  gtk_widget_class_bind_template_child (widget_class, YunInstanceView, column_private_ip);
  gtk_widget_class_bind_template_child (widget_class, YunInstanceView, column_charge_type);
  gtk_widget_class_bind_template_child (widget_class, YunInstanceView, column_created);
  gtk_widget_class_bind_template_child (widget_class, YunInstanceView, column_password);

  gtk_widget_class_bind_template_callback (widget_class, on_selection_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_secondary_click);
  gtk_widget_class_bind_template_callback (widget_class, on_check_setup);
  gtk_widget_class_bind_template_callback (widget_class, on_check_bind);
  gtk_widget_class_bind_template_callback (widget_class, on_check_unbind);
  gtk_widget_class_bind_template_callback (widget_class, on_password_bind);
  gtk_widget_class_bind_template_callback (widget_class, on_password_unbind);
}

static void
yun_instance_view_init (YunInstanceView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  set_cell_factories (self);
  g_signal_connect_object (self->selection, "notify::catching-up", G_CALLBACK (on_catching_up),
                           self, G_CONNECT_SWAPPED);
  yun_instance_selection_set_progressive (self->selection, TRUE);
  g_signal_connect_object (self->filter_model, "items-changed",
                           G_CALLBACK (on_visible_items_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->column_view)),
                           "value-changed", G_CALLBACK (update_shown_range), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->column_view)),
                           "changed", G_CALLBACK (update_shown_range), self, G_CONNECT_SWAPPED);
  self->remembered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->shown_passwords
    = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) yun_secret_free);
  self->password_items = g_hash_table_new (NULL, NULL);

  gtk_custom_filter_set_filter_func (self->filter, instance_is_visible, self, NULL);
  set_sorters (self);
}

/* ---- Public API ---- */

void
yun_instance_view_set_model (YunInstanceView *self, GListModel *instances)
{
  int height;

  g_return_if_fail (YUN_IS_INSTANCE_VIEW (self));
  g_return_if_fail (instances == NULL || G_IS_LIST_MODEL (instances));

  /* Rows for the list's height and no more: the first frame waits for every one. */
  height = expected_height (self);
  if (height > 0)
    yun_instance_selection_set_screenful (self->selection, height / MIN_ROW_HEIGHT + 1);
  gtk_sort_list_model_set_model (self->sort_model, instances);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_VISIBLE]);
}

/* The settings that keep the columns' widths. */
void
yun_instance_view_set_settings (YunInstanceView *self, GSettings *settings)
{
  g_return_if_fail (YUN_IS_INSTANCE_VIEW (self));
  g_return_if_fail (self->settings == NULL);

  self->settings = g_object_ref (settings);
  restore_column_widths (self);
  setup_column_choice (self);
}

const char *
yun_instance_view_get_region (YunInstanceView *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE_VIEW (self), NULL);
  return self->region;
}

/* @region: (nullable): only this region's instances, or all */
void
yun_instance_view_set_region (YunInstanceView *self, const char *region)
{
  g_return_if_fail (YUN_IS_INSTANCE_VIEW (self));

  if (g_strcmp0 (self->region, region) == 0)
    return;
  g_free (self->region);
  self->region = g_strdup (region);
  refilter (self, GTK_FILTER_CHANGE_DIFFERENT);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REGION]);
}

const char *
yun_instance_view_get_state_filter (YunInstanceView *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE_VIEW (self), NULL);
  return self->state_filter;
}

/* @state: (nullable): only instances in this InstanceState, or all */
void
yun_instance_view_set_state_filter (YunInstanceView *self, const char *state)
{
  g_return_if_fail (YUN_IS_INSTANCE_VIEW (self));

  if (state != NULL && *state == '\0')
    state = NULL;
  if (g_strcmp0 (self->state_filter, state) == 0)
    return;
  g_free (self->state_filter);
  self->state_filter = g_strdup (state);
  refilter (self, GTK_FILTER_CHANGE_DIFFERENT);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE_FILTER]);
}

const char *
yun_instance_view_get_search_text (YunInstanceView *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE_VIEW (self), NULL);
  return self->search_text;
}

/* Instances whose name, ID, an IP address or a tag contains @text, ignoring case. */
void
yun_instance_view_set_search_text (YunInstanceView *self, const char *text)
{
  g_autofree char *folded = NULL;
  GtkFilterChange change = GTK_FILTER_CHANGE_DIFFERENT;

  g_return_if_fail (YUN_IS_INSTANCE_VIEW (self));

  if (text != NULL && *text == '\0')
    text = NULL;
  if (g_strcmp0 (self->search_text, text) == 0)
    return;
  folded = text != NULL ? g_utf8_casefold (text, -1) : NULL;
  /* A longer text that contains the old one can only hide rows; a shorter one only shows. */
  if (self->folded_search != NULL && folded != NULL && strstr (folded, self->folded_search) != NULL)
    change = GTK_FILTER_CHANGE_MORE_STRICT;
  else if (folded == NULL || (self->folded_search != NULL && strstr (self->folded_search, folded)))
    change = GTK_FILTER_CHANGE_LESS_STRICT;
  g_free (self->search_text);
  self->search_text = g_strdup (text);
  g_free (self->folded_search);
  self->folded_search = g_steal_pointer (&folded);
  refilter (self, change);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCH_TEXT]);
}

guint
yun_instance_view_get_n_visible (YunInstanceView *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE_VIEW (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->filter_model));
}

/* Returns: (transfer none): the #YunInstance<!-- -->s shown, in the order on screen */
GListModel *
yun_instance_view_get_instances (YunInstanceView *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE_VIEW (self), NULL);
  return G_LIST_MODEL (self->filter_model);
}

guint
yun_instance_view_get_n_selected (YunInstanceView *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE_VIEW (self), 0);
  return self->n_selected;
}

/**
 * yun_instance_view_dup_selected:
 * @self: a #YunInstanceView
 *
 * Returns: (transfer full) (element-type YunInstance): the selected instances that the
 *   filter shows, in the order on screen
 */
GPtrArray *
yun_instance_view_dup_selected (YunInstanceView *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE_VIEW (self), NULL);
  return yun_instance_selection_dup_selected (self->selection);
}

/* Every instance the filter shows. */
void
yun_instance_view_select_all (YunInstanceView *self)
{
  g_return_if_fail (YUN_IS_INSTANCE_VIEW (self));
  gtk_selection_model_select_all (GTK_SELECTION_MODEL (self->selection));
}

void
yun_instance_view_unselect_all (YunInstanceView *self)
{
  g_return_if_fail (YUN_IS_INSTANCE_VIEW (self));
  gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (self->selection));
}

/* Adds the instance @instance_id to the selection if the filter shows it. */
gboolean
yun_instance_view_select_id (YunInstanceView *self, const char *instance_id)
{
  g_return_val_if_fail (YUN_IS_INSTANCE_VIEW (self), FALSE);
  return yun_instance_selection_select_id (self->selection, instance_id);
}

GtkColumnView *
yun_instance_view_get_column_view (YunInstanceView *self)
{
  g_return_val_if_fail (YUN_IS_INSTANCE_VIEW (self), NULL);
  return self->column_view;
}

/**
 * yun_instance_view_set_remembered_passwords:
 * @self: a #YunInstanceView
 * @instance_ids: (nullable): the instances whose password the keyring holds for the user
 *
 * The password column shows only when there is one, and only for these instances.
 */
void
yun_instance_view_set_remembered_passwords (YunInstanceView *self, const char *const *instance_ids)
{
  g_return_if_fail (YUN_IS_INSTANCE_VIEW (self));

  g_hash_table_remove_all (self->remembered);
  for (guint i = 0; instance_ids != NULL && instance_ids[i] != NULL; i++)
    g_hash_table_add (self->remembered, g_strdup (instance_ids[i]));
  gtk_column_view_column_set_visible (self->column_password,
                                      g_hash_table_size (self->remembered) > 0);
  update_password_cells (self);
}

gboolean
yun_instance_view_get_password_shown (YunInstanceView *self, const char *instance_id)
{
  g_return_val_if_fail (YUN_IS_INSTANCE_VIEW (self), FALSE);
  g_return_val_if_fail (instance_id != NULL, FALSE);

  return g_hash_table_contains (self->shown_passwords, instance_id);
}

/**
 * yun_instance_view_show_password:
 * @self: a #YunInstanceView
 * @instance_id: an instance whose password is remembered
 * @password: (nullable): the password to show in its row for a short while, or %NULL to
 *   hide it again
 */
void
yun_instance_view_show_password (YunInstanceView *self,
                                 const char *instance_id,
                                 const char *password)
{
  g_return_if_fail (YUN_IS_INSTANCE_VIEW (self));
  g_return_if_fail (instance_id != NULL);

  if (password != NULL)
    {
      g_hash_table_replace (self->shown_passwords, g_strdup (instance_id), g_strdup (password));
      g_clear_handle_id (&self->hide_passwords_source, g_source_remove);
      self->hide_passwords_source
        = g_timeout_add_seconds (PASSWORD_SHOWN_SECONDS, hide_passwords, self);
    }
  else
    g_hash_table_remove (self->shown_passwords, instance_id);
  update_password_cells (self);
}
