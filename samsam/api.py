"""API plumbing shared by every app: error shapes and plain JSON errors."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ads.escalation.exceptions import EscalationConflict


def validation_detail(error: DjangoValidationError) -> dict | list:
    """A Django ValidationError as DRF-style detail: {field: [messages]} or {"detail": ...}."""
    if hasattr(error, "error_dict"):
        return {field: [str(m) for e in errors for m in e.messages] for field, errors in error.error_dict.items()}
    messages = error.messages
    return {"detail": str(messages[0]) if len(messages) == 1 else [str(m) for m in messages]}


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """Services raise Django's exceptions; the API answers them as 400/403/404, and a
    state that moved under the caller (someone else claimed first) as 409."""
    if isinstance(exc, EscalationConflict):
        return Response({"detail": exc.message}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        return Response(validation_detail(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    return drf_exception_handler(exc, context)


def json_not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse({"detail": str(exceptions.NotFound.default_detail)}, status=404)
