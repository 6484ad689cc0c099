/* yun-log-private.h: debug logging that never shows a secret
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include "yun-core-private.h"

G_BEGIN_DECLS

gboolean _yun_log_key_is_secret (const char *key);
char *_yun_log_redact_json (json_object *obj);
char *_yun_log_redact_body (const char *body, gsize len);
gboolean _yun_log_debug_enabled (const char *topic);

G_END_DECLS
