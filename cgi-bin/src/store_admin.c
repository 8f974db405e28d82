/*
 * The admin program's SQL, by query name (enum store_q in store.h). Reads
 * build their JSON in the database; writes take their parameters in the
 * order the comment above each one gives, which is the order of the field
 * tables in admin_crud.c.
 */
#include "store.h"
#include "store_sql.h"

#define ISO(col)	"DATE_FORMAT(" col ", '%Y-%m-%dT%H:%i:%sZ')"

/* The lifecycle settings (lifeset.h): NULL is the config's default. */
#define ENTRY_LIFE_JSON \
	"'widen_after_s', e.widen_after_s, " \
	"'reroute_after_s', e.reroute_after_s, 'take_back', e.take_back <> 0, " \
	"'busy_after_misses', e.busy_after_misses, 'queue_max', e.queue_max, " \
	"'queue_notice_step', e.queue_notice_step, " \
	"'leave_message', e.leave_message <> 0"
#define ENTRY_LIFE_COLS \
	"widen_after_s, reroute_after_s, take_back, busy_after_misses, " \
	"queue_max, queue_notice_step, leave_message"
#define ENTRY_LIFE_SET \
	"widen_after_s = ?, reroute_after_s = ?, take_back = ?, " \
	"busy_after_misses = ?, queue_max = ?, queue_notice_step = ?, " \
	"leave_message = ?, "

#define ENTRY_JSON \
	"JSON_OBJECT('id', e.id, 'label', e.label, 'scene', e.scene, " \
	"'sort_order', e.sort_order, 'enabled', e.enabled <> 0, " \
	"'target_type', e.target_type, 'target', e.target, " \
	"'policy', e.policy, 'fallback_group_id', e.fallback_group_id, " \
	"'fallback_strategy', e.fallback_strategy, " \
	"'schedule_id', e.schedule_id, " \
	"'designated_over_capacity', e.designated_over_capacity <> 0, " \
	"'wecom_scene', e.wecom_scene, 'decision_order', e.decision_order, " \
	ENTRY_LIFE_JSON ", " \
	"'agents', COALESCE((SELECT JSON_ARRAYAGG(x.agent_id " \
	"ORDER BY x.position) FROM kf_entry_agent x " \
	"WHERE x.entry_id = e.id), JSON_ARRAY()), " \
	"'version', e.version, 'updated_at', " ISO("e.updated_at") ")"

#define AGENT_JSON \
	"JSON_OBJECT('id', a.id, 'display_name', a.display_name, " \
	"'wecom_userid', a.wecom_userid, 'capacity', a.capacity, " \
	"'enabled', a.enabled <> 0, 'schedule_id', a.schedule_id, " \
	"'status', a.status, 'status_source', a.status_source, " \
	"'status_at', " ISO("a.status_at") ", " \
	"'active_sessions', a.active_sessions, 'version', a.version, " \
	"'updated_at', " ISO("a.updated_at") ")"

#define GROUP_JSON \
	"JSON_OBJECT('id', g.id, 'name', g.name, " \
	"'members', COALESCE((SELECT JSON_ARRAYAGG(m.agent_id " \
	"ORDER BY m.position) FROM kf_group_member m " \
	"WHERE m.group_id = g.id), JSON_ARRAY()), " \
	"'version', g.version, 'updated_at', " ISO("g.updated_at") ")"

#define RULE_JSON \
	"JSON_OBJECT('id', CAST(r.id AS CHAR), 'entry_id', r.entry_id, " \
	"'priority', r.priority, 'kind', r.kind, 'level', r.level, " \
	"'tag', r.tag, 'window_start', r.window_start, " \
	"'window_end', r.window_end, 'target_type', r.target_type, " \
	"'target_id', r.target_id, 'strategy', r.strategy, " \
	"'enabled', r.enabled <> 0, 'version', r.version)"

#define CUSTOMER_JSON \
	"JSON_OBJECT('customer_key', c.customer_key, 'level', c.level, " \
	"'tags', c.tags, 'account_manager_id', c.account_manager_id, " \
	"'version', c.version, 'updated_at', " ISO("c.updated_at") ")"

#define ORDER_JSON \
	"JSON_OBJECT('order_id', o.order_id, 'customer_key', o.customer_key, " \
	"'agent_id', o.agent_id, 'version', o.version)"

/* An operator as the page and the audit log see it: never the hash. The
 * last login comes from the audit log (kept as long as [retention] says). */
#define OPERATOR_JSON \
	"JSON_OBJECT('username', u.username, 'role', u.role, " \
	"'disabled', u.disabled <> 0, 'created_at', " ISO("u.created_at") ", " \
	"'last_login', (SELECT " ISO("MAX(l.at)") " FROM kf_audit l " \
	"WHERE l.kind = 'session' AND l.action = 'login' " \
	"AND l.object_id = u.username))"

/* minutes as "HH:MM" */
#define HHMM(col) \
	"CONCAT(LPAD(" col " DIV 60, 2, '0'), ':', LPAD(" col " MOD 60, 2, '0'))"

#define SCHEDULE_JSON \
	"JSON_OBJECT('id', s.id, 'name', s.name, 'tz', s.tz, " \
	"'slots', COALESCE((SELECT JSON_ARRAYAGG(JSON_OBJECT(" \
	"'weekday', x.weekday, 'start', " HHMM("x.start_min") ", " \
	"'end', " HHMM("x.end_min") ") ORDER BY x.weekday, x.start_min) " \
	"FROM kf_schedule_slot x WHERE x.schedule_id = s.id), JSON_ARRAY()), " \
	"'closures', COALESCE((SELECT JSON_ARRAYAGG(JSON_OBJECT(" \
	"'day', DATE_FORMAT(y.day, '%Y-%m-%d'), 'note', y.note) " \
	"ORDER BY y.day) FROM kf_schedule_closure y " \
	"WHERE y.schedule_id = s.id), JSON_ARRAY()), " \
	"'workdays', COALESCE((SELECT JSON_ARRAYAGG(JSON_OBJECT(" \
	"'day', DATE_FORMAT(z.day, '%Y-%m-%d'), " \
	"'start', " HHMM("z.start_min") ", 'end', " HHMM("z.end_min") ", " \
	"'note', z.note) ORDER BY z.day) FROM kf_schedule_workday z " \
	"WHERE z.schedule_id = s.id), JSON_ARRAY()), " \
	"'version', s.version)"

