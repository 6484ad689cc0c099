/* yun-models-private.h: the fields of the model objects, for the files that build them
 *
 * SPDX-License-Identifier: MIT
 *
 * The models are immutable once built. Their constructors (the JSON readers of the typed
 * calls and the SQLite cache) fill these fields directly; nothing else may touch them.
 */

#pragma once

#include "yun-core-private.h"

G_BEGIN_DECLS

struct _YunRegion
{
  GObject parent_instance;

  char *region;
  char *name;
  char *state;
};

struct _YunZone
{
  GObject parent_instance;

  char *zone;
  char *name;
  char *zone_id;
  char *state;
  char *region;
};

struct _YunImage
{
  GObject parent_instance;

  char *image_id;
  char *name;
  char *description;
  char *os_name;
  char *platform;
  char *image_type;
  char *architecture;
  char *state;
  char *image_source;
  guint size;
  GDateTime *created_time;
  YunOsFamily os_family;
  char *region;
};

struct _YunInstanceTypeQuota
{
  GObject parent_instance;

  char *zone;
  char *instance_type;
  char *instance_family;
  char *type_name;
  guint cpu;
  guint memory;
  guint gpu;
  char *charge_type;
  char *status;
  char *status_category;
  char *sold_out_reason;
  char *cpu_type;
  char *frequency;
  double instance_bandwidth;
  YunItemPrice *price;
  char *region;
};

struct _YunInstance
{
  GObject parent_instance;

  char *instance_id;
  char *name;
  char *state;
  char *region;
  char *zone;
  gint64 project_id;
  char *instance_type;
  guint cpu;
  guint memory;
  char *os_name;
  YunOsFamily os_family;
  char *image_id;
  char **public_ips;
  char **private_ips;
  char **ipv6_addresses;
  char *charge_type;
  GDateTime *created_time;
  GDateTime *expired_time;
  char **tags;
  char *restrict_state;
  char *isolated_source;
  char *stop_charging_mode;
  char *latest_operation;
  char *latest_operation_state;
  char *latest_operation_request_id;
  char *latest_operation_error;
  char *default_login_user;
  guint default_login_port;
  gboolean disable_api_termination;
  char *uuid;
  char *vpc_id;
  char *subnet_id;
  char **security_group_ids;
  guint internet_max_bandwidth_out;
  char *system_disk_type;
  guint system_disk_size;

  /* Built on first search, then shared by every thread: see yun_instance_matches_search(). */
  char *search_text;
  /* The same for sorting, the name's and the OS name's: see yun_instance_collate_names(). */
  char **collation_keys;

  /* (nullable): read from the cache, every STR and STRV field above points into this one
   * block (_yun_instance_take_texts()), which alone is freed. */
  char *texts;
};

void _yun_instance_take_texts (YunInstance *self, char *texts);

/* Every field of a YunInstance, in one list: equality, copying, the fingerprint and the
 * cache's columns are written once over it. STR is a char *, STRV a char ** (never NULL
 * once built), NUM an integer or enum, TIME a GDateTime * (nullable). The cache's column
 * names are these field names: adding one here needs a schema migration. */
#define YUN_INSTANCE_FOREACH_FIELD(STR, STRV, NUM, TIME)                                           \
  STR (instance_id)                                                                                \
  STR (name)                                                                                       \
  STR (state)                                                                                      \
  STR (region)                                                                                     \
  STR (zone)                                                                                       \
  NUM (project_id)                                                                                 \
  STR (instance_type)                                                                              \
  NUM (cpu)                                                                                        \
  NUM (memory)                                                                                     \
  STR (os_name)                                                                                    \
  NUM (os_family)                                                                                  \
  STR (image_id)                                                                                   \
  STRV (public_ips)                                                                                \
  STRV (private_ips)                                                                               \
  STRV (ipv6_addresses)                                                                            \
  STR (charge_type)                                                                                \
  TIME (created_time)                                                                              \
  TIME (expired_time)                                                                              \
  STRV (tags)                                                                                      \
  STR (restrict_state)                                                                             \
  STR (isolated_source)                                                                            \
  STR (stop_charging_mode)                                                                         \
  STR (latest_operation)                                                                           \
  STR (latest_operation_state)                                                                     \
  STR (latest_operation_request_id)                                                                \
  STR (latest_operation_error)                                                                     \
  STR (default_login_user)                                                                         \
  NUM (default_login_port)                                                                         \
  NUM (disable_api_termination)                                                                    \
  STR (uuid)                                                                                       \
  STR (vpc_id)                                                                                     \
  STR (subnet_id)                                                                                  \
  STRV (security_group_ids)                                                                        \
  NUM (internet_max_bandwidth_out)                                                                 \
  STR (system_disk_type)                                                                           \
  NUM (system_disk_size)

/* A 64-bit digest of every field of @instance that a sync can observe: the cache stores it
 * to tell a changed instance from an unchanged one without loading the old row. */
guint64 _yun_instance_fingerprint (YunInstance *instance);

/* Appends @value to the CSV line being built in @line, after a comma unless it starts the
 * line. */
void _yun_csv_append_field (GString *line, const char *value);

G_END_DECLS
