/*
 * The thin HTTPS client every WeCom/WeChat call goes through (libcurl).
 * HTTPS only, except plain HTTP to a loopback address (local fakes); peer
 * and host verification always on (a test CA comes in as ca_file);
 * connect and total timeouts; a cap on the answer's size; no redirects;
 * the answer parsed as one strict JSON object. One handle per process,
 * reused for connection reuse.
 */
#ifndef KF_HTTPS_H
#define KF_HTTPS_H

#include <stddef.h>

struct json_object;

#define HTTPS_MAX_BODY	(1024 * 1024)

enum https_rc {
	HTTPS_OK,
	HTTPS_BAD_URL,		/* not https (nor http to loopback) */
	HTTPS_CONNECT,		/* could not connect */
	HTTPS_TLS,		/* certificate or handshake refused */
	HTTPS_TIMEOUT,
	HTTPS_TOO_LARGE,	/* answer over HTTPS_MAX_BODY */
	HTTPS_STATUS,		/* HTTP status other than 200 */
	HTTPS_BAD_JSON,		/* answer not one strict JSON object */
	HTTPS_FAILED,		/* anything else libcurl reports */
};

struct https_opts {
	const char	*ca_file;	/* NULL: the system's CAs */
	int		 connect_timeout_ms;
	int		 timeout_ms;
};

struct https	*https_new(const struct https_opts *);
void		 https_free(struct https *);	/* NULL is a no-op */
/*
 * GET (body NULL) or POST a JSON body to url. On HTTPS_OK *out holds the
 * parsed answer, the caller's to json_object_put(). The URL is never
 * logged: it may carry an access token or a secret.
 */
/*
 * s percent-encoded for a URL's query (libcurl's), freed with
 * https_escaped_free (NULL is a no-op); NULL when libcurl is missing.
 */
char		*https_escape(const char *s);
void		 https_escaped_free(char *);
enum https_rc	 https_json(struct https *, const char *url, const char *body,
		    struct json_object **out);
/* The same with another answer cap (bytes; pages of messages). */
enum https_rc	 https_json_cap(struct https *, const char *url,
		    const char *body, size_t cap, struct json_object **out);
/*
 * The same, the answer as bytes (images): *data points into the handle's
 * buffer, good until its next call; nothing is parsed.
 */
enum https_rc	 https_bytes(struct https *, const char *url,
		    const char *body, size_t cap, const char **data,
		    size_t *len);
const char	*https_strerror(enum https_rc);
/* 1 when url may be called: https://, or http:// to a loopback host. */
int		 https_url_allowed(const char *url);

#endif
