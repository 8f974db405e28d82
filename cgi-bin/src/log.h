/*
 * Logging to stderr, which lighttpd and Apache put in their error log for
 * FastCGI and CGI programs alike. One line per event, with file and line.
 */
#ifndef KF_LOG_H
#define KF_LOG_H

enum log_level {
	LOG_LVL_ERROR,
	LOG_LVL_WARN,
	LOG_LVL_INFO,
	LOG_LVL_DEBUG,
	LOG_LVL__MAX
};

void	 log_init(const char *progname, enum log_level);
/* Returns -1 for an unknown name. */
int	 log_level_parse(const char *name, enum log_level *);
void	 log_msg(enum log_level, const char *file, int line,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#define log_error(...)	log_msg(LOG_LVL_ERROR, __FILE__, __LINE__, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_LVL_WARN, __FILE__, __LINE__, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_LVL_INFO, __FILE__, __LINE__, __VA_ARGS__)
#define log_debug(...)	log_msg(LOG_LVL_DEBUG, __FILE__, __LINE__, __VA_ARGS__)

#endif
