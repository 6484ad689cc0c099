/* yun-instance-cell.c: the cells of the instance list, built in code
 *
 * SPDX-License-Identifier: MIT
 *
 * A filter keystroke over ten thousand instances replaces the rows on screen, and every
 * new row builds one cell per column. A GtkBuilderListItemFactory parses its XML for each
 * of those cells; these factories make an inscription (the state column: a spinner and a
 * label) in a few calls instead. A cell shows its row's instance: it is filled at bind and
 * again whenever the row is given another instance (instances are immutable snapshots).
 */

#define G_LOG_DOMAIN "yun-instance-cell"

#include "config.h"

#include "yun-instance-cell.h"

#include <glib/gi18n.h>

#include "yun-instance-row.h"

typedef char *(*CellText) (YunInstance *instance);

typedef struct
{
  CellText text;
  float xalign;
  gboolean ellipsize;
  gboolean tooltip;
  const char *css_class;
} CellSpec;

/* ---- Texts ---- */

/**
 * yun_instance_state_get_label:
 * @state: (nullable): an InstanceState such as "RUNNING"
 *
 * Returns: what the user reads for @state, translated
 */
const char *
yun_instance_state_get_label (const char *state)
{
  static const struct
  {
    const char *state;
    const char *label;
  } labels[] = {
    { "PENDING", NC_ ("instance state", "Creating") },
    { "LAUNCH_FAILED", NC_ ("instance state", "Launch failed") },
    { "RUNNING", NC_ ("instance state", "Running") },
    { "STOPPED", NC_ ("instance state", "Stopped") },
    { "STARTING", NC_ ("instance state", "Starting") },
    { "STOPPING", NC_ ("instance state", "Stopping") },
    { "REBOOTING", NC_ ("instance state", "Rebooting") },
    /* Translators: SHUTDOWN: stopped, waiting to be destroyed (not the act of shutting down) */
    { "SHUTDOWN", NC_ ("instance state", "Shut down") },
    { "TERMINATING", NC_ ("instance state", "Terminating") },
  };

  if (state == NULL)
    return "";
  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_str_equal (state, labels[i].state))
      return g_dpgettext2 (GETTEXT_PACKAGE, "instance state", labels[i].label);
  return state;
}

static const char *const state_css_classes[] = { "success", "error", "warning", "dim-label" };

static const char *
state_css_class (const char *state)
{
  if (g_strcmp0 (state, "RUNNING") == 0)
    return "success";
  if (g_strcmp0 (state, "LAUNCH_FAILED") == 0 || g_strcmp0 (state, "SHUTDOWN") == 0)
    return "error";
  if (yun_instance_state_is_transitional (state))
    return "warning";
  return "dim-label";
}

static char *
text_or_empty (const char *text)
{
  return g_strdup (text != NULL ? text : "");
}

static char *
name_text (YunInstance *instance)
{
  return text_or_empty (yun_instance_get_name (instance));
}

static char *
instance_id_text (YunInstance *instance)
{
  return text_or_empty (yun_instance_get_instance_id (instance));
}

static char *
zone_text (YunInstance *instance)
{
  return text_or_empty (yun_instance_get_zone (instance));
}

static char *
type_text (YunInstance *instance)
{
  return text_or_empty (yun_instance_get_instance_type (instance));
}

static char *
os_text (YunInstance *instance)
{
  return text_or_empty (yun_instance_get_os_name (instance));
}

static char *
cpu_text (YunInstance *instance)
{
  guint cpu = yun_instance_get_cpu (instance);

  return cpu > 0 ? g_strdup_printf ("%u", cpu) : g_strdup ("");
}

static char *
memory_text (YunInstance *instance)
{
  guint memory_gb = yun_instance_get_memory (instance);

  /* Translators: memory size in gigabytes */
  return memory_gb > 0 ? g_strdup_printf (_ ("%u GB"), memory_gb) : g_strdup ("");
}

static char *
addresses_text (const char *const *addresses)
{
  if (addresses == NULL || addresses[0] == NULL)
    return g_strdup ("");
  return g_strjoinv (", ", (char **) addresses);
}

static char *
public_ip_text (YunInstance *instance)
{
  return addresses_text (yun_instance_get_public_ips (instance));
}

static char *
private_ip_text (YunInstance *instance)
{
  return addresses_text (yun_instance_get_private_ips (instance));
}

static char *
charge_type_text (YunInstance *instance)
{
  const char *charge_type = yun_instance_get_charge_type (instance);

  if (g_strcmp0 (charge_type, "POSTPAID_BY_HOUR") == 0)
    return g_strdup (_ ("Pay as you go"));
  if (g_strcmp0 (charge_type, "PREPAID") == 0)
    return g_strdup (_ ("Monthly"));
  if (g_strcmp0 (charge_type, "SPOTPAID") == 0)
    return g_strdup (_ ("Spot"));
  if (g_strcmp0 (charge_type, "CDHPAID") == 0)
    return g_strdup (_ ("Dedicated host"));
  return text_or_empty (charge_type);
}

