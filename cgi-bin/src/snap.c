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

/*
 * A snapshot of 100,000 entries must stay small (README, "Performance"):
 * strings equal to one already held are shared (labels, scenes, targets,
 * names repeat), entries with equal settings share one snap_entry_conf,
 * designated agents and members sit in one array each, and what only the
 * build needs (the rows that name others, the tables that find equal
 * strings and settings) lives in the pending state, freed by
 * snap_finish().
 */

struct link {
	const char	*owner, *ref;	/* pending arena */
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

/* Open addressing: a table of pointers, a power of two in size. */
struct intern {
	const void	**slot;
	size_t		  size, n;
};

/* Rows that refer to others, kept until snap_finish resolves them. */
struct snap_pending {
	struct arena		*arena;		/* their strings */
	struct pend_entry {			/* by entry, add order */
		const char	*group_id;
		const char	*link;		/* the snapshot's arena */
		int		 sort;
	}			*entry;
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
	struct intern		 strings;	/* of the snapshot's arena */
	struct intern		 confs;
};

/* Append room for one element: arrays double at powers of two. */
static void *
grow(void *arr, size_t n, size_t size)
{
	if (n == 0 || (n & (n - 1)) == 0)
		arr = xrealloc(arr, xmul(n ? xmul(n, 2) : 4, size));
	return arr;
}

/*
 * The slot holding an item equal to key (eq), or the empty one where it
 * goes; the table grows at half full.
 */
static const void **
intern_find(struct intern *t, const void *key, uint64_t h,
    int (*eq)(const void *, const void *), uint64_t (*rehash)(const void *))
{
	const void	**old;
	size_t		  i, osize;

	if (t->n >= t->size / 2) {
		old = t->slot;
		osize = t->size;
		t->size = osize ? osize * 2 : 1024;
		t->slot = xcalloc(t->size, sizeof(*t->slot));
		for (i = 0; i < osize; i++) {
			size_t	 k;

			if (old[i] == NULL)
				continue;
			for (k = rehash(old[i]) & (t->size - 1);
			    t->slot[k] != NULL; k = (k + 1) & (t->size - 1))
				continue;
			t->slot[k] = old[i];
		}
		free(old);
	}
	for (i = h & (t->size - 1); t->slot[i] != NULL;
	    i = (i + 1) & (t->size - 1))
		if (eq(t->slot[i], key))
			break;
	return &t->slot[i];
}

static int
str_eq(const void *a, const void *b)
{
	return strcmp(a, b) == 0;
}

static uint64_t
str_hash(const void *s)
{
	return util_fnv(UTIL_FNV_BASIS, s, strlen(s));
}

/* str kept in the snapshot, shared with an equal one already there. */
static const char *
share_str(struct snap *s, const char *str)
{
	struct intern	 *t = &s->pending->strings;
	const void	**slot;

	slot = intern_find(t, str, str_hash(str), str_eq, str_hash);
	if (*slot == NULL) {
		*slot = arena_strdup(s->arena, str);
		t->n++;
	}
	return *slot;
}

static const char *
share_or_null(struct snap *s, const char *str)
{
	return str != NULL ? share_str(s, str) : NULL;
}

static const char *
share_or_empty(struct snap *s, const char *str)
{
	return share_str(s, str != NULL ? str : "");
}

/* An agent (a table slot) against an id (a key). */
static int
agent_eq(const void *slot, const void *key)
{
	return strcmp(((const struct snap_agent *)slot)->id, key) == 0;
}

static uint64_t
agent_hash(const void *slot)
{
	return str_hash(((const struct snap_agent *)slot)->id);
}

/* Settings compare as bytes: zeroed padding, strings shared. */
static int
conf_eq(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct snap_entry_conf)) == 0;
}

static uint64_t
conf_hash(const void *c)
{
	return util_fnv(UTIL_FNV_BASIS, c, sizeof(struct snap_entry_conf));
}

