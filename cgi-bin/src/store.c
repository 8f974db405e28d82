#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <errmsg.h>
#include <mysql.h>

#include "arena.h"
#include "cfg.h"
#include "decide.h"
#include "log.h"
#include "snap.h"
#include "store.h"
#include "store_sql.h"
#include "util.h"

enum stmt {
	STMT_VERSION,
	STMT_AGENTS_ALL,
	STMT_ENTRIES_ALL,
	STMT_GROUPS_ALL,
	STMT_MEMBERS_ALL,
	STMT_DESIGNATED_ALL,
	STMT_RULES_ALL,
	STMT_NOTICES_ALL,
	STMT_SCHEDULES_ALL,
	STMT_SLOTS_ALL,
	STMT_CLOSURES_ALL,
	STMT_ENTRY_ONE,
	STMT_ENTRIES_ENABLED,
	STMT_DESIGNATED_ONE,
	STMT_RULES_ONE,
	STMT_NOTICES_ONE,
	STMT_AGENTS_FOR_ENTRY,
	STMT_GROUPS_FOR_ENTRY,
	STMT_MEMBERS_FOR_ENTRY,
	STMT_CUSTOMER,
	STMT_ORDER_AGENT,
	STMT_STAT_ADD,
	STMT_STAT_ADD16,
	STMT_CUSTOMERS16,
	STMT_STICKY_SET,
	STMT_ACTIVITY_SET,
	STMT_ACTIVITY_SINCE,
	STMT_PRESENCE_SINCE,
	STMT_COMMIT_CLAIM,
	STMT_STAT_COMMIT,
	STMT_COMMIT_PURGE,
	STMT_AGENT_STATUS_SET,
	STMT_LOCK,
	STMT_UNLOCK,
	STMT_WORKDAYS_ALL,
	STMT__MAX
};

/* Column lists shared by statements that feed the same row reader. */
#define AGENT_COLS \
	"a.id, a.display_name, a.wecom_userid, a.status, a.capacity, " \
	"a.active_sessions, a.enabled, a.schedule_id, " \
	"(SELECT last_assigned_at FROM kf_agent_activity t " \
	"WHERE t.agent_id = a.id), a.live_ms"
#define KEY1		"SELECT CAST(? AS CHAR CHARACTER SET ascii) AS k"
#define KEYS4		KEY1 " UNION " KEY1 " UNION " KEY1 " UNION " KEY1
#define KEYS16		KEYS4 " UNION " KEYS4 " UNION " KEYS4 " UNION " KEYS4
#define QUOTE_ROW	"(FROM_UNIXTIME(?), ?, ?, ?, ?)"
#define QUOTE_ROWS4	QUOTE_ROW ", " QUOTE_ROW ", " QUOTE_ROW ", " QUOTE_ROW
#define QUOTE_ROWS16	QUOTE_ROWS4 ", " QUOTE_ROWS4 ", " QUOTE_ROWS4 ", " \
			QUOTE_ROWS4
#define ENTRY_COLS \
	"e.id, e.label, e.scene, e.sort_order, e.enabled, e.target_type, " \
	"e.target, e.policy, e.fallback_group_id, e.fallback_strategy, " \
	"e.schedule_id, e.designated_over_capacity, e.decision_order, " \
	"IF(e.target_type = 'wecom_kf', (SELECT l.url FROM kf_wecom_link l " \
	"WHERE l.open_kfid = " OPEN_KFID_OF("e") " AND " \
	"l.scene = COALESCE(e.wecom_scene, e.id)), NULL), " \
	"COALESCE(e.widen_after_s, -1), COALESCE(e.reroute_after_s, -1), " \
	"COALESCE(e.take_back, -1), COALESCE(e.busy_after_misses, -1), " \
	"COALESCE(e.queue_max, -1), COALESCE(e.queue_notice_step, -1), " \
	"COALESCE(e.leave_message, -1)"
#define RULE_COLS \
	"entry_id, id, priority, kind, level, tag, window_start, window_end, " \
	"target_type, target_id, strategy"
/* Groups an entry's decision can reach: its fallback, its rules' targets. */
#define ENTRY_GROUPS(col) \
	col " IN (SELECT fallback_group_id FROM kf_entry WHERE id = ?) OR " \
	col " IN (SELECT target_id FROM kf_rule WHERE entry_id = ? " \
	"AND target_type = 'group') OR " col " = ?"

/*
 * All of kfroute's SQL. Reads are safe to retry after a lost connection;
 * the stat upsert adds counts and is not (see `once` below).
 */
