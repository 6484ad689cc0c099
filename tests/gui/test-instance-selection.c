/* test-instance-selection.c: the instance list's rows and selection
 *
 * SPDX-License-Identifier: MIT
 *
 * YunInstanceSelection over a sort and a filter of a GListStore, as the instance view
 * stacks them: rows keep their place (the same object at a position) while what they show
 * changes, GTK hears only of the list's end growing or shrinking, and the selection follows
 * instances by ID, losing those that stop being shown. No display is needed.
 */

#include "config.h"

#include <json-c/json.h>

#include "yun-api-private.h"
#include "yun-instance-row.h"
#include "yun-instance-selection.h"

typedef struct
{
  GListStore *store;
  GtkFilterListModel *filter_model;
  GtkCustomFilter *filter;
  GtkSortListModel *sort_model;
  YunInstanceSelection *selection;
  char *prefix; /* (nullable): only names starting with it are shown */

  /* What the selection told GTK */
  guint n_items_changed;
  guint last_position, last_removed, last_added;
  guint n_selection_changed;
} Fixture;

static YunInstance *
new_instance (const char *id, const char *name, const char *state)
{
  g_autofree char *text = g_strdup_printf (
    "{\"InstanceId\": \"%s\", \"InstanceName\": \"%s\", \"InstanceState\": \"%s\", "
    "\"Placement\": {\"Zone\": \"ap-guangzhou-3\"}}",
    id, name, state);
  json_object *json = json_tokener_parse (text);
  g_autoptr (GError) error = NULL;
  YunInstance *instance = _yun_instance_new_from_json (json, "ap-guangzhou", &error);

  g_assert_no_error (error);
  json_object_put (json);
  return instance;
}

static gboolean
name_has_prefix (gpointer item, gpointer user_data)
{
  Fixture *fixture = user_data;

  return fixture->prefix == NULL
         || g_str_has_prefix (yun_instance_get_name (YUN_INSTANCE (item)), fixture->prefix);
}

static void
on_items_changed (GListModel *model, guint position, guint removed, guint added, Fixture *fixture)
{
  fixture->n_items_changed++;
  fixture->last_position = position;
  fixture->last_removed = removed;
  fixture->last_added = added;
}

static void
on_selection_changed (GtkSelectionModel *model, guint position, guint n_items, Fixture *fixture)
{
  fixture->n_selection_changed++;
}

/* web-0 … web-4 and db-0 … db-4, interleaved, all RUNNING */
static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->store = g_list_store_new (YUN_TYPE_INSTANCE);
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *web_id = g_strdup_printf ("ins-web%u", i);
      g_autofree char *web_name = g_strdup_printf ("web-%u", i);
      g_autofree char *db_id = g_strdup_printf ("ins-db%u", i);
      g_autofree char *db_name = g_strdup_printf ("db-%u", i);
      g_autoptr (YunInstance) web = new_instance (web_id, web_name, "RUNNING");
      g_autoptr (YunInstance) db = new_instance (db_id, db_name, "RUNNING");

      g_list_store_append (fixture->store, web);
      g_list_store_append (fixture->store, db);
    }
  fixture->filter = gtk_custom_filter_new (name_has_prefix, fixture, NULL);
  fixture->sort_model
    = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (fixture->store)), NULL);
  fixture->filter_model = gtk_filter_list_model_new (
    G_LIST_MODEL (g_object_ref (fixture->sort_model)), GTK_FILTER (g_object_ref (fixture->filter)));
  fixture->selection = yun_instance_selection_new (G_LIST_MODEL (fixture->filter_model));
  g_signal_connect (fixture->selection, "items-changed", G_CALLBACK (on_items_changed), fixture);
  g_signal_connect (fixture->selection, "selection-changed", G_CALLBACK (on_selection_changed),
                    fixture);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_object (&fixture->selection);
  g_clear_object (&fixture->filter_model);
  g_clear_object (&fixture->sort_model);
  g_clear_object (&fixture->filter);
  g_clear_object (&fixture->store);
  g_free (fixture->prefix);
}

