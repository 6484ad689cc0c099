/* yun-preferences-window.c: accounts and preferences
 *
 * SPDX-License-Identifier: MIT
 *
 * The Accounts page edits the profiles file through the core: one expander per account
 * with its SecretId, a SecretKey entry, the session token of temporary credentials, the
 * default region, the endpoint, proxy and CA file, and read-only. The SecretKey is only
 * ever written: an empty entry keeps the stored one, which is never read back into the
 * window; the row above says whether one is stored, by resolving the credentials on a
 * worker thread. Saving writes the file (the core refuses a bad endpoint, and its message is
 * shown in the row) and stores a typed key in the secret store on a worker thread; Test
 * Connection sends DescribeRegions with the typed key, or the stored one. Every keyring
 * call runs on a worker thread: with the system keyring it blocks on D-Bus.
 *
 * The other pages bind their rows to the application's settings.
 */

#define G_LOG_DOMAIN "yun-preferences-window"

#include "config.h"

#include "yun-preferences-window.h"

#include <glib/gi18n.h>

/* The name app.switch-account gives the demo: no account may take it. */
#define DEMO_ACCOUNT "demo"

typedef struct _Account Account;

struct _YunPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  /* Template widgets */
  AdwPreferencesGroup *keyring_group;
  AdwActionRow *keyring_row;
  AdwPreferencesGroup *accounts_group;
  AdwActionRow *no_accounts_row;
  AdwEntryRow *new_name_row;
  GtkLabel *new_name_label;
  GtkSpinButton *refresh_spin;
  GtkSpinButton *poll_spin;
  GtkSpinButton *workers_spin;
  GtkSwitch *notify_switch;
  AdwComboRow *stop_type_row;
  AdwComboRow *stopped_mode_row;
  AdwEntryRow *default_region_row;
  AdwEntryRow *default_zone_row;
  AdwEntryRow *default_image_row;
  AdwEntryRow *default_name_row;
  GtkSpinButton *cpu_spin;
  GtkSpinButton *memory_spin;
  GtkSpinButton *disk_spin;
  GtkSpinButton *bandwidth_spin;
  AdwEntryRow *linux_user_row;
  AdwEntryRow *linux_directory_row;
  AdwEntryRow *windows_user_row;
  AdwEntryRow *windows_directory_row;
  GtkSpinButton *timeout_spin;

  /* Owned */
  GSettings *settings;
  YunSecretStore *secrets;
  GListStore *profiles;
  GPtrArray *accounts; /* Account, in the order of their rows */
  gboolean disposed;
};

