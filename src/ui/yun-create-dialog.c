/* yun-create-dialog.c: what instances to create, and where
 *
 * SPDX-License-Identifier: MIT
 *
 * A window that asks where, from which image, of which type and how many instances to
 * create, and answers with a create YunJobSpec through an _async/_finish pair, or
 * G_IO_ERROR_CANCELLED. Its lists come from the core's _async calls, one chain per choice:
 * the region gives the zones and the images, the zone gives the instance types. Each link has
 * its own GCancellable, cancelled when the choice above it changes or the dialog closes, so a
 * late answer never lands in a list it no longer belongs to. The price is asked 400 ms after
 * the last change and never holds up Create.
 */

#define G_LOG_DOMAIN "yun-create-dialog"

#include "config.h"

#include "yun-create-dialog.h"

#include <glib/gi18n.h>
#include <string.h>

#include "yun-dialog-answer.h"

/* How long the request must stay the same before its price is asked. */
#define PRICE_DELAY_MS 400
#define NAME_INDEX "{index}"
#define CHARGE_TYPE "POSTPAID_BY_HOUR"
#define INTERNET_CHARGE_TYPE "TRAFFIC_POSTPAID_BY_HOUR"

enum
{
  SOURCE_PUBLIC,
  SOURCE_CUSTOM,
};

struct _YunCreateDialog
{
  AdwWindow parent_instance;

  /* Template widgets */
  AdwWindowTitle *window_title;
  GtkButton *create_button;
  GtkButton *dry_run_button;
  AdwComboRow *region_row;
  GtkSpinner *region_spinner;
  AdwComboRow *zone_row;
  GtkSpinner *zone_spinner;
  GtkLabel *location_error;
  AdwComboRow *source_row;
  AdwComboRow *image_row;
  GtkSpinner *image_spinner;
  GtkLabel *image_error;
  AdwComboRow *type_row;
  GtkSpinner *type_spinner;
  GtkLabel *type_error;
  GtkSpinButton *count_spin;
  AdwEntryRow *name_row;
  AdwActionRow *names_row;
  GtkSpinButton *disk_spin;
  GtkSpinButton *bandwidth_spin;
  AdwPasswordEntryRow *password_row;
  GtkSwitch *remember_switch;
  GtkLabel *password_label;
  GtkSpinner *price_spinner;
  GtkLabel *price_label;
  GtkLabel *price_detail;

  /* Owned */
  YunWorkspace *workspace;
  GSettings *settings;
  YunDialogAnswer *answer; /* until answered */
  GListStore *regions;     /* YunRegion */
  GListStore *zones;       /* YunZone */
  GListStore *images;      /* YunImage */
  GListStore *types;       /* YunInstanceTypeQuota */
  GCancellable *regions_cancellable;
  GCancellable *zones_cancellable;
  GCancellable *images_cancellable;
  GCancellable *types_cancellable;
  GCancellable *price_cancellable;
  guint price_source;
  YunPrice *price;  /* of one instance, for the request last asked */
  char *region;     /* whose zones and images the lists hold */
  char *zone;       /* whose types the list holds */
  guint source;     /* whose images the list holds */
  gboolean filling; /* a list is being replaced: its selection changes mean nothing */
};

G_DEFINE_FINAL_TYPE (YunCreateDialog, yun_create_dialog, ADW_TYPE_WINDOW)

static void update_sensitivity (YunCreateDialog *self);
static void schedule_price (YunCreateDialog *self);
static void on_region_selected (YunCreateDialog *self);
static void on_zone_selected (YunCreateDialog *self);
static void on_source_selected (YunCreateDialog *self);

/* ---- Helpers ---- */

/* Cancels what *@cancellable guarded, and gives a fresh one for the next call. */
static GCancellable *
restart (GCancellable **cancellable)
{
  if (*cancellable != NULL)
    g_cancellable_cancel (*cancellable);
  g_clear_object (cancellable);
  *cancellable = g_cancellable_new ();
  return *cancellable;
}

static void
stop (GCancellable **cancellable)
{
  if (*cancellable != NULL)
    g_cancellable_cancel (*cancellable);
  g_clear_object (cancellable);
}

static void
set_busy (GtkSpinner *spinner, gboolean busy)
{
  gtk_spinner_set_spinning (spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (spinner), busy);
}

static void
show_error (GtkLabel *label, const char *message)
{
  gtk_label_set_label (label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL);
}

static gpointer
selected (AdwComboRow *row)
{
  return adw_combo_row_get_selected_item (row);
}

/* Replaces the items of @store by @items, selecting @position, without the row's selection
 * handler seeing the lists in between. */
static void
fill (YunCreateDialog *self, AdwComboRow *row, GListStore *store, GPtrArray *items, guint position)
{
  self->filling = TRUE;
  g_list_store_splice (store, 0, g_list_model_get_n_items (G_LIST_MODEL (store)),
                       items != NULL ? items->pdata : NULL, items != NULL ? items->len : 0);
  if (items != NULL && position < items->len)
    adw_combo_row_set_selected (row, position);
  self->filling = FALSE;
}

