/* yun-sim-cvm.c: the simulated CVM fleet and the CVM 2017-03-12 actions
 *
 * SPDX-License-Identifier: MIT
 *
 * The fleet is generated from the seed alone (same seed, same fleet). Instance state
 * machines are evaluated lazily: an action puts an instance in a transitional state with an
 * end time, and the next request that touches its region settles every transition whose
 * time has come. All functions here run with sim->lock held.
 */

#define G_LOG_DOMAIN "yunsim"

#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "yun-sim-private.h"

/* A fixed epoch, so that creation times do not depend on when the simulator started. */
#define FLEET_EPOCH G_GINT64_CONSTANT (1735689600) /* 2025-01-01T00:00:00Z */

typedef struct
{
  const char *region;
  const char *name;
  const char *city;
  guint zone_base;
  const char *zones;
  /* What DescribeRegions and DescribeZones say under X-TC-Language: en-US. */
  const char *name_en;
  const char *city_en;
} RegionInfo;

static const RegionInfo region_catalogue[] = {
  { "ap-guangzhou", "华南地区(广州)", "广州", 100000, "3,4,6,7", "South China(Guangzhou)",
    "Guangzhou" },
  { "ap-shanghai", "华东地区(上海)", "上海", 200000, "2,3,4,5,8", "East China(Shanghai)",
    "Shanghai" },
  { "ap-beijing", "华北地区(北京)", "北京", 800000, "3,5,6,7", "North China(Beijing)", "Beijing" },
  { "ap-chengdu", "西南地区(成都)", "成都", 160000, "1,2", "Southwest China(Chengdu)", "Chengdu" },
  { "ap-chongqing", "西南地区(重庆)", "重庆", 170000, "1", "Southwest China(Chongqing)",
    "Chongqing" },
  { "ap-nanjing", "华东地区(南京)", "南京", 330000, "1,2,3", "East China(Nanjing)", "Nanjing" },
  { "ap-hongkong", "港澳台地区(中国香港)", "香港", 300000, "2,3",
    "Hong Kong, Macau and Taiwan (China)(Hong Kong, China)", "Hong Kong" },
  { "ap-singapore", "亚太东南(新加坡)", "新加坡", 900000, "1,2,3,4", "Southeast Asia(Singapore)",
    "Singapore" },
  { "ap-tokyo", "亚太东北(东京)", "东京", 250000, "1,2", "Northeast Asia(Tokyo)", "Tokyo" },
  { "ap-seoul", "亚太东北(首尔)", "首尔", 180000, "1,2", "Northeast Asia(Seoul)", "Seoul" },
  { "ap-bangkok", "亚太东南(曼谷)", "曼谷", 230000, "1,2", "Southeast Asia(Bangkok)", "Bangkok" },
  { "ap-mumbai", "亚太南部(孟买)", "孟买", 210000, "1,2", "South Asia(Mumbai)", "Mumbai" },
  { "na-siliconvalley", "美国西部(硅谷)", "硅谷", 150000, "1,2", "West US(Silicon Valley)",
    "Silicon Valley" },
  { "na-ashburn", "美国东部(弗吉尼亚)", "弗吉尼亚", 220000, "1,2", "East US(Virginia)",
    "Virginia" },
  { "eu-frankfurt", "欧洲地区(法兰克福)", "法兰克福", 240000, "1,2", "Europe(Frankfurt)",
    "Frankfurt" },
  { "sa-saopaulo", "南美地区(圣保罗)", "圣保罗", 370000, "1", "South America(São Paulo)",
    "São Paulo" },
  { "ap-jakarta", "亚太东南(雅加达)", "雅加达", 720000, "1,2", "Southeast Asia(Jakarta)",
    "Jakarta" },
  { "ap-shanghai-fsi", "华东地区(上海金融)", "上海金融", 700000, "1,2,3",
    "East China(Shanghai Finance)", "Shanghai Finance" },
  { "ap-beijing-fsi", "华北地区(北京金融)", "北京金融", 460000, "1", "North China(Beijing Finance)",
    "Beijing Finance" },
  { "ap-shenzhen-fsi", "华南地区(深圳深宇金融)", "深圳深宇金融", 110000, "1,2,3",
    "South China(Shenzhen Shenyu Finance)", "Shenzhen Shenyu Finance" },
};

static const char *const chinese_numerals[]
  = { "零", "一", "二", "三", "四", "五", "六", "七", "八", "九" };

const SimTypeInfo sim_instance_types[] = {
  { "S5.SMALL1", "S5", "标准型S5", 1, 1 },     { "S5.SMALL2", "S5", "标准型S5", 1, 2 },
  { "S5.MEDIUM4", "S5", "标准型S5", 2, 4 },    { "S5.LARGE8", "S5", "标准型S5", 4, 8 },
  { "S5.2XLARGE16", "S5", "标准型S5", 8, 16 }, { "S6.MEDIUM4", "S6", "标准型S6", 2, 4 },
  { "S6.LARGE8", "S6", "标准型S6", 4, 8 },     { "SA2.MEDIUM4", "SA2", "标准型SA2", 2, 4 },
  { "SA2.LARGE8", "SA2", "标准型SA2", 4, 8 },  { "SA3.2XLARGE32", "SA3", "标准型SA3", 8, 32 },
  { "M5.LARGE32", "M5", "内存型M5", 4, 32 },   { "C5.LARGE8", "C5", "计算型C5", 4, 8 },
};
const guint sim_n_instance_types = G_N_ELEMENTS (sim_instance_types);

/* S5.MEDIUM4 is never sold out, so tests always have a type to launch. */
#define ALWAYS_SELLING_TYPE 2

/* The system disk of a new instance when RunInstances does not say: CLOUD_PREMIUM, 50 GB. */
#define DEFAULT_DISK_TYPE 0
#define DEFAULT_DISK_SIZE 50

typedef struct
{
  const char *name;
  const char *os_name;
  const char *platform;
  const char *login_user;
  gboolean windows;
  guint size;
} ImageInfo;

/* Interleaved so that even a small --images count has Linux and Windows. */
static const ImageInfo image_catalogue[] = {
  { "TencentOS Server 3.1 (TK4)", "TencentOS Server 3.1 (TK4)", "TencentOS", "root", FALSE, 20 },
  { "Windows Server 2022 数据中心版 64位中文版", "Windows Server 2022 数据中心版 64位中文版",
    "Windows", "Administrator", TRUE, 50 },
  { "Ubuntu Server 22.04 LTS 64位", "Ubuntu Server 22.04 LTS 64位", "Ubuntu", "ubuntu", FALSE, 20 },
  { "CentOS 7.9 64位", "CentOS 7.9 64位", "CentOS", "root", FALSE, 20 },
  { "Debian 12.0 64位", "Debian 12.0 64位", "Debian", "root", FALSE, 20 },
  { "Windows Server 2019 数据中心版 64位中文版", "Windows Server 2019 数据中心版 64位中文版",
    "Windows", "Administrator", TRUE, 50 },
  { "TencentOS Server 2.4 (TK4)", "TencentOS Server 2.4 (TK4)", "TencentOS", "root", FALSE, 20 },
  { "Ubuntu Server 20.04 LTS 64位", "Ubuntu Server 20.04 LTS 64位", "Ubuntu", "ubuntu", FALSE, 20 },
  { "Debian 11.1 64位", "Debian 11.1 64位", "Debian", "root", FALSE, 20 },
  { "Windows Server 2016 数据中心版 64位英文版", "Windows Server 2016 数据中心版 64位英文版",
    "Windows", "Administrator", TRUE, 50 },
  { "CentOS Stream 9 64位", "CentOS Stream 9 64位", "CentOS", "root", FALSE, 20 },
};

static const char *const disk_types[]
  = { "CLOUD_PREMIUM", "CLOUD_SSD", "CLOUD_BSSD", "LOCAL_BASIC" };

static const char *const state_names[SIM_N_STATES] = {
  [SIM_STATE_PENDING] = "PENDING",         [SIM_STATE_LAUNCH_FAILED] = "LAUNCH_FAILED",
  [SIM_STATE_RUNNING] = "RUNNING",         [SIM_STATE_STOPPED] = "STOPPED",
  [SIM_STATE_STARTING] = "STARTING",       [SIM_STATE_STOPPING] = "STOPPING",
  [SIM_STATE_REBOOTING] = "REBOOTING",     [SIM_STATE_SHUTDOWN] = "SHUTDOWN",
  [SIM_STATE_TERMINATING] = "TERMINATING", [SIM_STATE_GONE] = "TERMINATED",
};

/* The suffix of UnsupportedOperation.InstanceState<…>. */
static const char *const state_codes[SIM_N_STATES] = {
  [SIM_STATE_PENDING] = "Pending",         [SIM_STATE_LAUNCH_FAILED] = "LaunchFailed",
  [SIM_STATE_RUNNING] = "Running",         [SIM_STATE_STOPPED] = "Stopped",
  [SIM_STATE_STARTING] = "Starting",       [SIM_STATE_STOPPING] = "Stopping",
  [SIM_STATE_REBOOTING] = "Rebooting",     [SIM_STATE_SHUTDOWN] = "Shutdown",
  [SIM_STATE_TERMINATING] = "Terminating", [SIM_STATE_GONE] = "Terminated",
};

const char *
sim_state_name (SimState state)
{
  return state < SIM_N_STATES ? state_names[state] : "UNKNOWN";
}

gboolean
sim_state_from_name (const char *name, SimState *out)
{
  for (guint i = 0; i < SIM_N_STATES; i++)
    if (g_strcmp0 (state_names[i], name) == 0)
      {
        *out = i;
        return TRUE;
      }
  return FALSE;
}

/* Indexed by SimOperation. */
static const char *const operation_names[SIM_N_OPERATIONS] = {
  [SIM_OPERATION_RUN] = "RunInstances",
  [SIM_OPERATION_START] = "StartInstances",
  [SIM_OPERATION_STOP] = "StopInstances",
  [SIM_OPERATION_REBOOT] = "RebootInstances",
  [SIM_OPERATION_TERMINATE] = "TerminateInstances",
  [SIM_OPERATION_RESET_PASSWORD] = "ResetInstancesPassword",
};

/* LatestOperationErrorMsg of an operation ended FAILED by the op-fail fault. */
#define OP_FAILED_MESSAGE "The operation failed on the instance (injected by yunsim)."

static const char *
op_state_name (guint8 op_state)
{
  switch (op_state)
    {
    case SIM_OP_SUCCESS:
      return "SUCCESS";
    case SIM_OP_OPERATING:
      return "OPERATING";
    case SIM_OP_FAILED:
      return "FAILED";
    case SIM_OP_NONE:
    default:
      return NULL;
    }
}

static void
format_ip (guint32 ip, char out[16])
{
  g_snprintf (out, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff, (ip >> 8) & 0xff, ip & 0xff);
}

static char *
format_uuid (const guint8 b[16])
{
  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                          b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
                          b[12], b[13], b[14], b[15]);
}

gboolean
sim_instance_is_windows (SimInstance *instance)
{
  return instance->image->windows;
}

void
sim_instance_invalidate (SimInstance *instance)
{
  g_clear_pointer (&instance->fragment, g_free);
  instance->fragment_len = 0;
}

static void
sim_instance_free (SimInstance *instance)
{
  g_free (instance->name);
  g_free (instance->latest_op_request_id);
  g_strfreev (instance->tags);
  g_free (instance->history);
  g_free (instance->fragment);
  g_free (instance);
}

static json_object *
string_or_null (const char *text)
{
  return text != NULL ? json_object_new_string (text) : NULL;
}

/* Every field of api-contract §10.6 that a manager needs, and no Platform: the OS family is
 * only visible through OsName (and ImageId, DefaultLoginUser). */
