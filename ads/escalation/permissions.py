"""Who may see and handle escalations: partner staff their own organisation's, the
neighbourhood's workers those addressed to them, coordinators those of their scope
(to read) and the rules of their scope."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import coordinates_neighbourhood, coordinator_scope, is_coordinator, worker_neighbourhood_ids
from ads.escalation.models import Escalation, EscalationRule


def has_inbox(user: User) -> bool:
    """Partner staff, neighbourhood workers and coordinators have an inbox of passed-on
    requests; a resident does not (403 rather than an always-empty list)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(user.partner_id or worker_neighbourhood_ids(user) or is_coordinator(user))


def access_inbox(user: User) -> None:
    if not has_inbox(user):
        raise PermissionDenied(_("Only partner staff, neighbourhood workers and coordinators have this inbox."))


def escalations_visible_to(user: User) -> QuerySet[Escalation]:
    """Partner staff: their organisation's. Workers: every escalation of a request in
    their neighbourhoods (they see the whole history). Coordinators: every escalation of
    their municipalities or region (to read)."""
    if not user.is_authenticated or not user.is_active:
        return Escalation.objects.none()
    neighbourhoods = worker_neighbourhood_ids(user) | coordinator_scope(user).neighbourhood_ids
    scope = Q(ad__neighbourhood_id__in=neighbourhoods)
    if user.partner_id:
        scope |= Q(partner_id=user.partner_id)
    return Escalation.objects.filter(scope)


def can_handle_escalation(user: User, escalation: Escalation) -> bool:
    """Claim, resolve, decline: staff of the addressed partner, or for one addressed to
    the workers, a worker of the request's neighbourhood."""
    if not user.is_authenticated or not user.is_active:
        return False
    if escalation.partner_id is not None:
        return user.partner_id == escalation.partner_id
    return escalation.ad.neighbourhood_id in worker_neighbourhood_ids(user)


def can_see_contact(user: User, escalation: Escalation) -> bool:
    """The resident's phone and street: only with their consent, only to whoever may act
    on the escalation, and only while it is still live."""
    return (
        escalation.ad.escalation_consent
        and escalation.state in (Escalation.State.OPEN, Escalation.State.RAISED, Escalation.State.CLAIMED)
        and can_handle_escalation(user, escalation)
    )


def can_record_consent(user: User, ad) -> bool:
    """A worker of the request's neighbourhood records consent given on the phone."""
    return user.is_authenticated and user.is_active and ad.neighbourhood_id in worker_neighbourhood_ids(user)


def access_escalation(*, user: User, escalation_id: int | str) -> Escalation:
    """The escalation if the user may see it; 404 otherwise, the same as a missing one."""
    try:
        return escalations_visible_to(user).select_related("ad", "partner").get(pk=int(escalation_id))
    except (Escalation.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def sees_ladder_history(user: User, ad) -> bool:
    """The whole history of a request's ladder: its neighbourhood's workers and coordinators."""
    return ad.neighbourhood_id in worker_neighbourhood_ids(user) or coordinates_neighbourhood(
        user, ad.neighbourhood_id
    )


def rules_in_scope_q(*, user: User) -> Q:
    """The rules a coordinator manages: those of their neighbourhoods, municipalities and regions."""
    scope = coordinator_scope(user)
    return (
        Q(neighbourhood_id__in=scope.neighbourhood_ids)
        | Q(municipality_id__in=scope.municipality_ids)
        | Q(region_id__in=scope.region_ids)
    )


def access_rule(*, user: User, rule_id: int | str) -> EscalationRule:
    """A rule of the coordinator's scope; another scope's (or a rule for everywhere,
    which is the operator's) answers 404, like a missing one."""
    if not is_coordinator(user):
        raise PermissionDenied(_("Only coordinators manage escalation rules."))
    try:
        return EscalationRule.objects.filter(rules_in_scope_q(user=user)).get(pk=int(rule_id))
    except (EscalationRule.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
