/*
 * Configuration loading (cfg.c): cfg_load() on files written from the
 * input, with environment variables from it too. The input is cut at NUL
 * bytes into the main file, a second file ("inc.conf", for include =),
 * environment lines ("KFROUTE_X_Y=value"), and a third file ("secret",
 * any bytes, for <key>_file =). All three files live in a private
 * directory; inputs whose include or _file values are more than a plain
 * name there are skipped, so a run never reads a file it did not write.
 *
 * Invariants: a failed load says why (file:line or the variable) and
 * leaves no string behind; a load that succeeds has every setting within
 * its bounds (numbers, hosts, base path, time zone, the notices); loading
 * the same input again gives the same answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "check.h"
#include "tz.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char	 dir[64];
static char	 main_path[96], inc_path[96], secret_path[96];

static void
cleanup(void)
{
	unlink(main_path);
	unlink(inc_path);
	unlink(secret_path);
	rmdir(dir);
}

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/kfroute-fuzz-cfg-XXXXXX");
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(main_path, sizeof(main_path), "%s/main.conf", dir);
	snprintf(inc_path, sizeof(inc_path), "%s/inc.conf", dir);
	snprintf(secret_path, sizeof(secret_path), "%s/secret", dir);
	atexit(cleanup);
}

static void
write_file(const char *path, const char *s, size_t n)
{
	FILE	*f = fopen(path, "w");

	CHECK(f != NULL);
	CHECK(fwrite(s, 1, n, f) == n);
	CHECK(fclose(f) == 0);
}

/* A file name in our directory: no '/', nothing but [A-Za-z0-9._-]. */
static int
plain_name(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || strchr("._-", s[i]) != NULL))
			return 0;
	return 1;
}

/*
 * 1 when every "include =" and "<key>_file =" line of s[0..n) names a
 * plain file, as cfg.c will read the lines (each up to its first NUL).
 */
static int
sandboxed(const char *s, size_t n)
{
	const char	*line = s, *end = s + n, *nl, *eq, *k, *ke, *v, *ve;

	for (; line < end; line = nl + 1) {
		if ((nl = memchr(line, '\n', (size_t)(end - line))) == NULL)
			nl = end;
		ve = memchr(line, '\0', (size_t)(nl - line));
		if (ve == NULL)
			ve = nl;
		if ((eq = memchr(line, '=', (size_t)(ve - line))) == NULL)
			continue;
		for (k = line; k < eq && (*k == ' ' || *k == '\t'); k++)
			;
		for (ke = eq; ke > k && strchr(" \t\r\n", ke[-1]) != NULL; ke--)
			;
		/* [wecom] ca_file is a path cfg.c keeps, never opens. */
		if (!((ke - k == 7 && memcmp(k, "include", 7) == 0) ||
		    (ke - k >= 5 && memcmp(ke - 5, "_file", 5) == 0 &&
		    !(ke - k == 7 && memcmp(k, "ca_file", 7) == 0))))
			continue;
		for (v = eq + 1; v < ve && (*v == ' ' || *v == '\t'); v++)
			;
		while (ve > v && strchr(" \t\r\n", ve[-1]) != NULL)
			ve--;
		if (!plain_name(v, (size_t)(ve - v)))
			return 0;
	}
	return 1;
}

/* Set KFROUTE_* variables from "NAME=value" lines; names into set[]. */
static size_t
set_env(char *lines, char **set, size_t max)
{
	char	*line, *save = NULL, *eq, path[192];
	size_t	 n = 0;

	for (line = strtok_r(lines, "\n", &save); line != NULL && n < max;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "KFROUTE_", 8) != 0 ||
		    (eq = strchr(line, '=')) == NULL)
			continue;
		*eq = '\0';
		if (eq - line >= 5 && strcmp(eq - 5, "_FILE") == 0) {
			if (!plain_name(eq + 1, strlen(eq + 1)))
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, eq + 1);
			setenv(line, path, 1);
		} else
			setenv(line, eq + 1, 1);
		set[n++] = line;
	}
	return n;
}

