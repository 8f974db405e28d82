/*
 * The admin API's front door: the URL table, then, in this order, the
 * method, the session (401), the Origin (403), the CSRF token (403), the
 * role (403) and the body, before any handler runs. Handlers can rely on
 * all of that having been checked.
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "admin_int.h"
#include "arena.h"
#include "buf.h"
#include "cfg.h"
#include "jsonw.h"
#include "req.h"
#include "resp.h"
#include "store.h"
#include "valid.h"

/* CSV imports come through here too: larger than the public API's cap. */
#define ADMIN_MAX_BODY	(1024 * 1000)

#define M_GET	(REQ_M(REQ_GET) | REQ_M(REQ_HEAD))
#define M_POST	REQ_M(REQ_POST)
#define M_WRITE	(REQ_M(REQ_POST) | REQ_M(REQ_PATCH) | REQ_M(REQ_PUT) | \
		    REQ_M(REQ_DELETE))

enum gate {
	G_PUBLIC = 0,	/* login: no session yet */
	G_SESSION = 1,	/* any logged-in user; writes need CSRF */
	G_ADMIN_WRITE = 2,	/* writes also need the admin role */
	G_ADMIN = 3,		/* reads too need the admin role (operators) */
};

struct aroute {
	const char	*coll;	/* first segment; NULL: a CRUD collection */
	int		 segs;	/* path segments after /admin/api/ */
	const char	*sub;	/* the last segment (segs 2 or 3), or NULL */
	unsigned	 methods;
	enum gate	 gate;
	void		(*fn)(struct actx *);
	const char	*allow;
	int		 nobody;	/* takes no body: none needed (logout) */
};

static const struct aroute routes[] = {
	{ "login", 1, NULL, M_POST, G_PUBLIC, admin_login, "POST", 0 },
	{ "logout", 1, NULL, M_POST, G_SESSION, admin_logout, "POST", 1 },
	{ "me", 1, NULL, M_GET, G_SESSION, admin_me, "GET, HEAD", 0 },
	{ "preview", 1, NULL, M_GET, G_SESSION, admin_preview, "GET, HEAD", 0 },
	{ "stats", 1, NULL, M_GET, G_SESSION, admin_stats, "GET, HEAD", 0 },
	{ "stats", 2, "lifecycle", M_GET, G_SESSION, admin_stats_lifecycle,
	    "GET, HEAD", 0 },
	{ "audit", 1, NULL, M_GET, G_SESSION, admin_audit_list, "GET, HEAD", 0 },
	{ "wecom", 1, NULL, M_GET, G_SESSION, admin_wecom, "GET, HEAD", 0 },
	{ "entries", 3, "qr", M_GET, G_SESSION, admin_qr, "GET, HEAD", 0 },
	{ "import", 2, NULL, M_POST, G_ADMIN_WRITE, admin_import, "POST", 0 },
	{ "export", 2, NULL, M_GET, G_SESSION, admin_export, "GET, HEAD", 0 },
	{ "template", 2, NULL, M_GET, G_SESSION, admin_template, "GET, HEAD",
	    0 },
	{ "agents", 3, "presence", M_POST, G_ADMIN_WRITE, admin_presence,
	    "POST", 0 },
	{ "wecom", 2, "sync", M_POST, G_ADMIN_WRITE, admin_wecom_sync, "POST",
	    0 },
	{ "entries", 3, "reach", M_GET, G_SESSION, admin_reach, "GET, HEAD", 0 },
	{ "reach", 1, NULL, M_GET, G_SESSION, admin_reach_list, "GET, HEAD", 0 },
	{ "settings", 1, NULL, M_GET, G_SESSION, admin_settings, "GET, HEAD",
	    0 },
	{ NULL, 1, NULL, M_GET | M_POST, G_ADMIN_WRITE, admin_crud,
	    "GET, HEAD, POST", 0 },
	{ NULL, 2, NULL, M_GET | REQ_M(REQ_PATCH) | REQ_M(REQ_DELETE),
	    G_ADMIN_WRITE, admin_crud, "GET, HEAD, PATCH, DELETE", 0 },
	/* operators (admin_ops.c): admins only, reads included */
	{ "operators", 1, NULL, M_GET | M_POST, G_ADMIN, admin_ops_list_add,
	    "GET, HEAD, POST", 0 },
	{ "operators", 2, NULL, REQ_M(REQ_PATCH), G_ADMIN, admin_ops_update,
	    "PATCH", 0 },
	{ "operators", 3, "password", M_POST, G_ADMIN, admin_ops_password,
	    "POST", 0 },
};

#define NROUTES	(sizeof(routes) / sizeof(routes[0]))

