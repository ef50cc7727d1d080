"""The ads JSON API: one APIView per operation, each with its own Input/Output serializers.

Where two operations share a URL (GET and POST /ads/), a small class joins the two
views; each operation names its own serializers explicitly (AdListApi.FilterSerializer,
not self.FilterSerializer), because both parents define classes with the same names.
"""

from typing import Any

import orjson
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import renderers, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils import encoders
from rest_framework.views import APIView

from accounts.serializers import next_link, page_body, page_serializer
from ads.models import DESCRIPTION_MAX, REPLY_MAX, TITLE_MAX, Ad, Category
from ads.permissions import access_ad, access_ad_as_author, member_neighbourhood
from ads.selectors import SEARCH_MAX, BoardFilters, ad_conversations, ad_list_page, categories
from ads.serializers import (
    AdListPageSerializer,
    AdOutputSerializer,
    CategoryOutputSerializer,
    ConversationField,
    ConversationOutputSerializer,
    ErrorOutputSerializer,
    ReplyOutputSerializer,
    ShallowFieldsSerializer,
    StrictInputSerializer,
    TextField,
    ad_list_item,
)
from ads.services import ad_close, ad_create, ad_renew, ad_update, ad_withdraw, helper_choose, reply_post

API_PAGE_SIZE = 20
_drf_encoder = encoders.JSONEncoder()


class ORJSONRenderer(renderers.BaseRenderer):
    """JSON through orjson, for the list: dicts + orjson cost a few microseconds a page
    where a serializer costs hundreds (see docs/performance.md).

    Dates and datetimes are written natively (UTC as "Z", like UtcDateTimeField); what
    orjson does not know (lazy translations, decimals) falls back to DRF's encoder."""

    media_type = "application/json"
    format = "json"
    charset = None

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        if data is None:
            return b""
        return orjson.dumps(data, default=_drf_encoder.default, option=orjson.OPT_UTC_Z)


NOT_FOUND = {
    404: OpenApiResponse(
        response=ErrorOutputSerializer,
        description=_("No such ad, or not in your neighbourhoods: the same answer for both."),
    )
}
REFUSED = {
    **NOT_FOUND,
    400: OpenApiResponse(
        response=OpenApiTypes.OBJECT,
        description=_('Invalid input: {"field": ["message", ...]} per field, or {"detail": "message"}.'),
    ),
    403: OpenApiResponse(
        response=ErrorOutputSerializer, description=_("Only the person who placed this ad can do this.")
    ),
}
# A new account's first day: at most 3 ads and 10 replies (ads.moderation.rules).
NEWCOMER_LIMIT = {
    429: OpenApiResponse(
        response=ErrorOutputSerializer,
        description=_("A new account has reached its limit for the first day; see the Retry-After header."),
    )
}


def _ad_output(ad: Ad, request: Request) -> dict:
    return AdOutputSerializer(ad, context={"user": request.user}).data


class CategoryListApi(APIView):
    OutputSerializer = CategoryOutputSerializer
    PageSerializer = page_serializer("CategoryPage", CategoryOutputSerializer(many=True))

    @extend_schema(
        operation_id="categories_list",
        responses=PageSerializer,
        description=_("The categories an ad can have, in display order."),
    )
    def get(self, request: Request) -> Response:
        return Response(page_body(self.OutputSerializer(categories(), many=True).data))


class AdListApi(APIView):
    renderer_classes = [ORJSONRenderer, renderers.BrowsableAPIRenderer]

    @extend_schema_serializer(component_name="AdListFilter")
    class FilterSerializer(ShallowFieldsSerializer):
        neighbourhood = serializers.SlugField(
            required=False, allow_blank=True, help_text=_("One of your neighbourhoods; empty for all of them.")
        )
        kind = serializers.ChoiceField(choices=Ad.Kind.choices, required=False, allow_blank=True)
        category = serializers.SlugRelatedField(
            slug_field="slug",
            queryset=Category.objects.all(),
            required=False,
            allow_null=True,
            error_messages={"does_not_exist": _("There is no category “{value}”.")},
            help_text=_("A category slug, see /api/v1/categories/."),
        )
        status = serializers.ChoiceField(choices=Ad.Status.choices, required=False, allow_blank=True)
        q = serializers.CharField(
            required=False, allow_blank=True, max_length=SEARCH_MAX, help_text=_("Words in the title or description.")
        )
        cursor = serializers.CharField(
            required=False, allow_blank=True, max_length=200, help_text=_("Set in the `next` link of a page.")
        )
        page_size = serializers.IntegerField(
            required=False, default=API_PAGE_SIZE, min_value=1, max_value=settings.API_MAX_PAGE_SIZE
        )

    OutputSerializer = AdListPageSerializer  # documents the shape; ad_list_item builds it

    @extend_schema(
        operation_id="ads_list",
        parameters=[FilterSerializer],
        responses={200: AdListPageSerializer, 400: REFUSED[400]},
        description=_("Visible ads of your neighbourhoods, newest first, a page at a time."),
    )
    def get(self, request: Request) -> Response:
        filters = AdListApi.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        params = filters.validated_data
        slug = params.get("neighbourhood", "")
        page = ad_list_page(
            user=request.user,
            neighbourhood=slug,
            filters=_board_filters(params),
            cursor=params.get("cursor") or None,
            size=params["page_size"],
        )
        if slug and not page.items:
            # The page holds only the named neighbourhood if it is the caller's; an empty one
            # may mean it is not: then this says so (400), else the page is just empty.
            member_neighbourhood(user=request.user, slug=slug)
        next_url = next_link(request, cursor=page.next_cursor) if page.next_cursor else None
        return Response(page_body([ad_list_item(row) for row in page.items], next_url))


