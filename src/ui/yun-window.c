/* yun-window.c: the main window: regions, instances, actions, jobs
 *
 * SPDX-License-Identifier: MIT
 *
 * The window shows a workspace: the cached inventory at once, then a sync of every region
 * in the background, with its progress in the status bar and the regions' freshness in the
 * sidebar. Without a workspace (first run, no account) it shows the welcome page. Every
 * command is an action (yun-window-actions.c), enabled for what the selection allows.
 */

#define G_LOG_DOMAIN "yun-window"

#include "config.h"

#include <glib/gi18n.h>

#include "yun-window-private.h"

G_DEFINE_FINAL_TYPE (YunWindow, yun_window, ADW_TYPE_APPLICATION_WINDOW)

enum
{
  PROP_0,
  PROP_SETTINGS,
  PROP_WORKSPACE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The state filter's choices: "" for all, then InstanceState values. */
static const char *const filter_states[]
  = { "",          "RUNNING",       "STOPPED",  "PENDING",     "STARTING", "STOPPING",
      "REBOOTING", "LAUNCH_FAILED", "SHUTDOWN", "TERMINATING", NULL };

/* ---- Status ---- */

/* An inscription: a label would resize, and so lay out the whole window again, at every
 * filter keystroke. */
static void
show_status (YunWindow *self, const char *text)
{
  gtk_inscription_set_text (self->status_label, text);
}

static void
show_counts (YunWindow *self)
{
  guint n_visible = yun_instance_view_get_n_visible (self->instance_view);
  guint n_selected = yun_instance_view_get_n_selected (self->instance_view);
  g_autofree char *text = NULL;

  if (self->workspace == NULL
      || yun_inventory_get_syncing (yun_workspace_get_inventory (self->workspace)))
    return;
  if (n_selected > 0)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u instance selected",
                                         "%u of %u instances selected", n_visible),
                            n_selected, n_visible);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u instance", "%u instances", n_visible),
                            n_visible);
  show_status (self, text);
}

static void
on_sync_progress (YunWindow *self, guint regions_done, guint regions_total)
{
  g_autofree char *text = NULL;

  if (regions_total == 0)
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->sync_progress), regions_done < regions_total);
  gtk_progress_bar_set_fraction (self->sync_progress, (double) regions_done / regions_total);
  text = g_strdup_printf (_ ("Syncing regions: %u of %u"), regions_done, regions_total);
  show_status (self, text);
}

static void
on_syncing_changed (YunWindow *self)
{
  YunInventory *inventory = yun_workspace_get_inventory (self->workspace);

  if (!yun_inventory_get_syncing (inventory))
    {
      gtk_widget_set_visible (GTK_WIDGET (self->sync_progress), FALSE);
      show_counts (self);
    }
  else
    {
      gtk_progress_bar_set_fraction (self->sync_progress, 0);
      gtk_widget_set_visible (GTK_WIDGET (self->sync_progress), TRUE);
      show_status (self, _ ("Syncing every region…"));
    }
}

/* Instances that changed behind YunDesk's back: in the console, or by another tool. */
static void
on_changes_detected (YunWindow *self, GPtrArray *changes)
{
  guint n_added = 0, n_vanished = 0, n_changed = 0;
  g_autoptr (GString) title = g_string_new (NULL);
  AdwToast *toast;

  for (guint i = 0; i < changes->len; i++)
    {
      YunInstanceChange *change = g_ptr_array_index (changes, i);

      switch (change->kind)
        {
        case YUN_INSTANCE_CHANGE_ADDED:
          n_added++;
          break;
        case YUN_INSTANCE_CHANGE_VANISHED:
          n_vanished++;
          break;
        case YUN_INSTANCE_CHANGE_CHANGED:
        default:
          /* The end of a transition is no news. */
          if (change->old_state != NULL && yun_instance_state_is_transitional (change->old_state))
            continue;
          n_changed++;
          break;
        }
    }
  if (n_added + n_vanished + n_changed == 0)
    return;
  g_string_append (title, _ ("Changed outside YunDesk:"));
  if (n_added > 0)
    {
      g_string_append_c (title, ' ');
      g_string_append_printf (title, g_dngettext (GETTEXT_PACKAGE, "%u new", "%u new", n_added),
                              n_added);
    }
  if (n_changed > 0)
    {
      g_string_append_c (title, ' ');
      g_string_append_printf (
        title, g_dngettext (GETTEXT_PACKAGE, "%u changed", "%u changed", n_changed), n_changed);
    }
  if (n_vanished > 0)
    {
      g_string_append_c (title, ' ');
      g_string_append_printf (
        title, g_dngettext (GETTEXT_PACKAGE, "%u gone", "%u gone", n_vanished), n_vanished);
    }
  toast = adw_toast_new (title->str);
  adw_toast_set_timeout (toast, 6);
  yun_window_add_toast (self, toast);
}

