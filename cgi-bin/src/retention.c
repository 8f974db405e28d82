/*
 * kfctl retention's work (see retention.h): purges in batches and the
 * roll-up of minute statistics into hours. The SQL is in store_admin.c
 * (Q_RET_*); this file decides cut-offs and loops.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "assign.h"
#include "cfg.h"
#include "log.h"
#include "retention.h"
#include "store.h"
#include "util.h"

#define DAY_S	86400
#define HOUR_S	3600

time_t
retention_hour(time_t t)
{
	return t - t % HOUR_S;
}

time_t
retention_cutoff(time_t now, int days)
{
	return days == 0 ? -1 : now - (time_t)days * DAY_S;
}

time_t
retention_rollup_cutoff(time_t now, int days)
{
	return days == 0 ? -1 : retention_hour(retention_cutoff(now, days));
}

/* One run: its settings and the batch size as a statement parameter. */
struct run {
	const struct cfg	*cfg;
	struct store		*s;
	time_t			 now;
	char			 batch[16];
};

static void
num(char *buf, size_t len, long long v)
{
	snprintf(buf, len, "%lld", v);
}

/*
 * DELETE ... LIMIT batch, again and again until one deletes nothing:
 * each statement is its own short transaction (autocommit). Rows
 * deleted are added to *rows.
 */
static enum store_rc
purge(struct run *r, enum store_q q, const char *const *params, unsigned n,
    unsigned long long *rows)
{
	do {
		if (store_q_exec(r->s, q, params, n) != STORE_OK)
			return STORE_ERR;
		*rows += store_affected(r->s);
	} while (store_affected(r->s) > 0);
	return STORE_OK;
}

/*
 * A table kept `days` days (the setting key): its statement takes the
 * cut-off ncut times (1 or 2), then the batch size. what adds to the rule
 * ("" or ", done or failed").
 */
static enum store_rc
purge_days(struct run *r, struct retention_result *res, enum store_q q,
    unsigned ncut, int days, const char *key, const char *what)
{
	char		 cut[24];
	const char	*p[3] = { cut, cut, r->batch };

	if (days == 0) {
		res->kept = 1;
		snprintf(res->rule, sizeof(res->rule), "kept for ever (%s = 0)",
		    key);
		return STORE_OK;
	}
	snprintf(res->rule, sizeof(res->rule), "older than %d days (%s)%s",
	    days, key, what);
	num(cut, sizeof(cut), (long long)retention_cutoff(r->now, days));
	p[ncut] = r->batch;
	return purge(r, q, p, ncut + 1, &res->rows);
}

struct number {
	long long	 v;
	int		 found;		/* 0: no row, or NULL */
};

static int
row_number(void *arg, char **col, unsigned n)
{
	struct number	*nb = arg;

	if (n < 1)
		return -1;
	if (col[0] == NULL)
		return 0;
	if (util_parse_llong(col[0], 0, 0x7fffffffffffffffLL, &nb->v) == -1)
		return -1;
	nb->found = 1;
	return 0;
}

/* A query answering one number: found 0 when it answered none or NULL. */
static enum store_rc
q_number(struct run *r, enum store_q q, const char *const *params,
    unsigned n, struct number *nb)
{
	memset(nb, 0, sizeof(*nb));
	return store_q_rows(r->s, q, params, n, row_number, nb);
}

/*
 * One hour's minutes into kf_stat_hour, in one transaction: all of them
 * or nothing, so a run cut short or repeated never counts twice. Adds the
 * minute rows moved to *rows; *moved is 1 when there were any.
 */
