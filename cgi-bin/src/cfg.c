#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <limits.h>
#include <pwd.h>
#include <strings.h>

#include "cfg.h"
#include "snap.h"
#include "tz.h"
#include "util.h"

enum cfg_type {
	CFG_STR,	/* char * */
	CFG_INT,	/* int, within [min, max] */
	CFG_SIZE,	/* size_t, within [min, max] */
	CFG_LOGLEVEL,	/* enum log_level */
	CFG_HOSTS,	/* comma-separated host names into a char *[] */
	CFG_STRATEGY,	/* a group strategy name into an int */
	CFG_ZONE,	/* an installed IANA time zone, char * */
	CFG_PATH,	/* a URL path prefix "/a/b" (no trailing /), char * */
	CFG_DAYS,	/* int: 0 (keep for ever) or within [min, max] */
};

/* Flags of a key. */
#define CFG_SECRET	0x1	/* may come from a file: <key>_file = path */

struct cfg_key {
	const char	*section;
	const char	*key;
	enum cfg_type	 type;
	size_t		 off;	/* offset in struct cfg */
	const char	*def;	/* default as text, NULL for none */
	long long	 min, max;
	int		 flags;
};

#define OFF(f)	offsetof(struct cfg, f)

/* The one list of settings; conf/kfroute.conf.example documents each. */
static const struct cfg_key keys[] = {
	{ "database", "socket", CFG_STR, OFF(db.socket), NULL, 0, 0, 0 },
	{ "database", "host", CFG_STR, OFF(db.host), "localhost", 0, 0, 0 },
	{ "database", "port", CFG_INT, OFF(db.port), "3306", 1, 65535, 0 },
	{ "database", "name", CFG_STR, OFF(db.name), "kfroute", 0, 0, 0 },
	{ "database", "user", CFG_STR, OFF(db.user), "kfroute", 0, 0, 0 },
	{ "database", "password", CFG_STR, OFF(db.password), NULL, 0, 0,
	    CFG_SECRET },
	{ "database", "connect_timeout", CFG_INT, OFF(db.connect_timeout),
	    "2", 1, 60, 0 },
	{ "database", "rw_timeout", CFG_INT, OFF(db.rw_timeout), "5", 1, 300, 0 },
	{ "cache", "staleness_ms", CFG_INT, OFF(staleness_ms), "1000",
	    0, 60000, 0 },
	{ "cache", "customers", CFG_INT, OFF(cache_customers), "4096",
	    0, 1000000, 0 },
	{ "log", "level", CFG_LOGLEVEL, OFF(log_level), "info", 0, 0, 0 },
	{ "http", "max_body", CFG_SIZE, OFF(max_body), "16384", 64, 1048576, 0 },
	{ "http", "redirect_hosts", CFG_HOSTS, OFF(redirect_hosts), "", 0, 0, 0 },
	{ "http", "base_path", CFG_PATH, OFF(base_path), NULL, 0, 0, 0 },
	{ "database", "admin_user", CFG_STR, OFF(db.admin_user), NULL, 0, 0, 0 },
	{ "database", "admin_password", CFG_STR, OFF(db.admin_password),
	    NULL, 0, 0, CFG_SECRET },
	{ "database", "wecom_user", CFG_STR, OFF(db.wecom_user), NULL, 0, 0, 0 },
	{ "database", "wecom_password", CFG_STR, OFF(db.wecom_password),
	    NULL, 0, 0, CFG_SECRET },
	{ "routing", "fallback_group", CFG_STR, OFF(routing.fallback_group),
	    NULL, 0, 0, 0 },
	{ "routing", "fallback_strategy", CFG_STRATEGY,
	    OFF(routing.fallback_strategy), "least_busy", 0, 0, 0 },
	{ "routing", "sticky_days", CFG_INT, OFF(routing.sticky_days), "30",
	    0, 3650, 0 },
	{ "routing", "timezone", CFG_ZONE, OFF(routing.timezone),
	    TZ_DEFAULT, 0, 0, 0 },
	{ "routing", "stats_flush_ms", CFG_INT, OFF(routing.stats_flush_ms),
	    "5000", 100, 600000, 0 },
	{ "customer", "secret", CFG_STR, OFF(customer_secret), NULL, 0, 0,
	    CFG_SECRET },
	{ "wecom", "corp_id", CFG_STR, OFF(wecom.corp_id), NULL, 0, 0, 0 },
	{ "wecom", "secret", CFG_STR, OFF(wecom.secret), NULL, 0, 0,
	    CFG_SECRET },
	{ "wecom", "token", CFG_STR, OFF(wecom.token), NULL, 0, 0,
	    CFG_SECRET },
	{ "wecom", "encoding_aes_key", CFG_STR, OFF(wecom.encoding_aes_key),
	    NULL, 0, 0, CFG_SECRET },
	{ "wecom", "api_base", CFG_STR, OFF(wecom.api_base),
	    "https://qyapi.weixin.qq.com", 0, 0, 0 },
	{ "wecom", "ca_file", CFG_STR, OFF(wecom.ca_file), NULL, 0, 0, 0 },
	{ "ticket", "secret", CFG_STR, OFF(ticket.secret), NULL, 0, 0,
	    CFG_SECRET },
	{ "ticket", "max_age", CFG_INT, OFF(ticket.max_age), "86400", 60,
	    604800, 0 },
	{ "wecom", "callback_max_skew", CFG_INT, OFF(wecom.callback_max_skew),
	    "300", 0, 86400, 0 },
	{ "wecom", "connect_timeout_ms", CFG_INT,
	    OFF(wecom.connect_timeout_ms), "3000", 100, 60000, 0 },
	{ "wecom", "timeout_ms", CFG_INT, OFF(wecom.timeout_ms), "10000",
	    100, 120000, 0 },
	{ "wecom", "lease_s", CFG_INT, OFF(wecom.lease_s), "120", 2, 3600, 0 },
	{ "miniprogram", "app_id", CFG_STR, OFF(miniprogram.app_id), NULL,
	    0, 0, 0 },
	{ "miniprogram", "app_secret", CFG_STR, OFF(miniprogram.app_secret),
	    NULL, 0, 0, CFG_SECRET },
	{ "miniprogram", "api_base", CFG_STR, OFF(miniprogram.api_base),
	    "https://api.weixin.qq.com", 0, 0, 0 },
	{ "admin", "insecure_http", CFG_INT, OFF(admin.insecure_http), "0",
	    0, 1, 0 },
	{ "admin", "idle_timeout", CFG_INT, OFF(admin.idle_timeout), "1800",
	    60, 86400, 0 },
	{ "admin", "absolute_timeout", CFG_INT, OFF(admin.absolute_timeout),
	    "43200", 300, 604800, 0 },
	{ "admin", "origin", CFG_STR, OFF(admin.origin), NULL, 0, 0, 0 },
	/*
	 * Lower bounds: WeCom hands out messages of the last 3 days again
	 * (a lost cursor), and one not on record would be worked twice; a
	 * customer's chat stays open about 2 days; the admin stats show the
	 * last 6 hours by minute; an audit log should outlive a month.
	 */
	{ "retention", "wecom_msg_days", CFG_DAYS,
	    OFF(retention.wecom_msg_days), "30", 4, 36500, 0 },
	{ "retention", "wecom_session_days", CFG_DAYS,
	    OFF(retention.wecom_session_days), "90", 7, 36500, 0 },
	{ "retention", "stats_minute_days", CFG_DAYS,
	    OFF(retention.stats_minute_days), "30", 1, 36500, 0 },
	{ "retention", "audit_days", CFG_DAYS, OFF(retention.audit_days),
	    "365", 30, 36500, 0 },
	{ "retention", "throttle_days", CFG_DAYS, OFF(retention.throttle_days),
	    "30", 1, 36500, 0 },
	{ "retention", "batch", CFG_INT, OFF(retention.batch), "10000", 1,
	    100000, 0 },
	/* After the first transfer (life.h); 0 turns a timer off. */
	{ "lifecycle", "widen_after_s", CFG_INT,
	    OFF(lifecycle.widen_after_s), "0", 0, 86400, 0 },
	{ "lifecycle", "reroute_after_s", CFG_INT,
	    OFF(lifecycle.reroute_after_s), "0", 0, 86400, 0 },
	{ "lifecycle", "take_back", CFG_INT, OFF(lifecycle.take_back), "1",
	    0, 1, 0 },
	{ "lifecycle", "busy_after_misses", CFG_INT,
	    OFF(lifecycle.busy_after_misses), "0", 0, 100, 0 },
	{ "lifecycle", "queue_max", CFG_INT, OFF(lifecycle.queue_max), "0",
	    0, 100000, 0 },
	{ "lifecycle", "queue_notice_step", CFG_INT,
	    OFF(lifecycle.queue_notice_step), "0", 0, 1000, 0 },
	{ "lifecycle", "leave_message", CFG_INT,
	    OFF(lifecycle.leave_message), "0", 0, 1, 0 },
	{ "lifecycle", "handle_estimate_s", CFG_INT,
	    OFF(lifecycle.handle_estimate_s), "300", 10, 86400, 0 },
	{ "notice", "welcome", CFG_STR, OFF(welcome), "正在为您接入{agent}…",
	    0, 0, 0 },
	{ "notice", "reassigned", CFG_STR, OFF(reassigned),
	    "{promised}暂时无法接待,已为您转接{agent}", 0, 0, 0 },
	{ "notice", "rerouted", CFG_STR, OFF(rerouted),
	    "{promised}暂时未能回复,已为您转接{agent}", 0, 0, 0 },
	{ "notice", "taken_back", CFG_STR, OFF(taken_back),
	    "{promised}已离开,已为您转接{agent}", 0, 0, 0 },
	{ "notice", "queue_position", CFG_STR, OFF(queue_position),
	    "您前面还有{ahead}位客户,预计等待约{wait}分钟", 0, 0, 0 },
	{ "notice", "queue_full", CFG_STR, OFF(queue_full),
	    "当前排队人数较多,请稍后再联系我们", 0, 0, 0 },
	{ "notice", "left_message", CFG_STR, OFF(left_message),
	    "您的留言已收到,{agent}将于{next_open}开始回复您", 0, 0, 0 },
	{ "notice", "hold", CFG_STR, OFF(notice[NOTICE_HOLD]),
	    "{agent}正在接待其他客户,预计很快回复您,请稍候…", 0, 0, 0 },
	{ "notice", "connected", CFG_STR, OFF(notice[NOTICE_CONNECTED]),
	    "已为您接入{agent}", 0, 0, 0 },
	{ "notice", "fallback", CFG_STR, OFF(notice[NOTICE_FALLBACK]),
	    "您指定的客服{designated}暂时不在线,已为您转接{agent}", 0, 0, 0 },
	{ "notice", "fallback_busy", CFG_STR,
	    OFF(notice[NOTICE_FALLBACK_BUSY]),
	    "您指定的客服{designated}正忙,已为您转接{agent}", 0, 0, 0 },
	{ "notice", "strict_offline", CFG_STR,
	    OFF(notice[NOTICE_STRICT_OFFLINE]),
	    "客服{designated}暂时不在线,您可以先留言,上线后会尽快回复您",
	    0, 0, 0 },
	{ "notice", "strict_busy", CFG_STR, OFF(notice[NOTICE_STRICT_BUSY]),
	    "客服{designated}正在忙,请稍候…", 0, 0, 0 },
	{ "notice", "busy", CFG_STR, OFF(notice[NOTICE_BUSY]),
	    "当前客服繁忙,请稍候…", 0, 0, 0 },
	{ "notice", "offline", CFG_STR, OFF(notice[NOTICE_OFFLINE]),
	    "当前暂无客服在线,您可以先留言,我们会尽快回复", 0, 0, 0 },
	{ "notice", "closed", CFG_STR, OFF(notice[NOTICE_CLOSED]),
	    "现在是非工作时间(工作时间 {hours}),您可以先留言,"
	    "我们将于{next_open}开始回复", 0, 0, 0 },
	/* 小程序码 made by the admin program (admin_qr.c): which version of
	 * the mini-program the code opens, and its width in pixels */
	{ "miniprogram", "env_version", CFG_STR, OFF(miniprogram.env_version),
	    "release", 0, 0, 0 },
	{ "miniprogram", "login_timeout_ms", CFG_INT,
	    OFF(miniprogram.login_timeout_ms), "1500", 100, 10000, 0 },
	/* The customer token /api/contact mints for an exchanged code */
	{ "miniprogram", "token_ttl_s", CFG_INT, OFF(miniprogram.token_ttl_s),
	    "3600", 60, 86400, 0 },
	{ "miniprogram", "code_width", CFG_INT, OFF(miniprogram.code_width),
	    "430", 280, 1280, 0 },
};

