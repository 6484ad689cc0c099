/* yun-rate-limiter-private.h: token buckets per (SecretId, action), shared by the process
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include "yun-core-private.h"

G_BEGIN_DECLS

typedef struct _YunRateLimiter YunRateLimiter;

YunRateLimiter *_yun_rate_limiter_get_default (void);
YunRateLimiter *_yun_rate_limiter_new (void);
void _yun_rate_limiter_free (YunRateLimiter *self);

void
_yun_rate_limiter_set_limit (YunRateLimiter *self, const char *action, double rate, double burst);
double _yun_rate_limiter_get_rate (YunRateLimiter *self, const char *action);
double _yun_rate_limiter_get_burst (YunRateLimiter *self, const char *action);

gboolean _yun_rate_limiter_acquire (YunRateLimiter *self,
                                    const char *secret_id,
                                    const char *action,
                                    GCancellable *cancellable,
                                    GError **error);

guint _yun_action_default_rate (const char *action);

gboolean _yun_wait_until (gint64 deadline_us, GCancellable *cancellable);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (YunRateLimiter, _yun_rate_limiter_free)

G_END_DECLS
