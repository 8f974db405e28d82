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

/*
 * Mixed files (rows saved in UTF-8 and rows in GBK, pasted together) are
 * not valid UTF-8 and often decode as GB18030, into mojibake. Their UTF-8
 * part shows: walking the bytes as GB18030 characters, UTF-8 sequences of
 * three or four bytes (CJK and the like) keep turning up where real GBK
 * text almost never has one. Measured on GBK text (README.md's Chinese,
 * words.js, gnupg's and MariaDB's zh_CN messages: 1,674 lines, 49,121
 * non-ASCII bytes): 0.01% of the non-ASCII bytes for the whole, at most
 * 11.1% for one line, 14.3% for any 64-byte window, 3.8% for 256 bytes;
 * 0 of 3,407 runs of 2+ Chinese characters alone; uniformly random GB2312
 * characters (rare ones as often as common ones): 1.3-2.5% on average,
 * one of 100,000 short random cells all UTF-8 (6 bytes). So a file is
 * mixed when a third or more of its non-ASCII bytes are such sequences (2x margin over
 * the worst window, 3x over the worst line), or when one line has 9 or
 * more non-ASCII bytes, all such sequences (a row of 3+ CJK characters
 * in UTF-8; no real line came near), or when a shorter line is all such
 * sequences and does not read as ordinary GB2312 text (a UTF-8 name like
 * 张三, E5 BC A0 E4 B8 89, reads as pairs E5BC A0E4 B889: A0E4 lies
 * outside GB2312's symbol and hanzi rows, where a UTF-8 continuation byte
 * lands as a lead or trail byte most of the time; real GBK lines almost
 * never are all UTF-8, and then almost never leave those rows too).
 * Measured: of 53,386 cells of 1-4 characters from the texts above, one
 * UTF-8 line among 40 GBK lines is caught 99.2% of the time (38.1%
 * without this rule); the same cells in GBK: none refused.
 */
#define MIXED_SHARE_DIV	3	/* 1/3 of the non-ASCII bytes */
#define MIXED_LINE_MIN	9

/*
 * Whether s[0..n) reads as GB2312 text: ASCII, and pairs in its symbol
 * rows (lead A1-A9) or hanzi rows (lead B0-F7) with a trail A1-FE.
 */
static int
gb2312_text(const unsigned char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (s[i] < 0x80)
			continue;
		if (i + 1 == n || !((s[i] >= 0xA1 && s[i] <= 0xA9) ||
		    (s[i] >= 0xB0 && s[i] <= 0xF7)) || s[i + 1] < 0xA1 ||
		    s[i + 1] == 0xFF)
			return 0;
		i++;
	}
	return 1;
}

/* The length of a 3- or 4-byte UTF-8 sequence at s[0..n), else 0. */
static size_t
utf8_wide(const unsigned char *s, size_t n)
{
	unsigned char	 lo = 0x80, hi = 0xBF;

	if (n >= 3 && s[0] >= 0xE0 && s[0] <= 0xEF) {
		if (s[0] == 0xE0)
			lo = 0xA0;
		if (s[0] == 0xED)
			hi = 0x9F;
		if (s[1] >= lo && s[1] <= hi && s[2] >= 0x80 && s[2] <= 0xBF)
			return 3;
	}
	if (n >= 4 && s[0] >= 0xF0 && s[0] <= 0xF4) {
		if (s[0] == 0xF0)
			lo = 0x90;
		if (s[0] == 0xF4)
			hi = 0x8F;
		if (s[1] >= lo && s[1] <= hi && s[2] >= 0x80 && s[2] <= 0xBF &&
		    s[3] >= 0x80 && s[3] <= 0xBF)
			return 4;
	}
	return 0;
}

int
textenc_mixed(const char *in, size_t n)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t	 i = 0, k, wide = 0, high = 0, lwide = 0, lhigh = 0, line = 0;

	while (i <= n) {
		if (i == n || s[i] == '\n' || s[i] == '\r') {
			if (lhigh > 0 && lwide == lhigh && (lhigh >=
			    MIXED_LINE_MIN || !gb2312_text(s + line, i - line)))
				return 1;
			lwide = lhigh = 0;
			line = ++i;
			continue;
		}
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((k = utf8_wide(s + i, n - i)) > 0) {
			lwide += k;
			wide += k;
		} else {	/* a GB18030 character: 4 bytes or 2 */
			k = i + 1 < n && s[i + 1] >= 0x30 && s[i + 1] <= 0x39 ?
			    4 : 2;
			if (k > n - i)
				k = n - i;
		}
		lhigh += k;
		high += k;
		i += k;
	}
	return high > 0 && wide * MIXED_SHARE_DIV >= high;
}

/* Whether valid UTF-8 s[0..n) holds a character in U+0080-U+07FF. */
static int
has_narrow(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0xC2 && (unsigned char)s[i] <= 0xDF)
			return 1;
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
	/*
	 * Without a BOM or a charset, UTF-8 whose non-ASCII characters are
	 * all U+0800 or above (CJK...) is UTF-8. One in U+0080-U+07FF is
	 * what GBK bytes look like when they happen to be valid UTF-8
	 * (专业 is D7 A8 D2 B5, "רҵ"): when the bytes decode as GB18030
	 * too, it cannot be told, and is refused.
	 */
	if (cs == TE_DETECT && !bom && utf8_valid(in, n) && has_narrow(in, n) &&
	    from_gb18030(a, in, n, &s, &len) == 0 && clean_utf8(s, len))
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
	/* Guessed GB18030 holding lines or a share of UTF-8: mixed. */
	if (cs == TE_DETECT && textenc_mixed(in, n))
		return -1;
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
