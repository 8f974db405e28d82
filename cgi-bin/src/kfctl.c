/*
 * kfctl: kfroute from the command line. Reads the config named by
 * KFROUTE_CONF (or var/kfroute.conf of a dev checkout, or
 * /etc/kfroute/kfroute.conf as installed), connects with the
 * admin credentials when the config has them.
 *
 *   kfctl agent status AGENT online|busy|offline
 *   kfctl agent list
 *   kfctl entry show ENTRY
 *   kfctl entry set ENTRY key=value|default [key=value|default ...]
 *   kfctl route ENTRY [--customer KEY] [--order ID] [--at TIME]
 *   kfctl customer-token KEY [--ttl SECONDS]
 *   kfctl wecom token | accounts | sync-accounts | sync-status | status
 *   kfctl wecom worker [--once]
 *   kfctl admin add USER [--role admin|viewer] [--generate]
 *   kfctl admin passwd USER [--generate]
 *   kfctl retention
 *   kfctl stats [--hours N]
 *
 * admin add/passwd read the new password from the terminal (not echoed)
 * or from the first line of stdin; --generate makes one and prints it.
 *
 * Every command that writes configuration (admin add/passwd, agent
 * status, entry set, wecom sync-accounts and sync-status) records it in the audit
 * log as the operating-system user running kfctl (via 'kfctl'), in the
 * same transaction where the change is one.
 *
 * Exit status: 0 done, 1 unknown id (retention: another run is under
 * way), 2 usage, 3 config or database error.
 */
#include <signal.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <json-c/json.h>
#include <mysql.h>
#include <sodium.h>

#include "arena.h"
#include "assign.h"
#include "auth.h"
#include "cache.h"
#include "cfg.h"
#include "decide.h"
#include "jsonin.h"
#include "lifeset.h"
#include "log.h"
#include "program.h"
#include "notice.h"
#include "preview.h"
#include "pull.h"
#include "pwhash.h"
#include "req.h"
#include "retention.h"
#include "snap.h"
#include "store.h"
#include "store_wecom.h"
#include "token.h"
#include "tz.h"
#include "util.h"
#include "wecom.h"
#include "wsync.h"

enum { EXIT_OK, EXIT_UNKNOWN, EXIT_USAGE, EXIT_FAIL };

struct ctl {
	struct cfg	 cfg;
	struct store	*store;
	struct arena	*arena;
};

/*
 * Who ran this, for the audit log: the effective user's name as the
 * system knows it, or "uid<N>" when it has none or one the log's
 * username column cannot hold ([A-Za-z0-9_.@-], 64 at most).
 */
static const char *
os_user(void)
{
	static char		 name[65];
	const struct passwd	*pw;
	uid_t			 uid = geteuid();

	if (name[0] != '\0')
		return name;
	if ((pw = getpwuid(uid)) != NULL && pw->pw_name != NULL &&
	    auth_username_ok(pw->pw_name))
		snprintf(name, sizeof(name), "%s", pw->pw_name);
	else
		snprintf(name, sizeof(name), "uid%lu", (unsigned long)uid);
	return name;
}

/* One audit row for a change made here; -1 when it could not be
 * written (the caller's transaction then rolls back). */
static int
audit(struct ctl *c, const char *action, const char *kind,
    const char *object_id, const char *before, const char *after)
{
	const char	*p[7] = { os_user(), "kfctl", action, kind,
	    object_id != NULL ? object_id : "", before, after };

	if (store_q_exec(c->store, Q_AUDIT_ADD_VIA, p, 7) == STORE_OK)
		return 0;
	fprintf(stderr, "kfctl: cannot write the audit log\n");
	return -1;
}

/* The end of a change's transaction: its audit row and the commit when
 * rc is STORE_OK, else (or when either fails) the rollback. */
static enum store_rc
audit_commit(struct ctl *c, enum store_rc rc, const char *action,
    const char *kind, const char *object_id, const char *before,
    const char *after)
{
	if (rc == STORE_OK && audit(c, action, kind, object_id, before,
	    after) == -1)
		rc = STORE_ERR;
	if (rc == STORE_OK)
		rc = store_commit(c->store);
	if (rc != STORE_OK)
		store_rollback(c->store);
	return rc;
}

static int
usage(void)
{
	fputs("usage: kfctl agent status AGENT online|busy|offline\n"
	    "       kfctl agent list\n"
	    "       kfctl entry show ENTRY\n"
	    "       kfctl entry set ENTRY key=value|default ...\n"
	    "       kfctl route ENTRY [--customer KEY] [--order ID] "
	    "[--at TIME]\n"
	    "       kfctl customer-token KEY [--ttl SECONDS]\n"
	    "       kfctl wecom token | accounts | sync-accounts | "
	    "sync-status | status\n"
	    "       kfctl wecom worker [--once]\n"
	    "       kfctl admin add USER [--role admin|viewer] [--generate]\n"
	    "       kfctl admin passwd USER [--generate]\n"
	    "       kfctl retention\n"
	    "       kfctl stats [--hours N]\n"
	    "TIME is unix seconds or YYYY-MM-DDTHH:MM[:SS] in "
	    "[routing] timezone.\n"
	    "entry set keys (the lifecycle settings; 'default' is the "
	    "[lifecycle] one):\n"
	    "  widen_after_s, reroute_after_s 0-86400 (s, 0 off); "
	    "take_back, leave_message 0|1;\n"
	    "  busy_after_misses 0-100; queue_max 0-100000; "
	    "queue_notice_step 0-1000 (0 never/no limit)\n", stderr);
	return EXIT_USAGE;
}

static int
valid_id_arg(const char *what, const char *s)
{
	if (util_id_valid(s, strlen(s)))
		return 1;
	fprintf(stderr, "kfctl: %s '%s' is not a valid id "
	    "([A-Za-z0-9_-]{1,64})\n", what, s);
	return 0;
}

