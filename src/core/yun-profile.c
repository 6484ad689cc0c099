/* yun-profile.c: profiles in $XDG_CONFIG_HOME/yundesk/profiles.ini, their keys and clients
 *
 * SPDX-License-Identifier: MIT
 *
 * A profile holds only what is safe on disk. The SecretKey lives in the system keyring
 * (or the environment), never here: a key file that names one is refused, so a key pasted
 * into the file by hand is noticed instead of silently used. What the file holds is read,
 * saved and deleted here, and so is a profile's SecretKey in the secret store; the client of
 * a profile is made here too, once for yunctl and the application.
 */

#define G_LOG_DOMAIN "yun-profile"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "yun-core-private.h"

#define GROUP_PREFIX "profile "
#define DEFAULT_PROFILE "default"
#define MAX_NAME_LENGTH 64

struct _YunProfile
{
  GObject parent_instance;

  char *name;
  char *secret_id;
  char *endpoint;
  char *region;
  char *proxy;
  char *ca_file;
  char *language;
  gboolean read_only;
  guint ssh_port;                            /* 0: the default, 22 */
  char *ssh_user[YUN_OS_FAMILY_WINDOWS + 1]; /* NULL: root, Administrator */
};

G_DEFINE_FINAL_TYPE (YunProfile, yun_profile, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_NAME,
  PROP_SECRET_ID,
  PROP_ENDPOINT,
  PROP_REGION,
  PROP_PROXY,
  PROP_CA_FILE,
  PROP_LANGUAGE,
  PROP_READ_ONLY,
  PROP_SSH_PORT,
  PROP_SSH_USER,
  PROP_SSH_WINDOWS_USER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
yun_profile_finalize (GObject *object)
{
  YunProfile *self = (YunProfile *) object;

  g_free (self->name);
  g_free (self->secret_id);
  g_free (self->endpoint);
  g_free (self->region);
  g_free (self->proxy);
  g_free (self->ca_file);
  g_free (self->language);
  for (guint i = 0; i < G_N_ELEMENTS (self->ssh_user); i++)
    g_free (self->ssh_user[i]);

  G_OBJECT_CLASS (yun_profile_parent_class)->finalize (object);
}

static void
yun_profile_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  YunProfile *self = YUN_PROFILE (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_SECRET_ID:
      g_value_set_string (value, self->secret_id);
      break;
    case PROP_ENDPOINT:
      g_value_set_string (value, self->endpoint);
      break;
    case PROP_REGION:
      g_value_set_string (value, self->region);
      break;
    case PROP_PROXY:
      g_value_set_string (value, self->proxy);
      break;
    case PROP_CA_FILE:
      g_value_set_string (value, self->ca_file);
      break;
    case PROP_LANGUAGE:
      g_value_set_string (value, self->language);
      break;
    case PROP_READ_ONLY:
      g_value_set_boolean (value, self->read_only);
      break;
    case PROP_SSH_PORT:
      g_value_set_uint (value, yun_profile_get_ssh_port (self));
      break;
    case PROP_SSH_USER:
      g_value_set_string (value, yun_profile_get_ssh_user (self, YUN_OS_FAMILY_LINUX));
      break;
    case PROP_SSH_WINDOWS_USER:
      g_value_set_string (value, yun_profile_get_ssh_user (self, YUN_OS_FAMILY_WINDOWS));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yun_profile_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  YunProfile *self = YUN_PROFILE (object);

  switch (prop_id)
    {
    case PROP_NAME:
      self->name = g_value_dup_string (value);
      break;
    case PROP_SECRET_ID:
      yun_profile_set_secret_id (self, g_value_get_string (value));
      break;
    case PROP_ENDPOINT:
      yun_profile_set_endpoint (self, g_value_get_string (value));
      break;
    case PROP_REGION:
      yun_profile_set_region (self, g_value_get_string (value));
      break;
    case PROP_PROXY:
      yun_profile_set_proxy (self, g_value_get_string (value));
      break;
    case PROP_CA_FILE:
      yun_profile_set_ca_file (self, g_value_get_string (value));
      break;
    case PROP_LANGUAGE:
      yun_profile_set_language (self, g_value_get_string (value));
      break;
    case PROP_READ_ONLY:
      yun_profile_set_read_only (self, g_value_get_boolean (value));
      break;
    case PROP_SSH_PORT:
      yun_profile_set_ssh_port (self, g_value_get_uint (value));
      break;
    case PROP_SSH_USER:
      yun_profile_set_ssh_user (self, YUN_OS_FAMILY_LINUX, g_value_get_string (value));
      break;
    case PROP_SSH_WINDOWS_USER:
      yun_profile_set_ssh_user (self, YUN_OS_FAMILY_WINDOWS, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yun_profile_class_init (YunProfileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = yun_profile_finalize;
  object_class->get_property = yun_profile_get_property;
  object_class->set_property = yun_profile_set_property;

  properties[PROP_NAME] = g_param_spec_string (
    "name", NULL, NULL, NULL, G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SECRET_ID] = g_param_spec_string ("secret-id", NULL, NULL, NULL, flags);
  properties[PROP_ENDPOINT] = g_param_spec_string ("endpoint", NULL, NULL, NULL, flags);
  properties[PROP_REGION] = g_param_spec_string ("region", NULL, NULL, NULL, flags);
  properties[PROP_PROXY] = g_param_spec_string ("proxy", NULL, NULL, NULL, flags);
  properties[PROP_CA_FILE] = g_param_spec_string ("ca-file", NULL, NULL, NULL, flags);
  properties[PROP_LANGUAGE] = g_param_spec_string ("language", NULL, NULL, NULL, flags);
  properties[PROP_READ_ONLY] = g_param_spec_boolean ("read-only", NULL, NULL, FALSE, flags);
  /* Setting 0 or %NULL goes back to the default, which is what reading gives then. */
  properties[PROP_SSH_PORT]
    = g_param_spec_uint ("ssh-port", NULL, NULL, 0, 65535, YUN_PROFILE_DEFAULT_SSH_PORT, flags);
  properties[PROP_SSH_USER]
    = g_param_spec_string ("ssh-user", NULL, NULL, YUN_PROFILE_DEFAULT_SSH_USER, flags);
  properties[PROP_SSH_WINDOWS_USER] = g_param_spec_string (
    "ssh-windows-user", NULL, NULL, YUN_PROFILE_DEFAULT_SSH_WINDOWS_USER, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
yun_profile_init (YunProfile *self)
{
}

/**
 * yun_profile_name_is_valid:
 * @name: (nullable): a profile name
 *
 * Whether @name can name a profile: valid UTF-8, not empty, at most 64 characters, and
 * without `[`, `]`, a line break or another control character, which the `[profile NAME]`
 * line of the profiles file cannot hold.
 *
 * Returns: %TRUE if @name is a valid profile name
 */
gboolean
yun_profile_name_is_valid (const char *name)
{
  if (name == NULL || *name == '\0' || !g_utf8_validate (name, -1, NULL)
      || g_utf8_strlen (name, -1) > MAX_NAME_LENGTH)
    return FALSE;

  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    if (*p == '[' || *p == ']' || g_unichar_iscntrl (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

/**
 * yun_profile_new:
 * @name: the profile's name, valid by yun_profile_name_is_valid()
 *
 * Creates a profile with no settings, to be filled with the setters and written with
 * yun_profile_save().
 *
 * Returns: (transfer full): a new profile
 */
YunProfile *
yun_profile_new (const char *name)
{
  g_return_val_if_fail (yun_profile_name_is_valid (name), NULL);

  return g_object_new (YUN_TYPE_PROFILE, "name", name, NULL);
}

/**
 * yun_profile_dup_default_path:
 *
 * Returns: (transfer full): `$XDG_CONFIG_HOME/yundesk/profiles.ini`
 */
char *
yun_profile_dup_default_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "yundesk", "profiles.ini", NULL);
}

/* A value as a profile keeps it: without surrounding white space, and %NULL if empty. */
static char *
dup_value (const char *value)
{
  g_autofree char *stripped = NULL;

  if (value == NULL)
    return NULL;
  stripped = g_strstrip (g_strdup (value));
  return *stripped != '\0' ? g_steal_pointer (&stripped) : NULL;
}

static char *
dup_optional_string (GKeyFile *key_file, const char *group, const char *key)
{
  g_autofree char *value = g_key_file_get_string (key_file, group, key, NULL);

  return dup_value (value);
}

/* Reads the profiles file at @path; with @missing_ok, a file that does not exist reads as
 * one without profiles. */
static GKeyFile *
read_key_file (const char *path, GKeyFileFlags flags, gboolean missing_ok, GError **error)
{
  g_autoptr (GKeyFile) key_file = g_key_file_new ();
  g_autoptr (GError) local_error = NULL;

  if (g_key_file_load_from_file (key_file, path, flags, &local_error))
    return g_steal_pointer (&key_file);
  if (missing_ok && g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    return g_key_file_new ();

  g_set_error (error, local_error->domain, local_error->code,
               _ ("Cannot read profiles from %s: %s"), path, local_error->message);
  return NULL;
}

/* Writes the profiles file at @path: replaced at once, readable by its owner only, in a
 * folder created private. YunDesk's own folder (that of the default path) is made private
 * even if it existed; any other folder, such as /tmp, is left as it is. */
static gboolean
write_key_file (GKeyFile *key_file, const char *path, GError **error)
{
  g_autofree char *default_path = yun_profile_dup_default_path ();
  g_autofree char *directory = g_path_get_dirname (path);
  g_autofree char *data = NULL;
  g_autoptr (GError) local_error = NULL;
  gsize length = 0;
  GStatBuf info;

  if (g_mkdir_with_parents (directory, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _ ("Cannot create the folder %s: %s"), directory, g_strerror (saved_errno));
      return FALSE;
    }

  if (g_str_equal (path, default_path)
      && (g_stat (directory, &info) != 0
          || ((info.st_mode & 0077) != 0 && g_chmod (directory, 0700) != 0)))
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _ ("Cannot make the folder %s private: %s"), directory,
                   g_strerror (saved_errno));
      return FALSE;
    }

  data = g_key_file_to_data (key_file, &length, NULL);
  if (!g_file_set_contents_full (path, data, length, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                 &local_error))
    {
      g_set_error (error, local_error->domain, local_error->code,
                   _ ("Cannot save profiles to %s: %s"), path, local_error->message);
      return FALSE;
    }
  return TRUE;
}

static void
set_no_profile_error (GError **error, const char *path, const char *group)
{
  g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_GROUP_NOT_FOUND,
               /* Translators: the path of the profiles file, a profile name, and the section
                * of the file that would hold it, such as “profile default”: keep the
                * brackets. */
               _ ("%s has no profile “%s” (a [%s] section)"), path, group + strlen (GROUP_PREFIX),
               group);
}

/* The endpoint, if the profile names one, must parse: a file with a bad one does not load. */
static gboolean
check_endpoint (YunProfile *self, const char *path, GError **error)
{
  g_autoptr (YunEndpoint) endpoint = NULL;
  g_autoptr (GError) local_error = NULL;

  if (self->endpoint == NULL)
    return TRUE;

  endpoint = yun_endpoint_new_parse (self->endpoint, &local_error);
  if (endpoint != NULL)
    return TRUE;

  g_set_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
               /* Translators: the path of the profiles file, a profile name, and why its
                * endpoint was refused. */
               _ ("%s: profile “%s”: %s"), path, self->name, local_error->message);
  return FALSE;
}

/* The profile of @group, a `[profile NAME]` group of the file at @path. */
static YunProfile *
profile_new_from_group (GKeyFile *key_file, const char *path, const char *group, GError **error)
{
  static const char *const secret_keys[]
    = { "secret-key", "secretkey", "session-token", "token", "password" };
  const char *name = group + strlen (GROUP_PREFIX);
  g_autoptr (GError) local_error = NULL;
  g_autoptr (YunProfile) self = NULL;

  if (!yun_profile_name_is_valid (name))
    {
      g_set_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                   /* Translators: the path of the profiles file, the name of a section of
                    * that file (keep the brackets), then the longest name allowed. */
                   _ ("%s: [%s] does not name a valid profile: a name is 1 to %u characters, "
                      "without brackets or control characters"),
                   path, group, (guint) MAX_NAME_LENGTH);
      return NULL;
    }

  for (guint i = 0; i < G_N_ELEMENTS (secret_keys); i++)
    {
      if (g_key_file_has_key (key_file, group, secret_keys[i], NULL))
        {
          g_set_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                       _ ("%s: profile “%s” holds a secret (“%s”); secrets belong in the system "
                          "keyring or the environment, never in a file. Remove the line."),
                       path, name, secret_keys[i]);
          return NULL;
        }
    }

  self = yun_profile_new (name);
  self->secret_id = dup_optional_string (key_file, group, "secret-id");
  self->endpoint = dup_optional_string (key_file, group, "endpoint");
  self->region = dup_optional_string (key_file, group, "region");
  self->proxy = dup_optional_string (key_file, group, "proxy");
  self->ca_file = dup_optional_string (key_file, group, "ca-file");
  self->language = dup_optional_string (key_file, group, "language");

  if (g_key_file_has_key (key_file, group, "read-only", NULL))
    {
      self->read_only = g_key_file_get_boolean (key_file, group, "read-only", &local_error);
      if (local_error != NULL)
        {
          g_set_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                       _ ("%s: profile “%s”: read-only must be true or false"), path, name);
          return NULL;
        }
    }

  self->ssh_user[YUN_OS_FAMILY_LINUX] = dup_optional_string (key_file, group, "ssh-user");
  self->ssh_user[YUN_OS_FAMILY_WINDOWS] = dup_optional_string (key_file, group, "ssh-windows-user");
  if (g_key_file_has_key (key_file, group, "ssh-port", NULL))
    {
      g_autofree char *port = dup_optional_string (key_file, group, "ssh-port");
      guint64 value = 0;

      if (port != NULL && (!g_ascii_string_to_unsigned (port, 10, 1, 65535, &value, NULL)))
        {
          g_set_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                       _ ("%s: profile “%s”: ssh-port must be a port number from 1 to 65535"), path,
                       name);
          return NULL;
        }
      self->ssh_port = (guint) value;
    }

  if (!check_endpoint (self, path, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * yun_profile_load:
 * @path: (nullable): the profiles file, or %NULL for yun_profile_dup_default_path()
 * @name: (nullable): the profile, or %NULL for "default"
 * @error: return location for a #GError
 *
 * Reads `[profile NAME]` from the profiles file. Keys: `secret-id`, `endpoint` (a URL or a
 * root domain such as `intl.tencentcloudapi.com`), `region`, `proxy`, `ca-file`, `language`
 * `read-only`, and for SSH `ssh-port`, `ssh-user` and `ssh-windows-user`. Unknown keys are ignored
 * so a newer file still loads; a key that holds a secret (`secret-key`, `session-token`,
 * `password`) is an error.
 *
 * Returns: (transfer full): the profile, or %NULL with %G_FILE_ERROR, %G_KEY_FILE_ERROR or
 *   %YUN_ERROR_INVALID_PARAMETER naming the file and what is wrong
 */
YunProfile *
yun_profile_load (const char *path, const char *name, GError **error)
{
  g_autofree char *default_path = NULL;
  g_autofree char *group = NULL;
  g_autoptr (GKeyFile) key_file = NULL;

  if (path == NULL)
    path = default_path = yun_profile_dup_default_path ();
  if (name == NULL)
    name = DEFAULT_PROFILE;

  key_file = read_key_file (path, G_KEY_FILE_NONE, FALSE, error);
  if (key_file == NULL)
    return NULL;

  group = g_strconcat (GROUP_PREFIX, name, NULL);
  if (!g_key_file_has_group (key_file, group))
    {
      set_no_profile_error (error, path, group);
      return NULL;
    }

  return profile_new_from_group (key_file, path, group, error);
}

/**
 * yun_profile_load_all:
 * @path: (nullable): the profiles file, or %NULL for yun_profile_dup_default_path()
 * @error: return location for a #GError
 *
 * Reads every `[profile NAME]` of the profiles file, in the order of the file, each as
 * yun_profile_load() does; other groups are ignored. A file that does not exist holds no
 * profile; one profile that cannot be read (it holds a secret, for instance) fails the
 * whole file.
 *
 * Returns: (transfer full) (element-type YunProfile): the profiles, possibly none, or %NULL
 *   with %G_FILE_ERROR, %G_KEY_FILE_ERROR or %YUN_ERROR_INVALID_PARAMETER naming the file and
 *   what is wrong
 */
GPtrArray *
yun_profile_load_all (const char *path, GError **error)
{
  g_autofree char *default_path = NULL;
  g_autoptr (GKeyFile) key_file = NULL;
  g_autoptr (GPtrArray) profiles = g_ptr_array_new_with_free_func (g_object_unref);
  g_auto (GStrv) groups = NULL;

  if (path == NULL)
    path = default_path = yun_profile_dup_default_path ();

  key_file = read_key_file (path, G_KEY_FILE_NONE, TRUE, error);
  if (key_file == NULL)
    return NULL;

  groups = g_key_file_get_groups (key_file, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      YunProfile *profile;

      if (!g_str_has_prefix (groups[i], GROUP_PREFIX))
        continue;
      profile = profile_new_from_group (key_file, path, groups[i], error);
      if (profile == NULL)
        return NULL;
      g_ptr_array_add (profiles, profile);
    }

  return g_steal_pointer (&profiles);
}

/* Puts the profile's settings into @group of @key_file, leaving any other key there. */
static void
set_group (YunProfile *self, GKeyFile *key_file, const char *group)
{
  const struct
  {
    const char *key;
    const char *value;
  } values[] = {
    { "secret-id", self->secret_id },
    { "endpoint", self->endpoint },
    { "region", self->region },
    { "proxy", self->proxy },
    { "ca-file", self->ca_file },
    { "language", self->language },
    { "ssh-user", self->ssh_user[YUN_OS_FAMILY_LINUX] },
    { "ssh-windows-user", self->ssh_user[YUN_OS_FAMILY_WINDOWS] },
  };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      if (values[i].value != NULL)
        g_key_file_set_string (key_file, group, values[i].key, values[i].value);
      else
        g_key_file_remove_key (key_file, group, values[i].key, NULL);
    }
  /* The default port is not written: a file stays as older versions wrote it. */
  if (self->ssh_port != 0)
    g_key_file_set_integer (key_file, group, "ssh-port", (int) self->ssh_port);
  else
    g_key_file_remove_key (key_file, group, "ssh-port", NULL);
  /* Always written, so that a profile without settings still has its group. */
  g_key_file_set_boolean (key_file, group, "read-only", self->read_only);
}

/**
 * yun_profile_save:
 * @self: a profile
 * @path: (nullable): the profiles file, or %NULL for yun_profile_dup_default_path()
 * @error: return location for a #GError
 *
 * Writes the profile into its `[profile NAME]` group of the profiles file, adding the group
 * at the end if the file has none, or updating it where it is. The other groups, and the keys
 * and comments that YunDesk does not know (of this group too), are kept. The file is replaced
 * at once (never left half written), readable by its owner only (mode 0600), in a folder
 * created with mode 0700; the folder of the default path is set to 0700 if it was more open.
 * No secret is ever written: a profile holds none.
 *
 * Returns: %TRUE on success; %FALSE with %G_FILE_ERROR, %G_KEY_FILE_ERROR (a file that cannot
 *   be read is not overwritten) or %YUN_ERROR_INVALID_PARAMETER (an endpoint that
 *   yun_endpoint_new_parse() refuses), naming the file
 */
gboolean
yun_profile_save (YunProfile *self, const char *path, GError **error)
{
  g_autofree char *default_path = NULL;
  g_autofree char *group = NULL;
  g_autoptr (GKeyFile) key_file = NULL;

  g_return_val_if_fail (YUN_IS_PROFILE (self), FALSE);

  if (path == NULL)
    path = default_path = yun_profile_dup_default_path ();
  if (!check_endpoint (self, path, error))
    return FALSE;

  key_file
    = read_key_file (path, G_KEY_FILE_KEEP_COMMENTS | G_KEY_FILE_KEEP_TRANSLATIONS, TRUE, error);
  if (key_file == NULL)
    return FALSE;

  group = g_strconcat (GROUP_PREFIX, self->name, NULL);
  set_group (self, key_file, group);

  return write_key_file (key_file, path, error);
}

/**
 * yun_profile_delete:
 * @path: (nullable): the profiles file, or %NULL for yun_profile_dup_default_path()
 * @name: the profile
 * @error: return location for a #GError
 *
 * Removes `[profile NAME]` from the profiles file, keeping everything else, and writes it as
 * yun_profile_save() does. The profile's secrets stay in the secret store.
 *
 * Returns: %TRUE on success; %FALSE with %G_FILE_ERROR, %G_KEY_FILE_ERROR
 *   (%G_KEY_FILE_ERROR_GROUP_NOT_FOUND: the file has no such profile) or
 *   %YUN_ERROR_INVALID_PARAMETER (@name is not a valid profile name)
 */
gboolean
yun_profile_delete (const char *path, const char *name, GError **error)
{
  g_autofree char *default_path = NULL;
  g_autofree char *group = NULL;
  g_autoptr (GKeyFile) key_file = NULL;

  g_return_val_if_fail (name != NULL, FALSE);

  if (!yun_profile_name_is_valid (name))
    {
      g_set_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                   /* Translators: %u is the longest name allowed. */
                   _ ("Not a valid profile name: a name is 1 to %u characters, without brackets "
                      "or control characters"),
                   (guint) MAX_NAME_LENGTH);
      return FALSE;
    }
  if (path == NULL)
    path = default_path = yun_profile_dup_default_path ();

  key_file
    = read_key_file (path, G_KEY_FILE_KEEP_COMMENTS | G_KEY_FILE_KEEP_TRANSLATIONS, FALSE, error);
  if (key_file == NULL)
    return FALSE;

  group = g_strconcat (GROUP_PREFIX, name, NULL);
  if (!g_key_file_remove_group (key_file, group, NULL))
    {
      set_no_profile_error (error, path, group);
      return FALSE;
    }

  return write_key_file (key_file, path, error);
}

static gboolean
check_secret_id (YunProfile *self, GError **error)
{
  if (self->secret_id != NULL)
    return TRUE;

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
               _ ("Profile “%s” names no SecretId: set its secret-id"), self->name);
  return FALSE;
}

