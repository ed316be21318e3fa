"""Command-line commands, registered on the app's ``flask`` CLI."""

from flask import Flask

from app.cli import customer_privacy  # noqa: F401  (adds export and erase to the customers group)
from app.cli.analytics import analytics_group
from app.cli.customers import customers_group
from app.cli.demo import demo_command
from app.cli.invitations import invitations_group
from app.cli.loop import loop_group
from app.cli.report import report_command
from app.cli.responses import responses_group
from app.cli.surveys import surveys_group
from app.cli.users import users_group
from app.cli.webhooks import deliver_command  # noqa: F401  (registers loop deliver)


def init_app(app: Flask) -> None:
    """Add Touchloop's commands to ``flask --app wsgi``."""
    app.cli.add_command(surveys_group)
    app.cli.add_command(demo_command)
    app.cli.add_command(users_group)
    app.cli.add_command(customers_group)
    app.cli.add_command(invitations_group)
    app.cli.add_command(loop_group)
    app.cli.add_command(responses_group)
    app.cli.add_command(analytics_group)
    app.cli.add_command(report_command)