/* Load everything, as a FastCGI worker does. */
static struct snap *
load(struct ctl *c)
{
	struct snap	*s = snap_new();

	if (store_load_all(c->store, s) != STORE_OK) {
		fprintf(stderr, "kfctl: cannot read the database "
		    "(see the messages above)\n");
		snap_free(s);
		return NULL;
	}
	return s;
}

static int
cmd_agent_status(struct ctl *c, const char *agent, const char *status)
{
	enum agent_status	 st;
	const char		*p[1] = { agent }, *before = NULL, *after = NULL;
	enum store_rc		 rc;

	if (!valid_id_arg("agent", agent))
		return EXIT_USAGE;
	if (snap_status_parse(status, &st) == -1) {
		fprintf(stderr, "kfctl: status must be online, busy or "
		    "offline, not '%s'\n", status);
		return EXIT_USAGE;
	}
	if ((rc = store_begin(c->store)) == STORE_OK)
		rc = store_q_text(c->store, Q_AGENT_GET, p, 1, c->arena,
		    &before);
	if (rc == STORE_OK)
		rc = store_set_agent_status(c->store, agent, st);
	if (rc == STORE_OK)
		rc = store_q_text(c->store, Q_AGENT_GET, p, 1, c->arena,
		    &after);
	rc = audit_commit(c, rc, "presence", "agent", agent, before, after);
	switch (rc) {
	case STORE_OK:
		printf("%s: %s\n", agent, snap_status_name(st));
		return EXIT_OK;
	case STORE_NOTFOUND:
		fprintf(stderr, "kfctl: no agent '%s'\n", agent);
		return EXIT_UNKNOWN;
	default:
		fprintf(stderr, "kfctl: database error\n");
		return EXIT_FAIL;
	}
}

static int
cmd_agent_list(struct ctl *c)
{
	struct snap	*s;
	size_t		 i;

	if ((s = load(c)) == NULL)
		return EXIT_FAIL;
	printf("%-16s %-12s %-8s %9s %-8s %s\n", "AGENT", "NAME", "STATUS",
	    "LOAD", "ENABLED", "SHIFT");
	for (i = 0; i < s->nagents; i++) {
		const struct snap_agent *a = &s->agents[i];
		char load_s[24];

		snprintf(load_s, sizeof(load_s), "%d/%d", a->active,
		    a->capacity);
		printf("%-16s %-12s %-8s %9s %-8s %s\n", a->id, a->name,
		    snap_status_name(a->status), load_s,
		    a->enabled ? "yes" : "no",
		    a->schedule_id != NULL ? a->schedule_id : "-");
	}
	snap_free(s);
	return EXIT_OK;
}

static void
print_trace(const struct decide_trace *tr)
{
	size_t	 i;

	printf("trace:\n");
	for (i = 0; i < tr->n; i++) {
		const struct decide_trace_item *it = &tr->items[i];

		printf("  %-16s %-32s %-10s %s\n", snap_step_name(it->step),
		    it->what, it->agent_id != NULL ? it->agent_id : "-",
		    decide_verdict_name(it->verdict));
	}
	if (tr->truncated)
		printf("  (more candidates not shown)\n");
}

static int
cmd_route(struct ctl *c, int argc, char **argv)
{
	const char		*entry = argv[0], *key = NULL, *order = NULL;
	struct preview		 p;
	time_t			 at = time(NULL);
	int			 i, rc = EXIT_OK;

	for (i = 1; i < argc; i++) {
		if (i + 1 == argc)
			return usage();
		if (strcmp(argv[i], "--customer") == 0)
			key = argv[++i];
		else if (strcmp(argv[i], "--order") == 0)
			order = argv[++i];
		else if (strcmp(argv[i], "--at") == 0) {
			if (preview_parse_at(c->cfg.routing.timezone,
			    argv[++i], &at) == -1) {
				fprintf(stderr, "kfctl: bad --at '%s'\n",
				    argv[i]);
				return EXIT_USAGE;
			}
		} else
			return usage();
	}
	if (!valid_id_arg("entry", entry) ||
	    (key != NULL && !valid_id_arg("customer", key)) ||
	    (order != NULL && !valid_id_arg("order", order)))
		return EXIT_USAGE;
	if (order != NULL && key == NULL) {
		fprintf(stderr, "kfctl: --order needs --customer\n");
		return EXIT_USAGE;
	}
	switch (preview_run(&p, c->store, &c->cfg, c->arena, entry, key,
	    order, at)) {
	case PREVIEW_DB:
		fprintf(stderr, "kfctl: cannot read the database "
		    "(see the messages above)\n");
		rc = EXIT_FAIL;
		break;
	case PREVIEW_NO_ENTRY:
		fprintf(stderr, "kfctl: no entry '%s'\n", entry);
		rc = EXIT_UNKNOWN;
		break;
	case PREVIEW_OK:
		if (p.order_ignored)
			printf("order %s: not %s's, or without an agent: "
			    "ignored\n", order, key);
		printf("entry:     %s (%s)%s\n", p.entry->id, snap_entry_label(p.entry),
		    p.entry->enabled ? "" : " [disabled]");
		printf("customer:  %s\n", p.has_customer ? key : "anonymous");
		printf("agent:     %s%s%s\n", p.d.agent ? p.d.agent->id : "none",
		    p.d.agent ? " " : "", p.d.agent ? p.d.agent->name : "");
		printf("reason:    %s\n", p.reason);
		printf("fallback:  %s\n", p.d.fallback ? "yes" : "no");
		if (p.d.hold)
			printf("hold:      waits up to %d s for %s (busy or "
			    "full), then the entry's order\n", p.hold_s,
			    p.d.agent->id);
		printf("notice:    %s\n", p.notice != NULL ? p.notice : "(none)");
		if (p.next_open[0] != '\0')
			printf("next_open: %s\n", p.next_open);
		print_trace(&p.trace);
		break;
	}
	preview_free(&p);
	return rc;
}

