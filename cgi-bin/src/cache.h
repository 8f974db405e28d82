/*
 * Where handlers get routing data from. A FastCGI worker (CACHE_SNAPSHOT)
 * keeps one whole snapshot, asks the database for the config version at
 * most once per staleness bound, and reloads only when it moved: no query
 * on the hot path. A plain CGI run (CACHE_POINT) lives for one request, so
 * it loads only the rows that request names.
 *
 * The cache owns its snapshots. A snapshot returned by cache_get() stays
 * valid until cache_release(), which the transport calls per request.
 */
#ifndef KF_CACHE_H
#define KF_CACHE_H

#include <stdint.h>

struct snap;
struct store;

enum cache_mode {
	CACHE_SNAPSHOT,
	CACHE_POINT,
};

enum cache_want {
	CACHE_WANT_ENTRY,	/* one entry by id, with its agent */
	CACHE_WANT_ENTRIES,	/* the enabled entries */
};

struct cache {
	struct store	*store;		/* not owned */
	enum cache_mode	 mode;
	int		 staleness_ms;
	struct snap	*snap;		/* whole snapshot, SNAPSHOT mode */
	struct snap	*request_snap;	/* POINT mode, freed per request */
	int64_t		 checked_ms;	/* last version check, -1 never */
	int64_t		 fresh_ms;	/* last time snap was known current */
	int		 db_up;		/* outcome of the last database call */
};

void		 cache_init(struct cache *, struct store *, enum cache_mode,
		    int staleness_ms);
void		 cache_free(struct cache *);
/*
 * The snapshot to answer from, or NULL when neither the cache nor the
 * database can answer. In POINT mode id names the entry (WANT_ENTRY).
 */
const struct snap *cache_get(struct cache *, int64_t now_ms,
		    enum cache_want, const char *id);
void		 cache_release(struct cache *);
/* Milliseconds since the snapshot was last known current, -1 if none. */
int64_t		 cache_age_ms(const struct cache *, int64_t now_ms);

#endif
