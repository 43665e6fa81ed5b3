#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn a guest results folder (selftests/guest-run.sh) into one line per
test and a closing 'N passed, N failed, N skipped' line. Exit 1 on any
failure. Used by scripts/vmtest."""
import os
import re
import sys


def read(path, default=""):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return default


def kunit_suites(dmesg):
    """Parse KTAP from dmesg: {suite: [pass, fail, skip, ok_line_seen]}."""
    suites, cur = {}, None
    for raw in dmesg.splitlines():
        line = re.sub(r"^\[\s*[0-9.]+\]\s?", "", raw)
        m = re.match(r"^    # Subtest: (\S+)", line)
        if m:
            cur = m.group(1)
            suites[cur] = [0, 0, 0, None]
            continue
        if cur is None:
            continue
        m = re.match(r"^        (not ok|ok) \d+ (\S+)(.*)$", line)
        if m:
            continue  # parameterised sub-subtests: counted by their case line
        m = re.match(r"^    (not ok|ok) \d+ (\S+)(.*)$", line)
        if m:
            st, rest = m.group(1), m.group(3)
            if "# SKIP" in rest:
                suites[cur][2] += 1
            elif st == "ok":
                suites[cur][0] += 1
            else:
                suites[cur][1] += 1
            continue
        m = re.match(r"^(not ok|ok) \d+ (\S+)", line)
        if m and m.group(2) == cur:
            suites[cur][3] = m.group(1) == "ok"
            cur = None
    return suites


def selftest_totals(log):
    m = re.findall(r"# Totals: pass:(\d+) fail:(\d+) xfail:(\d+) xpass:(\d+) skip:(\d+) error:(\d+)", log)
    if not m:
        return None
    return tuple(int(x) for x in m[-1])


def main():
    res, plan, config, kexp, dre = sys.argv[1:6]
    dmesg = read(os.path.join(res, "dmesg.txt"))
    passed = failed = skipped = 0
    lines = []

    def report(status, name, detail):
        nonlocal passed, failed, skipped
        lines.append(f"{status:<5} {name:<34} {detail}")
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
    suites = kunit_suites(dmesg)
    expected = []
    for l in read(kexp).splitlines():
        if l.strip() and not l.startswith("#"):
            opt, suite = l.split()
            if re.search(rf"^{opt}=y$", cfg, re.M):
                expected.append(suite)
    for s in expected:
        if s not in suites:
            report("FAIL", f"kunit/{s}", "suite expected by the config but not run")
    for s, (p, f, k, ok) in suites.items():
        d = f"{p} passed, {f} failed, {k} skipped"
        if f or ok is False or ok is None:
            report("FAIL", f"kunit/{s}", d + ("" if ok is not None else ", no result line"))
        elif p == 0:
            report("SKIP", f"kunit/{s}", d)
        else:
            report("ok", f"kunit/{s}", d)

    # (b) selftests
    for l in read(plan).splitlines():
        if not l.strip() or l.startswith("#"):
            continue
        name, tmo, policy = l.split()[:3]
        if policy == "verify":
            if not re.search(r"^CONFIG_ANON_COW_CONTEXT_VERIFY=y$", cfg, re.M):
                report("SKIP", f"selftest/{name}", "needs CONFIG_ANON_COW_CONTEXT_VERIFY=y, not run")
                continue
            policy = "run"
        rcs = read(os.path.join(res, name + ".rc")).strip()
        if rcs == "" and not os.path.exists(os.path.join(res, "only")):
            report("FAIL", f"selftest/{name}", "did not run")
            continue
        if rcs == "":
            continue
        rc = int(rcs)
        log = read(os.path.join(res, name + ".log"))
        t = read(os.path.join(res, name + ".time")).strip()
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

    # (b2) the CoW-context oracle: every anon rmap walk of the run was
    # checked against the CoW contexts; not one may have missed a mapping.
    if re.search(r"^CONFIG_ANON_COW_CONTEXT_VERIFY=y$", cfg, re.M):
        vm = {}
        for l in read(os.path.join(res, "vmstat.txt")).splitlines():
            k, _, v = l.partition(" ")
            if k.startswith("cow_context_"):
                vm[k[len("cow_context_"):]] = int(v)
        if "mismatch" not in vm:
            report("FAIL", "cow_context/verify", "no cow_context counters in /proc/vmstat")
        else:
            d = ("walks %(walk)d, visited %(visited)d, candidates %(candidates)d, "
                 "useful %(useful)d, unverified %(unverified)d, mismatches %(mismatch)d" % vm)
            if vm["mismatch"] != 0:
                report("FAIL", "cow_context/verify", d)
            elif vm["walk"] == 0 or vm["useful"] == 0:
                report("FAIL", "cow_context/verify", d + " (nothing was checked)")
            else:
                report("ok", "cow_context/verify", d)

    # (c) dmesg scan
    pats = [re.compile(p) for p in read(dre).splitlines() if p and not p.startswith("#")]
    bad = [l for l in dmesg.splitlines() if any(p.search(l) for p in pats)]
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

    print("\n".join(lines))
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
