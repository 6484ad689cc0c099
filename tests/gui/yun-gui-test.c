/* yun-gui-test.c: what the GUI tests share: waiting on the main loop, finding widgets,
 * screenshots
 *
 * SPDX-License-Identifier: MIT
 */

#include "yun-gui-test.h"

/* Runs the main loop until @done (data) holds, or fails the test after WAIT_SECONDS. */
void
yun_test_wait_until (gboolean (*done) (gpointer), gpointer data, const char *what)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;

  while (!done (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Gave up after %d s waiting for %s", WAIT_SECONDS, what);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
}

static gboolean
frame_drawn (gpointer data)
{
  return GPOINTER_TO_INT (*(int *) data) > 0;
}

/* Counts a frame and asks for the next one: an idle window draws only when asked. */
static void
count_frame (GdkFrameClock *clock, int *frames)
{
  (*frames)++;
  gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_PAINT);
}

/* Whether a stack in @widget's tree is still fading or sliding between two pages. */
static gboolean
transition_running (GtkWidget *widget)
{
  if (GTK_IS_STACK (widget) && gtk_stack_get_transition_running (GTK_STACK (widget)))
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (transition_running (child))
      return TRUE;
  return FALSE;
}

static gboolean
transitions_done (gpointer widget)
{
  return !transition_running (widget);
}

/* Waits for the window's page transitions to end and for two more frames, so the screen
 * shows the model's state. */
void
yun_test_wait_for_draw (GtkWidget *window)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);
  int frames = -1;
  gulong handler;

  g_assert_nonnull (clock);
  yun_test_wait_until (transitions_done, window, "the end of a page transition");
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (count_frame), &frames);
  gtk_widget_queue_draw (window);
  yun_test_wait_until (frame_drawn, &frames, "a frame");
  g_signal_handler_disconnect (clock, handler);
}

/* Renders @window as it is on screen into screenshots/NAME-LANG.png in the build tree. */
void
yun_test_save_screenshot (GtkWidget *window, const char *name)
{
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (window);
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  const char *language = g_getenv ("LANGUAGE");
  g_autofree char *file_name = NULL;
  g_autofree char *path = NULL;
  int width = 0, height = 0;

  /* A new window has no size, and so nothing to render, until it has drawn once. */
  for (guint frame = 0; node == NULL && frame < 50; frame++)
    {
      g_autoptr (GtkSnapshot) snapshot = gtk_snapshot_new ();

      yun_test_wait_for_draw (window);
      width = gtk_widget_get_width (window);
      height = gtk_widget_get_height (window);
      gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
    }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  file_name = g_strdup_printf ("%s-%s.png", name, language != NULL ? language : "en");
  g_mkdir_with_parents (SCREENSHOT_DIR, 0755);
  path = g_build_filename (SCREENSHOT_DIR, file_name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

typedef struct
{
  GType type;
  GtkWindow *found;
} FindWindow;

static gboolean
find_window (gpointer data)
{
  FindWindow *find = data;
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, find->type)
          && gtk_widget_get_mapped (GTK_WIDGET (window)))
        {
          find->found = window;
          return TRUE;
        }
    }
  return FALSE;
}

GtkWindow *
yun_test_wait_for_window (GType type)
{
  FindWindow find = { type, NULL };

  yun_test_wait_until (find_window, &find, g_type_name (type));
  return find.found;
}

/* The first descendant of @widget of @type. */
GtkWidget *
yun_test_find_descendant (GtkWidget *widget, GType type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = yun_test_find_descendant (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The button of @widget's tree whose action is @action_name. */
GtkWidget *
yun_test_find_action_button (GtkWidget *widget, const char *action_name)
{
  if (GTK_IS_ACTIONABLE (widget)
      && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action_name) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = yun_test_find_action_button (child, action_name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The widget of @widget's tree that its template calls @id. */
GtkWidget *
yun_test_find_by_id (GtkWidget *widget, const char *id)
{
  if (g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (widget)), id) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = yun_test_find_by_id (child, id);

      if (found != NULL)
        return found;
    }
  return NULL;
}
