/*
 * The assignment pipeline: the one place a tap becomes a decision and a
 * decision becomes a handoff, for every caller (the public API, preview
 * and kfctl, the WeCom callback). Two steps:
 *
 *   quote   who would take this tap now: the routing engine's decision
 *           with its reason, notice and next opening, and a signed ticket
 *           naming it. No side effect at all: quoting the same entry twice
 *           with nothing else changed gives the same decision.
 *   commit  the decision really happened (a reported tap, a WeCom transfer
 *           or move to the pool, a /go/ redirect, the seed API's call):
 *           last assignment and with it round robin and longest idle move,
 *           sticky is recorded, and it is counted. Once per ticket or key,
 *           across processes and hosts.
 *
 * Web-page entries (target url) are not routed to people: their quote
 * names nobody, with reason "link" and no notice, and their taps count as
 * link taps.
 */
#ifndef KF_ASSIGN_H
#define KF_ASSIGN_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "decide.h"
#include "ticket.h"

struct arena;
struct cfg;
struct snap;
struct store;

/* What one quote needs. Everything is borrowed for the call. */
struct assign_in {
	const struct cfg		*cfg;
	const struct snap		*snap;
	const struct snap_entry		*entry;
	const struct decide_customer	*customer;	/* NULL: anonymous */
	time_t				 now;
	uint32_t			 random;	/* STRAT_RANDOM */
	/*
	 * A promise to keep (WeCom): the person the customer was told, and
	 * the ticket's decision when there was one (NULL: none). When that
	 * person can still take the chat, the quote is theirs with the
	 * promise's reason; only otherwise does the engine choose again.
	 */
	const char			*promised;
	const struct ticket		*promise;
	const char *const		*exclude;	/* refused just now */
	size_t				 nexclude;
	/* 1: never hold (the wait is over: widen); else the entry's
	 * widen_after_s decides (life.h). */
	int				 no_hold;
	struct decide_trace		*trace;		/* NULL: none */
	struct arena			*arena;		/* the notice's text */
};

struct assign_quote {
	const struct snap_entry	*entry;
	struct decide_result	 d;		/* d.agent NULL: nobody */
	int			 link;		/* web page: nobody by design */
	int			 kept;		/* the promised person */
	/* d.hold: the chat waits this long for d.agent (busy or full). */
	int			 hold_s;
	char			 reason[160];	/* "designated", "link"... */
	const char		*notice;	/* NULL: none (link) */
	char			 next_open[64];	/* ISO 8601, "" for none */
	char			 next_open_text[64];
	/* The decision as a ticket ("" without a ticket key). */
	struct ticket		 t;
	char			 ticket[TICKET_MAX + 1];
};

/* Decide, with no side effect. Never fails: nobody is a decision too. */
void	 assign_quote(const struct assign_in *, struct assign_quote *);

/* What happened, for the commit. */
enum assign_event {
	ASSIGN_TAP,	/* the customer tapped: reported, /go/, the seed API */
	ASSIGN_HANDOFF,	/* WeCom moved the session to a person or the pool */
	ASSIGN_MOVE,	/* a chat moved on after its handoff (re-route,
			   take back): the turn and sticky move, no count */
};

struct assign_commit {
	enum assign_event	 event;
	enum target_type	 ttype;	/* the entry's */
	const char		*entry;
	const char		*agent;		/* NULL or "": nobody */
	const char		*reason;	/* as in the quote */
	int			 fallback;
	const char		*customer;	/* sticky under this key; NULL */
	const char		*customer2;	/* and this one (WeCom); NULL */
	/* Once-only key (a ticket's MAC, a msgid); NULL: always counts. */
	const char		*key;
	time_t			 at;
};

enum assign_rc {
	ASSIGN_DONE,	/* committed now */
	ASSIGN_REPEAT,	/* the key was committed before: nothing changed */
	ASSIGN_DB,	/* the database failed; nothing was written */
};

/*
 * Commit, in one transaction. A page tap and a WeCom handoff move the
 * agent's last assignment (round robin, longest idle) and sticky and count
 * as handoffs; a WeCom tap counts as a tap (its handoff comes later); a
 * web-page tap counts as a link tap. local (may be NULL) is this process's
 * snapshot, updated at once so its next quote sees the move; other
 * processes see it within the staleness bound.
 */
enum assign_rc assign_commit(struct store *, struct snap *local,
	    const struct assign_commit *);

/*
 * Purge commit claims older than every ticket, at most every ten minutes
 * (call it outside requests: after a response, when idle).
 */
void	 assign_housekeeping(const struct cfg *, struct store *,
	    int64_t now_ms);
/*
 * Seconds a commit claim must be kept: every ticket that could still be
 * committed ([ticket] max_age) is younger, with a margin for clocks.
 */
int	 assign_claim_ttl(const struct cfg *);

/*
 * A ticket's decision as a commit (entry, agent, reason text, fallback,
 * customer, key). The reason text takes the group from snap's entry when
 * the ticket names a group (NULL snap: "group"); buf holds the text.
 */
void	 assign_from_ticket(const struct cfg *, const struct snap *,
	    const struct ticket *, enum assign_event, time_t now,
	    struct assign_commit *, char *buf, size_t len);

#endif
