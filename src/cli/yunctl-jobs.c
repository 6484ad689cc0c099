/* yunctl-jobs.c: start, stop, reboot, terminate, reset-password, and the job journal
 *
 * SPDX-License-Identifier: MIT
 */

#define G_LOG_DOMAIN "yunctl"

#include "config.h"

#include <glib-unix.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "yunctl-output.h"
#include "yunctl.h"

#define PASSWORD_MAX_BYTES 256

static gboolean
is_instance_id (const char *text)
{
  if (!g_str_has_prefix (text, "ins-") || strlen (text) != 12)
    return FALSE;
  for (const char *p = text + 4; *p != '\0'; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

/* Every argument must be an instance ID, or the command line is wrong (exit status 2).
 * When the job carries a password, an argument that is not an ID may be that password
 * typed in the wrong place: it is not echoed. */
static gboolean
check_instance_ids (YunctlContext *context, YunJobSpec *spec, GError **error)
{
  gboolean with_password = yun_job_spec_get_kind (spec) == YUN_JOB_KIND_RESET_PASSWORD
                           || context->options->password_file != NULL
                           || context->options->password_stdin;

  for (guint i = 0; context->args[i] != NULL; i++)
    {
      if (is_instance_id (context->args[i]))
        continue;
      if (with_password)
        g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                     "argument %u is not an instance ID (“ins-” and 8 lower-case letters or "
                     "digits); a password is only read from --password-file F or "
                     "--password-stdin",
                     i + 1);
      else
        g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                     "“%s” is not an instance ID (“ins-” and 8 lower-case letters or digits)",
                     context->args[i]);
      return FALSE;
    }
  return TRUE;
}

/* The instances a job acts on: the IDs given (their region from the cache, else
 * --region), or the selection flags over the live list. */
static gboolean
add_selection (YunctlContext *context, YunJobSpec *spec, GError **error)
{
  if (context->args != NULL && context->args[0] != NULL)
    {
      g_autoptr (YunInventory) cached = yun_inventory_new (context->cache, context->account);

      if (!check_instance_ids (context, spec, error) || !yun_inventory_load (cached, NULL, error))
        return FALSE;
      for (guint i = 0; context->args[i] != NULL; i++)
        {
          YunInstance *instance = yun_inventory_lookup (cached, context->args[i]);

          yun_job_spec_add_instance (spec, context->args[i],
                                     instance != NULL ? yun_instance_get_region (instance)
                                                      : context->region);
        }
      return TRUE;
    }

  if (!context->options->all_regions && context->options->state == NULL
      && context->options->search == NULL && context->options->region == NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "name instance IDs, or select instances with --region, --all-regions, "
                           "--state or --search");
      return FALSE;
    }

  {
    g_autoptr (GPtrArray) instances = yunctl_list_instances (context, error);

    if (instances == NULL)
      return FALSE;
    for (guint i = 0; i < instances->len; i++)
      yun_job_spec_add_instance (spec, yun_instance_get_instance_id (instances->pdata[i]),
                                 yun_instance_get_region (instances->pdata[i]));
  }
  return TRUE;
}

/* From a file or standard input, never from an argument (it would show in `ps`). */
static char *
read_password (YunctlContext *context, GError **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (context->options->password_file != NULL)
    {
      if (!g_file_get_contents (context->options->password_file, &contents, &length, error))
        return NULL;
    }
  else if (context->options->password_stdin)
    {
      char buffer[PASSWORD_MAX_BYTES + 2];

      if (fgets (buffer, sizeof buffer, stdin) == NULL)
        {
          g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                               "No password on standard input");
          return NULL;
        }
      contents = g_strdup (buffer);
      length = strlen (contents);
      explicit_bzero (buffer, sizeof buffer);
    }
  else
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "reset-password reads the new password from --password-file F or "
                           "--password-stdin, never from the command line");
      return NULL;
    }

  /* One line: the trailing newline is not part of it. */
  while (length > 0 && (contents[length - 1] == '\n' || contents[length - 1] == '\r'))
    contents[--length] = '\0';
  if (length == 0 || strchr (contents, '\n') != NULL || length > PASSWORD_MAX_BYTES)
    {
      explicit_bzero (contents, length);
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "The password must be one non-empty line");
      return NULL;
    }
  return g_steal_pointer (&contents);
}