/**
 * yun_profile_resolve_credentials:
 * @self: a profile
 * @secrets: the secret store
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The credentials of the profile: its SecretId, with the SecretKey (and the session token of
 * temporary credentials, if one is stored) that @secrets holds for it, under
 * %YUN_SECRET_SECRET_KEY and %YUN_SECRET_SESSION_TOKEN with the profile name as account and
 * the SecretId as key. With a persistent store this blocks on D-Bus: call it from a worker
 * thread in an application.
 *
 * Returns: (transfer full): the credentials, or %NULL with %G_IO_ERROR_NOT_FOUND (the profile
 *   names no SecretId, or no SecretKey is stored for it: the message says how to store one,
 *   or why the system keyring cannot be searched), %YUN_ERROR_STORAGE or
 *   %YUN_ERROR_CANCELLED. No message holds a secret.
 */
YunCredentials *
yun_profile_resolve_credentials (YunProfile *self,
                                 YunSecretStore *secrets,
                                 GCancellable *cancellable,
                                 GError **error)
{
  g_autoptr (YunSecret) secret_key = NULL;
  g_autoptr (YunSecret) session_token = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *unavailable = NULL;

  g_return_val_if_fail (YUN_IS_PROFILE (self), NULL);
  g_return_val_if_fail (YUN_IS_SECRET_STORE (secrets), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);

  if (!check_secret_id (self, error))
    return NULL;

  secret_key = yun_secret_store_lookup (secrets, YUN_SECRET_SECRET_KEY, self->name, self->secret_id,
                                        cancellable, &local_error);
  if (secret_key != NULL)
    session_token = yun_secret_store_lookup (secrets, YUN_SECRET_SESSION_TOKEN, self->name,
                                             self->secret_id, cancellable, &local_error);
  if (g_error_matches (local_error, YUN_ERROR, YUN_ERROR_CANCELLED))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (local_error != NULL)
    {
      g_set_error (error, local_error->domain, local_error->code,
                   /* Translators: the last placeholder is the keyring's error, a sentence of
                    * its own. */
                   _ ("Profile “%s” names SecretId %s, but no SecretKey is available. %s"),
                   self->name, self->secret_id, local_error->message);
      return NULL;
    }
  if (secret_key != NULL)
    return yun_credentials_new (self->secret_id, secret_key, session_token);

  /* A store that fell back to memory holds only what was stored in it since it started. */
  unavailable = yun_secret_store_dup_unavailable_reason (secrets);
  if (unavailable != NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                 /* Translators: the last placeholder says why the keyring cannot be searched,
                  * a sentence of its own. */
                 _ ("Profile “%s” names SecretId %s, but no SecretKey is available: the system "
                    "keyring cannot be searched. %s"),
                 self->name, self->secret_id, unavailable);
  else
    {
      /* The command is the same in every language: the label is the one the keyring item
       * gets from yun_secret_store_store(). */
      g_autofree char *command
        = g_strdup_printf ("secret-tool store --label='YunDesk SecretKey for %s (profile %s)' "
                           "xdg:schema io.github.yundesk.YunDesk.Secret kind secret-key account "
                           "'%s' key %s",
                           self->secret_id, self->name, self->name, self->secret_id);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   /* Translators: the first placeholder is a profile name, the second a
                    * SecretId, the last a secret-tool command line to copy as it is. */
                   _ ("Profile “%s” names SecretId %s, but no SecretKey is available: the "
                      "system keyring holds none for this profile and SecretId. Save the key in "
                      "the keyring: %s"),
                   self->name, self->secret_id, command);
    }
  return NULL;
}

