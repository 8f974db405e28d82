#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "arena.h"
#include "assign.h"
#include "cache.h"
#include "cfg.h"
#include "jsonin.h"
#include "life.h"
#include "lifework.h"
#include "log.h"
#include "notice.h"
#include "pull.h"
#include "req.h"
#include "snap.h"
#include "store.h"
#include "store_wecom.h"
#include "ticket.h"
#include "util.h"
#include "wecom.h"
#include "work.h"
#include "work_int.h"

#define POOL_BATCH	200

/* ---- WeCom calls -------------------------------------------------------- */

/* Send one text with a welcome_code or msg_code (one message per code). */
enum wecom_err
work_send_code(struct pull *p, const char *code, const char *text)
{
	struct json_object	*req = json_object_new_object(), *t, *o;
	enum wecom_err		 rc;

	t = json_object_new_object();
	json_object_object_add(t, "content", json_object_new_string(text));
	json_object_object_add(req, "code", json_object_new_string(code));
	json_object_object_add(req, "msgtype", json_object_new_string("text"));
	json_object_object_add(req, "text", t);
	if ((rc = wecom_call(p->wecom, "kf/send_msg_on_event",
	    json_object_to_json_string(req), &o)) == WECOM_OK)
		json_object_put(o);
	json_object_put(req);
	return rc;
}

enum wecom_err
work_send_text(struct pull *p, const char *kfid, const char *user,
    const char *msgid, const char *text)
{
	struct json_object	*req = json_object_new_object(), *t, *o;
	enum wecom_err		 rc;

	t = json_object_new_object();
	json_object_object_add(t, "content", json_object_new_string(text));
	json_object_object_add(req, "touser", json_object_new_string(user));
	json_object_object_add(req, "open_kfid", json_object_new_string(kfid));
	json_object_object_add(req, "msgid", json_object_new_string(msgid));
	json_object_object_add(req, "msgtype", json_object_new_string("text"));
	json_object_object_add(req, "text", t);
	if ((rc = wecom_call(p->wecom, "kf/send_msg",
	    json_object_to_json_string(req), &o)) == WECOM_OK)
		json_object_put(o);
	json_object_put(req);
	return rc;
}

/* A request about one customer's session; the caller puts it. */
static struct json_object *
session_req(const char *kfid, const char *user)
{
	struct json_object	*req = json_object_new_object();

	json_object_object_add(req, "open_kfid", json_object_new_string(kfid));
	json_object_object_add(req, "external_userid",
	    json_object_new_string(user));
	return req;
}

/* service_state/trans; msg_code (may be NULL) gets a code if given. */
enum wecom_err
work_transfer(struct pull *p, const char *kfid, const char *user, int state,
    const char *userid, char *msg_code, size_t len)
{
	struct json_object	*req = session_req(kfid, user), *o;
	enum wecom_err		 rc;
	const char		*code;

	json_object_object_add(req, "service_state", json_object_new_int(state));
	if (userid != NULL)
		json_object_object_add(req, "servicer_userid",
		    json_object_new_string(userid));
	rc = wecom_call(p->wecom, "kf/service_state/trans",
	    json_object_to_json_string(req), &o);
	json_object_put(req);
	if (msg_code != NULL)
		msg_code[0] = '\0';
	if (rc != WECOM_OK)
		return rc;
	if (msg_code != NULL) {
		code = jsonin_str(o, "msg_code");
		snprintf(msg_code, len, "%s", code != NULL ? code : "");
	}
	json_object_put(o);
	return WECOM_OK;
}

/* The session's state (0 new ... 4 ended) and its servicer, or an error. */
enum wecom_err
work_state(struct pull *p, const char *kfid, const char *user, int *state,
    char *servicer, size_t len)
{
	struct json_object	*req = session_req(kfid, user), *o;
	enum wecom_err		 rc;
	const char		*s;

	rc = wecom_call(p->wecom, "kf/service_state/get",
	    json_object_to_json_string(req), &o);
	json_object_put(req);
	if (rc != WECOM_OK)
		return rc;
	*state = jsonin_int(o, "service_state", -1);
	s = jsonin_str(o, "servicer_userid");
	snprintf(servicer, len, "%s", s != NULL ? s : "");
	json_object_put(o);
	return *state >= 0 ? WECOM_OK : WECOM_BAD_ANSWER;
}

int
work_no_session(struct pull *p, enum wecom_err rc)
{
	return rc == WECOM_SESSION && wecom_errcode(p->wecom) == 95013;
}

/* ---- live state this process knows at once ------------------------------ */

/* The snapshot's agent with that WeCom userid (NULL: none). */
const struct snap_agent *
work_agent_by_userid(const struct snap *s, const char *userid)
{
	size_t	 i;

	for (i = 0; s != NULL && i < s->nagents; i++)
		if (s->agents[i].wecom_userid != NULL &&
		    strcmp(s->agents[i].wecom_userid, userid) == 0)
			return &s->agents[i];
	return NULL;
}

/*
 * Presence changed by WeCom: this worker's snapshot follows at once (the
 * database tells the others within their bound).
 */
void
work_local_presence(struct pull *p, const char *userid, enum agent_status st)
{
	struct snap_agent	*a;

	if (p->cache->mode != CACHE_SNAPSHOT || p->cache->snap == NULL)
		return;
	if ((a = (struct snap_agent *)work_agent_by_userid(p->cache->snap,
	    userid)) != NULL)
		a->status = st;
}

/*
 * A chat more or less for userid: stored, and this worker's snapshot
 * follows at once, so one pool pass does not give a person more chats
 * than they have room for.
 */
void
work_local_load(struct pull *p, const char *userid, int delta)
{
	struct snap_agent	*a;

	if (userid != NULL && p->cache->mode == CACHE_SNAPSHOT &&
	    p->cache->snap != NULL && (a = (struct snap_agent *)
	    work_agent_by_userid(p->cache->snap, userid)) != NULL)
		a->active = a->active + delta > 0 ? a->active + delta : 0;
}

enum store_rc
work_load(struct pull *p, const char *userid, int delta)
{
	if (userid == NULL)
		return STORE_NOTFOUND;
	work_local_load(p, userid, delta);
	return store_wecom_load(p->store, userid, delta);
}

/* ---- the quote's input for a session ------------------------------------ */

/*
 * Who the customer is, for the decision: the ticket's verified customer
 * (the business's key or openid) when there is one, else the WeCom
 * external_userid, whose sticky person is known from earlier chats. A
 * database failure costs personalisation only (NULL: anonymous).
 */
