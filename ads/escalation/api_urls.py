from django.urls import path

from ads.escalation.api import EscalationRuleApi, EscalationRulesApi
from ads.escalation.api_inbox import (
    AdConsentApi,
    EscalationClaimApi,
    EscalationDeclineApi,
    EscalationDetailApi,
    EscalationHandBackApi,
    EscalationListApi,
    EscalationNoteApi,
    EscalationResolveApi,
)

urlpatterns: list = [
    path("escalation-rules/", EscalationRulesApi.as_view(), name="api-escalation-rules"),
    path("escalation-rules/<int:pk>/", EscalationRuleApi.as_view(), name="api-escalation-rule"),
    path("ads/<int:pk>/consent/", AdConsentApi.as_view(), name="api-ad-consent"),
    path("escalations/", EscalationListApi.as_view(), name="api-escalations"),
    path("escalations/<int:pk>/", EscalationDetailApi.as_view(), name="api-escalation"),
    path("escalations/<int:pk>/claim/", EscalationClaimApi.as_view(), name="api-escalation-claim"),
    path("escalations/<int:pk>/resolve/", EscalationResolveApi.as_view(), name="api-escalation-resolve"),
    path("escalations/<int:pk>/decline/", EscalationDeclineApi.as_view(), name="api-escalation-decline"),
    path("escalations/<int:pk>/hand-back/", EscalationHandBackApi.as_view(), name="api-escalation-hand-back"),
    path("escalations/<int:pk>/notes/", EscalationNoteApi.as_view(), name="api-escalation-notes"),
]
