#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "sched.h"
#include "snap.h"

#define WEEK_MIN	(7 * 1440)

int
sched_in_window(int start, int end, int minute)
{
	if (start < end)
		return minute >= start && minute < end;
	return minute >= start || minute < end;	/* across midnight */
}

static int
closed_day(const struct snap_schedule *s, const struct tm *tm)
{
	int	 date = (tm->tm_year + 1900) * 10000 + (tm->tm_mon + 1) * 100 +
	    tm->tm_mday;
	size_t	 lo = 0, hi = s->nclosures, mid;

	while (lo < hi) {	/* closures are sorted */
		mid = (lo + hi) / 2;
		if (s->closures[mid] == date)
			return 1;
		if (s->closures[mid] < date)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

int
sched_open_local(const struct snap_schedule *s, const struct tm *tm)
{
	int	 m = tm->tm_hour * 60 + tm->tm_min, w = tm->tm_wday;
	size_t	 i;

	if (closed_day(s, tm))
		return 0;
	for (i = 0; i < s->nslots; i++) {
		const struct snap_slot *sl = &s->slots[i];

		if (sl->start < sl->end) {
			if (sl->wday == w && m >= sl->start && m < sl->end)
				return 1;
		} else if ((sl->wday == w && m >= sl->start) ||
		    (sl->wday == (w + 6) % 7 && m < sl->end))
			return 1;	/* a slot running past midnight */
	}
	return 0;
}

int
sched_open_at(const struct snap_schedule *s, time_t t, sched_localtime_fn lt)
{
	struct tm	 tm;

	if (s == NULL)
		return 1;
	if (lt(s->tz, t, &tm) == -1)
		return 0;
	return sched_open_local(s, &tm);
}

/*
 * Minutes from local week-minute cur to the next slot start after it;
 * *target gets that start's week-minute. -1 when there are no slots.
 */
static int
minutes_to_next_start(const struct snap_schedule *s, int cur, int *target)
{
	int	 best = -1, start, diff;
	size_t	 i;

	for (i = 0; i < s->nslots; i++) {
		start = s->slots[i].wday * 1440 + s->slots[i].start;
		diff = ((start - cur) % WEEK_MIN + WEEK_MIN) % WEEK_MIN;
		if (diff == 0)
			diff = WEEK_MIN;
		if (best == -1 || diff < best) {
			best = diff;
			*target = start;
		}
	}
	return best;
}

static int
week_minute(const struct tm *tm)
{
	return tm->tm_wday * 1440 + tm->tm_hour * 60 + tm->tm_min;
}

time_t
sched_next_open(const struct snap_schedule *s, time_t now,
    sched_localtime_fn lt)
{
	struct tm	 tm, tm2;
	time_t		 t = now, t2;
	int		 i, step, m, target = -1, off;

	if (s == NULL)
		return now;
	/*
	 * Jump from slot start to slot start (or past a closed day), then
	 * check again in real local time. A jump across a DST change lands
	 * an hour off the slot start it aimed at: move by the difference.
	 * A closure just means one more round. Bounded: about 60 days.
	 */
	for (i = 0; i < 64 + 60; i++) {
		if (lt(s->tz, t, &tm) == -1)
			return -1;
		if (!closed_day(s, &tm) && sched_open_local(s, &tm)) {
			off = target < 0 ? 0 : target - week_minute(&tm);
			if (off > WEEK_MIN / 2)
				off -= WEEK_MIN;
			if (off < -WEEK_MIN / 2)
				off += WEEK_MIN;
			t2 = t + (time_t)off * 60;
			if (off != 0 && t2 >= now && lt(s->tz, t2, &tm2) == 0 &&
			    !closed_day(s, &tm2) && sched_open_local(s, &tm2))
				return t2;
			return t;
		}
		m = tm.tm_hour * 60 + tm.tm_min;
		target = -1;
		if (closed_day(s, &tm))
			step = 1440 - m;	/* to the next local midnight */
		else if ((step = minutes_to_next_start(s, week_minute(&tm),
		    &target)) < 0)
			return -1;		/* no slots at all */
		t += (time_t)step * 60 - tm.tm_sec;
		if (t - now > 60L * 86400)
			return -1;
	}
	return -1;
}

/* "09:00-18:00" for each slot starting on weekday w, comma-joined. */
static void
day_signature(const struct snap_schedule *s, int w, char *out, size_t len)
{
	size_t	 i, n = 0;

	out[0] = '\0';
	for (i = 0; i < s->nslots && n + 16 < len; i++) {
		const struct snap_slot *sl = &s->slots[i];

		if (sl->wday != w)
			continue;
		n += (size_t)snprintf(out + n, len - n, "%s%02d:%02d-%02d:%02d",
		    n ? "," : "", sl->start / 60, sl->start % 60,
		    sl->end / 60, sl->end % 60);
	}
}

const char *
sched_describe(struct arena *a, const struct snap_schedule *s)
{
	static const char *const days[7] = {
		"周日", "周一", "周二", "周三", "周四", "周五", "周六",
	};
	/* Monday first, as a Chinese week is read. */
	static const int order[7] = { 1, 2, 3, 4, 5, 6, 0 };
	char		 sig[7][128];
	struct buf	 b = { 0 };
	const char	*out;
	int		 i, j;

	if (s == NULL)
		return arena_strdup(a, "全天");
	for (i = 0; i < 7; i++)
		day_signature(s, order[i], sig[i], sizeof(sig[i]));
	for (i = 0; i < 7; i = j) {
		for (j = i + 1; j < 7 && strcmp(sig[i], sig[j]) == 0; j++)
			continue;
		if (sig[i][0] == '\0')
			continue;
		if (b.len > 0)
			buf_puts(&b, ",");
		buf_puts(&b, days[order[i]]);
		if (j - 1 > i) {
			buf_puts(&b, j - 1 == i + 1 ? "、" : "至");
			buf_puts(&b, days[order[j - 1]]);
		}
		buf_printf(&b, " %s", sig[i]);
	}
	out = arena_strdup(a, b.len ? buf_str(&b) : "暂无");
	buf_free(&b);
	return out;
}
