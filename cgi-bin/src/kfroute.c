/*
 * kfroute.fcgi: the public API a WeChat mini-program talks to. Runs as a
 * FastCGI worker or, unchanged, as a plain CGI program.
 *
 * Process-lifetime objects (config, database connection, cache) live
 * here around the transport's request loop.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <mysql.h>

#include "api.h"
#include "custcache.h"
#include "bgwork.h"
#include "cache.h"
#include "cfg.h"
#include "https.h"
#include "log.h"
#include "program.h"
#include "req.h"
#include "resp.h"
#include "stats.h"
#include "store.h"
#include "transport.h"
#include "util.h"

struct app {
	struct api	 api;
	struct cache	 cache;
};

static void
handle(void *ctx, struct req *req, struct resp *resp)
{
	struct app	*app = ctx;

	api_handle(&app->api, req, resp);
	cache_release(&app->cache);
}

/* Runs once the response is out (the client never waits for it) and
 * when the worker has been idle for the flush interval. */
static void
after(void *ctx)
{
	struct app	*app = ctx;

	api_after(&app->api);
}

int
main(void)
{
	struct cfg	 cfg;
	struct store	*store;
	struct app	 app;
	struct bgwork	*bg = NULL;
	const char	*path = cfg_path();
	int		 cgi, rc;

	if (program_start("kfroute", path, &cfg, PROGRAM_WEB | PROGRAM_MYSQL)
	    == -1)	/* libcurl: at the first wx.login code (curlso.h) */
		return 1;
	if (cfg.ticket.secret == NULL)
		log_warn("[ticket] secret not set: answers carry no ticket, so "
		    "taps cannot be committed (no rotation, sticky or counts)");
	cgi = transport_is_cgi();
	store = store_new(&cfg, STORE_PUBLIC);
	cache_init(&app.cache, store, cgi ? CACHE_POINT : CACHE_SNAPSHOT,
	    cfg.staleness_ms);
	app.api.cfg = &cfg;
	app.api.cache = &app.cache;
	app.api.store = store;
	app.api.stats = stats_new();
	/* Plain CGI lives for one request: nothing to keep. */
	app.api.customers = custcache_new(cgi ? 0 :
	    (size_t)cfg.cache_customers, cfg.staleness_ms);
	{
		/*
		 * Its one call is jscode2session, made while a tap waits: a
		 * short bound, then the tap goes on as anonymous (and the
		 * cool-down in wxlogin.c spares the next taps the wait).
		 */
		int	 t = cfg.miniprogram.login_timeout_ms;
		struct https_opts ho = { cfg.wecom.ca_file,
		    cfg.wecom.connect_timeout_ms < t ?
		    cfg.wecom.connect_timeout_ms : t, t };

		app.api.https = https_new(&ho);
	}
	app.api.rng = (uint32_t)time(NULL) ^ ((uint32_t)getpid() << 16) ^ 1u;

	if (!cgi) {
		log_info("FastCGI worker started (snapshot, staleness %d ms)",
		    cfg.staleness_ms);
		/* Version, live state, quote counts: off the request path. */
		bg = bgwork_start(&cfg, &app.cache, app.api.stats,
		    app.api.customers);
	}
	/*
	 * Without the thread (plain CGI, or it failed to start) the work
	 * runs after each response, and idle workers wake to write quote
	 * counts within the interval.
	 */
	rc = transport_serve(handle, bg == NULL ? after : NULL,
	    bg == NULL ? cfg.routing.stats_flush_ms : 0, cfg.base_path, &app);
	bgwork_stop(bg);
	if (!cgi)
		log_info("FastCGI worker stopping");
	/* What the interval has not written yet goes now. */
	stats_flush(app.api.stats, store, util_now_ms());
	stats_free(app.api.stats);
	https_free(app.api.https);
	custcache_free(app.api.customers);

	cache_free(&app.cache);
	store_free(store);
	program_end(&cfg, PROGRAM_WEB | PROGRAM_MYSQL);
	return rc == 0 ? 0 : 1;
}
