#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "arena.h"
#include "buf.h"
#include "utf8.h"
#include "util.h"
#include "valid.h"

#define ID_CHARS	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
			"0123456789_-"

void
valid_init(struct valid *v, struct arena *a)
{
	memset(v, 0, sizeof(*v));
	v->arena = a;
}

void
valid_fail(struct valid *v, const char *field, const char *fmt, ...)
{
	char	 msg[256];
	va_list	 ap;

	if (v->nerr == VALID_MAXERR || valid_has(v, field))
		return;		/* the first problem per field is enough */
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* A long quoted value may be cut mid-character: cut before it. */
	msg[utf8_prefix(msg, strlen(msg), sizeof(msg) - 1)] = '\0';
	v->errs[v->nerr].field = field;
	v->errs[v->nerr++].message = arena_strdup(v->arena, msg);
}

int
valid_has(const struct valid *v, const char *field)
{
	size_t	 i;

	for (i = 0; i < v->nerr; i++)
		if (strcmp(v->errs[i].field, field) == 0)
			return 1;
	return 0;
}

int
valid_id(const char *s, size_t min, size_t max)
{
	size_t	 n = strlen(s);

	if (n < min || n > max)
		return 0;
	return n == 0 || util_id_valid(s, n);
}

int
valid_search(const char *s)
{
	size_t	 i, n = 0, len = strlen(s);

	if (!utf8_valid(s, len))
		return 0;
	for (i = 0; i < len; i += utf8_char(s + i, len - i))
		n++;
	return n >= 1 && n <= 64;
}

void
valid_known(struct valid *v, struct json_object *obj,
    const struct valid_field *f, size_t n, const char *const *extra)
{
	size_t	 i, unknown = 0;
	int	 known;

	json_object_object_foreach(obj, key, val) {
		(void)val;
		known = 0;
		for (i = 0; i < n && !known; i++)
			known = strcmp(f[i].name, key) == 0;
		for (i = 0; extra != NULL && extra[i] != NULL && !known; i++)
			known = strcmp(extra[i], key) == 0;
		/*
		 * Unknown keys must not crowd out the declared fields' own
		 * errors ("every bad field at once"): room is kept for each.
		 */
		if (!known && unknown++ + n < VALID_MAXERR)
			valid_fail(v, arena_strdup(v->arena, key), "未知字段");
	}
}

/* Characters in s[0..n), or -1 when it is not well-formed UTF-8. */
static long long
chars(const char *s, size_t n)
{
	size_t		 i, k;
	long long	 c = 0;

	for (i = 0; i < n; i += k, c++)
		if ((k = utf8_char(s + i, n - i)) == 0)
			return -1;
	return c;
}

/*
 * A length outside min..max, said as the operator counts: characters, as
 * the database's columns do (VARCHAR(64) holds 64 汉字, not 64 bytes).
 */
static void
length_fail(struct valid *v, const char *field, const char *what,
    long long n, long long min, long long max)
{
	if (n == 0 && min > 0)
		valid_fail(v, field, "必填");
	else if (n < min)
		valid_fail(v, field, "至少 %lld 个%s", min, what);
	else
		valid_fail(v, field, "最多 %lld 个%s", max, what);
}

/* A JSON string without NUL or control characters, min..max characters. */
static const char *
text(struct valid *v, const struct valid_field *f, struct json_object *o)
{
	const char	*s;
	size_t		 n, i;
	long long	 c;

	if (!json_object_is_type(o, json_type_string)) {
		valid_fail(v, f->name, "应为文字");
		return NULL;
	}
	s = json_object_get_string(o);
	n = (size_t)json_object_get_string_len(o);
	if (strlen(s) != n) {
		valid_fail(v, f->name, "不能含控制字符");
		return NULL;
	}
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
			valid_fail(v, f->name, "不能含控制字符");
			return NULL;
		}
	if ((c = chars(s, n)) < 0) {
		valid_fail(v, f->name, "含有无效的字符");
		return NULL;
	}
	if (c < f->min || c > f->max) {
		length_fail(v, f->name, "字", c, f->min, f->max);
		return NULL;
	}
	return arena_strndup(v->arena, s, n);
}

