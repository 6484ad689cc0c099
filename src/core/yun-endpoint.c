/* yun-endpoint.c: service URLs for the public, international and private (TCE) clouds
 *
 * SPDX-License-Identifier: MIT
 */

#define G_LOG_DOMAIN "yun-endpoint"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "yun-core-private.h"

/* Exactly one of root_domain and base_url is set: either each service lives at
 * https://<service>.<root_domain>/, or every service shares base_url (yunsim, a gateway). */
struct _YunEndpoint
{
  gatomicrefcount ref_count;
  char *root_domain;
  char *base_url;
};

G_DEFINE_BOXED_TYPE (YunEndpoint, yun_endpoint, yun_endpoint_ref, yun_endpoint_unref)

static YunEndpoint *
endpoint_new (void)
{
  YunEndpoint *self = g_new0 (YunEndpoint, 1);

  g_atomic_ref_count_init (&self->ref_count);
  return self;
}

const char *
yun_service_get_name (YunService service)
{
  switch (service)
    {
    case YUN_SERVICE_CVM:
      return "cvm";
    case YUN_SERVICE_TAT:
      return "tat";
    default:
      g_return_val_if_reached (NULL);
    }
}

const char *
yun_service_get_version (YunService service)
{
  switch (service)
    {
    case YUN_SERVICE_CVM:
      return "2017-03-12";
    case YUN_SERVICE_TAT:
      return "2020-10-28";
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * yun_endpoint_new_default:
 *
 * Returns: (transfer full): the public China-site endpoint,
 * `https://<service>.tencentcloudapi.com/`
 */
YunEndpoint *
yun_endpoint_new_default (void)
{
  YunEndpoint *self = endpoint_new ();

  self->root_domain = g_strdup (YUN_ROOT_DOMAIN_DEFAULT);
  return self;
}

static gboolean
is_valid_domain (const char *domain)
{
  gboolean label_start = TRUE;

  if (*domain == '\0' || strlen (domain) > 253)
    return FALSE;

  for (const char *p = domain; *p != '\0'; p++)
    {
      if (*p == '.')
        {
          if (label_start)
            return FALSE;
          label_start = TRUE;
          continue;
        }
      if (!g_ascii_isalnum (*p) && !(*p == '-' && !label_start))
        return FALSE;
      label_start = FALSE;
    }
  return !label_start;
}

/**
 * yun_endpoint_new_for_root_domain:
 * @root_domain: such as `intl.tencentcloudapi.com` or, for a private TCE deployment,
 *   `api3.finance.cloud.tencent.com`
 * @error: return location for a #GError
 *
 * Returns: (transfer full): an endpoint sending each service to
 *   `https://<service>.<root_domain>/`, or %NULL if @root_domain is not a host name
 */
YunEndpoint *
yun_endpoint_new_for_root_domain (const char *root_domain, GError **error)
{
  g_autofree char *domain = NULL;
  YunEndpoint *self;

  g_return_val_if_fail (root_domain != NULL, NULL);

  domain = g_ascii_strdown (root_domain, -1);
  g_strstrip (domain);
  if (!is_valid_domain (domain))
    {
      g_set_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                   _ ("“%s” is not a domain name such as tencentcloudapi.com"), root_domain);
      return NULL;
    }

  self = endpoint_new ();
  self->root_domain = g_steal_pointer (&domain);
  return self;
}

static gboolean
is_loopback_host (const char *host)
{
  g_autoptr (GInetAddress) address = NULL;

  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;

  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/**
 * yun_endpoint_new_for_base_url:
 * @base_url: `https://host[:port][/path]`, or `http://` for a loopback address only
 * @error: return location for a #GError
 *
 * Every service is sent to @base_url; the signing service still comes from the product,
 * never from this host. Plain HTTP would expose the signed requests and their answers, so
 * it is accepted only where nothing leaves the machine: yunsim on loopback.
 *
 * Returns: (transfer full): the endpoint, or %NULL if @base_url is not acceptable
 */
YunEndpoint *
yun_endpoint_new_for_base_url (const char *base_url, GError **error)
{
  g_autoptr (GUri) uri = NULL;
  g_autoptr (GError) local_error = NULL;
  const char *scheme;
  const char *host;
  YunEndpoint *self;

  g_return_val_if_fail (base_url != NULL, NULL);

  uri = g_uri_parse (base_url, G_URI_FLAGS_NONE, &local_error);
  if (uri == NULL)
    {
      g_set_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER, _ ("“%s” is not a URL: %s"),
                   base_url, local_error->message);
      return NULL;
    }

  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);
  if (host == NULL || *host == '\0')
    {
      g_set_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER, _ ("“%s” names no host"),
                   base_url);
      return NULL;
    }

  if (g_ascii_strcasecmp (scheme, "http") == 0)
    {
      if (!is_loopback_host (host))
        {
          g_set_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                       _ ("“%s” uses plain HTTP; only https:// is accepted, except for a "
                          "loopback address such as http://127.0.0.1"),
                       base_url);
          return NULL;
        }
    }
  else if (g_ascii_strcasecmp (scheme, "https") != 0)
    {
      g_set_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER, _ ("“%s” is not an https:// URL"),
                   base_url);
      return NULL;
    }

  if (g_uri_get_query (uri) != NULL || g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error (error, YUN_ERROR, YUN_ERROR_INVALID_PARAMETER,
                   _ ("“%s” must not carry a query or user name"), base_url);
      return NULL;
    }

  self = endpoint_new ();
  self->base_url
    = g_str_has_suffix (base_url, "/") ? g_strdup (base_url) : g_strconcat (base_url, "/", NULL);
  return self;
}

