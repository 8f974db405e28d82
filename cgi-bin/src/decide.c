#include <stdio.h>
#include <string.h>

#include "decide.h"

static const char *const verdict_names[VERDICT__MAX] = {
	"chosen", "available", "disabled", "offline", "busy", "full",
	"off_shift", "unknown", "no_match", "closed", "excluded", "held",
};

const char *
decide_verdict_name(enum verdict v)
{
	return (unsigned)v < VERDICT__MAX ? verdict_names[v] : "?";
}

/* Working state of one decision. */
struct run {
	const struct decide_input	*in;
	struct decide_result		*out;
	int				 saw_full;	/* busy or full */
	/* The first preferred person skipped as busy or full. */
	const struct snap_agent		*busy;
	enum step			 busy_step;
	enum decide_reason		 busy_reason;
	const struct snap_rule		*busy_rule;
};

static void
trace(struct run *r, enum step step, const char *what, const char *agent_id,
    enum verdict v)
{
	struct decide_trace	*t = r->in->trace;
	struct decide_trace_item *it;

	if (t == NULL)
		return;
	if (t->n == DECIDE_TRACE_MAX) {
		t->truncated = 1;
		return;
	}
	it = &t->items[t->n++];
	it->step = step;
	snprintf(it->what, sizeof(it->what), "%s", what);
	it->agent_id = agent_id;
	it->verdict = v;
}

enum verdict
decide_availability(const struct decide_input *in, const struct snap_agent *a,
    int designated)
{
	size_t	 i;

	for (i = 0; i < in->nexclude; i++)
		if (strcmp(a->id, in->exclude[i]) == 0)
			return VERDICT_EXCLUDED;
	if (!a->enabled)
		return VERDICT_DISABLED;
	if (a->status == AGENT_OFFLINE)
		return VERDICT_OFFLINE;
	if (a->status == AGENT_BUSY)
		return VERDICT_BUSY;
	if (!sched_open_at(a->schedule, in->now, in->localtime))
		return VERDICT_OFF_SHIFT;
	if (a->active >= a->capacity &&
	    !(designated && in->entry->conf->over_capacity))
		return VERDICT_FULL;
	return VERDICT_AVAILABLE;
}

int
decide_is_designated(const struct snap *s, const struct snap_entry *e,
    const struct snap_agent *a)
{
	size_t	 i;

	for (i = 0; i < e->ndesignated; i++)
		if (snap_designated(s, e, i) == a)
			return 1;
	return 0;
}

/* Can a take this tap now? designated: the entry's over-capacity applies. */
static enum verdict
availability(const struct run *r, const struct snap_agent *a, int designated)
{
	return decide_availability(r->in, a, designated);
}

static void
note_unavailable(struct run *r, enum verdict v)
{
	if (v == VERDICT_BUSY || v == VERDICT_FULL)
		r->saw_full = 1;
}

static const enum decide_reason step_reason[STEP__MAX] = {
	[STEP_RULES] = REASON_RULE,
	[STEP_DESIGNATED] = REASON_DESIGNATED,
	[STEP_ACCOUNT_MANAGER] = REASON_ACCOUNT_MANAGER,
	[STEP_STICKY] = REASON_STICKY,
	[STEP_GROUP] = REASON_GROUP,
	[STEP_GLOBAL] = REASON_GLOBAL,
};

/* A preferred person (rule, designated, manager, sticky) was skipped. */
static void
skipped_preferred(struct run *r, enum step step, const struct snap_agent *a,
    enum verdict v)
{
	r->out->fallback = 1;
	if (r->out->designated == NULL) {
		r->out->designated = a;
		r->out->designated_verdict = v;
	}
	if (r->busy == NULL && (v == VERDICT_BUSY || v == VERDICT_FULL)) {
		r->busy = a;
		r->busy_step = step;
		r->busy_reason = step_reason[step];
		r->busy_rule = NULL;
	}
}

