#include <stddef.h>
#include <string.h>

#include "api.h"
#include "cache.h"
#include "cfg.h"
#include "log.h"
#include "notice.h"
#include "req.h"
#include "resp.h"
#include "route.h"
#include "snap.h"
#include "url.h"
#include "util.h"

/* Look up an enabled entry; sets the error response when there is none. */
static const struct snap_entry *
entry_or_error(struct api *api, const char *id, struct resp *resp)
{
	const struct snap	*snap;
	const struct snap_entry	*e;

	snap = cache_get(api->cache, util_now_ms(), CACHE_WANT_ENTRY, id);
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

static void
write_target(struct jsonw *w, const struct snap_entry *e)
{
	jsonw_key(w, "target");
	jsonw_obj_open(w);
	jsonw_key(w, "type");
	jsonw_str(w, snap_target_name(e->ttype));
	jsonw_key(w, "url");
	jsonw_str(w, e->target);
	jsonw_obj_close(w);
}

/*
 * The notice for the entry's bound agent. The routing issue replaces this
 * with the engine's decision and per-entry templates.
 */
static const char *
contact_notice(struct api *api, struct req *req, const struct snap_agent *a)
{
	const char		*tmpl = api->cfg->notice.no_agent;
	struct notice_var	 var = { "agent", a != NULL ? a->name : "" };

	if (a != NULL)
		switch (a->status) {
		case AGENT_ONLINE:
			tmpl = api->cfg->notice.connected;
			break;
		case AGENT_BUSY:
			tmpl = api->cfg->notice.agent_busy;
			break;
		default:
			tmpl = api->cfg->notice.agent_away;
			break;
		}
	return notice_render(req->arena, tmpl, &var, 1);
}

static void
page_contact(struct api *api, struct req *req, struct resp *resp)
{
	const struct snap_entry	*e;
	const struct snap_agent	*a;
	const char		*id;
	struct jsonw		*w;

	if ((id = required_id(req, "entry", resp)) == NULL ||
	    (e = entry_or_error(api, id, resp)) == NULL)
		return;
	a = e->agent != NULL && e->agent->enabled ? e->agent : NULL;
	w = resp_json_ok(resp);
	jsonw_key(w, "entry");
	jsonw_obj_open(w);
	jsonw_key(w, "id");
	jsonw_str(w, e->id);
	jsonw_key(w, "label");
	jsonw_str(w, e->label);
	jsonw_obj_close(w);
	write_target(w, e);
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
	jsonw_key(w, "notice");
	jsonw_str(w, contact_notice(api, req, a));
	jsonw_obj_close(w);
}

/* The seed's contract: {"customerId":"cs1"} -> {"success":true,"url":...} */
static void
page_cs_url(struct api *api, struct req *req, struct resp *resp)
{
	const struct snap_entry	*e;
	const char		*id;
	struct jsonw		*w;

	if ((id = required_id(req, "customerId", resp)) == NULL ||
	    (e = entry_or_error(api, id, resp)) == NULL)
		return;
	w = resp_json_ok(resp);
	jsonw_key(w, "url");
	jsonw_str(w, e->target);
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
	size_t			 i;

	if ((rc = req_fields(req, &field, 1, &scene, &bad)) != AE_OK) {
		resp_error(resp, rc, bad);
		return;
	}
	snap = cache_get(api->cache, util_now_ms(), CACHE_WANT_ENTRIES, NULL);
	if (snap == NULL) {
		resp_error(resp, AE_UNAVAILABLE, NULL);
		return;
	}
	w = resp_json_ok(resp);
	jsonw_key(w, "entries");
	jsonw_arr_open(w);
	for (i = 0; i < snap->nentries; i++) {
		e = &snap->entries[i];
		if (!e->enabled || (scene != NULL && strcmp(e->scene, scene)))
			continue;
		jsonw_obj_open(w);
		jsonw_key(w, "id");
		jsonw_str(w, e->id);
		jsonw_key(w, "label");
		jsonw_str(w, e->label);
		jsonw_key(w, "scene");
		jsonw_str(w, e->scene);
		write_target(w, e);
		jsonw_obj_close(w);
	}
	jsonw_arr_close(w);
	jsonw_obj_close(w);
}

/*
 * /go/<entry>: redirect to the entry's stored web page, and only when its
 * host is on the allow-list. Nothing from the request reaches Location.
 */
static void
page_go(struct api *api, const char *id, struct resp *resp)
{
	const struct snap_entry	*e;
	const char		*host;
	size_t			 hostlen;
	struct jsonw		*w;

	if (!req_valid_id(id, strlen(id))) {
		resp_error(resp, AE_BAD_ID, "entry");
		return;
	}
	if ((e = entry_or_error(api, id, resp)) == NULL)
		return;
	if (e->ttype != TARGET_URL ||
	    url_http_host(e->target, &host, &hostlen) == -1 ||
	    !cfg_redirect_allowed(api->cfg, host, hostlen)) {
		if (e->ttype == TARGET_URL)
			log_warn("entry %s: target host not on "
			    "http.redirect_hosts, not redirecting", e->id);
		resp_error(resp, AE_NO_WEB_TARGET, NULL);
		return;
	}
	resp->status = 302;
	resp_header(resp, "Location", e->target);
	w = resp_json_ok(resp);
	jsonw_key(w, "url");
	jsonw_str(w, e->target);
	jsonw_obj_close(w);
}

static void
page_healthz(struct api *api, struct resp *resp)
{
	int64_t			 now = util_now_ms(), age;
	const struct snap	*snap;
	struct jsonw		*w;
	int			 ok;

	snap = cache_get(api->cache, now, CACHE_WANT_ENTRIES, NULL);
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
	case PAGE_CS_URL:
		page_cs_url(api, req, resp);
		break;
	case PAGE_ENTRIES:
		page_entries(api, req, resp);
		break;
	case PAGE_GO:
		page_go(api, arg, resp);
		break;
	case PAGE_HEALTHZ:
		page_healthz(api, resp);
		break;
	case PAGE__MAX:
		break;
	}
}
