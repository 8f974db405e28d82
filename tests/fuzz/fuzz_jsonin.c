/*
 * Strict JSON input (jsonin.c): jsonin_object() on an exact-size heap copy
 * without a terminator, so ASan catches any read past n. The first byte
 * picks the depth limit (0 and 33..: out of range).
 *
 * Invariants: invalid UTF-8 is JSONIN_BAD_UTF8 and nothing else is; *out
 * is set exactly on JSONIN_OK, to an object; an accepted document is also
 * accepted with a higher limit; json-c's own text of it is accepted again
 * and equal to it.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "check.h"
#include "jsonin.h"
#include "utf8.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_object	*o, *again;
	enum jsonin_err		 rc;
	const char		*text;
	char			*s;
	int			 depth;

	if (size == 0)
		return 0;
	depth = data[0] % 34;
	s = fuzz_dup(data + 1, size - 1);
	rc = jsonin_object(s, size - 1, depth, &o);
	if (depth < 1 || depth > JSONIN_MAX_DEPTH)
		CHECK(rc == JSONIN_BAD_JSON);
	else
		CHECK((rc == JSONIN_BAD_UTF8) == !utf8_valid(s, size - 1));
	CHECK((rc == JSONIN_OK) == (o != NULL));
	if (rc == JSONIN_OK) {
		CHECK(json_object_is_type(o, json_type_object));
		(void)jsonin_str(o, "entry");
		(void)jsonin_int(o, "n", 0);
		if (depth < JSONIN_MAX_DEPTH) {
			CHECK(jsonin_object(s, size - 1, JSONIN_MAX_DEPTH,
			    &again) == JSONIN_OK);
			json_object_put(again);
		}
		text = json_object_to_json_string_ext(o,
		    JSON_C_TO_STRING_PLAIN);
		CHECK(text != NULL);
		CHECK(jsonin_object(text, strlen(text), depth, &again) ==
		    JSONIN_OK);
		CHECK(json_object_equal(o, again));
		json_object_put(again);
		json_object_put(o);
	}
	free(s);
	return 0;
}
