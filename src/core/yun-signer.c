/* yun-signer.c: TC3-HMAC-SHA256, as pure functions over OpenSSL's libcrypto
 *
 * SPDX-License-Identifier: MIT
 */

#define G_LOG_DOMAIN "yun-signer"

#include "config.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>

#include "yun-core-private.h"

#define SHA256_LEN 32

static char *
hex_encode (const guint8 *bytes, gsize length)
{
  static const char digits[] = "0123456789abcdef";
  char *out = g_malloc (length * 2 + 1);

  for (gsize i = 0; i < length; i++)
    {
      out[i * 2] = digits[bytes[i] >> 4];
      out[i * 2 + 1] = digits[bytes[i] & 0xf];
    }
  out[length * 2] = '\0';
  return out;
}

static void
sha256 (const void *data, gsize length, guint8 digest[SHA256_LEN])
{
  unsigned int digest_len = SHA256_LEN;

  if (!EVP_Digest (data, length, digest, &digest_len, EVP_sha256 (), NULL))
    g_error ("OpenSSL cannot compute SHA-256");
}

static void
hmac_sha256 (const void *key, gsize key_len, const char *message, guint8 out[SHA256_LEN])
{
  unsigned int out_len = SHA256_LEN;

  if (HMAC (EVP_sha256 (), key, (int) key_len, (const guint8 *) message, strlen (message), out,
            &out_len)
      == NULL)
    g_error ("OpenSSL cannot compute HMAC-SHA256");
}

/**
 * yun_signer_sha256_hex:
 * @data: bytes to hash
 * @length: number of bytes
 *
 * Returns: (transfer full): the lower-case hex SHA-256 of @data
 */
char *
yun_signer_sha256_hex (const void *data, gsize length)
{
  guint8 digest[SHA256_LEN];

  sha256 (length > 0 ? data : "", length, digest);
  return hex_encode (digest, sizeof digest);
}

/**
 * yun_signer_utc_date:
 * @timestamp: UNIX seconds
 *
 * The credential scope uses the UTC date of the timestamp. The local date differs for part
 * of every day in most time zones (the documentation's own example is 2019-02-25 in UTC
 * and 2019-02-26 in UTC+8), so it must never be used here.
 *
 * Returns: (transfer full): `YYYY-MM-DD`
 */
char *
yun_signer_utc_date (gint64 timestamp)
{
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (timestamp);

  g_return_val_if_fail (utc != NULL, NULL);
  return g_date_time_format (utc, "%Y-%m-%d");
}

/**
 * yun_signer_derive_key:
 * @secret_key: the SecretKey
 * @date: the UTC date of the credential scope
 * @service: the signing service
 * @signing_key: (out caller-allocates): the 32-byte SecretSigning key
 *
 * Derives SecretSigning = HMAC(HMAC(HMAC("TC3" + SecretKey, date), service), "tc3_request").
 * The intermediate keys are binary, and are wiped before returning.
 */
void
yun_signer_derive_key (const char *secret_key,
                       const char *date,
                       const char *service,
                       guint8 signing_key[32])
{
  g_autofree char *k_secret = g_strconcat ("TC3", secret_key, NULL);
  guint8 k_date[SHA256_LEN];
  guint8 k_service[SHA256_LEN];

  hmac_sha256 (k_secret, strlen (k_secret), date, k_date);
  hmac_sha256 (k_date, sizeof k_date, service, k_service);
  hmac_sha256 (k_service, sizeof k_service, "tc3_request", signing_key);

  explicit_bzero (k_secret, strlen (k_secret));
  explicit_bzero (k_date, sizeof k_date);
  explicit_bzero (k_service, sizeof k_service);
}

typedef struct
{
  char *name;
  char *value;
} CanonicalHeader;

static int
canonical_header_compare (gconstpointer a, gconstpointer b)
{
  return strcmp (((const CanonicalHeader *) a)->name, ((const CanonicalHeader *) b)->name);
}

/* Each signed header becomes "name:value\n" with both parts trimmed and lower-cased, sorted
 * by name. The value is lower-cased too: Tencent's own example signs the action as
 * "x-tc-action:describeinstances". */