static int
cmd_token(struct ctl *c, int argc, char **argv)
{
	char		 tok[256];
	long long	 ttl = 3600;

	if (argc == 3 && strcmp(argv[1], "--ttl") == 0) {
		if (util_parse_llong(argv[2], 1, 10LL * 365 * 86400, &ttl)) {
			fprintf(stderr, "kfctl: --ttl takes seconds\n");
			return EXIT_USAGE;
		}
	} else if (argc != 1)
		return usage();
	if (!valid_id_arg("customer", argv[0]))
		return EXIT_USAGE;
	if (c->cfg.customer_secret == NULL) {
		fprintf(stderr, "kfctl: no [customer] secret in the config\n");
		return EXIT_FAIL;
	}
	if (token_mint(c->cfg.customer_secret, argv[0],
	    time(NULL) + (time_t)ttl, tok, sizeof(tok)) == -1)
		return EXIT_FAIL;
	printf("%s\n", tok);
	return EXIT_OK;
}

/* The access token's state; the token itself is a secret: never shown. */
static int
cmd_wecom(struct ctl *c, const char *what)
{
	struct wecom		*w = wecom_new(&c->cfg, c->store);
	struct json_object	*o, *list, *a, *id, *name;
	const char		*token;
	time_t			 expires;
	enum wecom_err		 rc;
	size_t			 i, n;

	if (strcmp(what, "token") == 0) {
		if ((rc = wecom_token(w, &token, &expires)) == WECOM_OK)
			printf("access token ok, expires in %lld s\n",
			    (long long)(expires - time(NULL)));
	} else if ((rc = wecom_call(w, "kf/account/list",
	    "{\"offset\":0,\"limit\":100}", &o)) == WECOM_OK) {
		if (json_object_object_get_ex(o, "account_list", &list) &&
		    json_object_is_type(list, json_type_array)) {
			n = json_object_array_length(list);
			for (i = 0; i < n; i++) {
				a = json_object_array_get_idx(list, i);
				if (json_object_object_get_ex(a, "open_kfid",
				    &id) && json_object_object_get_ex(a,
				    "name", &name))
					printf("%s\t%s\n",
					    json_object_get_string(id),
					    json_object_get_string(name));
			}
		} else
			rc = WECOM_BAD_ANSWER;
		json_object_put(o);
	}
	if (rc != WECOM_OK && wecom_errcode(w) != 0)
		fprintf(stderr, "kfctl: wecom: %s (errcode %d)\n",
		    wecom_strerror(rc), wecom_errcode(w));
	else if (rc != WECOM_OK)
		fprintf(stderr, "kfctl: wecom: %s\n", wecom_strerror(rc));
	wecom_free(w);
	return rc == WECOM_OK ? EXIT_OK : EXIT_FAIL;
}

/* ---- wecom sync-accounts (wsync.c) --------------------------------- */

/* One line per entry: done on stdout, problems on stderr. */
static void
print_sync(void *arg, enum wsync_event ev, const char *entry,
    const char *kfid, int n, int errcode)
{
	(void)arg;
	switch (ev) {
	case WSYNC_ACCOUNTS:
		printf("%d kf accounts stored\n", n);
		break;
	case WSYNC_NO_SCENE:
		fprintf(stderr, "entry %s: id longer than 32 characters; set "
		    "kf_entry.wecom_scene\n", entry);
		break;
	case WSYNC_UNKNOWN_ACCOUNT:
		fprintf(stderr, "entry %s: kf account %s is not one of this "
		    "app's accounts\n", entry, kfid);
		break;
	case WSYNC_LINK_OK:
		printf("entry %s: link ok\n", entry);
		break;
	case WSYNC_LINK_CREATED:
		printf("entry %s: link created\n", entry);
		break;
	case WSYNC_LINK_FAILED:
		fprintf(stderr, "entry %s: cannot create the link (errcode "
		    "%d)\n", entry, errcode);
		break;
	}
}

static int
cmd_sync(struct ctl *c, struct wecom *w)
{
	struct wsync_result	 r;
	char			 after[128];

	if (wsync_run(c->store, w, print_sync, NULL, &r) == -1) {
		if (r.accounts < 0 && wecom_errcode(w) != 0)
			fprintf(stderr, "kfctl: wecom: cannot list kf accounts "
			    "(errcode %d)\n", wecom_errcode(w));
		else
			fprintf(stderr, "kfctl: wecom: sync stopped (see the "
			    "messages above)\n");
		return EXIT_FAIL;
	}
	printf("%d links created, %d problems\n", r.created, r.problems);
	snprintf(after, sizeof(after), "{\"accounts\":%d,\"links_created\":%d,"
	    "\"problems\":%d}", r.accounts, r.created, r.problems);
	if (audit(c, "sync", "wecom", "accounts", NULL, after) == -1)
		return EXIT_FAIL;
	return r.problems > 0 ? EXIT_UNKNOWN : EXIT_OK;
}

/* ---- wecom sync-status --------------------------------------------- */

#define SYNC_MAX	512

struct sync_list {
	struct {
		char	 kfid[65];
	}	 e[SYNC_MAX];
	size_t	 n;
};

static void
collect_account(void *arg, const char *kfid)
{
	struct sync_list	*l = arg;

	if (l->n < SYNC_MAX)
		snprintf(l->e[l->n++].kfid, sizeof(l->e[0].kfid), "%s", kfid);
}

/*
 * Presence from kf/servicer/list, for cron: this list numbers 0 receiving
 * and 1 stopped (the servicer_status_change event numbers 1 and 2).
 * Stopped makes an agent offline; receiving makes an offline agent online
 * and leaves a manual busy alone.
 */
