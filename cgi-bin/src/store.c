#include <stdlib.h>
#include <string.h>

#include <errmsg.h>
#include <mysql.h>

#include "cfg.h"
#include "log.h"
#include "snap.h"
#include "store.h"
#include "util.h"

enum stmt {
	STMT_VERSION,
	STMT_AGENTS_ALL,
	STMT_ENTRIES_ALL,
	STMT_GROUPS_ALL,
	STMT_MEMBERS_ALL,
	STMT_ENTRY_ONE,
	STMT_AGENT_OF_ENTRY,
	STMT_ENTRIES_ENABLED,
	STMT__MAX
};

/* Column lists shared by statements that feed the same row reader. */
#define AGENT_COLS \
	"a.id, a.display_name, a.wecom_userid, a.status, a.capacity, " \
	"a.active_sessions, a.enabled"
#define ENTRY_COLS \
	"e.id, e.label, e.scene, e.sort_order, e.enabled, e.target_type, " \
	"e.target, (SELECT ea.agent_id FROM kf_entry_agent ea " \
	"WHERE ea.entry_id = e.id ORDER BY ea.position LIMIT 1)"

/* The public program's SQL, all of it. Read-only, so safe to retry. */
static const char *const stmt_sql[STMT__MAX] = {
	[STMT_VERSION] = "SELECT config_version FROM kf_meta WHERE id = 1",
	[STMT_AGENTS_ALL] = "SELECT " AGENT_COLS " FROM kf_agent a",
	[STMT_ENTRIES_ALL] = "SELECT " ENTRY_COLS " FROM kf_entry e",
	[STMT_GROUPS_ALL] = "SELECT id, name FROM kf_group",
	[STMT_MEMBERS_ALL] =
	    "SELECT group_id, agent_id, position FROM kf_group_member",
	[STMT_ENTRY_ONE] = "SELECT " ENTRY_COLS " FROM kf_entry e "
	    "WHERE e.id = ?",
	[STMT_AGENT_OF_ENTRY] = "SELECT " AGENT_COLS " FROM kf_agent a "
	    "JOIN kf_entry_agent ea ON ea.agent_id = a.id "
	    "WHERE ea.entry_id = ? ORDER BY ea.position LIMIT 1",
	[STMT_ENTRIES_ENABLED] = "SELECT " ENTRY_COLS " FROM kf_entry e "
	    "WHERE e.enabled = 1",
};

struct store {
	const struct cfg	*cfg;
	MYSQL			*db;	/* NULL while disconnected */
	MYSQL_STMT		*stmts[STMT__MAX];	/* prepared lazily */
	unsigned		 reconnects;	/* lost connections seen */
};

/* A row as text columns; NULL for SQL NULL. Return -1 to stop. */
typedef int	(*row_fn)(void *arg, char **col, unsigned ncol);

struct store *
store_new(const struct cfg *cfg)
{
	struct store	*s = xcalloc(1, sizeof(*s));

	s->cfg = cfg;
	return s;
}

static void
disconnect(struct store *s)
{
	int	 i;

	for (i = 0; i < STMT__MAX; i++)
		if (s->stmts[i] != NULL) {
			mysql_stmt_close(s->stmts[i]);
			s->stmts[i] = NULL;
		}
	if (s->db != NULL) {
		mysql_close(s->db);
		s->db = NULL;
	}
}

void
store_free(struct store *s)
{
	if (s == NULL)
		return;
	disconnect(s);
	free(s);
}

