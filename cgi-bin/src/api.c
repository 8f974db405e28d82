#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api.h"
#include "custcache.h"
#include "arena.h"
#include "assign.h"
#include "cache.h"
#include "cfg.h"
#include "decide.h"
#include "log.h"
#include "notice.h"
#include "req.h"
#include "resp.h"
#include "route.h"
#include "sched.h"
#include "snap.h"
#include "stats.h"
#include "store.h"
#include "ticket.h"
#include "token.h"
#include "tz.h"
#include "wxlogin.h"
#include "url.h"
#include "util.h"

/* /api/entries answers at most this many (the first in display order). */
#define ENTRIES_MAX	200

static const struct cache_want	 list_want = { CACHE_WANT_ENTRIES, NULL, NULL,
    NULL };

/*
 * Look up an enabled entry (and, under plain CGI, what its decision can
 * touch); sets the error response when there is none.
 */
static const struct snap_entry *
entry_or_error(struct api *api, const char *id,
    const struct decide_customer *cust, struct snap **snapp, struct resp *resp)
{
	const struct cache_want	 want = { CACHE_WANT_ENTRY, id,
	    api->cfg->routing.fallback_group, cust };
	struct snap		*snap;
	const struct snap_entry	*e;

	snap = cache_get(api->cache, util_now_ms(), &want);
	if (snapp != NULL)
		*snapp = snap;
	if (snap == NULL) {
		resp_error(resp, AE_UNAVAILABLE, NULL);
		return NULL;
	}
	if ((e = snap_entry(snap, id)) == NULL || !e->enabled) {
		resp_error(resp, AE_UNKNOWN_ENTRY, NULL);
		return NULL;
	}
	return e;
}

/* One required id field from the query or body; error response if not. */
static const char *
required_id(struct req *req, const char *name, struct resp *resp)
{
	const struct req_field	 field = { name, REQ_FIELD_ID };
	const char		*val, *bad;
	enum apierr		 rc;

	if ((rc = req_fields(req, &field, 1, &val, &bad)) != AE_OK) {
		resp_error(resp, rc, bad);
		return NULL;
	}
	if (val == NULL) {
		resp_error(resp, AE_MISSING, name);
		return NULL;
	}
	return val;
}

/*
 * The link a wecom_kf entry opens: its stored contact link plus the
 * quote's ticket as scene_param, so the chat is handed to the person the
 * customer was told. Without a ticket the bare link still opens the right
 * account and scene. NULL until `kfctl wecom sync-accounts` has created
 * the link.
 */
static const char *
wecom_url(struct req *req, const struct snap *snap,
    const struct snap_entry *e, const char *ticket)
{
	const char	*link = snap_wecom_link(snap, e);
	char		*url;
	size_t		 n;

	if (link == NULL)
		return NULL;
	if (ticket == NULL || *ticket == '\0')
		return link;
	n = strlen(link) + strlen(ticket) + 16;
	url = arena_alloc(req->arena, n);
	/* Ticket characters are all URL-safe: no escaping needed. */
	snprintf(url, n, "%s&scene_param=%s", link, ticket);
	return url;
}

/* The entry's target; for wecom_kf with the link this decision opens. */
static void
write_target(struct api *api, struct req *req, struct jsonw *w,
    const struct snap *snap, const struct snap_entry *e, const char *ticket)
{
	jsonw_key(w, "target");
	jsonw_obj_open(w);
	jsonw_key(w, "type");
	jsonw_str(w, snap_target_name(e->ttype));
	jsonw_key(w, "url");
	if (e->ttype != TARGET_WECOM_KF)
		jsonw_str(w, e->target);
	else {
		jsonw_str(w, wecom_url(req, snap, e, ticket));
		jsonw_key(w, "corp_id");
		jsonw_str(w, api->cfg->wecom.corp_id);
		jsonw_key(w, "open_kfid");
		jsonw_str(w, e->target);
	}
	jsonw_obj_close(w);
}

static uint32_t
next_random(struct api *api)
{
	uint32_t	 x = api->rng;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return api->rng = x;
}

/*
 * Who an /api/contact answer is for. verified: a token was accepted or a
 * code exchanged, and the quote is that customer's. token: for a code
 * exchanged in this request, a customer token for the same openid (in the
 * request arena), so the client sends it instead of logging in again
 * until it expires; NULL otherwise.
 */
struct who {
	struct decide_customer	 c;
	int			 verified;
	const char		*token;
	int			 token_ttl_s;
};

