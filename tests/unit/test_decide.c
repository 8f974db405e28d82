/*
 * The routing engine: every strategy and rule kind, capacity edges,
 * schedules, strict vs overflow, decision order, and the invariant that
 * nobody unavailable is ever chosen.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>

#include "arena.h"
#include "decide.h"
#include "snap.h"

/* Fixed-offset zones "UTC+480" for deterministic local times. */
static int
lt(const char *zone, time_t t, struct tm *out)
{
	t += (time_t)atoi(zone + 3) * 60;
	return gmtime_r(&t, out) != NULL ? 0 : -1;
}

/* Monday 2026-11-23 10:00 in UTC+480 (02:00 UTC). */
#define MON_10	((time_t)1795399200)

/* What a commit does to the snapshot's live state (assign.c). */
static void
commit(struct snap *s, const struct decide_result *d, int64_t at_ms)
{
	if (d->agent != NULL && snap_assigned(s, d->agent->id, at_ms))
		snap_rotation(s);
}

struct agent_spec {
	const char		*id;
	enum agent_status	 status;
	int			 capacity, active, enabled;
	int64_t			 last;
	const char		*schedule;
};

static void
add_agents(struct snap *s, const struct agent_spec *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct snap_agent x = { .id = a[i].id, .name = a[i].id,
		    .status = a[i].status, .capacity = a[i].capacity,
		    .active = a[i].active, .enabled = a[i].enabled,
		    .last_assigned = a[i].last, .schedule_id = a[i].schedule };
		snap_add_agent(s, &x);
	}
}

/* Five online agents with room, a group g of all five, in order. */
static struct snap *
base(void)
{
	static const struct agent_spec agents[] = {
		{ "a1", AGENT_ONLINE, 5, 0, 1, 0, NULL },
		{ "a2", AGENT_ONLINE, 5, 0, 1, 0, NULL },
		{ "a3", AGENT_ONLINE, 5, 0, 1, 0, NULL },
		{ "a4", AGENT_ONLINE, 5, 0, 1, 0, NULL },
		{ "a5", AGENT_ONLINE, 5, 0, 1, 0, NULL },
	};
	struct snap	*s = snap_new();
	struct snap_slot sl = { 1, 9 * 60, 18 * 60 };	/* Monday 9-18 */

	add_agents(s, agents, 5);
	snap_add_group(s, "g", "组");
	snap_add_group(s, "empty", "空组");
	snap_add_group(s, "global", "兜底");
	for (int i = 0; i < 5; i++) {
		char id[16];
		snprintf(id, sizeof(id), "a%d", i + 1);
		snap_add_member(s, "g", id, i);
	}
	snap_add_member(s, "global", "a5", 0);
	snap_add_schedule(s, "mon", "周一", "UTC+480");
	snap_add_slot(s, "mon", &sl);
	return s;
}

static void
entry(struct snap *s, const char *id, enum policy p, const char *group,
    enum strategy st)
{
	struct snap_entry_in	 e = { .id = id, .label = id, .enabled = 1,
	    .group_id = group, .conf = { .policy = p, .strategy = st } };

	snap_add_entry(s, &e);
}

/* An entry's settings to change after the build: its own copy (entries
 * with equal settings share them). Freed with the snapshot. */
static struct snap_entry_conf *
own(struct snap *s, const char *id)
{
	struct snap_entry	*e = (struct snap_entry *)snap_entry(s, id);
	struct snap_entry_conf	*c = arena_alloc(s->arena, sizeof(*c));

	*c = *e->conf;
	e->conf = c;
	return c;
}

static struct snap_agent *
agent(struct snap *s, const char *id)
{
	return (struct snap_agent *)snap_agent(s, id);
}

/* 1: decisions wait for a busy preferred person (widen_after_s on). */
static int	 hold_on;

static struct decide_result
run(struct snap *s, const char *entry_id, const struct decide_customer *c,
    uint32_t rnd, struct decide_trace *tr)
{
	struct decide_input	 in = { .snap = s,
	    .entry = snap_entry(s, entry_id), .customer = c,
	    .global_group = snap_group(s, "global"),
	    .global_strategy = STRAT_ORDERED, .default_tz = "UTC+480",
	    .now = MON_10, .random = rnd, .localtime = lt, .trace = tr,
	    .hold = hold_on };
	struct decide_result	 d;

	assert_non_null(in.entry);
	decide(&in, &d);
	return d;
}

