#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <openssl/evp.h>

#include "cfg.h"
#include "https.h"
#include "log.h"
#include "store.h"
#include "store_wecom.h"
#include "util.h"
#include "wecom.h"

/* Refresh this long before WeCom says the token expires. */
#define TOKEN_MARGIN	300
#define LOCK_WAIT_S	10
#define BUSY_TRIES	3

struct wecom {
	const struct cfg	*cfg;
	struct store		*store;
	struct https		*https;
	char			 key[65];	/* sha256(corp \\n secret) hex */
	char			 lock[96];
	char			 token[513];
	time_t			 expires;
	long			 errcode;
};

const char *
wecom_strerror(enum wecom_err e)
{
	static const char *const msgs[] = {
		"ok", "WeCom not configured (corp_id, secret)",
		"HTTPS request failed", "answer too large",
		"unexpected answer",
		"bad corp secret (40001)", "access token refused twice",
		"rate limited", "forbidden (API or IP not allowed)",
		"WeCom busy", "servicer cannot receive", "session state",
		"token refresh lock busy", "WeCom error",
	};

	return (unsigned)e < sizeof(msgs) / sizeof(msgs[0]) ? msgs[e] : "?";
}

enum wecom_err
wecom_map_errcode(long code)
{
	switch (code) {
	case 0:
		return WECOM_OK;
	case 40001:
		return WECOM_BAD_SECRET;
	case 40014:
	case 42001:
		return WECOM_TOKEN;
	case 45009:
	case 45033:
		return WECOM_LIMITED;
	case 48002:
	case 60020:
		return WECOM_FORBIDDEN;
	case -1:
		return WECOM_BUSY;
	case 95014:
	case 95019:
		return WECOM_SERVICER;
	case 95013:
	case 95016:
	case 95018:
		return WECOM_SESSION;
	default:
		return WECOM_OTHER;
	}
}

struct wecom *
wecom_new(const struct cfg *cfg, struct store *store)
{
	struct wecom		*w = xcalloc(1, sizeof(*w));
	struct https_opts	 o = { cfg->wecom.ca_file,
	    cfg->wecom.connect_timeout_ms, cfg->wecom.timeout_ms };
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned		 len = 0, i;
	char			 material[1024];

	w->cfg = cfg;
	w->store = store;
	w->https = https_new(&o);
	if (cfg->wecom.corp_id != NULL && cfg->wecom.secret != NULL) {
		snprintf(material, sizeof(material), "%s\n%s",
		    cfg->wecom.corp_id, cfg->wecom.secret);
		EVP_Digest(material, strlen(material), md, &len, EVP_sha256(),
		    NULL);
		for (i = 0; i < len && i < 32; i++)
			snprintf(w->key + 2 * i, 3, "%02x", md[i]);
		/* GET_LOCK names are at most 64 characters. */
		snprintf(w->lock, sizeof(w->lock), "kfroute.token.%.40s",
		    w->key);
		explicit_bzero(material, sizeof(material));
	}
	return w;
}

void
wecom_free(struct wecom *w)
{
	if (w == NULL)
		return;
	https_free(w->https);
	explicit_bzero(w->token, sizeof(w->token));
	free(w);
}

int
wecom_errcode(const struct wecom *w)
{
	return (int)w->errcode;
}

/* The answer's errcode: 0 when absent from a success-only answer. */
static enum wecom_err
answer_errcode(struct wecom *w, struct json_object *o)
{
	struct json_object	*ec;

	w->errcode = 0;
	if (!json_object_object_get_ex(o, "errcode", &ec))
		return WECOM_OK;
	if (!json_object_is_type(ec, json_type_int))
		return WECOM_BAD_ANSWER;
	w->errcode = (long)json_object_get_int64(ec);
	return wecom_map_errcode(w->errcode);
}

static void
backoff(int attempt)
{
	usleep((useconds_t)(100000 << attempt));	/* 0.1 s, 0.2 s, 0.4 s */
}

/* gettoken, with back-off on -1 and never a retry on 40001. */
static enum wecom_err
fetch_token(struct wecom *w, char *token, size_t len, time_t *expires)
{
	const struct cfg	*c = w->cfg;
	struct json_object	*o, *t, *e;
	char			*corp = https_escape(c->wecom.corp_id);
	char			*sec = https_escape(c->wecom.secret);
	char			*url;
	size_t			 n;
	enum wecom_err		 rc = WECOM_BUSY;
	int			 attempt;

	if (corp == NULL || sec == NULL) {
		https_escaped_free(corp);
		https_escaped_free(sec);
		return WECOM_TRANSPORT;
	}
	n = strlen(c->wecom.api_base) + strlen(corp) + strlen(sec) + 64;
	url = xmalloc(n);
	snprintf(url, n, "%s/cgi-bin/gettoken?corpid=%s&corpsecret=%s",
	    c->wecom.api_base, corp, sec);
	for (attempt = 0; attempt < BUSY_TRIES && rc == WECOM_BUSY; attempt++) {
		if (attempt > 0)
			backoff(attempt - 1);
		if (https_json(w->https, url, NULL, &o) != HTTPS_OK) {
			rc = WECOM_TRANSPORT;
			break;
		}
		if ((rc = answer_errcode(w, o)) == WECOM_OK) {
			if (!json_object_object_get_ex(o, "access_token", &t) ||
			    !json_object_is_type(t, json_type_string) ||
			    json_object_get_string_len(t) == 0 ||
			    (size_t)json_object_get_string_len(t) >= len ||
			    !json_object_object_get_ex(o, "expires_in", &e) ||
			    !json_object_is_type(e, json_type_int))
				rc = WECOM_BAD_ANSWER;
			else {
				snprintf(token, len, "%s",
				    json_object_get_string(t));
				*expires = time(NULL) +
				    (time_t)json_object_get_int64(e);
			}
		}
		json_object_put(o);
	}
	explicit_bzero(url, n);
	free(url);
	https_escaped_free(corp);
	https_escaped_free(sec);
	if (rc != WECOM_OK)
		log_error("wecom gettoken: %s (errcode %ld)",
		    wecom_strerror(rc), w->errcode);
	return rc;
}

