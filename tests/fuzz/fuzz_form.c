/*
 * application/x-www-form-urlencoded and percent-decoding (form.c):
 * form_parse() and form_pct_decode() on an exact-size copy of the input.
 *
 * Invariants: at most one pair per '&' (plus one); every key and value is
 * UTF-8 without NUL and vlen is its length; encoding the pairs again and
 * parsing that gives the same pairs; a percent-decoded string is no longer
 * than its input and survives encode + decode unchanged.
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "check.h"
#include "form.h"
#include "utf8.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_form(struct arena *a, const char *s, size_t n)
{
	struct form	 f, g;
	struct buf	 b = { 0 };
	enum apierr	 rc;
	size_t		 i, amps = 0;

	rc = form_parse(a, s, n, &f);
	CHECK(rc == AE_OK || rc == AE_BAD_FORM || rc == AE_BAD_UTF8);
	if (rc != AE_OK)
		return;
	for (i = 0; i < n; i++)
		amps += s[i] == '&';
	CHECK(f.n <= amps + 1);
	for (i = 0; i < f.n; i++) {
		CHECK(utf8_valid(f.pairs[i].key, strlen(f.pairs[i].key)));
		CHECK(strlen(f.pairs[i].val) == f.pairs[i].vlen);
		CHECK(utf8_valid(f.pairs[i].val, f.pairs[i].vlen));
		if (i > 0)
			buf_putc(&b, '&');
		fuzz_pct_encode(&b, f.pairs[i].key, strlen(f.pairs[i].key), 1);
		buf_putc(&b, '=');
		fuzz_pct_encode(&b, f.pairs[i].val, f.pairs[i].vlen, 1);
	}
	CHECK(form_parse(a, buf_str(&b), b.len, &g) == AE_OK);
	CHECK(g.n == f.n);
	for (i = 0; i < f.n; i++) {
		CHECK(strcmp(g.pairs[i].key, f.pairs[i].key) == 0);
		CHECK(g.pairs[i].vlen == f.pairs[i].vlen);
		CHECK(memcmp(g.pairs[i].val, f.pairs[i].val, f.pairs[i].vlen) ==
		    0);
	}
	buf_free(&b);
}

static void
check_pct(struct arena *a, const char *s, size_t n)
{
	struct buf	 b = { 0 };
	char		*d, *e;

	if ((d = form_pct_decode(a, s, n)) == NULL)
		return;
	CHECK(strlen(d) <= n);
	fuzz_pct_encode(&b, d, strlen(d), 0);
	e = form_pct_decode(a, buf_str(&b), b.len);
	CHECK(e != NULL && strcmp(d, e) == 0);
	buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena	*a = arena_new(1024);
	char		*s = fuzz_dup(data, size);

	check_form(a, s, size);
	check_pct(a, s, size);
	free(s);
	arena_free(a);
	return 0;
}
