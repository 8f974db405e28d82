/*
 * The response under construction: status, a few headers, a body. The
 * transport keeps one per process and resets it per request; resp_write()
 * renders CGI-style "Status:" headers plus body into one buffer so the
 * transport sends it with a single write.
 */
#ifndef KF_RESP_H
#define KF_RESP_H

#include "apierr.h"
#include "buf.h"
#include "jsonw.h"

struct resp {
	int		 status;
	struct buf	 headers;	/* extra "Name: value\r\n" lines */
	struct buf	 body;
	struct jsonw	 json;		/* writes into body */
	const char	*ctype;		/* static string */
};

void	 resp_reset(struct resp *);	/* 200, JSON, empty */
void	 resp_free(struct resp *);
void	 resp_header(struct resp *, const char *name, const char *value);
/* Start a JSON body: {"success":true (the caller adds fields and closes). */
struct jsonw *resp_json_ok(struct resp *);
/*
 * Replace the body with {"success":false,"code","message"[,"field"]} and
 * the status of the error. field may be NULL.
 */
void	 resp_error(struct resp *, enum apierr, const char *field);
/* The same, left open for more keys; the caller closes the object. */
struct jsonw *resp_error_begin(struct resp *, enum apierr,
	    const char *field);
/* Headers and (unless head_only) body, ready to send. */
void	 resp_write(const struct resp *, int head_only, struct buf *out);
const char *resp_reason(int status);

#endif