json_object *
sim_instance_to_json (SimInstance *instance)
{
  json_object *object = json_object_new_object ();
  json_object *placement = json_object_new_object ();
  json_object *disk = json_object_new_object ();
  json_object *internet = json_object_new_object ();
  json_object *vpc = json_object_new_object ();
  json_object *private_ips = json_object_new_array ();
  json_object *tags = json_object_new_array ();
  json_object *groups = json_object_new_array ();
  json_object *login = json_object_new_object ();
  g_autofree char *created = sim_iso8601 (instance->created);
  g_autofree char *uuid = format_uuid (instance->uuid);
  g_autofree char *disk_id = g_strdup_printf ("disk-%s", instance->id + 4);
  char ip[16];

  json_object_object_add (placement, "Zone", json_object_new_string (instance->zone->zone));
  json_object_object_add (placement, "ProjectId", json_object_new_int (0));
  json_object_object_add (placement, "HostId", NULL);

  json_object_object_add (disk, "DiskType",
                          json_object_new_string (disk_types[instance->disk_type]));
  json_object_object_add (disk, "DiskId", json_object_new_string (disk_id));
  json_object_object_add (disk, "DiskSize", json_object_new_int (instance->disk_size));

  json_object_object_add (
    internet, "InternetChargeType",
    json_object_new_string (instance->prepaid ? "BANDWIDTH_PREPAID" : "TRAFFIC_POSTPAID_BY_HOUR"));
  json_object_object_add (internet, "InternetMaxBandwidthOut",
                          json_object_new_int (instance->bandwidth));
  json_object_object_add (internet, "PublicIpAssigned",
                          json_object_new_boolean (instance->public_ip != 0));

  json_object_object_add (vpc, "VpcId", json_object_new_string (instance->region->vpc_id));
  json_object_object_add (vpc, "SubnetId", json_object_new_string (instance->zone->subnet_id));
  json_object_object_add (vpc, "AsVpcGateway", json_object_new_boolean (FALSE));

  format_ip (instance->private_ip, ip);
  json_object_array_add (private_ips, json_object_new_string (ip));

  for (guint i = 0; instance->tags != NULL && instance->tags[i] != NULL; i += 2)
    {
      json_object *tag = json_object_new_object ();

      json_object_object_add (tag, "Key", json_object_new_string (instance->tags[i]));
      json_object_object_add (tag, "Value", json_object_new_string (instance->tags[i + 1]));
      json_object_array_add (tags, tag);
    }
  json_object_array_add (groups, json_object_new_string (instance->region->security_group_id));
  json_object_object_add (login, "KeyIds", NULL);

  json_object_object_add (object, "Placement", placement);
  json_object_object_add (object, "InstanceId", json_object_new_string (instance->id));
  json_object_object_add (object, "InstanceType", json_object_new_string (instance->type->type));
  json_object_object_add (object, "CPU", json_object_new_int (instance->type->cpu));
  json_object_object_add (object, "Memory", json_object_new_int (instance->type->memory));
  json_object_object_add (object, "RestrictState", json_object_new_string ("NORMAL"));
  json_object_object_add (object, "InstanceName", json_object_new_string (instance->name));
  json_object_object_add (
    object, "InstanceChargeType",
    json_object_new_string (instance->prepaid ? "PREPAID" : "POSTPAID_BY_HOUR"));
  json_object_object_add (object, "SystemDisk", disk);
  json_object_object_add (object, "DataDisks", NULL);
  json_object_object_add (object, "PrivateIpAddresses", private_ips);
  if (instance->public_ip != 0)
    {
      json_object *public_ips = json_object_new_array ();

      format_ip (instance->public_ip, ip);
      json_object_array_add (public_ips, json_object_new_string (ip));
      json_object_object_add (object, "PublicIpAddresses", public_ips);
    }
  else
    json_object_object_add (object, "PublicIpAddresses", NULL);
  json_object_object_add (object, "InternetAccessible", internet);
  json_object_object_add (object, "VirtualPrivateCloud", vpc);
  json_object_object_add (object, "ImageId", json_object_new_string (instance->image->id));
  json_object_object_add (object, "RenewFlag",
                          instance->prepaid ? json_object_new_string ("NOTIFY_AND_MANUAL_RENEW")
                                            : NULL);
  json_object_object_add (object, "CreatedTime", json_object_new_string (created));
  if (instance->prepaid)
    {
      g_autofree char *expired = sim_iso8601 (instance->expired);

      json_object_object_add (object, "ExpiredTime", json_object_new_string (expired));
    }
  else
    json_object_object_add (object, "ExpiredTime", NULL);
  json_object_object_add (object, "OsName", json_object_new_string (instance->image->os_name));
  json_object_object_add (object, "SecurityGroupIds", groups);
  json_object_object_add (object, "LoginSettings", login);
  json_object_object_add (object, "InstanceState",
                          json_object_new_string (sim_state_name (instance->state)));
  json_object_object_add (object, "Tags", tags);
  json_object_object_add (object, "StopChargingMode",
                          json_object_new_string (instance->prepaid         ? "NOT_APPLICABLE"
                                                  : instance->stop_charging ? "STOP_CHARGING"
                                                                            : "KEEP_CHARGING"));
  json_object_object_add (object, "Uuid", json_object_new_string (uuid));
  json_object_object_add (object, "LatestOperation", string_or_null (instance->latest_op));
  json_object_object_add (object, "LatestOperationState",
                          string_or_null (op_state_name (instance->op_state)));
  json_object_object_add (object, "LatestOperationRequestId",
                          string_or_null (instance->latest_op_request_id));
  json_object_object_add (
    object, "LatestOperationErrorMsg",
    string_or_null (instance->history != NULL ? instance->history->error_msg : NULL));
  json_object_object_add (object, "DisasterRecoverGroupId", json_object_new_string (""));
  json_object_object_add (object, "IPv6Addresses", NULL);
  json_object_object_add (object, "CamRoleName", json_object_new_string (""));
  json_object_object_add (object, "HpcClusterId", json_object_new_string (""));
  json_object_object_add (object, "RdmaIpAddresses", NULL);
  json_object_object_add (object, "IsolatedSource",
                          json_object_new_string (instance->isolated ? "MANMADE" : "NOTISOLATED"));
  json_object_object_add (object, "DisableApiTermination",
                          json_object_new_boolean (instance->protected));
  json_object_object_add (object, "DefaultLoginUser",
                          json_object_new_string (instance->image->login_user));
  json_object_object_add (object, "DefaultLoginPort",
                          json_object_new_int (instance->image->windows ? 3389 : 22));
  json_object_object_add (object, "LicenseType", json_object_new_string ("TencentCloud"));
  return object;
}

/* The admin view of the operations applied to @instance: `{"StopInstances": 1, …}`, without
 * the zero counts. */
json_object *
sim_instance_operations (SimInstance *instance)
{
  json_object *operations = json_object_new_object ();

  for (guint i = 0; instance->history != NULL && i < SIM_N_OPERATIONS; i++)
    if (instance->history->operations[i] > 0)
      json_object_object_add (operations, operation_names[i],
                              json_object_new_int64 (instance->history->operations[i]));
  return operations;
}

/* SHA-256 over the simulator's salt and @password. */
void
sim_password_digest (YunSim *sim, const char *password, guint8 out[SIM_DIGEST_SIZE])
{
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize length = SIM_DIGEST_SIZE;

  g_checksum_update (checksum, sim->password_salt, sizeof sim->password_salt);
  g_checksum_update (checksum, (const guchar *) password, strlen (password));
  g_checksum_get_digest (checksum, out, &length);
}

/* Whether @password is the one in force on @instance (set by an operation that ended in
 * SUCCESS). */
gboolean
sim_instance_check_password (YunSim *sim, SimInstance *instance, const char *password)
{
  guint8 digest[SIM_DIGEST_SIZE];
  guint8 difference = 0;

  if (instance->history == NULL || !instance->history->has_password)
    return FALSE;
  sim_password_digest (sim, password, digest);
  for (guint i = 0; i < SIM_DIGEST_SIZE; i++)
    difference |= digest[i] ^ instance->history->digest[i];
  return difference == 0;
}

static void
instance_ensure_fragment (SimInstance *instance)
{
  g_autoptr (json_object) object = NULL;
  const char *text;
  size_t length;

  if (instance->fragment != NULL)
    return;
  object = sim_instance_to_json (instance);
  text = json_object_to_json_string_length (
    object, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &length);
  instance->fragment = g_memdup2 (text, length);
  instance->fragment_len = length;
}

/* ---- The fleet ---- */

static SimImage *
image_new (YunSim *sim, const ImageInfo *info, const char *image_type, const char *name)
{
  SimImage *image = g_new0 (SimImage, 1);
  char id[16];

  do
    sim_random_id (sim->rand, "img", id, sizeof id);
  while (g_hash_table_contains (sim->images, id));

  image->id = g_strdup (id);
  image->name = g_strdup (name != NULL ? name : info->name);
  image->os_name = g_strdup (info->os_name);
  image->platform = info->platform;
  image->login_user = info->login_user;
  image->windows = info->windows;
  image->size = info->size;
  image->image_type = image_type;
  image->source = g_str_equal (image_type, "PUBLIC_IMAGE") ? "OFFICIAL" : "CREATE_IMAGE";
  image->created = sim_iso8601 (FLEET_EPOCH - g_rand_int_range (sim->rand, 86400, 86400 * 700));
  g_hash_table_insert (sim->images, image->id, image);
  g_ptr_array_add (sim->all_images, image);
  return image;
}

static void
image_free (SimImage *image)
{
  g_free (image->id);
  g_free (image->name);
  g_free (image->os_name);
  g_free (image->created);
  g_free (image);
}

static void
zone_free (SimZone *zone)
{
  g_free (zone->zone);
  g_free (zone->name);
  g_free (zone->zone_id);
  g_free (zone->subnet_id);
  g_free (zone);
}

static void
region_free (SimRegion *region)
{
  g_free (region->region);
  g_free (region->name);
  g_ptr_array_unref (region->zones);
  g_ptr_array_unref (region->images);
  g_ptr_array_unref (region->instances);
  g_ptr_array_unref (region->pending);
  g_free (region->vpc_id);
  g_free (region->security_group_id);
  g_free (region);
}

static char *
zone_name (const char *city, guint number)
{
  if (number < 10)
    return g_strdup_printf ("%s%s区", city, chinese_numerals[number]);
  return g_strdup_printf ("%s%u区", city, number);
}

static gboolean
image_fits (SimImage *image, gboolean windows, gboolean public_only)
{
  return image->windows == windows
         && (!public_only || g_str_equal (image->image_type, "PUBLIC_IMAGE"));
}

/* A random image of the OS family among the region's images, or only its public ones. */
static SimImage *
pick_image (YunSim *sim, SimRegion *region, gboolean windows, gboolean public_only)
{
  guint n = 0;
  guint choice;

  for (guint i = 0; i < region->images->len; i++)
    if (image_fits (g_ptr_array_index (region->images, i), windows, public_only))
      n++;
  if (n == 0)
    return g_ptr_array_index (region->images, 0);
  choice = g_rand_int_range (sim->rand, 0, n);
  for (guint i = 0; i < region->images->len; i++)
    {
      SimImage *image = g_ptr_array_index (region->images, i);

      if (image_fits (image, windows, public_only) && choice-- == 0)
        return image;
    }
  g_assert_not_reached ();
}

static const SimTypeInfo *
pick_type (YunSim *sim)
{
  return &sim_instance_types[g_rand_int_range (sim->rand, 0, sim_n_instance_types)];
}

static guint32
next_private_ip (SimRegion *region)
{
  guint host = region->next_host++;

  return (10u << 24) | ((region->index & 0xff) << 16) | (((host / 250) & 0xff) << 8)
         | (host % 250 + 2);
}

static guint32
next_public_ip (YunSim *sim)
{
  /* 43.128.0.0/10 and onwards, one address each, never reused */
  return (43u << 24) + (128u << 16) + sim->next_public_ip++;
}

static SimInstance *
instance_new (YunSim *sim, SimRegion *region, SimZone *zone, SimImage *image)
{
  SimInstance *instance = g_new0 (SimInstance, 1);

  do
    sim_random_id (sim->rand, "ins", instance->id, sizeof instance->id);
  while (g_hash_table_contains (sim->instances, instance->id));

  instance->region = region;
  instance->zone = zone;
  instance->image = image;
  for (guint i = 0; i < 16; i += 4)
    {
      guint32 word = g_rand_int (sim->rand);

      memcpy (instance->uuid + i, &word, 4);
    }
  instance->uuid[6] = (instance->uuid[6] & 0x0f) | 0x40;
  instance->uuid[8] = (instance->uuid[8] & 0x3f) | 0x80;
  instance->private_ip = next_private_ip (region);
  g_hash_table_insert (sim->instances, instance->id, instance);
  g_ptr_array_add (region->instances, instance);
  return instance;
}

/* A new instance as RunInstances and the console make it: created now (server time),
 * prepaid for @months or postpaid, the default system disk, no public address, its agent
 * online. Takes @name. */
static SimInstance *
instance_launch (YunSim *sim,
                 SimRegion *region,
                 SimZone *zone,
                 SimImage *image,
                 const SimTypeInfo *type,
                 char *name,
                 gboolean prepaid,
                 gint64 months)
{
  SimInstance *instance = instance_new (sim, region, zone, image);

  instance->type = type;
  instance->name = name;
  instance->prepaid = prepaid;
  instance->created = sim_wall_now (sim);
  if (prepaid)
    instance->expired = instance->created + (gint64) 86400 * 30 * months;
  instance->disk_type = DEFAULT_DISK_TYPE;
  instance->disk_size = DEFAULT_DISK_SIZE;
  instance->agent = SIM_AGENT_ONLINE;
  return instance;
}

