/* CSV reading and writing (csv.c) as spreadsheets do it. */
#include "unit.h"

#include "admin_int.h"
#include "arena.h"
#include "buf.h"
#include "csv.h"

static void
test_parse(void **state)
{
	struct arena	*a = arena_new(1024);
	struct csv	 c;
	size_t		 line;
	const char	*why;
	static const char text[] = "\xEF\xBB\xBF" "k,v\r\n"
	    "a,\"x, \"\"y\"\"\"\r\n"
	    "\n"
	    "b,\"two\nlines\"\n"
	    "c,\n"
	    "d";

	(void)state;
	assert_int_equal(csv_parse(a, text, sizeof(text) - 1, &c, &line,
	    &why), 0);
	assert_int_equal(c.n, 5);
	assert_string_equal(c.rows[0].f[0], "k");	/* BOM gone */
	assert_string_equal(c.rows[1].f[1], "x, \"y\"");
	assert_int_equal(c.rows[2].line, 4);		/* blank line 3 */
	assert_string_equal(c.rows[2].f[1], "two\nlines");
	assert_int_equal(c.rows[3].line, 6);
	assert_int_equal(c.rows[3].n, 2);
	assert_string_equal(c.rows[3].f[1], "");
	assert_int_equal(c.rows[4].n, 1);		/* no final newline */
	arena_free(a);
}

static void
test_errors(void **state)
{
	struct arena	*a = arena_new(1024);
	struct csv	 c;
	size_t		 line;
	const char	*why;
	static const struct { const char *text; size_t line; } bad[] = {
		{ "k\n\"open", 2 },
		{ "k\n\"open\nstill open", 2 },	/* the row's first line */
		{ "k\n\"x\"y\n", 2 },
		{ "k\nab\"c\n", 2 },
		{ "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q\n", 1 },
	};
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		assert_int_equal(csv_parse(a, bad[i].text, strlen(bad[i].text),
		    &c, &line, &why), -1);
		assert_non_null(why);
		assert_int_equal(line, bad[i].line);
	}
	assert_int_equal(csv_parse(a, "k\n\"a\0b\"\n", 8, &c, &line, &why),
	    -1);
	arena_free(a);
}

static void
test_write_and_guard(void **state)
{
	struct buf	 b = { 0 };

	(void)state;
	csv_cell(&b, "plain", 1);
	csv_cell(&b, "a,b", 0);
	csv_cell(&b, "say \"hi\"", 0);
	csv_cell(&b, NULL, 0);
	csv_cell(&b, "=HYPERLINK(\"x\")", 0);
	csv_cell(&b, "-5", 0);
	assert_string_equal(buf_str(&b), "plain,\"a,b\",\"say \"\"hi\"\"\",,"
	    "\"'=HYPERLINK(\"\"x\"\")\",\"'-5\"");
	/* Import takes the guard off again: a round trip keeps the text. */
	assert_string_equal(csv_unguard("'=HYPERLINK(\"x\")"),
	    "=HYPERLINK(\"x\")");
	assert_string_equal(csv_unguard("'-5"), "-5");
	assert_string_equal(csv_unguard("'quoted"), "'quoted");
	assert_string_equal(csv_unguard("x"), "x");
	buf_free(&b);
}

/*
 * Export then import keeps every text, also one that starts with an
 * apostrophe before a formula character (found by fuzz_csv: "'-" came
 * back as "-").
 */
static void
test_guard_roundtrip(void **state)
{
	static const char *const cells[] = { "'-", "'=1+1", "''@x", "'\t",
	    "'", "''", "'plain", "-5", "=A1", "x'-" };
	struct arena	*a = arena_new(1024);
	struct buf	 b = { 0 };
	struct csv	 c;
	size_t		 i, line;
	const char	*why;

	(void)state;
	for (i = 0; i < sizeof(cells) / sizeof(cells[0]); i++)
		csv_cell(&b, cells[i], i == 0);
	assert_int_equal(csv_parse(a, buf_str(&b), b.len, &c, &line, &why),
	    0);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.rows[0].n, sizeof(cells) / sizeof(cells[0]));
	for (i = 0; i < sizeof(cells) / sizeof(cells[0]); i++)
		assert_string_equal(csv_unguard(c.rows[0].f[i]), cells[i]);
	buf_free(&b);
	arena_free(a);
}