typedef struct
{
  GMainLoop *loop;
  YunJob *job;
  gboolean show_progress;
} Waiting;

static void
job_finished (YunJob *job, Waiting *waiting)
{
  g_main_loop_quit (waiting->loop);
}

static void
job_progress (YunJob *job, GParamSpec *pspec, Waiting *waiting)
{
  if (waiting->show_progress)
    fprintf (stderr, "\ryunctl: %u of %u done", yun_job_get_n_done (job),
             yun_job_get_n_items (job));
}

static gboolean
interrupted (gpointer user_data)
{
  Waiting *waiting = user_data;

  fprintf (stderr, "\nyunctl: cancelling: calls not sent yet will not be sent\n");
  yun_job_cancel (waiting->job);
  return G_SOURCE_CONTINUE;
}

/* Waits for @job to finish, Ctrl+C cancelling it. */
static void
wait_for_job (YunctlContext *context, YunJob *job)
{
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Waiting waiting = {
    .loop = loop,
    .job = job,
    .show_progress = !context->options->json && isatty (fileno (stderr)),
  };
  guint sigint;
  gulong finished_id, progress_id;

  if (yun_job_get_finished (job))
    return;
  finished_id = g_signal_connect (job, "finished", G_CALLBACK (job_finished), &waiting);
  progress_id = g_signal_connect (job, "notify::n-done", G_CALLBACK (job_progress), &waiting);
  sigint = g_unix_signal_add (SIGINT, interrupted, &waiting);
  g_main_loop_run (loop);
  g_source_remove (sigint);
  g_signal_handler_disconnect (job, finished_id);
  g_signal_handler_disconnect (job, progress_id);
  if (waiting.show_progress)
    fputc ('\n', stderr);
}

/* Prints @job; returns the exit status: 0 when nothing failed or was cancelled. */
static int
report_job (YunctlContext *context, YunJob *job)
{
  GListModel *items = yun_job_get_items (job);
  guint failed = yun_job_get_n_outcome (job, YUN_JOB_OUTCOME_FAILED)
                 + yun_job_get_n_outcome (job, YUN_JOB_OUTCOME_CANCELLED)
                 + yun_job_get_n_outcome (job, YUN_JOB_OUTCOME_PENDING);

  if (context->options->json)
    {
      g_autofree char *json = yun_job_to_json (job);

      puts (json);
      return failed > 0 ? 1 : 0;
    }

  if (yun_job_get_dry_run (job))
    printf ("Dry run: nothing was sent.\n");
  else
    printf ("Job %" G_GINT64_FORMAT "\n", yun_job_get_id (job));
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr (YunJobItem) item = g_list_model_get_item (items, i);
      YunJobOutcome outcome = yun_job_item_get_outcome (item);

      /* People read the exceptions; the full list is in --json and `jobs show`. */
      if (outcome == YUN_JOB_OUTCOME_SUCCEEDED && !yun_job_get_dry_run (job))
        continue;
      printf ("  %-13s %-16s %-10s %s%s%s%s%s\n", yun_job_item_get_instance_id (item),
              yun_job_item_get_region (item), yun_job_outcome_to_string (outcome),
              yun_job_item_get_reason (item) != NULL ? yun_job_item_get_reason (item) : "",
              yun_job_item_get_message (item) != NULL ? " " : "",
              yun_job_item_get_message (item) != NULL ? yun_job_item_get_message (item) : "",
              yun_job_item_get_code (item) != NULL ? " — " : "",
              yun_job_item_get_code (item) != NULL ? yun_job_item_get_code (item) : "");
    }
  printf ("%s\n", yun_job_get_summary (job));
  return failed > 0 ? 1 : 0;
}

/* A job the engine refuses before it starts (a password against the rules, a count out
 * of range, a bad region) was wrongly asked for: a usage error, exit status 2, as distinct
 * from a job some of whose items failed. */
static YunJob *
submit_job (YunJobEngine *engine, YunJobSpec *spec, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  YunJob *job = yun_job_engine_submit (engine, spec, &local_error);

  if (job != NULL)
    return job;
  if (g_error_matches (local_error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER))
    g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, local_error->message);
  else
    g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}

/* @with_secrets for the jobs that carry a password: it waits in the keyring for a resume
 * after a crash (without a keyring, in memory only). */