static const char *
reason(const struct decide_result *d)
{
	static char	 buf[128];

	decide_reason_text(d, buf, sizeof(buf));
	return buf;
}

#define CHOSEN(d, want) do {						\
	assert_non_null((d).agent);					\
	assert_string_equal((d).agent->id, (want));			\
} while (0)

static void
test_designated_first(void **state)
{
	struct snap		*s = base();
	struct decide_result	 d;

	(void)state;
	entry(s, "e", POLICY_OVERFLOW, "g", STRAT_ORDERED);
	snap_add_designated(s, "e", "a3", 0);
	snap_finish(s);
	d = run(s, "e", NULL, 0, NULL);
	CHOSEN(d, "a3");
	assert_string_equal(reason(&d), "designated");
	assert_false(d.fallback);
	assert_int_equal(d.notice, NOTICE_CONNECTED);
	assert_int_equal(d.next_open, -1);
	snap_free(s);
}

static void
test_designated_offline_overflows(void **state)
{
	struct snap		*s = base();
	struct decide_result	 d;
	struct decide_trace	 tr;

	(void)state;
	entry(s, "e", POLICY_OVERFLOW, "g", STRAT_ORDERED);
	snap_add_designated(s, "e", "a1", 0);
	snap_finish(s);
	agent(s, "a1")->status = AGENT_OFFLINE;
	d = run(s, "e", NULL, 0, &tr);
	CHOSEN(d, "a2");
	assert_string_equal(reason(&d), "group:g:ordered");
	assert_true(d.fallback);
	assert_string_equal(d.designated->id, "a1");
	assert_int_equal(d.notice, NOTICE_FALLBACK);
	/* The trace names every candidate and why. */
	assert_int_equal(tr.items[0].step, STEP_DESIGNATED);
	assert_string_equal(tr.items[0].agent_id, "a1");
	assert_int_equal(tr.items[0].verdict, VERDICT_OFFLINE);
	assert_int_equal(tr.items[1].verdict, VERDICT_OFFLINE);	/* a1 in g */
	assert_int_equal(tr.items[2].verdict, VERDICT_CHOSEN);	/* a2 */
	assert_int_equal(tr.items[3].verdict, VERDICT_AVAILABLE);
	snap_free(s);
}

static void
test_capacity_edges(void **state)
{
	struct snap		*s = base();
	struct decide_result	 d;

	(void)state;
	entry(s, "e", POLICY_OVERFLOW, "g", STRAT_ORDERED);
	entry(s, "over", POLICY_OVERFLOW, "g", STRAT_ORDERED);
	snap_add_designated(s, "e", "a1", 0);
	snap_add_designated(s, "over", "a1", 0);
	snap_finish(s);
	own(s, "over")->over_capacity = 1;
	agent(s, "a1")->active = 4;	/* one below capacity: takes it */
	d = run(s, "e", NULL, 0, NULL);
	CHOSEN(d, "a1");
	agent(s, "a1")->active = 5;	/* at capacity: full */
	d = run(s, "e", NULL, 0, NULL);
	CHOSEN(d, "a2");
	assert_int_equal(d.notice, NOTICE_FALLBACK_BUSY);
	assert_int_equal(d.designated_verdict, VERDICT_FULL);
	/* An entry may let its designated agent exceed capacity... */
	d = run(s, "over", NULL, 0, NULL);
	CHOSEN(d, "a1");
	/* ...but not through the group, where a1 is just a member. */
	agent(s, "a1")->status = AGENT_BUSY;
	d = run(s, "over", NULL, 0, NULL);
	CHOSEN(d, "a2");
	assert_int_equal(d.designated_verdict, VERDICT_BUSY);
	/* capacity 0 never takes anyone. */
	agent(s, "a2")->capacity = 0;
	d = run(s, "e", NULL, 0, NULL);
	CHOSEN(d, "a3");
	snap_free(s);
}

