#include <iconv.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "textenc.h"
#include "utf8.h"

#define BOM	"\xEF\xBB\xBF"

static int
space(char c)
{
	return c == ' ' || c == '\t';
}

/* The charset parameter's value (quotes off) as one we read. */
static enum textenc
charset(const char *v, size_t n)
{
	static const struct { const char *name; enum textenc cs; } known[] = {
		{ "utf-8", TE_UTF8 }, { "utf8", TE_UTF8 },
		{ "gb18030", TE_GB18030 }, { "gbk", TE_GB18030 },
		{ "gb2312", TE_GB18030 },
	};
	size_t	 i;

	if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
		v++;
		n -= 2;
	}
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strlen(known[i].name) == n &&
		    strncasecmp(known[i].name, v, n) == 0)
			return known[i].cs;
	return TE_OTHER;
}

int
textenc_media(const char *ct, const char *want, enum textenc *cs)
{
	size_t	 n = strlen(want), len;
	const char *name, *eq;

	*cs = TE_DETECT;
	if (ct == NULL || strncasecmp(ct, want, n) != 0)
		return -1;
	ct += n;
	while (space(*ct))
		ct++;
	if (*ct != '\0' && *ct != ';')
		return -1;
	/* ; name=value ... : only charset matters, the last one wins */
	while (*ct == ';') {
		ct++;
		while (space(*ct))
			ct++;
		name = ct;
		len = strcspn(ct, ";");
		ct += len;
		if ((eq = memchr(name, '=', len)) == NULL)
			continue;
		while (len > 0 && space(name[len - 1]))
			len--;
		if (eq - name == 7 && strncasecmp(name, "charset", 7) == 0)
			*cs = charset(eq + 1, len - (size_t)(eq + 1 - name));
	}
	return 0;
}

/* Well-formed UTF-8 without NUL and without U+FFFD. */
static int
clean_utf8(const char *s, size_t n)
{
	size_t	 i;

	if (!utf8_valid(s, n))
		return 0;
	for (i = 0; i + 2 < n; i++)
		if (memcmp(s + i, "\xEF\xBF\xBD", 3) == 0)
			return 0;
	return 1;
}

/* GB18030 to UTF-8, strictly: -1 on any byte sequence it does not map. */
static int
from_gb18030(struct arena *a, const char *in, size_t n, char **out,
    size_t *outlen)
{
	iconv_t	 cd;
	char	*ip = (char *)in, *op, *buf;
	size_t	 il = n, cap, ol, r;

	/* 1 byte -> 1, 2 -> at most 3, 4 -> 4: half as much again. */
	cap = n + n / 2 + 4;
	buf = arena_alloc(a, cap);
	op = buf;
	ol = cap - 1;
	if ((cd = iconv_open("UTF-8", "GB18030")) == (iconv_t)-1)
		return -1;
	r = iconv(cd, &ip, &il, &op, &ol);
	if (r != (size_t)-1)
		r = iconv(cd, NULL, NULL, &op, &ol);
	iconv_close(cd);
	/* EILSEQ, EINVAL (cut short), or a reversible-count > 0 that
	 * means a substitution: all refused. */
	if (r != 0 || il != 0)
		return -1;
	*op = '\0';
	*out = buf;
	*outlen = (size_t)(op - buf);
	return 0;
}

int
textenc_decode(struct arena *a, const char *in, size_t n, enum textenc cs,
    const char **out, size_t *outlen, enum textenc *found)
{
	char	*s;
	size_t	 len;
	int	 bom = n >= 3 && memcmp(in, BOM, 3) == 0;

	if (cs == TE_OTHER)
		return -1;
	/* A UTF-8 BOM settles it, whatever the header said. */
	if (cs == TE_UTF8 || bom || (cs == TE_DETECT && utf8_valid(in, n))) {
		if (bom) {
			in += 3;
			n -= 3;
		}
		if (!clean_utf8(in, n))
			return -1;
		*out = arena_strndup(a, in, n);
		*outlen = n;
		*found = TE_UTF8;
		return 0;
	}
	if (from_gb18030(a, in, n, &s, &len) == -1 || !clean_utf8(s, len))
		return -1;
	/* GB18030's own BOM (84 31 95 33) decodes to U+FEFF: off too. */
	if (len >= 3 && memcmp(s, BOM, 3) == 0) {
		s += 3;
		len -= 3;
	}
	*out = s;
	*outlen = len;
	*found = TE_GB18030;
	return 0;
}
