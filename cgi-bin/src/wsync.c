/*
 * The WeCom account and link sync (see wsync.h), and the worker's
 * handling of the sync requests the admin page records.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "log.h"
#include "store.h"
#include "store_wecom.h"
#include "wsync.h"

#define SYNC_MAX	512	/* wecom_kf entries looked at per sync */
#define LEASE_S		120	/* a claim's life, moved on as it goes */
#define BEAT_MS		5000	/* the page calls a worker gone after 15 s */
#define LOOK_MS		1000	/* requests are noticed within ~1 s */

struct sync_entry {
	char	 id[65], kfid[65], scene[33];
	int	 has_scene, has_link, known;
};

struct sync_list {
	struct sync_entry	*e;
	size_t			 n;
};

const char *
wsync_strerror_zh(enum wecom_err e)
{
	switch (e) {
	case WECOM_OK:
		return "成功";
	case WECOM_NOT_CONFIGURED:
		return "未配置企业微信:请在 WeCom 工作进程的配置(wecom.conf 的 "
		    "[wecom])设置 corp_id 和 secret,开发环境可在 make run 前设置 "
		    "KFROUTE_WECOM_CORP_ID 和 KFROUTE_WECOM_SECRET";
	case WECOM_TRANSPORT:
		return "无法连接企业微信(网络、TLS 或超时;原因写在 WeCom "
		    "工作进程的日志里,开发环境为 var/log/kfworker.log)";
	case WECOM_TOO_LARGE:
		return "企业微信的应答过大";
	case WECOM_BAD_ANSWER:
		return "企业微信的应答缺少字段";
	case WECOM_BAD_SECRET:
		return "企业微信不接受 secret,请检查 wecom.conf";
	case WECOM_TOKEN:
		return "access_token 刷新后仍被企业微信拒绝";
	case WECOM_LIMITED:
		return "调用企业微信接口过于频繁,请稍后再试";
	case WECOM_FORBIDDEN:
		return "企业微信拒绝调用(服务器 IP 不在可信 IP 中)";
	case WECOM_BUSY:
		return "企业微信系统繁忙,请稍后再试";
	case WECOM_LOCKED:
		return "另一进程正在刷新 access_token,请稍后再试";
	case WECOM_SERVICER:
	case WECOM_SESSION:
	case WECOM_OTHER:
		break;
	}
	return "企业微信返回错误";
}

static void
collect_entry(void *arg, const char *entry, const char *kfid,
    const char *scene, const char *link, int known)
{
	struct sync_list	*l = arg;
	struct sync_entry	*e;

	if (l->n == SYNC_MAX)
		return;
	e = &l->e[l->n++];
	snprintf(e->id, sizeof(e->id), "%s", entry);
	snprintf(e->kfid, sizeof(e->kfid), "%s", kfid ? kfid : "");
	e->has_scene = scene != NULL;
	snprintf(e->scene, sizeof(e->scene), "%s", scene ? scene : "");
	e->has_link = link != NULL;
	e->known = known;
}

/*
 * Store every kf account of the app (100 a page); how many, or -1 with
 * *err the WeCom failure (WECOM_OK when it was the database).
 */
static int
sync_accounts(struct store *s, struct wecom *w, enum wecom_err *err)
{
	struct json_object	*o, *list, *a, *id, *name;
	char			 body[64];
	size_t			 i, n;
	int			 total = 0, offset = 0;

	for (;;) {
		snprintf(body, sizeof(body), "{\"offset\":%d,\"limit\":100}",
		    offset);
		if ((*err = wecom_call(w, "kf/account/list", body, &o)) !=
		    WECOM_OK)
			return -1;
		if (!json_object_object_get_ex(o, "account_list", &list) ||
		    !json_object_is_type(list, json_type_array)) {
			json_object_put(o);
			*err = WECOM_BAD_ANSWER;
			return -1;
		}
		n = json_object_array_length(list);
		for (i = 0; i < n; i++) {
			a = json_object_array_get_idx(list, i);
			if (!json_object_object_get_ex(a, "open_kfid", &id) ||
			    !json_object_is_type(id, json_type_string))
				continue;
			if (!json_object_object_get_ex(a, "name", &name))
				name = NULL;
			if (store_wecom_account_put(s,
			    json_object_get_string(id), name != NULL ?
			    json_object_get_string(name) : "") != STORE_OK) {
				json_object_put(o);
				return -1;
			}
			total++;
		}
		json_object_put(o);
		if (n < 100)
			return total;
		offset += 100;
	}
}

