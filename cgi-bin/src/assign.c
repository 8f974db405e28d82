#include <stdio.h>
#include <string.h>

#include "assign.h"
#include "cfg.h"
#include "life.h"
#include "log.h"
#include "notice.h"
#include "snap.h"
#include "store.h"
#include "tz.h"
#include "util.h"

/* A commit's once-only claim outlives its ticket by this much. */
#define CLAIM_MARGIN_S	3600
/* Old claims are purged this often (ms), outside any request. */
#define PURGE_EVERY_MS	(10 * 60 * 1000)

/* The engine's input for this quote: the one place it is put together. */
static void
engine_input(const struct assign_in *a, struct decide_input *in)
{
	const struct cfg	*cfg = a->cfg;

	memset(in, 0, sizeof(*in));
	in->snap = a->snap;
	in->entry = a->entry;
	in->customer = a->customer;
	in->global_group = cfg->routing.fallback_group != NULL ?
	    snap_group(a->snap, cfg->routing.fallback_group) : NULL;
	in->global_strategy = cfg->routing.fallback_strategy;
	in->default_tz = cfg->routing.timezone;
	in->now = a->now;
	in->random = a->random;
	in->localtime = tz_local;
	in->trace = a->trace;
	in->exclude = a->exclude;
	in->nexclude = a->nexclude;
	/* Only WeCom has a pool to wait in: a page entry never holds. */
	if (!a->no_hold && a->entry->ttype == TARGET_WECOM_KF) {
		struct life_settings	 ls;

		life_settings(cfg, a->entry, &ls);
		in->hold = ls.widen_after_s > 0;
	}
}

/*
 * The promised person, when they can still take the chat: the decision is
 * theirs, with the promise's reason (the ticket's, else "designated" for
 * a designated person, else "sticky": the customer was told this person).
 */
static int
keep_promise(const struct assign_in *a, const struct decide_input *in,
    struct decide_result *d)
{
	const struct snap_agent	*ag;
	const struct ticket	*t = a->promise;
	int			 designated;

	if (a->promised == NULL || *a->promised == '\0' ||
	    (ag = snap_agent(a->snap, a->promised)) == NULL)
		return 0;
	designated = decide_is_designated(a->snap, a->entry, ag);
	if (decide_availability(in, ag, designated) != VERDICT_AVAILABLE ||
	    !sched_open_at(a->entry->conf->schedule, a->now, tz_local))
		return 0;
	memset(d, 0, sizeof(*d));
	d->agent = ag;
	d->next_open = -1;
	d->designated_verdict = VERDICT_AVAILABLE;
	d->notice = NOTICE_CONNECTED;
	d->reason = designated ? REASON_DESIGNATED : REASON_STICKY;
	if (t != NULL && strcmp(t->agent, ag->id) == 0 &&
	    t->reason <= REASON_GLOBAL) {
		d->reason = t->reason;
		d->fallback = t->fallback;
	}
	if (d->reason == REASON_RULE) {
		const struct snap_rule	*rules;
		size_t			 i, n;

		rules = snap_rules(a->snap, a->entry, &n);
		for (i = 0; i < n && d->rule == NULL; i++)
			if (rules[i].id == t->rule_id)
				d->rule = &rules[i];
		if (d->rule == NULL)	/* the rule is gone since */
			d->reason = designated ? REASON_DESIGNATED :
			    REASON_STICKY;
	}
	/* Group reasons need the group for their text: the entry's own. */
	if (d->reason == REASON_GROUP) {
		if ((d->group = a->entry->group) == NULL)
			d->reason = REASON_STICKY;
		d->strategy = a->entry->conf->strategy;
	} else if (d->reason == REASON_GLOBAL) {
		if ((d->group = in->global_group) == NULL)
			d->reason = REASON_STICKY;
		d->strategy = in->global_strategy;
	}
	return 1;
}

/* The quote's signed name. Without a ticket key: none ("" ticket). */
static void
sign(const struct assign_in *a, struct assign_quote *q)
{
	struct ticket	*t = &q->t;

	memset(t, 0, sizeof(*t));
	snprintf(t->entry, sizeof(t->entry), "%s", a->entry->id);
	if (q->d.agent != NULL)
		snprintf(t->agent, sizeof(t->agent), "%s", q->d.agent->id);
	if (a->customer != NULL && a->customer->key != NULL)
		snprintf(t->customer, sizeof(t->customer), "%s",
		    a->customer->key);
	t->ttype = a->entry->ttype;
	t->fallback = q->d.fallback;
	t->reason = q->d.reason;
	t->rule_id = q->d.rule != NULL ? q->d.rule->id : 0;
	t->at = a->now;
	if (ticket_make(a->cfg->ticket.secret, t, q->ticket) == -1)
		q->ticket[0] = '\0';
}

