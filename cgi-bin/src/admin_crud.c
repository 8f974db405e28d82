/*
 * Entries, agents and groups: one table per kind says its fields (the
 * validation rules and, in order, the statement parameters), its queries
 * and which schema constraints mean which field; the handlers below are
 * the same for every kind.
 *
 *   GET    /admin/api/<kind>          {"items": [...]}
 *   POST   /admin/api/<kind>          create; 201 {"item"}
 *   GET    /admin/api/<kind>/<id>     {"item"}
 *   PATCH  /admin/api/<kind>/<id>     {"version": n, changed fields...}
 *   DELETE /admin/api/<kind>/<id>?version=n
 *
 * Every write runs in one transaction with its audit record; a stale
 * version is a 409 carrying the current row.
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "admin_int.h"
#include "arena.h"
#include "cfg.h"
#include "jsonin.h"
#include "jsonw.h"
#include "req.h"
#include "resp.h"
#include "store.h"
#include "util.h"
#include "valid.h"

#define MAX_FIELDS	16

/* A schema key or constraint name, and the field it is about. */
struct constraint {
	const char	*key;
	const char	*field;
	const char	*message;
};

struct kind {
	const char		*coll;	/* URL segment */
	const char		*name;	/* in the audit log */
	/* fields[0] is the id; a VT_IDLIST field, if any, comes last and
	 * is stored as rows of its own (q_clear, q_add). */
	const struct valid_field *fields;
	size_t			 nfields;
	enum store_q		 q_list, q_get, q_insert, q_update, q_delete;
	enum store_q		 q_inuse;	/* Q__MAX: never in use */
	unsigned		 inuse_params;	/* the id, this many times */
	enum store_q		 q_clear, q_add;
	void			(*check)(const struct actx *, struct valid *,
				    const char **vals);
	const struct constraint	*cons;	/* ends with a NULL key */
};

static const char *const target_types[] = { "page", "url", "wecom_kf", NULL };
static const char *const policies[] = { "overflow", "strict", NULL };
static const char *const strategies[] = { "ordered", "round_robin",
    "least_busy", "longest_idle", "random", NULL };

/* ---- entries -------------------------------------------------------- */

enum {
	E_ID, E_LABEL, E_SCENE, E_SORT, E_ENABLED, E_TTYPE, E_TARGET,
	E_POLICY, E_FGROUP, E_FSTRAT, E_SCHEDULE, E_OVERCAP, E_WSCENE,
	E_AGENTS, E__N
};

static const struct valid_field entry_fields[E__N] = {
	[E_ID] = { "id", VT_ID, VF_REQUIRED | VF_FIXED, 1, 64, NULL, NULL },
	[E_LABEL] = { "label", VT_TEXT, VF_REQUIRED, 1, 128, NULL, NULL },
	[E_SCENE] = { "scene", VT_ID, 0, 0, 64, NULL, "" },
	[E_SORT] = { "sort_order", VT_INT, 0, -1000000, 1000000, NULL, "0" },
	[E_ENABLED] = { "enabled", VT_BOOL, 0, 0, 0, NULL, "1" },
	[E_TTYPE] = { "target_type", VT_ENUM, 0, 0, 0, target_types, "page" },
	[E_TARGET] = { "target", VT_TEXT, 0, 0, 1024, NULL, "" },
	[E_POLICY] = { "policy", VT_ENUM, 0, 0, 0, policies, "overflow" },
	[E_FGROUP] = { "fallback_group_id", VT_ID, VF_NULLABLE, 1, 64, NULL,
	    NULL },
	[E_FSTRAT] = { "fallback_strategy", VT_ENUM, 0, 0, 0, strategies,
	    "least_busy" },
	[E_SCHEDULE] = { "schedule_id", VT_ID, VF_NULLABLE, 1, 64, NULL,
	    NULL },
	[E_OVERCAP] = { "designated_over_capacity", VT_BOOL, 0, 0, 0, NULL,
	    "0" },
	/* WeCom limits scene to 32 characters. */
	[E_WSCENE] = { "wecom_scene", VT_ID, VF_NULLABLE, 1, 32, NULL, NULL },
	[E_AGENTS] = { "agents", VT_IDLIST, 0, 0, 16, NULL, "" },
};

