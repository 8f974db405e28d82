/*
 * How customers reach an entry, for posters and for the operator's
 * checks: GET /admin/api/entries/<id>/qr (a 小程序码 PNG for page entries,
 * made by WeChat and kept in kf_wxacode; the /go/ link as an SVG QR code
 * for the others) and GET /admin/api/entries/<id>/reach, /admin/api/reach
 * (the ways in and every problem with them, each with how to fix it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <qrencode.h>
#include <sodium.h>

#include "admin_int.h"
#include "arena.h"
#include "buf.h"
#include "cfg.h"
#include "jsonw.h"
#include "req.h"
#include "resp.h"
#include "store.h"
#include "url.h"
#include "valid.h"
#include "wxacode.h"

/* After WeChat refused or did not answer, the same answer for this long
 * (seconds) without asking again: a double click is no second call. */
#define WXACODE_COOLDOWN	"30"

/* What reaching an entry depends on (Q_REACH_LIST), in the arena. */
struct reach_row {
	const char	*id, *label, *ttype, *target, *scene;
	int		 account;	/* its WeCom account is synced */
	int		 link;		/* its WeCom contact link is synced */
};

struct reach_rows {
	struct arena	*ar;
	struct reach_row *rows;
	size_t		 n, cap;
};

static int
row_reach(void *arg, char **col, unsigned n)
{
	struct reach_rows	*r = arg;
	struct reach_row	*x;
	struct reach_row	*grown;

	if (n < 7 || col[0] == NULL || col[2] == NULL)
		return -1;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		grown = arena_alloc(r->ar, r->cap * sizeof(*grown));
		if (r->n > 0)
			memcpy(grown, r->rows, r->n * sizeof(*grown));
		r->rows = grown;
	}
	x = &r->rows[r->n++];
	x->id = arena_strdup(r->ar, col[0]);
	x->label = arena_strdup(r->ar, col[1] ? col[1] : "");
	x->ttype = arena_strdup(r->ar, col[2]);
	x->target = arena_strdup(r->ar, col[3] ? col[3] : "");
	x->scene = arena_strdup(r->ar, col[4] ? col[4] : "");
	x->account = col[5] != NULL && strcmp(col[5], "1") == 0;
	x->link = col[6] != NULL && strcmp(col[6], "1") == 0;
	return 0;
}

/* One entry (id) or all (NULL); STORE_NOTFOUND for an unknown id. */
static enum store_rc
load_reach(struct actx *c, const char *id, struct reach_rows *r)
{
	const char	*p[1] = { id };
	enum store_rc	 rc;

	memset(r, 0, sizeof(*r));
	r->ar = c->req->arena;
	rc = store_q_rows(c->a->store, Q_REACH_LIST, p, 1, row_reach, r);
	if (rc == STORE_OK && id != NULL && r->n == 0)
		return STORE_NOTFOUND;
	return rc;
}

static int
mp_configured(const struct cfg *cfg)
{
	return cfg->miniprogram.app_id != NULL &&
	    cfg->miniprogram.app_id[0] != '\0' &&
	    cfg->miniprogram.app_secret != NULL &&
	    cfg->miniprogram.app_secret[0] != '\0';
}

static int
env_ok(const char *env)
{
	return strcmp(env, "release") == 0 || strcmp(env, "trial") == 0 ||
	    strcmp(env, "develop") == 0;
}

/* The entry's /go/ link beside this program's mount point. */
static const char *
go_link(struct actx *c, const char *id)
{
	const char	*origin = admin_origin(c);
	size_t		 n;
	char		*url;

	if (origin == NULL)
		return NULL;
	n = strlen(origin) + strlen(admin_base(c)) + strlen(id) + 8;
	url = arena_alloc(c->req->arena, n);
	snprintf(url, n, "%s%s/go/%s", origin, admin_base(c), id);
	return url;
}

static void
problem(struct jsonw *w, const char *code, const char *message,
    const char *fix)
{
	jsonw_obj_open(w);
	jsonw_key(w, "code");
	jsonw_str(w, code);
	jsonw_key(w, "message");
	jsonw_str(w, message);
	jsonw_key(w, "fix");
	jsonw_str(w, fix);
	jsonw_obj_close(w);
}