/* The local time zone, read once: g_date_time_to_local() reads the /etc/localtime link at
 * every call, a system call per cell. */
static GTimeZone *
local_time_zone (void)
{
  static GTimeZone *local;

  if (local == NULL)
    local = g_time_zone_new_local ();
  return local;
}

static char *
created_text (YunInstance *instance)
{
  GDateTime *created = yun_instance_get_created_time (instance);
  g_autoptr (GDateTime) local = NULL;

  if (created == NULL)
    return g_strdup ("");
  local = g_date_time_to_timezone (created, local_time_zone ());
  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

static const CellSpec cell_specs[] = {
  [YUN_INSTANCE_CELL_NAME] = { name_text, 0, TRUE, TRUE, NULL },
  [YUN_INSTANCE_CELL_INSTANCE_ID] = { instance_id_text, 0, FALSE, FALSE, "monospace" },
  [YUN_INSTANCE_CELL_STATE] = { NULL, 0, FALSE, FALSE, NULL },
  [YUN_INSTANCE_CELL_ZONE] = { zone_text, 0, FALSE, FALSE, NULL },
  [YUN_INSTANCE_CELL_TYPE] = { type_text, 0, FALSE, FALSE, NULL },
  [YUN_INSTANCE_CELL_CPU] = { cpu_text, 1, FALSE, FALSE, "numeric" },
  [YUN_INSTANCE_CELL_MEMORY] = { memory_text, 1, FALSE, FALSE, "numeric" },
  [YUN_INSTANCE_CELL_OS] = { os_text, 0, TRUE, TRUE, NULL },
  [YUN_INSTANCE_CELL_PUBLIC_IP] = { public_ip_text, 0, TRUE, TRUE, "monospace" },
  [YUN_INSTANCE_CELL_PRIVATE_IP] = { private_ip_text, 0, TRUE, TRUE, "monospace" },
  [YUN_INSTANCE_CELL_CHARGE_TYPE] = { charge_type_text, 0, FALSE, FALSE, NULL },
  [YUN_INSTANCE_CELL_CREATED] = { created_text, 0, FALSE, FALSE, "numeric" },
};

/* ---- Following the row ---- */

typedef void (*CellFill) (GtkListItem *list_item);

/* (nullable): nothing in a blank row */
static YunInstance *
cell_instance (GtkListItem *list_item)
{
  return yun_instance_row_get_instance (gtk_list_item_get_item (list_item));
}

/* Fills the cell now and whenever its row shows another instance. */
static void
follow_row (GtkListItem *list_item, CellFill fill)
{
  fill (list_item);
  g_signal_connect_swapped (gtk_list_item_get_item (list_item), "notify::instance",
                            G_CALLBACK (fill), list_item);
}

static void
unfollow_row (GtkListItem *list_item, CellFill fill)
{
  g_signal_handlers_disconnect_by_func (gtk_list_item_get_item (list_item), fill, list_item);
}

/* ---- Text cells ---- */

static GQuark
cell_spec_quark (void)
{
  return g_quark_from_static_string ("yun-instance-cell-spec");
}

/* Only what may not fit has a tooltip with all of it. It is asked for when the pointer
 * rests on the cell: gtk_widget_set_tooltip_text() at every bind would ask the display
 * server where the pointer is, a round trip per cell. */
static gboolean
on_query_tooltip (GtkWidget *widget, int x, int y, gboolean keyboard_mode, GtkTooltip *tooltip)
{
  const char *text = gtk_inscription_get_text (GTK_INSCRIPTION (widget));

  if (text == NULL || *text == '\0')
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/* A GtkInscription, not a GtkLabel: its size does not depend on its text, so a new row
 * costs no text measuring. */
static void
on_text_setup (GtkSignalListItemFactory *factory, GtkListItem *list_item, const CellSpec *spec)
{
  GtkWidget *inscription = gtk_inscription_new (NULL);

  g_object_set_qdata (G_OBJECT (inscription), cell_spec_quark (), (gpointer) spec);
  gtk_inscription_set_xalign (GTK_INSCRIPTION (inscription), spec->xalign);
  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (inscription),
                                     spec->ellipsize ? GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END
                                                     : GTK_INSCRIPTION_OVERFLOW_CLIP);
  gtk_widget_set_hexpand (inscription, TRUE);
  /* One line high: given the row's height, a long text would wrap to a second line and
   * stand off-centre instead of ending in an ellipsis. */
  gtk_widget_set_valign (inscription, GTK_ALIGN_CENTER);
  if (spec->css_class != NULL)
    gtk_widget_add_css_class (inscription, spec->css_class);
  if (spec->tooltip)
    {
      gtk_widget_set_has_tooltip (inscription, TRUE);
      g_signal_connect (inscription, "query-tooltip", G_CALLBACK (on_query_tooltip), NULL);
    }
  gtk_list_item_set_child (list_item, inscription);
}

static void
fill_text (GtkListItem *list_item)
{
  GtkWidget *inscription = gtk_list_item_get_child (list_item);
  const CellSpec *spec = g_object_get_qdata (G_OBJECT (inscription), cell_spec_quark ());
  YunInstance *instance = cell_instance (list_item);
  g_autofree char *text = instance != NULL ? spec->text (instance) : NULL;

  gtk_inscription_set_text (GTK_INSCRIPTION (inscription), text);
}

static void
on_text_bind (GtkSignalListItemFactory *factory, GtkListItem *list_item)
{
  follow_row (list_item, fill_text);
}

static void
on_text_unbind (GtkSignalListItemFactory *factory, GtkListItem *list_item)
{
  unfollow_row (list_item, fill_text);
}

/* ---- The state cell: a spinner while the instance moves, and a coloured label ---- */

/* The label first; the spinner is added the first time the row shows a moving instance,
 * since most rows never do and each widget delays the rows' first frame. */
static void
on_state_setup (GtkSignalListItemFactory *factory, GtkListItem *list_item)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_inscription_new (NULL);

  gtk_widget_set_hexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_item_set_child (list_item, box);
}

