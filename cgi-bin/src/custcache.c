#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "custcache.h"
#include "decide.h"
#include "util.h"

#define ID_MAX	65	/* ids and keys are <= 64 */

struct cust {
	int64_t		 at;		/* read, ms; 0: empty slot */
	int64_t		 used;		/* last asked for, ms */
	char		 key[ID_MAX];
	int		 level;
	char		*tags;		/* NULL: none (most customers) */
	char		 manager[ID_MAX];	/* "" none */
	char		 sticky[ID_MAX];
};

struct order {
	int64_t		 at;
	char		 order[ID_MAX];
	char		 key[ID_MAX];
	char		 agent[ID_MAX];	/* "" none or not theirs */
};

struct custcache {
	pthread_mutex_t	 mu;		/* request vs background thread */
	struct cust	*cust;
	size_t		 ncust;
	struct order	*order;
	size_t		 norder;
	int		 staleness_ms;
};

struct custcache *
custcache_new(size_t slots, int staleness_ms)
{
	struct custcache	*cc = xcalloc(1, sizeof(*cc));

	pthread_mutex_init(&cc->mu, NULL);
	cc->staleness_ms = staleness_ms;
	cc->ncust = slots;
	cc->norder = slots / 4 > 0 ? slots / 4 : (slots > 0);
	/* Zeroed pages cost nothing until a slot is used. */
	if (cc->ncust > 0) {
		cc->cust = xcalloc(cc->ncust, sizeof(*cc->cust));
		cc->order = xcalloc(cc->norder, sizeof(*cc->order));
	}
	return cc;
}

void
custcache_free(struct custcache *cc)
{
	size_t	 i;

	if (cc == NULL)
		return;
	for (i = 0; i < cc->ncust; i++)
		free(cc->cust[i].tags);
	pthread_mutex_destroy(&cc->mu);
	free(cc->cust);
	free(cc->order);
	free(cc);
}

/* The slot of key a (and b, may be NULL) among n. */
static size_t
slot_of(const char *a, const char *b, size_t n)
{
	uint64_t	 h = util_fnv(UTIL_FNV_BASIS, a, strlen(a) + 1);

	if (b != NULL)
		h = util_fnv(h, b, strlen(b));
	return (size_t)(h % n);
}

static void
copy_id(char *dst, const char *src)
{
	size_t	 n = src != NULL ? strlen(src) : 0;

	if (n >= ID_MAX)
		n = 0;		/* not an id: kept as none */
	memcpy(dst, src != NULL ? src : "", n);
	dst[n] = '\0';
}

static const char *
or_null(struct arena *a, const char *s)
{
	return s != NULL && *s != '\0' ? arena_strdup(a, s) : NULL;
}

static int
fresh(const struct custcache *cc, int64_t at, int64_t now)
{
	return at != 0 && now - at < cc->staleness_ms && now >= at;
}

/* c's record into slot s (caller holds the lock). */
static void
keep(struct cust *s, const char *key, const struct decide_customer *c,
    int64_t now)
{
	s->at = now;
	copy_id(s->key, key);
	s->level = c->level;
	free(s->tags);
	s->tags = c->tags != NULL && *c->tags != '\0' ? xstrdup(c->tags) : NULL;
	copy_id(s->manager, c->manager_id);
	copy_id(s->sticky, c->sticky_id);
}

/* The slot's record into c, strings in a (caller holds the lock). */
static void
give(const struct cust *s, struct arena *a, struct decide_customer *c)
{
	c->level = s->level;
	c->tags = or_null(a, s->tags);
	c->manager_id = or_null(a, s->manager);
	c->sticky_id = or_null(a, s->sticky);
}

static int
hit(const struct custcache *cc, const struct cust *s, const char *key,
    int64_t now)
{
	return fresh(cc, s->at, now) && strcmp(s->key, key) == 0;
}

enum store_rc
custcache_get(struct custcache *cc, struct store *st, struct arena *a,
    const char *key, const char *order, int sticky_days, int64_t now,
    struct decide_customer *c)
{
	struct cust	*s = NULL;
	struct order	*o = NULL;
	const char	*agent;
	int		 have = 0;