static YunJobEngine *
create_engine (YunctlContext *context, gboolean with_secrets)
{
  YunJobEngine *engine = yun_job_engine_new (context->cache, context->account, context->client);
  const char *poll = g_getenv ("YUNDESK_JOB_POLL_MS");

  if (with_secrets)
    {
      g_autoptr (YunSecretStore) secrets = yun_secret_store_new ();
      g_autofree char *unavailable = yun_secret_store_dup_unavailable_reason (secrets);

      if (unavailable != NULL && !context->options->json)
        fprintf (stderr, "yunctl: %s\n", unavailable);
      yun_job_engine_set_secret_store (engine, secrets);
    }

  /* Tests and benchmarks follow fast simulated transitions more closely. */
  if (poll != NULL && g_ascii_strtoull (poll, NULL, 10) > 0)
    yun_job_engine_set_poll_interval (engine, (guint) g_ascii_strtoull (poll, NULL, 10));
  return engine;
}

static gboolean
run_kind (YunctlContext *context, YunJobKind kind, GError **error)
{
  g_autoptr (YunJobSpec) spec = yun_job_spec_new (kind);
  g_autoptr (YunJobEngine) engine = NULL;
  YunJob *job;

  if (context->read_only)
    {
      g_set_error (error, YUN_ERROR, YUN_ERROR_INVALID_STATE,
                   "Profile “%s” is read-only: %s is refused", context->account,
                   yun_job_kind_to_string (kind));
      return FALSE;
    }
  if (kind == YUN_JOB_KIND_TERMINATE && !context->options->yes && !context->options->dry_run)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "terminate destroys instances: add --yes to confirm (or --dry-run to "
                           "see what it would do)");
      return FALSE;
    }

  if (!add_selection (context, spec, error))
    return FALSE;
  if (yun_job_spec_get_n_instances (spec) == 0)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "the selection holds no instance");
      return FALSE;
    }

  yun_job_spec_set_stop_type (spec, context->options->stop_type);
  yun_job_spec_set_stopped_mode (spec, context->options->stopped_mode);
  yun_job_spec_set_dry_run (spec, context->options->dry_run);
  if (context->options->wait_timeout > 0)
    yun_job_spec_set_timeout (spec, (guint) context->options->wait_timeout);
  if (kind == YUN_JOB_KIND_RESET_PASSWORD)
    {
      char *password = read_password (context, error);

      if (password == NULL)
        return FALSE;
      yun_job_spec_set_password (spec, password, context->options->user);
      yun_job_spec_set_remember_password (spec, context->options->remember_password);
      explicit_bzero (password, strlen (password));
      g_free (password);
    }

  engine = create_engine (context, kind == YUN_JOB_KIND_RESET_PASSWORD);
  job = submit_job (engine, spec, error);
  if (job == NULL)
    return FALSE;
  if (!context->options->json && !context->options->dry_run)
    fprintf (stderr, "yunctl: job %" G_GINT64_FORMAT ": %s of %u instances\n", yun_job_get_id (job),
             yun_job_kind_to_string (kind), yun_job_get_n_items (job));
  wait_for_job (context, job);
  context->exit_status = report_job (context, job);
  return TRUE;
}

gboolean
yunctl_command_start (YunctlContext *context, GError **error)
{
  return run_kind (context, YUN_JOB_KIND_START, error);
}

gboolean
yunctl_command_stop (YunctlContext *context, GError **error)
{
  return run_kind (context, YUN_JOB_KIND_STOP, error);
}

gboolean
yunctl_command_reboot (YunctlContext *context, GError **error)
{
  return run_kind (context, YUN_JOB_KIND_REBOOT, error);
}

gboolean
yunctl_command_terminate (YunctlContext *context, GError **error)
{
  return run_kind (context, YUN_JOB_KIND_TERMINATE, error);
}

gboolean
yunctl_command_reset_password (YunctlContext *context, GError **error)
{
  return run_kind (context, YUN_JOB_KIND_RESET_PASSWORD, error);
}

static void
print_item_price (const char *what, YunItemPrice *price)
{
  if (price == NULL)
    return;
  if (price->is_postpaid)
    printf ("%s: %.2f 元 per %s (list price %.2f)\n", what, price->unit_price_discount,
            price->charge_unit != NULL ? price->charge_unit : "HOUR", price->unit_price);
  if (price->is_prepaid)
    printf ("%s: %.2f 元 for the period (list price %.2f, %.0f %% off)\n", what,
            price->discount_price, price->original_price, price->discount);
}

