/*
 * The ticket: a signed, self-contained name for one quoted decision. It
 * travels in /api/contact's answer, comes back in POST /api/tap (the
 * commit) and, for WeCom entries, as the contact link's scene_param in the
 * enter_session event.
 *
 * Signed, not stored: quoting writes nothing and any host can check a
 * ticket without a lookup. Its MAC (22 characters) is its identity: the
 * commit records it once, so a ticket committed twice counts once.
 *
 *   2.<entry>.<agent or ->.<kind>.<unix time, base 36>.<nonce>.
 *     <customer or ->.<HMAC-SHA256 of all before, base64url, 16 bytes>
 *
 * kind is the entry's target type (p page, u url, w wecom_kf), the
 * fallback flag (0/1) and the reason (d designated, m account manager,
 * s sticky, g entry group, G global group, r<id> rule, o nobody online,
 * b nobody free, c closed, l link). The nonce (8 base64url characters, 48
 * random bits) keeps two customers' identical decisions in the same second
 * apart.
 *
 * At most 128 bytes, as WeCom's scene_param allows: when the ids are too
 * long together the customer is left out (no sticky on that commit), then
 * the agent. An agent or customer whose id is just "-" is left out too:
 * it would read back as nobody.
 */
#ifndef KF_TICKET_H
#define KF_TICKET_H

#include <time.h>

#include "decide.h"
#include "snap.h"

#define TICKET_MAX	128
#define TICKET_KEY_LEN	22	/* the MAC, base64url */

struct ticket {
	char			 entry[65];
	char			 agent[65];	/* "" for nobody */
	char			 customer[65];	/* "" for anonymous */
	enum target_type	 ttype;
	int			 fallback;
	enum decide_reason	 reason;
	long			 rule_id;	/* REASON_RULE */
	time_t			 at;		/* when quoted */
	char			 key[TICKET_KEY_LEN + 1];	/* the MAC */
};

/*
 * Sign t (entry, agent, customer, ttype, fallback, reason, rule_id, at)
 * into out with a fresh nonce; t->key gets the MAC, and t->agent and
 * t->customer are emptied when left out. 0, or -1 without a key, for ids
 * that are not identifiers, or when the entry alone does not fit.
 */
int	 ticket_make(const char *key, struct ticket *t,
	    char out[TICKET_MAX + 1]);
/*
 * 0 when s (len bytes, need not be NUL-terminated) is a well-formed ticket
 * signed with key, not older than max_age seconds nor more than 60 s from
 * the future; *t is filled in. -1 otherwise (*t then says nothing).
 */
int	 ticket_read(const char *key, const char *s, size_t len, time_t now,
	    int max_age, struct ticket *t);

#endif
