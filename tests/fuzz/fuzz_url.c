/*
 * The redirect host check (url.c): url_http_host() on the input as a C
 * string.
 *
 * Invariants: a host is a non-empty slice of the URL right after
 * "http://" or "https://" (any case), holding no byte that ends or
 * changes a host (/ ? # @ \ :) and, like the whole URL, no control
 * character or space; cfg's allow-list, holding that host, matches
 * exactly that slice in any letter case and not a shorter one.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cfg.h"
#include "check.h"
#include "url.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_allowed(const char *host, size_t len)
{
	static struct cfg	 c;
	char			*up;
	size_t			 i;

	c.redirect_hosts[0] = strndup(host, len);
	up = strndup(host, len);
	CHECK(c.redirect_hosts[0] != NULL && up != NULL);
	for (i = 0; i < len; i++)
		if (up[i] >= 'a' && up[i] <= 'z')
			up[i] = (char)(up[i] - 'a' + 'A');
	CHECK(cfg_redirect_allowed(&c, host, len));
	CHECK(cfg_redirect_allowed(&c, up, len));
	CHECK(!cfg_redirect_allowed(&c, host, len - 1));
	free(up);
	free(c.redirect_hosts[0]);
	c.redirect_hosts[0] = NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*url = fuzz_str(data, size);
	const char	*host = NULL;
	size_t		 len = 0, i, skip;

	if (url_http_host(url, &host, &len) == 0) {
		if (strncasecmp(url, "https://", 8) == 0)
			skip = 8;
		else {
			CHECK(strncasecmp(url, "http://", 7) == 0);
			skip = 7;
		}
		CHECK(host == url + skip);
		CHECK(len > 0 && len <= strlen(host));
		for (i = 0; i < len; i++)
			CHECK(strchr("/?#@\\:", host[i]) == NULL);
		for (i = 0; url[i] != '\0'; i++)
			CHECK((unsigned char)url[i] > 0x20 && url[i] != 0x7f);
		/* What follows the host is a port, a path, or nothing. */
		CHECK(strchr(":/?#", host[len]) != NULL);
		check_allowed(host, len);
	}
	free(url);
	return 0;
}
