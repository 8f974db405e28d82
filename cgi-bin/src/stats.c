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
#define MAX_STICKY	256
#define MAX_ACTIVITY	128

struct count_row {
	time_t		 minute;
	char		 entry[ID_LEN], agent[ID_LEN], reason[REASON_LEN];
	unsigned	 count;
	unsigned	 fallbacks;	/* of count, someone preferred skipped */
};

struct sticky_row {
	char		 customer[ID_LEN], agent[ID_LEN], entry[ID_LEN];
	time_t		 at;
};

struct activity_row {
	char		 agent[ID_LEN];
	int64_t		 at;	/* unix milliseconds */
};

struct stats {
	struct count_row	 counts[MAX_COUNTS];
	unsigned		 ncounts;
	struct sticky_row	 sticky[MAX_STICKY];
	unsigned		 nsticky;
	struct activity_row	 activity[MAX_ACTIVITY];
	unsigned		 nactivity;
	int64_t			 flushed_ms;	/* last flush (or start) */
	unsigned		 dropped;	/* lost while full and DB down */
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
stats_count(struct stats *s, time_t now, const char *entry, const char *agent,
    const char *reason, int fallback)
{
	time_t		 minute = now - now % 60;
	const char	*a = agent != NULL ? agent : "";
	unsigned	 i;

	for (i = 0; i < s->ncounts; i++) {
		struct count_row *c = &s->counts[i];

		if (c->minute == minute && strcmp(c->entry, entry) == 0 &&
		    strcmp(c->agent, a) == 0 && strcmp(c->reason, reason) == 0) {
			c->count++;
			c->fallbacks += fallback != 0;
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
	s->counts[s->ncounts].fallbacks = fallback != 0;
	s->counts[s->ncounts++].count = 1;
}

void
stats_sticky(struct stats *s, const char *customer, const char *agent,
    const char *entry, time_t at)
{
	unsigned	 i;

	/* Only the latest assignment per customer matters. */
	for (i = 0; i < s->nsticky; i++)
		if (strcmp(s->sticky[i].customer, customer) == 0)
			break;
	if (i == MAX_STICKY) {
		s->dropped++;
		return;
	}
	if (i == s->nsticky)
		s->nsticky++;
	copy(s->sticky[i].customer, ID_LEN, customer);
	copy(s->sticky[i].agent, ID_LEN, agent);
	copy(s->sticky[i].entry, ID_LEN, entry);
	s->sticky[i].at = at;
}

void
stats_activity(struct stats *s, const char *agent, int64_t at)
{
	unsigned	 i;

	for (i = 0; i < s->nactivity; i++)
		if (strcmp(s->activity[i].agent, agent) == 0)
			break;
	if (i == MAX_ACTIVITY) {
		s->dropped++;
		return;
	}
	if (i == s->nactivity)
		s->nactivity++;
	copy(s->activity[i].agent, ID_LEN, agent);
	s->activity[i].at = at;
}

unsigned
stats_pending(const struct stats *s)
{
	return s->ncounts + s->nsticky + s->nactivity;
}

int
stats_due(const struct stats *s, int64_t now_ms, int interval_ms)
{
	if (stats_pending(s) == 0)
		return 0;
	return now_ms - s->flushed_ms >= interval_ms ||
	    s->ncounts == MAX_COUNTS || s->nsticky == MAX_STICKY ||
	    s->nactivity == MAX_ACTIVITY;
}

int
stats_flush(struct stats *s, struct store *db, int64_t now_ms)
{
	unsigned	 i;

	s->flushed_ms = now_ms;
	if (stats_pending(s) == 0)
		return 0;
	if (store_begin(db) != STORE_OK)
		goto fail;
	for (i = 0; i < s->ncounts; i++)
		if (store_add_stat(db, s->counts[i].minute, s->counts[i].entry,
		    s->counts[i].agent, s->counts[i].reason,
		    s->counts[i].count, s->counts[i].fallbacks) != STORE_OK)
			goto fail;
	for (i = 0; i < s->nsticky; i++)
		if (store_record_sticky(db, s->sticky[i].customer,
		    s->sticky[i].agent, s->sticky[i].entry,
		    s->sticky[i].at) != STORE_OK)
			goto fail;
	for (i = 0; i < s->nactivity; i++)
		if (store_record_activity(db, s->activity[i].agent,
		    s->activity[i].at) != STORE_OK)
			goto fail;
	if (store_commit(db) != STORE_OK)
		goto fail;
	s->ncounts = s->nsticky = s->nactivity = 0;
	if (s->dropped > 0) {
		log_warn("stats: %u records dropped while the tables were full",
		    s->dropped);
		s->dropped = 0;
	}
	return 0;
fail:
	/* The transaction rolled back: everything stays for the next try. */
	log_warn("stats: flush failed, %u records kept", stats_pending(s));
	return -1;
}
