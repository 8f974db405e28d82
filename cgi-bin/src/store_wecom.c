/*
 * The WeCom program's SQL and its readers (see store_wecom.h). Run by the
 * engine in store.c; the callback program's and the puller's database
 * user needs exactly these tables.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "life.h"
#include "log.h"
#include "store_sql.h"
#include "store_wecom.h"
#include "util.h"

/* The kfroute agent of a WeCom userid. */
#define AGENT_OF	"(SELECT x.id FROM kf_agent x WHERE x.wecom_userid = ?)"
/* A time as unix milliseconds (NULL stays NULL). */
#define MS(col)	"CAST(UNIX_TIMESTAMP(" col ") * 1000 AS SIGNED)"
/* due_at from three copies of one number: -1 none, -2 watched only for
 * going offline (far future), else seconds from now (life.h). */
#define DUE \
	"CASE WHEN ? = -1 THEN NULL WHEN ? = -2 THEN '9999-12-31' " \
	"ELSE NOW(3) + INTERVAL ? SECOND END"

/* Ready messages: not behind an unfinished one of the same customer. */
#define READY \
	"((m.state IN ('new', 'retry') AND m.next_at <= NOW(3)) OR " \
	"(m.state = 'working' AND m.lease_until < NOW(3)))"

const char *const store_w_sql[W__MAX] = {
	[W_TOKEN_GET] = "SELECT access_token, expires_at "
	    "FROM kf_wecom_token WHERE token_key = ?",
	[W_TOKEN_PUT] = "INSERT INTO kf_wecom_token "
	    "(token_key, corp_id, access_token, expires_at) VALUES (?, ?, ?, ?) "
	    "ON DUPLICATE KEY UPDATE access_token = VALUES(access_token), "
	    "expires_at = VALUES(expires_at)",
	/* Only the token found bad: another process may have stored a new one. */
	[W_TOKEN_DROP] = "DELETE FROM kf_wecom_token "
	    "WHERE token_key = ? AND access_token = ?",
	[W_ACCOUNT_PUT] = "INSERT INTO kf_wecom_account "
	    "(open_kfid, name) VALUES (?, ?) ON DUPLICATE KEY UPDATE "
	    "name = VALUES(name), synced_at = CURRENT_TIMESTAMP",
	[W_LINK_PUT] = "INSERT IGNORE INTO kf_wecom_link "
	    "(open_kfid, scene, url) VALUES (?, ?, ?)",
	/* wecom_kf entries: id, open_kfid, usable scene, stored link, known. */
	[W_ENTRIES] = "SELECT e.id, e.target, "
	    "COALESCE(e.wecom_scene, IF(LENGTH(e.id) <= 32, e.id, NULL)), "
	    "(SELECT l.url FROM kf_wecom_link l WHERE l.open_kfid = "
	    OPEN_KFID_OF("e") " "
	    "AND l.scene = COALESCE(e.wecom_scene, e.id)), "
	    "(SELECT COUNT(*) FROM kf_wecom_account w WHERE w.open_kfid = "
	    OPEN_KFID_OF("e") ") FROM kf_entry e "
	    "WHERE e.target_type = 'wecom_kf' ORDER BY e.id",
	[W_ACCOUNTS] = "SELECT open_kfid FROM kf_wecom_account "
	    "ORDER BY open_kfid",
	[W_ENTRY_BY_SCENE] = "SELECT id FROM kf_entry "
	    "WHERE target_type = 'wecom_kf' AND target = ? "
	    "AND COALESCE(wecom_scene, id) = ? LIMIT 1",

	/*
	 * A callback's news: one row per account, the newest sync token. A
	 * new callback ends a pull's pause: WeCom is answering again.
	 */
	[W_NEWS] = "INSERT INTO kf_wecom_news (open_kfid, sync_token, token_at, "
	    "news_seq, pending_since) VALUES (?, ?, NOW(3), 1, NOW(3)) "
	    "ON DUPLICATE KEY UPDATE sync_token = VALUES(sync_token), "
	    "token_at = NOW(3), "
	    /* before news_seq moves: assignments see earlier ones */
	    "pending_since = IF(news_seq = pulled_seq, NOW(3), pending_since), "
	    "news_seq = news_seq + 1, "
	    "next_pull_at = LEAST(next_pull_at, NOW(3))",
	/* The sync token is good 10 minutes; use it for 9.5. */
	[W_NEWS_DUE] = "SELECT open_kfid, "
	    "IF(token_at > NOW(3) - INTERVAL 570 SECOND, sync_token, ''), "
	    "news_seq FROM kf_wecom_news "
	    "WHERE news_seq > pulled_seq AND next_pull_at <= NOW(3) "
	    "ORDER BY open_kfid",
	[W_PULLED] = "UPDATE kf_wecom_news SET "
	    "pulled_seq = GREATEST(pulled_seq, ?), pulled_at = NOW(3), "
	    "fails = 0, next_pull_at = NOW(3), "
	    "pending_since = IF(news_seq > pulled_seq, NOW(3), NULL) "
	    "WHERE open_kfid = ?",
	/* The pause doubles with each failure in a row, up to a minute. */
	[W_PULL_FAILED] = "UPDATE kf_wecom_news SET fails = fails + 1, "
	    "last_error = LEFT(?, 255), last_error_at = NOW(3), "
	    "next_pull_at = NOW(3) + INTERVAL "
	    "LEAST(? * POW(2, LEAST(fails, 10)), 60000) * 1000 MICROSECOND "
	    "WHERE open_kfid = ?",
	[W_CURSOR_GET] = "SELECT next_cursor FROM kf_wecom_cursor "
	    "WHERE open_kfid = ?",
	[W_CURSOR_PUT] = "INSERT INTO kf_wecom_cursor "
	    "(open_kfid, next_cursor) VALUES (?, ?) "
	    "ON DUPLICATE KEY UPDATE next_cursor = VALUES(next_cursor)",

	/* Recorded once: the primary key keeps a repeat out. */
	[W_MSG_RECORD] = "INSERT IGNORE INTO kf_wecom_msg "
	    "(msgid, open_kfid, msgtype, event_type, external_userid, state, "
	    "payload) VALUES (?, ?, ?, ?, ?, 'new', ?)",
	[W_MSG_ACCOUNTS] = "SELECT DISTINCT m.open_kfid FROM kf_wecom_msg m "
	    "WHERE m.state IN ('new', 'retry', 'working') AND " READY,
	[W_MSG_READY] = "SELECT m.msgid, m.payload, m.attempts "
	    "FROM kf_wecom_msg m WHERE m.open_kfid = ? AND " READY " AND "
	    "NOT EXISTS (SELECT 1 FROM kf_wecom_msg p "
	    "WHERE p.open_kfid = m.open_kfid "
	    "AND p.external_userid = m.external_userid AND p.seq < m.seq "
	    "AND p.state IN ('new', 'retry', 'working')) "
	    "ORDER BY m.seq LIMIT ?",
	/* Whoever moves it to working owns it for the lease. */
	[W_MSG_TAKE] = "UPDATE kf_wecom_msg m SET m.state = 'working', "
	    "m.attempts = m.attempts + 1, "
	    "m.lease_until = NOW(3) + INTERVAL ? SECOND "
	    "WHERE m.msgid = ? AND " READY,
	[W_MSG_DONE] = "UPDATE kf_wecom_msg SET state = 'done', "
	    "lease_until = NULL, payload = NULL WHERE msgid = ?",
	[W_MSG_RETRY] = "UPDATE kf_wecom_msg SET state = 'retry', "
	    "lease_until = NULL, last_error = LEFT(?, 255), "
	    "next_at = NOW(3) + INTERVAL ? * 1000 MICROSECOND WHERE msgid = ?",
	[W_MSG_FAILED] = "UPDATE kf_wecom_msg SET state = 'failed', "
	    "lease_until = NULL, last_error = LEFT(?, 255) WHERE msgid = ?",

	[W_SESSION_PUT] = "INSERT INTO kf_wecom_session "
	    "(open_kfid, external_userid, entry_id, ticket_agent_id, agent_id, "
	    "told_agent_id, ticket) VALUES (?, ?, ?, ?, ?, ?, ?) "
	    "ON DUPLICATE KEY UPDATE entry_id = VALUES(entry_id), "
	    "ticket_agent_id = VALUES(ticket_agent_id), "
	    "agent_id = VALUES(agent_id), "
	    "told_agent_id = VALUES(told_agent_id), "
	    "ticket = VALUES(ticket), handoff_msgid = NULL, greeted = 0, "
	    "handoff_code = NULL, handoff_text = NULL, pooled_at = NULL, "
	    "hold_agent_id = NULL, hold_until = NULL, assigned_at = NULL, "
	    "first_reply_at = NULL, due_at = NULL, queue_told = NULL, "
	    "pool_code = NULL, person_code = NULL, ended_at = NULL, "
	    "retry_at = NULL, move_why = NULL, entered_at = CURRENT_TIMESTAMP",
	[W_SESSION_GET] = "SELECT entry_id, ticket_agent_id, agent_id, "
	    "told_agent_id, ticket, handoff_msgid, handoff_code, handoff_text, "
	    "pooled_at IS NOT NULL, handoff_reason, handoff_fallback, greeted, "
	    "pool_code, person_code, " MS("assigned_at") ", "
	    "ended_at IS NOT NULL, move_why "
	    "FROM kf_wecom_session WHERE open_kfid = ? AND external_userid = ?",
	/*
	 * Into the pool: it keeps its first time in it (oldest first). The
	 * assignments run left to right: assigned_at sees the new agent and
	 * pool. Params: agent, msgid, code, text, reason, fallback, pooled,
	 * hold agent, hold s (twice), DUE params, queue told, kfid, user.
	 */
	[W_SESSION_HANDOFF] = "UPDATE kf_wecom_session SET agent_id = ?, "
	    "handoff_msgid = ?, handoff_code = ?, handoff_text = ?, "
	    "handoff_reason = ?, handoff_fallback = ?, "
	    "pooled_at = IF(? = '1', COALESCE(pooled_at, NOW(3)), NULL), "
	    "hold_agent_id = ?, "
	    "hold_until = IF(? < 0, NULL, NOW(3) + INTERVAL ? SECOND), "
	    "assigned_at = IF(agent_id IS NULL OR pooled_at IS NOT NULL, NULL, "
	    "NOW(3)), first_reply_at = NULL, ended_at = NULL, due_at = " DUE ", "
	    "queue_told = NULLIF(?, '0'), pool_code = NULL, person_code = NULL, "
	    "retry_at = NULL, move_why = NULL, "
	    "told_agent_id = COALESCE(?, told_agent_id) "
	    "WHERE open_kfid = ? AND external_userid = ?",
	[W_SESSION_GREETED] = "UPDATE kf_wecom_session SET greeted = ?, "
	    "told_agent_id = ? WHERE open_kfid = ? AND external_userid = ?",
	[W_SESSION_SPENT] = "UPDATE kf_wecom_session SET handoff_code = NULL, "
	    "handoff_text = NULL WHERE open_kfid = ? AND external_userid = ?",
	[W_POOLED] = "SELECT external_userid, entry_id, hold_agent_id, "
	    MS("hold_until") ", COALESCE(queue_told, 0), pool_code IS NOT NULL, "
	    "told_agent_id FROM kf_wecom_session "
	    "WHERE open_kfid = ? AND pooled_at IS NOT NULL "
	    "ORDER BY pooled_at LIMIT ?",

	/* ---- after the first transfer (017, life.h) ---- */
	/* The handoff's code was not needed: kept for a later message. */
	[W_SESSION_KEEP] = "UPDATE kf_wecom_session SET "
	    "pool_code = IF(pooled_at IS NOT NULL, handoff_code, pool_code), "
	    "person_code = IF(pooled_at IS NULL, handoff_code, person_code), "
	    "handoff_code = NULL, handoff_text = NULL "
	    "WHERE open_kfid = ? AND external_userid = ?",
	/*
	 * Another person has it now (re-route, take back, by hand): agent,
	 * told (NULL: unchanged), DUE params, person code spent, kfid, user,
	 * the person it must still be with ('' twice: anyone).
	 */
	[W_SESSION_MOVE] = "UPDATE kf_wecom_session SET agent_id = ?, "
	    "told_agent_id = COALESCE(?, told_agent_id), pooled_at = NULL, "
	    "hold_agent_id = NULL, hold_until = NULL, assigned_at = NOW(3), "
	    "first_reply_at = NULL, due_at = " DUE ", "
	    "person_code = IF(? = '1', NULL, person_code), retry_at = NULL, "
	    "move_why = NULL, pool_code = NULL "
	    "WHERE open_kfid = ? AND external_userid = ? "
	    "AND ((? = '' AND pooled_at IS NOT NULL) OR agent_id = ?)",
	/*
	 * A re-route or take-back about to ask WeCom: why, recorded first.
	 * The person's code stays until the move is recorded: sent twice
	 * after a crash, WeCom refuses the second (one message per code).
	 * Params: why, kfid, user, the person it is with.
	 */
	[W_SESSION_INTENT] = "UPDATE kf_wecom_session SET move_why = ? "
	    "WHERE open_kfid = ? AND external_userid = ? "
	    "AND agent_id = ? AND first_reply_at IS NULL",
	/* Looked at, could not act: not again for ? seconds. */
	[W_SESSION_RETRY] = "UPDATE kf_wecom_session SET "
	    "retry_at = NOW(3) + INTERVAL ? SECOND "
	    "WHERE open_kfid = ? AND external_userid = ?",
	/*
	 * The people this chat already went from unanswered: its legs since
	 * its first person (a re-route or take-back continues a chat; any
	 * other way in starts one). Params: kfid, user, kfid, user.
	 */
	[W_LEG_MISSED] = "SELECT l.agent_id FROM kf_wecom_leg l "
	    "WHERE l.open_kfid = ? AND l.external_userid = ? "
	    "AND l.end_reason IN ('missed', 'taken_back') "
	    "AND l.assigned_at >= (SELECT MAX(f.assigned_at) "
	    "FROM kf_wecom_leg f WHERE f.open_kfid = ? "
	    "AND f.external_userid = ? "
	    "AND f.via NOT IN ('reroute', 'take_back'))",
	/* The person's first message (its send_time): no longer watched. */
	[W_SESSION_REPLY] = "UPDATE kf_wecom_session SET "
	    "first_reply_at = GREATEST(FROM_UNIXTIME(?), assigned_at), "
	    "due_at = NULL WHERE open_kfid = ? AND external_userid = ? "
	    "AND agent_id = " AGENT_OF " AND assigned_at IS NOT NULL "
	    "AND first_reply_at IS NULL",
	/* Ended: a next chat of the customer starts told nothing. */
	[W_SESSION_ENDED] = "UPDATE kf_wecom_session SET ended_at = NOW(3), "
	    "due_at = NULL, pooled_at = NULL, hold_agent_id = NULL, "
	    "hold_until = NULL, retry_at = NULL, move_why = NULL, greeted = 0, "
	    "told_agent_id = NULL, pool_code = NULL "
	    "WHERE open_kfid = ? AND external_userid = ?",
	/* Look again in ? seconds (< 0: not any more). */
	[W_SESSION_DUE] = "UPDATE kf_wecom_session SET due_at = " DUE " "
	    "WHERE open_kfid = ? AND external_userid = ?",
	/* A queue position told (with the pool code, or none: code kept). */
	[W_SESSION_TOLD] = "UPDATE kf_wecom_session SET queue_told = ?, "
	    "pool_code = IF(? = '1', NULL, pool_code) "
	    "WHERE open_kfid = ? AND external_userid = ?",
	/* A person got the chat: agent, via, kfid, user (queued: the pool). */
	[W_LEG_OPEN] = "INSERT INTO kf_wecom_leg (open_kfid, external_userid, "
	    "entry_id, agent_id, via, queued_at, assigned_at) "
	    "SELECT open_kfid, external_userid, entry_id, ?, ?, pooled_at, "
	    "NOW(3) FROM kf_wecom_session "
	    "WHERE open_kfid = ? AND external_userid = ?",
	[W_LEG_CLOSE] = "UPDATE kf_wecom_leg SET ended_at = NOW(3), "
	    "end_reason = ? WHERE open_kfid = ? AND external_userid = ? "
	    "AND ended_at IS NULL",
	[W_LEG_REPLY] = "UPDATE kf_wecom_leg SET "
	    "first_reply_at = GREATEST(FROM_UNIXTIME(?), assigned_at) "
	    "WHERE open_kfid = ? AND external_userid = ? "
	    "AND agent_id = " AGENT_OF " "
	    "AND ended_at IS NULL AND first_reply_at IS NULL",
	/*
	 * Chats a person has not answered whose time has come, or whose
	 * person went offline (when the entry takes chats back; ? is the
	 * [lifecycle] default), oldest first.
	 */
	[W_WATCH_DUE] = "SELECT s.open_kfid, s.external_userid, s.entry_id, "
	    "s.agent_id, " MS("s.assigned_at") ", a.status = 'offline' "
	    "FROM kf_wecom_session s JOIN kf_agent a ON a.id = s.agent_id "
	    "JOIN kf_entry e ON e.id = s.entry_id "
	    "WHERE s.due_at IS NOT NULL AND s.pooled_at IS NULL "
	    "AND s.assigned_at IS NOT NULL AND s.first_reply_at IS NULL "
	    "AND (s.retry_at IS NULL OR s.retry_at <= NOW(3)) "
	    "AND (s.due_at <= NOW(3) OR s.move_why IS NOT NULL OR "
	    "(a.status = 'offline' AND COALESCE(e.take_back, ?) = 1)) "
	    "ORDER BY s.assigned_at LIMIT ?",
	/* Accounts with someone waiting in the pool (synced or not). */
	[W_POOL_ACCOUNTS] = "SELECT DISTINCT open_kfid FROM kf_wecom_session "
	    "WHERE pooled_at IS NOT NULL ORDER BY open_kfid",
	[W_QUEUE_LEN] = "SELECT COUNT(*) FROM kf_wecom_session "
	    "WHERE entry_id = ? AND pooled_at IS NOT NULL",
	[W_MISS] = "INSERT INTO kf_agent_activity "
	    "(agent_id, last_assigned_at, missed_in_row) VALUES (?, 0, 1) "
	    "ON DUPLICATE KEY UPDATE missed_in_row = missed_in_row + 1",
	[W_MISSES] = "SELECT missed_in_row FROM kf_agent_activity "
	    "WHERE agent_id = ?",
	[W_MISSES_RESET] = "UPDATE kf_agent_activity SET missed_in_row = 0 "
	    "WHERE agent_id = " AGENT_OF " AND missed_in_row <> 0",
	[W_AGENT_OF] = "SELECT id FROM kf_agent WHERE wecom_userid = ?",
	/* One chat less for the agent with that id (never below zero). */
	[W_UNLOAD] = "UPDATE kf_agent SET active_sessions = "
	    "GREATEST(CAST(active_sessions AS SIGNED) - 1, 0) WHERE id = ?",

	/* Presence as WeCom reports it, for the agent with that userid. */
	[W_PRESENCE] = "UPDATE kf_agent SET status = ?, "
	    "status_source = 'wecom', status_at = CURRENT_TIMESTAMP "
	    "WHERE wecom_userid = ?",
	/* Active sessions up or down by one, never below zero. */
	[W_LOAD] = "UPDATE kf_agent SET active_sessions = "
	    "GREATEST(CAST(active_sessions AS SIGNED) + ?, 0) "
	    "WHERE wecom_userid = ?",
	/* Receiving in WeCom: offline becomes online; busy stays busy. */
	[W_RECEIVING] = "UPDATE kf_agent SET status = 'online', "
	    "status_source = 'wecom', status_at = CURRENT_TIMESTAMP "
	    "WHERE wecom_userid = ? AND status = 'offline'",
	[W_REFUSAL_ADD] = "INSERT INTO kf_wecom_refusal (open_kfid, userid) "
	    "VALUES (?, ?) ON DUPLICATE KEY UPDATE "
	    "refused_at = CURRENT_TIMESTAMP",
	[W_REFUSAL_CLEAR] = "DELETE FROM kf_wecom_refusal WHERE userid = ?",
	[W_REFUSALS] = "SELECT userid FROM kf_wecom_refusal "
	    "WHERE open_kfid = ?",

	/* Per account: cursor, last pull, last error, work waiting. */
	[W_STATUS] = "SELECT a.k, c.next_cursor, "
	    "DATE_FORMAT(n.pulled_at, '%Y-%m-%dT%H:%i:%sZ'), n.last_error, "
	    "DATE_FORMAT(n.last_error_at, '%Y-%m-%dT%H:%i:%sZ'), "
	    "COALESCE(n.fails, 0), "
	    "(SELECT COUNT(*) FROM kf_wecom_msg m WHERE m.open_kfid = a.k "
	    "AND m.state IN ('new', 'retry', 'working')), "
	    "(SELECT COUNT(*) FROM kf_wecom_msg m WHERE m.open_kfid = a.k "
	    "AND m.attempts > 1 AND m.received_at > NOW() - INTERVAL 1 DAY), "
	    "(SELECT COUNT(*) FROM kf_wecom_msg m WHERE m.open_kfid = a.k "
	    "AND m.state = 'failed' AND m.received_at > NOW() - INTERVAL 1 DAY), "
	    "(COALESCE(n.news_seq > n.pulled_seq AND "
	    "n.pending_since < NOW(3) - INTERVAL 60 SECOND, 0) OR EXISTS "
	    "(SELECT 1 FROM kf_wecom_msg m WHERE m.open_kfid = a.k "
	    "AND m.state IN ('new', 'retry', 'working') "
	    "AND m.received_at < NOW() - INTERVAL 60 SECOND)) "
	    "FROM (SELECT open_kfid k FROM kf_wecom_account UNION "
	    "SELECT open_kfid FROM kf_wecom_news) a "
	    "LEFT JOIN kf_wecom_cursor c ON c.open_kfid = a.k "
	    "LEFT JOIN kf_wecom_news n ON n.open_kfid = a.k ORDER BY a.k",

	/*
	 * The admin page's sync requests (016). One UPDATE claims: the open
	 * request if pending, or running under a lease run out (its worker
	 * died); the row lock lets one worker of many win it.
	 */
	[W_SYNC_CLAIM] = "UPDATE kf_wecom_sync SET state = 'running', "
	    "worker = ?, started_at = NOW(3), "
	    "lease_until = NOW(3) + INTERVAL ? SECOND, accounts = NULL, "
	    "links_created = NULL, problems = NULL, error = NULL, "
	    "errcode = NULL WHERE state = 'pending' OR "
	    "(state = 'running' AND lease_until < NOW(3)) ORDER BY id LIMIT 1",
	[W_SYNC_CLAIMED] = "SELECT id FROM kf_wecom_sync "
	    "WHERE state = 'running' AND worker = ? ORDER BY id DESC LIMIT 1",
	/* accounts, links created, lease (s), id, worker: still ours */
	[W_SYNC_PROGRESS] = "UPDATE kf_wecom_sync SET accounts = ?, "
	    "links_created = ?, lease_until = NOW(3) + INTERVAL ? SECOND "
	    "WHERE id = ? AND worker = ? AND state = 'running'",
	/* state, accounts, links, problems, error, errcode, id, worker */
	[W_SYNC_FINISH] = "UPDATE kf_wecom_sync SET state = ?, "
	    "finished_at = NOW(3), lease_until = NULL, accounts = ?, "
	    "links_created = ?, problems = ?, error = LEFT(?, 255), "
	    "errcode = ? WHERE id = ? AND worker = ? AND state = 'running'",
	/* A new pid on the host is a new start. */
	[W_WORKER_BEAT] = "INSERT INTO kf_wecom_worker (host, pid) "
	    "VALUES (?, ?) ON DUPLICATE KEY UPDATE "
	    "started_at = IF(pid = VALUES(pid), started_at, NOW(3)), "
	    "pid = VALUES(pid), beat_at = NOW(3)",
};