gboolean
yunctl_command_create (YunctlContext *context, GError **error)
{
  g_autoptr (YunRunInstancesRequest) request = NULL;
  g_autoptr (YunJobSpec) spec = yun_job_spec_new (YUN_JOB_KIND_CREATE);
  g_autoptr (YunJobEngine) engine = NULL;
  YunJob *job;

  /* A stray argument is not echoed: it may be a password typed in the wrong place, which
   * would otherwise be ignored and the instances created without it. */
  if (context->args != NULL && context->args[0] != NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "create takes no argument; a password is only read from "
                           "--password-file F or --password-stdin");
      return FALSE;
    }
  if (context->options->zone == NULL || context->options->image_id == NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "create needs --zone and --image");
      return FALSE;
    }
  if (context->read_only && !context->options->price)
    {
      g_set_error (error, YUN_ERROR, YUN_ERROR_INVALID_STATE,
                   "Profile “%s” is read-only: create is refused", context->account);
      return FALSE;
    }

  request = yun_run_instances_request_new (context->options->zone, context->options->image_id);
  yun_run_instances_request_set_instance_type (request, context->options->instance_type);
  yun_run_instances_request_set_charge_type (request, context->options->charge_type);
  yun_run_instances_request_set_count (
    request, context->options->count > 0 ? (guint) context->options->count : 1);
  yun_run_instances_request_set_name (request, context->options->name);
  if (context->options->bandwidth > 0)
    yun_run_instances_request_set_bandwidth (request, NULL, (guint) context->options->bandwidth,
                                             TRUE);
  if (context->options->password_file != NULL || context->options->password_stdin)
    {
      char *password = read_password (context, error);

      if (password == NULL)
        return FALSE;
      yun_run_instances_request_set_password (request, password);
      explicit_bzero (password, strlen (password));
      g_free (password);
    }

  if (context->options->price)
    {
      g_autoptr (YunPrice) price = yun_client_inquiry_price_run_instances (
        context->client, context->region, request, NULL, error);

      if (price == NULL)
        return FALSE;
      print_item_price ("Instances", price->instance_price);
      print_item_price ("Bandwidth", price->bandwidth_price);
      return TRUE;
    }

  yun_job_spec_set_create (spec, context->region, request);
  yun_job_spec_set_dry_run (spec, context->options->dry_run);
  yun_job_spec_set_remember_password (spec, context->options->remember_password);
  if (context->options->wait_timeout > 0)
    yun_job_spec_set_timeout (spec, (guint) context->options->wait_timeout);
  engine = create_engine (context, context->options->password_file != NULL
                                     || context->options->password_stdin);
  job = submit_job (engine, spec, error);
  if (job == NULL)
    return FALSE;
  if (!context->options->json && !context->options->dry_run)
    fprintf (stderr, "yunctl: job %" G_GINT64_FORMAT ": create %u instances in %s\n",
             yun_job_get_id (job), yun_job_get_n_items (job), context->region);
  wait_for_job (context, job);
  context->exit_status = report_job (context, job);
  return TRUE;
}

static gboolean
show_job (YunctlContext *context, YunJobEngine *engine, const char *id_text, GError **error)
{
  guint64 id = 0;
  YunJob *job;

  if (!g_ascii_string_to_unsigned (id_text, 10, 1, G_MAXINT64, &id, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "“%s” is not a job ID",
                   id_text);
      return FALSE;
    }
  job = yun_job_engine_lookup (engine, (gint64) id);
  if (job == NULL)
    {
      g_set_error (error, YUN_ERROR, YUN_ERROR_NOT_FOUND, "No job %s for this account", id_text);
      return FALSE;
    }
  if (context->options->json)
    {
      g_autofree char *json = yun_job_to_json (job);
      puts (json);
    }
  else
    {
      g_autofree char *csv = yun_job_to_csv (job);
      fputs (csv, stdout);
      printf ("%s\n", yun_job_get_summary (job));
    }
  return TRUE;
}

