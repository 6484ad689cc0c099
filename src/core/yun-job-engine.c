/* yun-job-engine.c: batch jobs that never lose, double or strand an operation
 *
 * SPDX-License-Identifier: MIT
 *
 * A job runs on one worker of a bounded pool, from start to end, with blocking calls: the
 * per-action rate limits, not parallelism inside a job, set the pace of a batch. It
 *
 *  1. is journaled with one item per instance before any call;
 *  2. reads the instances' current state and skips, with a reason, those already in the
 *     target state, in transition or not eligible;
 *  3. sends the rest in chunks of at most 100 IDs per region, writing each item's step
 *     (and the instance's LatestOperationRequestId as it was) before the call;
 *  4. follows each instance with DescribeInstances until it reaches the target state and
 *     its LatestOperationState says SUCCESS, or fails, or times out.
 *
 * A call whose answer is lost (a dropped connection, a timeout, an InternalError) is never
 * sent again blindly: the instances are read first, and an instance whose
 * LatestOperationRequestId changed to an operation of this kind got the call. The same
 * rule resumes a job after a crash: items at the "sending" step are checked, items
 * "waiting" are followed, items "queued" are judged again and sent. A reset-password job
 * on a running instance stops it (ForceStop), resets the password and starts it again, and
 * that last step is never cancelled or forgotten.
 *
 * Threading: the engine, its jobs and their items live on the main context; workers send
 * copies of the items they changed through one coalescing idle callback.
 */

#define G_LOG_DOMAIN "yun-job-engine"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "yun-api-private.h"
#include "yun-job-private.h"
#include "yun-rate-limiter-private.h"
#include "yun-source-private.h"
#include "yun-ssh-private.h"

#define DEFAULT_POLL_INTERVAL_MS 1000
#define DEFAULT_TIMEOUT_S 600
/* Attempts at sending one item's call before it is reported failed. */
#define MAX_SEND_ATTEMPTS 5
#define CHUNK_SIZE YUN_CVM_MAX_INSTANCE_IDS
/* Reads in flight at once for one job: enough to keep DescribeInstances at its rate limit
 * through round trips of a few hundred milliseconds. */
#define MAX_PARALLEL_READS 8
/* SSH connections one job keeps open at once. */
#define MAX_PARALLEL_SSH 8

typedef struct _JobRun JobRun;

static gboolean cancelled (JobRun *run);
static gboolean error_proves_not_applied (const GError *error);
static gboolean
command_not_sent (JobRun *run, GPtrArray *items, const GError *call_error, GError **error);
static gboolean dry_run_create (JobRun *run, GPtrArray *items, GError **error);
static gboolean prefilter (JobRun *run, GError **error);
static void cancel_queued (JobRun *run);

struct _YunJobEngine
{
  GObject parent_instance;

  YunCache *cache;
  char *account;
  YunClient *client;
  YunSecretStore *secrets;
  GMainContext *context;
  GThreadPool *pool;
  guint max_workers;
  guint poll_interval;

  GListStore *jobs;     /* YunJob, the most recent first */
  GHashTable *job_runs; /* YunJob → JobRun, for the jobs running (main thread) */

  GMutex events_lock;
  GPtrArray *events; /* JobEvent */
  GSource *events_source;
};