static const char *const stmt_sql[STMT__MAX] = {
	[STMT_VERSION] = "SELECT config_version FROM kf_meta WHERE id = 1",
	[STMT_AGENTS_ALL] = "SELECT " AGENT_COLS " FROM kf_agent a",
	[STMT_ENTRIES_ALL] = "SELECT " ENTRY_COLS " FROM kf_entry e",
	[STMT_GROUPS_ALL] = "SELECT id, name FROM kf_group",
	[STMT_MEMBERS_ALL] =
	    "SELECT group_id, agent_id, position FROM kf_group_member",
	[STMT_DESIGNATED_ALL] =
	    "SELECT entry_id, agent_id, position FROM kf_entry_agent",
	[STMT_RULES_ALL] = "SELECT " RULE_COLS " FROM kf_rule "
	    "WHERE enabled = 1",
	[STMT_NOTICES_ALL] =
	    "SELECT entry_id, kind, template FROM kf_entry_notice",
	[STMT_SCHEDULES_ALL] = "SELECT id, name, tz FROM kf_schedule",
	[STMT_SLOTS_ALL] = "SELECT schedule_id, weekday, start_min, end_min "
	    "FROM kf_schedule_slot",
	[STMT_CLOSURES_ALL] = "SELECT schedule_id, "
	    "DATE_FORMAT(day, '%Y%m%d') FROM kf_schedule_closure",
	[STMT_WORKDAYS_ALL] = "SELECT schedule_id, "
	    "DATE_FORMAT(day, '%Y%m%d'), start_min, end_min "
	    "FROM kf_schedule_workday",
	[STMT_ENTRY_ONE] = "SELECT " ENTRY_COLS " FROM kf_entry e "
	    "WHERE e.id = ?",
	[STMT_ENTRIES_ENABLED] = "SELECT " ENTRY_COLS " FROM kf_entry e "
	    "WHERE e.enabled = 1",
	[STMT_DESIGNATED_ONE] = "SELECT entry_id, agent_id, position "
	    "FROM kf_entry_agent WHERE entry_id = ?",
	[STMT_RULES_ONE] = "SELECT " RULE_COLS " FROM kf_rule "
	    "WHERE enabled = 1 AND entry_id = ?",
	[STMT_NOTICES_ONE] = "SELECT entry_id, kind, template "
	    "FROM kf_entry_notice WHERE entry_id = ?",
	[STMT_AGENTS_FOR_ENTRY] = "SELECT " AGENT_COLS " FROM kf_agent a "
	    "WHERE a.id IN (SELECT agent_id FROM kf_entry_agent "
	    "WHERE entry_id = ?) OR a.id IN (SELECT target_id FROM kf_rule "
	    "WHERE entry_id = ? AND target_type = 'agent') "
	    "OR a.id IN (SELECT agent_id FROM kf_group_member m WHERE "
	    ENTRY_GROUPS("m.group_id") ") OR a.id IN (?, ?, ?)",
	[STMT_GROUPS_FOR_ENTRY] = "SELECT id, name FROM kf_group WHERE "
	    ENTRY_GROUPS("id"),
	[STMT_MEMBERS_FOR_ENTRY] = "SELECT group_id, agent_id, position "
	    "FROM kf_group_member WHERE " ENTRY_GROUPS("group_id"),
	[STMT_CUSTOMER] = "SELECT c.level, c.tags, c.account_manager_id, "
	    "l.agent_id FROM (SELECT ? AS k) x "
	    "LEFT JOIN kf_customer c ON c.customer_key = x.k "
	    "LEFT JOIN kf_last_agent l ON l.customer_key = x.k "
	    "AND l.served_at >= UTC_TIMESTAMP() - INTERVAL ? DAY",
	/* Sixteen customers at once (the background refresh, custcache.c):
	 * the key first, then as STMT_CUSTOMER. */
	[STMT_CUSTOMERS16] = "SELECT x.k, c.level, c.tags, "
	    "c.account_manager_id, l.agent_id FROM (" KEYS16 ") x "
	    "LEFT JOIN kf_customer c ON c.customer_key = x.k "
	    "LEFT JOIN kf_last_agent l ON l.customer_key = x.k "
	    "AND l.served_at >= UTC_TIMESTAMP() - INTERVAL ? DAY",
	[STMT_ORDER_AGENT] = "SELECT agent_id FROM kf_order "
	    "WHERE order_id = ? AND customer_key = ?",
	/* Quotes (views), batched by stats.c. */
	[STMT_STAT_ADD] = "INSERT INTO kf_stat_minute "
	    "(minute, entry_id, agent_id, reason, quotes) "
	    "VALUES " QUOTE_ROW " "
	    "ON DUPLICATE KEY UPDATE quotes = quotes + VALUES(quotes)",
	/* At 100,000 entries nearly every quote is a row of its own. */
	[STMT_STAT_ADD16] = "INSERT INTO kf_stat_minute "
	    "(minute, entry_id, agent_id, reason, quotes) "
	    "VALUES " QUOTE_ROWS16 " "
	    "ON DUPLICATE KEY UPDATE quotes = quotes + VALUES(quotes)",
	/* A commit's counts (assign.c), inside its transaction. */
	[STMT_STAT_COMMIT] = "INSERT INTO kf_stat_minute "
	    "(minute, entry_id, agent_id, reason, taps, handoffs, link_taps, "
	    "fallbacks) VALUES (FROM_UNIXTIME(?), ?, ?, ?, ?, ?, ?, ?) "
	    "ON DUPLICATE KEY UPDATE taps = taps + VALUES(taps), "
	    "handoffs = handoffs + VALUES(handoffs), "
	    "link_taps = link_taps + VALUES(link_taps), "
	    "fallbacks = fallbacks + VALUES(fallbacks)",
	/* Who commits a key first counts it; the row expires (PURGE). */
	[STMT_COMMIT_CLAIM] = "INSERT IGNORE INTO kf_commit "
	    "(commit_key, event) VALUES (?, ?)",
	[STMT_COMMIT_PURGE] = "DELETE FROM kf_commit "
	    "WHERE committed_at < NOW() - INTERVAL ? SECOND LIMIT 1000",
	/* Live state since a watermark (cache.c), by its index. */
	/*
	 * Live state stamped since a mark less an overlap, the mark never
	 * later than the database's clock: a stamp ahead of it (a host's
	 * clock, or the database's own before it was set back) must not
	 * hide what comes after.
	 */
	[STMT_ACTIVITY_SINCE] = "SELECT agent_id, last_assigned_at "
	    "FROM kf_agent_activity WHERE last_assigned_at >= "
	    "LEAST(?, ROUND(UNIX_TIMESTAMP(SYSDATE(3)) * 1000)) - ?",
	/* Presence and load: live state, stamped by 018's triggers. */
	[STMT_PRESENCE_SINCE] = "SELECT id, status, active_sessions, live_ms "
	    "FROM kf_agent WHERE live_ms >= "
	    "LEAST(?, ROUND(UNIX_TIMESTAMP(SYSDATE(3)) * 1000)) - ?",
	[STMT_STICKY_SET] = "INSERT INTO kf_last_agent "
	    "(customer_key, agent_id, entry_id, served_at) "
	    "VALUES (?, ?, ?, FROM_UNIXTIME(?)) ON DUPLICATE KEY UPDATE "
	    "agent_id = VALUES(agent_id), entry_id = VALUES(entry_id), "
	    "served_at = VALUES(served_at)",
	[STMT_ACTIVITY_SET] = "INSERT INTO kf_agent_activity "
	    "(agent_id, last_assigned_at) VALUES (?, ?) "
	    "ON DUPLICATE KEY UPDATE last_assigned_at = "
	    "GREATEST(last_assigned_at, VALUES(last_assigned_at))",
	[STMT_AGENT_STATUS_SET] = "UPDATE kf_agent SET status = ?, "
	    "status_source = 'manual', status_at = CURRENT_TIMESTAMP "
	    "WHERE id = ?",
	[STMT_LOCK] = "SELECT GET_LOCK(?, ?)",
	[STMT_UNLOCK] = "SELECT RELEASE_LOCK(?)",
};

/*
 * Statements that must not run twice: a retry could double a count, and
 * a lock taken on a lost connection is gone with it.
 */
#define Q_BASE	STMT__MAX		/* admin queries (store_admin.c) */
#define W_BASE	(Q_BASE + Q__MAX)	/* WeCom's (store_wecom.c) */
#define NSTMT	(W_BASE + W__MAX)

/*
 * Which database account may run each statement (sqlbox's idea): the
 * admin account may run every table's; the WeCom program's account its
 * own table's and the routing engine's (reads, commits of handoffs); the
 * public program's only the routing engine's, and of those not the
 * manual presence kfctl sets. sql/grants.sql gives the same rights in the
 * database; the engine refuses the rest before the database would, so a
 * program's bug shows as a log line naming the statement, not as data.
 */
#define ROLE(r)		(1u << (r))
#define ROLES_ALL	(ROLE(STORE_PUBLIC) | ROLE(STORE_WECOM) | ROLE(STORE_ADMIN))

