/* Field validation of admin input (valid.c): every type, every error. */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "arena.h"
#include "cfg.h"
#include "lifeset.h"
#include "tz.h"
#include "utf8.h"
#include "valid.h"

static const char *const colours[] = { "red", "green", NULL };

static const struct valid_field fields[] = {
	{ "id", VT_ID, VF_REQUIRED | VF_FIXED, 1, 8, NULL, NULL },
	{ "name", VT_TEXT, VF_REQUIRED, 1, 12, NULL, NULL },
	{ "n", VT_INT, 0, -5, 5, NULL, "0" },
	{ "on", VT_BOOL, 0, 0, 0, NULL, "1" },
	{ "colour", VT_ENUM, 0, 0, 0, colours, "red" },
	{ "ref", VT_ID, VF_NULLABLE, 1, 8, NULL, NULL },
	{ "ids", VT_IDLIST, 0, 0, 3, NULL, "" },
};
#define N	(sizeof(fields) / sizeof(fields[0]))

/* Validate json; the message of field or NULL when it passed. */
static const char *
run(struct arena *a, const char *json, const char **vals, size_t *nerr,
    const char *field)
{
	struct json_object	*o = json_tokener_parse(json);
	struct valid		 v;
	size_t			 i;
	const char		*msg = NULL;

	assert_non_null(o);
	valid_init(&v, a);
	valid_known(&v, o, fields, N, NULL);
	valid_fields(&v, o, fields, N, vals);
	json_object_put(o);
	*nerr = v.nerr;
	for (i = 0; field != NULL && i < v.nerr; i++)
		if (strcmp(v.errs[i].field, field) == 0)
			msg = v.errs[i].message;
	return msg;
}

static void
test_good_and_defaults(void **state)
{
	struct arena	*a = arena_new(1024);
	const char	*v[N];
	size_t		 nerr;

	(void)state;
	run(a, "{\"id\":\"x_1\",\"name\":\"小王 <b>\"}", v, &nerr, NULL);
	assert_int_equal(nerr, 0);
	assert_string_equal(v[0], "x_1");
	assert_string_equal(v[1], "小王 <b>");
	assert_string_equal(v[2], "0");
	assert_string_equal(v[3], "1");
	assert_string_equal(v[4], "red");
	assert_null(v[5]);
	assert_string_equal(v[6], "");
	run(a, "{\"id\":\"y\",\"name\":\"n\",\"n\":-5,\"on\":false,"
	    "\"colour\":\"green\",\"ref\":\"\",\"ids\":[\"a\",\"b-2\"]}", v,
	    &nerr, NULL);
	assert_int_equal(nerr, 0);
	assert_string_equal(v[2], "-5");
	assert_string_equal(v[3], "0");
	assert_string_equal(v[4], "green");
	assert_null(v[5]);		/* "" on a nullable id is NULL */
	assert_string_equal(v[6], "a,b-2");
	arena_free(a);
}

