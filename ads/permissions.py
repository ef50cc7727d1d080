"""Who may see and do what with ads and conversations: the one place that decides.

Pages, the API and (later) consumers and tasks all call these helpers. Something a
user may not see answers 404, exactly like something that does not exist.
"""

from collections.abc import Collection

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import Neighbourhood, User
from accounts.permissions import (
    access_neighbourhood,
    is_worker_of,
    member_neighbourhood_ids,
    users_for_neighbourhood,
    worker_neighbourhood_ids,
)
from ads.models import Ad, Conversation, Reply
from notifications.live_events import Delivery


def ads_visible_to(user: User) -> QuerySet[Ad]:
    """Visible ads of the user's neighbourhoods, everything in the neighbourhoods they
    work in, and their own ads (also when pending or hidden)."""
    if not user.is_authenticated or not user.is_active:
        return Ad.objects.none()
    scope = Q(author=user) | Q(proxy=user) | Q(neighbourhood_id__in=worker_neighbourhood_ids(user))
    if user.neighbourhood_id:
        scope |= Q(neighbourhood_id=user.neighbourhood_id, moderation=Ad.Moderation.VISIBLE)
    return Ad.objects.filter(scope)


def sees_ad_now(*, user: User, ad_id: int) -> bool:
    """Read fresh, not from an ad in memory: a report may just have hidden it."""
    return ads_visible_to(user).filter(pk=ad_id).exists()


def is_author(user: User, ad: Ad) -> bool:
    """The author, or whoever posted on the author's behalf."""
    return user.is_authenticated and user.pk in (ad.author_id, ad.proxy_id)


def can_view_ad(user: User, ad: Ad) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if is_author(user, ad) or is_worker_of(user, ad.neighbourhood_id):
        return True
    return ad.moderation == Ad.Moderation.VISIBLE and ad.neighbourhood_id in member_neighbourhood_ids(user)


def access_ad(*, user: User, ad_id: int | str) -> Ad:
    """The ad if the user may see it; 404 otherwise."""
    try:
        ad = Ad.objects.select_related("category", "neighbourhood", "author", "helper").get(pk=int(ad_id))
    except (Ad.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    if not can_view_ad(user, ad):
        raise Http404
    return ad


def access_ad_as_author(*, user: User, ad_id: int | str) -> Ad:
    """The ad if the user is its author (or proxy): 404 if unseen, 403 if not theirs."""
    ad = access_ad(user=user, ad_id=ad_id)
    if not is_author(user, ad):
        raise PermissionDenied(_("Only the person who placed this ad can do this."))
    return ad


def can_see_escalation_consent(user: User, ad: Ad) -> bool:
    """Whether a resident agreed that a care organisation may contact them is theirs and
    the workers' to know, not the neighbours' (the page shows it to the workers only)."""
    return is_author(user, ad) or is_worker_of(user, ad.neighbourhood_id)


def can_see_all_conversations(user: User, ad: Ad) -> bool:
    return is_author(user, ad) or is_worker_of(user, ad.neighbourhood_id)


def conversations_visible_to(*, user: User, ad: Ad) -> QuerySet[Conversation]:
    """All of an ad's conversations for its author and the neighbourhood's workers;
    a responder's own conversation for anyone else."""
    conversations = Conversation.objects.filter(ad=ad)
    if can_see_all_conversations(user, ad):
        return conversations
    return conversations.filter(responder=user)


def can_see_reply(user: User, ad: Ad, *, author_id: int, moderation: str) -> bool:
    """A hidden reply stays visible to its writer and the neighbourhood's workers only.
    (Call for replies in a conversation the user may read.)"""
    return moderation == Reply.Moderation.VISIBLE or user.pk == author_id or is_worker_of(user, ad.neighbourhood_id)


def replies_visible_to(*, user: User, ad: Ad) -> QuerySet[Reply]:
    """The replies on an ad this user may read, in conversations they may read."""
    replies = Reply.objects.filter(conversation__in=conversations_visible_to(user=user, ad=ad))
    if is_worker_of(user, ad.neighbourhood_id):
        return replies
    return replies.filter(Q(moderation=Reply.Moderation.VISIBLE) | Q(author=user))


def access_conversation(*, user: User, ad: Ad, conversation_id: int | str) -> Conversation:
    try:
        return conversations_visible_to(user=user, ad=ad).select_related("responder").get(pk=int(conversation_id))
    except (Conversation.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def reply_refusal(user: User, ad: Ad, conversation: Conversation | None) -> str | None:
    """Why this user may not reply here, in words for them; None when they may."""
    if ad.is_closed:
        return _("This ad is closed; you can no longer reply.")
    if conversation is None:
        if is_author(user, ad):
            return _("You cannot reply to your own ad.")
        if ad.status != Ad.Status.OPEN:
            return _("A helper has already been found for this ad.")
        if ad.moderation != Ad.Moderation.VISIBLE:
            return _("This ad is not visible at the moment.")
        return None
    if user.pk != conversation.responder_id and not is_author(user, ad):
        return _("Only the two people in this conversation can write in it.")
    return None


def edit_refusal(ad: Ad) -> str | None:
    """Why an ad cannot be changed now, in words for its author; None when it can."""
    if ad.status != Ad.Status.OPEN:
        return _("Only an open ad can be changed.")
    return None


def member_neighbourhood(*, user: User, slug: str) -> Neighbourhood:
    """A neighbourhood named in input (a filter, a form field) that the user belongs to.

    An unknown slug and another neighbourhood's slug get the same 400, so the answer
    does not tell whether a neighbourhood exists."""
    try:
        return access_neighbourhood(user=user, slug=slug)
    except Http404:
        raise ValidationError({"neighbourhood": _("You do not belong to this neighbourhood.")}) from None


def ad_stream_deliveries(
    *, user_ids: Collection[int], ad_id: int, conversation_id: int | None = None
) -> dict[int, Delivery]:
    """For websockets following an ad: whether each user gets one of its events. Users and
    ad are read fresh (two queries for any number of users), so someone deactivated,
    moved away or no longer shown the ad is revoked; an event inside a conversation
    reaches only its two people and the neighbourhood's workers."""
    ad, responder_id = _ad_and_responder(ad_id, conversation_id)
    if ad is None:
        return dict.fromkeys(user_ids, Delivery.REVOKE)
    users = users_for_neighbourhood(user_ids=user_ids, neighbourhood_id=ad.neighbourhood_id)
    by_id = {user.pk: user for user in users}
    return {user_id: _delivery(by_id.get(user_id), ad, conversation_id, responder_id) for user_id in user_ids}


def _ad_and_responder(ad_id: int, conversation_id: int | None) -> tuple[Ad | None, int | None]:
    fields = ("author_id", "proxy_id", "neighbourhood_id", "moderation")  # not the large search_vector
    if conversation_id is None:
        return Ad.objects.filter(pk=ad_id).only(*fields).first(), None
    conversation = (
        Conversation.objects.filter(pk=conversation_id, ad_id=ad_id)
        .select_related("ad")
        .only("responder_id", *(f"ad__{name}" for name in fields))
        .first()
    )
    return (conversation.ad, conversation.responder_id) if conversation else (None, None)


def _delivery(user: User | None, ad: Ad, conversation_id: int | None, responder_id: int | None) -> Delivery:
    if user is None or not can_view_ad(user, ad):
        return Delivery.REVOKE
    if conversation_id is None or can_see_all_conversations(user, ad) or user.pk == responder_id:
        return Delivery.FORWARD
    return Delivery.SKIP
