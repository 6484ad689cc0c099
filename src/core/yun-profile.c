/* yun-profile.c: profiles from $XDG_CONFIG_HOME/yundesk/profiles.ini
 *
 * SPDX-License-Identifier: MIT
 *
 * A profile holds only what is safe on disk. The SecretKey lives in the system keyring
 * (or the environment), never here: a key file that names one is refused, so a key pasted
 * into the file by hand is noticed instead of silently used.
 */

#define G_LOG_DOMAIN "yun-profile"

#include "config.h"

#include "yun-core-private.h"

#define GROUP_PREFIX "profile "
#define DEFAULT_PROFILE "default"

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
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yun_profile_class_init (YunProfileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = yun_profile_finalize;
  object_class->get_property = yun_profile_get_property;

  properties[PROP_NAME]
    = g_param_spec_string ("name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SECRET_ID] = g_param_spec_string ("secret-id", NULL, NULL, NULL,
                                                    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ENDPOINT]
    = g_param_spec_string ("endpoint", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_REGION]
    = g_param_spec_string ("region", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROXY]
    = g_param_spec_string ("proxy", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CA_FILE]
    = g_param_spec_string ("ca-file", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LANGUAGE]
    = g_param_spec_string ("language", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_READ_ONLY] = g_param_spec_boolean ("read-only", NULL, NULL, FALSE,
                                                     G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
yun_profile_init (YunProfile *self)
{
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

static char *
dup_optional_string (GKeyFile *key_file, const char *group, const char *key)
{
  g_autofree char *value = g_key_file_get_string (key_file, group, key, NULL);

  if (value == NULL)
    return NULL;
  g_strstrip (value);
  return *value != '\0' ? g_steal_pointer (&value) : NULL;
}

/**
 * yun_profile_load:
 * @path: (nullable): the profiles file, or %NULL for yun_profile_dup_default_path()
 * @name: (nullable): the profile, or %NULL for "default"
 * @error: return location for a #GError
 *
 * Reads `[profile NAME]` from the profiles file. Keys: `secret-id`, `endpoint` (a URL or a
 * root domain such as `intl.tencentcloudapi.com`), `region`, `proxy`, `ca-file`, `language`
 * and `read-only`. Unknown keys are ignored so a newer file still loads; a key that holds a
 * secret (`secret-key`, `session-token`, `password`) is an error.
 *
 * Returns: (transfer full): the profile, or %NULL with %G_KEY_FILE_ERROR or
 *   %YUN_ERROR_INVALID_PARAMETER naming the file and what is wrong
 */
YunProfile *
yun_profile_load (const char *path, const char *name, GError **error)
{
  static const char *const secret_keys[]
    = { "secret-key", "secretkey", "session-token", "token", "password" };
  g_autoptr (GKeyFile) key_file = g_key_file_new ();
  g_autoptr (GError) local_error = NULL;
  g_autofree char *default_path = NULL;
  g_autofree char *group = NULL;
  g_autoptr (YunProfile) self = NULL;

  if (path == NULL)
    path = default_path = yun_profile_dup_default_path ();
  if (name == NULL)
    name = DEFAULT_PROFILE;

  if (!g_key_file_load_from_file (key_file, path, G_KEY_FILE_NONE, &local_error))
    {
      g_set_error (error, local_error->domain, local_error->code,
                   "Cannot read profiles from %s: %s", path, local_error->message);
      return NULL;
    }

  group = g_strconcat (GROUP_PREFIX, name, NULL);
  if (!g_key_file_has_group (key_file, group))
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_GROUP_NOT_FOUND,
                   "%s has no profile “%s” (a [%s] section)", path, name, group);
      return NULL;
    }

  for (guint i = 0; i < G_N_ELEMENTS (secret_keys); i++)
    {
      if (g_key_file_has_key (key_file, group, secret_keys[i], NULL))
        {
          g_set_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                       "%s: profile “%s” holds a secret (“%s”); secrets belong in the system "
                       "keyring or the environment, never in a file. Remove the line.",
                       path, name, secret_keys[i]);
          return NULL;
        }
    }

  self = g_object_new (YUN_TYPE_PROFILE, NULL);
  self->name = g_strdup (name);
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
                       "%s: profile “%s”: read-only must be true or false", path, name);
          return NULL;
        }
    }

  if (self->endpoint != NULL)
    {
      g_autoptr (YunEndpoint) endpoint = yun_endpoint_new_parse (self->endpoint, &local_error);

      if (endpoint == NULL)
        {
          g_set_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER, "%s: profile “%s”: %s", path,
                       name, local_error->message);
          return NULL;
        }
    }

  return g_steal_pointer (&self);
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