#define NKEYS	(sizeof(keys) / sizeof(keys[0]))

static void
hosts_free(char **hosts)
{
	size_t	 i;

	for (i = 0; i < CFG_MAX_HOSTS && hosts[i] != NULL; i++) {
		free(hosts[i]);
		hosts[i] = NULL;
	}
}

/* Returns NULL on success or a static reason. */
static const char *
hosts_parse(char **hosts, const char *val)
{
	const char	*p = val, *end;
	size_t		 n = 0, len, i;
	char		*h;

	hosts_free(hosts);
	while (*p != '\0') {
		while (*p == ',' || *p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		for (end = p; *end != '\0' && *end != ',' && *end != ' ' &&
		    *end != '\t'; end++)
			continue;
		len = (size_t)(end - p);
		for (i = 0; i < len; i++)
			if (!isalnum((unsigned char)p[i]) && p[i] != '-' &&
			    p[i] != '.')
				return "host names (no scheme, port or path) "
				    "may hold only letters, digits, '-' and '.'";
		if (n == CFG_MAX_HOSTS - 1)
			return "too many hosts";
		h = xmalloc(len + 1);
		memcpy(h, p, len);
		h[len] = '\0';
		hosts[n++] = h;
		p = end;
	}
	return NULL;
}

/*
 * A URL path prefix: "" or "/" is none (NULL), else "/seg/seg" of URL path
 * characters, no "." or ".." segment, no empty one; a trailing / is dropped.
 */
static const char *
path_parse(char **field, const char *val)
{
	const char	*p, *seg;
	size_t		 len = strlen(val), n;

	free(*field);
	*field = NULL;
	while (len > 0 && val[len - 1] == '/')
		len--;
	if (len == 0)
		return *val == '\0' || *val == '/' ? NULL :
		    "a URL path must start with /";
	if (val[0] != '/')
		return "a URL path must start with / (e.g. /kf)";
	for (p = val; p < val + len; p++)
		if (!isalnum((unsigned char)*p) && strchr("/-._~!$&'()*+,;=:@",
		    *p) == NULL)
			return "a URL path may hold letters, digits and "
			    "-._~!$&'()*+,;=:@ only (no % escapes)";
	for (seg = val + 1; seg <= val + len; seg += n + 1) {
		n = strcspn(seg, "/");
		if (seg + n > val + len)
			n = (size_t)(val + len - seg);
		if (n == 0 || (n == 1 && seg[0] == '.') ||
		    (n == 2 && seg[0] == '.' && seg[1] == '.'))
			return "a URL path may not hold empty, . or .. segments";
	}
	*field = xmalloc(len + 1);
	memcpy(*field, val, len);
	(*field)[len] = '\0';
	return NULL;
}

/* Store val into the field of k. Returns NULL or a static reason. */
static const char *
set_value(struct cfg *cfg, const struct cfg_key *k, const char *val)
{
	char		*field = (char *)cfg + k->off;
	long long	 v;

	switch (k->type) {
	case CFG_STR:
		/*
		 * Empty is "not set" for optional keys; a key with a default
		 * (a notice, a URL) is used as text, so it needs one.
		 */
		if (*val == '\0' && k->def != NULL)
			return "needs a value (leave the key out for the "
			    "default)";
		free(*(char **)field);
		*(char **)field = *val == '\0' ? NULL : xstrdup(val);
		return NULL;
	case CFG_INT:
	case CFG_SIZE:
		if (util_parse_llong(val, k->min, k->max, &v) == -1) {
			/* One program, one thread: a static message is fine. */
			static char	 msg[96];

			snprintf(msg, sizeof(msg), "not a whole number from "
			    "%lld to %lld", k->min, k->max);
			return msg;
		}
		if (k->type == CFG_INT)
			*(int *)field = (int)v;
		else
			*(size_t *)field = (size_t)v;
		return NULL;
	case CFG_DAYS:
		if (util_parse_llong(val, 0, k->max, &v) == -1 ||
		    (v != 0 && v < k->min)) {
			static char	 msg[96];

			snprintf(msg, sizeof(msg), "0 (keep for ever) or a "
			    "whole number from %lld to %lld", k->min, k->max);
			return msg;
		}
		*(int *)field = (int)v;
		return NULL;
	case CFG_LOGLEVEL:
		if (log_level_parse(val, (enum log_level *)field) == -1)
			return "log level must be error, warn, info or debug";
		return NULL;
	case CFG_HOSTS:
		return hosts_parse((char **)field, val);
	case CFG_STRATEGY:
		if (snap_strategy_parse(val, (enum strategy *)field) == -1)
			return "strategy must be ordered, round_robin, "
			    "least_busy, longest_idle or random";
		return NULL;
	case CFG_PATH:
		return path_parse((char **)field, val);
	case CFG_ZONE:
		if (!tz_known(val))
			return "not an installed time zone (e.g. Asia/Shanghai)";
		free(*(char **)field);
		*(char **)field = xstrdup(val);
		return NULL;
	}
	return "unknown type";
}

static const struct cfg_key *
find_key(const char *section, const char *key)
{
	size_t	 i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].section, section) == 0 &&
		    strcmp(keys[i].key, key) == 0)
			return &keys[i];
	return NULL;
}

