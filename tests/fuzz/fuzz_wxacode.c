/*
 * What getwxacodeunlimit answered (wxacode.c): wxacode_answer() on the
 * exact bytes, and the scene and page checks on the input as a string.
 *
 * Invariants: an image is exactly an answer starting with the PNG or
 * JPEG signature, with no errcode; a refusal carries a non-zero errcode;
 * anything else is neither. A scene that passes is 1..32 bytes of
 * WeChat's visible set; a page that is made from a target has no leading
 * /, no ? or #, and is a piece of the target.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "wxacode.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char	 visible[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$&'()*+,/:;=?@-._~";
	char			*bytes = fuzz_dup(data, size);
	char			*s = fuzz_str(data, size);
	char			 page[64];
	enum wxacode_rc		 rc;
	int			 errcode = 12345;
	size_t			 n;

	rc = wxacode_answer(bytes, size, &errcode);
	CHECK(rc == WXA_OK || rc == WXA_REFUSED || rc == WXA_BAD_ANSWER);
	if (rc == WXA_OK) {
		CHECK(errcode == 0);
		CHECK(size > 3 && (memcmp(bytes, "\x89PNG", 4) == 0 ||
		    memcmp(bytes, "\xff\xd8\xff", 3) == 0));
	} else if (rc == WXA_REFUSED)
		CHECK(errcode != 0);
	else
		CHECK(errcode == 0);

	if (wxacode_scene_ok(s)) {
		n = strlen(s);
		CHECK(n >= 1 && n <= WXACODE_SCENE_MAX);
		CHECK(strspn(s, visible) == n);
	}
	if (wxacode_page(s, page, sizeof(page)) == 0) {
		n = strlen(page);
		CHECK(n > 0 && n < sizeof(page));
		CHECK(page[0] != '/');
		CHECK(strpbrk(page, "?#") == NULL);
		CHECK(strstr(s, page) != NULL);
	}
	free(bytes);
	free(s);
	return 0;
}
