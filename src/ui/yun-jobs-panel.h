/* yun-jobs-panel.h: the list of jobs, newest first, with their progress
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <adwaita.h>
#include <yun/yun.h>

G_BEGIN_DECLS

#define YUN_TYPE_JOBS_PANEL (yun_jobs_panel_get_type ())

G_DECLARE_FINAL_TYPE (YunJobsPanel, yun_jobs_panel, YUN, JOBS_PANEL, AdwBin)

YunJobsPanel *yun_jobs_panel_new (void);
void yun_jobs_panel_set_engine (YunJobsPanel *self, YunJobEngine *engine);
void yun_jobs_panel_show_job (YunJobsPanel *self, YunJob *job);

G_END_DECLS