/*
 * One entry's ways in and its problems, as /go/ and the mini-program will
 * meet them (api.c go_allowed, the web-view's https rule, the snapshot's
 * contact link, getwxacodeunlimit's scene).
 */
static void
write_reach(struct actx *c, struct jsonw *w, const struct reach_row *e)
{
	const struct cfg	*cfg = c->a->cfg;
	const char		*host;
	size_t			 hlen;
	char			 msg[512];
	int			 page = strcmp(e->ttype, "page") == 0;

	jsonw_obj_open(w);
	jsonw_key(w, "entry");
	jsonw_str(w, e->id);
	jsonw_key(w, "label");
	jsonw_str(w, e->label);
	jsonw_key(w, "target_type");
	jsonw_str(w, e->ttype);
	jsonw_key(w, "ways");
	jsonw_arr_open(w);
	jsonw_str(w, page ? "wxacode" : "link");
	jsonw_arr_close(w);
	jsonw_key(w, "link");
	jsonw_str(w, page ? NULL : go_link(c, e->id));
	jsonw_key(w, "problems");
	jsonw_arr_open(w);
	if (strcmp(e->ttype, "url") == 0) {
		if (strncasecmp(e->target, "http://", 7) == 0)
			problem(w, "http_target", "网页地址是 http://,小程序 "
			    "web-view 只能打开 https 网页",
			    "把目标改为 https:// 开头的地址");
		if (url_http_host(e->target, &host, &hlen) == -1) {
			problem(w, "bad_url", "网页地址无法识别,链接和二维码打不开",
			    "把目标改为完整的 https:// 网址");
		} else if (!cfg_redirect_allowed(cfg, host, hlen)) {
			snprintf(msg, sizeof(msg), "网页域名 %.*s 不在 [http] "
			    "redirect_hosts 中:/go/ 链接和二维码打不开",
			    (int)(hlen > 200 ? 200 : hlen), host);
			problem(w, "host_not_allowed", msg, "在 common.conf 的 "
			    "[http] redirect_hosts 中加入该域名(逗号分隔)并"
			    "重启服务;小程序里还需把它加入业务域名");
		}
	} else if (strcmp(e->ttype, "wecom_kf") == 0 && !e->link) {
		snprintf(msg, sizeof(msg), "%s:客户点击后打不开微信客服",
		    e->account ? "该微信客服账号还没有同步到此入口的接入链接" :
		    "没有同步到这个微信客服账号(open_kfid)");
		problem(w, "wecom_no_link", msg, "运行 kfctl wecom "
		    "sync-accounts 同步微信客服账号和接入链接,并核对目标的 "
		    "open_kfid");
	} else if (page) {
		if (!mp_configured(cfg))
			problem(w, "miniprogram_unset", "未配置小程序,无法生成"
			    "小程序码", "在 admin.conf 的 [miniprogram] 设置 "
			    "app_id 和 app_secret(或 app_secret_file)");
		if (!wxacode_scene_ok(e->id))
			problem(w, "scene_unusable", "入口 ID 超过 32 个字符,"
			    "不能作为小程序码的 scene", "新建一个 ID 不超过 "
			    "32 个字符的入口替换它");
	}
	jsonw_arr_close(w);
	jsonw_obj_close(w);
}

/* The reach rows of the entry in the URL; -1 having answered 404/503. */
static int
entry_reach(struct actx *c, struct reach_rows *r)
{
	enum store_rc	 rc;

	if (!valid_id(c->id, 1, 64)) {
		admin_fail(c, AE_NO_OBJECT);
		return -1;
	}
	if ((rc = load_reach(c, c->id, r)) != STORE_OK) {
		admin_fail_rc(c, rc);
		return -1;
	}
	return 0;
}

/* GET /admin/api/entries/<id>/reach */
void
admin_reach(struct actx *c)
{
	struct reach_rows	 r;
	struct jsonw		*w;

	if (entry_reach(c, &r) == -1)
		return;
	w = resp_json_ok(c->resp);
	jsonw_key(w, "reach");
	write_reach(c, w, &r.rows[0]);
	jsonw_obj_close(w);
}

