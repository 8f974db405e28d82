/*
 * A FastCGI worker's background thread: the database work no request
 * should wait for. Every staleness bound it asks for the config version
 * and live state (cache_refresh_background), every stats_flush_ms it
 * writes the quote counts, and every few minutes it purges old commit
 * claims, all through a database connection of its own. A frozen or dead
 * database then stalls this thread alone; requests keep answering from
 * the snapshot.
 *
 * Plain CGI has no thread: one request, then exit (stats_flush at exit).
 */
#ifndef KF_BGWORK_H
#define KF_BGWORK_H

struct bgwork;
struct cache;
struct custcache;
struct cfg;
struct stats;

/*
 * Start the thread. cfg, cache and stats stay the caller's and must
 * outlive bgwork_stop; the cache is switched to background refreshing.
 * The thread opens its own connection as role STORE_PUBLIC. NULL when
 * the thread could not start (the cache then refreshes in requests).
 */
struct bgwork	*bgwork_start(const struct cfg *, struct cache *,
		    struct stats *, struct custcache *);
/* Stop the thread (its current database call finishes first) and free. */
void		 bgwork_stop(struct bgwork *);

#endif
