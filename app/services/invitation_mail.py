"""The texts of invitation and reminder e-mails, in the customer's language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _


@dataclass(frozen=True)
class Letter:
    """One e-mail's parts: every text already in the customer's language."""

    language: str
    subject: str
    greeting: str
    intro: str
    action: str
    link: str
    validity: str
    signature: str
    opt_out_note: str
    opt_out_label: str
    opt_out_link: str

    @property
    def text(self) -> str:
        """The plain-text body."""
        return "\n\n".join(
            [
                self.greeting,
                self.intro,
                f"{self.action}:\n{self.link}",
                self.validity,
                self.signature,
                f"--\n{self.opt_out_note}\n{self.opt_out_link}",
            ]
        )

    @property
    def html(self) -> str:
        """The HTML body (every text escaped by the template)."""
        return render_template("mail/invitation.html", letter=self, language=self.language)


@dataclass(frozen=True)
class LetterFacts:
    """What an invitation e-mail says, before translation."""

    customer_name: str
    company: str
    survey_title: str
    link: str
    opt_out_link: str
    expires_at: datetime
    reminder: bool = False


def write_letter(facts: LetterFacts, language: str) -> Letter:
    """The invitation (or reminder) e-mail for ``facts`` in ``language``."""
    with force_locale(language):
        title, company = facts.survey_title, facts.company
        if facts.reminder:
            subject = _("Reminder: %(survey)s", survey=title)
            intro = _(
                "A few days ago we invited you to our short survey “%(survey)s”. "
                "If you have a minute or two, we would still like to hear from you.",
                survey=title,
            )
        else:
            subject = _("%(company)s would like your opinion: %(survey)s", company=company, survey=title)
            intro = _(
                "We would like to hear how it went for you. Our short survey “%(survey)s” takes a minute or two.",
                survey=title,
            )
        return Letter(
            language=language,
            subject=subject,
            greeting=_("Dear %(name)s,", name=facts.customer_name),
            intro=intro,
            action=_("Answer the survey"),
            link=facts.link,
            validity=_(
                "This link is personal: please do not pass it on. It works until %(date)s.",
                date=facts.expires_at.date().isoformat(),
            ),
            signature=_("Thank you, %(company)s", company=company),
            opt_out_note=_("Do you not want survey e-mails from us? You can stop them here:"),
            opt_out_label=_("Stop survey e-mails"),
            opt_out_link=facts.opt_out_link,
        )