static char *
region_label (YunRegion *region)
{
  if (region == NULL)
    return g_strdup ("");
  /* Translators: a region's name, then its ID such as ap-guangzhou */
  return g_strdup_printf (_ ("%s (%s)"), yun_region_get_name (region),
                          yun_region_get_region (region));
}

static char *
zone_label (YunZone *zone)
{
  if (zone == NULL)
    return g_strdup ("");
  /* Translators: a zone's name, then its ID such as ap-guangzhou-3 */
  return g_strdup_printf (_ ("%s (%s)"), yun_zone_get_name (zone), yun_zone_get_zone (zone));
}

static char *
image_label (YunImage *image)
{
  if (image == NULL)
    return g_strdup ("");
  /* Translators: an image's name, then its ID such as img-eb30mz89 */
  return g_strdup_printf (_ ("%s (%s)"), yun_image_get_name (image),
                          yun_image_get_image_id (image));
}

static char *
type_label (YunInstanceTypeQuota *quota)
{
  g_autofree char *label = NULL;

  if (quota == NULL)
    return g_strdup ("");
  /* Translators: an instance type such as S5.MEDIUM4, its CPU cores and its memory in GB */
  label = g_strdup_printf (
    _ ("%s · %u vCPU · %u GB"), yun_instance_type_quota_get_instance_type (quota),
    yun_instance_type_quota_get_cpu (quota), yun_instance_type_quota_get_memory (quota));
  if (yun_instance_type_quota_get_sellable (quota))
    return g_steal_pointer (&label);
  /* Translators: an instance type that cannot be bought in this zone now */
  return g_strdup_printf (_ ("%s — sold out"), label);
}

static void
set_label_expression (AdwComboRow *row, GType type, GCallback callback)
{
  GtkExpression *expression
    = gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 0, NULL, callback, NULL, NULL);

  g_assert (g_type_is_a (type, G_TYPE_OBJECT));
  adw_combo_row_set_expression (row, expression);
  gtk_expression_unref (expression);
}

/* The popover's rows for instance types: sold-out ones are dimmed and cannot be picked. */
static void
on_type_item_setup (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_list_item_set_child (item, label);
}

static void
on_type_item_bind (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  YunInstanceTypeQuota *quota = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);
  g_autofree char *text = type_label (quota);
  gboolean sellable = yun_instance_type_quota_get_sellable (quota);

  gtk_label_set_label (GTK_LABEL (label), text);
  gtk_list_item_set_activatable (item, sellable);
  gtk_list_item_set_selectable (item, sellable);
  gtk_widget_set_sensitive (label, sellable);
}

/* ---- Names ---- */

/* @pattern with its first {index} replaced by @replacement, or %NULL without one. */
static char *
replace_index (const char *pattern, const char *replacement)
{
  const char *at = strstr (pattern, NAME_INDEX);

  if (at == NULL)
    return NULL;
  return g_strdup_printf ("%.*s%s%s", (int) (at - pattern), pattern, replacement,
                          at + strlen (NAME_INDEX));
}

static char *
dup_pattern (YunCreateDialog *self)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
}

static guint
get_count (YunCreateDialog *self)
{
  return (guint) gtk_spin_button_get_value_as_int (self->count_spin);
}

/* The name the API gets: {index} becomes its sequence pattern {R:1} for a batch, and 1 for
 * a single instance. %NULL lets the service name them. */
static char *
api_name (const char *pattern, guint count)
{
  char *name;

  if (*pattern == '\0')
    return NULL;
  name = replace_index (pattern, count > 1 ? "{R:1}" : "1");
  return name != NULL ? name : g_strdup (pattern);
}

/* The name of the @index-th instance (from 1) as the service will give it. */
static char *
example_name (const char *pattern, guint count, guint index)
{
  g_autofree char *number = g_strdup_printf ("%u", index);
  char *name = replace_index (pattern, number);

  if (name != NULL)
    return name;
  /* A plain name gets the numbers appended in a batch. */
  return count > 1 ? g_strconcat (pattern, number, NULL) : g_strdup (pattern);
}

static void
update_names (YunCreateDialog *self)
{
  g_autofree char *pattern = dup_pattern (self);
  guint count = get_count (self);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *text = NULL;

  if (*pattern == '\0')
    {
      adw_action_row_set_subtitle (self->names_row, _ ("Chosen by Tencent Cloud"));
      return;
    }
  first = example_name (pattern, count, 1);
  if (count == 1)
    {
      adw_action_row_set_subtitle (self->names_row, first);
      return;
    }
  second = example_name (pattern, count, 2);
  if (count == 2)
    /* Translators: the names of the two new instances */
    text = g_strdup_printf (_ ("%s, %s"), first, second);
  else
    /* Translators: the names of the first two new instances, and more follow */
    text = g_strdup_printf (_ ("%s, %s, …"), first, second);
  adw_action_row_set_subtitle (self->names_row, text);
}

/* ---- Validation ---- */

static YunOsFamily
image_os_family (YunCreateDialog *self)
{
  YunImage *image = selected (self->image_row);

  return image != NULL ? yun_image_get_os_family (image) : YUN_OS_FAMILY_UNKNOWN;
}

