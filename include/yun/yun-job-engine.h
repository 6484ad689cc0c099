/* yun-job-engine.h: batch jobs that never lose, double or strand an operation
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#if !defined(YUN_INSIDE) && !defined(YUN_COMPILATION)
#error "Only <yun/yun.h> can be included directly."
#endif

#include <yun/yun-cache.h>
#include <yun/yun-client.h>
#include <yun/yun-job.h>
#include <yun/yun-secret-store.h>
#include <yun/yun-types.h>

G_BEGIN_DECLS

#define YUN_TYPE_JOB_ENGINE (yun_job_engine_get_type ())

#define YUN_JOB_ENGINE_DEFAULT_MAX_WORKERS 8

G_DECLARE_FINAL_TYPE (YunJobEngine, yun_job_engine, YUN, JOB_ENGINE, GObject)

YunJobEngine *yun_job_engine_new (YunCache *cache, const char *account, YunClient *client);
void yun_job_engine_set_client (YunJobEngine *self, YunClient *client);

guint yun_job_engine_get_max_workers (YunJobEngine *self);
void yun_job_engine_set_max_workers (YunJobEngine *self, guint max_workers);
guint yun_job_engine_get_poll_interval (YunJobEngine *self);
void yun_job_engine_set_poll_interval (YunJobEngine *self, guint milliseconds);
void yun_job_engine_set_secret_store (YunJobEngine *self, YunSecretStore *secrets);

GListModel *yun_job_engine_get_jobs (YunJobEngine *self);
YunJob *yun_job_engine_lookup (YunJobEngine *self, gint64 job_id);

YunJob *yun_job_engine_submit (YunJobEngine *self, YunJobSpec *spec, GError **error);
YunJob *
yun_job_engine_retry_failed (YunJobEngine *self, YunJob *job, const char *password, GError **error);
gboolean yun_job_engine_load_history (YunJobEngine *self, guint limit, GError **error);
void yun_job_engine_load_history_async (YunJobEngine *self,
                                        guint limit,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data);
gboolean
yun_job_engine_load_history_finish (YunJobEngine *self, GAsyncResult *result, GError **error);
GPtrArray *yun_job_engine_dup_recent_commands (YunJobEngine *self, guint limit, GError **error);
guint yun_job_engine_resume (YunJobEngine *self, GError **error);
void yun_job_engine_resume_async (YunJobEngine *self,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data);
guint yun_job_engine_resume_finish (YunJobEngine *self, GAsyncResult *result, GError **error);

G_END_DECLS