/* kf/add_contact_way for one entry; the link is stored once. */
static int
create_link(struct store *s, struct wecom *w, const struct sync_entry *e)
{
	struct json_object	*req = json_object_new_object(), *o, *url;
	int			 rc = -1;

	json_object_object_add(req, "open_kfid",
	    json_object_new_string(e->kfid));
	json_object_object_add(req, "scene", json_object_new_string(e->scene));
	if (wecom_call(w, "kf/add_contact_way",
	    json_object_to_json_string(req), &o) == WECOM_OK) {
		if (json_object_object_get_ex(o, "url", &url) &&
		    json_object_is_type(url, json_type_string) &&
		    store_wecom_link_put(s, e->kfid, e->scene,
		    json_object_get_string(url)) == STORE_OK)
			rc = 0;
		json_object_put(o);
	}
	json_object_put(req);
	return rc;
}

static void
report(wsync_report_fn fn, void *arg, enum wsync_event ev,
    const struct sync_entry *e, int n, int errcode)
{
	if (fn != NULL)
		fn(arg, ev, e != NULL ? e->id : "", e != NULL ? e->kfid : "", n,
		    errcode);
}

int
wsync_run(struct store *s, struct wecom *w, wsync_report_fn fn, void *arg,
    struct wsync_result *r)
{
	struct sync_list	 l;
	enum wecom_err		 err = WECOM_OK;
	size_t			 i;

	memset(r, 0, sizeof(*r));
	r->accounts = -1;
	if ((r->accounts = sync_accounts(s, w, &err)) < 0) {
		r->failed = 1;
		r->accounts = -1;
		if (err == WECOM_OK)
			snprintf(r->error, sizeof(r->error), "数据库不可用,"
			    "客服账号未能保存");
		else {
			r->errcode = wecom_errcode(w);
			snprintf(r->error, sizeof(r->error), "获取客服账号列表失败:"
			    "%s", wsync_strerror_zh(err));
		}
		return -1;
	}
	report(fn, arg, WSYNC_ACCOUNTS, NULL, r->accounts, 0);
	l.n = 0;
	if ((l.e = calloc(SYNC_MAX, sizeof(*l.e))) == NULL ||
	    store_wecom_entries(s, collect_entry, &l) != STORE_OK) {
		free(l.e);
		r->failed = 1;
		snprintf(r->error, sizeof(r->error), "数据库不可用,"
		    "未能读取微信客服入口");
		return -1;
	}
	for (i = 0; i < l.n; i++) {
		const struct sync_entry *e = &l.e[i];

		if (!e->has_scene) {
			report(fn, arg, WSYNC_NO_SCENE, e, 0, 0);
			snprintf(r->error, sizeof(r->error), "入口 %s 的 id "
			    "超过 32 个字符,请为它设置企业微信场景值", e->id);
			r->problems++;
		} else if (!e->known) {
			report(fn, arg, WSYNC_UNKNOWN_ACCOUNT, e, 0, 0);
			snprintf(r->error, sizeof(r->error), "入口 %s 的客服"
			    "账号 %s 不是本企业的微信客服账号", e->id, e->kfid);
			r->problems++;
		} else if (e->has_link)
			report(fn, arg, WSYNC_LINK_OK, e, 0, 0);
		else if (create_link(s, w, e) == 0) {
			report(fn, arg, WSYNC_LINK_CREATED, e, 0, 0);
			r->created++;
		} else {
			r->errcode = wecom_errcode(w);
			report(fn, arg, WSYNC_LINK_FAILED, e, 0, r->errcode);
			snprintf(r->error, sizeof(r->error), "入口 %s 未能生成"
			    "接入链接(企业微信 errcode %d)", e->id, r->errcode);
			r->problems++;
		}
	}
	free(l.e);
	return 0;
}

