/*
 * Tickets: a quote's signed name. Round trips every field, stays within
 * 128 bytes, differs between two identical decisions, and is refused
 * when forged, malformed, expired, from the future or out of range.
 */
#include "unit.h"

#include <sodium.h>

#include <stdio.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "ticket.h"

#define NOW	((time_t)1795399200)

static struct ticket
decision(const char *entry, const char *agent, const char *customer)
{
	struct ticket	 t;

	memset(&t, 0, sizeof(t));
	snprintf(t.entry, sizeof(t.entry), "%s", entry);
	snprintf(t.agent, sizeof(t.agent), "%s", agent);
	snprintf(t.customer, sizeof(t.customer), "%s", customer);
	t.ttype = TARGET_WECOM_KF;
	t.fallback = 1;
	t.reason = REASON_RULE;
	t.rule_id = 12;
	t.at = NOW;
	return t;
}

static int
read_str(const char *key, const char *s, time_t now, int max_age,
    struct ticket *t)
{
	return ticket_read(key, s, strlen(s), now, max_age, t);
}

static void
test_roundtrip(void **state)
{
	struct ticket	 in = decision("cs2", "a4", "vip001"), out;
	char		 s[TICKET_MAX + 1];

	(void)state;
	assert_int_equal(ticket_make("k", &in, s), 0);
	assert_int_equal(strncmp(s, "2.cs2.a4.w1r12.", 15), 0);
	assert_true(strlen(s) <= TICKET_MAX);
	assert_int_equal(strlen(in.key), TICKET_KEY_LEN);
	assert_int_equal(read_str("k", s, NOW + 5, 3600, &out), 0);
	assert_string_equal(out.entry, "cs2");
	assert_string_equal(out.agent, "a4");
	assert_string_equal(out.customer, "vip001");
	assert_int_equal(out.ttype, TARGET_WECOM_KF);
	assert_int_equal(out.fallback, 1);
	assert_int_equal(out.reason, REASON_RULE);
	assert_int_equal(out.rule_id, 12);
	assert_int_equal(out.at, NOW);
	assert_string_equal(out.key, in.key);
	/* Nobody, anonymous, every reason letter. */
	for (int r = 0; r < REASON__MAX; r++) {
		struct ticket t = decision("cs1", "", "");

		t.reason = (enum decide_reason)r;
		t.ttype = (enum target_type)(r % TARGET__MAX);
		t.fallback = 0;
		assert_int_equal(ticket_make("k", &t, s), 0);
		assert_int_equal(read_str("k", s, NOW, 60, &out), 0);
		assert_int_equal(out.reason, r);
		assert_int_equal(out.ttype, r % TARGET__MAX);
		assert_string_equal(out.agent, "");
		assert_string_equal(out.customer, "");
	}
}

/* Two customers quoted the same decision in the same second. */
static void
test_nonce_keeps_identical_decisions_apart(void **state)
{
	struct ticket	 a = decision("cs1", "a1", ""), b = a;
	char		 s1[TICKET_MAX + 1], s2[TICKET_MAX + 1];

	(void)state;
	assert_int_equal(ticket_make("k", &a, s1), 0);
	assert_int_equal(ticket_make("k", &b, s2), 0);
	assert_string_not_equal(s1, s2);
	assert_string_not_equal(a.key, b.key);
}

static void
test_long_ids_drop_customer_then_agent(void **state)
{
	char		 s[TICKET_MAX + 1], id[65], mid[41];
	struct ticket	 t, out;

	(void)state;
	memset(id, 'x', 64);
	id[64] = '\0';
	memset(mid, 'e', 40);
	mid[40] = '\0';
	t = decision("cs1", "a1", id);			/* fits: all kept */
	assert_int_equal(ticket_make("k", &t, s), 0);
	assert_string_equal(t.customer, id);
	t = decision(mid, "a1", id);			/* customer too long */
	assert_int_equal(ticket_make("k", &t, s), 0);
	assert_true(strlen(s) <= TICKET_MAX);
	assert_string_equal(t.customer, "");		/* the caller sees it */
	assert_int_equal(read_str("k", s, NOW, 60, &out), 0);
	assert_string_equal(out.agent, "a1");
	assert_string_equal(out.customer, "");
	t = decision(id, id, "c1");			/* agent too */
	assert_int_equal(ticket_make("k", &t, s), 0);
	assert_int_equal(read_str("k", s, NOW, 60, &out), 0);
	assert_string_equal(out.entry, id);
	assert_string_equal(out.agent, "");
	/* A customer key that is no identifier is left out, not refused. */
	t = decision("cs1", "a1", "a.b");
	assert_int_equal(ticket_make("k", &t, s), 0);
	assert_int_equal(read_str("k", s, NOW, 60, &out), 0);
	assert_string_equal(out.customer, "");
}

/*
 * "-" is the ticket's "nobody": an agent or customer whose id is just "-"
 * cannot be written, so it is left out like one that does not fit, and
 * the caller sees that (found by fuzz_ticket: "-" was written, then read
 * back as nobody).
 */
