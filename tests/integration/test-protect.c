/* test-protect.c: instances marked protected in YunDesk are refused by terminate and
 * reset-password jobs until the mark is removed
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "yun-core-private.h"
#include "yun-test-sim.h"

#define ACCOUNT "protect-test"
#define REGION "ap-guangzhou"

static void
job_finished (YunJob *job, gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

static YunJob *
run_job (YunJobEngine *engine, YunJobKind kind, GPtrArray *ids)
{
  g_autoptr (YunJobSpec) spec = yun_job_spec_new (kind);
  g_autoptr (GError) error = NULL;
  gboolean finished = FALSE;
  YunJob *job;

  for (guint i = 0; i < ids->len; i++)
    yun_job_spec_add_instance (spec, ids->pdata[i], REGION);
  if (kind == YUN_JOB_KIND_RESET_PASSWORD)
    yun_job_spec_set_password (spec, "Protect-Me_2026x", NULL);
  job = yun_job_engine_submit (engine, spec, &error);
  g_assert_no_error (error);
  g_signal_connect (job, "finished", G_CALLBACK (job_finished), &finished);
  while (!finished)
    g_main_context_iteration (NULL, TRUE);
  return job;
}

static YunJobItem *
item_for (YunJob *job, const char *instance_id)
{
  GListModel *items = yun_job_get_items (job);

  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr (YunJobItem) item = g_list_model_get_item (items, i);

      if (g_str_equal (yun_job_item_get_instance_id (item), instance_id))
        return item;
    }
  g_assert_not_reached ();
}

static void
test_protected (void)
{
  g_autoptr (YunTestSim) sim
    = yun_test_sim_spawn ("--regions", "1", "--instances", "20", "--transition-ms", "200", NULL);
  g_autoptr (YunCredentials) credentials = yun_credentials_new (
    yun_test_sim_get_secret_id (sim), yun_test_sim_get_secret_key (sim), NULL);
  g_autoptr (YunEndpoint) endpoint = NULL;
  g_autoptr (YunClient) client = NULL;
  g_autoptr (YunCache) cache = NULL;
  g_autoptr (YunJobEngine) engine = NULL;
  g_autoptr (GPtrArray) instances = NULL;
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) marked = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *directory = g_dir_make_tmp ("yun-protect-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (directory, "yundesk.db", NULL);
  YunJob *job;
  const char *guarded;

  endpoint = yun_endpoint_new_for_base_url (yun_test_sim_get_url (sim), &error);
  g_assert_no_error (error);
  client = yun_client_new (credentials, endpoint);
  cache = yun_cache_open (path, &error);
  g_assert_no_error (error);
  engine = yun_job_engine_new (cache, ACCOUNT, client);
  yun_job_engine_set_poll_interval (engine, 100);

  /* Three running postpaid instances without Tencent's own termination protection. */
  instances = yun_client_describe_instances_all (client, REGION, NULL, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < instances->len && ids->len < 3; i++)
    if (g_strcmp0 (yun_instance_get_state (instances->pdata[i]), "RUNNING") == 0
        && g_strcmp0 (yun_instance_get_charge_type (instances->pdata[i]), "POSTPAID_BY_HOUR") == 0
        && !yun_instance_get_disable_api_termination (instances->pdata[i]))
      g_ptr_array_add (ids, g_strdup (yun_instance_get_instance_id (instances->pdata[i])));
  g_assert_cmpuint (ids->len, ==, 3);
  guarded = ids->pdata[0];

  g_assert_true (yun_cache_set_protected (cache, ACCOUNT, guarded, TRUE, &error));
  g_assert_no_error (error);
  g_assert_false (yun_cache_set_protected (cache, ACCOUNT, "not-an-id", TRUE, &error));
  g_assert_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER);
  g_clear_error (&error);
  marked = yun_cache_dup_protected (cache, ACCOUNT, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (marked->len, ==, 1);
  g_assert_cmpstr (marked->pdata[0], ==, guarded);

  /* Reset and terminate leave it alone, with the reason; the others go on. */
  job = run_job (engine, YUN_JOB_KIND_RESET_PASSWORD, ids);
  g_assert_cmpint (yun_job_item_get_outcome (item_for (job, guarded)), ==, YUN_JOB_OUTCOME_SKIPPED);
  g_assert_nonnull (strstr (yun_job_item_get_reason (item_for (job, guarded)), "protected"));
  g_assert_cmpuint (yun_job_get_n_outcome (job, YUN_JOB_OUTCOME_SUCCEEDED), ==, 2);

  job = run_job (engine, YUN_JOB_KIND_TERMINATE, ids);
  g_assert_cmpint (yun_job_item_get_outcome (item_for (job, guarded)), ==, YUN_JOB_OUTCOME_SKIPPED);
  g_assert_cmpuint (yun_job_get_n_outcome (job, YUN_JOB_OUTCOME_SUCCEEDED), ==, 2);

  /* Other jobs are not concerned. */
  g_ptr_array_set_size (ids, 1);
  job = run_job (engine, YUN_JOB_KIND_STOP, ids);
  g_assert_cmpint (yun_job_item_get_outcome (item_for (job, guarded)), ==,
                   YUN_JOB_OUTCOME_SUCCEEDED);

  /* Without the mark, terminate proceeds. */
  g_assert_true (yun_cache_set_protected (cache, ACCOUNT, guarded, FALSE, &error));
  g_assert_no_error (error);
  job = run_job (engine, YUN_JOB_KIND_TERMINATE, ids);
  g_assert_cmpint (yun_job_item_get_outcome (item_for (job, guarded)), ==,
                   YUN_JOB_OUTCOME_SUCCEEDED);

  g_clear_object (&engine);
  g_clear_object (&cache);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *file = g_strconcat (path, (const char *[]){ "", "-wal", "-shm" }[i], NULL);
      g_unlink (file);
    }
  g_rmdir (directory);
}

int
main (int argc, char *argv[])
{
  yun_init ();
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/yun/jobs/protected", test_protected);
  return g_test_run ();
}
