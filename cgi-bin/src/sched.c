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

/* Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's). */
static long
days_of(int y, int m, int d)
{
	long	 era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The yyyymmdd of a day number from days_of. */
static int
date_of_days(long z)
{
	long	 era, doe, yoe, y, doy, mp, d, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp + (mp < 10 ? 3 : -9);
	return (int)((y + (m <= 2)) * 10000 + m * 100 + d);
}

static long
tm_days(const struct tm *tm)
{
	return days_of(tm->tm_year + 1900, tm->tm_mon + 1, tm->tm_mday);
}

static int
closed_date(const struct snap_schedule *s, int date)
{
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

/* The make-up working day on date, or NULL. */
static const struct snap_workday *
workday_on(const struct snap_schedule *s, int date)
{
	size_t	 lo = 0, hi = s->nworkdays, mid;

	while (lo < hi) {	/* workdays are sorted by date */
		mid = (lo + hi) / 2;
		if (s->workdays[mid].date == date)
			return &s->workdays[mid];
		if (s->workdays[mid].date < date)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * A day's own hours are its weekday's slots, or its workday's window
 * instead. Whatever a day opens past midnight belongs to that day, so it
 * still runs into the next one (unless that date is closed: a closure is
 * a whole calendar day). The workday's date decides, not the weekday.
 */
int
sched_open_local(const struct snap_schedule *s, const struct tm *tm)
{
	int			 m = tm->tm_hour * 60 + tm->tm_min;
	int			 w = tm->tm_wday, yw = (w + 6) % 7;
	long			 day = tm_days(tm);
	int			 date = date_of_days(day);
	const struct snap_workday *today, *yday;
	size_t			 i;

	if (closed_date(s, date))
		return 0;
	today = workday_on(s, date);
	yday = workday_on(s, date_of_days(day - 1));
	if (today != NULL && m >= today->start &&
	    (today->start >= today->end || m < today->end))
		return 1;
	if (yday != NULL && yday->end <= yday->start && m < yday->end)
		return 1;	/* yesterday's workday past midnight */
	for (i = 0; i < s->nslots; i++) {
		const struct snap_slot *sl = &s->slots[i];

		if (today == NULL && sl->wday == w && m >= sl->start &&
		    (sl->start >= sl->end || m < sl->end))
			return 1;
		if (yday == NULL && sl->wday == yw && sl->end <= sl->start &&
		    m < sl->end)
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
 * The next moment after local minute cur (days since 1970 * 1440 +
 * minute) when something starts: a weekly slot or a workday's window, or
 * the next midnight (a closure ends, a workday begins or ends replacing a
 * weekday). -1 when there is nothing at all to wait for.
 */
static long
next_start(const struct snap_schedule *s, long cur)
{
	long	 best = -1, at, diff, day = cur / 1440;
	int	 wmin = (int)(((day + 4) % 7) * 1440 + cur % 1440);
	size_t	 i;

	/* 1970-01-01 was a Thursday: (day + 4) % 7 is the weekday. */
	for (i = 0; i < s->nslots; i++) {
		at = s->slots[i].wday * 1440 + s->slots[i].start;
		diff = ((at - wmin) % WEEK_MIN + WEEK_MIN) % WEEK_MIN;
		if (diff == 0)
			diff = WEEK_MIN;
		if (best == -1 || cur + diff < best)
			best = cur + diff;
	}
	for (i = 0; i < s->nworkdays; i++) {
		const struct snap_workday *wd = &s->workdays[i];

		at = days_of(wd->date / 10000, wd->date / 100 % 100,
		    wd->date % 100) * 1440 + wd->start;
		if (at > cur && (best == -1 || at < best))
			best = at;
	}
	/* Closures and workdays change what a day means at its midnight. */
	if ((s->nclosures > 0 || s->nworkdays > 0) &&
	    (best == -1 || (day + 1) * 1440 < best))
		best = (day + 1) * 1440;
	return best;
}

time_t
sched_next_open(const struct snap_schedule *s, time_t now,
    sched_localtime_fn lt)
{
	struct tm	 tm, tm2;
	time_t		 t = now, t2;
	long		 cur, target = -1, next, off;
	int		 i;

	if (s == NULL)
		return now;
	/*
	 * Jump from start to start in local minutes (a slot, a workday, a
	 * midnight), then check again in real local time. A jump across a
	 * DST change lands an hour off the local minute it aimed at: move
	 * by the difference. A closure just means one more round. Bounded:
	 * about 60 days.
	 */
	for (i = 0; i < 4096; i++) {
		if (lt(s->tz, t, &tm) == -1)
			return -1;
		cur = tm_days(&tm) * 1440 + tm.tm_hour * 60 + tm.tm_min;
		if (sched_open_local(s, &tm)) {
			off = target < 0 ? 0 : target - cur;
			t2 = t + (time_t)off * 60;
			if (off != 0 && t2 >= now && lt(s->tz, t2, &tm2) == 0 &&
			    sched_open_local(s, &tm2))
				return t2;
			return t;
		}
		if ((next = next_start(s, cur)) < 0)
			return -1;		/* no slots at all */
		target = next;
		t += (time_t)(next - cur) * 60 - tm.tm_sec;
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
