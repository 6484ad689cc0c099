/* yun-password.c: instance password rules, checked before a call, and a generator
 *
 * SPDX-License-Identifier: MIT
 *
 * The rules of the public API (reference/api-contract.md §11):
 *
 *   ResetInstancesPassword  Linux   8–30 characters, at least 3 of the 4 classes
 *                           Windows 12–30 characters, at least 3 classes, and not
 *                                   containing the user name
 *   RunInstances            Linux   8–30 characters, at least 2 classes
 *                           Windows 12–30 characters, at least 3 classes
 *
 * The classes are lower-case letters, upper-case letters, digits and the symbols of the
 * API's list, which differs slightly between the two APIs (RunInstances does not list
 * `_`, `<` and `>`). No password may start with '/', and only ASCII is accepted. When the
 * OS is unknown, the strictest rule applies: 12–30 characters, 3 classes, not containing
 * the user name. Windows refuses a password containing the account name whatever the API,
 * so that rule applies to Windows when creating too (the account is then "Administrator").
 *
 * The service has the last word (`InvalidPassword`); these checks only spare a round trip
 * and give a message a person can act on. The password itself never appears in a message.
 */

#define G_LOG_DOMAIN "yun-password"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <string.h>
#include <sys/random.h>

#include "yun-api-private.h"

#define RESET_SYMBOLS "()`~!@#$%^&*-+=_|{}[]:;'<>,.?/"
#define CREATE_SYMBOLS "()`~!@#$%^&*-+=|{}[]:;',.?/"

typedef struct
{
  guint min_length;
  guint min_classes;
  const char *symbols;
  gboolean check_username;
} Rule;

static Rule
rule_for (YunOsFamily os_family, YunPasswordContext context)
{
  Rule rule = { 12, 3, RESET_SYMBOLS, TRUE };

  if (context == YUN_PASSWORD_CONTEXT_CREATE)
    rule.symbols = CREATE_SYMBOLS;

  if (os_family == YUN_OS_FAMILY_LINUX)
    {
      rule.min_length = 8;
      rule.min_classes = context == YUN_PASSWORD_CONTEXT_CREATE ? 2 : 3;
      rule.check_username = FALSE;
    }

  return rule;
}

static gboolean
contains_casefold (const char *haystack, const char *needle)
{
  g_autofree char *h = g_ascii_strdown (haystack, -1);
  g_autofree char *n = g_ascii_strdown (needle, -1);

  return *n != '\0' && strstr (h, n) != NULL;
}

/**
 * yun_password_check:
 * @password: the password to check
 * @os_family: the OS of the instances; %YUN_OS_FAMILY_UNKNOWN (or a batch mixing Linux
 *   and Windows, which should pass %YUN_OS_FAMILY_WINDOWS) gets the strictest rule
 * @context: the API the password is for
 * @username: (nullable): the account whose password is set; %NULL means the image's
 *   default account, which is "Administrator" on Windows
 * @error: return location for a %YUN_ERROR_INVALID_PARAMETER error
 *
 * Checks @password against the rules of the API (see the top of yun-password.c).
 *
 * Returns: whether @password is acceptable
 */
