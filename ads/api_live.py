"""GET /api/v1/ads/{id}/events/?since=<cursor>: what a live client missed.

A websocket push carries only (type, cursor); a client fetches the events after its
last cursor here, on connect, on reconnect and on every push."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import renderers, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.serializers import SinceField, next_link, page_body, page_serializer
from ads.api import NOT_FOUND, ORJSONRenderer
from ads.models import Ad, AdEvent
from ads.permissions import access_ad
from ads.selectors_live import ad_events_since
from ads.serializers import ReplyOutputSerializer, UtcDateTimeField


@extend_schema_serializer(component_name="AdState")
class AdStateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Ad.Status.choices)
    status_label = serializers.CharField(help_text=_("The status in the language of the request."))


@extend_schema_serializer(component_name="AdEvent")
class AdEventSerializer(serializers.Serializer):
    cursor = serializers.IntegerField(help_text=_("Increases with every event of the ad."))
    type = serializers.ChoiceField(choices=AdEvent.Kind.choices)
    created_at = UtcDateTimeField()
    conversation = serializers.IntegerField(allow_null=True, help_text=_("Set for events inside a conversation."))
    reply = ReplyOutputSerializer(allow_null=True, help_text=_("The new reply, for reply.created."))


class AdEventsApi(APIView):
    renderer_classes = [ORJSONRenderer, renderers.BrowsableAPIRenderer]

    @extend_schema_serializer(component_name="AdEventsFilter")
    class FilterSerializer(serializers.Serializer):
        since = SinceField()

    # Documents the shape; ads.selectors_live builds it from plain rows. `next` is null when
    # up to date: the last event's cursor is then the `since` of the next call.
    OutputSerializer = page_serializer("AdEventPage", AdEventSerializer(many=True), ad=AdStateSerializer())

    @extend_schema(
        operation_id="ads_events_list",
        parameters=[FilterSerializer],
        responses={200: OutputSerializer, **NOT_FOUND},
        description=_(
            "The events of an ad after a cursor that you may see, oldest first, at most 100 at a time: "
            "replies in your conversations (all of them for the author and the neighbourhood's workers), "
            "a helper chosen, the ad changed, closed or withdrawn."
        ),
    )
    def get(self, request: Request, pk: int) -> Response:
        ad = access_ad(user=request.user, ad_id=pk)
        params = AdEventsApi.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        page = ad_events_since(user=request.user, ad=ad, since=params.validated_data["since"])
        more = next_link(request, since=page.cursor) if page.more else None
        state = {"id": ad.pk, "status": ad.status, "status_label": ad.get_status_display()}
        return Response(page_body(page.events, more, ad=state))
