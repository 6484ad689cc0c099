/* bench-gui.c: how fast the window shows, filters and stays responsive with 10,000 instances
 *
 * SPDX-License-Identifier: MIT
 *
 * Needs a display; run it as
 *   xvfb-run -a -s "-screen 0 1400x900x24" dbus-run-session -- _build/bench/bench-gui
 * It sets XDG_DATA_HOME and XDG_CONFIG_HOME to a temporary folder, and GSETTINGS_BACKEND
 * (memory) and GSETTINGS_SCHEMA_DIR (the build's data folder) unless they are set.
 *
 * Phase 1, in this process: a demo workspace of 10,000 instances syncs once, which fills
 * the cache file of the temporary XDG_DATA_HOME.
 * Phase 2: this program is executed again with --first-frame, once to warm up (the
 * session's accessibility bus starts, the libraries are read), then 5 times. The parent passes
 * g_get_monotonic_time() (CLOCK_MONOTONIC, system-wide) taken just before the spawn; the
 * child does what the application does on `yundesk --demo`: a demo workspace of 10,000
 * instances over the same cache before GTK starts (its simulator starts in process, which
 * counts; it starts reading the cache; the application makes it in its startup, after its
 * registration on the session bus), an AdwApplication, the window presented, the workspace
 * set; and stops
 * at the frame clock's "after-paint" that follows yun_instance_view_get_n_visible() ==
 * 10,000.
 *   1. exec to that first frame: the median of 5 runs, with its parts; and exec to the
 *      frame after which the list has given GTK every row (it builds them over a few
 *      frames, a screenful first).
 *   2. VmRSS and VmHWM of the child then.
 * The last child goes on (--interactive), once the sync the window starts is over:
 *   3. search texts typed one character at a time, 150 ms apart (a round of them 1.5 s
 *      after the last, and one keystroke 1.5 s after the one before: breaks in typing),
 *      four rounds, the last over the list sorted by name (the sort is done in the break
 *      before it): the time of yun_instance_view_set_search_text() plus until the next
 *      after-paint; and of that, the work: set_search_text() and the frame from its
 *      "before-paint" on, without the wait for the frame clock's next frame (at most a
 *      refresh interval, when a frame was drawn just before). The longest main-loop stall,
 *      as in 4., while typing and until the list has caught up after it.
 *   4. a 5 ms G_PRIORITY_HIGH timeout records how late each firing is (the gap to the
 *      previous one minus 5 ms) during a full sync of the 10,000 instances and during a
 *      stop job of 1,000 RUNNING instances, the list on screen.
 *
 * Prints figures and whether each meets the target of the issue; never fails on a time.
 */

#define G_LOG_DOMAIN "bench-gui"

#include "config.h"

#include <adwaita.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench-common.h"
#include "yun-application.h"
#include "yun-instance-view.h"
#include "yun-window.h"
#include "yun-workspace.h"
#include "yundesk-resources.h"

#define APPLICATION_ID "io.github.yundesk.YunDesk"
#define N_INSTANCES 10000
#define N_RUNS 5
#define N_JOB_INSTANCES 1000
#define STALL_INTERVAL_MS 5
#define KEYSTROKE_PAUSE_MS 150
/* A pause in typing longer than the instance list waits before it lets rows go. */
#define TYPING_BREAK_MS 1500
/* The last round over the list sorted by name, as many people keep it. */
#define N_KEYSTROKE_ROUNDS 4
#define EXEC_TIME_ENV "BENCH_GUI_EXEC_US"

#define TARGET_FIRST_FRAME_MS 400.0
#define TARGET_RSS_MB 150.0
#define TARGET_KEYSTROKE_MS 16.0
#define TARGET_STALL_MS 50.0

/* The lines a child prints for its parent start with this, then a key and a number. */
#define RESULT_PREFIX "="

/* ---- Helpers ---- */

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double left = *(const double *) a;
  double right = *(const double *) b;

  return (left > right) - (left < right);
}

/* @fraction of the values at or below it, nearest rank; 0 for none. */
static double
percentile (const double *values, guint n, double fraction)
{
  g_autofree double *sorted = NULL;
  guint rank;

  if (n == 0)
    return 0;
  sorted = g_memdup2 (values, n * sizeof (double));
  qsort (sorted, n, sizeof (double), compare_doubles);
  rank = (guint) (fraction * n + 0.999999);
  return sorted[CLAMP (rank, 1, n) - 1];
}