/* A page of a big table: keys after ?, starting with ? (both ""
 * for the first page, no filter), 200 at a time. */
#define PAGE(key) \
	" WHERE " key " > ? AND LEFT(" key ", CHAR_LENGTH(?)) = ? " \
	"ORDER BY " key " LIMIT 200"
/* ? (given three times) as an id's start or a part of a name (LOCATE:
 * no LIKE wildcards to escape); "" matches all. The ascii id is read as
 * utf8mb4: a search in Chinese is no id, and no collation error. */
#define MATCH(key, name) \
	"(LEFT(CONVERT(" key " USING utf8mb4), CHAR_LENGTH(?)) = ? " \
	"OR LOCATE(?, " name ") > 0)"
/* The same for rows with a name, matched by MATCH; and only the ids in
 * the comma list ? ("": any) after the page's other filters. */
#define PAGE_NAMED(key, name, more) \
	" WHERE " key " > ? AND " MATCH(key, name) more \
	" AND (? = '' OR FIND_IN_SET(" key ", ?) > 0) ORDER BY " key " LIMIT 200"
/* The agents' filters: in the group ? ("": any), with the status ?. */
#define AGENT_FILTERS \
	" AND (? = '' OR EXISTS (SELECT 1 FROM kf_group_member m " \
	"WHERE m.group_id = ? AND m.agent_id = kf_agent.id))" \
	" AND (? = '' OR status = ?)"

/* The name an audited row goes by, from its JSON (NULL: none). */
#define AUDIT_NAME(col) \
	"COALESCE(JSON_VALUE(" col ", '$.label'), " \
	"JSON_VALUE(" col ", '$.display_name'), JSON_VALUE(" col ", '$.name'))"

#define LIST(json, from, order) \
	"SELECT COALESCE(JSON_ARRAYAGG(" json " ORDER BY " order "), " \
	"JSON_ARRAY()) FROM " from
/* A page (PAGE, PAGE_NAMED) as two columns: its rows, and the key to ask
 * the next page after (NULL when this one is the last: not full). */
#define PAGED(json, from, key) \
	"SELECT COALESCE(JSON_ARRAYAGG(" json " ORDER BY " key "), " \
	"JSON_ARRAY()), IF(COUNT(*) = 200, MAX(" key "), NULL) FROM " from

/*
 * Counts since FROM_UNIXTIME(?) (given twice), as rows s(minute, entry_id,
 * agent_id, reason, quotes, taps, handoffs, link_taps, fallbacks): the
 * minutes, and the hours kfctl retention rolled them up into (whole hours:
 * a caller starting mid-hour sees an hour's row only from the next hour).
 */
#define STAT_COLS \
	"entry_id, agent_id, reason, quotes, taps, handoffs, link_taps, " \
	"fallbacks"
#define STATS_SINCE \
	"FROM (SELECT minute, " STAT_COLS " FROM kf_stat_minute " \
	"WHERE minute >= FROM_UNIXTIME(?) UNION ALL " \
	"SELECT hour, " STAT_COLS " FROM kf_stat_hour " \
	"WHERE hour >= FROM_UNIXTIME(?)) s"
/* The minutes of one hour: start, end (unix seconds). */
#define STAT_HOUR \
	"FROM kf_stat_minute WHERE minute >= FROM_UNIXTIME(?) " \
	"AND minute < FROM_UNIXTIME(?)"

/*
 * The chat's life after the handoff (017, kf_wecom_leg), legs assigned
 * since FROM_UNIXTIME(?): per leg its first response, handling time and
 * queue wait in seconds (NULL where the definition leaves the leg out; see
 * admin_stats_lifecycle), each leg three times, under the total ('t', ''),
 * its entry ('e') and its person ('a'); then per (k, id) the counts and
 * the interpolated p50/p90 (PERCENTILE_CONT skips NULLs), rounded to 0.1.
 */
#define LIFE_PCT(col, p, name) \
	"PERCENTILE_CONT(" p ") WITHIN GROUP (ORDER BY " col ") " \
	"OVER (PARTITION BY k, id) " name
#define LIFE_GROUPS \
	"WITH l AS (SELECT entry_id, agent_id, via, end_reason, " \
	"TIMESTAMPDIFF(MICROSECOND, assigned_at, first_reply_at) / 1e6 fr, " \
	"IF(end_reason = 'ended' AND first_reply_at IS NOT NULL, " \
	"TIMESTAMPDIFF(MICROSECOND, assigned_at, ended_at) / 1e6, NULL) ht, " \
	"IF(via IN ('pool', 'hold', 'widen'), " \
	"TIMESTAMPDIFF(MICROSECOND, queued_at, assigned_at) / 1e6, NULL) qw " \
	"FROM kf_wecom_leg WHERE assigned_at >= FROM_UNIXTIME(?)), " \
	"d AS (SELECT 't' k, '' id, l.* FROM l UNION ALL " \
	"SELECT 'e', entry_id, l.* FROM l UNION ALL " \
	"SELECT 'a', agent_id, l.* FROM l), " \
	"w AS (SELECT d.*, " LIFE_PCT("fr", "0.5", "fr50") ", " \
	LIFE_PCT("fr", "0.9", "fr90") ", " LIFE_PCT("ht", "0.5", "ht50") ", " \
	LIFE_PCT("ht", "0.9", "ht90") ", " LIFE_PCT("qw", "0.5", "qw50") ", " \
	LIFE_PCT("qw", "0.9", "qw90") " FROM d), " \
	"g AS (SELECT k, id, COUNT(*) chats, COUNT(fr) answered, " \
	"COUNT(ht) handled, COUNT(qw) queued, " \
	"SUM(end_reason <=> 'missed') missed, " \
	"SUM(end_reason <=> 'taken_back') taken_back, " \
	"SUM(via IN ('reroute', 'take_back')) rerouted, " \
	"SUM(via = 'widen') widened, ROUND(MAX(fr50), 1) fr50, " \
	"ROUND(MAX(fr90), 1) fr90, ROUND(MAX(ht50), 1) ht50, " \
	"ROUND(MAX(ht90), 1) ht90, ROUND(MAX(qw50), 1) qw50, " \
	"ROUND(MAX(qw90), 1) qw90 FROM w GROUP BY k, id) "
