/* yun-sim-hostile.h: answers that a broken service or a proxy in the way would send
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <microhttpd.h>

#include "yun-sim-private.h"

G_BEGIN_DECLS

/**
 * SimHostileKind:
 * @SIM_HOSTILE_NONE: the answer goes out as it is
 *
 * What replaces the answer of one API call; see docs/yunsim.md, "Hostile answers".
 */
typedef enum
{
  SIM_HOSTILE_NONE,
  SIM_HOSTILE_TRUNCATED_JSON,
  SIM_HOSTILE_HUGE_BODY,
  SIM_HOSTILE_INVALID_UTF8,
  SIM_HOSTILE_WRONG_TYPES,
  SIM_HOSTILE_MISSING_FIELDS,
  SIM_HOSTILE_UNEXPECTED_FIELDS,
  SIM_HOSTILE_HTML_200,
  SIM_HOSTILE_HTML_502,
  SIM_HOSTILE_HTTP_502,
  SIM_HOSTILE_HTTP_503,
  SIM_HOSTILE_DROP_MID_BODY,
} SimHostileKind;

/* The size of a huge-body answer. */
#define SIM_HOSTILE_HUGE_SIZE (20 * 1024 * 1024)

GPtrArray *sim_hostile_parse (json_object *list, GError **error);
SimHostileKind sim_hostile_take (YunSim *sim, const char *action, const char *region);
json_object *sim_hostile_dump (YunSim *sim);
enum MHD_Result sim_hostile_send (
  YunSim *sim, struct MHD_Connection *connection, SimHostileKind kind, char *body, gsize length);

enum MHD_Result sim_send_body (YunSim *sim,
                               struct MHD_Connection *connection,
                               unsigned int status,
                               const char *content_type,
                               char *body,
                               gsize length);

G_END_DECLS