/* CR (old Mac Excel), LF and CRLF each count as one line, in a quoted
 * field too; blank lines count. */
static void
test_line_endings(void **state)
{
	static const char *const ends[] = { "\r", "\n", "\r\n" };
	struct arena	*a = arena_new(1024);
	struct buf	 b = { 0 };
	struct csv	 c;
	size_t		 i, line;
	const char	*why;

	(void)state;
	for (i = 0; i < 3; i++) {
		buf_clear(&b);
		/* line 1 header, 2 row, 3 blank, 4-5 a quoted field over two
		 * lines, 6 a row, 7 a bad one */
		buf_printf(&b, "k,v%s" "a,1%s" "%s" "b,\"x%sy\"%s" "c,2%s"
		    "d,\"open", ends[i], ends[i], ends[i], ends[i], ends[i],
		    ends[i]);
		assert_int_equal(csv_parse(a, buf_str(&b), b.len - 7, &c,
		    &line, &why), 0);
		assert_int_equal(c.n, 4);
		assert_int_equal(c.rows[1].line, 2);
		assert_int_equal(c.rows[2].line, 4);
		assert_int_equal(c.rows[3].line, 6);
		assert_int_equal(csv_parse(a, buf_str(&b), b.len, &c, &line,
		    &why), -1);
		assert_int_equal(line, 7);
	}
	buf_free(&b);
	arena_free(a);
}

/* What a spreadsheet pads with goes; a short row keeps its own cells. */
static void
test_tidy(void **state)
{
	struct arena	*a = arena_new(1024);
	struct csv	 c;
	size_t		 line;
	const char	*why;
	static const char text[] = "k,,v,,\r\n"
	    ",,,,\r\n"
	    "a,,1,,\r\n"
	    ",,,,\r\n"
	    "b,,2\r\n"
	    "c\r\n"
	    ",,,,\r\n";

	(void)state;
	assert_int_equal(csv_parse(a, text, sizeof(text) - 1, &c, &line,
	    &why), 0);
	assert_int_equal(c.n, 7);
	csv_tidy(&c);
	assert_int_equal(c.n, 4);
	assert_int_equal(c.rows[0].n, 2);
	assert_string_equal(c.rows[0].f[1], "v");
	assert_int_equal(c.rows[1].line, 3);
	assert_int_equal(c.rows[1].n, 2);
	assert_string_equal(c.rows[1].f[1], "1");
	assert_int_equal(c.rows[2].line, 5);
	assert_string_equal(c.rows[2].f[1], "2");
	assert_int_equal(c.rows[3].n, 1);
	assert_int_equal(c.rows[3].line, 6);
	/* A file of nothing but padding is empty. */
	assert_int_equal(csv_parse(a, ",,\n,,\n", 6, &c, &line, &why), 0);
	csv_tidy(&c);
	assert_int_equal(c.n, 0);
	arena_free(a);
}

/* Limits: 16 non-empty columns (padding past them ignored), 20000 data
 * rows besides the header (padding rows not counted). */
