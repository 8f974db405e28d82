#include <string.h>

#include "arena.h"
#include "buf.h"
#include "csv.h"

#define TOO_MANY_ROWS	"行数过多:表头之外最多 20000 行,请分成几个文件导入"

static int
formula_start(char c)
{
	return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' ||
	    c == '\r';
}

/*
 * A text a spreadsheet would run, or one that only looks guarded: a
 * formula character first, after any apostrophes. csv_cell() adds one
 * apostrophe to each, csv_unguard() takes exactly that one off again.
 */
static int
needs_guard(const char *s)
{
	return formula_start(s[strspn(s, "'")]);
}

/* Past the line end at p (CRLF, CR or LF, if any there), counting it. */
static const char *
line_end(const char *p, const char *end, size_t *line)
{
	if (p < end && *p == '\r') {
		p++;
		(*line)++;
		if (p < end && *p == '\n')
			p++;
	} else if (p < end && *p == '\n') {
		p++;
		(*line)++;
	}
	return p;
}

/* One field starting at *p; advances *p past it (not the separator). */
static int
field(struct arena *a, const char **p, const char *end, size_t *line,
    const char **out, const char **why)
{
	struct buf	 b = { 0 };
	const char	*s = *p;

	if (s < end && *s == '"') {
		for (s++;; s++) {
			if (s == end) {
				*why = "引号没有闭合";
				buf_free(&b);
				return -1;
			}
			if (*s == '"') {
				if (s + 1 < end && s[1] == '"') {
					buf_putc(&b, '"');
					s++;
					continue;
				}
				s++;
				break;
			}
			/* CRLF, CR and LF each end one line */
			if (*s == '\n' || (*s == '\r' && (s + 1 == end ||
			    s[1] != '\n')))
				(*line)++;
			buf_putc(&b, *s);
		}
		if (s < end && *s != ',' && *s != '\n' && *s != '\r') {
			*why = "闭合引号后还有文字";
			buf_free(&b);
			return -1;
		}
	} else {
		while (s < end && *s != ',' && *s != '\n' && *s != '\r') {
			if (*s == '"') {
				*why = "未加引号的字段里有引号";
				buf_free(&b);
				return -1;
			}
			buf_putc(&b, *s++);
		}
	}
	if (memchr(buf_str(&b), '\0', b.len) != NULL) {
		*why = "字段里有 NUL 字节";
		buf_free(&b);
		return -1;
	}
	*out = arena_strndup(a, buf_str(&b), b.len);
	buf_free(&b);
	*p = s;
	return 0;
}

/* Whether every cell of r is empty. */
static int
row_empty(const struct csv_row *r)
{
	size_t	 i;

	for (i = 0; i < r->n && r->f[i][0] == '\0'; i++)
		;
	return i == r->n;
}

static void
drop_empty_rows(struct csv *c)
{
	size_t	 i, n = 0;

	for (i = 0; i < c->n; i++)
		if (!row_empty(&c->rows[i]))
			c->rows[n++] = c->rows[i];
	c->n = n;
}

int
csv_parse(struct arena *a, const char *text, size_t len, struct csv *out,
    size_t *err_line, const char **why)
{
	const char	*p = text, *end = text + len;
	size_t		 line = 1, cap = 0, content = 0;
	struct csv_row	*r;

	out->rows = NULL;
	out->n = 0;
	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	while (p < end) {
		if (*p == '\n' || *p == '\r') {	/* blank line */
			p = line_end(p, end, &line);
			continue;
		}
		/*
		 * Padding rows are stored (csv_tidy drops them), up to a bound
		 * that keeps memory bounded; there, the padding stored so far
		 * goes (at most CSV_MAX_ROWS + 1 rows have content, checked
		 * below, so that always makes room).
		 */
		if (out->n == CSV_MAX_RECORDS)
			drop_empty_rows(out);
		if (out->n == cap) {
			struct csv_row	*grown;

			cap = cap ? cap * 2 : 64;
			grown = arena_alloc(a, cap * sizeof(*grown));
			if (out->n > 0)
				memcpy(grown, out->rows, out->n * sizeof(*grown));
			out->rows = grown;
		}
		r = &out->rows[out->n++];
		memset(r, 0, sizeof(*r));
		r->line = line;
		for (;;) {
			const char	*extra;

			/* Past the 16th cell only padding: dropped. */
			if (r->n == CSV_MAX_FIELDS) {
				if (field(a, &p, end, &line, &extra, why) == -1) {
					*err_line = r->line;
					return -1;
				}
				if (extra[0] != '\0') {
					*err_line = r->line;
					*why = "列数过多(最多 16 列)";
					return -1;
				}
			} else if (field(a, &p, end, &line, &r->f[r->n++],
			    why) == -1) {
				*err_line = r->line;	/* where the row starts */
				return -1;
			}
			if (p < end && *p == ',') {
				p++;
				continue;
			}
			break;
		}
		if (!row_empty(r) && ++content > CSV_MAX_ROWS + 1) {
			*err_line = r->line;
			*why = TOO_MANY_ROWS;
			return -1;
		}
		p = line_end(p, end, &line);
	}
	return 0;
}

void
csv_tidy(struct csv *c)
{
	struct csv_row	*r;
	size_t		 i, j, k, n = 0;
	int		 used[CSV_MAX_FIELDS] = { 0 };

	for (i = 0; i < c->n; i++) {
		r = &c->rows[i];
		for (j = 0; j < r->n && r->f[j][0] == '\0'; j++)
			;
		if (j < r->n)
			c->rows[n++] = *r;
	}
	c->n = n;
	for (i = 0; i < c->n; i++)
		for (j = 0; j < c->rows[i].n; j++)
			used[j] |= c->rows[i].f[j][0] != '\0';
	for (i = 0; i < c->n; i++) {
		r = &c->rows[i];
		for (j = 0, k = 0; j < r->n; j++)
			if (used[j])
				r->f[k++] = r->f[j];
		r->n = k;
	}
}

void
csv_cell(struct buf *b, const char *s, int first)
{
	const char	*q;

	if (!first)
		buf_putc(b, ',');
	if (s == NULL)
		return;
	if (needs_guard(s) || strpbrk(s, ",\"\r\n") != NULL) {
		buf_putc(b, '"');
		if (needs_guard(s))
			buf_putc(b, '\'');
		for (q = s; *q != '\0'; q++) {
			if (*q == '"')
				buf_putc(b, '"');
			buf_putc(b, *q);
		}
		buf_putc(b, '"');
	} else
		buf_puts(b, s);
}

const char *
csv_unguard(const char *s)
{
	return s[0] == '\'' && needs_guard(s) ? s + 1 : s;
}
