/* yun-endpoint.h: where a profile sends its API calls
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#if !defined(YUN_INSIDE) && !defined(YUN_COMPILATION)
#error "Only <yun/yun.h> can be included directly."
#endif

#include <yun/yun-types.h>

G_BEGIN_DECLS

#define YUN_TYPE_ENDPOINT (yun_endpoint_get_type ())

#define YUN_ROOT_DOMAIN_DEFAULT "tencentcloudapi.com"
#define YUN_ROOT_DOMAIN_INTERNATIONAL "intl.tencentcloudapi.com"

GType yun_endpoint_get_type (void) G_GNUC_CONST;

YunEndpoint *yun_endpoint_new_default (void);
YunEndpoint *yun_endpoint_new_for_root_domain (const char *root_domain, GError **error);
YunEndpoint *yun_endpoint_new_for_base_url (const char *base_url, GError **error);
YunEndpoint *yun_endpoint_new_parse (const char *text, GError **error);
YunEndpoint *yun_endpoint_ref (YunEndpoint *self);
void yun_endpoint_unref (YunEndpoint *self);

const char *yun_endpoint_get_root_domain (YunEndpoint *self);
const char *yun_endpoint_get_base_url (YunEndpoint *self);
char *yun_endpoint_dup_url (YunEndpoint *self, YunService service);
char *yun_endpoint_dup_host (YunEndpoint *self, YunService service);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (YunEndpoint, yun_endpoint_unref)

G_END_DECLS
