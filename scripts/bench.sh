#!/bin/sh
# Throughput of /api/contact (full answer from the snapshot) against a
# do-nothing libfcgi responder behind the same lighttpd, same worker count.
# Uses its own stack in var/bench on a free port. Needs wrk (make bench
# installs it).
#
#   DURATION=10 CONNECTIONS=50 THREADS=2 scripts/bench.sh
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-50}
THREADS=${THREADS:-2}
NULL_BIN=$ROOT/build/release/null.fcgi
export KFROUTE_VAR="$ROOT/var/bench"
PORT=$(node -e 'const s=require("net").createServer();
	s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
export PORT

mkdir -p "$ROOT/build/release"
cc -O2 -Wall -Wextra -Werror -o "$NULL_BIN" "$ROOT/tests/bench/null.c" -lfcgi

mkdir -p "$KFROUTE_VAR"
extra=$KFROUTE_VAR/bench-extra.conf
cat >"$extra" <<CONF

# Baseline for scripts/bench.sh.
\$HTTP["url"] == "/bench/null" {
  fastcgi.server = ( "/" => ( "null" => (
    "socket"      => "$KFROUTE_VAR/run/null.sock",
    "bin-path"    => "$NULL_BIN",
    "max-procs"   => ${KFROUTE_PROCS:-2},
    "check-local" => "disable",
  )))
}
CONF
export KFROUTE_LIGHTTPD_EXTRA="$extra"
trap '"$ROOT/scripts/stack.sh" stop' EXIT INT TERM
KFROUTE_NO_DEV_ADMIN=1 "$ROOT/scripts/stack.sh" start	# no operator needed

base=http://127.0.0.1:$PORT
run() {	# name path
	curl -sf "$base$2" >/dev/null	# warm: workers spawned, snapshot loaded
	wrk -t1 -c4 -d2s "$base$2" >/dev/null
	rps=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency \
	    "$base$2" | tee "$KFROUTE_VAR/$1.wrk" |
	    awk '/^Requests\/sec/ { print int($2) }')
	non2xx=$(awk '/Non-2xx/ { print $NF }' "$KFROUTE_VAR/$1.wrk")
	echo "$1 $rps ${non2xx:-0}"
}

echo "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, $(nproc) cores, lighttpd $(lighttpd -v | awk '{print $1}')"
null=$(run null /bench/null)
contact=$(run contact '/api/contact?entry=cs1')
entries=$(run entries '/api/entries?scene=home')
for line in "$null" "$contact" "$entries"; do
	set -- $line
	printf '%-8s %8s req/s  (non-2xx: %s)\n' "$1" "$2" "$3"
done
set -- $null; n=$2
set -- $contact; c=$2
echo "contact / null = $(awk -v c="$c" -v n="$n" 'BEGIN { printf "%.1f%%", 100 * c / n }')"
echo "wrk reports: $KFROUTE_VAR/*.wrk"
