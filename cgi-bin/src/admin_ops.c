/*
 * Operators from the admin page, for admins only (the route table's
 * G_ADMIN gate refuses viewers, reads included):
 *
 *   GET   /admin/api/operators                 the list, never a hash
 *   POST  /admin/api/operators                 {username, role, password?}
 *   PATCH /admin/api/operators/<name>          {role?, disabled?}
 *   POST  /admin/api/operators/<name>/password {password?}
 *
 * Without a password one is generated and answered once ("password");
 * nothing keeps it. Passwords follow `kfctl admin add`'s rules (pwhash.c).
 * A disabled operator's sessions end with the change; a reset ends the
 * operator's other sessions. Nobody disables or demotes themself, and the
 * last enabled admin stays one: both 409. Each change is audited (kind
 * "operator") with the operator's row as JSON, which has no hash.
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>
#include <sodium.h>

#include "admin_int.h"
#include "arena.h"
#include "jsonw.h"
#include "log.h"
#include "pwhash.h"
#include "req.h"
#include "resp.h"
#include "store.h"
#include "valid.h"

static const char *const roles[] = { "admin", "viewer", NULL };

/* A password's field allows any length a password could have in bytes
 * (the field counts characters); pwhash_policy() then says 10 characters
 * at least and PWHASH_MAX bytes at most, in one message. */
static const struct valid_field add_fields[] = {
	{ "username", VT_TEXT, VF_REQUIRED, 1, 64, NULL, NULL },
	{ "role", VT_ENUM, VF_REQUIRED, 0, 0, roles, NULL },
	{ "password", VT_TEXT, 0, 1, 4 * PWHASH_MAX, NULL, NULL },
};

static const struct valid_field update_fields[] = {
	{ "role", VT_ENUM, 0, 0, 0, roles, NULL },
	{ "disabled", VT_BOOL, 0, 0, 0, NULL, NULL },
};

static const struct valid_field password_fields[] = {
	{ "password", VT_TEXT, 0, 1, 4 * PWHASH_MAX, NULL, NULL },
};

#define NFIELDS(t)	(sizeof(t) / sizeof((t)[0]))

/* The given password checked against kfctl's rules into v. */
static void
check_password(struct valid *v, const char *pw)
{
	if (pw != NULL && !valid_has(v, "password") &&
	    pwhash_policy(pw) != NULL)
		valid_fail(v, "password", "密码至少 %d 个字符,最多 %d 字节",
		    PWHASH_MIN, PWHASH_MAX);
}

/*
 * The password to set: the given one, or a new one made in gen. Its hash
 * goes into hash; NULL (answered 500) when hashing fails.
 */
static const char *
password_hash(struct actx *c, const char *given, char *gen,
    char hash[PWHASH_LEN])
{
	const char	*pw = given;

	if (pw == NULL) {
		pwhash_generate(gen);
		pw = gen;
	}
	if (pwhash_make(pw, hash) == -1) {
		admin_fail(c, AE_INTERNAL);
		return NULL;
	}
	return pw;
}

/* {"success":true,"item":<operator>[,"password":"..."]} */
static void
answer(struct actx *c, const char *item, const char *generated)
{
	struct jsonw	*w = resp_json_ok(c->resp);

	jsonw_key(w, "item");
	jsonw_raw(w, item);
	if (generated != NULL) {
		jsonw_key(w, "password");
		jsonw_str(w, generated);
	}
	jsonw_obj_close(w);
}

static void
ops_list(struct actx *c)
{
	const char	*json;

	if (store_q_text(c->a->store, Q_OP_LIST, NULL, 0, c->req->arena,
	    &json) != STORE_OK) {
		admin_fail_store(c);
		return;
	}
	admin_ok_raw(c, "items", json);
}