/**
 * yun_profile_store_secret_key:
 * @self: a profile
 * @secrets: the secret store
 * @secret_key: the SecretKey of the profile's SecretId
 * @session_token: (nullable): the session token of temporary credentials, or %NULL
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Saves the SecretKey of the profile in @secrets, where yun_profile_resolve_credentials()
 * finds it, with @session_token, or, without one, removing any session token stored before.
 * With a persistent store this blocks on D-Bus: call it from a worker thread in an
 * application.
 *
 * Returns: %TRUE on success; %FALSE with %G_IO_ERROR_NOT_FOUND (the profile names no
 *   SecretId), %YUN_ERROR_STORAGE or %YUN_ERROR_CANCELLED. No message holds a secret.
 */
gboolean
yun_profile_store_secret_key (YunProfile *self,
                              YunSecretStore *secrets,
                              const char *secret_key,
                              const char *session_token,
                              GCancellable *cancellable,
                              GError **error)
{
  g_return_val_if_fail (YUN_IS_PROFILE (self), FALSE);
  g_return_val_if_fail (YUN_IS_SECRET_STORE (secrets), FALSE);
  g_return_val_if_fail (secret_key != NULL && *secret_key != '\0', FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);

  if (!check_secret_id (self, error)
      || !yun_secret_store_store (secrets, YUN_SECRET_SECRET_KEY, self->name, self->secret_id,
                                  secret_key, cancellable, error))
    return FALSE;

  if (session_token != NULL && *session_token != '\0')
    return yun_secret_store_store (secrets, YUN_SECRET_SESSION_TOKEN, self->name, self->secret_id,
                                   session_token, cancellable, error);
  return yun_secret_store_clear (secrets, YUN_SECRET_SESSION_TOKEN, self->name, self->secret_id,
                                 cancellable, error);
}