static void
set_prefix (Fixture *fixture, const char *prefix)
{
  g_free (fixture->prefix);
  fixture->prefix = g_strdup (prefix);
  gtk_filter_changed (GTK_FILTER (fixture->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

/* Whether GTK has been told of every instance shown, and of no blank row. */
static gboolean
list_is_complete (YunInstanceSelection *selection)
{
  GListModel *instances = yun_instance_selection_get_model (selection);

  return g_list_model_get_n_items (G_LIST_MODEL (selection))
         == (instances != NULL ? g_list_model_get_n_items (instances) : 0);
}

static const char *
row_id (YunInstanceRow *row)
{
  return yun_instance_get_instance_id (yun_instance_row_get_instance (row));
}

/* The IDs the selection's rows show, in order, joined by spaces. */
static char *
shown_ids (Fixture *fixture)
{
  GListModel *rows = G_LIST_MODEL (fixture->selection);
  g_autoptr (GString) ids = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr (YunInstanceRow) row = g_list_model_get_item (rows, i);

      g_string_append_printf (ids, "%s%s", i > 0 ? " " : "", row_id (row));
    }
  return g_strdup (ids->str);
}

static char *
selected_ids (Fixture *fixture)
{
  g_autoptr (GPtrArray) selected = yun_instance_selection_dup_selected (fixture->selection);
  g_autoptr (GString) ids = g_string_new (NULL);

  for (guint i = 0; i < selected->len; i++)
    g_string_append_printf (ids, "%s%s", i > 0 ? " " : "",
                            yun_instance_get_instance_id (selected->pdata[i]));
  return g_strdup (ids->str);
}

static void
assert_selected (Fixture *fixture, const char *expected)
{
  g_autofree char *ids = selected_ids (fixture);
  g_auto (GStrv) parts = g_strsplit (expected, " ", -1);

  g_assert_cmpstr (ids, ==, expected);
  g_assert_cmpuint (yun_instance_selection_get_n_selected (fixture->selection), ==,
                    *expected != '\0' ? g_strv_length (parts) : 0);
}

/* A filter change gives the rows on screen other instances: the same row objects, told
 * through "notify::instance", and GTK told only that the list's end shrank or grew. */
static void
test_rows_keep_their_place (Fixture *fixture, gconstpointer data)
{
  GListModel *rows = G_LIST_MODEL (fixture->selection);
  g_autoptr (YunInstanceRow) first = g_list_model_get_item (rows, 0);
  g_autoptr (YunInstanceRow) second = g_list_model_get_item (rows, 1);
  g_autoptr (YunInstanceRow) again = NULL;
  g_autofree char *all = shown_ids (fixture);
  g_autofree char *webs = NULL;
  g_autofree char *back = NULL;
  guint notified = 0;

  g_assert_true (g_list_model_get_item_type (rows) == YUN_TYPE_INSTANCE_ROW);
  g_assert_cmpstr (all, ==,
                   "ins-web0 ins-db0 ins-web1 ins-db1 ins-web2 ins-db2 ins-web3 ins-db3 "
                   "ins-web4 ins-db4");
  g_assert_null (g_list_model_get_item (rows, 10));
  g_signal_connect_swapped (second, "notify::instance", G_CALLBACK (g_atomic_int_inc), &notified);

  set_prefix (fixture, "web");
  /* The row at 1 showed ins-db0 and now ins-web1, before anyone asks; the row at 0 kept
   * ins-web0. */
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpstr (row_id (second), ==, "ins-web1");
  g_assert_cmpstr (row_id (first), ==, "ins-web0");
  g_assert_cmpuint (fixture->n_items_changed, ==, 1);
  g_assert_cmpuint (fixture->last_position, ==, 5);
  g_assert_cmpuint (fixture->last_removed, ==, 5);
  g_assert_cmpuint (fixture->last_added, ==, 0);
  webs = shown_ids (fixture);
  g_assert_cmpstr (webs, ==, "ins-web0 ins-web1 ins-web2 ins-web3 ins-web4");
  again = g_list_model_get_item (rows, 1);
  g_assert_true (again == second);

  set_prefix (fixture, NULL);
  g_assert_cmpstr (row_id (second), ==, "ins-db0");
  g_assert_cmpuint (notified, ==, 2);
  g_assert_cmpuint (fixture->n_items_changed, ==, 2);
  g_assert_cmpuint (fixture->last_position, ==, 5);
  g_assert_cmpuint (fixture->last_removed, ==, 0);
  g_assert_cmpuint (fixture->last_added, ==, 5);
  back = shown_ids (fixture);
  g_assert_cmpstr (back, ==, all);
}

/* Rows nobody holds are not kept: a long list costs only the rows GTK has. */
static void
test_rows_are_not_kept (Fixture *fixture, gconstpointer data)
{
  YunInstanceRow *row = g_list_model_get_item (G_LIST_MODEL (fixture->selection), 3);
  YunInstanceRow *weak = row;

  g_object_add_weak_pointer (G_OBJECT (row), (gpointer *) &weak);
  g_object_unref (row);
  g_assert_null (weak);
  /* And a new one comes for the position, showing what is there. */
  row = g_list_model_get_item (G_LIST_MODEL (fixture->selection), 3);
  g_assert_cmpstr (row_id (row), ==, "ins-db1");
  g_object_unref (row);
}

static gboolean
row_shows (YunInstanceRow *row, const char *id)
{
  return g_str_equal (row_id (row), id);
}

/* Only the rows on screen follow a change at once; the others when they come on screen,
 * when asked for, or a frame at a time once the changes pause. */
static void
test_rows_off_screen_follow_later (Fixture *fixture, gconstpointer data)
{
  GListModel *rows = G_LIST_MODEL (fixture->selection);
  YunInstanceRow *held[5];
  gint64 deadline;

  for (guint i = 0; i < G_N_ELEMENTS (held); i++)
    held[i] = g_list_model_get_item (rows, i);
  yun_instance_selection_set_shown_range (fixture->selection, 0, 2);

  /* web0 db0 web1 db1 web2 becomes web0 web1 web2 web3 web4 */
  set_prefix (fixture, "web");
  g_assert_true (row_shows (held[1], "ins-web1"));
  g_assert_true (row_shows (held[2], "ins-web1"));
  g_assert_true (row_shows (held[3], "ins-db1"));
  g_assert_true (row_shows (held[4], "ins-web2"));

  /* Scrolled: the rows that come on screen are brought up to date. */
  yun_instance_selection_set_shown_range (fixture->selection, 3, 2);
  g_assert_true (row_shows (held[3], "ins-web3"));
  g_assert_true (row_shows (held[4], "ins-web4"));
  g_assert_true (row_shows (held[2], "ins-web1"));

  /* Asked for, a row is up to date. */
  g_object_unref (g_list_model_get_item (rows, 2));
  g_assert_true (row_shows (held[2], "ins-web2"));

  /* And the rest follow once the changes pause, in the frames after. */
  set_prefix (fixture, NULL);
  yun_instance_selection_set_shown_range (fixture->selection, 0, 1);
  g_assert_true (row_shows (held[2], "ins-web2"));
  g_assert_false (yun_instance_selection_get_catching_up (fixture->selection));
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (!yun_instance_selection_get_catching_up (fixture->selection)
         && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (row_shows (held[2], "ins-web2"));
  while (yun_instance_selection_catch_up (fixture->selection))
    ;
  for (guint i = 0; i < G_N_ELEMENTS (held); i++)
    {
      const char *expected[] = { "ins-web0", "ins-db0", "ins-web1", "ins-db1", "ins-web2" };

      g_assert_cmpstr (row_id (held[i]), ==, expected[i]);
      g_object_unref (held[i]);
    }
}

/* Selecting by position selects instances: kept through a sort that moves them and a sync
 * that replaces them with newer copies, lost when the filter hides them or they go. */
static void
test_selection_follows_instances (Fixture *fixture, gconstpointer data)
{
  GtkSelectionModel *model = GTK_SELECTION_MODEL (fixture->selection);
  g_autoptr (GtkSorter) by_name = GTK_SORTER (
    gtk_string_sorter_new (gtk_property_expression_new (YUN_TYPE_INSTANCE, NULL, "name")));
  g_autoptr (YunInstance) stopped = new_instance ("ins-web1", "web-1", "STOPPED");
  g_autoptr (GtkBitset) in_range = NULL;

  /* ins-web1, ins-db1 and ins-web3 */
  g_assert_true (gtk_selection_model_select_item (model, 2, FALSE));
  g_assert_true (gtk_selection_model_select_range (model, 3, 1, FALSE));
  g_assert_true (gtk_selection_model_select_item (model, 6, FALSE));
  assert_selected (fixture, "ins-web1 ins-db1 ins-web3");
  g_assert_true (gtk_selection_model_is_selected (model, 2));
  g_assert_false (gtk_selection_model_is_selected (model, 0));
  in_range = gtk_selection_model_get_selection_in_range (model, 0, 5);
  g_assert_cmpuint (gtk_bitset_get_size (in_range), ==, 2);
  g_assert_true (gtk_bitset_contains (in_range, 2) && gtk_bitset_contains (in_range, 3));

  /* Sorted by name: db-0 … db-4, web-0 … web-4; the same instances are selected. */
  gtk_sort_list_model_set_sorter (fixture->sort_model, by_name);
  assert_selected (fixture, "ins-db1 ins-web1 ins-web3");
  g_assert_true (gtk_selection_model_is_selected (model, 1));
  g_assert_true (gtk_selection_model_is_selected (model, 6));
  g_assert_true (gtk_selection_model_is_selected (model, 8));

  /* A sync replaces ins-web1 (third in the store) with a newer copy: still selected. */
  g_list_store_splice (fixture->store, 2, 1, (gpointer *) &stopped, 1);
  assert_selected (fixture, "ins-db1 ins-web1 ins-web3");

  /* The filter hides the databases: ins-db1 leaves the selection, and stays out of it when
   * shown again. */
  set_prefix (fixture, "web");
  assert_selected (fixture, "ins-web1 ins-web3");
  set_prefix (fixture, NULL);
  assert_selected (fixture, "ins-web1 ins-web3");

  /* ins-web3 leaves the account. */
  g_list_store_remove (fixture->store, 6);
  assert_selected (fixture, "ins-web1");

  /* All, then none; then one, unselecting the rest. */
  g_assert_true (gtk_selection_model_select_all (model));
  g_assert_cmpuint (yun_instance_selection_get_n_selected (fixture->selection), ==, 9);
  g_assert_true (gtk_selection_model_unselect_all (model));
  assert_selected (fixture, "");
  g_assert_true (yun_instance_selection_select_id (fixture->selection, "ins-db4"));
  g_assert_false (yun_instance_selection_select_id (fixture->selection, "ins-nowhere"));
  g_assert_true (gtk_selection_model_select_item (model, 0, TRUE));
  assert_selected (fixture, "ins-db0");
}

/* Progressive, a long list reaches GTK a screenful first, then some rows at a time until
 * GTK has all the rows it builds, then whole; shrinking is told at once. Selecting all
 * selects what GTK has not been told of yet too. */
static void
test_progressive (Fixture *fixture, gconstpointer data)
{
  GListModel *rows = G_LIST_MODEL (fixture->selection);
  GtkSelectionModel *model = GTK_SELECTION_MODEL (fixture->selection);
  guint n_items, steps = 0;

  set_prefix (fixture, "none");
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 0);
  yun_instance_selection_set_progressive (fixture->selection, TRUE);
  for (guint i = 0; i < 590; i++)
    {
      g_autofree char *id = g_strdup_printf ("ins-many%03u", i);
      g_autoptr (YunInstance) instance = new_instance (id, "many", "RUNNING");

      g_list_store_append (fixture->store, instance);
    }
  fixture->n_items_changed = 0;

  /* 600 instances, a screenful of them told */
  set_prefix (fixture, NULL);
  n_items = g_list_model_get_n_items (rows);
  g_assert_cmpuint (n_items, >=, 30);
  g_assert_cmpuint (n_items, <, 100);
  g_assert_false (list_is_complete (fixture->selection));
  g_assert_cmpuint (fixture->n_items_changed, ==, 1);
  g_assert_cmpuint (fixture->last_added, ==, n_items);

  /* Everything is counted, and selectable, all the same. */
  g_assert_true (gtk_selection_model_select_all (model));
  g_assert_cmpuint (yun_instance_selection_get_n_selected (fixture->selection), ==, 600);
  g_assert_true (yun_instance_selection_select_id (fixture->selection, "ins-many589"));

  while (yun_instance_selection_catch_up (fixture->selection))
    {
      guint more = g_list_model_get_n_items (rows);

      /* Some rows a frame while GTK builds rows for them, */
      g_assert_cmpuint (more, >, n_items);
      g_assert_cmpuint (more - n_items, <=, 64);
      n_items = more;
      steps++;
    }
  /* then the rest at once. */
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 600);
  g_assert_cmpuint (steps, >=, 5);
  g_assert_cmpuint (steps, <, 30);
  g_assert_true (gtk_selection_model_is_selected (model, 599));

  /* Shrinking is told at once. */
  set_prefix (fixture, "web");
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 5);
  g_assert_true (list_is_complete (fixture->selection));
  g_assert_cmpuint (yun_instance_selection_get_n_selected (fixture->selection), ==, 5);
}

