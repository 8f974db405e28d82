/*
 * The admin program's SQL, by query name (enum store_q in store.h). Reads
 * build their JSON in the database; writes take their parameters in the
 * order the comment above each one gives, which is the order of the field
 * tables in admin_crud.c.
 */
#include "store.h"
#include "store_sql.h"

#define ISO(col)	"DATE_FORMAT(" col ", '%Y-%m-%dT%H:%i:%sZ')"

#define ENTRY_JSON \
	"JSON_OBJECT('id', e.id, 'label', e.label, 'scene', e.scene, " \
	"'sort_order', e.sort_order, 'enabled', e.enabled <> 0, " \
	"'target_type', e.target_type, 'target', e.target, " \
	"'policy', e.policy, 'fallback_group_id', e.fallback_group_id, " \
	"'fallback_strategy', e.fallback_strategy, " \
	"'schedule_id', e.schedule_id, " \
	"'designated_over_capacity', e.designated_over_capacity <> 0, " \
	"'wecom_scene', e.wecom_scene, 'decision_order', e.decision_order, " \
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

#define LIST(json, from, order) \
	"SELECT COALESCE(JSON_ARRAYAGG(" json " ORDER BY " order "), " \
	"JSON_ARRAY()) FROM " from

/* Decisions since FROM_UNIXTIME(?), grouped by expr. */
#define STATS_SINCE	"FROM kf_stat_minute WHERE minute >= FROM_UNIXTIME(?)"