/* The snapshot's copy of c (already normalised), shared when equal. */
static const struct snap_entry_conf *
share_conf(struct snap *s, const struct snap_entry_conf *c)
{
	struct intern		 *t = &s->pending->confs;
	const void		**slot;
	struct snap_entry_conf	 *mine;

	slot = intern_find(t, c, conf_hash(c), conf_eq, conf_hash);
	if (*slot == NULL) {
		mine = arena_alloc(s->arena, sizeof(*mine));
		memcpy(mine, c, sizeof(*mine));
		*slot = mine;
		t->n++;
	}
	return *slot;
}

static void
pending_free(struct snap_pending *p)
{
	if (p == NULL)
		return;
	arena_free(p->arena);
	free(p->entry);
	free(p->members);
	free(p->designated);
	free(p->rules);
	free(p->notices);
	free(p->slots);
	free(p->closures);
	free(p->workdays);
	free(p->strings.slot);
	free(p->confs.slot);
	free(p);
}

struct snap *
snap_new(void)
{
	struct snap	*s = xcalloc(1, sizeof(*s));

	s->arena = arena_new(4096);
	s->pending = xcalloc(1, sizeof(*s->pending));
	s->pending->arena = arena_new(4096);
	return s;
}

void
snap_free(struct snap *s)
{
	size_t	 i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nschedules; i++) {
		free(s->schedules[i].slots);
		free(s->schedules[i].closures);
		free(s->schedules[i].workdays);
	}
	free(s->schedules);
	free(s->groups);
	free(s->members);
	free(s->agents);
	free(s->entries);
	free(s->entries_by_id);
	free(s->designated);
	free(s->rules);
	free(s->rule_runs);
	free(s->links);
	pending_free(s->pending);
	arena_free(s->arena);
	free(s);
}

/* In the pending arena: gone with snap_finish. */
static const char *
pend_str(struct snap *s, const char *str)
{
	return arena_strdup(s->pending->arena, str);
}

/* "id\0label\0" in the snapshot: a label is as unique as its id. */
static const char *
id_and_label(struct snap *s, const char *id, const char *label)
{
	size_t	 n = strlen(id), m = label != NULL ? strlen(label) : 0;
	char	*p = arena_text(s->arena, xadd(xadd(n, m), 2));

	memcpy(p, id, n);
	p[n] = '\0';
	memcpy(p + n + 1, label != NULL ? label : "", m);
	p[n + 1 + m] = '\0';
	return p;
}

void
snap_add_entry(struct snap *s, const struct snap_entry_in *in)
{
	static const enum step	 dflt[STEP__MAX] = { STEP_RULES,
	    STEP_DESIGNATED, STEP_ACCOUNT_MANAGER, STEP_STICKY, STEP_GROUP,
	    STEP_GLOBAL };
	struct snap_pending	*p = s->pending;
	struct snap_entry_conf	 c;
	struct snap_entry	*e;

	/* Zeroed first: settings compare as bytes. */
	memset(&c, 0, sizeof(c));
	c.scene = share_or_empty(s, in->scene);
	c.policy = in->conf.policy;
	c.strategy = in->conf.strategy;
	c.over_capacity = in->conf.over_capacity != 0;
	if (in->conf.norder == 0 || in->conf.norder > STEP__MAX) {
		memcpy(c.order, dflt, sizeof(dflt));
		c.norder = STEP__MAX;
	} else {
		memcpy(c.order, in->conf.order,
		    in->conf.norder * sizeof(c.order[0]));
		c.norder = in->conf.norder;
	}
	/* The schedule's id until snap_finish resolves it (pending). */
	c.schedule = (const void *)share_or_null(s, in->schedule_id);
	c.widen_after_s = in->conf.widen_after_s;
	c.reroute_after_s = in->conf.reroute_after_s;
	c.take_back = in->conf.take_back;
	c.busy_after_misses = in->conf.busy_after_misses;
	c.queue_max = in->conf.queue_max;
	c.queue_notice_step = in->conf.queue_notice_step;
	c.leave_message = in->conf.leave_message;

	p->entry = grow(p->entry, s->nentries, sizeof(*p->entry));
	p->entry[s->nentries].group_id = in->group_id != NULL ?
	    pend_str(s, in->group_id) : NULL;
	p->entry[s->nentries].sort = in->sort;
	p->entry[s->nentries].link = in->wecom_link != NULL ?
	    arena_strdup(s->arena, in->wecom_link) : NULL;
	s->entries = grow(s->entries, s->nentries, sizeof(*s->entries));
	e = &s->entries[s->nentries++];
	memset(e, 0, sizeof(*e));
	e->id = id_and_label(s, in->id, in->label);
	e->target = share_or_empty(s, in->target);
	e->conf = share_conf(s, &c);
	e->ttype = (uint8_t)in->ttype;
	e->enabled = in->enabled != 0;
}

