"""The ladder in words, on a request's page: what the resident is told ("passed to
<partner> on <date>", and the outcome) and the whole history the workers see."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from ads.escalation import selectors
from ads.escalation.forms import ConsentForm
from ads.escalation.models import Escalation, EscalationStep
from ads.escalation.permissions import can_record_consent, sees_ladder_history
from ads.escalation.rules import RuleUsed, rule_for_request
from ads.models import Ad
from ads.permissions import is_author

State, Outcome = Escalation.State, Escalation.Outcome

# What happened to the request, for the resident, per outcome.
OUTCOME_WORDS = {
    Outcome.HELPED: gettext_lazy("%(partner)s has helped you."),
    Outcome.REFERRED: gettext_lazy("%(partner)s has sent your question on to another organisation that can help."),
    Outcome.NOT_OUR_REMIT: gettext_lazy("%(partner)s could not help with this."),
    Outcome.RESIDENT_DECLINED: gettext_lazy("You told %(partner)s that you did not want their help."),
    Outcome.UNREACHABLE: gettext_lazy("%(partner)s could not reach you."),
    Outcome.NO_LONGER_NEEDED: gettext_lazy("The help was no longer needed."),
}
ACTION_WORDS = {
    "created": gettext_lazy("Passed on"),
    "routed": gettext_lazy("Passed on to the next"),
    "claimed": gettext_lazy("Picked up"),
    "note": gettext_lazy("Note"),
    "resolved": gettext_lazy("Resolved"),
    "declined": gettext_lazy("Declined"),
    "handed_back": gettext_lazy("Handed back"),
    "raised": gettext_lazy("Raised to the coordinator"),
    "cancelled": gettext_lazy("Cancelled"),
}
# Notes the ladder writes itself are codes; these are their words.
NOTE_WORDS = {
    "picked_up_elsewhere": gettext_lazy("Another organisation picked it up"),
    "reply": gettext_lazy("A neighbour replied"),
    "withdrawn": gettext_lazy("The request was withdrawn"),
    "closed": gettext_lazy("The request was closed"),
    "expired": gettext_lazy("The request expired"),
    "consent_withdrawn": gettext_lazy("The resident no longer wants a partner to contact them"),
    "consent_given": gettext_lazy("The resident agreed that a partner may contact them"),
}


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    to: str
    action: str
    actor: str
    note: str
    outcome: str


def _day(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "j F Y")


def _to(escalation: Escalation) -> str:
    return escalation.partner.name if escalation.partner_id else _("the neighbourhood worker")


def resident_line(escalation: Escalation) -> str:
    """One escalation in plain words for the person who asked for help."""
    name = _to(escalation)
    words = [_("Passed to %(partner)s on %(date)s.") % {"partner": name, "date": _day(escalation.created_at)}]
    if escalation.state == State.CLAIMED:
        words.append(_("%(partner)s has picked it up and will contact you.") % {"partner": name})
    elif escalation.state == State.RESOLVED and escalation.outcome in OUTCOME_WORDS:
        words.append(str(OUTCOME_WORDS[escalation.outcome]) % {"partner": name})
    elif escalation.state in (State.DECLINED, State.HANDED_BACK):
        words.append(_("%(partner)s could not help, so it was passed on.") % {"partner": name})
    return " ".join(words)


def resident_lines(ad: Ad) -> list[str]:
    # Escalations cancelled because another organisation took it are noise for the resident.
    return [resident_line(e) for e in selectors.ad_escalations(ad=ad) if e.state != State.CANCELLED]


def _rule_used(escalation: Escalation) -> str:
    if escalation.threshold_minutes is None:
        return ""
    rule = RuleUsed(escalation.threshold_minutes, escalation.rule_level, escalation.rule_area)
    return _("After %(rule)s.") % {"rule": rule.describe()}


def history_line(step: EscalationStep) -> HistoryLine:
    escalation = step.escalation
    note = str(NOTE_WORDS.get(step.note, step.note))
    if step.action == "created":  # which rule's waiting time had passed
        note = " ".join(filter(None, [note, _rule_used(escalation)]))
    return HistoryLine(
        at=step.created_at,
        to=_to(escalation),
        action=str(ACTION_WORDS.get(step.action, step.action)),
        actor=step.actor.display_name if step.actor else _("the system"),
        note=note,
        outcome=escalation.get_outcome_display() if step.action == State.RESOLVED else "",
    )


def ad_ladder_context(*, user: User, ad: Ad, consent_form: ConsentForm | None = None) -> dict:
    """What the request's page shows of the ladder to this user."""
    context: dict = {}
    if is_author(user, ad):
        context["ladder_lines"] = resident_lines(ad)
    if sees_ladder_history(user, ad):
        context["ladder_history"] = [history_line(step) for step in selectors.ad_history(ad=ad)]
        if ad.kind == Ad.Kind.REQUEST:
            context["ladder_rule"] = rule_for_request(ad).describe()
        context["webhook_deliveries"] = list(selectors.ad_webhook_deliveries(ad=ad))
    if can_record_consent(user, ad) and ad.kind == Ad.Kind.REQUEST and not ad.is_closed:
        initial = {"consent": "yes" if ad.escalation_consent else "no"}
        context["consent_form"] = consent_form or ConsentForm(initial=initial)
    return context
