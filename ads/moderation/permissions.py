"""Who may report and who may moderate: the one place that decides.

Reporting needs only that the reporter can see the item. Moderating needs a worker of
the item's neighbourhood: an item someone cannot see answers 404 (the same as one that
does not exist), an item they can see but may not moderate answers 403.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.permissions import is_worker, is_worker_of, worker_neighbourhood_ids
from ads.models import Ad, Reply
from ads.permissions import access_ad, can_see_reply, conversations_visible_to, is_author

NOT_A_WORKER = gettext_lazy("Only the neighbourhood's workers can do this.")


def wrote_it(user: User, ad: Ad, reply: Reply | None = None) -> bool:
    """Nobody reports what they wrote themselves: the reply, or the ad (also as its proxy)."""
    return reply.author_id == user.pk if reply is not None else is_author(user, ad)


def require_worker(user: User) -> None:
    """For the queue: a page of one's own neighbourhoods, so a non-worker gets 403."""
    if not (user.is_authenticated and user.is_active and is_worker(user)):
        raise PermissionDenied(_("Only neighbourhood workers can see this."))


def access_reply(*, user: User, reply_id: int | str) -> Reply:
    """A reply in a conversation the user may read (and not hidden from them); 404 otherwise."""
    try:
        reply = Reply.objects.select_related("conversation__ad", "author").get(pk=int(reply_id))
    except (Reply.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    ad = access_ad(user=user, ad_id=reply.conversation.ad_id)
    if not conversations_visible_to(user=user, ad=ad).filter(pk=reply.conversation_id).exists():
        raise Http404
    if not can_see_reply(user, ad, author_id=reply.author_id, moderation=reply.moderation):
        raise Http404
    reply.conversation.ad = ad
    return reply


def access_ad_for_moderation(*, user: User, ad_id: int | str) -> Ad:
    ad = access_ad(user=user, ad_id=ad_id)
    if not is_worker_of(user, ad.neighbourhood_id):
        raise PermissionDenied(NOT_A_WORKER)
    return ad


def access_reply_for_moderation(*, user: User, reply_id: int | str) -> Reply:
    reply = access_reply(user=user, reply_id=reply_id)
    if not is_worker_of(user, reply.conversation.ad.neighbourhood_id):
        raise PermissionDenied(NOT_A_WORKER)
    return reply


def access_user_for_moderation(*, user: User, user_id: int | str) -> User:
    """A resident who lives in one of the worker's neighbourhoods. Anyone else, or an
    unknown id, answers 404; a caller who is no worker at all gets 403."""
    require_worker(user)
    try:
        return User.objects.select_related("neighbourhood").get(
            pk=int(user_id), neighbourhood_id__in=worker_neighbourhood_ids(user)
        )
    except (User.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
