/*
 * Process-wide helpers: allocation that aborts on exhaustion, monotonic
 * time, string bits. Out-of-memory is handled in exactly one place (here),
 * as lighttpd's ck_malloc does, instead of half-handled at every call site.
 */
#ifndef KF_UTIL_H
#define KF_UTIL_H

#include <stddef.h>
#include <stdint.h>

/*
 * a + b, or the program dies as out of memory when that overflows: sizes
 * computed from input (lengths, counts) never wrap to a small allocation.
 */
size_t	 xadd(size_t a, size_t b);
size_t	 xmul(size_t a, size_t b);	/* a * b, the same way */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
char	*xstrdup(const char *);

/* Milliseconds on CLOCK_MONOTONIC: for ages and staleness, never for dates. */
int64_t	 util_now_ms(void);
/* Unix time in milliseconds (wall clock): for ordering events. */
int64_t	 util_wall_ms(void);

/*
 * Parse a whole decimal string into *out within [min, max]. No sign, no
 * blanks, no trailing junk. Returns 0 on success, -1 otherwise.
 */
int	 util_parse_llong(const char *s, long long min, long long max,
	    long long *out);

/*
 * FNV-1a of p[0..n) continued from h (UTIL_FNV_BASIS to start): the hash
 * of the in-process tables (snapshot building, customers, quote counts).
 */
#define UTIL_FNV_BASIS	0xcbf29ce484222325ULL
uint64_t util_fnv(uint64_t h, const void *p, size_t n);

/* Index of name in names[0..n), or -1: for enum <-> text tables. */
int	 util_name_index(const char *const *names, int n, const char *name);

/* Longest identifier (entry, agent, group, customer, order...). */
#define UTIL_ID_MAX	64
/*
 * The one identifier check of every input (public API, admin API, CSV,
 * WeCom callback, tickets, tokens, kfctl): s[0..len) is
 * [A-Za-z0-9_-]{1,UTIL_ID_MAX}. A NUL inside fails (it is no such byte).
 */
int	 util_id_valid(const char *s, size_t len);

#endif
