/* yunctl.h: what the commands of yunctl share
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <yun/yun.h>

G_BEGIN_DECLS

/* The options as given on the command line. */
typedef struct
{
  char *profile;
  char *endpoint;
  char *region;
  gboolean json;
  gboolean demo;
  int timeout;
  char *language;
  char *image_type;
  gboolean all_regions;
  char *state;
  char *search;
  gboolean offline;
  gboolean dry_run;
  gboolean yes;
  char *stop_type;
  char *stopped_mode;
  char *password_file;
  gboolean password_stdin;
  char *user;
  gboolean remember_password;
  int wait_timeout;
  char *zone;
  char *image_id;
  char *instance_type;
  int count;
  char *name;
  char *charge_type;
  int bandwidth;
  gboolean price;
  char *command_text;
  char *command_file;
  gboolean command_stdin;
  char *workdir;
  char *windows_user;
  char *windows_workdir;
  char *command_name;
  gboolean command_secret;
  int ssh_port;
  gboolean accept_new_host_keys;
  char *known_hosts;
  char *local_path;
  char *remote_path;
  char *mode;
} YunctlOptions;

typedef struct
{
  const YunctlOptions *options;
  YunClient *client;   /* NULL with --offline */
  YunProfile *profile; /* NULL without a profile */
  char *region;        /* --region, or the profile's, or the default */
  /* The inventory cache and the account its rows belong to. */
  YunCache *cache;
  const char *account;
  gboolean read_only;
  char **args;         /* positional arguments after the command */
  int command_timeout; /* run-command: --timeout is the command's */
  int exit_status;     /* set by commands that report partial failures */
} YunctlContext;

typedef gboolean (*YunctlCommandFunc) (YunctlContext *context, GError **error);

gboolean yunctl_command_regions (YunctlContext *context, GError **error);
gboolean yunctl_command_zones (YunctlContext *context, GError **error);
gboolean yunctl_command_images (YunctlContext *context, GError **error);
gboolean yunctl_command_instances (YunctlContext *context, GError **error);
gboolean yunctl_command_sync (YunctlContext *context, GError **error);
gboolean yunctl_command_start (YunctlContext *context, GError **error);
gboolean yunctl_command_stop (YunctlContext *context, GError **error);
gboolean yunctl_command_reboot (YunctlContext *context, GError **error);
gboolean yunctl_command_terminate (YunctlContext *context, GError **error);
gboolean yunctl_command_reset_password (YunctlContext *context, GError **error);
gboolean yunctl_command_jobs (YunctlContext *context, GError **error);
gboolean yunctl_command_create (YunctlContext *context, GError **error);
gboolean yunctl_command_run_command (YunctlContext *context, GError **error);
gboolean yunctl_command_commands (YunctlContext *context, GError **error);
gboolean yunctl_command_protect (YunctlContext *context, GError **error);
gboolean yunctl_command_unprotect (YunctlContext *context, GError **error);
gboolean yunctl_command_ssh_exec (YunctlContext *context, GError **error);
gboolean yunctl_command_sftp_upload (YunctlContext *context, GError **error);
gboolean yunctl_command_ssh_command (YunctlContext *context, GError **error);

/* The live instances of --region (or every region), filtered by --state and --search. */
GPtrArray *yunctl_list_instances (YunctlContext *context, GError **error);

/* The cached instances, filtered like the online ones (yunctl-inventory.c). */
GPtrArray *yunctl_load_cached_instances (YunctlContext *context, GError **error);
gboolean yunctl_instance_wanted (YunctlContext *context, YunInstance *instance);
void yunctl_sort_instances (GPtrArray *instances);

G_END_DECLS
