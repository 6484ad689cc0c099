/* yun-sim.h: yunsim, a local Tencent Cloud, as a library
 *
 * SPDX-License-Identifier: MIT
 *
 * The same simulator backs the `yunsim` executable, the tests, the benchmarks and the
 * `--demo` mode of yunctl and yundesk. It listens on loopback only.
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The credentials `--demo` uses. They open nothing but a simulator on loopback. */
#define YUN_SIM_DEMO_SECRET_ID "AKIDyunsimDEMOxxxxxxxxxxxxxxxxxxxxxx"
#define YUN_SIM_DEMO_SECRET_KEY "yunsimDemoSecretKeyNotASecret000"

typedef struct _YunSim YunSim;

/**
 * YunSimOptions:
 * @listen_address: address to bind, loopback only (default "127.0.0.1")
 * @port: TCP port, 0 for a free one
 * @seed: the fleet and the faults derive from it; same seed, same fleet
 * @n_regions: how many regions exist
 * @n_instances: instances in the whole fleet, spread over the regions
 * @windows_share: fraction of instances running Windows, 0.0 to 1.0
 * @n_images: images per region (public, private and shared together)
 * @latency_ms: added latency per request
 * @jitter_ms: random extra latency, up to this much
 * @transition_ms: how long a transitional state (PENDING, STOPPING…) lasts
 * @credentials_file: (nullable): a file of "SecretId SecretKey" lines
 * @secret_id: (nullable): one accepted SecretId (with @secret_key)
 * @secret_key: (nullable): its SecretKey
 * @no_rate_limits: serve every request, ignoring the per-action limits
 * @faults: (nullable) (array zero-terminated=1): fault specifications,
 *   `KIND:RATE[:ACTION[:REGION]]`
 * @region_sizes: (nullable) (array zero-terminated=1): `REGION=N` entries: each named region
 *   (among the first @n_regions) gets exactly N instances, and the rest of @n_instances is
 *   spread over the other regions
 * @loopback_ips: (nullable) (array zero-terminated=1): instances that get 127.0.0.1 as their
 *   public address, so that SSH to them reaches a server on this machine: each entry is an
 *   instance ID, or a number N for the first N RUNNING Linux instances of the fleet
 * @tls_cert_file: (nullable): a PEM certificate (chain) to serve HTTPS with, with
 *   @tls_key_file; %NULL serves plain HTTP
 * @tls_key_file: (nullable): the PEM private key of @tls_cert_file
 *
 * When neither @credentials_file nor @secret_id is given, the demo credentials are
 * accepted.
 */
typedef struct
{
  const char *listen_address;
  guint16 port;
  guint64 seed;
  guint n_regions;
  guint n_instances;
  double windows_share;
  guint n_images;
  guint latency_ms;
  guint jitter_ms;
  guint transition_ms;
  const char *credentials_file;
  const char *secret_id;
  const char *secret_key;
  gboolean no_rate_limits;
  const char *const *faults;
  const char *const *region_sizes;
  const char *const *loopback_ips;
  const char *tls_cert_file;
  const char *tls_key_file;
} YunSimOptions;

void yun_sim_options_init (YunSimOptions *options);

YunSim *yun_sim_start (const YunSimOptions *options, GError **error);
const char *yun_sim_get_url (YunSim *self);
void yun_sim_stop (YunSim *self);
gboolean
yun_sim_set_public_ip (YunSim *self, const char *instance_id, const char *address, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (YunSim, yun_sim_stop)

G_END_DECLS
