/*
 * Entries, agents and groups: one table per kind says its fields (the
 * validation rules and, in order, the statement parameters), its queries
 * and which schema constraints mean which field; the handlers below are
 * the same for every kind.
 *
 *   GET    /admin/api/<kind>          {"items": [...]}; entries, agents,
 *                                     customers and orders 200 at a time
 *                                     (?after=&q=, "next"; see list_page)
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
#include <strings.h>

#include <json-c/json.h>

#include "admin_int.h"
#include "arena.h"
#include "cfg.h"
#include "jsonin.h"
#include "jsonw.h"
#include "lifeset.h"
#include "req.h"
#include "resp.h"
#include "store.h"
#include "tz.h"
#include "util.h"
#include "valid.h"

#define MAX_FIELDS	24

/* A schema key or constraint name, and the field it is about. */
struct constraint {
	const char	*key;
	const char	*field;
	const char	*message;
};

/* A list's query parameter besides ?after= and ?q=: "" when absent. */
struct filter {
	const char	*name;
	int		(*ok)(const char *);
	const char	*message;	/* when not ok */
};

/* A list field stored as rows of its own: cleared, then added. */
struct child {
	int		 field;		/* index in the kind's fields */
	enum store_q	 clear, add;
};

struct kind {
	const char		*coll;	/* URL segment */
	const char		*name;	/* in the audit log */
	/* fields[0] is the id; list fields (VT_IS_LIST) come last. */
	const struct valid_field *fields;
	size_t			 nfields;
	enum store_q		 q_list, q_get, q_insert, q_update, q_delete;
	enum store_q		 q_inuse;	/* Q__MAX: never in use */
	unsigned		 inuse_params;	/* the id, this many times */
	struct child		 children[3];	/* unused: field 0 */
	void			(*check)(const struct actx *, struct valid *,
				    const char **vals);
	const struct constraint	*cons;	/* ends with a NULL key */
	int			 auto_id;	/* the database numbers rows */
	int			 paged;		/* list takes ?after=&q= */
	/* ?q= is an id's start or part of the name (else a key's start),
	 * and the list also takes ?ids= and the filters below */
	int			 named;
	const struct filter	*filters;	/* NULL, or ends with NULL */
	enum store_q		 q_counts;	/* Q__MAX: none (see list_page) */
};

static const char *const target_types[] = { "page", "url", "wecom_kf", NULL };
static const char *const policies[] = { "overflow", "strict", NULL };
static const char *const strategies[] = { "ordered", "round_robin",
    "least_busy", "longest_idle", "random", NULL };

/* ---- entries -------------------------------------------------------- */

enum {
	E_ID, E_LABEL, E_SCENE, E_SORT, E_ENABLED, E_TTYPE, E_TARGET,
	E_POLICY, E_FGROUP, E_FSTRAT, E_SCHEDULE, E_OVERCAP, E_WSCENE,
	E_LIFE, E_AGENTS = E_LIFE + LS__N, E__N
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
	/* the lifecycle settings (lifeset.h), in enum lifeset_key's order */
	[E_LIFE] = LIFESET_FIELDS,
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
		    strncasecmp(target, "http://", 7) == 0)
			/* The mini-program opens url targets in a web-view. */
			valid_fail(v, "target", "小程序 web-view 只能打开 https "
			    "网页,请改为 https:// 开头的地址");
		else if (strcmp(type, "url") == 0 &&
		    strncmp(target, "https://", 8) != 0)
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

static int
is_status(const char *s)
{
	return strcmp(s, "online") == 0 || strcmp(s, "busy") == 0 ||
	    strcmp(s, "offline") == 0;
}

static int
is_group(const char *s)
{
	return valid_id(s, 1, 64);
}

