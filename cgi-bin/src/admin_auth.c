/*
 * Logging in and out, and finding the session behind a request. Sessions
 * live in the database (kf_admin_session), so any worker, and plain CGI,
 * sees the same ones; the cookie holds a random id whose hash is the key.
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "admin_int.h"
#include "arena.h"
#include "buf.h"
#include "cfg.h"
#include "jsonw.h"
#include "log.h"
#include "pwhash.h"
#include "req.h"
#include "resp.h"
#include "store.h"
#include "util.h"
#include "valid.h"

/* seen_at is written at most this often (seconds): reads stay reads. */
#define TOUCH_EVERY	60
/* A failure older than this no longer counts towards the back-off. */
#define FAIL_MEMORY	86400

static const char *
param(struct actx *c, const char *name)
{
	return c->req->src->param(c->req->src->ctx, name);
}

static int
insecure(const struct actx *c)
{
	return c->a->cfg->admin.insecure_http;
}

static void
set_cookie(struct actx *c, const char *id)
{
	struct buf	 b = { 0 };

	auth_cookie_set(&b, insecure(c), id, c->a->cfg->admin.absolute_timeout);
	resp_header(c->resp, "Set-Cookie", buf_str(&b));
	buf_free(&b);
}

static long long
num(const char *s)
{
	long long	 v;

	return s != NULL && util_parse_llong(s, 0, 0x7fffffffffffffffLL,
	    &v) == 0 ? v : 0;
}

/* ---- the session behind a request ----------------------------------- */

struct session_row {
	struct arena	*arena;
	const char	*user, *role;
	long long	 created, seen;
	int		 found;
};

static int
row_session(void *arg, char **col, unsigned n)
{
	struct session_row	*s = arg;

	if (n < 4 || col[0] == NULL || col[1] == NULL)
		return -1;
	s->user = arena_strdup(s->arena, col[0]);
	s->role = arena_strdup(s->arena, col[1]);
	s->created = num(col[2]);
	s->seen = num(col[3]);
	s->found = 1;
	return 0;
}

int
admin_session(struct actx *c)
{
	const struct cfg	*cfg = c->a->cfg;
	struct session_row	 s = { c->req->arena, NULL, NULL, 0, 0, 0 };
	char			 id[AUTH_ID_LEN + 1], hash[AUTH_HASH_LEN + 1];
	char			 now[24];
	const char		*p[2];

	if (!auth_cookie_get(param(c, "HTTP_COOKIE"), insecure(c), id,
	    sizeof(id)) || !auth_id_valid(id)) {
		admin_fail(c, AE_UNAUTHORIZED);
		return -1;
	}
	auth_id_hash(id, hash);
	p[0] = hash;
	if (store_q_rows(c->a->store, Q_SESSION_GET, p, 1, row_session, &s) !=
	    STORE_OK) {
		admin_fail_store(c);
		return -1;
	}
	if (!s.found || !auth_alive(c->now, (time_t)s.created,
	    (time_t)s.seen, cfg->admin.idle_timeout,
	    cfg->admin.absolute_timeout)) {
		if (s.found)
			(void)store_q_exec(c->a->store, Q_SESSION_DELETE, p, 1);
		set_cookie(c, NULL);
		admin_fail(c, AE_UNAUTHORIZED);
		return -1;
	}
	if (c->now - s.seen >= TOUCH_EVERY) {
		snprintf(now, sizeof(now), "%lld", (long long)c->now);
		p[0] = now;
		p[1] = hash;
		(void)store_q_exec(c->a->store, Q_SESSION_TOUCH, p, 2);
	}
	c->user = s.user;
	c->role = strcmp(s.role, "admin") == 0 ? ROLE_ADMIN : ROLE_VIEWER;
	memcpy(c->sid, id, sizeof(c->sid));
	return 0;
}

