/*
 * Helpers shared by the libFuzzer harnesses (tests/fuzz/fuzz_*.c): input
 * splitting, exact-size copies and the invariant checks. A broken
 * invariant abort()s, which libFuzzer reports as a crash with the input.
 */
#ifndef KF_FUZZ_CHECK_H
#define KF_FUZZ_CHECK_H

#include <stddef.h>
#include <stdint.h>

struct buf;

/* Abort with file:line and what was expected when cond is false. */
#define CHECK(cond)	((cond) ? (void)0 : \
	check_fail(__FILE__, __LINE__, #cond))

void	 check_fail(const char *file, int line, const char *what)
	    __attribute__((noreturn));

/* An exact-size heap copy (no NUL after it: ASan sees any over-read). */
char	*fuzz_dup(const uint8_t *data, size_t size);
/* A NUL-terminated heap copy (stops nothing: inner NULs stay). */
char	*fuzz_str(const uint8_t *data, size_t size);

/*
 * The input cut at NUL bytes into at most max pieces (max <= 8): s[i] is
 * a NUL-terminated string for i < n, NULL from n on (the input ran out:
 * a CGI variable that is absent). The last piece present runs to the end
 * of the input and may hold NULs: last_len is its length. One heap copy,
 * released by fuzz_split_free().
 */
struct split {
	char	*s[8];
	size_t	 n;		/* pieces present, 1..max */
	size_t	 last_len;	/* length of s[n - 1] */
	char	*block;
};

void	 fuzz_split(const uint8_t *data, size_t size, size_t max,
	    struct split *);
void	 fuzz_split_free(struct split *);

/* Percent-encode s[0..n) (every byte but [A-Za-z0-9/_.~-]) into b. */
void	 fuzz_pct_encode(struct buf *, const char *s, size_t n, int form);

/* 1 when s[0..n) is valid UTF-8 and one strict JSON object. */
int	 fuzz_json_object(const char *s, size_t n);

#endif
