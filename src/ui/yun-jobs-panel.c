/* yun-jobs-panel.c: the list of jobs, newest first, with their progress
 *
 * SPDX-License-Identifier: MIT
 *
 * The engine's job model is already newest first (new jobs are inserted at the top,
 * history is appended after them), so the list shows it as it is. Rows are bound to the
 * job's properties and follow it live; activating a row or its Details button opens a
 * YunJobView, one per job.
 */

#define G_LOG_DOMAIN "yun-jobs-panel"

#include "config.h"

#include "yun-jobs-panel.h"

#include <glib/gi18n.h>

#include "yun-job-view.h"

/* How many past jobs the journal gives the panel. */
#define HISTORY_LIMIT 50

struct _YunJobsPanel
{
  AdwBin parent_instance;

  /* Template widgets */
  GtkStack *stack;
  GtkListView *list_view;
  GtkNoSelection *selection;

  /* Owned */
  YunJobEngine *engine;
  GCancellable *loading; /* (nullable): while the engine's history is read */
  /* YunJob → its open YunJobView (borrowed: removed when the window goes) */
  GHashTable *views;
};

G_DEFINE_FINAL_TYPE (YunJobsPanel, yun_jobs_panel, ADW_TYPE_BIN)

enum
{
  JOB_RETRIED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- Row formatting ---- */

static char *
format_kind (gpointer unused, YunJobKind kind)
{
  return g_strdup (yun_job_kind_get_label (kind));
}

static char *
format_created (gpointer unused, YunJob *job)
{
  g_autoptr (GDateTime) created = NULL;
  g_autoptr (GDateTime) local = NULL;
  g_autoptr (GDateTime) now = NULL;

  if (job == NULL)
    return g_strdup ("");
  created = yun_job_get_created_at (job);
  if (created == NULL)
    return g_strdup ("");
  local = g_date_time_to_local (created);
  now = g_date_time_new_now_local ();
  /* Today's jobs by time alone. */
  if (g_date_time_get_year (local) == g_date_time_get_year (now)
      && g_date_time_get_day_of_year (local) == g_date_time_get_day_of_year (now))
    return g_date_time_format (local, "%H:%M:%S");
  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

static gboolean
invert_boolean (gpointer unused, gboolean value)
{
  return !value;
}

static gboolean
is_nonzero (gpointer unused, guint value)
{
  return value > 0;
}

static double
progress_fraction (gpointer unused, guint n_done, guint n_items)
{
  return n_items > 0 ? (double) n_done / n_items : 0.0;
}

/* While the job runs, how far it is; then how long it took, the counts being below.
 * @summary and @cancel_requested are there so that the binding follows them. */
static char *
format_summary (gpointer unused, YunJob *job, const char *summary, gboolean cancel_requested)
{
  g_autoptr (GDateTime) created = NULL;
  g_autoptr (GDateTime) finished = NULL;
  gint64 seconds;
  guint n_items;

  if (job == NULL)
    return g_strdup ("");
  if (!yun_job_get_finished (job) || yun_job_get_dry_run (job))
    return yun_job_view_dup_summary (job);
  created = yun_job_get_created_at (job);
  finished = yun_job_get_finished_at (job);
  n_items = yun_job_get_n_items (job);
  if (created == NULL || finished == NULL)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u instance", "%u instances", n_items),
                            n_items);
  seconds = MAX (0, g_date_time_difference (finished, created) / G_TIME_SPAN_SECOND);
  if (seconds < 60)
    /* Translators: a finished job: how many instances, and how many seconds it took */
    return g_strdup_printf (
      g_dngettext (GETTEXT_PACKAGE, "%u instance in %d s", "%u instances in %d s", n_items),
      n_items, (int) seconds);
  /* Translators: a finished job: how many instances, and how many minutes it took */
  return g_strdup_printf (
    g_dngettext (GETTEXT_PACKAGE, "%u instance in %d min", "%u instances in %d min", n_items),
    n_items, (int) (seconds / 60));
}

static char *
format_succeeded (gpointer unused, guint n)
{
  /* Translators: a count of instances, shown in green */
  return g_strdup_printf (_ ("✓ %u succeeded"), n);
}

static char *
format_failed (gpointer unused, guint n)
{
  /* Translators: a count of instances, shown in red */
  return g_strdup_printf (_ ("✗ %u failed"), n);
}

static char *
format_skipped (gpointer unused, guint n)
{
  /* Translators: a count of instances, shown in yellow */
  return g_strdup_printf (_ ("– %u skipped"), n);
}

/* ---- Rows' buttons ---- */

static YunJobsPanel *
panel_of_list_item (GtkListItem *list_item)
{
  GtkWidget *child = gtk_list_item_get_child (list_item);

  return child != NULL ? YUN_JOBS_PANEL (gtk_widget_get_ancestor (child, YUN_TYPE_JOBS_PANEL))
                       : NULL;
}

static void
on_cancel_clicked (GtkListItem *list_item, GtkButton *button)
{
  YunJob *job = gtk_list_item_get_item (list_item);

  if (job != NULL)
    yun_job_cancel (job);
}

static void
on_details_clicked (GtkListItem *list_item, GtkButton *button)
{
  YunJobsPanel *self = panel_of_list_item (list_item);
  YunJob *job = gtk_list_item_get_item (list_item);

  if (self != NULL && job != NULL)
    yun_jobs_panel_show_job (self, job);
}

static void
on_row_activated (YunJobsPanel *self, guint position)
{
  g_autoptr (YunJob) job = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  if (job != NULL)
    yun_jobs_panel_show_job (self, job);
}

static void
update_page (YunJobsPanel *self)
{
  gboolean empty = g_list_model_get_n_items (G_LIST_MODEL (self->selection)) == 0;

  gtk_stack_set_visible_child_name (self->stack, empty ? "empty" : "jobs");
}

/* A new job goes on top, and the list scrolls up to it: the user has just started it.
 * (GTK keeps the rows on screen where they are when rows come above them.) The journal's
 * past jobs come after the others. Connected after the list's own handler, which must know
 * of the new row first. */
static void
on_items_changed (YunJobsPanel *self, guint position, guint removed, guint added)
{
  update_page (self);
  if (position == 0 && added > 0)
    gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", 0);
}

/* ---- Job windows ---- */

static void
on_view_retried (YunJobView *view, YunJob *new_job, YunJobsPanel *self)
{
  GHashTableIter iter;
  gpointer key, value;

  /* The view now shows the new job: it is the one to raise for it. */
  g_hash_table_iter_init (&iter, self->views);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (value == view)
      {
        g_hash_table_iter_remove (&iter);
        break;
      }
  g_hash_table_insert (self->views, g_object_ref (new_job), view);
  g_signal_emit (self, signals[JOB_RETRIED], 0, new_job);
}

static void
on_view_destroy (YunJobView *view, YunJobsPanel *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->views);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (value == view)
      {
        g_hash_table_iter_remove (&iter);
        break;
      }
}

