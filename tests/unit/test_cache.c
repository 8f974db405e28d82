/*
 * The cache's staleness logic against a fake store (these definitions
 * take the place of store.o at link time) and a clock the test controls.
 */
#include "unit.h"

#include "cache.h"
#include "snap.h"
#include "store.h"

static struct {
	int		 up;
	long long	 version;
	int		 version_calls, load_calls, point_calls;
	int		 fail_load;
	/* Live state: assignments committed "elsewhere". */
	struct { const char *agent; int64_t at; } live[8];
	int		 nlive, live_calls;
	int64_t		 live_since;
	/* Presence and load changed "elsewhere", with their stamps. */
	struct { const char *agent; enum agent_status st; int active;
	    int64_t at; } presence[8];
	int		 npresence;
	int64_t		 presence_since;
} db;

enum store_rc
store_version(struct store *s, long long *v)
{
	(void)s;
	db.version_calls++;
	*v = db.version;
	return db.up ? STORE_OK : STORE_ERR;
}

static void
add_entry(struct snap *snap, const char *id)
{
	struct snap_entry_in	 e = { .id = id, .label = "x", .enabled = 1 };

	snap_add_entry(snap, &e);
}

enum store_rc
store_load_all(struct store *s, struct snap *snap)
{
	(void)s;
	db.load_calls++;
	if (!db.up || db.fail_load)
		return STORE_ERR;
	snap->version = db.version;
	add_entry(snap, "all");
	{
		struct snap_agent a = { .id = "a1", .name = "A1", .enabled = 1,
		    .capacity = 5 };

		snap_add_agent(snap, &a);
		a.id = "a2";
		snap_add_agent(snap, &a);
		snap_add_group(snap, "g", "G");
		snap_add_member(snap, "g", "a1", 0);
		snap_add_member(snap, "g", "a2", 1);
	}
	snap_finish(snap);
	return STORE_OK;
}

enum store_rc
store_activity_since(struct store *s, int64_t mark, int overlap,
    store_activity_fn fn, void *arg)
{
	int64_t	 since = mark - overlap;

	int	 i;

	(void)s;
	db.live_calls++;
	db.live_since = since;
	if (!db.up)
		return STORE_ERR;
	for (i = 0; i < db.nlive; i++)
		if (db.live[i].at >= since)
			fn(arg, db.live[i].agent, db.live[i].at);
	return STORE_OK;
}

enum store_rc
store_presence_since(struct store *s, int64_t mark, int overlap,
    store_presence_fn fn, void *arg)
{
	int64_t	 since = mark - overlap;

	int	 i;

	(void)s;
	db.presence_since = since;
	if (!db.up)
		return STORE_ERR;
	for (i = 0; i < db.npresence; i++)
		if (db.presence[i].at >= since)
			fn(arg, db.presence[i].agent, db.presence[i].st,
			    db.presence[i].active, db.presence[i].at);
	return STORE_OK;
}

enum store_rc
store_load_entry(struct store *s, const char *id, const char *global,
    const struct decide_customer *c, struct snap *snap)
{
	(void)s;
	(void)global;
	(void)c;
	db.point_calls++;
	if (!db.up)
		return STORE_ERR;
	add_entry(snap, id);
	snap_finish(snap);
	return STORE_OK;
}

enum store_rc
store_load_enabled_entries(struct store *s, struct snap *snap)
{
	return store_load_entry(s, "listed", NULL, NULL, snap);
}

static struct snap *
get_entry(struct cache *c, int64_t now, const char *id)
{
	const struct cache_want	 w = { CACHE_WANT_ENTRY, id, NULL, NULL };

	return cache_get(c, now, &w);
}

static struct snap *
get_list(struct cache *c, int64_t now)
{
	const struct cache_want	 w = { CACHE_WANT_ENTRIES, NULL, NULL, NULL };

	return cache_get(c, now, &w);
}

static int
reset(void **state)
{
	(void)state;
	memset(&db, 0, sizeof(db));
	db.up = 1;
	db.version = 7;
	return 0;
}