/* ---- Loading and syncing ---- */

static void
on_refresh_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (YunWindow) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!yun_inventory_refresh_finish (YUN_INVENTORY (source), result, &error)
      && !g_error_matches (error, YUN_ERROR, YUN_ERROR_CANCELLED)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Regions that failed keep their rows and say so in the sidebar. */
      g_autofree char *text = g_strdup_printf (_ ("Sync failed: %s"), error->message);

      show_status (self, text);
      yun_window_add_toast (self, adw_toast_new (_ ("Some regions could not be synced")));
    }
}

void
_yun_window_refresh (YunWindow *self)
{
  if (self->workspace == NULL || !yun_workspace_get_connected (self->workspace))
    return;
  yun_inventory_refresh_async (yun_workspace_get_inventory (self->workspace), NULL,
                               self->cancellable, on_refresh_done, g_object_ref (self));
}

static void
on_cached_list_painted (YunWindow *self, GdkFrameClock *clock)
{
  g_signal_handlers_disconnect_by_func (clock, on_cached_list_painted, self);
  self->first_sync_waits = FALSE;
  _yun_window_refresh (self);
}

/* An account's first sync waits for the frame that shows its cached list: the sync's
 * workers, and the demo's simulator, would take the cores that frame is drawn with. */
static void
refresh_after_next_frame (YunWindow *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  if (clock == NULL || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      _yun_window_refresh (self);
      return;
    }
  if (!self->first_sync_waits)
    g_signal_connect_object (clock, "after-paint", G_CALLBACK (on_cached_list_painted), self,
                             G_CONNECT_SWAPPED);
  self->first_sync_waits = TRUE;
  /* A frame even when nothing changed on screen, an empty cache say. */
  gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_AFTER_PAINT);
}

/* The workspace has read its cached inventory, which is in the list now; the sync after. */
static void
on_workspace_loaded (YunWindow *self)
{
  const GError *error;

  if (self->workspace == NULL || yun_workspace_get_loading (self->workspace))
    return;
  error = yun_workspace_get_load_error (self->workspace);
  if (error != NULL)
    yun_window_show_error (self, _ ("The cached inventory could not be read"), error);
  show_counts (self);
  if (yun_workspace_get_connected (self->workspace))
    refresh_after_next_frame (self);
}

/* ---- Widgets' signals ---- */

