/*
 * Tickets (ticket.c) with a fixed key and time. The first byte picks
 * what the rest is:
 *   0  a ticket for ticket_read() (an exact-size copy: no terminator)
 *   1  a ticket without its MAC: signed here (OpenSSL's HMAC, not
 *      ticket.c's), then read, so the fuzzer gets past the signature
 *   2  entry NUL agent NUL customer NUL kind bytes, for ticket_make()
 *      and ticket_read()
 *
 * Invariants: a ticket read is made of identifiers, a known target type
 * and reason and a time within max_age; what one reads is made again
 * into a ticket that reads back the same; what ticket_make() writes is at
 * most 128 URL-safe bytes and reads back to exactly what it was made of
 * (agent or customer dropped only when it had to be), and a changed MAC
 * character is refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <sodium.h>

#include "check.h"
#include "ticket.h"
#include "util.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define KEY	"tk3y"
#define NOW	((time_t)1795399200)
#define MAX_AGE	86400

static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static int
id_or_empty(const char *s)
{
	return *s == '\0' || util_id_valid(s, strlen(s));
}

static void
check_same(const struct ticket *a, const struct ticket *b)
{
	CHECK(strcmp(a->entry, b->entry) == 0);
	CHECK(strcmp(a->agent, b->agent) == 0);
	CHECK(strcmp(a->customer, b->customer) == 0);
	CHECK(a->ttype == b->ttype && a->fallback == b->fallback);
	CHECK(a->reason == b->reason && a->at == b->at);
	CHECK(a->reason != REASON_RULE || a->rule_id == b->rule_id);
}

/* A ticket that read: sane fields, and made again it reads the same. */
static void
check_good(const struct ticket *t, time_t now)
{
	struct ticket	 again = *t, back;
	char		 s[TICKET_MAX + 1];

	CHECK(util_id_valid(t->entry, strlen(t->entry)));
	CHECK(id_or_empty(t->agent) && id_or_empty(t->customer));
	CHECK((unsigned)t->ttype < TARGET__MAX);
	CHECK((unsigned)t->reason < REASON__MAX);
	CHECK(t->fallback == 0 || t->fallback == 1);
	CHECK(t->at <= now + 60 && t->at >= now - MAX_AGE);
	CHECK(strlen(t->key) == TICKET_KEY_LEN);
	CHECK(ticket_make(KEY, &again, s) == 0);
	CHECK(ticket_read(KEY, s, strlen(s), now, MAX_AGE, &back) == 0);
	check_same(t, &back);
}

static void
check_read(const char *s, size_t n)
{
	struct ticket	 t;

	if (ticket_read(KEY, s, n, NOW, MAX_AGE, &t) == 0)
		check_good(&t, NOW);
}

static void
check_signed(const char *prefix, size_t n)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned	 mdlen = 0, v = 0, bits = 0, i;
	char		*s;
	size_t		 o = n;

	CHECK(HMAC(EVP_sha256(), KEY, (int)strlen(KEY),
	    (const unsigned char *)prefix, n, md, &mdlen) != NULL);
	s = malloc(n + TICKET_KEY_LEN);
	CHECK(s != NULL);
	if (n > 0)
		memcpy(s, prefix, n);
	for (i = 0; i < 16; i++) {	/* base64url, unpadded */
		v = v << 8 | md[i];
		for (bits += 8; bits >= 6; bits -= 6)
			s[o++] = b64url[v >> (bits - 6) & 63];
	}
	s[o++] = b64url[v << (6 - bits) & 63];
	CHECK(o == n + TICKET_KEY_LEN);
	check_read(s, o);
	free(s);
}

static void
check_make(const struct split *sp, const uint8_t *data, size_t size)
{
	struct ticket	 t, made, back;
	char		 s[TICKET_MAX + 1];
	unsigned	 k[8] = { 0 };
	size_t		 i, len;
	int		 ok;

	memset(&t, 0, sizeof(t));
	snprintf(t.entry, sizeof(t.entry), "%s", sp->s[0]);
	snprintf(t.agent, sizeof(t.agent), "%s", sp->n > 1 ? sp->s[1] : "");
	snprintf(t.customer, sizeof(t.customer), "%s",
	    sp->n > 2 ? sp->s[2] : "");
	for (i = 0; i < 8 && i < size; i++)
		k[i] = data[size - 1 - i];
	t.ttype = (enum target_type)(k[0] % TARGET__MAX);
	t.reason = (enum decide_reason)(k[1] % REASON__MAX);
	t.fallback = k[2] & 1;
	t.rule_id = (long)((k[3] << 16 | k[4] << 8 | k[5]) * 997);
	t.at = NOW - (time_t)(k[6] * 300);
	made = t;
	ok = ticket_make(KEY, &made, s) == 0;
	CHECK(ok == (util_id_valid(t.entry, strlen(t.entry)) &&
	    id_or_empty(t.agent)));
	if (!ok)
		return;
	len = strlen(s);
	CHECK(len <= TICKET_MAX);
	for (i = 0; i < len; i++)
		CHECK(util_id_valid(s + i, 1) || s[i] == '.');
	CHECK(strcmp(made.entry, t.entry) == 0);
	/*
	 * Left out only when not an identifier, just "-" (nobody) or too
	 * long; the customer before the agent.
	 */
	if (!id_or_empty(t.customer) || strcmp(t.customer, "-") == 0)
		CHECK(made.customer[0] == '\0');
	if (strcmp(t.agent, "-") == 0)
		CHECK(made.agent[0] == '\0');
	else if (made.agent[0] == '\0' && t.agent[0] != '\0')
		CHECK(made.customer[0] == '\0');
	if (made.customer[0] != '\0')
		CHECK(strcmp(made.customer, t.customer) == 0);
	CHECK(ticket_read(KEY, s, len, NOW, MAX_AGE, &back) == 0);
	check_same(&made, &back);
	CHECK(strcmp(back.key, made.key) == 0);
	check_good(&back, NOW);
	s[len - 1 - size % TICKET_KEY_LEN] ^= 1;
	CHECK(ticket_read(KEY, s, len, NOW, MAX_AGE, &back) == -1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct split	 sp;
	char		*s;

	if (sodium_init() < 0)
		return 0;
	if (size == 0)
		return 0;
	switch (data[0] % 3) {
	case 0:
		s = fuzz_dup(data + 1, size - 1);
		check_read(s, size - 1);
		free(s);
		break;
	case 1:
		check_signed((const char *)data + 1, size - 1);
		break;
	default:
		fuzz_split(data + 1, size - 1, 4, &sp);
		check_make(&sp, data + 1, size - 1);
		fuzz_split_free(&sp);
		break;
	}
	return 0;
}
