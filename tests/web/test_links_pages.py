"""Public survey links with source tags, their QR codes, and the printable poster."""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

import pytest
import qrcode
import qrcode.constants
import sqlalchemy as sa
from PIL import Image

from app.models import Response, Role
from tests.factories import load_surveys
from tests.web.forms import open_survey, post_survey
from tests.web.test_auth import make_user, sign_in
from tests.web.test_survey_pages import GOOD

SLUG = "delivery-installation"
BASE = "https://cx.example.com"
QUIET_ZONE = 4


@pytest.fixture
def manager(app, client, session):
    """A client signed in as a manager; customers reach the server at BASE."""
    app.config["EXTERNAL_URL"] = BASE
    load_surveys(session)
    make_user(session, email="manager@example.com", role=Role.MANAGER)
    sign_in(client, email="manager@example.com")
    return client


def expected_modules(url: str) -> list[list[bool]]:
    """The QR modules (no quiet zone) a reader would decode ``url`` from, made independently of the app."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(url)
    code.make(fit=True)
    return code.get_matrix()


def png_modules(data: bytes) -> list[list[bool]]:
    """Read the modules back from a PNG by sampling the middle of each; checks the quiet zone on the way."""
    image = Image.open(io.BytesIO(data)).convert("L")
    width, height = image.size
    pixels = image.load()
    offset = next(i for i in range(width) if pixels[i, i] < 128)  # the finder pattern's top-left corner
    run = next(i for i in range(offset, width) if pixels[i, offset] >= 128) - offset  # its 7-module top edge
    box = run // 7
    assert run == 7 * box and offset == QUIET_ZONE * box, "a quiet zone of 4 modules"
    count = (width - 2 * offset) // box
    assert width == height == (count + 2 * QUIET_ZONE) * box
    assert all(pixels[x, y] >= 128 for x in range(width) for y in (0, offset - 1, width - offset, width - 1))
    return [
        [pixels[offset + x * box + box // 2, offset + y * box + box // 2] < 128 for x in range(count)]
        for y in range(count)
    ]


def svg_modules(svg: str) -> list[list[bool]]:
    """Read the modules back from the squares of the SVG's path."""
    size = float(re.search(r'viewBox="0 0 ([\d.]+) [\d.]+"', svg).group(1))
    squares = [tuple(map(float, m)) for m in re.findall(r"M([\d.]+),([\d.]+)H([\d.]+)V[\d.]+H[\d.]+z", svg)]
    unit = squares[0][2] - squares[0][0]
    count = round(size / unit) - 2 * QUIET_ZONE
    dark = {(round(x / unit) - QUIET_ZONE, round(y / unit) - QUIET_ZONE) for x, y, _ in squares}
    assert min(min(dark)) == 0 and max(max(dark)) == count - 1, "a quiet zone of 4 modules all round"
    return [[(x, y) in dark for x in range(count)] for y in range(count)]


@pytest.mark.parametrize("path", ["/admin/links", f"/admin/links/{SLUG}.png", f"/admin/links/{SLUG}/print"])
def test_anonymous_people_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]


@pytest.mark.parametrize("role", [Role.REPRESENTATIVE, Role.STAFF])
def test_only_managers_and_admins_reach_the_links(client, session, role):
    load_surveys(session)
    make_user(session, email="someone@example.com", role=role)
    sign_in(client, email="someone@example.com")
    for path in ("/admin/links", f"/admin/links/{SLUG}.png", f"/admin/links/{SLUG}.svg", f"/admin/links/{SLUG}/print"):
        assert client.get(path).status_code == 403, path
    if role == Role.REPRESENTATIVE:
        assert "/admin/links" not in client.get("/admin/").get_data(as_text=True)


def test_links_page_lists_every_survey_with_its_public_link(manager):
    text = manager.get("/admin/links?lang=en").get_data(as_text=True)
    for slug in ("pre-purchase-consultation", "purchase", SLUG, "after-sales-service"):
        assert f'<a href="{BASE}/s/{slug}"><code>{BASE}/s/{slug}</code></a>' in text
    assert "<td>How did your installation go?</td>" in text and "<td>Installation and setup</td>" in text
    assert text.index("/s/pre-purchase-consultation") < text.index("/s/after-sales-service")  # journey order
    assert 'href="/admin/links" aria-current="page"' in text