/* (nullable): the state cell's spinner, made if @create */
static GtkWidget *
state_spinner (GtkListItem *list_item, gboolean create)
{
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GtkWidget *first = gtk_widget_get_first_child (box);

  if (GTK_IS_SPINNER (first) || !create)
    return GTK_IS_SPINNER (first) ? first : NULL;
  first = gtk_spinner_new ();
  gtk_box_prepend (GTK_BOX (box), first);
  return first;
}

static void
fill_state (GtkListItem *list_item)
{
  YunInstance *instance = cell_instance (list_item);
  GtkWidget *label = gtk_widget_get_last_child (gtk_list_item_get_child (list_item));
  const char *state = instance != NULL ? yun_instance_get_state (instance) : NULL;
  gboolean transitional = instance != NULL && yun_instance_get_transitional (instance);
  GtkWidget *spinner = state_spinner (list_item, transitional);
  const char *css_class = instance != NULL ? state_css_class (state) : NULL;

  if (spinner != NULL)
    {
      gtk_spinner_set_spinning (GTK_SPINNER (spinner), transitional);
      gtk_widget_set_visible (spinner, transitional);
    }
  gtk_inscription_set_text (GTK_INSCRIPTION (label),
                            instance != NULL ? yun_instance_state_get_label (state) : NULL);
  /* Class by class: a node whose classes stay as they were is not styled again. */
  for (guint i = 0; i < G_N_ELEMENTS (state_css_classes); i++)
    if (g_strcmp0 (state_css_classes[i], css_class) == 0)
      gtk_widget_add_css_class (label, state_css_classes[i]);
    else
      gtk_widget_remove_css_class (label, state_css_classes[i]);
}

static void
on_state_bind (GtkSignalListItemFactory *factory, GtkListItem *list_item)
{
  follow_row (list_item, fill_state);
}

static void
on_state_unbind (GtkSignalListItemFactory *factory, GtkListItem *list_item)
{
  GtkWidget *spinner = state_spinner (list_item, FALSE);

  unfollow_row (list_item, fill_state);
  /* A spinner off screen still ticks. */
  if (spinner != NULL)
    gtk_spinner_set_spinning (GTK_SPINNER (spinner), FALSE);
}

/**
 * yun_instance_cell_factory_new:
 * @cell: which column's cells
 *
 * Returns: (transfer full): a factory for the cells of the column @cell
 */
GtkListItemFactory *
yun_instance_cell_factory_new (YunInstanceCell cell)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  const CellSpec *spec;

  g_return_val_if_fail ((guint) cell < G_N_ELEMENTS (cell_specs), factory);

  if (cell == YUN_INSTANCE_CELL_STATE)
    {
      g_signal_connect (factory, "setup", G_CALLBACK (on_state_setup), NULL);
      g_signal_connect (factory, "bind", G_CALLBACK (on_state_bind), NULL);
      g_signal_connect (factory, "unbind", G_CALLBACK (on_state_unbind), NULL);
      return factory;
    }
  spec = &cell_specs[cell];
  g_signal_connect (factory, "setup", G_CALLBACK (on_text_setup), (gpointer) spec);
  g_signal_connect (factory, "bind", G_CALLBACK (on_text_bind), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (on_text_unbind), NULL);
  return factory;
}
