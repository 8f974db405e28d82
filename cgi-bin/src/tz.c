#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "tz.h"

/*
 * glibc keeps one current zone (TZ) and re-reads the zone file only when
 * TZ changes, so remember which zone is loaded and switch only when
 * needed: the common case, every schedule in one zone, costs nothing.
 */
static char	 current[80];

int
tz_known(const char *zone)
{
	char		 path[128], magic[4];
	size_t		 i, n = strlen(zone);
	struct stat	 st;
	FILE		*f;
	int		 ok;

	if (n == 0 || n > 64 || zone[0] == '/' || strstr(zone, "..") != NULL)
		return 0;
	for (i = 0; i < n; i++)
		if (!((zone[i] >= 'a' && zone[i] <= 'z') ||
		    (zone[i] >= 'A' && zone[i] <= 'Z') ||
		    (zone[i] >= '0' && zone[i] <= '9') || zone[i] == '_' ||
		    zone[i] == '-' || zone[i] == '+' || zone[i] == '/'))
			return 0;
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", zone);
	/*
	 * A zone is a TZif file: "Asia" is a directory, "zone.tab" a table,
	 * and glibc would quietly use UTC for either.
	 */
	if ((f = fopen(path, "rb")) == NULL)
		return 0;
	ok = fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
	    fread(magic, 1, 4, f) == 4 && memcmp(magic, "TZif", 4) == 0;
	fclose(f);
	return ok;
}

int
tz_local(const char *zone, time_t t, struct tm *out)
{
	if (strcmp(zone, current) != 0) {
		/* glibc silently falls back to UTC for unknown zones. */
		if (!tz_known(zone))
			return -1;
		snprintf(current, sizeof(current), "%s", zone);
		setenv("TZ", zone, 1);
		tzset();
	}
	return localtime_r(&t, out) != NULL ? 0 : -1;
}

void
tz_format(const char *zone, time_t t, char *iso, size_t isolen, char *text,
    size_t textlen)
{
	struct tm	 tm;
	int		 off;

	if (tz_local(zone, t, &tm) == -1) {
		snprintf(iso, isolen, "?");
		snprintf(text, textlen, "?");
		return;
	}
	off = (int)(tm.tm_gmtoff / 60);	/* zone offsets are within a day */
	snprintf(iso, isolen, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, off < 0 ? '-' : '+', abs(off) / 60 % 24,
	    abs(off) % 60);
	snprintf(text, textlen, "%d月%d日 %02d:%02d", tm.tm_mon + 1,
	    tm.tm_mday, tm.tm_hour, tm.tm_min);
}

time_t
tz_mktime(const char *zone, struct tm *local)
{
	struct tm	 probe;

	/* Switch the process zone through tz_local, then let mktime work. */
	if (tz_local(zone, 0, &probe) == -1)
		return -1;
	local->tm_isdst = -1;
	return mktime(local);
}
