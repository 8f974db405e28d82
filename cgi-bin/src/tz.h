/*
 * Local time in an IANA time zone (Asia/Shanghai, Europe/Berlin...), from
 * the system's tzdata through the C library. The routing engine never
 * calls this itself: it is handed in, so the engine stays pure and tests
 * can substitute it.
 */
#ifndef KF_TZ_H
#define KF_TZ_H

#include <time.h>

#define TZ_DEFAULT	"Asia/Shanghai"

/* Fill *out with the local time of t in zone; -1 for an unknown zone. */
int	 tz_local(const char *zone, time_t t, struct tm *out);
/* 1 when zone names an installed zone. */
int	 tz_known(const char *zone);

/*
 * t in zone as ISO 8601 with offset ("2026-11-24T09:00:00+08:00") and as
 * short Chinese text ("11月24日 09:00"); "?" for an unknown zone.
 */
void	 tz_format(const char *zone, time_t t, char *iso, size_t isolen,
	    char *text, size_t textlen);
/* Local wall time in zone to unix time (mktime in that zone); -1 if bad. */
time_t	 tz_mktime(const char *zone, struct tm *local);

#endif
