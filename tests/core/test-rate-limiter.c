/* test-rate-limiter.c: the per-(SecretId, action) token buckets
 *
 * SPDX-License-Identifier: MIT
 *
 * Only lower bounds on time are asserted: a slow machine makes every test slower, never
 * faster, so a limiter that lets calls through too early fails here and a busy CI runner
 * does not.
 */

#include "config.h"

#include "yun-rate-limiter-private.h"

static void
test_documented_limits (void)
{
  g_autoptr (YunRateLimiter) limiter = _yun_rate_limiter_new ();

  g_assert_cmpuint (_yun_action_default_rate ("DescribeRegions"), ==, 20);
  g_assert_cmpuint (_yun_action_default_rate ("DescribeZones"), ==, 20);
  g_assert_cmpuint (_yun_action_default_rate ("DescribeImages"), ==, 40);
  g_assert_cmpuint (_yun_action_default_rate ("DescribeInstances"), ==, 40);
  g_assert_cmpuint (_yun_action_default_rate ("DescribeInstancesStatus"), ==, 40);
  g_assert_cmpuint (_yun_action_default_rate ("DescribeZoneInstanceConfigInfos"), ==, 40);
  g_assert_cmpuint (_yun_action_default_rate ("DescribeInstanceVncUrl"), ==, 10);
  g_assert_cmpuint (_yun_action_default_rate ("InquiryPriceRunInstances"), ==, 10);
  g_assert_cmpuint (_yun_action_default_rate ("RunInstances"), ==, 10);
  g_assert_cmpuint (_yun_action_default_rate ("StartInstances"), ==, 10);
  g_assert_cmpuint (_yun_action_default_rate ("StopInstances"), ==, 10);
  g_assert_cmpuint (_yun_action_default_rate ("RebootInstances"), ==, 10);
  g_assert_cmpuint (_yun_action_default_rate ("TerminateInstances"), ==, 10);
  g_assert_cmpuint (_yun_action_default_rate ("ResetInstancesPassword"), ==, 10);
  g_assert_cmpuint (_yun_action_default_rate ("RunCommand"), ==, 20);
  g_assert_cmpuint (_yun_action_default_rate ("InvokeCommand"), ==, 20);
  g_assert_cmpuint (_yun_action_default_rate ("CreateCommand"), ==, 20);
  g_assert_cmpuint (_yun_action_default_rate ("CancelInvocation"), ==, 20);
  g_assert_cmpuint (_yun_action_default_rate ("DescribeInvocations"), ==, 20);
  g_assert_cmpuint (_yun_action_default_rate ("DescribeInvocationTasks"), ==, 20);
  g_assert_cmpuint (_yun_action_default_rate ("DescribeAutomationAgentStatus"), ==, 20);
  g_assert_cmpuint (_yun_action_default_rate ("SomethingNew"), ==, 10);

  g_assert_cmpfloat (_yun_rate_limiter_get_rate (limiter, "DescribeInstances"), ==, 40);
  g_assert_cmpfloat (_yun_rate_limiter_get_burst (limiter, "DescribeInstances"), >=, 1);
  g_assert_cmpfloat (_yun_rate_limiter_get_burst (limiter, "DescribeInstances"), <=, 40);

  _yun_rate_limiter_set_limit (limiter, "DescribeInstances", 5, 2);
  g_assert_cmpfloat (_yun_rate_limiter_get_rate (limiter, "DescribeInstances"), ==, 5);
  g_assert_cmpfloat (_yun_rate_limiter_get_burst (limiter, "DescribeInstances"), ==, 2);
}

typedef struct
{
  YunRateLimiter *limiter;
  const char *secret_id;
  const char *action;
  guint calls;
  gint64 *stamps; /* when each call was let through */
} Worker;

static gpointer
worker_thread (gpointer data)
{
  Worker *worker = data;

  for (guint i = 0; i < worker->calls; i++)
    {
      g_autoptr (GError) error = NULL;

      g_assert_true (_yun_rate_limiter_acquire (worker->limiter, worker->secret_id, worker->action,
                                                NULL, &error));
      g_assert_no_error (error);
      worker->stamps[i] = g_get_monotonic_time ();
    }
  return NULL;
}

