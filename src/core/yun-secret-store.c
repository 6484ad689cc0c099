/* yun-secret-store.c: secrets in the Secret Service, or in memory when there is none
 *
 * SPDX-License-Identifier: MIT
 *
 * Profiles on disk hold only what is safe there. SecretKeys, session tokens, the instance
 * passwords a user asks to remember and the new password of a reset-password job (kept until
 * the job ends, so that a crash does not lose it) live in the system keyring, reached through
 * libsecret's simple API in the default collection, under one schema whose attributes say
 * what a secret is ("kind"), whose it is ("account", a profile name) and which one ("key": a
 * SecretId, an instance ID or a job ID).
 *
 * A keyring YunDesk cannot use without a prompt (no session bus, no Secret Service, no
 * default collection, or a locked one) is found when the store is made, not at the first
 * secret: the store then keeps secrets in a table in memory for the life of the process and
 * says why, in a sentence the UI and yunctl show as is.
 *
 * A secret is never logged nor put in an error message, labels name only what a secret is
 * for, and every copy this file makes is wiped before it is freed.
 */

#define G_LOG_DOMAIN "yun-secret-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>
#include <stdlib.h>
#include <string.h>

#include "yun-core-private.h"

struct _YunSecretStore
{
  GObject parent_instance;

  gboolean persistent;
  char *unavailable_reason;

  /* Only when not persistent: memory key (see dup_memory_key()) → secret. */
  GMutex lock;
  GHashTable *memory;
};