static const struct decide_customer *
wecom_customer(struct pull *p, const struct ticket *t, const char *user,
    struct decide_customer *c)
{
	const char	*key = t != NULL && t->customer[0] != '\0' ?
	    t->customer : user;

	if (store_load_customer(p->store, p->arena, key,
	    p->cfg->routing.sticky_days, c) == STORE_ERR)
		return NULL;
	if (p->cfg->routing.sticky_days == 0)
		c->sticky_id = NULL;
	return c;
}

/*
 * The quote's input for a session of entry: the customer, this process's
 * snapshot (asked again at once when it does not know the entry: it may
 * be younger than the staleness bound), the promise. -1 (released) when
 * the entry is unknown even so, or the database cannot answer.
 */
int
work_session_in(struct pull *p, const char *entry, const struct ticket *t,
    const char *user, const char *promised, struct decide_customer *cbuf,
    struct assign_in *in, struct snap **snapp)
{
	const struct decide_customer *cust = wecom_customer(p, t, user, cbuf);
	const struct cache_want	 want = { CACHE_WANT_ENTRY, entry,
	    p->cfg->routing.fallback_group, cust };
	struct snap		*snap;
	const struct snap_entry	*e = NULL;
	time_t			 now = time(NULL);
	int			 tries;

	for (tries = 0; tries < 2 && e == NULL; tries++) {
		if (tries > 0) {
			cache_release(p->cache);
			cache_invalidate(p->cache);
		}
		if ((snap = cache_get(p->cache, util_now_ms(), &want)) != NULL)
			e = snap_entry(snap, entry);
	}
	if (e == NULL) {
		cache_release(p->cache);
		return -1;
	}
	*snapp = snap;	/* the cache's own: a commit moves its live state */
	memset(in, 0, sizeof(*in));
	in->cfg = p->cfg;
	in->snap = snap;
	in->entry = e;
	in->customer = cust;
	in->now = now;
	in->random = (uint32_t)now;
	in->promised = promised;
	in->promise = t;
	in->arena = p->arena;
	return 0;
}

/* ---- events --------------------------------------------------------------- */

/*
 * The customer enters again: a chat still with its person (WeCom says 3)
 * stays as it is, watched as before (WORK_RECORDED); one that is over is
 * closed (its leg ended) before the new binding (WORK_DONE).
 */
static enum work_rc
live_chat(struct pull *p, const char *kfid, const char *user,
    const char **why)
{
	struct store_wecom_session ws;
	char			 servicer[65];
	enum store_rc		 src;
	enum wecom_err		 rc;
	int			 st;

	src = store_wecom_session_get(p->store, kfid, user, &ws);
	if (src == STORE_NOTFOUND || (src == STORE_OK && (ws.ended ||
	    (ws.assigned_ms == 0 && !ws.pooled))))
		return WORK_DONE;
	if (src != STORE_OK) {
		*why = "database";
		return WORK_RETRY;
	}
	rc = work_state(p, kfid, user, &st, servicer, sizeof(servicer));
	if (rc != WECOM_OK && !work_no_session(p, rc)) {
		*why = wecom_strerror(rc);
		return WORK_RETRY;
	}
	/* Still with their person, or still waiting in the pool. */
	if (rc == WECOM_OK && (st == 3 || (ws.pooled && st == 2)))
		return WORK_RECORDED;
	if (ws.pooled) {	/* left the pool: not waiting any more */
		if (store_wecom_session_ended(p->store, kfid, user) !=
		    STORE_OK) {
			*why = "database";
			return WORK_RETRY;
		}
		return WORK_DONE;
	}
	/*
	 * It ended without an event (one would have been worked before this
	 * enter_session: a customer's messages go in order): the person's
	 * load is given back here.
	 */
	if (store_wecom_session_ended(p->store, kfid, user) != STORE_OK) {
		*why = "database";
		return WORK_RETRY;
	}
	if (store_wecom_unload(p->store, ws.agent) == STORE_ERR)
		log_warn("wecom: %s's load not given back (database)",
		    ws.agent);
	return WORK_DONE;
}

/*
 * enter_session: the customer opened the chat from a contact link. Find
 * the entry (the signed ticket, else the account and scene), quote with
 * this moment's presence keeping the ticket's promise when that person can
 * still take the chat, bind the session (ticket, person, whom the
 * customer is told) and greet within the welcome_code's 20 s. A quote:
 * nothing moves until the handoff. Safe to repeat: the binding is an
 * upsert, a spent welcome_code is refused by WeCom and taken as done.
 */