static void
test_disabled_and_off_shift(void **state)
{
	struct snap		*s = base();
	struct decide_result	 d;
	static const struct agent_spec night[] = {
		{ "n1", AGENT_ONLINE, 5, 0, 1, 0, "nights" },
	};
	struct snap_slot	 sl = { 1, 20 * 60, 23 * 60 };

	(void)state;
	add_agents(s, night, 1);
	snap_add_schedule(s, "nights", "晚班", "UTC+480");
	snap_add_slot(s, "nights", &sl);
	entry(s, "e", POLICY_OVERFLOW, "g", STRAT_ORDERED);
	snap_add_designated(s, "e", "n1", 0);
	snap_add_designated(s, "e", "a1", 1);
	snap_finish(s);
	d = run(s, "e", NULL, 0, NULL);	/* 10:00: n1 is off shift */
	CHOSEN(d, "a1");
	assert_string_equal(reason(&d), "designated");
	assert_true(d.fallback);
	assert_int_equal(d.designated_verdict, VERDICT_OFF_SHIFT);
	agent(s, "a1")->enabled = 0;
	d = run(s, "e", NULL, 0, NULL);
	CHOSEN(d, "a2");
	snap_free(s);
}

static void
test_strict_never_overflows(void **state)
{
	struct snap		*s = base();
	struct decide_result	 d;

	(void)state;
	entry(s, "vip", POLICY_STRICT, "g", STRAT_ORDERED);
	snap_add_designated(s, "vip", "a5", 0);
	snap_add_rule(s, "vip", &(struct snap_rule){ .id = 1,
	    .kind = RULE_LEVEL_AT_LEAST, .level = 0, .target = RTARGET_AGENT,
	    .target_id = "a1" });
	snap_finish(s);
	d = run(s, "vip", NULL, 0, NULL);
	CHOSEN(d, "a5");
	agent(s, "a5")->status = AGENT_OFFLINE;
	d = run(s, "vip", &(struct decide_customer){ .key = "k", .level = 9,
	    .manager_id = "a2", .sticky_id = "a3" }, 0, NULL);
	assert_null(d.agent);
	assert_string_equal(reason(&d), "none:offline");
	assert_int_equal(d.notice, NOTICE_STRICT_OFFLINE);
	assert_string_equal(d.designated->id, "a5");
	agent(s, "a5")->status = AGENT_ONLINE;
	agent(s, "a5")->active = 5;
	d = run(s, "vip", NULL, 0, NULL);
	assert_null(d.agent);
	assert_string_equal(reason(&d), "none:full");
	assert_int_equal(d.notice, NOTICE_STRICT_BUSY);
	snap_free(s);
}

static void
test_ordered_and_round_robin(void **state)
{
	struct snap		*s = base();
	struct decide_result	 d;
	const char		*want[] = { "a1", "a2", "a4", "a5", "a1", "a2" };

	(void)state;
	entry(s, "o", POLICY_OVERFLOW, "g", STRAT_ORDERED);
	entry(s, "rr", POLICY_OVERFLOW, "g", STRAT_ROUND_ROBIN);
	snap_finish(s);
	d = run(s, "o", NULL, 0, NULL);
	CHOSEN(d, "a1");
	agent(s, "a3")->status = AGENT_OFFLINE;	/* skipped in turn */
	for (size_t i = 0; i < 6; i++) {
		d = run(s, "rr", NULL, 0, NULL);
		CHOSEN(d, want[i]);
		assert_string_equal(reason(&d), "group:g:round_robin");
		commit(s, &d, MON_10 * 1000LL + (int64_t)i);
	}
	/* Ordered does not move with commits. */
	d = run(s, "o", NULL, 0, NULL);
	CHOSEN(d, "a1");
	snap_free(s);
}

