/* yunctl.c: the command line over libyun
 *
 * SPDX-License-Identifier: MIT
 */

#define G_LOG_DOMAIN "yunctl"

#include "config.h"

#include "yunctl.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include "yun-sim.h"

#define DEFAULT_REGION "ap-guangzhou"

typedef struct
{
  const char *name;
  YunctlCommandFunc func;
  const char *summary;
} YunctlCommand;

static const YunctlCommand commands[] = {
  { "regions", yunctl_command_regions, "List the regions" },
  { "zones", yunctl_command_zones, "List the zones of the region" },
  { "images", yunctl_command_images, "List the images of the region" },
  { "instances", yunctl_command_instances, "List instances (--offline: from the cache)" },
  { "sync", yunctl_command_sync, "Read the region (--all-regions: every one) into the cache" },
  { "start", yunctl_command_start, "Start instances: IDs… or a selection" },
  { "stop", yunctl_command_stop, "Stop instances (--stop-type, --stopped-mode)" },
  { "reboot", yunctl_command_reboot, "Reboot instances (--stop-type)" },
  { "terminate", yunctl_command_terminate, "Terminate instances (needs --yes)" },
  { "reset-password", yunctl_command_reset_password,
    "Reset passwords (--password-file F or --password-stdin)" },
  { "create", yunctl_command_create,
    "Create instances (--zone, --image, --instance-type, --count, --name; --price)" },
  { "run-command", yunctl_command_run_command,
    "Run a command through TAT (--command T, --file F or --stdin; --timeout S)" },
  { "commands", yunctl_command_commands, "List the commands run lately" },
  { "protect", yunctl_command_protect,
    "Mark instances protected in YunDesk: no terminate, no password reset (no IDs: list)" },
  { "unprotect", yunctl_command_unprotect, "Remove the protected mark of instances" },
  { "jobs", yunctl_command_jobs, "List jobs; jobs show ID; jobs resume" },
  { "ssh-exec", yunctl_command_ssh_exec,
    "Run a command over SSH (--command, --file or --stdin): IDs… or a selection" },
  { "sftp-upload", yunctl_command_sftp_upload,
    "Upload --local F to --remote PATH over SFTP: IDs… or a selection" },
  { "ssh-command", yunctl_command_ssh_command, "Print the ssh command line for instance ID" },
};

static void
yunctl_options_clear (YunctlOptions *options)
{
  g_free (options->profile);
  g_free (options->endpoint);
  g_free (options->region);
  g_free (options->language);
  g_free (options->image_type);
  g_free (options->state);
  g_free (options->search);
  g_free (options->stop_type);
  g_free (options->stopped_mode);
  g_free (options->password_file);
  g_free (options->user);
  g_free (options->zone);
  g_free (options->image_id);
  g_free (options->instance_type);
  g_free (options->name);
  g_free (options->charge_type);
  g_free (options->command_text);
  g_free (options->command_file);
  g_free (options->workdir);
  g_free (options->windows_user);
  g_free (options->windows_workdir);
  g_free (options->command_name);
  g_free (options->known_hosts);
  g_free (options->local_path);
  g_free (options->remote_path);
  g_free (options->mode);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (YunctlOptions, yunctl_options_clear)

static void
print_error (const GError *error)
{
  /* A Tencent error's message already reads "Message (Code, RequestId …)". */
  fprintf (stderr, "yunctl: %s\n", error->message);
}

static YunProfile *
load_profile (const char *name, GError **error)
{
  g_autofree char *path = yun_profile_dup_default_path ();
  g_autoptr (GError) local_error = NULL;
  YunProfile *profile;

  profile = yun_profile_load (path, name, &local_error);
  if (profile != NULL)
    return profile;

  /* Without --profile, a missing file or default profile simply means "none". */
  if (name == NULL
      && (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT)
          || g_error_matches (local_error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_GROUP_NOT_FOUND)))
    return NULL;

  g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}

/* The environment's keys first; then a profile's SecretId with the environment's SecretKey,
 * or with the one the system keyring holds for the profile. */
