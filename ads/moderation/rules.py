"""Trust for newcomers: rules that ads.services applies when someone posts.

- A new resident's first ad waits for a worker's approval, where the neighbourhood
  asks for it (Neighbourhood.first_post_approval, on by default).
- An account younger than a day may place at most 3 ads and 10 replies.
Workers, partner staff, coordinators (and, for approval, residents a worker has met)
are trusted.
"""

import math
from datetime import datetime, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.limits import RateLimited
from accounts.models import Neighbourhood, User
from accounts.permissions import is_staff_member
from ads.models import Ad, Reply

NEWCOMER_WINDOW = timedelta(days=1)
NEWCOMER_MAX_ADS = 3
NEWCOMER_MAX_REPLIES = 10


def first_post_needs_approval(*, author: User, neighbourhood: Neighbourhood) -> bool:
    """True until a worker has approved (or let stand) one of the author's ads."""
    if not neighbourhood.first_post_approval or author.known_to or is_staff_member(author):
        return False
    return not Ad.objects.filter(author=author, moderation=Ad.Moderation.VISIBLE).exists()


def newcomer_check(*, user: User, kind: str, now: datetime) -> None:
    """Raise RateLimited when a day-old account has used up its ads ("ad") or replies
    ("reply"); Retry-After is the moment the account is a day old."""
    window_ends = user.date_joined + NEWCOMER_WINDOW
    if now >= window_ends or is_staff_member(user):
        return
    if kind == "ad":
        used, limit = Ad.objects.filter(author=user).count(), NEWCOMER_MAX_ADS
    else:
        used, limit = Reply.objects.filter(author=user).count(), NEWCOMER_MAX_REPLIES
    if used < limit:
        return
    seconds = math.ceil((window_ends - now).total_seconds())
    raise RateLimited(seconds, _newcomer_message(kind, limit, seconds))


def _newcomer_message(kind: str, limit: int, seconds: int) -> str:
    hours = max(1, math.ceil(seconds / 3600))
    if kind == "ad":
        first = _("New accounts can place at most %(limit)d ads on their first day.") % {"limit": limit}
    else:
        first = _("New accounts can send at most %(limit)d messages on their first day.") % {"limit": limit}
    later = ngettext(
        "You can do this again in about %(hours)d hour.", "You can do this again in about %(hours)d hours.", hours
    )
    return f"{first} {later % {'hours': hours}}"
