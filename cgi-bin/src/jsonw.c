#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "jsonw.h"
#include "utf8.h"

void
jsonw_init(struct jsonw *w, struct buf *b)
{
	memset(w, 0, sizeof(*w));
	w->b = b;
}

/* Comma before a value or key that is not the first in its container. */
static void
sep(struct jsonw *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (w->depth <= 0 || w->depth > JSONW_MAXDEPTH)
		return;		/* top level, or nesting nobody here uses */
	if (w->nonempty[w->depth - 1])
		buf_putc(w->b, ',');
	w->nonempty[w->depth - 1] = 1;
}

static void
open_(struct jsonw *w, char c)
{
	sep(w);
	buf_putc(w->b, c);
	if (w->depth < JSONW_MAXDEPTH)
		w->nonempty[w->depth] = 0;
	w->depth++;
}

static void
close_(struct jsonw *w, char c)
{
	w->depth--;
	buf_putc(w->b, c);
}

void jsonw_obj_open(struct jsonw *w) { open_(w, '{'); }
void jsonw_obj_close(struct jsonw *w) { close_(w, '}'); }
void jsonw_arr_open(struct jsonw *w) { open_(w, '['); }
void jsonw_arr_close(struct jsonw *w) { close_(w, ']'); }

void
jsonw_escape(struct buf *b, const char *s, size_t n)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i, run = 0, width;
	const char		*rep;
	char			 esc[8];

	for (i = 0; i < n; i += width) {
		width = 1;
		switch (p[i]) {
		case '"': rep = "\\\""; break;
		case '\\': rep = "\\\\"; break;
		case '\n': rep = "\\n"; break;
		case '\r': rep = "\\r"; break;
		case '\t': rep = "\\t"; break;
		/* Safe to embed in HTML <script> and JS string literals. */
		case '<': rep = "\\u003c"; break;
		case '>': rep = "\\u003e"; break;
		case '&': rep = "\\u0026"; break;
		default:
			rep = NULL;
			if (p[i] < 0x20) {
				snprintf(esc, sizeof(esc), "\\u%04x", p[i]);
				rep = esc;
			} else if (p[i] == 0xe2 && n - i >= 3 &&
			    p[i + 1] == 0x80 &&
			    (p[i + 2] == 0xa8 || p[i + 2] == 0xa9)) {
				/* U+2028/9 end lines in older JavaScript. */
				rep = p[i + 2] == 0xa8 ? "\\u2028" : "\\u2029";
				width = 3;
			} else if (p[i] >= 0x80 &&
			    (width = utf8_char(s + i, n - i)) == 0) {
				/*
				 * Not UTF-8 (a cut message, bytes from a
				 * client): the answer stays valid JSON text.
				 */
				rep = "\\ufffd";
				width = 1;
			}
		}
		if (rep == NULL) {
			run += width;
			continue;
		}
		buf_append(b, s + i - run, run);
		run = 0;
		buf_puts(b, rep);
	}
	buf_append(b, s + n - run, run);
}

void
jsonw_key(struct jsonw *w, const char *k)
{
	sep(w);
	buf_putc(w->b, '"');
	jsonw_escape(w->b, k, strlen(k));
	buf_append(w->b, "\":", 2);
	w->after_key = 1;
}

void
jsonw_strn(struct jsonw *w, const char *s, size_t n)
{
	sep(w);
	buf_putc(w->b, '"');
	jsonw_escape(w->b, s, n);
	buf_putc(w->b, '"');
}

void
jsonw_str(struct jsonw *w, const char *s)
{
	if (s == NULL)
		jsonw_null(w);
	else
		jsonw_strn(w, s, strlen(s));
}

void
jsonw_int(struct jsonw *w, long long v)
{
	sep(w);
	buf_printf(w->b, "%lld", v);
}

void
jsonw_bool(struct jsonw *w, int v)
{
	sep(w);
	buf_puts(w->b, v ? "true" : "false");
}

void
jsonw_null(struct jsonw *w)
{
	sep(w);
	buf_puts(w->b, "null");
}

void
jsonw_raw(struct jsonw *w, const char *json)
{
	sep(w);
	buf_puts(w->b, json);
}