static unsigned
roles_of(int id)
{
	if (id >= W_BASE) {
		/* Accounts and links are written by kfctl wecom sync-accounts
		 * (admin) and by the worker's sync requests (wecom): insert
		 * and update only, never delete (sql/grants.sql). */
		return ROLE(STORE_WECOM) | ROLE(STORE_ADMIN);
	}
	if (id >= Q_BASE)
		return ROLE(STORE_ADMIN);
	if (id == STMT_AGENT_STATUS_SET)
		return ROLE(STORE_ADMIN);
	return ROLES_ALL;
}

int
store_may(enum store_role role, enum store_table table, int stmt)
{
	int	 id = stmt + (table == STORE_TABLE_ADMIN ? Q_BASE :
	    table == STORE_TABLE_WECOM ? W_BASE : 0);

	return (roles_of(id) & ROLE(role)) != 0;
}

static int
once(int id)
{
	if (id >= W_BASE)
		return store_w_once(id - W_BASE);
	/* Admin writes run inside transactions, which a retry would leave. */
	if (id >= Q_BASE)
		return store_q_write(id - Q_BASE);
	return id == STMT_STAT_ADD || id == STMT_STAT_ADD16 ||
	    id == STMT_STAT_COMMIT ||
	    id == STMT_COMMIT_CLAIM || id == STMT_LOCK || id == STMT_UNLOCK;
}

struct store {
	const struct cfg	*cfg;
	enum store_role		 role;
	MYSQL			*db;	/* NULL while disconnected */
	/* Prepared lazily, every table's (see NSTMT). */
	MYSQL_STMT		*stmts[NSTMT];
	unsigned		 reconnects;	/* lost connections seen */
	int			 down;		/* the last connect failed */
	int64_t			 retry_ms;	/* no connect before (when down) */
	int			 pause_ms;	/* the cool-down, growing */
	unsigned long long	 affected;	/* rows the last write touched */
	unsigned long long	 insert_id;	/* of the last insert */
	/* Inside store_begin..commit; broken once the connection was lost
	 * in it (everything then fails until commit or rollback). */
	enum { TXN_NONE, TXN_OPEN, TXN_BROKEN } txn;
	unsigned		 err;		/* last server error number */
	char			 errmsg[256];	/* and its text */
};

static const char *
sql_of(int id)
{
	if (id >= W_BASE)
		return store_w_sql[id - W_BASE];
	return id < Q_BASE ? stmt_sql[id] : store_q_sql[id - Q_BASE];
}

/* A row as text columns; NULL for SQL NULL. Return -1 to stop. */
typedef int	(*row_fn)(void *arg, char **col, unsigned ncol);

/* Sixteen quote rows of five have the most. */
#define MAX_PARAMS	80

struct store *
store_new(const struct cfg *cfg, enum store_role role)
{
	struct store	*s = xcalloc(1, sizeof(*s));

	s->cfg = cfg;
	s->role = role;
	return s;
}

static void
disconnect(struct store *s)
{
	int	 i;

	for (i = 0; i < NSTMT; i++)
		if (s->stmts[i] != NULL) {
			mysql_stmt_close(s->stmts[i]);
			s->stmts[i] = NULL;
		}
	if (s->db != NULL) {
		mysql_close(s->db);
		s->db = NULL;
	}
}

void
store_free(struct store *s)
{
	if (s == NULL)
		return;
	disconnect(s);
	free(s);
}

