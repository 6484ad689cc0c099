/* bench-sim.c: how fast yunsim answers DescribeInstances, and how much memory it needs
 *
 * SPDX-License-Identifier: MIT
 *
 * 1. An in-process yunsim with 10,000 instances and no rate limits; several client threads,
 *    each with one keep-alive libcurl handle, ask DescribeInstances (Limit 100) in a loop.
 * 2. A yunsim process with 50,000 instances: VmRSS after start and after paging through every
 *    instance once (every per-instance JSON fragment cached).
 *
 * Prints figures; never fails on a time.
 */

#define G_LOG_DOMAIN "bench-sim"

#include "config.h"

#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yun-core-private.h"
#include "yun-sim.h"

#define REGION "ap-guangzhou"

typedef struct
{
  const char *url;
  const char *body;
  gint64 deadline;
  guint64 requests;
  guint64 bytes;
  guint64 failures;
} Worker;

static size_t
count_bytes (char *data, size_t size, size_t count, void *user_data)
{
  *(guint64 *) user_data += size * count;
  return size * count;
}

static struct curl_slist *
signed_headers (const char *url, const char *body)
{
  const char *host = url + strlen ("http://");
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  YunHeader headers[] = { { "Content-Type", "application/json" }, { "Host", host } };
  YunSignRequest request = { .method = "POST",
                             .headers = headers,
                             .n_headers = G_N_ELEMENTS (headers),
                             .payload = body,
                             .payload_len = strlen (body),
                             .service = "cvm",
                             .timestamp = now };
  g_autoptr (YunSignature) signature
    = yun_signer_sign (&request, YUN_SIM_DEMO_SECRET_ID, YUN_SIM_DEMO_SECRET_KEY);
  g_autofree char *auth = g_strdup_printf ("Authorization: %s", signature->authorization);
  g_autofree char *stamp = g_strdup_printf ("X-TC-Timestamp: %" G_GINT64_FORMAT, now);
  struct curl_slist *list = NULL;

  list = curl_slist_append (list, "Content-Type: application/json");
  list = curl_slist_append (list, "X-TC-Action: DescribeInstances");
  list = curl_slist_append (list, "X-TC-Version: 2017-03-12");
  list = curl_slist_append (list, "X-TC-Region: " REGION);
  list = curl_slist_append (list, "Expect:");
  list = curl_slist_append (list, auth);
  list = curl_slist_append (list, stamp);
  return list;
}

static gpointer
run_worker (gpointer data)
{
  Worker *worker = data;
  g_autofree char *url = g_strdup_printf ("%s/", worker->url);
  struct curl_slist *headers = signed_headers (worker->url, worker->body);
  CURL *curl = curl_easy_init ();

  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (curl, CURLOPT_POSTFIELDS, worker->body);
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_NOPROXY, "*");
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, count_bytes);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, &worker->bytes);
  while (g_get_monotonic_time () < worker->deadline)
    {
      long status = 0;

      if (curl_easy_perform (curl) != CURLE_OK)
        worker->failures++;
      curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
      if (status != 200)
        worker->failures++;
      worker->requests++;
    }
  curl_easy_cleanup (curl);
  curl_slist_free_all (headers);
  return NULL;
}

