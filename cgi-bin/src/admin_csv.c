/*
 * Customers and orders in bulk: CSV import (every row validated like a
 * single edit; one bad row and nothing is written, with a report of
 * every bad row) and export (what a spreadsheet opens, UTF-8 with BOM).
 *
 *   POST /admin/api/import/customers   Content-Type: text/csv
 *   GET  /admin/api/export/customers
 *
 * A row replaces the record with its key; columns left out take their
 * defaults. The header row names the columns, in any order.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "admin_int.h"
#include "arena.h"
#include "buf.h"
#include "csv.h"
#include "jsonw.h"
#include "req.h"
#include "resp.h"
#include "store.h"
#include "utf8.h"
#include "util.h"
#include "valid.h"

#define MAX_REPORTED	100	/* bad rows listed in one answer */

struct bulk {
	const char	*coll;
	enum store_q	 upsert, export;
};

static const struct bulk bulks[] = {
	{ "customers", Q_CUSTOMER_UPSERT, Q_CUSTOMER_EXPORT },
	{ "orders", Q_ORDER_UPSERT, Q_ORDER_EXPORT },
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

struct import {
	struct actx		*c;
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

/* The header row: known, distinct columns with every required field. */
static int
header(struct import *im, const struct csv_row *h, struct valid *v)
{
	size_t	 i, j;

	im->ncol = h->n;
	for (i = 0; i < h->n; i++) {
		im->col[i] = -1;
		for (j = 0; j < im->nf; j++)
			if (strcmp(h->f[i], im->f[j].name) == 0)
				im->col[i] = (int)j;
		for (j = 0; j < i && im->col[i] >= 0; j++)
			if (im->col[j] == im->col[i])
				im->col[i] = -1;
		if (im->col[i] < 0)
			valid_fail(v, "csv", "表头第 %zu 列“%s”不是可导入的列"
			    "或重复出现", i + 1, h->f[i]);
	}
	for (j = 0; j < im->nf; j++) {
		for (i = 0; i < h->n && im->col[i] != (int)j; i++)
			;
		if (i == h->n && (im->f[j].flags & VF_REQUIRED))
			valid_fail(v, "csv", "表头缺少必需的列 %s",
			    im->f[j].name);
	}
	return v->nerr == 0 ? 0 : -1;
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
	if (v.nerr == 0)
		valid_fields(&v, o, im->f, im->nf, vals);
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

/* Write every row in one transaction; -1 having answered. */
static int
store_rows(struct import *im, const struct bulk *b, const struct csv *csv,
    const char **all, size_t nrow)
{
	struct actx	*c = im->c;
	const char	*field, *msg;
	struct valid	 v;
	enum store_rc	 rc = STORE_OK;
	size_t		 i;
	char		 after[64];

	if (store_begin(c->a->store) != STORE_OK) {
		admin_fail_store(c);
		return -1;
	}
	for (i = 0; i < nrow && rc == STORE_OK; i++)
		rc = store_q_exec(c->a->store, b->upsert, all + i * im->nf,
		    (unsigned)im->nf);
	snprintf(after, sizeof(after), "{\"rows\": %zu}", nrow);
	if (rc == STORE_OK && admin_audit(c, "import", im->audit, "", NULL,
	    after) == -1)
		rc = STORE_ERR;
	if (rc == STORE_OK && (rc = store_commit(c->a->store)) == STORE_OK)
		return 0;
	store_rollback(c->a->store);
	if (rc == STORE_ERR || admin_crud_refusal(b->coll, rc,
	    store_error(c->a->store), &field, &msg) == -1) {
		admin_fail_store(c);
		return -1;
	}
	/* Row i - 1 (data row) failed: csv row i (after the header). */
	valid_init(&v, c->req->arena);
	valid_fail(&v, field, "%s", msg);
	reject(im, csv->rows[i].line, &v);
	answer_rejects(im, nrow);
	return -1;
}

/* text/csv, with no charset or UTF-8. */
static int
csv_type(const char *ct)
{
	char	 low[128];
	size_t	 i;

	if (ct == NULL || strlen(ct) >= sizeof(low))
		return 0;
	for (i = 0; ct[i] != '\0'; i++)
		low[i] = (char)(ct[i] >= 'A' && ct[i] <= 'Z' ? ct[i] + 32 :
		    ct[i]);
	low[i] = '\0';
	if (strncmp(low, "text/csv", 8) != 0 ||
	    (low[8] != '\0' && low[8] != ';'))
		return 0;
	return strchr(low, '=') == NULL || strstr(low, "charset=utf-8") !=
	    NULL || strstr(low, "charset=\"utf-8\"") != NULL;
}

void
admin_import(struct actx *c)
{
	const struct bulk	*b = bulk_of(c->id);
	const char		*ct, *why, **all;
	struct import		 im;
	struct csv		 csv;
	struct valid		 v;
	size_t			 line, i, nrow;
	struct jsonw		*w;

	memset(&im, 0, sizeof(im));
	im.c = c;
	if (b == NULL || (im.f = admin_crud_fields(b->coll, &im.nf,
	    &im.audit)) == NULL) {
		admin_fail(c, AE_NO_OBJECT);
		return;
	}
	ct = c->req->src->param(c->req->src->ctx, "CONTENT_TYPE");
	if (!csv_type(ct)) {
		admin_fail(c, AE_MEDIA_TYPE);
		return;
	}
	if (!utf8_valid(c->req->body, c->req->body_len)) {
		admin_fail(c, AE_BAD_UTF8);
		return;
	}
	valid_init(&v, c->req->arena);
	if (csv_parse(c->req->arena, c->req->body, c->req->body_len, &csv,
	    &line, &why) == -1)
		valid_fail(&v, "csv", "第 %zu 行:%s", line, why);
	else if (csv.n == 0)
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
	if (store_rows(&im, b, &csv, all, nrow) == -1)
		return;
	w = resp_json_ok(c->resp);
	jsonw_key(w, "imported");
	jsonw_int(w, (long long)nrow);
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
