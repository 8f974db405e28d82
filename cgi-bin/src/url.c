#include <strings.h>
#include <string.h>

#include "url.h"

int
url_http_host(const char *url, const char **host, size_t *len)
{
	const char	*p, *end, *colon;
	size_t		 i;

	for (i = 0; url[i] != '\0'; i++)
		if ((unsigned char)url[i] <= 0x20 || url[i] == 0x7f)
			return -1;
	if (strncasecmp(url, "https://", 8) == 0)
		p = url + 8;
	else if (strncasecmp(url, "http://", 7) == 0)
		p = url + 7;
	else
		return -1;
	end = p + strcspn(p, "/?#");
	if (memchr(p, '@', (size_t)(end - p)) != NULL ||
	    memchr(p, '\\', (size_t)(end - p)) != NULL)
		return -1;
	if ((colon = memchr(p, ':', (size_t)(end - p))) != NULL)
		end = colon;
	if (end == p)
		return -1;
	*host = p;
	*len = (size_t)(end - p);
	return 0;
}
