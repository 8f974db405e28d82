/*
 * libcurl, loaded when first needed. The public program (kfroute.fcgi, or
 * kfroute.cgi started per request on shared hosting) calls out only to
 * exchange a wx.login code, which identity-once makes rare; linked in,
 * libcurl and the thirty libraries it needs would cost every worker
 * about 4 MB and every CGI start their loading. So no program links it:
 * the first call here opens libcurl.so.4 (Debian's libcurl4, the one the
 * headers are from) and runs curl_global_init; the programs that call out
 * all the time do that at start (PROGRAM_CURL) to fail early.
 *
 * Thread-safe (pthread_once). The functions are libcurl's own; see its
 * manual for each.
 */
#ifndef KF_CURLSO_H
#define KF_CURLSO_H

#include <curl/curl.h>

struct curlso {
	CURL		*(*easy_init)(void);
	CURLcode	 (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode	 (*easy_perform)(CURL *);
	CURLcode	 (*easy_getinfo)(CURL *, CURLINFO, ...);
	void		 (*easy_reset)(CURL *);
	void		 (*easy_cleanup)(CURL *);
	const char	*(*easy_strerror)(CURLcode);
	char		*(*easy_escape)(CURL *, const char *, int);
	void		 (*free)(void *);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void		 (*slist_free_all)(struct curl_slist *);
	void		 (*global_cleanup)(void);
};

/* libcurl, loaded and initialised; NULL when it cannot be (logged once). */
const struct curlso	*curlso(void);
/* curl_global_cleanup when it was loaded (program end). */
void			 curlso_end(void);

#endif
