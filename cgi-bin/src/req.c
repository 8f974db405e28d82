#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "arena.h"
#include "jsonin.h"
#include "req.h"
#include "utf8.h"
#include "util.h"

/* Nesting deeper than this is no request of ours. */
#define REQ_JSON_DEPTH	16

static const char *const method_names[REQ__MAX] = {
	"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "",
};

static const char *
param(const struct req *r, const char *name)
{
	return r->src->param(r->src->ctx, name);
}

static int
has_suffix(const char *s, size_t len, const char *suffix)
{
	size_t	 n = strlen(suffix);

	return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

const char *
req_route_path(struct arena *a, const char *uri, const char *script,
    const char *path_info, const char *mount)
{
	const char	*p;
	size_t		 len, slen, mlen;

	/*
	 * The web server ran the program by its file name (plain CGI,
	 * mod_fcgid, a rewrite to cgi-bin/kfroute.cgi/api/...): PATH_INFO is
	 * what lies below it, already decoded, wherever it is mounted. Only
	 * then: lighttpd's prefix mounts split SCRIPT_NAME/PATH_INFO at will.
	 */
	if (script != NULL && (slen = strlen(script)) > 0 &&
	    (has_suffix(script, slen, ".fcgi") ||
	    has_suffix(script, slen, ".cgi"))) {
		if (path_info == NULL || *path_info == '\0')
			return "/";
		return *path_info == '/' ? arena_strdup(a, path_info) : NULL;
	}
	if (uri == NULL || *uri == '\0')
		uri = script != NULL ? script : "";
	len = strcspn(uri, "?#");
	p = uri;
	/* A prefix mount (lighttpd, mod_proxy_fcgi) below [http] base_path. */
	if (mount != NULL && (mlen = strlen(mount)) > 0) {
		if (mlen > len || memcmp(p, mount, mlen) != 0 ||
		    (mlen < len && p[mlen] != '/'))
			return NULL;
		p += mlen;
		len -= mlen;
	}
	if (len == 0)
		return "/";
	return form_pct_decode(a, p, len);
}

size_t
req_mount_len(const char *uri, const char *path)
{
	size_t	 len, plen;

	if (uri == NULL || path == NULL || *path != '/')
		return (size_t)-1;
	len = strcspn(uri, "?#");
	plen = strlen(path);
	if (plen > len || memcmp(uri + len - plen, path, plen) != 0)
		return (size_t)-1;
	return len - plen;
}

enum req_ctype
req_parse_ctype(const char *ct)
{
	static const struct { const char *name; enum req_ctype type; } types[] = {
		{ "application/json", REQ_CT_JSON },
		{ "application/x-www-form-urlencoded", REQ_CT_FORM },
	};
	const char	*p, *v;
	size_t		 i, n, vlen;
	enum req_ctype	 t = REQ_CT_OTHER;

	if (ct == NULL || *ct == '\0')
		return REQ_CT_NONE;
	n = strcspn(ct, "; \t");
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strlen(types[i].name) == n &&
		    strncasecmp(ct, types[i].name, n) == 0)
			t = types[i].type;
	if (t == REQ_CT_OTHER)
		return t;
	/* Parameters: only a UTF-8 charset (or none) is acceptable. */
	for (p = ct + n; *p != '\0'; p += strcspn(p, ";")) {
		p += strspn(p, "; \t");
		if (strncasecmp(p, "charset=", 8) != 0)
			continue;
		v = p + 8;
		vlen = strcspn(v, "; \t");
		if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
			v++;
			vlen -= 2;
		}
		if (!((vlen == 5 && strncasecmp(v, "utf-8", 5) == 0) ||
		    (vlen == 4 && strncasecmp(v, "utf8", 4) == 0)))
			return REQ_CT_OTHER;
	}
	return t;
}

void
req_init(struct req *r, struct arena *a, const struct req_source *src,
    const char *mount)
{
	const char	*m, *q;
	int		 i;

	memset(r, 0, sizeof(*r));
	r->arena = a;
	r->src = src;
	r->method = REQ_OTHER;
	if ((m = param(r, "REQUEST_METHOD")) != NULL)
		for (i = 0; i < REQ_OTHER; i++)
			if (strcmp(m, method_names[i]) == 0)
				r->method = (enum req_method)i;
	r->path = req_route_path(a, param(r, "REQUEST_URI"),
	    param(r, "SCRIPT_NAME"), param(r, "PATH_INFO"), mount);
	if (r->path == NULL)
		r->path = "";	/* matches no route: a 404 */
	q = param(r, "QUERY_STRING");
	r->query = q != NULL ? arena_strdup(a, q) : "";
	r->ctype = req_parse_ctype(param(r, "CONTENT_TYPE"));
}

enum apierr
req_read_body(struct req *r, size_t max)
{
	const char	*cl = param(r, "CONTENT_LENGTH");
	long long	 len;
	size_t		 got = 0;
	long		 n;
	char		*body;

	if (cl == NULL || *cl == '\0')
		return AE_LENGTH_REQUIRED;
	if (util_parse_llong(cl, 0, 0x7fffffffffffffffLL, &len) == -1)
		return AE_BAD_LENGTH;
	if ((unsigned long long)len > max)
		return AE_TOO_LARGE;
	body = arena_alloc(r->arena, (size_t)len + 1);
	while (got < (size_t)len) {
		n = r->src->read(r->src->ctx, body + got, (size_t)len - got);
		if (n <= 0)
			return AE_SHORT_BODY;
		got += (size_t)n;
	}
	body[got] = '\0';
	r->body = body;
	r->body_len = got;
	return AE_OK;
}

