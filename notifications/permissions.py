"""Who may act on a notification: only its recipient. Anyone else gets 404, the same
answer as for an id that does not exist."""

from django.http import Http404

from accounts.models import User
from notifications.models import Notification


def access_notification(*, user: User, notification_id: int) -> Notification:
    notification = Notification.objects.filter(pk=notification_id, recipient_id=user.pk).first()
    if notification is None or not user.is_authenticated:
        raise Http404
    return notification
