/*
 * Customer tokens (token.c) with a fixed secret and time. The first byte
 * picks what the rest is:
 *   0  a whole token for token_verify()
 *   1  "key.expiry": signed here (OpenSSL's HMAC, not token.c's), then
 *      verified, so the fuzzer gets past the signature
 *   2  a customer key and expiry for token_mint(), then token_verify()
 *
 * Invariants: a malformed token is malformed with or without a secret
 * (the form is checked first); a verified key is the token's first part
 * and an identifier; a token signed here verifies exactly when key and
 * expiry are well-formed (and not yet expired), as token.h specifies;
 * whatever token_mint() makes verifies to its key, and a changed
 * signature digit is refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <sodium.h>

#include "check.h"
#include "token.h"
#include "util.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define SECRET	"s3cret"
#define NOW	((time_t)1795399200)

static void
check_verify(const char *tok)
{
	char		 key[TOKEN_KEY_MAX + 1];
	enum token_rc	 rc = token_verify(SECRET, tok, NOW, key);

	CHECK((token_verify(NULL, tok, NOW, key) == TOKEN_MALFORMED) ==
	    (rc == TOKEN_MALFORMED));
	rc = token_verify(SECRET, tok, NOW, key);
	if (rc != TOKEN_OK) {
		CHECK(key[0] == '\0');
		return;
	}
	CHECK(util_id_valid(key, strlen(key)));
	CHECK(strncmp(tok, key, strlen(key)) == 0 && tok[strlen(key)] == '.');
}

/* What token.h says of "key.expiry" signed with the right secret. */
static enum token_rc
expected(const char *prefix)
{
	const char	*dot = strchr(prefix, '.'), *exp;
	size_t		 elen;
	long long	 v;

	if (dot == NULL || !util_id_valid(prefix, (size_t)(dot - prefix)))
		return TOKEN_MALFORMED;
	exp = dot + 1;
	elen = strlen(exp);
	if (elen == 0 || elen > 15 || strspn(exp, "0123456789") != elen)
		return TOKEN_MALFORMED;
	v = strtoll(exp, NULL, 10);	/* 15 digits fit */
	if (v > 99999999999LL)
		return TOKEN_MALFORMED;
	return v < (long long)NOW ? TOKEN_EXPIRED : TOKEN_OK;
}

static void
check_signed(const char *prefix)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned	 mdlen = 0, i;
	char		*tok, key[TOKEN_KEY_MAX + 1];
	size_t		 n = strlen(prefix);

	CHECK(HMAC(EVP_sha256(), SECRET, (int)strlen(SECRET),
	    (const unsigned char *)prefix, n, md, &mdlen) != NULL &&
	    mdlen == 32);
	tok = malloc(n + 1 + 64 + 1);
	CHECK(tok != NULL);
	memcpy(tok, prefix, n);
	tok[n] = '.';
	for (i = 0; i < 32; i++)
		snprintf(tok + n + 1 + 2 * i, 3, "%02X", md[i]);
	CHECK(token_verify(SECRET, tok, NOW, key) == expected(prefix));
	check_verify(tok);
	free(tok);
}

static void
check_mint(const char *key, const uint8_t *data, size_t size)
{
	char		 tok[256], got[TOKEN_KEY_MAX + 1];
	unsigned long long exp = 0;
	size_t		 i;

	for (i = 0; i < size && i < 8; i++)
		exp = exp << 8 | data[i];
	exp %= 100000000000ULL;
	if (token_mint(SECRET, key, (time_t)exp, tok, sizeof(tok)) == -1) {
		CHECK(!util_id_valid(key, strlen(key)));
		return;
	}
	CHECK(token_verify(SECRET, tok, (time_t)exp, got) == TOKEN_OK);
	CHECK(strcmp(got, key) == 0);
	CHECK(token_verify(SECRET, tok, (time_t)exp + 1, got) ==
	    TOKEN_EXPIRED);
	i = strlen(tok) - 1 - size % 64;
	tok[i] = tok[i] == '0' ? '1' : '0';
	CHECK(token_verify(SECRET, tok, (time_t)exp, got) ==
	    TOKEN_BAD_SIGNATURE);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s;

	if (sodium_init() < 0)
		return 0;
	if (size == 0)
		return 0;
	s = fuzz_str(data + 1, size - 1);
	switch (data[0] % 3) {
	case 0:
		check_verify(s);
		break;
	case 1:
		check_signed(s);
		break;
	default:
		check_mint(s, data + 1, size - 1);
		break;
	}
	free(s);
	return 0;
}
