/*
 * The WeCom ("微信客服" kf) API client. Every call goes through https.c;
 * the access token is shared by all processes and hosts through the
 * database and refreshed by one of them at a time. errcodes become typed
 * errors; the raw code stays in wecom_errcode() for logs.
 */
#ifndef KF_WECOM_H
#define KF_WECOM_H

#include <time.h>

struct cfg;
struct json_object;
struct store;

enum wecom_err {
	WECOM_OK,
	WECOM_NOT_CONFIGURED,	/* no corp_id or secret */
	WECOM_TRANSPORT,	/* see the log: TLS, timeout, JSON */
	WECOM_TOO_LARGE,	/* the answer was over the call's cap */
	WECOM_BAD_ANSWER,	/* no errcode, or a field missing */
	WECOM_BAD_SECRET,	/* 40001: never retried (the IP gets blocked) */
	WECOM_TOKEN,		/* 40014/42001 again after one refresh */
	WECOM_LIMITED,		/* 45009, 45033 */
	WECOM_FORBIDDEN,	/* 48002, 60020 (IP not trusted) */
	WECOM_BUSY,		/* -1 after a few tries with back-off */
	WECOM_SERVICER,		/* 95019, 95014: try another servicer */
	WECOM_SESSION,		/* 95013, 95016, 95018: session state */
	WECOM_LOCKED,		/* the token refresh lock was not had */
	WECOM_OTHER,		/* any other errcode */
};

struct wecom;

struct wecom	*wecom_new(const struct cfg *, struct store *);
void		 wecom_free(struct wecom *);	/* NULL is a no-op */
/* A valid access token (cached, shared, refreshed when near expiry). */
enum wecom_err	 wecom_token(struct wecom *, const char **token,
		    time_t *expires);
/*
 * Call cgi-bin/<path> with the access token; POST body (JSON) or GET when
 * NULL. On WECOM_OK *out is the answer, the caller's to json_object_put.
 */
enum wecom_err	 wecom_call(struct wecom *, const char *path, const char *body,
		    struct json_object **out);
/* The same with an answer cap other than HTTPS_MAX_BODY (bytes). */
enum wecom_err	 wecom_call_cap(struct wecom *, const char *path,
		    const char *body, size_t cap, struct json_object **out);
/* 1 when trying again later may succeed (network, busy, limits, token). */
int		 wecom_transient(enum wecom_err);
int		 wecom_errcode(const struct wecom *);	/* last errcode */
const char	*wecom_strerror(enum wecom_err);
/* Map an errcode to its typed error (exposed for tests). */
enum wecom_err	 wecom_map_errcode(long errcode);

#endif