/* One row of g as JSON members (counts 0, seconds null without legs). */
#define LIFE_JSON \
	"'chats', COALESCE(x.chats, 0), 'answered', COALESCE(x.answered, 0), " \
	"'first_response_p50', x.fr50, 'first_response_p90', x.fr90, " \
	"'handled', COALESCE(x.handled, 0), " \
	"'handling_p50', x.ht50, 'handling_p90', x.ht90, " \
	"'missed', COALESCE(x.missed, 0), " \
	"'taken_back', COALESCE(x.taken_back, 0), " \
	"'rerouted', COALESCE(x.rerouted, 0), " \
	"'widened', COALESCE(x.widened, 0), 'queued', COALESCE(x.queued, 0), " \
	"'queue_wait_p50', x.qw50, 'queue_wait_p90', x.qw90"
/* At most 50 of them, those with the most chats: a table to read and
 * a chart of 50 bars, not of every person. */
#define LIFE_LIST(k, name) \
	"(SELECT COALESCE(JSON_ARRAYAGG(JSON_OBJECT('id', x.id, " name ", " \
	LIFE_JSON ") ORDER BY x.chats DESC, x.id), JSON_ARRAY()) FROM " \
	"(SELECT * FROM g WHERE k = '" k "' ORDER BY chats DESC, id " \
	"LIMIT 50) x)"

/* A sync request; age_s by the database's clock, not the browser's. */
#define WSYNC_JSON \
	"JSON_OBJECT('id', s.id, 'state', s.state, " \
	"'requested_by', s.requested_by, " \
	"'requested_at', " ISO("s.requested_at") ", " \
	"'started_at', " ISO("s.started_at") ", " \
	"'finished_at', " ISO("s.finished_at") ", 'worker', s.worker, " \
	"'accounts', s.accounts, 'links_created', s.links_created, " \
	"'problems', s.problems, 'error', s.error, 'errcode', s.errcode, " \
	"'age_s', TIMESTAMPDIFF(SECOND, s.requested_at, NOW(3)))"