/**
 * yun_profile_create_client:
 * @self: a profile
 * @credentials: the credentials to sign with, such as yun_profile_resolve_credentials() gives
 * @error: return location for a #GError
 *
 * A client for the profile: its endpoint (or yun_endpoint_new_default()), with its proxy,
 * CA file and language, if it names them.
 *
 * Returns: (transfer full): the client, or %NULL with the error of yun_endpoint_new_parse()
 */
YunClient *
yun_profile_create_client (YunProfile *self, YunCredentials *credentials, GError **error)
{
  g_autoptr (YunEndpoint) endpoint = NULL;
  YunClient *client;

  g_return_val_if_fail (YUN_IS_PROFILE (self), NULL);
  g_return_val_if_fail (credentials != NULL, NULL);

  endpoint = self->endpoint != NULL ? yun_endpoint_new_parse (self->endpoint, error)
                                    : yun_endpoint_new_default ();
  if (endpoint == NULL)
    return NULL;

  client = yun_client_new (credentials, endpoint);
  if (self->proxy != NULL)
    yun_client_set_proxy (client, self->proxy);
  if (self->ca_file != NULL)
    yun_client_set_ca_file (client, self->ca_file);
  if (self->language != NULL)
    yun_client_set_language (client, self->language);
  return client;
}

