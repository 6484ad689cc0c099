/* fuzz-sim-request.c: libFuzzer target for yunsim's request handling
 *
 * SPDX-License-Identifier: MIT
 *
 * Input: one byte picks the action (CVM and TAT), one byte the encoding (bit 0: a form
 * instead of JSON) and the language (bit 1), one byte the region; the rest is the request
 * body. The body is read as yunsim reads it, the parameters are checked against the
 * action's list, and the action's handler runs on a small simulated fleet, in-process: no
 * request goes through the network. The fleet is rebuilt regularly so that what the inputs
 * create does not pile up.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "yun-sim-private.h"

#define RUNS_PER_FLEET 500

static YunSim *sim;
static guint runs;

static void
stop_sim (void)
{
  g_clear_pointer (&sim, yun_sim_stop);
}

static void
ensure_sim (void)
{
  YunSimOptions options;
  g_autoptr (GError) error = NULL;

  if (sim != NULL && runs++ < RUNS_PER_FLEET)
    return;
  if (sim == NULL)
    atexit (stop_sim);
  stop_sim ();
  runs = 0;

  yun_sim_options_init (&options);
  options.n_regions = 2;
  options.n_instances = 24;
  options.n_images = 4;
  options.transition_ms = 0;
  options.no_rate_limits = TRUE;
  sim = yun_sim_start (&options, &error);
  g_assert_no_error (error);
}

/* The whole body as one JSON value, with nothing after it, as the server reads it. */
static json_object *
parse_json_body (const char *body, gsize length)
{
  json_tokener *tokener = json_tokener_new ();
  json_object *value = json_tokener_parse_ex (tokener, body, (int) length);

  if (value != NULL
      && (json_tokener_get_error (tokener) != json_tokener_success
          || json_tokener_get_parse_end (tokener) != length))
    g_clear_pointer (&value, json_object_put);
  json_tokener_free (tokener);
  return value;
}

static gboolean
params_known (const SimAction *action, json_object *params)
{
  g_auto (GStrv) known = g_strsplit (action->params, ",", -1);

  json_object_object_foreach (params, key, value)
    {
      (void) value;
      if (!g_strv_contains ((const char *const *) known, key))
        return FALSE;
    }
  return TRUE;
}

static const SimAction *
pick_action (guint8 selector)
{
  const SimAction *tables[] = { sim_cvm_actions, sim_tat_actions };
  guint n = 0;
  guint index;

  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    for (const SimAction *action = tables[t]; action->action != NULL; action++)
      n++;
  index = selector % n;
  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    for (const SimAction *action = tables[t]; action->action != NULL; action++)
      if (index-- == 0)
        return action;
  g_assert_not_reached ();
}

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  const SimAction *action;
  const char *body = (const char *) data + 3;
  gsize body_len;
  g_autoptr (json_object) params = NULL;
  g_autoptr (json_object) result = NULL;
  g_autofree char *canonical = NULL;
  SimCall call = { 0 };

  if (size < 3 || size - 3 > G_MAXINT)
    return 0;
  body_len = size - 3;
  action = pick_action (data[0]);

  if (data[1] & 1)
    params = sim_form_to_json (body, body_len);
  else
    params = body_len == 0 ? json_object_new_object () : parse_json_body (body, body_len);
  if (params == NULL || !json_object_is_type (params, json_type_object)
      || !params_known (action, params))
    return 0;
  canonical = sim_json_canonical (params);

  ensure_sim ();
  call.sim = sim;
  call.service = action->service;
  call.action = action->action;
  call.secret_id = g_intern_static_string (YUN_SIM_DEMO_SECRET_ID);
  call.language = data[1] & 2 ? "zh-CN" : "en-US";
  g_strlcpy (call.request_id, "00000000-0000-4000-8000-000000000000", sizeof call.request_id);

  g_mutex_lock (&sim->lock);
  call.region = g_ptr_array_index (sim->regions, data[2] % sim->regions->len);
  call.now = g_get_monotonic_time ();
  sim_region_settle (sim, call.region, call.now);
  result = action->func (&call, params);
  g_mutex_unlock (&sim->lock);

  /* The server sends the result, the raw fields or the error: one of them must be there. */
  g_assert (call.error_code != NULL || result != NULL || call.raw != NULL);
  if (call.raw != NULL)
    g_string_free (call.raw, TRUE);
  g_free (call.error_code);
  g_free (call.error_message);
  return 0;
}
