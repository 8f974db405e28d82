/*
 * Retention: cut-offs, purges in batches until nothing is left, the
 * roll-up one whole hour per transaction, the lock, and failures. The
 * store is a fake linked in place of store.o: purgeable rows are counts
 * per statement, the minute statistics a list of times.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>

#include "assign.h"
#include "cfg.h"
#include "retention.h"
#include "store.h"

#define NOW	((time_t)1764504000 + 1234)	/* 2025-11-30T12:20:34Z */

static struct {
	unsigned long long	 left[Q__MAX];	/* rows each purge finds */
	unsigned long long	 affected;
	unsigned		 execs[Q__MAX];
	char			 param0[Q__MAX][24], param_last[Q__MAX][24];
	long long		 minutes[64];	/* kf_stat_minute's times */
	int			 nminutes;
	int			 rolled[64];	/* hours rolled up, by start */
	int			 nrolled;
	int			 begins, commits, rollbacks, in_txn;
	int			 lock_busy, locked, unlocked;
	enum store_q		 fail_q;	/* this statement fails */
	int			 lie;		/* DELETE misses a locked row */
	int			 commit_purges;
} db;

static void
reset(void)
{
	memset(&db, 0, sizeof(db));
	db.fail_q = Q__MAX;
}

/* ---- the fake store -------------------------------------------------- */

static long long
param(const char *const *p, unsigned i)
{
	return strtoll(p[i], NULL, 10);
}

static void
note(enum store_q q, const char *const *p, unsigned n)
{
	db.execs[q]++;
	snprintf(db.param0[q], sizeof(db.param0[q]), "%s", p[0]);
	snprintf(db.param_last[q], sizeof(db.param_last[q]), "%s", p[n - 1]);
}

enum store_rc
store_q_exec(struct store *s, enum store_q q, const char *const *p,
    unsigned n)
{
	long long	 batch, h0, h1;
	int		 i, k;

	(void)s;
	note(q, p, n);
	if (q == db.fail_q)
		return STORE_ERR;
	db.affected = 0;
	switch (q) {
	case Q_RET_STAT_ROLLUP:
		assert_true(db.in_txn);
		db.rolled[db.nrolled++] = (int)(param(p, 0) - NOW / 3600 * 3600);
		return STORE_OK;
	case Q_RET_STAT_DELETE:
		assert_true(db.in_txn);
		h0 = param(p, 0);
		h1 = param(p, 1);
		for (i = k = 0; i < db.nminutes; i++)
			if (db.minutes[i] >= h0 && db.minutes[i] < h1)
				db.affected++;
			else
				db.minutes[k++] = db.minutes[i];
		db.nminutes = k;
		if (db.lie && db.affected > 0)
			db.affected--;
		return STORE_OK;
	case Q_SESSION_PURGE:
		db.affected = db.left[q];
		db.left[q] = 0;
		return STORE_OK;
	default:
		batch = param(p, n - 1);
		db.affected = db.left[q] < (unsigned long long)batch ?
		    db.left[q] : (unsigned long long)batch;
		db.left[q] -= db.affected;
		return STORE_OK;
	}
}

enum store_rc
store_q_rows(struct store *s, enum store_q q, const char *const *p,
    unsigned n, store_row_fn fn, void *arg)
{
	char		 v[24], *col[1] = { NULL };
	long long	 min = -1, h0, h1, count = 0;
	int		 i;

	(void)s;
	note(q, p, n);
	if (q == db.fail_q)
		return STORE_ERR;
	if (q == Q_RET_STAT_OLDEST) {
		for (i = 0; i < db.nminutes; i++)
			if (db.minutes[i] < param(p, 0) &&
			    (min == -1 || db.minutes[i] < min))
				min = db.minutes[i];
		if (min != -1) {
			snprintf(v, sizeof(v), "%lld", min);
			col[0] = v;
		}
	} else {
		assert_int_equal(q, Q_RET_STAT_LOCK);
		assert_true(db.in_txn);
		h0 = param(p, 0);
		h1 = param(p, 1);
		assert_int_equal(h1 - h0, 3600);
		assert_int_equal(h0 % 3600, 0);	/* whole hours only */
		for (i = 0; i < db.nminutes; i++)
			count += db.minutes[i] >= h0 && db.minutes[i] < h1;
		snprintf(v, sizeof(v), "%lld", count);
		col[0] = v;
	}
	return fn(arg, col, 1) == 0 ? STORE_OK : STORE_ERR;
}

