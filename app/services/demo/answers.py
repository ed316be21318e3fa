"""Simulated answers: one latent mood per response, shaped by segment and time."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from touchloop.answers import GapAnswer
from touchloop.questions import Question

# Who expects what: tier-A customers expect more; lost/declining customers are sourer.
TIER_EXPECTATION = {"A": 0.9, "B": 0.4, "C": 0.0}
LIFECYCLE_MOOD = {"new": 0.15, "growing": 0.1, "mature": 0.0, "declining": -0.6, "lost": -1.0}
COMMENTS = {
    "zh": [
        "师傅比约定时间晚到了两个多小时，也没有提前打电话。",
        "价格说明不够清楚，安装费是后来才告诉我的。",
        "客服电话排队太久，问题转了三次才有人处理。",
        "产品不错，但是App经常连不上设备。",
        "销售顾问对产品参数不熟悉，很多问题答不上来。",
        "安装后现场没有清理干净。",
    ],
    "en": [
        "The installer came two hours late and did not call ahead.",
        "The installation fee was only mentioned after I paid.",
        "I waited on hold for ages and was transferred three times.",
        "Good product, but the app keeps losing the devices.",
        "The consultant did not know the product well enough to answer my questions.",
        "They left a mess after installing.",
    ],
}


@dataclass(frozen=True)
class Situation:
    """What shapes one simulated response."""

    tier: str
    lifecycle: str
    region: str
    touchpoint: str
    year_fraction: float  # 0 = twelve months ago, 1 = today
    language: str
    mood_shift: float = 0.0  # what a planted change did to this touchpoint by the time of the answer


def simulate(rng: random.Random, questions: tuple[Question, ...], situation: Situation) -> dict[str, Any]:
    """Raw answers to every question; show_if filtering is left to check_answers."""
    drift = -0.35 + 0.6 * situation.year_fraction  # things got better over the year
    mood = rng.gauss(0.0, 0.9) + LIFECYCLE_MOOD.get(situation.lifecycle, 0.0) + drift + situation.mood_shift
    expectation_lift = TIER_EXPECTATION.get(situation.tier, 0.0)
    raw: dict[str, Any] = {}
    for question in questions:
        if question.type == "gap":
            raw[question.id] = _gap(rng, question, mood, expectation_lift, situation)
        elif question.is_numeric:
            raw[question.id] = _score(rng, question, mood)
        elif question.type == "choice":
            raw[question.id] = _choice(rng, question, mood)
        elif question.type == "text" and rng.random() < 0.55:
            raw[question.id] = rng.choice(COMMENTS[situation.language])
    return raw


def _gap(rng: random.Random, question: Question, mood: float, lift: float, situation: Situation) -> GapAnswer:
    """Expectation rises with tier; experience follows mood; West China installs run late."""
    low, high = question.scale or (1, 7)
    middle = (low + high) / 2
    spread = (high - low) / 6
    expected = middle + spread * (1.3 + lift + rng.gauss(0, 0.7))
    actual = middle + spread * (1.2 + mood + rng.gauss(0, 0.6))
    if question.id == "punctuality" and situation.region == "west":
        actual -= spread * 1.6
    return GapAnswer(_clip(expected, low, high), _clip(actual, low, high))


def _score(rng: random.Random, question: Question, mood: float) -> int:
    """A score on the question's scale, centred a little above the middle."""
    low, high = question.scale or (0, 10)
    if question.type == "nps":
        return _clip(7.6 + 2.1 * mood + rng.gauss(0, 0.8), low, high)
    middle = (low + high) / 2
    return _clip(middle + (high - low) / 5 * (1.1 + mood) + rng.gauss(0, 0.5), low, high)


def _choice(rng: random.Random, question: Question, mood: float) -> Any:
    """Mostly the first options; unhappy customers ask to be contacted more often."""
    codes = question.option_codes
    if question.id == "contact_me":
        return "yes" if rng.random() < (0.35 if mood < -0.8 else 0.08) else "no"
    if question.id == "delivery_condition":
        return rng.choices(codes, weights=[92, 5, 3][: len(codes)] + [1] * max(0, len(codes) - 3))[0]
    if question.multiple:
        return rng.sample(list(codes), k=rng.randint(1, min(3, len(codes))))
    weights = [1.0 / (index + 1) for index in range(len(codes))]
    return rng.choices(codes, weights=weights)[0]


def _clip(value: float, low: int, high: int) -> int:
    """``value`` rounded onto the scale."""
    return max(low, min(high, int(round(value))))
