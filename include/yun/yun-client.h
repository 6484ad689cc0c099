/* yun-client.h: a signed, rate-limited, retrying Tencent Cloud API client
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#if !defined(YUN_INSIDE) && !defined(YUN_COMPILATION)
#error "Only <yun/yun.h> can be included directly."
#endif

#include <yun/yun-types.h>

G_BEGIN_DECLS

#define YUN_TYPE_CLIENT (yun_client_get_type ())

G_DECLARE_FINAL_TYPE (YunClient, yun_client, YUN, CLIENT, GObject)

/* Process-wide set-up: curl_global_init() must run before any thread starts. */
void yun_init (void);

YunClient *yun_client_new (YunCredentials *credentials, YunEndpoint *endpoint);

YunCredentials *yun_client_get_credentials (YunClient *self);
YunEndpoint *yun_client_get_endpoint (YunClient *self);

void yun_client_set_proxy (YunClient *self, const char *proxy_url);
void yun_client_set_ca_file (YunClient *self, const char *ca_file);
void yun_client_set_timeouts (YunClient *self, guint connect_timeout_ms, guint total_timeout_ms);
void yun_client_set_language (YunClient *self, const char *language);
void yun_client_set_max_response_size (YunClient *self, gsize max_bytes);
void yun_client_set_max_attempts (YunClient *self, guint max_attempts);

gint64 yun_client_get_clock_skew (YunClient *self);

G_END_DECLS
