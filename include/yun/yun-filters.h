/* yun-filters.h: the Filters of the Describe* calls
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#if !defined(YUN_INSIDE) && !defined(YUN_COMPILATION)
#error "Only <yun/yun.h> can be included directly."
#endif

#include <yun/yun-types.h>

G_BEGIN_DECLS

#define YUN_TYPE_FILTERS (yun_filters_get_type ())

/* The API accepts at most this many filters, and values per filter. */
#define YUN_FILTERS_MAX 10
#define YUN_FILTERS_MAX_VALUES 5

typedef struct _YunFilters YunFilters;

GType yun_filters_get_type (void) G_GNUC_CONST;

YunFilters *yun_filters_new (void);
YunFilters *yun_filters_ref (YunFilters *self);
void yun_filters_unref (YunFilters *self);

void yun_filters_add (YunFilters *self, const char *name, const char *first_value, ...)
  G_GNUC_NULL_TERMINATED;
void yun_filters_add_values (YunFilters *self, const char *name, const char *const *values);
guint yun_filters_get_n_filters (YunFilters *self);
const char *const *yun_filters_get_values (YunFilters *self, const char *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (YunFilters, yun_filters_unref)

G_END_DECLS