static const char *const name_prefixes[]
  = { "web", "api", "db", "cache", "worker", "batch", "gateway", "ci-runner", "game", "未命名" };

static void
generate_instance (YunSim *sim, guint serial, SimRegion *region)
{
  SimZone *zone
    = g_ptr_array_index (region->zones, g_rand_int_range (sim->rand, 0, region->zones->len));
  gboolean windows = g_rand_double (sim->rand) < sim->options.windows_share;
  SimImage *image = pick_image (sim, region, windows, FALSE);
  SimInstance *instance = instance_new (sim, region, zone, image);
  const char *prefix = name_prefixes[g_rand_int_range (sim->rand, 0, G_N_ELEMENTS (name_prefixes))];
  double roll;
  GPtrArray *tags = g_ptr_array_new ();
  static const char *const envs[] = { "prod", "test", "dev" };
  static const char *const teams[] = { "web", "data", "infra", "游戏" };

  instance->type = pick_type (sim);
  if (image->windows)
    instance->name = g_strdup_printf ("win-%s-%05u", prefix, serial);
  else if (g_str_equal (prefix, "未命名"))
    instance->name = g_strdup (prefix);
  else
    instance->name = g_strdup_printf ("%s-%s-%05u", prefix, region->region + 3, serial);

  instance->prepaid = g_rand_double (sim->rand) < 0.15;
  instance->created = FLEET_EPOCH - g_rand_int_range (sim->rand, 3600, 86400 * 700);
  if (instance->prepaid)
    instance->expired
      = instance->created + (gint64) 86400 * 30 * g_rand_int_range (sim->rand, 13, 37);

  roll = g_rand_double (sim->rand);
  if (roll < 0.72)
    instance->state = SIM_STATE_RUNNING;
  else if (roll < 0.97)
    instance->state = SIM_STATE_STOPPED;
  else if (instance->prepaid)
    {
      instance->state = SIM_STATE_SHUTDOWN;
      instance->isolated = TRUE;
    }
  else
    instance->state = SIM_STATE_LAUNCH_FAILED;
  instance->target_state = instance->state;

  roll = g_rand_double (sim->rand);
  instance->disk_type = roll < 0.5 ? 0 : roll < 0.75 ? 1 : roll < 0.9 ? 2 : 3;
  instance->disk_size = (guint16[]){ 50, 80, 100, 200 }[g_rand_int_range (sim->rand, 0, 4)];
  if (g_rand_double (sim->rand) < 0.6)
    {
      instance->public_ip = next_public_ip (sim);
      instance->bandwidth = (guint16[]){ 1, 5, 10, 20, 100 }[g_rand_int_range (sim->rand, 0, 5)];
    }
  instance->protected = g_rand_double (sim->rand) < 0.03;

  roll = g_rand_double (sim->rand);
  instance->agent = roll < 0.85   ? SIM_AGENT_ONLINE
                    : roll < 0.93 ? SIM_AGENT_OFFLINE
                                  : SIM_AGENT_NONE;

  if (g_rand_double (sim->rand) < 0.7)
    {
      g_ptr_array_add (tags, g_strdup ("env"));
      g_ptr_array_add (tags, g_strdup (envs[g_rand_int_range (sim->rand, 0, 3)]));
    }
  if (g_rand_double (sim->rand) < 0.5)
    {
      g_ptr_array_add (tags, g_strdup ("team"));
      g_ptr_array_add (tags, g_strdup (teams[g_rand_int_range (sim->rand, 0, 4)]));
    }
  if (tags->len > 0)
    {
      g_ptr_array_add (tags, NULL);
      instance->tags = (char **) g_ptr_array_free (tags, FALSE);
    }
  else
    g_ptr_array_free (tags, TRUE);
}

/* Reads the `REGION=N` entries of @sizes: @owed[r] is the number of instances the region
 * at index r gets, when @named[r]. */
static gboolean
parse_region_sizes (
  YunSim *sim, const char *const *sizes, guint *owed, gboolean *named, GError **error)
{
  guint64 total = 0;
  guint n_named = 0;

  for (guint i = 0; sizes != NULL && sizes[i] != NULL; i++)
    {
      const char *equals = strchr (sizes[i], '=');
      g_autofree char *name = NULL;
      SimRegion *region;
      guint64 count;

      if (equals == NULL
          || !g_ascii_string_to_unsigned (equals + 1, 10, 0, G_MAXUINT, &count, NULL))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "Region size “%s” is not REGION=N", sizes[i]);
          return FALSE;
        }
      name = g_strndup (sizes[i], equals - sizes[i]);
      region = sim_find_region (sim, name);
      if (region == NULL)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "Region “%s” is not one of the %u simulated regions", name,
                       sim->regions->len);
          return FALSE;
        }
      if (named[region->index])
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "Region “%s” is sized twice", name);
          return FALSE;
        }
      named[region->index] = TRUE;
      owed[region->index] = count;
      total += count;
      n_named++;
    }
  if (total > sim->options.n_instances)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "The region sizes add up to %" G_GUINT64_FORMAT ", more than the %u instances",
                   total, sim->options.n_instances);
      return FALSE;
    }
  if (n_named == sim->regions->len && total < sim->options.n_instances)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "Every region is sized, but the sizes add up to %" G_GUINT64_FORMAT
                   " of the %u instances",
                   total, sim->options.n_instances);
      return FALSE;
    }
  return TRUE;
}

/* The region of the next generated instance, when @left instances remain to be made. The
 * @n_owed instances still owed to sized regions come at random places among the others,
 * which are spread evenly over the unsized regions (@others). Without sized regions, this is
 * one draw over every region. */
static SimRegion *
pick_region (YunSim *sim, GPtrArray *others, guint *owed, guint *n_owed, guint left)
{
  guint slot;

  if (*n_owed == 0 || (others->len > 0 && (guint) g_rand_int_range (sim->rand, 0, left) >= *n_owed))
    return g_ptr_array_index (others, g_rand_int_range (sim->rand, 0, others->len));

  slot = g_rand_int_range (sim->rand, 0, *n_owed);
  for (guint r = 0; r < sim->regions->len; r++)
    {
      if (slot < owed[r])
        {
          owed[r]--;
          (*n_owed)--;
          return g_ptr_array_index (sim->regions, r);
        }
      slot -= owed[r];
    }
  g_assert_not_reached ();
}

gboolean
sim_fleet_build (YunSim *sim, const char *const *region_sizes, GError **error)
{
  guint n_regions = CLAMP (sim->options.n_regions, 1, G_N_ELEMENTS (region_catalogue));
  guint n_images = MAX (sim->options.n_images, 2);
  guint n_private = n_images / 5;
  guint n_shared = n_images / 10;
  guint n_public = n_images - n_private - n_shared;
  g_autoptr (GPtrArray) public_images = g_ptr_array_new ();
  g_autoptr (GPtrArray) others = g_ptr_array_new ();
  g_autofree guint *owed = g_new0 (guint, n_regions);
  g_autofree gboolean *named = g_new0 (gboolean, n_regions);
  guint n_owed = 0;

  sim->regions = g_ptr_array_new_with_free_func ((GDestroyNotify) region_free);
  sim->instances = g_hash_table_new (g_str_hash, g_str_equal);
  sim->images = g_hash_table_new (g_str_hash, g_str_equal);
  sim->all_images = g_ptr_array_new_with_free_func ((GDestroyNotify) image_free);

  if (n_public > G_N_ELEMENTS (image_catalogue))
    {
      n_private += n_public - G_N_ELEMENTS (image_catalogue);
      n_public = G_N_ELEMENTS (image_catalogue);
    }
  /* Public images have the same ID in every region, as on Tencent Cloud. */
  for (guint i = 0; i < n_public; i++)
    g_ptr_array_add (public_images, image_new (sim, &image_catalogue[i], "PUBLIC_IMAGE", NULL));

  for (guint r = 0; r < n_regions; r++)
    {
      const RegionInfo *info = &region_catalogue[r];
      SimRegion *region = g_new0 (SimRegion, 1);
      g_auto (GStrv) zones = g_strsplit (info->zones, ",", -1);
      char id[16];

      region->index = r;
      region->region = g_strdup (info->region);
      region->name = g_strdup (info->name);
      region->zones = g_ptr_array_new_with_free_func ((GDestroyNotify) zone_free);
      region->images = g_ptr_array_new ();
      region->instances = g_ptr_array_new_with_free_func ((GDestroyNotify) sim_instance_free);
      region->pending = g_ptr_array_new ();
      sim_random_id (sim->rand, "vpc", id, sizeof id);
      region->vpc_id = g_strdup (id);
      sim_random_id (sim->rand, "sg", id, sizeof id);
      region->security_group_id = g_strdup (id);

      for (guint z = 0; zones[z] != NULL; z++)
        {
          SimZone *zone = g_new0 (SimZone, 1);
          guint number = (guint) g_ascii_strtoull (zones[z], NULL, 10);

          zone->zone = g_strdup_printf ("%s-%u", info->region, number);
          zone->name = zone_name (info->city, number);
          zone->zone_id = g_strdup_printf ("%u", info->zone_base + number);
          sim_random_id (sim->rand, "subnet", id, sizeof id);
          zone->subnet_id = g_strdup (id);
          for (guint t = 0; t < sim_n_instance_types; t++)
            if (t != ALWAYS_SELLING_TYPE && g_rand_double (sim->rand) < 0.2)
              zone->sold_out_mask |= G_GUINT64_CONSTANT (1) << t;
          if (zone->sold_out_mask == 0)
            zone->sold_out_mask |= G_GUINT64_CONSTANT (1) << (sim_n_instance_types - 1);
          g_ptr_array_add (region->zones, zone);
        }

      for (guint i = 0; i < public_images->len; i++)
        g_ptr_array_add (region->images, g_ptr_array_index (public_images, i));
      for (guint i = 0; i < n_private + n_shared; i++)
        {
          const ImageInfo *base = &image_catalogue[g_rand_int_range (sim->rand, 0, n_public)];
          g_autofree char *name
            = g_strdup_printf ("%s-%s-%02u", i < n_private ? "custom" : "shared",
                               base->windows ? "win" : base->platform, i + 1);

          g_ptr_array_add (
            region->images,
            image_new (sim, base, i < n_private ? "PRIVATE_IMAGE" : "SHARED_IMAGE", name));
        }
      g_ptr_array_add (sim->regions, region);
    }

  if (!parse_region_sizes (sim, region_sizes, owed, named, error))
    return FALSE;
  for (guint r = 0; r < n_regions; r++)
    {
      if (!named[r])
        g_ptr_array_add (others, g_ptr_array_index (sim->regions, r));
      n_owed += owed[r];
    }
  for (guint i = 0; i < sim->options.n_instances; i++)
    generate_instance (sim, i + 1,
                       pick_region (sim, others, owed, &n_owed, sim->options.n_instances - i));
  return TRUE;
}

void
sim_fleet_free (YunSim *sim)
{
  g_clear_pointer (&sim->instances, g_hash_table_unref);
  g_clear_pointer (&sim->regions, g_ptr_array_unref);
  g_clear_pointer (&sim->images, g_hash_table_unref);
  g_clear_pointer (&sim->all_images, g_ptr_array_unref);
}

SimRegion *
sim_find_region (YunSim *sim, const char *name)
{
  for (guint i = 0; i < sim->regions->len; i++)
    {
      SimRegion *region = g_ptr_array_index (sim->regions, i);

      if (g_strcmp0 (region->region, name) == 0)
        return region;
    }
  return NULL;
}

SimZone *
sim_find_zone (SimRegion *region, const char *name)
{
  for (guint i = 0; i < region->zones->len; i++)
    {
      SimZone *zone = g_ptr_array_index (region->zones, i);

      if (g_strcmp0 (zone->zone, name) == 0)
        return zone;
    }
  return NULL;
}

static const SimTypeInfo *
find_type (const char *name)
{
  for (guint i = 0; i < sim_n_instance_types; i++)
    if (g_strcmp0 (sim_instance_types[i].type, name) == 0)
      return &sim_instance_types[i];
  return NULL;
}

static gboolean
zone_sells (SimZone *zone, const SimTypeInfo *type)
{
  return (zone->sold_out_mask & (G_GUINT64_CONSTANT (1) << (type - sim_instance_types))) == 0;
}

