from django.urls import path

from notifications.api import (
    NotificationReadApi,
    NotificationsApi,
    NotificationsReadAllApi,
    PreferenceApi,
    UnreadCountApi,
)

urlpatterns = [
    path("notifications/", NotificationsApi.as_view(), name="api-notifications"),
    path("notifications/unread-count/", UnreadCountApi.as_view(), name="api-notifications-unread"),
    path("notifications/<int:pk>/read/", NotificationReadApi.as_view(), name="api-notification-read"),
    path("notifications/read-all/", NotificationsReadAllApi.as_view(), name="api-notifications-read-all"),
    path("notifications/preference/", PreferenceApi.as_view(), name="api-notifications-preference"),
]
