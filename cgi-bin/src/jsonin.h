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
	JSONIN_NOMEM,
};

/*
 * Parse s[0..n) as one JSON object (whitespace around it is fine). On
 * JSONIN_OK *out is the caller's to json_object_put().
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
