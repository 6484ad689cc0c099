/* yun-gui-test.h: what the GUI tests share: waiting on the main loop, finding widgets,
 * screenshots
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <gtk/gtk.h>

#include "yun-application.h"

G_BEGIN_DECLS

/* How long a GUI test waits for anything before it fails. */
#define WAIT_SECONDS 90

/* Runs the main loop until @done (data) holds, or fails the test after WAIT_SECONDS. */
void yun_test_wait_until (gboolean (*done) (gpointer), gpointer data, const char *what);
/* Waits for @window's page transitions to end and for two more frames, so the screen
 * shows the model's state. */
void yun_test_wait_for_draw (GtkWidget *window);
/* Renders @window as it is on screen into screenshots/NAME-LANG.png in the build tree. */
void yun_test_save_screenshot (GtkWidget *window, const char *name);
/* The toplevel window of type @type, once it is shown. */
GtkWindow *yun_test_wait_for_window (GType type);
typedef gboolean (*YunTestWidgetMatch) (GtkWidget *widget, gconstpointer data);

/* The first widget of @root's tree (@root included, depth first) that @match accepts. */
GtkWidget *yun_test_find_widget (GtkWidget *root, YunTestWidgetMatch match, gconstpointer data);
/* The first descendant of @widget (or @widget) of @type. */
GtkWidget *yun_test_find_descendant (GtkWidget *widget, GType type);
/* The actionable widget of @widget's tree whose action is @action_name. */
GtkWidget *yun_test_find_action_button (GtkWidget *widget, const char *action_name);
/* The widget of @widget's tree that its template calls @id. */
GtkWidget *yun_test_find_by_id (GtkWidget *widget, const char *id);

/* Whether one of the process's windows has the keyboard focus. */
gboolean yun_test_any_window_active (void);
/* Gives the keyboard focus to no window, as when the user turns to another application, and
 * waits until none of ours is active. */
void yun_test_focus_elsewhere (void);
/* Gives @window (shown) the keyboard focus and waits until it is active. */
void yun_test_focus_window (GtkWindow *window);

/* Sets up the locale and GTK for a test program, and starts YunDesk as a user would (no
 * D-Bus uniqueness, so tests may run side by side); its window opens. */
YunApplication *yun_test_start_application (int *argc, char ***argv);
YunWindow *yun_test_main_window (void);
/* Closes the window and drops the application. */
void yun_test_stop_application (void);

G_END_DECLS