static double
median (const double *values, guint n)
{
  g_autofree double *sorted = NULL;

  if (n == 0)
    return 0;
  sorted = g_memdup2 (values, n * sizeof (double));
  qsort (sorted, n, sizeof (double), compare_doubles);
  return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

static double
maximum (const double *values, guint n)
{
  double max = 0;

  for (guint i = 0; i < n; i++)
    max = MAX (max, values[i]);
  return max;
}

static double
ms_between (gint64 start_us, gint64 end_us)
{
  return (double) (end_us - start_us) / 1000.0;
}

static const char *
verdict (double value, double target)
{
  return value >= 0 && value < target ? "PASS" : "OVER";
}

/* A line of /proc/self/status such as "VmRSS:", in MB; -1 when it cannot be read. */
static double
proc_status_mb (const char *field)
{
  g_autofree char *contents = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &contents, NULL, NULL))
    return -1;
  line = strstr (contents, field);
  return line != NULL ? strtol (line + strlen (field), NULL, 10) / 1024.0 : -1;
}

static void
print_result (const char *key, double value)
{
  printf (RESULT_PREFIX "%s %.3f\n", key, value);
  fflush (stdout);
}

/* ---- Main-loop stalls ---- */

typedef struct
{
  GSource *source;
  gint64 last_us;
  GArray *lateness_ms;
} StallMonitor;

static gboolean
on_stall_tick (gpointer user_data)
{
  StallMonitor *monitor = user_data;
  gint64 now = g_get_monotonic_time ();

  g_array_append_val (monitor->lateness_ms,
                      (double){ ms_between (monitor->last_us, now) - STALL_INTERVAL_MS });
  monitor->last_us = now;
  return G_SOURCE_CONTINUE;
}

static void
stall_monitor_start (StallMonitor *monitor)
{
  monitor->lateness_ms = g_array_new (FALSE, FALSE, sizeof (double));
  monitor->last_us = g_get_monotonic_time ();
  monitor->source = g_timeout_source_new (STALL_INTERVAL_MS);
  g_source_set_priority (monitor->source, G_PRIORITY_HIGH);
  g_source_set_callback (monitor->source, on_stall_tick, monitor, NULL);
  g_source_attach (monitor->source, NULL);
}

/* Stops @monitor and prints its figures under @key. */
static void
stall_monitor_stop (StallMonitor *monitor, const char *key, const char *what, double seconds)
{
  const double *values = (const double *) monitor->lateness_ms->data;
  guint n = monitor->lateness_ms->len;
  g_autofree char *max_key = g_strconcat (key, "_max_ms", NULL);
  g_autofree char *p99_key = g_strconcat (key, "_p99_ms", NULL);

  g_source_destroy (monitor->source);
  g_clear_pointer (&monitor->source, g_source_unref);
  printf ("  %s: %.2f s, %u firings; lateness max %.1f ms, 99th percentile %.1f ms, "
          "median %.1f ms\n",
          what, seconds, n, maximum (values, n), percentile (values, n, 0.99), median (values, n));
  print_result (max_key, maximum (values, n));
  print_result (p99_key, percentile (values, n, 0.99));
  g_clear_pointer (&monitor->lateness_ms, g_array_unref);
}

/* ---- The child: first frame, then the interactive figures ---- */

typedef enum
{
  STAGE_FIRST_FRAME,
  STAGE_INITIAL_SYNC,
  STAGE_KEYSTROKES,
  STAGE_SYNC,
  STAGE_JOB,
  STAGE_DONE,
} Stage;

/* What the user types, one keystroke each: narrowing, no match, a break to read that, a
 * backspace, cleared. */
static const struct
{
  const char *text;
  guint pause_before_ms;
} keystrokes[] = {
  { "w", KEYSTROKE_PAUSE_MS },       { "we", KEYSTROKE_PAUSE_MS },
  { "web", KEYSTROKE_PAUSE_MS },     { "web-", KEYSTROKE_PAUSE_MS },
  { "web-g", KEYSTROKE_PAUSE_MS },   { "web-gu", KEYSTROKE_PAUSE_MS },
  { "web-gua", KEYSTROKE_PAUSE_MS }, { "web-guaz", KEYSTROKE_PAUSE_MS },
  { "web-gua", TYPING_BREAK_MS },    { "", KEYSTROKE_PAUSE_MS },
};
#define N_KEYSTROKES (G_N_ELEMENTS (keystrokes) * N_KEYSTROKE_ROUNDS)

typedef struct
{
  GApplication *application;
  gboolean interactive;
  Stage stage;

  gint64 exec_us;
  gint64 main_us;
  gint64 activate_us;
  gint64 presented_us;
  double rss_before_demo_mb;
  double rss_after_demo_mb;
  gint64 demo_started_us;
  gint64 set_us;
  gint64 first_frame_us; /* 0 until the first frame with every instance counted */

  GSettings *settings;
  YunCache *cache;
  YunSecretStore *secrets;
  YunWorkspace *workspace;
  YunWindow *window;
  YunInstanceView *view;
  GdkFrameClock *frame_clock;

  StallMonitor monitor;
  gint64 phase_start_us;

  /* Keystrokes */
  guint keystroke;
  gboolean awaiting_paint;
  gint64 keystroke_start_us;
  gint64 frame_start_us; /* the "before-paint" of the frame that shows the keystroke */
  double set_ms[N_KEYSTROKES];
  /* The main thread's CPU time in set_search_text: what a busy machine does not inflate. */
  double set_cpu_ms[N_KEYSTROKES];
  double frame_ms[N_KEYSTROKES];
  double work_ms[N_KEYSTROKES]; /* set_search_text and the frame, not the wait for it */
  gint64 sort_start_us;         /* 0 but from a sort to its frame */
  double sort_ms;

  YunJob *job;
} Child;

