/* yun-application.c: YunDesk, the application
 *
 * SPDX-License-Identifier: MIT
 *
 * The application owns what outlives a window: the settings, the cache (one SQLite file
 * for every account), the secret store, the list of profiles, and the workspace of the
 * account shown. It opens the account used last, the demo with --demo, or the welcome page
 * on a first run. An account's SecretKey is looked up on a worker thread (the keyring
 * answers over D-Bus); when it cannot be found, the error is shown and the preferences open.
 */

#define G_LOG_DOMAIN "yun-application"

#include "config.h"

#include "yun-application.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "yun-preferences-window.h"
#include "yundesk-resources.h"

/* The app.switch-account target that opens the demo. */
#define DEMO_ACCOUNT "demo"

struct _YunApplication
{
  AdwApplication parent_instance;

  GSettings *settings;
  YunCache *cache;
  YunSecretStore *secrets;
  YunWindow *window;
  GListStore *profiles;              /* YunProfile, as the profiles file holds them */
  YunPreferencesWindow *preferences; /* (nullable) (unowned): while open */
  GCancellable *opening;             /* (nullable): while an account's credentials are read */

  /* The first account, made at start-up so that its cache is read while GTK starts; taken
   * by the first window, with what went wrong (a heading and an error) if it is NULL. */
  YunWorkspace *first_workspace;
  const char *first_heading;
  GError *first_error;

  /* Command-line options */
  gboolean demo;
  int demo_instances;
};

G_DEFINE_FINAL_TYPE (YunApplication, yun_application, ADW_TYPE_APPLICATION)

static void open_preferences (YunApplication *self);
static void show_workspace (YunApplication *self, YunWorkspace *workspace);

static gboolean
open_cache (YunApplication *self, GError **error)
{
  g_autofree char *path = NULL;

  if (self->cache != NULL)
    return TRUE;
  path = yun_cache_dup_default_path ();
  self->cache = yun_cache_open (path, error);
  return self->cache != NULL;
}

static gboolean
ensure_cache (YunApplication *self)
{
  g_autoptr (GError) error = NULL;

  if (open_cache (self, &error))
    return TRUE;
  yun_window_show_error (self->window, _ ("The inventory cache could not be opened"), error);
  return FALSE;
}

/* app.switch-account's state: the account shown, "" for none. */
static void
set_account_state (YunApplication *self, const char *account)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "switch-account");

  if (action != NULL)
    g_simple_action_set_state (G_SIMPLE_ACTION (action),
                               g_variant_new_string (account != NULL ? account : ""));
}

static void
cancel_opening (YunApplication *self)
{
  g_cancellable_cancel (self->opening);
  g_clear_object (&self->opening);
}

void
yun_application_open_demo (YunApplication *self)
{
  g_autoptr (YunWorkspace) workspace = NULL;
  g_autoptr (GError) error = NULL;

  g_return_if_fail (YUN_IS_APPLICATION (self));

  if (self->window == NULL || !ensure_cache (self))
    return;
  cancel_opening (self);
  workspace
    = yun_workspace_new_demo (self->cache, self->secrets, (guint) self->demo_instances, &error);
  if (workspace == NULL)
    {
      yun_window_show_error (self->window, _ ("The demo could not start"), error);
      return;
    }
  show_workspace (self, workspace);
}

/* ---- Profiles ---- */

/* (nullable) (transfer none): the profile named @name in the list */
static YunProfile *
find_profile (YunApplication *self, const char *name)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->profiles));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (YunProfile) profile = g_list_model_get_item (G_LIST_MODEL (self->profiles), i);

      /* The list keeps its reference. */
      if (g_strcmp0 (yun_profile_get_name (profile), name) == 0)
        return profile;
    }
  return NULL;
}

/* Reads the profiles file again into the list. A file that cannot be read leaves the list
 * as it was. */
static gboolean
reload_profiles (YunApplication *self, GError **error)
{
  g_autoptr (GPtrArray) profiles = yun_profile_load_all (NULL, error);

  if (profiles == NULL)
    return FALSE;
  g_list_store_splice (self->profiles, 0, g_list_model_get_n_items (G_LIST_MODEL (self->profiles)),
                       profiles->pdata, profiles->len);
  return TRUE;
}

/* The profile to open: the one used last, else the first. */
static YunProfile *
preferred_profile (YunApplication *self)
{
  g_autofree char *last = g_settings_get_string (self->settings, "last-profile");
  YunProfile *profile = find_profile (self, last);
  g_autoptr (YunProfile) first = NULL;

  if (profile != NULL)
    return profile;
  first = g_list_model_get_item (G_LIST_MODEL (self->profiles), 0);
  return first; /* the list keeps its reference */
}