static gboolean
resume_jobs (YunctlContext *context, YunJobEngine *engine, GError **error)
{
  GListModel *jobs = yun_job_engine_get_jobs (engine);
  g_autoptr (GError) local_error = NULL;
  guint resumed = yun_job_engine_resume (engine, &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (!context->options->json)
    fprintf (stderr, "yunctl: %u unfinished job%s resumed\n", resumed, resumed == 1 ? "" : "s");
  for (guint i = 0; i < resumed; i++)
    {
      g_autoptr (YunJob) job = g_list_model_get_item (jobs, i);

      wait_for_job (context, job);
      context->exit_status = MAX (context->exit_status, report_job (context, job));
    }
  return TRUE;
}

gboolean
yunctl_command_jobs (YunctlContext *context, GError **error)
{
  static const YunctlColumn columns[] = {
    { "id", "JOB" },
    { "kind", "KIND" },
    { "finished", "FINISHED" },
    { "summary", "SUMMARY" },
  };
  const char *verb = context->args != NULL ? context->args[0] : NULL;
  g_autoptr (YunJobEngine) engine
    = create_engine (context, verb != NULL && g_str_equal (verb, "resume"));

  if (verb != NULL && g_str_equal (verb, "resume"))
    {
      if (context->read_only)
        {
          g_set_error (error, YUN_ERROR, YUN_ERROR_INVALID_STATE,
                       "Profile “%s” is read-only: resuming jobs is refused", context->account);
          return FALSE;
        }
      return resume_jobs (context, engine, error);
    }

  if (!yun_job_engine_load_history (engine, 200, error))
    return FALSE;
  if (verb != NULL && g_str_equal (verb, "show") && context->args[1] != NULL)
    return show_job (context, engine, context->args[1], error);
  if (verb != NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "jobs takes no argument, `show ID` or `resume`");
      return FALSE;
    }

  {
    GListModel *jobs = yun_job_engine_get_jobs (engine);
    g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func (g_object_unref);

    for (guint i = 0; i < g_list_model_get_n_items (jobs); i++)
      g_ptr_array_add (list, g_list_model_get_item (jobs, i));
    if (context->options->json)
      yunctl_print_json (list, "Jobs");
    else
      yunctl_print_table (list, columns, G_N_ELEMENTS (columns));
  }
  return TRUE;
}

/* The script, from exactly one of --command, --file and --stdin. */
static GBytes *
read_command (YunctlContext *context, GError **error)
{
  guint sources = (context->options->command_text != NULL)
                  + (context->options->command_file != NULL)
                  + (context->options->command_stdin ? 1 : 0);
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (sources != 1)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "run-command takes the script from one of --command TEXT, --file F "
                           "or --stdin");
      return NULL;
    }
  if (context->options->command_text != NULL)
    return g_bytes_new (context->options->command_text, strlen (context->options->command_text));
  if (context->options->command_file != NULL)
    {
      if (!g_file_get_contents (context->options->command_file, &contents, &length, error))
        return NULL;
      return g_bytes_new_take (g_steal_pointer (&contents), length);
    }
  {
    g_autoptr (GByteArray) input = g_byte_array_new ();
    guint8 buffer[4096];
    size_t n;

    while ((n = fread (buffer, 1, sizeof buffer, stdin)) > 0)
      g_byte_array_append (input, buffer, (guint) n);
    if (ferror (stdin))
      {
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                             "The script could not be read from standard input");
        return NULL;
      }
    return g_byte_array_free_to_bytes (g_steal_pointer (&input));
  }
}

static void
print_command_results (YunJob *job)
{
  GListModel *items = yun_job_get_items (job);

  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr (YunJobItem) item = g_list_model_get_item (items, i);
      const char *output = yun_job_item_get_output (item);
      g_autofree char *exit_code
        = yun_job_item_get_has_exit_code (item)
            ? g_strdup_printf ("exit %d", yun_job_item_get_exit_code (item))
            : g_strdup ("");

      printf ("== %s  %s  %s  %s %s\n", yun_job_item_get_instance_id (item),
              yun_job_item_get_name (item) != NULL ? yun_job_item_get_name (item) : "",
              yun_job_outcome_to_string (yun_job_item_get_outcome (item)), exit_code,
              yun_job_item_get_code (item) != NULL     ? yun_job_item_get_code (item)
              : yun_job_item_get_reason (item) != NULL ? yun_job_item_get_reason (item)
                                                       : "");
      if (output != NULL && *output != '\0')
        printf ("%s%s", output, g_str_has_suffix (output, "\n") ? "" : "\n");
    }
  printf ("%s\n", yun_job_get_summary (job));
}

