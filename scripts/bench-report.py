#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Summarize a scripts/bench output folder.

usage: bench-report.py OUT_DIR

Reads OUT_DIR/{meta.txt,plan,kernels/*,runs/<rep>-<kernel>/*} and writes
results.csv (every sample), results.json (metadata, summary, samples),
table.txt (printed too) and three plots: p2-fork-vmas.png and
p5-walk-children.png (base and patched side by side, mean and its 95%
confidence interval) and ratios.png (every ratio with its 95% confidence
interval). Per row: each kernel's mean, the ratio patched mean / base
mean with a 95% confidence interval (scripts/benchstats.py: Fieller's
interval, Welch's degrees of freedom; at least 5 samples per kernel), a
verdict that calls the ratio a difference only when the interval
excludes 1.0, and the noise column. Then, for the patched kernel, what
its rmap walks over CoW contexts did during each benchmark (the
cow_context_rmap_* counters of /proc/vmstat, NAME.vm0 and NAME.vm1: walks,
the share of walks that visited exactly one context, contexts visited per
walk and per candidate context (one with a VMA at the folio's address),
walks given up on a busy lock). Exits 1 if a benchmark of the plan did not run, failed, or printed
no numbers in some boot.
"""
import csv
import json
import math
import os
import re
import statistics
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchstats  # noqa: E402  (scripts/benchstats.py)
import plan as planfile  # noqa: E402  (scripts/plan.py, the plan parser)

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
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if len(sys.argv) > 1 else 1
    out = sys.argv[1]
    meta = kv(read(os.path.join(out, "meta.txt")))
    try:
        plan = [(e.name, e.command) for e in planfile.read(os.path.join(out, "plan"), bench=True)]
    except planfile.PlanError as e:
        print("bench-report: %s" % e, file=sys.stderr)
        return 1
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
    walks = walk_counters(runs_dir, runs, plan)

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
            m, half = benchstats.mean_ci(v) if v else (None, None)
            row[k] = {"n": len(v), "mean": m, "ci95_half": half,
                      "median": statistics.median(v) if v else None,
                      "min": min(v) if v else None, "max": max(v) if v else None}
        c = benchstats.ratio_ci(groups[key]["baseline"], groups[key]["patched"])
        row["ratio"] = c["ratio"]
        row["ratio_ci95"] = [c["lo"], c["hi"]] if c["lo"] is not None else None
        row["ratio_ci_why"] = c["why"]
        row["verdict"] = c["verdict"]
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
        "cowctx benchmarks, %s%s%s" % (meta.get("date", "?"),
                                       " (--quick smoke run)" if meta.get("quick") == "1" else "",
                                       " (--only %s)" % meta["only"]
                                       if meta.get("only", "all") != "all" else ""),
        "mode:    %s" % mode_text,
        kernel_line("baseline"),
        kernel_line("patched"),
        "machine: host %s; guest 4 vCPUs, 2 NUMA nodes x 1 GiB, 2 GiB, zram swap, slab_nomerge"
        % meta.get("host", "?"),
        "reps:    %s boots per kernel, %s;" % (reps, schedule),
        "         each program warms up inside every boot (-w, see the plan);"
        " n = samples per kernel over all boots",
        "ratio:   patched mean / base mean, lower is better except kfault/s; 95% CI: Fieller's",
        "         interval with Welch's degrees of freedom (needs >= %d samples per kernel);"
        % benchstats.MIN_SAMPLES,
        "         verdict: a difference (+/-%) only when the interval excludes 1.0, else \"same\"",
        "noise:   the larger (max-min)/median of the two kernels' samples",
        "",
    ]
    hdr = ("bench", "metric", "param", "unit", "n", "base mean", "patched mean",
           "ratio", "95% CI", "verdict", "noise")
    rows = []
    for r in summary:
        b, p = r["baseline"], r["patched"]
        par = r["param"]
        if isinstance(par, float):
            par = "%d" % par if par == int(par) else "%g" % par
        ci = r["ratio_ci95"]
        if ci:
            cis = "%.3f..%.3f" % (ci[0], ci[1])
        else:
            cis = r["ratio_ci_why"] if r["ratio"] is not None else "-"
        if r["verdict"] in ("higher", "lower"):
            verdict = "%+.1f%%" % ((r["ratio"] - 1) * 100)
        else:
            verdict = r["verdict"] or "-"
        rows.append((r["bench"], r["name"], par, r["unit"], "%d/%d" % (b["n"], p["n"]),
                     fmt(b["mean"]), fmt(p["mean"]),
                     "%.3f" % r["ratio"] if r["ratio"] is not None else "-", cis, verdict,
                     "%.1f%%" % r["spread_pct"] if r["spread_pct"] is not None else "-"))
    w = [max(len(x[i]) for x in rows + [hdr]) for i in range(len(hdr))]
    right = {2, 4, 5, 6, 7, 8, 9, 10}
    for r in [hdr] + rows:
        lines.append("  ".join(c.rjust(w[i]) if i in right else c.ljust(w[i])
                               for i, c in enumerate(r)).rstrip())
    lines += walk_table(plan, walks)
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
                   "summary": summary, "rmap_walks": walks, "samples": samples,
                   "errors": errors}, f, indent=1)

    plot(out, summary)
    if errors:
        print("bench-report: %d errors (see above)" % len(errors), file=sys.stderr)
        return 1
    return 0


WALK_KEYS = ("walk", "walk_one", "visited", "useful", "contended")


def walk_counters(runs_dir, runs, plan):
    """bench -> the patched kernel's cow_context_rmap_* deltas, summed over boots."""
    walks = {}
    for run in runs:
        if run.partition("-")[2] != "patched":
            continue
        for bench, _ in plan:
            before, after = ({l.split()[0]: int(l.split()[1])
                              for l in read(os.path.join(runs_dir, run, bench + ext)).splitlines()
                              if len(l.split()) == 2}
                             for ext in (".vm0", ".vm1"))
            if not after:
                continue
            d = walks.setdefault(bench, dict.fromkeys(WALK_KEYS, 0))
            for k in WALK_KEYS:
                key = "cow_context_rmap_" + k
                d[k] += after.get(key, 0) - before.get(key, 0)
    return walks


def walk_table(plan, walks):
    lines = ["", "rmap walks over CoW contexts on the patched kernel, per benchmark"
             " (/proc/vmstat cow_context_rmap_*",
             "before and after it, summed over all boots; warm-up and background walks"
             " (kswapd, compaction, khugepaged) included):"]
    if not walks:
        return lines + ["  none counted (a kernel without CONFIG_ANON_COW_CONTEXT's counters)"]
    hdr = ("bench", "walks", "one context", "visited/walk", "candidate/walk",
           "visited/candidate", "contended")
    rows = []
    for bench, _ in plan:
        d = walks.get(bench)
        if d is None:
            continue
        w = d["walk"]
        rows.append((bench, "%d" % w,
                     "%.1f%%" % (100.0 * d["walk_one"] / w) if w else "-",
                     "%.2f" % (d["visited"] / w) if w else "-",
                     "%.2f" % (d["useful"] / w) if w else "-",
                     "%.2f" % (d["visited"] / d["useful"]) if d["useful"] else "-",
                     "%d" % d["contended"]))
    w = [max(len(x[i]) for x in rows + [hdr]) for i in range(len(hdr))]
    for r in [hdr] + rows:
        lines.append("  ".join(c.rjust(w[i]) if i else c.ljust(w[i])
                               for i, c in enumerate(r)).rstrip())
    lines.append("one context: walks that visited exactly one context (the leaf-process case);")
    lines.append("candidate: contexts in which the walk found a VMA at the folio's address"
                 " (it may map the folio: rmap_one checks)")
    return lines


def plot(out, summary):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("bench-report: matplotlib missing, no plots", file=sys.stderr)
        return
    colors = {"baseline": "#4c72b0", "patched": "#dd8452"}

    def par(x):
        return "%d" % x if isinstance(x, float) and x == int(x) else str(x)

    # Base and patched side by side: one group of bars per parameter, mean
    # and the 95% confidence interval of the mean as error bars.
    figs = [("p2-fork-vmas.png", "P2: fork + exit + wait vs faulted VMAs in the parent",
             "VMAs in the parent", "p2", ["fork_exit"]),
            ("p5-walk-children.png", "P5: page out one VMA's pages vs children (wide tree)",
             "children (N)", "p5", ["walk_pageout", "control_pageout"])]
    for fname, title, xlabel, bench, names in figs:
        rows = [r for r in summary if r["bench"] == bench and r["name"] in names
                and all(r[k]["n"] for k in KERNELS)]
        if not rows:
            continue
        params = sorted({r["param"] for r in rows}, key=lambda x: (isinstance(x, str), x))
        series = [(name, k) for name in names for k in KERNELS]
        width = 0.8 / len(series)
        fig, ax = plt.subplots(figsize=(7.5, 4.5))
        for i, (name, k) in enumerate(series):
            xs, ys, es = [], [], []
            for j, p in enumerate(params):
                r = next((r for r in rows if r["param"] == p and r["name"] == name), None)
                if r is None:
                    continue
                xs.append(j + (i - (len(series) - 1) / 2) * width)
                ys.append(r[k]["mean"])
                es.append(r[k]["ci95_half"] or 0)
            ax.bar(xs, ys, width, yerr=es, capsize=3, color=colors[k],
                   alpha=1.0 if name == names[0] else 0.45, edgecolor="black", linewidth=0.4,
                   label="%s %s" % (LABEL[k], name) if len(names) > 1 else LABEL[k])
        for j, p in enumerate(params):
            r = next((r for r in rows if r["param"] == p and r["name"] == names[0]), None)
            if r and r["ratio"] is not None:
                tag = ("%+.1f%%" % ((r["ratio"] - 1) * 100)
                       if r["verdict"] in ("higher", "lower") else r["verdict"] or "n<5")
                top = max(r[k]["mean"] + (r[k]["ci95_half"] or 0) for k in KERNELS)
                ax.annotate(tag, (j, top), textcoords="offset points", xytext=(0, 4),
                            ha="center", fontsize=8)
        ax.set_xticks(range(len(params)))
        ax.set_xticklabels([par(p) for p in params])
        vals = [r[k]["mean"] for r in rows for k in KERNELS if r[k]["mean"] and r[k]["mean"] > 0]
        if vals and max(vals) / min(vals) > 20:
            ax.set_yscale("log")
        else:
            ax.set_ylim(bottom=0, top=max(vals) * 1.3 if vals else None)
        ax.set_xlabel(xlabel)
        ax.set_ylabel("microseconds (mean, bars: 95% CI of the mean)")
        ax.set_title(title, fontsize=10)
        ax.grid(True, axis="y", which="both", alpha=0.3)
        ax.legend(fontsize=8, loc="upper left" if ax.get_yscale() == "log" else "upper center",
                  ncol=1 if ax.get_yscale() == "log" else 2, framealpha=0.9)
        fig.tight_layout()
        fig.savefig(os.path.join(out, fname), dpi=100)
        plt.close(fig)

    # Every ratio with its interval: a forest plot around 1.0.
    rows = [r for r in summary if r["ratio_ci95"]]
    if not rows:
        return
    fig, ax = plt.subplots(figsize=(7.5, 0.22 * len(rows) + 1.2))
    for i, r in enumerate(rows):
        lo, hi = r["ratio_ci95"]
        c = "#c44e52" if r["verdict"] == "higher" else "#55a868" if r["verdict"] == "lower" else "gray"
        y = len(rows) - 1 - i
        ax.plot([lo, hi], [y, y], color=c, linewidth=2)
        ax.plot([r["ratio"]], [y], "o", color=c, markersize=3)
    ax.axvline(1.0, color="black", linewidth=0.8)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(["%s %s %s" % (r["bench"], r["name"], par(r["param"]))
                        for r in reversed(rows)], fontsize=6)
    ax.set_xlabel("patched / base (mean, 95% CI); red: higher, green: lower, gray: no difference")
    ax.set_title("cowctx benchmarks: ratio of means per row", fontsize=10)
    ax.grid(True, axis="x", alpha=0.3)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "ratios.png"), dpi=100)
    plt.close(fig)


if __name__ == "__main__":
    sys.exit(main())
