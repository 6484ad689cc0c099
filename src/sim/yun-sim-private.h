/* yun-sim-private.h: what the files of yunsim share
 *
 * SPDX-License-Identifier: MIT
 *
 * One YunSim holds the whole simulated account: the fleet (regions, zones, images,
 * instances), the TAT agents and invocations, the credentials, the rate-limit buckets, the
 * fault set and the admin overrides. A single mutex (`lock`) protects all of it; handlers
 * take it for the duration of one action, which keeps the model simple and is cheap because
 * the hot path (DescribeInstances) only concatenates pre-serialised instance fragments.
 *
 * Time: transitions are evaluated lazily from monotonic timestamps (no timer thread). The
 * server's wall clock is the real clock plus an admin-set offset.
 */

#pragma once

#include <json-c/json.h>

#include "yun-core-private.h"
#include "yun-sim.h"

G_BEGIN_DECLS

typedef enum
{
  SIM_STATE_PENDING,
  SIM_STATE_LAUNCH_FAILED,
  SIM_STATE_RUNNING,
  SIM_STATE_STOPPED,
  SIM_STATE_STARTING,
  SIM_STATE_STOPPING,
  SIM_STATE_REBOOTING,
  SIM_STATE_SHUTDOWN,
  SIM_STATE_TERMINATING,
  SIM_STATE_GONE, /* destroyed: removed from the fleet when the transition ends */
  SIM_N_STATES,
} SimState;

typedef enum
{
  SIM_OP_NONE,
  SIM_OP_SUCCESS,
  SIM_OP_OPERATING,
  SIM_OP_FAILED,
} SimOpState;

typedef enum
{
  SIM_AGENT_NONE, /* not installed */
  SIM_AGENT_ONLINE,
  SIM_AGENT_OFFLINE,
} SimAgent;

typedef struct
{
  const char *type;
  const char *family;
  const char *type_name;
  guint cpu;
  guint memory;
} SimTypeInfo;

typedef struct
{
  char *zone;
  char *name;
  char *zone_id;
  char *subnet_id;
  guint64 sold_out_mask; /* bit i: sim_instance_types[i] is SOLD_OUT here */
} SimZone;

typedef struct
{
  char *id;
  char *name;
  char *os_name;
  const char *platform;
  const char *image_type;
  const char *source;
  const char *login_user;
  char *created;
  guint size;
  gboolean windows;
} SimImage;

typedef struct _SimRegion SimRegion;

/* The mutating actions whose applications are counted per instance. */
typedef enum
{
  SIM_OPERATION_RUN,
  SIM_OPERATION_START,
  SIM_OPERATION_STOP,
  SIM_OPERATION_REBOOT,
  SIM_OPERATION_TERMINATE,
  SIM_OPERATION_RESET_PASSWORD,
  SIM_N_OPERATIONS,
} SimOperation;

#define SIM_DIGEST_SIZE 32 /* SHA-256 */

/* What only the admin API sees of an instance's history; allocated by its first operation,
 * so that the untouched fleet costs one pointer per instance. The password itself is never
 * kept: only a salted digest. */
typedef struct
{
  guint32 operations[SIM_N_OPERATIONS]; /* accepted and applied, by action */
  guint8 digest[SIM_DIGEST_SIZE];       /* the password in force, when has_password */
  guint8 next_digest[SIM_DIGEST_SIZE];  /* set when the operation in progress succeeds */
  gint64 password_changed_at;           /* UNIX seconds */
  const char *error_msg;                /* LatestOperationErrorMsg (static string) */
  guint8 source_state;                  /* the state the failing operation returns to */
  guint8 has_password : 1;
  guint8 has_next_digest : 1;
  guint8 fails : 1; /* the operation in progress ends FAILED (op-fail fault) */
  guint8 source_stop_charging : 1;
} SimHistory;

