"""API for escalation rules: coordinators list and add them (the admin changes them)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Neighbourhood
from accounts.serializers import StrictInputSerializer
from ads.escalation import selectors, services
from ads.escalation.permissions import is_coordinator
from ads.models import Ad, Category


class IsCoordinator(BasePermission):
    message = _("Only coordinators manage escalation rules.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        return is_coordinator(request.user)


class EscalationRulesApi(APIView):
    permission_classes = [IsAuthenticated, IsCoordinator]

    @extend_schema_serializer(component_name="EscalationRuleInput")
    class InputSerializer(StrictInputSerializer):
        neighbourhood = serializers.SlugRelatedField(
            slug_field="slug",
            queryset=Neighbourhood.objects.all(),
            required=False,
            allow_null=True,
            help_text=_("Neighbourhood slug; empty for every neighbourhood."),
        )
        category = serializers.SlugRelatedField(
            slug_field="slug",
            queryset=Category.objects.all(),
            required=False,
            allow_null=True,
            help_text=_("Category slug; empty for every category."),
        )
        urgency = serializers.ChoiceField(
            choices=Ad.Urgency.choices,
            required=False,
            allow_blank=True,
            default="",
            help_text=_("Empty for any urgency."),
        )
        threshold_minutes = serializers.IntegerField(
            min_value=1, max_value=60 * 24 * 365, help_text=_("Minutes a request may wait for a neighbour.")
        )

    @extend_schema_serializer(component_name="EscalationRule")
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        neighbourhood = serializers.CharField(source="neighbourhood.slug", allow_null=True)
        category = serializers.CharField(source="category.slug", allow_null=True)
        urgency = serializers.CharField(help_text=_("normal, today, or empty for any urgency."))
        threshold_minutes = serializers.IntegerField()
        created_at = serializers.DateTimeField()

    @extend_schema(
        operation_id="escalation_rules_list",
        summary=_("Escalation rules (coordinators)"),
        description=_(
            "How long a request may wait for a neighbour before the ladder passes it on. The most "
            "specific rule wins: urgency, then neighbourhood, then category. Without a rule: 48 hours, or 4 "
            "hours for urgency 'today'."
        ),
        responses={200: OutputSerializer(many=True), 403: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        rules = selectors.escalation_rules()
        return Response(self.OutputSerializer(rules, many=True).data)

    @extend_schema(
        operation_id="escalation_rules_create",
        summary=_("Add an escalation rule (coordinators)"),
        request=InputSerializer,
        responses={201: OutputSerializer, 400: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rule = services.escalation_rule_create(**serializer.validated_data)
        return Response(self.OutputSerializer(rule).data, status=status.HTTP_201_CREATED)
