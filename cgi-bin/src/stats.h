/*
 * Quote counts (views): how often /api/contact answered for each entry,
 * person and reason. Accumulated in the process and written in one
 * transaction every few seconds (after a response, or when the worker has
 * been idle that long), early when the table is half full (4,096 rows),
 * and at exit: no write per quote. Taps and handoffs are not counted here:
 * each is written with its commit (assign.c).
 *
 * Thread-safe: requests count while the background thread (bgwork.c)
 * flushes; a flush takes the rows out, writes them without the lock, and
 * puts them back on failure. A worker killed with SIGKILL loses at most
 * one interval of quote counts (views), never a tap or handoff.
 */
#ifndef KF_STATS_H
#define KF_STATS_H

#include <stdint.h>
#include <time.h>

struct store;
struct stats;

struct stats	*stats_new(void);
void		 stats_free(struct stats *);	/* NULL is a no-op */
/* Count one quote in its UTC minute; agent may be NULL (nobody). */
void		 stats_quote(struct stats *, time_t now, const char *entry,
		    const char *agent, const char *reason);
/*
 * 1 when something waits and interval_ms passed, or the table is half
 * full;
 * never during the cool-down after a failed flush (250 ms, doubling up to
 * 30 s), so a dead database is not asked on every response.
 */
int		 stats_due(struct stats *, int64_t now_ms,
		    int interval_ms);
/*
 * Write everything in one transaction, in key order; 0, or -1 with the
 * transaction rolled back and everything kept for the next try.
 */
int		 stats_flush(struct stats *, struct store *, int64_t now_ms);
/* Pending rows, for tests and logs. */
unsigned	 stats_pending(struct stats *);

#endif