static void next_keystroke (Child *child);
static void start_sync (Child *child);

static void
child_finish (Child *child)
{
  child->stage = STAGE_DONE;
  g_signal_handlers_disconnect_by_data (child->frame_clock, child);
  gtk_window_destroy (GTK_WINDOW (g_steal_pointer (&child->window)));
  g_application_quit (child->application);
}

static void
on_job_finished (YunJob *job, Child *child)
{
  g_autofree char *what = g_strdup_printf ("(b) stop job of %u instances (%u succeeded, %u failed)",
                                           yun_job_get_n_items (job),
                                           yun_job_get_n_outcome (job, YUN_JOB_OUTCOME_SUCCEEDED),
                                           yun_job_get_n_outcome (job, YUN_JOB_OUTCOME_FAILED));

  stall_monitor_stop (&child->monitor, "job_stall", what,
                      ms_between (child->phase_start_us, g_get_monotonic_time ()) / 1000.0);
  print_result ("job_instances", yun_job_get_n_items (job));
  child_finish (child);
}

static void
start_job (Child *child)
{
  GListModel *instances
    = yun_inventory_get_instances (yun_workspace_get_inventory (child->workspace));
  g_autoptr (YunJobSpec) spec = yun_job_spec_new (YUN_JOB_KIND_STOP);
  g_autoptr (GError) error = NULL;

  child->stage = STAGE_JOB;
  for (guint i = 0; i < g_list_model_get_n_items (instances)
                    && yun_job_spec_get_n_instances (spec) < N_JOB_INSTANCES;
       i++)
    {
      g_autoptr (YunInstance) instance = g_list_model_get_item (instances, i);

      if (g_strcmp0 (yun_instance_get_state (instance), "RUNNING") == 0)
        yun_job_spec_add_instance (spec, yun_instance_get_instance_id (instance),
                                   yun_instance_get_region (instance));
    }
  if (yun_job_spec_get_n_instances (spec) < N_JOB_INSTANCES)
    printf ("  only %u RUNNING instances for the stop job\n", yun_job_spec_get_n_instances (spec));

  stall_monitor_start (&child->monitor);
  child->phase_start_us = g_get_monotonic_time ();
  child->job
    = yun_job_engine_submit (yun_workspace_get_job_engine (child->workspace), spec, &error);
  if (child->job != NULL)
    g_object_ref (child->job);
  else
    {
      printf ("  the stop job could not be submitted: %s\n", error->message);
      stall_monitor_stop (&child->monitor, "job_stall", "(b) stop job (not submitted)", 0);
      child_finish (child);
      return;
    }
  g_signal_connect (child->job, "finished", G_CALLBACK (on_job_finished), child);
}

static void
on_sync_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Child *child = user_data;
  g_autoptr (GError) error = NULL;
  double seconds = ms_between (child->phase_start_us, g_get_monotonic_time ()) / 1000.0;

  if (!yun_inventory_refresh_finish (YUN_INVENTORY (source), result, &error))
    printf ("  the sync failed: %s\n", error->message);
  stall_monitor_stop (&child->monitor, "sync_stall", "(a) full sync, yun_inventory_refresh_async",
                      seconds);
  start_job (child);
}

static void
start_sync (Child *child)
{
  child->stage = STAGE_SYNC;
  printf ("4. Main-loop stalls: lateness of a %u ms G_PRIORITY_HIGH timeout, the list of %u "
          "on screen\n",
          STALL_INTERVAL_MS, yun_instance_view_get_n_visible (child->view));
  stall_monitor_start (&child->monitor);
  child->phase_start_us = g_get_monotonic_time ();
  yun_inventory_refresh_async (yun_workspace_get_inventory (child->workspace), NULL, NULL,
                               on_sync_done, child);
}

static void
print_keystrokes (Child *child)
{
  guint n = N_KEYSTROKES;

  print_result ("keystroke_median_ms", median (child->frame_ms, n));
  print_result ("keystroke_p90_ms", percentile (child->frame_ms, n, 0.9));
  print_result ("keystroke_max_ms", maximum (child->frame_ms, n));
  print_result ("keystroke_work_median_ms", median (child->work_ms, n));
  print_result ("keystroke_work_p90_ms", percentile (child->work_ms, n, 0.9));
  print_result ("keystroke_work_max_ms", maximum (child->work_ms, n));
  print_result ("keystroke_set_median_ms", median (child->set_ms, n));
  print_result ("keystroke_set_max_ms", maximum (child->set_ms, n));
  print_result ("keystroke_set_cpu_median_ms", median (child->set_cpu_ms, n));
  print_result ("keystroke_set_cpu_max_ms", maximum (child->set_cpu_ms, n));
}

