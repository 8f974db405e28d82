/*
 * CSV as spreadsheets write it (csv.c): csv_parse() on an exact-size copy,
 * then the export writer csv_cell() on what it read.
 *
 * Invariants: an error has a reason and a line within the text; rows
 * have 1..CSV_MAX_FIELDS fields without NUL, and start on nondecreasing
 * lines; writing the rows back with csv_cell() (after a BOM, as the
 * export does) and importing that text (csv_parse + csv_unguard) gives
 * the same fields, whatever they hold: formula guard included; at most
 * CSV_MAX_RECORDS rows; after
 * csv_tidy() no row is all empty and no column is empty in every row.
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "check.h"
#include "csv.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* A row that writes as an empty line: CSV cannot tell it from none. */
static int
blank(const struct csv_row *r)
{
	return r->n == 1 && r->f[0][0] == '\0';
}

static void
check_roundtrip(struct arena *a, const struct csv *c)
{
	struct buf	 b = { 0 };
	struct csv	 d;
	const char	*why = NULL;
	size_t		 i, j, k, line;

	buf_puts(&b, "\xEF\xBB\xBF");
	for (i = 0; i < c->n; i++) {
		if (blank(&c->rows[i]))
			continue;
		for (j = 0; j < c->rows[i].n; j++)
			csv_cell(&b, c->rows[i].f[j], j == 0);
		buf_puts(&b, "\r\n");
	}
	CHECK(csv_parse(a, buf_str(&b), b.len, &d, &line, &why) == 0);
	for (i = 0, k = 0; i < c->n; i++) {
		if (blank(&c->rows[i]))
			continue;
		CHECK(k < d.n && d.rows[k].n == c->rows[i].n);
		for (j = 0; j < c->rows[i].n; j++)
			CHECK(strcmp(csv_unguard(d.rows[k].f[j]),
			    c->rows[i].f[j]) == 0);
		k++;
	}
	CHECK(k == d.n);
	buf_free(&b);
}

/* After csv_tidy(): no row all empty, no column empty in every row. */
static void
check_tidy(struct csv *c)
{
	size_t	 i, j, n = c->n, width = 0;
	int	 used[CSV_MAX_FIELDS] = { 0 };

	csv_tidy(c);
	CHECK(c->n <= n);
	for (i = 0; i < c->n; i++) {
		CHECK(c->rows[i].n >= 1);
		CHECK(i == 0 || c->rows[i].line > c->rows[i - 1].line);
		for (j = 0; j < c->rows[i].n; j++)
			used[j] |= c->rows[i].f[j][0] != '\0';
		for (j = 0; j < c->rows[i].n &&
		    c->rows[i].f[j][0] == '\0'; j++)
			;
		CHECK(j < c->rows[i].n);
		if (c->rows[i].n > width)
			width = c->rows[i].n;
	}
	for (j = 0; j < width; j++)
		CHECK(used[j]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena	*a = arena_new(4096);
	char		*s = fuzz_dup(data, size);
	struct csv	 c;
	const char	*why = NULL;
	size_t		 line = 0, i, j, lines = 1;

	/* CRLF, CR and LF each end a line */
	for (i = 0; i < size; i++)
		lines += s[i] == '\n' || (s[i] == '\r' && (i + 1 == size ||
		    s[i + 1] != '\n'));
	if (csv_parse(a, s, size, &c, &line, &why) == -1) {
		CHECK(why != NULL && line >= 1 && line <= lines);
		goto done;
	}
	CHECK(c.n <= CSV_MAX_RECORDS);
	for (i = 0; i < c.n; i++) {
		CHECK(c.rows[i].n >= 1 && c.rows[i].n <= CSV_MAX_FIELDS);
		CHECK(c.rows[i].line >= 1 && c.rows[i].line <= lines);
		CHECK(i == 0 || c.rows[i].line >= c.rows[i - 1].line);
		for (j = 0; j < c.rows[i].n; j++)
			CHECK(c.rows[i].f[j] != NULL &&
			    strlen(c.rows[i].f[j]) <= size);
	}
	check_roundtrip(a, &c);
	check_tidy(&c);
done:
	free(s);
	arena_free(a);
	return 0;
}
