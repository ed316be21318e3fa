"""Satisfaction and loyalty as shares: CSAT (top-2-box with a Wilson interval), NPS (trinomial interval), CES.

- **Wilson score interval** (Wilson 1927; Newcombe 1998 "method 3"; the formula of statsmodels'
  ``proportion_confint(method="wilson")``): with p̂ = x/n and z the normal quantile,
  centre = (p̂ + z²/2n) / (1 + z²/n) and half-width = z / (1 + z²/n) · √(p̂(1 − p̂)/n + z²/4n²).
  Unlike the Wald interval it stays inside [0, 1] and does not collapse when everyone (or no one) is satisfied.
- **CSAT** = share of answers 4 or 5 on the 1–5 scale (top-2-box).
- **NPS** = 100 · (p₊ − p₋), promoters answer 9–10 and detractors 0–6 on the 0–10 scale. Coding each answer
  +1 / 0 / −1 makes NPS/100 the mean of the codes, whose variance is the trinomial
  p₊ + p₋ − (p₊ − p₋)²; the interval is the normal approximation NPS ± z · 100 · √(variance / n), clipped
  to [−100, 100]. It needs n ≥ 2 and collapses to the score when every answer is in one class (no spread).
- **CES** (customer effort, 1–7) is reported as a mean with its t-interval (see ``summary.describe``).

``nps_codes`` and ``top_box_codes`` turn a 0–10 or 1–k table into a table of codes (−100/0/100, 0/100) so
that NPS and CSAT can be compared between periods with the mean-based tests (``means.difference_of_means``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from touchloop.stats.inference import CONFIDENCE, MIN_N, Interval, normal_interval, normal_quantile
from touchloop.stats.summary import Summary, describe
from touchloop.stats.tables import Counts, Table, table_of

PROMOTER_FROM = 9
DETRACTOR_UP_TO = 6


@dataclass(frozen=True)
class Share:
    """The share of n answers that are ``hits`` (e.g. CSAT top-2-box), with its Wilson interval."""

    n: int
    hits: int
    share: float | None
    ci: Interval | None
    too_small: bool


@dataclass(frozen=True)
class NetPromoterScore:
    """NPS in points (−100..100) with its counts and its normal-approximation interval."""

    n: int
    promoters: int
    passives: int
    detractors: int
    score: float | None
    ci: Interval | None
    too_small: bool


def wilson_interval(hits: int, n: int, confidence: float = CONFIDENCE) -> Interval | None:
    """Wilson score interval of the proportion hits/n (Newcombe 1998, method 3); None when n is 0."""
    if not 0 <= hits <= n:
        raise ValueError(f"hits must be between 0 and n ({n}), not {hits}")
    if n == 0:
        return None
    z = normal_quantile(confidence)
    p = hits / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return Interval(centre - half, centre + half).clipped(0.0, 1.0)


def top_box(counts: Counts, *, top_from: float, confidence: float = CONFIDENCE, min_n: int = MIN_N) -> Share:
    """The share of answers at or above ``top_from`` with its Wilson interval."""
    table = table_of(counts)
    hits = sum(count for value, count in zip(table.values, table.counts) if value >= top_from)
    n = table.n
    share = hits / n if n else None
    return Share(n, hits, share, wilson_interval(hits, n, confidence), n < min_n)


def csat(counts: Counts, *, confidence: float = CONFIDENCE, min_n: int = MIN_N) -> Share:
    """CSAT: the top-2-box share (answers 4–5) of a 1–5 count table, with its Wilson interval."""
    _check_scale(table_of(counts), 1, 5, "CSAT")
    return top_box(counts, top_from=4, confidence=confidence, min_n=min_n)


def nps(counts: Counts, *, confidence: float = CONFIDENCE, min_n: int = MIN_N) -> NetPromoterScore:
    """NPS = 100·(p₊ − p₋) of a 0–10 count table; CI from the trinomial variance, normal approximation."""
    table = table_of(counts)
    _check_scale(table, 0, 10, "NPS")
    n = table.n
    promoters = sum(count for value, count in zip(table.values, table.counts) if value >= PROMOTER_FROM)
    detractors = sum(count for value, count in zip(table.values, table.counts) if value <= DETRACTOR_UP_TO)
    passives = n - promoters - detractors
    if n == 0:
        return NetPromoterScore(0, 0, 0, 0, None, None, 0 < min_n)
    up, down = promoters / n, detractors / n
    score = 100 * (up - down)
    ci = None
    if n >= 2:
        variance = max(up + down - (up - down) ** 2, 0.0)
        ci = normal_interval(score, 100 * math.sqrt(variance / n), confidence).clipped(-100.0, 100.0)
    return NetPromoterScore(n, promoters, passives, detractors, score, ci, n < min_n)


def ces(counts: Counts, *, confidence: float = CONFIDENCE, min_n: int = MIN_N) -> Summary:
    """CES: the mean of a 1–7 customer-effort count table, with sd, median and t-interval."""
    _check_scale(table_of(counts), 1, 7, "CES")
    return describe(counts, confidence=confidence, min_n=min_n)


def nps_codes(counts: Counts) -> dict[float, int]:
    """A 0–10 table as codes +100 (promoter) / 0 (passive) / −100 (detractor): their mean is the NPS."""
    table = table_of(counts)
    _check_scale(table, 0, 10, "NPS")
    codes = {100: 0, 0: 0, -100: 0}
    for value, count in zip(table.values, table.counts):
        codes[100 if value >= PROMOTER_FROM else -100 if value <= DETRACTOR_UP_TO else 0] += count
    return codes


def top_box_codes(counts: Counts, *, top_from: float = 4) -> dict[float, int]:
    """A rating table as codes 100 (at or above ``top_from``) / 0: their mean is the top-box share in percent."""
    table = table_of(counts)
    hits = sum(count for value, count in zip(table.values, table.counts) if value >= top_from)
    return {100: hits, 0: table.n - hits}


def _check_scale(table: Table, lowest: int, highest: int, metric: str) -> None:
    """Refuse a table with scores outside the metric's scale (a wrong question type upstream)."""
    outside = [value for value in table.values if not lowest <= value <= highest]
    if outside:
        raise ValueError(f"{metric} answers run from {lowest} to {highest}; got {outside[0]!r}")
