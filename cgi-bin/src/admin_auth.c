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

/*
 * Throttling, per username and per source address (REMOTE_ADDR), in
 * kf_admin_throttle (keys: the username, "ip:<address>"). Each attempt is
 * counted as a failure BEFORE its password is checked, inside a
 * transaction holding both rows, and cleared by a success: parallel
 * attempts for one name get at most FREE_FAILURES checks before the
 * back-off, whatever their timing. A source address (an office behind one
 * NAT) may fail SOURCE_EXTRA times more than one name.
 */
#define SOURCE_EXTRA	7
/* Password checks (64 MiB Argon2id each) running at once per database. */
#define PWCHECK_SLOTS	2
/* Throttle rows idle this long are purged at a login (seconds). */
#define THROTTLE_PURGE	FAIL_MEMORY

struct throttle_row {
	long long	 failures, locked_until, failed_at;
	int		 found;
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
	t->found = 1;
	return 0;
}

/*
 * Lock key's row (made when absent) and count one more attempt. Returns
 * 1 when the row is locked (*retry: seconds left), 0 when the attempt may
 * go on, -1 on a database error. Runs inside the caller's transaction.
 */
static int
throttle_take(struct actx *c, const char *key, int extra, long long *retry)
{
	struct throttle_row	 t = { 0, 0, 0, 0 };
	char			 f[24], lock[24], now[24];
	const char		*p[4] = { key, f, lock, now };
	long long		 fails;
	int			 wait;

	if (store_q_exec(c->a->store, Q_THROTTLE_ROW, p, 1) != STORE_OK ||
	    store_q_rows(c->a->store, Q_THROTTLE_LOCK, p, 1, row_throttle,
	    &t) != STORE_OK || !t.found)
		return -1;
	/*
	 * Times are whole seconds: a lock runs to the end of its last second
	 * (a 1 s back-off holds 1-2 s), so a burst that crosses a second
	 * boundary gets no extra check. 0 is no lock.
	 */
	if (t.locked_until != 0 && t.locked_until >= c->now) {
		*retry = t.locked_until - c->now + 1;
		return 1;
	}
	fails = c->now - t.failed_at > FAIL_MEMORY ? 1 : t.failures + 1;
	wait = auth_backoff(fails > extra ? (unsigned)(fails - extra) : 0);
	snprintf(f, sizeof(f), "%lld", fails);
	snprintf(lock, sizeof(lock), "%lld",
	    wait > 0 ? (long long)c->now + wait : 0LL);
	snprintf(now, sizeof(now), "%lld", (long long)c->now);
	return store_q_exec(c->a->store, Q_THROTTLE_FAIL, p, 4) == STORE_OK ?
	    0 : -1;
}

/* "ip:<REMOTE_ADDR>", or "ip:?" when the server gave none we can use. */
#define ADDR(key)	((key) + 3)	/* the address in a source key */
static void
source_key(struct actx *c, char *key, size_t len)
{
	const char	*ip = param(c, "REMOTE_ADDR");

	if (ip == NULL || *ip == '\0' || strlen(ip) > 45 ||
	    strspn(ip, "0123456789abcdefABCDEF.:") != strlen(ip))
		ip = "?";
	snprintf(key, len, "ip:%s", ip);
}

/*
 * Count this attempt for the name and the source, in one transaction;
 * purge rows idle past THROTTLE_PURGE. Returns 0 to go on, 1 when locked
 * (the 429 is answered), -1 when the database failed (answered).
 */
static int
throttle_reserve(struct actx *c, const char *user, const char *source)
{
	char		 retry[24], cut[24];
	const char	*p[1] = { cut };
	long long	 left = 0;
	int		 rc;

	if (store_begin(c->a->store) != STORE_OK) {
		admin_fail_store(c);
		return -1;
	}
	if ((rc = throttle_take(c, user, 0, &left)) == 0)
		rc = throttle_take(c, source, SOURCE_EXTRA, &left);
	/* A locked row: nothing counted, nothing to keep. */
	if (rc != 0 || store_commit(c->a->store) != STORE_OK) {
		store_rollback(c->a->store);
		if (rc == 1) {
			log_warn("admin login for '%s' from %s refused: "
			    "locked for %lld s more", user, ADDR(source), left);
			snprintf(retry, sizeof(retry), "%lld", left);
			resp_header(c->resp, "Retry-After", retry);
			admin_fail(c, AE_THROTTLED);
			return 1;
		}
		admin_fail_store(c);
		return -1;
	}
	/*
	 * Idle rows go outside that transaction: inside, the purge would wait
	 * on another login's new row while that one waits on the shared
	 * address row (a deadlock). A failure here only delays a purge.
	 */
	snprintf(cut, sizeof(cut), "%lld", (long long)c->now - THROTTLE_PURGE);
	(void)store_q_exec(c->a->store, Q_THROTTLE_PURGE, p, 1);
	return 0;
}

/*
 * One of PWCHECK_SLOTS named locks, so a flood of logins cannot run more
 * Argon2 checks at once than the host has memory and cores for. Returns
 * the slot, or -1 (busy, or the database failed).
 */