/* Try one named agent; 1 when chosen. */
static int
try_agent(struct run *r, enum step step, const char *what,
    const struct snap_agent *a, const char *id, int designated)
{
	enum verdict	 v;

	if (a == NULL) {
		trace(r, step, what, id, VERDICT_UNKNOWN);
		return 0;
	}
	if ((v = availability(r, a, designated)) == VERDICT_AVAILABLE) {
		trace(r, step, what, a->id, VERDICT_CHOSEN);
		r->out->agent = a;
		return 1;
	}
	trace(r, step, what, a->id, v);
	note_unavailable(r, v);
	skipped_preferred(r, step, a, v);
	return 0;
}

/* Is candidate x a better pick than the best so far for this strategy? */
static int
better(enum strategy st, const struct snap_agent *x,
    const struct snap_agent *best)
{
	long long	 lx, lb;

	if (best == NULL)
		return 1;
	if (st == STRAT_LEAST_BUSY) {
		/* active/capacity, compared without division */
		lx = (long long)x->active * (best->capacity > 0 ?
		    best->capacity : 1);
		lb = (long long)best->active * (x->capacity > 0 ?
		    x->capacity : 1);
		if (lx != lb)
			return lx < lb;
	}
	/* LONGEST_IDLE, and LEAST_BUSY's tie-break: idle longest first. */
	return x->last_assigned < best->last_assigned;
}

/* Pick from a group by strategy; 1 when someone was chosen. */
static int
pick_from_group(struct run *r, enum step step, const struct snap_group *g,
    enum strategy st)
{
	const struct snap_agent	*best = NULL;
	enum verdict		 v[256];
	char			 what[96];
	size_t			 i, k, n = g->nmembers, start = 0, best_i = 0;
	size_t			 navail = 0, want;

	if (n > sizeof(v) / sizeof(v[0]))
		n = sizeof(v) / sizeof(v[0]);
	snprintf(what, sizeof(what), "group:%s:%s", g->id,
	    snap_strategy_name(st));
	if (n == 0) {
		trace(r, step, what, NULL, VERDICT_UNKNOWN);
		return 0;
	}
	for (i = 0; i < n; i++) {
		v[i] = availability(r, g->members[i], 0);
		if (v[i] == VERDICT_AVAILABLE)
			navail++;
		else
			note_unavailable(r, v[i]);
	}
	if (st == STRAT_ROUND_ROBIN)
		start = g->rr_next % n;
	want = navail > 0 ? r->in->random % navail : 0;
	for (k = 0; k < n && navail > 0; k++) {
		i = (start + k) % n;
		if (v[i] != VERDICT_AVAILABLE)
			continue;
		if (st == STRAT_ORDERED || st == STRAT_ROUND_ROBIN) {
			best = g->members[i], best_i = i;
			break;
		}
		if (st == STRAT_RANDOM) {
			if (want-- == 0) {
				best = g->members[i], best_i = i;
				break;
			}
			continue;
		}
		if (better(st, g->members[i], best))
			best = g->members[i], best_i = i;
	}
	for (i = 0; i < n; i++)
		trace(r, step, what, g->members[i]->id, best != NULL &&
		    i == best_i ? VERDICT_CHOSEN : v[i]);
	if (best == NULL)
		return 0;
	r->out->agent = best;
	r->out->group = g;
	r->out->group_index = best_i;
	r->out->strategy = st;
	return 1;
}

