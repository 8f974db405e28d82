/*
 * The admin page's CSV import (admin_csv.c) end to end, without a
 * database: admin_import() on a request whose body is the input (an
 * exact-size copy), for customers or orders, with a store whose socket
 * does not exist. Every check (type and charset, encoding, CSV, padding,
 * header names, each row through valid.c) runs; a file that passes them
 * all reaches the store and gets its 503.
 *
 * The first byte picks the collection (bit 2) and the Content-Type (bits
 * 0, 1 and 3); the rest is the CSV.
 *
 * Invariants: the answer is one strict JSON object in valid UTF-8 with the
 * status of its code; a rejection report lists at most 100 rows, at most
 * as many as it counts, at most as many as there are, each row with at
 * least one field message; a 415 names what import takes.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "admin_int.h"
#include "arena.h"
#include "cfg.h"
#include "check.h"
#include "jsonin.h"
#include "log.h"
#include "req.h"
#include "resp.h"
#include "store.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const ctypes[] = {
	"text/csv", "text/csv; charset=utf-8", "Text/CSV;charset=\"UTF-8\"",
	"text/plain", "text/csv; charset=gbk", "text/csv; charset=GB18030",
	"text/csv; charset=latin1", "text/csv;header=present",
};

static struct cfg	 cfg;
static struct store	*store;

static const char *
ctype_param(void *ctx, const char *name)
{
	return strcmp(name, "CONTENT_TYPE") == 0 ? ctx : NULL;
}

static long
no_read(void *ctx, char *buf, size_t n)
{
	(void)ctx;
	(void)buf;
	(void)n;
	return 0;
}

static void
setup(void)
{
	char	 err[256];

	log_init("fuzz_csv_import", LOG_LVL_ERROR);
	if (cfg_load(&cfg, NULL, err, sizeof(err)) == -1)
		abort();
	free(cfg.db.socket);
	cfg.db.socket = strdup("/nonexistent/kfroute-fuzz.sock");
	store = store_new(&cfg, STORE_ADMIN);
}

static void
check_answer(const struct resp *resp, size_t size)
{
	struct json_object	*o, *rej, *v;
	size_t			 i, n, rows, count;

	CHECK(fuzz_json_object(resp->body.data, resp->body.len));
	CHECK(jsonin_object(resp->body.data, resp->body.len, 8, &o) ==
	    JSONIN_OK);
	CHECK(resp->status == 400 || resp->status == 415 ||
	    resp->status == 503);
	CHECK(json_object_object_get_ex(o, "success", &v) &&
	    !json_object_get_boolean(v));
	/* a 415 says what import takes, not what JSON requests take */
	if (resp->status == 415)
		CHECK(json_object_object_get_ex(o, "message", &v) &&
		    strcmp(json_object_get_string(v),
		    "只接受 text/csv(UTF-8 或 GBK 编码)") == 0);
	if (json_object_object_get_ex(o, "rejected", &rej)) {
		CHECK(json_object_is_type(rej, json_type_array));
		n = json_object_array_length(rej);
		rows = (size_t)jsonin_int(o, "rows", -1);
		count = (size_t)jsonin_int(o, "rejected_count", -1);
		CHECK(n <= 100 && n <= count && count <= rows && rows <= size);
		for (i = 0; i < n; i++) {
			struct json_object *r = json_object_array_get_idx(rej, i);

			CHECK(json_object_object_get_ex(r, "fields", &v) &&
			    json_object_object_length(v) >= 1);
		}
	}
	json_object_put(o);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct admin		 adm;
	struct arena		*a;
	struct req_source	 src;
	struct req		 req;
	struct resp		 resp;
	struct actx		 c;
	char			*body;

	if (size == 0)
		return 0;
	if (store == NULL)
		setup();
	a = arena_new(4096);
	body = fuzz_dup(data + 1, size - 1);
	src = (struct req_source){ ctype_param, no_read,
	    (void *)ctypes[data[0] % 4 + (data[0] & 8 ? 4 : 0)] };
	memset(&req, 0, sizeof(req));
	req.arena = a;
	req.src = &src;
	req.method = REQ_POST;
	req.path = "/admin/api/import";
	req.query = "";
	req.body = body;
	req.body_len = size - 1;
	memset(&resp, 0, sizeof(resp));
	resp_reset(&resp);
	adm = (struct admin){ .cfg = &cfg, .store = store };
	memset(&c, 0, sizeof(c));
	c.a = &adm;
	c.req = &req;
	c.resp = &resp;
	c.coll = "import";
	c.id = data[0] & 4 ? "orders" : "customers";
	c.user = "fuzz";
	c.role = ROLE_ADMIN;

	admin_import(&c);
	check_answer(&resp, size);

	resp_free(&resp);
	free(body);
	arena_free(a);
	return 0;
}
