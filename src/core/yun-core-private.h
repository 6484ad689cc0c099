/* yun-core-private.h: what every file of libyun shares and the public API does not show
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#ifndef YUN_COMPILATION
#define YUN_COMPILATION 1
#endif

#include <json-c/json.h>
#include <yun/yun.h>

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC (json_object, json_object_put)

G_END_DECLS