/* GET /admin/api/reach: every entry's, in the entries table's order. */
void
admin_reach_list(struct actx *c)
{
	struct reach_rows	 r;
	struct jsonw		*w;
	size_t			 i;
	enum store_rc		 rc;

	if ((rc = load_reach(c, NULL, &r)) != STORE_OK) {
		admin_fail_store(c);
		return;
	}
	w = resp_json_ok(c->resp);
	jsonw_key(w, "items");
	jsonw_arr_open(w);
	for (i = 0; i < r.n; i++)
		write_reach(c, w, &r.rows[i]);
	jsonw_arr_close(w);
	jsonw_obj_close(w);
}

/* The /go/ link as a QR code in SVG (one path, no script). */
static void
link_svg(struct actx *c, const char *url)
{
	struct buf	*b = &c->resp->body;
	QRcode		*qr;
	int		 x, y;

	if ((qr = QRcode_encodeString(url, 0, QR_ECLEVEL_M, QR_MODE_8, 1)) ==
	    NULL) {
		admin_fail(c, AE_INTERNAL);
		return;
	}
	buf_clear(b);
	/* A quiet zone of 4 modules around the code, as the standard asks. */
	buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "viewBox=\"0 0 %d %d\" shape-rendering=\"crispEdges\">"
	    "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>"
	    "<path fill=\"#000\" d=\"", qr->width + 8, qr->width + 8);
	for (y = 0; y < qr->width; y++)
		for (x = 0; x < qr->width; x++)
			if (qr->data[y * qr->width + x] & 1)
				buf_printf(b, "M%d %dh1v1h-1z", x + 4, y + 4);
	buf_puts(b, "\"/></svg>\n");
	QRcode_free(qr);
	c->resp->ctype = "image/svg+xml";
}

/* 502 with WeChat's errcode (null: no answer) and what to do. */
static void
wxacode_fail(struct actx *c, int answered, int errcode, int cached)
{
	struct jsonw	*w = resp_error_begin(c->resp, AE_WXACODE_FAILED,
	    NULL);

	jsonw_key(w, "errcode");
	if (answered)
		jsonw_int(w, errcode);
	else
		jsonw_null(w);
	jsonw_key(w, "detail");
	jsonw_str(w, answered ? wxacode_errtext(errcode) :
	    "连接不上微信服务器(或微信的回答无法识别),请稍后再试");
	jsonw_key(w, "cached");
	jsonw_bool(w, cached);
	jsonw_key(w, "retry_after");
	jsonw_int(w, atoi(WXACODE_COOLDOWN));
	jsonw_obj_close(w);
	resp_header(c->resp, "Retry-After", WXACODE_COOLDOWN);
}

static void
send_png(struct actx *c, const unsigned char *png, size_t len)
{
	buf_clear(&c->resp->body);
	buf_append(&c->resp->body, (const char *)png, len);
	c->resp->ctype = "image/png";
}

struct cached {
	const char	*png;		/* base64, or NULL */
	const char	*errcode;	/* or NULL */
	int		 found, fresh;
	struct arena	*ar;
};

static int
row_cached(void *arg, char **col, unsigned n)
{
	struct cached	*k = arg;

	if (n < 3)
		return -1;
	k->found = 1;
	k->png = col[0] != NULL ? arena_strdup(k->ar, col[0]) : NULL;
	k->errcode = col[1] != NULL ? arena_strdup(k->ar, col[1]) : NULL;
	k->fresh = col[2] != NULL && strcmp(col[2], "1") == 0;
	return 0;
}

/*
 * A page entry's 小程序码: from kf_wxacode when made for exactly this
 * entry, app, env_version, width and page; else from WeChat, then kept.
 */