G_DEFINE_FINAL_TYPE (YunPreferencesWindow, yun_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum
{
  SIGNAL_PROFILES_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The values of the stop-type and stopped-mode keys, in the order of their combo rows. */
static const char *const stop_types[] = { "SOFT_FIRST", "SOFT", "HARD", NULL };
static const char *const stopped_modes[] = { "KEEP_CHARGING", "STOP_CHARGING", NULL };

static const char *
entry_text (gpointer editable)
{
  return gtk_editable_get_text (GTK_EDITABLE (editable));
}

/* ---- An account's rows ---- */

/* What one account's expander shows, reference-counted (g_rc_box) so that a worker's
 * callback can come back after the row was deleted or the window closed: its cancellable
 * is cancelled then, and no widget is touched once it is. */
struct _Account
{
  YunPreferencesWindow *window; /* (unowned): valid while not cancelled */
  char *name;
  YunProfile *saved; /* (nullable): as saved in the profiles file */
  GCancellable *cancellable;
  guint busy;

  AdwExpanderRow *expander;
  AdwActionRow *key_row;
  GtkSpinner *spinner;
  AdwEntryRow *secret_id_row;
  AdwPasswordEntryRow *secret_key_row;
  AdwPasswordEntryRow *token_row;
  AdwEntryRow *region_row;
  AdwEntryRow *endpoint_row;
  AdwEntryRow *proxy_row;
  GtkSpinButton *ssh_port_spin;
  AdwEntryRow *ssh_user_row;
  AdwEntryRow *ssh_windows_user_row;
  AdwActionRow *ca_row;
  GtkWidget *ca_clear_button;
  char *ca_file;
  GtkSwitch *read_only_switch;
  GtkWidget *message_row;
  GtkLabel *message_label;
  GtkWidget *save_button;
  GtkWidget *test_button;
  GtkWidget *delete_button;
};

static void
account_clear (gpointer data)
{
  Account *account = data;

  g_clear_object (&account->cancellable);
  g_clear_object (&account->saved);
  g_free (account->name);
  g_free (account->ca_file);
}

static Account *
account_ref (Account *account)
{
  return g_rc_box_acquire (account);
}

static void
account_unref (gpointer account)
{
  g_rc_box_release_full (account, account_clear);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Account, account_unref)

static void
account_closure_notify (gpointer data, GClosure *closure)
{
  account_unref (data);
}

/* Whether the account's widgets are gone (deleted, or the window closed). */
static gboolean
account_gone (Account *account)
{
  return g_cancellable_is_cancelled (account->cancellable);
}

/* Removes the account from the window: its workers' answers are dropped. */
static void
account_release (gpointer data)
{
  Account *account = data;

  g_cancellable_cancel (account->cancellable);
  account_unref (account);
}

static void
account_show_message (Account *account, const char *text, const char *style)
{
  const char *classes[] = { style, NULL };

  gtk_label_set_label (account->message_label, text != NULL ? text : "");
  gtk_widget_set_css_classes (GTK_WIDGET (account->message_label), classes);
  gtk_widget_set_visible (account->message_row, text != NULL);
}

static void
account_set_busy (Account *account, gboolean busy)
{
  if (busy)
    account->busy++;
  else if (account->busy > 0)
    account->busy--;
  gtk_widget_set_sensitive (account->save_button, account->busy == 0);
  gtk_widget_set_sensitive (account->test_button, account->busy == 0);
  gtk_widget_set_sensitive (account->delete_button, account->busy == 0);
  gtk_spinner_set_spinning (account->spinner, account->busy > 0);
}

static void
account_update_subtitle (Account *account)
{
  const char *secret_id
    = account->saved != NULL ? yun_profile_get_secret_id (account->saved) : NULL;
  g_autofree char *subtitle = NULL;

  if (account->saved == NULL)
    subtitle = g_strdup (_ ("Not saved yet"));
  else if (secret_id == NULL)
    subtitle = g_strdup (_ ("No SecretId"));
  else if (yun_profile_get_read_only (account->saved))
    /* Translators: %s is a SecretId */
    subtitle = g_strdup_printf (_ ("%s, read-only"), secret_id);
  else
    subtitle = g_strdup (secret_id);
  adw_expander_row_set_subtitle (account->expander, subtitle);
}

static void
account_update_ca_row (Account *account)
{
  adw_action_row_set_subtitle (
    account->ca_row, account->ca_file != NULL ? account->ca_file : _ ("The system’s certificates"));
  gtk_widget_set_visible (account->ca_clear_button, account->ca_file != NULL);
}

/* An SSH user, or NULL for the default (empty, or the default itself): the profile file
 * keeps only what differs. */
static const char *
ssh_user_setting (AdwEntryRow *row, const char *default_user)
{
  const char *text = entry_text (row);

  return *text != '\0' && !g_str_equal (text, default_user) ? text : NULL;
}

/* The profile as the rows describe it now, not yet saved. */
static YunProfile *
account_build_profile (Account *account)
{
  YunProfile *profile = yun_profile_new (account->name);

  yun_profile_set_secret_id (profile, entry_text (account->secret_id_row));
  yun_profile_set_region (profile, entry_text (account->region_row));
  yun_profile_set_endpoint (profile, entry_text (account->endpoint_row));
  yun_profile_set_proxy (profile, entry_text (account->proxy_row));
  yun_profile_set_ca_file (profile, account->ca_file);
  yun_profile_set_read_only (profile, gtk_switch_get_active (account->read_only_switch));
  yun_profile_set_ssh_port (profile,
                            (guint) gtk_spin_button_get_value_as_int (account->ssh_port_spin));
  yun_profile_set_ssh_user (profile, YUN_OS_FAMILY_LINUX,
                            ssh_user_setting (account->ssh_user_row, YUN_PROFILE_DEFAULT_SSH_USER));
  yun_profile_set_ssh_user (
    profile, YUN_OS_FAMILY_WINDOWS,
    ssh_user_setting (account->ssh_windows_user_row, YUN_PROFILE_DEFAULT_SSH_WINDOWS_USER));
  /* Not edited here, but kept. */
  if (account->saved != NULL)
    yun_profile_set_language (profile, yun_profile_get_language (account->saved));
  return profile;
}

/* Empties the secret entries: a key typed in lives no longer than it has to. */
static void
account_clear_secrets (Account *account)
{
  gtk_editable_set_text (GTK_EDITABLE (account->secret_key_row), "");
  gtk_editable_set_text (GTK_EDITABLE (account->token_row), "");
}

/* ---- Work for a worker thread: nothing in it is a widget ---- */

typedef struct
{
  YunSecretStore *secrets;
  YunProfile *profile;  /* (nullable) */
  char *name;           /* (nullable): the account of clear_ids */
  char *secret_key;     /* (nullable): a YunSecret */
  char *session_token;  /* (nullable): a YunSecret */
  GPtrArray *clear_ids; /* (nullable): SecretIds whose secrets to remove */
} Job;

static void
job_free (gpointer data)
{
  Job *job = data;

  g_clear_object (&job->secrets);
  g_clear_object (&job->profile);
  g_free (job->name);
  g_clear_pointer (&job->secret_key, yun_secret_free);
  g_clear_pointer (&job->session_token, yun_secret_free);
  g_clear_pointer (&job->clear_ids, g_ptr_array_unref);
  g_free (job);
}

static Job *
job_new (YunPreferencesWindow *self, YunProfile *profile)
{
  Job *job = g_new0 (Job, 1);

  job->secrets = g_object_ref (self->secrets);
  job->profile = profile != NULL ? g_object_ref (profile) : NULL;
  return job;
}

/* An entry's secret for a worker, or %NULL when the entry is empty. */
static char *
dup_secret (gpointer editable)
{
  const char *text = entry_text (editable);

  return *text != '\0' ? g_strdup (text) : NULL;
}

static gboolean
clear_secrets (Job *job, GCancellable *cancellable, GError **error)
{
  for (guint i = 0; job->clear_ids != NULL && i < job->clear_ids->len; i++)
    {
      const char *secret_id = g_ptr_array_index (job->clear_ids, i);

      if (!yun_secret_store_clear (job->secrets, YUN_SECRET_SECRET_KEY, job->name, secret_id,
                                   cancellable, error)
          || !yun_secret_store_clear (job->secrets, YUN_SECRET_SESSION_TOKEN, job->name, secret_id,
                                      cancellable, error))
        return FALSE;
    }
  return TRUE;
}

/* ---- Is a SecretKey stored? ---- */

static void
check_key_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr (YunCredentials) credentials = NULL;
  GError *error = NULL;

  credentials = yun_profile_resolve_credentials (job->profile, job->secrets, cancellable, &error);
  if (credentials == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_key_checked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (Account) account = user_data;
  g_autoptr (GError) error = NULL;
  const char *status;

  if (account_gone (account))
    return;
  account_set_busy (account, FALSE);
  if (g_task_propagate_boolean (G_TASK (result), &error))
    status = yun_secret_store_get_persistent (account->window->secrets)
               ? _ ("A SecretKey is saved in the keyring")
               : _ ("A SecretKey is kept in memory until YunDesk quits");
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    status = _ ("No SecretKey is saved for this SecretId: enter it, then save");
  else
    status = error->message;
  adw_action_row_set_subtitle (account->key_row, status);
}

static void
account_check_key (Account *account)
{
  g_autoptr (GTask) task = NULL;

  if (account->saved == NULL || yun_profile_get_secret_id (account->saved) == NULL)
    {
      adw_action_row_set_subtitle (account->key_row,
                                   _ ("Enter the SecretId and the SecretKey, then save"));
      return;
    }
  adw_action_row_set_subtitle (account->key_row, _ ("Looking for a saved SecretKey…"));
  account_set_busy (account, TRUE);
  task = g_task_new (NULL, account->cancellable, on_key_checked, account_ref (account));
  g_task_set_source_tag (task, account_check_key);
  g_task_set_task_data (task, job_new (account->window, account->saved), job_free);
  g_task_run_in_thread (task, check_key_in_thread);
}

/* ---- Save ---- */

static void
save_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Job *job = task_data;
  GError *error = NULL;

  if (!clear_secrets (job, cancellable, &error)
      || (job->secret_key != NULL
          && !yun_profile_store_secret_key (job->profile, job->secrets, job->secret_key,
                                            job->session_token, cancellable, &error)))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_saved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (Account) account = user_data;
  g_autoptr (GError) error = NULL;

  if (account_gone (account))
    return;
  account_set_busy (account, FALSE);
  if (g_task_propagate_boolean (G_TASK (result), &error))
    {
      account_clear_secrets (account);
      account_show_message (account, _ ("Saved"), "success");
    }
  else
    {
      /* Translators: %s says why; the key is still in the entry, to try again */
      g_autofree char *text = g_strdup_printf (
        _ ("The settings were saved, but not the SecretKey: %s"), error->message);

      account_show_message (account, text, "error");
    }
  account_check_key (account);
  g_signal_emit (account->window, signals[SIGNAL_PROFILES_CHANGED], 0, account->name);
}

static void
on_save_clicked (Account *account)
{
  YunPreferencesWindow *self = account->window;
  g_autoptr (YunProfile) profile = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GTask) task = NULL;
  const char *old_id, *new_id;
  gboolean id_changed;
  Job *job;

  gtk_widget_remove_css_class (GTK_WIDGET (account->secret_id_row), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (account->endpoint_row), "error");

  profile = account_build_profile (account);
  new_id = yun_profile_get_secret_id (profile);
  if (new_id == NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (account->secret_id_row), "error");
      account_show_message (account, _ ("Enter the SecretId of the API key"), "error");
      return;
    }
  if (!yun_profile_save (profile, NULL, &error))
    {
      if (g_error_matches (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER))
        gtk_widget_add_css_class (GTK_WIDGET (account->endpoint_row), "error");
      account_show_message (account, error->message, "error");
      return;
    }

  old_id = account->saved != NULL ? yun_profile_get_secret_id (account->saved) : NULL;
  id_changed = old_id != NULL && g_strcmp0 (old_id, new_id) != 0;
  job = job_new (self, profile);
  job->name = g_strdup (account->name);
  job->secret_key = dup_secret (account->secret_key_row);
  job->session_token = dup_secret (account->token_row);
  /* A key belongs to its SecretId: another SecretId makes the old key useless. */
  if (id_changed)
    {
      job->clear_ids = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (job->clear_ids, g_strdup (old_id));
    }
  g_set_object (&account->saved, profile);
  account_update_subtitle (account);

  if (job->secret_key == NULL && !id_changed)
    {
      job_free (job);
      account_show_message (account, _ ("Saved"), "success");
      account_check_key (account);
      g_signal_emit (self, signals[SIGNAL_PROFILES_CHANGED], 0, account->name);
      return;
    }

  account_show_message (account, _ ("Saving…"), NULL);
  account_set_busy (account, TRUE);
  task = g_task_new (NULL, account->cancellable, on_saved, account_ref (account));
  g_task_set_source_tag (task, on_save_clicked);
  g_task_set_task_data (task, job, job_free);
  g_task_run_in_thread (task, save_in_thread);
}

