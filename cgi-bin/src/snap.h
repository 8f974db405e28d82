/*
 * A read-only picture of the routing configuration: entries (the
 * buttons) with their designated agents, rules, policy, fallback group,
 * business hours and notice templates; agents; groups; schedules.
 * FastCGI workers keep one whole snapshot and swap it when the database's
 * config version moves; plain CGI builds a partial one per request holding
 * only the rows that request needs.
 *
 * A snapshot owns everything it points to (strings in its arena, arrays on
 * the heap); snap_free() releases it all. Build with snap_add_*(), then
 * call snap_finish() once before any lookup. Only the runtime fields
 * marked below change after that (presence and load, round-robin
 * cursor, last assignment): live state, not configuration.
 */
#ifndef KF_SNAP_H
#define KF_SNAP_H

#include <stddef.h>
#include <stdint.h>

enum agent_status {
	AGENT_OFFLINE,
	AGENT_ONLINE,
	AGENT_BUSY,
	AGENT__MAX
};

enum target_type {
	TARGET_PAGE,		/* a mini-program page path */
	TARGET_URL,		/* a web page (web-view, /go/ redirect) */
	TARGET_WECOM_KF,	/* a WeCom customer-service account */
	TARGET__MAX
};

enum strategy {
	STRAT_ORDERED,
	STRAT_ROUND_ROBIN,
	STRAT_LEAST_BUSY,
	STRAT_LONGEST_IDLE,
	STRAT_RANDOM,
	STRAT__MAX
};

enum policy {
	POLICY_OVERFLOW,	/* designated away: on down the chain */
	POLICY_STRICT,		/* designated away: wait for that person */
	POLICY__MAX
};

enum rule_kind {
	RULE_LEVEL_AT_LEAST,
	RULE_HAS_TAG,
	RULE_ORDER_AGENT,
	RULE_ACCOUNT_MANAGER,
	RULE_TIME_WINDOW,
	RULE__MAX
};

enum rule_target {
	RTARGET_AGENT,
	RTARGET_GROUP,
	RTARGET_IMPLICIT,	/* the order's agent, the account manager */
	RTARGET__MAX
};

/* Steps of the decision, in the default order. */
enum step {
	STEP_RULES,
	STEP_DESIGNATED,
	STEP_ACCOUNT_MANAGER,
	STEP_STICKY,
	STEP_GROUP,
	STEP_GLOBAL,
	STEP__MAX
};

/* Notice templates an entry may override (defaults in the config). */
enum notice_kind {
	NOTICE_CONNECTED,	/* {agent} */
	NOTICE_FALLBACK,	/* {designated} offline -> {agent} */
	NOTICE_FALLBACK_BUSY,	/* {designated} full -> {agent} */
	NOTICE_STRICT_OFFLINE,	/* strict, {designated} offline */
	NOTICE_STRICT_BUSY,	/* strict, {designated} full */
	NOTICE_BUSY,		/* nobody free */
	NOTICE_OFFLINE,		/* nobody online */
	NOTICE_CLOSED,		/* outside {hours}; opens {next_open} */
	NOTICE_HOLD,		/* held for busy {agent} (life.h) */
	NOTICE__MAX
};

struct snap_slot {
	int		 wday;	/* 0 = Sunday */
	int		 start;	/* minutes after local midnight */
	int		 end;	/* <= start: ends the next day */
};

/*
 * A make-up working day (调休): on date the schedule is open from start to
 * end instead of that weekday's slots; end <= start ends the next day.
 */
struct snap_workday {
	int		 date;	/* local date as yyyymmdd */
	int		 start;	/* minutes after local midnight */
	int		 end;	/* <= start: ends the next day; 1440 midnight */
};

struct snap_schedule {
	const char	*id;
	const char	*name;
	const char	*tz;		/* IANA zone, e.g. Asia/Shanghai */
	struct snap_slot *slots;
	size_t		 nslots;
	int		*closures;	/* local dates as yyyymmdd, sorted */
	size_t		 nclosures;
	struct snap_workday *workdays;	/* sorted by date */
	size_t		 nworkdays;
};

struct snap_agent {
	const char		*id;
	const char		*name;
	const char		*wecom_userid;	/* may be NULL */
	enum agent_status	 status;	/* runtime (snap_presence) */
	int			 capacity;
	int			 active;	/* current sessions, runtime */
	int			 enabled;
	const char		*schedule_id;	/* own shift, or NULL */
	const struct snap_schedule *schedule;	/* resolved */
	/*
	 * Runtime: last assignment (a commit), unix milliseconds of the
	 * database's clock, 0 for never. Live state, not configuration.
	 */
	int64_t			 last_assigned;
};

