/* yun-invocation-task.h: one instance's part of a TAT invocation
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#if !defined(YUN_INSIDE) && !defined(YUN_COMPILATION)
#error "Only <yun/yun.h> can be included directly."
#endif

#include <yun/yun-types.h>

G_BEGIN_DECLS

#define YUN_TYPE_INVOCATION_TASK (yun_invocation_task_get_type ())

G_DECLARE_FINAL_TYPE (YunInvocationTask, yun_invocation_task, YUN, INVOCATION_TASK, GObject)

const char *yun_invocation_task_get_task_id (YunInvocationTask *self);
const char *yun_invocation_task_get_invocation_id (YunInvocationTask *self);
const char *yun_invocation_task_get_command_id (YunInvocationTask *self);
const char *yun_invocation_task_get_instance_id (YunInvocationTask *self);
const char *yun_invocation_task_get_status (YunInvocationTask *self);
int yun_invocation_task_get_exit_code (YunInvocationTask *self);
GBytes *yun_invocation_task_get_output (YunInvocationTask *self);
gint64 yun_invocation_task_get_dropped (YunInvocationTask *self);
const char *yun_invocation_task_get_output_url (YunInvocationTask *self);
GDateTime *yun_invocation_task_get_start_time (YunInvocationTask *self);
GDateTime *yun_invocation_task_get_end_time (YunInvocationTask *self);
const char *yun_invocation_task_get_error_info (YunInvocationTask *self);
const char *yun_invocation_task_get_region (YunInvocationTask *self);
gboolean yun_invocation_task_get_terminal (YunInvocationTask *self);
char *yun_invocation_task_dup_output_text (YunInvocationTask *self);

gboolean yun_invocation_task_status_is_terminal (const char *status);

G_END_DECLS