/* An error while the preferences are open goes there, where the user can act on it. */
static void
report_error (YunApplication *self, const char *heading, const GError *error)
{
  if (self->preferences != NULL)
    {
      g_autofree char *title = g_strdup_printf ("%s: %s", heading, error->message);
      AdwToast *toast = adw_toast_new (title);

      adw_toast_set_timeout (toast, 0);
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self->preferences), toast);
    }
  else if (self->window != NULL)
    yun_window_show_error (self->window, heading, error);
}

static void
on_workspace_connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (YunApplication) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *heading = NULL;

  /* Cancelled: another account (or the demo) was asked for since, and is what counts. */
  if (yun_workspace_connect_finish (YUN_WORKSPACE (source), result, &error)
      || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      || g_error_matches (error, YUN_ERROR, YUN_ERROR_CANCELLED))
    {
      if (error == NULL)
        g_clear_object (&self->opening);
      return;
    }
  g_clear_object (&self->opening);
  /* The cached inventory stays in the window; the user can fix the account. */
  /* Translators: %s is the name of an account */
  heading = g_strdup_printf (_ ("Account “%s” could not be opened"),
                             yun_workspace_get_account (YUN_WORKSPACE (source)));
  /* The preferences first, so that the error shows above them. */
  if (self->preferences == NULL && self->window != NULL)
    {
      open_preferences (self);
      yun_window_show_error (self->window, heading, error);
    }
  else
    report_error (self, heading, error);
}

/* Opens the account of @profile in the window: its cached inventory at once, its calls to
 * Tencent Cloud once its SecretKey is found. */
static void
open_profile (YunApplication *self, YunProfile *profile)
{
  g_autoptr (YunWorkspace) workspace = NULL;

  if (self->window == NULL || !ensure_cache (self))
    return;
  g_settings_set_string (self->settings, "last-profile", yun_profile_get_name (profile));
  workspace = yun_workspace_new (self->cache, self->secrets, profile, NULL);
  show_workspace (self, workspace);
}

/* Shows @workspace in the window; an account's then reads its SecretKey. */
static void
show_workspace (YunApplication *self, YunWorkspace *workspace)
{
  cancel_opening (self);
  yun_window_set_workspace (self->window, workspace);
  set_account_state (self, yun_workspace_get_demo (workspace)
                             ? DEMO_ACCOUNT
                             : yun_workspace_get_account (workspace));
  if (yun_workspace_get_connected (workspace))
    return;
  self->opening = g_cancellable_new ();
  yun_workspace_connect_async (workspace, self->opening, on_workspace_connected,
                               g_object_ref (self));
}

/* The preferences saved or deleted the profile @name. */
static void
on_profiles_changed (YunApplication *self, const char *name)
{
  g_autoptr (GError) error = NULL;
  YunWorkspace *workspace = self->window != NULL ? yun_window_get_workspace (self->window) : NULL;
  YunProfile *profile;

  if (!reload_profiles (self, &error))
    {
      report_error (self, _ ("The accounts could not be read"), error);
      return;
    }
  if (self->window == NULL || (workspace != NULL && yun_workspace_get_demo (workspace)))
    return;

  profile = find_profile (self, name);
  if (workspace == NULL)
    {
      /* The first account: show it at once. */
      if (self->opening == NULL && profile != NULL)
        open_profile (self, profile);
      return;
    }
  if (g_strcmp0 (yun_workspace_get_account (workspace), name) != 0)
    return;

  /* The account shown changed: open it again with its new settings and key, or, deleted,
   * the preferred one left, or the welcome page. */
  if (profile == NULL)
    profile = preferred_profile (self);
  if (profile != NULL)
    open_profile (self, profile);
  else
    {
      cancel_opening (self);
      yun_window_set_workspace (self->window, NULL);
      set_account_state (self, NULL);
    }
}

static void
on_preferences_destroyed (YunApplication *self)
{
  self->preferences = NULL;
}

static void
open_preferences (YunApplication *self)
{
  if (self->preferences == NULL)
    {
      self->preferences = yun_preferences_window_new (GTK_WINDOW (self->window), self->settings,
                                                      self->secrets, self->profiles);
      g_signal_connect_object (self->preferences, "profiles-changed",
                               G_CALLBACK (on_profiles_changed), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->preferences, "destroy", G_CALLBACK (on_preferences_destroyed),
                               self, G_CONNECT_SWAPPED);
    }
  gtk_window_present (GTK_WINDOW (self->preferences));
}

/* ---- Actions ---- */

static void
demo_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  yun_application_open_demo (YUN_APPLICATION (user_data));
}

static void
preferences_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  open_preferences (YUN_APPLICATION (user_data));
}