/* The calling thread's CPU time, in ms. */
static double
thread_cpu_ms (void)
{
  struct timespec now;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);
  return (double) now.tv_sec * 1000.0 + (double) now.tv_nsec / 1e6;
}

static gboolean
type_keystroke (gpointer user_data)
{
  Child *child = user_data;

  double cpu_start = thread_cpu_ms ();

  child->keystroke_start_us = g_get_monotonic_time ();
  yun_instance_view_set_search_text (child->view,
                                     keystrokes[child->keystroke % G_N_ELEMENTS (keystrokes)].text);
  child->set_ms[child->keystroke] = ms_between (child->keystroke_start_us, g_get_monotonic_time ());
  child->set_cpu_ms[child->keystroke] = thread_cpu_ms () - cpu_start;
  /* A text that changes no row must still give a frame to wait for. */
  gtk_widget_queue_draw (GTK_WIDGET (yun_instance_view_get_column_view (child->view)));
  child->awaiting_paint = TRUE;
  return G_SOURCE_REMOVE;
}

/* After the last keystroke and a break: what the list did meanwhile (rows brought up to
 * date, blank rows let go) stalled the main loop no longer than this. */
static gboolean
end_keystrokes (gpointer user_data)
{
  Child *child = user_data;

  stall_monitor_stop (&child->monitor, "keystroke_stall",
                      "(a) typing, and the list catching up after it",
                      ms_between (child->phase_start_us, g_get_monotonic_time ()) / 1000.0);
  print_keystrokes (child);
  start_sync (child);
  return G_SOURCE_REMOVE;
}

static void
keystroke_painted (Child *child)
{
  guint i = child->keystroke;
  const char *text = keystrokes[i % G_N_ELEMENTS (keystrokes)].text;

  gint64 now = g_get_monotonic_time ();

  child->frame_ms[i] = ms_between (child->keystroke_start_us, now);
  child->work_ms[i] = child->set_ms[i] + ms_between (child->frame_start_us, now);
  child->awaiting_paint = FALSE;
  printf ("  %-10s %5u rows  set_search_text %5.2f ms (CPU %5.2f)  to after-paint %6.2f ms, "
          "work %6.2f ms\n",
          *text != '\0' ? text : "(cleared)", yun_instance_view_get_n_visible (child->view),
          child->set_ms[i], child->set_cpu_ms[i], child->frame_ms[i], child->work_ms[i]);
  child->keystroke++;
  if (child->keystroke < N_KEYSTROKES)
    next_keystroke (child);
  else
    g_timeout_add (TYPING_BREAK_MS, end_keystrokes, child);
}

/* The list sorted by its first sortable column, the name, as a click on its header does;
 * the sort's stall is not counted as typing's. */
static void
sort_by_name (Child *child)
{
  GtkColumnView *column_view = yun_instance_view_get_column_view (child->view);
  GListModel *columns = gtk_column_view_get_columns (column_view);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr (GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (gtk_column_view_column_get_sorter (column) == NULL)
        continue;
      child->sort_start_us = g_get_monotonic_time ();
      gtk_column_view_sort_by_column (column_view, column, GTK_SORT_ASCENDING);
      child->sort_ms = ms_between (child->sort_start_us, g_get_monotonic_time ());
      printf ("  sorted by %s: %.2f ms", gtk_column_view_column_get_title (column), child->sort_ms);
      return;
    }
  g_error ("no sortable column");
}

static void
sort_painted (Child *child)
{
  double frame_ms = ms_between (child->sort_start_us, g_get_monotonic_time ());

  printf (", to after-paint %.2f ms; a stall not counted as typing's\n", frame_ms);
  print_result ("sort_ms", child->sort_ms);
  print_result ("sort_frame_ms", frame_ms);
  child->sort_start_us = 0;
  child->monitor.last_us = g_get_monotonic_time ();
}

/* Each round of keystrokes after a break in typing. */
static void
next_keystroke (Child *child)
{
  guint i = child->keystroke % G_N_ELEMENTS (keystrokes);

  if (child->keystroke == N_KEYSTROKES - G_N_ELEMENTS (keystrokes))
    sort_by_name (child);

  g_timeout_add (i == 0 ? TYPING_BREAK_MS : keystrokes[i].pause_before_ms, type_keystroke, child);
}