const char *
yun_profile_get_name (YunProfile *self)
{
  g_return_val_if_fail (YUN_IS_PROFILE (self), NULL);
  return self->name;
}

const char *
yun_profile_get_secret_id (YunProfile *self)
{
  g_return_val_if_fail (YUN_IS_PROFILE (self), NULL);
  return self->secret_id;
}

const char *
yun_profile_get_endpoint (YunProfile *self)
{
  g_return_val_if_fail (YUN_IS_PROFILE (self), NULL);
  return self->endpoint;
}

const char *
yun_profile_get_region (YunProfile *self)
{
  g_return_val_if_fail (YUN_IS_PROFILE (self), NULL);
  return self->region;
}

const char *
yun_profile_get_proxy (YunProfile *self)
{
  g_return_val_if_fail (YUN_IS_PROFILE (self), NULL);
  return self->proxy;
}

const char *
yun_profile_get_ca_file (YunProfile *self)
{
  g_return_val_if_fail (YUN_IS_PROFILE (self), NULL);
  return self->ca_file;
}

const char *
yun_profile_get_language (YunProfile *self)
{
  g_return_val_if_fail (YUN_IS_PROFILE (self), NULL);
  return self->language;
}

gboolean
yun_profile_get_read_only (YunProfile *self)
{
  g_return_val_if_fail (YUN_IS_PROFILE (self), FALSE);
  return self->read_only;
}