static void
test_errors(void **state)
{
	struct arena	*a = arena_new(1024);
	const char	*v[N];
	size_t		 nerr;
	static const struct { const char *json, *field; } bad[] = {
		{ "{\"name\":\"x\"}", "id" },			/* required */
		{ "{\"id\":\"a b\",\"name\":\"x\"}", "id" },
		{ "{\"id\":\"toolong12\",\"name\":\"x\"}", "id" },
		{ "{\"id\":5,\"name\":\"x\"}", "id" },
		{ "{\"id\":\"a\",\"name\":\"\"}", "name" },	/* too short */
		{ "{\"id\":\"a\",\"name\":\"1234567890123\"}", "name" },
		{ "{\"id\":\"a\",\"name\":\"x\\ny\"}", "name" },	/* control */
		{ "{\"id\":\"a\",\"name\":\"x\\u0000y\"}", "name" },	/* NUL */
		{ "{\"id\":\"a\",\"name\":null}", "name" },
		{ "{\"id\":\"a\",\"name\":\"x\",\"n\":6}", "n" },
		{ "{\"id\":\"a\",\"name\":\"x\",\"n\":1.5}", "n" },
		{ "{\"id\":\"a\",\"name\":\"x\",\"n\":\"1\"}", "n" },
		{ "{\"id\":\"a\",\"name\":\"x\",\"n\":99999999999999999999}",
		    "n" },
		{ "{\"id\":\"a\",\"name\":\"x\",\"on\":1}", "on" },
		{ "{\"id\":\"a\",\"name\":\"x\",\"colour\":\"blue\"}", "colour" },
		{ "{\"id\":\"a\",\"name\":\"x\",\"colour\":\"red\\u0000x\"}",
		    "colour" },
		{ "{\"id\":\"a\\u0000b\",\"name\":\"x\"}", "id" },
		{ "{\"id\":\"a\",\"name\":\"x\",\"ids\":\"a\"}", "ids" },
		{ "{\"id\":\"a\",\"name\":\"x\",\"ids\":[\"a\",\"a\"]}", "ids" },
		{ "{\"id\":\"a\",\"name\":\"x\",\"ids\":[\"a\",\"b\",\"c\",\"d\"]}",
		    "ids" },
		{ "{\"id\":\"a\",\"name\":\"x\",\"ids\":[1]}", "ids" },
		{ "{\"id\":\"a\",\"name\":\"x\",\"ids\":[\"\"]}", "ids" },
		{ "{\"id\":\"a\",\"name\":\"x\",\"extra\":1}", "extra" },
	};
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *m = run(a, bad[i].json, v, &nerr, bad[i].field);

		if (m == NULL || nerr != 1)
			fail_msg("%s: %zu errors, none for %s", bad[i].json,
			    nerr, bad[i].field);
	}
	/* Every problem at once, one message per field. */
	run(a, "{\"id\":\"\",\"name\":\"\",\"n\":9,\"colour\":1}", v, &nerr,
	    NULL);
	assert_int_equal(nerr, 4);
	assert_string_equal(run(a, "{\"id\":\"a\",\"name\":\"x\",\"n\":9}", v,
	    &nerr, "n"), "应为 -5 到 5 之间的整数");
	/* 40 unknown keys leave room for the declared fields' errors. */
	{
		char	 big[2048];
		int	 k, off = 0;

		off += snprintf(big + off, sizeof(big) - off, "{");
		for (k = 0; k < 40; k++)
			off += snprintf(big + off, sizeof(big) - off,
			    "\"x%d\":1,", k);
		snprintf(big + off, sizeof(big) - off,
		    "\"id\":\"a\",\"name\":\"x\",\"n\":9}");
		assert_non_null(run(a, big, v, &nerr, "n"));
		assert_int_equal(nerr, VALID_MAXERR - N + 1);
	}
	assert_true(valid_id("abc-_9", 1, 64));
	assert_false(valid_id("", 1, 64));
	assert_true(valid_id("", 0, 64));
	assert_false(valid_id("a.b", 1, 64));
	arena_free(a);
}