static enum work_rc
enter_session(struct pull *p, const char *kfid, struct json_object *ev,
    const char **why)
{
	const char		*user = jsonin_str(ev, "external_userid");
	const char		*scene = jsonin_str(ev, "scene");
	const char		*param = jsonin_str(ev, "scene_param");
	const char		*code = jsonin_str(ev, "welcome_code");
	struct store_wecom_session ws;
	struct decide_customer	 cbuf;
	struct assign_in	 in;
	struct assign_quote	 q;
	struct ticket		 t;
	struct notice_var	 var;
	struct snap		*snap;
	const char		*text;
	enum store_rc		 src;
	enum wecom_err		 rc;
	int			 has_t;

	if (user == NULL || !util_id_valid(user, strlen(user)))
		return WORK_DONE;
	switch (live_chat(p, kfid, user, why)) {
	case WORK_DONE:
		break;
	case WORK_RECORDED:	/* still with their person: kept as it is */
		return WORK_DONE;
	default:
		return WORK_RETRY;
	}
	memset(&ws, 0, sizeof(ws));
	has_t = param != NULL && ticket_read(p->cfg->ticket.secret, param,
	    strlen(param), time(NULL), p->cfg->ticket.max_age, &t) == 0;
	if (has_t)
		snprintf(ws.entry, sizeof(ws.entry), "%s", t.entry);
	else {
		if (param != NULL)
			log_info("wecom: scene_param is no valid ticket; "
			    "finding the entry by its scene");
		src = scene == NULL ? STORE_NOTFOUND :
		    store_wecom_entry_by_scene(p->store, kfid, scene, ws.entry,
		    sizeof(ws.entry));
		if (src == STORE_ERR) {
			*why = "database";
			return WORK_RETRY;
		}
		if (src != STORE_OK) {
			log_warn("wecom: enter_session for no known entry");
			return WORK_DONE;
		}
	}
	if (work_session_in(p, ws.entry, has_t ? &t : NULL, user,
	    has_t ? t.agent : NULL, &cbuf, &in, &snap) == -1) {
		*why = "entry unknown here (yet)";
		return WORK_RETRY;
	}
	assign_quote(&in, &q);
	if (q.d.notice == NOTICE_CONNECTED) {
		var = (struct notice_var){ "agent", q.d.agent->name };
		text = notice_render(p->arena, p->cfg->welcome, &var, 1);
	} else
		text = q.notice;
	if (has_t) {
		snprintf(ws.ticket_agent, sizeof(ws.ticket_agent), "%s",
		    t.agent);
		snprintf(ws.ticket, sizeof(ws.ticket), "%s", param);
	}
	if (q.d.agent != NULL)
		snprintf(ws.agent, sizeof(ws.agent), "%s", q.d.agent->id);
	/* Told by the greeting, else by the tap's notice. */
	snprintf(ws.told, sizeof(ws.told), "%s", code != NULL && text != NULL ?
	    ws.agent : ws.ticket_agent);
	cache_release(p->cache);
	if (store_wecom_session_put(p->store, kfid, user, &ws) != STORE_OK) {
		*why = "database";
		return WORK_RETRY;
	}
	if (code == NULL || text == NULL)
		return WORK_DONE;
	rc = work_send_code(p, code, text);
	if (wecom_transient(rc)) {
		*why = wecom_strerror(rc);
		return WORK_RETRY;
	}
	/*
	 * Spent or expired (20 s): the customer was told only what the tap
	 * said, so the handoff names whoever takes the chat.
	 */
	if (rc != WECOM_OK)
		log_info("wecom: greeting not sent (%s)", wecom_strerror(rc));
	if (store_wecom_session_greeted(p->store, kfid, user,
	    rc != WECOM_OK ? STORE_GREETED_NOT : q.d.hold ? STORE_GREETED_HOLD :
	    q.d.agent != NULL ? STORE_GREETED_PERSON : STORE_GREETED_NOBODY,
	    rc != WECOM_OK ? ws.ticket_agent : ws.told) != STORE_OK) {
		*why = "database";
		return WORK_RETRY;
	}
	return WORK_DONE;
}

/*
 * servicer_status_change: presence at once. Mind the numbering: in this
 * event 1 is receiving and 2 stopped (servicer/list counts 0 and 1).
 * Receiving again also lifts a 95014 refusal and may empty the pool.
 */
static enum work_rc
servicer_status(struct pull *p, const char *kfid, struct json_object *ev,
    const char **why)
{
	const char	*userid = jsonin_str(ev, "servicer_userid");
	int		 status = jsonin_int(ev, "status", 0);
	enum store_rc	 rc;

	if (userid == NULL || (status != 1 && status != 2)) {
		log_warn("wecom: servicer_status_change without a usable "
		    "servicer_userid or status");
		return WORK_DONE;
	}
	/* Receiving makes an offline person online; a manual busy stays. */
	rc = status == 1 ? store_wecom_receiving(p->store, userid) :
	    store_wecom_presence(p->store, userid, AGENT_OFFLINE);
	if (rc == STORE_ERR || (status == 1 &&
	    store_wecom_refusal_clear(p->store, userid) != STORE_OK)) {
		*why = "database";
		return WORK_RETRY;
	}
	if (rc == STORE_NOTFOUND)
		log_info("wecom: servicer %s is no kfroute agent", userid);
	if (status == 2)
		work_local_presence(p, userid, AGENT_OFFLINE);
	else
		cache_invalidate(p->cache);	/* online unless busy: ask */
	if (status == 1)
		work_pool(p, kfid);
	return WORK_DONE;
}

/*
 * session_status_change: keep active-session counts (capacity) right.
 * 1 taken from the pool, 2 transferred, 3 ended, 4 reopened. The counts
 * and the message's "done" go in one transaction: worked again after a
 * crash, nothing is counted twice.
 */
static enum work_rc
session_status(struct pull *p, const char *kfid, const char *msgid,
    struct json_object *ev, const char **why)
{
	const char	*old = jsonin_str(ev, "old_servicer_userid");
	const char	*new = jsonin_str(ev, "new_servicer_userid");
	int		 type = jsonin_int(ev, "change_type", 0), ok = 1;

	if (type < 1 || type > 4) {
		log_warn("wecom: session_status_change of unknown type");
		return WORK_DONE;
	}
	/* The chat's life first: a failure here leaves the counts undone. */
	if (lifework_changed(p, kfid, jsonin_str(ev, "external_userid"), type,
	    old, new, why) == WORK_RETRY)
		return WORK_RETRY;
	if (store_begin(p->store) != STORE_OK) {
		*why = "database";
		return WORK_RETRY;
	}
	if ((type == 2 || type == 3) && old != NULL)
		ok &= work_load(p, old, -1) != STORE_ERR;
	if (type != 3 && new != NULL)
		ok &= work_load(p, new, +1) != STORE_ERR;
	if (!ok || store_wecom_msg_done(p->store, msgid) != STORE_OK ||
	    store_commit(p->store) != STORE_OK) {
		store_rollback(p->store);
		*why = "database";
		return WORK_RETRY;
	}
	if (type == 3)		/* capacity freed: someone may be waiting */
		work_pool(p, kfid);
	return WORK_RECORDED;
}

/* ---- the handoff ---------------------------------------------------------- */

/*
 * What the customer reads once the handoff is done, through the msg_code
 * of the transfer: nothing when they got the person they were told; the
 * person's name when nobody was named; who took over from whom otherwise.
 */
static const char *
handoff_message(struct pull *p, const struct snap *snap, const char *told,
    const struct snap_agent *got)
{
	const struct snap_agent	*was;
	struct notice_var	 vars[2];

	if (strcmp(told, got->id) == 0)
		return NULL;
	vars[0] = (struct notice_var){ "agent", got->name };
	if (*told == '\0')
		return notice_render(p->arena,
		    p->cfg->notice[NOTICE_CONNECTED], vars, 1);
	was = snap_agent(snap, told);
	vars[1] = (struct notice_var){ "promised", was != NULL ? was->name :
	    told };
	return notice_render(p->arena, p->cfg->reassigned, vars, 2);
}

/*
 * Finish a recorded handoff: commit it (once per message) and spend its
 * msg_code on its text. Safe to repeat: the commit's key and the spent
 * code make a second run a no-op.
 */
