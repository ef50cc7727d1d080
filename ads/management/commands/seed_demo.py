"""The fixed demo cast of the brief, and about fifty ads around them.

Idempotent: people are keyed by email, places by slug, ads by author and title. A
second run creates nothing and changes nothing; it only repairs a cast member whose
role drifted. Ads go through ads.services like a person's would, and are then dated
back over the last weeks (a state no service reaches, expired, is set directly). Roles
and coverage go through their services too, so the audit log and the Coordinators
group are as in real life.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import models, transaction
from django.utils import timezone

from accounts import services_roles
from accounts.models import CoordinatorRole, Municipality, Neighbourhood, Partner, Postcode, Region, User
from ads import services
from ads.escalation import services as escalation_services
from ads.escalation.services_coverage import coverage_add
from ads.management.demo_ads import ADS, DemoAd
from ads.models import Ad, AdEvent, Category, Conversation, Escalation, EscalationRule, Reply, Report
from ads.moderation import services as moderation_services

PASSWORD = "buurthulp-demo"  # noqa: S105 - the published demo password of the brief
REGION = {"slug": "regio-utrecht", "name": "Regio Utrecht"}
MUNICIPALITIES = {"utrecht": ("Utrecht", "GM0344"), "de-bilt": ("De Bilt", "GM0310")}
NEIGHBOURHOODS = {
    "noord": ("Noord", "utrecht", ["3551", "3552", "3553", "3554"]),
    "zuid": ("Zuid", "utrecht", ["3521", "3522", "3523", "3524"]),
    "centrum": ("Centrum", "utrecht", ["3511", "3512"]),
    "bilthoven": ("Bilthoven", "de-bilt", ["3721", "3722", "3723"]),
}
# email: (display name, home neighbourhood slug or None)
PEOPLE = {
    "anna@noord.demo": ("Anna de Vries", "noord"),
    "bram@noord.demo": ("Bram Jansen", "noord"),
    "fatima@noord.demo": ("Fatima El Amrani", "noord"),
    "henk@noord.demo": ("Henk Mulder", "noord"),
    "cor@zuid.demo": ("Cor Bakker", "zuid"),
    "joke@zuid.demo": ("Joke Smit", "zuid"),
    "mehmet@zuid.demo": ("Mehmet Yilmaz", "zuid"),
    "els@centrum.demo": ("Els de Boer", "centrum"),
    "sven@centrum.demo": ("Sven Koster", "centrum"),
    "dirk@debilt.demo": ("Dirk van den Berg", "bilthoven"),
    "wout@noord.demo": ("Wout Visser", None),
    "wil@debilt.demo": ("Wil Bosman", None),
    "pia@partner.demo": ("Pia Hendriks", None),
    "ruud@woningcorp.demo": ("Ruud Verhoeven", None),
    "coco@coordinator.demo": ("Coco van Dijk", None),
    "gijs@utrecht.demo": ("Gijs de Wit", None),
}
# email: (neighbourhood, welfare organisation)
WORKERS = {
    "wout@noord.demo": ("noord", "Welzijn Utrecht"),
    "wil@debilt.demo": ("bilthoven", "Welzijn De Bilt"),
}
# Chain partners of every kind: slug → name, kind, municipality (None: the whole region),
# the (neighbourhoods by categories) they cover, and their staff in the cast.
PARTNERS = {
    "thuiszorg-de-buurt": (
        "Thuiszorg De Buurt",
        Partner.Kind.CARE,
        "utrecht",
        (["noord", "centrum"], ["boodschappen", "gezelschap", "administratie"]),
        ["pia@partner.demo"],
    ),
    "woonstichting-thuis": (
        "Woonstichting Thuis",
        Partner.Kind.HOUSING,
        None,
        (["noord", "bilthoven"], ["klusjes", "tuin"]),
        ["ruud@woningcorp.demo"],
    ),
    "sociaal-team-utrecht-zuid": (
        "Sociaal Team Utrecht Zuid",
        Partner.Kind.SOCIAL_TEAM,
        "utrecht",
        (["zuid"], ["administratie", "digitale-hulp"]),
        [],
    ),
    "welzijn-de-bilt": (
        "Welzijn De Bilt",
        Partner.Kind.WELFARE,
        "de-bilt",
        (["bilthoven"], ["gezelschap", "vervoer", "boodschappen"]),
        [],
    ),
    "fietsenmaker-de-spaak": (
        "Fietsenmaker De Spaak",
        Partner.Kind.BUSINESS,
        "utrecht",
        (["centrum"], ["vervoer"]),
        [],
    ),
}
# email: the municipality slug, or None for the whole region
COORDINATORS = {"coco@coordinator.demo": None, "gijs@utrecht.demo": "utrecht"}
# What happened to each request Thuiszorg De Buurt was given (see LADDER below).
OPEN, CLAIMED, RESOLVED, DECLINED, HANDED_BACK, RAISED, CANCELLED = (
    "open",
    "claimed",
    "resolved",
    "declined",
    "handed_back",
    "raised",
    "cancelled",
)
LADDER = {
    "Hulp bij een brief van de gemeente": OPEN,
    "Formulier voor huurtoeslag": CLAIMED,
    "Medicijnen ophalen bij de apotheek": RESOLVED,
    "Iemand die de krant voorleest": DECLINED,
    "Boodschappen na mijn operatie": HANDED_BACK,
    "Samen naar de bingo in het buurthuis": RAISED,
    "Hulp met de belastingaangifte": CANCELLED,
}
# Waiting times other than the built-in 48 hours: (place kind, slug, category or None, minutes).
RULES = [("municipality", "de-bilt", None, 24 * 60), ("neighbourhood", "zuid", "vervoer", 12 * 60)]
LADDER_PARTNER = "thuiszorg-de-buurt"
LADDER_STAFF = "pia@partner.demo"


def _ensure(model: type[models.Model], lookup: dict, fields: dict) -> models.Model:
    """get_or_create, then put back any field that drifted; saves nothing when all match."""
    obj, created = model.objects.get_or_create(**lookup, defaults=fields)
    return obj if created else _repair(obj, fields)


def _repair(obj: models.Model, fields: dict) -> models.Model:
    changed = [name for name, value in fields.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, fields[name])
    if changed:
        obj.save(update_fields=changed)
    return obj


DEMO_MEMBER_DAYS = 90
DEMO_REPORTS = [("fatima@noord.demo", "spam"), ("henk@noord.demo", "other")]


class Command(BaseCommand):
    help = "Create the demo cast (password buurthulp-demo) and their ads. Safe to run again."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            municipalities = self._municipalities()
            places = self._neighbourhoods(municipalities)
            people = self._people(places)
            self._roles(places, municipalities, people)
        created = sum(self._ad(spec, people) for spec in ADS)
        self._reports(people)
        self._ladder(people)
        self.stdout.write(
            self.style.SUCCESS(f"Demo ready: {len(people)} people, {created} new ads. Password: {PASSWORD}")
        )

    def _municipalities(self) -> dict[str, Municipality]:
        region = _ensure(Region, {"slug": REGION["slug"]}, {"name": REGION["name"]})
        return {
            slug: _ensure(Municipality, {"slug": slug}, {"name": name, "cbs_code": code, "region": region})
            for slug, (name, code) in MUNICIPALITIES.items()
        }

    def _neighbourhoods(self, municipalities: dict[str, Municipality]) -> dict[str, Neighbourhood]:
        places = {}
        for slug, (name, municipality, postcodes) in NEIGHBOURHOODS.items():
            fields = {"name": name, "municipality": municipalities[municipality]}
            place = _ensure(Neighbourhood, {"slug": slug}, fields)
            for digits in postcodes:
                _ensure(Postcode, {"digits": digits, "letters": ""}, {"neighbourhood": place})
            places[slug] = place
        return places

    def _people(self, places: dict[str, Neighbourhood]) -> dict[str, User]:
        people = {}
        for email, (name, home) in PEOPLE.items():
            user = User.objects.filter(email__iexact=email).first()
            if user is None:
                # Established neighbours, past the newcomer limits of the first day.
                joined = timezone.now() - timedelta(days=DEMO_MEMBER_DAYS)
                user = User.objects.create_user(email, PASSWORD, display_name=name, date_joined=joined)
            postcode = NEIGHBOURHOODS[home][2][0] if home else ""
            fields = {"display_name": name, "neighbourhood": places.get(home), "postcode": postcode, "is_active": True}
            if user.email_confirmed_at is None:
                fields["email_confirmed_at"] = timezone.now()
            people[email] = _repair(user, fields)
        return people

    def _roles(
        self, places: dict[str, Neighbourhood], municipalities: dict[str, Municipality], people: dict[str, User]
    ) -> None:
        for email, (slug, organisation) in WORKERS.items():
            services_roles.worker_assign(
                user=people[email], neighbourhood=places[slug], organisation=organisation, actor=None
            )
        region = Region.objects.get(slug=REGION["slug"])
        categories = {c.slug: c for c in Category.objects.all()}
        for slug, (name, kind, municipality, (where, what), staff) in PARTNERS.items():
            fields = {"name": name, "kind": kind, "region": region, "municipality": municipalities.get(municipality)}
            partner = _ensure(Partner, {"slug": slug}, fields)
            coverage_add(
                partner=partner,
                neighbourhoods=[places[n] for n in where],
                categories=[categories[c] for c in what],
                actor=None,
            )  # adds only the pairs it does not cover yet
            for email in staff:
                services_roles.partner_staff_set(user=people[email], partner=partner, actor=None)
        for kind, slug, category, minutes in RULES:
            place = (
                {"municipality": municipalities.get(slug)}
                if kind == "municipality"
                else {"neighbourhood": places[slug]}
            )
            _ensure(
                EscalationRule,
                {**place, "category": categories.get(category), "urgency": ""},
                {"threshold_minutes": minutes},
            )
        for email, municipality in COORDINATORS.items():
            scope = {"municipality": municipalities[municipality]} if municipality else {"region": region}
            if not CoordinatorRole.objects.filter(user=people[email], **scope).exists():
                services_roles.coordinator_grant(user=people[email], actor=None, **scope)

    def _reports(self, people: dict[str, User]) -> None:
        """Two neighbours reported one of Bram's open ads: Wout's moderation queue has work."""
        bram = people["bram@noord.demo"]
        ads = Ad.objects.filter(author=bram, status=Ad.Status.OPEN, moderation=Ad.Moderation.VISIBLE)
        ad = ads.order_by("created_at", "pk").first()
        if ad is None:
            return
        for email, reason in DEMO_REPORTS:
            if not Report.objects.filter(reporter=people[email], ad=ad, reply__isnull=True).exists():
                moderation_services.report_create(reporter=people[email], ad=ad, reason=reason)

    def _ladder(self, people: dict[str, User]) -> None:
        """Pass the unanswered requests on (as the periodic scan would), then move each of
        the partner's escalations to the state LADDER names, once: a second run finds
        them moved already."""
        escalation_services.escalation_scan()
        pia = people[LADDER_STAFF]
        for title, state in LADDER.items():
            escalation = (
                Escalation.objects.filter(ad__title=title, partner__slug=LADDER_PARTNER, state=Escalation.State.OPEN)
                .select_related("ad")
                .first()
            )
            if escalation is not None and state != OPEN:
                _move(escalation, state, pia, people)

    def _ad(self, spec: DemoAd, people: dict[str, User]) -> bool:
        author = people[spec.author]
        if Ad.objects.filter(author=author, title=spec.title).exists():
            return False
        with transaction.atomic():
            ad = services.ad_create(
                author=author,
                kind=spec.kind,
                category=Category.objects.get(slug=spec.category),
                title=spec.title,
                description=spec.description,
                urgency=spec.urgency,
                escalation_consent=spec.consent,
            )
            if ad.moderation == Ad.Moderation.PENDING:
                # The demo's residents have been here a while: their first post was approved long ago.
                Ad.objects.filter(pk=ad.pk).update(moderation=Ad.Moderation.VISIBLE)
                ad.moderation = Ad.Moderation.VISIBLE
            _play(ad, spec, people)
            _date_back(ad, spec)
        return True


def _move(escalation: Escalation, state: str, staff: User, people: dict[str, User]) -> None:
    """One escalation from open to `state`, through the services the inbox uses."""
    if state == RAISED:
        escalation_services.escalation_raise(escalation=escalation)
        return
    if state == DECLINED:
        reason = "Voorlezen doen wij niet. Misschien kan een vrijwilliger van de bibliotheek helpen."
        escalation_services.escalation_decline(escalation=escalation, staff=staff, reason=reason)
        return
    if state == CANCELLED:  # a neighbour answered after all: the ladder stops
        body = "Ik heb vroeger bij de belastingdienst gewerkt. Ik help u graag!"
        services.reply_post(ad=escalation.ad, author=people["bram@noord.demo"], body=body)
        return
    escalation_services.escalation_claim(escalation=escalation, staff=staff)
    if state == RESOLVED:
        note = "Medicijnen opgehaald en gebracht. Mevrouw was blij."
        escalation_services.escalation_resolve(
            escalation=escalation, staff=staff, outcome=Escalation.Outcome.HELPED, note=note
        )
    elif state == HANDED_BACK:
        note = "Wij hebben deze weken geen plek. Kan de buurtwerker iemand zoeken?"
        escalation_services.escalation_hand_back(escalation=escalation, staff=staff, note=note)


def _play(ad: Ad, spec: DemoAd, people: dict[str, User]) -> None:
    """Act the ad out through the services: the talk, the helper, the end."""
    for talk in spec.conversations:
        responder = people[talk.responder]
        conversation = None
        for who, body in talk.lines:
            speaker = responder if who == "r" else ad.author
            conversation = services.reply_post(
                ad=ad, author=speaker, body=body, conversation=conversation
            ).conversation
    if spec.helper:
        chosen = Conversation.objects.get(ad=ad, responder=people[spec.helper])
        services.helper_choose(ad=ad, chooser=ad.author, conversation=chosen)
    if spec.status == Ad.Status.DONE:
        services.ad_close(ad=ad, closer=ad.author, thanks=spec.thanks)
    elif spec.status == Ad.Status.WITHDRAWN:
        services.ad_withdraw(withdrawer=ad.author, ad=ad)


def _date_back(ad: Ad, spec: DemoAd) -> None:
    """Spread the ad, its replies and its events over the past, in a believable order."""
    now = timezone.now()
    # A little jitter, so that ads of the same day do not share a minute.
    created = now - timedelta(days=spec.days, minutes=(ad.pk * 37) % 180 if spec.days >= 1 else 0)
    moment = created
    for reply in Reply.objects.filter(conversation__ad=ad).order_by("id"):
        moment = min(moment + timedelta(hours=2, minutes=(reply.pk * 13) % 60), now - timedelta(minutes=5))
        Reply.objects.filter(pk=reply.pk).update(created_at=moment)
        AdEvent.objects.filter(reply=reply).update(created_at=moment)
    for conversation in Conversation.objects.filter(ad=ad):
        times = conversation.replies.aggregate(first=models.Min("created_at"), last=models.Max("created_at"))
        Conversation.objects.filter(pk=conversation.pk).update(created_at=times["first"], last_reply_at=times["last"])
    ended = min(moment + timedelta(days=1), now - timedelta(minutes=1)) if spec.status != Ad.Status.OPEN else None
    AdEvent.objects.filter(ad=ad, reply__isnull=True).update(created_at=ended or moment)
    Ad.objects.filter(pk=ad.pk).update(**_ad_times(ad, spec, created, ended))


def _ad_times(ad: Ad, spec: DemoAd, created: datetime, ended: datetime | None) -> dict:
    first_response = (
        Reply.objects.filter(conversation__ad=ad)
        .exclude(author=ad.author)
        .aggregate(at=models.Min("created_at"))["at"]
    )
    expires = created + timedelta(days=settings.AD_LIFETIME_DAYS)
    times = {"created_at": created, "updated_at": ended or created, "expires_at": expires}
    times["first_response_at"] = first_response
    if spec.status == Ad.Status.EXPIRED:
        # No service expires an ad (the expiry job does): set the state it leaves behind.
        expires = min(expires, timezone.now() - timedelta(hours=1))
        times.update(status=Ad.Status.EXPIRED, expires_at=expires, closed_at=expires, updated_at=expires)
    elif spec.status in (Ad.Status.DONE, Ad.Status.WITHDRAWN):
        times["closed_at"] = ended
    return times