int
store_w_once(int w)
{
	/* Counts and claims: a repeat would move them twice. */
	return w == W_LOAD || w == W_UNLOAD || w == W_MSG_TAKE ||
	    w == W_MSG_RECORD ||
	    w == W_SYNC_CLAIM || w == W_MISS || w == W_LEG_OPEN;
}

/* ---- small readers ---------------------------------------------------- */

static const char *
or_null(const char *s)
{
	return s != NULL && *s != '\0' ? s : NULL;
}

static void
copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src != NULL ? src : "");
}

struct each_text {
	store_text_fn	 fn;
	void		*arg;
};

static int
row_each(void *arg, char **col, unsigned n)
{
	struct each_text	*et = arg;

	if (n >= 1 && col[0] != NULL)
		et->fn(et->arg, col[0]);
	return 0;
}

static enum store_rc
each_text(struct store *s, enum store_w id, const char *const *params,
    unsigned n, store_text_fn fn, void *arg)
{
	struct each_text	 et = { fn, arg };

	return store_w_run(s, id, params, n, row_each, &et);
}

/* A write that must touch a row: NOTFOUND when it matched none. */
static enum store_rc
touch(struct store *s, enum store_w id, const char *const *params,
    unsigned n)
{
	if (store_w_run(s, id, params, n, NULL, NULL) != STORE_OK)
		return STORE_ERR;
	return store_affected(s) > 0 ? STORE_OK : STORE_NOTFOUND;
}

