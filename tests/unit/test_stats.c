/*
 * Quote counting: aggregation per minute, and a failed flush that rolls
 * back and keeps everything for the next try (added once, not twice).
 * The store functions are fakes linked in place of store.o.
 */
#include "unit.h"

#include <stdio.h>

#include "stats.h"
#include "store.h"

static struct {
	int	 fail_at;	/* fail the n-th write (1-based), 0 never */
	int	 writes, commits, begins, rollbacks;
	char	 log[64][200];
	int	 nlog;
} db;

static enum store_rc
write_op(const char *line)
{
	db.writes++;
	if (db.fail_at != 0 && db.writes == db.fail_at)
		return STORE_ERR;
	snprintf(db.log[db.nlog++ % 64], sizeof(db.log[0]), "%s", line);
	return STORE_OK;
}

enum store_rc
store_begin(struct store *s)
{
	(void)s;
	db.begins++;
	db.nlog = 0;
	return STORE_OK;
}

enum store_rc
store_commit(struct store *s)
{
	(void)s;
	db.commits++;
	return STORE_OK;
}

void
store_rollback(struct store *s)
{
	(void)s;
	db.rollbacks++;
}

enum store_rc
store_add_quotes(struct store *s, const struct store_quotes *q, size_t n)
{
	char	 line[200];
	size_t	 i;

	(void)s;
	for (i = 0; i < n; i++) {
		snprintf(line, sizeof(line), "quotes %lld %s %s %s %u",
		    (long long)q[i].minute, q[i].entry, q[i].agent,
		    q[i].reason, q[i].count);
		if (write_op(line) != STORE_OK)
			return STORE_ERR;
	}
	return STORE_OK;
}

static int
reset(void **state)
{
	(void)state;
	memset(&db, 0, sizeof(db));
	return 0;
}

static void
test_aggregates_per_minute(void **state)
{
	struct stats	*s = stats_new();

	(void)state;
	stats_quote(s, 120, "cs1", "a1", "designated");
	stats_quote(s, 179, "cs1", "a1", "designated");	/* same minute */
	stats_quote(s, 180, "cs1", "a1", "designated");	/* next minute */
	stats_quote(s, 150, "cs1", NULL, "none:offline");
	stats_quote(s, 150, "cs2", "a1", "designated");
	assert_int_equal(stats_pending(s), 4);
	assert_int_equal(stats_flush(s, NULL, 1000), 0);
	assert_int_equal(db.nlog, 4);
	/* In key order (minute, entry, agent, reason), not arrival order:
	 * workers lock rows in one order and never deadlock each other. */
	assert_string_equal(db.log[0], "quotes 120 cs1  none:offline 1");
	assert_string_equal(db.log[1], "quotes 120 cs1 a1 designated 2");
	assert_string_equal(db.log[2], "quotes 120 cs2 a1 designated 1");
	assert_string_equal(db.log[3], "quotes 180 cs1 a1 designated 1");
	assert_int_equal(stats_pending(s), 0);
	assert_int_equal(db.commits, 1);
	/* Nothing pending: no transaction at all. */
	assert_int_equal(stats_flush(s, NULL, 2000), 0);
	assert_int_equal(db.begins, 1);
	stats_free(s);
}

static void
test_failed_flush_keeps_everything(void **state)
{
	struct stats	*s = stats_new();

	(void)state;
	stats_quote(s, 60, "cs1", "a1", "designated");
	stats_quote(s, 60, "cs2", "a2", "designated");
	db.fail_at = 2;
	assert_int_equal(stats_flush(s, NULL, 0), -1);
	assert_int_equal(stats_pending(s), 2);
	assert_int_equal(db.commits, 0);
	assert_int_equal(db.rollbacks, 1);	/* nothing half-written */
	stats_quote(s, 60, "cs1", "a1", "designated");
	db.fail_at = 0;
	assert_int_equal(stats_flush(s, NULL, 0), 0);
	assert_string_equal(db.log[0], "quotes 60 cs1 a1 designated 2");
	stats_free(s);
}

static void
test_due(void **state)
{
	struct stats	*s = stats_new();
	int64_t		 t0 = 1000000;

	(void)state;
	stats_flush(s, NULL, t0);
	assert_false(stats_due(s, t0 + 10000, 5000));	/* nothing waits */
	stats_quote(s, 60, "cs1", "a1", "designated");
	assert_false(stats_due(s, t0 + 4999, 5000));
	assert_true(stats_due(s, t0 + 5000, 5000));
	/* A half-full table is due at once; a full one keeps what it has,
	 * each row once however often it is counted. */
	stats_flush(s, NULL, t0);
	for (int i = 0; i < 2047; i++) {
		char e[16];
		snprintf(e, sizeof(e), "e%d", i);
		stats_quote(s, 60, e, "a1", "designated");
		stats_quote(s, 60, e, "a1", "designated");
	}
	assert_int_equal(stats_pending(s), 2047);
	assert_false(stats_due(s, t0, 5000));
	stats_quote(s, 60, "e2047", "a1", "designated");
	assert_true(stats_due(s, t0, 5000));
	for (int i = 0; i < 5000; i++) {
		char e[16];
		snprintf(e, sizeof(e), "x%d", i);
		stats_quote(s, 120, e, "", "none:offline");
	}
	assert_int_equal(stats_pending(s), 4096);
	stats_quote(s, 60, "e7", "a1", "designated");	/* known: counted */
	assert_int_equal(stats_pending(s), 4096);
	stats_free(s);
	stats_free(NULL);
}

/* A failed flush is not tried again on every response: a growing pause. */
static void
test_cool_down_after_failure(void **state)
{
	struct stats	*s = stats_new();
	int64_t		 t0 = 1000000;

	(void)state;
	stats_flush(s, NULL, t0);
	stats_quote(s, 60, "cs1", "a1", "designated");
	db.fail_at = 1;
	assert_true(stats_due(s, t0 + 5000, 5000));
	assert_int_equal(stats_flush(s, NULL, t0 + 5000), -1);
	assert_false(stats_due(s, t0 + 5100, 0));	/* 250 ms pause */
	assert_true(stats_due(s, t0 + 5250, 0));
	db.writes = 0;
	db.fail_at = 1;
	assert_int_equal(stats_flush(s, NULL, t0 + 5250), -1);
	assert_false(stats_due(s, t0 + 5700, 0));	/* doubled: 500 ms */
	assert_true(stats_due(s, t0 + 5750, 0));
	db.fail_at = 0;
	assert_int_equal(stats_flush(s, NULL, t0 + 5750), 0);
	stats_quote(s, 60, "cs1", "a1", "designated");
	assert_true(stats_due(s, t0 + 5750, 0));	/* pause over */
	stats_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_aggregates_per_minute, reset),
		cmocka_unit_test_setup(test_failed_flush_keeps_everything,
		    reset),
		cmocka_unit_test_setup(test_due, reset),
		cmocka_unit_test_setup(test_cool_down_after_failure, reset),
	};

	return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
