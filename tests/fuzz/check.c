#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "buf.h"
#include "check.h"
#include "jsonin.h"
#include "utf8.h"

void
check_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: invariant broken: %s\n", file, line, what);
	abort();
}

char *
fuzz_dup(const uint8_t *data, size_t size)
{
	char	*p = malloc(size > 0 ? size : 1);

	if (p == NULL)
		abort();
	if (size > 0)
		memcpy(p, data, size);
	return p;
}

char *
fuzz_str(const uint8_t *data, size_t size)
{
	char	*p = malloc(size + 1);

	if (p == NULL)
		abort();
	if (size > 0)
		memcpy(p, data, size);
	p[size] = '\0';
	return p;
}

void
fuzz_split(const uint8_t *data, size_t size, size_t max, struct split *sp)
{
	size_t	 start = 0, k;
	char	*nul;

	memset(sp, 0, sizeof(*sp));
	if (max < 1 || max > sizeof(sp->s) / sizeof(sp->s[0]))
		abort();
	sp->block = fuzz_str(data, size);
	for (k = 0; k < max; k++) {
		sp->s[k] = sp->block + start;
		sp->n = k + 1;
		nul = k + 1 < max ? memchr(sp->block + start, '\0',
		    size - start) : NULL;
		if (nul == NULL) {
			sp->last_len = size - start;
			break;
		}
		start = (size_t)(nul - sp->block) + 1;
	}
}

void
fuzz_split_free(struct split *sp)
{
	free(sp->block);
	memset(sp, 0, sizeof(*sp));
}

void
fuzz_pct_encode(struct buf *b, const char *s, size_t n, int form)
{
	static const char	 hex[] = "0123456789ABCDEF";
	size_t			 i;
	unsigned char		 c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		    c == '~' || c == '-' || (c == '/' && !form))
			buf_putc(b, (char)c);
		else if (c == ' ' && form)
			buf_putc(b, '+');
		else {
			buf_putc(b, '%');
			buf_putc(b, hex[c >> 4]);
			buf_putc(b, hex[c & 15]);
		}
	}
}

int
fuzz_json_object(const char *s, size_t n)
{
	struct json_object	*o;

	if (!utf8_valid(s, n) ||
	    jsonin_object(s, n, JSONIN_MAX_DEPTH, &o) != JSONIN_OK)
		return 0;
	json_object_put(o);
	return 1;
}
