#include <string.h>

#include "arena.h"
#include "form.h"
#include "utf8.h"

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode into dst (room for len + 1); returns the length or -1. */
static long
decode(char *dst, const char *src, size_t len, int plus_is_space)
{
	size_t	 i, o = 0;
	int	 hi, lo;

	for (i = 0; i < len; i++) {
		if (src[i] == '%') {
			if (len - i < 3)	/* '%' needs two hex digits */
				return -1;
			if ((hi = hexval(src[i + 1])) < 0 ||
			    (lo = hexval(src[i + 2])) < 0)
				return -1;
			dst[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else if (src[i] == '+' && plus_is_space)
			dst[o++] = ' ';
		else
			dst[o++] = src[i];
	}
	dst[o] = '\0';
	return (long)o;
}

char *
form_pct_decode(struct arena *a, const char *src, size_t len)
{
	char	*dst = arena_alloc(a, len + 1);
	long	 n;

	if ((n = decode(dst, src, len, 0)) < 0 || memchr(dst, '\0', (size_t)n))
		return NULL;
	return dst;
}

enum apierr
form_parse(struct arena *a, const char *s, size_t len, struct form *f)
{
	const char	*p = s, *end = s + len, *amp, *eq;
	size_t		 cap = 1, i;
	char		*k, *v;
	long		 kn, vn;

	for (i = 0; i < len; i++)
		if (s[i] == '&')
			cap++;
	f->pairs = arena_alloc(a, cap * sizeof(*f->pairs));
	f->n = 0;
	f->bad = NULL;
	while (p < end) {
		if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
			amp = end;
		if (amp == p) {		/* tolerate "a=1&&b=2" */
			p++;
			continue;
		}
		if ((eq = memchr(p, '=', (size_t)(amp - p))) == NULL)
			eq = amp;
		k = arena_alloc(a, (size_t)(eq - p) + 1);
		v = arena_alloc(a, (size_t)(amp - eq) + 1);
		if ((kn = decode(k, p, (size_t)(eq - p), 1)) < 0)
			return AE_BAD_FORM;
		if (!utf8_valid(k, (size_t)kn))
			return AE_BAD_UTF8;
		/* From here on the error can name its field. */
		f->bad = k;
		if ((vn = decode(v, eq < amp ? eq + 1 : eq,
		    eq < amp ? (size_t)(amp - eq - 1) : 0, 1)) < 0)
			return AE_BAD_FORM;
		if (!utf8_valid(v, (size_t)vn))
			return AE_BAD_UTF8;
		f->bad = NULL;
		f->pairs[f->n].key = k;
		f->pairs[f->n].val = v;
		f->pairs[f->n].vlen = (size_t)vn;
		f->n++;
		p = amp < end ? amp + 1 : end;
	}
	return AE_OK;
}