static const char *
id(struct valid *v, const struct valid_field *f, struct json_object *o)
{
	const char	*s;
	size_t		 n;

	if (!json_object_is_type(o, json_type_string)) {
		valid_fail(v, f->name, "应为文字");
		return NULL;
	}
	s = json_object_get_string(o);
	n = (size_t)json_object_get_string_len(o);
	if (*s == '\0' && n == 0 && (f->flags & VF_NULLABLE))
		return NULL;
	/* Ids are ASCII: characters and bytes are one. */
	if (n != strlen(s) || strspn(s, ID_CHARS) != n) {
		valid_fail(v, f->name, "只能用字母、数字、_ 或 -");
		return NULL;
	}
	if ((long long)n < f->min || (long long)n > f->max) {
		length_fail(v, f->name, "字符", (long long)n, f->min, f->max);
		return NULL;
	}
	return arena_strdup(v->arena, s);
}

static const char *
integer(struct valid *v, const struct valid_field *f, struct json_object *o)
{
	int64_t	 n;
	char	 num[24];

	/* json-c clamps huge numbers to INT64_MAX: the range check below
	 * still rejects them. */
	if (!json_object_is_type(o, json_type_int) ||
	    (n = json_object_get_int64(o)) < f->min || n > f->max) {
		valid_fail(v, f->name, "应为 %lld 到 %lld 之间的整数", f->min,
		    f->max);
		return NULL;
	}
	snprintf(num, sizeof(num), "%lld", (long long)n);
	return arena_strdup(v->arena, num);
}

static const char *
choice(struct valid *v, const struct valid_field *f, struct json_object *o)
{
	struct buf	 all = { 0 };
	const char	*s, *msg;
	size_t		 i;

	/* The whole string: "page\u0000junk" is not "page". */
	if (json_object_is_type(o, json_type_string) &&
	    strlen(s = json_object_get_string(o)) ==
	    (size_t)json_object_get_string_len(o)) {
		for (i = 0; f->names[i] != NULL; i++)
			if (strcmp(f->names[i], s) == 0)
				return f->names[i];
	}
	for (i = 0; f->names[i] != NULL; i++)
		buf_printf(&all, "%s%s", i ? ", " : "", f->names[i]);
	msg = buf_str(&all);
	valid_fail(v, f->name, "应为以下之一:%s", msg);
	buf_free(&all);
	return NULL;
}

static const char *
idlist(struct valid *v, const struct valid_field *f, struct json_object *o)
{
	struct buf	 out = { 0 };
	const char	*s, *res = NULL;
	size_t		 i, j, n;

	if (!json_object_is_type(o, json_type_array)) {
		valid_fail(v, f->name, "应为 ID 数组");
		return NULL;
	}
	if ((n = json_object_array_length(o)) > (size_t)f->max) {
		valid_fail(v, f->name, "最多 %lld 项", f->max);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		struct json_object *it = json_object_array_get_idx(o, i);

		if (!json_object_is_type(it, json_type_string) ||
		    !util_id_valid(s = json_object_get_string(it),
		    (size_t)json_object_get_string_len(it))) {
			valid_fail(v, f->name, "第 %zu 项不是有效的 ID", i + 1);
			goto done;
		}
		for (j = 0; j < i; j++)
			if (strcmp(s, json_object_get_string(
			    json_object_array_get_idx(o, j))) == 0) {
				valid_fail(v, f->name, "%s 重复出现", s);
				goto done;
			}
		buf_printf(&out, "%s%s", i ? "," : "", s);
	}
	res = arena_strdup(v->arena, buf_str(&out));
done:
	buf_free(&out);
	return res;
}

