#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "req.h"
#include "token.h"
#include "util.h"

#define MAC_HEX	64

/*
 * libsodium's, as the session cookies': every quote and verified tap runs
 * it, and OpenSSL 3's one-shot HMAC() looks its digest up through the
 * provider tables (locks) on each call.
 */
int
token_hmac(const char *key, const char *data, size_t n,
    unsigned char md[TOKEN_HMAC_LEN])
{
	crypto_auth_hmacsha256_state	 st;

	if (crypto_auth_hmacsha256_init(&st, (const unsigned char *)key,
	    strlen(key)) != 0 ||
	    crypto_auth_hmacsha256_update(&st, (const unsigned char *)data,
	    n) != 0 || crypto_auth_hmacsha256_final(&st, md) != 0)
		return -1;
	return 0;
}

/* HMAC-SHA256 in hex. */
static int
mac_hex(const char *secret, const char *data, size_t n, char out[MAC_HEX + 1])
{
	unsigned char	 md[TOKEN_HMAC_LEN];

	if (token_hmac(secret, data, n, md) == -1)
		return -1;
	sodium_bin2hex(out, MAC_HEX + 1, md, sizeof(md));
	return 0;
}

enum token_rc
token_verify(const char *secret, const char *token, time_t now,
    char key[TOKEN_KEY_MAX + 1])
{
	const char	*dot1, *dot2, *mac;
	char		 expiry[16], want[MAC_HEX + 1], got[MAC_HEX + 1];
	size_t		 klen, elen, i;
	long long	 exp;

	key[0] = '\0';
	if ((dot1 = strchr(token, '.')) == NULL ||
	    (dot2 = strchr(dot1 + 1, '.')) == NULL)
		return TOKEN_MALFORMED;
	klen = (size_t)(dot1 - token);
	elen = (size_t)(dot2 - dot1 - 1);
	mac = dot2 + 1;
	if (!util_id_valid(token, klen) || elen == 0 || elen >= sizeof(expiry) ||
	    strlen(mac) != MAC_HEX)
		return TOKEN_MALFORMED;
	memcpy(expiry, dot1 + 1, elen);
	expiry[elen] = '\0';
	if (util_parse_llong(expiry, 0, 99999999999LL, &exp) == -1)
		return TOKEN_MALFORMED;
	for (i = 0; i < MAC_HEX; i++) {
		char c = mac[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		    (c >= 'A' && c <= 'F')))
			return TOKEN_MALFORMED;
		got[i] = (char)(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
	}
	got[MAC_HEX] = '\0';
	if (secret == NULL || *secret == '\0')
		return TOKEN_NO_SECRET;
	if (mac_hex(secret, token, (size_t)(dot2 - token), want) == -1 ||
	    sodium_memcmp(want, got, MAC_HEX) != 0)
		return TOKEN_BAD_SIGNATURE;
	if ((time_t)exp < now)
		return TOKEN_EXPIRED;
	memcpy(key, token, klen);
	key[klen] = '\0';
	return TOKEN_OK;
}

int
token_mint(const char *secret, const char *key, time_t expiry, char *out,
    size_t len)
{
	char	 mac[MAC_HEX + 1];
	int	 n;

	if (!util_id_valid(key, strlen(key)) || secret == NULL || *secret == '\0')
		return -1;
	n = snprintf(out, len, "%s.%lld", key, (long long)expiry);
	if (n < 0 || (size_t)n + 1 + MAC_HEX + 1 > len ||
	    mac_hex(secret, out, (size_t)n, mac) == -1)
		return -1;
	snprintf(out + n, len - (size_t)n, ".%s", mac);
	return 0;
}
