/*
 * The WeCom integration's tables (SQL in store_wecom.c, run by store.c's
 * engine): the shared access token, kf accounts and links, the news each
 * callback brings, the messages pulled and their work, the customers'
 * sessions, presence and load from WeCom's events.
 *
 * Every function returns STORE_OK, STORE_NOTFOUND where said, or
 * STORE_ERR (logged; a lost connection is dropped, the next call uses a
 * fresh one).
 */
#ifndef KF_STORE_WECOM_H
#define KF_STORE_WECOM_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "snap.h"
#include "store.h"

/* The shared access token (see wecom.c); key: sha256(corp, secret). */
enum store_rc	 store_wecom_token_get(struct store *, const char *key,
		    char *token, size_t len, time_t *expires);
enum store_rc	 store_wecom_token_put(struct store *, const char *key,
		    const char *corp_id, const char *token, time_t expires);
enum store_rc	 store_wecom_token_drop(struct store *, const char *key,
		    const char *token);

/* kf accounts and contact links (wsync.c: kfctl wecom sync-accounts and
 * the worker's sync requests). */
enum store_rc	 store_wecom_account_put(struct store *, const char *open_kfid,
		    const char *name);
/* Stores a link once; an existing (account, scene) keeps its link. */
enum store_rc	 store_wecom_link_put(struct store *, const char *open_kfid,
		    const char *scene, const char *url);
/* Each wecom_kf entry: scene NULL when none is usable, link NULL if none
 * stored yet, known when its account is among the synced ones. */
typedef void	(*store_wecom_entry_fn)(void *arg, const char *entry,
		    const char *open_kfid, const char *scene, const char *link,
		    int known);
enum store_rc	 store_wecom_entries(struct store *, store_wecom_entry_fn,
		    void *);
/* Each stored kf account's open_kfid. */
enum store_rc	 store_wecom_accounts(struct store *, store_text_fn, void *);
/* The wecom_kf entry of a kf account and scene (NOTFOUND if none). */
enum store_rc	 store_wecom_entry_by_scene(struct store *,
		    const char *open_kfid, const char *scene, char *entry,
		    size_t len);

/* ---- news and pulling ------------------------------------------------ */

/* A callback: account open_kfid has news; token is its sync token. */
enum store_rc	 store_wecom_news(struct store *, const char *open_kfid,
		    const char *token);
/* An account with news to pull now. */
struct store_wecom_due {
	char		 open_kfid[65];
	char		 token[129];	/* "" when the last one has expired */
	unsigned long long news_seq;	/* what a pull now covers */
};
typedef void	(*store_wecom_due_fn)(void *arg,
		    const struct store_wecom_due *);
/* Accounts with news not pulled yet whose back-off has passed. */
enum store_rc	 store_wecom_news_due(struct store *, store_wecom_due_fn,
		    void *);
/* The pull covered news up to seq (a later callback keeps it pending). */
enum store_rc	 store_wecom_pulled(struct store *, const char *open_kfid,
		    unsigned long long seq);
/* The pull failed: try again after delay_ms, doubled for each failure in
 * a row (a minute at most); error is kept for the status. */
enum store_rc	 store_wecom_pull_failed(struct store *, const char *open_kfid,
		    const char *error, int delay_ms);

/* sync_msg: the stored cursor per kf account ("" when none yet). */
enum store_rc	 store_wecom_cursor_get(struct store *, const char *open_kfid,
		    char *cursor, size_t len);
enum store_rc	 store_wecom_cursor_put(struct store *, const char *open_kfid,
		    const char *cursor);

/* ---- messages: recorded, then worked at least once ------------------- */

/*
 * Record a pulled message (payload: its JSON) to be worked; one seen
 * before is left as it is. event_type and external_userid may be NULL.
 */
enum store_rc	 store_wecom_msg_record(struct store *, const char *msgid,
		    const char *open_kfid, const char *msgtype,
		    const char *event_type, const char *external_userid,
		    const char *payload);
/* Accounts with messages waiting (new, retry due, or a lease run out). */
enum store_rc	 store_wecom_msg_accounts(struct store *, store_text_fn,
		    void *);
