#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Read the TAP that tools/testing/selftests/mm/run_vmtests.sh prints.

run_vmtests.sh prints one TAP line per program it runs ("ok 3 cow",
"not ok 4 migration # exit=1", "ok 5 ksm_tests -U # SKIP") and, before
each, the program's own output behind its "# " prefix. Programs built on
kselftest.h or kselftest_harness.h print TAP of their own, so their
cases appear as "# ok 12 name" / "# not ok 13 name" / "# ok 14 name #
SKIP reason" lines. This module turns one such log into programs and
their cases, so that two runs (base and patched kernel) can be compared
case by case (scripts/compare.py). The kernel has no parser for this
nesting (kunit.py reads KTAP subtests indented by four spaces, not the
"# " diagnostic prefix), hence this one.

  tap.py LOG...    print "STATUS KEY" lines, the format compare.py reads

STATUS is pass, fail, skip or xfail. A program's KEY is its command line
as run_vmtests.sh names it ("ksm_tests -U"); a case's KEY is the
program's KEY, " :: " and the case's description. A description seen
twice in one program gets " [2]", " [3]"... so every KEY is unique.
"""
import re
import sys
from typing import List, NamedTuple, Tuple

TOP = re.compile(r"^(ok|not ok) (\d+) (.*?)(?: # (SKIP|exit=\d+).*)?$")
CASE = re.compile(r"^# (ok|not ok) (\d+) (.*)$")
DIRECTIVE = re.compile(r"\s+#\s*(SKIP|XFAIL|XPASS|TODO|TIMEOUT)\b.*$", re.I)


class Program(NamedTuple):
    name: str
    status: str  # pass, fail or skip
    detail: str  # "exit=N" for a failure
    cases: List[Tuple[str, str]]  # (description, status)


def case_status(ok: str, rest: str) -> Tuple[str, str]:
    """Description and status of a case line's text after "ok N ".
    kselftest_harness.h puts a directive after the description ("name #
    SKIP why"), kselftest.h's ksft_test_result_skip()/_xfail() instead of
    one ("# SKIP why", "# XFAIL why"): the reason is then the name."""
    m = DIRECTIVE.search(rest)
    if m:
        desc, word = rest[: m.start()].strip(), m.group(1).upper()
    else:
        m = re.match(r"^#\s*(SKIP|XFAIL|XPASS|TODO|TIMEOUT)\b\s*(.*)$", rest, re.I)
        if m:
            desc, word = m.group(2).strip(), m.group(1).upper()
        else:
            desc, word = rest.strip(), ""
    if word == "SKIP":
        return desc, "skip"
    if word == "XFAIL":
        return desc, "xfail"
    if word == "TODO":
        return desc, "xfail" if ok != "ok" else "pass"
    # XPASS (passed, though expected to fail) is a pass; TIMEOUT a failure
    return desc, "pass" if ok == "ok" else "fail"


def parse(text: str) -> Tuple[List[Program], bool]:
    """Programs of one run_vmtests.sh log, and whether the log ended with
    its plan line ("1..N"): a log without one was cut short."""
    progs: List[Program] = []
    cases: List[Tuple[str, str]] = []
    seen: dict = {}
    complete = False
    for line in text.splitlines():
        line = line.rstrip("\r")
        if re.match(r"^1\.\.\d+$", line):
            complete = True
            continue
        m = TOP.match(line)
        if m:
            ok, _, name, directive = m.groups()
            if directive == "SKIP":
                st, detail = "skip", ""
            elif ok == "ok":
                st, detail = "pass", ""
            else:
                st, detail = "fail", directive or ""
            progs.append(Program(name.strip(), st, detail, cases))
            cases, seen = [], {}
            continue
        m = CASE.match(line)
        if m:
            desc, st = case_status(m.group(1), m.group(3))
            n = seen.get(desc, 0) + 1
            seen[desc] = n
            cases.append((desc if n == 1 else "%s [%d]" % (desc, n), st))
    return progs, complete


def totals(progs: List[Program]) -> dict:
    t = {"pass": 0, "fail": 0, "skip": 0, "xfail": 0}
    for p in progs:
        for _, st in p.cases:
            t[st] += 1
    return t


def keyed(progs: List[Program]) -> List[Tuple[str, str]]:
    out = []
    seen: dict = {}
    for p in progs:
        n = seen.get(p.name, 0) + 1
        seen[p.name] = n
        name = p.name if n == 1 else "%s [%d]" % (p.name, n)
        out.append((name, p.status))
        for d, st in p.cases:
            out.append(("%s :: %s" % (name, d), st))
    return out


def selftest() -> None:
    log = "\n".join([
        "TAP version 13",
        "# -----",
        "# running ./cow",
        "# TAP version 13",
        "# 1..3",
        "# ok 1 Basic COW",
        "# not ok 2 Basic COW",
        "# ok 3 hugetlb # SKIP no pages",
        "# # Totals: pass:1 fail:1 xfail:0 xpass:0 skip:1 error:0",
        "# [FAIL]",
        "not ok 1 cow # exit=1",
        "# [SKIP]",
        "ok 2 ksm_tests -U # SKIP",
        "# ok 1 x # XFAIL known",
        "# ok 2 # XFAIL vmsplice",
        "# not ok 3 slow # TIMEOUT",
        "# ok 4 lucky # XPASS unknown",
        "ok 3 mkdirty",
        "1..3",
    ])
    progs, complete = parse(log)
    assert complete
    assert [(p.name, p.status) for p in progs] == [("cow", "fail"), ("ksm_tests -U", "skip"), ("mkdirty", "pass")]
    assert progs[0].cases == [("Basic COW", "pass"), ("Basic COW [2]", "fail"), ("hugetlb", "skip")]
    assert progs[2].cases == [("x", "xfail"), ("vmsplice", "xfail"), ("slow", "fail"),
                              ("lucky", "pass")]
    assert totals(progs) == {"pass": 2, "fail": 2, "skip": 1, "xfail": 2}
    assert keyed(progs)[1] == ("cow :: Basic COW", "pass")
    assert not parse("TAP version 13\nok 1 cow\n")[1]


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if len(sys.argv) > 1 else 1
    if sys.argv[1] == "--self-test":
        selftest()
        print("tap.py self-test passed")
        return 0
    for path in sys.argv[1:]:
        with open(path, errors="replace") as f:
            for k, st in keyed(parse(f.read())[0]):
                print(st, k)
    return 0


if __name__ == "__main__":
    sys.exit(main())