static void
test_least_busy_and_ties(void **state)
{
	struct snap		*s = base();
	struct decide_result	 d;

	(void)state;
	entry(s, "lb", POLICY_OVERFLOW, "g", STRAT_LEAST_BUSY);
	snap_finish(s);
	agent(s, "a1")->active = 3;			/* 3/5 = 0.6 */
	agent(s, "a2")->active = 1;
	agent(s, "a2")->capacity = 2;			/* 1/2 = 0.5 */
	agent(s, "a3")->active = 2;			/* 2/5 = 0.4 */
	agent(s, "a4")->active = 4;
	agent(s, "a4")->capacity = 10;			/* 4/10 = 0.4 */
	agent(s, "a5")->active = 5;			/* full */
	agent(s, "a3")->last_assigned = 200;
	agent(s, "a4")->last_assigned = 100;		/* idle longer */
	d = run(s, "lb", NULL, 0, NULL);
	CHOSEN(d, "a4");
	assert_string_equal(reason(&d), "group:g:least_busy");
	/* Same load and idle time: the earlier member. */
	agent(s, "a4")->last_assigned = 200;
	d = run(s, "lb", NULL, 0, NULL);
	CHOSEN(d, "a3");
	/* A full agent is never least busy enough. */
	agent(s, "a1")->active = 5;
	agent(s, "a2")->active = 2;
	agent(s, "a3")->active = 5;
	agent(s, "a4")->active = 10;
	d = run(s, "lb", NULL, 0, NULL);
	assert_null(d.agent);
	assert_string_equal(reason(&d), "none:full");
	assert_int_equal(d.notice, NOTICE_BUSY);
	snap_free(s);
}

static void
test_longest_idle(void **state)
{
	struct snap		*s = base();
	struct decide_result	 d;

	(void)state;
	entry(s, "li", POLICY_OVERFLOW, "g", STRAT_LONGEST_IDLE);
	snap_finish(s);
	for (int i = 1; i <= 5; i++) {
		char id[16];
		snprintf(id, sizeof(id), "a%d", i);
		agent(s, id)->last_assigned = 1000 - i;	/* a5 idlest */
	}
	d = run(s, "li", NULL, 0, NULL);
	CHOSEN(d, "a5");
	commit(s, &d, MON_10 * 1000LL);
	assert_int_equal(agent(s, "a5")->last_assigned, MON_10 * 1000LL);
	d = run(s, "li", NULL, 0, NULL);
	CHOSEN(d, "a4");
	agent(s, "a2")->last_assigned = 0;		/* never assigned */
	d = run(s, "li", NULL, 0, NULL);
	CHOSEN(d, "a2");
	snap_free(s);
}

static void
test_random(void **state)
{
	struct snap		*s = base();
	struct decide_result	 d;

	(void)state;
	entry(s, "r", POLICY_OVERFLOW, "g", STRAT_RANDOM);
	snap_finish(s);
	agent(s, "a2")->status = AGENT_OFFLINE;
	/* Available: a1 a3 a4 a5; the random number picks among them. */
	d = run(s, "r", NULL, 0, NULL);
	CHOSEN(d, "a1");
	d = run(s, "r", NULL, 1, NULL);
	CHOSEN(d, "a3");
	d = run(s, "r", NULL, 3, NULL);
	CHOSEN(d, "a5");
	d = run(s, "r", NULL, 4, NULL);
	CHOSEN(d, "a1");
	assert_string_equal(reason(&d), "group:g:random");
	snap_free(s);
}

static void
test_empty_group_and_nobody(void **state)
{
	struct snap		*s = base();
	struct decide_result	 d;

	(void)state;
	entry(s, "e", POLICY_OVERFLOW, "empty", STRAT_ORDERED);
	entry(s, "none", POLICY_OVERFLOW, NULL, STRAT_ORDERED);
	snap_finish(s);
	/* Empty group, then the global group. */
	d = run(s, "e", NULL, 0, NULL);
	CHOSEN(d, "a5");
	assert_string_equal(reason(&d), "group:global:ordered");
	assert_int_equal(d.reason, REASON_GLOBAL);
	assert_false(d.fallback);
	agent(s, "a5")->status = AGENT_OFFLINE;
	d = run(s, "e", NULL, 0, NULL);
	assert_null(d.agent);
	assert_string_equal(reason(&d), "none:offline");
	assert_int_equal(d.notice, NOTICE_OFFLINE);
	d = run(s, "none", NULL, 0, NULL);
	assert_null(d.agent);
	snap_free(s);
}

