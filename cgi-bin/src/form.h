/*
 * application/x-www-form-urlencoded (also used for query strings).
 */
#ifndef KF_FORM_H
#define KF_FORM_H

#include <stddef.h>

#include "apierr.h"

struct arena;

struct form_pair {
	const char	*key;	/* decoded, NUL-terminated, in the arena */
	const char	*val;	/* decoded, NUL-terminated, in the arena */
	size_t		 vlen;
};

struct form {
	struct form_pair	*pairs;	/* in the arena */
	size_t			 n;
	const char		*bad;	/* on failure, the key whose value was
					 * bad (when the key itself is good) */
};

/*
 * Decode s[0..len) into *f. '+' is a space, %XX a byte. Returns AE_BAD_FORM
 * for a broken escape, AE_BAD_UTF8 when a decoded key or value is not
 * UTF-8 (or holds NUL). Everything lives in the arena.
 */
enum apierr	 form_parse(struct arena *, const char *s, size_t len,
		    struct form *f);
/*
 * Percent-decode src[0..len) into a new arena string ('+' stays '+', as in
 * a URL path). Returns NULL for a broken escape or a NUL byte.
 */
char		*form_pct_decode(struct arena *, const char *src, size_t len);

#endif
