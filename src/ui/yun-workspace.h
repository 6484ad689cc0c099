/* yun-workspace.h: one account's inventory, jobs and client, as the window shows them
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <yun/yun.h>

G_BEGIN_DECLS

#define YUN_TYPE_WORKSPACE (yun_workspace_get_type ())

G_DECLARE_FINAL_TYPE (YunWorkspace, yun_workspace, YUN, WORKSPACE, GObject)

/* The demo fleet: an in-process yunsim on a random loopback port. */
#define YUN_WORKSPACE_DEMO_INSTANCES 300
#define YUN_WORKSPACE_DEMO_REGIONS 6

YunWorkspace *yun_workspace_new_demo (YunCache *cache,
                                      YunSecretStore *secrets,
                                      guint n_instances,
                                      GError **error);
YunWorkspace *yun_workspace_new (YunCache *cache,
                                 YunSecretStore *secrets,
                                 YunProfile *profile,
                                 YunClient *client);
void yun_workspace_connect_async (YunWorkspace *self,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data);
gboolean yun_workspace_connect_finish (YunWorkspace *self, GAsyncResult *result, GError **error);

const char *yun_workspace_get_account (YunWorkspace *self);
char *yun_workspace_dup_account_title (YunWorkspace *self);
gboolean yun_workspace_get_demo (YunWorkspace *self);
gboolean yun_workspace_get_read_only (YunWorkspace *self);
gboolean yun_workspace_get_connected (YunWorkspace *self);
gboolean yun_workspace_get_loading (YunWorkspace *self);
const GError *yun_workspace_get_load_error (YunWorkspace *self);
YunProfile *yun_workspace_get_profile (YunWorkspace *self);
YunClient *yun_workspace_get_client (YunWorkspace *self);
YunCache *yun_workspace_get_cache (YunWorkspace *self);
YunSecretStore *yun_workspace_get_secret_store (YunWorkspace *self);
YunInventory *yun_workspace_get_inventory (YunWorkspace *self);
YunJobEngine *yun_workspace_get_job_engine (YunWorkspace *self);

G_END_DECLS
