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
#include "store.h"
#include "store_wecom.h"
#include "util.h"
#include "wecom.h"
#include "work_int.h"

#define WATCH_BATCH	50
/* Nobody else could take a chat: look again this much later (s). */
#define WATCH_AGAIN_S	30
/* WeCom failed or said something unexpected: sooner. */
#define WECOM_AGAIN_S	5

/* ---- events ------------------------------------------------------------- */

enum work_rc
lifework_reply(struct pull *p, const char *kfid, struct json_object *m,
    const char **why)
{
	const char	*user = jsonin_str(m, "external_userid");
	const char	*servicer = jsonin_str(m, "servicer_userid");
	long long	 at = jsonin_int(m, "send_time", 0);

	if (user == NULL || servicer == NULL || *servicer == '\0')
		return WORK_DONE;
	if (at <= 0)
		at = (long long)time(NULL);
	if (store_wecom_session_reply(p->store, kfid, user, servicer, at) ==
	    STORE_ERR) {
		*why = "database";
		return WORK_RETRY;
	}
	return WORK_DONE;
}

enum work_rc
lifework_changed(struct pull *p, const char *kfid, const char *user,
    int type, const char *old, const char *new, const char **why)
{
	struct store_wecom_session	 ws;
	struct store_wecom_move		 m = { NULL, "transferred", NULL,
	    "manual", NULL, LIFE_DUE_NONE, 0, NULL, NULL };
	char				 from[65] = "", to[65] = "";
	enum store_rc			 rc;

	if (user == NULL)
		return WORK_DONE;
	if (type == 3)
		rc = store_wecom_session_ended(p->store, kfid, user);
	else if (type != 1 && type != 2)
		return WORK_DONE;
	else {
		/* Someone took or moved the chat in WeCom: their leg now. */
		if ((rc = store_wecom_session_get(p->store, kfid, user, &ws)) !=
		    STORE_OK)
			return rc == STORE_ERR ? (*why = "database",
			    WORK_RETRY) : WORK_DONE;
		if (new == NULL || store_wecom_agent_of(p->store, new, to,
		    sizeof(to)) != STORE_OK)
			return WORK_DONE;	/* no kfroute agent */
		if (type == 2 && (old == NULL || store_wecom_agent_of(p->store,
		    old, from, sizeof(from)) != STORE_OK ||
		    strcmp(ws.agent, from) != 0))
			return WORK_DONE;	/* recorded before, or not ours */
		if (type == 1 && !ws.pooled)
			return WORK_DONE;
		m.from = type == 2 ? from : NULL;
		m.agent = to;
		m.told = to;
		rc = store_wecom_session_move(p->store, kfid, user, &m);
	}
	if (rc == STORE_ERR) {
		*why = "database";
		return WORK_RETRY;
	}
	return WORK_DONE;
}

/* ---- the timers --------------------------------------------------------- */

struct watched {
	char		 kfid[WATCH_BATCH][65];
	char		 user[WATCH_BATCH][65];
	char		 entry[WATCH_BATCH][65];
	char		 agent[WATCH_BATCH][65];
	int64_t		 assigned_ms[WATCH_BATCH];
	int		 offline[WATCH_BATCH];
	size_t		 n;
};

static void
collect_watched(void *arg, const struct store_wecom_watched *w)
{
	struct watched	*l = arg;
	size_t		 i = l->n;

	if (i == WATCH_BATCH)
		return;
	snprintf(l->kfid[i], sizeof(l->kfid[0]), "%s", w->open_kfid);
	snprintf(l->user[i], sizeof(l->user[0]), "%s", w->external_userid);
	snprintf(l->entry[i], sizeof(l->entry[0]), "%s", w->entry);
	snprintf(l->agent[i], sizeof(l->agent[0]), "%s", w->agent);
	l->assigned_ms[i] = w->assigned_ms;
	l->offline[i] = w->offline;
	l->n++;
}

/* The person missed a chat: counted, and busy after too many in a row. */
static void
missed(struct pull *p, const struct life_settings *ls,
    const struct snap_agent *a)
{
	unsigned	 misses;

	if (store_wecom_missed(p->store, a->id, &misses) != STORE_OK)
		return;
	if (!life_busy_after(ls, misses) || a->wecom_userid == NULL)
		return;
	if (store_wecom_presence(p->store, a->wecom_userid, AGENT_BUSY) ==
	    STORE_OK) {
		work_local_presence(p, a->wecom_userid, AGENT_BUSY);
		log_info("wecom: %s missed %u chats in a row, marked busy "
		    "(online again: the page or kfctl agent status)", a->id,
		    misses);
	}
}

