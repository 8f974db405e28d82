/*
 * The WeCom puller: what happens after a callback has been answered.
 *
 *   callback (kfwecom)  records "account X has news (sync token T)" and
 *                       answers; nothing slow runs in the request.
 *   pull                kf/sync_msg page by page; every message of a page
 *                       is recorded (kf_wecom_msg, state new) before the
 *                       cursor moves past it; a page too large for the
 *                       answer cap is asked for again in smaller pages.
 *   work                each recorded message is taken under a lease and
 *                       worked (work.c): done, retried later with back-off
 *                       on a transient failure, or given up (a poison
 *                       message) with a log line. A customer's messages
 *                       are worked in order.
 *
 * So a message is worked at least once, whatever fails or is killed
 * between the callback and the action; the actions are written to be
 * safe to repeat. Several pullers (hosts) may run: a per-account database
 * lock keeps one pull at a time, leases one worker per message.
 *
 * Where it runs: `kfctl wecom worker` (always running, under FastCGI and
 * for retries), or the CGI callback process itself after answering.
 */
#ifndef KF_PULL_H
#define KF_PULL_H

#include <stdint.h>

struct arena;
struct cache;
struct cfg;
struct store;
struct wecom;

struct pull {
	const struct cfg	*cfg;	/* not owned; nor are the next three */
	struct store		*store;
	struct wecom		*wecom;
	struct cache		*cache;	/* routing data for the actions */
	struct arena		*arena;	/* owned; reset after each message */
	int64_t			 pool_ms;	/* last pool pass, ms */
	int64_t			 watch_ms;	/* last timers pass, ms */
	unsigned		 worked;	/* messages done, for logs/tests */
};

void	 pull_init(struct pull *, const struct cfg *, struct store *,
	    struct wecom *, struct cache *);
void	 pull_free(struct pull *);
/*
 * One pass over everything due: accounts with news are pulled, ready
 * messages worked, waiting pools offered to whoever can take them now.
 * Returns 1 when something was done (call again at once), 0 when idle,
 * -1 when the database could not be asked.
 */
int	 pull_pass(struct pull *);
/* The same for one account only (the CGI callback, after its answer). */
int	 pull_account(struct pull *, const char *open_kfid);

#endif