/* ---- Test Connection ---- */

static void
test_client_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr (YunCredentials) credentials = NULL;
  GError *error = NULL;
  YunClient *client;

  if (job->secret_key != NULL)
    credentials = yun_credentials_new (yun_profile_get_secret_id (job->profile), job->secret_key,
                                       job->session_token);
  else
    credentials = yun_profile_resolve_credentials (job->profile, job->secrets, cancellable, &error);
  if (credentials == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  client = yun_profile_create_client (job->profile, credentials, &error);
  if (client == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, client, g_object_unref);
}

/* A sentence on the local clock, or %NULL when it agrees with Tencent Cloud's. */
static char *
dup_clock_skew_text (gint64 skew)
{
  gint64 magnitude = ABS (skew);
  gulong minutes = (gulong) ((magnitude + 30) / 60);

  if (skew == 0)
    return NULL;
  if (minutes == 0)
    return g_strdup_printf (
      skew > 0 ? g_dngettext (GETTEXT_PACKAGE, "This computer’s clock is %lu second behind.",
                              "This computer’s clock is %lu seconds behind.", (gulong) magnitude)
               : g_dngettext (GETTEXT_PACKAGE, "This computer’s clock is %lu second ahead.",
                              "This computer’s clock is %lu seconds ahead.", (gulong) magnitude),
      (gulong) magnitude);
  return g_strdup_printf (
    skew > 0 ? g_dngettext (GETTEXT_PACKAGE,
                            "This computer’s clock is %lu minute behind: set it right, as Tencent "
                            "Cloud refuses requests more than 5 minutes off.",
                            "This computer’s clock is %lu minutes behind: set it right, as Tencent "
                            "Cloud refuses requests more than 5 minutes off.",
                            minutes)
             : g_dngettext (GETTEXT_PACKAGE,
                            "This computer’s clock is %lu minute ahead: set it right, as Tencent "
                            "Cloud refuses requests more than 5 minutes off.",
                            "This computer’s clock is %lu minutes ahead: set it right, as Tencent "
                            "Cloud refuses requests more than 5 minutes off.",
                            minutes),
    minutes);
}