static void
test_limits(void **state)
{
	struct arena	*a = arena_new(1 << 16);
	struct buf	 b = { 0 };
	struct csv	 c;
	size_t		 line, i;
	const char	*why;

	(void)state;
	/* customer_key and 20 empty cells, a row likewise */
	buf_puts(&b, "customer_key,,,,,,,,,,,,,,,,,,,,\r\nh2,,,,,,,,,,,,,,,,,,,,\r\n");
	assert_int_equal(csv_parse(a, buf_str(&b), b.len, &c, &line, &why), 0);
	assert_int_equal(c.rows[0].n, CSV_MAX_FIELDS);
	csv_tidy(&c);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.rows[0].n, 1);
	assert_int_equal(c.rows[1].n, 1);
	assert_string_equal(c.rows[1].f[0], "h2");
	/* a real 17th column is still refused */
	buf_clear(&b);
	buf_puts(&b, "k\r\na,,,,,,,,,,,,,,,,x\r\n");
	assert_int_equal(csv_parse(a, buf_str(&b), b.len, &c, &line, &why),
	    -1);
	assert_int_equal(line, 2);
	assert_string_equal(why, "列数过多(最多 16 列)");
	/* header + 20000 rows, and padding rows: fine; one more row not */
	buf_clear(&b);
	buf_puts(&b, "k,v\r\n");
	for (i = 0; i < CSV_MAX_ROWS; i++)
		buf_printf(&b, "k%zu,1\r\n,\r\n", i);
	assert_int_equal(csv_parse(a, buf_str(&b), b.len, &c, &line, &why), 0);
	csv_tidy(&c);
	assert_int_equal(c.n, CSV_MAX_ROWS + 1);
	buf_puts(&b, "extra,1\r\n");
	assert_int_equal(csv_parse(a, buf_str(&b), b.len, &c, &line, &why),
	    -1);
	assert_int_equal(line, 2 * CSV_MAX_ROWS + 2);
	assert_string_equal(why,
	    "行数过多:表头之外最多 20000 行,请分成几个文件导入");
	/* one data row and more padding rows than records are kept: fine */
	buf_clear(&b);
	buf_puts(&b, "k,v,t\r\nz1,1,\r\n");
	for (i = 0; i < CSV_MAX_RECORDS + 1000; i++)
		buf_puts(&b, ",,\r\n");
	buf_puts(&b, "z2,2,\r\n");
	assert_int_equal(csv_parse(a, buf_str(&b), b.len, &c, &line, &why), 0);
	csv_tidy(&c);
	assert_int_equal(c.n, 3);
	assert_string_equal(c.rows[2].f[0], "z2");
	assert_int_equal(c.rows[2].line, CSV_MAX_RECORDS + 1000 + 3);
	buf_free(&b);
	arena_free(a);
}

/* Header names: English any case, Chinese, spaces around ignored. */
static void
test_aliases(void **state)
{
	static const struct { const char *coll, *cell, *field; } t[] = {
		{ "customers", "customer_key", "customer_key" },
		{ "customers", " Customer_Key ", "customer_key" },
		{ "customers", "客户 key", "customer_key" },
		{ "customers", "客户 KEY", "customer_key" },
		{ "customers", "客户编号", "customer_key" },
		{ "customers", "\xE3\x80\x80客户\xE3\x80\x80", "customer_key" },
		{ "customers", "等级", "level" },
		{ "customers", "LEVEL", "level" },
		{ "customers", "标签", "tags" },
		{ "customers", "专属客服", "account_manager_id" },
		{ "orders", "订单号", "order_id" },
		{ "orders", "客户 key", "customer_key" },
		{ "orders", "负责客服", "agent_id" },
		{ "orders", "Agent_ID", "agent_id" },
		{ "orders", "等级", NULL },
		{ "customers", "负责客服", NULL },
		{ "customers", "客 户", NULL },
		{ "customers", "", NULL },
		{ "nothing", "customer_key", NULL },
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *f = admin_csv_field(t[i].coll, t[i].cell);

		if (t[i].field == NULL)
			assert_null(f);
		else
			assert_string_equal(f, t[i].field);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_write_and_guard),
		cmocka_unit_test(test_guard_roundtrip),
		cmocka_unit_test(test_line_endings),
		cmocka_unit_test(test_tidy),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_aliases),
	};

	return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
