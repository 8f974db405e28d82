/* Small text helpers: UTF-8, form decoding, URLs, routes, arena, numbers. */
#include "unit.h"

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "form.h"
#include "req.h"
#include "route.h"
#include "url.h"
#include "utf8.h"
#include "util.h"

static void
test_utf8(void **state)
{
	(void)state;
	assert_true(utf8_valid("", 0));
	assert_true(utf8_valid("ascii", 5));
	assert_true(utf8_valid("售后😀", 10));
	assert_false(utf8_valid("a\0b", 3));		/* NUL */
	assert_false(utf8_valid("\xc0\xaf", 2));	/* overlong '/' */
	assert_false(utf8_valid("\xe0\x80\xaf", 3));	/* overlong */
	assert_false(utf8_valid("\xed\xa0\x80", 3));	/* surrogate */
	assert_false(utf8_valid("\xf4\x90\x80\x80", 4));	/* > U+10FFFF */
	assert_false(utf8_valid("\xe5\x94", 2));	/* truncated */
	assert_false(utf8_valid("\x80", 1));		/* lone continuation */
	assert_false(utf8_valid("\xff", 1));
	/* Cutting never splits a character. */
	assert_int_equal(utf8_prefix("售后", 6, 5), 3);
	assert_int_equal(utf8_prefix("售后", 6, 6), 6);
	assert_int_equal(utf8_prefix("ab售", 5, 4), 2);
	assert_int_equal(utf8_prefix("a\xff" "b", 3, 3), 1);
	assert_int_equal(utf8_char("售", 3), 3);
	assert_int_equal(utf8_char("售", 2), 0);
	assert_int_equal(utf8_char("", 1), 0);
}

static void
test_form(void **state)
{
	struct arena	*a = arena_new(256);
	struct form	 f;

	(void)state;
	assert_int_equal(form_parse(a, "a=1&b=x+y%21&c&=v&&d=", 21, &f), AE_OK);
	assert_int_equal(f.n, 5);
	assert_string_equal(f.pairs[0].key, "a");
	assert_string_equal(f.pairs[0].val, "1");
	assert_string_equal(f.pairs[1].val, "x y!");
	assert_string_equal(f.pairs[2].key, "c");
	assert_string_equal(f.pairs[2].val, "");
	assert_string_equal(f.pairs[3].key, "");
	assert_string_equal(f.pairs[4].key, "d");
	assert_int_equal(form_parse(a, "", 0, &f), AE_OK);
	assert_int_equal(f.n, 0);
	assert_int_equal(form_parse(a, "a=%", 3, &f), AE_BAD_FORM);
	assert_int_equal(form_parse(a, "a=%4", 4, &f), AE_BAD_FORM);
	assert_int_equal(form_parse(a, "a=%4g", 5, &f), AE_BAD_FORM);
	assert_int_equal(form_parse(a, "%zz=1", 5, &f), AE_BAD_FORM);
	assert_int_equal(form_parse(a, "a=%00", 5, &f), AE_BAD_UTF8);
	assert_int_equal(form_parse(a, "a=%e5%94", 8, &f), AE_BAD_UTF8);
	assert_int_equal(form_parse(a, "a=%e5%94%ae", 11, &f), AE_OK);
	assert_string_equal(f.pairs[0].val, "售");
	/* Only the given length is read. */
	assert_int_equal(form_parse(a, "a=1&b=2", 3, &f), AE_OK);
	assert_int_equal(f.n, 1);
	assert_null(form_pct_decode(a, "%0", 2));
	assert_string_equal(form_pct_decode(a, "a+b%2B", 6), "a+b+");
	arena_free(a);
}

static void
host_is(const char *url, const char *want)
{
	const char	*h;
	size_t		 n;

	if (want == NULL) {
		assert_int_equal(url_http_host(url, &h, &n), -1);
		return;
	}
	assert_int_equal(url_http_host(url, &h, &n), 0);
	assert_int_equal(n, strlen(want));
	assert_memory_equal(h, want, n);
}

static void
test_url_host(void **state)
{
	(void)state;
	host_is("https://help.example.com/kf", "help.example.com");
	host_is("HTTP://a.b:8080?x=1", "a.b");
	host_is("https://a.b#frag", "a.b");
	host_is("https://a.b", "a.b");
	host_is("https://evil.com@a.b/", NULL);	/* user info */
	host_is("https://a.b\\@evil.com/", NULL);
	host_is("javascript:alert(1)", NULL);
	host_is("//a.b/x", NULL);
	host_is("/pages/x", NULL);
	host_is("https:///x", NULL);
	host_is("https://a.b/x\r\nSet-Cookie: x", NULL);
	host_is("https://a.b/x y", NULL);
}

