/*
 * What the admin page shows besides the tables: the presence board's
 * override, the routing preview, traffic statistics, the audit log and
 * the schedules its selects offer.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "admin_int.h"
#include "arena.h"
#include "buf.h"
#include "cfg.h"
#include "jsonw.h"
#include "preview.h"
#include "req.h"
#include "resp.h"
#include "retention.h"
#include "snap.h"
#include "store.h"
#include "tz.h"
#include "util.h"
#include "valid.h"

static const char *const statuses[] = { "online", "busy", "offline", NULL };

static const struct valid_field presence_fields[] = {
	{ "status", VT_ENUM, VF_REQUIRED, 0, 0, statuses, NULL },
};

/* POST /admin/api/agents/<id>/presence {"status"}: an operator's override,
 * audited like any change. */
void
admin_presence(struct actx *c)
{
	struct json_object	*o;
	struct valid		 v;
	const char		*status, *before, *after, *p[2];
	enum store_rc		 rc;

	if (!valid_id(c->id, 1, 64)) {
		admin_fail(c, AE_NO_OBJECT);
		return;
	}
	if ((o = admin_body(c)) == NULL)
		return;
	valid_init(&v, c->req->arena);
	valid_known(&v, o, presence_fields, 1, NULL);
	valid_fields(&v, o, presence_fields, 1, &status);
	if (v.nerr > 0) {
		admin_fail_fields(c, &v);
		return;
	}
	p[0] = c->id;
	if (store_begin(c->a->store) != STORE_OK) {
		admin_fail_store(c);
		return;
	}
	rc = store_q_text(c->a->store, Q_AGENT_GET, p, 1, c->req->arena,
	    &before);
	if (rc == STORE_OK) {
		p[0] = status;
		p[1] = c->id;
		rc = store_q_exec(c->a->store, Q_AGENT_PRESENCE, p, 2);
		p[0] = c->id;
	}
	if (rc == STORE_OK)
		rc = store_q_text(c->a->store, Q_AGENT_GET, p, 1,
		    c->req->arena, &after);
	rc = admin_audit_commit(c, rc, "presence", "agent", c->id, before,
	    after);
	if (rc != STORE_OK) {
		admin_fail_rc(c, rc);
		return;
	}
	admin_ok_raw(c, "item", after);
}

/* ---- preview -------------------------------------------------------- */

static void
write_preview(struct actx *c, const struct preview *p, time_t at)
{
	struct jsonw	*w = resp_json_ok(c->resp);
	size_t		 i;

	jsonw_key(w, "entry");
	jsonw_obj_open(w);
	jsonw_key(w, "id");
	jsonw_str(w, p->entry->id);
	jsonw_key(w, "label");
	jsonw_str(w, snap_entry_label(p->entry));
	jsonw_key(w, "enabled");
	jsonw_bool(w, p->entry->enabled);
	jsonw_obj_close(w);
	jsonw_key(w, "customer");
	jsonw_str(w, p->has_customer ? p->customer.key : NULL);
	jsonw_key(w, "order_ignored");
	jsonw_bool(w, p->order_ignored);
	jsonw_key(w, "at");
	jsonw_int(w, (long long)at);
	jsonw_key(w, "agent");
	if (p->d.agent != NULL) {
		jsonw_obj_open(w);
		jsonw_key(w, "id");
		jsonw_str(w, p->d.agent->id);
		jsonw_key(w, "name");
		jsonw_str(w, p->d.agent->name);
		jsonw_obj_close(w);
	} else
		jsonw_null(w);
	jsonw_key(w, "reason");
	jsonw_str(w, p->reason);
	jsonw_key(w, "fallback");
	jsonw_bool(w, p->d.fallback);
	jsonw_key(w, "hold_s");
	if (p->d.hold)
		jsonw_int(w, p->hold_s);
	else
		jsonw_null(w);
	jsonw_key(w, "notice");
	jsonw_str(w, p->notice);
	jsonw_key(w, "next_open");
	jsonw_str(w, p->next_open[0] != '\0' ? p->next_open : NULL);
	jsonw_key(w, "trace");
	jsonw_arr_open(w);
	for (i = 0; i < p->trace.n; i++) {
		const struct decide_trace_item *it = &p->trace.items[i];

		jsonw_obj_open(w);
		jsonw_key(w, "step");
		jsonw_str(w, snap_step_name(it->step));
		jsonw_key(w, "what");
		jsonw_str(w, it->what);
		jsonw_key(w, "agent_id");
		jsonw_str(w, it->agent_id);
		jsonw_key(w, "verdict");
		jsonw_str(w, decide_verdict_name(it->verdict));
		jsonw_obj_close(w);
	}
	jsonw_arr_close(w);
	jsonw_key(w, "truncated");
	jsonw_bool(w, p->trace.truncated);
	jsonw_obj_close(w);
}

