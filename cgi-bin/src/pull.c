#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "arena.h"
#include "cfg.h"
#include "jsonin.h"
#include "lifework.h"
#include "log.h"
#include "pull.h"
#include "req.h"
#include "store.h"
#include "store_wecom.h"
#include "util.h"
#include "wecom.h"
#include "work.h"

#define PAGE_LIMIT	1000		/* sync_msg's largest page */
#define PAGE_LIMIT_MIN	10
#define PAGES_MAX	100		/* per pull: 100,000 messages */
/* A page's answer may be large (1000 messages of 1.5 KB are 1.3 MB). */
#define PAGE_CAP	(8 * 1024 * 1024)
#define WORK_BATCH	200		/* messages per account and round */
#define WORK_ROUNDS	20		/* rounds per account and pass */
#define TRIES_MAX	8		/* then a message is given up */
#define POOL_EVERY_MS	1000	/* also how exact a hold's end is */
#define WATCH_EVERY_MS	1000	/* how exact a re-route's time is */

/* Back-off: 1, 2, 4 ... s for a message, capped; half that for a pull. */
static int
backoff_ms(unsigned n, int cap)
{
	int64_t	 d = 1000LL << (n > 16 ? 16 : n);

	return d > cap ? cap : (int)d;
}

void
pull_init(struct pull *p, const struct cfg *cfg, struct store *store,
    struct wecom *wecom, struct cache *cache)
{
	memset(p, 0, sizeof(*p));
	p->cfg = cfg;
	p->store = store;
	p->wecom = wecom;
	p->cache = cache;
	p->arena = arena_new(8192);
}

void
pull_free(struct pull *p)
{
	arena_free(p->arena);
	p->arena = NULL;
}

/* ---- pulling ---------------------------------------------------------- */

/*
 * Record every message of a page: all or the page does not count (the
 * cursor stays, the page comes again). Messages without a usable msgid
 * cannot be recorded or deduplicated: logged and skipped.
 */
static int
record_page(struct pull *p, const char *kfid, struct json_object *list)
{
	struct json_object	*m, *ev;
	const char		*msgid, *type, *etype, *user;
	size_t			 i, n = json_object_array_length(list);

	for (i = 0; i < n; i++) {
		m = json_object_array_get_idx(list, i);
		msgid = jsonin_str(m, "msgid");
		type = jsonin_str(m, "msgtype");
		if (msgid == NULL || type == NULL || *msgid == '\0' ||
		    strlen(msgid) > 64) {
			log_warn("wecom %s: a message without a usable msgid "
			    "or msgtype, skipped", kfid);
			continue;
		}
		etype = NULL;
		user = jsonin_str(m, "external_userid");
		/* For events the customer sits inside the event object. */
		if (strcmp(type, "event") == 0 &&
		    json_object_object_get_ex(m, "event", &ev)) {
			etype = jsonin_str(ev, "event_type");
			user = jsonin_str(ev, "external_userid");
		}
		if (etype != NULL && strlen(etype) > 48)
			etype = NULL;
		if (user != NULL && !util_id_valid(user, strlen(user)))
			user = NULL;
		if (store_wecom_msg_record(p->store, msgid, kfid,
		    strlen(type) <= 32 ? type : "other", etype, user,
		    json_object_to_json_string_ext(m, JSON_C_TO_STRING_PLAIN))
		    != STORE_OK)
			return -1;
	}
	return 0;
}

/*
 * Pull the account's news: page after page until has_more is 0. Returns
 * 0 when everything up to now is recorded, -1 with *why otherwise.
 */
