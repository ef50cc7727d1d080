from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def clean_text(text: str, *, field: str, required: bool, limit: int) -> str:
    """A reason or note as typed, trimmed; ValidationError when missing or too long."""
    text = (text or "").strip()
    if required and not text:
        raise ValidationError({field: _("Write a short reason. The person concerned will read it.")})
    if len(text) > limit:
        raise ValidationError({field: _("Keep it under %(max)d characters.") % {"max": limit}})
    return text
