/* yun.h: the public API of libyun, the YunDesk core library
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#define YUN_INSIDE

#include <yun/yun-client.h>
#include <yun/yun-profile.h>
#include <yun/yun-credentials.h>
#include <yun/yun-endpoint.h>
#include <yun/yun-error.h>
#include <yun/yun-signer.h>
#include <yun/yun-types.h>

#undef YUN_INSIDE
