/* Business hours: slots, midnight, closures, next opening, time zones. */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>

#include "arena.h"
#include "sched.h"
#include "snap.h"
#include "tz.h"

/*
 * Fixed-offset test zones: "UTC+480" is eight hours ahead of UTC. Real
 * zones (with DST) go to tz_local.
 */
static int
test_localtime(const char *zone, time_t t, struct tm *out)
{
	if (strncmp(zone, "UTC", 3) == 0) {
		t += (time_t)atoi(zone + 3) * 60;
		return gmtime_r(&t, out) != NULL ? 0 : -1;
	}
	return tz_local(zone, t, out);
}

/* Unix time of a UTC date and time. */
static time_t
utc(int y, int mo, int d, int h, int mi)
{
	struct tm	 tm = { .tm_year = y - 1900, .tm_mon = mo - 1,
	    .tm_mday = d, .tm_hour = h, .tm_min = mi };

	return timegm(&tm);
}

static struct snap *
office(const char *tz)
{
	struct snap		*s = snap_new();
	struct snap_slot	 sl;
	int			 d;

	snap_add_schedule(s, "office", "办公时间", tz);
	for (d = 1; d <= 5; d++) {	/* Mon-Fri 09:00-18:00 */
		sl = (struct snap_slot){ d, 9 * 60, 18 * 60 };
		snap_add_slot(s, "office", &sl);
	}
	sl = (struct snap_slot){ 6, 10 * 60, 16 * 60 };	/* Sat */
	snap_add_slot(s, "office", &sl);
	sl = (struct snap_slot){ 5, 22 * 60, 2 * 60 };	/* Fri night */
	snap_add_slot(s, "office", &sl);
	snap_add_closure(s, "office", 20261231);
	snap_add_closure(s, "office", 20261001);
	snap_finish(s);
	return s;
}

static void
test_window(void **state)
{
	(void)state;
	assert_true(sched_in_window(540, 1080, 540));
	assert_false(sched_in_window(540, 1080, 1080));
	assert_true(sched_in_window(1320, 120, 1439));
	assert_true(sched_in_window(1320, 120, 0));
	assert_false(sched_in_window(1320, 120, 120));
	assert_false(sched_in_window(1320, 120, 600));
}

static void
test_open_boundaries(void **state)
{
	struct snap			*s = office("UTC+480");
	const struct snap_schedule	*o = snap_schedule(s, "office");

	(void)state;
	/* 2026-11-23 is a Monday. 09:00 Shanghai = 01:00 UTC. */
	assert_false(sched_open_at(o, utc(2026, 11, 23, 0, 59), test_localtime));
	assert_true(sched_open_at(o, utc(2026, 11, 23, 1, 0), test_localtime));
	assert_true(sched_open_at(o, utc(2026, 11, 23, 9, 59), test_localtime));
	assert_false(sched_open_at(o, utc(2026, 11, 23, 10, 0), test_localtime));
	/* Sunday: no slot. */
	assert_false(sched_open_at(o, utc(2026, 11, 22, 4, 0), test_localtime));
	/* NULL schedule: always open. */
	assert_true(sched_open_at(NULL, 0, test_localtime));
	snap_free(s);
}

static void
test_across_midnight(void **state)
{
	struct snap			*s = office("UTC+0");
	const struct snap_schedule	*o = snap_schedule(s, "office");

	(void)state;
	/* Friday 2026-11-27 22:00 until Saturday 02:00 (UTC zone). */
	assert_false(sched_open_at(o, utc(2026, 11, 27, 21, 59), test_localtime));
	assert_true(sched_open_at(o, utc(2026, 11, 27, 22, 0), test_localtime));
	assert_true(sched_open_at(o, utc(2026, 11, 28, 1, 59), test_localtime));
	assert_false(sched_open_at(o, utc(2026, 11, 28, 2, 0), test_localtime));
	/* Thursday night has no such slot. */
	assert_false(sched_open_at(o, utc(2026, 11, 26, 23, 0), test_localtime));
	snap_free(s);
}

