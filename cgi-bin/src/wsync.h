/*
 * Syncing WeCom kf accounts and their contact links: every kf account of
 * the app stored, and a link made (kf/add_contact_way) for each wecom_kf
 * entry that has none. One module for `kfctl wecom sync-accounts` and for
 * the WeCom worker, which runs the sync the admin page requests (the
 * admin program holds no WeCom secret: it only records the request).
 */
#ifndef KF_WSYNC_H
#define KF_WSYNC_H

#include <stddef.h>

#include "wecom.h"

struct store;

/* What happened to one entry (or, for WSYNC_ACCOUNTS, the account list). */
enum wsync_event {
	WSYNC_ACCOUNTS,		/* n accounts stored */
	WSYNC_NO_SCENE,		/* id over 32 characters, no wecom_scene */
	WSYNC_UNKNOWN_ACCOUNT,	/* its open_kfid is none of the app's */
	WSYNC_LINK_OK,		/* it had its link */
	WSYNC_LINK_CREATED,
	WSYNC_LINK_FAILED,	/* errcode says why */
};

/* Called as the sync goes; entry and kfid are "" for WSYNC_ACCOUNTS. */
typedef void	(*wsync_report_fn)(void *arg, enum wsync_event,
		    const char *entry, const char *kfid, int n, int errcode);

struct wsync_result {
	int		 failed;	/* stopped early: error says why */
	int		 accounts;	/* stored; -1 when the list never came */
	int		 created;	/* links made now */
	int		 problems;	/* entries left without a link */
	int		 errcode;	/* WeCom's, of the failure or last problem */
	char		 error[256];	/* Chinese, for the page; "" if none */
};

/*
 * The sync. 0 done (problems may remain: see result), -1 stopped (the
 * account list failed, or the database). report may be NULL.
 */
int		 wsync_run(struct store *, struct wecom *, wsync_report_fn,
		    void *, struct wsync_result *);

/* The worker's side of the page's requests (kf_wecom_sync). */
struct wsync_worker {
	struct store	*store;
	struct wecom	*wecom;
	char		 name[160];	/* "host:pid": who claimed a request */
	char		 host[128];
	long		 pid;
	long long	 beat_ms, look_ms;	/* last heartbeat, last look */
};
void		 wsync_worker_init(struct wsync_worker *, struct store *,
		    struct wecom *);
/*
 * Called from the worker's loop: a heartbeat every few seconds and, at
 * most every second, a look for a pending request, which it claims, runs
 * and records. 1 when it ran one, 0 when none, -1 database failure.
 */
int		 wsync_worker_pass(struct wsync_worker *, long long now_ms);

/* A WeCom failure in Chinese, for operators. */
const char	*wsync_strerror_zh(enum wecom_err);

#endif
