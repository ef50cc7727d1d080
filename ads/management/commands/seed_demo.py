"""The fixed demo cast of the brief, and about forty ads around them.

Idempotent: people are keyed by email, places by slug, ads by author and title. A
second run creates nothing and changes nothing; it only repairs a cast member whose
role drifted. Ads go through ads.services like a person's would, and are then dated
back over the last weeks (a state no service reaches, expired, is set directly).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand
from django.db import models, transaction
from django.utils import timezone

from accounts.models import Neighbourhood, Partner, Postcode, User, WorkerAssignment
from ads import services
from ads.management.demo_ads import ADS, DemoAd
from ads.models import Ad, AdEvent, Category, Conversation, EscalationRule, Reply, Report
from ads.moderation import services as moderation_services

PASSWORD = "buurthulp-demo"  # noqa: S105 - the published demo password of the brief
MUNICIPALITY = "Utrecht"
NEIGHBOURHOODS = {
    "noord": ("Noord", ["3551", "3552", "3553", "3554"]),
    "zuid": ("Zuid", ["3521", "3522", "3523", "3524"]),
    "centrum": ("Centrum", ["3511", "3512"]),
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
    "wout@noord.demo": ("Wout Visser", None),
    "pia@partner.demo": ("Pia Hendriks", None),
    "coco@coordinator.demo": ("Coco van Dijk", None),
}
PARTNER = {"slug": "thuiszorg-de-buurt", "name": "Thuiszorg De Buurt", "kind": Partner.Kind.CARE}
PARTNER_AREA = ["noord", "centrum"]
PARTNER_CATEGORIES = ["boodschappen", "gezelschap", "administratie"]
WORKER_ORGANISATION = "Welzijn Utrecht"
COORDINATOR_MODELS = [
    Neighbourhood,
    Postcode,
    Partner,
    WorkerAssignment,
    User,
    Category,
    EscalationRule,
]


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
            places = self._neighbourhoods()
            people = self._people(places)
            self._roles(places, people)
        created = sum(self._ad(spec, people) for spec in ADS)
        self._reports(people)
        self.stdout.write(
            self.style.SUCCESS(f"Demo ready: {len(people)} people, {created} new ads. Password: {PASSWORD}")
        )

    def _neighbourhoods(self) -> dict[str, Neighbourhood]:
        places = {}
        for slug, (name, postcodes) in NEIGHBOURHOODS.items():
            place = _ensure(Neighbourhood, {"slug": slug}, {"name": name, "municipality": MUNICIPALITY})
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
            postcode = NEIGHBOURHOODS[home][1][0] if home else ""
            fields = {"display_name": name, "neighbourhood": places.get(home), "postcode": postcode, "is_active": True}
            if user.email_confirmed_at is None:
                fields["email_confirmed_at"] = timezone.now()
            people[email] = _repair(user, fields)
        return people

    def _roles(self, places: dict[str, Neighbourhood], people: dict[str, User]) -> None:
        _ensure(
            WorkerAssignment,
            {"user": people["wout@noord.demo"], "neighbourhood": places["noord"]},
            {"organisation": WORKER_ORGANISATION},
        )
        partner = _ensure(Partner, {"slug": PARTNER["slug"]}, {"name": PARTNER["name"], "kind": PARTNER["kind"]})
        partner.neighbourhoods.add(*(places[slug] for slug in PARTNER_AREA))  # add() skips existing links
        for category in Category.objects.filter(slug__in=PARTNER_CATEGORIES):
            category.partners.add(partner)
        _repair(people["pia@partner.demo"], {"partner": partner})
        coordinator = _repair(people["coco@coordinator.demo"], {"is_coordinator": True, "is_staff": True})
        content_types = ContentType.objects.get_for_models(*COORDINATOR_MODELS).values()
        coordinator.user_permissions.add(*Permission.objects.filter(content_type__in=content_types))

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
