/*
 * Customers and orders in bulk: CSV import (every row validated like a
 * single edit; one bad row and nothing is written, with a report of
 * every bad field of every bad row) and export (what a spreadsheet
 * opens, UTF-8 with BOM).
 *
 *   POST /admin/api/import/customers   Content-Type: text/csv[; charset=]
 *   GET  /admin/api/export/customers
 *   GET  /admin/api/template/customers an empty sheet, Chinese header
 *
 * The body is the file's bytes: UTF-8 (BOM or not) or GB18030/GBK, as
 * Excel saves it (textenc.c). A row replaces the record with its key;
 * columns left out take their defaults. The header row names the
 * columns, in any order, in English or Chinese (aliases below); rows and
 * columns a spreadsheet pads with (all cells empty) are ignored. Each
 * created or changed row is audited on its own, as a single edit is.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "admin_int.h"
#include "arena.h"
#include "buf.h"
#include "csv.h"
#include "jsonw.h"
#include "log.h"
#include "req.h"
#include "resp.h"
#include "store.h"
#include "textenc.h"
#include "util.h"
#include "valid.h"

#define MAX_REPORTED	100	/* bad rows listed in one answer */

#define MAX_ALIASES	6

/*
 * The names a header cell may give a field: the API's (any case) first,
 * then the Chinese the page and the template use. The first Chinese name
 * is the template's. Matched after trimming spaces, ASCII case ignored.
 */
struct alias {
	const char	*field;
	const char	*names[MAX_ALIASES];
};

static const struct alias customer_aliases[] = {
	{ "customer_key", { "客户 key", "客户key", "客户", "客户编号" } },
	{ "level", { "等级" } },
	{ "tags", { "标签", "标签(逗号分隔)", "标签(逗号分隔)" } },
	{ "account_manager_id", { "专属客服", "专属客服 ID", "专属客服ID" } },
	{ NULL, { NULL } },
};

static const struct alias order_aliases[] = {
	{ "order_id", { "订单号", "订单编号", "订单" } },
	{ "customer_key", { "客户 key", "客户key", "客户", "客户编号" } },
	{ "agent_id", { "负责客服", "负责客服 ID", "负责客服ID" } },
	{ NULL, { NULL } },
};

struct bulk {
	const char	*coll;
	enum store_q	 upsert, export, get, lock;
	const struct alias *aliases;
	const char	*agent;	/* the field naming an agent (checked) */
};

static const struct bulk bulks[] = {
	{ "customers", Q_CUSTOMER_UPSERT, Q_CUSTOMER_EXPORT, Q_CUSTOMER_GET,
	    Q_CUSTOMER_GET_LOCK, customer_aliases, "account_manager_id" },
	{ "orders", Q_ORDER_UPSERT, Q_ORDER_EXPORT, Q_ORDER_GET,
	    Q_ORDER_GET_LOCK, order_aliases, "agent_id" },
};

static const struct bulk *
bulk_of(const char *coll)
{
	size_t	 i;

	for (i = 0; i < sizeof(bulks) / sizeof(bulks[0]); i++)
		if (strcmp(bulks[i].coll, coll) == 0)
			return &bulks[i];
	return NULL;
}

/* One rejected row: its line and its field errors. */
struct reject {
	size_t		 line;
	struct valid	 v;
};

/* Agent ids already looked up in this import, and whether they exist. */
#define AGENT_CACHE	32

struct import {
	struct actx		*c;
	const struct bulk	*b;
	const char		*seen[AGENT_CACHE];
	int			 seen_ok[AGENT_CACHE];
	size_t			 nseen;
	const struct valid_field *f;
	size_t			 nf;
	const char		*audit;	/* the kind's name in the audit log */
	int			 col[CSV_MAX_FIELDS];	/* field of column */
	size_t			 ncol;
	struct reject		*rej;
	size_t			 nrej, nbad;
};

static void
reject(struct import *im, size_t line, const struct valid *v)
{
	im->nbad++;
	if (im->nrej < MAX_REPORTED) {
		im->rej[im->nrej].line = line;
		im->rej[im->nrej++].v = *v;
	}
}

/* Whether header cell h (trimmed) names field f of the bulk kind. */
static int
names(const struct bulk *b, const char *field, const char *h, size_t n)
{
	const struct alias	*al;
	size_t			 i;

	if (strlen(field) == n && strncasecmp(field, h, n) == 0)
		return 1;
	for (al = b->aliases; al->field != NULL; al++) {
		if (strcmp(al->field, field) != 0)
			continue;
		for (i = 0; i < MAX_ALIASES && al->names[i] != NULL; i++)
			if (strlen(al->names[i]) == n &&
			    strncasecmp(al->names[i], h, n) == 0)
				return 1;
	}
	return 0;
}

