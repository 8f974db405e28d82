#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "custcache.h"
#include "decide.h"
#include "util.h"

#define ID_MAX	65	/* ids and keys are <= 64 */

struct cust {
	int64_t		 at;		/* read, ms; 0: empty slot */
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
	free(cc->cust);
	free(cc->order);
	free(cc);
}

/* FNV-1a over a and b. */
static size_t
slot_of(const char *a, const char *b, size_t n)
{
	uint64_t	 h = 0xcbf29ce484222325ULL;

	for (; *a != '\0'; a++)
		h = (h ^ (unsigned char)*a) * 0x100000001b3ULL;
	h = (h ^ 0xff) * 0x100000001b3ULL;
	for (; b != NULL && *b != '\0'; b++)
		h = (h ^ (unsigned char)*b) * 0x100000001b3ULL;
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

enum store_rc
custcache_get(struct custcache *cc, struct store *st, struct arena *a,
    const char *key, const char *order, int sticky_days, int64_t now,
    struct decide_customer *c)
{
	struct cust	*s = NULL;
	struct order	*o = NULL;
	const char	*agent;

	memset(c, 0, sizeof(*c));
	c->key = arena_strdup(a, key);
	if (cc->ncust > 0 && strlen(key) < ID_MAX) {
		s = &cc->cust[slot_of(key, NULL, cc->ncust)];
		if (!(fresh(cc, s->at, now) && strcmp(s->key, key) == 0)) {
			if (store_load_customer(st, a, key, sticky_days, c) ==
			    STORE_ERR)
				return STORE_ERR;
			s->at = now;
			copy_id(s->key, key);
			s->level = c->level;
			free(s->tags);
			s->tags = c->tags != NULL && *c->tags != '\0' ?
			    xstrdup(c->tags) : NULL;
			copy_id(s->manager, c->manager_id);
			copy_id(s->sticky, c->sticky_id);
		}
		c->level = s->level;
		c->tags = or_null(a, s->tags);
		c->manager_id = or_null(a, s->manager);
		c->sticky_id = or_null(a, s->sticky);
	} else if (store_load_customer(st, a, key, sticky_days, c) ==
	    STORE_ERR)
		return STORE_ERR;
	c->key = arena_strdup(a, key);
	if (sticky_days == 0)
		c->sticky_id = NULL;
	if (order == NULL)
		return STORE_OK;
	if (cc->norder > 0 && strlen(order) < ID_MAX) {
		o = &cc->order[slot_of(order, key, cc->norder)];
		if (fresh(cc, o->at, now) && strcmp(o->order, order) == 0 &&
		    strcmp(o->key, key) == 0) {
			c->order_agent_id = or_null(a, o->agent);
			return STORE_OK;
		}
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
		o->at = now;
		copy_id(o->order, order);
		copy_id(o->key, key);
		copy_id(o->agent, agent);
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
	if (strcmp(s->key, key) == 0)
		s->at = 0;
}
