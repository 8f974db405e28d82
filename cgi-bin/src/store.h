/*
 * The database: every SQL statement kfroute runs lives in store.c,
 * prepared, in one indexed table. A store is one connection owned by one
 * process (FastCGI worker, CGI run or kfctl); it connects lazily and, when
 * the server goes away, reconnects on the next call and prepares again.
 */
#ifndef KF_STORE_H
#define KF_STORE_H

#include <time.h>

#include "snap.h"

struct arena;
struct cfg;
struct decide_customer;

enum store_rc {
	STORE_OK,
	STORE_NOTFOUND,	/* a write or point lookup matched no row */
	STORE_ERR,	/* database unreachable or failing; logged */
	/* Refused by the schema (store_error() names the key/constraint): */
	STORE_DUP,	/* a unique key already holds the value */
	STORE_REF,	/* references a row that does not exist */
	STORE_INUSE,	/* the row is referenced by another */
	STORE_CHECK,	/* a CHECK constraint failed */
};

/*
 * Which credentials, as sql/grants.sql gives them rights: the public
 * program's, the WeCom callback's and puller's (falling back to the
 * admin's when no wecom_user is configured), kfctl's and the admin
 * program's.
 */
enum store_role {
	STORE_PUBLIC,
	STORE_WECOM,
	STORE_ADMIN,
};

/* The statement tables: the routing engine's (store.c), the admin
 * program's (enum store_q) and the WeCom program's (enum store_w). */
enum store_table {
	STORE_TABLE_ROUTING,
	STORE_TABLE_ADMIN,
	STORE_TABLE_WECOM,
};
/*
 * 1 when an account of role may run statement stmt of table (the engine
 * refuses the others, logging which; sql/grants.sql agrees).
 */
int		 store_may(enum store_role, enum store_table, int stmt);

struct store	*store_new(const struct cfg *, enum store_role);
void		 store_free(struct store *);	/* NULL is a no-op */

/* The config version, bumped by triggers on every routing-table write. */
enum store_rc	 store_version(struct store *, long long *);
/* Everything routing needs, consistent with its version. */
enum store_rc	 store_load_all(struct store *, struct snap *);
/*
 * For plain CGI: one entry (if it exists) and only the rows its decision
 * can touch: its designated agents, rules, notices, fallback group, the
 * global group (may be NULL) and the customer's agents (may be NULL).
 */
enum store_rc	 store_load_entry(struct store *, const char *id,
		    const char *global_group,
		    const struct decide_customer *, struct snap *);
/* The enabled entries, for listing buttons under plain CGI. */
enum store_rc	 store_load_enabled_entries(struct store *, struct snap *);

/*
 * What the business knows of a verified customer, and the agent who
 * served them within sticky_days; strings go into the arena. A customer
 * the business never registered comes back with level 0 and no manager.
 * STORE_OK or STORE_ERR.
 */
enum store_rc	 store_load_customer(struct store *, struct arena *,
		    const char *key, int sticky_days, struct decide_customer *);
/*
 * Customers by key, sixteen to a query: fn gets each as
 * store_load_customer would fill it (strings valid during the call only;
 * a key without a record comes with level 0).
 */
typedef void	(*store_customer_fn)(void *arg, const struct decide_customer *);
enum store_rc	 store_load_customers(struct store *, const char *const *keys,
		    size_t n, int sticky_days, store_customer_fn, void *);
/* The order's agent when the order belongs to customer and has one;
 * NOTFOUND otherwise. */
enum store_rc	 store_order_agent(struct store *, struct arena *,
		    const char *order, const char *customer,
		    const char **agent_id);

/*
 * Transactions. A connection lost inside one is never papered over by a
 * silent reconnect: every call fails until commit (which then fails too)
 * or rollback.
 */
enum store_rc	 store_begin(struct store *);
/*
 * store_begin in REPEATABLE READ, whatever the server's default: a
 * locking read (FOR UPDATE) then locks the gaps of the range it scanned
 * too, so no row enters that range until the commit or rollback.
 */
enum store_rc	 store_begin_rr(struct store *);
enum store_rc	 store_commit(struct store *);
void		 store_rollback(struct store *);	/* no-op outside one */
/* Quotes (views) of one minute, entry, agent ("" none) and reason. */
struct store_quotes {
	time_t		 minute;	/* unix seconds, a multiple of 60 */
	const char	*entry, *agent, *reason;
	unsigned	 count;
};
/* n rows added to kf_stat_minute, sixteen to a statement. */
enum store_rc	 store_add_quotes(struct store *,
		    const struct store_quotes *, size_t n);
