#include <malloc.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "cache.h"
#include "log.h"
#include "snap.h"
#include "store.h"
#include "util.h"

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
	c->presence_mark = 0;
	c->swept_ms = 0;
	c->db_up = 0;
	c->background = 0;
	c->held = 0;
	pthread_mutex_init(&c->mu, NULL);
}

void
cache_free(struct cache *c)
{
	snap_free(c->snap);
	snap_free(c->request_snap);
	c->snap = c->request_snap = NULL;
	pthread_mutex_destroy(&c->mu);
}

/*
 * Live state is re-read from a little before the newest stamp seen: a
 * commit that got its time earlier but finished later is not missed, nor
 * (assignments: each host stamps them) a host whose clock is a little
 * behind. Presence is stamped by the database when the row changes, so
 * only a transaction still open after it can be late: a shorter overlap
 * (a busy corp changes presence many times a second, and each round reads
 * the overlap again), and whatever stays open longer is seen by the sweep
 * of every presence once a minute.
 */
#define LIVE_OVERLAP_MS		10000
#define PRESENCE_OVERLAP_MS	3000
#define PRESENCE_SWEEP_MS	60000

/*
 * Live state read from the database, applied later under the lock: last
 * assignments (kf_agent_activity) and presence and load (kf_agent's live
 * columns), each row with its stamp.
 */
struct live {
	struct live_row	{
		char			 agent[65];
		int64_t			 at_ms;
		int			 presence;	/* else an assignment */
		enum agent_status	 status;
		int			 active;
	}		*rows;
	size_t		 n, cap;
	int64_t		 newest_assigned, newest_presence;
};

static struct live_row *
live_add(struct live *l, const char *agent, int64_t at_ms)
{
	struct live_row	*r;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->rows = xrealloc(l->rows, xmul(l->cap, sizeof(*l->rows)));
	}
	r = &l->rows[l->n++];
	snprintf(r->agent, sizeof(r->agent), "%s", agent);
	r->at_ms = at_ms;
	r->presence = 0;
	return r;
}

static void
live_assigned(void *arg, const char *agent, int64_t at_ms)
{
	struct live	*l = arg;

	live_add(l, agent, at_ms);
	if (at_ms > l->newest_assigned)
		l->newest_assigned = at_ms;
}

static void
live_presence(void *arg, const char *agent, enum agent_status st, int active,
    int64_t at_ms)
{
	struct live	*l = arg;
	struct live_row	*r = live_add(l, agent, at_ms);

	r->presence = 1;
	r->status = st;
	r->active = active;
	if (at_ms > l->newest_presence)
		l->newest_presence = at_ms;
}

