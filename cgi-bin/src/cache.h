/*
 * Where handlers get routing data from. A FastCGI worker (CACHE_SNAPSHOT)
 * keeps one whole snapshot, asks the database for the config version at
 * most once per staleness bound, and reloads only when it moved; live
 * state (presence and load, last assignments for round robin and
 * longest idle) is read incrementally in the same bound without a
 * reload: rows stamped since the newest stamp seen. No query on the hot
 * path. A plain CGI run (CACHE_POINT) lives for one request, so
 * it loads only the rows that request names.
 *
 * The cache owns its snapshots. A snapshot returned by cache_get() stays
 * valid until cache_release(), which the transport calls per request.
 *
 * With a background thread (background = 1, kfroute.fcgi: bgwork.c), the
 * request never asks the database for the version or live state: the
 * thread does, through its own connection, and swaps results in under
 * the mutex, which a request holds from cache_get to cache_release. A
 * frozen database then stalls only that thread; requests answer from the
 * snapshot. Without one (kfwecom.fcgi, kfctl) cache_get refreshes itself.
 */
#ifndef KF_CACHE_H
#define KF_CACHE_H

#include <pthread.h>
#include <stdint.h>

struct decide_customer;
struct snap;
struct store;

enum cache_mode {
	CACHE_SNAPSHOT,
	CACHE_POINT,
};

enum cache_want_kind {
	CACHE_WANT_ENTRY,	/* one entry and what its decision can touch */
	CACHE_WANT_ENTRIES,	/* the enabled entries */
};

/* What a request needs; POINT mode loads only that. */
struct cache_want {
	enum cache_want_kind		 kind;
	const char			*entry;		/* WANT_ENTRY */
	const char			*global_group;	/* may be NULL */
	const struct decide_customer	*customer;	/* may be NULL */
};

struct cache {
	struct store	*store;		/* not owned */
	enum cache_mode	 mode;
	int		 staleness_ms;
	struct snap	*snap;		/* whole snapshot, SNAPSHOT mode */
	struct snap	*request_snap;	/* POINT mode, freed per request */
	int64_t		 checked_ms;	/* last version check, -1 never */
	int64_t		 fresh_ms;	/* last time snap was known current */
	int64_t		 live_mark;	/* newest last assignment seen, ms */
	int64_t		 presence_mark;	/* newest presence stamp seen, ms */
	int64_t		 swept_ms;	/* every presence last read, ms */
	_Atomic int	 db_up;		/* outcome of the last database call */
	int		 background;	/* a thread refreshes (set before use) */
	int		 held;		/* the request holds mu (its thread) */
	/* Guards snap, the marks, fresh_ms against the background thread. */
	pthread_mutex_t	 mu;
};

void		 cache_init(struct cache *, struct store *, enum cache_mode,
		    int staleness_ms);
void		 cache_free(struct cache *);
/*
 * The snapshot to answer from, or NULL when neither the cache nor the
 * database can answer. It is the cache's own: its live state (last
 * assignments, round robin) may be updated by assign_commit().
 */
struct snap	*cache_get(struct cache *, int64_t now_ms,
		    const struct cache_want *);
void		 cache_release(struct cache *);
/*
 * The next cache_get asks the database at once (something named an entry
 * the snapshot does not know yet: it may be minutes younger than the
 * bound, not gone).
 */
void		 cache_invalidate(struct cache *);
/*
 * The background thread's round (every staleness bound): version and live
 * state through st, its own connection; the results go in under the lock.
 */
void		 cache_refresh_background(struct cache *, struct store *st,
		    int64_t now_ms);
/* Milliseconds since the snapshot was last known current, -1 if none. */
int64_t		 cache_age_ms(const struct cache *, int64_t now_ms);

#endif