/* ---- token, accounts, links ------------------------------------------- */

struct token_row {
	char		*token;
	size_t		 len;
	long long	 expires;
	int		 found;
};

static int
row_token(void *arg, char **col, unsigned n)
{
	struct token_row	*tr = arg;

	if (n < 2 || col[0] == NULL || col[1] == NULL)
		return -1;
	snprintf(tr->token, tr->len, "%s", col[0]);
	if (util_parse_llong(col[1], 0, 0x7fffffffffffffffLL, &tr->expires))
		return -1;
	tr->found = 1;
	return 0;
}

enum store_rc
store_wecom_token_get(struct store *s, const char *key, char *token,
    size_t len, time_t *expires)
{
	const char		*params[1] = { key };
	struct token_row	 tr = { token, len, 0, 0 };

	token[0] = '\0';
	if (store_w_run(s, W_TOKEN_GET, params, 1, row_token, &tr) != STORE_OK)
		return STORE_ERR;
	*expires = (time_t)tr.expires;
	return tr.found ? STORE_OK : STORE_NOTFOUND;
}

enum store_rc
store_wecom_token_put(struct store *s, const char *key, const char *corp_id,
    const char *token, time_t expires)
{
	char		 t[24];
	const char	*params[4] = { key, corp_id, token, t };

	snprintf(t, sizeof(t), "%lld", (long long)expires);
	return store_w_run(s, W_TOKEN_PUT, params, 4, NULL, NULL);
}

