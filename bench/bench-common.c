/* bench-common.c: what the benchmarks share: a simulator, a client, a cache, its admin API
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include "bench-common.h"

#include <glib/gstdio.h>

void
bench_remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        bench_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

YunClient *
bench_demo_client (const char *url)
{
  g_autoptr (YunCredentials) credentials
    = yun_credentials_new (YUN_SIM_DEMO_SECRET_ID, YUN_SIM_DEMO_SECRET_KEY, NULL);
  g_autoptr (YunEndpoint) endpoint = NULL;
  g_autoptr (GError) error = NULL;

  endpoint = yun_endpoint_new_parse (url, &error);
  if (endpoint == NULL)
    g_error ("%s", error->message);
  return yun_client_new (credentials, endpoint);
}

YunSim *
bench_start_sim (YunSimOptions *options)
{
  g_autoptr (GError) error = NULL;
  YunSim *sim = yun_sim_start (options, &error);

  if (sim == NULL)
    g_error ("%s", error->message);
  return sim;
}

YunCache *
bench_open_cache (const char *path)
{
  g_autoptr (GError) error = NULL;
  YunCache *cache = yun_cache_open (path, &error);

  if (cache == NULL)
    g_error ("%s", error->message);
  return cache;
}

static size_t
append_bytes (char *data, size_t size, size_t count, void *user_data)
{
  g_string_append_len (user_data, data, size * count);
  return size * count;
}

/* One admin request over @curl, which keeps its connection between calls: a GET when @body
 * is NULL. Returns the HTTP status, 0 when there was no answer. */
long
bench_admin_request (CURL *curl, const char *url, const char *body, GString *answer)
{
  long status = 0;

  g_string_truncate (answer, 0);
  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_NOPROXY, "*");
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, append_bytes);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, answer);
  if (body != NULL)
    curl_easy_setopt (curl, CURLOPT_POSTFIELDS, body);
  else
    curl_easy_setopt (curl, CURLOPT_HTTPGET, 1L);
  if (curl_easy_perform (curl) != CURLE_OK)
    return 0;
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
  return status;
}

json_object *
bench_fetch_state (const char *sim_url)
{
  g_autofree char *url = g_strdup_printf ("%s/_yunsim/state", sim_url);
  g_autoptr (GString) answer = g_string_new (NULL);
  CURL *curl = curl_easy_init ();
  long status = bench_admin_request (curl, url, NULL, answer);
  json_object *state;

  curl_easy_cleanup (curl);
  state = status == 200 ? json_tokener_parse (answer->str) : NULL;
  if (state == NULL)
    g_error ("GET %s failed (HTTP %ld)", url, status);
  return state;
}

/* The "requests" count of @action, 0 when it was never called. */
guint
bench_state_requests (json_object *state, const char *action)
{
  json_object *requests, *count;

  if (json_object_object_get_ex (state, "requests", &requests)
      && json_object_object_get_ex (requests, action, &count))
    return (guint) json_object_get_int (count);
  return 0;
}