static void
test_loads_once_then_checks_per_bound(void **state)
{
	struct cache		 c;
	struct snap		*s;

	(void)state;
	cache_init(&c, NULL, CACHE_SNAPSHOT, 1000);
	assert_int_equal(cache_age_ms(&c, 0), -1);
	assert_non_null(s = get_entry(&c, 10000, "cs1"));
	assert_int_equal(s->version, 7);
	assert_non_null(snap_entry(s, "all"));
	assert_int_equal(db.load_calls, 1);
	/* Within the bound: no database call at all. */
	for (int t = 10001; t < 11000; t += 7)
		assert_ptr_equal(get_entry(&c, t, "x"), s);
	assert_int_equal(db.version_calls, 1);
	assert_int_equal(cache_age_ms(&c, 10999), 999);
	/* Bound passed, version unchanged: one cheap check, no reload. */
	assert_ptr_equal(get_entry(&c, 11000, "x"), s);
	assert_int_equal(db.version_calls, 2);
	assert_int_equal(db.load_calls, 1);
	assert_int_equal(cache_age_ms(&c, 11000), 0);
	/* Version moved: reload. */
	db.version = 8;
	s = get_entry(&c, 12000, "x");
	assert_int_equal(s->version, 8);
	assert_int_equal(db.load_calls, 2);
	cache_release(&c);	/* no-op for snapshots */
	assert_non_null(c.snap);
	cache_free(&c);
}

static void
test_database_down_keeps_stale_snapshot(void **state)
{
	struct cache		 c;
	struct snap		*s;

	(void)state;
	cache_init(&c, NULL, CACHE_SNAPSHOT, 1000);
	s = get_entry(&c, 0, "x");
	db.up = 0;
	/* Down: the old snapshot answers, one failed check per bound. */
	assert_ptr_equal(get_entry(&c, 1000, "x"), s);
	assert_false(c.db_up);
	assert_ptr_equal(get_entry(&c, 1500, "x"), s);
	assert_int_equal(db.version_calls, 2);
	assert_int_equal(cache_age_ms(&c, 1500), 1500);
	/* A reload that fails also keeps the old snapshot. */
	db.up = 1;
	db.version = 9;
	db.fail_load = 1;
	assert_ptr_equal(get_entry(&c, 2000, "x"), s);
	assert_int_equal(s->version, 7);
	db.fail_load = 0;
	s = get_entry(&c, 3000, "x");
	assert_int_equal(s->version, 9);
	assert_true(c.db_up);
	cache_free(&c);
}

static void
test_no_snapshot_and_down_is_null_rate_limited(void **state)
{
	struct cache	 c;

	(void)state;
	db.up = 0;
	cache_init(&c, NULL, CACHE_SNAPSHOT, 1000);
	assert_null(get_entry(&c, 0, "x"));
	assert_null(get_entry(&c, 10, "x"));
	assert_int_equal(db.version_calls, 1);
	db.up = 1;
	assert_null(get_entry(&c, 999, "x"));
	assert_non_null(get_entry(&c, 1000, "x"));
	cache_free(&c);
}

static void
test_zero_bound_checks_every_time(void **state)
{
	struct cache	 c;

	(void)state;
	cache_init(&c, NULL, CACHE_SNAPSHOT, 0);
	get_entry(&c, 5, "x");
	get_entry(&c, 5, "x");
	assert_int_equal(db.version_calls, 2);
	cache_free(&c);
}

/*
 * Assignments committed by other processes reach the snapshot within the
 * bound without a reload (live state is not configuration), and round
 * robin follows them.
 */
