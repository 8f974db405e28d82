#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "callback.h"
#include "cfg.h"
#include "jsonw.h"
#include "log.h"
#include "pull.h"
#include "req.h"
#include "resp.h"
#include "store.h"
#include "store_wecom.h"
#include "transport.h"
#include "util.h"

void
callback_init(struct callback *cb, const struct cfg *cfg, struct store *store,
    struct pull *pull)
{
	memset(cb, 0, sizeof(*cb));
	cb->cfg = cfg;
	cb->store = store;
	cb->pull = pull;
	cb->configured = cfg->wecom.token != NULL &&
	    cfg->wecom.encoding_aes_key != NULL && cfg->wecom.corp_id != NULL &&
	    wxc_init(&cb->crypt, cfg->wecom.token, cfg->wecom.encoding_aes_key,
	    cfg->wecom.corp_id) == WXC_OK;
	if (!cb->configured)
		log_warn("wecom callback: token, encoding_aes_key or corp_id "
		    "missing or invalid; callbacks are refused");
}

void
callback_free(struct callback *cb)
{
	explicit_bzero(cb->token, sizeof(cb->token));
}

int
callback_xml_field(const char *xml, const char *name, char *out, size_t len)
{
	char		 open[64], close[64];
	const char	*p, *end;
	size_t		 n;

	snprintf(open, sizeof(open), "<%s>", name);
	snprintf(close, sizeof(close), "</%s>", name);
	if ((p = strstr(xml, open)) == NULL)
		return -1;
	p += strlen(open);
	if ((end = strstr(p, close)) == NULL)
		return -1;
	if (strncmp(p, "<![CDATA[", 9) == 0) {
		p += 9;
		if (end - p < 3 || strncmp(end - 3, "]]>", 3) != 0)
			return -1;
		end -= 3;
	}
	n = (size_t)(end - p);
	if (n >= len)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

/* Signature parameters from the query, and the timestamp window. */
static enum apierr
check_query(struct callback *cb, struct req *req, const char **v, size_t n)
{
	static const struct req_field	 fields[] = {
		{ "msg_signature", REQ_FIELD_TEXT },
		{ "timestamp", REQ_FIELD_TEXT },
		{ "nonce", REQ_FIELD_TEXT },
		{ "echostr", REQ_FIELD_TEXT },
	};
	const char			*bad;
	long long			 ts;
	enum apierr			 rc;
	size_t				 i;
	int				 skew = cb->cfg->wecom.callback_max_skew;

	if ((rc = req_fields(req, fields, n, v, &bad)) != AE_OK)
		return rc;
	for (i = 0; i < n; i++)
		if (v[i] == NULL)
			return AE_MISSING;
	if (util_parse_llong(v[1], 0, 99999999999LL, &ts) == -1)
		return AE_BAD_SIGNATURE;
	if (skew > 0 && llabs((long long)time(NULL) - ts) > skew)
		return AE_BAD_SIGNATURE;	/* stale or from the future */
	return AE_OK;
}

/* GET: WeCom checks the URL; answer the decrypted echostr, nothing else. */
static void
url_check(struct callback *cb, struct req *req, struct resp *resp)
{
	const char	*v[4];
	char		*plain;
	size_t		 len;
	enum apierr	 rc;

	if ((rc = check_query(cb, req, v, 4)) != AE_OK) {
		resp_error(resp, rc, NULL);
		return;
	}
	if (wxc_verify(&cb->crypt, v[0], v[1], v[2], v[3]) != WXC_OK) {
		resp_error(resp, AE_BAD_SIGNATURE, NULL);
		return;
	}
	if (wxc_decrypt(&cb->crypt, v[3], &plain, &len) != WXC_OK) {
		resp_error(resp, AE_BAD_CALLBACK, NULL);
		return;
	}
	resp->ctype = "text/plain; charset=utf-8";
	buf_clear(&resp->body);
	buf_append(&resp->body, plain, len);
	free(plain);
}

/*
 * A sync token as WeCom gives it: up to 128 bytes (§5), printable ASCII.
 * It only ever goes back to WeCom inside JSON, never into a URL or SQL.
 */
static int
token_ok(const char *t)
{
	size_t	 n = strlen(t), i;

	if (n == 0 || n > 128)
		return 0;
	for (i = 0; i < n; i++)
		if (t[i] < '!' || t[i] > '~')
			return 0;
	return 1;
}

/* WeCom calls again unless it gets this within 5 s: an empty 200. */
static void
answer_empty(struct resp *resp)
{
	resp->ctype = "text/plain; charset=utf-8";
	buf_clear(&resp->body);
}

static void
news_for(void *arg, const char *open_kfid)
{
	struct callback	*cb = arg;

	if (store_wecom_news(cb->store, open_kfid, cb->token) != STORE_OK)
		cb->news_failed = 1;
}

/* The account has news; without OpenKfId, every known account. */
static int
record_news(struct callback *cb)
{
	if (cb->open_kfid[0] != '\0')
		return store_wecom_news(cb->store, cb->open_kfid, cb->token) ==
		    STORE_OK ? 0 : -1;
	cb->news_failed = 0;
	if (store_wecom_accounts(cb->store, news_for, cb) != STORE_OK)
		return -1;
	return cb->news_failed ? -1 : 0;
}

/* POST: check, decrypt, record the news, answer empty at once. */
static void
event(struct callback *cb, struct req *req, struct resp *resp)
{
	const char	*v[3];
	char		 enc[16384], ev[64], *plain = NULL;
	size_t		 len;
	enum apierr	 rc;

	if ((rc = check_query(cb, req, v, 3)) != AE_OK ||
	    (rc = req_read_body(req, cb->cfg->max_body)) != AE_OK) {
		resp_error(resp, rc, NULL);
		return;
	}
	if (callback_xml_field(req->body, "Encrypt", enc, sizeof(enc)) == -1) {
		resp_error(resp, AE_BAD_CALLBACK, NULL);
		return;
	}
	if (wxc_verify(&cb->crypt, v[0], v[1], v[2], enc) != WXC_OK) {
		resp_error(resp, AE_BAD_SIGNATURE, NULL);
		return;
	}
	if (wxc_decrypt(&cb->crypt, enc, &plain, &len) != WXC_OK ||
	    callback_xml_field(plain, "Event", ev, sizeof(ev)) == -1) {
		free(plain);
		resp_error(resp, AE_BAD_CALLBACK, NULL);
		return;
	}
	if (strcmp(ev, "kf_msg_or_event") == 0 &&
	    strstr(plain, "<Token>") != NULL &&
	    callback_xml_field(plain, "Token", cb->token,
	    sizeof(cb->token)) == -1) {
		free(plain);		/* a Token, but longer than 128 bytes */
		resp_error(resp, AE_BAD_CALLBACK, NULL);
		return;
	}
	if (strcmp(ev, "kf_msg_or_event") != 0 ||
	    callback_xml_field(plain, "Token", cb->token,
	    sizeof(cb->token)) == -1) {
		log_info("wecom callback: event '%s' ignored", ev);
		free(plain);
		answer_empty(resp);
		return;
	}
	if (strstr(plain, "<OpenKfId>") == NULL)
		cb->open_kfid[0] = '\0';	/* older callbacks: every account */
	else if (callback_xml_field(plain, "OpenKfId", cb->open_kfid,
	    sizeof(cb->open_kfid)) == -1) {
		free(plain);
		resp_error(resp, AE_BAD_CALLBACK, NULL);
		return;
	}
	free(plain);
	if ((cb->open_kfid[0] != '\0' &&
	    !util_id_valid(cb->open_kfid, strlen(cb->open_kfid))) ||
	    !token_ok(cb->token)) {
		resp_error(resp, AE_BAD_CALLBACK, NULL);
		return;
	}
	/*
	 * Record the news, then answer: the pull happens elsewhere (pull.h).
	 * Not recorded, the answer is an error, so WeCom calls again.
	 */
	if (record_news(cb) == -1) {
		resp_error(resp, AE_UNAVAILABLE, NULL);
		return;
	}
	cb->pending = 1;
	answer_empty(resp);
}

struct health {
	struct jsonw	*w;
	int		 stalled;
};

static void
health_row(void *arg, const struct store_wecom_status *st)
{
	struct health	*h = arg;
	struct jsonw	*w = h->w;

	h->stalled |= st->stalled;
	jsonw_obj_open(w);
	jsonw_key(w, "open_kfid");
	jsonw_str(w, st->open_kfid);
	jsonw_key(w, "stalled");
	jsonw_bool(w, st->stalled);
	jsonw_key(w, "backlog");
	jsonw_int(w, st->backlog);
	jsonw_key(w, "last_pull");
	jsonw_str(w, st->pulled_at);
	jsonw_key(w, "last_error");
	jsonw_str(w, st->last_error);
	jsonw_obj_close(w);
}

/*
 * GET /wecom/healthz: the database, and per account whether its news or
 * work has waited too long (a monitor's 503 when one has).
 */
static void
healthz(struct callback *cb, struct resp *resp)
{
	struct health	 h = { &resp->json, 0 };
	enum store_rc	 rc;

	jsonw_obj_open(h.w);
	jsonw_key(h.w, "accounts");
	jsonw_arr_open(h.w);
	rc = store_wecom_status(cb->store, health_row, &h);
	jsonw_arr_close(h.w);
	jsonw_key(h.w, "database");
	jsonw_str(h.w, rc == STORE_OK ? "up" : "down");
	jsonw_key(h.w, "ok");
	jsonw_bool(h.w, rc == STORE_OK && !h.stalled);
	jsonw_obj_close(h.w);
	if (rc != STORE_OK || h.stalled)
		resp->status = 503;
}

void
callback_handle(struct callback *cb, struct req *req, struct resp *resp)
{
	if (strcmp(req->path, "/wecom/healthz") == 0) {
		if (req->method != REQ_GET && req->method != REQ_HEAD) {
			resp_error(resp, AE_METHOD, NULL);
			resp_header(resp, "Allow", "GET, HEAD");
			return;
		}
		healthz(cb, resp);
		return;
	}
	if (strcmp(req->path, "/wecom/callback") != 0) {
		resp_error(resp, AE_NOT_FOUND, NULL);
		return;
	}
	if (req->method != REQ_GET && req->method != REQ_POST) {
		resp_error(resp, AE_METHOD, NULL);
		resp_header(resp, "Allow", "GET, POST");
		return;
	}
	if (!cb->configured) {
		resp_error(resp, AE_UNAVAILABLE, NULL);
		return;
	}
	if (req->method == REQ_GET)
		url_check(cb, req, resp);
	else
		event(cb, req, resp);
}


/*
 * After the answer: under plain CGI this process is the only one there
 * is, and it blocks nobody, so it pulls the account itself. FastCGI
 * workers never pull: `kfctl wecom worker` does (pull.h).
 */
void
callback_after(struct callback *cb)
{
	if (!cb->pending)
		return;
	cb->pending = 0;
	if (cb->pull != NULL && transport_is_cgi()) {
		if (cb->open_kfid[0] != '\0')
			pull_account(cb->pull, cb->open_kfid);
		else
			pull_pass(cb->pull);
	}
	explicit_bzero(cb->token, sizeof(cb->token));
}
