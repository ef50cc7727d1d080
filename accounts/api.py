"""The accounts JSON API: a token for API clients, the neighbourhoods, and the caller's profile.

One APIView per resource, each operation with its own Input/Output serializers.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.forms import DISPLAY_NAME_MAX, PHONE_MAX, STREET_MAX, phone_validator
from accounts.gdpr import account_delete
from accounts.models import User
from accounts.permissions import (
    coordinator_scope,
    member_neighbourhood_ids,
    municipalities_visible_to,
    worker_neighbourhood_ids,
)
from accounts.selectors import neighbourhood_list
from accounts.serializers import MeOutputSerializer, StrictInputSerializer, TextField, page_body, page_serializer
from accounts.services import api_token_obtain, profile_update

BAD_INPUT = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description=_('Invalid input: {"field": ["message", ...]} per field, or {"detail": "message"}.'),
)


class TokenObtainApi(APIView):
    # Anyone may ask; a session or an old token sent along plays no part.
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema_serializer(component_name="TokenObtain")
    class InputSerializer(StrictInputSerializer):
        email = TextField(max_length=254)
        password = TextField(trim_whitespace=False, max_length=4096)

    @extend_schema_serializer(component_name="Token")
    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField(help_text=_("Send it as: Authorization: Token <token>"))

    @extend_schema(
        operation_id="auth_token_create",
        request=InputSerializer,
        responses={
            200: OutputSerializer,
            400: OpenApiResponse(
                response=OpenApiTypes.OBJECT,
                description=_(
                    "Wrong email address or password, an email address that is not confirmed yet, "
                    'or invalid JSON: {"detail": "message"} or {"field": ["message", ...]}.'
                ),
            ),
            # accounts.limits: too many failed attempts (Retry-After), or the limiter is down.
            429: OpenApiResponse(response=OpenApiTypes.OBJECT, description=_("Too many failed attempts.")),
            503: OpenApiResponse(response=OpenApiTypes.OBJECT, description=_("Try again later.")),
        },
        description=_("Your API token, for the email address and password you log in with on the site."),
    )
    def post(self, request: Request) -> Response:
        serializer = TokenObtainApi.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token = api_token_obtain(request=request._request, **serializer.validated_data)
        return Response(TokenObtainApi.OutputSerializer({"token": token}).data)


class NeighbourhoodListApi(APIView):
    # The names of the neighbourhoods where SamSam runs are public, like on a poster;
    # what happens inside one (its board) is for its members only.
    permission_classes = [AllowAny]

    @extend_schema_serializer(component_name="Neighbourhood")
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        slug = serializers.SlugField()
        name = serializers.CharField()
        municipality = serializers.SlugField(source="municipality.slug", help_text=_("The municipality's slug."))
        municipality_name = serializers.CharField(source="municipality.name")
        is_member = serializers.SerializerMethodField(
            help_text=_("You may read this neighbourhood's board: you live or work there. Always false without login.")
        )

        def get_is_member(self, neighbourhood) -> bool:
            return neighbourhood.pk in self.context["member_ids"]

    PageSerializer = page_serializer("NeighbourhoodPage", OutputSerializer(many=True))

    @extend_schema(
        operation_id="neighbourhoods_list",
        responses=PageSerializer,
        description=_(
            "Every neighbourhood where SamSam runs, by name. Open to everyone, also without login: "
            "the names are public. Ads are only shown to members (see is_member)."
        ),
    )
    def get(self, request: Request) -> Response:
        context = {"member_ids": member_neighbourhood_ids(request.user)}
        rows = NeighbourhoodListApi.OutputSerializer(neighbourhood_list(), many=True, context=context).data
        return Response(page_body(rows))


class MunicipalityListApi(APIView):
    @extend_schema_serializer(component_name="Municipality")
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        slug = serializers.SlugField()
        name = serializers.CharField()
        cbs_code = serializers.CharField(help_text=_("The code of Statistics Netherlands, e.g. GM0344; may be empty."))
        region = serializers.SlugField(source="region.slug")
        region_name = serializers.CharField(source="region.name")
        coordinated = serializers.SerializerMethodField(help_text=_("You coordinate this municipality."))

        def get_coordinated(self, municipality) -> bool:
            return municipality.pk in self.context["coordinated"]

    PageSerializer = page_serializer("MunicipalityPage", OutputSerializer(many=True))

    @extend_schema(
        operation_id="municipalities_list",
        responses=PageSerializer,
        description=_(
            "The municipalities you may see: where you live or work, where your partner organisation works, "
            "and those you coordinate."
        ),
    )
    def get(self, request: Request) -> Response:
        municipalities = municipalities_visible_to(request.user).select_related("region").order_by("name", "pk")
        context = {"coordinated": coordinator_scope(request.user).municipality_ids}
        rows = MunicipalityListApi.OutputSerializer(municipalities, many=True, context=context).data
        return Response(page_body(rows))


class MeApi(APIView):
    @extend_schema_serializer(component_name="MeUpdate")
    class InputSerializer(StrictInputSerializer):
        display_name = TextField(max_length=DISPLAY_NAME_MAX, required=False)
        phone = TextField(max_length=PHONE_MAX, required=False, allow_blank=True, validators=[phone_validator])
        street = TextField(max_length=STREET_MAX, required=False, allow_blank=True)
        language = serializers.ChoiceField(choices=User.Language.choices, required=False)

    @staticmethod
    def _output(user: User) -> dict:
        works_in = neighbourhood_list(ids=worker_neighbourhood_ids(user))
        return MeOutputSerializer(user, context={"works_in": works_in}).data

    @extend_schema(
        operation_id="me_retrieve",
        responses=MeOutputSerializer,
        description=_("Your own account: profile, home neighbourhood and roles."),
    )
    def get(self, request: Request) -> Response:
        return Response(self._output(request.user))

    @extend_schema(
        operation_id="me_partial_update",
        request=InputSerializer,
        responses={200: MeOutputSerializer, 400: BAD_INPUT},
        description=_(
            "Change your display name, phone, street or language. Send only what changes. "
            "Phone and street are private. The email address and postcode cannot be changed here."
        ),
    )
    def patch(self, request: Request) -> Response:
        serializer = MeApi.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = profile_update(user=request.user, **serializer.validated_data)
        return Response(self._output(user))

    @extend_schema(
        operation_id="me_destroy",
        request=None,
        responses={204: None},
        description=_(
            "Delete your account: your name, email address, phone, street and "
            'postcode are erased at once, your messages say "removed", your ads are taken down, and '
            "your sessions and tokens stop working. What is left is removed after 30 days."
        ),
    )
    def delete(self, request: Request) -> Response:
        account_delete(user=request.user)
        return Response(status=204)
