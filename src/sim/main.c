/* main.c: the yunsim executable
 *
 * SPDX-License-Identifier: MIT
 *
 * Prints "yunsim listening on http://HOST:PORT" as its first line (flushed), then serves
 * until SIGINT or SIGTERM.
 */

#define G_LOG_DOMAIN "yunsim"

#include "config.h"

#include <glib-unix.h>
#include <stdio.h>
#include <stdlib.h>

#include "yun-sim.h"

static gboolean
on_signal (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

int
main (int argc, char **argv)
{
  YunSimOptions options;
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *credentials_file = NULL;
  g_autofree char *secret_id = NULL;
  g_autofree char *secret_key = NULL;
  g_autofree char *tls_cert = NULL;
  g_autofree char *tls_key = NULL;
  g_auto (GStrv) faults = NULL;
  g_auto (GStrv) region_sizes = NULL;
  g_auto (GStrv) loopback_ips = NULL;
  gint port = 0;
  gint64 seed;
  gint regions, instances, images, latency = 0, jitter = 0, transition;
  double windows_share;
  gboolean no_rate_limits = FALSE;
  YunSim *sim;

  yun_sim_options_init (&options);
  seed = (gint64) options.seed;
  regions = options.n_regions;
  instances = options.n_instances;
  images = options.n_images;
  transition = options.transition_ms;
  windows_share = options.windows_share;

  {
    GOptionEntry entries[] = {
      { "listen", 0, 0, G_OPTION_ARG_STRING, &listen, "Loopback address to bind (127.0.0.1)",
        "ADDRESS" },
      { "port", 0, 0, G_OPTION_ARG_INT, &port, "TCP port, 0 for a free one (0)", "PORT" },
      { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed of the fleet and the faults (1)", "N" },
      { "regions", 0, 0, G_OPTION_ARG_INT, &regions, "Number of regions (6, at most 20)", "N" },
      { "instances", 0, 0, G_OPTION_ARG_INT, &instances, "Instances in the fleet (200)", "N" },
      { "windows-share", 0, 0, G_OPTION_ARG_DOUBLE, &windows_share,
        "Fraction of Windows instances (0.2)", "F" },
      { "images", 0, 0, G_OPTION_ARG_INT, &images, "Images per region (10)", "N" },
      { "latency-ms", 0, 0, G_OPTION_ARG_INT, &latency, "Added latency per request (0)", "MS" },
      { "jitter-ms", 0, 0, G_OPTION_ARG_INT, &jitter, "Random extra latency, up to (0)", "MS" },
      { "transition-ms", 0, 0, G_OPTION_ARG_INT, &transition,
        "Duration of transitional states (2000)", "MS" },
      { "credentials", 0, 0, G_OPTION_ARG_FILENAME, &credentials_file,
        "File of “SecretId SecretKey [Token]” lines", "FILE" },
      { "secret-id", 0, 0, G_OPTION_ARG_STRING, &secret_id, "Accepted SecretId", "ID" },
      { "secret-key", 0, 0, G_OPTION_ARG_STRING, &secret_key, "Its SecretKey", "KEY" },
      { "no-rate-limits", 0, 0, G_OPTION_ARG_NONE, &no_rate_limits,
        "Ignore the per-action rate limits", NULL },
      { "fault", 0, 0, G_OPTION_ARG_STRING_ARRAY, &faults,
        "Inject a fault: "
        "throttle|internal|drop-before|drop-after|stall|op-fail:RATE[:ACTION[:REGION]]",
        "SPEC" },
      { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &tls_cert,
        "Serve HTTPS with this PEM certificate (chain)", "FILE" },
      { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &tls_key, "The PEM private key of --tls-cert",
        "FILE" },
      { "region-instances", 0, 0, G_OPTION_ARG_STRING_ARRAY, &region_sizes,
        "Give REGION exactly N of the instances", "REGION=N" },
      { "loopback-ip", 0, 0, G_OPTION_ARG_STRING_ARRAY, &loopback_ips,
        "Give an instance (or the first N running Linux ones) the public address 127.0.0.1",
        "ID|N" },
      { NULL },
    };

    context = g_option_context_new ("- a local Tencent Cloud (CVM and TAT) for tests and demos");
    g_option_context_add_main_entries (context, entries, NULL);
    g_option_context_set_description (
      context, "Without --credentials or --secret-id, the demo credentials are accepted:\n  "
               "SecretId " YUN_SIM_DEMO_SECRET_ID "\n  SecretKey " YUN_SIM_DEMO_SECRET_KEY "\n");
    if (!g_option_context_parse (context, &argc, &argv, &error))
      {
        g_printerr ("yunsim: %s\n", error->message);
        return EXIT_FAILURE;
      }
  }

  if (port < 0 || port > 65535 || regions < 1 || instances < 0 || images < 0 || latency < 0
      || jitter < 0 || transition < 0 || windows_share < 0 || windows_share > 1 || seed < 0)
    {
      g_printerr ("yunsim: an option is out of range\n");
      return EXIT_FAILURE;
    }
  if ((secret_id == NULL) != (secret_key == NULL))
    {
      g_printerr ("yunsim: --secret-id and --secret-key go together\n");
      return EXIT_FAILURE;
    }

  if (listen != NULL)
    options.listen_address = listen;
  options.port = port;
  options.seed = (guint64) seed;
  options.n_regions = regions;
  options.n_instances = instances;
  options.n_images = images;
  options.windows_share = windows_share;
  options.latency_ms = latency;
  options.jitter_ms = jitter;
  options.transition_ms = transition;
  options.credentials_file = credentials_file;
  options.secret_id = secret_id;
  options.secret_key = secret_key;
  options.no_rate_limits = no_rate_limits;
  options.faults = (const char *const *) faults;
  options.region_sizes = (const char *const *) region_sizes;
  options.loopback_ips = (const char *const *) loopback_ips;
  options.tls_cert_file = tls_cert;
  options.tls_key_file = tls_key;

  sim = yun_sim_start (&options, &error);
  if (sim == NULL)
    {
      g_printerr ("yunsim: %s\n", error->message);
      return EXIT_FAILURE;
    }

  printf ("yunsim listening on %s\n", yun_sim_get_url (sim));
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, on_signal, loop);
  g_unix_signal_add (SIGTERM, on_signal, loop);
  g_main_loop_run (loop);

  yun_sim_stop (sim);
  return EXIT_SUCCESS;
}
