/* Request parsing and validation: req.c, fed plain strings. */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "arena.h"
#include "jsonin.h"
#include "req.h"
#include "util.h"

/* A fake transport: CGI variables from a table, the body from a string. */
struct fake {
	const char	*vars[16][2];
	const char	*body;
	size_t		 body_len, pos;
	size_t		 chunk;	/* bytes per read, to exercise the loop */
};

static const char *
fake_param(void *ctx, const char *name)
{
	struct fake	*f = ctx;
	int		 i;

	for (i = 0; i < 16 && f->vars[i][0] != NULL; i++)
		if (strcmp(f->vars[i][0], name) == 0)
			return f->vars[i][1];
	return NULL;
}

static long
fake_read(void *ctx, char *buf, size_t n)
{
	struct fake	*f = ctx;
	size_t		 left = f->body_len - f->pos;

	if (n > left)
		n = left;
	if (f->chunk != 0 && n > f->chunk)
		n = f->chunk;
	memcpy(buf, f->body + f->pos, n);
	f->pos += n;
	return (long)n;
}

struct fixture {
	struct arena		*arena;
	struct fake		 fake;
	struct req_source	 src;
	struct req		 req;
	char			 cl[32];
};

static int
setup(void **state)
{
	struct fixture	*fx = calloc(1, sizeof(*fx));

	fx->arena = arena_new(1024);
	fx->src = (struct req_source){ fake_param, fake_read, &fx->fake };
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*fx = *state;

	req_cleanup(&fx->req);
	arena_free(fx->arena);
	free(fx);
	return 0;
}

/* A POST with a body and its true Content-Length. */
static void
post(struct fixture *fx, const char *uri, const char *ctype, const char *body)
{
	snprintf(fx->cl, sizeof(fx->cl), "%zu", strlen(body));
	fx->fake = (struct fake){ .vars = {
	    { "REQUEST_METHOD", "POST" }, { "REQUEST_URI", uri },
	    { "CONTENT_TYPE", ctype }, { "CONTENT_LENGTH", fx->cl },
	    { "QUERY_STRING", strchr(uri, '?') ? strchr(uri, '?') + 1 : "" } },
	    .body = body, .body_len = strlen(body), .chunk = 3 };
	req_init(&fx->req, fx->arena, &fx->src, NULL);
}

static enum apierr
one_field(struct fixture *fx, const char *name, const char **val,
    const char **bad)
{
	const struct req_field	 f = { name, REQ_FIELD_ID };

	return req_fields(&fx->req, &f, 1, val, bad);
}

/* The mount point above the route path, for links beside the program. */
static void
test_mount_len(void **state)
{
	(void)state;
	assert_int_equal(req_mount_len("/admin/api/entries/x/qr",
	    "/admin/api/entries/x/qr"), 0);
	assert_int_equal(req_mount_len("/kf/admin/api/me?x=/me",
	    "/admin/api/me"), 3);
	assert_int_equal(req_mount_len("/~user/kf/admin/api/me#f",
	    "/admin/api/me"), 9);
	/* Sent encoded, or not below: no answer, the caller falls back. */
	assert_true(req_mount_len("/kf/%61dmin/api/me", "/admin/api/me") ==
	    (size_t)-1);
	assert_true(req_mount_len("/me", "/admin/api/me") == (size_t)-1);
	assert_true(req_mount_len(NULL, "/me") == (size_t)-1);
	assert_true(req_mount_len("/kf/x", "") == (size_t)-1);
}

