"""API: GET/POST/DELETE /api/v1/ads/{id}/contact/ — share contact details by consent."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ads.api import NOT_FOUND, REFUSED
from ads.contact import selectors, services
from ads.permissions import access_ad


class ContactOutputSerializer(serializers.Serializer):
    can_share = serializers.BooleanField(help_text=_("You are the author or the chosen helper of this ad."))
    i_agreed = serializers.BooleanField()
    they_agreed = serializers.BooleanField()
    shared = serializers.BooleanField(help_text=_("Both agreed: the other person's details are below."))
    name = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True)
    street = serializers.CharField(allow_blank=True)


def _output(ad, user) -> dict:
    return ContactOutputSerializer(selectors.contact_state(ad=ad, user=user)).data


class AdContactApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="ads_contact_retrieve",
        responses={200: ContactOutputSerializer, **NOT_FOUND},
        description=_("Contact details between the author and the chosen helper: shown only when both agreed."),
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(_output(access_ad(user=request.user, ad_id=pk), request.user))

    @extend_schema(
        operation_id="ads_contact_share",
        request=None,
        responses={200: ContactOutputSerializer, 400: REFUSED[400], **NOT_FOUND},
        description=_("Agree to share your phone number and street with the other person of the pair."),
    )
    def post(self, request: Request, pk: int) -> Response:
        ad = access_ad(user=request.user, ad_id=pk)
        services.contact_consent_give(ad=ad, user=request.user)
        return Response(_output(ad, request.user))

    @extend_schema(
        operation_id="ads_contact_withdraw",
        request=None,
        responses={200: ContactOutputSerializer, **NOT_FOUND},
        description=_("Stop sharing your contact details. The other person no longer sees them."),
    )
    def delete(self, request: Request, pk: int) -> Response:
        ad = access_ad(user=request.user, ad_id=pk)
        services.contact_consent_withdraw(ad=ad, user=request.user)
        return Response(_output(ad, request.user))