G_DEFINE_FINAL_TYPE (YunJobEngine, yun_job_engine, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_MAX_WORKERS,
  PROP_POLL_INTERVAL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Everything a running job needs, owned by its worker. */
struct _JobRun
{
  YunJobEngine *engine; /* a reference */
  YunJob *job;          /* a reference; main thread only */
  YunJobRecord *record;
  char *password; /* secret */
  char *username;
  char *stop_type;
  char *stopped_mode;
  char *create_region;
  YunRunInstancesRequest *create_request; /* without its password: that is run->password */
  GBytes *command;                        /* run-command: the script */
  GHashTable *command_os;                 /* instance ID → YunOsFamily, from the prefilter */
  GHashTable *cancelled_invocations;      /* invocation IDs CancelInvocation was sent for */
  GHashTable *protected_ids;              /* instances marked protected in YunDesk */
  guint timeout;
  gint cancel_requested;     /* atomic */
  GCancellable *cancellable; /* cancelled with the job: stops SSH work in flight */
  GHashTable *latest;        /* instance ID → YunInstance, as last read */
  GPtrArray *changed;        /* YunJobRecordItem, borrowed: to journal and to post */
};

typedef struct
{
  YunJob *job;
  GPtrArray *items; /* YunJobRecordItem copies */
  gboolean ended;   /* the worker is done with the job */
  gboolean finished;
  gint64 finished_at;
  /* With the last event, the run itself: it is freed on the main thread, once the job can
   * no longer call cancel_run() with it. */
  JobRun *run;
} JobEvent;

static void job_run_free (JobRun *run);

static void
job_event_free (JobEvent *event)
{
  g_object_unref (event->job);
  g_ptr_array_unref (event->items);
  g_clear_pointer (&event->run, job_run_free);
  g_free (event);
}

static void
job_run_free (JobRun *run)
{
  g_object_unref (run->engine);
  g_object_unref (run->job);
  _yun_job_record_free (run->record);
  yun_secret_free (run->password);
  g_free (run->username);
  g_free (run->stop_type);
  g_free (run->stopped_mode);
  g_free (run->create_region);
  g_clear_pointer (&run->create_request, yun_run_instances_request_unref);
  g_clear_pointer (&run->command, g_bytes_unref);
  g_hash_table_unref (run->command_os);
  g_hash_table_unref (run->cancelled_invocations);
  g_hash_table_unref (run->protected_ids);
  g_hash_table_unref (run->latest);
  g_ptr_array_unref (run->changed);
  g_object_unref (run->cancellable);
  g_free (run);
}

/* ---- Object ---- */

static void
yun_job_engine_dispose (GObject *object)
{
  YunJobEngine *self = (YunJobEngine *) object;

  _yun_source_clear (&self->events_source);
  G_OBJECT_CLASS (yun_job_engine_parent_class)->dispose (object);
}

static void
yun_job_engine_finalize (GObject *object)
{
  YunJobEngine *self = (YunJobEngine *) object;

  /* Jobs hold the engine while they run: none is left by now, but the worker that ran the
   * last one may be the thread dropping this last reference, so it is not waited for. */
  g_thread_pool_free (self->pool, FALSE, FALSE);
  g_clear_object (&self->cache);
  g_free (self->account);
  g_clear_object (&self->client);
  g_clear_object (&self->secrets);
  g_main_context_unref (self->context);
  g_clear_object (&self->jobs);
  g_hash_table_unref (self->job_runs);
  g_ptr_array_unref (self->events);
  g_mutex_clear (&self->events_lock);

  G_OBJECT_CLASS (yun_job_engine_parent_class)->finalize (object);
}

static void
yun_job_engine_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  YunJobEngine *self = YUN_JOB_ENGINE (object);

  switch (prop_id)
    {
    case PROP_MAX_WORKERS:
      g_value_set_uint (value, self->max_workers);
      break;
    case PROP_POLL_INTERVAL:
      g_value_set_uint (value, self->poll_interval);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yun_job_engine_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  YunJobEngine *self = YUN_JOB_ENGINE (object);

  switch (prop_id)
    {
    case PROP_MAX_WORKERS:
      yun_job_engine_set_max_workers (self, g_value_get_uint (value));
      break;
    case PROP_POLL_INTERVAL:
      yun_job_engine_set_poll_interval (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yun_job_engine_class_init (YunJobEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = yun_job_engine_dispose;
  object_class->finalize = yun_job_engine_finalize;
  object_class->get_property = yun_job_engine_get_property;
  object_class->set_property = yun_job_engine_set_property;

  /** YunJobEngine:max-workers: how many jobs run at once */
  properties[PROP_MAX_WORKERS]
    = g_param_spec_uint ("max-workers", NULL, NULL, 1, 64, YUN_JOB_ENGINE_DEFAULT_MAX_WORKERS,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /** YunJobEngine:poll-interval: milliseconds between two reads of the instances a job
   * follows */
  properties[PROP_POLL_INTERVAL]
    = g_param_spec_uint ("poll-interval", NULL, NULL, 10, 60000, DEFAULT_POLL_INTERVAL_MS,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void run_job (gpointer data, gpointer user_data);

static void
yun_job_engine_init (YunJobEngine *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->max_workers = YUN_JOB_ENGINE_DEFAULT_MAX_WORKERS;
  self->poll_interval = DEFAULT_POLL_INTERVAL_MS;
  self->pool = g_thread_pool_new (run_job, self, (int) self->max_workers, FALSE, NULL);
  self->jobs = g_list_store_new (YUN_TYPE_JOB);
  self->job_runs = g_hash_table_new (NULL, NULL);
  self->events = g_ptr_array_new_with_free_func ((GDestroyNotify) job_event_free);
  g_mutex_init (&self->events_lock);
}

/**
 * yun_job_engine_new:
 * @cache: the database that holds the journal
 * @account: the account (profile name) the jobs belong to
 * @client: (nullable): the client the jobs call with; or %NULL until
 *   yun_job_engine_set_client() gives it (the history can be read meanwhile)
 *
 * Returns: (transfer full): an engine; call yun_job_engine_resume() once at start-up
 */
YunJobEngine *
yun_job_engine_new (YunCache *cache, const char *account, YunClient *client)
{
  YunJobEngine *self;

  g_return_val_if_fail (YUN_IS_CACHE (cache), NULL);
  g_return_val_if_fail (account != NULL, NULL);
  g_return_val_if_fail (client == NULL || YUN_IS_CLIENT (client), NULL);

  self = g_object_new (YUN_TYPE_JOB_ENGINE, NULL);
  self->cache = g_object_ref (cache);
  self->account = g_strdup (account);
  g_set_object (&self->client, client);
  return self;
}

/**
 * yun_job_engine_set_client:
 * @self: a #YunJobEngine made without a client
 * @client: the client the jobs call with
 *
 * Once the account's credentials are known: jobs can run from now on.
 */
void
yun_job_engine_set_client (YunJobEngine *self, YunClient *client)
{
  g_return_if_fail (YUN_IS_JOB_ENGINE (self));
  g_return_if_fail (YUN_IS_CLIENT (client));
  g_return_if_fail (self->client == NULL);

  self->client = g_object_ref (client);
}

/* Jobs call Tencent Cloud: none before the engine has a client. */
static gboolean
check_client (YunJobEngine *self, GError **error)
{
  if (self->client != NULL)
    return TRUE;
  g_set_error_literal (error, YUN_ERROR, YUN_ERROR_INVALID_STATE,
                       _ ("The account is not connected: its credentials have not been read yet"));
  return FALSE;
}

guint
yun_job_engine_get_max_workers (YunJobEngine *self)
{
  g_return_val_if_fail (YUN_IS_JOB_ENGINE (self), 0);
  return self->max_workers;
}

void
yun_job_engine_set_max_workers (YunJobEngine *self, guint max_workers)
{
  g_return_if_fail (YUN_IS_JOB_ENGINE (self));
  g_return_if_fail (max_workers > 0);

  if (self->max_workers == max_workers)
    return;
  self->max_workers = max_workers;
  g_thread_pool_set_max_threads (self->pool, (int) max_workers, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_WORKERS]);
}

/**
 * yun_job_engine_set_secret_store:
 * @self: a #YunJobEngine
 * @secrets: (nullable): where a job keeps its new password until it ends
 *
 * With a persistent store (the system keyring), a reset-password or create job that was
 * interrupted can send what it had not sent yet when it resumes. Without one, the password
 * lives in memory only, and a resumed job reports those instances failed (after starting
 * again every instance it had stopped).
 */
void
yun_job_engine_set_secret_store (YunJobEngine *self, YunSecretStore *secrets)
{
  g_return_if_fail (YUN_IS_JOB_ENGINE (self));
  g_return_if_fail (secrets == NULL || YUN_IS_SECRET_STORE (secrets));

  g_set_object (&self->secrets, secrets);
}

guint
yun_job_engine_get_poll_interval (YunJobEngine *self)
{
  g_return_val_if_fail (YUN_IS_JOB_ENGINE (self), 0);
  return self->poll_interval;
}

void
yun_job_engine_set_poll_interval (YunJobEngine *self, guint milliseconds)
{
  g_return_if_fail (YUN_IS_JOB_ENGINE (self));

  if (self->poll_interval == milliseconds)
    return;
  self->poll_interval = milliseconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POLL_INTERVAL]);
}

/**
 * yun_job_engine_get_jobs:
 * @self: a #YunJobEngine
 *
 * Returns: (transfer none): a #GListModel of #YunJob, the most recent first
 */
GListModel *
yun_job_engine_get_jobs (YunJobEngine *self)
{
  g_return_val_if_fail (YUN_IS_JOB_ENGINE (self), NULL);
  return G_LIST_MODEL (self->jobs);
}

/**
 * yun_job_engine_lookup:
 * @self: a #YunJobEngine
 * @job_id: a job's ID
 *
 * Returns: (transfer none) (nullable): the job, if loaded or submitted here
 */
YunJob *
yun_job_engine_lookup (YunJobEngine *self, gint64 job_id)
{
  g_return_val_if_fail (YUN_IS_JOB_ENGINE (self), NULL);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->jobs)); i++)
    {
      g_autoptr (YunJob) job = g_list_model_get_item (G_LIST_MODEL (self->jobs), i);

      if (yun_job_get_id (job) == job_id && !yun_job_get_dry_run (job))
        return job;
    }
  return NULL;
}

/* ---- Events to the main context ---- */

static void
deliver_events (YunJobEngine *self)
{
  /* A finished run's reference to the engine may be the last one. */
  g_autoptr (YunJobEngine) hold = g_object_ref (self);
  g_autoptr (GPtrArray) events = NULL;

  g_mutex_lock (&self->events_lock);
  events = g_steal_pointer (&self->events);
  self->events = g_ptr_array_new_with_free_func ((GDestroyNotify) job_event_free);
  g_clear_pointer (&self->events_source, g_source_unref);
  g_mutex_unlock (&self->events_lock);

  for (guint i = 0; i < events->len; i++)
    {
      JobEvent *event = g_ptr_array_index (events, i);

      _yun_job_update_items (event->job, event->items);
      if (event->ended)
        {
          g_hash_table_remove (self->job_runs, event->job);
          _yun_job_set_cancel_func (event->job, NULL, NULL);
          g_clear_pointer (&event->run, job_run_free);
        }
      if (event->finished)
        _yun_job_set_finished (event->job, event->finished_at);
    }
}

static gboolean
deliver_events_cb (gpointer user_data)
{
  deliver_events (user_data);
  return G_SOURCE_REMOVE;
}

/* Worker thread: sends copies of the items changed since the last post; @ended when the
 * worker lets go of the job, and of @run, which the main thread then frees. */
static void
post (JobRun *run, gboolean ended)
{
  YunJobEngine *self = run->engine;
  JobEvent *event = g_new0 (JobEvent, 1);

  event->job = g_object_ref (run->job);
  event->items = g_ptr_array_new_with_free_func ((GDestroyNotify) _yun_job_record_item_free);
  for (guint i = 0; i < run->changed->len; i++)
    g_ptr_array_add (event->items, _yun_job_record_item_copy (run->changed->pdata[i]));
  g_ptr_array_set_size (run->changed, 0);
  event->ended = ended;
  event->finished = ended && run->record->finished;
  event->finished_at = run->record->finished_at;
  if (ended)
    event->run = run;

  g_mutex_lock (&self->events_lock);
  g_ptr_array_add (self->events, event);
  if (self->events_source == NULL)
    self->events_source = _yun_idle_add_for_object (self->context, deliver_events_cb, self,
                                                    "[yun-job-engine] events");
  g_mutex_unlock (&self->events_lock);
}

/* Writes the changed items to the journal, then tells the main context. A journal that
 * cannot be written stops the job: sending calls it could not record would break the
 * promise to resume without doubling. */
static gboolean
commit_changes (JobRun *run, GError **error)
{
  if (run->changed->len == 0)
    return TRUE;
  if (!run->record->dry_run
      && !_yun_journal_update_items (run->engine->cache, run->record, run->changed, error))
    return FALSE;
  post (run, FALSE);
  return TRUE;
}

static void
mark_changed (JobRun *run, YunJobRecordItem *item)
{
  for (guint i = 0; i < run->changed->len; i++)
    if (run->changed->pdata[i] == item)
      return;
  g_ptr_array_add (run->changed, item);
}

static void
set_text (char **field, const char *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

static void
finish_item (JobRun *run,
             YunJobRecordItem *item,
             YunJobOutcome outcome,
             const char *reason,
             const char *code,
             const char *message)
{
  item->step = YUN_JOB_STEP_DONE;
  item->outcome = outcome;
  set_text (&item->reason, reason);
  if (code != NULL || outcome != YUN_JOB_OUTCOME_FAILED)
    set_text (&item->code, code);
  if (message != NULL || outcome != YUN_JOB_OUTCOME_FAILED)
    set_text (&item->message, message);
  item->finished_at = g_get_real_time () / G_USEC_PER_SEC;
  mark_changed (run, item);
}

static void
fail_item_with_error (JobRun *run, YunJobRecordItem *item, const GError *error)
{
  const char *code = error->domain == YUN_ERROR ? yun_error_get_code (error) : NULL;
  const char *request_id = error->domain == YUN_ERROR ? yun_error_get_request_id (error) : NULL;

  if (request_id != NULL)
    set_text (&item->request_id, request_id);
  finish_item (run, item, YUN_JOB_OUTCOME_FAILED, NULL, code, error->message);
}

/* ---- What each kind does ---- */

static const char *
action_of (JobRun *run, YunJobStep step)
{
  if (step == YUN_JOB_STEP_RESTART_QUEUED || step == YUN_JOB_STEP_RESTART_SENDING
      || step == YUN_JOB_STEP_RESTART_WAITING)
    return "StartInstances";
  return yun_job_kind_get_action (run->record->kind);
}

typedef enum
{
  VERDICT_SEND,
  VERDICT_SKIP,
} Verdict;

/* Whether @instance should get this job's call, and if not why not. */
static Verdict
judge (JobRun *run, YunInstance *instance, char **reason)
{
  const char *state = yun_instance_get_state (instance);

  if (yun_instance_is_transitional (instance))
    {
      *reason
        = yun_instance_state_is_transitional (state)
            /* Translators: the reasons below say why a job leaves an instance out; they are
             * shown after the instance's name. %s is the instance's state as Tencent Cloud
             * names it (RUNNING, STOPPED, STARTING…): keep those names as they are. */
            ? g_strdup_printf (_ ("in transition (%s)"), state)
            : g_strdup_printf (_ ("in transition (%s, an operation is still running)"), state);
      return VERDICT_SKIP;
    }

  if ((run->record->kind == YUN_JOB_KIND_TERMINATE
       || run->record->kind == YUN_JOB_KIND_RESET_PASSWORD)
      && g_hash_table_contains (run->protected_ids, yun_instance_get_instance_id (instance)))
    {
      *reason = g_strdup (_ ("marked protected in YunDesk: remove the mark first"));
      return VERDICT_SKIP;
    }

  switch (run->record->kind)
    {
    case YUN_JOB_KIND_START:
      if (g_str_equal (state, "STOPPED"))
        return VERDICT_SEND;
      *reason = g_str_equal (state, "RUNNING")
                  ? g_strdup (_ ("already RUNNING"))
                  : g_strdup_printf (_ ("cannot be started while %s"), state);
      return VERDICT_SKIP;
    case YUN_JOB_KIND_STOP:
      if (g_str_equal (state, "RUNNING"))
        return VERDICT_SEND;
      *reason = g_str_equal (state, "STOPPED")
                  ? g_strdup (_ ("already STOPPED"))
                  : g_strdup_printf (_ ("cannot be stopped while %s"), state);
      return VERDICT_SKIP;
    case YUN_JOB_KIND_REBOOT:
      if (g_str_equal (state, "RUNNING"))
        return VERDICT_SEND;
      *reason = g_strdup_printf (_ ("cannot be rebooted while %s"), state);
      return VERDICT_SKIP;
    case YUN_JOB_KIND_TERMINATE:
      if (yun_instance_get_disable_api_termination (instance))
        {
          *reason = g_strdup (_ ("termination protection is on"));
          return VERDICT_SKIP;
        }
      return VERDICT_SEND;
    case YUN_JOB_KIND_RESET_PASSWORD:
      if (g_str_equal (state, "RUNNING") || g_str_equal (state, "STOPPED"))
        return VERDICT_SEND;
      *reason = g_strdup_printf (_ ("the password cannot be reset while %s"), state);
      return VERDICT_SKIP;
    case YUN_JOB_KIND_RUN_COMMAND:
      if (g_str_equal (state, "RUNNING"))
        return VERDICT_SEND;
      *reason = g_strdup_printf (_ ("not RUNNING (%s)"), state);
      return VERDICT_SKIP;
    case YUN_JOB_KIND_SSH_EXEC:
    case YUN_JOB_KIND_SFTP_UPLOAD:
      if (!g_str_equal (state, "RUNNING"))
        {
          *reason = g_strdup_printf (_ ("not RUNNING (%s)"), state);
          return VERDICT_SKIP;
        }
      if (yun_ssh_instance_get_address (instance) == NULL)
        {
          *reason = g_strdup (_ ("no public address to connect to"));
          return VERDICT_SKIP;
        }
      return VERDICT_SEND;
    case YUN_JOB_KIND_CREATE:
    default:
      return VERDICT_SEND;
    }
}

/* ---- Reading the instances ---- */

/* One DescribeInstances call of a read: at most 100 IDs of one region. */
typedef struct
{
  YunClient *client;
  const char *region;
  GPtrArray *ids; /* borrowed, NULL-terminated */
  GPtrArray *instances;
  GError *error;
} ReadCall;

typedef struct
{
  GMutex lock;
  GCond done;
  guint pending;
} ReadBatch;

static void
read_call_run (gpointer data, gpointer user_data)
{
  ReadCall *call = data;
  ReadBatch *batch = user_data;

  call->instances = yun_client_describe_instances_by_ids (
    call->client, call->region, (const char *const *) call->ids->pdata, NULL, &call->error);
  g_mutex_lock (&batch->lock);
  if (--batch->pending == 0)
    g_cond_signal (&batch->done);
  g_mutex_unlock (&batch->lock);
}

static void
read_call_free (ReadCall *call)
{
  g_ptr_array_unref (call->ids);
  g_clear_pointer (&call->instances, g_ptr_array_unref);
  g_clear_error (&call->error);
  g_free (call);
}

/* Reads the instances of @items into run->latest; an instance not listed is removed from
 * it. The calls (100 IDs each) go out at once: the shared rate limiter paces them, and a
 * read of thousands of instances takes a few round trips, not one per region and page. */
static gboolean
read_instances (JobRun *run, GPtrArray *items, GError **error)
{
  g_autoptr (GHashTable) open_calls = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) calls = g_ptr_array_new_with_free_func ((GDestroyNotify) read_call_free);
  ReadBatch batch = { 0 };
  GThreadPool *pool;

  for (guint i = 0; i < items->len; i++)
    {
      YunJobRecordItem *item = g_ptr_array_index (items, i);
      ReadCall *call;

      if (item->instance_id == NULL)
        continue;
      call = g_hash_table_lookup (open_calls, item->region);
      if (call == NULL || call->ids->len == CHUNK_SIZE)
        {
          call = g_new0 (ReadCall, 1);
          call->client = run->engine->client;
          call->region = item->region;
          call->ids = g_ptr_array_new ();
          g_ptr_array_add (calls, call);
          g_hash_table_replace (open_calls, item->region, call);
        }
      g_ptr_array_add (call->ids, item->instance_id);
    }
  if (calls->len == 0)
    return TRUE;

  g_mutex_init (&batch.lock);
  g_cond_init (&batch.done);
  batch.pending = calls->len;
  pool
    = g_thread_pool_new (read_call_run, &batch, MIN (calls->len, MAX_PARALLEL_READS), FALSE, NULL);
  for (guint i = 0; i < calls->len; i++)
    {
      ReadCall *call = g_ptr_array_index (calls, i);

      g_ptr_array_add (call->ids, NULL);
      g_thread_pool_push (pool, call, NULL);
    }
  g_mutex_lock (&batch.lock);
  while (batch.pending > 0)
    g_cond_wait (&batch.done, &batch.lock);
  g_mutex_unlock (&batch.lock);
  g_thread_pool_free (pool, FALSE, TRUE);
  g_cond_clear (&batch.done);
  g_mutex_clear (&batch.lock);

  for (guint c = 0; c < calls->len; c++)
    {
      ReadCall *call = g_ptr_array_index (calls, c);

      if (call->instances == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&call->error));
          return FALSE;
        }
    }
  for (guint c = 0; c < calls->len; c++)
    {
      ReadCall *call = g_ptr_array_index (calls, c);

      for (guint i = 0; call->ids->pdata[i] != NULL; i++)
        g_hash_table_remove (run->latest, call->ids->pdata[i]);
      for (guint i = 0; i < call->instances->len; i++)
        {
          YunInstance *instance = g_ptr_array_index (call->instances, i);

          g_hash_table_replace (run->latest, g_strdup (yun_instance_get_instance_id (instance)),
                                g_object_ref (instance));
        }
    }
  return TRUE;
}

static GPtrArray *
items_at (JobRun *run, YunJobStep step)
{
  GPtrArray *items = g_ptr_array_new ();

  for (guint i = 0; i < run->record->items->len; i++)
    {
      YunJobRecordItem *item = g_ptr_array_index (run->record->items, i);

      if (item->step == step)
        g_ptr_array_add (items, item);
    }
  return items;
}

/* ---- Create ---- */

/* The name of the instances of a chunk starting at @offset of @total: a pattern {R:x}
 * continues across chunks, and a plain name gets the suffixes 1…n the service would give
 * the whole job. */
static char *
chunk_name (const char *name, guint offset, guint total)
{
  const char *pattern;
  g_autofree char *prefix = NULL;
  const char *rest;
  guint64 start;
  char *end = NULL;

  if (name == NULL || total == 1)
    return g_strdup (name);
  pattern = strstr (name, "{R:");
  if (pattern == NULL)
    return g_strdup_printf ("%s{R:%u}", name, offset + 1);

  start = g_ascii_strtoull (pattern + 3, &end, 10);
  prefix = g_strndup (name, (gsize) (pattern - name));
  rest = end;
  return g_strdup_printf ("%s{R:%" G_GUINT64_FORMAT "%s", prefix, start + offset, rest);
}

/* The request of one chunk of a create job: its share of the count, its name, its
 * ClientToken (the same every time this chunk is sent), and the password. */
static YunRunInstancesRequest *
chunk_request (JobRun *run, GPtrArray *chunk, gboolean dry_run)
{
  YunRunInstancesRequest *request = run->create_request;
  YunJobRecordItem *first = g_ptr_array_index (chunk, 0);
  g_autoptr (json_object) json = _yun_run_instances_request_to_json (request);
  YunRunInstancesRequest *copy = _yun_run_instances_request_new_from_json (json, NULL);
  g_autofree char *name = chunk_name (request->name, first->index, run->record->items->len);

  yun_run_instances_request_set_count (copy, chunk->len);
  yun_run_instances_request_set_name (copy, name);
  yun_run_instances_request_set_client_token (copy, first->client_token);
  yun_run_instances_request_set_dry_run (copy, dry_run);
  if (run->password != NULL)
    yun_run_instances_request_set_password (copy, run->password);
  return copy;
}