/* The type RunInstances launches when none is given: the first one the zone sells. */
static const SimTypeInfo *
zone_default_type (SimZone *zone)
{
  for (guint t = 0; t < sim_n_instance_types; t++)
    if (zone_sells (zone, &sim_instance_types[t]))
      return &sim_instance_types[t];
  g_assert_not_reached ();
}

/* An instance made in the console, behind the client's back: a public image of the OS
 * family, the zone's default type, settled in @state (RUNNING or STOPPED), prepaid for a
 * month or postpaid. Like any new instance, it comes last in its region's creation order. */
SimInstance *
sim_instance_create (YunSim *sim,
                     SimRegion *region,
                     SimZone *zone,
                     gboolean windows,
                     const char *name,
                     SimState state,
                     gboolean prepaid)
{
  SimImage *image = pick_image (sim, region, windows, TRUE);
  SimInstance *instance = instance_launch (sim, region, zone, image, zone_default_type (zone),
                                           g_strdup (name != NULL ? name : "未命名"), prepaid, 1);

  instance->state = instance->target_state = state;
  return instance;
}

/* ---- State machines ---- */

void
sim_instance_remove (YunSim *sim, SimInstance *instance)
{
  SimRegion *region = instance->region;

  g_ptr_array_remove_fast (region->pending, instance);
  g_hash_table_remove (sim->instances, instance->id);
  /* Keeps creation order, which pagination relies on. */
  g_ptr_array_remove (region->instances, instance);
}

void
sim_region_settle (YunSim *sim, SimRegion *region, gint64 now)
{
  for (guint i = region->pending->len; i > 0; i--)
    {
      SimInstance *instance = g_ptr_array_index (region->pending, i - 1);
      SimHistory *history = instance->history;

      if (instance->transition_end > now)
        continue;

      g_ptr_array_remove_index_fast (region->pending, i - 1);
      if (history != NULL && history->fails)
        {
          /* op-fail: the operation ends FAILED and the instance is back where it was */
          instance->state = instance->target_state = history->source_state;
          instance->stop_charging = history->source_stop_charging;
          instance->op_state = SIM_OP_FAILED;
          history->error_msg = OP_FAILED_MESSAGE;
        }
      else
        {
          instance->state = instance->target_state;
          if (instance->op_state == SIM_OP_OPERATING)
            {
              instance->op_state = SIM_OP_SUCCESS;
              /* A new password takes effect when its operation succeeds, not before. */
              if (history != NULL && history->has_next_digest)
                {
                  memcpy (history->digest, history->next_digest, SIM_DIGEST_SIZE);
                  history->has_password = TRUE;
                  history->password_changed_at = sim_wall_at (sim, instance->transition_end, now);
                }
            }
        }
      if (history != NULL)
        history->fails = history->has_next_digest = FALSE;
      instance->transition_end = 0;
      sim_instance_invalidate (instance);
      if (instance->state == SIM_STATE_GONE)
        sim_instance_remove (sim, instance);
    }
}

void
sim_settle_all (YunSim *sim, gint64 now)
{
  for (guint i = 0; i < sim->regions->len; i++)
    sim_region_settle (sim, g_ptr_array_index (sim->regions, i), now);
}

/* Ends the transition in progress without completing its operation (admin override). */
void
sim_instance_cancel_transition (SimInstance *instance)
{
  g_ptr_array_remove_fast (instance->region->pending, instance);
  instance->transition_end = 0;
  if (instance->history != NULL)
    instance->history->fails = instance->history->has_next_digest = FALSE;
}

/* Applies an accepted operation to @instance: it is counted, and Start, Stop, Reboot and
 * ResetInstancesPassword draw the op-fail fault, which makes the operation end FAILED with
 * the instance back in the state it has now. */
static void
begin_transition (
  SimCall *call, SimInstance *instance, SimState during, SimState target, SimOperation operation)
{
  SimHistory *history = instance->history;

  if (history == NULL)
    history = instance->history = g_new0 (SimHistory, 1);
  history->operations[operation]++;
  history->error_msg = NULL;
  history->has_next_digest = FALSE;
  history->source_state = instance->state;
  history->source_stop_charging = instance->stop_charging;
  history->fails
    = (operation == SIM_OPERATION_START || operation == SIM_OPERATION_STOP
       || operation == SIM_OPERATION_REBOOT || operation == SIM_OPERATION_RESET_PASSWORD)
      && sim_fault_op_fails (call->sim, operation_names[operation], call->region->region);

  instance->state = during;
  instance->target_state = target;
  instance->transition_end = call->now + call->sim->transition_us;
  instance->latest_op = operation_names[operation];
  instance->op_state = SIM_OP_OPERATING;
  g_free (instance->latest_op_request_id);
  instance->latest_op_request_id = g_strdup (call->request_id);
  if (!g_ptr_array_find (instance->region->pending, instance, NULL))
    g_ptr_array_add (instance->region->pending, instance);
  sim_instance_invalidate (instance);
}

static gboolean
fail_state (SimCall *call, SimInstance *instance)
{
  g_autofree char *code = NULL;

  if (instance->transition_end != 0 && instance->state == instance->target_state)
    return sim_call_fail (call, "OperationDenied.InstanceOperationInProgress",
                          "The instance `%s` has an operation in progress (%s).", instance->id,
                          instance->latest_op);
  code = g_strdup_printf ("UnsupportedOperation.InstanceState%s", state_codes[instance->state]);
  return sim_call_fail (call, code,
                        "The instance `%s` is %s; this operation is not supported in that state.",
                        instance->id, sim_state_name (instance->state));
}

