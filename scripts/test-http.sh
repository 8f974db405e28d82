#!/bin/sh
# Start a throw-away stack (own data directory and port), run the node:test
# HTTP suites against it through lighttpd -> FastCGI -> MariaDB, and tear
# it down whatever happens.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export KFROUTE_VAR="$ROOT/var/test-stack"
export KFROUTE_FCGI_BIN="${KFROUTE_FCGI_BIN:-$ROOT/cgi-bin/kfroute.fcgi}"
KFROUTE_KFCTL="${KFROUTE_KFCTL:-$ROOT/bin/kfctl}"
# Decision counts and sticky assignments written soon, so tests see them.
export KFROUTE_ROUTING_STATS_FLUSH_MS=200
# The corp id the WeCom tests use (their fake server knows it).
export KFROUTE_WECOM_CORP_ID=ww0123456789abcdef
# A free port, so a running `make run` (or anything else) is no obstacle.
PORT=$(node -e 'const s=require("net").createServer();
	s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
export PORT

"$ROOT/scripts/stack.sh" stop 2>/dev/null || true
rm -rf "$KFROUTE_VAR"
trap '"$ROOT/scripts/stack.sh" stop' EXIT INT TERM
"$ROOT/scripts/stack.sh" start

export KF_ROOT="$ROOT" KF_VAR="$KFROUTE_VAR" KF_FCGI_BIN="$KFROUTE_FCGI_BIN"
export KF_KFCTL="$KFROUTE_KFCTL"
export KF_BASE_URL="http://127.0.0.1:$PORT"
# Files run one after another: some change shared data or stop the database.
status=0
node --test --test-concurrency=1 "$ROOT"/tests/http/*.test.mjs || status=$?

# Stop first: sanitizer builds report leaks when the workers exit, on their
# stderr, which lighttpd writes to log/kfroute.log. Fail on any report.
"$ROOT/scripts/stack.sh" stop
if grep -E 'ERROR: (Address|Leak)Sanitizer|runtime error:' \
    "$KFROUTE_VAR/log/kfroute.log" >&2; then
	echo "test-http: sanitizer reports in the FastCGI workers' log" >&2
	status=1
fi
exit $status
