"""``flask customers export ID --out FILE.json`` and ``flask customers erase ID [--yes]``, on a customer's request."""

from __future__ import annotations

import json
from pathlib import Path

import click

from app.cli.customers import customers_group
from app.extensions import db
from app.models.types import utcnow
from app.services import audit
from app.services.customer_privacy import (
    AlreadyErased,
    UnknownCustomer,
    erase_customer,
    export_customer,
    find_customer,
)


@customers_group.command("export")
@click.argument("customer_id", type=click.IntRange(min=1, max=2147483647), metavar="ID")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The JSON file to write.")
def export_command(customer_id: int, out: Path) -> None:
    """Write everything held about customer ID (Touchloop's id, as on the customer page) to a JSON file."""
    try:
        data = export_customer(db.session, customer_id)
    except UnknownCustomer:
        raise click.ClickException(f"there is no customer with id {customer_id}; nothing was written.") from None
    try:
        out.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"could not write {out}: {exc.strerror}") from None
    summary = {"responses": len(data["responses"]), "cases": len(data["cases"]), "to": "file"}
    audit.record(db.session, "customer.exported", None, customer_id, summary=summary)
    db.session.commit()
    click.echo(f"customer {customer_id}: {len(data['responses'])} response(s), {len(data['cases'])} case(s) -> {out}")


@customers_group.command("erase")
@click.argument("customer_id", type=click.IntRange(min=1, max=2147483647), metavar="ID")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def erase_command(customer_id: int, yes: bool) -> None:
    """Erase customer ID's personal data; their responses stay, anonymised, so the statistics do not change."""
    try:
        customer = find_customer(db.session, customer_id)
        if not yes:
            click.confirm(f"Erase the personal data of {customer.name} ({customer.external_id})?", abort=True)
        report = erase_customer(db.session, customer_id, now=utcnow())
    except UnknownCustomer:
        raise click.ClickException(f"there is no customer with id {customer_id}; nothing was erased.") from None
    except AlreadyErased:
        raise click.ClickException(f"customer {customer_id} was erased before; nothing more to erase.") from None
    audit.record(db.session, "customer.erased", None, customer_id, summary=report.counts())
    db.session.commit()
    click.echo(
        f"customer {customer_id} erased: {report.responses_kept} response(s) kept anonymised, "
        f"{report.text_answers_removed} text answer(s) and {report.case_notes_removed} case note(s) removed, "
        f"{report.invitations_closed} open invitation(s) closed."
    )
