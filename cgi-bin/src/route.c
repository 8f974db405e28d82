#include <string.h>

#include "req.h"
#include "route.h"

#define M_READ	(REQ_M(REQ_GET) | REQ_M(REQ_HEAD))

static const struct route routes[PAGE__MAX] = {
	[PAGE_CONTACT] = { "/api/contact", M_READ | REQ_M(REQ_POST), 1 },
	[PAGE_TAP] = { "/api/tap", REQ_M(REQ_POST), 1 },
	[PAGE_CS_URL] = { "/api/getCustomerServiceUrl", REQ_M(REQ_POST), 1 },
	[PAGE_ENTRIES] = { "/api/entries", M_READ, 0 },
	[PAGE_GO] = { "/go/", M_READ, 0 },
	[PAGE_HEALTHZ] = { "/healthz", M_READ, 0 },
};

static const char *const allow[PAGE__MAX] = {
	[PAGE_CONTACT] = "GET, HEAD, POST",
	[PAGE_TAP] = "POST",
	[PAGE_CS_URL] = "POST",
	[PAGE_ENTRIES] = "GET, HEAD",
	[PAGE_GO] = "GET, HEAD",
	[PAGE_HEALTHZ] = "GET, HEAD",
};

enum page
route_match(const char *path, const char **arg)
{
	size_t	 i, n;

	*arg = NULL;
	for (i = 0; i < PAGE__MAX; i++) {
		n = strlen(routes[i].path);
		if (routes[i].path[n - 1] != '/') {
			if (strcmp(path, routes[i].path) == 0)
				return (enum page)i;
		} else if (strncmp(path, routes[i].path, n) == 0 &&
		    strchr(path + n, '/') == NULL) {
			*arg = path + n;
			return (enum page)i;
		}
	}
	return PAGE__MAX;
}

const struct route *
route_get(enum page p)
{
	return &routes[p];
}

const char *
route_allow(enum page p)
{
	return allow[p];
}
