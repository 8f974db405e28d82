/*
 * The admin page's session rules (auth.c) and password hashing
 * (pwhash.c): ids, hashes, CSRF tokens, cookies, timeouts, the Origin
 * check, the login back-off.
 */
#include "unit.h"

#include <stdio.h>

#include <sodium.h>

#include "auth.h"
#include "buf.h"
#include "pwhash.h"

static void
test_ids(void **state)
{
	char	 a[AUTH_ID_LEN + 1], b[AUTH_ID_LEN + 1];

	(void)state;
	auth_new_id(a);
	auth_new_id(b);
	assert_int_equal(strlen(a), 64);	/* 256 bits as hex */
	assert_true(auth_id_valid(a));
	assert_string_not_equal(a, b);
	assert_false(auth_id_valid(NULL));
	assert_false(auth_id_valid(""));
	assert_false(auth_id_valid("abc"));
	a[10] = 'G';
	assert_false(auth_id_valid(a));
	a[10] = 'A';		/* upper case is not what we make */
	assert_false(auth_id_valid(a));
}

static void
test_hash_and_csrf(void **state)
{
	char	 h[AUTH_HASH_LEN + 1], c1[AUTH_HASH_LEN + 1];
	char	 c2[AUTH_HASH_LEN + 1];
	const char *id = "0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef";

	(void)state;
	/* sha256 of the id as hex: known value (python hashlib). */
	auth_id_hash(id, h);
	assert_string_equal(h, "a8ae6e6ee929abea3afcfc5258c8ccd6"
	    "f85273e0d4626d26c7279f3250f77c8e");
	assert_string_not_equal(h, id);
	auth_csrf(id, c1);
	auth_csrf("ffffffffffffffffffffffffffffffff"
	    "ffffffffffffffffffffffffffffffff", c2);
	assert_string_not_equal(c1, c2);
	assert_string_not_equal(c1, h);	/* not the stored hash */
	assert_true(auth_csrf_ok(id, c1));
	assert_false(auth_csrf_ok(id, c2));
	assert_false(auth_csrf_ok(id, NULL));
	assert_false(auth_csrf_ok(id, ""));
	c1[63] = c1[63] == '0' ? '1' : '0';
	assert_false(auth_csrf_ok(id, c1));
	c1[63] = '\0';
	assert_false(auth_csrf_ok(id, c1));
}

static void
test_cookie_parse(void **state)
{
	char	 v[80];

	(void)state;
	assert_true(auth_cookie_get("kfadmin=abc", 1, v, sizeof(v)));
	assert_string_equal(v, "abc");
	assert_true(auth_cookie_get("a=1; kfadmin=xyz ; b=2", 1, v,
	    sizeof(v)));
	assert_string_equal(v, "xyz");
	/* A longer name that ends the same is another cookie. */
	assert_false(auth_cookie_get("xkfadmin=1", 1, v, sizeof(v)));
	assert_false(auth_cookie_get("kfadmin2=1", 1, v, sizeof(v)));
	/* The secure name and the development name do not mix. */
	assert_false(auth_cookie_get("kfadmin=abc", 0, v, sizeof(v)));
	assert_true(auth_cookie_get("__Host-kfadmin=abc", 0, v, sizeof(v)));
	assert_false(auth_cookie_get("__Host-kfadmin=abc", 1, v, sizeof(v)));
	assert_false(auth_cookie_get(NULL, 1, v, sizeof(v)));
	assert_false(auth_cookie_get("kfadmin=", 1, v, sizeof(v)));
	assert_false(auth_cookie_get("kfadmin=0123456789", 1, v, 5));
}

static void
test_cookie_set(void **state)
{
	struct buf	 b = { 0 };

	(void)state;
	auth_cookie_set(&b, 0, "abc", 3600);
	assert_string_equal(buf_str(&b), "__Host-kfadmin=abc; Path=/; "
	    "HttpOnly; SameSite=Strict; Max-Age=3600; Secure");
	buf_clear(&b);
	auth_cookie_set(&b, 1, "abc", 60);
	assert_string_equal(buf_str(&b), "kfadmin=abc; Path=/; HttpOnly; "
	    "SameSite=Strict; Max-Age=60");
	buf_clear(&b);
	auth_cookie_set(&b, 0, NULL, 60);	/* clearing */
	assert_string_equal(buf_str(&b), "__Host-kfadmin=; Path=/; "
	    "HttpOnly; SameSite=Strict; Max-Age=0; Secure");
	buf_free(&b);
}