static void
switch_account_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  YunApplication *self = YUN_APPLICATION (user_data);
  const char *name = g_variant_get_string (parameter, NULL);
  YunProfile *profile;

  if (g_str_equal (name, DEMO_ACCOUNT))
    {
      yun_application_open_demo (self);
      return;
    }
  profile = find_profile (self, name);
  if (profile == NULL && self->window != NULL)
    {
      /* Translators: %s is the name of an account */
      g_autofree char *title = g_strdup_printf (_ ("There is no account “%s”"), name);

      yun_window_add_toast (self->window, adw_toast_new (title));
      return;
    }
  if (profile != NULL)
    open_profile (self, profile);
}

static void
quit_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  YunApplication *self = YUN_APPLICATION (user_data);

  if (self->window != NULL)
    gtk_window_close (GTK_WINDOW (self->window));
  g_application_quit (G_APPLICATION (self));
}

static void
about_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  YunApplication *self = YUN_APPLICATION (user_data);
  static const char *developers[] = { "YunDesk developers", NULL };

  gtk_window_present (GTK_WINDOW (g_object_new (
    ADW_TYPE_ABOUT_WINDOW, "transient-for", self->window, "application-name", "YunDesk",
    "application-icon", APPLICATION_ID, "version", PACKAGE_VERSION, "developer-name",
    "YunDesk developers", "developers", developers, "license-type", GTK_LICENSE_MIT_X11, "comments",
    _ ("Manage Tencent Cloud CVM instances in every region, hundreds at a time"), "website",
    "https://github.com/yundesk/yundesk", "translator-credits", _ ("translator-credits"), NULL)));
}

static const GActionEntry app_actions[] = {
  { "demo", demo_action },
  { "preferences", preferences_action },
  { "switch-account", switch_account_action, "s", "''" },
  { "quit", quit_action },
  { "about", about_action },
};

/* ---- GApplication ---- */

/* The workspace to show first, if any: the demo's with --demo, else the preferred account's.
 * @heading and @error say what went wrong, for the window to show. */
static YunWorkspace *
make_first_workspace (YunApplication *self, const char **heading, GError **error)
{
  YunWorkspace *workspace;
  YunProfile *profile;

  if (!open_cache (self, error))
    {
      *heading = _ ("The inventory cache could not be opened");
      return NULL;
    }
  if (self->demo)
    {
      workspace
        = yun_workspace_new_demo (self->cache, self->secrets, (guint) self->demo_instances, error);
      if (workspace == NULL)
        *heading = _ ("The demo could not start");
      return workspace;
    }
  if (!reload_profiles (self, error))
    {
      *heading = _ ("The accounts could not be read");
      return NULL;
    }
  profile = preferred_profile (self);
  if (profile == NULL)
    return NULL;
  g_settings_set_string (self->settings, "last-profile", yun_profile_get_name (profile));
  return yun_workspace_new (self->cache, self->secrets, profile, NULL);
}

static void
yun_application_startup (GApplication *application)
{
  YunApplication *self = YUN_APPLICATION (application);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };

  self->settings = g_settings_new (APPLICATION_ID);
  self->secrets = yun_secret_store_new ();
  /* Before GTK starts: the workspace reads the cache on a worker from now on. */
  self->first_workspace = make_first_workspace (self, &self->first_heading, &self->first_error);

  G_APPLICATION_CLASS (yun_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions),
                                   self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences",
                                         preferences_accels);
}

static void
yun_application_activate (GApplication *application)
{
  YunApplication *self = YUN_APPLICATION (application);
  g_autoptr (YunWorkspace) workspace = g_steal_pointer (&self->first_workspace);
  g_autoptr (GError) error = g_steal_pointer (&self->first_error);
  const char *heading = self->first_heading;

  if (self->window != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->window));
      return;
    }
  self->first_heading = NULL;
  self->window = yun_window_new (GTK_APPLICATION (self), self->settings);
  g_object_add_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
  yun_window_set_accounts (self->window, G_LIST_MODEL (self->profiles));
  gtk_window_present (GTK_WINDOW (self->window));
  if (heading != NULL)
    yun_window_show_error (self->window, heading, error);
  if (workspace != NULL)
    show_workspace (self, workspace);
}

static int
yun_application_handle_local_options (GApplication *application, GVariantDict *options)
{
  YunApplication *self = YUN_APPLICATION (application);

  if (self->demo_instances < 1 || self->demo_instances > 100000)
    {
      g_printerr ("yundesk: --demo-instances must be between 1 and 100000\n");
      return EXIT_FAILURE;
    }
  return -1;
}

