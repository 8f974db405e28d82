#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cfg.h"
#include "https.h"
#include "jsonin.h"
#include "log.h"
#include "util.h"
#include "wxacode.h"

/* An image is small; an errcode answer smaller still. */
#define WXA_MAX_ANSWER	(2 * 1024 * 1024)

/*
 * The mini-program's access token, per process (one FastCGI worker keeps
 * it for its life; a CGI run asks each time, which the stored codes make
 * rare). Refreshed 5 minutes before WeChat says it expires.
 */
static char	 tok[600];
static int64_t	 tok_until_ms;

int
wxacode_scene_ok(const char *s)
{
	static const char	 extra[] = "!#$&'()*+,/:;=?@-._~";
	size_t			 i;

	for (i = 0; s[i] != '\0'; i++) {
		if (i >= WXACODE_SCENE_MAX)
			return 0;
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || strchr(extra, s[i]) != NULL))
			return 0;
	}
	return i > 0;
}

int
wxacode_page(const char *target, char *out, size_t len)
{
	size_t	 n;

	while (*target == '/')
		target++;
	n = strcspn(target, "?#");
	if (n == 0 || n >= len)
		return -1;
	memcpy(out, target, n);
	out[n] = '\0';
	return 0;
}

enum wxacode_rc
wxacode_answer(const char *data, size_t len, int *errcode)
{
	struct json_object	*o, *v;
	enum wxacode_rc		 rc = WXA_BAD_ANSWER;

	*errcode = 0;
	if ((len > 8 && memcmp(data, "\x89PNG\r\n\x1a\n", 8) == 0) ||
	    (len > 3 && memcmp(data, "\xff\xd8\xff", 3) == 0))
		return WXA_OK;
	if (jsonin_object(data, len, 8, &o) != JSONIN_OK)
		return WXA_BAD_ANSWER;
	if (json_object_object_get_ex(o, "errcode", &v) &&
	    json_object_is_type(v, json_type_int) &&
	    json_object_get_int64(v) != 0 &&
	    json_object_get_int64(v) > -1000000000 &&
	    json_object_get_int64(v) < 1000000000) {
		*errcode = (int)json_object_get_int64(v);
		rc = WXA_REFUSED;
	}
	json_object_put(o);
	return rc;
}

const char *
wxacode_errtext(int errcode)
{
	switch (errcode) {
	case 40001: case 40125: case 40013: case 40164:
		return "小程序 app_id 或 app_secret 不正确(或本机 IP 不在小程序的"
		    "IP 白名单中):请核对 admin.conf 的 [miniprogram] 设置";
	case 42001: case 40014:
		return "小程序的 access_token 已失效,请稍后再试";
	case 41030:
		return "页面路径不存在或小程序尚未发布该页面:请核对入口的目标页面,"
		    "或把 [miniprogram] env_version 设为 trial/develop 测试";
	case 40097: case 40169:
		return "参数不正确:入口 ID 不能作为小程序码的 scene"
		    "(最多 32 个字符)";
	case 45009: case 45011:
		return "调用次数超过微信的限制,请稍后再试";
	case -1:
		return "微信系统繁忙,请稍后再试";
	default:
		return "微信拒绝生成小程序码,请核对小程序设置后再试";
	}
}

