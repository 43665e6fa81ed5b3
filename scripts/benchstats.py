#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Statistics of scripts/bench-report.py: a 95% confidence interval of the
ratio patched mean / base mean, from independent samples of each kernel.

Fieller's interval with Welch's degrees of freedom: the ratio R is every
value for which (mean_p - R * mean_b) is not significantly different from
0 under a Welch t test, i.e. the solutions of

    (mp - R mb)^2 <= t^2 (vp + R^2 vb),   vp = sp^2/np, vb = sb^2/nb,

with t the 97.5% quantile of Student's t at the Welch-Satterthwaite
degrees of freedom of (mp - R mb). Unlike the delta method it stays valid
when the base mean is uncertain; when the base mean is not significantly
different from 0 the interval is unbounded (reported as such). Only the
standard library: Student's t comes from the regularized incomplete beta
function.

Run as a program, it checks itself against known quantiles and a
simulation (exit 1 on a mismatch).
"""
import math
import statistics

MIN_SAMPLES = 5
LEVEL = 0.95


def _betacf(a, b, x):
    """Continued fraction of the incomplete beta function (Lentz)."""
    tiny, eps = 1e-300, 3e-16
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 500):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < eps:
            break
    return h


def betainc(a, b, x):
    """Regularized incomplete beta function I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    lbt = (math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) +
           a * math.log(x) + b * math.log(1.0 - x))
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(lbt) * _betacf(a, b, x) / a
    return 1.0 - math.exp(lbt) * _betacf(b, a, 1.0 - x) / b


def t_cdf(t, df):
    x = df / (df + t * t)
    tail = 0.5 * betainc(df / 2.0, 0.5, x)
    return 1.0 - tail if t >= 0 else tail


def t_ppf(p, df):
    """Quantile of Student's t with df (real, > 0) degrees of freedom."""
    if not 0.0 < p < 1.0 or df <= 0:
        raise ValueError("t_ppf(%r, %r)" % (p, df))
    if p < 0.5:
        return -t_ppf(1.0 - p, df)
    lo, hi = 0.0, 1.0
    while t_cdf(hi, df) < p:
        hi *= 2.0
    for _ in range(200):
        mid = (lo + hi) / 2.0
        if t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-12 * max(1.0, hi):
            break
    return (lo + hi) / 2.0


def mean_ci(v, level=LEVEL):
    """(mean, half width of the t interval of the mean) of samples v."""
    m = statistics.fmean(v)
    if len(v) < 2:
        return m, None
    s = statistics.stdev(v)
    return m, t_ppf(0.5 + level / 2.0, len(v) - 1) * s / math.sqrt(len(v))


def ratio_ci(base, patched, level=LEVEL):
    """Ratio of means patched/base and its Fieller-Welch interval.

    Returns a dict: ratio (None if the base mean is <= 0 or a mean is
    negative), lo, hi (None if not computed), why (the reason when not:
    fewer than MIN_SAMPLES samples a kernel, or "unbounded"), and
    verdict: "higher"/"lower" when the interval excludes 1.0, "same" when
    it contains 1.0, None when there is no interval.
    """
    out = {"ratio": None, "lo": None, "hi": None, "why": None, "verdict": None}
    if not base or not patched:
        out["why"] = "no samples"
        return out
    mb, mp = statistics.fmean(base), statistics.fmean(patched)
    if mb <= 0 or mp < 0:
        out["why"] = "mean <= 0"
        return out
    r = mp / mb
    out["ratio"] = r
    nb, np_ = len(base), len(patched)
    if nb < MIN_SAMPLES or np_ < MIN_SAMPLES:
        out["why"] = "n < %d" % MIN_SAMPLES
        return out
    vb = statistics.variance(base) / nb
    vp = statistics.variance(patched) / np_
    if vb == 0 and vp == 0:
        out["lo"] = out["hi"] = r
    else:
        num = (vp + r * r * vb) ** 2
        den = vp * vp / (np_ - 1) + (r ** 4) * vb * vb / (nb - 1)
        df = num / den if den > 0 else float(min(nb, np_) - 1)
        t = t_ppf(0.5 + level / 2.0, df)
        a = mb * mb - t * t * vb
        if a <= 0:
            out["why"] = "unbounded"
            return out
        disc = max(0.0, vp * mb * mb + vb * mp * mp - t * t * vb * vp)
        half = t * math.sqrt(disc)
        out["lo"] = (mp * mb - half) / a
        out["hi"] = (mp * mb + half) / a
    if out["lo"] > 1.0:
        out["verdict"] = "higher"
    elif out["hi"] < 1.0:
        out["verdict"] = "lower"
    else:
        out["verdict"] = "same"
    return out


def _selftest():
    import random
    bad = 0
    # Quantiles of Student's t (97.5%) from the usual tables.
    for df, want in ((1, 12.7062), (2, 4.3027), (4, 2.7764), (9, 2.2622),
                     (10, 2.2281), (30, 2.0423), (1e6, 1.9600)):
        got = t_ppf(0.975, df)
        if abs(got - want) > 2e-4:
            print("t_ppf(0.975, %g) = %.4f, want %.4f" % (df, got, want))
            bad += 1
    # Coverage: the interval must hold the true ratio about 95% of the time.
    rng = random.Random(1)
    for true_r, sd_b, sd_p, n in ((1.0, 1.0, 1.0, 5), (1.1, 0.5, 3.0, 6),
                                  (0.9, 2.0, 0.2, 10)):
        hit = tot = 0
        for _ in range(3000):
            b = [rng.gauss(100.0, sd_b) for _ in range(n)]
            p = [rng.gauss(100.0 * true_r, sd_p) for _ in range(n)]
            c = ratio_ci(b, p)
            if c["lo"] is None:
                continue
            tot += 1
            hit += c["lo"] <= true_r <= c["hi"]
        cov = hit / tot
        if not 0.93 <= cov <= 0.975:
            print("coverage %.3f for ratio %g, sd %g/%g, n=%d" % (cov, true_r, sd_b, sd_p, n))
            bad += 1
    # Fixed cases: identical samples; a clear difference; too few samples.
    c = ratio_ci([10.0] * 5, [10.0] * 5)
    bad += c["verdict"] != "same" or c["lo"] != 1.0
    c = ratio_ci([100, 101, 99, 100, 100], [110, 111, 109, 110, 110])
    bad += c["verdict"] != "higher" or not 1.08 < c["lo"] < 1.1 < c["hi"] < 1.12
    c = ratio_ci([1, 2, 3, 4], [1, 2, 3, 4])
    bad += c["verdict"] is not None or c["why"] != "n < 5"
    c = ratio_ci([0.1, -0.1, 0.2, -0.2, 0.05], [1, 1, 1, 1, 1])
    bad += c["verdict"] is not None
    print("benchstats: %s" % ("ok" if not bad else "%d checks FAILED" % bad))
    return 1 if bad else 0


if __name__ == "__main__":
    import sys
    sys.exit(_selftest())
