/* yun-workspace.c: one account's inventory, jobs and client, as the window shows them
 *
 * SPDX-License-Identifier: MIT
 *
 * A workspace ties together what the window needs for one account: the client that talks
 * to Tencent Cloud (or to the demo's simulator), the inventory over the shared cache, the
 * job engine and the secret store. It holds no widget, so the GUI tests and benchmarks can
 * build one without a display.
 */

#define G_LOG_DOMAIN "yun-workspace"

#include "config.h"

#include "yun-workspace.h"

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
};

G_DEFINE_FINAL_TYPE (YunWorkspace, yun_workspace, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ACCOUNT,
  PROP_DEMO,
  PROP_READ_ONLY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
yun_workspace_dispose (GObject *object)
{
  YunWorkspace *self = YUN_WORKSPACE (object);

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
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
yun_workspace_init (YunWorkspace *self)
{
}

static YunWorkspace *
workspace_new (YunCache *cache, YunSecretStore *secrets, const char *account, YunClient *client)
{
  YunWorkspace *self = g_object_new (YUN_TYPE_WORKSPACE, NULL);

  self->account = g_strdup (account);
  self->cache = g_object_ref (cache);
  self->secrets = g_object_ref (secrets);
  self->client = g_object_ref (client);
  self->inventory = yun_inventory_new (cache, account);
  yun_inventory_set_client (self->inventory, client);
  self->job_engine = yun_job_engine_new (cache, account, client);
  yun_job_engine_set_secret_store (self->job_engine, secrets);
  return self;
}

/**
 * yun_workspace_new:
 * @cache: the inventory cache and job journal
 * @secrets: where passwords the user remembers and jobs' passwords are kept
 * @profile: the account
 * @client: a client made for @profile
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
  g_return_val_if_fail (client != NULL, NULL);

  self = workspace_new (cache, secrets, yun_profile_get_name (profile), client);
  self->profile = g_object_ref (profile);
  return self;
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
  g_autoptr (YunSim) sim = NULL;
  g_autoptr (YunCredentials) credentials = NULL;
  g_autoptr (YunEndpoint) endpoint = NULL;
  g_autoptr (YunClient) client = NULL;
  YunSimOptions options;
  YunWorkspace *self;

  g_return_val_if_fail (YUN_IS_CACHE (cache), NULL);
  g_return_val_if_fail (YUN_IS_SECRET_STORE (secrets), NULL);

  yun_sim_options_init (&options);
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

  self = workspace_new (cache, secrets, "demo", client);
  self->sim = g_steal_pointer (&sim);
  return self;
}

const char *
yun_workspace_get_account (YunWorkspace *self)
{
  g_return_val_if_fail (YUN_IS_WORKSPACE (self), NULL);
  return self->account;
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