static int
cmd_sync_status(struct ctl *c, struct wecom *w)
{
	static struct sync_list	 l;
	struct json_object	*o, *list, *sv, *uid, *st;
	char			 path[128], after[96];
	const char		*userid;
	size_t			 i, k, n;
	int			 seen = 0, rc = EXIT_OK;

	l.n = 0;
	if (store_wecom_accounts(c->store, collect_account, &l) != STORE_OK)
		return EXIT_FAIL;
	for (i = 0; i < l.n; i++) {
		snprintf(path, sizeof(path), "kf/servicer/list?open_kfid=%s",
		    l.e[i].kfid);
		if (wecom_call(w, path, NULL, &o) != WECOM_OK) {
			fprintf(stderr, "kfctl: wecom: servicers of %s: errcode "
			    "%d\n", l.e[i].kfid, wecom_errcode(w));
			rc = EXIT_FAIL;
			continue;
		}
		if (json_object_object_get_ex(o, "servicer_list", &list) &&
		    json_object_is_type(list, json_type_array)) {
			n = json_object_array_length(list);
			for (k = 0; k < n; k++) {
				sv = json_object_array_get_idx(list, k);
				/* department entries have no userid */
				if (!json_object_object_get_ex(sv, "userid",
				    &uid) || !json_object_object_get_ex(sv,
				    "status", &st) ||
				    !json_object_is_type(st, json_type_int))
					continue;
				userid = json_object_get_string(uid);
				if (json_object_get_int(st) == 0) {
					store_wecom_receiving(c->store, userid);
					/* a servicer after all (95014) */
					store_wecom_refusal_clear(c->store,
					    userid);
				} else
					store_wecom_presence(c->store, userid,
					    AGENT_OFFLINE);
				seen++;
			}
		}
		json_object_put(o);
	}
	printf("%zu kf accounts, %d servicers reconciled\n", l.n, seen);
	snprintf(after, sizeof(after), "{\"accounts\":%zu,\"servicers\":%d}",
	    l.n, seen);
	if (audit(c, "sync", "wecom", "servicers", NULL, after) == -1)
		return EXIT_FAIL;
	return rc;
}

/* ---- wecom status, worker -------------------------------------------- */

struct status_seen {
	int	 accounts, stalled;
};

static void
print_status(void *arg, const struct store_wecom_status *st)
{
	struct status_seen	*seen = arg;

	seen->accounts++;
	seen->stalled += st->stalled;
	printf("%s\t%s\tcursor %s\tlast pull %s\tbacklog %u\t"
	    "retried %u\tskipped %u", st->open_kfid,
	    st->stalled ? "STALLED" : "ok", st->cursor ? st->cursor : "-",
	    st->pulled_at ? st->pulled_at : "never", st->backlog, st->retried,
	    st->skipped);
	if (st->last_error != NULL)
		printf("\tlast error %s: %s", st->last_error_at ?
		    st->last_error_at : "?", st->last_error);
	if (st->fails > 0)
		printf(" (%u pulls failed in a row)", st->fails);
	putchar('\n');
}

/*
 * Per account: cursor, backlog, last pull and error, retried, skipped.
 * Exit 1 when an account is stalled (for monitoring), 0 otherwise.
 */
static int
cmd_wecom_status(struct ctl *c)
{
	struct status_seen	 seen = { 0, 0 };

	/* The WeCom account's tables: wecom.conf is enough. */
	store_free(c->store);
	c->store = store_new(&c->cfg, STORE_WECOM);
	if (store_wecom_status(c->store, print_status, &seen) != STORE_OK) {
		fprintf(stderr, "kfctl: cannot read the database\n");
		return EXIT_FAIL;
	}
	if (seen.accounts == 0)
		printf("no kf accounts yet (kfctl wecom sync-accounts) and no "
		    "callbacks received\n");
	return seen.stalled > 0 ? EXIT_UNKNOWN : EXIT_OK;
}

static volatile sig_atomic_t	 worker_stop;

static void
on_worker_stop(int sig)
{
	(void)sig;
	worker_stop = 1;
}

/*
 * The puller (pull.h): every account's news pulled, its messages worked,
 * retries and the waiting pools, and the admin page's sync requests
 * (wsync.h), until SIGTERM/SIGINT (or one pass with --once, for cron on
 * hosts that cannot keep a process running). Idle,
 * it looks again every 200 ms; a failing database is asked again after
 * a growing pause, with one log line per outage.
 */
static int
cmd_worker(struct ctl *c, int argc, char **argv)
{
	struct sigaction	 sa;
	struct cache		 cache;
	struct pull		 p;
	struct wsync_worker	 sync;
	struct wecom		*w;
	struct timespec		 ts;
	int			 once = 0, rc, down_ms = 0, ms;

	if (argc == 2 && strcmp(argv[1], "--once") == 0)
		once = 1;
	else if (argc != 1)
		return usage();
	log_init("kfworker", c->cfg.log_level);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_worker_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	/* The puller runs with the WeCom account's rights, not kfctl's. */
	store_free(c->store);
	c->store = store_new(&c->cfg, STORE_WECOM);
	w = wecom_new(&c->cfg, c->store);
	cache_init(&cache, c->store, CACHE_SNAPSHOT, c->cfg.staleness_ms);
	pull_init(&p, &c->cfg, c->store, w, &cache);
	wsync_worker_init(&sync, c->store, w);
	if (!once)
		log_info("wecom worker started");
	do {
		rc = pull_pass(&p);
		if (rc == -1) {
			if (down_ms == 0)
				log_warn("wecom worker: database unavailable, "
				    "asking again with growing pauses");
			down_ms = down_ms == 0 ? 500 : down_ms * 2;
			if (down_ms > 30000)
				down_ms = 30000;
		} else if (down_ms != 0) {
			log_info("wecom worker: database back");
			down_ms = 0;
		}
		if (rc != -1)
			assign_housekeeping(&c->cfg, c->store, util_now_ms());
		/* A sync request from the page, and the heartbeat it shows. */
		if (rc != -1 && wsync_worker_pass(&sync, util_now_ms()) == -1)
			rc = -1;
		if (once || worker_stop || rc == 1)
			continue;
		ms = down_ms != 0 ? down_ms : 200;
		ts.tv_sec = ms / 1000;
		ts.tv_nsec = (long)(ms % 1000) * 1000000L;
		nanosleep(&ts, NULL);	/* a signal ends it early */
	} while (!once && !worker_stop);
	if (!once)
		log_info("wecom worker stopping (%u messages worked)",
		    p.worked);
	pull_free(&p);
	cache_free(&cache);
	wecom_free(w);
	return rc == -1 ? EXIT_FAIL : EXIT_OK;
}

