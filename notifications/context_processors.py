from django.http import HttpRequest

from notifications.selectors import unread_count


def unread(request: HttpRequest) -> dict:
    """The header badge: how many notifications the user has not read (one count query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_unread": unread_count(recipient_id=user.pk)}