static void
on_search_changed (YunWindow *self, GtkSearchEntry *entry)
{
  yun_instance_view_set_search_text (self->instance_view,
                                     gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
on_state_filter_changed (YunWindow *self)
{
  guint selected = gtk_drop_down_get_selected (self->state_dropdown);

  if (selected < G_N_ELEMENTS (filter_states) - 1)
    yun_instance_view_set_state_filter (self->instance_view, filter_states[selected]);
}

static void
on_selection_changed (YunWindow *self)
{
  _yun_window_update_actions (self);
  show_counts (self);
}

static void
on_region_selected (YunWindow *self)
{
  const char *region = yun_sidebar_get_selected_region (self->sidebar);

  yun_instance_view_set_region (self->instance_view, region);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
  show_counts (self);
}

/* ---- Settings, applied as they change ---- */

/* What the preferences change while an account is open. */
static const char *const live_settings[] = { "refresh-interval", "poll-interval", "max-workers" };

static void
apply_settings (YunWindow *self)
{
  YunInventory *inventory;

  if (self->workspace == NULL)
    return;
  inventory = yun_workspace_get_inventory (self->workspace);
  yun_inventory_set_refresh_interval (inventory,
                                      g_settings_get_uint (self->settings, "refresh-interval"));
  yun_inventory_set_poll_interval (inventory,
                                   g_settings_get_uint (self->settings, "poll-interval"));
  yun_job_engine_set_max_workers (yun_workspace_get_job_engine (self->workspace),
                                  g_settings_get_uint (self->settings, "max-workers"));
}

/* ---- The account switcher ---- */

static void
update_account_menu (YunWindow *self)
{
  g_autoptr (GMenu) menu = g_menu_new ();
  g_autoptr (GMenu) accounts = g_menu_new ();
  g_autoptr (GMenu) others = g_menu_new ();
  guint n_profiles = self->profiles != NULL ? g_list_model_get_n_items (self->profiles) : 0;

  /* The action's state marks the account shown. */
  for (guint i = 0; i < n_profiles; i++)
    {
      g_autoptr (YunProfile) profile = g_list_model_get_item (self->profiles, i);
      g_autoptr (GMenuItem) item = g_menu_item_new (yun_profile_get_name (profile), NULL);

      g_menu_item_set_action_and_target_value (
        item, "app.switch-account", g_variant_new_string (yun_profile_get_name (profile)));
      g_menu_append_item (accounts, item);
    }
  g_menu_append (others, _ ("Try the _Demo"), "app.demo");
  g_menu_append (others, _ ("_Manage Accounts…"), "app.preferences");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (accounts));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (others));
  gtk_menu_button_set_menu_model (self->account_button, G_MENU_MODEL (menu));
}

/**
 * yun_window_set_accounts:
 * @self: a #YunWindow
 * @profiles: (nullable): a #GListModel of #YunProfile, the accounts to switch between
 */
void
yun_window_set_accounts (YunWindow *self, GListModel *profiles)
{
  g_return_if_fail (YUN_IS_WINDOW (self));
  g_return_if_fail (profiles == NULL || G_IS_LIST_MODEL (profiles));

  if (self->profiles != NULL)
    g_signal_handlers_disconnect_by_func (self->profiles, update_account_menu, self);
  g_set_object (&self->profiles, profiles);
  if (profiles != NULL)
    g_signal_connect_object (profiles, "items-changed", G_CALLBACK (update_account_menu), self,
                             G_CONNECT_SWAPPED);
  update_account_menu (self);
}

/* ---- Window state ---- */

static gboolean
yun_window_close_request (GtkWindow *window)
{
  YunWindow *self = YUN_WINDOW (window);
  int width = 0, height = 0;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  g_cancellable_cancel (self->cancellable);

  return GTK_WINDOW_CLASS (yun_window_parent_class)->close_request (window);
}

static void
setup_state_filter (YunWindow *self)
{
  g_autoptr (GtkStringList) labels = gtk_string_list_new (NULL);

  gtk_string_list_append (labels, _ ("All States"));
  for (guint i = 1; filter_states[i] != NULL; i++)
    gtk_string_list_append (labels, yun_instance_state_get_label (filter_states[i]));
  gtk_drop_down_set_model (self->state_dropdown, G_LIST_MODEL (labels));
}

/* ---- GObject ---- */

static void
yun_window_constructed (GObject *object)
{
  YunWindow *self = YUN_WINDOW (object);

  G_OBJECT_CLASS (yun_window_parent_class)->constructed (object);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  yun_instance_view_set_settings (self->instance_view, self->settings);
  for (guint i = 0; i < G_N_ELEMENTS (live_settings); i++)
    {
      g_autofree char *signal = g_strconcat ("changed::", live_settings[i], NULL);

      g_signal_connect_object (self->settings, signal, G_CALLBACK (apply_settings), self,
                               G_CONNECT_SWAPPED);
    }
  update_account_menu (self);
  _yun_window_update_actions (self);
}

static void
yun_window_dispose (GObject *object)
{
  YunWindow *self = YUN_WINDOW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  yun_window_set_workspace (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), YUN_TYPE_WINDOW);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_object (&self->profiles);
  g_clear_pointer (&self->protected_ids, g_hash_table_unref);

  G_OBJECT_CLASS (yun_window_parent_class)->dispose (object);
}

