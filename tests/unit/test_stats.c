/*
 * Decision counting: aggregation per minute, dedupe of sticky and
 * activity, and a failed flush that keeps everything for the next try.
 * The store functions are fakes linked in place of store.o.
 */
#include "unit.h"

#include <stdio.h>

#include "stats.h"
#include "store.h"

static struct {
	int	 fail_at;	/* fail the n-th write (1-based), 0 never */
	int	 writes, commits, begins;
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

enum store_rc
store_add_stat(struct store *s, time_t minute, const char *entry,
    const char *agent, const char *reason, unsigned count,
    unsigned fallbacks)
{
	char	 line[200];

	(void)s;
	snprintf(line, sizeof(line), "stat %lld %s %s %s %u/%u",
	    (long long)minute, entry, agent, reason, fallbacks, count);
	return write_op(line);
}

enum store_rc
store_record_sticky(struct store *s, const char *customer, const char *agent,
    const char *entry, time_t at)
{
	char	 line[200];

	(void)s;
	snprintf(line, sizeof(line), "sticky %s %s %s %lld", customer, agent,
	    entry, (long long)at);
	return write_op(line);
}

enum store_rc
store_record_activity(struct store *s, const char *agent, int64_t at)
{
	char	 line[200];

	(void)s;
	snprintf(line, sizeof(line), "activity %s %lld", agent, (long long)at);
	return write_op(line);
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
	stats_count(s, 120, "cs1", "a1", "designated", 0);
	stats_count(s, 179, "cs1", "a1", "designated", 1);	/* same minute */
	stats_count(s, 180, "cs1", "a1", "designated", 0);	/* next minute */
	stats_count(s, 150, "cs1", NULL, "none:offline", 0);
	stats_count(s, 150, "cs2", "a1", "designated", 0);
	assert_int_equal(stats_pending(s), 4);
	assert_int_equal(stats_flush(s, NULL, 1000), 0);
	assert_int_equal(db.nlog, 4);
	assert_string_equal(db.log[0], "stat 120 cs1 a1 designated 1/2");
	assert_string_equal(db.log[1], "stat 180 cs1 a1 designated 0/1");
	assert_string_equal(db.log[2], "stat 120 cs1  none:offline 0/1");
	assert_string_equal(db.log[3], "stat 120 cs2 a1 designated 0/1");
	assert_int_equal(stats_pending(s), 0);
	assert_int_equal(db.commits, 1);
	/* Nothing pending: no transaction at all. */
	assert_int_equal(stats_flush(s, NULL, 2000), 0);
	assert_int_equal(db.begins, 1);
	stats_free(s);
}

static void
test_latest_sticky_and_activity(void **state)
{
	struct stats	*s = stats_new();

	(void)state;
	stats_sticky(s, "c1", "a1", "cs1", 100);
	stats_sticky(s, "c1", "a2", "cs2", 200);	/* replaces */
	stats_sticky(s, "c2", "a3", "cs1", 150);
	stats_activity(s, "a1", 100);
	stats_activity(s, "a1", 300);
	assert_int_equal(stats_pending(s), 3);
	stats_flush(s, NULL, 0);
	assert_string_equal(db.log[0], "sticky c1 a2 cs2 200");
	assert_string_equal(db.log[1], "sticky c2 a3 cs1 150");
	assert_string_equal(db.log[2], "activity a1 300");
	stats_free(s);
}

static void
test_failed_flush_keeps_everything(void **state)
{
	struct stats	*s = stats_new();

	(void)state;
	stats_count(s, 60, "cs1", "a1", "designated", 0);
	stats_count(s, 60, "cs2", "a2", "designated", 0);
	db.fail_at = 2;
	assert_int_equal(stats_flush(s, NULL, 0), -1);
	assert_int_equal(stats_pending(s), 2);
	assert_int_equal(db.commits, 0);
	stats_count(s, 60, "cs1", "a1", "designated", 0);
	db.fail_at = 0;
	assert_int_equal(stats_flush(s, NULL, 0), 0);
	assert_string_equal(db.log[0], "stat 60 cs1 a1 designated 0/2");
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
	stats_count(s, 60, "cs1", "a1", "designated", 0);
	assert_false(stats_due(s, t0 + 4999, 5000));
	assert_true(stats_due(s, t0 + 5000, 5000));
	/* A full table is due at once. */
	stats_flush(s, NULL, t0);
	for (int i = 0; i < 600; i++) {
		char e[16];
		snprintf(e, sizeof(e), "e%d", i);
		stats_count(s, 60, e, "a1", "designated", 0);
	}
	assert_true(stats_due(s, t0, 5000));
	assert_int_equal(stats_pending(s), 512);
	stats_free(s);
	stats_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_aggregates_per_minute, reset),
		cmocka_unit_test_setup(test_latest_sticky_and_activity, reset),
		cmocka_unit_test_setup(test_failed_flush_keeps_everything,
		    reset),
		cmocka_unit_test_setup(test_due, reset),
	};

	return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