static void
check_loaded(const struct cfg *c)
{
	size_t	 i, j;

	CHECK(c->db.port >= 1 && c->db.port <= 65535);
	CHECK(c->db.connect_timeout >= 1 && c->db.connect_timeout <= 60);
	CHECK(c->db.rw_timeout >= 1 && c->db.rw_timeout <= 300);
	CHECK(c->staleness_ms >= 0 && c->staleness_ms <= 60000);
	CHECK((unsigned)c->log_level < LOG_LVL__MAX);
	CHECK(c->max_body >= 64 && c->max_body <= 1048576);
	CHECK(c->ticket.max_age >= 60 && c->ticket.max_age <= 604800);
	CHECK(c->admin.insecure_http == 0 || c->admin.insecure_http == 1);
	CHECK(c->wecom.lease_s >= 2 && c->wecom.lease_s <= 3600);
	CHECK(c->routing.sticky_days >= 0 && c->routing.sticky_days <= 3650);
	CHECK(c->db.host != NULL && c->db.name != NULL && c->db.user != NULL);
	CHECK(c->routing.timezone != NULL && tz_known(c->routing.timezone));
	for (i = 0; i < CFG_MAX_HOSTS && c->redirect_hosts[i] != NULL; i++) {
		CHECK(c->redirect_hosts[i][0] != '\0');
		for (j = 0; c->redirect_hosts[i][j] != '\0'; j++)
			CHECK(strchr(" ,\t/:@", c->redirect_hosts[i][j]) ==
			    NULL);
	}
	CHECK(i < CFG_MAX_HOSTS);
	if (c->base_path != NULL) {
		size_t n = strlen(c->base_path);

		CHECK(n >= 2 && c->base_path[0] == '/' &&
		    c->base_path[n - 1] != '/');
		CHECK(strstr(c->base_path, "//") == NULL);
	}
	for (i = 0; i < NOTICE__MAX; i++)
		CHECK(c->notice[i] != NULL && c->notice[i][0] != '\0');
	CHECK(c->welcome != NULL && c->reassigned != NULL);
	/* Set secrets are never empty: "" means not set. */
	CHECK(c->db.password == NULL || c->db.password[0] != '\0');
	CHECK(c->ticket.secret == NULL || c->ticket.secret[0] != '\0');
	CHECK(c->customer_secret == NULL || c->customer_secret[0] != '\0');
}

/* cfg_free() leaves nothing: every pointer is NULL again. */
static void
check_freed(const struct cfg *c)
{
	size_t	 i;

	CHECK(c->db.host == NULL && c->db.password == NULL);
	CHECK(c->routing.timezone == NULL && c->base_path == NULL);
	CHECK(c->redirect_hosts[0] == NULL);
	for (i = 0; i < NOTICE__MAX; i++)
		CHECK(c->notice[i] == NULL);
	for (i = 0; i < CFG_MAX_KEYS; i++)
		CHECK(c->secret_file[i] == NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct split	 sp;
	struct cfg	 c;
	char		 err[512], err2[512], *set[16];
	size_t		 nset = 0, i;
	int		 rc, rc2;

	if (dir[0] == '\0')
		setup();
	fuzz_split(data, size, 4, &sp);
	if (!sandboxed(sp.s[0], sp.n > 1 ? strlen(sp.s[0]) : sp.last_len) ||
	    (sp.n > 1 && !sandboxed(sp.s[1], sp.n > 2 ? strlen(sp.s[1]) :
	    sp.last_len)) ||
	    (sp.n > 3 && !sandboxed(sp.s[3], sp.last_len)))
		goto done;
	write_file(main_path, sp.s[0], sp.n > 1 ? strlen(sp.s[0]) :
	    sp.last_len);
	write_file(inc_path, sp.n > 1 ? sp.s[1] : "", sp.n > 2 ?
	    strlen(sp.s[1]) : sp.n > 1 ? sp.last_len : 0);
	write_file(secret_path, sp.n > 3 ? sp.s[3] : "", sp.n > 3 ?
	    sp.last_len : 0);
	if (sp.n > 2)
		nset = set_env(sp.s[2], set, sizeof(set) / sizeof(set[0]));

	err[0] = '\0';
	rc = cfg_load(&c, main_path, err, sizeof(err));
	if (rc == 0) {
		check_loaded(&c);
		cfg_free(&c);
	} else {
		CHECK(rc == -1 && err[0] != '\0' && strlen(err) < sizeof(err));
	}
	check_freed(&c);
	err2[0] = '\0';
	rc2 = cfg_load(&c, main_path, err2, sizeof(err2));
	CHECK(rc2 == rc && strcmp(err, err2) == 0);
	if (rc2 == 0)
		cfg_free(&c);

	for (i = 0; i < nset; i++)
		unsetenv(set[i]);
done:
	fuzz_split_free(&sp);
	return 0;
}
