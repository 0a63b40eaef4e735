#!/usr/bin/env bash
# Samples the CPU that each node of the local Citus cluster spends, for
# docs/scale.md: every 0.1 s a line of the Unix time and, for the
# coordinator, worker1 and worker2 under DIR (cluster.sh's directory),
# the CPU ticks of the postmaster's children, alive (utime+stime) and
# exited (cutime+cstime). Run it in the background during
# BenchmarkCitusThroughput -v, then give its output and the windows the
# benchmark logs to citus_cpu_window.py.
#
#   bash citus_cpu_sample.sh /tmp/citus-journey > samples.txt &
set -euo pipefail
dir=${1:-/tmp/citus-journey}
while :; do
	line="$(date +%s.%N)"
	for n in coordinator worker1 worker2; do
		pm=$(head -1 "$dir/$n/postmaster.pid")
		t=$(awk '{print $16+$17}' "/proc/$pm/stat")
		for c in $(cat "/proc/$pm/task/$pm/children" 2>/dev/null); do
			v=$(awk '{print $14+$15}' "/proc/$c/stat" 2>/dev/null || true)
			t=$((t + ${v:-0}))
		done
		line="$line $t"
	done
	echo "$line"
	sleep 0.1
done
