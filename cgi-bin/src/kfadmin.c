/*
 * kfadmin.fcgi: the admin page's API under /admin/api/. A program of its
 * own so the public program keeps its read-mostly database user; this one
 * connects as the admin user. Runs as a FastCGI worker or as plain CGI.
 */
#include <stdio.h>
#include <stdlib.h>

#include <mysql.h>

#include "admin.h"
#include "cfg.h"
#include "log.h"
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
	char		 err[512];
	int		 rc;

	if (cfg_load(&cfg, path, err, sizeof(err)) == -1) {
		fprintf(stderr, "kfadmin: config: %s\n", err);
		return 1;
	}
	log_init("kfadmin", cfg.log_level);
	if (cfg.db.admin_user == NULL)
		log_warn("no [database] admin_user: writes will fail with the "
		    "public user's rights");
	if (pwhash_init() == -1 || mysql_library_init(0, NULL, NULL) != 0) {
		log_error("libsodium or MySQL library setup failed");
		cfg_free(&cfg);
		return 1;
	}
	a.cfg = &cfg;
	a.store = store_new(&cfg, STORE_ADMIN);
	rc = transport_serve(handle, NULL, 0, cfg.base_path, &a);
	store_free(a.store);
	mysql_library_end();
	cfg_free(&cfg);
	return rc == 0 ? 0 : 1;
}
