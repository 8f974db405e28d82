/*
 * The public API's handlers: route a parsed request to its page, read
 * and validate its fields, answer from the cache. The only layer that
 * turns errors into HTTP statuses.
 */
#ifndef KF_API_H
#define KF_API_H

struct cache;
struct cfg;
struct req;
struct resp;

struct api {
	const struct cfg	*cfg;	/* not owned */
	struct cache		*cache;	/* not owned */
};

void	 api_handle(struct api *, struct req *, struct resp *);

#endif
