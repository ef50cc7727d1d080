"""Reads for contact sharing: who the other person of the pair is, and what one sees."""

from dataclasses import dataclass

from accounts.models import User
from ads.contact.models import ContactConsent
from ads.models import Ad


def counterpart_of(*, ad: Ad, user: User) -> User | None:
    """The other person of the pair (author, helper), or None when `user` is not in it."""
    if ad.helper_id is None:
        return None
    if user.pk == ad.author_id:
        return ad.helper
    if user.pk == ad.helper_id:
        return ad.author
    return None


@dataclass(frozen=True)
class ContactState:
    """What one of the pair sees: whether each side said yes, and the other's details
    only when both did."""

    can_share: bool
    i_agreed: bool
    they_agreed: bool
    name: str = ""
    phone: str = ""
    street: str = ""

    @property
    def shared(self) -> bool:
        return self.i_agreed and self.they_agreed


def contact_state(*, ad: Ad, user: User) -> ContactState:
    other = counterpart_of(ad=ad, user=user)
    if other is None:
        return ContactState(can_share=False, i_agreed=False, they_agreed=False)
    pairs = set(
        ContactConsent.objects.filter(ad=ad, user__in=[user, other], counterpart__in=[user, other]).values_list(
            "user_id", "counterpart_id"
        )
    )
    mine, theirs = (user.pk, other.pk) in pairs, (other.pk, user.pk) in pairs
    if not (mine and theirs):
        return ContactState(can_share=True, i_agreed=mine, they_agreed=theirs)
    return ContactState(True, True, True, name=other.display_name, phone=other.phone, street=other.street)
