/*
 * Decision counts, sticky assignments and agent activity, accumulated in
 * the process and written in one transaction every few seconds (after a
 * response has gone out) and at exit: no synchronous write per request.
 * Fixed-size tables, so counting allocates nothing.
 */
#ifndef KF_STATS_H
#define KF_STATS_H

#include <stdint.h>
#include <time.h>

struct store;
struct stats;

struct stats	*stats_new(void);
void		 stats_free(struct stats *);	/* NULL is a no-op */
/*
 * Count one decision in its UTC minute. agent may be NULL (none);
 * fallback: a preferred person was skipped (the admin page's rate).
 */
void		 stats_count(struct stats *, time_t now, const char *entry,
		    const char *agent, const char *reason, int fallback);
void		 stats_sticky(struct stats *, const char *customer,
		    const char *agent, const char *entry, time_t at);
/* at_ms: unix milliseconds of the assignment. */
void		 stats_activity(struct stats *, const char *agent, int64_t at_ms);
/* 1 when something waits and interval_ms passed, or a table is full. */
int		 stats_due(const struct stats *, int64_t now_ms,
		    int interval_ms);
/* Write everything; kept for the next try when the database fails. */
int		 stats_flush(struct stats *, struct store *, int64_t now_ms);
/* Pending rows, for tests and logs. */
unsigned	 stats_pending(const struct stats *);

#endif