/* Whether the password is empty (the service then sends one) or passes the image's rules;
 * shows which. */
static gboolean
check_password (YunCreateDialog *self)
{
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  g_autoptr (GError) error = NULL;

  if (*password == '\0')
    {
      gtk_label_set_label (self->password_label,
                           _ ("Empty: Tencent Cloud sends a random password to the account’s "
                              "message center"));
      gtk_widget_set_css_classes (GTK_WIDGET (self->password_label),
                                  (const char *[]){ "dim-label", NULL });
      return TRUE;
    }
  if (yun_password_check (password, image_os_family (self), YUN_PASSWORD_CONTEXT_CREATE, NULL,
                          &error))
    {
      gtk_label_set_label (self->password_label, _ ("Meets the rules"));
      gtk_widget_set_css_classes (GTK_WIDGET (self->password_label),
                                  (const char *[]){ "success", NULL });
      return TRUE;
    }
  gtk_label_set_label (self->password_label, error->message);
  gtk_widget_set_css_classes (GTK_WIDGET (self->password_label), (const char *[]){ "error", NULL });
  return FALSE;
}

/* The selected type, if it can be bought. */
static YunInstanceTypeQuota *
sellable_type (YunCreateDialog *self)
{
  YunInstanceTypeQuota *quota = selected (self->type_row);

  return quota != NULL && yun_instance_type_quota_get_sellable (quota) ? quota : NULL;
}

static void
update_sensitivity (YunCreateDialog *self)
{
  gboolean password_ok = check_password (self);
  gboolean enabled = self->answer != NULL && selected (self->region_row) != NULL
                     && selected (self->zone_row) != NULL && selected (self->image_row) != NULL
                     && sellable_type (self) != NULL && password_ok;

  gtk_widget_set_sensitive (GTK_WIDGET (self->create_button), enabled);
  gtk_widget_set_sensitive (GTK_WIDGET (self->dry_run_button), enabled);
}

/* ---- The request ---- */

/* What the current choices ask for, or %NULL while one is missing. @for_price leaves out the
 * password and asks for one instance: the price inquiry takes at most 100. */
static YunRunInstancesRequest *
build_request (YunCreateDialog *self, gboolean for_price)
{
  YunZone *zone = selected (self->zone_row);
  YunImage *image = selected (self->image_row);
  YunInstanceTypeQuota *quota = sellable_type (self);
  guint bandwidth = (guint) gtk_spin_button_get_value_as_int (self->bandwidth_spin);
  guint count = get_count (self);
  g_autoptr (YunRunInstancesRequest) request = NULL;
  g_autofree char *pattern = dup_pattern (self);
  g_autofree char *name = api_name (pattern, count);
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  if (zone == NULL || image == NULL || quota == NULL)
    return NULL;

  request
    = yun_run_instances_request_new (yun_zone_get_zone (zone), yun_image_get_image_id (image));
  yun_run_instances_request_set_instance_type (request,
                                               yun_instance_type_quota_get_instance_type (quota));
  yun_run_instances_request_set_charge_type (request, CHARGE_TYPE);
  yun_run_instances_request_set_count (request, for_price ? 1 : count);
  yun_run_instances_request_set_os_family (request, yun_image_get_os_family (image));
  yun_run_instances_request_set_system_disk (
    request, NULL, (guint) gtk_spin_button_get_value_as_int (self->disk_spin));
  yun_run_instances_request_set_bandwidth (request, INTERNET_CHARGE_TYPE, bandwidth, bandwidth > 0);
  if (name != NULL)
    yun_run_instances_request_set_name (request, name);
  if (!for_price && *password != '\0')
    yun_run_instances_request_set_password (request, password);
  return g_steal_pointer (&request);
}

/* ---- The price ---- */

static char *
format_money (double amount)
{
  /* Translators: an amount in yuan (CNY) */
  return g_strdup_printf (_ ("¥%.2f"), amount);
}

/* Shows the last price for the current count: the service's price of one instance, times
 * the count. */
