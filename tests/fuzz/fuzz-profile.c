/* fuzz-profile.c: libFuzzer target for the profiles file loader
 *
 * SPDX-License-Identifier: MIT
 *
 * The input is written to a file, which yun_profile_load() reads as the profiles file; the
 * default profile and a named one are loaded from it.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "yun-core-private.h"

static char *profiles_path;

static void
remove_profiles_file (void)
{
  g_unlink (profiles_path);
  g_clear_pointer (&profiles_path, g_free);
}

static void
load (const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (YunProfile) profile = yun_profile_load (profiles_path, name, &error);

  if (profile == NULL)
    {
      g_assert (error != NULL);
      return;
    }
  g_assert (yun_profile_get_name (profile) != NULL);
  yun_profile_get_secret_id (profile);
  yun_profile_get_endpoint (profile);
  yun_profile_get_region (profile);
  yun_profile_get_proxy (profile);
  yun_profile_get_ca_file (profile);
  yun_profile_get_language (profile);
  yun_profile_get_read_only (profile);
}

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  if (profiles_path == NULL)
    {
      int fd = g_file_open_tmp ("fuzz-profile-XXXXXX.ini", &profiles_path, NULL);

      g_assert (fd >= 0);
      close (fd);
      atexit (remove_profiles_file);
    }
  g_assert (g_file_set_contents (profiles_path, (const char *) data, size, NULL));

  load (NULL);
  load ("prod");
  return 0;
}