static void
start_keystrokes (Child *child)
{
  child->stage = STAGE_KEYSTROKES;
  printf ("3. Filter keystrokes over %u rows, %u ms apart, or %u ms after a break in typing; "
          "%u rounds\n",
          yun_instance_view_get_n_visible (child->view), KEYSTROKE_PAUSE_MS, TYPING_BREAK_MS,
          N_KEYSTROKE_ROUNDS);
  child->phase_start_us = g_get_monotonic_time ();
  stall_monitor_start (&child->monitor);
  next_keystroke (child);
}

/* The sync the window starts once the cache is shown: the interactive figures wait for its
 * end; its stalls are printed too. */
static void
on_syncing_changed (YunInventory *inventory, GParamSpec *pspec, Child *child)
{
  if (child->stage != STAGE_INITIAL_SYNC || yun_inventory_get_syncing (inventory))
    return;
  printf ("The sync the window starts after the cache is shown, from the first frame on:\n");
  stall_monitor_stop (&child->monitor, "initial_sync_stall", "(a0) the window's own sync",
                      ms_between (child->phase_start_us, g_get_monotonic_time ()) / 1000.0);
  start_keystrokes (child);
}

/* @now: the frame after which every row is built, so the list scrolls to its end */
static void
first_frame_shown (Child *child, gint64 now)
{
  YunInventory *inventory = yun_workspace_get_inventory (child->workspace);
  gint64 first = child->first_frame_us;

  print_result ("exec_to_first_frame_ms", ms_between (child->exec_us, first));
  print_result ("exec_to_main_ms", ms_between (child->exec_us, child->main_us));
  print_result ("demo_workspace_ms", ms_between (child->main_us, child->demo_started_us));
  print_result ("workspace_to_activate_ms",
                ms_between (child->demo_started_us, child->activate_us));
  print_result ("window_presented_ms", ms_between (child->activate_us, child->presented_us));
  print_result ("set_to_first_frame_ms", ms_between (child->set_us, first));
  print_result ("exec_to_all_rows_ms", ms_between (child->exec_us, now));
  print_result ("vm_rss_mb", proc_status_mb ("VmRSS:"));
  print_result ("vm_hwm_mb", proc_status_mb ("VmHWM:"));
  print_result ("demo_rss_mb", child->rss_after_demo_mb - child->rss_before_demo_mb);
  if (!child->interactive)
    {
      child_finish (child);
      return;
    }

  child->stage = STAGE_INITIAL_SYNC;
  child->phase_start_us = now;
  stall_monitor_start (&child->monitor);
  g_signal_connect (inventory, "notify::syncing", G_CALLBACK (on_syncing_changed), child);
  on_syncing_changed (inventory, NULL, child);
}

static void
on_before_paint (GdkFrameClock *clock, Child *child)
{
  child->frame_start_us = g_get_monotonic_time ();
}

static void
on_after_paint (GdkFrameClock *clock, Child *child)
{
  gint64 now = g_get_monotonic_time ();

  if (child->stage == STAGE_FIRST_FRAME && child->workspace != NULL
      && yun_instance_view_get_n_visible (child->view) == N_INSTANCES)
    {
      GListModel *rows = G_LIST_MODEL (
        gtk_column_view_get_model (yun_instance_view_get_column_view (child->view)));

      if (child->first_frame_us == 0)
        child->first_frame_us = now;
      /* The list gives GTK its rows over a few frames: wait until all are there. */
      if (g_list_model_get_n_items (rows) == N_INSTANCES)
        first_frame_shown (child, now);
    }
  else if (child->stage == STAGE_KEYSTROKES && child->sort_start_us != 0)
    sort_painted (child);
  else if (child->stage == STAGE_KEYSTROKES && child->awaiting_paint)
    keystroke_painted (child);
}

/* As the application: the workspace before GTK starts, which reads the cache meanwhile. */
static void
make_demo_workspace (Child *child)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = yun_cache_dup_default_path ();

  child->cache = yun_cache_open (path, &error);
  if (child->cache == NULL)
    g_error ("%s", error->message);
  child->secrets = yun_secret_store_new_in_memory ();
  child->rss_before_demo_mb = proc_status_mb ("VmRSS:");
  child->workspace = yun_workspace_new_demo (child->cache, child->secrets, N_INSTANCES, &error);
  if (child->workspace == NULL)
    g_error ("%s", error->message);
  child->demo_started_us = g_get_monotonic_time ();
  child->rss_after_demo_mb = proc_status_mb ("VmRSS:");
}