/**
 * yun_endpoint_new_parse:
 * @text: a URL (`https://…`, `http://127.0.0.1:…`) or a root domain
 * @error: return location for a #GError
 *
 * Reads the endpoint a user typed, in a profile, `--endpoint` or `YUNDESK_ENDPOINT`.
 *
 * Returns: (transfer full): the endpoint, or %NULL
 */
YunEndpoint *
yun_endpoint_new_parse (const char *text, GError **error)
{
  g_return_val_if_fail (text != NULL, NULL);

  if (strstr (text, "://") != NULL)
    return yun_endpoint_new_for_base_url (text, error);
  return yun_endpoint_new_for_root_domain (text, error);
}

YunEndpoint *
yun_endpoint_ref (YunEndpoint *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
yun_endpoint_unref (YunEndpoint *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->root_domain);
  g_free (self->base_url);
  g_free (self);
}

/**
 * yun_endpoint_get_root_domain:
 * @self: an endpoint
 *
 * Returns: (nullable): the root domain, or %NULL when one base URL serves every service
 */
const char *
yun_endpoint_get_root_domain (YunEndpoint *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->root_domain;
}

/**
 * yun_endpoint_get_base_url:
 * @self: an endpoint
 *
 * Returns: (nullable): the base URL shared by every service, ending in `/`
 */
const char *
yun_endpoint_get_base_url (YunEndpoint *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->base_url;
}

/**
 * yun_endpoint_dup_url:
 * @self: an endpoint
 * @service: a product
 *
 * Returns: (transfer full): the URL that @service's calls are posted to
 */
char *
yun_endpoint_dup_url (YunEndpoint *self, YunService service)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (self->base_url != NULL)
    return g_strdup (self->base_url);
  return g_strdup_printf ("https://%s.%s/", yun_service_get_name (service), self->root_domain);
}

/**
 * yun_endpoint_dup_host:
 * @self: an endpoint
 * @service: a product
 *
 * Returns: (transfer full): the value of the Host header for @service, with the port when
 *   the URL names one, exactly as libcurl sends it and as the signature must cover it
 */
char *
yun_endpoint_dup_host (YunEndpoint *self, YunService service)
{
  g_autoptr (GUri) uri = NULL;
  int port;

  g_return_val_if_fail (self != NULL, NULL);

  if (self->root_domain != NULL)
    return g_strdup_printf ("%s.%s", yun_service_get_name (service), self->root_domain);

  uri = g_uri_parse (self->base_url, G_URI_FLAGS_NONE, NULL);
  g_return_val_if_fail (uri != NULL, NULL);
  port = g_uri_get_port (uri);
  if (port > 0)
    {
      if (strchr (g_uri_get_host (uri), ':') != NULL)
        return g_strdup_printf ("[%s]:%d", g_uri_get_host (uri), port);
      return g_strdup_printf ("%s:%d", g_uri_get_host (uri), port);
    }
  return g_ascii_strdown (g_uri_get_host (uri), -1);
}
