/* fuzz-response.c: libFuzzer target for the response parsers
 *
 * SPDX-License-Identifier: MIT
 *
 * The first byte of the input picks the parser, the rest is the raw HTTP body. The body goes
 * through the envelope parser exactly as an answer from the network does; a successful
 * `Response` is then read by the typed parser of one action, as the typed calls read it.
 */

#include "config.h"

#include "yun-api-private.h"
#include "yun-call-private.h"
#include "yun-cvm-private.h"

static gpointer
parse_region (json_object *json, const char *region, GError **error)
{
  return _yun_region_new_from_json (json, error);
}

static gpointer
parse_zone (json_object *json, const char *region, GError **error)
{
  return _yun_zone_new_from_json (json, region, error);
}

static gpointer
parse_image (json_object *json, const char *region, GError **error)
{
  return _yun_image_new_from_json (json, region, error);
}

static gpointer
parse_instance (json_object *json, const char *region, GError **error)
{
  return _yun_instance_new_from_json (json, region, error);
}

static gpointer
parse_quota (json_object *json, const char *region, GError **error)
{
  return _yun_instance_type_quota_new_from_json (json, region, error);
}

static gpointer
parse_invocation (json_object *json, const char *region, GError **error)
{
  return _yun_invocation_new_from_json (json, region, error);
}

static gpointer
parse_task (json_object *json, const char *region, GError **error)
{
  return _yun_invocation_task_new_from_json (json, region, error);
}

static gpointer
parse_instance_status (json_object *json, const char *region, GError **error)
{
  return _yun_instance_status_new_from_json (json, error);
}

static gpointer
parse_agent (json_object *json, const char *region, GError **error)
{
  return _yun_agent_status_new_from_json (json, error);
}

typedef struct
{
  const char *field;
  gboolean required;
  YunItemParser parse;
  GDestroyNotify free_func;
} SetParser;

static const SetParser set_parsers[] = {
  { "RegionSet", TRUE, parse_region, g_object_unref },
  { "ZoneSet", TRUE, parse_zone, g_object_unref },
  { "ImageSet", FALSE, parse_image, g_object_unref },
  { "InstanceSet", FALSE, parse_instance, g_object_unref },
  { "InstanceStatusSet", FALSE, parse_instance_status, (GDestroyNotify) yun_instance_status_free },
  { "InstanceTypeQuotaSet", FALSE, parse_quota, g_object_unref },
  { "InvocationSet", FALSE, parse_invocation, g_object_unref },
  { "InvocationTaskSet", FALSE, parse_task, g_object_unref },
  { "AutomationAgentSet", FALSE, parse_agent, (GDestroyNotify) yun_agent_status_free },
};

/* InquiryPriceRunInstances: `Response.Price` holds two optional item prices. */
static void
parse_price (json_object *response)
{
  const char *const members[] = { "InstancePrice", "BandwidthPrice" };
  json_object *price = NULL;

  if (!_yun_json_get_object (response, "Response", "Price", TRUE, &price, NULL))
    return;
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      json_object *item = NULL;
      YunItemPrice *item_price;

      if (!_yun_json_get_object (price, "Price", members[i], FALSE, &item, NULL) || item == NULL)
        continue;
      item_price = _yun_item_price_new_from_json (item, members[i], NULL);
      g_clear_pointer (&item_price, yun_item_price_free);
    }
}

/* The request of a creation job as the journal stores it. */
static void
parse_run_request (json_object *response)
{
  YunRunInstancesRequest *request = _yun_run_instances_request_new_from_json (response, NULL);

  g_clear_pointer (&request, yun_run_instances_request_unref);
}

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (json_object) response = NULL;
  g_autofree char *request_id = NULL;
  YunAttemptOutcome outcome;
  guint selector;
  guint total = 0;

  if (size < 1)
    return 0;
  selector = data[0] % (G_N_ELEMENTS (set_parsers) + 2);

  response = _yun_envelope_parse ("cvm.tencentcloudapi.com", 200, "application/json", data + 1,
                                  size - 1, &outcome, &error);
  if (response == NULL)
    {
      g_assert (error != NULL);
      return 0;
    }
  g_assert (outcome == YUN_ATTEMPT_OK);

  request_id = _yun_dup_request_id (response);
  if (selector < G_N_ELEMENTS (set_parsers))
    {
      const SetParser *parser = &set_parsers[selector];
      g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (parser->free_func);

      g_autoptr (GPtrArray) page = g_ptr_array_new_with_free_func (parser->free_func);

      if (_yun_parse_set (response, parser->field, parser->required, parser->parse, "ap-guangzhou",
                          items, &error))
        _yun_parse_page (response, parser->field, 0, parser->parse, "ap-guangzhou", page, &total,
                         NULL);
    }
  else if (selector == G_N_ELEMENTS (set_parsers))
    parse_price (response);
  else
    parse_run_request (response);
  return 0;
}