/* ---- GObject ---- */

static void
yun_jobs_panel_dispose (GObject *object)
{
  YunJobsPanel *self = YUN_JOBS_PANEL (object);

  if (self->views != NULL)
    {
      GHashTableIter iter;
      gpointer value;

      g_hash_table_iter_init (&iter, self->views);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        g_signal_handlers_disconnect_by_data (value, self);
      g_clear_pointer (&self->views, g_hash_table_unref);
    }
  /* The stack is both a template child and the bin's child: the bin lets go of it first,
   * or it would unparent it again after the template has. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), YUN_TYPE_JOBS_PANEL);
  g_cancellable_cancel (self->loading);
  g_clear_object (&self->loading);
  g_clear_object (&self->engine);

  G_OBJECT_CLASS (yun_jobs_panel_parent_class)->dispose (object);
}

static void
yun_jobs_panel_class_init (YunJobsPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = yun_jobs_panel_dispose;

  /**
   * YunJobsPanel::job-retried:
   * @new_job: the job that retries a job's failed instances
   *
   * A job window retried failed instances, so that the window can follow @new_job as it
   * follows the jobs it submits.
   */
  signals[JOB_RETRIED] = g_signal_new ("job-retried", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 1, YUN_TYPE_JOB);

  g_type_ensure (YUN_TYPE_JOB);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/yundesk/YunDesk/yun-jobs-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, YunJobsPanel, stack);
  gtk_widget_class_bind_template_child (widget_class, YunJobsPanel, list_view);
  gtk_widget_class_bind_template_child (widget_class, YunJobsPanel, selection);

  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_items_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_details_clicked);
  gtk_widget_class_bind_template_callback (widget_class, format_kind);
  gtk_widget_class_bind_template_callback (widget_class, format_created);
  gtk_widget_class_bind_template_callback (widget_class, invert_boolean);
  gtk_widget_class_bind_template_callback (widget_class, is_nonzero);
  gtk_widget_class_bind_template_callback (widget_class, progress_fraction);
  gtk_widget_class_bind_template_callback (widget_class, format_summary);
  gtk_widget_class_bind_template_callback (widget_class, format_succeeded);
  gtk_widget_class_bind_template_callback (widget_class, format_failed);
  gtk_widget_class_bind_template_callback (widget_class, format_skipped);
}