/* Sets *@field to @value as a profile keeps it; whether that changed it. */
static gboolean
set_value (char **field, const char *value)
{
  g_autofree char *kept = dup_value (value);

  if (g_strcmp0 (*field, kept) == 0)
    return FALSE;
  g_free (*field);
  *field = g_steal_pointer (&kept);
  return TRUE;
}

/**
 * yun_profile_set_secret_id:
 * @self: a profile
 * @secret_id: (nullable): the SecretId, or %NULL for none
 *
 * Sets the SecretId of the profile; its SecretKey is kept in the secret store (see
 * yun_profile_store_secret_key()). As in the profiles file, surrounding white space is
 * removed and an empty value means none; so for every setter of a text.
 */
void
yun_profile_set_secret_id (YunProfile *self, const char *secret_id)
{
  g_return_if_fail (YUN_IS_PROFILE (self));

  if (set_value (&self->secret_id, secret_id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECRET_ID]);
}

/**
 * yun_profile_set_endpoint:
 * @self: a profile
 * @endpoint: (nullable): a root domain or a base URL, as yun_endpoint_new_parse() reads it,
 *   or %NULL for the default
 *
 * Sets the endpoint of the profile. It is checked by yun_profile_save() and
 * yun_profile_create_client().
 */
void
yun_profile_set_endpoint (YunProfile *self, const char *endpoint)
{
  g_return_if_fail (YUN_IS_PROFILE (self));

  if (set_value (&self->endpoint, endpoint))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENDPOINT]);
}

