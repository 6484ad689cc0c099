/* yun.h: the public API of libyun, the YunDesk core library
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#define YUN_INSIDE

#include <yun/yun-cache.h>
#include <yun/yun-client.h>
#include <yun/yun-credentials.h>
#include <yun/yun-cvm.h>
#include <yun/yun-endpoint.h>
#include <yun/yun-error.h>
#include <yun/yun-export.h>
#include <yun/yun-filters.h>
#include <yun/yun-image.h>
#include <yun/yun-instance-type-quota.h>
#include <yun/yun-instance.h>
#include <yun/yun-inventory-region.h>
#include <yun/yun-inventory.h>
#include <yun/yun-invocation-task.h>
#include <yun/yun-invocation.h>
#include <yun/yun-job-engine.h>
#include <yun/yun-job-item.h>
#include <yun/yun-job.h>
#include <yun/yun-password.h>
#include <yun/yun-profile.h>
#include <yun/yun-region.h>
#include <yun/yun-secret-store.h>
#include <yun/yun-signer.h>
#include <yun/yun-ssh-session.h>
#include <yun/yun-tat.h>
#include <yun/yun-types.h>
#include <yun/yun-zone.h>

#undef YUN_INSIDE
