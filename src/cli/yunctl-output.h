/* yunctl-output.h: tables for people, JSON for scripts
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <gio/gio.h>
#include <json-c/json.h>

G_BEGIN_DECLS

typedef struct
{
  const char *property;
  const char *heading;
} YunctlColumn;

void yunctl_print_table (GPtrArray *objects, const YunctlColumn *columns, guint n_columns);
void yunctl_print_json (GPtrArray *objects, const char *list_name);
char *yunctl_dup_property_text (GObject *object, const char *property);
json_object *yunctl_object_to_json (GObject *object);
void yunctl_print_json_object (json_object *root);

G_END_DECLS