enum store_rc
store_wecom_token_drop(struct store *s, const char *key, const char *token)
{
	const char	*params[2] = { key, token };

	return store_w_run(s, W_TOKEN_DROP, params, 2, NULL, NULL);
}

enum store_rc
store_wecom_account_put(struct store *s, const char *open_kfid,
    const char *name)
{
	const char	*params[2] = { open_kfid, name };

	return store_w_run(s, W_ACCOUNT_PUT, params, 2, NULL, NULL);
}

enum store_rc
store_wecom_link_put(struct store *s, const char *open_kfid,
    const char *scene, const char *url)
{
	const char	*params[3] = { open_kfid, scene, url };

	return store_w_run(s, W_LINK_PUT, params, 3, NULL, NULL);
}

struct wecom_entries {
	store_wecom_entry_fn	 fn;
	void			*arg;
};

static int
row_wecom_entry(void *arg, char **col, unsigned n)
{
	struct wecom_entries	*we = arg;

	if (n < 5 || col[0] == NULL)
		return -1;
	we->fn(we->arg, col[0], col[1], col[2], col[3],
	    col[4] != NULL && strcmp(col[4], "0") != 0);
	return 0;
}

enum store_rc
store_wecom_entries(struct store *s, store_wecom_entry_fn fn, void *arg)
{
	struct wecom_entries	 we = { fn, arg };

	return store_w_run(s, W_ENTRIES, NULL, 0, row_wecom_entry, &we);
}