/*
 * A customer token for the openid a code was just exchanged for: the same
 * kind the business's server signs, so it is verified the same way. NULL
 * without a [customer] secret: nobody could verify it, and the client goes
 * on sending codes.
 */
static const char *
token_for(struct api *api, struct req *req, const char *key, time_t now,
    int *ttl)
{
	char	*t;

	*ttl = api->cfg->miniprogram.token_ttl_s;
	if (api->cfg->customer_secret == NULL)
		return NULL;
	t = arena_alloc(req->arena, TOKEN_MAX + 1);
	if (token_mint(api->cfg->customer_secret, key, now + *ttl, t,
	    TOKEN_MAX + 1) == -1) {
		log_warn("wx.login: cannot mint a customer token");
		return NULL;
	}
	return t;
}

/*
 * Who is tapping: a verified customer from a valid token (the business's
 * signature, or our own from an earlier code) or, failing that, from a
 * wx.login code (WeChat's); else anonymous. Only a malformed token is the
 * client's error. An order counts only when it belongs to that customer.
 */
static enum apierr
customer_of(struct api *api, struct req *req, const char *token,
    const char *code, const char *order, time_t now, struct who *who)
{
	char		 key[TOKEN_KEY_MAX + 1];
	enum token_rc	 rc = TOKEN_NO_SECRET;

	memset(who, 0, sizeof(*who));
	if (token == NULL && code == NULL)
		return AE_OK;
	if (token != NULL) {
		rc = token_verify(api->cfg->customer_secret, token, now, key);
		if (rc == TOKEN_MALFORMED)
			return AE_BAD_TOKEN;
		if (rc != TOKEN_OK)
			log_debug("customer token not accepted (%d)", (int)rc);
	}
	if (rc != TOKEN_OK) {
		if (code == NULL || wxlogin_openid(api->https, api->cfg, code,
		    key, sizeof(key)) == -1)
			return AE_OK;	/* anonymous */
		who->token = token_for(api, req, key, now, &who->token_ttl_s);
	}
	who->verified = 1;
	/*
	 * From the worker's cache when seen within the staleness bound (no
	 * query). A database failure here costs personalisation, not the
	 * answer: the quote is for the customer as one without a record
	 * (the ticket still names them), and they stay verified, so the
	 * client keeps its token rather than logging in again.
	 */
	if (custcache_get(api->customers, api->store, req->arena, key, order,
	    api->cfg->routing.sticky_days, util_now_ms(), &who->c) ==
	    STORE_ERR) {
		memset(&who->c, 0, sizeof(who->c));
		who->c.key = arena_strdup(req->arena, key);
	}
	return AE_OK;
}

static void
write_decision(struct api *api, struct req *req, const struct snap *snap,
    const struct assign_quote *q, const struct who *who, struct resp *resp)
{
	struct jsonw		*w = resp_json_ok(resp);
	const struct snap_entry	*e = q->entry;
	const struct snap_agent	*a = q->d.agent;

	jsonw_key(w, "entry");
	jsonw_obj_open(w);
	jsonw_key(w, "id");
	jsonw_str(w, e->id);
	jsonw_key(w, "label");
	jsonw_str(w, snap_entry_label(e));
	jsonw_obj_close(w);
	write_target(api, req, w, snap, e, q->ticket);
	jsonw_key(w, "agent");
	if (a == NULL)
		jsonw_null(w);
	else {
		jsonw_obj_open(w);
		jsonw_key(w, "id");
		jsonw_str(w, a->id);
		jsonw_key(w, "name");
		jsonw_str(w, a->name);
		jsonw_key(w, "status");
		jsonw_str(w, snap_status_name(a->status));
		jsonw_obj_close(w);
	}
	jsonw_key(w, "reason");
	jsonw_str(w, q->reason);
	jsonw_key(w, "fallback");
	jsonw_bool(w, q->d.fallback);
	/* Held for a busy person: how long the chat waits for them. */
	jsonw_key(w, "hold_s");
	if (q->d.hold)
		jsonw_int(w, q->hold_s);
	else
		jsonw_null(w);
	jsonw_key(w, "notice");
	jsonw_str(w, q->notice);
	jsonw_key(w, "next_open");
	jsonw_str(w, q->next_open[0] != '\0' ? q->next_open : NULL);
	jsonw_key(w, "ticket");
	jsonw_str(w, q->ticket[0] != '\0' ? q->ticket : NULL);
	/* For a code exchanged now: the client's identity until it expires. */
	jsonw_key(w, "customer_token");
	jsonw_str(w, who->token);
	jsonw_key(w, "customer_token_expires_in");
	if (who->token != NULL)
		jsonw_int(w, who->token_ttl_s);
	else
		jsonw_null(w);
	/* false for a token refused (expired, secret rotated): dropped. */
	jsonw_key(w, "verified");
	jsonw_bool(w, who->verified);
	jsonw_obj_close(w);
}

