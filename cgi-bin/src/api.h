/*
 * The public API's handlers: route a parsed request to its page, read
 * and validate its fields, ask the routing engine, answer. The only layer
 * that turns errors into HTTP statuses.
 */
#ifndef KF_API_H
#define KF_API_H

#include <stdint.h>

struct cache;
struct cfg;
struct https;
struct req;
struct resp;
struct stats;
struct store;

struct api {
	const struct cfg	*cfg;	/* not owned; nor are the others */
	struct cache		*cache;
	struct store		*store;	/* customers, orders, commits */
	struct stats		*stats;	/* quote counts */
	struct https		*https;	/* wx.login code exchange */
	struct custcache	*customers;	/* verified customers, orders */
	uint32_t		 rng;	/* xorshift state, for STRAT_RANDOM */
};

void	 api_handle(struct api *, struct req *, struct resp *);
/* After a response, and when idle: write quote counts when due. */
void	 api_after(struct api *);

#endif