/* Calendar dates, ids with a NUL inside, time zones that are not zones. */
static void
test_typed_values(void **state)
{
	static const struct valid_field df[] = {
		{ "closed", VT_DATES, 0, 0, 8, NULL, "" },
		{ "ids", VT_IDLIST, 0, 0, 3, NULL, "" },
		{ "hours", VT_SLOTS, 0, 0, 8, NULL, "" },
	};
	static const struct { const char *json; int ok; } cases[] = {
		{ "{\"closed\":[{\"day\":\"2026-12-25\"}]}", 1 },
		{ "{\"closed\":[{\"day\":\"2024-02-29\"}]}", 1 },
		{ "{\"closed\":[{\"day\":\"2000-02-29\"}]}", 1 },
		{ "{\"closed\":[{\"day\":\"2026-02-31\"}]}", 0 },
		{ "{\"closed\":[{\"day\":\"2026-04-31\"}]}", 0 },
		{ "{\"closed\":[{\"day\":\"2100-02-29\"}]}", 0 },
		{ "{\"closed\":[{\"day\":\"2026- 1- 2\"}]}", 0 },
		{ "{\"closed\":[{\"day\":\"2026-1-02x\"}]}", 0 },
		{ "{\"closed\":[{\"day\":\"+026-01-02\"}]}", 0 },
		{ "{\"closed\":[{\"day\":\"2026-01-02\\u0000\"}]}", 0 },
		{ "{\"ids\":[\"a1\"]}", 1 },
		{ "{\"hours\":[{\"weekday\":1,\"start\":\"09:00\",\"end\":\"24:00\"}]}", 1 },
		{ "{\"hours\":[{\"weekday\":1,\"start\":\" 9:00\",\"end\":\"18:00\"}]}", 0 },
		{ "{\"hours\":[{\"weekday\":1,\"start\":\"+9:00\",\"end\":\"18:00\"}]}", 0 },
		{ "{\"hours\":[{\"weekday\":1,\"start\":\"09: 5\",\"end\":\"18:00\"}]}", 0 },
		{ "{\"hours\":[{\"weekday\":1,\"start\":\"09:00\",\"end\":\"24:01\"}]}", 0 },
		{ "{\"ids\":[\"a1\\u0000junk\"]}", 0 },
	};
	struct arena	*a = arena_new(1024);
	struct valid	 v;
	const char	*vals[3];
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct json_object *o = json_tokener_parse(cases[i].json);

		assert_non_null(o);
		valid_init(&v, a);
		valid_fields(&v, o, df, 3, vals);
		json_object_put(o);
		if ((v.nerr == 0) != cases[i].ok)
			fail_msg("%s: %zu errors", cases[i].json, v.nerr);
	}
	assert_true(tz_known("Asia/Shanghai"));
	assert_true(tz_known("UTC"));
	assert_false(tz_known("Asia"));		/* a directory */
	assert_false(tz_known("zone.tab"));	/* a table, not a zone */
	assert_false(tz_known("Asia/../Asia/Shanghai"));
	arena_free(a);
}

/* A long message (a quoted value) is cut between characters, never in one. */
static void
test_message_cut_on_character(void **state)
{
	struct arena	*a = arena_new(1024);
	struct valid	 v;
	char		 val[400];
	size_t		 i;

	(void)state;
	for (i = 0; i + 3 < sizeof(val); i += 3)
		memcpy(val + i, "售", 3);
	val[i] = '\0';
	for (i = 0; i < 3; i++) {	/* every offset of the cut */
		valid_init(&v, a);
		valid_fail(&v, "f", "%.*s%s", (int)i, "xyz", val);
		assert_int_equal(v.nerr, 1);
		assert_true(strlen(v.errs[0].message) >= 250);
		assert_true(utf8_valid(v.errs[0].message,
		    strlen(v.errs[0].message)));
	}
	arena_free(a);
}

