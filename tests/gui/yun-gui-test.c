/* yun-gui-test.c: what the GUI tests share: waiting on the main loop, finding widgets,
 * screenshots
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include "yun-gui-test.h"

#include <X11/Xlib.h>
#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <glib/gi18n.h>
#include <locale.h>

#include "yun-test-sim.h"

void
yun_test_wait_until (gboolean (*done) (gpointer), gpointer data, const char *what)
{
  yun_test_run_until (done, data, WAIT_SECONDS, what);
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

/* Whether a stack in @widget's tree is still fading or sliding between two pages, a squeezer
 * (a view switcher's wide and narrow forms) between two children, or a revealer still
 * opening or closing. */
static gboolean
transition_running (GtkWidget *widget)
{
  if (GTK_IS_STACK (widget) && gtk_stack_get_transition_running (GTK_STACK (widget)))
    return TRUE;
  if (ADW_IS_SQUEEZER (widget) && adw_squeezer_get_transition_running (ADW_SQUEEZER (widget)))
    return TRUE;
  /* An expander row opening, a bar sliding in. */
  if (GTK_IS_REVEALER (widget) && gtk_widget_get_mapped (widget)
      && gtk_revealer_get_reveal_child (GTK_REVEALER (widget))
           != gtk_revealer_get_child_revealed (GTK_REVEALER (widget)))
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

/* Without a window manager GDK 4.8 never sets a toplevel's focused state; GTK follows the
 * X focus events. */
static gboolean
window_active (gpointer window)
{
  return gtk_widget_get_mapped (GTK_WIDGET (window)) && gtk_window_is_active (window);
}

gboolean
yun_test_any_window_active (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (window_active (window))
        return TRUE;
    }
  return FALSE;
}

static gboolean
no_window_active (gpointer unused)
{
  return !yun_test_any_window_active ();
}

void
yun_test_focus_elsewhere (void)
{
  Display *xdisplay = gdk_x11_display_get_xdisplay (gdk_display_get_default ());

  XSetInputFocus (xdisplay, None, RevertToNone, CurrentTime);
  XFlush (xdisplay);
  yun_test_wait_until (no_window_active, NULL, "the keyboard focus elsewhere");
}

void
yun_test_focus_window (GtkWindow *window)
{
  Display *xdisplay = gdk_x11_display_get_xdisplay (gdk_display_get_default ());
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));

  /* As a window manager would: GTK's own request carries the time of the last input event,
   * older than the focus change before it, and the X server ignores it. */
  XSetInputFocus (xdisplay, gdk_x11_surface_get_xid (surface), RevertToParent, CurrentTime);
  XFlush (xdisplay);
  yun_test_wait_until (window_active, window, "the window focused");
}

GtkWindow *
yun_test_wait_for_window (GType type)
{
  FindWindow find = { type, NULL };

  yun_test_wait_until (find_window, &find, g_type_name (type));
  return find.found;
}

GtkWidget *
yun_test_find_widget (GtkWidget *root, YunTestWidgetMatch match, gconstpointer data)
{
  if (match (root, data))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = yun_test_find_widget (child, match, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
has_type (GtkWidget *widget, gconstpointer type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (type));
}

GtkWidget *
yun_test_find_descendant (GtkWidget *widget, GType type)
{
  return yun_test_find_widget (widget, has_type, GSIZE_TO_POINTER (type));
}

static gboolean
has_action (GtkWidget *widget, gconstpointer action_name)
{
  return GTK_IS_ACTIONABLE (widget)
         && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action_name) == 0;
}

GtkWidget *
yun_test_find_action_button (GtkWidget *widget, const char *action_name)
{
  return yun_test_find_widget (widget, has_action, action_name);
}

static gboolean
has_buildable_id (GtkWidget *widget, gconstpointer id)
{
  return g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (widget)), id) == 0;
}

GtkWidget *
yun_test_find_by_id (GtkWidget *widget, const char *id)
{
  return yun_test_find_widget (widget, has_buildable_id, id);
}

/* ---- The application under test ---- */

static YunApplication *application;

YunApplication *
yun_test_start_application (int *argc, char ***argv)
{
  g_autoptr (GError) error = NULL;

  /* As main() does: the renderer the user would get on this machine. */
  yun_application_choose_renderer ();
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, YUN_BUILD_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  gtk_test_init (argc, argv, NULL);

  application = yun_application_new ();
  g_application_set_flags (G_APPLICATION (application), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (application), NULL, &error));
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (application));
  return application;
}

YunWindow *
yun_test_main_window (void)
{
  YunWindow *window = yun_application_get_main_window (application);

  g_assert_nonnull (window);
  return window;
}

void
yun_test_stop_application (void)
{
  gtk_window_destroy (GTK_WINDOW (yun_test_main_window ()));
  g_clear_object (&application);
}
