/*
 * The small validators every parser leans on, each against a reference
 * written here from its specification: utf8_char(), utf8_valid() and
 * utf8_prefix() (utf8.c, against Unicode's table of well-formed byte
 * sequences), util_id_valid() and valid_id() (identifiers), and
 * util_parse_llong() (plain decimal within bounds).
 *
 * Invariants: each agrees with its reference on every input, and
 * utf8_prefix() never cuts a character.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "utf8.h"
#include "util.h"
#include "valid.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Well-formed UTF-8 per The Unicode Standard, table 3-7; NUL is not. */
static size_t
ref_char(const unsigned char *s, size_t n)
{
	unsigned char	 lo = 0x80, hi = 0xbf;
	size_t		 need, i;

	if (n == 0 || s[0] == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 1;
	else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		need = 2;
		if (s[0] == 0xe0)
			lo = 0xa0;
		if (s[0] == 0xed)
			hi = 0x9f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		need = 3;
		if (s[0] == 0xf0)
			lo = 0x90;
		if (s[0] == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (n <= need || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i <= need; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return need + 1;
}

static int
ref_id(const char *s, size_t n)
{
	size_t	 i;

	if (n < 1 || n > 64)
		return 0;
	for (i = 0; i < n; i++)
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789_-", s[i]) == NULL || s[i] == '\0')
			return 0;
	return 1;
}

static int
ref_llong(const char *s, long long min, long long max, long long *out)
{
	long long	 v = 0;

	if (*s == '\0' || max < 0)
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' ||
		    __builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, *s - '0', &v))
			return -1;
	}
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static void
check_utf8(const char *s, size_t n, size_t max)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i, w, prefix = 0;
	int			 valid = 1, cut = 0;

	for (i = 0; i < n; i++)
		CHECK(utf8_char(s + i, n - i) == ref_char(u + i, n - i));
	for (i = 0; i < n; i += w) {
		if ((w = ref_char(u + i, n - i)) == 0) {
			valid = 0;
			break;
		}
		if (!cut && i + w <= max)
			prefix = i + w;
		else
			cut = 1;
	}
	CHECK(utf8_valid(s, n) == valid);
	CHECK(utf8_prefix(s, n, max) == prefix);
	CHECK(utf8_valid(s, utf8_prefix(s, n, max)));
}

static void
check_numbers(const char *s)
{
	static const long long	 bounds[][2] = {
		{ 0, LLONG_MAX }, { 0, 99999999999LL }, { 5, 100 }, { 0, 0 },
		{ 1, 65535 }, { 0, -1 },
	};
	long long		 a = -7, b = -7;
	size_t			 i;

	for (i = 0; i < sizeof(bounds) / sizeof(bounds[0]); i++) {
		int r = util_parse_llong(s, bounds[i][0], bounds[i][1], &a);

		CHECK(r == ref_llong(s, bounds[i][0], bounds[i][1], &b));
		CHECK(r == -1 || a == b);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s = fuzz_dup(data, size), *c = fuzz_str(data, size);
	size_t	 n = strlen(c);

	check_utf8(s, size, size > 0 ? data[0] : 0);
	check_utf8(s, size, size / 2);
	CHECK(util_id_valid(s, size) == ref_id(s, size));
	CHECK(valid_id(c, 1, 64) == ref_id(c, n));
	CHECK(valid_id(c, 0, 8) == (n == 0 || (n <= 8 && ref_id(c, n))));
	check_numbers(c);
	free(c);
	free(s);
	return 0;
}