static void
yun_window_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  YunWindow *self = YUN_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    case PROP_WORKSPACE:
      g_value_set_object (value, self->workspace);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yun_window_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  YunWindow *self = YUN_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    case PROP_WORKSPACE:
      yun_window_set_workspace (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yun_window_class_init (YunWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = yun_window_constructed;
  object_class->dispose = yun_window_dispose;
  object_class->get_property = yun_window_get_property;
  object_class->set_property = yun_window_set_property;
  window_class->close_request = yun_window_close_request;

  properties[PROP_SETTINGS]
    = g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_WORKSPACE]
    = g_param_spec_object ("workspace", NULL, NULL, YUN_TYPE_WORKSPACE,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (YUN_TYPE_SIDEBAR);
  g_type_ensure (YUN_TYPE_INSTANCE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/yundesk/YunDesk/yun-window.ui");
  gtk_widget_class_bind_template_child (widget_class, YunWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, YunWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, YunWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, YunWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, YunWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, YunWindow, account_button);
  gtk_widget_class_bind_template_child (widget_class, YunWindow, welcome_menu_button);
  gtk_widget_class_bind_template_child (widget_class, YunWindow, main_menu_button);
  gtk_widget_class_bind_template_child (widget_class, YunWindow, primary_menu);
  gtk_widget_class_bind_template_child (widget_class, YunWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, YunWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, YunWindow, state_dropdown);
  gtk_widget_class_bind_template_child (widget_class, YunWindow, tab_view);
  gtk_widget_class_bind_template_child (widget_class, YunWindow, instances_page);
  gtk_widget_class_bind_template_child (widget_class, YunWindow, instance_view);
  gtk_widget_class_bind_template_child (widget_class, YunWindow, jobs_revealer);
  gtk_widget_class_bind_template_child (widget_class, YunWindow, jobs_area);
  gtk_widget_class_bind_template_child (widget_class, YunWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, YunWindow, sync_progress);
  gtk_widget_class_bind_template_child (widget_class, YunWindow, demo_label);
  gtk_widget_class_bind_template_child (widget_class, YunWindow, read_only_label);
  gtk_widget_class_bind_template_child (widget_class, YunWindow, start_button);
  gtk_widget_class_bind_template_child (widget_class, YunWindow, stop_button);
  gtk_widget_class_bind_template_child (widget_class, YunWindow, reboot_button);
  gtk_widget_class_bind_template_child (widget_class, YunWindow, run_command_button);
  gtk_widget_class_bind_template_child (widget_class, YunWindow, reset_password_button);
  gtk_widget_class_bind_template_child (widget_class, YunWindow, terminate_button);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_state_filter_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_selection_changed);

  _yun_window_class_install_actions (widget_class);
}

/* On a worker: the icon theme reads its index files at its first lookup. GtkIconTheme
 * answers lookups from any thread once it is made on the main thread. */
static void
load_icon_theme_in_thread (GTask *task,
                           gpointer source_object,
                           gpointer task_data,
                           GCancellable *cancellable)
{
  g_autoptr (GtkIconPaintable) icon = gtk_icon_theme_lookup_icon (
    task_data, "view-refresh-symbolic", NULL, 16, 1, GTK_TEXT_DIR_NONE, 0);

  g_task_return_boolean (task, TRUE);
}

/* While the window is built, which needs no icon before its first frame. */
static void
preload_icon_theme (YunWindow *self)
{
  GdkDisplay *display = gtk_widget_get_display (GTK_WIDGET (self));
  g_autoptr (GTask) task = g_task_new (NULL, NULL, NULL, NULL);

  g_task_set_source_tag (task, preload_icon_theme);
  g_task_set_task_data (task, g_object_ref (gtk_icon_theme_get_for_display (display)),
                        g_object_unref);
  g_task_run_in_thread (task, load_icon_theme_in_thread);
}

/* The main menu's popover is built when it is first opened, not with the window. */
static void
create_primary_popover (GtkMenuButton *button, gpointer user_data)
{
  YunWindow *self = user_data;

  gtk_menu_button_set_menu_model (button, self->primary_menu);
}

static void
yun_window_init (YunWindow *self)
{
  preload_icon_theme (self);
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_menu_button_set_create_popup_func (self->welcome_menu_button, create_primary_popover, self,
                                         NULL);
  gtk_menu_button_set_create_popup_func (self->main_menu_button, create_primary_popover, self,
                                         NULL);

  self->cancellable = g_cancellable_new ();
  self->protected_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  setup_state_filter (self);
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  self->jobs_panel = yun_jobs_panel_new ();
  gtk_widget_set_vexpand (GTK_WIDGET (self->jobs_panel), TRUE);
  gtk_box_append (self->jobs_area, GTK_WIDGET (self->jobs_panel));
  g_signal_connect_object (self->jobs_panel, "job-retried", G_CALLBACK (_yun_window_follow_job),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sidebar, "notify::selected-region",
                           G_CALLBACK (on_region_selected), self, G_CONNECT_SWAPPED);
  gtk_stack_set_visible_child_name (self->main_stack, "welcome");
}

/* ---- Public API ---- */

YunWindow *
yun_window_new (GtkApplication *application, GSettings *settings)
{
  return g_object_new (YUN_TYPE_WINDOW, "application", application, "settings", settings, NULL);
}

/* (nullable): none before an account is chosen */
YunWorkspace *
yun_window_get_workspace (YunWindow *self)
{
  g_return_val_if_fail (YUN_IS_WINDOW (self), NULL);
  return self->workspace;
}

static void
on_jobs_resumed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (YunWindow) self = user_data;
  YunJobEngine *engine = YUN_JOB_ENGINE (source);
  g_autoptr (GError) error = NULL;
  g_autofree char *title = NULL;
  GListModel *jobs = yun_job_engine_get_jobs (engine);
  guint resumed = yun_job_engine_resume_finish (engine, result, &error);

  if (error != NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        yun_window_show_error (self, _ ("Interrupted jobs could not be resumed"), error);
      return;
    }
  if (resumed == 0)
    return;
  for (guint i = 0; i < g_list_model_get_n_items (jobs); i++)
    {
      g_autoptr (YunJob) job = g_list_model_get_item (jobs, i);

      if (!yun_job_get_finished (job))
        _yun_window_follow_job (self, job);
    }
  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Resumed %u interrupted job",
                                        "Resumed %u interrupted jobs", resumed),
                           resumed);
  yun_window_add_toast (self, adw_toast_new (title));
}