gboolean
yunctl_command_run_command (YunctlContext *context, GError **error)
{
  g_autoptr (YunJobSpec) spec = yun_job_spec_new (YUN_JOB_KIND_RUN_COMMAND);
  g_autoptr (YunJobEngine) engine = NULL;
  g_autoptr (GBytes) script = NULL;
  YunJob *job;

  if (context->read_only)
    {
      g_set_error (error, YUN_ERROR, YUN_ERROR_INVALID_STATE,
                   "Profile “%s” is read-only: run-command is refused", context->account);
      return FALSE;
    }
  script = read_command (context, error);
  if (script == NULL
      || !yun_job_spec_set_command (
        spec, script, context->command_timeout > 0 ? (guint) context->command_timeout : 0, error)
      || !add_selection (context, spec, error))
    return FALSE;
  if (yun_job_spec_get_n_instances (spec) == 0)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "the selection holds no instance");
      return FALSE;
    }

  yun_job_spec_set_command_name (spec, context->options->command_name);
  yun_job_spec_set_command_secret (spec, context->options->command_secret);
  yun_job_spec_set_command_os_options (spec, YUN_OS_FAMILY_LINUX, context->options->user,
                                       context->options->workdir);
  yun_job_spec_set_command_os_options (
    spec, YUN_OS_FAMILY_WINDOWS,
    context->options->windows_user != NULL ? context->options->windows_user
                                           : context->options->user,
    context->options->windows_workdir != NULL ? context->options->windows_workdir
                                              : context->options->workdir);
  yun_job_spec_set_dry_run (spec, context->options->dry_run);
  if (context->options->wait_timeout > 0)
    yun_job_spec_set_timeout (spec, (guint) context->options->wait_timeout);

  engine = create_engine (context, context->options->command_secret);
  job = submit_job (engine, spec, error);
  if (job == NULL)
    return FALSE;
  if (!context->options->json && !context->options->dry_run)
    fprintf (stderr, "yunctl: job %" G_GINT64_FORMAT ": run-command on %u instances\n",
             yun_job_get_id (job), yun_job_get_n_items (job));
  wait_for_job (context, job);

  /* Exit status 0 only when every task succeeded: a skipped instance did not run it. */
  context->exit_status
    = yun_job_get_n_outcome (job, YUN_JOB_OUTCOME_SUCCEEDED) == yun_job_get_n_items (job) ? 0 : 1;
  if (context->options->json || context->options->dry_run)
    report_job (context, job);
  else
    print_command_results (job);
  return TRUE;
}

gboolean
yunctl_command_commands (YunctlContext *context, GError **error)
{
  g_autoptr (YunJobEngine) engine = create_engine (context, FALSE);
  g_autoptr (GPtrArray) commands = yun_job_engine_dup_recent_commands (engine, 50, error);
  json_object *list;

  if (commands == NULL)
    return FALSE;
  list = json_object_new_array ();
  for (guint i = 0; i < commands->len; i++)
    {
      GBytes *script = yun_job_spec_get_command (commands->pdata[i]);
      const char *name = yun_job_spec_get_command_name (commands->pdata[i]);
      gsize length = 0;
      const char *text = g_bytes_get_data (script, &length);
      g_autofree char *content = g_strndup (text, length);
      json_object *command = json_object_new_object ();

      if (!context->options->json)
        printf ("%2u  %s%s%.*s\n", i + 1, name != NULL ? name : "", name != NULL ? ": " : "",
                (int) strcspn (content, "\n"), content);
      json_object_object_add (command, "name", name != NULL ? json_object_new_string (name) : NULL);
      json_object_object_add (command, "command", json_object_new_string (content));
      json_object_array_add (list, command);
    }
  if (context->options->json)
    yunctl_print_json_object (list);
  json_object_put (list);
  return TRUE;
}

static gboolean
mark_protected (YunctlContext *context, gboolean protect, GError **error)
{
  if (context->args == NULL || context->args[0] == NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "name the instance IDs");
      return FALSE;
    }
  for (guint i = 0; context->args[i] != NULL; i++)
    if (!yun_cache_set_protected (context->cache, context->account, context->args[i], protect,
                                  error))
      return FALSE;
  return TRUE;
}

