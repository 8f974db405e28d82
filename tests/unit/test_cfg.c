/* Configuration: defaults, file, environment, errors with file:line. */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg.h"

static char	 path[64];

static const char *
write_conf(const char *text)
{
	FILE	*f;

	snprintf(path, sizeof(path), "/tmp/kfroute-test-%d.conf", (int)getpid());
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(path);
	unsetenv("KFROUTE_DATABASE_PORT");
	unsetenv("KFROUTE_CACHE_STALENESS_MS");
	unsetenv("KFROUTE_DATABASE_PASSWORD");
	return 0;
}

static void
test_defaults(void **state)
{
	struct cfg	 c;
	char		 err[256];

	(void)state;
	assert_int_equal(cfg_load(&c, NULL, err, sizeof(err)), 0);
	assert_null(c.db.socket);
	assert_string_equal(c.db.host, "localhost");
	assert_int_equal(c.db.port, 3306);
	assert_int_equal(c.staleness_ms, 1000);
	assert_int_equal(c.max_body, 16384);
	assert_int_equal(c.log_level, LOG_LVL_INFO);
	assert_null(c.redirect_hosts[0]);
	assert_string_equal(c.notice[NOTICE_CONNECTED], "已为您接入{agent}");
	assert_string_equal(c.routing.timezone, "Asia/Shanghai");
	assert_int_equal(c.routing.fallback_strategy, STRAT_LEAST_BUSY);
	assert_int_equal(c.routing.sticky_days, 30);
	assert_null(c.routing.fallback_group);
	assert_null(c.customer_secret);
	assert_int_equal(c.retention.wecom_msg_days, 30);
	assert_int_equal(c.retention.wecom_session_days, 90);
	assert_int_equal(c.retention.stats_minute_days, 30);
	assert_int_equal(c.retention.audit_days, 365);
	assert_int_equal(c.retention.throttle_days, 30);
	assert_int_equal(c.retention.batch, 10000);
	assert_int_equal(c.miniprogram.login_timeout_ms, 1500);
	assert_int_equal(c.miniprogram.token_ttl_s, 3600);
	for (int k = 0; k < NOTICE__MAX; k++)
		assert_non_null(c.notice[k]);
	cfg_free(&c);
}

static void
test_file_and_env(void **state)
{
	struct cfg	 c;
	char		 err[256];
	FILE		*f;
	char		 pwpath[80];

	(void)state;
	snprintf(pwpath, sizeof(pwpath), "%s.pw", write_conf(""));
	f = fopen(pwpath, "w");
	fputs("s3cret\n", f);
	fclose(f);
	char text[512];
	snprintf(text, sizeof(text),
	    "# comment\n; another\n\n[database]\n  socket = /run/x.sock  \n"
	    "port=3307\npassword_file = %s\n[cache]\nstaleness_ms = 250\n"
	    "[http]\nredirect_hosts = a.example.com, B.example.com\n"
	    "[notice]\nconnected = 您好,{agent}为您服务\n", pwpath);
	write_conf(text);
	setenv("KFROUTE_DATABASE_PORT", "3310", 1);
	assert_int_equal(cfg_load(&c, path, err, sizeof(err)), 0);
	assert_string_equal(c.db.socket, "/run/x.sock");
	assert_int_equal(c.db.port, 3310);	/* environment wins */
	assert_int_equal(c.staleness_ms, 250);
	assert_string_equal(c.db.password, "s3cret");
	assert_string_equal(c.notice[NOTICE_CONNECTED], "您好,{agent}为您服务");
	assert_true(cfg_redirect_allowed(&c, "A.EXAMPLE.COM", 13));
	assert_true(cfg_redirect_allowed(&c, "b.example.com", 13));
	assert_false(cfg_redirect_allowed(&c, "a.example.co", 12));
	assert_false(cfg_redirect_allowed(&c, "evil.example.com", 16));
	cfg_free(&c);
	/* A password given directly wins over the file. */
	setenv("KFROUTE_DATABASE_PASSWORD", "direct", 1);
	assert_int_equal(cfg_load(&c, path, err, sizeof(err)), 0);
	assert_string_equal(c.db.password, "direct");
	cfg_free(&c);
	unlink(pwpath);
}

static void
expect_error(const char *text, const char *want)
{
	struct cfg	 c;
	char		 err[256];

	write_conf(text);
	assert_int_equal(cfg_load(&c, path, err, sizeof(err)), -1);
	if (strstr(err, want) == NULL)
		fail_msg("error '%s' lacks '%s'", err, want);
	assert_memory_equal(err, path, strlen(path));
}