static enum work_rc
finish_handoff(struct pull *p, const char *kfid, const char *user,
    const char *msgid, const struct store_wecom_session *ws, const char **why)
{
	struct assign_commit	 c;
	struct snap		*snap;	/* this worker's: its turn moves now */
	enum wecom_err		 rc;

	memset(&c, 0, sizeof(c));
	c.event = ASSIGN_HANDOFF;
	c.ttype = TARGET_WECOM_KF;
	c.entry = ws->entry;
	c.agent = ws->pooled ? NULL : ws->agent;
	c.reason = ws->handoff_reason[0] != '\0' ? ws->handoff_reason :
	    "none:offline";
	c.fallback = ws->handoff_fallback;
	c.customer2 = user;
	c.key = msgid;
	c.at = time(NULL);
	snap = p->cache->mode == CACHE_SNAPSHOT ? p->cache->snap : NULL;
	if (assign_commit(p->store, snap, &c) == ASSIGN_DB) {
		*why = "database";
		return WORK_RETRY;
	}
	if (ws->handoff_code[0] == '\0')
		return WORK_DONE;
	/*
	 * Nothing to say now: the code is kept for one later message (a
	 * queue update in the pool, the name of whoever takes over after a
	 * re-route), WeCom giving no other way to write in states 2 and 3.
	 */
	if (ws->handoff_text[0] == '\0')
		return store_wecom_session_code_keep(p->store, kfid, user) ==
		    STORE_OK ? WORK_DONE : (*why = "database", WORK_RETRY);
	rc = work_send_code(p, ws->handoff_code, ws->handoff_text);
	if (wecom_transient(rc)) {
		*why = wecom_strerror(rc);
		return WORK_RETRY;
	}
	if (rc != WECOM_OK)
		log_info("wecom: message to %s not sent (%s)", user,
		    wecom_strerror(rc));
	if (store_wecom_session_code_spent(p->store, kfid, user) != STORE_OK) {
		*why = "database";
		return WORK_RETRY;
	}
	return WORK_DONE;
}


void
work_refuse(struct work_refused *r, const char *agent_id)
{
	if (r->n == EXCLUDE_MAX)
		return;
	snprintf(r->ids[r->n], sizeof(r->ids[0]), "%s", agent_id);
	r->exclude[r->n] = r->ids[r->n];
	r->n++;
}

/* 95014 remembered for this account: not offered to its entries. */
static void
collect_refusal(void *arg, const char *userid)
{
	struct work_refused	*r = arg;
	const struct snap_agent	*a = work_agent_by_userid(r->snap, userid);

	if (a != NULL)
		work_refuse(r, a->id);
}

int
work_refusals(struct pull *p, const char *kfid, struct work_refused *r)
{
	return store_wecom_refusals(p->store, kfid, collect_refusal, r) ==
	    STORE_OK ? 0 : -1;
}

/*
 * WeCom refused userid (95019 stopped, 95014 not a servicer here):
 * remember it, so the next customer is not offered them again until
 * WeCom says otherwise (an event, sync-status).
 */
static void
remember_refusal(struct pull *p, const char *kfid, const char *userid)
{
	int	 stopped = wecom_errcode(p->wecom) != 95014;

	if (stopped) {
		if (store_wecom_presence(p->store, userid, AGENT_OFFLINE) ==
		    STORE_ERR)
			log_warn("wecom: refusal of %s not stored", userid);
		work_local_presence(p, userid, AGENT_OFFLINE);
	} else if (store_wecom_refusal_add(p->store, kfid, userid) ==
	    STORE_ERR)
		log_warn("wecom: refusal of %s not stored", userid);
	log_info("wecom %s: %s refused (%d), not offered again until WeCom "
	    "says otherwise", kfid, userid, wecom_errcode(p->wecom));
}

/*
 * Move the session (state 0/1, or 2 from the pool) to the first person
 * who can take it: the promised one if possible, else the engine's
 * choice, the refused excluded. *agent is NULL when nobody could.
 */
enum wecom_err
work_move_to_person(struct pull *p, const char *kfid, const char *user,
    struct assign_in *in, struct work_refused *r, struct assign_quote *q,
    char *code, size_t len)
{
	enum wecom_err	 rc = WECOM_OTHER;
	int		 tries;

	for (tries = 0; tries < TRANSFER_TRIES; tries++) {
		in->exclude = r->exclude;
		in->nexclude = r->n;
		assign_quote(in, q);
		if (q->d.agent == NULL || q->d.hold)
			return WECOM_OK;
		if (q->d.agent->wecom_userid == NULL) {
			work_refuse(r, q->d.agent->id);	/* not in WeCom */
			continue;
		}
		rc = work_transfer(p, kfid, user, 3, q->d.agent->wecom_userid, code,
		    len);
		if (rc != WECOM_SERVICER)
			return rc;
		remember_refusal(p, kfid, q->d.agent->wecom_userid);
		work_refuse(r, q->d.agent->id);
	}
	q->d.agent = NULL;
	return WECOM_OK;
}

/*
 * WeCom moved the session to a person but kfroute never recorded it (the
 * answer was lost, or the database failed right after): only kfroute
 * moves a session of its entries out of state 0, so it was this message's
 * handoff. Record and commit it now; its msg_code is lost with the
 * answer, so the customer cannot be told by name.
 */
static enum work_rc
recover_handoff(struct pull *p, const char *kfid, const char *user,
    const char *msgid, struct store_wecom_session *ws, const char *servicer,
    const char **why)
{
	struct store_wecom_handoff	 h;
	const struct snap_agent		*a;
	const struct snap		*snap = p->cache->mode == CACHE_SNAPSHOT ?
	    p->cache->snap : NULL;

	if ((a = work_agent_by_userid(snap, servicer)) == NULL)
		return WORK_DONE;	/* someone kfroute does not know */
	memset(&h, 0, sizeof(h));
	h.agent = a->id;
	h.msgid = msgid;
	h.reason = "recovered";
	log_warn("wecom: %s was moved to %s without a record; recording it",
	    user, servicer);
	if (store_wecom_session_handoff(p->store, kfid, user, &h) != STORE_OK) {
		*why = "database";
		return WORK_RETRY;
	}
	work_load(p, servicer, +1);
	snprintf(ws->agent, sizeof(ws->agent), "%s", a->id);
	snprintf(ws->handoff_reason, sizeof(ws->handoff_reason), "recovered");
	ws->handoff_code[0] = ws->handoff_text[0] = '\0';
	ws->pooled = 0;
	return finish_handoff(p, kfid, user, msgid, ws, why);
}