static void
on_activate (GApplication *application, Child *child)
{

  child->activate_us = g_get_monotonic_time ();
  child->settings = g_settings_new (APPLICATION_ID);
  child->window = yun_window_new (GTK_APPLICATION (application), child->settings);
  child->view = yun_window_get_instance_view (child->window);
  gtk_window_present (GTK_WINDOW (child->window));
  child->presented_us = g_get_monotonic_time ();
  child->frame_clock = gtk_widget_get_frame_clock (GTK_WIDGET (child->window));
  if (child->frame_clock == NULL)
    g_error ("the window has no frame clock: is there a display?");
  g_signal_connect (child->frame_clock, "before-paint", G_CALLBACK (on_before_paint), child);
  g_signal_connect (child->frame_clock, "after-paint", G_CALLBACK (on_after_paint), child);
  yun_window_set_workspace (child->window, child->workspace);
  child->set_us = g_get_monotonic_time ();
}

static int
run_child (int argc, char **argv, gint64 main_us)
{
  g_autoptr (AdwApplication) application = NULL;
  const char *exec_time = g_getenv (EXEC_TIME_ENV);
  Child child = { .main_us = main_us, .stage = STAGE_FIRST_FRAME };
  int status;

  child.exec_us = exec_time != NULL ? g_ascii_strtoll (exec_time, NULL, 10) : main_us;
  child.interactive = argc > 2 && g_str_equal (argv[2], "--interactive");

  yun_application_choose_renderer ();
  yun_init ();
  yundesk_register_resource ();
  make_demo_workspace (&child);
  application = adw_application_new (APPLICATION_ID ".BenchGui", G_APPLICATION_NON_UNIQUE);
  g_application_set_resource_base_path (G_APPLICATION (application), "/io/github/yundesk/YunDesk");
  child.application = G_APPLICATION (application);
  g_signal_connect (application, "activate", G_CALLBACK (on_activate), &child);
  status = g_application_run (G_APPLICATION (application), 1, argv);

  if (child.workspace != NULL)
    g_signal_handlers_disconnect_by_data (yun_workspace_get_inventory (child.workspace), &child);
  if (child.job != NULL)
    g_signal_handlers_disconnect_by_data (child.job, &child);
  g_clear_object (&child.job);
  if (child.window != NULL)
    gtk_window_destroy (GTK_WINDOW (child.window));
  g_clear_object (&child.workspace);
  g_clear_object (&child.secrets);
  g_clear_object (&child.cache);
  g_clear_object (&child.settings);
  if (child.stage != STAGE_DONE)
    {
      g_printerr ("bench-gui: the child ended before its figures\n");
      return EXIT_FAILURE;
    }
  return status;
}

/* ---- The parent ---- */

static void
on_fill_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GMainLoop *loop = user_data;
  g_autoptr (GError) error = NULL;

  if (!yun_inventory_refresh_finish (YUN_INVENTORY (source), result, &error))
    g_warning ("the sync that fills the cache failed: %s", error->message);
  g_main_loop_quit (loop);
}

/* Phase 1: the cache of the temporary XDG_DATA_HOME gets the demo fleet. */
static void
fill_cache (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = yun_cache_dup_default_path ();
  g_autoptr (YunCache) cache = yun_cache_open (path, &error);
  g_autoptr (YunSecretStore) secrets = yun_secret_store_new_in_memory ();
  g_autoptr (YunWorkspace) workspace = NULL;
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  YunInventory *inventory;
  gint64 start = g_get_monotonic_time ();

  if (cache == NULL)
    g_error ("%s", error->message);
  workspace = yun_workspace_new_demo (cache, secrets, N_INSTANCES, &error);
  if (workspace == NULL)
    g_error ("%s", error->message);
  inventory = yun_workspace_get_inventory (workspace);
  yun_inventory_refresh_async (inventory, NULL, NULL, on_fill_done, loop);
  g_main_loop_run (loop);
  printf ("Phase 1: a demo workspace synced %u instances into %s in %.2f s\n",
          g_list_model_get_n_items (yun_inventory_get_instances (inventory)), path,
          ms_between (start, g_get_monotonic_time ()) / 1000.0);
  if (g_list_model_get_n_items (yun_inventory_get_instances (inventory)) != N_INSTANCES)
    g_error ("the cache does not hold %u instances", N_INSTANCES);
}

/* Runs a child; returns its "=key value" lines, and appends its other lines to @text. */
static GHashTable *
run_first_frame (const char *self_path, gboolean interactive, GString *text)
{
  const char *argv[] = { self_path, "--first-frame", interactive ? "--interactive" : NULL, NULL };
  g_auto (GStrv) envp = g_get_environ ();
  g_autofree char *output = NULL;
  g_autofree char *exec_time = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) lines = NULL;
  GHashTable *results = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  int wait_status = 0;

  exec_time = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_monotonic_time ());
  envp = g_environ_setenv (envp, EXEC_TIME_ENV, exec_time, TRUE);
  if (!g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_DEFAULT, NULL, NULL, &output, NULL,
                     &wait_status, &error))
    g_error ("%s", error->message);
  if (!g_spawn_check_wait_status (wait_status, &error))
    printf ("  the child failed: %s\n", error->message);

  lines = g_strsplit (output, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char key[64];
      double value;

      if (g_str_has_prefix (lines[i], RESULT_PREFIX)
          && sscanf (lines[i] + strlen (RESULT_PREFIX), "%63s %lf", key, &value) == 2)
        g_hash_table_insert (results, g_strdup (key), g_memdup2 (&value, sizeof value));
      else if (*lines[i] != '\0')
        g_string_append_printf (text, "%s\n", lines[i]);
    }
  return results;
}