/* ---- entries' lifecycle settings ------------------------------------ */

/*
 * The entry's row as the admin API shows it (Q_ENTRY_GET), as text and
 * parsed: STORE_OK, STORE_NOTFOUND, or an error.
 */
static enum store_rc
entry_row(struct ctl *c, const char *id, const char **json,
    struct json_object **o)
{
	const char	*p[1] = { id };
	enum store_rc	 rc;

	*o = NULL;
	if ((rc = store_q_text(c->store, Q_ENTRY_GET, p, 1, c->arena,
	    json)) != STORE_OK)
		return rc;
	return jsonin_object(*json, strlen(*json), 8, o) == JSONIN_OK ?
	    STORE_OK : STORE_ERR;
}

/* Each setting: its effective value, and whether it is the default. */
static void
print_life(const struct ctl *c, struct json_object *e)
{
	struct json_object	*v;
	const char		*type;
	size_t			 i;
	int			 own;
	long long		 n;

	json_object_object_get_ex(e, "target_type", &v);
	type = json_object_get_string(v);
	json_object_object_get_ex(e, "label", &v);
	printf("entry:  %s (%s), %s\n", json_object_get_string(
	    json_object_object_get(e, "id")), json_object_get_string(v), type);
	if (strcmp(type, "wecom_kf") != 0)
		printf("note:   only WeCom (wecom_kf) entries use these "
		    "settings\n");
	for (i = 0; i < LS__N; i++) {
		own = json_object_object_get_ex(e, lifeset_fields[i].name,
		    &v) && !json_object_is_type(v, json_type_null);
		n = own ? json_object_get_int64(v) :
		    lifeset_default(&c->cfg, (enum lifeset_key)i);
		printf("  %-18s %-7lld %s\n", lifeset_fields[i].name, n,
		    own ? "set" : "default");
	}
}

static int
cmd_entry_show(struct ctl *c, const char *id)
{
	struct json_object	*o;
	const char		*json;
	enum store_rc		 rc;

	if (!valid_id_arg("entry", id))
		return EXIT_USAGE;
	if ((rc = entry_row(c, id, &json, &o)) == STORE_NOTFOUND) {
		fprintf(stderr, "kfctl: no entry '%s'\n", id);
		return EXIT_UNKNOWN;
	}
	if (rc != STORE_OK) {
		fprintf(stderr, "kfctl: database error\n");
		return EXIT_FAIL;
	}
	print_life(c, o);
	json_object_put(o);
	return EXIT_OK;
}

/*
 * "key=value" as the JSON the admin API would be sent: "default" is null
 * (the config's default), integers are numbers, 0/1, on/off, true/false
 * are booleans for the on/off settings; anything else stays text, which
 * the validation then refuses in the API's words.
 */
static struct json_object *
life_arg(const char *key, const char *s)
{
	size_t		 i;
	long long	 n;
	int		 neg = *s == '-';

	if (strcmp(s, "default") == 0)
		return NULL;
	for (i = 0; i < LS__N; i++)
		if (strcmp(lifeset_fields[i].name, key) == 0 &&
		    lifeset_fields[i].type == VT_BOOL) {
			if (strcmp(s, "1") == 0 || strcmp(s, "on") == 0 ||
			    strcmp(s, "true") == 0)
				return json_object_new_boolean(1);
			if (strcmp(s, "0") == 0 || strcmp(s, "off") == 0 ||
			    strcmp(s, "false") == 0)
				return json_object_new_boolean(0);
		}
	if (util_parse_llong(s + neg, 0, 999999999999999LL, &n) == 0)
		return json_object_new_int64(neg ? -n : n);
	return json_object_new_string(s);
}