static void
test_closures(void **state)
{
	struct snap			*s = office("UTC+480");
	const struct snap_schedule	*o = snap_schedule(s, "office");

	(void)state;
	/* 2026-10-01 (Thursday) is closed all day, Shanghai date. */
	assert_false(sched_open_at(o, utc(2026, 10, 1, 3, 0), test_localtime));
	/* Its UTC evening is already 10-02 in Shanghai: open (Friday). */
	assert_true(sched_open_at(o, utc(2026, 10, 2, 1, 0), test_localtime));
	/* Next opening skips the closed day. */
	assert_int_equal(sched_next_open(o, utc(2026, 10, 1, 3, 0),
	    test_localtime), utc(2026, 10, 2, 1, 0));
	snap_free(s);
}

static void
test_next_open(void **state)
{
	struct snap			*s = office("UTC+480");
	const struct snap_schedule	*o = snap_schedule(s, "office");
	struct snap			*empty = snap_new();
	time_t				 t;

	(void)state;
	/* Open now: now. */
	t = utc(2026, 11, 23, 2, 30);
	assert_int_equal(sched_next_open(o, t, test_localtime), t);
	/* Monday 20:00 Shanghai -> Tuesday 09:00 Shanghai. */
	assert_int_equal(sched_next_open(o, utc(2026, 11, 23, 12, 0),
	    test_localtime), utc(2026, 11, 24, 1, 0));
	/* Saturday 17:00 Shanghai -> Monday 09:00 (Sunday has no slot). */
	assert_int_equal(sched_next_open(o, utc(2026, 11, 28, 9, 0),
	    test_localtime), utc(2026, 11, 30, 1, 0));
	/* Seconds are rounded to the slot's minute. */
	assert_int_equal(sched_next_open(o, utc(2026, 11, 23, 12, 0) + 17,
	    test_localtime), utc(2026, 11, 24, 1, 0));
	/* A schedule with no slots never opens. */
	snap_add_schedule(empty, "never", "", "UTC+0");
	snap_finish(empty);
	assert_int_equal(sched_next_open(snap_schedule(empty, "never"), 0,
	    test_localtime), -1);
	snap_free(empty);
	snap_free(s);
}

static void
test_time_zones(void **state)
{
	struct snap	*sh = office("Asia/Shanghai"), *ny = office("UTC-300");
	time_t		 t = utc(2026, 11, 23, 2, 0);	/* Mon 10:00 Shanghai */

	(void)state;
	assert_true(sched_open_at(snap_schedule(sh, "office"), t,
	    test_localtime));
	/* Same instant is Sunday 21:00 five hours behind UTC: closed. */
	assert_false(sched_open_at(snap_schedule(ny, "office"), t,
	    test_localtime));
	assert_int_equal(sched_next_open(snap_schedule(ny, "office"), t,
	    test_localtime), utc(2026, 11, 23, 14, 0));
	snap_free(sh);
	snap_free(ny);
}

static void
test_dst_change(void **state)
{
	struct snap		*s = snap_new();
	struct snap_slot	 sl;
	int			 d;

	(void)state;
	snap_add_schedule(s, "ny", "", "America/New_York");
	for (d = 0; d < 7; d++) {
		sl = (struct snap_slot){ d, 9 * 60, 17 * 60 };
		snap_add_slot(s, "ny", &sl);
	}
	snap_finish(s);
	/* 2026-03-08: clocks go from EST (-5) to EDT (-4) at 02:00. */
	assert_int_equal(sched_next_open(snap_schedule(s, "ny"),
	    utc(2026, 3, 8, 5, 0), test_localtime), utc(2026, 3, 8, 13, 0));
	/* The day before, 09:00 EST is 14:00 UTC. */
	assert_int_equal(sched_next_open(snap_schedule(s, "ny"),
	    utc(2026, 3, 7, 5, 0), test_localtime), utc(2026, 3, 7, 14, 0));
	/* 2026-11-01: back from EDT to EST; 09:00 EST is 14:00 UTC. */
	assert_int_equal(sched_next_open(snap_schedule(s, "ny"),
	    utc(2026, 11, 1, 4, 0), test_localtime), utc(2026, 11, 1, 14, 0));
	assert_int_equal(tz_local("No/Such_Zone", 0, &(struct tm){ 0 }), -1);
	assert_false(tz_known("../etc/passwd"));
	assert_true(tz_known("Asia/Shanghai"));
	snap_free(s);
}

