"""Writes for ads and conversations: the domain rules live here.

Each function validates, changes the database in one transaction, and raises
ValidationError (a message for the user) or PermissionDenied.
"""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Neighbourhood, User
from accounts.permissions import home_neighbourhood, member_neighbourhood_ids
from ads import notify, selectors
from ads.escalation.services import StopReason, ladder_consent_changed, ladder_stop
from ads.live import AdLiveEvent, ad_group
from ads.models import Ad, AdEvent, Category, Conversation, Reply
from ads.moderation import notify as moderation_notify
from ads.moderation.rules import first_post_needs_approval, newcomer_check
from ads.permissions import is_author, reply_refusal
from notifications.live import publish

EDITABLE_FIELDS = ("category", "title", "description", "urgency", "wanted_on", "escalation_consent")


def _clean_and_save(ad: Ad, update_fields: list[str] | None = None) -> Ad:
    ad.full_clean(exclude=["author", "proxy", "helper", "neighbourhood"])
    ad.save(update_fields=update_fields)
    return ad


def _require_category_in_use(ad: Ad) -> None:
    """A category the municipality switched off takes no new ads (old ones stay)."""
    if selectors.category_switched_off(category=ad.category, municipality_id=ad.neighbourhood.municipality_id):
        raise ValidationError({"category": _("This category is not used in your municipality. Choose another one.")})


def _posting_neighbourhood(author: User, neighbourhood: Neighbourhood | None) -> Neighbourhood:
    if neighbourhood is None:
        # Home, or for a worker without a home the first neighbourhood they work in.
        neighbourhood = home_neighbourhood(author)
        if neighbourhood is None:
            raise ValidationError({"neighbourhood": _("Choose the neighbourhood for this ad.")})
        return neighbourhood
    if neighbourhood.pk not in member_neighbourhood_ids(author):
        raise ValidationError({"neighbourhood": _("You cannot place ads in this neighbourhood.")})
    return neighbourhood


def ad_create(
    *,
    author: User,
    kind: str,
    category: Category,
    title: str,
    description: str,
    urgency: str = Ad.Urgency.NORMAL,
    wanted_on: date | None = None,
    escalation_consent: bool = False,
    neighbourhood: Neighbourhood | None = None,
    now: datetime | None = None,
) -> Ad:
    if not author.email_confirmed:
        raise PermissionDenied(_("Confirm your email address before you place an ad."))
    now = now or timezone.now()
    ad = Ad(
        author=author,
        kind=kind,
        category=category,
        title=title.strip(),
        description=description.strip(),
        urgency=urgency,
        wanted_on=wanted_on,
        escalation_consent=escalation_consent and kind == Ad.Kind.REQUEST,
        neighbourhood=_posting_neighbourhood(author, neighbourhood),
        created_at=now,
    )
    _require_category_in_use(ad)
    with transaction.atomic():
        _lock_newcomer(author, "ad", now)
        if first_post_needs_approval(author=author, neighbourhood=ad.neighbourhood):
            ad.moderation = Ad.Moderation.PENDING  # waits in the workers' queue
        _clean_and_save(ad)
        if ad.moderation == Ad.Moderation.VISIBLE:
            notify.request_matched(ad=ad)
        else:
            moderation_notify.first_post_waiting(ad=ad)
    return ad


def _lock_newcomer(user: User, kind: str, now: datetime) -> None:
    """Apply the newcomer limits holding the user's row, so that two posts sent at once
    cannot both pass the last free place."""
    list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
    newcomer_check(user=user, kind=kind, now=now)


