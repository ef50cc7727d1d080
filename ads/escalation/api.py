"""API for escalation rules: coordinators list, add, change and remove the rules of their
scope. A place outside their scope is unknown to them (400 in a body, 404 in the URL),
the same as one that does not exist."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import (
    is_coordinator,
    municipalities_in_scope,
    neighbourhoods_in_scope,
    regions_in_scope,
)
from accounts.serializers import StrictInputSerializer, page_body, page_serializer
from ads.escalation import selectors, services
from ads.escalation.permissions import access_rule
from ads.escalation.rules import rule_words
from ads.models import Ad, Category


class IsCoordinator(BasePermission):
    message = _("Only coordinators manage escalation rules.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        return is_coordinator(request.user)


@extend_schema_field({"type": "string", "nullable": True})
class ScopedSlugField(serializers.SlugRelatedField):
    """A place by slug, among those the caller coordinates."""

    def __init__(self, scope, **kwargs) -> None:
        self.scope = scope
        super().__init__(slug_field="slug", required=False, allow_null=True, **kwargs)

    def get_queryset(self):
        return self.scope(self.context["request"].user)


@extend_schema_serializer(component_name="EscalationRuleInput")
class RuleInputSerializer(StrictInputSerializer):
    neighbourhood = ScopedSlugField(neighbourhoods_in_scope, help_text=_("Neighbourhood slug."))
    municipality = ScopedSlugField(municipalities_in_scope, help_text=_("Municipality slug."))
    region = ScopedSlugField(regions_in_scope, help_text=_("Region slug."))
    category = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Category.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("Category slug; empty for every category."),
    )
    urgency = serializers.ChoiceField(
        choices=Ad.Urgency.choices, required=False, allow_blank=True, help_text=_("Empty for any urgency.")
    )
    threshold_minutes = serializers.IntegerField(
        min_value=1, max_value=60 * 24 * 365, help_text=_("Minutes a request may wait for a neighbour.")
    )

    def validate(self, data: dict) -> dict:
        # On a change, the place may stay as it is; on a new rule, it must be named.
        partial = self.partial and not {"neighbourhood", "municipality", "region"} & set(data)
        places = [data.get(name) for name in ("neighbourhood", "municipality", "region")]
        if not partial and not any(places) and not self.context["request"].user.is_superuser:
            raise serializers.ValidationError(
                _("Say where the rule applies: a neighbourhood, a municipality or a region.")
            )
        if sum(1 for place in places if place) > 1:
            raise serializers.ValidationError(_("Choose one place: a neighbourhood, a municipality or a region."))
        return data


@extend_schema_serializer(component_name="EscalationRule")
class RuleOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    neighbourhood = serializers.CharField(source="neighbourhood.slug", allow_null=True)
    municipality = serializers.CharField(source="municipality.slug", allow_null=True)
    region = serializers.CharField(source="region.slug", allow_null=True)
    category = serializers.CharField(source="category.slug", allow_null=True)
    urgency = serializers.CharField(help_text=_("normal, today, or empty for any urgency."))
    threshold_minutes = serializers.IntegerField()
    applies = serializers.SerializerMethodField(help_text=_("Where the rule applies, in words."))
    created_at = serializers.DateTimeField()

    def get_applies(self, rule) -> str:
        return rule_words(rule.level, rule.area.name if rule.area else "")


RULES_DESCRIPTION = _(
    "How long a request may wait for a neighbour before the ladder passes it on. The most specific rule "
    "wins: urgency first, then the place from small to large (neighbourhood, municipality, region, "
    "everywhere), and within a place a rule for the category before one for any. Without a rule: 48 "
    "hours, or 4 hours for urgency 'today'. Coordinators see and change the rules of their scope, and "
    "read the rules for everywhere."
)


class EscalationRulesApi(APIView):
    permission_classes = [IsAuthenticated, IsCoordinator]

    @extend_schema(
        operation_id="escalation_rules_list",
        summary=_("Escalation rules (coordinators)"),
        description=RULES_DESCRIPTION,
        responses={
            200: page_serializer("EscalationRulePage", RuleOutputSerializer(many=True)),
            403: OpenApiTypes.OBJECT,
        },
    )
    def get(self, request: Request) -> Response:
        rules = selectors.escalation_rules(user=request.user)
        return Response(page_body(RuleOutputSerializer(rules, many=True).data))

    @extend_schema(
        operation_id="escalation_rules_create",
        summary=_("Add an escalation rule (coordinators)"),
        request=RuleInputSerializer,
        responses={201: RuleOutputSerializer, 400: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        serializer = RuleInputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        rule = services.escalation_rule_create(**serializer.validated_data)
        return Response(RuleOutputSerializer(rule).data, status=status.HTTP_201_CREATED)


class EscalationRuleApi(APIView):
    permission_classes = [IsAuthenticated, IsCoordinator]

    @extend_schema(
        operation_id="escalation_rules_retrieve",
        summary=_("One escalation rule (coordinators)"),
        responses={200: RuleOutputSerializer, 403: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(RuleOutputSerializer(access_rule(user=request.user, rule_id=pk)).data)

    @extend_schema(
        operation_id="escalation_rules_update",
        summary=_("Change an escalation rule (coordinators)"),
        request=RuleInputSerializer,
        responses={
            200: RuleOutputSerializer,
            400: OpenApiTypes.OBJECT,
            403: OpenApiTypes.OBJECT,
            404: OpenApiTypes.OBJECT,
        },
    )
    def patch(self, request: Request, pk: int) -> Response:
        rule = access_rule(user=request.user, rule_id=pk)
        serializer = RuleInputSerializer(data=request.data, partial=True, context={"request": request})
        serializer.is_valid(raise_exception=True)
        rule = services.escalation_rule_update(rule=rule, **serializer.validated_data)
        return Response(RuleOutputSerializer(rule).data)

    @extend_schema(
        operation_id="escalation_rules_destroy",
        summary=_("Remove an escalation rule (coordinators)"),
        responses={204: None, 403: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT},
    )
    def delete(self, request: Request, pk: int) -> Response:
        services.escalation_rule_delete(rule=access_rule(user=request.user, rule_id=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)