/* A send_msg msgid of ours for message msgid: a retry sends it once. */
static void
text_msgid(const char *prefix, const char *msgid, char *out, size_t len)
{
	/* Not FNV's own basis (a digit short), kept: ids already sent
	 * must come out the same after an upgrade. */
	uint64_t	 h = util_fnv(1469598103934665603ULL, msgid,
	    strlen(msgid));

	snprintf(out, len, "%s%016llx", prefix, (unsigned long long)h);
}

/* People of the entry online now (for a wait estimate), at least 1. */
static unsigned
entry_servers(const struct snap *snap, const struct snap_entry *e)
{
	unsigned		 n = 0;
	size_t			 i;

	for (i = 0; i < e->ndesignated; i++)
		n += snap_designated(snap, e, i)->status == AGENT_ONLINE;
	for (i = 0; e->group != NULL && i < e->group->nmembers; i++)
		n += e->group->members[i]->status == AGENT_ONLINE &&
		    !decide_is_designated(snap, e, e->group->members[i]);
	return n > 0 ? n : 1;
}

/* "您前面还有{ahead}位客户,预计等待约{wait}分钟" for position pos. */
static const char *
work_queue_text(struct pull *p, const struct life_settings *ls,
    const struct snap *snap, const struct snap_entry *e, unsigned pos)
{
	char			 ahead[16], wait[16];
	struct notice_var	 vars[2] = { { "ahead", ahead }, { "wait", wait } };

	snprintf(ahead, sizeof(ahead), "%u", pos > 0 ? pos - 1 : 0);
	snprintf(wait, sizeof(wait), "%u", life_queue_wait_min(ls, pos,
	    entry_servers(snap, e)));
	return notice_render(p->arena, p->cfg->queue_position, vars, 2);
}

/*
 * Nobody takes the chat now: into the waiting pool (state 2), told why.
 * Held for a busy person (hold), kept for the person who answers at the
 * opening (leave_message), with the queue position when that is on (sent
 * with send_msg while still in state 0, the pool's code kept for one
 * update), or not at all when the queue is full (WORK_RECORDED: told so,
 * left in state 0; the customer's next message tries again). Fills h.
 */
static enum work_rc
pool_enter(struct pull *p, const char *kfid, const char *user,
    const char *msgid, const struct store_wecom_session *ws,
    const struct life_settings *ls, const struct snap *snap,
    struct assign_quote *q, struct store_wecom_handoff *h, char *code,
    size_t codelen, const char **why)
{
	const struct snap_entry	*e = q->entry;
	const struct snap_agent	*keep = NULL;
	const char		*text = q->notice;
	char			 sid[40];
	struct notice_var	 vars[2];
	unsigned		 waiting = 0, pos = 0;
	enum wecom_err		 rc;
	int64_t			 now = util_wall_ms();

	(void)snap;
	if ((ls->queue_max > 0 || ls->queue_notice_step > 0) &&
	    store_wecom_queue_len(p->store, e->id, &waiting) != STORE_OK) {
		*why = "database";
		return WORK_RETRY;
	}
	if (life_queue_full(ls, waiting)) {
		text_msgid("kfqf", msgid, sid, sizeof(sid));
		rc = work_send_text(p, kfid, user, sid, p->cfg->queue_full);
		if (wecom_transient(rc)) {
			*why = wecom_strerror(rc);
			return WORK_RETRY;
		}
		snprintf(q->reason, sizeof(q->reason), "none:queue_full");
		code[0] = '\0';
		log_info("wecom %s: queue of %s full (%u), %s told", kfid,
		    e->id, waiting, user);
		return WORK_RECORDED;
	}
	if (q->d.hold) {
		keep = q->d.agent;
		h->hold_s = ls->widen_after_s;
	} else if (q->d.reason == REASON_NONE_CLOSED && ls->leave_message) {
		/* Kept for the entry's first person, first at the opening. */
		keep = e->ndesignated > 0 ? snap_designated(snap, e, 0) : NULL;
		vars[0] = (struct notice_var){ "agent", keep != NULL ?
		    keep->name : "客服" };
		vars[1] = (struct notice_var){ "next_open", q->next_open_text };
		text = notice_render(p->arena, p->cfg->left_message, vars, 2);
		h->hold_s = (int)((life_hold_until(ls, now,
		    (int64_t)q->d.next_open * 1000) - now) / 1000);
	} else if (q->d.reason != REASON_NONE_CLOSED &&
	    life_queue_tell(ls, 0, waiting + 1))
		pos = waiting + 1;
	/* What the greeting said already is not said twice. */
	if (keep != NULL) {
		h->hold_agent = keep->id;
		h->told = keep->id;
		if (q->d.hold && ws->greeted == STORE_GREETED_HOLD &&
		    strcmp(ws->told, keep->id) == 0)
			text = NULL;
	} else if (ws->greeted == STORE_GREETED_NOBODY)
		text = NULL;
	if (pos > 0) {
		/* State 0 still: send_msg; the pool's code stays for later. */
		text = text == NULL ? work_queue_text(p, ls, snap, e, pos) :
		    notice_render(p->arena, "{a}\n{b}", (struct notice_var[]){
		    { "a", text }, { "b", work_queue_text(p, ls, snap, e, pos) } }, 2);
		text_msgid("kfqp", msgid, sid, sizeof(sid));
		rc = work_send_text(p, kfid, user, sid, text);
		if (wecom_transient(rc)) {
			*why = wecom_strerror(rc);
			return WORK_RETRY;
		}
		if (rc != WECOM_OK)
			log_info("wecom: queue position to %s not sent (%s)",
			    user, wecom_strerror(rc));
		h->queue_told = pos;
		text = NULL;
	}
	h->text = text;
	rc = work_transfer(p, kfid, user, 2, NULL, code, codelen);
	if (rc != WECOM_OK) {
		if (wecom_transient(rc)) {
			*why = wecom_strerror(rc);
			return WORK_RETRY;
		}
		log_warn("wecom: %s could not be moved to the pool (%s)", user,
		    wecom_strerror(rc));
		*why = "pool refused";
		return WORK_FAILED;
	}
	h->pooled = 1;
	return WORK_DONE;
}

/*
 * A customer's message in a new session (state 0 or 1): the handoff. The
 * session goes to the person the customer was told whenever they can
 * still take it; only otherwise does the engine choose again. With
 * nobody left it goes to the waiting pool (state 2) and the customer is
 * told why. What was done is recorded with the session before anything
 * else, so a repeat finishes the same handoff instead of doing another.
 */
