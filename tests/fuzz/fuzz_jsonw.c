/*
 * The JSON writer (jsonw.c). The first byte picks what the rest is:
 *   0  bytes for jsonw_escape() / jsonw_strn()
 *   1  a C string for jsonw_str()
 *   2  a program for the writer: open/close objects and arrays, strings
 *      of input bytes, integers, booleans, nulls (nested at most 16 deep,
 *      as the writer supports), run while the same document is built
 *      with json-c
 *
 * Invariants: the output is valid UTF-8 and strict JSON (jsonin); no raw
 * control character, < > & or U+2028/9 gets through; a string reads back
 * as its bytes with each byte that is not UTF-8 turned into U+FFFD; a
 * written document parses equal to the one built alongside it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "buf.h"
#include "check.h"
#include "jsonin.h"
#include "jsonw.h"
#include "utf8.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* What a JSON reader gets back from jsonw_escape(s[0..n)). */
static void
expect(struct buf *b, const char *s, size_t n)
{
	size_t	 i, w;

	for (i = 0; i < n; i += w) {
		w = 1;
		if ((unsigned char)s[i] < 0x80)
			buf_putc(b, s[i]);
		else if ((w = utf8_char(s + i, n - i)) == 0) {
			buf_puts(b, "\xEF\xBF\xBD");
			w = 1;
		} else
			buf_append(b, s + i, w);
	}
}

static void
check_escaped(const char *out, size_t n)
{
	size_t	 i;

	CHECK(utf8_valid(out, n));
	for (i = 0; i < n; i++) {
		CHECK((unsigned char)out[i] >= 0x20);
		CHECK(strchr("<>&", out[i]) == NULL);
		CHECK(!(i + 2 < n && memcmp(out + i, "\xE2\x80", 2) == 0 &&
		    (out[i + 2] == '\xA8' || out[i + 2] == '\xA9')));
	}
}

/* {"s": <jsonw of s>} parses, and "s" holds what expect() says. */
static void
check_string(const char *s, size_t n, int as_cstr)
{
	struct buf		 b = { 0 }, want = { 0 }, esc = { 0 };
	struct jsonw		 w;
	struct json_object	*o, *v;

	jsonw_escape(&esc, s, n);
	check_escaped(buf_str(&esc), esc.len);
	jsonw_init(&w, &b);
	jsonw_obj_open(&w);
	jsonw_key(&w, "s");
	if (as_cstr)
		jsonw_str(&w, s);
	else
		jsonw_strn(&w, s, n);
	jsonw_obj_close(&w);
	CHECK(utf8_valid(buf_str(&b), b.len));
	CHECK(jsonin_object(buf_str(&b), b.len, 4, &o) == JSONIN_OK);
	CHECK(json_object_object_get_ex(o, "s", &v) &&
	    json_object_is_type(v, json_type_string));
	expect(&want, s, n);
	CHECK((size_t)json_object_get_string_len(v) == want.len);
	CHECK(want.len == 0 ||
	    memcmp(json_object_get_string(v), want.data, want.len) == 0);
	json_object_put(o);
	buf_free(&b);
	buf_free(&want);
	buf_free(&esc);
}

struct prog {
	const uint8_t	*p, *end;
};

static unsigned
next(struct prog *g)
{
	return g->p < g->end ? *g->p++ : 0;
}

/* Add v to the container on top of the json-c stack. */
static void
add(struct json_object *top, int *nkeys, struct jsonw *w,
    struct json_object *v)
{
	char	 key[16];

	if (json_object_is_type(top, json_type_array)) {
		json_object_array_add(top, v);
		return;
	}
	snprintf(key, sizeof(key), "k%d", (*nkeys)++);
	jsonw_key(w, key);
	json_object_object_add(top, key, v);
}

static void
check_document(const uint8_t *data, size_t size)
{
	struct prog		 g = { data, data + size };
	struct json_object	*stack[JSONW_MAXDEPTH], *v, *parsed;
	int			 nkeys[JSONW_MAXDEPTH], depth = 1;
	struct buf		 b = { 0 }, s = { 0 };
	struct jsonw		 w;
	long long		 n;
	size_t			 len, i;

	jsonw_init(&w, &b);
	jsonw_obj_open(&w);
	stack[0] = json_object_new_object();
	nkeys[0] = 0;
	while (g.p < g.end) {
		struct json_object *top = stack[depth - 1];

		switch (next(&g) % 7) {
		case 0:
		case 1:
			if (depth == JSONW_MAXDEPTH)
				break;
			v = g.p[-1] % 7 == 0 ? json_object_new_object() :
			    json_object_new_array();
			add(top, &nkeys[depth - 1], &w, json_object_get(v));
			if (json_object_is_type(v, json_type_object))
				jsonw_obj_open(&w);
			else
				jsonw_arr_open(&w);
			nkeys[depth] = 0;
			stack[depth++] = v;
			json_object_put(v);	/* the parent holds it */
			break;
		case 2:
			if (depth == 1)
				break;
			if (json_object_is_type(top, json_type_object))
				jsonw_obj_close(&w);
			else
				jsonw_arr_close(&w);
			depth--;
			break;
		case 3:
			len = next(&g) % 24;
			if (len > (size_t)(g.end - g.p))
				len = (size_t)(g.end - g.p);
			buf_clear(&s);
			expect(&s, (const char *)g.p, len);
			add(top, &nkeys[depth - 1], &w,
			    json_object_new_string_len(buf_str(&s), (int)s.len));
			jsonw_strn(&w, (const char *)g.p, len);
			g.p += len;
			break;
		case 4:
			for (i = 0, n = 0; i < 8; i++)
				n = (long long)((unsigned long long)n << 8 |
				    next(&g));
			add(top, &nkeys[depth - 1], &w,
			    json_object_new_int64(n));
			jsonw_int(&w, n);
			break;
		case 5:
			n = next(&g) & 1;
			add(top, &nkeys[depth - 1], &w,
			    json_object_new_boolean((int)n));
			jsonw_bool(&w, (int)n);
			break;
		default:
			add(top, &nkeys[depth - 1], &w, NULL);
			jsonw_null(&w);
			break;
		}
	}
	for (; depth > 1; depth--)
		if (json_object_is_type(stack[depth - 1], json_type_object))
			jsonw_obj_close(&w);
		else
			jsonw_arr_close(&w);
	jsonw_obj_close(&w);
	CHECK(utf8_valid(buf_str(&b), b.len));
	CHECK(jsonin_object(buf_str(&b), b.len, JSONIN_MAX_DEPTH, &parsed) ==
	    JSONIN_OK);
	CHECK(json_object_equal(parsed, stack[0]));
	json_object_put(parsed);
	json_object_put(stack[0]);
	buf_free(&b);
	buf_free(&s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s;

	if (size == 0)
		return 0;
	switch (data[0] % 3) {
	case 0:
		s = fuzz_dup(data + 1, size - 1);
		check_string(s, size - 1, 0);
		free(s);
		break;
	case 1:
		s = fuzz_str(data + 1, size - 1);
		check_string(s, strlen(s), 1);
		free(s);
		break;
	default:
		check_document(data + 1, size - 1);
		break;
	}
	return 0;
}
