/*
 * The per-worker customer cache against a fake store (these definitions
 * take the place of store.o at link time) and a clock the test controls:
 * a verified customer seen within the bound costs no query.
 */
#include "unit.h"

#include "arena.h"
#include "custcache.h"
#include "decide.h"
#include "store.h"

static struct {
	int		 customer_calls, order_calls, batch_calls, batch_keys;
	int		 down;
	int		 level;
	const char	*sticky;
	int		 sticky_days;	/* as asked */
} db;

enum store_rc
store_load_customer(struct store *s, struct arena *a, const char *key,
    int sticky_days, struct decide_customer *c)
{
	(void)s;
	db.customer_calls++;
	db.sticky_days = sticky_days;
	if (db.down)
		return STORE_ERR;
	memset(c, 0, sizeof(*c));
	c->key = arena_strdup(a, key);
	c->level = db.level;
	c->tags = arena_strdup(a, strcmp(key, "vip") == 0 ? "gold,new" : "");
	c->manager_id = strcmp(key, "vip") == 0 ? arena_strdup(a, "a9") : NULL;
	c->sticky_id = db.sticky != NULL ? arena_strdup(a, db.sticky) : NULL;
	return STORE_OK;
}

enum store_rc
store_order_agent(struct store *s, struct arena *a, const char *order,
    const char *customer, const char **agent)
{
	(void)s;
	db.order_calls++;
	if (db.down)
		return STORE_ERR;
	/* o1 is vip's, with agent a5; nobody else's. */
	if (strcmp(order, "o1") == 0 && strcmp(customer, "vip") == 0) {
		*agent = arena_strdup(a, "a5");
		return STORE_OK;
	}
	*agent = NULL;
	return STORE_NOTFOUND;
}

/* The background thread's batched read: the same records. */
enum store_rc
store_load_customers(struct store *s, const char *const *keys, size_t n,
    int sticky_days, store_customer_fn fn, void *arg)
{
	struct arena		*a = arena_new(256);
	struct decide_customer	 c;
	size_t			 i;

	db.batch_calls++;
	for (i = 0; i < n; i++) {
		db.batch_keys++;
		db.customer_calls--;	/* counted apart */
		if (store_load_customer(s, a, keys[i], sticky_days, &c) !=
		    STORE_OK) {
			arena_free(a);
			return STORE_ERR;
		}
		fn(arg, &c);
	}
	arena_free(a);
	return STORE_OK;
}

static struct arena	*ar;

static int
reset(void **state)
{
	(void)state;
	memset(&db, 0, sizeof(db));
	ar = arena_new(1024);
	return 0;
}

static int
done(void **state)
{
	(void)state;
	arena_free(ar);
	return 0;
}

static void
test_hit_within_bound(void **state)
{
	struct custcache	*cc = custcache_new(64, 1000);
	struct decide_customer	 c;

	(void)state;
	db.level = 3;
	db.sticky = "a2";
	assert_int_equal(custcache_get(cc, NULL, ar, "vip", NULL, 30, 10000,
	    &c), STORE_OK);
	assert_int_equal(db.customer_calls, 1);
	assert_int_equal(db.sticky_days, 30);
	assert_string_equal(c.key, "vip");
	assert_int_equal(c.level, 3);
	assert_string_equal(c.tags, "gold,new");
	assert_string_equal(c.manager_id, "a9");
	assert_string_equal(c.sticky_id, "a2");
	/* Within the bound: the same answer, no query, even if it moved. */
	db.level = 5;
	assert_int_equal(custcache_get(cc, NULL, ar, "vip", NULL, 30, 10999,
	    &c), STORE_OK);
	assert_int_equal(db.customer_calls, 1);
	assert_int_equal(c.level, 3);
	assert_string_equal(c.manager_id, "a9");
	/* Past it: read again. */
	assert_int_equal(custcache_get(cc, NULL, ar, "vip", NULL, 30, 11000,
	    &c), STORE_OK);
	assert_int_equal(db.customer_calls, 2);
	assert_int_equal(c.level, 5);
	/* Another customer is another record; none of vip's leaks. */
	assert_int_equal(custcache_get(cc, NULL, ar, "plain", NULL, 30, 11000,
	    &c), STORE_OK);
	assert_int_equal(db.customer_calls, 3);
	assert_string_equal(c.key, "plain");
	assert_null(c.tags);
	assert_null(c.manager_id);
	/* A clock that went back is no reason to trust the slot. */
	assert_int_equal(custcache_get(cc, NULL, ar, "plain", NULL, 30, 5000,
	    &c), STORE_OK);
	assert_int_equal(db.customer_calls, 4);
	custcache_free(cc);
}

