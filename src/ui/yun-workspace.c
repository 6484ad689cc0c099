/* yun-workspace.c: one account's inventory, jobs and client, as the window shows them
 *
 * SPDX-License-Identifier: MIT
 *
 * A workspace ties together what the window needs for one account: the client that talks
 * to Tencent Cloud (or to the demo's simulator), the inventory over the shared cache, the
 * job engine and the secret store. It holds no widget, so the GUI tests and benchmarks can
 * build one without a display.
 *
 * A workspace reads its account's cached inventory on a worker from the moment it is made,
 * so the application makes it before the window and the two overlap. It exists before its
 * client: the window shows the cached inventory and the job history at once, while
 * yun_workspace_connect_async() reads the SecretKey from the keyring (which may wait for
 * the user to unlock it, or not have it).
 */

#define G_LOG_DOMAIN "yun-workspace"

#include "config.h"

#include "yun-workspace.h"

#include <glib/gi18n.h>

#include "yun-sim.h"

struct _YunWorkspace
{
  GObject parent_instance;

  char *account;
  YunProfile *profile;
  YunClient *client;
  YunCache *cache;
  YunSecretStore *secrets;
  YunInventory *inventory;
  YunJobEngine *job_engine;
  /* Only for the demo: the simulator the client talks to. */
  YunSim *sim;

  /* The cached inventory, read once */
  GCancellable *loading; /* (nullable): while it is read */
  GError *load_error;    /* (nullable): why it could not be */
};

