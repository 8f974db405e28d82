#!/bin/sh
# Run the libFuzzer harnesses that `make fuzz` / `make fuzz-smoke` built
# (tests/fuzz/fuzz_<name>.c into BUILD/bin/fuzz_<name>).
#
#   scripts/fuzz.sh BUILD SECONDS          fuzz each harness for SECONDS
#   scripts/fuzz.sh --smoke BUILD SECONDS  first run every committed corpus
#                                          and regression file once, then
#                                          fuzz each for SECONDS
#
# Each harness fuzzes a scratch copy of tests/fuzz/corpus/<name> in
# BUILD/run/<name>/corpus: the committed corpus never grows by itself
# (copy a finding worth keeping into tests/fuzz/regressions/<name>/ by
# hand). The first crash, leak, sanitizer report or broken invariant stops
# the run and names its reproducer. FUZZ_ONLY="csv jsonin" runs just those.
set -eu

smoke=0
if [ "${1:-}" = --smoke ]; then
	smoke=1
	shift
fi
[ $# -eq 2 ] || { echo "usage: $0 [--smoke] BUILD SECONDS" >&2; exit 2; }
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BUILD=$1
SECONDS_EACH=$2
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"

# Longest input per harness: a little over what the code takes for real
# (request bodies up to 16 KiB, tickets 128 bytes, tokens ~150).
max_len() {
	case $1 in
	req|jsonin|csv|csv_import|cfg) echo 8192 ;;
	token|ticket)			echo 512 ;;
	route|url|text)			echo 1024 ;;
	*)				echo 4096 ;;
	esac
}

names=${FUZZ_ONLY:-$(find "$BUILD/bin" -name 'fuzz_*' -type f |
    sed 's|.*/fuzz_||' | sort)}
start=$(date +%s)

# Every committed input once: corpus and regressions (a fixed bug stays
# fixed). A crash here is in a file under tests/fuzz/.
if [ $smoke -eq 1 ]; then
	for name in $names; do
		bin=$BUILD/bin/fuzz_$name
		files=$(find "tests/fuzz/corpus/$name" \
		    "tests/fuzz/regressions/$name" -type f 2>/dev/null | sort)
		[ -n "$files" ] || continue
		log=$BUILD/run/$name/replay.log
		mkdir -p "$BUILD/run/$name"
		# shellcheck disable=SC2086 # one argument per file
		if ! "$bin" -rss_limit_mb=2048 -timeout=30 $files >"$log" 2>&1; then
			tail -n 40 "$log" >&2
			bad=$(sed -n 's/^Running: //p' "$log" | tail -n 1)
			echo "fuzz_$name: FAILED on committed input $bad" >&2
			echo "  replay: $bin $bad" >&2
			exit 1
		fi
		echo "fuzz_$name: $(echo "$files" | wc -l) committed inputs ok"
	done
fi

for name in $names; do
	bin=$BUILD/bin/fuzz_$name
	run=$BUILD/run/$name
	rm -rf "$run/corpus" "$run/crashes"
	mkdir -p "$run/corpus" "$run/crashes"
	if [ -d "tests/fuzz/corpus/$name" ]; then
		cp tests/fuzz/corpus/"$name"/* "$run/corpus/"
	fi
	seeds=$(find "$run/corpus" -type f | wc -l)
	if ! "$bin" -max_total_time="$SECONDS_EACH" -max_len="$(max_len "$name")" \
	    -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$run/crashes/" "$run/corpus" \
	    >"$run/fuzz.log" 2>&1; then
		tail -n 40 "$run/fuzz.log" >&2
		repro=$(find "$run/crashes" -type f | head -n 1)
		echo "fuzz_$name: FAILED; reproducer: ${repro:-(none written)}" >&2
		echo "  replay: $bin ${repro:-}" >&2
		echo "  log: $run/fuzz.log" >&2
		exit 1
	fi
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$run/fuzz.log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$run/fuzz.log")
	echo "fuzz_$name: ${runs:-?} runs, ${rate:-?} exec/s," \
	    "corpus $seeds -> $(find "$run/corpus" -type f | wc -l)"
done
echo "fuzz: $(echo "$names" | wc -w) harnesses clean in $(( $(date +%s) - start )) s"
