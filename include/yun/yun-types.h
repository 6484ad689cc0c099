/* yun-types.h: forward declarations and enums shared by the public headers
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#if !defined(YUN_INSIDE) && !defined(YUN_COMPILATION)
#error "Only <yun/yun.h> can be included directly."
#endif

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _YunCredentials YunCredentials;
typedef struct _YunEndpoint YunEndpoint;
typedef struct _YunClient YunClient;

/**
 * YunService:
 * @YUN_SERVICE_CVM: Cloud Virtual Machine, API version 2017-03-12
 * @YUN_SERVICE_TAT: TencentCloud Automation Tools, API version 2020-10-28
 *
 * A Tencent Cloud product. Its name is also the TC3 signing service, whatever the host.
 */
typedef enum
{
  YUN_SERVICE_CVM,
  YUN_SERVICE_TAT,
} YunService;

const char *yun_service_get_name (YunService service);
const char *yun_service_get_version (YunService service);

/**
 * YunOsFamily:
 * @YUN_OS_FAMILY_UNKNOWN: not known yet; password checks then apply the strictest rule
 * @YUN_OS_FAMILY_LINUX: Linux (and every other non-Windows system)
 * @YUN_OS_FAMILY_WINDOWS: Windows Server
 *
 * The operating system family of an instance or an image. It decides the password rules,
 * the default login user and the TAT command type.
 */
typedef enum
{
  YUN_OS_FAMILY_UNKNOWN,
  YUN_OS_FAMILY_LINUX,
  YUN_OS_FAMILY_WINDOWS,
} YunOsFamily;

#define YUN_TYPE_OS_FAMILY (yun_os_family_get_type ())

GType yun_os_family_get_type (void) G_GNUC_CONST;
YunOsFamily yun_os_family_from_os_name (const char *os_name);
const char *yun_os_family_to_string (YunOsFamily os_family);

G_END_DECLS
