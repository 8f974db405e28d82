#!/bin/sh
# Start a throw-away stack (own data directory and port), run the node:test
# HTTP suites against it through lighttpd -> FastCGI -> MariaDB, and tear
# it down whatever happens.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export KFROUTE_VAR="$ROOT/var/test-stack"
export KFROUTE_FCGI_BIN="${KFROUTE_FCGI_BIN:-$ROOT/cgi-bin/kfroute.fcgi}"
export KFROUTE_WECOM_BIN="${KFROUTE_WECOM_BIN:-$ROOT/cgi-bin/kfwecom.fcgi}"
export KFROUTE_ADMIN_BIN="${KFROUTE_ADMIN_BIN:-$ROOT/cgi-bin/kfadmin.fcgi}"
export KFROUTE_KFCTL="${KFROUTE_KFCTL:-$ROOT/bin/kfctl}"
# The suites make their own operators (tests/http/admin-lib.mjs).
export KFROUTE_NO_DEV_ADMIN=1
# Decision counts and sticky assignments written soon, so tests see them.
export KFROUTE_ROUTING_STATS_FLUSH_MS=200
# A message's worker lease: short, so a killed worker's message is taken
# over within the tests' patience (120 s by default).
export KFROUTE_WECOM_LEASE_S=3
# The corp id the WeCom tests use (their fake server knows it).
export KFROUTE_WECOM_CORP_ID=ww0123456789abcdef
# A free port, so a running `make run` (or anything else) is no obstacle.
PORT=$(node -e 'const s=require("net").createServer();
	s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
export PORT

# The private Apache instances of tests/http/apache.test.mjs stop in its
# after() hooks; this catches a run that was interrupted.
stop_apaches() {
	for d in "$KFROUTE_VAR"/apache/*/; do
		[ -f "$d/httpd.conf" ] && "$ROOT/scripts/apache-stack.sh" stop "$d"
	done
	return 0
}

stop_apaches
"$ROOT/scripts/stack.sh" stop 2>/dev/null || true
rm -rf "$KFROUTE_VAR"

# The fake WeCom (tests/fake-wecom) serves real TLS with a throw-away CA;
# the programs must know its address and CA before they start.
TLS=$KFROUTE_VAR/tls
mkdir -p "$TLS"
ec="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
(
	cd "$TLS"
	# shellcheck disable=SC2086 # $ec is several words
	openssl req -x509 $ec -keyout ca.key -out ca.pem -days 2 \
	    -subj "/CN=kfroute test CA"
	# shellcheck disable=SC2086
	openssl req $ec -keyout server.key -out server.csr -subj "/CN=127.0.0.1"
	printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' >ext
	openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key \
	    -CAcreateserial -out server.pem -days 2 -extfile ext
	# An unrelated CA: trusting only it, a client must refuse the fake.
	# shellcheck disable=SC2086
	openssl req -x509 $ec -keyout other.key -out other.pem -days 2 \
	    -subj "/CN=other CA"
) >/dev/null 2>&1
FAKE_PORT=$(node -e 'const s=require("net").createServer();
	s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
export KF_TLS_DIR="$TLS" KF_FAKE_PORT="$FAKE_PORT"
export KFROUTE_WECOM_API_BASE="https://127.0.0.1:$FAKE_PORT"
export KFROUTE_WECOM_CA_FILE="$TLS/ca.pem"
export KFROUTE_WECOM_SECRET=S3cret-of-the-selfbuilt-app-0123456789
export KFROUTE_WECOM_TOKEN=kfrouteTok3n
export KFROUTE_WECOM_ENCODING_AES_KEY=BwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSY
export KFROUTE_MINIPROGRAM_APP_ID=wx00112233aabbccdd
export KFROUTE_MINIPROGRAM_APP_SECRET=miniprogram-secret-0123456789
export KFROUTE_MINIPROGRAM_API_BASE="https://127.0.0.1:$FAKE_PORT"
trap 'stop_apaches; "$ROOT/scripts/stack.sh" stop' EXIT INT TERM
"$ROOT/scripts/stack.sh" start

export KF_ROOT="$ROOT" KF_VAR="$KFROUTE_VAR" KF_FCGI_BIN="$KFROUTE_FCGI_BIN"
export KF_KFCTL="$KFROUTE_KFCTL" KF_ADMIN_BIN="$KFROUTE_ADMIN_BIN"
export KF_BASE_URL="http://127.0.0.1:$PORT"
# Files run one after another: some change shared data or stop the database.
status=0
# The browser suite goes first: the last HTTP suite stops the database.
# TESTS="tests/http/client.test.mjs ..." runs only those files.
if [ -n "${TESTS:-}" ]; then
	# shellcheck disable=SC2086 # a list of paths
	(cd "$ROOT" && node --test --test-concurrency=1 $TESTS) || status=$?
else
	# The database-down suite (zz-) goes last: it stops the database.
	node --test --test-concurrency=1 "$ROOT"/tests/fake-wecom/selftest.mjs \
	    "$ROOT"/tests/fake-wecom/selftest-both.mjs \
	    "$ROOT"/tests/browser/*.test.mjs \
	    "$ROOT"/tests/http/*.test.mjs || status=$?
fi

# Stop first: sanitizer builds report leaks when the workers exit, on their
# stderr, which lighttpd writes to log/kfroute.log. Fail on any report.
stop_apaches
"$ROOT/scripts/stack.sh" stop
if grep -E 'ERROR: (Address|Leak)Sanitizer|runtime error:' \
    "$KFROUTE_VAR/log/kfroute.log" "$KFROUTE_VAR/log/kfworker.log" >&2; then
	echo "test-http: sanitizer reports in the FastCGI workers' log" >&2
	status=1
fi
exit $status
