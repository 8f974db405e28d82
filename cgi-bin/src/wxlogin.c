#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cfg.h"
#include "https.h"
#include "log.h"
#include "req.h"
#include "util.h"
#include "wxlogin.h"

/*
 * Anyone can send a code, and each exchange is a call to WeChat while the
 * worker waits: per worker, at most WX_RATE exchanges a second (the rest
 * are anonymous), and after WeChat fails to answer, none for a pause
 * (250 ms doubling to 30 s, one log line per outage).
 */
#define WX_RATE		20
static int64_t	 wx_second, wx_retry_ms;
static int	 wx_count, wx_pause_ms;

static int
wx_allowed(int64_t now)
{
	if (now < wx_retry_ms)
		return 0;
	if (now / 1000 != wx_second) {
		wx_second = now / 1000;
		wx_count = 0;
	}
	return wx_count++ < WX_RATE;
}

static void
wx_outcome(int64_t now, int answered)
{
	if (answered) {
		if (wx_pause_ms != 0)
			log_info("wx.login: WeChat answers again");
		wx_pause_ms = 0;
		return;
	}
	if (wx_pause_ms == 0)
		log_warn("wx.login: WeChat did not answer; codes are "
		    "anonymous for growing pauses");
	wx_pause_ms = wx_pause_ms == 0 ? 250 :
	    (wx_pause_ms >= 15000 ? 30000 : wx_pause_ms * 2);
	wx_retry_ms = now + wx_pause_ms;
}

int
wxlogin_openid(struct https *h, const struct cfg *cfg, const char *code,
    char *openid, size_t len)
{
	const char		*mp_id = cfg->miniprogram.app_id;
	const char		*mp_secret = cfg->miniprogram.app_secret;
	struct json_object	*o, *v;
	char			*id, *sec, *c, *url;
	size_t			 n;
	int			 rc = -1;
	enum https_rc		 hrc;

	openid[0] = '\0';
	if (mp_id == NULL || mp_secret == NULL ||
	    !wx_allowed(util_now_ms()))
		return -1;
	id = https_escape(mp_id);
	sec = https_escape(mp_secret);
	c = https_escape(code);
	if (id == NULL || sec == NULL || c == NULL) {
		https_escaped_free(id);
		https_escaped_free(sec);
		https_escaped_free(c);
		return -1;
	}
	n = strlen(cfg->miniprogram.api_base) + strlen(id) + strlen(sec) +
	    strlen(c) + 96;
	url = xmalloc(n);
	snprintf(url, n, "%s/sns/jscode2session?appid=%s&secret=%s&js_code=%s"
	    "&grant_type=authorization_code", cfg->miniprogram.api_base, id,
	    sec, c);
	hrc = https_json(h, url, NULL, &o);
	wx_outcome(util_now_ms(), hrc == HTTPS_OK);
	if (hrc == HTTPS_OK) {
		if (json_object_object_get_ex(o, "openid", &v) &&
		    json_object_is_type(v, json_type_string) &&
		    util_id_valid(json_object_get_string(v),
		    (size_t)json_object_get_string_len(v)) &&
		    (size_t)json_object_get_string_len(v) < len) {
			snprintf(openid, len, "%s", json_object_get_string(v));
			rc = 0;
		} else if (json_object_object_get_ex(o, "errcode", &v))
			/* Anyone can send codes: not a line per refusal. */
			log_debug("wx.login code refused (errcode %d): "
			    "anonymous", json_object_get_int(v));
		json_object_put(o);
	}
	explicit_bzero(url, n);
	free(url);
	https_escaped_free(id);
	https_escaped_free(sec);
	https_escaped_free(c);
	return rc;
}
