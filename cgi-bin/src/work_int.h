/*
 * Private to the WeCom worker: what work.c (events, the handoff, the
 * pool) and lifework.c (the timers after the first transfer) share. The
 * WeCom calls about one customer's session, the live state this process
 * knows at once, the quote's input for a session, and moving a session to
 * the first person who can take it.
 */
#ifndef KF_WORK_INT_H
#define KF_WORK_INT_H

#include <stddef.h>

#include "assign.h"
#include "snap.h"
#include "store.h"
#include "wecom.h"

struct pull;
struct decide_customer;
struct ticket;

#define TRANSFER_TRIES	5
#define EXCLUDE_MAX	(TRANSFER_TRIES + 32)

/* ---- WeCom calls ---- */

/* One text with a welcome_code or msg_code (one message per code). */
enum wecom_err	 work_send_code(struct pull *, const char *code,
		    const char *text);
/*
 * One text with send_msg (state 0 or 1 only, 5 per customer message);
 * msgid (≤ 32 of [0-9A-Za-z_-]) makes a retry send it once.
 */
enum wecom_err	 work_send_text(struct pull *, const char *kfid,
		    const char *user, const char *msgid, const char *text);
/* service_state/trans; msg_code (may be NULL) gets a code if one came. */
enum wecom_err	 work_transfer(struct pull *, const char *kfid,
		    const char *user, int state, const char *userid,
		    char *msg_code, size_t len);
/* The session's state (0 new ... 4 ended) and its servicer. */
enum wecom_err	 work_state(struct pull *, const char *kfid, const char *user,
		    int *state, char *servicer, size_t len);

/* rc (with the errcode WeCom gave for it) says "no such session": the
 * only answer that means a chat is over (95013). */
int		 work_no_session(struct pull *, enum wecom_err rc);

/* ---- live state ---- */

/* The snapshot's agent with that WeCom userid (NULL: none). */
const struct snap_agent *work_agent_by_userid(const struct snap *,
		    const char *userid);
/* This worker's snapshot follows a presence change at once. */
void		 work_local_presence(struct pull *, const char *userid,
		    enum agent_status);

/* A chat more (+1) or less (-1) for userid, stored and in this
 * worker's snapshot at once (NOTFOUND: no such agent). */
enum store_rc	 work_load(struct pull *, const char *userid, int delta);
/* The same in this worker's snapshot only (stored elsewhere). */
void		 work_local_load(struct pull *, const char *userid, int delta);

/* ---- the quote for a session ---- */

/*
 * The quote's input for a session of entry (see work.c). *snapp is the
 * cache's snapshot, held until cache_release(p->cache). -1 (nothing
 * held) when the entry is unknown or the database cannot answer.
 */
int		 work_session_in(struct pull *, const char *entry,
		    const struct ticket *, const char *user,
		    const char *promised, struct decide_customer *cbuf,
		    struct assign_in *, struct snap **snapp);

/* People not to offer this time: refused by WeCom, or the one leaving. */
struct work_refused {
	const struct snap	*snap;
	char			 ids[EXCLUDE_MAX][65];
	const char		*exclude[EXCLUDE_MAX];
	size_t			 n;
};
void		 work_refuse(struct work_refused *, const char *agent_id);
/* The account's remembered refusals (95014) into r; -1: database. */
int		 work_refusals(struct pull *, const char *kfid,
		    struct work_refused *);
/*
 * Move the session to the first person who can take it (state 3; from
 * 0/1, the pool, or another person): the promised one if possible, else
 * the engine's choice, the refused excluded. q->d.agent is NULL when
 * nobody could; a hold decision is returned as it is, nothing moved.
 */
enum wecom_err	 work_move_to_person(struct pull *, const char *kfid,
		    const char *user, struct assign_in *,
		    struct work_refused *, struct assign_quote *, char *code,
		    size_t len);

#endif