static enum work_rc
customer_message(struct pull *p, const char *kfid, const char *user,
    const char *msgid, const char **why)
{
	char			 code[129], servicer[65];
	struct store_wecom_session ws;
	struct store_wecom_handoff h;
	struct decide_customer	 cbuf;
	struct assign_in	 in;
	struct assign_quote	 q;
	struct work_refused		 r;
	struct ticket		 t;
	struct life_settings	 ls;
	struct snap		*snap;
	const struct snap_agent	*a;
	enum store_rc		 src;
	enum wecom_err		 rc;
	int			 st, has_t;

	if ((src = store_wecom_session_get(p->store, kfid, user, &ws)) ==
	    STORE_NOTFOUND)
		return WORK_DONE;	/* not a session opened from our links */
	if (src != STORE_OK) {
		*why = "database";
		return WORK_RETRY;
	}
	if (strcmp(ws.handoff_msgid, msgid) == 0)	/* done before: finish */
		return finish_handoff(p, kfid, user, msgid, &ws, why);
	if ((rc = work_state(p, kfid, user, &st, servicer,
	    sizeof(servicer))) != WECOM_OK) {
		if (wecom_transient(rc)) {
			*why = wecom_strerror(rc);
			return WORK_RETRY;
		}
		return WORK_DONE;	/* no such session (any more) */
	}
	/* With a person, and no assignment on record: a lost answer. */
	if (st == 3 && ws.handoff_msgid[0] == '\0' && ws.assigned_ms == 0 &&
	    servicer[0] != '\0')
		return recover_handoff(p, kfid, user, msgid, &ws, servicer, why);
	if (st != 0 && st != 1)
		return WORK_DONE;	/* with someone, waiting, or ended */
	/*
	 * Writing again after a chat with a person ended without an event:
	 * that chat is closed (its leg, the person's load) before this one.
	 */
	if (ws.assigned_ms != 0 && !ws.ended && !ws.pooled) {
		if (store_wecom_session_ended(p->store, kfid, user) !=
		    STORE_OK || store_wecom_unload(p->store, ws.agent) ==
		    STORE_ERR) {
			*why = "database";
			return WORK_RETRY;
		}
		ws.greeted = STORE_GREETED_NOT;
		ws.told[0] = '\0';
	}
	has_t = ws.ticket[0] != '\0' && ticket_read(p->cfg->ticket.secret,
	    ws.ticket, strlen(ws.ticket), time(NULL), p->cfg->ticket.max_age,
	    &t) == 0;
	if (work_session_in(p, ws.entry, has_t ? &t : NULL, user, ws.told, &cbuf,
	    &in, &snap) == -1) {
		*why = "entry unknown here (yet)";
		return WORK_RETRY;
	}
	memset(&r, 0, sizeof(r));
	r.snap = snap;
	if (work_refusals(p, kfid, &r) == -1) {
		cache_release(p->cache);
		*why = "database";
		return WORK_RETRY;
	}
	rc = work_move_to_person(p, kfid, user, &in, &r, &q, code, sizeof(code));
	if (rc != WECOM_OK && wecom_transient(rc)) {
		cache_release(p->cache);
		*why = wecom_strerror(rc);
		return WORK_RETRY;	/* nothing moved: safe to do again */
	}
	memset(&h, 0, sizeof(h));
	h.msgid = msgid;
	life_settings(p->cfg, in.entry, &ls);
	if (rc == WECOM_OK && (a = q.d.agent) != NULL && !q.d.hold) {
		h.agent = a->id;
		h.text = handoff_message(p, snap, ws.told, a);
		h.fallback = q.d.fallback || r.n > 0;
		h.via = "handoff";
		h.due_s = life_due_s(&ls);
		snprintf(ws.agent, sizeof(ws.agent), "%s", a->id);
		ws.pooled = 0;
	} else {
		if (rc != WECOM_OK && q.d.agent != NULL) {
			/* WeCom failed, not about the person: busy. */
			q.d.agent = NULL;
			q.d.hold = 0;
			q.notice = p->cfg->notice[NOTICE_BUSY];
			snprintf(q.reason, sizeof(q.reason), "none:wecom");
		}
		ws.agent[0] = '\0';
		switch (pool_enter(p, kfid, user, msgid, &ws, &ls, snap, &q, &h,
		    code, sizeof(code), why)) {
		case WORK_DONE:
			break;
		case WORK_RECORDED:	/* queue full: told, not pooled */
			h.pooled = 0;
			break;
		case WORK_RETRY:
			cache_release(p->cache);
			return WORK_RETRY;
		default:		/* the pool refused: nothing moved */
			cache_release(p->cache);
			return WORK_DONE;
		}
		ws.pooled = h.pooled;
	}
	h.code = code;
	h.reason = q.reason;
	snprintf(ws.handoff_reason, sizeof(ws.handoff_reason), "%s", q.reason);
	snprintf(ws.handoff_code, sizeof(ws.handoff_code), "%s", code);
	snprintf(ws.handoff_text, sizeof(ws.handoff_text), "%s",
	    h.text != NULL ? h.text : "");
	ws.handoff_fallback = h.fallback;
	/*
	 * Recorded while the snapshot is held (h points into it; plain CGI
	 * frees it on release), the load counted once it is: a retry after
	 * a failure here recovers the handoff and counts it then.
	 */
	src = store_wecom_session_handoff(p->store, kfid, user, &h);
	if (src == STORE_OK && h.agent != NULL && !h.pooled)
		work_load(p, q.d.agent->wecom_userid, +1);
	cache_release(p->cache);
	if (src != STORE_OK) {
		/* WeCom moved it; the next try sees the state and stops. */
		log_warn("wecom: the handoff of %s was not recorded (database)",
		    user);
		*why = "database";
		return WORK_RETRY;
	}
	return finish_handoff(p, kfid, user, msgid, &ws, why);
}

/* ---- the pool ------------------------------------------------------------- */

struct pooled {
	struct store_wecom_pooled r[POOL_BATCH];
	char		 user[POOL_BATCH][65];
	char		 entry[POOL_BATCH][65];
	char		 hold[POOL_BATCH][65];
	char		 told[POOL_BATCH][65];
	size_t		 n;
};