/* Split /admin/api/a[/b[/c]] into segments; -1 for anything else. */
static int
split(struct arena *ar, const char *path, const char *seg[3])
{
	static const char	 prefix[] = "/admin/api/";
	const char		*p, *slash;
	int			 n = 0;

	if (strncmp(path, prefix, sizeof(prefix) - 1) != 0)
		return -1;
	p = path + sizeof(prefix) - 1;
	while (n < 3) {
		slash = strchr(p, '/');
		if (slash == p || *p == '\0')
			return -1;	/* empty segment or trailing slash */
		seg[n++] = arena_strndup(ar, p,
		    slash ? (size_t)(slash - p) : strlen(p));
		if (slash == NULL)
			return n;
		p = slash + 1;
	}
	return -1;
}

static const struct aroute *
match(const char *seg[3], int n, int *path_known)
{
	size_t	 i;

	*path_known = 0;
	for (i = 0; i < NROUTES; i++) {
		const struct aroute *r = &routes[i];

		if (r->segs != n)
			continue;
		if (r->coll != NULL ? strcmp(r->coll, seg[0]) != 0 :
		    !admin_crud_known(seg[0]))
			continue;
		if (r->sub != NULL && strcmp(r->sub, seg[n - 1]) != 0)
			continue;
		*path_known = 1;
		return r;
	}
	return NULL;
}

/* Headers on every admin API answer (the page gets its own from the web
 * server, see conf/lighttpd.conf.in). */
static void
security_headers(struct resp *r)
{
	resp_header(r, "Content-Security-Policy",
	    "default-src 'none'; frame-ancestors 'none'");
	resp_header(r, "X-Frame-Options", "DENY");
	resp_header(r, "Referrer-Policy", "no-referrer");
}

static const char *
param(struct actx *c, const char *name)
{
	return c->req->src->param(c->req->src->ctx, name);
}

