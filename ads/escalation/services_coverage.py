"""Writes of a partner's coverage: the (neighbourhood, category) pairs where the ladder
passes requests to it. Entered in bulk (a whole municipality, or neighbourhoods by
categories at once), stored as pairs, and every change is in the audit log."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.audit import AuditAction, audit_record
from accounts.models import Municipality, Neighbourhood, Partner, User
from ads.escalation.models import Coverage
from ads.models import Category

Pair = tuple[int, int]  # (neighbourhood_id, category_id)


def _outside_partner_area(partner: Partner, neighbourhoods: list[Neighbourhood]) -> list[Neighbourhood]:
    """A partner of one municipality covers only its neighbourhoods; one of the region, the region's."""
    if partner.municipality_id:
        return [n for n in neighbourhoods if n.municipality_id != partner.municipality_id]
    region_of = dict(Municipality.objects.filter(region_id=partner.region_id).values_list("pk", "region_id"))
    return [n for n in neighbourhoods if n.municipality_id not in region_of]


def coverage_check(
    *, partner: Partner, neighbourhoods: Iterable[Neighbourhood], municipalities: Iterable[Municipality] = ()
) -> list[int]:
    """The neighbourhood ids these places stand for, if the partner works in all of them."""
    places = {n.pk: n for n in neighbourhoods}
    places |= {n.pk: n for n in Neighbourhood.objects.filter(municipality__in=list(municipalities))}
    outside = _outside_partner_area(partner, list(places.values()))
    if outside:
        names = ", ".join(sorted(n.name for n in outside))
        raise ValidationError(
            _("%(partner)s does not work in: %(names)s.") % {"partner": partner.name, "names": names}
        )
    return sorted(places)


def _audit(partner: Partner, change: str, pairs: list[Pair], actor: User | None) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.PARTNER_AREA_CHANGED,
        target_type="accounts.partner",
        target_id=partner.pk,
        detail={"change": change, "pairs": sorted([list(pair) for pair in pairs])},
    )


def coverage_add(
    *,
    partner: Partner,
    categories: Iterable[Category],
    neighbourhoods: Iterable[Neighbourhood] = (),
    municipalities: Iterable[Municipality] = (),
    actor: User | None,
) -> list[Pair]:
    """Cover every chosen category in every chosen neighbourhood (a municipality stands
    for all its neighbourhoods). Pairs already covered are left as they are. Returns the
    new pairs."""
    places = coverage_check(partner=partner, neighbourhoods=neighbourhoods, municipalities=municipalities)
    categories = list(categories)
    if not places or not categories:
        raise ValidationError(_("Choose at least one neighbourhood or municipality, and at least one category."))
    wanted = {(n, c.pk) for n in places for c in categories}
    with transaction.atomic():
        _lock(partner)
        added = sorted(wanted - _pairs(partner))
        Coverage.objects.bulk_create([Coverage(partner=partner, neighbourhood_id=n, category_id=c) for n, c in added])
        if added:
            _audit(partner, "add", added, actor)
    return added


def _lock(partner: Partner) -> None:
    # Two coordinators changing one partner's coverage at once: one after the other, so
    # each audit entry names exactly the pairs that changed.
    list(Partner.objects.select_for_update().filter(pk=partner.pk).values_list("pk", flat=True))


def _pairs(partner: Partner) -> set[Pair]:
    return set(Coverage.objects.filter(partner=partner).values_list("neighbourhood_id", "category_id"))


def coverage_remove(*, partner: Partner, pairs: Iterable[Pair], actor: User | None) -> list[Pair]:
    """Stop covering these pairs; pairs it did not cover are ignored. Returns the removed ones."""
    wanted = set(pairs)
    with transaction.atomic():
        _lock(partner)
        removed = sorted(wanted & _pairs(partner))
        for neighbourhood_id, category_id in removed:
            Coverage.objects.filter(
                partner=partner, neighbourhood_id=neighbourhood_id, category_id=category_id
            ).delete()
        if removed:
            _audit(partner, "remove", removed, actor)
    return removed