static void
test_route_path(void **state)
{
	struct fixture	*fx = *state;
	struct arena	*a = fx->arena;

	/* lighttpd's prefix mount: the request URI, no query. */
	assert_string_equal(req_route_path(a, "/api/contact?entry=cs1",
	    "/api/contact", NULL, NULL), "/api/contact");
	/* Plain CGI under cgi-bin: PATH_INFO is what lies below. */
	assert_string_equal(req_route_path(a,
	    "/cgi-bin/kfroute.fcgi/api/contact?x=1", "/cgi-bin/kfroute.fcgi",
	    "/api/contact", NULL), "/api/contact");
	assert_string_equal(req_route_path(a, "/cgi-bin/kfroute.fcgi",
	    "/cgi-bin/kfroute.fcgi", NULL, NULL), "/");
	/* A rewrite under a sub-path (/~user/kf/api/... -> cgi-bin/). */
	assert_string_equal(req_route_path(a, "/~user/kf/api/contact?e=1",
	    "/~user/kf/cgi-bin/kfroute.cgi", "/api/contact", NULL),
	    "/api/contact");
	/*
	 * lighttpd splits a prefix mount's path at will (SCRIPT_NAME /api,
	 * PATH_INFO /contact); ScriptAlias /kf/api gives SCRIPT_NAME /kf:
	 * the request URI, below base_path.
	 */
	assert_string_equal(req_route_path(a, "/api/contact?x=1", "/api",
	    "/contact", NULL), "/api/contact");
	assert_string_equal(req_route_path(a, "/kf/api/contact", "/kf",
	    "/api/contact", "/kf"), "/api/contact");
	/* PATH_INFO must be a path. */
	assert_null(req_route_path(a, "/x", "/cgi-bin/kfroute.cgi", "x", NULL));
	/* Without REQUEST_URI: SCRIPT_NAME. */
	assert_string_equal(req_route_path(a, NULL, "/go/help", NULL, NULL),
	    "/go/help");
	assert_string_equal(req_route_path(a, "/go/a%2Db", NULL, NULL, NULL),
	    "/go/a-b");
	assert_null(req_route_path(a, "/go/%zz", NULL, NULL, NULL));
	assert_null(req_route_path(a, "/go/a%00b", NULL, NULL, NULL));
	assert_null(req_route_path(a, "/go/a%0", NULL, NULL, NULL));
	/* A prefix mount below [http] base_path. */
	assert_string_equal(req_route_path(a, "/kf/api/contact?x", "/kf/api",
	    "", "/kf"), "/api/contact");
	assert_string_equal(req_route_path(a, "/kf", "/kf", NULL, "/kf"), "/");
	assert_string_equal(req_route_path(a, "/kf?x=1", NULL, NULL, "/kf"),
	    "/");
	assert_string_equal(req_route_path(a, "/~u/kf/healthz", NULL, NULL,
	    "/~u/kf"), "/healthz");
	/* Outside the mount, or a name that merely starts the same: 404. */
	assert_null(req_route_path(a, "/api/contact", NULL, NULL, "/kf"));
	assert_null(req_route_path(a, "/kfx/api/contact", NULL, NULL, "/kf"));
	assert_null(req_route_path(a, "/k", NULL, NULL, "/kf"));
	/* The mount is matched before decoding: %2F is no separator. */
	assert_null(req_route_path(a, "/kf%2Fapi/contact", NULL, NULL, "/kf"));
}

static void
test_ctype(void **state)
{
	(void)state;
	assert_int_equal(req_parse_ctype(NULL), REQ_CT_NONE);
	assert_int_equal(req_parse_ctype(""), REQ_CT_NONE);
	assert_int_equal(req_parse_ctype("application/json"), REQ_CT_JSON);
	assert_int_equal(req_parse_ctype("Application/JSON; charset=UTF-8"),
	    REQ_CT_JSON);
	assert_int_equal(req_parse_ctype("application/json;charset=\"utf8\""),
	    REQ_CT_JSON);
	assert_int_equal(req_parse_ctype("application/json; charset=gbk"),
	    REQ_CT_OTHER);
	assert_int_equal(req_parse_ctype("application/jsonx"), REQ_CT_OTHER);
	assert_int_equal(req_parse_ctype(
	    "application/x-www-form-urlencoded; charset=utf-8"), REQ_CT_FORM);
	assert_int_equal(req_parse_ctype("text/plain"), REQ_CT_OTHER);
}

static void
test_valid_id(void **state)
{
	char	 long_id[66];

	(void)state;
	assert_true(util_id_valid("cs1", 3));
	assert_true(util_id_valid("A-z_0", 5));
	assert_false(util_id_valid("", 0));
	assert_false(util_id_valid("a b", 3));
	assert_false(util_id_valid("a.b", 3));
	assert_false(util_id_valid("a\0b", 3));
	memset(long_id, 'x', sizeof(long_id));
	assert_true(util_id_valid(long_id, 64));
	assert_false(util_id_valid(long_id, 65));
}

