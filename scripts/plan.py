#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The project's one plan parser.

Two kinds of plan share one syntax, one entry a line, '#' lines and blank
lines ignored:

  selftests/plan (scripts/vmtest):    NAME TIMEOUT POLICY COMMAND...
  a bench plan (scripts/bench, --bench): NAME TIMEOUT PROGRAM ARGS...

TIMEOUT is in seconds. POLICY is "run" (a skipped case is a failure),
"any" (a skip is reported as a skip), "verify" (only on kernels with
CONFIG_ANON_COW_CONTEXT_VERIFY=y, where it is "run") or "series" (only
on kernels with CONFIG_ANON_COW_CONTEXT=y: "run" with the oracle on,
"any" without it, where the series' own tests skip the cases that read
the oracle's counters); a bench entry's policy is "run". scripts/results.py and scripts/bench-report.py import
this module; the shell scripts call it:

  plan.py [--bench] PLAN names [--series] [--verify] [NAME...]
  plan.py [--bench] PLAN total-timeout [--series] [--verify] [--scale K] [NAME...]
  plan.py [--bench] PLAN runlist [--series] [--verify] [--scale K] [NAME...]
        the entries' names (one a line), the sum of their timeouts, or
        "NAME TIMEOUT COMMAND..." lines, what the guest scripts run
        (selftests/guest-run.sh, selftests/bench/guest-bench.sh): of all
        entries or of the NAMEs given, "verify" ones only with --verify,
        "series" ones only with --series or --verify (the oracle comes
        with the series); --scale K multiplies every timeout by the
        whole number K (scripts/vmtest on debug kernels)

  plan.py PLAN repeat N [NAME...]
        a plan of N rounds of the entries (of the NAMEs given), in the
        plan's order, named NAME@1 ... NAME@N (scripts/vmtest --repeat:
        how often a test fails in N runs, compare.py --tally counts)

A malformed line, a duplicate name or an unknown NAME is an error naming
the file and line (exit 1).
"""
import sys
from typing import List, NamedTuple

POLICIES = ("run", "any", "verify", "series")


class Entry(NamedTuple):
    name: str
    timeout: int
    policy: str
    command: str
    line: int


class PlanError(Exception):
    pass


def read(path: str, bench: bool = False) -> List[Entry]:
    try:
        with open(path) as f:
            text = f.read()
    except OSError as e:
        raise PlanError("cannot read plan %s: %s" % (path, e.strerror))
    entries, seen = [], set()
    for no, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        f = line.split(None, 2 if bench else 3)
        want = 3 if bench else 4
        where = "%s:%d" % (path, no)
        if len(f) < want:
            raise PlanError("%s: want %s, got %r" % (
                where, "NAME TIMEOUT PROGRAM [ARGS]" if bench else
                "NAME TIMEOUT POLICY COMMAND", raw))
        if not f[1].isdigit() or int(f[1]) == 0:
            raise PlanError("%s: timeout %r is not a positive number of seconds" % (where, f[1]))
        policy, command = ("run", f[2]) if bench else (f[2], f[3])
        if policy not in POLICIES:
            raise PlanError("%s: policy %r is not one of %s" % (where, policy, ", ".join(POLICIES)))
        if f[0] in seen:
            raise PlanError("%s: %s is planned twice" % (where, f[0]))
        seen.add(f[0])
        entries.append(Entry(f[0], int(f[1]), policy, command, no))
    return entries


def main(argv: List[str]) -> int:
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0
    bench = False
    if argv and argv[0] == "--bench":
        bench, argv = True, argv[1:]
    if len(argv) < 2 or argv[1] not in ("names", "total-timeout", "runlist", "repeat"):
        sys.stderr.write(__doc__)
        return 1
    path, what, rest = argv[0], argv[1], argv[2:]
    try:
        plan = read(path, bench)
        scale = 1
        if "--scale" in rest:
            k = rest.index("--scale")
            if what not in ("total-timeout", "runlist") or k + 1 >= len(rest) or \
               not rest[k + 1].isdigit() or int(rest[k + 1]) < 1:
                raise PlanError("--scale wants a whole number of at least 1, with total-timeout or runlist")
            scale, rest = int(rest[k + 1]), rest[:k] + rest[k + 2:]
        verify = "--verify" in rest
        series = verify or "--series" in rest
        only = [a for a in rest if a not in ("--verify", "--series")]
        times = 0
        if what == "repeat":
            if not only or not only[0].isdigit() or int(only[0]) < 1:
                raise PlanError("repeat wants a count of at least 1, then test names")
            times, only, verify, series = int(only[0]), only[1:], True, True
        names = {e.name for e in plan}
        for n in only:
            if n not in names:
                raise PlanError("%s: no test %r in the plan" % (path, n))
        sel = [e for e in plan if (not only or e.name in only) and
               (verify or e.policy != "verify") and
               (series or e.policy != "series")]
        if what == "repeat":
            # round by round, so that each round runs in the plan's order
            for k in range(1, times + 1):
                for e in sel:
                    print("%s@%d %d %s %s" % (e.name, k, e.timeout, e.policy, e.command))
        elif what == "names":
            print("\n".join(e.name for e in sel))
        elif what == "total-timeout":
            print(sum(e.timeout * scale for e in sel))
        else:
            for e in sel:
                print("%s %d %s" % (e.name, e.timeout * scale, e.command))
    except PlanError as e:
        print("error: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
