"""API for a person's own data (GDPR): GET /api/v1/me/export/."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.gdpr import data_export


class MeExportApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="me_export",
        responses={200: OpenApiTypes.OBJECT},
        description=_(
            "Everything SamSam keeps about you, as JSON: your account under `user`, and under "
            '`linked` every row that refers to you, by kind ("app.Model"). Secrets such as your '
            "password hash and token are left out."
        ),
    )
    def get(self, request: Request) -> Response:
        return Response(data_export(user=request.user))
