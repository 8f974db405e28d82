#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "snap.h"
#include "util.h"

/* ---- names ---------------------------------------------------------- */

static const char *const status_names[AGENT__MAX] = {
	"offline", "online", "busy",
};
static const char *const target_names[TARGET__MAX] = {
	"page", "url", "wecom_kf",
};
static const char *const strategy_names[STRAT__MAX] = {
	"ordered", "round_robin", "least_busy", "longest_idle", "random",
};
static const char *const policy_names[POLICY__MAX] = {
	"overflow", "strict",
};
static const char *const rule_kind_names[RULE__MAX] = {
	"level_at_least", "has_tag", "order_agent", "account_manager",
	"time_window",
};
static const char *const rule_target_names[RTARGET__MAX] = {
	"agent", "group", "implicit",
};
static const char *const notice_names[NOTICE__MAX] = {
	"connected", "fallback", "fallback_busy", "strict_offline",
	"strict_busy", "busy", "offline", "closed", "hold",
};
static const char *const step_names[STEP__MAX] = {
	"rules", "designated", "account_manager", "sticky", "group", "global",
};

#define NAME_PARSE(fn, type, names, max)				\
int									\
fn(const char *name, type *out)						\
{									\
	int	 i = util_name_index(names, max, name);			\
									\
	if (i < 0)							\
		return -1;						\
	*out = (type)i;							\
	return 0;							\
}

NAME_PARSE(snap_status_parse, enum agent_status, status_names, AGENT__MAX)
NAME_PARSE(snap_target_parse, enum target_type, target_names, TARGET__MAX)
NAME_PARSE(snap_strategy_parse, enum strategy, strategy_names, STRAT__MAX)
NAME_PARSE(snap_policy_parse, enum policy, policy_names, POLICY__MAX)
NAME_PARSE(snap_rule_kind_parse, enum rule_kind, rule_kind_names, RULE__MAX)
NAME_PARSE(snap_rule_target_parse, enum rule_target, rule_target_names,
    RTARGET__MAX)
NAME_PARSE(snap_notice_parse, enum notice_kind, notice_names, NOTICE__MAX)

/* The name of an enum value; dflt when out of range. */
#define NAME_OF(fn, type, names, max, dflt)				\
const char *								\
fn(type v)								\
{									\
	return (unsigned)v < (unsigned)(max) ? names[v] : (dflt);	\
}

NAME_OF(snap_status_name, enum agent_status, status_names, AGENT__MAX,
    "offline")
NAME_OF(snap_target_name, enum target_type, target_names, TARGET__MAX, "page")
NAME_OF(snap_strategy_name, enum strategy, strategy_names, STRAT__MAX,
    "ordered")
NAME_OF(snap_rule_kind_name, enum rule_kind, rule_kind_names, RULE__MAX, "?")
NAME_OF(snap_notice_name, enum notice_kind, notice_names, NOTICE__MAX, "?")
NAME_OF(snap_step_name, enum step, step_names, STEP__MAX, "?")

int
snap_parse_order(const char *s, enum step *out, size_t *n)
{
	char		 name[32];
	const char	*p = s;
	size_t		 len, k = 0, j;
	int		 i;

	while (*p != '\0') {
		len = strcspn(p, ",");
		if (len == 0 || len >= sizeof(name) || k == STEP__MAX)
			return -1;
		memcpy(name, p, len);
		name[len] = '\0';
		if ((i = util_name_index(step_names, STEP__MAX, name)) < 0)
			return -1;
		for (j = 0; j < k; j++)
			if (out[j] == (enum step)i)
				return -1;	/* a step twice */
		out[k++] = (enum step)i;
		p += len;
		if (*p == ',')
			p++;
	}
	if (k == 0)
		return -1;
	*n = k;
	return 0;
}

/* ---- building ------------------------------------------------------- */

struct link {
	const char	*owner, *ref;
	int		 position;
};

