#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "jsonin.h"
#include "utf8.h"

/*
 * json-c's strict mode still takes NaN and Infinity, which are not JSON:
 * 1 when every number in the document is finite. Depth is bounded by the
 * tokener's limit.
 */
static int
all_finite(struct json_object *o)
{
	size_t	 i, n;

	switch (json_object_get_type(o)) {
	case json_type_double:
		return isfinite(json_object_get_double(o));
	case json_type_array:
		n = json_object_array_length(o);
		for (i = 0; i < n; i++)
			if (!all_finite(json_object_array_get_idx(o, i)))
				return 0;
		return 1;
	case json_type_object: {
		json_object_object_foreach(o, key, val) {
			(void)key;
			if (!all_finite(val))
				return 0;
		}
		return 1;
	}
	default:
		return 1;
	}
}

/*
 * Keys per object of the document s[0..n) (already parsed, so well-formed),
 * objects in pre-order (as they open), into counts[]. Returns how many
 * objects there are, at most max; the text is read only within n.
 */
static size_t
raw_key_counts(const char *s, size_t n, size_t *counts, size_t max,
    int *nul_key)
{
	/* Open containers: index into counts for objects, -1 for arrays. */
	long		 stack[JSONIN_MAX_DEPTH + 2];
	size_t		 i, j, nobj = 0, depth = 0;
	int		 nul;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '{':
		case '[':
			if (depth == JSONIN_MAX_DEPTH + 2)
				return 0;	/* deeper than any caller allows */
			if (s[i] == '{') {
				if (nobj == max)
					return 0;
				counts[nobj] = 0;
				stack[depth++] = (long)nobj++;
			} else
				stack[depth++] = -1;
			break;
		case '}':
		case ']':
			if (depth > 0)
				depth--;
			break;
		case '"':
			/* To the closing quote; a key is followed by ':'. */
			nul = 0;
			for (i++; i < n && s[i] != '"'; i++)
				if (s[i] == '\\') {
					/* json-c keeps keys as C strings. */
					if (n - i > 5 &&
					    memcmp(s + i, "\\u0000", 6) == 0)
						nul = 1;
					i++;
				}
			for (j = i + 1; j < n && strchr(" \t\r\n", s[j]) != NULL;
			    j++)
				continue;
			if (j < n && s[j] == ':' && depth > 0 &&
			    stack[depth - 1] >= 0) {
				counts[stack[depth - 1]]++;
				*nul_key |= nul;
			}
			break;
		}
	}
	return nobj;
}

/*
 * 1 when some object of o has fewer members than its text has keys: json-c
 * keeps the last of duplicate keys ({"entry":"x","entry":"y"}), which a
 * request must not get away with. *k walks counts[] in the same pre-order.
 */
static int
lost_keys(struct json_object *o, const size_t *counts, size_t n, size_t *k)
{
	size_t	 i, len;

	switch (json_object_get_type(o)) {
	case json_type_object:
		if (*k >= n ||
		    (size_t)json_object_object_length(o) != counts[(*k)++])
			return 1;
		{
			json_object_object_foreach(o, key, val) {
				(void)key;
				if (lost_keys(val, counts, n, k))
					return 1;
			}
		}
		return 0;
	case json_type_array:
		len = json_object_array_length(o);
		for (i = 0; i < len; i++)
			if (lost_keys(json_object_array_get_idx(o, i), counts,
			    n, k))
				return 1;
		return 0;
	default:
		return 0;
	}
}

/*
 * 1 when a key is given twice, 2 when a key holds a NUL (json-c would cut
 * it: "entry\u0000x" read as "entry"), 0 when neither, -1 out of memory.
 */
static int
has_duplicate_keys(const char *s, size_t n, struct json_object *o)
{
	size_t	*counts, max = n / 2 + 1, nobj, k = 0;
	int	 dup, nul_key = 0;

	if ((counts = calloc(max, sizeof(*counts))) == NULL)
		return -1;
	nobj = raw_key_counts(s, n, counts, max, &nul_key);
	dup = lost_keys(o, counts, nobj, &k) || k != nobj;
	free(counts);
	return nul_key ? 2 : dup;
}

/* The value of 4 hex digits (already checked by the parser). */
static unsigned
hex4(const char *s)
{
	unsigned	 v = 0;
	int		 i;

	for (i = 0; i < 4; i++)
		v = v * 16 + (unsigned)(s[i] <= '9' ? s[i] - '0' :
		    (s[i] | 0x20) - 'a' + 10);
	return v;
}

/*
 * 1 when a \u escape in the well-formed document s[0..n) is half of a
 * surrogate pair without its other half: json-c stores U+FFFD for it, a
 * character the sender never wrote.
 */
static int
lone_surrogate(const char *s, size_t n)
{
	size_t		 i;
	unsigned	 v;

	for (i = 0; i < n; i++) {
		if (s[i] != '\\' || i + 1 >= n)
			continue;
		if (s[i + 1] != 'u' || n - i < 6) {
			i++;		/* an escaped character */
			continue;
		}
		v = hex4(s + i + 2);
		if (v >= 0xDC00 && v <= 0xDFFF)
			return 1;
		if (v >= 0xD800 && v <= 0xDBFF) {
			if (n - i < 12 || s[i + 6] != '\\' || s[i + 7] != 'u' ||
			    (v = hex4(s + i + 8)) < 0xDC00 || v > 0xDFFF)
				return 1;
			i += 6;
		}
		i += 5;
	}
	return 0;
}

enum jsonin_err
jsonin_object(const char *s, size_t n, int max_depth, struct json_object **out)
{
	struct json_tokener	*tok;
	struct json_object	*o;
	enum json_tokener_error	 jerr;
	size_t			 end;
	int			 dup;

	*out = NULL;
	if (max_depth < 1 || max_depth > JSONIN_MAX_DEPTH)
		return JSONIN_BAD_JSON;
	/* Checked here rather than left to json-c: bytes outside strings too. */
	if (!utf8_valid(s, n))
		return JSONIN_BAD_UTF8;
	if (n > 0x7fffffff || (tok = json_tokener_new_ex(max_depth)) == NULL)
		return JSONIN_NOMEM;
	json_tokener_set_flags(tok,
	    JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, s, (int)n);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (o == NULL || jerr != json_tokener_success || end > n)
		goto bad;
	/* Only whitespace after the value, and not one byte past n. */
	for (; end < n; end++)
		if (strchr(" \t\r\n", s[end]) == NULL || s[end] == '\0')
			goto bad;
	if (!all_finite(o) || lone_surrogate(s, n))
		goto bad;
	if (!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return JSONIN_NOT_OBJECT;
	}
	if ((dup = has_duplicate_keys(s, n, o)) != 0) {
		json_object_put(o);
		return dup == -1 ? JSONIN_NOMEM : dup == 2 ? JSONIN_BAD_JSON :
		    JSONIN_DUP_KEY;
	}
	*out = o;
	return JSONIN_OK;
bad:
	json_object_put(o);
	return JSONIN_BAD_JSON;
}

const char *
jsonin_str(struct json_object *o, const char *name)
{
	struct json_object	*v;

	if (o == NULL || !json_object_object_get_ex(o, name, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

int
jsonin_int(struct json_object *o, const char *name, int dflt)
{
	struct json_object	*v;

	if (o == NULL || !json_object_object_get_ex(o, name, &v) ||
	    !json_object_is_type(v, json_type_int))
		return dflt;
	return json_object_get_int(v);
}