/* The view says how many rows fill it: a list growing from nothing gives GTK that many,
 * and the frames after add the rest a few at a time. */
static void
test_screenful (Fixture *fixture, gconstpointer data)
{
  GListModel *rows = G_LIST_MODEL (fixture->selection);

  set_prefix (fixture, "none");
  yun_instance_selection_set_progressive (fixture->selection, TRUE);
  yun_instance_selection_set_screenful (fixture->selection, 12);
  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *id = g_strdup_printf ("ins-fill%03u", i);
      g_autoptr (YunInstance) instance = new_instance (id, "fill", "RUNNING");

      g_list_store_append (fixture->store, instance);
    }
  set_prefix (fixture, "fill");
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 12);
  g_assert_true (yun_instance_selection_catch_up (fixture->selection));
  g_assert_cmpuint (g_list_model_get_n_items (rows), >, 12);
}

static void
wait_for_catching_up (YunInstanceSelection *selection)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (!yun_instance_selection_get_catching_up (selection) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (yun_instance_selection_get_catching_up (selection));
}

/* Progressive, a list that shrinks keeps the rows GTK holds, blank, until the changes
 * pause; a change meanwhile fills them again without GTK hearing of it. Blank rows cannot
 * be selected. Once the pause is over they go, no more than a frame's worth at a time,
 * except those the view shows without scrolling. */