enum store_rc	 store_record_sticky(struct store *, const char *customer,
		    const char *agent, const char *entry, time_t at);

/* One commit of the assignment pipeline (assign.c). */
struct store_commit {
	const char	*key;		/* once-only claim; NULL: none */
	const char	*event;		/* "tap" or "handoff": part of the claim */
	time_t		 at;		/* counted in its UTC minute */
	int64_t		 at_ms;		/* the last assignment, unix ms */
	const char	*entry;
	const char	*agent;		/* "" for nobody */
	const char	*reason;
	unsigned	 taps, handoffs, link_taps, fallbacks;
	const char	*move_agent;	/* last assignment moves; NULL: none */
	const char	*sticky[2];	/* sticky under these keys; NULLs */
};
/*
 * The claim, the counts, the last assignment and sticky in one
 * transaction: STORE_OK, STORE_DUP when the key was claimed before
 * (nothing written), STORE_ERR (nothing written).
 */
enum store_rc	 store_commit_assignment(struct store *,
		    const struct store_commit *);
/* Forget claims older than that (their tickets have expired). */
enum store_rc	 store_commit_purge(struct store *, int older_than_s);
/*
 * Live state read incrementally: the rows stamped at or after mark_ms
 * less overlap_ms (for what committed after its stamp), where mark_ms is
 * taken as the database's clock when it is later (a stamp ahead of the
 * clock must not hide the rows after it). Stamps are unix ms.
 *
 * Each agent whose last assignment is that recent:
 */
typedef void	(*store_activity_fn)(void *arg, const char *agent,
		    int64_t at_ms);
enum store_rc	 store_activity_since(struct store *, int64_t mark_ms,
		    int overlap_ms, store_activity_fn, void *);
/*
 * Each agent whose presence or load changed that recently (the database's
 * clock: kf_agent.live_ms, stamped by a trigger whoever writes): its
 * status, open chats and the stamp.
 */
typedef void	(*store_presence_fn)(void *arg, const char *agent,
		    enum agent_status, int active, int64_t at_ms);
enum store_rc	 store_presence_since(struct store *, int64_t mark_ms,
		    int overlap_ms, store_presence_fn, void *);

/* kfctl: manual presence. NOTFOUND for an unknown agent. */
enum store_rc	 store_set_agent_status(struct store *, const char *agent,
		    enum agent_status);

/*
 * A named database lock held by this connection (GET_LOCK): NOTFOUND when
 * another holder kept it past timeout_s. Released by store_unlock, or
 * when the connection ends.
 */
enum store_rc	 store_lock(struct store *, const char *name, int timeout_s);
void		 store_unlock(struct store *, const char *name);

/* Each value of a one-column result. */
typedef void	(*store_text_fn)(void *arg, const char *);

/* The WeCom program's tables: see store_wecom.h. */

/*
 * The admin program's queries (SQL in store_admin.c), run by name. Reads
 * return JSON the database builds (JSON_OBJECT / JSON_ARRAYAGG), so
 * escaping is the server's and the C side passes documents through.
 */