static void
show_price (YunCreateDialog *self)
{
  YunItemPrice *instance = self->price != NULL ? self->price->instance_price : NULL;
  YunItemPrice *bandwidth = self->price != NULL ? self->price->bandwidth_price : NULL;
  guint count = get_count (self);
  g_autofree char *text = NULL;
  g_autofree char *detail = NULL;

  gtk_widget_set_css_classes (GTK_WIDGET (self->price_label), (const char *[]){ "heading", NULL });
  if (instance == NULL)
    {
      gtk_label_set_label (self->price_label, "");
      gtk_widget_set_visible (GTK_WIDGET (self->price_detail), FALSE);
      return;
    }

  if (instance->is_postpaid)
    {
      g_autofree char *each = format_money (instance->unit_price_discount);
      g_autofree char *total = format_money (instance->unit_price_discount * count);

      if (count == 1)
        /* Translators: the price of one instance */
        text = g_strdup_printf (_ ("%s an hour"), each);
      else
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             /* Translators: total, count, price of one */
                                             "%s an hour for %u instance (%s each)",
                                             "%s an hour for %u instances (%s each)", count),
                                total, count, each);
    }
  else if (instance->is_prepaid)
    {
      g_autofree char *each = format_money (instance->discount_price);
      g_autofree char *total = format_money (instance->discount_price * count);

      if (count == 1)
        /* Translators: the price of one instance */
        text = g_strdup_printf (_ ("%s a month"), each);
      else
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             /* Translators: total, count, price of one */
                                             "%s a month for %u instance (%s each)",
                                             "%s a month for %u instances (%s each)", count),
                                total, count, each);
    }
  else
    {
      text = g_strdup (_ ("No price was given for this configuration"));
    }
  gtk_label_set_label (self->price_label, text);

  if (bandwidth != NULL && bandwidth->is_postpaid)
    {
      g_autofree char *unit = format_money (bandwidth->unit_price_discount);

      if (g_strcmp0 (bandwidth->charge_unit, "GB") == 0)
        /* Translators: the price of one GB of outgoing public traffic */
        detail = g_strdup_printf (_ ("Plus %s per GB of public traffic"), unit);
      else
        /* Translators: the price of one instance's public bandwidth */
        detail = g_strdup_printf (_ ("Plus %s an hour of public bandwidth per instance"), unit);
    }
  gtk_label_set_label (self->price_detail, detail != NULL ? detail : "");
  gtk_widget_set_visible (GTK_WIDGET (self->price_detail), detail != NULL);
}

static void
on_price_received (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (YunCreateDialog) self = user_data;
  g_autoptr (GError) error = NULL;
  YunPrice *price
    = yun_client_inquiry_price_run_instances_finish (YUN_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self->price_spinner, FALSE);
  g_clear_pointer (&self->price, yun_price_free);
  self->price = price;
  if (price == NULL)
    {
      gtk_label_set_label (self->price_label, error->message);
      gtk_widget_set_css_classes (GTK_WIDGET (self->price_label),
                                  (const char *[]){ "error", NULL });
      gtk_widget_set_visible (GTK_WIDGET (self->price_detail), FALSE);
      return;
    }
  show_price (self);
}

static gboolean
ask_price (gpointer user_data)
{
  YunCreateDialog *self = user_data;
  YunClient *client = yun_workspace_get_client (self->workspace);
  g_autoptr (YunRunInstancesRequest) request = NULL;
  YunRegion *region = selected (self->region_row);

  self->price_source = 0;
  stop (&self->price_cancellable);
  g_clear_pointer (&self->price, yun_price_free);
  request = build_request (self, TRUE);
  if (request == NULL || region == NULL || client == NULL)
    {
      set_busy (self->price_spinner, FALSE);
      show_price (self);
      return G_SOURCE_REMOVE;
    }
  set_busy (self->price_spinner, TRUE);
  gtk_widget_set_css_classes (GTK_WIDGET (self->price_label),
                              (const char *[]){ "heading", "dim-label", NULL });
  gtk_label_set_label (self->price_label, _ ("Asking for the price…"));
  gtk_widget_set_visible (GTK_WIDGET (self->price_detail), FALSE);
  yun_client_inquiry_price_run_instances_async (client, yun_region_get_region (region), request,
                                                restart (&self->price_cancellable),
                                                on_price_received, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

/* Asks for the price once the choices have stayed the same for PRICE_DELAY_MS; an answer to
 * an older request is dropped. */
static void
schedule_price (YunCreateDialog *self)
{
  g_clear_handle_id (&self->price_source, g_source_remove);
  stop (&self->price_cancellable);
  self->price_source = g_timeout_add (PRICE_DELAY_MS, ask_price, self);
}

/* ---- Instance types ---- */

static int
compare_types (gconstpointer a, gconstpointer b)
{
  YunInstanceTypeQuota *x = *(YunInstanceTypeQuota **) a;
  YunInstanceTypeQuota *y = *(YunInstanceTypeQuota **) b;
  guint xc = yun_instance_type_quota_get_cpu (x), yc = yun_instance_type_quota_get_cpu (y);
  guint xm = yun_instance_type_quota_get_memory (x), ym = yun_instance_type_quota_get_memory (y);

  if (xc != yc)
    return xc < yc ? -1 : 1;
  if (xm != ym)
    return xm < ym ? -1 : 1;
  return g_strcmp0 (yun_instance_type_quota_get_instance_type (x),
                    yun_instance_type_quota_get_instance_type (y));
}

static void
on_types_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (YunCreateDialog) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) types = NULL;
  guint cpu, memory, position = G_MAXUINT;

  types
    = yun_client_describe_zone_instance_config_infos_finish (YUN_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self->type_spinner, FALSE);
  if (types == NULL)
    {
      show_error (self->type_error, error->message);
      update_sensitivity (self);
      return;
    }

  /* The preferred size if it sells here, else the smallest that does. */
  g_ptr_array_sort (types, compare_types);
  cpu = g_settings_get_uint (self->settings, "default-cpu");
  memory = g_settings_get_uint (self->settings, "default-memory");
  for (guint i = 0; i < types->len && position == G_MAXUINT; i++)
    {
      YunInstanceTypeQuota *quota = g_ptr_array_index (types, i);

      if (yun_instance_type_quota_get_sellable (quota)
          && yun_instance_type_quota_get_cpu (quota) == cpu
          && yun_instance_type_quota_get_memory (quota) == memory)
        position = i;
    }
  for (guint i = 0; i < types->len && position == G_MAXUINT; i++)
    if (yun_instance_type_quota_get_sellable (g_ptr_array_index (types, i)))
      position = i;

  fill (self, self->type_row, self->types, types, position == G_MAXUINT ? 0 : position);
  if (types->len == 0)
    show_error (self->type_error, _ ("No instance type is offered in this zone"));
  else if (position == G_MAXUINT)
    show_error (self->type_error, _ ("Every instance type is sold out in this zone"));
  else
    show_error (self->type_error, NULL);
  update_sensitivity (self);
  schedule_price (self);
}