gboolean
yun_password_check (const char *password,
                    YunOsFamily os_family,
                    YunPasswordContext context,
                    const char *username,
                    GError **error)
{
  Rule rule = rule_for (os_family, context);
  gboolean lower = FALSE, upper = FALSE, digit = FALSE, symbol = FALSE;
  guint n_classes;
  gsize length;

  if (password == NULL || *password == '\0')
    {
      g_set_error_literal (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                           _ ("The password is empty"));
      return FALSE;
    }

  for (const char *p = password; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c >= 0x80)
        {
          g_set_error_literal (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                               _ ("The password may contain only ASCII letters, digits and "
                                  "symbols: no accented letters, Chinese characters or emoji"));
          return FALSE;
        }
      if (g_ascii_islower (c))
        lower = TRUE;
      else if (g_ascii_isupper (c))
        upper = TRUE;
      else if (g_ascii_isdigit (c))
        digit = TRUE;
      else if (c != '\0' && strchr (rule.symbols, c) != NULL)
        symbol = TRUE;
      else if (c == ' ')
        {
          g_set_error_literal (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                               _ ("The password may not contain spaces"));
          return FALSE;
        }
      else if (g_ascii_isprint (c))
        {
          g_set_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                       /* Translators: “%c” is the character refused, %s the symbols
                        * allowed, written one after the other. */
                       _ ("The password may not contain “%c”; the symbols allowed are %s"), c,
                       rule.symbols);
          return FALSE;
        }
      else
        {
          g_set_error_literal (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                               _ ("The password may not contain control characters such as tabs "
                                  "or line breaks"));
          return FALSE;
        }
    }

  length = strlen (password);
  if (length < rule.min_length || length > YUN_PASSWORD_MAX_LENGTH)
    {
      if (os_family == YUN_OS_FAMILY_WINDOWS)
        g_set_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                     /* Translators: in this message and the two after it, the first two
                      * placeholders are the shortest and longest lengths allowed, the last the
                      * password's length. */
                     _ ("The password must be %u to %u characters long on Windows; it has %zu"),
                     rule.min_length, YUN_PASSWORD_MAX_LENGTH, length);
      else if (os_family == YUN_OS_FAMILY_UNKNOWN)
        g_set_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                     _ ("The password must be %u to %u characters long when the system is not "
                        "known; it has %zu"),
                     rule.min_length, YUN_PASSWORD_MAX_LENGTH, length);
      else
        g_set_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                     _ ("The password must be %u to %u characters long; it has %zu"),
                     rule.min_length, YUN_PASSWORD_MAX_LENGTH, length);
      return FALSE;
    }

  if (password[0] == '/')
    {
      g_set_error_literal (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                           _ ("The password may not start with “/”"));
      return FALSE;
    }

  n_classes = (guint) lower + (guint) upper + (guint) digit + (guint) symbol;
  if (n_classes < rule.min_classes)
    {
      g_set_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                   /* Translators: %s is the list of the symbols allowed; the last placeholder
                    * is how many of the four kinds the password has. */
                   _ ("The password must mix at least %u of these: lower-case letters, upper-case "
                      "letters, digits, symbols (%s); it has %u"),
                   rule.min_classes, rule.symbols, n_classes);
      return FALSE;
    }

  if (rule.check_username)
    {
      const char *account = username != NULL && *username != '\0' ? username : "Administrator";

      if (contains_casefold (password, account))
        {
          g_set_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                       _ ("The password may not contain the user name (%s)"), account);
          return FALSE;
        }
    }

  return TRUE;
}

/* Fills @buf from the kernel's random source (the same as /dev/urandom). */
static void
random_bytes (guint8 *buf, gsize len)
{
  gsize done = 0;

  while (done < len)
    {
      ssize_t n = getrandom (buf + done, len - done, 0);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          g_error ("getrandom() failed: %s", g_strerror (errno));
        }
      done += (gsize) n;
    }
}

/* A uniform index in [0, n), by rejection so that no character is likelier. */
static guint
random_index (guint n)
{
  guint limit = 256 - (256 % n);
  guint8 b;

  do
    random_bytes (&b, 1);
  while (b >= limit);
  return b % n;
}

/**
 * yun_password_generate:
 * @os_family: the OS the password is for
 *
 * Generates a 20-character password from the kernel's random source that passes
 * yun_password_check() for @os_family in both contexts and with any user name of the
 * image: lower and upper case letters, digits and symbols that both APIs accept, minus those
 * that shells and copy-paste handle badly. Letters easy to confuse (l, I, O, 0) are left out.
 *
 * Returns: (transfer full): the new password; free it with g_free() after wiping it
 */
char *
yun_password_generate (YunOsFamily os_family)
{
  static const char *const classes[] = {
    "abcdefghijkmnopqrstuvwxyz",
    "ABCDEFGHJKLMNPQRSTUVWXYZ",
    "123456789",
    "!@#%^*-+=:,.?",
  };
  const gsize length = 20;

  for (;;)
    {
      g_autofree char *password = g_malloc0 (length + 1);

      /* One of each class first, the rest from any class, then shuffle. */
      for (gsize i = 0; i < length; i++)
        {
          const char *set = classes[i < G_N_ELEMENTS (classes) ? i : random_index (4)];

          password[i] = set[random_index ((guint) strlen (set))];
        }
      for (gsize i = length - 1; i > 0; i--)
        {
          gsize j = random_index ((guint) i + 1);
          char tmp = password[i];

          password[i] = password[j];
          password[j] = tmp;
        }

      if (yun_password_check (password, os_family, YUN_PASSWORD_CONTEXT_RESET, NULL, NULL)
          && yun_password_check (password, os_family, YUN_PASSWORD_CONTEXT_CREATE, NULL, NULL)
          && yun_password_check (password, os_family, YUN_PASSWORD_CONTEXT_RESET, "root", NULL)
          && yun_password_check (password, os_family, YUN_PASSWORD_CONTEXT_RESET, "ubuntu", NULL))
        return g_steal_pointer (&password);

      explicit_bzero (password, length);
    }
}