static void
wxacode(struct actx *c, const struct reach_row *e)
{
	const struct cfg	*cfg = c->a->cfg;
	struct valid		 v;
	struct cached		 k;
	char			 page[WXACODE_PAGE_MAX], width[16], code[16];
	const char		*p[7], *png;
	unsigned char		*bin;
	char			*b64;
	size_t			 len, blen, n;
	enum wxacode_rc		 wrc;
	int			 errcode;

	if (!mp_configured(cfg)) {
		admin_fail(c, AE_MINIPROGRAM_UNSET);
		return;
	}
	if (!env_ok(cfg->miniprogram.env_version)) {
		admin_fail_raw(c, AE_MINIPROGRAM_UNSET, "detail",
		    "\"[miniprogram] env_version 应为 release、trial 或 develop\"");
		return;
	}
	valid_init(&v, c->req->arena);
	if (!wxacode_scene_ok(e->id))
		valid_fail(&v, "id", "入口 ID 超过 32 个字符,不能作为小程序码的 "
		    "scene");
	if (wxacode_page(e->target, page, sizeof(page)) == -1)
		valid_fail(&v, "target", "没有可用的小程序页面路径");
	if (v.nerr > 0) {
		admin_fail_fields(c, &v);
		return;
	}
	snprintf(width, sizeof(width), "%d", cfg->miniprogram.code_width);
	p[0] = WXACODE_COOLDOWN;
	p[1] = e->id;
	p[2] = cfg->miniprogram.app_id;
	p[3] = cfg->miniprogram.env_version;
	p[4] = width;
	p[5] = page;
	memset(&k, 0, sizeof(k));
	k.ar = c->req->arena;
	if (store_q_rows(c->a->store, Q_WXACODE_GET, p, 6, row_cached, &k) !=
	    STORE_OK) {
		admin_fail_store(c);
		return;
	}
	if (k.found && k.png != NULL) {
		n = strlen(k.png);
		bin = arena_alloc(c->req->arena, n);
		if (sodium_base642bin(bin, n, k.png, n, NULL, &blen, NULL,
		    sodium_base64_VARIANT_ORIGINAL) == 0) {
			send_png(c, bin, blen);
			return;
		}
	} else if (k.found && k.fresh) {
		wxacode_fail(c, k.errcode != NULL, k.errcode != NULL ?
		    atoi(k.errcode) : 0, 1);
		return;
	}
	wrc = wxacode_make(c->a->https, cfg, e->id, page, &png, &len,
	    &errcode);
	/* Kept either way: a code for good, a refusal for the cool-down. */
	p[0] = e->id;
	p[1] = cfg->miniprogram.app_id;
	p[2] = cfg->miniprogram.env_version;
	p[3] = width;
	p[4] = page;
	p[5] = NULL;
	p[6] = NULL;
	if (wrc == WXA_OK) {
		n = sodium_base64_ENCODED_LEN(len,
		    sodium_base64_VARIANT_ORIGINAL);
		b64 = arena_alloc(c->req->arena, n);
		sodium_bin2base64(b64, n, (const unsigned char *)png, len,
		    sodium_base64_VARIANT_ORIGINAL);
		p[5] = b64;
	} else if (wrc == WXA_REFUSED) {
		snprintf(code, sizeof(code), "%d", errcode);
		p[6] = code;
	}
	/* A failure to keep it costs a call next time, not this answer. */
	(void)store_q_exec(c->a->store, Q_WXACODE_PUT, p, 7);
	if (wrc == WXA_OK)
		send_png(c, (const unsigned char *)png, len);
	else
		wxacode_fail(c, wrc == WXA_REFUSED, errcode, 0);
}

/*
 * GET /admin/api/entries/<id>/qr: for a page entry its 小程序码 (PNG);
 * for the others the /go/ link (beside this program's mount point) as an
 * SVG QR code. A code for an entry that does not exist helps nobody: 404.
 */
void
admin_qr(struct actx *c)
{
	struct reach_rows	 r;
	const char		*url;

	if (entry_reach(c, &r) == -1)
		return;
	if (strcmp(r.rows[0].ttype, "page") == 0) {
		wxacode(c, &r.rows[0]);
		return;
	}
	if ((url = go_link(c, c->id)) == NULL) {
		admin_fail(c, AE_NO_OBJECT);
		return;
	}
	link_svg(c, url);
}
