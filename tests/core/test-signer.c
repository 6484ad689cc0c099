/* test-signer.c: TC3-HMAC-SHA256 against known answers
 *
 * SPDX-License-Identifier: MIT
 *
 * Vectors A and B are Tencent's published examples; the "derived" ones were computed with
 * Python's hashlib/hmac (an independent implementation) and are listed in
 * shared/reference/api-contract.md §3.2 or recorded here with their inputs.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "yun-core-private.h"

#define EXAMPLE_ID "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"
#define EXAMPLE_KEY "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"
#define MASKED_ID "AKID********************************"
#define MASKED_KEY "********************************"
#define VECTOR_B_BODY                                                                              \
  "{\"Limit\": 1, \"Filters\": [{\"Values\": [\"\\u672a\\u547d\\u540d\"], \"Name\": "              \
  "\"instance-name\"}]}"
#define TAT_BODY                                                                                   \
  "{\"InstanceIds\": [\"ins-r8hr2upy\"], \"Content\": \"bHMgLWwgL3Jvb3Q=\", \"CommandType\": "     \
  "\"SHELL\"}"

static YunSignature *
sign_post (const char *host,
           const char *content_type,
           const char *action,
           const char *body,
           const char *service,
           gint64 timestamp,
           const char *secret_id,
           const char *secret_key)
{
  YunHeader headers[] = {
    { "Content-Type", content_type },
    { "Host", host },
    { "X-TC-Action", action },
  };
  YunSignRequest request = {
    .method = "POST",
    .headers = headers,
    .n_headers = action != NULL ? 3 : 2,
    .payload = body,
    .payload_len = strlen (body),
    .service = service,
    .timestamp = timestamp,
  };

  return yun_signer_sign (&request, secret_id, secret_key);
}

static YunSignature *
sign_vector_a (const char *host)
{
  YunHeader headers[] = {
    { "Content-Type", "application/x-www-form-urlencoded" },
    { "Host", host },
  };
  YunSignRequest request = {
    .method = "GET",
    .canonical_query = "Limit=10&Offset=0",
    .headers = headers,
    .n_headers = G_N_ELEMENTS (headers),
    .service = "cvm",
    .timestamp = 1539084154,
  };

  return yun_signer_sign (&request, EXAMPLE_ID, EXAMPLE_KEY);
}

static void
test_vector_a_get (void)
{
  g_autoptr (YunSignature) sig = sign_vector_a ("cvm.tencentcloudapi.com");

  g_assert_cmpstr (sig->canonical_request, ==,
                   "GET\n/\nLimit=10&Offset=0\n"
                   "content-type:application/x-www-form-urlencoded\n"
                   "host:cvm.tencentcloudapi.com\n\n"
                   "content-type;host\n"
                   "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  g_assert_cmpstr (sig->hashed_canonical_request, ==,
                   "91c9c192c14460df6c1ffc69e34e6c5e90708de2a6d282cccf957dbf1aa7f3a7");
  g_assert_cmpstr (sig->credential_scope, ==, "2018-10-09/cvm/tc3_request");
  g_assert_cmpstr (sig->string_to_sign, ==,
                   "TC3-HMAC-SHA256\n1539084154\n2018-10-09/cvm/tc3_request\n"
                   "91c9c192c14460df6c1ffc69e34e6c5e90708de2a6d282cccf957dbf1aa7f3a7");
  g_assert_cmpstr (sig->signature, ==,
                   "5da7a33f6993f0614b047e5df4582db9e9bf4672ba50567dba16c6ccf174c474");
  g_assert_cmpstr (sig->authorization, ==,
                   "TC3-HMAC-SHA256 Credential=" EXAMPLE_ID "/2018-10-09/cvm/tc3_request, "
                   "SignedHeaders=content-type;host, "
                   "Signature=5da7a33f6993f0614b047e5df4582db9e9bf4672ba50567dba16c6ccf174c474");
}

/* The TCE seed document prints Vector A's numbers next to its own host; these are the right
 * ones for that host (api-contract.md §3.2, "seed-document trap"). */
static void
test_vector_a_finance_host (void)
{
  g_autoptr (YunSignature) sig = sign_vector_a ("cvm.finance.cloud.tencent.com");

  g_assert_cmpstr (sig->hashed_canonical_request, ==,
                   "404c983ca91e7a42db052e715f6b87872972d90b3e9bbaccc892fd145db57a51");
  g_assert_cmpstr (sig->signature, ==,
                   "e58ba76f0ad56875e1ef9f67e4930f28ba11e300c6f055aace641b06f433ff1b");
}

