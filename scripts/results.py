#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn a guest results folder (selftests/guest-run.sh) into one line per
test and a closing 'N passed, N failed, N skipped' line. Exit 1 if the
guest, KUnit, the oracle, dmesg or kmemleak failed; 2 if only selftests
failed (scripts/check compares them with the base kernel's run); 0 if
nothing failed. Used by scripts/vmtest:

  results.py RES PLAN CONFIG KUNIT_EXPECTED DMESG_RE KUNIT_PY
  results.py --kunit RES KUNIT_PY     (scripts/run: one line of KUnit results)
  results.py --slab BASE_RES RES LABEL (scripts/check: the slab memory the
                                        plan left, base vs LABEL)

KUnit results come from the kernel's own KTAP parser, KUNIT_PY
(tools/testing/kunit/kunit.py parse), the plan from scripts/plan.py."""
import json
import os
import re
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plan as planfile  # noqa: E402  (scripts/plan.py, the plan parser)
import tap  # noqa: E402  (scripts/tap.py, run_vmtests.sh's TAP)


# How far before a bad dmesg line an "!after:" rule looks for its header.
AFTER_LINES = 6


def read(path, default=""):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return default


# The caches of the anonymous reverse map, old and new (P1 of scripts/bench
# reads the same ones).
SLAB_CACHES = ("anon_vma", "anon_vma_chain", "cow_context", "kmalloc")


def slab_memory(res):
    """Of RES/slabinfo.txt and RES/meminfo.txt (selftests/guest-run.sh):
    {cache: (objects, KiB)} for SLAB_CACHES (every cow_context* cache summed
    under cow_context, every kmalloc-* one under kmalloc: the series' Rust
    objects are kmalloc()ed) and "Slab": (None, KiB); None if the run has
    none."""
    text = read(os.path.join(res, "slabinfo.txt"))
    mem = re.search(r"^Slab:\s+(\d+) kB", read(os.path.join(res, "meminfo.txt")), re.M)
    if not text or not mem:
        return None
    out = {c: (0, 0.0) for c in SLAB_CACHES}
    for line in text.splitlines():
        f = line.split()
        # name active_objs num_objs objsize ...
        if len(f) < 4 or not f[1].isdigit():
            continue
        c = "cow_context" if f[0].startswith("cow_context") else \
            "kmalloc" if f[0].startswith("kmalloc-") else f[0]
        if c in out:
            n, kib = out[c]
            out[c] = (n + int(f[1]), kib + int(f[1]) * int(f[3]) / 1024)
    out["Slab"] = (None, float(mem.group(1)))
    return out


def slab_line(m):
    return ", ".join("%s %.0f KiB%s" % (c, kib, "" if n is None else " (%d)" % n)
                     for c, (n, kib) in m.items())


def slab_compare(base, res, label):
    b, o = slab_memory(base), slab_memory(res)
    if not b or not o:
        print("slab after the plan: not recorded in %s" % (base if not b else res))
        return 0
    print("slab after the plan, base -> %s: " % label + ", ".join(
        "%s %.0f -> %.0f KiB" % (c, b[c][1], o[c][1]) for c in o))
    return 0


def kunit_suites(dmesg_path, kunit_py, json_path):
    """KUnit suites of dmesg's KTAP, as the kernel's own parser reads them
    (tools/testing/kunit/kunit.py parse --json). Returns ({suite: counts},
    error): counts is kunit_json's "misc" (tests, passed, failed, crashed,
    skipped, errors; a missing result line is an error)."""
    if not os.path.exists(kunit_py):
        return {}, "no KTAP parser at %s" % kunit_py
    if os.path.exists(json_path):
        os.unlink(json_path)
    r = subprocess.run([sys.executable, kunit_py, "parse", "--summary",
                        "--json=" + os.path.abspath(json_path), os.path.abspath(dmesg_path)],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        with open(json_path) as f:
            top = json.load(f)
    except (OSError, ValueError):
        return {}, "kunit.py parse wrote no JSON: " + r.stdout.strip()[-200:]
    return {g["name"]: g["misc"] for g in top.get("sub_groups", [])}, None


def selftest_totals(log):
    m = re.findall(r"# Totals: pass:(\d+) fail:(\d+) xfail:(\d+) xpass:(\d+) skip:(\d+) error:(\d+)", log)
    if not m:
        return None
    return tuple(int(x) for x in m[-1])


def vmtests_entry(report, cases, name, policy, tmo, rc, log, t):
    """One plan entry that ran "run_vmtests.sh -t CATEGORY": its programs
    and cases from the TAP (scripts/tap.py), appended to cases as
    ("CATEGORY/KEY", status) for scripts/compare.py."""
    progs, complete = tap.parse(log)
    cases.extend(("%s/%s" % (name, k), st) for k, st in tap.keyed(progs))
    n = {"pass": 0, "fail": 0, "skip": 0}
    for p in progs:
        n[p.status] += 1
    c = tap.totals(progs)
    d = "%s s, %d programs: %d passed, %d failed, %d skipped; cases pass:%d fail:%d xfail:%d skip:%d" % (
        t, len(progs), n["pass"], n["fail"], n["skip"], c["pass"], c["fail"], c["xfail"], c["skip"])
    bad = [p.name for p in progs if p.status == "fail"]
    if rc in (124, 137):
        report("FAIL", f"selftest/{name}", d + f" (timed out after {tmo} s)")
    elif not complete:
        report("FAIL", f"selftest/{name}", d + f" (no TAP plan line: cut short, exit {rc})")
    elif bad:
        report("FAIL", f"selftest/{name}", d + " (failed: %s)" % ", ".join(bad[:4]))
    elif rc not in (0, 4):
        report("FAIL", f"selftest/{name}", d + f" (exit {rc})")
    elif not progs:
        report("FAIL" if policy == "run" else "SKIP", f"selftest/{name}", d + " (no program of the category ran)")
    elif policy == "run" and (n["skip"] or c["skip"]):
        report("FAIL", f"selftest/{name}", d + " (skipped, but must run all)")
    elif n["pass"] == 0:
        report("FAIL" if policy == "run" else "SKIP", f"selftest/{name}", d + " (every program skipped)")
    else:
        report("ok", f"selftest/{name}", d)


def kunit_line(res, kunit_py):
    """One line for scripts/run: each suite's counts, exit 1 on a failure."""
    suites, err = kunit_suites(os.path.join(res, "dmesg.txt"), kunit_py,
                               os.path.join(res, "kunit.json"))
    if err or not suites:
        print("kunit     FAILED: %s" % (err or "no KUnit suite in dmesg"))
        return 1
    parts, bad = [], 0
    for s, c in suites.items():
        b = c["failed"] + c["crashed"] + c["errors"]
        bad += b
        parts.append("%s %d/%d passed%s" % (s, c["passed"], c["tests"],
                                            ", %d FAILED" % b if b else ""))
    print("kunit     %s (KTAP read by tools/testing/kunit/kunit.py parse)" % "; ".join(parts))
    return 1 if bad else 0