/* {"success":true,"username","role","csrf"}: what the page needs. */
static void
answer_session(struct actx *c)
{
	struct jsonw	*w = resp_json_ok(c->resp);
	char		 csrf[AUTH_HASH_LEN + 1];

	auth_csrf(c->sid, csrf);
	jsonw_key(w, "username");
	jsonw_str(w, c->user);
	jsonw_key(w, "role");
	jsonw_str(w, c->role == ROLE_ADMIN ? "admin" : "viewer");
	jsonw_key(w, "csrf");
	jsonw_str(w, csrf);
	jsonw_key(w, "idle_timeout");
	jsonw_int(w, c->a->cfg->admin.idle_timeout);
	jsonw_obj_close(w);
}

void
admin_me(struct actx *c)
{
	answer_session(c);
}

void
admin_logout(struct actx *c)
{
	char		 hash[AUTH_HASH_LEN + 1];
	const char	*p[1] = { hash };

	auth_id_hash(c->sid, hash);
	if (store_q_exec(c->a->store, Q_SESSION_DELETE, p, 1) != STORE_OK) {
		admin_fail_store(c);
		return;
	}
	(void)admin_audit(c, "logout", "session", c->user, NULL, NULL);
	set_cookie(c, NULL);
	jsonw_obj_close(resp_json_ok(c->resp));
}

/* ---- login ---------------------------------------------------------- */

struct throttle_row {
	long long	 failures, locked_until, failed_at;
};

static int
row_throttle(void *arg, char **col, unsigned n)
{
	struct throttle_row	*t = arg;

	if (n < 3)
		return -1;
	t->failures = num(col[0]);
	t->locked_until = num(col[1]);
	t->failed_at = num(col[2]);
	return 0;
}

struct user_row {
	char	 role[16];
	char	 hash[PWHASH_LEN];
	int	 found;
};

static int
row_user(void *arg, char **col, unsigned n)
{
	struct user_row	*u = arg;

	if (n < 2 || col[0] == NULL || col[1] == NULL)
		return -1;
	snprintf(u->role, sizeof(u->role), "%s", col[0]);
	snprintf(u->hash, sizeof(u->hash), "%s", col[1]);
	u->found = 1;
	return 0;
}

/* One generic answer for every failure; the log says which. */
static void
login_failed(struct actx *c, const char *user, const struct throttle_row *t,
    const char *why)
{
	char		 f[24], lock[24], now[24];
	const char	*p[4] = { user, f, lock, now };
	long long	 fails;
	int		 wait;

	fails = c->now - t->failed_at > FAIL_MEMORY ? 1 : t->failures + 1;
	wait = auth_backoff((unsigned)fails);
	snprintf(f, sizeof(f), "%lld", fails);
	snprintf(lock, sizeof(lock), "%lld", (long long)c->now + wait);
	snprintf(now, sizeof(now), "%lld", (long long)c->now);
	if (user != NULL)
		(void)store_q_exec(c->a->store, Q_THROTTLE_FAIL, p, 4);
	log_warn("admin login failed for '%s' from %s: %s (%lld in a row, "
	    "locked %d s)", user != NULL ? user : "(malformed)",
	    param(c, "REMOTE_ADDR") ? param(c, "REMOTE_ADDR") : "?", why,
	    fails, wait);
	admin_fail(c, AE_LOGIN_FAILED);
}

/* A fresh session for user; the old one presented (if any) ends. */
static int
start_session(struct actx *c, const char *user, const char *role)
{
	const struct cfg	*cfg = c->a->cfg;
	char			 old[AUTH_ID_LEN + 1], hash[AUTH_HASH_LEN + 1];
	char			 now[24], idle[24], abs_[24];
	const char		*p[4];

	if (auth_cookie_get(param(c, "HTTP_COOKIE"), insecure(c), old,
	    sizeof(old)) && auth_id_valid(old)) {
		auth_id_hash(old, hash);
		p[0] = hash;
		(void)store_q_exec(c->a->store, Q_SESSION_DELETE, p, 1);
	}
	snprintf(idle, sizeof(idle), "%lld",
	    (long long)c->now - cfg->admin.idle_timeout);
	snprintf(abs_, sizeof(abs_), "%lld",
	    (long long)c->now - cfg->admin.absolute_timeout);
	p[0] = idle;
	p[1] = abs_;
	(void)store_q_exec(c->a->store, Q_SESSION_PURGE, p, 2);

	auth_new_id(c->sid);
	auth_id_hash(c->sid, hash);
	snprintf(now, sizeof(now), "%lld", (long long)c->now);
	p[0] = hash;
	p[1] = user;
	p[2] = now;
	p[3] = now;
	if (store_q_exec(c->a->store, Q_SESSION_INSERT, p, 4) != STORE_OK)
		return -1;
	c->user = user;
	c->role = strcmp(role, "admin") == 0 ? ROLE_ADMIN : ROLE_VIEWER;
	set_cookie(c, c->sid);
	return 0;
}