/* Messages an operator reads: characters, 必填, the page's words. */
static void
test_messages(void **state)
{
	static const struct valid_field mf[] = {
		{ "id", VT_ID, VF_REQUIRED | VF_FIXED, 1, 8, NULL, NULL },
		{ "name", VT_TEXT, VF_REQUIRED, 1, 4, NULL, NULL },
		{ "code", VT_ID, 0, 3, 8, NULL, "abc" },
		{ "hours", VT_SLOTS, 0, 0, 2, NULL, "" },
		{ "closed", VT_DATES, 0, 0, 8, NULL, "" },
		{ "worked", VT_WORKDAYS, 0, 0, 8, NULL, "" },
	};
	static const struct { const char *json, *field, *message; } cases[] = {
		{ "{\"name\":\"x\"}", "id", "必填" },
		{ "{\"id\":\"\",\"name\":\"x\"}", "id", "必填" },
		{ "{\"id\":null,\"name\":\"x\"}", "id", "必填" },
		{ "{\"id\":\"a\",\"name\":\"\"}", "name", "必填" },
		{ "{\"id\":\"a\"}", "name", "必填" },
		{ "{\"id\":\"a b\",\"name\":\"x\"}", "id",
		    "只能用字母、数字、_ 或 -" },
		{ "{\"id\":\"123456789\",\"name\":\"x\"}", "id",
		    "最多 8 个字符" },
		{ "{\"id\":\"a\",\"name\":\"x\",\"code\":\"ab\"}", "code",
		    "至少 3 个字符" },
		{ "{\"id\":\"a\",\"name\":\"五个汉字啊\"}", "name",
		    "最多 4 个字" },
		{ "{\"id\":\"a\",\"name\":1}", "name", "应为文字" },
		{ "{\"id\":\"a\",\"name\":\"x\",\"hours\":{}}", "hours",
		    "应为营业时间段列表" },
		{ "{\"id\":\"a\",\"name\":\"x\",\"hours\":[1,2,3]}", "hours",
		    "最多 2 段" },
		{ "{\"id\":\"a\",\"name\":\"x\",\"hours\":[1]}", "hours",
		    "第 1 段应为一个时间段" },
		{ "{\"id\":\"a\",\"name\":\"x\",\"hours\":[{\"weekday\":1,"
		    "\"start\":\"09:00\",\"end\":\"18:00\"},{\"weekday\":7,"
		    "\"start\":\"09:00\",\"end\":\"18:00\"}]}", "hours",
		    "第 2 段:星期应为 0-6(0 是周日)" },
		{ "{\"id\":\"a\",\"name\":\"x\",\"hours\":[{\"weekday\":1,"
		    "\"start\":\"9:00\",\"end\":\"18:00\"}]}", "hours",
		    "第 1 段:开始时间应为 HH:MM(00:00-23:59)" },
		{ "{\"id\":\"a\",\"name\":\"x\",\"hours\":[{\"weekday\":1,"
		    "\"start\":\"09:00\",\"end\":\"18:60\"}]}", "hours",
		    "第 1 段:结束时间应为 HH:MM(00:00-24:00)" },
		{ "{\"id\":\"a\",\"name\":\"x\",\"hours\":[{\"weekday\":1,"
		    "\"start\":\"09:00\",\"end\":\"09:00\"}]}", "hours",
		    "第 1 段:开始和结束时间不能相同" },
		{ "{\"id\":\"a\",\"name\":\"x\",\"hours\":[{\"weekday\":1,"
		    "\"start\":\"09:00\",\"end\":\"18:00\",\"x\":1}]}", "hours",
		    "第 1 段:只能有星期、开始和结束时间" },
		{ "{\"id\":\"a\",\"name\":\"x\",\"closed\":[{\"day\":"
		    "\"2026-02-30\"}]}", "closed",
		    "第 1 天:日期应为 YYYY-MM-DD(如 2026-12-25)" },
		{ "{\"id\":\"a\",\"name\":\"x\",\"closed\":[{\"day\":"
		    "\"2026-12-25\"},{\"day\":\"2026-12-25\"}]}", "closed",
		    "第 2 天:2026-12-25 重复了" },
		{ "{\"id\":\"a\",\"name\":\"x\",\"closed\":[{\"day\":"
		    "\"2026-12-25\",\"note\":5}]}", "closed",
		    "第 1 天:备注应为文字" },
		{ "{\"id\":\"a\",\"name\":\"x\",\"worked\":[{\"day\":"
		    "\"2026-10-10\",\"start\":\"09:00\"}]}", "worked",
		    "第 1 个调休日:结束时间应为 HH:MM(00:00-24:00)" },
		{ "{\"id\":\"a\",\"name\":\"x\",\"worked\":[{\"day\":"
		    "\"2026-10-10\",\"start\":\"09:00\",\"end\":\"18:00\"},"
		    "{\"day\":\"2026-10-10\",\"start\":\"10:00\",\"end\":"
		    "\"12:00\"}]}", "worked", "第 2 个调休日:2026-10-10 重复了" },
		{ "{\"id\":\"a\",\"name\":\"x\",\"worked\":[{\"day\":"
		    "\"2026-10-10\",\"start\":\"09:00\",\"end\":\"18:00\","
		    "\"weekday\":6}]}", "worked",
		    "第 1 个调休日:只能有日期、开始时间、结束时间和备注" },
		{ "{\"id\":\"a\",\"name\":\"x\",\"worked\":[\"2026-10-10\"]}",
		    "worked", "第 1 个调休日应为日期和营业时间" },
		{ "{\"id\":\"a\",\"name\":\"x\",\"worked\":{}}", "worked",
		    "应为调休上班日列表" },
	};
	struct arena	*a = arena_new(4096);
	struct valid	 v;
	const char	*vals[6], *m;
	size_t		 i, j;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct json_object *o = json_tokener_parse(cases[i].json);

		assert_non_null(o);
		valid_init(&v, a);
		valid_fields(&v, o, mf, 6, vals);
		json_object_put(o);
		for (j = 0, m = NULL; j < v.nerr; j++)
			if (strcmp(v.errs[j].field, cases[i].field) == 0)
				m = v.errs[j].message;
		if (v.nerr != 1 || m == NULL || strcmp(m, cases[i].message))
			fail_msg("%s: %zu errors, %s: \"%s\"", cases[i].json,
			    v.nerr, cases[i].field, m ? m : "(none)");
	}
	arena_free(a);
}

