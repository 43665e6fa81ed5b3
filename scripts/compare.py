#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Compare two scripts/vmtest runs case by case: the base kernel's and a
patched kernel's (the same tier of run_vmtests.sh categories).

  compare.py BASE_RES OTHER_RES FLAKY [--label NAME]
  compare.py --tally RES...
  compare.py --check-flaky FLAKY
  compare.py --self-test

BASE_RES and OTHER_RES are result folders of scripts/vmtest; each has a
cases.txt ("STATUS CATEGORY/KEY" lines, scripts/results.py writes it from
the TAP of run_vmtests.sh, scripts/tap.py names the keys). A case whose
name differs from base's only in numbers (a measurement in the name) is
taken for the same case.

Regressions: a case that passed on base (pass or xfail) and on the other
kernel failed, was skipped or did not appear at all; a case that base
skipped or did not print, or of a category base did not run (the
series' own), that fails on the other kernel; a category base ran that
the other kernel did not. Each is a regression unless FLAKY
(selftests/flaky) lists it: "PATTERN ## EVIDENCE" lines, PATTERN a key
or an fnmatch pattern of keys ("userfaultfd/uffd-unit-tests :: events*"), the
evidence how many of how many base runs failed so. A listed case that
failed is reported as flaky, with its evidence; a listed case that never
failed in this pair is reported as such, so the list can shrink.

--tally counts, over the runs of RES folders and over the repetitions
of one run (scripts/vmtest --repeat N names them CATEGORY@1..@N), how
often each case that did not always pass failed, skipped or was missing
(cases skipped in every run are only counted): the evidence
selftests/flaky asks for.

Prints one line per regression and flaky case, then "N cases compared,
N regressions (...)"; exits 1 on a regression or a malformed FLAKY line.
"""
import fnmatch
import os
import re
import sys
from typing import Dict, List, Tuple

GOOD = ("pass", "xfail")


def read_cases(res: str) -> Dict[str, str]:
    path = os.path.join(res, "cases.txt")
    out: Dict[str, str] = {}
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            st, _, key = line.partition(" ")
            out[key] = st
    return out


def read_flaky(path: str) -> List[Tuple[str, str]]:
    out = []
    with open(path) as f:
        for no, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            pat, sep, ev = line.partition(" ## ")
            if not sep or not pat.strip() or not ev.strip():
                raise ValueError("%s:%d: want 'PATTERN ## EVIDENCE'" % (path, no))
            out.append((pat.strip(), ev.strip()))
    return out


def category(key: str) -> str:
    return key.split("/", 1)[0]


def program(key: str) -> str:
    return key.split(" :: ", 1)[0]


def shape(key: str) -> str:
    return re.sub(r"\d+", "#", key)


def match_numbers(base: Dict[str, str], other: Dict[str, str]) -> Dict[str, str]:
    """other, with a case whose name differs from base's only in numbers
    (a measurement in the name: "Extra pages 24 (0.1%)") renamed to
    base's name: pairs are made in the order the cases ran."""
    spare: Dict[str, List[str]] = {}
    for k in other:
        if k not in base:
            spare.setdefault(shape(k), []).append(k)
    rename = {}
    for k in base:
        if k not in other and spare.get(shape(k)):
            rename[spare[shape(k)].pop(0)] = k
    return {rename.get(k, k): st for k, st in other.items()}


def compare(base: Dict[str, str], other: Dict[str, str], flaky: List[Tuple[str, str]]):
    """base and other map keys to statuses in the order the cases ran."""
    other = match_numbers(base, other)
    cats = {category(k) for k in base} & {category(k) for k in other}
    regress, flakes, both_bad, fixed, lost = [], [], [], [], []
    compared = 0
    used = set()

    def listed(key):
        # a pattern equal to the key matches it even with fnmatch's "[...]"
        # in it (tap.py's " [2]" of a repeated name)
        pats = [(p, e) for p, e in flaky if p == key or fnmatch.fnmatchcase(key, p)]
        used.update(p for p, _ in pats)
        return pats[0][1] if pats else None

    # A program that exits in the middle of a case (err(), ksft_exit_fail)
    # prints no line for that case or any later one: the first case of
    # base's order missing on the other kernel is the one that stopped it.
    # If that case is listed, the program's later missing cases are
    # reported as lost to it, not as regressions of their own.
    stopped = {}
    for key in base:
        if " :: " in key and category(key) in cats and key not in other:
            stopped.setdefault(program(key), key)
    crashed = {p: k for p, k in stopped.items() if listed(k)}
    bad_progs = set()
    for key in (k for k in base if category(k) in cats):
        b, o = base[key], other.get(key, "missing")
        compared += 1
        if b in GOOD and o not in GOOD:
            prog = program(key)
            ev = listed(key)
            if key == prog:
                continue  # decided below, from its cases
            if ev:
                flakes.append((key, o, ev))
            elif o == "missing" and prog in crashed:
                lost.append((key, crashed[prog]))
            else:
                regress.append((key, "passes on base, %s" % o))
                bad_progs.add(prog)
        elif b == "skip" and o == "fail":
            ev = listed(key)
            if ev:
                flakes.append((key, o, ev))
            else:
                regress.append((key, "fail (skipped on base)"))
        elif b == "fail" and o == "fail":
            both_bad.append(key)
        elif b != o and o in GOOD:
            fixed.append((key, b))
    # A program that passed on base and not on the other kernel: flaky if
    # it is listed or every case it lost is; a regression otherwise (also
    # when it failed with no case failing: its exit status is the finding).
    for key in (k for k in base if category(k) in cats and " :: " not in k):
        b, o = base[key], other.get(key, "missing")
        if not (b in GOOD and o not in GOOD):
            continue
        ev = listed(key)
        explained = [f for f in flakes if program(f[0]) == key]
        if ev:
            flakes.append((key, o, ev))
        elif explained and key not in bad_progs:
            flakes.append((key, o, "follows from %s" % explained[0][0]))
        else:
            regress.append((key, "passes on base, %s" % o))
    only_other = [k for k in other if category(k) in cats and k not in base]
    # What base ran and the other kernel did not run at all, and what fails
    # on the other kernel where base has nothing to compare with (a case
    # base did not print, a category of the series' own): regressions too.
    base_cats = {category(k) for k in base}
    for c in sorted(base_cats - cats):
        regress.append(("%s/*" % c, "not run"))
    for k in other:
        if other[k] == "fail" and k not in base:
            ev = listed(k)
            if ev:
                flakes.append((k, "fail", ev))
            else:
                regress.append((k, "fail (not on base)" if category(k) in base_cats
                                else "fail (category not run on base)"))
    unused = [p for p, _ in flaky if p not in used]
    return dict(cats=sorted(cats), compared=compared, regress=regress, flakes=flakes,
                both_bad=both_bad, fixed=fixed, only_other=only_other, unused=unused, lost=lost)


def report(r, label: str) -> int:
    for key, o in r["regress"]:
        print("REGRESSION %s: %s on %s" % (key, o, label))
    for key, o, ev in r["flakes"]:
        print("flaky      %s: %s on %s (listed: %s)" % (key, o, label, ev))
    gone = {}
    for key, by in r["lost"]:
        gone.setdefault(by, []).append(key)
    for by, keys in gone.items():
        print("lost       %d later cases of %s did not run after %s stopped it" % (len(keys), program(by), by))
    for key in r["both_bad"]:
        print("both fail  %s" % key)
    for key, b in r["fixed"]:
        print("better     %s: %s on base, passes on %s" % (key, b, label))
    for p in r["unused"]:
        print("unused     flaky entry '%s': no listed case failed in this pair" % p)
    print("%d cases compared in %d categories (base vs %s): %d regressions, %d flaky (listed), "
          "%d lost after a listed case stopped its program, %d failing on both, %d better, %d only on %s"
          % (r["compared"], len(r["cats"]), label, len(r["regress"]), len(r["flakes"]),
             len(r["lost"]), len(r["both_bad"]), len(r["fixed"]), len(r["only_other"]), label))
    return 1 if r["regress"] else 0


def tally(dirs: List[str]) -> int:
    runs: Dict[str, List[Dict[str, str]]] = {}
    for d in dirs:
        per: Dict[str, Dict[str, str]] = {}
        for key, st in read_cases(d).items():
            cat, _, rest = key.partition("/")
            base_cat, _, rep = cat.partition("@")
            per.setdefault("%s#%s" % (d, rep), {})["%s/%s" % (base_cat, rest)] = st
        for run, cases in per.items():
            runs.setdefault(run, cases)
    allkeys: List[str] = []
    for cases in runs.values():
        allkeys.extend(k for k in cases if k not in allkeys)
    cats_of = [(c, {category(x) for x in c}) for c in runs.values()]
    bad = skipped = 0
    for k in allkeys:
        had = [c for c, cats in cats_of if category(k) in cats]
        sts = [c.get(k, "missing") for c in had]
        n = len(had)
        nbad = sum(1 for x in sts if x not in GOOD)
        if nbad == n and set(sts) == {"skip"}:
            skipped += 1
            continue
        if nbad:
            bad += 1
            kinds = ", ".join("%s %d" % (x, sts.count(x)) for x in sorted(set(sts)) if x not in GOOD)
            print("%d of %d runs: %s (%s)" % (nbad, n, k, kinds))
    print("%d runs, %d cases: %d did not pass in every run, %d skipped in every run"
          % (len(runs), len(allkeys), bad, skipped))
    return 0


def selftest() -> None:
    base = {"cow/cow": "pass", "cow/cow :: a": "pass", "cow/cow :: b": "xfail",
            "cow/cow :: c": "fail", "uffd/u :: ev": "pass", "uffd/u :: x": "skip",
            "ksm/k": "pass"}
    other = {"cow/cow": "pass", "cow/cow :: a": "fail", "cow/cow :: b": "xfail",
             "cow/cow :: c": "fail", "uffd/u :: ev": "fail", "uffd/u :: x": "pass",
             "cow_context/cc": "pass"}
    r = compare(base, other, [("uffd/u :: ev*", "base failed 1 of 2"), ("cow/zz", "x")])
    assert r["cats"] == ["cow", "uffd"], r["cats"]
    assert r["compared"] == 6
    assert r["regress"] == [("cow/cow :: a", "passes on base, fail"),
                            ("ksm/*", "not run")], r["regress"]
    assert r["flakes"] == [("uffd/u :: ev", "fail", "base failed 1 of 2")]
    assert r["both_bad"] == ["cow/cow :: c"]
    assert r["fixed"] == [("uffd/u :: x", "skip")]
    assert r["unused"] == ["cow/zz"]
    r = compare({"p/t": "pass", "p/t :: extra 24 (0.1%)": "pass"},
                {"p/t": "pass", "p/t :: extra 31 (0.2%)": "pass"}, [])
    assert r["regress"] == [] and r["only_other"] == [], r
    r = compare(base, {"cow/cow": "pass"}, [])
    assert ("cow/cow :: a", "passes on base, missing") in r["regress"]
    # a listed case that stops its program: later cases are lost, and the
    # program's failure follows from it; an unlisted one is a regression
    b2 = {"u/p": "pass", "u/p :: a": "pass", "u/p :: ev": "pass", "u/p :: z": "pass"}
    o2 = {"u/p": "fail", "u/p :: a": "pass"}
    r = compare({"t/k": "pass", "t/k :: x [2]": "pass"}, {"t/k": "fail", "t/k :: x [2]": "fail"},
                [("t/k :: x [2]", "3 of 3")])
    assert r["regress"] == [] and len(r["flakes"]) == 2, r
    r = compare(b2, o2, [("u/p :: ev", "1 of 2")])
    assert r["regress"] == [], r["regress"]
    assert r["lost"] == [("u/p :: z", "u/p :: ev")]
    assert [f[0] for f in r["flakes"]] == ["u/p :: ev", "u/p"]
    r = compare(b2, o2, [])
    assert ("u/p :: ev", "passes on base, missing") in r["regress"]
    assert ("u/p", "passes on base, fail") in r["regress"]
    r = compare(b2, {"u/p": "fail", "u/p :: a": "pass", "u/p :: ev": "pass", "u/p :: z": "pass"}, [])
    assert r["regress"] == [("u/p", "passes on base, fail")]
    # failures base cannot speak for: a new category, a case base skipped
    r = compare({"c/p": "pass", "c/p :: s": "skip"},
                {"c/p": "pass", "c/p :: s": "fail", "new/q": "fail"}, [])
    assert r["regress"] == [("c/p :: s", "fail (skipped on base)"),
                            ("new/q", "fail (category not run on base)")], r["regress"]


def main() -> int:
    args = sys.argv[1:]
    if not args or args[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if args else 1
    if args[0] == "--self-test":
        selftest()
        print("compare.py self-test passed")
        return 0
    if args[0] == "--tally" and len(args) > 1:
        return tally(args[1:])
    if args[0] == "--check-flaky" and len(args) == 2:
        try:
            n = len(read_flaky(args[1]))
        except (OSError, ValueError) as e:
            print("compare.py: %s" % e, file=sys.stderr)
            return 1
        print("%s: %d entries" % (args[1], n))
        return 0
    label = "patched"
    if "--label" in args:
        i = args.index("--label")
        if i + 1 >= len(args):
            print(__doc__.strip(), file=sys.stderr)
            return 1
        label = args[i + 1]
        del args[i:i + 2]
    if len(args) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 1
    try:
        base, other = read_cases(args[0]), read_cases(args[1])
        flaky = read_flaky(args[2])
    except (OSError, ValueError) as e:
        print("compare.py: %s" % e, file=sys.stderr)
        return 1
    if not base:
        print("compare.py: no cases in %s/cases.txt" % args[0], file=sys.stderr)
        return 1
    return report(compare(base, other, flaky), label)


if __name__ == "__main__":
    sys.exit(main())
