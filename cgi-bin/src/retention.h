/*
 * Retention: what kfroute keeps and for how long ([retention] in the
 * config), done once per run of `kfctl retention` (a daily cron line or
 * systemd timer) with the admin database account.
 *
 * Every purge deletes in batches of [retention] batch rows, each batch
 * its own short statement, so a large backlog never holds a lock for
 * long. Minute statistics are not deleted but rolled up into hourly rows
 * (kf_stat_hour), one whole hour per transaction; the admin statistics
 * read both tables, so totals are the same before and after.
 */
#ifndef KF_RETENTION_H
#define KF_RETENTION_H

#include <time.h>

struct cfg;
struct store;

/* The tables a run looks after, in the order it does them. */
enum retention_step {
	RET_WECOM_MSG,		/* done/failed messages past wecom_msg_days */
	RET_WECOM_SESSION,	/* idle sessions past wecom_session_days */
	RET_WECOM_LEG,		/* legs ended before wecom_session_days */
	RET_STAT_MINUTE,	/* minutes past stats_minute_days -> hours */
	RET_AUDIT,		/* changes past audit_days */
	RET_THROTTLE,		/* failed logins past throttle_days */
	RET_ADMIN_SESSION,	/* expired operator sessions ([admin]) */
	RET_COMMIT,		/* commit claims no ticket can reach */
	RET_LAST_AGENT,		/* sticky past [routing] sticky_days */
	RET__MAX
};

/* What one step did. */
struct retention_result {
	enum retention_step	 step;
	const char		*table;		/* "kf_audit" */
	int			 kept;		/* 1: set to keep for ever */
	unsigned long long	 rows;		/* deleted, or minutes rolled up */
	unsigned long long	 hours;		/* RET_STAT_MINUTE: hours written */
	char			 rule[128];	/* what goes, in words */
};

/* Called after each step that finished; the result is the caller's to
 * read during the call only. */
typedef void	(*retention_fn)(void *arg, const struct retention_result *);

enum retention_rc {
	RETENTION_OK,
	RETENTION_BUSY,		/* another run holds the lock: nothing done */
	RETENTION_DB,		/* a statement failed (store_error says why) */
};

/*
 * Every step once, in enum order, at time now (unix seconds). On
 * RETENTION_DB, err holds "<table>: database error[: <server's message>]"
 * (steps before it stay done, that step's completed batches too; a
 * roll-up transaction is all or nothing). One run at a time per database
 * (a named lock).
 */
enum retention_rc retention_run(const struct cfg *, struct store *,
		    time_t now, retention_fn, void *arg, char *err,
		    size_t errlen);

/*
 * The instant before which rows older than days go: now - days * 86400,
 * or -1 when days is 0 (keep for ever).
 */
time_t	 retention_cutoff(time_t now, int days);
/*
 * The roll-up's cut-off: the start of the UTC hour holding
 * now - days * 86400, so only whole hours are rolled up; -1 for 0.
 */
time_t	 retention_rollup_cutoff(time_t now, int days);
/* The start of t's UTC hour (t >= 0). */
time_t	 retention_hour(time_t t);

#endif