	memset(c, 0, sizeof(*c));
	if (cc->ncust > 0 && strlen(key) < ID_MAX) {
		s = &cc->cust[slot_of(key, NULL, cc->ncust)];
		pthread_mutex_lock(&cc->mu);
		if ((have = hit(cc, s, key, now))) {
			s->used = now;
			give(s, a, c);
		}
		pthread_mutex_unlock(&cc->mu);
	}
	if (!have) {
		if (store_load_customer(st, a, key, sticky_days, c) ==
		    STORE_ERR)
			return STORE_ERR;
		if (s != NULL) {
			/* Kept, and answered as kept (no empty strings). */
			pthread_mutex_lock(&cc->mu);
			keep(s, key, c, now);
			s->used = now;
			give(s, a, c);
			pthread_mutex_unlock(&cc->mu);
		}
	}
	c->key = arena_strdup(a, key);
	if (sticky_days == 0)
		c->sticky_id = NULL;
	if (order == NULL)
		return STORE_OK;
	if (cc->norder > 0 && strlen(order) < ID_MAX) {
		o = &cc->order[slot_of(order, key, cc->norder)];
		pthread_mutex_lock(&cc->mu);
		if (fresh(cc, o->at, now) && strcmp(o->order, order) == 0 &&
		    strcmp(o->key, key) == 0) {
			c->order_agent_id = or_null(a, o->agent);
			pthread_mutex_unlock(&cc->mu);
			return STORE_OK;
		}
		pthread_mutex_unlock(&cc->mu);
	}
	switch (store_order_agent(st, a, order, key, &agent)) {
	case STORE_OK:
		break;
	case STORE_NOTFOUND:
		agent = NULL;
		break;
	default:
		/* The customer is known; only the order is not. */
		return STORE_OK;
	}
	c->order_agent_id = agent;
	if (o != NULL) {
		pthread_mutex_lock(&cc->mu);
		o->at = now;
		copy_id(o->order, order);
		copy_id(o->key, key);
		copy_id(o->agent, agent);
		pthread_mutex_unlock(&cc->mu);
	}
	return STORE_OK;
}

void
custcache_forget(struct custcache *cc, const char *key)
{
	struct cust	*s;

	if (cc == NULL || cc->ncust == 0 || key == NULL ||
	    strlen(key) >= ID_MAX)
		return;
	s = &cc->cust[slot_of(key, NULL, cc->ncust)];
	pthread_mutex_lock(&cc->mu);
	if (strcmp(s->key, key) == 0)
		s->at = 0;
	pthread_mutex_unlock(&cc->mu);
}

/* Records read by the background thread, put in as they come. */
struct refresh {
	struct custcache	*cc;
	int64_t			 now;
};

static void
refreshed(void *arg, const struct decide_customer *c)
{
	struct refresh	*r = arg;
	struct cust	*s;

	if (strlen(c->key) >= ID_MAX)
		return;
	s = &r->cc->cust[slot_of(c->key, NULL, r->cc->ncust)];
	pthread_mutex_lock(&r->cc->mu);
	/* Still theirs, not forgotten (a commit) nor read since. */
	if (s->at != 0 && s->at <= r->now && strcmp(s->key, c->key) == 0)
		keep(s, c->key, c, r->now);
	pthread_mutex_unlock(&r->cc->mu);
}

/* At most this many a round: a burst of new customers is read by the
 * requests that bring them, as before. */
#define REFRESH_MAX	512

void
custcache_refresh(struct custcache *cc, struct store *st, int sticky_days,
    int64_t now)
{
	char		(*keys)[ID_MAX];
	const char	*ptr[REFRESH_MAX];
	struct refresh	 r = { cc, now };
	size_t		 i, n = 0;

	if (cc == NULL || cc->ncust == 0)
		return;
	keys = xcalloc(REFRESH_MAX, sizeof(*keys));
	pthread_mutex_lock(&cc->mu);
	for (i = 0; i < cc->ncust && n < REFRESH_MAX; i++) {
		const struct cust	*s = &cc->cust[i];

		if (s->at != 0 && now - s->used < cc->staleness_ms &&
		    now - s->at >= cc->staleness_ms / 2) {
			memcpy(keys[n], s->key, ID_MAX);
			ptr[n] = keys[n];
			n++;
		}
	}
	pthread_mutex_unlock(&cc->mu);
	/* A failure leaves the records to age; requests read them then. */
	if (n > 0)
		store_load_customers(st, ptr, n, sticky_days, refreshed, &r);
	free(keys);
}
