/*
 * The character set of uploads (textenc.c): textenc_decode() on an exact-
 * size copy, with the charset the first byte picks; textenc_media() on
 * the input as a Content-Type.
 *
 * Invariants: a decode that succeeds gives NUL-terminated well-formed
 * UTF-8 of the length it says, without NUL or U+FFFD, at most half as
 * long again as the input; UTF-8 input comes back byte for byte, less
 * one leading BOM; detection follows textenc.h's rule (UTF-8 found
 * without a BOM holds no U+0080-U+07FF character or does not read as
 * GB18030; GB18030 found is not UTF-8 and not mixed); a detected decode
 * agrees with the explicit one for the
 * charset it found; a media type of any bytes never crashes and names a
 * known charset value.
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "check.h"
#include "textenc.h"
#include "utf8.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const enum textenc pick[] = { TE_DETECT, TE_UTF8, TE_GB18030,
    TE_OTHER };

static void
check_text(const char *out, size_t len, size_t in)
{
	size_t	 i;

	CHECK(strlen(out) == len);
	CHECK(utf8_valid(out, len));
	CHECK(len <= in + in / 2 + 4);
	for (i = 0; i + 2 < len; i++)
		CHECK(memcmp(out + i, "\xEF\xBF\xBD", 3) != 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena	*a;
	char		*s, *ct;
	const char	*out, *out2;
	size_t		 len, len2;
	enum textenc	 cs, found, found2;

	if (size == 0)
		return 0;
	a = arena_new(4096);
	cs = pick[data[0] % 4];
	s = fuzz_dup(data + 1, size - 1);
	if (textenc_decode(a, s, size - 1, cs, &out, &len, &found) == 0) {
		CHECK(cs != TE_OTHER);
		CHECK(found == TE_UTF8 || found == TE_GB18030);
		check_text(out, len, size - 1);
		/* UTF-8 comes back as it was, less one BOM */
		if (found == TE_UTF8 && size - 1 >= 3 &&
		    memcmp(s, "\xEF\xBB\xBF", 3) == 0)
			CHECK(len == size - 4 && memcmp(out, s + 3, len) == 0);
		else if (found == TE_UTF8)
			CHECK(len == size - 1 && memcmp(out, s, len) == 0);
		if (cs == TE_DETECT && found == TE_UTF8 && !(size - 1 >= 3 &&
		    memcmp(s, "\xEF\xBB\xBF", 3) == 0)) {
			size_t	 i;
			int	 narrow = 0;

			for (i = 0; i < size - 1; i++)
				narrow |= (unsigned char)s[i] >= 0xC2 &&
				    (unsigned char)s[i] <= 0xDF;
			CHECK(!narrow || textenc_decode(a, s, size - 1,
			    TE_GB18030, &out2, &len2, &found2) == -1);
		}
		if (cs == TE_DETECT && found == TE_GB18030)
			CHECK(!utf8_valid(s, size - 1) &&
			    !textenc_mixed(s, size - 1));
		if (cs == TE_DETECT) {
			CHECK(textenc_decode(a, s, size - 1, found, &out2,
			    &len2, &found2) == 0);
			CHECK(found2 == found && len2 == len &&
			    memcmp(out, out2, len) == 0);
		}
	}
	ct = fuzz_str(data + 1, size - 1);
	if (textenc_media(ct, "text/csv", &cs) == 0)
		CHECK(cs == TE_DETECT || cs == TE_UTF8 || cs == TE_GB18030 ||
		    cs == TE_OTHER);
	free(ct);
	free(s);
	arena_free(a);
	return 0;
}