def _board_filters(params: dict) -> BoardFilters:
    category = params.get("category")
    return BoardFilters(
        kind=params.get("kind", ""),
        category=category.slug if category else "",
        status=params.get("status", ""),
        q=params.get("q", ""),
    )


class AdCreateApi(APIView):
    @extend_schema_serializer(component_name="AdCreate")
    class InputSerializer(StrictInputSerializer):
        kind = serializers.ChoiceField(choices=Ad.Kind.choices)
        category = serializers.SlugRelatedField(
            slug_field="slug",
            queryset=Category.objects.all(),
            error_messages={"does_not_exist": _("There is no category “{value}”.")},
        )
        title = TextField(min_length=3, max_length=TITLE_MAX)
        description = TextField(max_length=DESCRIPTION_MAX)
        urgency = serializers.ChoiceField(choices=Ad.Urgency.choices, required=False)
        wanted_on = serializers.DateField(required=False, allow_null=True, help_text=_("Empty means flexible."))
        escalation_consent = serializers.BooleanField(
            required=False, help_text=_("Requests only: a partner organisation may contact the resident.")
        )
        neighbourhood = serializers.SlugField(
            required=False,
            allow_blank=True,
            help_text=_(
                "One of your neighbourhoods. Empty or left out: your home neighbourhood, or for a worker "
                "without one, the first neighbourhood they work in."
            ),
        )

    OutputSerializer = AdOutputSerializer

    @extend_schema(
        operation_id="ads_create",
        request=InputSerializer,
        responses={
            201: AdOutputSerializer,
            400: REFUSED[400],
            403: OpenApiResponse(response=ErrorOutputSerializer, description=_("Confirm your email address first.")),
            **NEWCOMER_LIMIT,
        },
        description=_("Place a request or offer in one of your neighbourhoods (your home one by default)."),
    )
    def post(self, request: Request) -> Response:
        serializer = AdCreateApi.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        slug = fields.pop("neighbourhood", "")
        if slug:
            fields["neighbourhood"] = member_neighbourhood(user=request.user, slug=slug)
        ad = ad_create(author=request.user, **fields)
        return Response(_ad_output(ad, request), status=status.HTTP_201_CREATED)


class AdsApi(AdListApi, AdCreateApi):
    pass  # GET /ads/ lists, POST /ads/ places an ad


class AdDetailApi(APIView):
    OutputSerializer = AdOutputSerializer

    @extend_schema(
        operation_id="ads_retrieve",
        responses={200: AdOutputSerializer, **NOT_FOUND},
        description=_("One ad of your neighbourhoods, or one of your own."),
    )
    def get(self, request: Request, pk: int) -> Response:
        ad = access_ad(user=request.user, ad_id=pk)
        return Response(_ad_output(ad, request))


class AdUpdateApi(APIView):
    @extend_schema_serializer(component_name="AdUpdate")
    class InputSerializer(StrictInputSerializer):
        category = serializers.SlugRelatedField(
            slug_field="slug",
            queryset=Category.objects.all(),
            required=False,
            error_messages={"does_not_exist": _("There is no category “{value}”.")},
        )
        title = TextField(min_length=3, max_length=TITLE_MAX, required=False)
        description = TextField(max_length=DESCRIPTION_MAX, required=False)
        urgency = serializers.ChoiceField(choices=Ad.Urgency.choices, required=False)
        wanted_on = serializers.DateField(required=False, allow_null=True)
        escalation_consent = serializers.BooleanField(required=False)

    OutputSerializer = AdOutputSerializer

    @extend_schema(
        operation_id="ads_partial_update",
        request=InputSerializer,
        responses={200: AdOutputSerializer, **REFUSED},
        description=_("The author changes an open ad; only the fields sent change."),
    )
    def patch(self, request: Request, pk: int) -> Response:
        ad = access_ad_as_author(user=request.user, ad_id=pk)
        serializer = AdUpdateApi.InputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        ad = ad_update(ad=ad, editor=request.user, changes=serializer.validated_data)
        return Response(_ad_output(ad, request))