static enum store_rc
rollup_hour(struct run *r, time_t hour, unsigned long long *rows, int *moved)
{
	char		 h0[24], h1[24];
	const char	*range[2] = { h0, h1 }, *ins[3] = { h0, h0, h1 };
	struct number	 locked;
	enum store_rc	 rc;

	num(h0, sizeof(h0), (long long)hour);
	num(h1, sizeof(h1), (long long)hour + HOUR_S);
	*moved = 0;
	if (store_begin_rr(r->s) != STORE_OK)
		return STORE_ERR;
	rc = q_number(r, Q_RET_STAT_LOCK, range, 2, &locked);
	if (rc == STORE_OK && (!locked.found || locked.v == 0)) {
		store_rollback(r->s);	/* gone meanwhile: nothing to do */
		return STORE_OK;
	}
	if (rc == STORE_OK)
		rc = store_q_exec(r->s, Q_RET_STAT_ROLLUP, ins, 3);
	if (rc == STORE_OK)
		rc = store_q_exec(r->s, Q_RET_STAT_DELETE, range, 2);
	/* Locked rows cannot change: a difference is a bug, never kept. */
	if (rc == STORE_OK && store_affected(r->s) !=
	    (unsigned long long)locked.v) {
		log_error("retention: hour %s: %lld minute rows locked, %llu "
		    "deleted; rolled back", h0, locked.v, store_affected(r->s));
		rc = STORE_ERR;
	}
	if (rc == STORE_OK)
		rc = store_commit(r->s);
	else
		store_rollback(r->s);
	if (rc != STORE_OK)
		return STORE_ERR;
	*rows += (unsigned long long)locked.v;
	*moved = 1;
	return STORE_OK;
}

/*
 * Minutes before the roll-up cut-off, oldest hour first. Each hour done
 * leaves no minute in it, so the oldest one left is always later: the
 * loop ends.
 */
