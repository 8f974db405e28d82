#include <math.h>
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

enum jsonin_err
jsonin_object(const char *s, size_t n, int max_depth, struct json_object **out)
{
	struct json_tokener	*tok;
	struct json_object	*o;
	enum json_tokener_error	 jerr;
	size_t			 end;

	*out = NULL;
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
	if (o == NULL || jerr != json_tokener_success ||
	    strspn(s + end, " \t\r\n") != n - end || !all_finite(o)) {
		json_object_put(o);
		return JSONIN_BAD_JSON;
	}
	if (!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return JSONIN_NOT_OBJECT;
	}
	*out = o;
	return JSONIN_OK;
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
