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

G_END_DECLS