/* The template's name of a field: its first Chinese alias. */
static const char *
label(const struct bulk *b, const char *field)
{
	const struct alias	*al;

	for (al = b->aliases; al->field != NULL; al++)
		if (strcmp(al->field, field) == 0)
			return al->names[0];
	return field;
}

const char *
admin_csv_field(const char *coll, const char *cell)
{
	const struct bulk		*b = bulk_of(coll);
	const struct valid_field	*f;
	const char			*audit, *s;
	size_t				 j, n, nf;

	if (b == NULL || (f = admin_crud_fields(coll, &nf, &audit)) == NULL)
		return NULL;
	/* Spaces around a name are a typing slip, not a new name: ASCII
	 * ones and the full-width U+3000 of Chinese input methods. */
	for (s = cell; *s == ' ' || strncmp(s, "\xE3\x80\x80", 3) == 0;
	    s += *s == ' ' ? 1 : 3)
		;
	for (n = strlen(s); n > 0 && (s[n - 1] == ' ' || (n >= 3 &&
	    strncmp(s + n - 3, "\xE3\x80\x80", 3) == 0));
	    n -= s[n - 1] == ' ' ? 1 : 3)
		;
	for (j = 0; j < nf; j++)
		if (names(b, f[j].name, s, n))
			return f[j].name;
	return NULL;
}

/*
 * The header row: known, distinct columns with every required field.
 * Every problem in one message (the report has one "csv" entry).
 */
static int
header(struct import *im, const struct csv_row *h, struct valid *v)
{
	struct buf	 why = { 0 };
	const char	*name;
	size_t		 i, j;

	im->ncol = h->n;
	for (i = 0; i < h->n; i++) {
		im->col[i] = -1;
		name = admin_csv_field(im->b->coll, h->f[i]);
		for (j = 0; j < im->nf && name != NULL; j++)
			if (strcmp(im->f[j].name, name) == 0)
				im->col[i] = (int)j;
		for (j = 0; j < i && im->col[i] >= 0; j++)
			if (im->col[j] == im->col[i]) {
				buf_printf(&why, "%s表头第 %zu 列“%s”与第 %zu "
				    "列重复", why.len ? ";" : "", i + 1,
				    h->f[i], j + 1);
				im->col[i] = -2;
			}
		if (im->col[i] == -1)
			buf_printf(&why, "%s表头第 %zu 列“%s”不是可导入的列",
			    why.len ? ";" : "", i + 1, h->f[i]);
	}
	for (j = 0; j < im->nf; j++) {
		for (i = 0; i < h->n && im->col[i] != (int)j; i++)
			;
		if (i == h->n && (im->f[j].flags & VF_REQUIRED))
			buf_printf(&why, "%s表头缺少必需的列“%s”(%s)",
			    why.len ? ";" : "", label(im->b, im->f[j].name),
			    im->f[j].name);
	}
	if (why.len > 0)
		valid_fail(v, "csv", "%s", buf_str(&why));
	buf_free(&why);
	return v->nerr == 0 ? 0 : -1;
}

/* Whether agent id exists (looked up once per import). */
static int
agent_exists(struct import *im, const char *id)
{
	const char	*p[2] = { id, id }, *found;
	size_t		 i;
	int		 ok;

	for (i = 0; i < im->nseen; i++)
		if (strcmp(im->seen[i], id) == 0)
			return im->seen_ok[i];
	/* A failed look-up counts as found: the store refuses it later. */
	ok = store_q_text(im->c->a->store, Q_TARGET_EXISTS, p, 2,
	    im->c->req->arena, &found) != STORE_OK || found == NULL ||
	    found[0] != '0';
	if (im->nseen < AGENT_CACHE) {
		im->seen[im->nseen] = id;
		im->seen_ok[im->nseen++] = ok;
	}
	return ok;
}

/* A cell as the JSON value a single edit would send. */
static struct json_object *
cell(const struct valid_field *f, const char *s)
{
	long long	 n;
	int		 neg = *s == '-';

	s = csv_unguard(s);
	if (*s == '\0' && (f->flags & VF_NULLABLE))
		return NULL;
	if (f->type == VT_INT && util_parse_llong(s + neg, 0,
	    999999999999999LL, &n) == 0)
		return json_object_new_int64(neg ? -n : n);
	if (f->type == VT_BOOL && (strcmp(s, "1") == 0 ||
	    strcasecmp(s, "true") == 0))
		return json_object_new_boolean(1);
	if (f->type == VT_BOOL && (strcmp(s, "0") == 0 ||
	    strcasecmp(s, "false") == 0))
		return json_object_new_boolean(0);
	return json_object_new_string(s);
}

