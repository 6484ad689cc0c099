/* yun-rate-limiter.c: token buckets per (SecretId, action), shared by the process
 *
 * SPDX-License-Identifier: MIT
 *
 * Tencent Cloud limits each API per account (and region) to a documented number of
 * requests per second. Every YunClient and every thread of the process draws from the same
 * bucket for a (SecretId, action) pair, so a batch over hundreds of instances slows down
 * instead of failing with RequestLimitExceeded.
 *
 * A bucket holds up to `burst` tokens and refills at `rate` per second. A caller takes a
 * token at once, going into debt when none is left, and then sleeps until the moment its
 * token has been refilled. Callers therefore leave in the order they arrived, the lock is
 * never held while sleeping, and over any interval of length T no more than
 * burst + rate * T calls pass.
 */

#define G_LOG_DOMAIN "yun-rate-limiter"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "yun-rate-limiter-private.h"

typedef struct
{
  double rate;
  double burst;
  double tokens;
  gint64 updated_us;
} Bucket;

typedef struct
{
  double rate;
  double burst;
} Limit;

struct _YunRateLimiter
{
  GMutex lock;
  GHashTable *buckets; /* "SecretId\nAction" → Bucket */
  GHashTable *limits;  /* Action → Limit, overriding the documented table */
};

/* Requests per second, the public column of api-contract.md §5. Where two sources
 * disagree, the lower figure. */
static const struct
{
  const char *action;
  guint rate;
} documented_limits[] = {
  { "DescribeRegions", 20 },
  { "DescribeZones", 20 },
  { "DescribeImages", 40 },
  { "DescribeInstances", 40 },
  { "DescribeInstancesStatus", 40 },
  { "DescribeInstanceTypeConfigs", 40 },
  { "DescribeZoneInstanceConfigInfos", 40 },
  { "DescribeInstanceVncUrl", 10 },
  { "DescribeInstancesOperationLimit", 10 },
  { "InquiryPriceRunInstances", 10 },
  { "RunInstances", 10 },
  { "StartInstances", 10 },
  { "StopInstances", 10 },
  { "RebootInstances", 10 },
  { "TerminateInstances", 10 },
  { "ResetInstancesPassword", 10 },
  { "RunCommand", 20 },
  { "InvokeCommand", 20 },
  { "CreateCommand", 20 },
  { "CancelInvocation", 20 },
  { "DescribeInvocations", 20 },
  { "DescribeInvocationTasks", 20 },
  { "DescribeAutomationAgentStatus", 20 },
};

#define UNKNOWN_ACTION_RATE 10

/**
 * _yun_action_default_rate:
 * @action: an API action name
 *
 * Returns: the documented requests per second for @action, 10 for an action the table
 *   does not know
 */
guint
_yun_action_default_rate (const char *action)
{
  g_return_val_if_fail (action != NULL, UNKNOWN_ACTION_RATE);

  for (gsize i = 0; i < G_N_ELEMENTS (documented_limits); i++)
    if (strcmp (documented_limits[i].action, action) == 0)
      return documented_limits[i].rate;
  return UNKNOWN_ACTION_RATE;
}

/**
 * _yun_rate_limiter_new:
 *
 * A limiter of its own, for tests; the client uses _yun_rate_limiter_get_default().
 *
 * Returns: (transfer full): a new limiter with the documented limits
 */
YunRateLimiter *
_yun_rate_limiter_new (void)
{
  YunRateLimiter *self = g_new0 (YunRateLimiter, 1);

  g_mutex_init (&self->lock);
  self->buckets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->limits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return self;
}

void
_yun_rate_limiter_free (YunRateLimiter *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->buckets, g_hash_table_unref);
  g_clear_pointer (&self->limits, g_hash_table_unref);
  g_mutex_clear (&self->lock);
  g_free (self);
}

/**
 * _yun_rate_limiter_get_default:
 *
 * Returns: (transfer none): the limiter every client of the process shares
 */
YunRateLimiter *
_yun_rate_limiter_get_default (void)
{
  static YunRateLimiter *default_limiter;

  if (g_once_init_enter (&default_limiter))
    g_once_init_leave (&default_limiter, _yun_rate_limiter_new ());
  return default_limiter;
}

static void
lookup_limit (YunRateLimiter *self, const char *action, double *rate, double *burst)
{
  const Limit *limit = g_hash_table_lookup (self->limits, action);

  if (limit != NULL)
    {
      *rate = limit->rate;
      *burst = limit->burst;
      return;
    }

  /* Three quarters of a second's worth at once: a fleet refresh starts at full speed, and
   * the quarter left of the service's one-second allowance absorbs requests that leave
   * spread out and arrive bunched. */
  *rate = _yun_action_default_rate (action);
  *burst = MAX (1.0, (double) (guint) (*rate * 3 / 4));
}

