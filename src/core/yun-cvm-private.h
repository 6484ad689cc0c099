/* yun-cvm-private.h: the RunInstances request, shared by the builder and the calls
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include "yun-api-private.h"

G_BEGIN_DECLS

struct _YunRunInstancesRequest
{
  gatomicrefcount ref_count;

  char *zone;
  char *image_id;
  char *instance_type;
  char *charge_type;
  guint period;
  gboolean auto_renew;
  guint count;
  char *name;
  char *host_name;
  char *password; /* secret: wiped on free, never logged */
  char **key_ids;
  YunOsFamily os_family;
  char *disk_type;
  guint disk_size;
  gboolean has_bandwidth;
  char *internet_charge_type;
  guint bandwidth;
  gboolean public_ip;
  char *vpc_id;
  char *subnet_id;
  char **security_group_ids;
  char *client_token;
  gboolean dry_run;
  gboolean disable_api_termination;
  GPtrArray *tags; /* "key=value", NULL-terminated */
};

/* A create job's request, journaled without its secret, and read back. */
json_object *_yun_run_instances_request_to_json (YunRunInstancesRequest *request);
YunRunInstancesRequest *_yun_run_instances_request_new_from_json (json_object *json,
                                                                  GError **error);

G_END_DECLS