def ad_update(*, ad: Ad, editor: User, changes: dict) -> Ad:
    """Change what the author may change while the ad is open."""
    _require_author(ad, editor)
    with transaction.atomic():
        ad = Ad.objects.select_for_update().get(pk=ad.pk)
        if ad.status != Ad.Status.OPEN:
            raise ValidationError(_("Only an open ad can be changed."))
        consent_before, category_before = ad.escalation_consent, ad.category_id
        for field in EDITABLE_FIELDS:
            if field in changes:
                value = changes[field]
                setattr(ad, field, value.strip() if isinstance(value, str) else value)
        if ad.category_id != category_before:
            _require_category_in_use(ad)
        if ad.kind != Ad.Kind.REQUEST:
            ad.escalation_consent = False
        if ad.escalation_consent != consent_before:
            ad.consent_recorded_by = None  # the author's own answer now, not the one a worker noted
        _clean_and_save(ad)
        if ad.escalation_consent != consent_before:
            # Withdrawn, the partners give it back; given, a request the workers hold goes on.
            ladder_consent_changed(ad=ad, now=timezone.now(), actor=editor)
        ad_event_record(ad=ad, kind=AdEvent.Kind.UPDATED)
        return ad


def ad_event_record(
    *, ad: Ad, kind: str, conversation: Conversation | None = None, reply: Reply | None = None
) -> AdEvent:
    """Record what happened on an ad and push its cursor to the ad's websockets after commit.

    Call inside the transaction that holds the ad's row lock (select_for_update): events
    of one ad then commit in id order, so a client reading "since <cursor>" skips none."""
    event = AdEvent.objects.create(ad=ad, kind=kind, conversation=conversation, reply=reply)
    push: AdLiveEvent = {"type": kind, "cursor": event.pk, "ad": ad.pk}
    if conversation is not None:
        push["conversation"] = conversation.pk
    publish(ad_group(ad.pk), push)
    return event


def _require_author(ad: Ad, user: User) -> None:
    if not is_author(user, ad):
        raise PermissionDenied(_("Only the person who placed this ad can do this."))


def reply_post(
    *, ad: Ad, author: User, body: str, conversation: Conversation | None = None, now: datetime | None = None
) -> Reply:
    """Post a reply: a responder writes in their own conversation (started on the
    first reply); the ad's author answers in a conversation they name."""
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write a message.")})
    with transaction.atomic():
        ad = Ad.objects.select_for_update().get(pk=ad.pk)
        _lock_newcomer(author, "reply", now or timezone.now())
        if conversation is None and not is_author(author, ad):
            conversation = Conversation.objects.filter(ad=ad, responder=author).first()
        if conversation is None and is_author(author, ad):
            raise ValidationError({"conversation": _("Choose the conversation you are answering.")})
        refusal = reply_refusal(author, ad, conversation)
        if refusal:
            raise ValidationError(refusal)
        now = now or timezone.now()
        if conversation is None:
            conversation = Conversation.objects.create(ad=ad, responder=author, created_at=now)
        reply = Reply(conversation=conversation, author=author, body=body, created_at=now)
        reply.full_clean(exclude=["conversation", "author"])
        reply.save()
        Conversation.objects.filter(pk=conversation.pk).update(last_reply_at=now)
        ad_event_record(ad=ad, kind=AdEvent.Kind.REPLY, conversation=conversation, reply=reply)
        notify.reply_posted(ad=ad, conversation=conversation, reply=reply)
        if ad.first_response_at is None and not is_author(author, ad):
            ad.first_response_at = now
            ad.save(update_fields=["first_response_at"])
            ladder_stop(ad=ad, reason=StopReason.REPLY, now=now, actor=author)
    return reply


def helper_choose(*, ad: Ad, chooser: User, conversation: Conversation) -> Ad:
    """The author picks the responder of a conversation as helper: the ad is matched."""
    _require_author(ad, chooser)
    with transaction.atomic():
        ad = Ad.objects.select_for_update().get(pk=ad.pk)
        if conversation.ad_id != ad.pk:
            raise ValidationError({"conversation": _("This conversation is not about this ad.")})
        if ad.status != Ad.Status.OPEN:
            raise ValidationError(_("You can only choose a helper while the ad is open."))
        ad.helper_id = conversation.responder_id
        ad.status = Ad.Status.MATCHED
        ad.save(update_fields=["helper", "status", "updated_at"])
        ad_event_record(ad=ad, kind=AdEvent.Kind.HELPER)
        notify.helper_chosen(ad=ad)
    return ad