static void
test_errors(void **state)
{
	(void)state;
	expect_error("[database]\nport = 0\n",
	    ":2: not a whole number from 1 to 65535");
	expect_error("[database]\nport = 33o6\n", ":2: not a whole number");
	expect_error("[database]\nprot = 1\n", ":2: unknown key 'prot' in [database]");
	expect_error("\n\n[databse]\n", ":3: unknown section");
	expect_error("[database\n", ":1: malformed section header");
	expect_error("[log]\nlevel = verbose\n", ":2: log level must be");
	expect_error("[log]\nlevel\n", ":2: expected key = value");
	expect_error("level = info\n", ":1: key outside of a [section]");
	expect_error("[http]\nredirect_hosts = a.com/x\n", ":2: host names");
	expect_error("[http]\nredirect_hosts = a.com:443\n", ":2: host names");
	expect_error("[routing]\nfallback_strategy = fastest\n",
	    ":2: strategy must be");
	expect_error("[routing]\ntimezone = Mars/Olympus\n",
	    ":2: not an installed time zone");
	expect_error("[routing]\ntimezone = ../../etc/passwd\n",
	    ":2: not an installed time zone");
	expect_error("[http]\nbase_path = kf\n", ":2: a URL path must start");
	expect_error("[http]\nbase_path = /a/../b\n", ":2: a URL path may not");
	expect_error("[http]\nbase_path = /a//b\n", ":2: a URL path may not");
	expect_error("[http]\nbase_path = /a b\n", ":2: a URL path may hold");
	expect_error("[http]\nbase_path = /kf?x\n", ":2: a URL path may hold");
	expect_error("[http]\nbase_path = /%2e%2e\n", ":2: a URL path may hold");
	expect_error("include =\n", ":1: include needs a file name");
	/* A notice rendered as text may not be empty (it crashed). */
	expect_error("[notice]\nconnected =\n", ":2: needs a value");
	expect_error("[wecom]\napi_base = \n", ":2: needs a value");
	{
		struct cfg	 c;
		char		 err[256];

		/* A guessable signing key is refused at start. */
		write_conf("[ticket]\nsecret = short\n");
		assert_int_equal(cfg_load(&c, path, err, sizeof(err)), -1);
		assert_string_equal(err, "[ticket] secret: at least 16 "
		    "characters (make one with: openssl rand -hex 32)");
	}
	/* Days: 0 keeps for ever, else within the key's bounds. */
	expect_error("[retention]\naudit_days = 29\n", ":2: 0 (keep for ever) "
	    "or a whole number from 30 to 36500");
	expect_error("[retention]\n\nwecom_msg_days = 3\n",
	    ":3: 0 (keep for ever) or a whole number from 4 to 36500");
	expect_error("[retention]\nstats_minute_days = 36501\n",
	    ":2: 0 (keep for ever) or a whole number from 1 to 36500");
	expect_error("[retention]\nthrottle_days = -1\n", ":2: 0 (keep for");
	expect_error("[retention]\nbatch = 0\n",
	    ":2: not a whole number from 1 to 100000");
}

static void
test_retention_days(void **state)
{
	struct cfg	 c;
	char		 err[256];

	(void)state;
	write_conf("[retention]\naudit_days = 0\nwecom_msg_days = 4\n"
	    "stats_minute_days = 1\nbatch = 500\n");
	assert_int_equal(cfg_load(&c, path, err, sizeof(err)), 0);
	assert_int_equal(c.retention.audit_days, 0);
	assert_int_equal(c.retention.wecom_msg_days, 4);
	assert_int_equal(c.retention.stats_minute_days, 1);
	assert_int_equal(c.retention.batch, 500);
	assert_int_equal(c.retention.throttle_days, 30);	/* default */
	cfg_free(&c);
}

static void
test_password_file_error_names_that_file(void **state)
{
	struct cfg	 c;
	char		 err[256];

	(void)state;
	write_conf("[database]\npassword_file = /nonexistent/pw\n");
	assert_int_equal(cfg_load(&c, path, err, sizeof(err)), -1);
	assert_string_equal(err, "/nonexistent/pw: cannot open secret file "
	    "for [database] password: No such file or directory");
}