/* A message ready to be worked, in arrival order per customer. */
typedef void	(*store_wecom_msg_fn)(void *arg, const char *msgid,
		    const char *payload, unsigned attempts);
/*
 * The account's messages ready now: new, a retry whose time has come, or
 * one whose worker's lease ran out, and not behind an unfinished earlier
 * message of the same customer. At most limit.
 */
enum store_rc	 store_wecom_msg_ready(struct store *, const char *open_kfid,
		    unsigned limit, store_wecom_msg_fn, void *);
/* Take a ready message for lease_s seconds: OK, or NOTFOUND (taken). */
enum store_rc	 store_wecom_msg_take(struct store *, const char *msgid,
		    int lease_s);
enum store_rc	 store_wecom_msg_done(struct store *, const char *msgid);
/* Again after delay_ms; error (may be NULL) is kept for the status. */
enum store_rc	 store_wecom_msg_retry(struct store *, const char *msgid,
		    int delay_ms, const char *error);
/* Given up (a poison message, or too many tries). */
enum store_rc	 store_wecom_msg_failed(struct store *, const char *msgid,
		    const char *error);

/* ---- customers' sessions --------------------------------------------- */

/* A customer's WeCom session ("" for none). */
struct store_wecom_session {
	char	 entry[65];
	char	 ticket_agent[65];	/* the ticket's person */
	char	 agent[65];		/* chosen on entering, then assigned */
	char	 told[65];		/* whom the customer was last told */
	char	 ticket[129];		/* the scene_param ticket, if valid */
	/* What the handoff did (get only): the message that moved it, a
	 * msg_code not spent yet and its text, waiting in the pool. */
	char	 handoff_msgid[65];
	char	 handoff_code[129];
	char	 handoff_text[1024];
	char	 handoff_reason[161];
	int	 handoff_fallback;
	int	 pooled;
	int	 greeted;	/* STORE_GREETED_* */
	/* After the first transfer (life.h), get only: codes kept for one
	 * later message each (the pool's while waiting, the person's while
	 * with a person); when a person got it (unix ms, 0: none). Holds
	 * and queue places are read with the pool (store_wecom_pooled). */
	char	 pool_code[129];
	char	 person_code[129];
	int64_t	 assigned_ms;
	int	 ended;		/* the chat ended (WeCom said so) */
	char	 move_why[17];	/* a re-route/take-back under way, or "" */
};

/* What the greeting on entering told the customer. */
enum {
	STORE_GREETED_NOT,	/* no greeting (no code, or it expired) */
	STORE_GREETED_PERSON,	/* "正在为您接入{agent}…" */
	STORE_GREETED_NOBODY,	/* why nobody can answer now */
	STORE_GREETED_HOLD,	/* "{agent}正在接待其他客户…" (held) */
};
/* Bind on entering: entry, ticket_agent, agent, told, ticket. */
enum store_rc	 store_wecom_session_put(struct store *, const char *open_kfid,
		    const char *external_userid,
		    const struct store_wecom_session *);
/* NOTFOUND: no session opened from our links. */
enum store_rc	 store_wecom_session_get(struct store *,
		    const char *open_kfid, const char *external_userid,
		    struct store_wecom_session *);
/* The handoff happened: who, why, and what may still be sent. */
struct store_wecom_handoff {
	int		 pooled;	/* into the waiting pool */
	const char	*agent;		/* NULL: nobody (pool, or unknown) */
	const char	*msgid;		/* the message that moved it */
	const char	*code;		/* msg_code not spent yet, or NULL */
	const char	*text;		/* to send with it, or NULL */
	const char	*reason;
	int		 fallback;
	/* Pooled and held for this person (NULL: not held) hold_s more
	 * seconds; the queue position told on entering (0: none); whom the
	 * customer is told now (NULL: unchanged). */
	const char	*told;
	const char	*hold_agent;
	int		 hold_s;
	unsigned	 queue_told;
	/* A person got it: their leg's via ("handoff", "pool", "hold",
	 * "widen", "manual", "recovered"; NULL: handoff) and when to look
	 * again (life_due_s: seconds, LIFE_DUE_NONE, LIFE_DUE_OFFLINE). */
	const char	*via;
	int		 due_s;
};
/*
 * The handoff, in one transaction: the session's record and, when a
 * person got it, the leg that ends (transferred) and theirs that begins.
 */
