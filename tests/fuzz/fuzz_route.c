/*
 * The route path and the content type (req.c): req_route_path() on the
 * input cut into REQUEST_URI, SCRIPT_NAME, PATH_INFO and the mount, and
 * req_parse_ctype() on the first piece.
 *
 * Invariants: a program-name SCRIPT_NAME yields exactly PATH_INFO (or "/"
 * or NULL); below a mount the path starts with '/'; a percent-encoded path
 * under the mount decodes back to itself; the content type does not depend
 * on letter case and is JSON or form only for those exact types.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "buf.h"
#include "check.h"
#include "req.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
ends_with(const char *s, const char *suffix)
{
	size_t	 n = strlen(s), m = strlen(suffix);

	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

static void
check_route(struct arena *a, const char *uri, const char *script,
    const char *pi, const char *mount)
{
	const char	*r = req_route_path(a, uri, script, pi, mount);
	size_t		 longest = 1;

	if (script != NULL && *script != '\0' &&
	    (ends_with(script, ".fcgi") || ends_with(script, ".cgi"))) {
		if (pi == NULL || *pi == '\0')
			CHECK(r != NULL && strcmp(r, "/") == 0);
		else if (*pi == '/')
			CHECK(r != NULL && strcmp(r, pi) == 0);
		else
			CHECK(r == NULL);
		return;
	}
	if (r == NULL)
		return;
	/* Decoding only shrinks: never longer than what it came from. */
	if (uri != NULL && strlen(uri) > longest)
		longest = strlen(uri);
	if (script != NULL && strlen(script) > longest)
		longest = strlen(script);
	CHECK(strlen(r) <= longest);
	if (mount != NULL && *mount != '\0')
		CHECK(r[0] == '/');
}

/* mount + encode(path) routes to path, whatever bytes path holds. */
static void
check_roundtrip(struct arena *a, const char *path, const char *mount)
{
	struct buf	 b = { 0 };
	const char	*r;

	if (path[0] != '/' || strpbrk(mount, "?#") != NULL ||
	    (mount[0] != '\0' && mount[0] != '/'))
		return;
	buf_puts(&b, mount);
	fuzz_pct_encode(&b, path, strlen(path), 0);
	buf_puts(&b, "?q=1");
	r = req_route_path(a, buf_str(&b), "/x", "/y", mount);
	CHECK(r != NULL && strcmp(r, path) == 0);
	buf_free(&b);
}

static void
check_ctype(const char *ct)
{
	enum req_ctype	 t = req_parse_ctype(ct);
	char		*up = strdup(ct);
	size_t		 i, n;

	CHECK(up != NULL);
	for (i = 0; up[i] != '\0'; i++)
		up[i] = (char)toupper((unsigned char)up[i]);
	CHECK(req_parse_ctype(up) == t);
	free(up);
	CHECK((t == REQ_CT_NONE) == (*ct == '\0'));
	n = strcspn(ct, "; \t");
	if (t == REQ_CT_JSON)
		CHECK(n == 16 && strncasecmp(ct, "application/json", n) == 0);
	if (t == REQ_CT_FORM)
		CHECK(n == 33 && strncasecmp(ct,
		    "application/x-www-form-urlencoded", n) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena	*a = arena_new(1024);
	struct split	 sp;

	fuzz_split(data, size, 4, &sp);
	check_route(a, sp.s[0], sp.s[1], sp.s[2], sp.s[3]);
	/* The same pieces as a prefix mount: no program name. */
	check_route(a, sp.s[0], NULL, sp.s[2], sp.s[1]);
	check_roundtrip(a, sp.s[0], sp.s[3] != NULL ? sp.s[3] : "");
	check_ctype(sp.s[0]);
	fuzz_split_free(&sp);
	arena_free(a);
	return 0;
}