static void
on_test_regions (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (Account) account = user_data;
  YunClient *client = YUN_CLIENT (source);
  g_autoptr (GPtrArray) regions = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *skew = NULL;

  regions = yun_client_describe_regions_finish (client, result, &error);
  if (account_gone (account))
    return;
  account_set_busy (account, FALSE);
  skew = dup_clock_skew_text (yun_client_get_clock_skew (client));

  if (regions == NULL)
    {
      const char *code = yun_error_get_code (error);
      const char *message = yun_error_get_server_message (error);

      if (code != NULL)
        /* Translators: the first %s is a Tencent Cloud error code, the second its message */
        text = g_strdup_printf (_ ("The connection failed: %s: %s"), code,
                                message != NULL ? message : error->message);
      else
        /* Translators: %s says why */
        text = g_strdup_printf (_ ("The connection failed: %s"), error->message);
    }
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Connected: %u region is available",
                                         "Connected: %u regions are available", regions->len),
                            regions->len);

  if (skew != NULL)
    {
      g_autofree char *both = g_strconcat (text, "\n", skew, NULL);

      g_free (text);
      text = g_steal_pointer (&both);
    }
  account_show_message (account, text, regions != NULL && skew == NULL ? "success" : "error");
}

static void
on_test_client (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (Account) account = user_data;
  g_autoptr (YunClient) client = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  GCancellable *cancellable;

  client = g_task_propagate_pointer (G_TASK (result), &error);
  if (account_gone (account))
    return;
  if (client == NULL)
    {
      account_set_busy (account, FALSE);
      /* Translators: %s says why */
      text = g_strdup_printf (_ ("The connection failed: %s"), error->message);
      account_show_message (account, text, "error");
      return;
    }
  /* A test says soon whether it works: no long retries. */
  yun_client_set_max_attempts (client, 2);
  yun_client_set_timeouts (client, 10000, 20000);
  cancellable = account->cancellable;
  yun_client_describe_regions_async (client, cancellable, on_test_regions,
                                     g_steal_pointer (&account));
}

static void
on_test_clicked (Account *account)
{
  g_autoptr (YunProfile) profile = account_build_profile (account);
  g_autoptr (GTask) task = NULL;
  Job *job;

  gtk_widget_remove_css_class (GTK_WIDGET (account->secret_id_row), "error");
  if (yun_profile_get_secret_id (profile) == NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (account->secret_id_row), "error");
      account_show_message (account, _ ("Enter the SecretId of the API key"), "error");
      return;
    }
  job = job_new (account->window, profile);
  job->secret_key = dup_secret (account->secret_key_row);
  job->session_token = dup_secret (account->token_row);

  account_show_message (account, _ ("Connecting…"), NULL);
  account_set_busy (account, TRUE);
  task = g_task_new (NULL, account->cancellable, on_test_client, account_ref (account));
  g_task_set_source_tag (task, on_test_clicked);
  g_task_set_task_data (task, job, job_free);
  g_task_run_in_thread (task, test_client_in_thread);
}

/* ---- Delete ---- */

static void
update_no_accounts (YunPreferencesWindow *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->no_accounts_row), self->accounts->len == 0);
}

static void
clear_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;

  if (clear_secrets (task_data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_secrets_cleared (GObject *source, GAsyncResult *result, gpointer user_data)
{
  YunPreferencesWindow *self = YUN_PREFERENCES_WINDOW (source);
  g_autoptr (GError) error = NULL;

  if (g_task_propagate_boolean (G_TASK (result), &error) || self->disposed)
    return;
  /* Translators: %s says why */
  g_autofree char *title = g_strdup_printf (
    _ ("The SecretKey could not be removed from the keyring: %s"), error->message);
  AdwToast *toast = adw_toast_new (title);

  adw_toast_set_timeout (toast, 0);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), toast);
}