const char *
store_error(const struct store *s)
{
	(void)s;
	return "refused";
}

unsigned long long
store_affected(const struct store *s)
{
	(void)s;
	return db.affected;
}

enum store_rc
store_begin_rr(struct store *s)
{
	(void)s;
	assert_false(db.in_txn);
	db.begins++;
	db.in_txn = 1;
	return STORE_OK;
}

enum store_rc
store_commit(struct store *s)
{
	(void)s;
	assert_true(db.in_txn);
	db.commits++;
	db.in_txn = 0;
	return STORE_OK;
}

void
store_rollback(struct store *s)
{
	(void)s;
	db.rollbacks++;
	db.in_txn = 0;
}

enum store_rc
store_lock(struct store *s, const char *name, int timeout_s)
{
	(void)s;
	assert_string_equal(name, "kfroute.retention.kfroute");
	assert_int_equal(timeout_s, 0);
	if (db.lock_busy)
		return STORE_NOTFOUND;
	db.locked++;
	return STORE_OK;
}

void
store_unlock(struct store *s, const char *name)
{
	(void)s;
	assert_string_equal(name, "kfroute.retention.kfroute");
	db.unlocked++;
}

enum store_rc
store_commit_purge(struct store *s, int older_than_s)
{
	(void)s;
	assert_int_equal(older_than_s, 90000);
	db.commit_purges++;
	db.affected = db.commit_purges < 3 ? 1000 : 0;
	return STORE_OK;
}

int
assign_claim_ttl(const struct cfg *cfg)
{
	return cfg->ticket.max_age + 3600;
}

/* ---- helpers ----------------------------------------------------------- */

static struct retention_result	 seen[RET__MAX];
static int			 nseen;
static char			 failed[256];

static void
collect(void *arg, const struct retention_result *r)
{
	(void)arg;
	seen[nseen++] = *r;
}

static void
load_cfg(struct cfg *c)
{
	char	 err[256];

	assert_int_equal(cfg_load(c, NULL, err, sizeof(err)), 0);
	nseen = 0;
}

static enum retention_rc
run(struct cfg *c)
{
	return retention_run(c, NULL, NOW, collect, NULL, failed,
	    sizeof(failed));
}

static const struct retention_result *
result(enum retention_step s)
{
	int	 i;

	for (i = 0; i < nseen; i++)
		if (seen[i].step == s)
			return &seen[i];
	fail_msg("step %d not reported", (int)s);
	return NULL;
}

/* ---- tests --------------------------------------------------------------- */

static void
test_cutoffs(void **state)
{
	(void)state;
	assert_int_equal(retention_cutoff(NOW, 0), -1);
	assert_int_equal(retention_cutoff(NOW, 30), NOW - 30 * 86400);
	assert_int_equal(retention_hour(NOW), NOW - 1234);
	assert_int_equal(retention_hour(NOW - 1234), NOW - 1234);
	assert_int_equal(retention_hour(NOW - 1235), NOW - 1234 - 3600);
	/* The hour holding now - days, from its start: whole hours only. */
	assert_int_equal(retention_rollup_cutoff(NOW, 1), NOW - 1234 - 86400);
	assert_int_equal(retention_rollup_cutoff(NOW, 0), -1);
}