static void
build_canonical_headers (const YunSignRequest *request,
                         GString *canonical_headers,
                         GString *signed_headers)
{
  g_autofree CanonicalHeader *sorted = g_new0 (CanonicalHeader, request->n_headers);

  for (gsize i = 0; i < request->n_headers; i++)
    {
      g_autofree char *name = g_strstrip (g_strdup (request->headers[i].name));
      g_autofree char *value = g_strstrip (g_strdup (request->headers[i].value));

      sorted[i].name = g_ascii_strdown (name, -1);
      sorted[i].value = g_ascii_strdown (value, -1);
    }

  if (request->n_headers > 0)
    qsort (sorted, request->n_headers, sizeof *sorted, canonical_header_compare);

  for (gsize i = 0; i < request->n_headers; i++)
    {
      g_string_append_printf (canonical_headers, "%s:%s\n", sorted[i].name, sorted[i].value);
      if (i > 0)
        g_string_append_c (signed_headers, ';');
      g_string_append (signed_headers, sorted[i].name);
      g_free (sorted[i].name);
      g_free (sorted[i].value);
    }
}

/**
 * yun_signer_sign:
 * @request: what to sign
 * @secret_id: the SecretId
 * @secret_key: the SecretKey; it only keys the HMACs and appears in no output
 *
 * Signs a request with TC3-HMAC-SHA256. A pure function: the same inputs always give the
 * same output, and nothing outside @request and the keys is read.
 *
 * Returns: (transfer full): the signature and every intermediate value
 */
YunSignature *
yun_signer_sign (const YunSignRequest *request, const char *secret_id, const char *secret_key)
{
  g_autoptr (GString) canonical_headers = g_string_new (NULL);
  g_autoptr (GString) signed_headers = g_string_new (NULL);
  g_autofree char *payload_hash = NULL;
  g_autofree char *date = NULL;
  guint8 signing_key[SHA256_LEN];
  guint8 raw_signature[SHA256_LEN];
  YunSignature *signature;

  g_return_val_if_fail (request != NULL, NULL);
  g_return_val_if_fail (request->method != NULL, NULL);
  g_return_val_if_fail (request->service != NULL, NULL);
  g_return_val_if_fail (request->payload != NULL || request->payload_len == 0, NULL);
  g_return_val_if_fail (secret_id != NULL && secret_key != NULL, NULL);
  /* The credential scope holds the UTC date: years 1970 to 9999. */
  g_return_val_if_fail (request->timestamp >= 0 && request->timestamp <= YUN_SIGNER_MAX_TIMESTAMP,
                        NULL);

  build_canonical_headers (request, canonical_headers, signed_headers);
  payload_hash = yun_signer_sha256_hex (request->payload, request->payload_len);
  date = yun_signer_utc_date (request->timestamp);

  signature = g_new0 (YunSignature, 1);
  signature->signed_headers = g_strdup (signed_headers->str);
  signature->canonical_request
    = g_strdup_printf ("%s\n/\n%s\n%s\n%s\n%s", request->method,
                       request->canonical_query != NULL ? request->canonical_query : "",
                       canonical_headers->str, signed_headers->str, payload_hash);
  signature->hashed_canonical_request
    = yun_signer_sha256_hex (signature->canonical_request, strlen (signature->canonical_request));
  signature->credential_scope = g_strdup_printf ("%s/%s/tc3_request", date, request->service);
  signature->string_to_sign
    = g_strdup_printf ("TC3-HMAC-SHA256\n%" G_GINT64_FORMAT "\n%s\n%s", request->timestamp,
                       signature->credential_scope, signature->hashed_canonical_request);

  yun_signer_derive_key (secret_key, date, request->service, signing_key);
  hmac_sha256 (signing_key, sizeof signing_key, signature->string_to_sign, raw_signature);
  explicit_bzero (signing_key, sizeof signing_key);

  signature->signature = hex_encode (raw_signature, sizeof raw_signature);
  signature->authorization = g_strdup_printf (
    "TC3-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s", secret_id,
    signature->credential_scope, signature->signed_headers, signature->signature);
  return signature;
}

void
yun_signature_free (YunSignature *signature)
{
  if (signature == NULL)
    return;

  g_free (signature->canonical_request);
  g_free (signature->hashed_canonical_request);
  g_free (signature->credential_scope);
  g_free (signature->signed_headers);
  g_free (signature->string_to_sign);
  g_free (signature->signature);
  g_free (signature->authorization);
  g_free (signature);
}
