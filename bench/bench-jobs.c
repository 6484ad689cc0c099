/* bench-jobs.c: how close a stop-then-start of 2,000 instances comes to what the rate limits
 * and the transition time allow, and how many API calls it makes
 *
 * SPDX-License-Identifier: MIT
 *
 * For each latency (0 and 50 ms) and each poll interval of the job engine (250, 500 and
 * 1000 ms, the last the engine's default), a fresh in-process yunsim: 8 regions, 2,000
 * instances, transitions of 2 s, the documented rate limits. Every instance that the seeded
 * fleet has in another state (about 28 %: STOPPED, a few SHUTDOWN or LAUNCH_FAILED) is set
 * RUNNING through the admin API first, so the jobs act on the whole fleet of 2,000 RUNNING
 * instances; the IDs come from the admin state, so the benchmark itself makes no API call
 * before the jobs. Then, with a new YunJobEngine over a fresh cache:
 *
 * 1. a stop job over the 2,000, timed from yun_job_engine_submit() to its "finished" signal;
 * 2. when it has ended, a start job over the same 2,000, timed the same way.
 *
 * The simulator's own request counts (GET /_yunsim/state, "requests") are read before the
 * jobs, between them and after them, so each job's calls are counted by action: its sends,
 * its prefilter read and its polls (DescribeInstances). The wall time is compared with the
 * lower bound explained in print_bound_model(), and the calls with the number of instances.
 * After each pair, one read of the 2,000 instances region after region and one with a thread
 * per region (as the engine's read_instances() sends its calls at once) are timed, to show
 * what a read costs at that latency.
 *
 * Prints figures and whether each meets the target of the issue; never fails on a time.
 * Takes about a minute and a half.
 */

#define G_LOG_DOMAIN "bench-jobs"

#include "config.h"

#include <curl/curl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yun/yun-job-engine.h>

#include "bench-common.h"
#include "yun-rate-limiter-private.h"
#include "yun-sim.h"

#define ACCOUNT "bench"
#define N_REGIONS 8
#define N_INSTANCES 2000
#define TRANSITION_MS 2000
/* At most 100 instance IDs per call, one region per call (StartInstances, StopInstances and
 * DescribeInstances by ID alike). */
#define IDS_PER_CALL 100
#define DEFAULT_POLL_MS 1000
/* The client's rate limiter is process-wide, keyed by SecretId and action, so a run draws
 * from buckets the previous one emptied. A bucket refills completely in burst / rate =
 * 0.75 s; waiting 2 s between runs gives each run full buckets. */
#define PAUSE_BETWEEN_RUNS_US (2 * G_USEC_PER_SEC)

#define TARGET_RATIO 1.3
#define TARGET_CALLS_PER_INSTANCE 0.5

static const guint latencies_ms[] = { 0, 50 };
static const guint poll_intervals_ms[] = { 250, 500, 1000 };

#define N_RUNS (G_N_ELEMENTS (latencies_ms) * G_N_ELEMENTS (poll_intervals_ms))

enum
{
  PHASE_STOP,
  PHASE_START,
  N_PHASES
};

static const char *const phase_names[N_PHASES] = { "stop", "start" };
static const char *const phase_actions[N_PHASES] = { "StopInstances", "StartInstances" };
static const YunJobKind phase_kinds[N_PHASES] = { YUN_JOB_KIND_STOP, YUN_JOB_KIND_START };

typedef struct
{
  guint latency_ms;
  guint poll_ms;
  double wall_s[N_PHASES];
  double bound_s[N_PHASES];         /* the client's buckets */
  double service_bound_s[N_PHASES]; /* the service's one-second buckets */
  guint sends[N_PHASES];            /* requests of the phase's own action */
  guint describes[N_PHASES];        /* DescribeInstances: prefilter and polls */
  guint others[N_PHASES];           /* any other action (expected 0) */
  guint needed[N_PHASES];           /* Σ_regions ceil(n_r / 100) */
  guint succeeded[N_PHASES];
  guint not_succeeded[N_PHASES];
  guint settled;
  double read_serial_s;
  double read_parallel_s;
} RunFigures;

/* ---- Helpers ---- */

static const char *
verdict (gboolean met)
{
  return met ? "met" : "not met";
}

static double
seconds_since (gint64 start_us)
{
  return (double) (g_get_monotonic_time () - start_us) / G_USEC_PER_SEC;
}