static gboolean
valid_instance_id (const char *id)
{
  if (!g_str_has_prefix (id, "ins-") || strlen (id) != 12)
    return FALSE;
  for (const char *p = id + 4; *p != '\0'; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

/* Resolves InstanceIds in the call's region. Describe calls skip unknown IDs (Tencent
 * answers them with an empty set); mutating calls fail with InvalidInstanceId.NotFound. */
static gboolean
lookup_instances (SimCall *call,
                  json_object *params,
                  const char *name,
                  guint max,
                  gboolean required,
                  gboolean skip_unknown,
                  GPtrArray **out)
{
  g_autoptr (GPtrArray) ids = NULL;

  *out = NULL;
  if (!sim_param_strings (call, params, name, max, required, &ids))
    return FALSE;
  if (ids == NULL)
    return TRUE;

  *out = g_ptr_array_new ();
  for (guint i = 0; i < ids->len; i++)
    {
      const char *id = g_ptr_array_index (ids, i);
      SimInstance *instance;

      if (!valid_instance_id (id))
        {
          g_clear_pointer (out, g_ptr_array_unref);
          return sim_call_fail (call, "InvalidInstanceId.Malformed",
                                "The instance ID `%s` is malformed.", id);
        }
      instance = g_hash_table_lookup (call->sim->instances, id);
      if (instance == NULL || instance->region != call->region)
        {
          if (skip_unknown)
            continue;
          g_clear_pointer (out, g_ptr_array_unref);
          return sim_call_fail (call, "InvalidInstanceId.NotFound",
                                "The instance `%s` does not exist in region %s.", id,
                                call->region->region);
        }
      if (!g_ptr_array_find (*out, instance, NULL))
        g_ptr_array_add (*out, instance);
    }
  return TRUE;
}

/* ---- Actions ---- */

/* Whether the caller asked for English names (X-TC-Language: en-US); Chinese otherwise, as
 * the service's default. */
static gboolean
english (SimCall *call)
{
  return g_strcmp0 (call->language, "en-US") == 0;
}

static json_object *
action_describe_regions (SimCall *call, json_object *params)
{
  json_object *result = json_object_new_object ();
  json_object *set = json_object_new_array ();

  for (guint i = 0; i < call->sim->regions->len; i++)
    {
      SimRegion *region = g_ptr_array_index (call->sim->regions, i);
      json_object *item = json_object_new_object ();

      json_object_object_add (item, "Region", json_object_new_string (region->region));
      json_object_object_add (item, "RegionName",
                              json_object_new_string (english (call)
                                                        ? region_catalogue[region->index].name_en
                                                        : region->name));
      json_object_object_add (item, "RegionState", json_object_new_string ("AVAILABLE"));
      json_object_array_add (set, item);
    }
  json_object_object_add (result, "TotalCount", json_object_new_int (call->sim->regions->len));
  json_object_object_add (result, "RegionSet", set);
  return result;
}

static json_object *
action_describe_zones (SimCall *call, json_object *params)
{
  json_object *result = json_object_new_object ();
  json_object *set = json_object_new_array ();

  for (guint i = 0; i < call->region->zones->len; i++)
    {
      SimZone *zone = g_ptr_array_index (call->region->zones, i);
      json_object *item = json_object_new_object ();

      json_object_object_add (item, "Zone", json_object_new_string (zone->zone));
      g_autofree char *english_name = g_strdup_printf (
        "%s Zone %s", region_catalogue[call->region->index].city_en, strrchr (zone->zone, '-') + 1);

      json_object_object_add (item, "ZoneName",
                              json_object_new_string (english (call) ? english_name : zone->name));
      json_object_object_add (item, "ZoneId", json_object_new_string (zone->zone_id));
      json_object_object_add (item, "ZoneState", json_object_new_string ("AVAILABLE"));
      json_object_array_add (set, item);
    }
  json_object_object_add (result, "TotalCount", json_object_new_int (call->region->zones->len));
  json_object_object_add (result, "ZoneSet", set);
  return result;
}

static gboolean
contains_casefold (const char *haystack, const char *needle)
{
  g_autofree char *h = g_utf8_casefold (haystack, -1);
  g_autofree char *n = g_utf8_casefold (needle, -1);

  return strstr (h, n) != NULL;
}

static gboolean
image_matches (SimImage *image, GPtrArray *filters)
{
  for (guint i = 0; i < filters->len; i++)
    {
      SimFilter *filter = g_ptr_array_index (filters, i);
      gboolean any = FALSE;

      for (guint k = 0; k < filter->values->len && !any; k++)
        {
          const char *value = g_ptr_array_index (filter->values, k);

          if (g_str_equal (filter->name, "image-id"))
            any = g_str_equal (image->id, value);
          else if (g_str_equal (filter->name, "image-type"))
            any = g_str_equal (image->image_type, value);
          else if (g_str_equal (filter->name, "image-name"))
            any = contains_casefold (image->name, value);
          else if (g_str_equal (filter->name, "platform"))
            any = contains_casefold (image->platform, value);
          else if (g_str_equal (filter->name, "image-source"))
            any = g_str_equal (image->source, value);
        }
      if (!any)
        return FALSE;
    }
  return TRUE;
}

static json_object *
image_to_json (SimImage *image)
{
  json_object *item = json_object_new_object ();

  json_object_object_add (item, "ImageId", json_object_new_string (image->id));
  json_object_object_add (item, "OsName", json_object_new_string (image->os_name));
  json_object_object_add (item, "ImageType", json_object_new_string (image->image_type));
  json_object_object_add (item, "CreatedTime", json_object_new_string (image->created));
  json_object_object_add (item, "ImageName", json_object_new_string (image->name));
  json_object_object_add (item, "ImageDescription", json_object_new_string (image->name));
  json_object_object_add (item, "ImageSize", json_object_new_int (image->size));
  json_object_object_add (item, "Architecture", json_object_new_string ("x86_64"));
  json_object_object_add (item, "ImageState", json_object_new_string ("NORMAL"));
  json_object_object_add (item, "Platform", json_object_new_string (image->platform));
  json_object_object_add (item, "ImageCreator", json_object_new_string (""));
  json_object_object_add (item, "ImageSource", json_object_new_string (image->source));
  json_object_object_add (item, "SyncPercent", NULL);
  json_object_object_add (item, "IsSupportCloudinit", json_object_new_boolean (TRUE));
  json_object_object_add (item, "SnapshotSet", NULL);
  json_object_object_add (item, "Tags", json_object_new_array ());
  json_object_object_add (item, "LicenseType", json_object_new_string ("TencentCloud"));
  json_object_object_add (item, "ImageFamily", json_object_new_string (""));
  json_object_object_add (item, "ImageDeprecated", json_object_new_boolean (FALSE));
  return item;
}

static json_object *
action_describe_images (SimCall *call, json_object *params)
{
  static const char *const known[]
    = { "image-id", "image-type", "image-name", "platform", "image-source", NULL };
  g_autoptr (GPtrArray) ids = NULL;
  g_autoptr (GPtrArray) filters = NULL;
  g_autoptr (GPtrArray) matches = g_ptr_array_new ();
  json_object *result;
  json_object *set;
  const char *instance_type;
  gint64 offset, limit;

  if (!sim_param_strings (call, params, "ImageIds", 100, FALSE, &ids)
      || !sim_param_filters (call, params, known, FALSE, &filters)
      || !sim_param_int (call, params, "Offset", 0, 0, G_MAXINT32, &offset)
      || !sim_param_int (call, params, "Limit", 20, 1, 100, &limit)
      || !sim_param_string (call, params, "InstanceType", FALSE, &instance_type))
    return NULL;
  if (ids != NULL && filters->len > 0)
    return sim_call_fail (call, "InvalidParameter.InvalidParameterCoexistImageIdsFilters",
                          "ImageIds and Filters cannot be specified together."),
           NULL;

  for (guint i = 0; i < call->region->images->len; i++)
    {
      SimImage *image = g_ptr_array_index (call->region->images, i);

      if (ids != NULL)
        {
          gboolean listed = FALSE;

          for (guint k = 0; k < ids->len; k++)
            listed |= g_str_equal (g_ptr_array_index (ids, k), image->id);
          if (!listed)
            continue;
        }
      if (!image_matches (image, filters))
        continue;
      g_ptr_array_add (matches, image);
    }

  result = json_object_new_object ();
  set = json_object_new_array ();
  for (guint i = offset; i < matches->len && i < offset + limit; i++)
    json_object_array_add (set, image_to_json (g_ptr_array_index (matches, i)));
  json_object_object_add (result, "ImageSet", set);
  json_object_object_add (result, "TotalCount", json_object_new_int (matches->len));
  return result;
}

static gboolean
parse_creation_time (const char *text, gint64 *out)
{
  int year, month, day, hour = 0, minute = 0, second = 0;
  g_autoptr (GDateTime) time = NULL;

  if (sscanf (text, "%d-%d-%d %d:%d:%d", &year, &month, &day, &hour, &minute, &second) < 3)
    return FALSE;
  time = g_date_time_new_utc (year, month, day, hour, minute, second);
  if (time == NULL)
    return FALSE;
  *out = g_date_time_to_unix (time);
  return TRUE;
}

static const char *
instance_tag (SimInstance *instance, const char *key)
{
  for (guint i = 0; instance->tags != NULL && instance->tags[i] != NULL; i += 2)
    if (g_str_equal (instance->tags[i], key))
      return instance->tags[i + 1];
  return NULL;
}

static gboolean
instance_matches_value (SimInstance *instance, const char *name, const char *value)
{
  char ip[16];

  if (g_str_equal (name, "zone"))
    return g_str_equal (instance->zone->zone, value);
  if (g_str_equal (name, "instance-id"))
    return g_str_equal (instance->id, value);
  if (g_str_equal (name, "instance-name"))
    return g_str_equal (instance->name, value);
  if (g_str_equal (name, "instance-state"))
    return g_str_equal (sim_state_name (instance->state), value);
  if (g_str_equal (name, "private-ip-address"))
    {
      format_ip (instance->private_ip, ip);
      return g_str_equal (ip, value);
    }
  if (g_str_equal (name, "public-ip-address"))
    {
      if (instance->public_ip == 0)
        return FALSE;
      format_ip (instance->public_ip, ip);
      return g_str_equal (ip, value);
    }
  if (g_str_equal (name, "instance-charge-type"))
    return g_str_equal (instance->prepaid ? "PREPAID" : "POSTPAID_BY_HOUR", value);
  if (g_str_equal (name, "project-id"))
    return g_str_equal ("0", value);
  if (g_str_equal (name, "vpc-id"))
    return g_str_equal (instance->region->vpc_id, value);
  if (g_str_equal (name, "subnet-id"))
    return g_str_equal (instance->zone->subnet_id, value);
  if (g_str_equal (name, "security-group-id"))
    return g_str_equal (instance->region->security_group_id, value);
  if (g_str_equal (name, "uuid"))
    {
      g_autofree char *uuid = format_uuid (instance->uuid);

      return g_str_equal (uuid, value);
    }
  if (g_str_equal (name, "tag-key"))
    return instance_tag (instance, value) != NULL;
  if (g_str_equal (name, "tag-value"))
    {
      for (guint i = 0; instance->tags != NULL && instance->tags[i] != NULL; i += 2)
        if (g_str_equal (instance->tags[i + 1], value))
          return TRUE;
      return FALSE;
    }
  if (g_str_has_prefix (name, "tag:"))
    return g_strcmp0 (instance_tag (instance, name + 4), value) == 0;
  if (g_str_equal (name, "creation-start-time") || g_str_equal (name, "creation-end-time"))
    {
      gint64 bound;

      if (!parse_creation_time (value, &bound))
        return FALSE;
      return name[9] == 's' ? instance->created >= bound : instance->created <= bound;
    }
  return FALSE;
}

static gboolean
instance_matches (SimInstance *instance, GPtrArray *filters)
{
  for (guint i = 0; i < filters->len; i++)
    {
      SimFilter *filter = g_ptr_array_index (filters, i);
      gboolean any = FALSE;

      for (guint k = 0; k < filter->values->len && !any; k++)
        any
          = instance_matches_value (instance, filter->name, g_ptr_array_index (filter->values, k));
      if (!any)
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_creation_filters (SimCall *call, GPtrArray *filters)
{
  for (guint i = 0; i < filters->len; i++)
    {
      SimFilter *filter = g_ptr_array_index (filters, i);

      if (!g_str_has_prefix (filter->name, "creation-"))
        continue;
      for (guint k = 0; k < filter->values->len; k++)
        {
          gint64 unused;

          if (!parse_creation_time (g_ptr_array_index (filter->values, k), &unused))
            return sim_call_fail (call, "InvalidFilterValue",
                                  "The value of filter `%s` must look like 2023-06-01 00:00:00.",
                                  filter->name);
        }
    }
  return TRUE;
}

/* The hot path: the answer is assembled from cached per-instance JSON fragments. */
static json_object *
action_describe_instances (SimCall *call, json_object *params)
{
  static const char *const known[] = { "zone",
                                       "project-id",
                                       "host-id",
                                       "dedicated-cluster-id",
                                       "vpc-id",
                                       "subnet-id",
                                       "instance-id",
                                       "uuid",
                                       "security-group-id",
                                       "instance-name",
                                       "instance-charge-type",
                                       "instance-state",
                                       "private-ip-address",
                                       "public-ip-address",
                                       "ipv6-address",
                                       "tag-key",
                                       "tag-value",
                                       "creation-start-time",
                                       "creation-end-time",
                                       NULL };
  g_autoptr (GPtrArray) selected = NULL;
  g_autoptr (GPtrArray) filters = NULL;
  GPtrArray *source;
  gint64 offset, limit;
  guint end;

  if (!lookup_instances (call, params, "InstanceIds", 100, FALSE, TRUE, &selected)
      || !sim_param_filters (call, params, known, TRUE, &filters)
      || !sim_param_int (call, params, "Offset", 0, 0, G_MAXINT32, &offset)
      || !sim_param_int (call, params, "Limit", 20, 1, 100, &limit)
      || !check_creation_filters (call, filters))
    return NULL;
  if (selected != NULL && filters->len > 0)
    return sim_call_fail (call, "InvalidParameter",
                          "InstanceIds and Filters cannot be specified together."),
           NULL;

  if (selected != NULL)
    source = selected;
  else if (filters->len == 0)
    source = call->region->instances;
  else
    {
      selected = g_ptr_array_new ();
      for (guint i = 0; i < call->region->instances->len; i++)
        {
          SimInstance *instance = g_ptr_array_index (call->region->instances, i);

          if (instance_matches (instance, filters))
            g_ptr_array_add (selected, instance);
        }
      source = selected;
    }

  call->raw = g_string_sized_new (256 + 1400 * MIN (limit, (gint64) source->len));
  g_string_append_printf (call->raw, "\"TotalCount\":%u,\"InstanceSet\":[", source->len);
  end = (guint) MIN ((gint64) source->len, offset + limit);
  for (guint i = offset; i < end; i++)
    {
      SimInstance *instance = g_ptr_array_index (source, i);

      instance_ensure_fragment (instance);
      if (i > offset)
        g_string_append_c (call->raw, ',');
      g_string_append_len (call->raw, instance->fragment, instance->fragment_len);
    }
  g_string_append_c (call->raw, ']');
  return NULL;
}

static json_object *
action_describe_instances_status (SimCall *call, json_object *params)
{
  g_autoptr (GPtrArray) selected = NULL;
  GPtrArray *source;
  json_object *result, *set;
  gint64 offset, limit;

  if (!lookup_instances (call, params, "InstanceIds", 100, FALSE, TRUE, &selected)
      || !sim_param_int (call, params, "Offset", 0, 0, G_MAXINT32, &offset)
      || !sim_param_int (call, params, "Limit", 20, 1, 100, &limit))
    return NULL;

  source = selected != NULL ? selected : call->region->instances;
  result = json_object_new_object ();
  set = json_object_new_array ();
  for (guint i = offset; i < source->len && i < offset + limit; i++)
    {
      SimInstance *instance = g_ptr_array_index (source, i);
      json_object *item = json_object_new_object ();

      json_object_object_add (item, "InstanceId", json_object_new_string (instance->id));
      json_object_object_add (item, "InstanceState",
                              json_object_new_string (sim_state_name (instance->state)));
      json_object_array_add (set, item);
    }
  json_object_object_add (result, "TotalCount", json_object_new_int (source->len));
  json_object_object_add (result, "InstanceStatusSet", set);
  return result;
}

static json_object *
empty_result (void)
{
  return json_object_new_object ();
}

/* Every instance must allow the operation, or nothing happens. */
static gboolean
check_states (SimCall *call, GPtrArray *instances, const SimState *allowed, guint n_allowed)
{
  for (guint i = 0; i < instances->len; i++)
    {
      SimInstance *instance = g_ptr_array_index (instances, i);
      gboolean ok = FALSE;

      if (instance->transition_end != 0)
        return fail_state (call, instance);
      for (guint k = 0; k < n_allowed; k++)
        ok |= instance->state == allowed[k];
      if (!ok)
        return fail_state (call, instance);
    }
  return TRUE;
}

static gboolean
check_stop_type (SimCall *call, json_object *params, const char *force_name)
{
  const char *stop_type;
  json_object *force = NULL;

  if (!sim_param_string (call, params, "StopType", FALSE, &stop_type))
    return FALSE;
  if (stop_type != NULL && !g_str_equal (stop_type, "SOFT") && !g_str_equal (stop_type, "HARD")
      && !g_str_equal (stop_type, "SOFT_FIRST"))
    return sim_call_fail (call, "InvalidParameterValue",
                          "StopType must be SOFT, HARD or SOFT_FIRST, got `%s`.", stop_type);
  if (stop_type != NULL && json_object_object_get_ex (params, force_name, &force))
    return sim_call_fail (call, "InvalidParameter", "%s and StopType cannot be specified together.",
                          force_name);
  if (force != NULL)
    {
      gboolean unused;

      return sim_param_bool (call, params, force_name, FALSE, &unused);
    }
  return TRUE;
}

static json_object *
action_start_instances (SimCall *call, json_object *params)
{
  static const SimState allowed[] = { SIM_STATE_STOPPED };
  g_autoptr (GPtrArray) instances = NULL;

  if (!lookup_instances (call, params, "InstanceIds", 100, TRUE, FALSE, &instances)
      || !check_states (call, instances, allowed, G_N_ELEMENTS (allowed)))
    return NULL;
  for (guint i = 0; i < instances->len; i++)
    {
      SimInstance *instance = g_ptr_array_index (instances, i);

      begin_transition (call, instance, SIM_STATE_STARTING, SIM_STATE_RUNNING, SIM_OPERATION_START);
      instance->stop_charging = FALSE;
    }
  return empty_result ();
}

static json_object *
action_stop_instances (SimCall *call, json_object *params)
{
  static const SimState allowed[] = { SIM_STATE_RUNNING };
  g_autoptr (GPtrArray) instances = NULL;
  const char *stopped_mode;
  gboolean stop_charging;

  if (!lookup_instances (call, params, "InstanceIds", 100, TRUE, FALSE, &instances)
      || !check_stop_type (call, params, "ForceStop")
      || !sim_param_string (call, params, "StoppedMode", FALSE, &stopped_mode))
    return NULL;
  if (stopped_mode != NULL && !g_str_equal (stopped_mode, "KEEP_CHARGING")
      && !g_str_equal (stopped_mode, "STOP_CHARGING"))
    return sim_call_fail (call, "InvalidParameterValue",
                          "StoppedMode must be KEEP_CHARGING or STOP_CHARGING, got `%s`.",
                          stopped_mode),
           NULL;
  stop_charging = g_strcmp0 (stopped_mode, "STOP_CHARGING") == 0;
  if (!check_states (call, instances, allowed, G_N_ELEMENTS (allowed)))
    return NULL;
  /* Stop-charging needs a postpaid instance with cloud disks only. */
  for (guint i = 0; stop_charging && i < instances->len; i++)
    {
      SimInstance *instance = g_ptr_array_index (instances, i);

      if (instance->prepaid || g_str_equal (disk_types[instance->disk_type], "LOCAL_BASIC"))
        return sim_call_fail (call, "UnsupportedOperation.StoppedModeStopCharging",
                              "The instance `%s` does not support STOP_CHARGING.", instance->id),
               NULL;
    }
  for (guint i = 0; i < instances->len; i++)
    {
      SimInstance *instance = g_ptr_array_index (instances, i);

      begin_transition (call, instance, SIM_STATE_STOPPING, SIM_STATE_STOPPED, SIM_OPERATION_STOP);
      instance->stop_charging = stop_charging;
    }
  return empty_result ();
}

static json_object *
action_reboot_instances (SimCall *call, json_object *params)
{
  static const SimState allowed[] = { SIM_STATE_RUNNING };
  g_autoptr (GPtrArray) instances = NULL;

  if (!lookup_instances (call, params, "InstanceIds", 100, TRUE, FALSE, &instances)
      || !check_stop_type (call, params, "ForceReboot")
      || !check_states (call, instances, allowed, G_N_ELEMENTS (allowed)))
    return NULL;
  for (guint i = 0; i < instances->len; i++)
    begin_transition (call, g_ptr_array_index (instances, i), SIM_STATE_REBOOTING,
                      SIM_STATE_RUNNING, SIM_OPERATION_REBOOT);
  return empty_result ();
}

static json_object *
action_terminate_instances (SimCall *call, json_object *params)
{
  static const SimState allowed[]
    = { SIM_STATE_RUNNING, SIM_STATE_STOPPED, SIM_STATE_SHUTDOWN, SIM_STATE_LAUNCH_FAILED };
  g_autoptr (GPtrArray) instances = NULL;
  gboolean release_address, release_disks;

  if (!lookup_instances (call, params, "InstanceIds", 100, TRUE, FALSE, &instances)
      || !sim_param_bool (call, params, "ReleaseAddress", FALSE, &release_address)
      || !sim_param_bool (call, params, "ReleasePrepaidDataDisks", FALSE, &release_disks))
    return NULL;

  for (guint i = 1; i < instances->len; i++)
    if (((SimInstance *) g_ptr_array_index (instances, i))->prepaid
        != ((SimInstance *) g_ptr_array_index (instances, 0))->prepaid)
      return sim_call_fail (call, "UnsupportedOperation.InstanceMixedPricingModel",
                            "Instances with different charge types cannot be terminated "
                            "together."),
             NULL;
  for (guint i = 0; i < instances->len; i++)
    {
      SimInstance *instance = g_ptr_array_index (instances, i);

      if (instance->protected)
        return sim_call_fail (call, "UnsupportedOperation.InstancesProtected",
                              "The instance `%s` has termination protection enabled.",
                              instance->id),
               NULL;
    }
  if (!check_states (call, instances, allowed, G_N_ELEMENTS (allowed)))
    return NULL;

  for (guint i = 0; i < instances->len; i++)
    {
      SimInstance *instance = g_ptr_array_index (instances, i);

      /* Prepaid: the first call moves the instance to the recycle bin (SHUTDOWN); a second
       * call destroys it. Postpaid: destroyed straight away. */
      if (instance->prepaid && instance->state != SIM_STATE_SHUTDOWN)
        {
          begin_transition (call, instance, SIM_STATE_STOPPING, SIM_STATE_SHUTDOWN,
                            SIM_OPERATION_TERMINATE);
          instance->isolated = TRUE;
        }
      else
        begin_transition (call, instance, SIM_STATE_TERMINATING, SIM_STATE_GONE,
                          SIM_OPERATION_TERMINATE);
    }
  return empty_result ();
}

static guint
password_classes (const char *password)
{
  static const char specials[] = "()`~!@#$%^&*-+=_|{}[]:;'<>,.?/";
  gboolean lower = FALSE, upper = FALSE, digit = FALSE, special = FALSE;

  for (const char *p = password; *p != '\0'; p++)
    {
      if (g_ascii_islower (*p))
        lower = TRUE;
      else if (g_ascii_isupper (*p))
        upper = TRUE;
      else if (g_ascii_isdigit (*p))
        digit = TRUE;
      else if (strchr (specials, *p) != NULL)
        special = TRUE;
      else
        return 0; /* a character outside the allowed set */
    }
  return lower + upper + digit + special;
}

/* The password is only checked here, never stored, logged or echoed: instances keep a salted
 * digest (sim_password_digest). */
static gboolean
check_password (
  SimCall *call, const char *password, gboolean windows, guint linux_classes, const char *user)
{
  gsize length = strlen (password);
  guint min = windows ? 12 : 8;
  guint classes = password_classes (password);

  if (length < min || length > 30 || classes < (windows ? 3 : linux_classes) || password[0] == '/'
      || (windows && user != NULL && *user != '\0' && contains_casefold (password, user)))
    return sim_call_fail (call, "InvalidPassword",
                          "The password does not meet the complexity requirements (%s: %u to 30 "
                          "characters, at least %u kinds of characters, not starting with /).",
                          windows ? "Windows" : "Linux", min, windows ? 3 : linux_classes);
  return TRUE;
}

static json_object *
action_reset_instances_password (SimCall *call, json_object *params)
{
  g_autoptr (GPtrArray) instances = NULL;
  const char *password, *user;
  gboolean force_stop, any_windows = FALSE;
  guint8 digest[SIM_DIGEST_SIZE];

  if (!lookup_instances (call, params, "InstanceIds", 100, TRUE, FALSE, &instances)
      || !sim_param_string (call, params, "Password", TRUE, &password)
      || !sim_param_string (call, params, "UserName", FALSE, &user)
      || !sim_param_bool (call, params, "ForceStop", FALSE, &force_stop))
    return NULL;
  if (user != NULL && strlen (user) > 64)
    return sim_call_fail (call, "InvalidParameterValue", "UserName is longer than 64 characters."),
           NULL;
  for (guint i = 0; i < instances->len; i++)
    any_windows |= sim_instance_is_windows (g_ptr_array_index (instances, i));
  /* A mixed batch gets the Windows rule. */
  if (!check_password (call, password, any_windows, 3,
                       user != NULL ? user : (any_windows ? "Administrator" : NULL)))
    return NULL;

  for (guint i = 0; i < instances->len; i++)
    {
      SimInstance *instance = g_ptr_array_index (instances, i);

      if (instance->transition_end != 0)
        return fail_state (call, instance), NULL;
      if (instance->state == SIM_STATE_STOPPED)
        continue;
      if (instance->state == SIM_STATE_RUNNING && force_stop)
        continue;
      return fail_state (call, instance), NULL;
    }

  /* A running instance is (force-)stopped and stays STOPPED afterwards: the documentation
   * does not promise a restart, so clients must check the state after SUCCESS. The new
   * password takes effect when the operation succeeds. */
  sim_password_digest (call->sim, password, digest);
  for (guint i = 0; i < instances->len; i++)
    {
      SimInstance *instance = g_ptr_array_index (instances, i);

      begin_transition (call, instance,
                        instance->state == SIM_STATE_RUNNING ? SIM_STATE_STOPPING
                                                             : SIM_STATE_STOPPED,
                        SIM_STATE_STOPPED, SIM_OPERATION_RESET_PASSWORD);
      memcpy (instance->history->next_digest, digest, SIM_DIGEST_SIZE);
      instance->history->has_next_digest = TRUE;
    }
  return empty_result ();
}

static json_object *
action_describe_instance_vnc_url (SimCall *call, json_object *params)
{
  const char *id;
  SimInstance *instance;
  json_object *result;
  g_autofree char *url = NULL;
  g_autofree char *escaped = NULL;
  char token[40];

  if (!sim_param_string (call, params, "InstanceId", TRUE, &id))
    return NULL;
  if (!valid_instance_id (id))
    return sim_call_fail (call, "InvalidInstanceId.Malformed", "The instance ID `%s` is malformed.",
                          id),
           NULL;
  instance = g_hash_table_lookup (call->sim->instances, id);
  if (instance == NULL || instance->region != call->region)
    return sim_call_fail (call, "InvalidInstanceId.NotFound",
                          "The instance `%s` does not exist in region %s.", id,
                          call->region->region),
           NULL;
  if (instance->state == SIM_STATE_STOPPED)
    return fail_state (call, instance), NULL;

  sim_uuid (call->sim->rand, token);
  url = g_strdup_printf ("wss://%s.vnc.yunsim.invalid:26789/vnc?s=%s", call->region->region, token);
  escaped = g_uri_escape_string (url, NULL, FALSE);
  result = json_object_new_object ();
  json_object_object_add (result, "InstanceVncUrl", json_object_new_string (escaped));
  return result;
}

/* Prices in 元, deterministic: a function of CPU and memory only. */
static double
hourly_price (const SimTypeInfo *type)
{
  return type->cpu * 0.12 + type->memory * 0.05;
}

static json_object *
money (double value)
{
  g_autofree char *text = g_strdup_printf ("%.2f", value);

  return json_object_new_double_s (g_ascii_strtod (text, NULL), text);
}

static json_object *
item_price (double hourly, gboolean prepaid, guint months, guint count)
{
  json_object *price = json_object_new_object ();

  if (prepaid)
    {
      double original = hourly * 24 * 30 * months * count;

      json_object_object_add (price, "OriginalPrice", money (original));
      json_object_object_add (price, "DiscountPrice", money (original * 0.8));
      json_object_object_add (price, "Discount", money (80));
    }
  else
    {
      json_object_object_add (price, "UnitPrice", money (hourly * count));
      json_object_object_add (price, "ChargeUnit", json_object_new_string ("HOUR"));
      json_object_object_add (price, "UnitPriceDiscount", money (hourly * count));
      json_object_object_add (price, "Discount", money (100));
    }
  return price;
}

static json_object *
action_describe_zone_instance_config_infos (SimCall *call, json_object *params)
{
  static const char *const known[]
    = { "zone", "instance-family", "instance-type", "instance-charge-type", "sort-keys", NULL };
  static const char *const charge_types[] = { "POSTPAID_BY_HOUR", "PREPAID" };
  g_autoptr (GPtrArray) filters = NULL;
  json_object *result, *set;

  if (!sim_param_filters (call, params, known, FALSE, &filters))
    return NULL;

  set = json_object_new_array ();
  for (guint z = 0; z < call->region->zones->len; z++)
    {
      SimZone *zone = g_ptr_array_index (call->region->zones, z);

      for (guint t = 0; t < sim_n_instance_types; t++)
        for (guint c = 0; c < G_N_ELEMENTS (charge_types); c++)
          {
            const SimTypeInfo *type = &sim_instance_types[t];
            gboolean sells = zone_sells (zone, type);
            gboolean keep = TRUE;
            json_object *item;

            for (guint f = 0; f < filters->len && keep; f++)
              {
                SimFilter *filter = g_ptr_array_index (filters, f);

                if (g_str_equal (filter->name, "zone"))
                  keep = sim_filter_matches (filter, zone->zone);
                else if (g_str_equal (filter->name, "instance-family"))
                  keep = sim_filter_matches (filter, type->family);
                else if (g_str_equal (filter->name, "instance-type"))
                  keep = sim_filter_matches (filter, type->type);
                else if (g_str_equal (filter->name, "instance-charge-type"))
                  keep = sim_filter_matches (filter, charge_types[c]);
              }
            if (!keep)
              continue;

            item = json_object_new_object ();
            json_object_object_add (item, "Zone", json_object_new_string (zone->zone));
            json_object_object_add (item, "InstanceType", json_object_new_string (type->type));
            json_object_object_add (item, "InstanceChargeType",
                                    json_object_new_string (charge_types[c]));
            json_object_object_add (item, "NetworkCard", json_object_new_int (25));
            json_object_object_add (item, "Externals", json_object_new_object ());
            json_object_object_add (item, "Cpu", json_object_new_int (type->cpu));
            json_object_object_add (item, "Memory", json_object_new_int (type->memory));
            json_object_object_add (item, "InstanceFamily", json_object_new_string (type->family));
            json_object_object_add (item, "TypeName", json_object_new_string (type->type_name));
            json_object_object_add (item, "LocalDiskTypeList", json_object_new_array ());
            json_object_object_add (item, "Status",
                                    json_object_new_string (sells ? "SELL" : "SOLD_OUT"));
            json_object_object_add (item, "Price", item_price (hourly_price (type), c == 1, 1, 1));
            json_object_object_add (item, "SoldOutReason",
                                    json_object_new_string (sells ? "" : "库存不足"));
            json_object_object_add (item, "InstanceBandwidth",
                                    json_object_new_double_s (1.5 * type->cpu, "1.5"));
            json_object_object_add (item, "InstancePps", json_object_new_int (30 * type->cpu));
            json_object_object_add (item, "StorageBlockAmount", json_object_new_int (0));
            json_object_object_add (item, "CpuType",
                                    json_object_new_string ("Intel Xeon Cascade Lake 8255C"));
            json_object_object_add (item, "Gpu", json_object_new_int (0));
            json_object_object_add (item, "Fpga", json_object_new_int (0));
            json_object_object_add (item, "Remark", json_object_new_string (""));
            json_object_object_add (item, "GpuCount", json_object_new_int (0));
            json_object_object_add (item, "Frequency", json_object_new_string ("2.5/3.1GHz"));
            json_object_object_add (
              item, "StatusCategory",
              json_object_new_string (sells ? ((t % 3) == 0 ? "NormalStock" : "EnoughStock")
                                            : "WithoutStock"));
            json_object_array_add (set, item);
          }
    }
  result = json_object_new_object ();
  json_object_object_add (result, "InstanceTypeQuotaSet", set);
  return result;
}

static json_object *
action_describe_instance_type_configs (SimCall *call, json_object *params)
{
  static const char *const known[] = { "zone", "instance-family", "instance-type", NULL };
  g_autoptr (GPtrArray) filters = NULL;
  json_object *result, *set;

  if (!sim_param_filters (call, params, known, FALSE, &filters))
    return NULL;
  set = json_object_new_array ();
  for (guint z = 0; z < call->region->zones->len; z++)
    {
      SimZone *zone = g_ptr_array_index (call->region->zones, z);

      for (guint t = 0; t < sim_n_instance_types; t++)
        {
          const SimTypeInfo *type = &sim_instance_types[t];
          gboolean keep = TRUE;
          json_object *item;

          for (guint f = 0; f < filters->len && keep; f++)
            {
              SimFilter *filter = g_ptr_array_index (filters, f);

              if (g_str_equal (filter->name, "zone"))
                keep = sim_filter_matches (filter, zone->zone);
              else if (g_str_equal (filter->name, "instance-family"))
                keep = sim_filter_matches (filter, type->family);
              else
                keep = sim_filter_matches (filter, type->type);
            }
          if (!keep)
            continue;
          item = json_object_new_object ();
          json_object_object_add (item, "Zone", json_object_new_string (zone->zone));
          json_object_object_add (item, "InstanceType", json_object_new_string (type->type));
          json_object_object_add (item, "InstanceFamily", json_object_new_string (type->family));
          json_object_object_add (item, "GPU", json_object_new_int (0));
          json_object_object_add (item, "CPU", json_object_new_int (type->cpu));
          json_object_object_add (item, "Memory", json_object_new_int (type->memory));
          json_object_object_add (item, "FPGA", json_object_new_int (0));
          json_object_object_add (item, "GpuCount", json_object_new_int (0));
          json_object_array_add (set, item);
        }
    }
  result = json_object_new_object ();
  json_object_object_add (result, "InstanceTypeConfigSet", set);
  return result;
}

typedef struct
{
  SimZone *zone;
  SimImage *image;
  const SimTypeInfo *type;
  gint64 count;
  gboolean prepaid;
  gint64 period;
  const char *name;
  const char *password;
  const char *client_token;
  gboolean dry_run;
  gboolean protected;
  gint64 disk_type;
  gint64 disk_size;
  gint64 bandwidth;
  gboolean public_ip;
  GPtrArray *tags; /* key, value, … borrowed */
} RunSpec;

static void
run_spec_clear (RunSpec *spec)
{
  g_clear_pointer (&spec->tags, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RunSpec, run_spec_clear)

static gboolean
valid_image_id (const char *id)
{
  if (!g_str_has_prefix (id, "img-") || strlen (id) != 12)
    return FALSE;
  for (const char *p = id + 4; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p))
      return FALSE;
  return TRUE;
}

/* Expands {R:x} / {R:x,F:y}; without a pattern, more than one instance gets suffixes 1…n. */
static char *
expand_name (const char *pattern, guint index, guint count)
{
  const char *open = strstr (pattern, "{R:");
  const char *close = open != NULL ? strchr (open, '}') : NULL;

  if (open != NULL && close != NULL)
    {
      guint start = 0, width = 0;
      g_autofree char *inner = g_strndup (open + 3, close - open - 3);
      const char *comma = strstr (inner, ",F:");

      start = (guint) g_ascii_strtoull (inner, NULL, 10);
      if (comma != NULL)
        width = MIN ((guint) g_ascii_strtoull (comma + 3, NULL, 10), 8);
      return g_strdup_printf ("%.*s%0*u%s", (int) (open - pattern), pattern, (int) width,
                              start + index, close + 1);
    }
  if (count > 1)
    return g_strdup_printf ("%s%u", pattern, index + 1);
  return g_strdup (pattern);
}

static gboolean
parse_run_spec (SimCall *call, json_object *params, gboolean inquiry, RunSpec *spec)
{
  const char *charge, *zone_name, *image_id, *type_name;
  json_object *placement, *prepaid, *login, *disk, *internet;
  gint64 unused_min;

  if (!sim_param_string (call, params, "InstanceChargeType", FALSE, &charge))
    return FALSE;
  if (charge != NULL && !g_str_equal (charge, "PREPAID")
      && !g_str_equal (charge, "POSTPAID_BY_HOUR") && !g_str_equal (charge, "SPOTPAID"))
    return sim_call_fail (call, "InvalidParameterValue",
                          "InstanceChargeType `%s` is not supported here.", charge);
  spec->prepaid = g_strcmp0 (charge, "PREPAID") == 0;
  if (!sim_param_object (call, params, "InstanceChargePrepaid", spec->prepaid, &prepaid))
    return FALSE;
  if (prepaid != NULL)
    {
      if (!sim_param_int (call, prepaid, "Period", 1, 0, G_MAXINT32, &spec->period))
        return FALSE;
      if (!((spec->period >= 1 && spec->period <= 12) || spec->period == 24 || spec->period == 36
            || spec->period == 48 || spec->period == 60))
        return sim_call_fail (call, "InvalidPeriod",
                              "Period must be 1 to 12, 24, 36, 48 or 60 months.");
    }

  if (!sim_param_object (call, params, "Placement", TRUE, &placement))
    return FALSE;
  if (!json_object_object_get_ex (placement, "Zone", NULL))
    return sim_call_fail (call, "MissingParameter",
                          "The request is missing a required parameter `Placement.Zone`.");
  if (!sim_param_string (call, placement, "Zone", TRUE, &zone_name))
    return FALSE;
  spec->zone = sim_find_zone (call->region, zone_name);
  if (spec->zone == NULL)
    return sim_call_fail (call, "InvalidZone.MismatchRegion",
                          "The zone `%s` does not exist in region %s.", zone_name,
                          call->region->region);

  if (!sim_param_string (call, params, "ImageId", TRUE, &image_id))
    return FALSE;
  if (!valid_image_id (image_id))
    return sim_call_fail (call, "InvalidImageId.Malformed", "The image ID `%s` is malformed.",
                          image_id);
  spec->image = g_hash_table_lookup (call->sim->images, image_id);
  if (spec->image == NULL || !g_ptr_array_find (call->region->images, spec->image, NULL))
    return sim_call_fail (call, "InvalidImageId.NotFound",
                          "The image `%s` does not exist in region %s.", image_id,
                          call->region->region);

  if (!sim_param_string (call, params, "InstanceType", FALSE, &type_name))
    return FALSE;
  if (type_name != NULL)
    {
      spec->type = find_type (type_name);
      if (spec->type == NULL)
        return sim_call_fail (call, "InvalidParameterValue.InstanceTypeNotFound",
                              "The instance type `%s` does not exist.", type_name);
    }
  else
    spec->type = zone_default_type (spec->zone);

  if (!sim_param_int (call, params, "InstanceCount", 1, 1, inquiry ? 100 : 500, &spec->count)
      || !sim_param_int (call, params, "MinCount", 1, 1, 500, &unused_min))
    return FALSE;

  if (!sim_param_string (call, params, "InstanceName", FALSE, &spec->name))
    return FALSE;
  if (spec->name == NULL)
    spec->name = "未命名";
  else
    {
      g_autofree char *longest = expand_name (spec->name, spec->count - 1, spec->count);

      if (*spec->name == '\0' || strlen (longest) > 60)
        return sim_call_fail (call, "InvalidInstanceName.TooLong",
                              "InstanceName must be 1 to 60 bytes long.");
    }

  if (!sim_param_object (call, params, "LoginSettings", FALSE, &login))
    return FALSE;
  if (login != NULL)
    {
      g_autoptr (GPtrArray) keys = NULL;

      if (!sim_param_string (call, login, "Password", FALSE, &spec->password)
          || !sim_param_strings (call, login, "KeyIds", 0, FALSE, &keys))
        return FALSE;
      if (spec->password != NULL && keys != NULL)
        return sim_call_fail (call, "InvalidParameter",
                              "LoginSettings.Password and LoginSettings.KeyIds cannot be "
                              "specified together.");
      if (keys != NULL && spec->image->windows)
        return sim_call_fail (call, "InvalidParameterValue.KeyPairNotSupported",
                              "Key pairs are not supported for Windows instances.");
      if (spec->password != NULL
          && !check_password (call, spec->password, spec->image->windows, 2, NULL))
        return FALSE;
    }

  if (!sim_param_object (call, params, "SystemDisk", FALSE, &disk))
    return FALSE;
  spec->disk_type = DEFAULT_DISK_TYPE;
  spec->disk_size = DEFAULT_DISK_SIZE;
  if (disk != NULL)
    {
      const char *type;

      if (!sim_param_string (call, disk, "DiskType", FALSE, &type)
          || !sim_param_int (call, disk, "DiskSize", DEFAULT_DISK_SIZE, 20, 2048, &spec->disk_size))
        return FALSE;
      if (type != NULL)
        {
          gint64 found = -1;

          for (guint i = 0; i < G_N_ELEMENTS (disk_types); i++)
            if (g_str_equal (disk_types[i], type))
              found = i;
          if (found < 0)
            return sim_call_fail (call, "InvalidParameterValue",
                                  "SystemDisk.DiskType `%s` is not offered here.", type);
          spec->disk_type = found;
        }
    }

  if (!sim_param_object (call, params, "InternetAccessible", FALSE, &internet))
    return FALSE;
  if (internet != NULL)
    {
      if (!sim_param_int (call, internet, "InternetMaxBandwidthOut", 0, 0, 200, &spec->bandwidth)
          || !sim_param_bool (call, internet, "PublicIpAssigned", spec->bandwidth > 0,
                              &spec->public_ip))
        return FALSE;
      if (spec->public_ip && spec->bandwidth == 0)
        return sim_call_fail (call, "InvalidParameterValue",
                              "A public IP needs InternetMaxBandwidthOut greater than 0.");
    }

  if (!sim_param_string (call, params, "ClientToken", FALSE, &spec->client_token)
      || !sim_param_bool (call, params, "DryRun", FALSE, &spec->dry_run)
      || !sim_param_bool (call, params, "DisableApiTermination", FALSE, &spec->protected))
    return FALSE;
  if (spec->client_token != NULL && strlen (spec->client_token) > 64)
    return sim_call_fail (call, "InvalidClientToken.TooLong",
                          "ClientToken is longer than 64 characters.");

  {
    json_object *specs = NULL;

    spec->tags = g_ptr_array_new ();
    if (json_object_object_get_ex (params, "TagSpecification", &specs)
        && json_object_is_type (specs, json_type_array))
      for (gsize i = 0; i < json_object_array_length (specs); i++)
        {
          json_object *tags = NULL;
          json_object *item = json_object_array_get_idx (specs, i);

          if (!json_object_is_type (item, json_type_object)
              || !json_object_object_get_ex (item, "Tags", &tags)
              || !json_object_is_type (tags, json_type_array))
            continue;
          for (gsize k = 0; k < json_object_array_length (tags); k++)
            {
              json_object *tag = json_object_array_get_idx (tags, k);
              const char *key, *value;

              if (!sim_param_string (call, tag, "Key", TRUE, &key)
                  || !sim_param_string (call, tag, "Value", TRUE, &value))
                return FALSE;
              g_ptr_array_add (spec->tags, (gpointer) key);
              g_ptr_array_add (spec->tags, (gpointer) value);
            }
        }
  }
  return TRUE;
}

typedef struct
{
  char *fingerprint;
  char **instance_ids;
} TokenRecord;

static void
token_record_free (gpointer data)
{
  TokenRecord *record = data;

  g_free (record->fingerprint);
  g_strfreev (record->instance_ids);
  g_free (record);
}

static const char *
failure_message (const char *code)
{
  if (g_str_equal (code, "InvalidAccount.InsufficientBalance"))
    return "The account balance is insufficient.";
  if (g_str_has_prefix (code, "LimitExceeded") || g_str_has_prefix (code, "InstancesQuota"))
    return "The instance quota of this region is used up.";
  if (g_str_has_prefix (code, "ResourceInsufficient")
      || g_str_has_prefix (code, "ResourcesSoldOut"))
    return "The requested resources are sold out in this zone.";
  return "The operation failed.";
}

static json_object *
ids_result (char **ids)
{
  json_object *result = json_object_new_object ();
  json_object *set = json_object_new_array ();

  for (guint i = 0; ids[i] != NULL; i++)
    json_object_array_add (set, json_object_new_string (ids[i]));
  json_object_object_add (result, "InstanceIdSet", set);
  return result;
}

static json_object *
action_run_instances (SimCall *call, json_object *params)
{
  YunSim *sim = call->sim;
  g_auto (RunSpec) spec = { 0 };
  g_autofree char *fingerprint = NULL;
  const char *failure;
  GPtrArray *ids;
  TokenRecord *record;
  guint8 digest[SIM_DIGEST_SIZE];

  if (!parse_run_spec (call, params, FALSE, &spec))
    return NULL;

  if (sim->tokens == NULL)
    sim->tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, token_record_free);

  if (spec.client_token != NULL && !spec.dry_run)
    {
      g_autoptr (json_object) copy = NULL;

      json_object_deep_copy (params, &copy, NULL);
      json_object_object_del (copy, "ClientToken");
      json_object_object_del (copy, "DryRun");
      fingerprint = sim_json_canonical (copy);
      record = g_hash_table_lookup (sim->tokens, spec.client_token);
      if (record != NULL)
        {
          if (!g_str_equal (record->fingerprint, fingerprint))
            return sim_call_fail (call, "InvalidParameterValue",
                                  "The ClientToken `%s` was already used with different "
                                  "parameters.",
                                  spec.client_token),
                   NULL;
          return ids_result (record->instance_ids);
        }
    }

  failure = g_hash_table_lookup (sim->failures, "RunInstances");
  if (failure != NULL)
    return sim_call_fail (call, failure, "%s", failure_message (failure)), NULL;
  if (!zone_sells (spec.zone, spec.type))
    return sim_call_fail (call, "ResourceInsufficient.SpecifiedInstanceType",
                          "The instance type %s is sold out in %s.", spec.type->type,
                          spec.zone->zone),
           NULL;
  if (spec.dry_run)
    return sim_call_fail (call, "DryRunOperation",
                          "The request would have succeeded, but DryRun was set."),
           NULL;

  if (spec.password != NULL)
    sim_password_digest (sim, spec.password, digest);
  ids = g_ptr_array_new ();
  for (guint i = 0; i < spec.count; i++)
    {
      SimInstance *instance
        = instance_launch (sim, call->region, spec.zone, spec.image, spec.type,
                           expand_name (spec.name, i, spec.count), spec.prepaid, spec.period);

      instance->disk_type = spec.disk_type;
      instance->disk_size = spec.disk_size;
      instance->bandwidth = spec.bandwidth;
      if (spec.public_ip)
        instance->public_ip = next_public_ip (sim);
      instance->protected = spec.protected;
      if (spec.tags->len > 0)
        {
          instance->tags = g_new0 (char *, spec.tags->len + 1);
          for (guint k = 0; k < spec.tags->len; k++)
            instance->tags[k] = g_strdup (g_ptr_array_index (spec.tags, k));
        }
      begin_transition (call, instance, SIM_STATE_PENDING, SIM_STATE_RUNNING, SIM_OPERATION_RUN);
      /* The login password takes effect when the launch succeeds. */
      if (spec.password != NULL)
        {
          memcpy (instance->history->next_digest, digest, SIM_DIGEST_SIZE);
          instance->history->has_next_digest = TRUE;
        }
      sim->run_instances_created++;
      g_ptr_array_add (ids, g_strdup (instance->id));
    }
  g_ptr_array_add (ids, NULL);

  record = g_new0 (TokenRecord, 1);
  record->instance_ids = (char **) g_ptr_array_free (ids, FALSE);
  if (spec.client_token != NULL)
    {
      record->fingerprint = g_steal_pointer (&fingerprint);
      g_hash_table_insert (sim->tokens, g_strdup (spec.client_token), record);
      return ids_result (record->instance_ids);
    }
  else
    {
      json_object *result = ids_result (record->instance_ids);

      token_record_free (record);
      return result;
    }
}

static json_object *
action_inquiry_price_run_instances (SimCall *call, json_object *params)
{
  g_auto (RunSpec) spec = { 0 };
  json_object *result, *price, *bandwidth;

  if (!parse_run_spec (call, params, TRUE, &spec))
    return NULL;

  price = json_object_new_object ();
  json_object_object_add (price, "InstancePrice",
                          item_price (hourly_price (spec.type), spec.prepaid,
                                      spec.prepaid ? spec.period : 1, spec.count));
  bandwidth = json_object_new_object ();
  json_object_object_add (bandwidth, "UnitPrice", money (spec.bandwidth > 0 ? 0.8 : 0));
  json_object_object_add (bandwidth, "ChargeUnit", json_object_new_string ("GB"));
  json_object_object_add (bandwidth, "UnitPriceDiscount", money (spec.bandwidth > 0 ? 0.8 : 0));
  json_object_object_add (bandwidth, "Discount", money (100));
  json_object_object_add (price, "BandwidthPrice", bandwidth);
  result = json_object_new_object ();
  json_object_object_add (result, "Price", price);
  return result;
}

#define RUN_PARAMS                                                                                 \
  "InstanceChargeType,InstanceChargePrepaid,Placement,InstanceType,ImageId,SystemDisk,DataDisks,"  \
  "VirtualPrivateCloud,InternetAccessible,InstanceCount,MinCount,InstanceName,LoginSettings,"      \
  "SecurityGroupIds,EnhancedService,ClientToken,HostName,ActionTimer,DisasterRecoverGroupIds,"     \
  "TagSpecification,InstanceMarketOptions,UserData,Metadata,DryRun,CpuTopology,CamRoleName,"       \
  "HpcClusterId,LaunchTemplate,DedicatedClusterId,ChcIds,DisableApiTermination,"                   \
  "EnableJumboFrame,NetworkInterfaces,PartitionNumber"

const SimAction sim_cvm_actions[] = {
  { "cvm", "DescribeRegions", 20, FALSE, "", action_describe_regions },
  { "cvm", "DescribeZones", 20, TRUE, "", action_describe_zones },
  { "cvm", "DescribeImages", 40, TRUE, "ImageIds,Filters,Offset,Limit,InstanceType",
    action_describe_images },
  { "cvm", "DescribeInstances", 40, TRUE, "InstanceIds,Filters,Offset,Limit",
    action_describe_instances },
  { "cvm", "DescribeInstancesStatus", 40, TRUE, "InstanceIds,Offset,Limit",
    action_describe_instances_status },
  { "cvm", "DescribeInstanceTypeConfigs", 40, TRUE, "Filters",
    action_describe_instance_type_configs },
  { "cvm", "DescribeZoneInstanceConfigInfos", 40, TRUE, "Filters",
    action_describe_zone_instance_config_infos },
  { "cvm", "DescribeInstanceVncUrl", 10, TRUE, "InstanceId", action_describe_instance_vnc_url },
  { "cvm", "InquiryPriceRunInstances", 10, TRUE, RUN_PARAMS, action_inquiry_price_run_instances },
  { "cvm", "RunInstances", 10, TRUE, RUN_PARAMS, action_run_instances },
  { "cvm", "StartInstances", 10, TRUE, "InstanceIds", action_start_instances },
  { "cvm", "StopInstances", 10, TRUE, "InstanceIds,ForceStop,StopType,StoppedMode",
    action_stop_instances },
  { "cvm", "RebootInstances", 10, TRUE, "InstanceIds,ForceReboot,StopType",
    action_reboot_instances },
  { "cvm", "TerminateInstances", 10, TRUE, "InstanceIds,ReleaseAddress,ReleasePrepaidDataDisks",
    action_terminate_instances },
  { "cvm", "ResetInstancesPassword", 10, TRUE, "InstanceIds,Password,UserName,ForceStop",
    action_reset_instances_password },
  { NULL, NULL, 0, FALSE, NULL, NULL },
};

/* ---- Public addresses on loopback (SSH tests and the demo) ---- */

/* Gives @instance the public IPv4 @address, or takes its public address away for %NULL or
 * "". An instance given an address has some bandwidth, as a real one would. */
gboolean
sim_instance_set_public_ip (SimInstance *instance, const char *address, GString *error)
{
  struct in_addr parsed;

  if (address == NULL || *address == '\0')
    {
      instance->public_ip = 0;
      instance->bandwidth = 0;
      sim_instance_invalidate (instance);
      return TRUE;
    }
  if (inet_pton (AF_INET, address, &parsed) != 1)
    {
      g_string_printf (error, "PublicIpAddress “%s” is not an IPv4 address", address);
      return FALSE;
    }
  instance->public_ip = g_ntohl (parsed.s_addr);
  if (instance->bandwidth == 0)
    instance->bandwidth = 1;
  sim_instance_invalidate (instance);
  return TRUE;
}

/* --loopback-ip: each spec is an instance ID, or a number N for the first N RUNNING Linux
 * instances of the fleet (regions in order, instances in creation order). Start-up only. */
gboolean
sim_loopback_apply (YunSim *sim, const char *const *specs, GError **error)
{
  g_autoptr (GString) message = g_string_new (NULL);

  for (guint i = 0; specs != NULL && specs[i] != NULL; i++)
    {
      guint64 count = 0;

      if (g_ascii_string_to_unsigned (specs[i], 10, 1, G_MAXUINT, &count, NULL))
        {
          for (guint r = 0; r < sim->regions->len && count > 0; r++)
            {
              SimRegion *region = g_ptr_array_index (sim->regions, r);

              for (guint k = 0; k < region->instances->len && count > 0; k++)
                {
                  SimInstance *instance = g_ptr_array_index (region->instances, k);

                  if (instance->state != SIM_STATE_RUNNING || sim_instance_is_windows (instance))
                    continue;
                  sim_instance_set_public_ip (instance, "127.0.0.1", message);
                  count--;
                }
            }
          if (count > 0)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "--loopback-ip=%s: the fleet has fewer running Linux instances",
                           specs[i]);
              return FALSE;
            }
          continue;
        }

      {
        SimInstance *instance = g_hash_table_lookup (sim->instances, specs[i]);

        if (instance == NULL)
          {
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                         "--loopback-ip=%s: no such instance", specs[i]);
            return FALSE;
          }
        sim_instance_set_public_ip (instance, "127.0.0.1", message);
      }
    }
  return TRUE;
}

/**
 * yun_sim_set_public_ip:
 * @self: a running simulator
 * @instance_id: an instance of its fleet
 * @address: (nullable): an IPv4 address such as `127.0.0.1`, or %NULL for none
 * @error: return location for an error
 *
 * Changes the public address DescribeInstances gives @instance_id: the in-process form of the
 * admin API's `PublicIpAddress`, for the demo to reach an SSH server on this machine.
 *
 * Returns: %FALSE with %G_IO_ERROR_NOT_FOUND or %G_IO_ERROR_INVALID_ARGUMENT
 */
gboolean
yun_sim_set_public_ip (YunSim *self, const char *instance_id, const char *address, GError **error)
{
  g_autoptr (GString) message = g_string_new (NULL);
  SimInstance *instance;
  gboolean ok = FALSE;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (instance_id != NULL, FALSE);

  g_mutex_lock (&self->lock);
  instance = g_hash_table_lookup (self->instances, instance_id);
  if (instance == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "No instance %s", instance_id);
  else if (!(ok = sim_instance_set_public_ip (instance, address, message)))
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, message->str);
  g_mutex_unlock (&self->lock);
  return ok;
}
