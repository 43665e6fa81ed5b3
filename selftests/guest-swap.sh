# SPDX-License-Identifier: GPL-2.0
# Sourced by the guest scripts (guest-run.sh, bench/guest-bench.sh).

# zram_swap LOG: 1 GiB of swap on zram, so that MADV_PAGEOUT has somewhere
# to write; a failure is noted in LOG (the tests that need swap then say so).
zram_swap() {
	if [ ! -e /sys/block/zram0/disksize ]; then
		echo "guest: no zram device" >>"$1"
		return 1
	fi
	echo 1G >/sys/block/zram0/disksize &&
		mkswap /dev/zram0 >/dev/null && swapon /dev/zram0 && return 0
	echo "guest: zram swap setup failed" >>"$1"
	return 1
}