static YunCredentials *
resolve_credentials (YunProfile *profile, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  YunCredentials *credentials = yun_credentials_new_from_environment (&local_error);
  const char *secret_key = g_getenv ("TENCENTCLOUD_SECRET_KEY");
  g_autoptr (YunSecretStore) store = NULL;

  if (credentials != NULL)
    return credentials;

  /* Without a profile's SecretId, the environment's error says what to set. */
  if (profile == NULL || yun_profile_get_secret_id (profile) == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (secret_key != NULL && *secret_key != '\0')
    return yun_credentials_new (yun_profile_get_secret_id (profile), secret_key,
                                g_getenv ("TENCENTCLOUD_SESSION_TOKEN"));

  store = yun_secret_store_new ();
  credentials = yun_profile_resolve_credentials (profile, store, NULL, error);
  if (credentials == NULL)
    g_prefix_error (error, "TENCENTCLOUD_SECRET_KEY is not set. ");
  return credentials;
}

/* Whose rows the cache holds: the profile's name; for keys from the environment, their
 * SecretId (not a secret), so two accounts never share cached rows. */
static char *
resolve_account (YunctlOptions *options, YunProfile *profile, GError **error)
{
  const char *secret_id;

  if (options->demo)
    return g_strdup ("demo");

  secret_id = g_getenv ("TENCENTCLOUD_SECRET_ID");
  if (secret_id == NULL || *secret_id == '\0')
    secret_id = g_getenv ("TENCENT_SECRET_ID");
  if (options->profile == NULL && secret_id != NULL && *secret_id != '\0')
    return g_strconcat ("env:", secret_id, NULL);

  if (profile != NULL)
    return g_strdup (yun_profile_get_name (profile));
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       "No account: set TENCENTCLOUD_SECRET_ID or choose a --profile");
  return NULL;
}

/* --password VALUE: refused without echoing VALUE, which the command line already shows
 * to other users (ps) and keeps in the shell's history. */
static gboolean
refuse_password_argument (const char *option_name, const char *value, gpointer data, GError **error)
{
  g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "a password is never taken from the command line: use --password-file F "
                       "or --password-stdin");
  return FALSE;
}

static YunSim *
start_demo_simulator (GError **error)
{
  YunSimOptions sim_options;

  yun_sim_options_init (&sim_options);
  return yun_sim_start (&sim_options, error);
}

static YunClient *
create_client (
  YunctlOptions *options, YunProfile *profile, YunSim *demo, char **region_out, GError **error)
{
  g_autoptr (YunCredentials) credentials = NULL;
  g_autoptr (YunProfile) client_profile = NULL;
  const char *endpoint = NULL;
  const char *region = options->region;
  YunClient *client;

  if (demo != NULL)
    {
      credentials = yun_credentials_new (YUN_SIM_DEMO_SECRET_ID, YUN_SIM_DEMO_SECRET_KEY, NULL);
      client_profile = yun_profile_new ("demo");
      endpoint = yun_sim_get_url (demo);
    }
  else
    {
      credentials = resolve_credentials (profile, error);
      if (credentials == NULL)
        return NULL;

      /* The profile's settings (none without one), under the endpoint that the command line
       * or the environment names instead of the profile's: the profile is yunctl's own, read
       * for this run only. */
      client_profile = profile != NULL ? g_object_ref (profile) : yun_profile_new ("default");
      endpoint = options->endpoint;
      if (endpoint == NULL)
        endpoint = g_getenv ("YUNDESK_ENDPOINT");
      if (region == NULL && profile != NULL)
        region = yun_profile_get_region (profile);
    }

  if (endpoint != NULL)
    yun_profile_set_endpoint (client_profile, endpoint);
  client = yun_profile_create_client (client_profile, credentials, error);
  if (client == NULL)
    return NULL;

  if (options->language != NULL)
    yun_client_set_language (client, options->language);
  if (options->timeout > 0)
    yun_client_set_timeouts (client, MIN ((guint) options->timeout * 1000, 10000),
                             (guint) options->timeout * 1000);

  *region_out = g_strdup (region != NULL ? region : DEFAULT_REGION);
  return client;
}