static int
pwcheck_slot(struct actx *c, char *name, size_t len)
{
	/* Per database: another kfroute on the same server has its own. */
	const char	*db = c->a->cfg->db.name;
	int		 i;

	for (i = 0; i < PWCHECK_SLOTS; i++) {
		snprintf(name, len, "kf_pwcheck_%d_%.48s", i, db);
		if (store_lock(c->a->store, name, 0) == STORE_OK)
			return i;
	}
	/* All taken: wait a moment for the first. */
	snprintf(name, len, "kf_pwcheck_0_%.48s", db);
	return store_lock(c->a->store, name, 2) == STORE_OK ? 0 : -1;
}

struct user_row {
	char	 role[16];
	char	 hash[PWHASH_LEN];
	int	 disabled;
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
	u->disabled = n > 2 && col[2] != NULL && strcmp(col[2], "0") != 0;
	u->found = 1;
	return 0;
}

/* One generic answer for every failure; the log says which. */
static void
login_failed(struct actx *c, const char *user, const char *source,
    const char *why)
{
	log_warn("admin login failed for '%s' from %s: %s",
	    user != NULL ? user : "(malformed)", ADDR(source), why);
	admin_fail(c, AE_LOGIN_FAILED);
}

/*
 * A fresh session for user, made only while the account still has the
 * password hash just checked and is enabled: a password reset or a
 * disable that lands during the check leaves no session behind. The old
 * session presented (if any) ends. 0, 1 when the account changed, -1 on
 * a store failure.
 */
static int
start_session(struct actx *c, const char *user, const char *role,
    const char *pw_hash)
{
	const struct cfg	*cfg = c->a->cfg;
	char			 old[AUTH_ID_LEN + 1], hash[AUTH_HASH_LEN + 1];
	char			 now[24], idle[24], abs_[24];
	const char		*p[5];

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
	p[1] = now;
	p[2] = now;
	p[3] = user;
	p[4] = pw_hash;
	if (store_q_exec(c->a->store, Q_SESSION_INSERT, p, 5) != STORE_OK)
		return -1;
	if (store_affected(c->a->store) == 0)
		return 1;
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
	struct user_row		 u;
	const char		*vals[2], *p[1];
	char			 source[64], slot[80];
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
	source_key(c, source, sizeof(source));
	/*
	 * No such name can exist, so no timing hides it: refused at once,
	 * without a password check (each is 64 MiB of Argon2).
	 */
	if (!auth_username_ok(vals[0])) {
		login_failed(c, NULL, source, "malformed username");
		return;
	}
	/*
	 * A slot first: a login turned away because the checks are busy is
	 * no attempt, and counts nothing against the name.
	 */
	if (pwcheck_slot(c, slot, sizeof(slot)) == -1) {
		log_warn("admin login for '%s' from %s: every password check "
		    "slot busy", vals[0], ADDR(source));
		resp_header(c->resp, "Retry-After", "1");
		admin_fail(c, AE_THROTTLED);
		return;
	}
	if (throttle_reserve(c, vals[0], source) != 0) {
		store_unlock(c->a->store, slot);
		return;
	}
	p[0] = vals[0];
	memset(&u, 0, sizeof(u));
	if (store_q_rows(c->a->store, Q_ADMIN_USER_GET, p, 1, row_user, &u) !=
	    STORE_OK) {
		store_unlock(c->a->store, slot);
		admin_fail_store(c);
		return;
	}
	if (!u.found) {
		pwhash_dummy(vals[1]);	/* the time of a real check */
		rc = PWHASH_MISMATCH;
	} else
		rc = pwhash_verify(u.hash, vals[1]);
	store_unlock(c->a->store, slot);
	if (rc != PWHASH_OK && rc != PWHASH_OK_REHASH) {
		login_failed(c, vals[0], source, u.found ? "wrong password" :
		    "no such user");
		return;
	}
	/*
	 * Checked after the password, so a disabled account answers as a
	 * wrong password does, in the same time; the right password for it
	 * still counts as a failure against the name.
	 */
	if (u.disabled) {
		login_failed(c, vals[0], source, "operator disabled");
		return;
	}
	switch (start_session(c, vals[0], u.role, u.hash)) {
	case -1:
		admin_fail_store(c);
		return;
	case 1:
		login_failed(c, vals[0], source, "password changed meanwhile");
		return;
	}
	/* After the session: it is bound to the hash that was checked. */
	if (rc == PWHASH_OK_REHASH)
		rehash(c, vals[0], u.hash, vals[1]);
	/* A success clears what this attempt and earlier ones counted. */
	(void)store_q_exec(c->a->store, Q_THROTTLE_CLEAR, p, 1);
	p[0] = source;
	(void)store_q_exec(c->a->store, Q_THROTTLE_CLEAR, p, 1);
	log_info("admin login: '%s' (%s) from %s", vals[0], u.role,
	    ADDR(source));
	(void)admin_audit(c, "login", "session", vals[0], NULL, NULL);
	answer_session(c);
}