def main():
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if len(sys.argv) > 1 else 1
    if len(sys.argv) == 4 and sys.argv[1] == "--kunit":
        return kunit_line(sys.argv[2], sys.argv[3])
    if len(sys.argv) == 5 and sys.argv[1] == "--slab":
        return slab_compare(*sys.argv[2:5])
    res, plan, config, kexp, dre, kunit_py = sys.argv[1:7]
    dmesg = read(os.path.join(res, "dmesg.txt"))
    passed = failed = skipped = 0
    lines = []

    other_failed = 0

    def report(status, name, detail):
        nonlocal passed, failed, skipped, other_failed
        lines.append(f"{status:<5} {name:<34} {detail}")
        if status == "FAIL" and not name.startswith("selftest/"):
            other_failed += 1
        if status == "ok":
            passed += 1
        elif status == "SKIP":
            skipped += 1
        else:
            failed += 1

    if not os.path.exists(os.path.join(res, "done")):
        report("FAIL", "guest", "the guest did not finish (see vng.log)")

    # (a) KUnit
    cfg = read(config)
    suites, err = kunit_suites(os.path.join(res, "dmesg.txt"), kunit_py,
                               os.path.join(res, "kunit.json"))
    if err:
        report("FAIL", "kunit", err)
    expected = []
    for l in read(kexp).splitlines():
        if l.strip() and not l.startswith("#"):
            opt, suite = l.split()
            if re.search(rf"^{opt}=y$", cfg, re.M):
                expected.append(suite)
    for s in expected:
        if s not in suites:
            report("FAIL", f"kunit/{s}", "suite expected by the config but not run")
    for s, c in suites.items():
        bad = c["failed"] + c["crashed"] + c["errors"]
        d = "%d passed, %d failed, %d skipped" % (c["passed"], c["failed"] + c["crashed"], c["skipped"])
        if c["errors"]:
            d += ", %d parse errors (e.g. a missing result line)" % c["errors"]
        if bad:
            report("FAIL", f"kunit/{s}", d)
        elif c["passed"] == 0:
            report("SKIP", f"kunit/{s}", d)
        else:
            report("ok", f"kunit/{s}", d)

    # (b) selftests
    cases = []
    has_series = re.search(r"^CONFIG_ANON_COW_CONTEXT=y$", cfg, re.M)
    has_verify = re.search(r"^CONFIG_ANON_COW_CONTEXT_VERIFY=y$", cfg, re.M)
    has_search = re.search(r"^CONFIG_ANON_COW_CONTEXT_SEARCH=y$", cfg, re.M)
    # scripts/vmtest's factor on the plan's timeouts (debug kernels: 4).
    scale = read(os.path.join(res, "timeout-scale")).strip()
    scale = int(scale) if scale.isdigit() else 1
    for e in planfile.read(plan):
        name, tmo, policy = e.name, e.timeout * scale, e.policy
        if policy == "verify":
            if not has_verify:
                report("SKIP", f"selftest/{name}", "needs CONFIG_ANON_COW_CONTEXT_VERIFY=y, not run")
                continue
            policy = "run"
        elif policy == "series":
            if not has_series:
                report("SKIP", f"selftest/{name}", "needs CONFIG_ANON_COW_CONTEXT=y, not run")
                continue
            # Either check (the oracle, or the production kernel's search)
            # makes the series' tests run every case.
            policy = "run" if has_verify or has_search else "any"
        rcs = read(os.path.join(res, name + ".rc")).strip()
        if rcs == "" and not os.path.exists(os.path.join(res, "only")):
            report("FAIL", f"selftest/{name}", "did not run")
            continue
        if rcs == "":
            continue
        rc = int(rcs)
        log = read(os.path.join(res, name + ".log"))
        t = read(os.path.join(res, name + ".time")).strip()
        if e.command.split()[0] == "run_vmtests.sh":
            vmtests_entry(report, cases, name, policy, tmo, rc, log, t)
            continue
        tot = selftest_totals(log)
        d = f"{t} s"
        if tot:
            d += " pass:%d fail:%d xfail:%d xpass:%d skip:%d error:%d" % tot
        if rc in (124, 137):
            report("FAIL", f"selftest/{name}", d + f" (timed out after {tmo} s)")
        elif policy == "run" and tot and tot[4] > 0:
            report("FAIL", f"selftest/{name}", d + " (skipped cases, but must run all)")
        elif rc == 4 or (rc == 0 and tot and tot[0] == 0 and tot[4] > 0):
            report("FAIL" if policy == "run" else "SKIP", f"selftest/{name}",
                   d + " (skipped" + (", but must run)" if policy == "run" else ")"))
        elif rc == 0:
            report("ok", f"selftest/{name}", d)
        else:
            report("FAIL", f"selftest/{name}", d + f" (exit {rc})")
    with open(os.path.join(res, "cases.txt"), "w") as f:
        f.writelines("%s %s\n" % (st, key) for key, st in cases)

    # The series' counters in /proc/vmstat after the run, without the
    # "cow_context_" prefix: read for the checks (b2) and (b3).
    cc = {}
    for l in read(os.path.join(res, "vmstat.txt")).splitlines():
        k, _, v = l.partition(" ")
        if k.startswith("cow_context_"):
            cc[k[len("cow_context_"):]] = int(v)

    # (b2) the CoW-context oracle: every anon rmap walk of the run was
    # checked against the CoW contexts; not one may have missed a mapping.
    if has_verify:
        vm = dict(cc)
        if "mismatch" not in vm:
            report("FAIL", "cow_context/verify", "no cow_context counters in /proc/vmstat")
        else:
            for k in ("walk_unmapped", "unverified_trylock", "untracked"):
                vm.setdefault(k, -1)
            d = ("walks %(walk)d (unmapped folios %(walk_unmapped)d), visited %(visited)d, "
                 "candidates %(candidates)d, useful %(useful)d, "
                 "given up in try-lock walks %(unverified_trylock)d, untracked %(untracked)d, "
                 "mismatches %(mismatch)d" % vm)
            # The series' selftest migrates folios with move_pages(): its
            # remove_migration_ptes() walks are walks of unmapped folios.
            migrated = os.path.exists(os.path.join(res, "cow_context.rc"))
            if vm["mismatch"] != 0:
                report("FAIL", "cow_context/verify", d)
            elif vm["walk"] == 0 or vm["useful"] == 0:
                report("FAIL", "cow_context/verify", d + " (nothing was checked)")
            elif migrated and vm["walk_unmapped"] <= 0:
                report("FAIL", "cow_context/verify",
                       d + " (no walk of an unmapped folio was checked)")
            else:
                report("ok", "cow_context/verify", d)

    # (b3) the search check: a share of the walks (every walk of the
    # series' cow_context selftest) was compared against a search of every
    # mm for the folio; none may have missed a mapping the search found.
    if has_search:
        vm = dict(cc)
        if "search_miss" not in vm:
            report("FAIL", "cow_context/search", "no cow_context_search counters in /proc/vmstat")
        else:
            for k in ("search_skipped", "search_checked"):
                vm.setdefault(k, -1)
            d = ("walks searched %(search)d (skipped %(search_skipped)d), places found "
                 "%(search_mapped)d, checked %(search_checked)d, unchecked "
                 "%(search_unchecked)d, missed %(search_miss)d" % vm)
            if vm["search_miss"] != 0:
                report("FAIL", "cow_context/search", d)
            elif vm["search"] <= 0 or vm["search_checked"] <= 0:
                report("FAIL", "cow_context/search", d + " (nothing was checked)")
            else:
                report("ok", "cow_context/search", d)

    # (b4) the production kernel (the option on, the oracle off): a folio
    # records its context in folio->mapping, so nothing of the series needs
    # page_ext (the oracle keeps each folio's anon_vma there). The kernels
    # built here enable no other page_ext user (page_owner, page table check,
    # allocation profiling), so any page_ext allocated is the series'.
    if has_series and not has_verify:
        m = re.search(r"allocated (\d+) bytes of page_ext", dmesg)
        if m and int(m.group(1)) > 0:
            report("FAIL", "cow_context/page_ext",
                   "%s bytes of page_ext allocated with the oracle off" % m.group(1))
        else:
            report("ok", "cow_context/page_ext",
                   "none allocated (the oracle is off: folio->mapping holds the context)")

    # (c) dmesg scan
    # "!after:RE": a line is allowed if one of the AFTER_LINES lines before
    # it matches RE (the report a known warning's header starts).
    rules = [p for p in read(dre).splitlines() if p and not p.startswith("#")]
    pats = [re.compile(p) for p in rules if not p.startswith("!")]
    after = [re.compile(p[7:]) for p in rules if p.startswith("!after:")]
    allowed = [re.compile(p[1:]) for p in rules if p.startswith("!") and not p.startswith("!after:")]
    dl = dmesg.splitlines()
    bad = [l for i, l in enumerate(dl)
           if any(p.search(l) for p in pats) and not any(a.search(l) for a in allowed) and
           not any(a.search(h) for a in after for h in dl[max(0, i - AFTER_LINES):i])]
    if not dmesg:
        report("FAIL", "dmesg", "no dmesg captured")
    elif bad:
        report("FAIL", "dmesg", f"{len(bad)} bad lines, first: {bad[0].strip()[:120]}")
    else:
        report("ok", "dmesg", "no WARN/BUG/lockdep/KASAN report")

    # (d) kmemleak, on debug kernels
    kml = os.path.join(res, "kmemleak.txt")
    if os.path.exists(kml):
        leaks = read(kml).count("unreferenced object")
        if leaks:
            first = [l for l in read(kml).splitlines() if l.strip().startswith("[<")][:3]
            report("FAIL", "kmemleak", f"{leaks} suspected leaks, first: {' '.join(x.strip() for x in first)[:120]}")
        else:
            report("ok", "kmemleak", "no suspected leak after the tests")

    # (e) lockdep, on debug kernels with the series: the order it saw
    ldp = os.path.join(res, "lockdep.txt")
    if os.path.exists(ldp) and has_series:
        after, before = lockdep_order(read(ldp), "cow_context")
        if not after and not before:
            report("FAIL", "lockdep", "no lock class of the series (cow_context*) in /proc/lockdep")
        else:
            with open(os.path.join(res, "lockdep-order.txt"), "w") as f:
                for c in sorted(set(after) | set(before)):
                    f.write("%s\n  taken after: %s\n  takes then: %s\n" % (
                        c, ", ".join(sorted(before.get(c, ()))) or "-",
                        ", ".join(sorted(after.get(c, ()))) or "-"))
            report("ok", "lockdep", "%d classes of the series seen by lockdep, "
                   "%d held before them, %d taken inside them (lockdep-order.txt)" % (
                       len(set(after) | set(before)),
                       len({x for v in before.values() for x in v}),
                       len({x for v in after.values() for x in v})))

    # (f) what the plan left in the rmap's slab caches (a figure, not a check)
    m = slab_memory(res)
    if m:
        report("ok", "slab", "after the plan: " + slab_line(m))

    print("\n".join(lines))
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    # 2: only selftests failed, which scripts/check judges against the
    # base kernel's run (scripts/compare.py); 1: anything else failed.
    return 1 if other_failed else 2 if failed else 0


def lockdep_order(text, word):
    """Of /proc/lockdep: for each class whose name has WORD, the classes
    taken while it is held (its direct "->" dependencies) and the classes
    held when it is taken (those that list it)."""
    deps, cur = {}, None
    for line in text.splitlines():
        m = re.match(r"^\S+ .*: (.+)$", line)
        if m and not line.startswith(" "):
            cur = m.group(1).strip()
            deps.setdefault(cur, set())
            continue
        m = re.match(r"^ -> \[\S+\] (.+)$", line)
        if m and cur is not None:
            deps[cur].add(m.group(1).strip())
    after = {c: d for c, d in deps.items() if word in c}
    before = {}
    for c, d in deps.items():
        for x in d:
            if word in x:
                before.setdefault(x, set()).add(c)
    return after, before


if __name__ == "__main__":
    sys.exit(main())