static int
pull_pages(struct pull *p, const struct store_wecom_due *d, const char **why)
{
	char			 cursor[65], body[512];
	struct json_object	*req, *o, *list, *more;
	const char		*next;
	int			 limit = PAGE_LIMIT, pages, reset = 0;
	enum wecom_err		 rc;

	if (store_wecom_cursor_get(p->store, d->open_kfid, cursor,
	    sizeof(cursor)) == STORE_ERR) {
		*why = "database";
		return -1;
	}
	for (pages = 0; pages < PAGES_MAX; pages++) {
		req = json_object_new_object();
		if (cursor[0] != '\0')
			json_object_object_add(req, "cursor",
			    json_object_new_string(cursor));
		if (d->token[0] != '\0')
			json_object_object_add(req, "token",
			    json_object_new_string(d->token));
		json_object_object_add(req, "limit", json_object_new_int(limit));
		json_object_object_add(req, "open_kfid",
		    json_object_new_string(d->open_kfid));
		snprintf(body, sizeof(body), "%s", json_object_to_json_string(req));
		json_object_put(req);
		rc = wecom_call_cap(p->wecom, "kf/sync_msg", body, PAGE_CAP, &o);
		if (rc == WECOM_TOO_LARGE && limit > PAGE_LIMIT_MIN) {
			/* Never pin the cursor on one page: ask for less. */
			limit = limit / 4 > PAGE_LIMIT_MIN ? limit / 4 :
			    PAGE_LIMIT_MIN;
			log_info("wecom %s: sync_msg page too large, asking for "
			    "%d messages", d->open_kfid, limit);
			pages--;
			continue;
		}
		if (rc == WECOM_OTHER && cursor[0] != '\0' && !reset) {
			/*
			 * A cursor WeCom no longer takes must not stall the
			 * account for good: start again from what WeCom keeps
			 * (3 days); msgids recorded before are not worked twice.
			 */
			log_warn("wecom %s: sync_msg refused a page from the "
			    "stored cursor (errcode %d); trying once from "
			    "the start",
			    d->open_kfid, wecom_errcode(p->wecom));
			cursor[0] = '\0';
			reset = 1;
			pages--;
			continue;
		}
		if (rc != WECOM_OK) {
			*why = wecom_strerror(rc);
			return -1;
		}
		if (!json_object_object_get_ex(o, "msg_list", &list) ||
		    !json_object_is_type(list, json_type_array)) {
			json_object_put(o);
			*why = "sync_msg answer without msg_list";
			return -1;
		}
		if (record_page(p, d->open_kfid, list) == -1) {
			json_object_put(o);
			*why = "database";
			return -1;
		}
		/* Recorded: only now may the cursor move past the page. */
		if ((next = jsonin_str(o, "next_cursor")) != NULL &&
		    *next != '\0' && strlen(next) < sizeof(cursor)) {
			snprintf(cursor, sizeof(cursor), "%s", next);
			if (store_wecom_cursor_put(p->store, d->open_kfid,
			    cursor) != STORE_OK) {
				json_object_put(o);
				*why = "database";
				return -1;
			}
		}
		more = NULL;
		json_object_object_get_ex(o, "has_more", &more);
		if (more == NULL || json_object_get_int(more) != 1) {
			json_object_put(o);
			return 0;
		}
		json_object_put(o);
	}
	return 0;	/* the rest next pass */
}

/* One account's news: pulled by one puller at a time (database lock). */
static int
pull_news(struct pull *p, const struct store_wecom_due *d)
{
	char		 lock[96];
	const char	*why = NULL;
	int		 rc;

	snprintf(lock, sizeof(lock), "kfroute.pull.%.48s", d->open_kfid);
	if (store_lock(p->store, lock, 0) != STORE_OK)
		return 0;	/* another puller has it, or no database */
	if (d->token[0] == '\0')
		log_info("wecom %s: sync token expired, pulling without it",
		    d->open_kfid);
	if ((rc = pull_pages(p, d, &why)) == 0)
		store_wecom_pulled(p->store, d->open_kfid, d->news_seq);
	else if (wecom_errcode(p->wecom) == 95000 ||
	    wecom_errcode(p->wecom) == 95004) {
		/* Not an account of this app: nothing to wait for. */
		log_warn("wecom %s: not an account of this app (%d), news "
		    "dropped", d->open_kfid, wecom_errcode(p->wecom));
		store_wecom_pull_failed(p->store, d->open_kfid, why, 1000);
		store_wecom_pulled(p->store, d->open_kfid, d->news_seq);
	} else {
		log_warn("wecom %s: pull failed (%s), trying again later",
		    d->open_kfid, why);
		store_wecom_pull_failed(p->store, d->open_kfid, why, 1000);
	}
	store_unlock(p->store, lock);
	return rc == 0 ? 1 : 0;
}

/* ---- working ---------------------------------------------------------- */

struct ready {
	char		 msgid[WORK_BATCH][65];
	char		*payload[WORK_BATCH];
	unsigned	 attempts[WORK_BATCH];
	size_t		 n;
};

static void
collect_ready(void *arg, const char *msgid, const char *payload,
    unsigned attempts)
{
	struct ready	*r = arg;

	if (r->n == WORK_BATCH)
		return;
	snprintf(r->msgid[r->n], sizeof(r->msgid[0]), "%s", msgid);
	r->payload[r->n] = payload != NULL ? xstrdup(payload) : NULL;
	r->attempts[r->n++] = attempts;
}

