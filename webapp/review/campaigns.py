"""Staff start a follow-up round: questionnaire, framework agreement, suppliers, deadline.

Without JavaScript this is two steps on one page: choose the agreement and press
"Show suppliers", then untick any supplier and create. Every typed value is kept.
"""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField

from ..access import audience
from ..database import db
from ..definitions import Catalogue
from ..forms.text import form_problems
from ..mailer import queue_invitations
from ..store.campaigns import (
    BuyerContact,
    CampaignError,
    contracts,
    create_campaign,
    reviewers,
)
from ..store.models import MAX_ID, Contract, StaffUser
from ..store.versions import ChangedDefinition, record_version
from . import bp


class CampaignForm(FlaskForm):
    name = StringField()
    questionnaire = SelectField(validate_choice=False)
    contract = SelectField(validate_choice=False)
    suppliers = SelectMultipleField(validate_choice=False)
    deadline = StringField()
    reviewer = SelectField(validate_choice=False)
    contact_name = StringField()
    contact_email = StringField()
    contact_phone = StringField()
    shown_contract = HiddenField()

    def contact(self) -> BuyerContact:
        return BuyerContact((self.contact_name.data or "").strip(),
                            (self.contact_email.data or "").strip(),
                            (self.contact_phone.data or "").strip() or None)


def _catalogue() -> Catalogue:
    return current_app.extensions["kedjekoll.catalogue"]


def _id(raw: str | None) -> int | None:
    """A posted id, or None for anything that cannot be one (too large ones too)."""
    return int(raw) if raw and raw.isascii() and raw.isdigit() and int(raw) <= MAX_ID else None


def _contract(raw: str | None) -> Contract | None:
    return db().get(Contract, _id(raw)) if _id(raw) else None


def _problems(form: CampaignForm, contract: Contract | None) -> list[tuple[str, str]]:
    """(field id, message) for every mistake, in the order of the form."""
    found: list[tuple[str, str]] = []
    name = (form.name.data or "").strip()
    if not name:
        found.append(("name", _("Give the campaign a name.")))
    elif len(name) > 300:
        found.append(("name", _("The name can be at most 300 characters.")))
    if _catalogue().get(form.questionnaire.data or "") is None:
        found.append(("questionnaire", _("Choose a questionnaire.")))
    if contract is None:
        found.append(("contract", _("Choose a framework agreement.")))
    else:
        allowed = {str(s.id) for s in contract.suppliers}
        chosen = set(form.suppliers.data or [])
        if not chosen or not chosen <= allowed:
            found.append(("suppliers", _("Choose at least one supplier of the agreement.")))
    try:
        deadline = date.fromisoformat((form.deadline.data or "").strip())
    except ValueError:
        found.append(("deadline", _("Write the deadline as a date, like 2026-12-31.")))
    else:
        if deadline <= date.today():
            found.append(("deadline", _("The deadline must be a date in the future.")))
    if form.reviewer.data and _reviewer(form.reviewer.data) is None:
        found.append(("reviewer", _("Choose a reviewer from the list, or none.")))
    wrong = form.contact().problems()
    if "name" in wrong:
        found.append(("contact_name", _("Give the name of the contact person, at most 200 "
                                        "characters.")))
    if "email" in wrong:
        found.append(("contact_email", _("Write the contact person's e-mail address, like "
                                         "anna.svensson@region.se.")))
    if "phone" in wrong:
        found.append(("contact_phone", _("Write the phone number with digits, like "
                                         "+46 36 32 40 00, or leave it empty.")))
    refused = form_problems(form, {  # a control character: said instead of the field's others
        "name": _("Name of the campaign"), "deadline": _("Deadline"), "contact_name": _("Name"),
        "contact_email": _("E-mail"), "contact_phone": _("Phone (optional)")})
    return refused + [problem for problem in found if problem[0] not in dict(refused)]


def _reviewer(raw: str | None) -> StaffUser | None:
    user = db().get(StaffUser, _id(raw)) if _id(raw) else None
    return user if user is not None and user.active else None


def _render(form: CampaignForm, contract: Contract | None, problems: list[tuple[str, str]]):
    return render_template(
        "review/campaign_new.html",
        form=form,
        questionnaires=list(_catalogue()),
        contracts=contracts(db()),
        reviewers=reviewers(db()),
        contract=contract,
        problems=problems,
        messages=dict(reversed(problems)),
    )


@bp.route("/campaigns/new", methods=["GET", "POST"])
@audience("staff")
def new_campaign():
    """Step 1 chooses the agreement (its suppliers then appear, all ticked); step 2 creates."""
    form = CampaignForm()
    if request.method == "GET":
        contract = _contract(request.args.get("contract"))
        form.contact_name.data = current_user.name
        form.contact_email.data = current_user.email
        if contract is not None:
            form.contract.data = str(contract.id)
            form.shown_contract.data = str(contract.id)
            form.suppliers.data = [str(s.id) for s in contract.suppliers]
        return _render(form, contract, [])
    if not form.validate():  # only the CSRF token is validated by WTForms here
        abort(400)
    contract = _contract(form.contract.data)
    if request.form.get("action") == "suppliers" or form.shown_contract.data != (
            str(contract.id) if contract else ""):
        form.shown_contract.data = str(contract.id) if contract else ""
        form.suppliers.data = [str(s.id) for s in contract.suppliers] if contract else []
        return _render(form, contract, [])
    problems = _problems(form, contract)
    if not problems:
        assert contract is not None
        chosen = set(form.suppliers.data)
        try:
            version = record_version(db(), _catalogue().get(form.questionnaire.data),
                                     current_user.email)
            created = create_campaign(
                db(), name=form.name.data, version=version, contract=contract,
                suppliers=[s for s in contract.suppliers if str(s.id) in chosen],
                deadline=date.fromisoformat(form.deadline.data.strip()),
                reviewer=_reviewer(form.reviewer.data), actor=current_user.email,
                contact=form.contact())
        except ChangedDefinition:
            db().rollback()
            problems = [("questionnaire", _("This version of the questionnaire is already in "
                                            "use with other content: raise its version number "
                                            "in the YAML file first."))]
        except CampaignError:  # pragma: no cover - the form checks the same things first
            db().rollback()
            abort(400)
        else:
            queued = queue_invitations(db(), created.campaign,
                                       [response for response, _token in created.invitations],
                                       current_user.email)
            flash(_("The campaign was created and %(n)s suppliers were invited.",
                    n=len(created.invitations)), "saved")
            flash(ngettext("%(num)s invitation e-mail waits in the outbox and leaves with "
                           "its next run.", "%(num)s invitation e-mails wait in the outbox "
                           "and leave with its next run.", len(queued)), "saved")
            if len(queued) < len(created.invitations):
                flash(_("%(n)s of the suppliers have no contact e-mail and get no "
                        "invitation: add a contact, or give them a link another way.",
                        n=len(created.invitations) - len(queued)), "error")
            return redirect(url_for("review.campaign", campaign_id=created.campaign.id), 303)
    return _render(form, contract, problems)
