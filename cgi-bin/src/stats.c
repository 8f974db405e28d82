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

	s->flushed_ms = util_now_ms();
	return s;
}

void
stats_free(struct stats *s)
{
	free(s);
}

static void
copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src != NULL ? src : "");
}

void
stats_quote(struct stats *s, time_t now, const char *entry, const char *agent,
    const char *reason)
{
	time_t		 minute = now - now % 60;
	const char	*a = agent != NULL ? agent : "";
	unsigned	 i;

	for (i = 0; i < s->ncounts; i++) {
		struct count_row *c = &s->counts[i];

		if (c->minute == minute && strcmp(c->entry, entry) == 0 &&
		    strcmp(c->agent, a) == 0 && strcmp(c->reason, reason) == 0) {
			c->count++;
			return;
		}
	}
	if (s->ncounts == MAX_COUNTS) {
		s->dropped++;
		return;
	}
	s->counts[s->ncounts].minute = minute;
	copy(s->counts[s->ncounts].entry, ID_LEN, entry);
	copy(s->counts[s->ncounts].agent, ID_LEN, a);
	copy(s->counts[s->ncounts].reason, REASON_LEN, reason);
	s->counts[s->ncounts++].count = 1;
}

unsigned
stats_pending(const struct stats *s)
{
	return s->ncounts;
}

int
stats_due(const struct stats *s, int64_t now_ms, int interval_ms)
{
	if (stats_pending(s) == 0 || now_ms < s->retry_ms)
		return 0;
	return now_ms - s->flushed_ms >= interval_ms ||
	    s->ncounts == MAX_COUNTS;
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
	unsigned	 i;

	s->flushed_ms = now_ms;
	if (stats_pending(s) == 0)
		return 0;
	/*
	 * Two workers writing overlapping rows in different orders could
	 * deadlock each other; in one order, one simply waits.
	 */
	qsort(s->counts, s->ncounts, sizeof(s->counts[0]), row_cmp);
	if (store_begin(db) != STORE_OK)
		goto fail;
	for (i = 0; i < s->ncounts; i++)
		if (store_add_quotes(db, s->counts[i].minute,
		    s->counts[i].entry, s->counts[i].agent,
		    s->counts[i].reason, s->counts[i].count) != STORE_OK)
			goto fail;
	if (store_commit(db) != STORE_OK)
		goto fail;
	s->ncounts = 0;
	if (s->pause_ms != 0)
		log_info("stats: database back, counts written");
	s->pause_ms = 0;
	s->retry_ms = 0;
	if (s->dropped > 0) {
		log_warn("stats: %u quotes not counted while the table was "
		    "full", s->dropped);
		s->dropped = 0;
	}
	return 0;
fail:
	/* Nothing half-written stays: the next try adds the batch once. */
	store_rollback(db);
	if (s->pause_ms == 0)
		log_warn("stats: flush failed, %u rows kept; trying again "
		    "with growing pauses", stats_pending(s));
	s->pause_ms = s->pause_ms == 0 ? 250 : s->pause_ms * 2;
	if (s->pause_ms > 30000)
		s->pause_ms = 30000;
	s->retry_ms = now_ms + s->pause_ms;
	return -1;
}
