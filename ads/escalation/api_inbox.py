"""The partner inbox API: list, read and act on escalations.

Partner staff see their own organisation's escalations, workers those of their
neighbourhoods, coordinators all of them (to read). Someone else's escalation answers
404 for every action, the same as one that does not exist. A state that moved under
the caller (another staff member claimed first) answers 409.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.serializers import next_link, page_body, page_serializer
from ads.escalation import selectors, services
from ads.escalation.models import Escalation, EscalationStep
from ads.escalation.permissions import access_escalation, access_inbox, can_handle_escalation, can_see_contact
from ads.permissions import access_ad
from ads.serializers import ErrorOutputSerializer, StrictInputSerializer, TextField, UtcDateTimeField

PAGE_SIZE = 50
NOTE_MAX = services.NOTE_MAX

NOT_FOUND = OpenApiResponse(
    response=ErrorOutputSerializer,
    description=_("No such escalation, or not your organisation's: the same answer for both."),
)
ACTION_ERRORS = {
    400: OpenApiResponse(response=OpenApiTypes.OBJECT, description=_('Invalid input: {"field": ["message"]}.')),
    403: OpenApiResponse(
        response=ErrorOutputSerializer, description=_("You may read this escalation, not act on it.")
    ),
    404: NOT_FOUND,
    409: OpenApiResponse(
        response=ErrorOutputSerializer,
        description=_("The escalation changed in the meantime, for example someone else picked it up first."),
    ),
}


@extend_schema_serializer(component_name="EscalationRequest")
class EscalationAdSerializer(serializers.Serializer):
    """The request, with no more than a partner needs to act."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    category = serializers.SlugField(source="category.slug")
    neighbourhood = serializers.SlugField(source="neighbourhood.slug")
    neighbourhood_name = serializers.CharField(source="neighbourhood.name")
    urgency = serializers.CharField()
    wanted_on = serializers.DateField(allow_null=True)
    status = serializers.CharField()
    created_at = UtcDateTimeField()


@extend_schema_serializer(component_name="EscalationContact")
class ContactSerializer(serializers.Serializer):
    name = serializers.CharField(source="display_name")
    phone = serializers.CharField()
    street = serializers.CharField()
    postcode = serializers.CharField()
    email = serializers.EmailField(allow_null=True)


@extend_schema_serializer(component_name="EscalationStep")
class StepSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    action = serializers.CharField(
        help_text=_("created, routed, claimed, note, resolved, declined, handed_back, raised, cancelled")
    )
    actor_name = serializers.CharField(source="actor.display_name", allow_null=True, default=None)
    note = serializers.CharField()
    created_at = UtcDateTimeField()


@extend_schema_serializer(component_name="Escalation")
class EscalationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.ChoiceField(choices=Escalation.State.choices)
    outcome = serializers.CharField(help_text=_("One of the outcome codes once resolved; empty before."))
    step = serializers.IntegerField()
    partner = serializers.CharField(source="partner.slug", allow_null=True, default=None)
    partner_name = serializers.CharField(source="partner.name", allow_null=True, default=None)
    created_at = UtcDateTimeField()
    age_minutes = serializers.SerializerMethodField(help_text=_("Minutes since it was passed on."))
    claimed_by_name = serializers.CharField(source="claimed_by.display_name", allow_null=True, default=None)
    claimed_at = UtcDateTimeField(allow_null=True)
    raised_at = UtcDateTimeField(allow_null=True)
    closed_at = UtcDateTimeField(allow_null=True)
    can_act = serializers.SerializerMethodField(help_text=_("The caller may claim, resolve, decline or hand it back."))
    request = EscalationAdSerializer(source="ad")
    contact = serializers.SerializerMethodField(
        help_text=_("The resident's contact details: only with their consent, and only while it is live.")
    )

    def get_age_minutes(self, escalation: Escalation) -> int:
        return int((self.context["now"] - escalation.created_at).total_seconds() // 60)

    def get_can_act(self, escalation: Escalation) -> bool:
        return can_handle_escalation(self.context["user"], escalation)

    @extend_schema_field(ContactSerializer(allow_null=True))
    def get_contact(self, escalation: Escalation) -> dict | None:
        if not can_see_contact(self.context["user"], escalation):
            return None
        return ContactSerializer(escalation.ad.author).data


@extend_schema_serializer(component_name="EscalationDetail")
class EscalationDetailSerializer(EscalationOutputSerializer):
    steps = serializers.SerializerMethodField(help_text=_("Every step, oldest first: who did what, and when."))

    @extend_schema_field(StepSerializer(many=True))
    def get_steps(self, escalation: Escalation) -> list[dict]:
        return StepSerializer(selectors.escalation_steps(escalation=escalation), many=True).data


EscalationPageSerializer = page_serializer("EscalationPage", EscalationOutputSerializer(many=True))


def _context(request: Request) -> dict:
    return {"user": request.user, "now": timezone.now()}


def _detail(request: Request, escalation: Escalation) -> Response:
    escalation = access_escalation(user=request.user, escalation_id=escalation.pk)  # fresh, with its relations
    return Response(EscalationDetailSerializer(escalation, context=_context(request)).data)


class EscalationListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="EscalationListFilter")
    class FilterSerializer(serializers.Serializer):
        state = serializers.ChoiceField(choices=Escalation.State.choices, required=False, allow_blank=True)
        cursor = serializers.CharField(
            required=False, allow_blank=True, max_length=200, help_text=_("Set in the `next` link of a page.")
        )

    @extend_schema(
        operation_id="escalations_list",
        parameters=[FilterSerializer],
        responses={
            200: EscalationPageSerializer,
            400: ACTION_ERRORS[400],
            403: OpenApiResponse(response=ErrorOutputSerializer, description=_("Residents have no inbox.")),
        },
        description=_(
            "Your inbox: your organisation's escalations (partner staff), those of your neighbourhoods "
            "(workers), or all of them (coordinators). Waiting ones first, the longest wait on top."
        ),
    )
    def get(self, request: Request) -> Response:
        access_inbox(request.user)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        params = filters.validated_data
        rows, cursor = selectors.escalation_inbox_page(
            user=request.user, state=params.get("state", ""), cursor=params.get("cursor") or None, size=PAGE_SIZE
        )
        results = EscalationOutputSerializer(rows, many=True, context=_context(request)).data
        return Response(page_body(results, next_link(request, cursor=cursor) if cursor else None))


class EscalationDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="escalations_retrieve",
        responses={200: EscalationDetailSerializer, 404: NOT_FOUND},
        description=_("One escalation with its history, and what is needed to act on it."),
    )
    def get(self, request: Request, pk: int) -> Response:
        escalation = access_escalation(user=request.user, escalation_id=pk)
        return Response(EscalationDetailSerializer(escalation, context=_context(request)).data)


class EscalationClaimApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="escalations_claim",
        request=None,
        responses={200: EscalationDetailSerializer, **ACTION_ERRORS},
        description=_("Pick it up. Of two staff claiming at once, one wins; the other gets 409."),
    )
    def post(self, request: Request, pk: int) -> Response:
        escalation = access_escalation(user=request.user, escalation_id=pk)
        escalation = services.escalation_claim(escalation=escalation, staff=request.user)
        return _detail(request, escalation)


class EscalationResolveApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="EscalationResolve")
    class InputSerializer(StrictInputSerializer):
        outcome = serializers.ChoiceField(choices=Escalation.Outcome.choices)
        note = TextField(required=False, allow_blank=True, max_length=NOTE_MAX)

    @extend_schema(
        operation_id="escalations_resolve",
        request=InputSerializer,
        responses={200: EscalationDetailSerializer, **ACTION_ERRORS},
        description=_("Close a claimed escalation with an outcome, and optionally a note."),
    )
    def post(self, request: Request, pk: int) -> Response:
        escalation = access_escalation(user=request.user, escalation_id=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        escalation = services.escalation_resolve(
            escalation=escalation, staff=request.user, **serializer.validated_data
        )
        return _detail(request, escalation)


class EscalationDeclineApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="EscalationDecline")
    class InputSerializer(StrictInputSerializer):
        reason = TextField(max_length=NOTE_MAX)

    @extend_schema(
        operation_id="escalations_decline",
        request=InputSerializer,
        responses={200: EscalationDetailSerializer, **ACTION_ERRORS},
        description=_("Not for your organisation: with a reason. It goes to the next partner, or the workers."),
    )
    def post(self, request: Request, pk: int) -> Response:
        escalation = access_escalation(user=request.user, escalation_id=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        escalation = services.escalation_decline(
            escalation=escalation, staff=request.user, reason=serializer.validated_data["reason"]
        )
        return _detail(request, escalation)


class EscalationHandBackApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="EscalationHandBack")
    class InputSerializer(StrictInputSerializer):
        note = TextField(required=False, allow_blank=True, max_length=NOTE_MAX)

    @extend_schema(
        operation_id="escalations_hand_back",
        request=InputSerializer,
        responses={200: EscalationDetailSerializer, **ACTION_ERRORS},
        description=_("Give a claimed escalation back to the neighbourhood's workers."),
    )
    def post(self, request: Request, pk: int) -> Response:
        escalation = access_escalation(user=request.user, escalation_id=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        escalation = services.escalation_hand_back(
            escalation=escalation, staff=request.user, **serializer.validated_data
        )
        return _detail(request, escalation)


class EscalationNoteApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="EscalationNote")
    class InputSerializer(StrictInputSerializer):
        note = TextField(max_length=NOTE_MAX)

    @extend_schema(
        operation_id="escalations_notes_create",
        request=InputSerializer,
        responses={201: StepSerializer, **ACTION_ERRORS},
        description=_("Record contact with the resident, or anything a colleague should know."),
    )
    def post(self, request: Request, pk: int) -> Response:
        escalation = access_escalation(user=request.user, escalation_id=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        step: EscalationStep = services.escalation_note_add(
            escalation=escalation, staff=request.user, note=serializer.validated_data["note"]
        )
        return Response(StepSerializer(step).data, status=status.HTTP_201_CREATED)


class AdConsentApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="AdConsent")
    class InputSerializer(StrictInputSerializer):
        consent = serializers.BooleanField(help_text=_("The resident's answer, given on the phone."))

    @extend_schema_serializer(component_name="AdConsentRecorded")
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        escalation_consent = serializers.BooleanField()
        consent_recorded_by_name = serializers.CharField(source="consent_recorded_by.display_name", allow_null=True)

    @extend_schema(
        operation_id="ads_consent_record",
        request=InputSerializer,
        responses={200: OutputSerializer, **{k: v for k, v in ACTION_ERRORS.items() if k != 409}},
        description=_(
            "A worker of the neighbourhood records whether the resident agrees that a partner may contact "
            "them (asked on the phone). Given after the request went to the workers only, it goes on to "
            "the partners; withdrawn, the partners' escalations are cancelled."
        ),
    )
    def post(self, request: Request, pk: int) -> Response:
        ad = access_ad(user=request.user, ad_id=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ad = services.escalation_consent_record(
            ad=ad, worker=request.user, consent=serializer.validated_data["consent"]
        )
        return Response(self.OutputSerializer(ad).data)