typedef struct
{
  char id[16];
  char *name;
  SimRegion *region;
  SimZone *zone;
  SimImage *image;
  const SimTypeInfo *type;
  guint32 private_ip;
  guint32 public_ip; /* 0: none */
  gint64 created;    /* UNIX seconds */
  gint64 expired;    /* UNIX seconds, prepaid only */
  guint8 uuid[16];
  guint8 state;
  guint8 target_state;
  guint8 op_state;
  guint8 agent;
  guint8 disk_type;
  guint8 prepaid : 1;
  guint8 protected : 1;
  guint8 stop_charging : 1;
  guint8 isolated : 1;
  guint16 disk_size;
  guint16 bandwidth;
  gint64 transition_end; /* monotonic µs; 0 when no transition is in progress */
  const char *latest_op; /* static string */
  char *latest_op_request_id;
  char **tags;         /* key, value, key, value…, NULL */
  SimHistory *history; /* NULL until an operation is applied */
  char *fragment;
  guint32 fragment_len;
} SimInstance;

struct _SimRegion
{
  guint index;
  char *region;
  char *name;
  GPtrArray *zones;     /* SimZone */
  GPtrArray *images;    /* SimImage: the public ones (shared) plus this region's own */
  GPtrArray *instances; /* SimInstance, in creation order */
  GPtrArray *pending;   /* SimInstance with a transition in progress (borrowed) */
  char *vpc_id;
  char *security_group_id;
  guint next_host; /* private addresses are 10.<index>.x.y, handed out in order */
};

typedef enum
{
  SIM_FAULT_THROTTLE,
  SIM_FAULT_INTERNAL,
  SIM_FAULT_DROP_BEFORE,
  SIM_FAULT_DROP_AFTER,
  SIM_FAULT_STALL,
  SIM_FAULT_OP_FAIL, /* drawn per instance when an operation is applied, not per request */
} SimFaultKind;

typedef struct
{
  SimFaultKind kind;
  double rate;
  char *action; /* NULL: every action */
  char *region; /* NULL: every region (else an X-TC-Region) */
  guint64 counter;
  char *spec;
} SimFault;

typedef struct _SimTat SimTat;

struct _YunSim
{
  /* Immutable after start */
  YunSimOptions options;
  char *listen_address;
  char *url;
  struct MHD_Daemon *daemon;
  char *tls_cert; /* PEM, when serving HTTPS */
  char *tls_key;
  GHashTable *credentials; /* SecretId → SimCredential */
  guint64 seed;
  guint8 password_salt[16];
  gint64 transition_us;

  /* Stopping: wakes up stalls and latency sleeps */
  GMutex stop_lock;
  GCond stop_cond;
  gboolean stopping;

  /* Everything below is protected by lock */
  GMutex lock;
  GRand *rand;
  GPtrArray *regions;    /* SimRegion, the first n_regions of the catalogue */
  GHashTable *instances; /* id → SimInstance (borrowed from the regions) */
  GHashTable *images;    /* id → SimImage */
  GPtrArray *all_images; /* owns every SimImage */
  GHashTable *buckets;   /* "SecretId/Action" → SimBucket */
  GPtrArray *faults;     /* SimFault */
  GPtrArray *hostile;    /* armed hostile answers (yun-sim-hostile.c) */
  guint64 jitter_counter;
  gint64 clock_offset;  /* seconds */
  GHashTable *requests; /* action → count (GUINT_TO_POINTER) */
  GHashTable *failures; /* action → error code */
  GHashTable *tokens;   /* ClientToken → SimTokenRecord */
  guint32 next_public_ip;
  guint64 run_instances_created; /* instances created by RunInstances, ever */
  SimTat *tat;
};

/* One API call in progress. */
typedef struct
{
  YunSim *sim;
  SimRegion *region;
  const char *service;
  const char *action;
  const char *secret_id;
  const char *language;
  char request_id[40];
  char *error_code;
  char *error_message;
  GString *raw; /* set by handlers that serialise their own fields (fast path) */
  gint64 now;   /* monotonic µs */
} SimCall;

typedef json_object *(*SimActionFunc) (SimCall *call, json_object *params);

