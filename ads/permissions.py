"""Who may see and do what with ads and conversations: the one place that decides.

Pages, the API and (later) consumers and tasks all call these helpers. Something a
user may not see answers 404, exactly like something that does not exist.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import is_worker_of, member_neighbourhood_ids, worker_neighbourhood_ids
from ads.models import Ad, Conversation


def ads_visible_to(user: User) -> QuerySet[Ad]:
    """Visible ads of the user's neighbourhoods, everything in the neighbourhoods they
    work in, and their own ads (also when pending or hidden)."""
    if not user.is_authenticated or not user.is_active:
        return Ad.objects.none()
    scope = Q(author=user) | Q(proxy=user) | Q(neighbourhood_id__in=worker_neighbourhood_ids(user))
    if user.neighbourhood_id:
        scope |= Q(neighbourhood_id=user.neighbourhood_id, moderation=Ad.Moderation.VISIBLE)
    return Ad.objects.filter(scope)


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


def can_see_all_conversations(user: User, ad: Ad) -> bool:
    return is_author(user, ad) or is_worker_of(user, ad.neighbourhood_id)


def conversations_visible_to(*, user: User, ad: Ad) -> QuerySet[Conversation]:
    """All of an ad's conversations for its author and the neighbourhood's workers;
    a responder's own conversation for anyone else."""
    conversations = Conversation.objects.filter(ad=ad)
    if can_see_all_conversations(user, ad):
        return conversations
    return conversations.filter(responder=user)


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