static void
test_vector_b_post_action_signed (void)
{
  g_autoptr (YunSignature) sig
    = sign_post ("cvm.tencentcloudapi.com", "application/json; charset=utf-8", "DescribeInstances",
                 VECTOR_B_BODY, "cvm", 1551113065, MASKED_ID, MASKED_KEY);
  g_autofree char *payload_hash = yun_signer_sha256_hex (VECTOR_B_BODY, strlen (VECTOR_B_BODY));

  g_assert_cmpstr (payload_hash, ==,
                   "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064");
  g_assert_cmpstr (sig->signed_headers, ==, "content-type;host;x-tc-action");
  g_assert_nonnull (strstr (sig->canonical_request, "x-tc-action:describeinstances\n"));
  g_assert_cmpstr (sig->hashed_canonical_request, ==,
                   "7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84");
  g_assert_cmpstr (sig->credential_scope, ==, "2019-02-25/cvm/tc3_request");
  g_assert_cmpstr (sig->signature, ==,
                   "10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f");
}

static void
test_vector_b_derived_key (void)
{
  guint8 key[32];
  g_autoptr (GString) hex = g_string_new (NULL);

  yun_signer_derive_key (MASKED_KEY, "2019-02-25", "cvm", key);
  for (guint i = 0; i < sizeof key; i++)
    g_string_append_printf (hex, "%02x", key[i]);
  g_assert_cmpstr (hex->str, ==,
                   "b596b923aad85185e2d1f6659d2a062e0a86731226e021e61bfe06f7ed05f5af");
}