static void
test_live_state_without_reload(void **state)
{
	struct cache	 c;
	struct snap	*s;

	(void)state;
	db.up = 1;
	db.version = 3;
	cache_init(&c, NULL, CACHE_SNAPSHOT, 1000);
	s = get_entry(&c, 0, "all");
	assert_non_null(s);
	assert_int_equal(snap_group(s, "g")->rr_next, 0);
	db.live[db.nlive].agent = "a1";
	db.live[db.nlive++].at = 500000;
	s = get_entry(&c, 500, "all");			/* within the bound */
	assert_int_equal(snap_agent(s, "a1")->last_assigned, 0);
	s = get_entry(&c, 1000, "all");
	assert_int_equal(snap_agent(s, "a1")->last_assigned, 500000);
	assert_int_equal(snap_group(s, "g")->rr_next, 1);	/* a2 next */
	db.live[db.nlive].agent = "a2";
	db.live[db.nlive++].at = 600000;
	db.live[db.nlive].agent = "nobody";		/* unknown: ignored */
	db.live[db.nlive++].at = 700000;
	s = get_entry(&c, 2000, "all");
	assert_int_equal(snap_group(s, "g")->rr_next % 2, 0);	/* a1 next */
	/* Read again from a little before the newest seen, not from 0. */
	assert_true(db.live_since > 0 && db.live_since <= 700000);
	assert_int_equal(db.load_calls, 1);
	/* A configuration change reloads and keeps what was seen. */
	db.version = 4;
	s = get_entry(&c, 3000, "all");
	assert_int_equal(db.load_calls, 2);
	assert_int_equal(snap_agent(s, "a2")->last_assigned, 600000);
	assert_int_equal(snap_group(s, "g")->rr_next % 2, 0);
	cache_free(&c);
}

/* Presence and load: applied in place, read from the newest stamp seen. */
static void
test_presence_without_reload(void **state)
{
	struct cache	 c;
	struct snap	*s;

	(void)state;
	cache_init(&c, NULL, CACHE_SNAPSHOT, 1000);
	s = get_entry(&c, 0, "all");
	assert_int_equal(snap_agent(s, "a1")->status, AGENT_OFFLINE);
	db.presence[db.npresence].agent = "a1";
	db.presence[db.npresence].st = AGENT_BUSY;
	db.presence[db.npresence].active = 4;
	db.presence[db.npresence++].at = 900000;
	db.presence[db.npresence].agent = "ghost";	/* unknown: ignored */
	db.presence[db.npresence++].at = 900001;
	s = get_entry(&c, 500, "all");			/* within the bound */
	assert_int_equal(snap_agent(s, "a1")->status, AGENT_OFFLINE);
	s = get_entry(&c, 1000, "all");
	assert_int_equal(snap_agent(s, "a1")->status, AGENT_BUSY);
	assert_int_equal(snap_agent(s, "a1")->active, 4);
	assert_int_equal(snap_agent(s, "a2")->status, AGENT_OFFLINE);
	assert_int_equal(db.load_calls, 1);
	s = get_entry(&c, 2000, "all");
	assert_true(db.presence_since > 0 && db.presence_since <= 900001);
	assert_int_equal(db.load_calls, 1);
	cache_free(&c);
}

static void
test_point_mode_loads_what_is_asked(void **state)
{
	struct cache		 c;
	struct snap		*s;

	(void)state;
	cache_init(&c, NULL, CACHE_POINT, 1000);
	s = get_entry(&c, 0, "cs9");
	assert_non_null(snap_entry(s, "cs9"));
	assert_int_equal(db.point_calls, 1);
	assert_int_equal(db.load_calls, 0);
	assert_int_equal(db.version_calls, 0);
	cache_release(&c);
	assert_null(c.request_snap);
	s = get_list(&c, 0);
	assert_non_null(snap_entry(s, "listed"));
	assert_int_equal(cache_age_ms(&c, 0), -1);
	db.up = 0;
	assert_null(get_entry(&c, 0, "cs9"));
	assert_false(c.db_up);
	cache_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_loads_once_then_checks_per_bound,
		    reset),
		cmocka_unit_test_setup(test_database_down_keeps_stale_snapshot,
		    reset),
		cmocka_unit_test_setup(
		    test_no_snapshot_and_down_is_null_rate_limited, reset),
		cmocka_unit_test_setup(test_zero_bound_checks_every_time, reset),
		cmocka_unit_test_setup(test_live_state_without_reload, reset),
		cmocka_unit_test_setup(test_presence_without_reload, reset),
		cmocka_unit_test_setup(test_point_mode_loads_what_is_asked,
		    reset),
	};

	return cmocka_run_group_tests_name("cache", tests, NULL, NULL);
}
