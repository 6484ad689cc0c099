/* yun-export.c: writing what the user exports, readable by the user only
 *
 * SPDX-License-Identifier: MIT
 */

#define G_LOG_DOMAIN "yun-export"

#include "config.h"

#include "yun-core-private.h"

/**
 * yun_export_save:
 * @path: the file the user chose
 * @contents: the export (CSV or JSON), NUL-terminated
 * @error: return location for a #GError
 *
 * Writes an export of instances or of a job's results: names, addresses and command output
 * are the user's business, so the file is mode 0600 whatever the umask, and replaced at
 * once (a new file renamed over the old one, never half written).
 *
 * Returns: whether the file was written; %FALSE with a #GFileError
 */
gboolean
yun_export_save (const char *path, const char *contents, GError **error)
{
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (contents != NULL, FALSE);

  return g_file_set_contents_full (path, contents, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}
