"""Helpers to fill in survey forms the way a browser does."""

from __future__ import annotations

from html.parser import HTMLParser


class _Inputs(HTMLParser):
    """Collects hidden inputs of the first form on a page."""

    def __init__(self):
        super().__init__()
        self.hidden: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "input" and values.get("type") == "hidden":
            self.hidden[values["name"]] = values.get("value") or ""


def hidden_fields(html: str) -> dict[str, str]:
    """The hidden fields (CSRF token, submission key, version) of a page's form."""
    parser = _Inputs()
    parser.feed(html)
    return parser.hidden


def open_survey(client, slug: str, lang: str = "en", **params) -> dict[str, str]:
    """GET a survey page and return the hidden fields a browser would post back."""
    query = "&".join(f"{k}={v}" for k, v in {"lang": lang, **params}.items())
    page = client.get(f"/s/{slug}?{query}")
    assert page.status_code == 200, page.status_code
    return hidden_fields(page.get_data(as_text=True))


def post_survey(client, slug: str, form: dict, answers: dict, lang: str = "en", **params):
    """POST answers (field name -> value or list) with the page's hidden fields."""
    query = "&".join(f"{k}={v}" for k, v in {"lang": lang, **params}.items())
    return client.post(f"/s/{slug}?{query}", data={**form, **answers})
