/* scene_param tickets: signed, short, refused when forged or stale. */
#include "unit.h"

#include <stdio.h>

#include "ticket.h"

#define NOW	((time_t)1795399200)

static void
test_roundtrip(void **state)
{
	char	 t[TICKET_MAX + 1], e[65], a[65];

	(void)state;
	assert_int_equal(ticket_make("k", "cs2", "a4", NOW, t), 0);
	assert_int_equal(strncmp(t, "1.cs2.a4.", 9), 0);
	assert_true(strlen(t) <= TICKET_MAX);
	assert_int_equal(ticket_read("k", t, NOW + 5, 3600, e, a), 0);
	assert_string_equal(e, "cs2");
	assert_string_equal(a, "a4");
	/* No agent. */
	assert_int_equal(ticket_make("k", "cs2", NULL, NOW, t), 0);
	assert_int_equal(ticket_read("k", t, NOW, 3600, e, a), 0);
	assert_string_equal(a, "");
}

static void
test_long_ids_drop_the_agent(void **state)
{
	char	 t[TICKET_MAX + 1], e[65], a[65], entry[65], agent[65];

	(void)state;
	memset(entry, 'e', 64);
	entry[64] = '\0';
	memset(agent, 'a', 64);
	agent[64] = '\0';
	assert_int_equal(ticket_make("k", entry, agent, NOW, t), 0);
	assert_true(strlen(t) <= TICKET_MAX);
	assert_int_equal(ticket_read("k", t, NOW, 3600, e, a), 0);
	assert_string_equal(e, entry);
	assert_string_equal(a, "");
}

static void
test_refused(void **state)
{
	char	 t[TICKET_MAX + 1], bad[200], e[65], a[65];
	size_t	 n;

	(void)state;
	ticket_make("k", "cs2", "a4", NOW, t);
	assert_int_equal(ticket_read("other", t, NOW, 3600, e, a), -1);
	assert_int_equal(ticket_read("k", t, NOW + 3601, 3600, e, a), -1);
	assert_int_equal(ticket_read("k", t, NOW - 120, 3600, e, a), -1);
	/* Another agent under the same signature. */
	snprintf(bad, sizeof(bad), "1.cs2.a5%s", t + 8);
	assert_int_equal(ticket_read("k", bad, NOW, 3600, e, a), -1);
	n = strlen(t);
	memcpy(bad, t, n + 1);
	bad[n - 1] = bad[n - 1] == 'A' ? 'B' : 'A';
	assert_int_equal(ticket_read("k", bad, NOW, 3600, e, a), -1);
	const char *shapes[] = { "", "1", "1.cs2.a4.x", "2.cs2.a4.abc.AAAAAAAAAAAAAAAAAAAAAA",
	    "1.c s.a4.abc.AAAAAAAAAAAAAAAAAAAAAA", "1.cs2.a4.ABC.AAAAAAAAAAAAAAAAAAAAAA",
	    "1.cs2.a4.abc.AAAA", "1.cs2.a4.abc.AAAAAAAAAAAAAAAAAAAAAA.x" };
	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++)
		assert_int_equal(ticket_read("k", shapes[i], NOW, 3600, e, a),
		    -1);
	assert_int_equal(ticket_make(NULL, "cs2", "a4", NOW, t), -1);
	assert_int_equal(ticket_make("k", "c.s", "a4", NOW, t), -1);
	assert_int_equal(ticket_read(NULL, "1.cs2.-.1.x", NOW, 10, e, a), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_long_ids_drop_the_agent),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests_name("ticket", tests, NULL, NULL);
}