/* "HH:MM" as minutes after midnight; 24:00 only when end is set. */
static int
hhmm(struct json_object *o, int end)
{
	const char	*s;
	int		 h, m;

	/* Digits exactly where they belong: no " 9:00", "+9:00", "09: 5". */
	if (!json_object_is_type(o, json_type_string) ||
	    json_object_get_string_len(o) != 5 ||
	    strspn(s = json_object_get_string(o), "0123456789") != 2 ||
	    s[2] != ':' || strspn(s + 3, "0123456789") != 2)
		return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && (m != 0 || !end)))
		return -1;
	return h * 60 + m;
}

/* Members of an array of objects, each with exactly these keys. */
static struct json_object *
member(struct json_object *it, const char *key)
{
	struct json_object	*o = NULL;

	if (json_object_is_type(it, json_type_object))
		json_object_object_get_ex(it, key, &o);
	return o;
}

/* 1 when every key of the object it is one of keys (NULL-terminated). */
static int
only_keys(struct json_object *it, const char *const *keys)
{
	size_t	 i;
	int	 found;

	json_object_object_foreach(it, key, val) {
		(void)val;
		for (i = 0, found = 0; keys[i] != NULL && !found; i++)
			found = strcmp(keys[i], key) == 0;
		if (!found)
			return 0;
	}
	return 1;
}

/*
 * 0 with *n the length of list field o, or -1 having failed: what names
 * the list ("应为营业时间段列表"), unit its items ("最多 70 段").
 */
static int
list_of(struct valid *v, const struct valid_field *f, struct json_object *o,
    const char *what, const char *unit, size_t *n)
{
	if (!json_object_is_type(o, json_type_array)) {
		valid_fail(v, f->name, "应为%s列表", what);
		return -1;
	}
	if ((*n = json_object_array_length(o)) > (size_t)f->max) {
		valid_fail(v, f->name, "最多 %lld %s", f->max, unit);
		return -1;
	}
	return 0;
}

/*
 * A window's start and end ("HH:MM") of item it, said as "第 1 段:…";
 * 0 with *start and *end (end 00:00 as 1440: midnight), or -1 having
 * failed.
 */
static int
window(struct valid *v, const char *field, const char *item,
    struct json_object *it, int *start, int *end)
{
	if ((*start = hhmm(member(it, "start"), 0)) < 0) {
		valid_fail(v, field, "%s:开始时间应为 HH:MM(00:00-23:59)",
		    item);
		return -1;
	}
	if ((*end = hhmm(member(it, "end"), 1)) < 0) {
		valid_fail(v, field, "%s:结束时间应为 HH:MM(00:00-24:00)",
		    item);
		return -1;
	}
	if (*start == *end) {
		valid_fail(v, field, "%s:开始和结束时间不能相同", item);
		return -1;
	}
	/* end before start runs past midnight; 00:00 as end is 24:00 */
	if (*end == 0)
		*end = 1440;
	return 0;
}

static const char *
slots(struct valid *v, const struct valid_field *f, struct json_object *o)
{
	static const char *const keys[] = { "weekday", "start", "end", NULL };
	struct buf	 out = { 0 };
	const char	*res = NULL;
	char		 item[32];
	size_t		 i, n;
	int		 wd, start, end;

	if (list_of(v, f, o, "营业时间段", "段", &n) == -1)
		return NULL;
	for (i = 0; i < n; i++) {
		struct json_object *it = json_object_array_get_idx(o, i);
		struct json_object *w = member(it, "weekday");

		snprintf(item, sizeof(item), "第 %zu 段", i + 1);
		if (!json_object_is_type(it, json_type_object)) {
			valid_fail(v, f->name, "%s应为一个时间段", item);
			goto done;
		}
		if (!only_keys(it, keys)) {
			valid_fail(v, f->name, "%s:只能有星期、开始和结束时间",
			    item);
			goto done;
		}
		if (w == NULL || !json_object_is_type(w, json_type_int) ||
		    (wd = json_object_get_int(w)) < 0 || wd > 6) {
			valid_fail(v, f->name, "%s:星期应为 0-6(0 是周日)",
			    item);
			goto done;
		}
		if (window(v, f->name, item, it, &start, &end) == -1)
			goto done;
		buf_printf(&out, "%s%d %d %d", i ? ";" : "", wd, start, end);
	}
	res = arena_strdup(v->arena, buf_str(&out));
done:
	buf_free(&out);
	return res;
}