/* GET /admin/api/preview?entry=&customer=&order=&at= */
void
admin_preview(struct actx *c)
{
	const char	*entry, *cust = NULL, *order = NULL, *at_s = NULL;
	struct valid	 v;
	struct preview	 p;
	time_t		 at = c->now;
	int		 bad = 0;

	entry = admin_query(c, "entry", &bad);
	if (!bad)
		cust = admin_query(c, "customer", &bad);
	if (!bad)
		order = admin_query(c, "order", &bad);
	if (!bad)
		at_s = admin_query(c, "at", &bad);
	if (bad)
		return;
	valid_init(&v, c->req->arena);
	if (entry == NULL || !valid_id(entry, 1, 64))
		valid_fail(&v, "entry", "必填:入口 ID");
	if (cust != NULL && !valid_id(cust, 1, 64))
		valid_fail(&v, "customer", "只允许 1-64 个字母、数字、_ 或 -");
	if (order != NULL && (!valid_id(order, 1, 64) || cust == NULL))
		valid_fail(&v, "order", "订单号需与客户一起给出");
	if (at_s != NULL && preview_parse_at(c->a->cfg->routing.timezone,
	    at_s, &at) == -1)
		valid_fail(&v, "at", "应为 YYYY-MM-DDTHH:MM(%s)或 Unix 秒",
		    c->a->cfg->routing.timezone);
	if (v.nerr > 0) {
		admin_fail_fields(c, &v);
		return;
	}
	switch (preview_run(&p, c->a->store, c->a->cfg, c->req->arena, entry,
	    cust, order, at)) {
	case PREVIEW_OK:
		write_preview(c, &p, at);
		break;
	case PREVIEW_NO_ENTRY:
		admin_fail(c, AE_NO_OBJECT);
		break;
	case PREVIEW_DB:
		admin_fail_store(c);
		break;
	}
	preview_free(&p);
}

/* ---- statistics ----------------------------------------------------- */

/* ?hours=N (1-720, default 24) into *hours; -1 when answered (400). */
static int
stats_hours(struct actx *c, long long *hours)
{
	const char	*hs;
	struct valid	 v;
	int		 bad = 0;

	*hours = 24;
	hs = admin_query(c, "hours", &bad);
	if (bad)
		return -1;
	if (hs != NULL && util_parse_llong(hs, 1, 720, hours) == -1) {
		valid_init(&v, c->req->arena);
		valid_fail(&v, "hours", "应为 1 到 720 之间的整数");
		admin_fail_fields(c, &v);
		return -1;
	}
	return 0;
}

/*
 * GET /admin/api/stats?hours=24 (1-720)&q=: per-minute buckets up to six
 * hours, hourly beyond; the 50 entries and the 50 agents (those matching
 * ?q, an id's start or part of the name) with the most handoffs. Hourly views start on the hour, so the first
 * bucket is whole and hours rolled up by kfctl retention (kf_stat_hour)
 * count exactly as their minutes did.
 */
