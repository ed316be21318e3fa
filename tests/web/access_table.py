"""Who may use each route: the explicit access table that tests/web/test_access_table.py checks the app against.

FORMAT — one line per (endpoint, method) of ``app.url_map`` (HEAD and OPTIONS left out):

    ("admin.users", "GET"): Access(ADMIN, 200),

* the first value is the set of roles allowed: any of ANONYMOUS, STAFF, OWNER, REP, MANAGER, ADMIN (sets below);
* the second is the exact status an allowed role gets for the request the test sends: a GET of the route's
  URL, or a POST with a valid CSRF token and no other field (API: a bearer token of the role, JSON ``{}``).
  A dict gives a status per role where they differ (``{"*": 200, ADMIN: 302}``), and "302 /login" is a
  redirect to the sign-in page;
* ``missing=True`` aims the request at ids that do not exist: a step that would change or delete the seeded
  object (erase, revoke, remove) answers 404 once the role check passed, and changes nothing;
* ``query="..."`` is added to the URL.

A role not in the set is refused: anonymous people are sent to /login (401 problem details under /api/),
signed-in people get 403, and a refused POST changes nothing. The URL comes from the rule, each argument filled
from tests/web/route_world.py by its name. A route missing from this table fails the test, and so does a row
whose route is gone: adding a route means adding its line here, deliberately.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.models import Role
from tests.web.route_world import ANONYMOUS

STAFF, OWNER, REP, MANAGER, ADMIN_ROLE = Role.STAFF, Role.OWNER, Role.REPRESENTATIVE, Role.MANAGER, Role.ADMIN
ADMIN = frozenset({ADMIN_ROLE})  # admins have every role: every set below includes them
SIGNED_IN = frozenset({STAFF, OWNER, REP, MANAGER, ADMIN_ROLE})
EVERYONE = SIGNED_IN | {ANONYMOUS}
MANAGERS = frozenset({MANAGER, ADMIN_ROLE})
REPS = frozenset({REP, ADMIN_ROLE})
OWNERS = frozenset({OWNER, ADMIN_ROLE})
RUNNERS = frozenset({MANAGER, REP, ADMIN_ROLE})  # those who run Touchloop: the admin pages and analytics
CASE_ROLES = frozenset({REP, OWNER, MANAGER, ADMIN_ROLE})


@dataclass(frozen=True)
class Access:
    """The roles allowed to use one route, and the status they get."""

    roles: frozenset
    expect: int | str | dict = 200
    missing: bool = False
    query: str = ""

    def status_for(self, role: str) -> str:
        """The answer ``role`` (one of ``roles``) gets: a status, or "302 /login" for a redirect to sign in."""
        if isinstance(self.expect, dict):
            return str(self.expect.get(role, self.expect["*"]))
        return str(self.expect)


ACCESS: dict[tuple[str, str], Access] = {
    # --- public: customers, health, static files, the API's documents -------------------------------------------
    ("public.survey", "GET"): Access(EVERYONE, 200),
    ("public.submit", "POST"): Access(EVERYONE, 422),  # no answers: the page again, saying what is required
    ("public.thanks", "GET"): Access(EVERYONE, 200),
    ("public.invitation", "GET"): Access(EVERYONE, 200),
    ("public.invitation_submit", "POST"): Access(EVERYONE, 422),
    ("public.opt_out_page", "GET"): Access(EVERYONE, 200),
    ("public.opt_out_confirm", "POST"): Access(EVERYONE, 303),
    ("health.healthz", "GET"): Access(EVERYONE, 200),
    ("static", "GET"): Access(EVERYONE, 200),
    ("api-docs.openapi_json", "GET"): Access(EVERYONE, 200),
    ("api-docs.openapi_swagger_ui", "GET"): Access(EVERYONE, 200),
    ("api_docs_assets.swagger_ui_file", "GET"): Access(EVERYONE, 200),
    # --- signing in and out ---------------------------------------------------------------------------------------
    ("auth.login", "GET"): Access(EVERYONE, {"*": 302, ANONYMOUS: 200}),  # signed in: on to one's start page
    ("auth.login", "POST"): Access(EVERYONE, 400),  # no e-mail or password
    ("auth.home", "GET"): Access(SIGNED_IN, 302),
    ("auth.logout", "POST"): Access(SIGNED_IN, "302 /login"),  # anonymous: nobody to sign out, same place
    # --- everyone signed in: suggestions, inbox, own API tokens ----------------------------------------------------
    ("suggestions.new", "GET"): Access(SIGNED_IN, 200),
    ("suggestions.new", "POST"): Access(SIGNED_IN, 400),
    ("suggestions.mine", "GET"): Access(SIGNED_IN, 200),
    ("suggestions.recognition", "GET"): Access(SIGNED_IN, 200),
    ("suggestions.detail", "GET"): Access(SIGNED_IN, 200),  # the seeded one: staff submitted it, owner owns it
    ("suggestions.detail", "POST"): Access(SIGNED_IN, 400),  # no step chosen
    ("suggestions.queue", "GET"): Access(OWNERS, 200),
    ("suggestions.board", "GET"): Access(frozenset({REP, MANAGER, ADMIN_ROLE}), 200),
    ("suggestions.scorecards", "GET"): Access(frozenset({REP, MANAGER, ADMIN_ROLE}), 200),
    ("notifications.inbox", "GET"): Access(SIGNED_IN, 200),
    ("notifications.mark_read", "POST"): Access(SIGNED_IN, 302),
    ("notifications.settings", "GET"): Access(SIGNED_IN, 200),
    ("notifications.settings", "POST"): Access(SIGNED_IN, 400),
    ("account.tokens", "GET"): Access(SIGNED_IN, 200),
    ("account.tokens", "POST"): Access(SIGNED_IN, 400),
    ("account.revoke", "POST"): Access(SIGNED_IN, 404, missing=True),  # only one's own tokens
    # --- follow-up cases: representatives, owners (of the case's department), managers ----------------------------
    ("cases.queue", "GET"): Access(CASE_ROLES, 200),
    ("cases.case", "GET"): Access(CASE_ROLES, 200),
    ("cases.advance", "POST"): Access(CASE_ROLES, 422),  # no step chosen
    ("cases.suggest", "POST"): Access(CASE_ROLES, 404, missing=True),  # would make a suggestion
    ("cases.response", "GET"): Access(CASE_ROLES, 200),
    # --- analytics: managers and representatives --------------------------------------------------------------------
    ("analytics.overview", "GET"): Access(RUNNERS, 200),
    ("analytics.overview_svg", "GET"): Access(RUNNERS, 200),
    ("analytics.touchpoint", "GET"): Access(RUNNERS, 200),
    ("analytics.touchpoint_svg", "GET"): Access(RUNNERS, 200),
    ("analytics.trends", "GET"): Access(RUNNERS, 200),
    ("analytics.trend_svg", "GET"): Access(RUNNERS, 200),
    ("analytics.segments", "GET"): Access(RUNNERS, 200),
    ("analytics.segments_svg", "GET"): Access(RUNNERS, 200),
    ("analytics.importance", "GET"): Access(RUNNERS, 200),
    ("analytics.importance_svg", "GET"): Access(RUNNERS, 200),
    ("analytics.impact", "GET"): Access(RUNNERS, 200),
    ("analytics.report_download", "GET"): Access(RUNNERS, 400),  # no month asked for: the overview says so
    # --- admin pages: managers and representatives see the overview, customers, batches, exports, targets ----------
    ("admin.home", "GET"): Access(RUNNERS, 200),
    ("admin.customers", "GET"): Access(RUNNERS, 200),
    ("admin.customer", "GET"): Access(RUNNERS, 200),
    ("admin.customer_representative", "POST"): Access(REPS, 404, missing=True),  # "" would mean nobody
    ("admin.customer_import", "GET"): Access(MANAGERS, 200),
    ("admin.customer_import", "POST"): Access(MANAGERS, 400),  # no file
    ("admin.customer_export", "POST"): Access(ADMIN, 200),
    ("admin.customer_erase", "GET"): Access(ADMIN, 200),  # the confirmation page
    ("admin.customer_erase", "POST"): Access(ADMIN, 404, missing=True),
    ("admin.batches", "GET"): Access(RUNNERS, 200),
    ("admin.batch", "GET"): Access(RUNNERS, 200),
    ("admin.new_batch", "GET"): Access(MANAGERS, 200),
    ("admin.new_batch", "POST"): Access(MANAGERS, 400),
    ("admin.send", "POST"): Access(MANAGERS, 404, missing=True),  # would e-mail the customers
    ("admin.links_csv", "GET"): Access(MANAGERS, 200),
    ("admin.exports", "GET"): Access(RUNNERS, 200),
    ("admin.export_download", "GET"): Access(RUNNERS, 200, query="survey=delivery-installation"),
    ("admin.links", "GET"): Access(MANAGERS, 200),
    ("admin.link_png", "GET"): Access(MANAGERS, 200),
    ("admin.link_svg", "GET"): Access(MANAGERS, 200),
    ("admin.link_print", "GET"): Access(MANAGERS, 200),
    ("admin.surveys", "GET"): Access(MANAGERS, 200),
    ("admin.survey_preview", "GET"): Access(MANAGERS, 200),
    ("admin.survey_upload", "POST"): Access(ADMIN, 400),  # no file
    ("admin.targets", "GET"): Access(RUNNERS, 200),
    ("admin.add_target_view", "POST"): Access(MANAGERS, 400),
    ("admin.set_level_view", "POST"): Access(MANAGERS, 400),
    ("admin.remove_target_view", "POST"): Access(MANAGERS, 404, missing=True),
    ("admin.remove_level_view", "POST"): Access(MANAGERS, 404, missing=True),
    # --- admin only: accounts, departments, the audit log ----------------------------------------------------------
    ("admin.users", "GET"): Access(ADMIN, 200),
    ("admin.new_user", "GET"): Access(ADMIN, 200),
    ("admin.new_user", "POST"): Access(ADMIN, 400),
    ("admin.user", "GET"): Access(ADMIN, 200),
    ("admin.user", "POST"): Access(ADMIN, 404, missing=True),  # an unticked box would deactivate
    ("admin.user_password", "POST"): Access(ADMIN, 404, missing=True),  # would set a password
    ("admin.departments", "GET"): Access(ADMIN, 200),
    ("admin.department", "GET"): Access(ADMIN, 200),
    ("admin.department_head", "POST"): Access(ADMIN, 404, missing=True),  # "" would clear the head
    ("admin.department_add_member", "POST"): Access(ADMIN, 400),
    ("admin.department_remove_member", "POST"): Access(ADMIN, 404, missing=True),
    ("admin.audit", "GET"): Access(ADMIN, 200),
    ("admin.webhooks", "GET"): Access(ADMIN, 200),
    ("admin.new_webhook", "GET"): Access(ADMIN, 200),
    ("admin.new_webhook", "POST"): Access(ADMIN, 400),  # no address, no events
    ("admin.webhook", "GET"): Access(ADMIN, 200),
    ("admin.webhook_switch", "POST"): Access(ADMIN, 404, missing=True),
    ("admin.webhook_test", "POST"): Access(ADMIN, 404, missing=True),
    ("admin.webhook_delete", "POST"): Access(ADMIN, 404, missing=True),
    ("admin.webhook_delivery", "GET"): Access(ADMIN, 200),
    ("admin.webhook_retry", "POST"): Access(ADMIN, 404, missing=True),
    # --- the JSON API: by the scopes each role's token may hold (a POST sends {}: 422, what is missing) ------------
    ("api_surveys.list_surveys", "GET"): Access(SIGNED_IN, 200),
    ("api_surveys.get_survey", "GET"): Access(SIGNED_IN, 200),
    ("api_responses.list_responses", "GET"): Access(RUNNERS, 200),
    ("api_responses.get_response", "GET"): Access(RUNNERS, 200),
    ("api_responses.create_response", "POST"): Access(MANAGERS, 422),
    ("api_customers.upsert_customers", "POST"): Access(MANAGERS, 422),
    ("api_invitations.create_invitations", "POST"): Access(MANAGERS, 422),
    ("api_invitations.list_invitations", "GET"): Access(MANAGERS, 200),
    ("api_suggestions.list_suggestions", "GET"): Access(SIGNED_IN, 200),
    ("api_suggestions.get_suggestion", "GET"): Access(SIGNED_IN, 200),
    ("api_suggestions.transition_suggestion", "POST"): Access(SIGNED_IN, 422),
    ("api_cases.list_cases", "GET"): Access(CASE_ROLES, 200),
    ("api_cases.get_case", "GET"): Access(CASE_ROLES, 200),
    ("api_cases.transition_case", "POST"): Access(CASE_ROLES, 422),
    ("api_stats.overview", "GET"): Access(RUNNERS, 200),
    ("api_stats.touchpoint", "GET"): Access(RUNNERS, 200),
}
