#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "req.h"
#include "ticket.h"

#define MAC_BYTES	16
#define MAC_CHARS	22	/* base64url of 16 bytes, unpadded */

static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* The MAC of data[0..n), base64url, into out[MAC_CHARS + 1]. */
static int
mac(const char *key, const char *data, size_t n, char *out)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned	 len = 0, i, v, bits = 0, o = 0;

	if (HMAC(EVP_sha256(), key, (int)strlen(key),
	    (const unsigned char *)data, n, md, &len) == NULL || len < MAC_BYTES)
		return -1;
	for (i = 0, v = 0; i < MAC_BYTES; i++) {
		v = (v << 8) | md[i];
		bits += 8;
		while (bits >= 6) {
			out[o++] = b64url[(v >> (bits - 6)) & 63];
			bits -= 6;
		}
	}
	if (bits > 0)
		out[o++] = b64url[(v << (6 - bits)) & 63];
	out[o] = '\0';
	return 0;
}

int
ticket_make(const char *key, const char *entry, const char *agent,
    time_t now, char out[TICKET_MAX + 1])
{
	char	 ts[16], m[MAC_CHARS + 1];
	int	 n;

	if (key == NULL || *key == '\0' || !req_valid_id(entry, strlen(entry)))
		return -1;
	if (agent != NULL && !req_valid_id(agent, strlen(agent)))
		return -1;
	/* base 36 keeps the time short */
	{
		unsigned long long	 t = (unsigned long long)now;
		char			 rev[16];
		int			 k = 0, j;

		do {
			rev[k++] = "0123456789abcdefghijklmnopqrstuvwxyz"[t % 36];
			t /= 36;
		} while (t > 0 && k < 15);
		for (j = 0; j < k; j++)
			ts[j] = rev[k - 1 - j];
		ts[k] = '\0';
	}
	n = snprintf(out, TICKET_MAX + 1, "1.%s.%s.%s.", entry,
	    agent != NULL ? agent : "-", ts);
	if (n < 0 || n + MAC_CHARS > TICKET_MAX) {
		if (agent == NULL)
			return -1;
		return ticket_make(key, entry, NULL, now, out);
	}
	if (mac(key, out, (size_t)n, m) == -1)
		return -1;
	memcpy(out + n, m, MAC_CHARS + 1);
	return 0;
}

int
ticket_read(const char *key, const char *ticket, time_t now, int max_age,
    char entry[65], char agent[65])
{
	const char		*f[5], *p = ticket;
	size_t			 len[5], i;
	char			 m[MAC_CHARS + 1];
	unsigned long long	 t = 0;

	entry[0] = agent[0] = '\0';
	if (key == NULL || *key == '\0' || strlen(ticket) > TICKET_MAX)
		return -1;
	for (i = 0; i < 5; i++) {	/* five dot-separated fields */
		f[i] = p;
		len[i] = strcspn(p, ".");
		p += len[i];
		if (i < 4 && *p++ != '.')
			return -1;
	}
	if (*p != '\0' || len[0] != 1 || f[0][0] != '1' ||
	    !req_valid_id(f[1], len[1]) || len[2] == 0 || len[2] > 64 ||
	    len[3] == 0 || len[3] > 13 || len[4] != MAC_CHARS)
		return -1;
	if (!(len[2] == 1 && f[2][0] == '-') && !req_valid_id(f[2], len[2]))
		return -1;
	if (mac(key, ticket, (size_t)(f[4] - ticket), m) == -1 ||
	    CRYPTO_memcmp(m, f[4], MAC_CHARS) != 0)
		return -1;
	for (i = 0; i < len[3]; i++) {
		const char *d = strchr("0123456789abcdefghijklmnopqrstuvwxyz",
		    f[3][i]);

		if (d == NULL || f[3][i] == '\0')
			return -1;
		t = t * 36 + (unsigned long long)(d -
		    "0123456789abcdefghijklmnopqrstuvwxyz");
	}
	if ((time_t)t > now + 60 || now - (time_t)t > max_age)
		return -1;
	memcpy(entry, f[1], len[1]);
	entry[len[1]] = '\0';
	if (!(len[2] == 1 && f[2][0] == '-')) {
		memcpy(agent, f[2], len[2]);
		agent[len[2]] = '\0';
	}
	return 0;
}
