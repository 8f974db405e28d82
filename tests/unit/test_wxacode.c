/*
 * 小程序码 helpers (wxacode.c): which entry ids can be a scene, the page
 * WeChat takes from an entry's target, and what an answer is.
 */
#include "unit.h"

#include "wxacode.h"

static void
test_scene(void **state)
{
	(void)state;
	assert_true(wxacode_scene_ok("cs1"));
	assert_true(wxacode_scene_ok("a_b-c"));
	assert_true(wxacode_scene_ok("!#$&'()*+,/:;=?@-._~"));
	assert_true(wxacode_scene_ok("abcdefghijklmnopqrstuvwxyz012345"));	/* 32 */
	assert_false(wxacode_scene_ok("abcdefghijklmnopqrstuvwxyz0123456"));	/* 33 */
	assert_false(wxacode_scene_ok(""));
	assert_false(wxacode_scene_ok("a b"));
	assert_false(wxacode_scene_ok("中文"));
	assert_false(wxacode_scene_ok("a%20"));
}

static void
test_page(void **state)
{
	char	 p[32];

	(void)state;
	assert_int_equal(wxacode_page("/pages/kf/index", p, sizeof(p)), 0);
	assert_string_equal(p, "pages/kf/index");
	assert_int_equal(wxacode_page("/pages/kf/index?from=poster", p,
	    sizeof(p)), 0);
	assert_string_equal(p, "pages/kf/index");
	assert_int_equal(wxacode_page("//pages/a#x", p, sizeof(p)), 0);
	assert_string_equal(p, "pages/a");
	assert_int_equal(wxacode_page("/", p, sizeof(p)), -1);
	assert_int_equal(wxacode_page("/?x=1", p, sizeof(p)), -1);
	assert_int_equal(wxacode_page("/pages/a/very/long/path/beyond/32",
	    p, sizeof(p)), -1);
}

static void
test_answer(void **state)
{
	static const char	 png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
	static const char	 jpg[] = "\xff\xd8\xff\xe0\0\x10JFIF";
	const char		*refused = "{\"errcode\":41030,\"errmsg\":\"x\"}";
	int			 e;

	(void)state;
	assert_int_equal(wxacode_answer(png, sizeof(png) - 1, &e), WXA_OK);
	assert_int_equal(e, 0);
	assert_int_equal(wxacode_answer(jpg, sizeof(jpg) - 1, &e), WXA_OK);
	assert_int_equal(wxacode_answer(refused, strlen(refused), &e),
	    WXA_REFUSED);
	assert_int_equal(e, 41030);
	assert_int_equal(wxacode_answer("{\"errcode\":0}", 13, &e),
	    WXA_BAD_ANSWER);
	assert_int_equal(wxacode_answer("{\"errcode\":\"1\"}", 15, &e),
	    WXA_BAD_ANSWER);
	assert_int_equal(wxacode_answer("<html>", 6, &e), WXA_BAD_ANSWER);
	assert_int_equal(wxacode_answer("", 0, &e), WXA_BAD_ANSWER);
	assert_non_null(wxacode_errtext(41030));
	assert_non_null(strstr(wxacode_errtext(40001), "app_secret"));
	assert_non_null(wxacode_errtext(123456));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scene),
		cmocka_unit_test(test_page),
		cmocka_unit_test(test_answer),
	};

	return cmocka_run_group_tests_name("wxacode", tests, NULL, NULL);
}
