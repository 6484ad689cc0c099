/* sim-call.h: raw signed HTTP requests to yunsim, independent of YunClient
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <curl/curl.h>

#include "yun-core-private.h"
#include "yun-test-sim.h"

G_BEGIN_DECLS

/* Every field is optional: the defaults make a valid POST signed with the demo key. */
typedef struct
{
  const char *method;  /* "POST" */
  const char *service; /* "cvm" */
  const char *action;
  const char *version;      /* NULL: the service's version; "": not sent */
  const char *region;       /* NULL: not sent */
  const char *body;         /* POST body, "{}" */
  const char *sent_body;    /* when set, sent instead of the signed body */
  const char *query;        /* GET query string, already encoded */
  const char *host;         /* a Host header to send (and sign) instead of curl's */
  const char *content_type; /* NULL: per method */
  gboolean sign_action;     /* sign x-tc-action too */
  const char *secret_id;    /* the demo credentials */
  const char *secret_key;
  gint64 timestamp;          /* 0: now */
  gint64 sign_timestamp;     /* 0: timestamp */
  const char *scope_service; /* NULL: service */
  const char *authorization; /* replaces the whole header ("" removes it) */
  const char *token;
  const char *language;
  const char *path; /* "/" */
  long timeout_ms;  /* 10000 */
} SimRequest;

typedef struct
{
  CURLcode curl_code;
  long http_status;
  GString *body;
  json_object *json;
  json_object *response;  /* borrowed from json: json["Response"] */
  const char *error_code; /* borrowed, NULL on success */
  const char *request_id; /* borrowed */
  char *date;
  double elapsed;
} SimResponse;

void sim_response_clear (SimResponse *response);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SimResponse, sim_response_clear)

void sim_send (YunTestSim *sim, const SimRequest *request, SimResponse *response);

/* POST an action; asserts that an answer came back. Returns the Response object. */
json_object *sim_call (YunTestSim *sim,
                       SimResponse *response,
                       const char *service,
                       const char *action,
                       const char *region,
                       const char *body_format,
                       ...) G_GNUC_PRINTF (6, 7);

/* POSTs @body to the admin API (/_yunsim/@path) and returns the HTTP status, whatever it is;
 * the answer is in response->json. */
long sim_admin_post (YunTestSim *sim, SimResponse *response, const char *path, const char *body);

void sim_assert_error (SimResponse *response, const char *code);
void sim_assert_success (SimResponse *response);

/* The first instance matching the given admin fields (NULL: any), not protected. */
char *sim_pick_instance (YunTestSim *sim,
                         const char *region,
                         const char *state,
                         const char *os_family,
                         const char *charge_type,
                         const char *agent);
/* InstanceState as DescribeInstances reports it, or NULL when the instance is gone. */
char *sim_instance_field (YunTestSim *sim, const char *region, const char *id, const char *field);
void sim_wait_state (
  YunTestSim *sim, const char *region, const char *id, const char *state, guint timeout_ms);
/* Waits until the instance's LatestOperationState is @op_state. */
void sim_wait_operation (
  YunTestSim *sim, const char *region, const char *id, const char *op_state, guint timeout_ms);
/* POST /_yunsim/instances/@id/check-password: whether @password is the one in force. When
 * @changed_at is set, it gets password_changed_at, or 0 when that is null. */
gboolean
sim_check_password (YunTestSim *sim, const char *id, const char *password, gint64 *changed_at);
/* The instance's entry of GET /_yunsim/state (transfer full), NULL when it is gone. */
json_object *sim_admin_instance (YunTestSim *sim, const char *id);
/* Operations[@action] of the instance in GET /_yunsim/state; 0 when the key is absent. */
gint64 sim_operation_count (YunTestSim *sim, const char *id, const char *action);
gboolean sim_is_uuid (const char *text);

G_END_DECLS