/*
 * 1 when s is "YYYY-MM-DD", digits only, a day of the calendar (leap years
 * included) in 2000..2200: what MariaDB's DATE takes without complaint.
 */
static int
calendar_day(const char *s)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int	 i, y, m, d, leap;

	for (i = 0; i < 10; i++)
		if ((i == 4 || i == 7) ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			return 0;
	if (s[10] != '\0')
		return 0;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 2000 || y > 2200 || m < 1 || m > 12 || d < 1)
		return 0;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= mdays[m - 1] + (m == 2 && leap);
}

/*
 * The day of item it ("第 1 天"), and its note: optional text of at most
 * 64 characters (the column's), no control characters. 0, or -1 having
 * failed. *day points into it.
 */
static int
day_and_note(struct valid *v, const char *field, const char *item,
    struct json_object *it, const char **day, const char **note,
    size_t *nlen)
{
	struct json_object	*dj = member(it, "day"), *nj = member(it, "note");
	size_t			 i;
	long long		 c;

	if (dj == NULL || !json_object_is_type(dj, json_type_string) ||
	    json_object_get_string_len(dj) != 10 ||
	    !calendar_day(*day = json_object_get_string(dj))) {
		valid_fail(v, field, "%s:日期应为 YYYY-MM-DD(如 2026-12-25)",
		    item);
		return -1;
	}
	*note = "";
	*nlen = 0;
	if (nj == NULL || json_object_is_type(nj, json_type_null))
		return 0;
	if (!json_object_is_type(nj, json_type_string)) {
		valid_fail(v, field, "%s:备注应为文字", item);
		return -1;
	}
	*note = json_object_get_string(nj);
	*nlen = (size_t)json_object_get_string_len(nj);
	for (i = 0; i < *nlen; i++)
		if ((unsigned char)(*note)[i] < 0x20 || (*note)[i] == 0x7f) {
			valid_fail(v, field, "%s:备注不能含控制字符", item);
			return -1;
		}
	if ((c = chars(*note, *nlen)) < 0) {
		valid_fail(v, field, "%s:备注含有无效的字符", item);
		return -1;
	}
	if (c > 64) {
		valid_fail(v, field, "%s:备注最多 64 个字", item);
		return -1;
	}
	return 0;
}

/* 1 when an item before the i-th of array o has the same "day". */
static int
day_repeated(struct json_object *o, size_t i, const char *day)
{
	size_t	 j;

	for (j = 0; j < i; j++)
		if (strcmp(day, json_object_get_string(member(
		    json_object_array_get_idx(o, j), "day"))) == 0)
			return 1;
	return 0;
}

static const char *
dates(struct valid *v, const struct valid_field *f, struct json_object *o)
{
	static const char *const keys[] = { "day", "note", NULL };
	struct buf	 out = { 0 };
	const char	*res = NULL, *day, *note;
	char		 item[32];
	size_t		 i, n, nlen;

	if (list_of(v, f, o, "休息日", "天", &n) == -1)
		return NULL;
	for (i = 0; i < n; i++) {
		struct json_object *it = json_object_array_get_idx(o, i);

		snprintf(item, sizeof(item), "第 %zu 天", i + 1);
		if (!json_object_is_type(it, json_type_object)) {
			valid_fail(v, f->name, "%s应为一个日期", item);
			goto done;
		}
		if (!only_keys(it, keys)) {
			valid_fail(v, f->name, "%s:只能有日期和备注", item);
			goto done;
		}
		if (day_and_note(v, f->name, item, it, &day, &note, &nlen) ==
		    -1)
			goto done;
		if (day_repeated(o, i, day)) {
			valid_fail(v, f->name, "%s:%s 重复了", item, day);
			goto done;
		}
		buf_printf(&out, "%s%s\t%.*s", i ? "\n" : "", day, (int)nlen,
		    note);
	}
	res = arena_strdup(v->arena, buf_str(&out));
done:
	buf_free(&out);
	return res;
}

