/*
 * The chat's life after the first transfer (life.c): every timing
 * decision as a pure function of settings, state and an injected clock,
 * walked millisecond by millisecond around each boundary and second by
 * second over whole timers, against a model written here from the
 * README's rules.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>

#include "cfg.h"
#include "life.h"
#include "snap.h"

#define T0	INT64_C(1795399200000)	/* some moment, unix ms */

static struct cfg	 cfg;

static int
setup(void **state)
{
	char	 err[256];

	(void)state;
	return cfg_load(&cfg, NULL, err, sizeof(err));
}

static int
teardown(void **state)
{
	(void)state;
	cfg_free(&cfg);
	return 0;
}

static struct life_settings
settings(int widen, int reroute, int take_back)
{
	struct life_settings	 s = { widen, reroute, take_back, 0, 0, 0, 0,
	    300 };

	return s;
}

/* Each entry setting wins when set, the [lifecycle] default otherwise. */
static void
test_settings(void **state)
{
	struct snap_entry_conf	 c;
	struct snap_entry	 e = { .conf = &c };
	struct life_settings	 s;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.widen_after_s = c.reroute_after_s = c.take_back = -1;
	c.busy_after_misses = c.queue_max = c.queue_notice_step = -1;
	c.leave_message = -1;
	life_settings(&cfg, &e, &s);
	/* The shipped defaults: only the failover with a notice is on. */
	assert_int_equal(s.widen_after_s, 0);
	assert_int_equal(s.reroute_after_s, 0);
	assert_int_equal(s.take_back, 1);
	assert_int_equal(s.busy_after_misses, 0);
	assert_int_equal(s.queue_max, 0);
	assert_int_equal(s.queue_notice_step, 0);
	assert_int_equal(s.leave_message, 0);
	assert_int_equal(s.handle_estimate_s, 300);
	cfg.lifecycle.widen_after_s = 45;
	cfg.lifecycle.take_back = 0;
	c.widen_after_s = 0;		/* off for this entry */
	c.reroute_after_s = 120;
	c.queue_notice_step = 2;
	life_settings(&cfg, &e, &s);
	assert_int_equal(s.widen_after_s, 0);
	assert_int_equal(s.reroute_after_s, 120);
	assert_int_equal(s.take_back, 0);
	assert_int_equal(s.queue_notice_step, 2);
	c.widen_after_s = -1;
	c.take_back = 1;
	life_settings(&cfg, &e, &s);
	assert_int_equal(s.widen_after_s, 45);
	assert_int_equal(s.take_back, 1);
	cfg.lifecycle.widen_after_s = 0;
	cfg.lifecycle.take_back = 1;
}

/* Model of life_watch: answered never moves; offline + take back first;
 * then the timer. */
static enum life_act
model_watch(const struct life_settings *s, const struct life_watch *w,
    int64_t now)
{
	if (w->assigned_ms == 0 || w->first_reply_ms != 0)
		return LIFE_KEEP;
	if (w->offline)
		return s->take_back ? LIFE_TAKE_BACK :
		    s->reroute_after_s > 0 && now - w->assigned_ms >=
		    s->reroute_after_s * INT64_C(1000) ? LIFE_REROUTE :
		    LIFE_KEEP;
	return s->reroute_after_s > 0 && now - w->assigned_ms >=
	    s->reroute_after_s * INT64_C(1000) ? LIFE_REROUTE : LIFE_KEEP;
}

static void
test_watch(void **state)
{
	static const int reroutes[] = { 0, 1, 3, 60, 600 };
	struct life_settings	 s;
	struct life_watch	 w;
	int64_t			 t, end;
	size_t			 i;
	int			 tb, off, rep;

	(void)state;
	for (i = 0; i < sizeof(reroutes) / sizeof(reroutes[0]); i++)
	for (tb = 0; tb <= 1; tb++)
	for (off = 0; off <= 1; off++)
	for (rep = 0; rep <= 1; rep++) {
		s = settings(0, reroutes[i], tb);
		w.assigned_ms = T0;
		w.first_reply_ms = rep ? T0 + 500 : 0;
		w.offline = off;
		end = T0 + (reroutes[i] + 2) * INT64_C(1000);
		/* Second by second over the whole timer... */
		for (t = T0 - 1000; t <= end; t += 1000)
			assert_int_equal(life_watch(&s, &w, t),
			    model_watch(&s, &w, t));
		/* ...and each millisecond around its edge. */
		for (t = T0 + reroutes[i] * INT64_C(1000) - 3;
		    t <= T0 + reroutes[i] * INT64_C(1000) + 3; t++)
			assert_int_equal(life_watch(&s, &w, t),
			    model_watch(&s, &w, t));
	}
	/* The edges said plainly. */
	s = settings(0, 60, 1);
	w = (struct life_watch){ T0, 0, 0 };
	assert_int_equal(life_watch(&s, &w, T0 + 59999), LIFE_KEEP);
	assert_int_equal(life_watch(&s, &w, T0 + 60000), LIFE_REROUTE);
	w.offline = 1;
	assert_int_equal(life_watch(&s, &w, T0), LIFE_TAKE_BACK);
	w.first_reply_ms = T0 + 1;	/* answered: stays, even offline */
	assert_int_equal(life_watch(&s, &w, T0 + 600000), LIFE_KEEP);
	w = (struct life_watch){ 0, 0, 1 };	/* not with a person */
	assert_int_equal(life_watch(&s, &w, T0), LIFE_KEEP);
}

