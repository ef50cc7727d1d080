"""The moderation API: reports by anyone who can see an item, and the workers' queue
and decisions. One APIView per operation; rules in ads.moderation.services and
permissions. An item or person outside the caller's area answers 404."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from ads.models import Ad, Reply
from ads.moderation import selectors, services
from ads.moderation.forms import ITEM_ACTIONS, USER_ACTIONS
from ads.moderation.models import NOTE_MAX, REASON_MAX, Report
from ads.moderation.permissions import (
    access_ad_for_moderation,
    access_reply,
    access_reply_for_moderation,
    access_user_for_moderation,
    require_worker,
)
from ads.permissions import access_ad
from ads.serializers import ErrorOutputSerializer, StrictInputSerializer, TextField, UtcDateTimeField

EXCERPT = 200
ERRORS = {
    400: OpenApiResponse(response=OpenApiTypes.OBJECT, description=_('Invalid input: {"field": ["message"]}.')),
    403: OpenApiResponse(
        response=ErrorOutputSerializer, description=_("Only the neighbourhood's workers can do this.")
    ),
    404: OpenApiResponse(
        response=ErrorOutputSerializer, description=_("Not found, or not in your area: the same answer for both.")
    ),
}


@extend_schema_serializer(component_name="ReportCreate")
class ReportInputSerializer(StrictInputSerializer):
    reason = serializers.ChoiceField(choices=Report.Reason.choices)
    note = TextField(required=False, allow_blank=True, max_length=NOTE_MAX, help_text=_("Optional explanation."))


@extend_schema_serializer(component_name="Report")
class ReportOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    ad = serializers.IntegerField(source="ad_id")
    reply = serializers.IntegerField(source="reply_id", allow_null=True)
    reason = serializers.ChoiceField(choices=Report.Reason.choices)
    note = serializers.CharField()
    created_at = UtcDateTimeField()


def _report_response(request: Request, ad: Ad, reply: Reply | None) -> Response:
    serializer = ReportInputSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    report = services.report_create(reporter=request.user, ad=ad, reply=reply, **serializer.validated_data)
    return Response(ReportOutputSerializer(report).data, status=status.HTTP_201_CREATED)


class AdReportApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="ads_reports_create",
        request=ReportInputSerializer,
        responses={201: ReportOutputSerializer, 400: ERRORS[400], 404: ERRORS[404]},
        description=_(
            "Report an ad you can see. One report per person; an ad reported by three people is hidden "
            "until a neighbourhood worker looks at it."
        ),
    )
    def post(self, request: Request, pk: int) -> Response:
        return _report_response(request, access_ad(user=request.user, ad_id=pk), None)


class ReplyReportApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="replies_reports_create",
        request=ReportInputSerializer,
        responses={201: ReportOutputSerializer, 400: ERRORS[400], 404: ERRORS[404]},
        description=_("Report a reply in a conversation you can read. One report per person."),
    )
    def post(self, request: Request, pk: int) -> Response:
        reply = access_reply(user=request.user, reply_id=pk)
        return _report_response(request, reply.conversation.ad, reply)


# The queue --------------------------------------------------------------------------------------


@extend_schema_serializer(component_name="ModerationPerson")
class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")
    known_to = serializers.CharField()


class ReasonCountSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=Report.Reason.choices)
    count = serializers.IntegerField()


@extend_schema_serializer(component_name="ModerationReportedItem")
class ReportedItemSerializer(serializers.Serializer):
    item = serializers.ChoiceField(choices=["ad", "reply"])
    ad = serializers.IntegerField()
    reply = serializers.IntegerField(allow_null=True)
    title = serializers.CharField(help_text=_("The ad's title (for a reply: the ad it belongs to)."))
    excerpt = serializers.CharField()
    neighbourhood = serializers.SlugField()
    author = PersonSerializer()
    moderation = serializers.ChoiceField(choices=Ad.Moderation.choices)
    reporters = serializers.IntegerField(help_text=_("How many different people reported it."))
    first_reported_at = UtcDateTimeField()
    age_seconds = serializers.IntegerField(help_text=_("How long the oldest open report has waited."))
    reasons = ReasonCountSerializer(many=True)


@extend_schema_serializer(component_name="ModerationPendingAd")
class PendingAdSerializer(serializers.Serializer):
    ad = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    excerpt = serializers.CharField()
    neighbourhood = serializers.SlugField(source="neighbourhood.slug")
    author = PersonSerializer()
    created_at = UtcDateTimeField()
    age_seconds = serializers.IntegerField()


@extend_schema_serializer(component_name="ModerationQueue")
class QueueSerializer(serializers.Serializer):
    reported = ReportedItemSerializer(many=True)
    pending = PendingAdSerializer(many=True)


def _reported_row(item: selectors.ReportedItem, now) -> dict:
    text = item.reply.body if item.reply else item.ad.description
    return {
        "item": "reply" if item.reply else "ad",
        "ad": item.ad.pk,
        "reply": item.reply.pk if item.reply else None,
        "title": item.ad.title,
        "excerpt": text[:EXCERPT],
        "neighbourhood": item.ad.neighbourhood.slug,
        "author": item.reply.author if item.reply else item.ad.author,
        "moderation": item.moderation,
        "reporters": item.reporters,
        "first_reported_at": item.first_reported_at,
        "age_seconds": int((now - item.first_reported_at).total_seconds()),
        "reasons": [{"reason": reason, "count": count} for reason, count in item.reasons],
    }


def _pending_row(ad: Ad, now) -> Ad:
    ad.excerpt = ad.description[:EXCERPT]
    ad.age_seconds = int((now - ad.created_at).total_seconds())
    return ad


class QueueApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="moderation_queue",
        responses={200: QueueSerializer, 403: ERRORS[403]},
        description=_(
            "For neighbourhood workers: reported items of your neighbourhoods (most-reported first, then the "
            "longest waiting) and first posts waiting for approval (oldest first)."
        ),
    )
    def get(self, request: Request) -> Response:
        require_worker(request.user)
        queue = selectors.moderation_queue(worker=request.user)
        now = timezone.now()
        data = {
            "reported": [_reported_row(item, now) for item in queue.reported],
            "pending": [_pending_row(ad, now) for ad in queue.pending],
        }
        return Response(QueueSerializer(data).data)


# Decisions ---------------------------------------------------------------------------------------


@extend_schema_serializer(component_name="ModerationItemDecision")
class ItemDecisionInputSerializer(StrictInputSerializer):
    action = serializers.ChoiceField(choices=[(a.value, a.label) for a in ITEM_ACTIONS])
    reason = TextField(
        required=False,
        allow_blank=True,
        max_length=REASON_MAX,
        help_text=_("Told to the author. Required, except to approve a first post."),
    )


@extend_schema_serializer(component_name="ModerationItemState")
class ItemStateSerializer(serializers.Serializer):
    ad = serializers.IntegerField()
    reply = serializers.IntegerField(allow_null=True)
    moderation = serializers.ChoiceField(choices=Ad.Moderation.choices)


class AdDecisionApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="moderation_ads_decide",
        request=ItemDecisionInputSerializer,
        responses={200: ItemStateSerializer, **ERRORS},
        description=_("A worker of the ad's neighbourhood approves, hides, restores it or dismisses its reports."),
    )
    def post(self, request: Request, pk: int) -> Response:
        ad = access_ad_for_moderation(user=request.user, ad_id=pk)
        serializer = ItemDecisionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ad = services.ad_moderate(worker=request.user, ad=ad, **serializer.validated_data)
        return Response(ItemStateSerializer({"ad": ad.pk, "reply": None, "moderation": ad.moderation}).data)


class ReplyDecisionApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="moderation_replies_decide",
        request=ItemDecisionInputSerializer,
        responses={200: ItemStateSerializer, **ERRORS},
        description=_("A worker of the neighbourhood hides or restores a reply, or dismisses its reports."),
    )
    def post(self, request: Request, pk: int) -> Response:
        reply = access_reply_for_moderation(user=request.user, reply_id=pk)
        serializer = ItemDecisionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reply = services.reply_moderate(worker=request.user, reply=reply, **serializer.validated_data)
        state = {"ad": reply.conversation.ad_id, "reply": reply.pk, "moderation": reply.moderation}
        return Response(ItemStateSerializer(state).data)


@extend_schema_serializer(component_name="ModerationResident")
class ResidentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")
    neighbourhood = serializers.SlugField(source="neighbourhood.slug")
    is_active = serializers.BooleanField()
    suspended_until = UtcDateTimeField(allow_null=True)
    known_to = serializers.CharField()


@extend_schema_serializer(component_name="ModerationUserDecision")
class UserDecisionInputSerializer(StrictInputSerializer):
    action = serializers.ChoiceField(choices=[(a, a) for a in USER_ACTIONS])
    reason = TextField(
        required=False, allow_blank=True, max_length=REASON_MAX, help_text=_("Told to the resident (warn, suspend).")
    )
    days = serializers.IntegerField(
        required=False, min_value=1, max_value=services.SUSPEND_MAX_DAYS, help_text=_("For suspend.")
    )


class ResidentApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="moderation_users_retrieve",
        responses={200: ResidentSerializer, 403: ERRORS[403], 404: ERRORS[404]},
        description=_("A resident of one of your neighbourhoods, for workers."),
    )
    def get(self, request: Request, pk: int) -> Response:
        person: User = access_user_for_moderation(user=request.user, user_id=pk)
        return Response(ResidentSerializer(person).data)


class ResidentDecisionApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="moderation_users_decide",
        request=UserDecisionInputSerializer,
        responses={200: ResidentSerializer, **ERRORS},
        description=_(
            "A worker warns, suspends (for some days), reinstates a resident of their neighbourhood, or marks "
            "them as known to the worker's welfare organisation (known / unknown)."
        ),
    )
    def post(self, request: Request, pk: int) -> Response:
        person = access_user_for_moderation(user=request.user, user_id=pk)
        serializer = UserDecisionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        person = services.user_moderate(worker=request.user, user=person, **serializer.validated_data)
        return Response(ResidentSerializer(person).data)