static void
load_types (YunCreateDialog *self)
{
  YunClient *client = yun_workspace_get_client (self->workspace);
  g_autoptr (YunFilters) filters = yun_filters_new ();

  fill (self, self->type_row, self->types, NULL, 0);
  show_error (self->type_error, NULL);
  if (self->zone == NULL || self->region == NULL)
    {
      stop (&self->types_cancellable);
      set_busy (self->type_spinner, FALSE);
      return;
    }
  yun_filters_add (filters, "zone", self->zone, NULL);
  yun_filters_add (filters, "instance-charge-type", CHARGE_TYPE, NULL);
  set_busy (self->type_spinner, TRUE);
  yun_client_describe_zone_instance_config_infos_async (client, self->region, filters,
                                                        restart (&self->types_cancellable),
                                                        on_types_loaded, g_object_ref (self));
}

/* ---- Images ---- */

static void
on_images_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (YunCreateDialog) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) images = NULL;
  g_autofree char *preferred = NULL;
  guint position = 0;

  images = yun_client_describe_images_finish (YUN_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self->image_spinner, FALSE);
  if (images == NULL)
    {
      show_error (self->image_error, error->message);
      update_sensitivity (self);
      return;
    }

  preferred = g_settings_get_string (self->settings, "default-image-id");
  for (guint i = 0; i < images->len; i++)
    if (g_strcmp0 (yun_image_get_image_id (g_ptr_array_index (images, i)), preferred) == 0)
      position = i;
  fill (self, self->image_row, self->images, images, position);
  show_error (self->image_error,
              images->len == 0 ? _ ("There is no image of this kind in the region") : NULL);
  update_sensitivity (self);
  schedule_price (self);
}

static void
load_images (YunCreateDialog *self)
{
  YunClient *client = yun_workspace_get_client (self->workspace);
  g_autoptr (YunFilters) filters = yun_filters_new ();

  fill (self, self->image_row, self->images, NULL, 0);
  show_error (self->image_error, NULL);
  self->source = adw_combo_row_get_selected (self->source_row);
  if (self->region == NULL)
    {
      stop (&self->images_cancellable);
      set_busy (self->image_spinner, FALSE);
      return;
    }
  yun_filters_add (filters, "image-type",
                   self->source == SOURCE_CUSTOM ? "PRIVATE_IMAGE" : "PUBLIC_IMAGE", NULL);
  set_busy (self->image_spinner, TRUE);
  yun_client_describe_images_async (client, self->region, filters, NULL, NULL,
                                    restart (&self->images_cancellable), on_images_loaded,
                                    g_object_ref (self));
}

/* ---- Zones ---- */

static void
on_zones_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (YunCreateDialog) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) zones = NULL;
  g_autofree char *preferred = NULL;
  guint position = G_MAXUINT;

  zones = yun_client_describe_zones_finish (YUN_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self->zone_spinner, FALSE);
  if (zones == NULL)
    {
      show_error (self->location_error, error->message);
      update_sensitivity (self);
      return;
    }

  /* The remembered zone, else the first one that is open. */
  preferred = g_settings_get_string (self->settings, "default-zone");
  for (guint i = 0; i < zones->len && position == G_MAXUINT; i++)
    if (g_strcmp0 (yun_zone_get_zone (g_ptr_array_index (zones, i)), preferred) == 0)
      position = i;
  for (guint i = 0; i < zones->len && position == G_MAXUINT; i++)
    if (yun_zone_get_available (g_ptr_array_index (zones, i)))
      position = i;
  fill (self, self->zone_row, self->zones, zones, position == G_MAXUINT ? 0 : position);
  show_error (self->location_error,
              zones->len == 0 ? _ ("This region has no availability zone") : NULL);
  on_zone_selected (self);
}

static void
load_zones (YunCreateDialog *self)
{
  YunClient *client = yun_workspace_get_client (self->workspace);

  g_clear_pointer (&self->zone, g_free);
  fill (self, self->zone_row, self->zones, NULL, 0);
  load_types (self);
  if (self->region == NULL)
    {
      stop (&self->zones_cancellable);
      set_busy (self->zone_spinner, FALSE);
      return;
    }
  set_busy (self->zone_spinner, TRUE);
  yun_client_describe_zones_async (client, self->region, restart (&self->zones_cancellable),
                                   on_zones_loaded, g_object_ref (self));
}

