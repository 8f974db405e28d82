/*
 * The character set of an uploaded text file (CSV imports): UTF-8 with
 * or without a BOM, or GB18030 (the superset of GBK and GB2312 that
 * Chinese Excel writes by default), decoded to UTF-8 with glibc's iconv.
 * Anything else is refused rather than guessed at: a decode never
 * produces U+FFFD, so a lost character cannot reach the database.
 */
#ifndef KF_TEXTENC_H
#define KF_TEXTENC_H

#include <stddef.h>

struct arena;

enum textenc {
	TE_DETECT,	/* no charset given: see textenc_decode() */
	TE_UTF8,
	TE_GB18030,	/* gb18030, gbk, gb2312 */
	TE_OTHER	/* a charset we do not read */
};

/*
 * Whether ctype (a Content-Type value, may be NULL) is the media type
 * want ("text/csv"), any case, with optional parameters: 0 with *cs the
 * charset it names (TE_DETECT when none), or -1 when it is another type.
 */
int	 textenc_media(const char *ctype, const char *want, enum textenc *cs);
/*
 * Whether in[0..n), read as GB18030, looks like UTF-8 and GBK pasted
 * together: a line of 9+ non-ASCII bytes all UTF-8 sequences of 3 or 4
 * bytes, or a third of all its non-ASCII bytes such (textenc.c says why).
 */
int	 textenc_mixed(const char *in, size_t n);
/*
 * in[0..n) as UTF-8 text: NUL-terminated in the arena, without its
 * leading BOM (UTF-8's, or GB18030's 84 31 95 33),
 * without NUL bytes or U+FFFD. *found says what the input was. -1 when
 * the bytes are not in charset cs (for TE_DETECT: neither UTF-8 nor
 * GB18030), or hold NUL or U+FFFD.
 *
 * TE_DETECT, deterministically: a UTF-8 BOM means UTF-8 (Excel's "CSV
 * UTF-8" always writes one). Without one, valid UTF-8 whose non-ASCII
 * characters are all U+0800 or above (CJK...) is UTF-8; valid UTF-8 with
 * a character in U+0080-U+07FF that also decodes cleanly as GB18030 is
 * ambiguous (GBK 专业 is D7 A8 D2 B5, valid UTF-8 "רҵ"): -1; otherwise
 * UTF-8. Bytes not valid UTF-8 are GB18030, unless textenc_mixed(): -1.
 */
int	 textenc_decode(struct arena *, const char *in, size_t n,
	    enum textenc cs, const char **out, size_t *outlen,
	    enum textenc *found);

#endif