static void
test_closed_entry(void **state)
{
	struct snap		*s = base();
	struct decide_result	 d;
	struct decide_input	 in;

	(void)state;
	entry(s, "e", POLICY_OVERFLOW, "g", STRAT_ORDERED);
	snap_add_designated(s, "e", "a1", 0);
	snap_finish(s);
	own(s, "e")->schedule = snap_schedule(s, "mon");
	d = run(s, "e", NULL, 0, NULL);		/* Monday 10:00: open */
	CHOSEN(d, "a1");
	in = (struct decide_input){ .snap = s, .entry = snap_entry(s, "e"),
	    .default_tz = "UTC+480", .now = MON_10 + 9 * 3600,	/* 19:00 */
	    .localtime = lt };
	decide(&in, &d);
	assert_null(d.agent);
	assert_string_equal(reason(&d), "none:closed");
	assert_int_equal(d.notice, NOTICE_CLOSED);
	/* Next Monday 09:00 local = 01:00 UTC, a week after MON_10 - 1h. */
	assert_int_equal(d.next_open, MON_10 - 3600 + 7 * 86400);
	snap_free(s);
}

static void
test_rules(void **state)
{
	struct snap		*s = base();
	struct decide_result	 d;
	struct decide_customer	 vip = { .key = "v", .level = 5,
	    .tags = "vip,wholesale", .manager_id = "a3",
	    .order_agent_id = "a4" };

	(void)state;
	entry(s, "e", POLICY_OVERFLOW, "g", STRAT_ORDERED);
	snap_add_designated(s, "e", "a1", 0);
	/* Added out of order: priority decides, then id. */
	snap_add_rule(s, "e", &(struct snap_rule){ .id = 5, .priority = 20,
	    .kind = RULE_HAS_TAG, .tag = "wholesale", .target = RTARGET_GROUP,
	    .target_id = "g", .strategy = STRAT_LEAST_BUSY });
	snap_add_rule(s, "e", &(struct snap_rule){ .id = 4, .priority = 10,
	    .kind = RULE_LEVEL_AT_LEAST, .level = 3, .target = RTARGET_AGENT,
	    .target_id = "a2" });
	snap_add_rule(s, "e", &(struct snap_rule){ .id = 6, .priority = 30,
	    .kind = RULE_ORDER_AGENT, .target = RTARGET_IMPLICIT });
	snap_add_rule(s, "e", &(struct snap_rule){ .id = 7, .priority = 40,
	    .kind = RULE_ACCOUNT_MANAGER, .target = RTARGET_IMPLICIT });
	snap_finish(s);
	d = run(s, "e", &vip, 0, NULL);
	CHOSEN(d, "a2");
	assert_string_equal(reason(&d), "rule:4");
	/* Its target away: the next matching rule, a group by least busy. */
	agent(s, "a2")->status = AGENT_OFFLINE;
	agent(s, "a1")->active = 1;
	d = run(s, "e", &vip, 0, NULL);
	CHOSEN(d, "a3");
	assert_string_equal(reason(&d), "rule:5");
	assert_true(d.fallback);
	/* No tag: the order's agent. */
	vip.tags = "";
	d = run(s, "e", &vip, 0, NULL);
	CHOSEN(d, "a4");
	assert_string_equal(reason(&d), "rule:6");
	/* No order either: the account manager rule. */
	vip.order_agent_id = NULL;
	d = run(s, "e", &vip, 0, NULL);
	CHOSEN(d, "a3");
	assert_string_equal(reason(&d), "rule:7");
	/* Anonymous: no customer rule matches; the designated agent. */
	d = run(s, "e", NULL, 0, NULL);
	CHOSEN(d, "a1");
	assert_string_equal(reason(&d), "designated");
	snap_free(s);
}

static void
test_time_window_rule(void **state)
{
	struct snap		*s = base();
	struct decide_result	 d;
	struct decide_input	 in;

	(void)state;
	entry(s, "e", POLICY_OVERFLOW, "g", STRAT_ORDERED);
	snap_add_rule(s, "e", &(struct snap_rule){ .id = 1,
	    .kind = RULE_TIME_WINDOW, .win_start = 22 * 60, .win_end = 2 * 60,
	    .target = RTARGET_AGENT, .target_id = "a5" });
	snap_finish(s);
	d = run(s, "e", NULL, 0, NULL);		/* 10:00: no match */
	CHOSEN(d, "a1");
	in = (struct decide_input){ .snap = s, .entry = snap_entry(s, "e"),
	    .default_tz = "UTC+480", .now = MON_10 + 15 * 3600,	/* 01:00 */
	    .localtime = lt };
	decide(&in, &d);
	CHOSEN(d, "a5");
	assert_string_equal(reason(&d), "rule:1");
	snap_free(s);
}

