/*
 * What the business knows of verified customers (level, tags, account
 * manager, last agent within the sticky days) and which agent each
 * verified order names, kept per worker for the cache's staleness bound:
 * a verified tap runs no query while its customer was seen within it
 * (the VIP rules, account managers and sticky chats are what verified
 * taps exist for; README, "Performance").
 *
 * A fixed number of slots, each a customer (or an order) by hash; a new
 * one takes the slot of whatever was there. The customers asked for
 * lately are read again by the background thread (custcache_refresh,
 * sixteen to a query) before the bound runs out, so a returning customer
 * costs the request no query; the request reads only one it has no fresh
 * record of. A commit in this worker drops its customer, so the next tap
 * reads the last agent it recorded (custcache_forget); one elsewhere
 * shows within the bound, as the snapshot's live state does. Thread-safe.
 */
#ifndef KF_CUSTCACHE_H
#define KF_CUSTCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct arena;
struct custcache;
struct decide_customer;

/* slots customers (and slots / 4 orders) for staleness_ms; 0 slots:
 * every call asks the database. */
struct custcache	*custcache_new(size_t slots, int staleness_ms);
void			 custcache_free(struct custcache *);	/* NULL ok */
/*
 * Customer key's record into c (strings in arena; c->key is key), and
 * with order (may be NULL) the order's agent when the order is theirs:
 * from the cache when it was read within the bound, else from st (then
 * kept). sticky_days 0: no last agent. STORE_ERR: the database failed
 * and nothing usable was kept (c is then the customer without a record).
 */
enum store_rc		 custcache_get(struct custcache *, struct store *st,
			    struct arena *, const char *key, const char *order,
			    int sticky_days, int64_t now_ms,
			    struct decide_customer *c);
/* This worker committed a tap of the customer: read them again. */
void			 custcache_forget(struct custcache *, const char *key);
/*
 * The background thread's round (twice per bound): the customers asked
 * for within the bound whose record is half as old are read again
 * through st, its own connection. The database is asked without the lock.
 */
void			 custcache_refresh(struct custcache *, struct store *st,
			    int sticky_days, int64_t now_ms);

#endif