static void
test_describe(void **state)
{
	struct snap	*s = office("UTC+480");
	struct snap	*w = snap_new();
	struct arena	*a = arena_new(256);
	struct snap_slot sl = { 6, 600, 960 };

	(void)state;
	assert_string_equal(sched_describe(a, snap_schedule(s, "office")),
	    "周一至周四 09:00-18:00,周五 09:00-18:00,22:00-02:00,"
	    "周六 10:00-16:00");
	snap_add_schedule(w, "weekend", "", "UTC+0");
	snap_add_slot(w, "weekend", &sl);
	sl.wday = 0;
	snap_add_slot(w, "weekend", &sl);
	snap_finish(w);
	assert_string_equal(sched_describe(a, snap_schedule(w, "weekend")),
	    "周六、周日 10:00-16:00");
	assert_string_equal(sched_describe(a, NULL), "全天");
	arena_free(a);
	snap_free(w);
	snap_free(s);
}

/*
 * The office with make-up working days (调休): Saturday 2026-10-10 works
 * 09:00-18:00 instead of its 10:00-16:00, Sunday 2026-10-11 (no slots)
 * works 20:00-01:00 past midnight, and Monday 2026-10-12 is closed right
 * after it. Friday 2026-10-16's workday 08:00-12:00 replaces both its
 * day slot and its night slot.
 */
static struct snap *
office_workdays(const char *tz)
{
	struct snap		*s = snap_new();
	struct snap_workday	 wd;
	struct snap_slot	 sl;
	int			 d;

	/* The office's week, without its closures. */
	snap_add_schedule(s, "office", "办公时间", tz);
	for (d = 1; d <= 5; d++) {
		sl = (struct snap_slot){ d, 9 * 60, 18 * 60 };
		snap_add_slot(s, "office", &sl);
	}
	sl = (struct snap_slot){ 6, 10 * 60, 16 * 60 };
	snap_add_slot(s, "office", &sl);
	sl = (struct snap_slot){ 5, 22 * 60, 2 * 60 };
	snap_add_slot(s, "office", &sl);
	/* Added out of order: the snapshot sorts them. */
	wd = (struct snap_workday){ 20261016, 8 * 60, 12 * 60 };
	snap_add_workday(s, "office", &wd);
	wd = (struct snap_workday){ 20261011, 20 * 60, 1 * 60 };
	snap_add_workday(s, "office", &wd);
	wd = (struct snap_workday){ 20261010, 9 * 60, 18 * 60 };
	snap_add_workday(s, "office", &wd);
	snap_add_closure(s, "office", 20261012);
	snap_finish(s);
	return s;
}

static void
test_workday_replaces_slots(void **state)
{
	struct snap			*s = office_workdays("UTC+480");
	const struct snap_schedule	*o = snap_schedule(s, "office");

	(void)state;
	assert_int_equal(o->nworkdays, 3);
	assert_int_equal(o->workdays[0].date, 20261010);
	/* Saturday 2026-10-10: open 09:00-18:00 Shanghai (01:00-10:00 UTC),
	 * not its regular 10:00-16:00. */
	assert_false(sched_open_at(o, utc(2026, 10, 10, 0, 59), test_localtime));
	assert_true(sched_open_at(o, utc(2026, 10, 10, 1, 0), test_localtime));
	assert_true(sched_open_at(o, utc(2026, 10, 10, 9, 59), test_localtime));
	assert_false(sched_open_at(o, utc(2026, 10, 10, 10, 0), test_localtime));
	/* The next Saturday is a plain Saturday again: 10:00-16:00. */
	assert_false(sched_open_at(o, utc(2026, 10, 17, 1, 30), test_localtime));
	assert_true(sched_open_at(o, utc(2026, 10, 17, 2, 0), test_localtime));
	assert_false(sched_open_at(o, utc(2026, 10, 17, 8, 0), test_localtime));
	/* Friday 2026-10-16: 08:00-12:00 only; no 22:00 night slot, and so
	 * nothing of it after midnight either. */
	assert_true(sched_open_at(o, utc(2026, 10, 16, 0, 0), test_localtime));
	assert_false(sched_open_at(o, utc(2026, 10, 16, 4, 0), test_localtime));
	assert_false(sched_open_at(o, utc(2026, 10, 16, 14, 30),
	    test_localtime));
	assert_false(sched_open_at(o, utc(2026, 10, 16, 17, 0),
	    test_localtime));
	/* A Friday without a workday keeps its night slot into Saturday. */
	assert_true(sched_open_at(o, utc(2026, 10, 23, 14, 30), test_localtime));
	assert_true(sched_open_at(o, utc(2026, 10, 23, 17, 0), test_localtime));
	snap_free(s);
}

