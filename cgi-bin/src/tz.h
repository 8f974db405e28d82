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

#endif
