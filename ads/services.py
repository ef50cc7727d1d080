"""Writes for ads and conversations: the domain rules live here.

Each function validates, changes the database in one transaction, and raises
ValidationError (a message for the user) or PermissionDenied.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Neighbourhood, User
from accounts.permissions import member_neighbourhood_ids
from ads.escalation.services import StopReason, ladder_stop
from ads.models import Ad, AdEvent, Category, Conversation, Reply
from ads.permissions import is_author, reply_refusal
from notifications.live import AdLiveEvent, ad_group, publish

EDITABLE_FIELDS = ("category", "title", "description", "urgency", "wanted_on", "escalation_consent")


def _clean_and_save(ad: Ad, update_fields: list[str] | None = None) -> Ad:
    ad.full_clean(exclude=["author", "proxy", "helper", "neighbourhood"])
    ad.save(update_fields=update_fields)
    return ad


def _posting_neighbourhood(author: User, neighbourhood: Neighbourhood | None) -> Neighbourhood:
    if neighbourhood is None:
        if author.neighbourhood_id is None:
            raise ValidationError({"neighbourhood": _("Choose the neighbourhood for this ad.")})
        return author.neighbourhood
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
) -> Ad:
    if not author.email_confirmed:
        raise PermissionDenied(_("Confirm your email address before you place an ad."))
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
    )
    return _clean_and_save(ad)


def ad_update(*, ad: Ad, editor: User, changes: dict) -> Ad:
    """Change what the author may change while the ad is open."""
    _require_author(ad, editor)
    with transaction.atomic():
        ad = Ad.objects.select_for_update().get(pk=ad.pk)
        if ad.status != Ad.Status.OPEN:
            raise ValidationError(_("Only an open ad can be changed."))
        for field in EDITABLE_FIELDS:
            if field in changes:
                value = changes[field]
                setattr(ad, field, value.strip() if isinstance(value, str) else value)
        if ad.kind != Ad.Kind.REQUEST:
            ad.escalation_consent = False
        _clean_and_save(ad)
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


def reply_post(*, ad: Ad, author: User, body: str, conversation: Conversation | None = None) -> Reply:
    """Post a reply: a responder writes in their own conversation (started on the
    first reply); the ad's author answers in a conversation they name."""
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write a message.")})
    with transaction.atomic():
        ad = Ad.objects.select_for_update().get(pk=ad.pk)
        if conversation is None and not is_author(author, ad):
            conversation = Conversation.objects.filter(ad=ad, responder=author).first()
        if conversation is None and is_author(author, ad):
            raise ValidationError({"conversation": _("Choose the conversation you are answering.")})
        refusal = reply_refusal(author, ad, conversation)
        if refusal:
            raise ValidationError(refusal)
        now = timezone.now()
        if conversation is None:
            conversation = Conversation.objects.create(ad=ad, responder=author, created_at=now)
        reply = Reply(conversation=conversation, author=author, body=body, created_at=now)
        reply.full_clean(exclude=["conversation", "author"])
        reply.save()
        Conversation.objects.filter(pk=conversation.pk).update(last_reply_at=now)
        ad_event_record(ad=ad, kind=AdEvent.Kind.REPLY, conversation=conversation, reply=reply)
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
        return ad