enum store_q {
	Q_ENTRY_LIST, Q_ENTRY_GET, Q_ENTRY_INSERT, Q_ENTRY_UPDATE,
	Q_ENTRY_DELETE,
	Q_ENTRY_AGENTS_CLEAR, Q_ENTRY_AGENT_ADD,
	Q_AGENT_LIST, Q_AGENT_GET, Q_AGENT_INSERT, Q_AGENT_UPDATE,
	Q_AGENT_DELETE, Q_AGENT_INUSE, Q_AGENT_PRESENCE, Q_AGENT_COUNTS,
	Q_GROUP_LIST, Q_GROUP_GET, Q_GROUP_INSERT, Q_GROUP_UPDATE,
	Q_GROUP_DELETE, Q_GROUP_INUSE,
	Q_GROUP_MEMBERS_CLEAR, Q_GROUP_MEMBER_ADD,
	Q_RULE_LIST, Q_RULE_GET, Q_RULE_INSERT, Q_RULE_UPDATE,
	Q_RULE_DELETE, Q_TARGET_EXISTS,
	Q_CUSTOMER_LIST, Q_CUSTOMER_GET, Q_CUSTOMER_INSERT, Q_CUSTOMER_UPDATE,
	Q_CUSTOMER_DELETE, Q_CUSTOMER_UPSERT, Q_CUSTOMER_EXPORT,
	Q_ORDER_LIST, Q_ORDER_GET, Q_ORDER_INSERT, Q_ORDER_UPDATE,
	Q_ORDER_DELETE, Q_ORDER_UPSERT, Q_ORDER_EXPORT,
	Q_SCHEDULE_LIST, Q_SCHEDULE_GET, Q_SCHEDULE_INSERT, Q_SCHEDULE_UPDATE,
	Q_SCHEDULE_DELETE, Q_SCHEDULE_INUSE,
	Q_SLOTS_CLEAR, Q_SLOT_ADD, Q_CLOSURES_CLEAR, Q_CLOSURE_ADD,
	Q_WECOM_LIST,
	Q_ADMIN_USER_GET, Q_ADMIN_USER_PUT, Q_ADMIN_USER_PASSWD,
	Q_ADMIN_USER_REHASH,
	Q_SESSION_INSERT, Q_SESSION_GET, Q_SESSION_TOUCH, Q_SESSION_DELETE,
	Q_SESSION_DELETE_USER, Q_SESSION_PURGE,
	Q_THROTTLE_ROW, Q_THROTTLE_LOCK, Q_THROTTLE_FAIL, Q_THROTTLE_CLEAR,
	Q_THROTTLE_PURGE,
	Q_AUDIT_ADD, Q_AUDIT_LIST,
	Q_STATS_SERIES, Q_STATS_BY_ENTRY, Q_STATS_BY_AGENT,
	Q_STATS_BY_REASON, Q_STATS_LIFECYCLE,
	Q_RET_WECOM_MSG, Q_RET_WECOM_SESSION, Q_RET_AUDIT, Q_RET_THROTTLE,
	Q_RET_LAST_AGENT, Q_RET_WECOM_LEG,
	Q_RET_STAT_OLDEST, Q_RET_STAT_LOCK, Q_RET_STAT_ROLLUP,
	Q_RET_STAT_DELETE,
	Q_WORKDAYS_CLEAR, Q_WORKDAY_ADD,
	/* WeCom sync requests from the page (016) */
	Q_WSYNC_REQUEST, Q_WSYNC_OPEN, Q_WSYNC_LATEST, Q_WSYNC_WORKER,
	Q_WECOM_UNLINKED,
	/* operators from the page, audit from kfctl (014) */
	Q_AUDIT_ADD_VIA, Q_OP_LIST, Q_OP_GET, Q_OP_UPDATE, Q_OP_ADMINS_LOCK,
	Q_OP_LOCK, Q_SESSION_DELETE_OTHERS,
	/* 小程序码 cache (admin_qr.c) and how customers reach entries */
	Q_WXACODE_GET, Q_WXACODE_PUT, Q_REACH_LIST,
	/* CSV import: the row before, locked (FOR UPDATE) */
	Q_CUSTOMER_GET_LOCK, Q_ORDER_GET_LOCK,
	/* kfctl entry set: an entry's lifecycle settings (017) */
	Q_ENTRY_LIFE_SET,
	Q__MAX
};

/*
 * The first column of the first row into the arena (*out NULL for SQL
 * NULL): STORE_OK, NOTFOUND (no row) or an error.
 */
enum store_rc	 store_q_text(struct store *, enum store_q,
		    const char *const *params, unsigned n, struct arena *,
		    const char **out);
/* Each row as text columns; fn returns -1 to stop (an error). */
typedef int	(*store_row_fn)(void *arg, char **col, unsigned ncol);
enum store_rc	 store_q_rows(struct store *, enum store_q,
		    const char *const *params, unsigned n, store_row_fn,
		    void *arg);
/* A write: STORE_OK (see store_affected), or DUP/REF/INUSE/CHECK/ERR. */
enum store_rc	 store_q_exec(struct store *, enum store_q,
		    const char *const *params, unsigned n);
unsigned long long store_affected(const struct store *);
unsigned long long store_insert_id(const struct store *);
/* The server's message for the last failure ("" when none). */
const char	*store_error(const struct store *);
/*
 * Whether the last failure was a clash over row locks with another
 * transaction: a deadlock, or a wait longer than the admin connection's
 * innodb_lock_wait_timeout (half its read timeout, so the wait ends as an
 * answer before the read times out). Roll back; it may be run again.
 */
int		 store_lock_clash(const struct store *);

#endif
