/*
 * The assignment pipeline: a quote has no side effect (the same entry
 * quoted again names the same person), a commit moves round robin and
 * counts once per key, web-page entries are links, and a promise (the
 * ticket's person) is kept while that person can take the chat. The
 * store's commit is a fake linked in place of store.o.
 */
#include "unit.h"

#include <sodium.h>

#include <stdio.h>
#include <stdlib.h>

#include "arena.h"
#include "assign.h"
#include "cfg.h"
#include "snap.h"
#include "store.h"

static struct {
	int			 fail, calls, purges;
	char			 keys[32][40];
	int			 nkeys;
	struct store_commit	 last;
	char			 last_reason[160], last_agent[65];
} db;

enum store_rc
store_commit_assignment(struct store *s, const struct store_commit *c)
{
	(void)s;
	db.calls++;
	if (db.fail)
		return STORE_ERR;
	/* Claimed once per key and event, as kf_commit's primary key. */
	char	 k[40];

	snprintf(k, sizeof(k), "%s/%s", c->key ? c->key : "", c->event);
	for (int i = 0; c->key != NULL && i < db.nkeys; i++)
		if (strcmp(db.keys[i], k) == 0)
			return STORE_DUP;
	if (c->key != NULL)
		snprintf(db.keys[db.nkeys++], sizeof(db.keys[0]), "%s", k);
	db.last = *c;
	snprintf(db.last_reason, sizeof(db.last_reason), "%s", c->reason);
	snprintf(db.last_agent, sizeof(db.last_agent), "%s", c->agent);
	db.last.reason = db.last_reason;
	db.last.agent = db.last_agent;
	return STORE_OK;
}

enum store_rc
store_commit_purge(struct store *s, int older_than_s)
{
	(void)s;
	(void)older_than_s;
	db.purges++;
	return STORE_OK;
}

static struct cfg	 cfg;
static struct arena	*arena;

static int
setup(void **state)
{
	char	 err[256];

	(void)state;
	memset(&db, 0, sizeof(db));
	if (cfg_load(&cfg, NULL, err, sizeof(err)) == -1)
		return -1;
	cfg.ticket.secret = strdup("unit-test-ticket-key");
	arena = arena_new(4096);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	cfg_free(&cfg);
	arena_free(arena);
	return 0;
}

/* a1..a3 online in group g (round robin); entry rr uses it, entry des
 * has a2 designated, entry help is a web page. */
static struct snap *
demo(void)
{
	struct snap	*s = snap_new();
	struct snap_entry_in e = { .label = "x", .enabled = 1,
	    .ttype = TARGET_PAGE, .target = "/p", .group_id = "g",
	    .conf = { .policy = POLICY_OVERFLOW,
	    .strategy = STRAT_ROUND_ROBIN } };

	for (int i = 1; i <= 3; i++) {
		char	 id[16];

		snprintf(id, sizeof(id), "a%d", i);
		struct snap_agent a = { .id = id, .name = id,
		    .status = AGENT_ONLINE, .capacity = 5, .enabled = 1 };
		snap_add_agent(s, &a);
	}
	snap_add_group(s, "g", "组");
	snap_add_member(s, "g", "a1", 0);
	snap_add_member(s, "g", "a2", 1);
	snap_add_member(s, "g", "a3", 2);
	e.id = "rr";
	snap_add_entry(s, &e);
	e.id = "des";
	snap_add_entry(s, &e);
	snap_add_designated(s, "des", "a2", 0);
	e.id = "help";
	e.ttype = TARGET_URL;
	e.target = "https://help.example.com/";
	snap_add_entry(s, &e);
	snap_finish(s);
	return s;
}

static void
quote(struct snap *s, const char *entry, const char *promised,
    const struct ticket *promise, struct assign_quote *q)
{
	struct assign_in in = { .cfg = &cfg, .snap = s,
	    .entry = snap_entry(s, entry), .now = 1795399200,
	    .promised = promised, .promise = promise, .arena = arena };

	assign_quote(&in, q);
}

static enum assign_rc
commit_quote(struct snap *s, const struct assign_quote *q,
    enum assign_event ev)
{
	struct assign_commit c;
	char	 reason[160];

	assign_from_ticket(&cfg, s, &q->t, ev, 1795399200, &c, reason,
	    sizeof(reason));
	return assign_commit(NULL, s, &c);
}

static void
test_quote_is_idempotent_commit_rotates(void **state)
{
	struct snap		*s = demo();
	struct assign_quote	 q, again;
	const char		*order[6];

	(void)state;
	for (int i = 0; i < 6; i++) {
		quote(s, "rr", NULL, NULL, &q);
		for (int k = 0; k < 10; k++) {
			quote(s, "rr", NULL, NULL, &again);
			assert_ptr_equal(again.d.agent, q.d.agent);
			assert_string_equal(again.reason, q.reason);
			assert_string_not_equal(again.ticket, q.ticket);
		}
		assert_string_equal(q.reason, "group:g:round_robin");
		{
			char	 want[64];

			snprintf(want, sizeof(want), "已为您接入%s",
			    q.d.agent->name);
			assert_string_equal(q.notice, want);
		}
		order[i] = q.d.agent->id;
		assert_int_equal(commit_quote(s, &q, ASSIGN_TAP), ASSIGN_DONE);
		assert_string_equal(db.last.reason, "group:g:round_robin");
		assert_int_equal(db.last.handoffs, 1);	/* a page tap */
		assert_string_equal(db.last.move_agent, q.d.agent->id);
		/* Once: the same ticket again changes nothing. */
		assert_int_equal(commit_quote(s, &q, ASSIGN_TAP),
		    ASSIGN_REPEAT);
	}
	assert_string_equal(order[0], "a1");
	assert_string_equal(order[1], "a2");
	assert_string_equal(order[2], "a3");
	assert_string_equal(order[3], "a1");
	assert_string_equal(order[4], "a2");
	assert_string_equal(order[5], "a3");
	snap_free(s);
}

