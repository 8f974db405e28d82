/* Customer tokens: minting, verification, every way to be refused. */
#include "unit.h"

#include <sodium.h>

#include <stdio.h>

#include "token.h"

#define NOW	((time_t)1795399200)

static void
test_roundtrip(void **state)
{
	char	 tok[256], key[TOKEN_KEY_MAX + 1];

	(void)state;
	assert_int_equal(token_mint("s3cret", "vip001", NOW + 60, tok,
	    sizeof(tok)), 0);
	assert_int_equal(strncmp(tok, "vip001.1795399260.", 18), 0);
	assert_int_equal(strlen(tok), 18 + 64);
	assert_int_equal(token_verify("s3cret", tok, NOW, key), TOKEN_OK);
	assert_string_equal(key, "vip001");
	/* Valid up to and including its expiry second. */
	assert_int_equal(token_verify("s3cret", tok, NOW + 60, key), TOKEN_OK);
	assert_int_equal(token_verify("s3cret", tok, NOW + 61, key),
	    TOKEN_EXPIRED);
	assert_string_equal(key, "");
}

/* Interoperability: what `openssl dgst -sha256 -hmac` computes. */
static void
test_known_vector(void **state)
{
	char		 key[TOKEN_KEY_MAX + 1], mine[256], upper[256];
	/* printf 'c100.2000000000' | openssl dgst -sha256 -hmac k */
	const char	*tok = "c100.2000000000."
	    "9eb1e62c533ca8c4b4d19a94142efaf4a3689e6f2ba59d665b0eb2d7ffc449d5";

	(void)state;
	assert_int_equal(token_mint("k", "c100", 2000000000, mine,
	    sizeof(mine)), 0);
	assert_string_equal(mine, tok);
	assert_int_equal(token_verify("k", tok, NOW, key), TOKEN_OK);
	assert_string_equal(key, "c100");
	/* Hex digits are accepted in either case. */
	snprintf(upper, sizeof(upper), "%s", tok);
	for (char *p = upper + 16; *p; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (char)(*p - 'a' + 'A');
	assert_int_equal(token_verify("k", upper, NOW, key), TOKEN_OK);
}

static void
test_refusals(void **state)
{
	char	 tok[256], bad[300], key[TOKEN_KEY_MAX + 1];
	size_t	 n;

	(void)state;
	token_mint("s3cret", "vip001", NOW + 60, tok, sizeof(tok));
	assert_int_equal(token_verify("other", tok, NOW, key),
	    TOKEN_BAD_SIGNATURE);
	assert_int_equal(token_verify(NULL, tok, NOW, key), TOKEN_NO_SECRET);
	assert_int_equal(token_verify("", tok, NOW, key), TOKEN_NO_SECRET);
	/* Another key with the same signature. */
	snprintf(bad, sizeof(bad), "vip002%s", tok + 6);
	assert_int_equal(token_verify("s3cret", bad, NOW, key),
	    TOKEN_BAD_SIGNATURE);
	/* A later expiry with the old signature. */
	snprintf(bad, sizeof(bad), "vip001.1795399999%s", tok + 16);
	assert_int_equal(token_verify("s3cret", bad, NOW, key),
	    TOKEN_BAD_SIGNATURE);
	/* One flipped hex digit. */
	snprintf(bad, sizeof(bad), "%s", tok);
	n = strlen(bad);
	bad[n - 1] = bad[n - 1] == '0' ? '1' : '0';
	assert_int_equal(token_verify("s3cret", bad, NOW, key),
	    TOKEN_BAD_SIGNATURE);
}

static void
test_malformed(void **state)
{
	char		 key[TOKEN_KEY_MAX + 1], t[400];
	const char	*mac = "0000000000000000000000000000000000000000000000000000000000000000";
	/* prefix, then the 64-digit mac when with_mac, then suffix */
	static const struct { const char *pre; int with_mac; const char *post; }
	    cases[] = {
		{ "", 0, "" }, { "vip001", 0, "" }, { "vip001.1", 0, "" },
		{ "vip001..", 1, "" }, { ".1.", 1, "" }, { "a b.1.", 1, "" },
		{ "vip001.-1.", 1, "" }, { "vip001.1e3.", 1, "" },
		{ "vip001.1.", 1, "g" }, { "vip001.1.abc", 0, "" },
		{ "vip001.1.", 1, ".x" }, { "vip001.123456789012345.", 1, "" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(t, sizeof(t), "%s%s%s", cases[i].pre,
		    cases[i].with_mac ? mac : "", cases[i].post);
		if (token_verify("s3cret", t, NOW, key) != TOKEN_MALFORMED)
			fail_msg("'%s' was not malformed", t);
	}
	/* Mint refuses keys that could not be verified. */
	assert_int_equal(token_mint("s", "a.b", NOW, t, sizeof(t)), -1);
	assert_int_equal(token_mint("s", "", NOW, t, sizeof(t)), -1);
	assert_int_equal(token_mint(NULL, "a", NOW, t, sizeof(t)), -1);
	assert_int_equal(token_mint("s", "a", NOW, t, 20), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_known_vector),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_malformed),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("token", tests, NULL, NULL);
}
