#include <malloc.h>
#include <stdio.h>

#include <mysql.h>

#include "cfg.h"
#include "curlso.h"
#include "log.h"
#include "program.h"
#include "pwhash.h"
#include "transport.h"

/* Under plain CGI a config error would be the web server's bare 500. */
static void
cgi_error(void)
{
	transport_cgi_drain();
	printf("Status: 500 Internal Server Error\r\n"
	    "Content-Type: application/json; charset=utf-8\r\n\r\n"
	    "{\"success\":false,\"code\":\"internal\","
	    "\"message\":\"服务器配置错误\"}");
	fflush(stdout);
}

int
program_start(const char *name, const char *path, struct cfg *cfg,
    unsigned flags)
{
	char	 err[512];
	int	 web = (flags & PROGRAM_WEB) != 0;

	/*
	 * Big blocks (a snapshot's arrays and string chunks) straight from
	 * mmap, so a swapped-out snapshot goes back to the system. A fixed
	 * threshold: glibc's moving one would soon keep them in the heap.
	 */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	if (cfg_load(cfg, path, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s: config: %s\n", name, err);
		if (web && transport_is_cgi())
			cgi_error();
		return -1;
	}
	log_init(name, cfg->log_level);
	if (web && path == NULL)
		log_warn("no config file (KFROUTE_CONF unset, no "
		    KFROUTE_DEFAULT_CONF ", no ~/kfroute/kfroute.conf): "
		    "defaults and environment only");
	/* libsodium for every program: tickets, tokens, sessions, hashes. */
	if (pwhash_init() == -1 ||
	    ((flags & PROGRAM_MYSQL) &&
	    mysql_library_init(0, NULL, NULL) != 0) ||
	    ((flags & PROGRAM_CURL) && curlso() == NULL)) {
		log_error("library setup failed");
		if (web && transport_is_cgi())
			cgi_error();
		cfg_free(cfg);
		return -1;
	}
	return 0;
}

void
program_end(struct cfg *cfg, unsigned flags)
{
	curlso_end();	/* whoever loaded it */
	if (flags & PROGRAM_MYSQL)
		mysql_library_end();
	cfg_free(cfg);
}
