/*
 * Shared by the admin_*.c files only: the per-request context the gates
 * fill in, and the helpers every handler answers with.
 */
#ifndef KF_ADMIN_INT_H
#define KF_ADMIN_INT_H

#include <stddef.h>
#include <time.h>

#include "admin.h"
#include "apierr.h"
#include "auth.h"
#include "req.h"
#include "store.h"

struct json_object;
struct valid;
struct valid_field;

enum admin_role {
	ROLE_VIEWER,
	ROLE_ADMIN,
};

/* One request to the admin API, as the handlers see it. */
struct actx {
	struct admin		*a;
	struct req		*req;
	struct resp		*resp;
	time_t			 now;
	const char		*coll;	/* first path segment ("entries") */
	const char		*id;	/* second, or NULL */
	const char		*sub;	/* third, or NULL */
	/* Set once the session checked out. */
	const char		*user;
	enum admin_role		 role;
	char			 sid[AUTH_ID_LEN + 1];
};

/* admin.c */
/* The JSON request body as an object; answers 4xx itself on NULL. */
struct json_object *admin_body(struct actx *);
/* A query-string parameter, validated as text (REQ_FIELD_TEXT; _as: as
 * type); NULL when absent. On a bad value answers 400 and sets *bad. */
const char	*admin_query(struct actx *, const char *name, int *bad);
const char	*admin_query_as(struct actx *, const char *name,
		    enum req_field_type, int *bad);
void		 admin_fail(struct actx *, enum apierr);
/* 400 invalid with {"fields": {name: message}}. */
void		 admin_fail_fields(struct actx *, const struct valid *);
/* 503 for a store failure. */
void		 admin_fail_store(struct actx *);
/* 404 for STORE_NOTFOUND, else 503. */
void		 admin_fail_rc(struct actx *, enum store_rc);
/* The error with one more key holding JSON text from the database. */
void		 admin_fail_raw(struct actx *, enum apierr, const char *key,
		    const char *json);
/* {"success":true, key: json} for JSON text from the database. */
void		 admin_ok_raw(struct actx *, const char *key, const char *json);
/* Record a change (inside the caller's transaction); -1 on failure. */
int		 admin_audit(struct actx *, const char *action,
		    const char *kind, const char *object_id,
		    const char *before, const char *after);
/*
 * The end of a write's transaction: when rc is STORE_OK, record the change
 * (action NULL: nothing to record) and commit; otherwise, or when either
 * fails, roll back. The outcome; the caller answers a failure.
 */
enum store_rc	 admin_audit_commit(struct actx *, enum store_rc rc,
		    const char *action, const char *kind,
		    const char *object_id, const char *before,
		    const char *after);

/* admin_auth.c */
void		 admin_login(struct actx *);
void		 admin_logout(struct actx *);
void		 admin_me(struct actx *);
/* 0 with ctx->user set, or -1 having answered 401/5xx. */
int		 admin_session(struct actx *);
/* The Origin the page must come from ("https://host"). */
const char	*admin_origin(struct actx *);
/* The URL path kfroute answers under: "" at the root, else "/kf". */
const char	*admin_base(struct actx *);

/* admin_crud.c */
int		 admin_crud_known(const char *coll);	/* a collection? */
/* A collection's field table and audit name (CSV); NULL if none. */
const struct valid_field *admin_crud_fields(const char *coll, size_t *n,
		    const char **name);
/* The field and message for a schema refusal of a write; -1: none. */
int		 admin_crud_refusal(const char *coll, enum store_rc,
		    const char *msg, const char **field, const char **message);
/* Answer a request under /admin/api/<collection>[/<id>]. */
void		 admin_crud(struct actx *);
/* GET settings: the config's defaults of the entries' lifecycle fields */
void		 admin_settings(struct actx *);

/* admin_view.c */
void		 admin_presence(struct actx *);
void		 admin_preview(struct actx *);
void		 admin_stats(struct actx *);
void		 admin_stats_lifecycle(struct actx *);	/* stats/lifecycle */
void		 admin_audit_list(struct actx *);
void		 admin_wecom(struct actx *);

/* admin_csv.c: /admin/api/import/<kind> (text/csv), export/<kind> */
void		 admin_import(struct actx *);
void		 admin_export(struct actx *);
/* template/<kind>: an empty sheet with the Chinese header row */
void		 admin_template(struct actx *);
/* The field a CSV header cell names (English or Chinese), or NULL. */
const char	*admin_csv_field(const char *coll, const char *cell);

/* admin_view.c: POST /admin/api/wecom/sync (the worker does it) */
void		 admin_wecom_sync(struct actx *);

/* admin_ops.c: /admin/api/operators[/<name>[/password]], admins only */
void		 admin_ops_list_add(struct actx *);
void		 admin_ops_update(struct actx *);
void		 admin_ops_password(struct actx *);
/* admin_qr.c: 小程序码 / link QR codes, how customers reach entries */
void		 admin_qr(struct actx *);
void		 admin_reach(struct actx *);
void		 admin_reach_list(struct actx *);

#endif
