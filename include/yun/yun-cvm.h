/* yun-cvm.h: typed CVM (2017-03-12) calls on a YunClient
 *
 * SPDX-License-Identifier: MIT
 *
 * Every call exists in a synchronous form (for the CLI, tests and worker threads) and as an
 * _async/_finish pair (for the UI) that runs the synchronous form on a worker thread. Inputs
 * are checked before anything is sent; a refused input is a %YUN_ERROR_INVALID_PARAMETER
 * error. Lists come back as GPtrArrays that own their elements.
 */

#pragma once

#if !defined(YUN_INSIDE) && !defined(YUN_COMPILATION)
#error "Only <yun/yun.h> can be included directly."
#endif

#include <yun/yun-client.h>
#include <yun/yun-filters.h>
#include <yun/yun-types.h>

G_BEGIN_DECLS

/* At most this many instance IDs per CVM call (Start/Stop/Reboot/Terminate, password
 * reset, DescribeInstances, DescribeInstancesStatus). */
#define YUN_CVM_MAX_INSTANCE_IDS 100
/* RunInstances' InstanceCount upper bound on the public site (TCE: 100). */
#define YUN_CVM_MAX_INSTANCE_COUNT 500
/* InquiryPriceRunInstances' InstanceCount upper bound. */
#define YUN_CVM_MAX_INQUIRY_INSTANCE_COUNT 100
#define YUN_CVM_MAX_CLIENT_TOKEN_LENGTH 64
/* The page that opens a VNC URL from DescribeInstanceVncUrl. */
#define YUN_VNC_PAGE_URL "https://img.qcloud.com/qcloud/app/active_vnc/index.html"

#define YUN_TYPE_ITEM_PRICE (yun_item_price_get_type ())
#define YUN_TYPE_PRICE (yun_price_get_type ())
#define YUN_TYPE_INSTANCE_STATUS (yun_instance_status_get_type ())
#define YUN_TYPE_RUN_INSTANCES_REQUEST (yun_run_instances_request_get_type ())
#define YUN_TYPE_RUN_INSTANCES_RESULT (yun_run_instances_result_get_type ())
#define YUN_TYPE_VNC_URL (yun_vnc_url_get_type ())

/**
 * YunItemPrice:
 * @is_postpaid: the unit prices are set (pay as you go)
 * @unit_price: `UnitPrice`, the list price per @charge_unit
 * @unit_price_discount: `UnitPriceDiscount`, what is paid per @charge_unit
 * @charge_unit: (nullable): `ChargeUnit`: `HOUR` or `GB`
 * @is_prepaid: the prepaid prices are set
 * @original_price: `OriginalPrice`, the list price of the period
 * @discount_price: `DiscountPrice`, what is paid for the period
 * @discount: `Discount`, in percent (20.0 means 20 % off)
 *
 * One price, in 元 (CNY). Only the fields of the charge type asked for are set.
 */
typedef struct
{
  gboolean is_postpaid;
  double unit_price;
  double unit_price_discount;
  char *charge_unit;
  gboolean is_prepaid;
  double original_price;
  double discount_price;
  double discount;
} YunItemPrice;

GType yun_item_price_get_type (void) G_GNUC_CONST;
YunItemPrice *yun_item_price_copy (const YunItemPrice *self);
void yun_item_price_free (YunItemPrice *self);

/**
 * YunPrice:
 * @instance_price: (nullable): the price of the instances
 * @bandwidth_price: (nullable): the price of the public bandwidth
 * @request_id: the RequestId of the inquiry
 *
 * The answer of InquiryPriceRunInstances.
 */
typedef struct
{
  YunItemPrice *instance_price;
  YunItemPrice *bandwidth_price;
  char *request_id;
} YunPrice;

GType yun_price_get_type (void) G_GNUC_CONST;
YunPrice *yun_price_copy (const YunPrice *self);
void yun_price_free (YunPrice *self);

/**
 * YunInstanceStatus:
 * @instance_id: the instance ID
 * @state: its `InstanceState`
 *
 * One entry of DescribeInstancesStatus: the light way to poll states.
 */
typedef struct
{
  char *instance_id;
  char *state;
} YunInstanceStatus;

GType yun_instance_status_get_type (void) G_GNUC_CONST;
YunInstanceStatus *yun_instance_status_copy (const YunInstanceStatus *self);
void yun_instance_status_free (YunInstanceStatus *self);