/*
 * "<key>_file" names a file holding the secret <key> (one trailing newline
 * is dropped): returns that secret key, or NULL.
 */
static const struct cfg_key *
find_secret_file_key(const char *section, const char *key)
{
	const struct cfg_key	*k;
	char			 base[64];
	size_t			 len = strlen(key);

	if (len <= 5 || len - 5 >= sizeof(base) ||
	    strcmp(key + len - 5, "_file") != 0)
		return NULL;
	memcpy(base, key, len - 5);
	base[len - 5] = '\0';
	k = find_key(section, base);
	return k != NULL && (k->flags & CFG_SECRET) ? k : NULL;
}

/*
 * Open a config or secret file for reading: regular files only (a FIFO
 * would hang the program at start, a device feed it forever). NULL with
 * errno set otherwise.
 */
static FILE *
open_regular(const char *path)
{
	struct stat	 st;
	FILE		*f;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1)
		return NULL;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;		/* "Invalid argument": not a file */
		return NULL;
	}
	if ((f = fdopen(fd, "r")) == NULL)
		close(fd);
	return f;
}

/* Remember that k's secret is in the file at path (read by cfg_load). */
static void
set_file(struct cfg *cfg, const struct cfg_key *k, const char *path)
{
	size_t	 i = (size_t)(k - keys);

	free(cfg->secret_file[i]);
	cfg->secret_file[i] = *path == '\0' ? NULL : xstrdup(path);
}