/*
 * The chat went from `from` to `to`: recorded with its legs and loads in
 * one transaction, the miss counted, the commit made (it moves the turn
 * and sticky; a re-route is no new handoff in the counts). told: the
 * customer was told by name.
 */
static void
record_move(struct pull *p, const struct life_settings *ls,
    struct watched *l, size_t i, enum life_act act,
    const struct snap_agent *from, const struct snap_agent *to,
    const char *reason, int told)
{
	struct store_wecom_move	 m;
	struct assign_commit	 c;

	memset(&m, 0, sizeof(m));
	m.from = from->id;
	m.end_reason = act == LIFE_REROUTE ? "missed" : "taken_back";
	m.agent = to->id;
	m.via = act == LIFE_REROUTE ? "reroute" : "take_back";
	m.told = told ? to->id : NULL;
	m.due_s = life_due_s(ls);
	m.code_spent = 1;	/* taken with the intent */
	m.from_userid = from->wecom_userid;
	m.to_userid = to->wecom_userid;
	if (store_wecom_session_move(p->store, l->kfid[i], l->user[i], &m) !=
	    STORE_OK) {
		log_warn("wecom: the move of %s from %s to %s was not recorded "
		    "(finished on the next pass)", l->user[i], from->id, to->id);
		return;
	}
	work_local_load(p, from->wecom_userid, -1);
	work_local_load(p, to->wecom_userid, +1);
	if (act == LIFE_REROUTE)
		missed(p, ls, from);
	memset(&c, 0, sizeof(c));
	c.event = ASSIGN_MOVE;
	c.ttype = TARGET_WECOM_KF;
	c.entry = l->entry[i];
	c.agent = to->id;
	c.reason = reason;
	c.fallback = 1;
	c.customer2 = l->user[i];
	c.at = time(NULL);
	if (assign_commit(p->store, p->cache->mode == CACHE_SNAPSHOT ?
	    p->cache->snap : NULL, &c) == ASSIGN_DB)
		log_warn("wecom: the move of %s was not committed", l->user[i]);
	log_info("wecom %s: %s moved from %s to %s (%s)", l->kfid[i],
	    l->user[i], from->id, to->id, m.via);
}

/*
 * Tell the customer who takes over from whom, with the code kept from the
 * first move to a person (a 3 -> 3 move gives none). 1 when told.
 */
static int
tell(struct pull *p, const char *kfid, const char *user, enum life_act act,
    const struct snap_agent *from, const struct snap_agent *to)
{
	struct store_wecom_session ws;
	struct notice_var	 vars[2];
	enum wecom_err		 rc;

	if (store_wecom_session_get(p->store, kfid, user, &ws) != STORE_OK ||
	    ws.person_code[0] == '\0') {
		log_info("wecom: %s not told of the move: no code left "
		    "(WeCom allows one message per move)", user);
		return 0;
	}
	vars[0] = (struct notice_var){ "promised", from->name };
	vars[1] = (struct notice_var){ "agent", to->name };
	rc = work_send_code(p, ws.person_code, notice_render(p->arena,
	    act == LIFE_REROUTE ? p->cfg->rerouted : p->cfg->taken_back,
	    vars, 2));
	if (rc != WECOM_OK)
		log_info("wecom: %s not told of the move (%s)", user,
		    wecom_strerror(rc));
	return rc == WECOM_OK;
}

/*
 * WeCom says the chat is not with the person kfroute gave it. A move of
 * ours under way (the intent was recorded, then the worker stopped) is
 * finished as that move; otherwise it ended, or someone moved it by hand:
 * recorded, nothing else done (WeCom's event brings the load).
 */
