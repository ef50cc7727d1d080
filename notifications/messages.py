"""What each kind of notification says, in the reader's language.

Producers store only a kind and a few parameters; the sentence is made when a page or
an email shows it, so it is always in the language of whoever reads it.
"""

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "reply.created": _("New message about “%(title)s”."),
    "ad.helper_chosen": _("You were chosen as the helper for “%(title)s”."),
    "ad.thanked": _("“%(title)s” is closed. Thank you for your help!"),
    "ad.match": _("A neighbour needs help with %(category)s: “%(title)s”."),
    "ad.expiring": _("Your ad “%(title)s” ends in 3 days. Still needed? Renew it."),
    "ad.expired": _("Your ad “%(title)s” has ended."),
    "ad.still_needed": _("Nobody has answered your request yet. Do you still need help? You can add a detail."),
    "ad.offer_reminder": _("A neighbour still needs help with something you offer."),
    "escalation.created": _("A request for help was passed on to you."),
    "escalation.raised": _("Nobody picked up a request that was passed on."),
    "escalation.cancelled": _("A request that was passed on to you is no longer needed."),
    # Moderation (ads.moderation.notify): the person concerned is told the worker's reason.
    "moderation.approved": _("Your ad “%(title)s” has been approved. Neighbours can see it now."),
    "moderation.hidden": _("A neighbourhood worker has hidden your ad “%(title)s”. Reason: %(reason)s"),
    "moderation.restored": _("A neighbourhood worker has made your ad “%(title)s” visible again. Reason: %(reason)s"),
    "moderation.dismissed": _(
        "A neighbourhood worker checked your ad “%(title)s”. It stays online. Reason: %(reason)s"
    ),
    "moderation.reply_hidden": _(
        "A neighbourhood worker has hidden your message about “%(title)s”. Reason: %(reason)s"
    ),
    "moderation.reply_restored": _(
        "A neighbourhood worker has made your message about “%(title)s” visible again. Reason: %(reason)s"
    ),
    "moderation.reply_dismissed": _(
        "A neighbourhood worker checked your message about “%(title)s”. It stays online. Reason: %(reason)s"
    ),
    "moderation.auto_hidden": _(
        "Several neighbours reported “%(title)s”. It is hidden until a neighbourhood worker has looked at it."
    ),
    "moderation.reported": _("Several neighbours reported something about “%(title)s”. It is hidden until you look."),
    "moderation.pending": _("A new resident's first ad “%(title)s” waits for your approval."),
    "moderation.warn": _("A neighbourhood worker sends you a warning: %(reason)s"),
    "moderation.suspend": _("Your account is blocked until %(until)s. Reason: %(reason)s"),
    "moderation.reinstate": _("Your account can be used again."),
}
FALLBACK = _("There is news for you.")


class _Params(dict):
    """Formatting parameters: a missing one prints as "…", and a parameter stored in
    both languages ({"nl": ..., "en": ...}) prints in the current one."""

    def __missing__(self, key: str) -> str:
        return "…"

    def __getitem__(self, key: str) -> object:
        value = super().__getitem__(key)
        if isinstance(value, dict):
            return value.get(get_language() or "nl") or next(iter(value.values()), "…")
        return value


def message(kind: str, params: dict) -> str:
    """The sentence for a notification, in the active language."""
    text = str(MESSAGES.get(kind, FALLBACK))
    try:
        return text % _Params(params or {})
    except (TypeError, ValueError):
        return str(FALLBACK)