/* Workdays: the text they become, notes counted in characters, clashes. */
static void
test_workdays(void **state)
{
	static const struct valid_field wf[] = {
		{ "closures", VT_DATES, 0, 0, 8, NULL, "" },
		{ "workdays", VT_WORKDAYS, 0, 0, 8, NULL, "" },
	};
	struct arena	*a = arena_new(4096);
	struct valid	 v;
	const char	*vals[2];
	char		 json[1024], note[256];
	size_t		 i;
	struct json_object *o;

	(void)state;
	o = json_tokener_parse("{\"closures\":[{\"day\":\"2026-10-01\","
	    "\"note\":\"国庆\"}],\"workdays\":[{\"day\":\"2026-10-10\","
	    "\"start\":\"09:00\",\"end\":\"18:00\",\"note\":\"调休\"},"
	    "{\"day\":\"2026-10-11\",\"start\":\"20:00\",\"end\":\"00:00\"},"
	    "{\"day\":\"2026-10-12\",\"start\":\"22:00\",\"end\":\"02:00\","
	    "\"note\":null}]}");
	valid_init(&v, a);
	valid_fields(&v, o, wf, 2, vals);
	json_object_put(o);
	assert_int_equal(v.nerr, 0);
	assert_string_equal(vals[0], "2026-10-01\t国庆");
	assert_string_equal(vals[1], "2026-10-10\t540\t1080\t调休\n"
	    "2026-10-11\t1200\t1440\t\n2026-10-12\t1320\t120\t");
	valid_day_clash(&v, "workdays", vals[0], vals[1]);
	assert_int_equal(v.nerr, 0);
	valid_day_clash(&v, "workdays", "2026-10-01\t\n2026-10-11\tx",
	    vals[1]);
	assert_int_equal(v.nerr, 1);
	assert_string_equal(v.errs[0].field, "workdays");
	assert_string_equal(v.errs[0].message,
	    "2026-10-11 已设为休息日,不能同时是调休上班日");
	valid_init(&v, a);
	valid_day_clash(&v, "workdays", NULL, vals[1]);
	valid_day_clash(&v, "workdays", vals[0], NULL);
	valid_day_clash(&v, "workdays", "", "");
	assert_int_equal(v.nerr, 0);
	/* 64 汉字 are a note; 65 are not (bytes do not count). */
	for (i = 0; i < 64; i++)
		memcpy(note + i * 3, "售", 3);
	note[192] = '\0';
	snprintf(json, sizeof(json), "{\"workdays\":[{\"day\":\"2026-10-10\","
	    "\"start\":\"09:00\",\"end\":\"18:00\",\"note\":\"%s\"}],"
	    "\"closures\":[{\"day\":\"2026-10-01\",\"note\":\"%s\"}]}", note,
	    note);
	o = json_tokener_parse(json);
	valid_init(&v, a);
	valid_fields(&v, o, wf, 2, vals);
	json_object_put(o);
	assert_int_equal(v.nerr, 0);
	snprintf(json, sizeof(json), "{\"workdays\":[{\"day\":\"2026-10-10\","
	    "\"start\":\"09:00\",\"end\":\"18:00\",\"note\":\"%s字\"}],"
	    "\"closures\":[{\"day\":\"2026-10-01\",\"note\":\"%sx\"}]}", note,
	    note);
	o = json_tokener_parse(json);
	valid_init(&v, a);
	valid_fields(&v, o, wf, 2, vals);
	json_object_put(o);
	assert_int_equal(v.nerr, 2);
	assert_string_equal(v.errs[0].message, "第 1 天:备注最多 64 个字");
	assert_string_equal(v.errs[1].message,
	    "第 1 个调休日:备注最多 64 个字");
	arena_free(a);
}