static void
test_manager_sticky_and_order(void **state)
{
	struct snap		*s = base();
	struct decide_result	 d;
	struct decide_customer	 c = { .key = "k", .manager_id = "a3",
	    .sticky_id = "a4" };
	enum step		 order[STEP__MAX];
	size_t			 n;

	(void)state;
	entry(s, "e", POLICY_OVERFLOW, "g", STRAT_ORDERED);
	snap_add_designated(s, "e", "a1", 0);
	snap_finish(s);
	agent(s, "a1")->status = AGENT_OFFLINE;
	d = run(s, "e", &c, 0, NULL);
	CHOSEN(d, "a3");
	assert_string_equal(reason(&d), "account_manager");
	assert_int_equal(d.notice, NOTICE_FALLBACK);
	agent(s, "a3")->status = AGENT_OFFLINE;
	d = run(s, "e", &c, 0, NULL);
	CHOSEN(d, "a4");
	assert_string_equal(reason(&d), "sticky");
	/* An unknown sticky agent is skipped as unknown. */
	c.sticky_id = "gone";
	d = run(s, "e", &c, 0, NULL);
	CHOSEN(d, "a2");
	/* The entry's own order: sticky before designated. */
	c.sticky_id = "a4";
	agent(s, "a1")->status = AGENT_ONLINE;
	assert_int_equal(snap_parse_order("sticky,designated", order, &n), 0);
	{
		struct snap_entry_conf *ec = own(s, "e");

		memcpy(ec->order, order, sizeof(order));
		ec->norder = n;
	}
	d = run(s, "e", &c, 0, NULL);
	CHOSEN(d, "a4");
	assert_string_equal(reason(&d), "sticky");
	/* Without group or global steps in the order, nobody else. */
	agent(s, "a4")->status = AGENT_OFFLINE;
	agent(s, "a1")->status = AGENT_OFFLINE;
	d = run(s, "e", &c, 0, NULL);
	assert_null(d.agent);
	snap_free(s);
}

/*
 * The invariant: whatever the states, a chosen agent is enabled, online,
 * on shift and below capacity (unless it is the entry's designated agent
 * with over-capacity allowed), and a strict entry only ever picks its
 * designated agents.
 */
static void
test_never_picks_unavailable(void **state)
{
	struct snap		*s = base();
	struct decide_result	 d;
	struct decide_customer	 c = { .key = "k", .level = 4, .tags = "vip",
	    .manager_id = "a2", .sticky_id = "a3", .order_agent_id = "a4" };
	static const enum strategy st[] = { STRAT_ORDERED, STRAT_ROUND_ROBIN,
	    STRAT_LEAST_BUSY, STRAT_LONGEST_IDLE, STRAT_RANDOM };
	uint32_t		 x = 12345;
	char			 id[16];

	(void)state;
	for (int k = 0; k < 5; k++) {
		char eid[16];
		snprintf(eid, sizeof(eid), "e%d", k);
		entry(s, eid, k == 4 ? POLICY_STRICT : POLICY_OVERFLOW, "g",
		    st[k]);
		snap_add_designated(s, eid, "a1", 0);
		snap_add_rule(s, eid, &(struct snap_rule){ .id = k,
		    .kind = RULE_HAS_TAG, .tag = "vip",
		    .target = RTARGET_GROUP, .target_id = "g",
		    .strategy = st[k] });
	}
	snap_finish(s);
	for (int round = 0; round < 5000; round++) {
		for (int i = 1; i <= 5; i++) {
			struct snap_agent *a;

			snprintf(id, sizeof(id), "a%d", i);
			a = agent(s, id);
			x ^= x << 13, x ^= x >> 17, x ^= x << 5;
			a->status = (enum agent_status)(x % 3);
			a->enabled = (x >> 3) % 5 != 0;
			a->capacity = (int)((x >> 6) % 4);
			a->active = (int)((x >> 9) % 5);
			a->last_assigned = (x >> 12) % 50;
		}
		for (int k = 0; k < 5; k++) {
			char eid[16];
			snprintf(eid, sizeof(eid), "e%d", k);
			d = run(s, eid, round % 2 ? &c : NULL, x, NULL);
			if (d.agent == NULL) {
				assert_true(d.reason >= REASON_NONE_OFFLINE);
				continue;
			}
			assert_true(d.agent->enabled);
			assert_int_equal(d.agent->status, AGENT_ONLINE);
			assert_true(d.agent->active < d.agent->capacity);
			if (k == 4)
				assert_string_equal(d.agent->id, "a1");
			commit(s, &d, MON_10 * 1000LL + round * 5 + k);
		}
	}
	snap_free(s);
}