static void
delete_account (Account *account)
{
  YunPreferencesWindow *self = account->window;
  g_autoptr (GError) error = NULL;
  g_autofree char *title = NULL;
  g_autofree char *name = g_strdup (account->name);
  const char *typed_id = entry_text (account->secret_id_row);
  const char *saved_id = account->saved != NULL ? yun_profile_get_secret_id (account->saved) : NULL;
  gboolean saved = account->saved != NULL;
  Job *job;

  if (saved && !yun_profile_delete (NULL, name, &error)
      && !g_error_matches (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_GROUP_NOT_FOUND))
    {
      account_show_message (account, error->message, "error");
      return;
    }

  /* The keyring entries of the saved SecretId, and of one typed since. */
  job = job_new (self, NULL);
  job->name = g_strdup (name);
  job->clear_ids = g_ptr_array_new_with_free_func (g_free);
  if (saved_id != NULL)
    g_ptr_array_add (job->clear_ids, g_strdup (saved_id));
  if (*typed_id != '\0' && g_strcmp0 (typed_id, saved_id) != 0)
    g_ptr_array_add (job->clear_ids, g_strstrip (g_strdup (typed_id)));
  if (job->clear_ids->len > 0)
    {
      g_autoptr (GTask) task = g_task_new (self, NULL, on_secrets_cleared, NULL);

      g_task_set_source_tag (task, delete_account);
      g_task_set_task_data (task, job, job_free);
      g_task_run_in_thread (task, clear_in_thread);
    }
  else
    job_free (job);

  account_clear_secrets (account);
  adw_preferences_group_remove (self->accounts_group, GTK_WIDGET (account->expander));
  g_ptr_array_remove (self->accounts, account); /* may free it */
  update_no_accounts (self);

  /* Translators: %s is the name of an account */
  title = g_strdup_printf (_ ("Account “%s” deleted"), name);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (title));
  if (saved)
    g_signal_emit (self, signals[SIGNAL_PROFILES_CHANGED], 0, name);
}

static void
on_delete_response (AdwMessageDialog *dialog, const char *response, Account *account)
{
  if (g_str_equal (response, "delete") && !account_gone (account))
    delete_account (account);
}