/* ---- Regions ---- */

static void
on_regions_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (YunCreateDialog) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) regions = NULL;
  g_autofree char *preferred = NULL;
  guint position = 0;

  regions = yun_client_describe_regions_finish (YUN_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self->region_spinner, FALSE);
  if (regions == NULL)
    {
      show_error (self->location_error, error->message);
      update_sensitivity (self);
      return;
    }

  preferred = g_settings_get_string (self->settings, "default-region");
  for (guint i = 0; i < regions->len; i++)
    if (g_strcmp0 (yun_region_get_region (g_ptr_array_index (regions, i)), preferred) == 0)
      position = i;
  fill (self, self->region_row, self->regions, regions, position);
  show_error (self->location_error,
              regions->len == 0 ? _ ("No region is open to this account") : NULL);
  on_region_selected (self);
}

static void
load_regions (YunCreateDialog *self)
{
  YunClient *client = yun_workspace_get_client (self->workspace);

  if (client == NULL)
    {
      show_error (self->location_error, _ ("This account has no connection to Tencent Cloud"));
      return;
    }
  set_busy (self->region_spinner, TRUE);
  yun_client_describe_regions_async (client, restart (&self->regions_cancellable),
                                     on_regions_loaded, g_object_ref (self));
}

/* ---- Choices ---- */

static void
on_region_selected (YunCreateDialog *self)
{
  YunRegion *region = selected (self->region_row);
  const char *id = region != NULL ? yun_region_get_region (region) : NULL;

  if (self->filling || g_strcmp0 (id, self->region) == 0)
    return;
  g_free (self->region);
  self->region = g_strdup (id);
  show_error (self->location_error, NULL);
  load_zones (self);
  load_images (self);
  update_sensitivity (self);
  schedule_price (self);
}

static void
on_zone_selected (YunCreateDialog *self)
{
  YunZone *zone = selected (self->zone_row);
  const char *id = zone != NULL ? yun_zone_get_zone (zone) : NULL;

  if (self->filling || g_strcmp0 (id, self->zone) == 0)
    {
      update_sensitivity (self);
      return;
    }
  g_free (self->zone);
  self->zone = g_strdup (id);
  load_types (self);
  update_sensitivity (self);
  schedule_price (self);
}

static void
on_source_selected (YunCreateDialog *self)
{
  if (adw_combo_row_get_selected (self->source_row) == self->source)
    return;
  load_images (self);
  update_sensitivity (self);
  schedule_price (self);
}

/* The image, type, disk or bandwidth changed: the price (and for the image, the password
 * rules) with them. */
static void
on_request_changed (YunCreateDialog *self)
{
  if (self->filling)
    return;
  update_sensitivity (self);
  schedule_price (self);
}

static void
on_type_selected (YunCreateDialog *self)
{
  YunInstanceTypeQuota *quota = selected (self->type_row);

  if (self->filling)
    return;
  if (quota != NULL && !yun_instance_type_quota_get_sellable (quota))
    {
      /* Translators: %s is an instance type such as S5.MEDIUM4 */
      g_autofree char *text = g_strdup_printf (_ ("%s is sold out in this zone"),
                                               yun_instance_type_quota_get_instance_type (quota));

      show_error (self->type_error, text);
    }
  else if (quota != NULL)
    {
      show_error (self->type_error, NULL);
    }
  on_request_changed (self);
}

static void
on_count_changed (YunCreateDialog *self)
{
  update_names (self);
  /* The price asked is that of one instance: the total follows without a call. */
  if (self->price != NULL)
    show_price (self);
}

/* ---- Answering ---- */

