/*
 * kfadmin.fcgi: the admin page's API under /admin/api/. A program of its
 * own so the public program keeps its read-mostly database user; this one
 * connects as the admin user. Runs as a FastCGI worker or as plain CGI.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysql.h>

#include "admin.h"
#include "cfg.h"
#include "https.h"
#include "log.h"
#include "program.h"
#include "pwhash.h"
#include "store.h"
#include "transport.h"

static void
handle(void *ctx, struct req *req, struct resp *resp)
{
	admin_handle(ctx, req, resp);
}

int
main(void)
{
	struct cfg	 cfg;
	struct admin	 a;
	const char	*path = cfg_path();
	int		 rc;

	if (program_start("kfadmin", path, &cfg, PROGRAM_WEB | PROGRAM_MYSQL |
	    PROGRAM_CURL) == -1)
		return 1;
	if (cfg.db.admin_user == NULL)
		log_warn("no [database] admin_user: writes will fail with the "
		    "public user's rights");
	if (strcmp(cfg.miniprogram.env_version, "release") != 0 &&
	    strcmp(cfg.miniprogram.env_version, "trial") != 0 &&
	    strcmp(cfg.miniprogram.env_version, "develop") != 0)
		log_warn("[miniprogram] env_version is not release, trial or "
		    "develop: no 小程序码 can be made");
	a.cfg = &cfg;
	a.store = store_new(&cfg, STORE_ADMIN);
	{
		/* 小程序码 from WeChat: the WeCom client settings (CA file,
		 * timeouts) serve the mini-program's API too. */
		struct https_opts ho = { cfg.wecom.ca_file,
		    cfg.wecom.connect_timeout_ms, cfg.wecom.timeout_ms };

		a.https = https_new(&ho);
	}
	rc = transport_serve(handle, NULL, 0, cfg.base_path, &a);
	https_free(a.https);
	store_free(a.store);
	program_end(&cfg, PROGRAM_WEB | PROGRAM_MYSQL | PROGRAM_CURL);
	return rc == 0 ? 0 : 1;
}
