/* yun-test-sim.h: a real yunsim process for integration tests
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <gio/gio.h>
#include <json-c/json.h>

G_BEGIN_DECLS

typedef struct _YunTestSim YunTestSim;

/* Spawns the yunsim built in this tree with "--port 0" and the given extra arguments
 * (NULL-terminated), waits for its "yunsim listening on http://HOST:PORT" line, and aborts
 * the test if it does not come within 10 s. */
YunTestSim *yun_test_sim_spawn (const char *first_arg, ...) G_GNUC_NULL_TERMINATED;
YunTestSim *yun_test_sim_spawnv (const char *const *args);
const char *yun_test_sim_get_url (YunTestSim *self);
/* The credentials the simulator accepts: YUN_TEST_SECRET_ID and YUN_TEST_SECRET_KEY from the
 * environment when set (the secret-leak check runs every test with distinctive ones), else
 * the demo credentials. */
const char *yun_test_sim_get_secret_id (YunTestSim *self);
const char *yun_test_sim_get_secret_key (YunTestSim *self);
/* Admin API (loopback only, under /_yunsim/): parsed JSON answer, transfer full. */
json_object *yun_test_sim_admin_get (YunTestSim *self, const char *path);
json_object *yun_test_sim_admin_post (YunTestSim *self, const char *path, const char *json_body);
/* The CA file the admin API trusts, for a yunsim serving HTTPS (--tls-cert). */
void yun_test_sim_set_ca_file (YunTestSim *self, const char *ca_file);
void yun_test_sim_free (YunTestSim *self);

/* The string member @name of @object, or NULL (for the admin API's answers). */
gint64 yun_test_sim_count_requests (YunTestSim *sim, const char *action);
const char *yun_test_json_string (json_object *object, const char *name);
/* Drops the reference at *@object_ptr and runs the main context until the object is
 * finalized (its last events are idle callbacks), at most 10 s. */
void yun_test_release (gpointer object_ptr);
/* Runs the default main context until @done (@data) holds; the test fails (naming @what)
 * after @seconds. */
void
yun_test_run_until (gboolean (*done) (gpointer), gpointer data, guint seconds, const char *what);
/* Removes the folder at @path and everything in it (a test's temporary files); a file that
 * disappears meanwhile (SQLite's -wal and -shm) is fine, anything else left is a failure. */
void yun_test_remove_tree (const char *path);

/* What tests/run-with-sshd.sh tells a test about its SSH server: the variable @name, which
 * must be set and not empty (the test fails otherwise, naming the script to run it with). */
const char *yun_test_sshd_env (const char *name);
/* The SHA256 fingerprint of the public key in @public_key_file, as `ssh-keygen -l` and
 * OpenSSH show it ("SHA256:…"). */
char *yun_test_dup_key_fingerprint (const char *public_key_file);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (YunTestSim, yun_test_sim_free)

/* g_subprocess_communicate_utf8(), with the check of the text done here on the bytes read:
 * GLib 2.74's names a nonsense offset for text that is not UTF-8 ("Invalid UTF-8 in child
 * stderr at offset 94406777219973"); this one says where the bad text is, and how much
 * there was. */
gboolean yun_test_communicate (
  GSubprocess *process, const char *input, char **out, char **err, GError **error);

/* What a subprocess printed, gathered by g_subprocess_communicate_async() with
 * yun_test_output_communicated() as callback; @done once it has ended. */
typedef struct
{
  gboolean done;
  char *out;
  char *err;
  GError *error;
} YunTestOutput;

void yun_test_output_communicated (GObject *source, GAsyncResult *result, gpointer output);
/* Kills @process unless it has ended, then waits for its output (asserting it was read)
 * and for its end. */
void yun_test_output_kill_and_wait (GSubprocess *process, YunTestOutput *output);

/* What a program run by a test printed, and how it ended. */
typedef struct
{
  int exit_status;
  char *out;
  char *err;
} YunTestRun;

void yun_test_run_clear (YunTestRun *run);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (YunTestRun, yun_test_run_clear)

G_END_DECLS
