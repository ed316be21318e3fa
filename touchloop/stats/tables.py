"""The inputs of the statistics — count tables, pair count tables, pair sums — and their raw-data twins.

The database hands Python summaries, never rows (issue 5):

- ``Counts``: score -> how many answered it, e.g. ``{1: 3, 4: 10, 5: 40}``.
- ``PairCounts``: (expected, experienced) -> how many gave that pair of a gap question.
- ``PairSums``: the six sums a Pearson correlation needs.

``counts_of``, ``pair_counts_of`` and ``pair_sums_of`` turn raw arrays into the same inputs, so every
function of the package works on raw data too. The helpers here cost O(number of distinct scores): a table
is never expanded into one entry per answer. Every function taking ``Counts`` also takes a checked ``Table``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

Counts = Mapping[float, int]
PairCounts = Mapping[tuple[float, float], int]


@dataclass(frozen=True)
class PairSums:
    """n, Σx, Σy, Σx², Σy², Σxy of paired answers (x: an item, y: overall satisfaction or NPS)."""

    n: int
    sum_x: float
    sum_y: float
    sum_xx: float
    sum_yy: float
    sum_xy: float


@dataclass(frozen=True)
class Table:
    """A checked count table: distinct values in ascending order with their positive counts."""

    values: tuple[float, ...]
    counts: tuple[int, ...]

    @property
    def n(self) -> int:
        """The number of answers."""
        return sum(self.counts)


def table_of(counts: Counts | Table) -> Table:
    """The checked table of ``counts``; zero counts are dropped, a negative or fractional count is refused.

    A ``Table`` is returned as it is, so a caller running several tests on one group checks it once.
    """
    if isinstance(counts, Table):
        return counts
    items = []
    for value, count in counts.items():
        if not _finite_number(value):
            raise ValueError(f"a score must be a finite number, not {value!r}")
        if not _whole_count(count):
            raise ValueError(f"the count for score {value!r} must be a whole number ≥ 0, not {count!r}")
        if count:
            items.append((value, int(count)))
    items.sort()
    return Table(tuple(value for value, _ in items), tuple(count for _, count in items))


def _finite_number(value: object) -> bool:
    """True for a finite real number; plain int and float are checked first, as the common and fast case."""
    return (type(value) in (int, float) or isinstance(value, numbers.Real)) and math.isfinite(value)


def _whole_count(count: object) -> bool:
    """True for a whole number ≥ 0 (Python or numpy integer)."""
    return (type(count) is int or isinstance(count, numbers.Integral)) and count >= 0


def mean_and_variance(table: Table) -> tuple[float | None, float | None]:
    """Mean Σc·x / n and sample variance Σc·(x − mean)² / (n − 1) (ddof=1); None where undefined."""
    n = table.n
    if n == 0:
        return None, None
    mean = math.fsum(count * value for value, count in zip(table.values, table.counts)) / n
    if n == 1:
        return mean, None
    squares = math.fsum(count * (value - mean) ** 2 for value, count in zip(table.values, table.counts))
    return mean, squares / (n - 1)


def median_of(table: Table) -> float | None:
    """The median as numpy computes it: the middle answer, or the mean of the two middle answers."""
    n = table.n
    if n == 0:
        return None
    lower, upper = value_at(table, (n - 1) // 2), value_at(table, n // 2)
    return lower if lower == upper else (lower + upper) / 2


def value_at(table: Table, position: int) -> float:
    """The value of the answer at 0-based ``position`` in sorted order."""
    seen = 0
    for value, count in zip(table.values, table.counts):
        seen += count
        if position < seen:
            return value
    raise IndexError(position)


def exact(value: float | Decimal) -> int | float:
    """A sum as a Python int when it is whole (also PostgreSQL's Decimal sums), else as a float.

    Whole sums then cancel exactly in n·Σx² − (Σx)², so zero spread gives exactly 0, never a rounding residue.
    """
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    number = float(value)
    return int(number) if number.is_integer() else number


def variance_from_sums(n: int, total: float | Decimal, total_sq: float | Decimal) -> float | None:
    """Sample variance (ddof=1) from n, Σx, Σx²: (n·Σx² − (Σx)²) / (n(n − 1)), never below 0."""
    if n < 2:
        return None
    total, total_sq = exact(total), exact(total_sq)
    return max(n * total_sq - total * total, 0) / (n * (n - 1))


def midranks(counts: Sequence[int]) -> list[float]:
    """The average rank of each tie group, groups in ascending order: ranks before + (t + 1) / 2."""
    ranks, before = [], 0
    for count in counts:
        ranks.append(before + (count + 1) / 2)
        before += count
    return ranks


def tie_term(counts: Iterable[int]) -> int:
    """Σ (t³ − t) over tie groups, the usual tie correction of rank tests (exact in integers)."""
    return sum(count**3 - count for count in counts)


def pooled(tables: Sequence[Table]) -> tuple[tuple[float, ...], list[list[int]]]:
    """The distinct values of all tables in ascending order, and each table's count at each of them."""
    values = tuple(sorted({value for table in tables for value in table.values}))
    columns = []
    for table in tables:
        own = dict(zip(table.values, table.counts))
        columns.append([own.get(value, 0) for value in values])
    return values, columns


def checked_pairs(pairs: PairCounts) -> dict[tuple[float, float], int]:
    """The pair count table without zero counts; a malformed pair or count is refused like in ``table_of``."""
    checked = {}
    for pair, count in pairs.items():
        if not (isinstance(pair, tuple) and len(pair) == 2 and all(map(_finite_number, pair))):
            raise ValueError(f"a gap answer must be a pair of finite numbers (expected, experienced), not {pair!r}")
        if not _whole_count(count):
            raise ValueError(f"the count for the pair {pair!r} must be a whole number ≥ 0, not {count!r}")
        if count:
            checked[pair] = int(count)
    return checked


def differences(pairs: PairCounts) -> dict[float, int]:
    """Counts of experience − expectation from a pair count table."""
    found: dict[float, int] = {}
    for (expected, experienced), count in pairs.items():
        found[experienced - expected] = found.get(experienced - expected, 0) + count
    return found


def marginals(pairs: PairCounts) -> tuple[dict[float, int], dict[float, int]]:
    """The count tables of expectation and of experience from a pair count table."""
    expected: dict[float, int] = {}
    experienced: dict[float, int] = {}
    for (first, second), count in pairs.items():
        expected[first] = expected.get(first, 0) + count
        experienced[second] = experienced.get(second, 0) + count
    return expected, experienced


def counts_of(values: Iterable[float]) -> dict[float, int]:
    """The count table of raw scores (NaN means unanswered and is skipped)."""
    array = np.asarray(list(values) if not isinstance(values, np.ndarray) else values, dtype=float)
    found, count = np.unique(array[~np.isnan(array)], return_counts=True)
    return {_plain(value): int(number) for value, number in zip(found, count)}


def pair_counts_of(expected: Iterable[float], experienced: Iterable[float]) -> dict[tuple[float, float], int]:
    """The pair count table of raw (expectation, experience) answers given as two equally long arrays."""
    pairs = np.column_stack([np.asarray(expected, dtype=float), np.asarray(experienced, dtype=float)])
    found, count = np.unique(pairs[~np.isnan(pairs).any(axis=1)], axis=0, return_counts=True)
    return {(_plain(first), _plain(second)): int(number) for (first, second), number in zip(found, count)}


def pair_sums_of(x: Iterable[float], y: Iterable[float]) -> PairSums:
    """The six sums of raw paired answers (pairs with a NaN are skipped)."""
    pairs = np.column_stack([np.asarray(x, dtype=float), np.asarray(y, dtype=float)])
    pairs = pairs[~np.isnan(pairs).any(axis=1)]
    xs, ys = pairs[:, 0], pairs[:, 1]
    sums = (xs.sum(), ys.sum(), (xs * xs).sum(), (ys * ys).sum(), (xs * ys).sum())
    return PairSums(len(pairs), *(_plain(value) for value in sums))


def _plain(value: float) -> float:
    """A numpy number as a Python int when it is whole, else a float (so scores read as 1, 2, 3)."""
    number = float(value)
    return int(number) if number.is_integer() else number