/* A token from cgi-bin/stable_token into tok; WXA_OK or why not. */
static enum wxacode_rc
fetch_token(struct https *h, const struct cfg *cfg, int *errcode)
{
	struct json_object	*req, *o, *v, *e;
	char			*url;
	const char		*body;
	enum https_rc		 hrc;
	enum wxacode_rc		 rc = WXA_BAD_ANSWER;
	size_t			 n;
	int64_t			 ttl;

	*errcode = 0;
	req = json_object_new_object();
	json_object_object_add(req, "grant_type",
	    json_object_new_string("client_credential"));
	json_object_object_add(req, "appid",
	    json_object_new_string(cfg->miniprogram.app_id));
	json_object_object_add(req, "secret",
	    json_object_new_string(cfg->miniprogram.app_secret));
	json_object_object_add(req, "force_refresh",
	    json_object_new_boolean(0));
	body = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
	n = strlen(cfg->miniprogram.api_base) + 32;
	url = xmalloc(n);
	snprintf(url, n, "%s/cgi-bin/stable_token", cfg->miniprogram.api_base);
	hrc = https_json(h, url, body, &o);
	explicit_bzero((char *)(uintptr_t)body, strlen(body));
	json_object_put(req);
	free(url);
	if (hrc != HTTPS_OK) {
		log_warn("wxacode: stable_token: %s", https_strerror(hrc));
		return WXA_UNREACHABLE;
	}
	if (json_object_object_get_ex(o, "access_token", &v) &&
	    json_object_is_type(v, json_type_string) &&
	    json_object_get_string_len(v) > 0 &&
	    (size_t)json_object_get_string_len(v) < sizeof(tok)) {
		snprintf(tok, sizeof(tok), "%s", json_object_get_string(v));
		ttl = json_object_object_get_ex(o, "expires_in", &e) ?
		    json_object_get_int64(e) : 0;
		/* Refresh 5 minutes early; a short life is taken as given. */
		ttl = ttl > 600 ? ttl - 300 : ttl > 0 ? ttl / 2 : 60;
		tok_until_ms = util_now_ms() + ttl * 1000;
		rc = WXA_OK;
	} else if (json_object_object_get_ex(o, "errcode", &v) &&
	    json_object_is_type(v, json_type_int)) {
		*errcode = json_object_get_int(v);
		log_warn("wxacode: stable_token refused (errcode %d)",
		    *errcode);
		rc = WXA_REFUSED;
	}
	json_object_put(o);
	return rc;
}

static int
token_errcode(int errcode)
{
	return errcode == 40001 || errcode == 42001 || errcode == 40014;
}

enum wxacode_rc
wxacode_make(struct https *h, const struct cfg *cfg, const char *scene,
    const char *page, const char **png, size_t *len, int *errcode)
{
	struct json_object	*req;
	const char		*body;
	char			*url;
	enum https_rc		 hrc;
	enum wxacode_rc		 rc = WXA_BAD_ANSWER;
	size_t			 n;
	int			 attempt;

	*png = NULL;
	*len = 0;
	*errcode = 0;
	req = json_object_new_object();
	json_object_object_add(req, "scene", json_object_new_string(scene));
	json_object_object_add(req, "page", json_object_new_string(page));
	json_object_object_add(req, "check_path", json_object_new_boolean(0));
	json_object_object_add(req, "env_version",
	    json_object_new_string(cfg->miniprogram.env_version));
	json_object_object_add(req, "width",
	    json_object_new_int(cfg->miniprogram.code_width));
	body = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
	for (attempt = 0; attempt < 2; attempt++) {
		if (tok[0] == '\0' || util_now_ms() >= tok_until_ms) {
			tok[0] = '\0';
			if ((rc = fetch_token(h, cfg, errcode)) != WXA_OK)
				break;
		}
		n = strlen(cfg->miniprogram.api_base) + strlen(tok) + 64;
		url = xmalloc(n);
		snprintf(url, n, "%s/wxa/getwxacodeunlimit?access_token=%s",
		    cfg->miniprogram.api_base, tok);
		hrc = https_bytes(h, url, body, WXA_MAX_ANSWER, png, len);
		free(url);
		if (hrc != HTTPS_OK) {
			log_warn("wxacode: getwxacodeunlimit: %s",
			    https_strerror(hrc));
			rc = WXA_UNREACHABLE;
			break;
		}
		rc = wxacode_answer(*png, *len, errcode);
		if (rc != WXA_OK) {
			*png = NULL;
			*len = 0;
		}
		/* A token WeChat no longer takes: a new one, once. */
		if (rc == WXA_REFUSED && token_errcode(*errcode)) {
			tok[0] = '\0';
			continue;
		}
		break;
	}
	if (rc == WXA_REFUSED)
		log_warn("wxacode: WeChat refused the code for scene %s "
		    "(errcode %d)", scene, *errcode);
	else if (rc == WXA_BAD_ANSWER)
		log_warn("wxacode: getwxacodeunlimit answered neither an "
		    "image nor an errcode");
	json_object_put(req);
	return rc;
}
