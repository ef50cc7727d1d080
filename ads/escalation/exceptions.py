"""What the escalation services raise when the state moved under the caller.

The API answers these with 409 Conflict; a page shows the message. Bad input raises
Django's ValidationError (400) and a caller who may not act PermissionDenied (403).
"""

from django.utils.translation import gettext_lazy as _


class EscalationConflict(Exception):
    """The escalation is no longer in a state that allows this."""

    default_message = _("This escalation has changed in the meantime. Reload and try again.")

    def __init__(self, message: str | None = None) -> None:
        self.message = str(message or self.default_message)
        super().__init__(self.message)


class EscalationAlreadyClaimed(EscalationConflict):
    """Someone else claimed it first (two staff at once: exactly one wins)."""

    default_message = _("Someone else has already picked up this escalation.")


class EscalationNotClaimed(EscalationConflict):
    default_message = _("Pick up this escalation before you do this.")


class EscalationClosed(EscalationConflict):
    default_message = _("This escalation is already closed.")
