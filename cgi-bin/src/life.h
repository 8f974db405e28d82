/*
 * The chat's life after the first transfer: the timing decisions, as pure
 * functions of a session's state, an entry's settings and a clock (unix
 * milliseconds, passed in). No I/O, no allocation, no global state: the
 * WeCom worker (work.c, lifework.c) reads the state from MySQL, asks
 * here, and applies the answer.
 *
 *   hold       the preferred person is busy or full (not offline): the
 *              chat waits in the pool for them until hold_until, then
 *              widens along the entry's normal order (widen_after_s).
 *   watch      a person got the chat: without a first reply by due time
 *              it is re-routed (reroute_after_s); when they go offline
 *              with it unanswered it is taken back (take_back).
 *   queue      a waiting customer is told the position and an estimate,
 *              and told again when it moved by queue_notice_step.
 *   misses     busy_after_misses misses in a row mark the person busy.
 */
#ifndef KF_LIFE_H
#define KF_LIFE_H

#include <stdint.h>

struct cfg;
struct snap_entry;

/* An entry's effective settings: its own, else the [lifecycle] default. */
struct life_settings {
	int	 widen_after_s;		/* 0: no hold */
	int	 reroute_after_s;	/* 0: no re-route on silence */
	int	 take_back;		/* 1: offline + unanswered moves on */
	int	 busy_after_misses;	/* 0: never marked busy */
	int	 queue_max;		/* 0: no limit */
	int	 queue_notice_step;	/* 0: position never told */
	int	 leave_message;		/* 1: closed, kept for the person */
	int	 handle_estimate_s;	/* one chat's length, for estimates */
};

void	 life_settings(const struct cfg *, const struct snap_entry *,
	    struct life_settings *);

/*
 * When to look at a chat a person just got: in seconds, when its first
 * reply is overdue; LIFE_DUE_OFFLINE when only going offline can move it
 * (take back on, re-route off); LIFE_DUE_NONE when nothing can.
 */
#define LIFE_DUE_NONE		(-1)
#define LIFE_DUE_OFFLINE	(-2)
int	 life_due_s(const struct life_settings *);

/* A chat with a person, as the timers see it (ms; 0: none). */
struct life_watch {
	int64_t	 assigned_ms;
	int64_t	 first_reply_ms;
	int	 offline;	/* the person is offline now */
};

enum life_act {
	LIFE_KEEP,	/* nothing to do now */
	LIFE_REROUTE,	/* no first reply in time: the next person */
	LIFE_TAKE_BACK,	/* offline and unanswered: the next person */
};

/*
 * What to do with the chat now. A chat answered once is never moved.
 * Going offline wins over the timer (it says more: the person is gone).
 */
enum life_act	 life_watch(const struct life_settings *,
		    const struct life_watch *, int64_t now_ms);

/*
 * When a chat put in the pool at now_ms for a person is held for them
 * until (ms): widen_after_s from now; for a message left outside business
 * hours, from the opening (next_open_ms) on. 0 when it is not held.
 */
int64_t	 life_hold_until(const struct life_settings *, int64_t now_ms,
	    int64_t next_open_ms);
/* 1 while a held chat may go only to its person. */
int	 life_held(int64_t hold_until_ms, int64_t now_ms);

/*
 * Should a waiting customer be told position pos (1: next)? told is the
 * position last told, 0 for none yet. The first time always (when the
 * setting is on); later when it moved by step or more.
 */
int	 life_queue_tell(const struct life_settings *, unsigned told,
	    unsigned pos);
/*
 * Minutes a customer at position pos waits, about: pos chats to be handled
 * by servers people at handle_estimate_s each; at least 1.
 */
unsigned life_queue_wait_min(const struct life_settings *, unsigned pos,
	    unsigned servers);
/* 1 when queue_max customers already wait and one more may not. */
int	 life_queue_full(const struct life_settings *, unsigned waiting);

/* 1 when misses in a row (this one counted) mark the person busy. */
int	 life_busy_after(const struct life_settings *, unsigned misses);

#endif
