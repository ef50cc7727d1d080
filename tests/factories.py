from datetime import timedelta

import factory
from django.utils import timezone

from accounts.models import (
    Municipality,
    Neighbourhood,
    Partner,
    Postcode,
    Region,
    User,
    WorkerAssignment,
)
from accounts.services_roles import coordinator_grant
from ads.escalation.services_coverage import coverage_add
from ads.models import Ad, Category, Conversation, Reply

PASSWORD = "buurthulp-test-123"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("slug",)

    name = "Regio Utrecht"
    slug = "regio-utrecht"


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("slug",)

    region = factory.SubFactory(RegionFactory)
    name = "Utrecht"
    slug = "utrecht"
    cbs_code = factory.LazyAttribute(lambda m: {"utrecht": "GM0344", "de-bilt": "GM0310"}.get(m.slug, ""))


class NeighbourhoodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Neighbourhood
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Buurt {n}")
    slug = factory.Sequence(lambda n: f"buurt-{n}")
    municipality = factory.SubFactory(MunicipalityFactory)
    # The product asks for approval of first posts by default; tests about other things
    # use neighbourhoods without it (tests/moderation turns it on where it matters).
    first_post_approval = False


class PostcodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Postcode

    neighbourhood = factory.SubFactory(NeighbourhoodFactory)
    digits = factory.Sequence(lambda n: str(1000 + n))
    letters = ""


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Buur {n}")
    neighbourhood = factory.SubFactory(NeighbourhoodFactory)
    email_confirmed_at = factory.LazyFunction(timezone.now)
    # Established accounts: the newcomer limits of the first day are tested on their own.
    date_joined = factory.LazyFunction(lambda: timezone.now() - timedelta(days=30))
    password = factory.django.Password(PASSWORD)
    # Emails follow the recipient's language; tests read the English ones.
    language = "en"


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Thuiszorg {n}")
    slug = factory.Sequence(lambda n: f"partner-{n}")
    kind = Partner.Kind.CARE
    region = factory.SubFactory(RegionFactory)


class WorkerAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkerAssignment

    user = factory.SubFactory(UserFactory, neighbourhood=None)
    neighbourhood = factory.SubFactory(NeighbourhoodFactory)


def category(slug: str = "boodschappen") -> Category:
    return Category.objects.get(slug=slug)


def coordinator(*, municipality: Municipality | None = None, region: Region | None = None, **user_fields) -> User:
    """A coordinator of one municipality, or (the default) of the test region, with the
    admin access and group the role service gives."""
    user = UserFactory(neighbourhood=None, **user_fields)
    if municipality is None and region is None:
        region = RegionFactory()
    coordinator_grant(user=user, municipality=municipality, region=region, actor=None)
    user.refresh_from_db()
    return user


def cover(partner: Partner, neighbourhoods, categories=("boodschappen",)) -> None:
    """Let a partner cover every given category in every given neighbourhood."""
    coverage_add(
        partner=partner,
        neighbourhoods=list(neighbourhoods),
        categories=[category(slug) if isinstance(slug, str) else slug for slug in categories],
        actor=None,
    )


class AdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ad

    kind = Ad.Kind.REQUEST
    category = factory.LazyFunction(category)
    title = factory.Sequence(lambda n: f"Hulp gezocht {n}")
    description = "Wie kan mij helpen met boodschappen doen?"
    author = factory.SubFactory(UserFactory)
    neighbourhood = factory.LazyAttribute(lambda ad: ad.author.neighbourhood)


class ConversationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conversation

    ad = factory.SubFactory(AdFactory)
    responder = factory.SubFactory(UserFactory, neighbourhood=factory.SelfAttribute("..ad.neighbourhood"))


class ReplyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reply

    conversation = factory.SubFactory(ConversationFactory)
    author = factory.SelfAttribute("conversation.responder")
    body = "Ik kan morgen helpen."
