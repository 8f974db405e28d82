/*
 * One HTTP request as the handlers see it, built from CGI/FastCGI
 * variables and the body, independent of the transport (so it can be unit
 * tested and fuzzed with plain strings). Everything the request owns lives
 * in its arena, except the parsed JSON document, which req_cleanup() drops.
 */
#ifndef KF_REQ_H
#define KF_REQ_H

#include <stddef.h>

#include "apierr.h"
#include "form.h"

struct arena;
struct json_object;

enum req_method {
	REQ_GET,
	REQ_HEAD,
	REQ_POST,
	REQ_PUT,
	REQ_PATCH,
	REQ_DELETE,
	REQ_OPTIONS,
	REQ_OTHER,
	REQ__MAX
};

#define REQ_M(m)	(1u << (m))

enum req_ctype {
	REQ_CT_NONE,	/* no Content-Type header */
	REQ_CT_JSON,	/* application/json, UTF-8 */
	REQ_CT_FORM,	/* application/x-www-form-urlencoded, UTF-8 */
	REQ_CT_OTHER,
};

/* Where a request comes from: the transport fills this in. */
struct req_source {
	/* A CGI variable (REQUEST_METHOD, CONTENT_LENGTH, ...) or NULL. */
	const char	*(*param)(void *ctx, const char *name);
	/* Up to n body bytes: the count, 0 at end of input, -1 on error. */
	long		 (*read)(void *ctx, char *buf, size_t n);
	void		*ctx;
};

struct req {
	struct arena		*arena;
	const struct req_source	*src;
	enum req_method		 method;
	const char		*path;	/* decoded route path, never NULL */
	const char		*query;	/* raw query string, never NULL */
	enum req_ctype		 ctype;
	const char		*body;	/* NULL until req_read_body() */
	size_t			 body_len;
	/* Parsed on first use by req_fields(). */
	int			 query_parsed, body_parsed;
	struct form		 query_form, body_form;
	struct json_object	*json;	/* owned; put by req_cleanup() */
};

enum req_field_type {
	REQ_FIELD_ID,	/* [A-Za-z0-9_-]{1,64} */
	REQ_FIELD_TOKEN,	/* [A-Za-z0-9_.-]{1,256}, see token.h */
	REQ_FIELD_TEXT,		/* 1-1024 bytes of UTF-8, no controls */
	REQ_FIELD_IDLIST,	/* [A-Za-z0-9_,-]{1,8192}: ids, comma-separated */
};

struct req_field {
	const char		*name;
	enum req_field_type	 type;
};

/*
 * Fill method, path (below mount, see req_route_path), query and content
 * type. Never fails.
 */
void		 req_init(struct req *, struct arena *,
		    const struct req_source *, const char *mount);
/*
 * Read exactly CONTENT_LENGTH bytes (at most max). AE_LENGTH_REQUIRED when
 * absent, AE_BAD_LENGTH when not a plain decimal, AE_TOO_LARGE over max,
 * AE_SHORT_BODY when the input ends early.
 */
enum apierr	 req_read_body(struct req *, size_t max);
/*
 * Look up each declared field in the query string and (once read) the
 * body, and validate it: values[i] is the value or NULL when absent. On
 * error *bad names the offending field (or NULL for the whole body).
 */
enum apierr	 req_fields(struct req *, const struct req_field *, size_t n,
		    const char **values, const char **bad);
void		 req_cleanup(struct req *);

/*
 * The path the router sees, below the program's mount point:
 * - when SCRIPT_NAME names a .fcgi/.cgi program (plain CGI, mod_fcgid, a
 *   rewrite to cgi-bin/kfroute.cgi/api/contact): PATH_INFO as the web
 *   server decoded it, "/" when empty;
 * - otherwise (a prefix mount: lighttpd, mod_proxy_fcgi, ScriptAlias)
 *   REQUEST_URI (or SCRIPT_NAME when absent) without its query, minus
 *   mount ([http] base_path, e.g. "/kf"; NULL or "" for none),
 *   percent-decoded.
 * Returns NULL (a 404) for an undecodable path or one outside the mount.
 * The result lives in the arena (or is static).
 */
const char	*req_route_path(struct arena *, const char *request_uri,
		    const char *script_name, const char *path_info,
		    const char *mount);
/*
 * How many leading bytes of REQUEST_URI lie above the route path: the URL
 * path the program answers under as the client wrote it ("/kf" for
 * /kf/admin/api/x routed as /admin/api/x, 0 at the site root), for links
 * to the program's siblings (/go/...) that must work under a sub-path.
 * (size_t)-1 when the two do not line up (the path was sent encoded).
 */
size_t		 req_mount_len(const char *request_uri, const char *route_path);
enum req_ctype	 req_parse_ctype(const char *);

#endif
