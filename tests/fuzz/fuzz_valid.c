/*
 * Admin input validation (valid.c) with the admin API's own field tables
 * (admin_crud_fields(): ids, text, ints, bools, enums, id lists, opening
 * hours, closed days, make-up working days). The first byte picks the
 * collection; the rest is
 * the JSON body, parsed as the admin program does (jsonin, depth 16).
 *
 * Invariants: at most VALID_MAXERR errors, one per field, each message
 * valid UTF-8 under 256 bytes; every field without an error has a value
 * of its declared type within its bounds (or its default, or NULL where
 * allowed); the errors render as one strict JSON object.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "admin_int.h"
#include "arena.h"
#include "buf.h"
#include "check.h"
#include "jsonin.h"
#include "jsonw.h"
#include "utf8.h"
#include "util.h"
#include "valid.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const colls[] = {
	"entries", "agents", "groups", "rules", "schedules", "customers",
	"orders",
};
#define NCOLLS	(sizeof(colls) / sizeof(colls[0]))

static long long
number(const char *s)
{
	long long	 v;
	int		 neg = *s == '-';

	CHECK(util_parse_llong(s + neg, 0, 999999999999999LL, &v) == 0);
	return neg ? -v : v;
}

/* "a,b,c": distinct ids, at most max. */
static void
check_idlist(const char *s, long long max)
{
	char		*copy = strdup(s), *p, *save = NULL;
	const char	*seen[1024];
	size_t		 n = 0, i;

	CHECK(copy != NULL);
	for (p = strtok_r(copy, ",", &save); p != NULL;
	    p = strtok_r(NULL, ",", &save)) {
		CHECK(util_id_valid(p, strlen(p)));
		for (i = 0; i < n; i++)
			CHECK(strcmp(seen[i], p) != 0);
		CHECK(n < sizeof(seen) / sizeof(seen[0]));
		seen[n++] = p;
	}
	CHECK((long long)n <= max);
	free(copy);
}

/* "wd start end;...": 0-6, minutes, start != end, at most max. */
static void
check_slots(const char *s, long long max)
{
	long long	 n = 0;
	int		 wd, start, end, used;

	while (*s != '\0') {
		CHECK(sscanf(s, "%d %d %d%n", &wd, &start, &end, &used) == 3);
		CHECK(wd >= 0 && wd <= 6 && start >= 0 && start < 1440 &&
		    end >= 1 && end <= 1440 && start != end);
		s += used;
		CHECK(*s == '\0' || *s == ';');
		if (*s == ';')
			s++;
		n++;
	}
	CHECK(n <= max);
}

/* Characters of well-formed UTF-8 s[0..n). */
static long long
chars(const char *s, size_t n)
{
	size_t		 i, k;
	long long	 c = 0;

	for (i = 0; i < n; i += k, c++)
		CHECK((k = utf8_char(s + i, n - i)) > 0);
	return c;
}

/* A note: at most 64 characters, no control characters. */
static void
check_note(const char *q, const char *end)
{
	CHECK(chars(q, (size_t)(end - q)) <= 64);
	for (; q < end; q++)
		CHECK((unsigned char)*q >= 0x20 && *q != 0x7f);
}

/* "YYYY-MM-DD\tnote\n...": distinct days, notes without controls. */
static void
check_dates(const char *s, long long max)
{
	const char	*line, *nl, *tab;
	long long	 n = 0;
	size_t		 i;

	for (line = s; *line != '\0'; line = *nl ? nl + 1 : nl) {
		nl = line + strcspn(line, "\n");
		tab = memchr(line, '\t', (size_t)(nl - line));
		CHECK(tab == line + 10);
		for (i = 0; i < 10; i++)
			CHECK(i == 4 || i == 7 ? line[i] == '-' :
			    (line[i] >= '0' && line[i] <= '9'));
		check_note(tab + 1, nl);
		for (const char *o = s; o < line; o = strchr(o, '\n') + 1)
			CHECK(memcmp(o, line, 10) != 0);
		n++;
	}
	CHECK(n <= max);
}

/* "YYYY-MM-DD\tstart\tend\tnote\n...": distinct days, windows as slots. */
static void
check_workdays(const char *s, long long max)
{
	const char	*line, *nl;
	long long	 n = 0;
	int		 start, end, used;
	size_t		 i;

	for (line = s; *line != '\0'; line = *nl ? nl + 1 : nl) {
		nl = line + strcspn(line, "\n");
		for (i = 0; i < 10; i++)
			CHECK(i == 4 || i == 7 ? line[i] == '-' :
			    (line[i] >= '0' && line[i] <= '9'));
		CHECK(line[10] == '\t');
		CHECK(sscanf(line + 11, "%d\t%d\t%n", &start, &end, &used) ==
		    2);
		CHECK(start >= 0 && start < 1440 && end >= 1 && end <= 1440 &&
		    start != end);
		CHECK(line + 11 + used <= nl);
		check_note(line + 11 + used, nl);
		for (const char *o = s; o < line; o = strchr(o, '\n') + 1)
			CHECK(memcmp(o, line, 10) != 0);
		n++;
	}
	CHECK(n <= max);
}