/**
 * yun_profile_set_region:
 * @self: a profile
 * @region: (nullable): the region to use by default, such as `ap-guangzhou`, or %NULL
 *
 * Sets the default region of the profile.
 */
void
yun_profile_set_region (YunProfile *self, const char *region)
{
  g_return_if_fail (YUN_IS_PROFILE (self));

  if (set_value (&self->region, region))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REGION]);
}

/**
 * yun_profile_set_proxy:
 * @self: a profile
 * @proxy: (nullable): the proxy URL, or %NULL for the standard environment variables
 *
 * Sets the proxy of the profile's clients.
 */
void
yun_profile_set_proxy (YunProfile *self, const char *proxy)
{
  g_return_if_fail (YUN_IS_PROFILE (self));

  if (set_value (&self->proxy, proxy))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROXY]);
}

/**
 * yun_profile_set_ca_file:
 * @self: a profile
 * @ca_file: (nullable): a PEM file of the CA certificates to trust, or %NULL for the system's
 *
 * Sets the CA file of the profile's clients.
 */
void
yun_profile_set_ca_file (YunProfile *self, const char *ca_file)
{
  g_return_if_fail (YUN_IS_PROFILE (self));

  if (set_value (&self->ca_file, ca_file))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CA_FILE]);
}

/**
 * yun_profile_set_language:
 * @self: a profile
 * @language: (nullable): `zh-CN` or `en-US`, or %NULL for the API's default
 *
 * Sets the language of the error messages the API returns to the profile's clients.
 */
