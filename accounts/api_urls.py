from django.urls import path

from accounts.api_live import WebsocketTicketApi

urlpatterns: list = [
    path("auth/ws-ticket/", WebsocketTicketApi.as_view(), name="api-ws-ticket"),
]