static void
yun_jobs_panel_init (YunJobsPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->views = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  update_page (self);
}

/* ---- Public API ---- */

YunJobsPanel *
yun_jobs_panel_new (void)
{
  return g_object_new (YUN_TYPE_JOBS_PANEL, NULL);
}

/* Cancelled when the panel moved to another engine: that history is of no more use. */
static void
on_history_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!yun_job_engine_load_history_finish (YUN_JOB_ENGINE (source), result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("The job history could not be read: %s", error->message);
}

/**
 * yun_jobs_panel_set_engine:
 * @self: a #YunJobsPanel
 * @engine: (nullable): the engine whose jobs to list
 *
 * Lists @engine's jobs, with the last ones of its journal once a worker has read them.
 */
void
yun_jobs_panel_set_engine (YunJobsPanel *self, YunJobEngine *engine)
{
  g_return_if_fail (YUN_IS_JOBS_PANEL (self));
  g_return_if_fail (engine == NULL || YUN_IS_JOB_ENGINE (engine));

  if (!g_set_object (&self->engine, engine))
    return;
  g_cancellable_cancel (self->loading);
  g_clear_object (&self->loading);
  if (engine != NULL)
    {
      self->loading = g_cancellable_new ();
      yun_job_engine_load_history_async (engine, HISTORY_LIMIT, self->loading, on_history_loaded,
                                         NULL);
    }
  gtk_no_selection_set_model (self->selection,
                              engine != NULL ? yun_job_engine_get_jobs (engine) : NULL);
  update_page (self);
}

/**
 * yun_jobs_panel_show_job:
 * @self: a #YunJobsPanel
 * @job: a job
 *
 * Opens the window of @job, or raises it if it is open.
 */
void
yun_jobs_panel_show_job (YunJobsPanel *self, YunJob *job)
{
  YunJobView *view;

  g_return_if_fail (YUN_IS_JOBS_PANEL (self));
  g_return_if_fail (YUN_IS_JOB (job));

  view = g_hash_table_lookup (self->views, job);
  if (view == NULL)
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

      view = yun_job_view_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->engine, job);
      g_hash_table_insert (self->views, g_object_ref (job), view);
      g_signal_connect_object (view, "retried", G_CALLBACK (on_view_retried), self, 0);
      g_signal_connect_object (view, "destroy", G_CALLBACK (on_view_destroy), self, 0);
    }
  gtk_window_present (GTK_WINDOW (view));
}