static void
bench_throughput (guint n_instances, guint n_threads, double seconds)
{
  YunSimOptions options;
  g_autoptr (GError) error = NULL;
  g_autofree Worker *workers = g_new0 (Worker, n_threads);
  g_autofree GThread **threads = g_new0 (GThread *, n_threads);
  g_autoptr (GPtrArray) bodies = g_ptr_array_new_with_free_func (g_free);
  YunSim *sim;
  guint64 requests = 0, bytes = 0, failures = 0;
  gint64 start, elapsed;

  yun_sim_options_init (&options);
  options.n_instances = n_instances;
  options.n_regions = 6;
  options.no_rate_limits = TRUE;
  sim = yun_sim_start (&options, &error);
  if (sim == NULL)
    g_error ("%s", error->message);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < n_threads; i++)
    {
      workers[i].url = yun_sim_get_url (sim);
      /* each client reads its own page, so the answers differ */
      g_ptr_array_add (bodies, g_strdup_printf ("{\"Offset\":%u,\"Limit\":100}", i * 100));
      workers[i].body = g_ptr_array_index (bodies, i);
      workers[i].deadline = start + (gint64) (seconds * G_USEC_PER_SEC);
      threads[i] = g_thread_new ("client", run_worker, &workers[i]);
    }
  for (guint i = 0; i < n_threads; i++)
    {
      g_thread_join (threads[i]);
      requests += workers[i].requests;
      bytes += workers[i].bytes;
      failures += workers[i].failures;
    }
  elapsed = g_get_monotonic_time () - start;
  printf ("DescribeInstances Limit 100, %u instances (6 regions), %u keep-alive clients:\n"
          "  %" G_GUINT64_FORMAT " requests in %.2f s = %.0f requests/s, %.1f MB/s, "
          "%" G_GUINT64_FORMAT " failures, %.1f KB per answer\n",
          n_instances, n_threads, requests, elapsed / 1e6, requests / (elapsed / 1e6),
          bytes / (elapsed / 1e6) / 1e6, failures, requests ? bytes / 1024.0 / requests : 0);
  yun_sim_stop (sim);
}

static long
vm_rss_kb (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", pid);
  g_autofree char *contents = NULL;
  const char *line;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return -1;
  line = strstr (contents, "VmRSS:");
  return line != NULL ? strtol (line + 6, NULL, 10) : -1;
}

static void
page_everything (const char *url)
{
  g_autoptr (GPtrArray) regions = g_ptr_array_new ();
  static const char *const names[]
    = { "ap-guangzhou", "ap-shanghai", "ap-beijing", "ap-chengdu", "ap-chongqing", "ap-nanjing" };
  g_autofree char *endpoint = g_strdup_printf ("%s/", url);

  for (guint r = 0; r < G_N_ELEMENTS (names); r++)
    for (guint offset = 0;; offset += 100)
      {
        g_autofree char *body = g_strdup_printf ("{\"Offset\":%u,\"Limit\":100}", offset);
        struct curl_slist *headers = signed_headers (url, body);
        g_autofree char *region = g_strdup_printf ("X-TC-Region: %s", names[r]);
        CURL *curl = curl_easy_init ();
        guint64 bytes = 0;

        headers = curl_slist_append (headers, region);
        curl_easy_setopt (curl, CURLOPT_URL, endpoint);
        curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt (curl, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt (curl, CURLOPT_NOPROXY, "*");
        curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, count_bytes);
        curl_easy_setopt (curl, CURLOPT_WRITEDATA, &bytes);
        curl_easy_perform (curl);
        curl_easy_cleanup (curl);
        curl_slist_free_all (headers);
        if (bytes < 200) /* an empty InstanceSet: past the last page */
          break;
      }
}

static void
bench_memory (guint n_instances)
{
  g_autofree char *count = g_strdup_printf ("%u", n_instances);
  const char *argv[]
    = { YUNSIM_PATH, "--port", "0", "--instances", count, "--no-rate-limits", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) process
    = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_autoptr (GDataInputStream) data = NULL;
  g_autofree char *line = NULL;
  GPid pid;
  long before, after;

  if (process == NULL)
    g_error ("%s", error->message);
  data = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  line = g_data_input_stream_read_line_utf8 (data, NULL, NULL, &error);
  if (line == NULL || !g_str_has_prefix (line, "yunsim listening on "))
    g_error ("yunsim did not start");
  pid = atoi (g_subprocess_get_identifier (process));
  before = vm_rss_kb (pid);
  page_everything (line + strlen ("yunsim listening on "));
  after = vm_rss_kb (pid);
  printf ("yunsim RSS with %u instances: %.1f MB after start, %.1f MB after listing every "
          "instance once\n",
          n_instances, before / 1024.0, after / 1024.0);
  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, NULL);
}

int
main (int argc, char **argv)
{
  guint threads = argc > 1 ? (guint) atoi (argv[1]) : 4;
  double seconds = argc > 2 ? g_ascii_strtod (argv[2], NULL) : 5.0;

  curl_global_init (CURL_GLOBAL_DEFAULT);
  printf ("bench-sim on %u CPUs\n", g_get_num_processors ());
  bench_throughput (10000, MAX (threads, 1), seconds);
  bench_memory (50000);
  curl_global_cleanup ();
  return 0;
}
