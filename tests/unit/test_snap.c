/* Snapshot building and lookup. */
#include "unit.h"

#include <stdio.h>

#include "snap.h"

static struct snap *
demo(void)
{
	struct snap		*s = snap_new();
	struct snap_agent	 a = { .status = AGENT_ONLINE, .capacity = 5,
	    .enabled = 1 };
	struct snap_entry_in	 e = { .enabled = 1, .ttype = TARGET_PAGE };
	char			 id[16], name[16];

	a.id = "wang"; a.name = "小王";
	snap_add_agent(s, &a);
	a.id = "li"; a.name = "小李"; a.status = AGENT_BUSY;
	snap_add_agent(s, &a);
	/* Transient buffers: the snapshot must copy what it keeps. */
	for (int i = 9; i >= 0; i--) {
		snprintf(id, sizeof(id), "e%d", i);
		snprintf(name, sizeof(name), "n%d", i);
		e.id = id; e.label = name; e.target = "/p";
		e.sort = i % 3;
		snap_add_entry(s, &e);
		snap_add_designated(s, id, i % 2 ? "li" : "wang", 0);
	}
	e.id = "orphan"; e.sort = 100;
	snap_add_entry(s, &e);
	snap_add_designated(s, "orphan", "ghost", 0);
	snap_add_designated(s, "e1", "wang", 5);	/* second, after li */
	snap_add_group(s, "g2", "二组");
	snap_add_group(s, "g1", "一组");
	snap_add_member(s, "g1", "li", 2);
	snap_add_member(s, "g1", "wang", 1);
	snap_add_member(s, "g1", "ghost", 0);
	snap_add_member(s, "nogroup", "wang", 0);
	snap_finish(s);
	return s;
}

static void
test_lookup(void **state)
{
	struct snap		*s = demo();
	const struct snap_entry	*e;

	(void)state;
	assert_int_equal(s->nentries, 11);
	assert_non_null(e = snap_entry(s, "e7"));
	assert_string_equal(snap_entry_label(e), "n7");
	assert_int_equal(e->ndesignated, 1);
	assert_string_equal(snap_designated(s, e, 0)->name, "小李");
	assert_int_equal(snap_designated(s, e, 0)->status, AGENT_BUSY);
	/* Designated agents keep their position order. */
	assert_non_null(e = snap_entry(s, "e1"));
	assert_int_equal(e->ndesignated, 2);
	assert_string_equal(snap_designated(s, e, 0)->id, "li");
	assert_string_equal(snap_designated(s, e, 1)->id, "wang");
	/* Entries get the default decision order. */
	assert_int_equal(e->conf->norder, STEP__MAX);
	assert_int_equal(e->conf->order[0], STEP_RULES);
	assert_null(snap_entry(s, "e10"));
	assert_null(snap_entry(s, ""));
	/* A reference to a missing agent is dropped, not left dangling. */
	assert_non_null(e = snap_entry(s, "orphan"));
	assert_int_equal(e->ndesignated, 0);
	assert_null(snap_agent(s, "ghost"));
	snap_free(s);
}

static void
test_display_order(void **state)
{
	struct snap	*s = demo();
	const char	*want[] = { "e0", "e3", "e6", "e9", "e1", "e4", "e7",
	    "e2", "e5", "e8", "orphan" };

	(void)state;
	for (size_t i = 0; i < s->nentries; i++)
		assert_string_equal(s->entries[i].id, want[i]);
	snap_free(s);
}

static void
test_groups(void **state)
{
	struct snap		*s = demo();
	const struct snap_group	*g;

	(void)state;
	assert_non_null(g = snap_group(s, "g1"));
	assert_string_equal(g->name, "一组");
	assert_int_equal(g->nmembers, 2);	/* ghost skipped */
	assert_string_equal(g->members[0]->id, "wang");	/* position 1 */
	assert_string_equal(g->members[1]->id, "li");	/* position 2 */
	assert_non_null(g = snap_group(s, "g2"));
	assert_int_equal(g->nmembers, 0);
	assert_null(snap_group(s, "nogroup"));
	snap_free(s);
}