static void
on_delete_clicked (Account *account)
{
  AdwMessageDialog *dialog;
  g_autofree char *heading = NULL;

  /* Nothing saved yet: nothing to lose. */
  if (account->saved == NULL)
    {
      delete_account (account);
      return;
    }

  /* Translators: %s is the name of an account */
  heading = g_strdup_printf (_ ("Delete Account “%s”?"), account->name);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (
    GTK_WINDOW (account->window), heading,
    _ ("Its settings are removed from YunDesk and its SecretKey from the keyring. The instances "
       "and the API key in Tencent Cloud are not affected.")));
  adw_message_dialog_add_responses (dialog, "cancel", _ ("_Cancel"), "delete", _ ("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_delete_response), account_ref (account),
                         account_closure_notify, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- CA file ---- */

static void
on_ca_response (GtkNativeDialog *native, int response, Account *account)
{
  if (response == GTK_RESPONSE_ACCEPT && !account_gone (account))
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        {
          g_free (account->ca_file);
          account->ca_file = g_steal_pointer (&path);
          account_update_ca_row (account);
        }
    }
  g_object_unref (native);
}

static void
on_ca_choose_clicked (Account *account)
{
  GtkFileChooserNative *native;
  GtkFileFilter *filter;

  native = gtk_file_chooser_native_new (_ ("CA Certificates"), GTK_WINDOW (account->window),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _ ("_Select"), _ ("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _ ("PEM certificates"));
  gtk_file_filter_add_pattern (filter, "*.pem");
  gtk_file_filter_add_pattern (filter, "*.crt");
  gtk_file_filter_add_pattern (filter, "*.cer");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  g_object_unref (filter);
  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _ ("All files"));
  gtk_file_filter_add_pattern (filter, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  g_object_unref (filter);
  g_signal_connect_data (native, "response", G_CALLBACK (on_ca_response), account_ref (account),
                         account_closure_notify, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
on_ca_clear_clicked (Account *account)
{
  g_clear_pointer (&account->ca_file, g_free);
  account_update_ca_row (account);
}

/* ---- Building an account's expander ---- */

static AdwEntryRow *
add_entry_row (Account *account, const char *title, const char *text, gboolean password)
{
  GtkWidget *row = password ? adw_password_entry_row_new () : adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  if (text != NULL)
    gtk_editable_set_text (GTK_EDITABLE (row), text);
  adw_expander_row_add_row (account->expander, row);
  return ADW_ENTRY_ROW (row);
}

/* A row that holds a widget, and neither activates nor selects. */
static GtkWidget *
add_plain_row (Account *account, GtkWidget *child)
{
  GtkWidget *row = gtk_list_box_row_new ();

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_list_box_row_set_selectable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), child);
  adw_expander_row_add_row (account->expander, row);
  return row;
}

static GtkWidget *
new_button (const char *label, const char *style, GCallback callback, Account *account)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  if (style != NULL)
    gtk_widget_add_css_class (button, style);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_signal_connect_swapped (button, "clicked", callback, account);
  return button;
}

static Account *
account_new (YunPreferencesWindow *self, const char *name, YunProfile *saved)
{
  Account *account = g_rc_box_new0 (Account);
  GtkWidget *widget, *box;

  account->window = self;
  account->name = g_strdup (name);
  account->saved = saved != NULL ? g_object_ref (saved) : NULL;
  account->cancellable = g_cancellable_new ();
  account->ca_file = saved != NULL ? g_strdup (yun_profile_get_ca_file (saved)) : NULL;

  account->expander = ADW_EXPANDER_ROW (adw_expander_row_new ());
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (account->expander), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (account->expander), name);
  account_update_subtitle (account);

  /* Whether a key is stored: a status, never the key. */
  account->key_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (account->key_row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (account->key_row), _ ("SecretKey"));
  account->spinner = GTK_SPINNER (gtk_spinner_new ());
  adw_action_row_add_suffix (account->key_row, GTK_WIDGET (account->spinner));
  adw_expander_row_add_row (account->expander, GTK_WIDGET (account->key_row));

  account->secret_id_row = add_entry_row (
    account, _ ("Secret_Id"), saved != NULL ? yun_profile_get_secret_id (saved) : NULL, FALSE);
  account->secret_key_row = ADW_PASSWORD_ENTRY_ROW (
    add_entry_row (account, _ ("New Secret_Key (empty keeps the saved one)"), NULL, TRUE));
  account->token_row = ADW_PASSWORD_ENTRY_ROW (
    add_entry_row (account, _ ("Session _token (temporary credentials only)"), NULL, TRUE));
  account->region_row
    = add_entry_row (account, _ ("Default _region, such as ap-guangzhou"),
                     saved != NULL ? yun_profile_get_region (saved) : NULL, FALSE);
  account->endpoint_row
    = add_entry_row (account, _ ("_Endpoint (empty for tencentcloudapi.com)"),
                     saved != NULL ? yun_profile_get_endpoint (saved) : NULL, FALSE);
  gtk_widget_set_tooltip_text (
    GTK_WIDGET (account->endpoint_row),
    _ ("A root domain, such as tencentcloudapi.com, intl.tencentcloudapi.com or the domain of a "
       "private cloud, or a URL"));
  account->proxy_row = add_entry_row (account, _ ("_Proxy, such as http://proxy.example.com:3128"),
                                      saved != NULL ? yun_profile_get_proxy (saved) : NULL, FALSE);

  /* SSH, for terminals and SSH jobs: the effective settings, defaults included. */
  widget = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (widget), _ ("SSH p_ort"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (widget), TRUE);
  account->ssh_port_spin = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (1, 65535, 1));
  gtk_spin_button_set_value (account->ssh_port_spin, saved != NULL
                                                       ? yun_profile_get_ssh_port (saved)
                                                       : YUN_PROFILE_DEFAULT_SSH_PORT);
  gtk_widget_set_valign (GTK_WIDGET (account->ssh_port_spin), GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (widget), GTK_WIDGET (account->ssh_port_spin));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (widget),
                                         GTK_WIDGET (account->ssh_port_spin));
  adw_expander_row_add_row (account->expander, widget);
  account->ssh_user_row
    = add_entry_row (account, _ ("SSH user on _Linux"),
                     saved != NULL ? yun_profile_get_ssh_user (saved, YUN_OS_FAMILY_LINUX)
                                   : YUN_PROFILE_DEFAULT_SSH_USER,
                     FALSE);
  account->ssh_windows_user_row
    = add_entry_row (account, _ ("SSH user on _Windows"),
                     saved != NULL ? yun_profile_get_ssh_user (saved, YUN_OS_FAMILY_WINDOWS)
                                   : YUN_PROFILE_DEFAULT_SSH_WINDOWS_USER,
                     FALSE);

  account->ca_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (account->ca_row), _ ("CA certificates"));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (account->ca_row), FALSE);
  account->ca_clear_button = gtk_button_new_from_icon_name ("edit-clear-symbolic");
  gtk_widget_set_valign (account->ca_clear_button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (account->ca_clear_button, _ ("Use the system’s certificates"));
  gtk_widget_add_css_class (account->ca_clear_button, "flat");
  g_signal_connect_swapped (account->ca_clear_button, "clicked", G_CALLBACK (on_ca_clear_clicked),
                            account);
  adw_action_row_add_suffix (account->ca_row, account->ca_clear_button);
  adw_action_row_add_suffix (
    account->ca_row, new_button (_ ("_Choose…"), NULL, G_CALLBACK (on_ca_choose_clicked), account));
  adw_expander_row_add_row (account->expander, GTK_WIDGET (account->ca_row));
  account_update_ca_row (account);

  widget = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (widget), _ ("Rea_d-only"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (widget), TRUE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (widget),
                               _ ("Refuse every action that changes an instance"));
  account->read_only_switch = GTK_SWITCH (gtk_switch_new ());
  gtk_widget_set_valign (GTK_WIDGET (account->read_only_switch), GTK_ALIGN_CENTER);
  gtk_switch_set_active (account->read_only_switch,
                         saved != NULL && yun_profile_get_read_only (saved));
  adw_action_row_add_suffix (ADW_ACTION_ROW (widget), GTK_WIDGET (account->read_only_switch));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (widget),
                                         GTK_WIDGET (account->read_only_switch));
  adw_expander_row_add_row (account->expander, widget);

  /* What Save and Test Connection found. */
  account->message_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (account->message_label, 0);
  gtk_label_set_wrap (account->message_label, TRUE);
  gtk_label_set_wrap_mode (account->message_label, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (account->message_label, TRUE);
  gtk_widget_set_margin_start (GTK_WIDGET (account->message_label), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (account->message_label), 12);
  gtk_widget_set_margin_top (GTK_WIDGET (account->message_label), 12);
  gtk_widget_set_margin_bottom (GTK_WIDGET (account->message_label), 12);
  account->message_row = add_plain_row (account, GTK_WIDGET (account->message_label));
  gtk_widget_set_visible (account->message_row, FALSE);

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  account->delete_button
    = new_button (_ ("_Delete…"), "destructive-action", G_CALLBACK (on_delete_clicked), account);
  gtk_box_append (GTK_BOX (box), account->delete_button);
  widget = gtk_label_new (NULL);
  gtk_widget_set_hexpand (widget, TRUE);
  gtk_box_append (GTK_BOX (box), widget);
  account->test_button
    = new_button (_ ("_Test Connection"), NULL, G_CALLBACK (on_test_clicked), account);
  gtk_box_append (GTK_BOX (box), account->test_button);
  account->save_button
    = new_button (_ ("_Save"), "suggested-action", G_CALLBACK (on_save_clicked), account);
  gtk_box_append (GTK_BOX (box), account->save_button);
  add_plain_row (account, box);

  return account;
}