static void
test_blank_rows (Fixture *fixture, gconstpointer data)
{
  GListModel *rows = G_LIST_MODEL (fixture->selection);
  GtkSelectionModel *model = GTK_SELECTION_MODEL (fixture->selection);
  g_autoptr (GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
  guint steps = 0;

  yun_instance_selection_set_progressive (fixture->selection, TRUE);
  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *id = g_strdup_printf ("ins-more%02u", i);
      g_autoptr (YunInstance) instance = new_instance (id, "more", "RUNNING");

      g_list_store_append (fixture->store, instance);
    }
  while (yun_instance_selection_catch_up (fixture->selection))
    ;
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 40);
  /* As GTK does, the rows it has built are held. */
  for (guint i = 0; i < 40; i++)
    g_ptr_array_add (held, g_list_model_get_item (rows, i));
  yun_instance_selection_set_shown_range (fixture->selection, 0, 40);
  g_assert_true (gtk_selection_model_select_item (model, 0, TRUE));
  fixture->n_items_changed = 0;

  set_prefix (fixture, "web");
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 40);
  g_assert_cmpuint (fixture->n_items_changed, ==, 0);
  g_assert_true (row_shows (g_ptr_array_index (held, 4), "ins-web4"));
  g_assert_null (yun_instance_row_get_instance (g_ptr_array_index (held, 5)));
  g_assert_false (list_is_complete (fixture->selection));
  g_assert_false (yun_instance_selection_get_catching_up (fixture->selection));

  /* A click on a blank row changes nothing; selecting all selects the five. */
  g_assert_false (gtk_selection_model_select_item (model, 7, TRUE));
  assert_selected (fixture, "ins-web0");
  g_assert_false (gtk_selection_model_is_selected (model, 7));
  g_assert_true (gtk_selection_model_select_all (model));
  g_assert_cmpuint (yun_instance_selection_get_n_selected (fixture->selection), ==, 5);

  /* A backspace fills them again. */
  set_prefix (fixture, NULL);
  g_assert_cmpuint (fixture->n_items_changed, ==, 0);
  g_assert_true (row_shows (g_ptr_array_index (held, 39), "ins-more29"));

  /* After the pause, the blank rows go from the end, 8 or fewer held ones a frame, but for
   * those that fit in the view. */
  yun_instance_selection_set_n_fitting (fixture->selection, 6);
  set_prefix (fixture, "none");
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 40);
  wait_for_catching_up (fixture->selection);
  for (guint n = 40; yun_instance_selection_catch_up (fixture->selection); steps++)
    {
      guint left = g_list_model_get_n_items (rows);

      g_assert_cmpuint (n - left, <=, 8);
      n = left;
    }
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 6);
  g_assert_cmpuint (steps, ==, 4);

  /* A smaller view keeps fewer. */
  yun_instance_selection_set_n_fitting (fixture->selection, 0);
  g_assert_true (yun_instance_selection_get_catching_up (fixture->selection));
  g_assert_false (yun_instance_selection_catch_up (fixture->selection));
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 0);
  g_assert_true (list_is_complete (fixture->selection));
}

