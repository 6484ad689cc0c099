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
char *_yun_log_redact_text (const char *text);
void _yun_log_init (void);
char *_yun_log_dup_file_path (void);

G_END_DECLS