static const char *
workdays(struct valid *v, const struct valid_field *f, struct json_object *o)
{
	static const char *const keys[] = { "day", "start", "end", "note",
	    NULL };
	struct buf	 out = { 0 };
	const char	*res = NULL, *day, *note;
	char		 item[40];
	size_t		 i, n, nlen;
	int		 start, end;

	if (list_of(v, f, o, "调休上班日", "天", &n) == -1)
		return NULL;
	for (i = 0; i < n; i++) {
		struct json_object *it = json_object_array_get_idx(o, i);

		snprintf(item, sizeof(item), "第 %zu 个调休日", i + 1);
		if (!json_object_is_type(it, json_type_object)) {
			valid_fail(v, f->name, "%s应为日期和营业时间", item);
			goto done;
		}
		if (!only_keys(it, keys)) {
			valid_fail(v, f->name, "%s:只能有日期、开始时间、"
			    "结束时间和备注", item);
			goto done;
		}
		if (day_and_note(v, f->name, item, it, &day, &note, &nlen) ==
		    -1 || window(v, f->name, item, it, &start, &end) == -1)
			goto done;
		if (day_repeated(o, i, day)) {
			valid_fail(v, f->name, "%s:%s 重复了", item, day);
			goto done;
		}
		buf_printf(&out, "%s%s\t%d\t%d\t%.*s", i ? "\n" : "", day,
		    start, end, (int)nlen, note);
	}
	res = arena_strdup(v->arena, buf_str(&out));
done:
	buf_free(&out);
	return res;
}

/* The line after s's first, or NULL when s has no other. */
static const char *
next_line(const char *s)
{
	const char	*nl = strchr(s, '\n');

	return nl != NULL ? nl + 1 : NULL;
}

void
valid_day_clash(struct valid *v, const char *field, const char *closures,
    const char *worked)
{
	const char	*w, *c;

	/* Both are "YYYY-MM-DD..." lines: compare the first ten bytes. */
	for (w = worked; w != NULL && *w != '\0'; w = next_line(w))
		for (c = closures; c != NULL && *c != '\0'; c = next_line(c))
			if (strncmp(w, c, 10) == 0) {
				valid_fail(v, field, "%.10s 已设为休息日,"
				    "不能同时是调休上班日", w);
				return;
			}
}

static const char *
one(struct valid *v, const struct valid_field *f, struct json_object *o)
{
	if (o == NULL || json_object_is_type(o, json_type_null)) {
		if (!(f->flags & VF_NULLABLE))
			valid_fail(v, f->name, (f->flags & VF_REQUIRED) ?
			    "必填" : "不能为空");
		return NULL;
	}
	switch (f->type) {
	case VT_ID:
		return id(v, f, o);
	case VT_TEXT:
		return text(v, f, o);
	case VT_INT:
		return integer(v, f, o);
	case VT_BOOL:
		if (!json_object_is_type(o, json_type_boolean)) {
			valid_fail(v, f->name, "应为 true 或 false");
			return NULL;
		}
		return json_object_get_boolean(o) ? "1" : "0";
	case VT_ENUM:
		return choice(v, f, o);
	case VT_IDLIST:
		return idlist(v, f, o);
	case VT_SLOTS:
		return slots(v, f, o);
	case VT_DATES:
		return dates(v, f, o);
	case VT_WORKDAYS:
		return workdays(v, f, o);
	}
	return NULL;
}

void
valid_fields(struct valid *v, struct json_object *obj,
    const struct valid_field *f, size_t n, const char **vals)
{
	struct json_object	*o;
	size_t			 i;

	for (i = 0; i < n; i++) {
		if (!json_object_object_get_ex(obj, f[i].name, &o)) {
			if (f[i].flags & VF_REQUIRED)
				valid_fail(v, f[i].name, "必填");
			vals[i] = f[i].dflt;
			continue;
		}
		vals[i] = one(v, &f[i], o);
	}
}

int
valid_day(const char *s)
{
	return strlen(s) == 10 && calendar_day(s);
}
