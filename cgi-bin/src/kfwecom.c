/*
 * kfwecom.fcgi: WeCom's callback endpoint (/wecom/callback). A program of
 * its own, so the public API keeps its small privileges. It records each
 * callback's news and answers at once; under FastCGI `kfctl wecom worker`
 * pulls and works, under plain CGI this process does after answering.
 */
#include <stdio.h>
#include <stdlib.h>

#include <curl/curl.h>
#include <mysql.h>

#include "cache.h"
#include "callback.h"
#include "cfg.h"
#include "log.h"
#include "program.h"
#include "pull.h"
#include "req.h"
#include "resp.h"
#include "store.h"
#include "transport.h"
#include "wecom.h"

static void
handle(void *ctx, struct req *req, struct resp *resp)
{
	callback_handle(ctx, req, resp);
}

static void
after(void *ctx)
{
	callback_after(ctx);
}

int
main(void)
{
	struct cfg	 cfg;
	struct store	*store;
	struct wecom	*wecom;
	struct callback	 cb;
	struct cache	 cache;
	struct pull	 pull;
	const char	*path = cfg_path();
	int		 rc;

	if (program_start("kfwecom", path, &cfg, PROGRAM_WEB | PROGRAM_MYSQL |
	    PROGRAM_CURL) == -1)
		return 1;
	/*
	 * The callback records news and, under plain CGI, pulls and works:
	 * the WeCom account (sql/grants.sql), never the public program's
	 * and never one that could change operators or configuration.
	 */
	store = store_new(&cfg, STORE_WECOM);
	wecom = wecom_new(&cfg, store);
	cache_init(&cache, store, transport_is_cgi() ? CACHE_POINT :
	    CACHE_SNAPSHOT, cfg.staleness_ms);
	pull_init(&pull, &cfg, store, wecom, &cache);
	callback_init(&cb, &cfg, store, &pull);

	rc = transport_serve(handle, after, 0, cfg.base_path, &cb);

	callback_free(&cb);
	pull_free(&pull);
	cache_free(&cache);
	wecom_free(wecom);
	store_free(store);
	program_end(&cfg, PROGRAM_WEB | PROGRAM_MYSQL | PROGRAM_CURL);
	return rc == 0 ? 0 : 1;
}