static GPtrArray *
create_chunks (JobRun *run, GPtrArray *items)
{
  GPtrArray *chunks = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  GPtrArray *chunk = NULL;

  /* Items of one chunk share a ClientToken and are in order. */
  for (guint i = 0; i < items->len; i++)
    {
      YunJobRecordItem *item = g_ptr_array_index (items, i);

      if (chunk == NULL
          || g_strcmp0 (((YunJobRecordItem *) chunk->pdata[0])->client_token, item->client_token)
               != 0)
        {
          chunk = g_ptr_array_new ();
          g_ptr_array_add (chunks, chunk);
        }
      g_ptr_array_add (chunk, item);
    }
  return chunks;
}

static gboolean
dry_run_create (JobRun *run, GPtrArray *items, GError **error)
{
  g_autoptr (GPtrArray) chunks = create_chunks (run, items);

  for (guint c = 0; c < chunks->len; c++)
    {
      GPtrArray *chunk = g_ptr_array_index (chunks, c);
      g_autoptr (YunRunInstancesRequest) request = chunk_request (run, chunk, TRUE);
      g_autoptr (YunRunInstancesResult) result = NULL;
      g_autoptr (GError) check_error = NULL;

      result = yun_client_run_instances (run->engine->client, run->create_region, request, NULL,
                                         &check_error);
      for (guint i = 0; i < chunk->len; i++)
        {
          YunJobRecordItem *item = g_ptr_array_index (chunk, i);

          if (result == NULL)
            fail_item_with_error (run, item, check_error);
          else
            {
              item->outcome = YUN_JOB_OUTCOME_WOULD_SEND;
              item->step = YUN_JOB_STEP_DONE;
              set_text (&item->reason, _ ("the checks of price, quota and stock passed"));
              set_text (&item->request_id, result->request_id);
              mark_changed (run, item);
            }
        }
    }
  return commit_changes (run, error);
}

static gboolean
send_create_chunk (JobRun *run, GPtrArray *chunk, GError **error)
{
  g_autoptr (YunRunInstancesRequest) request = chunk_request (run, chunk, FALSE);
  g_autoptr (YunRunInstancesResult) result = NULL;
  g_autoptr (GError) call_error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  for (guint i = 0; i < chunk->len; i++)
    {
      YunJobRecordItem *item = g_ptr_array_index (chunk, i);

      item->step = YUN_JOB_STEP_SENDING;
      item->attempts++;
      if (item->started_at == 0)
        item->started_at = now;
      mark_changed (run, item);
    }
  if (!commit_changes (run, error))
    return FALSE;

  /* The ClientToken makes this safe to send again, however often. */
  result = yun_client_run_instances (run->engine->client, run->create_region, request, NULL,
                                     &call_error);
  if (result != NULL && g_strv_length (result->instance_ids) != chunk->len)
    g_set_error (&call_error, YUN_ERROR, YUN_ERROR_PROTOCOL,
                 _ ("RunInstances answered %u instance IDs for %u instances"),
                 g_strv_length (result->instance_ids), chunk->len);

  for (guint i = 0; i < chunk->len; i++)
    {
      YunJobRecordItem *item = g_ptr_array_index (chunk, i);

      if (call_error == NULL)
        {
          item->step = YUN_JOB_STEP_WAITING;
          set_text (&item->instance_id, result->instance_ids[i]);
          set_text (&item->request_id, result->request_id);
          mark_changed (run, item);
        }
      else if (error_proves_not_applied (call_error) && call_error->code != YUN_ERROR_THROTTLED)
        fail_item_with_error (run, item, call_error);
      else if (item->attempts >= MAX_SEND_ATTEMPTS)
        fail_item_with_error (run, item, call_error);
      else
        {
          item->step = YUN_JOB_STEP_QUEUED;
          mark_changed (run, item);
        }
    }
  return commit_changes (run, error);
}

static gboolean
send_create (JobRun *run, GError **error)
{
  g_autoptr (GPtrArray) items = items_at (run, YUN_JOB_STEP_QUEUED);
  g_autoptr (GPtrArray) chunks = create_chunks (run, items);

  for (guint c = 0; c < chunks->len; c++)
    {
      if (cancelled (run))
        return TRUE;
      if (!send_create_chunk (run, g_ptr_array_index (chunks, c), error))
        return FALSE;
    }
  return TRUE;
}

/* ---- Run command ---- */

#define LINUX_DEFAULT_USER "root"
#define LINUX_DEFAULT_DIRECTORY "/root"
#define WINDOWS_DEFAULT_USER "System"
#define WINDOWS_DEFAULT_DIRECTORY "C:\\Program Files\\qcloud\\tat_agent\\workdir"
/* A task is given its command's timeout, and this much more to be delivered and reported. */
#define COMMAND_MARGIN_S 120

/* The string parameter @key of a journaled job, or @fallback. */
static const char *
param_string (json_object *params, const char *key, const char *fallback)
{
  json_object *value = NULL;

  if (json_object_object_get_ex (params, key, &value))
    return json_object_get_string (value);
  return fallback;
}

static const char *
command_param (JobRun *run, const char *key, const char *fallback)
{
  return param_string (run->record->params, key, fallback);
}

static const char *
command_user (JobRun *run, YunOsFamily os_family)
{
  return os_family == YUN_OS_FAMILY_WINDOWS
           ? command_param (run, "WindowsUser", WINDOWS_DEFAULT_USER)
           : command_param (run, "LinuxUser", LINUX_DEFAULT_USER);
}

static const char *
command_directory (JobRun *run, YunOsFamily os_family)
{
  return os_family == YUN_OS_FAMILY_WINDOWS
           ? command_param (run, "WindowsDirectory", WINDOWS_DEFAULT_DIRECTORY)
           : command_param (run, "LinuxDirectory", LINUX_DEFAULT_DIRECTORY);
}

/* The TAT agents of @items' instances, by region and 100 IDs per call; the OS each
 * reports goes to run->command_os, a missing or offline agent to a skip reason. */
static gboolean
read_agents (JobRun *run, GPtrArray *items, GError **error)
{
  g_autoptr (GHashTable) by_region
    = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_ptr_array_unref);
  GHashTableIter iter;
  gpointer key, value;

  for (guint i = 0; i < items->len; i++)
    {
      YunJobRecordItem *item = g_ptr_array_index (items, i);
      GPtrArray *ids = g_hash_table_lookup (by_region, item->region);

      if (ids == NULL)
        {
          ids = g_ptr_array_new ();
          g_hash_table_insert (by_region, item->region, ids);
        }
      g_ptr_array_add (ids, item->instance_id);
    }

  g_hash_table_iter_init (&iter, by_region);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GPtrArray *ids = value;

      for (guint start = 0; start < ids->len; start += YUN_TAT_MAX_IDS)
        {
          g_autoptr (GPtrArray) chunk = g_ptr_array_new ();
          g_autoptr (GPtrArray) agents = NULL;

          for (guint i = start; i < MIN (ids->len, start + YUN_TAT_MAX_IDS); i++)
            {
              g_ptr_array_add (chunk, ids->pdata[i]);
              g_hash_table_replace (run->command_os, g_strdup (ids->pdata[i]),
                                    GINT_TO_POINTER (-1));
            }
          g_ptr_array_add (chunk, NULL);
          agents = yun_client_describe_automation_agent_status (
            run->engine->client, key, (const char *const *) chunk->pdata, NULL, error);
          if (agents == NULL)
            return FALSE;
          for (guint i = 0; i < agents->len; i++)
            {
              YunAgentStatus *agent = g_ptr_array_index (agents, i);
              int os_family = yun_agent_status_is_online (agent)
                                ? (int) yun_agent_status_get_os_family (agent)
                                : -2;

              g_hash_table_replace (run->command_os, g_strdup (agent->instance_id),
                                    GINT_TO_POINTER (os_family));
            }
        }
    }
  return TRUE;
}

/* -1: no agent; -2: offline; otherwise the YunOsFamily the agent reports. */
static gboolean
command_eligible (JobRun *run, YunJobRecordItem *item, YunInstance *instance, char **reason)
{
  int os_family = GPOINTER_TO_INT (g_hash_table_lookup (run->command_os, item->instance_id));

  if (os_family == -1)
    *reason = g_strdup (_ ("the TAT agent is not installed"));
  else if (os_family == -2)
    *reason = g_strdup (_ ("the TAT agent is offline"));
  else
    {
      /* An agent that does not say which OS it runs on: the instance's OS name does. */
      if (os_family == YUN_OS_FAMILY_UNKNOWN)
        g_hash_table_replace (run->command_os, g_strdup (item->instance_id),
                              GINT_TO_POINTER (yun_instance_get_os_family (instance)));
      return TRUE;
    }
  return FALSE;
}

static YunOsFamily
command_os_of (JobRun *run, YunJobRecordItem *item)
{
  int os_family = GPOINTER_TO_INT (g_hash_table_lookup (run->command_os, item->instance_id));

  return os_family == YUN_OS_FAMILY_WINDOWS ? YUN_OS_FAMILY_WINDOWS : YUN_OS_FAMILY_LINUX;
}

/* ---- SSH and SFTP ---- */

static const char *
ssh_user (JobRun *run, YunOsFamily os_family)
{
  return os_family == YUN_OS_FAMILY_WINDOWS
           ? command_param (run, "SshWindowsUser", YUN_PROFILE_DEFAULT_SSH_WINDOWS_USER)
           : command_param (run, "SshUser", YUN_PROFILE_DEFAULT_SSH_USER);
}

static guint
ssh_port (JobRun *run)
{
  json_object *value = NULL;

  if (json_object_object_get_ex (run->record->params, "SshPort", &value))
    return (guint) json_object_get_int64 (value);
  return YUN_PROFILE_DEFAULT_SSH_PORT;
}

static gboolean
is_ssh_kind (YunJobKind kind)
{
  return kind == YUN_JOB_KIND_SSH_EXEC || kind == YUN_JOB_KIND_SFTP_UPLOAD;
}

/* What one item's SSH call needs: the job's settings, the instance's address and the
 * password (the job's, or else the instance's remembered one). Job worker thread. */
static YunSshCall *
ssh_call_new (JobRun *run, YunJobRecordItem *item, YunInstance *instance)
{
  YunSshCall *call = _yun_ssh_call_new (run->record->kind);
  json_object *value = NULL;

  call->host = g_strdup (yun_ssh_instance_get_address (instance));
  call->port = ssh_port (run);
  call->user = g_strdup (ssh_user (run, yun_instance_get_os_family (instance)));
  call->accept_new_host_key
    = json_object_object_get_ex (run->record->params, "SshAcceptNewHostKeys", NULL);
  call->known_hosts_file = g_strdup (command_param (run, "SshKnownHosts", NULL));
  call->identity_directory = g_strdup (command_param (run, "SshIdentityDirectory", NULL));
  call->connect_timeout_ms = YUN_SSH_DEFAULT_TIMEOUT_MS;
  call->cancellable = g_object_ref (run->cancellable);
  call->max_output = YUN_SSH_DEFAULT_MAX_OUTPUT;
  if (run->password != NULL)
    call->password = g_strdup (run->password);
  else if (run->engine->secrets != NULL)
    call->password = yun_secret_store_lookup (run->engine->secrets, YUN_SECRET_INSTANCE_PASSWORD,
                                              run->engine->account, item->instance_id, NULL, NULL);
  if (run->record->kind == YUN_JOB_KIND_SSH_EXEC)
    {
      call->command = g_bytes_ref (run->command);
      call->command_timeout
        = json_object_object_get_ex (run->record->params, "CommandTimeout", &value)
            ? (guint) json_object_get_int64 (value)
            : run->timeout;
    }
  else
    {
      call->local_path = g_strdup (command_param (run, "LocalPath", NULL));
      call->remote_path = g_strdup (command_param (run, "RemotePath", NULL));
      if (json_object_object_get_ex (run->record->params, "RemoteMode", &value))
        call->mode = (int) json_object_get_int64 (value);
    }
  return call;
}

/* An ssh-exec or sftp-upload job: after the prefilter, the items go out a few at a time,
 * each journaled at the sending step before its connection opens. */
