#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "assign.h"
#include "cfg.h"
#include "notice.h"
#include "preview.h"
#include "snap.h"
#include "store.h"
#include "tz.h"
#include "util.h"
#include "valid.h"

enum preview_rc
preview_run(struct preview *p, struct store *st, const struct cfg *cfg,
    struct arena *a, const char *entry, const char *customer,
    const char *order, time_t at)
{
	struct assign_in	 in;
	struct assign_quote	 q;

	memset(p, 0, sizeof(*p));
	if (customer != NULL) {
		if (store_load_customer(st, a, customer,
		    cfg->routing.sticky_days, &p->customer) == STORE_ERR)
			return PREVIEW_DB;
		if (order != NULL && store_order_agent(st, a, order, customer,
		    &p->customer.order_agent_id) != STORE_OK)
			p->order_ignored = 1;
		p->has_customer = 1;
	}
	p->snap = snap_new();
	if (store_load_all(st, p->snap) != STORE_OK)
		return PREVIEW_DB;
	if ((p->entry = snap_entry(p->snap, entry)) == NULL)
		return PREVIEW_NO_ENTRY;
	/* The same quote a tap gets, with the engine's trace. */
	memset(&in, 0, sizeof(in));
	in.cfg = cfg;
	in.snap = p->snap;
	in.entry = p->entry;
	in.customer = p->has_customer ? &p->customer : NULL;
	in.now = at;
	in.random = (uint32_t)at ^ (uint32_t)getpid();
	in.trace = &p->trace;
	in.arena = a;
	assign_quote(&in, &q);
	p->d = q.d;
	memcpy(p->reason, q.reason, sizeof(p->reason));
	memcpy(p->next_open, q.next_open, sizeof(p->next_open));
	memcpy(p->next_open_text, q.next_open_text,
	    sizeof(p->next_open_text));
	p->notice = q.notice;
	p->hold_s = q.d.hold ? q.hold_s : 0;
	return PREVIEW_OK;
}

void
preview_free(struct preview *p)
{
	snap_free(p->snap);	/* NULL is fine */
	p->snap = NULL;
}

int
preview_parse_at(const char *zone, const char *s, time_t *out)
{
	struct tm	 tm;
	long long	 v;
	int		 n = 0, m = 0;
	char		 day[11];

	if (util_parse_llong(s, 0, 99999999999LL, &v) == 0) {
		*out = (time_t)v;
		return 0;
	}
	/* A calendar day first: sscanf and mktime would take 02-30 as 03-02. */
	if (strlen(s) < 16)
		return -1;
	memcpy(day, s, 10);
	day[10] = '\0';
	if (!valid_day(day))
		return -1;
	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%4d-%2d-%2d%*1[T ]%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &n) != 5 || n == 0)
		return -1;
	if (s[n] == ':') {
		if (sscanf(s + n, ":%2d%n", &tm.tm_sec, &m) != 1 || m != 3)
			return -1;
		n += m;
	}
	if (s[n] != '\0' || tm.tm_mon < 1 || tm.tm_mon > 12 ||
	    tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
	    tm.tm_min > 59 || tm.tm_sec > 60)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*out = tz_mktime(zone, &tm);
	return *out == (time_t)-1 ? -1 : 0;
}
