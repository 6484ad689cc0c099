/* yun-job-view.h: one job's per-instance results, live, with retry and export
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <adwaita.h>
#include <yun/yun.h>

G_BEGIN_DECLS

#define YUN_TYPE_JOB_VIEW (yun_job_view_get_type ())

G_DECLARE_FINAL_TYPE (YunJobView, yun_job_view, YUN, JOB_VIEW, AdwWindow)

YunJobView *yun_job_view_new (GtkWindow *parent, YunJobEngine *engine, YunJob *job);
YunJob *yun_job_view_get_job (YunJobView *self);

const char *yun_job_kind_get_label (YunJobKind kind);
char *yun_job_view_dup_summary (YunJob *job);

G_END_DECLS
