"""Version 1 of the API: one blueprint per resource, mounted under /api/v1."""

from app.api.v1.cases import blp as cases
from app.api.v1.customers import blp as customers
from app.api.v1.invitations import blp as invitations
from app.api.v1.responses import blp as responses
from app.api.v1.stats import blp as stats
from app.api.v1.suggestions import blp as suggestions
from app.api.v1.surveys import blp as surveys

BLUEPRINTS = (surveys, responses, customers, invitations, suggestions, cases, stats)
