"""A neighbourhood with the ladder's cast, and a fixed clock."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from accounts.models import Neighbourhood, Partner, User
from ads.escalation.models import Escalation
from ads.models import Ad, Category
from notifications.models import Notification
from tests import factories

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)


@dataclass
class Ladder:
    noord: Neighbourhood
    zuid: Neighbourhood
    groceries: Category
    company: Category
    author: User
    offerer: User  # has an open groceries offer in Noord
    other_offerer: User  # has an open company offer in Noord
    worker: User  # of Noord
    coordinator: User
    care: Partner  # covers Noord for groceries
    care_staff: list[User]
    housing: Partner  # covers Noord for company only

    def request(self, *, age: timedelta, consent: bool = True, **fields) -> Ad:
        fields.setdefault("author", self.author)
        fields.setdefault("category", self.groceries)
        return factories.AdFactory(created_at=NOW - age, escalation_consent=consent, **fields)


def partner_covering(neighbourhood: Neighbourhood, *categories: Category, **fields) -> Partner:
    partner = factories.PartnerFactory(**fields)
    factories.cover(partner, [neighbourhood], categories)
    return partner


@pytest.fixture
def ladder(db) -> Ladder:
    noord = factories.NeighbourhoodFactory(slug="noord", name="Noord")
    zuid = factories.NeighbourhoodFactory(slug="zuid", name="Zuid")
    groceries, company = factories.category("boodschappen"), factories.category("gezelschap")
    author = factories.UserFactory(neighbourhood=noord, display_name="Anna")
    offerer = factories.UserFactory(neighbourhood=noord, display_name="Bram")
    factories.AdFactory(author=offerer, kind=Ad.Kind.OFFER, category=groceries, created_at=NOW - 10 * HOUR)
    other_offerer = factories.UserFactory(neighbourhood=noord, display_name="Otto")
    factories.AdFactory(author=other_offerer, kind=Ad.Kind.OFFER, category=company, created_at=NOW - 10 * HOUR)
    worker = factories.WorkerAssignmentFactory(neighbourhood=noord, user__display_name="Wout").user
    factories.WorkerAssignmentFactory(neighbourhood=zuid, user__display_name="Zeno")
    coordinator = factories.coordinator(display_name="Coco")
    care = partner_covering(noord, groceries, name="Thuiszorg Noord", ack_window_minutes=120)
    care_staff = [factories.UserFactory(neighbourhood=None, partner=care, display_name=n) for n in ("Pia", "Piet")]
    housing = partner_covering(noord, company, name="Woonstichting")
    factories.UserFactory(neighbourhood=None, partner=housing, display_name="Hans")
    return Ladder(
        noord, zuid, groceries, company, author, offerer, other_offerer, worker, coordinator, care, care_staff, housing
    )


def kinds_for(user: User) -> list[str]:
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def ladder_of(ad: Ad) -> list[tuple[str | None, int, str]]:
    """(partner name or None for the workers, step, state) of every escalation of `ad`."""
    rows = Escalation.objects.filter(ad=ad).order_by("step", "partner__name")
    return [(e.partner.name if e.partner else None, e.step, e.state) for e in rows.select_related("partner")]
