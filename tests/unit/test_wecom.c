/* The WeCom client's pure parts: which URLs may be called, errcodes. */
#include "unit.h"

#include "callback.h"
#include "https.h"
#include "wecom.h"

static void
test_url_policy(void **state)
{
	(void)state;
	assert_true(https_url_allowed("https://qyapi.weixin.qq.com/cgi-bin/x"));
	assert_true(https_url_allowed("HTTPS://api.weixin.qq.com/sns"));
	assert_true(https_url_allowed("http://127.0.0.1:8443/cgi-bin/x"));
	assert_true(https_url_allowed("http://localhost/x"));
	assert_true(https_url_allowed("http://[::1]:9/x"));
	assert_false(https_url_allowed("http://qyapi.weixin.qq.com/x"));
	assert_false(https_url_allowed("http://127.0.0.1.evil.com/x"));
	assert_false(https_url_allowed("http://localhost.evil.com/x"));
	assert_false(https_url_allowed("ftp://127.0.0.1/x"));
	assert_false(https_url_allowed("file:///etc/passwd"));
	assert_false(https_url_allowed("https://"));
	assert_false(https_url_allowed(""));
	/* Userinfo: the host is what follows the @. */
	assert_false(https_url_allowed("http://127.0.0.1:x@evil/"));
	assert_false(https_url_allowed("https://user:pw@qyapi.weixin.qq.com/"));
	assert_true(https_url_allowed("https://qyapi.weixin.qq.com/x?a=b@c"));
}

static void
test_errcodes(void **state)
{
	(void)state;
	assert_int_equal(wecom_map_errcode(0), WECOM_OK);
	assert_int_equal(wecom_map_errcode(40001), WECOM_BAD_SECRET);
	assert_int_equal(wecom_map_errcode(40014), WECOM_TOKEN);
	assert_int_equal(wecom_map_errcode(42001), WECOM_TOKEN);
	assert_int_equal(wecom_map_errcode(45009), WECOM_LIMITED);
	assert_int_equal(wecom_map_errcode(45033), WECOM_LIMITED);
	assert_int_equal(wecom_map_errcode(48002), WECOM_FORBIDDEN);
	assert_int_equal(wecom_map_errcode(60020), WECOM_FORBIDDEN);
	assert_int_equal(wecom_map_errcode(-1), WECOM_BUSY);
	assert_int_equal(wecom_map_errcode(95019), WECOM_SERVICER);
	assert_int_equal(wecom_map_errcode(95014), WECOM_SERVICER);
	assert_int_equal(wecom_map_errcode(95013), WECOM_SESSION);
	assert_int_equal(wecom_map_errcode(95016), WECOM_SESSION);
	assert_int_equal(wecom_map_errcode(95018), WECOM_SESSION);
	assert_int_equal(wecom_map_errcode(95000), WECOM_OTHER);
	assert_string_equal(wecom_strerror(WECOM_BAD_SECRET),
	    "bad corp secret (40001)");
	assert_string_equal(https_strerror(HTTPS_TLS), "TLS failure");
}

static void
test_xml_field(void **state)
{
	char	 out[64];

	(void)state;
	assert_int_equal(callback_xml_field("<xml><Encrypt><![CDATA[abc+/=]]>"
	    "</Encrypt></xml>", "Encrypt", out, sizeof(out)), 0);
	assert_string_equal(out, "abc+/=");
	assert_int_equal(callback_xml_field("<a><Event>kf_msg_or_event</Event>"
	    "</a>", "Event", out, sizeof(out)), 0);
	assert_string_equal(out, "kf_msg_or_event");
	assert_int_equal(callback_xml_field("<Token></Token>", "Token", out,
	    sizeof(out)), 0);
	assert_string_equal(out, "");
	/* Absent, unclosed, broken CDATA, too long. */
	assert_int_equal(callback_xml_field("<xml/>", "Token", out,
	    sizeof(out)), -1);
	assert_int_equal(callback_xml_field("<Token>abc", "Token", out,
	    sizeof(out)), -1);
	assert_int_equal(callback_xml_field("<Token><![CDATA[x</Token>",
	    "Token", out, sizeof(out)), -1);
	assert_int_equal(callback_xml_field("<T>0123456789</T>", "T", out, 5),
	    -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url_policy),
		cmocka_unit_test(test_errcodes),
		cmocka_unit_test(test_xml_field),
	};

	return cmocka_run_group_tests_name("wecom", tests, NULL, NULL);
}
