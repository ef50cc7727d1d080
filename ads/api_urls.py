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
]