static int
has_tag(const char *tags, const char *tag)
{
	size_t		 n = strlen(tag), len;
	const char	*p = tags;

	if (tags == NULL || n == 0)
		return 0;
	while (*p != '\0') {
		len = strcspn(p, ",");
		if (len == n && memcmp(p, tag, n) == 0)
			return 1;
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

/* Does the rule's condition hold? *agent_id gets an implicit target. */
static int
rule_matches(struct run *r, const struct snap_rule *rule,
    const char **agent_id)
{
	const struct decide_customer	*c = r->in->customer;
	const struct snap_schedule	*s = r->in->entry->conf->schedule;
	struct tm			 tm;

	*agent_id = NULL;
	switch (rule->kind) {
	case RULE_LEVEL_AT_LEAST:
		return c != NULL && c->level >= rule->level;
	case RULE_HAS_TAG:
		return c != NULL && rule->tag != NULL &&
		    has_tag(c->tags, rule->tag);
	case RULE_ORDER_AGENT:
		*agent_id = c != NULL ? c->order_agent_id : NULL;
		return *agent_id != NULL;
	case RULE_ACCOUNT_MANAGER:
		*agent_id = c != NULL ? c->manager_id : NULL;
		return *agent_id != NULL;
	case RULE_TIME_WINDOW:
		if (r->in->localtime(s != NULL ? s->tz : r->in->default_tz,
		    r->in->now, &tm) == -1)
			return 0;
		return sched_in_window(rule->win_start, rule->win_end,
		    tm.tm_hour * 60 + tm.tm_min);
	case RULE__MAX:
		break;
	}
	return 0;
}

static int
step_rules(struct run *r)
{
	const struct snap_rule	*rules, *rule;
	const char		*implicit;
	char			 what[32];
	size_t			 i, n;
	int			 chosen;

	rules = snap_rules(r->in->snap, r->in->entry, &n);
	for (i = 0; i < n; i++) {
		rule = &rules[i];
		snprintf(what, sizeof(what), "rule:%ld", rule->id);
		if (!rule_matches(r, rule, &implicit)) {
			trace(r, STEP_RULES, what, NULL, VERDICT_NO_MATCH);
			continue;
		}
		if (rule->target == RTARGET_GROUP)
			chosen = rule->group != NULL ?
			    pick_from_group(r, STEP_RULES, rule->group,
			    rule->strategy) : 0;
		else {
			const struct snap_agent	*had = r->busy;

			chosen = try_agent(r, STEP_RULES, what,
			    rule->target == RTARGET_AGENT ? rule->agent :
			    snap_agent(r->in->snap, implicit),
			    rule->target == RTARGET_AGENT ? rule->target_id :
			    implicit, 0);
			if (had == NULL && r->busy != NULL)
				r->busy_rule = rule;
		}
		if (rule->target == RTARGET_GROUP && rule->group == NULL)
			trace(r, STEP_RULES, what, NULL, VERDICT_UNKNOWN);
		if (chosen) {
			r->out->reason = REASON_RULE;
			r->out->rule = rule;
			return 1;
		}
	}
	return 0;
}

static int
step_designated(struct run *r)
{
	const struct snap_entry	*e = r->in->entry;
	size_t			 i;

	for (i = 0; i < e->ndesignated; i++)
		if (try_agent(r, STEP_DESIGNATED, "designated",
		    snap_designated(r->in->snap, e, i), NULL, 1)) {
			r->out->reason = REASON_DESIGNATED;
			return 1;
		}
	return 0;
}

static int
step_person(struct run *r, enum step step, const char *id,
    enum decide_reason reason)
{
	if (id == NULL || r->in->customer == NULL)
		return 0;
	if (!try_agent(r, step, snap_step_name(step),
	    snap_agent(r->in->snap, id), id, 0))
		return 0;
	r->out->reason = reason;
	return 1;
}

static int
run_step(struct run *r, enum step step)
{
	const struct decide_customer	*c = r->in->customer;
	const struct snap_entry		*e = r->in->entry;

	switch (step) {
	case STEP_RULES:
		return step_rules(r);
	case STEP_DESIGNATED:
		return step_designated(r);
	case STEP_ACCOUNT_MANAGER:
		return step_person(r, step, c ? c->manager_id : NULL,
		    REASON_ACCOUNT_MANAGER);
	case STEP_STICKY:
		return step_person(r, step, c ? c->sticky_id : NULL,
		    REASON_STICKY);
	case STEP_GROUP:
		if (e->group == NULL ||
		    !pick_from_group(r, step, e->group, e->conf->strategy))
			return 0;
		r->out->reason = REASON_GROUP;
		return 1;
	case STEP_GLOBAL:
		if (r->in->global_group == NULL ||
		    !pick_from_group(r, step, r->in->global_group,
		    r->in->global_strategy))
			return 0;
		r->out->reason = REASON_GLOBAL;
		return 1;
	case STEP__MAX:
		break;
	}
	return 0;
}

static enum notice_kind
notice_for(const struct run *r)
{
	const struct decide_result	*o = r->out;
	int				 busy = o->designated_verdict ==
	    VERDICT_BUSY || o->designated_verdict == VERDICT_FULL;

	if (o->reason == REASON_NONE_CLOSED)
		return NOTICE_CLOSED;
	if (o->hold)
		return NOTICE_HOLD;
	if (o->agent != NULL)
		return !o->fallback ? NOTICE_CONNECTED :
		    busy ? NOTICE_FALLBACK_BUSY : NOTICE_FALLBACK;
	if (r->in->entry->conf->policy == POLICY_STRICT && o->designated != NULL)
		return busy ? NOTICE_STRICT_BUSY : NOTICE_STRICT_OFFLINE;
	return o->reason == REASON_NONE_FULL ? NOTICE_BUSY : NOTICE_OFFLINE;
}

/*
 * With hold on, a group's member or nobody is not the answer while a
 * preferred person is only busy: the chat waits for them (overflow
 * entries; a strict entry waits for its people anyway).
 */
static void
hold(struct run *r)
{
	struct decide_result	*o = r->out;

	if (!r->in->hold || r->busy == NULL ||
	    r->in->entry->conf->policy != POLICY_OVERFLOW)
		return;
	if (o->agent != NULL && o->reason != REASON_GROUP &&
	    o->reason != REASON_GLOBAL)
		return;		/* another preferred person answers */
	/* The trace says so: whoever was chosen is not, the person is held. */
	if (r->in->trace != NULL) {
		struct decide_trace	*t = r->in->trace;
		size_t			 i;

		for (i = 0; i < t->n; i++)
			if (t->items[i].verdict == VERDICT_CHOSEN)
				t->items[i].verdict = VERDICT_AVAILABLE;
			else if (t->items[i].agent_id == r->busy->id &&
			    t->items[i].step == r->busy_step)
				t->items[i].verdict = VERDICT_HELD;
	}
	o->agent = r->busy;
	o->reason = r->busy_reason;
	o->rule = r->busy_rule;
	o->group = NULL;
	o->group_index = 0;
	o->fallback = 0;
	o->hold = 1;
}

void
decide(const struct decide_input *in, struct decide_result *out)
{
	const struct snap_entry	*e = in->entry;
	struct run		 r = { in, out, 0, NULL, STEP_RULES,
	    REASON_NONE_OFFLINE, NULL };
	size_t			 i;

	memset(out, 0, sizeof(*out));
	out->next_open = -1;
	out->designated_verdict = VERDICT_AVAILABLE;
	if (in->trace != NULL)
		in->trace->n = 0, in->trace->truncated = 0;

	if (!sched_open_at(e->conf->schedule, in->now, in->localtime)) {
		trace(&r, STEP_RULES, "closed", NULL, VERDICT_CLOSED);
		out->reason = REASON_NONE_CLOSED;
		out->next_open = sched_next_open(e->conf->schedule, in->now,
		    in->localtime);
		out->notice = notice_for(&r);
		return;
	}
	if (e->conf->policy == POLICY_STRICT) {
		if (step_designated(&r))
			goto done;
	} else
		for (i = 0; i < e->conf->norder; i++)
			if (run_step(&r, e->conf->order[i]))
				goto done;
	out->agent = NULL;
	out->reason = r.saw_full ? REASON_NONE_FULL : REASON_NONE_OFFLINE;
done:
	hold(&r);
	out->notice = notice_for(&r);
}

void
decide_reason_text(const struct decide_result *d, char *buf, size_t len)
{
	switch (d->reason) {
	case REASON_RULE:
		snprintf(buf, len, "rule:%ld", d->rule->id);
		break;
	case REASON_DESIGNATED:
		snprintf(buf, len, "designated");
		break;
	case REASON_ACCOUNT_MANAGER:
		snprintf(buf, len, "account_manager");
		break;
	case REASON_STICKY:
		snprintf(buf, len, "sticky");
		break;
	case REASON_GROUP:
	case REASON_GLOBAL:
		snprintf(buf, len, "group:%s:%s", d->group->id,
		    snap_strategy_name(d->strategy));
		break;
	case REASON_NONE_FULL:
		snprintf(buf, len, "none:full");
		break;
	case REASON_NONE_CLOSED:
		snprintf(buf, len, "none:closed");
		break;
	case REASON_LINK:
		snprintf(buf, len, "link");
		break;
	default:
		snprintf(buf, len, "none:offline");
		break;
	}
}
