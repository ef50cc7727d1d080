from django.urls import path

from ads.moderation.api import (
    AdDecisionApi,
    AdReportApi,
    QueueApi,
    ReplyDecisionApi,
    ReplyReportApi,
    ResidentApi,
    ResidentDecisionApi,
)

urlpatterns: list = [
    path("ads/<int:pk>/reports/", AdReportApi.as_view(), name="api-ad-reports"),
    path("replies/<int:pk>/reports/", ReplyReportApi.as_view(), name="api-reply-reports"),
    path("moderation/queue/", QueueApi.as_view(), name="api-moderation-queue"),
    path("moderation/ads/<int:pk>/decisions/", AdDecisionApi.as_view(), name="api-moderation-ad-decisions"),
    path("moderation/replies/<int:pk>/decisions/", ReplyDecisionApi.as_view(), name="api-moderation-reply-decisions"),
    path("moderation/users/<int:pk>/", ResidentApi.as_view(), name="api-moderation-user"),
    path("moderation/users/<int:pk>/decisions/", ResidentDecisionApi.as_view(), name="api-moderation-user-decisions"),
]
