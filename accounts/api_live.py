"""POST /api/v1/auth/ws-ticket/: a short-lived ticket for opening a websocket."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.services import ws_ticket_issue


class WebsocketTicketApi(APIView):
    @extend_schema_serializer(component_name="WebsocketTicket")
    class OutputSerializer(serializers.Serializer):
        ticket = serializers.CharField(help_text=_("Connect with ?ticket=<ticket> on a /ws/ URL; works once."))
        expires_at = serializers.DateTimeField()

    @extend_schema(
        operation_id="auth_ws_ticket_create",
        request=None,
        responses={201: OutputSerializer},
        description=_(
            "A single-use ticket for opening one websocket (/ws/ads/{id}/ or /ws/notifications/) as you, "
            "valid for one minute. Web pages use the session cookie instead."
        ),
    )
    def post(self, request: Request) -> Response:
        key, expires_at = ws_ticket_issue(user=request.user)
        output = WebsocketTicketApi.OutputSerializer({"ticket": key, "expires_at": expires_at})
        return Response(output.data, status=status.HTTP_201_CREATED)
