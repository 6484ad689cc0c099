/* yun-client-private.h: the generic signed call under every typed CVM and TAT call
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include "yun-core-private.h"

G_BEGIN_DECLS

/**
 * YunCallFlags:
 * @YUN_CALL_MUTATING: the call changes state and may not be repeated once it could have
 *   reached the service; only a refusal that proves nothing happened (a rate-limit answer,
 *   a connection that never opened) is retried
 * @YUN_CALL_SAFE: a read, an idempotent change, or a call carrying a ClientToken: it is
 *   retried after throttling, `InternalError` and transport failures
 */
typedef enum
{
  YUN_CALL_MUTATING = 0,
  YUN_CALL_SAFE = 1 << 0,
} YunCallFlags;

/* Sends one signed POST of @params (borrowed; NULL for "{}") to @service's @action in
 * @region (NULL where the action takes none, as CVM DescribeRegions), waiting for the rate
 * limiter first and retrying as @flags allow. Returns (transfer full) the "Response" object
 * of a successful answer, which still holds its "RequestId", or NULL and a YUN_ERROR. */
json_object *_yun_client_call (YunClient *self,
                               YunService service,
                               const char *action,
                               const char *region,
                               json_object *params,
                               YunCallFlags flags,
                               GCancellable *cancellable,
                               GError **error);

/* Runs @func (self, input, cancellable, error) on a worker thread and completes with its
 * result: the shape of every typed `_async`/`_finish` pair. */
typedef gpointer (*YunClientWorkFunc) (YunClient *self,
                                       gpointer input,
                                       GCancellable *cancellable,
                                       GError **error);

void _yun_client_run_async (YunClient *self,
                            YunClientWorkFunc func,
                            gpointer input,
                            GDestroyNotify input_free,
                            GDestroyNotify result_free,
                            gpointer source_tag,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data);
gpointer
_yun_client_run_finish (YunClient *self, GAsyncResult *result, gpointer source_tag, GError **error);

G_END_DECLS