static void
not_theirs(struct pull *p, const struct snap *snap,
    const struct life_settings *ls, struct watched *l, size_t i,
    const struct snap_agent *from, const char *why, int st,
    const char *servicer)
{
	const struct snap_agent	*a = st == 3 ?
	    work_agent_by_userid(snap, servicer) : NULL;
	struct store_wecom_move	 m = { NULL, "transferred", NULL, "manual",
	    NULL, LIFE_DUE_NONE, 0, NULL, NULL };
	const char		*kfid = l->kfid[i], *user = l->user[i];
	enum life_act		 act;

	if (a != NULL && *why != '\0' && from != NULL) {
		act = strcmp(why, "take_back") == 0 ? LIFE_TAKE_BACK :
		    LIFE_REROUTE;
		record_move(p, ls, l, i, act, from, a, why,
		    tell(p, kfid, user, act, from, a));
		return;
	}
	if (a != NULL) {
		m.from = from != NULL ? from->id : NULL;
		m.agent = a->id;
		m.told = a->id;
		store_wecom_session_move(p->store, kfid, user, &m);
	} else if (st == 3 || st == 4)
		store_wecom_session_ended(p->store, kfid, user);
	else	/* back to 0/1/2: the next handoff decides */
		store_wecom_session_due(p->store, kfid, user, LIFE_DUE_NONE);
}

/* Each person the chat already went from unanswered: not again. */
static void
collect_missed(void *arg, const char *agent_id)
{
	work_refuse(arg, agent_id);
}

/*
 * Nobody can take the chat over: is that only because those who could
 * already had it unanswered? Asked again without them excluded (the
 * leaving person and the refused stay out): someone of them answers.
 */
static int
only_missed(struct assign_in *in, struct work_refused *r, int tried, int had)
{
	const char		*ex[EXCLUDE_MAX];
	struct assign_quote	 q;
	size_t			 i, n = 0, k;
	int			 missed = 0;

	for (i = 0; i < r->n; i++)
		if ((int)i < tried || (int)i >= tried + had)
			ex[n++] = r->exclude[i];
	in->exclude = ex;
	in->nexclude = n;
	assign_quote(in, &q);
	for (k = (size_t)tried; q.d.agent != NULL && k < (size_t)(tried + had);
	    k++)
		missed |= strcmp(q.d.agent->id, r->exclude[k]) == 0;
	in->exclude = r->exclude;
	in->nexclude = r->n;
	return missed;
}

/*
 * One chat whose time may have come (see life_watch): checked against
 * WeCom, the move recorded as intended, moved to the next person (3 -> 3,
 * which gives no code; nobody it went from unanswered before), the
 * customer told with the code kept from the first move to the person,
 * then recorded. Returns 1 when it moved.
 */
