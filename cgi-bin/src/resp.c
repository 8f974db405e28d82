#include <string.h>

#include "resp.h"

const char *
resp_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 302: return "Found";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 411: return "Length Required";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Unknown";
	}
}

void
resp_reset(struct resp *r)
{
	r->status = 200;
	r->ctype = "application/json; charset=utf-8";
	buf_clear(&r->headers);
	buf_clear(&r->body);
	jsonw_init(&r->json, &r->body);
}

void
resp_free(struct resp *r)
{
	buf_free(&r->headers);
	buf_free(&r->body);
}

void
resp_header(struct resp *r, const char *name, const char *value)
{
	buf_puts(&r->headers, name);
	buf_append(&r->headers, ": ", 2);
	buf_puts(&r->headers, value);
	buf_append(&r->headers, "\r\n", 2);
}

struct jsonw *
resp_json_ok(struct resp *r)
{
	buf_clear(&r->body);
	jsonw_init(&r->json, &r->body);
	jsonw_obj_open(&r->json);
	jsonw_key(&r->json, "success");
	jsonw_bool(&r->json, 1);
	return &r->json;
}

void
resp_error(struct resp *r, enum apierr e, const char *field)
{
	jsonw_obj_close(resp_error_begin(r, e, field));
}

struct jsonw *
resp_error_begin(struct resp *r, enum apierr e, const char *field)
{
	const struct apierr_info	*info = apierr_info(e);
	struct jsonw			*w = &r->json;

	r->status = info->status;
	buf_clear(&r->body);
	jsonw_init(w, &r->body);
	jsonw_obj_open(w);
	jsonw_key(w, "success");
	jsonw_bool(w, 0);
	jsonw_key(w, "code");
	jsonw_str(w, info->code);
	jsonw_key(w, "message");
	jsonw_str(w, info->message);
	if (field != NULL) {
		jsonw_key(w, "field");
		jsonw_str(w, field);
	}
	return w;
}

void
resp_write(const struct resp *r, int head_only, struct buf *out)
{
	buf_clear(out);
	buf_printf(out, "Status: %d %s\r\nContent-Type: %s\r\n"
	    "Content-Length: %zu\r\n"
	    "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n",
	    r->status, resp_reason(r->status), r->ctype, r->body.len);
	buf_append(out, buf_str(&r->headers), r->headers.len);
	buf_append(out, "\r\n", 2);
	if (!head_only)
		buf_append(out, buf_str(&r->body), r->body.len);
}