def ad_close(*, ad: Ad, closer: User, thanks: str = "") -> Ad:
    """Close with a thank-you: the help was given."""
    _require_author(ad, closer)
    return _finish(ad, Ad.Status.DONE, thanks=thanks.strip())


def ad_withdraw(*, ad: Ad, withdrawer: User) -> Ad:
    _require_author(ad, withdrawer)
    return _finish(ad, Ad.Status.WITHDRAWN)


def _finish(ad: Ad, status: str, thanks: str = "") -> Ad:
    with transaction.atomic():
        ad = Ad.objects.select_for_update().get(pk=ad.pk)
        if ad.is_closed:
            raise ValidationError(_("This ad is already closed."))
        ad.status = status
        ad.thanks = thanks
        ad.closed_at = timezone.now()
        stop = StopReason.CLOSED if status == Ad.Status.DONE else StopReason.WITHDRAWN
        ladder_stop(ad=ad, reason=stop, now=ad.closed_at)
        _clean_and_save(ad, update_fields=["status", "thanks", "closed_at", "updated_at"])
        ad_event_record(ad=ad, kind=AdEvent.Kind.CLOSED if status == Ad.Status.DONE else AdEvent.Kind.WITHDRAWN)
        if status == Ad.Status.DONE:
            notify.ad_thanked(ad=ad)
        return ad


def ad_renew(*, ad: Ad, renewer: User, now: datetime | None = None) -> Ad:
    """The author keeps a running ad up for another full lifetime."""
    _require_author(ad, renewer)
    with transaction.atomic():
        ad = Ad.objects.select_for_update().get(pk=ad.pk)
        if ad.is_closed:
            raise ValidationError(_("This ad is already closed. Place a new ad instead."))
        ad.expires_at = (now or timezone.now()) + timedelta(days=settings.AD_LIFETIME_DAYS)
        ad.save(update_fields=["expires_at", "updated_at"])
        ad_event_record(ad=ad, kind=AdEvent.Kind.UPDATED)
        return ad


# The expiry job ---------------------------------------------------------------------------

EXPIRY_BATCH = 200


def ads_expiry_remind(*, now: datetime | None = None) -> int:
    """Ask the owners of ads that end within AD_EXPIRY_REMINDER_DAYS to renew them; each ad
    and end date once, however often this runs. How many notifications are new."""
    within = timedelta(days=settings.AD_EXPIRY_REMINDER_DAYS)
    ads = selectors.ads_expiring(now=now or timezone.now(), within=within).select_related("category")
    with transaction.atomic():
        return notify.ads_expiring(ads=ads)


def ads_expire(*, now: datetime | None = None) -> int:
    """Close every running ad past its end, each in its own short transaction; how many."""
    now = now or timezone.now()
    expired = 0
    while ids := selectors.ads_expired_ids(now=now, limit=EXPIRY_BATCH):
        expired += sum(_expire(ad_id, now) for ad_id in ids)
    return expired


def _expire(ad_id: int, now: datetime) -> int:
    with transaction.atomic():
        # Checked again under the lock: the author may have renewed or closed it meanwhile.
        running = [Ad.Status.OPEN, Ad.Status.MATCHED]
        ad = Ad.objects.select_for_update().filter(pk=ad_id, status__in=running, expires_at__lte=now).first()
        if ad is None:
            return 0
        ad.status, ad.closed_at = Ad.Status.EXPIRED, now
        ad.save(update_fields=["status", "closed_at", "updated_at"])
        ladder_stop(ad=ad, reason=StopReason.EXPIRED, now=now)
        ad_event_record(ad=ad, kind=AdEvent.Kind.EXPIRED)
        notify.ad_expired(ad=ad)
        return 1