const char *const store_q_sql[Q__MAX] = {
	/* after, q three times, ids twice */
	[Q_ENTRY_LIST] = PAGED(ENTRY_JSON, "(SELECT * FROM kf_entry"
	    PAGE_NAMED("id", "label", "") ") e", "e.id"),
	[Q_ENTRY_GET] = "SELECT " ENTRY_JSON " FROM kf_entry e WHERE e.id = ?",
	/* id, label, scene, sort_order, enabled, target_type, target,
	 * policy, fallback_group_id, fallback_strategy, schedule_id,
	 * designated_over_capacity, wecom_scene, the lifecycle settings */
	[Q_ENTRY_INSERT] = "INSERT INTO kf_entry (id, label, scene, "
	    "sort_order, enabled, target_type, target, policy, "
	    "fallback_group_id, fallback_strategy, schedule_id, "
	    "designated_over_capacity, wecom_scene, " ENTRY_LIFE_COLS ") "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "?, ?, ?, ?, ?, ?, ?)",
	/* the same minus id, then id, version */
	[Q_ENTRY_UPDATE] = "UPDATE kf_entry SET label = ?, scene = ?, "
	    "sort_order = ?, enabled = ?, target_type = ?, target = ?, "
	    "policy = ?, fallback_group_id = ?, fallback_strategy = ?, "
	    "schedule_id = ?, designated_over_capacity = ?, wecom_scene = ?, "
	    ENTRY_LIFE_SET
	    "version = version + 1 WHERE id = ? AND version = ?",
	[Q_ENTRY_DELETE] = "DELETE FROM kf_entry WHERE id = ? AND version = ?",
	[Q_ENTRY_AGENTS_CLEAR] = "DELETE FROM kf_entry_agent "
	    "WHERE entry_id = ?",
	[Q_ENTRY_AGENT_ADD] = "INSERT INTO kf_entry_agent "
	    "(entry_id, agent_id, position) VALUES (?, ?, ?)",

	/* after, q three times, group twice, status twice, ids twice */
	[Q_AGENT_LIST] = PAGED(AGENT_JSON, "(SELECT * FROM kf_agent"
	    PAGE_NAMED("id", "display_name", AGENT_FILTERS) ") a", "a.id"),
	/* q three times, group twice: how many of those agents are in each
	 * status (whatever ?status= asked: the board shows every count) */
	[Q_AGENT_COUNTS] = "SELECT JSON_OBJECT('all', COUNT(*), "
	    "'online', COALESCE(SUM(status = 'online'), 0), "
	    "'busy', COALESCE(SUM(status = 'busy'), 0), "
	    "'offline', COALESCE(SUM(status = 'offline'), 0)) FROM kf_agent "
	    "WHERE " MATCH("id", "display_name") " AND (? = '' OR EXISTS (SELECT 1 FROM kf_group_member m "
	    "WHERE m.group_id = ? AND m.agent_id = kf_agent.id))",
	[Q_AGENT_GET] = "SELECT " AGENT_JSON " FROM kf_agent a WHERE a.id = ?",
	/* id, display_name, wecom_userid, capacity, enabled, schedule_id */
	[Q_AGENT_INSERT] = "INSERT INTO kf_agent (id, display_name, "
	    "wecom_userid, capacity, enabled, schedule_id) "
	    "VALUES (?, ?, ?, ?, ?, ?)",
	[Q_AGENT_UPDATE] = "UPDATE kf_agent SET display_name = ?, "
	    "wecom_userid = ?, capacity = ?, enabled = ?, schedule_id = ?, "
	    "version = version + 1 WHERE id = ? AND version = ?",
	[Q_AGENT_DELETE] = "DELETE FROM kf_agent WHERE id = ? AND version = ?",
	/* What still points at an agent (id four times); NULL: nothing. */
	[Q_AGENT_INUSE] = "SELECT JSON_OBJECT("
	    "'entries', (SELECT JSON_ARRAYAGG(entry_id) FROM kf_entry_agent "
	    "WHERE agent_id = ?), "
	    "'rules', (SELECT JSON_ARRAYAGG(CONCAT(entry_id, '#', id)) "
	    "FROM kf_rule WHERE target_type = 'agent' AND target_id = ?), "
	    "'groups', (SELECT JSON_ARRAYAGG(group_id) FROM kf_group_member "
	    "WHERE agent_id = ?), "
	    "'customers', (SELECT JSON_ARRAYAGG(customer_key) FROM "
	    "(SELECT customer_key FROM kf_customer WHERE account_manager_id = ? "
	    "ORDER BY customer_key LIMIT 20) c))",
	/* status, id: an operator's override (not a config edit: no
	 * version move) */
	[Q_AGENT_PRESENCE] = "UPDATE kf_agent SET status = ?, "
	    "status_source = 'manual', status_at = CURRENT_TIMESTAMP "
	    "WHERE id = ?",

	[Q_GROUP_LIST] = LIST(GROUP_JSON, "kf_group g", "g.id"),
	[Q_GROUP_GET] = "SELECT " GROUP_JSON " FROM kf_group g WHERE g.id = ?",
	/* id, name */
	[Q_GROUP_INSERT] = "INSERT INTO kf_group (id, name) VALUES (?, ?)",
	[Q_GROUP_UPDATE] = "UPDATE kf_group SET name = ?, "
	    "version = version + 1 WHERE id = ? AND version = ?",
	[Q_GROUP_DELETE] = "DELETE FROM kf_group WHERE id = ? AND version = ?",
	/* id twice */
	[Q_GROUP_INUSE] = "SELECT JSON_OBJECT("
	    "'entries', (SELECT JSON_ARRAYAGG(id) FROM kf_entry "
	    "WHERE fallback_group_id = ?), "
	    "'rules', (SELECT JSON_ARRAYAGG(CONCAT(entry_id, '#', id)) "
	    "FROM kf_rule WHERE target_type = 'group' AND target_id = ?))",
	[Q_GROUP_MEMBERS_CLEAR] = "DELETE FROM kf_group_member "
	    "WHERE group_id = ?",
	[Q_GROUP_MEMBER_ADD] = "INSERT INTO kf_group_member "
	    "(group_id, agent_id, position) VALUES (?, ?, ?)",

	[Q_RULE_LIST] = LIST(RULE_JSON, "kf_rule r",
	    "r.entry_id, r.priority, r.id"),
	[Q_RULE_GET] = "SELECT " RULE_JSON " FROM kf_rule r WHERE r.id = ?",
	/* entry_id, priority, kind, level, tag, window_start, window_end,
	 * target_type, target_id, strategy, enabled (the id is made here) */
	[Q_RULE_INSERT] = "INSERT INTO kf_rule (entry_id, priority, kind, "
	    "level, tag, window_start, window_end, target_type, target_id, "
	    "strategy, enabled) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[Q_RULE_UPDATE] = "UPDATE kf_rule SET entry_id = ?, priority = ?, "
	    "kind = ?, level = ?, tag = ?, window_start = ?, window_end = ?, "
	    "target_type = ?, target_id = ?, strategy = ?, enabled = ?, "
	    "version = version + 1 WHERE id = ? AND version = ?",
	[Q_RULE_DELETE] = "DELETE FROM kf_rule WHERE id = ? AND version = ?",
	/* agent id, group id: "agents,groups" with that id */
	[Q_TARGET_EXISTS] = "SELECT CONCAT((SELECT COUNT(*) FROM kf_agent "
	    "WHERE id = ?), ',', (SELECT COUNT(*) FROM kf_group WHERE id = ?))",

	/* after, prefix, prefix */
	[Q_CUSTOMER_LIST] = PAGED(CUSTOMER_JSON, "(SELECT * FROM kf_customer"
	    PAGE("customer_key") ") c", "c.customer_key"),
	[Q_CUSTOMER_GET] = "SELECT " CUSTOMER_JSON " FROM kf_customer c "
	    "WHERE c.customer_key = ?",
	/* customer_key, level, tags, account_manager_id */
	[Q_CUSTOMER_INSERT] = "INSERT INTO kf_customer (customer_key, level, "
	    "tags, account_manager_id) VALUES (?, ?, ?, ?)",
	[Q_CUSTOMER_UPDATE] = "UPDATE kf_customer SET level = ?, tags = ?, "
	    "account_manager_id = ?, version = version + 1 "
	    "WHERE customer_key = ? AND version = ?",
	[Q_CUSTOMER_DELETE] = "DELETE FROM kf_customer "
	    "WHERE customer_key = ? AND version = ?",
	/* CSV import: the insert's parameters; an existing row is replaced,
	 * its version moving only when something changes (so an import can
	 * tell, and audit, just the rows it changed). The version goes first:
	 * assignments run left to right. */
	[Q_CUSTOMER_UPSERT] = "INSERT INTO kf_customer (customer_key, level, "
	    "tags, account_manager_id) VALUES (?, ?, ?, ?) "
	    "ON DUPLICATE KEY UPDATE version = IF("
	    "level <=> VALUES(level) AND tags <=> VALUES(tags) AND "
	    "account_manager_id <=> VALUES(account_manager_id), "
	    "version, version + 1), "
	    "level = VALUES(level), tags = VALUES(tags), "
	    "account_manager_id = VALUES(account_manager_id)",
	[Q_CUSTOMER_EXPORT] = "SELECT customer_key, level, tags, "
	    "account_manager_id FROM kf_customer ORDER BY customer_key",

	[Q_ORDER_LIST] = PAGED(ORDER_JSON, "(SELECT * FROM kf_order"
	    PAGE("order_id") ") o", "o.order_id"),
	[Q_ORDER_GET] = "SELECT " ORDER_JSON " FROM kf_order o "
	    "WHERE o.order_id = ?",
	/* order_id, customer_key, agent_id */
	[Q_ORDER_INSERT] = "INSERT INTO kf_order (order_id, customer_key, "
	    "agent_id) VALUES (?, ?, ?)",
	[Q_ORDER_UPDATE] = "UPDATE kf_order SET customer_key = ?, "
	    "agent_id = ?, version = version + 1 "
	    "WHERE order_id = ? AND version = ?",
	[Q_ORDER_DELETE] = "DELETE FROM kf_order "
	    "WHERE order_id = ? AND version = ?",
	[Q_ORDER_UPSERT] = "INSERT INTO kf_order (order_id, customer_key, "
	    "agent_id) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE "
	    "version = IF(customer_key <=> VALUES(customer_key) "
	    "AND agent_id <=> VALUES(agent_id), version, version + 1), "
	    "customer_key = VALUES(customer_key), agent_id = VALUES(agent_id)",
	[Q_ORDER_EXPORT] = "SELECT order_id, customer_key, agent_id "
	    "FROM kf_order ORDER BY order_id",

	[Q_SCHEDULE_LIST] = LIST(SCHEDULE_JSON, "kf_schedule s", "s.id"),
	[Q_SCHEDULE_GET] = "SELECT " SCHEDULE_JSON " FROM kf_schedule s "
	    "WHERE s.id = ?",
	/* id, name, tz */
	[Q_SCHEDULE_INSERT] = "INSERT INTO kf_schedule (id, name, tz) "
	    "VALUES (?, ?, ?)",
	[Q_SCHEDULE_UPDATE] = "UPDATE kf_schedule SET name = ?, tz = ?, "
	    "version = version + 1 WHERE id = ? AND version = ?",
	[Q_SCHEDULE_DELETE] = "DELETE FROM kf_schedule "
	    "WHERE id = ? AND version = ?",
	/* id twice; deleting would silently make them open all day */
	[Q_SCHEDULE_INUSE] = "SELECT JSON_OBJECT("
	    "'entries', (SELECT JSON_ARRAYAGG(id) FROM kf_entry "
	    "WHERE schedule_id = ?), "
	    "'agents', (SELECT JSON_ARRAYAGG(id) FROM kf_agent "
	    "WHERE schedule_id = ?))",
	[Q_SLOTS_CLEAR] = "DELETE FROM kf_schedule_slot WHERE schedule_id = ?",
	/* schedule_id, weekday, start_min, end_min */
	[Q_SLOT_ADD] = "INSERT INTO kf_schedule_slot "
	    "(schedule_id, weekday, start_min, end_min) VALUES (?, ?, ?, ?)",
	[Q_CLOSURES_CLEAR] = "DELETE FROM kf_schedule_closure "
	    "WHERE schedule_id = ?",
	/* schedule_id, day, note */
	[Q_CLOSURE_ADD] = "INSERT INTO kf_schedule_closure "
	    "(schedule_id, day, note) VALUES (?, ?, ?)",

	/* kf accounts with their contact links and the entries using them */
	[Q_WECOM_LIST] = LIST("JSON_OBJECT('open_kfid', w.open_kfid, "
	    "'name', w.name, 'synced_at', " ISO("w.synced_at") ", "
	    "'links', COALESCE((SELECT JSON_ARRAYAGG(JSON_OBJECT("
	    "'scene', l.scene, 'url', l.url, 'entry_id', COALESCE("
	    /* by keys: the scene is the entry's id, or its wecom_scene */
	    "(SELECT e.id FROM kf_entry e WHERE e.id = l.scene AND "
	    "e.wecom_scene IS NULL AND e.target_type = 'wecom_kf' AND "
	    OPEN_KFID_OF("e") " = l.open_kfid), "
	    "(SELECT e.id FROM kf_entry e WHERE e.wecom_scene = l.scene AND "
	    "e.target_type = 'wecom_kf' AND " OPEN_KFID_OF("e") " = "
	    "l.open_kfid LIMIT 1))) ORDER BY l.scene) FROM kf_wecom_link l "
	    "WHERE l.open_kfid = w.open_kfid), JSON_ARRAY()))",
	    "kf_wecom_account w", "w.open_kfid"),

	[Q_ADMIN_USER_GET] = "SELECT role, pw_hash, disabled FROM kf_admin_user "
	    "WHERE username = ?",
	/* username, role, pw_hash */
	[Q_ADMIN_USER_PUT] = "INSERT INTO kf_admin_user "
	    "(username, role, pw_hash) VALUES (?, ?, ?)",
	/* pw_hash, role (NULL: keep), username */
	[Q_ADMIN_USER_PASSWD] = "UPDATE kf_admin_user SET pw_hash = ?, "
	    "role = COALESCE(?, role) WHERE username = ?",
	/* new hash, username, old hash (unless changed meanwhile) */
	[Q_ADMIN_USER_REHASH] = "UPDATE kf_admin_user SET pw_hash = ? "
	    "WHERE username = ? AND pw_hash = ?",

	/* id_hash, created_at, seen_at, username, the pw_hash just checked:
	 * nothing when the password changed or the account was disabled */
	[Q_SESSION_INSERT] = "INSERT INTO kf_admin_session "
	    "(id_hash, username, created_at, seen_at) "
	    "SELECT ?, username, ?, ? FROM kf_admin_user "
	    "WHERE username = ? AND pw_hash = ? AND disabled = 0",
	[Q_SESSION_GET] = "SELECT s.username, u.role, s.created_at, s.seen_at "
	    "FROM kf_admin_session s JOIN kf_admin_user u "
	    "ON u.username = s.username WHERE s.id_hash = ? "
	    "AND u.disabled = 0",
	[Q_SESSION_TOUCH] = "UPDATE kf_admin_session SET seen_at = ? "
	    "WHERE id_hash = ?",
	[Q_SESSION_DELETE] = "DELETE FROM kf_admin_session WHERE id_hash = ?",
	[Q_SESSION_DELETE_USER] = "DELETE FROM kf_admin_session "
	    "WHERE username = ?",
	/* idle cut-off, absolute cut-off */
	[Q_SESSION_PURGE] = "DELETE FROM kf_admin_session "
	    "WHERE seen_at < ? OR created_at < ?",

	/* username: the row to lock, made when absent */
	[Q_THROTTLE_ROW] = "INSERT INTO kf_admin_throttle (username) "
	    "VALUES (?) ON DUPLICATE KEY UPDATE username = username",
	[Q_THROTTLE_LOCK] = "SELECT failures, locked_until, failed_at "
	    "FROM kf_admin_throttle WHERE username = ? FOR UPDATE",
	/* username, failures, locked_until, failed_at */
	[Q_THROTTLE_FAIL] = "INSERT INTO kf_admin_throttle "
	    "(username, failures, locked_until, failed_at) VALUES (?, ?, ?, ?) "
	    "ON DUPLICATE KEY UPDATE failures = VALUES(failures), "
	    "locked_until = VALUES(locked_until), "
	    "failed_at = VALUES(failed_at)",
	[Q_THROTTLE_CLEAR] = "DELETE FROM kf_admin_throttle "
	    "WHERE username = ?",
	/* idle since (seconds since the epoch); rows not locked any more */
	[Q_THROTTLE_PURGE] = "DELETE FROM kf_admin_throttle "
	    "WHERE failed_at < ? AND locked_until < UNIX_TIMESTAMP() LIMIT 100",

	/* username, action, kind, object_id, before_json, after_json */
	[Q_AUDIT_ADD] = "INSERT INTO kf_audit (username, action, kind, "
	    "object_id, before_json, after_json) VALUES (?, ?, ?, ?, ?, ?)",
	/*
	 * before id (exclusive), then user, kind, object_id, from and to
	 * (unix seconds, to exclusive), each twice (NULL: any); newest
	 * first. object_name: the row's own name (label, display_name or
	 * name), after the change or else before it.
	 */
	[Q_AUDIT_LIST] = LIST("JSON_OBJECT('id', a.id, 'at', "
	    "DATE_FORMAT(a.at, '%Y-%m-%dT%H:%i:%s.%fZ'), "
	    "'username', a.username, 'via', a.via, 'action', a.action, "
	    "'kind', a.kind, 'object_id', a.object_id, "
	    "'object_name', COALESCE(" AUDIT_NAME("a.after_json") ", "
	    AUDIT_NAME("a.before_json") "), "
	    "'before', JSON_EXTRACT(a.before_json, '$'), "
	    "'after', JSON_EXTRACT(a.after_json, '$'))",
	    "(SELECT * FROM kf_audit WHERE id < ? "
	    "AND (? IS NULL OR username = ?) AND (? IS NULL OR kind = ?) "
	    "AND (? IS NULL OR object_id = ?) "
	    "AND (? IS NULL OR at >= FROM_UNIXTIME(?)) "
	    "AND (? IS NULL OR at < FROM_UNIXTIME(?)) "
	    "ORDER BY id DESC LIMIT 100) a", "a.id DESC"),

	/*
	 * Traffic counts what happened (see 009_assign.sql): total, fallbacks
	 * and none are handoffs (a person or the pool really got the chat);
	 * quotes (views), taps and link taps are their own series.
	 */
	/* bucket format (DATE_FORMAT), since, since */
	[Q_STATS_SERIES] = LIST("JSON_OBJECT('t', x.t, 'total', x.total, "
	    "'fallbacks', x.fb, 'none', x.nn, 'quotes', x.q, 'taps', x.tp, "
	    "'link_taps', x.lt)",
	    "(SELECT DATE_FORMAT(minute, ?) t, SUM(handoffs) total, "
	    "SUM(fallbacks) fb, SUM(IF(agent_id = '', handoffs, 0)) nn, "
	    "SUM(quotes) q, SUM(taps) tp, SUM(link_taps) lt "
	    STATS_SINCE " GROUP BY t) x", "x.t"),
	/* since, since: the 50 entries with the most (the totals are the
	 * series') */
	[Q_STATS_BY_ENTRY] = LIST("JSON_OBJECT('entry_id', x.entry_id, "
	    "'label', (SELECT label FROM kf_entry WHERE id = x.entry_id), "
	    "'total', x.total, 'fallbacks', x.fb, 'none', x.nn, "
	    "'quotes', x.q, 'taps', x.tp, 'link_taps', x.lt)",
	    "(SELECT entry_id, SUM(handoffs) total, SUM(fallbacks) fb, "
	    "SUM(IF(agent_id = '', handoffs, 0)) nn, SUM(quotes) q, "
	    "SUM(taps) tp, SUM(link_taps) lt " STATS_SINCE
	    " GROUP BY entry_id ORDER BY total DESC, link_taps DESC, "
	    "entry_id LIMIT 50) x", "x.total DESC, x.entry_id"),
	/* since, since, then q three times (an id's start or part of the
	 * name; "": all): the 50 agents who took the most, with what they
	 * carry now (10,000 rows would be no table to read) */
	[Q_STATS_BY_AGENT] = LIST("JSON_OBJECT('agent_id', y.id, "
	    "'name', y.display_name, 'total', y.total, "
	    "'status', y.status, 'active_sessions', y.active_sessions, "
	    "'capacity', y.capacity)",
	    "(SELECT a.id, a.display_name, COALESCE(x.total, 0) total, "
	    "a.status, a.active_sessions, a.capacity "
	    "FROM kf_agent a LEFT JOIN (SELECT agent_id, SUM(handoffs) total "
	    STATS_SINCE " WHERE agent_id <> '' GROUP BY agent_id) x "
	    "ON x.agent_id = a.id WHERE " MATCH("a.id", "a.display_name")
	    " "
	    "ORDER BY total DESC, a.id LIMIT 50) y", "y.total DESC, y.id"),
	/* since, since: handoffs by the reason's kind (designated, rule...) */
	[Q_STATS_BY_REASON] = LIST("JSON_OBJECT('reason', x.r, "
	    "'total', x.total)",
	    "(SELECT SUBSTRING_INDEX(reason, ':', 1) r, SUM(handoffs) total "
	    STATS_SINCE " WHERE handoffs > 0 GROUP BY r) x",
	    "x.total DESC, x.r"),
	/* since: the total, the entries and the people with legs, as three
	 * JSON columns of one statement (one snapshot: they add up) */
	[Q_STATS_LIFECYCLE] = LIFE_GROUPS "SELECT (SELECT JSON_OBJECT("
	    LIFE_JSON ") FROM (SELECT 't' k) z LEFT JOIN g x ON x.k = z.k), "
	    LIFE_LIST("e", "'label', (SELECT label FROM kf_entry "
	    "WHERE id = x.id)") ", "
	    LIFE_LIST("a", "'name', (SELECT display_name FROM kf_agent "
	    "WHERE id = x.id)"),

	/*
	 * kfctl retention (retention.c). Purges take a cut-off (unix seconds)
	 * and the batch size last; each deletes at most a batch, so none holds
	 * its locks for long. WeCom messages go only once finished.
	 */
	[Q_RET_WECOM_MSG] = "DELETE FROM kf_wecom_msg "
	    "WHERE received_at < FROM_UNIXTIME(?) "
	    "AND state IN ('done', 'failed') LIMIT ?",
	/* Not one waiting in the pool, nor one with a message to work. */
	[Q_RET_WECOM_SESSION] = "DELETE FROM kf_wecom_session "
	    "WHERE entered_at < FROM_UNIXTIME(?) AND pooled_at IS NULL "
	    "AND NOT EXISTS (SELECT 1 FROM kf_wecom_msg m "
	    "WHERE m.open_kfid = kf_wecom_session.open_kfid "
	    "AND m.external_userid = kf_wecom_session.external_userid "
	    "AND m.state IN ('new', 'retry', 'working')) LIMIT ?",
	[Q_RET_AUDIT] = "DELETE FROM kf_audit WHERE at < FROM_UNIXTIME(?) "
	    "LIMIT ?",
	/* cut-off twice: no failure and no lock since (both unix seconds) */
	[Q_RET_THROTTLE] = "DELETE FROM kf_admin_throttle "
	    "WHERE failed_at < ? AND locked_until < ? LIMIT ?",
	[Q_RET_LAST_AGENT] = "DELETE FROM kf_last_agent "
	    "WHERE served_at < FROM_UNIXTIME(?) LIMIT ?",
	/* Legs that ended before the cut-off (given twice: no leg ends
	 * before it began, so assigned_at narrows the scan to its index);
	 * a leg still open stays. */
	[Q_RET_WECOM_LEG] = "DELETE FROM kf_wecom_leg "
	    "WHERE assigned_at < FROM_UNIXTIME(?) "
	    "AND ended_at < FROM_UNIXTIME(?) LIMIT ?",
	/*
	 * The roll-up, one whole hour per transaction (REPEATABLE READ): lock
	 * the hour's minutes and the gaps between them (a late writer waits
	 * for the commit, then writes a minute row of its own, still
	 * counted), add them to the hour's rows, delete exactly them.
	 */
	/* cut-off: the oldest minute before it, or NULL; a row outside
	 * the epoch (a zero date written by hand) has no hour: skipped */
	[Q_RET_STAT_OLDEST] = "SELECT UNIX_TIMESTAMP(MIN(minute)) "
	    "FROM kf_stat_minute WHERE minute >= '1970-01-02' "
	    "AND minute < FROM_UNIXTIME(?)",
	/* hour start, end */
	[Q_RET_STAT_LOCK] = "SELECT COUNT(*) " STAT_HOUR " FOR UPDATE",
	/* hour start, hour start, end */
	[Q_RET_STAT_ROLLUP] = "INSERT INTO kf_stat_hour (hour, " STAT_COLS ") "
	    "SELECT FROM_UNIXTIME(?), entry_id, agent_id, reason, "
	    "SUM(quotes), SUM(taps), SUM(handoffs), SUM(link_taps), "
	    "SUM(fallbacks) " STAT_HOUR " GROUP BY entry_id, agent_id, reason "
	    "ON DUPLICATE KEY UPDATE "
	    "quotes = kf_stat_hour.quotes + VALUES(quotes), "
	    "taps = kf_stat_hour.taps + VALUES(taps), "
	    "handoffs = kf_stat_hour.handoffs + VALUES(handoffs), "
	    "link_taps = kf_stat_hour.link_taps + VALUES(link_taps), "
	    "fallbacks = kf_stat_hour.fallbacks + VALUES(fallbacks)",
	/* hour start, end */
	[Q_RET_STAT_DELETE] = "DELETE " STAT_HOUR,

	/* make-up working days (013): schedule_id */
	[Q_WORKDAYS_CLEAR] = "DELETE FROM kf_schedule_workday "
	    "WHERE schedule_id = ?",
	/* schedule_id, day, start_min, end_min, note */
	[Q_WORKDAY_ADD] = "INSERT INTO kf_schedule_workday "
	    "(schedule_id, day, start_min, end_min, note) "
	    "VALUES (?, ?, ?, ?, ?)",
	/*
	 * WeCom sync requests (016): the page asks, the worker does. A
	 * request while one is open inserts nothing (the unique `active`):
	 * the caller answers the open one. requested_by.
	 */
	[Q_WSYNC_REQUEST] = "INSERT IGNORE INTO kf_wecom_sync (requested_by) "
	    "VALUES (?)",
	[Q_WSYNC_OPEN] = "SELECT " WSYNC_JSON " FROM kf_wecom_sync s "
	    "WHERE s.active = 1",
	[Q_WSYNC_LATEST] = "SELECT " WSYNC_JSON " FROM kf_wecom_sync s "
	    "ORDER BY s.id DESC LIMIT 1",
	/* The most recent heartbeat of any host's worker. */
	[Q_WSYNC_WORKER] = "SELECT JSON_OBJECT('host', w.host, 'pid', w.pid, "
	    "'started_at', " ISO("w.started_at") ", "
	    "'beat_at', " ISO("w.beat_at") ", "
	    "'age_s', TIMESTAMPDIFF(SECOND, w.beat_at, NOW(3))) "
	    "FROM kf_wecom_worker w ORDER BY w.beat_at DESC LIMIT 1",
	/* wecom_kf entries without a stored link, and what is in the way */
	[Q_WECOM_UNLINKED] = LIST("JSON_OBJECT('id', e.id, 'label', e.label, "
	    "'enabled', e.enabled <> 0, 'open_kfid', e.target, "
	    "'scene', COALESCE(e.wecom_scene, IF(LENGTH(e.id) <= 32, e.id, "
	    "NULL)), 'account_known', EXISTS(SELECT 1 FROM kf_wecom_account w "
	    "WHERE w.open_kfid = " OPEN_KFID_OF("e") ") <> 0)",
	    "kf_entry e WHERE e.target_type = 'wecom_kf' AND NOT EXISTS "
	    "(SELECT 1 FROM kf_wecom_link l WHERE l.open_kfid = "
	    OPEN_KFID_OF("e") " "
	    "AND l.scene = COALESCE(e.wecom_scene, e.id))", "e.id"),
	/*
	 * Operators from the page (admin_ops.c) and kfctl's audit rows. No
	 * statement here reads pw_hash: an operator's JSON goes into the
	 * audit log as it is.
	 */
	/* username, via, action, kind, object_id, before_json, after_json */
	[Q_AUDIT_ADD_VIA] = "INSERT INTO kf_audit (username, via, action, "
	    "kind, object_id, before_json, after_json) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?)",
	[Q_OP_LIST] = LIST(OPERATOR_JSON, "kf_admin_user u", "u.username"),
	[Q_OP_GET] = "SELECT " OPERATOR_JSON " FROM kf_admin_user u "
	    "WHERE u.username = ?",
	/* role (NULL: keep), disabled (NULL: keep), username */
	[Q_OP_UPDATE] = "UPDATE kf_admin_user SET role = COALESCE(?, role), "
	    "disabled = COALESCE(?, disabled) WHERE username = ?",
	/* Every enabled admin, locked: the last one must stay. */
	[Q_OP_ADMINS_LOCK] = "SELECT COUNT(*) FROM kf_admin_user "
	    "WHERE role = 'admin' AND disabled = 0 FOR UPDATE",
	/* username: role and disabled, the row locked */
	[Q_OP_LOCK] = "SELECT role, disabled FROM kf_admin_user "
	    "WHERE username = ? FOR UPDATE",
	/* username, the id_hash of the session to keep */
	[Q_SESSION_DELETE_OTHERS] = "DELETE FROM kf_admin_session "
	    "WHERE username = ? AND id_hash <> ?",
	/*
	 * 小程序码 (admin_qr.c). cool-down seconds, entry, app id,
	 * env_version, width, page: the stored code (base64) or refusal for
	 * exactly that, and whether it is younger than the cool-down.
	 */
	[Q_WXACODE_GET] = "SELECT png, errcode, "
	    "made_at > NOW() - INTERVAL ? SECOND FROM kf_wxacode "
	    "WHERE entry_id = ? AND app_id = ? AND env_version = ? "
	    "AND width = ? AND page = ?",
	/* entry, app id, env_version, width, page, png or NULL, errcode or
	 * NULL: the newest answer replaces what an older page had */
	[Q_WXACODE_PUT] = "INSERT INTO kf_wxacode (entry_id, app_id, "
	    "env_version, width, page, png, errcode) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE "
	    "page = VALUES(page), png = VALUES(png), "
	    "errcode = VALUES(errcode), made_at = CURRENT_TIMESTAMP",
	/*
	 * What reaching an entry depends on, one entry (id) or all (NULL):
	 * id, target_type, target, its scene, whether its WeCom account and
	 * its contact link (as /go/ and the snapshot find it) are synced.
	 */
	[Q_REACH_LIST] = "SELECT e.id, e.label, e.target_type, e.target, "
	    "COALESCE(e.wecom_scene, e.id), "
	    "EXISTS (SELECT 1 FROM kf_wecom_account a "
	    "WHERE a.open_kfid = " OPEN_KFID_OF("e") "), "
	    "EXISTS (SELECT 1 FROM kf_wecom_link l WHERE l.open_kfid = "
	    OPEN_KFID_OF("e") " "
	    "AND l.scene = COALESCE(e.wecom_scene, e.id)) "
	    "FROM kf_entry e WHERE e.id = COALESCE(?, e.id) "
	    "ORDER BY e.sort_order, e.id",
	/* CSV import: the row before, locked until the commit (in
	 * REPEATABLE READ a missing key's gap too, so a parallel import
	 * cannot create it meanwhile and count it created as well) */
	[Q_CUSTOMER_GET_LOCK] = "SELECT " CUSTOMER_JSON " FROM kf_customer c "
	    "WHERE c.customer_key = ? FOR UPDATE",
	[Q_ORDER_GET_LOCK] = "SELECT " ORDER_JSON " FROM kf_order o "
	    "WHERE o.order_id = ? FOR UPDATE",
	/* kfctl entry set: the lifecycle settings, then id, version */
	[Q_ENTRY_LIFE_SET] = "UPDATE kf_entry SET " ENTRY_LIFE_SET
	    "version = version + 1 WHERE id = ? AND version = ?",
};