/* Validate one data row into vals; 0, or -1 having recorded it. */
static int
row(struct import *im, const struct csv_row *r, const char **vals)
{
	struct json_object	*o = json_object_new_object();
	struct valid		 v;
	size_t			 i;

	valid_init(&v, im->c->req->arena);
	if (r->n != im->ncol)
		valid_fail(&v, "csv", "应有 %zu 列,这一行有 %zu 列", im->ncol,
		    r->n);
	else
		for (i = 0; i < r->n; i++) {
			const struct valid_field *f = &im->f[im->col[i]];

			json_object_object_add(o, f->name, cell(f, r->f[i]));
		}
	if (v.nerr == 0) {
		/* Every bad field at once: the agent too, not only at the
		 * store (which stops at the first refusal). */
		valid_fields(&v, o, im->f, im->nf, vals);
		for (i = 0; i < im->nf; i++)
			if (strcmp(im->f[i].name, im->b->agent) == 0 &&
			    vals[i] != NULL && !valid_has(&v, im->f[i].name) &&
			    !agent_exists(im, vals[i]))
				valid_fail(&v, im->f[i].name, "没有这个客服");
	}
	json_object_put(o);
	if (v.nerr == 0)
		return 0;
	reject(im, r->line, &v);
	return -1;
}

static void
answer_rejects(struct import *im, size_t rows)
{
	struct jsonw	*w = resp_error_begin(im->c->resp, AE_INVALID, NULL);
	size_t		 i, j;

	jsonw_key(w, "imported");
	jsonw_int(w, 0);
	jsonw_key(w, "rows");
	jsonw_int(w, (long long)rows);
	jsonw_key(w, "rejected_count");
	jsonw_int(w, (long long)im->nbad);
	jsonw_key(w, "rejected");
	jsonw_arr_open(w);
	for (i = 0; i < im->nrej; i++) {
		jsonw_obj_open(w);
		jsonw_key(w, "line");
		jsonw_int(w, (long long)im->rej[i].line);
		jsonw_key(w, "fields");
		jsonw_obj_open(w);
		for (j = 0; j < im->rej[i].v.nerr; j++) {
			jsonw_key(w, im->rej[i].v.errs[j].field);
			jsonw_str(w, im->rej[i].v.errs[j].message);
		}
		jsonw_obj_close(w);
		jsonw_obj_close(w);
	}
	jsonw_arr_close(w);
	jsonw_obj_close(w);
}

/* What an import did: rows created, changed, left as they were. */
struct tally {
	size_t	 created, updated, unchanged;
};

/*
 * Write row i and audit it as crud audits a single edit: the row's JSON
 * before (NULL when new) and after. A row the upsert left as it was (its
 * version does not move then) is not recorded.
 */
static enum store_rc
store_row(struct import *im, const char **vals, struct tally *t)
{
	struct actx	*c = im->c;
	const char	*key = vals[0], *before = NULL, *after;
	enum store_rc	 rc;

	/* Locked: a parallel import waits here (or deadlocks and is run
	 * again), so it sees this row and neither counts nor audits it as
	 * created a second time. */
	rc = store_q_text(c->a->store, im->b->lock, &key, 1, c->req->arena,
	    &before);
	if (rc == STORE_NOTFOUND)
		before = NULL;
	else if (rc != STORE_OK)
		return rc;
	if ((rc = store_q_exec(c->a->store, im->b->upsert, vals,
	    (unsigned)im->nf)) != STORE_OK)
		return rc;
	if ((rc = store_q_text(c->a->store, im->b->get, &key, 1,
	    c->req->arena, &after)) != STORE_OK)
		return rc == STORE_NOTFOUND ? STORE_ERR : rc;
	if (before != NULL && strcmp(before, after) == 0) {
		t->unchanged++;
		return STORE_OK;
	}
	if (before == NULL)
		t->created++;
	else
		t->updated++;
	return admin_audit(c, "import", im->audit, key, before, after) == 0 ?
	    STORE_OK : STORE_ERR;
}

/* A validated row and where it came from, to write rows in key order. */
struct keyed {
	const char	**vals;		/* vals[0] is the key */
	size_t		 line;
	size_t		 i;		/* place in the file */
};

