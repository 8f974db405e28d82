/*
 * The admin session's input checks (auth.c): the Cookie header parser,
 * session id, CSRF token, operator name and Origin checks. The input is
 * cut at NUL bytes into a Cookie header, a candidate id or name, and an
 * Origin.
 *
 * Invariants: a cookie value found is non-empty, fits, holds no ';' and
 * no trailing blank, and stands right after "<name>=" at the start of a
 * cookie in the header; what auth_cookie_set() writes is read back by
 * auth_cookie_get(); ids and names pass exactly when they match their
 * patterns; a session's own CSRF token passes and a changed one fails;
 * the Origin check is an exact, case-insensitive comparison.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "buf.h"
#include "check.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_cookie(const char *header, int insecure)
{
	const char	*name = auth_cookie_name(insecure), *p;
	char		 out[AUTH_ID_LEN + 2];
	size_t		 n, nlen = strlen(name);

	if (!auth_cookie_get(header, insecure, out, sizeof(out)))
		return;
	n = strlen(out);
	CHECK(n > 0 && n < sizeof(out) && strchr(out, ';') == NULL);
	CHECK(out[n - 1] != ' ' && out[n - 1] != '\t');
	/* The first "<name>=" at a cookie's start holds it. */
	for (p = header; *p != '\0'; p += strcspn(p, ";")) {
		p += strspn(p, " \t;");
		if (strncmp(p, name, nlen) == 0 && p[nlen] == '=')
			break;
	}
	CHECK(*p != '\0' && strncmp(p + nlen + 1, out, n) == 0);
}

static void
check_set_get(const char *id, int insecure)
{
	struct buf	 b = { 0 };
	char		 out[AUTH_ID_LEN + 1];

	if (!auth_id_valid(id))
		return;
	auth_cookie_set(&b, insecure, id, 600);
	CHECK(auth_cookie_get(buf_str(&b), insecure, out, sizeof(out)));
	CHECK(strcmp(out, id) == 0);
	/* Among other cookies, a blank after it. */
	buf_clear(&b);
	buf_printf(&b, "a=1;\t%s=%s ;b=2", auth_cookie_name(insecure), id);
	CHECK(auth_cookie_get(buf_str(&b), insecure, out, sizeof(out)));
	CHECK(strcmp(out, id) == 0);
	buf_free(&b);
}

static int
ref_charset(const char *s, const char *set, size_t min, size_t max)
{
	size_t	 n = strlen(s);

	return n >= min && n <= max && strspn(s, set) == n;
}

static void
check_ids(const char *s)
{
	char	 tok[AUTH_HASH_LEN + 1];

	CHECK(auth_id_valid(s) == ref_charset(s, "0123456789abcdef", 64, 64));
	CHECK(auth_username_ok(s) == ref_charset(s,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	    "_.@-", 1, 64));
	auth_csrf(s, tok);
	CHECK(strlen(tok) == AUTH_HASH_LEN && auth_csrf_ok(s, tok));
	tok[strlen(s) % AUTH_HASH_LEN] ^= 1;
	CHECK(!auth_csrf_ok(s, tok));
	CHECK(!auth_csrf_ok(s, NULL));
	CHECK(!auth_csrf_ok(s, s) || strcmp(s, tok) != 0);
}

static void
check_origin(const char *origin, const char *expected)
{
	CHECK(auth_origin_ok(NULL, NULL, expected));
	CHECK(!auth_origin_ok(origin, "cross-site", expected));
	CHECK(auth_origin_ok(origin, "same-origin", expected) ==
	    (strcasecmp(origin, expected) == 0));
	CHECK(auth_origin_ok(origin, NULL, origin));
	CHECK(!auth_origin_ok(origin, NULL, NULL));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct split	 sp;

	fuzz_split(data, size, 3, &sp);
	check_cookie(sp.s[0], 0);
	check_cookie(sp.s[0], 1);
	if (sp.n > 1) {
		check_set_get(sp.s[1], size & 1);
		check_ids(sp.s[1]);
	}
	check_origin(sp.n > 2 ? sp.s[2] : "", "https://kf.example.com");
	fuzz_split_free(&sp);
	return 0;
}
