"""Security headers on every response, cookies marked Secure over HTTPS, and the proxy in front trusted as told.

A small after_request rather than flask-talisman: Touchloop needs one policy for pages and a stricter one for
the SVG charts it serves, HSTS and Secure cookies decided per request (behind a TLS-terminating proxy), and
nothing else talisman offers; its last release predates Flask 3.1, so it would be a dependency to watch for
about sixty lines of headers.
"""

from __future__ import annotations

from flask import Flask, Response, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

# Pages load scripts, styles, images and fonts from this server only; no inline script or style runs (the
# templates keep them in app/static), no plugin loads, no other site may frame a page, and forms post here.
PAGE_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# A chart opened on its own is a document too: matplotlib styles it inline, and it may run nothing at all.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; sandbox"
HSTS = "max-age=31536000; includeSubDomains"


class HttpsAwareSessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure when configured so, and always when the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        """Secure per SESSION_COOKIE_SECURE, or because this request is HTTPS (directly or per the proxy)."""
        return super().get_cookie_secure(app) or request.is_secure


def init_app(app: Flask) -> None:
    """Trust the configured proxies, mark cookies Secure over HTTPS, and add the headers to every response.

    Call before Flask-Login is set up: after_request functions run last-registered first, so this one
    sees the remember-me cookie Flask-Login sets in its own.
    """
    proxies = int(app.config.get("TRUST_PROXY") or 0)
    if proxies > 0:
        # X-Forwarded-For/-Proto/-Host/-Port from exactly that many proxies: the client's address (for the
        # sign-in rate limit), https (for HSTS and Secure cookies) and the host the visitor asked for.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies)
    app.session_interface = HttpsAwareSessionInterface()
    app.after_request(add_security_headers)


def add_security_headers(response: Response) -> Response:
    """The security headers every answer carries (set by a view already: left as the view chose)."""
    headers = response.headers
    policy = SVG_POLICY if response.mimetype == "image/svg+xml" else PAGE_POLICY
    headers.setdefault("Content-Security-Policy", policy)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
    if request.is_secure:
        # Only over HTTPS: a browser ignores it on plain HTTP, and a local install must stay reachable.
        headers.setdefault("Strict-Transport-Security", HSTS)
        _mark_cookies_secure(response)
    return response


def _mark_cookies_secure(response: Response) -> None:
    """Add Secure to every cookie this HTTPS response sets (Flask-Login's remember-me cookie among them)."""
    cookies = response.headers.getlist("Set-Cookie")
    if not cookies or all("; secure" in cookie.lower() for cookie in cookies):
        return
    response.headers.remove("Set-Cookie")
    for cookie in cookies:
        response.headers.add("Set-Cookie", cookie if "; secure" in cookie.lower() else cookie + "; Secure")