static gboolean
drive_ssh (JobRun *run, GError **error)
{
  g_autoptr (GPtrArray) sending = items_at (run, YUN_JOB_STEP_SENDING);
  g_autoptr (GPtrArray) queued = NULL;

  /* Resumed after a crash. A command has no ClientToken and may do harm twice: one that may
   * have gone out is reported unknown and never sent again. An upload can be sent again: it
   * replaces the file in one rename. */
  for (guint i = 0; i < sending->len; i++)
    {
      YunJobRecordItem *item = g_ptr_array_index (sending, i);

      if (run->record->kind == YUN_JOB_KIND_SSH_EXEC)
        finish_item (run, item, YUN_JOB_OUTCOME_FAILED, _ ("unknown: may have run, not sent again"),
                     "Unknown",
                     _ ("YunDesk stopped while the command was being sent or run, so whether it "
                        "ran is unknown. It was not sent again: look at the instance before "
                        "running it again"));
      else
        {
          item->step = YUN_JOB_STEP_QUEUED;
          mark_changed (run, item);
        }
    }
  if (!commit_changes (run, error))
    return FALSE;
  if (cancelled (run))
    cancel_queued (run);
  if (!prefilter (run, error))
    return FALSE;
  if (run->record->dry_run)
    return TRUE;

  if (run->record->kind == YUN_JOB_KIND_SSH_EXEC && run->command == NULL)
    {
      g_autoptr (GError) lost = g_error_new_literal (
        YUN_ERROR, YUN_ERROR_INVALID_STATE, _ ("The job's command is missing from its journal"));

      queued = items_at (run, YUN_JOB_STEP_QUEUED);
      for (guint i = 0; i < queued->len; i++)
        fail_item_with_error (run, g_ptr_array_index (queued, i), lost);
      return commit_changes (run, error);
    }

  queued = items_at (run, YUN_JOB_STEP_QUEUED);
  for (guint start = 0; start < queued->len; start += MAX_PARALLEL_SSH)
    {
      g_autoptr (GPtrArray) calls
        = g_ptr_array_new_with_free_func ((GDestroyNotify) _yun_ssh_call_free);
      g_autoptr (GPtrArray) wave = g_ptr_array_new ();
      gint64 now = g_get_real_time () / G_USEC_PER_SEC;

      if (cancelled (run))
        {
          cancel_queued (run);
          break;
        }
      for (guint i = start; i < MIN (queued->len, start + MAX_PARALLEL_SSH); i++)
        {
          YunJobRecordItem *item = g_ptr_array_index (queued, i);
          YunInstance *instance = g_hash_table_lookup (run->latest, item->instance_id);

          if (item->step != YUN_JOB_STEP_QUEUED || instance == NULL)
            continue;
          item->step = YUN_JOB_STEP_SENDING;
          item->attempts++;
          if (item->started_at == 0)
            item->started_at = now;
          mark_changed (run, item);
          g_ptr_array_add (wave, item);
          g_ptr_array_add (calls, ssh_call_new (run, item, instance));
        }
      /* Journaled before any connection: a crash from here on is resolved above. */
      if (!commit_changes (run, error))
        return FALSE;

      _yun_ssh_calls_run (calls, MAX_PARALLEL_SSH);

      for (guint i = 0; i < wave->len; i++)
        {
          YunJobRecordItem *item = g_ptr_array_index (wave, i);
          YunSshCall *call = g_ptr_array_index (calls, i);

          item->has_exit_code = call->has_exit_code;
          item->exit_code = call->exit_code;
          set_text (&item->output, call->output);
          if (call->succeeded)
            finish_item (run, item, YUN_JOB_OUTCOME_SUCCEEDED, NULL, NULL, NULL);
          else
            finish_item (run, item, YUN_JOB_OUTCOME_FAILED, NULL, call->code, call->message);
        }
      if (!commit_changes (run, error))
        return FALSE;
    }
  return commit_changes (run, error);
}

static char *
describe_plan (JobRun *run, YunJobRecordItem *item, YunInstance *instance)
{
  YunOsFamily os_family;

  switch (run->record->kind)
    {
    case YUN_JOB_KIND_RESET_PASSWORD:
      return g_strdup (g_str_equal (yun_instance_get_state (instance), "RUNNING")
                         /* Translators: what a dry run says a job would do to an instance. */
                         ? _ ("would be stopped, reset and started again")
                         : _ ("would be sent"));
    case YUN_JOB_KIND_RUN_COMMAND:
      os_family = command_os_of (run, item);
      /* Translators: a dry run of a command; the placeholders are the command type (SHELL or
       * POWERSHELL, kept as they are), the user it runs as and its working directory. */
      return g_strdup_printf (_ ("would run as %s, as %s in %s"),
                              os_family == YUN_OS_FAMILY_WINDOWS ? "POWERSHELL" : "SHELL",
                              command_user (run, os_family), command_directory (run, os_family));
    case YUN_JOB_KIND_SSH_EXEC:
    case YUN_JOB_KIND_SFTP_UPLOAD:
      /* Translators: a dry run over SSH; the placeholders are a user name, an IP address and
       * a port number. */
      return g_strdup_printf (_ ("would connect as %s to %s port %u"),
                              ssh_user (run, yun_instance_get_os_family (instance)),
                              yun_ssh_instance_get_address (instance), ssh_port (run));
    case YUN_JOB_KIND_START:
    case YUN_JOB_KIND_STOP:
    case YUN_JOB_KIND_REBOOT:
    case YUN_JOB_KIND_TERMINATE:
    case YUN_JOB_KIND_CREATE:
    default:
      return g_strdup (_ ("would be sent"));
    }
}

static char *
send_command (
  JobRun *run, const char *region, GPtrArray *chunk, char **invocation_id, GError **error)
{
  YunOsFamily os_family = command_os_of (run, g_ptr_array_index (chunk, 0));
  g_autoptr (YunCommandRequest) request = yun_command_request_new_from_bytes (run->command);
  g_autoptr (GPtrArray) ids = g_ptr_array_new ();
  g_autoptr (YunCommandResult) result = NULL;
  const char *name = command_param (run, "CommandName", NULL);
  json_object *timeout = NULL;

  for (guint i = 0; i < chunk->len; i++)
    g_ptr_array_add (ids, ((YunJobRecordItem *) chunk->pdata[i])->instance_id);
  g_ptr_array_add (ids, NULL);

  yun_command_request_set_command_type (request, os_family == YUN_OS_FAMILY_WINDOWS ? "POWERSHELL"
                                                                                    : "SHELL");
  yun_command_request_set_username (request, command_user (run, os_family));
  yun_command_request_set_working_directory (request, command_directory (run, os_family));
  if (name != NULL)
    yun_command_request_set_command_name (request, name);
  if (json_object_object_get_ex (run->record->params, "CommandTimeout", &timeout))
    yun_command_request_set_timeout (request, (guint) json_object_get_int64 (timeout));

  result = yun_client_run_command (run->engine->client, region, request,
                                   (const char *const *) ids->pdata, NULL, error);
  if (result == NULL)
    return NULL;
  *invocation_id = g_strdup (result->invocation_id);
  return g_strdup (result->request_id);
}

/* What the task's end says: its error information, else its status. */
static const char *
status_message (YunInvocationTask *task)
{
  const char *info = yun_invocation_task_get_error_info (task);

  return info != NULL ? info : yun_invocation_task_get_status (task);
}

/* The tasks of the followed items' invocations. */
static gboolean
follow_commands (JobRun *run, GPtrArray *waiting, gint64 now, GError **error)
{
  g_autoptr (GHashTable) invocations = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer key, value;

  for (guint i = 0; i < waiting->len; i++)
    {
      YunJobRecordItem *item = g_ptr_array_index (waiting, i);

      g_hash_table_insert (invocations, item->invocation_id, item->region);
    }

  g_hash_table_iter_init (&iter, invocations);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_autoptr (GPtrArray) tasks
        = yun_client_describe_invocation_tasks (run->engine->client, value, key, NULL, NULL, error);
      g_autoptr (GHashTable) by_instance = g_hash_table_new (g_str_hash, g_str_equal);

      if (tasks == NULL)
        return FALSE;
      for (guint i = 0; i < tasks->len; i++)
        g_hash_table_insert (by_instance,
                             (gpointer) yun_invocation_task_get_instance_id (tasks->pdata[i]),
                             tasks->pdata[i]);

      for (guint i = 0; i < waiting->len; i++)
        {
          YunJobRecordItem *item = g_ptr_array_index (waiting, i);
          YunInvocationTask *task = g_hash_table_lookup (by_instance, item->instance_id);
          const char *status = task != NULL ? yun_invocation_task_get_status (task) : NULL;

          if (g_strcmp0 (item->invocation_id, key) != 0)
            continue;
          if (task == NULL || !yun_invocation_task_get_terminal (task))
            {
              if (now - item->started_at > (gint64) run->timeout)
                finish_item (run, item, YUN_JOB_OUTCOME_FAILED, _ ("timed out"), "Timeout",
                             status != NULL ? status : _ ("the task was never listed"));
              continue;
            }

          /* A task that never started has no exit code, whatever the API puts there. */
          item->has_exit_code = g_str_equal (status, "SUCCESS") || g_str_equal (status, "FAILED")
                                || g_str_equal (status, "TIMEOUT")
                                || g_str_equal (status, "TERMINATED");
          item->exit_code = yun_invocation_task_get_exit_code (task);
          g_free (item->output);
          item->output = yun_invocation_task_dup_output_text (task);
          if (g_str_equal (status, "SUCCESS"))
            finish_item (run, item, YUN_JOB_OUTCOME_SUCCEEDED, NULL, NULL, NULL);
          /* Stopped by the user's Cancel (CancelInvocation): not a failure to retry. */
          else if (cancelled (run)
                   && (g_str_equal (status, "CANCELLED") || g_str_equal (status, "TERMINATED")))
            finish_item (run, item, YUN_JOB_OUTCOME_CANCELLED, _ ("cancelled while it ran"),
                         status, status_message (task));
          else
            finish_item (run, item, YUN_JOB_OUTCOME_FAILED, NULL, status, status_message (task));
        }
    }
  return commit_changes (run, error);
}

/* Cancelling a run-command job also stops the tasks already sent (CancelInvocation). */
static void
cancel_commands (JobRun *run, GPtrArray *waiting)
{
  for (guint i = 0; i < waiting->len; i++)
    {
      YunJobRecordItem *item = g_ptr_array_index (waiting, i);
      g_autoptr (GError) error = NULL;
      g_autofree char *request_id = NULL;

      if (g_hash_table_contains (run->cancelled_invocations, item->invocation_id))
        continue;
      g_hash_table_add (run->cancelled_invocations, g_strdup (item->invocation_id));
      request_id = yun_client_cancel_invocation (run->engine->client, item->region,
                                                 item->invocation_id, NULL, NULL, &error);
      if (request_id == NULL)
        g_debug ("CancelInvocation %s: %s", item->invocation_id, error->message);
    }
}

/* Judges every queued item against the instance as it is now. */
static gboolean
prefilter (JobRun *run, GError **error)
{
  g_autoptr (GPtrArray) queued = items_at (run, YUN_JOB_STEP_QUEUED);
  g_autoptr (GPtrArray) protected_ids = NULL;

  if (run->record->kind == YUN_JOB_KIND_CREATE)
    return run->record->dry_run ? dry_run_create (run, queued, error) : TRUE;
  if (queued->len == 0)
    return TRUE;
  /* Read before each judgement: a mark set while the job waited counts. */
  protected_ids = yun_cache_dup_protected (run->engine->cache, run->engine->account, error);
  if (protected_ids == NULL)
    return FALSE;
  g_hash_table_remove_all (run->protected_ids);
  for (guint i = 0; i < protected_ids->len; i++)
    g_hash_table_add (run->protected_ids, g_strdup (protected_ids->pdata[i]));
  if (!read_instances (run, queued, error))
    return FALSE;

  if (run->record->kind == YUN_JOB_KIND_RUN_COMMAND && !read_agents (run, queued, error))
    return FALSE;

  for (guint i = 0; i < queued->len; i++)
    {
      YunJobRecordItem *item = g_ptr_array_index (queued, i);
      YunInstance *instance = g_hash_table_lookup (run->latest, item->instance_id);
      g_autofree char *reason = NULL;

      if (instance == NULL)
        {
          /* Translators: %s is a region ID such as ap-guangzhou. */
          g_autofree char *why = g_strdup_printf (_ ("not found in %s"), item->region);

          /* Gone is what terminate wants; for anything else the instance could not be
           * acted on, and a script given a wrong ID must not read success. */
          if (run->record->kind == YUN_JOB_KIND_TERMINATE)
            finish_item (run, item, YUN_JOB_OUTCOME_SKIPPED, why, NULL, NULL);
          else
            finish_item (run, item, YUN_JOB_OUTCOME_FAILED, NULL, "InvalidInstanceId.NotFound",
                         why);
          continue;
        }
      set_text (&item->name, yun_instance_get_name (instance));
      set_text (&item->source_state, yun_instance_get_state (instance));
      if (judge (run, instance, &reason) == VERDICT_SKIP
          || (run->record->kind == YUN_JOB_KIND_RUN_COMMAND
              && !command_eligible (run, item, instance, &reason)))
        finish_item (run, item, YUN_JOB_OUTCOME_SKIPPED, reason, NULL, NULL);
      else if (run->record->dry_run)
        {
          item->outcome = YUN_JOB_OUTCOME_WOULD_SEND;
          g_autofree char *plan = describe_plan (run, item, instance);

          set_text (&item->reason, plan);
          item->step = YUN_JOB_STEP_DONE;
        }
      mark_changed (run, item);
    }
  return commit_changes (run, error);
}

/* ---- Sending ---- */

static char *
send_chunk (JobRun *run, YunJobStep step, const char *region, GPtrArray *chunk, GError **error)
{
  g_autoptr (GPtrArray) ids = g_ptr_array_new ();
  YunClient *client = run->engine->client;
  const char *const *id_list;
  gboolean force_stop = FALSE;

  for (guint i = 0; i < chunk->len; i++)
    {
      YunJobRecordItem *item = g_ptr_array_index (chunk, i);

      g_ptr_array_add (ids, item->instance_id);
      force_stop |= g_strcmp0 (item->source_state, "RUNNING") == 0;
    }
  g_ptr_array_add (ids, NULL);
  id_list = (const char *const *) ids->pdata;

  if (step == YUN_JOB_STEP_RESTART_QUEUED)
    return yun_client_start_instances (client, region, id_list, NULL, error);

  switch (run->record->kind)
    {
    case YUN_JOB_KIND_START:
      return yun_client_start_instances (client, region, id_list, NULL, error);
    case YUN_JOB_KIND_STOP:
      return yun_client_stop_instances (client, region, id_list, run->stop_type, run->stopped_mode,
                                        NULL, error);
    case YUN_JOB_KIND_REBOOT:
      return yun_client_reboot_instances (client, region, id_list, run->stop_type, NULL, error);
    case YUN_JOB_KIND_TERMINATE:
      return yun_client_terminate_instances (client, region, id_list, NULL, error);
    case YUN_JOB_KIND_RESET_PASSWORD:
      {
        YunInstance *first = g_hash_table_lookup (run->latest, id_list[0]);
        YunOsFamily os_family
          = first != NULL ? yun_instance_get_os_family (first) : YUN_OS_FAMILY_UNKNOWN;

        return yun_client_reset_instances_password (client, region, id_list, run->password,
                                                    run->username, os_family, force_stop, NULL,
                                                    error);
      }
    case YUN_JOB_KIND_CREATE:
    case YUN_JOB_KIND_RUN_COMMAND:
    case YUN_JOB_KIND_SSH_EXEC:
    case YUN_JOB_KIND_SFTP_UPLOAD:
    default:
      g_assert_not_reached ();
    }
}

