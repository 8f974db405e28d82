#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "cfg.h"
#include "https.h"
#include "log.h"
#include "req.h"
#include "util.h"
#include "wxlogin.h"

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

	openid[0] = '\0';
	if (mp_id == NULL || mp_secret == NULL)
		return -1;
	id = curl_easy_escape(NULL, mp_id, 0);
	sec = curl_easy_escape(NULL, mp_secret, 0);
	c = curl_easy_escape(NULL, code, 0);
	n = strlen(cfg->miniprogram.api_base) + strlen(id) + strlen(sec) +
	    strlen(c) + 96;
	url = xmalloc(n);
	snprintf(url, n, "%s/sns/jscode2session?appid=%s&secret=%s&js_code=%s"
	    "&grant_type=authorization_code", cfg->miniprogram.api_base, id,
	    sec, c);
	if (https_json(h, url, NULL, &o) == HTTPS_OK) {
		if (json_object_object_get_ex(o, "openid", &v) &&
		    json_object_is_type(v, json_type_string) &&
		    util_id_valid(json_object_get_string(v),
		    (size_t)json_object_get_string_len(v)) &&
		    (size_t)json_object_get_string_len(v) < len) {
			snprintf(openid, len, "%s", json_object_get_string(v));
			rc = 0;
		} else if (json_object_object_get_ex(o, "errcode", &v))
			log_info("wx.login code refused (errcode %d): "
			    "anonymous", json_object_get_int(v));
		json_object_put(o);
	}
	explicit_bzero(url, n);
	free(url);
	curl_free(id);
	curl_free(sec);
	curl_free(c);
	return rc;
}
