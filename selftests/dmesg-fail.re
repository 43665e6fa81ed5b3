# Python regular expressions: a dmesg line matching any of them fails vmtest,
# unless it also matches one of the "!" lines (a report a test asks for),
# or one of the 6 lines before it matches an "!after:" line (the header
# of a known report: its "Call Trace:" is allowed, nothing else is).
WARNING:
BUG:
Oops
general protection fault
Kernel panic
kernel BUG at
possible circular locking
possible recursive locking
inconsistent lock state
INFO: possible irq lock inversion
suspicious RCU usage
turning off the locking correctness validator
DEBUG_LOCKS_WARN_ON
KASAN:
UBSAN:
kmemleak: \d+ new suspected memory leaks
unreferenced object
INFO: task .* blocked for more than
rcu: INFO: rcu_.* (self-)?detected stall
Call Trace:
refcount_t:
list_add corruption
list_del corruption
page dumped because
bad page state
BAD page state
cow_context: .*mismatch
# run_vmtests.sh's gup_test category dumps pages on purpose
# (gup_test -ct -F 0x1: "dump_pages() test").
!page dumped because: gup_test: dump_pages\(\) test
# hmm-tests: test_hmm's dmirror_devmem_fault_alloc_and_copy() asks for a
# THP with __GFP_NORETRY and no __GFP_NOWARN, and falls back to small pages
# when it fails; under the debug kernel's memory pressure (KASAN) it does,
# and warn_alloc() prints a trace (session 18). Upstream's driver, not a
# report of the kernel under test.
!after:^\[[ 0-9.]+\] hmm-tests: page allocation failure: order:9, mode:0x[0-9a-f]+\([A-Z_|]*__GFP_NORETRY
