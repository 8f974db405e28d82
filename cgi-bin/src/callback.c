#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "arena.h"
#include "assign.h"
#include "cache.h"
#include "callback.h"
#include "cfg.h"
#include "decide.h"
#include "log.h"
#include "notice.h"
#include "req.h"
#include "resp.h"
#include "snap.h"
#include "store.h"
#include "ticket.h"
#include "util.h"
#include "wecom.h"

#define SYNC_PAGES_MAX	100	/* at most 100,000 messages per callback */
#define SYNC_LOCK_WAIT	10

void
callback_init(struct callback *cb, const struct cfg *cfg, struct store *store,
    struct wecom *wecom, struct cache *cache)
{
	memset(cb, 0, sizeof(*cb));
	cb->cfg = cfg;
	cb->store = store;
	cb->wecom = wecom;
	cb->cache = cache;
	cb->arena = arena_new(4096);
	cb->configured = cfg->wecom.token != NULL &&
	    cfg->wecom.encoding_aes_key != NULL && cfg->wecom.corp_id != NULL &&
	    wxc_init(&cb->crypt, cfg->wecom.token, cfg->wecom.encoding_aes_key,
	    cfg->wecom.corp_id) == WXC_OK;
	if (!cb->configured)
		log_warn("wecom callback: token, encoding_aes_key or corp_id "
		    "missing or invalid; callbacks are refused");
}

void
callback_free(struct callback *cb)
{
	arena_free(cb->arena);
	cb->arena = NULL;
}