/**
 * YunRunInstancesResult:
 * @instance_ids: the IDs of the new instances (empty for a dry run); they do not mean the
 *   instances were created: they start PENDING and end RUNNING or LAUNCH_FAILED
 * @client_token: the ClientToken sent, generated when the request had none; sending the
 *   same request with it again cannot create the instances twice
 * @request_id: the RequestId of the call
 * @dry_run: whether this was only a check, which passed
 */
typedef struct
{
  char **instance_ids;
  char *client_token;
  char *request_id;
  gboolean dry_run;
} YunRunInstancesResult;

GType yun_run_instances_result_get_type (void) G_GNUC_CONST;
YunRunInstancesResult *yun_run_instances_result_copy (const YunRunInstancesResult *self);
void yun_run_instances_result_free (YunRunInstancesResult *self);

/**
 * YunVncUrl:
 * @url: the page to open in a browser, %YUN_VNC_PAGE_URL with the VNC URL as its
 *   `InstanceVncUrl` parameter
 * @instance_vnc_url: `InstanceVncUrl` as sent (URL-encoded wss URL); valid for 15 s, once
 */
typedef struct
{
  char *url;
  char *instance_vnc_url;
} YunVncUrl;

GType yun_vnc_url_get_type (void) G_GNUC_CONST;
YunVncUrl *yun_vnc_url_copy (const YunVncUrl *self);
void yun_vnc_url_free (YunVncUrl *self);

/* The request of RunInstances and InquiryPriceRunInstances: a reference-counted builder.
 * Do not change it after passing it to an asynchronous call. */
typedef struct _YunRunInstancesRequest YunRunInstancesRequest;

GType yun_run_instances_request_get_type (void) G_GNUC_CONST;
YunRunInstancesRequest *yun_run_instances_request_new (const char *zone, const char *image_id);
YunRunInstancesRequest *yun_run_instances_request_ref (YunRunInstancesRequest *self);
void yun_run_instances_request_unref (YunRunInstancesRequest *self);
void yun_run_instances_request_set_instance_type (YunRunInstancesRequest *self,
                                                  const char *instance_type);
void yun_run_instances_request_set_charge_type (YunRunInstancesRequest *self,
                                                const char *charge_type);
void yun_run_instances_request_set_prepaid_period (YunRunInstancesRequest *self,
                                                   guint months,
                                                   gboolean auto_renew);
void yun_run_instances_request_set_count (YunRunInstancesRequest *self, guint count);
void yun_run_instances_request_set_name (YunRunInstancesRequest *self, const char *name);
void yun_run_instances_request_set_host_name (YunRunInstancesRequest *self, const char *host_name);
void yun_run_instances_request_set_password (YunRunInstancesRequest *self, const char *password);
void yun_run_instances_request_set_key_ids (YunRunInstancesRequest *self,
                                            const char *const *key_ids);
void yun_run_instances_request_set_os_family (YunRunInstancesRequest *self, YunOsFamily os_family);
void yun_run_instances_request_set_system_disk (YunRunInstancesRequest *self,
                                                const char *disk_type,
                                                guint size_gib);
void yun_run_instances_request_set_bandwidth (YunRunInstancesRequest *self,
                                              const char *internet_charge_type,
                                              guint max_bandwidth_out_mbps,
                                              gboolean public_ip);
void yun_run_instances_request_set_vpc (YunRunInstancesRequest *self,
                                        const char *vpc_id,
                                        const char *subnet_id);
void yun_run_instances_request_set_security_group_ids (YunRunInstancesRequest *self,
                                                       const char *const *security_group_ids);
void yun_run_instances_request_set_client_token (YunRunInstancesRequest *self,
                                                 const char *client_token);
const char *yun_run_instances_request_get_client_token (YunRunInstancesRequest *self);
const char *yun_run_instances_request_ensure_client_token (YunRunInstancesRequest *self);
void yun_run_instances_request_set_dry_run (YunRunInstancesRequest *self, gboolean dry_run);
void yun_run_instances_request_set_disable_api_termination (YunRunInstancesRequest *self,
                                                            gboolean disable_api_termination);
