#!/bin/sh
# make bench: one step per benchmark, each printing its own figures and
# ratios measured within the same run.  Add steps below.
set -e
top=$(cd "$(dirname "$0")/../.." && pwd)

"$top/obj/bench/cls_bench"		# filter lookup (BENCHMARKS.md)
"$top/obj/bench/ipsec_bench"		# ESP through the engine vs openssl speed
"$top/obj/bench/log_bench"		# logging on the permit path (BENCHMARKS.md)
sh "$top/tests/bench/net_bench.sh"	# TCP through ipsecd and its baselines