gboolean
yunctl_command_protect (YunctlContext *context, GError **error)
{
  g_autoptr (GPtrArray) protected_ids = NULL;

  if (context->args != NULL && context->args[0] != NULL)
    return mark_protected (context, TRUE, error);

  protected_ids = yun_cache_dup_protected (context->cache, context->account, error);
  if (protected_ids == NULL)
    return FALSE;
  if (context->options->json)
    {
      json_object *list = json_object_new_array ();

      for (guint i = 0; i < protected_ids->len; i++)
        json_object_array_add (list, json_object_new_string (protected_ids->pdata[i]));
      yunctl_print_json_object (list);
      json_object_put (list);
    }
  else
    for (guint i = 0; i < protected_ids->len; i++)
      puts (protected_ids->pdata[i]);
  return TRUE;
}

gboolean
yunctl_command_unprotect (YunctlContext *context, GError **error)
{
  return mark_protected (context, FALSE, error);
}

/* ---- SSH ---- */

/* The SSH settings that apply: the profile's (the defaults without one), under --user,
 * --windows-user and --ssh-port. A profile of this run only, never saved. */
static YunProfile *
dup_ssh_profile (YunctlContext *context, GError **error)
{
  const YunctlOptions *options = context->options;
  YunProfile *login = yun_profile_new ("ssh");

  if (options->ssh_port < 0 || options->ssh_port > 65535)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--ssh-port %d is not a port number", options->ssh_port);
      g_object_unref (login);
      return NULL;
    }
  if (context->profile != NULL)
    {
      yun_profile_set_ssh_port (login, yun_profile_get_ssh_port (context->profile));
      for (YunOsFamily os = YUN_OS_FAMILY_LINUX; os <= YUN_OS_FAMILY_WINDOWS; os++)
        yun_profile_set_ssh_user (login, os, yun_profile_get_ssh_user (context->profile, os));
    }
  if (options->ssh_port > 0)
    yun_profile_set_ssh_port (login, (guint) options->ssh_port);
  if (options->user != NULL)
    yun_profile_set_ssh_user (login, YUN_OS_FAMILY_LINUX, options->user);
  if (options->windows_user != NULL || options->user != NULL)
    yun_profile_set_ssh_user (login, YUN_OS_FAMILY_WINDOWS,
                              options->windows_user != NULL ? options->windows_user
                                                            : options->user);
  return login;
}

/* Login, host keys, and the password if one is given (from a file or standard input only). */
static gboolean
set_ssh_login (YunctlContext *context, YunJobSpec *spec, GError **error)
{
  const YunctlOptions *options = context->options;
  g_autoptr (YunProfile) login = dup_ssh_profile (context, error);
  g_autoptr (YunSecret) password = NULL;

  if (login == NULL)
    return FALSE;
  if (options->password_file != NULL || options->password_stdin)
    {
      password = read_password (context, error);
      if (password == NULL)
        return FALSE;
    }
  yun_job_spec_set_ssh_login (spec, yun_profile_get_ssh_user (login, YUN_OS_FAMILY_LINUX),
                              yun_profile_get_ssh_user (login, YUN_OS_FAMILY_WINDOWS),
                              yun_profile_get_ssh_port (login), password);
  yun_job_spec_set_ssh_host_keys (spec, options->known_hosts, options->accept_new_host_keys);
  return TRUE;
}

/* Submits an ssh-exec or sftp-upload job over the selection and reports it as run-command
 * does: exit status 0 only when every instance succeeded. */
static gboolean
run_ssh_job (YunctlContext *context, YunJobSpec *spec, GError **error)
{
  const YunctlOptions *options = context->options;
  g_autoptr (YunJobEngine) engine = NULL;
  YunJob *job;

  if (!add_selection (context, spec, error))
    return FALSE;
  if (yun_job_spec_get_n_instances (spec) == 0)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "the selection holds no instance");
      return FALSE;
    }
  if (!set_ssh_login (context, spec, error))
    return FALSE;
  yun_job_spec_set_dry_run (spec, options->dry_run);
  if (options->wait_timeout > 0)
    yun_job_spec_set_timeout (spec, (guint) options->wait_timeout);

  /* The password waits in the keyring while the job runs, as a reset-password job's does. */
  engine = create_engine (context, TRUE);
  job = submit_job (engine, spec, error);
  if (job == NULL)
    return FALSE;
  if (!options->json && !options->dry_run)
    fprintf (stderr, "yunctl: job %" G_GINT64_FORMAT ": %s on %u instances\n", yun_job_get_id (job),
             yun_job_kind_to_string (yun_job_spec_get_kind (spec)), yun_job_get_n_items (job));
  wait_for_job (context, job);

  context->exit_status
    = yun_job_get_n_outcome (job, YUN_JOB_OUTCOME_SUCCEEDED) == yun_job_get_n_items (job) ? 0 : 1;
  if (options->json || options->dry_run)
    report_job (context, job);
  else
    print_command_results (job);
  return TRUE;
}

