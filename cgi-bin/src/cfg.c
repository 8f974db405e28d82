#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
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
};

struct cfg_key {
	const char	*section;
	const char	*key;
	enum cfg_type	 type;
	size_t		 off;	/* offset in struct cfg */
	const char	*def;	/* default as text, NULL for none */
	long long	 min, max;
};

#define OFF(f)	offsetof(struct cfg, f)

/* The one list of settings; conf/kfroute.conf.example documents each. */
static const struct cfg_key keys[] = {
	{ "database", "socket", CFG_STR, OFF(db.socket), NULL, 0, 0 },
	{ "database", "host", CFG_STR, OFF(db.host), "localhost", 0, 0 },
	{ "database", "port", CFG_INT, OFF(db.port), "3306", 1, 65535 },
	{ "database", "name", CFG_STR, OFF(db.name), "kfroute", 0, 0 },
	{ "database", "user", CFG_STR, OFF(db.user), "kfroute", 0, 0 },
	{ "database", "password", CFG_STR, OFF(db.password), NULL, 0, 0 },
	{ "database", "password_file", CFG_STR, OFF(db.password_file),
	    NULL, 0, 0 },
	{ "database", "connect_timeout", CFG_INT, OFF(db.connect_timeout),
	    "2", 1, 60 },
	{ "database", "rw_timeout", CFG_INT, OFF(db.rw_timeout), "5", 1, 300 },
	{ "cache", "staleness_ms", CFG_INT, OFF(staleness_ms), "1000",
	    0, 60000 },
	{ "log", "level", CFG_LOGLEVEL, OFF(log_level), "info", 0, 0 },
	{ "http", "max_body", CFG_SIZE, OFF(max_body), "16384", 64, 1048576 },
	{ "http", "redirect_hosts", CFG_HOSTS, OFF(redirect_hosts), "", 0, 0 },
	{ "database", "admin_user", CFG_STR, OFF(db.admin_user), NULL, 0, 0 },
	{ "database", "admin_password", CFG_STR, OFF(db.admin_password),
	    NULL, 0, 0 },
	{ "database", "admin_password_file", CFG_STR,
	    OFF(db.admin_password_file), NULL, 0, 0 },
	{ "database", "wecom_user", CFG_STR, OFF(db.wecom_user), NULL, 0, 0 },
	{ "database", "wecom_password", CFG_STR, OFF(db.wecom_password),
	    NULL, 0, 0 },
	{ "database", "wecom_password_file", CFG_STR,
	    OFF(db.wecom_password_file), NULL, 0, 0 },
	{ "routing", "fallback_group", CFG_STR, OFF(routing.fallback_group),
	    NULL, 0, 0 },
	{ "routing", "fallback_strategy", CFG_STRATEGY,
	    OFF(routing.fallback_strategy), "least_busy", 0, 0 },
	{ "routing", "sticky_days", CFG_INT, OFF(routing.sticky_days), "30",
	    0, 3650 },
	{ "routing", "timezone", CFG_ZONE, OFF(routing.timezone),
	    TZ_DEFAULT, 0, 0 },
	{ "routing", "stats_flush_ms", CFG_INT, OFF(routing.stats_flush_ms),
	    "5000", 100, 600000 },
	{ "customer", "secret", CFG_STR, OFF(customer_secret), NULL, 0, 0 },
	{ "wecom", "corp_id", CFG_STR, OFF(wecom.corp_id), NULL, 0, 0 },
	{ "wecom", "secret", CFG_STR, OFF(wecom.secret), NULL, 0, 0 },
	{ "wecom", "token", CFG_STR, OFF(wecom.token), NULL, 0, 0 },
	{ "wecom", "encoding_aes_key", CFG_STR, OFF(wecom.encoding_aes_key),
	    NULL, 0, 0 },
	{ "wecom", "api_base", CFG_STR, OFF(wecom.api_base),
	    "https://qyapi.weixin.qq.com", 0, 0 },
	{ "wecom", "ca_file", CFG_STR, OFF(wecom.ca_file), NULL, 0, 0 },
	{ "ticket", "secret", CFG_STR, OFF(ticket.secret), NULL, 0, 0 },
	{ "ticket", "max_age", CFG_INT, OFF(ticket.max_age), "86400", 60,
	    604800 },
	{ "wecom", "callback_max_skew", CFG_INT, OFF(wecom.callback_max_skew),
	    "300", 0, 86400 },
	{ "wecom", "connect_timeout_ms", CFG_INT,
	    OFF(wecom.connect_timeout_ms), "3000", 100, 60000 },
	{ "wecom", "timeout_ms", CFG_INT, OFF(wecom.timeout_ms), "10000",
	    100, 120000 },
	{ "wecom", "lease_s", CFG_INT, OFF(wecom.lease_s), "120", 2, 3600 },
	{ "miniprogram", "app_id", CFG_STR, OFF(miniprogram.app_id), NULL,
	    0, 0 },
	{ "miniprogram", "app_secret", CFG_STR, OFF(miniprogram.app_secret),
	    NULL, 0, 0 },
	{ "miniprogram", "api_base", CFG_STR, OFF(miniprogram.api_base),
	    "https://api.weixin.qq.com", 0, 0 },
	{ "admin", "insecure_http", CFG_INT, OFF(admin.insecure_http), "0",
	    0, 1 },
	{ "admin", "idle_timeout", CFG_INT, OFF(admin.idle_timeout), "1800",
	    60, 86400 },
	{ "admin", "absolute_timeout", CFG_INT, OFF(admin.absolute_timeout),
	    "43200", 300, 604800 },
	{ "admin", "origin", CFG_STR, OFF(admin.origin), NULL, 0, 0 },
	{ "notice", "welcome", CFG_STR, OFF(welcome), "正在为您接入{agent}…",
	    0, 0 },
	{ "notice", "reassigned", CFG_STR, OFF(reassigned),
	    "{promised}暂时无法接待,已为您转接{agent}", 0, 0 },
	{ "notice", "connected", CFG_STR, OFF(notice[NOTICE_CONNECTED]),
	    "已为您接入{agent}", 0, 0 },
	{ "notice", "fallback", CFG_STR, OFF(notice[NOTICE_FALLBACK]),
	    "您指定的客服{designated}暂时不在线,已为您转接{agent}", 0, 0 },
	{ "notice", "fallback_busy", CFG_STR,
	    OFF(notice[NOTICE_FALLBACK_BUSY]),
	    "您指定的客服{designated}正忙,已为您转接{agent}", 0, 0 },
	{ "notice", "strict_offline", CFG_STR,
	    OFF(notice[NOTICE_STRICT_OFFLINE]),
	    "客服{designated}暂时不在线,您可以先留言,上线后会尽快回复您",
	    0, 0 },
	{ "notice", "strict_busy", CFG_STR, OFF(notice[NOTICE_STRICT_BUSY]),
	    "客服{designated}正在忙,请稍候…", 0, 0 },
	{ "notice", "busy", CFG_STR, OFF(notice[NOTICE_BUSY]),
	    "当前客服繁忙,请稍候…", 0, 0 },
	{ "notice", "offline", CFG_STR, OFF(notice[NOTICE_OFFLINE]),
	    "当前暂无客服在线,您可以先留言,我们会尽快回复", 0, 0 },
	{ "notice", "closed", CFG_STR, OFF(notice[NOTICE_CLOSED]),
	    "现在是非工作时间(工作时间 {hours}),您可以先留言,"
	    "我们将于{next_open}开始回复", 0, 0 },
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

/* Store val into the field of k. Returns NULL or a static reason. */
static const char *
set_value(struct cfg *cfg, const struct cfg_key *k, const char *val)
{
	char		*field = (char *)cfg + k->off;
	long long	 v;

	switch (k->type) {
	case CFG_STR:
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

static int
load_file(struct cfg *cfg, const char *path, char *err, size_t errlen)
{
	FILE			*f;
	char			 line[4096], section[64] = "", *p, *eq, *key, *val;
	const char		*why;
	const struct cfg_key	*k;
	int			 lineno = 0;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: cannot open: %s", path,
		    strerror(errno));
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
		if (section[0] == '\0') {
			why = "key outside of a [section]";
			goto bad;
		}
		if ((k = find_key(section, key)) == NULL) {
			snprintf(err, errlen, "%s:%d: unknown key '%s' in [%s]",
			    path, lineno, key, section);
			fclose(f);
			return -1;
		}
		if ((why = set_value(cfg, k, val)) != NULL)
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

static int
load_env(struct cfg *cfg, char *err, size_t errlen)
{
	char		 name[128], *q;
	const char	*val, *why, *p;
	size_t		 i;

	for (i = 0; i < NKEYS; i++) {
		q = name + snprintf(name, sizeof(name), "KFROUTE_");
		for (p = keys[i].section; *p != '\0'; p++)
			*q++ = (char)toupper((unsigned char)*p);
		*q++ = '_';
		for (p = keys[i].key; *p != '\0'; p++)
			*q++ = (char)toupper((unsigned char)*p);
		*q = '\0';
		if ((val = getenv(name)) == NULL)
			continue;
		if ((why = set_value(cfg, &keys[i], val)) != NULL) {
			snprintf(err, errlen, "environment %s: %s", name, why);
			return -1;
		}
	}
	return 0;
}

/*
 * A password file holds the password alone; one trailing newline is fine.
 * A password given directly (file or environment) wins over the file.
 */
static int
load_password_file(const char *path, char **password, char *err,
    size_t errlen)
{
	FILE	*f;
	char	 pw[512];
	size_t	 n;

	if (path == NULL || *password != NULL)
		return 0;
	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: cannot open password file: %s",
		    path, strerror(errno));
		return -1;
	}
	n = fread(pw, 1, sizeof(pw) - 1, f);
	fclose(f);
	pw[n] = '\0';
	if (n > 0 && pw[n - 1] == '\n')
		pw[--n] = '\0';
	if (n > 0 && pw[n - 1] == '\r')
		pw[--n] = '\0';
	*password = xstrdup(pw);
	return 0;
}

int
cfg_load(struct cfg *cfg, const char *path, char *err, size_t errlen)
{
	size_t	 i;

	memset(cfg, 0, sizeof(*cfg));
	for (i = 0; i < NKEYS; i++)
		if (keys[i].def != NULL &&
		    set_value(cfg, &keys[i], keys[i].def) != NULL)
			abort();	/* a bad default is a programming error */
	if ((path != NULL && load_file(cfg, path, err, errlen) == -1) ||
	    load_env(cfg, err, errlen) == -1 ||
	    load_password_file(cfg->db.password_file, &cfg->db.password, err,
	    errlen) == -1 ||
	    load_password_file(cfg->db.admin_password_file,
	    &cfg->db.admin_password, err, errlen) == -1 ||
	    load_password_file(cfg->db.wecom_password_file,
	    &cfg->db.wecom_password, err, errlen) == -1) {
		cfg_free(cfg);
		return -1;
	}
	return 0;
}

const char *
cfg_path(void)
{
	const char	*p = getenv("KFROUTE_CONF");

	if (p != NULL && *p != '\0')
		return p;
	return access(KFROUTE_DEFAULT_CONF, F_OK) == 0 ?
	    KFROUTE_DEFAULT_CONF : NULL;
}

void
cfg_free(struct cfg *cfg)
{
	size_t	 i;
	char	*field;

	for (i = 0; i < NKEYS; i++) {
		field = (char *)cfg + keys[i].off;
		if (keys[i].type == CFG_STR || keys[i].type == CFG_ZONE) {
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