/* No day both in closures and in workdays (both validated texts). */
static void
check_no_clash(const char *closures, const char *workdays)
{
	const char	*w, *c;

	for (w = workdays; *w != '\0'; w = strchr(w, '\n') ?
	    strchr(w, '\n') + 1 : "")
		for (c = closures; *c != '\0'; c = strchr(c, '\n') ?
		    strchr(c, '\n') + 1 : "")
			CHECK(memcmp(w, c, 10) != 0);
}

static void
check_value(const struct valid_field *f, const char *v)
{
	size_t	 n, i;
	int	 found = 0;

	if (v == NULL) {
		CHECK((f->flags & VF_NULLABLE) || f->dflt == NULL);
		return;
	}
	if (f->dflt != NULL && strcmp(v, f->dflt) == 0)
		return;		/* absent: the default */
	n = strlen(v);
	switch (f->type) {
	case VT_ID:
		CHECK(valid_id(v, (size_t)f->min, (size_t)f->max));
		break;
	case VT_TEXT:
		CHECK(utf8_valid(v, n));
		CHECK(chars(v, n) >= f->min && chars(v, n) <= f->max);
		for (i = 0; i < n; i++)
			CHECK((unsigned char)v[i] >= 0x20 && v[i] != 0x7f);
		break;
	case VT_INT:
		CHECK(number(v) >= f->min && number(v) <= f->max);
		break;
	case VT_BOOL:
		CHECK(strcmp(v, "0") == 0 || strcmp(v, "1") == 0);
		break;
	case VT_ENUM:
		for (i = 0; f->names[i] != NULL; i++)
			found |= strcmp(f->names[i], v) == 0;
		CHECK(found);
		break;
	case VT_IDLIST:
		check_idlist(v, f->max);
		break;
	case VT_SLOTS:
		check_slots(v, f->max);
		break;
	case VT_DATES:
		check_dates(v, f->max);
		break;
	case VT_WORKDAYS:
		check_workdays(v, f->max);
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const extra[] = { "version", NULL };
	const struct valid_field *f;
	struct json_object	*o;
	struct arena		*a;
	struct valid		 v;
	struct buf		 b = { 0 };
	struct jsonw		 w;
	const char		*vals[32], *audit;
	size_t			 n, i, closed = 0, worked = 0;
	char			*s;

	if (size == 0)
		return 0;
	f = admin_crud_fields(colls[data[0] % NCOLLS], &n, &audit);
	CHECK(f != NULL && n <= sizeof(vals) / sizeof(vals[0]));
	s = fuzz_dup(data + 1, size - 1);
	if (jsonin_object(s, size - 1, 16, &o) != JSONIN_OK) {
		free(s);
		return 0;
	}
	a = arena_new(1024);
	valid_init(&v, a);
	valid_known(&v, o, f, n, extra);
	valid_fields(&v, o, f, n, vals);
	/* As the schedules' check does: a day closed and worked fails. */
	for (i = 0; i < n; i++) {
		if (f[i].type == VT_DATES)
			closed = i;
		if (f[i].type == VT_WORKDAYS)
			worked = i;
	}
	if (worked > 0)
		valid_day_clash(&v, f[worked].name, vals[closed], vals[worked]);

	CHECK(v.nerr <= VALID_MAXERR);
	jsonw_init(&w, &b);
	jsonw_obj_open(&w);
	for (i = 0; i < v.nerr; i++) {
		CHECK(v.errs[i].field != NULL && v.errs[i].message != NULL);
		CHECK(strlen(v.errs[i].message) < 256);
		CHECK(utf8_valid(v.errs[i].message,
		    strlen(v.errs[i].message)));
		for (size_t j = 0; j < i; j++)
			CHECK(strcmp(v.errs[i].field, v.errs[j].field) != 0);
		jsonw_key(&w, v.errs[i].field);
		jsonw_str(&w, v.errs[i].message);
	}
	jsonw_obj_close(&w);
	CHECK(fuzz_json_object(buf_str(&b), b.len));
	for (i = 0; i < n; i++)
		if (!valid_has(&v, f[i].name))
			check_value(&f[i], vals[i]);
	if (worked > 0 && !valid_has(&v, f[worked].name) &&
	    !valid_has(&v, f[closed].name) && vals[closed] != NULL &&
	    vals[worked] != NULL)
		check_no_clash(vals[closed], vals[worked]);

	buf_free(&b);
	json_object_put(o);
	arena_free(a);
	free(s);
	return 0;
}
