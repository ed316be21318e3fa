"""Test helpers for touchloop.stats: seeded random count tables, their expansion to raw answers, NaN checks.

Only tests expand count tables into one value per answer, to compare with SciPy on the raw data.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator

import numpy as np

TIGHT = dict(rel=1e-9, abs=1e-12)  # count-table results must equal SciPy's up to rounding


def rng(seed: int) -> np.random.Generator:
    """A seeded generator, so every 'random' comparison is reproducible."""
    return np.random.default_rng(seed)


def random_counts(generator: np.random.Generator, low: int, high: int, *, most: int = 60) -> dict[int, int]:
    """A count table on the scale low..high with at least two different answered scores; some counts are 0."""
    while True:
        counts = {
            value: int(generator.integers(0, most)) * int(generator.random() < 0.8) for value in range(low, high + 1)
        }
        if sum(1 for count in counts.values() if count) >= 2:
            return counts


def random_pairs(generator: np.random.Generator, low: int, high: int, *, most: int = 8) -> dict[tuple[int, int], int]:
    """A pair count table (expected, experienced) on low..high, with many zero gaps and a drift."""
    pairs = {}
    for expected in range(low, high + 1):
        for experienced in range(low, high + 1):
            weight = 3 if expected == experienced else 1
            pairs[(expected, experienced)] = int(generator.integers(0, most * weight)) * int(generator.random() < 0.7)
    return pairs


def expand(counts: dict) -> np.ndarray:
    """The raw answers of a count table, one per answer, in random-free sorted order."""
    values = sorted(value for value, count in counts.items() if count)
    return np.repeat(np.asarray(values, dtype=float), [counts[value] for value in values])


def expand_pairs(pairs: dict) -> tuple[np.ndarray, np.ndarray]:
    """The raw (expected, experienced) answers of a pair count table, as two arrays."""
    keys = [key for key, count in pairs.items() if count]
    repeats = [pairs[key] for key in keys]
    expected = np.repeat(np.asarray([key[0] for key in keys], dtype=float), repeats)
    experienced = np.repeat(np.asarray([key[1] for key in keys], dtype=float), repeats)
    return expected, experienced


def numbers_in(result: object) -> Iterator[float]:
    """Every float anywhere inside a (nested) result of dataclasses, tuples and dicts."""
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        for field in dataclasses.fields(result):
            yield from numbers_in(getattr(result, field.name))
    elif isinstance(result, (tuple, list)):
        for item in result:
            yield from numbers_in(item)
    elif isinstance(result, dict):
        for item in result.values():
            yield from numbers_in(item)
    elif isinstance(result, float):
        yield result


def assert_no_nan(result: object) -> None:
    """Fail when any number inside the result is NaN or infinite."""
    bad = [number for number in numbers_in(result) if not math.isfinite(number)]
    assert not bad, f"non-finite numbers in {result!r}"