int
callback_xml_field(const char *xml, const char *name, char *out, size_t len)
{
	char		 open[64], close[64];
	const char	*p, *end;
	size_t		 n;

	snprintf(open, sizeof(open), "<%s>", name);
	snprintf(close, sizeof(close), "</%s>", name);
	if ((p = strstr(xml, open)) == NULL)
		return -1;
	p += strlen(open);
	if ((end = strstr(p, close)) == NULL)
		return -1;
	if (strncmp(p, "<![CDATA[", 9) == 0) {
		p += 9;
		if (end - p < 3 || strncmp(end - 3, "]]>", 3) != 0)
			return -1;
		end -= 3;
	}
	n = (size_t)(end - p);
	if (n >= len)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

/* Signature parameters from the query, and the timestamp window. */
static enum apierr
check_query(struct callback *cb, struct req *req, const char **v, size_t n)
{
	static const struct req_field	 fields[] = {
		{ "msg_signature", REQ_FIELD_TEXT },
		{ "timestamp", REQ_FIELD_TEXT },
		{ "nonce", REQ_FIELD_TEXT },
		{ "echostr", REQ_FIELD_TEXT },
	};
	const char			*bad;
	long long			 ts;
	enum apierr			 rc;
	size_t				 i;
	int				 skew = cb->cfg->wecom.callback_max_skew;

	if ((rc = req_fields(req, fields, n, v, &bad)) != AE_OK)
		return rc;
	for (i = 0; i < n; i++)
		if (v[i] == NULL)
			return AE_MISSING;
	if (util_parse_llong(v[1], 0, 99999999999LL, &ts) == -1)
		return AE_BAD_SIGNATURE;
	if (skew > 0 && llabs((long long)time(NULL) - ts) > skew)
		return AE_BAD_SIGNATURE;	/* stale or from the future */
	return AE_OK;
}

/* GET: WeCom checks the URL; answer the decrypted echostr, nothing else. */
static void
url_check(struct callback *cb, struct req *req, struct resp *resp)
{
	const char	*v[4];
	char		*plain;
	size_t		 len;
	enum apierr	 rc;

	if ((rc = check_query(cb, req, v, 4)) != AE_OK) {
		resp_error(resp, rc, NULL);
		return;
	}
	if (wxc_verify(&cb->crypt, v[0], v[1], v[2], v[3]) != WXC_OK) {
		resp_error(resp, AE_BAD_SIGNATURE, NULL);
		return;
	}
	if (wxc_decrypt(&cb->crypt, v[3], &plain, &len) != WXC_OK) {
		resp_error(resp, AE_BAD_CALLBACK, NULL);
		return;
	}
	resp->ctype = "text/plain; charset=utf-8";
	buf_clear(&resp->body);
	buf_append(&resp->body, plain, len);
	free(plain);
}

/* POST: check, decrypt, note the pull for later, answer empty at once. */
static void
event(struct callback *cb, struct req *req, struct resp *resp)
{
	const char	*v[3];
	char		 enc[16384], ev[64], *plain = NULL;
	size_t		 len;
	enum apierr	 rc;

	if ((rc = check_query(cb, req, v, 3)) != AE_OK ||
	    (rc = req_read_body(req, cb->cfg->max_body)) != AE_OK) {
		resp_error(resp, rc, NULL);
		return;
	}
	if (callback_xml_field(req->body, "Encrypt", enc, sizeof(enc)) == -1) {
		resp_error(resp, AE_BAD_CALLBACK, NULL);
		return;
	}
	if (wxc_verify(&cb->crypt, v[0], v[1], v[2], enc) != WXC_OK) {
		resp_error(resp, AE_BAD_SIGNATURE, NULL);
		return;
	}
	if (wxc_decrypt(&cb->crypt, enc, &plain, &len) != WXC_OK ||
	    callback_xml_field(plain, "Event", ev, sizeof(ev)) == -1) {
		free(plain);
		resp_error(resp, AE_BAD_CALLBACK, NULL);
		return;
	}
	if (strcmp(ev, "kf_msg_or_event") == 0 &&
	    callback_xml_field(plain, "OpenKfId", cb->open_kfid,
	    sizeof(cb->open_kfid)) == 0 &&
	    req_valid_id(cb->open_kfid, strlen(cb->open_kfid)) &&
	    callback_xml_field(plain, "Token", cb->token,
	    sizeof(cb->token)) == 0)
		cb->pending = 1;
	else
		log_info("wecom callback: event '%s' ignored", ev);
	free(plain);
	/* WeCom retries unless it gets this quickly: empty 200. */
	resp->ctype = "text/plain; charset=utf-8";
	buf_clear(&resp->body);
}

void
callback_handle(struct callback *cb, struct req *req, struct resp *resp)
{
	if (strcmp(req->path, "/wecom/callback") != 0) {
		resp_error(resp, AE_NOT_FOUND, NULL);
		return;
	}
	if (req->method != REQ_GET && req->method != REQ_POST) {
		resp_error(resp, AE_METHOD, NULL);
		resp_header(resp, "Allow", "GET, POST");
		return;
	}
	if (!cb->configured) {
		resp_error(resp, AE_UNAVAILABLE, NULL);
		return;
	}
	if (req->method == REQ_GET)
		url_check(cb, req, resp);
	else
		event(cb, req, resp);
}

static const char *
str_field(struct json_object *o, const char *name)
{
	struct json_object	*v;

	if (o == NULL || !json_object_object_get_ex(o, name, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int
int_field(struct json_object *o, const char *name, int dflt)
{
	struct json_object	*v;

	if (o == NULL || !json_object_object_get_ex(o, name, &v) ||
	    !json_object_is_type(v, json_type_int))
		return dflt;
	return json_object_get_int(v);
}

/*
 * servicer_status_change: presence at once. Mind the numbering: in this
 * event 1 is receiving and 2 stopped (servicer/list counts 0 and 1).
 */
static void
servicer_status(struct callback *cb, struct json_object *ev)
{
	const char	*userid = str_field(ev, "servicer_userid");
	int		 status = int_field(ev, "status", 0);

	if (userid == NULL || (status != 1 && status != 2)) {
		log_warn("wecom: servicer_status_change without a usable "
		    "servicer_userid or status");
		return;
	}
	if (store_wecom_presence(cb->store, userid, status == 1 ?
	    AGENT_ONLINE : AGENT_OFFLINE) == STORE_NOTFOUND)
		log_info("wecom: servicer %s is no kfroute agent", userid);
}

/*
 * session_status_change: keep active-session counts (capacity) right.
 * 1 taken from the pool, 2 transferred, 3 ended, 4 reopened.
 */
static void
session_status(struct callback *cb, struct json_object *ev)
{
	const char	*old = str_field(ev, "old_servicer_userid");
	const char	*new = str_field(ev, "new_servicer_userid");

	switch (int_field(ev, "change_type", 0)) {
	case 1:
	case 4:
		if (new != NULL)
			store_wecom_load(cb->store, new, +1);
		break;
	case 2:
		if (old != NULL)
			store_wecom_load(cb->store, old, -1);
		if (new != NULL)
			store_wecom_load(cb->store, new, +1);
		break;
	case 3:
		if (old != NULL)
			store_wecom_load(cb->store, old, -1);
		break;
	default:
		log_warn("wecom: session_status_change of unknown type");
	}
}

/* Send one text with a welcome_code or msg_code (one message per code). */
static enum wecom_err
send_on_event(struct callback *cb, const char *code, const char *text)
{
	struct json_object	*req = json_object_new_object(), *t, *o;
	enum wecom_err		 rc;

	t = json_object_new_object();
	json_object_object_add(t, "content", json_object_new_string(text));
	json_object_object_add(req, "code", json_object_new_string(code));
	json_object_object_add(req, "msgtype", json_object_new_string("text"));
	json_object_object_add(req, "text", t);
	if ((rc = wecom_call(cb->wecom, "kf/send_msg_on_event",
	    json_object_to_json_string(req), &o)) == WECOM_OK)
		json_object_put(o);
	json_object_put(req);
	return rc;
}

/*
 * Who the customer is, for the decision: the ticket's verified customer
 * (the business's key or openid) when there is one, else the WeCom
 * external_userid, whose sticky person is known from earlier chats. A
 * database failure costs personalisation only (NULL: anonymous).
 */
static const struct decide_customer *
wecom_customer(struct callback *cb, const struct ticket *t, const char *user,
    struct decide_customer *c)
{
	const char	*key = t != NULL && t->customer[0] != '\0' ?
	    t->customer : user;

	if (store_load_customer(cb->store, cb->arena, key,
	    cb->cfg->routing.sticky_days, c) == STORE_ERR)
		return NULL;
	if (cb->cfg->routing.sticky_days == 0)
		c->sticky_id = NULL;
	return c;
}

/*
 * The quote's input for a session of entry: the customer (the ticket's
 * when it names one, else the WeCom customer), this process's snapshot,
 * the promise. -1 (snapshot released) when the entry is unknown here.
 */
static int
session_in(struct callback *cb, const char *entry, const struct ticket *t,
    const char *user, const char *promised, struct decide_customer *cbuf,
    struct assign_in *in, struct snap **snapp)
{
	const struct decide_customer *cust = wecom_customer(cb, t, user, cbuf);
	const struct cache_want	 want = { CACHE_WANT_ENTRY, entry,
	    cb->cfg->routing.fallback_group, cust };
	struct snap		*snap;
	const struct snap_entry	*e;
	time_t			 now = time(NULL);

	if ((snap = cache_get(cb->cache, util_now_ms(), &want)) == NULL ||
	    (e = snap_entry(snap, entry)) == NULL) {
		cache_release(cb->cache);
		return -1;
	}
	*snapp = snap;	/* the cache's own: a commit moves its live state */
	memset(in, 0, sizeof(*in));
	in->cfg = cb->cfg;
	in->snap = snap;
	in->entry = e;
	in->customer = cust;
	in->now = now;
	in->random = (uint32_t)now;
	in->promised = promised;
	in->promise = t;
	in->arena = cb->arena;
	return 0;
}

/*
 * enter_session: the customer opened the chat from a contact link. Find
 * the entry (the signed ticket, else the account and scene), quote with
 * this moment's presence keeping the ticket's promise when that person can
 * still take the chat, greet within the welcome_code's 20 s, and bind the
 * session (ticket, person, whom the customer was told) for the handoff at
 * the first message. A quote: nothing moves until the handoff.
 */
static void
enter_session(struct callback *cb, struct json_object *ev)
{
	const char		*user = str_field(ev, "external_userid");
	const char		*scene = str_field(ev, "scene");
	const char		*param = str_field(ev, "scene_param");
	const char		*code = str_field(ev, "welcome_code");
	struct store_wecom_session ws;
	struct decide_customer	 cbuf;
	struct assign_in	 in;
	struct assign_quote	 q;
	struct ticket		 t;
	struct notice_var	 var;
	struct snap		*snap;
	const char		*text;
	time_t			 now = time(NULL);
	int			 has_t, greeted = 0;

	if (user == NULL || !req_valid_id(user, strlen(user)))
		return;
	memset(&ws, 0, sizeof(ws));
	has_t = param != NULL && ticket_read(cb->cfg->ticket.secret, param,
	    strlen(param), now, cb->cfg->ticket.max_age, &t) == 0;
	if (has_t)
		snprintf(ws.entry, sizeof(ws.entry), "%s", t.entry);
	else {
		if (param != NULL)
			log_info("wecom: scene_param is no valid ticket; "
			    "finding the entry by its scene");
		if (scene == NULL || store_wecom_entry_by_scene(cb->store,
		    cb->open_kfid, scene, ws.entry, sizeof(ws.entry)) !=
		    STORE_OK) {
			log_warn("wecom: enter_session for no known entry");
			return;
		}
	}
	if (session_in(cb, ws.entry, has_t ? &t : NULL, user,
	    has_t ? t.agent : NULL, &cbuf, &in, &snap) == -1)
		return;
	assign_quote(&in, &q);
	if (q.d.notice == NOTICE_CONNECTED) {
		var = (struct notice_var){ "agent", q.d.agent->name };
		text = notice_render(cb->arena, cb->cfg->welcome, &var, 1);
	} else
		text = q.notice;
	if (code != NULL && text != NULL)
		greeted = send_on_event(cb, code, text) == WECOM_OK;
	if (has_t) {
		snprintf(ws.ticket_agent, sizeof(ws.ticket_agent), "%s",
		    t.agent);
		snprintf(ws.ticket, sizeof(ws.ticket), "%s", param);
	}
	if (q.d.agent != NULL)
		snprintf(ws.agent, sizeof(ws.agent), "%s", q.d.agent->id);
	/* Told now by the greeting, else by the tap's notice. */
	snprintf(ws.told, sizeof(ws.told), "%s", greeted ? ws.agent :
	    ws.ticket_agent);
	store_wecom_session_put(cb->store, cb->open_kfid, user, &ws);
	cache_release(cb->cache);
}

#define TRANSFER_TRIES	5

/* service_state/trans; *msg_code (may be NULL) gets a code if given. */
static enum wecom_err
transfer(struct callback *cb, const char *user, int state, const char *userid,
    char *msg_code, size_t len)
{
	struct json_object	*req = json_object_new_object(), *o;
	enum wecom_err		 rc;
	const char		*code;

	json_object_object_add(req, "open_kfid",
	    json_object_new_string(cb->open_kfid));
	json_object_object_add(req, "external_userid",
	    json_object_new_string(user));
	json_object_object_add(req, "service_state", json_object_new_int(state));
	if (userid != NULL)
		json_object_object_add(req, "servicer_userid",
		    json_object_new_string(userid));
	rc = wecom_call(cb->wecom, "kf/service_state/trans",
	    json_object_to_json_string(req), &o);
	json_object_put(req);
	if (rc != WECOM_OK)
		return rc;
	if (msg_code != NULL) {
		code = str_field(o, "msg_code");
		snprintf(msg_code, len, "%s", code != NULL ? code : "");
	}
	json_object_put(o);
	return WECOM_OK;
}

/* The session's state (0 new ... 4 ended), or -1. */
static int
session_state(struct callback *cb, const char *user)
{
	struct json_object	*req = json_object_new_object(), *o;
	int			 state = -1;

	json_object_object_add(req, "open_kfid",
	    json_object_new_string(cb->open_kfid));
	json_object_object_add(req, "external_userid",
	    json_object_new_string(user));
	if (wecom_call(cb->wecom, "kf/service_state/get",
	    json_object_to_json_string(req), &o) == WECOM_OK) {
		state = int_field(o, "service_state", -1);
		json_object_put(o);
	}
	json_object_put(req);
	return state;
}

/*
 * What the customer reads once the handoff is done, through the msg_code
 * of the transfer: nothing when they got the person they were told; the
 * person's name when nobody was named; who took over from whom otherwise.
 */
static const char *
handoff_message(struct callback *cb, const struct snap *snap,
    const char *told, const struct snap_agent *got)
{
	const struct snap_agent	*was;
	struct notice_var	 vars[2];

	if (strcmp(told, got->id) == 0)
		return NULL;
	vars[0] = (struct notice_var){ "agent", got->name };
	if (*told == '\0')
		return notice_render(cb->arena,
		    cb->cfg->notice[NOTICE_CONNECTED], vars, 1);
	was = snap_agent(snap, told);
	vars[1] = (struct notice_var){ "promised", was != NULL ? was->name :
	    told };
	return notice_render(cb->arena, cb->cfg->reassigned, vars, 2);
}

/*
 * A customer's message in a new session (state 0 or 1): the handoff. The
 * session goes to the person the customer was told whenever they can
 * still take it; only otherwise does the engine choose again. WeCom
 * refusing someone (95019 stopped, 95014 not a servicer) excludes them
 * and the engine chooses again; with nobody left the session goes to the
 * waiting pool (state 2) and the customer is told why. Either way the
 * decision is committed (rotation, sticky, counts), once per message.
 */
static void
customer_message(struct callback *cb, const char *user, const char *msgid)
{
	char			 code[129], refused[TRANSFER_TRIES][65];
	char			 reason[160];
	const char		*exclude[TRANSFER_TRIES], *text = NULL;
	struct store_wecom_session ws;
	struct decide_customer	 cbuf;
	struct assign_in	 in;
	struct assign_quote	 q;
	struct assign_commit	 c;
	struct ticket		 t;
	struct snap		*snap;
	const struct snap_entry	*e;
	enum wecom_err		 rc = WECOM_OTHER;
	size_t			 n = 0;
	time_t			 now = time(NULL);
	int			 st, has_t;

	if (store_wecom_session_get(cb->store, cb->open_kfid, user, &ws) !=
	    STORE_OK)
		return;		/* not a session opened from our links */
	if ((st = session_state(cb, user)) != 0 && st != 1)
		return;		/* already with someone, waiting, or ended */
	has_t = ws.ticket[0] != '\0' && ticket_read(cb->cfg->ticket.secret,
	    ws.ticket, strlen(ws.ticket), now, cb->cfg->ticket.max_age,
	    &t) == 0;
	if (session_in(cb, ws.entry, has_t ? &t : NULL, user, ws.told, &cbuf,
	    &in, &snap) == -1)
		return;
	e = in.entry;
	code[0] = '\0';
	in.exclude = exclude;
	for (;;) {
		in.nexclude = n;
		assign_quote(&in, &q);
		if (q.d.agent == NULL || n == TRANSFER_TRIES)
			break;
		if (q.d.agent->wecom_userid != NULL &&
		    (rc = transfer(cb, user, 3, q.d.agent->wecom_userid, code,
		    sizeof(code))) == WECOM_OK)
			break;
		if (q.d.agent->wecom_userid != NULL && rc != WECOM_SERVICER)
			break;	/* not about this person: give up */
		snprintf(refused[n], sizeof(refused[n]), "%s", q.d.agent->id);
		exclude[n] = refused[n];
		n++;
	}
	if (rc == WECOM_OK && q.d.agent != NULL) {
		store_wecom_session_assign(cb->store, cb->open_kfid, user,
		    q.d.agent->id);
		store_wecom_load(cb->store, q.d.agent->wecom_userid, +1);
		text = handoff_message(cb, snap, ws.told, q.d.agent);
	} else {
		/*
		 * The waiting pool: nobody is left (the decision's own notice
		 * says why), or WeCom failed in a way that is not about the
		 * person (then: busy).
		 */
		if (q.d.agent != NULL) {
			text = cb->cfg->notice[NOTICE_BUSY];
			snprintf(q.reason, sizeof(q.reason), "none:wecom");
		} else
			text = q.notice;
		q.d.agent = NULL;
		if (transfer(cb, user, 2, NULL, code, sizeof(code)) !=
		    WECOM_OK) {
			cache_release(cb->cache);
			return;
		}
	}
	if (text != NULL && code[0] != '\0')
		send_on_event(cb, code, text);
	memset(&c, 0, sizeof(c));
	c.event = ASSIGN_HANDOFF;
	c.ttype = e->ttype;
	c.entry = e->id;
	c.agent = q.d.agent != NULL ? q.d.agent->id : NULL;
	snprintf(reason, sizeof(reason), "%s", q.reason);
	c.reason = reason;
	c.fallback = q.d.agent != NULL && (q.d.fallback || n > 0);
	c.customer = has_t && t.customer[0] != '\0' ? t.customer : NULL;
	c.customer2 = user;
	c.key = msgid;
	c.at = now;
	if (assign_commit(cb->cfg, cb->store, snap, &c) == ASSIGN_DB)
		log_warn("wecom: the handoff of %s was not committed "
		    "(database)", user);
	cache_release(cb->cache);
}

/* Act on a message taken for the first time. */
static void
process(struct callback *cb, const char *etype, struct json_object *ev)
{
	if (etype == NULL)
		return;
	if (strcmp(etype, "enter_session") == 0)
		enter_session(cb, ev);
	else if (strcmp(etype, "servicer_status_change") == 0)
		servicer_status(cb, ev);
	else if (strcmp(etype, "session_status_change") == 0)
		session_status(cb, ev);
}

/* Take one pulled message once, and act on it. */
static void
take_message(struct callback *cb, struct json_object *m)
{
	const char		*msgid = str_field(m, "msgid");
	const char		*type = str_field(m, "msgtype");
	const char		*user = str_field(m, "external_userid");
	const char		*etype = NULL;
	struct json_object	*ev = NULL;

	if (msgid == NULL || type == NULL || strlen(msgid) > 64) {
		log_warn("wecom sync: message without msgid or msgtype");
		return;
	}
	/* For events the customer sits inside the event object. */
	if (strcmp(type, "event") == 0 &&
	    json_object_object_get_ex(m, "event", &ev)) {
		etype = str_field(ev, "event_type");
		user = str_field(ev, "external_userid");
	}
	if (store_wecom_msg_claim(cb->store, msgid, cb->open_kfid, type, etype,
	    user) != STORE_OK)
		return;	/* seen before, here or elsewhere */
	log_debug("wecom sync: message %s (%s%s%s) taken", msgid, type,
	    etype ? "/" : "", etype ? etype : "");
	if (etype != NULL)
		process(cb, etype, ev);
	else if (int_field(m, "origin", 0) == 3 && user != NULL &&
	    req_valid_id(user, strlen(user)))
		customer_message(cb, user, msgid);
}

/* One sync_msg page; returns 1 when more follow, 0 when done, -1. */
static int
sync_page(struct callback *cb, char *cursor, size_t cursor_len)
{
	struct json_object	*req = json_object_new_object(), *o, *list;
	struct json_object	*more;
	const char		*next;
	size_t			 i, n;
	int			 rc = -1;

	if (cursor[0] != '\0')
		json_object_object_add(req, "cursor",
		    json_object_new_string(cursor));
	json_object_object_add(req, "token", json_object_new_string(cb->token));
	json_object_object_add(req, "limit", json_object_new_int(1000));
	json_object_object_add(req, "open_kfid",
	    json_object_new_string(cb->open_kfid));
	if (wecom_call(cb->wecom, "kf/sync_msg", json_object_to_json_string(req),
	    &o) != WECOM_OK) {
		json_object_put(req);
		return -1;
	}
	json_object_put(req);
	if (json_object_object_get_ex(o, "msg_list", &list) &&
	    json_object_is_type(list, json_type_array)) {
		n = json_object_array_length(list);
		for (i = 0; i < n; i++)
			take_message(cb, json_object_array_get_idx(list, i));
		/* Persist after every page: a crash resumes from here. */
		if ((next = str_field(o, "next_cursor")) != NULL &&
		    strlen(next) < cursor_len) {
			snprintf(cursor, cursor_len, "%s", next);
			store_wecom_cursor_put(cb->store, cb->open_kfid,
			    cursor);
		}
		rc = json_object_object_get_ex(o, "has_more", &more) &&
		    json_object_get_int(more) == 1;
	}
	json_object_put(o);
	return rc;
}

void
callback_after(struct callback *cb)
{
	char	 lock[96], cursor[65];
	int	 page, rc;

	if (!cb->pending)
		return;
	cb->pending = 0;
	/* One puller per account at a time; msgid claims guard the rest. */
	snprintf(lock, sizeof(lock), "kfroute.sync.%.48s", cb->open_kfid);
	if (store_lock(cb->store, lock, SYNC_LOCK_WAIT) != STORE_OK) {
		log_warn("wecom sync: lock for %s not had", cb->open_kfid);
		return;
	}
	if (store_wecom_cursor_get(cb->store, cb->open_kfid, cursor,
	    sizeof(cursor)) == STORE_ERR)
		goto done;
	for (page = 0; page < SYNC_PAGES_MAX; page++)
		if ((rc = sync_page(cb, cursor, sizeof(cursor))) != 1)
			break;
done:
	store_unlock(cb->store, lock);
	explicit_bzero(cb->token, sizeof(cb->token));
	arena_reset(cb->arena);
}