void
admin_stats(struct actx *c)
{
	static const enum store_q parts[] = { Q_STATS_BY_ENTRY,
	    Q_STATS_BY_AGENT, Q_STATS_BY_REASON };
	static const char *const names[] = { "entries", "agents", "reasons" };
	/* the agents' part also takes ?q three times */
	static const unsigned nparams[] = { 2, 5, 2 };
	const char	*p[6], *json[3], *series, *q;
	char		 since[24];
	long long	 hours;
	time_t		 from;
	struct jsonw	*w;
	struct valid	 v;
	int		 minutes, bad = 0;
	size_t		 i;

	if (stats_hours(c, &hours) == -1)
		return;
	if ((q = admin_query(c, "q", &bad)) == NULL && bad)
		return;
	if (q != NULL && !valid_search(q)) {
		valid_init(&v, c->req->arena);
		valid_fail(&v, "q", "最多 64 个字");
		admin_fail_fields(c, &v);
		return;
	}
	p[3] = p[4] = p[5] = q != NULL ? q : "";
	minutes = hours <= 6;
	from = c->now - (time_t)hours * 3600;
	if (!minutes)
		from = retention_hour(from);
	snprintf(since, sizeof(since), "%lld", (long long)from);
	p[0] = minutes ? "%Y-%m-%dT%H:%i:00Z" : "%Y-%m-%dT%H:00:00Z";
	p[1] = since;
	p[2] = since;
	if (store_q_text(c->a->store, Q_STATS_SERIES, p, 3, c->req->arena,
	    &series) != STORE_OK) {
		admin_fail_store(c);
		return;
	}
	for (i = 0; i < 3; i++)
		if (store_q_text(c->a->store, parts[i], p + 1, nparams[i],
		    c->req->arena, &json[i]) != STORE_OK) {
			admin_fail_store(c);
			return;
		}
	w = resp_json_ok(c->resp);
	jsonw_key(w, "hours");
	jsonw_int(w, hours);
	jsonw_key(w, "bucket");
	jsonw_str(w, minutes ? "minute" : "hour");
	jsonw_key(w, "since");
	jsonw_int(w, (long long)from);
	/* The server's now: the page fills the empty buckets up to it
	 * (the series holds only buckets with something). */
	jsonw_key(w, "until");
	jsonw_int(w, (long long)c->now);
	jsonw_key(w, "series");
	jsonw_raw(w, series);
	for (i = 0; i < 3; i++) {
		jsonw_key(w, names[i]);
		jsonw_raw(w, json[i]);
	}
	jsonw_obj_close(w);
}

/* The first row's three columns, copied into the arena. */
struct columns {
	struct arena	 *ar;
	const char	**out;
};

static int
row_columns(void *arg, char **col, unsigned n)
{
	struct columns	*c = arg;
	unsigned	 i;

	if (n != 3)
		return -1;
	for (i = 0; i < n; i++)
		if (col[i] == NULL ||
		    (c->out[i] = arena_strdup(c->ar, col[i])) == NULL)
			return -1;
	return 0;
}

/*
 * GET /admin/api/stats/lifecycle?hours=24 (1-720): what became of WeCom
 * chats after the handoff, from kf_wecom_leg (one row per person a chat
 * was given to, a "leg"), over the legs assigned since now - hours:
 *
 *   chats        legs with assigned_at in the range
 *   answered     those with a first_reply_at
 *   first response  first_reply_at - assigned_at over answered legs
 *   handled / handling time  ended_at - assigned_at over legs that
 *                ended ('ended') with a first reply
 *   missed       end_reason 'missed' (no first reply in time: re-routed)
 *   taken_back   end_reason 'taken_back' (went offline unanswered)
 *   rerouted     legs that came by via 'reroute' or 'take_back'
 *   widened      legs that came by via 'widen' (the hold ran out)
 *   queued / queue wait  assigned_at - queued_at over legs with a
 *                queued_at that came from the wait (via pool, hold,
 *                widen): the first person after the wait
 *
 * Percentiles p50/p90 interpolate linearly (PERCENTILE_CONT); seconds
 * are numbers rounded to 0.1, null without data. {hours, since, until
 * (unix seconds), total, entries: [{id, label, ...}], agents: [{id, name,
 * ...}]}: only entries and people with legs, most chats first.
 */
void
admin_stats_lifecycle(struct actx *c)
{
	static const char *const names[] = { "total", "entries", "agents" };
	const char	*p[1], *json[3] = { NULL, NULL, NULL };
	struct columns	 cols;
	char		 since[24];
	long long	 hours;
	time_t		 from;
	struct jsonw	*w;
	size_t		 i;

	if (stats_hours(c, &hours) == -1)
		return;
	from = c->now - (time_t)hours * 3600;
	snprintf(since, sizeof(since), "%lld", (long long)from);
	p[0] = since;
	cols.ar = c->req->arena;
	cols.out = json;
	if (store_q_rows(c->a->store, Q_STATS_LIFECYCLE, p, 1, row_columns,
	    &cols) != STORE_OK || json[2] == NULL) {
		admin_fail_store(c);
		return;
	}
	w = resp_json_ok(c->resp);
	jsonw_key(w, "hours");
	jsonw_int(w, hours);
	jsonw_key(w, "since");
	jsonw_int(w, (long long)from);
	jsonw_key(w, "until");
	jsonw_int(w, (long long)c->now);
	for (i = 0; i < 3; i++) {
		jsonw_key(w, names[i]);
		jsonw_raw(w, json[i]);
	}
	jsonw_obj_close(w);
}