static int
watch_one(struct pull *p, struct watched *l, size_t i)
{
	char			 code[129], servicer[65];
	const char		*kfid = l->kfid[i], *user = l->user[i];
	struct store_wecom_session ws;
	struct decide_customer	 cbuf;
	struct life_settings	 ls;
	struct life_watch	 lw = { l->assigned_ms[i], 0, l->offline[i] };
	struct assign_in	 in;
	struct assign_quote	 q;
	struct work_refused	 r;
	struct snap		*snap;
	const struct snap_agent	*from, *to;
	const char		*why;
	enum life_act		 act;
	enum wecom_err		 rc;
	int64_t			 left;
	int			 st, due, tried, had;

	if (work_session_in(p, l->entry[i], NULL, user, NULL, &cbuf, &in,
	    &snap) == -1)
		return 0;
	life_settings(p->cfg, in.entry, &ls);
	from = snap_agent(snap, l->agent[i]);
	if (store_wecom_session_get(p->store, kfid, user, &ws) != STORE_OK) {
		cache_release(p->cache);
		return 0;
	}
	act = ws.move_why[0] != '\0' ? (strcmp(ws.move_why, "take_back") ==
	    0 ? LIFE_TAKE_BACK : LIFE_REROUTE) :
	    life_watch(&ls, &lw, util_wall_ms());
	if (act == LIFE_KEEP || from == NULL) {
		/* Not yet, or the settings changed since: as they say now. */
		due = from == NULL ? LIFE_DUE_NONE : life_due_s(&ls);
		if (due >= 0) {
			left = l->assigned_ms[i] + (int64_t)due * 1000 -
			    util_wall_ms();
			due = left > 0 ? (int)(left / 1000) + 1 : 1;
		}
		store_wecom_session_due(p->store, kfid, user, due);
		cache_release(p->cache);
		return 0;
	}
	rc = work_state(p, kfid, user, &st, servicer, sizeof(servicer));
	if (rc != WECOM_OK) {
		/* Only "no such session" says it ended; else look later. */
		if (work_no_session(p, rc))
			store_wecom_session_ended(p->store, kfid, user);
		else
			store_wecom_session_retry(p->store, kfid, user,
			    WECOM_AGAIN_S);
		cache_release(p->cache);
		return 0;
	}
	if (st != 3 || from->wecom_userid == NULL ||
	    strcmp(servicer, from->wecom_userid) != 0) {
		not_theirs(p, snap, &ls, l, i, from, ws.move_why, st, servicer);
		cache_release(p->cache);
		return 0;
	}
	/*
	 * Still with from: a move recorded as intended never happened. Is it
	 * still due (the person may be back, or have answered)?
	 */
	if (ws.move_why[0] != '\0' &&
	    (act = life_watch(&ls, &lw, util_wall_ms())) == LIFE_KEEP) {
		store_wecom_session_intent(p->store, kfid, user, from->id, NULL);
		store_wecom_session_due(p->store, kfid, user, life_due_s(&ls) < 0 ?
		    life_due_s(&ls) : WATCH_AGAIN_S);
		cache_release(p->cache);
		return 0;
	}
	memset(&r, 0, sizeof(r));
	r.snap = snap;
	work_refuse(&r, from->id);
	tried = (int)r.n;
	if (store_wecom_session_missed_by(p->store, kfid, user,
	    collect_missed, &r) != STORE_OK) {
		cache_release(p->cache);
		return 0;
	}
	had = (int)r.n - tried;		/* people it went from unanswered */
	if (work_refusals(p, kfid, &r) == -1) {
		cache_release(p->cache);
		return 0;
	}
	in.no_hold = 1;
	in.exclude = r.exclude;
	in.nexclude = r.n;
	assign_quote(&in, &q);
	if (q.d.agent == NULL) {
		/*
		 * Nobody else now: it stays, looked at again later. When the
		 * only one who could take it already had it unanswered, the
		 * re-route timer stops (going offline still counts).
		 */
		log_info("wecom %s: nobody to take %s over from %s", kfid, user,
		    from->id);
		if (had > 0 && only_missed(&in, &r, tried, had))
			store_wecom_session_due(p->store, kfid, user,
			    ls.take_back ? LIFE_DUE_OFFLINE : LIFE_DUE_NONE);
		else
			store_wecom_session_retry(p->store, kfid, user,
			    WATCH_AGAIN_S);
		cache_release(p->cache);
		return 0;
	}
	/* The intent first: a crash after WeCom's move finishes it. */
	why = act == LIFE_REROUTE ? "reroute" : "take_back";
	if (ws.move_why[0] == '\0' && store_wecom_session_intent(p->store,
	    kfid, user, from->id, why) != STORE_OK) {
		cache_release(p->cache);
		return 0;
	}
	rc = work_move_to_person(p, kfid, user, &in, &r, &q, code,
	    sizeof(code));
	if (rc != WECOM_OK || (to = q.d.agent) == NULL) {
		store_wecom_session_retry(p->store, kfid, user, rc == WECOM_OK ?
		    WATCH_AGAIN_S : WECOM_AGAIN_S);
		cache_release(p->cache);
		return 0;
	}
	record_move(p, &ls, l, i, act, from, to, q.reason,
	    tell(p, kfid, user, act, from, to));
	cache_release(p->cache);
	return 1;
}

int
lifework_watch(struct pull *p)
{
	struct watched	*l;
	size_t		 i;
	int		 moved = 0;

	/* One pass anywhere: a chat is moved once. */
	if (store_lock(p->store, "kfroute.watch", 0) != STORE_OK)
		return 0;
	l = xcalloc(1, sizeof(*l));
	if (store_wecom_watch_due(p->store, p->cfg->lifecycle.take_back,
	    WATCH_BATCH, collect_watched, l) != STORE_OK) {
		free(l);
		store_unlock(p->store, "kfroute.watch");
		return -1;
	}
	for (i = 0; i < l->n; i++) {
		moved += watch_one(p, l, i);
		arena_reset(p->arena);
	}
	free(l);
	store_unlock(p->store, "kfroute.watch");
	return moved;
}
