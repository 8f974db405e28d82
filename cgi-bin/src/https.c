#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "buf.h"
#include "curlso.h"
#include "https.h"
#include "jsonin.h"
#include "log.h"
#include "util.h"

struct https {
	CURL		*curl;
	struct https_opts opts;
	struct buf	 body;
	size_t		 cap;		/* this call's answer cap */
	int		 too_large;
};

const char *
https_strerror(enum https_rc rc)
{
	static const char *const msgs[] = {
		"ok", "URL not allowed", "connect failed", "TLS failure",
		"timeout", "answer too large", "HTTP status not 200",
		"answer not strict JSON", "request failed",
	};

	return (unsigned)rc < sizeof(msgs) / sizeof(msgs[0]) ? msgs[rc] : "?";
}

int
https_url_allowed(const char *url)
{
	static const char *const loopback[] = {
		"http://127.0.0.1:", "http://127.0.0.1/", "http://localhost:",
		"http://localhost/", "http://[::1]:", "http://[::1]/",
	};
	size_t	 i, auth;
	const char	*rest;

	/* No userinfo: http://127.0.0.1:x@evil/ is evil's. */
	rest = strstr(url, "://");
	if (rest != NULL) {
		rest += 3;
		auth = strcspn(rest, "/?#");
		if (memchr(rest, '@', auth) != NULL)
			return 0;
	}
	if (strncasecmp(url, "https://", 8) == 0)
		return url[8] != '\0';
	for (i = 0; i < sizeof(loopback) / sizeof(loopback[0]); i++)
		if (strncasecmp(url, loopback[i], strlen(loopback[i])) == 0)
			return 1;
	return 0;
}

/* Collect the answer; refuse to grow past the cap (libcurl 7.88's
 * CURLOPT_MAXFILESIZE does not stop a body of unknown length). */
static size_t
on_data(char *p, size_t size, size_t n, void *arg)
{
	struct https	*h = arg;

	if (size * n > h->cap - h->body.len) {
		h->too_large = 1;
		return 0;	/* libcurl aborts the transfer */
	}
	buf_append(&h->body, p, size * n);
	return size * n;
}

struct https *
https_new(const struct https_opts *opts)
{
	struct https	*h = xcalloc(1, sizeof(*h));

	h->opts = *opts;
	return h;
}

void
https_free(struct https *h)
{
	if (h == NULL)
		return;
	if (h->curl != NULL)
		curlso()->easy_cleanup(h->curl);
	buf_free(&h->body);
	free(h);
}

static enum https_rc
map_curl(CURLcode c)
{
	switch (c) {
	case CURLE_OPERATION_TIMEDOUT:
		return HTTPS_TIMEOUT;
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
		return HTTPS_CONNECT;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CACERT_BADFILE:
		return HTTPS_TLS;
	case CURLE_UNSUPPORTED_PROTOCOL:
		return HTTPS_BAD_URL;
	default:
		return HTTPS_FAILED;
	}
}

enum https_rc
https_json(struct https *h, const char *url, const char *body,
    struct json_object **out)
{
	return https_json_cap(h, url, body, HTTPS_MAX_BODY, out);
}

/* One call; the answer in h->body on HTTPS_OK (status 200, within cap). */
static enum https_rc
perform(struct https *h, const char *url, const char *body, size_t cap)
{
	const struct curlso	*cu;
	struct curl_slist	*hdrs = NULL;
	CURLcode		 c;
	long			 status = 0;
	enum https_rc		 rc;

	if (!https_url_allowed(url))
		return HTTPS_BAD_URL;
	if ((cu = curlso()) == NULL)
		return HTTPS_FAILED;
	if (h->curl == NULL && (h->curl = cu->easy_init()) == NULL)
		return HTTPS_FAILED;
	cu->easy_reset(h->curl);	/* keeps the connection cache */
	buf_clear(&h->body);
	h->cap = cap;
	h->too_large = 0;
	cu->easy_setopt(h->curl, CURLOPT_URL, url);
	cu->easy_setopt(h->curl, CURLOPT_PROTOCOLS_STR,
	    strncasecmp(url, "https://", 8) == 0 ? "https" : "http");
	cu->easy_setopt(h->curl, CURLOPT_NOSIGNAL, 1L);
	cu->easy_setopt(h->curl, CURLOPT_FOLLOWLOCATION, 0L);
	cu->easy_setopt(h->curl, CURLOPT_SSL_VERIFYPEER, 1L);
	cu->easy_setopt(h->curl, CURLOPT_SSL_VERIFYHOST, 2L);
	if (h->opts.ca_file != NULL)
		cu->easy_setopt(h->curl, CURLOPT_CAINFO, h->opts.ca_file);
	cu->easy_setopt(h->curl, CURLOPT_CONNECTTIMEOUT_MS,
	    (long)h->opts.connect_timeout_ms);
	cu->easy_setopt(h->curl, CURLOPT_TIMEOUT_MS, (long)h->opts.timeout_ms);
	cu->easy_setopt(h->curl, CURLOPT_WRITEFUNCTION, on_data);
	cu->easy_setopt(h->curl, CURLOPT_WRITEDATA, h);
	cu->easy_setopt(h->curl, CURLOPT_USERAGENT, "kfroute");
	if (body != NULL) {
		hdrs = cu->slist_append(hdrs,
		    "Content-Type: application/json; charset=utf-8");
		cu->easy_setopt(h->curl, CURLOPT_HTTPHEADER, hdrs);
		cu->easy_setopt(h->curl, CURLOPT_POSTFIELDS, body);
	}
	c = cu->easy_perform(h->curl);
	cu->slist_free_all(hdrs);
	if (h->too_large)
		return HTTPS_TOO_LARGE;
	if (c != CURLE_OK) {
		rc = map_curl(c);
		log_warn("https: %s (%s)", https_strerror(rc),
		    cu->easy_strerror(c));
		return rc;
	}
	cu->easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &status);
	if (status != 200) {
		log_warn("https: HTTP status %ld", status);
		return HTTPS_STATUS;
	}
	return HTTPS_OK;
}

char *
https_escape(const char *s)
{
	const struct curlso	*cu = curlso();

	/* No handle needed since libcurl 7.82. */
	return cu != NULL ? cu->easy_escape(NULL, s, 0) : NULL;
}

void
https_escaped_free(char *s)
{
	if (s != NULL)
		curlso()->free(s);
}

enum https_rc
https_json_cap(struct https *h, const char *url, const char *body, size_t cap,
    struct json_object **out)
{
	enum https_rc	 rc;

	*out = NULL;
	if ((rc = perform(h, url, body, cap)) != HTTPS_OK)
		return rc;
	if (jsonin_object(buf_str(&h->body), h->body.len, 16, out) !=
	    JSONIN_OK)
		return HTTPS_BAD_JSON;
	return HTTPS_OK;
}

enum https_rc
https_bytes(struct https *h, const char *url, const char *body, size_t cap,
    const char **data, size_t *len)
{
	enum https_rc	 rc;

	*data = NULL;
	*len = 0;
	if ((rc = perform(h, url, body, cap)) != HTTPS_OK)
		return rc;
	*data = buf_str(&h->body);
	*len = h->body.len;
	return HTTPS_OK;
}
