/* Which database account may run which statement (store.c's roles). */
#include "unit.h"

#include "store.h"
#include "store_sql.h"

static void
test_roles(void **state)
{
	(void)state;
	/* The admin program's statements: the admin account only. */
	assert_false(store_may(STORE_PUBLIC, STORE_TABLE_ADMIN,
	    Q_ADMIN_USER_GET));
	assert_false(store_may(STORE_WECOM, STORE_TABLE_ADMIN, Q_ENTRY_INSERT));
	assert_true(store_may(STORE_ADMIN, STORE_TABLE_ADMIN, Q_ADMIN_USER_GET));
	/* The WeCom program's: its account and the admin's (kfctl wecom). */
	assert_false(store_may(STORE_PUBLIC, STORE_TABLE_WECOM, W_TOKEN_GET));
	assert_true(store_may(STORE_WECOM, STORE_TABLE_WECOM, W_TOKEN_GET));
	assert_true(store_may(STORE_ADMIN, STORE_TABLE_WECOM, W_TOKEN_PUT));
	/* Accounts and links: kfctl (admin) and the worker's sync requests
	 * (wecom) write them; the public program never. */
	assert_true(store_may(STORE_WECOM, STORE_TABLE_WECOM, W_ACCOUNT_PUT));
	assert_true(store_may(STORE_WECOM, STORE_TABLE_WECOM, W_LINK_PUT));
	assert_true(store_may(STORE_ADMIN, STORE_TABLE_WECOM, W_LINK_PUT));
	assert_false(store_may(STORE_PUBLIC, STORE_TABLE_WECOM, W_LINK_PUT));
	/* The page's sync requests: claimed and finished by the worker. */
	assert_true(store_may(STORE_WECOM, STORE_TABLE_WECOM, W_SYNC_CLAIM));
	assert_true(store_may(STORE_WECOM, STORE_TABLE_WECOM, W_SYNC_FINISH));
	assert_false(store_may(STORE_PUBLIC, STORE_TABLE_WECOM, W_SYNC_CLAIM));
	/* ...requested by the admin program only. */
	assert_true(store_may(STORE_ADMIN, STORE_TABLE_ADMIN, Q_WSYNC_REQUEST));
	assert_false(store_may(STORE_WECOM, STORE_TABLE_ADMIN,
	    Q_WSYNC_REQUEST));
	/* The routing engine's reads and commits: everyone. */
	assert_true(store_may(STORE_PUBLIC, STORE_TABLE_ROUTING, 0));
	assert_true(store_may(STORE_WECOM, STORE_TABLE_ROUTING, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roles),
	};

	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