/* The presence board's filters; the group comes first (Q_AGENT_COUNTS). */
static const struct filter agent_filters[] = {
	{ "group", is_group, "应为分组 ID" },
	{ "status", is_status, "应为 online、busy 或 offline" },
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

/* ---- rules ---------------------------------------------------------- */

static const char *const rule_kinds[] = { "level_at_least", "has_tag",
    "order_agent", "account_manager", "time_window", NULL };
static const char *const rule_targets[] = { "agent", "group", "implicit",
    NULL };

enum {
	R_ID, R_ENTRY, R_PRIORITY, R_KIND, R_LEVEL, R_TAG, R_WSTART, R_WEND,
	R_TTYPE, R_TARGET, R_STRATEGY, R_ENABLED, R__N
};

static const struct valid_field rule_fields[R__N] = {
	[R_ID] = { "id", VT_ID, VF_FIXED | VF_NULLABLE, 1, 20, NULL, NULL },
	[R_ENTRY] = { "entry_id", VT_ID, VF_REQUIRED, 1, 64, NULL, NULL },
	[R_PRIORITY] = { "priority", VT_INT, 0, 0, 1000000, NULL, "100" },
	[R_KIND] = { "kind", VT_ENUM, VF_REQUIRED, 0, 0, rule_kinds, NULL },
	[R_LEVEL] = { "level", VT_INT, VF_NULLABLE, 0, 1000000, NULL, NULL },
	[R_TAG] = { "tag", VT_TEXT, VF_NULLABLE, 1, 64, NULL, NULL },
	[R_WSTART] = { "window_start", VT_INT, VF_NULLABLE, 0, 1439, NULL,
	    NULL },
	[R_WEND] = { "window_end", VT_INT, VF_NULLABLE, 1, 1440, NULL, NULL },
	[R_TTYPE] = { "target_type", VT_ENUM, VF_REQUIRED, 0, 0, rule_targets,
	    NULL },
	[R_TARGET] = { "target_id", VT_ID, VF_NULLABLE, 1, 64, NULL, NULL },
	[R_STRATEGY] = { "strategy", VT_ENUM, 0, 0, 0, strategies, "ordered" },
	[R_ENABLED] = { "enabled", VT_BOOL, 0, 0, 0, NULL, "1" },
};

static int
is(const char *v, const char *want)
{
	return v != NULL && strcmp(v, want) == 0;
}

/* Each kind of rule needs its own condition, and its target must exist. */
static void
check_rule(const struct actx *c, struct valid *v, const char **x)
{
	const char	*p[2], *found;
	int		 implicit_kind = is(x[R_KIND], "order_agent") ||
			    is(x[R_KIND], "account_manager");

	if (is(x[R_KIND], "level_at_least") && x[R_LEVEL] == NULL)
		valid_fail(v, "level", "“等级不低于”规则需要等级");
	if (is(x[R_KIND], "has_tag") && x[R_TAG] == NULL)
		valid_fail(v, "tag", "“带标签”规则需要标签");
	if (is(x[R_KIND], "time_window") && (x[R_WSTART] == NULL ||
	    x[R_WEND] == NULL || strcmp(x[R_WSTART], x[R_WEND]) == 0))
		valid_fail(v, "window_start", "“时段”规则需要不同的起止分钟");
	if (implicit_kind != is(x[R_TTYPE], "implicit") && x[R_KIND] != NULL &&
	    x[R_TTYPE] != NULL)
		valid_fail(v, "target_type", implicit_kind ?
		    "订单负责人和专属客服规则的目标是 implicit" :
		    "implicit 只用于订单负责人和专属客服规则");
	if (is(x[R_TTYPE], "implicit") && x[R_TARGET] != NULL)
		valid_fail(v, "target_id", "implicit 规则没有目标");
	if (!is(x[R_TTYPE], "agent") && !is(x[R_TTYPE], "group"))
		return;
	if (x[R_TARGET] == NULL) {
		valid_fail(v, "target_id", "需要目标客服或分组");
		return;
	}
	p[0] = p[1] = x[R_TARGET];
	if (store_q_text(c->a->store, Q_TARGET_EXISTS, p, 2, c->req->arena,
	    &found) == STORE_OK && found != NULL &&
	    !(is(x[R_TTYPE], "agent") ? found[0] != '0' :
	    strcmp(strchr(found, ',') + 1, "0") != 0))
		valid_fail(v, "target_id", is(x[R_TTYPE], "agent") ?
		    "没有这个客服" : "没有这个分组");
}

static const struct constraint rule_cons[] = {
	{ "kf_rule_entry", "entry_id", "没有这个入口" },
	{ NULL, NULL, NULL },
};

/* ---- customers and orders (filled by the business, or CSV) ---------- */

enum { C_KEY, C_LEVEL, C_TAGS, C_MANAGER, C__N };

static const struct valid_field customer_fields[C__N] = {
	[C_KEY] = { "customer_key", VT_ID, VF_REQUIRED | VF_FIXED, 1, 64,
	    NULL, NULL },
	[C_LEVEL] = { "level", VT_INT, 0, 0, 1000000, NULL, "0" },
	[C_TAGS] = { "tags", VT_TEXT, 0, 0, 512, NULL, "" },
	[C_MANAGER] = { "account_manager_id", VT_ID, VF_NULLABLE, 1, 64,
	    NULL, NULL },
};

static const struct constraint customer_cons[] = {
	{ "kf_customer_manager", "account_manager_id", "没有这个客服" },
	{ "PRIMARY", "customer_key", "该客户已存在" },
	{ NULL, NULL, NULL },
};

enum { O_ID, O_CUSTOMER, O_AGENT, O__N };

static const struct valid_field order_fields[O__N] = {
	[O_ID] = { "order_id", VT_ID, VF_REQUIRED | VF_FIXED, 1, 64, NULL,
	    NULL },
	[O_CUSTOMER] = { "customer_key", VT_ID, VF_REQUIRED, 1, 64, NULL,
	    NULL },
	[O_AGENT] = { "agent_id", VT_ID, VF_NULLABLE, 1, 64, NULL, NULL },
};

static const struct constraint order_cons[] = {
	{ "kf_order_agent", "agent_id", "没有这个客服" },
	{ "PRIMARY", "order_id", "该订单已存在" },
	{ NULL, NULL, NULL },
};

/* ---- business hours ------------------------------------------------- */

enum { S_ID, S_NAME, S_TZ, S_SLOTS, S_CLOSURES, S_WORKDAYS, S__N };

static const struct valid_field schedule_fields[S__N] = {
	[S_ID] = { "id", VT_ID, VF_REQUIRED | VF_FIXED, 1, 64, NULL, NULL },
	[S_NAME] = { "name", VT_TEXT, VF_REQUIRED, 1, 64, NULL, NULL },
	[S_TZ] = { "tz", VT_TEXT, 0, 1, 64, NULL, "Asia/Shanghai" },
	[S_SLOTS] = { "slots", VT_SLOTS, 0, 0, 70, NULL, "" },
	[S_CLOSURES] = { "closures", VT_DATES, 0, 0, 366, NULL, "" },
	[S_WORKDAYS] = { "workdays", VT_WORKDAYS, 0, 0, 366, NULL, "" },
};

static void
check_schedule(const struct actx *c, struct valid *v, const char **x)
{
	(void)c;
	if (x[S_TZ] != NULL && !tz_known(x[S_TZ]))
		valid_fail(v, "tz", "未知时区(应为 IANA 名称,如 "
		    "Asia/Shanghai)");
	/* A date is closed or worked, not both: the page says which. */
	valid_day_clash(v, "workdays", x[S_CLOSURES], x[S_WORKDAYS]);
}

static const struct constraint schedule_cons[] = {
	{ "PRIMARY", "id", "该 ID 已存在" },
	{ NULL, NULL, NULL },
};

static const struct kind kinds[] = {
	{ .coll = "entries", .name = "entry", .fields = entry_fields,
	    .nfields = E__N, .q_list = Q_ENTRY_LIST, .q_get = Q_ENTRY_GET,
	    .q_insert = Q_ENTRY_INSERT, .q_update = Q_ENTRY_UPDATE,
	    .q_delete = Q_ENTRY_DELETE, .q_inuse = Q__MAX,
	    .children = { { E_AGENTS, Q_ENTRY_AGENTS_CLEAR,
	    Q_ENTRY_AGENT_ADD } },
	    .check = check_entry, .cons = entry_cons, .paged = 1, .named = 1,
	    .q_counts = Q__MAX },
	{ .coll = "agents", .name = "agent", .fields = agent_fields,
	    .nfields = A__N, .q_list = Q_AGENT_LIST, .q_get = Q_AGENT_GET,
	    .q_insert = Q_AGENT_INSERT, .q_update = Q_AGENT_UPDATE,
	    .q_delete = Q_AGENT_DELETE, .q_inuse = Q_AGENT_INUSE,
	    .inuse_params = 4, .cons = agent_cons, .paged = 1, .named = 1,
	    .filters = agent_filters, .q_counts = Q_AGENT_COUNTS },
	{ .coll = "groups", .name = "group", .fields = group_fields,
	    .nfields = G__N, .q_list = Q_GROUP_LIST, .q_get = Q_GROUP_GET,
	    .q_insert = Q_GROUP_INSERT, .q_update = Q_GROUP_UPDATE,
	    .q_delete = Q_GROUP_DELETE, .q_inuse = Q_GROUP_INUSE,
	    .inuse_params = 2,
	    .children = { { G_MEMBERS, Q_GROUP_MEMBERS_CLEAR,
	    Q_GROUP_MEMBER_ADD } },
	    .cons = group_cons },
	{ .coll = "rules", .name = "rule", .fields = rule_fields,
	    .nfields = R__N, .q_list = Q_RULE_LIST, .q_get = Q_RULE_GET,
	    .q_insert = Q_RULE_INSERT, .q_update = Q_RULE_UPDATE,
	    .q_delete = Q_RULE_DELETE, .q_inuse = Q__MAX,
	    .check = check_rule, .cons = rule_cons, .auto_id = 1 },
	{ .coll = "schedules", .name = "schedule", .fields = schedule_fields,
	    .nfields = S__N, .q_list = Q_SCHEDULE_LIST, .q_get = Q_SCHEDULE_GET,
	    .q_insert = Q_SCHEDULE_INSERT, .q_update = Q_SCHEDULE_UPDATE,
	    .q_delete = Q_SCHEDULE_DELETE, .q_inuse = Q_SCHEDULE_INUSE,
	    .inuse_params = 2,
	    .children = { { S_SLOTS, Q_SLOTS_CLEAR, Q_SLOT_ADD },
	    { S_CLOSURES, Q_CLOSURES_CLEAR, Q_CLOSURE_ADD },
	    { S_WORKDAYS, Q_WORKDAYS_CLEAR, Q_WORKDAY_ADD } },
	    .check = check_schedule, .cons = schedule_cons },
	{ .coll = "customers", .name = "customer", .fields = customer_fields,
	    .nfields = C__N, .q_list = Q_CUSTOMER_LIST, .q_get = Q_CUSTOMER_GET,
	    .q_insert = Q_CUSTOMER_INSERT, .q_update = Q_CUSTOMER_UPDATE,
	    .q_delete = Q_CUSTOMER_DELETE, .q_inuse = Q__MAX,
	    .cons = customer_cons, .paged = 1, .q_counts = Q__MAX },
	{ .coll = "orders", .name = "order", .fields = order_fields,
	    .nfields = O__N, .q_list = Q_ORDER_LIST, .q_get = Q_ORDER_GET,
	    .q_insert = Q_ORDER_INSERT, .q_update = Q_ORDER_UPDATE,
	    .q_delete = Q_ORDER_DELETE, .q_inuse = Q__MAX,
	    .cons = order_cons, .paged = 1, .q_counts = Q__MAX },
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

const struct valid_field *
admin_crud_fields(const char *coll, size_t *n, const char **name)
{
	const struct kind	*k = kind_of(coll);

	if (k == NULL)
		return NULL;
	*n = k->nfields;
	*name = k->name;
	return k->fields;
}

/* The field a schema refusal is about (NULL when not one we know). */
static const struct constraint *
refusal(const struct kind *k, enum store_rc rc, const char *msg)
{
	const struct constraint	*con;

	if (rc == STORE_DUP || rc == STORE_REF || rc == STORE_CHECK)
		for (con = k->cons; con->key != NULL; con++)
			if (strstr(msg, con->key) != NULL)
				return con;
	return NULL;
}

int
admin_crud_refusal(const char *coll, enum store_rc rc, const char *msg,
    const char **field, const char **message)
{
	const struct constraint	*con = refusal(kind_of(coll), rc, msg);

	if (con == NULL)
		return -1;
	*field = con->field;
	*message = con->message;
	return 0;
}

/* Fields stored in the kind's own row: all but the trailing lists. */
static size_t
row_fields(const struct kind *k)
{
	size_t	 n = k->nfields;

	while (n > 0 && VT_IS_LIST(k->fields[n - 1].type))
		n--;
	return n;
}

/* ---- answers -------------------------------------------------------- */

/* A refusal by the schema as the field it concerns. */
static void
fail_write(struct actx *c, const struct kind *k, enum store_rc rc)
{
	const struct constraint	*con;
	struct valid		 v;

	if (rc == STORE_INUSE) {
		admin_fail(c, AE_IN_USE);
		return;
	}
	if ((con = refusal(k, rc, store_error(c->a->store))) != NULL) {
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

/* ?ids=a1,a2: at most a page of valid ids, comma-separated. */
static int
is_idlist(const char *s)
{
	size_t	 len, n = 0;

	for (;;) {
		len = strcspn(s, ",");
		if (!util_id_valid(s, len) || len > 64 || ++n > 200)
			return 0;
		if (s[len] == '\0')
			return 1;
		s += len + 1;
	}
}

/* A page's two columns (PAGED in store_admin.c), copied into the arena. */
struct page {
	struct arena	*ar;
	const char	*items, *next;
};

static int
page_row(void *arg, char **col, unsigned n)
{
	struct page	*pg = arg;

	if (n != 2 || col[0] == NULL ||
	    (pg->items = arena_strdup(pg->ar, col[0])) == NULL)
		return -1;
	if (col[1] != NULL && (pg->next = arena_strdup(pg->ar, col[1])) ==
	    NULL)
		return -1;
	return 0;
}

/*
 * Big tables come a page at a time: keys after ?after, those matching
 * ?q (a key's start; for named kinds an id's start or part of the name)
 * and the kind's filters. {"items", "next": the ?after= for the next
 * page, null after the last}; the agents' page adds "counts" per status
 * under ?q and ?group (what the presence board shows beside its filter).
 */
static void
list_page(struct actx *c, const struct kind *k)
{
	static const struct filter ids = { "ids", is_idlist,
	    "应为逗号分隔的 ID,最多 200 个" };
	/* two filters and ?ids at most: after, q thrice, each filter twice */
	const struct filter	*f[4];
	const char		*p[12], *after, *q = NULL, *x, *counts = NULL;
	struct page		 pg = { c->req->arena, NULL, NULL };
	struct valid		 v;
	struct jsonw		*w;
	unsigned		 n = 0, i, nf = 0, qn = k->named ? 3 : 2;
	int			 bad = 0;

	for (i = 0; k->filters != NULL && k->filters[i].name != NULL; i++)
		f[nf++] = &k->filters[i];
	if (k->named)
		f[nf++] = &ids;
	valid_init(&v, c->req->arena);
	if ((after = admin_query(c, "after", &bad)) != NULL &&
	    !valid_id(after, 1, 64))
		valid_fail(&v, "after", "应为上一页最后一行的键");
	if (!bad && (q = admin_query(c, "q", &bad)) != NULL &&
	    !(k->named ? valid_search(q) : valid_id(q, 1, 64)))
		valid_fail(&v, "q", k->named ? "最多 64 个字" :
		    "只允许字母、数字、_ 或 -");
	if (bad)
		return;
	p[n++] = after != NULL ? after : "";
	for (i = 0; i < qn; i++)
		p[n++] = q != NULL ? q : "";
	for (i = 0; i < nf; i++) {
		if ((x = admin_query_as(c, f[i]->name, f[i] == &ids ?
		    REQ_FIELD_IDLIST : REQ_FIELD_TEXT, &bad)) == NULL)
			x = "";
		if (bad)
			return;
		if (*x != '\0' && !f[i]->ok(x))
			valid_fail(&v, f[i]->name, "%s", f[i]->message);
		p[n++] = x;
		p[n++] = x;
	}
	if (v.nerr > 0) {
		admin_fail_fields(c, &v);
		return;
	}
	/* counts: ?q three times and ?group twice, as in the list */
	if (store_q_rows(c->a->store, k->q_list, p, n, page_row, &pg) !=
	    STORE_OK || pg.items == NULL || (k->q_counts != Q__MAX &&
	    store_q_text(c->a->store, k->q_counts, p + 1, 5, c->req->arena,
	    &counts) != STORE_OK)) {
		admin_fail_store(c);
		return;
	}
	w = resp_json_ok(c->resp);
	jsonw_key(w, "items");
	jsonw_raw(w, pg.items);
	jsonw_key(w, "next");
	jsonw_str(w, pg.next);
	if (counts != NULL) {
		jsonw_key(w, "counts");
		jsonw_raw(w, counts);
	}
	jsonw_obj_close(w);
}

static void
list(struct actx *c, const struct kind *k)
{
	const char	*json;

	if (k->paged) {
		list_page(c, k);
		return;
	}
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

/*
 * Replace the rows of one list field, in its order. The validated text
 * (see valid.h) splits into items, and each item into the statement's
 * parameters after the owner's id: "a1" -> (id, a1, position);
 * "1 540 1080" -> (id, 1, 540, 1080); "2026-12-25\tnote" -> (id, day,
 * note); "2026-10-10\t540\t1080\tnote" -> (id, day, start, end, note).
 */
static enum store_rc
write_child(struct actx *c, const struct child *ch, enum valid_type type,
    const char *id, const char *text)
{
	const char	 sep = type == VT_IDLIST ? ',' :
			    type == VT_SLOTS ? ';' : '\n';
	/* an item: a day, two minutes and 64 characters of note at most */
	char		 item[512], pos[16], *w, *end;
	const char	*p[5] = { id, NULL, NULL, NULL, NULL }, *s = text;
	enum store_rc	 rc;
	unsigned	 n;
	int		 i = 0;
	size_t		 len;

	if ((rc = store_q_exec(c->a->store, ch->clear, p, 1)) != STORE_OK)
		return rc;
	while (s != NULL && *s != '\0') {
		len = strcspn(s, (char[]){ sep, '\0' });
		snprintf(item, sizeof(item), "%.*s", (int)len, s);
		s += len + (s[len] == sep);
		n = 1;
		if (type == VT_IDLIST) {
			snprintf(pos, sizeof(pos), "%d", i++);
			p[n++] = item;
			p[n++] = pos;
		} else {
			/* "w s e" or "day\t...": split in place */
			for (w = item; n < 5; w = end + 1) {
				p[n++] = w;
				end = w + strcspn(w, type == VT_SLOTS ? " " :
				    "\t");
				if (*end == '\0')
					break;
				*end = '\0';
			}
		}
		if ((rc = store_q_exec(c->a->store, ch->add, p, n)) != STORE_OK)
			return rc;
	}
	return STORE_OK;
}

static enum store_rc
write_children(struct actx *c, const struct kind *k, const char *id,
    const char **vals)
{
	const struct child	*ch;
	enum store_rc		 rc;
	size_t			 i;

	for (i = 0; i < sizeof(k->children) / sizeof(k->children[0]); i++) {
		ch = &k->children[i];
		if (ch->field == 0)
			continue;
		if ((rc = write_child(c, ch, k->fields[ch->field].type, id,
		    vals[ch->field])) != STORE_OK)
			return rc;
	}
	return STORE_OK;
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

/*
 * Open the write's transaction and read the row as it is (*before), which
 * must still be the version the client read: 0, or -1 having rolled back
 * and answered (404, 409 with the current row, 503).
 */
static int
begin_with_row(struct actx *c, const struct kind *k, long long want,
    const char **before)
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
	if (row_version(*before) != want) {
		store_rollback(c->a->store);
		fail_conflict(c, *before);
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

	if ((rc = write_children(c, k, id, vals)) != STORE_OK)
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

	char			 id[24];

	if ((o = admin_body(c)) == NULL)
		return;
	valid_init(&v, c->req->arena);
	valid_known(&v, o, k->fields, k->nfields, NULL);
	if (k->auto_id && json_object_object_get_ex(o, k->fields[0].name, NULL))
		valid_fail(&v, k->fields[0].name, "由系统分配,不用填写");
	if (validate(c, k, o, &v, vals) == -1) {
		admin_fail_fields(c, &v);
		return;
	}
	if (store_begin(c->a->store) != STORE_OK) {
		admin_fail_store(c);
		return;
	}
	/* A numbered kind's row has no id parameter: it gets one here. */
	rc = store_q_exec(c->a->store, k->q_insert, vals + k->auto_id,
	    (unsigned)(row_fields(k) - (size_t)k->auto_id));
	if (k->auto_id) {
		snprintf(id, sizeof(id), "%llu",
		    store_insert_id(c->a->store));
		vals[0] = id;
	}
	conclude(c, k, rc, "create", vals[0], vals, NULL, 201);
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

	if (!util_id_valid(c->id, strlen(c->id))) {
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
	if (begin_with_row(c, k, want, &before) == -1)
		return;
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

	if (!util_id_valid(c->id, strlen(c->id))) {
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
	if (begin_with_row(c, k, want, &before) == -1)
		return;
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
	rc = admin_audit_commit(c, rc, "delete", k->name, c->id, before, NULL);
	if (rc != STORE_OK) {
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
	else if (!util_id_valid(c->id, strlen(c->id)))
		admin_fail(c, AE_NO_OBJECT);
	else
		show(c, k);
}

/*
 * GET /admin/api/settings: what the loaded config says where an entry
 * leaves a setting empty, so the page can show "默认:…".
 */
void
admin_settings(struct actx *c)
{
	struct jsonw	*w = resp_json_ok(c->resp);
	size_t		 i;
	int		 d;

	jsonw_key(w, "lifecycle");
	jsonw_obj_open(w);
	for (i = 0; i < LS__N; i++) {
		d = lifeset_default(c->a->cfg, (enum lifeset_key)i);
		jsonw_key(w, lifeset_fields[i].name);
		if (lifeset_fields[i].type == VT_BOOL)
			jsonw_bool(w, d);
		else
			jsonw_int(w, d);
	}
	jsonw_obj_close(w);
	jsonw_obj_close(w);
}