/* ---- the worker's side of the page's requests ------------------------ */

void
wsync_worker_init(struct wsync_worker *k, struct store *s, struct wecom *w)
{
	size_t	 i;

	memset(k, 0, sizeof(*k));
	k->store = s;
	k->wecom = w;
	if (gethostname(k->host, sizeof(k->host) - 1) != 0 ||
	    k->host[0] == '\0')
		snprintf(k->host, sizeof(k->host), "localhost");
	/* The column is ascii: anything else becomes '?'. */
	for (i = 0; k->host[i] != '\0'; i++)
		if ((unsigned char)k->host[i] < 0x21 ||
		    (unsigned char)k->host[i] > 0x7e)
			k->host[i] = '?';
	k->pid = (long)getpid();
	snprintf(k->name, sizeof(k->name), "%s:%ld", k->host, k->pid);
}

struct progress {
	struct wsync_worker	*k;
	const char		*id;
	int			 accounts, created;
};

/* Counts and lease as the sync goes: the page shows them. */
static void
on_progress(void *arg, enum wsync_event ev, const char *entry,
    const char *kfid, int n, int errcode)
{
	struct progress	*p = arg;

	(void)entry;
	(void)kfid;
	(void)errcode;
	if (ev == WSYNC_ACCOUNTS)
		p->accounts = n;
	else if (ev == WSYNC_LINK_CREATED)
		p->created++;
	else if (ev != WSYNC_LINK_FAILED)
		return;
	store_wecom_sync_progress(p->k->store, p->id, p->k->name, p->accounts,
	    p->created, LEASE_S);
}

int
wsync_worker_pass(struct wsync_worker *k, long long now_ms)
{
	struct wsync_result		 r;
	struct store_wecom_sync_end	 end;
	struct progress			 p;
	char				 id[32];
	enum store_rc			 rc;

	if (k->beat_ms == 0 || now_ms - k->beat_ms >= BEAT_MS) {
		if (store_wecom_worker_beat(k->store, k->host, k->pid) !=
		    STORE_OK)
			return -1;
		k->beat_ms = now_ms;
	}
	if (k->look_ms != 0 && now_ms - k->look_ms < LOOK_MS)
		return 0;
	k->look_ms = now_ms;
	if ((rc = store_wecom_sync_claim(k->store, k->name, LEASE_S, id,
	    sizeof(id))) == STORE_NOTFOUND)
		return 0;
	if (rc != STORE_OK)
		return -1;
	log_info("wecom sync request %s: started", id);
	p.k = k;
	p.id = id;
	p.accounts = 0;
	p.created = 0;
	wsync_run(k->store, k->wecom, on_progress, &p, &r);
	end.failed = r.failed;
	end.accounts = r.accounts;
	end.created = r.created;
	end.problems = r.problems;
	end.error = r.error[0] != '\0' ? r.error : NULL;
	end.errcode = r.errcode;
	if (r.failed)
		log_warn("wecom sync request %s: failed: %s (errcode %d)", id,
		    r.error, r.errcode);
	else
		log_info("wecom sync request %s: %d accounts, %d links "
		    "created, %d problems", id, r.accounts, r.created,
		    r.problems);
	if ((rc = store_wecom_sync_finish(k->store, id, k->name, &end)) ==
	    STORE_NOTFOUND)
		log_warn("wecom sync request %s: taken over by another worker "
		    "(the lease ran out); its result stands", id);
	return rc == STORE_ERR ? -1 : 1;
}