static void
test_method_and_query(void **state)
{
	struct fixture	*fx = *state;

	fx->fake = (struct fake){ .vars = { { "REQUEST_METHOD", "BREW" },
	    { "REQUEST_URI", "/x" } } };
	req_init(&fx->req, fx->arena, &fx->src, NULL);
	assert_int_equal(fx->req.method, REQ_OTHER);
	assert_string_equal(fx->req.query, "");
	fx->fake = (struct fake){ .vars = { { "REQUEST_METHOD", "HEAD" },
	    { "REQUEST_URI", "/healthz" } } };
	req_init(&fx->req, fx->arena, &fx->src, NULL);
	assert_int_equal(fx->req.method, REQ_HEAD);
	assert_string_equal(fx->req.path, "/healthz");
}

static void
test_body_length(void **state)
{
	struct fixture	*fx = *state;

	post(fx, "/api/contact", "application/json", "{\"entry\":\"cs1\"}");
	assert_int_equal(req_read_body(&fx->req, 16384), AE_OK);
	assert_int_equal(fx->req.body_len, 15);
	assert_memory_equal(fx->req.body, "{\"entry\":\"cs1\"}", 15);

	post(fx, "/api/contact", "application/json", "{}");
	fx->fake.vars[3][1] = "10";	/* announces more than it sends */
	assert_int_equal(req_read_body(&fx->req, 16384), AE_SHORT_BODY);

	post(fx, "/api/contact", "application/json", "{}");
	fx->fake.vars[3][1] = NULL;	/* CONTENT_LENGTH absent */
	fx->fake.vars[3][0] = "X";
	assert_int_equal(req_read_body(&fx->req, 16384), AE_LENGTH_REQUIRED);

	const char *bad[] = { "-1", "+2", " 2", "2 ", "0x2", "1e3", "",
	    "99999999999999999999999" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		post(fx, "/api/contact", "application/json", "{}");
		fx->fake.vars[3][1] = bad[i];
		assert_int_equal(req_read_body(&fx->req, 16384),
		    bad[i][0] == '\0' ? AE_LENGTH_REQUIRED : AE_BAD_LENGTH);
	}

	post(fx, "/api/contact", "application/json", "{}");
	fx->fake.vars[3][1] = "16385";
	assert_int_equal(req_read_body(&fx->req, 16384), AE_TOO_LARGE);
}

static void
test_json_fields(void **state)
{
	struct fixture	*fx = *state;
	const char	*v, *bad;

	post(fx, "/api/getCustomerServiceUrl", "application/json",
	    "{\"customerId\":\"cs1\",\"other\":[1,2.5,{\"x\":null}]} \n");
	assert_int_equal(req_read_body(&fx->req, 16384), AE_OK);
	assert_int_equal(one_field(fx, "customerId", &v, &bad), AE_OK);
	assert_string_equal(v, "cs1");
	assert_int_equal(one_field(fx, "absent", &v, &bad), AE_OK);
	assert_null(v);
}