static void
test_failed_commit_moves_nothing(void **state)
{
	struct snap		*s = demo();
	struct assign_quote	 q, next;

	(void)state;
	quote(s, "rr", NULL, NULL, &q);
	db.fail = 1;
	assert_int_equal(commit_quote(s, &q, ASSIGN_TAP), ASSIGN_DB);
	quote(s, "rr", NULL, NULL, &next);
	assert_ptr_equal(next.d.agent, q.d.agent);
	db.fail = 0;
	assert_int_equal(commit_quote(s, &q, ASSIGN_TAP), ASSIGN_DONE);
	quote(s, "rr", NULL, NULL, &next);
	assert_ptr_not_equal(next.d.agent, q.d.agent);
	snap_free(s);
}

static void
test_what_each_commit_counts(void **state)
{
	struct snap		*s = demo();
	struct assign_quote	 q;

	(void)state;
	/* A web page: no person, no notice, a link tap only. */
	quote(s, "help", NULL, NULL, &q);
	assert_null(q.d.agent);
	assert_true(q.link);
	assert_string_equal(q.reason, "link");
	assert_null(q.notice);
	assert_int_equal(commit_quote(s, &q, ASSIGN_TAP), ASSIGN_DONE);
	assert_int_equal(db.last.link_taps, 1);
	assert_int_equal(db.last.taps + db.last.handoffs, 0);
	assert_null(db.last.move_agent);
	/* A WeCom entry's tap is a tap; its handoff comes with WeCom. */
	quote(s, "rr", NULL, NULL, &q);
	q.t.ttype = TARGET_WECOM_KF;
	assert_int_equal(commit_quote(s, &q, ASSIGN_TAP), ASSIGN_DONE);
	assert_int_equal(db.last.taps, 1);
	assert_int_equal(db.last.handoffs, 0);
	assert_null(db.last.move_agent);
	assert_int_equal(commit_quote(s, &q, ASSIGN_HANDOFF), ASSIGN_DONE);
	assert_int_equal(db.last.taps, 0);
	assert_int_equal(db.last.handoffs, 1);
	assert_string_equal(db.last.move_agent, q.d.agent->id);
	/* Nobody: an unanswered handoff, no move. */
	for (int i = 1; i <= 3; i++) {
		char id[16];

		snprintf(id, sizeof(id), "a%d", i);
		((struct snap_agent *)snap_agent(s, id))->status =
		    AGENT_OFFLINE;
	}
	quote(s, "rr", NULL, NULL, &q);
	assert_null(q.d.agent);
	assert_string_equal(q.reason, "none:offline");
	assert_int_equal(commit_quote(s, &q, ASSIGN_TAP), ASSIGN_DONE);
	assert_int_equal(db.last.handoffs, 1);
	assert_string_equal(db.last.agent, "");
	assert_null(db.last.move_agent);
	snap_free(s);
}

static void
test_promise_kept_while_possible(void **state)
{
	struct snap		*s = demo();
	struct assign_quote	 told, q;
	struct snap_agent	*a3 = (struct snap_agent *)snap_agent(s, "a3");

	(void)state;
	/* Told a3 by an earlier quote of the group. */
	a3->last_assigned = 0;
	((struct snap_agent *)snap_agent(s, "a1"))->status = AGENT_BUSY;
	((struct snap_agent *)snap_agent(s, "a2"))->status = AGENT_BUSY;
	quote(s, "rr", NULL, NULL, &told);
	assert_string_equal(told.d.agent->id, "a3");
	/* Now a1 is free again and would be chosen; the promise holds. */
	((struct snap_agent *)snap_agent(s, "a1"))->status = AGENT_ONLINE;
	quote(s, "rr", NULL, NULL, &q);
	assert_string_equal(q.d.agent->id, "a1");
	quote(s, "rr", "a3", &told.t, &q);
	assert_true(q.kept);
	assert_string_equal(q.d.agent->id, "a3");
	assert_string_equal(q.reason, "group:g:round_robin");
	/* a3 cannot take it any more: the engine chooses again. */
	a3->active = a3->capacity;
	quote(s, "rr", "a3", &told.t, &q);
	assert_false(q.kept);
	assert_string_equal(q.d.agent->id, "a1");
	/* A designated promise without a ticket keeps its reason. */
	((struct snap_agent *)snap_agent(s, "a2"))->status = AGENT_ONLINE;
	quote(s, "des", "a2", NULL, &q);
	assert_true(q.kept);
	assert_string_equal(q.reason, "designated");
	/* Unknown or empty promises are no promise. */
	quote(s, "des", "nobody", NULL, &q);
	assert_false(q.kept);
	quote(s, "des", "", NULL, &q);
	assert_false(q.kept);
	snap_free(s);
}

static void
test_no_ticket_key_no_ticket(void **state)
{
	struct snap		*s = demo();
	struct assign_quote	 q;

	(void)state;
	free(cfg.ticket.secret);
	cfg.ticket.secret = NULL;
	quote(s, "rr", NULL, NULL, &q);
	assert_string_equal(q.ticket, "");
	assert_non_null(q.d.agent);
	snap_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_quote_is_idempotent_commit_rotates, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_failed_commit_moves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_what_each_commit_counts,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_promise_kept_while_possible, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_ticket_key_no_ticket,
		    setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("assign", tests, NULL, NULL);
}