static void
write_file(const char *name, const char *text)
{
	FILE	*f = fopen(name, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/*
 * Each program's config includes the shared one and names only its own
 * secret files; a secret given directly wins over its file.
 */
static void
test_include_and_secret_files(void **state)
{
	struct cfg	 c;
	char		 err[512], dir[64], common[96], sec[96], text[512];

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/kfroute-inc-%d", (int)getpid());
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(common, sizeof(common), "%s/common.conf", dir);
	write_file(common, "[database]\nname = shared\nport = 3307\n"
	    "[cache]\nstaleness_ms = 300\n");
	snprintf(sec, sizeof(sec), "%s/ticket.secret", dir);
	write_file(sec, "t-secret-0123456789\r\n");
	/* Relative to the including file; its section goes on after. */
	snprintf(text, sizeof(text), "[database]\nport = 3308\n"
	    "include = %s/common.conf\nuser = own\n[ticket]\n"
	    "secret_file = %s\n[customer]\nsecret_file = /nonexistent/x\n"
	    "secret = direct-0123456789\n[http]\nbase_path = /~user/kf/\n", dir,
	    sec);
	write_conf(text);
	assert_int_equal(cfg_load(&c, path, err, sizeof(err)), 0);
	assert_string_equal(c.db.name, "shared");
	assert_int_equal(c.db.port, 3307);	/* the later line wins */
	assert_string_equal(c.db.user, "own");
	assert_int_equal(c.staleness_ms, 300);
	assert_string_equal(c.ticket.secret, "t-secret-0123456789");
	/* Given directly: its file (which does not exist) is not read. */
	assert_string_equal(c.customer_secret, "direct-0123456789");
	assert_string_equal(c.base_path, "/~user/kf");
	cfg_free(&c);

	/* An include by relative name, and the environment's _FILE. */
	snprintf(text, sizeof(text), "%s/program.conf", dir);
	write_file(text, "include = common.conf\n");
	setenv("KFROUTE_TICKET_SECRET_FILE", sec, 1);
	assert_int_equal(cfg_load(&c, text, err, sizeof(err)), 0);
	assert_string_equal(c.db.name, "shared");
	assert_string_equal(c.ticket.secret, "t-secret-0123456789");
	assert_null(c.base_path);
	cfg_free(&c);
	unsetenv("KFROUTE_TICKET_SECRET_FILE");

	/* A relative secret file starts from the config's directory. */
	write_file(sec, "rel-secret-0123456789\n");
	snprintf(text, sizeof(text), "%s/rel.conf", dir);
	write_file(text, "[ticket]\nsecret_file = ticket.secret\n");
	assert_int_equal(cfg_load(&c, text, err, sizeof(err)), 0);
	assert_string_equal(c.ticket.secret, "rel-secret-0123456789");
	cfg_free(&c);
	unlink(text);
	/* 4096 bytes and a newline are a secret; a FIFO is no file. */
	{
		char	 big[4098];

		memset(big, 'k', 4096);
		big[4096] = '\n';
		big[4097] = '\0';
		write_file(sec, big);
		snprintf(text, sizeof(text), "[ticket]\nsecret_file = %s\n",
		    sec);
		write_conf(text);
		assert_int_equal(cfg_load(&c, path, err, sizeof(err)), 0);
		assert_int_equal(strlen(c.ticket.secret), 4096);
		cfg_free(&c);
		big[4096] = 'k';
		write_file(sec, big);
		assert_int_equal(cfg_load(&c, path, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "over 4096 bytes"));
	}
	snprintf(text, sizeof(text), "%s/fifo", dir);
	assert_int_equal(mkfifo(text, 0600), 0);
	assert_int_equal(cfg_load(&c, text, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a regular file"));
	unlink(text);
	/* A secret file that is empty is an error, not "no secret". */
	write_file(sec, "\n");
	snprintf(text, sizeof(text), "[ticket]\nsecret_file = %s\n", sec);
	write_conf(text);
	assert_int_equal(cfg_load(&c, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "secret file empty"));
	/* Only secrets have a _file form. */
	write_conf("[database]\nname_file = /etc/passwd\n");
	assert_int_equal(cfg_load(&c, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown key 'name_file'"));
	/* An include loop stops with the line that loops. */
	snprintf(text, sizeof(text), "%s/loop.conf", dir);
	write_file(text, "include = loop.conf\n");
	assert_int_equal(cfg_load(&c, text, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "loop.conf:1: includes nested too deeply"));
	write_conf("include = /nonexistent/common.conf\n");
	assert_int_equal(cfg_load(&c, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/common.conf: cannot open"));

	unlink(text);
	unlink(sec);
	unlink(common);
	snprintf(text, sizeof(text), "%s/program.conf", dir);
	unlink(text);
	rmdir(dir);
}

static void
test_env_error_and_missing_file(void **state)
{
	struct cfg	 c;
	char		 err[256];

	(void)state;
	setenv("KFROUTE_CACHE_STALENESS_MS", "-1", 1);
	assert_int_equal(cfg_load(&c, NULL, err, sizeof(err)), -1);
	assert_string_equal(err, "environment KFROUTE_CACHE_STALENESS_MS: "
	    "not a whole number from 0 to 60000");
	unsetenv("KFROUTE_CACHE_STALENESS_MS");
	setenv("KFROUTE_NOTICE_CONNECTED", "", 1);
	assert_int_equal(cfg_load(&c, NULL, err, sizeof(err)), -1);
	assert_string_equal(err, "environment KFROUTE_NOTICE_CONNECTED: needs "
	    "a value (leave the key out for the default)");
	unsetenv("KFROUTE_NOTICE_CONNECTED");
	setenv("KFROUTE_ADMIN_INSECURE_HTTP", "7", 1);
	assert_int_equal(cfg_load(&c, NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a whole number from 0 to 1"));
	unsetenv("KFROUTE_ADMIN_INSECURE_HTTP");
	/* A customer token for a code lives a minute to a day. */
	setenv("KFROUTE_MINIPROGRAM_TOKEN_TTL_S", "59", 1);
	assert_int_equal(cfg_load(&c, NULL, err, sizeof(err)), -1);
	assert_string_equal(err, "environment KFROUTE_MINIPROGRAM_TOKEN_TTL_S: "
	    "not a whole number from 60 to 86400");
	setenv("KFROUTE_MINIPROGRAM_TOKEN_TTL_S", "86401", 1);
	assert_int_equal(cfg_load(&c, NULL, err, sizeof(err)), -1);
	setenv("KFROUTE_MINIPROGRAM_TOKEN_TTL_S", "600", 1);
	assert_int_equal(cfg_load(&c, NULL, err, sizeof(err)), 0);
	assert_int_equal(c.miniprogram.token_ttl_s, 600);
	cfg_free(&c);
	unsetenv("KFROUTE_MINIPROGRAM_TOKEN_TTL_S");
	assert_int_equal(cfg_load(&c, "/nonexistent/kfroute.conf", err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/kfroute.conf: cannot open"));
}

/* The documented example must stay loadable by the real parser. */
static void
test_example_config_parses(void **state)
{
	struct cfg	 c;
	char		 err[256];

	(void)state;
	setenv("KFROUTE_DATABASE_PASSWORD", "x", 1);	/* file not read */
	if (cfg_load(&c, "conf/kfroute.conf.example", err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_string_equal(c.db.socket, "/run/mysqld/mysqld.sock");
	assert_string_equal(c.db.user, "kfroute_public");
	cfg_free(&c);
}

/*
 * The per-program configs of conf/etc-kfroute/ parse, and each holds only
 * its program's secrets (given here directly, so no file is read).
 */
static void
test_split_configs_parse(void **state)
{
	static const char *const secrets[] = {
		"KFROUTE_DATABASE_PASSWORD", "KFROUTE_DATABASE_ADMIN_PASSWORD",
		"KFROUTE_DATABASE_WECOM_PASSWORD", "KFROUTE_CUSTOMER_SECRET",
		"KFROUTE_TICKET_SECRET", "KFROUTE_WECOM_SECRET",
		"KFROUTE_WECOM_TOKEN", "KFROUTE_WECOM_ENCODING_AES_KEY",
	};
	struct cfg	 c;
	char		 err[512];
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
		setenv(secrets[i], "x-0123456789abcdef", 1);
	if (cfg_load(&c, "conf/etc-kfroute/public.conf", err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_string_equal(c.db.user, "kfroute_public");
	assert_string_equal(c.db.name, "kfroute");	/* from common.conf */
	assert_null(c.db.admin_user);
	assert_null(c.db.wecom_user);
	cfg_free(&c);
	if (cfg_load(&c, "conf/etc-kfroute/wecom.conf", err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_string_equal(c.db.wecom_user, "kfroute_wecom");
	assert_null(c.db.admin_user);
	cfg_free(&c);
	if (cfg_load(&c, "conf/etc-kfroute/admin.conf", err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_string_equal(c.db.admin_user, "kfroute_admin");
	assert_null(c.db.wecom_user);
	cfg_free(&c);
	if (cfg_load(&c, "conf/etc-kfroute/kfroute.conf", err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_string_equal(c.db.admin_user, "kfroute_admin");
	cfg_free(&c);
	/* Without the direct values each reads only the files it names. */
	for (i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
		unsetenv(secrets[i]);
	assert_int_equal(cfg_load(&c, "conf/etc-kfroute/admin.conf", err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "/etc/kfroute/secrets/db-admin.pass: "
	    "cannot open secret file for [database] admin_password"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_defaults, teardown),
		cmocka_unit_test_teardown(test_example_config_parses, teardown),
		cmocka_unit_test_teardown(test_file_and_env, teardown),
		cmocka_unit_test_teardown(test_errors, teardown),
		cmocka_unit_test_teardown(test_retention_days, teardown),
		cmocka_unit_test_teardown(
		    test_password_file_error_names_that_file, teardown),
		cmocka_unit_test_teardown(test_env_error_and_missing_file,
		    teardown),
		cmocka_unit_test_teardown(test_include_and_secret_files,
		    teardown),
		cmocka_unit_test_teardown(test_split_configs_parse, teardown),
	};

	return cmocka_run_group_tests_name("cfg", tests, NULL, NULL);
}
