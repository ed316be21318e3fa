"""Multiple-comparison corrections for the pairwise segment tests: Holm and Benjamini–Hochberg adjusted p-values.

Comparing k segments pair by pair runs k(k − 1)/2 tests; at 5% each, some would look significant by chance.

- **Holm** (Holm 1979, step-down Bonferroni) controls the family-wise error rate — the chance of *any* false
  "significant" — and is uniformly better than plain Bonferroni. With p-values sorted p₍₁₎ ≤ … ≤ p₍ₘ₎:
  p̃₍ᵢ₎ = max over j ≤ i of min(1, (m − j + 1)·p₍ⱼ₎). Use it for the significance markers of the segment table.
- **Benjamini–Hochberg** (1995) controls the false discovery rate — the expected share of false ones among
  those called significant — and is less strict: p̃₍ᵢ₎ = min over j ≥ i of min(1, m·p₍ⱼ₎/j)
  (``scipy.stats.false_discovery_control(method="bh")``). Use it to screen many segments for leads.

None entries (tests that could not be run) stay None and do not count in m.
"""

from __future__ import annotations

from collections.abc import Sequence


def holm(p_values: Sequence[float | None]) -> tuple[float | None, ...]:
    """Holm step-down adjusted p-values, in the order given."""
    order = _sorted_present(p_values)
    adjusted: list[float | None] = [None] * len(p_values)
    running = 0.0
    for rank, (p, index) in enumerate(order):
        running = max(running, min(1.0, (len(order) - rank) * p))
        adjusted[index] = running
    return tuple(adjusted)


def benjamini_hochberg(p_values: Sequence[float | None]) -> tuple[float | None, ...]:
    """Benjamini–Hochberg step-up adjusted p-values (false discovery rate), in the order given."""
    order = _sorted_present(p_values)
    adjusted: list[float | None] = [None] * len(p_values)
    running = 1.0
    for rank in reversed(range(len(order))):
        p, index = order[rank]
        running = min(running, len(order) * p / (rank + 1))
        adjusted[index] = running
    return tuple(adjusted)


def _sorted_present(p_values: Sequence[float | None]) -> list[tuple[float, int]]:
    """(p, position) of the p-values that are not None, smallest first; refuses values outside [0, 1]."""
    present = [(float(p), index) for index, p in enumerate(p_values) if p is not None]
    for p, index in present:
        if not 0 <= p <= 1:
            raise ValueError(f"p-value number {index + 1} is {p}, outside [0, 1]")
    return sorted(present)