/**
 * _yun_rate_limiter_set_limit:
 * @self: a limiter
 * @action: an API action name
 * @rate: tokens per second, > 0
 * @burst: bucket size, >= 1
 *
 * Overrides the documented limit of @action, for buckets created afterwards.
 */
void
_yun_rate_limiter_set_limit (YunRateLimiter *self, const char *action, double rate, double burst)
{
  Limit *limit;

  g_return_if_fail (self != NULL);
  g_return_if_fail (action != NULL);
  g_return_if_fail (rate > 0);
  g_return_if_fail (burst >= 1);

  limit = g_new (Limit, 1);
  limit->rate = rate;
  limit->burst = burst;
  g_mutex_lock (&self->lock);
  g_hash_table_replace (self->limits, g_strdup (action), limit);
  g_mutex_unlock (&self->lock);
}

double
_yun_rate_limiter_get_rate (YunRateLimiter *self, const char *action)
{
  double rate, burst;

  g_mutex_lock (&self->lock);
  lookup_limit (self, action, &rate, &burst);
  g_mutex_unlock (&self->lock);
  return rate;
}

double
_yun_rate_limiter_get_burst (YunRateLimiter *self, const char *action)
{
  double rate, burst;

  g_mutex_lock (&self->lock);
  lookup_limit (self, action, &rate, &burst);
  g_mutex_unlock (&self->lock);
  return burst;
}

/**
 * _yun_wait_until:
 * @deadline_us: a g_get_monotonic_time() value
 * @cancellable: (nullable): interrupts the wait
 *
 * Sleeps until @deadline_us, never waking early.
 *
 * Returns: %TRUE when the deadline passed, %FALSE when @cancellable fired first
 */
gboolean
_yun_wait_until (gint64 deadline_us, GCancellable *cancellable)
{
  gboolean have_fd = FALSE;
  gboolean reached = FALSE;
  GPollFD pollfd;

  if (cancellable != NULL)
    have_fd = g_cancellable_make_pollfd (cancellable, &pollfd);

  for (;;)
    {
      gint64 remaining;

      if (g_cancellable_is_cancelled (cancellable))
        break;

      remaining = deadline_us - g_get_monotonic_time ();
      if (remaining <= 0)
        {
          reached = TRUE;
          break;
        }

      if (have_fd)
        g_poll (&pollfd, 1, (int) MIN ((remaining + 999) / 1000, G_MAXINT));
      else if (cancellable != NULL)
        g_usleep (MIN (remaining, 20 * 1000)); /* no fd left: poll the flag */
      else
        g_usleep (remaining);
    }

  if (have_fd)
    g_cancellable_release_fd (cancellable);
  return reached;
}

/**
 * _yun_rate_limiter_acquire:
 * @self: a limiter
 * @secret_id: whose limit
 * @action: which API
 * @cancellable: (nullable): interrupts the wait
 * @error: return location for a #GError
 *
 * Waits until one more call of @action with @secret_id fits in its limit.
 *
 * Returns: %TRUE when the call may go, %FALSE with %YUN_ERROR_CANCELLED
 */
gboolean
_yun_rate_limiter_acquire (YunRateLimiter *self,
                           const char *secret_id,
                           const char *action,
                           GCancellable *cancellable,
                           GError **error)
{
  g_autofree char *key = NULL;
  gint64 deadline = 0;
  gint64 now;
  Bucket *bucket;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (secret_id != NULL, FALSE);
  g_return_val_if_fail (action != NULL, FALSE);

  key = g_strconcat (secret_id, "\n", action, NULL);

  g_mutex_lock (&self->lock);
  now = g_get_monotonic_time ();
  bucket = g_hash_table_lookup (self->buckets, key);
  if (bucket == NULL)
    {
      bucket = g_new0 (Bucket, 1);
      lookup_limit (self, action, &bucket->rate, &bucket->burst);
      bucket->tokens = bucket->burst;
      bucket->updated_us = now;
      g_hash_table_insert (self->buckets, g_steal_pointer (&key), bucket);
    }
  else if (now > bucket->updated_us)
    {
      bucket->tokens = MIN (
        bucket->burst,
        bucket->tokens + (double) (now - bucket->updated_us) * bucket->rate / G_USEC_PER_SEC);
      bucket->updated_us = now;
    }

  bucket->tokens -= 1;
  if (bucket->tokens < 0)
    deadline = now + (gint64) (-bucket->tokens * G_USEC_PER_SEC / bucket->rate) + 1;
  g_mutex_unlock (&self->lock);

  if (deadline == 0)
    return TRUE;

  if (!_yun_wait_until (deadline, cancellable))
    {
      /* Give the token back: the call will not be made. */
      g_mutex_lock (&self->lock);
      bucket->tokens = MIN (bucket->burst, bucket->tokens + 1);
      g_mutex_unlock (&self->lock);
      g_set_error (error, YUN_ERROR, YUN_ERROR_CANCELLED,
                   _ ("Cancelled while waiting for the rate limit of %s"), action);
      return FALSE;
    }
  return TRUE;
}