/* Live state into the snapshot (caller holds the lock). */
static void
live_apply(struct cache *c, const struct live *l)
{
	size_t	 i;
	int	 moved = 0;

	if (c->snap == NULL)
		return;
	for (i = 0; i < l->n; i++)
		if (l->rows[i].presence)
			snap_presence(c->snap, l->rows[i].agent,
			    l->rows[i].status, l->rows[i].active);
		else
			moved |= snap_assigned(c->snap, l->rows[i].agent,
			    l->rows[i].at_ms);
	if (l->newest_assigned > c->live_mark)
		c->live_mark = l->newest_assigned;
	if (l->newest_presence > c->presence_mark)
		c->presence_mark = l->newest_presence;
	if (moved)
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

/* A freshly loaded snapshot replaces the old (caller holds the lock). */
static void
install(struct cache *c, struct snap *next, int64_t now)
{
	snap_carry_runtime(next, c->snap);
	snap_free(c->snap);
	/* What the old one left in the heaps' middles goes back too. */
	malloc_trim(0);
	c->snap = next;
	c->live_mark = newest_assignment(next);
	c->presence_mark = next->presence_ms;
	c->swept_ms = now;
	c->fresh_ms = now;
}

/*
 * One round of bringing the snapshot up to date through st. locked: the
 * caller holds c->mu throughout (a request); otherwise (the background
 * thread) the database is asked without the lock and only the results
 * are put in under it, so requests never wait for the database.
 *
 * Live state (assignments committed anywhere since the last look) is not
 * configuration: it is read incrementally, without a reload. A failing
 * database leaves the old snapshot in place (stale answers beat none).
 */
static void
refresh_with(struct cache *c, struct store *st, int64_t now, int locked)
{
	long long	 version, have;
	struct snap	*next;
	struct live	 l = { NULL, 0, 0, 0, 0 };
	int64_t		 mark, presence_mark, t0;

	if (store_version(st, &version) != STORE_OK) {
		c->db_up = 0;
		return;
	}
	if (!locked)
		pthread_mutex_lock(&c->mu);
	have = c->snap != NULL ? c->snap->version : -1;
	mark = c->live_mark;
	presence_mark = c->presence_mark;
	/*
	 * Now and then every person's presence: a change whose transaction
	 * stayed open past the overlap after it was stamped is seen then.
	 */
	if (now - c->swept_ms >= PRESENCE_SWEEP_MS) {
		presence_mark = 0;
		c->swept_ms = now;
	}
	if (!locked)
		pthread_mutex_unlock(&c->mu);
	if (have == version) {
		if (store_activity_since(st, mark, LIVE_OVERLAP_MS,
		    live_assigned, &l) != STORE_OK ||
		    store_presence_since(st, presence_mark, PRESENCE_OVERLAP_MS,
		    live_presence, &l) != STORE_OK) {
			c->db_up = 0;
			free(l.rows);
			return;
		}
		if (!locked)
			pthread_mutex_lock(&c->mu);
		live_apply(c, &l);
		c->fresh_ms = now;
		c->db_up = 1;
		if (!locked)
			pthread_mutex_unlock(&c->mu);
		free(l.rows);
		return;
	}
	next = snap_new();
	t0 = util_now_ms();
	if (store_load_all(st, next) != STORE_OK) {
		snap_free(next);
		c->db_up = 0;
		return;
	}
	/* Rare now (configuration only), and worth seeing at scale. */
	log_info("snapshot version %lld: %zu entries, %zu agents, %zu groups "
	    "in %lld ms", next->version, next->nentries, next->nagents,
	    next->ngroups, (long long)(util_now_ms() - t0));
	if (!locked)
		pthread_mutex_lock(&c->mu);
	install(c, next, now);
	c->db_up = 1;
	if (!locked)
		pthread_mutex_unlock(&c->mu);
}

/*
 * In the request (no background thread, a first load, or an entry the
 * snapshot does not know yet): once the bound has passed. An outage costs
 * one failed attempt per bound, not one per request.
 */
static void
refresh(struct cache *c, int64_t now)
{
	if (c->checked_ms >= 0 && now - c->checked_ms < c->staleness_ms)
		return;
	c->checked_ms = now;
	refresh_with(c, c->store, now, 1);
}

void
cache_refresh_background(struct cache *c, struct store *st, int64_t now)
{
	refresh_with(c, st, now, 0);
}

struct snap *
cache_get(struct cache *c, int64_t now, const struct cache_want *want)
{
	enum store_rc	 rc;

	if (c->mode == CACHE_SNAPSHOT) {
		/* Held until cache_release: the background thread's changes
		 * wait for the end of the request. */
		if (!c->held) {
			pthread_mutex_lock(&c->mu);
			c->held = 1;
		}
		if (!c->background || c->snap == NULL || c->checked_ms < 0)
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
	if (c->held) {
		c->held = 0;
		pthread_mutex_unlock(&c->mu);
	}
}

int64_t
cache_age_ms(const struct cache *c, int64_t now)
{
	if (c->mode != CACHE_SNAPSHOT || c->snap == NULL)
		return -1;
	return now - c->fresh_ms;
}
