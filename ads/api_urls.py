from django.urls import path

from ads.api import (
    AdApi,
    AdCloseApi,
    AdHelperChooseApi,
    AdRenewApi,
    AdRepliesApi,
    AdsApi,
    AdWithdrawApi,
    CategoryListApi,
)
from ads.api_live import AdEventsApi
from ads.contact.api import AdContactApi
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
    path("categories/", CategoryListApi.as_view(), name="api-categories"),
    path("ads/", AdsApi.as_view(), name="api-ads"),
    path("ads/<int:pk>/", AdApi.as_view(), name="api-ad"),
    path("ads/<int:pk>/replies/", AdRepliesApi.as_view(), name="api-ad-replies"),
    path("ads/<int:pk>/helper/", AdHelperChooseApi.as_view(), name="api-ad-helper"),
    path("ads/<int:pk>/close/", AdCloseApi.as_view(), name="api-ad-close"),
    path("ads/<int:pk>/withdraw/", AdWithdrawApi.as_view(), name="api-ad-withdraw"),
    path("ads/<int:pk>/contact/", AdContactApi.as_view(), name="api-ad-contact"),
    path("ads/<int:pk>/renew/", AdRenewApi.as_view(), name="api-ad-renew"),
    path("ads/<int:pk>/events/", AdEventsApi.as_view(), name="api-ad-events"),
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