/* Whether @instance shows that this item's call, whose answer was lost, was applied. */
static gboolean
call_was_applied (JobRun *run, YunJobRecordItem *item, YunJobStep sending, YunInstance *instance)
{
  const char *latest = yun_instance_get_latest_operation_request_id (instance);

  return latest != NULL && g_strcmp0 (latest, item->before_request_id) != 0
         && g_strcmp0 (yun_instance_get_latest_operation (instance), action_of (run, sending)) == 0;
}

/* After a call whose outcome is unknown (or after a restart): each item of @items at step
 * @sending either got the call (it now waits for it) or did not (it is queued again). */
static gboolean
reconcile (JobRun *run, GPtrArray *items, YunJobStep sending, GError **error)
{
  YunJobStep queued
    = sending == YUN_JOB_STEP_SENDING ? YUN_JOB_STEP_QUEUED : YUN_JOB_STEP_RESTART_QUEUED;
  YunJobStep waiting
    = sending == YUN_JOB_STEP_SENDING ? YUN_JOB_STEP_WAITING : YUN_JOB_STEP_RESTART_WAITING;

  if (items->len == 0)
    return TRUE;
  if (run->record->kind == YUN_JOB_KIND_RUN_COMMAND)
    {
      g_autoptr (GError) interrupted = g_error_new_literal (
        YUN_ERROR, YUN_ERROR_NETWORK, _ ("YunDesk stopped while the command was being sent"));

      return command_not_sent (run, items, interrupted, error);
    }
  if (!read_instances (run, items, error))
    return FALSE;

  for (guint i = 0; i < items->len; i++)
    {
      YunJobRecordItem *item = g_ptr_array_index (items, i);
      YunInstance *instance = g_hash_table_lookup (run->latest, item->instance_id);

      if (run->record->kind == YUN_JOB_KIND_CREATE)
        item->step = item->instance_id != NULL ? waiting : queued;
      else if (instance == NULL && run->record->kind == YUN_JOB_KIND_TERMINATE)
        {
          item->step = waiting;
          g_debug ("%s: gone; the lost TerminateInstances was applied", item->instance_id);
        }
      else if (instance != NULL && call_was_applied (run, item, sending, instance))
        {
          item->step = waiting;
          set_text (&item->request_id, yun_instance_get_latest_operation_request_id (instance));
          g_debug ("%s: the lost %s was applied (%s)", item->instance_id, action_of (run, sending),
                   item->request_id);
        }
      else
        item->step = queued;
      mark_changed (run, item);
    }
  return commit_changes (run, error);
}

static gboolean
error_proves_not_applied (const GError *error)
{
  if (error->domain != YUN_ERROR)
    return FALSE;
  switch (error->code)
    {
    case YUN_ERROR_AUTHENTICATION:
    case YUN_ERROR_THROTTLED:
    case YUN_ERROR_NOT_FOUND:
    case YUN_ERROR_INVALID_PARAMETER:
    case YUN_ERROR_QUOTA:
    case YUN_ERROR_INVALID_STATE:
      return TRUE;
    default:
      /* InternalError, 5xx, a dropped connection, a timeout: it may have been applied. */
      return FALSE;
    }
}

/* The service refused a whole chunk because of some of its instances (one changed state
 * meanwhile, one is gone): judge each again and queue the eligible ones. */
static gboolean
rejudge (JobRun *run, GPtrArray *chunk, YunJobStep queued, const GError *refusal, GError **error)
{
  if (!read_instances (run, chunk, error))
    return FALSE;

  for (guint i = 0; i < chunk->len; i++)
    {
      YunJobRecordItem *item = g_ptr_array_index (chunk, i);
      YunInstance *instance = g_hash_table_lookup (run->latest, item->instance_id);
      g_autofree char *reason = NULL;

      if (instance == NULL)
        finish_item (run, item, YUN_JOB_OUTCOME_SKIPPED, _ ("no longer exists"), NULL, NULL);
      else if (item->attempts >= MAX_SEND_ATTEMPTS)
        fail_item_with_error (run, item, refusal);
      else if (queued == YUN_JOB_STEP_QUEUED
               && (judge (run, instance, &reason) == VERDICT_SKIP
                   || (run->record->kind == YUN_JOB_KIND_RUN_COMMAND
                       && !command_eligible (run, item, instance, &reason))))
        finish_item (run, item, YUN_JOB_OUTCOME_SKIPPED, reason, NULL, NULL);
      else
        {
          item->step = queued;
          mark_changed (run, item);
        }
    }
  return commit_changes (run, error);
}

typedef struct
{
  char *key;
  char *region;
  GPtrArray *items;
} Chunk;

static void
chunk_free (Chunk *chunk)
{
  g_free (chunk->key);
  g_free (chunk->region);
  g_ptr_array_unref (chunk->items);
  g_free (chunk);
}

/* Chunks of at most 100 items that one call can take: same region, and for terminate
 * the same charge type, for reset password the same need of ForceStop, for a command the
 * same OS. */
static GPtrArray *
make_chunks (JobRun *run, GPtrArray *items)
{
  /* One invocation per region and OS, of at most the instances RunCommand takes. */
  guint chunk_size
    = run->record->kind == YUN_JOB_KIND_RUN_COMMAND ? YUN_TAT_MAX_COMMAND_INSTANCE_IDS : CHUNK_SIZE;
  g_autoptr (GHashTable) open_chunks = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *chunks = g_ptr_array_new_with_free_func ((GDestroyNotify) chunk_free);

  for (guint i = 0; i < items->len; i++)
    {
      YunJobRecordItem *item = g_ptr_array_index (items, i);
      YunInstance *instance = g_hash_table_lookup (run->latest, item->instance_id);
      g_autofree char *key = NULL;
      Chunk *chunk;

      if (run->record->kind == YUN_JOB_KIND_TERMINATE && instance != NULL)
        key = g_strdup_printf ("%s/%s", item->region, yun_instance_get_charge_type (instance));
      else if (run->record->kind == YUN_JOB_KIND_RESET_PASSWORD)
        key = g_strdup_printf ("%s/%s", item->region, item->source_state);
      else if (run->record->kind == YUN_JOB_KIND_RUN_COMMAND)
        key = g_strdup_printf ("%s/%d", item->region, command_os_of (run, item));
      else
        key = g_strdup (item->region);

      chunk = g_hash_table_lookup (open_chunks, key);
      if (chunk == NULL || chunk->items->len == chunk_size)
        {
          chunk = g_new0 (Chunk, 1);
          chunk->key = g_strdup (key);
          chunk->region = g_strdup (item->region);
          chunk->items = g_ptr_array_new ();
          g_ptr_array_add (chunks, chunk);
          g_hash_table_replace (open_chunks, chunk->key, chunk);
        }
      g_ptr_array_add (chunk->items, item);
    }
  return chunks;
}

static gboolean
cancelled (JobRun *run)
{
  return g_atomic_int_get (&run->cancel_requested);
}

/* RunCommand has no ClientToken, and a script run twice may do harm: after a lost answer
 * the items fail with a clear message and nothing is sent again. A refusal from the
 * service (an agent gone offline, an instance stopped meanwhile) judges the items again. */
static gboolean
command_not_sent (JobRun *run, GPtrArray *items, const GError *call_error, GError **error)
{
  const char *code = call_error->domain == YUN_ERROR ? yun_error_get_code (call_error) : NULL;
  gboolean refused = code != NULL && !g_str_has_prefix (code, "InternalError");

  if (!refused)
    {
      g_autofree char *message = g_strdup_printf (
        /* Translators: RunCommand is the name of a Tencent Cloud API action; %s is the error
         * that lost the answer. */
        _ ("The command may have run: the answer to RunCommand was lost (%s). It was not sent "
           "again; look at the instance before running it again"),
        call_error->message);

      for (guint i = 0; i < items->len; i++)
        finish_item (run, g_ptr_array_index (items, i), YUN_JOB_OUTCOME_FAILED, NULL,
                     code != NULL ? code : "AnswerLost", message);
      return commit_changes (run, error);
    }
  if (call_error->code == YUN_ERROR_INVALID_PARAMETER
      || call_error->code == YUN_ERROR_AUTHENTICATION || call_error->code == YUN_ERROR_QUOTA)
    {
      for (guint i = 0; i < items->len; i++)
        fail_item_with_error (run, g_ptr_array_index (items, i), call_error);
      return commit_changes (run, error);
    }
  return read_agents (run, items, error)
         && rejudge (run, items, YUN_JOB_STEP_QUEUED, call_error, error);
}

/* Sends every item queued at @queued (the job's call, or the restart of a reset). */
static gboolean
send_queued (JobRun *run, YunJobStep queued, GError **error)
{
  YunJobStep sending
    = queued == YUN_JOB_STEP_QUEUED ? YUN_JOB_STEP_SENDING : YUN_JOB_STEP_RESTART_SENDING;
  YunJobStep waiting
    = queued == YUN_JOB_STEP_QUEUED ? YUN_JOB_STEP_WAITING : YUN_JOB_STEP_RESTART_WAITING;
  g_autoptr (GPtrArray) items = items_at (run, queued);
  g_autoptr (GPtrArray) chunks = NULL;

  if (items->len == 0)
    return TRUE;
  if (run->record->kind == YUN_JOB_KIND_CREATE)
    return send_create (run, error);

  if (queued == YUN_JOB_STEP_QUEUED
      && ((run->record->kind == YUN_JOB_KIND_RESET_PASSWORD && run->password == NULL)
          || (run->record->kind == YUN_JOB_KIND_RUN_COMMAND && run->command == NULL)))
    {
      g_autoptr (GError) lost = g_error_new_literal (
        YUN_ERROR, YUN_ERROR_INVALID_STATE,
        run->record->kind == YUN_JOB_KIND_RUN_COMMAND
          ? _ ("The secret command was not kept when YunDesk stopped (no secret store): run the "
               "job again for these instances")
          : _ ("The new password was not kept when YunDesk stopped (no secret store): run the "
               "job again for these instances"));

      for (guint i = 0; i < items->len; i++)
        fail_item_with_error (run, g_ptr_array_index (items, i), lost);
      return commit_changes (run, error);
    }

  chunks = make_chunks (run, items);

  for (guint c = 0; c < chunks->len; c++)
    {
      Chunk *chunk = g_ptr_array_index (chunks, c);
      g_autoptr (GError) call_error = NULL;
      g_autofree char *request_id = NULL;
      g_autofree char *invocation_id = NULL;
      gint64 now = g_get_real_time () / G_USEC_PER_SEC;

      /* A restart is never cancelled: it undoes a stop this job made. */
      if (queued == YUN_JOB_STEP_QUEUED && cancelled (run))
        return TRUE;

      for (guint i = 0; i < chunk->items->len; i++)
        {
          YunJobRecordItem *item = g_ptr_array_index (chunk->items, i);
          YunInstance *instance = g_hash_table_lookup (run->latest, item->instance_id);

          item->step = sending;
          item->attempts++;
          if (item->started_at == 0)
            item->started_at = now;
          set_text (&item->before_request_id,
                    instance != NULL ? yun_instance_get_latest_operation_request_id (instance)
                                     : NULL);
          mark_changed (run, item);
        }
      /* Journaled before the call: a crash from here on is resolved by reconcile(). */
      if (!commit_changes (run, error))
        return FALSE;

      if (run->record->kind == YUN_JOB_KIND_RUN_COMMAND)
        request_id = send_command (run, chunk->region, chunk->items, &invocation_id, &call_error);
      else
        request_id = send_chunk (run, queued, chunk->region, chunk->items, &call_error);
      if (request_id != NULL)
        {
          for (guint i = 0; i < chunk->items->len; i++)
            {
              YunJobRecordItem *item = g_ptr_array_index (chunk->items, i);

              item->step = waiting;
              set_text (&item->request_id, request_id);
              set_text (&item->invocation_id, invocation_id);
              mark_changed (run, item);
            }
          if (!commit_changes (run, error))
            return FALSE;
          continue;
        }

      g_debug ("%s in %s (%u instances): %s", action_of (run, queued), chunk->region,
               chunk->items->len, call_error->message);
      if (run->record->kind == YUN_JOB_KIND_RUN_COMMAND)
        {
          if (!command_not_sent (run, chunk->items, call_error, error))
            return FALSE;
        }
      else if (!error_proves_not_applied (call_error))
        {
          if (!reconcile (run, chunk->items, sending, error))
            return FALSE;
        }
      else if (call_error->code == YUN_ERROR_INVALID_STATE
               || call_error->code == YUN_ERROR_NOT_FOUND
               || call_error->code == YUN_ERROR_THROTTLED)
        {
          if (!rejudge (run, chunk->items, queued, call_error, error))
            return FALSE;
        }
      else
        {
          for (guint i = 0; i < chunk->items->len; i++)
            fail_item_with_error (run, g_ptr_array_index (chunk->items, i), call_error);
          if (!commit_changes (run, error))
            return FALSE;
        }

      /* Items queued again by a lost answer fail once they have had their attempts. */
      for (guint i = 0; i < chunk->items->len; i++)
        {
          YunJobRecordItem *item = g_ptr_array_index (chunk->items, i);

          if (item->step == queued && item->attempts >= MAX_SEND_ATTEMPTS)
            fail_item_with_error (run, item, call_error);
        }
      if (!commit_changes (run, error))
        return FALSE;
    }
  return TRUE;
}