void
snap_add_agent(struct snap *s, const struct snap_agent *in)
{
	struct snap_agent	*a;

	s->agents = grow(s->agents, s->nagents, sizeof(*s->agents));
	a = &s->agents[s->nagents++];
	*a = *in;
	a->id = arena_strdup(s->arena, in->id);
	a->name = share_or_empty(s, in->name);
	a->wecom_userid = in->wecom_userid != NULL ?
	    arena_strdup(s->arena, in->wecom_userid) : NULL;
	a->schedule_id = share_or_null(s, in->schedule_id);
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
	g->name = share_or_empty(s, name);
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
	sc->id = share_str(s, id);
	sc->name = share_or_empty(s, name);
	sc->tz = share_str(s, tz != NULL ? tz : "Asia/Shanghai");
}

static void
add_link(struct snap *s, struct link **arr, size_t *n, const char *owner,
    const char *ref, int position)
{
	*arr = grow(*arr, *n, sizeof(**arr));
	(*arr)[*n].owner = pend_str(s, owner);
	(*arr)[*n].ref = pend_str(s, ref);
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
	pr->entry = pend_str(s, entry_id);
	pr->rule = *r;
	pr->rule.tag = share_or_null(s, r->tag);
	pr->rule.target_id = share_or_null(s, r->target_id);
	pr->rule.agent = NULL;
	pr->rule.group = NULL;
}

void
snap_add_notice(struct snap *s, const char *entry_id, enum notice_kind kind,
    const char *tmpl)
{
	struct snap_pending	*p = s->pending;

	p->notices = grow(p->notices, p->nnotices, sizeof(*p->notices));
	p->notices[p->nnotices].entry = pend_str(s, entry_id);
	p->notices[p->nnotices].kind = kind;
	p->notices[p->nnotices].tmpl = share_str(s, tmpl);
	p->nnotices++;
}

void
snap_add_slot(struct snap *s, const char *schedule_id,
    const struct snap_slot *slot)
{
	struct snap_pending	*p = s->pending;

	p->slots = grow(p->slots, p->nslots, sizeof(*p->slots));
	p->slots[p->nslots].schedule = pend_str(s, schedule_id);
	p->slots[p->nslots].slot = *slot;
	p->nslots++;
}

void
snap_add_closure(struct snap *s, const char *schedule_id, int yyyymmdd)
{
	struct snap_pending	*p = s->pending;

	p->closures = grow(p->closures, p->nclosures, sizeof(*p->closures));
	p->closures[p->nclosures].schedule = pend_str(s, schedule_id);
	p->closures[p->nclosures].date = yyyymmdd;
	p->nclosures++;
}

