/*
 * Configuration: an INI-style file named by KFROUTE_CONF (which may
 * "include = other.conf"), then environment variables
 * KFROUTE_<SECTION>_<KEY>, which win over the file. Every key is declared
 * once in the table in cfg.c with its type, bounds and default. A secret
 * (passwords, keys) may instead be read from a file: "<key>_file = path"
 * or KFROUTE_<SECTION>_<KEY>_FILE, so each program's config names only
 * the secret files that program may read.
 *
 * The struct owns all of its strings; cfg_free() releases them.
 */
#ifndef KF_CFG_H
#define KF_CFG_H

#include <stddef.h>

#include "log.h"
#include "snap.h"

#define CFG_MAX_HOSTS	32
#define CFG_MAX_KEYS	96	/* settings in cfg.c's table, at most */
/* Shortest [customer] and [ticket] secret accepted (bytes). */
#define CFG_SECRET_MIN	16

struct cfg {
	struct {
		char	*socket;	/* unix socket; wins over host */
		char	*host;
		int	 port;
		char	*name;
		char	*user;
		char	*password;	/* password or password_file */
		char	*admin_user;	/* kfctl and the admin program */
		char	*admin_password;
		char	*wecom_user;	/* the WeCom callback and puller */
		char	*wecom_password;
		int	 connect_timeout;	/* seconds */
		int	 rw_timeout;		/* seconds */
	} db;
	int		 staleness_ms;	/* snapshot may lag the database this long */
	int		 cache_customers; /* verified customers kept per worker */
	enum log_level	 log_level;
	size_t		 max_body;	/* request body cap, bytes */
	char		*redirect_hosts[CFG_MAX_HOSTS];	/* NULL-terminated */
	/* URL path kfroute is mounted under (prefix mounts), or NULL */
	char		*base_path;
	struct {
		char	*fallback_group;	/* global fallback, or NULL */
		enum strategy fallback_strategy;
		int	 sticky_days;		/* 0: no sticky routing */
		char	*timezone;		/* for rules without hours */
		int	 stats_flush_ms;	/* how often counts are written */
	} routing;
	char		*customer_secret;	/* HMAC key for customer tokens */
	struct {
		char	*secret;	/* signs tickets (taps, scene_param) */
		int	 max_age;	/* seconds a ticket stays good */
	} ticket;
	struct {
		char	*corp_id;
		char	*secret;		/* the self-built app's secret */
		char	*token;			/* callback signature token */
		char	*encoding_aes_key;	/* callback AES key, 43 chars */
		char	*api_base;		/* https://qyapi.weixin.qq.com */
		char	*ca_file;		/* extra CA bundle (tests) */
		int	 callback_max_skew;	/* seconds, 0: no check */
		int	 connect_timeout_ms;
		int	 timeout_ms;
		/* a message's worker owns it this long (seconds) */
		int	 lease_s;
	} wecom;
	struct {
		char	*app_id;
		char	*app_secret;
		char	*api_base;		/* https://api.weixin.qq.com */
		char	*env_version;	/* 小程序码: release, trial, develop */
		int	 code_width;	/* 小程序码 width, pixels */
		/* a tap waits this long for a wx.login exchange, then is
		 * anonymous (ms) */
		int	 login_timeout_ms;
		/* life of the customer token minted for an exchanged code,
		 * so the client sends no code again meanwhile (seconds) */
		int	 token_ttl_s;
	} miniprogram;
	struct {
		int	 insecure_http;	/* 1: plain-http development cookies */
		int	 idle_timeout;		/* seconds */
		int	 absolute_timeout;	/* seconds */
		char	*origin;	/* expected Origin; NULL: from Host */
	} admin;
	/* What kfctl retention keeps, in days; 0 keeps for ever (retention.h) */
	struct {
		int	 wecom_msg_days;	/* done/failed WeCom messages */
		int	 wecom_session_days;	/* idle WeCom sessions */
		int	 stats_minute_days;	/* then rolled up into hours */
		int	 audit_days;		/* the admin audit log */
		int	 throttle_days;		/* failed-login records */
		int	 batch;			/* rows per DELETE statement */
	} retention;
	/*
	 * The chat's life after the first transfer: each entry's default
	 * (an entry's own column wins when set). Seconds; 0 turns a timer
	 * off. See life.h.
	 */
	struct {
		int	 widen_after_s;		/* hold for the busy person */
		int	 reroute_after_s;	/* no first reply: next person */
		int	 take_back;		/* offline: unanswered chats move */
		int	 busy_after_misses;	/* then marked busy; 0 never */
		int	 queue_max;		/* waiting at most; 0 no limit */
		int	 queue_notice_step;	/* position told; 0 never */
		int	 leave_message;		/* closed: kept for the person */
		int	 handle_estimate_s;	/* a chat's length, for the wait */
	} lifecycle;
	char		*notice[NOTICE__MAX];	/* templates by kind */
	char		*welcome;	/* WeCom greeting, {agent} */
	/* WeCom: told {promised}, given {agent} */
	char		*reassigned;
	/* After the first transfer (life.h): {promised} gave no first reply
	 * or went offline, {agent} took over; queue position {ahead} and
	 * {wait} minutes; queue full; a message left for {agent}, answered
	 * from {next_open}. */
	char		*rerouted;
	char		*taken_back;
	char		*queue_position;
	char		*queue_full;
	char		*left_message;
	/* "<key>_file" paths by key, read at the end of cfg_load (cfg.c) */
	char		*secret_file[CFG_MAX_KEYS];
};

/* Where the config is when KFROUTE_CONF does not say (make install). */
#ifndef KFROUTE_DEFAULT_CONF
#define KFROUTE_DEFAULT_CONF	"/etc/kfroute/kfroute.conf"
#endif

/*
 * The config file to read: $KFROUTE_CONF when set, else
 * KFROUTE_DEFAULT_CONF when it exists, else ~/kfroute/kfroute.conf of the
 * user we run as when it exists (shared hosting under suEXEC, which
 * passes no KFROUTE_CONF), else NULL (defaults and the environment only).
 * The string is static or the environment's.
 */
const char	*cfg_path(void);

/*
 * Fill *cfg from defaults, then the file at path (NULL: no file), then
 * the environment. On error returns -1 with "file:line: reason" (or
 * "environment NAME: reason") in err; *cfg is then freed.
 */
int	 cfg_load(struct cfg *, const char *path, char *err, size_t errlen);
void	 cfg_free(struct cfg *);
/*
 * 1 when host (a name without port, compared exactly and case-insensitively)
 * is on the redirect allow-list.
 */
int	 cfg_redirect_allowed(const struct cfg *, const char *host, size_t len);

#endif
