#!/bin/sh
# make bench: the public API's throughput against a do-nothing libfcgi
# responder behind the same lighttpd, with the same number of workers
# (KFROUTE_PROCS, default 2), all in one run:
#
#   null         /bench/null: the do-nothing responder (tests/bench/null.c)
#   anonymous    /api/contact?entry=cs1 (demo data), no customer
#   entries      /api/entries?scene=home (the demo's buttons; no target)
#   verified     /api/contact for BENCH_CUSTOMERS (1000) verified customers
#                in turn (kf_customer rows bench-c1 ... with levels, tags,
#                account managers, half with a sticky person), each with its
#                own token from bin/kfctl customer-token, over cs1, cs2, cs3
#                (tests/bench/verified.lua)
#   scale        /api/contact for random entries among 100,000
#                (scripts/scale-data.sh: also 10,000 agents, 1,000 groups;
#                tests/bench/scale.lua); with how long the workers took to
#                answer from the new data, and the RSS of each kfroute.fcgi
#                worker after the run
#   scale+churn  the same while the presence of random scale agents changes
#                BENCH_CHURN_RATE (50) times a second (status and
#                active_sessions, through one long-lived mariadb client),
#                with the rate the database really took
#
# Each run prints requests/s, the ratio to null, the 99th percentile
# latency, non-2xx answers and socket errors (timeouts apart); at the end,
# issue 16's targets with the measured values, each ok or FAIL.
#
# Exit status: 0 when every run was answered, even if targets fail (this
# reports; it is not a test); 1 when something broke: wrk missing, the
# stack not starting, a non-2xx answer, a socket error, the churn failing.
#
# Its own stack in var/bench on a free port (scripts/stack.sh), stopped on
# exit; the scale rows are removed again at the end (and at the start, after
# a run that was cut short). wrk's reports: var/bench/<run>.wrk.
#
#   DURATION=10 CONNECTIONS=50 THREADS=2 KFROUTE_PROCS=2 scripts/bench.sh
#
# Also: TIMEOUT (10, seconds: wrk's per-request timeout; a request slower
# than that counts as a timeout, not in the latency), BENCH_RELOAD_WAIT (120,
# seconds the workers may take to pick up the scale data),
# BENCH_WECOM_LINKS (1: the scale data's WeCom entries get their stored
# contact links, as in production; 0: none).
# The machine should be otherwise idle: the figures are only as good as that.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-50}
THREADS=${THREADS:-2}
TIMEOUT=${TIMEOUT:-10}
PROCS=${KFROUTE_PROCS:-2}
CUSTOMERS=${BENCH_CUSTOMERS:-1000}
CHURN_RATE=${BENCH_CHURN_RATE:-50}
RELOAD_WAIT=${BENCH_RELOAD_WAIT:-120}
WECOM_LINKS=${BENCH_WECOM_LINKS:-1}
SCALE_ENTRIES=100000	# scripts/scale-data.sh's default sizes
SCALE_AGENTS=10000
FCGI_BIN=${KFROUTE_FCGI_BIN:-$ROOT/cgi-bin/kfroute.fcgi}
KFCTL=${KFROUTE_KFCTL:-$ROOT/bin/kfctl}
NULL_BIN=$ROOT/build/release/null.fcgi
VAR=$ROOT/var/bench
RESULTS=$VAR/results	# one line per run, see measure()

die() { echo "bench: $*" >&2; exit 1; }

for v in DURATION CONNECTIONS THREADS TIMEOUT PROCS CUSTOMERS CHURN_RATE \
    RELOAD_WAIT; do
	eval "val=\$$v"
	case $val in ''|*[!0-9]*|0*) die "$v must be a whole number above 0" ;; esac
done
case $WECOM_LINKS in 0|1) ;; *) die "BENCH_WECOM_LINKS is 0 or 1" ;; esac
command -v wrk >/dev/null 2>&1 ||
    die "wrk is missing: make bench installs it (scripts/deps.sh bench)"
for b in "$FCGI_BIN" "$KFCTL"; do
	[ -x "$b" ] || die "$b is not built (make all)"
done