const char *const store_q_sql[Q__MAX] = {
	[Q_ENTRY_LIST] = LIST(ENTRY_JSON, "kf_entry e", "e.sort_order, e.id"),
	[Q_ENTRY_GET] = "SELECT " ENTRY_JSON " FROM kf_entry e WHERE e.id = ?",
	/* id, label, scene, sort_order, enabled, target_type, target,
	 * policy, fallback_group_id, fallback_strategy, schedule_id,
	 * designated_over_capacity, wecom_scene */
	[Q_ENTRY_INSERT] = "INSERT INTO kf_entry (id, label, scene, "
	    "sort_order, enabled, target_type, target, policy, "
	    "fallback_group_id, fallback_strategy, schedule_id, "
	    "designated_over_capacity, wecom_scene) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	/* the same minus id, then id, version */
	[Q_ENTRY_UPDATE] = "UPDATE kf_entry SET label = ?, scene = ?, "
	    "sort_order = ?, enabled = ?, target_type = ?, target = ?, "
	    "policy = ?, fallback_group_id = ?, fallback_strategy = ?, "
	    "schedule_id = ?, designated_over_capacity = ?, wecom_scene = ?, "
	    "version = version + 1 WHERE id = ? AND version = ?",
	[Q_ENTRY_DELETE] = "DELETE FROM kf_entry WHERE id = ? AND version = ?",
	[Q_ENTRY_VERSION] = "SELECT version FROM kf_entry WHERE id = ?",
	[Q_ENTRY_AGENTS_CLEAR] = "DELETE FROM kf_entry_agent "
	    "WHERE entry_id = ?",
	[Q_ENTRY_AGENT_ADD] = "INSERT INTO kf_entry_agent "
	    "(entry_id, agent_id, position) VALUES (?, ?, ?)",

	[Q_AGENT_LIST] = LIST(AGENT_JSON, "kf_agent a", "a.id"),
	[Q_AGENT_GET] = "SELECT " AGENT_JSON " FROM kf_agent a WHERE a.id = ?",
	/* id, display_name, wecom_userid, capacity, enabled, schedule_id */
	[Q_AGENT_INSERT] = "INSERT INTO kf_agent (id, display_name, "
	    "wecom_userid, capacity, enabled, schedule_id) "
	    "VALUES (?, ?, ?, ?, ?, ?)",
	[Q_AGENT_UPDATE] = "UPDATE kf_agent SET display_name = ?, "
	    "wecom_userid = ?, capacity = ?, enabled = ?, schedule_id = ?, "
	    "version = version + 1 WHERE id = ? AND version = ?",
	[Q_AGENT_DELETE] = "DELETE FROM kf_agent WHERE id = ? AND version = ?",
	[Q_AGENT_VERSION] = "SELECT version FROM kf_agent WHERE id = ?",
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
	[Q_GROUP_VERSION] = "SELECT version FROM kf_group WHERE id = ?",
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

	[Q_SCHEDULE_LIST] = LIST("JSON_OBJECT('id', id, 'name', name, "
	    "'tz', tz)", "kf_schedule", "id"),

	[Q_ADMIN_USER_GET] = "SELECT role, pw_hash FROM kf_admin_user "
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

	/* id_hash, username, created_at, seen_at */
	[Q_SESSION_INSERT] = "INSERT INTO kf_admin_session "
	    "(id_hash, username, created_at, seen_at) VALUES (?, ?, ?, ?)",
	[Q_SESSION_GET] = "SELECT s.username, u.role, s.created_at, s.seen_at "
	    "FROM kf_admin_session s JOIN kf_admin_user u "
	    "ON u.username = s.username WHERE s.id_hash = ?",
	[Q_SESSION_TOUCH] = "UPDATE kf_admin_session SET seen_at = ? "
	    "WHERE id_hash = ?",
	[Q_SESSION_DELETE] = "DELETE FROM kf_admin_session WHERE id_hash = ?",
	[Q_SESSION_DELETE_USER] = "DELETE FROM kf_admin_session "
	    "WHERE username = ?",
	/* idle cut-off, absolute cut-off */
	[Q_SESSION_PURGE] = "DELETE FROM kf_admin_session "
	    "WHERE seen_at < ? OR created_at < ?",

	[Q_THROTTLE_GET] = "SELECT failures, locked_until, failed_at "
	    "FROM kf_admin_throttle WHERE username = ?",
	/* username, failures, locked_until, failed_at */
	[Q_THROTTLE_FAIL] = "INSERT INTO kf_admin_throttle "
	    "(username, failures, locked_until, failed_at) VALUES (?, ?, ?, ?) "
	    "ON DUPLICATE KEY UPDATE failures = VALUES(failures), "
	    "locked_until = VALUES(locked_until), "
	    "failed_at = VALUES(failed_at)",
	[Q_THROTTLE_CLEAR] = "DELETE FROM kf_admin_throttle "
	    "WHERE username = ?",

	/* username, action, kind, object_id, before_json, after_json */
	[Q_AUDIT_ADD] = "INSERT INTO kf_audit (username, action, kind, "
	    "object_id, before_json, after_json) VALUES (?, ?, ?, ?, ?, ?)",
	/* before id (exclusive), kind (NULL: all) twice; newest first */
	[Q_AUDIT_LIST] = LIST("JSON_OBJECT('id', a.id, 'at', "
	    "DATE_FORMAT(a.at, '%Y-%m-%dT%H:%i:%s.%fZ'), "
	    "'username', a.username, 'action', a.action, 'kind', a.kind, "
	    "'object_id', a.object_id, "
	    "'before', JSON_EXTRACT(a.before_json, '$'), "
	    "'after', JSON_EXTRACT(a.after_json, '$'))",
	    "(SELECT * FROM kf_audit WHERE id < ? AND (? IS NULL OR kind = ?) "
	    "ORDER BY id DESC LIMIT 100) a", "a.id DESC"),

	/* bucket format (DATE_FORMAT), since */
	[Q_STATS_SERIES] = LIST("JSON_OBJECT('t', x.t, 'total', x.total, "
	    "'fallbacks', x.fb, 'none', x.nn)",
	    "(SELECT DATE_FORMAT(minute, ?) t, SUM(count) total, "
	    "SUM(fallbacks) fb, SUM(IF(agent_id = '', count, 0)) nn "
	    STATS_SINCE " GROUP BY t) x", "x.t"),
	/* since */
	[Q_STATS_BY_ENTRY] = LIST("JSON_OBJECT('entry_id', x.entry_id, "
	    "'label', (SELECT label FROM kf_entry WHERE id = x.entry_id), "
	    "'total', x.total, 'fallbacks', x.fb, 'none', x.nn)",
	    "(SELECT entry_id, SUM(count) total, SUM(fallbacks) fb, "
	    "SUM(IF(agent_id = '', count, 0)) nn " STATS_SINCE
	    " GROUP BY entry_id) x", "x.total DESC, x.entry_id"),
	/* since: every agent, with what it took and what it carries now */
	[Q_STATS_BY_AGENT] = LIST("JSON_OBJECT('agent_id', a.id, "
	    "'name', a.display_name, 'total', COALESCE(x.total, 0), "
	    "'status', a.status, 'active_sessions', a.active_sessions, "
	    "'capacity', a.capacity)",
	    "kf_agent a LEFT JOIN (SELECT agent_id, SUM(count) total "
	    STATS_SINCE " AND agent_id <> '' GROUP BY agent_id) x "
	    "ON x.agent_id = a.id", "COALESCE(x.total, 0) DESC, a.id"),
	/* since: by the reason's kind (designated, rule, group, none...) */
	[Q_STATS_BY_REASON] = LIST("JSON_OBJECT('reason', x.r, "
	    "'total', x.total)",
	    "(SELECT SUBSTRING_INDEX(reason, ':', 1) r, SUM(count) total "
	    STATS_SINCE " GROUP BY r) x", "x.total DESC, x.r"),
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
	case Q_ADMIN_USER_PUT: case Q_ADMIN_USER_PASSWD:
	case Q_ADMIN_USER_REHASH:
	case Q_SESSION_INSERT: case Q_SESSION_TOUCH: case Q_SESSION_DELETE:
	case Q_SESSION_DELETE_USER: case Q_SESSION_PURGE:
	case Q_THROTTLE_FAIL: case Q_THROTTLE_CLEAR:
	case Q_AUDIT_ADD:
		return 1;
	default:
		return 0;
	}
}