enum wecom_err
wecom_token(struct wecom *w, const char **token, time_t *expires)
{
	const struct cfg	*c = w->cfg;
	time_t			 now = time(NULL), exp;
	enum wecom_err		 rc;
	enum store_rc		 src;

	*token = NULL;
	if (c->wecom.corp_id == NULL || c->wecom.secret == NULL)
		return WECOM_NOT_CONFIGURED;
	if (w->token[0] != '\0' && w->expires - TOKEN_MARGIN > now)
		goto have;
	/* Someone may have fetched it already: the shared row first. */
	if (store_wecom_token_get(w->store, w->key, w->token,
	    sizeof(w->token), &exp) == STORE_OK && exp - TOKEN_MARGIN > now) {
		w->expires = exp;
		log_debug("wecom: access token from the shared store");
		goto have;
	}
	/* One refresher at a time; the others wait, then read its token. */
	if ((src = store_lock(w->store, w->lock, LOCK_WAIT_S)) != STORE_OK)
		return src == STORE_NOTFOUND ? WECOM_LOCKED : WECOM_TRANSPORT;
	if (store_wecom_token_get(w->store, w->key, w->token,
	    sizeof(w->token), &exp) == STORE_OK && exp - TOKEN_MARGIN > now) {
		w->expires = exp;
		store_unlock(w->store, w->lock);
		log_debug("wecom: access token from the shared store "
		    "(after waiting for the refresher)");
		goto have;
	}
	rc = fetch_token(w, w->token, sizeof(w->token), &exp);
	if (rc == WECOM_OK) {
		log_debug("wecom: access token fetched (gettoken)");
		w->expires = exp;
		if (store_wecom_token_put(w->store, w->key, c->wecom.corp_id,
		    w->token, exp) != STORE_OK)
			log_warn("wecom: token not shared (database)");
	} else
		w->token[0] = '\0';
	store_unlock(w->store, w->lock);
	if (rc != WECOM_OK)
		return rc;
have:
	*token = w->token;
	if (expires != NULL)
		*expires = w->expires;
	return WECOM_OK;
}

/* Forget a token WeCom refused, here and (if still the same) shared. */
static void
drop_token(struct wecom *w)
{
	store_wecom_token_drop(w->store, w->key, w->token);
	w->token[0] = '\0';
	w->expires = 0;
}

enum wecom_err
wecom_call(struct wecom *w, const char *path, const char *body,
    struct json_object **out)
{
	return wecom_call_cap(w, path, body, HTTPS_MAX_BODY, out);
}

int
wecom_transient(enum wecom_err rc)
{
	switch (rc) {
	case WECOM_TRANSPORT:
	case WECOM_BAD_ANSWER:
	case WECOM_TOKEN:
	case WECOM_LIMITED:
	case WECOM_BUSY:
	case WECOM_LOCKED:
	/* Set-up problems an operator fixes; until then, keep trying. */
	case WECOM_NOT_CONFIGURED:
	case WECOM_BAD_SECRET:
	case WECOM_FORBIDDEN:
		return 1;
	default:
		return 0;
	}
}

enum wecom_err
wecom_call_cap(struct wecom *w, const char *path, const char *body,
    size_t cap, struct json_object **out)
{
	enum https_rc	 hrc;
	const char	*token;
	char		*url;
	size_t		 n;
	enum wecom_err	 rc;
	int		 refreshed = 0, busy = 0;

	*out = NULL;
	for (;;) {
		if ((rc = wecom_token(w, &token, NULL)) != WECOM_OK)
			return rc;
		n = strlen(w->cfg->wecom.api_base) + strlen(path) +
		    strlen(token) + 32;
		url = xmalloc(n);
		/* path may carry its own query (servicer/list?open_kfid=) */
		snprintf(url, n, "%s/cgi-bin/%s%saccess_token=%s",
		    w->cfg->wecom.api_base, path,
		    strchr(path, '?') != NULL ? "&" : "?", token);
		hrc = https_json_cap(w->https, url, body, cap, out);
		rc = hrc == HTTPS_OK ? answer_errcode(w, *out) :
		    hrc == HTTPS_TOO_LARGE ? WECOM_TOO_LARGE : WECOM_TRANSPORT;
		explicit_bzero(url, n);
		free(url);
		if (rc == WECOM_OK)
			return WECOM_OK;
		json_object_put(*out);
		*out = NULL;
		if (rc == WECOM_TOKEN && !refreshed) {
			refreshed = 1;	/* once: drop, refresh, retry */
			drop_token(w);
			continue;
		}
		if (rc == WECOM_BUSY && ++busy < BUSY_TRIES) {
			backoff(busy - 1);
			continue;
		}
		log_warn("wecom %s: %s (errcode %ld)", path,
		    wecom_strerror(rc), w->errcode);
		return rc;
	}
}