static void
check_entry(const struct actx *c, struct valid *v, const char **x)
{
	const char	*type = x[E_TTYPE], *target = x[E_TARGET];

	(void)c;
	if (type != NULL && target != NULL) {
		if (strcmp(type, "page") == 0 && target[0] != '/')
			valid_fail(v, "target", "小程序页面路径应以 / 开头,"
			    "如 /pages/kf/index");
		else if (strcmp(type, "url") == 0 &&
		    strncmp(target, "https://", 8) != 0 &&
		    strncmp(target, "http://", 7) != 0)
			valid_fail(v, "target", "网页地址应以 https:// 开头");
		else if (strcmp(type, "wecom_kf") == 0 &&
		    !valid_id(target, 1, 64))
			valid_fail(v, "target", "应为微信客服账号的 open_kfid");
	}
	if (x[E_POLICY] != NULL && strcmp(x[E_POLICY], "strict") == 0 &&
	    x[E_AGENTS] != NULL && x[E_AGENTS][0] == '\0')
		valid_fail(v, "agents", "“仅指定客服”策略至少需要一位指定客服");
}

static const struct constraint entry_cons[] = {
	{ "kf_entry_fallback_group", "fallback_group_id", "没有这个分组" },
	{ "kf_entry_schedule", "schedule_id", "没有这个营业时间表" },
	{ "kf_entry_agent_agent", "agents", "含有不存在的客服" },
	{ "PRIMARY", "id", "该 ID 已存在" },
	{ NULL, NULL, NULL },
};

/* ---- agents --------------------------------------------------------- */

enum { A_ID, A_NAME, A_WECOM, A_CAPACITY, A_ENABLED, A_SCHEDULE, A__N };

static const struct valid_field agent_fields[A__N] = {
	[A_ID] = { "id", VT_ID, VF_REQUIRED | VF_FIXED, 1, 64, NULL, NULL },
	[A_NAME] = { "display_name", VT_TEXT, VF_REQUIRED, 1, 64, NULL, NULL },
	[A_WECOM] = { "wecom_userid", VT_ID, VF_NULLABLE, 1, 64, NULL, NULL },
	[A_CAPACITY] = { "capacity", VT_INT, 0, 0, 1000, NULL, "5" },
	[A_ENABLED] = { "enabled", VT_BOOL, 0, 0, 0, NULL, "1" },
	[A_SCHEDULE] = { "schedule_id", VT_ID, VF_NULLABLE, 1, 64, NULL,
	    NULL },
};

static const struct constraint agent_cons[] = {
	{ "kf_agent_wecom", "wecom_userid", "已被另一位客服使用" },
	{ "kf_agent_schedule", "schedule_id", "没有这个营业时间表" },
	{ "PRIMARY", "id", "该 ID 已存在" },
	{ NULL, NULL, NULL },
};

/* ---- groups --------------------------------------------------------- */

enum { G_ID, G_NAME, G_MEMBERS, G__N };

static const struct valid_field group_fields[G__N] = {
	[G_ID] = { "id", VT_ID, VF_REQUIRED | VF_FIXED, 1, 64, NULL, NULL },
	[G_NAME] = { "name", VT_TEXT, VF_REQUIRED, 1, 64, NULL, NULL },
	[G_MEMBERS] = { "members", VT_IDLIST, 0, 0, 64, NULL, "" },
};

static const struct constraint group_cons[] = {
	{ "kf_group_member_agent", "members", "含有不存在的客服" },
	{ "PRIMARY", "id", "该 ID 已存在" },
	{ NULL, NULL, NULL },
};

