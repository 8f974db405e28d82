#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>

#include <mysql.h>

#include "assign.h"
#include "bgwork.h"
#include "cache.h"
#include "custcache.h"
#include "cfg.h"
#include "log.h"
#include "stats.h"
#include "store.h"
#include "util.h"

/* The thread looks at the clock at least this often (ms). */
#define BG_TICK_MS	100

struct bgwork {
	const struct cfg	*cfg;
	struct cache		*cache;
	struct stats		*stats;
	struct custcache	*customers;	/* may be NULL */
	struct store		*store;		/* the thread's own connection */
	pthread_t		 thread;
	pthread_mutex_t		 mu;
	pthread_cond_t		 wake;
	int			 stopping;	/* under mu */
};

/* Sleep ms, or less when told to stop; 1 when stopping. */
static int
nap(struct bgwork *bg, int ms)
{
	struct timespec	 until;
	int		 stop;

	/* The monotonic clock: a wall clock set back must not stop us. */
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&bg->mu);
	while (!bg->stopping &&
	    pthread_cond_timedwait(&bg->wake, &bg->mu, &until) != ETIMEDOUT)
		continue;
	stop = bg->stopping;
	pthread_mutex_unlock(&bg->mu);
	return stop;
}

static void *
run(void *arg)
{
	struct bgwork	*bg = arg;
	int64_t		 now, checked = 0;

	mysql_thread_init();
	do {
		now = util_now_ms();
		/* Twice per bound: a change is seen within it, a round's
		 * own time included. */
		if (now - checked >= bg->cfg->staleness_ms / 2) {
			checked = now;
			cache_refresh_background(bg->cache, bg->store, now);
			custcache_refresh(bg->customers, bg->store,
			    bg->cfg->routing.sticky_days, now);
		}
		if (stats_due(bg->stats, now, bg->cfg->routing.stats_flush_ms))
			stats_flush(bg->stats, bg->store, now);
		assign_housekeeping(bg->cfg, bg->store, now);
	} while (!nap(bg, bg->cfg->staleness_ms < BG_TICK_MS ?
	    (bg->cfg->staleness_ms > 0 ? bg->cfg->staleness_ms : 1) :
	    BG_TICK_MS));
	mysql_thread_end();
	return NULL;
}

struct bgwork *
bgwork_start(const struct cfg *cfg, struct cache *cache, struct stats *stats,
    struct custcache *customers)
{
	struct bgwork	*bg = xcalloc(1, sizeof(*bg));
	sigset_t		 all, old;
	pthread_condattr_t	 ca;
	int			 rc;

	bg->cfg = cfg;
	bg->cache = cache;
	bg->stats = stats;
	bg->customers = customers;
	bg->store = store_new(cfg, STORE_PUBLIC);
	pthread_mutex_init(&bg->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&bg->wake, &ca);
	pthread_condattr_destroy(&ca);
	cache->background = 1;
	/*
	 * The web server's SIGTERM must reach the main thread, which waits in
	 * poll() for requests: the thread starts with every signal blocked.
	 */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&bg->thread, NULL, run, bg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		log_error("background thread not started: requests refresh "
		    "the snapshot themselves");
		cache->background = 0;
		pthread_cond_destroy(&bg->wake);
		pthread_mutex_destroy(&bg->mu);
		store_free(bg->store);
		free(bg);
		return NULL;
	}
	return bg;
}

void
bgwork_stop(struct bgwork *bg)
{
	if (bg == NULL)
		return;
	pthread_mutex_lock(&bg->mu);
	bg->stopping = 1;
	pthread_cond_signal(&bg->wake);
	pthread_mutex_unlock(&bg->mu);
	pthread_join(bg->thread, NULL);
	bg->cache->background = 0;
	pthread_cond_destroy(&bg->wake);
	pthread_mutex_destroy(&bg->mu);
	store_free(bg->store);
	free(bg);
}