struct snap_group {
	const char		 *id;
	const char		 *name;
	const struct snap_agent	*const *members;	/* in position order */
	size_t			  nmembers;
	/* Runtime: where round robin goes on (snap_rotation). */
	size_t			  rr_next;
};

struct snap_rule {
	long			 id;
	int			 priority;
	enum rule_kind		 kind;
	int			 level;		/* RULE_LEVEL_AT_LEAST */
	const char		*tag;		/* RULE_HAS_TAG */
	int			 win_start;	/* RULE_TIME_WINDOW, minutes */
	int			 win_end;
	enum rule_target	 target;
	const char		*target_id;
	enum strategy		 strategy;	/* for group targets */
	const struct snap_agent	*agent;		/* resolved target */
	const struct snap_group	*group;
};

/*
 * An entry's settings (scene, decision, hours, what happens after the
 * transfer, notices). Entries with equal settings share one (a snapshot
 * of 100,000 entries holds a few thousand of these): never change one
 * through an entry. Its rules and WeCom link are its own (snap_rules(),
 * snap_wecom_link()).
 */
struct snap_entry_conf {
	const char		*scene;		/* "" when none */
	enum policy		 policy;
	enum strategy		 strategy;	/* of the fallback group */
	int			 over_capacity;	/* designated may exceed */
	enum step		 order[STEP__MAX];
	size_t			 norder;
	const struct snap_schedule *schedule;	/* business hours, or NULL */
	/* NULL: every notice the default; else NOTICE__MAX of them, NULL
	 * each kind that is. */
	const char		*const *notices;
	/*
	 * After the first transfer (life.h), the entry's own settings;
	 * -1: the [lifecycle] default.
	 */
	int			 widen_after_s;
	int			 reroute_after_s;
	int			 take_back;
	int			 busy_after_misses;
	int			 queue_max;
	int			 queue_notice_step;
	int			 leave_message;
};

/*
 * An entry (a button) as a snapshot holds it: 40 bytes. Its label follows
 * its id in one string (snap_entry_label()), its target is shared with
 * equal ones, its settings are a shared snap_entry_conf, its designated
 * agents a slice of the snapshot's array (snap_designated()). Entries
 * are kept in display order (sort_order, id).
 */
struct snap_entry {
	const char		*id;		/* "id\0label\0" */
	const char		*target;
	const struct snap_group	*group;		/* fallback group, or NULL */
	const struct snap_entry_conf *conf;	/* never NULL */
	uint32_t		 designated;	/* first, in snap->designated */
	uint16_t		 ndesignated;
	uint8_t			 ttype;		/* enum target_type */
	uint8_t			 enabled;
};

/*
 * What a builder hands snap_add_entry (a database row, a test's entry):
 * flat, strings the caller's (copied).
 */
struct snap_entry_in {
	const char		*id;
	const char		*label;
	const char		*scene;		/* NULL or "" when none */
	enum target_type	 ttype;
	const char		*target;
	int			 sort;
	int			 enabled;
	const char		*group_id;	/* fallback group, or NULL */
	const char		*schedule_id;	/* business hours, or NULL */
	/* TARGET_WECOM_KF: target is the open_kfid; its stored link. */
	const char		*wecom_link;	/* NULL: not created yet */
	/* policy ... leave_message as in snap_entry_conf; scene, schedule
	 * and notices come apart (above, snap_add_notice); norder 0: the
	 * default order. */
	struct snap_entry_conf	 conf;
};

/* Sparse, by entry: most entries have no rules and no WeCom link. */
struct snap_entry_rules {
	uint32_t		 entry;		/* index in entries */
	uint32_t		 first;		/* in snap->rules */
	uint32_t		 n;
};

struct snap_entry_link {
	uint32_t		 entry;
	const char		*url;
};

struct snap_pending;	/* build-time only */

struct snap {
	struct arena		*arena;
	long long		 version;	/* the config version loaded */
	int64_t			 presence_ms;	/* newest presence stamp loaded */
	struct snap_entry	*entries;	/* display order (sort, id) */
	size_t			 nentries;
	uint32_t		*entries_by_id;	/* indexes into entries */
	struct snap_agent	*agents;	/* sorted by id */
	size_t			 nagents;
	struct snap_group	*groups;	/* sorted by id */
	size_t			 ngroups;
	struct snap_schedule	*schedules;	/* sorted by id */
	size_t			 nschedules;
	/* The arrays entries' and groups' slices point into. */
	uint32_t		*designated;	/* indexes into agents */
	const struct snap_agent	**members;
	struct snap_rule	*rules;		/* each entry's run in order */
	struct snap_entry_rules	*rule_runs;	/* by entry index */
	size_t			 nrule_runs;
	struct snap_entry_link	*links;		/* by entry index */
	size_t			 nlinks;
	struct snap_pending	*pending;	/* until snap_finish */
};

