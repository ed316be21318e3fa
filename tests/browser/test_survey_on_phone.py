"""A customer answers the purchase survey on a 375×667 phone, in Chinese and in English, by tapping.

The purchase survey asks about the store staff only of store buyers and about online checkout only of online
buyers (``show_if: channel == ...``), and asks what to fix only of unhappy customers (``recommend <= 6``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa

from app.models import Answer, Question, Response
from tests.browser.pages import keep_screenshot, page_width

PHONE_WIDTH = 375


@dataclass(frozen=True)
class Visit:
    """One customer's visit: the browser's language, what they tap, and what must be stored."""

    locale: str
    channel_label: str
    appears: str  # the show_if question the channel brings up
    stays_hidden: str
    taps: dict[str, int]  # scale question -> value
    gaps: dict[str, tuple[int, int]]  # gap question -> (expected, experienced)
    choices: dict[str, str]  # choice question -> option label
    text: dict[str, str] = field(default_factory=dict)
    thanks_heading: str = ""
    stored: dict[str, object] = field(default_factory=dict)


VISITS = {
    "zh": Visit(
        locale="zh-CN",
        channel_label="华辰门店",
        appears="store_staff",
        stays_hidden="online_checkout",
        taps={"recommend": 9, "overall_satisfaction": 4},
        gaps={"store_staff": (5, 6), "price_transparency": (4, 4)},
        choices={"main_reason": "品牌值得信赖", "contact_me": "不用了"},
        thanks_heading="已收到您的回答",
        stored={
            "channel": "store",
            "recommend": 9,
            "overall_satisfaction": 4,
            "store_staff": (5, 6),
            "price_transparency": (4, 4),
            "main_reason": "brand",
            "contact_me": "no",
        },
    ),
    "en": Visit(
        locale="en-US",
        channel_label="From our online shop",
        appears="online_checkout",
        stays_hidden="store_staff",
        taps={"recommend": 4, "overall_satisfaction": 2, "online_checkout": 6},
        gaps={"price_transparency": (5, 3)},
        choices={"contact_me": "Yes"},
        text={"improve": "The delivery date moved twice."},
        thanks_heading="Thank you!",
        stored={
            "channel": "online",
            "recommend": 4,
            "overall_satisfaction": 2,
            "online_checkout": 6,
            "price_transparency": (5, 3),
            "improve": "The delivery date moved twice.",
            "contact_me": "yes",
        },
    ),
}


def question(page, code: str):
    """The block of one question on the survey page."""
    return page.locator(f"#q-{code}")


def tap_scale(page, code: str, value: int) -> None:
    """Tap a number on a question's scale."""
    question(page, code).get_by_role("radio", name=str(value), exact=True).tap()


def tap_gap(page, code: str, expected: int, experienced: int) -> None:
    """Tap what the customer expected, then what they experienced."""
    for part, value in ((1, expected), (2, experienced)):
        question(page, code).locator(f".gap-{part}").get_by_role("radio", name=str(value), exact=True).tap()


def stored_answers(session, response_id: int) -> dict[str, object]:
    """A stored response's answers by question code (gaps as (expected, experienced))."""
    rows = session.execute(
        sa.select(Question.code, Question.type, Answer.value, Answer.expected, Answer.choice, Answer.text)
        .join(Question, Answer.question_id == Question.id)
        .where(Answer.response_id == response_id)
    )
    found = {}
    for code, kind, value, expected, choice, text in rows:
        found[code] = (expected, value) if kind == "gap" else choice if kind == "choice" else text or value
    return found


@pytest.mark.parametrize("language", sorted(VISITS))
def test_customer_answers_on_a_phone_and_the_show_if_question_appears(open_context, demo, language):
    visit = VISITS[language]
    page = open_context(phone=True, locale=visit.locale).new_page()
    page.goto("/s/purchase")
    assert page.locator("html").get_attribute("lang") == {"zh": "zh-CN", "en": "en"}[language]
    assert question(page, visit.appears).is_hidden() and question(page, "improve").is_hidden()

    page.get_by_role("radio", name=visit.channel_label).tap()
    question(page, visit.appears).wait_for(state="visible")
    assert question(page, visit.stays_hidden).is_hidden()
    for code, value in visit.taps.items():
        tap_scale(page, code, value)
    for code, (expected, experienced) in visit.gaps.items():
        tap_gap(page, code, expected, experienced)
    for code, label in visit.choices.items():
        question(page, code).get_by_role("radio", name=label, exact=True).tap()
    for code, text in visit.text.items():
        question(page, code).get_by_role("textbox").fill(text)
    assert question(page, "improve").is_visible() == bool(visit.text)
    keep_screenshot(page, f"survey-{language}-answered")
    assert page_width(page) <= PHONE_WIDTH, "the page scrolls sideways on a phone"

    page.get_by_role("button", name={"zh": "提交", "en": "Submit"}[language]).tap()
    page.wait_for_url("**/s/purchase/thanks**")
    assert page.get_by_role("heading", level=1).inner_text() == visit.thanks_heading
    assert page_width(page) <= PHONE_WIDTH

    demo.rollback()  # see what the server committed
    responses = demo.scalars(sa.select(Response)).all()
    assert [(r.language, r.channel) for r in responses] == [(language, "web")]
    assert stored_answers(demo, responses[0].id) == visit.stored


def test_error_summary_numbers_each_question_as_the_page_shows_it(open_context, demo):
    page = open_context(phone=True).new_page()
    page.goto("/s/purchase")
    page.get_by_role("radio", name="In one of our stores").tap()  # brings up question 4 about the store staff
    page.get_by_role("button", name="Submit").tap()

    summary = page.locator("#error-summary")
    summary.wait_for()
    for link in summary.get_by_role("link").all():
        target = page.locator(link.get_attribute("href"))
        shown_number = target.locator(".question-number").first.inner_text()
        assert link.inner_text().startswith(shown_number + " "), (link.inner_text(), shown_number)
    assert summary.get_by_role("link").last.inner_text().startswith("7. May we contact you")