static const struct kind kinds[] = {
	{ "entries", "entry", entry_fields, E__N, Q_ENTRY_LIST, Q_ENTRY_GET,
	    Q_ENTRY_INSERT, Q_ENTRY_UPDATE, Q_ENTRY_DELETE, Q__MAX, 0,
	    Q_ENTRY_AGENTS_CLEAR, Q_ENTRY_AGENT_ADD, check_entry, entry_cons },
	{ "agents", "agent", agent_fields, A__N, Q_AGENT_LIST, Q_AGENT_GET,
	    Q_AGENT_INSERT, Q_AGENT_UPDATE, Q_AGENT_DELETE, Q_AGENT_INUSE, 4,
	    Q__MAX, Q__MAX, NULL, agent_cons },
	{ "groups", "group", group_fields, G__N, Q_GROUP_LIST, Q_GROUP_GET,
	    Q_GROUP_INSERT, Q_GROUP_UPDATE, Q_GROUP_DELETE, Q_GROUP_INUSE, 2,
	    Q_GROUP_MEMBERS_CLEAR, Q_GROUP_MEMBER_ADD, NULL, group_cons },
};

static const struct kind *
kind_of(const char *coll)
{
	size_t	 i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].coll, coll) == 0)
			return &kinds[i];
	return NULL;
}

int
admin_crud_known(const char *coll)
{
	return kind_of(coll) != NULL;
}

/* Fields stored in the kind's own row: all but a trailing id list. */
static size_t
row_fields(const struct kind *k)
{
	return k->fields[k->nfields - 1].type == VT_IDLIST ?
	    k->nfields - 1 : k->nfields;
}

/* ---- answers -------------------------------------------------------- */

/* A refusal by the schema as the field it concerns. */
static void
fail_write(struct actx *c, const struct kind *k, enum store_rc rc)
{
	const char		*msg = store_error(c->a->store);
	const struct constraint	*con;
	struct valid		 v;

	if (rc == STORE_INUSE) {
		admin_fail(c, AE_IN_USE);
		return;
	}
	if (rc == STORE_DUP || rc == STORE_REF || rc == STORE_CHECK)
		for (con = k->cons; con->key != NULL; con++)
			if (strstr(msg, con->key) != NULL) {
				valid_init(&v, c->req->arena);
				valid_fail(&v, con->field, "%s", con->message);
				admin_fail_fields(c, &v);
				return;
			}
	if (rc == STORE_ERR)
		admin_fail_store(c);
	else
		admin_fail(c, AE_INVALID);	/* a constraint not mapped */
}

static void
fail_conflict(struct actx *c, const char *current)
{
	admin_fail_raw(c, AE_CONFLICT, "current", current);
}

static void
answer_item(struct actx *c, int status, const char *item)
{
	admin_ok_raw(c, "item", item);
	c->resp->status = status;
}

/* ---- reads ---------------------------------------------------------- */

static void
list(struct actx *c, const struct kind *k)
{
	const char	*json;

	if (store_q_text(c->a->store, k->q_list, NULL, 0, c->req->arena,
	    &json) != STORE_OK) {
		admin_fail_store(c);
		return;
	}
	admin_ok_raw(c, "items", json);
}

static enum store_rc
get(struct actx *c, const struct kind *k, const char *id, const char **json)
{
	const char	*p[1] = { id };

	return store_q_text(c->a->store, k->q_get, p, 1, c->req->arena, json);
}

static void
show(struct actx *c, const struct kind *k)
{
	const char	*json;
	enum store_rc	 rc;

	if ((rc = get(c, k, c->id, &json)) == STORE_OK)
		answer_item(c, 200, json);
	else
		admin_fail_rc(c, rc);
}

/* ---- writes --------------------------------------------------------- */