static void
test_json_rejects(void **state)
{
	struct fixture	*fx = *state;
	const char	*v, *bad;
	static const struct { const char *body; enum apierr want; } cases[] = {
		{ "{", AE_BAD_JSON },
		{ "{\"customerId\":\"cs1\"} x", AE_BAD_JSON },
		{ "{\"customerId\":\"cs1\",}", AE_BAD_JSON },
		{ "{'customerId':'cs1'}", AE_BAD_JSON },
		{ "{\"n\":NaN}", AE_BAD_JSON },
		{ "{\"n\":[Infinity]}", AE_BAD_JSON },
		{ "{\"n\":-1e999}", AE_BAD_JSON },
		{ "[]", AE_BAD_JSON },
		{ "null", AE_BAD_JSON },
		{ "{}{}", AE_BAD_JSON },
		{ "{\"customerId\":1}", AE_BAD_TYPE },
		{ "{\"customerId\":null}", AE_BAD_TYPE },
		{ "{\"customerId\":\"a b\"}", AE_BAD_ID },
		{ "{\"customerId\":\"cs\\u0000\"}", AE_BAD_ID },
		{ "{\"customerId\":\"\xff\"}", AE_BAD_UTF8 },
		{ "{\"x\":\"\xed\xa0\x80\"}", AE_BAD_UTF8 },
		/* json-c keeps the last of duplicate keys: refused. */
		{ "{\"customerId\":\"nope\",\"customerId\":\"cs1\"}",
		    AE_DUPLICATE },
		{ "{\"customerId\":\"cs1\",\"c\\u0075stomerId\":\"x\"}",
		    AE_DUPLICATE },
		{ "{\"customerId\":\"cs1\",\"o\":{\"a\":1,\"a\":2}}",
		    AE_DUPLICATE },
		{ "{\"customerId\":\"cs1\",\"o\":[{\"a\":{}}, {\"b\":1,"
		    "\"b\":{\"c\":1}}]}", AE_DUPLICATE },
		{ "{\"o\":{\"k\":{\"x\":1}},\"o\":{},\"customerId\":\"cs1\"}",
		    AE_DUPLICATE },
		/* A key json-c would cut at its NUL. */
		{ "{\"customerId\\u0000x\":\"cs1\"}", AE_BAD_JSON },
		{ "{\"customerId\":\"cs1\",\"o\":{\"a\\u0000\":1}}", AE_BAD_JSON },
		/* Half a surrogate pair: json-c would store U+FFFD. */
		{ "{\"customerId\":\"cs1\",\"n\":\"\\ud800\"}", AE_BAD_JSON },
		{ "{\"customerId\":\"cs1\",\"n\":\"\\udc00x\"}", AE_BAD_JSON },
		{ "{\"customerId\":\"cs1\",\"n\":\"\\uD83D\\u0041\"}",
		    AE_BAD_JSON },
		{ "{\"customerId\":\"cs1\",\"n\\ud83d\":1}", AE_BAD_JSON },
	};
	size_t		 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		req_cleanup(&fx->req);
		post(fx, "/api/getCustomerServiceUrl", "application/json",
		    cases[i].body);
		assert_int_equal(req_read_body(&fx->req, 16384), AE_OK);
		if (one_field(fx, "customerId", &v, &bad) != cases[i].want)
			fail_msg("body %s: want %d", cases[i].body,
			    (int)cases[i].want);
	}
}

/* Keys that look alike but differ, and ":" inside strings, are fine. */
static void
test_json_distinct_keys(void **state)
{
	struct fixture	*fx = *state;
	const char	*v, *bad;

	post(fx, "/api/getCustomerServiceUrl", "application/json",
	    "{\"customerId\":\"cs1\",\"customerid\":\"\\\":{\",\"o\":"
	    "[{\"a\":\"}:\"},{\"a\":{\"a\":[]}}],\"e\":{}}");
	assert_int_equal(req_read_body(&fx->req, 16384), AE_OK);
	assert_int_equal(one_field(fx, "customerId", &v, &bad), AE_OK);
	assert_string_equal(v, "cs1");
}

/* A whole surrogate pair, and an escaped backslash before "ud800", pass. */
static void
test_jsonin_surrogates(void **state)
{
	struct json_object	*o, *x;
	const char		*ok = "{\"a\":\"\\ud83d\\ude00\",\"b\":\"\\\\ud800\"}";

	(void)state;
	assert_int_equal(jsonin_object(ok, strlen(ok), 4, &o), JSONIN_OK);
	assert_true(json_object_object_get_ex(o, "a", &x));
	assert_string_equal(json_object_get_string(x), "\xF0\x9F\x98\x80");
	assert_true(json_object_object_get_ex(o, "b", &x));
	assert_string_equal(json_object_get_string(x), "\\ud800");
	json_object_put(o);
}