/* Quote entry e for this request's customer (NULL: anonymous). */
static void
quote(struct api *api, struct req *req, struct snap *snap,
    const struct snap_entry *e, const struct decide_customer *cust,
    time_t now, struct assign_quote *q)
{
	const struct assign_in	 in = { .cfg = api->cfg, .snap = snap,
	    .entry = e, .customer = cust, .now = now,
	    .random = next_random(api), .arena = req->arena };

	assign_quote(&in, q);
}

/*
 * A tap the server sees itself (/go/, the seed API): the quote is
 * committed at once. A failing database costs the count, not the answer.
 */
static void
commit_now(struct api *api, struct snap *snap, const struct assign_quote *q,
    time_t now)
{
	const struct assign_commit c = { .event = ASSIGN_TAP,
	    .ttype = q->entry->ttype, .entry = q->entry->id,
	    .agent = q->d.agent != NULL ? q->d.agent->id : NULL,
	    .reason = q->reason, .fallback = q->d.fallback,
	    .key = q->ticket[0] != '\0' ? q->t.key : NULL, .at = now };

	if (assign_commit(api->store, snap, &c) == ASSIGN_DB)
		log_warn("entry %s: a tap was not committed (database)",
		    q->entry->id);
}

static void
page_contact(struct api *api, struct req *req, struct resp *resp)
{
	static const struct req_field	 fields[] = {
		{ "entry", REQ_FIELD_ID },
		{ "customer", REQ_FIELD_TOKEN },
		{ "order", REQ_FIELD_ID },
		{ "code", REQ_FIELD_TOKEN },	/* wx.login */
	};
	const char		*v[4], *bad;
	const struct decide_customer *cust;
	struct who		 who;
	struct assign_quote	 q;
	struct snap		*snap;
	const struct snap_entry	*e;
	time_t			 now = time(NULL);
	enum apierr		 rc;

	if ((rc = req_fields(req, fields, 4, v, &bad)) != AE_OK) {
		resp_error(resp, rc, bad);
		return;
	}
	if (v[0] == NULL) {
		resp_error(resp, AE_MISSING, "entry");
		return;
	}
	if ((rc = customer_of(api, req, v[1], v[3], v[2], now, &who)) !=
	    AE_OK) {
		resp_error(resp, rc, "customer");
		return;
	}
	cust = who.verified ? &who.c : NULL;
	if ((e = entry_or_error(api, v[0], cust, &snap, resp)) == NULL)
		return;
	/* A quote: nothing moves but the count of views. */
	quote(api, req, snap, e, cust, now, &q);
	stats_quote(api->stats, now, e->id,
	    q.d.agent != NULL ? q.d.agent->id : NULL, q.reason);
	write_decision(api, req, snap, &q, &who, resp);
}

/*
 * POST /api/tap {"ticket": ...}: the customer acted on a quote. Commit it
 * (once per ticket, whoever asks how often): rotation, sticky and counts
 * move now. A forged, malformed or expired ticket is the client's error.
 */