enum store_rc	 store_wecom_session_handoff(struct store *,
		    const char *open_kfid, const char *external_userid,
		    const struct store_wecom_handoff *);
/* From one person to another (re-route, take back, by hand). */
struct store_wecom_move {
	const char	*from;		/* must still have it; NULL: it must
					   wait in the pool */
	const char	*end_reason;	/* missed, taken_back, transferred */
	const char	*agent;		/* the next person */
	const char	*via;		/* reroute, take_back, manual */
	const char	*told;		/* the customer was told; NULL: not */
	int		 due_s;		/* as in the handoff */
	int		 code_spent;	/* the person code was spent */
	/* The load moves too (NULL: not here; an event of WeCom's does). */
	const char	*from_userid, *to_userid;
};
/* NOTFOUND: the session is no longer with from (someone else moved it). */
enum store_rc	 store_wecom_session_move(struct store *,
		    const char *open_kfid, const char *external_userid,
		    const struct store_wecom_move *);
/*
 * A re-route or take-back (why) of the chat agent has is about to ask
 * WeCom: recorded first. NOTFOUND: the chat is no longer agent's, or
 * answered.
 */
enum store_rc	 store_wecom_session_intent(struct store *,
		    const char *open_kfid, const char *external_userid,
		    const char *agent, const char *why);
/* Looked at, could not act: the timers leave it alone this long. */
enum store_rc	 store_wecom_session_retry(struct store *,
		    const char *open_kfid, const char *external_userid,
		    int seconds);
/* Each person this chat already went from unanswered (missed, taken
 * back), since the customer entered. */
enum store_rc	 store_wecom_session_missed_by(struct store *,
		    const char *open_kfid, const char *external_userid,
		    store_text_fn, void *);
/* The servicer userid's message (WeCom send_time, unix s): the first
 * one of the chat's person is their first reply; it ends the watch and
 * their misses in a row. NOTFOUND: not the first, or not theirs. */
enum store_rc	 store_wecom_session_reply(struct store *,
		    const char *open_kfid, const char *external_userid,
		    const char *userid, long long send_time);
/* One chat less for the agent with that (kfroute) id. */
enum store_rc	 store_wecom_unload(struct store *, const char *agent);
/* The kfroute agent id of a WeCom userid (NOTFOUND: none). */
enum store_rc	 store_wecom_agent_of(struct store *, const char *userid,
		    char *id, size_t len);
/* The chat ended (WeCom): its leg too; nothing is watched any more. */
enum store_rc	 store_wecom_session_ended(struct store *,
		    const char *open_kfid, const char *external_userid);
/* Look at the chat again in seconds, or LIFE_DUE_NONE/OFFLINE. */
enum store_rc	 store_wecom_session_due(struct store *,
		    const char *open_kfid, const char *external_userid,
		    int seconds);
/* Queue position pos told, with the pool code if code_spent. */
enum store_rc	 store_wecom_session_told(struct store *,
		    const char *open_kfid, const char *external_userid,
		    unsigned pos, int code_spent);
/* The handoff's code was not needed: kept for one later message. */
enum store_rc	 store_wecom_session_code_keep(struct store *,
		    const char *open_kfid, const char *external_userid);
/* A chat with a person that the timers must look at now. */
struct store_wecom_watched {
	const char	*open_kfid, *external_userid, *entry, *agent;
	int64_t		 assigned_ms;
	int		 offline;	/* the person is offline */
};
typedef void	(*store_wecom_watch_fn)(void *arg,
		    const struct store_wecom_watched *);
/* Due or offline (take_back: the [lifecycle] default), oldest first. */
enum store_rc	 store_wecom_watch_due(struct store *, int take_back,
		    unsigned limit, store_wecom_watch_fn, void *);
/* Each account with a session waiting in the pool. */
enum store_rc	 store_wecom_pool_accounts(struct store *, store_text_fn,
		    void *);
/* Customers of entry waiting in the pool now. */
enum store_rc	 store_wecom_queue_len(struct store *, const char *entry,
		    unsigned *n);
