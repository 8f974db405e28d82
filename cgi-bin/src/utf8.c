#include "utf8.h"

size_t
utf8_char(const char *str, size_t n)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 need, k;
	unsigned		 cp, min;

	if (n == 0 || s[0] == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		need = 1; cp = s[0] & 0x1f; min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		need = 2; cp = s[0] & 0x0f; min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		need = 3; cp = s[0] & 0x07; min = 0x10000;
	} else
		return 0;
	if (n <= need)
		return 0;
	for (k = 1; k <= need; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[k] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return need + 1;
}

int
utf8_valid(const char *s, size_t n)
{
	size_t	 i = 0, w;

	while (i < n) {
		if ((w = utf8_char(s + i, n - i)) == 0)
			return 0;
		i += w;
	}
	return 1;
}

size_t
utf8_prefix(const char *s, size_t n, size_t max)
{
	size_t	 i = 0, w;

	while (i < n && (w = utf8_char(s + i, n - i)) != 0 && i + w <= max)
		i += w;
	return i;
}
