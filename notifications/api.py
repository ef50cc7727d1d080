"""The notifications JSON API: one APIView per operation, only ever the caller's own.

A push on /ws/notifications/ carries only (type, cursor); a client asks here for
everything after the last cursor it has seen, and gets the unread count with it.
"""

from datetime import UTC

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.serializers import SinceField, StrictInputSerializer, next_link, page_body, page_serializer
from notifications import selectors, services
from notifications.models import Notification, Preference
from notifications.permissions import access_notification

NOT_FOUND = {
    404: OpenApiResponse(
        response=OpenApiTypes.OBJECT,
        description=_("No such notification, or not yours: the same answer for both."),
    )
}
BAD_INPUT = {
    400: OpenApiResponse(
        response=OpenApiTypes.OBJECT,
        description=_('Invalid input: {"field": ["message", ...]} per field, or {"detail": "message"}.'),
    )
}


class StrictSerializer(StrictInputSerializer):
    # Also reads query strings, where DRF's ?format= may stand. (No docstring: the
    # schema shows the parent's to API clients.)
    ignored = StrictInputSerializer.ignored | {"format"}


@extend_schema_serializer(component_name="NotificationTarget")
class TargetSerializer(serializers.Serializer):
    type = serializers.CharField(
        source="target_type", help_text=_("What it is about, named by the part of SamSam that sent it.")
    )
    id = serializers.IntegerField(source="target_id")
    url = serializers.CharField(source="target_url", help_text=_("The page that shows it."))


@extend_schema_serializer(component_name="Notification")
class NotificationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("Also the cursor: it only grows."))
    kind = serializers.CharField(help_text=_("The event, named by the part of SamSam that sent it."))
    message = serializers.SerializerMethodField(help_text=_("The sentence to show, in the language of the request."))
    target = TargetSerializer(source="*")
    created_at = serializers.DateTimeField(default_timezone=UTC)
    read_at = serializers.DateTimeField(default_timezone=UTC, allow_null=True)

    def get_message(self, note: Notification) -> str:
        return selectors.notification_text(note)


@extend_schema_serializer(component_name="UnreadCount")
class UnreadSerializer(serializers.Serializer):
    unread = serializers.IntegerField(help_text=_("How many notifications are not read yet."))


class NotificationsApi(APIView):
    @extend_schema_serializer(component_name="NotificationsFilter")
    class FilterSerializer(StrictSerializer):
        since = SinceField()

    # `next` is null when up to date: the last notification's id is then the `since` of the next call.
    OutputSerializer = page_serializer(
        "NotificationPage",
        NotificationOutputSerializer(many=True),
        unread=serializers.IntegerField(help_text=_("How many notifications are not read yet.")),
    )

    @extend_schema(
        operation_id="notifications_list",
        parameters=[FilterSerializer],
        responses={200: OutputSerializer, **BAD_INPUT},
        description=_(
            "Your notifications after a cursor, oldest first, at most 100 at a time, with the unread count."
        ),
    )
    def get(self, request: Request) -> Response:
        params = NotificationsApi.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        page = selectors.notifications_since(recipient_id=request.user.pk, since=params.validated_data["since"])
        more = next_link(request, since=page.cursor) if page.more else None
        data = page_body(page.notifications, more, unread=page.unread)
        return Response(NotificationsApi.OutputSerializer(data).data)


class UnreadCountApi(APIView):
    @extend_schema(
        operation_id="notifications_unread_count",
        responses={200: UnreadSerializer},
        description=_("How many of your notifications are not read yet (for the badge)."),
    )
    def get(self, request: Request) -> Response:
        return Response({"unread": selectors.unread_count(recipient_id=request.user.pk)})


class NotificationReadApi(APIView):
    @extend_schema(
        operation_id="notifications_read",
        request=None,
        responses={200: NotificationOutputSerializer, **NOT_FOUND},
        description=_("Mark one of your notifications as read."),
    )
    def post(self, request: Request, pk: int) -> Response:
        notification = access_notification(user=request.user, notification_id=pk)
        notification = services.notification_mark_read(notification=notification)
        return Response(NotificationOutputSerializer(notification).data)


class NotificationsReadAllApi(APIView):
    @extend_schema(
        operation_id="notifications_read_all",
        request=None,
        responses={200: UnreadSerializer},
        description=_("Mark all your notifications as read."),
    )
    def post(self, request: Request) -> Response:
        services.notifications_mark_all_read(recipient_id=request.user.pk)
        return Response({"unread": selectors.unread_count(recipient_id=request.user.pk)})


class PreferenceApi(APIView):
    @extend_schema_serializer(component_name="NotificationPreference")
    class PreferenceSerializer(StrictSerializer):
        email = serializers.ChoiceField(
            choices=Preference.Email.choices,
            help_text=_("instant: an email per notification; daily: one email a day; off: no email."),
        )

    @extend_schema(
        operation_id="notifications_preference_get",
        responses={200: PreferenceSerializer},
        description=_("How you get email about notifications."),
    )
    def get(self, request: Request) -> Response:
        return Response({"email": selectors.email_preference(user_id=request.user.pk)})

    @extend_schema(
        operation_id="notifications_preference_set",
        request=PreferenceSerializer,
        responses={200: PreferenceSerializer, **BAD_INPUT},
        description=_("Choose how you get email about notifications."),
    )
    def put(self, request: Request) -> Response:
        serializer = PreferenceApi.PreferenceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        preference = services.preference_set(user_id=request.user.pk, email=serializer.validated_data["email"])
        return Response({"email": preference.email})