/* ---- Following ---- */

/* What a followed instance tells about its item. */
static void
follow_item (JobRun *run, YunJobRecordItem *item, YunInstance *instance, gint64 now)
{
  gboolean restart = item->step == YUN_JOB_STEP_RESTART_WAITING;
  const char *state = instance != NULL ? yun_instance_get_state (instance) : NULL;
  gboolean ours
    = instance != NULL
      && g_strcmp0 (yun_instance_get_latest_operation_request_id (instance), item->request_id) == 0;
  const char *operation_state = ours ? yun_instance_get_latest_operation_state (instance) : NULL;
  YunJobKind kind = restart ? YUN_JOB_KIND_START : run->record->kind;
  gboolean settled = instance != NULL && !yun_instance_is_transitional (instance);
  gboolean reached = FALSE;

  if (instance == NULL && kind == YUN_JOB_KIND_CREATE
      && now - item->started_at <= (gint64) run->timeout)
    return; /* a new instance is listed a moment after RunInstances answers */
  if (instance != NULL && kind == YUN_JOB_KIND_CREATE && g_str_equal (state, "LAUNCH_FAILED"))
    {
      set_text (&item->name, yun_instance_get_name (instance));
      finish_item (run, item, YUN_JOB_OUTCOME_FAILED, _ ("launch failed"), "LAUNCH_FAILED",
                   yun_instance_get_latest_operation_error (instance));
      return;
    }
  if (instance != NULL && kind == YUN_JOB_KIND_CREATE)
    set_text (&item->name, yun_instance_get_name (instance));

  if (instance == NULL)
    {
      if (kind == YUN_JOB_KIND_TERMINATE)
        finish_item (run, item, YUN_JOB_OUTCOME_SUCCEEDED, C_ ("job item", "terminated"), NULL,
                     NULL);
      else
        finish_item (run, item, YUN_JOB_OUTCOME_FAILED, _ ("the instance no longer exists"), NULL,
                     NULL);
      return;
    }

  if (g_strcmp0 (operation_state, "FAILED") == 0)
    {
      const char *message = yun_instance_get_latest_operation_error (instance);

      /* A failed reset may still have stopped the instance: it is started again, and the
       * item reports the failure after that. */
      if (kind == YUN_JOB_KIND_RESET_PASSWORD && g_strcmp0 (item->source_state, "RUNNING") == 0
          && g_str_equal (state, "STOPPED"))
        {
          set_text (&item->code, "OperationFailed");
          set_text (&item->message, message);
          item->step = YUN_JOB_STEP_RESTART_QUEUED;
          mark_changed (run, item);
          return;
        }
      finish_item (run, item, YUN_JOB_OUTCOME_FAILED, NULL, "OperationFailed",
                   message != NULL ? message : _ ("The operation failed"));
      return;
    }

  switch (kind)
    {
    case YUN_JOB_KIND_START:
      reached = settled && g_str_equal (state, "RUNNING");
      break;
    case YUN_JOB_KIND_STOP:
      reached = settled && g_str_equal (state, "STOPPED");
      break;
    case YUN_JOB_KIND_REBOOT:
      reached = settled && g_str_equal (state, "RUNNING")
                && (ours ? g_strcmp0 (operation_state, "SUCCESS") == 0 : TRUE);
      break;
    case YUN_JOB_KIND_TERMINATE:
      reached = settled && g_str_equal (state, "SHUTDOWN");
      break;
    case YUN_JOB_KIND_RESET_PASSWORD:
      reached = settled && g_str_equal (state, "STOPPED") && ours
                && g_strcmp0 (operation_state, "SUCCESS") == 0;
      break;
    case YUN_JOB_KIND_CREATE:
    case YUN_JOB_KIND_RUN_COMMAND:
    case YUN_JOB_KIND_SSH_EXEC:
    case YUN_JOB_KIND_SFTP_UPLOAD:
    default:
      reached = settled && g_str_equal (state, "RUNNING");
      break;
    }

  if (reached && run->record->kind == YUN_JOB_KIND_RESET_PASSWORD && !restart
      && g_strcmp0 (item->source_state, "RUNNING") == 0)
    {
      item->step = YUN_JOB_STEP_RESTART_QUEUED;
      mark_changed (run, item);
    }
  else if (reached && restart && item->code != NULL)
    finish_item (run, item, YUN_JOB_OUTCOME_FAILED,
                 _ ("started again; the password was not changed"), NULL, NULL);
  else if (reached)
    finish_item (run, item, YUN_JOB_OUTCOME_SUCCEEDED,
                 kind == YUN_JOB_KIND_TERMINATE ? _ ("in the recycle bin") : NULL, NULL, NULL);
  else if (now - item->started_at > (gint64) run->timeout)
    {
      /* Translators: %s is the instance's state as Tencent Cloud names it (STOPPING…), %u a
       * number of seconds. */
      g_autofree char *message = g_strdup_printf (_ ("Still %s after %u s"), state, run->timeout);

      finish_item (run, item, YUN_JOB_OUTCOME_FAILED, _ ("timed out"), "Timeout", message);
    }
}

static gboolean
follow_waiting (JobRun *run, GError **error)
{
  g_autoptr (GPtrArray) waiting = items_at (run, YUN_JOB_STEP_WAITING);
  g_autoptr (GPtrArray) restarting = items_at (run, YUN_JOB_STEP_RESTART_WAITING);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_ptr_array_extend (waiting, restarting, NULL, NULL);
  if (waiting->len == 0)
    return TRUE;
  if (run->record->kind == YUN_JOB_KIND_RUN_COMMAND)
    {
      if (cancelled (run))
        cancel_commands (run, waiting);
      return follow_commands (run, waiting, now, error);
    }
  if (!read_instances (run, waiting, error))
    return FALSE;
  for (guint i = 0; i < waiting->len; i++)
    {
      YunJobRecordItem *item = g_ptr_array_index (waiting, i);

      follow_item (run, item, g_hash_table_lookup (run->latest, item->instance_id), now);
    }
  return commit_changes (run, error);
}

static guint
count_steps (JobRun *run, YunJobStep step)
{
  guint n = 0;

  for (guint i = 0; i < run->record->items->len; i++)
    n += ((YunJobRecordItem *) run->record->items->pdata[i])->step == step;
  return n;
}

static void
cancel_queued (JobRun *run)
{
  for (guint i = 0; i < run->record->items->len; i++)
    {
      YunJobRecordItem *item = g_ptr_array_index (run->record->items, i);

      if (item->step == YUN_JOB_STEP_QUEUED)
        finish_item (run, item, YUN_JOB_OUTCOME_CANCELLED, _ ("cancelled before it was sent"), NULL,
                     NULL);
    }
}

/* The job cannot go on (the journal or the network is gone for good): every item fails
 * with @error but the restarts of a reset, which stay in the journal for the next
 * yun_job_engine_resume(). Returns whether any is left. */
static gboolean
abandon (JobRun *run, const GError *error)
{
  gboolean left = FALSE;

  for (guint i = 0; i < run->record->items->len; i++)
    {
      YunJobRecordItem *item = g_ptr_array_index (run->record->items, i);

      if (item->step == YUN_JOB_STEP_RESTART_QUEUED || item->step == YUN_JOB_STEP_RESTART_SENDING
          || item->step == YUN_JOB_STEP_RESTART_WAITING)
        left = TRUE;
      else if (item->step != YUN_JOB_STEP_DONE)
        fail_item_with_error (run, item, error);
    }
  return left;
}

static gboolean
drive (JobRun *run, GError **error)
{
  g_autoptr (GPtrArray) sending = items_at (run, YUN_JOB_STEP_SENDING);
  g_autoptr (GPtrArray) restart_sending = items_at (run, YUN_JOB_STEP_RESTART_SENDING);
  guint failures_in_a_row = 0;

  if (is_ssh_kind (run->record->kind))
    return drive_ssh (run, error);

  /* A job resumed after a crash: the calls that may have gone out are checked first. */
  if (!reconcile (run, sending, YUN_JOB_STEP_SENDING, error)
      || !reconcile (run, restart_sending, YUN_JOB_STEP_RESTART_SENDING, error))
    return FALSE;
  if (cancelled (run))
    cancel_queued (run);
  if (!prefilter (run, error))
    return FALSE;
  if (run->record->dry_run)
    return TRUE;

  while (count_steps (run, YUN_JOB_STEP_DONE) < run->record->items->len)
    {
      g_autoptr (GError) local_error = NULL;
      gint64 next_poll = g_get_monotonic_time () + run->engine->poll_interval * 1000;

      if (cancelled (run))
        cancel_queued (run);
      if (!send_queued (run, YUN_JOB_STEP_QUEUED, &local_error)
          || !send_queued (run, YUN_JOB_STEP_RESTART_QUEUED, &local_error))
        goto failed;
      if (count_steps (run, YUN_JOB_STEP_WAITING) + count_steps (run, YUN_JOB_STEP_RESTART_WAITING)
          > 0)
        {
          _yun_wait_until (next_poll, NULL);
          if (!follow_waiting (run, &local_error))
            goto failed;
        }
      failures_in_a_row = 0;
      continue;

    failed:
      /* The client retries what it safely can; a read that still fails is waited out a
       * few times before the job gives up on the items it has left. */
      if (local_error->domain == YUN_ERROR && local_error->code == YUN_ERROR_STORAGE)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (++failures_in_a_row >= MAX_SEND_ATTEMPTS)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      g_debug ("job %" G_GINT64_FORMAT ": %s; trying again", run->record->id, local_error->message);
      _yun_wait_until (g_get_monotonic_time () + (gint64) failures_in_a_row * G_USEC_PER_SEC, NULL);
    }
  return TRUE;
}

static gboolean
needs_password (JobRun *run)
{
  return run->record->kind == YUN_JOB_KIND_RESET_PASSWORD
         || (run->record->kind == YUN_JOB_KIND_CREATE
             && json_object_object_get_ex (run->record->params, "HasPassword", NULL))
         || (run->record->kind == YUN_JOB_KIND_RUN_COMMAND
             && json_object_object_get_ex (run->record->params, "CommandSecret", NULL))
         || (is_ssh_kind (run->record->kind)
             && json_object_object_get_ex (run->record->params, "HasPassword", NULL));
}

/* Where a job's password (or secret command) is kept: under the key its params name, which
 * yun_job_engine_submit() made up before the journal had the job; journals of older versions
 * used the job's ID. */
static char *
dup_password_key (JobRun *run)
{
  json_object *key = NULL;

  if (json_object_object_get_ex (run->record->params, "SecretStoreKey", &key))
    return g_strdup (json_object_get_string (key));
  return g_strdup_printf ("%" G_GINT64_FORMAT, run->record->id);
}

/* A resumed job takes its password back from the secret store, where submit put it before the
 * job's first journal line. Worker thread. */
static void
recover_password (JobRun *run)
{
  YunSecretStore *secrets = run->engine->secrets;
  g_autofree char *key = NULL;
  g_autoptr (GError) error = NULL;

  if (secrets == NULL || run->password != NULL || run->record->dry_run || !needs_password (run))
    return;
  key = dup_password_key (run);
  run->password = yun_secret_store_lookup (secrets, YUN_SECRET_JOB_PASSWORD, run->engine->account,
                                           key, NULL, &error);
  if (error != NULL)
    g_warning ("Job %" G_GINT64_FORMAT ": %s", run->record->id, error->message);
  /* A secret command is kept as its base64 text. */
  if (run->password != NULL && run->record->kind == YUN_JOB_KIND_RUN_COMMAND)
    {
      gsize length = 0;
      guchar *script = g_base64_decode (run->password, &length);

      g_clear_pointer (&run->command, g_bytes_unref);
      run->command = g_bytes_new_take (script, length);
    }
}

/* The user asked to keep the password of each instance that got it. */
static void
remember_passwords (JobRun *run)
{
  YunSecretStore *secrets = run->engine->secrets;

  if (secrets == NULL || run->password == NULL || run->record->dry_run
      || !json_object_object_get_ex (run->record->params, "RememberPassword", NULL))
    return;
  for (guint i = 0; i < run->record->items->len; i++)
    {
      YunJobRecordItem *item = g_ptr_array_index (run->record->items, i);
      g_autoptr (GError) error = NULL;

      if (item->outcome == YUN_JOB_OUTCOME_SUCCEEDED
          && !yun_secret_store_store (secrets, YUN_SECRET_INSTANCE_PASSWORD, run->engine->account,
                                      item->instance_id, run->password, NULL, &error))
        g_warning ("%s: the password could not be remembered: %s", item->instance_id,
                   error->message);
    }
}

static void
forget_password (JobRun *run)
{
  YunSecretStore *secrets = run->engine->secrets;
  g_autofree char *key = NULL;
  g_autoptr (GError) error = NULL;

  if (secrets == NULL || run->record->dry_run || !needs_password (run))
    return;
  key = dup_password_key (run);
  if (!yun_secret_store_clear (secrets, YUN_SECRET_JOB_PASSWORD, run->engine->account, key, NULL,
                               &error))
    g_warning ("Job %" G_GINT64_FORMAT ": %s", run->record->id, error->message);
}