/* ---- audit log and lists -------------------------------------------- */

#define TIMESTAMP_MAX	((time_t)2147483647)	/* MariaDB's last second */

/*
 * A day "YYYY-MM-DD" as the unix time its midnight is in [routing]
 * timezone, plus `plus` days; -1 when it is no day.
 */
static time_t
local_midnight(const char *zone, const char *day, int plus)
{
	struct tm	 tm;

	if (!valid_day(day))
		return (time_t)-1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (day[0] - '0') * 1000 + (day[1] - '0') * 100 +
	    (day[2] - '0') * 10 + (day[3] - '0') - 1900;
	tm.tm_mon = (day[5] - '0') * 10 + (day[6] - '0') - 1;
	tm.tm_mday = (day[8] - '0') * 10 + (day[9] - '0') + plus;
	return tz_mktime(zone, &tm);
}

/*
 * GET /admin/api/audit?before=<id>&user=&kind=&object=&from=&to=: 100 at
 * a time, newest first. from and to are days (YYYY-MM-DD) in [routing]
 * timezone, both included; user is the operator (or the OS user for
 * kfctl's rows), object an object's id.
 */
void
admin_audit_list(struct actx *c)
{
	static const char *const names[] = { "before", "user", "kind",
	    "object", "from", "to" };
	const char	*q[6], *p[11], *json, *zone = c->a->cfg->routing.timezone;
	char		 from[24], to[24];
	long long	 b;
	time_t		 t0 = 0, t1 = 0;
	struct valid	 v;
	int		 bad = 0;
	size_t		 i;

	for (i = 0; i < 6 && !bad; i++)
		q[i] = admin_query(c, names[i], &bad);
	if (bad)
		return;
	valid_init(&v, c->req->arena);
	if (q[0] != NULL && util_parse_llong(q[0], 1,
	    0x7fffffffffffffffLL, &b) == -1)
		valid_fail(&v, "before", "应为审计记录的 id");
	if (q[1] != NULL && !auth_username_ok(q[1]))
		valid_fail(&v, "user", "应为操作员的用户名");
	if (q[2] != NULL && !valid_id(q[2], 1, 32))
		valid_fail(&v, "kind", "应为对象类型,如 entry");
	if (q[3] != NULL && (strlen(q[3]) > 128 || *q[3] == '\0'))
		valid_fail(&v, "object", "应为对象的 ID(最多 128 个字符)");
	if (q[4] != NULL && (t0 = local_midnight(zone, q[4], 0)) == -1)
		valid_fail(&v, "from", "应为日期 YYYY-MM-DD(%s)", zone);
	if (q[5] != NULL && (t1 = local_midnight(zone, q[5], 1)) == -1)
		valid_fail(&v, "to", "应为日期 YYYY-MM-DD(%s)", zone);
	if (q[4] != NULL && q[5] != NULL && t0 != -1 && t1 != -1 && t1 <= t0)
		valid_fail(&v, "to", "结束日期不能早于开始日期");
	if (v.nerr > 0) {
		admin_fail_fields(c, &v);
		return;
	}
	/* kf_audit.at is a TIMESTAMP: nothing lies past 2038-01-19, and
	 * FROM_UNIXTIME() of a later time is NULL, which would match no row. */
	if (t0 > TIMESTAMP_MAX)
		t0 = TIMESTAMP_MAX;
	if (t1 > TIMESTAMP_MAX)
		t1 = TIMESTAMP_MAX;
	snprintf(from, sizeof(from), "%lld", (long long)t0);
	snprintf(to, sizeof(to), "%lld", (long long)t1);
	p[0] = q[0] != NULL ? q[0] : "9223372036854775807";
	p[1] = p[2] = q[1];
	p[3] = p[4] = q[2];
	p[5] = p[6] = q[3];
	p[7] = p[8] = q[4] != NULL ? from : NULL;
	p[9] = p[10] = q[5] != NULL ? to : NULL;
	if (store_q_text(c->a->store, Q_AUDIT_LIST, p, 11, c->req->arena,
	    &json) != STORE_OK) {
		admin_fail_store(c);
		return;
	}
	admin_ok_raw(c, "items", json);
}