static void
test_workday_midnight_and_closure(void **state)
{
	struct snap			*s = office_workdays("UTC+0");
	const struct snap_schedule	*o = snap_schedule(s, "office");
	struct snap			*t = snap_new();
	struct snap_workday		 wd = { 20261011, 20 * 60, 1 * 60 };

	(void)state;
	/* Sunday 2026-10-11 20:00 until Monday 01:00 - but Monday is closed,
	 * all of it (a closure is a whole calendar day). */
	assert_false(sched_open_at(o, utc(2026, 10, 11, 19, 59),
	    test_localtime));
	assert_true(sched_open_at(o, utc(2026, 10, 11, 20, 0), test_localtime));
	assert_true(sched_open_at(o, utc(2026, 10, 11, 23, 59),
	    test_localtime));
	assert_false(sched_open_at(o, utc(2026, 10, 12, 0, 30), test_localtime));
	assert_false(sched_open_at(o, utc(2026, 10, 12, 10, 0), test_localtime));
	/* From the closed Monday the next opening is Tuesday 09:00. */
	assert_int_equal(sched_next_open(o, utc(2026, 10, 12, 0, 30),
	    test_localtime), utc(2026, 10, 13, 9, 0));
	/* From Sunday noon: the workday at 20:00. */
	assert_int_equal(sched_next_open(o, utc(2026, 10, 11, 12, 0),
	    test_localtime), utc(2026, 10, 11, 20, 0));
	/* From Saturday 18:30 (after the workday's 18:00). */
	assert_int_equal(sched_next_open(o, utc(2026, 10, 10, 18, 30),
	    test_localtime), utc(2026, 10, 11, 20, 0));
	/* From Friday 2026-10-16 13:00: its night slot is replaced, so the
	 * next opening is the plain Saturday's 10:00. */
	assert_int_equal(sched_next_open(o, utc(2026, 10, 16, 13, 0),
	    test_localtime), utc(2026, 10, 17, 10, 0));
	/* Before the workday on Friday: 08:00, not the slot's 09:00. */
	assert_int_equal(sched_next_open(o, utc(2026, 10, 16, 6, 0),
	    test_localtime), utc(2026, 10, 16, 8, 0));
	/* Without the closure the workday runs on past midnight. */
	snap_add_schedule(t, "w", "", "UTC+0");
	snap_add_workday(t, "w", &wd);
	snap_finish(t);
	o = snap_schedule(t, "w");
	assert_true(sched_open_at(o, utc(2026, 10, 12, 0, 59), test_localtime));
	assert_false(sched_open_at(o, utc(2026, 10, 12, 1, 0), test_localtime));
	/* A schedule of nothing but one workday: it opens then, and after
	 * it never again. */
	assert_int_equal(sched_next_open(o, utc(2026, 9, 1, 0, 0),
	    test_localtime), utc(2026, 10, 11, 20, 0));
	assert_int_equal(sched_next_open(o, utc(2026, 10, 12, 1, 0),
	    test_localtime), -1);
	/* More than 60 days ahead is "not soon". */
	assert_int_equal(sched_next_open(o, utc(2026, 7, 1, 0, 0),
	    test_localtime), -1);
	snap_free(t);
	snap_free(s);
}

static void
test_workday_time_zones(void **state)
{
	struct snap	*sh = office_workdays("Asia/Shanghai");
	struct snap	*ny = office_workdays("UTC-300");
	/* 2026-10-10 01:30 UTC: Saturday 09:30 in Shanghai (the workday),
	 * Friday 20:30 five hours behind UTC (before the night slot). */
	time_t		 t = utc(2026, 10, 10, 1, 30);

	(void)state;
	assert_true(sched_open_at(snap_schedule(sh, "office"), t,
	    test_localtime));
	assert_false(sched_open_at(snap_schedule(ny, "office"), t,
	    test_localtime));
	/* The workday is the zone's date: 09:00 on 10-10 there is 14:00 UTC;
	 * but first Friday's 22:00 night slot (03:00 UTC). */
	assert_int_equal(sched_next_open(snap_schedule(ny, "office"), t,
	    test_localtime), utc(2026, 10, 10, 3, 0));
	assert_int_equal(sched_next_open(snap_schedule(ny, "office"),
	    utc(2026, 10, 10, 7, 0), test_localtime),
	    utc(2026, 10, 10, 14, 0));
	snap_free(sh);
	snap_free(ny);
}