class AdApi(AdDetailApi, AdUpdateApi):
    pass  # GET /ads/{id}/ reads, PATCH changes


class ConversationListApi(APIView):
    OutputSerializer = ConversationOutputSerializer
    PageSerializer = page_serializer("ConversationPage", ConversationOutputSerializer(many=True))

    @extend_schema(
        operation_id="ads_replies_list",
        responses={200: PageSerializer, **NOT_FOUND},
        description=_("Your own conversation on this ad; all of them for its author and the neighbourhood's workers."),
    )
    def get(self, request: Request, pk: int) -> Response:
        ad = access_ad(user=request.user, ad_id=pk)
        conversations = ad_conversations(user=request.user, ad=ad)
        context = {"user": request.user, "ad": ad}
        rows = ConversationListApi.OutputSerializer(conversations, many=True, context=context).data
        return Response(page_body(rows))


class ReplyCreateApi(APIView):
    @extend_schema_serializer(component_name="ReplyCreate")
    class InputSerializer(StrictInputSerializer):
        body = TextField(max_length=REPLY_MAX)
        conversation = ConversationField(
            required=False,
            allow_null=True,
            help_text=_("Required for the ad's author: the conversation you answer. Others write in their own."),
        )

    OutputSerializer = ReplyOutputSerializer

    @extend_schema(
        operation_id="ads_replies_create",
        request=InputSerializer,
        responses={201: ReplyOutputSerializer, **REFUSED, **NEWCOMER_LIMIT},
        description=_(
            "Write a reply. A neighbour writes in their own conversation (the first reply starts it); "
            "the ad's author names the conversation they answer."
        ),
    )
    def post(self, request: Request, pk: int) -> Response:
        ad = access_ad(user=request.user, ad_id=pk)
        serializer = ReplyCreateApi.InputSerializer(data=request.data, context={"user": request.user, "ad": ad})
        serializer.is_valid(raise_exception=True)
        reply = reply_post(ad=ad, author=request.user, **serializer.validated_data)
        output = ReplyCreateApi.OutputSerializer(reply, context={"user": request.user})
        return Response(output.data, status=status.HTTP_201_CREATED)


class AdRepliesApi(ConversationListApi, ReplyCreateApi):
    pass  # GET /ads/{id}/replies/ reads conversations, POST writes a reply


class AdHelperChooseApi(APIView):
    @extend_schema_serializer(component_name="HelperChoose")
    class InputSerializer(StrictInputSerializer):
        conversation = ConversationField(help_text=_("The conversation with the person you choose."))

    @extend_schema(
        operation_id="ads_helper_choose",
        request=InputSerializer,
        responses={200: AdOutputSerializer, **REFUSED},
        description=_("The author chooses the person of a conversation as helper; the ad becomes matched."),
    )
    def post(self, request: Request, pk: int) -> Response:
        ad = access_ad_as_author(user=request.user, ad_id=pk)
        serializer = self.InputSerializer(data=request.data, context={"user": request.user, "ad": ad})
        serializer.is_valid(raise_exception=True)
        ad = helper_choose(ad=ad, chooser=request.user, conversation=serializer.validated_data["conversation"])
        return Response(_ad_output(ad, request))


class AdCloseApi(APIView):
    @extend_schema_serializer(component_name="AdClose")
    class InputSerializer(StrictInputSerializer):
        thanks = TextField(required=False, allow_blank=True, max_length=REPLY_MAX, help_text=_("A thank-you note."))

    @extend_schema(
        operation_id="ads_close",
        request=InputSerializer,
        responses={200: AdOutputSerializer, **REFUSED},
        description=_("The author closes the ad: the help was given. A thank-you note is optional."),
    )
    def post(self, request: Request, pk: int) -> Response:
        ad = access_ad_as_author(user=request.user, ad_id=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ad = ad_close(ad=ad, closer=request.user, thanks=serializer.validated_data.get("thanks", ""))
        return Response(_ad_output(ad, request))


class AdWithdrawApi(APIView):
    @extend_schema(
        operation_id="ads_withdraw",
        request=None,
        responses={200: AdOutputSerializer, **REFUSED},
        description=_("The author withdraws the ad: it is no longer needed."),
    )
    def post(self, request: Request, pk: int) -> Response:
        ad = access_ad_as_author(user=request.user, ad_id=pk)
        ad = ad_withdraw(ad=ad, withdrawer=request.user)
        return Response(_ad_output(ad, request))


class AdRenewApi(APIView):
    @extend_schema(
        operation_id="ads_renew",
        request=None,
        responses={200: AdOutputSerializer, **REFUSED},
        description=_("The author keeps a running ad up for another full period (AD_LIFETIME_DAYS from now)."),
    )
    def post(self, request: Request, pk: int) -> Response:
        ad = access_ad_as_author(user=request.user, ad_id=pk)
        ad = ad_renew(ad=ad, renewer=request.user)
        return Response(_ad_output(ad, request))
