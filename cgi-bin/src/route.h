/*
 * The public program's URL space, declared once: each page is an enum
 * member with its path and the methods it takes.
 */
#ifndef KF_ROUTE_H
#define KF_ROUTE_H

enum page {
	PAGE_CONTACT,		/* /api/contact: the quote */
	PAGE_TAP,		/* /api/tap: the commit of a quote */
	PAGE_CS_URL,		/* /api/getCustomerServiceUrl (seed API) */
	PAGE_ENTRIES,		/* /api/entries */
	PAGE_GO,		/* /go/<entry> */
	PAGE_HEALTHZ,		/* /healthz */
	PAGE__MAX
};

struct route {
	const char	*path;	/* exact, or a prefix when it ends in '/' */
	unsigned	 methods;	/* REQ_M() bits */
	int		 body;	/* 1: read the request body */
};

/*
 * Match a decoded path. Returns the page or PAGE__MAX. For a prefix route
 * *arg points at the rest of the path (never containing '/').
 */
enum page	 route_match(const char *path, const char **arg);
const struct route *route_get(enum page);
/* "GET, HEAD" etc. for the Allow header of a page. */
const char	*route_allow(enum page);

#endif
