from django.urls import path

from accounts.api import MeApi, MunicipalityListApi, NeighbourhoodListApi, TokenObtainApi
from accounts.api_live import WebsocketTicketApi
from accounts.api_privacy import MeExportApi

urlpatterns: list = [
    path("auth/token/", TokenObtainApi.as_view(), name="api-token"),
    path("auth/ws-ticket/", WebsocketTicketApi.as_view(), name="api-ws-ticket"),
    path("neighbourhoods/", NeighbourhoodListApi.as_view(), name="api-neighbourhoods"),
    path("municipalities/", MunicipalityListApi.as_view(), name="api-municipalities"),
    path("me/", MeApi.as_view(), name="api-me"),
    path("me/export/", MeExportApi.as_view(), name="api-me-export"),
]