struct snap	*snap_new(void);
void		 snap_free(struct snap *);	/* NULL is a no-op */

/* Builders copy every string into the snapshot. */
void	 snap_add_entry(struct snap *, const struct snap_entry_in *);
void	 snap_add_agent(struct snap *, const struct snap_agent *);
void	 snap_add_group(struct snap *, const char *id, const char *name);
void	 snap_add_member(struct snap *, const char *group_id,
	    const char *agent_id, int position);
void	 snap_add_designated(struct snap *, const char *entry_id,
	    const char *agent_id, int position);
void	 snap_add_rule(struct snap *, const char *entry_id,
	    const struct snap_rule *);
void	 snap_add_notice(struct snap *, const char *entry_id,
	    enum notice_kind, const char *tmpl);
void	 snap_add_schedule(struct snap *, const char *id, const char *name,
	    const char *tz);
void	 snap_add_slot(struct snap *, const char *schedule_id,
	    const struct snap_slot *);
void	 snap_add_closure(struct snap *, const char *schedule_id, int yyyymmdd);
void	 snap_add_workday(struct snap *, const char *schedule_id,
	    const struct snap_workday *);
/* Parse "rules,designated,..." into the entry's order; -1 when invalid. */
int	 snap_parse_order(const char *, enum step *out, size_t *n);
/* Sort, index and resolve references (unknown ids resolve to NULL). */
void	 snap_finish(struct snap *);
/* Carry last assignments over from an older one (NULL: none), whichever
 * is newer, then derive the rotation. */
void	 snap_carry_runtime(struct snap *to, const struct snap *from);
/*
 * Live state: agent_id was assigned a chat at at_ms (a commit, here or
 * elsewhere). Returns 1 when that moved its last assignment (call
 * snap_rotation after a batch), 0 for an unknown agent or an older time.
 */
int	 snap_assigned(struct snap *, const char *agent_id, int64_t at_ms);
/*
 * Live state: agent_id's presence and open chats now (a change stamped
 * in the database). An unknown agent is ignored (it is configuration:
 * the next reload brings it).
 */
void	 snap_presence(struct snap *, const char *agent_id,
	    enum agent_status, int active);
/* Each group's round-robin turn from its members' last assignments. */
void	 snap_rotation(struct snap *);

const struct snap_entry	*snap_entry(const struct snap *, const char *id);
const char		*snap_entry_label(const struct snap_entry *);
/* The entry's i-th designated agent (i < e->ndesignated), in order;
 * unknown ids were dropped. */
const struct snap_agent	*snap_designated(const struct snap *,
			    const struct snap_entry *, size_t i);
/* The entry's enabled rules by priority, then id (*n of them, 0: NULL). */
const struct snap_rule	*snap_rules(const struct snap *,
			    const struct snap_entry *, size_t *n);
/* TARGET_WECOM_KF: the entry's stored contact link, NULL when none yet. */
const char		*snap_wecom_link(const struct snap *,
			    const struct snap_entry *);
const struct snap_agent	*snap_agent(const struct snap *, const char *id);
const struct snap_group	*snap_group(const struct snap *, const char *id);
const struct snap_schedule *snap_schedule(const struct snap *, const char *id);

/* Names as stored in the database; parse returns -1 when unknown. */
const char	*snap_status_name(enum agent_status);
int		 snap_status_parse(const char *, enum agent_status *);
const char	*snap_target_name(enum target_type);
int		 snap_target_parse(const char *, enum target_type *);
const char	*snap_strategy_name(enum strategy);
int		 snap_strategy_parse(const char *, enum strategy *);
int		 snap_policy_parse(const char *, enum policy *);
int		 snap_rule_kind_parse(const char *, enum rule_kind *);
const char	*snap_rule_kind_name(enum rule_kind);
int		 snap_rule_target_parse(const char *, enum rule_target *);
const char	*snap_notice_name(enum notice_kind);
int		 snap_notice_parse(const char *, enum notice_kind *);
const char	*snap_step_name(enum step);

#endif