static void
test_exclusions(void **state)
{
	struct snap		*s = base();
	struct decide_result	 d;
	struct decide_input	 in;
	const char		*ex[] = { "a1", "a2" };

	(void)state;
	entry(s, "e", POLICY_OVERFLOW, "g", STRAT_ORDERED);
	snap_add_designated(s, "e", "a1", 0);
	snap_finish(s);
	in = (struct decide_input){ .snap = s, .entry = snap_entry(s, "e"),
	    .default_tz = "UTC+480", .now = MON_10, .localtime = lt,
	    .exclude = ex, .nexclude = 2 };
	decide(&in, &d);
	/* a1 refused: skipped as preferred (fallback), a2 too; a3 next. */
	CHOSEN(d, "a3");
	assert_true(d.fallback);
	assert_int_equal(d.designated_verdict, VERDICT_EXCLUDED);
	assert_string_equal(decide_verdict_name(VERDICT_EXCLUDED), "excluded");
	snap_free(s);
}

static void
test_reason_texts(void **state)
{
	struct decide_result	 d = { 0 };
	struct snap_rule	 r = { .id = 12 };
	struct snap_group	 g = { .id = "presale" };

	(void)state;
	d.reason = REASON_RULE;
	d.rule = &r;
	assert_string_equal(reason(&d), "rule:12");
	d.reason = REASON_GROUP;
	d.group = &g;
	d.strategy = STRAT_LEAST_BUSY;
	assert_string_equal(reason(&d), "group:presale:least_busy");
	d.reason = REASON_NONE_CLOSED;
	assert_string_equal(reason(&d), "none:closed");
	d.reason = REASON_ACCOUNT_MANAGER;
	assert_string_equal(reason(&d), "account_manager");
	assert_string_equal(decide_verdict_name(VERDICT_OFF_SHIFT),
	    "off_shift");
}

/*
 * Hold (widen_after_s): a busy or full preferred person is waited for
 * instead of a group member or nobody; an offline one is not; another
 * preferred person who is free answers; strict and closed entries are
 * as before; off, nothing changes.
 */
