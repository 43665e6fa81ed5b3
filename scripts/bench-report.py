#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Summarize a scripts/bench output folder.

usage: bench-report.py OUT_DIR

Reads OUT_DIR/{meta.txt,plan,kernels/*,runs/<rep>-<kernel>/*} and writes
results.csv (every sample), results.json (metadata, summary, samples),
table.txt (printed too), p2-fork-vmas.png and p5-walk-children.png.
Exits 1 if a benchmark of the plan did not run, failed, or printed no
numbers in some boot.
"""
import csv
import json
import math
import os
import re
import statistics
import sys

KERNELS = ("baseline", "patched")
LABEL = {"baseline": "base", "patched": "patched"}
RESULT = re.compile(r"^RESULT bench=(\S+) name=(\S+) param=(\S+) unit=(\S+) value=(\S+)$")


def read(path, default=""):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return default


def kv(text):
    d = {}
    for line in text.splitlines():
        if ": " in line:
            k, v = line.split(": ", 1)
            d.setdefault(k.strip(), v.strip())
    return d


def num(s):
    try:
        return float(s)
    except ValueError:
        return s


def fmt(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    a = abs(v)
    if a >= 100:
        return "%.0f" % v
    if a >= 10:
        return "%.1f" % v
    return "%.2f" % v


def main():
    out = sys.argv[1]
    meta = kv(read(os.path.join(out, "meta.txt")))
    plan = []
    for line in read(os.path.join(out, "plan")).splitlines():
        f = line.split()
        if f and not f[0].startswith("#"):
            plan.append((f[0], " ".join(f[2:])))
    errors = []
    samples = []
    guests = {k: [] for k in KERNELS}
    runs_dir = os.path.join(out, "runs")
    runs = sorted(os.listdir(runs_dir)) if os.path.isdir(runs_dir) else []
    for run in runs:
        rep, _, kernel = run.partition("-")
        if kernel not in KERNELS:
            continue
        rd = os.path.join(runs_dir, run)
        g = kv(read(os.path.join(rd, "guest.txt")))
        guests[kernel].append(g)
        if g.get("nodes") != "2" or g.get("swap") != "1":
            errors.append("%s: guest has nodes=%s swap=%s (want 2 and 1)"
                          % (run, g.get("nodes"), g.get("swap")))
        for bench, _ in plan:
            log = read(os.path.join(rd, bench + ".log"), None)
            rc = read(os.path.join(rd, bench + ".rc")).strip()
            if log is None:
                errors.append("%s: %s did not run" % (run, bench))
                continue
            n = 0
            for line in log.splitlines():
                m = RESULT.match(line)
                if not m:
                    continue
                v = float(m.group(5))
                if not math.isfinite(v):
                    errors.append("%s: %s printed %s" % (run, bench, line))
                    continue
                samples.append({"kernel": kernel, "rep": int(rep), "bench": m.group(1),
                                "name": m.group(2), "param": num(m.group(3)),
                                "unit": m.group(4), "value": v})
                n += 1
            if rc != "0":
                msg = [l for l in log.splitlines() if not l.startswith("RESULT")][-3:]
                errors.append("%s: %s exited %s: %s" % (run, bench, rc or "?", " / ".join(msg)))
            elif n == 0:
                errors.append("%s: %s printed no RESULT line" % (run, bench))
    for k in KERNELS:
        if not guests[k]:
            errors.append("no %s boot finished" % k)

    # Group: (bench, name, param, unit) -> kernel -> values, in plan order.
    order = {b: i for i, (b, _) in enumerate(plan)}
    groups, first = {}, {}
    for i, s in enumerate(samples):
        key = (s["bench"], s["name"], s["param"], s["unit"])
        groups.setdefault(key, {k: [] for k in KERNELS})[s["kernel"]].append(s["value"])
        first.setdefault((s["bench"], s["name"]), i)

    def sortkey(key):
        p = key[2] if isinstance(key[2], float) else 0
        return (order.get(key[0], 99), p, first[(key[0], key[1])])

    summary = []
    for key in sorted(groups, key=sortkey):
        row = {"bench": key[0], "name": key[1], "param": key[2], "unit": key[3]}
        for k in KERNELS:
            v = groups[key][k]
            row[k] = {"n": len(v), "median": statistics.median(v) if v else None,
                      "min": min(v) if v else None, "max": max(v) if v else None}
        b, p = row["baseline"]["median"], row["patched"]["median"]
        row["ratio"] = p / b if b and p is not None and b > 0 and p >= 0 else None
        spreads = [(row[k]["max"] - row[k]["min"]) / row[k]["median"] * 100
                   for k in KERNELS
                   if row[k]["n"] > 1 and row[k]["median"] and row[k]["median"] > 0]
        row["spread_pct"] = max(spreads) if spreads else None
        summary.append(row)

    def kernel_line(k):
        vs = sorted({"%s %s" % (g.get("uname_r", "?"), g.get("uname_v", "?")) for g in guests[k]})
        head = read(os.path.join(out, "kernels", k + ".head")).strip()
        return "%-8s %s%s" % (LABEL[k] + ":", " | ".join(vs) or "(no boot)",
                              "  [%s]" % head if head else "")

    mode = meta.get("mode", "?")
    mode_text = ("icount (qemu -icount shift=0,sleep=off: guest time counts instructions, "
                 "1 ns each; all vCPUs on one host thread)" if mode == "icount" else
                 "plain TCG (timings moved +-30% between boots)")
    reps = meta.get("reps", "?")
    schedule = {"paired": "base and patched booted side by side (one host CPU each)",
                "alternating": "alternating base/patched"}.get(meta.get("schedule"),
                                                           "alternating base/patched")
    lines = [
        "cowctx benchmarks, %s%s" % (meta.get("date", "?"),
                                     " (--quick smoke run)" if meta.get("quick") == "1" else ""),
        "mode:    %s" % mode_text,
        kernel_line("baseline"),
        kernel_line("patched"),
        "machine: host %s; guest 4 vCPUs, 2 NUMA nodes x 1 GiB, 2 GiB, zram swap, slab_nomerge"
        % meta.get("host", "?"),
        "reps:    %s boots per kernel, %s;" % (reps, schedule),
        "         each program warms up inside every boot (-w, see the plan);"
        " n = samples per kernel over all boots",
        "ratio:   patched median / base median; lower is better except kfault/s;",
        "         min..max: spread of each kernel's samples; noise: the larger (max-min)/median",
        "",
    ]
    hdr = ("bench", "metric", "param", "unit", "n", "base median", "base min..max",
           "patched median", "patched min..max", "ratio", "noise")
    rows = []
    for r in summary:
        b, p = r["baseline"], r["patched"]
        par = r["param"]
        if isinstance(par, float):
            par = "%d" % par if par == int(par) else "%g" % par
        rows.append((r["bench"], r["name"], par, r["unit"], "%d/%d" % (b["n"], p["n"]),
                     fmt(b["median"]), "%s..%s" % (fmt(b["min"]), fmt(b["max"])),
                     fmt(p["median"]), "%s..%s" % (fmt(p["min"]), fmt(p["max"])),
                     "%.3f" % r["ratio"] if r["ratio"] is not None else "-",
                     "%.1f%%" % r["spread_pct"] if r["spread_pct"] is not None else "-"))
    w = [max(len(x[i]) for x in rows + [hdr]) for i in range(len(hdr))]
    right = {2, 4, 5, 6, 7, 8, 9, 10}
    for r in [hdr] + rows:
        lines.append("  ".join(c.rjust(w[i]) if i in right else c.ljust(w[i])
                               for i, c in enumerate(r)).rstrip())
    lines.append("")
    lines.append("plan (program arguments):")
    for b, args in plan:
        lines.append("  %s: %s" % (b, args))
    if errors:
        lines.append("")
        lines.append("ERRORS:")
        lines += ["  " + e for e in errors]
    table = "\n".join(lines) + "\n"
    with open(os.path.join(out, "table.txt"), "w") as f:
        f.write(table)
    sys.stdout.write(table)

    with open(os.path.join(out, "results.csv"), "w", newline="") as f:
        wr = csv.writer(f)
        wr.writerow(["kernel", "rep", "bench", "name", "param", "unit", "value"])
        for s in samples:
            wr.writerow([s["kernel"], s["rep"], s["bench"], s["name"], s["param"],
                         s["unit"], s["value"]])
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump({"meta": meta, "plan": dict(plan),
                   "kernels": {k: guests[k] for k in KERNELS},
                   "summary": summary, "samples": samples, "errors": errors}, f, indent=1)

    plot(out, summary)
    if errors:
        print("bench-report: %d errors (see above)" % len(errors), file=sys.stderr)
        return 1
    return 0


def plot(out, summary):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("bench-report: matplotlib missing, no plots", file=sys.stderr)
        return
    figs = [("p2-fork-vmas.png", "P2: fork+exit time vs number of faulted VMAs",
             "VMAs in the parent", "p2", ["fork_exit"]),
            ("p5-walk-children.png", "P5: page out one VMA's pages vs number of children",
             "children (N)", "p5", ["walk_pageout", "control_pageout"])]
    for fname, title, xlabel, bench, names in figs:
        fig, ax = plt.subplots(figsize=(7, 4.5))
        drawn = False
        for name in names:
            for k, style in zip(KERNELS, ("o-", "s--")):
                pts = sorted((r["param"], r[k]) for r in summary
                             if r["bench"] == bench and r["name"] == name and r[k]["n"])
                if not pts:
                    continue
                x = [p for p, _ in pts]
                y = [s["median"] for _, s in pts]
                err = [[s["median"] - s["min"] for _, s in pts],
                       [s["max"] - s["median"] for _, s in pts]]
                ax.errorbar(x, y, yerr=err, fmt=style, capsize=3,
                            label="%s %s" % (LABEL[k], name))
                drawn = True
        if not drawn:
            plt.close(fig)
            continue
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(xlabel)
        ax.set_ylabel("microseconds (median, bars: min-max)")
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
        fig.tight_layout()
        fig.savefig(os.path.join(out, fname), dpi=100)
        plt.close(fig)


if __name__ == "__main__":
    sys.exit(main())