void
snap_add_workday(struct snap *s, const char *schedule_id,
    const struct snap_workday *wd)
{
	struct snap_pending	*p = s->pending;

	p->workdays = grow(p->workdays, p->nworkdays, sizeof(*p->workdays));
	p->workdays[p->nworkdays].schedule = pend_str(s, schedule_id);
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

/* Entries being ordered: where each came from, so its pending rows follow. */
struct entry_at {
	const struct snap_entry	*e;
	int			 sort;
	uint32_t		 added;	/* index in add order */
};

static int
cmp_entry_display(const void *a, const void *b)
{
	const struct entry_at	*x = a, *y = b;

	if (x->sort != y->sort)
		return x->sort < y->sort ? -1 : 1;
	return strcmp(x->e->id, y->e->id);
}

/* The by-id index is sorted as (id, index) pairs (no global state:
 * two threads may build at once). */
struct id_at {
	const char	*id;
	uint32_t	 at;
};

static int
cmp_id_at(const void *a, const void *b)
{
	return strcmp(((const struct id_at *)a)->id,
	    ((const struct id_at *)b)->id);
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

/* A link resolved to its owner's index and its target. */
struct resolved {
	uint32_t	 owner;
	int		 position;
	const void	*ref;
};

static int
cmp_resolved(const void *a, const void *b)
{
	const struct resolved	*x = a, *y = b;

	if (x->owner != y->owner)
		return x->owner < y->owner ? -1 : 1;
	return (x->position > y->position) - (x->position < y->position);
}

static size_t
entry_index(const struct snap *s, const char *id)
{
	const struct snap_entry	*e = snap_entry(s, id);

	return e != NULL ? (size_t)(e - s->entries) : SIZE_MAX;
}

/*
 * Links (group members, designated agents) into one array of agents
 * (*arr), each owner's slice in position order, handed to put; unknown
 * owners or agents are dropped. Returns the array's length.
 */
static size_t
resolve_agent_links(struct snap *s, const struct link *links, size_t n,
    size_t nowners, size_t (*owner_index)(const struct snap *, const char *),
    const struct snap_agent ***arr,
    void (*put)(struct snap *, size_t owner, const struct snap_agent *const *,
    size_t first, size_t n))
{
	struct resolved		 *r = xcalloc(n ? n : 1, sizeof(*r));
	const struct snap_agent	**out;
	struct intern		  agents = { NULL, 0, 0 };
	const void		**slot;
	size_t			  i, k = 0, first, o = SIZE_MAX;

	/* Agents by id in a hash: 200,000 links, each a lookup. */
	for (i = 0; i < s->nagents; i++) {
		slot = intern_find(&agents, s->agents[i].id,
		    str_hash(s->agents[i].id), agent_eq, agent_hash);
		if (*slot == NULL) {
			*slot = &s->agents[i];
			agents.n++;
		}
	}
	for (i = 0; i < n; i++) {
		const struct snap_agent	*a = NULL;

		/* The rows come by owner (the tables' keys): look each
		 * owner up once. */
		if (i == 0 || strcmp(links[i].owner, links[i - 1].owner) != 0)
			o = owner_index(s, links[i].owner);
		if (agents.size > 0)
			a = *intern_find(&agents, links[i].ref,
			    str_hash(links[i].ref), agent_eq, agent_hash);
		if (o == SIZE_MAX || o >= nowners || a == NULL)
			continue;
		r[k].owner = (uint32_t)o;
		r[k].position = links[i].position;
		r[k++].ref = a;
	}
	sort(r, k, sizeof(*r), cmp_resolved);
	*arr = out = xcalloc(k ? k : 1, sizeof(*out));
	for (i = 0; i < k; i++)
		out[i] = r[i].ref;
	for (i = 0; i < k; i = first) {
		for (first = i + 1; first < k && r[first].owner == r[i].owner;
		    first++)
			continue;
		put(s, r[i].owner, out, i, first - i);
	}
	free(r);
	free(agents.slot);
	return k;
}

static size_t
group_index(const struct snap *s, const char *id)
{
	const struct snap_group	*g = snap_group(s, id);

	return g != NULL ? (size_t)(g - s->groups) : SIZE_MAX;
}

static void
put_members(struct snap *s, size_t g, const struct snap_agent *const *a,
    size_t first, size_t n)
{
	s->groups[g].members = a + first;
	s->groups[g].nmembers = n;
}

static void
put_designated(struct snap *s, size_t e, const struct snap_agent *const *a,
    size_t first, size_t n)
{
	(void)a;
	s->entries[e].designated = (uint32_t)first;
	/* The schema has no limit; a decision never reads that far. */
	s->entries[e].ndesignated = n > UINT16_MAX ? UINT16_MAX : (uint16_t)n;
}

/*
 * Designated agents as indexes into agents: half the size of pointers
 * (two per entry, a hundred thousand entries).
 */
static void
resolve_designated(struct snap *s)
{
	const struct snap_agent	**tmp;
	size_t			  i, n;

	n = resolve_agent_links(s, s->pending->designated,
	    s->pending->ndesignated, s->nentries, entry_index, &tmp,
	    put_designated);
	s->designated = xcalloc(n ? n : 1, sizeof(*s->designated));
	for (i = 0; i < n; i++)
		s->designated[i] = (uint32_t)(tmp[i] - s->agents);
	free(tmp);
}

/* Notices are an entry's own: it gets settings of its own (a copy of
 * its shared ones), the others keep sharing. */
static struct snap_entry_conf *
own_conf(struct snap *s, struct snap_entry *e, uint8_t *own)
{
	struct snap_entry_conf	*c;
	size_t			 i = (size_t)(e - s->entries);

	if (!own[i]) {
		c = arena_alloc(s->arena, sizeof(*c));
		*c = *e->conf;
		e->conf = c;
		own[i] = 1;
	}
	return (struct snap_entry_conf *)e->conf;
}

static int
cmp_rule_run(const void *a, const void *b)
{
	uint32_t	 x = ((const struct snap_entry_rules *)a)->entry;
	uint32_t	 y = ((const struct snap_entry_rules *)b)->entry;

	return (x > y) - (x < y);
}

static void
resolve_rules_and_notices(struct snap *s)
{
	struct snap_pending	*p = s->pending;
	struct snap_entry	*e;
	struct snap_rule	*r;
	uint8_t			*own;
	size_t			 i, k, next;

	sort(p->rules, p->nrules, sizeof(*p->rules), cmp_rule);
	/* One array for every entry's rules, each entry's run in order. */
	s->rules = xcalloc(p->nrules ? p->nrules : 1, sizeof(*s->rules));
	for (i = k = 0; i < p->nrules; i = next) {
		for (next = i + 1; next < p->nrules &&
		    strcmp(p->rules[next].entry, p->rules[i].entry) == 0; next++)
			continue;
		if ((e = (struct snap_entry *)snap_entry(s,
		    p->rules[i].entry)) == NULL)
			continue;
		s->rule_runs = grow(s->rule_runs, s->nrule_runs,
		    sizeof(*s->rule_runs));
		s->rule_runs[s->nrule_runs].entry =
		    (uint32_t)(e - s->entries);
		s->rule_runs[s->nrule_runs].first = (uint32_t)k;
		s->rule_runs[s->nrule_runs++].n = (uint32_t)(next - i);
		for (; i < next; i++) {
			r = &s->rules[k++];
			*r = p->rules[i].rule;
			if (r->target_id == NULL)
				continue;
			if (r->target == RTARGET_AGENT)
				r->agent = snap_agent(s, r->target_id);
			else if (r->target == RTARGET_GROUP)
				r->group = snap_group(s, r->target_id);
		}
	}
	sort(s->rule_runs, s->nrule_runs, sizeof(*s->rule_runs),
	    cmp_rule_run);
	own = xcalloc(s->nentries ? s->nentries : 1, 1);
	for (i = 0; i < p->nnotices; i++) {
		struct snap_entry_conf	*c;
		const char		**n;

		if ((e = (struct snap_entry *)snap_entry(s,
		    p->notices[i].entry)) == NULL ||
		    (unsigned)p->notices[i].kind >= NOTICE__MAX)
			continue;
		c = own_conf(s, e, own);
		if (c->notices == NULL) {
			n = arena_alloc(s->arena, NOTICE__MAX * sizeof(*n));
			memset(n, 0, NOTICE__MAX * sizeof(*n));
			c->notices = n;
		} else	/* ours: allocated just above for this entry */
			n = (const char **)c->notices;
		n[p->notices[i].kind] = p->notices[i].tmpl;
	}
	free(own);
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

/* Every shared settings' schedule id becomes the schedule (or NULL). */
static void
resolve_conf_schedules(struct snap *s)
{
	struct intern		*t = &s->pending->confs;
	struct snap_entry_conf	*c;
	size_t			 i;

	for (i = 0; i < t->size; i++) {
		if ((c = (struct snap_entry_conf *)t->slot[i]) == NULL ||
		    c->schedule == NULL)
			continue;
		c->schedule = snap_schedule(s, (const char *)c->schedule);
	}
}

/*
 * Entries in display order, exactly as many as there are (the build
 * array doubled), with the by-id index and their fallback groups.
 */
static void
order_entries(struct snap *s)
{
	struct entry_at		*at;
	struct snap_entry	*out;
	struct id_at		*ids;
	size_t			 i, n = s->nentries;

	at = xcalloc(n ? n : 1, sizeof(*at));
	for (i = 0; i < n; i++) {
		at[i].e = &s->entries[i];
		at[i].sort = s->pending->entry[i].sort;
		at[i].added = (uint32_t)i;
	}
	sort(at, n, sizeof(*at), cmp_entry_display);
	out = xcalloc(n ? n : 1, sizeof(*out));
	for (i = 0; i < n; i++) {
		const struct pend_entry	*pe = &s->pending->entry[at[i].added];

		out[i] = *at[i].e;
		out[i].group = pe->group_id != NULL ?
		    snap_group(s, pe->group_id) : NULL;
		if (pe->link == NULL)
			continue;
		s->links = grow(s->links, s->nlinks, sizeof(*s->links));
		s->links[s->nlinks].entry = (uint32_t)i;
		s->links[s->nlinks++].url = pe->link;
	}
	free(at);
	free(s->entries);
	s->entries = out;
	ids = xcalloc(n ? n : 1, sizeof(*ids));
	for (i = 0; i < n; i++) {
		ids[i].id = s->entries[i].id;
		ids[i].at = (uint32_t)i;
	}
	sort(ids, n, sizeof(*ids), cmp_id_at);
	s->entries_by_id = xcalloc(n ? n : 1, sizeof(*s->entries_by_id));
	for (i = 0; i < n; i++)
		s->entries_by_id[i] = ids[i].at;
	free(ids);
}

void
snap_finish(struct snap *s)
{
	size_t	 i;

	sort(s->agents, s->nagents, sizeof(*s->agents), cmp_agent);
	sort(s->groups, s->ngroups, sizeof(*s->groups), cmp_group);
	sort(s->schedules, s->nschedules, sizeof(*s->schedules), cmp_schedule);
	resolve_schedules(s);
	for (i = 0; i < s->nagents; i++)
		if (s->agents[i].schedule_id != NULL)
			s->agents[i].schedule = snap_schedule(s,
			    s->agents[i].schedule_id);
	resolve_conf_schedules(s);
	order_entries(s);
	resolve_agent_links(s, s->pending->members, s->pending->nmembers,
	    s->ngroups, group_index, &s->members, put_members);
	snap_rotation(s);
	resolve_designated(s);
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

const struct snap_agent *
snap_designated(const struct snap *s, const struct snap_entry *e, size_t i)
{
	return &s->agents[s->designated[e->designated + i]];
}

static int
cmp_link_entry(const void *a, const void *b)
{
	uint32_t	 x = ((const struct snap_entry_link *)a)->entry;
	uint32_t	 y = ((const struct snap_entry_link *)b)->entry;

	return (x > y) - (x < y);
}

const struct snap_rule *
snap_rules(const struct snap *s, const struct snap_entry *e, size_t *n)
{
	const struct snap_entry_rules	 key = {
	    .entry = (uint32_t)(e - s->entries) };
	const struct snap_entry_rules	*run = NULL;

	if (s->nrule_runs > 0)
		run = bsearch(&key, s->rule_runs, s->nrule_runs,
		    sizeof(*s->rule_runs), cmp_rule_run);
	*n = run != NULL ? run->n : 0;
	return run != NULL ? &s->rules[run->first] : NULL;
}

const char *
snap_wecom_link(const struct snap *s, const struct snap_entry *e)
{
	const struct snap_entry_link	 key = {
	    .entry = (uint32_t)(e - s->entries) };
	const struct snap_entry_link	*l = NULL;

	if (s->nlinks > 0)
		l = bsearch(&key, s->links, s->nlinks, sizeof(*s->links),
		    cmp_link_entry);
	return l != NULL ? l->url : NULL;
}

const char *
snap_entry_label(const struct snap_entry *e)
{
	return e->id + strlen(e->id) + 1;
}

const struct snap_entry *
snap_entry(const struct snap *s, const char *id)
{
	size_t	 lo = 0, hi = s->nentries, mid;
	int	 c;

	if (s->entries_by_id == NULL)
		return NULL;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(id, s->entries[s->entries_by_id[mid]].id);
		if (c == 0)
			return &s->entries[s->entries_by_id[mid]];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
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