struct pend_rule {
	const char	*entry;
	struct snap_rule rule;
};

struct pend_notice {
	const char		*entry;
	enum notice_kind	 kind;
	const char		*tmpl;
};

struct pend_slot {
	const char		*schedule;
	struct snap_slot	 slot;
};

struct pend_closure {
	const char	*schedule;
	int		 date;
};

struct pend_workday {
	const char		*schedule;
	struct snap_workday	 day;
};

/* Rows that refer to others, kept until snap_finish resolves them. */
struct snap_pending {
	struct link		*members, *designated;
	size_t			 nmembers, ndesignated;
	struct pend_rule	*rules;
	size_t			 nrules;
	struct pend_notice	*notices;
	size_t			 nnotices;
	struct pend_slot	*slots;
	size_t			 nslots;
	struct pend_closure	*closures;
	size_t			 nclosures;
	struct pend_workday	*workdays;
	size_t			 nworkdays;
};

/* Append room for one element: arrays double at powers of two. */
static void *
grow(void *arr, size_t n, size_t size)
{
	if (n == 0 || (n & (n - 1)) == 0)
		arr = xrealloc(arr, xmul(n ? xmul(n, 2) : 4, size));
	return arr;
}

static void
pending_free(struct snap_pending *p)
{
	if (p == NULL)
		return;
	free(p->members);
	free(p->designated);
	free(p->rules);
	free(p->notices);
	free(p->slots);
	free(p->closures);
	free(p->workdays);
	free(p);
}

struct snap *
snap_new(void)
{
	struct snap	*s = xcalloc(1, sizeof(*s));

	s->arena = arena_new(4096);
	s->pending = xcalloc(1, sizeof(*s->pending));
	return s;
}

void
snap_free(struct snap *s)
{
	size_t	 i;

	if (s == NULL)
		return;
	for (i = 0; i < s->ngroups; i++)
		free(s->groups[i].members);
	for (i = 0; i < s->nentries; i++) {
		free(s->entries[i].designated);
		free(s->entries[i].rules);
	}
	for (i = 0; i < s->nschedules; i++) {
		free(s->schedules[i].slots);
		free(s->schedules[i].closures);
		free(s->schedules[i].workdays);
	}
	free(s->schedules);
	free(s->groups);
	free(s->agents);
	free(s->entries);
	free(s->entries_by_id);
	pending_free(s->pending);
	arena_free(s->arena);
	free(s);
}

static const char *
dup_or_null(struct snap *s, const char *str)
{
	return str != NULL ? arena_strdup(s->arena, str) : NULL;
}

static const char *
dup_or_empty(struct snap *s, const char *str)
{
	return arena_strdup(s->arena, str != NULL ? str : "");
}

void
snap_add_entry(struct snap *s, const struct snap_entry *in)
{
	static const enum step	 dflt[STEP__MAX] = { STEP_RULES,
	    STEP_DESIGNATED, STEP_ACCOUNT_MANAGER, STEP_STICKY, STEP_GROUP,
	    STEP_GLOBAL };
	struct snap_entry	*e;

	s->entries = grow(s->entries, s->nentries, sizeof(*s->entries));
	e = &s->entries[s->nentries++];
	*e = *in;
	e->id = arena_strdup(s->arena, in->id);
	e->label = dup_or_empty(s, in->label);
	e->scene = dup_or_empty(s, in->scene);
	e->target = dup_or_empty(s, in->target);
	e->group_id = dup_or_null(s, in->group_id);
	e->schedule_id = dup_or_null(s, in->schedule_id);
	e->wecom_scene = dup_or_null(s, in->wecom_scene);
	e->wecom_link = dup_or_null(s, in->wecom_link);
	if (e->norder == 0) {
		memcpy(e->order, dflt, sizeof(dflt));
		e->norder = STEP__MAX;
	}
	e->group = NULL;
	e->schedule = NULL;
	e->designated = NULL;
	e->ndesignated = 0;
	e->rules = NULL;
	e->nrules = 0;
	memset(e->notices, 0, sizeof(e->notices));
}

