/*
 * Private to the store: the statement tables kept apart from the engine
 * (store.c) by concern, and how they reach the engine. Each table says
 * which of its statements must never run twice (a retry after a lost
 * connection could double a count or a claim).
 */
#ifndef KF_STORE_SQL_H
#define KF_STORE_SQL_H

#include <stddef.h>

#include "store.h"

/*
 * Entry alias e's target as a WeCom table's key (kf_wecom_link,
 * kf_wecom_account): target is utf8mb4, open_kfid ascii; compared as they
 * are, the key goes unused and each entry reads every row (minutes with
 * 100,000 entries and 20,000 links).
 */
#define OPEN_KFID_OF(e) \
	"CONVERT(" e ".target USING ascii) COLLATE ascii_bin"

/* The admin program's queries: store_admin.c, indexed by enum store_q. */
extern const char *const store_q_sql[];
/* 1 for queries that write (never retried after a lost connection). */
int	 store_q_write(int q);

/* The WeCom program's statements: store_wecom.c. */
enum store_w {
	W_TOKEN_GET, W_TOKEN_PUT, W_TOKEN_DROP,
	W_ACCOUNT_PUT, W_LINK_PUT, W_ENTRIES, W_ACCOUNTS, W_ENTRY_BY_SCENE,
	W_NEWS, W_NEWS_DUE, W_PULLED, W_PULL_FAILED,
	W_CURSOR_GET, W_CURSOR_PUT,
	W_MSG_RECORD, W_MSG_ACCOUNTS, W_MSG_READY, W_MSG_TAKE, W_MSG_DONE,
	W_MSG_RETRY, W_MSG_FAILED,
	W_SESSION_PUT, W_SESSION_GET, W_SESSION_HANDOFF, W_SESSION_SPENT,
	W_SESSION_GREETED,
	W_POOLED,
	W_SESSION_KEEP, W_SESSION_MOVE, W_SESSION_REPLY, W_SESSION_ENDED,
	W_SESSION_DUE, W_SESSION_TOLD, W_SESSION_INTENT, W_SESSION_RETRY,
	W_LEG_MISSED,
	W_LEG_OPEN, W_LEG_CLOSE, W_LEG_REPLY, W_WATCH_DUE,
	W_AGENT_OF, W_UNLOAD, W_POOL_ACCOUNTS, W_QUEUE_LEN, W_MISS, W_MISSES, W_MISSES_RESET,
	W_PRESENCE, W_LOAD, W_RECEIVING,
	W_REFUSAL_ADD, W_REFUSAL_CLEAR, W_REFUSALS,
	W_STATUS,
	W_SYNC_CLAIM, W_SYNC_CLAIMED, W_SYNC_PROGRESS, W_SYNC_FINISH,
	W_WORKER_BEAT,
	W__MAX
};
extern const char *const store_w_sql[];
int	 store_w_once(int w);

/* The engine for those: rows as text columns (see store.c's run()). */
enum store_rc	 store_w_run(struct store *, enum store_w,
		    const char *const *params, unsigned n, store_row_fn,
		    void *arg);
/* The first column of the first row: OK, NOTFOUND ("" in out), ERR. */
enum store_rc	 store_w_text(struct store *, enum store_w,
		    const char *const *params, unsigned n, char *out,
		    size_t len);

#endif