static void
yun_application_shutdown (GApplication *application)
{
  YunApplication *self = YUN_APPLICATION (application);

  cancel_opening (self);
  g_clear_object (&self->first_workspace);
  g_clear_error (&self->first_error);
  if (self->preferences != NULL)
    gtk_window_destroy (GTK_WINDOW (self->preferences));
  if (self->window != NULL)
    yun_window_set_workspace (self->window, NULL);
  g_clear_object (&self->cache);
  g_clear_object (&self->secrets);
  g_clear_object (&self->settings);

  G_APPLICATION_CLASS (yun_application_parent_class)->shutdown (application);
}

static void
yun_application_finalize (GObject *object)
{
  YunApplication *self = YUN_APPLICATION (object);

  g_clear_object (&self->opening);
  g_clear_object (&self->profiles);

  G_OBJECT_CLASS (yun_application_parent_class)->finalize (object);
}

static void
yun_application_class_init (YunApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *application_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = yun_application_finalize;
  application_class->startup = yun_application_startup;
  application_class->activate = yun_application_activate;
  application_class->handle_local_options = yun_application_handle_local_options;
  application_class->shutdown = yun_application_shutdown;
}

static void
yun_application_init (YunApplication *self)
{
  const GOptionEntry options[] = {
    { "demo", 0, 0, G_OPTION_ARG_NONE, &self->demo,
      N_ ("Try YunDesk on a simulated fleet, without an account"), NULL },
    { "demo-instances", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &self->demo_instances,
      "The size of the demo fleet", "N" },
    { NULL },
  };

  self->profiles = g_list_store_new (YUN_TYPE_PROFILE);
  self->demo_instances = YUN_WORKSPACE_DEMO_INSTANCES;
  g_application_add_main_option_entries (G_APPLICATION (self), options);
}

/* Whether this process may open a GPU: a DRM device node (render or primary), or the
 * NVIDIA driver's own. */
static gboolean
gpu_is_accessible (void)
{
  g_autoptr (GDir) dri = g_dir_open ("/dev/dri", 0, NULL);
  const char *name;

  while (dri != NULL && (name = g_dir_read_name (dri)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/dev/dri", name, NULL);

      if ((g_str_has_prefix (name, "renderD") || g_str_has_prefix (name, "card"))
          && g_access (path, R_OK | W_OK) == 0)
        return TRUE;
    }
  return g_access ("/dev/nvidia0", R_OK | W_OK) == 0;
}

/**
 * yun_application_choose_renderer:
 *
 * Without a GPU, GTK 4.8 draws with OpenGL all the same, in software (Mesa's llvmpipe):
 * a frame of the instance list then holds the main loop for 50 to 130 ms, and loading
 * Mesa and LLVM costs about 60 MB. GTK 4.14 and later draw with cairo in that case; this
 * does the same on GTK 4.8, unless the user chose a renderer (GSK_RENDERER) or GL
 * settings (GDK_DEBUG). Machines without a GPU are common among our users: virtual
 * machines, remote desktops and jump hosts.
 *
 * Call it first in main(), before GTK starts and before any thread: it sets environment
 * variables.
 */
void
yun_application_choose_renderer (void)
{
  if (g_getenv ("GSK_RENDERER") != NULL || g_getenv ("GDK_DEBUG") != NULL || gpu_is_accessible ())
    return;
  g_setenv ("GSK_RENDERER", "cairo", TRUE);
  g_setenv ("GDK_DEBUG", "gl-disable", TRUE);
}

YunApplication *
yun_application_new (void)
{
  yundesk_register_resource ();
  return g_object_new (YUN_TYPE_APPLICATION, "application-id", APPLICATION_ID, "flags",
                       G_APPLICATION_DEFAULT_FLAGS, "resource-base-path",
                       "/io/github/yundesk/YunDesk", NULL);
}

GSettings *
yun_application_get_settings (YunApplication *self)
{
  g_return_val_if_fail (YUN_IS_APPLICATION (self), NULL);
  return self->settings;
}

/* (nullable): the window, once activated */
YunWindow *
yun_application_get_main_window (YunApplication *self)
{
  g_return_val_if_fail (YUN_IS_APPLICATION (self), NULL);
  return self->window;
}

/**
 * yun_application_get_profiles:
 * @self: a #YunApplication
 *
 * The accounts, for an account switcher: each item activates `app.switch-account` with its
 * name (and "demo" the demo). The list is read when the window opens and again whenever the
 * preferences save or delete an account; the action's state is the account shown.
 *
 * Returns: (transfer none): a #GListModel of #YunProfile
 */
GListModel *
yun_application_get_profiles (YunApplication *self)
{
  g_return_val_if_fail (YUN_IS_APPLICATION (self), NULL);
  return G_LIST_MODEL (self->profiles);
}