/* If the view shows only positions that are gone, the list shrinks at once: GTK moves to
 * what is left rather than show blank rows. */
static void
test_no_blank_screen (Fixture *fixture, gconstpointer data)
{
  GListModel *rows = G_LIST_MODEL (fixture->selection);
  g_autoptr (GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);

  yun_instance_selection_set_progressive (fixture->selection, TRUE);
  for (guint i = 0; i < 10; i++)
    g_ptr_array_add (held, g_list_model_get_item (rows, i));
  yun_instance_selection_set_shown_range (fixture->selection, 6, 4);
  set_prefix (fixture, "web");
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 5);
  g_assert_true (list_is_complete (fixture->selection));
}

/* What GTK would hold: the rows from @first on, up to 30. */
static void
hold_rows (Fixture *fixture, GPtrArray *held, guint first)
{
  GListModel *rows = G_LIST_MODEL (fixture->selection);

  g_ptr_array_set_size (held, 0);
  for (guint i = first; i < MIN (first + 30, g_list_model_get_n_items (rows)); i++)
    g_ptr_array_add (held, g_list_model_get_item (rows, i));
}

/* Every held row on screen shows what the model has at its position, or nothing past its
 * end; so does every row asked for; the selection is a part of what is shown. */
static void
assert_consistent (Fixture *fixture, GPtrArray *held, guint held_first, guint shown_first)
{
  GListModel *rows = G_LIST_MODEL (fixture->selection);
  GListModel *model = G_LIST_MODEL (fixture->filter_model);
  GtkSelectionModel *selection = GTK_SELECTION_MODEL (fixture->selection);
  guint n_rows = g_list_model_get_n_items (rows);
  guint n = g_list_model_get_n_items (model);
  g_autoptr (GPtrArray) selected = yun_instance_selection_dup_selected (fixture->selection);
  g_autoptr (GHashTable) shown_ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) instances = g_ptr_array_new_with_free_func (g_object_unref);

  if (n_rows < n)
    g_assert_true (yun_instance_selection_get_catching_up (fixture->selection));
  for (guint i = 0; i < n; i++)
    {
      g_ptr_array_add (instances, g_list_model_get_item (model, i));
      g_hash_table_add (shown_ids, (gpointer) yun_instance_get_instance_id (instances->pdata[i]));
    }
  for (guint i = 0; i < held->len; i++)
    {
      guint position = held_first + i;

      if (position < n_rows && position >= shown_first && position < shown_first + 5)
        g_assert_true (yun_instance_row_get_instance (held->pdata[i])
                       == (position < n ? instances->pdata[position] : NULL));
    }
  for (guint i = 0; i < n_rows; i++)
    {
      g_autoptr (YunInstanceRow) row = g_list_model_get_item (rows, i);

      g_assert_true (yun_instance_row_get_instance (row) == (i < n ? instances->pdata[i] : NULL));
      g_assert_true (!gtk_selection_model_is_selected (selection, i) || i < n);
    }
  g_assert_cmpuint (selected->len, ==, yun_instance_selection_get_n_selected (fixture->selection));
  for (guint i = 0; i < selected->len; i++)
    g_assert_true (
      g_hash_table_contains (shown_ids, yun_instance_get_instance_id (selected->pdata[i])));
}