void
yun_profile_set_language (YunProfile *self, const char *language)
{
  g_return_if_fail (YUN_IS_PROFILE (self));

  if (set_value (&self->language, language))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LANGUAGE]);
}

/**
 * yun_profile_set_read_only:
 * @self: a profile
 * @read_only: whether the profile refuses every command that changes anything
 *
 * Makes the profile read-only, or not.
 */
void
yun_profile_set_read_only (YunProfile *self, gboolean read_only)
{
  g_return_if_fail (YUN_IS_PROFILE (self));

  read_only = !!read_only;
  if (self->read_only == read_only)
    return;
  self->read_only = read_only;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READ_ONLY]);
}

/**
 * yun_profile_get_ssh_port:
 * @self: a profile
 *
 * Returns: the port SSH connections of this profile go to (%YUN_PROFILE_DEFAULT_SSH_PORT
 *   unless set)
 */
guint
yun_profile_get_ssh_port (YunProfile *self)
{
  g_return_val_if_fail (YUN_IS_PROFILE (self), YUN_PROFILE_DEFAULT_SSH_PORT);
  return self->ssh_port != 0 ? self->ssh_port : YUN_PROFILE_DEFAULT_SSH_PORT;
}

/**
 * yun_profile_set_ssh_port:
 * @self: a profile
 * @port: the SSH port, 1 to 65535, or 0 for the default (22)
 */
void
yun_profile_set_ssh_port (YunProfile *self, guint port)
{
  g_return_if_fail (YUN_IS_PROFILE (self));
  g_return_if_fail (port <= 65535);

  if (port == YUN_PROFILE_DEFAULT_SSH_PORT)
    port = 0;
  if (self->ssh_port == port)
    return;
  self->ssh_port = port;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SSH_PORT]);
}

/**
 * yun_profile_get_ssh_user:
 * @self: a profile
 * @os_family: the OS of the instance logged into
 *
 * Returns: the user SSH logs in as on an instance of @os_family: the one set, or `root`
 *   (Linux and any non-Windows system) or `Administrator` (Windows)
 */
const char *
yun_profile_get_ssh_user (YunProfile *self, YunOsFamily os_family)
{
  guint index = os_family == YUN_OS_FAMILY_WINDOWS ? YUN_OS_FAMILY_WINDOWS : YUN_OS_FAMILY_LINUX;

  g_return_val_if_fail (YUN_IS_PROFILE (self), NULL);

  if (self->ssh_user[index] != NULL)
    return self->ssh_user[index];
  return index == YUN_OS_FAMILY_WINDOWS ? YUN_PROFILE_DEFAULT_SSH_WINDOWS_USER
                                        : YUN_PROFILE_DEFAULT_SSH_USER;
}

/**
 * yun_profile_set_ssh_user:
 * @self: a profile
 * @os_family: %YUN_OS_FAMILY_WINDOWS for Windows instances, anything else for the others
 * @user: (nullable): the login user, or %NULL for the default
 */
void
yun_profile_set_ssh_user (YunProfile *self, YunOsFamily os_family, const char *user)
{
  guint index = os_family == YUN_OS_FAMILY_WINDOWS ? YUN_OS_FAMILY_WINDOWS : YUN_OS_FAMILY_LINUX;

  g_return_if_fail (YUN_IS_PROFILE (self));

  if (set_value (&self->ssh_user[index], user))
    g_object_notify_by_pspec (
      G_OBJECT (self),
      properties[index == YUN_OS_FAMILY_WINDOWS ? PROP_SSH_WINDOWS_USER : PROP_SSH_USER]);
}
