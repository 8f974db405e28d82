/*
 * UTF-8 checks for input (what we accept) and output (what we write: every
 * JSON answer is valid UTF-8, whatever bytes reach a writer).
 */
#ifndef KF_UTF8_H
#define KF_UTF8_H

#include <stddef.h>

/*
 * Length (1-4) of the well-formed UTF-8 character at s[0..n), or 0 when
 * it is not one (overlong, surrogate, above U+10FFFF, cut short, a stray
 * continuation byte) or is NUL.
 */
size_t	 utf8_char(const char *s, size_t n);
/*
 * 1 when s[0..n) is well-formed UTF-8 (no overlongs, no surrogates, nothing
 * above U+10FFFF) and holds no NUL byte; 0 otherwise.
 */
int	 utf8_valid(const char *s, size_t n);
/*
 * Length of the longest prefix of s[0..n) that is well-formed UTF-8 and at
 * most max bytes: cutting there never splits a character.
 */
size_t	 utf8_prefix(const char *s, size_t n, size_t max);

#endif