static void
run_job (gpointer data, gpointer user_data)
{
  JobRun *run = data;
  g_autoptr (GError) error = NULL;

  recover_password (run);
  if (!drive (run, &error))
    {
      g_warning ("Job %" G_GINT64_FORMAT " (%s) stopped: %s", run->record->id,
                 yun_job_kind_to_string (run->record->kind), error->message);
      if (abandon (run, error))
        {
          /* Instances this job stopped must be started again: it stays unfinished. */
          g_clear_error (&error);
          if (!commit_changes (run, &error))
            g_warning ("Job %" G_GINT64_FORMAT ": %s", run->record->id, error->message);
          post (run, TRUE);
          return;
        }
    }

  run->record->finished = TRUE;
  run->record->finished_at = g_get_real_time () / G_USEC_PER_SEC;
  g_clear_error (&error);
  if (!run->record->dry_run && !_yun_journal_finish (run->engine->cache, run->record, &error))
    g_warning ("Job %" G_GINT64_FORMAT ": %s", run->record->id, error->message);
  else
    {
      remember_passwords (run);
      forget_password (run);
    }
  post (run, TRUE);
}

/* ---- Submitting, resuming ---- */

static void
cancel_run (YunJob *job, gpointer user_data)
{
  JobRun *run = user_data;
  g_autoptr (GError) error = NULL;

  g_atomic_int_set (&run->cancel_requested, TRUE);
  g_cancellable_cancel (run->cancellable);
  if (!yun_job_get_dry_run (job)
      && !_yun_journal_request_cancel (run->engine->cache, yun_job_get_id (job), &error))
    g_warning ("%s", error->message);
}

static JobRun *
job_run_new (YunJobEngine *self, YunJobRecord *record)
{
  JobRun *run = g_new0 (JobRun, 1);
  json_object *value = NULL;

  run->engine = g_object_ref (self);
  run->record = record;
  run->latest
    = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_object_unref);
  run->changed = g_ptr_array_new ();
  run->cancellable = g_cancellable_new ();
  run->command_os = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  run->cancelled_invocations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  run->protected_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  run->timeout = DEFAULT_TIMEOUT_S;
  run->cancel_requested = record->cancel_requested;
  if (json_object_object_get_ex (record->params, "StopType", &value))
    run->stop_type = g_strdup (json_object_get_string (value));
  if (json_object_object_get_ex (record->params, "StoppedMode", &value))
    run->stopped_mode = g_strdup (json_object_get_string (value));
  if (json_object_object_get_ex (record->params, "UserName", &value))
    run->username = g_strdup (json_object_get_string (value));
  if (json_object_object_get_ex (record->params, "Timeout", &value))
    run->timeout = (guint) json_object_get_int64 (value);
  if (json_object_object_get_ex (record->params, "Region", &value))
    run->create_region = g_strdup (json_object_get_string (value));
  if (json_object_object_get_ex (record->params, "Request", &value))
    run->create_request = _yun_run_instances_request_new_from_json (value, NULL);
  if (json_object_object_get_ex (record->params, "Command", &value))
    {
      gsize length = 0;
      guchar *script = g_base64_decode (json_object_get_string (value), &length);

      run->command = g_bytes_new_take (script, length);
    }
  if (json_object_object_get_ex (record->params, "CommandTimeout", &value))
    run->timeout = MAX (run->timeout, (guint) json_object_get_int64 (value) + COMMAND_MARGIN_S);
  return run;
}

static void
start_run (YunJobEngine *self, JobRun *run)
{
  run->job = _yun_job_new_from_record (run->record);
  g_list_store_insert (self->jobs, 0, run->job);
  g_hash_table_insert (self->job_runs, run->job, run);
  _yun_job_set_cancel_func (run->job, cancel_run, run);
  g_thread_pool_push (self->pool, run, NULL);
}

static gboolean
check_spec (YunJobSpec *spec, GError **error)
{
  if (spec->kind == YUN_JOB_KIND_CREATE)
    {
      YunRunInstancesRequest *request = spec->create_request;

      if (request == NULL || spec->create_region == NULL)
        {
          g_set_error_literal (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                               _ ("A create job needs a region and a request"));
          return FALSE;
        }
      if (request->count < 1 || request->count > YUN_JOB_MAX_CREATE_COUNT)
        {
          g_set_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                       _ ("A create job makes 1 to %u instances, not %u"), YUN_JOB_MAX_CREATE_COUNT,
                       request->count);
          return FALSE;
        }
      return _yun_check_region (spec->create_region, error)
             && (request->password == NULL
                 || yun_password_check (request->password, request->os_family,
                                        YUN_PASSWORD_CONTEXT_CREATE, NULL, error));
    }
  if (spec->instance_ids->len == 0)
    {
      g_set_error_literal (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                           _ ("The job names no instance"));
      return FALSE;
    }
  if ((spec->kind == YUN_JOB_KIND_RUN_COMMAND || spec->kind == YUN_JOB_KIND_SSH_EXEC)
      && spec->command == NULL)
    {
      g_set_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                   /* Translators: %s is the kind of job as yunctl names it (run-command,
                    * ssh-exec). */
                   _ ("A %s job needs the command"), yun_job_kind_to_string (spec->kind));
      return FALSE;
    }
  /* The secret store keeps one secret per job: for SSH that is the login password. */
  if (spec->kind == YUN_JOB_KIND_SSH_EXEC && spec->command_secret)
    {
      g_set_error_literal (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                           _ ("An ssh-exec job cannot keep its command secret: its journal holds "
                              "the command"));
      return FALSE;
    }
  if (spec->kind == YUN_JOB_KIND_SFTP_UPLOAD && spec->upload_local == NULL)
    {
      g_set_error_literal (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                           _ ("An sftp-upload job needs the file and where it goes"));
      return FALSE;
    }
  for (guint i = 0; i < spec->instance_ids->len; i++)
    if (!_yun_check_instance_id (spec->instance_ids->pdata[i], FALSE, error)
        || !_yun_check_region (spec->regions->pdata[i], error))
      return FALSE;
  if (spec->kind == YUN_JOB_KIND_RESET_PASSWORD)
    {
      /* Checked against the strictest rule an instance of the job could need: one
       * refused password would fail a whole chunk. */
      if (spec->password == NULL)
        {
          g_set_error_literal (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                               _ ("A reset-password job needs the new password"));
          return FALSE;
        }
      if (!yun_password_check (spec->password, YUN_OS_FAMILY_UNKNOWN, YUN_PASSWORD_CONTEXT_RESET,
                               spec->username, error))
        return FALSE;
    }
  return TRUE;
}

/* A job's password, or its secret command, goes to the secret store before the journal has
 * the job, so that from the job's first line on a restarted YunDesk can finish it: under a
 * key of its own, since the job has no ID yet. Without a store, or if it fails, the job still
 * runs, but a restart cannot send what it had not sent. */
static void
keep_secret (YunJobEngine *self, YunJobRecord *record, const char *secret)
{
  g_autofree char *key = g_uuid_string_random ();
  g_autoptr (GError) error = NULL;

  if (self->secrets == NULL)
    return;
  if (!yun_secret_store_store (self->secrets, YUN_SECRET_JOB_PASSWORD, self->account, key, secret,
                               NULL, &error))
    {
      g_warning ("The job's password could not be kept for a restart: %s", error->message);
      return;
    }
  json_object_object_add (record->params, "SecretStoreKey", json_object_new_string (key));
}

static void
forget_secret (YunJobEngine *self, YunJobRecord *record)
{
  json_object *key = NULL;

  if (self->secrets != NULL && json_object_object_get_ex (record->params, "SecretStoreKey", &key))
    yun_secret_store_clear (self->secrets, YUN_SECRET_JOB_PASSWORD, self->account,
                            json_object_get_string (key), NULL, NULL);
}

/* One item per instance to create; each chunk of 100 gets its ClientToken now, before
 * anything is sent, so that no retry and no restart can create a chunk twice. */
static void
add_create_items (YunJobRecord *record, YunJobSpec *spec)
{
  g_autofree char *token = NULL;
  json_object *params = record->params;

  json_object_object_add (params, "Region", json_object_new_string (spec->create_region));
  json_object_object_add (params, "Request",
                          _yun_run_instances_request_to_json (spec->create_request));
  if (spec->create_request->password != NULL)
    json_object_object_add (params, "HasPassword", json_object_new_boolean (TRUE));
  for (guint i = 0; i < spec->create_request->count; i++)
    {
      YunJobRecordItem *item = g_new0 (YunJobRecordItem, 1);

      if (i % CHUNK_SIZE == 0)
        {
          g_free (token);
          token = g_uuid_string_random ();
        }
      item->index = i;
      item->region = g_strdup (spec->create_region);
      item->client_token = g_strdup (token);
      g_ptr_array_add (record->items, item);
    }
}

/**
 * yun_job_engine_submit:
 * @self: a #YunJobEngine
 * @spec: what to do
 * @error: return location for a #GError
 *
 * Checks @spec, journals the job with one item per instance, and starts it on a worker.
 * With yun_job_spec_set_dry_run(), nothing is journaled or sent: the job's items tell what
 * would be sent and what would be skipped, and why.
 *
 * Returns: (transfer none): the job, or %NULL if @spec was refused or the journal could not
 *   be written
 */
YunJob *
yun_job_engine_submit (YunJobEngine *self, YunJobSpec *spec, GError **error)
{
  g_autoptr (YunJobRecord) record = NULL;
  g_autoptr (YunSecret) secret = NULL;
  JobRun *run;

  g_return_val_if_fail (YUN_IS_JOB_ENGINE (self), NULL);
  g_return_val_if_fail (spec != NULL, NULL);

  if (!check_client (self, error) || !check_spec (spec, error))
    return NULL;

  record = _yun_job_record_new (spec->kind);
  record->params = _yun_job_spec_params_to_json (spec);
  record->dry_run = spec->dry_run;
  record->created_at = g_get_real_time () / G_USEC_PER_SEC;
  if (spec->kind == YUN_JOB_KIND_CREATE)
    add_create_items (record, spec);
  for (guint i = 0; i < spec->instance_ids->len; i++)
    {
      YunJobRecordItem *item = g_new0 (YunJobRecordItem, 1);

      item->index = i;
      item->instance_id = g_strdup (spec->instance_ids->pdata[i]);
      item->region = g_strdup (spec->regions->pdata[i]);
      g_ptr_array_add (record->items, item);
    }
  if (spec->command_secret)
    {
      gsize length = 0;
      const guchar *script = g_bytes_get_data (spec->command, &length);

      secret = g_base64_encode (script, length);
    }
  else
    secret = g_strdup (spec->kind == YUN_JOB_KIND_CREATE ? spec->create_request->password
                                                         : spec->password);
  if (!record->dry_run && secret != NULL)
    keep_secret (self, record, secret);
  if (!record->dry_run && !_yun_journal_create (self->cache, self->account, record, error))
    {
      forget_secret (self, record);
      return NULL;
    }

  run = job_run_new (self, g_steal_pointer (&record));
  run->password = g_steal_pointer (&secret);
  if (spec->command != NULL)
    {
      /* The spec's own bytes, rather than those job_run_new() decoded from the journal. */
      g_clear_pointer (&run->command, g_bytes_unref);
      run->command = g_bytes_ref (spec->command);
      if (spec->kind == YUN_JOB_KIND_RUN_COMMAND && !spec->command_secret && !spec->dry_run)
        _yun_journal_remember_command (self->cache, self->account, run->record->params);
    }
  start_run (self, run);
  return run->job;
}

/**
 * yun_job_engine_dup_recent_commands:
 * @self: a #YunJobEngine
 * @limit: at most this many
 * @error: return location for a #GError
 *
 * The commands run lately (never one marked secret), the most recent first, as
 * run-command specifications with their settings: add instances and submit one to run it
 * again.
 *
 * Returns: (transfer full) (element-type YunJobSpec): the commands, or %NULL on error
 */
GPtrArray *
yun_job_engine_dup_recent_commands (YunJobEngine *self, guint limit, GError **error)
{
  g_autoptr (GPtrArray) params = NULL;
  g_autoptr (GPtrArray) specs
    = g_ptr_array_new_with_free_func ((GDestroyNotify) yun_job_spec_unref);

  g_return_val_if_fail (YUN_IS_JOB_ENGINE (self), NULL);

  params = _yun_journal_load_recent_commands (self->cache, self->account, limit, error);
  if (params == NULL)
    return NULL;
  for (guint i = 0; i < params->len; i++)
    {
      json_object *command = g_ptr_array_index (params, i);
      YunJobSpec *spec = yun_job_spec_new (YUN_JOB_KIND_RUN_COMMAND);
      json_object *value = NULL;
      g_autoptr (GBytes) content = NULL;
      guint timeout = 0;
      gsize length = 0;
      guchar *script;

      json_object_object_get_ex (command, "Command", &value);
      script = g_base64_decode (json_object_get_string (value), &length);
      content = g_bytes_new_take (script, length);
      if (json_object_object_get_ex (command, "CommandTimeout", &value))
        timeout = (guint) json_object_get_int64 (value);
      /* It was checked when it was first run. */
      yun_job_spec_set_command (spec, content, timeout, NULL);
      if (json_object_object_get_ex (command, "CommandName", &value))
        yun_job_spec_set_command_name (spec, json_object_get_string (value));
      for (YunOsFamily os = YUN_OS_FAMILY_LINUX; os <= YUN_OS_FAMILY_WINDOWS; os++)
        {
          const char *prefix = os == YUN_OS_FAMILY_LINUX ? "Linux" : "Windows";
          g_autofree char *user_key = g_strconcat (prefix, "User", NULL);
          g_autofree char *directory_key = g_strconcat (prefix, "Directory", NULL);
          json_object *user = NULL;
          json_object *directory = NULL;

          json_object_object_get_ex (command, user_key, &user);
          json_object_object_get_ex (command, directory_key, &directory);
          yun_job_spec_set_command_os_options (spec, os, json_object_get_string (user),
                                               json_object_get_string (directory));
        }
      g_ptr_array_add (specs, spec);
    }
  return g_steal_pointer (&specs);
}