/* Replace the rows of the id list ("a,b,c") in its order. */
static enum store_rc
write_list(struct actx *c, const struct kind *k, const char *id,
    const char *ids)
{
	char		 item[65], pos[16];
	const char	*p[3] = { id, item, pos }, *s = ids;
	enum store_rc	 rc;
	size_t		 n;
	int		 i = 0;

	if (k->q_clear == Q__MAX)
		return STORE_OK;
	if ((rc = store_q_exec(c->a->store, k->q_clear, p, 1)) != STORE_OK)
		return rc;
	while (s != NULL && *s != '\0') {
		n = strcspn(s, ",");
		snprintf(item, sizeof(item), "%.*s", (int)n, s);
		snprintf(pos, sizeof(pos), "%d", i++);
		if ((rc = store_q_exec(c->a->store, k->q_add, p, 3)) !=
		    STORE_OK)
			return rc;
		s += n + (s[n] == ',');
	}
	return STORE_OK;
}

/*
 * Open the write's transaction and read the row as it is (*before):
 * 0, or -1 having rolled back and answered (404, 503).
 */
static int
begin_with_row(struct actx *c, const struct kind *k, const char **before)
{
	enum store_rc	 rc;

	if (store_begin(c->a->store) != STORE_OK) {
		admin_fail_store(c);
		return -1;
	}
	if ((rc = get(c, k, c->id, before)) != STORE_OK) {
		store_rollback(c->a->store);
		admin_fail_rc(c, rc);
		return -1;
	}
	return 0;
}

/* Validate obj as a whole row of kind k into vals. */
static int
validate(struct actx *c, const struct kind *k, struct json_object *obj,
    struct valid *v, const char **vals)
{
	valid_fields(v, obj, k->fields, k->nfields, vals);
	/* Checks see NULL for fields that failed: all problems at once. */
	if (k->check != NULL)
		k->check(c, v, vals);
	return v->nerr == 0 ? 0 : -1;
}

/* The list rows, the new row's JSON, the audit record, the commit. */
static enum store_rc
finish(struct actx *c, const struct kind *k, const char *action,
    const char *id, const char **vals, const char *before,
    const char **after)
{
	enum store_rc	 rc;

	if (row_fields(k) < k->nfields &&
	    (rc = write_list(c, k, id, vals[k->nfields - 1])) != STORE_OK)
		return rc;
	if ((rc = get(c, k, id, after)) != STORE_OK)
		return rc == STORE_NOTFOUND ? STORE_ERR : rc;
	if (admin_audit(c, action, k->name, id, before, *after) == -1)
		return STORE_ERR;
	return store_commit(c->a->store);
}

/*
 * After the row's own statement returned rc: the rest of the write and
 * the answer (the row as stored now), or the rollback and the error.
 */
static void
conclude(struct actx *c, const struct kind *k, enum store_rc rc,
    const char *action, const char *id, const char **vals,
    const char *before, int status)
{
	const char	*after = NULL;

	if (rc == STORE_OK)
		rc = finish(c, k, action, id, vals, before, &after);
	if (rc != STORE_OK) {
		store_rollback(c->a->store);
		fail_write(c, k, rc);
		return;
	}
	answer_item(c, status, after);
}

static void
create(struct actx *c, const struct kind *k)
{
	struct json_object	*o;
	struct valid		 v;
	const char		*vals[MAX_FIELDS];
	enum store_rc		 rc;

	if ((o = admin_body(c)) == NULL)
		return;
	valid_init(&v, c->req->arena);
	valid_known(&v, o, k->fields, k->nfields, NULL);
	if (validate(c, k, o, &v, vals) == -1) {
		admin_fail_fields(c, &v);
		return;
	}
	if (store_begin(c->a->store) != STORE_OK) {
		admin_fail_store(c);
		return;
	}
	rc = store_q_exec(c->a->store, k->q_insert, vals,
	    (unsigned)row_fields(k));
	conclude(c, k, rc, "create", vals[0], vals, NULL, 201);
}