/* ---- The simulator's admin API ---- */

/* Every request that named an action. */
static guint
state_requests_total (json_object *state)
{
  json_object *requests;
  guint total = 0;

  if (!json_object_object_get_ex (state, "requests", &requests))
    return 0;
  json_object_object_foreach (requests, action, count)
    {
      (void) action;
      total += (guint) json_object_get_int (count);
    }
  return total;
}

static const char *
instance_field (json_object *instance, const char *field)
{
  json_object *value;

  return json_object_object_get_ex (instance, field, &value) ? json_object_get_string (value)
                                                             : NULL;
}

static guint
instance_operations (json_object *instance, const char *action)
{
  json_object *operations, *count;

  if (json_object_object_get_ex (instance, "Operations", &operations)
      && json_object_object_get_ex (operations, action, &count))
    return (guint) json_object_get_int (count);
  return 0;
}

/* Sets every instance that is not RUNNING to RUNNING, behind the client's back; returns how
 * many were changed. */
static guint
make_all_running (const char *sim_url, json_object *state)
{
  g_autoptr (GString) answer = g_string_new (NULL);
  struct curl_slist *headers = curl_slist_append (NULL, "Content-Type: application/json");
  CURL *curl = curl_easy_init ();
  json_object *instances;
  guint changed = 0;

  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  if (json_object_object_get_ex (state, "instances", &instances))
    for (gsize i = 0; i < json_object_array_length (instances); i++)
      {
        json_object *instance = json_object_array_get_idx (instances, i);
        g_autofree char *url = NULL;
        long status;

        if (g_strcmp0 (instance_field (instance, "InstanceState"), "RUNNING") == 0)
          continue;
        url = g_strdup_printf ("%s/_yunsim/instances/%s", sim_url,
                               instance_field (instance, "InstanceId"));
        status = bench_admin_request (curl, url, "{\"InstanceState\":\"RUNNING\"}", answer);
        if (status != 200)
          g_error ("POST %s: HTTP %ld %s", url, status, answer->str);
        changed++;
      }
  curl_easy_cleanup (curl);
  curl_slist_free_all (headers);
  return changed;
}

/* ---- The lower bound ---- */

static void
print_bound_model (void)
{
  printf (
    "Lower bound of one job over n_r instances in each region r (RTT = the configured latency;\n"
    "the loopback round trip itself is well under 1 ms and is left out, which only lowers the\n"
    "bound):\n"
    "  - The job reads the instances before it sends anything (it skips those already in the\n"
    "    target state or in transition, and journals each LatestOperationRequestId before the\n"
    "    call): nothing is sent before that answer, 1 RTT.\n"
    "  - A call takes at most 100 IDs of one region, so the job needs at least\n"
    "    N = sum over regions of ceil(n_r / 100) calls of its action. They pass a token bucket\n"
    "    of b tokens refilled at r per second, so the last leaves at least max(0, N - b) / r\n"
    "    after the first.\n"
    "  - Its instances settle the transition time T (%u ms) after the service applied it; the\n"
    "    read that shows them settled arrives after that, and its answer comes back: the\n"
    "    call's way out plus the read's way back are one more RTT.\n"
    "    Phase bound = RTT + max(0, N - b) / r + T + RTT.\n"
    "  - DescribeInstances is no tighter: the phase needs at least 2 N reads (the first read\n"
    "    and one that sees every instance settled) through a bucket of b_d refilled at r_d,\n"
    "    which takes max(0, 2 N - b_d) / r_d; the bound is the larger of the two.\n"
    "  - The start job is submitted when the stop job has ended (two jobs in sequence, as a\n"
    "    user runs them), so the bound of the pair is stop bound + start bound.\n"
    "  \"bound\" uses the client's own buckets (b = floor(3 r / 4), yun-rate-limiter.c), the\n"
    "  best this client's pacing allows; \"service bound\" uses the simulator's one-second\n"
    "  buckets (b = r), the best any client could do.\n"
    "API calls per instance: every request the simulator counted during the job (its sends,\n"
    "its first read and its polls, refused ones included) divided by the 2,000 instances; for\n"
    "the pair, the requests of both jobs divided by the 2,000 instances. The target <= %.1f is\n"
    "compared with the pair's figure, the calls a stop-then-start of 2,000 instances costs.\n",
    TRANSITION_MS, TARGET_CALLS_PER_INSTANCE);
}