int
store_q_write(int q)
{
	switch (q) {
	case Q_ENTRY_INSERT: case Q_ENTRY_UPDATE: case Q_ENTRY_DELETE:
	case Q_ENTRY_AGENTS_CLEAR: case Q_ENTRY_AGENT_ADD:
	case Q_AGENT_INSERT: case Q_AGENT_UPDATE: case Q_AGENT_DELETE:
	case Q_AGENT_PRESENCE:
	case Q_GROUP_INSERT: case Q_GROUP_UPDATE: case Q_GROUP_DELETE:
	case Q_GROUP_MEMBERS_CLEAR: case Q_GROUP_MEMBER_ADD:
	case Q_RULE_INSERT: case Q_RULE_UPDATE: case Q_RULE_DELETE:
	case Q_CUSTOMER_INSERT: case Q_CUSTOMER_UPDATE: case Q_CUSTOMER_DELETE:
	case Q_CUSTOMER_UPSERT:
	case Q_ORDER_INSERT: case Q_ORDER_UPDATE: case Q_ORDER_DELETE:
	case Q_ORDER_UPSERT:
	case Q_SCHEDULE_INSERT: case Q_SCHEDULE_UPDATE: case Q_SCHEDULE_DELETE:
	case Q_SLOTS_CLEAR: case Q_SLOT_ADD: case Q_CLOSURES_CLEAR:
	case Q_CLOSURE_ADD:
	case Q_ADMIN_USER_PUT: case Q_ADMIN_USER_PASSWD:
	case Q_ADMIN_USER_REHASH:
	case Q_SESSION_INSERT: case Q_SESSION_TOUCH: case Q_SESSION_DELETE:
	case Q_SESSION_DELETE_USER: case Q_SESSION_PURGE:
	case Q_THROTTLE_ROW: case Q_THROTTLE_FAIL: case Q_THROTTLE_CLEAR:
	case Q_THROTTLE_PURGE:
	case Q_AUDIT_ADD:
	case Q_RET_WECOM_MSG: case Q_RET_WECOM_SESSION: case Q_RET_AUDIT:
	case Q_RET_THROTTLE: case Q_RET_LAST_AGENT: case Q_RET_WECOM_LEG:
	case Q_RET_STAT_ROLLUP: case Q_RET_STAT_DELETE:
	case Q_WORKDAYS_CLEAR: case Q_WORKDAY_ADD:
	case Q_WSYNC_REQUEST:
	case Q_AUDIT_ADD_VIA: case Q_OP_UPDATE: case Q_SESSION_DELETE_OTHERS:
	case Q_WXACODE_PUT:
	case Q_ENTRY_LIFE_SET:
		return 1;
	default:
		return 0;
	}
}