static void
clear_password (YunCreateDialog *self)
{
  if (self->password_row != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
}

static void
stop_all (YunCreateDialog *self)
{
  g_clear_handle_id (&self->price_source, g_source_remove);
  stop (&self->regions_cancellable);
  stop (&self->zones_cancellable);
  stop (&self->images_cancellable);
  stop (&self->types_cancellable);
  stop (&self->price_cancellable);
}

static void
remember_settings (YunCreateDialog *self)
{
  YunRegion *region = selected (self->region_row);
  YunZone *zone = selected (self->zone_row);
  YunImage *image = selected (self->image_row);
  YunInstanceTypeQuota *quota = sellable_type (self);

  if (region != NULL)
    g_settings_set_string (self->settings, "default-region", yun_region_get_region (region));
  if (zone != NULL)
    g_settings_set_string (self->settings, "default-zone", yun_zone_get_zone (zone));
  if (image != NULL)
    g_settings_set_string (self->settings, "default-image-id", yun_image_get_image_id (image));
  if (quota != NULL)
    {
      g_settings_set_uint (self->settings, "default-cpu", yun_instance_type_quota_get_cpu (quota));
      g_settings_set_uint (self->settings, "default-memory",
                           yun_instance_type_quota_get_memory (quota));
    }
  g_settings_set_uint (self->settings, "default-system-disk-size",
                       (guint) gtk_spin_button_get_value_as_int (self->disk_spin));
  g_settings_set_uint (self->settings, "default-bandwidth",
                       (guint) gtk_spin_button_get_value_as_int (self->bandwidth_spin));
  g_settings_set_string (self->settings, "default-instance-name",
                         gtk_editable_get_text (GTK_EDITABLE (self->name_row)));
}

static void
answer (YunCreateDialog *self, gboolean dry_run)
{
  g_autoptr (YunRunInstancesRequest) request = NULL;
  g_autoptr (YunJobSpec) spec = NULL;
  YunRegion *region = selected (self->region_row);
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  update_sensitivity (self);
  if (self->answer == NULL || region == NULL
      || !gtk_widget_get_sensitive (GTK_WIDGET (self->create_button)))
    return;
  request = build_request (self, FALSE);
  if (request == NULL)
    return;

  spec = yun_job_spec_new (YUN_JOB_KIND_CREATE);
  yun_job_spec_set_create (spec, yun_region_get_region (region), request);
  yun_job_spec_set_dry_run (spec, dry_run);
  yun_job_spec_set_remember_password (spec, *password != '\0'
                                              && gtk_switch_get_active (self->remember_switch));
  if (!dry_run)
    remember_settings (self);
  stop_all (self);
  clear_password (self);
  /* The caller's callback may run at once and drop its reference to the dialog. */
  g_object_ref (self);
  gtk_window_destroy (GTK_WINDOW (self));
  yun_dialog_answer_return (&self->answer, g_steal_pointer (&spec));
  g_object_unref (self);
}

static void
on_create_clicked (YunCreateDialog *self)
{
  answer (self, FALSE);
}

static void
on_dry_run_clicked (YunCreateDialog *self)
{
  answer (self, TRUE);
}

static gboolean
yun_create_dialog_close_request (GtkWindow *window)
{
  YunCreateDialog *self = YUN_CREATE_DIALOG (window);

  stop_all (self);
  yun_dialog_answer_return (&self->answer, NULL);
  clear_password (self);
  return GTK_WINDOW_CLASS (yun_create_dialog_parent_class)->close_request (window);
}

/* ---- GObject ---- */

static void
yun_create_dialog_dispose (GObject *object)
{
  YunCreateDialog *self = YUN_CREATE_DIALOG (object);

  stop_all (self);
  yun_dialog_answer_return (&self->answer, NULL);
  clear_password (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), YUN_TYPE_CREATE_DIALOG);
  g_clear_object (&self->workspace);
  g_clear_object (&self->settings);
  g_clear_object (&self->regions);
  g_clear_object (&self->zones);
  g_clear_object (&self->images);
  g_clear_object (&self->types);
  g_clear_pointer (&self->price, yun_price_free);
  g_clear_pointer (&self->region, g_free);
  g_clear_pointer (&self->zone, g_free);

  G_OBJECT_CLASS (yun_create_dialog_parent_class)->dispose (object);
}

static void
yun_create_dialog_class_init (YunCreateDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = yun_create_dialog_dispose;
  window_class->close_request = yun_create_dialog_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/yundesk/YunDesk/yun-create-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, YunCreateDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, YunCreateDialog, create_button);
  gtk_widget_class_bind_template_child (widget_class, YunCreateDialog, dry_run_button);
  gtk_widget_class_bind_template_child (widget_class, YunCreateDialog, region_row);
  gtk_widget_class_bind_template_child (widget_class, YunCreateDialog, region_spinner);
  gtk_widget_class_bind_template_child (widget_class, YunCreateDialog, zone_row);
  gtk_widget_class_bind_template_child (widget_class, YunCreateDialog, zone_spinner);
  gtk_widget_class_bind_template_child (widget_class, YunCreateDialog, location_error);
  gtk_widget_class_bind_template_child (widget_class, YunCreateDialog, source_row);
  gtk_widget_class_bind_template_child (widget_class, YunCreateDialog, image_row);
  gtk_widget_class_bind_template_child (widget_class, YunCreateDialog, image_spinner);
  gtk_widget_class_bind_template_child (widget_class, YunCreateDialog, image_error);
  gtk_widget_class_bind_template_child (widget_class, YunCreateDialog, type_row);
  gtk_widget_class_bind_template_child (widget_class, YunCreateDialog, type_spinner);
  gtk_widget_class_bind_template_child (widget_class, YunCreateDialog, type_error);
  gtk_widget_class_bind_template_child (widget_class, YunCreateDialog, count_spin);
  gtk_widget_class_bind_template_child (widget_class, YunCreateDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, YunCreateDialog, names_row);
  gtk_widget_class_bind_template_child (widget_class, YunCreateDialog, disk_spin);
  gtk_widget_class_bind_template_child (widget_class, YunCreateDialog, bandwidth_spin);
  gtk_widget_class_bind_template_child (widget_class, YunCreateDialog, password_row);
  gtk_widget_class_bind_template_child (widget_class, YunCreateDialog, remember_switch);
  gtk_widget_class_bind_template_child (widget_class, YunCreateDialog, password_label);
  gtk_widget_class_bind_template_child (widget_class, YunCreateDialog, price_spinner);
  gtk_widget_class_bind_template_child (widget_class, YunCreateDialog, price_label);
  gtk_widget_class_bind_template_child (widget_class, YunCreateDialog, price_detail);

  gtk_widget_class_bind_template_callback (widget_class, on_create_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_dry_run_clicked);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