/* Argon2id parameters went up since this hash was made: store anew. */
static void
rehash(struct actx *c, const char *user, const char *old, const char *pw)
{
	char		 h[PWHASH_LEN];
	const char	*p[3] = { h, user, old };

	if (pwhash_make(pw, h) == 0)
		(void)store_q_exec(c->a->store, Q_ADMIN_USER_REHASH, p, 3);
}

static const struct valid_field login_fields[] = {
	{ "username", VT_TEXT, VF_REQUIRED, 1, 64, NULL, NULL },
	{ "password", VT_TEXT, VF_REQUIRED, 1, PWHASH_MAX, NULL, NULL },
};

void
admin_login(struct actx *c)
{
	struct json_object	*o;
	struct valid		 v;
	struct throttle_row	 t = { 0, 0, 0 };
	struct user_row		 u;
	const char		*vals[2], *p[1];
	char			 retry[24];
	enum pwhash_rc		 rc;

	if ((o = admin_body(c)) == NULL)
		return;
	valid_init(&v, c->req->arena);
	valid_known(&v, o, login_fields, 2, NULL);
	valid_fields(&v, o, login_fields, 2, vals);
	if (v.nerr > 0) {
		admin_fail_fields(c, &v);
		return;
	}
	if (!auth_username_ok(vals[0])) {
		pwhash_dummy(vals[1]);	/* same time as any other failure */
		login_failed(c, NULL, &t, "malformed username");
		return;
	}
	p[0] = vals[0];
	memset(&u, 0, sizeof(u));
	if (store_q_rows(c->a->store, Q_THROTTLE_GET, p, 1, row_throttle,
	    &t) != STORE_OK ||
	    store_q_rows(c->a->store, Q_ADMIN_USER_GET, p, 1, row_user, &u) !=
	    STORE_OK) {
		admin_fail_store(c);
		return;
	}
	if (t.locked_until > c->now) {
		log_warn("admin login for '%s' from %s refused: locked for "
		    "%lld s more", vals[0], param(c, "REMOTE_ADDR") ?
		    param(c, "REMOTE_ADDR") : "?", t.locked_until - c->now);
		snprintf(retry, sizeof(retry), "%lld", t.locked_until - c->now);
		resp_header(c->resp, "Retry-After", retry);
		admin_fail(c, AE_THROTTLED);
		return;
	}
	if (!u.found) {
		pwhash_dummy(vals[1]);
		login_failed(c, vals[0], &t, "no such user");
		return;
	}
	if ((rc = pwhash_verify(u.hash, vals[1])) == PWHASH_MISMATCH) {
		login_failed(c, vals[0], &t, "wrong password");
		return;
	}
	if (rc == PWHASH_OK_REHASH)
		rehash(c, vals[0], u.hash, vals[1]);
	if (t.failures > 0)
		(void)store_q_exec(c->a->store, Q_THROTTLE_CLEAR, p, 1);
	if (start_session(c, vals[0], u.role) == -1) {
		admin_fail_store(c);
		return;
	}
	log_info("admin login: '%s' (%s)", vals[0], u.role);
	(void)admin_audit(c, "login", "session", vals[0], NULL, NULL);
	answer_session(c);
}
