"""Random numbers for Monte Carlo: one uniform per placement cell (step, lane), draw and purpose, keyed so a
scenario and its baseline draw the same luck; binomials by inversion of those uniforms."""
from __future__ import annotations

import hashlib

import numpy as np

STEP_SPAN = 128  # uniforms drawn per lane, one per step number


def _normal_quantile(u: np.ndarray) -> np.ndarray:
    """The standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9)."""
    a = (-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
         -3.066479806614716e+01, 2.506628277459239e+00)
    b = (-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
         -1.328068155288572e+01)
    c = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
         4.374664141464968e+00, 2.938163982698783e+00)
    d = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00)
    u = np.clip(u, 1e-12, 1 - 1e-12)
    out = np.empty_like(u)
    low, high = u < 0.02425, u > 1 - 0.02425
    mid = ~(low | high)
    q = u[mid] - 0.5
    r = q * q
    out[mid] = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / \
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
    for mask, sign, tail in ((low, 1.0, u[low]), (high, -1.0, 1 - u[high])):
        q = np.sqrt(-2 * np.log(tail))
        out[mask] = sign * (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / \
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    return out


def binomial_quantile(u: np.ndarray, n: np.ndarray, p: np.ndarray) -> np.ndarray:
    """The binomial variate for uniforms u: exact inversion up to 400 trials, a normal quantile beyond.

    Monotone in u, so the same uniform gives a scenario and its baseline the same luck in a cell.
    """
    u, n, p = np.broadcast_arrays(np.asarray(u, float), np.asarray(n, np.int64), np.asarray(p, float))
    flip = p > 0.5
    q = np.where(flip, 1 - p, p)
    v = np.where(flip, 1 - u, u)
    x = np.zeros(u.shape, dtype=np.int64)
    small = n <= 400
    if small.any():
        ns, qs, vs = n[small], q[small], v[small]
        pmf = np.power(1 - qs, ns)
        cdf = pmf.copy()
        ks = np.zeros(ns.shape, dtype=np.int64)
        ratio = np.divide(qs, 1 - qs, out=np.zeros_like(qs), where=qs < 1)
        active = (vs > cdf) & (ks < ns)
        while active.any():
            idx = np.flatnonzero(active)
            k = ks[idx]
            pmf[idx] = pmf[idx] * (ns[idx] - k) / (k + 1) * ratio[idx]
            cdf[idx] += pmf[idx]
            ks[idx] = k + 1
            active[idx] = (vs[idx] > cdf[idx]) & (ks[idx] < ns[idx]) & (cdf[idx] < 1 - 1e-12)
        x[small] = ks
    large = ~small
    if large.any():
        nl, ql = n[large], q[large]
        spread = np.sqrt(nl * ql * (1 - ql))
        x[large] = np.clip(np.rint(nl * ql + spread * _normal_quantile(v[large])), 0, nl).astype(np.int64)
    return np.where(flip, n - x, x)


def _lane_code(lane_id: str) -> int:
    return int.from_bytes(hashlib.sha256(lane_id.encode()).digest()[:4], "big")


def _cell_uniforms(seed: int, chunk: int, year: int, purpose: int, lanes: list[str], plan, width: int) -> np.ndarray:
    """One uniform per placement cell and draw, keyed by (seed, chunk, year, purpose, lane, step): a scenario and
    its baseline draw the same numbers for the same cell, so their difference is not drowned in noise."""
    out = np.empty((len(plan.cell_starts), width))
    for lane in np.unique(plan.cell_lane):
        rows = np.flatnonzero(plan.cell_lane == lane)
        rng = np.random.default_rng([seed, chunk, year, purpose, _lane_code(lanes[lane])])
        out[rows] = rng.random((STEP_SPAN, width))[np.minimum(plan.cell_step[rows], STEP_SPAN - 1)]
    return out


def _cell_fractions(uniforms: np.ndarray, cells: np.ndarray, rate) -> np.ndarray:
    """The share of each placement cell that moves in each draw: a binomial on the cell's whole teachers."""
    whole = np.floor(cells + 1e-6).astype(np.int64)
    rate = np.broadcast_to(np.clip(rate, 0.0, 1.0), whole.shape)
    drawn = binomial_quantile(uniforms, whole, rate)
    return np.where(whole > 0, drawn / np.maximum(whole, 1), rate)