export KFROUTE_VAR="$VAR" KFROUTE_PROCS="$PROCS"
PORT=$(node -e 'const s=require("net").createServer();
	s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
export PORT
base=http://127.0.0.1:$PORT
# The database as its administrator (this OS user, unix socket), as
# scripts/stack.sh does: the customer pool and the churn.
SQL="mariadb --no-defaults --default-character-set=utf8mb4 --socket=$VAR/run/mysqld.sock -u $(id -un) kfroute"

mkdir -p "$ROOT/build/release" "$VAR"
cc -O2 -Wall -Wextra -Werror -o "$NULL_BIN" "$ROOT/tests/bench/null.c" -lfcgi

extra=$VAR/bench-extra.conf
cat >"$extra" <<CONF

# Baseline for scripts/bench.sh.
\$HTTP["url"] == "/bench/null" {
  fastcgi.server = ( "/" => ( "null" => (
    "socket"      => "$VAR/run/null.sock",
    "bin-path"    => "$NULL_BIN",
    "max-procs"   => $PROCS,
    "check-local" => "disable",
  )))
}
CONF
export KFROUTE_LIGHTTPD_EXTRA="$extra"

# Centiseconds since boot, without a process.
now_cs() { read -r up _ </proc/uptime; echo "${up%.*}${up#*.}"; }
secs_since() { awk -v a="$1" -v b="$(now_cs)" 'BEGIN { printf "%.1f", (b - a) / 100 }'; }

CHURN_STOP=$VAR/churn.stop
CHURN_PID=""
stop_churn() {
	[ -n "$CHURN_PID" ] || return 0
	touch "$CHURN_STOP"
	churn_rc=0
	wait "$CHURN_PID" || churn_rc=$?
	CHURN_PID=""
	return "$churn_rc"
}
cleanup() {
	rc=$?
	stop_churn || true
	"$ROOT/scripts/stack.sh" stop
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_stack() { KFROUTE_NO_DEV_ADMIN=1 "$ROOT/scripts/stack.sh" start; }	# no operator needed
start_stack
: >"$VAR/scale-data.log"
# A run cut short may have left the scale data behind: it would weigh on
# every run before "scale". The workers have loaded it already: they are
# started again once it is gone.
left=$("$ROOT/scripts/scale-data.sh" count 2>>"$VAR/scale-data.log" |
    awk '{ n += $NF } END { print n + 0 }')
if [ "$left" -gt 0 ]; then
	echo "bench: removing the scale data of a run cut short" >&2
	"$ROOT/scripts/scale-data.sh" remove 2>>"$VAR/scale-data.log" ||
	    die "scripts/scale-data.sh remove failed: see $VAR/scale-data.log"
	"$ROOT/scripts/stack.sh" stop
	start_stack
fi

# The kfroute.fcgi workers (lighttpd's children running FCGI_BIN) and
# their resident memory, in kB, one a line.
fcgi_real=$(readlink -f "$FCGI_BIN")
worker_rss() {
	for p in $(pgrep -P "$(cat "$VAR/run/lighttpd.pid")"); do
		[ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$fcgi_real" ] ||
		    continue
		awk '/^VmRSS:/ { print $2 }' "/proc/$p/status"
	done
}
# "max 12.3 MB (12.1, 12.3)" from the lines of worker_rss; MB = 1024 kB.
rss_text() {
	awk '{ mb = $1 / 1024; each = each (NR > 1 ? ", " : "") sprintf("%.1f", mb)
	       if (mb > max) max = mb }
	     END { if (NR == 0) print "no workers found"
	           else printf "max %.1f MB (each: %s)\n", max, each }'
}
rss_max_kb() { awk 'BEGIN { m = 0 } $1 > m { m = $1 } END { print m }'; }

# wrk's report on stdin -> "rps p99_ms non2xx socket_errors timeouts
# requests". Latencies come as 812.00us, 3.10ms, 1.20s, 1.00m.
WRK_PARSE='
function ms(v,  n) {
	n = v + 0
	if (v ~ /us$/) return n / 1000
	if (v ~ /ms$/) return n
	if (v ~ /s$/)  return n * 1000
	if (v ~ /m$/)  return n * 60000
	return n * 3600000
}
/^ +99%/           { p99 = ms($2) }
/ requests in /    { reqs = $1 }
/^Requests\/sec:/  { rps = $2 }
/^ +Non-2xx/       { non2xx = $NF }
/^ +Socket errors:/ { gsub(/,/, ""); errs = $4 + $6 + $8; timeouts = $10 }
END { printf "%d %.2f %d %d %d %d\n", rps, p99, non2xx, errs, timeouts, reqs }'

# wrk_run SECONDS CONNECTIONS THREADS PATH [SCRIPT [ARG...]]: wrk's report.
wrk_run() {
	d=$1 c=$2 t=$3 path=$4
	shift 4
	if [ $# -gt 0 ]; then
		script=$1
		shift
		wrk -t"$t" -c"$c" -d"${d}s" --timeout "${TIMEOUT}s" --latency \
		    -s "$script" "$base$path" -- "$@"
	else
		wrk -t"$t" -c"$c" -d"${d}s" --timeout "${TIMEOUT}s" --latency \
		    "$base$path"
	fi
}

# warm PATH [SCRIPT [ARG...]]: 2 s at 4 connections, so every worker has
# been spawned and has answered; non-zero when an answer was not 2xx.
warm() {
	r=$(wrk_run 2 4 1 "$@" | awk "$WRK_PARSE") || return 1
	set -- $r
	[ "$3" -eq 0 ] && [ "$4" -eq 0 ] && [ "$6" -gt 0 ]
}

# measure NAME PATH [SCRIPT [ARG...]]: the measured run. Its report goes
# to $VAR/NAME.wrk, "NAME rps p99_ms non2xx errors timeouts requests" to
# $RESULTS, and its line is printed.
measure() {
	name=$1
	shift
	wrk_run "$DURATION" "$CONNECTIONS" "$THREADS" "$@" >"$VAR/$name.wrk" 2>&1 ||
	    die "wrk failed in the $name run: see $VAR/$name.wrk"
	echo "$name $(awk "$WRK_PARSE" "$VAR/$name.wrk")" >>"$RESULTS"
	awk -v name="$name" '
	$1 == "null" { null = $2 }
	$1 == name   { rps = $2; p99 = $3; bad = $4; errs = $5; to = $6 }
	END {
		ratio = "-"
		if (null > 0)
			ratio = sprintf("%.2f", rps / null)
		printf "%-12s %8d req/s  %5s x null  p99 %8.2f ms  non-2xx %d" \
		    "  socket errors %d", name, rps, ratio, p99, bad, errs
		if (to > 0) printf "  timeouts %d", to
		printf "\n"
	}' "$RESULTS"
}

: >"$RESULTS"

echo "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --timeout ${TIMEOUT}s;" \
    "$PROCS workers; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg);" \
    "$(lighttpd -v | awk '{ print $1 }')"

# 1. null, anonymous, entries: fixed URLs.
for run in "null /bench/null" "anonymous /api/contact?entry=cs1" \
    "entries /api/entries?scene=home"; do
	set -- $run
	curl -sf -o /dev/null "$base$2" || die "$base$2 is not answered"
	warm "$2" || die "$1: warm-up answers were not all 2xx"
	measure "$1" "$2"
done

# 2. verified: a pool of customers, each with a token minted by kfctl
# (the real code), which must be accepted (its key is in the ticket).
$SQL <<SQL
INSERT INTO kf_customer (customer_key, level, tags, account_manager_id)
SELECT CONCAT('bench-c', seq), seq MOD 6,
    ELT(seq MOD 4 + 1, '', 'vip', 'wholesale', 'vip,wholesale'),
    ELT(seq MOD 7 + 1, NULL, 'a1', 'a2', 'a3', 'a4', 'a5', 'a6')
FROM seq_1_to_$CUSTOMERS
ON DUPLICATE KEY UPDATE level = VALUES(level), tags = VALUES(tags),
    account_manager_id = VALUES(account_manager_id);
DELETE FROM kf_last_agent WHERE customer_key LIKE 'bench-c%';
INSERT INTO kf_last_agent (customer_key, agent_id, entry_id, served_at)
SELECT CONCAT('bench-c', seq), ELT(seq MOD 3 + 1, 'a2', 'a5', 'a6'),
    ELT(seq MOD 3 + 1, 'cs1', 'cs2', 'cs3'), UTC_TIMESTAMP()
FROM seq_1_to_$CUSTOMERS WHERE seq MOD 2 = 0;
SQL
tokens=$VAR/tokens
t0=$(now_cs)
ttl=$((DURATION * 10 + 3600))
seq 1 "$CUSTOMERS" | sed 's/^/bench-c/' |
    KFROUTE_CONF="$VAR/kfroute.conf" xargs -P2 -I{} \
    "$KFCTL" customer-token {} --ttl "$ttl" >"$tokens" ||
    die "kfctl customer-token failed"
[ "$(wc -l <"$tokens")" -eq "$CUSTOMERS" ] || die "not every token was minted"
echo "verified: $CUSTOMERS customer tokens minted by kfctl in $(secs_since "$t0") s"
tok=$(head -1 "$tokens")
curl -sf "$base/api/contact?entry=cs1&customer=$tok" |
    grep -q "\.${tok%%.*}\.[^.\"]*\"" ||
    die "a minted customer token was not accepted (no customer in the ticket)"
warm /api/contact "$ROOT/tests/bench/verified.lua" "$tokens" cs1,cs2,cs3 ||
    die "verified: warm-up answers were not all 2xx"
measure verified /api/contact "$ROOT/tests/bench/verified.lua" "$tokens" cs1,cs2,cs3
echo "  kfroute.fcgi RSS before the scale data: $(worker_rss | rss_text)"

# 3. scale: 100,000 entries. The workers find the new data at their next
# version check and reload in the background; until then they answer from
# the old snapshot (unknown entry: 404).
t0=$(now_cs)
SCALE_WECOM_LINKS=$WECOM_LINKS "$ROOT/scripts/scale-data.sh" load \
    2>>"$VAR/scale-data.log" ||
    die "scripts/scale-data.sh load failed: see $VAR/scale-data.log"
links="no WeCom links"
[ "$WECOM_LINKS" = 0 ] || links="WeCom links"
echo "scale: $SCALE_ENTRIES entries, $SCALE_AGENTS agents ($links) loaded in $(secs_since "$t0") s"
t0=$(now_cs)
first=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' \
    "$base/api/contact?entry=scale-e000001")
n=0
while :; do
	n=$((n + 1))
	e=$(printf 'scale-e%06d' $(( (n * 7919) % SCALE_ENTRIES + 1 )))
	r=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' \
	    "$base/api/contact?entry=$e")
	[ "${r%% *}" = 200 ] && break
	[ "$(secs_since "$t0" | cut -d. -f1)" -lt "$RELOAD_WAIT" ] ||
	    die "the workers did not answer for the scale data within ${RELOAD_WAIT} s"
	sleep 0.05
done
ms() { awk -v s="$1" 'BEGIN { printf "%.1f ms", s * 1000 }'; }
echo "  first request after the load: HTTP ${first% *} in $(ms "${first#* }");" \
    "a scale entry answered $(secs_since "$t0") s after the load (in $(ms "${r#* }"))"
# Every worker, not only the one that answered: until a warm-up sees no
# 404, some worker is still on the old snapshot.
until warm /api/contact "$ROOT/tests/bench/scale.lua" "$SCALE_ENTRIES"; do
	[ "$(secs_since "$t0" | cut -d. -f1)" -lt "$RELOAD_WAIT" ] ||
	    die "some worker did not pick up the scale data within ${RELOAD_WAIT} s"
done
echo "  every worker answers for the scale data by $(secs_since "$t0") s after the load" \
    "(a 2 s warm-up without a 404)"
measure scale /api/contact "$ROOT/tests/bench/scale.lua" "$SCALE_ENTRIES"
worker_rss >"$VAR/rss.scale"
echo "  kfroute.fcgi RSS after the run: $(rss_text <"$VAR/rss.scale")"

# 4. scale+churn: the same under presence changes of random scale agents,
# paced to CHURN_RATE a second, through one mariadb client. Every change
# moves active_sessions, so each is a real row change. The client itself
# counts the rows it changed (@n) and stamps its first and last statement
# with the database's clock: the rate the database really took, even if
# the client fell behind the pacing.
churn_feed() {	# until $CHURN_STOP exists; "sent centiseconds" to churn.sent
	echo "SET @n = 0; SELECT 'start', UNIX_TIMESTAMP(NOW(6));"
	# One perl process paces the statements (Debian's perl-base): a shell
	# loop forking date, awk and sleep twenty times a second would take
	# CPU from the workers it measures.
	perl -e '
		my ($rate, $agents, $stop, $out) = @ARGV;
		$| = 1;
		srand(42);
		my ($sent, $t0) = (0, uptime());
		sub uptime { open(my $f, "<", "/proc/uptime"); my ($u) = split(" ", <$f>); return $u; }
		until (-e $stop) {
			my $due = int((uptime() - $t0) * $rate);
			for (; $sent < $due; $sent++) {
				my $r = rand();
				my $st = $r < 0.6 ? "online" : $r < 0.8 ? "busy" : "offline";
				printf "UPDATE kf_agent SET status = \x27%s\x27, " .
				    "status_source = \x27manual\x27, status_at = NOW(), " .
				    "active_sessions = (active_sessions + 1) MOD (capacity + 1) " .
				    "WHERE id = \x27scale-a%05d\x27; SET \@n = \@n + ROW_COUNT();\n",
				    $st, int(rand() * $agents) + 1;
			}
			select(undef, undef, undef, 0.02);
		}
		open(my $o, ">", $out);
		printf $o "%d %d\n", $sent, int((uptime() - $t0) * 100);
	' "$CHURN_RATE" "$SCALE_AGENTS" "$CHURN_STOP" "$VAR/churn.sent"
	echo "SELECT 'end', UNIX_TIMESTAMP(NOW(6)), @n;"
}
version() { $SQL -N -B -e "SELECT config_version FROM kf_meta"; }
rm -f "$CHURN_STOP" "$VAR/churn.sent" "$VAR/churn.out"
v0=$(version)
(churn_feed | $SQL -N -B >"$VAR/churn.out") &
CHURN_PID=$!
warm /api/contact "$ROOT/tests/bench/scale.lua" "$SCALE_ENTRIES" ||
    die "scale+churn: warm-up answers were not all 2xx"
measure scale+churn /api/contact "$ROOT/tests/bench/scale.lua" "$SCALE_ENTRIES"
worker_rss >"$VAR/rss.churn"
stop_churn || die "the churn's mariadb client failed (see $VAR/churn.out)"
v1=$(version)
awk -v want="$CHURN_RATE" -v moved=$((v1 - v0)) -v sent_file="$VAR/churn.sent" '
$1 == "start" { t0 = $2 }
$1 == "end"   { t1 = $2; rows = $3 }
END {
	getline line < sent_file	# lines sent, centiseconds
	split(line, f)
	db = t1 > t0 ? rows / (t1 - t0) : 0
	sent = f[2] > 0 ? f[1] * 100 / f[2] : 0
	printf "  churn: %d changes/s asked, %.1f/s sent, %.1f/s taken by the" \
	    " database (%d rows in %.1f s); config_version moved %d times\n",
	    want, sent, db, rows, t1 - t0, moved
	if (db < 0.9 * want)
		print "  churn: WARNING: the database took under 90% of the rate asked"
}' "$VAR/churn.out"
echo "  kfroute.fcgi RSS after the run: $(rss_text <"$VAR/rss.churn")"

"$ROOT/scripts/scale-data.sh" remove 2>>"$VAR/scale-data.log" ||
    echo "bench: the scale data was not removed: see $VAR/scale-data.log" >&2

# The targets of issue 16.
rss_kb=$(cat "$VAR/rss.scale" "$VAR/rss.churn" | rss_max_kb)
echo
echo "targets (issue 16):"
awk -v rss_kb="$rss_kb" '
{ rps[$1] = $2; p99[$1] = $3 }
function ratio(a, b) { return b > 0 ? a / b : 0 }
function check(what, value, unit, ok) {
	printf "  %-36s %7.2f %-2s  %s\n", what, value, unit, ok ? "ok" : "FAIL"
}
END {
	r = ratio(rps["anonymous"], rps["null"])
	check("anonymous >= 0.9 x null", r, "x", r >= 0.9)
	r = ratio(rps["verified"], rps["anonymous"])
	check("verified >= 0.8 x anonymous", r, "x", r >= 0.8)
	r = ratio(rps["scale"], rps["null"])
	check("scale >= 0.8 x null", r, "x", r >= 0.8)
	mb = rss_kb / 1024
	check("worker RSS <= 24 MB (scale runs, max)", mb, "MB", mb > 0 && mb <= 24)
	r = ratio(rps["scale+churn"], rps["scale"])
	check("scale+churn >= 0.9 x scale", r, "x", r >= 0.9)
	r = ratio(p99["scale+churn"], p99["scale"])
	check("scale+churn p99 <= 2 x scale p99", r, "x", p99["scale"] > 0 && r <= 2)
}' "$RESULTS"
echo "wrk reports: $VAR/*.wrk"

# Something broke when an answer was not 2xx, a socket failed, or a run
# made no request at all.
broken=$(awk '$4 > 0 || $5 > 0 || $7 == 0 { printf " %s", $1 }' "$RESULTS")
[ -z "$broken" ] || die "not every request was answered with 2xx in:$broken (see $VAR/*.wrk, $VAR/log/)"