/* Jobs a crash or a kill interrupted go on where they stopped, each call that may have gone
 * out checked first. Not the demo's: its cloud starts afresh every time. Not on a
 * read-only account: it sends nothing. The window's cancellable ends the wait when the
 * account is replaced, before any job starts. */
static void
resume_jobs (YunWindow *self, YunWorkspace *workspace)
{
  if (yun_workspace_get_demo (workspace) || yun_workspace_get_read_only (workspace))
    return;
  yun_job_engine_resume_async (yun_workspace_get_job_engine (workspace), self->cancellable,
                               on_jobs_resumed, g_object_ref (self));
}

/* The account's credentials are read: its calls to Tencent Cloud can go. */
static void
on_connected (YunWindow *self)
{
  resume_jobs (self, self->workspace);
  _yun_window_update_actions (self);
  if (yun_inventory_get_loaded (yun_workspace_get_inventory (self->workspace)))
    refresh_after_next_frame (self);
}

/**
 * yun_window_set_workspace:
 * @self: a #YunWindow
 * @workspace: (nullable): the account to show, or %NULL for the welcome page
 *
 * Shows @workspace's cached inventory at once, then syncs it in the background.
 */
void
yun_window_set_workspace (YunWindow *self, YunWorkspace *workspace)
{
  YunInventory *inventory;
  const char *account;
  g_autofree char *subtitle = NULL;

  g_return_if_fail (YUN_IS_WINDOW (self));
  g_return_if_fail (workspace == NULL || YUN_IS_WORKSPACE (workspace));

  if (self->workspace == workspace)
    return;
  if (self->workspace != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->workspace, self);
      g_signal_handlers_disconnect_by_data (yun_workspace_get_inventory (self->workspace), self);
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
      self->cancellable = g_cancellable_new ();
    }
  g_set_object (&self->workspace, workspace);
  g_hash_table_remove_all (self->protected_ids);

  yun_jobs_panel_set_engine (self->jobs_panel,
                             workspace != NULL ? yun_workspace_get_job_engine (workspace) : NULL);
  if (workspace == NULL)
    {
      yun_instance_view_set_model (self->instance_view, NULL);
      yun_instance_view_set_remembered_passwords (self->instance_view, NULL);
      yun_sidebar_set_inventory (self->sidebar, NULL);
      if (gtk_widget_get_realized (GTK_WIDGET (self))
          || !gtk_widget_in_destruction (GTK_WIDGET (self)))
        gtk_stack_set_visible_child_name (self->main_stack, "welcome");
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WORKSPACE]);
      return;
    }

  inventory = yun_workspace_get_inventory (workspace);
  account = yun_workspace_get_account (workspace);
  yun_sidebar_set_inventory (self->sidebar, inventory);
  yun_instance_view_set_model (self->instance_view, yun_inventory_get_instances (inventory));
  adw_window_title_set_title (self->window_title, "YunDesk");
  subtitle = yun_workspace_dup_account_title (workspace);
  adw_window_title_set_subtitle (self->window_title, subtitle);
  gtk_menu_button_set_label (self->account_button,
                             yun_workspace_get_demo (workspace) ? _ ("Demo account") : account);
  gtk_widget_set_visible (GTK_WIDGET (self->demo_label), yun_workspace_get_demo (workspace));
  gtk_widget_set_visible (GTK_WIDGET (self->read_only_label),
                          yun_workspace_get_read_only (workspace));
  apply_settings (self);

  g_signal_connect_object (inventory, "sync-progress", G_CALLBACK (on_sync_progress), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (inventory, "notify::syncing", G_CALLBACK (on_syncing_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (inventory, "changes-detected", G_CALLBACK (on_changes_detected), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (workspace, "notify::connected", G_CALLBACK (on_connected), self,
                           G_CONNECT_SWAPPED);
  /* At once: a crossfade would draw the whole window in the frames before the cached
   * list can be shown. */
  gtk_stack_set_visible_child_full (self->main_stack, "inventory", GTK_STACK_TRANSITION_TYPE_NONE);
  _yun_window_reload_protected (self);
  _yun_window_reload_remembered (self);
  _yun_window_update_actions (self);

  /* The workspace reads its cache on a worker from the moment it is made. */
  show_status (self, _ ("Loading the cached inventory…"));
  if (yun_workspace_get_loading (workspace))
    g_signal_connect_object (workspace, "notify::loading", G_CALLBACK (on_workspace_loaded), self,
                             G_CONNECT_SWAPPED);
  else
    on_workspace_loaded (self);
  if (yun_workspace_get_connected (workspace))
    resume_jobs (self, workspace);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WORKSPACE]);
}

YunInstanceView *
yun_window_get_instance_view (YunWindow *self)
{
  g_return_val_if_fail (YUN_IS_WINDOW (self), NULL);
  return self->instance_view;
}

void
yun_window_add_toast (YunWindow *self, AdwToast *toast)
{
  g_return_if_fail (YUN_IS_WINDOW (self));
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/**
 * yun_window_show_error:
 * @self: a #YunWindow
 * @heading: what failed, in a few words
 * @error: why: its message, and for a Tencent Cloud error its code and RequestId
 *
 * A dialog for a failure the user has to read, with what support would ask for.
 */
void
yun_window_show_error (YunWindow *self, const char *heading, const GError *error)
{
  AdwMessageDialog *dialog;
  const char *sentence;

  g_return_if_fail (YUN_IS_WINDOW (self));
  g_return_if_fail (error != NULL);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, NULL));
  /* The service writes its message in the account's language, or in English; a sentence for
   * its code comes first, in the user's. */
  sentence = yun_error_describe_code (yun_error_get_code (error));
  if (sentence != NULL)
    {
      g_autofree char *body = g_strdup_printf ("%s\n\n%s", sentence, error->message);

      adw_message_dialog_set_body (dialog, body);
    }
  else
    adw_message_dialog_set_body (dialog, error->message);
  adw_message_dialog_add_response (dialog, "close", _ ("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}
