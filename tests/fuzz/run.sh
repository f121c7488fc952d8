#!/bin/sh
# Run every fuzz target (FUZZING.md): replay its crash reproducers in
# tests/fuzz/crashes/TARGET/, then fuzz it from its seeds in
# tests/fuzz/corpus/TARGET/ for FUZZ_RUNS executions (default 1000000),
# or FUZZ_TIME seconds (default 150) if that comes first.  Two targets
# run at a time.  Any crash, leak, sanitizer report or timeout fails the
# run; its input is left in obj-fuzz/out/TARGET/.
#
#	sh tests/fuzz/run.sh [TARGET ...]	after make fuzz-build
#
# The parsers accept host names (aix-reference.md 1.2) and resolve them
# with getaddrinfo(), so fuzzed names would become DNS queries: every
# target runs in a network namespace of its own, with no interfaces
# but a downed loopback, where a lookup fails at once.
set -u
cd "$(dirname "$0")/../.."
RUNS=${FUZZ_RUNS:-1000000}
TIME=${FUZZ_TIME:-150}
OUT=obj-fuzz/out
# Slowest first, two at a time; then any target not named here.
ORDER="ipf_input ipf_output rule tunfield ctl"
all=$(ls tests/fuzz/*_fuzz.c | sed 's|.*/||; s|_fuzz\.c$||')
targets=${*:-$ORDER $(echo "$all" | grep -vxF "$(echo $ORDER | tr ' ' '\n')")}

# One target; its log in $OUT/NAME.log, exit status that of libFuzzer.
fuzz_one() {
	name=$1
	bin=obj-fuzz/bin/${name}_fuzz
	dir=$OUT/$name
	rm -rf "$dir"
	mkdir -p "$dir/corpus"
	if [ -d "tests/fuzz/crashes/$name" ] &&
	    [ -n "$(ls "tests/fuzz/crashes/$name")" ]; then
		$NONET "$bin" -artifact_prefix="$dir/" \
		    tests/fuzz/crashes/$name/* \
		    >"$dir/replay.log" 2>&1 || {
			echo "$name: a crash reproducer fails again" \
			    "($dir/replay.log)"
			return 1
		}
	fi
	$NONET "$bin" -runs="$RUNS" -max_total_time="$TIME" -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$dir/" \
	    "$dir/corpus" "tests/fuzz/corpus/$name" >"$OUT/$name.log" 2>&1
}

if unshare -n true 2>/dev/null; then
	NONET="unshare -n"
elif unshare -rn true 2>/dev/null; then
	NONET="unshare -rn"
else
	echo "run.sh: cannot make a network namespace (unshare -n)" >&2
	exit 1
fi

mkdir -p "$OUT"
fail=0
set -- $targets
while [ $# -gt 0 ]; do
	a=$1; shift
	b=${1:-}; [ $# -gt 0 ] && shift
	fuzz_one "$a" & pa=$!
	pb=
	if [ -n "$b" ]; then fuzz_one "$b" & pb=$!; fi
	for t in "$a:$pa" ${b:+"$b:$pb"}; do
		n=${t%%:*}
		if wait "${t#*:}"; then st=ok; else st=FAILED; fail=1; fi
		ex=$(sed -n 's/^stat::number_of_executed_units: *//p' \
		    "$OUT/$n.log")
		cov=$(grep -o 'cov: [0-9]*' "$OUT/$n.log" | tail -1)
		echo "$n: $st, ${ex:-?} executions, $cov"
		[ "$st" = ok ] || grep -E '^(==[0-9]+==ERROR|SUMMARY|.*fuzz.*: )' \
		    "$OUT/$n.log" | head -20
	done
done
exit $fail