static void
collect_pooled(void *arg, const struct store_wecom_pooled *r)
{
	struct pooled	*pl = arg;
	size_t		 i = pl->n;

	if (i == POOL_BATCH)
		return;
	pl->r[i] = *r;
	snprintf(pl->user[i], sizeof(pl->user[0]), "%s", r->external_userid);
	snprintf(pl->entry[i], sizeof(pl->entry[0]), "%s", r->entry);
	snprintf(pl->hold[i], sizeof(pl->hold[0]), "%s",
	    r->hold_agent != NULL ? r->hold_agent : "");
	snprintf(pl->told[i], sizeof(pl->told[0]), "%s",
	    r->told != NULL ? r->told : "");
	pl->r[i].external_userid = pl->user[i];
	pl->r[i].entry = pl->entry[i];
	pl->r[i].hold_agent = r->hold_agent != NULL ? pl->hold[i] : NULL;
	pl->r[i].told = pl->told[i];
	pl->n++;
}

enum unpool_rc {
	UNPOOL_MOVED,
	UNPOOL_NOBODY,	/* nobody of the entry can take a chat now */
	UNPOOL_WAIT,	/* this one waits (held, or WeCom could not say) */
	UNPOOL_GONE,	/* it left the pool in WeCom: recorded */
};

/*
 * Left the pool in WeCom, not by kfroute: taken by hand (3) or ended
 * (4). Recorded so it is neither offered again nor counted as waiting.
 */
static void
left_pool(struct pull *p, const struct snap *snap, const char *kfid,
    const char *user, int st, const char *servicer)
{
	const struct snap_agent	*a = st == 3 ?
	    work_agent_by_userid(snap, servicer) : NULL;
	struct store_wecom_move	 m = { NULL, "transferred", NULL, "manual",
	    NULL, LIFE_DUE_NONE, 0, NULL, NULL };

	if (a != NULL) {
		m.agent = a->id;
		store_wecom_session_move(p->store, kfid, user, &m);
	} else if (st >= 0)	/* ended, or back to new: not waiting here */
		store_wecom_session_ended(p->store, kfid, user);
}

/* Is entry in this worker's snapshot (no reload forced)? */
static int
entry_known(struct pull *p, const char *entry)
{
	const struct cache_want	 want = { CACHE_WANT_ENTRY, entry,
	    p->cfg->routing.fallback_group, NULL };
	struct snap		*snap;
	int			 known;

	if ((snap = cache_get(p->cache, util_now_ms(), &want)) == NULL)
		return 0;
	known = snap_entry(snap, entry) != NULL;
	cache_release(p->cache);
	return known;
}

/*
 * One pooled session to whoever can take it now. Held for a person (and
 * the hold not over): to them only, nothing said (they were named, and
 * the code is kept for a re-route's message). The hold over: on along
 * the entry's order (widen), the customer told who takes over from whom.
 * Otherwise: whoever can, told by name.
 */
static enum unpool_rc
unpool(struct pull *p, const char *kfid, const struct store_wecom_pooled *pr)
{
	char			 code[129], servicer[65];
	const char		*user = pr->external_userid;
	struct store_wecom_handoff h;
	struct decide_customer	 cbuf;
	struct life_settings	 ls;
	struct assign_in	 in;
	struct assign_quote	 q;
	struct assign_commit	 c;
	struct work_refused	 r;
	struct snap		*snap;
	const struct snap_agent	*a;
	struct notice_var	 vars[2];
	int			 st = -1, held;

	held = pr->hold_agent != NULL &&
	    life_held(pr->hold_until_ms, util_wall_ms());
	/*
	 * An entry deleted while customers wait: they stay in WeCom's pool
	 * for people to take by hand; not asked again and again (each time
	 * would reload the snapshot).
	 */
	if (!entry_known(p, pr->entry))
		return UNPOOL_NOBODY;
	if (work_session_in(p, pr->entry, NULL, user,
	    held ? pr->hold_agent : NULL, &cbuf, &in, &snap) == -1)
		return UNPOOL_WAIT;
	in.no_hold = 1;		/* in the pool, the wait was decided */
	memset(&r, 0, sizeof(r));
	r.snap = snap;
	in.exclude = r.exclude;
	assign_quote(&in, &q);
	if (held && !q.kept) {		/* their person is still busy */
		cache_release(p->cache);
		return UNPOOL_WAIT;
	}
	if (q.d.agent == NULL) {	/* still nobody for this entry */
		cache_release(p->cache);
		return UNPOOL_NOBODY;
	}
	if (work_state(p, kfid, user, &st, servicer, sizeof(servicer)) !=
	    WECOM_OK || st != 2) {
		left_pool(p, snap, kfid, user, st, servicer);
		cache_release(p->cache);
		return st >= 0 ? UNPOOL_GONE : UNPOOL_WAIT;
	}
	if (work_refusals(p, kfid, &r) == -1 || work_move_to_person(p, kfid,
	    user, &in, &r, &q, code, sizeof(code)) != WECOM_OK ||
	    (a = q.d.agent) == NULL) {
		cache_release(p->cache);
		return UNPOOL_WAIT;
	}
	life_settings(p->cfg, in.entry, &ls);
	memset(&h, 0, sizeof(h));
	h.msgid = "";
	h.agent = a->id;
	h.reason = q.reason;
	h.code = code;
	h.told = a->id;
	h.due_s = life_due_s(&ls);
	vars[0] = (struct notice_var){ "agent", a->name };
	if (pr->hold_agent != NULL && strcmp(pr->hold_agent, a->id) == 0) {
		h.via = "hold";
		h.text = NULL;
	} else if (pr->hold_agent != NULL) {
		h.via = "widen";
		a = snap_agent(snap, pr->hold_agent);
		vars[1] = (struct notice_var){ "promised", a != NULL ? a->name :
		    pr->hold_agent };
		h.text = notice_render(p->arena, p->cfg->reassigned, vars, 2);
		a = q.d.agent;
	} else {
		h.via = "pool";
		h.text = notice_render(p->arena,
		    p->cfg->notice[NOTICE_CONNECTED], vars, 1);
	}
	work_load(p, a->wecom_userid, +1);
	if (store_wecom_session_handoff(p->store, kfid, user, &h) != STORE_OK)
		log_warn("wecom: taking %s from the pool was not recorded", user);
	memset(&c, 0, sizeof(c));
	c.event = ASSIGN_HANDOFF;
	c.ttype = TARGET_WECOM_KF;
	c.entry = pr->entry;
	c.agent = a->id;
	c.reason = q.reason;
	c.fallback = q.d.fallback || strcmp(h.via, "widen") == 0;
	c.customer2 = user;
	c.at = time(NULL);
	if (assign_commit(p->store, snap, &c) == ASSIGN_DB)
		log_warn("wecom: taking %s from the pool was not committed",
		    user);
	log_info("wecom %s: %s taken from the pool by %s (%s)", kfid, user,
	    a->id, h.via);
	cache_release(p->cache);
	if (code[0] != '\0' && h.text != NULL) {
		if (work_send_code(p, code, h.text) == WECOM_OK)
			store_wecom_session_code_spent(p->store, kfid, user);
	} else if (code[0] != '\0')
		store_wecom_session_code_keep(p->store, kfid, user);
	return UNPOOL_MOVED;
}