/* Defaults: every table, its cut-off, batches until one finds nothing. */
static void
test_defaults_purge_in_batches(void **state)
{
	struct cfg	 c;
	char		 want[24];

	(void)state;
	reset();
	load_cfg(&c);
	c.retention.batch = 10;
	db.left[Q_RET_WECOM_MSG] = 25;
	db.left[Q_RET_AUDIT] = 10;
	db.left[Q_RET_WECOM_LEG] = 12;
	db.left[Q_SESSION_PURGE] = 2;
	assert_int_equal(run(&c), RETENTION_OK);
	assert_string_equal(failed, "");
	assert_int_equal(nseen, RET__MAX);
	assert_int_equal(result(RET_WECOM_MSG)->rows, 25);
	/* 10, 10, 5, then one that deletes nothing */
	assert_int_equal(db.execs[Q_RET_WECOM_MSG], 4);
	assert_string_equal(db.param_last[Q_RET_WECOM_MSG], "10");
	snprintf(want, sizeof(want), "%lld", (long long)NOW - 30 * 86400);
	assert_string_equal(db.param0[Q_RET_WECOM_MSG], want);
	assert_int_equal(result(RET_AUDIT)->rows, 10);
	assert_int_equal(db.execs[Q_RET_AUDIT], 2);
	snprintf(want, sizeof(want), "%lld", (long long)NOW - 365 * 86400);
	assert_string_equal(db.param0[Q_RET_AUDIT], want);
	snprintf(want, sizeof(want), "%lld", (long long)NOW - 90 * 86400);
	assert_string_equal(db.param0[Q_RET_WECOM_SESSION], want);
	/* legs: the sessions' days, both cut-offs, in batches */
	assert_string_equal(db.param0[Q_RET_WECOM_LEG], want);
	assert_int_equal(result(RET_WECOM_LEG)->rows, 12);
	assert_int_equal(db.execs[Q_RET_WECOM_LEG], 3);
	assert_string_equal(db.param_last[Q_RET_WECOM_LEG], "10");
	assert_string_equal(result(RET_WECOM_LEG)->table, "kf_wecom_leg");
	/* sessions: idle cut-off first */
	snprintf(want, sizeof(want), "%lld", (long long)NOW - 1800);
	assert_string_equal(db.param0[Q_SESSION_PURGE], want);
	assert_int_equal(result(RET_ADMIN_SESSION)->rows, 2);
	assert_int_equal(result(RET_COMMIT)->rows, 2000);
	assert_int_equal(db.commit_purges, 3);
	assert_int_equal(db.execs[Q_RET_THROTTLE], 1);
	assert_int_equal(db.execs[Q_RET_LAST_AGENT], 1);
	assert_int_equal(db.locked, 1);
	assert_int_equal(db.unlocked, 1);
	assert_string_equal(result(RET_AUDIT)->table, "kf_audit");
	assert_non_null(strstr(result(RET_AUDIT)->rule, "365 days"));
	cfg_free(&c);
}

/* 0 keeps a table for ever: no statement touches it. */
static void
test_zero_keeps(void **state)
{
	struct cfg	 c;

	(void)state;
	reset();
	load_cfg(&c);
	c.retention.audit_days = 0;
	c.retention.stats_minute_days = 0;
	c.routing.sticky_days = 0;
	db.left[Q_RET_AUDIT] = 5;
	db.minutes[db.nminutes++] = NOW - 400 * 86400;
	assert_int_equal(run(&c), RETENTION_OK);
	assert_true(result(RET_AUDIT)->kept);
	assert_true(result(RET_STAT_MINUTE)->kept);
	assert_true(result(RET_LAST_AGENT)->kept);
	assert_false(result(RET_WECOM_MSG)->kept);
	assert_int_equal(db.execs[Q_RET_AUDIT], 0);
	assert_int_equal(db.execs[Q_RET_STAT_OLDEST], 0);
	assert_int_equal(db.execs[Q_RET_LAST_AGENT], 0);
	assert_int_equal(db.nminutes, 1);
	assert_non_null(strstr(result(RET_AUDIT)->rule, "audit_days = 0"));
	cfg_free(&c);
}

/*
 * Minutes before the cut-off hour move one hour per transaction, oldest
 * first; the cut-off hour and later stay, even minutes older than the
 * days themselves. Again: nothing to do.
 */