enum store_rc
store_wecom_accounts(struct store *s, store_text_fn fn, void *arg)
{
	return each_text(s, W_ACCOUNTS, NULL, 0, fn, arg);
}

enum store_rc
store_wecom_entry_by_scene(struct store *s, const char *open_kfid,
    const char *scene, char *entry, size_t len)
{
	const char	*params[2] = { open_kfid, scene };

	return store_w_text(s, W_ENTRY_BY_SCENE, params, 2, entry, len);
}

/* ---- news and pulling -------------------------------------------------- */

enum store_rc
store_wecom_news(struct store *s, const char *open_kfid, const char *token)
{
	const char	*params[2] = { open_kfid, token };

	return store_w_run(s, W_NEWS, params, 2, NULL, NULL);
}

struct due_rows {
	store_wecom_due_fn	 fn;
	void			*arg;
};

static int
row_due(void *arg, char **col, unsigned n)
{
	struct due_rows		*dr = arg;
	struct store_wecom_due	 d;
	long long		 seq;

	if (n < 3 || col[0] == NULL || col[2] == NULL ||
	    util_parse_llong(col[2], 0, 0x7fffffffffffffffLL, &seq) == -1)
		return -1;
	copy(d.open_kfid, sizeof(d.open_kfid), col[0]);
	copy(d.token, sizeof(d.token), col[1]);
	d.news_seq = (unsigned long long)seq;
	dr->fn(dr->arg, &d);
	return 0;
}

enum store_rc
store_wecom_news_due(struct store *s, store_wecom_due_fn fn, void *arg)
{
	struct due_rows	 dr = { fn, arg };

	return store_w_run(s, W_NEWS_DUE, NULL, 0, row_due, &dr);
}

enum store_rc
store_wecom_pulled(struct store *s, const char *open_kfid,
    unsigned long long seq)
{
	char		 q[24];
	const char	*params[2] = { q, open_kfid };

	snprintf(q, sizeof(q), "%llu", seq);
	return store_w_run(s, W_PULLED, params, 2, NULL, NULL);
}

enum store_rc
store_wecom_pull_failed(struct store *s, const char *open_kfid,
    const char *error, int delay_ms)
{
	char		 d[16];
	const char	*params[3] = { error, d, open_kfid };

	snprintf(d, sizeof(d), "%d", delay_ms);
	return store_w_run(s, W_PULL_FAILED, params, 3, NULL, NULL);
}

enum store_rc
store_wecom_cursor_get(struct store *s, const char *open_kfid, char *cursor,
    size_t len)
{
	const char	*params[1] = { open_kfid };

	return store_w_text(s, W_CURSOR_GET, params, 1, cursor, len);
}

enum store_rc
store_wecom_cursor_put(struct store *s, const char *open_kfid,
    const char *cursor)
{
	const char	*params[2] = { open_kfid, cursor };

	return store_w_run(s, W_CURSOR_PUT, params, 2, NULL, NULL);
}

/* ---- messages ----------------------------------------------------------- */

enum store_rc
store_wecom_msg_record(struct store *s, const char *msgid,
    const char *open_kfid, const char *msgtype, const char *event_type,
    const char *external_userid, const char *payload)
{
	const char	*params[6] = { msgid, open_kfid, msgtype, event_type,
	    external_userid, payload };

	return store_w_run(s, W_MSG_RECORD, params, 6, NULL, NULL);
}

enum store_rc
store_wecom_msg_accounts(struct store *s, store_text_fn fn, void *arg)
{
	return each_text(s, W_MSG_ACCOUNTS, NULL, 0, fn, arg);
}

struct msg_rows {
	store_wecom_msg_fn	 fn;
	void			*arg;
};

static int
row_msg(void *arg, char **col, unsigned n)
{
	struct msg_rows	*mr = arg;
	long long	 attempts = 0;

	if (n < 3 || col[0] == NULL)
		return -1;
	if (col[2] != NULL)
		util_parse_llong(col[2], 0, 0x7fffffff, &attempts);
	mr->fn(mr->arg, col[0], col[1], (unsigned)attempts);
	return 0;
}

enum store_rc
store_wecom_msg_ready(struct store *s, const char *open_kfid, unsigned limit,
    store_wecom_msg_fn fn, void *arg)
{
	char		 l[16];
	const char	*params[2] = { open_kfid, l };
	struct msg_rows	 mr = { fn, arg };

	snprintf(l, sizeof(l), "%u", limit);
	return store_w_run(s, W_MSG_READY, params, 2, row_msg, &mr);
}

enum store_rc
store_wecom_msg_take(struct store *s, const char *msgid, int lease_s)
{
	char		 l[16];
	const char	*params[2] = { l, msgid };

	snprintf(l, sizeof(l), "%d", lease_s);
	return touch(s, W_MSG_TAKE, params, 2);
}

enum store_rc
store_wecom_msg_done(struct store *s, const char *msgid)
{
	const char	*params[1] = { msgid };

	return store_w_run(s, W_MSG_DONE, params, 1, NULL, NULL);
}

enum store_rc
store_wecom_msg_retry(struct store *s, const char *msgid, int delay_ms,
    const char *error)
{
	char		 d[16];
	const char	*params[3] = { error, d, msgid };

	snprintf(d, sizeof(d), "%d", delay_ms);
	return store_w_run(s, W_MSG_RETRY, params, 3, NULL, NULL);
}

enum store_rc
store_wecom_msg_failed(struct store *s, const char *msgid, const char *error)
{
	const char	*params[2] = { error, msgid };

	return store_w_run(s, W_MSG_FAILED, params, 2, NULL, NULL);
}

