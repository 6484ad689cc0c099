/* test-password.c: the password rules of api-contract.md §11 at each boundary
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <string.h>

#include "yun-core-private.h"

static gboolean
check (const char *password, YunOsFamily os, YunPasswordContext context, const char *user)
{
  g_autoptr (GError) error = NULL;
  gboolean ok = yun_password_check (password, os, context, user, &error);

  if (ok)
    g_assert_no_error (error);
  else
    {
      g_assert_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER);
      /* The password itself is never echoed */
      if (*password != '\0')
        g_assert_null (strstr (error->message, password));
    }
  return ok;
}

#define RESET YUN_PASSWORD_CONTEXT_RESET
#define CREATE YUN_PASSWORD_CONTEXT_CREATE
#define LINUX YUN_OS_FAMILY_LINUX
#define WINDOWS YUN_OS_FAMILY_WINDOWS
#define UNKNOWN YUN_OS_FAMILY_UNKNOWN

static void
test_length (void)
{
  /* Linux: 8 to 30 */
  g_assert_false (check ("Abcd12!", LINUX, RESET, NULL));                         /* 7 */
  g_assert_true (check ("Abcd123!", LINUX, RESET, NULL));                         /* 8 */
  g_assert_true (check ("Abcd1234!Abcd1234!Abcd1234!Ab", LINUX, RESET, NULL));    /* 29 */
  g_assert_true (check ("Abcd1234!Abcd1234!Abcd1234!Abc", LINUX, RESET, NULL));   /* 30 */
  g_assert_false (check ("Abcd1234!Abcd1234!Abcd1234!Abcd", LINUX, RESET, NULL)); /* 31 */
  g_assert_false (check ("Abcd12!", LINUX, CREATE, NULL));
  g_assert_true (check ("Abcd123!", LINUX, CREATE, NULL));

  /* Windows: 12 to 30 */
  g_assert_false (check ("Abcd1234!xy", WINDOWS, RESET, NULL));                     /* 11 */
  g_assert_true (check ("Abcd1234!xyz", WINDOWS, RESET, NULL));                     /* 12 */
  g_assert_false (check ("Abcd1234!Abcd1234!Abcd1234!Abcd", WINDOWS, RESET, NULL)); /* 31 */
  g_assert_false (check ("Abcd1234!xy", WINDOWS, CREATE, NULL));
  g_assert_true (check ("Abcd1234!xyz", WINDOWS, CREATE, NULL));

  /* Unknown OS: the strictest, 12 */
  g_assert_false (check ("Abcd1234!xy", UNKNOWN, RESET, NULL));
  g_assert_true (check ("Abcd1234!xyz", UNKNOWN, RESET, NULL));
  g_assert_false (check ("Abcd1234!xy", UNKNOWN, CREATE, NULL));

  g_assert_false (check ("", LINUX, RESET, NULL));
}

static void
test_classes (void)
{
  /* Reset: 3 classes everywhere */
  g_assert_false (check ("abcdefgh12", LINUX, RESET, NULL)); /* 2 classes */
  g_assert_true (check ("abcdefgH12", LINUX, RESET, NULL));  /* 3 classes */
  g_assert_true (check ("abcdefg!12", LINUX, RESET, NULL));  /* symbol counts */
  g_assert_false (check ("abcdefghijk12", WINDOWS, RESET, NULL));
  g_assert_true (check ("abcdefghijK12", WINDOWS, RESET, NULL));

  /* Create: 2 classes on Linux, 3 on Windows and when unknown */
  g_assert_false (check ("abcdefghij", LINUX, CREATE, NULL)); /* 1 class */
  g_assert_true (check ("abcdefgh12", LINUX, CREATE, NULL));  /* 2 classes */
  g_assert_false (check ("abcdefghijk12", WINDOWS, CREATE, NULL));
  g_assert_false (check ("abcdefghijk12", UNKNOWN, CREATE, NULL));
  g_assert_true (check ("abcdefghijK12", UNKNOWN, CREATE, NULL));
}

