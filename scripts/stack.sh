#!/bin/sh
# The private development/test stack: MariaDB (data under $KFROUTE_VAR, its
# own unix socket, no TCP) and lighttpd on 127.0.0.1:$PORT in front of the
# FastCGI program.
#
#   scripts/stack.sh start    start in the background (make start)
#   scripts/stack.sh stop     stop what start started (make stop)
#   scripts/stack.sh run      start, print URLs, stop on Ctrl-C/SIGTERM
#   scripts/stack.sh status   exit 0 when both servers run
#
# Environment: PORT (8080), KFROUTE_VAR (var/), KFROUTE_FCGI_BIN
# (cgi-bin/kfroute.fcgi), KFROUTE_WECOM_BIN (cgi-bin/kfwecom.fcgi),
# KFROUTE_ADMIN_BIN (cgi-bin/kfadmin.fcgi), KFROUTE_KFCTL (bin/kfctl),
# KFROUTE_NO_DEV_ADMIN (set: no dev admin user is made), and any
# KFROUTE_<SECTION>_<KEY> setting, which
# reaches the FastCGI workers through lighttpd's environment.
#
# A web-only node (another web server on a database that exists already):
# KFROUTE_CONF_DIR=/etc/kfroute names a directory with the programs' own
# configs, public.conf, wecom.conf and admin.conf (conf/etc-kfroute/).
# Then no MariaDB is started, nothing is migrated, no demo data and no dev
# operator are made: only lighttpd and the WeCom worker, on those configs.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
VAR=${KFROUTE_VAR:-$ROOT/var}
mkdir -p "$VAR"
VAR=$(cd "$VAR" && pwd)
PORT=${PORT:-8080}
FCGI_BIN=${KFROUTE_FCGI_BIN:-$ROOT/cgi-bin/kfroute.fcgi}
WECOM_BIN=${KFROUTE_WECOM_BIN:-$ROOT/cgi-bin/kfwecom.fcgi}
ADMIN_BIN=${KFROUTE_ADMIN_BIN:-$ROOT/cgi-bin/kfadmin.fcgi}
KFCTL=${KFROUTE_KFCTL:-$ROOT/bin/kfctl}
DEV_ADMIN_PASS=""
DBNAME=kfroute
ME=$(id -un)
SOCK=$VAR/run/mysqld.sock
CONF_DIR=${KFROUTE_CONF_DIR:-}
if [ -n "$CONF_DIR" ]; then
	CONF_DIR=$(cd "$CONF_DIR" && pwd)
	PUBLIC_CONF=$CONF_DIR/public.conf
	WECOM_CONF=$CONF_DIR/wecom.conf
	ADMIN_CONF=$CONF_DIR/admin.conf
else
	PUBLIC_CONF=$VAR/kfroute.conf
	WECOM_CONF=$VAR/kfroute.conf
	ADMIN_CONF=$VAR/kfroute.conf
fi

# The database administrator is this OS user through unix_socket auth:
# no password exists for it anywhere.
sql_admin() { mariadb --no-defaults --default-character-set=utf8mb4 \
	--socket="$SOCK" -u "$ME" "$@"; }

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop_pid() {	# pidfile name
	[ -f "$1" ] || return 0
	pid=$(cat "$1")
	if kill "$pid" 2>/dev/null; then
		i=0
		while kill -0 "$pid" 2>/dev/null && [ $i -lt 300 ]; do
			sleep 0.1; i=$((i + 1))
		done
		if kill -0 "$pid" 2>/dev/null; then
			echo "stack: $2 did not stop, killing" >&2
			kill -9 "$pid" 2>/dev/null || true
		fi
	fi
	rm -f "$1"
}

db_init() {
	[ -d "$VAR/db/mysql" ] && return 0
	echo "stack: creating database in $VAR/db" >&2
	mariadb-install-db --no-defaults --datadir="$VAR/db" --user="$ME" \
		--auth-root-authentication-method=socket --skip-test-db \
		>"$VAR/log/install-db.log" 2>&1 || {
		cat "$VAR/log/install-db.log" >&2; exit 1; }
}

