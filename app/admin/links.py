"""Public survey links with source tags, their QR codes (PNG, SVG) and a printable poster."""

from __future__ import annotations

import io

from flask import abort, current_app, render_template, request, send_file
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.admin import bp
from app.admin.sections import add_section
from app.auth.roles import require_role
from app.errors import error_response
from app.extensions import db
from app.i18n import use_language
from app.models import Role
from app.public.render import company_name
from app.services.qr_codes import qr_png, qr_svg
from app.services.survey_links import SurveyLink, public_url, survey_links, valid_source
from touchloop.checks import SLUG_RE

add_section("admin.links", _l("Links & QR codes"), "admin", "manager")


@bp.get("/links")
@require_role(Role.MANAGER)
def links():
    """Every survey's anonymous link, tagged with ``src`` when one is given."""
    use_language(current_app.config["LANGUAGES"])
    source, error = _source_argument()
    if error:
        source = ""
    rows = [(link, public_url(_base_url(), link.slug, source)) for link in survey_links(db.session)]
    page = render_template(
        "admin/links.html", rows=rows, source=source, typed=request.args.get("src", "")[:200], error=error
    )
    return page, (400 if error else 200)


@bp.get("/links/<slug>.png")
@require_role(Role.MANAGER)
def link_png(slug: str):
    """The QR code of a survey link as a PNG download."""
    link, source, refusal = _link_and_source(slug)
    if refusal:
        return refusal
    data = qr_png(public_url(_base_url(), link.slug, source))
    return send_file(
        io.BytesIO(data), mimetype="image/png", as_attachment=True, download_name=_file_name(link, source, "png")
    )


@bp.get("/links/<slug>.svg")
@require_role(Role.MANAGER)
def link_svg(slug: str):
    """The QR code of a survey link as an SVG download."""
    link, source, refusal = _link_and_source(slug)
    if refusal:
        return refusal
    data = qr_svg(public_url(_base_url(), link.slug, source)).encode("utf-8")
    return send_file(
        io.BytesIO(data), mimetype="image/svg+xml", as_attachment=True, download_name=_file_name(link, source, "svg")
    )


@bp.get("/links/<slug>/print")
@require_role(Role.MANAGER)
def link_print(slug: str):
    """An A4 poster: the survey's title in each language, its QR code and its link."""
    link, source, refusal = _link_and_source(slug)
    if refusal:
        return refusal
    url = public_url(_base_url(), link.slug, source)
    languages = current_app.config["LANGUAGES"]
    return render_template(
        "admin/link_print.html",
        link=link,
        url=url,
        source=source,
        company=company_name(),
        languages=[lang for lang in languages if lang in link.title] or list(link.title),
        calls=_calls_to_action(languages),
        # Our own drawing of a URL whose parts are all checked (slug, source tag, configured base): no customer text.
        svg=Markup(qr_svg(url, declaration=False)),
    )


def _base_url() -> str:
    """Where customers reach this server (EXTERNAL_URL)."""
    return current_app.config.get("EXTERNAL_URL", "http://127.0.0.1:5000")


def _source_argument() -> tuple[str, str | None]:
    """The ``src`` of the query string, and a message if it cannot be a source tag."""
    source = request.args.get("src", "").strip()
    if source and not valid_source(source):
        return source, _(
            "A source tag can only have 1 to 64 letters, digits, dots, hyphens and underscores, for example store-12."
        )
    return source, None


def _link_and_source(slug: str) -> tuple[SurveyLink, str, object]:
    """The survey's link and the source tag, or the 400 page that refuses a bad tag (404 for no survey)."""
    use_language(current_app.config["LANGUAGES"])
    found = survey_links(db.session, slug) if SLUG_RE.fullmatch(slug) else []
    if not found:
        abort(404)
    source, error = _source_argument()
    if error:
        return found[0], "", error_response(400, _("That source tag cannot be used"), error)
    return found[0], source, None


def _file_name(link: SurveyLink, source: str, extension: str) -> str:
    """The download's name, e.g. qr-purchase-store-12.png."""
    return f"qr-{link.slug}{'-' + source if source else ''}.{extension}"


def _calls_to_action(languages) -> list[tuple[str, str]]:
    """The poster's invitation to scan, in English and in each language it is translated into."""
    texts = {}
    for lang in languages:
        with force_locale(lang):
            texts[lang] = _("Scan the code with your phone camera to tell us how we did. It takes a minute or two.")
    english = texts.get("en")
    return [(lang, text) for lang, text in texts.items() if lang == "en" or text != english]
