"""Customer classification: ABC tiers by value (Pareto) and lifecycle stages by rules.

The rules come from the optional ``classification`` section of journey.yaml
(see surveys/FORMAT.md); :class:`Classification` holds them with the defaults
the literature suggests. The functions here are the reference the SQL path in
app/services/classification.py must agree with.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from touchloop.checks import Checker
from touchloop.expressions import Comparison, Expression, ExpressionError, Reference, parse

# The facts lifecycle conditions may name; numbers are whole numbers.
NUMBER_FACTS = ("years_as_customer", "months_as_customer", "days_since_last_purchase", "annual_value")
SEGMENT_FACTS = ("tier", "region", "industry")
FACTS = NUMBER_FACTS + SEGMENT_FACTS


@dataclass(frozen=True)
class LifecycleRule:
    """A customer whose facts satisfy ``when`` is at lifecycle ``stage``."""

    stage: str
    when: Expression


DEFAULT_LIFECYCLE = tuple(
    LifecycleRule(stage, parse(when))
    for stage, when in (
        ("lost", "days_since_last_purchase >= 540"),
        ("declining", "days_since_last_purchase >= 270"),
        ("new", "months_as_customer < 12"),
        ("growing", "months_as_customer < 36"),
        ("mature", "true"),
    )
)


@dataclass(frozen=True)
class Classification:
    """How customers are graded: tier shares of total value, and lifecycle rules in order."""

    tier_shares: tuple[tuple[str, int], ...] = (("A", 70), ("B", 20))
    rest_tier: str = "C"
    lifecycle: tuple[LifecycleRule, ...] = DEFAULT_LIFECYCLE

    def tier_limits(self) -> tuple[tuple[str, int], ...]:
        """Each ranked tier with the cumulative percentage it runs up to: (A, 70), (B, 90)."""
        limits, running = [], 0
        for tier, share in self.tier_shares:
            running += share
            limits.append((tier, running))
        return tuple(limits)


def to_cents(value: Decimal | float | int | None) -> int:
    """A money amount as whole cents (None counts as 0), so sums are exact everywhere."""
    if value is None:
        return 0
    return int((Decimal(str(value)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def tier_for(cents: int, cents_before: int, total_cents: int, classification: Classification) -> str:
    """The tier of a customer worth ``cents`` when richer customers already make ``cents_before``.

    A customer is in a tier while the share of total value *before* adding
    them is below that tier's cumulative limit; no value means the last tier.
    """
    if cents <= 0 or total_cents <= 0:
        return classification.rest_tier
    for tier, limit in classification.tier_limits():
        if 100 * cents_before < limit * total_cents:
            return tier
    return classification.rest_tier


def assign_tiers(values: Iterable[tuple[str, Decimal | None]], classification: Classification) -> dict[str, str]:
    """Tier per external id, from (external_id, annual_value) pairs: the pure-Python Pareto rule."""
    ranked = sorted((-max(to_cents(value), 0), external_id) for external_id, value in values)
    total = -sum(negative for negative, _ in ranked)
    tiers, running = {}, 0
    for negative, external_id in ranked:
        tiers[external_id] = tier_for(-negative, running, total, classification)
        running -= negative
    return tiers


def whole_months_between(start: date, end: date) -> int:
    """Completed months from ``start`` to ``end`` (0 if ``end`` is not later)."""
    months = (end.year - start.year) * 12 + (end.month - start.month) - (end.day < start.day)
    return max(months, 0)


def customer_facts(
    *,
    today: date,
    customer_since: date | None,
    last_purchase: date | None,
    annual_value: Decimal | None,
    tier: str | None,
    region: str | None,
    industry: str | None,
) -> dict[str, object]:
    """The facts lifecycle rules are evaluated on; an unknown fact is None (every comparison on it fails)."""
    months = whole_months_between(customer_since, today) if customer_since else None
    return {
        "years_as_customer": None if months is None else months // 12,
        "months_as_customer": months,
        "days_since_last_purchase": max((today - last_purchase).days, 0) if last_purchase else None,
        "annual_value": None if annual_value is None else int(annual_value),
        "tier": tier,
        "region": region,
        "industry": industry,
    }


def lifecycle_stage(facts: Mapping[str, object], rules: Iterable[LifecycleRule]) -> str | None:
    """The stage of the first rule whose condition holds, or None when none does."""
    for rule in rules:
        if rule.when.evaluate(facts):
            return rule.stage
    return None


def read_classification(check: Checker, raw: Any, segments: Mapping[str, tuple[str, ...]]) -> Classification:
    """The optional ``classification`` section of journey.yaml, checked against the segment values."""
    path = ("classification",)
    entry = check.mapping(raw, path)
    check.allowed_keys(entry, path, set(), {"tiers", "lifecycle"})
    tiers = segments.get("tier", ())
    settings: dict[str, Any] = {"rest_tier": tiers[-1]} if tiers else {}
    if "tiers" in entry and tiers:
        settings["tier_shares"] = _tier_shares(check, entry["tiers"], tiers)
    if "lifecycle" in entry:
        settings["lifecycle"] = _lifecycle_rules(check, entry["lifecycle"], segments)
    return Classification(**settings)


def _tier_shares(check: Checker, raw: Any, tiers: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
    """Percent of total value per tier, most valuable first; the last tier takes the rest."""
    path = ("classification", "tiers")
    entry = check.mapping(raw, path)
    ranked, last = tiers[:-1], tiers[-1]
    if last in entry:
        check.fail(path + (last,), f"'{last}' is the last tier and takes the rest; give shares for {', '.join(ranked)}")
    check.allowed_keys({key: value for key, value in entry.items() if key != last}, path, set(ranked), set())
    shares = [(code, check.integer(entry[code], path + (code,), 1, 99)) for code in ranked if code in entry]
    given = tuple((code, share) for code, share in shares if share is not None)
    total = sum(share for _, share in given)
    if total >= 100:
        check.fail(
            path, f"the shares add up to {total}; they must add up to less than 100, leaving the rest to '{last}'"
        )
    return given


def _lifecycle_rules(check: Checker, raw: Any, segments: Mapping[str, tuple[str, ...]]) -> tuple[LifecycleRule, ...]:
    """Lifecycle rules in order; each names a declared stage and a condition on customer facts."""
    path = ("classification", "lifecycle")
    stages = segments.get("lifecycle", ())
    rules = []
    for index, item in enumerate(check.sequence(raw, path, minimum=1, maximum=30)):
        where = path + (index,)
        entry = check.mapping(item, where)
        check.allowed_keys(entry, where, {"stage", "when"}, set())
        stage = entry.get("stage")
        if "stage" in entry and stage not in stages:
            check.fail(where + ("stage",), f"unknown lifecycle stage {stage!r} (stages: {', '.join(stages)})")
        when = _condition(check, entry["when"], where + ("when",), segments) if "when" in entry else None
        if isinstance(stage, str) and when is not None:
            rules.append(LifecycleRule(stage, when))
    return tuple(rules)


def _condition(check: Checker, source: Any, path: tuple, segments: Mapping[str, tuple[str, ...]]) -> Expression | None:
    """Parse a rule's condition; it may name only customer facts, compared with sensible values."""
    if isinstance(source, bool):
        source = "true" if source else "false"  # YAML reads an unquoted true as a boolean
    if not isinstance(source, str) or not source.strip():
        check.fail(path, "expected a condition such as 'months_as_customer < 12', or \"true\"")
        return None
    try:
        expression = parse(source)
    except ExpressionError as exc:
        check.fail(path, f"cannot read the condition {source!r}: {exc}")
        return None
    messages = [message for message in map(_reference_problem, expression.references()) if message]
    if not messages:
        found = (_comparison_problem(comparison, segments) for comparison in expression.comparisons())
        messages = [message for message in found if message]
    for message in messages:
        check.fail(path, f"{message} (in {source!r})")
    return None if messages else expression


def _reference_problem(ref: Reference) -> str | None:
    """Why a condition may not name ``ref``, if it may not."""
    if ref.name not in FACTS:
        return f"there is no customer fact '{ref.name}' (facts: {', '.join(FACTS)})"
    if ref.part is not None:
        return f"'{ref.name}' has no part '.{ref.part}'"
    return None


def _comparison_problem(comparison: Comparison, segments: Mapping[str, tuple[str, ...]]) -> str | None:
    """Numbers compare with whole numbers; segment facts with their declared codes, never ordered."""
    name = comparison.ref.name
    if name in NUMBER_FACTS:
        wrong = [value for value in comparison.values if isinstance(value, bool) or not isinstance(value, int)]
        return f"'{name}' is a whole number; {wrong[0]!r} is not one" if wrong else None
    if comparison.op in ("<", "<=", ">", ">="):
        return f"'{name}' is a code; compare it with == or in, not {comparison.op}"
    known = segments.get(name, ())
    unknown = [value for value in comparison.values if value not in known]
    return f"'{name}' has no value {unknown[0]!r} (values: {', '.join(known)})" if unknown else None
