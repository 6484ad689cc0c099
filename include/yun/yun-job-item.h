/* yun-job-item.h: one instance of a batch job, and what became of it
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#if !defined(YUN_INSIDE) && !defined(YUN_COMPILATION)
#error "Only <yun/yun.h> can be included directly."
#endif

#include <yun/yun-types.h>

G_BEGIN_DECLS

#define YUN_TYPE_JOB_ITEM (yun_job_item_get_type ())
#define YUN_TYPE_JOB_OUTCOME (yun_job_outcome_get_type ())
#define YUN_TYPE_JOB_STEP (yun_job_step_get_type ())

/**
 * YunJobOutcome:
 * @YUN_JOB_OUTCOME_PENDING: not decided yet
 * @YUN_JOB_OUTCOME_SUCCEEDED: the instance reached the state the job asked for
 * @YUN_JOB_OUTCOME_FAILED: the call was refused, the operation failed or timed out
 * @YUN_JOB_OUTCOME_SKIPPED: nothing was sent: the instance was already there, in
 *   transition, or not eligible (the reason says which)
 * @YUN_JOB_OUTCOME_CANCELLED: the job was cancelled before this instance's call went out
 * @YUN_JOB_OUTCOME_WOULD_SEND: a dry run found the call would be sent
 */
typedef enum
{
  YUN_JOB_OUTCOME_PENDING,
  YUN_JOB_OUTCOME_SUCCEEDED,
  YUN_JOB_OUTCOME_FAILED,
  YUN_JOB_OUTCOME_SKIPPED,
  YUN_JOB_OUTCOME_CANCELLED,
  YUN_JOB_OUTCOME_WOULD_SEND,
} YunJobOutcome;

GType yun_job_outcome_get_type (void) G_GNUC_CONST;
const char *yun_job_outcome_to_string (YunJobOutcome outcome);

/**
 * YunJobStep:
 * @YUN_JOB_STEP_QUEUED: the call is still to be sent
 * @YUN_JOB_STEP_SENDING: the call may have been sent: written before sending, so a
 *   restart checks the instance before deciding to send it again
 * @YUN_JOB_STEP_WAITING: sent and accepted; the instance is followed to its target state
 * @YUN_JOB_STEP_RESTART_QUEUED: reset password: the instance must be started again
 * @YUN_JOB_STEP_RESTART_SENDING: reset password: StartInstances may have been sent
 * @YUN_JOB_STEP_RESTART_WAITING: reset password: the instance is starting again
 * @YUN_JOB_STEP_DONE: the item has its outcome
 *
 * Where an item stands; written to the journal before each call.
 */
typedef enum
{
  YUN_JOB_STEP_QUEUED,
  YUN_JOB_STEP_SENDING,
  YUN_JOB_STEP_WAITING,
  YUN_JOB_STEP_RESTART_QUEUED,
  YUN_JOB_STEP_RESTART_SENDING,
  YUN_JOB_STEP_RESTART_WAITING,
  YUN_JOB_STEP_DONE,
} YunJobStep;

GType yun_job_step_get_type (void) G_GNUC_CONST;
const char *yun_job_step_to_string (YunJobStep step);

G_DECLARE_FINAL_TYPE (YunJobItem, yun_job_item, YUN, JOB_ITEM, GObject)

guint yun_job_item_get_index (YunJobItem *self);
const char *yun_job_item_get_instance_id (YunJobItem *self);
const char *yun_job_item_get_region (YunJobItem *self);
const char *yun_job_item_get_name (YunJobItem *self);
YunJobStep yun_job_item_get_step (YunJobItem *self);
YunJobOutcome yun_job_item_get_outcome (YunJobItem *self);
const char *yun_job_item_get_reason (YunJobItem *self);
const char *yun_job_item_get_code (YunJobItem *self);
const char *yun_job_item_get_message (YunJobItem *self);
const char *yun_job_item_get_request_id (YunJobItem *self);
guint yun_job_item_get_attempts (YunJobItem *self);
gboolean yun_job_item_get_has_exit_code (YunJobItem *self);
int yun_job_item_get_exit_code (YunJobItem *self);
const char *yun_job_item_get_output (YunJobItem *self);
GDateTime *yun_job_item_get_started_at (YunJobItem *self);
GDateTime *yun_job_item_get_finished_at (YunJobItem *self);

G_END_DECLS
