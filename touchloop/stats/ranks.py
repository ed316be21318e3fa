"""Rank tests computed exactly from count tables, with tie corrections, equal to SciPy on the expanded answers.

On a scale with few levels every answer of one level shares one midrank (ranks before the level + (t + 1)/2),
so rank sums, tie terms Σ(t³ − t) and the normal approximations follow from the counts alone.

- **Mann–Whitney U** (Mann & Whitney 1947; tie-corrected variance as in ``scipy.stats.mannwhitneyu``):
  U₁ = R₁ − n₁(n₁ + 1)/2, σ² = n₁n₂/12 · ((N + 1) − Σ(t³ − t)/(N(N − 1))), z = (max(U₁, U₂) − n₁n₂/2 − ½)/σ,
  p = 2·norm.sf(z) — ``mannwhitneyu(a, b, method="asymptotic")`` (continuity correction on by default).
- **Kruskal–Wallis H** (Kruskal & Wallis 1952): H = [12/(N(N + 1)) Σ Rᵢ²/nᵢ − 3(N + 1)] / [1 − Σ(t³ − t)/(N³ − N)],
  p = chi2.sf(H, k − 1) — ``scipy.stats.kruskal``. Empty groups are left out of k.
- **Wilcoxon signed-rank** on the differences (experience − expectation), normal approximation with tie
  correction, **Pratt's treatment of zeros** (Pratt 1959; variance adjusted as in Cureton 1967), no continuity
  correction — ``scipy.stats.wilcoxon(d, zero_method="pratt", correction=False, method="asymptotic")``.
  Why Pratt: on Likert gaps many customers get exactly what they expected (difference 0). Wilcoxon's own
  choice drops them, so the test looks only at customers who noticed a difference and overstates the evidence
  when most noticed none. Pratt keeps the zeros in the ranking — every non-zero difference is ranked against
  the whole sample — and then leaves their ranks out of the signed sum; "zsplit" would add half their rank to
  each side, which only dilutes the statistic. No continuity correction: with tied, non-integer midranks the
  statistic does not move in unit steps, so the ½ correction has no clean justification.

Degenerate data never give NaN: a test lacking answers has p None (note TOO_FEW); all answers tied (or every
difference zero) gives p = 1 (note NO_DIFFERENCE).
"""

from __future__ import annotations

from collections.abc import Sequence

from touchloop.stats.distributions import chi2_sf, normal_sf
from touchloop.stats.inference import NOT_ENOUGH, Note, Significance, no_difference, z_test
from touchloop.stats.tables import Counts, Table, midranks, pooled, table_of, tie_term


def rank_sums(tables: Sequence[Table]) -> tuple[list[float], int, int]:
    """Each table's rank sum in the pooled sample, the pooled tie term Σ(t³ − t), and the pooled N."""
    _, columns = pooled(tables)
    totals = [sum(column) for column in zip(*columns)]
    ranks = midranks(totals)
    sums = [sum(count * rank for count, rank in zip(column, ranks)) for column in columns]
    return sums, tie_term(totals), sum(totals)


def mann_whitney_u(first: Counts, second: Counts, *, continuity: bool = True) -> Significance:
    """Mann–Whitney U test of two count tables: statistic U₁ (of ``first``), two-sided asymptotic p."""
    a, b = table_of(first), table_of(second)
    n1, n2 = a.n, b.n
    if n1 == 0 or n2 == 0:
        return NOT_ENOUGH
    (r1, _), ties, n = rank_sums([a, b])
    u1 = r1 - n1 * (n1 + 1) / 2
    variance = n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1)))
    if variance <= 0:  # every answer tied: the groups cannot differ
        return Significance(u1, 1.0, None, Note.NO_DIFFERENCE)
    numerator = max(u1, n1 * n2 - u1) - n1 * n2 / 2 - (0.5 if continuity else 0.0)
    z = numerator / variance**0.5
    return Significance(u1, min(1.0, 2 * normal_sf(z)))


def kruskal_wallis(groups: Sequence[Counts]) -> Significance:
    """Kruskal–Wallis H test of several count tables, tie-corrected; df = k − 1 over the non-empty groups."""
    tables = [table for table in map(table_of, groups) if table.n]
    if len(tables) < 2:
        return NOT_ENOUGH
    sums, ties, n = rank_sums(tables)
    df = len(tables) - 1
    correction = 1 - ties / (n**3 - n)
    if correction <= 0:  # every answer tied
        return no_difference(df)
    spread = sum(total * total / table.n for total, table in zip(sums, tables))
    h = max((12 / (n * (n + 1)) * spread - 3 * (n + 1)) / correction, 0.0)
    return Significance(h, chi2_sf(h, df), df)


def wilcoxon_signed_rank(differences: Counts) -> Significance:
    """Wilcoxon signed-rank test of a count table of differences: Pratt zeros, tie-corrected normal approximation.

    statistic = min(R₊, R₋) as SciPy reports it; z = (R₊ − μ)/σ with μ = [N(N + 1) − n₀(n₀ + 1)]/4 and
    σ² = [N(N + 1)(2N + 1) − n₀(n₀ + 1)(2n₀ + 1) − Σ(t³ − t)/2]/24, ties t over non-zero |d| only.
    """
    table = table_of(differences)
    n = table.n
    if n == 0:
        return NOT_ENOUGH
    magnitudes: dict[float, int] = {}
    for value, count in zip(table.values, table.counts):
        magnitudes[abs(value)] = magnitudes.get(abs(value), 0) + count
    levels = sorted(magnitudes)
    rank = dict(zip(levels, midranks([magnitudes[level] for level in levels])))
    plus = sum(count * rank[value] for value, count in zip(table.values, table.counts) if value > 0)
    minus = sum(count * rank[-value] for value, count in zip(table.values, table.counts) if value < 0)
    zeros = magnitudes.get(0, 0)
    mean = (n * (n + 1) - zeros * (zeros + 1)) / 4
    ties = tie_term(count for level, count in magnitudes.items() if level != 0)
    variance = (n * (n + 1) * (2 * n + 1) - zeros * (zeros + 1) * (2 * zeros + 1) - ties / 2) / 24
    if variance <= 0:  # every difference is zero
        return no_difference()
    result = z_test((plus - mean) / variance**0.5)
    return Significance(min(plus, minus), result.p_value)