void yun_run_instances_request_add_tag (YunRunInstancesRequest *self,
                                        const char *key,
                                        const char *value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (YunItemPrice, yun_item_price_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (YunPrice, yun_price_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (YunInstanceStatus, yun_instance_status_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (YunRunInstancesResult, yun_run_instances_result_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (YunVncUrl, yun_vnc_url_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (YunRunInstancesRequest, yun_run_instances_request_unref)

/* DescribeRegions: GPtrArray of YunRegion. */
GPtrArray *yun_client_describe_regions (YunClient *self, GCancellable *cancellable, GError **error);
void yun_client_describe_regions_async (YunClient *self,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data);
GPtrArray *
yun_client_describe_regions_finish (YunClient *self, GAsyncResult *result, GError **error);

/* DescribeZones: GPtrArray of YunZone. */
GPtrArray *yun_client_describe_zones (YunClient *self,
                                      const char *region,
                                      GCancellable *cancellable,
                                      GError **error);
void yun_client_describe_zones_async (YunClient *self,
                                      const char *region,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
GPtrArray *yun_client_describe_zones_finish (YunClient *self, GAsyncResult *result, GError **error);

/* DescribeImages, every page: GPtrArray of YunImage. */
GPtrArray *yun_client_describe_images (YunClient *self,
                                       const char *region,
                                       YunFilters *filters,
                                       const char *const *image_ids,
                                       const char *instance_type,
                                       GCancellable *cancellable,
                                       GError **error);
void yun_client_describe_images_async (YunClient *self,
                                       const char *region,
                                       YunFilters *filters,
                                       const char *const *image_ids,
                                       const char *instance_type,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data);
GPtrArray *
yun_client_describe_images_finish (YunClient *self, GAsyncResult *result, GError **error);

/* DescribeImages, one page of 100. */
GPtrArray *yun_client_describe_images_page (YunClient *self,
                                            const char *region,
                                            YunFilters *filters,
                                            const char *const *image_ids,
                                            const char *instance_type,
                                            guint offset,
                                            guint *total_count,
                                            GCancellable *cancellable,
                                            GError **error);

/* DescribeInstances, one page (limit ≤ 100): GPtrArray of YunInstance. */
GPtrArray *yun_client_describe_instances_page (YunClient *self,
                                               const char *region,
                                               YunFilters *filters,
                                               guint offset,
                                               guint limit,
                                               guint *total_count,
                                               GCancellable *cancellable,
                                               GError **error);
void yun_client_describe_instances_page_async (YunClient *self,
                                               const char *region,
                                               YunFilters *filters,
                                               guint offset,
                                               guint limit,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer user_data);
GPtrArray *yun_client_describe_instances_page_finish (YunClient *self,
                                                      GAsyncResult *result,
                                                      guint *total_count,
                                                      GError **error);

/* DescribeInstances, every page of 100. */
GPtrArray *yun_client_describe_instances_all (YunClient *self,
                                              const char *region,
                                              YunFilters *filters,
                                              GCancellable *cancellable,
                                              GError **error);
void yun_client_describe_instances_all_async (YunClient *self,
                                              const char *region,
                                              YunFilters *filters,
                                              GCancellable *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer user_data);
GPtrArray *
yun_client_describe_instances_all_finish (YunClient *self, GAsyncResult *result, GError **error);

/* DescribeInstances by ID, any number of IDs, 100 per call. */
GPtrArray *yun_client_describe_instances_by_ids (YunClient *self,
                                                 const char *region,
                                                 const char *const *instance_ids,
                                                 GCancellable *cancellable,
                                                 GError **error);
void yun_client_describe_instances_by_ids_async (YunClient *self,
                                                 const char *region,
                                                 const char *const *instance_ids,
                                                 GCancellable *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer user_data);
GPtrArray *
yun_client_describe_instances_by_ids_finish (YunClient *self, GAsyncResult *result, GError **error);

/* DescribeInstancesStatus: GPtrArray of YunInstanceStatus. */
GPtrArray *yun_client_describe_instances_status (YunClient *self,
                                                 const char *region,
                                                 const char *const *instance_ids,
                                                 GCancellable *cancellable,
                                                 GError **error);
void yun_client_describe_instances_status_async (YunClient *self,
                                                 const char *region,
                                                 const char *const *instance_ids,
                                                 GCancellable *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer user_data);
GPtrArray *
yun_client_describe_instances_status_finish (YunClient *self, GAsyncResult *result, GError **error);

/* DescribeZoneInstanceConfigInfos: GPtrArray of YunInstanceTypeQuota. */
GPtrArray *yun_client_describe_zone_instance_config_infos (YunClient *self,
                                                           const char *region,
                                                           YunFilters *filters,
                                                           GCancellable *cancellable,
                                                           GError **error);
void yun_client_describe_zone_instance_config_infos_async (YunClient *self,
                                                           const char *region,
                                                           YunFilters *filters,
                                                           GCancellable *cancellable,
                                                           GAsyncReadyCallback callback,
                                                           gpointer user_data);
GPtrArray *yun_client_describe_zone_instance_config_infos_finish (YunClient *self,
                                                                  GAsyncResult *result,
                                                                  GError **error);

YunPrice *yun_client_inquiry_price_run_instances (YunClient *self,
                                                  const char *region,
                                                  YunRunInstancesRequest *request,
                                                  GCancellable *cancellable,
                                                  GError **error);
void yun_client_inquiry_price_run_instances_async (YunClient *self,
                                                   const char *region,
                                                   YunRunInstancesRequest *request,
                                                   GCancellable *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer user_data);
YunPrice *yun_client_inquiry_price_run_instances_finish (YunClient *self,
                                                         GAsyncResult *result,
                                                         GError **error);

YunRunInstancesResult *yun_client_run_instances (YunClient *self,
                                                 const char *region,
                                                 YunRunInstancesRequest *request,
                                                 GCancellable *cancellable,
                                                 GError **error);
void yun_client_run_instances_async (YunClient *self,
                                     const char *region,
                                     YunRunInstancesRequest *request,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
YunRunInstancesResult *
yun_client_run_instances_finish (YunClient *self, GAsyncResult *result, GError **error);

/* The state changes return the RequestId, to match LatestOperationRequestId. */
char *yun_client_start_instances (YunClient *self,
                                  const char *region,
                                  const char *const *instance_ids,
                                  GCancellable *cancellable,
                                  GError **error);
void yun_client_start_instances_async (YunClient *self,
                                       const char *region,
                                       const char *const *instance_ids,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data);
char *yun_client_start_instances_finish (YunClient *self, GAsyncResult *result, GError **error);

char *yun_client_stop_instances (YunClient *self,
                                 const char *region,
                                 const char *const *instance_ids,
                                 const char *stop_type,
                                 const char *stopped_mode,
                                 GCancellable *cancellable,
                                 GError **error);
void yun_client_stop_instances_async (YunClient *self,
                                      const char *region,
                                      const char *const *instance_ids,
                                      const char *stop_type,
                                      const char *stopped_mode,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
char *yun_client_stop_instances_finish (YunClient *self, GAsyncResult *result, GError **error);

char *yun_client_reboot_instances (YunClient *self,
                                   const char *region,
                                   const char *const *instance_ids,
                                   const char *stop_type,
                                   GCancellable *cancellable,
                                   GError **error);
void yun_client_reboot_instances_async (YunClient *self,
                                        const char *region,
                                        const char *const *instance_ids,
                                        const char *stop_type,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data);
char *yun_client_reboot_instances_finish (YunClient *self, GAsyncResult *result, GError **error);

char *yun_client_terminate_instances (YunClient *self,
                                      const char *region,
                                      const char *const *instance_ids,
                                      GCancellable *cancellable,
                                      GError **error);
void yun_client_terminate_instances_async (YunClient *self,
                                           const char *region,
                                           const char *const *instance_ids,
                                           GCancellable *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer user_data);
char *yun_client_terminate_instances_finish (YunClient *self, GAsyncResult *result, GError **error);

char *yun_client_reset_instances_password (YunClient *self,
                                           const char *region,
                                           const char *const *instance_ids,
                                           const char *password,
                                           const char *username,
                                           YunOsFamily os_family,
                                           gboolean force_stop,
                                           GCancellable *cancellable,
                                           GError **error);
void yun_client_reset_instances_password_async (YunClient *self,
                                                const char *region,
                                                const char *const *instance_ids,
                                                const char *password,
                                                const char *username,
                                                YunOsFamily os_family,
                                                gboolean force_stop,
                                                GCancellable *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer user_data);
char *
yun_client_reset_instances_password_finish (YunClient *self, GAsyncResult *result, GError **error);

YunVncUrl *yun_client_describe_instance_vnc_url (YunClient *self,
                                                 const char *region,
                                                 const char *instance_id,
                                                 GCancellable *cancellable,
                                                 GError **error);
void yun_client_describe_instance_vnc_url_async (YunClient *self,
                                                 const char *region,
                                                 const char *instance_id,
                                                 GCancellable *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer user_data);
YunVncUrl *
yun_client_describe_instance_vnc_url_finish (YunClient *self, GAsyncResult *result, GError **error);

G_END_DECLS