static void
test_empty_payload_hash (void)
{
  g_autofree char *hash = yun_signer_sha256_hex (NULL, 0);

  g_assert_cmpstr (hash, ==, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

typedef struct
{
  const char *name;
  const char *host;
  const char *key;
  const char *body;
  const char *service;
  const char *hashed_canonical_request;
  const char *signature;
} SdkVector;

static const SdkVector sdk_vectors[] = {
  { "example-key", "cvm.tencentcloudapi.com", EXAMPLE_KEY, VECTOR_B_BODY, "cvm",
    "df142fa7176428137ac6a6b25b5efcb6b4c08a91fc30d75ecebe47877d3143d8",
    "683bd0b53659853c39699162253251192320a09b3937e27bf8e08a559b1465b8" },
  { "masked-key", "cvm.tencentcloudapi.com", MASKED_KEY, VECTOR_B_BODY, "cvm",
    "df142fa7176428137ac6a6b25b5efcb6b4c08a91fc30d75ecebe47877d3143d8",
    "9eefed98599ae986ea2ed242bcbdc5832451aa0ed9144c3ffd4c3653d12466fd" },
  { "tce-host", "cvm.api3.finance.cloud.tencent.com", EXAMPLE_KEY, VECTOR_B_BODY, "cvm",
    "320d85f6acebb7355830b8c3b0518a6ed1e7298f0a1aca243038833087190ab4",
    "d2804d00035331258195b69df374d8fa0e1839f84c73c62e210649f9a47554cd" },
  { "tat", "tat.tencentcloudapi.com", EXAMPLE_KEY, TAT_BODY, "tat",
    "37685fee4ceba78b1029e9919ec1010f730a56b625424e552b6de0210a9eeb41",
    "87bb1567785d066840f5ebe50e2f594a561c3edbeb1577ad816334535c4850c6" },
  /* Raw UTF-8 instead of \u escapes: the bytes sent are the bytes hashed. */
  { "utf8-payload", "cvm.tencentcloudapi.com", EXAMPLE_KEY,
    "{\"Limit\": 1, \"Filters\": [{\"Values\": [\"未命名\"], \"Name\": \"instance-name\"}]}", "cvm",
    "959a55ff8beba96fb1e7434f0338b9595c772f5c9a47a28c1f4910cb7cc09337",
    "991261763bfe618b138134febd0bbda2eb9110679f443da53c0f17ad3e4aaa9b" },
};

static void
test_vector_c_sdk_style (gconstpointer data)
{
  const SdkVector *vector = data;
  g_autoptr (YunSignature) sig = sign_post (vector->host, "application/json", NULL, vector->body,
                                            vector->service, 1551113065, EXAMPLE_ID, vector->key);

  g_assert_cmpstr (sig->signed_headers, ==, "content-type;host");
  g_assert_cmpstr (sig->hashed_canonical_request, ==, vector->hashed_canonical_request);
  g_assert_cmpstr (sig->signature, ==, vector->signature);
}

static void
test_tat_payload_hash (void)
{
  g_autofree char *hash = yun_signer_sha256_hex (TAT_BODY, strlen (TAT_BODY));

  g_assert_cmpstr (hash, ==, "5a0801dbb1f360791296a89ca25f8c07aa1da419a46b8d0d83ec787e28d03f41");
}

/* 1551113065 is 2019-02-25 16:44:25 UTC but already 2019-02-26 in Shanghai: the scope must
 * keep the UTC date whatever the local zone. */
static void
test_utc_date_not_local (void)
{
  g_autofree char *saved_tz = g_strdup (g_getenv ("TZ"));
  g_autofree char *date = NULL;
  g_autoptr (YunSignature) sig = NULL;
  struct tm local;
  time_t t = 1551113065;

  g_setenv ("TZ", "Asia/Shanghai", TRUE);
  tzset ();
  localtime_r (&t, &local);
  g_assert_cmpint (local.tm_mday, ==, 26);

  date = yun_signer_utc_date (1551113065);
  g_assert_cmpstr (date, ==, "2019-02-25");
  sig = sign_post ("cvm.tencentcloudapi.com", "application/json; charset=utf-8",
                   "DescribeInstances", VECTOR_B_BODY, "cvm", 1551113065, MASKED_ID, MASKED_KEY);
  g_assert_cmpstr (sig->signature, ==,
                   "10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f");

  if (saved_tz != NULL)
    g_setenv ("TZ", saved_tz, TRUE);
  else
    g_unsetenv ("TZ");
  tzset ();
}

/* Temporary credentials send X-TC-Token; whether it is signed is the client's choice and
 * the signer must honour whatever set it is given. */
static void
test_session_token_header (void)
{
  static const char body[]
    = "{\"Limit\": 1, \"Filters\": [{\"Values\": [\"未命名\"], \"Name\": \"instance-name\"}]}";
  YunHeader headers[] = {
    { "X-TC-Token", "tok-EXAMPLE-session" },
    { "Host", "cvm.tencentcloudapi.com" },
    { "Content-Type", "application/json" },
  };
  YunSignRequest request = {
    .method = "POST",
    .headers = headers,
    .n_headers = G_N_ELEMENTS (headers),
    .payload = body,
    .payload_len = strlen (body),
    .service = "cvm",
    .timestamp = 1551113065,
  };
  g_autoptr (YunSignature) sig = yun_signer_sign (&request, EXAMPLE_ID, EXAMPLE_KEY);

  g_assert_cmpstr (sig->signed_headers, ==, "content-type;host;x-tc-token");
  g_assert_cmpstr (sig->hashed_canonical_request, ==,
                   "7671a263c9428db6a2a4c801a054a56cebdbf0d1841831eea1467721fb7ead6d");
  g_assert_cmpstr (sig->signature, ==,
                   "58fb12dcb3e9aacfcaf1e271be8dac29495844103a68d3bc8074f684de16086c");
}

/* Any set of headers, in any order and case, with a Host that carries a port (yunsim). */
static void
test_any_signed_header_set (void)
{
  YunHeader headers[] = {
    { "x-tc-timestamp", "1551113065" },
    { "X-TC-Action", "DescribeRegions" },
    { "  Host ", " 127.0.0.1:8443 " },
    { "content-type", "application/json" },
  };
  YunSignRequest request = {
    .method = "POST",
    .headers = headers,
    .n_headers = G_N_ELEMENTS (headers),
    .payload = "{}",
    .payload_len = 2,
    .service = "cvm",
    .timestamp = 1551113065,
  };
  g_autoptr (YunSignature) sig = yun_signer_sign (&request, EXAMPLE_ID, EXAMPLE_KEY);

  g_assert_cmpstr (sig->signed_headers, ==, "content-type;host;x-tc-action;x-tc-timestamp");
  g_assert_cmpstr (sig->hashed_canonical_request, ==,
                   "a4e89193c24b30be9f432eecf30d865b8311ba8302a2add16b51fda053ac6dbc");
  g_assert_cmpstr (sig->signature, ==,
                   "b280121dcfdb2c285083f03baf48b7dec65e61b3d9145ad258b1664eb7620c87");
}

/* Flip every byte of every signed input in turn; each flip must change the signature. */
static void
test_one_byte_changes_signature (void)
{
  static const char *const fields[]
    = { "method", "host", "content-type", "action", "body", "service", "secret-key", "query" };
  g_autoptr (YunSignature) reference = NULL;
  guint checked = 0;

  {
    YunHeader headers[] = {
      { "Content-Type", "application/json" },
      { "Host", "cvm.tencentcloudapi.com" },
      { "X-TC-Action", "DescribeInstances" },
    };
    YunSignRequest request
      = { "POST", "a=1", headers, 3, VECTOR_B_BODY, strlen (VECTOR_B_BODY), "cvm", 1551113065 };
    reference = yun_signer_sign (&request, EXAMPLE_ID, EXAMPLE_KEY);
  }

  for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
    {
      g_autofree char *method = g_strdup ("POST");
      g_autofree char *host = g_strdup ("cvm.tencentcloudapi.com");
      g_autofree char *content_type = g_strdup ("application/json");
      g_autofree char *action = g_strdup ("DescribeInstances");
      g_autofree char *body = g_strdup (VECTOR_B_BODY);
      g_autofree char *service = g_strdup ("cvm");
      g_autofree char *key = g_strdup (EXAMPLE_KEY);
      g_autofree char *query = g_strdup ("a=1");
      char *targets[] = { method, host, content_type, action, body, service, key, query };
      char *target = targets[f];
      gsize length = strlen (target);

      for (gsize i = 0; i < length; i++)
        {
          YunHeader headers[] = {
            { "Content-Type", content_type },
            { "Host", host },
            { "X-TC-Action", action },
          };
          YunSignRequest request
            = { method, query, headers, 3, body, strlen (body), service, 1551113065 };
          g_autoptr (YunSignature) changed = NULL;
          char saved = target[i];

          /* Header values are case-insensitive by definition, so change the letter itself;
           * XOR 1 keeps an ASCII byte ASCII and never maps a letter to its other case. */
          target[i] = (char) (saved ^ 0x01);
          changed = yun_signer_sign (&request, EXAMPLE_ID, key);
          if (g_strcmp0 (changed->signature, reference->signature) == 0)
            g_error ("flipping byte %" G_GSIZE_FORMAT " of %s left the signature unchanged", i,
                     fields[f]);
          target[i] = saved;
          checked++;
        }
    }

  /* And the timestamp, by one second. */
  {
    YunHeader headers[] = {
      { "Content-Type", "application/json" },
      { "Host", "cvm.tencentcloudapi.com" },
      { "X-TC-Action", "DescribeInstances" },
    };
    YunSignRequest request
      = { "POST", "a=1", headers, 3, VECTOR_B_BODY, strlen (VECTOR_B_BODY), "cvm", 1551113066 };
    g_autoptr (YunSignature) later = yun_signer_sign (&request, EXAMPLE_ID, EXAMPLE_KEY);

    g_assert_cmpstr (later->signature, !=, reference->signature);
  }

  g_assert_cmpuint (checked, >, 150);
}

static void
test_secret_never_in_output (void)
{
  g_autoptr (YunSignature) sig = sign_vector_a ("cvm.tencentcloudapi.com");

  g_assert_null (strstr (sig->canonical_request, EXAMPLE_KEY));
  g_assert_null (strstr (sig->string_to_sign, EXAMPLE_KEY));
  g_assert_null (strstr (sig->authorization, EXAMPLE_KEY));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/yun/core/signer/vector-a-get", test_vector_a_get);
  g_test_add_func ("/yun/core/signer/vector-a-finance-host", test_vector_a_finance_host);
  g_test_add_func ("/yun/core/signer/vector-b-post-action-signed",
                   test_vector_b_post_action_signed);
  g_test_add_func ("/yun/core/signer/vector-b-derived-key", test_vector_b_derived_key);
  for (guint i = 0; i < G_N_ELEMENTS (sdk_vectors); i++)
    {
      g_autofree char *path
        = g_strdup_printf ("/yun/core/signer/vector-c-sdk-style/%s", sdk_vectors[i].name);
      g_test_add_data_func (path, &sdk_vectors[i], test_vector_c_sdk_style);
    }
  g_test_add_func ("/yun/core/signer/tat-payload-hash", test_tat_payload_hash);
  g_test_add_func ("/yun/core/signer/empty-payload-hash", test_empty_payload_hash);
  g_test_add_func ("/yun/core/signer/utc-date-not-local", test_utc_date_not_local);
  g_test_add_func ("/yun/core/signer/session-token-header", test_session_token_header);
  g_test_add_func ("/yun/core/signer/any-signed-header-set", test_any_signed_header_set);
  g_test_add_func ("/yun/core/signer/one-byte-changes-signature", test_one_byte_changes_signature);
  g_test_add_func ("/yun/core/signer/secret-never-in-output", test_secret_never_in_output);

  return g_test_run ();
}