/*
 * GET /admin/api/wecom: kf accounts, their contact links and entries; the
 * wecom_kf entries still without a link; the latest sync request (null:
 * none yet) and the freshest worker heartbeat (null: no worker ever ran).
 */
void
admin_wecom(struct actx *c)
{
	const char	*json, *unlinked, *sync = NULL, *worker = NULL;
	struct jsonw	*w;
	enum store_rc	 rc;

	if (store_q_text(c->a->store, Q_WECOM_LIST, NULL, 0, c->req->arena,
	    &json) != STORE_OK || store_q_text(c->a->store, Q_WECOM_UNLINKED,
	    NULL, 0, c->req->arena, &unlinked) != STORE_OK ||
	    ((rc = store_q_text(c->a->store, Q_WSYNC_LATEST, NULL, 0,
	    c->req->arena, &sync)) != STORE_OK && rc != STORE_NOTFOUND) ||
	    ((rc = store_q_text(c->a->store, Q_WSYNC_WORKER, NULL, 0,
	    c->req->arena, &worker)) != STORE_OK && rc != STORE_NOTFOUND)) {
		admin_fail_store(c);
		return;
	}
	w = resp_json_ok(c->resp);
	jsonw_key(w, "items");
	jsonw_raw(w, json);
	jsonw_key(w, "unlinked");
	jsonw_raw(w, unlinked);
	jsonw_key(w, "sync");
	if (sync != NULL)
		jsonw_raw(w, sync);
	else
		jsonw_null(w);
	jsonw_key(w, "worker");
	if (worker != NULL)
		jsonw_raw(w, worker);
	else
		jsonw_null(w);
	jsonw_obj_close(w);
}

/* ---- WeCom sync requests (016) --------------------------------------- */

/* The id of a request as the database wrote it ({"id": n, ...}). */
static const char *
request_id(struct actx *c, const char *json)
{
	struct json_object	*o = json_tokener_parse(json), *id;
	const char		*out = NULL;

	if (o != NULL && json_object_object_get_ex(o, "id", &id))
		out = arena_strdup(c->req->arena, json_object_get_string(id));
	json_object_put(o);
	return out;
}

/*
 * POST /admin/api/wecom/sync (no body, or {}): ask the WeCom worker to
 * sync kf accounts and links. This program holds no WeCom secret: the
 * request is a row the worker claims. One already pending or running
 * takes this one in ("merged"). 202 with the request; a new request is
 * audited, a merged one is not (a flood of clicks is one record).
 */
void
admin_wecom_sync(struct actx *c)
{
	struct json_object	*o;
	struct valid		 v;
	struct jsonw		*w;
	const char		*p[1] = { c->user }, *req = NULL, *id = NULL;
	enum store_rc		 rc = STORE_ERR;
	int			 tries, merged = 0;

	if (c->req->body_len > 0) {
		if ((o = admin_body(c)) == NULL)
			return;
		valid_init(&v, c->req->arena);
		valid_known(&v, o, NULL, 0, NULL);
		if (v.nerr > 0) {
			admin_fail_fields(c, &v);
			return;
		}
	}
	/* The open request may finish between the two statements: again. */
	for (tries = 0; tries < 3; tries++) {
		if (store_begin(c->a->store) != STORE_OK) {
			admin_fail_store(c);
			return;
		}
		rc = store_q_exec(c->a->store, Q_WSYNC_REQUEST, p, 1);
		merged = rc == STORE_OK && store_affected(c->a->store) == 0;
		if (rc == STORE_OK)
			rc = store_q_text(c->a->store, Q_WSYNC_OPEN, NULL, 0,
			    c->req->arena, &req);
		if (rc != STORE_NOTFOUND)
			break;
		store_rollback(c->a->store);
	}
	if (rc == STORE_OK && (id = request_id(c, req)) == NULL)
		rc = STORE_ERR;
	/* A click merged into an open request changes nothing: no record. */
	if ((rc = admin_audit_commit(c, rc, merged ? NULL : "sync", "wecom", id,
	    NULL, req)) != STORE_OK) {
		admin_fail_store(c);
		return;
	}
	c->resp->status = 202;
	w = resp_json_ok(c->resp);
	jsonw_key(w, "merged");
	jsonw_bool(w, merged);
	jsonw_key(w, "request");
	jsonw_raw(w, req);
	jsonw_obj_close(w);
}