const char *
admin_origin(struct actx *c)
{
	const char	*host = param(c, "HTTP_HOST"), *https = param(c, "HTTPS");
	char		*o;
	size_t		 n;

	if (c->a->cfg->admin.origin != NULL)
		return c->a->cfg->admin.origin;
	/*
	 * From the Host header only when it is a plain host[:port] (or an
	 * IPv6 literal): it ends up in Origin checks, QR codes and links.
	 * [admin] origin says it for sure.
	 */
	if (host == NULL || *host == '\0' || strlen(host) > 255 ||
	    strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789.-:[]") != strlen(host))
		return NULL;
	n = strlen(host) + 9;
	o = arena_alloc(c->req->arena, n);
	snprintf(o, n, "%s://%s", https != NULL &&
	    strcmp(https, "on") == 0 ? "https" : "http", host);
	return o;
}

const char *
admin_base(struct actx *c)
{
	const char	*uri = param(c, "REQUEST_URI");
	size_t		 n = req_mount_len(uri, c->req->path);

	if (n == (size_t)-1)	/* sent encoded: what the config says */
		return c->a->cfg->base_path != NULL ? c->a->cfg->base_path : "";
	return arena_strndup(c->req->arena, uri, n);
}

/* Origin, CSRF token and role, for a state-changing request. */
static int
write_gates(struct actx *c, const struct aroute *r)
{
	if (!auth_origin_ok(param(c, "HTTP_ORIGIN"),
	    param(c, "HTTP_SEC_FETCH_SITE"), admin_origin(c))) {
		admin_fail(c, AE_BAD_ORIGIN);
		return -1;
	}
	if (r->gate == G_PUBLIC)
		return 0;
	if (!auth_csrf_ok(c->sid, param(c, "HTTP_X_CSRF_TOKEN"))) {
		admin_fail(c, AE_CSRF);
		return -1;
	}
	if (r->gate >= G_ADMIN_WRITE && c->role != ROLE_ADMIN) {
		admin_fail(c, r->gate == G_ADMIN ? AE_ADMIN_ONLY :
		    AE_FORBIDDEN_ROLE);
		return -1;
	}
	return 0;
}

void
admin_handle(struct admin *a, struct req *req, struct resp *resp)
{
	struct actx		 c;
	const struct aroute	*r;
	const char		*seg[3] = { NULL, NULL, NULL };
	int			 n, known;
	enum apierr		 e;

	memset(&c, 0, sizeof(c));
	c.a = a;
	c.req = req;
	c.resp = resp;
	c.now = time(NULL);
	security_headers(resp);
	if ((n = split(req->arena, req->path, seg)) == -1 ||
	    (r = match(seg, n, &known)) == NULL) {
		resp_error(resp, AE_NOT_FOUND, NULL);
		return;
	}
	c.coll = seg[0];
	c.id = seg[1];
	c.sub = seg[2];
	if (!(r->methods & REQ_M(req->method))) {
		resp_header(resp, "Allow", r->allow);
		resp_error(resp, AE_METHOD, NULL);
		return;
	}
	if (r->gate != G_PUBLIC && admin_session(&c) == -1)
		return;
	if (r->gate == G_ADMIN && c.role != ROLE_ADMIN &&
	    !(REQ_M(req->method) & M_WRITE)) {
		admin_fail(&c, AE_ADMIN_ONLY);
		return;
	}
	if (REQ_M(req->method) & M_WRITE) {
		if (write_gates(&c, r) == -1)
			return;
		if (req->method != REQ_DELETE && !r->nobody &&
		    (e = req_read_body(req, ADMIN_MAX_BODY)) != AE_OK) {
			resp_error(resp, e, NULL);
			return;
		}
	}
	r->fn(&c);
}

/* ---- helpers for the handlers --------------------------------------- */

struct json_object *
admin_body(struct actx *c)
{
	const char	*bad;
	enum apierr	 e;

	if (c->req->body_len == 0 || c->req->ctype != REQ_CT_JSON) {
		admin_fail(c, c->req->body_len == 0 ? AE_BAD_JSON :
		    AE_JSON_TYPE);
		return NULL;
	}
	if ((e = req_fields(c->req, NULL, 0, NULL, &bad)) != AE_OK) {
		admin_fail(c, e);
		return NULL;
	}
	return c->req->json;
}

const char *
admin_query(struct actx *c, const char *name, int *bad)
{
	return admin_query_as(c, name, REQ_FIELD_TEXT, bad);
}

const char *
admin_query_as(struct actx *c, const char *name, enum req_field_type type,
    int *bad)
{
	const struct req_field	 f = { name, type };
	const char		*v = NULL, *b;
	enum apierr		 e;

	if ((e = req_fields(c->req, &f, 1, &v, &b)) != AE_OK) {
		resp_error(c->resp, e, b);
		*bad = 1;
		return NULL;
	}
	return v;
}

void
admin_fail(struct actx *c, enum apierr e)
{
	resp_error(c->resp, e, NULL);
}

void
admin_fail_fields(struct actx *c, const struct valid *v)
{
	struct jsonw	*w = resp_error_begin(c->resp, AE_INVALID, NULL);
	size_t		 i;

	jsonw_key(w, "fields");
	jsonw_obj_open(w);
	for (i = 0; i < v->nerr; i++) {
		jsonw_key(w, v->errs[i].field);
		jsonw_str(w, v->errs[i].message);
	}
	jsonw_obj_close(w);
	jsonw_obj_close(w);
}

void
admin_fail_store(struct actx *c)
{
	/* Another transaction held the rows too long: a 409, not an outage. */
	resp_error(c->resp, store_lock_clash(c->a->store) ? AE_LOCKED :
	    AE_UNAVAILABLE, NULL);
}

void
admin_fail_rc(struct actx *c, enum store_rc rc)
{
	if (rc == STORE_NOTFOUND)
		admin_fail(c, AE_NO_OBJECT);
	else
		admin_fail_store(c);
}

void
admin_fail_raw(struct actx *c, enum apierr e, const char *key,
    const char *json)
{
	struct jsonw	*w = resp_error_begin(c->resp, e, NULL);

	jsonw_key(w, key);
	jsonw_raw(w, json);
	jsonw_obj_close(w);
}

void
admin_ok_raw(struct actx *c, const char *key, const char *json)
{
	struct jsonw	*w = resp_json_ok(c->resp);

	jsonw_key(w, key);
	if (json != NULL)
		jsonw_raw(w, json);
	else
		jsonw_null(w);
	jsonw_obj_close(w);
}

int
admin_audit(struct actx *c, const char *action, const char *kind,
    const char *object_id, const char *before, const char *after)
{
	const char	*p[6] = { c->user, action, kind,
	    object_id != NULL ? object_id : "", before, after };

	return store_q_exec(c->a->store, Q_AUDIT_ADD, p, 6) == STORE_OK ?
	    0 : -1;
}

enum store_rc
admin_audit_commit(struct actx *c, enum store_rc rc, const char *action,
    const char *kind, const char *object_id, const char *before,
    const char *after)
{
	if (rc == STORE_OK && action != NULL && admin_audit(c, action, kind,
	    object_id, before, after) == -1)
		rc = STORE_ERR;
	if (rc == STORE_OK)
		rc = store_commit(c->a->store);
	if (rc != STORE_OK)
		store_rollback(c->a->store);
	return rc;
}
