/* yun-job-item.c: one instance of a batch job, and what became of it
 *
 * SPDX-License-Identifier: MIT
 *
 * Main thread only: the engine copies its worker's record into it, and views bind to the
 * properties, which notify only when they change.
 */

#define G_LOG_DOMAIN "yun-job-item"

#include "config.h"

#include "yun-job-private.h"

struct _YunJobItem
{
  GObject parent_instance;

  YunJobRecordItem *record;
};

G_DEFINE_FINAL_TYPE (YunJobItem, yun_job_item, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_INDEX,
  PROP_INSTANCE_ID,
  PROP_REGION,
  PROP_NAME,
  PROP_STEP,
  PROP_OUTCOME,
  PROP_REASON,
  PROP_CODE,
  PROP_MESSAGE,
  PROP_REQUEST_ID,
  PROP_ATTEMPTS,
  PROP_STARTED_AT,
  PROP_FINISHED_AT,
  PROP_HAS_EXIT_CODE,
  PROP_EXIT_CODE,
  PROP_OUTPUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const GEnumValue outcome_values[] = {
  { YUN_JOB_OUTCOME_PENDING, "YUN_JOB_OUTCOME_PENDING", "pending" },
  { YUN_JOB_OUTCOME_SUCCEEDED, "YUN_JOB_OUTCOME_SUCCEEDED", "succeeded" },
  { YUN_JOB_OUTCOME_FAILED, "YUN_JOB_OUTCOME_FAILED", "failed" },
  { YUN_JOB_OUTCOME_SKIPPED, "YUN_JOB_OUTCOME_SKIPPED", "skipped" },
  { YUN_JOB_OUTCOME_CANCELLED, "YUN_JOB_OUTCOME_CANCELLED", "cancelled" },
  { YUN_JOB_OUTCOME_WOULD_SEND, "YUN_JOB_OUTCOME_WOULD_SEND", "would-send" },
  { 0, NULL, NULL },
};

static const GEnumValue step_values[] = {
  { YUN_JOB_STEP_QUEUED, "YUN_JOB_STEP_QUEUED", "queued" },
  { YUN_JOB_STEP_SENDING, "YUN_JOB_STEP_SENDING", "sending" },
  { YUN_JOB_STEP_WAITING, "YUN_JOB_STEP_WAITING", "waiting" },
  { YUN_JOB_STEP_RESTART_QUEUED, "YUN_JOB_STEP_RESTART_QUEUED", "restart-queued" },
  { YUN_JOB_STEP_RESTART_SENDING, "YUN_JOB_STEP_RESTART_SENDING", "restart-sending" },
  { YUN_JOB_STEP_RESTART_WAITING, "YUN_JOB_STEP_RESTART_WAITING", "restart-waiting" },
  { YUN_JOB_STEP_DONE, "YUN_JOB_STEP_DONE", "done" },
  { 0, NULL, NULL },
};

GType
yun_job_outcome_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("YunJobOutcome", outcome_values));
  return type;
}

/**
 * yun_job_outcome_to_string:
 * @outcome: a #YunJobOutcome
 *
 * Returns: the outcome as scripts read it: `succeeded`, `failed`, `skipped`, …
 */
const char *
yun_job_outcome_to_string (YunJobOutcome outcome)
{
  g_return_val_if_fail (outcome <= YUN_JOB_OUTCOME_WOULD_SEND, "pending");
  return outcome_values[outcome].value_nick;
}

GType
yun_job_step_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("YunJobStep", step_values));
  return type;
}

/**
 * yun_job_step_to_string:
 * @step: a #YunJobStep
 *
 * Returns: the step as the journal stores it
 */
const char *
yun_job_step_to_string (YunJobStep step)
{
  g_return_val_if_fail (step <= YUN_JOB_STEP_DONE, "queued");
  return step_values[step].value_nick;
}

