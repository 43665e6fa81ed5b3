# Python regular expressions: a dmesg line matching any of them fails vmtest,
# unless it also matches one of the "!" lines (a report a test asks for).
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
