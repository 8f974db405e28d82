/*
 * Strict JSON input, shared by request bodies and WeCom answers. json-c
 * is lax by default (trailing data, NaN, invalid UTF-8): this accepts one
 * RFC 8259 document and nothing else.
 */
#ifndef KF_JSONIN_H
#define KF_JSONIN_H

#include <stddef.h>

struct json_object;

enum jsonin_err {
	JSONIN_OK,
	JSONIN_BAD_UTF8,
	JSONIN_BAD_JSON,	/* syntax, trailing data, NaN/Infinity, depth */
	JSONIN_NOT_OBJECT,
	JSONIN_DUP_KEY,		/* an object names a key twice */
	JSONIN_NOMEM,
};

/* Deepest nesting any caller may ask jsonin_object for. */
#define JSONIN_MAX_DEPTH	32

/*
 * Parse s[0..n) as one JSON object (whitespace around it is fine), nested
 * at most max_depth (1..JSONIN_MAX_DEPTH) deep. Reads s[0..n) only: s need
 * not be NUL-terminated. Every object's keys must be distinct
 * (JSONIN_DUP_KEY). On JSONIN_OK *out is the caller's to json_object_put().
 */
enum jsonin_err	 jsonin_object(const char *s, size_t n, int max_depth,
		    struct json_object **out);
/*
 * A member of object o (may be NULL) when it has that type: the string
 * (o's, valid while o lives) or NULL; the integer or dflt.
 */
const char	*jsonin_str(struct json_object *o, const char *name);
int		 jsonin_int(struct json_object *o, const char *name, int dflt);

#endif
