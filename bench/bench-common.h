/* bench-common.h: what the benchmarks share: a simulator, a client, a cache, its admin API
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <curl/curl.h>

#include "yun-core-private.h"
#include "yun-sim.h"

G_BEGIN_DECLS

/* Removes a folder and everything in it. */
void bench_remove_tree (const char *path);
/* A client with the demo credentials, for the simulator at @url. */
YunClient *bench_demo_client (const char *url);
/* Starts an in-process simulator; aborts if it cannot. */
YunSim *bench_start_sim (YunSimOptions *options);
/* Opens (creating) the cache at @path; aborts if it cannot. */
YunCache *bench_open_cache (const char *path);
/* One request to the simulator's admin API (GET when @body is NULL); the HTTP status. */
long bench_admin_request (CURL *curl, const char *url, const char *body, GString *answer);
/* GET /_yunsim/state, parsed. */
json_object *bench_fetch_state (const char *sim_url);
/* How many requests of @action the simulator counted, from @state. */
guint bench_state_requests (json_object *state, const char *action);

G_END_DECLS
