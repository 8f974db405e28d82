#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "log.h"
#include "stats.h"
#include "store.h"
#include "util.h"

/*
 * Rows of (minute, entry, person, reason) found by a hash: at 100,000
 * entries nearly every quote is a row of its own, so a scan would cost
 * hundreds of comparisons per request. Their strings live in an arena of
 * the table's, swapped out with the rows at a flush.
 */
#define MAX_COUNTS	4096
#define SLOTS		(2 * MAX_COUNTS)	/* a power of two */


struct stats {
	/* Requests count while the background thread writes (bgwork.c). */
	pthread_mutex_t		 mu;
	struct store_quotes	*counts;	/* MAX_COUNTS; strings in keys */
	uint32_t		*slot;		/* SLOTS: row + 1, 0 empty */
	unsigned		 ncounts;
	struct arena		*keys;		/* the rows' strings */
	int64_t			 flushed_ms;	/* last flush (or start) */
	unsigned		 dropped;	/* lost while full */
	/* The database's cool-down: no new try before retry_ms, and the
	 * pause doubles with each failure (one log line per outage). */
	int64_t			 retry_ms;
	int			 pause_ms;
};

struct stats *
stats_new(void)
{
	struct stats	*s = xcalloc(1, sizeof(*s));

	pthread_mutex_init(&s->mu, NULL);
	/* Zeroed pages: memory only as rows come. */
	s->counts = xcalloc(MAX_COUNTS, sizeof(*s->counts));
	s->slot = xcalloc(SLOTS, sizeof(*s->slot));
	s->keys = arena_new(4096);
	s->flushed_ms = util_now_ms();
	return s;
}

void
stats_free(struct stats *s)
{
	if (s == NULL)
		return;
	pthread_mutex_destroy(&s->mu);
	free(s->counts);
	free(s->slot);
	arena_free(s->keys);
	free(s);
}

static uint64_t
key_hash(time_t minute, const char *entry, const char *agent,
    const char *reason)
{
	uint64_t	 h = UTIL_FNV_BASIS ^ (uint64_t)minute;

	/* Each with its NUL: "ab","c" is not "a","bc". */
	h = util_fnv(h, entry, strlen(entry) + 1);
	h = util_fnv(h, agent, strlen(agent) + 1);
	return util_fnv(h, reason, strlen(reason) + 1);
}

/* Add count to the row of this key (caller holds the lock). */
static void
add(struct stats *s, time_t minute, const char *entry, const char *agent,
    const char *reason, unsigned count)
{
	struct store_quotes	*c;
	size_t			 i;

	for (i = key_hash(minute, entry, agent, reason) & (SLOTS - 1);
	    s->slot[i] != 0; i = (i + 1) & (SLOTS - 1)) {
		c = &s->counts[s->slot[i] - 1];
		if (c->minute == minute && strcmp(c->entry, entry) == 0 &&
		    strcmp(c->agent, agent) == 0 &&
		    strcmp(c->reason, reason) == 0) {
			c->count += count;
			return;
		}
	}
	if (s->ncounts == MAX_COUNTS) {
		s->dropped += count;
		return;
	}
	c = &s->counts[s->ncounts];
	c->minute = minute;
	c->entry = arena_strdup(s->keys, entry);
	c->agent = arena_strdup(s->keys, agent);
	c->reason = arena_strdup(s->keys, reason);
	c->count = count;
	s->slot[i] = ++s->ncounts;
}

void
stats_quote(struct stats *s, time_t now, const char *entry, const char *agent,
    const char *reason)
{
	pthread_mutex_lock(&s->mu);
	add(s, now - now % 60, entry, agent != NULL ? agent : "", reason, 1);
	pthread_mutex_unlock(&s->mu);
}

unsigned
stats_pending(struct stats *s)
{
	unsigned	 n;

	pthread_mutex_lock(&s->mu);
	n = s->ncounts;
	pthread_mutex_unlock(&s->mu);
	return n;
}

int
stats_due(struct stats *s, int64_t now_ms, int interval_ms)
{
	int	 due;

	pthread_mutex_lock(&s->mu);
	/* Half full: written early, so a busy second loses nothing. */
	due = s->ncounts > 0 && now_ms >= s->retry_ms &&
	    (now_ms - s->flushed_ms >= interval_ms ||
	    s->ncounts >= MAX_COUNTS / 2);
	pthread_mutex_unlock(&s->mu);
	return due;
}

/* Rows in key order: every worker locks them in the same order. */
static int
row_cmp(const void *a, const void *b)
{
	const struct store_quotes	*x = a, *y = b;
	int			 c;

	if (x->minute != y->minute)
		return x->minute < y->minute ? -1 : 1;
	if ((c = strcmp(x->entry, y->entry)) != 0 ||
	    (c = strcmp(x->agent, y->agent)) != 0)
		return c;
	return strcmp(x->reason, y->reason);
}

int
stats_flush(struct stats *s, struct store *db, int64_t now_ms)
{
	struct store_quotes	*batch;
	struct arena		*keys;
	unsigned		 i, n;
	int			 ok = 0;

	/*
	 * Take the rows out with their strings: requests go on counting,
	 * into a new arena, while they are written.
	 */
	pthread_mutex_lock(&s->mu);
	s->flushed_ms = now_ms;
	if ((n = s->ncounts) == 0) {
		pthread_mutex_unlock(&s->mu);
		return 0;
	}
	batch = xmalloc(xmul(n, sizeof(*batch)));
	memcpy(batch, s->counts, n * sizeof(*batch));
	memset(s->slot, 0, SLOTS * sizeof(*s->slot));
	s->ncounts = 0;
	keys = s->keys;
	s->keys = arena_new(4096);
	pthread_mutex_unlock(&s->mu);
	/*
	 * Two workers writing overlapping rows in different orders could
	 * deadlock each other; in one order, one simply waits.
	 */
	qsort(batch, n, sizeof(*batch), row_cmp);
	if (store_begin(db) == STORE_OK)
		ok = store_add_quotes(db, batch, n) == STORE_OK &&
		    store_commit(db) == STORE_OK;
	if (!ok)
		store_rollback(db);	/* nothing half-written stays */

	pthread_mutex_lock(&s->mu);
	if (ok) {
		if (s->pause_ms != 0)
			log_info("stats: database back, counts written");
		s->pause_ms = 0;
		s->retry_ms = 0;
		if (s->dropped > 0) {
			log_warn("stats: %u quotes not counted while the "
			    "table was full", s->dropped);
			s->dropped = 0;
		}
	} else {
		/* Back with what came meanwhile: the next try adds it once. */
		for (i = 0; i < n; i++)
			add(s, batch[i].minute, batch[i].entry, batch[i].agent,
			    batch[i].reason, batch[i].count);
		if (s->pause_ms == 0)
			log_warn("stats: flush failed, %u rows kept; trying "
			    "again with growing pauses", s->ncounts);
		s->pause_ms = s->pause_ms == 0 ? 250 : s->pause_ms * 2;
		if (s->pause_ms > 30000)
			s->pause_ms = 30000;
		s->retry_ms = now_ms + s->pause_ms;
	}
	pthread_mutex_unlock(&s->mu);
	free(batch);
	arena_free(keys);
	return ok ? 0 : -1;
}