/* The journal's last @limit jobs as YunJobs, in the order of the journal; on any thread. */
static GPtrArray *
read_history (YunCache *cache, const char *account, guint limit, GError **error)
{
  g_autoptr (GPtrArray) records = _yun_journal_load (cache, account, FALSE, limit, error);
  GPtrArray *jobs;

  if (records == NULL)
    return NULL;
  jobs = g_ptr_array_new_full (records->len, g_object_unref);
  for (guint i = 0; i < records->len; i++)
    g_ptr_array_add (jobs, _yun_job_new_from_record (g_ptr_array_index (records, i)));
  return jobs;
}

/* Jobs the engine does not list yet (it may run some of them) join the list, at its end. */
static void
add_history (YunJobEngine *self, GPtrArray *jobs)
{
  for (guint i = 0; i < jobs->len; i++)
    if (yun_job_engine_lookup (self, yun_job_get_id (g_ptr_array_index (jobs, i))) == NULL)
      g_list_store_append (self->jobs, g_ptr_array_index (jobs, i));
}

/**
 * yun_job_engine_load_history:
 * @self: a #YunJobEngine
 * @limit: at most this many jobs
 * @error: return location for a #GError
 *
 * Adds the jobs of the journal to yun_job_engine_get_jobs(), the most recent first, with
 * their per-instance results. Unfinished ones show where they stopped until
 * yun_job_engine_resume() takes them up. It reads the journal on the calling thread: a
 * window calls yun_job_engine_load_history_async().
 *
 * Returns: whether the journal could be read
 */
gboolean
yun_job_engine_load_history (YunJobEngine *self, guint limit, GError **error)
{
  g_autoptr (GPtrArray) jobs = NULL;

  g_return_val_if_fail (YUN_IS_JOB_ENGINE (self), FALSE);

  jobs = read_history (self->cache, self->account, limit, error);
  if (jobs == NULL)
    return FALSE;
  add_history (self, jobs);
  return TRUE;
}

static void
load_history_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  YunJobEngine *self = source;
  GError *error = NULL;
  GPtrArray *jobs = read_history (self->cache, self->account, GPOINTER_TO_UINT (task_data), &error);

  if (jobs == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, jobs, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * yun_job_engine_load_history_async:
 * @self: a #YunJobEngine
 * @limit: at most this many jobs
 * @cancellable: (nullable): a #GCancellable
 * @callback: called once the jobs are listed
 * @user_data: for @callback
 *
 * yun_job_engine_load_history() with the journal read on a worker thread: a long history
 * of large jobs takes a while to read.
 */
void
yun_job_engine_load_history_async (YunJobEngine *self,
                                   guint limit,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (YUN_IS_JOB_ENGINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, yun_job_engine_load_history_async);
  g_task_set_task_data (task, GUINT_TO_POINTER (limit), NULL);
  g_task_run_in_thread (task, load_history_thread);
}

/**
 * yun_job_engine_load_history_finish:
 * @self: a #YunJobEngine
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Adds the jobs read to yun_job_engine_get_jobs().
 *
 * Returns: whether the journal could be read
 */
gboolean
yun_job_engine_load_history_finish (YunJobEngine *self, GAsyncResult *result, GError **error)
{
  g_autoptr (GPtrArray) jobs = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  jobs = g_task_propagate_pointer (G_TASK (result), error);
  if (jobs == NULL)
    return FALSE;
  add_history (self, jobs);
  return TRUE;
}

/* Starts the unfinished jobs of @records (newest first, as the journal lists them). */
static guint
resume_records (YunJobEngine *self, GPtrArray *records)
{
  guint resumed = 0;

  /* Oldest first, as they were submitted. */
  for (guint i = records->len; i > 0; i--)
    {
      YunJobRecord *record = g_ptr_array_steal_index (records, i - 1);
      YunJob *shown = yun_job_engine_lookup (self, record->id);
      guint position;
      JobRun *run;

      if (shown != NULL && g_hash_table_contains (self->job_runs, shown))
        {
          _yun_job_record_free (record);
          continue;
        }
      /* Shown from the history: the running job takes its place. */
      if (shown != NULL && g_list_store_find (self->jobs, shown, &position))
        g_list_store_remove (self->jobs, position);
      run = job_run_new (self, record);
      start_run (self, run);
      resumed++;
    }
  return resumed;
}

/**
 * yun_job_engine_resume:
 * @self: a #YunJobEngine
 * @error: return location for a #GError
 *
 * Continues every job of the journal that had not finished when YunDesk last stopped. Each
 * call that may have been sent is checked against the instance before anything is sent
 * again; a reset-password job whose password was not kept finishes what it started (the
 * restarts) and reports the rest failed.
 *
 * Returns: how many jobs were resumed, or 0 with @error set
 */
guint
yun_job_engine_resume (YunJobEngine *self, GError **error)
{
  g_autoptr (GPtrArray) records = NULL;

  g_return_val_if_fail (YUN_IS_JOB_ENGINE (self), 0);

  if (!check_client (self, error))
    return 0;
  records = _yun_journal_load (self->cache, self->account, TRUE, G_MAXINT, error);
  if (records == NULL)
    return 0;
  return resume_records (self, records);
}

static void
load_unfinished_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  YunJobEngine *self = source;
  GError *error = NULL;
  GPtrArray *records = _yun_journal_load (self->cache, self->account, TRUE, G_MAXINT, &error);

  if (records == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, records, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * yun_job_engine_resume_async:
 * @self: a #YunJobEngine
 * @cancellable: (nullable): a #GCancellable
 * @callback: called once the unfinished jobs are read
 * @user_data: for @callback
 *
 * yun_job_engine_resume() with the journal read on a worker thread, where waiting for the
 * cache (a load or a sync may hold it) does not hold up the main loop.
 */
void
yun_job_engine_resume_async (YunJobEngine *self,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (YUN_IS_JOB_ENGINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, yun_job_engine_resume_async);
  if (!check_client (self, &error))
    g_task_return_error (task, error);
  else
    g_task_run_in_thread (task, load_unfinished_thread);
}

/**
 * yun_job_engine_resume_finish:
 * @self: a #YunJobEngine
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Starts the jobs read, as yun_job_engine_resume() does.
 *
 * Returns: how many jobs were resumed, or 0 with @error set
 */
guint
yun_job_engine_resume_finish (YunJobEngine *self, GAsyncResult *result, GError **error)
{
  g_autoptr (GPtrArray) records = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), 0);

  records = g_task_propagate_pointer (G_TASK (result), error);
  if (records == NULL)
    return 0;
  /* The client may have gone while the journal was read. */
  if (!check_client (self, error))
    return 0;
  return resume_records (self, records);
}

/* The settings of an ssh-exec or sftp-upload job, as journaled, for retrying it. */
/* A retried run-command or ssh-exec job runs the same script with the same settings. */
static gboolean
copy_command_params (YunJobSpec *spec, json_object *params, GError **error)
{
  g_autoptr (GBytes) command = NULL;
  json_object *value = NULL;
  guint timeout = 0;
  gsize length = 0;
  guchar *script;

  if (json_object_object_get_ex (params, "CommandSecret", NULL))
    {
      g_set_error_literal (error, YUN_ERROR, YUN_ERROR_INVALID_STATE,
                           _ ("A secret command is not kept after its job: run it again"));
      return FALSE;
    }
  if (!json_object_object_get_ex (params, "Command", &value))
    {
      g_set_error_literal (error, YUN_ERROR, YUN_ERROR_INVALID_STATE,
                           _ ("The job's command is not in its journal"));
      return FALSE;
    }
  script = g_base64_decode (json_object_get_string (value), &length);
  command = g_bytes_new_take (script, length);
  if (json_object_object_get_ex (params, "CommandTimeout", &value))
    timeout = (guint) json_object_get_int64 (value);
  if (!yun_job_spec_set_command (spec, command, timeout, error))
    return FALSE;
  if (json_object_object_get_ex (params, "CommandName", &value))
    yun_job_spec_set_command_name (spec, json_object_get_string (value));
  yun_job_spec_set_command_os_options (spec, YUN_OS_FAMILY_LINUX,
                                       param_string (params, "LinuxUser", NULL),
                                       param_string (params, "LinuxDirectory", NULL));
  yun_job_spec_set_command_os_options (spec, YUN_OS_FAMILY_WINDOWS,
                                       param_string (params, "WindowsUser", NULL),
                                       param_string (params, "WindowsDirectory", NULL));
  return TRUE;
}

static gboolean
copy_ssh_params (YunJobSpec *spec, json_object *params, const char *password, GError **error)
{
  json_object *value = NULL;
  const char *user = NULL;
  const char *windows_user = NULL;
  const char *known_hosts = NULL;
  guint port = 0;

  if (json_object_object_get_ex (params, "SshUser", &value))
    user = json_object_get_string (value);
  if (json_object_object_get_ex (params, "SshWindowsUser", &value))
    windows_user = json_object_get_string (value);
  if (json_object_object_get_ex (params, "SshPort", &value))
    port = (guint) json_object_get_int64 (value);
  yun_job_spec_set_ssh_login (spec, user, windows_user, port, password);
  if (json_object_object_get_ex (params, "SshKnownHosts", &value))
    known_hosts = json_object_get_string (value);
  yun_job_spec_set_ssh_host_keys (spec, known_hosts,
                                  json_object_object_get_ex (params, "SshAcceptNewHostKeys", NULL));
  if (json_object_object_get_ex (params, "SshIdentityDirectory", &value))
    yun_job_spec_set_ssh_identity_directory (spec, json_object_get_string (value));

  if (spec->kind == YUN_JOB_KIND_SSH_EXEC)
    return copy_command_params (spec, params, error);
  {
    json_object *local = NULL;
    json_object *remote = NULL;
    int mode = -1;

    json_object_object_get_ex (params, "LocalPath", &local);
    json_object_object_get_ex (params, "RemotePath", &remote);
    if (json_object_object_get_ex (params, "RemoteMode", &value))
      mode = (int) json_object_get_int64 (value);
    if (local == NULL)
      {
        g_set_error_literal (error, YUN_ERROR, YUN_ERROR_INVALID_STATE,
                             _ ("The job's file is not in its journal"));
        return FALSE;
      }
    return yun_job_spec_set_upload (spec, json_object_get_string (local),
                                    json_object_get_string (remote), mode, error);
  }
}

/**
 * yun_job_engine_retry_failed:
 * @self: a #YunJobEngine
 * @job: a finished job
 * @password: (nullable): the new password, for a reset-password job; the login password, for
 *   an ssh-exec or sftp-upload job (which keeps its user, port, host key settings, command or
 *   file)
 * @error: return location for a #GError
 *
 * Submits a new job of the same kind and parameters over the instances whose item failed.
 *
 * Returns: (transfer none): the new job, or %NULL
 */
YunJob *
yun_job_engine_retry_failed (YunJobEngine *self, YunJob *job, const char *password, GError **error)
{
  g_autoptr (YunJobSpec) spec = NULL;
  g_autoptr (GPtrArray) records = NULL;
  GListModel *items;
  json_object *params = NULL;

  g_return_val_if_fail (YUN_IS_JOB_ENGINE (self), NULL);
  g_return_val_if_fail (YUN_IS_JOB (job), NULL);

  spec = yun_job_spec_new (yun_job_get_kind (job));
  items = yun_job_get_items (job);
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr (YunJobItem) item = g_list_model_get_item (items, i);

      if (yun_job_item_get_outcome (item) == YUN_JOB_OUTCOME_FAILED)
        yun_job_spec_add_instance (spec, yun_job_item_get_instance_id (item),
                                   yun_job_item_get_region (item));
    }

  /* The same parameters, as journaled. */
  records = _yun_journal_load (self->cache, self->account, FALSE, G_MAXINT, error);
  if (records == NULL)
    return NULL;
  for (guint i = 0; i < records->len; i++)
    if (((YunJobRecord *) records->pdata[i])->id == yun_job_get_id (job))
      params = ((YunJobRecord *) records->pdata[i])->params;
  if (params != NULL)
    {
      json_object *value = NULL;

      if (json_object_object_get_ex (params, "StopType", &value))
        yun_job_spec_set_stop_type (spec, json_object_get_string (value));
      if (json_object_object_get_ex (params, "StoppedMode", &value))
        yun_job_spec_set_stopped_mode (spec, json_object_get_string (value));
      if (json_object_object_get_ex (params, "Timeout", &value))
        yun_job_spec_set_timeout (spec, (guint) json_object_get_int64 (value));
      if (json_object_object_get_ex (params, "UserName", &value) || password != NULL)
        yun_job_spec_set_password (spec, password,
                                   value != NULL ? json_object_get_string (value) : NULL);
      if (is_ssh_kind (yun_job_get_kind (job)) && !copy_ssh_params (spec, params, password, error))
        return NULL;
      if (yun_job_get_kind (job) == YUN_JOB_KIND_RUN_COMMAND
          && !copy_command_params (spec, params, error))
        return NULL;
    }
  return yun_job_engine_submit (self, spec, error);
}
