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

/* Which files are refused rather than guessed at (textenc.h's rule). */
static void
test_ambiguous(void **state)
{
	/* printf 'customer_key,tags\ng1,专业\n' | iconv -t gbk: valid
	 * UTF-8 by accident ("רҵ") */
	static const char gbk_utf8[] = "customer_key,tags\ng1,\xd7\xa8\xd2\xb5\n";
	/* header and row 1 UTF-8, row 2 GBK (专业) */
	static const char mixed[] = "customer_key,tags\nm1,中文标签\n"
	    "m2,\xd7\xa8\xd2\xb5\n";
	/* mostly GBK, one UTF-8 row of 3+ CJK characters */
	static const char mixed_line[] = "k,\xb1\xea\xc7\xa9\xb1\xea\xc7\xa9\n"
	    "k2,\xbf\xcd\xbb\xa7\xbf\xcd\xbb\xa7\xbf\xcd\xbb\xa7\n"
	    "k3,\xbf\xcd\xbb\xa7\xbf\xcd\xbb\xa7\xbf\xcd\xbb\xa7\n"
	    "k4,中文标\n";
	static const char short_utf8[] = "k,level,tags\n"
	    "mx0,1,\xb1\xea\xc7\xa9\n"
	    "mx1,1,\xbf\xcd\xbb\xa7\n"
	    "mxu,1,张三\n";
	struct arena	*a = arena_new(1024);
	const char	*out;
	size_t		 len;
	enum textenc	 found;

	(void)state;
	assert_int_equal(textenc_decode(a, gbk_utf8, sizeof(gbk_utf8) - 1,
	    TE_DETECT, &out, &len, &found), -1);
	/* pinned, it is what it says */
	assert_int_equal(textenc_decode(a, gbk_utf8, sizeof(gbk_utf8) - 1,
	    TE_GB18030, &out, &len, &found), 0);
	assert_string_equal(out, "customer_key,tags\ng1,专业\n");
	assert_int_equal(textenc_decode(a, gbk_utf8, sizeof(gbk_utf8) - 1,
	    TE_UTF8, &out, &len, &found), 0);
	assert_int_equal(found, TE_UTF8);
	/* with Excel's BOM it is UTF-8 */
	assert_int_equal(textenc_decode(a, "\xEF\xBB\xBF\xd7\xa8\xd2\xb5", 7,
	    TE_DETECT, &out, &len, &found), 0);
	assert_string_equal(out, "\xd7\xa8\xd2\xb5");
	assert_int_equal(found, TE_UTF8);
	/* U+0080-U+07FF that GB18030 cannot read: UTF-8 (é中 cuts a
	 * GB18030 character short) */
	assert_int_equal(textenc_decode(a, "é中", strlen("é中"), TE_DETECT,
	    &out, &len, &found), 0);
	assert_string_equal(out, "é中");
	assert_int_equal(found, TE_UTF8);
	/* only U+0800 and up: UTF-8 even if GB18030 could read it */
	assert_int_equal(textenc_decode(a, "中文标签", strlen("中文标签"),
	    TE_DETECT, &out, &len, &found), 0);
	assert_int_equal(found, TE_UTF8);
	/* mixed: a share, or one whole line */
	assert_int_equal(textenc_mixed(mixed, sizeof(mixed) - 1), 1);
	assert_int_equal(textenc_decode(a, mixed, sizeof(mixed) - 1,
	    TE_DETECT, &out, &len, &found), -1);
	assert_int_equal(textenc_mixed(mixed_line, sizeof(mixed_line) - 1), 1);
	assert_int_equal(textenc_decode(a, mixed_line, sizeof(mixed_line) - 1,
	    TE_DETECT, &out, &len, &found), -1);
	/* the GBK lines alone are not */
	assert_int_equal(textenc_mixed(mixed_line, sizeof(mixed_line) - 1 -
	    strlen("k4,中文标\n")), 0);
	assert_int_equal(textenc_mixed(gbk, sizeof(gbk) - 1), 0);
	assert_int_equal(textenc_mixed("abc", 3), 0);
	/* one short UTF-8 name among GBK rows: its GBK reading leaves
	 * GB2312's rows (张三 read as E5BC A0E4 B889) */
	assert_int_equal(textenc_mixed(short_utf8, sizeof(short_utf8) - 1), 1);
	assert_int_equal(textenc_decode(a, short_utf8, sizeof(short_utf8) - 1,
	    TE_DETECT, &out, &len, &found), -1);
	/* without it, the GBK rows (标签, 客户) decode */
	assert_int_equal(textenc_mixed(short_utf8, sizeof(short_utf8) - 1 -
	    strlen("mxu,1,张三\n")), 0);
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_media),
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_ambiguous),
	};

	return cmocka_run_group_tests_name("textenc", tests, NULL, NULL);
}