/* 1 when a and b (either NULL) are the same value. */
static int
same_val(const char *a, const char *b)
{
	return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

/*
 * The entry's settings with args laid over them, validated as the admin
 * API does (lifeset.h); vals as the statement takes them. 0, 1 when
 * nothing would change, or -1 having said why.
 */
static int
life_merge(struct ctl *c, struct json_object *cur, int argc, char **argv,
    const char **vals)
{
	struct json_object	*in = json_object_new_object();
	struct valid		 v;
	const char		*eq, *old[LS__N];
	char			 key[64];
	size_t			 i;
	int			 a, rc = 0, same = 1;

	/* What is stored passed this validation when it was written. */
	valid_init(&v, c->arena);
	valid_fields(&v, cur, lifeset_fields, LS__N, old);
	valid_init(&v, c->arena);
	for (a = 0; a < argc; a++) {
		if ((eq = strchr(argv[a], '=')) == NULL ||
		    (size_t)(eq - argv[a]) >= sizeof(key)) {
			fprintf(stderr, "kfctl: '%s' is not key=value\n",
			    argv[a]);
			rc = -1;
			continue;
		}
		snprintf(key, sizeof(key), "%.*s", (int)(eq - argv[a]),
		    argv[a]);
		if (json_object_object_get_ex(in, key, NULL)) {
			fprintf(stderr, "kfctl: %s given twice\n", key);
			rc = -1;
			continue;
		}
		json_object_object_add(in, key, life_arg(key, eq + 1));
	}
	valid_known(&v, in, lifeset_fields, LS__N, NULL);
	json_object_object_foreach(in, k, val)
		json_object_object_add(cur, k, json_object_get(val));
	valid_fields(&v, cur, lifeset_fields, LS__N, vals);
	json_object_put(in);
	for (i = 0; i < v.nerr; i++)
		fprintf(stderr, "kfctl: %s: %s\n", v.errs[i].field,
		    v.errs[i].message);
	if (rc == 0 && v.nerr == 0) {
		for (i = 0; i < LS__N; i++)
			same &= same_val(old[i], vals[i]);
		return same;
	}
	fprintf(stderr, "kfctl: nothing changed; settings: widen_after_s "
	    "reroute_after_s take_back busy_after_misses queue_max "
	    "queue_notice_step leave_message (value or 'default')\n");
	return -1;
}

static int
cmd_entry_set(struct ctl *c, const char *id, int argc, char **argv)
{
	struct json_object	*cur = NULL, *now;
	const char		*before = NULL, *after = NULL;
	const char		*p[LS__N + 2], *ver;
	enum store_rc		 rc;
	int			 m = 0, conflict = 0;

	if (!valid_id_arg("entry", id))
		return EXIT_USAGE;
	if ((rc = store_begin(c->store)) == STORE_OK)
		rc = entry_row(c, id, &before, &cur);
	if (rc == STORE_OK && (m = life_merge(c, cur, argc, argv, p)) != 0) {
		store_rollback(c->store);
		json_object_put(cur);
		if (m == -1)
			return EXIT_USAGE;
		printf("%s: unchanged\n", id);
		return EXIT_OK;
	}
	if (rc == STORE_OK) {
		/* The version read above: a change made meanwhile wins. */
		ver = json_object_get_string(json_object_object_get(cur,
		    "version"));
		p[LS__N] = id;
		p[LS__N + 1] = arena_strdup(c->arena, ver);
		rc = store_q_exec(c->store, Q_ENTRY_LIFE_SET, p, LS__N + 2);
	}
	json_object_put(cur);
	if (rc == STORE_OK && store_affected(c->store) == 0) {
		conflict = 1;
		rc = STORE_ERR;
	}
	if (rc == STORE_OK)
		rc = store_q_text(c->store, Q_ENTRY_GET, (const char *[]){ id },
		    1, c->arena, &after);
	rc = audit_commit(c, rc, "update", "entry", id, before, after);
	switch (rc) {
	case STORE_OK:
		if (jsonin_object(after, strlen(after), 8, &now) == JSONIN_OK) {
			print_life(c, now);
			json_object_put(now);
		}
		return EXIT_OK;
	case STORE_NOTFOUND:
		fprintf(stderr, "kfctl: no entry '%s'\n", id);
		return EXIT_UNKNOWN;
	default:
		if (conflict)
			fprintf(stderr, "kfctl: entry '%s' changed meanwhile; "
			    "nothing written, run it again\n", id);
		else
			fprintf(stderr, "kfctl: database error\n");
		return EXIT_FAIL;
	}
}

/* ---- admin users ---------------------------------------------------- */

/* One line from the terminal without echo, or from stdin. */
static int
read_password(char *out, size_t len)
{
	struct termios	 old, quiet;
	int		 tty = isatty(STDIN_FILENO), ok;
	size_t		 n;

	if (tty) {
		fputs("new password: ", stderr);
		tcgetattr(STDIN_FILENO, &old);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	ok = fgets(out, (int)len, stdin) != NULL;
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (!ok)
		return -1;
	n = strcspn(out, "\r\n");
	if (out[n] == '\0' && n + 1 == len)
		return -1;	/* longer than the buffer */
	out[n] = '\0';
	return 0;
}

static int
cmd_admin(struct ctl *c, int argc, char **argv)
{
	const char	*what = argv[0], *user = argv[1], *role = NULL, *p[3];
	const char	*item = NULL;
	char		 pw[PWHASH_MAX + 2], hash[PWHASH_LEN];
	const char	*why;
	int		 i, gen = 0, add = strcmp(what, "add") == 0;
	enum store_rc	 rc;

	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--generate") == 0)
			gen = 1;
		else if (add && strcmp(argv[i], "--role") == 0 &&
		    i + 1 < argc && (strcmp(argv[i + 1], "admin") == 0 ||
		    strcmp(argv[i + 1], "viewer") == 0))
			role = argv[++i];
		else
			return usage();
	}
	if (!auth_username_ok(user)) {
		fprintf(stderr, "kfctl: user name must be 1-64 of "
		    "[A-Za-z0-9_.@-]\n");
		return EXIT_USAGE;
	}
	if (pwhash_init() == -1)
		return EXIT_FAIL;
	if (gen)
		pwhash_generate(pw);
	else if (read_password(pw, sizeof(pw)) == -1) {
		fprintf(stderr, "kfctl: no password given\n");
		return EXIT_USAGE;
	}
	if ((why = pwhash_policy(pw)) != NULL) {
		fprintf(stderr, "kfctl: password %s\n", why);
		return EXIT_USAGE;
	}
	if (pwhash_make(pw, hash) == -1)
		return EXIT_FAIL;
	if ((rc = store_begin(c->store)) != STORE_OK)
		;
	else if (add) {
		p[0] = user;
		p[1] = role != NULL ? role : "admin";
		p[2] = hash;
		rc = store_q_exec(c->store, Q_ADMIN_USER_PUT, p, 3);
	} else {
		p[0] = hash;
		p[1] = NULL;
		p[2] = user;
		rc = store_q_exec(c->store, Q_ADMIN_USER_PASSWD, p, 3);
		if (rc == STORE_OK && store_affected(c->store) == 0)
			rc = STORE_NOTFOUND;
		/*
		 * A new password ends every session of the old one, and lifts
		 * a login lock on the name (the way to let a locked-out
		 * operator back in).
		 */
		if (rc == STORE_OK) {
			p[0] = user;
			rc = store_q_exec(c->store, Q_SESSION_DELETE_USER, p, 1);
		}
		if (rc == STORE_OK)
			rc = store_q_exec(c->store, Q_THROTTLE_CLEAR, p, 1);
	}
	sodium_memzero(hash, sizeof(hash));
	/* The operator's row without its hash (Q_OP_GET) is what is logged. */
	p[0] = user;
	if (rc == STORE_OK)
		rc = store_q_text(c->store, Q_OP_GET, p, 1, c->arena, &item);
	rc = audit_commit(c, rc, add ? "create" : "passwd", "operator", user,
	    NULL, item);
	switch (rc) {
	case STORE_OK:
		if (gen)
			printf("%s\n", pw);
		else
			fprintf(stderr, "kfctl: %s: password %s\n", user,
			    add ? "set" : "changed");
		sodium_memzero(pw, sizeof(pw));
		return EXIT_OK;
	case STORE_DUP:
		fprintf(stderr, "kfctl: admin user '%s' exists (use passwd)\n",
		    user);
		return EXIT_UNKNOWN;
	case STORE_NOTFOUND:
		fprintf(stderr, "kfctl: no admin user '%s'\n", user);
		return EXIT_UNKNOWN;
	default:
		fprintf(stderr, "kfctl: database error\n");
		return EXIT_FAIL;
	}
}

/* ---- retention ------------------------------------------------------- */

static void
print_retention(void *arg, const struct retention_result *r)
{
	char	 did[40];

	(void)arg;
	if (r->kept)
		snprintf(did, sizeof(did), "kept");
	else if (r->step == RET_STAT_MINUTE)
		snprintf(did, sizeof(did), "rolled up %llu (%llu h)", r->rows,
		    r->hours);
	else
		snprintf(did, sizeof(did), "purged %llu", r->rows);
	printf("%-18s %-24s %s\n", r->table, did, r->rule);
	fflush(stdout);		/* a line per table as it is done (cron mail) */
}

/*
 * Every [retention] purge and the statistics roll-up, once (cron or a
 * systemd timer, daily): one line per table. Exit 3 when the database
 * fails (the lines printed are done); 1 when another run holds the lock
 * (on another host, say), which is doing the work: not a failure.
 */
static int
cmd_retention(struct ctl *c)
{
	char	 err[512];

	switch (retention_run(&c->cfg, c->store, time(NULL), print_retention,
	    NULL, err, sizeof(err))) {
	case RETENTION_OK:
		return EXIT_OK;
	case RETENTION_BUSY:
		fprintf(stderr, "kfctl: retention: another run holds the lock "
		    "on database %s; nothing done\n", c->cfg.db.name != NULL ?
		    c->cfg.db.name : "");
		return EXIT_UNKNOWN;
	case RETENTION_DB:
		break;
	}
	fprintf(stderr, "kfctl: retention: %s; stopped there (tables above "
	    "are done)\n", err);
	return EXIT_FAIL;
}

/* ---- stats ----------------------------------------------------------- */

/* The columns of kfctl stats: the API's names (stats/lifecycle). */
static const char *const life_cols[] = { "chats", "answered",
	"first_response_p50", "first_response_p90", "handled", "handling_p50",
	"handling_p90", "missed", "taken_back", "rerouted", "widened",
	"queued", "queue_wait_p50", "queue_wait_p90" };

/* A name as one tab-separated field: tabs and line breaks as spaces. */
static void
print_field(const char *s)
{
	putchar('\t');
	if (s == NULL || *s == '\0') {
		putchar('-');
		return;
	}
	for (; *s != '\0'; s++)
		putchar(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s);
}

static void
print_life_stats(const char *kind, struct json_object *o, const char *name_key)
{
	struct json_object	*v;
	size_t			 i;

	fputs(kind, stdout);
	print_field(json_object_object_get_ex(o, "id", &v) ?
	    json_object_get_string(v) : NULL);
	print_field(name_key != NULL && json_object_object_get_ex(o, name_key,
	    &v) ? json_object_get_string(v) : NULL);
	for (i = 0; i < sizeof(life_cols) / sizeof(life_cols[0]); i++) {
		if (!json_object_object_get_ex(o, life_cols[i], &v) || v == NULL)
			printf("\t-");
		else if (json_object_is_type(v, json_type_int))
			printf("\t%lld", (long long)json_object_get_int64(v));
		else
			printf("\t%.1f", json_object_get_double(v));
	}
	putchar('\n');
}

/* The one row of Q_STATS_LIFECYCLE: total, entries, agents (JSON). */
static int
row_life(void *arg, char **col, unsigned n)
{
	struct json_object	*o[3] = { NULL, NULL, NULL };
	size_t			 i, k;
	int			 rc = -1;

	(void)arg;
	for (i = 0; i < n && i < 3; i++)
		if (col[i] == NULL || (o[i] = json_tokener_parse(col[i])) == NULL)
			goto done;
	if (n != 3 || !json_object_is_type(o[1], json_type_array) ||
	    !json_object_is_type(o[2], json_type_array))
		goto done;
	printf("kind\tid\tname");
	for (k = 0; k < sizeof(life_cols) / sizeof(life_cols[0]); k++)
		printf("\t%s", life_cols[k]);
	putchar('\n');
	print_life_stats("total", o[0], NULL);
	for (k = 0; k < json_object_array_length(o[1]); k++)
		print_life_stats("entry", json_object_array_get_idx(o[1], k), "label");
	for (k = 0; k < json_object_array_length(o[2]); k++)
		print_life_stats("agent", json_object_array_get_idx(o[2], k), "name");
	rc = 0;
done:
	for (i = 0; i < 3; i++)
		json_object_put(o[i]);
	return rc;
}

/*
 * What became of WeCom chats after the handoff over the last N hours
 * (default 24): the numbers of GET /admin/api/stats/lifecycle, the total,
 * then each entry and each person, tab-separated under a header line;
 * seconds with one decimal, "-" for none.
 */
static int
cmd_stats(struct ctl *c, int argc, char **argv)
{
	char		 since[24];
	const char	*p[1] = { since };
	long long	 hours = 24;

	if (argc == 3 && strcmp(argv[1], "--hours") == 0) {
		if (util_parse_llong(argv[2], 1, 720, &hours) == -1) {
			fprintf(stderr, "kfctl: --hours takes a whole number "
			    "from 1 to 720\n");
			return EXIT_USAGE;
		}
	} else if (argc != 1)
		return usage();
	snprintf(since, sizeof(since), "%lld",
	    (long long)time(NULL) - hours * 3600);
	if (store_q_rows(c->store, Q_STATS_LIFECYCLE, p, 1, row_life, NULL) !=
	    STORE_OK) {
		fprintf(stderr, "kfctl: cannot read the database\n");
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

static int
dispatch(struct ctl *c, int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[0], "admin") == 0 &&
	    (strcmp(argv[1], "add") == 0 || strcmp(argv[1], "passwd") == 0))
		return cmd_admin(c, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[0], "agent") == 0) {
		if (strcmp(argv[1], "status") == 0 && argc == 4)
			return cmd_agent_status(c, argv[2], argv[3]);
		if (strcmp(argv[1], "list") == 0 && argc == 2)
			return cmd_agent_list(c);
		return usage();
	}
	if (argc == 3 && strcmp(argv[0], "entry") == 0 &&
	    strcmp(argv[1], "show") == 0)
		return cmd_entry_show(c, argv[2]);
	if (argc >= 4 && strcmp(argv[0], "entry") == 0 &&
	    strcmp(argv[1], "set") == 0)
		return cmd_entry_set(c, argv[2], argc - 3, argv + 3);
	if (argc >= 2 && strcmp(argv[0], "route") == 0)
		return cmd_route(c, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[0], "customer-token") == 0)
		return cmd_token(c, argc - 1, argv + 1);
	if (argc == 2 && strcmp(argv[0], "wecom") == 0 &&
	    (strcmp(argv[1], "sync-accounts") == 0 ||
	    strcmp(argv[1], "sync-status") == 0)) {
		struct wecom	*w = wecom_new(&c->cfg, c->store);
		int		 rc = strcmp(argv[1], "sync-status") == 0 ?
		    cmd_sync_status(c, w) : cmd_sync(c, w);

		wecom_free(w);
		return rc;
	}
	if (argc == 2 && strcmp(argv[0], "wecom") == 0 &&
	    (strcmp(argv[1], "token") == 0 || strcmp(argv[1], "accounts") == 0))
		return cmd_wecom(c, argv[1]);
	if (argc == 2 && strcmp(argv[0], "wecom") == 0 &&
	    strcmp(argv[1], "status") == 0)
		return cmd_wecom_status(c);
	if (argc >= 2 && strcmp(argv[0], "wecom") == 0 &&
	    strcmp(argv[1], "worker") == 0)
		return cmd_worker(c, argc - 1, argv + 1);
	if (argc == 1 && strcmp(argv[0], "retention") == 0)
		return cmd_retention(c);
	if (argc >= 1 && strcmp(argv[0], "stats") == 0)
		return cmd_stats(c, argc, argv);
	return usage();
}