static double
phase_bound (
  guint needed, double rate, double burst, double describe_rate, double describe_burst, double rtt)
{
  double sends = rtt + MAX (0.0, needed - burst) / rate + TRANSITION_MS / 1000.0 + rtt;
  double reads = MAX (0.0, 2.0 * needed - describe_burst) / describe_rate;

  return MAX (sends, reads);
}

/* ---- A job ---- */

typedef struct
{
  GMainLoop *loop;
  gint64 finished_us;
} Waiter;

static void
job_finished (YunJob *job, gpointer user_data)
{
  Waiter *waiter = user_data;

  waiter->finished_us = g_get_monotonic_time ();
  g_main_loop_quit (waiter->loop);
}

/* Submits a job of @kind over @ids and waits for its end; returns its wall time. */
static double
run_job (YunJobEngine *engine,
         YunJobKind kind,
         GPtrArray *ids,
         GPtrArray *regions,
         guint *succeeded,
         guint *not_succeeded)
{
  g_autoptr (YunJobSpec) spec = yun_job_spec_new (kind);
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr (GError) error = NULL;
  Waiter waiter = { .loop = loop };
  YunJob *job;
  gint64 start;
  gulong handler;

  for (guint i = 0; i < ids->len; i++)
    yun_job_spec_add_instance (spec, ids->pdata[i], regions->pdata[i]);

  start = g_get_monotonic_time ();
  job = yun_job_engine_submit (engine, spec, &error);
  if (job == NULL)
    g_error ("%s", error->message);
  handler = g_signal_connect (job, "finished", G_CALLBACK (job_finished), &waiter);
  if (yun_job_get_finished (job))
    waiter.finished_us = g_get_monotonic_time ();
  else
    g_main_loop_run (loop);
  g_signal_handler_disconnect (job, handler);

  *succeeded = yun_job_get_n_outcome (job, YUN_JOB_OUTCOME_SUCCEEDED);
  *not_succeeded = yun_job_get_n_items (job) - *succeeded;
  return (double) (waiter.finished_us - start) / G_USEC_PER_SEC;
}

/* ---- Reads of the 2,000 instances, for comparison ---- */

typedef struct
{
  YunClient *client;
  const char *region;
  GPtrArray *ids; /* NULL-terminated */
  guint listed;
} RegionRead;

static gpointer
read_region (gpointer data)
{
  RegionRead *read = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) instances = yun_client_describe_instances_by_ids (
    read->client, read->region, (const char *const *) read->ids->pdata, NULL, &error);

  if (instances == NULL)
    g_error ("%s", error->message);
  read->listed = instances->len;
  return NULL;
}

/* One read of every instance of @by_region, region after region when !@parallel, or with a
 * thread per region (as the engine's read_instances() does). */
static double
time_read (YunClient *client, GHashTable *by_region, gboolean parallel)
{
  g_autoptr (GArray) reads = g_array_new (FALSE, TRUE, sizeof (RegionRead));
  g_autoptr (GPtrArray) threads = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key, value;
  gint64 start;
  guint listed = 0;

  g_hash_table_iter_init (&iter, by_region);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      RegionRead read = { .client = client, .region = key, .ids = value };

      g_array_append_val (reads, read);
    }

  /* The polls and the previous read emptied the DescribeInstances bucket of the client:
   * it refills in burst / rate = 0.75 s, so each timed read starts with a full one. */
  g_usleep (G_USEC_PER_SEC);
  start = g_get_monotonic_time ();
  for (guint i = 0; i < reads->len; i++)
    {
      RegionRead *read = &g_array_index (reads, RegionRead, i);

      if (parallel)
        g_ptr_array_add (threads, g_thread_new ("bench-read", read_region, read));
      else
        read_region (read);
    }
  for (guint i = 0; i < threads->len; i++)
    g_thread_join (threads->pdata[i]);
  for (guint i = 0; i < reads->len; i++)
    listed += g_array_index (reads, RegionRead, i).listed;
  if (listed != N_INSTANCES)
    g_error ("read %u instances, expected %u", listed, N_INSTANCES);
  return seconds_since (start);
}

/* ---- A run: a fresh simulator, a stop job and a start job ---- */