/* The "version" the client read: a positive integer, else 0. */
static long long
client_version(struct json_object *o)
{
	struct json_object	*v;
	int64_t			 n;

	if (!json_object_object_get_ex(o, "version", &v) ||
	    !json_object_is_type(v, json_type_int) ||
	    (n = json_object_get_int64(v)) < 1 || n > 0xffffffffLL)
		return 0;
	return n;
}

/* The version inside a row's JSON as the database wrote it. */
static long long
row_version(const char *json)
{
	struct json_object	*o;
	long long		 v = 0;

	if (jsonin_object(json, strlen(json), 4, &o) != JSONIN_OK)
		return -1;
	v = client_version(o);
	json_object_put(o);
	return v;
}

/* Fields fixed at creation may be repeated unchanged, never changed. */
static void
check_fixed(struct actx *c, const struct kind *k, struct json_object *o,
    struct valid *v)
{
	struct json_object	*f;
	size_t			 i;

	for (i = 0; i < k->nfields; i++)
		if ((k->fields[i].flags & VF_FIXED) &&
		    json_object_object_get_ex(o, k->fields[i].name, &f) &&
		    (!json_object_is_type(f, json_type_string) ||
		    strcmp(json_object_get_string(f), c->id) != 0))
			valid_fail(v, k->fields[i].name, "创建后不可修改");
}

/*
 * The current row with the request's fields laid over it, validated as a
 * whole; 0, or -1 having answered.
 */
static int
merge(struct actx *c, const struct kind *k, const char *before,
    struct json_object *in, const char **vals)
{
	struct json_object	*cur;
	struct valid		 v;
	int			 rc;

	if (jsonin_object(before, strlen(before), 8, &cur) != JSONIN_OK) {
		admin_fail(c, AE_INTERNAL);
		return -1;
	}
	json_object_object_foreach(in, key, val)
		if (strcmp(key, "version") != 0)
			json_object_object_add(cur, key, json_object_get(val));
	valid_init(&v, c->req->arena);
	/* vals point into the arena, not into cur: safe to drop it. */
	rc = validate(c, k, cur, &v, vals);
	json_object_put(cur);
	if (rc == -1)
		admin_fail_fields(c, &v);
	return rc;
}

static void
update(struct actx *c, const struct kind *k)
{
	static const char *const extra[] = { "version", NULL };
	struct json_object	*o;
	struct valid		 v;
	const char		*vals[MAX_FIELDS], *params[MAX_FIELDS + 1];
	const char		*before;
	char			 ver[24];
	long long		 want;
	size_t			 i, n = row_fields(k);
	enum store_rc		 rc;

	if (!req_valid_id(c->id, strlen(c->id))) {
		admin_fail(c, AE_NO_OBJECT);
		return;
	}
	if ((o = admin_body(c)) == NULL)
		return;
	valid_init(&v, c->req->arena);
	valid_known(&v, o, k->fields, k->nfields, extra);
	check_fixed(c, k, o, &v);
	if ((want = client_version(o)) == 0)
		valid_fail(&v, "version", "必填:最近一次读取时的 version");
	if (v.nerr > 0) {
		admin_fail_fields(c, &v);
		return;
	}
	if (begin_with_row(c, k, &before) == -1)
		return;
	if (row_version(before) != want) {
		store_rollback(c->a->store);
		fail_conflict(c, before);
		return;
	}
	if (merge(c, k, before, o, vals) == -1) {
		store_rollback(c->a->store);
		return;
	}
	/* Parameters: the row's fields but the id, then id and version. */
	snprintf(ver, sizeof(ver), "%lld", want);
	for (i = 1; i < n; i++)
		params[i - 1] = vals[i];
	params[n - 1] = c->id;
	params[n] = ver;
	rc = store_q_exec(c->a->store, k->q_update, params, (unsigned)n + 1);
	if (rc == STORE_OK && store_affected(c->a->store) == 0) {
		store_rollback(c->a->store);
		fail_conflict(c, before);	/* changed since we read it */
		return;
	}
	conclude(c, k, rc, "update", c->id, vals, before, 200);
}

