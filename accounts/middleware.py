"""Turns the limiter's refusals into answers: 429 with Retry-After, or 503 when the
counters are down. JSON under /api/, a page elsewhere; never a 500."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from accounts.limits import LimiterUnavailable, RateLimited

UNAVAILABLE_RETRY_SECONDS = 60


def _answer(request: HttpRequest, message: str, status: int, retry_after: int) -> HttpResponse:
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": message}, status=status)
    else:
        response = render(request, "429.html", {"message": message, "status": status}, status=status)
    response["Retry-After"] = str(retry_after)
    return response


class LimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RateLimited):
            return _answer(request, exception.message, 429, exception.retry_after)
        if isinstance(exception, LimiterUnavailable):
            return _answer(request, exception.message, 503, UNAVAILABLE_RETRY_SECONDS)
        return None
