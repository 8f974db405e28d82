#include <string.h>

#include <sodium.h>

#include "pwhash.h"
#include "utf8.h"

/*
 * OWASP's Argon2id floor is 19 MiB / 2 passes; libsodium's "interactive"
 * level (64 MiB, 2 passes) is above it and verifies in well under a
 * second, which is what a login can afford.
 */
#define OPS	crypto_pwhash_OPSLIMIT_INTERACTIVE
#define MEM	crypto_pwhash_MEMLIMIT_INTERACTIVE

/*
 * A hash of a throw-away password at the cost above, made once by
 * pwhash_make(): verifying against it costs what a real check costs,
 * also in the first request of a plain CGI process.
 */
static const char dummy[PWHASH_LEN] = "$argon2id$v=19$m=65536,t=2,p=1$"
    "+7n7p6PFLmN16cq+Tw75ZQ$ZEb8wTtgSmRpBEcM1g55hVPl308c+bVzDasm6Q8qZWI";

int
pwhash_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

const char *
pwhash_policy(const char *pw)
{
	size_t	 n = strlen(pw), i, k, chars = 0;

	/* Characters, as operators count them (an emoji is one, not four). */
	for (i = 0; i < n; i += k ? k : 1, chars++)
		k = utf8_char(pw + i, n - i);
	if (chars < PWHASH_MIN)
		return "too short (at least 10 characters)";
	if (n > PWHASH_MAX)
		return "too long (at most 256 bytes)";
	return NULL;
}

int
pwhash_make(const char *pw, char out[PWHASH_LEN])
{
	_Static_assert(PWHASH_LEN >= crypto_pwhash_STRBYTES, "hash size");
	return crypto_pwhash_str(out, pw, strlen(pw), OPS, MEM) == 0 ? 0 : -1;
}

enum pwhash_rc
pwhash_verify(const char *hash, const char *pw)
{
	size_t	 n = strlen(pw);

	/* Over-long input would only make an attacker's guesses costlier. */
	if (n > PWHASH_MAX ||
	    crypto_pwhash_str_verify(hash, pw, n) != 0)
		return PWHASH_MISMATCH;
	return crypto_pwhash_str_needs_rehash(hash, OPS, MEM) == 0 ?
	    PWHASH_OK : PWHASH_OK_REHASH;
}

void
pwhash_dummy(const char *pw)
{
	(void)pwhash_verify(dummy, pw);
}

void
pwhash_generate(char *out)
{
	static const char abc[] = "abcdefghijkmnpqrstuvwxyz"
	    "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	size_t	 i;

	for (i = 0; i < PWHASH_GEN; i++)
		out[i] = abc[randombytes_uniform(sizeof(abc) - 1)];
	out[i] = '\0';
}
