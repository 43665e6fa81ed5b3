#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs in the guest for scripts/run: show that the CoW-context code is live.
res=$1
out=$res/demo.txt
{
	echo "kernel: $(uname -r)"
	# KUnit result of the cow_context suite, from the boot log.
	k=$(dmesg | sed 's/^\[[ 0-9.]*\] //' | grep -E '^(not )?ok [0-9]+ cow_context$')
	echo "kunit: ${k:-cow_context suite not found}"
	dmesg | sed 's/^\[[ 0-9.]*\] //' | awk '/# Subtest: cow_context/{on=1;next} on && /^    (not )?ok/{print "  " $0} on && /^(not )?ok/{on=0}'
	# A fork/CoW round trip: the child writes, the parent's data stays.
	tmp=$(mktemp)
	python3 - <<'PY' >"$tmp" 2>&1
import mmap, os
m = mmap.mmap(-1, 1 << 20, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
m[:5] = b"alpha"
pid = os.fork()
if pid == 0:
    m[:5] = b"bravo"
    os._exit(0 if m[:5] == b"bravo" else 1)
_, st = os.waitpid(pid, 0)
ok = os.WEXITSTATUS(st) == 0 and m[:5] == b"alpha"
print("fork/CoW: child wrote 'bravo', parent still reads %r: %s" % (bytes(m[:5]).decode(), "ok" if ok else "FAIL"))
PY
	cat "$tmp"
	if [[ $k == "ok "* ]] && grep -q ': ok$' "$tmp"; then
		echo "demo: ok"
	else
		echo "demo: FAILED"
	fi
} >"$out" 2>&1
