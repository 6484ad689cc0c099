/* test-headers.c: the public umbrella header compiles on its own
 *
 * SPDX-License-Identifier: MIT
 */

#include <yun/yun.h>

int yun_headers_compile (void);

int
yun_headers_compile (void)
{
  return YUN_ERROR_FAILED + YUN_SERVICE_TAT;
}