static void
test_due(void **state)
{
	struct life_settings	 s;

	(void)state;
	s = settings(0, 90, 1);
	assert_int_equal(life_due_s(&s), 90);
	s = settings(0, 90, 0);
	assert_int_equal(life_due_s(&s), 90);
	s = settings(0, 0, 1);
	assert_int_equal(life_due_s(&s), LIFE_DUE_OFFLINE);
	s = settings(0, 0, 0);
	assert_int_equal(life_due_s(&s), LIFE_DUE_NONE);
}

static void
test_hold(void **state)
{
	struct life_settings	 s;
	int64_t			 until, t;
	int			 w;

	(void)state;
	for (w = 0; w <= 120; w += 7) {
		s = settings(w, 0, 1);
		until = life_hold_until(&s, T0, 0);
		if (w == 0) {
			assert_int_equal(until, 0);
			assert_false(life_held(until, T0));
			continue;
		}
		assert_int_equal(until, T0 + w * INT64_C(1000));
		/* Held to the millisecond, then open to everyone. */
		for (t = T0; t < until; t += 250)
			assert_true(life_held(until, t));
		assert_true(life_held(until, until - 1));
		assert_false(life_held(until, until));
		assert_false(life_held(until, until + 1));
	}
	/* A message left at night: held from the opening on. */
	s = settings(30, 0, 1);
	s.leave_message = 1;
	assert_int_equal(life_hold_until(&s, T0, T0 + 8 * 3600000),
	    T0 + 8 * 3600000 + 30000);
	s.widen_after_s = 0;
	assert_int_equal(life_hold_until(&s, T0, T0 + 8 * 3600000),
	    T0 + 8 * 3600000);
	/* An opening already past counts from now. */
	assert_int_equal(life_hold_until(&s, T0, T0 - 5), T0);
	/* Without leave_message the opening changes nothing. */
	s = settings(30, 0, 1);
	assert_int_equal(life_hold_until(&s, T0, T0 + 8 * 3600000),
	    T0 + 30000);
}

/* Told on entering, then when the position moved by step or more. */
static void
test_queue(void **state)
{
	struct life_settings	 s = settings(0, 0, 1);
	unsigned		 told, pos, step;

	(void)state;
	for (step = 0; step <= 4; step++) {
		s.queue_notice_step = (int)step;
		for (told = 0; told <= 12; told++)
			for (pos = 0; pos <= 12; pos++) {
				int	 want = step > 0 && pos > 0 &&
				    (told == 0 || (told > pos ? told - pos :
				    pos - told) >= step);

				assert_int_equal(life_queue_tell(&s, told, pos),
				    want);
			}
	}
	/* Three customers, step 1: 1, 2, 3 told; the third told 2, 1. */
	s.queue_notice_step = 1;
	assert_true(life_queue_tell(&s, 0, 3));
	assert_true(life_queue_tell(&s, 3, 2));
	assert_false(life_queue_tell(&s, 2, 2));
	/* Estimates: pos chats at 300 s over the people, whole minutes up. */
	assert_int_equal(life_queue_wait_min(&s, 1, 1), 5);
	assert_int_equal(life_queue_wait_min(&s, 3, 2), 8);	/* 450 s */
	assert_int_equal(life_queue_wait_min(&s, 1, 10), 1);	/* 30 s */
	assert_int_equal(life_queue_wait_min(&s, 0, 1), 1);
	assert_int_equal(life_queue_wait_min(&s, 2, 0), 10);	/* nobody: 1 */
	/* Full at queue_max waiting; 0 no limit. */
	s.queue_max = 0;
	assert_false(life_queue_full(&s, 100000));
	s.queue_max = 3;
	assert_false(life_queue_full(&s, 2));
	assert_true(life_queue_full(&s, 3));
	assert_true(life_queue_full(&s, 4));
}

static void
test_misses(void **state)
{
	struct life_settings	 s = settings(0, 60, 1);
	unsigned		 m;

	(void)state;
	for (m = 0; m < 10; m++)
		assert_false(life_busy_after(&s, m));
	s.busy_after_misses = 3;
	for (m = 0; m < 10; m++)
		assert_int_equal(life_busy_after(&s, m), m >= 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_settings),
		cmocka_unit_test(test_watch),
		cmocka_unit_test(test_due),
		cmocka_unit_test(test_hold),
		cmocka_unit_test(test_queue),
		cmocka_unit_test(test_misses),
	};

	return cmocka_run_group_tests_name("life", tests, setup, teardown);
}