/* agent missed a chat: their misses in a row, this one counted. */
enum store_rc	 store_wecom_missed(struct store *, const char *agent,
		    unsigned *misses);
/* After the greeting: what it said, and whom the customer was told. */
enum store_rc	 store_wecom_session_greeted(struct store *,
		    const char *open_kfid, const char *external_userid,
		    int greeted, const char *told);
/* The handoff's code was spent (or can no longer be). */
enum store_rc	 store_wecom_session_code_spent(struct store *,
		    const char *open_kfid, const char *external_userid);
/* Sessions of the account waiting in the pool, oldest first. */
struct store_wecom_pooled {
	const char	*external_userid, *entry;
	const char	*hold_agent;	/* held for; NULL: not held */
	int64_t		 hold_until_ms;
	unsigned	 queue_told;	/* position last told, 0: none */
	int		 pool_code;	/* a code is kept for one update */
	const char	*told;		/* whom the customer was told */
};
typedef void	(*store_wecom_pooled_fn)(void *arg,
		    const struct store_wecom_pooled *);
enum store_rc	 store_wecom_pooled(struct store *, const char *open_kfid,
		    unsigned limit, store_wecom_pooled_fn, void *);

/* ---- presence, load, refusals ---------------------------------------- */

/* From WeCom events, for the agent with that wecom_userid (NOTFOUND if
 * none): presence, and active sessions up or down by one. */
enum store_rc	 store_wecom_presence(struct store *, const char *userid,
		    enum agent_status);
enum store_rc	 store_wecom_load(struct store *, const char *userid,
		    int delta);
/* Receiving in WeCom: an offline agent becomes online (busy stays). */
enum store_rc	 store_wecom_receiving(struct store *, const char *userid);
/* 95014: userid is no servicer of this account (until cleared). */
enum store_rc	 store_wecom_refusal_add(struct store *, const char *open_kfid,
		    const char *userid);
enum store_rc	 store_wecom_refusal_clear(struct store *, const char *userid);
enum store_rc	 store_wecom_refusals(struct store *, const char *open_kfid,
		    store_text_fn, void *);

/* ---- status (kfctl wecom status, /wecom/healthz) --------------------- */

struct store_wecom_status {
	const char	*open_kfid;
	const char	*cursor;	/* NULL: none yet */
	const char	*pulled_at;	/* last successful pull, UTC, or NULL */
	const char	*last_error;	/* NULL: none */
	const char	*last_error_at;
	unsigned	 fails;		/* pulls failed in a row */
	unsigned	 backlog;	/* messages not done yet */
	unsigned	 retried;	/* messages tried more than once, 24 h */
	unsigned	 skipped;	/* messages given up, 24 h */
	int		 stalled;	/* news or work waiting > 60 s */
};
typedef void	(*store_wecom_status_fn)(void *arg,
		    const struct store_wecom_status *);
enum store_rc	 store_wecom_status(struct store *, store_wecom_status_fn,
		    void *);

/* ---- sync requests from the admin page (wsync.h) --------------------- */

/*
 * Claim the open request for worker ("host:pid") for lease_s seconds:
 * OK with its id, NOTFOUND when none is waiting (or another worker won).
 */
enum store_rc	 store_wecom_sync_claim(struct store *, const char *worker,
		    int lease_s, char *id, size_t len);
/* Counts so far, and the lease moved on; NOTFOUND: no longer ours. */
enum store_rc	 store_wecom_sync_progress(struct store *, const char *id,
		    const char *worker, int accounts, int created,
		    int lease_s);
/* The result of a claimed request. */
struct store_wecom_sync_end {
	int		 failed;	/* the sync stopped: error says why */
	int		 accounts;	/* -1: the list never came */
	int		 created, problems;
	const char	*error;		/* Chinese; NULL when none */
	int		 errcode;	/* WeCom's, 0 when none */
};
enum store_rc	 store_wecom_sync_finish(struct store *, const char *id,
		    const char *worker, const struct store_wecom_sync_end *);
/* This host's worker is alive (its row: host, pid, beat time). */
enum store_rc	 store_wecom_worker_beat(struct store *, const char *host,
		    long pid);

#endif