static void
test_characters (void)
{
  g_assert_false (check ("/Abcd1234!", LINUX, RESET, NULL)); /* leading slash */
  g_assert_true (check ("A/bcd1234!", LINUX, RESET, NULL));  /* elsewhere is fine */
  g_assert_false (check ("/Abcd1234!xyz", WINDOWS, CREATE, NULL));
  g_assert_false (check ("Abcd1234é!", LINUX, RESET, NULL)); /* non-ASCII */
  g_assert_false (check ("Abcd1234密码", LINUX, RESET, NULL));
  g_assert_false (check ("Abcd 1234!", LINUX, RESET, NULL));  /* space */
  g_assert_false (check ("Abcd1234\"x", LINUX, RESET, NULL)); /* not in the list */
  g_assert_false (check ("Abcd1234\\x", LINUX, RESET, NULL));
  g_assert_false (check ("Abcd1234\tx", LINUX, RESET, NULL));
  /* `_`, `<` and `>` are in the reset list, not in the create list */
  g_assert_true (check ("Abcd1234_x", LINUX, RESET, NULL));
  g_assert_true (check ("Abcd1234<x", LINUX, RESET, NULL));
  g_assert_false (check ("Abcd1234_x", LINUX, CREATE, NULL));
  g_assert_true (check ("()`~!@#$%^&*-+=_|{}[]:;'<>,.?/a", LINUX, RESET, NULL) == FALSE); /* 31 */
  g_assert_true (check ("a()`~!@#$%^&*-+=_|{}[]:;'<>,.?", LINUX, RESET, NULL)
                 == FALSE); /* 2 classes */
  g_assert_true (check ("aB()`~!@#$%^&*-+=_|{}[]:;'<>,.?", LINUX, RESET, NULL) == FALSE); /* 31 */
  g_assert_true (check ("aB()`~!@#$%^&*-+=_|{}[]:;'<>,.", LINUX, RESET, NULL));
}

static void
test_username (void)
{
  /* Windows: the user name may not appear, in any case */
  g_assert_false (check ("MyAdministrator1!", WINDOWS, RESET, NULL));
  g_assert_false (check ("xxADMINISTRATOR1!", WINDOWS, RESET, "Administrator"));
  g_assert_false (check ("Deploy-Zhang2024", WINDOWS, RESET, "zhang"));
  g_assert_true (check ("Deploy-Wang20245", WINDOWS, RESET, "zhang"));
  /* Unknown OS: the strictest rule includes it */
  g_assert_false (check ("Deploy-Zhang2024", UNKNOWN, RESET, "zhang"));
  /* Linux does not have the rule */
  g_assert_true (check ("Root-Pass2024", LINUX, RESET, "root"));
}

static void
test_generate (void)
{
  YunOsFamily families[] = { LINUX, WINDOWS, UNKNOWN };
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint f = 0; f < G_N_ELEMENTS (families); f++)
    for (guint i = 0; i < 300; i++)
      {
        char *password = yun_password_generate (families[f]);

        g_assert_cmpuint (strlen (password), ==, 20);
        g_assert_true (check (password, families[f], RESET, NULL));
        g_assert_true (check (password, families[f], CREATE, NULL));
        g_assert_true (check (password, WINDOWS, RESET, "Administrator"));
        g_assert_true (check (password, UNKNOWN, CREATE, NULL));
        g_assert_true (g_hash_table_add (seen, password));
      }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/yun/core/password/length", test_length);
  g_test_add_func ("/yun/core/password/classes", test_classes);
  g_test_add_func ("/yun/core/password/characters", test_characters);
  g_test_add_func ("/yun/core/password/username", test_username);
  g_test_add_func ("/yun/core/password/generate", test_generate);

  return g_test_run ();
}