static enum store_rc
rollup(struct run *r, struct retention_result *res)
{
	int		 days = r->cfg->retention.stats_minute_days, moved;
	time_t		 cutoff = retention_rollup_cutoff(r->now, days);
	char		 cut[24], when[32];
	const char	*p[1] = { cut };
	struct number	 oldest;
	struct tm	 tm;

	if (days == 0) {
		res->kept = 1;
		snprintf(res->rule, sizeof(res->rule),
		    "kept for ever (stats_minute_days = 0)");
		return STORE_OK;
	}
	gmtime_r(&cutoff, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%MZ", &tm);
	snprintf(res->rule, sizeof(res->rule), "minutes before %s, into "
	    "kf_stat_hour", when);
	num(cut, sizeof(cut), (long long)cutoff);
	for (;;) {
		if (q_number(r, Q_RET_STAT_OLDEST, p, 1, &oldest) != STORE_OK)
			return STORE_ERR;
		if (!oldest.found)
			return STORE_OK;
		if (rollup_hour(r, retention_hour((time_t)oldest.v),
		    &res->rows, &moved) != STORE_OK)
			return STORE_ERR;
		res->hours += (unsigned long long)moved;
	}
}

/* Operator sessions past [admin] idle_timeout or absolute_timeout. */
static enum store_rc
admin_sessions(struct run *r, struct retention_result *res)
{
	const struct cfg	*cfg = r->cfg;
	char			 idle[24], abs_[24];
	const char		*p[2] = { idle, abs_ };

	snprintf(res->rule, sizeof(res->rule), "expired: idle %d s, or %d s "
	    "after login", cfg->admin.idle_timeout,
	    cfg->admin.absolute_timeout);
	num(idle, sizeof(idle), (long long)r->now - cfg->admin.idle_timeout);
	num(abs_, sizeof(abs_),
	    (long long)r->now - cfg->admin.absolute_timeout);
	/* Logins purge these too, so there are never many: one statement. */
	if (store_q_exec(r->s, Q_SESSION_PURGE, p, 2) != STORE_OK)
		return STORE_ERR;
	res->rows = store_affected(r->s);
	return STORE_OK;
}

/* Claims no ticket can reach any more (the purge the programs run too). */
static enum store_rc
claims(struct run *r, struct retention_result *res)
{
	int	 ttl = assign_claim_ttl(r->cfg);

	snprintf(res->rule, sizeof(res->rule), "older than %d s, past every "
	    "ticket", ttl);
	do {
		if (store_commit_purge(r->s, ttl) != STORE_OK)
			return STORE_ERR;
		res->rows += store_affected(r->s);
	} while (store_affected(r->s) > 0);
	return STORE_OK;
}

static enum store_rc
step(struct run *r, struct retention_result *res)
{
	const struct cfg	*cfg = r->cfg;

	switch (res->step) {
	case RET_WECOM_MSG:
		res->table = "kf_wecom_msg";
		return purge_days(r, res, Q_RET_WECOM_MSG, 1,
		    cfg->retention.wecom_msg_days, "wecom_msg_days",
		    ", done or failed");
	case RET_WECOM_SESSION:
		res->table = "kf_wecom_session";
		return purge_days(r, res, Q_RET_WECOM_SESSION, 1,
		    cfg->retention.wecom_session_days, "wecom_session_days",
		    ", not waiting, no message to work");
	case RET_WECOM_LEG:
		/* The response-time numbers' rows, as long as the sessions. */
		res->table = "kf_wecom_leg";
		return purge_days(r, res, Q_RET_WECOM_LEG, 2,
		    cfg->retention.wecom_session_days, "wecom_session_days",
		    ", ended");
	case RET_STAT_MINUTE:
		res->table = "kf_stat_minute";
		return rollup(r, res);
	case RET_AUDIT:
		res->table = "kf_audit";
		return purge_days(r, res, Q_RET_AUDIT, 1,
		    cfg->retention.audit_days, "audit_days", "");
	case RET_THROTTLE:
		res->table = "kf_admin_throttle";
		return purge_days(r, res, Q_RET_THROTTLE, 2,
		    cfg->retention.throttle_days, "throttle_days",
		    ", no lock since");
	case RET_ADMIN_SESSION:
		res->table = "kf_admin_session";
		return admin_sessions(r, res);
	case RET_COMMIT:
		res->table = "kf_commit";
		return claims(r, res);
	case RET_LAST_AGENT:
		res->table = "kf_last_agent";
		/* Sticky routing never looks further back than sticky_days. */
		return purge_days(r, res, Q_RET_LAST_AGENT, 1,
		    cfg->routing.sticky_days, "[routing] sticky_days", "");
	case RET__MAX:
		break;
	}
	return STORE_ERR;
}

/* The failure, before anything else runs (and clears store_error). */
static void
failure(struct store *s, const char *table, char *err, size_t errlen)
{
	const char	*why = store_error(s);

	snprintf(err, errlen, "%s: database error%s%s", table,
	    *why != '\0' ? ": " : "", why);
}

enum retention_rc
retention_run(const struct cfg *cfg, struct store *s, time_t now,
    retention_fn fn, void *arg, char *err, size_t errlen)
{
	struct run		 r;
	struct retention_result	 res;
	char			 lock[64];
	enum retention_rc	 rc = RETENTION_OK;
	int			 i;

	*err = '\0';
	memset(&r, 0, sizeof(r));
	r.cfg = cfg;
	r.s = s;
	r.now = now;
	num(r.batch, sizeof(r.batch), cfg->retention.batch);
	/* GET_LOCK names are server-wide: one per database. */
	snprintf(lock, sizeof(lock), "kfroute.retention.%.40s",
	    cfg->db.name != NULL ? cfg->db.name : "");
	switch (store_lock(s, lock, 0)) {
	case STORE_OK:
		break;
	case STORE_NOTFOUND:
		return RETENTION_BUSY;
	default:
		failure(s, "GET_LOCK", err, errlen);
		return RETENTION_DB;
	}
	for (i = 0; i < RET__MAX; i++) {
		memset(&res, 0, sizeof(res));
		res.step = (enum retention_step)i;
		if (step(&r, &res) != STORE_OK) {
			failure(s, res.table, err, errlen);
			rc = RETENTION_DB;
			break;
		}
		fn(arg, &res);
	}
	store_unlock(s, lock);
	return rc;
}