static int
keyed_cmp(const void *a, const void *b)
{
	const struct keyed	*x = a, *y = b;
	int			 d = strcmp(x->vals[0], y->vals[0]);

	if (d != 0)
		return d;
	/* the same key twice: the later row still wins */
	return x->i < y->i ? -1 : x->i > y->i;
}

/* One try at the transaction: the rc of the row that failed (*at). */
static enum store_rc
store_try(struct import *im, const struct keyed *rows, size_t nrow,
    struct tally *t, size_t *at)
{
	struct store	*s = im->c->a->store;
	enum store_rc	 rc;
	size_t		 i;

	memset(t, 0, sizeof(*t));
	*at = nrow;
	/* REPEATABLE READ: a locking read of a missing key locks its gap */
	if ((rc = store_begin_rr(s)) != STORE_OK)
		return rc;
	for (i = 0; i < nrow; i++)
		if ((rc = store_row(im, rows[i].vals, t)) != STORE_OK) {
			*at = i;
			return rc;
		}
	return store_commit(s);
}

/*
 * Write every row in one transaction, in key order: two imports with
 * keys in common lock them in the same order. A deadlock (with a single
 * edit, or two imports creating the same new keys: both lock the gap,
 * then both insert) is run once more, then answered 409. -1 having
 * answered.
 */
static int
store_rows(struct import *im, const struct csv *csv, const char **all,
    size_t nrow, struct tally *t)
{
	struct actx	*c = im->c;
	struct keyed	*rows;
	const char	*field, *msg;
	struct valid	 v;
	enum store_rc	 rc;
	size_t		 i, at;
	int		 attempt, deadlock = 0;

	rows = arena_alloc(c->req->arena, (nrow + 1) * sizeof(*rows));
	for (i = 0; i < nrow; i++) {
		rows[i].vals = all + i * im->nf;
		/* Data row i is csv row i + 1 (after the header). */
		rows[i].line = csv->rows[i + 1].line;
		rows[i].i = i;
	}
	if (nrow > 1)
		qsort(rows, nrow, sizeof(*rows), keyed_cmp);
	for (attempt = 0; attempt < 2; attempt++) {
		if ((rc = store_try(im, rows, nrow, t, &at)) == STORE_OK)
			return 0;
		deadlock = store_lock_clash(c->a->store);
		store_rollback(c->a->store);
		if (!deadlock)
			break;
		log_warn("import %s: lock clash, %s", im->b->coll,
		    attempt == 0 ? "run again" : "given up");
	}
	if (deadlock) {
		admin_fail(c, AE_IMPORT_DEADLOCK);
		return -1;
	}
	if (rc == STORE_ERR || at == nrow || admin_crud_refusal(im->b->coll,
	    rc, store_error(c->a->store), &field, &msg) == -1) {
		admin_fail_store(c);
		return -1;
	}
	valid_init(&v, c->req->arena);
	valid_fail(&v, field, "%s", msg);
	reject(im, rows[at].line, &v);
	answer_rejects(im, nrow);
	return -1;
}

/*
 * The charset a text/csv upload names; -1 having answered 415 for
 * another type or a charset we do not read.
 */
static int
csv_charset(struct actx *c, enum textenc *cs)
{
	const char	*ct;

	ct = c->req->src->param(c->req->src->ctx, "CONTENT_TYPE");
	if (textenc_media(ct, "text/csv", cs) == -1 || *cs == TE_OTHER) {
		admin_fail(c, AE_CSV_MEDIA_TYPE);
		return -1;
	}
	return 0;
}