db_start() {
	pid_alive "$VAR/run/mysqld.pid" && return 0
	# Its own temporary directory: a machine-wide /tmp that someone else
	# cleans (or another stack shares) made migrations fail half-way.
	mkdir -p "$VAR/tmp"
	setsid mariadbd --no-defaults --datadir="$VAR/db" --user="$ME" \
		--socket="$SOCK" --pid-file="$VAR/run/mysqld.pid" \
		--tmpdir="$VAR/tmp" \
		--skip-networking --character-set-server=utf8mb4 \
		--collation-server=utf8mb4_unicode_ci \
		--innodb-buffer-pool-size=64M --log-error="$VAR/log/mysqld.log" \
		</dev/null >/dev/null 2>&1 &
	i=0
	until mariadb-admin --no-defaults --socket="$SOCK" -u "$ME" \
	    status >/dev/null 2>&1; do
		i=$((i + 1))
		if [ $i -gt 300 ]; then
			echo "stack: MariaDB did not start; see" \
			    "$VAR/log/mysqld.log" >&2
			tail -20 "$VAR/log/mysqld.log" >&2; exit 1
		fi
		sleep 0.1
	done
}

# A random secret in a file of its own (mode 600), made once.
secret_file() {
	if [ ! -s "$VAR/secrets/$1" ]; then
		(umask 077; mkdir -p "$VAR/secrets"
		 od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$VAR/secrets/$1")
	fi
	cat "$VAR/secrets/$1"
}

# Database, users with least privilege, migrations, demo data (once).
db_setup() {
	pub=$(secret_file public.pass)
	adm=$(secret_file admin.pass)
	wec=$(secret_file wecom.pass)
	secret_file customer.secret >/dev/null
	secret_file ticket.secret >/dev/null
	sql_admin <<SQL
CREATE DATABASE IF NOT EXISTS $DBNAME
  CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'kfroute_admin'@'localhost' IDENTIFIED BY '$adm';
ALTER USER 'kfroute_admin'@'localhost' IDENTIFIED BY '$adm';
CREATE USER IF NOT EXISTS 'kfroute_public'@'localhost' IDENTIFIED BY '$pub';
ALTER USER 'kfroute_public'@'localhost' IDENTIFIED BY '$pub';
CREATE USER IF NOT EXISTS 'kfroute_wecom'@'localhost' IDENTIFIED BY '$wec';
ALTER USER 'kfroute_wecom'@'localhost' IDENTIFIED BY '$wec';
SQL
	MYSQL="mariadb --no-defaults --default-character-set=utf8mb4 --socket=$SOCK -u $ME" \
		"$ROOT/scripts/migrate.sh" "$DBNAME"
	# Each program's rights (sql/grants.sql), once the tables exist.
	MYSQL="mariadb --no-defaults --default-character-set=utf8mb4 --socket=$SOCK -u $ME" \
		"$ROOT/scripts/db-grants.sh" "$DBNAME" "'kfroute_public'@'localhost'" \
		"'kfroute_wecom'@'localhost'" "'kfroute_admin'@'localhost'"
	if [ ! -f "$VAR/db/.kfroute-demo-loaded" ]; then
		echo "stack: loading demo data" >&2
		sql_admin "$DBNAME" <"$ROOT/sql/demo.sql"
		touch "$VAR/db/.kfroute-demo-loaded"
	fi
}

write_config() {
	cat >"$VAR/kfroute.conf" <<CONF
# Generated by scripts/stack.sh for the private stack; edits are lost.
# See conf/kfroute.conf.example for every setting.
[database]
socket = $SOCK
name = $DBNAME
user = kfroute_public
password_file = $VAR/secrets/public.pass
admin_user = kfroute_admin
admin_password_file = $VAR/secrets/admin.pass
wecom_user = kfroute_wecom
wecom_password_file = $VAR/secrets/wecom.pass

[customer]
secret = $(cat "$VAR/secrets/customer.secret")

[ticket]
secret = $(cat "$VAR/secrets/ticket.secret")

[http]
redirect_hosts = help.example.com

[admin]
# Plain http on 127.0.0.1: cookies without Secure/__Host-. Never in
# production (see conf/kfroute.conf.example).
insecure_http = 1
CONF
}

write_lighttpd_config() {
	sed -e "s|@ROOT@|$ROOT|g" -e "s|@VAR@|$VAR|g" -e "s|@PORT@|$PORT|g" \
	    -e "s|@FCGI_BIN@|$FCGI_BIN|g" -e "s|@WECOM_BIN@|$WECOM_BIN|g" \
	    -e "s|@ADMIN_BIN@|$ADMIN_BIN|g" \
	    -e "s|@PUBLIC_CONF@|$PUBLIC_CONF|g" \
	    -e "s|@WECOM_CONF@|$WECOM_CONF|g" \
	    -e "s|@ADMIN_CONF@|$ADMIN_CONF|g" \
	    -e "s|@PROCS@|${KFROUTE_PROCS:-2}|g" \
	    "$ROOT/conf/lighttpd.conf.in" >"$VAR/lighttpd.conf"
	if [ -n "${KFROUTE_LIGHTTPD_EXTRA:-}" ]; then
		cat "$KFROUTE_LIGHTTPD_EXTRA" >>"$VAR/lighttpd.conf"
	fi
}

# A development operator "admin" when there is none: its generated
# password is shown once (make run prints it); nothing stores it.
dev_admin() {
	[ -n "${KFROUTE_NO_DEV_ADMIN:-}" ] && return 0
	n=$(sql_admin -N -B "$DBNAME" -e "SELECT COUNT(*) FROM kf_admin_user")
	[ "$n" = 0 ] || return 0
	DEV_ADMIN_PASS=$(KFROUTE_CONF="$VAR/kfroute.conf" "$KFCTL" admin add \
	    admin --role admin --generate)
	echo "stack: created admin user 'admin' for the admin page" >&2
}

# Returns non-zero (not exit) so start() can clean up after it.
web_start() {
	pid_alive "$VAR/run/lighttpd.pid" && return 0
	for b in "$FCGI_BIN" "$WECOM_BIN" "$ADMIN_BIN"; do
		[ -x "$b" ] || { echo "stack: $b not built" >&2; return 1; }
	done
	lighttpd -tt -f "$VAR/lighttpd.conf" >&2 || return 1
	# lighttpd daemonizes itself once the port is bound.
	lighttpd -f "$VAR/lighttpd.conf" || return 1
	i=0
	until pid_alive "$VAR/run/lighttpd.pid"; do
		i=$((i + 1))
		if [ $i -gt 100 ]; then
			tail -20 "$VAR/log/lighttpd-error.log" >&2
			return 1
		fi
		sleep 0.1
	done
}

# The WeCom puller (kfctl wecom worker): pulls what callbacks announce,
# works messages at least once, retries, empties waiting pools.
worker_start() {
	pid_alive "$VAR/run/kfworker.pid" && return 0
	KFROUTE_CONF="$WECOM_CONF" "$KFCTL" wecom worker \
	    </dev/null >>"$VAR/log/kfworker.log" 2>&1 &
	echo $! >"$VAR/run/kfworker.pid"
}

start() {
	mkdir -p "$VAR/run" "$VAR/log" "$VAR/tmp"
	# One stack per data directory: a second start on another port would
	# only rewrite the running one's config.
	if pid_alive "$VAR/run/lighttpd.pid"; then
		running=$(cat "$VAR/run/port" 2>/dev/null || echo "?")
		if [ "$running" != "$PORT" ]; then
			echo "stack: already running on port $running (data in" \
			    "$VAR); make stop first, or use another" \
			    "KFROUTE_VAR" >&2
			exit 1
		fi
	fi
	if [ -z "$CONF_DIR" ]; then
		db_init
		db_start
		db_setup
		write_config
		dev_admin
	else
		for c in "$PUBLIC_CONF" "$WECOM_CONF" "$ADMIN_CONF"; do
			[ -r "$c" ] || { echo "stack: $c: not readable" \
			    "(KFROUTE_CONF_DIR needs public.conf, wecom.conf," \
			    "admin.conf)" >&2; exit 1; }
		done
		echo "stack: web-only node on the configs in $CONF_DIR" >&2
	fi
	write_lighttpd_config
	if ! web_start; then
		echo "stack: lighttpd did not start on 127.0.0.1:$PORT" \
		    "(port in use? try PORT=...); stopping" >&2
		stop
		exit 1
	fi
	worker_start
	echo "$PORT" >"$VAR/run/port"
	echo "stack: up on http://127.0.0.1:$PORT/ (data in $VAR)" >&2
}

# Wait (up to 10 s) for processes that were told to stop.
wait_pids() {
	for p in "$@"; do
		i=0
		while kill -0 "$p" 2>/dev/null && [ $i -lt 100 ]; do
			sleep 0.1; i=$((i + 1))
		done
	done
}

stop() {
	# lighttpd does not wait for its FastCGI workers, and they write their
	# last counts on the way out: let them finish before the database goes.
	workers=""
	if pid_alive "$VAR/run/lighttpd.pid"; then
		workers=$(pgrep -P "$(cat "$VAR/run/lighttpd.pid")" || true)
	fi
	stop_pid "$VAR/run/lighttpd.pid" lighttpd
	stop_pid "$VAR/run/kfworker.pid" "WeCom worker"
	# shellcheck disable=SC2086 # one pid per word
	wait_pids $workers
	stop_pid "$VAR/run/mysqld.pid" MariaDB
}

urls() {
	cat <<URLS

kfroute is running (data in $VAR).

  Demo (the mini-program in a browser): http://127.0.0.1:$PORT/demo/
  Admin page: http://127.0.0.1:$PORT/admin/
URLS
	if [ -n "$DEV_ADMIN_PASS" ]; then
		echo "    user admin, password $DEV_ADMIN_PASS (shown only this once)"
	else
		echo "    new password: bin/kfctl admin passwd admin --generate"
	fi
	cat <<URLS

  curl -s -X POST -H 'Content-Type: application/json' \\
       -d '{"customerId":"cs1"}' http://127.0.0.1:$PORT/api/getCustomerServiceUrl
  curl -s 'http://127.0.0.1:$PORT/api/contact?entry=cs2'
  curl -s 'http://127.0.0.1:$PORT/api/entries?scene=home'
  curl -si http://127.0.0.1:$PORT/go/help
  curl -s http://127.0.0.1:$PORT/healthz

  Presence:  KFROUTE_CONF=$VAR/kfroute.conf bin/kfctl agent status a1 offline
  Decision:  KFROUTE_CONF=$VAR/kfroute.conf bin/kfctl route cs1
  Database shell: mariadb --no-defaults --socket=$SOCK $DBNAME

Press Ctrl-C to stop.
URLS
}

case "${1:-}" in
start)
	start
	# make start: the URLs and, once, the new operator's password too.
	echo "stack: demo http://127.0.0.1:$PORT/demo/, admin page" \
	    "http://127.0.0.1:$PORT/admin/" >&2
	if [ -n "$DEV_ADMIN_PASS" ]; then
		echo "stack: admin page user admin, password $DEV_ADMIN_PASS" \
		    "(shown only this once)" >&2
	fi ;;
stop)
	stop ;;
status)
	{ [ -n "$CONF_DIR" ] || pid_alive "$VAR/run/mysqld.pid"; } &&
	    pid_alive "$VAR/run/lighttpd.pid" ;;
run)
	trap 'stop; exit 0' INT TERM
	trap 'stop' EXIT
	start
	urls
	while :; do sleep 1 & wait $! || true; done ;;
*)
	echo "usage: $0 start|stop|run|status" >&2; exit 2 ;;
esac
