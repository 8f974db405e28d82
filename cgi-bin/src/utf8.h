#ifndef KF_UTF8_H
#define KF_UTF8_H

#include <stddef.h>

/*
 * 1 when s[0..n) is well-formed UTF-8 (no overlongs, no surrogates, nothing
 * above U+10FFFF) and holds no NUL byte; 0 otherwise.
 */
int	 utf8_valid(const char *s, size_t n);

#endif