static char *
resolve_offline_region (YunctlOptions *options, YunProfile *profile)
{
  if (options->region != NULL)
    return g_strdup (options->region);
  if (profile != NULL && yun_profile_get_region (profile) != NULL)
    return g_strdup (yun_profile_get_region (profile));
  return g_strdup (DEFAULT_REGION);
}

static void
report_clock_skew (YunClient *client)
{
  gint64 skew = yun_client_get_clock_skew (client);
  gint64 magnitude = ABS (skew);

  if (magnitude == 0)
    return;

  fprintf (stderr,
           "yunctl: note: this computer's clock is %" G_GINT64_FORMAT " min %" G_GINT64_FORMAT
           " s %s Tencent Cloud's; requests were corrected. Set the clock (timedatectl "
           "set-ntp true).\n",
           magnitude / 60, magnitude % 60, skew > 0 ? "behind" : "ahead of");
}

/* The commands that act on instances (IDs…) or on jobs (show ID, resume). */
static gboolean
command_takes_arguments (const YunctlCommand *command)
{
  return command->func == yunctl_command_start || command->func == yunctl_command_stop
         || command->func == yunctl_command_reboot || command->func == yunctl_command_terminate
         || command->func == yunctl_command_reset_password || command->func == yunctl_command_jobs
         || command->func == yunctl_command_create || command->func == yunctl_command_run_command
         || command->func == yunctl_command_commands || command->func == yunctl_command_protect
         || command->func == yunctl_command_unprotect || command->func == yunctl_command_ssh_exec
         || command->func == yunctl_command_sftp_upload
         || command->func == yunctl_command_ssh_command;
}

static char *
describe_commands (void)
{
  GString *text = g_string_new ("Commands:\n");

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (text, "  %-12s%s\n", commands[i].name, commands[i].summary);
  return g_string_free (text, FALSE);
}