/*
 * The kfctl built in a checkout (bin/kfctl) uses that checkout's stack,
 * var/kfroute.conf beside bin/, wherever it is run from; an installed
 * kfctl never picks up a var/ of the current directory.
 */
static int
dev_conf(char *out, size_t len)
{
	char	 self[PATH_MAX], *slash;
	ssize_t	 n;

	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) <= 0)
		return 0;
	self[n] = '\0';
	if ((slash = strrchr(self, '/')) == NULL)
		return 0;
	*slash = '\0';			/* .../bin */
	if ((slash = strrchr(self, '/')) == NULL ||
	    strcmp(slash, "/bin") != 0)
		return 0;
	*slash = '\0';			/* the checkout, if it is one */
	if ((size_t)snprintf(out, len, "%s/cgi-bin/src/kfctl.c", self) >= len ||
	    access(out, F_OK) != 0 ||
	    (size_t)snprintf(out, len, "%s/var/kfroute.conf", self) >= len)
		return 0;
	return access(out, R_OK) == 0;
}

int
main(int argc, char **argv)
{
	struct ctl	 c;
	const char	*path = getenv("KFROUTE_CONF");
	char		 dev[PATH_MAX];
	int		 rc;

	if (argc < 2)
		return usage();
	if ((path == NULL || *path == '\0') && dev_conf(dev, sizeof(dev)))
		path = dev;		/* bin/kfctl of a checkout: its stack */
	else
		path = cfg_path();
	if (path == NULL) {
		/* kfctl without a config only fails later, and less clearly. */
		fprintf(stderr, "kfctl: no config: set KFROUTE_CONF to its "
		    "path, or create " KFROUTE_DEFAULT_CONF "\n");
		return EXIT_FAIL;
	}
	if (program_start("kfctl", path, &c.cfg, PROGRAM_MYSQL |
	    PROGRAM_CURL) == -1)
		return EXIT_FAIL;
	/* A tool's output is its answer: warnings and errors only. */
	log_init("kfctl", LOG_LVL_WARN);
	c.store = store_new(&c.cfg, STORE_ADMIN);
	c.arena = arena_new(4096);
	rc = dispatch(&c, argc - 1, argv + 1);
	arena_free(c.arena);
	store_free(c.store);
	program_end(&c.cfg, PROGRAM_MYSQL | PROGRAM_CURL);
	return rc;
}
