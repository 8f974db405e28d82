#include <stddef.h>

#include "cache.h"
#include "log.h"
#include "snap.h"
#include "store.h"

void
cache_init(struct cache *c, struct store *store, enum cache_mode mode,
    int staleness_ms)
{
	c->store = store;
	c->mode = mode;
	c->staleness_ms = staleness_ms;
	c->snap = NULL;
	c->request_snap = NULL;
	c->checked_ms = -1;
	c->fresh_ms = -1;
	c->live_mark = 0;
	c->db_up = 0;
}

void
cache_free(struct cache *c)
{
	snap_free(c->snap);
	snap_free(c->request_snap);
	c->snap = c->request_snap = NULL;
}

/*
 * Live state is re-read from a little before the newest assignment seen:
 * a commit that got its time earlier but finished later is not missed,
 * nor is a host whose clock is a little behind.
 */
#define LIVE_OVERLAP_MS	10000

struct live {
	struct snap	*snap;
	int64_t		 newest;
	int		 moved;
};

static void
live_row(void *arg, const char *agent, int64_t at_ms)
{
	struct live	*l = arg;

	if (at_ms > l->newest)
		l->newest = at_ms;
	l->moved |= snap_assigned(l->snap, agent, at_ms);
}

/*
 * Assignments committed anywhere since the last look (live state, not
 * configuration: no reload). Round robin and longest idle follow.
 */
static void
refresh_live(struct cache *c)
{
	struct live	 l = { c->snap, c->live_mark, 0 };

	if (store_activity_since(c->store, c->live_mark - LIVE_OVERLAP_MS,
	    live_row, &l) != STORE_OK) {
		c->db_up = 0;
		return;
	}
	c->live_mark = l.newest;
	if (l.moved)
		snap_rotation(c->snap);
}

static int64_t
newest_assignment(const struct snap *s)
{
	int64_t	 best = 0;
	size_t	 i;

	for (i = 0; i < s->nagents; i++)
		if (s->agents[i].last_assigned > best)
			best = s->agents[i].last_assigned;
	return best;
}

/*
 * Bring the whole snapshot up to date if the bound has passed. A failing
 * database leaves the old snapshot in place (stale answers beat none) and
 * is asked again only after another bound, so an outage costs one failed
 * attempt per bound, not one per request.
 */
static void
refresh(struct cache *c, int64_t now)
{
	long long	 version;
	struct snap	*next;

	if (c->checked_ms >= 0 && now - c->checked_ms < c->staleness_ms)
		return;
	c->checked_ms = now;
	if (store_version(c->store, &version) != STORE_OK) {
		c->db_up = 0;
		return;
	}
	c->db_up = 1;
	if (c->snap != NULL && c->snap->version == version) {
		refresh_live(c);
		if (c->db_up)
			c->fresh_ms = now;
		return;
	}
	next = snap_new();
	if (store_load_all(c->store, next) != STORE_OK) {
		snap_free(next);
		c->db_up = 0;
		return;
	}
	log_debug("snapshot version %lld loaded", next->version);
	snap_carry_runtime(next, c->snap);
	snap_free(c->snap);
	c->snap = next;
	c->live_mark = newest_assignment(next);
	c->fresh_ms = now;
}

struct snap *
cache_get(struct cache *c, int64_t now, const struct cache_want *want)
{
	enum store_rc	 rc;

	if (c->mode == CACHE_SNAPSHOT) {
		refresh(c, now);
		return c->snap;
	}
	snap_free(c->request_snap);
	c->request_snap = snap_new();
	rc = want->kind == CACHE_WANT_ENTRY ?
	    store_load_entry(c->store, want->entry, want->global_group,
	    want->customer, c->request_snap) :
	    store_load_enabled_entries(c->store, c->request_snap);
	c->db_up = rc == STORE_OK;
	if (rc != STORE_OK) {
		snap_free(c->request_snap);
		c->request_snap = NULL;
		return NULL;
	}
	c->fresh_ms = now;
	return c->request_snap;
}

void
cache_invalidate(struct cache *c)
{
	c->checked_ms = -1;
}

void
cache_release(struct cache *c)
{
	snap_free(c->request_snap);
	c->request_snap = NULL;
}

int64_t
cache_age_ms(const struct cache *c, int64_t now)
{
	if (c->mode != CACHE_SNAPSHOT || c->snap == NULL)
		return -1;
	return now - c->fresh_ms;
}