int
main (int argc, char *argv[])
{
  g_auto (YunctlOptions) options = { 0 };
  g_autoptr (GOptionContext) option_context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (YunSim) demo = NULL;
  g_autoptr (YunClient) client = NULL;
  g_autoptr (YunCache) cache = NULL;
  g_autoptr (YunProfile) profile = NULL;
  g_autofree char *account = NULL;
  g_autofree char *region = NULL;
  g_autofree char *executable = g_file_read_link ("/proc/self/exe", NULL);
  const char *locale_dir = YUN_LOCALEDIR;
  g_autofree char *command_help = NULL;
  const YunctlCommand *command = NULL;
  YunctlContext context = { 0 };
  gboolean ok;
  int command_timeout = 0;
  const GOptionEntry entries[] = {
    { "profile", 'p', 0, G_OPTION_ARG_STRING, &options.profile, "Use profile P", "P" },
    { "endpoint", 0, 0, G_OPTION_ARG_STRING, &options.endpoint,
      "Root domain or base URL of the API", "URL" },
    { "region", 'r', 0, G_OPTION_ARG_STRING, &options.region, "Region, such as ap-guangzhou", "R" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &options.json, "Print JSON", NULL },
    { "demo", 0, 0, G_OPTION_ARG_NONE, &options.demo,
      "Talk to a simulated cloud started inside yunctl", NULL },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &options.timeout, "Give up on a call after S seconds",
      "S" },
    { "language", 0, 0, G_OPTION_ARG_STRING, &options.language,
      "Language of error messages: zh-CN or en-US", "L" },
    { "type", 0, 0, G_OPTION_ARG_STRING, &options.image_type, "images: public, private or shared",
      "T" },
    { "all-regions", 'a', 0, G_OPTION_ARG_NONE, &options.all_regions,
      "instances: every region, not only --region", NULL },
    { "state", 0, 0, G_OPTION_ARG_STRING, &options.state,
      "instances: only this state, such as RUNNING", "S" },
    { "search", 's', 0, G_OPTION_ARG_STRING, &options.search,
      "instances: name, ID, IP or tag containing TEXT", "TEXT" },
    { "offline", 0, 0, G_OPTION_ARG_NONE, &options.offline,
      "instances: answer from the cache, without the network", NULL },
    { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &options.dry_run,
      "jobs: tell what would be sent and what skipped, send nothing", NULL },
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &options.yes, "terminate: yes, destroy them", NULL },
    { "stop-type", 0, 0, G_OPTION_ARG_STRING, &options.stop_type,
      "stop, reboot: SOFT, HARD or SOFT_FIRST", "T" },
    { "stopped-mode", 0, 0, G_OPTION_ARG_STRING, &options.stopped_mode,
      "stop: KEEP_CHARGING or STOP_CHARGING", "M" },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &options.password_file,
      "reset-password: read the new password from F", "F" },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &options.password_stdin,
      "reset-password: read the new password from standard input", NULL },
    { "password", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_CALLBACK, refuse_password_argument, NULL,
      NULL },
    { "user", 0, 0, G_OPTION_ARG_STRING, &options.user,
      "reset-password: the account, if not the image's default", "U" },
    { "remember-password", 0, 0, G_OPTION_ARG_NONE, &options.remember_password,
      "reset-password, create: keep each instance's new password in the keyring", NULL },
    { "wait-timeout", 0, 0, G_OPTION_ARG_INT, &options.wait_timeout,
      "jobs: give an instance S seconds to reach its state (default 600)", "S" },
    { "zone", 0, 0, G_OPTION_ARG_STRING, &options.zone, "create: the zone", "Z" },
    { "image", 0, 0, G_OPTION_ARG_STRING, &options.image_id, "create: the image ID", "IMG" },
    { "instance-type", 0, 0, G_OPTION_ARG_STRING, &options.instance_type,
      "create: the instance type, such as S5.MEDIUM4", "T" },
    { "count", 0, 0, G_OPTION_ARG_INT, &options.count, "create: how many (default 1)", "N" },
    { "name", 0, 0, G_OPTION_ARG_STRING, &options.name,
      "create: the name, or a pattern such as web-{R:1}", "NAME" },
    { "charge-type", 0, 0, G_OPTION_ARG_STRING, &options.charge_type,
      "create: POSTPAID_BY_HOUR (default) or PREPAID", "C" },
    { "bandwidth", 0, 0, G_OPTION_ARG_INT, &options.bandwidth,
      "create: public bandwidth in Mbps (0: no public IP)", "MBPS" },
    { "price", 0, 0, G_OPTION_ARG_NONE, &options.price,
      "create: only ask the price (InquiryPriceRunInstances)", NULL },
    { "command", 'c', 0, G_OPTION_ARG_STRING, &options.command_text, "run-command: the script",
      "TEXT" },
    { "file", 'f', 0, G_OPTION_ARG_FILENAME, &options.command_file,
      "run-command: the script, from a UTF-8 file", "F" },
    { "stdin", 0, 0, G_OPTION_ARG_NONE, &options.command_stdin,
      "run-command: the script, from standard input", NULL },
    { "workdir", 0, 0, G_OPTION_ARG_STRING, &options.workdir,
      "run-command: the working directory (default /root; on Windows the agent's)", "D" },
    { "windows-user", 0, 0, G_OPTION_ARG_STRING, &options.windows_user,
      "run-command: the Windows user, if not --user (default System)", "U" },
    { "windows-workdir", 0, 0, G_OPTION_ARG_STRING, &options.windows_workdir,
      "run-command: the Windows working directory, if not --workdir", "D" },
    { "command-name", 0, 0, G_OPTION_ARG_STRING, &options.command_name,
      "run-command: a description", "NAME" },
    { "secret", 0, 0, G_OPTION_ARG_NONE, &options.command_secret,
      "run-command: the script holds a secret: not journaled, not kept for reuse", NULL },
    { "ssh-port", 0, 0, G_OPTION_ARG_INT, &options.ssh_port,
      "ssh-exec, sftp-upload, ssh-command: the SSH port (default: the profile's, 22)", "PORT" },
    { "accept-new-host-keys", 0, 0, G_OPTION_ARG_NONE, &options.accept_new_host_keys,
      "ssh-exec, sftp-upload: record the host key of a server not known yet", NULL },
    { "known-hosts", 0, 0, G_OPTION_ARG_FILENAME, &options.known_hosts,
      "ssh-exec, sftp-upload: the known-hosts file (default ~/.ssh/known_hosts)", "F" },
    { "local", 0, 0, G_OPTION_ARG_FILENAME, &options.local_path, "sftp-upload: the file to upload",
      "F" },
    { "remote", 0, 0, G_OPTION_ARG_STRING, &options.remote_path,
      "sftp-upload: where it goes on each instance", "PATH" },
    { "mode", 0, 0, G_OPTION_ARG_STRING, &options.mode,
      "sftp-upload: the remote file's mode in octal (default: the local file's)", "MODE" },
    G_OPTION_ENTRY_NULL,
  };

  /* The messages of libyun are translated, as in the window; run from the build tree, with
   * the translations built there. */
  if (executable != NULL && g_str_has_prefix (executable, YUN_BUILD_DIR "/"))
    locale_dir = YUN_BUILD_LOCALEDIR;
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, locale_dir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  /* Standard output is for results (tables, JSON); every log line goes to stderr. */
  g_log_writer_default_set_use_stderr (TRUE);
  yun_init ();

  option_context = g_option_context_new ("COMMAND");
  g_option_context_set_summary (option_context,
                                "Manage Tencent Cloud CVM instances from the command line.");
  command_help = describe_commands ();
  g_option_context_set_description (option_context, command_help);
  g_option_context_add_main_entries (option_context, entries, NULL);
  if (!g_option_context_parse (option_context, &argc, &argv, &error))
    {
      fprintf (stderr, "yunctl: %s\n", error->message);
      return 2;
    }

  if (argc >= 2)
    for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
      if (g_str_equal (argv[1], commands[i].name))
        command = &commands[i];
  if (command != NULL && argc > 2 && !command_takes_arguments (command))
    {
      fprintf (stderr, "yunctl: %s takes no argument\n", command->name);
      return 2;
    }
  if (command == NULL)
    {
      fprintf (stderr, "yunctl: %s\n%s", argc < 2 ? "name a command" : "unknown command",
               command_help);
      return 2;
    }

  if (options.offline && command->func != yunctl_command_instances)
    {
      fprintf (stderr, "yunctl: --offline only applies to instances\n");
      return 2;
    }

  /* Read once; the demo has no profile. */
  if (!options.demo)
    {
      profile = load_profile (options.profile, &error);
      if (error != NULL)
        {
          print_error (error);
          return 1;
        }
    }

  if (options.demo && !options.offline)
    {
      demo = start_demo_simulator (&error);
      if (demo == NULL)
        {
          print_error (error);
          return 1;
        }
    }

  /* For run-command and ssh-exec, --timeout is the command's, as TAT names it; calls keep
   * their own. */
  if (command->func == yunctl_command_run_command || command->func == yunctl_command_ssh_exec)
    {
      command_timeout = options.timeout;
      options.timeout = 0;
    }

  if (options.offline)
    region = resolve_offline_region (&options, profile);
  else
    {
      client = create_client (&options, profile, demo, &region, &error);
      if (client == NULL)
        {
          print_error (error);
          return 1;
        }
    }

  if (options.offline || command->func == yunctl_command_sync || command_takes_arguments (command))
    {
      g_autofree char *cache_path = yun_cache_dup_default_path ();

      account = resolve_account (&options, profile, &error);
      cache = account != NULL ? yun_cache_open (cache_path, &error) : NULL;
      if (cache == NULL)
        {
          print_error (error);
          return 1;
        }
    }

  context.client = client;
  context.profile = profile;
  context.cache = cache;
  context.account = account;
  context.region = region;
  context.options = &options;
  context.args = argv + 2;
  /* A read-only profile refuses every state-changing command. */
  context.read_only = profile != NULL && yun_profile_get_read_only (profile);
  context.command_timeout = command_timeout;

  ok = command->func (&context, &error);
  if (client != NULL)
    report_clock_skew (client);
  if (!ok)
    {
      print_error (error);
      return g_error_matches (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE) ? 2 : 1;
    }
  return context.exit_status;
}