static void
test_orders_and_sticky_days(void **state)
{
	struct custcache	*cc = custcache_new(64, 1000);
	struct decide_customer	 c;

	(void)state;
	db.sticky = "a2";
	assert_int_equal(custcache_get(cc, NULL, ar, "vip", "o1", 0, 100, &c),
	    STORE_OK);
	assert_string_equal(c.order_agent_id, "a5");
	assert_null(c.sticky_id);		/* sticky_days 0 */
	assert_int_equal(custcache_get(cc, NULL, ar, "vip", "o1", 0, 200, &c),
	    STORE_OK);
	assert_string_equal(c.order_agent_id, "a5");
	assert_int_equal(db.order_calls, 1);
	/* Someone else naming vip's order gets no agent, cached apart. */
	assert_int_equal(custcache_get(cc, NULL, ar, "thief", "o1", 0, 300,
	    &c), STORE_OK);
	assert_null(c.order_agent_id);
	assert_int_equal(db.order_calls, 2);
	assert_int_equal(custcache_get(cc, NULL, ar, "thief", "o1", 0, 400,
	    &c), STORE_OK);
	assert_null(c.order_agent_id);
	assert_int_equal(db.order_calls, 2);
	custcache_free(cc);
}

static void
test_forget_down_and_off(void **state)
{
	struct custcache	*cc = custcache_new(64, 1000), *off;
	struct decide_customer	 c;

	(void)state;
	db.sticky = "a2";
	custcache_get(cc, NULL, ar, "vip", NULL, 30, 100, &c);
	/* A commit here: the last agent is read again at once. */
	db.sticky = "a3";
	custcache_forget(cc, "vip");
	custcache_forget(cc, "nobody");
	custcache_forget(cc, NULL);
	custcache_get(cc, NULL, ar, "vip", NULL, 30, 200, &c);
	assert_string_equal(c.sticky_id, "a3");
	assert_int_equal(db.customer_calls, 2);
	/* A database down: kept records still answer, a new one fails. */
	db.down = 1;
	assert_int_equal(custcache_get(cc, NULL, ar, "vip", NULL, 30, 300,
	    &c), STORE_OK);
	assert_int_equal(custcache_get(cc, NULL, ar, "new", NULL, 30, 300,
	    &c), STORE_ERR);
	/* An order that cannot be read costs the order, not the customer. */
	assert_int_equal(custcache_get(cc, NULL, ar, "vip", "o1", 30, 400,
	    &c), STORE_OK);
	assert_null(c.order_agent_id);
	assert_int_equal(c.level, 0);
	db.down = 0;
	/* 0 slots: every call asks. */
	off = custcache_new(0, 1000);
	custcache_get(off, NULL, ar, "vip", NULL, 30, 100, &c);
	custcache_get(off, NULL, ar, "vip", NULL, 30, 101, &c);
	assert_int_equal(db.customer_calls, 5);	/* 2 before, "new", 2 */
	assert_string_equal(c.manager_id, "a9");
	custcache_free(off);
	custcache_free(cc);
	custcache_free(NULL);
}

/* Customers asked for within the bound are read again in the background
 * before it runs out: a returning customer costs the request nothing. */
static void
test_background_refresh(void **state)
{
	struct custcache	*cc = custcache_new(64, 1000);
	struct decide_customer	 c;

	(void)state;
	db.level = 3;
	custcache_get(cc, NULL, ar, "vip", NULL, 30, 10000, &c);
	custcache_get(cc, NULL, ar, "cold", NULL, 30, 10000, &c);
	assert_int_equal(db.customer_calls, 2);
	/* Younger than half the bound: nothing to read yet. */
	custcache_refresh(cc, NULL, 30, 10400);
	assert_int_equal(db.batch_keys, 0);
	/* vip asked for again; cold not since 10000. */
	custcache_get(cc, NULL, ar, "vip", NULL, 30, 10600, &c);
	db.level = 5;
	custcache_refresh(cc, NULL, 30, 10700);
	assert_int_equal(db.batch_keys, 2);	/* both used within 1 s */
	custcache_get(cc, NULL, ar, "vip", NULL, 30, 11200, &c);
	custcache_refresh(cc, NULL, 30, 11650);
	assert_int_equal(db.batch_keys, 3);	/* vip only: cold unused */
	/* Past the first bound, vip is answered fresh without a query. */
	custcache_get(cc, NULL, ar, "vip", NULL, 30, 12000, &c);
	assert_int_equal(c.level, 5);
	assert_int_equal(db.customer_calls, 2);
	/* A record read by a request after the batch began is kept. */
	custcache_forget(cc, "vip");
	db.level = 7;
	custcache_get(cc, NULL, ar, "vip", NULL, 30, 12100, &c);
	db.level = 1;
	custcache_refresh(cc, NULL, 30, 12050);	/* began before 12100 */
	custcache_get(cc, NULL, ar, "vip", NULL, 30, 12200, &c);
	assert_int_equal(c.level, 7);
	custcache_refresh(NULL, NULL, 30, 0);
	custcache_free(cc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hit_within_bound, reset,
		    done),
		cmocka_unit_test_setup_teardown(test_orders_and_sticky_days,
		    reset, done),
		cmocka_unit_test_setup_teardown(test_forget_down_and_off,
		    reset, done),
		cmocka_unit_test_setup_teardown(test_background_refresh,
		    reset, done),
	};

	return cmocka_run_group_tests_name("custcache", tests, NULL, NULL);
}
