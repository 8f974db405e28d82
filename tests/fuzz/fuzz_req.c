/*
 * A whole request through req.c, as test_req.c feeds it: CGI variables
 * and a body from a fake transport (reads in small chunks, from an
 * exact-size copy), then req_read_body() and req_fields() with one field
 * of each type.
 *
 * The input is cut at NUL bytes into REQUEST_METHOD, REQUEST_URI,
 * SCRIPT_NAME, PATH_INFO, CONTENT_TYPE, CONTENT_LENGTH ("*" for the true
 * length), QUERY_STRING and the body (the rest, any bytes).
 *
 * Invariants: the path and query are never NULL; a body read is exactly
 * CONTENT_LENGTH bytes of the input; every value req_fields() hands out
 * passes its type's check (ids, tokens, text: UTF-8 without controls);
 * asking again gives the same answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "check.h"
#include "req.h"
#include "utf8.h"
#include "util.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

enum { P_METHOD, P_URI, P_SCRIPT, P_PATH_INFO, P_CTYPE, P_LENGTH, P_QUERY,
    P_BODY, P__N };

static const char *const names[P__N - 1] = {
	"REQUEST_METHOD", "REQUEST_URI", "SCRIPT_NAME", "PATH_INFO",
	"CONTENT_TYPE", "CONTENT_LENGTH", "QUERY_STRING",
};

struct fake {
	const char	*vars[P__N - 1];
	const char	*body;	/* exact size, no terminator */
	size_t		 len, pos, chunk;
};

static const char *
fake_param(void *ctx, const char *name)
{
	struct fake	*f = ctx;
	size_t		 i;

	for (i = 0; i < P__N - 1; i++)
		if (strcmp(names[i], name) == 0)
			return f->vars[i];
	return NULL;
}

static long
fake_read(void *ctx, char *buf, size_t n)
{
	struct fake	*f = ctx;

	if (n > f->len - f->pos)
		n = f->len - f->pos;
	if (n > f->chunk)
		n = f->chunk;
	if (n > 0)
		memcpy(buf, f->body + f->pos, n);
	f->pos += n;
	return (long)n;
}

static const struct req_field fields[] = {
	{ "entry", REQ_FIELD_ID },
	{ "customer", REQ_FIELD_TOKEN },
	{ "message", REQ_FIELD_TEXT },
	{ "ticket", REQ_FIELD_TOKEN },
	{ "order", REQ_FIELD_ID },
	{ "ids", REQ_FIELD_IDLIST },
};
#define NFIELDS	(sizeof(fields) / sizeof(fields[0]))

static void
check_value(enum req_field_type type, const char *v)
{
	size_t	 n = strlen(v), i;

	switch (type) {
	case REQ_FIELD_ID:
		CHECK(util_id_valid(v, n));
		break;
	case REQ_FIELD_TOKEN:
		CHECK(n >= 1 && n <= 256);
		for (i = 0; i < n; i++)
			CHECK(util_id_valid(v + i, 1) || v[i] == '.');
		break;
	case REQ_FIELD_TEXT:
		CHECK(n >= 1 && n <= 1024 && utf8_valid(v, n));
		for (i = 0; i < n; i++)
			CHECK((unsigned char)v[i] >= 0x20 && v[i] != 0x7f);
		break;
	case REQ_FIELD_IDLIST:
		CHECK(n >= 1 && n <= 8192);
		for (i = 0; i < n; i++)
			CHECK(util_id_valid(v + i, 1) || v[i] == ',');
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena		*a = arena_new(1024);
	struct split		 sp;
	struct fake		 f;
	struct req_source	 src = { fake_param, fake_read, &f };
	struct req		 r;
	const char		*v[NFIELDS], *v2[NFIELDS], *bad, *bad2;
	enum apierr		 body_rc, rc, rc2;
	char			 cl[32];
	size_t			 i;

	memset(&f, 0, sizeof(f));
	fuzz_split(data, size, P__N, &sp);
	for (i = 0; i < P__N - 1; i++)
		f.vars[i] = sp.s[i];
	if (sp.n == P__N) {
		f.len = sp.last_len;
		f.body = fuzz_dup((const uint8_t *)sp.s[P_BODY], f.len);
	}
	f.chunk = size % 7 + 1;
	if (f.vars[P_LENGTH] != NULL && strcmp(f.vars[P_LENGTH], "*") == 0) {
		snprintf(cl, sizeof(cl), "%zu", f.len);
		f.vars[P_LENGTH] = cl;
	}

	req_init(&r, a, &src, size % 2 ? "/kf" : NULL);
	CHECK(r.path != NULL && r.query != NULL);
	CHECK(r.method < REQ__MAX);
	CHECK(strcmp(r.query, f.vars[P_QUERY] != NULL ?
	    f.vars[P_QUERY] : "") == 0);

	body_rc = req_read_body(&r, 16384);
	if (body_rc == AE_OK) {
		CHECK(r.body != NULL && r.body_len <= 16384);
		CHECK(r.body_len <= f.len && r.body[r.body_len] == '\0');
		CHECK(r.body_len == 0 ||
		    memcmp(r.body, f.body, r.body_len) == 0);
	} else
		CHECK(r.body == NULL);

	rc = req_fields(&r, fields, NFIELDS, v, &bad);
	if (rc == AE_OK) {
		CHECK(bad == NULL);
		for (i = 0; i < NFIELDS; i++)
			if (v[i] != NULL)
				check_value(fields[i].type, v[i]);
	}
	/* Parsed once: the second look answers the same. */
	rc2 = req_fields(&r, fields, NFIELDS, v2, &bad2);
	CHECK(rc2 == rc);
	if (rc == AE_OK)
		for (i = 0; i < NFIELDS; i++)
			CHECK((v[i] == NULL && v2[i] == NULL) ||
			    (v[i] != NULL && v2[i] != NULL &&
			    strcmp(v[i], v2[i]) == 0));

	req_cleanup(&r);
	free((void *)f.body);
	fuzz_split_free(&sp);
	arena_free(a);
	return 0;
}