static void
test_dash_ids_left_out(void **state)
{
	char		 s[TICKET_MAX + 1];
	struct ticket	 t = decision("cs1", "-", "-"), out;

	(void)state;
	assert_int_equal(ticket_make("k", &t, s), 0);
	assert_string_equal(t.agent, "");
	assert_string_equal(t.customer, "");
	assert_int_equal(read_str("k", s, NOW, 60, &out), 0);
	assert_string_equal(out.agent, t.agent);
	assert_string_equal(out.customer, t.customer);
	t = decision("cs1", "a-", "-x");		/* only "-" itself */
	assert_int_equal(ticket_make("k", &t, s), 0);
	assert_int_equal(read_str("k", s, NOW, 60, &out), 0);
	assert_string_equal(out.agent, "a-");
	assert_string_equal(out.customer, "-x");
}

/* Sign arbitrary text with the key, as a forger who knew it would. */
static void
sign(const char *key, const char *body, char *out, size_t len)
{
	static const char abc[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned	 mdlen = 0, v = 0, bits = 0;
	size_t		 n = (size_t)snprintf(out, len, "%s", body);

	HMAC(EVP_sha256(), key, (int)strlen(key), (const unsigned char *)body,
	    strlen(body), md, &mdlen);
	for (int i = 0; i < 16; i++) {
		v = (v << 8) | md[i];
		bits += 8;
		while (bits >= 6) {
			out[n++] = abc[(v >> (bits - 6)) & 63];
			bits -= 6;
		}
	}
	out[n++] = abc[(v << (6 - bits)) & 63];
	out[n] = '\0';
}

static void
test_refused(void **state)
{
	struct ticket	 in = decision("cs2", "a4", ""), out;
	char		 s[TICKET_MAX + 1], bad[300];
	size_t		 n;

	(void)state;
	assert_int_equal(ticket_make("k", &in, s), 0);
	assert_int_equal(read_str("other", s, NOW, 3600, &out), -1);
	assert_int_equal(read_str("k", s, NOW + 3601, 3600, &out), -1);
	assert_int_equal(read_str("k", s, NOW - 120, 3600, &out), -1);
	assert_string_equal(out.entry, "");	/* says nothing when refused */
	/* Another agent under the same signature. */
	snprintf(bad, sizeof(bad), "2.cs2.a5%s", s + 8);
	assert_int_equal(read_str("k", bad, NOW, 3600, &out), -1);
	n = strlen(s);
	memcpy(bad, s, n + 1);
	bad[n - 1] = bad[n - 1] == 'A' ? 'B' : 'A';
	assert_int_equal(read_str("k", bad, NOW, 3600, &out), -1);
	/* Only the given length is read: a prefix is not a ticket. */
	assert_int_equal(ticket_read("k", s, n - 1, NOW, 3600, &out), -1);
	const char *shapes[] = { "", "2", "1.cs2.a4.w0d.1.AAAAAAAA.-.x",
	    "2.cs2.a4.w0d.abc.AAAAAAAA.-", "2.cs2.a4.w0d.abc.AAAAAAAA.-.AAAA",
	    "2.cs2.a4.w0d.abc.AAAAAAAA.-.AAAAAAAAAAAAAAAAAAAAAA.x" };
	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++)
		assert_int_equal(read_str("k", shapes[i], NOW, 3600, &out), -1);
	/* Signed but ill-formed inside: still refused. */
	const char *inner[] = {
	    "2.c s.a4.w0d.toxmw0.AAAAAAAA.-.",	/* entry not an id */
	    "2.cs2.a4.x0d.toxmw0.AAAAAAAA.-.",	/* target letter */
	    "2.cs2.a4.w2d.toxmw0.AAAAAAAA.-.",	/* fallback flag */
	    "2.cs2.a4.w0z.toxmw0.AAAAAAAA.-.",	/* reason letter */
	    "2.cs2.a4.w0r.toxmw0.AAAAAAAA.-.",	/* rule without id */
	    "2.cs2.a4.w0dd.toxmw0.AAAAAAAA.-.",	/* junk after reason */
	    "2.cs2.a4.w0d.11YP3C0.AAAAAAAA.-.",	/* time not base 36 */
	    /* 2^64 and more in base 36: overflow-checked, not wrapped */
	    "2.cs2.a4.w0d.3w5e11264sgsg.AAAAAAAA.-.",
	    "2.cs2.a4.w0d.zzzzzzzzzzzzz.AAAAAAAA.-.",
	};
	for (size_t i = 0; i < sizeof(inner) / sizeof(inner[0]); i++) {
		sign("k", inner[i], bad, sizeof(bad));
		assert_int_equal(read_str("k", bad, NOW, 3600, &out), -1);
	}
	/* A well-formed hand-made one passes: the cases above are real. */
	sign("k", "2.cs2.a4.w0d.toxmw0.AAAAAAAA.-.", bad, sizeof(bad));
	assert_int_equal(read_str("k", bad, 1795399200, 3600, &out), 0);
	assert_int_equal(out.reason, REASON_DESIGNATED);
	assert_int_equal(ticket_make(NULL, &in, s), -1);
	in = decision("c.s", "a4", "");
	assert_int_equal(ticket_make("k", &in, s), -1);
	assert_int_equal(read_str(NULL, "2.cs2.-.w0d.1.AAAAAAAA.-.x", NOW, 10,
	    &out), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_nonce_keeps_identical_decisions_apart),
		cmocka_unit_test(test_long_ids_drop_customer_then_agent),
		cmocka_unit_test(test_dash_ids_left_out),
		cmocka_unit_test(test_refused),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("ticket", tests, NULL, NULL);
}
