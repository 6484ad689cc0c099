/* yun-signer.h: TC3-HMAC-SHA256 request signing
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#if !defined(YUN_INSIDE) && !defined(YUN_COMPILATION)
#error "Only <yun/yun.h> can be included directly."
#endif

#include <yun/yun-types.h>

G_BEGIN_DECLS

/**
 * YunHeader:
 * @name: header name, in any case
 * @value: header value, as sent
 */
typedef struct
{
  const char *name;
  const char *value;
} YunHeader;

/**
 * YunSignRequest:
 * @method: "POST" or "GET"
 * @canonical_query: the canonical query string (GET), or %NULL/"" (POST)
 * @headers: the headers to sign, in any order and case; `content-type` and `host` at least
 * @n_headers: number of @headers
 * @payload: the exact body bytes (may be %NULL when @payload_len is 0)
 * @payload_len: length of @payload
 * @service: the signing service (`cvm`, `tat`), never derived from a custom host
 * @timestamp: the X-TC-Timestamp value, UNIX seconds
 *
 * Everything that a TC3 signature covers. The signer reads it and changes nothing.
 */
typedef struct
{
  const char *method;
  const char *canonical_query;
  const YunHeader *headers;
  gsize n_headers;
  const void *payload;
  gsize payload_len;
  const char *service;
  gint64 timestamp;
} YunSignRequest;

/**
 * YunSignature:
 * @canonical_request: step 1 of the procedure
 * @hashed_canonical_request: lower-case hex SHA-256 of @canonical_request
 * @credential_scope: `<UTC date>/<service>/tc3_request`
 * @signed_headers: lower-case header names joined by `;`
 * @string_to_sign: step 2
 * @signature: lower-case hex signature
 * @authorization: the complete Authorization header value
 *
 * The result of yun_signer_sign(), with every intermediate value so tests and the
 * simulator can compare them step by step.
 */
typedef struct
{
  char *canonical_request;
  char *hashed_canonical_request;
  char *credential_scope;
  char *signed_headers;
  char *string_to_sign;
  char *signature;
  char *authorization;
} YunSignature;

/* The last second of 9999-12-31 UTC: a credential scope's date has four digits of year. */
#define YUN_SIGNER_MAX_TIMESTAMP G_GINT64_CONSTANT (253402300799)

YunSignature *
yun_signer_sign (const YunSignRequest *request, const char *secret_id, const char *secret_key);
void yun_signature_free (YunSignature *signature);

char *yun_signer_utc_date (gint64 timestamp);
char *yun_signer_sha256_hex (const void *data, gsize length);
void yun_signer_derive_key (const char *secret_key,
                            const char *date,
                            const char *service,
                            guint8 signing_key[32]);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (YunSignature, yun_signature_free)

G_END_DECLS