static Account *
find_account (YunPreferencesWindow *self, const char *name)
{
  for (guint i = 0; i < self->accounts->len; i++)
    {
      Account *account = g_ptr_array_index (self->accounts, i);

      if (g_str_equal (account->name, name))
        return account;
    }
  return NULL;
}

static Account *
add_account (YunPreferencesWindow *self, const char *name, YunProfile *saved)
{
  Account *account = account_new (self, name, saved);

  g_ptr_array_add (self->accounts, account);
  adw_preferences_group_add (self->accounts_group, GTK_WIDGET (account->expander));
  update_no_accounts (self);
  account_check_key (account);
  return account;
}

/* ---- Add Account ---- */

static void
on_add_account (YunPreferencesWindow *self)
{
  g_autofree char *name = g_strstrip (g_strdup (entry_text (self->new_name_row)));
  g_autofree char *problem = NULL;
  Account *account;

  if (!yun_profile_name_is_valid (name))
    problem = g_strdup (_ ("A name is 1 to 64 characters, without brackets"));
  else if (g_str_equal (name, DEMO_ACCOUNT))
    /* Translators: %s is the reserved name "demo" */
    problem = g_strdup_printf (_ ("“%s” is the name of the demo: choose another"), name);
  else if (find_account (self, name) != NULL)
    /* Translators: %s is the name of an account */
    problem = g_strdup_printf (_ ("There is already an account “%s”"), name);

  gtk_label_set_label (self->new_name_label, problem != NULL ? problem : "");
  gtk_widget_set_visible (GTK_WIDGET (self->new_name_label), problem != NULL);
  if (problem != NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->new_name_row), "error");
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (self->new_name_row), "error");

  account = add_account (self, name, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->new_name_row), "");
  adw_expander_row_set_expanded (account->expander, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (account->secret_id_row));
}

/* ---- Settings ---- */