static void
yun_job_item_finalize (GObject *object)
{
  YunJobItem *self = (YunJobItem *) object;

  _yun_job_record_item_free (self->record);

  G_OBJECT_CLASS (yun_job_item_parent_class)->finalize (object);
}

static GDateTime *
dup_time (gint64 unix_seconds)
{
  return unix_seconds > 0 ? g_date_time_new_from_unix_utc (unix_seconds) : NULL;
}

static void
yun_job_item_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  YunJobItem *self = YUN_JOB_ITEM (object);
  YunJobRecordItem *record = self->record;

  switch (prop_id)
    {
    case PROP_INDEX:
      g_value_set_uint (value, record->index);
      break;
    case PROP_INSTANCE_ID:
      g_value_set_string (value, record->instance_id);
      break;
    case PROP_REGION:
      g_value_set_string (value, record->region);
      break;
    case PROP_NAME:
      g_value_set_string (value, record->name);
      break;
    case PROP_STEP:
      g_value_set_enum (value, record->step);
      break;
    case PROP_OUTCOME:
      g_value_set_enum (value, record->outcome);
      break;
    case PROP_REASON:
      g_value_set_string (value, record->reason);
      break;
    case PROP_CODE:
      g_value_set_string (value, record->code);
      break;
    case PROP_MESSAGE:
      g_value_set_string (value, record->message);
      break;
    case PROP_REQUEST_ID:
      g_value_set_string (value, record->request_id);
      break;
    case PROP_ATTEMPTS:
      g_value_set_uint (value, record->attempts);
      break;
    case PROP_STARTED_AT:
      g_value_take_boxed (value, dup_time (record->started_at));
      break;
    case PROP_FINISHED_AT:
      g_value_take_boxed (value, dup_time (record->finished_at));
      break;
    case PROP_HAS_EXIT_CODE:
      g_value_set_boolean (value, record->has_exit_code);
      break;
    case PROP_EXIT_CODE:
      g_value_set_int (value, record->exit_code);
      break;
    case PROP_OUTPUT:
      g_value_set_string (value, record->output);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yun_job_item_class_init (YunJobItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = yun_job_item_finalize;
  object_class->get_property = yun_job_item_get_property;

  properties[PROP_INDEX] = g_param_spec_uint ("index", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_INSTANCE_ID] = g_param_spec_string ("instance-id", NULL, NULL, NULL, flags);
  properties[PROP_REGION] = g_param_spec_string ("region", NULL, NULL, NULL, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_STEP]
    = g_param_spec_enum ("step", NULL, NULL, YUN_TYPE_JOB_STEP, YUN_JOB_STEP_QUEUED, flags);
  properties[PROP_OUTCOME] = g_param_spec_enum ("outcome", NULL, NULL, YUN_TYPE_JOB_OUTCOME,
                                                YUN_JOB_OUTCOME_PENDING, flags);
  properties[PROP_REASON] = g_param_spec_string ("reason", NULL, NULL, NULL, flags);
  properties[PROP_CODE] = g_param_spec_string ("code", NULL, NULL, NULL, flags);
  properties[PROP_MESSAGE] = g_param_spec_string ("message", NULL, NULL, NULL, flags);
  properties[PROP_REQUEST_ID] = g_param_spec_string ("request-id", NULL, NULL, NULL, flags);
  properties[PROP_ATTEMPTS] = g_param_spec_uint ("attempts", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_STARTED_AT]
    = g_param_spec_boxed ("started-at", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_FINISHED_AT]
    = g_param_spec_boxed ("finished-at", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_HAS_EXIT_CODE] = g_param_spec_boolean ("has-exit-code", NULL, NULL, FALSE, flags);
  properties[PROP_EXIT_CODE]
    = g_param_spec_int ("exit-code", NULL, NULL, G_MININT, G_MAXINT, 0, flags);
  properties[PROP_OUTPUT] = g_param_spec_string ("output", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
yun_job_item_init (YunJobItem *self)
{
}

YunJobItem *
_yun_job_item_new (const YunJobRecordItem *item)
{
  YunJobItem *self = g_object_new (YUN_TYPE_JOB_ITEM, NULL);

  self->record = _yun_job_record_item_copy (item);
  return self;
}

void
_yun_job_item_update (YunJobItem *self, const YunJobRecordItem *item)
{
  YunJobRecordItem *old = self->record;

  self->record = _yun_job_record_item_copy (item);

  g_object_freeze_notify (G_OBJECT (self));
#define NOTIFY_STR(field, prop)                                                                    \
  if (g_strcmp0 (old->field, item->field) != 0)                                                    \
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
#define NOTIFY_NUM(field, prop)                                                                    \
  if (old->field != item->field)                                                                   \
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
  NOTIFY_STR (instance_id, PROP_INSTANCE_ID)
  NOTIFY_STR (name, PROP_NAME)
  NOTIFY_NUM (step, PROP_STEP)
  NOTIFY_NUM (outcome, PROP_OUTCOME)
  NOTIFY_STR (reason, PROP_REASON)
  NOTIFY_STR (code, PROP_CODE)
  NOTIFY_STR (message, PROP_MESSAGE)
  NOTIFY_STR (request_id, PROP_REQUEST_ID)
  NOTIFY_NUM (attempts, PROP_ATTEMPTS)
  NOTIFY_NUM (started_at, PROP_STARTED_AT)
  NOTIFY_NUM (finished_at, PROP_FINISHED_AT)
  NOTIFY_NUM (has_exit_code, PROP_HAS_EXIT_CODE)
  NOTIFY_NUM (exit_code, PROP_EXIT_CODE)
  NOTIFY_STR (output, PROP_OUTPUT)
#undef NOTIFY_STR
#undef NOTIFY_NUM
  g_object_thaw_notify (G_OBJECT (self));

  _yun_job_record_item_free (old);
}

/* Getters. */

#define GETTER(type, name, field, fallback)                                                        \
  type yun_job_item_get_##name (YunJobItem *self)                                                  \
  {                                                                                                \
    g_return_val_if_fail (YUN_IS_JOB_ITEM (self), fallback);                                       \
    return self->record->field;                                                                    \
  }

GETTER (guint, index, index, 0)
GETTER (const char *, instance_id, instance_id, NULL)
GETTER (const char *, region, region, NULL)
GETTER (const char *, name, name, NULL)
GETTER (YunJobStep, step, step, YUN_JOB_STEP_QUEUED)
GETTER (YunJobOutcome, outcome, outcome, YUN_JOB_OUTCOME_PENDING)
GETTER (const char *, reason, reason, NULL)
GETTER (const char *, code, code, NULL)
GETTER (const char *, message, message, NULL)
GETTER (const char *, request_id, request_id, NULL)
GETTER (guint, attempts, attempts, 0)
GETTER (gboolean, has_exit_code, has_exit_code, FALSE)
GETTER (int, exit_code, exit_code, 0)
GETTER (const char *, output, output, NULL)
#undef GETTER

/**
 * yun_job_item_get_started_at:
 * @self: a #YunJobItem
 *
 * Returns: (transfer full) (nullable): when the item's first call was sent
 */
GDateTime *
yun_job_item_get_started_at (YunJobItem *self)
{
  g_return_val_if_fail (YUN_IS_JOB_ITEM (self), NULL);
  return dup_time (self->record->started_at);
}

/**
 * yun_job_item_get_finished_at:
 * @self: a #YunJobItem
 *
 * Returns: (transfer full) (nullable): when the item got its outcome
 */
GDateTime *
yun_job_item_get_finished_at (YunJobItem *self)
{
  g_return_val_if_fail (YUN_IS_JOB_ITEM (self), NULL);
  return dup_time (self->record->finished_at);
}
