/* main.c: yundesk
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "yun-application.h"

int
main (int argc, char *argv[])
{
  g_autoptr (YunApplication) application = NULL;
  g_autofree char *executable = g_file_read_link ("/proc/self/exe", NULL);
  const char *locale_dir = YUN_LOCALEDIR;

  yun_application_choose_renderer ();

  /* Run from the build tree, the translations are those built there. */
  if (executable != NULL && g_str_has_prefix (executable, YUN_BUILD_DIR "/"))
    locale_dir = YUN_BUILD_LOCALEDIR;
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, locale_dir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  application = yun_application_new ();
  return g_application_run (G_APPLICATION (application), argc, argv);
}
