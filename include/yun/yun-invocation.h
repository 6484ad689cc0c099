/* yun-invocation.h: a TAT invocation: one command sent to a set of instances
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#if !defined(YUN_INSIDE) && !defined(YUN_COMPILATION)
#error "Only <yun/yun.h> can be included directly."
#endif

#include <yun/yun-invocation-task.h>
#include <yun/yun-types.h>

G_BEGIN_DECLS

#define YUN_TYPE_INVOCATION (yun_invocation_get_type ())

G_DECLARE_FINAL_TYPE (YunInvocation, yun_invocation, YUN, INVOCATION, GObject)

const char *yun_invocation_get_invocation_id (YunInvocation *self);
const char *yun_invocation_get_command_id (YunInvocation *self);
const char *yun_invocation_get_command_name (YunInvocation *self);
const char *yun_invocation_get_command_type (YunInvocation *self);
const char *yun_invocation_get_status (YunInvocation *self);
GPtrArray *yun_invocation_get_tasks (YunInvocation *self);
const char *yun_invocation_get_username (YunInvocation *self);
guint yun_invocation_get_timeout (YunInvocation *self);
GDateTime *yun_invocation_get_created_time (YunInvocation *self);
GDateTime *yun_invocation_get_start_time (YunInvocation *self);
GDateTime *yun_invocation_get_end_time (YunInvocation *self);
const char *yun_invocation_get_region (YunInvocation *self);

gboolean yun_invocation_is_terminal (YunInvocation *self);
YunInvocationTask *yun_invocation_get_task_for_instance (YunInvocation *self,
                                                         const char *instance_id);

gboolean yun_invocation_status_is_terminal (const char *status);

G_END_DECLS
