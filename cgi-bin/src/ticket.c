#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "req.h"
#include "ticket.h"
#include "token.h"
#include "util.h"

#define MAC_BYTES	16
#define NONCE_BYTES	6
#define NONCE_CHARS	8
#define FIELDS		8
#define TIME_CHARS_MAX	13	/* base 36 of 2^64 - 1 */

static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
static const char b36[] = "0123456789abcdefghijklmnopqrstuvwxyz";
static const char ttypes[TARGET__MAX] = {
	[TARGET_PAGE] = 'p', [TARGET_URL] = 'u', [TARGET_WECOM_KF] = 'w',
};
/* Reason letters; REASON_RULE is 'r' followed by the rule's id. */
static const char reasons[REASON__MAX] = {
	[REASON_RULE] = 'r', [REASON_DESIGNATED] = 'd',
	[REASON_ACCOUNT_MANAGER] = 'm', [REASON_STICKY] = 's',
	[REASON_GROUP] = 'g', [REASON_GLOBAL] = 'G',
	[REASON_NONE_OFFLINE] = 'o', [REASON_NONE_FULL] = 'b',
	[REASON_NONE_CLOSED] = 'c', [REASON_LINK] = 'l',
};

/* base64url of n bytes, unpadded, into out (4n/3 rounded up + 1). */
static void
b64(const unsigned char *in, size_t n, char *out)
{
	unsigned	 v = 0, bits = 0;
	size_t		 i, o = 0;

	for (i = 0; i < n; i++) {
		v = (v << 8) | in[i];
		bits += 8;
		while (bits >= 6) {
			out[o++] = b64url[(v >> (bits - 6)) & 63];
			bits -= 6;
		}
	}
	if (bits > 0)
		out[o++] = b64url[(v << (6 - bits)) & 63];
	out[o] = '\0';
}

/* The MAC of data[0..n), base64url, into out[TICKET_KEY_LEN + 1]. */
static int
mac(const char *key, const char *data, size_t n, char *out)
{
	unsigned char	 md[TOKEN_HMAC_LEN];

	if (token_hmac(key, data, n, md) == -1)
		return -1;
	b64(md, MAC_BYTES, out);
	return 0;
}

