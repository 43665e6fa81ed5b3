#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs in the guest for scripts/run: swap on zram (for MADV_PAGEOUT), then
# the demonstration RES/demo (selftests/demo.c) into RES/demo.txt, the
# kernel's version into uname.txt and dmesg (whose KTAP the host reads
# with kunit.py parse) into dmesg.txt.
res=$1
. "$(dirname "$0")/guest-swap.sh"
zram_swap "$res/guest.log"
uname -r >"$res/uname.txt"
cd /tmp && "$res/demo" >"$res/demo.txt" 2>&1
echo $? >"$res/demo.rc"
dmesg >"$res/dmesg.txt"