/* ---- sessions ----------------------------------------------------------- */

enum store_rc
store_wecom_session_put(struct store *s, const char *open_kfid,
    const char *external_userid, const struct store_wecom_session *ws)
{
	const char	*params[7] = { open_kfid, external_userid, ws->entry,
	    or_null(ws->ticket_agent), or_null(ws->agent), or_null(ws->told),
	    or_null(ws->ticket) };

	return store_w_run(s, W_SESSION_PUT, params, 7, NULL, NULL);
}

struct session_row {
	struct store_wecom_session	*ws;
	int				 found;
};

static int
row_session(void *arg, char **col, unsigned n)
{
	struct session_row		*sr = arg;
	struct store_wecom_session	*ws = sr->ws;

	if (n < 17 || col[0] == NULL)
		return -1;
	copy(ws->entry, sizeof(ws->entry), col[0]);
	copy(ws->ticket_agent, sizeof(ws->ticket_agent), col[1]);
	copy(ws->agent, sizeof(ws->agent), col[2]);
	copy(ws->told, sizeof(ws->told), col[3]);
	copy(ws->ticket, sizeof(ws->ticket), col[4]);
	copy(ws->handoff_msgid, sizeof(ws->handoff_msgid), col[5]);
	copy(ws->handoff_code, sizeof(ws->handoff_code), col[6]);
	copy(ws->handoff_text, sizeof(ws->handoff_text), col[7]);
	ws->pooled = col[8] != NULL && strcmp(col[8], "1") == 0;
	copy(ws->handoff_reason, sizeof(ws->handoff_reason), col[9]);
	ws->handoff_fallback = col[10] != NULL && strcmp(col[10], "1") == 0;
	ws->greeted = col[11] != NULL ? atoi(col[11]) : 0;
	copy(ws->pool_code, sizeof(ws->pool_code), col[12]);
	copy(ws->person_code, sizeof(ws->person_code), col[13]);
	ws->assigned_ms = col[14] != NULL ? strtoll(col[14], NULL, 10) : 0;
	ws->ended = col[15] != NULL && strcmp(col[15], "1") == 0;
	copy(ws->move_why, sizeof(ws->move_why), col[16]);
	sr->found = 1;
	return 0;
}

enum store_rc
store_wecom_session_get(struct store *s, const char *open_kfid,
    const char *external_userid, struct store_wecom_session *ws)
{
	const char		*params[2] = { open_kfid, external_userid };
	struct session_row	 sr = { ws, 0 };

	memset(ws, 0, sizeof(*ws));
	if (store_w_run(s, W_SESSION_GET, params, 2, row_session, &sr) !=
	    STORE_OK)
		return STORE_ERR;
	return sr.found ? STORE_OK : STORE_NOTFOUND;
}

/* Active sessions of userid up or down by one (never below zero). */
static enum store_rc
load(struct store *s, const char *userid, int delta)
{
	char		 d[8];
	const char	*params[2] = { d, userid };

	snprintf(d, sizeof(d), "%d", delta);
	return store_w_run(s, W_LOAD, params, 2, NULL, NULL) == STORE_ERR ?
	    STORE_ERR : STORE_OK;
}

/* A transaction of a few statements: all, or none and STORE_ERR. */
static enum store_rc
in_tx(struct store *s, enum store_rc rc)
{
	if (rc == STORE_OK && store_commit(s) == STORE_OK)
		return STORE_OK;
	store_rollback(s);
	return rc == STORE_NOTFOUND ? STORE_NOTFOUND : STORE_ERR;
}

/* A person got the chat: the open leg ends (why), theirs begins. */
static enum store_rc
leg_next(struct store *s, const char *kfid, const char *user,
    const char *why, const char *agent, const char *via)
{
	const char	*close[3] = { why, kfid, user };
	const char	*open[4] = { agent, via, kfid, user };

	if (store_w_run(s, W_LEG_CLOSE, close, 3, NULL, NULL) != STORE_OK ||
	    store_w_run(s, W_LEG_OPEN, open, 4, NULL, NULL) != STORE_OK)
		return STORE_ERR;
	return STORE_OK;
}

enum store_rc
store_wecom_session_handoff(struct store *s, const char *open_kfid,
    const char *external_userid, const struct store_wecom_handoff *h)
{
	char		 hold[16], due[16], told[16];
	const char	*params[17] = { or_null(h->agent), h->msgid,
	    or_null(h->code), or_null(h->text), h->reason,
	    h->fallback ? "1" : "0", h->pooled ? "1" : "0",
	    or_null(h->hold_agent), hold, hold, due, due, due, told,
	    or_null(h->told), open_kfid, external_userid };
	int		 person = h->agent != NULL && *h->agent != '\0' &&
	    !h->pooled;
	enum store_rc	 rc = STORE_OK;

	snprintf(hold, sizeof(hold), "%d", h->hold_agent != NULL ?
	    h->hold_s : -1);
	/* Watched only when the caller said how (via). */
	snprintf(due, sizeof(due), "%d", person && h->via != NULL ? h->due_s :
	    LIFE_DUE_NONE);
	snprintf(told, sizeof(told), "%u", h->queue_told);
	if (store_begin(s) != STORE_OK)
		return STORE_ERR;
	if (person)
		rc = leg_next(s, open_kfid, external_userid, "transferred",
		    h->agent, h->via != NULL ? h->via : "handoff");
	if (rc == STORE_OK)
		rc = store_w_run(s, W_SESSION_HANDOFF, params, 17, NULL, NULL);
	return in_tx(s, rc);
}

enum store_rc
store_wecom_session_move(struct store *s, const char *open_kfid,
    const char *external_userid, const struct store_wecom_move *m)
{
	char		 due[16];
	const char	*from = m->from != NULL ? m->from : "";
	const char	*params[10] = { m->agent, or_null(m->told), due, due, due,
	    m->code_spent ? "1" : "0", open_kfid, external_userid, from,
	    from };
	enum store_rc	 rc;

	snprintf(due, sizeof(due), "%d", m->due_s);
	if (store_begin(s) != STORE_OK)
		return STORE_ERR;
	rc = leg_next(s, open_kfid, external_userid, m->end_reason, m->agent,
	    m->via);
	if (rc == STORE_OK)
		rc = store_w_run(s, W_SESSION_MOVE, params, 10, NULL, NULL);
	if (rc == STORE_OK && store_affected(s) == 0)
		rc = STORE_NOTFOUND;	/* moved meanwhile: not ours */
	/* The load moves with the chat, in the same transaction. */
	if (rc == STORE_OK && m->from_userid != NULL)
		rc = load(s, m->from_userid, -1);
	if (rc == STORE_OK && m->to_userid != NULL)
		rc = load(s, m->to_userid, +1);
	return in_tx(s, rc);
}