/* The audit filter's days: calendar days only, nothing around them. */
static void
test_day(void **state)
{
	(void)state;
	assert_true(valid_day("2031-03-02"));
	assert_true(valid_day("2028-02-29"));
	assert_false(valid_day("2027-02-29"));
	assert_false(valid_day("2031-3-02"));
	assert_false(valid_day("2031-03-02 "));
	assert_false(valid_day("2031-03-0"));
	assert_false(valid_day("2031-13-01"));
	assert_false(valid_day("1999-12-31"));
	assert_false(valid_day(""));
}

/* json through the lifecycle settings' table into v and vals. */
static void
life(struct arena *a, const char *json, struct valid *v, const char **vals)
{
	struct json_object	*o = json_tokener_parse(json);

	assert_non_null(o);
	valid_init(v, a);
	valid_fields(v, o, lifeset_fields, LS__N, vals);
	json_object_put(o);
}

/*
 * An entry's lifecycle settings (lifeset.h), as the admin API and kfctl
 * check them: null is the default, a boolean may be null too, the ends
 * of each range pass, one past them does not; each default is the
 * config's, the environment included.
 */
static void
test_lifeset(void **state)
{
	struct arena		*a = arena_new(1024);
	struct valid		 v;
	struct cfg		 c;
	const char		*vals[LS__N];
	char			 err[256];
	size_t			 i;

	(void)state;
	life(a, "{\"widen_after_s\":null,\"take_back\":null,"
	    "\"reroute_after_s\":86400,\"busy_after_misses\":0,"
	    "\"queue_max\":100000,\"queue_notice_step\":1000,"
	    "\"leave_message\":true}", &v, vals);
	assert_int_equal(v.nerr, 0);
	assert_null(vals[LS_WIDEN]);
	assert_null(vals[LS_TAKE_BACK]);
	assert_string_equal(vals[LS_REROUTE], "86400");
	assert_string_equal(vals[LS_BUSY_MISSES], "0");
	assert_string_equal(vals[LS_QUEUE_MAX], "100000");
	assert_string_equal(vals[LS_QUEUE_STEP], "1000");
	assert_string_equal(vals[LS_LEAVE_MESSAGE], "1");
	life(a, "{\"widen_after_s\":86401,\"take_back\":1,"
	    "\"reroute_after_s\":-1,\"busy_after_misses\":101,"
	    "\"queue_max\":100001,\"queue_notice_step\":\"5\","
	    "\"leave_message\":\"true\"}", &v, vals);
	assert_int_equal(v.nerr, LS__N);
	for (i = 0; i < LS__N; i++) {
		assert_string_equal(v.errs[i].field, lifeset_fields[i].name);
		assert_null(vals[i]);
	}
	assert_string_equal(v.errs[LS_WIDEN].message,
	    "应为 0 到 86400 之间的整数");
	assert_string_equal(v.errs[LS_TAKE_BACK].message, "应为 true 或 false");
	/* absent: NULL, the default */
	life(a, "{}", &v, vals);
	assert_int_equal(v.nerr, 0);
	for (i = 0; i < LS__N; i++)
		assert_null(vals[i]);
	setenv("KFROUTE_LIFECYCLE_QUEUE_MAX", "12", 1);
	assert_int_equal(cfg_load(&c, NULL, err, sizeof(err)), 0);
	unsetenv("KFROUTE_LIFECYCLE_QUEUE_MAX");
	assert_int_equal(lifeset_default(&c, LS_QUEUE_MAX), 12);
	assert_int_equal(lifeset_default(&c, LS_TAKE_BACK), 1);
	assert_int_equal(lifeset_default(&c, LS_LEAVE_MESSAGE), 0);
	assert_int_equal(lifeset_default(&c, LS_WIDEN), 0);
	cfg_free(&c);
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_and_defaults),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_message_cut_on_character),
		cmocka_unit_test(test_typed_values),
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_workdays),
		cmocka_unit_test(test_day),
		cmocka_unit_test(test_lifeset),
	};

	return cmocka_run_group_tests_name("valid", tests, NULL, NULL);
}
