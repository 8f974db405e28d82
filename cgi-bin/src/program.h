/*
 * What every kfroute program does first and last, in one place:
 * kfroute.fcgi, kfwecom.fcgi, kfadmin.fcgi and kfctl.
 */
#ifndef KF_PROGRAM_H
#define KF_PROGRAM_H

struct cfg;

#define PROGRAM_WEB	0x1	/* a web program: FastCGI or plain CGI */
#define PROGRAM_MYSQL	0x2	/* MariaDB Connector/C */
#define PROGRAM_CURL	0x4	/* libcurl at start (WeCom); else at first use */

/*
 * Load the config at path (NULL: defaults and the environment only; a web
 * program then logs that it has none), start logging as name at the
 * config's level, and set up the libraries named in flags. On failure
 * returns -1 with the reason on stderr ("name: config: file:line:
 * reason"), cfg freed; a web program under plain CGI has then answered a
 * JSON 500 of the API's shape, not the web server's HTML page.
 */
int	 program_start(const char *name, const char *path, struct cfg *,
	    unsigned flags);
/* Undo program_start (same flags). */
void	 program_end(struct cfg *, unsigned flags);

#endif