void
snap_add_agent(struct snap *s, const struct snap_agent *in)
{
	struct snap_agent	*a;

	s->agents = grow(s->agents, s->nagents, sizeof(*s->agents));
	a = &s->agents[s->nagents++];
	*a = *in;
	a->id = arena_strdup(s->arena, in->id);
	a->name = dup_or_empty(s, in->name);
	a->wecom_userid = dup_or_null(s, in->wecom_userid);
	a->schedule_id = dup_or_null(s, in->schedule_id);
	a->schedule = NULL;
}

void
snap_add_group(struct snap *s, const char *id, const char *name)
{
	struct snap_group	*g;

	s->groups = grow(s->groups, s->ngroups, sizeof(*s->groups));
	g = &s->groups[s->ngroups++];
	memset(g, 0, sizeof(*g));
	g->id = arena_strdup(s->arena, id);
	g->name = dup_or_empty(s, name);
}

void
snap_add_schedule(struct snap *s, const char *id, const char *name,
    const char *tz)
{
	struct snap_schedule	*sc;

	s->schedules = grow(s->schedules, s->nschedules,
	    sizeof(*s->schedules));
	sc = &s->schedules[s->nschedules++];
	memset(sc, 0, sizeof(*sc));
	sc->id = arena_strdup(s->arena, id);
	sc->name = dup_or_empty(s, name);
	sc->tz = arena_strdup(s->arena, tz != NULL ? tz : "Asia/Shanghai");
}

static void
add_link(struct snap *s, struct link **arr, size_t *n, const char *owner,
    const char *ref, int position)
{
	*arr = grow(*arr, *n, sizeof(**arr));
	(*arr)[*n].owner = arena_strdup(s->arena, owner);
	(*arr)[*n].ref = arena_strdup(s->arena, ref);
	(*arr)[*n].position = position;
	(*n)++;
}

void
snap_add_member(struct snap *s, const char *group_id, const char *agent_id,
    int position)
{
	add_link(s, &s->pending->members, &s->pending->nmembers, group_id,
	    agent_id, position);
}

void
snap_add_designated(struct snap *s, const char *entry_id,
    const char *agent_id, int position)
{
	add_link(s, &s->pending->designated, &s->pending->ndesignated,
	    entry_id, agent_id, position);
}

void
snap_add_rule(struct snap *s, const char *entry_id, const struct snap_rule *r)
{
	struct snap_pending	*p = s->pending;
	struct pend_rule	*pr;

	p->rules = grow(p->rules, p->nrules, sizeof(*p->rules));
	pr = &p->rules[p->nrules++];
	pr->entry = arena_strdup(s->arena, entry_id);
	pr->rule = *r;
	pr->rule.tag = dup_or_null(s, r->tag);
	pr->rule.target_id = dup_or_null(s, r->target_id);
	pr->rule.agent = NULL;
	pr->rule.group = NULL;
}

void
snap_add_notice(struct snap *s, const char *entry_id, enum notice_kind kind,
    const char *tmpl)
{
	struct snap_pending	*p = s->pending;

	p->notices = grow(p->notices, p->nnotices, sizeof(*p->notices));
	p->notices[p->nnotices].entry = arena_strdup(s->arena, entry_id);
	p->notices[p->nnotices].kind = kind;
	p->notices[p->nnotices].tmpl = arena_strdup(s->arena, tmpl);
	p->nnotices++;
}

void
snap_add_slot(struct snap *s, const char *schedule_id,
    const struct snap_slot *slot)
{
	struct snap_pending	*p = s->pending;

	p->slots = grow(p->slots, p->nslots, sizeof(*p->slots));
	p->slots[p->nslots].schedule = arena_strdup(s->arena, schedule_id);
	p->slots[p->nslots].slot = *slot;
	p->nslots++;
}

