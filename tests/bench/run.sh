#!/bin/sh
# make bench: one step per benchmark, each printing its own figures and
# ratios measured within the same run.  Add steps below.
set -e
top=$(cd "$(dirname "$0")/../.." && pwd)

"$top/obj/bench/cls_bench"		# filter lookup (BENCHMARKS.md)