/* A figure of a child, -1 when it did not print it. */
static double
result (GHashTable *results, const char *key)
{
  double *value = g_hash_table_lookup (results, key);

  return value != NULL ? *value : -1;
}

static void
print_row (const char *figure, const char *target, double value, const char *unit, double limit)
{
  if (value < 0)
    printf ("  %-58s %10s %12s  %s\n", figure, target, "missing", "OVER");
  else if (limit > 0)
    printf ("  %-58s %10s %9.1f %-2s  %s\n", figure, target, value, unit, verdict (value, limit));
  else
    printf ("  %-58s %10s %9.1f %-2s\n", figure, target, value, unit);
}

/* Times on a machine busy with other work are longer than the program's own: say how busy. */
static void
print_load_average (void)
{
  g_autofree char *loadavg = NULL;

  if (g_file_get_contents ("/proc/loadavg", &loadavg, NULL, NULL))
    printf ("load average (1, 5, 15 min, then runnable/total tasks): %s", loadavg);
}

static int
run_parent (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bench-gui-XXXXXX", &error);
  g_autofree char *self_path = NULL;
  g_autofree char *config = NULL;
  g_autoptr (GHashTable) last = NULL;
  g_autoptr (GString) details = g_string_new (NULL);
  const char *keys[] = { "exec_to_first_frame_ms",
                         "exec_to_main_ms",
                         "demo_workspace_ms",
                         "workspace_to_activate_ms",
                         "window_presented_ms",
                         "set_to_first_frame_ms",
                         "vm_rss_mb",
                         "vm_hwm_mb",
                         "demo_rss_mb",
                         "exec_to_all_rows_ms" };
  double runs[G_N_ELEMENTS (keys)][N_RUNS];
  double medians[G_N_ELEMENTS (keys)];

  if (dir == NULL)
    g_error ("%s", error->message);
  self_path = g_file_read_link ("/proc/self/exe", &error);
  if (self_path == NULL)
    g_error ("%s", error->message);
  config = g_build_filename (dir, "config", NULL);
  /* Before anything asks GLib for the user folders. */
  g_setenv ("XDG_DATA_HOME", dir, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", FALSE);
  g_setenv ("GSETTINGS_SCHEMA_DIR", YUN_SCHEMA_DIR, FALSE);

  /* The children inherit it; printed, so that figures name what drew them. */
  yun_application_choose_renderer ();
  yun_init ();
  printf ("bench-gui on %u CPUs, %u instances, display %s\n", g_get_num_processors (), N_INSTANCES,
          g_getenv ("DISPLAY") != NULL ? g_getenv ("DISPLAY") : "(none)");
  print_load_average ();
  printf ("renderer: %s (GDK_DEBUG=%s)\n",
          g_getenv ("GSK_RENDERER") != NULL ? g_getenv ("GSK_RENDERER") : "GTK's default, OpenGL",
          g_getenv ("GDK_DEBUG") != NULL ? g_getenv ("GDK_DEBUG") : "");
  fill_cache ();

  /* The first window of a new D-Bus session starts its accessibility bus, which a desktop
   * session runs from login on; and the first execution reads the libraries from disk. */
  {
    g_autoptr (GString) ignored = g_string_new (NULL);
    g_autoptr (GHashTable) warm_up = run_first_frame (self_path, FALSE, ignored);

    printf ("\nWarm-up execution, not counted: exec to first frame %.1f ms\n",
            result (warm_up, "exec_to_first_frame_ms"));
  }
  printf ("\nPhase 2: %u executions of %s --first-frame (exec → first frame with %u rows)\n",
          N_RUNS, self_path, N_INSTANCES);
  printf ("  %3s %9s %9s %9s %9s %9s %9s %9s %9s %9s %9s\n", "run", "total", "to main", "demo ws",
          "to activ.", "window", "set→frame", "VmRSS", "VmHWM", "demo RSS", "all rows");
  for (guint run = 0; run < N_RUNS; run++)
    {
      gboolean interactive = run == N_RUNS - 1;
      g_autoptr (GHashTable) results = run_first_frame (self_path, interactive, details);

      for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
        runs[k][run] = result (results, keys[k]);
      printf ("  %3u", run + 1);
      for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
        printf (" %9.1f", runs[k][run]);
      printf ("\n");
      if (interactive)
        last = g_steal_pointer (&results);
    }
  for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
    medians[k] = median (runs[k], N_RUNS);
  printf ("  (ms, then MB. total = to main + demo ws + to activate + window + set→frame:\n"
          "   the process start (exec, dynamic linking); the demo's simulator of %u instances\n"
          "   started (demo RSS: VmRSS it added) and its workspace made, which starts reading\n"
          "   the cache on a worker; GTK, libadwaita and the application's registration on\n"
          "   the session bus; the window built and presented; the cached list shown and\n"
          "   drawn. The first frame shows every instance\n"
          "   counted and a screenful of rows; all rows: exec to the frame after which GTK\n"
          "   has every row, the list scrolling to its end, a few frames later. Memory is\n"
          "   read then)\n",
          N_INSTANCES);

  printf ("\nThe last execution went on (--interactive):\n%s", details->str);

  printf ("\n== Summary (%u instances) ==\n", N_INSTANCES);
  printf ("  %-58s %10s %12s\n", "figure", "target", "measured");
  print_row ("1. exec to first frame, median of 5", "< 400 ms", medians[0], "ms",
             TARGET_FIRST_FRAME_MS);
  print_row ("   of which exec to main (process start, linking)", "", medians[1], "ms", 0);
  print_row ("   of which the demo workspace (simulator start)", "", medians[2], "ms", 0);
  print_row ("   of which to activate (GTK, adw, D-Bus)", "", medians[3], "ms", 0);
  print_row ("   of which the window built and presented", "", medians[4], "ms", 0);
  print_row ("   of which workspace set to first frame", "", medians[5], "ms", 0);
  print_row ("   exec to every row built (scrolls to the end), median", "", medians[9], "ms", 0);
  print_row ("2. VmRSS with every row built, median of 5", "< 150 MB", medians[6], "MB",
             TARGET_RSS_MB);
  print_row ("   VmHWM with every row built, median of 5", "< 150 MB", medians[7], "MB",
             TARGET_RSS_MB);
  print_row ("   of which the demo's simulator of 10,000 (VmRSS it added)", "", medians[8], "MB",
             0);
  print_row ("3. filter keystroke to after-paint, median", "< 16 ms",
             result (last, "keystroke_median_ms"), "ms", TARGET_KEYSTROKE_MS);
  print_row ("   filter keystroke to after-paint, 90th percentile", "< 16 ms",
             result (last, "keystroke_p90_ms"), "ms", TARGET_KEYSTROKE_MS);
  print_row ("   filter keystroke to after-paint, max", "< 16 ms",
             result (last, "keystroke_max_ms"), "ms", TARGET_KEYSTROKE_MS);
  print_row ("   its work (set_search_text, the frame), median", "< 16 ms",
             result (last, "keystroke_work_median_ms"), "ms", TARGET_KEYSTROKE_MS);
  print_row ("   its work, 90th percentile", "< 16 ms", result (last, "keystroke_work_p90_ms"),
             "ms", TARGET_KEYSTROKE_MS);
  print_row ("   its work, max", "< 16 ms", result (last, "keystroke_work_max_ms"), "ms",
             TARGET_KEYSTROKE_MS);
  print_row ("   longest stall while typing and the list catches up", "",
             result (last, "keystroke_stall_max_ms"), "ms", 0);
  print_row ("   of which set_search_text, median", "", result (last, "keystroke_set_median_ms"),
             "ms", 0);
  print_row ("   of which set_search_text, main-thread CPU, median", "",
             result (last, "keystroke_set_cpu_median_ms"), "ms", 0);
  print_row ("   of which set_search_text, max", "", result (last, "keystroke_set_max_ms"), "ms",
             0);
  print_row ("   sort by name (a click on its header), the sort", "", result (last, "sort_ms"),
             "ms", 0);
  print_row ("   sort by name, to after-paint", "", result (last, "sort_frame_ms"), "ms", 0);
  print_row ("4a. longest stall during a full sync", "< 50 ms", result (last, "sync_stall_max_ms"),
             "ms", TARGET_STALL_MS);
  print_row ("    99th percentile during a full sync", "< 50 ms",
             result (last, "sync_stall_p99_ms"), "ms", TARGET_STALL_MS);
  print_row ("4b. longest stall during a stop job of 1,000", "< 50 ms",
             result (last, "job_stall_max_ms"), "ms", TARGET_STALL_MS);
  print_row ("    99th percentile during a stop job of 1,000", "< 50 ms",
             result (last, "job_stall_p99_ms"), "ms", TARGET_STALL_MS);
  print_row ("    (the window's own sync after the first frame, max)", "",
             result (last, "initial_sync_stall_max_ms"), "ms", 0);

  bench_remove_tree (dir);
  return 0;
}

int
main (int argc, char **argv)
{
  gint64 main_us = g_get_monotonic_time ();

  if (argc > 1 && g_str_equal (argv[1], "--first-frame"))
    return run_child (argc, argv, main_us);
  return run_parent ();
}
