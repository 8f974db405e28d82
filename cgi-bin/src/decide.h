/*
 * The routing engine: who answers this tap. Pure: a snapshot, the entry,
 * the (verified) customer, a clock and a random number in; a decision and
 * an optional trace out. No I/O, no allocation, no global state.
 *
 * Decision order (per entry, default): matching rules -> designated
 * agent(s) -> account manager -> sticky last agent -> the entry's fallback
 * group by its strategy -> the global fallback group -> none. An entry
 * with the strict policy considers its designated agents only. Outside the
 * entry's business hours nobody is chosen (none:closed). With hold on, a
 * busy preferred person is waited for rather than passed over.
 */
#ifndef KF_DECIDE_H
#define KF_DECIDE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "sched.h"
#include "snap.h"

/* What the business knows of a verified customer; strings may be NULL. */
struct decide_customer {
	const char	*key;
	int		 level;
	const char	*tags;		/* comma-separated */
	const char	*manager_id;	/* account manager (专属客服) */
	const char	*sticky_id;	/* last agent, within the sticky days */
	const char	*order_agent_id;/* the verified order's agent */
};

enum decide_reason {
	REASON_RULE,
	REASON_DESIGNATED,
	REASON_ACCOUNT_MANAGER,
	REASON_STICKY,
	REASON_GROUP,
	REASON_GLOBAL,
	REASON_NONE_OFFLINE,
	REASON_NONE_FULL,
	REASON_NONE_CLOSED,
	REASON_LINK,		/* a web page: not routed to people (assign.c) */
	REASON__MAX
};

/* Why a candidate was or was not taken. */
enum verdict {
	VERDICT_CHOSEN,
	VERDICT_AVAILABLE,	/* fine, but the strategy chose another */
	VERDICT_DISABLED,
	VERDICT_OFFLINE,
	VERDICT_BUSY,		/* status busy */
	VERDICT_FULL,		/* at capacity */
	VERDICT_OFF_SHIFT,	/* outside the agent's own schedule */
	VERDICT_UNKNOWN,	/* referenced but not in the snapshot */
	VERDICT_NO_MATCH,	/* a rule whose condition is false */
	VERDICT_CLOSED,		/* the entry is outside business hours */
	VERDICT_EXCLUDED,	/* refused just now (WeCom said 95019) */
	VERDICT_HELD,		/* busy or full, and waited for (hold) */
	VERDICT__MAX
};

#define DECIDE_TRACE_MAX	64

struct decide_trace_item {
	enum step	 step;
	char		 what[96];	/* "rule:3", "group:presale:least_busy" */
	const char	*agent_id;	/* NULL for rule/closed items */
	enum verdict	 verdict;
};

struct decide_trace {
	struct decide_trace_item items[DECIDE_TRACE_MAX];
	size_t		 n;
	int		 truncated;
};

struct decide_input {
	const struct snap	*snap;
	const struct snap_entry	*entry;
	const struct decide_customer *customer;	/* NULL: anonymous */
	const struct snap_group	*global_group;	/* NULL: none */
	enum strategy		 global_strategy;
	const char		*default_tz;	/* for rules without a schedule */
	time_t			 now;
	uint32_t		 random;	/* for STRAT_RANDOM */
	sched_localtime_fn	 localtime;
	struct decide_trace	*trace;		/* NULL: no trace */
	/* Agents not to choose this time (ids), e.g. refused by WeCom. */
	const char *const	*exclude;
	size_t			 nexclude;
	/*
	 * 1: a preferred person (rule, designated, account manager,
	 * sticky) who is busy or full, not offline, is waited for instead
	 * of falling back to a group or nobody (life.h, widen_after_s).
	 */
	int			 hold;
};

struct decide_result {
	const struct snap_agent	*agent;		/* NULL: nobody */
	enum decide_reason	 reason;
	const struct snap_rule	*rule;		/* REASON_RULE */
	const struct snap_group	*group;		/* group the agent came from */
	size_t			 group_index;	/* the agent's place in it */
	enum strategy		 strategy;
	int			 fallback;	/* someone preferred was skipped */
	const struct snap_agent	*designated;	/* the first one skipped */
	enum verdict		 designated_verdict;
	enum notice_kind	 notice;
	time_t			 next_open;	/* none:closed; else -1 */
	/*
	 * Held: agent is the preferred person, busy or full now, whom the
	 * chat waits for (NOTICE_HOLD); reason says how they were chosen.
	 */
	int			 hold;
};

void	 decide(const struct decide_input *, struct decide_result *);
/* "rule:3", "designated", "group:presale:least_busy", "none:offline"... */
void	 decide_reason_text(const struct decide_result *, char *, size_t);
const char *decide_verdict_name(enum verdict);
/*
 * Can agent a take a chat of in->entry now (in->exclude, status, shift,
 * capacity)? designated: a, as one of the entry's designated people, may
 * go over capacity when the entry allows it. VERDICT_AVAILABLE if so.
 */
enum verdict decide_availability(const struct decide_input *,
	    const struct snap_agent *a, int designated);
/* 1 when a is one of e's designated people. */
int	 decide_is_designated(const struct snap *, const struct snap_entry *e,
	    const struct snap_agent *a);

#endif