void
assign_quote(const struct assign_in *a, struct assign_quote *q)
{
	struct decide_input	 in;
	const struct snap_entry	*e = a->entry;

	memset(q, 0, sizeof(*q));
	q->entry = e;
	q->d.next_open = -1;
	engine_input(a, &in);
	if (e->ttype == TARGET_URL) {
		/* A help page is opened, not answered: nobody, no notice. */
		q->link = 1;
		q->d.reason = REASON_LINK;
		if (a->trace != NULL)
			a->trace->n = 0, a->trace->truncated = 0;
	} else if (keep_promise(a, &in, &q->d))
		q->kept = 1;
	else
		decide(&in, &q->d);
	decide_reason_text(&q->d, q->reason, sizeof(q->reason));
	if (q->d.hold) {
		struct life_settings	 ls;

		life_settings(a->cfg, e, &ls);
		q->hold_s = ls.widen_after_s;
	}
	if (q->d.next_open >= 0)
		tz_format(e->conf->schedule != NULL ? e->conf->schedule->tz :
		    a->cfg->routing.timezone, q->d.next_open, q->next_open,
		    sizeof(q->next_open), q->next_open_text,
		    sizeof(q->next_open_text));
	q->notice = q->link ? NULL :
	    notice_decision(a->arena, a->cfg, e, &q->d, q->next_open_text);
	sign(a, q);
}

void
assign_from_ticket(const struct cfg *cfg, const struct snap *snap,
    const struct ticket *t, enum assign_event ev, time_t now,
    struct assign_commit *c, char *buf, size_t len)
{
	const struct snap_entry	*e = snap != NULL ?
	    snap_entry(snap, t->entry) : NULL;

	memset(c, 0, sizeof(*c));
	switch (t->reason) {
	case REASON_RULE:
		snprintf(buf, len, "rule:%ld", t->rule_id);
		break;
	case REASON_GROUP:
		if (e != NULL && e->group != NULL)
			snprintf(buf, len, "group:%s:%s", e->group->id,
			    snap_strategy_name(e->conf->strategy));
		else
			snprintf(buf, len, "group");
		break;
	case REASON_GLOBAL:
		if (cfg->routing.fallback_group != NULL)
			snprintf(buf, len, "group:%s:%s",
			    cfg->routing.fallback_group,
			    snap_strategy_name(cfg->routing.fallback_strategy));
		else
			snprintf(buf, len, "group");
		break;
	default: {
		struct decide_result	 d;

		memset(&d, 0, sizeof(d));
		d.reason = t->reason;
		decide_reason_text(&d, buf, len);
		break;
	}
	}
	c->event = ev;
	c->ttype = t->ttype;
	c->entry = t->entry;
	c->agent = t->agent[0] != '\0' ? t->agent : NULL;
	c->reason = buf;
	c->fallback = t->fallback;
	c->customer = t->customer[0] != '\0' ? t->customer : NULL;
	c->key = t->key;
	c->at = now;
}

enum assign_rc
assign_commit(struct store *st, struct snap *local,
    const struct assign_commit *c)
{
	static int64_t		 last_ms;
	struct store_commit	 sc;
	int			 has_agent = c->agent != NULL && *c->agent;
	int			 handoff;
	enum store_rc		 rc;

	memset(&sc, 0, sizeof(sc));
	sc.key = c->key;
	sc.event = c->event == ASSIGN_TAP ? "tap" : c->event == ASSIGN_MOVE ?
	    "move" : "handoff";
	sc.at = c->at;
	/*
	 * Strictly increasing within the process: round robin goes on after
	 * the latest assignment, so two in one millisecond must still be
	 * ordered.
	 */
	sc.at_ms = util_wall_ms();
	if (sc.at_ms <= last_ms)
		sc.at_ms = last_ms + 1;
	sc.entry = c->entry;
	sc.agent = has_agent ? c->agent : "";
	sc.reason = c->reason;
	/*
	 * What happened, by where the handoff is: a page entry's tap is its
	 * handoff; a WeCom entry's comes when WeCom moves the session; a web
	 * page is a link, never a handoff.
	 */
	if (c->ttype == TARGET_URL)
		sc.link_taps = c->event == ASSIGN_TAP;
	else {
		sc.taps = c->event == ASSIGN_TAP;
		handoff = c->event != ASSIGN_TAP || c->ttype == TARGET_PAGE;
		/* A move after the handoff is no handoff of its own. */
		sc.handoffs = handoff && c->event != ASSIGN_MOVE;
		/* A fallback is someone else answering: not nobody. */
		sc.fallbacks = sc.handoffs && c->fallback && has_agent;
		if (handoff && has_agent) {
			sc.move_agent = c->agent;
			sc.sticky[0] = c->customer;
			sc.sticky[1] = c->customer2;
		}
	}
	rc = store_commit_assignment(st, &sc);
	if (rc == STORE_OK)
		last_ms = sc.at_ms;
	if (rc == STORE_DUP)
		return ASSIGN_REPEAT;
	if (rc != STORE_OK)
		return ASSIGN_DB;
	if (local != NULL && sc.move_agent != NULL &&
	    snap_assigned(local, sc.move_agent, sc.at_ms))
		snap_rotation(local);
	return ASSIGN_DONE;
}

void
assign_housekeeping(const struct cfg *cfg, struct store *st, int64_t now_ms)
{
	static int64_t	 last_ms;

	if (last_ms != 0 && now_ms - last_ms < PURGE_EVERY_MS)
		return;
	last_ms = now_ms;
	if (store_commit_purge(st, assign_claim_ttl(cfg)) != STORE_OK)
		log_info("assign: old commit claims not purged this time");
}

int
assign_claim_ttl(const struct cfg *cfg)
{
	return cfg->ticket.max_age + CLAIM_MARGIN_S;
}
