/*
 * The WeCom callback endpoint (callback.c) through its public entry,
 * callback_handle(), with a fake request and a store that cannot connect
 * (a callback that gets as far as recording its news answers 503). The
 * key, token and corp id are fixed; the signature is made here, so the
 * fuzzer reaches what lies behind it. The first byte picks what the rest
 * is:
 *   0  the decrypted event XML: encrypted and signed here, POSTed
 *   1  the raw POST body, signed over its own <Encrypt> when it has one
 *   2  the echostr of the GET URL check, signed here
 *
 * Invariants: the answer is an empty 200, the decrypted echostr (GET), or
 * one strict JSON error with its status; never a pending pull, since the
 * news could not be recorded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "arena.h"
#include "callback.h"
#include "cfg.h"
#include "check.h"
#include "log.h"
#include "req.h"
#include "resp.h"
#include "store.h"
#include "wxcrypt.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define TOKEN		"kfrouteTok3n"
#define AES_KEY		"BwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSY"
#define CORP_ID		"ww1234567890abcdef"
#define TS		"1795399200"
#define NONCE		"n1000"

static struct cfg	 cfg;
static struct store	*store;
static struct wxc	 wxc;

struct fake {
	const char	*method, *uri, *query, *length;
	const char	*body;	/* exact size */
	size_t		 len, pos;
};

static const char *
fake_param(void *ctx, const char *name)
{
	struct fake	*f = ctx;

	if (strcmp(name, "REQUEST_METHOD") == 0)
		return f->method;
	if (strcmp(name, "REQUEST_URI") == 0)
		return f->uri;
	if (strcmp(name, "QUERY_STRING") == 0)
		return f->query;
	if (strcmp(name, "CONTENT_LENGTH") == 0)
		return f->length;
	if (strcmp(name, "CONTENT_TYPE") == 0)
		return "text/xml";
	return NULL;
}

static long
fake_read(void *ctx, char *buf, size_t n)
{
	struct fake	*f = ctx;

	if (n > f->len - f->pos)
		n = f->len - f->pos;
	if (n > 0)
		memcpy(buf, f->body + f->pos, n);
	f->pos += n;
	return (long)n;
}

static void
setup(void)
{
	char	 err[256];

	log_init("fuzz_callback", LOG_LVL_ERROR);
	if (cfg_load(&cfg, NULL, err, sizeof(err)) == -1)
		abort();
	free(cfg.db.socket);
	cfg.db.socket = strdup("/nonexistent/kfroute-fuzz.sock");
	cfg.wecom.token = strdup(TOKEN);
	cfg.wecom.encoding_aes_key = strdup(AES_KEY);
	cfg.wecom.corp_id = strdup(CORP_ID);
	cfg.wecom.callback_max_skew = 0;	/* no clock in a fuzz run */
	store = store_new(&cfg, STORE_WECOM);
	if (wxc_init(&wxc, TOKEN, AES_KEY, CORP_ID) != WXC_OK)
		abort();
}

/* One request through callback_handle(); checks the answer. */
static void
run(const char *method, const char *query, const char *body, size_t len,
    const char *echostr)
{
	struct callback		 cb;
	struct arena		*a = arena_new(4096);
	struct fake		 f;
	struct req_source	 src = { fake_param, fake_read, &f };
	struct req		 req;
	struct resp		 resp;
	struct buf		 uri = { 0 };
	char			 cl[32], *plain;
	size_t			 plen;

	snprintf(cl, sizeof(cl), "%zu", len);
	buf_printf(&uri, "/wecom/callback?%s", query);
	f = (struct fake){ method, buf_str(&uri), query, cl, body, len, 0 };
	callback_init(&cb, &cfg, store, NULL);
	CHECK(cb.configured);
	req_init(&req, a, &src, NULL);
	memset(&resp, 0, sizeof(resp));
	resp_reset(&resp);

	callback_handle(&cb, &req, &resp);
	CHECK(!cb.pending);
	if (resp.status == 200 && echostr != NULL) {
		CHECK(wxc_decrypt(&wxc, echostr, &plain, &plen) == WXC_OK);
		CHECK(resp.body.len == plen &&
		    memcmp(resp.body.data, plain, plen) == 0);
		free(plain);
	} else if (resp.status == 200)
		CHECK(resp.body.len == 0);
	else {
		CHECK(resp.status == 400 || resp.status == 403 ||
		    resp.status == 413 || resp.status == 503);
		CHECK(fuzz_json_object(resp.body.data, resp.body.len));
	}

	callback_after(&cb);
	callback_free(&cb);
	req_cleanup(&req);
	resp_free(&resp);
	buf_free(&uri);
	arena_free(a);
}

static void
post(const char *body, size_t len, const char *enc)
{
	struct buf	 q = { 0 };
	char		 sig[41];

	wxc_signature(TOKEN, TS, NONCE, enc, sig);
	buf_printf(&q, "msg_signature=%s&timestamp=" TS "&nonce=" NONCE, sig);
	run("POST", buf_str(&q), body, len, NULL);
	buf_free(&q);
}

static void
post_event(const char *xml, size_t len)
{
	struct buf	 body = { 0 };
	char		*b64, *exact;

	if (wxc_encrypt(&wxc, (const unsigned char *)"defghijklmnopqrs", xml,
	    len, &b64) != WXC_OK)
		return;
	buf_printf(&body, "<xml><ToUserName><![CDATA[" CORP_ID "]]>"
	    "</ToUserName><Encrypt><![CDATA[%s]]></Encrypt>"
	    "<AgentID><![CDATA[1]]></AgentID></xml>", b64);
	exact = fuzz_dup((const uint8_t *)body.data, body.len);
	post(exact, body.len, b64);
	free(exact);
	free(b64);
	buf_free(&body);
}

static void
post_raw(const uint8_t *data, size_t len)
{
	char	*body = fuzz_dup(data, len), *s = fuzz_str(data, len);
	char	*enc = malloc(len + 1);

	CHECK(enc != NULL);
	if (callback_xml_field(s, "Encrypt", enc, len + 1) == -1)
		snprintf(enc, len + 1, "%s", "");
	post(body, len, enc);
	free(enc);
	free(s);
	free(body);
}

static void
url_check(const char *echostr)
{
	struct buf	 q = { 0 };
	char		 sig[41];

	wxc_signature(TOKEN, TS, NONCE, echostr, sig);
	buf_printf(&q, "msg_signature=%s&timestamp=" TS "&nonce=" NONCE
	    "&echostr=", sig);
	fuzz_pct_encode(&q, echostr, strlen(echostr), 1);
	run("GET", buf_str(&q), NULL, 0, echostr);
	buf_free(&q);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s;

	if (size == 0)
		return 0;
	if (store == NULL)
		setup();
	switch (data[0] % 3) {
	case 0:
		s = fuzz_dup(data + 1, size - 1);
		post_event(s, size - 1);
		free(s);
		break;
	case 1:
		post_raw(data + 1, size - 1);
		break;
	default:
		s = fuzz_str(data + 1, size - 1);
		url_check(s);
		free(s);
		break;
	}
	return 0;
}
