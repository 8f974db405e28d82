#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "auth.h"
#include "buf.h"

#define CSRF_LABEL	"kfroute admin csrf v1"
/* Failures allowed before the lock starts, and its ceiling (15 min). */
#define FREE_FAILURES	3
#define MAX_LOCK	900

void
auth_new_id(char id[AUTH_ID_LEN + 1])
{
	unsigned char	 raw[AUTH_ID_LEN / 2];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(id, AUTH_ID_LEN + 1, raw, sizeof(raw));
	sodium_memzero(raw, sizeof(raw));
}

int
auth_id_valid(const char *s)
{
	size_t	 i;

	if (s == NULL || strlen(s) != AUTH_ID_LEN)
		return 0;
	for (i = 0; i < AUTH_ID_LEN; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

void
auth_id_hash(const char *id, char out[AUTH_HASH_LEN + 1])
{
	unsigned char	 h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)id, strlen(id));
	sodium_bin2hex(out, AUTH_HASH_LEN + 1, h, sizeof(h));
}

void
auth_csrf(const char *id, char out[AUTH_HASH_LEN + 1])
{
	unsigned char			 mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state	 st;

	crypto_auth_hmacsha256_init(&st, (const unsigned char *)id,
	    strlen(id));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)CSRF_LABEL,
	    sizeof(CSRF_LABEL) - 1);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(out, AUTH_HASH_LEN + 1, mac, sizeof(mac));
}

int
auth_csrf_ok(const char *id, const char *token)
{
	char	 want[AUTH_HASH_LEN + 1];

	if (token == NULL || strlen(token) != AUTH_HASH_LEN)
		return 0;
	auth_csrf(id, want);
	return sodium_memcmp(want, token, AUTH_HASH_LEN) == 0;
}

const char *
auth_cookie_name(int insecure_http)
{
	return insecure_http ? "kfadmin" : "__Host-kfadmin";
}

int
auth_cookie_get(const char *h, int insecure_http, char *out, size_t len)
{
	const char	*name = auth_cookie_name(insecure_http);
	size_t		 nlen = strlen(name), vlen;

	while (h != NULL && *h != '\0') {
		h += strspn(h, " \t;");
		if (strncmp(h, name, nlen) == 0 && h[nlen] == '=') {
			h += nlen + 1;
			vlen = strcspn(h, ";");
			while (vlen > 0 && (h[vlen - 1] == ' ' ||
			    h[vlen - 1] == '\t'))
				vlen--;
			if (vlen == 0 || vlen >= len)
				return 0;
			memcpy(out, h, vlen);
			out[vlen] = '\0';
			return 1;
		}
		h += strcspn(h, ";");
	}
	return 0;
}

void
auth_cookie_set(struct buf *b, int insecure_http, const char *id,
    int max_age)
{
	buf_printf(b, "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s",
	    auth_cookie_name(insecure_http), id != NULL ? id : "",
	    id != NULL ? max_age : 0, insecure_http ? "" : "; Secure");
}

int
auth_alive(time_t now, time_t created, time_t seen, int idle, int absolute)
{
	if (now < created || now < seen)	/* clock went back: be safe */
		return 0;
	return now - seen < idle && now - created < absolute;
}

int
auth_origin_ok(const char *origin, const char *fetch_site,
    const char *expected)
{
	if (fetch_site != NULL && strcmp(fetch_site, "same-origin") != 0)
		return 0;
	if (origin != NULL &&
	    (expected == NULL || strcasecmp(origin, expected) != 0))
		return 0;
	return 1;
}

int
auth_backoff(unsigned failures)
{
	unsigned	 shift;

	if (failures < FREE_FAILURES)
		return 0;
	shift = failures - FREE_FAILURES;
	/* 1, 2, 4 ... seconds, capped. */
	return shift >= 10 ? MAX_LOCK :
	    ((1 << shift) > MAX_LOCK ? MAX_LOCK : 1 << shift);
}

int
auth_username_ok(const char *s)
{
	size_t	 i, n = strlen(s);

	if (n == 0 || n > 64)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || strchr("_.@-", s[i]) != NULL))
			return 0;
	return 1;
}