static enum apierr
parse_json(struct req *r)
{
	switch (jsonin_object(r->body, r->body_len, REQ_JSON_DEPTH, &r->json)) {
	case JSONIN_OK:
		return AE_OK;
	case JSONIN_BAD_UTF8:
		return AE_BAD_UTF8;
	case JSONIN_DUP_KEY:
		return AE_DUPLICATE;
	case JSONIN_NOMEM:
		return AE_INTERNAL;
	default:
		return AE_BAD_JSON;
	}
}

/* Parse the query string and the body once, on first use. */
static enum apierr
parse_inputs(struct req *r)
{
	enum apierr	 rc;

	if (!r->query_parsed) {
		rc = form_parse(r->arena, r->query, strlen(r->query),
		    &r->query_form);
		if (rc != AE_OK)
			return rc;
		r->query_parsed = 1;
	}
	if (r->body_parsed || r->body == NULL || r->body_len == 0)
		return AE_OK;
	switch (r->ctype) {
	case REQ_CT_JSON:
		rc = parse_json(r);
		break;
	case REQ_CT_FORM:
		rc = form_parse(r->arena, r->body, r->body_len, &r->body_form);
		break;
	default:
		rc = AE_MEDIA_TYPE;
		break;
	}
	if (rc == AE_OK)
		r->body_parsed = 1;
	return rc;
}

/* Find name in a form; AE_DUPLICATE when it occurs more than once. */
static enum apierr
form_lookup(const struct form *f, const char *name, const char **val,
    size_t *len)
{
	size_t	 i;

	for (i = 0; i < f->n; i++) {
		if (strcmp(f->pairs[i].key, name) != 0)
			continue;
		if (*val != NULL)
			return AE_DUPLICATE;
		*val = f->pairs[i].val;
		*len = f->pairs[i].vlen;
	}
	return AE_OK;
}

static enum apierr
json_lookup(struct req *r, const char *name, const char **val, size_t *len)
{
	struct json_object	*o;

	if (r->json == NULL || !json_object_object_get_ex(r->json, name, &o))
		return AE_OK;
	if (*val != NULL)
		return AE_DUPLICATE;	/* also given in the query string */
	if (!json_object_is_type(o, json_type_string))
		return AE_BAD_TYPE;
	*len = (size_t)json_object_get_string_len(o);
	/* Copy: the string dies with the document at req_cleanup(). */
	*val = arena_strndup(r->arena, json_object_get_string(o), *len);
	return AE_OK;
}

/* 1 when val[0..len) is 1 to max id characters or the one extra. */
static int
id_chars(const char *val, size_t len, size_t max, char extra)
{
	size_t	 i;

	if (len == 0 || len > max)
		return 0;
	for (i = 0; i < len; i++)
		if (!util_id_valid(val + i, 1) && val[i] != extra)
			return 0;
	return 1;
}

static enum apierr
validate(enum req_field_type type, const char *val, size_t len)
{
	switch (type) {
	case REQ_FIELD_ID:
		return util_id_valid(val, len) ? AE_OK : AE_BAD_ID;
	case REQ_FIELD_TEXT:
		if (len == 0 || len > 1024)
			return AE_BAD_TYPE;
		for (size_t i = 0; i < len; i++)
			if ((unsigned char)val[i] < 0x20 || val[i] == 0x7f)
				return AE_BAD_TYPE;
		return AE_OK;
	case REQ_FIELD_IDLIST:
		return id_chars(val, len, 8192, ',') ? AE_OK : AE_BAD_TYPE;
	case REQ_FIELD_TOKEN:
		return id_chars(val, len, 256, '.') ? AE_OK : AE_BAD_TOKEN;
	}
	return AE_INTERNAL;
}

enum apierr
req_fields(struct req *r, const struct req_field *fields, size_t n,
    const char **values, const char **bad)
{
	enum apierr	 rc;
	size_t		 i, len = 0;
	const char	*v;

	*bad = NULL;
	if ((rc = parse_inputs(r)) != AE_OK) {
		/* A query or form value that is not text: say whose. */
		*bad = r->query_form.bad != NULL ? r->query_form.bad :
		    r->body_form.bad;
		return rc;
	}
	for (i = 0; i < n; i++) {
		v = NULL;
		*bad = fields[i].name;
		if ((rc = form_lookup(&r->query_form, fields[i].name, &v,
		    &len)) != AE_OK)
			return rc;
		rc = r->ctype == REQ_CT_JSON ?
		    json_lookup(r, fields[i].name, &v, &len) :
		    form_lookup(&r->body_form, fields[i].name, &v, &len);
		if (rc != AE_OK)
			return rc;
		if (v != NULL && (rc = validate(fields[i].type, v, len)) != AE_OK)
			return rc;
		values[i] = v;
	}
	*bad = NULL;
	return AE_OK;
}

void
req_cleanup(struct req *r)
{
	json_object_put(r->json);	/* NULL is fine */
	r->json = NULL;
}
