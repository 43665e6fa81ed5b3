#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the virtme-ng guest (started by scripts/bench).
# usage: guest-bench.sh RESULTS_DIR BIN_DIR PLAN
# Sets up the machine as scripts/vmtest's guest does (zram swap; two NUMA
# nodes come from the qemu command line), then runs each line of PLAN
# ("name timeout(s) program args...") from BIN_DIR: RESULTS_DIR/NAME.log
# (RESULT lines and messages), NAME.rc, NAME.time, NAME.vm0 and NAME.vm1
# (the series' cow_context_rmap_* counters of /proc/vmstat before and
# after it; empty on a kernel without them); guest.txt describes the
# guest; done marks the end.
res=$1 bin=$2 plan=$3

{
	echo "uname_r: $(uname -r)"
	echo "uname_v: $(uname -v)"
	echo "nodes: $(ls -d /sys/devices/system/node/node* | wc -l)"
	echo "cpus: $(nproc)"
	echo "cmdline: $(cat /proc/cmdline)"
} >"$res/guest.txt"
# Swap on zram, for MADV_PAGEOUT (P3, P5).
. "$(dirname "$0")/../guest-swap.sh"
zram_swap "$res/guest.txt"
echo "swap: $(tail -n +2 /proc/swaps | wc -l)" >>"$res/guest.txt"
grep -E '^(MemTotal|SwapTotal)' /proc/meminfo >>"$res/guest.txt"
# P2 and P5 map up to 10000 VMAs (below the default 65530; raise anyway).
sysctl -q -w vm.max_map_count=262144 2>/dev/null ||
	echo 262144 >/proc/sys/vm/max_map_count
ulimit -n 65536 2>/dev/null || true
ulimit -u unlimited 2>/dev/null || true

cd /tmp || exit 1
while read -r name tmo prog args; do
	case "$name" in ''|'#'*) continue ;; esac
	echo "bench: running $name" >/dev/kmsg
	grep '^cow_context_rmap_' /proc/vmstat >"$res/$name.vm0"
	start=$(date +%s.%N)
	# shellcheck disable=SC2086
	timeout -k 10 "$tmo" "$bin/$prog" $args </dev/null >"$res/$name.log" 2>&1
	echo $? >"$res/$name.rc"
	grep '^cow_context_rmap_' /proc/vmstat >"$res/$name.vm1"
	echo "$start $(date +%s.%N)" | awk '{printf "%.1f\n", $2 - $1}' >"$res/$name.time"
done <"$plan"
dmesg >"$res/dmesg.txt"
echo done >"$res/done"