/* "p0d", "w1r12": the kind field. */
static int
kind_text(const struct ticket *t, char *out, size_t len)
{
	int	 n;

	if ((unsigned)t->ttype >= TARGET__MAX ||
	    (unsigned)t->reason >= REASON__MAX)
		return -1;
	if (t->reason == REASON_RULE)
		n = snprintf(out, len, "%c%c%c%ld", ttypes[t->ttype],
		    t->fallback ? '1' : '0', 'r', t->rule_id);
	else
		n = snprintf(out, len, "%c%c%c", ttypes[t->ttype],
		    t->fallback ? '1' : '0', reasons[t->reason]);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int
ticket_make(const char *key, struct ticket *t, char out[TICKET_MAX + 1])
{
	unsigned char	 nonce[NONCE_BYTES];
	char		 ts[TIME_CHARS_MAX + 1], rev[TIME_CHARS_MAX + 1];
	char		 kind[32], nc[NONCE_CHARS + 1];
	const char	*agent = t->agent, *cust = t->customer;
	uint64_t	 v;
	int		 n, k = 0, j;

	out[0] = '\0';
	if (key == NULL || *key == '\0' || t->at < 0 ||
	    !util_id_valid(t->entry, strlen(t->entry)) ||
	    (*agent != '\0' && !util_id_valid(agent, strlen(agent))) ||
	    kind_text(t, kind, sizeof(kind)) == -1)
		return -1;
	if (*cust != '\0' && !util_id_valid(cust, strlen(cust)))
		cust = "";	/* not an identifier: no sticky from this one */
	/* "-" is nobody: an id that is just "-" cannot be told from it. */
	if (strcmp(agent, "-") == 0)
		agent = "";
	if (strcmp(cust, "-") == 0)
		cust = "";
	v = (uint64_t)t->at;
	do {
		rev[k++] = b36[v % 36];
		v /= 36;
	} while (v > 0);
	for (j = 0; j < k; j++)
		ts[j] = rev[k - 1 - j];
	ts[k] = '\0';
	randombytes_buf(nonce, sizeof(nonce));
	b64(nonce, sizeof(nonce), nc);
	for (;;) {
		n = snprintf(out, TICKET_MAX + 1, "2.%s.%s.%s.%s.%s.%s.",
		    t->entry, *agent ? agent : "-", kind, ts, nc,
		    *cust ? cust : "-");
		if (n >= 0 && n + TICKET_KEY_LEN <= TICKET_MAX)
			break;
		/* Too long: give up the customer, then the agent. */
		if (*cust != '\0')
			cust = "";
		else if (*agent != '\0')
			agent = "";
		else {
			out[0] = '\0';
			return -1;
		}
	}
	if (mac(key, out, (size_t)n, t->key) == -1) {
		out[0] = '\0';
		return -1;
	}
	memcpy(out + n, t->key, TICKET_KEY_LEN + 1);
	if (agent != t->agent)
		t->agent[0] = '\0';
	if (cust != t->customer)
		t->customer[0] = '\0';
	return 0;
}

/* An id field ("-" for none) into out[65]. */
static int
id_field(const char *f, size_t len, char out[65], int optional)
{
	out[0] = '\0';
	if (optional && len == 1 && f[0] == '-')
		return 0;
	if (!util_id_valid(f, len))
		return -1;
	memcpy(out, f, len);
	out[len] = '\0';
	return 0;
}

static int
kind_parse(const char *f, size_t len, struct ticket *t)
{
	const char	*p;
	size_t		 i;
	long		 id = 0;

	if (len < 3)
		return -1;
	for (i = 0; i < TARGET__MAX && ttypes[i] != f[0]; i++)
		;
	if (i == TARGET__MAX || (f[1] != '0' && f[1] != '1'))
		return -1;
	t->ttype = (enum target_type)i;
	t->fallback = f[1] == '1';
	if ((p = memchr(reasons, f[2], sizeof(reasons))) == NULL)
		return -1;
	t->reason = (enum decide_reason)(p - reasons);
	if (t->reason != REASON_RULE)
		return len == 3 ? 0 : -1;
	if (len < 4 || len > 3 + 18)
		return -1;
	for (i = 3; i < len; i++) {
		if (f[i] < '0' || f[i] > '9')
			return -1;
		id = id * 10 + (f[i] - '0');
	}
	t->rule_id = id;
	return 0;
}

int
ticket_read(const char *key, const char *s, size_t len, time_t now,
    int max_age, struct ticket *t)
{
	const char	*f[FIELDS], *p = s, *end = s + len, *dot;
	size_t		 flen[FIELDS], i;
	char		 m[TICKET_KEY_LEN + 1];
	uint64_t	 v = 0;

	memset(t, 0, sizeof(*t));
	if (key == NULL || *key == '\0' || len > TICKET_MAX)
		return -1;
	for (i = 0; i < FIELDS; i++) {	/* eight dot-separated fields */
		f[i] = p;
		dot = memchr(p, '.', (size_t)(end - p));
		if (i < FIELDS - 1) {
			if (dot == NULL)
				return -1;
			flen[i] = (size_t)(dot - p);
			p = dot + 1;
		} else {
			if (dot != NULL)
				return -1;
			flen[i] = (size_t)(end - p);
		}
	}
	if (flen[0] != 1 || f[0][0] != '2' || flen[4] == 0 ||
	    flen[4] > TIME_CHARS_MAX || flen[5] != NONCE_CHARS ||
	    flen[7] != TICKET_KEY_LEN)
		return -1;
	/* The signature first: nothing unsigned is believed. */
	if (mac(key, s, (size_t)(f[7] - s), m) == -1 ||
	    sodium_memcmp(m, f[7], TICKET_KEY_LEN) != 0)
		return -1;
	if (id_field(f[1], flen[1], t->entry, 0) == -1 ||
	    id_field(f[2], flen[2], t->agent, 1) == -1 ||
	    id_field(f[6], flen[6], t->customer, 1) == -1 ||
	    kind_parse(f[3], flen[3], t) == -1)
		goto bad;
	for (i = 0; i < flen[4]; i++) {
		const char *d = memchr(b36, f[4][i], sizeof(b36) - 1);

		/* Overflow-checked: 13 base-36 digits can pass 2^64. */
		if (d == NULL || v > (UINT64_MAX - (uint64_t)(d - b36)) / 36)
			goto bad;
		v = v * 36 + (uint64_t)(d - b36);
	}
	/* Compare as unsigned distances: no signed overflow on wild times. */
	if (now < 0 || v > (uint64_t)now + 60 ||
	    ((uint64_t)now > v && (uint64_t)now - v > (uint64_t)max_age))
		goto bad;
	t->at = (time_t)v;
	memcpy(t->key, f[7], TICKET_KEY_LEN);
	t->key[TICKET_KEY_LEN] = '\0';
	return 0;
bad:
	memset(t, 0, sizeof(*t));
	return -1;
}