static int
connect_db(struct store *s)
{
	const struct cfg	*c = s->cfg;
	unsigned		 cto = (unsigned)c->db.connect_timeout;
	unsigned		 rwto = (unsigned)c->db.rw_timeout;

	if (s->db != NULL)
		return 0;
	if ((s->db = mysql_init(NULL)) == NULL)
		return -1;
	/* utf8mb4 before connecting; timeouts, since defaults wait forever. */
	mysql_options(s->db, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(s->db, MYSQL_OPT_CONNECT_TIMEOUT, &cto);
	mysql_options(s->db, MYSQL_OPT_READ_TIMEOUT, &rwto);
	mysql_options(s->db, MYSQL_OPT_WRITE_TIMEOUT, &rwto);
	if (mysql_real_connect(s->db, c->db.socket ? "localhost" : c->db.host,
	    c->db.user, c->db.password, c->db.name,
	    (unsigned)c->db.port, c->db.socket, 0) == NULL) {
		log_warn("database connect failed: %s", mysql_error(s->db));
		mysql_close(s->db);
		s->db = NULL;
		return -1;
	}
	return 0;
}

static MYSQL_STMT *
prepare(struct store *s, enum stmt id)
{
	MYSQL_STMT	*st;
	my_bool		 update_max = 1;

	if (s->stmts[id] != NULL)
		return s->stmts[id];
	if ((st = mysql_stmt_init(s->db)) == NULL)
		return NULL;
	if (mysql_stmt_prepare(st, stmt_sql[id], strlen(stmt_sql[id])) != 0) {
		log_error("prepare statement %d: %s", (int)id,
		    mysql_stmt_error(st));
		mysql_stmt_close(st);
		return NULL;
	}
	/* Lets store_result() report each column's longest value. */
	mysql_stmt_attr_set(st, STMT_ATTR_UPDATE_MAX_LENGTH, &update_max);
	s->stmts[id] = st;
	return st;
}

/* Lost-connection errors: reconnect and prepare again, then retry once. */
static int
conn_lost(unsigned err)
{
	return err == CR_SERVER_GONE_ERROR || err == CR_SERVER_LOST ||
	    err == CR_CONNECTION_ERROR || err == CR_CONN_HOST_ERROR ||
	    err == 1927 /* ER_CONNECTION_KILLED */ ||
	    err == 4031 /* ER_CLIENT_INTERACTION_TIMEOUT */;
}

#define FETCH_NOROWS	(-2)	/* failed before any row reached fn */

/*
 * Fetch every row of an executed statement as text: 0 on success, -1 on
 * failure after rows were delivered, FETCH_NOROWS before.
 */
static int
fetch_rows(MYSQL_STMT *st, row_fn fn, void *arg)
{
	MYSQL_RES	*meta;
	MYSQL_FIELD	*fields;
	MYSQL_BIND	*bind = NULL;
	unsigned long	*len = NULL;
	my_bool		*isnull = NULL;
	char		**col = NULL, **out = NULL;
	unsigned	 n, i;
	size_t		 size;
	int		 rc = -1, frc;

	if (mysql_stmt_store_result(st) != 0)
		return FETCH_NOROWS;
	if ((meta = mysql_stmt_result_metadata(st)) == NULL) {
		mysql_stmt_free_result(st);
		return FETCH_NOROWS;
	}
	n = mysql_num_fields(meta);
	fields = mysql_fetch_fields(meta);
	bind = xcalloc(n, sizeof(*bind));
	len = xcalloc(n, sizeof(*len));
	isnull = xcalloc(n, sizeof(*isnull));
	col = xcalloc(n, sizeof(*col));
	out = xcalloc(n, sizeof(*out));
	for (i = 0; i < n; i++) {
		/* Numbers arrive as text too; 32 bytes hold any of ours. */
		size = (fields[i].max_length > 32 ? fields[i].max_length : 32)
		    + 1;
		col[i] = xmalloc(size);
		bind[i].buffer_type = MYSQL_TYPE_STRING;
		bind[i].buffer = col[i];
		bind[i].buffer_length = size;
		bind[i].length = &len[i];
		bind[i].is_null = &isnull[i];
	}
	if (mysql_stmt_bind_result(st, bind) != 0)
		goto done;
	while ((frc = mysql_stmt_fetch(st)) == 0) {
		for (i = 0; i < n; i++) {
			col[i][len[i] < bind[i].buffer_length ? len[i] :
			    bind[i].buffer_length - 1] = '\0';
			out[i] = isnull[i] ? NULL : col[i];
		}
		if (fn(arg, out, n) == -1)
			goto done;
	}
	if (frc == MYSQL_DATA_TRUNCATED) {
		log_error("row truncated despite max_length sizing");
		goto done;
	}
	rc = frc == MYSQL_NO_DATA ? 0 : -1;
done:
	if (meta != NULL)
		mysql_free_result(meta);
	mysql_stmt_free_result(st);
	if (col != NULL)
		for (i = 0; i < n; i++)
			free(col[i]);
	free(col);
	free(out);
	free(bind);
	free(len);
	free(isnull);
	return rc;
}

/*
 * Run statement id with text parameters and feed each row to fn. One
 * retry after a lost connection, and only before any row was delivered:
 * every statement here is a read, so the retry is safe.
 */
static enum store_rc
run(struct store *s, enum stmt id, const char *const *params,
    unsigned nparams, row_fn fn, void *arg)
{
	MYSQL_BIND	 pb[4];
	unsigned long	 plen[4];
	MYSQL_STMT	*st;
	unsigned	 i;
	int		 attempt, frc;

	for (attempt = 0; attempt < 2; attempt++) {
		if (connect_db(s) == -1)
			return STORE_ERR;
		if ((st = prepare(s, id)) == NULL) {
			if (!conn_lost(mysql_errno(s->db)))
				return STORE_ERR;
			disconnect(s);
			continue;
		}
		memset(pb, 0, sizeof(pb));
		for (i = 0; i < nparams && i < 4; i++) {
			plen[i] = strlen(params[i]);
			pb[i].buffer_type = MYSQL_TYPE_STRING;
			pb[i].buffer = (void *)(uintptr_t)params[i];
			pb[i].buffer_length = plen[i];
			pb[i].length = &plen[i];
		}
		frc = FETCH_NOROWS;
		if ((nparams == 0 || mysql_stmt_bind_param(st, pb) == 0) &&
		    mysql_stmt_execute(st) == 0 &&
		    (frc = fetch_rows(st, fn, arg)) == 0)
			return STORE_OK;
		log_warn("statement %d: %s", (int)id, mysql_stmt_error(st));
		if (frc != FETCH_NOROWS || !conn_lost(mysql_stmt_errno(st)))
			return STORE_ERR;
		disconnect(s);
		s->reconnects++;
	}
	return STORE_ERR;
}

/* Whole-snapshot loads run in one consistent read view. */
static int
txn(struct store *s, const char *sql)
{
	if (connect_db(s) == -1)
		return -1;
	if (mysql_real_query(s->db, sql, strlen(sql)) != 0) {
		log_warn("%s: %s", sql, mysql_error(s->db));
		disconnect(s);
		return -1;
	}
	return 0;
}

/* ---- row readers ---------------------------------------------------- */

/* An INT column as text; dflt for NULL (or, never expected, junk). */
static int
atoi_or(const char *s, int dflt)
{
	long long	 v;
	int		 neg = s != NULL && *s == '-';

	if (s == NULL || util_parse_llong(s + neg, 0, 0x7fffffff, &v) == -1)
		return dflt;
	return neg ? -(int)v : (int)v;
}

static int
row_version(void *arg, char **col, unsigned n)
{
	long long	*v = arg;

	if (n < 1 || col[0] == NULL ||
	    util_parse_llong(col[0], 0, 0x7fffffffffffffffLL, v) == -1)
		return -1;
	return 0;
}

static int
row_agent(void *arg, char **col, unsigned n)
{
	struct snap_agent	 a;

	if (n < 7 || col[0] == NULL)
		return -1;
	memset(&a, 0, sizeof(a));
	a.id = col[0];
	a.name = col[1];
	a.wecom_userid = col[2];
	if (col[3] == NULL || snap_status_parse(col[3], &a.status) == -1)
		a.status = AGENT_OFFLINE;
	a.capacity = atoi_or(col[4], 0);
	a.active = atoi_or(col[5], 0);
	a.enabled = atoi_or(col[6], 0) != 0;
	snap_add_agent(arg, &a);
	return 0;
}

static int
row_entry(void *arg, char **col, unsigned n)
{
	struct snap_entry	 e;

	if (n < 8 || col[0] == NULL)
		return -1;
	memset(&e, 0, sizeof(e));
	e.id = col[0];
	e.label = col[1];
	e.scene = col[2];
	e.sort = atoi_or(col[3], 0);
	e.enabled = atoi_or(col[4], 0) != 0;
	if (col[5] == NULL || snap_target_parse(col[5], &e.ttype) == -1)
		e.ttype = TARGET_PAGE;
	e.target = col[6];
	e.agent_id = col[7];
	snap_add_entry(arg, &e);
	return 0;
}

static int
row_group(void *arg, char **col, unsigned n)
{
	if (n < 2 || col[0] == NULL)
		return -1;
	snap_add_group(arg, col[0], col[1]);
	return 0;
}

static int
row_member(void *arg, char **col, unsigned n)
{
	if (n < 3 || col[0] == NULL || col[1] == NULL)
		return -1;
	snap_add_member(arg, col[0], col[1], atoi_or(col[2], 0));
	return 0;
}

/* ---- public --------------------------------------------------------- */

enum store_rc
store_version(struct store *s, long long *version)
{
	*version = -1;
	if (run(s, STMT_VERSION, NULL, 0, row_version, version) != STORE_OK)
		return STORE_ERR;
	return *version >= 0 ? STORE_OK : STORE_ERR;
}

enum store_rc
store_load_all(struct store *s, struct snap *snap)
{
	enum store_rc	 rc = STORE_ERR;
	unsigned	 reconnects = s->reconnects;

	if (txn(s, "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")
	    == -1)
		return STORE_ERR;
	if (store_version(s, &snap->version) == STORE_OK &&
	    run(s, STMT_AGENTS_ALL, NULL, 0, row_agent, snap) == STORE_OK &&
	    run(s, STMT_ENTRIES_ALL, NULL, 0, row_entry, snap) == STORE_OK &&
	    run(s, STMT_GROUPS_ALL, NULL, 0, row_group, snap) == STORE_OK &&
	    run(s, STMT_MEMBERS_ALL, NULL, 0, row_member, snap) == STORE_OK)
		rc = STORE_OK;
	/*
	 * A reconnect inside run() left the read view: the rows may not
	 * match the version, so this load does not count.
	 */
	if (reconnects != s->reconnects)
		rc = STORE_ERR;
	if (s->db != NULL)
		txn(s, "COMMIT");
	if (rc == STORE_OK)
		snap_finish(snap);
	return rc;
}

enum store_rc
store_load_entry(struct store *s, const char *id, struct snap *snap)
{
	const char	*params[1] = { id };

	if (run(s, STMT_ENTRY_ONE, params, 1, row_entry, snap) != STORE_OK ||
	    run(s, STMT_AGENT_OF_ENTRY, params, 1, row_agent, snap) !=
	    STORE_OK)
		return STORE_ERR;
	snap_finish(snap);
	return STORE_OK;
}

enum store_rc
store_load_enabled_entries(struct store *s, struct snap *snap)
{
	if (run(s, STMT_ENTRIES_ENABLED, NULL, 0, row_entry, snap) != STORE_OK)
		return STORE_ERR;
	snap_finish(snap);
	return STORE_OK;
}