static void
page_tap(struct api *api, struct req *req, struct resp *resp)
{
	static const struct req_field	 field = { "ticket", REQ_FIELD_TOKEN };
	struct assign_commit		 c;
	struct assign_quote		 q;
	struct ticket			 t;
	struct decide_customer		 named = { 0 };
	struct snap			*snap;
	const struct snap_entry		*e;
	const char			*v, *bad;
	char				 reason[160];
	struct jsonw			*w;
	time_t				 now = time(NULL);
	enum apierr			 rc;
	enum assign_rc			 arc;

	if ((rc = req_fields(req, &field, 1, &v, &bad)) != AE_OK) {
		resp_error(resp, rc == AE_BAD_TOKEN ? AE_BAD_TICKET : rc, bad);
		return;
	}
	if (v == NULL) {
		resp_error(resp, AE_MISSING, "ticket");
		return;
	}
	if (ticket_read(api->cfg->ticket.secret, v, strlen(v), now,
	    api->cfg->ticket.max_age, &t) == -1) {
		resp_error(resp, AE_BAD_TICKET, "ticket");
		return;
	}
	/*
	 * An entry deleted or disabled since the quote has nothing to hand
	 * off to (as /api/contact says); a database that cannot tell is 503.
	 * The person the ticket names is asked for too: plain CGI loads only
	 * what the request names, and a sticky person or account manager is
	 * not the entry's.
	 */
	named.sticky_id = t.agent[0] != '\0' ? t.agent : NULL;
	if ((e = entry_or_error(api, t.entry, &named, &snap, resp)) == NULL)
		return;
	assign_from_ticket(api->cfg, snap, &t, ASSIGN_TAP, now, &c, reason,
	    sizeof(reason));
	/*
	 * The person is missing when the ids were too long for the ticket
	 * together, or gone since: the handoff is to whom the entry would
	 * give the tap now, not to nobody.
	 */
	if (t.reason <= REASON_GLOBAL && (c.agent == NULL ||
	    snap_agent(snap, c.agent) == NULL)) {
		quote(api, req, snap, e, NULL, now, &q);
		c.agent = q.d.agent != NULL ? q.d.agent->id : NULL;
		c.reason = q.reason;
		c.fallback = q.d.fallback;
	}
	if ((arc = assign_commit(api->store, snap, &c)) ==
	    ASSIGN_DB) {
		resp_error(resp, AE_UNAVAILABLE, NULL);
		return;
	}
	/* Their last agent may have moved: read on their next tap. */
	custcache_forget(api->customers, c.customer);
	w = resp_json_ok(resp);
	jsonw_key(w, "counted");
	jsonw_bool(w, arc == ASSIGN_DONE);
	jsonw_obj_close(w);
}

/*
 * The seed's contract: {"customerId":"cs1"} -> {"success":true,"url":...}.
 * The original design calls it on the tap itself, so it is a quote and
 * its commit at once.
 */
static void
page_cs_url(struct api *api, struct req *req, struct resp *resp)
{
	const struct snap_entry	*e;
	struct assign_quote	 q;
	struct snap		*snap;
	const char		*id;
	struct jsonw		*w;
	time_t			 now = time(NULL);

	if ((id = required_id(req, "customerId", resp)) == NULL ||
	    (e = entry_or_error(api, id, NULL, &snap, resp)) == NULL)
		return;
	quote(api, req, snap, e, NULL, now, &q);
	commit_now(api, snap, &q, now);
	w = resp_json_ok(resp);
	jsonw_key(w, "url");
	jsonw_str(w, e->ttype == TARGET_WECOM_KF ?
	    wecom_url(req, snap, e, q.ticket) : e->target);
	jsonw_obj_close(w);
}

static void
page_entries(struct api *api, struct req *req, struct resp *resp)
{
	const struct req_field	 field = { "scene", REQ_FIELD_ID };
	const struct snap	*snap;
	const struct snap_entry	*e;
	const char		*scene, *bad;
	struct jsonw		*w;
	enum apierr		 rc;
	size_t			 i, n = 0;

	if ((rc = req_fields(req, &field, 1, &scene, &bad)) != AE_OK) {
		resp_error(resp, rc, bad);
		return;
	}
	snap = cache_get(api->cache, util_now_ms(), &list_want);
	if (snap == NULL) {
		resp_error(resp, AE_UNAVAILABLE, NULL);
		return;
	}
	w = resp_json_ok(resp);
	jsonw_key(w, "entries");
	jsonw_arr_open(w);
	for (i = 0; i < snap->nentries; i++) {
		e = &snap->entries[i];
		if (!e->enabled || (scene != NULL && strcmp(e->conf->scene, scene)))
			continue;
		/* Buttons for one screen, not a catalogue: a deployment of
		 * 100,000 entries would answer megabytes to a missing scene. */
		if (n++ == ENTRIES_MAX)
			break;
		jsonw_obj_open(w);
		jsonw_key(w, "id");
		jsonw_str(w, e->id);
		jsonw_key(w, "label");
		jsonw_str(w, snap_entry_label(e));
		jsonw_key(w, "scene");
		jsonw_str(w, e->conf->scene);
		write_target(api, req, w, snap, e, NULL);
		jsonw_obj_close(w);
	}
	jsonw_arr_close(w);
	jsonw_key(w, "more");
	jsonw_bool(w, n > ENTRIES_MAX);
	jsonw_obj_close(w);
}

/* Where /go/ may send a browser: an allow-listed host, or WeCom's own
 * contact links over HTTPS. */
static int
go_allowed(const struct cfg *cfg, const char *url)
{
	static const char	 wecom[] = "work.weixin.qq.com";
	const char		*host;
	size_t			 len;

	if (url_http_host(url, &host, &len) == -1)
		return 0;
	if (cfg_redirect_allowed(cfg, host, len))
		return 1;
	return strncasecmp(url, "https://", 8) == 0 &&
	    len == sizeof(wecom) - 1 && strncasecmp(host, wecom, len) == 0;
}