static void
test_routes(void **state)
{
	const char	*arg;

	(void)state;
	assert_int_equal(route_match("/api/contact", &arg), PAGE_CONTACT);
	assert_null(arg);
	assert_int_equal(route_match("/api/getCustomerServiceUrl", &arg),
	    PAGE_CS_URL);
	assert_int_equal(route_match("/go/help", &arg), PAGE_GO);
	assert_string_equal(arg, "help");
	assert_int_equal(route_match("/go/", &arg), PAGE_GO);
	assert_string_equal(arg, "");
	assert_int_equal(route_match("/go/a/b", &arg), PAGE__MAX);
	assert_int_equal(route_match("/api/contact/", &arg), PAGE__MAX);
	assert_int_equal(route_match("/API/contact", &arg), PAGE__MAX);
	assert_int_equal(route_match("", &arg), PAGE__MAX);
	assert_true(route_get(PAGE_CONTACT)->methods & REQ_M(REQ_POST));
	assert_false(route_get(PAGE_ENTRIES)->methods & REQ_M(REQ_POST));
	assert_string_equal(route_allow(PAGE_CS_URL), "POST");
}

static void
test_arena(void **state)
{
	struct arena	*a = arena_new(256);
	char		*p, *big;

	(void)state;
	p = arena_strdup(a, "hello");
	assert_string_equal(p, "hello");
	assert_int_equal((uintptr_t)arena_alloc(a, 1) % _Alignof(max_align_t), 0);
	big = arena_alloc(a, 10000);	/* larger than a chunk */
	memset(big, 'x', 10000);
	assert_string_equal(p, "hello");	/* earlier data intact */
	arena_reset(a);
	/* After a reset the big chunk is reused for the same demand. */
	assert_non_null(arena_alloc(a, 9000));
	assert_string_equal(arena_strndup(a, "abcdef", 3), "abc");
	arena_free(a);
	arena_free(NULL);
}

static void
test_parse_llong(void **state)
{
	long long	 v;

	(void)state;
	assert_int_equal(util_parse_llong("0", 0, 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(util_parse_llong("9223372036854775807", 0,
	    0x7fffffffffffffffLL, &v), 0);
	assert_int_equal(util_parse_llong("9223372036854775808", 0,
	    0x7fffffffffffffffLL, &v), -1);
	assert_int_equal(util_parse_llong("11", 0, 10, &v), -1);
	assert_int_equal(util_parse_llong("4", 5, 10, &v), -1);
	/* One digit above a small max (KFROUTE_ADMIN_INSECURE_HTTP=7). */
	assert_int_equal(util_parse_llong("7", 0, 1, &v), -1);
	assert_int_equal(util_parse_llong("2", 0, 1, &v), -1);
	assert_int_equal(util_parse_llong("1", 0, 1, &v), 0);
	assert_int_equal(util_parse_llong("10", 0, 9, &v), -1);
	assert_int_equal(util_parse_llong("19", 0, 15, &v), -1);
	assert_int_equal(util_parse_llong("15", 0, 15, &v), 0);
	assert_int_equal(v, 15);
	assert_int_equal(util_parse_llong("", 0, 10, &v), -1);
	assert_int_equal(util_parse_llong(NULL, 0, 10, &v), -1);
	assert_int_equal(util_parse_llong("-1", -5, 10, &v), -1);
	assert_int_equal(util_parse_llong("1 ", 0, 10, &v), -1);
}

/* Run fn in a child: 1 when it died of SIGABRT (out of memory, loudly). */
static int
aborts(void (*fn)(void))
{
	pid_t	 pid;
	int	 st;

	fflush(NULL);
	if ((pid = fork()) == 0) {
		/* The child's message is expected; keep the test output clean. */
		freopen("/dev/null", "w", stderr);
		fn();
		_exit(0);
	}
	return waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) &&
	    WTERMSIG(st) == SIGABRT;
}

static void
huge_arena(void)
{
	struct arena	*a = arena_new(256);

	(void)arena_alloc(a, SIZE_MAX - 3);	/* would wrap to 0 */
}

static void
huge_buf(void)
{
	struct buf	 b = { 0 };

	buf_append(&b, "x", 1);
	/* len + n + 1 wraps: dies before copying a byte. */
	buf_append(&b, "y", SIZE_MAX);
}

/* Sizes from input never wrap into a small allocation. */
static void
test_size_overflow(void **state)
{
	(void)state;
	assert_int_equal(xadd(2, 3), 5);
	assert_int_equal(xmul(6, 7), 42);
	assert_int_equal(xmul(0, SIZE_MAX), 0);
	assert_true(aborts(huge_arena));
	assert_true(aborts(huge_buf));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_form),
		cmocka_unit_test(test_url_host),
		cmocka_unit_test(test_routes),
		cmocka_unit_test(test_arena),
		cmocka_unit_test(test_parse_llong),
		cmocka_unit_test(test_size_overflow),
	};

	return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