G_DEFINE_FINAL_TYPE (YunSecretStore, yun_secret_store, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_PERSISTENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const SecretSchema schema = {
  "io.github.yundesk.YunDesk.Secret",
  SECRET_SCHEMA_NONE,
  {
    { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "account", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "key", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
};

/* The "kind" attribute, by YunSecretKind. Stored in keyrings: never change one. */
static const char *const kind_names[] = {
  "secret-key",
  "session-token",
  "instance-password",
  "job-password",
};

G_STATIC_ASSERT (G_N_ELEMENTS (kind_names) == YUN_SECRET_JOB_PASSWORD + 1);

/* ---- Secrets in memory ---- */

/**
 * yun_secret_wipe:
 * @secret: (nullable): a string holding a secret
 *
 * Overwrites @secret with zeroes up to its terminating nul, in a way the compiler may not
 * leave out, without freeing it.
 */
void
yun_secret_wipe (char *secret)
{
  if (secret == NULL)
    return;
  explicit_bzero (secret, strlen (secret));
}

/**
 * yun_secret_free:
 * @secret: (nullable): a secret allocated with g_malloc(), such as one returned by
 *   yun_secret_store_lookup()
 *
 * Wipes @secret with yun_secret_wipe(), then frees it.
 */
void
yun_secret_free (char *secret)
{
  yun_secret_wipe (secret);
  g_free (secret);
}

/* ---- Object ---- */

static void
yun_secret_store_finalize (GObject *object)
{
  YunSecretStore *self = (YunSecretStore *) object;

  g_clear_pointer (&self->memory, g_hash_table_destroy);
  g_mutex_clear (&self->lock);
  g_free (self->unavailable_reason);

  G_OBJECT_CLASS (yun_secret_store_parent_class)->finalize (object);
}

static void
yun_secret_store_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  YunSecretStore *self = YUN_SECRET_STORE (object);

  switch (prop_id)
    {
    case PROP_PERSISTENT:
      g_value_set_boolean (value, self->persistent);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yun_secret_store_class_init (YunSecretStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = yun_secret_store_finalize;
  object_class->get_property = yun_secret_store_get_property;

  /**
   * YunSecretStore:persistent:
   *
   * Whether secrets go to the system keyring and outlive the process; %FALSE when they are
   * kept in memory only (see yun_secret_store_dup_unavailable_reason()).
   */
  properties[PROP_PERSISTENT] = g_param_spec_boolean ("persistent", NULL, NULL, FALSE,
                                                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
yun_secret_store_init (YunSecretStore *self)
{
  g_mutex_init (&self->lock);
}

static YunSecretStore *
new_in_memory (char *reason)
{
  YunSecretStore *self = g_object_new (YUN_TYPE_SECRET_STORE, NULL);

  self->unavailable_reason = reason;
  self->memory
    = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) yun_secret_free);
  return self;
}

/* A D-Bus error as a clause inside a sentence: without the remote error name and without a
 * final full stop. */
static char *
dup_cause (const GError *error)
{
  g_autoptr (GError) copy = g_error_copy (error);
  char *cause;
  gsize length;

  g_dbus_error_strip_remote_error (copy);
  cause = g_strstrip (g_strdup (copy->message));
  length = strlen (cause);
  if (length > 0 && cause[length - 1] == '.')
    cause[length - 1] = '\0';
  return cause;
}

/* Returns NULL when the default collection of the Secret Service can be used now without a
 * prompt, else why not, as the sentence yun_secret_store_dup_unavailable_reason() gives. */
static char *
probe_secret_service (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDBusConnection) bus = NULL;
  g_autoptr (SecretService) service = NULL;
  g_autoptr (SecretCollection) collection = NULL;
  g_autofree char *cause = NULL;
  g_autofree char *label = NULL;

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  if (bus == NULL)
    {
      cause = dup_cause (error);
      /* Translators: %s is the error of D-Bus. */
      return g_strdup_printf (_ ("No Secret Service is running (there is no D-Bus session bus: "
                                 "%s); secrets are kept in memory until YunDesk quits."),
                              cause);
    }

  /* Opening a session is the first call that needs a provider of org.freedesktop.secrets. */
  service = secret_service_get_sync (SECRET_SERVICE_OPEN_SESSION, NULL, &error);
  if (service == NULL)
    {
      cause = dup_cause (error);
      return g_strdup_printf (
        /* Translators: %s is the error of D-Bus. */
        _ ("No Secret Service is running (%s); secrets are kept in memory until YunDesk quits."),
        cause);
    }

  collection = secret_collection_for_alias_sync (service, SECRET_COLLECTION_DEFAULT,
                                                 SECRET_COLLECTION_NONE, NULL, &error);
  if (error != NULL)
    {
      cause = dup_cause (error);
      /* Translators: %s is the error of D-Bus. */
      return g_strdup_printf (_ ("The Secret Service did not tell which keyring is the default "
                                 "(%s); secrets are kept in memory until YunDesk quits."),
                              cause);
    }
  if (collection == NULL)
    /* Translators: “Passwords and Keys” is the name of GNOME's keyring application
     * (Seahorse), as its own translation calls it. */
    return g_strdup (_ ("The Secret Service has no default keyring, and creating one needs a "
                        "password prompt (create it in Passwords and Keys, then restart "
                        "YunDesk); secrets are kept in memory until YunDesk quits."));

  if (secret_collection_get_locked (collection))
    {
      label = secret_collection_get_label (collection);
      /* Translators: “%s” is the name of the keyring, such as Login. */
      return g_strdup_printf (_ ("The default keyring “%s” is locked and cannot be unlocked "
                                 "without a prompt (unlock it in Passwords and Keys, then restart "
                                 "YunDesk); secrets are kept in memory until YunDesk quits."),
                              label != NULL && *label != '\0' ? label : SECRET_COLLECTION_DEFAULT);
    }

  return NULL;
}

/**
 * yun_secret_store_new:
 *
 * Probes the Secret Service on the D-Bus session bus (GNOME Keyring, KeePassXC, KWallet…).
 * When its default collection can be used without a prompt, the store keeps secrets there;
 * otherwise it keeps them in memory, yun_secret_store_get_persistent() is %FALSE and
 * yun_secret_store_dup_unavailable_reason() says why.
 *
 * The probe is a few D-Bus calls: call this once, at start-up.
 *
 * Returns: (transfer full): a new store
 */
YunSecretStore *
yun_secret_store_new (void)
{
  char *reason = probe_secret_service ();
  YunSecretStore *self;

  if (reason != NULL)
    {
      g_debug ("%s", reason);
      return new_in_memory (reason);
    }

  self = g_object_new (YUN_TYPE_SECRET_STORE, NULL);
  self->persistent = TRUE;
  return self;
}

/**
 * yun_secret_store_new_in_memory:
 *
 * A store that never touches the system keyring and forgets everything at finalization.
 *
 * Returns: (transfer full): a new, session-only store
 */
YunSecretStore *
yun_secret_store_new_in_memory (void)
{
  return new_in_memory (g_strdup (
    _ ("YunDesk was asked not to use the system keyring; secrets are kept in memory until "
       "YunDesk quits.")));
}

/**
 * yun_secret_store_get_persistent:
 * @self: a store
 *
 * Returns: %TRUE when secrets go to the system keyring, %FALSE when they are kept in memory
 */
gboolean
yun_secret_store_get_persistent (YunSecretStore *self)
{
  g_return_val_if_fail (YUN_IS_SECRET_STORE (self), FALSE);
  return self->persistent;
}

/**
 * yun_secret_store_dup_unavailable_reason:
 * @self: a store
 *
 * Returns: (transfer full) (nullable): %NULL when the store is persistent; otherwise why it is
 *   not, as one sentence for the user in the language of the messages (translated), such as
 *   "No Secret Service is running (…); secrets are kept in memory until YunDesk quits."
 */
char *
yun_secret_store_dup_unavailable_reason (YunSecretStore *self)
{
  g_return_val_if_fail (YUN_IS_SECRET_STORE (self), NULL);
  return g_strdup (self->unavailable_reason);
}

/* ---- Operations ---- */

/* What a secret is, for its keyring label and error messages, never the secret itself. The
 * label is stored in the keyring and named by the secret-tool command that
 * yun_profile_resolve_credentials() suggests: it stays in English; a message has it in the
 * user's language (@translated). */
static char *
dup_description (YunSecretKind kind, const char *key, gboolean translated)
{
  switch (kind)
    {
    case YUN_SECRET_SECRET_KEY:
      /* Translators: what a secret is, in a sentence such as “The keyring could not save
       * the SecretKey for AKID… (profile “default”)”; %s is a SecretId, an instance ID or a
       * job number. */
      return translated ? g_strdup_printf (_ ("SecretKey for %s"), key)
                        : g_strdup_printf ("SecretKey for %s", key);
    case YUN_SECRET_SESSION_TOKEN:
      return translated ? g_strdup_printf (_ ("session token for %s"), key)
                        : g_strdup_printf ("session token for %s", key);
    case YUN_SECRET_INSTANCE_PASSWORD:
      return translated ? g_strdup_printf (_ ("password of %s"), key)
                        : g_strdup_printf ("password of %s", key);
    case YUN_SECRET_JOB_PASSWORD:
      return translated ? g_strdup_printf (_ ("new password of job %s"), key)
                        : g_strdup_printf ("new password of job %s", key);
    default:
      g_assert_not_reached ();
    }
}

static int
compare_strings (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Unambiguous whatever the account and key hold: the account's length comes first. */
static char *
dup_memory_key (YunSecretKind kind, const char *account, const char *key)
{
  return g_strdup_printf ("%s:%zu:%s:%s", kind_names[kind], strlen (account), account, key);
}

static gboolean
check_arguments (YunSecretStore *self, YunSecretKind kind, const char *account, const char *key)
{
  g_return_val_if_fail (YUN_IS_SECRET_STORE (self), FALSE);
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (kind_names), FALSE);
  g_return_val_if_fail (account != NULL && *account != '\0', FALSE);
  g_return_val_if_fail (key != NULL && *key != '\0', FALSE);
  return TRUE;
}

/* The secrets of @kind, for the messages of yun_secret_store_dup_keys(). */
static const char *
describe_kind_plural (YunSecretKind kind)
{
  switch (kind)
    {
    case YUN_SECRET_SECRET_KEY:
      /* Translators: the secrets that a keyring search lists, in “The keyring could not
       * list the secret-keys (profile “default”)”. */
      return C_ ("secrets listed", "secret-keys");
    case YUN_SECRET_SESSION_TOKEN:
      return C_ ("secrets listed", "session-tokens");
    case YUN_SECRET_INSTANCE_PASSWORD:
      return C_ ("secrets listed", "instance-passwords");
    case YUN_SECRET_JOB_PASSWORD:
      return C_ ("secrets listed", "job-passwords");
    default:
      g_assert_not_reached ();
    }
}

/* What the keyring was asked to do, for error messages. */
typedef enum
{
  OPERATION_SAVE,
  OPERATION_READ,
  OPERATION_REMOVE,
} Operation;

static void
set_error (GError **error,
           const GError *cause,
           Operation doing,
           YunSecretKind kind,
           const char *account,
           const char *key)
{
  g_autofree char *description = dup_description (kind, key, TRUE);
  g_autofree char *clause = NULL;

  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      switch (doing)
        {
        case OPERATION_SAVE:
          g_set_error (error, YUN_ERROR, YUN_ERROR_CANCELLED,
                       /* Translators: in this message and the five after it, the first
                        * placeholder says what the secret is (“SecretKey for AKID…”, “password
                        * of ins-…”), the second is a profile name; the last one, if any, is
                        * the keyring's error. */
                       _ ("Cancelled: the keyring did not save the %s (profile “%s”)"), description,
                       account);
          break;
        case OPERATION_REMOVE:
          g_set_error (error, YUN_ERROR, YUN_ERROR_CANCELLED,
                       _ ("Cancelled: the keyring did not remove the %s (profile “%s”)"),
                       description, account);
          break;
        case OPERATION_READ:
        default:
          g_set_error (error, YUN_ERROR, YUN_ERROR_CANCELLED,
                       _ ("Cancelled: the keyring did not read the %s (profile “%s”)"), description,
                       account);
          break;
        }
      return;
    }
  clause = dup_cause (cause);
  switch (doing)
    {
    case OPERATION_SAVE:
      g_set_error (error, YUN_ERROR, YUN_ERROR_STORAGE,
                   _ ("The keyring could not save the %s (profile “%s”): %s"), description, account,
                   clause);
      break;
    case OPERATION_REMOVE:
      g_set_error (error, YUN_ERROR, YUN_ERROR_STORAGE,
                   _ ("The keyring could not remove the %s (profile “%s”): %s"), description,
                   account, clause);
      break;
    case OPERATION_READ:
    default:
      g_set_error (error, YUN_ERROR, YUN_ERROR_STORAGE,
                   _ ("The keyring could not read the %s (profile “%s”): %s"), description, account,
                   clause);
      break;
    }
}

static gboolean
check_cancelled (GCancellable *cancellable,
                 Operation doing,
                 YunSecretKind kind,
                 const char *account,
                 const char *key,
                 GError **error)
{
  g_autoptr (GError) cancelled = NULL;

  if (!g_cancellable_set_error_if_cancelled (cancellable, &cancelled))
    return FALSE;
  set_error (error, cancelled, doing, kind, account, key);
  return TRUE;
}

/**
 * yun_secret_store_store:
 * @self: a store
 * @kind: what the secret is
 * @account: the profile name
 * @key: the SecretId, instance ID or job ID, by @kind
 * @secret: the secret, valid UTF-8
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Stores @secret, replacing any secret of the same @kind, @account and @key. With a
 * persistent store this blocks on D-Bus: call it from a worker thread, or use
 * yun_secret_store_store_async().
 *
 * Returns: %TRUE on success; %FALSE with %YUN_ERROR_STORAGE when the keyring refused (the
 *   message never holds the secret) or %YUN_ERROR_CANCELLED
 */
gboolean
yun_secret_store_store (YunSecretStore *self,
                        YunSecretKind kind,
                        const char *account,
                        const char *key,
                        const char *secret,
                        GCancellable *cancellable,
                        GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autofree char *description = NULL;
  g_autofree char *label = NULL;

  g_return_val_if_fail (check_arguments (self, kind, account, key), FALSE);
  g_return_val_if_fail (secret != NULL && g_utf8_validate (secret, -1, NULL), FALSE);

  if (check_cancelled (cancellable, OPERATION_SAVE, kind, account, key, error))
    return FALSE;

  if (!self->persistent)
    {
      g_mutex_lock (&self->lock);
      g_hash_table_replace (self->memory, dup_memory_key (kind, account, key), g_strdup (secret));
      g_mutex_unlock (&self->lock);
      return TRUE;
    }

  description = dup_description (kind, key, FALSE);
  label = g_strdup_printf ("YunDesk %s (profile %s)", description, account);
  if (!secret_password_store_sync (&schema, SECRET_COLLECTION_DEFAULT, label, secret, cancellable,
                                   &local_error, "kind", kind_names[kind], "account", account,
                                   "key", key, NULL))
    {
      set_error (error, local_error, OPERATION_SAVE, kind, account, key);
      return FALSE;
    }
  return TRUE;
}

/**
 * yun_secret_store_lookup:
 * @self: a store
 * @kind: what the secret is
 * @account: the profile name
 * @key: the SecretId, instance ID or job ID, by @kind
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Looks a secret up. With a persistent store this blocks on D-Bus: call it from a worker
 * thread, or use yun_secret_store_lookup_async().
 *
 * Returns: (transfer full) (nullable): the secret, which the caller must free with
 *   yun_secret_free() (or hold in a `g_autoptr (YunSecret)`); %NULL without an error when
 *   there is none; %NULL with %YUN_ERROR_STORAGE or %YUN_ERROR_CANCELLED on failure
 */
char *
yun_secret_store_lookup (YunSecretStore *self,
                         YunSecretKind kind,
                         const char *account,
                         const char *key,
                         GCancellable *cancellable,
                         GError **error)
{
  g_autoptr (GError) local_error = NULL;
  char *found;
  char *secret;

  g_return_val_if_fail (check_arguments (self, kind, account, key), NULL);

  if (check_cancelled (cancellable, OPERATION_READ, kind, account, key, error))
    return NULL;

  if (!self->persistent)
    {
      g_autofree char *memory_key = dup_memory_key (kind, account, key);

      g_mutex_lock (&self->lock);
      secret = g_strdup (g_hash_table_lookup (self->memory, memory_key));
      g_mutex_unlock (&self->lock);
      return secret;
    }

  found = secret_password_lookup_sync (&schema, cancellable, &local_error, "kind", kind_names[kind],
                                       "account", account, "key", key, NULL);
  if (local_error != NULL)
    {
      set_error (error, local_error, OPERATION_READ, kind, account, key);
      return NULL;
    }

  /* libsecret's copy lives in its own secure memory and must go back there: hand out one
   * that yun_secret_free() can wipe and free. */
  secret = g_strdup (found);
  secret_password_free (found);
  return secret;
}

/**
 * yun_secret_store_clear:
 * @self: a store
 * @kind: what the secret is
 * @account: the profile name
 * @key: the SecretId, instance ID or job ID, by @kind
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Removes a secret; there being none is no error. With a persistent store this blocks on
 * D-Bus: call it from a worker thread.
 *
 * Returns: %TRUE when no such secret is stored any more; %FALSE with %YUN_ERROR_STORAGE or
 *   %YUN_ERROR_CANCELLED
 */
gboolean
yun_secret_store_clear (YunSecretStore *self,
                        YunSecretKind kind,
                        const char *account,
                        const char *key,
                        GCancellable *cancellable,
                        GError **error)
{
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (check_arguments (self, kind, account, key), FALSE);

  if (check_cancelled (cancellable, OPERATION_REMOVE, kind, account, key, error))
    return FALSE;

  if (!self->persistent)
    {
      g_autofree char *memory_key = dup_memory_key (kind, account, key);

      g_mutex_lock (&self->lock);
      g_hash_table_remove (self->memory, memory_key);
      g_mutex_unlock (&self->lock);
      return TRUE;
    }

  /* FALSE without an error means there was nothing to remove. */
  if (!secret_password_clear_sync (&schema, cancellable, &local_error, "kind", kind_names[kind],
                                   "account", account, "key", key, NULL)
      && local_error != NULL)
    {
      set_error (error, local_error, OPERATION_REMOVE, kind, account, key);
      return FALSE;
    }
  return TRUE;
}

/**
 * yun_secret_store_dup_keys:
 * @self: a store
 * @kind: what the secrets are
 * @account: the profile name
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Lists which secrets of @kind @account has, such as the instances whose password the user
 * chose to remember. Only the items' attributes are read: no secret is loaded, and a locked
 * keyring is not asked to unlock. With a persistent store this blocks on D-Bus: call it
 * from a worker thread.
 *
 * Returns: (transfer full): the keys, sorted; %NULL with %YUN_ERROR_STORAGE or
 *   %YUN_ERROR_CANCELLED
 */
GStrv
yun_secret_store_dup_keys (YunSecretStore *self,
                           YunSecretKind kind,
                           const char *account,
                           GCancellable *cancellable,
                           GError **error)
{
  g_autoptr (GStrvBuilder) keys = g_strv_builder_new ();
  g_autoptr (GError) local_error = NULL;
  GStrv sorted;

  g_return_val_if_fail (YUN_IS_SECRET_STORE (self), NULL);
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (kind_names), NULL);
  g_return_val_if_fail (account != NULL && *account != '\0', NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, &local_error))
    {
      g_set_error (error, YUN_ERROR, YUN_ERROR_CANCELLED,
                   /* Translators: the first placeholder is what was listed (“secret-keys”,
                    * “instance-passwords”), the second a profile name. */
                   _ ("Cancelled: the keyring did not list the %s (profile “%s”)"),
                   describe_kind_plural (kind), account);
      return NULL;
    }

  if (!self->persistent)
    {
      g_autofree char *prefix = dup_memory_key (kind, account, "");
      GHashTableIter iter;
      gpointer memory_key;

      g_mutex_lock (&self->lock);
      g_hash_table_iter_init (&iter, self->memory);
      while (g_hash_table_iter_next (&iter, &memory_key, NULL))
        if (g_str_has_prefix (memory_key, prefix))
          g_strv_builder_add (keys, (const char *) memory_key + strlen (prefix));
      g_mutex_unlock (&self->lock);
    }
  else
    {
      GList *items
        = secret_password_search_sync (&schema, SECRET_SEARCH_ALL, cancellable, &local_error,
                                       "kind", kind_names[kind], "account", account, NULL);

      if (local_error != NULL)
        {
          g_autofree char *clause = dup_cause (local_error);

          g_set_error (error, YUN_ERROR, YUN_ERROR_STORAGE,
                       /* Translators: the first placeholder is what was listed
                        * (“secret-keys”, “instance-passwords”), the second a profile name, the
                        * last the keyring's error. */
                       _ ("The keyring could not list the %s (profile “%s”): %s"),
                       describe_kind_plural (kind), account, clause);
          return NULL;
        }
      for (GList *l = items; l != NULL; l = l->next)
        {
          g_autoptr (GHashTable) attributes = secret_retrievable_get_attributes (l->data);
          const char *key = g_hash_table_lookup (attributes, "key");

          if (key != NULL)
            g_strv_builder_add (keys, key);
        }
      g_list_free_full (items, g_object_unref);
    }
  sorted = g_strv_builder_end (keys);
  qsort (sorted, g_strv_length (sorted), sizeof (char *), compare_strings);
  return sorted;
}