/* Work one message under its lease; returns 1 when it was ours. */
static int
work_one(struct pull *p, const char *kfid, const char *msgid,
    const char *payload, unsigned attempts)
{
	struct json_object	*m;
	const char		*why = NULL;
	enum work_rc		 rc;

	if (store_wecom_msg_take(p->store, msgid, p->cfg->wecom.lease_s) !=
	    STORE_OK)
		return 0;	/* another worker has it */
	attempts++;
	m = payload != NULL ? json_tokener_parse(payload) : NULL;
	if (m == NULL) {
		log_warn("wecom %s: message %s cannot be read, skipped", kfid,
		    msgid);
		store_wecom_msg_failed(p->store, msgid, "unreadable");
		return 1;
	}
	rc = work_message(p, kfid, msgid, m, &why);
	json_object_put(m);
	arena_reset(p->arena);
	if (rc == WORK_RECORDED)
		p->worked++;
	else if (rc == WORK_DONE) {
		if (store_wecom_msg_done(p->store, msgid) == STORE_OK)
			p->worked++;
	} else if (rc == WORK_RETRY && attempts < TRIES_MAX) {
		log_info("wecom %s: message %s again later (%s)", kfid, msgid,
		    why != NULL ? why : "?");
		store_wecom_msg_retry(p->store, msgid,
		    backoff_ms(attempts - 1, 60000), why);
	} else {
		log_warn("wecom %s: message %s given up after %u tries (%s)",
		    kfid, msgid, attempts, why != NULL ? why : "?");
		store_wecom_msg_failed(p->store, msgid, why);
	}
	return 1;
}

/* The account's ready messages, in order. Returns how many were ours. */
static int
work_account(struct pull *p, const char *kfid)
{
	struct ready	*r = xcalloc(1, sizeof(*r));
	size_t		 i;
	int		 done = 0;

	if (store_wecom_msg_ready(p->store, kfid, WORK_BATCH, collect_ready,
	    r) == STORE_OK)
		for (i = 0; i < r->n; i++)
			done += work_one(p, kfid, r->msgid[i], r->payload[i],
			    r->attempts[i]);
	for (i = 0; i < r->n; i++)
		free(r->payload[i]);
	free(r);
	return done;
}

/* ---- passes ----------------------------------------------------------- */

#define ACCOUNTS_MAX	256

struct accounts {
	char	 kfid[ACCOUNTS_MAX][65];
	size_t	 n;
};

static void
add_account(struct accounts *a, const char *kfid)
{
	size_t	 i;

	for (i = 0; i < a->n; i++)
		if (strcmp(a->kfid[i], kfid) == 0)
			return;
	if (a->n < ACCOUNTS_MAX)
		snprintf(a->kfid[a->n++], sizeof(a->kfid[0]), "%s", kfid);
}

static void
collect_account(void *arg, const char *kfid)
{
	add_account(arg, kfid);
}

struct due_list {
	struct store_wecom_due	 d[ACCOUNTS_MAX];
	size_t			 n;
	const char		*only;
};

static void
collect_due(void *arg, const struct store_wecom_due *d)
{
	struct due_list	*l = arg;

	if (l->n < ACCOUNTS_MAX && (l->only == NULL ||
	    strcmp(l->only, d->open_kfid) == 0))
		l->d[l->n++] = *d;
}

static int
pass(struct pull *p, const char *only)
{
	struct due_list	*due = xcalloc(1, sizeof(*due));
	struct accounts	*acc = xcalloc(1, sizeof(*acc));
	int64_t		 now = util_now_ms();
	size_t		 i;
	int		 did = 0, rc = 0;

	due->only = only;
	if (store_wecom_news_due(p->store, collect_due, due) != STORE_OK) {
		rc = -1;
		goto done;
	}
	for (i = 0; i < due->n; i++)
		did += pull_news(p, &due->d[i]);
	if (only != NULL)
		add_account(acc, only);
	else if (store_wecom_msg_accounts(p->store, collect_account, acc) !=
	    STORE_OK) {
		rc = -1;
		goto done;
	}
	/*
	 * Again while there is progress: a customer's next message becomes
	 * ready only when the one before it is done (bounded per pass).
	 */
	for (i = 0; i < acc->n; i++) {
		int	 round, n;

		for (round = 0; round < WORK_ROUNDS; round++) {
			if ((n = work_account(p, acc->kfid[i])) == 0)
				break;
			did += n;
		}
	}
	/* Now and then, the pools: people come back, chats end. */
	if (only != NULL || now - p->pool_ms >= POOL_EVERY_MS) {
		p->pool_ms = now;
		acc->n = 0;
		if (only != NULL)
			add_account(acc, only);
		else
			store_wecom_pool_accounts(p->store, collect_account,
			    acc);
		for (i = 0; i < acc->n; i++)
			if (work_pool(p, acc->kfid[i]) > 0)
				did = 1;
	}
	/* The timers after the first transfer (the worker's pass only). */
	if (only == NULL && now - p->watch_ms >= WATCH_EVERY_MS) {
		p->watch_ms = now;
		if (lifework_watch(p) > 0)
			did = 1;
	}
	rc = did > 0;
done:
	free(due);
	free(acc);
	return rc;
}

int
pull_pass(struct pull *p)
{
	return pass(p, NULL);
}

int
pull_account(struct pull *p, const char *open_kfid)
{
	return pass(p, open_kfid);
}