static void
ops_add(struct actx *c)
{
	struct json_object	*o;
	struct valid		 v;
	const char		*vals[3], *p[3], *item = NULL;
	char			 gen[PWHASH_GEN + 1], hash[PWHASH_LEN];
	enum store_rc		 rc;

	if ((o = admin_body(c)) == NULL)
		return;
	valid_init(&v, c->req->arena);
	valid_known(&v, o, add_fields, NFIELDS(add_fields), NULL);
	valid_fields(&v, o, add_fields, NFIELDS(add_fields), vals);
	if (vals[0] != NULL && !valid_has(&v, "username") &&
	    !auth_username_ok(vals[0]))
		valid_fail(&v, "username", "用户名只允许 1-64 个字母、数字、"
		    "_ . @ 或 -");
	check_password(&v, vals[2]);
	if (v.nerr > 0) {
		admin_fail_fields(c, &v);
		return;
	}
	if (password_hash(c, vals[2], gen, hash) == NULL)
		return;
	p[0] = vals[0];
	p[1] = vals[1];
	p[2] = hash;
	if (store_begin(c->a->store) != STORE_OK) {
		admin_fail_store(c);
		return;
	}
	rc = store_q_exec(c->a->store, Q_ADMIN_USER_PUT, p, 3);
	sodium_memzero(hash, sizeof(hash));
	if (rc == STORE_OK)
		rc = store_q_text(c->a->store, Q_OP_GET, p, 1, c->req->arena,
		    &item);
	rc = admin_audit_commit(c, rc, "create", "operator", vals[0], NULL,
	    item);
	if (rc != STORE_OK) {
		if (rc == STORE_DUP) {
			valid_fail(&v, "username", "已有同名的操作员");
			admin_fail_fields(c, &v);
		} else
			admin_fail_store(c);
		return;
	}
	log_info("admin: operator '%s' (%s) added by '%s'", vals[0], vals[1],
	    c->user);
	c->resp->status = 201;
	answer(c, item, vals[2] == NULL ? gen : NULL);
	sodium_memzero(gen, sizeof(gen));
}

/* GET or POST /admin/api/operators */
void
admin_ops_list_add(struct actx *c)
{
	if (c->req->method == REQ_POST)
		ops_add(c);
	else
		ops_list(c);
}

struct op_row {
	char	 role[16];
	int	 disabled, found;
};

static int
row_op(void *arg, char **col, unsigned n)
{
	struct op_row	*r = arg;

	if (n < 2 || col[0] == NULL || col[1] == NULL)
		return -1;
	snprintf(r->role, sizeof(r->role), "%s", col[0]);
	r->disabled = strcmp(col[1], "0") != 0;
	r->found = 1;
	return 0;
}

/* The number of enabled admins, their rows locked; -1 on an error. */
static long long
admins_locked(struct actx *c)
{
	const char	*n;
	long long	 v;

	if (store_q_text(c->a->store, Q_OP_ADMINS_LOCK, NULL, 0,
	    c->req->arena, &n) != STORE_OK || n == NULL ||
	    sscanf(n, "%lld", &v) != 1)
		return -1;
	return v;
}

/* PATCH /admin/api/operators/<name> {role?, disabled?} */
void
admin_ops_update(struct actx *c)
{
	struct json_object	*o;
	struct valid		 v;
	struct op_row		 r;
	const char		*vals[2], *p[3], *before = NULL, *after = NULL;
	const char		*action;
	long long		 admins = 0;
	enum apierr		 refuse = AE_OK;
	enum store_rc		 rc;

	if (!auth_username_ok(c->id)) {
		admin_fail(c, AE_NO_OBJECT);
		return;
	}
	if ((o = admin_body(c)) == NULL)
		return;
	valid_init(&v, c->req->arena);
	valid_known(&v, o, update_fields, NFIELDS(update_fields), NULL);
	valid_fields(&v, o, update_fields, NFIELDS(update_fields), vals);
	if (v.nerr == 0 && vals[0] == NULL && vals[1] == NULL)
		valid_fail(&v, "role", "请给出新的角色(role)或停用状态"
		    "(disabled)");
	if (v.nerr > 0) {
		admin_fail_fields(c, &v);
		return;
	}
	memset(&r, 0, sizeof(r));
	p[0] = c->id;
	if (store_begin(c->a->store) != STORE_OK) {
		admin_fail_store(c);
		return;
	}
	/* The admins first, then the row: every change locks in this order. */
	if ((admins = admins_locked(c)) == -1)
		rc = STORE_ERR;
	else
		rc = store_q_rows(c->a->store, Q_OP_LOCK, p, 1, row_op, &r);
	if (rc == STORE_OK && !r.found)
		rc = STORE_NOTFOUND;
	if (rc == STORE_OK && strcmp(r.role, "admin") == 0 && !r.disabled &&
	    ((vals[0] != NULL && strcmp(vals[0], "admin") != 0) ||
	    (vals[1] != NULL && strcmp(vals[1], "1") == 0))) {
		/* An enabled admin would stop being one. */
		if (strcmp(c->id, c->user) == 0)
			refuse = AE_SELF;
		else if (admins <= 1)
			refuse = AE_LAST_ADMIN;
	}
	if (refuse != AE_OK) {
		store_rollback(c->a->store);
		admin_fail(c, refuse);
		return;
	}
	if (rc == STORE_OK)
		rc = store_q_text(c->a->store, Q_OP_GET, p, 1, c->req->arena,
		    &before);
	if (rc == STORE_OK) {
		p[0] = vals[0];
		p[1] = vals[1];
		p[2] = c->id;
		rc = store_q_exec(c->a->store, Q_OP_UPDATE, p, 3);
		p[0] = c->id;
	}
	/* Disabled: out at once, whatever page they have open. */
	if (rc == STORE_OK && vals[1] != NULL && strcmp(vals[1], "1") == 0)
		rc = store_q_exec(c->a->store, Q_SESSION_DELETE_USER, p, 1);
	if (rc == STORE_OK)
		rc = store_q_text(c->a->store, Q_OP_GET, p, 1, c->req->arena,
		    &after);
	/* Only the disabled flag moved: say so; else an update. */
	action = vals[0] == NULL || strcmp(vals[0], r.role) == 0 ?
	    (vals[1] != NULL && strcmp(vals[1], "1") == 0 ? "disable" :
	    "enable") : "update";
	rc = admin_audit_commit(c, rc, rc == STORE_OK && strcmp(before, after)
	    != 0 ? action : NULL, "operator", c->id, before, after);
	if (rc != STORE_OK) {
		admin_fail_rc(c, rc);
		return;
	}
	answer(c, after, NULL);
}

