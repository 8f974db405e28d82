#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

static const char *const level_names[LOG_LVL__MAX] = {
	"error", "warn", "info", "debug",
};

static const char	*log_prog = "kfroute";
static enum log_level	 log_level = LOG_LVL_INFO;

void
log_init(const char *progname, enum log_level lvl)
{
	log_prog = progname;
	log_level = lvl;
}

int
log_level_parse(const char *name, enum log_level *out)
{
	int	 i = util_name_index(level_names, LOG_LVL__MAX, name);

	if (i < 0)
		return -1;
	*out = (enum log_level)i;
	return 0;
}

void
log_msg(enum log_level lvl, const char *file, int line, const char *fmt, ...)
{
	char	 msg[1024];
	va_list	 ap;

	if (lvl > log_level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* One fprintf per line keeps lines whole when workers share a log. */
	fprintf(stderr, "%s[%d]: %s: %s (%s:%d)\n", log_prog, (int)getpid(),
	    level_names[lvl], msg, file, line);
}