static void
test_alive(void **state)
{
	(void)state;
	/* idle 1800, absolute 43200 */
	assert_true(auth_alive(1000, 1000, 1000, 1800, 43200));
	assert_true(auth_alive(2799, 1000, 1000, 1800, 43200));
	assert_false(auth_alive(2800, 1000, 1000, 1800, 43200));
	assert_true(auth_alive(44199, 1000, 44000, 1800, 43200));
	assert_false(auth_alive(44200, 1000, 44100, 1800, 43200));
	/* A clock that went backwards ends the session, not extends it. */
	assert_false(auth_alive(999, 1000, 1000, 1800, 43200));
}

static void
test_origin(void **state)
{
	const char	*me = "https://admin.example.com";

	(void)state;
	assert_true(auth_origin_ok(NULL, NULL, me));	/* curl */
	assert_true(auth_origin_ok(me, "same-origin", me));
	assert_true(auth_origin_ok("HTTPS://ADMIN.EXAMPLE.COM", NULL, me));
	assert_false(auth_origin_ok("https://evil.example", NULL, me));
	assert_false(auth_origin_ok("http://admin.example.com", NULL, me));
	assert_false(auth_origin_ok("https://admin.example.com.evil", NULL,
	    me));
	assert_false(auth_origin_ok("null", NULL, me));
	assert_false(auth_origin_ok(NULL, "cross-site", me));
	assert_false(auth_origin_ok(NULL, "same-site", me));
	assert_false(auth_origin_ok(me, "none", me));
	assert_false(auth_origin_ok(me, NULL, NULL));	/* no Host at all */
}

static void
test_backoff_and_names(void **state)
{
	(void)state;
	assert_int_equal(auth_backoff(0), 0);
	assert_int_equal(auth_backoff(2), 0);
	assert_int_equal(auth_backoff(3), 1);
	assert_int_equal(auth_backoff(4), 2);
	assert_int_equal(auth_backoff(5), 4);
	assert_int_equal(auth_backoff(12), 512);
	assert_int_equal(auth_backoff(13), 900);
	assert_int_equal(auth_backoff(100000), 900);
	assert_true(auth_username_ok("ops"));
	assert_true(auth_username_ok("li.ming@example.com"));
	assert_false(auth_username_ok(""));
	assert_false(auth_username_ok("bad name"));
	assert_false(auth_username_ok("x'--"));
	assert_false(auth_username_ok("李明"));
}

static void
test_pwhash(void **state)
{
	char	 h[PWHASH_LEN], weak[crypto_pwhash_STRBYTES], big[300];

	(void)state;
	assert_int_equal(pwhash_init(), 0);
	assert_int_equal(pwhash_make("correct horse battery", h), 0);
	assert_true(strncmp(h, "$argon2id$v=19$m=65536,t=2,p=1$", 31) == 0);
	assert_int_equal(pwhash_verify(h, "correct horse battery"),
	    PWHASH_OK);
	assert_int_equal(pwhash_verify(h, "correct horse batterY"),
	    PWHASH_MISMATCH);
	assert_int_equal(pwhash_verify(h, ""), PWHASH_MISMATCH);
	assert_int_equal(pwhash_verify("not a hash", "x"), PWHASH_MISMATCH);
	/* Older, cheaper parameters: right, and due for a new hash. */
	assert_int_equal(crypto_pwhash_str(weak, "old password!", 13,
	    crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN), 0);
	assert_int_equal(pwhash_verify(weak, "old password!"),
	    PWHASH_OK_REHASH);
	assert_non_null(pwhash_policy("short"));
	assert_null(pwhash_policy("long enough pass"));
	/* Nine emoji are nine characters (36 bytes): too short; ten pass. */
	assert_non_null(pwhash_policy("\xF0\x9F\x98\x80\xF0\x9F\x98\x80"
	    "\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80"
	    "\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80"
	    "\xF0\x9F\x98\x80"));
	assert_null(pwhash_policy("\xE5\xAF\x86\xE7\xA0\x81\xE5\xAF\x86"
	    "\xE7\xA0\x81\xE5\xAF\x86\xE7\xA0\x81\xE5\xAF\x86"
	    "\xE7\xA0\x81\xE5\xAF\x86\xE7\xA0\x81"));	/* 密码 x5 */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_non_null(pwhash_policy(big));	/* over 256 bytes */
	assert_int_equal(pwhash_verify(h, big), PWHASH_MISMATCH);
	pwhash_dummy("anything");	/* costs a verification, says nothing */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_hash_and_csrf),
		cmocka_unit_test(test_cookie_parse),
		cmocka_unit_test(test_cookie_set),
		cmocka_unit_test(test_alive),
		cmocka_unit_test(test_origin),
		cmocka_unit_test(test_backoff_and_names),
		cmocka_unit_test(test_pwhash),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("auth", tests, NULL, NULL);
}
