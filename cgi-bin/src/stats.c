#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "stats.h"
#include "store.h"
#include "util.h"

#define ID_LEN		65	/* ids are at most 64 bytes */
#define REASON_LEN	160
#define MAX_COUNTS	512

struct count_row {
	time_t		 minute;
	char		 entry[ID_LEN], agent[ID_LEN], reason[REASON_LEN];
	unsigned	 count;
};

struct stats {
	/* Requests count while the background thread writes (bgwork.c). */
	pthread_mutex_t		 mu;
	struct count_row	 counts[MAX_COUNTS];
	unsigned		 ncounts;
	int64_t			 flushed_ms;	/* last flush (or start) */
	unsigned		 dropped;	/* lost while full and DB down */
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
	s->flushed_ms = util_now_ms();
	return s;
}

void
stats_free(struct stats *s)
{
	if (s == NULL)
		return;
	pthread_mutex_destroy(&s->mu);
	free(s);
}

static void
copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src != NULL ? src : "");
}

/* Add count to the row of this key (caller holds the lock). */
static void
add(struct stats *s, time_t minute, const char *entry, const char *agent,
    const char *reason, unsigned count)
{
	unsigned	 i;

	for (i = 0; i < s->ncounts; i++) {
		struct count_row *c = &s->counts[i];

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
	s->counts[s->ncounts].minute = minute;
	copy(s->counts[s->ncounts].entry, ID_LEN, entry);
	copy(s->counts[s->ncounts].agent, ID_LEN, agent);
	copy(s->counts[s->ncounts].reason, REASON_LEN, reason);
	s->counts[s->ncounts++].count = count;
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
	due = s->ncounts > 0 && now_ms >= s->retry_ms &&
	    (now_ms - s->flushed_ms >= interval_ms ||
	    s->ncounts == MAX_COUNTS);
	pthread_mutex_unlock(&s->mu);
	return due;
}

/* Rows in key order: every worker locks them in the same order. */
static int
row_cmp(const void *a, const void *b)
{
	const struct count_row	*x = a, *y = b;
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
	struct count_row	*batch;
	unsigned		 i, n;
	int			 ok = 0;

	/* Take the rows out: requests go on counting while they are written. */
	pthread_mutex_lock(&s->mu);
	s->flushed_ms = now_ms;
	if ((n = s->ncounts) == 0) {
		pthread_mutex_unlock(&s->mu);
		return 0;
	}
	batch = xmalloc(xmul(n, sizeof(*batch)));
	memcpy(batch, s->counts, n * sizeof(*batch));
	s->ncounts = 0;
	pthread_mutex_unlock(&s->mu);
	/*
	 * Two workers writing overlapping rows in different orders could
	 * deadlock each other; in one order, one simply waits.
	 */
	qsort(batch, n, sizeof(*batch), row_cmp);
	if (store_begin(db) == STORE_OK) {
		for (i = 0; i < n; i++)
			if (store_add_quotes(db, batch[i].minute,
			    batch[i].entry, batch[i].agent, batch[i].reason,
			    batch[i].count) != STORE_OK)
				break;
		ok = i == n && store_commit(db) == STORE_OK;
	}
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
	return ok ? 0 : -1;
}