enum store_rc
store_wecom_session_reply(struct store *s, const char *open_kfid,
    const char *external_userid, const char *userid, long long send_time)
{
	char		 t[24];
	const char	*params[4] = { t, open_kfid, external_userid, userid };
	const char	*reset[1] = { userid };
	enum store_rc	 rc;
	int		 first;

	snprintf(t, sizeof(t), "%lld", send_time);
	if (store_begin(s) != STORE_OK)
		return STORE_ERR;
	rc = store_w_run(s, W_SESSION_REPLY, params, 4, NULL, NULL);
	first = rc == STORE_OK && store_affected(s) > 0;
	if (rc == STORE_OK)
		rc = store_w_run(s, W_LEG_REPLY, params, 4, NULL, NULL);
	if (rc == STORE_OK && first)
		rc = store_w_run(s, W_MISSES_RESET, reset, 1, NULL, NULL);
	rc = in_tx(s, rc);
	return rc == STORE_OK && !first ? STORE_NOTFOUND : rc;
}

enum store_rc
store_wecom_session_ended(struct store *s, const char *open_kfid,
    const char *external_userid)
{
	const char	*close[3] = { "ended", open_kfid, external_userid };
	enum store_rc	 rc;

	if (store_begin(s) != STORE_OK)
		return STORE_ERR;
	rc = store_w_run(s, W_LEG_CLOSE, close, 3, NULL, NULL);
	if (rc == STORE_OK)
		rc = store_w_run(s, W_SESSION_ENDED, close + 1, 2, NULL, NULL);
	return in_tx(s, rc);
}

enum store_rc
store_wecom_session_due(struct store *s, const char *open_kfid,
    const char *external_userid, int seconds)
{
	char		 d[16];
	const char	*params[5] = { d, d, d, open_kfid, external_userid };

	snprintf(d, sizeof(d), "%d", seconds);
	return store_w_run(s, W_SESSION_DUE, params, 5, NULL, NULL);
}

enum store_rc
store_wecom_session_told(struct store *s, const char *open_kfid,
    const char *external_userid, unsigned pos, int code_spent)
{
	char		 p[16];
	const char	*params[4] = { p, code_spent ? "1" : "0", open_kfid,
	    external_userid };

	snprintf(p, sizeof(p), "%u", pos);
	return store_w_run(s, W_SESSION_TOLD, params, 4, NULL, NULL);
}

enum store_rc
store_wecom_session_intent(struct store *s, const char *open_kfid,
    const char *external_userid, const char *agent, const char *why)
{
	const char	*params[4] = { why, open_kfid, external_userid, agent };

	if (store_w_run(s, W_SESSION_INTENT, params, 4, NULL, NULL) !=
	    STORE_OK)
		return STORE_ERR;
	return store_affected(s) > 0 ? STORE_OK : STORE_NOTFOUND;
}

enum store_rc
store_wecom_session_retry(struct store *s, const char *open_kfid,
    const char *external_userid, int seconds)
{
	char		 d[16];
	const char	*params[3] = { d, open_kfid, external_userid };

	snprintf(d, sizeof(d), "%d", seconds);
	return store_w_run(s, W_SESSION_RETRY, params, 3, NULL, NULL);
}

enum store_rc
store_wecom_session_missed_by(struct store *s, const char *open_kfid,
    const char *external_userid, store_text_fn fn, void *arg)
{
	const char		*params[4] = { open_kfid, external_userid,
	    open_kfid, external_userid };
	struct each_text	 et = { fn, arg };

	return store_w_run(s, W_LEG_MISSED, params, 4, row_each, &et);
}

/* A statement about one customer's session: (kfid, user) its params. */
static enum store_rc
by_session(struct store *s, enum store_w w, const char *open_kfid,
    const char *external_userid)
{
	const char	*params[2] = { open_kfid, external_userid };

	return store_w_run(s, w, params, 2, NULL, NULL);
}

enum store_rc
store_wecom_session_code_keep(struct store *s, const char *open_kfid,
    const char *external_userid)
{
	return by_session(s, W_SESSION_KEEP, open_kfid, external_userid);
}

struct watch_rows {
	store_wecom_watch_fn	 fn;
	void			*arg;
};

static int
row_watch(void *arg, char **col, unsigned n)
{
	struct watch_rows		*wr = arg;
	struct store_wecom_watched	 w;

	if (n < 6 || col[0] == NULL || col[1] == NULL || col[2] == NULL ||
	    col[3] == NULL)
		return -1;
	memset(&w, 0, sizeof(w));
	w.open_kfid = col[0];
	w.external_userid = col[1];
	w.entry = col[2];
	w.agent = col[3];
	w.assigned_ms = col[4] != NULL ? strtoll(col[4], NULL, 10) : 0;
	w.offline = col[5] != NULL && strcmp(col[5], "1") == 0;
	wr->fn(wr->arg, &w);
	return 0;
}

enum store_rc
store_wecom_watch_due(struct store *s, int take_back, unsigned limit,
    store_wecom_watch_fn fn, void *arg)
{
	char			 l[16];
	const char		*params[2] = { take_back ? "1" : "0", l };
	struct watch_rows	 wr = { fn, arg };

	snprintf(l, sizeof(l), "%u", limit);
	return store_w_run(s, W_WATCH_DUE, params, 2, row_watch, &wr);
}

enum store_rc
store_wecom_pool_accounts(struct store *s, store_text_fn fn, void *arg)
{
	struct each_text	 et = { fn, arg };

	return store_w_run(s, W_POOL_ACCOUNTS, NULL, 0, row_each, &et);
}

enum store_rc
store_wecom_unload(struct store *s, const char *agent)
{
	const char	*params[1] = { agent };

	return store_w_run(s, W_UNLOAD, params, 1, NULL, NULL);
}

enum store_rc
store_wecom_agent_of(struct store *s, const char *userid, char *id,
    size_t len)
{
	const char	*params[1] = { userid };

	return store_w_text(s, W_AGENT_OF, params, 1, id, len);
}

/* A count the statement answers about one id (0 when no row). */
static enum store_rc
count_by(struct store *s, enum store_w w, const char *id, unsigned *n)
{
	char		 out[24];
	const char	*params[1] = { id };

	*n = 0;
	if (store_w_text(s, w, params, 1, out, sizeof(out)) == STORE_ERR)
		return STORE_ERR;
	*n = (unsigned)strtoul(out, NULL, 10);
	return STORE_OK;
}

enum store_rc
store_wecom_queue_len(struct store *s, const char *entry, unsigned *n)
{
	return count_by(s, W_QUEUE_LEN, entry, n);
}

enum store_rc
store_wecom_missed(struct store *s, const char *agent, unsigned *misses)
{
	const char	*params[1] = { agent };

	*misses = 0;
	if (store_w_run(s, W_MISS, params, 1, NULL, NULL) != STORE_OK)
		return STORE_ERR;
	return count_by(s, W_MISSES, agent, misses);
}