/*
 * Read k's secret file. It holds the secret alone, up to 4 KiB, one
 * trailing newline (LF or CRLF) allowed; an empty one is an error, not
 * "no secret". Returns NULL or a reason (in buf).
 */
static const char *
read_secret_file(struct cfg *cfg, const struct cfg_key *k, const char *path,
    char *buf, size_t buflen)
{
	FILE	*f;
	char	 v[4099];
	size_t	 n;

	if ((f = open_regular(path)) == NULL) {
		snprintf(buf, buflen, "%s: cannot open secret file for [%s] "
		    "%s: %s", path, k->section, k->key, errno == EINVAL ?
		    "not a regular file" : strerror(errno));
		return buf;
	}
	/* 4096 bytes of secret and one newline (LF or CRLF) at most. */
	n = fread(v, 1, sizeof(v) - 1, f);
	if (n == sizeof(v) - 1 && fgetc(f) != EOF) {
		fclose(f);
		snprintf(buf, buflen, "%s: secret file over 4096 bytes", path);
		return buf;
	}
	fclose(f);
	v[n] = '\0';
	if (n > 0 && v[n - 1] == '\n')
		v[--n] = '\0';
	if (n > 0 && v[n - 1] == '\r')
		v[--n] = '\0';
	if (n > 4096) {
		snprintf(buf, buflen, "%s: secret file over 4096 bytes", path);
		return buf;
	}
	if (n == 0 || strlen(v) != n) {
		snprintf(buf, buflen, "%s: secret file empty or binary", path);
		return buf;
	}
	return set_value(cfg, k, v);
}