/* ---- Asynchronous variants: the synchronous calls on a worker thread ---- */

typedef struct
{
  YunSecretKind kind;
  char *account;
  char *key;
  char *secret;
} Request;

static void
request_free (gpointer data)
{
  Request *request = data;

  g_free (request->account);
  g_free (request->key);
  yun_secret_free (request->secret);
  g_free (request);
}

/* The inputs are copied, so a caller may wipe its own as soon as this returns. */
static GTask *
request_task_new (YunSecretStore *self,
                  YunSecretKind kind,
                  const char *account,
                  const char *key,
                  const char *secret,
                  gpointer source_tag,
                  GCancellable *cancellable,
                  GAsyncReadyCallback callback,
                  gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Request *request = g_new0 (Request, 1);

  request->kind = kind;
  request->account = g_strdup (account);
  request->key = g_strdup (key);
  request->secret = g_strdup (secret);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, request, request_free);
  /* The result, or the YUN_ERROR_CANCELLED the call gives, not a plain G_IO_ERROR. */
  g_task_set_check_cancellable (task, FALSE);
  return task;
}

static void
store_in_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  Request *request = task_data;
  GError *error = NULL;

  if (yun_secret_store_store (source_object, request->kind, request->account, request->key,
                              request->secret, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * yun_secret_store_store_async:
 * @self: a store
 * @kind: what the secret is
 * @account: the profile name
 * @key: the SecretId, instance ID or job ID, by @kind
 * @secret: the secret, valid UTF-8; copied, so the caller may wipe its own at once
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the thread-default main context of the caller
 * @user_data: data for @callback
 *
 * yun_secret_store_store() on a worker thread.
 */
void
yun_secret_store_store_async (YunSecretStore *self,
                              YunSecretKind kind,
                              const char *account,
                              const char *key,
                              const char *secret,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (check_arguments (self, kind, account, key));
  g_return_if_fail (secret != NULL && g_utf8_validate (secret, -1, NULL));

  task = request_task_new (self, kind, account, key, secret, yun_secret_store_store_async,
                           cancellable, callback, user_data);
  g_task_run_in_thread (task, store_in_thread);
}

/**
 * yun_secret_store_store_finish:
 * @self: a store
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: as yun_secret_store_store()
 */
gboolean
yun_secret_store_store_finish (YunSecretStore *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (YUN_IS_SECRET_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == yun_secret_store_store_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
lookup_in_thread (GTask *task,
                  gpointer source_object,
                  gpointer task_data,
                  GCancellable *cancellable)
{
  Request *request = task_data;
  GError *error = NULL;
  char *secret = yun_secret_store_lookup (source_object, request->kind, request->account,
                                          request->key, cancellable, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, secret, (GDestroyNotify) yun_secret_free);
}

/**
 * yun_secret_store_lookup_async:
 * @self: a store
 * @kind: what the secret is
 * @account: the profile name
 * @key: the SecretId, instance ID or job ID, by @kind
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the thread-default main context of the caller
 * @user_data: data for @callback
 *
 * yun_secret_store_lookup() on a worker thread.
 */
void
yun_secret_store_lookup_async (YunSecretStore *self,
                               YunSecretKind kind,
                               const char *account,
                               const char *key,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (check_arguments (self, kind, account, key));

  task = request_task_new (self, kind, account, key, NULL, yun_secret_store_lookup_async,
                           cancellable, callback, user_data);
  g_task_run_in_thread (task, lookup_in_thread);
}

/**
 * yun_secret_store_lookup_finish:
 * @self: a store
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): as yun_secret_store_lookup(): free it with
 *   yun_secret_free()
 */
char *
yun_secret_store_lookup_finish (YunSecretStore *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (YUN_IS_SECRET_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == yun_secret_store_lookup_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
