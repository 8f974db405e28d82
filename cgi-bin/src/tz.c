#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	char	 path[128];
	size_t	 i, n = strlen(zone);

	if (n == 0 || n > 64 || zone[0] == '/' || strstr(zone, "..") != NULL)
		return 0;
	for (i = 0; i < n; i++)
		if (!((zone[i] >= 'a' && zone[i] <= 'z') ||
		    (zone[i] >= 'A' && zone[i] <= 'Z') ||
		    (zone[i] >= '0' && zone[i] <= '9') || zone[i] == '_' ||
		    zone[i] == '-' || zone[i] == '+' || zone[i] == '/'))
			return 0;
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", zone);
	return access(path, R_OK) == 0;
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