typedef struct
{
  const char *service;
  const char *action;
  guint rate; /* per second, per SecretId */
  gboolean needs_region;
  const char *params; /* accepted top-level parameters, comma-separated */
  SimActionFunc func;
} SimAction;

typedef struct
{
  char *name;
  GPtrArray *values; /* const char *, borrowed from the parameters */
} SimFilter;

extern const SimTypeInfo sim_instance_types[];
extern const guint sim_n_instance_types;

/* yun-sim-params.c */
gboolean sim_call_fail (SimCall *call, const char *code, const char *format, ...)
  G_GNUC_PRINTF (3, 4);
gboolean sim_param_string (
  SimCall *call, json_object *params, const char *name, gboolean required, const char **out);
gboolean sim_param_int (SimCall *call,
                        json_object *params,
                        const char *name,
                        gint64 default_value,
                        gint64 min,
                        gint64 max,
                        gint64 *out);
gboolean sim_param_bool (
  SimCall *call, json_object *params, const char *name, gboolean default_value, gboolean *out);
gboolean sim_param_object (
  SimCall *call, json_object *params, const char *name, gboolean required, json_object **out);
gboolean sim_param_strings (SimCall *call,
                            json_object *params,
                            const char *name,
                            guint max,
                            gboolean required,
                            GPtrArray **out);
gboolean sim_param_filters (SimCall *call,
                            json_object *params,
                            const char *const *known,
                            gboolean allow_tag_prefix,
                            GPtrArray **out);
void sim_filter_free (SimFilter *filter);
gboolean sim_filter_matches (SimFilter *filter, const char *value);
json_object *sim_form_to_json (const char *query, gsize length);
char *sim_json_canonical (json_object *object);
void sim_uuid (GRand *rand, char out[40]);
void sim_random_id (GRand *rand, const char *prefix, char *out, gsize out_size);
char *sim_iso8601 (gint64 unix_seconds);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SimFilter, sim_filter_free)

/* yun-sim-cvm.c */
gboolean sim_fleet_build (YunSim *sim, const char *const *region_sizes, GError **error);
void sim_fleet_free (YunSim *sim);
SimRegion *sim_find_region (YunSim *sim, const char *name);
SimZone *sim_find_zone (SimRegion *region, const char *name);
void sim_region_settle (YunSim *sim, SimRegion *region, gint64 now);
void sim_settle_all (YunSim *sim, gint64 now);
const char *sim_state_name (SimState state);
gboolean sim_state_from_name (const char *name, SimState *out);
void sim_instance_invalidate (SimInstance *instance);
void sim_instance_remove (YunSim *sim, SimInstance *instance);
json_object *sim_instance_to_json (SimInstance *instance);
void sim_instance_cancel_transition (SimInstance *instance);
json_object *sim_instance_operations (SimInstance *instance);
void sim_password_digest (YunSim *sim, const char *password, guint8 out[SIM_DIGEST_SIZE]);
gboolean sim_instance_check_password (YunSim *sim, SimInstance *instance, const char *password);
SimInstance *sim_instance_create (YunSim *sim,
                                  SimRegion *region,
                                  SimZone *zone,
                                  gboolean windows,
                                  const char *name,
                                  SimState state,
                                  gboolean prepaid);
gboolean sim_instance_is_windows (SimInstance *instance);
gboolean sim_instance_set_public_ip (SimInstance *instance, const char *address, GString *error);
gboolean sim_loopback_apply (YunSim *sim, const char *const *specs, GError **error);
extern const SimAction sim_cvm_actions[];

/* yun-sim-tat.c */
void sim_tat_init (YunSim *sim);
void sim_tat_free (YunSim *sim);
void sim_tat_agent_changed (YunSim *sim, SimInstance *instance, gint64 now);
json_object *sim_tat_dump (YunSim *sim, gint64 now);
extern const SimAction sim_tat_actions[];

/* yun-sim.c */
gint64 sim_wall_now (YunSim *sim);
gint64 sim_wall_at (YunSim *sim, gint64 monotonic_us, gint64 now);
gboolean sim_fault_op_fails (YunSim *sim, const char *action, const char *region);

G_END_DECLS