yun_create_dialog_init (YunCreateDialog *self)
{
  g_autoptr (GtkListItemFactory) type_factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->regions = g_list_store_new (YUN_TYPE_REGION);
  self->zones = g_list_store_new (YUN_TYPE_ZONE);
  self->images = g_list_store_new (YUN_TYPE_IMAGE);
  self->types = g_list_store_new (YUN_TYPE_INSTANCE_TYPE_QUOTA);
  set_label_expression (self->region_row, YUN_TYPE_REGION, G_CALLBACK (region_label));
  set_label_expression (self->zone_row, YUN_TYPE_ZONE, G_CALLBACK (zone_label));
  set_label_expression (self->image_row, YUN_TYPE_IMAGE, G_CALLBACK (image_label));
  set_label_expression (self->type_row, YUN_TYPE_INSTANCE_TYPE_QUOTA, G_CALLBACK (type_label));
  adw_combo_row_set_model (self->region_row, G_LIST_MODEL (self->regions));
  adw_combo_row_set_model (self->zone_row, G_LIST_MODEL (self->zones));
  adw_combo_row_set_model (self->image_row, G_LIST_MODEL (self->images));
  adw_combo_row_set_model (self->type_row, G_LIST_MODEL (self->types));
  g_signal_connect (type_factory, "setup", G_CALLBACK (on_type_item_setup), NULL);
  g_signal_connect (type_factory, "bind", G_CALLBACK (on_type_item_bind), NULL);
  adw_combo_row_set_list_factory (self->type_row, type_factory);

  gtk_adjustment_set_upper (gtk_spin_button_get_adjustment (self->count_spin),
                            YUN_JOB_MAX_CREATE_COUNT);

  g_signal_connect_object (self->region_row, "notify::selected", G_CALLBACK (on_region_selected),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->zone_row, "notify::selected", G_CALLBACK (on_zone_selected), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->source_row, "notify::selected", G_CALLBACK (on_source_selected),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->image_row, "notify::selected", G_CALLBACK (on_request_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->type_row, "notify::selected", G_CALLBACK (on_type_selected), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->disk_spin, "value-changed", G_CALLBACK (on_request_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->bandwidth_spin, "value-changed", G_CALLBACK (on_request_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->count_spin, "value-changed", G_CALLBACK (on_count_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->name_row, "changed", G_CALLBACK (update_names), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->password_row, "changed", G_CALLBACK (update_sensitivity), self,
                           G_CONNECT_SWAPPED);
}

/* ---- Public API ---- */

/**
 * yun_create_dialog_run_async:
 * @parent: (nullable): the window the dialog is modal for
 * @workspace: the account: its client lists the regions, zones, images and types
 * @settings: the application's settings, for the defaults of new instances
 * @cancellable: (nullable): closes the dialog when cancelled
 * @callback: called when the user created, dry-ran or cancelled
 * @user_data: for @callback
 *
 * Asks what instances to create. Create remembers the choices (but the password and the
 * count) in @settings; Dry Run asks for the API's DryRun check.
 */
void
yun_create_dialog_run_async (GtkWindow *parent,
                             YunWorkspace *workspace,
                             GSettings *settings,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data)
{
  YunCreateDialog *self;
  YunDialogAnswer *pending;
  g_autofree char *name = NULL;
  g_autofree char *account = NULL;

  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));
  g_return_if_fail (YUN_IS_WORKSPACE (workspace));
  g_return_if_fail (G_IS_SETTINGS (settings));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  pending = yun_dialog_answer_new (yun_create_dialog_run_async, _ ("No instance was created"),
                                   cancellable, callback, user_data);
  if (pending == NULL)
    return;

  self = g_object_new (YUN_TYPE_CREATE_DIALOG, "transient-for", parent, NULL);
  self->workspace = g_object_ref (workspace);
  self->settings = g_object_ref (settings);
  self->answer = pending;
  yun_dialog_answer_close_on_cancel (pending, GTK_WINDOW (self));

  name = g_settings_get_string (settings, "default-instance-name");
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
  gtk_spin_button_set_value (self->disk_spin,
                             g_settings_get_uint (settings, "default-system-disk-size"));
  gtk_spin_button_set_value (self->bandwidth_spin,
                             g_settings_get_uint (settings, "default-bandwidth"));
  /* Which account pays: a create in the wrong one is a costly mistake. */
  account = yun_workspace_dup_account_title (workspace);
  adw_window_title_set_subtitle (self->window_title, account);

  update_names (self);
  update_sensitivity (self);
  load_regions (self);
  gtk_window_present (GTK_WINDOW (self));
}

/**
 * yun_create_dialog_run_finish:
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the create specification, dry run for Dry Run, or %NULL with
 *   %G_IO_ERROR_CANCELLED when the user closed the dialog
 */
YunJobSpec *
yun_create_dialog_run_finish (GAsyncResult *result, GError **error)
{
  return yun_dialog_answer_finish (result, yun_create_dialog_run_async, error);
}