void
snap_add_closure(struct snap *s, const char *schedule_id, int yyyymmdd)
{
	struct snap_pending	*p = s->pending;

	p->closures = grow(p->closures, p->nclosures, sizeof(*p->closures));
	p->closures[p->nclosures].schedule = arena_strdup(s->arena,
	    schedule_id);
	p->closures[p->nclosures].date = yyyymmdd;
	p->nclosures++;
}

void
snap_add_workday(struct snap *s, const char *schedule_id,
    const struct snap_workday *wd)
{
	struct snap_pending	*p = s->pending;

	p->workdays = grow(p->workdays, p->nworkdays, sizeof(*p->workdays));
	p->workdays[p->nworkdays].schedule = arena_strdup(s->arena,
	    schedule_id);
	p->workdays[p->nworkdays].day = *wd;
	p->nworkdays++;
}

/* ---- finishing ------------------------------------------------------ */

/* qsort() must not see a NULL base, even for zero elements. */
static void
sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

static int
cmp_agent(const void *a, const void *b)
{
	return strcmp(((const struct snap_agent *)a)->id,
	    ((const struct snap_agent *)b)->id);
}

static int
cmp_group(const void *a, const void *b)
{
	return strcmp(((const struct snap_group *)a)->id,
	    ((const struct snap_group *)b)->id);
}

static int
cmp_schedule(const void *a, const void *b)
{
	return strcmp(((const struct snap_schedule *)a)->id,
	    ((const struct snap_schedule *)b)->id);
}

static int
cmp_entry_display(const void *a, const void *b)
{
	const struct snap_entry	*x = a, *y = b;

	if (x->sort != y->sort)
		return x->sort < y->sort ? -1 : 1;
	return strcmp(x->id, y->id);
}

static int
cmp_entry_ptr_id(const void *a, const void *b)
{
	return strcmp((*(struct snap_entry *const *)a)->id,
	    (*(struct snap_entry *const *)b)->id);
}

