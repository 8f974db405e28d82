/*
 * The admin page's session rules, as pure functions the handlers and the
 * unit tests share: session ids and their stored hashes, the CSRF token
 * derived from the id, the cookie, timeouts, the Origin check and the
 * login back-off. Nothing here touches the database.
 */
#ifndef KF_AUTH_H
#define KF_AUTH_H

#include <stddef.h>
#include <time.h>

struct buf;

#define AUTH_ID_LEN	64	/* 32 random bytes (256 bits) as hex */
#define AUTH_HASH_LEN	64	/* SHA-256 as hex */

/* A new random session id, hex, NUL-terminated. */
void	 auth_new_id(char id[AUTH_ID_LEN + 1]);
/* 1 when s looks like an id of ours (64 lowercase hex digits). */
int	 auth_id_valid(const char *s);
/* What the database keeps: SHA-256 of the id, hex. */
void	 auth_id_hash(const char *id, char out[AUTH_HASH_LEN + 1]);
/*
 * The CSRF token of a session: HMAC-SHA256(id, label), hex. Derived, not
 * stored: only the holder of the cookie can know it, and a copy of the
 * session table cannot produce it.
 */
void	 auth_csrf(const char *id, char out[AUTH_HASH_LEN + 1]);
/* Constant-time check of a presented token (NULL fails). */
int	 auth_csrf_ok(const char *id, const char *token);

/*
 * The cookie: "__Host-kfadmin" with Secure, or, only when the config
 * allows plain-http development, "kfadmin" without it.
 */
const char *auth_cookie_name(int insecure_http);
/*
 * Find the session cookie in a Cookie header; copies at most len-1 bytes.
 * Returns 1 when found (and of sane length), 0 otherwise.
 */
int	 auth_cookie_get(const char *header, int insecure_http, char *out,
	    size_t len);
/* A Set-Cookie value carrying id, or clearing the cookie (id NULL). */
void	 auth_cookie_set(struct buf *, int insecure_http, const char *id,
	    int max_age);

/* 1 while a session made at created and last used at seen is valid. */
int	 auth_alive(time_t now, time_t created, time_t seen, int idle,
	    int absolute);

/*
 * State-changing requests must come from our own page: Sec-Fetch-Site,
 * when the browser sends it, must be same-origin; Origin, when present,
 * must equal expected ("https://host[:port]"). Clients that send neither
 * (curl, scripts) pass here and still need the CSRF token.
 */
int	 auth_origin_ok(const char *origin, const char *fetch_site,
	    const char *expected);

/* 1 for an operator name: [A-Za-z0-9_.@-]{1,64}. */
int	 auth_username_ok(const char *);

/* Seconds an account stays locked after its n-th failure in a row. */
int	 auth_backoff(unsigned failures);

#endif