static int
section_known(const char *section)
{
	size_t	 i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].section, section) == 0)
			return 1;
	return 0;
}

static char *
trim(char *s)
{
	char	*e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
	    e[-1] == '\n'))
		*--e = '\0';
	return s;
}

/* Files a config may include, nested (include = path). */
#define CFG_INCLUDE_DEPTH	8

/*
 * One config file. "include = path" (relative paths start from this
 * file's directory) reads another file there, which starts outside any
 * section; this file's section goes on after it.
 */
static int
load_file(struct cfg *cfg, const char *path, int depth, char *err,
    size_t errlen)
{
	FILE			*f;
	char			 line[4096], section[64] = "", *p, *eq, *key, *val;
	char			 inc[4096];
	const char		*why, *slash;
	const struct cfg_key	*k;
	int			 lineno = 0;

	if ((f = open_regular(path)) == NULL) {
		snprintf(err, errlen, "%s: cannot open: %s", path,
		    errno == EINVAL ? "not a regular file" : strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			why = "line too long";
			goto bad;
		}
		p = trim(line);
		if (*p == '\0' || *p == '#' || *p == ';')
			continue;
		if (*p == '[') {
			if ((eq = strchr(p, ']')) == NULL || eq[1] != '\0' ||
			    (size_t)(eq - p - 1) >= sizeof(section)) {
				why = "malformed section header";
				goto bad;
			}
			*eq = '\0';
			snprintf(section, sizeof(section), "%s", p + 1);
			if (!section_known(section)) {
				why = "unknown section";
				goto bad;
			}
			continue;
		}
		if ((eq = strchr(p, '=')) == NULL) {
			why = "expected key = value";
			goto bad;
		}
		*eq = '\0';
		key = trim(p);
		val = trim(eq + 1);
		if (strcmp(key, "include") == 0) {
			if (*val == '\0') {
				why = "include needs a file name";
				goto bad;
			}
			if (depth >= CFG_INCLUDE_DEPTH) {
				why = "includes nested too deeply (a loop?)";
				goto bad;
			}
			slash = strrchr(path, '/');
			if (*val == '/' || slash == NULL)
				snprintf(inc, sizeof(inc), "%s", val);
			else
				snprintf(inc, sizeof(inc), "%.*s/%s",
				    (int)(slash - path), path, val);
			if (load_file(cfg, inc, depth + 1, err, errlen) == -1) {
				fclose(f);
				return -1;
			}
			continue;
		}
		if (section[0] == '\0') {
			why = "key outside of a [section]";
			goto bad;
		}
		if ((k = find_key(section, key)) != NULL)
			why = set_value(cfg, k, val);
		else if ((k = find_secret_file_key(section, key)) != NULL) {
			/* Relative names start where include's do. */
			slash = strrchr(path, '/');
			if (*val == '\0' || *val == '/' || slash == NULL)
				snprintf(inc, sizeof(inc), "%s", val);
			else
				snprintf(inc, sizeof(inc), "%.*s/%s",
				    (int)(slash - path), path, val);
			set_file(cfg, k, inc);
		}
		else {
			snprintf(err, errlen, "%s:%d: unknown key '%s' in [%s]",
			    path, lineno, key, section);
			fclose(f);
			return -1;
		}
		if (why != NULL)
			goto bad;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
bad:
	snprintf(err, errlen, "%s:%d: %s", path, lineno, why);
	fclose(f);
	return -1;
}

/* KFROUTE_<SECTION>_<KEY><suffix> into name. */
static void
env_name(char *name, size_t len, const struct cfg_key *k, const char *suffix)
{
	char		*q = name;
	const char	*p;

	(void)len;	/* sections and keys are short: 128 is plenty */
	q += snprintf(name, 16, "KFROUTE_");
	for (p = k->section; *p != '\0'; p++)
		*q++ = (char)toupper((unsigned char)*p);
	*q++ = '_';
	for (p = k->key; *p != '\0'; p++)
		*q++ = (char)toupper((unsigned char)*p);
	strcpy(q, suffix);
}

/* The environment wins over the file. */
static int
load_env(struct cfg *cfg, char *err, size_t errlen)
{
	char		 name[128];
	const char	*val, *why;
	size_t		 i;

	for (i = 0; i < NKEYS; i++) {
		if (keys[i].flags & CFG_SECRET) {
			env_name(name, sizeof(name), &keys[i], "_FILE");
			if ((val = getenv(name)) != NULL)
				set_file(cfg, &keys[i], val);
		}
		env_name(name, sizeof(name), &keys[i], "");
		if ((val = getenv(name)) == NULL)
			continue;
		if ((why = set_value(cfg, &keys[i], val)) != NULL) {
			snprintf(err, errlen, "environment %s: %s", name, why);
			return -1;
		}
	}
	return 0;
}

int
cfg_load(struct cfg *cfg, const char *path, char *err, size_t errlen)
{
	const char	*why;
	size_t		 i;

	/* One path slot per key (cfg.h): the table must fit. */
	_Static_assert(NKEYS <= CFG_MAX_KEYS, "raise CFG_MAX_KEYS");

	memset(cfg, 0, sizeof(*cfg));
	for (i = 0; i < NKEYS; i++)
		if (keys[i].def != NULL &&
		    set_value(cfg, &keys[i], keys[i].def) != NULL)
			abort();	/* a bad default is a programming error */
	if ((path != NULL && load_file(cfg, path, 0, err, errlen) == -1) ||
	    load_env(cfg, err, errlen) == -1)
		goto fail;
	/*
	 * Secret files last, and only for secrets not given directly: a
	 * program reads exactly the files its own config names.
	 */
	for (i = 0; i < NKEYS; i++) {
		char	*field = (char *)cfg + keys[i].off;

		if (cfg->secret_file[i] == NULL || *(char **)field != NULL)
			continue;
		if ((why = read_secret_file(cfg, &keys[i],
		    cfg->secret_file[i], err, errlen)) != NULL) {
			if (why != err)
				snprintf(err, errlen, "%s: %s",
				    cfg->secret_file[i], why);
			goto fail;
		}
	}
	/* Signing keys anyone could guess sign nothing. */
	if ((cfg->customer_secret != NULL &&
	    strlen(cfg->customer_secret) < CFG_SECRET_MIN) ||
	    (cfg->ticket.secret != NULL &&
	    strlen(cfg->ticket.secret) < CFG_SECRET_MIN)) {
		snprintf(err, errlen, "[%s] secret: at least %d characters "
		    "(make one with: openssl rand -hex 32)",
		    cfg->customer_secret != NULL &&
		    strlen(cfg->customer_secret) < CFG_SECRET_MIN ?
		    "customer" : "ticket", CFG_SECRET_MIN);
		goto fail;
	}
	return 0;
fail:
	cfg_free(cfg);
	return -1;
}

const char *
cfg_path(void)
{
	static char	 home_conf[PATH_MAX];
	const char	*p = getenv("KFROUTE_CONF"), *home;
	struct passwd	*pw;

	if (p != NULL && *p != '\0')
		return p;
	if (access(KFROUTE_DEFAULT_CONF, F_OK) == 0)
		return KFROUTE_DEFAULT_CONF;
	/*
	 * Shared hosting under suEXEC, which passes no KFROUTE_CONF: the
	 * account's own ~/kfroute/kfroute.conf (HOME, else the password
	 * database's home of the user we run as).
	 */
	if ((home = getenv("HOME")) == NULL || *home == '\0')
		home = (pw = getpwuid(geteuid())) != NULL ? pw->pw_dir : NULL;
	if (home != NULL && (size_t)snprintf(home_conf, sizeof(home_conf),
	    "%s/kfroute/kfroute.conf", home) < sizeof(home_conf) &&
	    access(home_conf, F_OK) == 0)
		return home_conf;
	return NULL;
}

void
cfg_free(struct cfg *cfg)
{
	size_t	 i;
	char	*field;

	for (i = 0; i < NKEYS; i++) {
		free(cfg->secret_file[i]);
		cfg->secret_file[i] = NULL;
		field = (char *)cfg + keys[i].off;
		if (keys[i].type == CFG_STR || keys[i].type == CFG_ZONE ||
		    keys[i].type == CFG_PATH) {
			free(*(char **)field);
			*(char **)field = NULL;
		} else if (keys[i].type == CFG_HOSTS)
			hosts_free((char **)field);
	}
}

int
cfg_redirect_allowed(const struct cfg *cfg, const char *host, size_t len)
{
	size_t	 i;

	for (i = 0; i < CFG_MAX_HOSTS && cfg->redirect_hosts[i] != NULL; i++)
		if (strlen(cfg->redirect_hosts[i]) == len &&
		    strncasecmp(cfg->redirect_hosts[i], host, len) == 0)
			return 1;
	return 0;
}