def test_a_source_tag_is_added_to_every_link_and_download(manager):
    text = manager.get("/admin/links?lang=en&src=store-12").get_data(as_text=True)
    assert f"<code>{BASE}/s/{SLUG}?src=store-12</code>" in text
    assert (
        f'href="/admin/links/{SLUG}.png?src=store-12"' in text
        and f'href="/admin/links/{SLUG}/print?src=store-12"' in text
    )
    assert 'id="src" name="src" value="store-12"' in text


@pytest.mark.parametrize("bad", ["store 12", "<b>x</b>", "x" * 65, "商店"])
def test_a_bad_source_tag_gets_a_clear_message(manager, bad):
    page = manager.get("/admin/links", query_string={"lang": "en", "src": bad})
    text = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "A source tag can only have 1 to 64 letters, digits, dots, hyphens and underscores" in text
    main = text.split("<main", 1)[1]  # the header's language links keep the query string; the links do not
    assert 'aria-invalid="true"' in main and "?src=" not in main and "<b>x</b>" not in text
    download = manager.get(f"/admin/links/{SLUG}.png", query_string={"lang": "en", "src": bad})
    assert download.status_code == 400 and "That source tag cannot be used" in download.get_data(as_text=True)


def test_png_download_encodes_the_tagged_link_with_a_quiet_zone(manager):
    response = manager.get(f"/admin/links/{SLUG}.png?src=store-12")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.headers["Content-Disposition"] == f"attachment; filename=qr-{SLUG}-store-12.png"
    image = Image.open(io.BytesIO(response.data))
    assert image.format == "PNG" and image.size[0] >= 1000  # about 8.5 cm at 300 dpi
    assert png_modules(response.data) == expected_modules(f"{BASE}/s/{SLUG}?src=store-12")


def test_svg_download_encodes_the_link(manager):
    response = manager.get(f"/admin/links/{SLUG}.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.headers["Content-Disposition"] == f"attachment; filename=qr-{SLUG}.svg"
    svg = response.get_data(as_text=True)
    assert svg.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<svg')
    assert svg_modules(svg) == expected_modules(f"{BASE}/s/{SLUG}")


def test_unknown_survey_has_no_qr_code(manager):
    assert manager.get("/admin/links/no-such-survey.png").status_code == 404
    assert manager.get("/admin/links/No_Such.svg").status_code == 404
    assert manager.get("/admin/links/no-such-survey/print").status_code == 404


def test_print_page_has_both_titles_the_code_and_the_link(manager):
    page = manager.get(f"/admin/links/{SLUG}/print?src=store-12&lang=en")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<h1 lang="zh-CN">送货安装服务评价</h1>' in text
    assert '<p class="title-other" lang="en">How did your installation go?</p>' in text
    assert f'<p class="url">{BASE}/s/{SLUG}?src=store-12</p>' in text
    assert 'href="/static/css/print.css"' in text  # the A4 print styles, kept in a file for the CSP
    with manager.get("/static/css/print.css") as response:  # a file response: closed here
        sheet = response.get_data(as_text=True)
    assert "@media print" in sheet and "size: A4" in sheet
    svg = text[text.index("<svg") : text.index("</svg>") + 6]
    assert svg_modules(svg) == expected_modules(f"{BASE}/s/{SLUG}?src=store-12")


def test_scanning_the_code_stores_the_source_tag_as_the_channel(manager, session):
    png = manager.get(f"/admin/links/{SLUG}.png?src=store-12").data
    url = f"{BASE}/s/{SLUG}?src=store-12"
    assert png_modules(png) == expected_modules(url)
    address = urlsplit(url)
    assert address.path == f"/s/{SLUG}" and address.query == "src=store-12"
    form = open_survey(manager, SLUG, src="store-12")  # the path and query a phone opens after the scan
    assert post_survey(manager, SLUG, form, GOOD, src="store-12").status_code == 303
    assert session.scalars(sa.select(Response.channel)).all() == ["store-12"]