static void
test_hold(void **state)
{
	struct snap		*s = base();
	struct decide_result	 d;
	struct decide_customer	 c = { .key = "k", .manager_id = "a3" };
	struct snap_rule	 rule = { .id = 7, .priority = 1,
	    .kind = RULE_LEVEL_AT_LEAST, .level = 5, .target = RTARGET_AGENT,
	    .target_id = "a4" };
	struct snap_entry	*e;

	(void)state;
	entry(s, "e", POLICY_OVERFLOW, "g", STRAT_ORDERED);
	entry(s, "strict", POLICY_STRICT, NULL, STRAT_ORDERED);
	entry(s, "night", POLICY_OVERFLOW, "g", STRAT_ORDERED);
	snap_add_designated(s, "e", "a1", 0);
	snap_add_designated(s, "strict", "a1", 0);
	snap_add_designated(s, "night", "a1", 0);
	snap_add_rule(s, "e", &rule);
	snap_finish(s);
	own(s, "night")->schedule = snap_schedule(s, "mon");
	hold_on = 1;
	/* Free: chosen as always. */
	d = run(s, "e", NULL, 0, NULL);
	CHOSEN(d, "a1");
	assert_false(d.hold);
	/* Busy, full: held for them, named, no fallback. */
	for (int k = 0; k < 2; k++) {
		agent(s, "a1")->status = k == 0 ? AGENT_BUSY : AGENT_ONLINE;
		agent(s, "a1")->active = k == 0 ? 0 : 5;
		d = run(s, "e", NULL, 0, NULL);
		CHOSEN(d, "a1");
		assert_true(d.hold);
		assert_false(d.fallback);
		assert_string_equal(reason(&d), "designated");
		assert_int_equal(d.notice, NOTICE_HOLD);
	}
	/* The trace says so: the person held, nobody of the group chosen. */
	{
		struct decide_trace	 tr;
		size_t			 i, held = 0;

		d = run(s, "e", NULL, 0, &tr);
		assert_true(d.hold);
		for (i = 0; i < tr.n; i++) {
			assert_int_not_equal(tr.items[i].verdict,
			    VERDICT_CHOSEN);
			if (tr.items[i].verdict != VERDICT_HELD)
				continue;
			held++;
			assert_int_equal(tr.items[i].step, STEP_DESIGNATED);
			assert_string_equal(tr.items[i].agent_id, "a1");
		}
		assert_int_equal(held, 1);
		assert_string_equal(decide_verdict_name(VERDICT_HELD), "held");
	}
	/* Also when the whole group is busy (else nobody). */
	for (int i = 2; i <= 5; i++) {
		char id[16];
		snprintf(id, sizeof(id), "a%d", i);
		agent(s, id)->status = AGENT_BUSY;
	}
	d = run(s, "e", NULL, 0, NULL);
	CHOSEN(d, "a1");
	assert_true(d.hold);
	for (int i = 2; i <= 5; i++) {
		char id[16];
		snprintf(id, sizeof(id), "a%d", i);
		agent(s, id)->status = AGENT_ONLINE;
	}
	/* Another preferred person who is free answers (no hold). */
	d = run(s, "e", &c, 0, NULL);
	CHOSEN(d, "a3");
	assert_string_equal(reason(&d), "account_manager");
	assert_false(d.hold);
	/* The rule's person busy: held for them, with the rule's reason. */
	c.level = 9;
	c.manager_id = NULL;
	agent(s, "a4")->status = AGENT_BUSY;
	d = run(s, "e", &c, 0, NULL);
	CHOSEN(d, "a4");
	assert_true(d.hold);
	assert_string_equal(reason(&d), "rule:7");
	assert_int_equal(d.rule->id, 7);
	agent(s, "a4")->status = AGENT_ONLINE;
	/* Offline: not waited for, on down the chain with the notice. */
	agent(s, "a1")->status = AGENT_OFFLINE;
	agent(s, "a1")->active = 0;
	d = run(s, "e", NULL, 0, NULL);
	CHOSEN(d, "a2");
	assert_false(d.hold);
	assert_int_equal(d.notice, NOTICE_FALLBACK);
	/* Strict waits for its person anyway: its own notices. */
	agent(s, "a1")->status = AGENT_BUSY;
	d = run(s, "strict", NULL, 0, NULL);
	assert_null(d.agent);
	assert_false(d.hold);
	assert_int_equal(d.notice, NOTICE_STRICT_BUSY);
	/* Closed: closed, not held. */
	e = (struct snap_entry *)snap_entry(s, "night");
	{
		struct decide_input	 in = { .snap = s, .entry = e,
		    .global_strategy = STRAT_ORDERED,
		    .default_tz = "UTC+480", .now = MON_10 + 10 * 3600,
		    .localtime = lt, .hold = 1 };

		decide(&in, &d);
		assert_null(d.agent);
		assert_false(d.hold);
		assert_int_equal(d.notice, NOTICE_CLOSED);
	}
	/* Off: the same busy person is passed over as before. */
	hold_on = 0;
	d = run(s, "e", NULL, 0, NULL);
	CHOSEN(d, "a2");
	assert_false(d.hold);
	assert_int_equal(d.notice, NOTICE_FALLBACK_BUSY);
	snap_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_designated_first),
		cmocka_unit_test(test_designated_offline_overflows),
		cmocka_unit_test(test_capacity_edges),
		cmocka_unit_test(test_disabled_and_off_shift),
		cmocka_unit_test(test_strict_never_overflows),
		cmocka_unit_test(test_ordered_and_round_robin),
		cmocka_unit_test(test_least_busy_and_ties),
		cmocka_unit_test(test_longest_idle),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_empty_group_and_nobody),
		cmocka_unit_test(test_closed_entry),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_time_window_rule),
		cmocka_unit_test(test_manager_sticky_and_order),
		cmocka_unit_test(test_never_picks_unavailable),
		cmocka_unit_test(test_exclusions),
		cmocka_unit_test(test_reason_texts),
		cmocka_unit_test(test_hold),	/* last: it sets hold_on */
	};

	return cmocka_run_group_tests_name("decide", tests, NULL, NULL);
}
