/* The character set of uploads (textenc.c): detection and decoding. */
#include "unit.h"

#include "arena.h"
#include "textenc.h"

/* "标签,VIP客户" in GBK (what Chinese Excel saves by default). */
static const char gbk[] = "\xb1\xea\xc7\xa9,VIP\xbf\xcd\xbb\xa7";
static const char utf8[] = "标签,VIP客户";

static void
test_media(void **state)
{
	static const struct { const char *ct; int rc; enum textenc cs; } t[] = {
		{ "text/csv", 0, TE_DETECT },
		{ "Text/CSV", 0, TE_DETECT },
		{ "text/csv; charset=utf-8", 0, TE_UTF8 },
		{ "text/csv;charset=\"UTF-8\"", 0, TE_UTF8 },
		{ "text/csv; charset=GBK", 0, TE_GB18030 },
		{ "text/csv; charset=gb2312", 0, TE_GB18030 },
		{ "text/csv; header=present; charset=gb18030", 0, TE_GB18030 },
		{ "text/csv; header=present", 0, TE_DETECT },
		{ "text/csv; charset=latin1", 0, TE_OTHER },
		{ "text/csv; charset=utf-16", 0, TE_OTHER },
		{ "text/csv; charset=", 0, TE_OTHER },
		{ "text/csvx", -1, TE_DETECT },
		{ "text/plain", -1, TE_DETECT },
		{ "application/json", -1, TE_DETECT },
		{ "", -1, TE_DETECT },
	};
	enum textenc	 cs;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(textenc_media(t[i].ct, "text/csv", &cs),
		    t[i].rc);
		if (t[i].rc == 0)
			assert_int_equal(cs, t[i].cs);
	}
	assert_int_equal(textenc_media(NULL, "text/csv", &cs), -1);
}

static void
test_detect(void **state)
{
	struct arena	*a = arena_new(1024);
	const char	*out;
	size_t		 len;
	enum textenc	 found;

	(void)state;
	/* UTF-8, with and without BOM */
	assert_int_equal(textenc_decode(a, utf8, sizeof(utf8) - 1, TE_DETECT,
	    &out, &len, &found), 0);
	assert_string_equal(out, utf8);
	assert_int_equal(len, sizeof(utf8) - 1);
	assert_int_equal(found, TE_UTF8);
	assert_int_equal(textenc_decode(a, "\xEF\xBB\xBFk,v", 6, TE_DETECT,
	    &out, &len, &found), 0);
	assert_string_equal(out, "k,v");
	/* GBK bytes: decoded */
	assert_int_equal(textenc_decode(a, gbk, sizeof(gbk) - 1, TE_DETECT,
	    &out, &len, &found), 0);
	assert_string_equal(out, utf8);
	assert_int_equal(found, TE_GB18030);
	assert_int_equal(textenc_decode(a, gbk, sizeof(gbk) - 1, TE_GB18030,
	    &out, &len, &found), 0);
	assert_string_equal(out, utf8);
	/* GB18030's four-byte form: U+10000 is 90 30 81 30 */
	assert_int_equal(textenc_decode(a, "\x90\x30\x81\x30", 4, TE_DETECT,
	    &out, &len, &found), 0);
	assert_string_equal(out, "\xf0\x90\x80\x80");
	/* declared UTF-8 but GBK bytes; neither; cut short; NUL; U+FFFD
	 * (in UTF-8, and as GB18030 84 31 A4 37 would decode) */
	assert_int_equal(textenc_decode(a, gbk, sizeof(gbk) - 1, TE_UTF8,
	    &out, &len, &found), -1);
	assert_int_equal(textenc_decode(a, "k\n\xff\xfe\n", 5, TE_DETECT,
	    &out, &len, &found), -1);
	assert_int_equal(textenc_decode(a, "k\n\x80\n", 4, TE_DETECT,
	    &out, &len, &found), -1);
	assert_int_equal(textenc_decode(a, "ab\xb1", 3, TE_DETECT,
	    &out, &len, &found), -1);
	assert_int_equal(textenc_decode(a, "a\0b", 3, TE_DETECT,
	    &out, &len, &found), -1);
	assert_int_equal(textenc_decode(a, "a\xEF\xBF\xBD", 4, TE_DETECT,
	    &out, &len, &found), -1);
	assert_int_equal(textenc_decode(a, "\x84\x31\xa4\x37", 4, TE_GB18030,
	    &out, &len, &found), -1);
	assert_int_equal(textenc_decode(a, "k", 1, TE_OTHER,
	    &out, &len, &found), -1);
	/* UTF-16 as Excel's "Unicode text" writes it */
	assert_int_equal(textenc_decode(a, "\xff\xfek\0,\0v\0", 8, TE_DETECT,
	    &out, &len, &found), -1);
	/* empty is empty UTF-8 */
	assert_int_equal(textenc_decode(a, "", 0, TE_DETECT, &out, &len,
	    &found), 0);
	assert_int_equal(len, 0);
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_media),
		cmocka_unit_test(test_detect),
	};

	return cmocka_run_group_tests_name("textenc", tests, NULL, NULL);
}
