/* yun-tat.h: typed TAT (TencentCloud Automation Tools, 2020-10-28) calls on a YunClient
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#if !defined(YUN_INSIDE) && !defined(YUN_COMPILATION)
#error "Only <yun/yun.h> can be included directly."
#endif

#include <yun/yun-client.h>
#include <yun/yun-types.h>

G_BEGIN_DECLS

/* RunCommand and InvokeCommand accept up to 200 instances (the current SDKs and Chinese
 * documentation; an older international page says 100). */
#define YUN_TAT_MAX_COMMAND_INSTANCE_IDS 200
/* CancelInvocation, DescribeAutomationAgentStatus, DescribeInvocations. */
#define YUN_TAT_MAX_IDS 100
/* The base64 text of a command's Content, in bytes. */
#define YUN_TAT_MAX_CONTENT_BASE64 65536
#define YUN_TAT_MAX_TIMEOUT 86400

#define YUN_TYPE_AGENT_STATUS (yun_agent_status_get_type ())
#define YUN_TYPE_COMMAND_REQUEST (yun_command_request_get_type ())
#define YUN_TYPE_COMMAND_RESULT (yun_command_result_get_type ())

/**
 * YunAgentStatus:
 * @instance_id: the instance
 * @agent_status: `Online` or `Offline`
 * @environment: (nullable): `Linux` or `Windows`
 * @version: (nullable): the agent version
 * @last_heartbeat_time: (nullable): the last heartbeat, in UTC
 * @support_features: (array zero-terminated=1): `SupportFeatures`
 *
 * One entry of DescribeAutomationAgentStatus.
 */
typedef struct
{
  char *instance_id;
  char *agent_status;
  char *environment;
  char *version;
  GDateTime *last_heartbeat_time;
  char **support_features;
} YunAgentStatus;

GType yun_agent_status_get_type (void) G_GNUC_CONST;
YunAgentStatus *yun_agent_status_copy (const YunAgentStatus *self);
void yun_agent_status_free (YunAgentStatus *self);
gboolean yun_agent_status_is_online (const YunAgentStatus *self);
YunOsFamily yun_agent_status_get_os_family (const YunAgentStatus *self);

/**
 * YunCommandResult:
 * @command_id: (nullable): the command (`cmd-…`); %NULL after InvokeCommand
 * @invocation_id: the invocation (`inv-…`) to poll
 * @request_id: the RequestId of the call
 */
typedef struct
{
  char *command_id;
  char *invocation_id;
  char *request_id;
} YunCommandResult;

GType yun_command_result_get_type (void) G_GNUC_CONST;
YunCommandResult *yun_command_result_copy (const YunCommandResult *self);
void yun_command_result_free (YunCommandResult *self);

/* What to run and how: a reference-counted builder. Do not change it after passing it to an
 * asynchronous call. */
typedef struct _YunCommandRequest YunCommandRequest;

GType yun_command_request_get_type (void) G_GNUC_CONST;
YunCommandRequest *yun_command_request_new (const char *script);
YunCommandRequest *yun_command_request_new_from_bytes (GBytes *script);
YunCommandRequest *yun_command_request_ref (YunCommandRequest *self);
void yun_command_request_unref (YunCommandRequest *self);
void yun_command_request_set_command_type (YunCommandRequest *self, const char *command_type);
void yun_command_request_set_command_name (YunCommandRequest *self, const char *command_name);
void yun_command_request_set_working_directory (YunCommandRequest *self,
                                                const char *working_directory);
void yun_command_request_set_timeout (YunCommandRequest *self, guint timeout_seconds);
void yun_command_request_set_username (YunCommandRequest *self, const char *username);
void yun_command_request_set_save_command (YunCommandRequest *self, gboolean save_command);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (YunAgentStatus, yun_agent_status_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (YunCommandResult, yun_command_result_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (YunCommandRequest, yun_command_request_unref)

YunCommandResult *yun_client_run_command (YunClient *self,
                                          const char *region,
                                          YunCommandRequest *request,
                                          const char *const *instance_ids,
                                          GCancellable *cancellable,
                                          GError **error);
void yun_client_run_command_async (YunClient *self,
                                   const char *region,
                                   YunCommandRequest *request,
                                   const char *const *instance_ids,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data);
YunCommandResult *
yun_client_run_command_finish (YunClient *self, GAsyncResult *result, GError **error);

YunCommandResult *yun_client_invoke_command (YunClient *self,
                                             const char *region,
                                             const char *command_id,
                                             const char *const *instance_ids,
                                             YunCommandRequest *options,
                                             GCancellable *cancellable,
                                             GError **error);
void yun_client_invoke_command_async (YunClient *self,
                                      const char *region,
                                      const char *command_id,
                                      const char *const *instance_ids,
                                      YunCommandRequest *options,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
YunCommandResult *
yun_client_invoke_command_finish (YunClient *self, GAsyncResult *result, GError **error);

/* DescribeInvocations: GPtrArray of YunInvocation. */
GPtrArray *yun_client_describe_invocations (YunClient *self,
                                            const char *region,
                                            const char *const *invocation_ids,
                                            GCancellable *cancellable,
                                            GError **error);
void yun_client_describe_invocations_async (YunClient *self,
                                            const char *region,
                                            const char *const *invocation_ids,
                                            GCancellable *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer user_data);
GPtrArray *
yun_client_describe_invocations_finish (YunClient *self, GAsyncResult *result, GError **error);

/* DescribeInvocationTasks with HideOutput=false, every page: GPtrArray of
 * YunInvocationTask. */
GPtrArray *yun_client_describe_invocation_tasks (YunClient *self,
                                                 const char *region,
                                                 const char *invocation_id,
                                                 const char *const *task_ids,
                                                 GCancellable *cancellable,
                                                 GError **error);
void yun_client_describe_invocation_tasks_async (YunClient *self,
                                                 const char *region,
                                                 const char *invocation_id,
                                                 const char *const *task_ids,
                                                 GCancellable *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer user_data);
GPtrArray *
yun_client_describe_invocation_tasks_finish (YunClient *self, GAsyncResult *result, GError **error);

/* DescribeAutomationAgentStatus: GPtrArray of YunAgentStatus. */
GPtrArray *yun_client_describe_automation_agent_status (YunClient *self,
                                                        const char *region,
                                                        const char *const *instance_ids,
                                                        GCancellable *cancellable,
                                                        GError **error);
void yun_client_describe_automation_agent_status_async (YunClient *self,
                                                        const char *region,
                                                        const char *const *instance_ids,
                                                        GCancellable *cancellable,
                                                        GAsyncReadyCallback callback,
                                                        gpointer user_data);
GPtrArray *yun_client_describe_automation_agent_status_finish (YunClient *self,
                                                               GAsyncResult *result,
                                                               GError **error);

/* CancelInvocation: returns the RequestId. */
char *yun_client_cancel_invocation (YunClient *self,
                                    const char *region,
                                    const char *invocation_id,
                                    const char *const *instance_ids,
                                    GCancellable *cancellable,
                                    GError **error);
void yun_client_cancel_invocation_async (YunClient *self,
                                         const char *region,
                                         const char *invocation_id,
                                         const char *const *instance_ids,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data);
char *yun_client_cancel_invocation_finish (YunClient *self, GAsyncResult *result, GError **error);

G_END_DECLS
