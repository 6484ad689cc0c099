/* yun-application.c: YunDesk, the application
 *
 * SPDX-License-Identifier: MIT
 *
 * The application owns what outlives a window: the settings, the cache (one SQLite file
 * for every account), the secret store, and the workspace of the account shown. It opens
 * the account used last, the demo with --demo, or the welcome page on a first run.
 */

#define G_LOG_DOMAIN "yun-application"

#include "config.h"

#include "yun-application.h"

#include <glib/gi18n.h>

#include "yundesk-resources.h"

struct _YunApplication
{
  AdwApplication parent_instance;

  GSettings *settings;
  YunCache *cache;
  YunSecretStore *secrets;
  YunWindow *window;

  /* Command-line options */
  gboolean demo;
  int demo_instances;
};

G_DEFINE_FINAL_TYPE (YunApplication, yun_application, ADW_TYPE_APPLICATION)

static gboolean
ensure_cache (YunApplication *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;

  if (self->cache != NULL)
    return TRUE;
  path = yun_cache_dup_default_path ();
  self->cache = yun_cache_open (path, &error);
  if (self->cache == NULL)
    {
      yun_window_show_error (self->window, _ ("The inventory cache could not be opened"), error);
      return FALSE;
    }
  return TRUE;
}

void
yun_application_open_demo (YunApplication *self)
{
  g_autoptr (YunWorkspace) workspace = NULL;
  g_autoptr (GError) error = NULL;

  g_return_if_fail (YUN_IS_APPLICATION (self));

  if (!ensure_cache (self))
    return;
  workspace
    = yun_workspace_new_demo (self->cache, self->secrets, (guint) self->demo_instances, &error);
  if (workspace == NULL)
    {
      yun_window_show_error (self->window, _ ("The demo could not start"), error);
      return;
    }
  yun_window_set_workspace (self->window, workspace);
}

/* ---- Actions ---- */

static void
demo_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  yun_application_open_demo (YUN_APPLICATION (user_data));
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
  { "quit", quit_action },
  { "about", about_action },
};

/* ---- GApplication ---- */

static void
yun_application_startup (GApplication *application)
{
  YunApplication *self = YUN_APPLICATION (application);
  static const char *quit_accels[] = { "<Control>q", NULL };

  G_APPLICATION_CLASS (yun_application_parent_class)->startup (application);

  self->settings = g_settings_new (APPLICATION_ID);
  self->secrets = yun_secret_store_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions),
                                   self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
}

static void
yun_application_activate (GApplication *application)
{
  YunApplication *self = YUN_APPLICATION (application);

  if (self->window == NULL)
    {
      self->window = yun_window_new (GTK_APPLICATION (self), self->settings);
      g_object_add_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
      if (self->demo)
        yun_application_open_demo (self);
    }
  gtk_window_present (GTK_WINDOW (self->window));
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

  if (self->window != NULL)
    yun_window_set_workspace (self->window, NULL);
  g_clear_object (&self->cache);
  g_clear_object (&self->secrets);
  g_clear_object (&self->settings);

  G_APPLICATION_CLASS (yun_application_parent_class)->shutdown (application);
}

static void
yun_application_class_init (YunApplicationClass *klass)
{
  GApplicationClass *application_class = G_APPLICATION_CLASS (klass);

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

  self->demo_instances = YUN_WORKSPACE_DEMO_INSTANCES;
  g_application_add_main_option_entries (G_APPLICATION (self), options);
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