/*
 * A customer still waiting at position pos: told again when it moved by
 * the entry's step, with the one code the pool move gave.
 */
static void
queue_update(struct pull *p, const char *kfid,
    const struct store_wecom_pooled *pr, unsigned pos)
{
	const struct cache_want	 want = { CACHE_WANT_ENTRY, pr->entry,
	    p->cfg->routing.fallback_group, NULL };
	struct store_wecom_session ws;
	struct life_settings	 ls;
	const struct snap_entry	*e;
	struct snap		*snap;
	const char		*text;
	char			 servicer[65];
	int			 st = -1;

	if (!pr->pool_code || pr->hold_agent != NULL)
		return;
	if ((snap = cache_get(p->cache, util_now_ms(), &want)) == NULL)
		return;
	if ((e = snap_entry(snap, pr->entry)) == NULL) {
		cache_release(p->cache);
		return;
	}
	life_settings(p->cfg, e, &ls);
	if (pr->queue_told == 0 || !life_queue_tell(&ls, pr->queue_told,
	    pos)) {
		cache_release(p->cache);
		return;
	}
	text = work_queue_text(p, &ls, snap, e, pos);
	if (store_wecom_session_get(p->store, kfid, pr->external_userid,
	    &ws) != STORE_OK || ws.pool_code[0] == '\0') {
		cache_release(p->cache);
		return;
	}
	/* The pool's code is good only in the pool: still there? */
	if (work_state(p, kfid, pr->external_userid, &st, servicer,
	    sizeof(servicer)) != WECOM_OK || st != 2) {
		if (st >= 0)
			left_pool(p, snap, kfid, pr->external_userid, st,
			    servicer);
		cache_release(p->cache);
		return;
	}
	cache_release(p->cache);
	if (work_send_code(p, ws.pool_code, text) != WECOM_OK)
		log_info("wecom: queue update to %s not sent",
		    pr->external_userid);
	store_wecom_session_told(p->store, kfid, pr->external_userid, pos, 1);
}

int
work_pool(struct pull *p, const char *open_kfid)
{
	struct pooled	*pl;
	char		 lock[96], nobody[POOL_BATCH][65];
	unsigned	 ahead[POOL_BATCH];	/* waiting before, by entry */
	size_t		 i, k, nn = 0, ne;
	int		 moved = 0, skip;

	/* One pool pass per account anywhere: a session is moved once. */
	snprintf(lock, sizeof(lock), "kfroute.pool.%.48s", open_kfid);
	if (store_lock(p->store, lock, 0) != STORE_OK)
		return 0;
	pl = xcalloc(1, sizeof(*pl));
	if (store_wecom_pooled(p->store, open_kfid, POOL_BATCH, collect_pooled,
	    pl) != STORE_OK) {
		free(pl);
		store_unlock(p->store, lock);
		return -1;
	}
	for (i = 0; i < pl->n; i++) {
		/* Its position: those of its entry still waiting before it. */
		for (ne = 0, k = 0; k < i; k++)
			ne += strcmp(pl->entry[k], pl->entry[i]) == 0 &&
			    ahead[k] != (unsigned)-1;
		ahead[i] = (unsigned)ne;
		/*
		 * An entry nobody could take just now is not asked again;
		 * a held chat is (its person may be outside the entry's
		 * order: the account manager, the last agent).
		 */
		for (k = 0, skip = 0; k < nn && !skip &&
		    pl->r[i].hold_agent == NULL; k++)
			skip = strcmp(nobody[k], pl->entry[i]) == 0;
		switch (skip ? UNPOOL_NOBODY : unpool(p, open_kfid, &pl->r[i])) {
		case UNPOOL_MOVED:
			ahead[i] = (unsigned)-1;	/* gone */
			moved++;
			break;
		case UNPOOL_GONE:
			ahead[i] = (unsigned)-1;
			break;
		case UNPOOL_NOBODY:
			if (!skip && nn < POOL_BATCH)
				snprintf(nobody[nn++], sizeof(nobody[0]), "%s",
				    pl->entry[i]);
			/* FALLTHROUGH */
		case UNPOOL_WAIT:
			queue_update(p, open_kfid, &pl->r[i], ahead[i] + 1);
			break;
		}
		arena_reset(p->arena);
	}
	free(pl);
	store_unlock(p->store, lock);
	return moved;
}

/* ---- dispatch --------------------------------------------------------------- */

enum work_rc
work_message(struct pull *p, const char *open_kfid, const char *msgid,
    struct json_object *m, const char **why)
{
	const char		*type = jsonin_str(m, "msgtype");
	const char		*user = jsonin_str(m, "external_userid");
	const char		*etype;
	struct json_object	*ev;

	if (type == NULL)
		return WORK_DONE;
	if (strcmp(type, "event") == 0) {
		if (!json_object_object_get_ex(m, "event", &ev) ||
		    (etype = jsonin_str(ev, "event_type")) == NULL)
			return WORK_DONE;
		if (strcmp(etype, "enter_session") == 0)
			return enter_session(p, open_kfid, ev, why);
		if (strcmp(etype, "servicer_status_change") == 0)
			return servicer_status(p, open_kfid, ev, why);
		if (strcmp(etype, "session_status_change") == 0)
			return session_status(p, open_kfid, msgid, ev, why);
		return WORK_DONE;
	}
	if (user == NULL || !util_id_valid(user, strlen(user)))
		return WORK_DONE;
	/* A customer's own message (origin 3) may start the handoff. */
	if (jsonin_int(m, "origin", 0) == 3)
		return customer_message(p, open_kfid, user, msgid, why);
	/* A servicer's (5) may be their first reply. */
	if (jsonin_int(m, "origin", 0) == 5)
		return lifework_reply(p, open_kfid, m, why);
	return WORK_DONE;
}
