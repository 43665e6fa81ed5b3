#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the virtme-ng guest (started by scripts/profile).
# usage: guest-profile.sh RESULTS_DIR PERIOD_NS PROGRAM [ARGS...]
# Sets up the machine as guest-bench.sh does (zram swap), runs PROGRAM
# once to warm up, then again under perf record (cpu-clock, every
# PERIOD_NS of guest time it runs, call graphs, its forked children too) and writes
# RESULTS_DIR/bench.txt (its RESULT lines), report.txt (self time per
# symbol), report-children.txt (time including callees) and
# report-callers.txt (the callers of the hottest symbols); done marks the end.
res=$1 period=$2
shift 2
. "$(dirname "$0")/../guest-swap.sh"
zram_swap "$res/guest.txt"
sysctl -q -w vm.max_map_count=262144 2>/dev/null || true
echo 0 >/proc/sys/kernel/kptr_restrict
echo -1 >/proc/sys/kernel/perf_event_paranoid
# No throttling: the sampling rate is the timer's (HZ without high-res timers).
echo 100 >/proc/sys/kernel/perf_cpu_time_max_percent
echo 1000000 >/proc/sys/kernel/perf_event_max_sample_rate
mount -t tmpfs none /tmp 2>/dev/null || true
if ! command -v perf >/dev/null; then
	echo "perf missing in the guest (linux-perf in the root: scripts/setup)" >"$res/error"
	exit 1
fi
"$@" >"$res/warm.txt" 2>&1 || { cp "$res/warm.txt" "$res/error"; exit 1; }
perf record -q -e cpu-clock -c "$period" -g -o /tmp/perf.data -- "$@" \
	>"$res/bench.txt" 2>"$res/perf-record.log" || { cp "$res/perf-record.log" "$res/error"; exit 1; }
perf report -i /tmp/perf.data --no-children --sort sym --stdio -g none \
	--percent-limit 0.2 >"$res/report.txt" 2>/dev/null
perf report -i /tmp/perf.data --children --sort sym --stdio -g none \
	--percent-limit 1 >"$res/report-children.txt" 2>/dev/null
perf report -i /tmp/perf.data --no-children --sort sym --stdio -G \
	--percent-limit 1.5 >"$res/report-callers.txt" 2>/dev/null
echo done >"$res/done"