static int
connect_db(struct store *s)
{
	const struct cfg	*c = s->cfg;
	unsigned		 cto = (unsigned)c->db.connect_timeout;
	unsigned		 rwto = (unsigned)c->db.rw_timeout;
	const char		*user = c->db.user, *pw = c->db.password;
	/*
	 * Timestamps are written and compared in UTC, whatever the server.
	 * The admin program's lists are built with JSON_ARRAYAGG, which
	 * MariaDB cuts at group_concat_max_len (1 MiB by default) without an
	 * error: give it room (its big tables are read a page at a time).
	 */
	static const char	 utc[] = "SET time_zone = '+00:00'";
	char			 admin[160];
	const char		*init = utc;

	if (s->db != NULL)
		return 0;
	/*
	 * A write that waits behind another's row locks (a long CSV import)
	 * gives up after half the read timeout: a 409 the operator can act
	 * on, rather than the read timing out into a 503.
	 */
	if (s->role == STORE_ADMIN) {
		snprintf(admin, sizeof(admin), "SET time_zone = '+00:00', "
		    "group_concat_max_len = 16777216, "
		    "innodb_lock_wait_timeout = %u", rwto > 3 ? rwto / 2 : 1);
		init = admin;
	}
	/*
	 * After a failed connect, fail at once until the cool-down ends
	 * (250 ms, doubling up to 2 s): a dead or frozen database costs one
	 * connect timeout per cool-down, not one per request, and one back
	 * is used within 2 s.
	 */
	if (s->down && util_now_ms() < s->retry_ms)
		return -1;
	if (s->role == STORE_WECOM && c->db.wecom_user != NULL) {
		user = c->db.wecom_user;
		pw = c->db.wecom_password;
	} else if (s->role != STORE_PUBLIC && c->db.admin_user != NULL) {
		user = c->db.admin_user;
		pw = c->db.admin_password;
	}
	if ((s->db = mysql_init(NULL)) == NULL)
		return -1;
	/* utf8mb4 before connecting; timeouts, since defaults wait forever. */
	mysql_options(s->db, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(s->db, MYSQL_OPT_CONNECT_TIMEOUT, &cto);
	mysql_options(s->db, MYSQL_OPT_READ_TIMEOUT, &rwto);
	mysql_options(s->db, MYSQL_OPT_WRITE_TIMEOUT, &rwto);
	if (mysql_real_connect(s->db, c->db.socket ? "localhost" : c->db.host,
	    user, pw, c->db.name, (unsigned)c->db.port, c->db.socket,
	    CLIENT_FOUND_ROWS) ==
	    NULL || mysql_real_query(s->db, init, strlen(init)) != 0) {
		/* One line per outage, not one per try. */
		if (!s->down)
			log_warn("database connect failed: %s (trying again "
			    "quietly, with growing pauses)", mysql_error(s->db));
		s->down = 1;
		s->pause_ms = s->pause_ms == 0 ? 250 :
		    (s->pause_ms >= 1000 ? 2000 : s->pause_ms * 2);
		s->retry_ms = util_now_ms() + s->pause_ms;
		mysql_close(s->db);
		s->db = NULL;
		return -1;
	}
	if (s->down)
		log_info("database connection back");
	s->down = 0;
	s->pause_ms = 0;
	return 0;
}

static MYSQL_STMT *
prepare(struct store *s, int id)
{
	MYSQL_STMT	*st;
	my_bool		 update_max = 1;

	if (s->stmts[id] != NULL)
		return s->stmts[id];
	if ((st = mysql_stmt_init(s->db)) == NULL)
		return NULL;
	if (mysql_stmt_prepare(st, sql_of(id), strlen(sql_of(id))) != 0) {
		log_error("prepare statement %d: %s", (int)id,
		    mysql_stmt_error(st));
		/* For store_error(): a refused right shows here, not later. */
		s->err = mysql_stmt_errno(st);
		snprintf(s->errmsg, sizeof(s->errmsg), "%s",
		    mysql_stmt_error(st));
		mysql_stmt_close(st);
		return NULL;
	}
	/* Lets store_result() report each column's longest value. */
	mysql_stmt_attr_set(st, STMT_ATTR_UPDATE_MAX_LENGTH, &update_max);
	s->stmts[id] = st;
	return st;
}

/* Lost-connection errors: reconnect and prepare again, then retry once. */
static int
conn_lost(unsigned err)
{
	return err == CR_SERVER_GONE_ERROR || err == CR_SERVER_LOST ||
	    err == CR_CONNECTION_ERROR || err == CR_CONN_HOST_ERROR ||
	    err == 1927 /* ER_CONNECTION_KILLED */ ||
	    err == 4031 /* ER_CLIENT_INTERACTION_TIMEOUT */;
}

#define FETCH_NOROWS	(-2)	/* failed before any row reached fn */

/*
 * The snapshot's loads: 100,000 rows would be held twice if buffered
 * (the client's copy of the result, then the snapshot), so they are
 * streamed, a row at a time, into buffers of each column's declared size.
 */
static int
streamed(int id)
{
	return id == STMT_AGENTS_ALL || id == STMT_ENTRIES_ALL ||
	    id == STMT_GROUPS_ALL || id == STMT_MEMBERS_ALL ||
	    id == STMT_DESIGNATED_ALL || id == STMT_RULES_ALL ||
	    id == STMT_NOTICES_ALL;
}

/* A streamed column's buffer: its declared size (no column of a load is
 * near the cap; one past it fails the load, loudly). */
#define STREAM_COL_MAX	(1024 * 1024)

/*
 * Fetch every row of an executed statement as text: 0 on success, -1 on
 * failure after rows were delivered, FETCH_NOROWS before. A statement
 * without a result set (a write) succeeds with no rows. stream: rows
 * come from the server one by one (fn must not run statements).
 */
static int
fetch_rows(MYSQL_STMT *st, row_fn fn, void *arg, int stream)
{
	MYSQL_RES	*meta;
	MYSQL_FIELD	*fields;
	MYSQL_BIND	*bind = NULL;
	unsigned long	*len = NULL;
	my_bool		*isnull = NULL;
	char		**col = NULL, **out = NULL;
	unsigned	 n, i;
	size_t		 size;
	int		 rc = -1, frc;

	if ((meta = mysql_stmt_result_metadata(st)) == NULL)
		return mysql_stmt_errno(st) == 0 ? 0 : FETCH_NOROWS;
	if (!stream && mysql_stmt_store_result(st) != 0) {
		mysql_free_result(meta);
		return FETCH_NOROWS;
	}
	n = mysql_num_fields(meta);
	fields = mysql_fetch_fields(meta);
	bind = xcalloc(n, sizeof(*bind));
	len = xcalloc(n, sizeof(*len));
	isnull = xcalloc(n, sizeof(*isnull));
	col = xcalloc(n, sizeof(*col));
	out = xcalloc(n, sizeof(*out));
	for (i = 0; i < n; i++) {
		/* Numbers arrive as text too; 32 bytes hold any of ours. */
		size = stream ? fields[i].length : fields[i].max_length;
		if (size > STREAM_COL_MAX)
			size = STREAM_COL_MAX;
		size = (size > 32 ? size : 32) + 1;
		col[i] = xmalloc(size);
		bind[i].buffer_type = MYSQL_TYPE_STRING;
		bind[i].buffer = col[i];
		bind[i].buffer_length = size;
		bind[i].length = &len[i];
		bind[i].is_null = &isnull[i];
	}
	if (mysql_stmt_bind_result(st, bind) != 0)
		goto done;
	while ((frc = mysql_stmt_fetch(st)) == 0) {
		for (i = 0; i < n; i++) {
			col[i][len[i] < bind[i].buffer_length ? len[i] :
			    bind[i].buffer_length - 1] = '\0';
			out[i] = isnull[i] ? NULL : col[i];
		}
		if (fn != NULL && fn(arg, out, n) == -1)
			goto done;
	}
	if (frc == MYSQL_DATA_TRUNCATED) {
		log_error("row truncated despite %s sizing",
		    stream ? "declared" : "max_length");
		goto done;
	}
	rc = frc == MYSQL_NO_DATA ? 0 : -1;
done:
	mysql_free_result(meta);
	mysql_stmt_free_result(st);
	for (i = 0; col != NULL && i < n; i++)
		free(col[i]);
	free(col);
	free(out);
	free(bind);
	free(len);
	free(isnull);
	return rc;
}

/*
 * Run statement id with text parameters (NULL binds SQL NULL) and feed
 * each row to fn (NULL for writes). One retry after a lost connection,
 * only before any row was delivered and never for `once` statements.
 */
static enum store_rc
run(struct store *s, int id, const char *const *params,
    unsigned nparams, row_fn fn, void *arg)
{
	MYSQL_BIND	 pb[MAX_PARAMS];
	unsigned long	 plen[MAX_PARAMS];
	my_bool		 pnull[MAX_PARAMS];
	MYSQL_STMT	*st;
	unsigned	 i;
	int		 attempt, frc;

	s->err = 0;
	s->errmsg[0] = '\0';
	if (!(roles_of(id) & ROLE(s->role))) {
		log_error("statement %d is not for the %s database account",
		    id, s->role == STORE_PUBLIC ? "public" :
		    s->role == STORE_WECOM ? "wecom" : "admin");
		return STORE_ERR;
	}
	if (nparams > MAX_PARAMS) {
		log_error("statement %d: %u parameters, at most %d", id,
		    nparams, MAX_PARAMS);
		return STORE_ERR;
	}
	if (s->txn == TXN_BROKEN)
		return STORE_ERR;
	for (attempt = 0; attempt < 2; attempt++) {
		if (connect_db(s) == -1)
			return STORE_ERR;
		if ((st = prepare(s, id)) == NULL) {
			if (!conn_lost(mysql_errno(s->db)))
				return STORE_ERR;
			disconnect(s);
			continue;
		}
		memset(pb, 0, sizeof(pb));
		for (i = 0; i < nparams; i++) {
			pnull[i] = params[i] == NULL;
			plen[i] = pnull[i] ? 0 : strlen(params[i]);
			pb[i].buffer_type = MYSQL_TYPE_STRING;
			pb[i].buffer = (void *)(uintptr_t)params[i];
			pb[i].buffer_length = plen[i];
			pb[i].length = &plen[i];
			pb[i].is_null = &pnull[i];
		}
		frc = FETCH_NOROWS;
		if ((nparams == 0 || mysql_stmt_bind_param(st, pb) == 0) &&
		    mysql_stmt_execute(st) == 0 &&
		    (frc = fetch_rows(st, fn, arg, streamed(id))) == 0) {
			s->affected = mysql_stmt_affected_rows(st);
			s->insert_id = mysql_stmt_insert_id(st);
			return STORE_OK;
		}
		s->err = mysql_stmt_errno(st);
		snprintf(s->errmsg, sizeof(s->errmsg), "%s",
		    mysql_stmt_error(st));
		log_warn("statement %d: %s", id, s->errmsg);
		if (!conn_lost(s->err))
			return STORE_ERR;
		/*
		 * A lost connection is never kept: whatever happens next runs
		 * on a fresh one (a transaction in it is gone: commit fails).
		 */
		if (s->txn == TXN_OPEN)
			s->txn = TXN_BROKEN;
		disconnect(s);
		s->reconnects++;
		if (frc != FETCH_NOROWS || once(id) || s->txn != TXN_NONE)
			return STORE_ERR;
	}
	return STORE_ERR;
}

/* Transaction control: fixed statements without parameters. */
static int
txn(struct store *s, const char *sql)
{
	if (connect_db(s) == -1)
		return -1;
	if (mysql_real_query(s->db, sql, strlen(sql)) != 0) {
		log_warn("%s: %s", sql, mysql_error(s->db));
		disconnect(s);
		return -1;
	}
	return 0;
}

/* ---- row readers ---------------------------------------------------- */

/* An INT column as text; dflt for NULL (or, never expected, junk). */
static int
atoi_or(const char *s, int dflt)
{
	long long	 v;
	int		 neg = s != NULL && *s == '-';

	if (s == NULL || util_parse_llong(s + neg, 0, 0x7fffffff, &v) == -1)
		return dflt;
	return neg ? -(int)v : (int)v;
}

static int
row_version(void *arg, char **col, unsigned n)
{
	long long	*v = arg;

	if (n < 1 || col[0] == NULL ||
	    util_parse_llong(col[0], 0, 0x7fffffffffffffffLL, v) == -1)
		return -1;
	return 0;
}

static int
row_agent(void *arg, char **col, unsigned n)
{
	struct snap		*s = arg;
	struct snap_agent	 a;
	long long		 last = 0, live = 0;

	if (n < 10 || col[0] == NULL)
		return -1;
	memset(&a, 0, sizeof(a));
	a.id = col[0];
	a.name = col[1];
	a.wecom_userid = col[2];
	if (col[3] == NULL || snap_status_parse(col[3], &a.status) == -1)
		a.status = AGENT_OFFLINE;
	a.capacity = atoi_or(col[4], 0);
	a.active = atoi_or(col[5], 0);
	a.enabled = atoi_or(col[6], 0) != 0;
	a.schedule_id = col[7];
	if (col[8] != NULL)
		util_parse_llong(col[8], 0, 0x7fffffffffffffffLL, &last);
	a.last_assigned = last;
	/* Presence is read live from the newest stamp on (cache.c). */
	if (col[9] != NULL &&
	    util_parse_llong(col[9], 0, 0x7fffffffffffffffLL, &live) == 0 &&
	    live > s->presence_ms)
		s->presence_ms = live;
	snap_add_agent(s, &a);
	return 0;
}

static int
row_entry(void *arg, char **col, unsigned n)
{
	struct snap_entry_in	 e;

	if (n < 21 || col[0] == NULL)
		return -1;
	memset(&e, 0, sizeof(e));
	e.id = col[0];
	e.label = col[1];
	e.scene = col[2];
	e.sort = atoi_or(col[3], 0);
	e.enabled = atoi_or(col[4], 0) != 0;
	if (col[5] == NULL || snap_target_parse(col[5], &e.ttype) == -1)
		e.ttype = TARGET_PAGE;
	e.target = col[6];
	if (col[7] == NULL || snap_policy_parse(col[7], &e.conf.policy) == -1)
		e.conf.policy = POLICY_OVERFLOW;
	e.group_id = col[8];
	if (col[9] == NULL ||
	    snap_strategy_parse(col[9], &e.conf.strategy) == -1)
		e.conf.strategy = STRAT_LEAST_BUSY;
	e.schedule_id = col[10];
	e.conf.over_capacity = atoi_or(col[11], 0) != 0;
	if (col[12] != NULL && *col[12] != '\0' &&
	    snap_parse_order(col[12], e.conf.order, &e.conf.norder) == -1) {
		log_warn("entry %s: bad decision_order '%s', using the default",
		    e.id, col[12]);
		e.conf.norder = 0;
	}
	e.wecom_link = col[13];
	e.conf.widen_after_s = atoi_or(col[14], -1);
	e.conf.reroute_after_s = atoi_or(col[15], -1);
	e.conf.take_back = atoi_or(col[16], -1);
	e.conf.busy_after_misses = atoi_or(col[17], -1);
	e.conf.queue_max = atoi_or(col[18], -1);
	e.conf.queue_notice_step = atoi_or(col[19], -1);
	e.conf.leave_message = atoi_or(col[20], -1);
	snap_add_entry(arg, &e);
	return 0;
}

static int
row_group(void *arg, char **col, unsigned n)
{
	if (n < 2 || col[0] == NULL)
		return -1;
	snap_add_group(arg, col[0], col[1]);
	return 0;
}

static int
row_member(void *arg, char **col, unsigned n)
{
	if (n < 3 || col[0] == NULL || col[1] == NULL)
		return -1;
	snap_add_member(arg, col[0], col[1], atoi_or(col[2], 0));
	return 0;
}

static int
row_designated(void *arg, char **col, unsigned n)
{
	if (n < 3 || col[0] == NULL || col[1] == NULL)
		return -1;
	snap_add_designated(arg, col[0], col[1], atoi_or(col[2], 0));
	return 0;
}

static int
row_rule(void *arg, char **col, unsigned n)
{
	struct snap_rule	 r;

	if (n < 11 || col[0] == NULL || col[1] == NULL)
		return -1;
	memset(&r, 0, sizeof(r));
	r.id = atoi_or(col[1], 0);
	r.priority = atoi_or(col[2], 0);
	if (col[3] == NULL || snap_rule_kind_parse(col[3], &r.kind) == -1 ||
	    col[8] == NULL || snap_rule_target_parse(col[8], &r.target) == -1)
		return 0;	/* unknown to this version: skip the rule */
	r.level = atoi_or(col[4], 0);
	r.tag = col[5];
	r.win_start = atoi_or(col[6], 0);
	r.win_end = atoi_or(col[7], 0);
	r.target_id = col[9];
	if (col[10] == NULL || snap_strategy_parse(col[10], &r.strategy) == -1)
		r.strategy = STRAT_ORDERED;
	snap_add_rule(arg, col[0], &r);
	return 0;
}

static int
row_notice(void *arg, char **col, unsigned n)
{
	enum notice_kind	 k;

	if (n < 3 || col[0] == NULL || col[1] == NULL || col[2] == NULL)
		return -1;
	if (snap_notice_parse(col[1], &k) == 0)
		snap_add_notice(arg, col[0], k, col[2]);
	return 0;
}

static int
row_schedule(void *arg, char **col, unsigned n)
{
	if (n < 3 || col[0] == NULL)
		return -1;
	snap_add_schedule(arg, col[0], col[1], col[2]);
	return 0;
}

static int
row_slot(void *arg, char **col, unsigned n)
{
	struct snap_slot	 sl;

	if (n < 4 || col[0] == NULL)
		return -1;
	sl.wday = atoi_or(col[1], 0);
	sl.start = atoi_or(col[2], 0);
	sl.end = atoi_or(col[3], 0);
	snap_add_slot(arg, col[0], &sl);
	return 0;
}

static int
row_closure(void *arg, char **col, unsigned n)
{
	if (n < 2 || col[0] == NULL)
		return -1;
	snap_add_closure(arg, col[0], atoi_or(col[1], 0));
	return 0;
}

static int
row_workday(void *arg, char **col, unsigned n)
{
	struct snap_workday	 wd;

	if (n < 4 || col[0] == NULL)
		return -1;
	wd.date = atoi_or(col[1], 0);
	wd.start = atoi_or(col[2], 0);
	wd.end = atoi_or(col[3], 0);
	snap_add_workday(arg, col[0], &wd);
	return 0;
}

struct customer_row {
	struct arena		*arena;
	struct decide_customer	*c;
};

static const char *
arena_copy(struct arena *a, const char *s)
{
	return s != NULL ? arena_strdup(a, s) : NULL;
}

static int
row_customer(void *arg, char **col, unsigned n)
{
	struct customer_row	*cr = arg;

	if (n < 4)
		return -1;
	cr->c->level = atoi_or(col[0], 0);
	cr->c->tags = arena_copy(cr->arena, col[1]);
	cr->c->manager_id = arena_copy(cr->arena, col[2]);
	cr->c->sticky_id = arena_copy(cr->arena, col[3]);
	return 0;
}

/* A single text value into a caller's buffer. */
struct text_buf {
	char	*out;
	size_t	 len;
	int	 found;
};

static int
row_text_buf(void *arg, char **col, unsigned n)
{
	struct text_buf	*tb = arg;

	if (n < 1)
		return -1;
	if (col[0] != NULL) {
		snprintf(tb->out, tb->len, "%s", col[0]);
		tb->found = 1;
	}
	return 0;
}

/* Run a one-value query: OK with out filled, NOTFOUND ("" in out), ERR. */
static enum store_rc
one_text(struct store *s, int id, const char *const *params,
    unsigned n, char *out, size_t len)
{
	struct text_buf	 tb = { out, len, 0 };

	out[0] = '\0';
	if (run(s, id, params, n, row_text_buf, &tb) != STORE_OK)
		return STORE_ERR;
	return tb.found ? STORE_OK : STORE_NOTFOUND;
}

/* ---- public --------------------------------------------------------- */

enum store_rc
store_version(struct store *s, long long *version)
{
	*version = -1;
	if (run(s, STMT_VERSION, NULL, 0, row_version, version) != STORE_OK)
		return STORE_ERR;
	return *version >= 0 ? STORE_OK : STORE_ERR;
}

/* The schedules are few; CGI loads them whole too. */
static enum store_rc
load_schedules(struct store *s, struct snap *snap)
{
	if (run(s, STMT_SCHEDULES_ALL, NULL, 0, row_schedule, snap) !=
	    STORE_OK ||
	    run(s, STMT_SLOTS_ALL, NULL, 0, row_slot, snap) != STORE_OK ||
	    run(s, STMT_CLOSURES_ALL, NULL, 0, row_closure, snap) != STORE_OK ||
	    run(s, STMT_WORKDAYS_ALL, NULL, 0, row_workday, snap) != STORE_OK)
		return STORE_ERR;
	return STORE_OK;
}

enum store_rc
store_load_all(struct store *s, struct snap *snap)
{
	static const struct { enum stmt id; row_fn fn; } loads[] = {
		{ STMT_AGENTS_ALL, row_agent },
		{ STMT_ENTRIES_ALL, row_entry },
		{ STMT_GROUPS_ALL, row_group },
		{ STMT_MEMBERS_ALL, row_member },
		{ STMT_DESIGNATED_ALL, row_designated },
		{ STMT_RULES_ALL, row_rule },
		{ STMT_NOTICES_ALL, row_notice },
	};
	enum store_rc	 rc = STORE_ERR;
	unsigned	 reconnects = s->reconnects;
	size_t		 i;

	if (txn(s, "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")
	    == -1)
		return STORE_ERR;
	if (store_version(s, &snap->version) == STORE_OK &&
	    load_schedules(s, snap) == STORE_OK) {
		rc = STORE_OK;
		for (i = 0; i < sizeof(loads) / sizeof(loads[0]); i++)
			if (run(s, loads[i].id, NULL, 0, loads[i].fn, snap) !=
			    STORE_OK) {
				rc = STORE_ERR;
				break;
			}
	}
	/*
	 * A reconnect inside run() left the read view: the rows may not
	 * match the version, so this load does not count.
	 */
	if (reconnects != s->reconnects)
		rc = STORE_ERR;
	if (s->db != NULL)
		txn(s, "COMMIT");
	if (rc == STORE_OK)
		snap_finish(snap);
	return rc;
}

enum store_rc
store_load_entry(struct store *s, const char *id, const char *global_group,
    const struct decide_customer *c, struct snap *snap)
{
	const char	*one[1] = { id };
	const char	*groups[3] = { id, id, global_group };
	const char	*agents[8] = { id, id, id, id, global_group,
	    c ? c->manager_id : NULL, c ? c->sticky_id : NULL,
	    c ? c->order_agent_id : NULL };

	if (run(s, STMT_ENTRY_ONE, one, 1, row_entry, snap) != STORE_OK ||
	    run(s, STMT_DESIGNATED_ONE, one, 1, row_designated, snap) !=
	    STORE_OK ||
	    run(s, STMT_RULES_ONE, one, 1, row_rule, snap) != STORE_OK ||
	    run(s, STMT_NOTICES_ONE, one, 1, row_notice, snap) != STORE_OK ||
	    run(s, STMT_AGENTS_FOR_ENTRY, agents, 8, row_agent, snap) !=
	    STORE_OK ||
	    run(s, STMT_GROUPS_FOR_ENTRY, groups, 3, row_group, snap) !=
	    STORE_OK ||
	    run(s, STMT_MEMBERS_FOR_ENTRY, groups, 3, row_member, snap) !=
	    STORE_OK ||
	    load_schedules(s, snap) != STORE_OK)
		return STORE_ERR;
	snap_finish(snap);
	return STORE_OK;
}

enum store_rc
store_load_enabled_entries(struct store *s, struct snap *snap)
{
	if (run(s, STMT_ENTRIES_ENABLED, NULL, 0, row_entry, snap) != STORE_OK)
		return STORE_ERR;
	snap_finish(snap);
	return STORE_OK;
}

enum store_rc
store_load_customer(struct store *s, struct arena *a, const char *key,
    int sticky_days, struct decide_customer *c)
{
	char			 days[16];
	const char		*params[2] = { key, days };
	struct customer_row	 cr = { a, c };

	snprintf(days, sizeof(days), "%d", sticky_days);
	memset(c, 0, sizeof(*c));
	c->key = arena_strdup(a, key);
	/* The query always yields one row: unknown customers have level 0. */
	return run(s, STMT_CUSTOMER, params, 2, row_customer, &cr);
}

/* Rows of STMT_CUSTOMERS16 to the caller, strings in its arena. */
struct customers_rows {
	store_customer_fn	 fn;
	void			*arg;
};

static int
row_customers(void *arg, char **col, unsigned n)
{
	struct customers_rows	*cr = arg;
	struct decide_customer	 c;

	if (n < 5 || col[0] == NULL)
		return -1;
	memset(&c, 0, sizeof(c));
	c.key = col[0];
	c.level = atoi_or(col[1], 0);
	c.tags = col[2];
	c.manager_id = col[3];
	c.sticky_id = col[4];
	cr->fn(cr->arg, &c);
	return 0;
}

enum store_rc
store_load_customers(struct store *s, const char *const *keys, size_t n,
    int sticky_days, store_customer_fn fn, void *arg)
{
	const char		*params[17];
	char			 days[16];
	struct customers_rows	 cr = { fn, arg };
	size_t			 i, k;

	snprintf(days, sizeof(days), "%d", sticky_days);
	params[16] = days;
	for (i = 0; i < n; i += 16) {
		/* A short last batch repeats its first key (UNION: once). */
		for (k = 0; k < 16; k++)
			params[k] = keys[i + (i + k < n ? k : 0)];
		if (run(s, STMT_CUSTOMERS16, params, 17, row_customers, &cr) !=
		    STORE_OK)
			return STORE_ERR;
	}
	return STORE_OK;
}

enum store_rc
store_order_agent(struct store *s, struct arena *a, const char *order,
    const char *customer, const char **agent_id)
{
	const char	*params[2] = { order, customer };
	char		*id = arena_alloc(a, 65);	/* ids are <= 64 */
	enum store_rc	 rc;

	rc = one_text(s, STMT_ORDER_AGENT, params, 2, id, 65);
	*agent_id = rc == STORE_OK ? id : NULL;
	return rc;
}

enum store_rc
store_begin(struct store *s)
{
	if (txn(s, "START TRANSACTION") == -1)
		return STORE_ERR;
	s->txn = TXN_OPEN;
	return STORE_OK;
}

enum store_rc
store_begin_rr(struct store *s)
{
	/* For the next transaction only; nothing reconnects in between. */
	if (txn(s, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ") == -1)
		return STORE_ERR;
	return store_begin(s);
}

enum store_rc
store_commit(struct store *s)
{
	int	 broken = s->txn == TXN_BROKEN;

	s->txn = TXN_NONE;
	if (broken) {	/* the server rolled it back with the connection */
		disconnect(s);
		return STORE_ERR;
	}
	return txn(s, "COMMIT") == 0 ? STORE_OK : STORE_ERR;
}

void
store_rollback(struct store *s)
{
	int	 open = s->txn == TXN_OPEN;

	s->txn = TXN_NONE;
	if (open)
		(void)txn(s, "ROLLBACK");
}

enum store_rc
store_add_quotes(struct store *s, const struct store_quotes *q, size_t n)
{
	char		 t[16][24], c[16][16];
	const char	*params[80];
	size_t		 i, k, rows;

	for (i = 0; i < n; i += rows) {
		rows = n - i >= 16 ? 16 : 1;
		for (k = 0; k < rows; k++) {
			snprintf(t[k], sizeof(t[k]), "%lld",
			    (long long)q[i + k].minute);
			snprintf(c[k], sizeof(c[k]), "%u", q[i + k].count);
			params[5 * k] = t[k];
			params[5 * k + 1] = q[i + k].entry;
			params[5 * k + 2] = q[i + k].agent;
			params[5 * k + 3] = q[i + k].reason;
			params[5 * k + 4] = c[k];
		}
		if (run(s, rows == 16 ? STMT_STAT_ADD16 : STMT_STAT_ADD, params,
		    (unsigned)(5 * rows), NULL, NULL) != STORE_OK)
			return STORE_ERR;
	}
	return STORE_OK;
}

enum store_rc
store_record_sticky(struct store *s, const char *customer, const char *agent,
    const char *entry, time_t at)
{
	char		 t[24];
	const char	*params[4] = { customer, agent, entry, t };

	snprintf(t, sizeof(t), "%lld", (long long)at);
	return run(s, STMT_STICKY_SET, params, 4, NULL, NULL);
}

/* The commit's statements, in a fixed order; -1 on the first failure. */
static enum store_rc
commit_rows(struct store *s, const struct store_commit *c)
{
	char		 t[24], at[24], ms[24], n[4][16];
	const char	*stat[8] = { t, c->entry, c->agent, c->reason, n[0], n[1],
	    n[2], n[3] };
	const char	*act[2] = { c->move_agent, ms };
	size_t		 i;

	snprintf(t, sizeof(t), "%lld", (long long)(c->at - c->at % 60));
	snprintf(at, sizeof(at), "%lld", (long long)c->at);
	snprintf(ms, sizeof(ms), "%lld", (long long)c->at_ms);
	snprintf(n[0], sizeof(n[0]), "%u", c->taps);
	snprintf(n[1], sizeof(n[1]), "%u", c->handoffs);
	snprintf(n[2], sizeof(n[2]), "%u", c->link_taps);
	snprintf(n[3], sizeof(n[3]), "%u", c->fallbacks);
	if (run(s, STMT_STAT_COMMIT, stat, 8, NULL, NULL) != STORE_OK)
		return STORE_ERR;
	if (c->move_agent != NULL &&
	    run(s, STMT_ACTIVITY_SET, act, 2, NULL, NULL) != STORE_OK)
		return STORE_ERR;
	for (i = 0; i < 2 && c->move_agent != NULL; i++) {
		const char *sticky[4] = { c->sticky[i], c->move_agent,
		    c->entry, at };

		if (c->sticky[i] != NULL &&
		    run(s, STMT_STICKY_SET, sticky, 4, NULL, NULL) != STORE_OK)
			return STORE_ERR;
	}
	return STORE_OK;
}

enum store_rc
store_commit_assignment(struct store *s, const struct store_commit *c)
{
	const char	*claim[2] = { c->key, c->event };

	if (store_begin(s) != STORE_OK)
		return STORE_ERR;
	if (c->key != NULL) {
		if (run(s, STMT_COMMIT_CLAIM, claim, 2, NULL, NULL) != STORE_OK)
			goto fail;
		if (s->affected == 0) {		/* committed before */
			store_rollback(s);
			return STORE_DUP;
		}
	}
	if (commit_rows(s, c) != STORE_OK)
		goto fail;
	return store_commit(s);
fail:
	store_rollback(s);
	return STORE_ERR;
}

enum store_rc
store_commit_purge(struct store *s, int older_than_s)
{
	char		 t[16];
	const char	*params[1] = { t };

	snprintf(t, sizeof(t), "%d", older_than_s);
	return run(s, STMT_COMMIT_PURGE, params, 1, NULL, NULL);
}

struct activity_rows {
	store_activity_fn	 fn;
	void			*arg;
};

static int
row_activity(void *arg, char **col, unsigned n)
{
	struct activity_rows	*ar = arg;
	long long		 at;

	if (n < 2 || col[0] == NULL || col[1] == NULL ||
	    util_parse_llong(col[1], 0, 0x7fffffffffffffffLL, &at) == -1)
		return -1;
	ar->fn(ar->arg, col[0], (int64_t)at);
	return 0;
}

/* A live-state statement's two parameters: the mark and the overlap. */
static enum store_rc
run_since(struct store *s, int id, int64_t mark_ms, int overlap_ms,
    row_fn fn, void *arg)
{
	char		 t[24], o[16];
	const char	*params[2] = { t, o };

	snprintf(t, sizeof(t), "%lld", (long long)(mark_ms > 0 ? mark_ms : 0));
	snprintf(o, sizeof(o), "%d", overlap_ms);
	return run(s, id, params, 2, fn, arg);
}

enum store_rc
store_activity_since(struct store *s, int64_t mark_ms, int overlap_ms,
    store_activity_fn fn, void *arg)
{
	struct activity_rows	 ar = { fn, arg };

	return run_since(s, STMT_ACTIVITY_SINCE, mark_ms, overlap_ms,
	    row_activity, &ar);
}

struct presence_rows {
	store_presence_fn	 fn;
	void			*arg;
};

static int
row_presence(void *arg, char **col, unsigned n)
{
	struct presence_rows	*pr = arg;
	enum agent_status	 st;
	long long		 active, at;

	if (n < 4 || col[0] == NULL || col[1] == NULL || col[2] == NULL ||
	    col[3] == NULL || snap_status_parse(col[1], &st) == -1 ||
	    util_parse_llong(col[2], 0, INT_MAX, &active) == -1 ||
	    util_parse_llong(col[3], 0, 0x7fffffffffffffffLL, &at) == -1)
		return -1;
	pr->fn(pr->arg, col[0], st, (int)active, (int64_t)at);
	return 0;
}

enum store_rc
store_presence_since(struct store *s, int64_t mark_ms, int overlap_ms,
    store_presence_fn fn, void *arg)
{
	struct presence_rows	 pr = { fn, arg };

	return run_since(s, STMT_PRESENCE_SINCE, mark_ms, overlap_ms,
	    row_presence, &pr);
}

enum store_rc
store_set_agent_status(struct store *s, const char *agent,
    enum agent_status st)
{
	const char	*params[2] = { snap_status_name(st), agent };

	if (run(s, STMT_AGENT_STATUS_SET, params, 2, NULL, NULL) != STORE_OK)
		return STORE_ERR;
	/* CLIENT_FOUND_ROWS: matched rows, so an unchanged status is found. */
	return s->affected > 0 ? STORE_OK : STORE_NOTFOUND;
}

static int
row_flag(void *arg, char **col, unsigned n)
{
	*(int *)arg = n >= 1 && col[0] != NULL && strcmp(col[0], "1") == 0;
	return 0;
}

enum store_rc
store_lock(struct store *s, const char *name, int timeout_s)
{
	char		 t[16];
	const char	*params[2] = { name, t };
	int		 got = 0;

	snprintf(t, sizeof(t), "%d", timeout_s);
	if (run(s, STMT_LOCK, params, 2, row_flag, &got) != STORE_OK)
		return STORE_ERR;
	return got ? STORE_OK : STORE_NOTFOUND;
}

void
store_unlock(struct store *s, const char *name)
{
	const char	*params[1] = { name };
	int		 released = 0;

	run(s, STMT_UNLOCK, params, 1, row_flag, &released);
}

/* ---- the other tables' statements (store_sql.h) ---------------------- */

enum store_rc
store_w_run(struct store *s, enum store_w id, const char *const *params,
    unsigned n, store_row_fn fn, void *arg)
{
	return run(s, W_BASE + (int)id, params, n, fn, arg);
}

enum store_rc
store_w_text(struct store *s, enum store_w id, const char *const *params,
    unsigned n, char *out, size_t len)
{
	return one_text(s, W_BASE + (int)id, params, n, out, len);
}

/* ---- admin queries (SQL in store_admin.c) --------------------------- */

struct q_text {
	struct arena	*arena;
	const char	**out;
	int		 found;
};

static int
row_q_text(void *arg, char **col, unsigned n)
{
	struct q_text	*t = arg;

	if (t->found++ == 0 && n > 0)
		*t->out = col[0] != NULL ? arena_strdup(t->arena, col[0]) :
		    NULL;
	return 0;
}

enum store_rc
store_q_text(struct store *s, enum store_q q, const char *const *params,
    unsigned n, struct arena *a, const char **out)
{
	struct q_text	 t = { a, out, 0 };

	*out = NULL;
	if (run(s, STMT__MAX + (int)q, params, n, row_q_text, &t) != STORE_OK)
		return STORE_ERR;
	return t.found ? STORE_OK : STORE_NOTFOUND;
}

enum store_rc
store_q_rows(struct store *s, enum store_q q, const char *const *params,
    unsigned n, store_row_fn fn, void *arg)
{
	return run(s, STMT__MAX + (int)q, params, n, fn, arg);
}

enum store_rc
store_q_exec(struct store *s, enum store_q q, const char *const *params,
    unsigned n)
{
	if (run(s, STMT__MAX + (int)q, params, n, NULL, NULL) == STORE_OK)
		return STORE_OK;
	switch (s->err) {
	case 1062:	/* ER_DUP_ENTRY */
		return STORE_DUP;
	case 1452:	/* ER_NO_REFERENCED_ROW_2 */
		return STORE_REF;
	case 1451:	/* ER_ROW_IS_REFERENCED_2 */
		return STORE_INUSE;
	case 4025:	/* ER_CONSTRAINT_FAILED (MariaDB) */
	case 3819:	/* ER_CHECK_CONSTRAINT_VIOLATED (MySQL) */
		return STORE_CHECK;
	default:
		return STORE_ERR;
	}
}

unsigned long long
store_affected(const struct store *s)
{
	return s->affected;
}

unsigned long long
store_insert_id(const struct store *s)
{
	return s->insert_id;
}

const char *
store_error(const struct store *s)
{
	return s->errmsg;
}

int
store_lock_clash(const struct store *s)
{
	return s->err == 1213 ||	/* ER_LOCK_DEADLOCK */
	    s->err == 1205;		/* ER_LOCK_WAIT_TIMEOUT */
}
