/* fuzz-signer.c: libFuzzer target for the TC3-HMAC-SHA256 canonicalisation and signing
 *
 * SPDX-License-Identifier: MIT
 *
 * Input: 8 bytes of timestamp (little-endian), then lines: method, service, canonical query,
 * SecretId, SecretKey, then `Name: value` headers up to an empty line; the rest is the
 * payload, any bytes. Signing is a pure function, so signing twice must agree.
 */

#include "config.h"

#include <string.h>

#include "yun-core-private.h"

#define N_FIELDS 5
#define MAX_HEADERS 64

/* The next line of [*cursor, end) without its newline, (transfer full). */
static char *
next_line (const guint8 **cursor, const guint8 *end)
{
  const guint8 *newline = memchr (*cursor, '\n', end - *cursor);
  const guint8 *line_end = newline != NULL ? newline : end;
  char *line = g_strndup ((const char *) *cursor, line_end - *cursor);

  *cursor = newline != NULL ? newline + 1 : end;
  return line;
}

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  const guint8 *cursor = data + sizeof (guint64);
  const guint8 *end = data + size;
  g_autoptr (GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) headers = g_array_new (FALSE, TRUE, sizeof (YunHeader));
  g_autoptr (YunSignature) first = NULL;
  g_autoptr (YunSignature) second = NULL;
  YunSignRequest request = { 0 };
  char *fields[N_FIELDS];
  guint64 timestamp;

  if (size < sizeof timestamp)
    return 0;
  memcpy (&timestamp, data, sizeof timestamp);
  /* yun_signer_sign() takes the timestamps a credential scope can date: wrap into them. */
  request.timestamp = (gint64) (GUINT64_FROM_LE (timestamp) % (YUN_SIGNER_MAX_TIMESTAMP + 1));

  for (guint i = 0; i < N_FIELDS; i++)
    {
      fields[i] = next_line (&cursor, end);
      g_ptr_array_add (strings, fields[i]);
    }
  while (cursor < end && headers->len < MAX_HEADERS)
    {
      char *line = next_line (&cursor, end);
      char *colon = strchr (line, ':');
      YunHeader header;

      g_ptr_array_add (strings, line);
      if (*line == '\0')
        break;
      if (colon != NULL)
        *colon = '\0';
      header.name = line;
      header.value = colon != NULL ? colon + 1 : "";
      g_array_append_val (headers, header);
    }

  request.method = fields[0];
  request.service = fields[1];
  request.canonical_query = fields[2];
  request.headers = (const YunHeader *) headers->data;
  request.n_headers = headers->len;
  request.payload = cursor;
  request.payload_len = end - cursor;

  first = yun_signer_sign (&request, fields[3], fields[4]);
  second = yun_signer_sign (&request, fields[3], fields[4]);
  g_assert_cmpstr (first->canonical_request, ==, second->canonical_request);
  g_assert_cmpstr (first->authorization, ==, second->authorization);
  g_assert_cmpuint (strlen (first->signature), ==, 64);
  return 0;
}