G_DEFINE_FINAL_TYPE (YunWorkspace, yun_workspace, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ACCOUNT,
  PROP_DEMO,
  PROP_READ_ONLY,
  PROP_CONNECTED,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
yun_workspace_dispose (GObject *object)
{
  YunWorkspace *self = YUN_WORKSPACE (object);

  g_cancellable_cancel (self->loading);
  g_clear_object (&self->loading);
  g_clear_object (&self->job_engine);
  g_clear_object (&self->inventory);
  g_clear_object (&self->client);
  g_clear_object (&self->profile);
  g_clear_object (&self->secrets);
  g_clear_object (&self->cache);
  /* Last: the engine's and the inventory's workers have ended, nothing calls it any more. */
  g_clear_pointer (&self->sim, yun_sim_stop);

  G_OBJECT_CLASS (yun_workspace_parent_class)->dispose (object);
}

static void
yun_workspace_finalize (GObject *object)
{
  YunWorkspace *self = YUN_WORKSPACE (object);

  g_free (self->account);
  g_clear_error (&self->load_error);

  G_OBJECT_CLASS (yun_workspace_parent_class)->finalize (object);
}

static void
yun_workspace_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  YunWorkspace *self = YUN_WORKSPACE (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      g_value_set_string (value, self->account);
      break;
    case PROP_DEMO:
      g_value_set_boolean (value, yun_workspace_get_demo (self));
      break;
    case PROP_READ_ONLY:
      g_value_set_boolean (value, yun_workspace_get_read_only (self));
      break;
    case PROP_CONNECTED:
      g_value_set_boolean (value, yun_workspace_get_connected (self));
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, yun_workspace_get_loading (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yun_workspace_class_init (YunWorkspaceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = yun_workspace_dispose;
  object_class->finalize = yun_workspace_finalize;
  object_class->get_property = yun_workspace_get_property;

  properties[PROP_ACCOUNT]
    = g_param_spec_string ("account", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DEMO]
    = g_param_spec_boolean ("demo", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_READ_ONLY] = g_param_spec_boolean ("read-only", NULL, NULL, FALSE,
                                                     G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /* Whether it has its client: jobs, syncs and other calls to Tencent Cloud can go. */
  properties[PROP_CONNECTED]
    = g_param_spec_boolean ("connected", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Whether the cached inventory is still being read (see yun_workspace_get_load_error()). */
  properties[PROP_LOADING]
    = g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
yun_workspace_init (YunWorkspace *self)
{
}

/* The language the service names regions and zones in, and writes its errors in: the
 * window's, unless the profile names one. */
static const char *
service_language (void)
{
  return g_str_has_prefix (g_get_language_names ()[0], "zh") ? "zh-CN" : "en-US";
}

/* The workspace may have gone meanwhile: it cancelled the load, and is not touched then. */
static void
on_inventory_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  YunWorkspace *self;

  if (yun_inventory_load_finish (YUN_INVENTORY (source), result, &error)
      || !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      self = user_data;
      self->load_error = g_steal_pointer (&error);
      g_clear_object (&self->loading);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
    }
}

static YunWorkspace *
workspace_new (YunCache *cache, YunSecretStore *secrets, const char *account, YunClient *client)
{
  YunWorkspace *self = g_object_new (YUN_TYPE_WORKSPACE, NULL);

  self->account = g_strdup (account);
  self->cache = g_object_ref (cache);
  self->secrets = g_object_ref (secrets);
  g_set_object (&self->client, client);
  self->inventory = yun_inventory_new (cache, account);
  if (client != NULL)
    yun_inventory_set_client (self->inventory, client);
  self->job_engine = yun_job_engine_new (cache, account, client);
  yun_job_engine_set_secret_store (self->job_engine, secrets);
  self->loading = g_cancellable_new ();
  yun_inventory_load_async (self->inventory, self->loading, on_inventory_loaded, self);
  return self;
}

/**
 * yun_workspace_new:
 * @cache: the inventory cache and job journal
 * @secrets: where passwords the user remembers and jobs' passwords are kept
 * @profile: the account
 * @client: (nullable): a client made for @profile, or %NULL until
 *   yun_workspace_connect_async() makes one
 *
 * Returns: (transfer full): the workspace of @profile
 */
YunWorkspace *
yun_workspace_new (YunCache *cache, YunSecretStore *secrets, YunProfile *profile, YunClient *client)
{
  YunWorkspace *self;

  g_return_val_if_fail (YUN_IS_CACHE (cache), NULL);
  g_return_val_if_fail (YUN_IS_SECRET_STORE (secrets), NULL);
  g_return_val_if_fail (YUN_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (client == NULL || YUN_IS_CLIENT (client), NULL);

  if (client != NULL && yun_profile_get_language (profile) == NULL)
    yun_client_set_language (client, service_language ());
  self = workspace_new (cache, secrets, yun_profile_get_name (profile), client);
  self->profile = g_object_ref (profile);
  return self;
}

/* ---- Connecting: the credentials resolved on a worker thread ---- */

/* On the worker: the keyring answers over D-Bus. The credentials go straight into the
 * client, which is all that leaves the thread. */
static void
create_client_in_thread (GTask *task,
                         gpointer source_object,
                         gpointer task_data,
                         GCancellable *cancellable)
{
  YunProfile *profile = task_data;
  g_autoptr (YunCredentials) credentials = NULL;
  GError *error = NULL;
  YunClient *client;

  credentials = yun_profile_resolve_credentials (
    profile, yun_workspace_get_secret_store (source_object), cancellable, &error);
  if (credentials == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  client = yun_profile_create_client (profile, credentials, &error);
  if (client == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, client, g_object_unref);
}

/**
 * yun_workspace_connect_async:
 * @self: a #YunWorkspace made without a client
 * @cancellable: (nullable): a #GCancellable
 * @callback: called once connected, or with the reason it could not be
 * @user_data: for @callback
 *
 * Resolves the credentials of the workspace's profile from its secret store on a worker
 * thread (the system keyring blocks on D-Bus) and makes its client.
 */
void
yun_workspace_connect_async (YunWorkspace *self,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (YUN_IS_WORKSPACE (self));
  g_return_if_fail (self->profile != NULL && self->client == NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, yun_workspace_connect_async);
  g_task_set_task_data (task, g_object_ref (self->profile), g_object_unref);
  g_task_run_in_thread (task, create_client_in_thread);
}

/**
 * yun_workspace_connect_finish:
 * @self: a #YunWorkspace
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Gives the inventory and the job engine their client, unless cancelled.
 *
 * Returns: whether the workspace is connected; or %FALSE with the error of
 *   yun_profile_resolve_credentials() (such as %G_IO_ERROR_NOT_FOUND: no SecretKey is
 *   stored) or yun_profile_create_client(), or %G_IO_ERROR_CANCELLED
 */
gboolean
yun_workspace_connect_finish (YunWorkspace *self, GAsyncResult *result, GError **error)
{
  g_autoptr (YunClient) client = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == yun_workspace_connect_async,
                        FALSE);

  client = g_task_propagate_pointer (G_TASK (result), error);
  if (client == NULL)
    return FALSE;
  if (yun_profile_get_language (self->profile) == NULL)
    yun_client_set_language (client, service_language ());
  self->client = g_object_ref (client);
  yun_inventory_set_client (self->inventory, client);
  yun_job_engine_set_client (self->job_engine, client);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED]);
  return TRUE;
}

/**
 * yun_workspace_new_demo:
 * @cache: the inventory cache and job journal
 * @secrets: where passwords the user remembers are kept
 * @n_instances: the size of the demo fleet
 * @error: return location for a #GError
 *
 * Starts a simulator on a random loopback port with a seeded fleet of @n_instances Linux
 * and Windows instances in several regions, and a workspace whose client talks to it under
 * the account "demo". The simulator stops with the workspace.
 *
 * Returns: (transfer full): the demo's workspace, or %NULL if the simulator cannot start
 */
YunWorkspace *
yun_workspace_new_demo (YunCache *cache, YunSecretStore *secrets, guint n_instances, GError **error)
{
  /* The first RUNNING Linux instance has this computer's address: Open Terminal on it
   * reaches a local SSH server, as the desktop's user. */
  static const char *const loopback_ips[] = { "1", NULL };
  g_autoptr (YunSim) sim = NULL;
  g_autoptr (YunCredentials) credentials = NULL;
  g_autoptr (YunEndpoint) endpoint = NULL;
  g_autoptr (YunClient) client = NULL;
  YunSimOptions options;
  YunWorkspace *self;

  g_return_val_if_fail (YUN_IS_CACHE (cache), NULL);
  g_return_val_if_fail (YUN_IS_SECRET_STORE (secrets), NULL);

  yun_sim_options_init (&options);
  options.loopback_ips = loopback_ips;
  options.n_instances = n_instances;
  options.n_regions = YUN_WORKSPACE_DEMO_REGIONS;
  options.windows_share = 0.25;
  options.latency_ms = 40;
  options.jitter_ms = 30;
  sim = yun_sim_start (&options, error);
  if (sim == NULL)
    return NULL;

  endpoint = yun_endpoint_new_parse (yun_sim_get_url (sim), error);
  if (endpoint == NULL)
    return NULL;
  credentials = yun_credentials_new (YUN_SIM_DEMO_SECRET_ID, YUN_SIM_DEMO_SECRET_KEY, NULL);
  client = yun_client_new (credentials, endpoint);

  yun_client_set_language (client, service_language ());
  self = workspace_new (cache, secrets, "demo", client);
  self->sim = g_steal_pointer (&sim);
  /* Never saved: it carries the demo's SSH login. */
  self->profile = yun_profile_new ("demo");
  yun_profile_set_ssh_user (self->profile, YUN_OS_FAMILY_LINUX, g_get_user_name ());
  return self;
}

const char *
yun_workspace_get_account (YunWorkspace *self)
{
  g_return_val_if_fail (YUN_IS_WORKSPACE (self), NULL);
  return self->account;
}

/**
 * yun_workspace_dup_account_title:
 * @self: a #YunWorkspace
 *
 * Returns: (transfer full): how windows name the account, translated: “Demo account”, or
 *   Account “NAME”
 */
char *
yun_workspace_dup_account_title (YunWorkspace *self)
{
  g_return_val_if_fail (YUN_IS_WORKSPACE (self), NULL);

  if (yun_workspace_get_demo (self))
    return g_strdup (_ ("Demo account"));
  return g_strdup_printf (_ ("Account “%s”"), self->account);
}

gboolean
yun_workspace_get_demo (YunWorkspace *self)
{
  g_return_val_if_fail (YUN_IS_WORKSPACE (self), FALSE);
  return self->sim != NULL;
}

/* A read-only profile: every state-changing action is off. */
gboolean
yun_workspace_get_read_only (YunWorkspace *self)
{
  g_return_val_if_fail (YUN_IS_WORKSPACE (self), FALSE);
  return self->profile != NULL && yun_profile_get_read_only (self->profile);
}

/* (nullable): the demo has no profile */
YunProfile *
yun_workspace_get_profile (YunWorkspace *self)
{
  g_return_val_if_fail (YUN_IS_WORKSPACE (self), NULL);
  return self->profile;
}

/* Whether the cached inventory is still being read: it is in the inventory once not. */
gboolean
yun_workspace_get_loading (YunWorkspace *self)
{
  g_return_val_if_fail (YUN_IS_WORKSPACE (self), FALSE);
  return self->loading != NULL;
}

/* (nullable): why the cached inventory could not be read */
const GError *
yun_workspace_get_load_error (YunWorkspace *self)
{
  g_return_val_if_fail (YUN_IS_WORKSPACE (self), NULL);
  return self->load_error;
}

gboolean
yun_workspace_get_connected (YunWorkspace *self)
{
  g_return_val_if_fail (YUN_IS_WORKSPACE (self), FALSE);
  return self->client != NULL;
}

/* (nullable): until connected */
YunClient *
yun_workspace_get_client (YunWorkspace *self)
{
  g_return_val_if_fail (YUN_IS_WORKSPACE (self), NULL);
  return self->client;
}

YunCache *
yun_workspace_get_cache (YunWorkspace *self)
{
  g_return_val_if_fail (YUN_IS_WORKSPACE (self), NULL);
  return self->cache;
}

YunSecretStore *
yun_workspace_get_secret_store (YunWorkspace *self)
{
  g_return_val_if_fail (YUN_IS_WORKSPACE (self), NULL);
  return self->secrets;
}

YunInventory *
yun_workspace_get_inventory (YunWorkspace *self)
{
  g_return_val_if_fail (YUN_IS_WORKSPACE (self), NULL);
  return self->inventory;
}

YunJobEngine *
yun_workspace_get_job_engine (YunWorkspace *self)
{
  g_return_val_if_fail (YUN_IS_WORKSPACE (self), NULL);
  return self->job_engine;
}
