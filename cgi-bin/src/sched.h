/*
 * Business hours: a weekly schedule of slots in a time zone plus closure
 * dates. Pure functions; local time comes from the function passed in.
 */
#ifndef KF_SCHED_H
#define KF_SCHED_H

#include <time.h>

struct arena;
struct snap_schedule;

typedef int	(*sched_localtime_fn)(const char *zone, time_t, struct tm *);

/* 1 when the local moment falls in a slot on a day that is not closed. */
int	 sched_open_local(const struct snap_schedule *, const struct tm *);
/* Open at t? A NULL schedule is always open; an unknown zone is closed. */
int	 sched_open_at(const struct snap_schedule *, time_t t,
	    sched_localtime_fn);
/*
 * The first moment at or after now when the schedule is open, to the
 * minute; now itself when open. -1 when it does not open within 60 days.
 */
time_t	 sched_next_open(const struct snap_schedule *, time_t now,
	    sched_localtime_fn);
/* 1 when minute (0..1439) lies in [start, end), which may cross midnight. */
int	 sched_in_window(int start, int end, int minute);
/* "周一至周五 09:00-18:00,周六 10:00-16:00", in the arena. */
const char *sched_describe(struct arena *, const struct snap_schedule *);

#endif