/* What still uses the row: NULL when nothing, else the JSON to show. */
static enum store_rc
in_use(struct actx *c, const struct kind *k, const char **used)
{
	const char		*p[4] = { c->id, c->id, c->id, c->id };
	const char		*json;
	struct json_object	*o;
	enum store_rc		 rc;
	int			 any = 0;

	*used = NULL;
	if (k->q_inuse == Q__MAX)
		return STORE_OK;
	if ((rc = store_q_text(c->a->store, k->q_inuse, p, k->inuse_params,
	    c->req->arena, &json)) != STORE_OK)
		return rc == STORE_NOTFOUND ? STORE_ERR : rc;
	if (json == NULL || jsonin_object(json, strlen(json), 4, &o) !=
	    JSONIN_OK)
		return STORE_ERR;
	json_object_object_foreach(o, key, val) {
		(void)key;
		any |= !json_object_is_type(val, json_type_null);
	}
	json_object_put(o);
	if (any)
		*used = json;
	/* The configured global fallback group is used by every entry. */
	if (strcmp(k->coll, "groups") == 0 &&
	    c->a->cfg->routing.fallback_group != NULL &&
	    strcmp(c->a->cfg->routing.fallback_group, c->id) == 0)
		*used = "{\"config\":\"[routing] fallback_group\"}";
	return STORE_OK;
}

static void
delete(struct actx *c, const struct kind *k)
{
	const char	*p[2], *before, *used, *ver;
	long long	 want;
	struct valid	 v;
	enum store_rc	 rc;
	int		 bad = 0;

	if (!req_valid_id(c->id, strlen(c->id))) {
		admin_fail(c, AE_NO_OBJECT);
		return;
	}
	ver = admin_query(c, "version", &bad);
	if (bad)
		return;
	if (ver == NULL || util_parse_llong(ver, 1, 0xffffffffLL, &want)) {
		valid_init(&v, c->req->arena);
		valid_fail(&v, "version", "必填:最近一次读取时的 version");
		admin_fail_fields(c, &v);
		return;
	}
	if (begin_with_row(c, k, &before) == -1)
		return;
	if (row_version(before) != want) {
		store_rollback(c->a->store);
		fail_conflict(c, before);
		return;
	}
	if ((rc = in_use(c, k, &used)) == STORE_OK && used != NULL) {
		store_rollback(c->a->store);
		admin_fail_raw(c, AE_IN_USE, "used_by", used);
		return;
	}
	p[0] = c->id;
	p[1] = ver;
	if (rc == STORE_OK)
		rc = store_q_exec(c->a->store, k->q_delete, p, 2);
	if (rc == STORE_OK && store_affected(c->a->store) == 0) {
		store_rollback(c->a->store);
		fail_conflict(c, before);
		return;
	}
	if (rc == STORE_OK && admin_audit(c, "delete", k->name, c->id, before,
	    NULL) == -1)
		rc = STORE_ERR;
	if (rc == STORE_OK)
		rc = store_commit(c->a->store);
	if (rc != STORE_OK) {
		store_rollback(c->a->store);
		fail_write(c, k, rc);
		return;
	}
	jsonw_obj_close(resp_json_ok(c->resp));
}

void
admin_crud(struct actx *c)
{
	const struct kind	*k = kind_of(c->coll);

	if (c->id == NULL)
		c->req->method == REQ_POST ? create(c, k) : list(c, k);
	else if (c->req->method == REQ_PATCH)
		update(c, k);
	else if (c->req->method == REQ_DELETE)
		delete(c, k);
	else if (!req_valid_id(c->id, strlen(c->id)))
		admin_fail(c, AE_NO_OBJECT);
	else
		show(c, k);
}
