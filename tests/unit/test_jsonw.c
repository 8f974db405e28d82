/* JSON writer, response rendering and notice templates. */
#include "unit.h"

#include "arena.h"
#include "buf.h"
#include "jsonw.h"
#include "notice.h"
#include "resp.h"

static void
test_nesting_and_commas(void **state)
{
	struct buf	 b = { 0 };
	struct jsonw	 w;

	(void)state;
	jsonw_init(&w, &b);
	jsonw_obj_open(&w);
	jsonw_key(&w, "a");
	jsonw_int(&w, -3);
	jsonw_key(&w, "b");
	jsonw_arr_open(&w);
	jsonw_bool(&w, 1);
	jsonw_null(&w);
	jsonw_obj_open(&w);
	jsonw_obj_close(&w);
	jsonw_arr_open(&w);
	jsonw_arr_close(&w);
	jsonw_str(&w, NULL);
	jsonw_arr_close(&w);
	jsonw_key(&w, "c");
	jsonw_str(&w, "x");
	jsonw_obj_close(&w);
	assert_string_equal(buf_str(&b),
	    "{\"a\":-3,\"b\":[true,null,{},[],null],\"c\":\"x\"}");
	buf_free(&b);
}

static void
escape_str(struct buf *b, const char *s)
{
	jsonw_escape(b, s, strlen(s));
}

static void
test_escapes(void **state)
{
	struct buf	 b = { 0 };

	(void)state;
	escape_str(&b, "a\"b\\c\n\r\t\x01\x1f<>&");
	assert_string_equal(buf_str(&b),
	    "a\\\"b\\\\c\\n\\r\\t\\u0001\\u001f\\u003c\\u003e\\u0026");
	buf_clear(&b);
	/* UTF-8 passes through; U+2028/2029 are escaped for JavaScript. */
	escape_str(&b, "售后\xe2\x80\xa8x\xe2\x80\xa9");
	assert_string_equal(buf_str(&b), "售后\\u2028x\\u2029");
	buf_clear(&b);
	/* A truncated U+2028 prefix at the end is not overread. */
	jsonw_escape(&b, "a\xe2\x80", 3);
	assert_string_equal(buf_str(&b), "a\\ufffd\\ufffd");
	buf_clear(&b);
	/*
	 * Bytes that are not UTF-8 (a message cut mid-character, a client's
	 * bytes) become U+FFFD: the answer is always valid UTF-8.
	 */
	jsonw_escape(&b, "\xe5\x94\xae\xe5\x90", 5);	/* 售 + half of 后 */
	assert_string_equal(buf_str(&b), "售\\ufffd\\ufffd");
	buf_clear(&b);
	jsonw_escape(&b, "\xff\xc0\xaf\xed\xa0\x80x", 7);
	assert_string_equal(buf_str(&b),
	    "\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffdx");
	buf_free(&b);
}

static void
test_resp_error_and_write(void **state)
{
	struct resp	 r = { 0 };
	struct buf	 out = { 0 };

	(void)state;
	resp_reset(&r);
	resp_error(&r, AE_METHOD, NULL);
	resp_header(&r, "Allow", "POST");
	assert_int_equal(r.status, 405);
	resp_write(&r, 0, &out);
	assert_string_equal(buf_str(&out),
	    "Status: 405 Method Not Allowed\r\n"
	    "Content-Type: application/json; charset=utf-8\r\n"
	    "Content-Length: 82\r\n"
	    "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n"
	    "Allow: POST\r\n\r\n"
	    "{\"success\":false,\"code\":\"method_not_allowed\","
	    "\"message\":\"不支持该请求方法\"}");
	/* HEAD: same headers, Content-Length of the body, no body. */
	resp_write(&r, 1, &out);
	assert_non_null(strstr(buf_str(&out), "Content-Length: 82\r\n"));
	assert_int_equal(out.data[out.len - 1], '\n');
	assert_int_equal(out.data[out.len - 2], '\r');

	resp_reset(&r);
	resp_error(&r, AE_BAD_ID, "entry");
	assert_string_equal(buf_str(&r.body), "{\"success\":false,"
	    "\"code\":\"bad_id\",\"message\":\"ID 格式无效(只允许 1-64 个"
	    "字母、数字、_ 或 -)\",\"field\":\"entry\"}");
	assert_int_equal(r.status, 400);
	resp_free(&r);
	buf_free(&out);
}

static void
test_every_error_has_status_and_code(void **state)
{
	(void)state;
	for (int e = AE_BAD_JSON; e < AE__MAX; e++) {
		const struct apierr_info *i = apierr_info((enum apierr)e);
		assert_true(i->status >= 400 && i->status < 600);
		assert_non_null(i->code);
		assert_true(strlen(i->message) > 0);
	}
	assert_int_equal(apierr_info((enum apierr)999)->status, 500);
}

static void
test_notice(void **state)
{
	struct arena		*a = arena_new(256);
	struct notice_var	 v[] = { { "agent", "小王" }, { "hours", "9-18" } };

	(void)state;
	assert_string_equal(notice_render(a, "已为您接入{agent}", v, 2),
	    "已为您接入小王");
	assert_string_equal(notice_render(a, "{agent}{agent} {hours}", v, 2),
	    "小王小王 9-18");
	assert_string_equal(notice_render(a, "{unknown} {agent", v, 2),
	    "{unknown} {agent");
	assert_string_equal(notice_render(a, "", v, 2), "");
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nesting_and_commas),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_resp_error_and_write),
		cmocka_unit_test(test_every_error_has_status_and_code),
		cmocka_unit_test(test_notice),
	};

	return cmocka_run_group_tests_name("jsonw", tests, NULL, NULL);
}