static int
compare_gint64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static void
run_burst (YunRateLimiter *limiter,
           const char *secret_id,
           const char *action,
           guint n_threads,
           guint calls_per_thread,
           double rate,
           double burst)
{
  guint n = n_threads * calls_per_thread;
  g_autofree Worker *workers = g_new0 (Worker, n_threads);
  g_autofree gint64 *stamps = g_new0 (gint64, n);
  g_autofree GThread **threads = g_new0 (GThread *, n_threads);
  gint64 started = g_get_monotonic_time ();
  gint64 min_elapsed = (gint64) ((n - burst) / rate * G_USEC_PER_SEC);

  for (guint t = 0; t < n_threads; t++)
    {
      workers[t].limiter = limiter;
      workers[t].secret_id = secret_id;
      workers[t].action = action;
      workers[t].calls = calls_per_thread;
      workers[t].stamps = stamps + t * calls_per_thread;
      threads[t] = g_thread_new ("rate-limit-worker", worker_thread, &workers[t]);
    }
  for (guint t = 0; t < n_threads; t++)
    g_thread_join (threads[t]);

  /* The whole burst takes at least (N - burst) / rate seconds… */
  g_assert_cmpint (g_get_monotonic_time () - started, >=, min_elapsed);

  /* …and at every moment of the run no more than burst + rate * elapsed calls had gone
   * through. A stamp is taken after its call was let through, so a slow thread only makes
   * it later: this bound cannot fail because the machine is slow. */
  qsort (stamps, n, sizeof (gint64), compare_gint64);
  for (guint k = 0; k < n; k++)
    {
      double elapsed = (double) (stamps[k] - started) / G_USEC_PER_SEC;

      g_assert_cmpfloat ((double) (k + 1), <=, burst + rate * elapsed + 1e-6);
    }
}

static void
test_burst_over_threads (void)
{
  g_autoptr (YunRateLimiter) limiter = _yun_rate_limiter_new ();

  _yun_rate_limiter_set_limit (limiter, "TestAction", 20, 4);
  /* 44 calls over 4 threads: at least (44 - 4) / 20 = 2 s */
  run_burst (limiter, "AKIDtest", "TestAction", 4, 11, 20, 4);
}

static void
test_documented_rate_over_threads (void)
{
  g_autoptr (YunRateLimiter) limiter = _yun_rate_limiter_new ();
  double rate = _yun_rate_limiter_get_rate (limiter, "StopInstances");
  double burst = _yun_rate_limiter_get_burst (limiter, "StopInstances");

  /* 3 threads × 7 calls of a 10/s action */
  run_burst (limiter, "AKIDtest", "StopInstances", 3, 7, rate, burst);
}

static void
test_buckets_are_separate (void)
{
  g_autoptr (YunRateLimiter) limiter = _yun_rate_limiter_new ();
  gint64 started = g_get_monotonic_time ();

  _yun_rate_limiter_set_limit (limiter, "A", 1, 1);
  _yun_rate_limiter_set_limit (limiter, "B", 1, 1);

  /* One token each for (id1, A), (id2, A) and (id1, B): nobody waits for anybody. */
  g_assert_true (_yun_rate_limiter_acquire (limiter, "id1", "A", NULL, NULL));
  g_assert_true (_yun_rate_limiter_acquire (limiter, "id2", "A", NULL, NULL));
  g_assert_true (_yun_rate_limiter_acquire (limiter, "id1", "B", NULL, NULL));

  /* The second call of (id1, A) waits for a refill: at least one second. */
  g_assert_true (_yun_rate_limiter_acquire (limiter, "id1", "A", NULL, NULL));
  g_assert_cmpint (g_get_monotonic_time () - started, >=, G_USEC_PER_SEC);
}

static gboolean
cancel_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static gpointer
cancel_later_thread (gpointer data)
{
  g_usleep (100 * 1000);
  cancel_cb (data);
  return NULL;
}

static void
test_wait_is_cancellable (void)
{
  g_autoptr (YunRateLimiter) limiter = _yun_rate_limiter_new ();
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  GThread *canceller;

  _yun_rate_limiter_set_limit (limiter, "Slow", 0.01, 1); /* one call per 100 s */
  g_assert_true (_yun_rate_limiter_acquire (limiter, "id", "Slow", NULL, NULL));

  canceller = g_thread_new ("canceller", cancel_later_thread, cancellable);
  g_assert_false (_yun_rate_limiter_acquire (limiter, "id", "Slow", cancellable, &error));
  g_assert_error (error, YUN_ERROR, YUN_ERROR_CANCELLED);
  g_thread_join (canceller);

  /* Already cancelled: refused at once (with no token in the bucket). */
  g_clear_error (&error);
  g_assert_false (_yun_rate_limiter_acquire (limiter, "id", "Slow", cancellable, &error));
  g_assert_error (error, YUN_ERROR, YUN_ERROR_CANCELLED);
}

static void
test_default_is_shared (void)
{
  g_assert_true (_yun_rate_limiter_get_default () == _yun_rate_limiter_get_default ());
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/yun/core/rate-limiter/documented-limits", test_documented_limits);
  g_test_add_func ("/yun/core/rate-limiter/burst-over-threads", test_burst_over_threads);
  g_test_add_func ("/yun/core/rate-limiter/documented-rate-over-threads",
                   test_documented_rate_over_threads);
  g_test_add_func ("/yun/core/rate-limiter/buckets-are-separate", test_buckets_are_separate);
  g_test_add_func ("/yun/core/rate-limiter/wait-is-cancellable", test_wait_is_cancellable);
  g_test_add_func ("/yun/core/rate-limiter/default-is-shared", test_default_is_shared);

  return g_test_run ();
}
