#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the virtme-ng guest (started by scripts/vmtest).
# usage: guest-run.sh RESULTS_DIR SELFTESTS_BIN_DIR RUNLIST
# RUNLIST: "NAME TIMEOUT COMMAND" lines (scripts/plan.py runlist). For each:
# RESULTS_DIR/NAME.log (output), NAME.rc (exit status) and NAME.time; then
# dmesg.txt, vmstat.txt, slabinfo.txt and meminfo.txt (after every cache
# is shrunk: what the plan left allocated) and done.
res=$1 bin=$2 runlist=$3

# Swap on zram, so that MADV_PAGEOUT and the swapped-out variants work.
. "$(dirname "$0")/guest-swap.sh"
zram_swap "$res/guest.log"
# hugetlb pages for cow and uffd's hugetlb variants (32 x 2 MiB per node).
echo 64 >/proc/sys/vm/nr_hugepages 2>/dev/null
mount -t debugfs none /sys/kernel/debug 2>/dev/null
# The kernel has no modules (CONFIG_MODULES=n); what run_vmtests.sh would
# modprobe is built in (test_hmm, hwpoison_inject). Its hmm category asks
# modinfo first: give modinfo and modprobe the kernel's list of built-in
# modules (scripts/vmtest copies modules.builtin* into the binaries'
# folder) in a tmpfs over the root's empty /lib/modules.
if [ -f "$bin/modules.builtin.modinfo" ] && mount -t tmpfs tmpfs /lib/modules 2>>"$res/guest.log"; then
	mkdir -p "/lib/modules/$(uname -r)" &&
		cp "$bin"/modules.builtin* "/lib/modules/$(uname -r)/" &&
		depmod -a 2>/dev/null
	echo "built-in modules listed for modinfo: $(wc -l <"$bin/modules.builtin")" >>"$res/guest.log"
fi
{
	echo "nodes: $(ls -d /sys/devices/system/node/node* | wc -l)"
	echo "swap: $(tail -n +2 /proc/swaps | wc -l)"
	echo "hugepages: $(cat /proc/sys/vm/nr_hugepages)"
	uname -a
} >>"$res/guest.log"

# Tests create files in their working directory and some exec themselves
# as ./NAME: run them from a tmpfs copy of the selftests folder.
work=$(mktemp -d /tmp/mmtests.XXXXXX) && cp -a "$bin/." "$work/" && cd "$work" || {
	echo "guest: cannot prepare a writable test folder" >>"$res/guest.log"
	exit 1
}
while read -r name tmo cmd; do
	echo "guest: running $name" >/dev/kmsg
	start=$(date +%s)
	timeout -k 10 "$tmo" bash -c "./$cmd" </dev/null >"$res/$name.log" 2>&1
	echo $? >"$res/$name.rc"
	echo $(($(date +%s) - start)) >"$res/$name.time"
done <"$runlist"
# Debug kernels (scripts/build --debug): one kmemleak scan after the tests.
if [ -w /sys/kernel/debug/kmemleak ]; then
	echo scan >/sys/kernel/debug/kmemleak
	sleep 5
	echo scan >/sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak >"$res/kmemleak.txt"
fi
# Lockdep kernels: every lock class it saw and its direct dependencies
# (scripts/results.py reports the order it found for the series' locks).
[ -r /proc/lockdep ] && cat /proc/lockdep >"$res/lockdep.txt"
dmesg >"$res/dmesg.txt"
cat /proc/vmstat >"$res/vmstat.txt"
# The slab memory the plan left behind (scripts/results.py: anon_vma,
# anon_vma_chain, cow_context*, Slab): per-CPU slabs and sheaves flushed
# first, as P1 of scripts/bench does, and a pause for RCU-freed objects.
sleep 1
for f in /sys/kernel/slab/*/shrink; do echo 1 >"$f"; done 2>/dev/null
sleep 1
cat /proc/slabinfo >"$res/slabinfo.txt" 2>/dev/null
cat /proc/meminfo >"$res/meminfo.txt"
grep -E '^(Node|MemTotal|SwapTotal)' /proc/meminfo >>"$res/guest.log" 2>/dev/null
echo done >"$res/done"