enum store_rc
store_wecom_session_greeted(struct store *s, const char *open_kfid,
    const char *external_userid, int greeted, const char *told)
{
	char		 g[4];
	const char	*params[4] = { g, or_null(told), open_kfid,
	    external_userid };

	snprintf(g, sizeof(g), "%d", greeted);
	return store_w_run(s, W_SESSION_GREETED, params, 4, NULL, NULL);
}

enum store_rc
store_wecom_session_code_spent(struct store *s, const char *open_kfid,
    const char *external_userid)
{
	return by_session(s, W_SESSION_SPENT, open_kfid, external_userid);
}

struct pooled_rows {
	store_wecom_pooled_fn	 fn;
	void			*arg;
};

static int
row_pooled(void *arg, char **col, unsigned n)
{
	struct pooled_rows	*pr = arg;

	struct store_wecom_pooled	 p;

	if (n < 7 || col[0] == NULL || col[1] == NULL)
		return -1;
	memset(&p, 0, sizeof(p));
	p.external_userid = col[0];
	p.entry = col[1];
	p.hold_agent = or_null(col[2]);
	p.hold_until_ms = col[3] != NULL ? strtoll(col[3], NULL, 10) : 0;
	p.queue_told = col[4] != NULL ? (unsigned)atoi(col[4]) : 0;
	p.pool_code = col[5] != NULL && strcmp(col[5], "1") == 0;
	p.told = or_null(col[6]);
	pr->fn(pr->arg, &p);
	return 0;
}

enum store_rc
store_wecom_pooled(struct store *s, const char *open_kfid, unsigned limit,
    store_wecom_pooled_fn fn, void *arg)
{
	char			 l[16];
	const char		*params[2] = { open_kfid, l };
	struct pooled_rows	 pr = { fn, arg };

	snprintf(l, sizeof(l), "%u", limit);
	return store_w_run(s, W_POOLED, params, 2, row_pooled, &pr);
}

/* ---- presence, load, refusals ------------------------------------------- */

enum store_rc
store_wecom_presence(struct store *s, const char *userid,
    enum agent_status st)
{
	const char	*params[2] = { snap_status_name(st), userid };

	return touch(s, W_PRESENCE, params, 2);
}

enum store_rc
store_wecom_load(struct store *s, const char *userid, int delta)
{
	char		 d[8];
	const char	*params[2] = { d, userid };

	snprintf(d, sizeof(d), "%d", delta);
	return touch(s, W_LOAD, params, 2);
}

enum store_rc
store_wecom_receiving(struct store *s, const char *userid)
{
	const char	*params[1] = { userid };

	return store_w_run(s, W_RECEIVING, params, 1, NULL, NULL);
}

enum store_rc
store_wecom_refusal_add(struct store *s, const char *open_kfid,
    const char *userid)
{
	const char	*params[2] = { open_kfid, userid };

	return store_w_run(s, W_REFUSAL_ADD, params, 2, NULL, NULL);
}

enum store_rc
store_wecom_refusal_clear(struct store *s, const char *userid)
{
	const char	*params[1] = { userid };

	return store_w_run(s, W_REFUSAL_CLEAR, params, 1, NULL, NULL);
}

enum store_rc
store_wecom_refusals(struct store *s, const char *open_kfid, store_text_fn fn,
    void *arg)
{
	const char	*params[1] = { open_kfid };

	return each_text(s, W_REFUSALS, params, 1, fn, arg);
}

/* ---- status ------------------------------------------------------------- */

struct status_rows {
	store_wecom_status_fn	 fn;
	void			*arg;
};

static unsigned
count_of(const char *s)
{
	long long	 v = 0;

	if (s != NULL)
		util_parse_llong(s, 0, 0x7fffffff, &v);
	return (unsigned)v;
}

static int
row_status(void *arg, char **col, unsigned n)
{
	struct status_rows		*sr = arg;
	struct store_wecom_status	 st;

	if (n < 10 || col[0] == NULL)
		return -1;
	st.open_kfid = col[0];
	st.cursor = col[1];
	st.pulled_at = col[2];
	st.last_error = col[3];
	st.last_error_at = col[4];
	st.fails = count_of(col[5]);
	st.backlog = count_of(col[6]);
	st.retried = count_of(col[7]);
	st.skipped = count_of(col[8]);
	st.stalled = count_of(col[9]) != 0;
	sr->fn(sr->arg, &st);
	return 0;
}

enum store_rc
store_wecom_status(struct store *s, store_wecom_status_fn fn, void *arg)
{
	struct status_rows	 sr = { fn, arg };

	return store_w_run(s, W_STATUS, NULL, 0, row_status, &sr);
}

/* ---- sync requests from the admin page ------------------------------- */

enum store_rc
store_wecom_sync_claim(struct store *s, const char *worker, int lease_s,
    char *id, size_t len)
{
	char		 l[16];
	const char	*params[2] = { worker, l };
	enum store_rc	 rc;

	snprintf(l, sizeof(l), "%d", lease_s);
	id[0] = '\0';
	if ((rc = touch(s, W_SYNC_CLAIM, params, 2)) != STORE_OK)
		return rc;
	return store_w_text(s, W_SYNC_CLAIMED, params, 1, id, len);
}

enum store_rc
store_wecom_sync_progress(struct store *s, const char *id,
    const char *worker, int accounts, int created, int lease_s)
{
	char		 a[16], c[16], l[16];
	const char	*params[5] = { a, c, l, id, worker };

	snprintf(a, sizeof(a), "%d", accounts < 0 ? 0 : accounts);
	snprintf(c, sizeof(c), "%d", created);
	snprintf(l, sizeof(l), "%d", lease_s);
	return touch(s, W_SYNC_PROGRESS, params, 5);
}

enum store_rc
store_wecom_sync_finish(struct store *s, const char *id, const char *worker,
    const struct store_wecom_sync_end *e)
{
	char		 a[16], c[16], p[16], ec[16];
	const char	*params[8] = { e->failed ? "failed" : "done",
	    e->accounts >= 0 ? a : NULL, c, p, e->error, e->errcode != 0 ?
	    ec : NULL, id, worker };

	snprintf(a, sizeof(a), "%d", e->accounts);
	snprintf(c, sizeof(c), "%d", e->created);
	snprintf(p, sizeof(p), "%d", e->problems);
	snprintf(ec, sizeof(ec), "%d", e->errcode);
	return touch(s, W_SYNC_FINISH, params, 8);
}

enum store_rc
store_wecom_worker_beat(struct store *s, const char *host, long pid)
{
	char		 p[24];
	const char	*params[2] = { host, p };

	snprintf(p, sizeof(p), "%ld", pid);
	return store_w_run(s, W_WORKER_BEAT, params, 2, NULL, NULL);
}