static void
test_rollup_whole_hours(void **state)
{
	struct cfg	 c;
	time_t		 cut = retention_rollup_cutoff(NOW, 1);

	(void)state;
	reset();
	load_cfg(&c);
	c.retention.stats_minute_days = 1;
	db.minutes[db.nminutes++] = cut - 60;		/* hour -1 */
	db.minutes[db.nminutes++] = cut - 3600;		/* hour -1 */
	db.minutes[db.nminutes++] = cut - 3 * 3600 + 59 * 60;	/* hour -3 */
	db.minutes[db.nminutes++] = cut;		/* stays */
	db.minutes[db.nminutes++] = NOW - 86400 - 60;	/* stays: cut hour */
	db.minutes[db.nminutes++] = NOW - 60;		/* stays */
	assert_int_equal(run(&c), RETENTION_OK);
	assert_int_equal(result(RET_STAT_MINUTE)->rows, 3);
	assert_int_equal(result(RET_STAT_MINUTE)->hours, 2);
	assert_int_equal(db.nrolled, 2);
	assert_int_equal(db.rolled[0], (int)(cut - 3 * 3600 - (NOW - 1234)));
	assert_int_equal(db.rolled[1], (int)(cut - 3600 - (NOW - 1234)));
	assert_int_equal(db.begins, 2);
	assert_int_equal(db.commits, 2);
	assert_int_equal(db.rollbacks, 0);
	assert_int_equal(db.nminutes, 3);
	nseen = 0;
	assert_int_equal(run(&c), RETENTION_OK);
	assert_int_equal(result(RET_STAT_MINUTE)->rows, 0);
	assert_int_equal(db.begins, 2);
	cfg_free(&c);
}

/* Rows deleted must be the rows locked; otherwise nothing is kept. */
static void
test_rollup_mismatch_rolls_back(void **state)
{
	struct cfg	 c;

	(void)state;
	reset();
	load_cfg(&c);
	db.lie = 1;
	db.minutes[db.nminutes++] = NOW - 40 * 86400;
	db.minutes[db.nminutes++] = NOW - 40 * 86400 + 60;
	assert_int_equal(run(&c), RETENTION_DB);
	assert_string_equal(failed, "kf_stat_minute: database error: "
	    "refused");
	assert_int_equal(db.commits, 0);
	assert_int_equal(db.rollbacks, 1);
	assert_int_equal(nseen, RET_STAT_MINUTE);	/* the steps before */
	assert_int_equal(db.unlocked, 1);
	cfg_free(&c);
}

/* A failing statement stops the run there; the lock is let go. */
static void
test_failure_stops_there(void **state)
{
	struct cfg	 c;

	(void)state;
	reset();
	load_cfg(&c);
	db.fail_q = Q_RET_AUDIT;
	db.left[Q_RET_THROTTLE] = 3;
	assert_int_equal(run(&c), RETENTION_DB);
	assert_string_equal(failed, "kf_audit: database error: refused");
	assert_int_equal(nseen, RET_AUDIT);
	assert_int_equal(db.execs[Q_RET_THROTTLE], 0);
	assert_int_equal(db.unlocked, 1);
	cfg_free(&c);
}

/* Another run holds the lock: nothing at all is done. */
static void
test_busy(void **state)
{
	struct cfg	 c;
	int		 q;

	(void)state;
	reset();
	load_cfg(&c);
	db.lock_busy = 1;
	assert_int_equal(run(&c), RETENTION_BUSY);
	assert_int_equal(nseen, 0);
	for (q = 0; q < Q__MAX; q++)
		assert_int_equal(db.execs[q], 0);
	assert_int_equal(db.unlocked, 0);
	cfg_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cutoffs),
		cmocka_unit_test(test_defaults_purge_in_batches),
		cmocka_unit_test(test_zero_keeps),
		cmocka_unit_test(test_rollup_whole_hours),
		cmocka_unit_test(test_rollup_mismatch_rolls_back),
		cmocka_unit_test(test_failure_stops_there),
		cmocka_unit_test(test_busy),
	};

	return cmocka_run_group_tests_name("retention", tests, NULL, NULL);
}