/* jsonin_object reads exactly n bytes: no NUL needed after them. */
static void
test_jsonin_reads_only_n(void **state)
{
	struct json_object	*o;
	char			*s;

	(void)state;
	/* A heap copy without a terminator: ASan sees any read past it. */
	s = malloc(3);
	memcpy(s, "\"\"\"", 3);
	assert_int_equal(jsonin_object(s, 3, 4, &o), JSONIN_BAD_JSON);
	memcpy(s, "{} ", 3);
	assert_int_equal(jsonin_object(s, 3, 4, &o), JSONIN_OK);
	json_object_put(o);
	assert_int_equal(jsonin_object(s, 2, 4, &o), JSONIN_OK);
	json_object_put(o);
	free(s);
	s = malloc(9);
	memcpy(s, "{\"a\":1}  ", 9);
	assert_int_equal(jsonin_object(s, 9, 4, &o), JSONIN_OK);
	json_object_put(o);
	free(s);
}

static void
test_json_depth(void **state)
{
	struct fixture	*fx = *state;
	const char	*v, *bad;
	char		 body[200];
	int		 i, n = 0;

	n += snprintf(body, sizeof(body), "{\"a\":");
	for (i = 0; i < 40; i++)
		body[n++] = '[';
	for (i = 0; i < 40; i++)
		body[n++] = ']';
	body[n++] = '}';
	body[n] = '\0';
	post(fx, "/api/contact", "application/json", body);
	assert_int_equal(req_read_body(&fx->req, 16384), AE_OK);
	assert_int_equal(one_field(fx, "entry", &v, &bad), AE_BAD_JSON);
}

static void
test_form_and_query(void **state)
{
	struct fixture	*fx = *state;
	const char	*v, *bad;

	post(fx, "/api/contact", "application/x-www-form-urlencoded",
	    "x=1&entry=cs%2D1&&y");
	assert_int_equal(req_read_body(&fx->req, 16384), AE_OK);
	assert_int_equal(one_field(fx, "entry", &v, &bad), AE_OK);
	assert_string_equal(v, "cs-1");

	post(fx, "/api/contact?entry=cs1", "application/json", "");
	assert_int_equal(req_read_body(&fx->req, 16384), AE_OK);
	assert_int_equal(one_field(fx, "entry", &v, &bad), AE_OK);
	assert_string_equal(v, "cs1");

	/* The same field twice, or in query and body, is ambiguous. */
	post(fx, "/api/contact?entry=cs1", "application/json",
	    "{\"entry\":\"cs1\"}");
	assert_int_equal(req_read_body(&fx->req, 16384), AE_OK);
	assert_int_equal(one_field(fx, "entry", &v, &bad), AE_DUPLICATE);
	assert_string_equal(bad, "entry");
	req_cleanup(&fx->req);

	post(fx, "/api/contact?entry=a&entry=b", "application/json", "");
	assert_int_equal(one_field(fx, "entry", &v, &bad), AE_DUPLICATE);

	post(fx, "/api/contact?entry=cs1%", "application/json", "");
	assert_int_equal(one_field(fx, "entry", &v, &bad), AE_BAD_FORM);

	post(fx, "/api/contact?entry=%ff", "application/json", "");
	assert_int_equal(one_field(fx, "entry", &v, &bad), AE_BAD_UTF8);

	post(fx, "/api/contact", "text/plain", "entry=cs1");
	assert_int_equal(req_read_body(&fx->req, 16384), AE_OK);
	assert_int_equal(one_field(fx, "entry", &v, &bad), AE_MEDIA_TYPE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mount_len),
		cmocka_unit_test_setup_teardown(test_route_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctype, setup, teardown),
		cmocka_unit_test_setup_teardown(test_valid_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_method_and_query, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_body_length, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_rejects, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_json_distinct_keys, setup,
		    teardown),
		cmocka_unit_test(test_jsonin_surrogates),
		cmocka_unit_test(test_jsonin_reads_only_n),
		cmocka_unit_test_setup_teardown(test_json_depth, setup, teardown),
		cmocka_unit_test_setup_teardown(test_form_and_query, setup,
		    teardown),
	};

	return cmocka_run_group_tests_name("req", tests, NULL, NULL);
}