void
admin_import(struct actx *c)
{
	const struct bulk	*b = bulk_of(c->id);
	const char		*why, **all, *text;
	struct import		 im;
	struct csv		 csv;
	struct valid		 v;
	struct tally		 t = { 0, 0, 0 };
	enum textenc		 cs, found;
	size_t			 line, i, nrow, len;
	struct jsonw		*w;

	memset(&im, 0, sizeof(im));
	im.c = c;
	im.b = b;
	if (b == NULL || (im.f = admin_crud_fields(b->coll, &im.nf,
	    &im.audit)) == NULL) {
		admin_fail(c, AE_NO_OBJECT);
		return;
	}
	if (csv_charset(c, &cs) == -1)
		return;
	/* A client that says UTF-8 and sends other bytes is told so; a
	 * file whose bytes we cannot read gets the spreadsheet advice. */
	if (textenc_decode(c->req->arena, c->req->body, c->req->body_len, cs,
	    &text, &len, &found) == -1) {
		admin_fail(c, cs == TE_UTF8 ? AE_BAD_UTF8 : AE_BAD_ENCODING);
		return;
	}
	valid_init(&v, c->req->arena);
	if (csv_parse(c->req->arena, text, len, &csv, &line, &why) == -1)
		valid_fail(&v, "csv", "第 %zu 行:%s", line, why);
	else if (csv_tidy(&csv), csv.n == 0)
		valid_fail(&v, "csv", "文件是空的(第一行应为表头)");
	else
		(void)header(&im, &csv.rows[0], &v);
	if (v.nerr > 0) {
		admin_fail_fields(c, &v);
		return;
	}
	nrow = csv.n - 1;
	im.rej = arena_alloc(c->req->arena, MAX_REPORTED * sizeof(*im.rej));
	all = arena_alloc(c->req->arena, (nrow + 1) * im.nf * sizeof(*all));
	for (i = 0; i < nrow; i++)
		(void)row(&im, &csv.rows[i + 1], all + i * im.nf);
	if (im.nbad > 0) {
		answer_rejects(&im, nrow);
		return;
	}
	if (store_rows(&im, &csv, all, nrow, &t) == -1)
		return;
	w = resp_json_ok(c->resp);
	jsonw_key(w, "imported");
	jsonw_int(w, (long long)nrow);
	jsonw_key(w, "created");
	jsonw_int(w, (long long)t.created);
	jsonw_key(w, "updated");
	jsonw_int(w, (long long)t.updated);
	jsonw_key(w, "unchanged");
	jsonw_int(w, (long long)t.unchanged);
	jsonw_key(w, "encoding");
	jsonw_str(w, found == TE_UTF8 ? "utf-8" : "gb18030");
	jsonw_obj_close(w);
}

/* ---- export --------------------------------------------------------- */

struct export {
	struct buf	*b;
};

static int
row_csv(void *arg, char **col, unsigned n)
{
	struct export	*e = arg;
	unsigned	 i;

	for (i = 0; i < n; i++)
		csv_cell(e->b, col[i], i == 0);
	buf_puts(e->b, "\r\n");
	return 0;
}

void
admin_export(struct actx *c)
{
	const struct bulk		*b = bulk_of(c->id);
	const struct valid_field	*f;
	const char			*audit;
	struct export			 e = { &c->resp->body };
	char				 disp[96];
	size_t				 i, n;

	if (b == NULL || (f = admin_crud_fields(b->coll, &n, &audit)) ==
	    NULL) {
		admin_fail(c, AE_NO_OBJECT);
		return;
	}
	buf_clear(e.b);
	buf_puts(e.b, "\xEF\xBB\xBF");	/* so Excel reads UTF-8 */
	for (i = 0; i < n; i++)
		csv_cell(e.b, f[i].name, i == 0);
	buf_puts(e.b, "\r\n");
	if (store_q_rows(c->a->store, b->export, NULL, 0, row_csv, &e) !=
	    STORE_OK) {
		admin_fail_store(c);
		return;
	}
	c->resp->ctype = "text/csv; charset=utf-8";
	snprintf(disp, sizeof(disp), "attachment; filename=\"%s.csv\"",
	    b->coll);
	resp_header(c->resp, "Content-Disposition", disp);
}

/*
 * What to fill in: a header row in the page's Chinese names, UTF-8 with
 * a BOM so Excel shows the Chinese. No example row: one left in by
 * mistake would be imported as a real customer or order (a row replaces
 * the record with its key); the page's hint explains each column.
 */
void
admin_template(struct actx *c)
{
	const struct bulk		*b = bulk_of(c->id);
	const struct valid_field	*f;
	const char			*audit;
	struct buf			*out = &c->resp->body;
	char				 disp[128];
	size_t				 i, n;

	if (b == NULL || (f = admin_crud_fields(b->coll, &n, &audit)) ==
	    NULL) {
		admin_fail(c, AE_NO_OBJECT);
		return;
	}
	buf_clear(out);
	buf_puts(out, "\xEF\xBB\xBF");
	for (i = 0; i < n; i++)
		csv_cell(out, label(b, f[i].name), i == 0);
	buf_puts(out, "\r\n");
	c->resp->ctype = "text/csv; charset=utf-8";
	snprintf(disp, sizeof(disp), "attachment; filename=\"%s-template.csv\"",
	    b->coll);
	resp_header(c->resp, "Content-Disposition", disp);
}