static void
test_workday_dst(void **state)
{
	struct snap		*s = snap_new();
	const struct snap_schedule *o;
	struct snap_workday	 wd;

	(void)state;
	/* New York: no slots, two workdays on the DST change days. */
	snap_add_schedule(s, "ny", "", "America/New_York");
	wd = (struct snap_workday){ 20260308, 9 * 60, 17 * 60 };
	snap_add_workday(s, "ny", &wd);
	wd = (struct snap_workday){ 20261101, 1 * 60 + 30, 3 * 60 };
	snap_add_workday(s, "ny", &wd);
	snap_finish(s);
	o = snap_schedule(s, "ny");
	/* 2026-03-08 09:00 EDT (-4) is 13:00 UTC; asked from EST midnight. */
	assert_int_equal(sched_next_open(o, utc(2026, 3, 8, 5, 0),
	    test_localtime), utc(2026, 3, 8, 13, 0));
	assert_true(sched_open_at(o, utc(2026, 3, 8, 20, 59), test_localtime));
	assert_false(sched_open_at(o, utc(2026, 3, 8, 21, 0), test_localtime));
	/* 2026-11-01 01:30 happens twice; the first is 05:30 UTC (EDT). */
	assert_int_equal(sched_next_open(o, utc(2026, 11, 1, 3, 0),
	    test_localtime), utc(2026, 11, 1, 5, 30));
	/* 03:00 EST is 08:00 UTC: open until then. */
	assert_true(sched_open_at(o, utc(2026, 11, 1, 7, 59), test_localtime));
	assert_false(sched_open_at(o, utc(2026, 11, 1, 8, 0), test_localtime));
	snap_free(s);
}

/*
 * Every minute of two weeks: sched_next_open agrees with a walk minute by
 * minute over sched_open_at, around workdays, a closure, slots past
 * midnight and (in New York) a DST change.
 */
static void
walk(const struct snap_schedule *o, time_t start, int days)
{
	time_t	 t, want = -1, got;

	/* Backwards: want is the first open minute at or after t. */
	for (t = start + (time_t)days * 86400; t >= start; t -= 60) {
		if (sched_open_at(o, t, test_localtime))
			want = t;
		if (want == -1)
			continue;
		got = sched_next_open(o, t, test_localtime);
		if (got != want)
			fail_msg("%s at %lld: next open %lld, want %lld", o->tz,
			    (long long)t, (long long)got, (long long)want);
	}
}

static void
test_workday_exhaustive(void **state)
{
	struct snap		*s = office_workdays("UTC+480");
	struct snap		*ny = snap_new();
	struct snap_workday	 wd;
	struct snap_slot	 sl;
	int			 d;

	(void)state;
	walk(snap_schedule(s, "office"), utc(2026, 10, 8, 16, 0), 15);
	/* New York around 2026-03-08 (EST to EDT at 02:00): nights past
	 * midnight, a Sunday workday 01:00-04:00 across the gap. */
	snap_add_schedule(ny, "ny", "", "America/New_York");
	for (d = 1; d <= 6; d++) {
		sl = (struct snap_slot){ d, 22 * 60, 3 * 60 };
		snap_add_slot(ny, "ny", &sl);
	}
	wd = (struct snap_workday){ 20260308, 1 * 60, 4 * 60 };
	snap_add_workday(ny, "ny", &wd);
	snap_add_closure(ny, "ny", 20260310);
	snap_finish(ny);
	walk(snap_schedule(ny, "ny"), utc(2026, 3, 4, 0, 0), 10);
	snap_free(ny);
	snap_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_open_boundaries),
		cmocka_unit_test(test_across_midnight),
		cmocka_unit_test(test_closures),
		cmocka_unit_test(test_next_open),
		cmocka_unit_test(test_time_zones),
		cmocka_unit_test(test_dst_change),
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_workday_replaces_slots),
		cmocka_unit_test(test_workday_midnight_and_closure),
		cmocka_unit_test(test_workday_time_zones),
		cmocka_unit_test(test_workday_dst),
		cmocka_unit_test(test_workday_exhaustive),
	};

	return cmocka_run_group_tests_name("sched", tests, NULL, NULL);
}