static int
cmp_int(const void *a, const void *b)
{
	int	 x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static int
cmp_workday(const void *a, const void *b)
{
	return cmp_int(&((const struct snap_workday *)a)->date,
	    &((const struct snap_workday *)b)->date);
}

static int
cmp_link(const void *a, const void *b)
{
	const struct link	*x = a, *y = b;
	int			 c = strcmp(x->owner, y->owner);

	if (c != 0)
		return c;
	return (x->position > y->position) - (x->position < y->position);
}

static int
cmp_rule(const void *a, const void *b)
{
	const struct pend_rule	*x = a, *y = b;
	int			 c = strcmp(x->entry, y->entry);

	if (c != 0)
		return c;
	if (x->rule.priority != y->rule.priority)
		return x->rule.priority < y->rule.priority ? -1 : 1;
	return (x->rule.id > y->rule.id) - (x->rule.id < y->rule.id);
}

/* The snapshot's own, mutable view of a lookup result. */
static struct snap_entry *
entry_mut(struct snap *s, const char *id)
{
	return (struct snap_entry *)snap_entry(s, id);
}

static void
resolve_links(struct snap *s)
{
	struct snap_pending	*p = s->pending;
	struct snap_group	*g;
	struct snap_entry	*e;
	const struct snap_agent	*a;
	size_t			 i;

	sort(p->members, p->nmembers, sizeof(*p->members), cmp_link);
	for (i = 0; i < p->nmembers; i++) {
		g = (struct snap_group *)snap_group(s, p->members[i].owner);
		a = snap_agent(s, p->members[i].ref);
		if (g == NULL || a == NULL)
			continue;
		g->members = grow(g->members, g->nmembers, sizeof(*g->members));
		g->members[g->nmembers++] = a;
	}
	snap_rotation(s);
	sort(p->designated, p->ndesignated, sizeof(*p->designated), cmp_link);
	for (i = 0; i < p->ndesignated; i++) {
		e = entry_mut(s, p->designated[i].owner);
		a = snap_agent(s, p->designated[i].ref);
		if (e == NULL || a == NULL)
			continue;
		e->designated = grow(e->designated, e->ndesignated,
		    sizeof(*e->designated));
		e->designated[e->ndesignated++] = a;
	}
}

static void
resolve_rules_and_notices(struct snap *s)
{
	struct snap_pending	*p = s->pending;
	struct snap_entry	*e;
	struct snap_rule	*r;
	size_t			 i;

	sort(p->rules, p->nrules, sizeof(*p->rules), cmp_rule);
	for (i = 0; i < p->nrules; i++) {
		if ((e = entry_mut(s, p->rules[i].entry)) == NULL)
			continue;
		e->rules = grow(e->rules, e->nrules, sizeof(*e->rules));
		r = &e->rules[e->nrules++];
		*r = p->rules[i].rule;
		if (r->target_id == NULL)
			continue;
		if (r->target == RTARGET_AGENT)
			r->agent = snap_agent(s, r->target_id);
		else if (r->target == RTARGET_GROUP)
			r->group = snap_group(s, r->target_id);
	}
	for (i = 0; i < p->nnotices; i++)
		if ((e = entry_mut(s, p->notices[i].entry)) != NULL &&
		    (unsigned)p->notices[i].kind < NOTICE__MAX)
			e->notices[p->notices[i].kind] = p->notices[i].tmpl;
}

static void
resolve_schedules(struct snap *s)
{
	struct snap_pending	*p = s->pending;
	struct snap_schedule	*sc;
	size_t			 i;

	for (i = 0; i < p->nslots; i++) {
		sc = (struct snap_schedule *)snap_schedule(s,
		    p->slots[i].schedule);
		if (sc == NULL)
			continue;
		sc->slots = grow(sc->slots, sc->nslots, sizeof(*sc->slots));
		sc->slots[sc->nslots++] = p->slots[i].slot;
	}
	for (i = 0; i < p->nclosures; i++) {
		sc = (struct snap_schedule *)snap_schedule(s,
		    p->closures[i].schedule);
		if (sc == NULL)
			continue;
		sc->closures = grow(sc->closures, sc->nclosures,
		    sizeof(*sc->closures));
		sc->closures[sc->nclosures++] = p->closures[i].date;
	}
	for (i = 0; i < p->nworkdays; i++) {
		sc = (struct snap_schedule *)snap_schedule(s,
		    p->workdays[i].schedule);
		if (sc == NULL)
			continue;
		sc->workdays = grow(sc->workdays, sc->nworkdays,
		    sizeof(*sc->workdays));
		sc->workdays[sc->nworkdays++] = p->workdays[i].day;
	}
	for (i = 0; i < s->nschedules; i++) {
		sort(s->schedules[i].closures, s->schedules[i].nclosures,
		    sizeof(int), cmp_int);
		sort(s->schedules[i].workdays, s->schedules[i].nworkdays,
		    sizeof(struct snap_workday), cmp_workday);
	}
}

void
snap_finish(struct snap *s)
{
	size_t	 i;

	sort(s->agents, s->nagents, sizeof(*s->agents), cmp_agent);
	sort(s->groups, s->ngroups, sizeof(*s->groups), cmp_group);
	sort(s->schedules, s->nschedules, sizeof(*s->schedules), cmp_schedule);
	sort(s->entries, s->nentries, sizeof(*s->entries), cmp_entry_display);
	s->entries_by_id = xrealloc(s->entries_by_id,
	    xmul(s->nentries ? s->nentries : 1, sizeof(*s->entries_by_id)));
	for (i = 0; i < s->nentries; i++)
		s->entries_by_id[i] = &s->entries[i];
	sort(s->entries_by_id, s->nentries, sizeof(*s->entries_by_id),
	    cmp_entry_ptr_id);
	resolve_schedules(s);
	for (i = 0; i < s->nagents; i++)
		if (s->agents[i].schedule_id != NULL)
			s->agents[i].schedule = snap_schedule(s,
			    s->agents[i].schedule_id);
	for (i = 0; i < s->nentries; i++) {
		struct snap_entry *e = &s->entries[i];

		if (e->group_id != NULL)
			e->group = snap_group(s, e->group_id);
		if (e->schedule_id != NULL)
			e->schedule = snap_schedule(s, e->schedule_id);
	}
	resolve_links(s);
	resolve_rules_and_notices(s);
	pending_free(s->pending);
	s->pending = NULL;
}

/*
 * Round robin goes on after the member assigned most recently, as the
 * agents' last assignments say. Those come from the shared activity table
 * (commits everywhere write it), so turns rotate across processes and
 * hosts alike; plain CGI has no other memory. An agent in several groups
 * moves each group's turn: the next turn goes to whoever follows the
 * person who took the latest chat.
 */
void
snap_rotation(struct snap *s)
{
	struct snap_group	*g;
	size_t			 i, k, last;
	int64_t			 best;

	for (i = 0; i < s->ngroups; i++) {
		g = &s->groups[i];
		best = 0;
		last = 0;
		for (k = 0; k < g->nmembers; k++)
			if (g->members[k]->last_assigned > 0 &&
			    g->members[k]->last_assigned >= best) {
				best = g->members[k]->last_assigned;
				last = k;
			}
		g->rr_next = best > 0 ? last + 1 : 0;
	}
}

int
snap_assigned(struct snap *s, const char *agent_id, int64_t at_ms)
{
	struct snap_agent	*a;

	if ((a = (struct snap_agent *)snap_agent(s, agent_id)) == NULL ||
	    a->last_assigned >= at_ms)
		return 0;
	a->last_assigned = at_ms;
	return 1;
}

void
snap_presence(struct snap *s, const char *agent_id, enum agent_status st,
    int active)
{
	struct snap_agent	*a;

	if ((a = (struct snap_agent *)snap_agent(s, agent_id)) == NULL)
		return;
	a->status = st;
	a->active = active;
}

void
snap_carry_runtime(struct snap *to, const struct snap *from)
{
	struct snap_agent	*a;
	const struct snap_agent	*old_a;
	size_t			 i;

	if (from == NULL)
		return;
	for (i = 0; i < to->nagents; i++) {
		a = &to->agents[i];
		if ((old_a = snap_agent(from, a->id)) != NULL &&
		    old_a->last_assigned > a->last_assigned)
			a->last_assigned = old_a->last_assigned;
	}
	snap_rotation(to);
}

/* ---- lookups -------------------------------------------------------- */

const struct snap_entry *
snap_entry(const struct snap *s, const char *id)
{
	struct snap_entry	 key = { .id = id }, *kp = &key, **hit;

	if (s->nentries == 0 || s->entries_by_id == NULL)
		return NULL;
	hit = bsearch(&kp, s->entries_by_id, s->nentries,
	    sizeof(*s->entries_by_id), cmp_entry_ptr_id);
	return hit != NULL ? *hit : NULL;
}

const struct snap_agent *
snap_agent(const struct snap *s, const char *id)
{
	struct snap_agent	 key = { .id = id };

	if (s->nagents == 0)
		return NULL;
	return bsearch(&key, s->agents, s->nagents, sizeof(*s->agents),
	    cmp_agent);
}

const struct snap_group *
snap_group(const struct snap *s, const char *id)
{
	struct snap_group	 key = { .id = id };

	if (s->ngroups == 0)
		return NULL;
	return bsearch(&key, s->groups, s->ngroups, sizeof(*s->groups),
	    cmp_group);
}

const struct snap_schedule *
snap_schedule(const struct snap *s, const char *id)
{
	struct snap_schedule	 key = { .id = id };

	if (s->nschedules == 0)
		return NULL;
	return bsearch(&key, s->schedules, s->nschedules,
	    sizeof(*s->schedules), cmp_schedule);
}