static void
run_pair (guint run, guint latency_ms, guint poll_ms, RunFigures *figures)
{
  YunSimOptions options;
  g_autoptr (YunSim) sim = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bench-jobs-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autoptr (YunCache) cache = NULL;
  g_autoptr (YunClient) client = NULL;
  g_autoptr (YunJobEngine) engine = NULL;
  g_autoptr (json_object) initial = NULL;
  json_object *state[N_PHASES + 1] = { NULL };
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) regions = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GHashTable) by_region
    = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  YunRateLimiter *limiter = _yun_rate_limiter_get_default ();
  double describe_rate = _yun_rate_limiter_get_rate (limiter, "DescribeInstances");
  double describe_burst = _yun_rate_limiter_get_burst (limiter, "DescribeInstances");
  double rtt = latency_ms / 1000.0;
  json_object *instances;
  GHashTableIter iter;
  gpointer value;
  guint changed, needed = 0;
  g_autoptr (GString) sizes = g_string_new (NULL);

  if (dir == NULL)
    g_error ("%s", error->message);
  *figures = (RunFigures){ .latency_ms = latency_ms, .poll_ms = poll_ms };

  yun_sim_options_init (&options);
  options.n_regions = N_REGIONS;
  options.n_instances = N_INSTANCES;
  options.transition_ms = TRANSITION_MS;
  options.latency_ms = latency_ms;
  options.no_rate_limits = FALSE;
  sim = bench_start_sim (&options);

  /* The whole fleet RUNNING, and its IDs, without an API call. */
  initial = bench_fetch_state (yun_sim_get_url (sim));
  changed = make_all_running (yun_sim_get_url (sim), initial);
  state[0] = bench_fetch_state (yun_sim_get_url (sim));
  if (json_object_object_get_ex (state[0], "instances", &instances))
    for (gsize i = 0; i < json_object_array_length (instances); i++)
      {
        json_object *instance = json_object_array_get_idx (instances, i);
        const char *id = instance_field (instance, "InstanceId");
        const char *region = instance_field (instance, "Region");
        GPtrArray *region_ids = g_hash_table_lookup (by_region, region);

        if (g_strcmp0 (instance_field (instance, "InstanceState"), "RUNNING") != 0)
          g_error ("%s is %s", id, instance_field (instance, "InstanceState"));
        g_ptr_array_add (ids, g_strdup (id));
        g_ptr_array_add (regions, g_strdup (region));
        if (region_ids == NULL)
          {
            region_ids = g_ptr_array_new_with_free_func (g_free);
            g_hash_table_insert (by_region, g_strdup (region), region_ids);
          }
        g_ptr_array_add (region_ids, g_strdup (id));
      }
  if (ids->len != N_INSTANCES)
    g_error ("the fleet has %u instances, expected %u", ids->len, N_INSTANCES);

  g_hash_table_iter_init (&iter, by_region);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      GPtrArray *region_ids = value;

      needed += (region_ids->len + IDS_PER_CALL - 1) / IDS_PER_CALL;
      g_string_append_printf (sizes, "%s%u", sizes->len > 0 ? " " : "", region_ids->len);
    }
  g_hash_table_iter_init (&iter, by_region);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (value, NULL); /* for time_read() */

  path = g_build_filename (dir, "yundesk.db", NULL);
  cache = bench_open_cache (path);
  client = bench_demo_client (yun_sim_get_url (sim));
  engine = yun_job_engine_new (cache, ACCOUNT, client);
  yun_job_engine_set_poll_interval (engine, poll_ms);

  for (guint p = 0; p < N_PHASES; p++)
    {
      double rate = _yun_rate_limiter_get_rate (limiter, phase_actions[p]);
      double burst = _yun_rate_limiter_get_burst (limiter, phase_actions[p]);
      guint total;

      figures->wall_s[p] = run_job (engine, phase_kinds[p], ids, regions, &figures->succeeded[p],
                                    &figures->not_succeeded[p]);
      /* Read between the jobs, outside the timed part. */
      state[p + 1] = bench_fetch_state (yun_sim_get_url (sim));
      figures->needed[p] = needed;
      figures->bound_s[p] = phase_bound (needed, rate, burst, describe_rate, describe_burst, rtt);
      figures->service_bound_s[p]
        = phase_bound (needed, rate, rate, describe_rate, describe_rate, rtt);
      figures->sends[p] = bench_state_requests (state[p + 1], phase_actions[p])
                          - bench_state_requests (state[p], phase_actions[p]);
      figures->describes[p] = bench_state_requests (state[p + 1], "DescribeInstances")
                              - bench_state_requests (state[p], "DescribeInstances");
      total = state_requests_total (state[p + 1]) - state_requests_total (state[p]);
      figures->others[p] = total - figures->sends[p] - figures->describes[p];
    }

  /* The end state: every instance RUNNING, stopped once and started once. */
  if (json_object_object_get_ex (state[N_PHASES], "instances", &instances))
    for (gsize i = 0; i < json_object_array_length (instances); i++)
      {
        json_object *instance = json_object_array_get_idx (instances, i);

        figures->settled
          += g_strcmp0 (instance_field (instance, "InstanceState"), "RUNNING") == 0
             && g_strcmp0 (instance_field (instance, "LatestOperationState"), "SUCCESS") == 0
             && instance_operations (instance, "StopInstances") == 1
             && instance_operations (instance, "StartInstances") == 1;
      }

  figures->read_serial_s = time_read (client, by_region, FALSE);
  figures->read_parallel_s = time_read (client, by_region, TRUE);

  printf ("\nRun %u of %u: latency %u ms, poll interval %u ms%s; %u instances set RUNNING through "
          "the admin API; instances per region: %s\n",
          run, (guint) N_RUNS, latency_ms, poll_ms,
          poll_ms == DEFAULT_POLL_MS ? " (the engine's default)" : "", changed, sizes->str);
  printf ("  %-6s %-15s %4s %6s %13s %9s %13s %9s %11s %11s\n", "phase", "action", "N", "rate/s",
          "bucket cl/svc", "wall", "bound", "ratio", "svc bound", "svc ratio");
  for (guint p = 0; p < N_PHASES; p++)
    printf ("  %-6s %-15s %4u %6.0f %6.0f / %-4.0f %7.3f s %11.3f s %9.2f %9.3f s %11.2f\n",
            phase_names[p], phase_actions[p], figures->needed[p],
            _yun_rate_limiter_get_rate (limiter, phase_actions[p]),
            _yun_rate_limiter_get_burst (limiter, phase_actions[p]),
            _yun_rate_limiter_get_rate (limiter, phase_actions[p]), figures->wall_s[p],
            figures->bound_s[p], figures->wall_s[p] / figures->bound_s[p],
            figures->service_bound_s[p], figures->wall_s[p] / figures->service_bound_s[p]);
  {
    double wall = figures->wall_s[PHASE_STOP] + figures->wall_s[PHASE_START];
    double bound = figures->bound_s[PHASE_STOP] + figures->bound_s[PHASE_START];
    double service_bound
      = figures->service_bound_s[PHASE_STOP] + figures->service_bound_s[PHASE_START];

    printf ("  %-6s %-15s %4s %6s %13s %7.3f s %11.3f s %9.2f %9.3f s %11.2f\n", "pair", "", "", "",
            "", wall, bound, wall / bound, service_bound, wall / service_bound);
  }
  printf ("  Requests (the simulator's count) and API calls per instance:\n");
  printf ("  %-6s %14s %15s %17s %8s %7s %14s\n", "job", "StopInstances", "StartInstances",
          "DescribeInstances", "other", "total", "per instance");
  for (guint p = 0; p < N_PHASES; p++)
    {
      guint stop = p == PHASE_STOP ? figures->sends[p] : 0;
      guint start = p == PHASE_START ? figures->sends[p] : 0;
      guint total = figures->sends[p] + figures->describes[p] + figures->others[p];

      printf ("  %-6s %14u %15u %17u %8u %7u %14.4f\n", phase_names[p], stop, start,
              figures->describes[p], figures->others[p], total, (double) total / N_INSTANCES);
    }
  {
    guint total = 0;

    for (guint p = 0; p < N_PHASES; p++)
      total += figures->sends[p] + figures->describes[p] + figures->others[p];
    printf ("  %-6s %14u %15u %17u %8u %7u %14.4f  (target <= %.1f: %s)\n", "pair",
            figures->sends[PHASE_STOP], figures->sends[PHASE_START],
            figures->describes[PHASE_STOP] + figures->describes[PHASE_START],
            figures->others[PHASE_STOP] + figures->others[PHASE_START], total,
            (double) total / N_INSTANCES, TARGET_CALLS_PER_INSTANCE,
            verdict ((double) total / N_INSTANCES <= TARGET_CALLS_PER_INSTANCE));
  }
  for (guint p = 0; p < N_PHASES; p++)
    printf ("  %s: the fewest calls are %u sends, %u for the first read and %u for one read that "
            "sees all settled (%u); DescribeInstances beyond the first read (polls): %d, about "
            "%.1f reads of every instance\n",
            phase_names[p], figures->needed[p], figures->needed[p], figures->needed[p],
            3 * figures->needed[p], (int) figures->describes[p] - (int) figures->needed[p],
            ((double) figures->describes[p] - figures->needed[p]) / figures->needed[p]);
  printf ("  outcomes: stop %u succeeded, %u not; start %u succeeded, %u not; at the end %u of %u "
          "instances RUNNING with exactly one StopInstances and one StartInstances applied\n",
          figures->succeeded[PHASE_STOP], figures->not_succeeded[PHASE_STOP],
          figures->succeeded[PHASE_START], figures->not_succeeded[PHASE_START], figures->settled,
          N_INSTANCES);
  printf ("  one read of the %u instances (%u DescribeInstances calls), after the jobs: region "
          "after region %.3f s, a thread per region (as the engine reads) %.3f s\n",
          N_INSTANCES, needed, figures->read_serial_s, figures->read_parallel_s);

  for (guint i = 0; i <= N_PHASES; i++)
    json_object_put (state[i]);
  g_clear_object (&engine);
  g_clear_object (&cache);
  bench_remove_tree (dir);
}