static gboolean
choice_get_mapping (GValue *value, GVariant *variant, gpointer user_data)
{
  const char *const *choices = user_data;
  const char *choice = g_variant_get_string (variant, NULL);

  for (guint i = 0; choices[i] != NULL; i++)
    if (g_str_equal (choices[i], choice))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
choice_set_mapping (const GValue *value, const GVariantType *type, gpointer user_data)
{
  const char *const *choices = user_data;
  guint selected = g_value_get_uint (value);

  if (selected >= g_strv_length ((char **) choices))
    return NULL;
  return g_variant_new_string (choices[selected]);
}

static void
bind_settings (YunPreferencesWindow *self)
{
  const struct
  {
    const char *key;
    gpointer widget;
    const char *property;
  } bindings[] = {
    { "refresh-interval", self->refresh_spin, "value" },
    { "poll-interval", self->poll_spin, "value" },
    { "max-workers", self->workers_spin, "value" },
    { "notify-job-end", self->notify_switch, "active" },
    { "default-region", self->default_region_row, "text" },
    { "default-zone", self->default_zone_row, "text" },
    { "default-image-id", self->default_image_row, "text" },
    { "default-instance-name", self->default_name_row, "text" },
    { "default-cpu", self->cpu_spin, "value" },
    { "default-memory", self->memory_spin, "value" },
    { "default-system-disk-size", self->disk_spin, "value" },
    { "default-bandwidth", self->bandwidth_spin, "value" },
    { "linux-command-user", self->linux_user_row, "text" },
    { "linux-command-directory", self->linux_directory_row, "text" },
    { "windows-command-user", self->windows_user_row, "text" },
    { "windows-command-directory", self->windows_directory_row, "text" },
    { "command-timeout", self->timeout_spin, "value" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bindings); i++)
    g_settings_bind (self->settings, bindings[i].key, bindings[i].widget, bindings[i].property,
                     G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (self->settings, "stop-type", self->stop_type_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, choice_get_mapping, choice_set_mapping,
                                (gpointer) stop_types, NULL);
  g_settings_bind_with_mapping (self->settings, "stopped-mode", self->stopped_mode_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, choice_get_mapping, choice_set_mapping,
                                (gpointer) stopped_modes, NULL);
}

/* ---- GObject ---- */

static void
yun_preferences_window_dispose (GObject *object)
{
  YunPreferencesWindow *self = YUN_PREFERENCES_WINDOW (object);

  self->disposed = TRUE;
  /* Before the widgets go: the workers' answers find their accounts gone. */
  for (guint i = 0; self->accounts != NULL && i < self->accounts->len; i++)
    account_clear_secrets (g_ptr_array_index (self->accounts, i));
  g_clear_pointer (&self->accounts, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), YUN_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);
  g_clear_object (&self->secrets);
  g_clear_object (&self->profiles);

  G_OBJECT_CLASS (yun_preferences_window_parent_class)->dispose (object);
}

static void
yun_preferences_window_class_init (YunPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = yun_preferences_window_dispose;

  /**
   * YunPreferencesWindow::profiles-changed:
   * @self: the window
   * @name: the account that was saved or deleted
   *
   * The profiles file changed, and for a save with a new SecretKey, the key is stored.
   */
  signals[SIGNAL_PROFILES_CHANGED]
    = g_signal_new ("profiles-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/yundesk/YunDesk/yun-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, YunPreferencesWindow, keyring_group);
  gtk_widget_class_bind_template_child (widget_class, YunPreferencesWindow, keyring_row);
  gtk_widget_class_bind_template_child (widget_class, YunPreferencesWindow, accounts_group);
  gtk_widget_class_bind_template_child (widget_class, YunPreferencesWindow, no_accounts_row);
  gtk_widget_class_bind_template_child (widget_class, YunPreferencesWindow, new_name_row);
  gtk_widget_class_bind_template_child (widget_class, YunPreferencesWindow, new_name_label);
  gtk_widget_class_bind_template_child (widget_class, YunPreferencesWindow, refresh_spin);
  gtk_widget_class_bind_template_child (widget_class, YunPreferencesWindow, poll_spin);
  gtk_widget_class_bind_template_child (widget_class, YunPreferencesWindow, workers_spin);
  gtk_widget_class_bind_template_child (widget_class, YunPreferencesWindow, notify_switch);
  gtk_widget_class_bind_template_child (widget_class, YunPreferencesWindow, stop_type_row);
  gtk_widget_class_bind_template_child (widget_class, YunPreferencesWindow, stopped_mode_row);
  gtk_widget_class_bind_template_child (widget_class, YunPreferencesWindow, default_region_row);
  gtk_widget_class_bind_template_child (widget_class, YunPreferencesWindow, default_zone_row);
  gtk_widget_class_bind_template_child (widget_class, YunPreferencesWindow, default_image_row);
  gtk_widget_class_bind_template_child (widget_class, YunPreferencesWindow, default_name_row);
  gtk_widget_class_bind_template_child (widget_class, YunPreferencesWindow, cpu_spin);
  gtk_widget_class_bind_template_child (widget_class, YunPreferencesWindow, memory_spin);
  gtk_widget_class_bind_template_child (widget_class, YunPreferencesWindow, disk_spin);
  gtk_widget_class_bind_template_child (widget_class, YunPreferencesWindow, bandwidth_spin);
  gtk_widget_class_bind_template_child (widget_class, YunPreferencesWindow, linux_user_row);
  gtk_widget_class_bind_template_child (widget_class, YunPreferencesWindow, linux_directory_row);
  gtk_widget_class_bind_template_child (widget_class, YunPreferencesWindow, windows_user_row);
  gtk_widget_class_bind_template_child (widget_class, YunPreferencesWindow, windows_directory_row);
  gtk_widget_class_bind_template_child (widget_class, YunPreferencesWindow, timeout_spin);
  gtk_widget_class_bind_template_callback (widget_class, on_add_account);
}

static void
yun_preferences_window_init (YunPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->accounts = g_ptr_array_new_with_free_func (account_release);
}

/* ---- Public API ---- */

/**
 * yun_preferences_window_new:
 * @parent: (nullable): the window the preferences are modal for
 * @settings: the application's settings, which the General, Instance Defaults and Commands
 *   pages edit (a SecretKey never goes there)
 * @secrets: where SecretKeys and session tokens are stored
 * @profiles: the #YunProfile of each account, as loaded from the profiles file
 *
 * The preferences. When an account is saved or deleted, #YunPreferencesWindow::profiles-changed
 * tells the owner of @profiles to read the profiles file again.
 *
 * Returns: (transfer none): the window, owned by GTK's list of toplevels until closed
 */
YunPreferencesWindow *
yun_preferences_window_new (GtkWindow *parent,
                            GSettings *settings,
                            YunSecretStore *secrets,
                            GListStore *profiles)
{
  YunPreferencesWindow *self;
  g_autofree char *unavailable = NULL;
  guint n;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (YUN_IS_SECRET_STORE (secrets), NULL);
  g_return_val_if_fail (G_IS_LIST_STORE (profiles), NULL);

  self = g_object_new (YUN_TYPE_PREFERENCES_WINDOW, "transient-for", parent, NULL);
  self->settings = g_object_ref (settings);
  self->secrets = g_object_ref (secrets);
  self->profiles = g_object_ref (profiles);
  bind_settings (self);

  unavailable = yun_secret_store_dup_unavailable_reason (secrets);
  if (unavailable != NULL)
    {
      /* Translators: %s is why the system keyring cannot be used */
      g_autofree char *subtitle = g_strdup_printf (
        _ ("A SecretKey you save is kept in memory for this session only, and must be entered "
           "again after YunDesk quits. %s"),
        unavailable);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self->keyring_row), FALSE);
      adw_action_row_set_subtitle (self->keyring_row, subtitle);
      gtk_widget_set_visible (GTK_WIDGET (self->keyring_group), TRUE);
    }

  n = g_list_model_get_n_items (G_LIST_MODEL (profiles));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (YunProfile) profile = g_list_model_get_item (G_LIST_MODEL (profiles), i);

      add_account (self, yun_profile_get_name (profile), profile);
    }
  /* A single account opens ready to edit. */
  if (self->accounts->len == 1)
    adw_expander_row_set_expanded (((Account *) g_ptr_array_index (self->accounts, 0))->expander,
                                   TRUE);
  update_no_accounts (self);
  return self;
}