static void
test_order_and_runtime(void **state)
{
	enum step	 order[STEP__MAX];
	size_t		 n;
	struct snap	*old = demo(), *fresh = demo();

	(void)state;
	assert_int_equal(snap_parse_order("sticky,designated,group", order,
	    &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(order[0], STEP_STICKY);
	assert_int_equal(order[2], STEP_GROUP);
	assert_int_equal(snap_parse_order("sticky,nope", order, &n), -1);
	assert_int_equal(snap_parse_order("sticky,sticky", order, &n), -1);
	assert_int_equal(snap_parse_order("", order, &n), -1);
	assert_int_equal(snap_parse_order("rules,", order, &n), 0);
	/* Round robin starts after the member assigned most recently. */
	assert_int_equal(snap_group(old, "g1")->rr_next, 0);	/* none yet */
	{
		struct snap	*seeded = snap_new();
		struct snap_agent a = { .enabled = 1 };

		a.id = "x"; a.last_assigned = 50;
		snap_add_agent(seeded, &a);
		a.id = "y"; a.last_assigned = 90;
		snap_add_agent(seeded, &a);
		a.id = "z"; a.last_assigned = 90;	/* tie: the later one */
		snap_add_agent(seeded, &a);
		a.id = "w"; a.last_assigned = 0;
		snap_add_agent(seeded, &a);
		snap_add_group(seeded, "g", "");
		snap_add_member(seeded, "g", "x", 0);
		snap_add_member(seeded, "g", "y", 1);
		snap_add_member(seeded, "g", "z", 2);
		snap_add_member(seeded, "g", "w", 3);
		snap_finish(seeded);
		assert_int_equal(snap_group(seeded, "g")->rr_next, 3);
		snap_free(seeded);
	}
	/* Last assignments survive a reload, and the turn follows them. */
	assert_int_equal(snap_assigned(old, "li", 99), 1);
	assert_int_equal(snap_assigned(old, "li", 98), 0);	/* older */
	assert_int_equal(snap_assigned(old, "nobody", 99), 0);
	snap_rotation(old);
	snap_carry_runtime(fresh, old);
	assert_int_equal(snap_agent(fresh, "li")->last_assigned, 99);
	assert_int_equal(snap_group(fresh, "g1")->rr_next,
	    snap_group(old, "g1")->rr_next);
	assert_true(snap_group(fresh, "g1")->rr_next > 0);
	assert_int_equal(snap_agent(fresh, "wang")->last_assigned, 0);
	snap_carry_runtime(fresh, NULL);
	snap_free(old);
	snap_free(fresh);
}

static void
test_empty_and_names(void **state)
{
	struct snap		*s = snap_new();
	enum agent_status	 st;
	enum target_type	 t;

	(void)state;
	snap_finish(s);
	assert_null(snap_entry(s, "x"));
	assert_null(snap_agent(s, "x"));
	assert_null(snap_group(s, "x"));
	snap_free(s);
	snap_free(NULL);
	assert_int_equal(snap_status_parse("busy", &st), 0);
	assert_int_equal(st, AGENT_BUSY);
	assert_int_equal(snap_status_parse("away", &st), -1);
	assert_string_equal(snap_status_name(AGENT_ONLINE), "online");
	assert_int_equal(snap_target_parse("wecom_kf", &t), 0);
	assert_int_equal(t, TARGET_WECOM_KF);
	assert_int_equal(snap_target_parse("ftp", &t), -1);
	assert_string_equal(snap_target_name(TARGET_URL), "url");
}

/*
 * A 100,000-entry snapshot stays small: equal strings and equal settings
 * are held once; an entry's own rules or notices give it its own
 * settings without touching the others'.
 */
static void
test_sharing(void **state)
{
	struct snap		*s = snap_new();
	struct snap_entry_in	 in = { .enabled = 1, .ttype = TARGET_WECOM_KF,
	    .target = "wkSHARED", .scene = "home", .group_id = "g",
	    .conf = { .widen_after_s = -1, .reroute_after_s = 60 } };
	struct snap_rule	 r = { .id = 1, .kind = RULE_LEVEL_AT_LEAST,
	    .level = 3, .target = RTARGET_GROUP, .target_id = "g" };
	const struct snap_entry	*a, *b, *c, *d;
	const struct snap_rule	*rules;
	size_t			 n;
	char			 label[16];

	(void)state;
	_Static_assert(sizeof(struct snap_entry) <= 48, "entry size");
	snap_add_group(s, "g", "G");
	in.id = "a";
	snprintf(label, sizeof(label), "%s", "联系客服");
	in.label = label;		/* the caller's buffer: copied */
	snap_add_entry(s, &in);
	in.id = "b";
	snap_add_entry(s, &in);
	in.id = "c";
	snap_add_entry(s, &in);
	in.id = "d";
	in.conf.reroute_after_s = 30;	/* settings of its own */
	in.wecom_link = "https://work.weixin.qq.com/kfid/x";
	snap_add_entry(s, &in);
	snap_add_rule(s, "b", &r);
	snap_add_notice(s, "c", NOTICE_BUSY, "请稍候");
	snap_finish(s);
	a = snap_entry(s, "a");
	b = snap_entry(s, "b");
	c = snap_entry(s, "c");
	d = snap_entry(s, "d");
	assert_string_equal(snap_entry_label(a), "联系客服");
	assert_string_equal(snap_entry_label(b), "联系客服");
	assert_ptr_equal(a->target, d->target);
	assert_string_equal(a->conf->scene, "home");
	assert_ptr_equal(a->group, snap_group(s, "g"));
	assert_ptr_equal(d->group, a->group);
	/* Equal settings: one. Different: apart. */
	assert_ptr_not_equal(a->conf, d->conf);
	assert_int_equal(a->conf->reroute_after_s, 60);
	assert_int_equal(d->conf->reroute_after_s, 30);
	/* Rules and notices are the entry's own. */
	rules = snap_rules(s, b, &n);
	assert_int_equal(n, 1);
	assert_ptr_equal(rules[0].group, snap_group(s, "g"));
	assert_ptr_equal(b->conf, a->conf);	/* rules need no copy */
	assert_null(snap_rules(s, a, &n));
	assert_int_equal(n, 0);
	assert_null(snap_wecom_link(s, a));
	assert_string_equal(snap_wecom_link(s, d), "https://work.weixin.qq.com/kfid/x");
	assert_string_equal(c->conf->notices[NOTICE_BUSY], "请稍候");
	assert_null(c->conf->notices[NOTICE_CLOSED]);
	assert_null(a->conf->notices);	/* every notice the default */
	assert_null(b->conf->notices);
	assert_int_equal(c->conf->reroute_after_s, 60);
	snap_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_display_order),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_order_and_runtime),
		cmocka_unit_test(test_empty_and_names),
		cmocka_unit_test(test_sharing),
	};

	return cmocka_run_group_tests_name("snap", tests, NULL, NULL);
}