/*
 * /go/<entry>: redirect to the entry's stored web page or WeCom contact
 * link, and only to an allowed host. Nothing from the request reaches
 * Location. The redirect is the tap: quoted and committed here.
 */
static void
page_go(struct api *api, struct req *req, const char *id, struct resp *resp)
{
	const struct snap_entry	*e;
	struct assign_quote	 q;
	struct snap		*snap;
	const char		*url = NULL;
	struct jsonw		*w;
	time_t			 now = time(NULL);

	if (!util_id_valid(id, strlen(id))) {
		resp_error(resp, AE_BAD_ID, "entry");
		return;
	}
	if ((e = entry_or_error(api, id, NULL, &snap, resp)) == NULL)
		return;
	if (e->ttype == TARGET_PAGE) {
		resp_error(resp, AE_NO_WEB_TARGET, NULL);
		return;
	}
	quote(api, req, snap, e, NULL, now, &q);
	url = e->ttype == TARGET_URL ? e->target :
	    wecom_url(req, snap, e, q.ticket);
	if (url == NULL || !go_allowed(api->cfg, url)) {
		if (url != NULL)
			log_warn("entry %s: target host not allowed "
			    "(http.redirect_hosts), not redirecting", e->id);
		resp_error(resp, AE_NO_WEB_TARGET, NULL);
		return;
	}
	/* HEAD (link checkers, previews) is no tap. */
	if (req->method != REQ_HEAD)
		commit_now(api, snap, &q, now);
	resp->status = 302;
	resp_header(resp, "Location", url);
	w = resp_json_ok(resp);
	jsonw_key(w, "url");
	jsonw_str(w, url);
	jsonw_obj_close(w);
}

static void
page_healthz(struct api *api, struct resp *resp)
{
	int64_t			 now = util_now_ms(), age;
	const struct snap	*snap;
	struct jsonw		*w;
	int			 ok;

	snap = cache_get(api->cache, now, &list_want);
	age = cache_age_ms(api->cache, now);
	ok = snap != NULL;
	if (!ok)
		resp->status = 503;
	w = &resp->json;
	jsonw_obj_open(w);
	jsonw_key(w, "ok");
	jsonw_bool(w, ok);
	jsonw_key(w, "database");
	jsonw_str(w, api->cache->db_up ? "up" : "down");
	jsonw_key(w, "mode");
	jsonw_str(w, api->cache->mode == CACHE_SNAPSHOT ? "fastcgi" : "cgi");
	jsonw_key(w, "cache_age_ms");
	if (age >= 0)
		jsonw_int(w, age);
	else
		jsonw_null(w);
	jsonw_key(w, "config_version");
	if (snap != NULL && api->cache->mode == CACHE_SNAPSHOT)
		jsonw_int(w, snap->version);
	else
		jsonw_null(w);
	jsonw_obj_close(w);
}

void
api_handle(struct api *api, struct req *req, struct resp *resp)
{
	const struct route	*rt;
	const char		*arg;
	enum page		 page;
	enum apierr		 rc;

	if ((page = route_match(req->path, &arg)) == PAGE__MAX) {
		resp_error(resp, AE_NOT_FOUND, NULL);
		return;
	}
	rt = route_get(page);
	if (!(rt->methods & REQ_M(req->method))) {
		resp_error(resp, AE_METHOD, NULL);
		resp_header(resp, "Allow", route_allow(page));
		return;
	}
	if (rt->body && req->method == REQ_POST &&
	    (rc = req_read_body(req, api->cfg->max_body)) != AE_OK) {
		resp_error(resp, rc, NULL);
		return;
	}
	switch (page) {
	case PAGE_CONTACT:
		page_contact(api, req, resp);
		break;
	case PAGE_TAP:
		page_tap(api, req, resp);
		break;
	case PAGE_CS_URL:
		page_cs_url(api, req, resp);
		break;
	case PAGE_ENTRIES:
		page_entries(api, req, resp);
		break;
	case PAGE_GO:
		page_go(api, req, arg, resp);
		break;
	case PAGE_HEALTHZ:
		page_healthz(api, resp);
		break;
	case PAGE__MAX:
		break;
	}
}

void
api_after(struct api *api)
{
	int64_t	 now = util_now_ms();

	if (stats_due(api->stats, now, api->cfg->routing.stats_flush_ms))
		stats_flush(api->stats, api->store, now);
	assign_housekeeping(api->cfg, api->store, now);
}