/* Filter changes, syncs (instances replaced, added, removed), selections, scrolls, frames
 * and pauses at random, with the rows GTK would hold held. */
static void
test_random_changes (Fixture *fixture, gconstpointer data)
{
  const char *const prefixes[] = { NULL, "web", "db", "more", "none", "w", "m" };
  GtkSelectionModel *selection = GTK_SELECTION_MODEL (fixture->selection);
  g_autoptr (GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
  guint held_first = 0, shown_first = 0, n_added = 0;

  yun_instance_selection_set_progressive (fixture->selection, TRUE);
  yun_instance_selection_set_screenful (fixture->selection, 8);
  for (guint step = 0; step < 400; step++)
    {
      guint n_rows = g_list_model_get_n_items (G_LIST_MODEL (fixture->selection));
      guint n_store = g_list_model_get_n_items (G_LIST_MODEL (fixture->store));

      switch (g_test_rand_int_range (0, 12))
        {
        case 0:
        case 1:
          set_prefix (fixture, prefixes[g_test_rand_int_range (0, G_N_ELEMENTS (prefixes))]);
          break;
        case 2: /* a sync's newer copy of an instance */
          if (n_store > 0)
            {
              guint position = g_test_rand_int_range (0, n_store);
              g_autoptr (YunInstance) old
                = g_list_model_get_item (G_LIST_MODEL (fixture->store), position);
              g_autoptr (YunInstance) copy = new_instance (yun_instance_get_instance_id (old),
                                                           yun_instance_get_name (old), "STOPPED");

              g_list_store_splice (fixture->store, position, 1, (gpointer *) &copy, 1);
            }
          break;
        case 3:
          {
            g_autofree char *id = g_strdup_printf ("ins-more%03u", n_added++);
            g_autoptr (YunInstance) instance = new_instance (id, "more", "RUNNING");

            g_list_store_insert (fixture->store, g_test_rand_int_range (0, n_store + 1), instance);
          }
          break;
        case 4:
          if (n_store > 0)
            g_list_store_remove (fixture->store, g_test_rand_int_range (0, n_store));
          break;
        case 5:
          if (n_rows > 0)
            gtk_selection_model_select_item (selection, g_test_rand_int_range (0, n_rows),
                                             g_test_rand_bit ());
          break;
        case 6:
          if (g_test_rand_bit ())
            gtk_selection_model_select_all (selection);
          else
            gtk_selection_model_unselect_all (selection);
          break;
        case 7:
        case 8:
          yun_instance_selection_catch_up (fixture->selection);
          break;
        case 9:
          shown_first = n_rows > 0 ? g_test_rand_int_range (0, n_rows) : 0;
          yun_instance_selection_set_shown_range (fixture->selection, shown_first, 5);
          held_first = shown_first > 10 ? shown_first - 10 : 0;
          hold_rows (fixture, held, held_first);
          break;
        case 10:
          yun_instance_selection_set_n_fitting (fixture->selection, g_test_rand_int_range (0, 20));
          break;
        default: /* now and then, a pause in the changes, and the frames after it */
          if (g_test_rand_int_range (0, 8) == 0)
            {
              /* Longer than the pause; without blocking, since nothing may be waiting. */
              gint64 deadline = g_get_monotonic_time () + 1200 * G_TIME_SPAN_MILLISECOND;

              while (!yun_instance_selection_get_catching_up (fixture->selection)
                     && g_get_monotonic_time () < deadline)
                if (!g_main_context_iteration (NULL, FALSE))
                  g_usleep (10 * G_TIME_SPAN_MILLISECOND);
              while (yun_instance_selection_catch_up (fixture->selection))
                ;
              g_assert_true (list_is_complete (fixture->selection)
                             || g_list_model_get_n_items (G_LIST_MODEL (fixture->selection)) <= 20);
            }
          break;
        }
      assert_consistent (fixture, held, held_first, shown_first);
    }
}

/* GTK hears of selection changes where rows may show other selected instances. */
static void
test_selection_changed_signals (Fixture *fixture, gconstpointer data)
{
  GtkSelectionModel *model = GTK_SELECTION_MODEL (fixture->selection);

  set_prefix (fixture, "web");
  g_assert_cmpuint (fixture->n_selection_changed, ==, 0);
  g_assert_true (gtk_selection_model_select_item (model, 0, FALSE));
  g_assert_cmpuint (fixture->n_selection_changed, ==, 1);
  /* Selecting what is selected changes nothing. */
  g_assert_true (gtk_selection_model_select_item (model, 0, FALSE));
  g_assert_cmpuint (fixture->n_selection_changed, ==, 1);
  /* The rows from the change on may show other selected instances. */
  set_prefix (fixture, NULL);
  g_assert_cmpuint (fixture->n_selection_changed, ==, 2);
  g_assert_true (gtk_selection_model_is_selected (model, 0));
}

/* No model, an empty one, none again: nothing to tell and nothing to touch (the sanitizer
 * build checks that an empty list's missing storage is never handed to memmove). */
static void
test_empty (void)
{
  g_autoptr (YunInstanceSelection) selection = yun_instance_selection_new (NULL);
  g_autoptr (GListStore) store = g_list_store_new (YUN_TYPE_INSTANCE);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (selection)), ==, 0);
  yun_instance_selection_set_model (selection, G_LIST_MODEL (store));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (selection)), ==, 0);
  g_assert_true (list_is_complete (selection));
  g_assert_false (yun_instance_selection_select_id (selection, "ins-none"));
  yun_instance_selection_set_model (selection, NULL);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (selection), 0));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/yun/instance-selection/rows-keep-their-place", test_rows_keep_their_place);
  ADD ("/yun/instance-selection/rows-are-not-kept", test_rows_are_not_kept);
  ADD ("/yun/instance-selection/rows-off-screen-follow-later", test_rows_off_screen_follow_later);
  ADD ("/yun/instance-selection/selection-follows-instances", test_selection_follows_instances);
  ADD ("/yun/instance-selection/selection-changed", test_selection_changed_signals);
  ADD ("/yun/instance-selection/progressive", test_progressive);
  ADD ("/yun/instance-selection/screenful", test_screenful);
  ADD ("/yun/instance-selection/blank-rows", test_blank_rows);
  ADD ("/yun/instance-selection/no-blank-screen", test_no_blank_screen);
  ADD ("/yun/instance-selection/random-changes", test_random_changes);
#undef ADD
  g_test_add_func ("/yun/instance-selection/empty", test_empty);

  return g_test_run ();
}
