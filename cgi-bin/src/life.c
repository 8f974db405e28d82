#include "cfg.h"
#include "life.h"
#include "snap.h"

/* The entry's own value when set (>= 0), else the config's. */
static int
pick(int own, int dflt)
{
	return own >= 0 ? own : dflt;
}

void
life_settings(const struct cfg *cfg, const struct snap_entry *e,
    struct life_settings *s)
{
	s->widen_after_s = pick(e->conf->widen_after_s,
	    cfg->lifecycle.widen_after_s);
	s->reroute_after_s = pick(e->conf->reroute_after_s,
	    cfg->lifecycle.reroute_after_s);
	s->take_back = pick(e->conf->take_back, cfg->lifecycle.take_back) != 0;
	s->busy_after_misses = pick(e->conf->busy_after_misses,
	    cfg->lifecycle.busy_after_misses);
	s->queue_max = pick(e->conf->queue_max, cfg->lifecycle.queue_max);
	s->queue_notice_step = pick(e->conf->queue_notice_step,
	    cfg->lifecycle.queue_notice_step);
	s->leave_message = pick(e->conf->leave_message,
	    cfg->lifecycle.leave_message) != 0;
	s->handle_estimate_s = cfg->lifecycle.handle_estimate_s;
}

int
life_due_s(const struct life_settings *s)
{
	if (s->reroute_after_s > 0)
		return s->reroute_after_s;
	return s->take_back ? LIFE_DUE_OFFLINE : LIFE_DUE_NONE;
}

enum life_act
life_watch(const struct life_settings *s, const struct life_watch *w,
    int64_t now_ms)
{
	if (w->assigned_ms == 0 || w->first_reply_ms != 0)
		return LIFE_KEEP;
	if (w->offline && s->take_back)
		return LIFE_TAKE_BACK;
	if (s->reroute_after_s > 0 &&
	    now_ms >= w->assigned_ms + (int64_t)s->reroute_after_s * 1000)
		return LIFE_REROUTE;
	return LIFE_KEEP;
}

int64_t
life_hold_until(const struct life_settings *s, int64_t now_ms,
    int64_t next_open_ms)
{
	int64_t	 from = next_open_ms > now_ms ? next_open_ms : now_ms;

	/* A message left at night waits for the opening at least. */
	if (next_open_ms > 0 && s->leave_message)
		return from + (int64_t)s->widen_after_s * 1000;
	if (s->widen_after_s <= 0)
		return 0;
	return now_ms + (int64_t)s->widen_after_s * 1000;
}

int
life_held(int64_t hold_until_ms, int64_t now_ms)
{
	return hold_until_ms > 0 && now_ms < hold_until_ms;
}

int
life_queue_tell(const struct life_settings *s, unsigned told, unsigned pos)
{
	unsigned	 step = (unsigned)s->queue_notice_step;

	if (step == 0 || pos == 0)
		return 0;
	if (told == 0)
		return 1;
	return (told > pos ? told - pos : pos - told) >= step;
}

unsigned
life_queue_wait_min(const struct life_settings *s, unsigned pos,
    unsigned servers)
{
	uint64_t	 secs;

	if (servers == 0)
		servers = 1;
	secs = ((uint64_t)pos * (uint64_t)s->handle_estimate_s + servers - 1) /
	    servers;
	secs = (secs + 59) / 60;
	return secs > 0 ? (unsigned)secs : 1;
}

int
life_queue_full(const struct life_settings *s, unsigned waiting)
{
	return s->queue_max > 0 && waiting >= (unsigned)s->queue_max;
}

int
life_busy_after(const struct life_settings *s, unsigned misses)
{
	return s->busy_after_misses > 0 &&
	    misses >= (unsigned)s->busy_after_misses;
}