/* POST /admin/api/operators/<name>/password {password?}; no body, or
 * {}, makes one. */
void
admin_ops_password(struct actx *c)
{
	struct json_object	*o;
	struct valid		 v;
	struct op_row		 r;
	const char		*pw = NULL, *p[3], *item = NULL;
	char			 gen[PWHASH_GEN + 1], hash[PWHASH_LEN];
	char			 mine[AUTH_HASH_LEN + 1];
	enum store_rc		 rc;
	int			 self;

	if (!auth_username_ok(c->id)) {
		admin_fail(c, AE_NO_OBJECT);
		return;
	}
	valid_init(&v, c->req->arena);
	if (c->req->body_len > 0) {
		if ((o = admin_body(c)) == NULL)
			return;
		valid_known(&v, o, password_fields, 1, NULL);
		valid_fields(&v, o, password_fields, 1, &pw);
		check_password(&v, pw);
		if (v.nerr > 0) {
			admin_fail_fields(c, &v);
			return;
		}
	}
	memset(&r, 0, sizeof(r));
	p[0] = c->id;
	if (store_q_rows(c->a->store, Q_OP_LOCK, p, 1, row_op, &r) !=
	    STORE_OK) {
		admin_fail_store(c);
		return;
	}
	if (!r.found) {		/* before spending a hash on nobody */
		admin_fail(c, AE_NO_OBJECT);
		return;
	}
	if (password_hash(c, pw, gen, hash) == NULL)
		return;
	self = strcmp(c->id, c->user) == 0;
	auth_id_hash(c->sid, mine);
	if (store_begin(c->a->store) != STORE_OK) {
		admin_fail_store(c);
		return;
	}
	p[0] = hash;
	p[1] = NULL;
	p[2] = c->id;
	rc = store_q_exec(c->a->store, Q_ADMIN_USER_PASSWD, p, 3);
	sodium_memzero(hash, sizeof(hash));
	if (rc == STORE_OK && store_affected(c->a->store) == 0)
		rc = STORE_NOTFOUND;	/* removed meanwhile */
	/*
	 * The old password's sessions end (the one making the change goes
	 * on), and a login lock on the name lifts, as with kfctl passwd.
	 */
	p[0] = c->id;
	p[1] = mine;
	if (rc == STORE_OK)
		rc = store_q_exec(c->a->store, self ? Q_SESSION_DELETE_OTHERS :
		    Q_SESSION_DELETE_USER, p, self ? 2 : 1);
	if (rc == STORE_OK)
		rc = store_q_exec(c->a->store, Q_THROTTLE_CLEAR, p, 1);
	if (rc == STORE_OK)
		rc = store_q_text(c->a->store, Q_OP_GET, p, 1, c->req->arena,
		    &item);
	rc = admin_audit_commit(c, rc, "passwd", "operator", c->id, NULL,
	    item);
	if (rc != STORE_OK) {
		admin_fail_rc(c, rc);
		return;
	}
	log_info("admin: password of '%s' reset by '%s'", c->id, c->user);
	answer(c, item, pw == NULL ? gen : NULL);
	sodium_memzero(gen, sizeof(gen));
}