static gboolean
refuse_read_only (YunctlContext *context, const char *command, GError **error)
{
  if (!context->read_only)
    return FALSE;
  g_set_error (error, YUN_ERROR, YUN_ERROR_INVALID_STATE,
               "Profile “%s” is read-only: %s is refused", context->account, command);
  return TRUE;
}

gboolean
yunctl_command_ssh_exec (YunctlContext *context, GError **error)
{
  g_autoptr (YunJobSpec) spec = yun_job_spec_new (YUN_JOB_KIND_SSH_EXEC);
  g_autoptr (GBytes) script = NULL;

  if (refuse_read_only (context, "ssh-exec", error))
    return FALSE;
  script = read_command (context, error);
  if (script == NULL
      || !yun_job_spec_set_command (
        spec, script, context->command_timeout > 0 ? (guint) context->command_timeout : 0, error))
    return FALSE;
  return run_ssh_job (context, spec, error);
}

gboolean
yunctl_command_sftp_upload (YunctlContext *context, GError **error)
{
  const YunctlOptions *options = context->options;
  g_autoptr (YunJobSpec) spec = yun_job_spec_new (YUN_JOB_KIND_SFTP_UPLOAD);
  guint64 mode = 0;

  if (refuse_read_only (context, "sftp-upload", error))
    return FALSE;
  if (options->local_path == NULL || options->remote_path == NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "sftp-upload needs --local F and --remote PATH");
      return FALSE;
    }
  if (options->mode != NULL
      && !g_ascii_string_to_unsigned (options->mode, 8, 0, 07777, &mode, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--mode %s is not an octal mode such as 0644", options->mode);
      return FALSE;
    }
  if (!yun_job_spec_set_upload (spec, options->local_path, options->remote_path,
                                options->mode != NULL ? (int) mode : -1, error))
    return FALSE;
  return run_ssh_job (context, spec, error);
}

gboolean
yunctl_command_ssh_command (YunctlContext *context, GError **error)
{
  g_autoptr (YunInventory) cached = NULL;
  g_autoptr (YunProfile) login = NULL;
  g_autoptr (GPtrArray) instances = NULL;
  g_autofree char *command = NULL;
  const char *ids[2] = { NULL, NULL };
  const char *region = context->region;
  YunInstance *instance;

  if (context->args == NULL || context->args[0] == NULL || context->args[1] != NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "ssh-command takes one instance ID");
      return FALSE;
    }
  login = dup_ssh_profile (context, error);
  if (login == NULL)
    return FALSE;

  /* Its region from the cache, else --region. */
  ids[0] = context->args[0];
  cached = yun_inventory_new (context->cache, context->account);
  if (yun_inventory_load (cached, NULL, NULL)
      && (instance = yun_inventory_lookup (cached, ids[0])) != NULL)
    region = yun_instance_get_region (instance);
  instances = yun_client_describe_instances_by_ids (context->client, region, ids, NULL, error);
  if (instances == NULL)
    return FALSE;
  if (instances->len == 0)
    {
      g_set_error (error, YUN_ERROR, YUN_ERROR_NOT_FOUND, "No instance %s in %s", ids[0], region);
      return FALSE;
    }

  command = yun_ssh_dup_command_for_instance (instances->pdata[0], login, error);
  if (command == NULL)
    return FALSE;
  if (context->options->json)
    {
      json_object *object = json_object_new_object ();

      json_object_object_add (object, "instance_id", json_object_new_string (ids[0]));
      json_object_object_add (object, "command", json_object_new_string (command));
      yunctl_print_json_object (object);
      json_object_put (object);
    }
  else
    printf ("%s\n", command);
  return TRUE;
}