int
main (void)
{
  RunFigures runs[N_RUNS];
  guint run = 0;

  yun_init ();
  printf ("bench-jobs on %u CPUs: stop-then-start of %u RUNNING instances in %u regions, "
          "transitions of %u ms, documented rate limits; a fresh simulator, cache and job engine "
          "per run, runs %.0f s apart so that the process-wide client buckets are full again\n",
          g_get_num_processors (), N_INSTANCES, N_REGIONS, TRANSITION_MS,
          (double) PAUSE_BETWEEN_RUNS_US / G_USEC_PER_SEC);
  print_bound_model ();

  for (guint l = 0; l < G_N_ELEMENTS (latencies_ms); l++)
    for (guint i = 0; i < G_N_ELEMENTS (poll_intervals_ms); i++, run++)
      {
        if (run > 0)
          g_usleep (PAUSE_BETWEEN_RUNS_US);
        run_pair (run + 1, latencies_ms[l], poll_intervals_ms[i], &runs[run]);
      }

  printf ("\n== Summary (one run each; ratio = wall / bound of the client's buckets, svc = of "
          "the service's) ==\n");
  printf ("  %7s %7s %9s %9s %6s %8s %6s %9s  %-22s %s\n", "latency", "poll", "wall", "bound",
          "ratio", "svc bnd", "svc", "calls/in", "ratio <= 1.3", "calls <= 0.5");
  for (guint i = 0; i < N_RUNS; i++)
    {
      RunFigures *f = &runs[i];
      double wall = f->wall_s[PHASE_STOP] + f->wall_s[PHASE_START];
      double bound = f->bound_s[PHASE_STOP] + f->bound_s[PHASE_START];
      double service_bound = f->service_bound_s[PHASE_STOP] + f->service_bound_s[PHASE_START];
      guint total = 0;
      g_autofree char *ratio_verdict = NULL;

      for (guint p = 0; p < N_PHASES; p++)
        total += f->sends[p] + f->describes[p] + f->others[p];
      ratio_verdict = g_strdup_printf ("%s (svc %s)", verdict (wall / bound <= TARGET_RATIO),
                                       verdict (wall / service_bound <= TARGET_RATIO));
      printf ("  %4u ms %4u ms %7.3f s %7.3f s %6.2f %6.3f s %6.2f %9.4f  %-22s %s%s\n",
              f->latency_ms, f->poll_ms, wall, bound, wall / bound, service_bound,
              wall / service_bound, (double) total / N_INSTANCES, ratio_verdict,
              verdict ((double) total / N_INSTANCES <= TARGET_CALLS_PER_INSTANCE),
              f->poll_ms == DEFAULT_POLL_MS ? "  (default poll interval)" : "");
    }
  printf ("  calls/in = API calls per instance for the pair (both jobs' requests / %u); per job "
          "it is about half of that.\n",
          N_INSTANCES);
  return 0;
}
