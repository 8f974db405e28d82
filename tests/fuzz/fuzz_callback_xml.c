/*
 * Field extraction from the decrypted callback XML (callback.c):
 * callback_xml_field() on the input as a C string, for each element the
 * callback reads, into buffers of the callback's sizes and a small one.
 *
 * Invariants: a value fits its buffer; it is exactly the text after the
 * first <Name> (CDATA unwrapped) up to the first </Name>; and any text
 * without </Name> wrapped in <Name>...</Name>, plain or as CDATA, comes
 * back unchanged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "callback.h"
#include "check.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const struct { const char *name; size_t len; } elems[] = {
	{ "Encrypt", 16384 }, { "Event", 64 }, { "Token", 129 },
	{ "OpenKfId", 65 },
};

static void
check_field(const char *xml, const char *name, size_t len)
{
	char		*out = malloc(len), open[64], close[64];
	const char	*p, *end;
	size_t		 n;

	CHECK(out != NULL);
	snprintf(open, sizeof(open), "<%s>", name);
	snprintf(close, sizeof(close), "</%s>", name);
	if (callback_xml_field(xml, name, out, len) == 0) {
		n = strlen(out);
		CHECK(n < len);
		p = strstr(xml, open);
		CHECK(p != NULL);
		p += strlen(open);
		end = strstr(p, close);
		CHECK(end != NULL);
		if (strncmp(p, "<![CDATA[", 9) == 0) {
			CHECK(memcmp(p + 9, out, n) == 0);
			CHECK(p + 9 + n + 3 == end &&
			    memcmp(end - 3, "]]>", 3) == 0);
		} else
			CHECK(p + n == end && memcmp(p, out, n) == 0);
		CHECK(strstr(out, close) == NULL);
	}
	free(out);
}

static void
check_wrapped(const char *v, const char *name)
{
	struct buf	 b = { 0 };
	char		 close[64], *out;
	size_t		 n = strlen(v) + 1;

	snprintf(close, sizeof(close), "</%s>", name);
	if (strstr(v, close) != NULL)
		return;
	out = malloc(n);
	CHECK(out != NULL);
	buf_printf(&b, "<xml><%s><![CDATA[%s]]>%s</xml>", name, v, close);
	CHECK(callback_xml_field(buf_str(&b), name, out, n) == 0);
	CHECK(strcmp(out, v) == 0);
	if (strncmp(v, "<![CDATA[", 9) != 0) {
		buf_clear(&b);
		buf_printf(&b, "<xml><%s>%s%s</xml>", name, v, close);
		CHECK(callback_xml_field(buf_str(&b), name, out, n) == 0);
		CHECK(strcmp(out, v) == 0);
	}
	free(out);
	buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*xml = fuzz_str(data, size);
	size_t	 i;

	for (i = 0; i < sizeof(elems) / sizeof(elems[0]); i++) {
		check_field(xml, elems[i].name, elems[i].len);
		check_field(xml, elems[i].name, size % 16 + 1);
	}
	check_wrapped(xml, "Token");
	free(xml);
	return 0;
}
